"""`make proxy`: the SMTP sending proxy alone, sending through a deployed Worker's HTTP API.

A Worker cannot listen on a TCP port, so on Cloudflare the proxy runs as this small
companion process (anywhere: a laptop, a VM); each message it accepts becomes
`POST <SUBMISSION_API_URL>/external/api/send_mail` with the login token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from tempmail.adapters.urllib_http import UrllibHttp
from tempmail.local import config as local_config
from tempmail.local.submission import quiet_aiosmtpd, submission_factory, tls_context
from tempmail.local.submitters import HttpSubmitter

log = logging.getLogger("tempmail.companion")


async def serve(cfg: local_config.CompanionConfig) -> None:
    """Run the proxy until cancelled."""
    submitter = HttpSubmitter(UrllibHttp(), cfg.api_url, cfg.site_password)
    tls = tls_context(cfg.tls.cert_file, cfg.tls.key_file)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(submission_factory(submitter, tls), cfg.host, cfg.port)
    log.info(
        "SMTP sending proxy on %s:%d%s -> %s", cfg.host, cfg.port, " (STARTTLS)" if tls else "", submitter.url
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    """Entry point of `python -m tempmail.local.companion`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_aiosmtpd()
    cfg = local_config.load_companion(os.environ)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(cfg))


if __name__ == "__main__":
    main()
