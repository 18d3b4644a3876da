"""Configuration read from the environment (Worker vars and secrets, or the local host's env).

Names follow cloudflare_temp_email where the concept exists there. List-valued settings
accept a real list (a Worker var declared as a TOML array), a JSON array string, or a
comma-separated string, so the same value works in wrangler.toml, `.dev.vars` and a shell.

Adding a setting is one `Setting(...)` line in SETTINGS plus the matching field on
`Settings` (named after the variable, lower case); the README table is checked against both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

MIB = 1024 * 1024


class ConfigError(ValueError):
    """A setting is present but cannot be understood."""


def as_list(name: str, value: Any) -> tuple[str, ...]:
    """A list of non-empty strings from a list, a JSON array or a comma-separated string."""
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


def as_domains(name: str, value: Any) -> tuple[str, ...]:
    """A list of lower-case domain names."""
    domains = tuple(d.lower() for d in as_list(name, value))
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise ConfigError(f"{name}: {domain!r} is not a domain name")
    return domains


def as_int(minimum: int) -> Callable[[str, Any], int]:
    """A parser for whole numbers of at least `minimum`."""

    def parse(name: str, value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise ConfigError(f"{name}: expected a whole number, got {value!r}") from exc
        if number < minimum:
            raise ConfigError(f"{name}: must be at least {minimum}")
        return number

    return parse


def as_bool(name: str, value: Any) -> bool:
    """true/false, 1/0, yes/no, on/off (any case)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def as_text(name: str, value: Any) -> str:
    """A string, surrounding whitespace removed."""
    if not isinstance(value, (str, int, float)):
        raise ConfigError(f"{name}: expected a string")
    return str(value).strip()


@dataclass(frozen=True)
class SmtpRelay:
    """One outbound SMTP server, in cloudflare_temp_email's SMTP_CONFIG shape."""

    host: str
    port: int
    secure: bool = False  # implicit TLS from the first byte (port 465)
    starttls: bool = True  # upgrade with STARTTLS when the server offers it (ignored when secure)
    username: str = ""
    password: str = ""


def _relay(name: str, domain: str, value: Any) -> SmtpRelay:
    where = f"{name}[{domain!r}]"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected an object")
    host, port, secure = value.get("host"), value.get("port"), value.get("secure", False)
    if not isinstance(host, str) or not host.strip():
        raise ConfigError(f"{where}: 'host' is required")
    if not isinstance(secure, bool):
        raise ConfigError(f"{where}: 'secure' must be true or false")
    if port is None:
        port = 465 if secure else 587
    if type(port) is not int or not 0 < port < 65536:
        raise ConfigError(f"{where}: 'port' must be a port number")
    starttls = value.get("startTls", value.get("starttls", True))
    if not isinstance(starttls, bool):
        raise ConfigError(f"{where}: 'startTls' must be true or false")
    # worker-mailer's {credentials: {username, password}}, or flat {user, password}.
    creds = value.get("credentials") or {}
    if not isinstance(creds, dict):
        raise ConfigError(f"{where}: 'credentials' must be an object")
    username = creds.get("username", value.get("user", value.get("username", "")))
    password = creds.get("password", value.get("password", value.get("pass", "")))
    if not isinstance(username, str) or not isinstance(password, str):
        raise ConfigError(f"{where}: user name and password must be strings")
    if bool(username) != bool(password):
        raise ConfigError(f"{where}: give both a user name and a password, or neither")
    return SmtpRelay(host.strip(), port, secure, starttls, username, password)


def as_smtp_config(name: str, value: Any) -> dict[str, SmtpRelay]:
    """Per sending domain (or `*` for any), the SMTP server to send through; a JSON object."""
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{name}: not a valid JSON object ({exc.msg})") from exc
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: expected a JSON object of domain -> SMTP server")
    return {str(domain).lower(): _relay(name, domain, relay) for domain, relay in value.items()}


@dataclass(frozen=True)
class Setting:
    """One documented setting: env name, default, meaning, and how to parse it."""

    env: str
    default: Any
    help: str
    parse: Callable[[str, Any], Any] = as_text


