"""Many inputs: find them, plan their outputs, convert them in parallel, skip what is up to date.

    report = batch.run(["archive/"], Options(out=Path("out"), formats=("json", "docx", "pdf")))

`inputs.plan` turns folders, globs and files into `Job`s whose outputs mirror the input's path
under `--out` and never leave it. `convert_file(Task) -> Result` is the per-file task: the same
function runs in-process (`jobs=1`), in a process pool worker or on a Dask worker, writes its
outputs with `files.write_all` (all or none) and returns only hashes and counts. The parent alone decides what
to skip, shows progress and keeps `OUT/manifest.jsonl` (see `manifest.py`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import hashlib
import multiprocessing
import os
import select
import signal
import threading
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, api
from .ci import annotation
from .errors import BulletinError, NoWorkers, OutputError
from .files import reason, write_all
from .inputs import Job, plan
from .manifest import MANIFEST, Manifest, file_sha256, format_keys, locked, options_key, sweep_temporaries
from .read import DEFAULT_MAX_BYTES
from .render import Context
from .report import Exit, Progress, Report, shown, where

DASK_HINT = "pip install 'bulletin[dask]'"


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error of an input
    """SIGTERM (or SIGINT) arrived; raised so that `finally` blocks remove temporary files."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@dataclass(frozen=True)
class Options:
    out: Path
    formats: tuple[str, ...]
    style: Path | None = None
    font_dirs: tuple[str, ...] = ()  # searched for fonts first (`--font-dir`), here and on every worker
    max_bytes: int = DEFAULT_MAX_BYTES
    jobs: int = 1
    executor: str = "process"  # or "dask"
    scheduler: str | None = None
    force: bool = False
    fail_fast: bool = False
    strict: bool = False
    quiet: bool = False
    manifest: bool = True  # keep OUT/manifest.jsonl (and skip what it says is up to date)
    dask_timeout: float = 60.0  # seconds without any Dask worker before the run gives up
    annotate: bool = False  # print each diagnostic as a GitHub Actions annotation too (`ci.annotation`)


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    with contextlib.suppress(AttributeError):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# --- the per-file task -------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What a worker needs: absolute paths (workers may run elsewhere, on shared storage)."""

    source: str
    out: str
    outputs: dict[str, str]
    formats: tuple[str, ...]
    style: str | None
    max_bytes: int
    context: Context = Context()  # font folders, SOURCE_DATE_EPOCH: the parent's, not the worker's
    record: int | None = None  # a page of a WARC: its record's offset, and its name for the reader
    name: str | None = None


@dataclass
class Result:
    status: str  # "converted" or "failed"
    sha256: str | None = None
    outputs: dict[str, dict] = field(default_factory=dict)
    diagnostics: dict[str, int] = field(default_factory=dict)
    messages: list[tuple[str, int | None, str, str]] = field(default_factory=list)  # severity, line, code, text
    ms: int = 0
    error: str | None = None


_busy = False  # a worker is inside a task: SIGTERM then interrupts it instead of ending the process


def _style(path: str | None, formats: tuple[str, ...]):
    """The style sheet (loaded once per process); None when only JSON is made, or when no style
    was given (each document then gets the GB/T 9704 format it is printed in: `api.render`)."""
    if path is None or all(f == "json" for f in formats):
        return None
    from .style import cached_style

    return cached_style(path)


def _warm_up(style: str | None, formats: tuple[str, ...]) -> None:
    """Load the style and, by rendering a tiny bulletin, every renderer's fonts, once per process."""
    with contextlib.suppress(Exception):  # a broken style or font shows in the first real task
        text = "浙江省通报\n\n来源:省局 发布日期:2021-01-01\n\n一、工作进展\n\n正文。\n"
        doc = api.load(text.encode(), name="warm-up.txt")
        api.render(doc, list(formats), _style(style, formats))


def _on_signal(signum, frame):
    if _busy:
        raise Interrupted(signum)
    raise SystemExit(128 + signum)  # idle worker: leave quietly


def die_with(pid: int, grace: float = 2.0) -> None:
    """End this process when process `pid` ends, even by SIGKILL: a pool's workers are children
    of the forkserver, which outlives the run (each worker holds its pipe open), so nothing else
    would stop them. A daemon thread waits on the process (a pidfd on Linux, else a poll each
    second), then sends SIGTERM (a busy task removes its temporary file) and exits `grace` later."""

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # not Linux ≥ 5.3
            while _alive(pid):
                time.sleep(1.0)
        else:
            select.select([fd], [], [])
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(Exit.INTERRUPTED + signal.SIGTERM)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        pass
    return True


