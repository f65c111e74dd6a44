"""Hostile and broken input: never a corrupt file, never a silent loss, never a hang.

One test (or a few) per finding of the hardening issue, each failing on the code before it:
XML-forbidden characters, elements left open, long item numbers, work that grew faster than the
input, rows taller than a page, OS errors on output, orphaned workers, edited JSON, symlinks out
of an input folder, file names that break `file:line:` lines.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from bulletin import api, files
from bulletin.cli import app
from bulletin.errors import InputError, RenderError
from bulletin.manifest import JOURNAL, MANIFEST
from bulletin.model import Cell, Document, ItemRow, Meta, Para, Paragraph, Table
from bulletin.render import linebreak, rowtable
from bulletin.render.textfit import em_width, split_title
from bulletin.style import load_style  # noqa: E402
from docx import Document as Docx
from lxml import etree
from pypdf import PdfReader
from typer.testing import CliRunner

BREAKS = load_style().title_breaks

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"
SAMPLE_HTML = ROOT / "samples" / "zj-amr-2020-q4-progress.html"


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def docx_is_valid(data: bytes) -> None:
    """Every XML part parses (a strict XML parser refuses U+FFFE and control characters) and
    python-docx opens the package."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in z.namelist():
            if part.endswith((".xml", ".rels")):
                etree.fromstring(z.read(part))
    Docx(io.BytesIO(data))


def table_text(rows: list[tuple[str, str, str]]) -> str:
    lines = ["某局重点工作完成情况", "", "来源:某局 发布日期:2021-02-07", "", "序号", "", "项目名称", "", "进展", ""]
    for number, name, progress in rows:
        lines += [number, "", name, "", progress, ""]
    return "\n".join(lines)


# --- 1. characters XML 1.0 forbids -------------------------------------------------------------


def test_forbidden_characters_are_scrubbed_once_and_recorded():
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("全力做好疫情防控", "全力做好\ufffe疫情\uffff防控", 1)  # a cell
    text = text.replace("省市场监管局年度", "省市场\x01监管局\x0b年度\ufdd0", 1)  # the title
    text = text.replace("1.召开全省", "1.召开\U0010fffe全省", 1)  # an entry
    doc = api.load(text.encode(), name="bad.txt")
    conv = api.render(doc, ["json", "docx", "pdf"])
    docx_is_valid(conv.outputs["docx"])
    assert doc.meta.title == "省市场监管局 年度重点工作四季度完成情况".replace(" ", "")
    scrubbed = [c for c in doc.changes if c.kind == "invalid-character"]
    assert any("<U+FFFE>" in c.before and "<U+FFFF>" in c.before and c.line for c in scrubbed)
    assert any("<U+0001>" in c.before and "<U+FDD0>" in c.before for c in scrubbed)
    assert any("<U+10FFFE>" in c.before for c in scrubbed)
    assert not [m for m in doc.diagnostics if m.code == "missing-glyph"]  # nothing left to print as a box
    assert "\ufffe" not in conv.outputs["json"].decode()


def test_a_document_built_by_hand_cannot_give_an_invalid_docx():
    doc = Document(meta=Meta(title="标题\ufffe", published="2021-02-07"),
                   body=[Paragraph(text="正文\x02内容\ud800。"),
                         Table(columns=["序号", "名称", "进展"],
                               rows=[ItemRow(number="1", cells=[Cell(paragraphs=[Para(text="1")]),
                                                                Cell(paragraphs=[Para(text="甲\uffff")]),
                                                                Cell(paragraphs=[Para(text="好。")])])])])
    conv = api.render(doc, ["json", "docx", "pdf"])
    docx_is_valid(conv.outputs["docx"])
    assert doc.meta.title == "标题" and doc.body[0].text == "正文内容。"
    assert Document.from_json(conv.outputs["json"]).clean is False  # a new load is scrubbed again


# --- 2. elements left open -------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["embed src=x", "nav", "map", "button", "video", "audio", "canvas",
                                 "title", "textarea", "iframe", "script", "style"])
def test_an_element_left_open_does_not_empty_the_page(tag):
    page = SAMPLE_HTML.read_text(encoding="utf-8")
    at = page.index(">", page.index("<body")) + 1
    doc = api.load(f"{page[:at]}<{tag}>{page[at:]}".encode(), name="page.html")
    assert doc.meta.title == "省市场监管局年度重点工作四季度完成情况"
    assert len(doc.tables()[0].rows) == len(api.load(SAMPLE_HTML).tables()[0].rows)


