"""Find and resolve date expressions in Arabic news text (SPEC §5).

Understands Levantine, Egyptian/Gulf and Maghrebi month names (and paired forms such as
"25 مايو/أيار 2015"), Arabic-Indic and Persian digits, numeric dates (25/11/2017,
2017-11-25, "٢٠١٧ ١١ ٢٥"), weekdays, times ("الساعة 10:30 م"), Hijri dates (converted to
Gregorian with hijridate), "الموافق" pairs (the Gregorian side wins) and expressions that
need the publication context: "أمس", "أول من أمس", "غدا الأربعاء", "الـ٢٢ من الشهر الجاري",
a weekday alone, a day and month without a year.

Never invents: what cannot be resolved (no reference for a relative expression, an
impossible day such as 31 شباط, a bare year, a month without a day) is not returned.
All month, weekday and relative words are data in ``marsad/arabic/lexicons/*.tsv``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path

from hijridate import Gregorian, Hijri

from marsad.arabic.normalise import normalise

LEXICONS = Path(__file__).resolve().parent.parent / "arabic" / "lexicons"

__all__ = ["DateMatch", "find_dates", "parse_date"]


@dataclass(frozen=True)
class DateMatch:
    """One date expression: its span in the original text and the resolved value.

    ``value`` is time-zone aware: in the reference's zone, UTC when the reference is naive
    or absent (or when the text says GMT). ``has_time`` is True when the text gave a clock
    time; otherwise ``value`` is midnight. ``relative`` is True when the value depended on
    the reference (relative words, weekday alone, missing year or month).
    """

    start: int
    end: int
    text: str
    value: datetime
    has_time: bool = False
    relative: bool = False


# --------------------------------------------------------------------------- lexicons


def _rows(name: str) -> Iterator[list[str]]:
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


@dataclass(frozen=True)
class _Lexicon:
    months: dict[str, int]
    hijri_months: dict[str, tuple[int, bool]]
    weekdays: dict[str, int]
    relative: dict[str, tuple[int, bool]]
    dayparts: frozenset[str]
    ordinals: dict[str, int]
    blockers: dict[str, frozenset[str]]


@cache
def _lexicon() -> _Lexicon:
    months = {normalise(r[0]): int(r[1]) for r in _rows("months.tsv")}
    hijri = {normalise(r[0]): (int(r[1]), r[2] == "1") for r in _rows("hijri_months.tsv")}
    weekdays = {normalise(r[0]): int(r[1]) for r in _rows("weekdays.tsv")}
    relative = {normalise(r[0]): (int(r[1]), r[2] == "1") for r in _rows("date_relative.tsv")}
    dayparts = frozenset(normalise(r[0]) for r in _rows("date_dayparts.tsv"))
    ordinals = {normalise(r[0]): int(r[1]) for r in _rows("date_ordinals.tsv")}
    blockers: dict[str, set[str]] = {}
    for kind, word in _rows("date_blockers.tsv"):
        blockers.setdefault(kind, set()).add(normalise(word))
    frozen = {k: frozenset(v) for k, v in blockers.items()}
    return _Lexicon(months, hijri, weekdays, relative, dayparts, ordinals, frozen)


def _alt(forms: object) -> str:
    """Regex alternation of folded forms, longest first, spaces as \\s+."""
    ordered = sorted(forms, key=len, reverse=True)  # type: ignore[arg-type]
    return "|".join(r"\s+".join(map(re.escape, f.split())) for f in ordered)


# --------------------------------------------------------------------------- folding


_BLOCKS = ((0x0600, 0x0700), (0x0750, 0x0780), (0xFB50, 0xFE00), (0xFE70, 0xFF00))


@cache
def _fold_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """One-to-one character folds and the characters to drop, both taken from normalise()
    so that matching here agrees with the rest of marsad."""
    table: dict[int, str] = {}
    drop: list[str] = []
    for lo, hi in _BLOCKS:
        for cp in range(lo, hi):
            c = chr(cp)
            n = normalise(c)
            if c == "\u0640" or unicodedata.category(c) == "Mn":
                drop.append(c)
            elif len(n) == 1 and n != c:
                table[cp] = n
    for c in "۰۱۲۳۴۵۶۷۸۹":  # Persian digits (inside the block above, listed for clarity)
        table[ord(c)] = normalise(c)
    return table, re.compile("[" + re.escape("".join(drop)) + "]+")


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Normalised copy of ``text`` (one character per kept character) and, for each of its
    characters, the original index; None when nothing was dropped (indices are equal)."""
    table, drop = _fold_table()
    text = text.translate(table)
    if not drop.search(text):
        return text, None
    kept: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in drop.finditer(text):
        kept.append(text[pos : m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    kept.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(kept), offsets


# --------------------------------------------------------------------------- grammar

_CL = r"(?:وب|ول|فب|وف|[وفبل])?"  # proclitics attached to a weekday / relative word
_SEP = r"\s*[،,/]?\s*"


def _wd_opt(p: str, lx: _Lexicon) -> str:
    """Optional leading "(صباح) (يوم) الأحد، " before a date."""
    return (
        rf"(?:(?<!\w){_CL}(?:(?:{_alt(lx.dayparts)})\s+)?(?:{_CL}يوم\s+)?{_CL}"
        rf"(?P<{p}wd>{_alt(lx.weekdays)})(?!\w)[،,\s]*(?:\s*-\s*)?)?"
    )


def _time(p: str) -> str:
    return (
        rf"(?:\s*[،,\-–|]?\s*(?:(?:في|على|عند)\s+)?(?:(?:ال)?ساعه\s+)?"
        rf"(?P<{p}hh>\d{{1,2}})[:.](?P<{p}mi>\d{{2}})(?::(?P<{p}ss>\d{{2}})(?:\.\d+)?)?(?!\d)"
        rf"(?P<{p}off>z|[+\-]\d\d:?\d\d)?(?![\w:])"
        rf"(?:\s*(?P<{p}ap>صباحا|صباح|مساء|ظهرا|عصرا|ليلا|ص|م|am|pm|a\.m\.|p\.m\.)(?!\w))?"
        rf"(?:\s*(?P<{p}tz>(?:ب)?توقيت\s+(?:غرينتش|جرينتش|غرينيتش|جرينيتش)|gmt|utc|ت\.?\s*غ\.?)"
        rf"(?![a-z\u0600-\u06ff]))?)?"
    )


_HIJRI_MARK = r"(?:\s*(?P<{p}hm>ه(?![\w])|هجريه|هجري|للهجره))"


_GREG_OR_HIJRI = "(?:" + _HIJRI_MARK + r"|\s*م(?!\w))?"  # 15/9/1439هـ or 30/5/2018م


@cache
def _pattern() -> re.Pattern[str]:
    lx = _lexicon()
    month = _alt(lx.months)
    hmonth = _alt(lx.hijri_months)
    wdays = _alt(lx.weekdays)
    rel = _alt(lx.relative)
    dp = _alt(lx.dayparts)
    day = (
        r"(?:(?<![\w/.:\-])(?:[وفب]?ال\s?|[وفب])?(?P<{p}d>\d{{1,2}})(?!\d)"
        rf"|(?<!\w)(?P<{{p}}do>{_alt(lx.ordinals)})(?=\s+من\s))"
    )
    day_range = r"(?:\s*(?:-|–|و|الى|حتى)\s*(?:ال)?\d{{1,2}}(?!\d))?"
    of_month = day_range + r"\s*(?:/\s*)?(?:من\s+)?(?:(?:ال)?شهر\s+)?"
    gyear = (
        r"(?:{sep}(?:من\s+)?(?:(?:ال)?عام\s+|سنه\s+)?(?P<{p}y>\d{{4}})(?!\d)"
        r"(?:\s*(?:م|ميلادي|ميلاديه|للميلاد)(?!\w))?"
        r"|\s+(?:من\s+)?(?:(?:ال)?عام|(?:ال)?سنه)\s+(?P<{p}ry>الماضي|الماضيه|المنصرم|المنصرمه"
        r"|الفائت|الفائته|السابق|السابقه|الجاري|الحالي|الحاليه|المقبل|المقبله|القادم|القادمه)(?!\w)"
        r"|\s+(?:من\s+)?(?P<{p}thisy>هذا\s+العام|هذه\s+السنه)(?!\w)"
        r"|\s+(?P<{p}dir>الماضي|المنصرم|الفائت|السابق|المقبل|القادم|الجاري|الحالي)(?!\w))?"
    )
    hyear = (
        r"(?:{sep}(?:من\s+)?(?:(?:ال)?عام\s+|سنه\s+)?(?P<{p}y>\d{{4}})(?!\d)" + _HIJRI_MARK + "?)?"
    )
    month_pair = (
        rf"(?P<{{p}}m>\(\s*(?:{month})\s*\)\s*(?:{month})"
        rf"|(?:{month})(?:(?:\s*[/\\\-]\s*|\s+)(?:{month})|\s*\(\s*(?:{month})\s*\))?)(?!\w)"
    )
    alts = {
        # 2017-11-25, 2017/11/25, 2017-11-25T10:30
        "iso": "{wd}(?<![\\w/.\\-])[وفب]?(?P<{p}y>\\d{{4}})\\s?(?P<{p}s>[/.\\-])\\s?(?P<{p}mo>\\d{{1,2}})"
        "\\s?(?P={p}s)\\s?(?P<{p}d>\\d{{1,2}})(?!\\d|[/.\\-]\\d)" + _GREG_OR_HIJRI + "(?:T)?{time}",
        # 25/11/2017, 25-11-2017, 25.11.2017, 25/11/17, 15/9/1439 هـ
        "dmy": "{wd}(?<![\\w/.\\-])[وفب]?(?P<{p}d>\\d{{1,2}})\\s?(?P<{p}s>[/.\\-])\\s?(?P<{p}mo>\\d{{1,2}})"
        "\\s?(?P={p}s)\\s?(?P<{p}y>\\d{{4}}|\\d{{2}})(?!\\d|[/.\\-]\\d)"
        + _GREG_OR_HIJRI
        + "{time}",
        # ٢٠١٧ ١١ ٢٥ (separators lost): Y M D
        "ymd": "(?<![\\w/.\\-])(?P<{p}y>(?:19|20)\\d\\d) (?P<{p}mo>\\d{{1,2}}) (?P<{p}d>\\d{{1,2}})"
        "(?!\\d|\\s\\d|[/.\\-:]\\d)",
        "greg": "{wd}" + day + of_month + month_pair + gyear + "{time}",
        "hijri": "{wd}" + day + of_month + rf"(?P<{{p}}m>{hmonth})(?!\w)" + hyear,
        # الـ22 من الشهر الجاري
        "dom": "{wd}" + day + r"\s*(?:من\s+)?(?:(?P<{p}this>هذا\s+الشهر)|(?:(?:ال)?شهر\s+)?"
        r"(?P<{p}rm>الجاري|الحالي|الماضي|المنصرم|المنقضي|السابق|الفائت|المقبل|القادم))(?!\w)",
        # (مساء) (يوم) أمس (الثلاثاء)
        "rel": rf"(?<!\w){_CL}(?:(?P<{{p}}dp>{dp})\s+)?(?:{_CL}يوم\s+)?{_CL}(?P<{{p}}r>{rel})(?!\w)"
        rf"(?:{_SEP}\(?\s*(?P<{{p}}wd>{wdays})(?!\w)(?:\s*\))?)?",
        # (مساء) (يوم) الأحد (الماضي / المقبل)
        "wday": rf"(?<!\w){_CL}(?:(?P<{{p}}dp>{dp})\s+)?(?:{_CL}يوم\s+)?{_CL}(?P<{{p}}wd>{wdays})"
        r"(?!\w)(?:\s+(?P<{p}dir>الماضي|المنصرم|الفائت|السابق|المقبل|القادم)(?!\w))?",
    }
    parts = []
    for name, tmpl in alts.items():
        p = name + "_"
        body = tmpl.format(p=p, wd=_wd_opt(p, lx), time=_time(p), sep=_SEP)
        parts.append(f"(?P<{name}>{body})")
    # Every expression starts at a word's start: failing fast elsewhere halves the time.
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


# --------------------------------------------------------------------------- resolving

_AFTER_NOON = {"م", "مساء", "ظهرا", "عصرا", "ليلا", "pm", "p.m."}
_BEFORE_NOON = {"ص", "صباحا", "صباح", "am", "a.m."}
_DIRECTION = {"الماضي": -1, "المنصرم": -1, "الفائت": -1, "السابق": -1, "المقبل": 1, "القادم": 1}
_MONTH_OFFSET = _DIRECTION | {"الجاري": 0, "الحالي": 0}
_YEAR_OFFSET = {w + e: v for w, v in _MONTH_OFFSET.items() for e in ("", "ه")}


def _nearest_weekday(base: date, weekday: int, direction: int = 0) -> date:
    delta = (weekday - base.weekday()) % 7  # 0..6 forward
    if direction > 0:
        return base + timedelta(days=delta or 7)
    if direction < 0:
        return base - timedelta(days=(7 - delta) % 7 or 7)
    # No direction word: news mostly reports what happened (and says "غدا"/"المقبل" for
    # what will), so look up to 5 days back and 1 ahead.
    return base + timedelta(days=delta if delta <= 1 else delta - 7)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _hijri_to_date(y: int, m: int, d: int) -> date | None:
    try:
        g = Hijri(y, m, d, validate=True).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(g.year, g.month, g.day)


def _closest(cands: list[date], ref: date, weekday: int | None) -> date | None:
    if weekday is not None:
        agreeing = [c for c in cands if c.weekday() == weekday]
        cands = agreeing or cands
    return min(cands, key=lambda c: abs((c - ref).days)) if cands else None


def _month_of(text: str) -> int | None:
    """The first Gregorian month named in ``text`` (of a pair such as "(أيار) مايو")."""
    months = _lexicon().months
    m = _month_finder().search(text)
    return months[" ".join(m.group(0).split())] if m else None


@cache
def _month_finder() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_lexicon().months)})(?!\w)")


