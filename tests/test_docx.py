"""The .docx renderer, checked on the XML inside the package (never on zip bytes)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bulletin.errors import StyleError
from bulletin.model import ItemRow, Note, Paragraph
from bulletin.render import renderer
from bulletin.render.docx import render_docx
from bulletin.render.textfit import chinese_date, split_title
from bulletin.style import Length, load_style
from factories import notice, report
from lxml import etree

BREAKS = load_style().title_breaks

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ROOT = Path(__file__).resolve().parents[1]


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="module")
def style():
    return load_style()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def xml(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(parts(data)[name])


def paragraphs(root: etree._Element) -> list[tuple[etree._Element, str]]:
    return [(p, "".join(p.xpath(".//w:t/text()", namespaces=NS))) for p in root.iter(q("p"))]


def all_text(root: etree._Element) -> str:
    return "".join(root.xpath("//w:t/text()", namespaces=NS))


def style_of(p: etree._Element) -> str | None:
    v = p.xpath("w:pPr/w:pStyle/@w:val", namespaces=NS)
    return v[0] if v else None


def run_property(data: bytes, p: etree._Element, tag: str) -> str | None:
    """The `w:val` of run property `tag` of `p`'s first run: its own, else its paragraph style's."""
    own = p.find(f"{q('r')}/{q('rPr')}/{q(tag)}")
    if own is None:
        styles = xml(data, "word/styles.xml")
        sid = style_of(p) or "Normal"
        own = styles.find(f"{q('style')}[@{q('styleId')}='{sid}']/{q('rPr')}/{q(tag)}")
    return own.get(q("val"))


def in_order(text: str, needles: list[str]) -> None:
    pos = 0
    for n in needles:
        i = text.find(n, pos)
        assert i >= 0, f"{n!r} missing or out of order (after position {pos})"
        pos = i + len(n)


@pytest.fixture(scope="module")
def report_docx(style) -> bytes:
    return render_docx(report(), style)


@pytest.fixture(scope="module")
def notice_docx(style) -> bytes:
    return render_docx(notice(), style)


def test_registered():
    from bulletin.render import Rendered, docx

    assert renderer("docx") is docx.render
    out = renderer("docx")(notice(), load_style(), None)
    assert isinstance(out, Rendered) and out.data == render_docx(notice(), load_style()) and out.diagnostics == []


def test_lengths():
    assert Length.parse("三号").pt == 16 and Length.parse("小四").pt == 12 and Length.parse("五号").pt == 10.5
    assert Length.parse("37mm").twips == 2098 and Length.parse("28mm").twips == 1587
    assert Length.parse("579tw").pt == pytest.approx(28.95) and Length.parse("2.5cm").mm == 25
    assert Length.parse("16pt").half_points == 32 and Length.parse("0.5pt").eighth_points == 4
    assert Length.parse("1in").emu == 914400
    for bad in (16, "16", "3 parsecs", "二十号"):
        with pytest.raises(ValueError):
            Length.parse(bad)


def test_page_margins_and_grid(report_docx):
    sect = xml(report_docx, "word/document.xml").find(f".//{q('sectPr')}")
    a = lambda e, k: sect.find(q(e)).get(q(k))  # noqa: E731
    assert (a("pgSz", "w"), a("pgSz", "h")) == ("11906", "16838")
    assert [a("pgMar", k) for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    assert (a("docGrid", "type"), a("docGrid", "linePitch"), a("docGrid", "charSpace")) == (
        "linesAndChars", "579", "-848")


def test_no_theme_fonts_no_template_leftovers(report_docx, notice_docx):
    for data in (report_docx, notice_docx):
        for name, body in parts(data).items():
            for bad in (b"asciiTheme", b"eastAsiaTheme", b"hAnsiTheme", b"cstheme", b'w:w="12240"'):
                assert bad not in body, f"{bad!r} in {name}"
        styles = xml(data, "word/styles.xml")
        for lang in styles.iter(q("lang")):
            assert lang.get(q("eastAsia")) == "zh-CN"
        spacing = styles.find(f"{q('docDefaults')}/{q('pPrDefault')}/{q('pPr')}/{q('spacing')}")
        assert spacing.get(q("after")) == "0" and spacing.get(q("lineRule")) == "exact"


def test_fonts_per_role(notice_docx):
    styles = xml(notice_docx, "word/styles.xml")
    expect = {"Title": "方正小标宋简体", "Normal": "仿宋_GB2312", "Heading1": "黑体", "Heading2": "楷体_GB2312",
              "Heading3": "仿宋_GB2312", "Heading4": "仿宋_GB2312", "Footer": "宋体", "TableHeader": "黑体"}
    for sid, font in expect.items():
        rf = styles.find(f"{q('style')}[@{q('styleId')}='{sid}']/{q('rPr')}/{q('rFonts')}")
        assert rf.get(q("eastAsia")) == font, sid
        assert rf.get(q("hint")) == "eastAsia"
    doc = xml(notice_docx, "word/document.xml")
    style_fonts = {s.get(q("styleId")): s.find(f"{q('rPr')}/{q('rFonts')}") for s in styles.iter(q("style"))}
    mixed = 0
    for p, _ in paragraphs(doc):
        runs = list(p.iter(q("r")))
        own = [r.find(f"{q('rPr')}/{q('rFonts')}") for r in runs]
        if all(rf is None for rf in own):  # one role: the paragraph's style names the fonts
            assert style_fonts[style_of(p) or "Normal"].get(q("eastAsia"))
            continue
        mixed += 1  # two roles in one paragraph: every run names its fonts itself, with zh-CN
        for r, rf in zip(runs, own, strict=True):
            assert rf.get(q("eastAsia")) and rf.get(q("hint")) == "eastAsia" and rf.get(q("ascii")) == "Times New Roman"
            assert r.find(f"{q('rPr')}/{q('lang')}").get(q("eastAsia")) == "zh-CN"
    assert mixed  # the run-in headings
    by_style = {style_of(p): p for p, _ in paragraphs(doc)}

    def font(p):
        rf = p.find(f".//{q('rFonts')}")
        return (rf if rf is not None else style_fonts[style_of(p) or "Normal"]).get(q("eastAsia"))

    assert font(by_style["Heading1"]) == "黑体" and font(by_style["Heading2"]) == "楷体_GB2312"


def test_title_first_then_metadata(report_docx):
    doc = xml(report_docx, "word/document.xml")
    paras = paragraphs(doc)
    p, text = paras[0]
    assert text == report().meta.title and style_of(p) == "Title"
    assert run_property(report_docx, p, "sz") == "44"  # 二号 = 22 pt
    texts = [t for _, t in paras]
    assert texts[1:3] == ["来源：省市场监管局（省知识产权局）", "发布日期：2021年2月7日"]
    assert "09:19" not in all_text(doc)


def test_long_title_breaks_between_words(notice_docx):
    title = paragraphs(xml(notice_docx, "word/document.xml"))[0][0]
    assert len(title.findall(f".//{q('br')}")) == 1
    assert [t for t in title.xpath(".//w:t/text()", namespaces=NS)] == [
        "浙江省市场监督管理局", "关于开展2021年度质量提升行动的通知"]


def test_table(report_docx, style):
    tbl = xml(report_docx, "word/document.xml").find(f".//{q('tbl')}")
    assert tbl.find(f"{q('tblPr')}/{q('tblLayout')}").get(q("type")) == "fixed"
    cols = [int(g.get(q("w"))) for g in tbl.iter(q("gridCol"))]
    assert sum(cols) == style.page.type_width.twips == 8844 and cols[0] < cols[1] < cols[2]
    rows = tbl.findall(q("tr"))
    assert rows[0].find(f"{q('trPr')}/{q('tblHeader')}") is not None
    assert all(r.find(f"{q('trPr')}/{q('tblHeader')}") is None for r in rows[1:])
    assert all(r.find(f"{q('trPr')}/{q('cantSplit')}") is None for r in rows[1:])  # rows may split
    for tc in tbl.iter(q("tc")):
        assert tc.find(f"{q('tcPr')}/{q('tcW')}").get(q("type")) == "dxa"
    header = [style_of(p) for p in rows[0].iter(q("p"))]
    assert header == ["TableHeader"] * 3
    section = rows[1].findall(q("tc"))
    assert len(section) == 1 and section[0].find(f".//{q('gridSpan')}").get(q("val")) == "3"
    border = tbl.find(f"{q('tblPr')}/{q('tblBorders')}/{q('insideH')}")
    assert (border.get(q("val")), border.get(q("color"))) == ("single", "000000")
    assert tbl.find(f".//{q('shd')}") is None
    progress = rows[2].findall(q("tc"))[2].findall(q("p"))
    assert len(progress) == 3  # each entry its own paragraph
    assert progress[0].find(f"{q('pPr')}/{q('ind')}").get(q("hanging"))  # hanging indent for `1.`
    gaps = [p.find(f"{q('pPr')}/{q('spacing')}") for p in progress]
    assert gaps[0] is None and gaps[1] is None and gaps[2].get(q("before")) == str(style.table.group_gap.twips)
    assert len(rows[-1].findall(q("tc"))[2].findall(q("p"))) == 1  # an empty cell keeps a paragraph


def test_two_tables_rows_in_their_own_table(style):
    # Body rows are spliced into document.xml as text at save time: each table gets its own rows,
    # and body text that looks like the splice marker stays text.
    doc = report()
    first, second = doc.body[0], doc.body[0].model_copy(deep=True)
    second.rows = second.rows[-1:]
    marker = "<!--bulletin-rows-0-->"
    doc.body = [first, Paragraph(text=marker), second]
    root = xml(render_docx(doc, style), "word/document.xml")
    tables = root.findall(f".//{q('tbl')}")
    assert [len(t.findall(q("tr"))) for t in tables] == [1 + len(first.rows), 2]
    second_text = "".join(t for _, t in paragraphs(tables[1]))
    assert "深化事业单位改革" in second_text and "全力做好疫情防控" not in second_text
    assert marker in all_text(root) and not any(isinstance(n, etree._Comment) for n in root.iter())


def test_footers_odd_even(report_docx):
    p = parts(report_docx)
    settings = etree.fromstring(p["word/settings.xml"])
    assert settings.find(q("evenAndOddHeaders")) is not None
    sect = xml(report_docx, "word/document.xml").find(f".//{q('sectPr')}")
    refs = {r.get(q("type")) for r in sect.findall(q("footerReference"))}
    assert refs == {"default", "even"}
    for name, side in (("word/footer1.xml", "right"), ("word/footer2.xml", "left")):
        ftr = etree.fromstring(p[name])
        assert " PAGE " in "".join(ftr.xpath("//w:instrText/text()", namespaces=NS))
        assert [f.get(q("fldCharType")) for f in ftr.iter(q("fldChar"))] == ["begin", "separate", "end"]
        text = all_text(ftr)
        assert text.count("\u2014") == 2 and "-" not in text
        assert ftr.find(f".//{q('jc')}").get(q("val")) == side
        assert ftr.find(f".//{q('ind')}").get(q(f"{side}Chars")) == "100"
        assert ftr.find(f".//{q('rFonts')}").get(q("eastAsia")) == "宋体"
        assert ftr.find(f".//{q('sz')}").get(q("val")) == "28"


def test_footer_distance(style):
    # The number's line is centred 7 mm under the type area: 35 - 7 - 14 pt / 2 from the edge.
    assert style.footer_distance.mm == pytest.approx(35 - 7 - 14 * 25.4 / 72 / 2)


def test_core_properties(report_docx):
    core = parts(report_docx)["docProps/core.xml"].decode()
    for piece in ("<dc:title>省市场监管局年度重点工作四季度完成情况</dc:title>",
                  "<dc:creator>省市场监管局（省知识产权局）</dc:creator>", "<dc:language>zh-CN</dc:language>",
                  ">2021-02-07T01:19:00Z</dcterms:created>", ">2021-02-07T01:19:00Z</dcterms:modified>"):
        assert piece in core


def test_python_docx_reads_it(notice_docx):
    import docx

    d = docx.Document(io.BytesIO(notice_docx))
    assert round(d.sections[0].page_width.mm) == 210 and round(d.sections[0].top_margin.mm) == 37
    assert d.settings.odd_and_even_pages_header_footer
    assert d.core_properties.title == notice().meta.title and d.core_properties.language == "zh-CN"


def test_notice_blocks(notice_docx):
    doc = xml(notice_docx, "word/document.xml")
    paras = paragraphs(doc)
    texts = [t for _, t in paras]
    assert texts[1] == "浙市监〔2021〕1号"
    by_text = dict((t, p) for p, t in paras)
    run_in = by_text["一、总体目标。到2021年底，全省产品质量合格率稳定在95%以上。"]
    fonts = [r.find(f"{q('rPr')}/{q('rFonts')}").get(q("eastAsia")) for r in run_in.iter(q("r"))]
    assert fonts == ["黑体", "仿宋_GB2312"] and style_of(run_in) == "Heading1"
    assert style_of(by_text["各市、县（市、区）市场监管局，省局各处室、直属各单位："]) == "Addressee"
    first, second = by_text["附件：1.质量提升行动任务清单"], by_text["2.工作进展报送表"]
    ind1, ind2 = (p.find(f"{q('pPr')}/{q('ind')}") for p in (first, second))
    assert ind1.get(q("leftChars")) == ind2.get(q("leftChars")) == "500" and ind1.get(q("hangingChars")) == "300"
    signer, date = by_text["浙江省市场监督管理局"], by_text["2021年2月7日"]
    assert texts.index("2021年2月7日") == texts.index("浙江省市场监督管理局") + 1
    right = [int(p.find(f"{q('pPr')}/{q('ind')}").get(q("rightChars"))) for p in (signer, date)]
    assert right[0] == 200 and right[1] > right[0]  # 右空二字; the date starts two characters further right
    assert signer.find(f"{q('pPr')}/{q('keepNext')}") is not None
    assert style_of(signer) == "Signature"


def test_issuer_block(style):
    doc = notice()
    doc.meta.issuer = "浙江省市场监督管理局文件"
    data = render_docx(doc, style)
    paras = paragraphs(xml(data, "word/document.xml"))
    assert [t for _, t in paras[:2]] == ["浙江省市场监督管理局文件", "浙市监〔2021〕1号"]
    assert run_property(data, paras[0][0], "color") == "FF0000"
    rule = paras[1][0].find(f"{q('pPr')}/{q('pBdr')}/{q('bottom')}")
    assert rule.get(q("color")) == "FF0000"
    assert style_of(paras[2][0]) == "Title"


def test_sample_items_and_entries_in_order(sample_doc, style):
    text = all_text(xml(render_docx(sample_doc, style), "word/document.xml"))
    needles = []
    for table in sample_doc.tables():
        needles += table.columns
        for row in table.rows:
            if isinstance(row, ItemRow):
                needles += [p.text for c in row.cells for p in c.paragraphs]
            else:
                needles.append(row.text)
    assert len(needles) > 100
    in_order(text, needles)


def test_deterministic(style):
    assert render_docx(report(), style) == render_docx(report(), style)
    code = ("import sys, hashlib; sys.path.insert(0, 'tests'); from factories import notice; "
            "from bulletin.style import load_style; from bulletin.render.docx import render_docx; "
            "print(hashlib.sha256(render_docx(notice(), load_style())).hexdigest())")
    env = dict(os.environ, PYTHONHASHSEED="123")
    env.pop("SOURCE_DATE_EPOCH", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == hashlib.sha256(render_docx(notice(), style)).hexdigest()


def test_threads_each_fill_their_own_document(style):
    """The empty document is opened once per thread and reset per bulletin: bulletins rendered
    at once in several threads come out as when rendered one by one."""
    docs = [report(), notice()] * 4
    alone = [render_docx(d, style) for d in docs[:2]]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(render_docx, docs, [style] * len(docs)))
    assert together == alone * 4


def test_zip_entries_fixed(report_docx):
    with zipfile.ZipFile(io.BytesIO(report_docx)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch(style, monkeypatch):
    doc = report()
    doc.meta.published = None
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert ">1980-01-01T00:00:00Z</dcterms:created>" in parts(render_docx(doc, style))["docProps/core.xml"].decode()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1612660740")
    core = parts(render_docx(doc, style))["docProps/core.xml"].decode()
    assert ">2021-02-07T01:19:00Z</dcterms:created>" in core
    # The bulletin's own date wins over SOURCE_DATE_EPOCH.
    core = parts(render_docx(notice(), style))["docProps/core.xml"].decode()
    assert ">2021-02-06T16:00:00Z</dcterms:created>" in core


def test_style_errors_name_the_key(tmp_path):
    bad = tmp_path / "house.toml"
    bad.write_text('[roles.body]\nsize = "16"\n', encoding="utf-8")
    with pytest.raises(StyleError) as e:
        load_style(bad)
    assert "roles.body.size" in str(e.value) and str(bad) in str(e.value) and "unit" in str(e.value)
    bad.write_text('[roles.title]\nfont = "comic"\n[page]\ncolour = "red"\n', encoding="utf-8")
    msg = str(pytest.raises(StyleError, load_style, bad).value)
    assert "page.colour" in msg
    bad.write_text('[roles.title]\nfont = "comic"\n', encoding="utf-8")
    assert "roles.title.font" in str(pytest.raises(StyleError, load_style, bad).value)
    bad.write_text("[page\nwidth = 1\n", encoding="utf-8")
    err = pytest.raises(StyleError, load_style, bad).value
    assert err.line == 1 and re.search(r"house\.toml:1: error: not valid TOML", str(err))
    assert "not found" in str(pytest.raises(StyleError, load_style, tmp_path / "none.toml").value)


def test_house_style_overrides(tmp_path, style):
    house = tmp_path / "house.toml"
    house.write_text('[roles.table_cell]\nsize = "小四"\nline_pitch = "20pt"\n', encoding="utf-8")
    s = load_style(house)
    assert s.role("table-cell").size.pt == 12 and s.role("body") == style.role("body")
    root = xml(render_docx(report(), s), "word/styles.xml")
    assert root.find(f"{q('style')}[@{q('styleId')}='TableCell']/{q('rPr')}/{q('sz')}").get(q("val")) == "24"


def test_textfit():
    assert chinese_date("2021-02-07T09:19:00+08:00") == "2021年2月7日" and chinese_date(None) is None
    whole = "省市场监管局年度重点工作四季度完成情况"
    assert split_title(whole, 20, BREAKS) == (whole,)
    for title in ("国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知",
                  "关于开展2021年度质量提升行动暨全省市场监管系统质量月活动的通知"):
        lines = split_title(title, 20.1, BREAKS)
        assert "".join(lines) == title and len(lines) >= 2
        assert not any(line[0] in "的，。）”" for line in lines[1:]) and lines[-1] not in ("通知", "的通知")


def test_python_docx_template_cleaned(notice_docx):
    # python-docx's default template: only what the layout needs survives, none of its defaults.
    names = set(parts(notice_docx))
    assert names == {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                     "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml",
                     "word/settings.xml", "word/fontTable.xml", "word/footer1.xml", "word/footer2.xml"}
    for name, body in parts(notice_docx).items():
        for bad in (b"ja-JP", b'w:eastAsia="en-US"', b'w:after="200"', b'w:line="276"', b"python-docx",
                    b"Calibri", b"Macintosh", b"latentStyles"):
            assert bad not in body, f"{bad!r} in {name}"
    settings = xml(notice_docx, "word/settings.xml")
    assert settings.find(q("themeFontLang")).get(q("eastAsia")) == "zh-CN"
    assert b"<Application>bulletin " in parts(notice_docx)["docProps/app.xml"]


def test_long_core_properties(style):
    doc = report()
    doc.meta.url = "https://example.org/?" + "x" * 400
    core = parts(render_docx(doc, style))["docProps/core.xml"].decode()
    assert "<dc:description>https://example.org/?xxx" in core  # shortened to python-docx's limit


def test_a_note_is_the_paragraph_after_the_date(style):
    doc = notice()
    doc.body.append(Note(text="此件公开发布"))
    data = render_docx(doc, style)
    paras = paragraphs(xml(data, "word/document.xml"))
    texts = [t for _, t in paras]
    i = texts.index("（此件公开发布）")
    assert texts[i - 1] == "2021年2月7日" and style_of(paras[i][0]) == "Note"
    styles = xml(data, "word/styles.xml")
    ind = styles.find(f"{q('style')}[@{q('styleId')}='Note']/{q('pPr')}/{q('ind')}")
    assert ind.get(q("firstLineChars")) == "200"  # two characters in


def test_no_autospace_between_chinese_and_digits(notice_docx):
    """Every paragraph style turns Word's autospace off (`2021年2月7日` set tight, as in the PDF)."""
    styles = xml(notice_docx, "word/styles.xml")
    for s in styles.iter(q("style")):
        if s.get(q("type")) != "paragraph":
            continue
        for tag in ("autoSpaceDE", "autoSpaceDN"):
            assert s.find(f"{q('pPr')}/{q(tag)}").get(q("val")) == "0", (s.get(q("styleId")), tag)


