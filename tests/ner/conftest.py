import pytest

from marsad.ner import load_default


@pytest.fixture(scope="session")
def recogniser():
    return load_default()


def found(recogniser, text):
    return {(m.text, m.type.value) for m in recogniser.recognise(text)}
