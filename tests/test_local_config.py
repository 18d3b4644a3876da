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
