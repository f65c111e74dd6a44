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

if TYPE_CHECKING:
    from ..model import Document, Heading, Paragraph

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


def renderer(fmt: str) -> Renderer:
    """Return the render function of format `fmt` (a key of RENDERERS)."""
    module, _, function = RENDERERS[fmt].partition(":")
    return getattr(import_module(f"{__name__}.{module}"), function)