# Every setting the core reads. The README's configuration table is checked against this list.
# fmt: off
SETTINGS: tuple[Setting, ...] = (
    Setting("DOMAINS", (), "Mail domains served, JSON array or comma list. Required.", as_domains),
    Setting("DEFAULT_DOMAINS", (), "Domains offered to anonymous address creation (default: all DOMAINS).", as_domains),
    Setting("PREFIX", "", "Prefix added to every new address name, e.g. `tmp`."),
    Setting("JWT_SECRET", "", "Secret that signs address JWTs, 32+ characters. Secret; required."),
    Setting("ADMIN_PASSWORDS", (), "Admin passwords (`x-admin-auth`), JSON array. Secret.", as_list),
    Setting("PASSWORDS", (), "Site passwords (`x-custom-auth`), JSON array; empty means no site gate. Secret.", as_list),
    Setting("MIN_ADDRESS_LEN", 1, "Shortest address name allowed (without prefix).", as_int(1)),
    Setting("MAX_ADDRESS_LEN", 30, "Longest address name allowed (without prefix).", as_int(1)),
    Setting("MAX_MESSAGE_SIZE", 25 * MIB, "Largest inbound message accepted, in bytes (Email Routing's maximum is 25 MiB).", as_int(1)),
    Setting("MAIL_RETENTION_DAYS", 0, "Mail older than this many days is deleted by the cron; 0 keeps mail forever.", as_int(0)),
    Setting("PASSWORD_HASH_ITERATIONS", 100_000, "PBKDF2-SHA256 iterations for stored passwords.", as_int(1000)),
    Setting("ENABLE_USER_CREATE_EMAIL", True, "Allow `POST /api/new_address` (admins can always create addresses).", as_bool),
    Setting("DISABLE_ANONYMOUS_USER_CREATE_EMAIL", False, "Only logged-in users (`x-user-token`) may create addresses; each is bound to its creator.", as_bool),
    Setting("ENABLE_USER_DELETE_EMAIL", True, "Allow an address to delete its own mails (`DELETE /api/mails/{id}`).", as_bool),
    Setting("ENABLE_ADDRESS_PASSWORD", True, "Allow logging in to an address with its password (`POST /api/address_login`).", as_bool),
    Setting("ENABLE_USER_REGISTER", True, "Allow `POST /user_api/register`; admins can always create users.", as_bool),
    Setting("NEW_ADDRESS_LIMIT_PER_HOUR", 30, "Addresses one client IP may create per hour; 0 means no limit.", as_int(0)),
    Setting("AUTH_FAILURE_LIMIT", 10, "Failed admin or login attempts one IP may make per 15 minutes before 429.", as_int(1)),
    Setting("CF_TURNSTILE_SITE_KEY", "", "Cloudflare Turnstile site key, published in `/open_api/settings`."),
    Setting("SHARE_LINK_TTL_HOURS", 24, "Default lifetime of a mail share link (`ttlHours` may ask for 1 to 720).", as_int(1)),
    Setting("CF_TURNSTILE_SECRET_KEY", "", "Turnstile secret; when set, `POST /api/new_address` needs a valid `cf_token`. Secret."),
    Setting("REJECT_UNKNOWN_RECIPIENT", False, "Refuse mail for addresses that do not exist (Email Routing reject / SMTP 550) instead of keeping it for the admin.", as_bool),
    Setting("BLACK_LIST", (), "Sender blocklist: mail whose envelope sender contains one of these (any case) is refused. The admin can add more at `/admin/sender_blocklist`.", as_list),
    Setting("FORWARD_ADDRESS_LIST", (), "Every stored message is also forwarded to these addresses (on Cloudflare they must be verified Email Routing destinations).", as_list),
    Setting("ENABLE_AUTO_REPLY", False, "Lets each address set an auto-reply (`/api/auto_reply`) that answers incoming mail.", as_bool),
    Setting("DEFAULT_SEND_BALANCE", 0, "Sends an address gets on first use (and on `request_send_mail_access`); 0: an admin grants them.", as_int(0)),
    Setting("NO_LIMIT_SEND_ADDRESS_LIST", (), "Addresses that send without a sender row or balance, JSON array.", as_list),
    Setting("SEND_BLOCK_LIST", (), "Recipients nobody may send to: an entry blocks every recipient containing it, JSON array.", as_list),
    Setting("SEND_MAIL_DAILY_LIMIT", 0, "Most mails the whole service sends per UTC day; 0 means no cap.", as_int(0)),
    Setting("SEND_MAIL_MONTHLY_LIMIT", 0, "Most mails the whole service sends per UTC month; 0 means no cap.", as_int(0)),
    Setting("RESEND_TOKEN", "", "Resend API key; when set, mail is sent through Resend's HTTP API. Secret."),
    Setting("SMTP_CONFIG", {}, "Per sending domain (or `*`), the SMTP server to send through: `{host, port, secure, credentials}`. Secret.", as_smtp_config),
)
# fmt: on