def _resolve(m: re.Match[str], ref: date | None) -> tuple[date, bool] | None:
    """The date of a match and whether it needed the reference; None when unresolvable."""
    lx = _lexicon()
    kind = m.lastgroup or ""
    g = {k[len(kind) + 1 :]: v for k, v in m.groupdict().items() if k.startswith(kind + "_")}
    wd = lx.weekdays.get(" ".join(g["wd"].split())) if g.get("wd") else None
    if kind in ("iso", "dmy", "ymd"):
        y, mo, d = int(g["y"]), int(g["mo"]), int(g["d"])
        if kind == "dmy" and mo > 12 and d <= 12:  # 11/25/2017 written US-style
            mo, d = d, mo
        if y < 100:
            if g.get("s") == ".":
                return None
            y += 2000 if y < 70 else 1900
        if g.get("hm") or 1343 <= y <= 1500:
            out = _hijri_to_date(y, mo, d)
        elif 1900 <= y <= 2100:
            out = _safe_date(y, mo, d)
        else:
            return None
        return (out, False) if out else None
    d = int(g["d"]) if g.get("d") else lx.ordinals.get(" ".join((g.get("do") or "").split()), 0)
    if kind == "greg":
        mo = _month_of(g["m"])
        if mo is None:
            return None
        if g.get("y"):
            y = int(g["y"])
            out = _safe_date(y, mo, d) if 1000 <= y <= 2100 else None
            return (out, False) if out else None
        if ref is None:
            return None
        if g.get("ry") or g.get("thisy"):
            out = _safe_date(ref.year + _YEAR_OFFSET.get(g.get("ry") or "", 0), mo, d)
            return (out, True) if out else None
        cands = [c for yy in (ref.year - 1, ref.year, ref.year + 1) if (c := _safe_date(yy, mo, d))]
        direction = _MONTH_OFFSET.get(g.get("dir") or "", 0)
        if direction < 0:
            cands = [c for c in cands if c <= ref]
        elif direction > 0:
            cands = [c for c in cands if c >= ref]
        elif g.get("dir"):  # الجاري / الحالي: this year
            cands = [c for c in cands if c.year == ref.year]
        out = _closest(cands, ref, wd)
        return (out, True) if out else None
    if kind == "hijri":
        hm, ambiguous = lx.hijri_months[" ".join(g["m"].split())]
        if g.get("y"):
            out = _hijri_to_date(int(g["y"]), hm, d)
            return (out, False) if out else None
        if ref is None or ambiguous:
            return None
        try:
            hy = Gregorian(ref.year, ref.month, ref.day).to_hijri().year
        except (ValueError, OverflowError):
            return None
        cands = [c for yy in (hy - 1, hy, hy + 1) if (c := _hijri_to_date(yy, hm, d))]
        out = _closest(cands, ref, wd)
        return (out, True) if out else None
    if ref is None:
        return None
    if kind == "dom":
        shift = 0 if g.get("this") else _MONTH_OFFSET[g["rm"]]
        y, mo = divmod(ref.year * 12 + ref.month - 1 + shift, 12)
        out = _safe_date(y, mo + 1, d)
        return (out, True) if out else None
    if kind == "rel":
        offset, strict = lx.relative[" ".join(g["r"].split())]
        if strict and not (g.get("dp") or wd is not None):
            return None
        base = ref + timedelta(days=offset)
        if wd is not None and base.weekday() != wd:  # the weekday wins, on the same side
            base = _nearest_weekday(ref, wd, (offset > 0) - (offset < 0))
        return base, True
    if kind == "wday" and wd is not None:
        return _nearest_weekday(ref, wd, _DIRECTION.get(g.get("dir") or "", 0)), True
    return None


