"""Flattened web text → draft `Document`.

The input is what a browser copy or a scraper gives: one table cell or paragraph per line,
blank lines between cells, page chrome and metadata around the content. Every node keeps the
line it came from. Text is sliced, never rewritten: tidying is the normaliser's job.
"""

from __future__ import annotations

import re

from ..model import (
    Block,
    Cell,
    Change,
    Diagnostic,
    Document,
    ItemRow,
    SectionRow,
    Table,
)
from ..validate import diagnostic
from .common import (
    DOC_NUMBER,
    DOC_NUMBER_LINE,
    ENTRY_MARKER,
    ISSUER_MARK,
    ITEM_NUMBER,
    ORG_SUFFIX,
    SECTION_ROW,
    TABLE_HEADER,
    Src,
    continues_title,
    draft,
    entry,
    heading_of,
    is_chrome,
    looks_like_signer,
    multi_column,
    name_column,
    notice_blocks,
    title_like,
)
from .header import (
    DATE,
    TITLE_END,
    MetaFields,
    TitleHints,
    is_date_line,
    label_only,
    plausible,
    split_labels,
    take_meta,
    take_value,
    title_score,
)

# the page's footer starts: what follows is chrome, whatever it is
FOOTER_START = re.compile(r"^(?:相关链接|相关阅读|相关文章|相关新闻|相关文件|上一篇|下一篇|版权所有|Copyright|©|"
                          r"主办单位|主办[:：]|政府网站标识码|网站标识码|网站地图|联系我们|扫一扫在手机)", re.I)


def parse_text(text: str) -> Document:
    """Parse flattened bulletin text into a draft Document (not yet normalised or validated)."""
    changes: list[Change] = []
    diagnostics: list[Diagnostic] = []
    stream = _pipes_to_tabs([Src(i + 1, t) for i, t in enumerate(text.split("\n"))])
    meta = MetaFields()
    title, start = _head(stream, meta, changes)
    body_lines = stream[start:]
    footer = next((k for k, ln in enumerate(body_lines) if FOOTER_START.match(ln.s)
                   and not any(_sentence(x.s) or ITEM_NUMBER.match(x.s) for x in body_lines[k + 1 :])), None)
    for ln in body_lines[footer:] if footer is not None else ():
        if ln.s:
            changes.append(Change(kind="chrome", line=ln.no, before=ln.text, after=""))
            ln.clear()
    _take_tail(body_lines, meta, changes)
    body = _body(body_lines, meta, changes, diagnostics)
    if title is None and meta.name:
        title = meta.name
    return draft(title, meta, body, changes, diagnostics)


def _sentence(s: str) -> bool:
    """A line of the document's own prose: a long sentence. A site's foot has none (nor a table's
    next item number: `版权所有` in a cell does not start the foot)."""
    return len(s) > 40 and "。" in s


# --- pipe tables ------------------------------------------------------------------------------

_PIPE_ROW = re.compile(r"^\s*\|?(?:[^|]*\|){2,}[^|]*$")  # `| a | b |`, `a | b | c`
_PIPE_CELL = re.compile(r"^(?P<cell>.*\S)\s+\|\s*$")  # one cell a line, closed by ` |`
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")  # |---|:--:|
_LONE_PIPE = re.compile(r"^\s*\|\s*$")


def _pipes_to_tabs(stream: list[Src]) -> list[Src]:
    """Tables drawn with `|` (Markdown pipe tables, and text scrapes that close each cell with ` |`)
    become the tab-separated or one-cell-a-line forms the table reader knows; a line holding only
    `|` (a row's end) or a `|---|` rule becomes blank. Text without such lines is left as it is."""
    marked = sum(1 for ln in stream if _PIPE_CELL.match(ln.text) or _PIPE_ROW.match(ln.text) or _LONE_PIPE.match(ln.text))
    if marked < 3:
        return stream
    out = []
    for ln in stream:
        t = ln.text
        if _LONE_PIPE.match(t) or _PIPE_RULE.match(t):
            t = ""
        elif _PIPE_ROW.match(t) and t.count("|") >= 2:
            cells = t.strip().strip("|").split("|")
            t = "\t".join(c.strip() for c in cells)
        elif m := _PIPE_CELL.match(t):
            t = m["cell"]
        out.append(Src(ln.no, t))
    return out


