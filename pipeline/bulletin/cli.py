"""The `bulletin` command line: thin commands over `bulletin.api`.

(No `from __future__ import annotations` here: Typer reads every command's annotations at each
start, and evaluating them from strings costs more than having them evaluated once, at import.)
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .errors import DEFAULT_MAX_BYTES, BulletinError, NoWorkers
from .i18n import _
from .report import Exit, Report, progress_for, shown, where

# What a command needs beyond this is imported when it runs: `--help` and `--version` start
# without the model (pydantic), the readers and the batch machinery.
if TYPE_CHECKING:
    from .model import Diagnostic

FORMATS = ("json", "docx", "pdf")  # `render.RENDERERS`' names (a test keeps them the same)

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
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    rich_markup_mode=None,  # plain help: `[default: …]` kept as written, and no rich to import
    pretty_exceptions_enable=False,
)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"


def _version(value: bool) -> None:
    if value:
        from . import version

        typer.echo(f"bulletin {version()}")
        raise typer.Exit(Exit.OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """bulletin: Chinese government bulletins → .docx, PDF and normalised JSON."""


MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, metavar="BYTES", help="Refuse inputs larger than this.")]
FontDirs = Annotated[list[Path] | None, typer.Option("--font-dir", metavar="DIR", help="Search this folder for "
                                                    "fonts first (repeatable), e.g. a copy of C:\\Windows\\Fonts.")]
Strict = Annotated[bool, typer.Option("--strict", help="Exit 1 when an input has warnings.")]


def formats_option(value: str) -> list[str]:
    """Parse `--to docx,pdf` / `all` (any case) into a list of known formats (a usage error otherwise)."""
    value = value.lower()
    names = list(FORMATS) if value.strip() == "all" else [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise typer.BadParameter(_("unknown format {name}; choose from {formats} or all").format(
            name=", ".join(unknown) or repr(value), formats=", ".join(FORMATS)))
    return list(dict.fromkeys(names))


class Executor(StrEnum):
    process = "process"
    dask = "dask"


class ProgressMode(StrEnum):
    auto = "auto"
    bar = "bar"
    log = "log"
    none = "none"


# described in each command's help: typer would print the argument's Python type beside it
Sources = Annotated[list[str], typer.Argument(show_default=False, metavar="INPUT", hidden=True)]

FORMAT_SUFFIXES = {".json": "json", ".docx": "docx", ".pdf": "pdf"}
READ_SUFFIXES = {"text": ".txt", "html": ".html", "json": ".json"}


class InputFormat(StrEnum):
    text = "text"
    html = "html"
    json = "json"


@app.command()
def convert(
    inputs: Sources,
    to: Annotated[str | None, typer.Option("--to", "-t", metavar="FORMATS", help=f"Formats, comma separated "
                                           f"({', '.join(FORMATS)}) or all [default: all; for -o FILE its "
                                           "suffix; for -o -, json].", show_default=False)] = None,
    from_: Annotated[InputFormat | None, typer.Option(
        "--from", "-f", case_sensitive=False, metavar="FORMAT", help="What standard input holds: text, html "
        "or json [default: sniffed].", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="PATH", help="Output folder (input folders "
                                             "are mirrored inside it) [default: out]; with one input a file "
                                             "(FILE.json, .docx or .pdf: that file alone), or - for standard "
                                             "output.", show_default=False)] = None,
    style: Annotated[Path | None, typer.Option(
        "--style", metavar="STYLE", help="A house style (.toml), or a GB/T 9704 format: letter, order "
        "[default: the format each document is printed in].", show_default=False)] = None,
    font_dir: FontDirs = None,
    strict: Strict = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes "
                                             "[default: the number of CPUs]; 1 converts in this process.",
                                             show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again inputs that are up to date.")] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failed input.")] = False,
    manifest: Annotated[bool | None, typer.Option(
        "--manifest/--no-manifest", help="Keep OUT/manifest.jsonl, which lets a re-run skip what is up to "
        "date [default: for folders, globs and several inputs].", show_default=False)] = None,
    executor: Annotated[Executor, typer.Option("--executor", help="Run tasks in local processes or on a Dask "
                                               "cluster.")] = Executor.process,
    scheduler: Annotated[str | None, typer.Option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="ADDRESS",
                                                  help="Dask scheduler address, e.g. tcp://host:8786.")] = None,
    dask_timeout: Annotated[float, typer.Option("--dask-timeout", min=1, metavar="SECONDS", help="Give up (exit "
                                                "1) when the Dask scheduler has had no worker this long.")] = 60,
    progress: Annotated[ProgressMode, typer.Option("--progress", help="A bar on a terminal, else log lines "
                                                   "(auto); or bar, log, none.")] = ProgressMode.auto,
) -> None:
    """Convert bulletins into OUT, mirroring folders: OUT/<path>.json (+ .docx, .pdf).

    INPUT: bulletin files, folders (searched recursively for .txt, .html, .htm), globs such as
    'archive/**/*.txt', or - for standard input. Inputs already converted with the same content and
    options are skipped (OUT/manifest.jsonl).

    \b
    Examples:
      bulletin convert archive/ -t docx,pdf -o build/ -j 4
      bulletin convert notice.txt -o notice.pdf
      curl -s https://… | bulletin convert - -t pdf -o - > notice.pdf
    """
    from . import ci
    from .archives import is_warc

    font_dirs = _font_dirs(font_dir)
    single = _single_target(inputs, out)
    if single is not None:
        formats = _single_formats(to, single)
    else:
        formats = formats_option(to or "all")
    sheet = None
    if any(f != "json" for f in formats):
        sheet = _style(style)  # a bad style, or no font for the PDF, is a usage error before any work
        if "pdf" in formats:
            _fonts(sheet, font_dirs)
    if single is not None:  # the style given, else (None) the format the document is printed in
        given = sheet if style is not None else None
        raise typer.Exit(_convert_one(inputs[0], single, formats, given, font_dirs, from_, max_bytes, strict, quiet))
    if "-" in inputs:
        raise typer.BadParameter(_("- (standard input) is the only input when given"), param_hint="INPUT")
    if executor is Executor.dask and not scheduler:
        raise typer.BadParameter(_("--executor dask needs --scheduler tcp://HOST:8786"), param_hint="--scheduler")
    from . import batch

    if manifest is None:  # a manifest for an archive, not beside a single converted file
        manifest = len(inputs) > 1 or any(Path(i).is_dir() or not Path(i).exists() or is_warc(i) for i in inputs)
    opts = batch.Options(out=out or Path("out"), formats=tuple(formats), style=style, font_dirs=font_dirs,
                         max_bytes=max_bytes, jobs=jobs or batch.default_jobs(), executor=executor.value,
                         scheduler=scheduler, force=force, fail_fast=fail_fast, strict=strict, quiet=quiet,
                         manifest=manifest, dask_timeout=dask_timeout, annotate=ci.on_github())
    try:
        report = batch.run(inputs, opts, progress_for(progress.value, quiet))
    except NoWorkers as err:  # the run started: what it converted is recorded, the rest is not done
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(Exit.FAILED) from None
    except BulletinError as err:
        typer.echo(f"error: {err.message}", err=True)
        raise typer.Exit(Exit.USAGE) from None
    if not quiet or report.failed:
        typer.echo(report.summary(), err=True)
    if ci.on_github():  # GitHub shows 10 annotations a step: the whole run as a table too
        ci.write_summary(ci.summary(report, report.codes))
    raise typer.Exit(report.return_code)


def _single_target(inputs: list[str], out: Path | None) -> Path | None:
    """The one output of a one-input run — a FILE.json / .docx / .pdf, or `-` (standard output,
    also when standard input is read and no -o is given) — or None: a folder run."""
    if len(inputs) != 1:
        return None
    if inputs[0] == "-" and out is None:
        return Path("-")
    if out is not None and (str(out) == "-" or out.suffix.lower() in FORMAT_SUFFIXES):
        from .archives import is_warc

        if is_warc(inputs[0]) or Path(inputs[0]).is_dir():
            raise typer.BadParameter(_("{input} holds many bulletins: give --out a folder").format(input=inputs[0]),
                                     param_hint="--out")
        return out
    return None


def _single_formats(to: str | None, target: Path) -> list[str]:
    """One output file takes one format: `--to`'s, else its suffix's, else (standard output) json."""
    if to is not None:
        formats = formats_option(to)
        if len(formats) != 1:
            what = _("standard output") if str(target) == "-" else str(target)
            raise typer.BadParameter(_("one output ({target}) takes one format; give one with --to, or --out a "
                                       "folder").format(target=what), param_hint="--to")
        return formats
    return [FORMAT_SUFFIXES.get(target.suffix.lower(), "json")]


def _convert_one(source: str, target: Path, formats: list[str], style, font_dirs: tuple[str, ...],
                 from_: InputFormat | None, max_bytes: int, strict: bool, quiet: bool) -> int:
    """Convert one input (a file, or `-`: standard input) into exactly `target` (or standard
    output): no folder, no manifest; diagnostics on standard error as the folder run prints them."""
    from . import api
    from .files import write_atomic
    from .render import Context

    report = Report(strict=strict)
    shown_name = "<stdin>" if source == "-" else shown(Path(source))
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
            kind = from_.value if from_ else ("json" if data.lstrip()[:1] == b"{" else "text")
            doc = api.load(data, name="stdin" + READ_SUFFIXES[kind], max_bytes=max_bytes)
        else:
            doc = api.load(Path(source), max_bytes=max_bytes)
        conv = api.render(doc, formats, style, Context.here(font_dirs))
        data = conv.outputs[formats[0]]
        if str(target) == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            write_atomic(target, data)
    except BulletinError as err:
        report.failure(source, err.message)
        typer.echo(f"{where(shown_name, err.line)}: error: {err.message}", err=True)
        return report.return_code
    for d in conv.diagnostics:
        if not quiet or d.severity == "error":
            typer.echo(f"{where(shown_name, d.line)}: {d.severity}: {d.code}: {d.message}", err=True)
    report.converted(conv.diagnostics)
    return report.return_code


@app.command()
def check(
    inputs: Sources,
    format: Annotated[CheckFormat, typer.Option("--format", help="text, json, github annotations or junit "
                                                "(JUnit XML, for GitLab, Jenkins and others).")] = CheckFormat.text,
    strict: Strict = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Parse and validate only; print diagnostics as `file:line: severity: code: message`.

    INPUT: bulletin files, folders (searched recursively for .txt, .html, .htm) or globs such as
    'archive/**/*.txt'.
    """

    from . import ci
    from .diagnostics import diagnostic
    from .inputs import sources

    report = Report(strict=strict)
    machine: list[dict] = []
    cases: list = []
    for name, note in sources(inputs):
        path = Path(name)
        if note is not None:
            typer.echo(f"{shown(path)}: note: {_(note)}", err=True)
            continue
        for label, load in _loaders(path, max_bytes):
            try:
                doc = load()
            except BulletinError as err:
                report.failure(label, err.message)
                diags = [diagnostic("unreadable", err.line, err.message)]
            else:
                report.converted(doc.diagnostics)
                diags = doc.diagnostics
            if format is CheckFormat.json:
                machine.append({"file": label, "diagnostics": [d.model_dump() for d in diags]})
            elif format is CheckFormat.junit:
                unreadable = next((d.message for d in diags if d.code == "unreadable"), None)
                cases.append((label, [d for d in diags if d.code != "unreadable"], unreadable))
            else:
                for d in diags:
                    typer.echo(_github(label, d) if format is CheckFormat.github else _line(label, d))
    if format is CheckFormat.json:
        import json

        typer.echo(json.dumps(machine, ensure_ascii=False, indent=2))
    elif format is CheckFormat.junit:
        typer.echo(ci.junit(cases, strict=strict), nl=False)
    raise typer.Exit(report.return_code)


