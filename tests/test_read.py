"""The read stage: encodings, line endings, refusals, and "never anything but Text or InputError"."""

from __future__ import annotations

import codecs
import hashlib
import random
import time
from pathlib import Path

import pytest
from bulletin.errors import InputError
from bulletin.read import DEFAULT_MAX_BYTES, Text, decode, read_file
from hypothesis import given, settings
from hypothesis import strategies as st

HEADER = (
    "省市场监管局年度重点工作四季度完成情况\n"
    "来源:省市场监管局(省知识产权局) 发布日期:2021-02-07 09:19\n"
    "　　截至目前，全省完成了12月工作进展。\n"
)
JI = "𠮷"  # U+20BB7: outside GBK, inside GB18030

SAMPLE_NAME = "zj-amr-2020-q4-progress.txt"


def _samples_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "samples"  # the bundled copy of the shared sample


def _refused(data: bytes, name: str = "bulletin.txt", **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        decode(data, name=name, **kwargs)
    err = info.value
    assert err.path == name and name in str(err)
    assert "\n" not in err.message and err.message
    return err


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "data", "encoding"),
    [
        (HEADER, HEADER.encode("utf-8"), "utf-8"),
        (HEADER, HEADER.encode("utf-8-sig"), "utf-8-sig"),
        (HEADER, HEADER.encode("utf-16"), "utf-16"),  # Python writes a BOM
        (HEADER, codecs.BOM_UTF16_BE + HEADER.encode("utf-16-be"), "utf-16"),
        (HEADER, codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"), "utf-16"),
        (HEADER, HEADER.encode("utf-32"), "utf-32"),
        (HEADER + JI + "\n", (HEADER + JI + "\n").encode("gb18030"), "gb18030"),
        (HEADER, HEADER.encode("gbk"), "gb18030"),
        (HEADER, HEADER.encode("gb2312"), "gb18030"),
    ],
    ids=["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-16-le", "utf-32", "gb18030", "gbk", "gb2312"],
)
def test_encodings_round_trip(text: str, data: bytes, encoding: str) -> None:
    got = decode(data)
    assert got == Text(text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


@pytest.mark.parametrize("line", ["省市场监管局年度重点工作", "四季度完成情况", JI + "与吉"])
def test_short_gb_text_is_not_taken_for_korean(line: str) -> None:
    # charset-normalizer calls short GB text cp949; GB18030 is preferred when it decodes strictly.
    got = decode(line.encode("gb18030"))
    assert (got.text, got.encoding) == (line, "gb18030")


def test_gb18030_bom_is_removed() -> None:
    got = decode("\ufeff".encode("gb18030") + HEADER.encode("gb18030"))
    assert (got.text, got.encoding) == (HEADER, "gb18030")


def test_big5_is_detected() -> None:
    text = "省市場監管局年度重點工作四季度完成情況\n來源:省市場監管局\n"
    got = decode(text.encode("big5"))
    assert (got.text, got.encoding) == (text, "big5")


# --- line endings and untouched text ----------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_unified(newline: str) -> None:
    data = HEADER.replace("\n", newline).encode("utf-8")
    assert decode(data).text == HEADER


def test_mixed_endings_keep_line_numbers() -> None:
    # CR, CRLF, LF, CR CRLF: every terminator in the file is one line break in the text.
    got = decode("一\r二\r\n三\n四\r\r\n五".encode("gb18030"))
    assert got.text.split("\n") == ["一", "二", "三", "四", "", "五"]


def test_text_is_otherwise_untouched() -> None:
    text = "\n\n  标题  \n\t正文\u3000\xa0\n\f\n末行无换行 "
    assert decode(text.encode("utf-8")).text == text


def test_sample_file() -> None:
    path = _samples_dir() / SAMPLE_NAME
    raw = path.read_bytes()
    got = read_file(path)
    assert got.encoding == "utf-8"
    assert len(got.text.split("\n")) == 499
    assert got.text.startswith("省市场监管局年度重点工作四季度完成情况\n")
    assert got.size == len(raw) == path.stat().st_size
    assert got.sha256 == hashlib.sha256(raw).hexdigest()
    assert decode(raw) == got


def test_sample_decodes_fast() -> None:
    raw = (_samples_dir() / SAMPLE_NAME).read_bytes()
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        decode(raw)
        best = min(best, time.perf_counter() - start)
    assert best < 0.002


# --- declared charset -------------------------------------------------------------------------


def test_declared_charset_wins_over_detection() -> None:
    # Big5 bytes that also decode as GB18030, which detection then prefers.
    text = "國務院通報"
    data = text.encode("big5")
    assert decode(data).text != text
    got = decode(data, declared="Big5")
    assert (got.text, got.encoding) == (text, "big5")


@pytest.mark.parametrize("label", ["gb2312", "GBK", "cp936", "gb18030", " gb2312 "])
def test_declared_gb_family_is_decoded_as_gb18030(label: str) -> None:
    got = decode(HEADER.encode("gbk"), declared=label)
    assert (got.text, got.encoding) == (HEADER, "gb18030")


def test_bom_wins_over_declared() -> None:
    got = decode(HEADER.encode("utf-8-sig"), declared="gbk")
    assert (got.text, got.encoding) == (HEADER, "utf-8-sig")


@pytest.mark.parametrize("label", ["x-no-such-charset", "utf-8", "utf-16", "rot13", "base64", "idna", ""])
def test_unusable_or_wrong_declaration_is_ignored(label: str) -> None:
    got = decode(HEADER.encode("gb18030"), declared=label)
    assert (got.text, got.encoding) == (HEADER, "gb18030")


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \r\n\t\n",
        "\u3000\n".encode(),
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b"\n",
        "\ufeff".encode("utf-16"),
    ],
    ids=["0-bytes", "whitespace", "ideographic-space", "bom", "bom-newline", "utf-16-bom"],
)
def test_empty_is_refused(data: bytes) -> None:
    assert "empty" in _refused(data).message


