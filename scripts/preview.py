#!/usr/bin/env python3
"""Preview .docx files as LibreOffice lays them out: PDF, then one PNG per page.

    python scripts/preview.py out/report.docx [more.docx ...] [--out /tmp/preview] [--dpi 60]

A `.json` argument (bulletin's normalised JSON) is rendered to .docx first with the default style.
LibreOffice runs headless with its own throw-away profile and with FONTCONFIG_FILE pointing at
styles/fontconfig/fonts.conf, so the official font names (仿宋_GB2312, 方正小标宋简体, 黑体 …) map
to installed free faces. Needs Debian's libreoffice-writer-nogui and poppler-utils.
Prints the PDF and PNG paths and the page count of each file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS_CONF = ROOT / "pipeline" / "bulletin" / "styles" / "fontconfig" / "fonts.conf"


# the blank pages Writer inserts (before a 版记 section that starts on an even page) are printed:
# headless LibreOffice leaves them out of the PDF unless told
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def soffice_to_pdf(docx_files: list[Path], outdir: Path, timeout: float = 120) -> list[Path]:
    """Convert .docx files to PDF in `outdir` with one LibreOffice call; return the PDF paths."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit(
            "soffice not found: install LibreOffice (Debian: "
            "apt-get install --no-install-recommends libreoffice-writer-nogui)"
        )
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    with tempfile.TemporaryDirectory(prefix="bulletin-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", PDF_FILTER, "--outdir", str(outdir), *map(str, docx_files)]
        subprocess.run(cmd, env=env, check=True, timeout=timeout, capture_output=True)
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    missing = [str(p) for p in pdfs if not p.exists()]
    if missing:
        raise SystemExit(f"LibreOffice did not write {', '.join(missing)}")
    return pdfs


def pdf_to_pngs(pdf: Path, dpi: int) -> list[Path]:
    prefix = pdf.with_suffix("")
    for old in pdf.parent.glob(prefix.name + "-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def _as_docx(path: Path, outdir: Path) -> Path:
    if path.suffix.lower() != ".json":
        return path
    sys.path.insert(0, str(ROOT))
    from bulletin.model import Document
    from bulletin.render.docx import render_docx
    from bulletin.style import load_style

    doc = Document.from_json(path.read_bytes())
    out = outdir / (path.stem + ".docx")
    out.write_bytes(render_docx(doc, load_style()))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bulletin-preview")
    ap.add_argument("--dpi", type=int, default=60)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    docx_files = [_as_docx(f, args.out) for f in args.files]
    for pdf in soffice_to_pdf(docx_files, args.out):
        pngs = pdf_to_pngs(pdf, args.dpi)
        print(f"{pdf}: {len(pngs)} pages: {pngs[0] if pngs else '-'} …")
    return 0


if __name__ == "__main__":
    sys.exit(main())