def _clock(m: re.Match[str]) -> tuple[int, int, int, tzinfo | None] | None:
    """(hour, minute, second, zone or None) from a match's time part, None if it has none."""
    kind = m.lastgroup or ""
    hh = m.groupdict().get(kind + "_hh")
    if hh is None:
        return None
    h, mi = int(hh), int(m.group(kind + "_mi"))
    s = int(m.group(kind + "_ss") or 0)
    ap = (m.group(kind + "_ap") or "").lower()
    if ap in _AFTER_NOON and h < 12:
        h += 12
    elif ap in _BEFORE_NOON and h == 12:
        h = 0
    if h > 23 or mi > 59 or s > 59:
        return None
    zone: tzinfo | None = UTC if m.group(kind + "_tz") else None
    off = m.group(kind + "_off")
    if off and off.lower() != "z":
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes > 14 * 60:
            return None
        zone = timezone(sign * timedelta(minutes=minutes))
    elif off:
        zone = UTC
    return h, mi, s, zone


_WINDOW = 90  # longer than any single expression the grammar can match


@cache
def _triggers() -> re.Pattern[str]:
    """Words one of which every date expression contains: digits, weekdays, month names…"""
    lx = _lexicon()
    forms = set(lx.months) | set(lx.hijri_months) | set(lx.weekdays) | set(lx.relative)
    forms |= {"شهر"}
    return re.compile(rf"\d|(?<!\w)(?:وب|ول|فب|وف|[وفبل])?(?:ال)?(?:{_alt(forms)})(?!\w)")


