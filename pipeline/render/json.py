"""The normalised JSON renderer."""

from __future__ import annotations

from ..model import Document


def render_json(doc: Document, style: object = None) -> bytes:
    """Return the document's canonical JSON as UTF-8 bytes (the style is not used)."""
    return doc.to_json().encode("utf-8")
