"""Saved web pages as input: the same Document as from text, tables read cell by cell.

The pages under tests/html/ are small bulletins written for these tests (two of them in GBK and
GB18030); tests/html/same-as-text/<case>.html is the HTML form of tests/golden/<case>/input.txt.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bulletin import api
from bulletin.errors import InputError
from bulletin.model import Attachments, Document, ItemRow, Paragraph, SectionRow, Signature, Table
from bulletin.parse.html import parse_html
from bulletin.read import decode
from bulletin.render import RENDERERS
from conftest import GOLDEN, SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

HTML = Path(__file__).resolve().parent / "html"
SAMPLE = SAMPLES / "zj-amr-2020-q4-progress.html"
SAMPLE_TXT = SAMPLES / "zj-amr-2020-q4-progress.txt"
PROGRESS = ["序号", "项目名称", "工作进展"]

# page → the facts the held-out pages are checked on: title, source, published, columns, then per
# item (number, name, entries of the multi-line column per blank-line group).
PAGES: dict[str, dict] = {
    "gbk-meta.html": dict(
        title="温州市市场监管局2021年一季度重点工作进展", source="温州市市场监督管理局",
        published="2021-04-08T16:30:00+08:00", encoding="gb18030",
        url="http://scjgj.wenzhou.gov.cn/art/2021/4/8/art_1229_1.html",
        columns=["序号", "项目名称", "一季度进展"],
        items=[("1", "优化营商环境", [2]), ("2", "强化食品安全监管", [3]), ("3", "推进质量强市", [1])]),
    "gb18030.html": dict(
        title="吉安县2021年重点项目推进情况", source="吉安县发展和改革委员会", published="2021-09-30",
        encoding="gb18030", columns=["序号", "项目名称", "9月工作进展"],
        items=[("1", "𠮷祥大道改造工程", [1, 2]), ("2", "䶮湖生态公园", [1])]),
    "rowspan.html": dict(
        title="台州市市场监管局重点工作进展", source="台州市市场监督管理局", published="2021-05-06",
        columns=PROGRESS,
        items=[("1", "深化“最多跑一次”改革", [2, 1, 2]), ("2", "加强特种设备安全监管", [1, 1]),
               ("3", "推进知识产权强市建设", [1])]),
    "sections.html": dict(
        title="嘉兴市2021年度重点改革项目推进情况", source="嘉兴市发展和改革委员会", published="2021-12-30",
        url="https://www.jiaxing.gov.cn/art/2021/12/30/art_1_2.html", columns=["序号", "改革事项", "进展情况"],
        items=[("1", "推进“一件事”集成改革", [1]), ("2", "深化投资项目审批制度改革", [2]),
               ("1", "推进教育共同体建设", [1]), ("2", "深化医疗卫生服务领域改革", [2])]),
    "nested-layout.html": dict(
        title="丽水市2021年上半年民生实事项目进展情况", source="丽水市人民政府办公室",
        published="2021-07-05T10:02:33+08:00", url="http://www.lishui.gov.cn/art/2021/7/5/art_1229218_5891.html",
        columns=["序号", "任务", "进展情况", "责任单位"],
        items=[("1", "新建城乡公交线路", [2]), ("2", "建设农村公路", [1]), ("3", "改造老旧小区", [1])]),
    "empty-cells.html": dict(
        title="湖州市生态环境局2021年重点工作任务完成情况", source="湖州市生态环境局", published="2021-07-05",
        columns=["序号", "工作任务", "完成情况", "责任单位"],
        items=[("1", "打好污染防治攻坚战", [2]), ("2", "推进“无废城市”建设", [1]), ("3", "开展生态环境执法", []),
               ("4", "完善环境信用评价", [])]),
    "broken.html": dict(
        title="衢州市市场监管局重点工作进展情况", source="衢州市市场监督管理局", published="2021-06-30",
        columns=["序号", "项目名称", "6月工作进展"],
        items=[("1", "推进放心消费建设", [2]), ("2", "加强广告监测", [1]), ("3", "深化信用监管", [2])]),
    "notice.html": dict(
        title="关于做好2021年春节期间市场监管工作的通知", source="绍兴市市场监督管理局",
        published="2021-01-28T09:00:00+08:00", url="https://scjg.sx.gov.cn/art/2021/1/28/art_1.html",
        columns=None, items=[]),
    "no-table.html": dict(
        title="金华市召开2021年消费品质量安全工作会议", source="金华市市场监督管理局", published="2021-03-12",
        columns=None, items=[]),
}
SAME_AS_TEXT = sorted(p.stem for p in (HTML / "same-as-text").glob("*.html"))


def _load(name: str) -> Document:
    return api.load(HTML / name)


def _groups(row: ItemRow, column: int) -> list[int]:
    """Entries per blank-line group of one cell."""
    paras = row.cells[column].paragraphs
    return [sum(p.group == g for p in paras) for g in sorted({p.group for p in paras})]


def _multi(table: Table) -> int:
    return next((i for i, c in enumerate(table.columns) if i and re.search(r"进展|情况", c)), len(table.columns) - 1)


def _comparable(doc: Document) -> dict:
    """The document without what differs between two renderings of it: input, lines, changes."""
    data = doc.model_dump(by_alias=True)
    del data["meta"]["input"], data["changes"]

    def drop_lines(node):
        if isinstance(node, dict):
            node.pop("line", None)
            for v in node.values():
                drop_lines(v)
        elif isinstance(node, list):
            for v in node:
                drop_lines(v)

    drop_lines(data)
    return data


def _all_text(doc: Document) -> str:
    """The document's text as JSON, without the changes (which keep the chrome that was dropped)."""
    return doc.model_dump_json(include={"meta", "body"})