def test_word_compresses_punctuation(notice_docx):
    settings = xml(notice_docx, "word/settings.xml")
    assert settings.find(q("characterSpacingControl")).get(q("val")) == "compressPunctuation"


def test_a_section_row_keeps_with_its_first_item(report_docx):
    """Word keeps a row whose paragraphs keep with the next one on the page of the row after it."""
    doc = xml(report_docx, "word/document.xml")
    sections = [p for p, _ in paragraphs(doc) if style_of(p) == "TableSection"]
    assert sections and all(p.find(f"{q('pPr')}/{q('keepNext')}") is not None for p in sections)


def test_widow_control_in_every_paragraph_style(notice_docx):
    styles = xml(notice_docx, "word/styles.xml")
    paras = [s for s in styles.iter(q("style")) if s.get(q("type")) == "paragraph"]
    assert paras and all(s.find(f"{q('pPr')}/{q('widowControl')}") is not None for s in paras)


def test_font_table_names_each_chinese_face_with_its_substitute_and_kind(notice_docx, style):
    """w:altName and w:panose1 per role's face, so Word substitutes a Song, Kai or Hei face by kind."""
    fonts = {f.get(q("name")): f for f in xml(notice_docx, "word/fontTable.xml").iter(q("font"))}
    for role in style.fonts.values():
        f = fonts[role.east_asian]
        assert f.find(q("altName")).get(q("val")) == role.word_alt
        assert f.find(q("panose1")).get(q("val")) == role.word_panose
        assert f.find(q("charset")).get(q("val")) == "86"
    hei, song = style.fonts["heading1"].word_panose, style.fonts["song"].word_panose
    assert hei != song  # a Hei face is not a Song face


