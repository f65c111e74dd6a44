"""The small hierarchy of fatal errors. Their messages say what is wrong and how to fix it."""

from __future__ import annotations

#: inputs larger than this are refused before they are read (`--max-bytes`)
DEFAULT_MAX_BYTES = 20_000_000


class BulletinError(Exception):
    """A fatal problem with one input, a style or the environment; never a bug.

    `path` and `line` locate it when known; `str(err)` is the one-line message for people.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where += f":{self.line}"
        return f"{where}: error: {self.message}" if where else self.message


class InputError(BulletinError):
    """The input cannot be read: empty, binary, too large, undecodable, not a bulletin."""


class StyleError(BulletinError):
    """A style file is missing a key or has a bad value."""


class FontError(BulletinError):
    """No usable font for a role; the message says what to install."""


class OutputError(BulletinError):
    """An output cannot be written: its folder is a file, read-only, or the disk is full."""


class RenderError(BulletinError):
    """A renderer could not produce its output."""


class NoWorkers(BulletinError):
    """A Dask run found no worker for its timeout: the inputs left are not converted (exit 1)."""