# --- the header: chrome, metadata, title ------------------------------------------------------


_HEAD_LINES = 60  # the title is looked for among this many lines at the most


def _head_kinds(stream: list[Src]) -> dict[int, str]:
    """Classify the lines of the page's head: chrome, meta, label (value on the next line), value,
    doc (a 发文字号 line), issuer (xx文件 over a 发文字号), cand (could be the title), junk (a short
    line that is none of these: a widget, a menu item). The head ends at the first line that reads
    as body — or, when the metadata names the title, at the line that prints it."""
    kinds: dict[int, str] = {}
    nonblank = [k for k, ln in enumerate(stream) if ln.s]
    n = 0
    while n < min(len(nonblank), _HEAD_LINES):
        k = nonblank[n]
        n += 1
        if k in kinds:
            continue
        ln = stream[k]
        nxt = stream[nonblank[n]] if n < len(nonblank) else None
        seen_cand = any(kind == "cand" and _strong(stream[j].s) for j, kind in kinds.items())
        if is_chrome(ln.text):
            kinds[k] = "chrome"
        elif (label := label_only(ln.text)) and nxt is not None and not split_labels(nxt.text) \
                and not label_only(nxt.text) and plausible(label, nxt.s) and not is_chrome(nxt.text):
            kinds[k], kinds[nonblank[n]] = "label", "value"
        elif split_labels(ln.text) or label_only(ln.text):
            kinds[k] = "meta"
        elif DOC_NUMBER_LINE.match(ln.s):
            kinds[k] = "doc"
        elif ISSUER_MARK.match(ln.s) and nxt is not None and (DOC_NUMBER_LINE.match(nxt.s) or "关于" in nxt.s):
            kinds[k] = "issuer"
        elif DISCLOSURE_VALUE.match(ln.s):
            kinds[k] = "junk"
        elif is_date_line(ln.s):
            kinds[k] = "date"
        elif ln.s[:1] not in _BULLETS and title_like(_title_parts(ln.s)[1]):
            kinds[k] = "cand"
        elif (not seen_cand and len(ln.s) <= 20 or ln.s[:1] in _BULLETS and len(ln.s) <= 24) \
                and not re.search(r"[。；]", ln.s) \
                and not TABLE_HEADER.match(ln.s) and not ITEM_NUMBER.match(ln.s) and heading_of(ln.s) is None:
            kinds[k] = "junk"
        else:
            names = {re.sub(r"\s", "", v) for v in _names(stream, kinds)}
            shown = next((j for j in nonblank[n - 1 : n + 40] if re.sub(r"\s", "", stream[j].s) in names), None)
            if shown is None:
                break
            for j in nonblank[n - 1 : nonblank.index(shown)]:  # between the metadata and the title it names
                kinds[j] = "chrome"
            n = nonblank.index(shown)
    return kinds


_BULLETS = frozenset("•·●◆■▪◇○")
HAS_CJK_ALL = re.compile(r"[\u3400-\u9fff]")
# the values of a disclosure block printed without their labels
DISCLOSURE_VALUE = re.compile(r"^(?:无|暂无|主动公开|依申请公开|不予公开|部分公开|有效|失效|废止|现行有效|是|否|其他|—|-)$")


def _strong(s: str) -> bool:
    """A candidate that may be the title, not a place name or a menu item (`兴宁`, `部门动态`)."""
    return len(HAS_CJK_ALL.findall(s)) >= 6 or bool(TITLE_END.search(s))


def _title_parts(s: str) -> tuple[str | None, str, str | None]:
    """A 发文字号 fused before a title (`浙政办发〔2021〕5号关于…的通知`) and a date after it
    (`…调研指导工作 2023-01-31`): (number, title, date)."""
    number = date = None
    m = DOC_NUMBER.match(s)
    if m and len(s) - m.end() >= 6:
        number, s = m[0], s[m.end():].strip()
    d = _TRAILING_DATE.search(s)
    if d and d.start() >= 6:
        date, s = d[1], s[: d.start()]
    return number, s, date


