"""Diagnostics: every code a stage may report, its severity, and the one factory every stage uses.

Severities are decided here, in one place (the README lists this table); `--strict` turns
warnings into failures.
"""

from __future__ import annotations

from .model import Diagnostic

#: code → severity
SEVERITY: dict[str, str] = {
    "missing-title": "error",
    "cell-count": "error",
    "missing-date": "warning",
    "missing-source": "warning",
    "item-number-gap": "warning",
    "item-number-restart": "info",
    "entry-number-gap": "warning",
    "empty-cell": "warning",
    "truncated-text": "warning",
    "unplaced-line": "warning",
    "missing-glyph": "warning",
    "unreadable": "error",
    "bad-date": "warning",
    "broken-bytes": "warning",
}


def diagnostic(code: str, line: int | None, message: str) -> Diagnostic:
    """A `Diagnostic` of `code` (a key of SEVERITY) with its severity."""
    return Diagnostic(severity=SEVERITY[code], code=code, line=line, message=message)