# --- 3. item numbers of five digits and more ------------------------------------------------------


def test_five_digit_item_numbers_start_rows():
    rows = [(str(n), f"事项{n}", f"1.完成第{n}项。") for n in (9998, 9999, 10000, 10001, 123456)]
    doc = api.load(table_text(rows).encode(), name="t.txt")
    table = doc.tables()[0]
    assert [r.number for r in table.rows] == ["9998", "9999", "10000", "10001"]
    assert "123456" in [p.text for c in table.rows[-1].cells for p in c.paragraphs]  # out of sequence: a figure
    assert [d.code for d in doc.diagnostics if d.code.startswith("item")] == []


@pytest.mark.parametrize("sep", ["\t", " "])
def test_five_digit_item_numbers_in_tab_and_space_rows(sep):
    head = "某局重点工作完成情况\n\n来源:某局 发布日期:2021-02-07\n\n" + sep.join(["序号", "项目名称", "进展"]) + "\n"
    body = "".join(f"{n}{sep}事项{n}{sep}已完成第{n}项。\n" for n in (9999, 10000, 10001))
    table = api.load((head + body).encode(), name="t.txt").tables()[0]
    assert [r.number for r in table.rows] == ["9999", "10000", "10001"]


# --- 4. work in proportion to the input --------------------------------------------------------------


def test_a_paragraph_over_many_pages_is_measured_once(monkeypatch):
    """reportlab rebuilt the rest of a split paragraph at each page end: k pages, k re-breaks."""
    measured = []
    real = linebreak._Measured.__init__

    def spy(self, frags, *args, **kwargs):
        measured.append(sum(len(f.text) for f in frags if isinstance(f.text, str)))
        real(self, frags, *args, **kwargs)

    monkeypatch.setattr(linebreak._Measured, "__init__", spy)
    text = "全省市场监管系统深入开展专项整治行动，推动高质量发展取得新成效，" * 1500  # ~50,000 characters, 80 pages
    doc = Document(meta=Meta(title="长段落"), body=[Paragraph(text=text + "。")])
    pdf = api.render(doc, ["pdf"]).outputs["pdf"]
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 50
    assert sum(measured) < 3 * len(text)


def test_a_long_table_adds_up_its_rows_once_per_row(monkeypatch):
    calls = []
    real = rowtable.RowTable._height
    monkeypatch.setattr(rowtable.RowTable, "_height", lambda self, row: calls.append(1) or real(self, row))
    rows = [ItemRow(number=str(n), cells=[Cell(paragraphs=[Para(text=str(n))]), Cell(paragraphs=[Para(text="事项")]),
                                            Cell(paragraphs=[Para(text="已完成。")])]) for n in range(1, 1201)]
    doc = Document(meta=Meta(title="长表"), body=[Table(columns=["序号", "名称", "进展"], rows=rows)])
    pdf = api.render(doc, ["pdf"]).outputs["pdf"]
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 30
    assert len(calls) < 4 * len(rows)  # was rows × pages: every part added up all the rows left


