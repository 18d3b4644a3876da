"""`make dev`: HTTP (uvicorn), SMTP intake and the SMTP sending proxy (aiosmtpd) and the cron, on one loop."""

from __future__ import annotations

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
from tempmail.local.smtp_intake import smtp_factory
from tempmail.local.submission import quiet_aiosmtpd, submission_factory, tls_context
from tempmail.local.submitters import LocalSubmitter
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
    smtp = await loop.create_server(smtp_factory(services), cfg.host, cfg.smtp_port)
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


def main() -> None:
    """Entry point of `python -m tempmail.local` and `tempmail-local`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_aiosmtpd()
    cfg = local_config.load(os.environ)
    if cfg.generated_admin_password:
        print(f"First run: generated secrets in {cfg.data_dir / local_config.SECRETS_FILE}")
        print(f"Admin password (x-admin-auth): {cfg.generated_admin_password}", flush=True)
    asyncio.run(serve(cfg))
