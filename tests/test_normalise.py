"""The normaliser on its own: punctuation, spaces, doubled marks, markers, and the change log."""

from __future__ import annotations

import pytest
from bulletin.model import Cell, Document, ItemRow, Meta, Para, Table
from bulletin.normalise import normalise, punctuation, tidy
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("截至目前,全省", "截至目前，全省"),
        ("局(省知识产权局)", "局（省知识产权局）"),
        ("建设城乡放心农贸市场()", "建设城乡放心农贸市场（）"),
        ("完成减费9265.2万元;减免", "完成减费9265.2万元；减免"),
        ("截至12月25日:全省", "截至12月25日：全省"),
        ("同比增长12.5%!", "同比增长12.5%！"),
        ("是否完成?", "是否完成？"),
        # kept: numbers, times, dates, Latin
        ("服务企业1,200家", "服务企业1,200家"),
        ("时间为09:19", "时间为09:19"),
        ("2020-2021年度", "2020-2021年度"),
        ("PCT (Patent Cooperation Treaty)", "PCT (Patent Cooperation Treaty)"),
        ("see http://example.org:8080/a", "see http://example.org:8080/a"),
    ],
)
def test_punctuation(before, after):
    assert punctuation(before) == after


@pytest.mark.parametrize(
    ("before", "after", "kinds"),
    [
        ("\u3000完成 “互联网+监管”体制\u00a0", "完成“互联网+监管”体制", ["space"]),
        ("8..召开会议", "8.召开会议", ["doubled-mark"]),
        ("完成。。", "完成。", ["doubled-mark"]),
        ("省内首批 190家", "省内首批190家", ["space"]),
        ("PCT  international", "PCT international", ["space"]),
        ("已完成,形成报告", "已完成，形成报告", ["punctuation"]),
        ("一是完善清单,二是扩大覆盖面", "一是完善清单，二是扩大覆盖面", ["punctuation"]),
    ],
)
def test_tidy_records_each_change(before, after, kinds):
    log = []
    assert tidy(before, 7, log) == after
    assert [c.kind for c in log] == kinds
    assert all(c.line == 7 for c in log) and log[0].before == before and log[-1].after == after


def _doc(*entries: str) -> Document:
    cell = Cell(paragraphs=[Para(text=t, line=i + 10) for i, t in enumerate(entries)])
    row = ItemRow(number="1", name="x", cells=[Cell(paragraphs=[Para(text="1")]), Cell(paragraphs=[Para(text="x")]),
                                                cell])
    return Document(meta=Meta(title="标题", source="省市场监管局(省知识产权局)"),
                    body=[Table(columns=["序号", "项目名称", "进展"], rows=[row])])


@pytest.mark.parametrize(
    ("entry", "marker", "text"),
    [
        ("1.召开会议。", "1.", "召开会议。"),
        ("1、召开会议。", "1、", "召开会议。"),
        ("(1)召开会议。", "（1）", "召开会议。"),
        ("（2）召开会议。", "（2）", "召开会议。"),
        ("8..召开会议。", "8.", "召开会议。"),
        ("1. 下发通知。", "1.", "下发通知。"),
        ("1.2020年度星级评定。", "1.", "2020年度星级评定。"),
        ("3.12月23日，召开总结会。", "3.", "12月23日，召开总结会。"),
        ("1.2万件已办结。", None, "1.2万件已办结。"),
        ("一是完善清单，二是扩大覆盖面。", None, "一是完善清单，二是扩大覆盖面。"),
    ],
)
def test_entry_markers(entry, marker, text):
    p = normalise(_doc(entry)).body[0].rows[0].cells[2].paragraphs[0]
    assert (p.marker, p.text) == (marker, text)


def test_normalise_logs_every_change():
    doc = normalise(_doc("1.截至目前,全省"))
    assert doc.meta.source == "省市场监管局（省知识产权局）"
    assert (doc.meta.source_org, doc.meta.source_alias) == ("省市场监管局", "省知识产权局")
    kinds = {(c.kind, c.line) for c in doc.changes}
    assert ("punctuation", 10) in kinds and ("marker", 10) in kinds


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("省局市场监管,:;()!? .12号PCT\u3000\u00a0年月")), max_size=40))
def test_punctuation_never_changes_length_or_letters(s):
    out = punctuation(s)
    assert len(out) == len(s)
    assert [c for c in out if c.isalnum()] == [c for c in s if c.isalnum()]


def test_every_block_type_has_a_rule():
    """normalise tidies each block type by its own rule; the model's block types and the rules agree."""
    import typing

    from bulletin import model
    from bulletin.normalise import RULES

    union = typing.get_args(model.Block)[0]
    types = {t.model_fields["type"].default for t in typing.get_args(union)}
    assert types == set(RULES)
