"""Typography measured on rendered pages (issue: pages a 公文 typesetter would sign): titles and
narrow cells break between words, no title line of one or two characters."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from bulletin import api
from bulletin.model import ItemRow, Table
from bulletin.render import layout
from bulletin.render.pdf import render_pdf
from bulletin.render.words import boundaries
from bulletin.style import load_style
from factories import _cell, report
from pdfdraw import drawn_lines as _drawn_lines

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(p.parent.name for p in (ROOT / "tests" / "golden").glob("*/input.*"))
STYLE = load_style()


def _word_cut(text: str, k: int) -> bool:
    """A line break before text[k] falls inside a segmenter word."""
    return 0 < k < len(text) and k not in boundaries(text)


@pytest.mark.parametrize("case", CASES)
def test_title_lines_keep_words_whole_and_none_is_short(case):
    doc = api.load(next((ROOT / "tests" / "golden" / case).glob("input.*")))
    lines = layout.header(doc.meta, STYLE).title_lines
    title = "".join(lines)
    assert title == doc.meta.title
    if len(lines) > 1:
        assert all(len(line) >= STYLE.title_breaks.min_line_chars for line in lines), lines
        at = 0
        for line in lines[:-1]:
            at += len(line)
            assert not _word_cut(title, at), (lines, title[at - 2:at + 2])
    first = _drawn_lines(render_pdf(doc, STYLE))[0]
    texts = [t for _x, _y, t in first]
    for line in filter(None, lines):  # the PDF draws these very lines
        assert re.sub(r"\s+", "", line) in texts


def _names(seed: int) -> list[str]:
    """Project names as bulletins write them: a few two- to four-character words."""
    words = ["深化", "商事", "登记", "制度", "改革", "优化", "知识产权", "公共服务", "长三角", "市场", "一体化",
             "营商环境", "数字化", "转型", "食品安全", "监管", "体系", "建设", "质量", "提升", "行动", "专项", "整治"]
    rnd = random.Random(seed)
    return ["".join(rnd.choice(words) for _ in range(rnd.randint(3, 6))) for _ in range(12)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_name_cells_break_between_words(seed):
    names = ["深化商事登记制度改革", "优化知识产权公共服务", "推进长三角市场一体化", *_names(seed)]
    doc = report()
    rows = [ItemRow(number=str(i), name=n, cells=[_cell(str(i)), _cell(n), _cell("按计划推进。")])
            for i, n in enumerate(names, start=1)]
    doc.body = [Table(columns=["序号", "项目名称", "12月工作进展"], rows=rows)]
    _, _, widths = layout.table_columns(doc.body[0], STYLE, STYLE.page.type_width)
    left = STYLE.page.margin_left.pt + widths[0].pt
    right = left + widths[1].pt
    pieces = [(y, t) for page in _drawn_lines(render_pdf(doc, STYLE)) for x, y, t in page if left < x < right]
    cut = 0
    for name in names:
        # the name's lines, top to bottom, are the next pieces that make it up
        got, at = [], 0
        while at < len(name):
            _, t = pieces.pop(0)
            if t.startswith(name[at:]):  # the name's last line, and the next cell in the same text object
                t = name[at:]
            elif not name.startswith(t, at):
                continue  # the header cell, a page's repeated header
            got.append(t)
            at += len(t)
        for line in got[:-1]:
            cut += 1
            k = sum(len(g) for g in got[: got.index(line) + 1])
            assert not _word_cut(name, k), (name, got)
    assert cut  # some names did wrap


def _notice_of(n: int):
    from bulletin.model import Paragraph
    from factories import notice

    doc = notice()
    sig = doc.body.pop()
    doc.body += [Paragraph(text="各地要按照本通知要求，结合实际抓好落实，确保各项任务按时完成。" * (1 + k % 3))
                 for k in range(n)]
    doc.body.append(sig)
    return doc


@pytest.mark.parametrize("n", range(0, 24, 1))
def test_the_signature_never_stands_alone_on_a_page(n):
    """GB/T 9704 7.3.5: the 署名 and 成文日期 stay with at least the last two lines of text, wherever
    the page ends (n paragraphs move the page break through the closing lines)."""
    doc = _notice_of(n)
    sig = doc.body[-1]
    closing = {*sig.signers, "2021年2月7日", "附件：1.质量提升行动任务清单", "2.工作进展报送表"}
    pages = _drawn_lines(render_pdf(doc, STYLE))
    page = [p for p in pages if any(t == sig.signers[0] for _x, _y, t in p)][-1]  # (the title's first line too)
    text = [t for _x, _y, t in page if t not in closing and not re.fullmatch(r"—\d+—", t)]
    assert len(text) >= 2, text


@pytest.mark.parametrize("n", range(0, 24, 1))
def test_a_heading_never_ends_a_page(n):
    """A bare heading keeps with the first two lines of what follows it; a keep never chains
    to the signature (the page before it is not left half empty)."""
    from bulletin.model import Heading, Paragraph

    doc = _notice_of(0)
    sig = doc.body.pop()
    doc.body += [Paragraph(text="为深入贯彻落实质量强省战略，现就有关事项通知如下。" * (1 + k % 4)) for k in range(n)]
    doc.body += [Heading(level=1, marker="三、", text="工作要求"),
                 Paragraph(text="各地要高度重视，加强组织领导，确保各项任务落到实处，按时报送工作进展。" * 2), sig]
    headings = {layout.marked(b) for b in doc.body if b.type == "heading"}
    pages = _drawn_lines(render_pdf(doc, STYLE))
    for page in pages[:-1]:
        body = [t for _x, _y, t in page if not re.fullmatch(r"—\d+—", t)]
        assert body[-1] not in headings, body[-3:]
    for page in pages[1:]:
        body = [t for _x, _y, t in page if not re.fullmatch(r"—\d+—", t)]
        assert len(body) >= 3  # never a page of the closing lines alone


def test_page_one_stands_on_the_grid_of_the_other_pages():
    """The header block takes a whole number of body lines: body text on page 1 is where body
    text is on page 2 (modulo the line pitch), in every golden case of two pages or more whose
    pages are body text (a table's rows have their own pitch)."""
    pitch = STYLE.role("body").line_pitch.pt
    top = STYLE.page.height.pt - STYLE.page.margin_top.pt
    checked = 0
    for case in CASES:
        doc = api.load(next((ROOT / "tests" / "golden" / case).glob("input.*")))
        if doc.tables():
            continue
        pages = _drawn_lines(render_pdf(doc, STYLE))
        if len(pages) < 2:
            continue
        body = [layout.marked(b) for b in doc.blocks() if b.type == "paragraph"]

        def offsets(page, body=body):
            return {round((top - y) % pitch, 1) % round(pitch, 1) for _x, y, t in page
                    if any(t and t in b for b in body)}

        assert offsets(pages[0]) & offsets(pages[1]), case
        checked += 1
    assert checked >= 3


def test_consecutive_marks_take_a_cell_and_a_half():
    from bulletin.render.breaks import squeezed

    assert squeezed("通知》《浙江") == [2]  # closing before opening
    assert squeezed("（一），（二）") == [2, 3]  # `），（`: three marks in two cells
    assert squeezed("完成。”下") == [2]
    assert squeezed("《（2021）》") == [0, 6]  # opening before opening, closing before closing
    assert squeezed("中文，英文") == [] and squeezed("a,b") == []


def _drawn_paragraphs(doc, monkeypatch) -> list[tuple[list[tuple[str, float, int]], bool]]:
    """Every paragraph the PDF draws: its lines (text, extra space between characters in em,
    alignment) and whether it is the first part of a paragraph split across pages."""
    from bulletin.render import linebreak

    seen = []
    draw = linebreak.CJKParagraph._draw_lines

    def spy(self, x0, y0, pen=None):
        lines = [("".join(t for _, t in line.runs), getattr(line, "cjkCharSpace", 0.0) / line.fontSize,
                  self.style.alignment, line.extraSpace / line.fontSize) for line in self.blPara.lines]
        seen.append((lines, bool(getattr(self, linebreak.JUSTIFY_LAST, False))))
        return draw(self, x0, y0, pen)

    monkeypatch.setattr(linebreak.CJKParagraph, "_draw_lines", spy)
    render_pdf(doc, STYLE)
    monkeypatch.undo()
    return seen


def test_no_last_line_of_one_character_and_its_mark_and_no_loose_lines(monkeypatch):
    """Over every golden case and the sample: no paragraph (cell entry, body text) ends in a line
    of one character and its mark (`会。`: the marks squeezed to pull it back, or one more character
    brought down), and a justified line adds at most 0.15 em between characters — except before a
    Latin or digit run that may not be cut (the break had to come early)."""
    from bulletin.render.breaks import CLOSERS, WORD_RUN

    inputs = [next((ROOT / "tests" / "golden" / c).glob("input.*")) for c in CASES]
    lone, loose, ragged, justified = [], [], [], 0
    for path in [*inputs, ROOT / "samples" / "zj-amr-2020-q4-progress.txt"]:
        for lines, first_part in _drawn_paragraphs(api.load(path), monkeypatch):
            if not first_part and len(lines) >= 2 and len(lines[-1][0]) <= 2 and lines[-1][0][-1] in CLOSERS:
                lone.append((path.parent.name, lines[-1][0]))
            for i, (text, space, align, slack) in enumerate(lines):
                if align != 4 or (i == len(lines) - 1 and not first_part):  # TA_JUSTIFY, not a last line
                    continue
                justified += 1
                nxt = lines[i + 1][0] if i + 1 < len(lines) else ""
                if space > 0.15 and not WORD_RUN.search(text) and not re.match(r"[\x21-\x7e]{1,}", nxt):
                    loose.append((path.parent.name, text, round(space, 2)))
                if not space and slack > 0.5:  # left ragged: stretching it would pass the limit
                    ragged.append((path.parent.name, text))
    assert justified > 500
    assert lone == []
    assert loose == []
    assert len(ragged) <= justified // 100, ragged  # the limit is seldom reached


def test_titles_of_three_or_four_lines_are_trapezoids_or_diamonds_and_no_line_ends_in_guanyu():
    """GB/T 9704 7.3.1 排列对称…梯形或菱形: over every golden and corpus title, a line never ends in
    关于 (it opens what follows), and of three or four lines none is more than an em shorter than
    both its neighbours (an hourglass)."""
    from bulletin.render.textfit import em_width

    paths = [*sorted((ROOT / "tests" / "golden").glob("*/input.*")),
             *sorted((ROOT / "tests" / "corpus").glob("*/input.*"))]
    shaped = 0
    for path in paths:
        if path.suffix == ".json":
            continue
        lines = layout.header(api.load(path).meta, STYLE).title_lines
        assert not any(line.endswith("关于") for line in lines[:-1]), lines
        if 3 <= len(lines) <= 4:
            shaped += 1
            ws = [em_width(line) for line in lines]
            dips = [min(ws[i - 1], ws[i + 1]) - ws[i] for i in range(1, len(ws) - 1)]
            assert max(dips) <= 1, (path.parent.name, lines)
    assert shaped >= 10
