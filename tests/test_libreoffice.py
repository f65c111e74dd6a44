"""LibreOffice, a real client, opens the generated .docx files and exports them to PDF; the text
of every item and entry survives in order. One soffice call converts all the files.

LibreOffice is required, not optional: the README's test command installs it
(Debian: libreoffice-writer-nogui, poppler-utils).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bulletin.model import Attachments, Heading, ItemRow, Paragraph, Signature, Table
from bulletin.render.docx import render_docx
from bulletin.style import STYLES_DIR, load_style
from factories import notice, report

ROOT = Path(__file__).resolve().parents[1]
FONTS_CONF = STYLES_DIR / "fontconfig" / "fonts.conf"  # the package's own


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found: install it (Debian: apt-get install --no-install-recommends "
                    f"{package}), as `bash scripts/install.sh --test` does", pytrace=False)
    return path


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _sequences(doc) -> list[list[str]]:
    """Texts that must appear in this order: the blocks, and each table column with the section
    rows (a cell that a page break cuts lets its neighbours' text in between, so columns are
    checked one at a time)."""
    blocks = [doc.meta.title]
    columns: list[list[str]] = []
    for block in doc.body:
        if isinstance(block, Heading | Paragraph):
            blocks.append((block.marker or "") + block.text)
        elif isinstance(block, Attachments):
            blocks += [(p.marker or "") + p.text for p in block.items]
        elif isinstance(block, Signature):
            blocks += block.signers
        elif isinstance(block, Table):
            blocks += block.columns
            cols: list[list[str]] = [[] for _ in block.columns]
            for row in block.rows:
                for k, col in enumerate(cols):
                    if isinstance(row, ItemRow):
                        col += [p.text for p in row.cells[k].paragraphs] if k < len(row.cells) else []
                    else:
                        col.append(row.text)
            columns += cols
    return [[_squash(t) for t in seq] for seq in [blocks, *columns]]


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample_doc):
    soffice = _tool("soffice", "libreoffice-writer-nogui")
    pdftotext = _tool("pdftotext", "poppler-utils")
    work = tmp_path_factory.mktemp("lo")
    style = load_style()
    docs = {"report": report(), "notice": notice(), "sample": sample_doc}
    files = []
    for name, doc in docs.items():
        (work / f"{name}.docx").write_bytes(render_docx(doc, style))
        files.append(str(work / f"{name}.docx"))
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    cmd = [soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(work), *files]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    texts = {}
    for name in docs:
        pdf = work / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice did not export {name}.docx: {proc.stdout} {proc.stderr}"
        texts[name] = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True,
                                     text=True, check=True).stdout
    return docs, texts


def _body_text(doc, pdf_text: str) -> str:
    """The PDF text in reading order without page numbers and repeated table headers, squashed."""
    text = re.sub(r"—\s*\d+\s*—", "", pdf_text)
    text = _squash(text)
    for table in doc.tables():
        header = _squash("".join(table.columns))
        first = text.find(header) + len(header)
        text = text[:first] + text[first:].replace(header, "")
    return text


def _find_split(text: str, needle: str, pos: int, window: int = 4000) -> int:
    """Return the end of `needle` found from `pos` in at most three contiguous pieces (a cell that
    a page break cut, its neighbours' text between the pieces), or -1."""
    end = pos
    rest = needle
    for _ in range(3):
        for k in range(len(rest), 0, -1):
            i = text.find(rest[:k], end, pos + window)
            if i >= 0:
                end, rest = i + k, rest[k:]
                break
        else:
            return -1
        if not rest:
            return end
    return -1


@pytest.mark.parametrize("name", ["report", "notice", "sample"])
def test_text_survives_in_order(exported, name):
    docs, texts = exported
    text = _body_text(docs[name], texts[name])
    for seq in _sequences(docs[name]):
        pos = 0
        for needle in seq:
            i = text.find(needle, pos)
            end = i + len(needle) if i >= 0 else _find_split(text, needle, pos)
            assert end >= 0, f"{needle!r} missing or out of order in {name}.pdf (after {text[pos:pos + 40]!r})"
            pos = end


def test_page_numbers_and_dates(exported):
    _, texts = exported
    assert "— 1 —" in texts["report"] and "— 2 —" in texts["notice"]
    assert "发布日期：2021年2月7日" in _squash(texts["sample"])


def test_gbt9704_elements_in_libreoffice(tmp_path):
    """The .docx of a notice with every element, as LibreOffice lays it out (the blank pages
    Writer inserts are exported): each annex starts a page with its label on the first line;
    the 版记 stands at the foot of the type area on the last page, an even one, which has no page
    number — nor has the blank page before it."""
    soffice = _tool("soffice", "libreoffice-writer-nogui")
    pdftotext = _tool("pdftotext", "poppler-utils")
    from bulletin import api

    style = load_style()
    doc = api.load(ROOT / "tests" / "golden" / "gb-every-element" / "input.txt")
    (tmp_path / "every.docx").write_bytes(render_docx(doc, style))
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    export = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", export, "--outdir", str(tmp_path), str(tmp_path / "every.docx")],
                   env=env, capture_output=True, timeout=180, check=True)
    xml = subprocess.run([pdftotext, "-bbox", str(tmp_path / "every.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = [[(float(m[1]), float(m[2]), float(m[3]), m[4]) for m in
              re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)]
             for page in xml.split("<page ")[1:]]
    height = style.page.height.pt
    top, foot = style.page.margin_top.pt, height - style.page.margin_bottom.pt
    left = style.page.margin_left.pt

    def numbered(page) -> bool:
        return any(w == "—" for *_, w in page)

    starts = [p for p in pages if p and min(p, key=lambda w: w[1])[3].startswith("附件")]
    assert len(starts) == 2  # 附件1 and 附件2, each first on its page
    for p in starts:
        x, y, _y1, _w = min(p, key=lambda w: w[1])
        assert abs(x - left) < 1 and top < y < top + style.role("body").line_pitch.pt
    assert len(pages) % 2 == 0
    last = pages[-1]
    assert not numbered(last) and any(w.startswith("抄送") for *_, w in last)
    assert abs(max(y1 for _x, _y, y1, _w in last) - foot) < 4  # its last line on the type area's foot
    blank = [p for p in pages[:-1] if not p]
    assert all(numbered(p) for p in pages[:-1] if p) and len(blank) <= 1
