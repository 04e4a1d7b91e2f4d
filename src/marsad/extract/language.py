"""Is a page Arabic? A byte-level check made before any parsing, so that a mostly
non-Arabic archive (a CC-NEWS WARC) costs little more than reading it
(``marsad spark-ingest --arabic-only``).

UTF-8 Arabic letters (U+0621–U+064A) are two bytes, D8 A1–D8 BF and D9 80–D9 8A: a page
is Arabic when it holds at least :data:`MIN_LETTERS` of them and more letters only Arabic
uses (ة ي ك ى) than letters only Persian and Urdu use (پ چ ژ ک گ ی ے), which share the
script. A page in a legacy Arabic encoding (windows-1256, ISO-8859-6) declared in its HTTP
header or in its first bytes is kept without counting; a page that is not UTF-8 and
declares nothing (or a wrong Latin charset) is Arabic when it holds at least
:data:`MIN_LETTERS` bytes that are Arabic letters in windows-1256 and three times more of
them than other non-ASCII bytes (a German page's ä and ß are letters there, its ö and ü not).
"""

from __future__ import annotations

import re

MIN_LETTERS = 200  # an article has thousands; a non-Arabic page's language menu a handful
HEAD_BYTES = 4096  # where a <meta charset> is looked for

_LETTER = re.compile(rb"\xd8[\xa1-\xbf]|\xd9[\x80-\x8a]")
_ARABIC_ONLY = re.compile(rb"\xd8\xa9|\xd9[\x83\x89\x8a]")  # ة ك ى ي
_PERSIAN_URDU = re.compile(rb"\xd9\xbe|\xda[\x86\x98\xa9\xaf]|\xdb[\x8c\x92]")  # پ چ ژ ک گ ی ے
_CP1256_LETTER = re.compile(rb"[\xc1-\xd6\xd8-\xdf\xe1\xe3-\xe6\xec\xed]")
_HIGH = re.compile(rb"[\x80-\xff]")
_LEGACY = re.compile(rb"1256|8859-6|arabic", re.IGNORECASE)


def looks_arabic(data: bytes, declared_encoding: str | None = None) -> bool:
    """Whether the page (raw bytes, not decoded) is Arabic; see the module's docstring."""
    if declared_encoding and _LEGACY.search(declared_encoding.encode("ascii", "ignore")):
        return True
    if _LEGACY.search(data[:HEAD_BYTES]) and b"charset" in data[:HEAD_BYTES].lower():
        return True
    letters = len(_LETTER.findall(data))
    if letters < MIN_LETTERS:
        return _legacy_arabic(data)
    return len(_ARABIC_ONLY.findall(data)) > len(_PERSIAN_URDU.findall(data))


class PageFilter:
    """The pages of an archive to parse: Arabic ones (:func:`looks_arabic`), counting the
    ones left out."""

    def __init__(self) -> None:
        self.dropped = 0

    def __call__(self, data: bytes, declared_encoding: str | None) -> bool:
        if looks_arabic(data, declared_encoding):
            return True
        self.dropped += 1
        return False


def _legacy_arabic(data: bytes) -> bool:
    """Arabic in windows-1256 without a declaration (see the module's docstring)."""
    try:
        data.decode("utf-8")
        return False  # valid UTF-8 with too few Arabic letters
    except UnicodeDecodeError:
        pass
    letters = len(_CP1256_LETTER.findall(data))
    return letters >= MIN_LETTERS and letters >= 3 * (len(_HIGH.findall(data)) - letters)
