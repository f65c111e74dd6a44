"""A short fuzzing run (`benchmarks/fuzz.py` runs it long): mutated real inputs and bulletin-shaped
text made up by hypothesis, through every stage and all three renderers, with the invariants of
`fuzz.check` — the project's own errors only, valid .docx and PDF (qpdf --check), a JSON that reads
back, no Chinese character lost, at most 10 s an input.

Derandomized: the suite checks the same inputs on every run (a red CI is a finding, not luck);
the long run explores new ones.
"""

from __future__ import annotations

import importlib.util
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_fuzz", ROOT / "benchmarks" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
sys.modules["bench_fuzz"] = fuzz  # its dataclasses look their module up
_spec.loader.exec_module(fuzz)

QPDF = shutil.which("qpdf")
SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

plans = st.builds(
    fuzz.Plan,
    seed=st.integers(0, len(fuzz.seeds()) - 1),
    steps=st.lists(st.tuples(st.integers(0, 63), st.integers(0, 2**30), st.integers(0, 2**30)),
                   min_size=1, max_size=6).map(tuple),
)

# bulletin-shaped lines: the reader's own cues, odd characters, CJK text and numbers
_ALPHABET = st.sampled_from([*"序号项目名称进展一二三、（）()：:，。；1234567890.\t 　|—…《》“”",
                             "\ufffe", "\x01", "\x0c", "\u2028", "\ufeff", "\u00a0", "\U0010fffe"])
lines = st.one_of(st.sampled_from(fuzz.LINES), st.text(_ALPHABET, max_size=80),
                  st.text(st.characters(codec="utf-8"), max_size=40))
texts = st.lists(lines, min_size=1, max_size=60).map("\n".join)


def test_qpdf_is_installed():
    assert QPDF, "qpdf is part of the test set-up (scripts/install.sh --test): every PDF is checked with it"


def _passes(name: str, data: bytes) -> None:
    out = fuzz.check(name, data, qpdf=QPDF)
    assert not out.problems, f"{name} ({len(data)} bytes): {out.problems}"


@settings(SETTINGS, max_examples=120)
@given(plans)
def test_mutated_real_inputs(plan):
    _passes(*plan.input())


@settings(SETTINGS, max_examples=200)
@given(texts, st.sampled_from(["made-up.txt", "made-up.html"]))
def test_made_up_bulletins(text, name):
    _passes(name, text.encode("utf-8", "surrogatepass"))


@settings(SETTINGS, max_examples=60)
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _passes("bytes.txt", data)


# --- no reader pattern backtracks without end on a long line -----------------------------------------

_UNITS = ["标\u3000\u3000题： \t", "第一条 ", "|", "、", "2021年", "（", "一、", "1.", "  ", "\u3000", "发布日期：",
          "来源:", "a ", "，", "关于", "〔2021〕", "10", "：", ">", "【", "序号\t", "的通知", "——", "…", "项目 "]


def _patterns():
    import importlib
    import pkgutil
    import re

    import bulletin.parse
    from bulletin.patterns import LazyPattern

    names = ["bulletin.normalise", "bulletin.read", "bulletin.validate", "bulletin.api", "bulletin.render.textfit",
             "bulletin.render.linebreak",
             *(f"bulletin.parse.{m.name}" for m in pkgutil.iter_modules(bulletin.parse.__path__))]
    found = []
    for name in names:
        for key, value in vars(importlib.import_module(name)).items():
            values = (value if isinstance(value, list | tuple) else value.values() if isinstance(value, dict)
                      else [value])
            found += [(f"{name}.{key}", v) for v in values
                      if isinstance(v, re.Pattern | LazyPattern) and isinstance(v.pattern, str)]
    return found


def test_no_reader_pattern_takes_more_than_a_moment_on_a_long_line():
    """A line of 20,000 characters made of one repeated piece, ending where a pattern fails: a
    pattern that can read the pieces in many ways backtracks exponentially (the reader hung on
    a page whose `标　　题：` was repeated, found by the fuzzer), and one searched from each space
    of a long run of spaces in turn is quadratic (seconds here; milliseconds when linear)."""
    def stop(*_):
        raise TimeoutError

    slow = []
    old = signal.signal(signal.SIGALRM, stop)
    try:
        for name, pattern in _patterns():
            for unit in _UNITS:
                for tail in ("", "中华人民共和国个人所得税法实施条例"):
                    text = unit * (20_000 // len(unit) + 1) + tail
                    signal.setitimer(signal.ITIMER_REAL, 3.0)
                    t0 = time.perf_counter()
                    try:
                        pattern.search(text)
                    except TimeoutError:
                        slow.append((name, unit, tail[:3]))
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                    if time.perf_counter() - t0 > 1.0:
                        slow.append((name, unit, tail[:3]))
    finally:
        signal.signal(signal.SIGALRM, old)
    assert not slow
    assert len(_patterns()) > 100  # the patterns were found


@pytest.mark.parametrize("seed", [3677, 1861])
def test_inputs_the_long_run_found_hanging(seed):
    """Kept from `benchmarks/fuzz.py` runs: each hung the reader (see the regex test above)."""
    name, data = fuzz.random_plan(seed).input()
    _passes(name, data)
