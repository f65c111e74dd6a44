"""Batch benchmarks: per-stage times on the sample, cold CLI time per format, batch throughput at
--jobs 1 and --jobs 2 over generated bulletins, peak RSS per worker, and the re-run of an
unchanged archive. Every format registered in RENDERERS is measured (PDF too when its renderer
imports, for the per-stage times). In the same run, LibreOffice (our .docx → PDF) and WeasyPrint
(the same content as HTML → PDF) are timed cold, as `bulletin convert` is.

    python benchmarks/bench_batch.py                 # 200 bulletins
    python benchmarks/bench_batch.py -n 1000 --to json --jobs 2   # one larger batch only
    python benchmarks/bench_batch.py --weasyprint-python /tmp/venv-wp/bin/python

Targets (issue 6): >= 10 sample-sized bulletins/s with all outputs at --jobs 2 on 2 cores;
<= 200 MB per worker; re-running an unchanged 200-file archive <= 2 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bulletin import api  # noqa: E402
from bulletin.normalise import normalise  # noqa: E402
from bulletin.render import RENDERERS  # noqa: E402
from bulletin.validate import validate  # noqa: E402

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load("bench_generate", Path(__file__).with_name("generate.py"))


def median_ms(fn, repeat: int, prepare=None) -> float:
    """Median milliseconds of `fn()` (or `fn(prepare())`, preparing outside the timer), warmed once."""
    args = (lambda: (prepare(),)) if prepare else (lambda: ())
    fn(*args())  # warm: imports, font registration
    samples = []
    for _ in range(repeat):
        a = args()
        t = time.perf_counter()
        fn(*a)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def stages(repeat: int) -> list[tuple[str, float]]:
    """Median warm milliseconds of each stage on the sample."""
    from bulletin.read import read_file
    from bulletin.style import load_style

    read = getattr(api, "read", read_file)
    text = read(SAMPLE)
    draft = api.parse(text.text, name=str(SAMPLE))
    doc = api.load(SAMPLE)
    style = load_style()
    normalised = normalise(draft.model_copy(deep=True))
    rows = [("read", median_ms(lambda: read(SAMPLE), repeat)),
            ("parse", median_ms(lambda: api.parse(text.text, name=str(SAMPLE)), repeat)),
            # normalise edits the draft in place: each run gets a fresh copy, made outside the timer
            ("normalise", median_ms(normalise, repeat, prepare=lambda: draft.model_copy(deep=True))),
            ("validate", median_ms(lambda: validate(normalised), repeat))]
    formats = list(RENDERERS)
    if "pdf" not in formats and importlib.util.find_spec("bulletin.render.pdf"):
        formats.append("pdf")
    for fmt in formats:
        try:
            rows.append((f"render {fmt}", median_ms(lambda f=fmt: api.render(doc, [f], style), max(3, repeat // 5))))
        except Exception as err:  # a renderer still being written
            print(f"  render {fmt}: skipped ({type(err).__name__}: {err})")
    return rows


def cli(args: list[str], **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bulletin", *args], env=env, capture_output=True, text=True, **kw)


def median_s(fn, repeat: int = 3) -> float:
    """Median wall seconds of `fn(i)` for i in range(repeat), not warmed: each call is a cold start."""
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def cold(fmt: str, tmp: Path, repeat: int = 3) -> float:
    """Median wall seconds of a fresh `bulletin convert SAMPLE --to fmt`."""
    def run(i: int) -> None:
        done = cli(["convert", str(SAMPLE), "--to", fmt, "--out", str(tmp / f"cold-{fmt}-{i}"), "--progress", "none"])
        if done.returncode not in (0, 1):
            raise SystemExit(f"convert --to {fmt} failed: {done.stderr}")

    return median_s(run, repeat)


def cold_others(tmp: Path, weasyprint_python: str, repeat: int = 3) -> list[tuple[str, float | str]]:
    """Median wall seconds of a fresh process of LibreOffice (our .docx of the sample → PDF) and of
    WeasyPrint (the sample as HTML → PDF, `bench_pdf.to_html`), or why one could not run."""
    bench_pdf = _load("bench_pdf", Path(__file__).with_name("bench_pdf.py"))
    preview = _load("bulletin_preview", ROOT / "scripts" / "preview.py")
    doc = api.load(SAMPLE)
    docx = tmp / "others" / "sample.docx"
    docx.parent.mkdir(parents=True, exist_ok=True)
    docx.write_bytes(api.render(doc, ["docx"]).outputs["docx"])
    rows: list[tuple[str, float | str]] = []
    try:  # each call is a new soffice process with a new profile: a cold start every time
        rows.append(("LibreOffice .docx → PDF",
                     median_s(lambda _: preview.soffice_to_pdf([docx], tmp / "others"), repeat)))
    except (SystemExit, subprocess.SubprocessError, OSError) as err:
        rows.append(("LibreOffice .docx → PDF", f"not run ({err})"))
    page, script = tmp / "others" / "sample.html", tmp / "others" / "weasy.py"
    page.write_text(bench_pdf.to_html(doc), encoding="utf-8")
    script.write_text(bench_pdf.WEASY_SCRIPT, encoding="utf-8")
    cmd = [weasyprint_python, str(script), str(page), str(tmp / "others" / "weasy.pdf"), "1"]
    try:
        rows.append(("WeasyPrint HTML → PDF",
                     median_s(lambda _: subprocess.run(cmd, check=True, capture_output=True), repeat)))
    except (subprocess.SubprocessError, OSError):
        rows.append(("WeasyPrint HTML → PDF", "not importable (pass --weasyprint-python VENV/bin/python)"))
    return rows


class PeakRSS:
    """Samples the RSS of a process tree every `interval` s (psutil, installed with the dask extra).

    The watcher shares the machine with the batch it measures: each process's role is worked out
    once, and the tree is sampled a few times a second (at 20 Hz the watcher took ~15 % of a
    core from a 2-core batch)."""

    def __init__(self, pid: int, interval: float = 0.25):
        import psutil

        self.root, self.interval = psutil.Process(pid), interval
        self.peak: dict[int, tuple[str, int]] = {}
        self.roles: dict[int, str] = {}
        self.series: list[int] = []  # the largest worker's RSS at each sample: flat or growing?
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        import psutil

        while not self.done.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            workers = [0]  # the parent converts too with --jobs 1
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    role = self.roles.get(p.pid) or self.roles.setdefault(p.pid, self._role(p))
                except psutil.Error:
                    continue
                self.peak[p.pid] = (role, max(rss, self.peak.get(p.pid, ("", 0))[1]))
                if role in ("worker", "parent"):
                    workers.append(rss)
            if max(workers):
                self.series.append(max(workers))
            self.done.wait(self.interval)

    def _role(self, p) -> str:
        cmd = " ".join(p.cmdline())
        # Pool workers fork from the forkserver, so they share its command line: tell them by parent.
        if p.pid == self.root.pid:
            return "parent"
        if "resource_tracker" in cmd:
            return "tracker"
        if p.ppid() == self.root.pid and "forkserver" in cmd:
            return "forkserver"
        return "worker"

    def stop(self) -> dict[str, int]:
        """Peak RSS in bytes by role (the largest worker's for workers)."""
        self.done.set()
        self.thread.join()
        out: dict[str, int] = {}
        for role, rss in self.peak.values():
            out[role] = max(out.get(role, 0), rss)
        return out


def batch(archive: Path, out: Path, formats: str, jobs: int) -> tuple[float, dict, str]:
    """Wall seconds, peak RSS by role (and "quarters": the largest converting process's RSS at
    25/50/75/100 % of the run), and the summary line of one batch run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "bulletin", "convert", str(archive), "--to", formats, "--out", str(out),
           "--jobs", str(jobs), "--progress", "none"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        watch = PeakRSS(proc.pid)
    except ImportError:
        watch = None
    _, err = proc.communicate()
    seconds = time.perf_counter() - t
    peaks = watch.stop() if watch else {}
    if watch and watch.series:
        n = len(watch.series)
        peaks["quarters"] = [max(watch.series[max(0, n * q // 4 - 3):max(1, n * q // 4)]) for q in (1, 2, 3, 4)]
    if proc.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({proc.returncode}): {err}")
    return seconds, peaks, (err.strip().splitlines() or [""])[-1]


def mb(n: int | None) -> str:
    return f"{n / 2**20:.0f} MB" if n else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description="bulletin batch benchmarks")
    parser.add_argument("-n", type=int, default=200, help="generated bulletins in the batch (default 200)")
    parser.add_argument("--to", default="all", help="formats for the batch runs (default: all registered)")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=20, help="repeats for the per-stage medians")
    parser.add_argument("--skip-stages", action="store_true")
    parser.add_argument("--weasyprint-python", default=sys.executable,
                        help="an interpreter that can `import weasyprint` (default: this one)")
    args = parser.parse_args()
    formats = ",".join(RENDERERS) if args.to == "all" else args.to
    print(f"bulletin batch benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"renderers: {', '.join(RENDERERS)}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_stages:
            print(f"\nper stage, sample ({SAMPLE.stat().st_size / 1024:.0f} KB), warm median:")
            for name, ms in stages(args.repeat):
                print(f"  {name:<12} {ms:8.1f} ms")
            print("\ncold CLI (`python -m bulletin convert sample --to F`, median of 3, wall):")
            for fmt in [*RENDERERS, "all"]:
                print(f"  {fmt:<12} {cold(fmt, tmp):8.2f} s")
            print("\nthe same content by other tools, cold (a fresh process each, median of 3, wall):")
            for name, value in cold_others(tmp, args.weasyprint_python):
                print(f"  {name:<24} {value:8.2f} s" if isinstance(value, float) else f"  {name:<24} {value}")
        archive = tmp / "archive"
        generate.generate(archive, args.n)
        size = sum(p.stat().st_size for p in archive.rglob("*.txt")) / args.n / 1024
        print(f"\nbatch: {args.n} generated bulletins ({size:.0f} KB each), --to {formats}:")
        for jobs in args.jobs:
            out = tmp / f"out-j{jobs}"
            seconds, peaks, summary = batch(archive, out, formats, jobs)
            worker = f"largest worker {mb(peaks.get('worker'))}" if "worker" in peaks else "(in-process)"
            print(f"  --jobs {jobs}: {seconds:6.2f} s wall, {args.n / seconds:5.1f} bulletins/s; peak RSS "
                  f"parent {mb(peaks.get('parent'))}, {worker}")
            if peaks.get("quarters"):
                print(f"      RSS of the largest converting process at 25/50/75/100 %: "
                      f"{', '.join(mb(q) for q in peaks['quarters'])}")
            print(f"      {summary}")
        if not args.jobs:
            return
        again, _, summary = batch(archive, out, formats, args.jobs[-1])
        print(f"  re-run, unchanged ({args.n} files, --jobs {args.jobs[-1]}): {again:.2f} s wall")
        print(f"      {summary}")


if __name__ == "__main__":
    main()
