"""The evaluation data and the targets of issue 5 (figures in docs/bench-entities.md)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bench_resolution", ROOT / "bench" / "resolution.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_resolution"] = module
    spec.loader.exec_module(module)
    return module


def test_gold_set_is_big_enough_and_matches_its_source(bench) -> None:  # type: ignore[no-untyped-def]
    gold = bench.read_gold()
    assert len(gold) >= 60
    assert sum(len(a["mentions"]) for a in gold) >= 300
    assert len({a["source"] for a in gold}) >= 8
    assert gold == json.loads(json.dumps(bench.build_gold()))  # the JSONL is rebuilt from source
    for art in gold:
        text = art["title"] + "\n" + art["text"]
        for m in art["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]


def test_bcubed_counts_wrong_merges_and_wrong_splits(bench) -> None:  # type: ignore[no-untyped-def]
    assert bench.bcubed([("a", "1"), ("a", "1"), ("b", "2")]) == (1.0, 1.0, 1.0)
    p, r, _ = bench.bcubed([("a", "1"), ("b", "1")])  # two people merged
    assert p == 0.5 and r == 1.0
    p, r, _ = bench.bcubed([("a", "1"), ("a", "2")])  # one person split
    assert p == 1.0 and r == 0.5


def test_hand_built_gold_set_reaches_the_target(bench) -> None:  # type: ignore[no-untyped-def]
    result = bench.evaluate_gold()
    assert result["bcubed_f1"] >= 0.90
    assert result["accuracy"] >= 0.90


def test_generator_corpus_reaches_the_target(bench) -> None:  # type: ignore[no-untyped-def]
    result = bench.evaluate_generator(150)
    assert result["bcubed_f1"] >= 0.95
    assert result["article_entity_f1"] >= 0.95