def test_nul_bytes_are_refused() -> None:
    err = _refused(HEADER.encode("utf-8") + b"\x00\x01")
    assert "NUL" in err.message and ".txt or .html" in err.message


def test_nul_character_in_utf16_is_refused() -> None:
    assert "NUL" in _refused((HEADER + "\x00").encode("utf-16")).message


def test_bomless_utf16_is_refused_as_binary() -> None:
    assert "NUL" in _refused("来源: abc\n".encode("utf-16-le")).message


@pytest.mark.parametrize("size", [512, 4096, 100_000])
def test_random_binary_is_refused(size: int) -> None:
    data = random.Random(0).randbytes(size)
    assert b"\x00" in data
    _refused(data, name="photo.jpg")
    _refused(data.replace(b"\x00", b""), name="photo.jpg")  # undecodable even without NULs


def test_control_soup_is_refused() -> None:
    err = _refused(("正文\x07\x1b\x01" * 50).encode("utf-8"))
    assert "control characters" in err.message


def test_a_few_control_characters_are_kept() -> None:
    text = HEADER * 10 + "\x0b\x1b\n"
    assert decode(text.encode("utf-8")).text == text


def test_broken_utf16_after_bom_is_refused() -> None:
    assert "UTF-16" in _refused(codecs.BOM_UTF16_LE + b"a").message


def test_oversized_is_refused() -> None:
    err = _refused(HEADER.encode("utf-8"), max_bytes=10)
    assert "--max-bytes" in err.message and f"{len(HEADER.encode()):,}" in err.message and "10" in err.message
    assert DEFAULT_MAX_BYTES == 20_000_000


# --- read_file --------------------------------------------------------------------------------


def test_read_file(tmp_path: Path) -> None:
    path = tmp_path / "通报.txt"
    path.write_bytes(HEADER.replace("\n", "\r\n").encode("gbk"))
    got = read_file(path)
    assert (got.text, got.encoding) == (HEADER, "gb18030")
    assert read_file(str(path)) == got


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"PK\x03\x04\x00\x00", "NUL"),
        (("正文\x07\x1b\x01" * 50).encode(), "control"),
    ],
)
def test_read_file_refusals_name_the_file(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "bad-input.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=words) as info:
        read_file(path)
    assert "bad-input.txt" in str(info.value)


def test_read_file_checks_size_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(HEADER.encode("utf-8"))

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr("builtins.open", no_open)
    with pytest.raises(InputError, match="--max-bytes") as info:
        read_file(path, max_bytes=10)
    assert "huge.txt" in str(info.value)


def test_read_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as info:
        read_file(tmp_path / "missing.txt")
    assert "missing.txt" in str(info.value)


def test_read_file_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_file(tmp_path)


def test_read_file_permission_denied(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(HEADER.encode("utf-8"))

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("builtins.open", denied)  # root reads anything: simulate the refusal
    with pytest.raises(InputError, match="permission denied"):
        read_file(path)


# --- properties -------------------------------------------------------------------------------


def _decode_or_refuse(data: bytes) -> Text | None:
    """Return the Text, or None for an InputError; any other exception fails the test."""
    try:
        return decode(data, name="prop.txt")
    except InputError as err:
        assert err.path == "prop.txt" and "\n" not in err.message
        return None


def _unified(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _should_refuse(text: str) -> bool:
    controls = sum(
        ch == "\x0b" or "\x00" <= ch <= "\x08" or "\x0e" <= ch <= "\x1f" or "\x7f" <= ch <= "\x9f" for ch in text
    )
    return "\x00" in text or controls > 0.05 * len(text) or not text.replace("\ufeff", "").strip()


PROPS = settings(max_examples=200, deadline=None)
TEXTS = st.one_of(st.text(), st.lists(st.sampled_from(["省", "市", JI, "\r", "\n", "\r\n", " ", "a"])).map("".join))


@PROPS
@given(st.binary())
def test_any_bytes_give_text_or_input_error(data: bytes) -> None:
    got = _decode_or_refuse(data)
    if got is not None:
        assert "\r" not in got.text and got.size == len(data)


@PROPS
@given(TEXTS)
def test_utf8_round_trips(text: str) -> None:
    got = _decode_or_refuse(text.encode("utf-8"))
    expected = _unified(text.removeprefix("\ufeff"))
    if got is None:
        assert _should_refuse(expected)
    else:
        assert got.text == expected


@PROPS
@given(TEXTS, st.sampled_from(["gb18030", "gbk", "gb2312", "utf-16"]))
def test_other_encodings_give_text_or_input_error(text: str, encoding: str) -> None:
    got = _decode_or_refuse(text.encode(encoding, errors="replace"))
    if encoding == "utf-16":  # the BOM makes it unambiguous
        expected = _unified(text)
        assert got.text == expected if got is not None else _should_refuse(expected)
