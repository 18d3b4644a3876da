"""Address names: the rules a requested name must meet, and random names."""

from __future__ import annotations

import re
import secrets
import string

from tempmail.errors import bad_request
from tempmail.settings import Settings

_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
_RANDOM_ALPHABET = string.ascii_lowercase + string.digits
RANDOM_NAME_LENGTH = 10
MAX_LOCAL_PART = 64  # RFC 5321


def random_name(settings: Settings) -> str:
    """A random name that satisfies the configured length rules."""
    length = min(max(RANDOM_NAME_LENGTH, settings.min_address_len), settings.max_address_len)
    return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(length))


def compose(
    settings: Settings,
    name: str,
    domain: str | None,
    allowed: tuple[str, ...],
    *,
    use_prefix: bool = True,
    check_length: bool = True,
) -> str:
    """`prefix + name @ domain`, or 400 naming the rule the request broke.

    Admins may skip the prefix and the configured length range; the character rules and
    RFC 5321's 64-character local part always apply.
    """
    name = name.strip().lower()
    if not name or (check_length and not settings.min_address_len <= len(name) <= settings.max_address_len):
        raise bad_request(
            f"name must be {settings.min_address_len} to {settings.max_address_len} characters",
            "invalid_name",
        )
    if not _NAME.fullmatch(name):
        raise bad_request(
            "name may use a-z, 0-9, '.', '_' and '-', and must start and end with a letter or digit",
            "invalid_name",
        )
    local = (settings.prefix if use_prefix else "") + name
    if len(local) > MAX_LOCAL_PART:
        raise bad_request(f"address local part is over {MAX_LOCAL_PART} characters", "invalid_name")
    chosen = (domain or allowed[0]).strip().lower()
    if chosen not in allowed:
        raise bad_request(f"domain must be one of: {', '.join(allowed)}", "invalid_domain")
    return f"{local}@{chosen}"