_TRAILING_DATE = re.compile(rf"[ \t\u3000]+({DATE.pattern})\s*$")


def _head(stream: list[Src], meta: MetaFields, changes: list[Change]) -> tuple[str | None, int]:
    """Read the page's head: choose the title among the candidate lines (`title_score`), take the
    metadata around it and set aside the chrome; return the title and where the body starts."""
    kinds = _head_kinds(stream)
    order = sorted(kinds)
    best: tuple[float, int, list[int]] | None = None
    for n, k in enumerate(order):
        if kinds[k] != "cand":
            continue
        lines, text = [k], _title_parts(stream[k].s)[1]
        names = {re.sub(r"\s", "", v) for v in _names(stream, kinds)}
        for j in order[n + 1 : n + 3]:
            named = any(name.startswith(re.sub(r"\s", "", text + stream[j].s)) for name in names)
            if kinds[j] != "cand" or not (continues_title(text, stream[j].s) or named) or j - lines[-1] > 3:
                break
            lines.append(j)
            text += stream[j].s
        after = next((kinds[j] for j in order if j > lines[-1] and kinds[j] != "chrome"), None)
        before = next((kinds[j] for j in reversed(order) if j < k and kinds[j] != "chrome"), None)
        score = title_score(text, meta_next=after in ("meta", "label", "doc"),
                            meta_prev=before in ("meta", "value", "doc"), hinted=False, hints=TitleHints(names=names))
        if best is None or score > best[0]:
            best = (score, k, lines)
    title_lines = best[2] if best else []
    first = title_lines[0] if title_lines else len(stream)
    title = None
    if title_lines:
        number, head, date = _title_parts(stream[first].s)
        title = head + "".join(stream[j].s for j in title_lines[1:])
        compact = re.sub(r"\s", "", title)
        fuller = [n for n in _names(stream, kinds) if compact in re.sub(r"\s", "", n) and len(n) > len(title)]
        if fuller:  # the visible line is a shortened caption of what the 名称 says in full
            changes.append(Change(kind="title-name", line=stream[first].no, before=title, after=fuller[0]))
            title = fuller[0]
        if number:
            meta.doc_number = number
        if date:
            meta.add("published", date, "日期", stream[first].no)
    start = None
    for n, k in enumerate(order):
        ln, kind = stream[k], kinds[k]
        if k in title_lines:
            ln.clear()
            continue
        if k > first and kind not in ("chrome", "meta", "label", "value", "doc", "junk", "date") \
                and not (title and _repeats(stream, order, n, title, kinds)):
            start = k
            break
        above = n + 1 < len(order) and order[n + 1] == first
        _take_head_line(stream, k, kind, meta, changes, above_title=above, after_title=k > first, title=title)
        ln.clear()
    return title, start if start is not None else (order[-1] + 1 if order else 0)


def _repeats(stream: list[Src], order: list[int], n: int, title: str, kinds: dict[int, str]) -> bool:
    """Whether the head line order[n] prints the title again: alone, with a date in brackets after it
    (`…的通知(2004/06/23)`), or wrapped over the next lines."""
    s = re.sub(r"\s", "", stream[order[n]].s)
    whole = re.sub(r"\s", "", title)
    if s == whole or re.fullmatch(rf"{re.escape(whole)}[（(][\d/.\-年月日]+[）)]", s):
        return True
    joined = s
    for j in order[n + 1 : n + 4]:
        if not whole.startswith(joined) or kinds[j] != "cand":
            break
        joined += re.sub(r"\s", "", stream[j].s)
        if joined == whole:
            for m in order[n + 1 : order.index(j) + 1]:
                kinds[m] = "repeat"
            return True
    return False


