"""Roles and titles: "وزير الخارجية الروسي", "الوزير الروسي", "نظيره الأمريكي", "الرئيس".

A role phrase is a head word (``role_heads.txt``) followed by portfolio words
(``role_qualifiers.txt``) and nisba adjectives (الروسي، الأمريكية، الأممي — recognised by
shape). Roles are compared as sets of folded words without the article, so the short form
"الوزير الروسي" matches "وزير الخارجية الروسي" (its words are a subset).

Knowledge-base roles carry dates (``{"role": …, "from": "2004-03-09", "to": null}``);
:class:`RoleBook` answers "who held a role matching these words on this day".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalise import WORD, normalise, normalise_word
from marsad.arabic.tokenise import default_counts
from marsad.entities import name_groups
from marsad.ner.rules import letter_names, org_heads

LEXICONS = Path(__file__).resolve().parent.parent / "arabic" / "lexicons"
STOPWORDS = frozenset({"الي", "في", "من", "عن", "علي", "باسم", "لدي", "و"})
COUNTERPART = "نظير"
MAX_ROLE_WORDS = 6


def _read(name: str) -> list[str]:
    out = []
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    return frozenset(normalise(w) for w in _read("role_heads.txt"))


@lru_cache(maxsize=1)
def qualifiers() -> frozenset[str]:
    return frozenset(normalise(w) for w in _read("role_qualifiers.txt"))


@lru_cache(maxsize=1)
def directed_heads() -> frozenset[str]:
    return frozenset(normalise(w) for w in _read("role_directed_heads.txt"))


@lru_cache(maxsize=1)
def generic_nouns() -> frozenset[str]:
    """Words that alone only point back to an entity ("الحلف", "العاصمة"), ال-less."""
    words = _read("generic_nouns.txt")
    for name in ("ner_org_heads.txt", "ner_location_triggers.txt"):
        words += [w for w in _read(name) if " " not in w.strip()]
    return frozenset(role_word(normalise(w)) for w in words)


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Words that alone never are an entity: currencies, site-name fragments, weekdays,
    months (``not_names.txt``, ``weekdays.tsv``, ``months.tsv``)."""
    words = {normalise(w) for w in _read("not_names.txt")}
    for table in ("weekdays.tsv", "months.tsv"):
        words |= {normalise(line.split("\t")[0]) for line in _read(table)}
    return frozenset(words)


_CUT_MARKS = frozenset('()[]{}<>«»"|')
_EDGE_MARKS = '()[]{}<>«»"|.,:;!?،؛؟' + "'"


@lru_cache(maxsize=1)
def place_nisbas() -> frozenset[str]:
    """Adjectives of the countries of ``name_groups`` (الروسي، الروسيه، المصري، الامريكي،
    الالمانيه، الكوري), normalised, except those that are a country's name themselves
    (السعوديه)."""
    from marsad.entities.name_groups import groups

    names = groups()
    out = set()
    for name, (_, etype) in names.items():
        words = name.split()
        two = len(words) == 2 and is_nisba(words[1]) and not words[0].startswith("ال")
        if etype != "LOCATION" or not (len(words) == 1 or two):
            continue  # كوريا الشمالية: كوري; not جنوب افريقيا, الاتحاد الروسي
        stems = {words[0], words[0][2:]} if words[0].startswith("ال") else {words[0]}
        for stem in stems:  # المانيا: الماني, not ال + مانيا
            for end in ("يا", "ا", "ه"):
                if stem.endswith(end) and len(stem) - len(end) >= 3:
                    stem = stem[: -len(end)]
                    break
            forms = {f"ال{stem}", f"ال{stem}ه"} if stem.endswith("ي") else set()  # السعودي
            forms |= {f"ال{stem}ي", f"ال{stem}يه"}
            out |= (forms | {f[2:] for f in forms}) - set(names)  # سعودية, روسي: no article
    return frozenset(out)


ARTICLE_MIN = 5  # corpus count of the word with the article below which nothing is said
PLACE_ARTICLE_SHARE = 5.0  # a place's name that lost its article (see lost_article)


def article_share(norm: str) -> float:
    """How many times more often the news corpus (``wordfreq.tsv``) writes a one-word name
    with the article than without it: a name the tokeniser saw without its article
    (كويت: الكويت 1,045 vs 8), or a common noun (حدودية, ماضي, مشهد: 337 vs 196). Names
    written without it score 0 (لافروف, جنين: 42 vs 22 is 1.9, the fetus)."""
    if " " in norm or norm.startswith("ال"):
        return 0.0
    counts = default_counts()
    definite = counts["ال" + norm]
    return definite / max(counts[norm], 1) if definite >= ARTICLE_MIN else 0.0


