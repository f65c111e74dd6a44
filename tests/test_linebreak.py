"""Chinese line breaking: every rule on every produced line, at several widths."""

from __future__ import annotations

import pytest
from bulletin.render.breaks import CLOSERS, OPENERS, UNITS, break_points, split_lines
from bulletin.render.linebreak import CJKParagraph, line_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle

CLOSING = "，。、；：？！）》”’」』】〕…"
OPENING = "“‘（《「『【〔"
WIDTHS = [3, 4, 5, 6, 7, 8, 9, 10, 13, 17, 28]


def width(ch: str) -> float:
    """A stand-in for font metrics: ideographs and full-width marks 1 em, ASCII half."""
    return 0.5 if ch.isascii() else 1.0


def wrap(text: str, ems: float) -> list[str]:
    return [text[a:b] for a, b in split_lines(text, [width(c) for c in text], [ems])]


def check(text: str, lines: list[str], ems: float) -> None:
    assert "".join(lines) == text, "text changed"
    for i, line in enumerate(lines):
        assert line, "empty line"
        assert sum(width(c) for c in line) <= ems + 1e-6, f"line {i} too wide: {line!r}"
        if i:
            assert line[0] not in CLOSERS, f"closing mark starts line {i}: {line!r}"
            prev = lines[i - 1]
            assert prev[-1] not in OPENERS, f"opening mark ends line {i - 1}: {prev!r}"
            assert not (prev[-1] == line[0] and line[0] in "—…"), f"split {prev[-1] * 2} at line {i}"
            assert not (prev[-1].isdigit() and (line[0].isdigit() or line[0] in "万元人次家.")), (
                f"number split from its unit at line {i}: {prev!r} | {line!r}"
            )


@pytest.mark.parametrize("mark", CLOSING)
@pytest.mark.parametrize("ems", WIDTHS)
def test_closing_mark_never_starts_a_line(mark: str, ems: int) -> None:
    for before in range(1, 2 * ems + 2):
        text = "国" * before + mark + "家" * ems
        check(text, wrap(text, ems), ems)


@pytest.mark.parametrize("mark", OPENING)
@pytest.mark.parametrize("ems", WIDTHS)
def test_opening_mark_never_ends_a_line(mark: str, ems: int) -> None:
    for before in range(0, 2 * ems + 2):
        text = "国" * before + mark + "家" * ems
        check(text, wrap(text, ems), ems)


@pytest.mark.parametrize("pair", ["——", "……"])
@pytest.mark.parametrize("ems", WIDTHS)
def test_dash_and_ellipsis_never_split(pair: str, ems: int) -> None:
    for before in range(1, 2 * ems + 2):
        text = "国" * before + pair + "家" * ems
        check(text, wrap(text, ems), ems)


@pytest.mark.parametrize("number", ["9265.2万元", "30482人次", "14523家", "780余件", "95%", "2021年"])
@pytest.mark.parametrize("ems", WIDTHS[3:])
def test_number_stays_with_its_unit(number: str, ems: int) -> None:
    for before in range(0, 2 * ems + 2):
        text = "完成" * (before // 2) + "国" * (before % 2) + number + "，检查"
        lines = wrap(text, ems)
        check(text, lines, ems)
        assert any(number in line for line in lines), lines


def test_break_points_of_the_rules() -> None:
    ok = break_points("减费9265.2万元；共")
    assert ok[2] and ok[11] and not any(ok[3:11])  # only before 9 and before 共
    assert break_points("（一）")[1:3] == [False, False]


def test_an_unbreakable_run_is_cut_where_it_overflows() -> None:
    text = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lines = wrap(text, 4)
    assert "".join(lines) == text and all(len(x) == 8 for x in lines[:-1])


def test_hard_breaks_are_kept() -> None:
    text = "第一行第二行"
    hard = [i == 2 for i in range(len(text))]
    assert split_lines(text, [1.0] * 6, [10], hard) == [(0, 3), (3, 6)]


IDEOGRAPHS = "国家市场监管局工作进展召开会议通知全省疫情防控"
token = st.one_of(
    st.sampled_from(IDEOGRAPHS),
    st.tuples(st.sampled_from(IDEOGRAPHS), st.sampled_from(CLOSING)).map("".join),
    st.tuples(st.sampled_from(OPENING), st.sampled_from(IDEOGRAPHS)).map("".join),
    st.tuples(st.sampled_from(OPENING), st.sampled_from(IDEOGRAPHS), st.sampled_from(CLOSING)).map("".join),
    st.sampled_from(["——", "……", "9265.2万元", "30482人次", "PCT", "09:19"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(token, min_size=1, max_size=80).map("国".join), st.integers(min_value=6, max_value=30))
def test_random_text_obeys_every_rule(text: str, ems: int) -> None:
    check(text, wrap(text, ems), ems)


def stepwise(text: str, widths: list[float], max_widths: list[float]) -> list[tuple[int, int]]:
    """The plain character-by-character splitter that `split_lines` (bisecting prefix sums)
    must agree with."""
    ok, loose = break_points(text), break_points(text, glue=False)
    lines: list[tuple[int, int]] = []
    start = i = 0
    used = 0.0
    while i < len(text):
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used += widths[i]
        if used > limit + 1e-6 and i > start:
            end = i + 1 if text[i].isspace() else (
                next((k for k in range(i, start, -1) if ok[k]), 0)
                or next((k for k in range(i, start, -1) if loose[k]), i))
            lines.append((start, end))
            start, used, i = end, 0.0, end
            continue
        i += 1
    return lines + [(start, len(text))] if start < len(text) else lines


def plain_break_points(text: str, glue: bool = True) -> list[bool]:
    """The rules of `break_points` as one plain loop over every pair of characters."""
    ok = [True] * (len(text) + 1)
    unit_left = 0
    for k in range(1, len(text)):
        a, b = text[k - 1], text[k]
        if a.isascii() and a.isdigit():
            unit_left = 3
        in_unit = bool(unit_left) and b in UNITS
        word = "!" <= a <= "~" and "!" <= b <= "~"
        if b in CLOSERS or a in OPENERS or (a == b and a in "—…⸺") or (glue and (word or in_unit)):
            ok[k] = False
        if in_unit:
            unit_left -= 1
        elif not "!" <= b <= "~":
            unit_left = 0
    return ok


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="国家（）《》，。——……12.5%万元人次年 AB-", max_size=40))
def test_break_points_agree_with_the_plain_loop(text: str) -> None:
    assert break_points(text) == plain_break_points(text)
    assert break_points(text, glue=False) == plain_break_points(text, glue=False)
    assert break_points(list(text)) == plain_break_points(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(token, st.sampled_from([" ", "ABCDEFGHIJKLMNOP", "1 2"])), min_size=1, max_size=60)
       .map("".join), st.data())