def _names(stream: list[Src], kinds: dict[int, str]) -> list[str]:
    """The titles a disclosure block names (名称 / 标题)."""
    return [value for k, kind in kinds.items() if kind == "meta"
            for label, value in split_labels(stream[k].text) if label in ("名称", "标题", "文件名称") and value]


def _take_head_line(stream: list[Src], k: int, kind: str, meta: MetaFields, changes: list[Change], *,
                    above_title: bool, after_title: bool, title: str | None) -> None:
    """Record a head line that is not the title: metadata, a 发文字号, the issuer, or chrome."""
    ln = stream[k]
    change = "metadata"
    if kind == "meta":
        take_meta(ln.text, ln.no, meta)
    elif kind == "label":
        nxt = next(j for j in range(k + 1, len(stream)) if stream[j].s)
        take_value(meta, label_only(ln.text), stream[nxt].s, stream[nxt].no)
    elif kind == "doc":
        meta.doc_number = meta.doc_number or ln.s
    elif kind == "issuer" or (kind == "cand" and above_title and title and not meta.issuer
                              and (ISSUER_MARK.match(ln.s) or (ORG_SUFFIX.search(ln.s) and len(ln.s) <= 30
                                                               and "关于" in title and "关于" not in ln.s))):
        meta.issuer = meta.issuer or ln.s
    elif kind == "date":  # a date printed alone under the title: after the labelled dates
        meta.add("published", ln.s, "日期", ln.no, rank=0.9)
    elif kind in ("cand", "repeat") and after_title:
        change = "title-repeat"
    elif kind != "value":
        change = "chrome"  # chrome, junk, or a candidate that lost to the title
    changes.append(Change(kind=change, line=ln.no, before=ln.text, after=""))


def _take_tail(lines: list[Src], meta: MetaFields, changes: list[Change]) -> None:
    """The page's foot after the content: metadata (`发布日期：…`) and chrome (print, close, share)."""
    for ln in reversed(lines):
        if not ln.s:
            continue
        if is_chrome(ln.text):
            changes.append(Change(kind="chrome", line=ln.no, before=ln.text, after=""))
        elif take_meta(ln.text, ln.no, meta):
            changes.append(Change(kind="metadata", line=ln.no, before=ln.text, after=""))
        else:
            return
        ln.clear()


# --- the body: tables and the text around them ------------------------------------------------


def _body(lines: list[Src], meta: MetaFields, changes: list[Change], diags: list[Diagnostic]) -> list[Block]:
    body: list[Block] = []
    i = 0
    while i < len(lines):
        h, shape = next(((k, None) if _table_start(lines, k) else (k, run) for k in range(i, len(lines))
                         if _table_start(lines, k) or (run := _cell_run(lines, k))), (None, None))
        if shape is not None:
            h = shape[0]  # after the caption
        text_part = [ln for ln in lines[i : h if h is not None else len(lines)] if ln.s]
        if h is None:
            body += notice_blocks(text_part, meta, changes, diags, first=not body)
            break
        body += notice_blocks(text_part, meta, changes, diags, first=not body)
        if shape is None:
            table, i, trailing = _table(lines, h, diags)
        else:
            table, i = _cell_table(lines, shape)
            trailing = []
        body.append(table)
        if trailing:
            body += notice_blocks(trailing, meta, changes, diags, first=False)
    return body


# a figure cell of a statistics table: `162817吨`, `-9.7`, `100%`, `15.2万元`, `—`
_FIGURE = re.compile(r"^(?:[-+−]?\d[\d,，.]*\s*(?:%|‰|[\u4e00-\u9fff]{1,4}|[A-Za-z/]{1,4})?|[-—－/]+)$")
_CELL_LINE = 24  # a cell of a one-cell-a-line figures table is at most this long


def _short_cell(ln: Src) -> bool:
    return 0 < len(ln.s) <= _CELL_LINE and not re.search(r"[。；，]", ln.s) and not TABLE_HEADER.match(ln.s)


def _cell_run(lines: list[Src], k: int) -> tuple[int, int, int, int] | None:
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


