"""Saved web pages (HTML) → draft `Document`, the same `Document` the text reader gives.

The page is parsed with lxml's HTML parser (libxml2): tolerant of broken markup, no network, no
DTD or external entities, no scripts run; it keeps source line numbers for every element. The
page is turned into a stream of text lines, as a browser would lay it out, with each data table
(the innermost table whose header row starts with 序号) kept as a DOM node. Lines are classified
with the shared helpers of `common.py` (chrome, metadata, notice blocks); tables are read cell by
cell, so `rowspan` and `colspan` give items and section rows exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from ..errors import InputError
from ..model import Block, Cell, Change, Diagnostic, Document, ItemRow, Para, SectionRow, Table
from ..validate import diagnostic
from .common import (
    DOC_NUMBER_LINE,
    ISSUER_MARK,
    ITEM_NUMBER,
    SECTION_ROW,
    Src,
    continues_title,
    draft,
    is_chrome,
    multi_column,
    name_column,
    notice_blocks,
    title_like,
)
from .header import (
    TAG_RANK,
    MetaFields,
    TitleHints,
    label_only,
    plausible,
    split_labels,
    take_meta,
    take_value,
    title_score,
)

# Elements a reader never sees, or that are page machinery rather than content.
_DROP = frozenset({
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "canvas", "nav", "select", "option", "button", "input", "textarea", "map",
    "audio", "video", "link", "meta", "base", "title",
})
_BLOCK = frozenset({
    "html", "body", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "tbody", "thead", "tfoot", "caption", "blockquote", "pre", "section", "article",
    "aside", "header", "footer", "main", "address", "center", "form", "fieldset", "legend", "figure",
    "figcaption", "hr", "details", "summary", "menu", "dir",
})
_CELL = frozenset({"td", "th"})
# id/class words of navigation, share bars and footers (matched as whole words of the attribute)
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|share|bdsharebuttonbox|footer|foot|"
    r"copyright|sidebar)(?:$|[\s_-])", re.I)
_TITLE_CLASS = re.compile(r"title|biaoti|(?:^|[\s_-])bt(?:$|[\s_-])", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"[ \t\n\r\f]+")
_NO_SPACE = re.compile(r"\s+")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_TITLE_SEP = re.compile(r"\s*(?:[_|｜]|\s[-–—]+\s|--)\s*")
_MAX_SPAN = 200  # rowspan/colspan beyond this are markup errors, not tables


@dataclass
class _Meta:
    """What the page says about itself outside the visible text."""

    title: str | None = None  # <title>
    tags: dict[str, str] = field(default_factory=dict)  # CMS <meta name=… content=…>, names lowercased
    url: str | None = None


def parse_html(text: str) -> Document:
    """Parse a saved web page into a draft Document (not yet normalised or validated).

    Raise `InputError` when the page holds no content at all.
    """
    root = _parse(text)
    page = _page_meta(root, text)
    body = root.find("body")
    datatables = _data_tables(root)
    walker = _Walker(datatables)
    walker.walk(body if body is not None else root)
    walker.brk()

    changes: list[Change] = []
    diags: list[Diagnostic] = []
    units: list[Src | _TableAt] = []
    for u in walker.units:
        if isinstance(u, Src) and is_chrome(u.text):
            changes.append(Change(kind="chrome", line=u.no, before=u.text, after=""))
        else:
            units.append(u)
    if not units:
        raise InputError("is an HTML page with no visible text (is a <title>, <script> or <style> left "
                         "unclosed?); expected a saved bulletin page")

    meta = MetaFields()
    title, start, before = _head(units, walker.hints, page, meta, changes)
    rest = before + units[start:]
    _take_tail_meta(rest, meta, changes)
    blocks = _body(rest, meta, changes, diags)
    _fill_from_tags(meta, page)
    if title is None:
        title = meta.name or page.tags.get("articletitle") or _title_tag(page.title)
    return draft(title, meta, blocks, changes, diags, url=page.url)


# --- the DOM ----------------------------------------------------------------------------------


def _parse(text: str) -> etree._Element:
    # Bytes with an explicit encoding: the page is already decoded, so a <meta charset> inside it
    # must not make libxml2 decode it a second time.
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                              huge_tree=False, default_doctype=False)
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, UnicodeError) as err:
        raise InputError(f"is not a readable HTML page ({err})") from None
    if root is None:
        raise InputError("is an HTML page with no markup or text in it; expected a saved bulletin page")
    fatal = next((e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL), None)
    if fatal is not None:  # libxml2 stopped reading here: what follows would be lost silently
        what = "nests elements more than 255 deep" if "depth" in fatal.message else fatal.message.strip()
        raise InputError(f"is an HTML page that cannot be read past line {fatal.line}: it {what}", line=fatal.line)
    return root


def _text(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def _compact(s: str) -> str:
    return _NO_SPACE.sub("", s)


def _page_meta(root: etree._Element, text: str) -> _Meta:
    page = _Meta()
    t = root.find(".//title")
    if t is not None:
        page.title = _SPACE.sub(" ", _text(t)).strip() or None
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        value = _SPACE.sub(" ", m.get("content") or "").strip()
        if key and value:
            page.tags.setdefault(key, value)
    saved = _SAVED_FROM.search(text[:4096])
    base = saved[1] if saved and saved[1].startswith(("http://", "https://")) else None
    canonical = next((ln.get("href") for ln in root.iter("link")
                      if "canonical" in (ln.get("rel") or "").lower().split() and ln.get("href")), None)
    for cand in (canonical, page.tags.get("og:url"), page.tags.get("url"), base):
        url = urljoin(base, cand.strip()) if cand and base else (cand or "").strip()
        if url.startswith(("http://", "https://")):
            page.url = url
            break
    return page


def _data_tables(root: etree._Element) -> set[etree._Element]:
    """The innermost tables that hold data: a header row (one of the first three rows) over rows of
    the same shape — whatever the first column is (序号, 类别, 项目, 单位, 产品名称 …)."""
    found = {t for t in root.iter("table") if _header_row(t) is not None}
    return {t for t in found if not any(d in found for d in t.iterdescendants("table"))}


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested in its cells)."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child if tr.tag == "tr"]
    return rows


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in _CELL]


def _header_row(table: etree._Element) -> int | None:
    """The index of the table's header row, or None when the table is not a data table.

    A row whose first cell is 序号 is a header; otherwise a row of two or more short names (no
    label colons, no links or form fields) followed by at least two rows of as many cells."""
    rows = _rows(table)
    for i, tr in enumerate(rows[:3]):
        cells = _cells(tr)
        if cells and _compact(_text(cells[0])) == "序号" and (len(cells) > 1 or _span(cells[0], "colspan") > 1):
            return i
    if any(True for _ in table.iterdescendants("table")):
        return None
    for i, tr in enumerate(rows[:3]):
        cells = _cells(tr)
        if len(cells) >= 2 and all(_header_cell(c) for c in cells):
            width = sum(_span(c, "colspan") for c in cells)
            data = [r for r in rows[i + 1 :] if sum(_span(c, "colspan") for c in _cells(r)) >= 2]
            same = [r for r in data if sum(_span(c, "colspan") for c in _cells(r)) <= width]
            if len(same) >= 2 and len(same) * 4 >= len(rows[i + 1 :]) * 3:
                return i
        if cells and len(cells) > 1:
            return None  # a row of data before any header: a layout table
    return None


def _header_cell(cell: etree._Element) -> bool:
    """A column name: short, no label colon, no link, image or form field inside."""
    text = _compact(_text(cell))
    if len(text) > 20 or text.endswith((":", "：")) or re.fullmatch(r"[\d.,%\-]+", text or "x"):
        return False
    return not any(d.tag in ("a", "img", "input", "select", "button", "table") for d in cell.iter()
                   if isinstance(d.tag, str))


def _span(el: etree._Element, attr: str) -> int:
    """rowspan/colspan as browsers read them: leading digits, 0 rows = to the end, capped."""
    value = el.get(attr)
    if value is None:
        return 1
    m = re.match(r"\s*(\d+)", value)
    n = int(m[1]) if m else 1
    return min(n, _MAX_SPAN) if n > 0 else (_MAX_SPAN if attr == "rowspan" else 1)


@dataclass
class _TableAt:
    """Where a data table stands in the line stream."""

    el: etree._Element


class _Walker:
    """Lay the page out as lines: block elements and <br> break lines, inline text runs on.

    Cells of a layout table that hold only inline content share their row's line, separated by
    tabs (as a browser copy gives them), so `索引号：｜0010…｜发布机构：｜某局` stays one metadata line.
    """

    def __init__(self, datatables: set[etree._Element]):
        self.datatables = datatables
        self.units: list[Src | _TableAt] = []
        self.hints: set[int] = set()  # id() of the lines inside <h1>/<h2> or a *title* element
        self._parts: list[str] = []
        self._no = 1
        self._hint = 0

    def brk(self) -> None:
        if self._parts:
            line = "".join(self._parts).strip(" \t")
            self._parts = []
            if line.strip():
                self.units.append(Src(self._no, line))
                if self._hint:
                    self.hints.add(id(self.units[-1]))

    def walk(self, el: etree._Element) -> None:
        if not isinstance(el.tag, str):  # an entity or processing instruction left by the parser
            return
        tag = el.tag.lower()
        if el in self.datatables:  # its caption and title rows above the header are lines
            self.brk()
            self.units += [ln for c in el if c.tag == "caption" for ln in _lines_of(c)]
            self.units += [ln for tr in _rows(el)[: _header_row(el)] for ln in _lines_of(tr)]
            self.units.append(_TableAt(el))
            return
        if tag in _DROP:
            return
        attrs = el.attrib
        names = f"{attrs.get('id', '')} {attrs.get('class', '')}" if "id" in attrs or "class" in attrs else ""
        if ("hidden" in attrs or ("style" in attrs and _HIDDEN.search(attrs["style"]))
                or ((tag == "footer" or (names and _CHROME_CLASS.search(names))) and self._droppable(el))):
            return
        if tag == "br":
            self.brk()
            return
        if tag == "pre":  # preformatted: its own line breaks count
            self.brk()
            for i, part in enumerate(_text(el).split("\n")):
                self.text(part, el.sourceline + i if el.sourceline else None)
                self.brk()
            return
        hint = tag in ("h1", "h2") or bool(names and _TITLE_CLASS.search(names))
        self._hint += hint
        if tag in _CELL:
            block = any(isinstance(d.tag, str) and d.tag in _BLOCK for d in el.iterdescendants())
            if not block and self._parts:
                self._parts.append("\t")
        else:
            block = tag in _BLOCK
        if block:
            self.brk()
        self.text(el.text, el.sourceline)
        for child in el:
            self.walk(child)
            self.text(child.tail, child.sourceline)
        if block:
            self.brk()
        self._hint -= hint

    def text(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        if not self._parts:
            stripped = text.lstrip(" \t\n\r\f")
            if not stripped:
                return
            self._no = (line or 1) + text.count("\n", 0, len(text) - len(stripped))
            text = stripped
        self._parts.append(_SPACE.sub(" ", text))

    def _droppable(self, el: etree._Element) -> bool:
        """A nav/footer-classed element is dropped unless it holds a data table or much text."""
        if any(t in self.datatables for t in el.iter("table")):
            return False
        return len(_compact(_text(el))) <= 500


def _lines_of(el: etree._Element) -> list[Src]:
    """The text lines of one element (a table cell), breaks at <p>, <br>, <div>, <li>…"""
    # the common cells, read without a walker: text only, or only <p>s that hold text only
    if not len(el):
        return _plain(el)
    if _blank(el.text) and all(c.tag == "p" and not len(c) and not c.attrib and _blank(c.tail) for c in el):
        return [ln for c in el for ln in _plain(c)]
    w = _Walker(set())
    w.text(el.text, el.sourceline)
    for child in el:
        w.walk(child)
        w.text(child.tail, child.sourceline)
    w.brk()
    return [u for u in w.units if isinstance(u, Src)]


def _blank(text: str | None) -> bool:
    return not text or not text.strip(" \t\n\r\f")


def _plain(el: etree._Element) -> list[Src]:
    """The one line of an element that holds text only (as the walker would lay it out)."""
    raw = el.text or ""
    text = _SPACE.sub(" ", raw).strip(" ")
    if not text.strip():
        return []
    lead = len(raw) - len(raw.lstrip(" \t\n\r\f"))
    return [Src((el.sourceline or 1) + raw.count("\n", 0, lead), text)]


# --- the header: title and metadata -----------------------------------------------------------


def _head(units: list[Src | _TableAt], hints: set[int], page: _Meta, meta: MetaFields,
          changes: list[Change]) -> tuple[str | None, int, list[Src]]:
    """Find the title and the metadata lines around it; return the title, where the body starts,
    and the content printed above the title that belongs to the body.

    Lines before the title are metadata, a document number, the 发文机关标志, or page furniture
    (site banner, menus) that is set aside as chrome — except text that reads as the document's
    own (a 令 and its signature printed above the regulation it promulgates): from the last metadata
    line before its first sentence on, the lines are kept, in order, at the head of the body.
    """
    end = next((i for i, u in enumerate(units) if isinstance(u, _TableAt)), len(units))
    pick = _pick_title(units[: min(end, 80)], hints, page)
    if pick is None:
        return None, _consume(units, 0, meta, changes, None), []
    first, stop = pick
    sentence = next((k for k in range(first) if re.search(r"[。；]$", units[k].s) and len(units[k].s) > 20), None)
    keep_from = first
    if sentence is not None:
        keep_from = max((k + 1 for k in range(sentence) if _head_line(units, k) is not None), default=0)
    before: list[Src] = []
    for k in range(first):
        if _meta_line(units, k, meta, changes):
            continue
        if k >= keep_from and not is_chrome(units[k].text):
            before.append(units[k])
        else:
            changes.append(Change(kind="chrome", line=units[k].no, before=units[k].text, after=""))
    title = "".join(u.s for u in units[first:stop])
    return title, _consume(units, stop, meta, changes, title), before


def _head_line(units: list[Src | _TableAt], k: int, meta: MetaFields | None = None) -> str | None:
    """What kind of header line units[k] is: "meta", "doc-number", "issuer", or None."""
    u = units[k]
    if not isinstance(u, Src):
        return None
    if (label := label_only(u.text)) and _value_below(units, k, label):
        return "label"
    if k and (above := label_only(units[k - 1].text) if isinstance(units[k - 1], Src) else None) \
            and _value_below(units, k - 1, above):
        return "value"
    if split_labels(u.text):
        return "meta"
    if DOC_NUMBER_LINE.match(u.s):
        return "doc-number" if meta is None or not meta.doc_number else None
    if ISSUER_MARK.match(u.s) and (meta is None or not meta.issuer):
        nxt = units[k + 1].s if k + 1 < len(units) else ""
        if DOC_NUMBER_LINE.match(nxt) or "关于" in nxt:
            return "issuer"
    return None


def _value_below(units: list[Src | _TableAt], k: int, label: str) -> bool:
    """Whether the line after a lone label (`发文日期：`) is its value."""
    nxt = units[k + 1] if k + 1 < len(units) else None
    return isinstance(nxt, Src) and not split_labels(nxt.text) and not label_only(nxt.text) and plausible(label, nxt.s)


def _meta_line(units: list[Src | _TableAt], k: int, meta: MetaFields, changes: list[Change]) -> bool:
    """Record units[k] into `meta` if it is a header line; return whether it was."""
    kind = _head_line(units, k, meta)
    if kind is None:
        return False
    u = units[k]
    if kind == "meta":
        take_meta(u.text, u.no, meta)
    elif kind == "label":
        take_value(meta, label_only(u.text), units[k + 1].s, units[k + 1].no)
    elif kind == "value":
        pass  # taken with its label
    elif kind == "doc-number":
        meta.doc_number = u.s
    else:
        meta.issuer = u.s
    changes.append(Change(kind="metadata", line=u.no, before=u.text, after=""))
    return True


def _consume(units: list[Src | _TableAt], k: int, meta: MetaFields, changes: list[Change],
             title: str | None) -> int:
    """Skip the metadata lines and title repeats from index k on; return the first body index."""
    while k < len(units) and isinstance(units[k], Src):
        u = units[k]
        if not _meta_line(units, k, meta, changes):
            if title is None or u.s not in (title, meta.name):
                break
            changes.append(Change(kind="title-repeat", line=u.no, before=u.text, after=""))
        k += 1
    return k


def _pick_title(region: list[Src | _TableAt], hints: set[int], page: _Meta) -> tuple[int, int] | None:
    """Return the (start, stop) indexes of the visible title lines, or None.

    Every title-like line (or two or three lines of a wrapped title) is scored by the text reader's
    `title_score`: the page names its title in <meta name="ArticleTitle">, og:title, an 索引号/名称
    block and <title> (often with the site name after `_` or `-`); a line matching one of them, next
    to the metadata, in an <h1>/<h2> or *title* element, ending like a title wins over a banner.
    """
    names = [s for s in (page.tags.get("articletitle"), page.tags.get("og:title")) if s]
    for u in region:
        for label, value in split_labels(u.text) if isinstance(u, Src) else ():
            if label in ("名称", "标题", "文件名称", "信息名称") and value:
                names.append(value)
    site = _compact(page.tags.get("sitename", ""))  # a <title> may name only the site
    told = TitleHints(
        names={_compact(s) for s in names},
        parts={_compact(p) for p in _TITLE_SEP.split(page.title or "") if p.strip()} - {site},
        whole=_compact(page.title or "").replace(site, "") if site else _compact(page.title or ""),
    )
    kinds = [_head_line(region, k) for k in range(len(region))]
    best: tuple[float, int, int] | None = None
    for i, u in enumerate(region):
        if not _candidate(u) or kinds[i] is not None:
            continue
        joined = ""
        for n in range(1, 4):  # a title may wrap over up to three lines
            if i + n > len(region) or not _candidate(region[i + n - 1]):
                break
            longer = joined + _compact(region[i + n - 1].s)
            if n > 1 and not continues_title(joined, region[i + n - 1].s) \
                    and not any(name.startswith(longer) for name in told.names):
                break
            joined += _compact(region[i + n - 1].s)
            after = kinds[i + n] if i + n < len(kinds) else None
            score = title_score(joined, meta_next=after is not None, meta_prev=i > 0 and kinds[i - 1] is not None,
                                hinted=id(u) in hints, hints=told)
            if best is None or score > best[0]:
                best = (score, i, i + n)
    if best is not None and best[0] > 0:
        return best[1], best[2]
    return _first_title(region)


def _candidate(u: Src | _TableAt) -> bool:
    return isinstance(u, Src) and title_like(u.s) and not split_labels(u.text) and not DOC_NUMBER_LINE.match(u.s)


def _first_title(region: list[Src | _TableAt]) -> tuple[int, int] | None:
    """The line just above the first metadata line (a page's title sits over its info line), else
    the text reader's rule: the first line after the metadata, if it looks like a title."""
    m = next((k for k in range(len(region)) if _head_line(region, k) == "meta"), None)
    if m and _candidate(region[m - 1]):
        return m - 1, m
    k = 0
    while k < len(region) and _head_line(region, k):
        k += 1
    if k >= len(region) or not _candidate(region[k]):
        return None
    stop, text = k + 1, region[k].s
    while stop < len(region) and stop - k < 3 and isinstance(region[stop], Src) \
            and continues_title(text, region[stop].s):
        text += region[stop].s
        stop += 1
    return k, stop


def _take_tail_meta(units: list[Src | _TableAt], meta: MetaFields, changes: list[Change]) -> None:
    """Metadata printed after the content (`发布日期：…` at the foot of a page) leaves the body."""
    while units and isinstance(units[-1], Src) and take_meta(units[-1].text, units[-1].no, meta):
        u = units.pop()
        changes.append(Change(kind="metadata", line=u.no, before=u.text, after=""))


def _fill_from_tags(meta: MetaFields, page: _Meta) -> None:
    """What the visible page does not say, the CMS meta tags may: source and date."""
    for tag, name in (("contentsource", "source"), ("pubdate", "published"), ("publishdate", "published")):
        if page.tags.get(tag):  # after every date and source the page prints (a PubDate may be when the
            meta.add(name, page.tags[tag], tag, None, rank=TAG_RANK[name])  # page was generated)


def _title_tag(title: str | None) -> str | None:
    """The article's part of a <title> such as `标题_栏目_站点名`: its longest part."""
    if not title:
        return None
    return max((p.strip() for p in _TITLE_SEP.split(title) if p.strip()), key=len, default=None)


# --- the body ---------------------------------------------------------------------------------


def _body(units: list[Src | _TableAt], meta: MetaFields, changes: list[Change],
          diags: list[Diagnostic]) -> list[Block]:
    blocks: list[Block] = []
    lines: list[Src] = []
    for u in [*units, None]:
        if isinstance(u, Src):
            lines.append(u)
            continue
        if lines:
            blocks += notice_blocks(lines, meta, changes, diags, first=not blocks)
        lines = []
        if u is not None:
            table, after = _table(u.el, changes, diags)
            blocks.append(table)
            lines = after
    return blocks


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
            self._lines = _lines_of(self.el)
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
        for td in _cells(tr):
            while k in slots:
                k += 1
            if k >= _MAX_SLOTS:
                break
            cs, rs = min(_span(td, "colspan"), _MAX_SLOTS - k), _span(td, "rowspan")
            cell = _Cell(td, r, cs)
            for j in range(k, k + cs):
                slots[j] = cell
                if rs > 1:
                    above[j] = (cell, rs - 1)
            k += cs
        width = max(slots) + 1 if slots else 0
        grid.append([slots.get(j) for j in range(width)])
    return grid


def _table(el: etree._Element, changes: list[Change], diags: list[Diagnostic]) -> tuple[Table, list[Src]]:
    """Read a data table: the Table, and its closing lines (notes or a signature in full-width
    rows after the last item, text left outside the cells)."""
    rows = _rows(el)
    h = _header_row(el) or 0
    grid = _grid(rows)
    heads = [h]  # a two-level header: the rows the 序号 cell's rowspan covers
    while heads[-1] + 1 < len(rows) and grid[heads[-1] + 1][:1] == [grid[h][0]]:
        heads.append(heads[-1] + 1)
    names, col_of = _columns(grid, heads)
    multi = multi_column(names)
    name_col = name_column(names, multi)
    header = [_compact(n) for n in names]
    numbered = bool(re.match(r"^(?:序号?|编号|No\.?)$", header[0], re.I)) if header else False
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
        if _compact(distinct[0].text) == header[0] and [_compact("".join(c.text for c in col))
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
        elif item is not None and _continues(grid[r][0], r, cols, multi, numbered):
            for ci, col in enumerate(cols):  # the row's own cells become a further group
                paras = item.cells[ci].paragraphs
                group = paras[-1].group + 1 if paras else 0
                paras += [Para(text=ln.text, group=group, line=ln.no) for c in col if c.row == r for ln in c.lines]
        else:
            item = _item(cols, name_col, rows[r].sourceline)
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
    w = _Walker(set())
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
