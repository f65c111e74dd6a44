"""Word renderer speed on the sample (50 items, 24 KB of text), side by side with pandoc.

    python benchmarks/bench_docx.py [--runs 30]

- warm: `render_docx(doc, style)` in this process, document parsed and style loaded once
  (median of --runs);
- cold: a fresh `python -m bulletin convert SAMPLE --to docx` process, and a fresh process that
  only imports, parses and renders (no CLI), median of 5 each;
- pandoc (Debian's): the same content written as Markdown (title, 来源/发布日期 lines, a pipe table
  with one `<br>` per entry) converted to .docx by a fresh `pandoc` process, median of 5.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bulletin import api  # noqa: E402
from bulletin.model import Document, ItemRow, Table  # noqa: E402
from bulletin.render.docx import render_docx  # noqa: E402
from bulletin.render.textfit import chinese_date  # noqa: E402
from bulletin.style import load_style  # noqa: E402

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"


def to_markdown(doc: Document) -> str:
    """The document as pandoc Markdown: the same text pandoc would have to lay out."""
    meta = doc.meta
    out = [f"# {meta.title}", ""]
    if meta.source:
        out += [f"来源：{meta.source}", ""]
    if meta.published:
        out += [f"发布日期：{chinese_date(meta.published)}", ""]
    for block in doc.body:
        if isinstance(block, Table):
            out.append("| " + " | ".join(block.columns) + " |")
            out.append("|" + "---|" * len(block.columns))
            for row in block.rows:
                if isinstance(row, ItemRow):
                    cells = ["<br>".join((p.marker or "") + p.text for p in c.paragraphs) for c in row.cells]
                else:
                    cells = [f"**{row.text}**"] + [""] * (len(block.columns) - 1)
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            out.append("")
        else:
            text = getattr(block, "text", None) or ""
            out += [(getattr(block, "marker", None) or "") + text, ""]
    return "\n".join(out)


def median_ms(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    style = load_style()
    doc = api.load(SAMPLE)
    render_docx(doc, style)  # warm up imports and caches
    warm = median_ms(lambda: render_docx(doc, style), args.runs)
    size = len(render_docx(doc, style))
    print(f"warm render_docx, sample: {warm:.1f} ms (median of {args.runs}), {size / 1024:.0f} KB .docx")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cli = [sys.executable, "-m", "bulletin", "convert", str(SAMPLE), "--to", "docx", "--out",
               str(out / "cli"), "--force", "--quiet"]
        cold_cli = median_ms(lambda: subprocess.run(cli, cwd=ROOT, check=True, capture_output=True), 5)
        print(f"cold `python -m bulletin convert --to docx`: {cold_cli:.0f} ms (median of 5)")
        code = ("from bulletin import api; from bulletin.style import load_style; "
                "from bulletin.render.docx import render_docx; "
                f"render_docx(api.load({str(SAMPLE)!r}), load_style())")
        bare = [sys.executable, "-c", code]
        cold_bare = median_ms(lambda: subprocess.run(bare, cwd=ROOT, check=True, capture_output=True), 5)
        print(f"cold process: import + parse + render (no CLI): {cold_bare:.0f} ms (median of 5)")

        pandoc = shutil.which("pandoc")
        if not pandoc:
            print("pandoc: not installed (Debian: apt-get install pandoc)")
            return
        md = out / "sample.md"
        md.write_text(to_markdown(doc), encoding="utf-8")
        cmd = [pandoc, "-f", "markdown", "-t", "docx", "-o", str(out / "pandoc.docx"), str(md)]
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        t_pandoc = median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)
        print(f"{version}: Markdown → .docx, same content: {t_pandoc:.0f} ms (median of 5), "
              f"{(out / 'pandoc.docx').stat().st_size / 1024:.0f} KB .docx (default reference.docx: "
              "Letter, theme fonts, no grid, no page numbers)")


if __name__ == "__main__":
    main()