def _cell_table(lines: list[Src], shape: tuple[int, int, int, int]) -> tuple[Table, int]:
    """Read the figures table `_cell_run` found; return it and the index after it."""
    k, ncols, nhead, rows = shape
    cells = [ln for ln in lines[k:] if ln.s][: nhead + rows * ncols]
    head = [""] * (ncols - nhead) + [ln.s for ln in cells[:nhead]]
    data = cells[nhead:]
    items = []
    for r in range(rows):
        row = data[r * ncols : (r + 1) * ncols]
        items.append(ItemRow(number=row[0].s, name=row[0].s, cells=[Cell(paragraphs=[entry(c.text, c.no, 0)]) for c in row],
                             line=row[0].no))
    end = lines.index(cells[-1]) + 1
    return Table(columns=head, rows=items, line=cells[0].no), end


def _table_start(lines: list[Src], k: int) -> bool:
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


def _header_cells(lines: list[Src], h: int) -> tuple[list[Src], int, bool]:
    """Return the header cells, the index after them, and whether cells are tab-separated."""
    first = lines[h]
    parts = [p for p in re.split(r"\t+| {2,}|\u3000+", first.s) if p.strip()]
    if len(parts) >= 2:
        return [Src(first.no, p.strip()) for p in parts], h + 1, "\t" in first.text
    cells, k = [first], h + 1
    while k < len(lines) and len(cells) < 10:
        s = lines[k].s
        if s:
            if (ITEM_NUMBER.match(s) or SECTION_ROW.match(s) or len(s) > 16 or re.search(r"[。；，:：]", s)
                    or re.search(r"以下|如下|单位[:：]", s)):
                break
            cells.append(lines[k])
        k += 1
    while k > h + 1 and not lines[k - 1].s:
        k -= 1
    return cells, k, False


def _table(lines: list[Src], h: int, diags: list[Diagnostic]) -> tuple[Table, int, list[Src]]:
    """Parse the table whose header starts at lines[h].

    Return it, the next index and the text after the last row (notes, signature) for the
    notice classifier.
    """
    header, k, tabbed = _header_cells(lines, h)
    columns = [c.s for c in header]
    layout = Layout(columns)
    end = next((j for j in range(k, len(lines)) if _table_start(lines, j)), len(lines))
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
        if tabbed:
            rows.append(_tab_row(chunk, layout))
            continue
        chunk, sections = _pop_sections(chunk)
        if n == len(chunks) - 1:
            chunk, trailing = _pop_trailing(chunk, layout)
        rows.append(_row(chunk, layout))
        rows += sections
    table = Table(columns=columns, rows=rows, name_column=layout.name, progress_column=layout.multi or None,
                  line=header[0].no)
    return table, end, trailing


class Layout:
    """Which column is the item number (0), the name, and the multi-line progress column."""

    def __init__(self, columns: list[str]):
        self.ncols = len(columns)
        self.multi = multi_column(columns)
        self.name = name_column(columns, self.multi)
        self.before = self.multi - 1  # single-line cells between the number and the multi-line cell
        self.after = self.ncols - self.multi - 1  # single-line cells after it


def _chunks(region: list[Src], layout: Layout) -> list[list[Src]]:
    """Split the rows' lines into chunks, each starting at an item-number line.

    A line holding only a number starts an item only once the current item has its cells before
    the multi-line column: `12` in a 总投资 column is a cell, not item 12.
    """
    chunks: list[list[Src]] = [[]]
    filled = layout.before
    for ln in region:
        if ITEM_NUMBER.match(ln.s) and filled >= layout.before:
            chunks.append([ln])
            filled = 0
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
    return ItemRow(number=ITEM_NUMBER.match(number_line.s)[1], name=_name(cells, layout), cells=cells,
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
    for ln in region:
        if not ln.s:
            continue
        starts_item = "\t" in ln.text and ITEM_NUMBER.match(ln.text.split("\t", 1)[0].strip())
        if len(chunks) > 1 and sum(x.text.count("\t") for x in chunks[-1]) < ncols - 1 and not starts_item:
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

