"""Which stored URLs may become links on the public site, and cells safe for spreadsheets.

Everything stored came from the open web (articles, feeds, the knowledge base), so a URL
is data until proven a plain http(s) address: ``javascript:``, ``data:`` and the like are
shown as text (or not at all), never put in an ``href``. The JSON API returns the stored
value unchanged; only HTML pages and Atom feeds make links.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marsad.sources.fetch import UnsafeURLError, check_url

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def http_link(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL fit to put in an ``href``, else None."""
    if not url:
        return None
    try:
        return check_url(url)  # the form only: where it leads is not checked here
    except UnsafeURLError:
        return None


def spreadsheet_row(row: list[Any]) -> list[Any]:
    """CSV cells that a spreadsheet shows as text: a leading ``'`` before a formula start
    (numbers are left alone). One comprehension per row: exports write millions of cells."""
    return [f"'{c}" if c.__class__ is str and c.startswith(FORMULA_STARTS) else c for c in row]


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def readable_url(url: object) -> str:
    """``url`` as a reader reads it: percent-escapes of letters outside ASCII decoded
    (``/entity/%D8%B3…`` → ``/entity/سيرغي-لافروف``), as browsers show it in the address
    bar; it still works pasted anywhere. Escapes of ASCII (``%20``, ``%26``), invalid
    UTF-8 and invisible or direction-changing characters stay escaped."""

    def decode(match: re.Match[str]) -> str:
        raw = bytes.fromhex(match.group(0).replace("%", ""))
        out, i = [], 0
        while i < len(raw):
            for size in (2, 3, 4):  # one UTF-8 character of several bytes
                try:
                    char = raw[i : i + size].decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(char) == 1 and unicodedata.category(char)[0] in "LMN":
                    out.append(char)
                    i += size
                    break
            else:
                out.append(f"%{raw[i]:02X}")
                i += 1
        return "".join(out)

    return _ESCAPES.sub(decode, str(url))
