"""Archives as archivists keep them (issue: a tool that fits where its users live): a crawl's WARC
file converts page by page, named after each page's address, and resumes like a folder; a saved
single-file page (.mht / .mhtml) gives the Document its saved .html gives. The archives are built
here, with warcio and the standard library's email package."""

from __future__ import annotations

import json
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from pathlib import Path

import pytest
from bulletin import api
from bulletin.archives import output_path
from bulletin.cli import app
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_HTML = ROOT / "samples" / "zj-amr-2020-q4-progress.html"
URL = "https://scjgj.zj.gov.cn/art/2021/2/7/art_1229.html"
NOTICE = ("关于做好某项工作的通知\n各县（市、区）人民政府：\n现将有关事项通知如下，请认真贯彻执行。\n浙江省某某局\n"
          "2021年2月7日\n")
GBK_PAGE = ("<html><head><title>关于做好某项工作的通知</title></head><body><h1>关于做好某项工作的通知</h1>"
            "<p>各县（市、区）人民政府：</p><p>现将有关事项通知如下，请认真贯彻执行。</p><p>浙江省某某局</p>"
            "<p>2021年2月7日</p></body></html>").encode("gbk")
runner = CliRunner()


def _record(kind: str, uri: str, block: bytes, n: int) -> bytes:
    """One WARC/1.0 record, written by hand (warcio's writer leaves temporary files open)."""
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012d}>\r\nWARC-Date: 2021-02-07T09:19:00Z\r\n"
            f"Content-Type: application/http; msgtype={kind}\r\nContent-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def _response(uri: str, body: bytes, content_type: str, n: int, status: str = "200 OK") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return _record("response", uri, http.encode() + body, n)


def _warc(path: Path, gzip: bool = True) -> Path:
    import gzip as gz

    records = [
        _record("request", URL, b"GET /art/2021/2/7/art_1229.html HTTP/1.1\r\nHost: scjgj.zj.gov.cn\r\n\r\n", 1),
        _response(URL, SAMPLE_HTML.read_bytes(), "text/html; charset=utf-8", 2),
        _response("http://www.example.gov.cn/tzgg/notice?id=5", GBK_PAGE, "text/html; charset=GBK", 3),
        _response("http://www.example.gov.cn/files/notice.txt", NOTICE.encode(), "text/plain; charset=utf-8", 4),
        _response("http://www.example.gov.cn/logo.png", b"\x89PNG\r\n\x1a\n", "image/png", 5),
        _response("http://www.example.gov.cn/gone.html", b"<html>404</html>", "text/html", 6, "404 Not Found"),
        _response(URL, SAMPLE_HTML.read_bytes(), "text/html; charset=utf-8", 7),  # fetched twice
    ]
    # a .warc.gz is one gzip member per record, as crawlers write it
    path.write_bytes(b"".join(gz.compress(r) for r in records) if gzip else b"".join(records))
    return path


