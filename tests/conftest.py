from __future__ import annotations

import sys
from pathlib import Path

import pytest

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
    from pipeline import api

    return api.load(sample_txt)
