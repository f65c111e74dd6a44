"""Data tables of a saved page → `Table`: read cell by cell on a grid, so `rowspan` and
`colspan` give items, continuation rows and section rows exactly."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..diagnostics import diagnostic
from ..model import Cell, Change, Diagnostic, ItemRow, Para, SectionRow, Table
from .common import ITEM_NUMBER, SECTION_ROW, Src, multi_column, name_column, numbered
from .header import compact
from .html_dom import Walker, cells_of, header_row, lines_of, rows_of, span


@dataclass(eq=False)
class _Cell:
    """A <td> placed in the table grid: the row it starts in, and its text lines."""

    el: etree._Element
    row: int
    colspan: int
    _lines: list[Src] | None = None

    @property
    def lines(self) -> list[Src]:
        if self._lines is None:
            self._lines = lines_of(self.el)
        return self._lines

    @property
    def text(self) -> str:
        return "".join(ln.s for ln in self.lines)


_MAX_SLOTS = 100


def _grid(rows: list[etree._Element]) -> list[list[_Cell | None]]:
    """Lay the rows out on a grid: a cell with rowspan/colspan occupies every slot it covers."""
    grid: list[list[_Cell | None]] = []
    above: dict[int, tuple[_Cell, int]] = {}  # slot → (cell spanning down into it, rows left)
    for r, tr in enumerate(rows):
        slots: dict[int, _Cell] = {}
        for k, (cell, left) in list(above.items()):
            slots[k] = cell
            if left > 1:
                above[k] = (cell, left - 1)
            else:
                del above[k]
        k = 0
        for td in cells_of(tr):
            while k in slots:
                k += 1
            if k >= _MAX_SLOTS:
                break
            cs, rs = min(span(td, "colspan"), _MAX_SLOTS - k), span(td, "rowspan")
            cell = _Cell(td, r, cs)
            for j in range(k, k + cs):
                slots[j] = cell
                if rs > 1:
                    above[j] = (cell, rs - 1)
            k += cs
        width = max(slots) + 1 if slots else 0
        grid.append([slots.get(j) for j in range(width)])
    return grid


def read_table(el: etree._Element, changes: list[Change], diags: list[Diagnostic]) -> tuple[Table, list[Src]]:
    """Read a data table: the Table, and its closing lines (notes or a signature in full-width
    rows after the last item, text left outside the cells)."""
    rows = rows_of(el)
    h = header_row(el) or 0
    grid = _grid(rows)
    heads = [h]  # a two-level header: the rows the 序号 cell's rowspan covers
    while heads[-1] + 1 < len(rows) and grid[heads[-1] + 1][:1] == [grid[h][0]]:
        heads.append(heads[-1] + 1)
    names, col_of = _columns(grid, heads)
    multi = multi_column(names)
    name_col = name_column(names, multi)
    header = [compact(n) for n in names]
    by_number = numbered(header)
    out: list[ItemRow | SectionRow] = []
    item: ItemRow | None = None
    spanning: dict[int, list[Src]] = {}  # full-width rows: their lines, in case they close the table
    for r in range(heads[-1] + 1, len(rows)):
        distinct = list(dict.fromkeys(c for c in grid[r] if c is not None))
        own = [c for c in distinct if c.row == r]
        if not any(c.lines for c in own):
            continue
        cols: list[list[_Cell]] = [[] for _ in names]
        for k, cell in enumerate(grid[r]):
            if cell is not None and cell not in cols[col_of[k]]:
                cols[col_of[k]].append(cell)
        if compact(distinct[0].text) == header[0] and [compact("".join(c.text for c in col))
                                                         for col in cols] == header:
            changes.append(Change(kind="header-repeat", line=rows[r].sourceline, before="\t".join(names), after=""))
            continue
        if len(distinct) == 1 and (own[0].colspan >= len(grid[heads[-1]]) or not ITEM_NUMBER.match(own[0].text)):
            # one cell across the table (or the only cell of its row, and no item number)
            out.append(SectionRow(text=own[0].text, line=own[0].lines[0].no))
            spanning[id(out[-1])] = own[0].lines
            item = None
        elif _section_cell(own, grid[r], col_of, multi) is not None:
            # no number, one short text outside the progress column: a section row without colspan
            cell = _section_cell(own, grid[r], col_of, multi)
            out.append(SectionRow(text=cell.text, line=cell.lines[0].no))
            spanning[id(out[-1])] = cell.lines
            item = None
        elif item is not None and _continues(grid[r][0], r, cols, multi, by_number):
            for ci, col in enumerate(cols):  # the row's own cells become a further group
                paras = item.cells[ci].paragraphs
                group = paras[-1].group + 1 if paras else 0
                paras += [Para(text=ln.text, group=group, line=ln.no) for c in col if c.row == r for ln in c.lines]
        else:
            item = _item(cols, name_col if by_number else 0, rows[r].sourceline)
            out.append(item)
    after: list[Src] = []
    while out and isinstance(out[-1], SectionRow) and not SECTION_ROW.match(out[-1].text):
        after[:0] = spanning[id(out.pop())]
    first = grid[h][0] if grid[h] else None
    table = Table(columns=names, rows=out, name_column=name_col, progress_column=multi or None,
                  line=first.lines[0].no if first and first.lines else rows[h].sourceline)
    stray = _stray_lines(el)
    diags += [diagnostic("unplaced-line", ln.no, "kept as text after the table: text inside the table but "
                         f"outside its cells: {ln.s[:30]!r}") for ln in stray]
    return table, after + stray


def _section_cell(own: list[_Cell], row: list[_Cell | None], col_of: list[int], multi: int) -> _Cell | None:
    """The cell of a section row drawn without colspan: the row's only text, not in the number or
    the progress column, short and without an entry marker."""
    filled = [c for c in own if c.lines]
    if len(filled) != 1 or (row and row[0] is not None and row[0].lines):
        return None
    cell = filled[0]
    k = row.index(cell)
    if col_of[k] in (0, multi) or len(cell.text) > 40 or ITEM_NUMBER.match(cell.text) or cell.text.endswith("。"):
        return None
    return cell


def _columns(grid: list[list[_Cell | None]], heads: list[int]) -> tuple[list[str], list[int]]:
    """The column names, and the column of each grid slot.

    The last header row decides the columns: slots under one header cell (colspan) are one
    column; a two-level header names a column `上级/下级`. Slots past the header go to the last.
    """
    names: list[str] = []
    col_of: list[int] = []
    last = grid[heads[-1]]
    for k in range(max(len(g) for g in grid[heads[0]:])):
        cell = last[k] if k < len(last) else None
        if k and (k >= len(last) or (cell is not None and cell is last[k - 1])):
            col_of.append(col_of[-1])
            continue
        parts = [c.text for r in heads if k < len(grid[r]) and (c := grid[r][k]) is not None]
        names.append("/".join(dict.fromkeys(p for p in parts if p)))
        col_of.append(len(names) - 1)
    return names, col_of


def _continues(first: _Cell | None, r: int, cols: list[list[_Cell]], multi: int, numbered: bool) -> bool:
    """Whether row r goes on the item above: its number cell spans down from above (rowspan), or
    it is blank and no column but the multi-line one starts text in this row. Under a first
    column that is no number (类别 spanning its rows), only the second holds."""
    if first is None or (first.row < r and numbered):
        return True
    if first.lines:
        return False
    return not any(c.row == r and c.lines for ci, col in enumerate(cols) if ci not in (0, multi) for c in col)


def _stray_lines(table: etree._Element) -> list[Src]:
    """Text that broken markup left inside a table but outside any cell (a browser shows it too)."""
    w = Walker(set())
    allowed = {"table": ("tr", "thead", "tbody", "tfoot", "caption", "colgroup", "col"),
               "thead": ("tr",), "tbody": ("tr",), "tfoot": ("tr",), "tr": ("td", "th")}

    def visit(node: etree._Element) -> None:
        w.text(node.text, node.sourceline)
        for child in node:
            if child.tag in allowed[node.tag]:
                if child.tag in allowed:
                    visit(child)
            else:
                w.walk(child)
            w.text(child.tail, child.sourceline)

    visit(table)
    w.brk()
    return [u for u in w.units if isinstance(u, Src)]


def _item(cols: list[list[_Cell]], name_col: int | None, line: int | None) -> ItemRow:
    cells = [Cell(paragraphs=[Para(text=ln.text, line=ln.no) for c in col for ln in c.lines]) for col in cols]
    first = cells[0].paragraphs[0] if cells[0].paragraphs else None
    number = None
    if first is not None:
        m = ITEM_NUMBER.match(first.text.strip())
        number = m[1] if m else first.text.strip() or None
    name = None
    if name_col is not None and name_col < len(cells) and cells[name_col].paragraphs:
        name = "".join(p.text.strip() for p in cells[name_col].paragraphs)
    return ItemRow(number=number, name=name, cells=cells, line=first.line if first else line)