# --- the facts of every page ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_facts(name):
    want, doc = PAGES[name], _load(name)
    assert doc.meta.title == want["title"]
    assert doc.meta.source == want["source"]
    assert doc.meta.published == want["published"]
    assert doc.meta.input.format == "html"
    if "encoding" in want:
        assert doc.meta.input.encoding == want["encoding"]
    if "url" in want:
        assert doc.meta.url == want["url"]
    tables = doc.tables()
    if want["columns"] is None:
        assert tables == []
        return
    assert len(tables) == 1
    table = tables[0]
    assert table.columns == want["columns"]
    items = [r for r in table.rows if isinstance(r, ItemRow)]
    assert len(items) == len(want["items"])
    multi = _multi(table)
    got = [(r.number, r.name, _groups(r, multi)) for r in items]
    assert got == want["items"]
    for r in items:
        assert len(r.cells) == len(table.columns)


def test_no_error_diagnostics_on_good_pages():
    for name in PAGES:
        assert [d for d in _load(name).diagnostics if d.severity == "error"] == [], name


# --- the same Document as from text -----------------------------------------------------------


def test_sample_html_and_text_give_the_same_document():
    html, text = api.load(SAMPLE), api.load(SAMPLE_TXT)
    assert _comparable(html) == _comparable(text)
    table = html.tables()[0]
    assert table.columns == ["序号", "项目名称", "12月工作进展"]
    items = [r for r in table.rows if isinstance(r, ItemRow)]
    assert len(items) == 50
    assert _groups(items[0], 2) == [6, 5]  # item 1: one rowspan, two <td>s, 11 entries
    assert sum(p.marker is None for p in items[3].cells[2].paragraphs) == 3  # item 4
    assert [d.code for d in html.diagnostics] == ["entry-number-gap", "truncated-text"]


@pytest.mark.parametrize("case", SAME_AS_TEXT)
def test_same_document_as_the_text_form(case):
    html = api.load(HTML / "same-as-text" / f"{case}.html")
    text = api.load(GOLDEN / case / "input.txt")
    assert _comparable(html) == _comparable(text)


def test_sample_nodes_carry_html_source_lines():
    source = SAMPLE.read_text(encoding="utf-8").split("\n")
    doc = api.load(SAMPLE)
    table = doc.tables()[0]
    assert "序号" in source[table.line - 1]
    ideographs = re.compile(r"[\u4e00-\u9fff]")
    for row in table.rows:
        assert row.number in source[row.line - 1]
        for cell in row.cells:
            for p in cell.paragraphs:  # the entry's first ideographs stand on its line
                assert "".join(ideographs.findall(p.text))[:4] in "".join(ideographs.findall(source[p.line - 1]))
    gap = next(d for d in doc.diagnostics if d.code == "entry-number-gap")
    assert "4." in source[gap.line - 1]


@pytest.mark.parametrize("fmt", [f for f in ("docx", "pdf") if f in RENDERERS])
def test_renders_from_html(fmt):
    result = api.convert(SAMPLE, formats=[fmt])
    data = result.outputs[fmt]
    assert data.startswith(b"PK\x03\x04" if fmt == "docx" else b"%PDF")
    assert api.convert(HTML / "notice.html", formats=[fmt]).outputs[fmt][:2] == data[:2]


