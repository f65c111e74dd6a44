"""The PDF's tables: a reportlab flowable that measures each row once, repeats its header on every
page, splits a row across a page end, and draws the cell paragraphs of a page into one text
object.

reportlab's `Table` does the same job by building two new tables at every page end, copying and
re-measuring the cells and style commands of everything left, and drawing each cell paragraph
inside its own saved graphics state: a fifth of a 20-page report's render. Here a page end cuts
the list of rows; the cells are the same flowables, measured once.

Layout is reportlab's: a cell's flowables stack from its top padding (or centred, or from the
bottom), the first one's space before not counted; the table is centred in the frame; every part
is closed by the grid, so a row cut by a page end has a line under its first part. A row that does
not fit splits inside (its paragraphs keep two lines on each side) when its part on this page gets
at least `min_part`, and so does what is left of the table; otherwise it moves to the next page
with the rows after it (a row alone on its page always splits: it has nowhere else to go).
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from .rlinternals import text_pen

#: Height given to a cell's flowables when they are wrapped: a paragraph's height depends only on
#: its width, so any height will do (reportlab's Table passes its own large default too).
_ANY_HEIGHT = 72000


class Row:
    """One row: a list of flowables per column (one cell across the table when `span`), each
    cell's vertical alignment ('top', 'center', 'bottom'), and its height once measured."""

    __slots__ = ("cells", "valign", "span", "height", "stacks")

    def __init__(self, cells: list[list[Flowable]], valign: list[str], span: bool = False,
                 height: float | None = None):
        self.cells, self.valign, self.span, self.height = cells, valign, span, height
        self.stacks: list[tuple[float, list[tuple]]] | None = None  # per cell: (height, [(flowable, h, before, after)])


def _stack(cell: list[Flowable], width: float) -> tuple[float, list[tuple]]:
    """Wrap a cell's flowables at `width`; return the height they take and each one's
    (flowable, height, space before, space after). The first space before and the last space
    after are not part of the height (as in reportlab's Table)."""
    items, total = [], 0.0
    for v in cell:
        h = v.wrap(width, _ANY_HEIGHT)[1]
        before, after = v.getSpaceBefore(), v.getSpaceAfter()
        items.append((v, h, before, after))
        total += h + before + after
    if items:
        total -= items[0][2] + items[-1][3]
    return total, items


def _split_cell(items: list[tuple], width: float, room: float) -> tuple[list | None, list]:
    """The flowables of a cell that fit in `room` (the one that does not is split when it can,
    and everything after it waits), and those that wait; (None, …) when no text fits."""
    top: list[Flowable] = []
    bottom: list[Flowable] = []
    used, text = 0.0, False
    for v, h, before, after in items:
        if bottom:
            bottom.append(v)
        elif used + before + h <= room:
            top.append(v)
            used += before + h + after
            text = text or h > 0
        else:
            parts = v.split(width, room - used - before)
            if len(parts) == 2:
                top.append(parts[0])
                bottom.append(parts[1])
                text = True
            else:
                v.wrap(width, _ANY_HEIGHT)  # a paragraph that failed to split forgot its lines
                bottom.append(v)
    if not text and bottom:
        return None, bottom
    return top, bottom


def _draw_at(v: Flowable, canv, x: float, y: float, pen) -> None:
    draw_at = getattr(v, "draw_at", None)  # CJKParagraph: into the table's one text object
    if draw_at is not None and draw_at(canv, x, y, pen):
        return
    if v.width or v.height:  # the text so far goes first (a bookmark draws nothing)
        pen.flush()
    v.drawOn(canv, x, y)


