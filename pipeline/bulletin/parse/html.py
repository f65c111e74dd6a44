"""Saved web pages (HTML) → draft `Document`, the same `Document` the text reader gives.

The page is parsed with lxml's HTML parser (libxml2): tolerant of broken markup, no network, no
DTD or external entities, no scripts run; it keeps source line numbers for every element. The
page is turned into a stream of text lines, as a browser would lay it out, with each data table
(the innermost table with a header row, `html_dom.header_row`) kept as a DOM node. Lines are classified
with the shared helpers of `common.py` (chrome, metadata, notice blocks); tables are read cell by
cell, so `rowspan` and `colspan` give items and section rows exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from ..errors import InputError
from ..model import Block, Change, Diagnostic, Document
from ..patterns import lazy
from .chrome import is_chrome
from .common import (
    DOC_NUMBER_LINE,
    ISSUER_MARK,
    Src,
    continues_title,
    draft,
    notice_blocks,
    title_like,
)
from .elements import LETTER_MARK, ORDER_NUMBER, field_line, order_mark, record_line, signed_number, take_fields
from .header import (
    BULLET,
    TAG_RANK,
    TITLE_LABELS,
    MetaFields,
    TitleHints,
    compact,
    label_only,
    plausible,
    split_labels,
    take_meta,
    take_value,
    title_score,
)
from .html_dom import SAVED_FROM, SPACE, TableAt, Walker, data_tables, parse_dom, text_of
from .html_tables import read_table

_TITLE_SEP = lazy(r"(?<!\s)\s*(?:[_|｜]|\s[-–—]+\s|--)\s*")


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
    root = parse_dom(text)
    page = _page_meta(root, text)
    body = root.find("body")
    datatables = data_tables(root)
    walker = Walker(datatables)
    walker.walk(body if body is not None else root)
    walker.brk()

    changes: list[Change] = []
    diags: list[Diagnostic] = []
    units: list[Src | TableAt] = []
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


def _page_meta(root: etree._Element, text: str) -> _Meta:
    page = _Meta()
    t = root.find(".//title")
    if t is not None:
        page.title = SPACE.sub(" ", text_of(t)).strip() or None
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        value = SPACE.sub(" ", m.get("content") or "").strip()
        if key and value:
            page.tags.setdefault(key, value)
    saved = SAVED_FROM.search(text[:4096])
    base = saved[1] if saved and saved[1].startswith(("http://", "https://")) else None
    canonical = next((ln.get("href") for ln in root.iter("link")
                      if "canonical" in (ln.get("rel") or "").lower().split() and ln.get("href")), None)
    for cand in (canonical, page.tags.get("og:url"), page.tags.get("url"), base):
        url = urljoin(base, cand.strip()) if cand and base else (cand or "").strip()
        if url.startswith(("http://", "https://")):
            page.url = url
            break
    return page


# --- the header: title and metadata -----------------------------------------------------------


def _head(units: list[Src | TableAt], hints: set[int], page: _Meta, meta: MetaFields,
          changes: list[Change]) -> tuple[str | None, int, list[Src]]:
    """Find the title and the metadata lines around it; return the title, where the body starts,
    and the content printed above the title that belongs to the body.

    Lines before the title are metadata, a document number, the 发文机关标志, or page furniture
    (site banner, menus) that is set aside as chrome — except text that reads as the document's
    own (a 令 and its signature printed above the regulation it promulgates): from the last metadata
    line before its first sentence on, the lines are kept, in order, at the head of the body.
    """
    end = next((i for i, u in enumerate(units) if isinstance(u, TableAt)), len(units))
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


def _head_line(units: list[Src | TableAt], k: int, meta: MetaFields | None = None) -> str | None:
    """What kind of header line units[k] is: "meta", "doc-number", "issuer", or None."""
    u = units[k]
    if not isinstance(u, Src):
        return None
    if field_line(u.s, units[k - 1].s if k and isinstance(units[k - 1], Src) else None):
        return "gb"  # 份号, 密级, 紧急程度, 签发人
    if (label := label_only(u.text)) and _value_below(units, k, label):
        return "label"
    if k and (above := label_only(units[k - 1].text) if isinstance(units[k - 1], Src) else None) \
            and _value_below(units, k - 1, above):
        return "value"
    if split_labels(u.text):
        return "meta"
    prev = units[k - 1].s if k and isinstance(units[k - 1], Src) else None
    if DOC_NUMBER_LINE.match(u.s) or (ORDER_NUMBER.match(u.s) and prev and order_mark(prev, u.s)):
        return "doc-number" if meta is None or not meta.doc_number else None
    nxt = units[k + 1].s if k + 1 < len(units) and isinstance(units[k + 1], Src) else None
    if order_mark(u.s, nxt) and (meta is None or not meta.issuer):
        return "issuer"
    if ISSUER_MARK.match(u.s) and (meta is None or not meta.issuer):
        nxt = units[k + 1].s if k + 1 < len(units) else ""
        if DOC_NUMBER_LINE.match(nxt) or "关于" in nxt or signed_number(nxt):
            return "issuer"
    if LETTER_MARK.match(u.s) and (meta is None or not meta.issuer):
        nxt = units[k + 1].s if k + 1 < len(units) and isinstance(units[k + 1], Src) else ""
        if DOC_NUMBER_LINE.match(nxt) and "函" in nxt:  # a 函's mark: the office over its 发文字号 [std 10.1]
            return "issuer"
    return None


def _value_below(units: list[Src | TableAt], k: int, label: str) -> bool:
    """Whether the line after a lone label (`发文日期：`) is its value."""
    nxt = units[k + 1] if k + 1 < len(units) else None
    after = units[k + 2] if k + 2 < len(units) and isinstance(units[k + 2], Src) else None
    return isinstance(nxt, Src) and plausible(label, nxt.s, after.s if after else "")


def _meta_line(units: list[Src | TableAt], k: int, meta: MetaFields, changes: list[Change]) -> bool:
    """Record units[k] into `meta` if it is a header line; return whether it was."""
    kind = _head_line(units, k, meta)
    if kind is None:
        return False
    u = units[k]
    if kind == "meta":
        take_meta(u.text, u.no, meta)
    elif kind == "label":
        take_value(meta, label_only(u.text), BULLET.sub("", units[k + 1].s), units[k + 1].no)
    elif kind == "value":
        pass  # taken with its label
    elif kind == "doc-number":
        meta.doc_number = u.s
    elif kind == "gb":
        take_fields(field_line(u.s, units[k - 1].s if k and isinstance(units[k - 1], Src) else None), meta, u.no)
    else:
        meta.issuer = u.s
    changes.append(Change(kind="metadata", line=u.no, before=u.text, after=""))
    return True


def _consume(units: list[Src | TableAt], k: int, meta: MetaFields, changes: list[Change],
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


def _pick_title(region: list[Src | TableAt], hints: set[int], page: _Meta) -> tuple[int, int] | None:
    """Return the (start, stop) indexes of the visible title lines, or None.

    Every title-like line (or two or three lines of a wrapped title) is scored by the text reader's
    `title_score`: the page names its title in <meta name="ArticleTitle">, og:title, an 索引号/名称
    block and <title> (often with the site name after `_` or `-`); a line matching one of them, next
    to the metadata, in an <h1>/<h2> or *title* element, ending like a title wins over a banner.
    """
    names = [s for s in (page.tags.get("articletitle"), page.tags.get("og:title")) if s]
    for u in region:
        for label, value in split_labels(u.text) if isinstance(u, Src) else ():
            if label in TITLE_LABELS and value:
                names.append(value)
    site = compact(page.tags.get("sitename", ""))  # a <title> may name only the site
    told = TitleHints(
        names={compact(s) for s in names},
        parts={compact(p) for p in _TITLE_SEP.split(page.title or "") if p.strip()} - {site},
        whole=compact(page.title or "").replace(site, "") if site else compact(page.title or ""),
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
            longer = joined + compact(region[i + n - 1].s)
            if n > 1 and not continues_title(joined, region[i + n - 1].s) \
                    and not any(name.startswith(longer) for name in told.names | told.parts):
                break
            joined += compact(region[i + n - 1].s)
            after = kinds[i + n] if i + n < len(kinds) else None
            score = title_score(joined, meta_next=after is not None, meta_prev=i > 0 and kinds[i - 1] is not None,
                                hinted=id(u) in hints, hints=told, lines=n)
            if best is None or score > best[0]:
                best = (score, i, i + n)
    if best is not None and best[0] > 0:
        return best[1], best[2]
    return _first_title(region)


def _candidate(u: Src | TableAt) -> bool:
    return isinstance(u, Src) and title_like(u.s) and not split_labels(u.text) and not DOC_NUMBER_LINE.match(u.s)


def _first_title(region: list[Src | TableAt]) -> tuple[int, int] | None:
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


def _take_tail_meta(units: list[Src | TableAt], meta: MetaFields, changes: list[Change]) -> None:
    """Metadata printed after the content (`发布日期：…` at the foot of a page) leaves the body."""
    while units and isinstance(units[-1], Src) and not record_line(units[-1].s) \
            and take_meta(units[-1].text, units[-1].no, meta):  # (a 版记's `印发日期：` is no page metadata)
        u = units.pop()
        changes.append(Change(kind="metadata", line=u.no, before=u.text, after=""))


def _fill_from_tags(meta: MetaFields, page: _Meta) -> None:
    """What the visible page does not say, the CMS meta tags may: source and date."""
    site = page.tags.get("sitename")
    for tag, name in (("contentsource", "source"), ("pubdate", "published"), ("publishdate", "published")):
        value = page.tags.get(tag)
        if name == "source" and value and (value == site or re.search(r"网站?$", value)):
            continue  # a ContentSource that names the site (中国河北政府采购网) names no office
        if value:  # after every date and source the page prints (a PubDate may be when the page was generated)
            meta.add(name, value, tag, None, rank=TAG_RANK[name])


def _title_tag(title: str | None) -> str | None:
    """The article's part of a <title> such as `标题_栏目_站点名`: its longest part."""
    if not title:
        return None
    return max((p.strip() for p in _TITLE_SEP.split(title) if p.strip()), key=len, default=None)


# --- the body ---------------------------------------------------------------------------------


def _body(units: list[Src | TableAt], meta: MetaFields, changes: list[Change],
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
            table, after = read_table(u.el, changes, diags)
            blocks.append(table)
            lines = after
    return blocks


