"""Which stored URLs may become links on the public site, and cells safe for spreadsheets.

Everything stored came from the open web (articles, feeds, the knowledge base), so a URL
is data until proven a plain http(s) address: ``javascript:``, ``data:`` and the like are
shown as text (or not at all), never put in an ``href``. The JSON API returns the stored
value unchanged; only HTML pages and Atom feeds make links.
"""

from __future__ import annotations

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
