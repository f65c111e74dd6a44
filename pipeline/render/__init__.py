"""Renderers: `Document + StyleSheet → bytes`, one plain function per output format.

A renderer reads only the model and the style; it never re-parses text and never picks a
layout number itself. `RENDERERS` maps the format name (also the file suffix) to the module and
function that render it; `renderer(name)` imports it on first use, so a JSON-only run never pays
for reportlab or the .docx writer.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Document

Renderer = Callable[["Document", object], bytes]

RENDERERS: dict[str, str] = {
    "json": "json:render_json",
    "docx": "docx:render_docx",
    "pdf": "pdf:render_pdf",
}


def renderer(fmt: str) -> Renderer:
    """Return the render function of format `fmt` (a key of RENDERERS)."""
    module, _, function = RENDERERS[fmt].partition(":")
    return getattr(import_module(f"{__name__}.{module}"), function)
