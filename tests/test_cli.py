"""The command line, through Typer's CliRunner, on the shared test vectors."""

from __future__ import annotations

import json

import pytest
from bulletin import __version__
from bulletin.cli import app
from bulletin.model import SCHEMA_VERSION
from typer.testing import CliRunner
from vectors import BAD, GOOD, OVERSIZED

runner = CliRunner()


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output


def test_help_has_examples():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0 and "bulletin convert" in r.output


def test_convert_sample_json(tmp_path, sample_txt):
    r = runner.invoke(app, ["convert", str(sample_txt), "--to", "json", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "zj-amr-2020-q4-progress.json").read_text(encoding="utf-8"))
    assert data["schema"] == "bulletin" and data["version"] == "1.3"
    assert data["meta"]["published"] == "2021-02-07T09:19:00+08:00"
    assert len(data["body"][0]["rows"]) == 50
    assert "warning: truncated-text" in r.output


def test_strict_turns_warnings_into_exit_1(tmp_path, sample_txt):
    r = runner.invoke(app, ["convert", str(sample_txt), "--to", "json", "--out", str(tmp_path), "--strict"])
    assert r.exit_code == 1
    assert (tmp_path / "zj-amr-2020-q4-progress.json").exists()  # outputs still written


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_clear_error_no_output(tmp_path, case):
    data, words = BAD[case]
    src = _write(tmp_path, f"{case}.txt", data)
    out = tmp_path / "out"
    r = runner.invoke(app, ["convert", str(src), "--to", "json", "--out", str(out)])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    line = next(ln for ln in r.output.splitlines() if "error" in ln)
    assert str(src) in line and words in line.lower()
    assert _outputs(out) == []


def _outputs(folder):
    """Every file under `folder` but the batch manifest (which records the failure)."""
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and p.name != "manifest.jsonl") \
        if folder.exists() else []


def test_oversized_input_refused(tmp_path):
    src = _write(tmp_path, "big.txt", OVERSIZED)
    r = runner.invoke(app, ["convert", str(src), "--to", "json", "--out", str(tmp_path / "o"), "--max-bytes", "1000"])
    assert r.exit_code == 1 and "--max-bytes" in r.output and _outputs(tmp_path / "o") == []


def test_missing_file(tmp_path):
    r = runner.invoke(app, ["convert", str(tmp_path / "nope.txt"), "--to", "json", "--out", str(tmp_path)])
    assert r.exit_code == 1 and "nope.txt" in r.output and "Traceback" not in r.output


def test_unknown_format_is_usage_error(tmp_path):
    src = _write(tmp_path, "a.txt", GOOD["utf8"])
    r = runner.invoke(app, ["convert", str(src), "--to", "odt"])
    assert r.exit_code == 2 and "odt" in r.output


def test_one_bad_input_does_not_stop_the_others(tmp_path):
    good = _write(tmp_path, "good.txt", GOOD["utf8"])
    bad = _write(tmp_path, "bad.txt", BAD["binary"][0])
    out = tmp_path / "out"
    r = runner.invoke(app, ["convert", str(bad), str(good), "--to", "json", "--out", str(out)])
    assert r.exit_code == 1
    assert (out / "good.json").exists() and not (out / "bad.json").exists()


def test_check_text(sample_txt):
    r = runner.invoke(app, ["check", str(sample_txt)])
    assert r.exit_code == 0
    assert f"{sample_txt}:405: warning: entry-number-gap:" in r.output


def test_check_github(sample_txt):
    r = runner.invoke(app, ["check", str(sample_txt), "--format", "github"])
    assert f"::warning file={sample_txt},line=499,title=truncated-text::" in r.output


