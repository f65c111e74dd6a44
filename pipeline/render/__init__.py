"""Renderers: `Document + StyleSheet → bytes`, one plain function per output format.

A renderer reads only the model and the style; it never re-parses text and never picks a
layout number itself. `RENDERERS` maps the format name (also the file suffix) to the function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .docx import render_docx
from .json import render_json
from .pdf import render_pdf

if TYPE_CHECKING:
    from ..model import Document

Renderer = Callable[["Document", object], bytes]

RENDERERS: dict[str, Renderer] = {
    "json": render_json,
    "docx": render_docx,
    "pdf": render_pdf,
}
