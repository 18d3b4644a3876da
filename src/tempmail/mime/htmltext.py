"""The visible text of an HTML body, for previews."""

from __future__ import annotations

from contextlib import suppress
from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body (scripts and styles dropped)."""
    if not html:
        return ""
    extractor = _TextExtractor()
    # HTMLParser is lenient; on a surprise, what was read so far is still the best answer.
    with suppress(Exception):
        extractor.feed(html)
        extractor.close()
    return "".join(extractor.parts)
