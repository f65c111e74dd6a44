"""PDF renderer speed and memory on the sample (50 items, 24 KB of text), side by side with WeasyPrint.

    python benchmarks/bench_pdf.py [--runs 30] [--weasyprint-python PATH]

- warm: `render_pdf(doc, style)` in this process, document parsed, style loaded and fonts
  resolved once (median and best of --runs; target ≤ 150 ms), and the best CPU time of each stage
  (story, layout and drawing, writing the file) with whether reportlab's C accelerator is on;
- cold: a fresh `python -m bulletin convert SAMPLE --to pdf` process, and a fresh process that only
  imports, parses and renders (no CLI): median of 5 wall times and the children's peak RSS
  (`resource.getrusage(RUSAGE_CHILDREN)`); targets ≤ 0.6 s and ≤ 150 MB;
- WeasyPrint (benchmark-only, never a dependency): the same content as HTML (title, 来源/发布日期,
  a table with a repeated header, the same fonts and A4 margins, page numbers in the margin box),
  warm (median of 5 in one process) and cold (median of 3). WeasyPrint is imported from this
  interpreter or run with --weasyprint-python (a venv where `pip install weasyprint` worked).
"""

from __future__ import annotations

import argparse
import html
import json
import resource
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
from bulletin.render.pdf import render_pdf  # noqa: E402
from bulletin.render.textfit import chinese_date  # noqa: E402
from bulletin.style import load_style  # noqa: E402

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
        @bottom-right { content: "— " counter(page) " —"; font: 14pt "AR PL UMing CN"; } }
body { font: 16pt/28.95pt "AR PL UMing CN", serif; margin: 0; }
h1 { font: 22pt/35pt "AR PL UMing CN"; text-align: center; margin: 0; font-weight: normal; }
p.meta { text-align: center; margin: 0; }
table { width: 100%; border-collapse: collapse; margin-top: 28.95pt; }
th { font: 14pt/22pt "WenQuanYi Zen Hei"; border: 0.5pt solid black; }
td { font: 14pt/22pt "AR PL UMing CN"; border: 0.5pt solid black; padding: 0.8mm 1.4mm;
     vertical-align: top; text-align: justify; }
td.n { width: 9%; text-align: center; } td.name { width: 28%; text-align: center; }
td p { margin: 0; padding-left: 1.25em; text-indent: -1.25em; } td p.gap { margin-top: 6pt; }
tr { break-inside: auto; } thead { display: table-header-group; }
"""


def to_html(doc: Document) -> str:
    """The document as HTML + CSS: the same text and layout WeasyPrint has to set."""
    meta, e = doc.meta, html.escape
    out = [f"<!doctype html><html lang=zh-CN><meta charset=utf-8><style>{CSS}</style>",
           f"<h1>{e(meta.title)}</h1>"]
    if meta.source:
        out.append(f"<p class=meta>来源：{e(meta.source)}</p>")
    if meta.published:
        out.append(f"<p class=meta>发布日期：{chinese_date(meta.published)}</p>")
    for block in doc.body:
        if not isinstance(block, Table):
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in block.columns)
                   + "</tr></thead><tbody>")
        for row in block.rows:
            if not isinstance(row, ItemRow):
                out.append(f'<tr><td colspan="{len(block.columns)}">{e(row.text)}</td></tr>')
                continue
            tds = []
            for i, cell in enumerate(row.cells):
                paras, group = [], cell.paragraphs[0].group if cell.paragraphs else 0
                for p in cell.paragraphs:
                    gap = ' class="gap"' if p.group != group else ""
                    group = p.group
                    paras.append(f"<p{gap}>{e((p.marker or '') + p.text)}</p>")
                cls = ' class="n"' if i == 0 else ' class="name"' if i == 1 else ""
                tds.append(f"<td{cls}>{''.join(paras)}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</tbody></table>")
    return "".join(out)


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return samples


def stage_times(doc, style, runs: int) -> dict[str, float]:
    """CPU time per stage of the warm render (best of `runs`: this kind of machine's speed drifts
    by ±30 % between seconds): building the story, layout and drawing (`build` less the file
    writing), writing the file (font subsets, compression, PDF objects)."""
    from bulletin.render import pdf
    from reportlab.pdfgen.canvas import Canvas

    spent: dict[str, float] = {}

    def timing(owner, name: str, stage: str):
        original = getattr(owner, name)

        def timed_call(*args, **kwargs):
            t = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.process_time() - t

        setattr(owner, name, timed_call)
        return original

    patched = [(pdf._Builder, "header", timing(pdf._Builder, "header", "story")),
               (pdf._Builder, "blocks", timing(pdf._Builder, "blocks", "story")),
               (Canvas, "save", timing(Canvas, "save", "write"))]
    best: dict[str, float] = {}
    try:
        for _ in range(runs):
            spent.clear()
            t = time.process_time()
            render_pdf(doc, style)
            total = time.process_time() - t
            spent["layout+draw"] = total - spent.get("story", 0.0) - spent.get("write", 0.0)
            spent["total"] = total
            for k, v in spent.items():
                best[k] = min(best.get(k, v), v)
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)
    return {k: best[k] for k in ("story", "layout+draw", "write", "total")}


def accelerated() -> bool:
    """Whether reportlab runs with its C accelerator (the rl_accel package)."""
    from reportlab.lib import rl_accel

    return "fp_str" not in rl_accel._py_funcs


def child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, capture_output=True, **kw)


WEASY_SCRIPT = """
import json, statistics, sys, time
from weasyprint import HTML
src, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, encoding="utf-8").read()
samples = []
for _ in range(runs):
    t = time.perf_counter()
    data = HTML(string=text).write_pdf()
    samples.append(time.perf_counter() - t)
