"""bulletin: Chinese government bulletins → GB/T 9704 .docx, PDF and normalised JSON."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bulletin")  # the installed distribution's own metadata
except PackageNotFoundError:  # run from a source tree that is not installed
    __version__ = "0.0.0+unknown"
