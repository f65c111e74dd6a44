"""The PDF renderer, checked by reading the PDF back (pypdf, and poppler's pdftotext for boxes)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from bulletin.errors import FontError, RenderError
from bulletin.fontcache import essential_names
from bulletin.fonts import ENV_VAR, describe_fonts, read_faces, resolve_fonts
from bulletin.model import Note, Paragraph, SectionRow, Signature
from bulletin.render import Context, renderer
from bulletin.render.breaks import CLOSERS, OPENERS, SQUEEZE_CLOSE
from bulletin.render.pdf import render, render_pdf
from bulletin.style import load_style
from factories import notice, report
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


@pytest.fixture(scope="module")
def style():
    style = load_style()
    try:
        resolve_fonts(style).font("body")
    except FontError as exc:
        pytest.skip(f"no Chinese TrueType font installed: {exc}")
    return style


@pytest.fixture(scope="module")
def pdfs(style, sample_doc) -> dict[str, bytes]:
    return {"report": render_pdf(report(), style), "notice": render_pdf(notice(), style),
            "sample": render_pdf(sample_doc, style)}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def lines_of(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of every drawn line: consecutive text shows at one text origin."""
    out: list[list] = []

    def visit(text, cm, tm, _font, _size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if out and abs(out[-1][0] - x) < 0.01 and abs(out[-1][1] - y) < 0.01:
            out[-1][2] += text
        else:
            out.append([x, y, text])

    page.extract_text(visitor_text=visit)
    return [(x, y, squash(t)) for x, y, t in out]


def test_registered():
    assert renderer("pdf") is render


@pytest.mark.parametrize("name", ["report", "notice", "sample"])
def test_pages_are_a4(pdfs, name):
    for page in PdfReader(io.BytesIO(pdfs[name])).pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (595.3, 841.9)


@pytest.mark.parametrize("name", ["report", "notice", "sample"])
def test_every_font_is_an_embedded_subset(pdfs, name):
    data = pdfs[name]
    assert b"Helvetica" not in data and b"Times-Roman" not in data
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for base, font in fonts.items():
        assert re.match(r"^/[A-Z]{6}\+", base), f"{base} is not a subset"
        for f in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
            if "/FontDescriptor" in f:
                assert "/FontFile2" in f["/FontDescriptor"], f"{base} is not embedded"


def _name_ids(table: bytes) -> list[int]:
    count = struct.unpack_from(">H", table, 2)[0]
    return [struct.unpack_from(">6H", table, 6 + 12 * i)[3] for i in range(count)]


def _font_table(font: bytes, tag: bytes) -> bytes:
    for i in range(struct.unpack_from(">H", font, 4)[0]):
        name, _, offset, length = struct.unpack_from(">4sLLL", font, 12 + 16 * i)
        if name == tag:
            return font[offset:offset + length]
    return b""


def test_embedded_subsets_keep_names_0_to_6_only(pdfs):
    # the license texts (names 13, 14) of a CJK font were ~20 KB in every subset
    streams = [d.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
               for page in PdfReader(io.BytesIO(pdfs["report"])).pages
               for d in page["/Resources"]["/Font"].values() if "/FontDescriptor" in d.get_object()]
    assert streams
    for font in streams:
        table = _font_table(font, b"name")
        assert table and set(_name_ids(table)) <= set(range(7)) and 1 in _name_ids(table)


def test_essential_names():
    def table(records: list[tuple[int, bytes]]) -> bytes:
        head = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
        recs, strings = b"", b""
        for name_id, text in records:
            recs += struct.pack(">6H", 3, 1, 0x409, name_id, len(text), len(strings))
            strings += text
        return head + recs + strings

    full = table([(0, "© Arphic".encode("utf-16-be")), (1, b"\0U\0M"), (13, b"\0L" * 5000), (6, b"\0U\0M")])
    short = essential_names(full)
    assert _name_ids(short) == [0, 1, 6] and len(short) < 100
    assert short.endswith("© Arphic".encode("utf-16-be") + b"\0U\0M")  # equal strings are stored once
    kept = table([(1, b"\0U"), (2, b"\0R")])
    assert essential_names(kept) == kept
    assert essential_names(b"\0\1\0\5") == b"\0\1\0\5"  # not a table this understands: as it is
    assert essential_names(struct.pack(">HHH", 1, 0, 6)) == struct.pack(">HHH", 1, 0, 6)


def test_every_item_and_entry_in_order(pdfs, sample_doc):
    reader = PdfReader(io.BytesIO(pdfs["sample"]))
    header = squash("".join(sample_doc.tables()[0].columns))
    text = ""
    for n, page in enumerate(reader.pages, start=1):
        t = squash(page.extract_text()).replace(f"—{n}—", "", 1)
        text += t.replace(header, "", 1) if n > 1 else t  # the repeated header row
    assert text.startswith(squash(sample_doc.meta.title))
    assert "发布日期：2021年2月7日" in text[:100]
    pos = 0
    for row in sample_doc.tables()[0].rows:
        if isinstance(row, SectionRow):
            pieces = [row.text]
        else:
            pieces = [row.name or ""] + [(p.marker or "") + p.text for p in row.cells[-1].paragraphs]
        for piece in pieces:
            found = text.find(squash(piece), pos)
            assert found >= 0, f"missing or out of order: {piece!r}"
            pos = found + len(squash(piece))


@pytest.mark.parametrize("name", ["report", "notice", "sample"])
def test_line_breaking_rules_on_every_line(pdfs, name):
    lines = [t for page in PdfReader(io.BytesIO(pdfs[name])).pages for _x, _y, t in lines_of(page)]
    assert len(lines) > 10
    for prev, line in zip(lines, lines[1:], strict=False):
        assert line[0] not in CLOSERS, f"closing mark starts a line: {prev!r} | {line!r}"
        assert prev[-1] not in OPENERS or re.fullmatch(r"\d+\.", prev), f"opening mark ends {prev!r}"
        assert not (prev[-1] in "—…" and line[0] == prev[-1]), f"{prev[-1] * 2} split: {prev!r} | {line!r}"
        assert not (prev[-1].isdigit() and line[0] in "万元人次家件个项.%"), f"unit split: {prev!r} | {line!r}"


def word_boxes(data: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, float, str]]:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed")
    src = tmp_path / "x.pdf"
    src.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(src), "-"], capture_output=True, text=True,
                          check=True).stdout
    out, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            out.append((page, *map(float, m.groups()[:4]), m[5]))
    return out