def init_worker(style: str | None, formats: tuple[str, ...], parent: int | None = None) -> None:
    """Process pool initializer: Ctrl-C is the parent's to handle; SIGTERM interrupts the current
    task (its temporary file is removed); the worker ends when the `parent` run does; style and
    fonts are loaded now, once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_signal)
    if parent is not None:
        die_with(parent)
    _warm_up(style, formats)
    # What is alive now (modules, fonts, styles) lives as long as the worker: out of the cyclic
    # collector's sight, a full collection no longer walks it (~50 ms each, ~1.3 % of the time).
    gc.freeze()


def convert_file(task: Task) -> Result:
    """Convert one input and write its outputs; never raise for a bad input (only `Interrupted`)."""
    global _busy
    _busy, t0 = True, time.perf_counter()
    result = Result(status="failed")
    try:
        if task.record is not None:
            from .archives import page

            data, url, charset = page(task.source, task.record)
            doc = api.load(data, name=task.name, max_bytes=task.max_bytes, charset=charset, url=url)
        else:
            doc = api.load(task.source, max_bytes=task.max_bytes)
        result.sha256 = doc.meta.input.sha256
        conv = api.render(doc, list(task.formats), _style(task.style, task.formats), task.context)
        # every format rendered before the first is written, and all of them or none is written
        write_all({Path(task.out) / task.outputs[fmt]: data for fmt, data in conv.outputs.items()})
        for fmt, data in conv.outputs.items():
            result.outputs[fmt] = {"path": task.outputs[fmt], "sha256": hashlib.sha256(data).hexdigest()}
        result.status = "converted"
        for d in conv.diagnostics:
            result.diagnostics[d.severity] = result.diagnostics.get(d.severity, 0) + 1
            result.messages.append((d.severity, d.line, d.code, d.message))
    except BulletinError as err:
        result.error = err.message
    except OSError as err:  # reading the input: the reader's own errors are InputErrors
        result.error = f"cannot convert it: {reason(err)}"
    except Exception as err:  # a bug: keep the batch going, but say so
        where = traceback.extract_tb(err.__traceback__)[-1]
        result.error = (f"internal error, please report it: {type(err).__name__}: {err} "
                        f"(at {Path(where.filename).name}:{where.lineno})")
    finally:
        _busy = False
    if result.sha256 is None:
        result.sha256 = file_sha256(task.source, task.max_bytes)
    result.ms = round((time.perf_counter() - t0) * 1000)
    return result


# --- executors -----------------------------------------------------------------------------------


class _Inline(cf.Executor):
    """Runs each task at once, in this process (`--jobs 1`): same interface, no pickling."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # as a pool would: the caller sees it on the future
            future.set_exception(err)
        return future


def _executor(opts: Options, jobs: int) -> tuple[cf.Executor, int, object]:
    """Return (executor, how many futures to keep in flight, a Dask client to close or None)."""
    if opts.executor == "dask":
        try:
            from distributed import Client
        except ImportError:
            raise BulletinError(f"--executor dask needs Dask's distributed scheduler: {DASK_HINT}") from None
        try:
            client = Client(opts.scheduler, timeout="30s")
        except (OSError, TimeoutError) as err:
            raise BulletinError(f"cannot reach the Dask scheduler at {opts.scheduler}: {err}") from None
        threads = sum(client.nthreads().values()) or 1
        return client.get_executor(pure=False), 2 * threads + 2, client
    if jobs <= 1:  # in this process: the style and fonts load with the first input (cached after)
        return _Inline(), 1, None
    methods = multiprocessing.get_all_start_methods()
    # forkserver: workers fork from a clean server that imported the pipeline once (fork is unsafe
    # in a process with threads, such as the progress bar's).
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:  # the renderers too: imported once, not once per worker
        ctx.set_forkserver_preload([__name__, *api.renderer_modules(opts.formats)])
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker,
                                  initargs=(_path(opts.style), opts.formats, os.getpid()))
    return pool, 2 * jobs + 2, None


def _path(p: Path | None) -> str | None:
    return os.path.abspath(p) if p is not None else None


# --- the run ---------------------------------------------------------------------------------------