def test_title_splitting_is_linear_in_memory_and_keeps_every_character():
    title = ("浙江省市场监督管理局关于开展质量提升行动和知识产权保护专项行动" * 200)[:6000] + "的通知"
    tracemalloc.start()
    lines = split_title(title, 20.0, BREAKS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "".join(lines) == title and all(em_width(line) <= 20 for line in lines)
    assert peak < 20_000_000  # a 4,000-character title took 500 MB (lists copied at every step)


def test_a_title_still_balances_when_it_is_short():
    lines = split_title("浙江省市场监督管理局关于开展2021年度质量提升行动的通知", 22.0, BREAKS)
    assert lines[1].startswith("关于") and len(lines) == 2


# --- 5. rows and paragraphs taller than a page ------------------------------------------------------


def test_a_full_width_row_taller_than_a_page_is_split():
    text = SAMPLE.read_text(encoding="utf-8")
    note = "说明：本表所列各项工作均按照年度计划推进，各地各部门认真落实责任分工，形成工作合力，" * 400
    text = text.replace("12月工作进展\n\n1\n", f"12月工作进展\n\n{note}\n\n1\n", 1)
    doc = api.load(text.encode(), name="t.txt")
    pdf = PdfReader(io.BytesIO(api.render(doc, ["pdf"]).outputs["pdf"]))
    assert len(pdf.pages) > 20
    assert "形成工作合力" in pdf.pages[2].extract_text().replace("\n", "")


def test_a_body_paragraph_longer_than_two_pages_is_laid_out():
    """The second part of a split paragraph carried the frame's `_postponed` mark: it failed on page 3."""
    doc = Document(meta=Meta(title="通知"), body=[Paragraph(text="现将有关事项通知如下，请认真贯彻执行。" * 800)])
    pdf = PdfReader(io.BytesIO(api.render(doc, ["pdf"]).outputs["pdf"]))
    assert len(pdf.pages) > 10


# --- 6. OS errors on output -----------------------------------------------------------------------


def test_out_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "out").write_text("x")
    result = cli("convert", SAMPLE, "--to", "json", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "is not a folder" in result.output and "Traceback" not in result.output
    result = cli("convert", SAMPLE, "--to", "json", "--out", tmp_path / "out" / "sub")
    assert result.exit_code == 2 and "cannot create the output folder" in result.output


def test_read_only_out_is_a_usage_error(tmp_path, monkeypatch):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    if os.access(out, os.W_OK):  # root writes anyway: make the check see what a user would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: (not mode & os.W_OK or Path(p) != out)
                            and real(p, mode, *a, **k))
    try:
        result = cli("convert", SAMPLE, "--to", "json", "--out", out)
    finally:
        out.chmod(0o755)
    assert result.exit_code == 2 and "read-only" in result.output and "Traceback" not in result.output
    assert not any(out.iterdir())


def _no_space(monkeypatch, suffix: str):
    real = open

    def full(path, *args, **kwargs):
        if str(path).endswith(suffix):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", full, raising=False)


def test_a_full_disk_leaves_no_part_of_the_input(tmp_path, monkeypatch):
    _no_space(monkeypatch, f".pdf.{os.getpid()}.tmp")
    out = tmp_path / "out"
    result = cli("convert", SAMPLE, "--out", out, "-j", "1", "--manifest")
    assert result.exit_code == 1
    assert f"cannot write {out.resolve() / SAMPLE.stem}.pdf: No space left on device" in result.output
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST]  # no .json, no .docx, no temporary
    assert json.loads((out / MANIFEST).read_text())["status"] == "failed"


def test_a_manifest_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    _no_space(monkeypatch, f"{MANIFEST}.{os.getpid()}.tmp")
    out = tmp_path / "out"
    result = cli("convert", SAMPLE, "--to", "json", "--out", out, "-j", "1", "--manifest")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot write {out.resolve() / MANIFEST}: No space left on device" in result.output
    assert (out / f"{SAMPLE.stem}.json").is_file()
    assert (out / JOURNAL).is_file()  # it holds the result: the next run reads it back


def test_schema_out_into_a_file_is_one_line(tmp_path):
    (tmp_path / "f").write_text("x")
    result = cli("schema", "--out", tmp_path / "f" / "s.json")
    assert result.exit_code == 1 and "is not a folder" in result.output and "Traceback" not in result.output


# --- 7. workers die with their parent -----------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc (Linux)")
def test_workers_die_when_the_parent_is_killed(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for n in range(30):
        (src / f"b{n:02}.txt").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "bulletin", "convert", str(src), "--to", "pdf", "--out", str(out),
                             "-j", "2"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out / JOURNAL).exists() or not (out / JOURNAL).stat().st_size:
        time.sleep(0.05)
    workers = _descendants(proc.pid)
    assert len(workers) >= 3  # the forkserver, its workers, the resource tracker
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_running(p) for p in workers):
        time.sleep(0.1)
    assert not [p for p in workers if _running(p)]


# --- 8. edited JSON ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_json() -> dict:
    return json.loads(api.load(SAMPLE).to_json())


def _convert_json(tmp_path, data: dict, to: str = "all"):
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return cli("convert", path, "--to", to, "--out", tmp_path / "out", "-j", "1")


def test_edited_json_is_validated_again(tmp_path, sample_json):
    data = json.loads(json.dumps(sample_json))
    data["meta"]["title"] = ""
    item = next(r for r in data["body"][0]["rows"] if r["type"] == "item")
    item["cells"] = item["cells"][:1]
    result = _convert_json(tmp_path, data)
    assert result.exit_code == 1
    assert "missing-title" in result.output and "cell-count" in result.output


