#!/usr/bin/env python3
"""Contact sheets: a bulletin's PDF page beside the same page of its .docx as LibreOffice lays it
out, one PNG per page, to look at both formats at once.

    python scripts/contact_sheet.py bulletin.txt [more inputs ...] [--out /tmp/sheets] [--dpi 60]

Each input is converted with the default style; the .docx goes through LibreOffice headless (with
the project's fontconfig, as `scripts/preview.py` does) and both PDFs are rasterised by poppler's
`pdftoppm` in grey. The sheet is written here with zlib (no imaging library needed): left the PDF,
right the .docx, a grey rule between; a page one format has and the other lacks is left blank.
Needs Debian's libreoffice-writer-nogui and poppler-utils. Prints one line per sheet.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bulletin import api  # noqa: E402
from preview import soffice_to_pdf  # noqa: E402

GAP = 12  # grey columns between the two pages


def _pages(pdf: Path, dpi: int, work: Path) -> list[tuple[int, int, bytes]]:
    """(width, height, grey bytes) of each page of `pdf`."""
    work.mkdir(parents=True, exist_ok=True)
    stem = work / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(stem)], check=True)
    out = []
    for p in sorted(work.glob(f"{pdf.stem}-*.pgm"), key=lambda q: int(q.stem.rsplit("-", 1)[1])):
        data = p.read_bytes()
        magic, size, maxval, pixels = data.split(b"\n", 3)
        w, h = map(int, size.split())
        out.append((w, h, pixels[: w * h]))
    return out


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def sheets(pdf_pages, docx_pages) -> list[bytes]:
    """One PNG per page number: the PDF's page left, the .docx's right."""
    w = max(p[0] for p in pdf_pages + docx_pages)
    h = max(p[1] for p in pdf_pages + docx_pages)
    blank = (w, h, b"\xff" * (w * h))
    out = []
    for n in range(max(len(pdf_pages), len(docx_pages))):
        left = pdf_pages[n] if n < len(pdf_pages) else blank
        right = docx_pages[n] if n < len(docx_pages) else blank
        rows = []
        for y in range(h):
            row = b""
            for pw, ph, px in (left, right):
                line = px[y * pw:(y + 1) * pw] if y < ph else b""
                row += line.ljust(w, b"\xff") + (b"\x80" * GAP if row == b"" else b"")
            rows.append(row)
        out.append(_png(2 * w + GAP, h, rows))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "contact-sheets")
    ap.add_argument("--dpi", type=int, default=60)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx_files = {}
        for src in args.inputs:
            name = src.parent.name if src.stem == "input" else src.stem
            result = api.convert(src, formats=["pdf", "docx"])
            (work / f"{name}.pdf").write_bytes(result.outputs["pdf"])
            docx_files[name] = work / "docx" / f"{name}.docx"
            docx_files[name].parent.mkdir(exist_ok=True)
            docx_files[name].write_bytes(result.outputs["docx"])
        lo = work / "lo"
        lo.mkdir()
        soffice_to_pdf(list(docx_files.values()), lo)
        for name in docx_files:
            ours = _pages(work / f"{name}.pdf", args.dpi, work / "ours")
            theirs = _pages(lo / f"{name}.pdf", args.dpi, work / "lo") if (lo / f"{name}.pdf").exists() else []
            for n, png in enumerate(sheets(ours, theirs), start=1):
                path = args.out / f"{name}-{n}.png"
                path.write_bytes(png)
            print(f"{name}: {len(ours)} PDF pages, {len(theirs)} .docx pages in LibreOffice → "
                  f"{args.out / name}-N.png")


if __name__ == "__main__":
    main()
