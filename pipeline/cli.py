"""The `bulletin` command line: thin commands over `pipeline.api`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__, api
from .errors import BulletinError
from .model import Diagnostic, json_schema
from .read import DEFAULT_MAX_BYTES
from .render import RENDERERS
from .report import Exit, Report

app = typer.Typer(
    name="bulletin",
    help=(
        "Turn Chinese government bulletins (text or saved web pages) into GB/T 9704 documents.\n\n"
        "Examples:\n\n"
        "  bulletin convert bulletin.txt                 # out/bulletin.json (+ .docx, .pdf)\n\n"
        "  bulletin convert a.txt b.html --to json --out build/\n\n"
        "  bulletin check bulletin.txt --format github\n\n"
        "  bulletin schema --out bulletin.schema.json"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bulletin {__version__}")
        raise typer.Exit(Exit.OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """bulletin: Chinese government bulletins → .docx, PDF and normalised JSON."""


Inputs = Annotated[list[Path], typer.Argument(help="Bulletin files (.txt, .html).", show_default=False)]
MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse inputs larger than this.")]
Strict = Annotated[bool, typer.Option("--strict", help="Exit 1 when an input has warnings.")]


def formats_option(value: str) -> list[str]:
    """Parse `--to docx,pdf` / `all` into a list of known formats (a usage error otherwise)."""
    names = list(RENDERERS) if value.strip() == "all" else [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in RENDERERS]
    if unknown or not names:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or value!r}; "
                                 f"choose from {', '.join(RENDERERS)} or all")
    return list(dict.fromkeys(names))


@app.command()
def convert(
    inputs: Inputs,
    to: Annotated[str, typer.Option("--to", help=f"Formats, comma separated ({', '.join(RENDERERS)}) "
                                    "or all.")] = "all",
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
    style: Annotated[Path | None, typer.Option("--style", help="A house style (.toml).")] = None,
    strict: Strict = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Convert bulletins into OUT/<name>.json (and .docx, .pdf). Example: bulletin convert a.txt --to docx"""
    formats = formats_option(to)
    sheet = _style(style) if any(f != "json" for f in formats) else None
    report = Report(strict=strict)
    for path in inputs:
        try:
            result = api.convert(path, formats=formats, style=sheet, max_bytes=max_bytes)
        except BulletinError as err:
            report.failure(str(path), err.message)
            typer.echo(f"{path}: error: {err.message}", err=True)
            continue
        for fmt, data in result.outputs.items():
            api.write_atomic(out / f"{path.stem}.{fmt}", data)
        report.converted(result.diagnostics)
        _print_diagnostics(path, result.diagnostics, quiet=quiet)
    if not quiet:
        typer.echo(report.summary(), err=True)
    raise typer.Exit(report.return_code)


@app.command()
def check(
    inputs: Inputs,
    format: Annotated[CheckFormat, typer.Option("--format", help="text, json or github annotations.")] = (
        CheckFormat.text
    ),
    strict: Strict = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Parse and validate only; print diagnostics as `file:line: severity: code: message`."""
    report = Report(strict=strict)
    machine: list[dict] = []
    for path in inputs:
        try:
            doc = api.load(path, max_bytes=max_bytes)
        except BulletinError as err:
            report.failure(str(path), err.message)
            diags = [Diagnostic(severity="error", code="unreadable", line=err.line, message=err.message)]
        else:
            report.converted(doc.diagnostics)
            diags = doc.diagnostics
        if format is CheckFormat.json:
            machine.append({"file": str(path), "diagnostics": [d.model_dump() for d in diags]})
        else:
            for d in diags:
                typer.echo(_github(path, d) if format is CheckFormat.github else _line(path, d))
    if format is CheckFormat.json:
        typer.echo(json.dumps(machine, ensure_ascii=False, indent=2))
    raise typer.Exit(report.return_code)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Print (or write) the JSON Schema of the bulletin JSON."""
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        api.write_atomic(out, text.encode("utf-8"))


def _style(path: Path | None):
    from .style import load_style

    try:
        return load_style(path)
    except BulletinError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(Exit.USAGE) from None


def _line(path: Path, d: Diagnostic) -> str:
    where = f"{path}:{d.line}" if d.line else str(path)
    return f"{where}: {d.severity}: {d.code}: {d.message}"


def _github(path: Path, d: Diagnostic) -> str:
    kind = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
    line = f",line={d.line}" if d.line else ""
    message = d.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{kind} file={path}{line},title={d.code}::{message}"


def _print_diagnostics(path: Path, diags: list[Diagnostic], *, quiet: bool) -> None:
    for d in diags:
        if not quiet or d.severity == "error":
            typer.echo(_line(path, d), err=True)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
