"""The CoNLL exact-span scorer counts whole entities, like seqeval."""

from marsad.ner.scoring import score, spans


def test_spans_follow_conll_bio_rules():
    assert spans(["B-PERS", "I-PERS", "O", "I-LOC", "B-ORG", "I-LOC"]) == [
        (0, 2, "PERS"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
        (5, 6, "LOC"),
    ]


def test_partial_span_is_both_a_false_positive_and_a_false_negative():
    s = score([["B-PERS", "I-PERS", "O"]], [["B-PERS", "O", "O"]])
    assert s.prf("PERS") == (0.0, 0.0, 0.0)
    assert s.fp["PERS"] == 1 and s.fn["PERS"] == 1


def test_overlap_scoring_accepts_a_shared_token():
    s = score([["B-LOC", "I-LOC", "O"]], [["O", "B-LOC", "O"]], overlap=True)
    assert s.prf() == (1.0, 1.0, 1.0)


def test_type_confusions_are_counted_on_identical_spans():
    s = score([["B-ORG", "I-ORG"]], [["B-LOC", "I-LOC"]])
    assert s.confusions[("ORG", "LOC")] == 1