@pytest.mark.parametrize("gzip", [True, False])
def test_a_warc_converts_page_by_page_named_after_the_address(tmp_path, gzip):
    warc = _warc(tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), gzip)
    out = tmp_path / "out"
    r = runner.invoke(app, ["convert", str(warc), "-t", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "4 records passed over" in r.output  # the request, the image, the 404, the second fetch
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert files == ["scjgj.zj.gov.cn/art/2021/2/7/art_1229.json", "www.example.gov.cn/files/notice.json",
                     "www.example.gov.cn/tzgg/notice_043e1c6f.json"]
    sample = json.loads((out / files[0]).read_text("utf-8"))
    assert sample["meta"]["url"] == URL and sample["meta"]["input"]["format"] == "html"
    assert sample == json.loads(api.load(SAMPLE_HTML, name=str(SAMPLE_HTML)).to_json()) | {
        "meta": sample["meta"], "changes": sample["changes"]}  # the same document as the page itself
    gbk = json.loads((out / files[2]).read_text("utf-8"))
    assert gbk["meta"]["title"] == "关于做好某项工作的通知" and gbk["meta"]["url"].endswith("notice?id=5")
    text = json.loads((out / files[1]).read_text("utf-8"))
    assert text["meta"]["input"]["format"] == "text" and text["body"][0]["type"] == "addressee"
    again = runner.invoke(app, ["convert", str(warc), "-t", "json", "-o", str(out)])
    assert again.exit_code == 0 and "0 converted, 3 skipped" in again.output  # resumes like a folder
    assert (out / "manifest.jsonl").exists()


def test_warc_pages_are_named_in_messages_and_check_reads_them(tmp_path):
    warc = _warc(tmp_path / "crawl.warc.gz")
    r = runner.invoke(app, ["check", str(warc)])
    assert f"{warc}#http://www.example.gov.cn/files/notice.txt: warning: missing-source" in r.output


def test_a_file_that_is_no_warc(tmp_path):
    bad = tmp_path / "broken.warc.gz"
    bad.write_bytes(b"not a warc at all")
    r = runner.invoke(app, ["convert", str(bad), "-t", "json", "-o", str(tmp_path / "out")])
    assert r.exit_code == 1 and "broken.warc.gz: error:" in r.output


@pytest.mark.parametrize(("uri", "path"), [
    ("https://a.gov.cn/art/2021/2/7/art_1.html", "a.gov.cn/art/2021/2/7/art_1"),
    ("https://a.gov.cn/", "a.gov.cn/index"),
    ("https://a.gov.cn/news/", "a.gov.cn/news/index"),
    ("https://a.gov.cn/../../etc/passwd", "a.gov.cn/etc/passwd"),
    ("https://a.gov.cn/%E9%80%9A%E7%9F%A5.htm", "a.gov.cn/通知"),
])
def test_output_path_of_an_address(uri, path):
    assert str(output_path(uri)) == path


def _lineless(node):
    if isinstance(node, dict):
        return {k: _lineless(v) for k, v in node.items() if k != "line"}
    if isinstance(node, list):
        return [_lineless(v) for v in node]
    return node


def _mhtml(html: bytes, charset: str, encode) -> bytes:
    message = MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = URL
    part = MIMEBase("text", "html", charset=charset)
    part.set_payload(html)
    encode(part)
    part["Content-Location"] = URL
    message.attach(part)
    image = MIMEBase("image", "png")
    image.set_payload(b"\x89PNG\r\n\x1a\n")
    encoders.encode_base64(image)
    image["Content-Location"] = "https://scjgj.zj.gov.cn/logo.png"
    message.attach(image)
    return message.as_bytes()


@pytest.mark.parametrize("encode", [encoders.encode_quopri, encoders.encode_base64])
def test_mhtml_gives_the_document_of_the_saved_html(tmp_path, encode):
    saved = SAMPLE_HTML.read_bytes()
    html = tmp_path / "page.html"
    html.write_bytes(f"<!-- saved from url=({len(URL):04d}){URL} -->\n".encode() + saved)
    mht = tmp_path / "page.mht"
    mht.write_bytes(_mhtml(saved, "utf-8", encode))
    a, b = api.load(mht), api.load(html)
    assert a.meta.url == b.meta.url == URL
    assert a.meta.model_dump(exclude={"input"}) == b.meta.model_dump(exclude={"input"})
    assert _lineless(a.model_dump()["body"]) == _lineless(b.model_dump()["body"])  # (the comment moved lines)
    assert a.meta.input.format == "html" and a.meta.input.name == "page.mht"


def test_mhtml_in_gbk_and_in_a_folder(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "notice.mhtml").write_bytes(_mhtml(GBK_PAGE, "gbk", encoders.encode_base64))
    out = tmp_path / "out"
    r = runner.invoke(app, ["convert", str(folder), "-t", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "notice.json").read_text("utf-8"))
    assert doc["meta"]["title"] == "关于做好某项工作的通知" and doc["meta"]["url"] == URL


def test_an_mhtml_without_an_html_part(tmp_path):
    p = tmp_path / "x.mht"
    p.write_bytes(b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhello")
    with pytest.raises(Exception, match="MHTML"):
        api.load(p)


def test_damaged_archives_are_refused_with_a_message_never_a_traceback(tmp_path, capsys):
    """Byte flips and cuts of a WARC (plain and gzipped) and of an MHTML page: each either reads
    or is refused with an InputError."""
    import random

    from bulletin.archives import page, pages
    from bulletin.errors import BulletinError

    warc = _warc(tmp_path / "crawl.warc", gzip=False).read_bytes()
    import gzip

    sources = {"x.warc": warc, "x.warc.gz": _warc(tmp_path / "crawl.warc.gz").read_bytes(),
               # a crawler that cut its gzip members elsewhere than at the records' bounds
               "y.warc.gz": b"".join(gzip.compress(warc[i : i + 4096]) for i in range(0, len(warc), 4096)),
               "x.mht": _mhtml(SAMPLE_HTML.read_bytes(), "utf-8", encoders.encode_quopri)}
    rnd = random.Random(15)
    for n in range(240):
        name = rnd.choice(sorted(sources))
        data = bytearray(sources[name])
        for _ in range(rnd.randint(1, 20)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            data = data[: rnd.randrange(len(data))]
        path = tmp_path / f"{n}-{name}"
        path.write_bytes(bytes(data))
        try:
            if ".warc" in name:
                found, _ = pages(path)
                for p in found:
                    api.load(page(path, p.offset)[0], name="p.html")
            else:
                api.load(path)
        except BulletinError:
            pass
    capsys.readouterr()  # warcio's own warnings about damaged records
