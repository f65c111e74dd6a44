"""The `bulletin` command line: thin commands over `bulletin.api`."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__, api, batch
from .diagnostics import diagnostic
from .errors import BulletinError
from .files import write_atomic
from .inputs import sources
from .model import Diagnostic, json_schema
from .read import DEFAULT_MAX_BYTES
from .report import Exit, Report, progress_for, shown, where

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


MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse inputs larger than this.")]
FontDirs = Annotated[list[Path] | None, typer.Option("--font-dir", help="Search this folder for fonts first "
                                                    "(repeatable), e.g. a copy of C:\\Windows\\Fonts.")]
Strict = Annotated[bool, typer.Option("--strict", help="Exit 1 when an input has warnings.")]


def formats_option(value: str) -> list[str]:
    """Parse `--to docx,pdf` / `all` into a list of known formats (a usage error otherwise)."""
    names = list(api.FORMATS) if value.strip() == "all" else [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in api.FORMATS]
    if unknown or not names:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or value!r}; "
                                 f"choose from {', '.join(api.FORMATS)} or all")
    return list(dict.fromkeys(names))


class Executor(StrEnum):
    process = "process"
    dask = "dask"


class ProgressMode(StrEnum):
    auto = "auto"
    bar = "bar"
    log = "log"
    none = "none"


Sources = Annotated[list[str], typer.Argument(help="Bulletin files, folders (searched recursively for .txt, "
                                              ".html, .htm) or globs such as 'archive/**/*.txt'.",
                                              show_default=False)]


@app.command()
def convert(
    inputs: Sources,
    to: Annotated[str, typer.Option("--to", help=f"Formats, comma separated ({', '.join(api.FORMATS)}) "
                                    "or all.")] = "all",
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder; input folders are mirrored "
                                      "inside it.")] = Path("out"),
    style: Annotated[Path | None, typer.Option(
        "--style", help="A house style (.toml), or a GB/T 9704 format: letter, order. "
                        "Default: the format each document is printed in.")] = None,
    font_dir: FontDirs = None,
    strict: Strict = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes [default: the "
                                             "number of CPUs]; 1 converts in this process.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again inputs that are up to date.")] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failed input.")] = False,
    executor: Annotated[Executor, typer.Option("--executor", help="Run tasks in local processes or on a Dask "
                                               "cluster.")] = Executor.process,
    scheduler: Annotated[str | None, typer.Option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS",
                                                  help="Dask scheduler address, e.g. tcp://host:8786.")] = None,
    progress: Annotated[ProgressMode, typer.Option("--progress", help="A bar on a terminal, else log lines "
                                                   "(auto); or bar, log, none.")] = ProgressMode.auto,
) -> None:
    """Convert bulletins into OUT, mirroring folders: OUT/<path>.json (+ .docx, .pdf) and OUT/manifest.jsonl.

    Inputs already converted with the same content and options are skipped. Example:
    bulletin convert archive/ --to docx,pdf --out build/ --jobs 4
    """
    formats = formats_option(to)
    font_dirs = tuple(str(Path(d).expanduser().resolve()) for d in font_dir or [])
    if any(f != "json" for f in formats):
        sheet = _style(style)  # a bad style, or no font for the PDF, is a usage error before any work
        if "pdf" in formats:
            _fonts(sheet, font_dirs)
    if executor is Executor.dask and not scheduler:
        raise typer.BadParameter("--executor dask needs --scheduler tcp://HOST:8786", param_hint="--scheduler")
    opts = batch.Options(out=out, formats=tuple(formats), style=style, font_dirs=font_dirs, max_bytes=max_bytes,
                         jobs=jobs or batch.default_jobs(), executor=executor.value, scheduler=scheduler,
                         force=force, fail_fast=fail_fast, strict=strict, quiet=quiet)
    try:
        report = batch.run(inputs, opts, progress_for(progress.value, quiet))
    except BulletinError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(Exit.USAGE) from None
    if not quiet or report.failed:
        typer.echo(report.summary(), err=True)
    raise typer.Exit(report.return_code)


@app.command()
def check(
    inputs: Sources,
    format: Annotated[CheckFormat, typer.Option("--format", help="text, json or github annotations.")] = (
        CheckFormat.text
    ),
    strict: Strict = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Parse and validate only; print diagnostics as `file:line: severity: code: message`."""
    report = Report(strict=strict)
    machine: list[dict] = []
    for name, note in sources(inputs):
        path = Path(name)
        if note is not None:
            typer.echo(f"{shown(path)}: note: {note}", err=True)
            continue
        try:
            doc = api.load(path, max_bytes=max_bytes)
        except BulletinError as err:
            report.failure(str(path), err.message)
            diags = [diagnostic("unreadable", err.line, err.message)]
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
def fonts(
    style: Annotated[Path | None, typer.Option(
        "--style", help="A house style (.toml), or a GB/T 9704 format: letter, order. "
                        "Default: the format each document is printed in.")] = None,
    font_dir: FontDirs = None,
) -> None:
    """Show, per font role, the font file and face the PDF uses, its fallbacks and what is missing."""
    from .fonts import describe_fonts

    sheet = _style(style)
    font_dirs = tuple(str(Path(d).expanduser().resolve()) for d in font_dir or [])
    _fonts(sheet, font_dirs)
    typer.echo(describe_fonts(sheet, font_dirs))


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Print (or write) the JSON Schema of the bulletin JSON."""
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        try:
            write_atomic(out, text.encode("utf-8"))
        except BulletinError as err:
            typer.echo(f"error: {err.message}", err=True)
            raise typer.Exit(Exit.FAILED) from None


def _style(path: Path | None):
    from .style import load_style

    try:
        return load_style(path)
    except BulletinError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(Exit.USAGE) from None


def _fonts(sheet, font_dirs: tuple[str, ...]) -> None:
    """No usable font for a role (`font_dirs` searched first) is a usage error."""
    from .errors import FontError
    from .fonts import resolve_fonts

    found = resolve_fonts(sheet, font_dirs)
    try:
        for role in sheet.fonts:
            found.font(role)
    except FontError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(Exit.USAGE) from None


def _line(path: Path, d: Diagnostic) -> str:
    return f"{where(path, d.line)}: {d.severity}: {d.code}: {d.message}"


def _github(path: Path, d: Diagnostic) -> str:
    """A GitHub Actions workflow command; its properties and message escaped as the runner
    reads them back (a comma or colon in a file name would end the property)."""
    kind = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
    line = f",line={d.line}" if d.line else ""
    name = os.fsencode(path).decode("utf-8", "backslashreplace")  # a name that is not UTF-8: its bytes as \xNN
    return f"::{kind} file={_property(name)}{line},title={_property(d.code)}::{_data(d.message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
