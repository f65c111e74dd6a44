"""Keeps that do not chain: a paragraph kept with what stands before it by its first lines, and
with what follows it by its last lines, while the rest of it may fall on the page before or after.

reportlab's `keepWithNext` glues whole flowables: a heading kept with a long paragraph moves
the paragraph whole (three empty lines at a page foot for a four-line paragraph), and a run of
kept flowables chains down to the signature, which then moves alone. `KeepLines` keeps only the
lines GB/T 9704 practice asks for: a heading with the first two lines of its text, the 署名 and
成文日期 (and the 附件说明) with the last two lines of the body (7.3.5: 不得单独成页).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from .linebreak import CJKParagraph


class KeepLines(KeepTogether):
    """`before`, `para` and `after` on one page where they fit; where not, `para` is cut so that
    at least `head` of its lines stay with `before` and at least `tail` with `after`. A block
    that cannot be cut so moves to the next page whole (KeepTogether's own rule); one taller than
    a page flows."""

    def __init__(self, before: list[Flowable], para: CJKParagraph, after: list[Flowable], *, head: int = 0,
                 tail: int = 0):
        super().__init__([*before, para, *after])
        self.before, self.para, self.after = before, para, after
        self.head, self.tail = head, tail

    def split(self, aW, aH):  # noqa: N803 - reportlab's names
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H <= aH:
            return super().split(aW, aH)
        used = 0.0
        for f in self.before:
            _w, h = f.wrapOn(self.canv, aW, aH)
            used += h + (f.getSpaceBefore() if used else 0) + f.getSpaceAfter()
        para = self.para
        _w, _h = para.wrapOn(self.canv, aW, aH)
        lines = para.blPara.lines if getattr(para.blPara, "kind", 0) == 1 else None
        if lines:
            leading = para.style.leading
            room = aH - used - (para.getSpaceBefore() if used else 0)
            keep = min(int(room / leading + 1e-6), len(lines) - max(self.tail, 2))
            if keep >= max(self.head, 2):
                parts = para.split(aW, keep * leading + 1e-3)
                if len(parts) == 2:
                    return [*self.before, parts[0], KeepTogether([parts[1], *self.after])]
        return super().split(aW, aH)
