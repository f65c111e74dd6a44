#!/usr/bin/env python3
"""Start-up and cold conversions, side by side with pandoc and Typst on the same content.

    python benchmarks/bench_startup.py [-n 7]

Times whole commands (median and best of `-n` runs, each a new process): `bulletin --version`,
`bulletin --help`, a cold `bulletin convert SAMPLE -o x.docx` / `-o x.pdf`; pandoc's Markdown →
.docx of the sample's content (title, the table as a pipe table); Typst's compile of the same
content (title and a `#table`, with the Noto CJK fonts installed), from the `typst` Python
package in the benchmark's own environment (`--typst-venv`, made on first use: not a project
dependency). Bare `python -c pass` is shown as the floor, and two floors of the fixed stack:
Python importing Typer, pydantic (one model) and python-docx and saving an empty .docx, and the
same with reportlab writing a one-paragraph PDF (no CJK font) — what any cold run of a tool built
on these libraries costs before it reads a line. The last column is the median, over pairs of runs
in turn, of each run's time over pandoc's (the .docx rows) or Typst's (the PDF rows): a ratio that
holds while the machine's speed drifts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"
BIN = Path(sys.executable).parent


def timed(cmd: list[str], n: int, cwd: Path) -> tuple[float, float]:
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), min(runs)


def content(work: Path) -> tuple[Path, Path]:
    """The sample's content as Markdown (for pandoc) and Typst."""
    out = subprocess.run([str(BIN / "bulletin"), "convert", str(SAMPLE), "-o", "-"], capture_output=True,
                         check=True).stdout
    doc = json.loads(out)
    table = next(b for b in doc["body"] if b["type"] == "table")

    def cell(c):
        return " ".join((p["marker"] or "") + p["text"] for p in c["paragraphs"])

    rows = [[cell(c) for c in r["cells"]] for r in table["rows"] if r["type"] == "item"]
    md = [f"# {doc['meta']['title']}", "", f"来源：{doc['meta']['source']}", "",
          "| " + " | ".join(table["columns"]) + " |", "|" + "---|" * len(table["columns"])]
    md += ["| " + " | ".join(x.replace("|", "\\|") for x in r) + " |" for r in rows]
    (work / "sample.md").write_text("\n".join(md) + "\n", encoding="utf-8")

    def typ(x: str) -> str:
        return "[" + x.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("#", "\\#") + "]"

    cells = ", ".join(typ(x) for r in [table["columns"], *rows] for x in r)
    typst = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm))',
        '#set text(font: ("Noto Serif CJK SC", "AR PL UMing CN"), size: 16pt, lang: "zh")',
        f"#align(center, text(22pt)[{doc['meta']['title']}])",
        f"#table(columns: {len(table['columns'])}, {cells})",
    ]
    (work / "sample.typ").write_text("\n".join(typst) + "\n", encoding="utf-8")
    return work / "sample.md", work / "sample.typ"


def typst_python(venv: Path) -> Path:
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "typst"], check=True)
    return py


FLOOR_DOCX = """
import typer, docx
from pydantic import BaseModel
class A(BaseModel):
    x: int
A(x=1)
docx.Document().save("floor.docx")
"""
FLOOR_PDF = """
import typer
from pydantic import BaseModel
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate
class A(BaseModel):
    x: int
A(x=1)
SimpleDocTemplate("floor.pdf").build([Paragraph("x", getSampleStyleSheet()["Normal"])])
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=7)
    ap.add_argument("--typst-venv", type=Path, default=Path(tempfile.gettempdir()) / "bulletin-bench-typst")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-startup-"))
    md, typ = content(work)
    tpy = typst_python(args.typst_venv)
    bulletin = [str(BIN / "bulletin")]
    pandoc = ["pandoc", str(md), "-o", "p.docx"] if shutil.which("pandoc") else None
    typst = [str(tpy), "-c", f"import typst; typst.compile({str(typ)!r}, output='t.pdf')"]
    typer = [sys.executable, "-c", "import typer"]
    names = {id(pandoc): "pandoc", id(typst): "Typst", id(typer): "import typer"}
    rows = [  # (name, command, the reference it is run in turn with: the ratio is taken pair by pair)
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("bulletin --version", [*bulletin, "--version"], None),
        ("python -c 'import typer'", typer, None),
        ("bulletin --help", [*bulletin, "--help"], typer),
        ("bulletin convert → .docx (cold)", [*bulletin, "convert", str(SAMPLE), "-o", "x.docx", "-q"], pandoc),
        ("floor: typer + pydantic + python-docx, empty .docx", [sys.executable, "-c", FLOOR_DOCX], pandoc),
        ("pandoc Markdown → .docx", pandoc, None),
        ("bulletin convert → .pdf (cold)", [*bulletin, "convert", str(SAMPLE), "-o", "x.pdf", "-q"], typst),
        ("floor: typer + pydantic + reportlab, one-line PDF", [sys.executable, "-c", FLOOR_PDF], typst),
        ("Typst compile → .pdf (cold)", typst, None),
    ]
    print("| command | median | best | median ratio |\n|---|---:|---:|---:|")
    for name, cmd, ref in rows:
        if cmd is None:
            print(f"| {name} | — | — | |")
            continue
        runs, ratios = [], []
        for _ in range(args.n):
            runs.append(timed(cmd, 1, work)[0])
            if ref:
                ratios.append(runs[-1] / timed(ref, 1, work)[0])
        ratio = f"{statistics.median(ratios):.2f}× {names[id(ref)]}" if ref else ""
        print(f"| {name} | {statistics.median(runs) * 1000:.0f} ms | {min(runs) * 1000:.0f} ms | {ratio} |",
              flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
