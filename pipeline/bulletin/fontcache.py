"""The per-user cache of parsed TrueType metrics, stored compactly, and the slices of a mapped
font file that subsetting reads: plain data, no reportlab (`render.rlinternals.read_ttfont`,
reportlab's face with these, uses them).
"""

from __future__ import annotations

import os
import struct
from array import array
from pathlib import Path


def cache_dir(kind: str = "fonts") -> Path:
    """The per-user cache folder of one kind of derived file (fonts, .docx templates)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bulletin" / kind


def pack_info(info: dict) -> dict:
    """The big tables as flat arrays: unpickling 40 000 small objects costs more than parsing."""
    out = {k: v for k, v in info.items() if k != "glyphToChar"}
    c2g, widths = info["charToGlyph"], info["charWidths"]
    out["charToGlyph"] = (array("I", c2g), array("I", c2g.values()))
    out["charWidths"] = (array("I", widths), array("d", widths.values()))
    out["hmetrics"] = array("d", [v for pair in info["hmetrics"] for v in pair])
    out["glyphPos"] = array("q", info["glyphPos"])
    out.pop("_g2c", None)  # glyphToChar: rebuilt from charToGlyph if ever read
    return out


def unpack_info(out: dict) -> dict:
    keys, values = out["charToGlyph"]
    out["charToGlyph"] = dict(zip(keys, values, strict=True))
    keys, values = out["charWidths"]
    out["charWidths"] = dict(zip(keys, values, strict=True))
    out["hmetrics"] = _Pairs(out["hmetrics"])  # glyphPos stays an array: indexing is all it gets
    return out


class _Pairs:
    """A face's `hmetrics` — (advance, left side bearing) per glyph — read from the flat array
    as subsetting asks for them, instead of 30 000–45 000 tuples built at every font load."""

    __slots__ = ("flat",)

    def __init__(self, flat):
        self.flat = flat

    def __len__(self) -> int:
        return len(self.flat) // 2

    def __getitem__(self, i: int) -> tuple[float, float]:
        if i < 0:
            i += len(self)
        return self.flat[2 * i], self.flat[2 * i + 1]


class Window:
    """A table of a mapped font file, sliced without copying the rest: `window[a:b]` is bytes.
    (reportlab's `get_table` copies the whole table; a CJK `glyf` is 10–17 MB and subsetting
    asks for it once per 256-character subset.)"""

    def __init__(self, data, pos: int, length: int):
        self.data, self.pos, self.length = data, pos, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.length)
            if step == 1:
                return self.data[self.pos + start:self.pos + max(start, stop)]
            return bytes(self.data[self.pos:self.pos + self.length])[key]
        return self.data[self.pos + range(self.length)[key]]


def essential_names(table: bytes) -> bytes:
    """Return a TrueType `name` table with only names 0–6 (copyright, family, style, unique
    name, full name, version, PostScript name), as fontTools' subsetter keeps by default.

    reportlab copies the font's whole name table into every embedded subset: for AR PL UMing that
    is 22 KB of license texts in several languages, a sixth of each subset. A table this does not
    understand (not format 0, cut short) is returned as it is."""
    try:
        fmt, count, offset = struct.unpack_from(">HHH", table)
        records = [struct.unpack_from(">6H", table, 6 + 12 * i) for i in range(count)]
    except struct.error:
        return table
    keep = [r for r in records if r[3] <= 6]
    if fmt != 0 or not keep or len(keep) == count:
        return table
    strings, at, out = bytearray(), {}, []
    for platform, encoding, language, name_id, length, start in keep:  # the order stays sorted
        text = bytes(table[offset + start:offset + start + length])
        if text not in at:
            at[text] = len(strings)
            strings += text
        out.append(struct.pack(">6H", platform, encoding, language, name_id, len(text), at[text]))
    return struct.pack(">HHH", 0, len(keep), 6 + 12 * len(keep)) + b"".join(out) + bytes(strings)
