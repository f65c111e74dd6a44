"""Command-line habits users bring from pandoc and other converters (issue: a tool that fits where
its users live): standard input and output, `-o FILE`, `-t`, formats in any case, completion,
plain help, the manifest only for archives, and errors said once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_HTML = ROOT / "samples" / "zj-amr-2020-q4-progress.html"
NOTICE = ("关于做好某项工作的通知\n各县（市、区）人民政府：\n现将有关事项通知如下，请认真贯彻执行。\n"
          "浙江省某某局\n2021年2月7日\n")


def bulletin(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="100", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return subprocess.run([sys.executable, "-m", "bulletin", *args], input=stdin, capture_output=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture
def notice(tmp_path) -> Path:
    p = tmp_path / "notice.txt"
    p.write_text(NOTICE, encoding="utf-8")
    return p


def test_o_file_writes_that_file_alone_in_the_format_of_its_suffix(notice, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    for name, magic in (("report.pdf", b"%PDF-"), ("report.docx", b"PK\x03\x04"), ("report.json", b"{")):
        r = bulletin("convert", str(notice), "-o", str(out / name))
        assert r.returncode == 0, r.stderr
        assert (out / name).is_file() and (out / name).read_bytes().startswith(magic)
    assert sorted(p.name for p in out.iterdir()) == ["report.docx", "report.json", "report.pdf"]  # no manifest


def test_to_in_any_case_and_t(notice, tmp_path):
    r = bulletin("convert", str(notice), "--to", "PDF", "-o", str(tmp_path / "a"))
    assert r.returncode == 0 and (tmp_path / "a" / "notice.pdf").exists()
    r = bulletin("convert", str(notice), "-t", "Docx,JSON", "-o", str(tmp_path / "b"))
    assert r.returncode == 0 and sorted(p.name for p in (tmp_path / "b").iterdir()) == ["notice.docx", "notice.json"]
    r = bulletin("convert", str(notice), "-t", "odt")
    assert r.returncode == 2 and b"unknown format" in r.stderr


def test_stdin_to_stdout(tmp_path):
    r = bulletin("convert", "-", stdin=NOTICE.encode())
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["meta"]["title"] == "关于做好某项工作的通知" and doc["meta"]["input"]["format"] == "text"
    r = bulletin("convert", "-", "-t", "pdf", "-o", "-", stdin=NOTICE.encode())
    assert r.returncode == 0 and r.stdout.startswith(b"%PDF-") and r.stdout.rstrip().endswith(b"%%EOF")
    r = bulletin("convert", "-", "--from", "html", "-o", str(tmp_path / "page.json"), stdin=SAMPLE_HTML.read_bytes())
    page = json.loads((tmp_path / "page.json").read_text("utf-8"))
    assert r.returncode == 0 and page["meta"]["input"]["format"] == "html"
    again = bulletin("convert", "-", "--from", "JSON", "-t", "docx", "-o", "-",
                     stdin=(tmp_path / "page.json").read_bytes())
    assert again.returncode == 0 and again.stdout.startswith(b"PK\x03\x04")


def test_stdout_takes_one_format_and_stdin_stands_alone(notice):
    r = bulletin("convert", str(notice), "-t", "json,pdf", "-o", "-")
    assert r.returncode == 2 and b"one format" in r.stderr
    r = bulletin("convert", "-", str(notice), stdin=b"x")
    assert r.returncode == 2 and b"standard input" in r.stderr


def test_one_output_file_for_a_folder_or_a_warc_is_a_usage_error(tmp_path):
    (tmp_path / "crawl.warc.gz").write_bytes(b"")
    for source in (tmp_path, tmp_path / "crawl.warc.gz"):
        r = bulletin("convert", str(source), "-o", str(tmp_path / "x.pdf"))
        assert r.returncode == 2 and b"give --out a folder" in r.stderr


def test_stdin_errors_name_stdin():
    r = bulletin("convert", "-", stdin=b"")
    assert r.returncode == 1 and r.stderr.decode().startswith("<stdin>: error:") and not r.stdout


def test_manifest_only_for_archives_unless_asked(notice, tmp_path):
    single = tmp_path / "single"
    assert bulletin("convert", str(notice), "-t", "json", "-o", str(single)).returncode == 0
    assert sorted(p.name for p in single.iterdir()) == ["notice.json"]
    assert bulletin("convert", str(notice), "-t", "json", "-o", str(single), "--manifest").returncode == 0
    assert (single / "manifest.jsonl").exists()
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTICE, encoding="utf-8")
    arch = tmp_path / "arch"
    assert bulletin("convert", str(folder), "-t", "json", "-o", str(arch)).returncode == 0
    assert (arch / "manifest.jsonl").exists()


def test_a_partial_run_keeps_the_other_formats_entries(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "out"
    assert bulletin("convert", str(folder), "-o", str(out)).returncode == 0
    r = bulletin("convert", str(folder), "-t", "docx", "-o", str(out), "--force")
    assert r.returncode == 0, r.stderr
    entry = json.loads((out / "manifest.jsonl").read_text("utf-8").splitlines()[0])
    assert sorted(entry["outputs"]) == ["docx", "json", "pdf"]
    r = bulletin("convert", str(folder), "-t", "pdf", "-o", str(out))
    assert r.returncode == 0 and b"1 skipped" in r.stderr  # the pdf of the first run is still up to date


def test_help_is_plain_with_its_defaults_and_metavars():
    r = bulletin("convert", "--help")
    text = r.stdout.decode()
    flat = " ".join(text.split())  # lines wrap at the terminal's width
    assert r.returncode == 0 and "[default: the number of CPUs]" in flat
    assert not any(m in text for m in ("<list[", "<str>", "<path> ", "<bool>", "╭"))
    for option in ("-t, --to FORMATS", "-o, --out PATH", "-f, --from FORMAT", "--font-dir DIR", "{INPUT}...",
                   "INPUT: bulletin files", "or - for standard input"):
        assert option in flat, option
    assert "--install-completion" in bulletin("--help").stdout.decode()


def test_shell_completion_script():
    r = bulletin("--show-completion", "bash")
    assert r.returncode == 0 and b"complete" in r.stdout


def test_a_missing_font_dir_and_a_missing_style_are_usage_errors_said_once(notice):
    r = bulletin("fonts", "--font-dir", "/nonexistent")
    assert r.returncode == 2 and b"/nonexistent: no such folder" in r.stderr
    r = bulletin("convert", str(notice), "--style", "/nonexistent.toml")
    assert r.returncode == 2 and r.stderr.decode().count("error") == 1, r.stderr
