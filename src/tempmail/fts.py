"""Full-text search text and queries for the FTS5 index (`mails_fts`).

SQLite's unicode61 tokenizer splits on spaces and punctuation, so Chinese, Japanese and
Korean text (written without spaces) would become one huge token. Indexed text and query
terms are therefore both "segmented": every CJK character becomes a token of its own, and a
CJK search term becomes a phrase of consecutive characters, which finds it anywhere.

Queries are built here, never passed through: each user term is quoted (FTS syntax such as
`"`, `*`, `NEAR`, `OR` and parentheses is taken literally), made a prefix match, and terms
are ANDed. Prefixes of 3 to 8 characters are answered from FTS5 prefix indexes (schema.sql).
"""

from __future__ import annotations

import re

from tempmail.errors import bad_request
from tempmail.mime import ParsedMail, html_to_text

# Han, kana, Hangul and CJK punctuation/compatibility blocks.
_CJK = re.compile(
    r"([\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])"
)
_WORD = re.compile(r"\w")
BODY_INDEX_CHARS = 100_000  # enough for any real message's searchable text; keeps D1 rows small
MAX_TERMS = 8
MAX_TERM_CHARS = 64


def segment(text: str) -> str:
    """Text with every CJK character standing apart, as the index stores it."""
    return _CJK.sub(r" \1 ", text)


def document(parsed: ParsedMail, recipient: str) -> tuple[str, str, str]:
    """The (subject, addresses, body) columns indexed for one mail."""
    body = parsed.text or ""
    if parsed.html:
        body = f"{body}\n{html_to_text(parsed.html)}"
    addresses = " ".join([parsed.from_name, parsed.from_addr, recipient, *parsed.to, *parsed.cc])
    return segment(parsed.subject), segment(addresses), segment(body[:BODY_INDEX_CHARS])


def _phrase(term: str) -> str:
    tokens = segment(term).split()
    quoted = " ".join(tokens).replace('"', '""')
    # A CJK character is a whole token already: a prefix on it would only add cost.
    return f'"{quoted}"' if _CJK.fullmatch(tokens[-1]) else f'"{quoted}"*'


def match_expression(text: str, column: str | None = None) -> str:
    """An FTS5 MATCH expression: every whitespace-separated term, as a prefix, in `column` if given.

    400 when nothing searchable is left (no letters or digits) or the query is too long.
    """
    terms = [t for t in text.split() if _WORD.search(t)]
    if not terms:
        raise bad_request("search terms need letters or digits", "invalid_query")
    if len(terms) > MAX_TERMS or any(len(t) > MAX_TERM_CHARS for t in terms):
        raise bad_request(
            f"at most {MAX_TERMS} search terms of {MAX_TERM_CHARS} characters each", "invalid_query"
        )
    expression = " AND ".join(_phrase(t) for t in terms)
    return f"{column} : ({expression})" if column else expression
