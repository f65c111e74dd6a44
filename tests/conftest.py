from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# the goldens hold English messages: the suite reads them in English whatever the developer's locale
# (test_i18n.py asks for Chinese where it means to)
os.environ["LANGUAGE"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def sample_txt() -> Path:
    return SAMPLES / "zj-amr-2020-q4-progress.txt"


@pytest.fixture(scope="session")
def sample_html() -> Path:
    return SAMPLES / "zj-amr-2020-q4-progress.html"


@pytest.fixture(scope="session")
def sample_doc(sample_txt):
    from bulletin import api

    return api.load(sample_txt)


def pytest_sessionstart(session):
    """Resolve the default style's fonts before any test: the first resolution may make the title
    face's TrueType copy (~35 s, once per user), which must not fall inside a test that waits on a
    subprocess with a deadline."""
    from bulletin.errors import FontError
    from bulletin.fonts import resolve_fonts
    from bulletin.style import load_style

    try:
        resolve_fonts(load_style())
    except FontError:
        pass  # the tests that need fonts skip or fail with the reason
