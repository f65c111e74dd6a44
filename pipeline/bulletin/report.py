"""Exit codes, the outcome of a run and how it is shown while it runs, in one place."""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, TextIO

from .patterns import lazy

if TYPE_CHECKING:
    from .model import Diagnostic


class Exit(IntEnum):
    OK = 0  # every input converted or up to date (and, under --strict, without warnings)
    FAILED = 1  # an input failed, or had warnings/errors under --strict
    USAGE = 2  # bad command line, style or option: nothing was converted
    INTERRUPTED = 128  # plus the signal number: 130 after Ctrl-C, 143 after SIGTERM


@dataclass
class Report:
    """What happened to each input of a run; `return_code` turns it into the exit code."""

    strict: bool = False
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    skipped: int = 0
    interrupted: int | None = None  # the signal that stopped the run
    started: float = field(default_factory=time.perf_counter)
    codes: Counter = field(default_factory=Counter)  # diagnostic codes of the inputs converted

    def converted(self, diagnostics: Iterable[Diagnostic] = (), counts: Mapping[str, int] | None = None) -> None:
        """Count a converted input, with its diagnostics (or their `counts` by severity)."""
        self.done += 1
        self._tally(diagnostics, counts)

    def skip(self, counts: Mapping[str, int] | None = None) -> None:
        """Count an input that was up to date; its recorded diagnostics still count under --strict."""
        self.skipped += 1
        self._tally((), counts)

    def failure(self, path: str, message: str) -> None:
        self.failed.append((path, message))

    def _tally(self, diagnostics: Iterable[Diagnostic], counts: Mapping[str, int] | None) -> None:
        if counts is None:
            severities = [d.severity for d in diagnostics]
            counts = {"error": severities.count("error"), "warning": severities.count("warning")}
        self.errors += counts.get("error", 0)
        self.warnings += counts.get("warning", 0)

    @property
    def total(self) -> int:
        return self.done + self.skipped + len(self.failed)

    @property
    def return_code(self) -> int:
        if self.interrupted:
            return Exit.INTERRUPTED + self.interrupted
        if self.failed or self.errors or (self.strict and self.warnings):
            return Exit.FAILED
        return Exit.OK

    def summary(self) -> str:
        """One line of counts (and the rate), preceded by one line per failure."""
        from .i18n import _

        lines = [_("failed: {path}: {message}").format(path=shown(path), message=_indent(message))
                 for path, message in self.failed]
        seconds = time.perf_counter() - self.started
        rate = _(", {rate:.1f} files/s").format(rate=self.total / seconds) if seconds > 0 and self.total > 1 else ""
        head = _("{done} converted, {skipped} skipped, {failed} failed").format(
            done=self.done, skipped=self.skipped, failed=len(self.failed))
        tail = _("{errors} errors, {warnings} warnings; {seconds:.2f} s").format(
            errors=self.errors, warnings=self.warnings, seconds=seconds) + rate
        stop = _("; interrupted by signal {signal}, run again to resume").format(
            signal=self.interrupted) if self.interrupted else ""
        return "\n".join([*lines, _("{head} ({tail}){stop}").format(head=head, tail=tail, stop=stop)])


_UNPRINTABLE = lazy("[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]")


def shown(path: str | os.PathLike) -> str:
    """A file name as `file:line:` lines print it: its control characters escaped (`\\n`, `\\t`,
    `\\x01`; a newline in a name would start a line of its own) and the bytes of a name that
    is not UTF-8 as `\\xNN` (they cannot be printed at all)."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return _UNPRINTABLE.sub(_escape, text)


def where(path: str | os.PathLike, line: int | None) -> str:
    """`file:line` (or `file`) as a diagnostic line starts."""
    return f"{shown(path)}:{line}" if line else shown(path)


def _escape(m: re.Match) -> str:
    o = ord(m[0])
    if 0xDC80 <= o <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{o - 0xDC00:02x}"
    return m[0].encode("unicode_escape").decode("ascii")


def _indent(message: str) -> str:
    return message.replace("\n", "\n    ")


# --- showing progress -------------------------------------------------------------------------


class Progress:
    """Silent progress: the interface `batch.run` talks to. `log` prints a line (a diagnostic)."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr

    def start(self, total: int) -> None: ...

    def advance(self, report: Report) -> None: ...

    def log(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def close(self) -> None: ...


class LogProgress(Progress):
    """Plain lines every `every` seconds, for CI logs and pipes: `12/200 (6%), 9.8 files/s, ETA 19s`."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0):
        super().__init__(stream)
        self.every = every
        self.total = 0
        self.t0 = self.last = time.perf_counter()

    def start(self, total: int) -> None:
        self.total = total
        self.t0 = self.last = time.perf_counter()
        if total > 1:
            from .i18n import _

            self.log(_("bulletin: {total} inputs").format(total=total))

    def advance(self, report: Report) -> None:
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self.log(self._line(report, now))

    def _line(self, report: Report, now: float) -> str:
        n, rate = report.total, report.total / max(now - self.t0, 1e-9)
        eta = f", ETA {(self.total - n) / rate:.0f}s" if rate and n < self.total else ""
        share = f" ({100 * n // self.total}%)" if self.total else ""
        return (f"bulletin: {n}/{self.total}{share}: {report.done} converted, {report.skipped} skipped, "
                f"{len(report.failed)} failed; {rate:.1f} files/s{eta}")


class BarProgress(Progress):
    """A rich progress bar on the terminal: done/total, rate, elapsed time and ETA."""

    def __init__(self, stream: TextIO | None = None):
        super().__init__(stream)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        class Rate(ProgressColumn):
            def render(self, task):
                return f"{task.speed or 0:.1f} files/s"

        self.bar = Progress(TextColumn("[bold]converting"), BarColumn(), MofNCompleteColumn(), Rate(),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=Console(file=self.stream), transient=False)
        self.task = None

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("convert", total=total)

    def advance(self, report: Report) -> None:
        self.bar.update(self.task, completed=report.total)

    def log(self, line: str) -> None:
        self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        self.bar.stop()


def progress_for(mode: str, quiet: bool = False, stream: TextIO | None = None) -> Progress:
    """`auto`: a bar on a terminal, log lines otherwise; `bar`, `log` or `none` to choose."""
    stream = stream or sys.stderr
    if mode == "auto":
        mode = "none" if quiet else ("bar" if stream.isatty() else "log")
    return {"bar": BarProgress, "log": LogProgress}.get(mode, Progress)(stream)