def _loaders(path: Path, max_bytes: int):
    """(name, load) of each bulletin a file holds: the file, or each page of a WARC (`file#URL`)."""
    from . import api
    from .archives import is_warc

    if not is_warc(path):
        return [(str(path), lambda: api.load(path, max_bytes=max_bytes))]
    from .archives import page, pages

    try:
        found, _skipped = pages(path)
    except BulletinError as err:
        def refuse(err=err):
            raise err
        return [(str(path), refuse)]

    def load(offset: int, html: bool):
        data, url, charset = page(path, offset)
        return api.load(data, name="page.html" if html else "page.txt", max_bytes=max_bytes, charset=charset, url=url)

    return [(f"{path}#{p.uri}", lambda p=p: load(p.offset, p.html)) for p in found]


@app.command()
def fonts(
    style: Annotated[Path | None, typer.Option(
        "--style", help="A house style (.toml), or a GB/T 9704 format: letter, order. "
                        "Default: the format each document is printed in.")] = None,
    font_dir: FontDirs = None,
) -> None:
    """Show, per font role, the font file and face the PDF uses, its fallbacks and what is missing."""
    from .fonts import describe_fonts

    font_dirs = _font_dirs(font_dir)
    sheet = _style(style)
    _fonts(sheet, font_dirs)
    typer.echo(describe_fonts(sheet, font_dirs))


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Print (or write) the JSON Schema of the bulletin JSON."""

    import json

    from .files import write_atomic
    from .model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        try:
            write_atomic(out, text.encode("utf-8"))
        except BulletinError as err:
            typer.echo(f"error: {err.message}", err=True)
            raise typer.Exit(Exit.FAILED) from None


def _font_dirs(dirs: list[Path] | None) -> tuple[str, ...]:
    """`--font-dir` folders, absolute; one that is no folder is a usage error."""
    found = []
    for d in dirs or []:
        path = Path(d).expanduser()
        if not path.is_dir():
            raise typer.BadParameter(_("{folder}: no such folder").format(folder=d), param_hint="--font-dir")
        found.append(str(path.resolve()))
    return tuple(found)


def _style(path: Path | None):
    from .style import load_style

    try:
        return load_style(path)
    except BulletinError as err:
        typer.echo(_error(err), err=True)
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
        typer.echo(_error(err), err=True)
        raise typer.Exit(Exit.USAGE) from None


def _error(err: BulletinError) -> str:
    """`FILE:LINE: error: message` (its str) when the error names a file, else `error: message`."""
    return str(err) if err.path else f"error: {err.message}"


def _line(path: str | Path, d: "Diagnostic") -> str:
    return f"{where(path, d.line)}: {d.severity}: {d.code}: {d.message}"


def _github(path: str | Path, d: "Diagnostic") -> str:
    from . import ci

    return ci.annotation(path, d.line, d.severity, d.code, d.message)


def main() -> None:
    """Console-script entry point (`bulletin.entry` answers --version before this is imported)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
