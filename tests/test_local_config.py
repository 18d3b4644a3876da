import json
import stat

import pytest

from tempmail.local import config
from tempmail.settings import ConfigError


def test_first_run_generates_secrets_once(tmp_path):
    env = {"DATA_DIR": str(tmp_path / "data")}
    first = config.load(env, dev_vars=tmp_path / "absent")
    assert first.generated_admin_password
    saved = json.loads((tmp_path / "data" / config.SECRETS_FILE).read_text())
    assert saved["ADMIN_PASSWORDS"] == [first.generated_admin_password]
    assert stat.S_IMODE((tmp_path / "data" / config.SECRETS_FILE).stat().st_mode) == 0o600
    second = config.load(env, dev_vars=tmp_path / "absent")
    assert second.generated_admin_password is None  # printed only on the run that made it
    assert second.settings.jwt_secret == first.settings.jwt_secret == saved["JWT_SECRET"]


def test_embedded_defaults(tmp_path):
    cfg = config.load({"DATA_DIR": str(tmp_path)}, dev_vars=tmp_path / "absent")
    assert (cfg.host, cfg.http_port, cfg.smtp_port, cfg.submission_port) == ("127.0.0.1", 8787, 2525, 8025)
    assert cfg.settings.domains == ("example.com",)


def test_environment_wins_over_dev_vars_which_win_over_defaults(tmp_path):
    dev_vars = tmp_path / ".dev.vars"
    dev_vars.write_text('# comment\nDOMAINS="a.example,b.example"\nPREFIX=dv\nHTTP_PORT=9000\n\nnot a line\n')
    cfg = config.load({"DATA_DIR": str(tmp_path), "PREFIX": "env"}, dev_vars=dev_vars)
    assert cfg.settings.domains == ("a.example", "b.example")
    assert cfg.settings.prefix == "env"
    assert cfg.http_port == 9000


def test_configured_secrets_override_generated_ones(tmp_path):
    secret = "s" * 40
    cfg = config.load({"DATA_DIR": str(tmp_path), "JWT_SECRET": secret}, dev_vars=tmp_path / "absent")
    assert cfg.settings.jwt_secret == secret


def test_bad_configuration_fails_loudly(tmp_path):
    with pytest.raises(ConfigError, match="DOMAINS"):
        config.load({"DATA_DIR": str(tmp_path), "DOMAINS": "not a domain"}, dev_vars=tmp_path / "absent")


def test_the_sending_proxy_gets_its_certificate_files(tmp_path):
    cert = tmp_path / "proxy.pem"
    cert.write_text("not checked here")
    cfg = config.load(
        {"DATA_DIR": str(tmp_path), "SUBMISSION_CERT_FILE": str(cert)}, dev_vars=tmp_path / "absent"
    )
    assert (cfg.submission_tls.cert_file, cfg.submission_tls.key_file) == (cert, None)
    plain = config.load({"DATA_DIR": str(tmp_path)}, dev_vars=tmp_path / "absent")
    assert plain.submission_tls == config.SubmissionTls(None, None)
    with pytest.raises(ConfigError, match="SUBMISSION_CERT_FILE"):
        config.load(
            {"DATA_DIR": str(tmp_path), "SUBMISSION_CERT_FILE": str(tmp_path / "nope.pem")},
            dev_vars=tmp_path / "absent",
        )
    with pytest.raises(ConfigError, match="SUBMISSION_KEY_FILE"):
        config.load(
            {"DATA_DIR": str(tmp_path), "SUBMISSION_KEY_FILE": str(cert)}, dev_vars=tmp_path / "absent"
        )


def test_the_companion_needs_only_the_worker_url(tmp_path):
    dev_vars = tmp_path / ".dev.vars"
    dev_vars.write_text("SUBMISSION_API_URL=https://mail.example.workers.dev\nSUBMISSION_PORT=2587\n")
    cfg = config.load_companion({"SUBMISSION_SITE_PASSWORD": "site"}, dev_vars=dev_vars)
    assert (cfg.host, cfg.port, cfg.api_url, cfg.site_password) == (
        "127.0.0.1",
        2587,
        "https://mail.example.workers.dev",
        "site",
    )
    for url in ("", "ftp://x", "mail.example.workers.dev"):
        with pytest.raises(ConfigError, match="SUBMISSION_API_URL"):
            config.load_companion({"SUBMISSION_API_URL": url}, dev_vars=tmp_path / "absent")
