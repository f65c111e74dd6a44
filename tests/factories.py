"""Hand-built documents for renderer tests that must not depend on the parser."""

from __future__ import annotations

import re

from bulletin.model import (
    Addressee,
    Attachments,
    Cell,
    Document,
    Heading,
    ItemRow,
    Meta,
    Para,
    Paragraph,
    SectionRow,
    Signature,
    Table,
)


def _cell(*texts: str, group_breaks: tuple[int, ...] = ()) -> Cell:
    paras, group = [], 0
    for i, t in enumerate(texts):
        if i in group_breaks:
            group += 1
        m = re.match(r"(\d+\.)(.+)", t)
        paras.append(Para(marker=m[1], text=m[2], group=group) if m else Para(text=t, group=group))
    return Cell(paragraphs=paras)


def report() -> Document:
    """A small progress report: a section row, a multi-group item, an empty cell."""
    rows = [
        SectionRow(text="一、营商环境类（2项）"),
        ItemRow(
            number="1",
            name="全力做好疫情防控",
            cells=[
                _cell("1"),
                _cell("全力做好疫情防控"),
                _cell(
                    "1.召开全省进口冷链食品物防工作视频会。",
                    "2.下发《关于进一步落实秋冬季冷链食品常态化疫情防控工作的通知》。",
                    "3.开展冷链食品物防工作“回头看”行动，组织冷链食品物防实战化应急演练。",
                    group_breaks=(2,),
                ),
            ],
        ),
        ItemRow(
            number="2",
            name="助推复工复产复市",
            cells=[
                _cell("2"),
                _cell("助推复工复产复市"),
                _cell("已完成开放实验室减费9265.2万元；共出动人员30482人次，检查14523家。"),
            ],
        ),
        SectionRow(text="二、安全监管类（1项）"),
        ItemRow(number="3", name="深化事业单位改革", cells=[_cell("3"), _cell("深化事业单位改革"), Cell()]),
    ]
    return Document(
        meta=Meta(
            title="省市场监管局年度重点工作四季度完成情况",
            source="省市场监管局（省知识产权局）",
            source_org="省市场监管局",
            source_alias="省知识产权局",
            published="2021-02-07T09:19:00+08:00",
        ),
        body=[Table(columns=["序号", "项目名称", "12月工作进展"], rows=rows)],
    )


def notice() -> Document:
    """A notice with every block kind a notice can have."""
    return Document(
        meta=Meta(
            title="浙江省市场监督管理局关于开展2021年度质量提升行动的通知",
            source="浙江省市场监督管理局",
            published="2021-02-07",
            doc_number="浙市监〔2021〕1号",
        ),
        body=[
            Addressee(text="各市、县（市、区）市场监管局，省局各处室、直属各单位："),
            Paragraph(text="为深入贯彻落实质量强省战略，现就开展2021年度质量提升行动通知如下。"),
            Heading(level=1, marker="一、", text="总体目标。"),
            Paragraph(text="到2021年底，全省产品质量合格率稳定在95%以上。", run_in=True),
            Heading(level=2, marker="（一）", text="加强组织领导"),
            Heading(level=3, marker="1.", text="建立工作机制。"),
            Paragraph(text="各地要成立工作专班，明确责任分工。", run_in=True),
            Heading(level=4, marker="（1）", text="定期会商"),
            Paragraph(marker="2.", text="各地要于每季度末报送工作进展情况，报送时间截至当月25日。"),
            Attachments(
                items=[Para(marker="1.", text="质量提升行动任务清单"), Para(marker="2.", text="工作进展报送表")]
            ),
            Signature(signers=["浙江省市场监督管理局"], date="2021-02-07", date_text="2021年2月7日"),
        ],
    )
