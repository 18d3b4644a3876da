"""`make dev`: HTTP (uvicorn), SMTP intake and the SMTP sending proxy (aiosmtpd) and the cron, on one loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from contextlib import suppress
from pathlib import Path

import uvicorn

from tempmail.adapters.folder import FolderBlobStore
from tempmail.adapters.smtp_relay import SmtplibSender
from tempmail.adapters.sqlite import SqliteDatabase
from tempmail.adapters.urllib_http import UrllibHttp
from tempmail.cleanup import run_cron
from tempmail.local import config as local_config
from tempmail.local.relay import RelayOutbound
from tempmail.local.smtp_intake import smtp_factory
from tempmail.local.submission import quiet_aiosmtpd, submission_factory, tls_context
from tempmail.local.submitters import LocalSubmitter
from tempmail.reparse import reparse
from tempmail.services import Services
from tempmail.web.app import create_app

log = logging.getLogger("tempmail.local")

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schema.sql"


def open_services(cfg: local_config.LocalConfig) -> tuple[Services, SqliteDatabase]:
    """Open the SQLite file and blob folder in the data folder and apply the schema."""
    db = SqliteDatabase(cfg.data_dir / "tempmail.sqlite3")
    db.execute_script(SCHEMA_PATH.read_text(encoding="utf-8"))
    blobs = FolderBlobStore(cfg.data_dir / "blobs")
    services = Services(settings=cfg.settings, db=db, blobs=blobs, http=UrllibHttp(), smtp=SmtplibSender())
    return services, db


async def _cron(services: Services, interval: float) -> None:
    while True:
        try:
            await run_cron(services)
        except Exception:
            log.exception("retention cron failed; will retry")
        await asyncio.sleep(interval)


async def serve(cfg: local_config.LocalConfig) -> None:
    """Run every local server until interrupted."""
    services, db = open_services(cfg)
    app = create_app(lambda _scope: services, local_routes=True)
    loop = asyncio.get_running_loop()
    outbound = RelayOutbound(cfg.smtp_relay, services.smtp) if cfg.smtp_relay else None
    smtp = await loop.create_server(smtp_factory(services, outbound), cfg.host, cfg.smtp_port)
    tls = tls_context(cfg.submission_tls.cert_file, cfg.submission_tls.key_file)
    submission = await loop.create_server(
        submission_factory(LocalSubmitter(services), tls), cfg.host, cfg.submission_port
    )
    cron = asyncio.create_task(_cron(services, cfg.cleanup_interval))
    server = uvicorn.Server(
        uvicorn.Config(app, host=cfg.host, port=cfg.http_port, lifespan="off", log_level="info")
    )
    log.info(
        "tempmail local host: HTTP http://%s:%d  SMTP intake %s:%d  SMTP sending proxy %s:%d%s  "
        "data %s  domains %s",
        cfg.host,
        cfg.http_port,
        cfg.host,
        cfg.smtp_port,
        cfg.host,
        cfg.submission_port,
        " (STARTTLS)" if tls else "",
        cfg.data_dir,
        ",".join(cfg.settings.domains),
    )
    try:
        await server.serve()
    finally:
        cron.cancel()
        with suppress(asyncio.CancelledError):
            await cron
        for server_ in (smtp, submission):
            server_.close()
            await server_.wait_closed()
        db.close()


async def run_reparse(cfg: local_config.LocalConfig, only_failed: bool) -> int:
    """`reparse`: re-parse stored mail from its raw bytes; prints a summary, returns an exit code."""
    services, db = open_services(cfg)
    try:
        report = await reparse(services, only_failed=only_failed)
    finally:
        db.close()
    statuses = ", ".join(f"{status} {count}" for status, count in sorted(report.by_status.items()))
    print(f"re-parsed {report.seen} mails: {statuses or 'none'}")
    if report.missing_raw:
        print(f"raw message missing for mail ids: {report.missing_raw}")
    return 1 if report.missing_raw else 0


def main(argv: list[str] | None = None) -> None:
    """Entry point of `python -m tempmail.local [serve | reparse [--only-failed]]` and `tempmail-local`."""
    parser = argparse.ArgumentParser(prog="python -m tempmail.local")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the local host (the default)")
    again = commands.add_parser("reparse", help="re-parse stored mail from its raw bytes")
    again.add_argument(
        "--only-failed", action="store_true", help="only mail that parsed with the fallback or not at all"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_aiosmtpd()
    cfg = local_config.load(os.environ)
    if args.command == "reparse":
        raise SystemExit(asyncio.run(run_reparse(cfg, args.only_failed)))
    if cfg.generated_admin_password:
        print(f"First run: generated secrets in {cfg.data_dir / local_config.SECRETS_FILE}")
        print(f"Admin password (x-admin-auth): {cfg.generated_admin_password}", flush=True)
    asyncio.run(serve(cfg))