# --- tables -----------------------------------------------------------------------------------


def test_rowspan_rows_become_groups_of_one_item():
    table = _load("rowspan.html").tables()[0]
    first, second, third = table.rows
    progress = first.cells[2].paragraphs
    assert [(p.marker, p.group) for p in progress] == [("1.", 0), ("2.", 0), ("3.", 1), ("4.", 2), ("5.", 2)]
    assert [p.text for p in first.cells[1].paragraphs] == ["深化“最多跑一次”改革"]  # the name is not repeated
    # a row with a blank number cell and no name goes on the item above
    assert [p.text for p in second.cells[2].paragraphs] == ["开展电梯安全专项检查。", "完成气瓶充装单位检查。"]
    # an &nbsp;-only first cell opens no group
    assert [(p.marker, p.group) for p in third.cells[2].paragraphs] == [("1.", 0)]


def test_colspan_rows_are_section_rows_and_notes_leave_the_table():
    doc = _load("sections.html")
    table = doc.tables()[0]
    kinds = [r.text if isinstance(r, SectionRow) else r.number for r in table.rows]
    assert kinds == ["一、营商环境类（2项）", "1", "2", "二、社会民生类（2项）", "1", "2"]
    after = doc.body[1:]
    assert isinstance(after[0], Paragraph) and after[0].text.startswith("备注")
    assert isinstance(after[1], Signature) and after[1].date == "2021-12-30"
    assert [d.code for d in doc.diagnostics] == ["item-number-restart"]


def test_nested_layout_tables_and_a_shared_rowspan_cell():
    doc = _load("nested-layout.html")
    assert len(doc.body) == 1  # the layout tables are not tables of the document
    rows = doc.tables()[0].rows
    assert [p.text for p in rows[0].cells[3].paragraphs] == ["市交通运输局"]
    assert [p.text for p in rows[1].cells[3].paragraphs] == ["市交通运输局"]  # one cell over two items
    assert [p.text for p in rows[2].cells[3].paragraphs] == ["市住建局", "各县（市、区）政府"]
    text = _all_text(doc)
    for chrome in ("政务公开", "通知公告", "网站标识码"):
        assert chrome not in text


def test_nbsp_only_cells_are_empty():
    doc = _load("empty-cells.html")
    rows = doc.tables()[0].rows
    assert rows[2].cells[2].paragraphs == [] and rows[2].cells[3].paragraphs == []
    assert rows[3].cells[2].paragraphs == []  # a U+3000 ideographic space only
    empty = [(d.line, d.message) for d in doc.diagnostics if d.code == "empty-cell"]
    assert len(empty) == 3


def test_header_in_later_row_with_two_levels_and_colspan_columns():
    page = """<html><head><title>某局重点任务进展表</title></head><body><h1>某局重点任务进展表</h1>
    <table><tr><td colspan="4">附表：重点任务进展</td></tr>
    <tr><td rowspan="2">序号</td><td rowspan="2">任务</td><td colspan="2">进展情况</td></tr>
    <tr><td>已完成</td><td>下步计划</td></tr>
    <tr><td>1</td><td>甲任务</td><td>完成甲。</td><td>推进乙。</td></tr>
    <tr><td>序号</td><td>任务</td><td>进展情况/已完成</td><td>进展情况/下步计划</td></tr>
    <tr><td>2</td><td>乙任务</td><td colspan="2">全部完成。</td></tr></table></body></html>"""
    doc = parse_html(page)
    assert isinstance(doc.body[0], Paragraph) and doc.body[0].text == "附表：重点任务进展"
    table = doc.body[1]
    assert table.columns == ["序号", "任务", "进展情况/已完成", "进展情况/下步计划"]
    assert [(r.number, r.name) for r in table.rows] == [("1", "甲任务"), ("2", "乙任务")]  # repeated header dropped
    assert [c.text for c in table.rows[1].cells] == ["2", "乙任务", "全部完成。", "全部完成。"]


def test_a_row_of_one_cell_without_colspan():
    page = """<html><body><h1>某局工作进展</h1><table><tr><td>序号</td><td>项目名称</td><td>进展</td></tr>
    <tr><td>营商环境类</td></tr><tr><td>1</td><td>甲</td><td>好。</td></tr>
    <tr><td>说明：数据截至年底。</td></tr></table></body></html>"""
    doc = parse_html(page)
    table = doc.tables()[0]
    assert [r.type for r in table.rows] == ["section", "item"] and table.rows[0].text == "营商环境类"
    assert isinstance(doc.body[-1], Paragraph) and doc.body[-1].text == "说明：数据截至年底。"


