"""A name recognised once in a document labels its other occurrences."""

from marsad.arabic.tokenise import default_counts, make_token
from marsad.ner.lexicon import triggers
from marsad.ner.propagate import propagate


def doc(*sentences):
    return [[make_token(w) for w in s.split()] for s in sentences]


def test_surname_of_a_recognised_person_is_tagged_alone():
    d = doc("قال سيرغي لافروف إن", "وأضاف لافروف أن")
    tags = [["O", "B-PERS", "I-PERS", "O"], ["O", "O", "O"]]
    out = propagate(d, tags, default_counts(), triggers())
    assert out[1] == ["O", "B-PERS", "O"]


def test_common_words_are_not_propagated():
    d = doc("وصل أمل إلى", "لديه أمل كبير")
    tags = [["O", "B-PERS", "O"], ["O", "O", "O"]]
    out = propagate(d, tags, default_counts(), triggers())
    assert out[1] == ["O", "O", "O"]
