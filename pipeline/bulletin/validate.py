"""Semantic checks: diagnostics with stable codes (their severities are in `diagnostics.SEVERITY`)."""

from __future__ import annotations

import re

from .diagnostics import SEVERITY, diagnostic
from .i18n import _
from .model import Diagnostic, Document, ItemRow, Para, SectionRow, Table

_TERMINAL = "。！？!?；;…”’）)》」』"


#: the codes `validate` finds; a document validated `again` drops its stored ones first
CHECKS = frozenset({"missing-title", "missing-date", "missing-source", "cell-count", "empty-cell",
                    "item-number-gap", "item-number-restart", "entry-number-gap", "truncated-text"})


def validate(doc: Document, *, again: bool = False) -> Document:
    """Return a copy of `doc` with the semantic diagnostics appended (parser ones kept first).

    `again`: the document was validated before (a bulletin JSON, perhaps edited since), so the
    diagnostics of these checks it holds are dropped and found anew."""
    found: list[Diagnostic] = []
    if not doc.meta.title.strip():
        found.append(diagnostic("missing-title", None, _("no title found before the body")))
    if doc.meta.published is None:
        found.append(diagnostic("missing-date", None, _("no publication date (发布日期) found")))
    if doc.meta.source is None:
        found.append(diagnostic("missing-source", None, _("no source (来源) found")))
    for block in doc.body:
        if isinstance(block, Table):
            found += _table(block)
    last = _last_text(doc)
    if last is not None and _cut_off(last.text):
        found.append(diagnostic("truncated-text", last.line,
                                _("the last sentence seems cut off: …{tail!r}").format(tail=last.text[-12:])))
    fixed = [d for d in doc.diagnostics if d.code in SEVERITY and not (again and d.code in CHECKS)]
    return doc.model_copy(update={"diagnostics": fixed + found})


def _table(table: Table) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    prev: int | None = None
    after_section = False
    for row in table.rows:
        if isinstance(row, SectionRow):
            after_section = True
            continue
        if len(row.cells) != len(table.columns):
            out.append(diagnostic("cell-count", row.line,
                                  _("item {number}: {cells} cells for {columns} columns").format(
                                      number=row.number, cells=len(row.cells), columns=len(table.columns))))
        for col, cell in zip(table.columns, row.cells, strict=False):
            if not cell.paragraphs:
                message = _("item {number}: the {column!r} cell is empty").format(number=row.number, column=col)
                out.append(diagnostic("empty-cell", row.line, message))
        n = int(row.number) if row.number and row.number.isdigit() else None
        if n is not None and prev is not None and n != prev + 1:
            if n == 1:
                out.append(diagnostic("item-number-restart", row.line,
                                      _("item numbers restart at 1 after {prev}").format(prev=prev)
                                      + (_(" (new section)") if after_section else "")))
            else:
                message = _("item {n} follows item {prev}").format(n=n, prev=prev)
                out.append(diagnostic("item-number-gap", row.line, message))
        prev, after_section = (n if n is not None else prev), False
        out += _entries(row)
    return out


def _entries(row: ItemRow) -> list[Diagnostic]:
    """Entry numbers run 1, 2, 3 … inside a cell; a new list may restart at 1."""
    out = []
    for cell in row.cells[1:]:
        prev = None
        for p in cell.paragraphs:
            m = re.search(r"\d+", p.marker or "")
            if not m:
                continue
            n = int(m[0])
            if prev is not None and n not in (prev + 1, 1):
                out.append(diagnostic("entry-number-gap", p.line,
                                      _("item {number}: entry {marker} follows entry {prev}").format(
                                          number=row.number, marker=p.marker, prev=prev)))
            prev = n
    return out


def _last_text(doc: Document) -> Para | None:
    for block in reversed(doc.body):
        if isinstance(block, Table):
            for row in reversed(block.rows):
                if isinstance(row, ItemRow):
                    for cell in reversed(row.cells):
                        if cell.paragraphs:
                            return cell.paragraphs[-1]
            return None
        text = getattr(block, "text", None)
        if text:
            return Para(text=text, line=block.line)
        return None
    return None


def _cut_off(text: str) -> bool:
    """A text that holds full sentences but stops without a closing mark was cut off."""
    t = text.rstrip()
    return bool(t) and t[-1] not in _TERMINAL and ("。" in t or len(t) > 60)
