"""The outbound HTTP port over the standard library, for the local host."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

from tempmail.ports import HttpResponse

TIMEOUT_SECONDS = 15


class UrllibHttp:
    """Blocking urllib calls run in a worker thread so the event loop keeps serving."""

    async def request(
        self, method: str, url: str, *, headers: dict[str, str], body: bytes | None = None
    ) -> HttpResponse:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"not an http(s) URL: {url!r}")
        req = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        return await asyncio.to_thread(self._send, req)

    @staticmethod
    def _send(req: urllib.request.Request) -> HttpResponse:
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310 - scheme checked
                return HttpResponse(status=resp.status, body=resp.read())
        except urllib.error.HTTPError as exc:
            return HttpResponse(status=exc.code, body=exc.read())
        except urllib.error.URLError as exc:
            raise OSError(f"request to {req.full_url} failed: {exc.reason}") from exc
