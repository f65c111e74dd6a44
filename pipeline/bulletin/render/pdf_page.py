"""What the PDF draws on each page outside the flow of text: the page number, and the 信函格式's
版头 on page 1 (GB/T 9704 7.5, 10.1)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from ..fonts import FontSet
from . import layout
from .pdf_elements import double_line
from .rlinternals import text_pen


def _color(hex6: str):
    return colors.HexColor("#" + hex6)


def _glyph_middle(font_name: str, ch: str) -> float:
    """Return the vertical middle of `ch`'s outline in em (0.39 for a CJK em dash), else 0.35."""
    face = pdfmetrics.getFont(font_name).face
    gid = face.charToGlyph.get(ord(ch))
    try:
        pos, nxt = face.glyphPos[gid], face.glyphPos[gid + 1]
        if nxt > pos:
            face.seek(face.get_table_pos("glyf")[0] + pos + 4)
            y0, _x1, y1 = face.read_short(), face.read_short(), face.read_short()
            return (y0 + y1) / 2 / face.unitsPerEm
    except (TypeError, IndexError, KeyError, AttributeError):
        pass
    return 0.35


def letter_head(canv, style, fonts: FontSet, issuer: str) -> None:
    """The 信函格式's 版头 on page 1 [std 10.1]: the red mark `issuer_top` under the paper's top
    edge, centred on the type area, a double line under it and one above the paper's foot."""
    page, letter, role = style.page, style.letter, style.role("issuer")
    size, color = role.size.pt, _color(role.color)
    runs, _ = fonts.runs(issuer, role.font)
    width = sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs)
    middle = page.margin_left.pt + page.type_width.pt / 2
    top = page.height.pt - letter.issuer_top.pt
    pen = text_pen(canv)
    pen.origin(middle - width / 2, top - 0.88 * size)  # an ideograph's top stands 0.88 em over its baseline
    canv.setFillColor(color)
    for f, t in runs:
        pen.font(f, size)
        pen(t)
    canv.drawText(pen.tx)
    x0, x1 = middle - letter.rule_length.pt / 2, middle + letter.rule_length.pt / 2
    kw = dict(thick=letter.thick.pt, thin=letter.thin.pt, gap=letter.rule_spacing.pt, color=color)
    double_line(canv, x0, x1, top - size - letter.rule_gap.pt, thick_above=True, **kw)
    below = letter.bottom_rule.pt + letter.thick.pt + letter.rule_spacing.pt + letter.thin.pt
    double_line(canv, x0, x1, below, thick_above=False, **kw)


def page_decoration(style, fonts: FontSet, pub_date: str | None, unnumbered: set[int],
                     letter_issuer: str | None = None):
    """Return the callback run at each page's end: the page number `— N —` below the type area,
    outer side; none on the pages in `unnumbered` (the 版记's, and the blank page before it; the
    letter's first page, whose 版头 it draws)."""
    page, pn, role = style.page, style.page_number, style.role("page_number")
    size = role.size.pt
    # The dash (U+2014) sits `below_type_area` under the type area (GB/T 9704 7.5).
    base = (page.margin_bottom - pn.below_type_area).pt - _glyph_middle(fonts.font(role.font), "—") * size
    left, width, inner = page.margin_left.pt, page.type_width.pt, pn.indent * size

    def on_page(canv, _doc):
        n = canv.getPageNumber()
        if n == 1:
            canv.showOutline()  # open the bookmarks: a 50-item report is navigated by them
            if pub_date:
                canv.setDateFormatter(lambda *_: pub_date)
            if letter_issuer:
                letter_head(canv, style, fonts, letter_issuer)
        if n in unnumbered:
            return
        text, side = layout.page_number(style, n)
        runs, _ = fonts.runs(text, role.font)
        w = sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs)
        x = {"left": left + inner, "right": left + width - inner - w, "center": left + (width - w) / 2}[side]
        pen = text_pen(canv)
        pen.origin(x, base)
        for f, t in runs:  # one text object: each run starts where the one before ended
            pen.font(f, size)
            pen(t)
        canv.drawText(pen.tx)

    return on_page
