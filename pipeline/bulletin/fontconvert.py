"""A TrueType-outline copy of a CFF-outline face, made once and kept: reportlab embeds only
TrueType outlines, and the heavy Song faces a title needs (Noto Serif CJK SC Bold, Debian's
fonts-noto-cjk) are CFF.

fontTools converts the cubic outlines to quadratic ones (cu2qu, within 1 unit of 1000) and writes
glyf/loca in place of the CFF table. The copy holds GB 2312 and the marks of the face
(`_keep_common`): ~36 s once per user, where the whole 65,535-glyph face takes ~110 s. It is kept
in the font cache (`fontcache.cache_dir() / "ttf"`), keyed by the source file's real path, size
and time, its face index, the fontTools version and the recipe (`MAX_ERROR`, `RECIPE`); it is made
under a lock (parallel workers wait for one conversion rather than each doing it) and written
whole (`files.write_atomic`). Its timestamps are the source's, so the same source gives the same
bytes (and the same PDF).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
from pathlib import Path

from . import installed_version
from .files import write_atomic
from .fontcache import cache_dir

#: how far a quadratic outline may stray from the cubic one, in font units (of 1000 per em)
MAX_ERROR = 1.0
#: what the copy holds (`_keep_common`): change it when that changes
RECIPE = "gb2312+marks"


def truetype_copy(path: str, index: int) -> Path:
    """The path of a TrueType-outline copy of face `index` of the CFF font at `path`, made on
    first use. Raises OSError (or fontTools' errors) when the font cannot be read or converted."""
    st = os.stat(path)
    recipe = f"{_fonttools_version()}|{MAX_ERROR}|{RECIPE}"  # a new recipe makes a new copy
    key = hashlib.sha1(f"{recipe}|{os.path.realpath(path)}|{index}|{st.st_size}|{st.st_mtime_ns}".encode(
        "utf-8", "replace")).hexdigest()[:20]
    out = cache_dir() / "ttf" / f"{Path(path).stem}-{index}-{key}.ttf"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.with_suffix(".lock")):
        if not out.exists():  # another process may have made it while this one waited
            write_atomic(out, _convert(path, index))
    return out


def _fonttools_version() -> str:
    """fontTools' version without importing it (~25 ms of a cold PDF, where a copy made before is
    only looked up)."""
    found = installed_version("fonttools")
    if found:
        return found
    import fontTools

    return fontTools.version


@contextlib.contextmanager
def _locked(lock: Path):
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _common() -> set[int]:
    """What titles and 发文机关标志 are written in: GB 2312 (its 6,763 hanzi and 682 marks and
    letters), ASCII, general punctuation, CJK marks and full-width forms. A rarer character is
    set in the role's next face (`FontSet.runs`)."""
    out = set(range(0x20, 0x7F)) | set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


def _keep_common(font) -> None:
    """Subset to `_common()`: converting the whole 65,535-glyph face (Hangul, kana, the rare
    ideographs) takes ~110 s, this part of it ~15 s."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(_common() & set(font.getBestCmap())))
    sub.subset(font)


def _convert(path: str, index: int) -> bytes:
    """fontTools' own recipe (Snippets/otf2ttf.py): quadratic glyphs, glyf/loca for CFF, maxp 1.0,
    post format 2 (3 when the names overflow it), the TrueType sfnt version."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    with TTFont(path, fontNumber=index, recalcTimestamp=False, lazy=False) as font:
        if "CFF " not in font:
            raise ValueError(f"{path}#{index} has no CFF outlines to convert")
        _keep_common(font)
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
            glyphs[name] = pen.glyph()
        font["loca"] = newTable("loca")
        font["glyf"] = glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = glyphs
        for table in ("CFF ", "VORG"):
            if table in font:
                del font[table]
        glyf.compile(font)
        hmtx = font["hmtx"]
        for name, glyph in glyf.glyphs.items():
            if hasattr(glyph, "xMin"):
                hmtx[name] = (hmtx[name][0], glyph.xMin)
        font["maxp"] = maxp = newTable("maxp")
        maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
        for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                      "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
            setattr(maxp, field, 1 if field == "maxZones" else 0)
        post = font["post"]
        post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
        try:
            post.compile(font)
        except OverflowError:
            post.formatType = 3.0
        font.sfntVersion = "\000\001\000\000"
        buf = io.BytesIO()
        font.save(buf, reorderTables=True)
        return buf.getvalue()
