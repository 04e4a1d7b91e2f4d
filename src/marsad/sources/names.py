"""Readable names of sources known by a slug (``alarabia`` → العربية), from the data file
``arabic/lexicons/sources.tsv``; the names a source goes by in bylines ("العربية.نت")."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalise import normalise
from marsad.errors import InputError
from marsad.store.database import Store

MAX_NAME_CHARS = 300
LEXICON = Path(__file__).resolve().parent.parent / "arabic" / "lexicons" / "sources.tsv"


@dataclass(frozen=True, slots=True)
class KnownSource:
    name: str
    other_names: frozenset[str]  # normalised, the name included


@lru_cache(maxsize=2)
def load_source_names(path: Path = LEXICON) -> dict[str, KnownSource]:
    """Normalised slug → its readable name and other names."""
    out: dict[str, KnownSource] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        slug, name, *rest = (part.strip() for part in line.split("\t"))
        others = {normalise(v) for v in (rest[0].split("|") if rest else []) if v.strip()}
        out[normalise(slug)] = KnownSource(name, frozenset(others | {normalise(name)}))
    return out


def readable_name(slug: str) -> str | None:
    """The name to show for a source slug of the table ("skynews" → "سكاي نيوز عربية")."""
    known = load_source_names().get(normalise(slug))
    return known.name if known else None


def is_own_name(slug: str, text: str) -> bool:
    """Whether ``text`` is one of the names of source ``slug`` ("العربية.نت" for alarabia)."""
    known = load_source_names().get(normalise(slug))
    return known is not None and normalise(text) in known.other_names


def set_source_name(store: Store, slug: str, name: str) -> dict[str, str]:
    """Give a stored source a readable name (shown on every page from now on) and log the
    edit; the CLI (`marsad sources name`) and the admin API both call this."""
    name = " ".join(name.split())
    if not normalise(name):
        raise InputError("the new name is empty")
    if len(name) > MAX_NAME_CHARS:
        raise InputError(f"the name is {len(name)} characters, over the limit of {MAX_NAME_CHARS}")
    old = store.rename_source(slug, name)
    result = {"source": slug, "old": old, "name": name}
    store.log_edit("source_name", result)
    return result
