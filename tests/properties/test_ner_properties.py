"""The recognisers and the quote finder on any text: every span points into the content."""

from __future__ import annotations

from functools import cache

from hypothesis import example, given
from hypothesis import strategies as st

from marsad.entities.quotes import find_quotes
from marsad.generate.corpus import kb_records
from marsad.models import content_of
from marsad.ner import load_default
from marsad.ner.combined import CombinedRecogniser
from marsad.ner.gazetteer import GazetteerRecogniser
from marsad.store.database import StoredMention
from properties.strategies import WORDS, any_text, fast

NAMES = [n for r in kb_records() for n in [r["name"], *r.get("aliases", [])]]
# News vocabulary with the knowledge base's names, with and without clitics.
names_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS), st.sampled_from(NAMES), st.sampled_from(NAMES).map("و".__add__)
    ),
    max_size=50,
).map(" ".join)
texts = st.one_of(any_text, names_text)


@cache
def recogniser() -> CombinedRecogniser:
    names = [(n, r["type"]) for r in kb_records() for n in [r["name"], *r.get("aliases", [])]]
    return CombinedRecogniser([GazetteerRecogniser(names), load_default()])


@fast(250)
@given(texts, texts)
@example(
    "لافروف: الحل السياسي هو الطريق",
    "وقال وزير الخارجية الروسي سيرغي لافروف إن «الحل السياسي هو الطريق الوحيد».",
)
def test_mentions_and_quotes_point_into_the_content(title: str, text: str):
    content = content_of(title, text)
    mentions = recogniser().recognise(content)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(content)
        assert content[m.start : m.end] == m.text
    stored = [StoredMention(i % 5, m.start, m.end, m.text) for i, m in enumerate(mentions)]
    for q in find_quotes(content, stored, {0: "LOCATION", 1: "ORGANIZATION"}):
        assert 0 <= q.start < q.end <= len(content)
        assert q.speaker_start in {m.start for m in stored}
        assert q.text.strip()
