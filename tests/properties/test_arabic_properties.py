"""The normaliser and the tokeniser on any text: normalising twice equals once, token
offsets point into the original text."""

from __future__ import annotations

from hypothesis import example, given

from marsad.arabic.normalise import normalise, normalise_word, strip_clitics
from marsad.arabic.tokenise import tokenise
from properties.strategies import any_text, fast


@fast(400)
@given(any_text)
@example("وَقَالَ وزيرُ الخارجيـــة ﻻ ٢٠٢٤ İ")
def test_normalising_twice_equals_normalising_once(text: str):
    once = normalise(text)
    assert normalise(once) == once
    assert normalise_word(text) == once


@fast(400)
@given(any_text)
@example("وقال وزيرُ الخارجية، سيرغي لافروف: «نحن».")
def test_tokens_slice_back_to_the_original_text(text: str):
    tokens = tokenise(text)
    previous_end = 0
    for t in tokens:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= previous_end  # in order, none overlapping
        assert t.start <= t.name_start <= t.end
        previous_end = t.end


@fast(200)
@given(any_text)
def test_clitic_readings_start_with_the_word_itself(text: str):
    for word in normalise(text).split():
        readings = strip_clitics(word)
        assert readings[0] == word
        assert all(r and len(r) >= 2 for r in readings[1:])