class RowTable(Flowable):
    """A grid table of `header` (repeated on every page) and `rows`; see the module's doc."""

    def __init__(self, header: Row, rows: list[Row], widths: list[float], *, padding: float,
                 padding_vertical: float, border: float, color, min_part: float):
        super().__init__()
        self.hAlign = "CENTER"  # noqa: N815 - reportlab's name: centred in the frame, as its Table
        self.header, self.rows, self.widths = header, rows, widths
        self.padding, self.padding_vertical = padding, padding_vertical
        self.border, self.color, self.min_part = border, color, min_part
        self.xs = [0.0]
        for w in widths:
            self.xs.append(self.xs[-1] + w)
        self.width = self.xs[-1]
        self._body: float | None = None  # the rows' heights, added up on first wrap

    def _part(self, rows: list[Row], body: float | None = None) -> RowTable:
        """A table of some of the rows; `body`, their heights' sum when known (a page end takes
        the rows of one page: what is left is known without adding up every row again)."""
        part = RowTable(self.header, rows, self.widths, padding=self.padding,
                        padding_vertical=self.padding_vertical, border=self.border, color=self.color,
                        min_part=self.min_part)
        part._body = body
        return part

    def _stacks(self, row: Row) -> list[tuple[float, list[tuple]]]:
        if row.stacks is None:
            inner = 2 * self.padding
            widths = [self.width] if row.span else self.widths
            row.stacks = [_stack(cell, w - inner) for cell, w in zip(row.cells, widths, strict=False)]
            if row.height is None:
                row.height = max((s[0] for s in row.stacks), default=0.0) + 2 * self.padding_vertical
        return row.stacks

    def _height(self, row: Row) -> float:
        self._stacks(row)
        return row.height  # type: ignore[return-value]

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        if self._body is None:
            self._body = sum(self._height(r) for r in self.rows)
        self.height = self._height(self.header) + self._body
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        used, n = self.header.height, 0
        for row in self.rows:
            if used + row.height > availHeight:
                break
            used += row.height
            n += 1
        if used > availHeight or n == len(self.rows):
            return []
        taken = used - self.header.height  # the heights of rows[:n]
        row = self.rows[n]
        after = self._body - taken - row.height
        cut = self._split_row(row, availHeight - used, after, n == 0)
        if cut:
            return [self._part([*self.rows[:n], cut[0]], taken + cut[0].height),
                    self._part([cut[1], *self.rows[n + 1:]], cut[1].height + after)]
        if n > 1 and self.rows[n - 1].span:  # a row across the table heads the rows after it (unless
            n -= 1                           # it fills the page alone: it could go nowhere else)
            taken -= self.rows[n].height
        if not n:
            return []
        return [self._part(self.rows[:n], taken), self._part(self.rows[n:], self._body - taken)]

    def _split_row(self, row: Row, room: float, after: float, alone: bool) -> tuple[Row, Row] | None:
        """Cut `row` so that its first part takes at most `room`; None when it cannot be cut: a row
        across the table with rows above it on this page, too little room, a cell whose first
        paragraph cannot leave two lines on each side, or (when rows above it can take this page:
        not `alone`) less than `min_part` of the table (its rows `after` this one included) left for the next page."""
        if (row.span and not alone) or room < self.min_part:
            return None  # a row across the table (a section's name) moves whole unless it is alone
        pad, inner = 2 * self.padding_vertical, 2 * self.padding
        tops, bottoms = [], []
        for (_, items), width in zip(self._stacks(row), [self.width] if row.span else self.widths, strict=True):
            top, bottom = _split_cell(items, width - inner, room - pad)
            if top is None:
                return None
            tops.append(top)
            bottoms.append(bottom)
        if not any(bottoms):
            return None
        top_row = Row(tops, ["top"] * len(tops), row.span)
        bottom_row = Row(bottoms, ["top"] * len(bottoms), row.span)
        top_row.height = min(room, self._height(top_row))
        bottom_row.height = max(self._height(bottom_row), row.height - top_row.height)
        if not alone and bottom_row.height + after < self.min_part:
            return None
        return top_row, bottom_row

    def draw(self):
        canv = self.canv
        canv.saveState()  # paragraphs set their colours, the grid its line
        pen = text_pen(canv)
        pad, vpad = self.padding, self.padding_vertical
        top = self.height
        for row in (self.header, *self.rows):
            bottom = top - row.height
            for c, (content, items) in enumerate(self._stacks(row)):
                valign = row.valign[c]
                if valign == "top":
                    y = top - vpad
                elif valign == "bottom":
                    y = bottom + vpad + content
                else:
                    y = bottom + (row.height + content) / 2
                if items:
                    y += items[0][2]
                x = self.xs[c] + pad
                for v, h, before, after in items:
                    y -= before + h
                    _draw_at(v, canv, x, y, pen)
                    y -= after
            top = bottom
        canv.drawText(pen.tx)
        self._grid(canv)
        canv.restoreState()

    def _grid(self, canv) -> None:
        """Every row's top and bottom line, the outer sides, and the column lines of each run of
        rows that are not one cell across."""
        rows = (self.header, *self.rows)
        ys = [self.height]
        for row in rows:
            ys.append(ys[-1] - row.height)
        width, lines = self.width, []
        lines += [(0, y, width, y) for y in ys]
        lines += [(x, ys[0], x, ys[-1]) for x in (0, width)]
        start = None
        for i, row in enumerate((*rows, None)):
            if row is not None and not row.span:
                start = i if start is None else start
            elif start is not None:
                lines += [(x, ys[start], x, ys[i]) for x in self.xs[1:-1]]
                start = None
        canv.setStrokeColor(self.color)
        canv.setLineWidth(self.border)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        canv.lines(lines)