def test_split_lines_agrees_with_the_stepwise_splitter(text: str, data) -> None:
    widths = data.draw(st.lists(st.sampled_from([0.0, 0.5, 0.75, 1.0, 1.25, 3.0]), min_size=len(text),
                                max_size=len(text)))
    max_widths = data.draw(st.lists(st.sampled_from([0.5, 1.0, 2.5, 4.0, 7.5, 12.0]), min_size=1, max_size=3))
    assert split_lines(text, widths, max_widths) == stepwise(text, widths, max_widths)


@pytest.fixture(scope="module")
def cjk_font() -> str:
    from bulletin.fonts import resolve_fonts

    fonts = resolve_fonts({"song": ["AR PL UMing CN", "WenQuanYi Zen Hei"]})
    try:
        return fonts.font("song")
    except Exception as exc:  # noqa: BLE001 - no CJK font on this machine
        pytest.skip(f"no CJK font: {exc}")


SAMPLE = (
    "已完成开放实验室减费9265.2万元；共出动人员30482人次，检查供电、供气、专业市场、银行、行政事业单位等"
    "14523家。下发《关于进一步落实秋冬季冷链食品常态化疫情防控工作的通知》。开展冷链食品物防工作"
    "“回头看”行动，组织实战化应急演练——全省累计查处价格违法案件780余件……（完）"
)


@pytest.mark.parametrize("points", [60, 97.5, 120, 155, 200, 277, 442])
def test_reportlab_paragraph_lines(cjk_font: str, points: float) -> None:
    style = ParagraphStyle("t", fontName=cjk_font, fontSize=12, leading=18, wordWrap="CJK")
    para = CJKParagraph(SAMPLE, style)
    para.wrap(points, 10000)
    lines = line_texts(para)
    assert "".join(lines) == SAMPLE
    for line in para.blPara.lines:
        assert line.currentWidth <= points + 1e-6  # nothing hangs past the edge
    check(SAMPLE, lines, points / 12 * 2)  # widths only bound-checked above; rules here


def test_split_paragraph_keeps_text_without_extra_spaces(cjk_font: str) -> None:
    style = ParagraphStyle("t", fontName=cjk_font, fontSize=12, leading=18, wordWrap="CJK")
    para = CJKParagraph(SAMPLE, style)
    para.wrap(150, 10000)
    first, rest = para.split(150, 18 * 3)
    rest.wrap(150, 10000)
    assert "".join(line_texts(first) + line_texts(rest)) == SAMPLE


def test_fast_text_output_matches_reportlab_textout(cjk_font: str) -> None:
    """The lean drawing writes exactly the operators of reportlab's own text object calls, also
    past the first 256-glyph subset, for brackets and backslashes and for a no-break space."""
    import io

    from bulletin.render.rlinternals import TextPen
    from reportlab.pdfgen.canvas import Canvas

    ideographs = [chr(c) for c in range(0x4E00, 0x4E00 + 700)]
    texts = ["(x)\\y", "\xa0 a", *("".join(ideographs[i:i + 37]) for i in range(0, 700, 37)),
             "".join(ideographs[::-3]), "国(家)\\", "", "(x)\\y", "国(家)\\", "".join(ideographs[300:320]),
             "".join(ideographs[300:320])]

    def draw(lean: bool) -> bytes:
        canvas = Canvas(io.BytesIO(), invariant=1)
        tx = canvas.beginText()
        show = TextPen(tx)
        for n, text in enumerate(texts):
            size = 12 + n % 2
            if lean:
                show.origin(n * 1.5, 700 - n * 18.25)
                show.char_space(-0.125 * (n % 3))
                show.font(cjk_font, size)
                show(text)
            else:
                tx.setTextOrigin(n * 1.5, 700 - n * 18.25)
                tx.setCharSpace(-0.125 * (n % 3))
                tx.setFont(cjk_font, size)
                tx.textOut(text)
        return tx.getCode()

    assert draw(lean=True) == draw(lean=False)
