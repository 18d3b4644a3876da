"""Configuration read from the environment (Worker vars and secrets, or the local host's env).

Names follow cloudflare_temp_email where the concept exists there. List-valued settings
accept a real list (a Worker var declared as a TOML array), a JSON array string, or a
comma-separated string, so the same value works in wrangler.toml, `.dev.vars` and a shell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

MIB = 1024 * 1024


class ConfigError(ValueError):
    """A setting is present but cannot be understood."""


def _as_list(name: str, value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{name}: not a valid JSON array ({exc.msg})") from exc
            if not isinstance(items, list):
                raise ConfigError(f"{name}: expected a JSON array")
        else:
            items = text.split(",")
    else:
        raise ConfigError(f"{name}: expected a list, got {type(value).__name__}")
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{name}: every item must be a string")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


def _as_domains(name: str, value: Any) -> tuple[str, ...]:
    domains = tuple(d.lower() for d in _as_list(name, value))
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise ConfigError(f"{name}: {domain!r} is not a domain name")
    return domains


def _as_int(name: str, value: Any, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ConfigError(f"{name}: expected a whole number, got {value!r}") from exc
    if number < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}")
    return number


@dataclass(frozen=True)
class Setting:
    """One documented setting: its env name, default and meaning (the README table mirrors these)."""

    env: str
    default: Any
    help: str


# Every setting the core reads. The README's configuration table is checked against this list.
SETTINGS: tuple[Setting, ...] = (
    Setting("DOMAINS", (), "Mail domains served, JSON array or comma list. Required."),
    Setting("DEFAULT_DOMAINS", (), "Domains offered to anonymous address creation (default: all DOMAINS)."),
    Setting("PREFIX", "", "Prefix added to every new address name, e.g. `tmp`."),
    Setting("JWT_SECRET", "", "Secret that signs address JWTs. Secret; required."),
    Setting("ADMIN_PASSWORDS", (), "Admin passwords (`x-admin-auth`), JSON array. Secret."),
    Setting(
        "PASSWORDS", (), "Site passwords (`x-custom-auth`), JSON array; empty means no site gate. Secret."
    ),
    Setting("MIN_ADDRESS_LEN", 1, "Shortest address name allowed (without prefix)."),
    Setting("MAX_ADDRESS_LEN", 30, "Longest address name allowed (without prefix)."),
    Setting(
        "MAX_MESSAGE_SIZE",
        25 * MIB,
        "Largest inbound message accepted, in bytes (Email Routing's maximum is 25 MiB).",
    ),
    Setting(
        "MAIL_RETENTION_DAYS",
        0,
        "Mail older than this many days is deleted by the cron; 0 keeps mail forever.",
    ),
    Setting("PASSWORD_HASH_ITERATIONS", 100_000, "PBKDF2-SHA256 iterations for stored passwords."),
)


@dataclass(frozen=True)
class Settings:
    """The parsed, validated configuration the core runs with."""

    domains: tuple[str, ...]
    default_domains: tuple[str, ...]
    prefix: str
    jwt_secret: str
    admin_passwords: tuple[str, ...]
    site_passwords: tuple[str, ...]
    min_address_len: int
    max_address_len: int
    max_message_size: int
    mail_retention_days: int
    password_hash_iterations: int

    @classmethod
    def from_env(cls, env: Mapping[str, Any]) -> Settings:
        """Build settings from a mapping of env names to values; raise ConfigError when a value is wrong."""

        def get(name: str) -> Any:
            value = env.get(name)
            return _DEFAULTS[name] if value is None else value

        domains = _as_domains("DOMAINS", get("DOMAINS"))
        if not domains:
            raise ConfigError("DOMAINS: at least one mail domain is required")
        jwt_secret = str(get("JWT_SECRET"))
        if len(jwt_secret) < 32:  # RFC 7518 3.2: an HS256 key of at least 256 bits
            raise ConfigError("JWT_SECRET: required, at least 32 characters")
        default_domains = _as_domains("DEFAULT_DOMAINS", get("DEFAULT_DOMAINS"))
        unknown = set(default_domains) - set(domains)
        if unknown:
            raise ConfigError(f"DEFAULT_DOMAINS: not in DOMAINS: {', '.join(sorted(unknown))}")
        min_len = _as_int("MIN_ADDRESS_LEN", get("MIN_ADDRESS_LEN"), 1)
        max_len = _as_int("MAX_ADDRESS_LEN", get("MAX_ADDRESS_LEN"), min_len)
        return cls(
            domains=domains,
            default_domains=default_domains or domains,
            prefix=str(get("PREFIX")).strip().lower(),
            jwt_secret=jwt_secret,
            admin_passwords=_as_list("ADMIN_PASSWORDS", get("ADMIN_PASSWORDS")),
            site_passwords=_as_list("PASSWORDS", get("PASSWORDS")),
            min_address_len=min_len,
            max_address_len=max_len,
            max_message_size=_as_int("MAX_MESSAGE_SIZE", get("MAX_MESSAGE_SIZE"), 1),
            mail_retention_days=_as_int("MAIL_RETENTION_DAYS", get("MAIL_RETENTION_DAYS"), 0),
            password_hash_iterations=_as_int(
                "PASSWORD_HASH_ITERATIONS", get("PASSWORD_HASH_ITERATIONS"), 1000
            ),
        )

    def accepts_domain(self, domain: str) -> bool:
        """True when mail for `domain` (any case) is ours."""
        return domain.lower() in self.domains


_DEFAULTS = {s.env: s.default for s in SETTINGS}
assert len(SETTINGS) == len(fields(Settings)), "every Settings field has a documented env name"