def test_innermost_table_whose_first_cell_is_xuhao():
    page = """<html><body><table><tr><td>序号说明：见下表</td><td>x</td></tr><tr><td>
    <table><tr><th>序 号</th><th>项目名称</th><th>进展</th></tr><tr><td>1</td><td>甲</td><td>好。</td></tr></table>
    </td></tr></table></body></html>"""
    tables = parse_html(page).tables()
    assert len(tables) == 1 and tables[0].columns == ["序 号", "项目名称", "进展"]
    assert tables[0].rows[0].name == "甲"


# --- notices and pages with no table ----------------------------------------------------------


def test_notice_blocks():
    doc = _load("notice.html")
    kinds = [b.type for b in doc.body]
    assert kinds == ["addressee", "paragraph", "heading", "paragraph", "heading", "heading", "heading",
                     "attachments", "signature"]
    att = next(b for b in doc.body if isinstance(b, Attachments))
    assert [(p.marker, p.text) for p in att.items] == [("1.", "春节期间值班安排表"), ("2.", "专项检查情况统计表")]
    sig = doc.body[-1]
    assert sig.signers == ["绍兴市市场监督管理局"] and sig.date == "2021-01-28"
    assert "打印" not in _all_text(doc) and "关闭窗口" not in _all_text(doc)


def test_page_with_no_table():
    doc = _load("no-table.html")
    assert [b.type for b in doc.body] == ["paragraph"] * 3
    assert doc.body[0].text.startswith("3月11日")
    text = _all_text(doc)
    for chrome in ("您的位置", "浏览次数", "字体", "326"):
        assert chrome not in text
    assert doc.diagnostics == []


# --- encodings --------------------------------------------------------------------------------


def test_sniff_charset():
    assert api.sniff_charset(b'<html><head><meta charset="gbk">') == "gbk"
    assert api.sniff_charset(b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=GB2312'>") == "GB2312"
    assert api.sniff_charset(b'<?xml version="1.0" encoding="gb18030"?><html>') == "gb18030"
    assert api.sniff_charset(b"<html><head><title>x</title></head>") is None
    assert api.sniff_charset(b" " * 5000 + b'<meta charset="gbk">') is None  # only the first 4 KB


def test_the_declared_charset_wins_over_detection(tmp_path):
    # `\xe9t\xe9s` is valid GB18030 (two ideographs) and valid windows-1252 ("étés"): detection
    # would say GB18030, the page says windows-1252.
    page = b'<html><head><meta charset="windows-1252"><title>R</title></head><body><p>\xe9t\xe9s</p></body></html>'
    assert api.load(page, name="page.html").meta.input.encoding == "cp1252"
    path = tmp_path / "page.html"
    path.write_bytes(page)
    doc = api.load(path)
    assert doc.meta.input.encoding == "cp1252" and "étés" in doc.to_json()
    assert decode(page).encoding == "gb18030"  # what detection alone says


def test_gbk_page_as_bytes_without_a_name():
    data = (HTML / "gbk-meta.html").read_bytes()
    doc = api.load(data)
    assert doc.meta.input.format == "html" and doc.meta.title == PAGES["gbk-meta.html"]["title"]


# --- metadata ---------------------------------------------------------------------------------


@pytest.mark.parametrize("head, url", [
    ('<link rel="canonical" href="https://a.gov.cn/1.html"><meta property="og:url" content="https://b.gov.cn/2.html">',
     "https://a.gov.cn/1.html"),
    ('<meta property="og:url" content="https://b.gov.cn/2.html">', "https://b.gov.cn/2.html"),
    ('<meta name="Url" content="https://c.gov.cn/3.html">', "https://c.gov.cn/3.html"),
    ('<link rel="canonical" href="/art/4.html">', "http://d.gov.cn/art/4.html"),  # joined with the saved-from
    ("", "http://d.gov.cn/col/5.html"),
    ('<link rel="canonical" href="javascript:void(0)">', "http://d.gov.cn/col/5.html"),
])
def test_original_address(head, url):
    page = (f"<!-- saved from url=(0026)http://d.gov.cn/col/5.html -->\n<html><head>{head}<title>某某通知</title>"
            "</head><body><h1>某某通知</h1><p>正文。</p></body></html>")
    assert parse_html(page).meta.url == url


def test_a_local_saved_from_is_no_address():
    page = "<!-- saved from url=(0014)about:internet -->\n<html><body><h1>某某通知</h1><p>正文。</p></body></html>"
    assert parse_html(page).meta.url is None


def test_cms_meta_tags_fill_what_the_page_does_not_print():
    page = """<html><head><meta name="ArticleTitle" content="关于某某工作的通知">
    <meta name="PubDate" content="2021-03-04 08:05"><meta name="ContentSource" content="某某市人民政府办公室">
    <title>关于某某工作的通知_某某市人民政府</title></head><body>
    <div>某某市人民政府</div><div>关于某某工作的通知</div><p>各有关单位：</p><p>现将有关事项通知如下。</p></body></html>"""
    doc = api.load(page.encode(), name="n.html")
    assert (doc.meta.title, doc.meta.source, doc.meta.published) == (
        "关于某某工作的通知", "某某市人民政府办公室", "2021-03-04T08:05:00+08:00")
    assert [b.type for b in doc.body] == ["addressee", "paragraph"]  # the site banner is chrome


def test_font_size_widget_does_not_leak_into_the_source():
    page = ("<html><body><h1>某某局工作进展</h1><div>来源：某某局 字号：<a href='javascript:z(1)'>大</a> "
            "<a href='javascript:z(2)'>中</a> <a href='javascript:z(3)'>小</a></div><p>正文。</p></body></html>")
    assert parse_html(page).meta.source == "某某局"


# --- safety and broken markup -----------------------------------------------------------------


def test_broken_markup_keeps_text_outside_cells():
    doc = _load("broken.html")
    assert isinstance(doc.body[-1], Signature) and doc.body[-1].date == "2021-07-01"
    assert [d.code for d in doc.diagnostics] == ["unplaced-line", "unplaced-line"]


def test_no_entities_scripts_or_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    page = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]><html><head>'
            f'<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><script>document.write("脚本内容")</script>'
            '<title>某某通知</title></head><body><h1>某某通知</h1><p>&x;正文。</p>'
            '<iframe src="http://127.0.0.1:9/"></iframe><noscript>请启用脚本</noscript></body></html>')
    text = parse_html(page).to_json()
    assert "TOPSECRET" not in text and "脚本" not in text


