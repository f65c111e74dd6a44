"""Renderers: `Document + StyleSheet → bytes`, one plain function per output format.

A renderer reads only the model and the style; it never re-parses text and never picks a
layout number itself. `RENDERERS` maps the format name (also the file suffix) to the module and
function that render it; `renderer(name)` imports it on first use, so a JSON-only run never pays
for reportlab or the .docx writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from ..errors import RenderError
from ..model import SectionRow

if TYPE_CHECKING:
    from ..model import Document, Heading, Paragraph, Table
    from ..style import Length, StyleSheet

Renderer = Callable[["Document", object], bytes]

RENDERERS: dict[str, str] = {
    "json": "json:render_json",
    "docx": "docx:render_docx",
    "pdf": "pdf:render_pdf",
}


_DIVISION = re.compile(r"^第.{1,5}[编章节条節編條]$")


def marked(block: Heading | Paragraph) -> str:
    """A heading's or paragraph's text with its printed marker, as every format sets it: a
    regulation's 第X章 and 第X条 are followed by a full-width space (第一条　为了…), other markers
    run on (`一、`, `1.`)."""
    marker = block.marker or ""
    return marker + ("\u3000" if _DIVISION.match(marker) else "") + block.text


def table_columns(table: Table, style: StyleSheet, total: Length) -> tuple[list[str], list[str], list[Length]]:
    """The header texts, column roles and widths (summing to `total`) of a table, as every format
    lays it out: as many columns as its widest row, in proportion to the style's ratios but none
    narrower than one character of the cell size (beside its padding) while that fits, else none
    narrower than half a character (a digit). A table with more columns than that cannot be laid
    out: a RenderError names it (29 columns at the default style)."""
    ncols = max([len(table.columns)] + [len(r.cells) for r in table.rows if not isinstance(r, SectionRow)])
    headers = table.columns + [""] * (ncols - len(table.columns))
    roles = table.column_roles(ncols)
    char, pad = style.role("table_cell").size, style.table.cell_padding * 2
    least = char + pad if (char + pad) * ncols <= total else char * 0.5 + pad
    if least * ncols > total:
        fit = total.emu // least.emu
        where = f" at line {table.line}" if table.line else ""
        raise RenderError(f"the table{where} has {ncols} columns: too many to lay out across the page "
                          f"(at most {fit} columns half a character wide fit)")
    return headers, roles, style.table.column_widths(roles, total, least)


def renderer(fmt: str) -> Renderer:
    """Return the render function of format `fmt` (a key of RENDERERS)."""
    module, _, function = RENDERERS[fmt].partition(":")
    return getattr(import_module(f"{__name__}.{module}"), function)
