"""One table of test vectors shared by the library tests and the CLI tests."""

from __future__ import annotations

import random

GOOD = {
    "utf8": (
        "省市场监管局年度重点工作四季度完成情况\n来源:省市场监管局 发布日期:2021-02-07\n\n"
        "序号\n\n项目名称\n\n进展\n\n1\n\n全力做好疫情防控\n\n1.召开视频会。\n"
    ).encode(),
}
# name → (bytes, words the one-line error must contain)
BAD = {
    "empty": (b"", "empty"),
    "whitespace": (b" \n\r\n\t ", "empty"),
    "binary": (b"PK\x03\x04\x00\x00\x08\x00" + bytes(range(256)), "not text"),
    "random": (random.Random(0).randbytes(4096), "not"),
    "soup": (bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 50 + "序号".encode(), "control"),
}
OVERSIZED = ("省" * 2000).encode()  # refused with --max-bytes 1000
