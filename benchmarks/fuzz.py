"""Fuzz the converter: mutated real bulletins through read → parse → normalise → validate → the three
renderers, in process, with the invariants every input must keep.

    python benchmarks/fuzz.py --minutes 30            # 2 workers, crashing inputs kept in fuzz-crashes/
    python benchmarks/fuzz.py --count 10000 --jobs 4  # a fixed number of inputs
    python benchmarks/fuzz.py --replay fuzz-crashes/  # check kept inputs again (after a fix)

Seeds are the samples, the golden inputs, the corpus pages and the HTML test pages, plus the JSON
of a few of them (an edited bulletin JSON is an input too). A mutation plan is a seed and a list of
steps, each an operation and two integers it draws positions and sizes from: byte edits (flips,
characters XML forbids, bytes that are not UTF-8, cuts), line edits (drop, repeat, swap, a line a
reader must think about: `序号`, `10000`, `2021-13-45`, a 50,000-character line …), tag edits on pages
(unclosed `<embed>` / `<title>` / `<td>`, entities of forbidden characters, `</body>` in the
middle, deep nesting, huge spans) and field edits on JSON (an empty or huge title, a date that is no
date, 200 columns, missing cells); a step that would make an input larger than 200 KB is passed over
(how time grows with size is `bench_scaling.py`'s subject). `tests/test_fuzz.py` draws the same
plans with hypothesis, which shrinks a failure to its fewest steps; this script draws them from
`random.Random(seed)`, so a reported seed replays exactly (`--seed N --count 1`).

An input passes when: it converts, or is refused with the project's own error (`BulletinError`);
every .docx opens with python-docx and each of its XML parts parses as XML; every PDF opens with
pypdf and passes `qpdf --check`; the JSON reads back as a Document; a text input loses no Chinese
character (outside the lines set aside as page chrome); and it takes at most `--limit` seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bulletin import api  # noqa: E402
from bulletin.errors import BulletinError  # noqa: E402
from bulletin.model import Document  # noqa: E402

LIMIT = 10.0  # seconds an input may take, all three formats included
MAX_INPUT = 200_000  # bytes (8× the sample): a step that would make the input larger is passed over


# --- seeds -------------------------------------------------------------------------------------


@cache
def seeds() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of every seed input, in a stable order."""
    paths = sorted([*(ROOT / "samples").glob("*.*"), *(ROOT / "tests" / "golden").glob("*/input.*"),
                    *(ROOT / "tests" / "corpus").glob("*/input.*"), *(ROOT / "tests" / "html").glob("*.htm*")])
    found = [(f"{p.parent.name}-{p.name}", p.read_bytes()) for p in paths if p.suffix in (".txt", ".html", ".htm")]
    for name, data in [found[0], *[f for f in found if "notice" in f[0]][:2]]:  # a report and notices as JSON
        found.append((Path(name).with_suffix(".json").name, api.load(data, name=name).to_json().encode()))
    return tuple(found)


# --- mutations ----------------------------------------------------------------------------------

#: bytes that break readers: characters XML 1.0 forbids, noncharacters, C1 controls, line
#: separators, a UTF-8 surrogate, a cut multi-byte character, a BOM in the middle
ODD_BYTES = [b"\x00", b"\x01", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\xc2\x85", b"\xc2\x9f", b"\xef\xbf\xbe",
             b"\xef\xbf\xbf", b"\xef\xb7\x90", b"\xf4\x8f\xbf\xbf", b"\xed\xa0\x80", b"\xe4\xb8", b"\xef\xbb\xbf",
             b"\xe2\x80\xa8", b"\r", b"\t", b"\xff\xfe", b"\xa1\xa1"]
