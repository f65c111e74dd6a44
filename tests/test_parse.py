"""Facts of the real sample, and the parser's promise never to raise on any text."""

from __future__ import annotations

from bulletin import api
from bulletin.errors import BulletinError
from bulletin.model import ItemRow
from bulletin.parse import parse_text
from bulletin.parse.common import iso_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _items(doc):
    return [r for r in doc.tables()[0].rows if isinstance(r, ItemRow)]


def test_sample_meta(sample_doc):
    m = sample_doc.meta
    assert m.title == "省市场监管局年度重点工作四季度完成情况"
    assert m.source == "省市场监管局（省知识产权局）"
    assert m.published == "2021-02-07T09:19:00+08:00"
    assert (m.input.encoding, m.input.format, m.input.bytes) == ("utf-8", "text", 24151)


def test_sample_table(sample_doc):
    table = sample_doc.tables()[0]
    assert table.columns == ["序号", "项目名称", "12月工作进展"]
    items = _items(sample_doc)
    assert [r.number for r in items] == [str(n) for n in range(1, 51)]
    assert items[0].name == "全力做好疫情防控"
    item1 = items[0].cells[2].paragraphs
    assert len(item1) == 11 and [p.group for p in item1] == [0] * 6 + [1] * 5
    item4 = items[3].cells[2].paragraphs
    assert len(item4) == 6 and sum(p.marker is None for p in item4) == 3
    assert [p.marker for p in items[39].cells[2].paragraphs] == ["1.", "2.", "4.", "5."]
    assert items[0].cells[2].paragraphs[7].marker == "8."  # `8..召开`


def test_sample_diagnostics(sample_doc):
    got = [(d.severity, d.code, d.line) for d in sample_doc.diagnostics]
    assert got == [("warning", "entry-number-gap", 405), ("warning", "truncated-text", 499)]


LINES = ["序号", "项目名称", "进展", "1", "2", "一、总则", "（一）", "1.", "附件:", "来源:", "发布日期:2021-02-07",
         "2021年2月7日", "浙江省人民政府", "各市:", "", " ", "首页 > 新闻", "打印 关闭", "浙政〔2021〕1号"]



@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=30)), max_size=30))
def test_parse_never_raises_on_any_text(lines):
    doc = parse_text("\n".join(lines))
    assert doc.meta is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_load_raises_only_our_errors(data):
    try:
        api.load(data, name="x.txt")
    except BulletinError:
        pass


def test_dates():
    assert iso_date("2021-02-07") == "2021-02-07"
    assert iso_date("2021-02-07 09:19") == "2021-02-07T09:19:00+08:00"
    assert iso_date("2021-02-07 09:19:05") == "2021-02-07T09:19:05+08:00"
    assert iso_date("2021年2月7日") == "2021-02-07"
    assert iso_date("二〇二一年二月二十七日") == "2021-02-27"
    assert iso_date("2021/4/2") == "2021-04-02"
    assert iso_date("2021-13-40") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_load_any_text_raises_only_our_errors(text):
    try:
        doc = api.load(text.encode("utf-8", "surrogatepass"), name="x.txt")
    except BulletinError:
        return
    assert doc.to_json()


def test_a_file_cut_inside_a_character_is_read_with_a_warning(sample_txt):
    data = sample_txt.read_bytes()
    cut = data[: len(data) - 1]  # the sample ends in 目 (3 bytes): keep 2 of them
    doc = api.load(cut, name="cut.txt")
    assert len(doc.tables()[0].rows) == 50
    assert ("warning", "truncated-text", 499) in [(d.severity, d.code, d.line) for d in doc.diagnostics]
    assert any("ends inside a character (2 bytes" in d.message for d in doc.diagnostics)
