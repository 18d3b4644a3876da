"""Who may send what to whom: the policy checks that come before anything is stored.

A refusal is a `Rejected` with an SMTP code and a reason a sender can read; the Workers
adapter turns it into `setReject(reason)`, the local SMTP intake into the code and reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from tempmail.ports import Row
from tempmail.services import Services
from tempmail.store import addresses
from tempmail.store import policy as policy_store


class Rejected(Exception):
    """A policy refusal, answered with `setReject(reason)` or an SMTP 5xx `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Admission:
    """A recipient that passed policy: the mailbox it delivers to and its address row, if any."""

    mailbox: str
    owner: Row | None


def normalize_recipient(recipient: str) -> tuple[str, str]:
    """Lower-case `box+tag@Domain` to (`box@domain`, `domain`); Rejected when not an address."""
    local, sep, domain = recipient.strip().strip("<>").rpartition("@")
    if not sep or not local or not domain:
        raise Rejected(550, f"5.1.3 not a valid recipient address: {recipient[:100]!r}")
    local = local.lower().split("+", 1)[0]
    domain = domain.lower()
    if not local:
        raise Rejected(550, f"5.1.3 not a valid recipient address: {recipient[:100]!r}")
    return f"{local}@{domain}", domain


def check_recipient(services: Services, recipient: str) -> str:
    """The mailbox a recipient delivers to, or Rejected when the domain is not served."""
    mailbox, domain = normalize_recipient(recipient)
    if not services.settings.accepts_domain(domain):
        raise Rejected(550, f"5.1.2 domain {domain} is not served here")
    return mailbox


def check_size(services: Services, size: int) -> None:
    """Rejected (552) when a message is over MAX_MESSAGE_SIZE."""
    limit = services.settings.max_message_size
    if size > limit:
        raise Rejected(552, f"5.3.4 message is {size} bytes; the limit is {limit}")


async def check_sender(services: Services, mail_from: str) -> None:
    """Rejected (550) when the envelope sender matches BLACK_LIST or the admin blocklist."""
    sender = mail_from.strip().lower()
    if not sender:
        return  # bounces have an empty sender; blocking them by pattern makes no sense
    for pattern in services.settings.black_list:
        if pattern.lower() in sender:
            raise Rejected(550, "5.7.1 sender is blocked here")
    if await policy_store.is_blocked(services.db, sender):
        raise Rejected(550, "5.7.1 sender is blocked here")


async def admit(services: Services, mail_from: str, rcpt_to: str, size: int | None = None) -> Admission:
    """Every policy check for one envelope recipient (size too when known); Rejected on refusal."""
    if size is not None:
        check_size(services, size)
    mailbox = check_recipient(services, rcpt_to)
    await check_sender(services, mail_from)
    owner = await addresses.get_by_name(services.db, mailbox)
    if owner is None and services.settings.reject_unknown_recipient:
        raise Rejected(550, f"5.1.1 no such mailbox: {mailbox}")
    return Admission(mailbox=mailbox, owner=owner)