def _matches(folded: str) -> Iterator[re.Match[str]]:
    """The grammar's matches, run only in windows around trigger words (much faster than
    scanning every position, and the same result since no match is longer than _WINDOW)."""
    pattern = _pattern()
    lo = hi = -1
    for t in _triggers().finditer(folded):
        if lo >= 0 and t.start() - _WINDOW <= hi:
            hi = t.end() + _WINDOW
            continue
        if lo >= 0:
            yield from pattern.finditer(folded, lo, min(hi, len(folded)))
        lo, hi = max(0, t.start() - _WINDOW), t.end() + _WINDOW
    if lo >= 0:
        yield from pattern.finditer(folded, lo, min(hi, len(folded)))


def _blocked(m: re.Match[str], folded: str) -> bool:
    """A weekday or relative word used as an ordinary word ("صلاة الجمعة", "أمس الحاجة")."""
    blockers = _lexicon().blockers
    kind = m.lastgroup or ""
    if kind == "wday":
        before = folded[max(0, m.start() - 40) : m.start()].split()
        return bool(before) and before[-1] in blockers.get("before_weekday", ())
    if kind == "rel" and not m.group("rel_wd"):
        after = folded[m.end() : m.end() + 40].split()
        return bool(after) and after[0] in blockers.get("after_relative", ())
    return False


