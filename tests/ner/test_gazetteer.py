"""The gazetteer recogniser (ner/gazetteer.py): known names found with their clitics off,
never with the article taken off."""

from __future__ import annotations

from marsad.models import EntityType
from marsad.ner.gazetteer import GazetteerRecogniser

LOC = EntityType.LOCATION


def found(names: list[tuple[str, EntityType]], text: str) -> list[str]:
    return [m.text for m in GazetteerRecogniser(names).recognise(text)]


def test_a_name_is_found_with_a_clitic_off_its_first_word():
    names = [("سورية", LOC), ("القاهرة", LOC)]
    text = "وصل الوفد إلى سورية ثم بالقاهرة وللقاهرة وفي سورية"
    assert found(names, text) == ["سورية", "القاهرة", "للقاهرة", "سورية"]  # لل: ل + ال


def test_the_article_is_no_clitic():
    names = [("سورية", LOC), ("مالي", LOC), ("جنين", LOC)]
    text = "دعمت القوات الحكومة السورية والمالي وبالجنين في دوما السورية"
    assert found(names, text) == []  # Syrian, the financial, the fetus: no place


def test_kaf_is_no_clitic_on_a_word_the_news_writes():
    names = [("نيس", LOC), ("لندن", LOC)]
    text = "وقع الهجوم في كنيس يهودي قرب نيس، وليس بلندن ككل عام"
    assert found(names, text) == ["نيس", "لندن"]  # كنيس: a synagogue, not ك + نيس
