"""Messages in Chinese when the locale asks for it, English otherwise (issue: a tool that fits where
its users live); codes, severities and the JSON's keys are the same in both. The catalogue is a
Babel one: every marked message has its translation, and the compiled .mo is the .po's."""

from __future__ import annotations

import gettext
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bulletin.i18n import DOMAIN, LOCALE_DIR

PO = Path(LOCALE_DIR) / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
PACKAGE = Path(LOCALE_DIR).parent


def bulletin(*args: str, lang: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang
    return subprocess.run([sys.executable, "-m", "bulletin", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def untitled(tmp_path) -> Path:
    p = tmp_path / "x.txt"
    p.write_text("各单位：\n现将有关事项通知如下。\n", encoding="utf-8")
    return p


def test_chinese_messages_with_the_same_codes(untitled, tmp_path):
    zh = bulletin("check", str(untitled), lang="zh_CN.UTF-8")
    en = bulletin("check", str(untitled), lang="C.UTF-8")
    assert f"{untitled}: error: missing-title: 正文之前未找到标题" in zh.stdout
    assert f"{untitled}: error: missing-title: no title found before the body" in en.stdout
    codes = [line.split(": ")[1:3] for line in zh.stdout.splitlines()]
    assert codes == [line.split(": ")[1:3] for line in en.stdout.splitlines()]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = bulletin("convert", str(empty), "-o", str(tmp_path / "out"), lang="zh_CN.UTF-8")
    assert r.returncode == 1 and "是空文件（0 字节）" in r.stderr and "已转换 0 个，跳过 0 个，失败 1 个" in r.stderr


def test_every_marked_message_is_translated():
    marked = {m[2] if isinstance(m[2], str) else m[2][0]
              for m in extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")],
                                        keywords={"_": None, "ngettext": (1, 2)})}
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}
    assert marked <= set(translated), sorted(marked - set(translated))
    assert all(translated[m] for m in marked), [m for m in marked if not translated[m]]


def test_the_mo_is_the_po_compiled():
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    with open(MO, "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for m in catalog:
        if m.id and isinstance(m.id, str):
            assert mo.gettext(m.id) == m.string, m.id


def test_templates_keep_their_fields_in_chinese():
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    import string

    for m in catalog:
        if m.id and isinstance(m.id, str):
            fields = {f for _, f, _, _ in string.Formatter().parse(m.id) if f}
            assert fields == {f for _, f, _, _ in string.Formatter().parse(m.string) if f}, m.id
