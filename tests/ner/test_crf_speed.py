"""The tagger's shortcuts (numpy decoding, model-attribute filter, cached per-token
features) change nothing."""

import numpy as np
import pycrfsuite

from marsad.arabic.tokenise import tokenise
from marsad.ner.crf import DEFAULT_MODEL, CrfRecogniser, split_sentences
from marsad.ner.features import document_memory, sentence_features
from marsad.ner.linear import LinearChain, model_attributes

TEXT = (
    "التقى وزير الخارجية الروسي سيرغي لافروف نظيره الأمريكي جون كيري في جنيف يوم الاثنين.\n"
    "وقال لافروف إن الأمم المتحدة ستواصل جهودها في سوريا، بينما أكد كيري دعم واشنطن."
)


def test_model_attributes_are_the_attributes_crfsuite_reads():
    tagger = pycrfsuite.Tagger()
    tagger.open(str(DEFAULT_MODEL))
    assert model_attributes(DEFAULT_MODEL) == set(tagger.info().attributes)


def test_model_attributes_is_none_for_a_file_that_is_not_a_model(tmp_path):
    other = tmp_path / "x.crfsuite"
    other.write_bytes(b"not a crfsuite model" * 4)
    assert model_attributes(other) is None


def test_filtered_features_are_the_full_ones_minus_unknown_attributes_in_order():
    rec = CrfRecogniser.load()
    known = model_attributes(DEFAULT_MODEL)
    sentence = tokenise(TEXT.split("\n")[0], rec._counts)
    memory = document_memory([sentence], rec._lex)
    full = sentence_features(sentence, rec._lex, rec._cfg, rec._counts, memory)
    short = sentence_features(sentence, rec._lex, rec._cfg, rec._counts, memory, known)
    assert short == [[f for f in item if f in known] for item in full]
    assert sum(map(len, short)) < sum(map(len, full))
    again = sentence_features(sentence, rec._lex, rec._cfg, rec._counts, memory)  # cached
    assert again == full


def test_recognise_gives_the_same_mentions_with_and_without_the_filter():
    rec = CrfRecogniser.load()
    assert rec._known
    filtered = rec.recognise(TEXT)
    rec._known = None
    assert rec.recognise(TEXT) == filtered
    assert {m.text for m in filtered} >= {"سيرغي لافروف", "جنيف"}


NEWS = TEXT + (
    "\nوأعلنت وزارة الخارجية الروسية في بيان أن موسكو ترحب بقرار مجلس الأمن الدولي."
    "\nمن جهته، قال الرئيس السوري بشار الأسد لوكالة سانا إن دمشق لن تتراجع."
    "\nوفاز برشلونة على ريال مدريد في الدوري الإسباني بهدفين مقابل هدف."
)


def test_numpy_decoder_tags_exactly_as_crfsuite():
    rec = CrfRecogniser.load()
    assert rec._chain is not None, "the shipped model is read into numpy"
    sentences = split_sentences(NEWS, tokenise(NEWS, rec._counts))
    fast = rec.tag_document(sentences)
    rec._chain = None  # the crfsuite Tagger path
    slow = rec.tag_document(sentences)
    assert fast == slow
    assert sum(t != "O" for s in fast for t in s) >= 10


def test_viterbi_follows_transitions_over_emissions():
    chain = LinearChain(
        ["O", "B-PERS", "I-PERS"],
        ["a"],
        np.zeros((1, 3)),
        np.array([[0.0, 0.0, -9.0], [0.0, 0.0, 4.0], [0.0, 0.0, 0.0]]),
    )
    # token 2 alone prefers O slightly, but B-PERS → I-PERS is worth more than that
    emissions = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 0.5], [3.0, 0.0, 0.0]])
    assert chain.viterbi([emissions, emissions[:1], emissions[:0]]) == [
        ["B-PERS", "I-PERS", "O"],
        ["B-PERS"],
        [],
    ]


def test_a_file_that_is_not_a_crfsuite_model_is_not_read(tmp_path):
    other = tmp_path / "x.crfsuite"
    other.write_bytes(b"not a crfsuite model" * 4)
    assert LinearChain.read(other) is None
