"""A person's name without its middle names (name_groups.middle_base), unless many people
may bear the short one: first names counted by marsad.entities.given_names."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from marsad.arabic.normalise import normalise_name
from marsad.entities import given_names
from marsad.entities.name_groups import middle_base


def short(name: str) -> str | None:
    found = middle_base(normalise_name(name))
    return None if found is None else found[0]


def test_a_long_name_without_its_middle_names():
    assert short("عمر حسن البشير") == "عمر البشير"
    assert short("جمال بن أحمد خاشقجي") == "جمال خاشقجي"
    assert short("طارق محمد عبد الله صالح") == "طارق صالح"  # طارق × صالح: few bear it
    assert short("عبد الله بن يحيى المعلمي") == "عبد الله المعلمي"
    assert short("أبو بكر محمد البغدادي") == "ابو بكر البغدادي"


def test_no_short_name_many_may_bear_nor_a_father_s_or_a_first_name():
    assert short("محمد أحمد علي") is None  # محمد × علي
    assert short("أحمد خالد موسى") is None
    assert short("أحمد بن سالم") is None  # his father is سالم
    assert short("علاء ولي الدين") is None
    assert short("محمد بن سلمان بن عبدالعزيز") is None  # a lineage (name_groups.lineage_bases)
    assert short("فيرجيل فان دايك") is None
    assert short("دونالد جيه ترامب") is None  # an initial only


def test_the_shares_are_counted_from_a_database(tmp_path):
    db = tmp_path / "marsad.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE entities (name TEXT, type TEXT, merged_into INTEGER)")
        rows = [(f"محمد {k}", "PERSON", None) for k in range(6)]
        rows += [(f"عبد الله {k}", "PERSON", None) for k in range(5)]
        rows += [("علي حسن", "PERSON", None), ("محمد", "PERSON", None)]
        rows += [("محمد مرسي", "PERSON", 1), ("محمد الشارع", "LOCATION", None)]
        conn.executemany("INSERT INTO entities VALUES (?, ?, ?)", rows)
    out = tmp_path / "given_names.tsv"
    assert given_names.build(db, out) == 2
    listed = dict(line.split("\t") for line in out.read_text().splitlines()[2:])
    assert listed == {"محمد": f"{6 / 12:.6f}", "عبد الله": f"{5 / 12:.6f}"}


def test_every_entities_module_imports_first():
    """name_groups reads given_names, which known_names reads: no module of the package may
    need another to be imported before it (bench/resolution.py imports known_names first)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import marsad.entities as package\n"
        "for m in pkgutil.iter_modules(package.__path__):\n"
        "    for name in [k for k in sys.modules if k.startswith('marsad')]:\n"
        "        del sys.modules[name]\n"
        "    importlib.import_module('marsad.entities.' + m.name)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
