"""bulletin: Chinese government bulletins → GB/T 9704 .docx, PDF and normalised JSON."""

from __future__ import annotations

__version__ = "0.1.0"