class _Signals:
    """In the parent, the first Ctrl-C or SIGTERM asks the run to stop at the next safe point (no
    new input starts, running ones finish and are recorded); a second one interrupts at once."""

    def __init__(self):
        self.received: int | None = None
        self._old: dict[int, object] = {}

    def _handler(self, signum, frame):
        if self.received is not None:
            raise Interrupted(signum)
        self.received = signum

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._old[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for signum, old in self._old.items():
            signal.signal(signum, old)


class _Run:
    """The state of one `run`: the manifest, the report, the executor and the futures in flight."""

    def __init__(self, opts: Options, out: Path, progress: Progress, total: int, signals: _Signals):
        self.opts, self.out, self.progress, self.total, self.signals = opts, out, progress, total, signals
        self.report = Report(strict=opts.strict)
        self.manifest = Manifest(out, opts.manifest)
        self.context = Context.here(opts.font_dirs)
        self.key = options_key(opts.formats, opts.style, self.context)
        self.keys = format_keys(opts.formats, opts.style, self.context)
        self.executor: cf.Executor | None = None
        self.client = None
        self.limit = 1
        self.inflight: dict[cf.Future, Job] = {}
        self.backlog: list[Job] = []
        self.broken = False
        self._workers_seen = self._workers_asked = time.monotonic()

    @property
    def stopping(self) -> bool:
        return self.signals.received is not None or bool(self.opts.fail_fast and self.report.failed)

    def handle(self, job: Job) -> None:
        """Fail, skip or queue one job."""
        if job.note:
            if not self.opts.quiet:
                self.progress.log(f"{shown(job.source)}: note: {job.note}")
            return
        if job.error:
            self.failed(job, job.error)
            return
        entry = self.manifest.entries.get(job.rel)
        if not self.opts.force and self.manifest.fresh(entry, job.source, job.outputs, self.keys,
                                                       self.opts.max_bytes, job.sha256):
            self.manifest.mark_skipped(job.rel)
            self.report.skip(entry.get("diagnostics"))
            self.progress.advance(self.report)
            return
        self.backlog.append(job)
        if self.executor is not None or len(self.backlog) > 1 or self.opts.executor == "dask":
            self.flush()

    def flush(self) -> None:
        """Submit the backlog, waiting while too many are in flight. The executor starts with the
        second input to convert, so a run with one (a single file, a re-run) starts no workers."""
        if not self.backlog:
            return
        if self.executor is None:
            jobs = max(1, min(self.opts.jobs, self.total)) if len(self.backlog) > 1 else 1
            self.executor, self.limit, self.client = _executor(self.opts, jobs)
        while self.backlog and not self.stopping:
            job = self.backlog.pop(0)
            task = Task(os.path.abspath(job.source), str(self.out), job.outputs, self.opts.formats,
                        _path(self.opts.style), self.opts.max_bytes, self.context, job.record, job.name)
            self.inflight[self.executor.submit(convert_file, task)] = job
            while len(self.inflight) >= self.limit and not self.stopping:
                self.collect(wait_all=False)

    def collect(self, wait_all: bool = True) -> None:
        """Record finished futures: at least one (or all, with `wait_all`), or none when stopping."""
        while self.inflight:
            done, _ = cf.wait(list(self.inflight), timeout=0.25, return_when=cf.FIRST_COMPLETED)
            for future in done:
                self.settle(self.inflight.pop(future), future)
            if not done and self.client is not None:
                self.watch_workers()
            if not wait_all and (done or self.stopping):
                return
        if self.broken and not self.report.interrupted:
            self.close()  # a fresh pool for the inputs still to come

    def watch_workers(self) -> None:
        """With tasks waiting on Dask: give up (NoWorkers) when the scheduler has had no worker for
        `dask_timeout` seconds — Dask itself would wait for one forever. Asked once a second."""
        now = time.monotonic()
        if now - self._workers_asked < 1.0:
            return
        self._workers_asked = now
        try:
            workers = len(self.client.scheduler_info().get("workers", {}))
        except Exception:  # the scheduler itself is gone: no worker either
            workers = 0
        if workers:
            self._workers_seen = now
        elif now - self._workers_seen > self.opts.dask_timeout:
            raise NoWorkers(f"no Dask worker has been connected to the scheduler at {self.opts.scheduler} for "
                            f"{self.opts.dask_timeout:g} s, with {len(self.inflight)} inputs waiting: start workers "
                            f"(`dask worker {self.opts.scheduler}`), or wait longer with --dask-timeout")

    def settle(self, job: Job, future: cf.Future) -> None:
        if future.cancelled():
            return
        err = future.exception()
        if err is None:
            self.finished(job, future.result())
        elif self.report.interrupted and isinstance(err, (Interrupted, cf.process.BrokenProcessPool)):
            return  # stopped on purpose: the next run does it
        elif isinstance(err, cf.process.BrokenProcessPool):
            self.broken = True
            self.failed(job, "a worker process died while converting it (killed, or out of memory?)")
        elif type(err).__name__ == "KilledWorker":
            self.failed(job, "Dask workers died while converting it (out of memory?)")
        else:  # the task never ran: nothing the next input could do better, so stop the run
            hint = (" (bulletin must be installed, in the same version, where the Dask scheduler and "
                    "workers run)" if self.opts.executor == "dask" else "")
            raise BulletinError(f"the {self.opts.executor} executor could not run the task for {job.source}: "
                                f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
                                f"{hint}")

    def finished(self, job: Job, result: Result) -> None:
        outputs = {f: {**o, "options": self.keys[f]} for f, o in result.outputs.items()}
        old = self.manifest.entries.get(job.rel)
        if old and result.status == "converted" and old.get("sha256") == result.sha256 \
                and old.get("version") == __version__:  # a run of other formats keeps what is still there
            outputs = {**{f: o for f, o in (old.get("outputs") or {}).items()
                          if f not in outputs and isinstance(o, dict) and (self.out / o.get("path", "")).is_file()},
                       **outputs}
        entry = {"path": job.rel, "source": job.source, "sha256": result.sha256, "status": result.status,
                 "outputs": outputs, "diagnostics": result.diagnostics, "ms": result.ms,
                 "options": self.key, "version": __version__}
        if result.error:
            entry["error"] = result.error
        self.manifest.record(entry)
        for severity, line, code, message in result.messages:  # as `file:line: severity: code: message`
            self.report.codes[code] += 1
            if not self.opts.quiet or severity == "error":
                self.progress.log(f"{where(job.shown, line)}: {severity}: {code}: {message}")
            if self.opts.annotate:
                print(annotation(job.shown, line, severity, code, message), flush=True)
        if result.status == "converted":
            self.report.converted(counts=result.diagnostics)
            self.progress.advance(self.report)
        else:
            self.failed(job, result.error or "failed", recorded=True)

    def failed(self, job: Job, message: str, recorded: bool = False) -> None:
        if not recorded and job.outputs:  # planning errors have no outputs and no manifest line
            self.manifest.record({"path": job.rel, "source": job.source, "status": "failed", "error": message,
                                  "sha256": None, "outputs": {}, "diagnostics": {}, "ms": 0,
                                  "options": self.key, "version": __version__})
        self.report.failure(job.shown, message)
        self.progress.log(f"{shown(job.shown)}: error: {message}")
        if self.opts.annotate:
            print(annotation(job.shown, None, "error", "failed", message), flush=True)
        self.progress.advance(self.report)

    def stop(self, signum: int | None) -> None:
        """Cancel what has not started and record what finishes; a signal now ends the workers."""
        self.report.interrupted = signum
        self.backlog.clear()
        for future in self.inflight:
            future.cancel()
        try:
            self.collect()
        except (KeyboardInterrupt, Interrupted) as sig:
            self.report.interrupted = getattr(sig, "signum", signal.SIGINT)
            self.close(kill=True)
            self.collect()

    def close(self, kill: bool = False) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if kill:  # SIGTERM: each worker's task is interrupted and removes its temporary file
            for proc in list((getattr(executor, "_processes", None) or {}).values()):
                with contextlib.suppress(OSError):
                    proc.terminate()
        if isinstance(executor, cf.ProcessPoolExecutor):
            executor.shutdown(wait=not kill, cancel_futures=True)
        else:
            executor.shutdown(wait=False)  # Dask: cancels whatever is left
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
            self.client = None


def output_folder(out: Path) -> Path:
    """Create `out` when needed and return it resolved; an OutputError when it is not a folder
    one can write into (a file, read-only, on a full disk)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"--out {out} is not a folder", path=str(out)) from None
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {reason(err)}", path=str(out)) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into the output folder {out}: it is read-only", path=str(out))
    return out.resolve()


def run(args: Iterable[str | os.PathLike], opts: Options, progress: Progress | None = None) -> Report:
    """Convert every input `args` names into `opts.out`; return the `Report` of the run.

    Raises `BulletinError` only for problems with the run as a whole (the output folder is
    locked, Dask cannot be reached); a bad input is a failure in the report.
    """
    progress = progress or Progress()
    args = list(args)
    out = output_folder(opts.out)
    with locked(out, opts.manifest), _Signals() as signals:
        total = sum(1 for job in plan(args, out, opts.formats) if not job.note)  # a cheap first walk, for the ETA
        state = _Run(opts, out, progress, total, signals)
        if state.manifest.dirty:
            sweep_temporaries(out)
        state.manifest.open()
        progress.start(total)
        try:
            for job in plan(args, out, opts.formats):
                if state.stopping:
                    break
                state.handle(job)
            if not state.stopping:
                state.flush()
            if state.stopping:
                state.stop(signals.received)
            state.collect()
        except (KeyboardInterrupt, Interrupted) as sig:  # a second signal, or Ctrl-C outside the main thread
            state.stop(getattr(sig, "signum", signal.SIGINT))
        finally:
            state.close()
            if state.report.interrupted or state.broken or opts.fail_fast:
                sweep_temporaries(out)
            try:
                state.manifest.commit()
            except OutputError as err:
                state.report.failure(str(out / MANIFEST), err.message)
                progress.log(f"{out / MANIFEST}: error: {err.message}")
            progress.close()
    return state.report