def test_the_empty_document_comes_from_the_cache_and_is_made_again_when_the_cache_is_bad(tmp_path, monkeypatch):
    """The style's empty .docx is kept in the per-user cache; a later process reads it instead of
    making it (~40 ms); a damaged or unwritable cache only means it is made again, and the
    document rendered is the same bytes every way."""
    from bulletin.render import docx_template

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    doc = report()

    def fresh_render() -> bytes:
        return render_docx(doc, load_style(None))  # a new sheet: nothing kept in this process

    made = fresh_render()
    [cached] = (tmp_path / "cache" / "bulletin" / "docx").iterdir()
    assert zipfile.is_zipfile(io.BytesIO(cached.read_bytes()[32:]))  # a digest, then the .docx
    built = []
    real = docx_template.empty_document
    monkeypatch.setattr(docx_template, "empty_document", lambda style: built.append(1) or real(style))
    assert fresh_render() == made and not built  # read from the cache
    kept = cached.read_bytes()
    cached.write_bytes(kept[:-30] + bytes([kept[-30] ^ 1]) + kept[-29:])  # one bit flipped in the zip
    assert fresh_render() == made and built == [1]  # made again, and the cache mended
    assert cached.read_bytes() == kept
    assert fresh_render() == made and built == [1]
    other = load_style(None).model_copy(update={"name": "other"})
    assert docx_template.cached_package(other) and len(list(cached.parent.iterdir())) == 2  # keyed by the sheet
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "bulletin").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))  # a cache that cannot be written
    assert fresh_render() == made and built == [1, 1, 1]  # the other sheet's, then this one again)