def test_stale_diagnostics_of_an_edited_json_go(tmp_path, sample_json):
    data = json.loads(json.dumps(sample_json))
    data["diagnostics"].append({"severity": "error", "code": "missing-title", "line": None, "message": "old"})
    doc = api.load(json.dumps(data, ensure_ascii=False).encode(), name="e.json")
    assert not [d for d in doc.diagnostics if d.code == "missing-title"]
    assert [d.code for d in doc.diagnostics].count("truncated-text") == 1  # found again, once


def test_a_table_too_wide_to_lay_out_is_a_clear_error(tmp_path, sample_json):
    data = json.loads(json.dumps(sample_json))
    table = data["body"][0]
    table["columns"] = [f"列{i}" for i in range(200)]
    for row in table["rows"]:
        if row["type"] == "item":
            row["cells"] = [{"paragraphs": [{"text": str(i)}]} for i in range(200)]
    result = _convert_json(tmp_path, data)
    assert result.exit_code == 1 and "200 columns" in result.output and "internal error" not in result.output
    assert not (tmp_path / "out" / "edited.json").exists()  # no part of the input is written
    assert _convert_json(tmp_path, data, to="json").exit_code == 0  # the JSON alone needs no layout
    with pytest.raises(RenderError, match="200 columns"):
        api.render(api.load(json.dumps(data, ensure_ascii=False).encode(), name="e.json"), ["docx"])


def test_a_date_that_is_not_in_the_calendar_is_refused_when_read(sample_json):
    data = json.loads(json.dumps(sample_json))
    data["meta"]["published"] = "2021-13-45"
    with pytest.raises(InputError, match="meta.published.*not a date of the calendar"):
        api.load(json.dumps(data).encode(), name="e.json")


# --- 9. symlinks out of an input folder ------------------------------------------------------------------


