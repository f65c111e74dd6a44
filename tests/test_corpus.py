"""The real-page corpus (tests/corpus/, see its README): invariants on every page, and a floor
under the per-fact accuracy that `benchmarks/corpus_score.py` reports.

The expected facts were written by reading each page; the floor makes a regression of the reader
fail here, while the scorer lists every miss.
"""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from bulletin.model import Document, ItemRow
from bulletin.parse.chrome import is_chrome
from bulletin.parse.html_dom import data_tables, parse_dom, rows_of, text_of
from conftest import ROOT
from invariants import IDEOGRAPH, body_text, lost_text

_spec = importlib.util.spec_from_file_location("corpus_score", ROOT / "benchmarks" / "corpus_score.py")
score = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score)

CASES = score.cases()
FLOOR = 0.97  # share of facts right (98.1% at the end of issue 11): a regression of the reader fails here


def test_the_corpus_is_as_large_and_varied_as_promised():
    sources = [json.loads((c / "expected.json").read_text(encoding="utf-8"))["_source"] for c in CASES]
    assert len(CASES) >= 60
    assert len({s["office"] for s in sources}) >= 30
    assert len({s["province"] for s in sources} - {"中央"}) >= 10 and "中央" in {s["province"] for s in sources}
    assert {s["form"] for s in sources} == {"text", "html"}


def test_sources_md_lists_every_case():
    listed = (ROOT / "tests" / "corpus" / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"| {c.name} |" in listed for c in CASES)


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {c.name: score.load(c) for c in CASES}


@pytest.mark.parametrize("case", [c.name for c in CASES])
def test_invariants(case, docs):
    doc = docs[case]
    path = score.input_of(ROOT / "tests" / "corpus" / case)
    raw = path.read_bytes()
    assert not is_chrome(doc.meta.title), f"the title is a chrome line: {doc.meta.title!r}"
    assert Document.from_json(doc.to_json()).to_json() == doc.to_json()
    for table in doc.tables():
        for row in table.rows:
            if isinstance(row, ItemRow):
                assert len(row.cells) == len(table.columns)
    if path.suffix == ".txt":
        missing = lost_text(doc, raw)
        assert not missing, f"lost or reordered: {missing[:40]}"
    else:
        _no_cell_emptied(doc, raw.decode(doc.meta.input.encoding))


def _no_cell_emptied(doc: Document, page: str) -> None:
    """Every Chinese character of the page's data-table cells is in the document, in order (a caption
    row above a table's header is read as text before the table)."""
    root = parse_dom(page)
    found = data_tables(root)
    tables = [t for t in root.iter("table") if t in found]  # in document order (a set has none)
    want = [ch for t in tables for tr in rows_of(t) for td in tr if td.tag in ("td", "th")
            for ch in IDEOGRAPH.findall(text_of(td))]
    have = iter(IDEOGRAPH.findall(body_text(doc)))
    missing = "".join(ch for ch in want if ch not in have)  # `in` consumes `have`
    assert not missing, f"table text lost: {missing[:40]}"


def test_accuracy_floor(docs):
    right = total = 0
    for case in CASES:
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        results = score.compare(expected, score.facts(docs[case.name]))
        right += sum(ok for _, ok, _ in results)
        total += len(results)
    assert right / total >= FLOOR, f"{right}/{total} facts right"


def test_scorer_counts_a_wrong_fact():
    expected = {"title": "甲", "tables": [{"items": 2, "rows": [{"index": 0, "number": "1"}]}]}
    got = {"title": "乙", "tables": [{"columns": [], "items": 2, "sections": [], "rows": []}]}
    results = {fact: ok for fact, ok, _ in score.compare(expected, got)}
    assert results == {"title": False, "tables": True, "table.items": True, "table.row": False}
    assert re.sub(r"\s", "", score.fold("（一）， 二")) == "(一),二"
