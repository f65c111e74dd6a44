"""Renderers: one protocol for every format, `render(doc, style, context) -> Rendered`.

A renderer reads only the model, the style and the render `Context` (font folders,
`SOURCE_DATE_EPOCH`: passed explicitly, to worker processes too, never through the environment);
it never re-parses text and never picks a layout number itself. It returns its bytes with the
diagnostics it found (`Rendered`). `RENDERERS` maps the format name (also the file suffix) to the
module whose `render` it is; `renderer(name)` imports it on first use, so a JSON-only run never
pays for reportlab or the .docx writer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

from ..errors import RenderError
from ..model import Diagnostic, SectionRow

if TYPE_CHECKING:
    from ..model import Block, Document, Heading, Paragraph, Table
    from ..style import Length, StyleSheet


@dataclass(frozen=True)
class Context:
    """What a render needs besides the document and the style. `font_dirs` are searched for fonts
    before `BULLETIN_FONT_PATH` and (with `system_fonts`) the system's folders;
    `source_date_epoch` (seconds, as text) dates a document that has no date of its own."""

    font_dirs: tuple[str, ...] = ()
    system_fonts: bool = True
    source_date_epoch: str | None = None

    @classmethod
    def here(cls, font_dirs=()) -> Context:
        """The context of this process: its `SOURCE_DATE_EPOCH`, and `font_dirs` first."""
        return cls(font_dirs=tuple(str(d) for d in font_dirs),
                   source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH") or None)


@dataclass
class Rendered:
    """A format's bytes and what rendering it found (a glyph no installed font has)."""

    data: bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)


Renderer = Callable[["Document", "StyleSheet | None", Context], Rendered]

#: format → the module whose `render(doc, style, context)` makes it
RENDERERS: dict[str, str] = {"json": "json", "docx": "docx", "pdf": "pdf"}


_DIVISION = re.compile(r"^第.{1,5}[编章节条節編條]$")


def marked(block: Heading | Paragraph) -> str:
    """A heading's or paragraph's text with its printed marker, as every format sets it: a
    regulation's 第X章 and 第X条 are followed by a full-width space (第一条　为了…), other markers
    run on (`一、`, `1.`)."""
    marker = block.marker or ""
    return marker + ("\u3000" if _DIVISION.match(marker) else "") + block.text


def blocks(body: list[Block]) -> Iterator[tuple[Block, Paragraph | None]]:
    """The body as every format sets it: each block, and for a heading the paragraph that runs on
    its line (`run_in`), which is not a block of its own then."""
    i = 0
    while i < len(body):
        block = body[i]
        nxt = body[i + 1] if i + 1 < len(body) else None
        if block.type == "heading" and nxt is not None and nxt.type == "paragraph" and nxt.run_in:
            yield block, nxt
            i += 2
        else:
            yield block, None
            i += 1


def draw(writer, block: Block, run_in: Paragraph | None = None):
    """Call `writer`'s method for the block's type (`block_heading`, `block_table` …; a heading's
    also gets its run-in paragraph): a block type a writer has no method for is a RenderError, in
    every format, never a silent loss."""
    method = getattr(writer, f"block_{block.type}", None)
    if method is None:
        raise RenderError(f"the {writer.FORMAT} renderer cannot set a block of type {block.type!r}")
    return method(block, run_in) if run_in is not None else method(block)


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
    return import_module(f"{__name__}.{RENDERERS[fmt]}").render