@dataclass(frozen=True)
class _Hit:
    start: int  # in the folded text
    end: int
    day: date
    relative: bool
    hijri: bool
    clock: tuple[int, int, int, tzinfo | None] | None


def _is_hijri(m: re.Match[str]) -> bool:
    kind = m.lastgroup or ""
    if kind == "hijri":
        return True
    if kind in ("iso", "dmy"):
        return bool(m.group(kind + "_hm")) or 1343 <= int(m.group(kind + "_y")) <= 1500
    return False


_LINK = re.compile(r"^\s*[،,\-–(]?\s*(?:و\s*)?(?:ال)?موافق\s*(?:ل\s*)?$|^\s*[(\[]\s*$")


def find_dates(text: str, reference: datetime | None = None) -> list[DateMatch]:
    """All date expressions in ``text``, in order of appearance.

    ``reference`` (publication or crawl time) resolves expressions without a year or
    relative ones; without it those are left out. A naive reference is taken as UTC.
    """
    if not text:
        return []
    tz: tzinfo = UTC
    ref_day: date | None = None
    if reference is not None:
        tz = reference.tzinfo or UTC
        ref_day = reference.date()
    folded, offsets = _fold(text)
    found: list[_Hit] = []
    for m in _matches(folded):
        if _blocked(m, folded):
            continue
        resolved = _resolve(m, ref_day)
        if resolved is None:
            continue
        start, end = m.span()
        while end > start and folded[end - 1].isspace():
            end -= 1
        found.append(_Hit(start, end, resolved[0], resolved[1], _is_hijri(m), _clock(m)))
    # "14 رمضان 1439 هـ الموافق 27 مايو 2018": one expression, the Gregorian value wins.
    merged: list[_Hit] = []
    for hit in found:
        prev = merged[-1] if merged else None
        if prev and prev.hijri != hit.hijri and _LINK.match(folded[prev.end : hit.start]):
            greg = hit if prev.hijri else prev
            merged[-1] = _Hit(prev.start, hit.end, greg.day, greg.relative, False, greg.clock)
            continue
        merged.append(hit)
    out: list[DateMatch] = []
    for hit in merged:
        start, end, day, clock = hit.start, hit.end, hit.day, hit.clock
        o_start = offsets[start] if offsets else start
        o_end = (offsets[end - 1] if offsets else end - 1) + 1
        while o_end < len(text) and (
            text[o_end] == "\u0640" or unicodedata.category(text[o_end]) == "Mn"
        ):
            o_end += 1
        h = mi = s = 0
        zone = tz
        if clock:
            h, mi, s, given = clock
            zone = given or tz
        value = datetime(day.year, day.month, day.day, h, mi, s, tzinfo=zone)
        out.append(
            DateMatch(o_start, o_end, text[o_start:o_end], value, clock is not None, hit.relative)
        )
    return out


def parse_date(text: str, reference: datetime | None = None) -> datetime | None:
    """The first date found in ``text``, or None. Never invents a date."""
    found = find_dates(text, reference)
    return found[0].value if found else None
