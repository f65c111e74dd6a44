"""A saved page's DOM as a reader sees it: parsed by lxml (libxml2, no network, no entities), laid
out as lines of text the way a browser shows them, with each data table kept as a node.

A data table is the innermost table with a header row (序号, or a row of short names over rows of
as many cells); everything else — layout tables, disclosure grids, menus — is text.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from lxml import etree

from ..errors import InputError
from ..patterns import lazy
from .common import Src
from .header import LABEL_SET, compact, fold_labels

# Elements a reader never sees, or that are page machinery rather than content.
_DROP = frozenset({
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "canvas", "nav", "select", "option", "button", "input", "textarea", "map",
    "audio", "video", "link", "meta", "base", "title",
})
_CONTENT = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "article", "section", "main"})
# dropped elements that broken markup can leave open around the page's content
_MAY_SWALLOW = frozenset({"object", "embed", "applet", "canvas", "nav", "select", "button", "map", "audio", "video",
                          "iframe", "textarea", "noscript"})
_BLOCK = frozenset({
    "html", "body", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "tbody", "thead", "tfoot", "caption", "blockquote", "pre", "section", "article",
    "aside", "header", "footer", "main", "address", "center", "form", "fieldset", "legend", "figure",
    "figcaption", "hr", "details", "summary", "menu", "dir",
})
_CELL = frozenset({"td", "th"})
# id/class words of navigation, share bars and footers (matched as whole words of the attribute)
_CHROME_CLASS = lazy(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|share|bdsharebuttonbox|footer|foot|"
    r"copyright|sidebar)(?:$|[\s_-])", re.I)
_TITLE_CLASS = lazy(r"title|biaoti|(?:^|[\s_-])bt(?:$|[\s_-])", re.I)
_HIDDEN = lazy(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
SPACE = lazy(r"[ \t\n\r\f]+")
SAVED_FROM = lazy(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
MAX_SPAN = 200  # rowspan/colspan beyond this are markup errors, not tables


_END_OF_PAGE = lazy(r"</\s*(?:html|body)\s*>", re.I)


# Elements whose content is text, not markup: one left open takes the rest of the page as its text.
_RAW_TEXT = ("title", "textarea", "iframe", "script", "style", "xmp", "noembed", "noframes")
_RAW_START = {t: lazy(rf"<{t}\b[^>]*>", re.I) for t in _RAW_TEXT}
_RAW_END = {t: lazy(rf"</{t}\s*>", re.I) for t in _RAW_TEXT}


def _close_raw_text(text: str) -> str:
    """Close a text-only element (`<title>`, `<textarea>`, `<iframe>`, `<script>` …) left open: with
    no end tag after its start, it would hold the whole rest of the page as text (a browser shows an
    empty page, or the page inside a text box), so it is closed where it starts."""
    for tag in _RAW_TEXT:
        last = deque(_RAW_START[tag].finditer(text), maxlen=1)
        if last and not _RAW_END[tag].search(text, (last := last[0]).end()):
            text = f"{text[:last.end()]}</{tag}>{text[last.end():]}"
    return text


def parse_dom(text: str) -> etree._Element:
    """The page's element tree. A `</body>` or `</html>` that an included fragment leaves in the
    middle of the page ends nothing for a browser; libxml2 would drop all that follows it, so those
    end tags are removed (on their own line, so line numbers hold) before parsing; a text-only
    element left open is closed (`_close_raw_text`)."""
    text = _close_raw_text(_END_OF_PAGE.sub("", text))
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


def text_of(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def data_tables(root: etree._Element) -> set[etree._Element]:
    """The innermost tables that hold data: a header row (one of the first three rows) over rows of
    the same shape — whatever the first column is (序号, 类别, 项目, 单位, 产品名称 …)."""
    found = {t for t in root.iter("table") if header_row(t) is not None}
    return {t for t in found if not any(d in found for d in t.iterdescendants("table"))}


def rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested in its cells)."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child if tr.tag == "tr"]
    return rows


def cells_of(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in _CELL]


def header_row(table: etree._Element) -> int | None:
    """The index of the table's header row, or None when the table is not a data table.

    A row whose first cell is 序号 is a header; otherwise a row of two or more short names (no
    label colons, no links or form fields) followed by at least two rows of as many cells."""
    rows = rows_of(table)
    for i, tr in enumerate(rows[:3]):
        cells = cells_of(tr)
        first = compact(text_of(cells[0])) if cells else ""
        if first in ("序号", "序號") and (len(cells) > 1 or span(cells[0], "colspan") > 1):
            return i
    if any(True for _ in table.iterdescendants("table")) or _label_grid(rows):
        return None
    for i, tr in enumerate(rows[:3]):
        cells = cells_of(tr)
        if len(cells) >= 2 and all(_header_cell(c) for c in cells):
            width = sum(span(c, "colspan") for c in cells)
            data = [r for r in rows[i + 1 :] if sum(span(c, "colspan") for c in cells_of(r)) >= 2]
            same = [r for r in data if sum(span(c, "colspan") for c in cells_of(r)) <= width]
            exact = [r for r in same if sum(span(c, "colspan") for c in cells_of(r)) == width]
            if (len(same) >= 2 or (width >= 3 and len(exact) == 1)) and len(same) * 4 >= len(rows[i + 1 :]) * 3:
                return i  # one data row is enough under a wide header it fills exactly
        if cells and len(cells) > 1:
            return None  # a row of data before any header: a layout table
    return None


def _label_grid(rows: list[etree._Element]) -> bool:
    """A disclosure grid printed without colons (索引号 | 值 | 信息分类 | 值): two or more rows open
    with a known label."""
    opened = 0
    for tr in rows:
        cells = cells_of(tr)
        if cells and fold_labels(compact(text_of(cells[0]))) in LABEL_SET:
            opened += 1
    return opened >= 2


def _header_cell(cell: etree._Element) -> bool:
    """A column name: short, no label colon, no link, image or form field inside."""
    text = compact(text_of(cell))
    if len(text) > 20 or text.endswith((":", "：")) or re.fullmatch(r"[\d.,%\-]+", text or "x"):
        return False
    return not any(d.tag in ("a", "img", "input", "select", "button", "table") for d in cell.iter()
                   if isinstance(d.tag, str))


def span(el: etree._Element, attr: str) -> int:
    """rowspan/colspan as browsers read them: leading digits, 0 rows = to the end, capped."""
    value = el.get(attr)
    if value is None:
        return 1
    m = re.match(r"\s*(\d+)", value)
    n = int(m[1]) if m else 1
    return min(n, MAX_SPAN) if n > 0 else (MAX_SPAN if attr == "rowspan" else 1)


@dataclass
class TableAt:
    """Where a data table stands in the line stream."""

    el: etree._Element


class Walker:
    """Lay the page out as lines: block elements and <br> break lines, inline text runs on.

    Cells of a layout table that hold only inline content share their row's line, separated by
    tabs (as a browser copy gives them), so `索引号：｜0010…｜发布机构：｜某局` stays one metadata line.
    """

    def __init__(self, datatables: set[etree._Element]):
        self.datatables = datatables
        self.units: list[Src | TableAt] = []
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
            self.units += [ln for c in el if c.tag == "caption" for ln in lines_of(c)]
            self.units += [ln for tr in rows_of(el)[: header_row(el)] for ln in lines_of(tr)]
            self.units.append(TableAt(el))
            return
        if tag in _DROP:
            if tag in _MAY_SWALLOW and self._swallows(el):
                # left open (`<button … />`, an unclosed <embed>): libxml2 nests the rest of the page
                # in it, as a browser would not; read its children, not its own label
                for child in el:
                    self.walk(child)
                    self.text(child.tail, child.sourceline)
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
            for i, part in enumerate(text_of(el).split("\n")):
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
        self._parts.append(SPACE.sub(" ", text))

    def _swallows(self, el: etree._Element) -> bool:
        """Whether a control or embed holds the page's content: broken markup nested it there."""
        return any(isinstance(d.tag, str) and d.tag in _CONTENT for d in el.iterdescendants()) \
            or not self._droppable(el)

    def _droppable(self, el: etree._Element) -> bool:
        """A nav/footer-classed element is dropped unless it holds a data table or much text."""
        if any(t in self.datatables for t in el.iter("table")):
            return False
        return len(compact(text_of(el))) <= 500


def lines_of(el: etree._Element) -> list[Src]:
    """The text lines of one element (a table cell), breaks at <p>, <br>, <div>, <li>…"""
    # the common cells, read without a walker: text only, or only <p>s that hold text only
    if not len(el):
        return _plain(el)
    if _blank(el.text) and all(c.tag == "p" and not len(c) and not c.attrib and _blank(c.tail) for c in el):
        return [ln for c in el for ln in _plain(c)]
    w = Walker(set())
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
    text = SPACE.sub(" ", raw).strip(" ")
    if not text.strip():
        return []
    lead = len(raw) - len(raw.lstrip(" \t\n\r\f"))
    return [Src((el.sourceline or 1) + raw.count("\n", 0, lead), text)]