@dataclass(frozen=True)
class Settings:
    """The parsed, validated configuration the core runs with; fields are the variables, lower case."""

    domains: tuple[str, ...]
    default_domains: tuple[str, ...]
    prefix: str
    jwt_secret: str
    admin_passwords: tuple[str, ...]
    passwords: tuple[str, ...]
    min_address_len: int
    max_address_len: int
    max_message_size: int
    mail_retention_days: int
    password_hash_iterations: int
    enable_user_create_email: bool
    disable_anonymous_user_create_email: bool
    enable_user_delete_email: bool
    enable_address_password: bool
    enable_user_register: bool
    new_address_limit_per_hour: int
    auth_failure_limit: int
    cf_turnstile_site_key: str
    share_link_ttl_hours: int
    cf_turnstile_secret_key: str
    reject_unknown_recipient: bool
    black_list: tuple[str, ...]
    forward_address_list: tuple[str, ...]
    enable_auto_reply: bool
    default_send_balance: int
    no_limit_send_address_list: tuple[str, ...]
    send_block_list: tuple[str, ...]
    send_mail_daily_limit: int
    send_mail_monthly_limit: int
    resend_token: str
    smtp_config: dict[str, SmtpRelay]

    @classmethod
    def from_env(cls, env: Mapping[str, Any]) -> Settings:
        """Build settings from env names to values; raise ConfigError naming a wrong value."""
        values = {}
        for setting in SETTINGS:
            raw = env.get(setting.env)
            values[setting.env.lower()] = setting.default if raw is None else setting.parse(setting.env, raw)
        _check_together(values)
        values["prefix"] = values["prefix"].lower()
        values["default_domains"] = values["default_domains"] or values["domains"]
        values["no_limit_send_address_list"] = tuple(a.lower() for a in values["no_limit_send_address_list"])
        values["send_block_list"] = tuple(a.lower() for a in values["send_block_list"])
        return cls(**values)

    def accepts_domain(self, domain: str) -> bool:
        """True when mail for `domain` (any case) is ours."""
        return domain.lower() in self.domains


def _check_together(values: dict[str, Any]) -> None:
    """Rules that involve more than one setting, or that a default alone cannot meet."""
    if not values["domains"]:
        raise ConfigError("DOMAINS: at least one mail domain is required")
    if len(values["jwt_secret"]) < 32:  # RFC 7518 3.2: an HS256 key of at least 256 bits
        raise ConfigError("JWT_SECRET: required, at least 32 characters")
    unknown = set(values["default_domains"]) - set(values["domains"])
    if unknown:
        raise ConfigError(f"DEFAULT_DOMAINS: not in DOMAINS: {', '.join(sorted(unknown))}")
    stray = set(values["smtp_config"]) - set(values["domains"]) - {"*"}
    if stray:
        raise ConfigError(f"SMTP_CONFIG: not in DOMAINS: {', '.join(sorted(stray))}")
    if values["max_address_len"] < values["min_address_len"]:
        raise ConfigError("MAX_ADDRESS_LEN: must be at least MIN_ADDRESS_LEN")


assert [s.env.lower() for s in SETTINGS] == [f.name for f in fields(Settings)], (
    "every Settings field has exactly one documented Setting, in the same order"
)
