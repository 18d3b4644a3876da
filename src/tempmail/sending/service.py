"""The one send path: who may send, what it costs, which provider, and what is recorded.

Order matters for "charge only what was sent": every check that can refuse runs first;
then one send is taken from the balance and the service-wide quota with conditional
single-statement updates (race-free across Worker isolates); then the provider is called;
if it fails, both are given back. The sent item is written only after the provider took
the message.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from tempmail.errors import ApiError
from tempmail.ports import DeliveryError, Row
from tempmail.sending import providers
from tempmail.sending.request import SendRequest
from tempmail.services import Services
from tempmail.store import addresses, sendbox, senders, sendquota

log = logging.getLogger(__name__)


def forbidden(code: str, message: str) -> ApiError:
    """403 for a send this address is not allowed to make."""
    return ApiError(403, code, message)


def _check_policy(services: Services, sender: str, request: SendRequest) -> str:
    settings = services.settings
    domain = sender.rpartition("@")[2]
    if not settings.accepts_domain(domain):
        raise forbidden("invalid_sender_domain", f"{domain} is not one of this service's domains")
    recipient = request.to_mail.lower()
    if any(entry in recipient for entry in settings.send_block_list):
        raise forbidden("recipient_blocked", "sending to this recipient is blocked")
    return domain


async def _charge(services: Services, address: Row) -> None:
    """Take one send from the address's balance, creating the default grant on first use."""
    db, default = services.db, services.settings.default_send_balance
    if default > 0:
        await senders.create(db, address["id"], default, enabled=True)
    if await senders.charge(db, address["id"]):
        return
    row = await senders.get(db, address["id"])
    if row is None or not row["enabled"]:
        raise forbidden(
            "send_not_allowed",
            "this address may not send mail; ask for it with POST /api/request_send_mail_access",
        )
    raise forbidden("no_balance", "this address has no send balance left")


def quota_periods(services: Services, now: datetime) -> list[tuple[str, int, str]]:
    """The enabled service-wide caps: (period key, limit, name) for today and this month."""
    settings = services.settings
    periods = []
    if settings.send_mail_daily_limit:
        periods.append((f"day:{now:%Y-%m-%d}", settings.send_mail_daily_limit, "daily"))
    if settings.send_mail_monthly_limit:
        periods.append((f"month:{now:%Y-%m}", settings.send_mail_monthly_limit, "monthly"))
    return periods


async def _take_quota(services: Services) -> list[str]:
    """Count this send against the daily and monthly caps; 429 (nothing kept) when one is full."""
    taken: list[str] = []
    for period, limit, name in quota_periods(services, datetime.now(UTC)):
        count = await sendquota.take(services.db, period)
        taken.append(period)
        if count > limit:
            for key in taken:
                await sendquota.give_back(services.db, key)
            raise ApiError(429, "send_limit_reached", f"the service's {name} send limit ({limit}) is reached")
    return taken


def _delivery_error(provider: str, exc: DeliveryError) -> ApiError:
    if exc.permanent:
        return ApiError(502, "provider_rejected", f"{provider} refused the message: {exc}")
    return ApiError(503, "provider_unavailable", f"{provider} is unavailable, try again later: {exc}")


async def send(services: Services, address: Row, request: SendRequest, *, admin: bool = False) -> int:
    """Send `request` as `address` (a live address row); return the sent item's id (0 if unrecorded).

    Admins and NO_LIMIT_SEND_ADDRESS_LIST addresses send without a sender row or balance;
    the service-wide caps apply to everyone.
    """
    sender = address["name"]
    domain = _check_policy(services, sender, request)
    provider = providers.choose(services, domain)
    exempt = admin or sender in services.settings.no_limit_send_address_list
    if not exempt:
        await _charge(services, address)
    taken: list[str] = []
    try:
        taken = await _take_quota(services)
        sent = await provider.send(sender, request)
    except BaseException as exc:
        for period in taken:
            await sendquota.give_back(services.db, period)
        if not exempt:
            await senders.refund(services.db, address["id"])
        if isinstance(exc, DeliveryError):
            log.warning("sending as %s through %s failed: %s", sender, provider.name, exc)
            raise _delivery_error(provider.name, exc) from exc
        raise
    try:
        item = await sendbox.add(services.db, address["id"], sender, request.record(), sent.message_id)
        await addresses.touch(services.db, address["id"])
    except Exception:
        # The mail is gone and paid for; failing now would only invite a duplicate send.
        log.exception("mail from %s was sent but its sent item could not be written", sender)
        return 0
    return item