LINES = ["序号", "项目名称", "12月工作进展", "1", "2", "9999", "10000", "123456", "一、工作进展", "（一）重点工作",
         "1.召开会议。", "第一章　总则", "第一条　为了规范管理，制定本办法。", "来源:某某局 发布日期:2021-13-45",
         "发布日期：2021年2月30日", "发布时间：2021-02-07 09:19", "信息来源：浙江省市场监督管理局", "附件：1.实施方案",
         "附件1", "浙江省市场监督管理局", "2021年2月7日", "各市、县（市、区）市场监管局：", "序号\t项目\t进展",
         "1\t甲\t已完成。", "| 序号 | 名称 | 进展 |", "|---|---|---|", "一、营商环境类（4项）", "首页 > 政务公开",
         "字体:[大 中 小]", "抄送：省委办公厅。", "（此件公开发布）", "浙市监〔2021〕1号", "关于开展质量提升行动的通知",
         "", " ", "\u3000\u3000正文段落。", "（1）", "12.", "ⅩⅡ"]
WORDS = "全省市场监管系统深入开展专项整治行动，推动高质量发展取得新成效。"
TAGS = ["<embed src=x>", "<nav>", "<map>", "<button>", "<video>", "<audio>", "<canvas>", "<object>", "<select>",
        "<title>", "<textarea>", "<iframe>", "<script>", "<style>", "<noscript>", "<table>", "<tr>", "<td>", "<th>",
        "<td colspan=99999999>", "<td rowspan=99999999>", "<table><tr><td>序号</td><td>名称</td></tr>", "</table>",
        "</tr>", "</td>", "<p>", "</p>", "<br>", "</body>", "</html>", "<html>", "<body>", "<div style=display:none>",
        "<pre>", "<h1>", "</h1>", "<!--", "-->", "<![CDATA[", "<?xml version='1.0'?>", "<meta charset=gbk>",
        "&#xFFFE;", "&#xFFFF;", "&#0;", "&#1;", "&#12;", "&#xD800;", "&#x10FFFF;", "&#xFDD0;", "&nbsp;", "&amp",
        "&#99999999;", "<td>10000</td>", "<tr><td>10000</td><td>甲</td><td>乙</td></tr>"]


def _pos(data: bytes, a: int) -> int:
    return a % (len(data) + 1)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _line_op(fn):
    def op(data: bytes, a: int, b: int) -> bytes:
        lines = _lines(data)
        return b"\n".join(fn(lines, a % len(lines), b))
    op.__name__ = fn.__name__
    return op


def flip(data, a, b):
    if not data:
        return data
    i = a % len(data)
    return data[:i] + bytes([data[i] ^ (1 << b % 8)]) + data[i + 1:]


def odd_bytes(data, a, b):
    i = _pos(data, a)
    return data[:i] + ODD_BYTES[b % len(ODD_BYTES)] + data[i:]


def cut(data, a, b):
    i = _pos(data, a)
    return data[:i] + data[i + b % 4096:]


def truncate(data, a, b):
    return data[:_pos(data, a)]


def duplicate(data, a, b):
    i = _pos(data, a)
    return data[:i] + data[i:i + b % 8192] * 2 + data[i + b % 8192:]


@_line_op
def drop_line(lines, i, b):
    return lines[:i] + lines[i + 1 + b % 3:]


@_line_op
def repeat_line(lines, i, b):
    return lines[:i] + [lines[i]] * (1 + b % 500) + lines[i + 1:]


