"""CI as its users run it (issue: a tool that fits where its users live): the example workflow is
pinned, least-privileged and works on this repository's samples/; on GitHub every diagnostic of a
conversion is an escaped annotation and the run a table in the step summary; `check --format
junit` gives a report other CI systems read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from bulletin.ci import annotation

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "convert-example.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_actions_pinned_least_privilege_no_persisted_credentials(workflow):
    steps = workflow["jobs"]["convert"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert workflow["permissions"] == {"contents": "read"}
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    install = next(s for s in steps if s.get("name", "").startswith("Install"))["run"]
    assert '"$BULLETIN_PACKAGE"' in install and "pip install ." in install  # an archive's repo, or this one
    assert workflow["env"]["BULLETIN_PACKAGE"].startswith("bulletin")


def _step(workflow, name: str) -> str:
    return next(s for s in workflow["jobs"]["convert"]["steps"] if s.get("name") == name)["run"]


def test_the_workflows_commands_on_this_repositorys_samples(workflow, tmp_path):
    """The Convert and JUnit steps, as the runner runs them (bash, GITHUB_ACTIONS=true), on a copy of
    this repository's samples/ (the .txt and the .html of one bulletin: no collision)."""
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "samples", work / "samples")
    summary = tmp_path / "summary.md"
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, **{k: str(v) for k, v in workflow["env"].items()}, GITHUB_ACTIONS="true",
               GITHUB_STEP_SUMMARY=str(summary), PATH=f"{bin_dir}:{os.environ['PATH']}")
    convert = subprocess.run(["bash", "-c", _step(workflow, "Convert")], cwd=work, env=env, capture_output=True,
                             text=True, timeout=600)
    assert convert.returncode == 0, convert.stderr
    stem = "zj-amr-2020-q4-progress"  # the .html sorts first and keeps the plain name
    assert sorted(p.name for p in (work / "out").iterdir()) == sorted(
        ["manifest.jsonl", *(f"{stem}.{f}" for f in ("docx", "json", "pdf")),
         *(f"{stem}.txt.{f}" for f in ("docx", "json", "pdf"))])
    notes = [ln for ln in convert.stdout.splitlines() if ln.startswith("::")]
    assert "::warning file=samples/zj-amr-2020-q4-progress.txt,line=405,title=entry-number-gap::item 40%3A" not in notes
    assert any(ln.startswith("::warning file=samples/zj-amr-2020-q4-progress.txt,line=405,title=entry-number-gap::")
               for ln in notes)
    assert len(notes) == 4  # every diagnostic of both inputs
    table = summary.read_text(encoding="utf-8")
    assert "| converted | skipped | failed | errors | warnings |" in table and "| 2 | 0 | 0 | 0 | 4 |" in table
    assert "| `entry-number-gap` | 2 |" in table
    step = _step(workflow, "JUnit report (for GitLab, Jenkins and other CI systems too)")
    junit = subprocess.run(["bash", "-c", step], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert junit.returncode == 0
    report = ET.parse(work / "out" / "junit.xml").getroot()
    assert report.tag == "testsuites" and report.get("tests") == "2" and report.get("failures") == "0"


def test_annotation_properties_are_escaped():
    line = annotation("in/a,b:c%.txt", 3, "warning", "code:x", "50% done\nnext")
    assert line == "::warning file=in/a%2Cb%3Ac%25.txt,line=3,title=code%3Ax::50%25 done%0Anext"


def test_junit_fails_a_case_on_errors_and_under_strict_on_warnings(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("关于做好某项工作的通知\n来源：某局\n发布日期：2021-02-07\n各单位：\n现将有关事项通知如下，请认真执行。\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")

    def run(*args):
        r = subprocess.run([sys.executable, "-m", "bulletin", "check", str(good), str(bad), "--format", "junit",
                            *args], capture_output=True, text=True, timeout=120)
        return r.returncode, ET.fromstring(r.stdout)

    code, root = run()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert code == 1 and root.get("failures") == "1"
    assert cases[str(bad)].find("failure").get("type") == "unreadable"
    assert cases[str(good)].find("failure") is None
