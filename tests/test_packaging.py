"""The package as a user installs it (issue: a tool that fits where its users live): the import
name collides with no published package, the version comes from the distribution's metadata, the
wheel works beside django-pipeline (which installs a top-level `pipeline/`), the sdist holds what
its tests need."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
from importlib.metadata import metadata, version
from pathlib import Path

import bulletin
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"


def test_version_is_the_distributions():
    assert bulletin.__version__ == version("bulletin")


def test_metadata_has_license_urls_classifiers_and_types():
    meta = metadata("bulletin")
    assert meta["License-Expression"] == "MIT" or "MIT" in (meta["License"] or "")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Source", "Issues"} <= set(urls)
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and any("Chinese" in c for c in classifiers)
    assert (Path(bulletin.__file__).parent / "py.typed").exists()
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)])
    return next(out.glob("bulletin-*.whl"))


def test_the_wheel_carries_the_styles_and_the_catalogue(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"bulletin/styles/gbt9704.toml", "bulletin/styles/letter.toml", "bulletin/styles/order.toml",
            "bulletin/py.typed", "bulletin/locale/zh_CN/LC_MESSAGES/bulletin.mo"} <= names


def test_the_wheel_beside_django_pipeline_converts_the_sample(wheel, tmp_path):
    """In a fresh venv with django-pipeline (its top-level `pipeline/`) installed after bulletin:
    `--version` is bulletin's, both import, and the sample converts to all three formats."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "-q", str(wheel)])
    _run([str(py), "-m", "pip", "install", "-q", "django-pipeline"])
    assert _run([str(env_dir / "bin" / "bulletin"), "--version"]).stdout.strip() == f"bulletin {version('bulletin')}"
    _run([str(py), "-c", "import pipeline, bulletin.cli; assert 'site-packages/pipeline' in pipeline.__file__"])
    out = tmp_path / "out"
    _run([str(env_dir / "bin" / "bulletin"), "convert", str(SAMPLE), "--to", "all", "--out", str(out)])
    for suffix in ("json", "docx", "pdf"):
        assert (out / f"{SAMPLE.stem}.{suffix}").stat().st_size > 1000
    _run([str(py), "-m", "pip", "uninstall", "-q", "-y", "django-pipeline"])
    assert _run([str(env_dir / "bin" / "bulletin"), "--version"]).stdout.startswith("bulletin ")


def test_the_sdist_holds_the_tests_and_what_they_read(tmp_path):
    _run([sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path), str(ROOT)])
    sdist = next(tmp_path.glob("bulletin-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    wanted = [str(f.relative_to(ROOT)) for d in ("tests", "samples", "schemas", "benchmarks", "scripts", "pipeline")
              for f in (ROOT / d).rglob("*") if f.is_file() and not {"__pycache__", ".hypothesis"} & set(f.parts)
              and not f.suffix == ".pyc" and ".egg-info" not in str(f)]
    missing = [n for n in wanted if n not in names]
    assert not missing, missing[:10]
    assert {"LICENSE", "pyproject.toml", "README.md"} <= names