@_line_op
def swap_lines(lines, i, b):
    j = b % len(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return lines


@_line_op
def insert_line(lines, i, b):
    return lines[:i] + [LINES[b % len(LINES)].encode()] + lines[i:]


@_line_op
def long_line(lines, i, b):
    n = (10, 200, 5_000, 50_000)[b % 4]
    return lines[:i] + [(WORDS * (n // len(WORDS) + 1))[:n].encode()] + lines[i:]


@_line_op
def join_lines(lines, i, b):
    return lines[:i] + [b"".join(lines[i:i + 2 + b % 5])] + lines[i + 2 + b % 5:]


def insert_tag(data, a, b):
    i = _pos(data, a)
    return data[:i] + TAGS[b % len(TAGS)].encode() + data[i:]


def drop_tag(data, a, b):
    tags = list(re.finditer(rb"<[^<>]{0,200}>", data))
    if not tags:
        return data
    m = tags[a % len(tags)]
    return data[:m.start()] + data[m.end():]


def nest(data, a, b):
    i, n = _pos(data, a), (10, 300, 3000)[b % 3]
    return data[:i] + b"<div>" * n + "深层正文。".encode() + b"</div>" * (n // (1 + b % 2)) + data[i:]


def edit_json(data, a, b):
    """Change one field of a bulletin JSON the way an editor (or a broken script) might."""
    try:
        doc = json.loads(data)
    except ValueError:
        return data
    meta, body = doc.setdefault("meta", {}), doc.setdefault("body", [])
    tables = [x for x in body if isinstance(x, dict) and x.get("type") == "table"]
    choice = b % 12
    if choice == 0:
        meta["title"] = ""
    elif choice == 1:
        meta["title"] = (WORDS * (1 + a % 3000))[: 1 + a % 100_000]
    elif choice == 2:
        meta["published"] = ["2021-13-45", "2021-02-30", "0000-00-00", "2021-02-07T25:61:00+08:00"][a % 4]
    elif choice == 3 and tables:
        t = tables[a % len(tables)]
        n = (30, 64, 200)[a % 3]
        t["columns"] = [f"列{i}" for i in range(n)]
        for r in t.get("rows", []):
            if r.get("type") == "item":
                r["cells"] = [{"paragraphs": [{"text": str(i)}]} for i in range(n)]
    elif choice == 4 and tables:
        for r in tables[a % len(tables)].get("rows", [])[:: 1 + a % 3]:
            if r.get("type") == "item":
                r["cells"] = r["cells"][: a % 2] if a % 3 else r["cells"] * 3
    elif choice == 5:
        meta["title"] = "标题\ufffe\u0001\ud800"[a % 3:]
    elif choice == 6:
        body.append({"type": "paragraph", "text": "\uffff" * (1 + a % 5) + WORDS * (a % 2000)})
    elif choice == 7:
        body.append({"type": "heading", "level": 1 + a % 6, "marker": "一、", "text": "标题"})
    elif choice == 8:
        body.append({"type": "unknown", "text": "x"})
    elif choice == 9:
        doc["version"] = ["2.0", "1.9", "", "1"][a % 4]
    elif choice == 10 and tables:
        t = tables[a % len(tables)]
        t["rows"] = t.get("rows", []) * (1 + a % 40)
    else:
        body.insert(a % (len(body) + 1), {"type": "signature", "signers": ["某局" * (1 + a % 50)],
                                          "date": "2021-02-07", "date_text": None})
    return json.dumps(doc, ensure_ascii=bool(a % 2)).encode("utf-8", "surrogatepass")


BYTE_OPS = [flip, odd_bytes, cut, truncate, duplicate]
LINE_OPS = [drop_line, repeat_line, swap_lines, insert_line, insert_line, long_line, join_lines]
TAG_OPS = [insert_tag, insert_tag, drop_tag, nest]
OPS = {"text": BYTE_OPS + LINE_OPS, "html": BYTE_OPS + LINE_OPS + TAG_OPS * 2, "json": [edit_json] * 4 + [flip, cut]}


def kind(name: str) -> str:
    return "json" if name.endswith(".json") else "html" if name.endswith((".html", ".htm")) else "text"


@dataclass(frozen=True)
class Plan:
    """A seed (its index in `seeds()`) and the steps (op index, a, b) applied to it in order."""

    seed: int
    steps: tuple[tuple[int, int, int], ...]

    def input(self) -> tuple[str, bytes]:
        name, data = seeds()[self.seed % len(seeds())]
        ops = OPS[kind(name)]
        for op, a, b in self.steps:
            out = ops[op % len(ops)](data, a, b)
            data = out if len(out) <= MAX_INPUT else data  # size is the scaling benchmark's subject
        return name, data

    def describe(self) -> str:
        name, _ = seeds()[self.seed % len(seeds())]
        ops = OPS[kind(name)]
        return f"{name}: " + ", ".join(f"{ops[o % len(ops)].__name__}({a}, {b})" for o, a, b in self.steps) or name


def random_plan(seed: int) -> Plan:
    rng = random.Random(seed)
    steps = tuple((rng.randrange(64), rng.randrange(1 << 30), rng.randrange(1 << 30))
                  for _ in range(rng.choice((1, 1, 2, 3, 5, 8))))
    return Plan(rng.randrange(len(seeds())), steps)


# --- the check ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str = "converted"  # or "refused" (the project's own error) or "failed"
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""


def check(name: str, data: bytes, *, limit: float = LIMIT, qpdf: str | None = shutil.which("qpdf")) -> Outcome:
    """Convert one input to all three formats and check the invariants (see the module's doc)."""
    out = Outcome()
    t0 = time.perf_counter()
    try:
        doc = api.load(data, name=name)
        conv = api.render(doc, ["json", "docx", "pdf"])
    except BulletinError as err:
        out.status, out.message = "refused", str(err)
        if not str(err).strip() or "\n" in err.message.strip() and "Traceback" in err.message:
            out.problems.append(f"refused without a clear message: {err!r}")
    except Exception as err:  # noqa: BLE001 - what the fuzzer is here to find
        out.status = "failed"
        out.problems.append(f"exception {type(err).__name__}: {str(err)[:300]}")
    else:
        out.problems += _docx(conv.outputs["docx"]) + _pdf(conv.outputs["pdf"], qpdf) + _json(conv.outputs["json"])
        if kind(name) == "text":
            out.problems += _lost(doc, data, name)
    out.seconds = time.perf_counter() - t0
    if out.seconds > limit:
        out.problems.append(f"took {out.seconds:.1f} s (limit {limit:.0f} s)")
    if out.problems and out.status != "failed":
        out.status = "failed"
    return out


def _docx(data: bytes) -> list[str]:
    from docx import Document as Docx
    from lxml import etree

    problems = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for part in z.namelist():
                if part.endswith((".xml", ".rels")):
                    try:
                        etree.fromstring(z.read(part))
                    except etree.XMLSyntaxError as err:
                        problems.append(f".docx part {part} is not XML: {err}")
        Docx(io.BytesIO(data))
    except Exception as err:  # noqa: BLE001
        problems.append(f".docx does not open: {type(err).__name__}: {err}")
    return problems


def _pdf(data: bytes, qpdf: str | None) -> list[str]:
    from pypdf import PdfReader

    problems = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if not len(reader.pages):
            problems.append("PDF has no page")
    except Exception as err:  # noqa: BLE001
        problems.append(f"PDF does not open with pypdf: {type(err).__name__}: {err}")
    if qpdf:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(data)
            fh.flush()
            run = subprocess.run([qpdf, "--check", fh.name], capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"qpdf --check exit {run.returncode}: {(run.stdout + run.stderr).strip()[-300:]}")
    return problems


def _json(data: bytes) -> list[str]:
    try:
        Document.from_json(data)
    except Exception as err:  # noqa: BLE001
        return [f"the JSON does not read back: {str(err)[:300]}"]
    return []


def _lost(doc: Document, data: bytes, name: str) -> list[str]:
    from bulletin.read import decode
    from invariants import lost_text

    text = decode(data, name=name).text
    lost = lost_text(doc, text)
    return [f"lost {len(lost)} Chinese characters: {lost[:40]!r}"] if lost else []


# --- the long run -----------------------------------------------------------------------------------


def _worker(conn) -> None:
    while True:
        seed = conn.recv()
        if seed is None:
            return
        name, data = random_plan(seed).input()
        out = check(name, data)
        conn.send((seed, out))


def keep(folder: Path, name: str, data: bytes, why: str) -> Path:
    """Save a failing input as `<sha>-<name>` with a `.why` file beside it; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}-{name}"
    path.write_bytes(data)
    path.with_name(path.name + ".why").write_text(why + "\n", encoding="utf-8")
    return path


def run(seeds_: range, jobs: int, deadline: float | None, keep_dir: Path, hard: float) -> dict:
    """Check the plans of `seeds_` on `jobs` worker processes until done or past `deadline`; a
    worker silent for `hard` seconds is killed and its input counted as a hang."""
    ctx = mp.get_context("spawn")
    todo = iter(seeds_)
    stats = {"inputs": 0, "converted": 0, "refused": 0, "failed": 0, "slowest": 0.0, "kept": []}
    workers: dict = {}  # connection → (process, seed, started)

    def start() -> None:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        proc.start()
        workers[parent] = [proc, None, 0.0]
        feed(parent)

    def feed(conn) -> None:
        seed = next(todo, None) if deadline is None or time.monotonic() < deadline else None
        workers[conn][1:] = [seed, time.monotonic()]
        if seed is None:
            conn.send(None)
            workers.pop(conn)[0].join()
        else:
            conn.send(seed)

    def fail(seed: int, why: str) -> None:
        name, data = random_plan(seed).input()
        path = keep(keep_dir, name, data, f"seed {seed}: {random_plan(seed).describe()}\n{why}")
        stats["kept"].append(str(path))
        print(f"FAIL seed {seed} ({path.name}): {why}", flush=True)

    for _ in range(jobs):
        start()
    while workers:
        for conn in wait(list(workers), timeout=1.0):
            try:
                seed, out = conn.recv()
            except EOFError:  # the worker died (out of memory?)
                proc, seed, _ = workers.pop(conn)
                stats["inputs"] += 1
                stats["failed"] += 1
                fail(seed, f"the worker died (exit {proc.exitcode})")
                start()
                continue
            stats["inputs"] += 1
            stats[out.status] += 1
            stats["slowest"] = max(stats["slowest"], out.seconds)
            if out.problems:
                fail(seed, "; ".join(out.problems))
            feed(conn)
        for conn, (proc, seed, started) in list(workers.items()):
            if seed is not None and time.monotonic() - started > hard:
                proc.kill()
                proc.join()
                workers.pop(conn)
                stats["inputs"] += 1
                stats["failed"] += 1
                fail(seed, f"no answer after {hard:.0f} s: a hang")
                start()
        if stats["inputs"] and stats["inputs"] % 500 == 0:
            print(f"{stats['inputs']} inputs: {stats['converted']} converted, {stats['refused']} refused, "
                  f"{stats['failed']} failed", flush=True)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, help="run this long (default: until --count inputs)")
    ap.add_argument("--count", type=int, default=1000, help="inputs to try (with --minutes: at most)")
    ap.add_argument("--seed", type=int, default=0, help="the first plan's seed")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, default=ROOT / "fuzz-crashes", help="where failing inputs are saved")
    ap.add_argument("--replay", type=Path, help="check the inputs kept in this folder again, and stop")
    args = ap.parse_args(argv)
    if args.replay:
        bad = 0
        for path in sorted(p for p in args.replay.iterdir() if not p.name.endswith(".why")):
            out = check(path.name.split("-", 1)[1], path.read_bytes())
            bad += bool(out.problems)
            print(f"{'FAIL' if out.problems else 'ok  '} {path.name}: {out.status} {'; '.join(out.problems)}")
        return 1 if bad else 0
    count = args.count if not args.minutes else (args.count if args.count != 1000 else 10**9)
    deadline = time.monotonic() + 60 * args.minutes if args.minutes else None
    t0 = time.monotonic()
    stats = run(range(args.seed, args.seed + count), args.jobs, deadline, args.keep, hard=6 * LIMIT)
    took = time.monotonic() - t0
    print(f"fuzz: {stats['inputs']} inputs in {took / 60:.1f} min: {stats['converted']} converted, "
          f"{stats['refused']} refused with a message, {stats['failed']} failed; slowest {stats['slowest']:.1f} s"
          + (f"; kept in {args.keep}" if stats["kept"] else ""))
    return 1 if stats["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