@pytest.mark.parametrize("name", ["report", "notice", "sample"])
def test_nothing_outside_the_type_area_but_page_numbers(pdfs, style, name, tmp_path):
    page = style.page
    left, top = page.margin_left.pt, page.margin_top.pt
    right, bottom = left + page.type_width.pt, top + page.type_height.pt
    numbers: dict[int, list] = {}
    for n, x0, y0, x1, y1, text in word_boxes(pdfs[name], tmp_path):
        if y0 >= bottom - 0.5:
            numbers.setdefault(n, []).append((x0, x1, text))
            continue
        # a closing mark squeezed at a line's end prints in its left half: its blank right half
        # (half an em of the largest size here, 三号) may stand past the edge
        over = 0.5 * style.role("body").size.pt if text[-1] in SQUEEZE_CLOSE else 0.0
        assert left - 0.5 <= x0 and x1 <= right + 0.5 + over and top - 0.5 <= y0 and y1 <= bottom + 0.5, (
            f"page {n}: {text!r} outside the type area"
        )
    size = style.role("page_number").size.pt
    for n, words in numbers.items():
        assert "".join(t for *_, t in words) == f"—{n}—"
        x0, x1 = min(w[0] for w in words), max(w[1] for w in words)
        if n % 2:  # odd: right, one character in
            assert abs(x1 - (right - size)) < 1.5, (n, x1)
        else:  # even: left, one character in
            assert abs(x0 - (left + size)) < 1.5, (n, x0)
    assert sorted(numbers) == list(range(1, len(PdfReader(io.BytesIO(pdfs[name])).pages) + 1))


def test_page_number_dash_7mm_below_the_type_area(pdfs, style):
    size = style.role("page_number").size.pt
    dash_line = (style.page.margin_bottom - style.page_number.below_type_area).pt
    for n, page in enumerate(PdfReader(io.BytesIO(pdfs["sample"])).pages, start=1):
        (y,) = [y for _x, y, t in lines_of(page) if t == f"—{n}—"]
        # the dash sits between a quarter and a half em above the baseline in any CJK face
        assert dash_line - 0.5 * size <= y <= dash_line - 0.25 * size


