"""Inputs: folders (recursively), globs and files → `Job`s with output paths that mirror them.

    for job in plan(["archive/", "extra/*.html", "one.txt"], out.resolve(), ["json", "docx"]):
        job.source, job.rel, job.outputs      # "archive/2020/12/a.txt", "2020/12/a.txt", {"json": "2020/12/a.json", …}

An input found in a folder keeps its path below that folder (below the fixed part of a glob);
a file named directly lands at the top of the output folder. Outputs never collide and never leave
the output folder: such an input gets a `Job.error` instead.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .archives import is_warc
from .i18n import _, ngettext

SUFFIXES = (".txt", ".html", ".htm", ".mht", ".mhtml", ".warc", ".warc.gz")


@dataclass(frozen=True)
class Job:
    """One input: `source` as found, `rel` its path under the folder it was found in (the manifest
    key), `outputs` format → path relative to --out; or an `error` found while planning; or a
    `note` saying why it is passed over (a symlink out of its folder)."""

    source: str
    rel: str
    outputs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    note: str | None = None
    record: int | None = None  # a page of a WARC: its record's offset, address, payload hash, and the
    url: str | None = None  # name the reader takes it by (`art_1.html`)
    sha256: str | None = None
    name: str | None = None

    @property
    def shown(self) -> str:
        """How messages name it: the file, or a WARC's page as `crawl.warc.gz#https://…`."""
        return f"{self.source}#{self.url}" if self.url else self.source


def _linked_out(path: str, root: str) -> str | None:
    """The note for `path` when it is a symlink out of the folder `root` it was found in, else None."""
    if os.path.islink(path) and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        return _("a symlink to a file outside {root}: passed over (name it to convert it)").format(root=root)
    return None





def _walk(root: str, base: str, out: Path | None) -> Iterator[tuple[str, str, str | None]]:
    """Yield (path, path relative to `base`, note) of every bulletin under `root`, in a stable order.

    Hidden files and folders and the output folder itself are passed over; so are symlinked
    folders and symlinks to files outside `root`, with a note: a folder's contents are what it
    holds (a link to /etc/passwd dropped in an archive is not converted). A file named on the
    command line is converted whatever it links to.
    """
    for folder, dirs, files in os.walk(root):
        keep = []
        for d in sorted(dirs):
            path = os.path.join(folder, d)
            if d.startswith(".") or Path(os.path.realpath(path)) == out:
                continue
            if os.path.islink(path):
                yield path, os.path.relpath(path, base), _("a symlinked folder: passed over (name its target to "
                                                           "convert what it holds)")
            else:
                keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                path = os.path.join(folder, name)
                yield path, os.path.relpath(path, base), _linked_out(path, root)


def _expand(arg: str, out: Path | None) -> Iterator[tuple[str, str, str | None]]:
    """(path, relative path, note) of each input an argument names: a folder, a file or a glob."""
    if os.path.isdir(arg):
        yield from _walk(arg, arg, out)
    elif os.path.exists(arg) or not glob.has_magic(arg):
        yield arg, os.path.basename(arg), None  # a missing file fails in the task, with the reader's message
    else:
        parts = Path(arg).parts
        i = next(i for i, p in enumerate(parts) if glob.has_magic(p))
        base = str(Path(*parts[:i])) if i else "."
        for match in sorted(glob.iglob(arg, recursive=True)):
            if os.path.isdir(match):
                yield from _walk(match, base, out)
            elif match.lower().endswith(SUFFIXES):
                yield match, os.path.relpath(match, base), _linked_out(match, base)


def sources(args: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str | None]]:
    """(path, note) of every input `args` names (folders recursively, globs, files), each once, in
    a stable order; a note says why the path is passed over. An argument that names nothing is
    yielded as it is, for the reader to refuse."""
    seen: set[str] = set()
    for arg in map(os.fspath, args):
        found = [(source, note) for source, _, note in _expand(arg, None)]
        for source, note in found or [(arg, None)]:
            if note is not None:
                yield source, note
            elif os.path.realpath(source) not in seen:
                seen.add(os.path.realpath(source))
                yield source, None


