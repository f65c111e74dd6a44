#!/usr/bin/env python3
"""Start-up and cold conversions, side by side with pandoc and Typst on the same content.

    python benchmarks/bench_startup.py [-n 7]

Times whole commands (median and best of `-n` runs, each a new process): `bulletin --version`,
`bulletin --help`, a cold `bulletin convert SAMPLE -o x.docx` / `-o x.pdf`; pandoc's Markdown →
.docx of the sample's content (title, the table as a pipe table); Typst's compile of the same
content (title and a `#table`, with the Noto CJK fonts installed), from the `typst` Python
package in the benchmark's own environment (`--typst-venv`, made on first use: not a project
dependency). Bare `python -c pass` is shown as the floor.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=7)
    ap.add_argument("--typst-venv", type=Path, default=Path(tempfile.gettempdir()) / "bulletin-bench-typst")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-startup-"))
    md, typ = content(work)
    tpy = typst_python(args.typst_venv)
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("bulletin --version", [str(BIN / "bulletin"), "--version"]),
        ("bulletin --help", [str(BIN / "bulletin"), "--help"]),
        ("bulletin convert → .docx (cold)", [str(BIN / "bulletin"), "convert", str(SAMPLE), "-o", "x.docx", "-q"]),
        ("pandoc Markdown → .docx", ["pandoc", str(md), "-o", "p.docx"] if shutil.which("pandoc") else None),
        ("bulletin convert → .pdf (cold)", [str(BIN / "bulletin"), "convert", str(SAMPLE), "-o", "x.pdf", "-q"]),
        ("Typst compile → .pdf (cold)", [str(tpy), "-c", f"import typst; typst.compile({str(typ)!r}, output='t.pdf')"]),
    ]
    print("| command | median | best |\n|---|---:|---:|")
    for name, cmd in rows:
        if cmd is None:
            print(f"| {name} | — | — |")
            continue
        med, best = timed(cmd, args.n, work)
        print(f"| {name} | {med * 1000:.0f} ms | {best * 1000:.0f} ms |", flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