def test_metadata_and_outline(pdfs, sample_doc):
    reader = PdfReader(io.BytesIO(pdfs["sample"]))
    meta = reader.metadata
    assert meta.title == sample_doc.meta.title
    assert meta.author == sample_doc.meta.source
    assert "2021年2月7日" in meta.subject
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20210207091900+08'00'"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    rows = sample_doc.tables()[0].rows
    outline = reader.outline
    assert [o["/Title"] for o in outline if not isinstance(o, list)][:2] == [
        f"{rows[0].number} {rows[0].name}", f"{rows[1].number} {rows[1].name}"]
    assert len([o for o in outline if not isinstance(o, list)]) == len(rows)
    headings = PdfReader(io.BytesIO(render_pdf(notice(), load_style()))).outline
    assert headings[0]["/Title"] == "一、总体目标。"


def test_dates_without_a_time_and_without_a_date(style):
    doc = notice()
    meta = PdfReader(io.BytesIO(render_pdf(doc, style))).metadata
    assert meta["/CreationDate"] == "D:20210207000000"
    doc.meta.published = None
    assert PdfReader(io.BytesIO(render_pdf(doc, style))).metadata["/CreationDate"].startswith("D:")


def test_same_bytes_every_run(pdfs, style, sample_doc):
    assert render_pdf(sample_doc, style) == pdfs["sample"]
    code = ("import hashlib, sys; sys.path.insert(0, 'tests'); from factories import report;"
            "from bulletin.style import load_style; from bulletin.render.pdf import render_pdf;"
            "print(hashlib.sha256(render_pdf(report(), load_style())).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == hashlib.sha256(pdfs["report"]).hexdigest()


def test_missing_glyph_is_a_warning_with_its_line(style):
    doc = notice()
    doc.body.append(Paragraph(text="私用区字符\ue000在此。", line=42))
    data, diags = (out := render(doc, style)).data, out.diagnostics
    assert [(d.severity, d.code, d.line) for d in diags] == [("warning", "missing-glyph", 42)]
    assert "U+E000" in diags[0].message
    assert data.startswith(b"%PDF")
    assert render(notice(), style).diagnostics == []


def test_a_character_missing_from_the_role_font_comes_from_a_fallback(style):
    if not (Path(UMING).exists() and Path(WQY).exists()):
        pytest.skip("needs AR PL UMing and WenQuanYi Zen Hei")
    fonts = resolve_fonts(style)
    primary = fonts.roles["body"].usable(1)[0][3]
    wqy = fonts.roles["heading1"].usable(1)[0][3]
    ch = next(chr(c) for c in sorted(set(wqy) - set(primary)) if 0x4E00 <= c <= 0x9FFF)
    doc = notice()
    doc.body.append(Paragraph(text=f"生僻字{ch}照常印出。", line=7))
    data, diags = (out := render(doc, style)).data, out.diagnostics
    assert diags == []
    text = squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert f"生僻字{ch}照常印出。" in text


def test_no_font_at_all_is_a_font_error_saying_what_to_install(style, tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(FontError) as err:
        render(report(), style, Context(font_dirs=(str(tmp_path),), system_fonts=False))
    message = str(err.value)
    assert "apt-get install fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei" in message
    assert "--font-dir" in message and str(tmp_path) in message
    assert "FangSong_GB2312" in message or "方正小标宋简体" in message


def _fake_cff_font(path: Path, family: str) -> None:
    """A font file with a CFF table and a name table only: enough for the resolver to read."""
    name = family.encode("utf-16-be")
    records = b"".join(struct.pack(">6H", 3, 1, 0x409, nid, len(name), 0) for nid in (1, 4, 6))
    name_table = struct.pack(">HHH", 0, 3, 6 + len(records)) + records + name
    cff = b"\x01\x00\x04\x01"
    tables = [(b"CFF ", cff), (b"name", name_table)]
    offset = 12 + 16 * len(tables)
    head, body = struct.pack(">4sHHHH", b"OTTO", len(tables), 0, 0, 0), b""
    for tag, data in tables:
        head += struct.pack(">4sIII", tag, 0, offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    path.write_bytes(head + body)


def test_cff_fonts_are_skipped_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    _fake_cff_font(tmp_path / "FakeSong.otf", "Fake CFF Song")
    (face,) = read_faces(tmp_path / "FakeSong.otf")
    assert (face.family, face.outline) == ("Fake CFF Song", "cff")
    fonts = resolve_fonts({"body": ["Fake CFF Song"]}, [tmp_path], system=False)
    with pytest.raises(FontError, match="CFF"):
        fonts.font("body")


def test_font_dirs_and_environment_are_searched(tmp_path, monkeypatch):
    if not Path(WQY).exists():
        pytest.skip("needs WenQuanYi Zen Hei")
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "wqy.ttc").symlink_to(WQY)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no metrics cache left behind
    fonts = resolve_fonts({"hei": ["WenQuanYi Zen Hei"]}, system=False)
    assert fonts.roles["hei"].found[0][1].source == ENV_VAR
    assert fonts.font("hei")
    faces = read_faces(WQY)
    assert faces[0].family == "WenQuanYi Zen Hei" and len(faces) >= 2


def test_ttc_face_is_picked_by_family_or_postscript_name(monkeypatch):
    if not Path(UMING).exists():
        pytest.skip("needs AR PL UMing")
    monkeypatch.delenv(ENV_VAR, raising=False)
    d = str(Path(UMING).parent)
    by_family = resolve_fonts({"r": ["AR PL UMing TW"]}, [d], system=False).roles["r"].found[0][1]
    by_ps = resolve_fonts({"r": ["UMingTW"]}, [d], system=False).roles["r"].found[0][1]
    assert by_family.index == by_ps.index != 0


def test_describe_fonts_names_each_role_file_and_face(style):
    text = describe_fonts(style)
    for role in style.fonts:
        assert f"\n{role}: looks for" in text
    assert "uses" in text and ".tt" in text and "face" in text


def test_font_metrics_cache_gives_the_same_font(tmp_path, monkeypatch):
    if not Path(WQY).exists():
        pytest.skip("needs WenQuanYi Zen Hei")
    from bulletin.render.rlinternals import read_ttfont
    from reportlab.pdfbase.ttfonts import TTFont

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = read_ttfont("t-parsed", WQY, 0)  # parses and writes the cache
    assert list((tmp_path / "bulletin" / "fonts").glob("*.pickle"))
    cached = read_ttfont("t-cached", WQY, 0)  # reads it
    stock = TTFont("t-stock", WQY, subfontIndex=0)
    for attr in ("name", "charToGlyph", "charWidths", "ascent", "descent", "bbox"):
        assert getattr(cached.face, attr) == getattr(stock.face, attr) == getattr(parsed.face, attr), attr
    for attr in ("glyphPos", "hmetrics"):  # the cached ones are sequences over flat arrays
        assert list(getattr(cached.face, attr)) == getattr(stock.face, attr) == getattr(parsed.face, attr), attr
    assert cached.face.glyphToChar[cached.face.charToGlyph[ord("中")]] == [ord("中")]


def test_font_dirs_travel_in_the_render_context_not_the_environment(tmp_path, monkeypatch, sample_txt):
    """--font-dir reaches every worker (and a Dask worker elsewhere) in the task, and is part of the
    resume key: a run with other font folders converts again."""
    import json

    from bulletin.cli import app
    from typer.testing import CliRunner

    monkeypatch.setenv(ENV_VAR, "/elsewhere")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    out = tmp_path / "out"

    def run(*extra):
        result = CliRunner().invoke(app, ["convert", str(sample_txt), "--to", "pdf", "--out", str(out), "--manifest",
                                          *extra])
        assert result.exit_code == 0, result.output
        return json.loads((out / "manifest.jsonl").read_text())["options"], result.output

    plain, _ = run()
    with_dir, output = run("--font-dir", str(fonts))
    assert os.environ[ENV_VAR] == "/elsewhere"
    assert with_dir != plain and "1 converted, 0 skipped" in output
    assert run("--font-dir", str(fonts))[1].count("0 converted, 1 skipped") == 1


def test_rendered_documents_are_freed():
    """A batch worker renders thousands of documents: none may stay alive after its render."""
    import gc

    from reportlab.pdfbase.pdfdoc import PDFDocument

    style = load_style()
    for _ in range(3):
        render_pdf(report(), style)
    gc.collect()
    assert sum(isinstance(o, PDFDocument) for o in gc.get_objects()) == 0


def test_reportlab_is_stock_again_after_a_render(sample_doc):
    """The renderer changes reportlab's module attributes for its own documents only (rlinternals)."""
    import gc

    from bulletin.render.pdf import render_pdf
    from bulletin.render.rlinternals import our_documents
    from bulletin.style import cached_style
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc, ttfonts

    def state():
        return (rl_config.useA85, pdfdoc.PDFZCompress.encode, pdfdoc.pdfdocEnc, ttfonts.TTFontFace, gc.isenabled())

    before = state()
    with our_documents():
        assert rl_config.useA85 == 0 and not gc.isenabled()
        with our_documents():  # re-entrant: the inner exit keeps the outer render's set-up
            pass
        assert rl_config.useA85 == 0
    render_pdf(sample_doc, cached_style())
    assert state() == before


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_block_type_a_renderer_cannot_set_is_an_error_not_a_silent_loss(fmt):
    """Every renderer dispatches a block to its `block_<type>` method (render.draw): a type added to
    the model without one is a RenderError in every format."""
    from typing import Literal

    from bulletin.model import Node

    class Seal(Node):  # 印章: not in the model
        type: Literal["seal"] = "seal"
        text: str
        line: int | None = None

    doc = notice()
    doc.body.insert(1, Seal(text="浙江省市场监督管理局"))
    with pytest.raises(RenderError, match="cannot set a block of type 'seal'"):
        renderer(fmt)(doc, load_style(), None)


@pytest.mark.parametrize("signers", [["衢州市发展和改革委员会", "衢州市财政局"], ["某局"]])
def test_signature_lines_as_the_standard_places_them(style, signers, tmp_path):
    """Each 署名 ends two characters from the right edge; the date's first character stands two
    characters right of the longest 署名's first, and a date longer than that ends two
    characters from the right with the 署名 moved left (the .docx sets the same lines)."""
    doc = notice()
    doc.body[-1] = Signature(signers=signers, date="2021-11-18", date_text="2021年11月18日")
    words = word_boxes(render_pdf(doc, style), tmp_path)
    unit = style.role("signature").size.pt + style.tracking("signature").pt
    right = style.page.margin_left.pt + style.page.type_width.pt
    box = {t: (x0, x1) for _n, x0, _y0, x1, _y1, t in words if t in [*signers, "2021年11月18日"]}
    assert set(box) == {*signers, "2021年11月18日"}
    first = min(box[s][0] for s in signers)
    ends = {round(box[s][1], 1) for s in signers}
    assert len(ends) == 1  # every 署名 ends at the same place
    date_x0, date_x1 = box["2021年11月18日"]
    assert abs(date_x0 - (first + 2 * unit)) < 1
    # the longer of the two lines ends two characters from the right edge
    assert abs(max(*ends, date_x1) - (right - 2 * unit)) < 1


def test_a_note_stands_under_the_date_two_characters_in(style, tmp_path):
    """附注 [std]: in parentheses, two characters in from the left, on the line under the 成文日期."""
    doc = notice()
    assert doc.body[-1].type == "signature"
    doc.body.append(Note(text="此件公开发布"))
    data = render_pdf(doc, style)
    words = word_boxes(data, tmp_path)
    (note,) = [w for w in words if w[5] == "（此件公开发布）"]
    (date,) = [w for w in words if w[5] == "2021年2月7日"]
    assert note[0] == date[0]  # the same page
    unit = style.role("note").size.pt + style.tracking("note").pt
    assert abs(note[1] - (style.page.margin_left.pt + 2 * unit)) < 1
    page = PdfReader(io.BytesIO(data)).pages[note[0] - 1]
    baseline = {t: y for _x, y, t in lines_of(page)}
    assert abs(baseline["2021年2月7日"] - baseline["（此件公开发布）"] - style.role("note").line_pitch.pt) < 0.5


def test_the_heavy_title_face_is_a_truetype_copy_of_the_cff_one(style):
    """Noto Serif CJK SC Bold is CFF; the title uses the TrueType copy fontconvert made (once, kept),
    with the source's timestamps (the same source, the same bytes)."""
    from bulletin.fontconvert import truetype_copy
    from fontTools.ttLib import TTFont

    src = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
    if not Path(src).exists():
        pytest.skip("fonts-noto-cjk is not installed")
    face = resolve_fonts(style).roles["title"].found[0][1]
    assert face.outline == "truetype" and "TrueType copy" in face.source
    copy = truetype_copy(src, 2)
    assert face.path == str(copy)
    with TTFont(str(copy), lazy=True) as ttf, TTFont(src, fontNumber=2, lazy=True) as cff:
        assert "glyf" in ttf and "CFF " not in ttf and "CFF " in cff
        assert ttf["head"].modified == cff["head"].modified
        assert ord("国") in ttf.getBestCmap() and ord("〔") in ttf.getBestCmap()
