"""Score the reader on the real-page corpus: per-fact accuracy and every miss.

    python benchmarks/corpus_score.py             # the table, the misses, and a last summary line
    python benchmarks/corpus_score.py --quiet     # the table and the summary only
    python benchmarks/corpus_score.py --sources   # rewrite tests/corpus/SOURCES.md from the cases

Each case is a folder of tests/corpus/ with input.txt or input.html and expected.json (facts written
by reading the page; see tests/corpus/README.md). A fact left out of expected.json is not scored.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT))

from bulletin import api  # noqa: E402
from bulletin.model import Addressee, Attachments, Document, Heading, ItemRow, Paragraph, SectionRow, Signature  # noqa: E402

FACTS = ("title", "source", "published", "doc_number", "addressee", "tables", "table.columns", "table.items",
         "table.sections", "table.row", "headings", "articles", "attachments", "signature")


def fold(value):
    """Compare texts without white space and NFKC-folded; lists and dicts element by element."""
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).split())
    if isinstance(value, list | tuple):
        return [fold(v) for v in value]
    if isinstance(value, dict):
        return {k: fold(v) for k, v in value.items()}
    return value


def cases(prefixes: tuple[str, ...] = ()) -> list[Path]:
    """The corpus cases (only those whose folder starts with one of `prefixes`, when given)."""
    return sorted(p for p in CORPUS.iterdir() if (p / "expected.json").exists() and p.name.startswith(prefixes or ""))


def input_of(case: Path) -> Path:
    return next(p for p in (case / "input.html", case / "input.txt", case / "input.htm") if p.exists())


def load(case: Path) -> Document:
    path = input_of(case)
    return api.load(path.read_bytes(), name=path.name)


def _cell_text(cell) -> str:
    return "".join((p.marker or "") + p.text for p in cell.paragraphs)


def facts(doc: Document) -> dict:
    """The facts of a read Document, in the shape of expected.json."""
    tables = []
    for t in doc.tables():
        items = [r for r in t.rows if isinstance(r, ItemRow)]
        tables.append({
            "columns": t.columns,
            "items": len(items),
            "sections": [r.text for r in t.rows if isinstance(r, SectionRow)],
            "rows": [{"number": r.number, "name": r.name, "cells": [_cell_text(c) for c in r.cells]} for r in items],
        })
    sig = next((b for b in reversed(doc.body) if isinstance(b, Signature)), None)
    return {
        "title": doc.meta.title or None,
        "source": doc.meta.source,
        "published": doc.meta.published,
        "doc_number": doc.meta.doc_number,
        "addressee": next((b.text for b in doc.body if isinstance(b, Addressee)), None),
        "tables": tables,
        "headings": [[b.level, b.marker + b.text] for b in doc.blocks() if isinstance(b, Heading)],
        "articles": sum(1 for b in doc.blocks() if isinstance(b, Paragraph) and getattr(b, "article", False)),
        "attachments": [(p.marker or "") + p.text for b in doc.body if isinstance(b, Attachments) for p in b.items],
        "signature": {"signers": sig.signers, "date": sig.date} if sig else None,
    }


def compare(expected: dict, got: dict) -> list[tuple[str, bool, str]]:
    """(fact, right, what differs) for every fact of `expected`."""
    out = []
    for key in ("title", "source", "published", "doc_number", "addressee", "articles"):
        if key in expected:
            ok = fold(expected[key]) == fold(got[key])
            out.append((key, ok, "" if ok else f"want {expected[key]!r}, got {got[key]!r}"))
    if "headings" in expected:  # a run-in heading's closing mark (`一、元旦：`) is no part of its words
        want = [[lv, fold(t).rstrip(":。.")] for lv, t in expected["headings"]]
        have = [[lv, fold(t).rstrip(":。.")] for lv, t in got["headings"]]
        out.append(("headings", want == have, "" if want == have else f"want {_short(want)}, got {_short(have)}"))
    for key in ("attachments",):
        if key in expected:
            ok = fold(expected[key]) == fold(got[key])
            out.append((key, ok, "" if ok else f"want {_short(expected[key])}, got {_short(got[key])}"))
    if "signature" in expected:
        want, have = expected["signature"], got["signature"]
        ok = fold(want) == fold(have) if want is None or have is None else (
            fold("".join(want.get("signers", []))) == fold("".join(have["signers"]))
            and want.get("date") == have["date"])
        out.append(("signature", ok, "" if ok else f"want {want!r}, got {have!r}"))
    if "tables" in expected:
        want_tables, have_tables = expected["tables"], got["tables"]
        ok = len(want_tables) == len(have_tables)
        out.append(("tables", ok, "" if ok else f"want {len(want_tables)} tables, got {len(have_tables)}"))
        for n, want in enumerate(want_tables):
            have = have_tables[n] if n < len(have_tables) else None
            for key in ("columns", "items", "sections"):
                if key in want:
                    ok = have is not None and fold(want[key]) == fold(have[key])
                    have_text = _short(have[key]) if have else "no table"
                    why = f"table {n}: want {_short(want[key])}, got {have_text}"
                    out.append((f"table.{key}", ok, "" if ok else why))
            for row in want.get("rows", []):
                rows = have["rows"] if have else []
                i = row["index"]
                got_row = rows[i] if i < len(rows) else None
                ok = got_row is not None and all(
                    fold(row[k]) == fold(got_row[k]) for k in ("number", "name", "cells") if k in row)
                out.append(("table.row", ok, "" if ok else
                            f"table {n} row {i}: want {_short(row)}, got {_short(got_row)}"))
    return out


def _short(value, n: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= n else text[:n] + "…"


def score(quiet: bool = False, prefixes: tuple[str, ...] = ()) -> int:
    per: dict[str, Counter] = {f: Counter() for f in FACTS}
    files_right = 0
    all_cases = cases(prefixes)
    for case in all_cases:
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        try:
            results = compare(expected, facts(load(case)))
        except Exception as err:  # a failure to read is a miss of every fact
            results = [(k, False, f"failed: {type(err).__name__}: {err}") for k in expected if k in FACTS]
        misses = [r for r in results if not r[1]]
        files_right += not misses
        for fact, ok, _ in results:
            per[fact]["right" if ok else "wrong"] += 1
        if misses and not quiet:
            for fact, _, why in misses:
                print(f"MISS {case.name}: {fact}: {why}")
    total_right = sum(c["right"] for c in per.values())
    total = total_right + sum(c["wrong"] for c in per.values())
    print("\n| fact | right | of | % |\n|---|---:|---:|---:|")
    for fact in FACTS:
        n = per[fact]["right"] + per[fact]["wrong"]
        if n:
            print(f"| {fact} | {per[fact]['right']} | {n} | {100 * per[fact]['right'] / n:.1f} |")
    pct = 100 * total_right / total if total else 0.0
    print(f"| **all facts** | {total_right} | {total} | {pct:.1f} |\n")
    print(f"corpus: {len(all_cases)} pages, {total_right}/{total} facts right ({pct:.1f}%), "
          f"{files_right}/{len(all_cases)} pages fully right")
    return 0


def sources() -> None:
    lines = ["# Sources of the real-page corpus", "",
             "Generated from each case's `expected.json` → `_source` "
             "(`python benchmarks/corpus_score.py --sources`).", "",
             "| case | form | kind | office | province | URL | what is real |", "|---|---|---|---|---|---|---|"]
    for case in cases():
        s = json.loads((case / "expected.json").read_text(encoding="utf-8")).get("_source", {})
        cell = [case.name, s.get("form", ""), s.get("kind", ""), s.get("office", ""), s.get("province", ""),
                s.get("url", ""), s.get("real", "")]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cell) + " |")
    (CORPUS / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quiet", action="store_true", help="no per-miss lines")
    ap.add_argument("--sources", action="store_true", help="rewrite tests/corpus/SOURCES.md")
    ap.add_argument("--only", action="append", default=[], metavar="PREFIX",
                    help="score only the cases whose folder starts with PREFIX (repeatable)")
    args = ap.parse_args()
    if args.sources:
        sources()
        return 0
    return score(args.quiet, tuple(args.only))


if __name__ == "__main__":
    sys.exit(main())
