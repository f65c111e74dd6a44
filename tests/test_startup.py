"""Start-up (issue: a tool that fits where its users live): a command imports what it needs, and
no more — `--version` not even the command line, `--help` not the model, the readers or the batch
machinery, a one-file conversion not the batch machinery, a JSON conversion no renderer. Times
are measured by `benchmarks/bench_startup.py`, not asserted here."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"
PROBE = """
import json, sys
sys.argv = ["bulletin", *json.loads(sys.argv[1])]
try:
    from bulletin.entry import main
    main()
except SystemExit:
    pass
finally:
    sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules(*args: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], capture_output=True, text=True,
                       timeout=300)
    return set(json.loads(r.stderr.rsplit("MODULES ", 1)[1]))


def test_version_imports_no_command_line():
    found = _modules("--version")
    assert not {"typer", "click", "pydantic", "bulletin.cli"} & found


@pytest.mark.parametrize("args", [("--help",), ("convert", "--help"), ("check", "--help")])
def test_help_imports_neither_the_model_nor_readers_nor_batch(args):
    found = _modules(*args)
    assert "typer" in found  # (which itself imports pydantic for a command's help, when installed)
    ours = {m for m in found if m.startswith("bulletin")}
    assert ours <= {"bulletin", "bulletin.entry", "bulletin.cli", "bulletin.errors", "bulletin.report",
                    "bulletin.i18n", "bulletin.patterns"}, ours
    assert not {"multiprocessing", "concurrent.futures", "rich", "lxml", "docx", "reportlab"} & found


def test_one_file_to_json_imports_no_renderer_nor_batch(tmp_path):
    found = _modules("convert", str(SAMPLE), "-t", "json", "-o", str(tmp_path / "x.json"), "-q")
    assert (tmp_path / "x.json").exists()
    assert not {"bulletin.batch", "multiprocessing", "reportlab", "docx", "bulletin.render.pdf",
                "bulletin.render.docx"} & found


def test_one_file_to_docx_imports_no_pdf_renderer(tmp_path):
    found = _modules("convert", str(SAMPLE), "-o", str(tmp_path / "x.docx"), "-q")
    assert (tmp_path / "x.docx").exists()
    assert "docx" in found and not {"reportlab", "bulletin.render.pdf", "bulletin.batch"} & found


PATTERNS = """
import json, sys
sys.path.insert(0, "tests")
import test_startup
from bulletin.patterns import compiled
if len(sys.argv) > 1:
    from bulletin import api
    api.load(sys.argv[1])
print(json.dumps([[sorted(held), compiled(p)] for p, held in test_startup.holders().values()]))
"""


def _compiled(*args: str) -> list[tuple[list[str], bool]]:
    r = subprocess.run([sys.executable, "-c", PATTERNS, *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, check=True)
    return json.loads(r.stdout)


def test_reader_patterns_are_compiled_on_first_use_not_at_import():
    found = _compiled()
    assert len(found) > 100  # the readers' patterns are lazy ones
    assert not [held for held, done in found if done]  # and importing compiled none


def test_a_text_page_compiles_only_the_patterns_it_uses():
    found = _compiled(str(SAMPLE))
    used = sum(done for _, done in found)
    assert 0 < used < len(found)
    html_only = [done for held, done in found if set(held) <= {"bulletin.parse.html", "bulletin.parse.html_dom"}]
    assert len(html_only) > 5 and not any(html_only)  # the HTML reader's own patterns stay uncompiled


def holders() -> dict:
    """Every lazy pattern of the package's modules, by id: (pattern, the modules holding it — its
    own, and those that import it)."""
    import importlib
    import pkgutil

    import bulletin
    import bulletin.parse
    import bulletin.render
    from bulletin.patterns import LazyPattern

    found: dict = {}
    for pkg in (bulletin, bulletin.parse, bulletin.render):
        for m in pkgutil.iter_modules(pkg.__path__):
            if m.name == "__main__":  # runs the command
                continue
            name = f"{pkg.__name__}.{m.name}"
            for value in vars(importlib.import_module(name)).values():
                values = (value if isinstance(value, list | tuple) else value.values() if isinstance(value, dict)
                          else [value])
                for v in values:
                    if isinstance(v, LazyPattern):
                        found.setdefault(id(v), (v, set()))[1].add(name)
    return found


def _lazy_patterns() -> list:
    return [pattern for pattern, _ in holders().values()]


def test_a_kept_program_makes_the_same_pattern_as_re_compile():
    """The cache keeps what CPython's compiler makes of each pattern; the pattern built from it
    equals `re.compile`'s (a pattern's equality compares its flags, text and program)."""
    import re

    from bulletin.patterns import _build, _program

    patterns = _lazy_patterns()
    assert len(patterns) > 120
    for p in patterns:
        assert _build(p.pattern, _program(p.pattern, p._flags)) == re.compile(p.pattern, p._flags), p


def test_the_patterns_are_the_same_text_in_every_process():
    """A pattern built from a set's order would differ from run to run (string hashes are
    randomised): never a kept program, and an alternation's order can change what it matches."""
    code = ("import json, sys; sys.path.insert(0, 'tests'); import test_startup as t; "
            "print(json.dumps(sorted(repr(p.pattern) for p in t._lazy_patterns())))")
    texts = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
                            capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")]
    assert texts[0] == texts[1] == texts[2]


KEPT = """
import json, sys
from bulletin import api, patterns
doc = api.load(sys.argv[1])
print(json.dumps({"new": patterns._new, "json": doc.model_dump_json()}))
"""


def _kept_run(cache: Path) -> dict:
    r = subprocess.run([sys.executable, "-c", KEPT, str(SAMPLE)], capture_output=True, text=True, check=True,
                       env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    return json.loads(r.stdout)


def test_the_compiled_programs_are_kept_between_runs_and_a_damaged_cache_is_made_again(tmp_path):
    first = _kept_run(tmp_path)
    assert first["new"]  # compiled, and kept at exit
    [kept] = (tmp_path / "bulletin" / "patterns").iterdir()
    written = kept.read_bytes()
    second = _kept_run(tmp_path)
    assert not second["new"] and second["json"] == first["json"]  # every pattern from the cache
    assert kept.read_bytes() == written  # and nothing written again

    kept.write_bytes(written[:100] + bytes([written[100] ^ 0xFF]) + written[101:])  # a flipped byte
    third = _kept_run(tmp_path)
    assert third["new"] and third["json"] == first["json"]
    assert kept.read_bytes() == written  # made again, the same

    programs = marshal.loads(written[32:])  # a well-formed cache of programs the engine refuses
    bad = marshal.dumps({key: (flags, b"\xff" * len(code), groups, index, names)
                         for key, (flags, code, groups, index, names) in programs.items()})
    kept.write_bytes(hashlib.sha256(bad).digest() + bad)
    assert _kept_run(tmp_path)["json"] == first["json"]
