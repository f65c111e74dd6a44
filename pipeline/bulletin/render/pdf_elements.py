"""The flowables of the GB/T 9704 elements that are not running text: a line of texts set at
given places (the 发文字号 with the 签发人), and the 版记 at the foot of the last, even page.

The 版记 is placed by two `ToEvenPage` flowables and the `RecordBox` after them. A `ToEvenPage`
takes the rest of its page when the page is odd, or when the 版记 does not fit under what is on
it; else it takes no room. Two of them always reach an even page with room: an odd page with
text is left for the next (even) page; an even page without room for the next but one, the odd
page between left blank. The `RecordBox` then takes the rest of the page and draws its lines
from the type area's bottom edge up. The blank page and the 版记's page are put in `unnumbered`,
which the page-number callback (run at each page's end) reads.
"""

from __future__ import annotations

from reportlab.platypus import Flowable


class Placed(Flowable):
    """One line of paragraphs, each set from its own x (pt from the type area's left edge)."""

    def __init__(self, parts: list[tuple[float, Flowable]], height: float):
        super().__init__()
        self.parts, self.line = parts, height

    def wrap(self, aw, ah):
        for x, p in self.parts:
            p.wrap(aw - x, ah)
        self.width, self.height = aw, self.line
        return aw, self.line

    def draw(self):
        for x, p in self.parts:
            p.drawOn(self.canv, x, self.height - p.height)


class RecordBox(Flowable):
    """版记 [std 7.4]: the first rule, the 抄送 paragraph, the middle rule, the 印发 line
    (printer left, date right: two full-width paragraphs), the last rule on the bottom edge of
    the type area. It takes the rest of the page and draws from the bottom."""

    spaceBefore = spaceAfter = 0  # noqa: N815 - what Flowable's getters find by failing hasattr

    def __init__(self, cc: Flowable | None, printed: list[Flowable], pitch: float, rules: tuple[float, float],
                 color, unnumbered: set[int]):
        super().__init__()
        self.cc, self.printed, self.pitch = cc, printed, pitch
        self.outer, self.inner = rules
        self.color, self.unnumbered = color, unnumbered
        self._cc_height = 0.0

    def need(self, aw: float) -> float:
        """The height of its lines, rules included."""
        self._cc_height = self.cc.wrap(aw, 1e6)[1] if self.cc is not None else 0.0
        return self._cc_height + (self.pitch if self.printed else 0.0) + self.outer / 2

    def wrap(self, aw, ah):
        self.width, self.height = aw, max(ah, self.need(aw))
        return aw, self.height

    def draw(self):
        canv = self.canv
        self.unnumbered.add(canv.getPageNumber())
        canv.setStrokeColor(self.color)
        y = 0.0
        rules = [(y, self.outer)]  # the last on the type area's bottom edge
        if self.printed:
            for p in self.printed:
                p.wrap(self.width, self.pitch)
                p.drawOn(canv, 0, y + self.pitch - p.height)
            y += self.pitch
            if self.cc is not None:
                rules.append((y, self.inner))
        if self.cc is not None:
            self.cc.drawOn(canv, 0, y)
            y += self._cc_height
        rules.append((y, self.outer))
        for at, width in rules:
            if width <= 0:  # a format without rules (信函格式): a 0 width would be a hairline
                continue
            canv.setLineWidth(width)
            canv.line(0, at, self.width, at)


class ToEvenPage(Flowable):
    """Takes the rest of an odd page, or of an even page the 版记 does not fit on (see the
    module's docstring); a page it takes whole is blank and unnumbered."""

    spaceBefore = spaceAfter = 0  # noqa: N815 - what Flowable's getters find by failing hasattr

    def __init__(self, record: RecordBox, full: float):
        super().__init__()
        self.record, self.full = record, full

    def wrap(self, aw, ah):
        odd = self.canv.getPageNumber() % 2 == 1
        skip = odd or self.record.need(aw) > ah
        # a page with no room left: more than the room, so that the frame ends the page
        self.width, self.height = aw, (0.0 if not skip else ah if ah > 0.5 else ah + 1)
        return aw, self.height

    def draw(self):
        if self.height >= self.full - 0.01:
            self.record.unnumbered.add(self.canv.getPageNumber())


def double_line(canv, x0: float, x1: float, y: float, thick: float, thin: float, gap: float, *,
                thick_above: bool, color) -> None:
    """A double rule from x0 to x1, its upper line's top at y: thick over thin, or thin over thick
    (the 信函格式's red lines, GB/T 9704 10.1)."""
    canv.setStrokeColor(color)
    first, second = (thick, thin) if thick_above else (thin, thick)
    canv.setLineWidth(first)
    canv.line(x0, y - first / 2, x1, y - first / 2)
    canv.setLineWidth(second)
    y2 = y - first - gap - second / 2
    canv.line(x0, y2, x1, y2)