def test_check_json(sample_txt, tmp_path):
    bad = _write(tmp_path, "empty.txt", b"")
    r = runner.invoke(app, ["check", str(sample_txt), str(bad), "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert [d["code"] for d in data[0]["diagnostics"]] == ["entry-number-gap", "truncated-text"]
    assert data[1]["diagnostics"][0]["severity"] == "error"


def test_check_strict(sample_txt):
    assert runner.invoke(app, ["check", str(sample_txt), "--strict"]).exit_code == 1


def test_schema_command_matches_committed(tmp_path):
    from conftest import ROOT

    r = runner.invoke(app, ["schema", "--out", str(tmp_path / "s.json")])
    assert r.exit_code == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == (ROOT / "schemas" / "bulletin.schema.json").read_text(
        encoding="utf-8"
    ), "schemas/ drifted from the model: run `bulletin schema --out schemas/bulletin.schema.json`"


def test_python_dash_m(sample_txt, tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "bulletin", "check", str(sample_txt)], capture_output=True, text=True)
    assert r.returncode == 0 and "entry-number-gap" in r.stdout


def test_json_input_renders_again_and_refuses_other_versions(tmp_path, sample_txt):
    runner.invoke(app, ["convert", str(sample_txt), "--to", "json", "--out", str(tmp_path / "a")])
    first = tmp_path / "a" / "zj-amr-2020-q4-progress.json"
    again = tmp_path / "again.json"
    again.write_bytes(first.read_bytes())
    r = runner.invoke(app, ["convert", str(again), "--to", "json", "--out", str(tmp_path / "b")])
    assert r.exit_code == 0 and (tmp_path / "b" / "again.json").read_bytes() == first.read_bytes()
    v2 = tmp_path / "v2.json"
    newer = first.read_text(encoding="utf-8").replace(f'"version": "{SCHEMA_VERSION}"', '"version": "2.0"')
    v2.write_text(newer, encoding="utf-8")
    r = runner.invoke(app, ["convert", str(v2), "--to", "json", "--out", str(tmp_path / "c")])
    assert r.exit_code == 1 and "version '2.0' is not compatible" in r.output
    assert _outputs(tmp_path / "c") == []


def test_fonts_command_lists_every_role():
    r = runner.invoke(app, ["fonts"])
    assert r.exit_code == 0, r.output
    for role in ("title:", "body:", "heading1:", "heading2:", "song:"):
        assert role in r.output
    assert "uses" in r.output


def test_no_usable_font_is_a_usage_error_saying_what_to_install(tmp_path, monkeypatch, sample_txt):
    import bulletin.fonts as fonts

    real = fonts.resolve_fonts
    monkeypatch.delenv("BULLETIN_FONT_PATH", raising=False)
    monkeypatch.setattr(fonts, "resolve_fonts", lambda sheet, *a, **k: real(sheet, system=False, env=""))
    convert = ["convert", str(sample_txt), "--to", "pdf", "--out", str(tmp_path / "o")]
    for args in (["fonts", "--font-dir", str(tmp_path)], [*convert, "--font-dir", str(tmp_path)]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, r.output
        assert "apt-get install" in r.output and "--font-dir" in r.output
    assert _outputs(tmp_path / "o") == []


def test_check_walks_folders(tmp_path):
    (tmp_path / "2020" / "12").mkdir(parents=True)
    _write(tmp_path / "2020" / "12", "a.txt", GOOD["utf8"])
    _write(tmp_path / "2020", "b.txt", BAD["empty"][0])
    r = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert r.exit_code == 1
    files = [d["file"] for d in json.loads(r.stdout)]
    assert files == [str(tmp_path / "2020" / "b.txt"), str(tmp_path / "2020" / "12" / "a.txt")]  # os.walk order


def test_json_of_an_older_minor_version_still_renders(tmp_path, sample_txt):
    runner.invoke(app, ["convert", str(sample_txt), "--to", "json", "--out", str(tmp_path / "a")])
    data = json.loads((tmp_path / "a" / "zj-amr-2020-q4-progress.json").read_text(encoding="utf-8"))
    data["version"] = "1.0"
    del data["meta"]["published_text"]  # 1.0 had no such field
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["convert", str(old), "--to", "docx", "--out", str(tmp_path / "b")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "b" / "old.docx").stat().st_size > 1000
