"""The admin API (`x-admin-auth`): addresses, mail, users and statistics across the service."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tempmail import fts, mailbox
from tempmail.errors import bad_request, not_found
from tempmail.services import Services
from tempmail.store import addresses, counters, mails, search, users
from tempmail.web import users as users_api
from tempmail.web.addresses import address_view, create_address
from tempmail.web.auth import require_admin
from tempmail.web.context import services
from tempmail.web.inputs import json_object, optional_str, paging, path_id, required_str
from tempmail.web.mails import raw_items
from tempmail.web.users import user_view

MAX_QUERY = 256


async def admin_services(request: Request) -> Services:
    """The services of a request made with a valid x-admin-auth (401/429 otherwise)."""
    svc = services(request)
    await require_admin(request, svc)
    return svc


def query_text(request: Request, name: str) -> str | None:
    """A trimmed search parameter, None when absent; 400 when over MAX_QUERY."""
    value = request.query_params.get(name, "").strip()
    if len(value) > MAX_QUERY:
        raise bad_request(f"'{name}' is longer than {MAX_QUERY} characters", "invalid_query")
    return value or None


async def _existing_address(svc: Services, request: Request) -> int:
    address_id = path_id(request, "address_id")
    if await addresses.get_by_id(svc.db, address_id) is None:
        raise not_found("no such address")
    return address_id


async def list_addresses(request: Request) -> JSONResponse:
    """`GET /admin/address?limit&offset&query`: addresses with their mail and send counts."""
    svc = await admin_services(request)
    limit, offset = paging(request)
    query = query_text(request, "query")
    rows = await addresses.list_page(svc.db, limit, offset, query)
    return JSONResponse(
        {"results": [address_view(r) for r in rows], "count": await addresses.count(svc.db, query)}
    )


async def new_address(request: Request) -> JSONResponse:
    """`POST /admin/new_address` `{name, domain?, enablePrefix?}`: any configured domain, any length."""
    svc = await admin_services(request)
    body = await json_object(request)
    name = required_str(body, "name", 128)
    domain = optional_str(body, "domain", 253)
    use_prefix = body.get("enablePrefix", True)
    if not isinstance(use_prefix, bool):
        raise bad_request("'enablePrefix' must be true or false", "invalid_field")
    created = await create_address(
        svc, name, domain, svc.settings.domains, use_prefix=use_prefix, check_length=False
    )
    return JSONResponse(created)


async def delete_address(request: Request) -> JSONResponse:
    """`DELETE /admin/delete_address/:id`: the address with its mail, blobs, sent items and bindings."""
    svc = await admin_services(request)
    address_id = await _existing_address(svc, request)
    return JSONResponse({"success": await mailbox.delete_address(svc, address_id)})


async def clear_inbox(request: Request) -> JSONResponse:
    """`DELETE /admin/clear_inbox/:id`: every mail of one address."""
    svc = await admin_services(request)
    await mailbox.clear_inbox(svc, await _existing_address(svc, request))
    return JSONResponse({"success": True})


async def clear_sent_items(request: Request) -> JSONResponse:
    """`DELETE /admin/clear_sent_items/:id`: every sent item of one address."""
    svc = await admin_services(request)
    await mailbox.clear_sent(svc, await _existing_address(svc, request))
    return JSONResponse({"success": True})


async def list_mails(request: Request) -> JSONResponse:
    """`GET /admin/mails?limit&offset&address&keyword`: all mail, one recipient's, or a full-text search."""
    svc = await admin_services(request)
    limit, offset = paging(request)
    recipient = query_text(request, "address")
    keyword = query_text(request, "keyword")
    if keyword is not None:
        flt = search.MailFilter(to=recipient, match=fts.match_expression(keyword))
        rows = await search.page_with_offset(svc.db, flt, limit, offset)
        count = await search.count(svc.db, flt)
    elif recipient is None:
        rows, count = await mails.list_all(svc.db, limit, offset), await mails.total(svc.db)
    else:
        recipient = recipient.lower()
        owner = await addresses.get_by_name(svc.db, recipient)
        if owner is not None:
            rows = await mails.list_for_address(svc.db, owner["id"], limit, offset)
            count = owner["mail_count"]
        else:  # mail kept for a recipient that has no address
            rows = await mails.list_unowned(svc.db, recipient, limit, offset)
            count = await mails.count_unowned(svc.db, recipient)
    return JSONResponse({"results": await raw_items(svc, rows), "count": count})


async def delete_mail(request: Request) -> JSONResponse:
    """`DELETE /admin/mails/:id`: any one mail."""
    svc = await admin_services(request)
    row = await mails.get_by_id(svc.db, path_id(request, "mail_id"))
    if row is None:
        raise not_found("no such mail")
    await mailbox.delete_mail(svc, row)
    return JSONResponse({"success": True})


async def statistics(request: Request) -> JSONResponse:
    """`GET /admin/statistics`: totals, read from counters the database maintains."""
    svc = await admin_services(request)
    totals = await counters.totals(svc.db)
    return JSONResponse(
        {
            "mailCount": totals.get("mails", 0),
            "addressCount": totals.get("addresses", 0),
            "userCount": totals.get("users", 0),
            "sendMailCount": totals.get("sendbox", 0),
        }
    )


async def create_user(request: Request) -> JSONResponse:
    """`POST /admin/users` `{email, password}`: create a user whatever ENABLE_USER_REGISTER says."""
    svc = await admin_services(request)
    return await users_api.create_user(svc, await json_object(request))


async def list_users(request: Request) -> JSONResponse:
    """`GET /admin/users?limit&offset&query`: users with how many addresses each has bound."""
    svc = await admin_services(request)
    limit, offset = paging(request)
    query = query_text(request, "query")
    rows = await users.list_page(svc.db, limit, offset, query)
    return JSONResponse(
        {
            "results": [{**user_view(r), "address_count": r["address_count"]} for r in rows],
            "count": await users.count(svc.db, query),
        }
    )


async def delete_user(request: Request) -> JSONResponse:
    """`DELETE /admin/users/:id`: the user and its bindings (its addresses stay)."""
    svc = await admin_services(request)
    if not await users.delete(svc.db, path_id(request, "user_id")):
        raise not_found("no such user")
    return JSONResponse({"success": True})


ROUTES = [
    Route("/admin/address", list_addresses, methods=["GET"]),
    Route("/admin/new_address", new_address, methods=["POST"]),
    Route("/admin/delete_address/{address_id}", delete_address, methods=["DELETE"]),
    Route("/admin/clear_inbox/{address_id}", clear_inbox, methods=["DELETE"]),
    Route("/admin/clear_sent_items/{address_id}", clear_sent_items, methods=["DELETE"]),
    Route("/admin/mails", list_mails, methods=["GET"]),
    Route("/admin/mails/{mail_id}", delete_mail, methods=["DELETE"]),
    Route("/admin/statistics", statistics, methods=["GET"]),
    Route("/admin/users", list_users, methods=["GET"]),
    Route("/admin/users", create_user, methods=["POST"]),
    Route("/admin/users/{user_id}", delete_user, methods=["DELETE"]),
]
