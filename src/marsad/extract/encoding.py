"""Bytes → text for Arabic pages whose declared charset may lie (SPEC §2 "Encodings").

UTF-8, windows-1256 and ISO-8859-6 are told apart by decoding with each candidate and
scoring how Arabic the result reads (share of Arabic letters, frequency of the article
"ال", replacement characters). Mojibake already baked into the text (cp1256 bytes shown
as Latin-1, "ÇáÑÆíÓ"; or UTF-8 bytes shown as Latin-1, "Ø§Ù„") is repaired afterwards.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0621-\u064a\u0671-\u06d3]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CANDIDATES = ("utf-8", "cp1256", "iso-8859-6")
ARABIC_ENOUGH = 0.5  # a decoding scoring this reads as Arabic

# A run of Latin-1 characters (with the spaces, digits and punctuation between them)
# that may be Arabic bytes shown in the wrong code page.
_MOJIBAKE_RUN = re.compile(
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122"
    " \t\n0-9.,:;!?\"'()/\\-]*"
)
_HIGH_LATIN = re.compile("[\u00c0-\u00ff]")
# UTF-8 Arabic shown as cp1256: every letter becomes a ط/ظ lead plus one more character
# ("ط§ظ„ط±ط¦ظٹط³"); a strict UTF-8 decode of the re-encoded run is the proof.
_UTF8_AS_CP1256 = re.compile("(?:[طظعغ][^\\s]){2,}(?:[ .,:0-9]+(?:[طظعغ][^\\s])+)*")
_UTF8_AS_CP1256_SIGN = re.compile("[طظ][\u0080-\u00ff\u2000-\u206f\u0679-\u06ba]")


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    aliases = {"windows-1256": "cp1256", "arabic": "iso-8859-6", "iso-8859-6-i": "iso-8859-6"}
    name = aliases.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def arabic_score(text: str) -> float:
    """How well a decoded text reads as Arabic, 0…1 (minus a penalty for U+FFFD).

    The share of Arabic letters among Arabic and accented-Latin letters, scaled down when
    the article "ال" is rarer than in any real Arabic prose (wrong Arabic code pages and
    Latin text decoded as cp1256 produce Arabic-looking letters but almost no "ال").
    """
    sample = text[:30000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    if not arabic:
        return 0.0
    accented = len(_HIGH_LATIN.findall(sample))
    share = arabic / (arabic + accented)
    article = min(1.0, sample.count("ال") * 2 / arabic / 0.05)
    return share * article - 5 * sample.count("\ufffd") / arabic


def sniff_declared(data: bytes) -> str | None:
    """The charset named by a <meta> tag or XML declaration in the first 4 KB."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes to text, trusting the bytes over the declared charset.

    ``declared`` is the HTTP header's charset, if any; the page's own <meta> charset is
    read too. Both are only candidates: a strict UTF-8 decode wins when it is Arabic (or
    plain ASCII), else the Arabic-reading score picks among cp1256, ISO-8859-6, the
    declared charsets (and charset-normalizer's guess when none of them reads as Arabic).
    Mojibake is repaired last.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return repair_mojibake(data.decode(codec, errors="replace"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # a page cut in the middle of a character is still UTF-8
        text = data[: error.start].decode("utf-8") if error.start >= len(data) - 3 else None
    if text is not None:
        return repair_mojibake(text)

    candidates: list[str] = []
    for name in (normalise_charset(declared), sniff_declared(data), *_CANDIDATES):
        if name and name not in candidates:
            candidates.append(name)
    best_text, best_score = _best_decoding(data, candidates)
    if best_score >= ARABIC_ENOUGH:
        return repair_mojibake(best_text)
    # Not Arabic in any Arabic code page: the declaration if it decodes cleanly, else
    # charset-normalizer's guess.
    for name in (normalise_charset(declared), sniff_declared(data)):
        if name:
            try:
                return data.decode(name)
            except (UnicodeDecodeError, LookupError):
                pass
    guess = from_bytes(data[:65536]).best()
    name = normalise_charset(guess.encoding) if guess is not None else None
    return data.decode(name or "cp1252", errors="replace")


def _best_decoding(data: bytes, candidates: list[str]) -> tuple[str, float]:
    best_text, best_score = "", float("-inf")
    for codec in candidates:
        try:
            decoded = data.decode(codec, errors="replace")
        except LookupError:
            continue
        score = arabic_score(decoded)
        if score > best_score + 1e-9:
            best_text, best_score = decoded, score
    return best_text, best_score


def _latin_bytes(run: str) -> bytes | None:
    out = bytearray()
    for char in run:
        code = ord(char)
        if code < 256:
            out.append(code)
        else:
            try:
                out += char.encode("cp1252")
            except UnicodeEncodeError:
                return None
    return bytes(out)


def _repair_run(run: str) -> str:
    if len(_HIGH_LATIN.findall(run)) < 3:
        return run
    raw = _latin_bytes(run)
    if raw is None:
        return run
    try:  # UTF-8 shown as Latin-1: "Ø§Ù„Ø±Ø¦ÙŠØ³"
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        fixed = raw.decode("cp1256", errors="replace")
    letters = len(_LETTER.findall(fixed))
    arabic = len(_ARABIC_LETTER.findall(fixed))
    if not letters or arabic / letters < 0.8 or "\ufffd" in fixed:
        return run
    # UTF-8 bytes read as cp1256 give every letter a ط/ظ lead ("ط§ظ„"): not a repair.
    if (fixed.count("ط") + fixed.count("ظ")) / arabic > 0.3:
        return run
    return fixed


def _repair_utf8_as_cp1256(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return run.encode("cp1256").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def _may_hold_mojibake(text: str) -> tuple[bool, bool]:
    """(maybe Latin-1 mojibake, maybe UTF-8-as-cp1256 mojibake), cheaply for long texts.

    Long texts are screened with plain substring tests (fast) for the letters no Arabic
    mojibake can lack: Ç (alef) or Ø/Ù (UTF-8 lead bytes) for the Latin-1 kind, "ط§"/"ظ„"
    (alef/lam) for the cp1256 kind. Short texts get the exact regex test.
    """
    if len(text) < 2000:
        return bool(_HIGH_LATIN.search(text)), bool(_UTF8_AS_CP1256_SIGN.search(text))
    latin = "Ç" in text or "Ø" in text or "Ù" in text
    cp1256 = "ط§" in text or "ظ„" in text
    return latin, cp1256


def repair_mojibake(text: str) -> str:
    """Turn Arabic shown in the wrong code page back into Arabic ("ÇáÑÆíÓ" → "الرئيس").

    Only runs of Latin-1 characters that decode to mostly-Arabic text are replaced, so
    genuine accented Latin ("Société Générale") is left alone; runs of UTF-8 Arabic shown
    as cp1256 ("ط§ظ„ط±ط¦ظٹط³") are replaced only when they re-encode to valid UTF-8.
    """
    latin, cp1256 = _may_hold_mojibake(text)
    if cp1256:
        text = _UTF8_AS_CP1256.sub(_repair_utf8_as_cp1256, text)
    if not latin:
        return text
    return _MOJIBAKE_RUN.sub(lambda m: _repair_run(m.group(0)), text)