def plan(args: Iterable[str | os.PathLike], out: Path, formats: Iterable[str]) -> Iterator[Job]:
    """Yield a `Job` per input found in `args` (folders recursively, globs, files), lazily.

    `out` must be resolved. Outputs mirror the path below the folder (or glob base) the input was
    found in; a file named directly lands at the top of `out`. Two inputs that would share an
    output, or an output that would land outside `out` (`..`, a symlinked folder), get an error;
    what a folder links to outside itself gets a note and is passed over.
    """
    formats = tuple(formats)
    seen: set[str] = set()
    claimed: dict[str, str] = {}
    inside: dict[Path, bool] = {}
    for arg in map(os.fspath, args):
        found = False
        for source, rel, note in _expand(arg, out):
            found = True
            if note is not None:
                yield Job(source=source, rel=rel, note=note)
                continue
            real = os.path.realpath(source)
            if real in seen:  # the same file named twice (a folder and a file inside it)
                continue
            seen.add(real)
            rel_path = PurePosixPath(Path(rel).as_posix())
            if is_warc(source) and os.path.isfile(source):
                yield from _warc_jobs(source, rel_path, arg, out, formats, claimed, inside)
            else:
                yield _job(source, rel_path, out, formats, claimed, inside)
        if not found:
            what = (f"no {', '.join(SUFFIXES)} file in this folder" if os.path.isdir(arg) else "no file matches")
            yield Job(source=arg, rel=arg, error=what)


def _warc_jobs(source: str, rel: PurePosixPath, arg: str, out: Path, formats: tuple[str, ...],
               claimed: dict[str, str], inside: dict[Path, bool]) -> Iterator[Job]:
    """A job per HTML or text page a WARC holds, its outputs named after the page's address (under
    the WARC's own name when the WARC was found in a folder); a note counts what is passed over."""
    from .archives import output_path, pages
    from .errors import InputError

    try:
        found, skipped = pages(source)
    except InputError as err:
        yield Job(source, str(rel), error=err.message)
        return
    under = PurePosixPath() if os.path.abspath(arg) == os.path.abspath(source) else \
        rel.parent / rel.name.removesuffix(".gz").removesuffix(".warc")
    urls: set[str] = set()
    for page in found:
        if page.uri in urls:  # fetched again in the crawl: the first is converted
            skipped += 1
            continue
        urls.add(page.uri)
        target = under / output_path(page.uri)
        job = _job(source, target, out, formats, claimed, inside)
        yield Job(job.source, f"{rel}#{page.uri}", job.outputs, job.error, record=page.offset, url=page.uri,
                  sha256=page.sha256, name=target.name + (".html" if page.html else ".txt"))
    if skipped:
        yield Job(source, str(rel), note=ngettext(
            "{count} record passed over (requests, metadata, other types than HTML and text, errors, repeated "
            "addresses)", "{count} records passed over (requests, metadata, other types than HTML and text, "
            "errors, repeated addresses)", skipped).format(count=skipped))
    if not found:
        yield Job(source, str(rel), error=_("this WARC holds no HTML or text response"))


def _job(source: str, rel: PurePosixPath, out: Path, formats: tuple[str, ...], claimed: dict[str, str],
         inside: dict[Path, bool]) -> Job:
    if rel.is_absolute() or ".." in rel.parts or not rel.name:
        return Job(source, str(rel), error=f"its output would be written outside --out ({rel})")
    stem = rel.with_suffix("") if rel.suffix else rel
    key = str(stem).casefold()  # a.txt and A.html collide on case-insensitive file systems
    if key in claimed and rel.suffix and PurePosixPath(claimed[key]).suffix.casefold() != rel.suffix.casefold() \
            and str(rel).casefold() not in claimed:
        stem, key = rel, str(rel).casefold()  # the .txt and the .html of one page: `a.json`, `a.txt.json`
    outputs = {fmt: f"{stem}.{fmt}" for fmt in formats}
    if key in claimed:
        return Job(source, str(rel), error=_("would overwrite the outputs of {other} ({stem}.*); rename one of "
                                             "them, or convert them into separate --out folders").format(
                                                 other=claimed[key], stem=stem))
    claimed[key] = source
    parent = (out / stem).parent
    if parent not in inside:
        inside[parent] = parent.resolve().is_relative_to(out)
    if not inside[parent]:
        return Job(source, str(rel), error=f"{parent} leads outside --out (a symlink?); outputs stay inside --out")
    if any(os.path.realpath(out / p) == os.path.realpath(source) for p in outputs.values()):
        return Job(source, str(rel), error="its output would overwrite the input itself; choose another --out")
    return Job(source, str(rel), outputs)
