"""The normalised JSON renderer."""

from __future__ import annotations

from ..model import Document
from . import Context, Rendered


def render(doc: Document, style: object = None, context: Context | None = None) -> Rendered:
    """The document's canonical JSON as UTF-8 bytes (style and context are not used)."""
    return Rendered(doc.to_json().encode("utf-8"))


def render_json(doc: Document, style: object = None) -> bytes:
    return render(doc, style).data
