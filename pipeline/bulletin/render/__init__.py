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
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

from ..model import Diagnostic

if TYPE_CHECKING:
    from ..model import Document
    from ..style import StyleSheet


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


def renderer(fmt: str) -> Renderer:
    """Return the render function of format `fmt` (a key of RENDERERS)."""
    return import_module(f"{__name__}.{RENDERERS[fmt]}").render
