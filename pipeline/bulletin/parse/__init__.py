"""Readers: text or HTML → draft `Document`."""

from __future__ import annotations

from .text import parse_text

__all__ = ["parse_text"]
