"""`marsad ner tag` prints the mentions of the text it reads on stdin."""

from typer.testing import CliRunner

from marsad.ner.commands import ner_app


def test_tag_prints_offsets_type_and_text():
    text = "وصل وزير الخارجية الروسي سيرغي لافروف إلى دمشق."
    result = CliRunner().invoke(ner_app, ["tag"], input=text)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()]
    start = text.index("سيرغي")
    assert [str(start), str(start + 12), "PERSON", "سيرغي لافروف"] in rows
    for start, end, _, name in rows:
        assert text[int(start) : int(end)] == name


def test_eval_reports_a_clear_error_for_a_missing_model(tmp_path):
    result = CliRunner().invoke(ner_app, ["eval", "--model", str(tmp_path / "none.crfsuite")])
    assert result.exit_code != 0
    assert "rebuild it with `marsad ner train`" in str(result.exception)