def test_symlinks_out_of_an_input_folder_are_passed_over_with_a_note(tmp_path):
    src, outside = tmp_path / "in", tmp_path / "outside"
    src.mkdir()
    outside.mkdir()
    (src / "a.txt").write_bytes(SAMPLE.read_bytes())
    (outside / "secret.txt").write_bytes(SAMPLE.read_bytes())
    (src / "passwd.txt").symlink_to(outside / "secret.txt")
    (src / "linked").symlink_to(outside, target_is_directory=True)
    result = cli("convert", src, "--to", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", MANIFEST]
    assert f"{src / 'passwd.txt'}: note: a symlink to a file outside {src}" in result.output
    assert f"{src / 'linked'}: note: a symlinked folder" in result.output
    named = cli("convert", src / "passwd.txt", "--to", "json", "--out", tmp_path / "out2")
    assert named.exit_code == 0 and (tmp_path / "out2" / "passwd.json").is_file()  # named: the user's choice


# --- 10. file names that break `file:line:` and annotation lines ------------------------------------------


def test_file_names_with_newlines_commas_and_bad_bytes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = "标题\n\n正文第一段。".encode()
    for name in ("a\nb.txt", "a,b:c.txt"):
        (src / name).write_bytes(text)
    raw = os.fsencode(src) + b"/g\xff.txt"
    with open(raw, "wb") as fh:
        fh.write(text)
    lines = cli("check", src).output.splitlines()
    assert all(line.startswith(str(src)) for line in lines)  # no line starts inside a file name
    assert any(line.startswith(f"{src}/a\\nb.txt: warning: missing-date") for line in lines)
    assert any(line.startswith(f"{src}/g\\xff.txt: warning:") for line in lines)
    github = cli("check", src, "--format", "github").output.splitlines()
    assert any(f"file={src}/a%0Ab.txt,title=missing-date::" in line for line in github)
    assert any(f"file={src}/a%2Cb%3Ac.txt,title=missing-date::" in line for line in github)
    out = tmp_path / "out"
    assert cli("convert", src, "--to", "json", "--out", out).exit_code == 0
    again = cli("convert", src, "--to", "json", "--out", out)
    assert again.exit_code == 0 and "0 converted, 3 skipped" in again.output  # the manifest reads back


# --- the reader: a broken byte is not a refused file ----------------------------------------------------


def test_a_utf8_file_with_a_broken_byte_is_read_with_a_warning():
    data = SAMPLE.read_bytes()
    at = data.index("冷链".encode()) + 1
    doc = api.load(data[:at] + data[at + 1:], name="broken.txt")  # a byte lost in the middle of 冷
    assert doc.meta.title == "省市场监管局年度重点工作四季度完成情况" and doc.meta.input.encoding == "utf-8"
    warning = next(d for d in doc.diagnostics if d.code == "broken-bytes")
    assert warning.line == data[:at].count(b"\n") + 1 and "1 byte sequence that is not UTF-8" in warning.message
    gbk = "浙江省市场监督管理局关于开展质量提升行动的通知\n\n各市场监管局：\n\n现将有关事项通知如下。\n"
    gbk = gbk.encode("gb18030")
    assert api.load(gbk, name="g.txt").meta.input.encoding == "gb18030"  # another encoding is not "broken UTF-8"


# --- found by the fuzzer ------------------------------------------------------------------------------


def test_a_long_site_menu_does_not_push_the_title_out_of_the_head():
    menu = "[Home]\n" + "[Databases]\n" * 60 + "[WorldLII]\n[Search]\n[Feedback]\n自治区地方法规 |\n"
    text = (f"{menu}【发布文号】新政发[1994]103号\n【发布日期】1994-12-27\n自治区人民政府关于\n印发温饱工程计划的通知\n"
            "(新政发〔1994〕103号)各州、市人民政府:\n现将《温饱工程计划》印发给你们，请认真贯彻执行。\n")
    doc = api.load(text.encode(), name="menu.txt")
    assert doc.meta.title == "自治区人民政府关于印发温饱工程计划的通知"
    assert doc.meta.doc_number == "新政发〔1994〕103号"


def test_wide_tables_get_columns_a_character_wide_and_the_limit_is_the_page():
    from bulletin.render.layout import table_columns
    from bulletin.style import load_style

    style = load_style(None)
    cell = style.role("table_cell").size + style.table.cell_padding * 2
    for n in (8, 12, 20, 25, 29):
        table = Table(columns=["序号", "名称", *[f"数{i}" for i in range(n - 3)], "进展"])
        widths = table_columns(table, style, style.page.type_width)[2]
        assert sum(w.emu for w in widths) == style.page.type_width.emu
        assert min(widths) >= (cell if n <= 20 else style.role("table_cell").size * 0.5 + style.table.cell_padding * 2)
    rows = [ItemRow(number=str(k), cells=[Cell(paragraphs=[Para(text=f"{k}{c}")]) for c in range(12)])
            for k in range(1, 4)]
    table = Table(columns=["序号", *[f"指标{c}" for c in range(11)]], rows=rows)
    doc = Document(meta=Meta(title="统计表"), body=[table])
    conv = api.render(doc, ["docx", "pdf"])
    docx_is_valid(conv.outputs["docx"])
    assert len(PdfReader(io.BytesIO(conv.outputs["pdf"])).pages) == 1
    with pytest.raises(RenderError, match="30 columns"):
        table_columns(Table(columns=[str(c) for c in range(30)]), style, style.page.type_width)


def test_a_second_doc_number_fused_to_the_addressee_stays_in_the_text():
    from invariants import lost_text

    text = ("浙市监〔2021〕1号\n自治区人民政府关于印发温饱工程计划的通知\n"
            "(新政发〔1994〕103号)伊犁哈萨克自治州,各州、市人民政府:\n现将《温饱工程计划》印发给你们，请认真贯彻执行。\n")
    doc = api.load(text.encode(), name="two-numbers.txt")
    assert doc.meta.doc_number == "浙市监〔2021〕1号"
    assert "新政发" in next(b for b in doc.body if b.type == "addressee").text
    assert lost_text(doc, text) == ""


def test_a_title_number_that_differs_from_the_headers_stays_in_the_title():
    text = ("浙市监〔2021〕1号\n\n某市人民政府办公室印发《实施意见》的通知(岳办发〔2017〕2号)\n\n"
            "各县市区人民政府：\n\n现将《实施意见》印发给你们，请认真贯彻执行。\n")
    doc = api.load(text.encode(), name="t.txt")
    assert doc.meta.doc_number == "浙市监〔2021〕1号"
    assert doc.meta.title.endswith("（岳办发〔2017〕2号）")