open(out, "wb").write(data)
import weasyprint
print(json.dumps({"version": weasyprint.__version__, "samples": samples}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--weasyprint-python", default=sys.executable,
                    help="an interpreter that can `import weasyprint` (default: this one)")
    args = ap.parse_args()

    style = load_style()
    doc = api.load(SAMPLE)
    data = render_pdf(doc, style)  # warm up imports, fonts and caches
    warm = timed(lambda: render_pdf(doc, style), args.runs)
    print(f"warm render_pdf, sample: median {statistics.median(warm) * 1000:.0f} ms, "
          f"best {min(warm) * 1000:.0f} ms (of {args.runs}); {len(data) / 1024:.0f} KB PDF")
    stages = stage_times(doc, style, args.runs)
    print("  stages, CPU, best of the runs: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in stages.items())
          + f"; rl_accel {'on' if accelerated() else 'off'}")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cli = [sys.executable, "-m", "bulletin", "convert", str(SAMPLE), "--to", "pdf", "--out",
               str(out / "cli"), "--force", "--quiet"]
        cold_cli = timed(lambda: run(cli, cwd=ROOT), 5)
        print(f"cold `python -m bulletin convert --to pdf`: median {statistics.median(cold_cli) * 1000:.0f} ms, "
              f"best {min(cold_cli) * 1000:.0f} ms (of 5); peak RSS of the children {child_peak_mb():.0f} MB")
        code = ("from bulletin import api; from bulletin.style import load_style; "
                "from bulletin.render.pdf import render_pdf; "
                f"render_pdf(api.load({str(SAMPLE)!r}), load_style())")
        cold_bare = timed(lambda: run([sys.executable, "-c", code], cwd=ROOT), 5)
        print(f"cold process: import + parse + render (no CLI): median "
              f"{statistics.median(cold_bare) * 1000:.0f} ms, best {min(cold_bare) * 1000:.0f} ms (of 5)")

        page = out / "sample.html"
        page.write_text(to_html(doc), encoding="utf-8")
        script = out / "weasy.py"
        script.write_text(WEASY_SCRIPT, encoding="utf-8")
        wp = [args.weasyprint_python, str(script), str(page), str(out / "weasy.pdf")]
        try:
            result = json.loads(subprocess.run([*wp, "5"], check=True, capture_output=True,
                                               text=True).stdout.strip().splitlines()[-1])
        except (subprocess.CalledProcessError, OSError, ValueError, IndexError):
            print("WeasyPrint: not importable here (pip install weasyprint in a venv, then pass "
                  "--weasyprint-python VENV/bin/python)")
            return
        w_warm = statistics.median(result["samples"][1:] or result["samples"])
        w_cold = timed(lambda: run([*wp, "1"]), 3)
        pages = subprocess.run(["pdfinfo", str(out / "weasy.pdf")], capture_output=True, text=True).stdout
        n = next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages:")), "?")
        print(f"WeasyPrint {result['version']}, same content as HTML: warm median {w_warm * 1000:.0f} ms, "
              f"cold median {statistics.median(w_cold) * 1000:.0f} ms; {n} pages, "
              f"{(out / 'weasy.pdf').stat().st_size / 1024:.0f} KB")
        print(f"speed-up warm: {w_warm / statistics.median(warm):.1f}×, cold: "
              f"{statistics.median(w_cold) / statistics.median(cold_cli):.1f}× (CLI against WeasyPrint process)")


if __name__ == "__main__":
    main()
