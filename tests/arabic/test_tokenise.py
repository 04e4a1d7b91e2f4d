"""Clitic-aware tokenisation keeps exact offsets into the original text."""

from marsad.arabic.tokenise import analyse, make_token, tokenise


def test_tokens_slice_back_to_the_original_text():
    text = "وقال وزيرُ الخارجية، سيرغي لافروف: «نحن»."
    tokens = tokenise(text)
    assert [t.text for t in tokens] == [text[t.start : t.end] for t in tokens]
    assert [t.text for t in tokens][:4] == ["وقال", "وزيرُ", "الخارجية", "،"]
    assert tokens[-1].text == "."


def test_conjunction_is_cut_off_a_name():
    tok = make_token("ولافروف", 10)
    assert (tok.prefix, tok.stem) == ("و", "لافروف")
    assert tok.name_start == 11


def test_preposition_is_cut_off_a_place():
    text = "وصل بموسكو"
    tok = tokenise(text)[1]
    assert tok.prefix == "ب"
    assert text[tok.name_start : tok.end] == "موسكو"


def test_name_initial_letters_that_look_like_clitics_are_kept():
    for word in ("لافروف", "بوتين", "لبنان", "كوفي", "بغداد", "فرنسا", "بريطانيا"):
        assert analyse(word)[0] == "", word


def test_names_starting_with_waw_or_fa_keep_them_where_the_whole_word_is_common():
    # فادي (35 in the news) is far commoner than ف + ادي (أدى, 1,577) would explain: a
    # word takes ف in front about once in a thousand times
    for word in ("فادي", "فيصل", "فراس", "وسام"):
        assert analyse(word)[0] == "", word
    text = "قتل فادي محمد البطش، وقال وسام إن الأمير فيصل وصل. وروسيا وتركيا فلبنان"
    starts = {t.text: text[t.name_start : t.end] for t in tokenise(text)}
    assert starts["فادي"] == "فادي" and starts["فيصل"] == "فيصل" and starts["وسام"] == "وسام"
    assert (starts["وروسيا"], starts["وتركيا"], starts["فلبنان"]) == ("روسيا", "تركيا", "لبنان")


def test_article_stays_in_the_name_span_but_not_in_the_stem():
    text = "عاد بالأردن"
    tok = tokenise(text)[1]
    assert (tok.prefix, tok.stem) == ("بال", "اردن")
    assert text[tok.name_start : tok.end] == "الأردن"


def test_lam_lam_keeps_the_whole_token():
    tok = make_token("للأمم", 0)
    assert tok.prefix == "لل"
    assert tok.name_start == 0


def test_offsets_survive_diacritics():
    text = "وَلافروف قال"
    tok = tokenise(text)[0]
    assert text[tok.name_start : tok.end] == "لافروف"


def test_preposition_letters_of_names_are_not_cut():
    from marsad.arabic.tokenise import tokenise

    for word in ("كيري", "وليد", "لبنان", "بوتين", "كما"):
        (token,) = tokenise(word)
        assert token.prefix == "" and word[token.name_start - token.start :] == word, word
    (token,) = tokenise("بموسكو")
    assert (token.prefix, token.stem) == ("ب", "موسكو")


def test_hashtag_underscores_are_word_breaks():
    from marsad.arabic.normalise import normalise

    assert normalise("#الولايات_المتحدة") == normalise("الولايات المتحدة")
