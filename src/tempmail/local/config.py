"""Local host configuration: embedded defaults < generated secrets < `.dev.vars` < environment."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tempmail.settings import ConfigError, Setting, Settings

# Settings only the local host reads (the Worker has no ports or data folder).
LOCAL_SETTINGS: tuple[Setting, ...] = (
    Setting("HTTP_HOST", "127.0.0.1", "Interface the local HTTP and SMTP servers bind to."),
    Setting("HTTP_PORT", 8787, "Local HTTP port (the API)."),
    Setting("SMTP_PORT", 2525, "Local SMTP intake port: mail sent here goes through the email() pipeline."),
    Setting("SUBMISSION_PORT", 8025, "SMTP sending-proxy port (log in with user `jwt` and the address JWT)."),
    Setting(
        "SUBMISSION_CERT_FILE",
        "",
        "PEM certificate (chain) for the sending proxy; when set it offers STARTTLS and AUTH needs it.",
    ),
    Setting(
        "SUBMISSION_KEY_FILE", "", "PEM private key of `SUBMISSION_CERT_FILE` (if not in the same file)."
    ),
    Setting("SUBMISSION_API_URL", "", "`make proxy` only: the Worker URL the companion proxy sends through."),
    Setting(
        "SUBMISSION_SITE_PASSWORD",
        "",
        "`make proxy` only: `x-custom-auth` for a Worker with PASSWORDS. Secret.",
    ),
    Setting("DATA_DIR", "./data", "Folder for the SQLite file, the blob folder and generated secrets."),
    Setting("CLEANUP_INTERVAL_SECONDS", 600, "How often the local host runs the retention cron."),
    Setting(
        "SMTP_RELAY",
        "",
        "`host:port` of an SMTP relay for forwards and auto-replies; empty: none are sent.",
    ),
)

# What `make dev` serves when nothing is configured.
EMBEDDED_DEFAULTS = {"DOMAINS": "example.com"}

SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class SubmissionTls:
    """The sending proxy's certificate files; both None means no STARTTLS."""

    cert_file: Path | None
    key_file: Path | None


@dataclass(frozen=True)
class CompanionConfig:
    """What `make proxy` needs: where to listen and which Worker to send through."""

    host: str
    port: int
    api_url: str
    site_password: str
    tls: SubmissionTls


def _tls(values: Mapping[str, Any]) -> SubmissionTls:
    cert, key = str(values.get("SUBMISSION_CERT_FILE", "")), str(values.get("SUBMISSION_KEY_FILE", ""))
    if key and not cert:
        raise ConfigError("SUBMISSION_KEY_FILE: needs SUBMISSION_CERT_FILE too")
    for name, value in (("SUBMISSION_CERT_FILE", cert), ("SUBMISSION_KEY_FILE", key)):
        if value and not Path(value).expanduser().is_file():
            raise ConfigError(f"{name}: no such file: {value}")
    return SubmissionTls(
        Path(cert).expanduser() if cert else None,
        Path(key).expanduser() if key else None,
    )


def load_companion(environ: Mapping[str, str], dev_vars: Path = Path(".dev.vars")) -> CompanionConfig:
    """Configuration of the companion proxy; it needs no secrets, only the Worker's URL."""
    plain: dict[str, Any] = {**read_dev_vars(dev_vars), **environ}
    defaults = {s.env: s.default for s in LOCAL_SETTINGS}
    api_url = str(plain.get("SUBMISSION_API_URL", "")).strip()
    if not api_url.startswith(("https://", "http://")):
        raise ConfigError("SUBMISSION_API_URL: required, the Worker's http(s) URL")
    return CompanionConfig(
        host=str(plain.get("HTTP_HOST", defaults["HTTP_HOST"])),
        port=int(plain.get("SUBMISSION_PORT", defaults["SUBMISSION_PORT"])),
        api_url=api_url,
        site_password=str(plain.get("SUBMISSION_SITE_PASSWORD", "")),
        tls=_tls(plain),
    )


@dataclass(frozen=True)
class LocalConfig:
    """Everything the local host needs to start."""

    settings: Settings
    host: str
    http_port: int
    smtp_port: int
    submission_port: int
    submission_tls: SubmissionTls
    data_dir: Path
    cleanup_interval: float
    smtp_relay: str
    generated_admin_password: str | None  # set only on the run that generated it


def read_dev_vars(path: Path) -> dict[str, str]:
    """Parse a wrangler `.dev.vars` file (KEY=value lines, optional quotes, # comments)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _ensure_secrets(data_dir: Path) -> tuple[dict[str, Any], str | None]:
    """Load the generated secrets, creating them on first run (owner-only file)."""
    path = data_dir / SECRETS_FILE
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8")), None
    admin_password = secrets.token_urlsafe(18)
    generated = {"JWT_SECRET": secrets.token_urlsafe(48), "ADMIN_PASSWORDS": [admin_password]}
    data_dir.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(generated, indent=2), encoding="utf-8")
    return generated, admin_password


def load(environ: Mapping[str, str], dev_vars: Path = Path(".dev.vars")) -> LocalConfig:
    """Merge the configuration sources and build the local host's config."""
    plain: dict[str, Any] = {**EMBEDDED_DEFAULTS, **read_dev_vars(dev_vars), **environ}
    defaults = {s.env: s.default for s in LOCAL_SETTINGS}

    def local(name: str) -> Any:
        return plain.get(name, defaults[name])

    data_dir = Path(str(local("DATA_DIR"))).expanduser().resolve()
    generated, admin_password = _ensure_secrets(data_dir)
    merged = {**generated, **plain}
    return LocalConfig(
        settings=Settings.from_env(merged),
        host=str(local("HTTP_HOST")),
        http_port=int(local("HTTP_PORT")),
        smtp_port=int(local("SMTP_PORT")),
        submission_port=int(local("SUBMISSION_PORT")),
        submission_tls=_tls(plain),
        data_dir=data_dir,
        cleanup_interval=float(local("CLEANUP_INTERVAL_SECONDS")),
        smtp_relay=str(local("SMTP_RELAY")).strip(),
        generated_admin_password=admin_password,
    )
