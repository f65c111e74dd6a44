"""Writing outputs: never a half-written file, never some of an input's outputs without the rest.

Every file goes to a temporary name beside its target (`.<name>.<pid>.tmp`, which
`manifest.sweep_temporaries` knows) and is renamed over the target only when all of them are
written. An OS error (not a folder, read-only, no space left) is an `OutputError` naming the file,
and nothing of the files being written is left behind.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import OutputError


def temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename: never a half-written file."""
    write_all({path: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write each file's bytes, all or none: every temporary first, then the renames."""
    done: list[Path] = []
    try:
        for path, data in files.items():
            tmp = temporary(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise OutputError(f"cannot write {path}: {path.parent} is not a folder", path=str(path)) from None
            except OSError as err:
                raise OutputError(f"cannot write {path}: {reason(err)}", path=str(path)) from None
            try:
                done.append(tmp)
                with open(tmp, "wb") as fh:
                    fh.write(data)
            except OSError as err:
                raise OutputError(f"cannot write {path}: {reason(err)}", path=str(path)) from None
        for path in files:
            try:
                os.replace(temporary(path), path)
            except OSError as err:
                raise OutputError(f"cannot write {path}: {reason(err)}", path=str(path)) from None
    finally:
        for tmp in done:
            with contextlib.suppress(OSError):
                tmp.unlink()


def reason(err: OSError) -> str:
    """An OS error's reason, without the file names Python adds (the message names the file)."""
    return err.strerror or type(err).__name__