def lost_article(norm: str) -> bool:
    """Is a one-word place name without the article that place's name with its article lost
    (كويت, رياض: the news corpus writes الكويت 131 times as often, الرياض 6), rather than a
    place of its own beside a common noun with the article (جنين / الجنين the fetus: 1.9,
    مشهد / المشهد the scene: 1.7, جدة / الجدة the grandmother)? Arabic places keep or lack
    their article for good; countries may take it or leave it (بيرو / البيرو)."""
    return article_share(norm) >= PLACE_ARTICLE_SHARE or norm in name_groups.groups()


def is_not_name(tokens: tuple[str, ...] | list[str]) -> bool:
    """A mention that is not a name at all: one of :func:`not_names`, a country's
    adjective alone (الأمريكية, السورية) or with adjectives after it (الكورية الشمالية),
    a country's name that is its adjective with countries' adjectives after it (السعودية
    الأمريكية: "Saudi-American"), a name with the plural of one (كوريون جنوبيون), or one
    spelled-out letter, alone or after a head noun (بي, منظمة بي.: the first letter of
    بي.دبليو.سي cut off by its dots)."""
    norm = " ".join(tokens)
    if norm in not_names() or norm in place_nisbas():
        return True
    first = tokens[0]
    if first.startswith("ال") and first in place_nisbas() and all(map(is_nisba, tokens[1:])):
        return True  # الكورية الشمالية: adjectives (تركي المالكي is a man: no article)
    rest = tokens[1:]  # العلاقات [السعودية الأمريكية]: the country's name is its adjective
    if (
        rest
        and first.endswith("يه")
        and first in name_groups.groups()
        and all(t in place_nisbas() for t in rest)
    ):
        return True  # (not الأهلي السعودي: a club)
    if len(tokens) > 1 and first in org_heads() and all(map(_indefinite_nisba, tokens[1:])):
        return True  # منظمة دولية, جماعة إرهابية: "an international organisation"
    if norm.startswith("لل") and "ال" + norm[2:] in not_names():
        return True  # للمنظمة الدولية: ل + the article
    if any(map(_plural_demonym, tokens)):
        return True  # كوريون جنوبيون, مبعوثون كوريون: "South Koreans", "Korean envoys"
    if tokens[-1] not in letter_names():  # the recogniser's list (ner/rules.py)
        return False
    return len(tokens) == 1 or len(tokens) == 2 and role_word(tokens[0]) in generic_nouns()


def _plural_demonym(word: str) -> bool:
    """كوريون, سوريين: the plural of a country's adjective (الكوري), without the article."""
    return (
        not word.startswith("ال")
        and len(word) >= 5
        and word[-2:] in ("ون", "ين")
        and "ال" + word[:-2] in place_nisbas()
    )


def _indefinite_nisba(word: str) -> bool:
    """دوليه, ارهابيه: a feminine adjective of the shape of a nisba, without the article."""
    return not word.startswith("ال") and len(word) >= 5 and word.endswith("يه")


def cut_through_marks(surface: str) -> bool:
    """A written mention with a bracket, quote or bar in it (منظمة (إس.): a span the
    recogniser cut through punctuation, not a name."""
    return any(ch in _CUT_MARKS for ch in surface)


@lru_cache(maxsize=1)
def no_name_words() -> frozenset[str]:
    """Words, as written, that no name holds (``not_name_words.txt``: أنا, جدا)."""
    return frozenset(_read("not_name_words.txt"))


def holds_no_name_word(surface: str) -> bool:
    """أنا سعيد جدا ("I am very happy"): a written mention with a word no name holds."""
    return any(w.strip(_EDGE_MARKS) in no_name_words() for w in surface.split())


def is_generic(tokens: tuple[str, ...] | list[str]) -> bool:
    """A one-word mention that is a common noun, not a name."""
    return len(tokens) == 1 and role_word(tokens[0]) in generic_nouns()


SON_OF = frozenset({"بن", "ابن", "بنت"})
LINKS = frozenset({"باسم"})  # a role word after which the next name is the role's complement
DIRECTED_LINKS = frozenset({"الي", "لدي"})  # "المبعوث الأممي إلى سوريا" (directed heads only)


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    table = {}
    for line in _read("role_variants.tsv"):
        variant, _, canonical = line.partition("\t")
        table[normalise(variant)] = normalise(canonical)
    return table


def is_nisba(word: str) -> bool:
    """الروسي، الامريكيه، الاممي: an adjective of origin (normalised, with its article;
    without it "يلتقي" would look like one)."""
    core = word[2:] if word.startswith("ال") else ""
    return len(core) >= 3 and (core.endswith("ي") or core.endswith("يه"))


