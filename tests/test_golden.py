"""Golden cases: one folder each under tests/golden/ with the input, the expected JSON and a tree dump.

Regenerate on purpose only: `BULLETIN_REGEN=1 pytest tests/test_golden.py`, then read the diff.
Every case also has to hold the invariants: same bytes twice, JSON round trip, no text lost.
"""

from __future__ import annotations

import json
import os

import pytest
from bulletin import api
from bulletin.model import Document, ItemRow
from conftest import GOLDEN
from invariants import lost_text
from tree import dump

REGENERATE = os.environ.get("BULLETIN_REGEN") == "1"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.txt").exists())


def _load(case: str) -> Document:
    path = GOLDEN / case / "input.txt"
    return api.load(path.read_bytes(), name="input.txt")


def test_regenerate_switch_is_off():
    assert not REGENERATE, "BULLETIN_REGEN=1 rewrites the goldens: never leave it on"


def test_there_are_enough_cases():
    assert len(CASES) >= 13


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    doc = _load(case)
    got_json, got_tree = doc.to_json(), dump(doc)
    folder = GOLDEN / case
    if REGENERATE:
        (folder / "expected.json").write_text(got_json, encoding="utf-8")
        (folder / "tree.txt").write_text(got_tree, encoding="utf-8")
    assert got_tree == (folder / "tree.txt").read_text(encoding="utf-8")
    assert got_json == (folder / "expected.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_same_bytes_twice(case):
    assert _load(case).to_json() == _load(case).to_json()


@pytest.mark.parametrize("case", CASES)
def test_json_round_trip(case):
    text = _load(case).to_json()
    assert Document.from_json(text).to_json() == text


@pytest.mark.parametrize("case", CASES)
def test_no_text_lost(case):
    """Every Chinese character of the input outside chrome and metadata lines is in the body, in order."""
    doc = _load(case)
    missing = lost_text(doc, (GOLDEN / case / "input.txt").read_bytes())
    assert not missing, f"lost or reordered: {missing[:40]}"


@pytest.mark.parametrize("case", CASES)
def test_item_rows_match_columns(case):
    for table in _load(case).tables():
        for row in table.rows:
            if isinstance(row, ItemRow):
                assert len(row.cells) == len(table.columns)


def test_expected_json_validates_against_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((GOLDEN.parents[1] / "schemas" / "bulletin.schema.json").read_text(encoding="utf-8"))
    for case in CASES:
        jsonschema.validate(json.loads((GOLDEN / case / "expected.json").read_text(encoding="utf-8")), schema)
