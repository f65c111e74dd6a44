"""Tables in flattened text, found by their shape: a 序号 header one cell a line, tab-separated
rows under a header of short names, pipe tables, and figures tables one cell a line.

`text.py` finds where a table starts (`table_start`, `cell_run`) and hands the lines to
`read_table` / `cell_table`; each returns the Table and where the text after it resumes.
"""

from __future__ import annotations

import re

from ..chinese import ENTRY_MARKER
from ..diagnostics import diagnostic
from ..model import Cell, Diagnostic, ItemRow, SectionRow, Table
from ..patterns import lazy
from .common import (
    ITEM_NUMBER,
    SECTION_ROW,
    TABLE_HEADER,
    Src,
    entry,
    heading_of,
    is_date_line,
    item_number,
    looks_like_signer,
    multi_column,
    name_column,
    numbered,
)

# --- pipe tables ------------------------------------------------------------------------------

_PIPE_ROW = lazy(r"^\s*\|?(?:[^|]*\|){2,}[^|]*$")  # `| a | b |`, `a | b | c`
_PIPE_CELL = lazy(r"^(?P<cell>.*\S)\s+\|\s*$")  # one cell a line, closed by ` |`
_PIPE_RULE = lazy(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")  # |---|:--:|
_LONE_PIPE = lazy(r"^\s*\|\s*$")


def pipes_to_tabs(stream: list[Src]) -> list[Src]:
    """Tables drawn with `|` (Markdown pipe tables, and text scrapes that close each cell with ` |`)
    become the tab-separated or one-cell-a-line forms the table reader knows; a line holding only
    `|` (a row's end) or a `|---|` rule becomes blank. Text without such lines is left as it is."""
    piped = [ln for ln in stream if "|" in ln.text]
    marked = sum(1 for ln in piped
                 if _PIPE_CELL.match(ln.text) or _PIPE_ROW.match(ln.text) or _LONE_PIPE.match(ln.text))
    if marked < 3 and not (marked == 2 and any(ln.text.count("|") >= 3 for ln in piped)):
        return stream  # a stray `|` is no table; two rows of three cells are
    out = []
    for ln in stream:
        t = ln.text
        if "|" not in t:  # prose, and a rule of dashes with no pipe in it, stay as they are
            out.append(ln)
            continue
        if _LONE_PIPE.match(t) or _PIPE_RULE.match(t):
            t = ""
        elif _PIPE_ROW.match(t) and t.count("|") >= 2:
            cells = t.strip().strip("|").split("|")
            t = "\t".join(c.strip() for c in cells)
        elif m := _PIPE_CELL.match(t):
            t = m["cell"]
        out.append(Src(ln.no, t))
    return out


# a figure cell of a statistics table: `162817吨`, `-9.7`, `100%`, `15.2万元`, `—`
_UNIT = (r"(?:%|‰|个百分点|[万亿千百]?(?:元|美元|吨|吨公里|人公里|人次|人|户|家|辆|公顷|亩|千瓦时|千瓦|件|次|项|"
         r"所|套|台|座|米|公里|平方米|立方米|千升|升|箱|标箱|头|只|羽|张|册|篇|部|条|处|个|床|名|斤|公斤|千克|克|倍))")
_FIGURE = lazy(rf"^(?:[-+−]?\d[\d,，.]*\s*(?:{_UNIT}|[A-Za-z/]{{1,4}})?|[-—－/]+)$")  # 1总则 is no figure
_CELL_LINE = 24  # a cell of a one-cell-a-line figures table is at most this long


def _short_cell(ln: Src) -> bool:
    return 0 < len(ln.s) <= _CELL_LINE and not re.search(r"[。；，]", ln.s) and not TABLE_HEADER.match(ln.s)


def cell_run(lines: list[Src], k: int) -> tuple[int, int, int, int] | None:
    """A table of figures printed one cell a line, with no 序号 (a 统计公报's 主要产品产量):
    (index of the header's first line, columns, header cells, rows) when the short lines from
    lines[k] on read as a header of names (a caption line may stand over it) over rows of a name and
    figures; None otherwise. Tried only where a run of short lines starts."""
    if not _short_cell(lines[k]) or _FIGURE.match(lines[k].s):
        return None
    before = next((ln for ln in reversed(lines[max(0, k - 4) : k]) if ln.s), None)
    if before is not None and _short_cell(before):
        return None
    run: list[Src] = []
    for ln in lines[k : k + 2000]:
        if not ln.s:
            continue
        if not _short_cell(ln):
            break
        run.append(ln)
    best = None
    for start in (0, 1):  # a caption line may stand over the header
        for ncols in range(2, 9):
            for nhead in (ncols, ncols - 1):  # the header's first cell (over the names) may be empty
                rows = (len(run) - start - nhead) // ncols
                if rows < 1 or (rows == 1 and ncols < 3):
                    continue
                head = run[start : start + nhead]
                data = run[start + nhead : start + nhead + rows * ncols]
                if all(_FIGURE.match(c.s) for c in head) or _FIGURE.match(head[0].s) and nhead == ncols:
                    continue
                cells = [data[r * ncols : (r + 1) * ncols] for r in range(rows)]
                if all(not _FIGURE.match(row[0].s) and all(_FIGURE.match(c.s) for c in row[1:]) for row in cells):
                    covered = rows * ncols
                    if best is None or covered > best[0]:
                        best = (covered, start, ncols, nhead, rows)
        if best is not None:
            break
    if best is None:
        return None
    _, start, ncols, nhead, rows = best
    return lines.index(run[start]), ncols, nhead, rows


def cell_table(lines: list[Src], shape: tuple[int, int, int, int]) -> tuple[Table, int]:
    """Read the figures table `cell_run` found; return it and the index after it."""
    k, ncols, nhead, rows = shape
    cells = [ln for ln in lines[k:] if ln.s][: nhead + rows * ncols]
    head = [""] * (ncols - nhead) + [ln.s for ln in cells[:nhead]]
    data = cells[nhead:]
    items = []
    for r in range(rows):
        row = data[r * ncols : (r + 1) * ncols]
        row_cells = [Cell(paragraphs=[entry(c.text, c.no, 0)]) for c in row]
        items.append(ItemRow(number=row[0].s, name=row[0].s, cells=row_cells, line=row[0].no))
    end = lines.index(cells[-1]) + 1
    return Table(columns=head, rows=items, line=cells[0].no), end


TABLE_NOTE = lazy(r"^(?:注|备注|说明|数据来源|资料来源)\s*\d?\s*[:：]")


def table_start(lines: list[Src], k: int) -> bool:
    """Whether a table's header starts at lines[k]: a line starting with 序号, or a tab-separated
    line of short names followed by at least two tab-separated rows (whatever the first column)."""
    s = lines[k].s
    if TABLE_HEADER.match(s):
        return True
    if "\t" not in lines[k].text:
        return False
    above = next((ln for ln in reversed(lines[max(0, k - 3) : k]) if ln.s), None)
    if above is not None and "\t" in above.text:
        return False  # a row of the table above
    cells = [c.strip() for c in lines[k].text.split("\t") if c.strip()]
    if len(cells) < 2 or ITEM_NUMBER.match(cells[0]) or any(len(c) > 20 or re.search(r"[。；:：]", c) for c in cells):
        return False  # a numbered row is data, never a header
    rows = [ln for ln in lines[k + 1 : k + 8] if ln.s][:2]
    return len(rows) == 2 and all("\t" in ln.text for ln in rows)


def _spaced_rows(lines: list[Src], ncols: int) -> list[Src]:
    """Rows whose cells a scrape separated by single spaces, as tab rows: the first ncols - 1
    spaces after an item number split a line; a line with no number continues the cell above."""
    out, prev = [], None
    for ln in lines:
        number = item_number(ln.s.split(" ", 1)[0], prev)
        if number is None:
            out.append(ln)
        else:
            out.append(Src(ln.no, "\t".join(ln.s.split(" ", ncols - 1))))
            prev = int(number)
    return out


def _header_cells(lines: list[Src], h: int) -> tuple[list[Src], int, bool]:
    """Return the header cells, the index after them, and whether cells are tab-separated."""
    first = lines[h]
    parts = [p for p in re.split(r"\t+| {2,}|\u3000+", first.s) if p.strip()]
    if len(parts) >= 2:
        return [Src(first.no, p.strip()) for p in parts], h + 1, "\t" in first.text
    words = first.s.split(" ")
    if len(words) >= 3 and all(0 < len(w) <= 12 for w in words):  # `序号 目标任务 责任单位 推进情况`
        return [Src(first.no, w) for w in words], h + 1, True
    cells, k = [first], h + 1
    tight = bool(h + 1 < len(lines) and lines[h + 1].s)  # header cells on consecutive lines
    while k < len(lines) and len(cells) < 10:
        s = lines[k].s
        if not s and tight:
            break  # a blank line ends a header printed without blank lines between its cells
        if s:
            if (ITEM_NUMBER.match(s) or SECTION_ROW.match(s) or len(s) > 16 or re.search(r"[。；，:：]", s)
                    or re.search(r"以下|如下|单位[:：]", s)):
                break
            cells.append(lines[k])
        k += 1
    while k > h + 1 and not lines[k - 1].s:
        k -= 1
    return cells, k, False


def read_table(lines: list[Src], h: int, diags: list[Diagnostic]) -> tuple[Table, int, list[Src]]:
    """Parse the table whose header starts at lines[h].

    Return it, the next index and the text after the last row (notes, signature) for the
    notice classifier.
    """
    header, k, tabbed = _header_cells(lines, h)
    columns = [c.s for c in header]
    first_row = next((ln for ln in lines[k:] if ln.s), None)
    if tabbed and first_row is not None and "\t" in first_row.text:
        width = len(first_row.text.strip("\t").split("\t"))
        columns = [""] * (width - len(columns)) + columns  # the header's first cell (over the names) is empty
    layout = Layout(columns)
    end = next((j for j in range(k, len(lines)) if table_start(lines, j)), len(lines))
    if tabbed and "\t" not in lines[h].text:  # cells printed with single spaces: split each numbered row so
        lines = lines[:k] + _spaced_rows(lines[k:end], len(columns)) + lines[end:]
    if tabbed:  # `注：…` / `数据来源：…` under the rows close the table
        end = next((j for j in range(k, end) if TABLE_NOTE.match(lines[j].s)), end)
    chunks = _tab_chunks(lines[k:end], len(columns)) if tabbed else _chunks(lines[k:end], layout)
    rows: list = []
    trailing: list[Src] = []
    for ln in (ln for ln in chunks[0] if ln.s):  # a line that is not a section keeps its place as a row
        if not (SECTION_ROW.match(ln.s) and len(ln.s) <= 40):
            diags.append(_unplaced(ln, "between the table header and the first item"))
        rows.append(SectionRow(text=ln.text, line=ln.no))
    if tabbed:  # lines without a tab after the last row are text after the table
        while len(chunks) > 1 and not any("\t" in ln.text for ln in chunks[-1]):
            trailing[:0] = chunks.pop()
    for n, chunk in enumerate(chunks[1:], start=1):
        if tabbed and len(chunk) == 1 and "\t" not in chunk[0].text and SECTION_ROW.match(chunk[0].s):
            rows.append(SectionRow(text=chunk[0].text, line=chunk[0].no))  # `一、经济社会发展主要预期目标`
            continue
        if tabbed:
            rows.append(_tab_row(chunk, layout))
            continue
        chunk, sections = _pop_sections(chunk)
        if n == len(chunks) - 1:
            chunk, trailing = _pop_trailing(chunk, layout)
            if sections and end < len(lines):  # a section line before the next table groups its items
                trailing += [Src(r.line, r.text) for r in sections]
                sections = []
        rows.append(_row(chunk, layout))
        rows += sections
    table = Table(columns=columns, rows=rows, name_column=layout.name or None, progress_column=layout.multi or None,
                  line=header[0].no)
    return table, end, trailing


class Layout:
    """Which column is the item number (0), the name, and the multi-line progress column."""

    def __init__(self, columns: list[str]):
        self.ncols = len(columns)
        self.multi = multi_column(columns)
        self.name = name_column(columns, self.multi) if numbered(columns) else 0  # 类别, 产品名称 name the items
        self.before = self.multi - 1  # single-line cells between the number and the multi-line cell
        self.after = self.ncols - self.multi - 1  # single-line cells after it


def _chunks(region: list[Src], layout: Layout) -> list[list[Src]]:
    """Split the rows' lines into chunks, each starting at an item-number line.

    A line holding only a number starts an item only once the current item has its cells before
    the multi-line column: `12` in a 总投资 column is a cell, not item 12.
    """
    chunks: list[list[Src]] = [[]]
    filled = layout.before
    prev = None
    for ln in region:
        if filled >= layout.before and (number := item_number(ln.s, prev)) is not None:
            chunks.append([ln])
            filled, prev = 0, int(number)
        else:
            chunks[-1].append(ln)
            if ln.s and len(chunks) > 1:
                filled += 1
    return chunks


def _pop_sections(chunk: list[Src]) -> tuple[list[Src], list[SectionRow]]:
    """Section rows stand at the end of the chunk before the next item's number."""
    sections: list[SectionRow] = []
    body = list(chunk)
    while True:
        nonblank = [j for j, ln in enumerate(body) if ln.s]
        if len(nonblank) < 3:
            break
        ln = body[nonblank[-1]]
        if not (SECTION_ROW.match(ln.s) and len(ln.s) <= 40 and not re.search(r"[。；]$", ln.s)):
            break
        sections.insert(0, SectionRow(text=ln.text, line=ln.no))
        body = body[: nonblank[-1]]
    return body, sections


def _pop_trailing(chunk: list[Src], layout: Layout) -> tuple[list[Src], list[Src]]:
    """Lines after the last row that close the document: notes, 附件, a closing paragraph,
    signature and date."""
    nonblank = [j for j, ln in enumerate(chunk) if ln.s]
    cut = None
    if nonblank and is_date_line(chunk[nonblank[-1]].s):
        cut = nonblank[-1]
        for j in reversed(nonblank[:-1]):
            if len(nonblank) - nonblank.index(j) > 4 or not looks_like_signer(chunk[j].s):
                break
            cut = j
    for j in nonblank[2:]:
        if re.match(r"^(?:(?:备注|注|说明)\s*[:：]|附\s*件\s*\d*\s*(?:[:：]|$))", chunk[j].s):
            cut = j if cut is None else min(cut, j)
            break
    if layout.after:  # a closing paragraph after the last single-line cell (责任单位 …)
        before_cut = [j for j in nonblank if cut is None or j < cut]
        k = len(before_cut)
        while k > 1 and _entry_like(chunk[before_cut[k - 1]].s) and len(chunk[before_cut[k - 1]].s) > 30:
            k -= 1
        if 1 < k < len(before_cut) and not _entry_like(chunk[before_cut[k - 1]].s):
            cut = before_cut[k]
    if cut is None or len([j for j in nonblank if j < cut]) < 2 + layout.after:
        return chunk, []
    return chunk[:cut], [ln for ln in chunk[cut:] if ln.s]


def _entry_like(s: str) -> bool:
    """A line that reads as an entry or a sentence, never a short single-line cell value."""
    return bool(ENTRY_MARKER.match(s) or heading_of(s)) or s.endswith(("。", "；", ";")) or len(s) > 40


def _segments(lines: list[Src]) -> list[tuple[int, list[Src]]]:
    """Runs of consecutive non-blank lines, each with the number of blank lines before it;
    a final (gap, []) holds the blank lines after the last run."""
    out: list[tuple[int, list[Src]]] = []
    gap, run = 0, []
    for ln in lines:
        if ln.s:
            run.append(ln)
            continue
        if run:
            out.append((gap, run))
            gap, run = 0, []
        gap += 1
    if run:
        out.append((gap, run))
        gap = 0
    out.append((gap, []))
    return out


def _row(chunk: list[Src], layout: Layout) -> ItemRow:
    """One item: the number line, the single-line cells, and the multi-line cell between them.

    Cells are separated by one blank line; three blank lines in a row mean an empty cell between.
    Without any blank line in the row, each line is one cell.
    """
    number_line, rest = chunk[0], chunk[1:]
    blank_separated = any(not ln.s for ln in rest[:-1])
    if blank_separated:
        segs = _segments(rest)
    else:  # no blank lines: one line a cell
        segs = [(1, [ln]) for ln in rest if ln.s] + [(1, [])]
    trailing_gap = segs.pop()[0]
    head: list[Cell] = []
    i = 0
    while len(head) < layout.before and i < len(segs):
        gap, run = segs[i]
        if gap >= 3:  # an empty cell before this run
            head.append(Cell())
            segs[i] = (1, run)
            continue
        head.append(_cell(run))
        i += 1
    head += [Cell() for _ in range(layout.before - len(head))]
    tail: list[Cell] = []
    j, gap_after = len(segs), trailing_gap
    while len(tail) < layout.after:
        if gap_after >= 3 or j <= i or any(_entry_like(ln.s) for ln in segs[j - 1][1]):
            tail.insert(0, Cell())
            gap_after = 1 if gap_after >= 3 else gap_after
            continue
        gap_after, run = segs[j - 1]
        tail.insert(0, _cell(run))
        j -= 1
    runs = [run for _, run in segs[i:j]]
    cells = [_cell([number_line]), *head, _multi_cell(runs if blank_separated else [sum(runs, [])]), *tail]
    return ItemRow(number=re.match(r"\d+", number_line.s)[0], name=_name(cells, layout), cells=cells,
                   line=number_line.no)


def _cell(run: list[Src]) -> Cell:
    return Cell(paragraphs=[entry(ln.text, ln.no, 0) for ln in run])


def _name(cells: list[Cell], layout: Layout) -> str | None:
    if layout.name is None or not cells[layout.name].paragraphs:
        return None
    return "".join(p.text.strip() for p in cells[layout.name].paragraphs)


def _multi_cell(runs: list[list[Src]]) -> Cell:
    """The multi-line cell: one entry a line, a new group for each blank-line separated run."""
    return Cell(paragraphs=[entry(ln.text, ln.no, group) for group, run in enumerate(runs) for ln in run])


def _tab_chunks(region: list[Src], ncols: int) -> list[list[Src]]:
    """Tab-separated rows; a cell holding line breaks continues on the next lines, so a row takes
    lines until it has its ncols - 1 tabs — unless a line starts with the next item's number
    (a row whose merged cells were left out has fewer tabs)."""
    chunks: list[list[Src]] = [[]]
    prev = None
    for ln in region:
        if not ln.s:
            continue
        number = item_number(ln.text.split("\t", 1)[0].strip(), prev) if "\t" in ln.text else None
        starts_item = number is not None
        prev = int(number) if number is not None else prev
        section = "\t" not in ln.text and SECTION_ROW.match(ln.s) and len(ln.s) <= 40
        if len(chunks) > 1 and sum(x.text.count("\t") for x in chunks[-1]) < ncols - 1 and not starts_item \
                and not section and not (len(chunks[-1]) == 1 and "\t" not in chunks[-1][0].text):
            chunks[-1].append(ln)
        else:
            chunks.append([ln])
    return chunks


def _tab_row(chunk: list[Src], layout: Layout) -> ItemRow:
    ncols = layout.ncols
    parts = "\n".join(ln.text for ln in chunk).split("\t")
    if len(parts) <= ncols:
        parts = (parts + [""] * ncols)[:ncols]
    else:  # extra tabs belong to the last cell
        parts = parts[: ncols - 1] + ["\t".join(parts[ncols - 1 :])]
    line = chunk[0].no
    cells = [Cell(paragraphs=[entry(t, line, 0) for t in p.split("\n") if t.strip()]) for p in parts]
    number = ITEM_NUMBER.match(parts[0].strip())
    return ItemRow(number=number[1] if number else parts[0].strip() or None, name=_name(cells, layout),
                   cells=cells, line=line)


def _unplaced(ln: Src, where: str) -> Diagnostic:
    return diagnostic("unplaced-line", ln.no, f"kept as a full-width row: a line {where}: {ln.s[:30]!r}")

