"""Exit codes and the outcome of a run, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from .model import Diagnostic


class Exit(IntEnum):
    OK = 0  # every input converted (and, under --strict, without warnings)
    FAILED = 1  # an input failed, or had warnings/errors under --strict
    USAGE = 2  # bad command line, style or option: nothing was converted


@dataclass
class Report:
    """What happened to each input of a run; `return_code` turns it into the exit code."""

    strict: bool = False
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    skipped: int = 0

    def converted(self, diagnostics: list[Diagnostic]) -> None:
        self.done += 1
        self.errors += sum(d.severity == "error" for d in diagnostics)
        self.warnings += sum(d.severity == "warning" for d in diagnostics)

    def failure(self, path: str, message: str) -> None:
        self.failed.append((path, message))

    @property
    def return_code(self) -> int:
        if self.failed or self.errors or (self.strict and self.warnings):
            return Exit.FAILED
        return Exit.OK

    def summary(self) -> str:
        parts = [f"{self.done} converted"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        parts.append(f"{len(self.failed)} failed")
        parts.append(f"{self.errors} errors, {self.warnings} warnings")
        return ", ".join(parts)