def test_deep_nesting_and_huge_spans_are_bounded():
    deep = "<div>" * 200 + "<p>某某通知</p><p>正文。</p>" + "</div>" * 200
    assert parse_html(f"<html><body>{deep}</body></html>").meta.title == "某某通知"
    deeper = "<div>" * 50_000 + "<p>正文。</p>" + "</div>" * 50_000
    with pytest.raises(InputError, match="255 deep"):  # libxml2 stops there; nothing is lost silently
        parse_html(f"<html><body>{deeper}</body></html>")
    wide = ('<html><body><h1>某某表</h1><table><tr><td>序号</td><td>项目名称</td><td colspan="99999999">进展</td></tr>'
            '<tr><td rowspan="99999999">1</td><td>甲</td><td>好。</td></tr></table></body></html>')
    table = parse_html(wide).tables()[0]
    assert table.columns == ["序号", "项目名称", "进展"] and table.rows[0].name == "甲"


@pytest.mark.parametrize("page", ["", "   ", "<html></html>", "<html><head><title>只有标题</title></head></html>"])
def test_pages_without_visible_text_are_refused(page):
    with pytest.raises(InputError, match="HTML page"):
        parse_html(page)


@pytest.mark.parametrize("tag", ["title", "textarea", "iframe", "script", "style", "TITLE", "Textarea"])
def test_a_text_only_element_left_open_does_not_take_the_page(tag):
    """Unclosed, libxml2 (and a browser) reads the rest of the page as its text: the page was empty."""
    page = (f"<html><head><{tag} x=1>某局关于开展检查的通知<body><h1>某局关于开展检查的通知</h1>"
            "<p>一、正文内容。</p></body></html>")
    doc = parse_html(page)
    assert doc.meta.title == "某局关于开展检查的通知"
    assert any("正文内容" in getattr(b, "text", "") for b in doc.body)


TOKENS = [*"<>/=\"' \n&;#trdhpabl序号一二1.。：来源发布日期", "<td>", "<tr>", "<table>", "</td>", "<br>", "<p>",
          ' rowspan="2"', ' colspan="3"', "&nbsp;"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_any_markup_gives_a_document_or_an_input_error(tokens):
    try:
        doc = parse_html("<html><body>" + "".join(tokens))
    except InputError:
        return
    assert isinstance(doc, Document)
