"""What CI systems read: GitHub Actions workflow commands (annotations) and the job's step summary,
and JUnit XML (GitLab, Jenkins, Azure and most others show it as a test report).

GitHub shows at most 10 annotations of a kind per step, so `summary` also writes a table of the
run to `$GITHUB_STEP_SUMMARY`: how many inputs were converted, skipped and failed, the failures and
the commonest diagnostic codes.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Diagnostic


def on_github() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def annotation(path: str | os.PathLike, line: int | None, severity: str, code: str, message: str) -> str:
    """A workflow command (`::warning file=…,line=…,title=code::message`); its properties and
    message escaped as the runner reads them back (a comma or colon in a file name would end the
    property, a newline the command)."""
    kind = {"error": "error", "warning": "warning"}.get(severity, "notice")
    name = os.fsencode(path).decode("utf-8", "backslashreplace")  # a name that is not UTF-8: its bytes as \xNN
    where = f",line={line}" if line else ""
    return f"::{kind} file={_property(name)}{where},title={_property(code)}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(text: str) -> str:
    """Text in a Markdown table cell: no pipe or newline breaks the row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def summary(report, codes: Counter, top: int = 10) -> str:
    """The step summary of a run (Markdown)."""
    lines = ["### bulletin convert", "", "| converted | skipped | failed | errors | warnings |",
             "|---:|---:|---:|---:|---:|",
             f"| {report.done} | {report.skipped} | {len(report.failed)} | {report.errors} | {report.warnings} |", ""]
    if report.failed:
        lines += ["| failed input | why |", "|---|---|"]
        lines += [f"| `{_cell(str(path))}` | {_cell(message)} |" for path, message in report.failed[:50]]
        if len(report.failed) > 50:
            lines.append(f"| … | {len(report.failed) - 50} more |")
        lines.append("")
    if codes:
        lines += ["| diagnostic | count |", "|---|---:|"]
        lines += [f"| `{_cell(code)}` | {count} |" for code, count in codes.most_common(top)]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_summary(text: str) -> None:
    """Append to `$GITHUB_STEP_SUMMARY` when the runner sets it."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def junit(results: list[tuple[str, list[Diagnostic], str | None]], strict: bool = False) -> str:
    """JUnit XML: a test case per input; it fails on an error diagnostic (or, under `strict`, a
    warning) or when the input could not be read (`results`: name, diagnostics, read error)."""
    from xml.etree import ElementTree as ET

    suite = ET.Element("testsuite", name="bulletin check", tests=str(len(results)))
    failures = 0
    for name, diagnostics, error in results:
        case = ET.SubElement(suite, "testcase", classname="bulletin.check", name=name)
        bad = [d for d in diagnostics if d.severity == "error" or (strict and d.severity == "warning")]
        text = "\n".join(f"{name}:{d.line or ''}: {d.severity}: {d.code}: {d.message}" for d in diagnostics)
        if error is not None or bad:
            failures += 1
            first = error or f"{bad[0].code}: {bad[0].message}"
            kind = "unreadable" if error is not None else bad[0].code
            failure = ET.SubElement(case, "failure", message=first, type=kind)
            failure.text = text or error
        elif text:
            ET.SubElement(case, "system-out").text = text
    suite.set("failures", str(failures))
    suites = ET.Element("testsuites", name="bulletin", tests=str(len(results)), failures=str(failures))
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
