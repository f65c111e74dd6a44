"""`OUT/manifest.jsonl`: what each input became, so that a re-run skips what is up to date.

One JSON object per line, sorted by `path` (the input's path relative to the folder it was found
in; outputs mirror it). While a run goes on, each result is appended to a journal beside the
manifest; at the end (also after Ctrl-C or SIGTERM) the old manifest and the journal are merged
and the manifest is rewritten atomically. A run killed outright leaves the journal, which the
next run reads, so a resume never redoes work that finished and never trusts a half-written line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import __version__
from .errors import BulletinError, OutputError
from .files import reason, write_atomic
from .patterns import lazy

MANIFEST = "manifest.jsonl"
JOURNAL = ".manifest.journal.jsonl"
# The temporary names `files.write_all` uses: `.<name>.<pid>.tmp`.
_TMP = lazy(r"^\..+\.\d+\.tmp$")
UP_TO_DATE = ("converted", "skipped")


def options_key(formats: Iterable[str], style: str | os.PathLike | None, context=None) -> str:
    """Return a short hash of everything besides the input that shapes the outputs.

    That is the formats, the tool version, the render context (`SOURCE_DATE_EPOCH`, the font
    folders searched first) and, when a .docx or PDF is made, the bundled style and the house
    style's bytes.
    """
    formats = sorted(formats)
    epoch = context.source_date_epoch if context is not None else os.environ.get("SOURCE_DATE_EPOCH")
    fonts = list(context.font_dirs) if context is not None and context.font_dirs else None
    h = hashlib.sha256(json.dumps({"formats": formats, "version": __version__, "SOURCE_DATE_EPOCH": epoch,
                                   **({"font_dirs": fonts} if fonts else {})}).encode())
    if any(f != "json" for f in formats):
        from .style import DEFAULT_STYLE, VARIANTS, bundled

        # without --style each document may take a bundled variant (the letter, the order)
        sheets = [DEFAULT_STYLE, *VARIANTS.values()] if style is None else [DEFAULT_STYLE, bundled(style) or style]
        for path in sheets:
            h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()[:16]


def format_keys(formats: Iterable[str], style: str | os.PathLike | None, context=None) -> dict[str, str]:
    """`options_key` of each format alone: what an output of that format was made with (a run of
    other formats keeps it)."""
    return {f: options_key((f,), style, context) for f in formats}


def file_sha256(path: str | os.PathLike, limit: int | None = None) -> str | None:
    """Return the hex sha256 of a file's bytes, or None if it cannot be read (or exceeds `limit`)."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                size += len(chunk)
                if limit is not None and size > limit:
                    return None
                h.update(chunk)
    except (OSError, ValueError):
        return None
    return h.hexdigest()


def _read_lines(path: Path) -> Iterator[dict]:
    """Yield the JSON objects of a .jsonl file, passing over lines a killed writer cut short."""
    try:
        fh = open(path, encoding="utf-8")
    except FileNotFoundError:
        return
    with fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                yield entry


def _line(entry: dict) -> str:
    """One manifest line. A file name that is not UTF-8 holds lone surrogates (os.fsdecode's
    stand-ins for its bytes); its line is written in ASCII escapes, which read back the same."""
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(entry, sort_keys=True) + "\n"
    return line


class Manifest:
    """The manifest of an output folder: `entries` by input path, `record` during a run, `commit`."""

    def __init__(self, out: Path, enabled: bool = True):
        self.out, self.enabled = out, enabled
        self.path = out / MANIFEST
        self.journal = out / JOURNAL
        # the last run was killed before it could commit
        self.dirty = enabled and self.journal.exists()
        self.entries: dict[str, dict] = {e["path"]: e for e in _read_lines(self.path)} if enabled else {}
        if enabled:
            self.entries.update((e["path"], e) for e in _read_lines(self.journal))
        self._fh = None

    def fresh(self, entry: dict | None, source: str, outputs: dict[str, str], keys: dict[str, str],
              limit: int, sha256: str | None = None) -> bool:
        """True when `entry` says `source` was converted, and every planned output is still there
        with the recorded hash, made with these options (`format_keys`). Cheap checks first; the
        input is hashed last (a WARC page's hash, `sha256`, is known from planning)."""
        if not entry or entry.get("status") not in UP_TO_DATE or entry.get("version") != __version__:
            return False
        recorded = entry.get("outputs") or {}
        if any(not isinstance(recorded.get(f), dict) or recorded[f].get("path") != p
               or recorded[f].get("options") != keys.get(f) for f, p in outputs.items()):
            return False
        if (sha256 or file_sha256(source, limit)) != entry.get("sha256"):
            return False
        return all(file_sha256(self.out / p) == recorded[f].get("sha256") for f, p in outputs.items())

    def open(self) -> None:
        """Open the journal for the run (an OutputError when the folder takes no file)."""
        if not self.enabled:
            return
        try:
            self._fh = open(self.journal, "a", encoding="utf-8")
        except OSError as err:
            raise OutputError(f"cannot write into the output folder {self.out}: {reason(err)}",
                              path=str(self.journal)) from None

    def record(self, entry: dict) -> None:
        """Remember `entry` and append it to the journal at once (one write, flushed). The journal
        only serves a run killed before `commit`: when the disk is full, the entry is kept here."""
        self.entries[entry["path"]] = entry
        if self._fh is None:
            return
        try:
            self._fh.write(_line(entry))
            self._fh.flush()
        except OSError:
            self._close()

    def _close(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()

    def commit(self) -> None:
        """Rewrite the manifest atomically with every entry, then drop the journal; an OutputError
        when the manifest cannot be written (the journal is dropped when it holds nothing)."""
        self._close()
        if not self.enabled:
            return
        lines = (_line(self.entries[k]) for k in sorted(self.entries))
        try:
            write_atomic(self.path, "".join(lines).encode("utf-8"))
        except OutputError as err:
            with contextlib.suppress(OSError):
                if not self.journal.stat().st_size:
                    self.journal.unlink()
            raise OutputError(f"{err.message}; the outputs written are kept, and the next run converts "
                              "again what it cannot find recorded", path=err.path) from None
        with contextlib.suppress(FileNotFoundError):
            self.journal.unlink()
        self.dirty = False

    def mark_skipped(self, path: str) -> None:
        # Not journaled: the entry on disk already says the same outputs are up to date.
        self.entries[path] = {**self.entries[path], "status": "skipped"}


def sweep_temporaries(out: Path) -> int:
    """Remove the temporary files an interrupted writer left under `out`; return how many."""
    removed = 0
    for folder, _dirs, files in os.walk(out):
        for name in files:
            if _TMP.match(name):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(folder, name))
                    removed += 1
    return removed


@contextlib.contextmanager
def locked(out: Path, enabled: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the output folder itself, so two runs never write one manifest."""
    if not enabled:
        yield
        return
    try:
        import fcntl

        fd = os.open(out, os.O_RDONLY)
    except (ImportError, OSError):  # pragma: no cover - no advisory locks here: one batch at a time
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BulletinError(f"another `bulletin convert` is writing to {out}; wait for it to finish "
                                "or choose another --out") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