def role_word(word: str) -> str:
    """The comparable form of one normalised role word: no article or ل, variants folded."""
    for prefix in ("وال", "بال", "لل", "ال", "ول"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    return variants().get(word, word)


def role_key(norm: str) -> frozenset[str]:
    """The set of comparable words of a normalised role phrase."""
    return frozenset(role_word(w) for w in norm.split() if w not in STOPWORDS)


def is_head(word: str) -> bool:
    return word in heads() or (word[:1] in "وف" and word[1:] in heads())


def is_role_word(word: str, is_name: Callable[[str], bool] | None = None) -> bool:
    """A word that can continue a role phrase (never a known name)."""
    if is_name is not None and is_name(word):
        return False
    return word in qualifiers() or is_head(word) or is_nisba(word)


@dataclass(frozen=True, slots=True)
class RoleSpan:
    start: int
    end: int
    surface: str
    key: frozenset[str]
    directed: bool = False  # envoy-like head: "إلى"/"لدى" + place completes it
    linked: bool = False  # ends with "باسم": the next name completes it

    @property
    def counterpart(self) -> bool:
        return COUNTERPART in self.key


def make_span(start: int, end: int, surface: str, words: list[str]) -> RoleSpan:
    """A role span from its normalised words."""
    first = words[0][1:] if words[0][:1] in "وف" and words[0] not in heads() else words[0]
    return RoleSpan(
        start,
        end,
        surface,
        role_key(" ".join(words)),
        directed=first in directed_heads(),
        linked=words[-1] in LINKS,
    )


def on_behalf_of_a_holder(role: RoleSpan) -> bool:
    """``المتحدث باسم رئيسة الوزراء``: a role on behalf of another role's holder, so the
    name after it is that holder (تيريزا ماي), not the spokesman."""
    words = normalise(role.surface).split()
    if not LINKS & set(words):
        return False
    after = words[max(i for i, w in enumerate(words) if w in LINKS) + 1 :]
    return any(is_head(w) for w in after)


def words_after(
    text: str, end: int, blocked: Iterable[tuple[int, int]], is_name: Callable[[str], bool]
) -> tuple[int, list[str]]:
    """The role words right after a role a recogniser cut short (``[الرئيس] الروسي``) that
    no mention covers: where they end, and the words (normalised)."""
    words: list[str] = []
    while len(words) < MAX_ROLE_WORDS:
        m = WORD.search(text, end)
        if m is None or not _adjacent(text, end, m.start()):
            break
        if any(s <= m.start() < e for s, e in blocked):
            break
        word = normalise_word(m.group())
        if not is_role_word(word, is_name) or is_head(word):
            break
        words.append(word)
        end = m.end()
    return end, words


def complement_after(
    text: str, end: int, blocked: Iterable[tuple[int, int]], is_name: Callable[[str], bool]
) -> str | None:
    """A ل-word right after a role ("الأمين العام للحلف") that no mention covers."""
    m = WORD.search(text, end)
    if m is None or m.start() - end > 2 or any(s <= m.start() < e for s, e in blocked):
        return None
    word = normalise(m.group())
    if word.startswith("ل") and len(word) > 3 and not is_name(word):
        return word
    return None


def leading_role_words(tokens: list[str], is_name: Callable[[str], bool] | None = None) -> int:
    """How many leading tokens of a mention are a role/title (0 when it starts with a name).

    The whole mention may be a role ("وزير الخارجية الروسي"). A complement is part of the
    role: "المتحدث باسم الكرملين", "المبعوث الأممي إلى سوريا".
    """
    if not tokens or not is_head(tokens[0]):
        return 0
    if len(tokens) > 2 and tokens[1] in SON_OF and not tokens[0].startswith("ال"):
        return 0  # مساعد بن محمد العيبان: a first name before بن (not السيناتور بن ساسي)
    directed = tokens[0] in directed_heads()
    n = 1
    while n < len(tokens):
        word = tokens[n]
        if (word in LINKS or directed and word in DIRECTED_LINKS) and n + 1 < len(tokens):
            n += 2
        elif is_role_word(word, is_name):
            n += 1
        else:
            break
    return n


def _adjacent(text: str, end: int, start: int) -> bool:
    """Two words of one phrase: at most a space or two between them, no line break."""
    return start - end <= 2 and "\n" not in text[end:start]


def find_roles(
    text: str,
    *,
    blocked: Iterable[tuple[int, int]] = (),
    is_name: Callable[[str], bool] | None = None,
) -> list[RoleSpan]:
    """Role phrases in ``text`` outside the ``blocked`` spans (the recognised mentions)."""
    spans = sorted(blocked)
    toks = [(m.start(), m.end(), normalise_word(m.group())) for m in WORD.finditer(text)]

    def inside(pos: int) -> bool:
        return any(s <= pos < e for s, e in spans)

    out: list[RoleSpan] = []
    i = 0
    while i < len(toks):
        start, end, word = toks[i]
        if not is_head(word) or inside(start):
            i += 1
            continue
        j = i + 1
        while (
            j < len(toks)
            and j - i < MAX_ROLE_WORDS
            and not inside(toks[j][0])
            and is_role_word(toks[j][2], is_name)
            and _adjacent(text, toks[j - 1][1], toks[j][0])
        ):
            j += 1
        if (  # "الأمين العام للحلف": a ل-complement says whose office it is
            j < len(toks)
            and j - i < MAX_ROLE_WORDS
            and not inside(toks[j][0])
            and toks[j][2].startswith("ل")
            and len(toks[j][2]) > 3
            and not (is_name is not None and is_name(toks[j][2]))
            and _adjacent(text, toks[j - 1][1], toks[j][0])
        ):
            j += 1
        words = [w for _, _, w in toks[i:j]]
        if word[:1] in "وف" and word not in heads():
            words[0] = word[1:]
            start += 1
        if not (i and _office(toks[i - 1][2])):  # لمنصب رئيس الوزراء: the office, no one
            out.append(make_span(start, toks[j - 1][1], text[start : toks[j - 1][1]], words))
        i = j
    return out


OFFICES = frozenset({"منصب", "مناصب", "المنصب"})


def _office(word: str) -> bool:
    """منصب, لمنصب, بمنصب: the word for a post, before a role that then names the post."""
    return word in OFFICES or (word[:1] in "وفلب" and word[1:] in OFFICES)


@dataclass(frozen=True, slots=True)
class HeldRole:
    entity_id: int
    key: frozenset[str]
    start: str | None  # ISO date, None = unknown/open
    end: str | None

    def held_on(self, day: str) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class RoleBook:
    """The knowledge base's dated roles."""

    def __init__(self, rows: Iterable[tuple[int, str, str | None, str | None]]) -> None:
        self.roles: list[HeldRole] = []
        self.by_entity: dict[int, list[HeldRole]] = {}
        for entity_id, role, start, end in rows:
            held = HeldRole(entity_id, role_key(normalise(role)), start or None, end or None)
            self.roles.append(held)
            self.by_entity.setdefault(entity_id, []).append(held)

    def add(self, entity_id: int, role: str, start: str | None, end: str | None) -> None:
        held = HeldRole(entity_id, role_key(normalise(role)), start, end)
        self.roles.append(held)
        self.by_entity.setdefault(entity_id, []).append(held)

    def held_by(self, entity_id: int, day: str | None) -> list[frozenset[str]]:
        """Role keys the entity held on ``day`` (every known role when the day is unknown)."""
        return [r.key for r in self.by_entity.get(entity_id, []) if day is None or r.held_on(day)]

    def holders(self, key: frozenset[str], day: str | None) -> set[int]:
        """Entities that held a role matching ``key`` on ``day`` (none when day is unknown)."""
        if day is None or not key:
            return set()
        return {r.entity_id for r in self.roles if key <= r.key and r.held_on(day)}


def matches(key: frozenset[str], role: frozenset[str]) -> bool:
    """A role phrase matches a full role when its words (less نظير) are a subset of it; a
    bare head that a complement makes another office (``الرئيس``, ``النائب``) matches only
    the roles it heads with adjectives of origin or of tenure (``الرئيس الأمريكي``,
    ``الرئيس الباراغوياني السابق``), not ``رئيسة الوزراء``, ``نائب الرئيس``, ``الرئيس
    التنفيذي``."""
    words = key - {COUNTERPART}
    if not words or not words <= role:
        return False
    if words & OFFICE_HEADS and sum(not _whose(w) for w in words) == 1:
        return all(_whose(w) for w in role - {COUNTERPART} - words)
    return True


OFFICE_HEADS = frozenset({"رييس", "نايب"})  # with a complement, another office
OFFICE_ADJECTIVES = frozenset({"تنفيذي", "تنفيذيه", "فخري", "فخريه", "شرفي", "شرفيه"})


def _whose(word: str) -> bool:
    """A role word that says whose office or when, not which: an adjective of origin
    (امريكي, باراغوياني: a nisba that is no portfolio) or of tenure (سابق, منتخب)."""
    if word in tenure_words() or word in place_nisbas():
        return True
    nisba = len(word) >= 4 and (word.endswith("ي") or word.endswith("يه"))
    return nisba and word not in OFFICE_ADJECTIVES and word not in _qualifier_words()


@lru_cache(maxsize=1)
def tenure_words() -> frozenset[str]:
    tenure = ("السابق", "السابقة", "الحالي", "الحالية", "المنتخب", "المنتخبة", "الجديد")
    return frozenset(role_word(normalise(w)) for w in tenure)


@lru_cache(maxsize=1)
def _qualifier_words() -> frozenset[str]:
    return frozenset(role_word(w) for w in qualifiers())
