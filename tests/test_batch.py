"""Batch conversion: folders mirrored under --out, the manifest and resume, interruption, Dask.

Most tests make JSON only, so the file stays fast; the archive is written by benchmarks/generate.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bulletin import api, batch, inputs
from bulletin.cli import app
from bulletin.manifest import JOURNAL, MANIFEST
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

N = 40
BROKEN = "2016/broken.txt"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """40 small generated bulletins in YYYY/MM folders, plus one binary file."""
    root = tmp_path_factory.mktemp("archive")
    generate.generate(root, N, items=6)
    (root / BROKEN).write_bytes(b"\x00\x01\x02PK\x03\x04 not a bulletin \xff\xfe" * 20)
    return root


def cli(*args: str | Path, env: dict | None = None):
    return CliRunner(env=env).invoke(app, [str(a) for a in args])


def manifest(out: Path) -> dict[str, dict]:
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    return {e["path"]: e for e in entries}


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_archive_mirrored_manifest_rerun_and_force(archive, tmp_path):
    out = tmp_path / "out"
    first = cli("convert", archive, "--to", "json", "--out", out, "--jobs", "2")
    assert first.exit_code == 1, first.output
    assert f"failed: {archive / BROKEN}: is not text" in first.output
    assert f"{N} converted, 0 skipped, 1 failed" in first.output
    for src in archive.rglob("bulletin-*.txt"):
        rel = src.relative_to(archive).with_suffix(".json")
        assert json.loads((out / rel).read_text(encoding="utf-8"))["meta"]["input"]["name"] == src.name
    entries = manifest(out)
    assert len(entries) == N + 1
    assert entries[BROKEN]["status"] == "failed" and "not text" in entries[BROKEN]["error"]
    good = entries["2015/01/bulletin-00000.txt"]
    assert good["status"] == "converted" and set(good["outputs"]) == {"json"}
    assert good["outputs"]["json"]["path"] == "2015/01/bulletin-00000.json"
    assert good["sha256"] == api.load(archive / good["path"]).meta.input.sha256
    assert {"diagnostics", "ms", "options", "version"} <= set(good)
    assert not leftovers(out) and not (out / JOURNAL).exists()

    again = cli("convert", archive, "--to", "json", "--out", out, "--jobs", "2")
    assert again.exit_code == 1
    assert f"0 converted, {N} skipped, 1 failed" in again.output
    statuses = [e["status"] for e in manifest(out).values()]
    assert statuses.count("skipped") == N and statuses.count("failed") == 1

    forced = cli("convert", archive, "--to", "json", "--out", out, "--jobs", "1", "--force")
    assert f"{N} converted, 0 skipped, 1 failed" in forced.output
    assert len(manifest(out)) == N + 1


def test_changed_input_output_or_options_are_redone(tmp_path):
    src = tmp_path / "in"
    paths = generate.generate(src, 4, items=3)
    out = tmp_path / "out"
    assert cli("convert", src, "--to", "json", "--out", out, "-j", "1").exit_code == 0
    paths[0].write_text(paths[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (out / paths[1].relative_to(src).with_suffix(".json")).write_text("{}", encoding="utf-8")
    (out / paths[2].relative_to(src).with_suffix(".json")).unlink()
    result = cli("convert", src, "--to", "json", "--out", out, "-j", "1")
    assert "3 converted, 1 skipped, 0 failed" in result.output
    epoch = cli("convert", src, "--to", "json", "--out", out, "-j", "1", env={"SOURCE_DATE_EPOCH": "1600000000"})
    assert "4 converted, 0 skipped" in epoch.output


def test_single_file_globs_and_collisions(tmp_path):
    src = tmp_path / "in"
    generate.generate(src, 3, items=3)
    one = next(src.rglob("*.txt"))
    out = tmp_path / "out"
    assert cli("convert", one, "--to", "json", "--out", out).exit_code == 0
    assert (out / one.with_suffix(".json").name).is_file()

    out2 = tmp_path / "out2"
    assert cli("convert", f"{src}/**/*.txt", "--to", "json", "--out", out2, "-j", "1").exit_code == 0
    assert sorted(p.relative_to(out2) for p in out2.rglob("*.json")) == sorted(
        p.relative_to(src).with_suffix(".json") for p in src.rglob("*.txt"))

    twin = tmp_path / "elsewhere" / one.name
    twin.parent.mkdir()
    shutil.copy(one, twin)
    result = cli("convert", one, twin, "--to", "json", "--out", tmp_path / "out3")
    assert result.exit_code == 1
    assert f"{twin}: error: would overwrite the outputs of {one} (bulletin-" in result.output

    shutil.copy(one, one.with_suffix(".htm"))  # sorts before .txt, so it claims the name first
    result = cli("convert", src, "--to", "json", "--out", tmp_path / "out4", "-j", "1")
    # the .htm and the .txt of one page: both converted (this .htm is text: read as HTML, it has no title)
    assert "would overwrite" not in result.output and "4 converted" in result.output
    rel = one.relative_to(src)
    assert (tmp_path / "out4" / rel.with_suffix(".json")).is_file()
    assert (tmp_path / "out4" / rel.parent / f"{rel.name}.json").is_file()
    assert cli("convert", tmp_path / "nothing-here-*.txt", "--out", tmp_path / "o4").exit_code == 1


def test_outputs_never_leave_out(tmp_path):
    src = tmp_path / "in"
    generate.generate(src, 2, items=3)
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "2015").symlink_to(elsewhere, target_is_directory=True)
    result = cli("convert", src, "--to", "json", "--out", out, "-j", "1")
    assert result.exit_code == 1
    assert "leads outside --out" in result.output
    assert not list(elsewhere.rglob("*.json"))
    jobs = list(inputs.plan([src / "2015" / ".." / "2015"], out.resolve(), ["json"]))
    assert all(not j.error or "outside" in j.error for j in jobs)
    assert inputs._job("x", inputs.PurePosixPath("../a.txt"), out.resolve(), ("json",), {}, {}).error


def test_fail_fast_stops_at_first_failure(archive, tmp_path):
    out = tmp_path / "out"
    result = cli("convert", archive, "--to", "json", "--out", out, "-j", "1", "--fail-fast")
    assert result.exit_code == 1
    entries = manifest(out)
    assert entries[BROKEN]["status"] == "failed"
    assert len(entries) < N + 1  # 2015/ comes before 2016/broken.txt; the rest never started


def test_interrupted_in_process_leaves_no_partial_file(tmp_path, monkeypatch):
    src = tmp_path / "in"
    generate.generate(src, 12, items=3)
    out = tmp_path / "out"
    real_replace, calls = os.replace, []

    def replace(a, b):  # Ctrl-C while the 6th output is being written
        calls.append(b)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return real_replace(a, b)

    monkeypatch.setattr(api.os, "replace", replace)
    result = cli("convert", src, "--to", "json", "--out", out, "-j", "1")
    monkeypatch.undo()
    assert result.exit_code == 130, result.output
    assert not leftovers(out) and not (out / JOURNAL).exists()
    assert len(manifest(out)) == 5
    resumed = cli("convert", src, "--to", "json", "--out", out, "-j", "1")
    assert "7 converted, 5 skipped, 0 failed" in resumed.output


def _size(path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_sigterm_mid_batch_then_resume(tmp_path):
    src = tmp_path / "in"
    generate.generate(src, 60)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "bulletin", "convert", str(src), "--to", "json", "--out", str(out), "-j", "2"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    # the journal is opened when the run starts: the first result is its first line
    while not _size(out / JOURNAL) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "interrupted by signal 15" in err
    assert not leftovers(out) and not (out / JOURNAL).exists()
    done = manifest(out)
    assert 0 < len(done) < 60
    assert all(e["status"] == "converted" and (out / e["outputs"]["json"]["path"]).is_file() for e in done.values())
    resumed = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True, timeout=120)
    assert resumed.returncode == 0
    assert f"{60 - len(done)} converted, {len(done)} skipped, 0 failed" in resumed.stderr


def test_killed_run_journal_is_read_back(tmp_path):
    src = tmp_path / "in"
    generate.generate(src, 3, items=3)
    out = tmp_path / "out"
    assert cli("convert", src, "--to", "json", "--out", out, "-j", "1").exit_code == 0
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines(keepends=True)
    # As a SIGKILLed run leaves it: the manifest of the run before, a journal cut mid-line, a temp file.
    (out / MANIFEST).write_text(lines[0], encoding="utf-8")
    (out / JOURNAL).write_text(lines[1] + lines[2][:40], encoding="utf-8")
    (out / "2015" / ".x.json.999.tmp").write_text("half", encoding="utf-8")
    result = cli("convert", src, "--to", "json", "--out", out, "-j", "1")
    assert "1 converted, 2 skipped, 0 failed" in result.output
    assert len(manifest(out)) == 3 and not leftovers(out) and not (out / JOURNAL).exists()


def test_progress_log_lines_and_bar(tmp_path):
    src = tmp_path / "in"
    generate.generate(src, 3, items=3)
    log = cli("convert", src, "--to", "json", "--out", tmp_path / "a", "-j", "1", "--progress", "log")
    assert "bulletin: 3 inputs" in log.output
    bar = cli("convert", src, "--to", "json", "--out", tmp_path / "b", "-j", "1", "--progress", "bar")
    assert "3/3" in bar.output and "3 converted" in bar.output


def test_dask_local_cluster(archive, tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "out"
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as c:
        result = cli("convert", archive, "--to", "json", "--out", out, "--executor", "dask",
                     "--scheduler", c.scheduler_address)
    assert result.exit_code == 1, result.output
    assert f"{N} converted, 0 skipped, 1 failed" in result.output
    assert len(manifest(out)) == N + 1


def test_dask_missing_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    src = tmp_path / "in"
    generate.generate(src, 2, items=3)
    result = cli("convert", src, "--to", "json", "--out", tmp_path / "out", "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2
    assert "pip install 'bulletin[dask]'" in result.output
    assert cli("convert", src, "--executor", "dask").exit_code == 2  # no --scheduler


def test_one_run_per_output_folder(tmp_path):
    from bulletin.manifest import locked

    src = tmp_path / "in"
    generate.generate(src, 1, items=3)
    out = tmp_path / "out"
    out.mkdir()
    with locked(out.resolve()):
        result = cli("convert", src, "--to", "json", "--out", out)
    assert result.exit_code == 2 and "another `bulletin convert` is writing to" in result.output


def test_executor_failure_stops_the_run(tmp_path, monkeypatch):
    def broken(task):
        raise RuntimeError("Error during deserialization of the task graph\nmore")

    monkeypatch.setattr(batch, "convert_file", broken)
    src = tmp_path / "in"
    generate.generate(src, 2, items=3)
    out = tmp_path / "out"
    result = cli("convert", src, "--to", "json", "--out", out, "-j", "1")
    assert result.exit_code == 2
    assert "executor could not run the task for" in result.output and "more" not in result.output
    assert (out / MANIFEST).read_text(encoding="utf-8") == ""


def test_an_output_never_overwrites_its_input(tmp_path):
    src = tmp_path / "in"
    generate.generate(src, 1, items=3)
    first = cli("convert", src, "--to", "json", "--out", tmp_path / "out")
    assert first.exit_code == 0
    again = next((tmp_path / "out").rglob("*.json"))
    result = cli("convert", again, "--to", "json", "--out", again.parent)
    assert result.exit_code == 1 and "would overwrite the input itself" in result.output


@pytest.mark.parametrize("workers", [0, 1])
def test_dask_gives_up_when_no_worker_is_left(tmp_path, workers):
    """A real scheduler on 127.0.0.1: with no worker at all, or with its one worker retired once the
    run has begun (300 inputs waiting), `convert` stops with a clear error and exit 1 after
    --dask-timeout seconds."""
    import threading
    import time

    distributed = pytest.importorskip("distributed")
    src, out = tmp_path / "in", tmp_path / "out"
    generate.generate(src, 300, items=3)
    with distributed.LocalCluster(n_workers=workers, processes=False, threads_per_worker=1, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        if workers:
            def retire():  # once the run has begun (its journal is open), the worker leaves
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not (out / JOURNAL).exists():
                    time.sleep(0.01)
                cluster.scale(0)
            threading.Thread(target=retire, daemon=True).start()
        t0 = time.monotonic()
        result = cli("convert", src, "--to", "json", "--out", out, "--executor", "dask",
                     "--scheduler", cluster.scheduler_address, "--dask-timeout", "2")
        took = time.monotonic() - t0
    assert result.exit_code == 1, result.output
    assert "no Dask worker has been connected" in result.output and "--dask-timeout" in result.output
    assert took < 60
