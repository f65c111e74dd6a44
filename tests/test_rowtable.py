"""The PDF's table flowable on its own: how it splits at page ends and what it draws."""

from __future__ import annotations

import io
import re

import pytest
from bulletin.errors import FontError
from bulletin.fonts import resolve_fonts
from bulletin.model import ItemRow, SectionRow, Table
from bulletin.render.linebreak import CJKParagraph, line_texts
from bulletin.render.pdf import _Builder
from bulletin.render.rowtable import Row, RowTable
from bulletin.style import load_style
from factories import _cell
from pypdf import PdfReader
from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph as RLParagraph

LONG = ("召开全省进口冷链食品物防工作视频会，部署冷链食品常态化疫情防控工作，"
        "组织开展冷链食品物防实战化应急演练，检查冷链食品经营单位14523家。")


@pytest.fixture(scope="module")
def builder():
    style = load_style()
    try:
        fonts = resolve_fonts(style)
        fonts.font("body")
    except FontError as exc:
        pytest.skip(f"no Chinese TrueType font installed: {exc}")
    return lambda: _Builder(style, fonts)


def item(n: int, entries: int = 3) -> ItemRow:
    return ItemRow(number=str(n), name=f"第{n}项重点工作",
                   cells=[_cell(str(n)), _cell(f"第{n}项重点工作"),
                          _cell(*(f"{k}.{LONG}" for k in range(1, entries + 1)))])


def table(builder, rows) -> RowTable:
    return builder().block_table(Table(columns=["序号", "项目名称", "12月工作进展"], rows=rows))[0]


def pages(t: RowTable, height: float) -> list[RowTable]:
    """Split `t` page by page as a frame of `height` does."""
    out = []
    for _ in range(100):
        if t.wrap(t.width, height)[1] <= height:
            return [*out, t]
        parts = t.split(t.width, height)
        assert len(parts) == 2, f"no split at {height} pt"
        assert parts[0].wrap(t.width, height)[1] <= height
        out.append(parts[0])
        t = parts[1]
    raise AssertionError("never ends")


def column_lines(parts: list[RowTable], column: int) -> list[list[str]]:
    """Each part's lines of text in one column (paragraph parts as drawn)."""
    out = []
    for part in parts:
        part.wrap(part.width, 10**6)
        out.append([line for row in part.rows if not row.span for v in row.cells[column]
                    if isinstance(v, CJKParagraph) for line in line_texts(v)])
    return out


def test_rows_split_inside_keeping_every_line_once_in_order(builder):
    rows = [item(n, entries=4) for n in range(1, 7)]
    whole = column_lines([table(builder, rows)], 2)[0]
    parts = pages(table(builder, rows), 200)  # a page holds one and a half paragraphs of a row
    assert len(parts) > 6
    per_part = column_lines(parts, 2)
    assert [line for lines in per_part for line in lines] == whole
    # pages end inside rows: the row's start stays (number, name), and every paragraph (four
    # lines each) keeps at least two lines on each side
    assert any(not p.rows[0].cells[1] for p in parts[1:]), "no row continued on a next page"
    assert min(len(lines) for lines in per_part) > 0
    paragraphs = sum(isinstance(v, CJKParagraph) for p in parts for row in p.rows for v in row.cells[2])
    assert paragraphs > 6 * 4, "no paragraph split across a page end"
    for part in parts:
        for row in part.rows:
            assert all(len(line_texts(v)) >= 2 for v in row.cells[2] if isinstance(v, CJKParagraph))


def test_every_part_starts_with_the_header(builder):
    parts = pages(table(builder, [item(n) for n in range(1, 9)]), 260)
    assert len({id(p.header) for p in parts}) == 1
    headers = [line_texts(p.header.cells[2][0]) for p in parts]
    assert headers == [["12月工作进展"]] * len(parts)


def test_a_row_moves_whole_when_too_little_room_is_left(builder):
    t = table(builder, [item(1, entries=1), item(2, entries=4)])
    t.wrap(t.width, 10**6)
    first = t.header.height + t.rows[0].height
    room = first + t.min_part - 1  # less than two lines of the second row fit
    parts = t.split(t.width, room)
    assert [len(p.rows) for p in parts] == [1, 1]
    assert parts[1].rows[0] is t.rows[1]


def test_a_section_row_never_ends_a_page(builder):
    t = table(builder, [item(1, entries=1), SectionRow(text="二、安全监管类（1项）"), item(2, entries=1)])
    t.wrap(t.width, 10**6)
    room = t.header.height + t.rows[0].height + t.rows[1].height + 1  # the section row fits, its item not
    parts = t.split(t.width, room)
    assert [len(p.rows) for p in parts] == [1, 2]
    assert parts[1].rows[0].span


def test_no_split_when_not_even_the_header_and_a_row_fit(builder):
    t = table(builder, [item(1)])
    t.wrap(t.width, 10**6)
    assert t.split(t.width, t.header.height - 1) == []
    assert t.split(t.width, t.header.height + t.min_part / 2) == []


def test_the_grid_closes_every_part_and_the_header(builder):
    parts = pages(table(builder, [item(n, entries=4) for n in range(1, 5)]), 300)
    for part in parts:
        canvas = Canvas(io.BytesIO())
        drawn: list = []
        canvas.lines = drawn.extend
        part.canv = canvas
        part.draw()
        horizontal = {round(y0, 3) for x0, y0, x1, y1 in drawn if y0 == y1 and x0 == 0 and x1 == part.width}
        edges = [part.height]
        for row in (part.header, *part.rows):
            edges.append(edges[-1] - row.height)
        assert horizontal == {round(y, 3) for y in edges}, "a row edge without its line"
        assert round(edges[-1], 3) == 0


def test_text_comes_in_reading_order_around_other_flowables(builder):
    """Cell paragraphs share one text object; anything else that draws (here a reportlab
    Paragraph) puts the text so far on the page first, so the content stays in reading order."""
    b = builder()
    cells = [[b.para("甲乙丙", "table_cell")],
             [b.para("丁戊己", "table_cell"), RLParagraph("ABC"), b.para("庚辛壬", "table_cell")]]
    t = RowTable(Row([[b.para("一", "table_header")], [b.para("二", "table_header")]], ["center"] * 2),
                 [Row(cells, ["top", "top"])], [100.0, 200.0], padding=2, padding_vertical=2, border=0.5,
                 color=black, min_part=40)
    buf = io.BytesIO()
    canvas = Canvas(buf)
    t.wrap(300, 800)
    t.drawOn(canvas, 50, 500)
    canvas.save()
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(buf.getvalue())).pages[0].extract_text())
    assert text == "一二甲乙丙丁戊己ABC庚辛壬"


def test_a_row_taller_than_a_page_splits_even_when_little_is_left_over(builder):
    """On an empty page a row that does not fit must split, however little of it is left for the
    next page (refusing would leave it nowhere to go)."""
    t = table(builder, [item(1, entries=4)])
    t.wrap(t.width, 10**6)
    page = t.height - t.min_part / 2  # the row overflows a page by less than two lines
    parts = pages(t, page)
    assert len(parts) == 2
    assert column_lines(parts, 2)[0] and column_lines(parts, 2)[1]
