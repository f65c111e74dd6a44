"""reportlab beyond its public API, in this one module: the module settings a render changes and
puts back, the fast text writer, and the private hooks `CJKParagraph` uses. Each private name is
listed here with why; `tests/test_rlinternals.py` fails when reportlab 5.1.0 (pinned) changes one.

## Settings for our documents only

reportlab reads these as module attributes, with no option per document, so a render sets them
and restores them (`our_documents()`, re-entrant and thread-safe: the first render in sets them,
the last one out puts back what was there). Outside a render, reportlab is stock.

- `rl_config.useA85 = 0`: binary (Flate only) streams, smaller and faster to write than ASCII85.
- `pdfdoc.PDFZCompress.encode`: every stream (pages, font subsets, ToUnicode maps) goes through
  this one filter object; zlib-ng deflates at zlib's level 6 in ~60 % of the time, to the same
  size (valid Flate, the same bytes on every run). The font subsets were a fifth of a render.
- `pdfdoc.pdfdocEnc`: writes every number and name of the file through a charmap codec run in
  Python; printable ASCII is the same bytes in PDFDocEncoding, encoded in C here.
- the cyclic garbage collector is off: a render allocates some 10^5 short-lived objects and leaves
  under a thousand in cycles; collecting during it costs ~10 % of the time and frees next to nothing.
- `ttfonts.TTFontFace` (`loading_faces`): `TTFont.__init__` builds its face from this module name,
  so a face class of ours (a cached, memory-mapped font parse) is put there while one font loads.

## The PDF's text, written fast: `TextPen`

A text object's `textOut`, `setTextOrigin` and `setCharSpace` without their per-call costs, for
the many short runs of a Chinese document. It writes the operators reportlab's own calls write (a
test compares them byte for byte), reading reportlab's private state to do so:

- `tx._code` (the text object's operator list), `tx._canvas`, `canvas._doc` (the PDF document
  the font subsets belong to), `tx._x0/_x/_y0/_y/_charSpace/_leading`: the text object's state,
  kept as reportlab keeps it so that its own calls can follow ours.
- `font._dynamicFont`: a TrueType font (subset codes) rather than a standard Type 1 one.
- `font.state[doc].assignments` (a TrueType font's code for each character in this document's
  subsets) and `getSubsetInternalName`: to encode a string in two `str.translate` calls instead
  of reportlab's loop per character; a character with no code yet goes through `splitString`,
  which assigns one.
- `rl_accel._py_funcs`: whether `escapePDF` is the C accelerator's or the Python fallback (then a
  translate table does its work); `Canvas._escape`: whether a canvas escapes as the stock one.

## The font face (`read_ttfont`)

reportlab's `TTFontFace` with its parse kept in a per-user cache (`fontcache`), the file mapped
instead of read, and the `glyf` and `name` tables sliced rather than copied; it sets the face's
private `_ttf_data`, `_pos` and `_pdfScale` as `TTFontFace.readFile`/`extractInfo` would.

## Paragraph hooks (`ParagraphHooks`, the base of `linebreak.CJKParagraph`)

- `Paragraph._get_split_blParaFunc`: the function that cuts a paragraph's broken lines when it is
  split across pages; ours cuts our own lines.
- `_handleBulletWidth(bulletText, style, maxWidths)`: how reportlab narrows the first line for a
  marker that is not a plain string.
- `_JustifyLast` (a split part justifies its last line, which is not the paragraph's last) and
  `_splitpara` (a part made by reportlab's own split, whose lines are set): attributes reportlab's
  split sets on the parts and its drawing reads.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import mmap
import os
import pickle
import re
import threading
import weakref
import zlib
from collections.abc import Iterator
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.lib import rl_accel
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.paragraph import Paragraph, _handleBulletWidth

from ..errors import OutputError
from ..files import write_atomic
from ..fontcache import Window, cache_dir, essential_names, pack_info, unpack_info
from ..patterns import lazy

try:
    from zlib_ng import zlib_ng
except ImportError:  # pragma: no cover - a platform without its wheel: the standard zlib
    zlib_ng = None

_deflate = (zlib_ng or zlib).compress
_stock_pdfdoc_enc = pdfdoc.pdfdocEnc


def _flate(data: bytes | str) -> bytes:
    return _deflate(data.encode("utf8") if isinstance(data, str) else data, 6)


def _pdfdoc(x):
    if isinstance(x, str) and x.isascii() and x.isprintable():
        return x.encode("ascii")
    return _stock_pdfdoc_enc(x)


_lock = threading.RLock()
_depth = 0
_saved: dict = {}


@contextlib.contextmanager
def our_documents() -> Iterator[None]:
    """reportlab set up as the module's doc says, for the renders inside this block."""
    global _depth
    with _lock:
        if _depth == 0:
            _saved.update(useA85=rl_config.useA85, encode=pdfdoc.PDFZCompress.__dict__.get("encode"),
                          pdfdocEnc=pdfdoc.pdfdocEnc, gc=gc.isenabled())
            rl_config.useA85 = 0
            pdfdoc.PDFZCompress.encode = _flate  # the instance's attribute, over its class's method
            pdfdoc.pdfdocEnc = _pdfdoc
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                rl_config.useA85 = _saved["useA85"]
                if _saved["encode"] is None:
                    del pdfdoc.PDFZCompress.encode
                else:
                    pdfdoc.PDFZCompress.encode = _saved["encode"]
                pdfdoc.pdfdocEnc = _saved["pdfdocEnc"]
                if _saved["gc"]:
                    gc.enable()


@contextlib.contextmanager
def loading_faces(face_class) -> Iterator[None]:
    """`ttfonts.TTFontFace` is `face_class` while the block loads a font (one font at a time)."""
    with _lock:
        stock = ttfonts.TTFontFace
        ttfonts.TTFontFace = face_class
        try:
            yield
        finally:
            ttfonts.TTFontFace = stock


# --- the text writer ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _fp(v: float) -> str:
    """reportlab's `fp_str` of one number, remembered: a document repeats its positions."""
    return fp_str(v)


def _escaper():
    """reportlab's `escapePDF` (bytes → str): the C accelerator's when installed, else the same
    mapping as one `str.translate` over latin-1 rather than a Python loop per byte."""
    if "escapePDF" not in rl_accel._py_funcs:
        return rl_accel.escapePDF
    table = {c: rl_accel.escapePDF(bytes([c])) for c in range(256)}
    return lambda raw: raw.decode("latin-1").translate(table)


_escape = _escaper()
_ESCAPED_BYTE = [_escape(bytes([c])) for c in range(256)]
_canvas_escape = Canvas._escape
_SAME_RUN = lazy(r"(.)\1*", re.S)


class _Unassigned(Exception):
    """A character has no code in the font's subsets yet (reportlab's splitString assigns it)."""


class _CodeTable(dict):
    """ord → str for `str.translate`, filled from the font's code assignments on first use."""

    def __init__(self, codes: _Codes):
        super().__init__()
        self.codes = codes

    def __missing__(self, o: int) -> str:
        self.codes.fill(o)
        return self[o]


class _Codes:
    """One font's subset codes in one PDF document, as two `str.translate` tables: a character →
    chr(its subset) and → its code byte, escaped for a PDF string (reportlab's splitString
    and escapePDF in two C-speed calls). A character without a code raises `_Unassigned`."""

    def __init__(self, rl, doc):
        # a weak reference: `_CODES` is keyed weakly by the document, and a value holding the
        # document strongly would keep every rendered document (and its font subsets) alive
        self.rl, self.doc, self.assignments = rl, weakref.ref(doc), None
        self.subset, self.byte = _CodeTable(self), _CodeTable(self)
        self.selects: dict[tuple[str, int], str] = {}  # (`Tf … TL`, subset) → the selecting operators

    def fill(self, o: int) -> None:
        if self.assignments is None:
            state = self.rl.state.get(self.doc())
            if state is None:
                raise _Unassigned
            self.assignments = state.assignments
        n = self.assignments.get(o)
        if n is None or o == 0xA0:  # reportlab sets a no-break space as the space
            raise _Unassigned
        self.subset[o] = chr(n >> 8)
        self.byte[o] = _ESCAPED_BYTE[n & 0xFF]


#: per PDF document: font name → its `_Codes`
_CODES: WeakKeyDictionary = WeakKeyDictionary()


class TextPen:
    """A text object's `textOut`, `setTextOrigin` and `setCharSpace` without their per-call
    costs: the same PDF operators, but no width measuring, the font's `Tf … TL` formatted once
    per font, numbers formatted once per value, and a string whose characters all have their
    subset codes already is encoded by `_Codes` instead of reportlab's per-character loops.
    `font()` is `setFont` (nothing is written for a TrueType font until text is shown in it)."""

    def __init__(self, tx):
        canvas = tx._canvas
        self.tx, self.code = tx, tx._code
        self.doc = canvas._doc
        # the lean path writes what a stock canvas writes: bottom-up, reportlab's escaping
        self.fast = bool(canvas.bottomup) and type(canvas)._escape is _canvas_escape
        self.escape = _escape if self.fast else canvas._escape
        self.key = self.rl = self.tmpl = self.codes = self.color = None
        self.subset = -1
        self.cs = 0.0  # the character spacing (Tc) in force
        self.fonts = _CODES.get(self.doc)
        if self.fonts is None:
            self.fonts = _CODES[self.doc] = {}

    def flush(self) -> None:
        """Put the text object on the page and go on in a new one: what draws next comes after
        it in the page's content (which is its reading order)."""
        canvas = self.tx._canvas
        canvas.drawText(self.tx)
        self.__init__(canvas.beginText())

    def origin(self, x: float, y: float) -> None:
        if not self.fast:
            return self.tx.setTextOrigin(x, y)
        tx = self.tx
        self.code.append(f"1 0 0 1 {_fp(x)} {_fp(y)} Tm")
        tx._x0 = tx._x = x
        tx._y0 = tx._y = y

    def char_space(self, cs: float) -> None:
        self.cs = cs
        if not self.fast:
            return self.tx.setCharSpace(cs)
        self.tx._charSpace = cs
        self.code.append(f"{_fp(cs)} Tc")

    def font(self, name: str, size: float) -> None:
        if (name, size) == self.key:
            return
        self.key = (name, size)
        self.tx.setFont(name, size)
        self.rl = getFont(name)
        self.subset = -1
        self.tmpl = f"{_fp(size)} Tf {_fp(self.tx._leading)} TL" if self.rl._dynamicFont else None
        self.codes = self.fonts.get(name)
        if self.codes is None:
            self.codes = self.fonts[name] = _Codes(self.rl, self.doc)

    def kern(self, thousandths: int) -> None:
        """Move the text position back by `thousandths` of the font size (a `[n] TJ`, which shows
        nothing): a squeezed mark's blank half."""
        self.code.append(f"[{thousandths}] TJ")

    def _select(self, subset: int) -> str:
        """The operators that select a subset of the current font (the PDF font name is given
        on first use, so the first call is reportlab's)."""
        key = (self.tmpl, subset)
        out = self.codes.selects.get(key)
        if out is None:
            out = self.codes.selects[key] = f"{self.rl.getSubsetInternalName(subset, self.doc)} {self.tmpl}"
        return out

    def __call__(self, text: str) -> None:
        if self.tmpl is None:  # a standard Type 1 font: reportlab's own path
            self.tx.textOut(text)
            return
        if self.fast and text:
            codes = self.codes
            try:
                subsets = text.translate(codes.subset)
            except _Unassigned:  # a character shown for the first time: reportlab assigns it
                pass
            else:
                if subsets.count(subsets[0]) == len(subsets):
                    subset, esc = ord(subsets[0]), text.translate(codes.byte)
                    if subset != self.subset:
                        self.subset = subset
                        self.code.append(f"{self._select(subset)} ({esc}) Tj")
                    else:
                        self.code.append(f"({esc}) Tj")
                    return
                parts = []
                for m in _SAME_RUN.finditer(subsets):
                    a, b = m.span()
                    subset, esc = ord(subsets[a]), text[a:b].translate(codes.byte)
                    if subset != self.subset:
                        self.subset = subset
                        parts.append(f"{self._select(subset)} ({esc}) Tj")
                    else:
                        parts.append(f"({esc}) Tj")
                self.code.append(" ".join(parts))
                return
        rl, doc, escape = self.rl, self.doc, self.escape
        parts = []
        for subset, t in rl.splitString(text, doc):
            if subset != self.subset:
                parts.append(self._select(subset))
                self.subset = subset
            parts.append(f"({escape(t)}) Tj")
        self.code.append(" ".join(parts))


def text_pen(canvas) -> TextPen:
    """A new text object of `canvas`, to draw many paragraphs into with `CJKParagraph.draw_at`
    (one text object, its font and colour set once): `canvas.drawText(pen.tx)` puts it on the page."""
    return TextPen(canvas.beginText())


# --- paragraph hooks ------------------------------------------------------------------------------

JUSTIFY_LAST = "_JustifyLast"  # set on a split part whose last line is justified
SPLIT_PART = "_splitpara"  # set on a part made by reportlab's own split: its lines are set
handle_bullet_width = _handleBulletWidth


class ParagraphHooks(Paragraph):
    """reportlab's Paragraph with its private split hook under a name of ours: a subclass's
    `split_lines_function()` returns the function that cuts its broken lines, or None for reportlab's."""

    def split_lines_function(self):
        return None

    def _get_split_blParaFunc(self):  # noqa: N802 - reportlab's name
        return self.split_lines_function() or super()._get_split_blParaFunc()


# --- the font face -----------------------------------------------------------------------------


def read_ttfont(name: str, path: str, index: int):
    """reportlab's TTFont, with the parsed metrics (cmap, widths, glyph offsets) kept in a per-user
    cache: parsing a CJK font takes 0.1–0.2 s, reading the cache a few ms. The cache is keyed by
    the file's real path, size and time and by the reportlab version; any problem with it means a
    normal parse."""
    st = os.stat(path)
    real = os.path.realpath(path)  # a font reached through a symlinked folder shares its cache
    key = hashlib.sha1(f"{reportlab.Version}|{real}|{index}|{st.st_size}|{st.st_mtime_ns}".encode(
        "utf-8", "replace")).hexdigest()
    cache = cache_dir() / f"{key}.pickle"

    class CachedFace(ttfonts.TTFontFace):
        @property
        def glyphToChar(self):  # noqa: N802 - reportlab's name; unused when drawing and subsetting
            if "_g2c" not in self.__dict__:
                g2c: dict[int, list[int]] = {}
                for char, glyph in self.charToGlyph.items():
                    g2c.setdefault(glyph, []).append(char)
                self.__dict__["_g2c"] = g2c
            return self.__dict__["_g2c"]

        @glyphToChar.setter
        def glyphToChar(self, value):  # noqa: N802
            self.__dict__["_g2c"] = value

        def readFile(self, f):  # noqa: N802 - reportlab's name
            # map the file instead of reading it: a 20 MB .ttc costs memory only for the pages
            # that subsetting touches, and worker processes share them
            if not hasattr(self, "_ttf_data"):
                with open(f, "rb") as fh:
                    self._ttf_data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                self.filename = f
            self._pos = 0

        def get_table(self, tag):
            if tag == "glyf":  # subsetting slices out a few glyphs: no copy of the whole table
                pos, length = self.get_table_pos(tag)
                return Window(self._ttf_data, pos, length)
            if tag == "name":  # read only by subsetting, which copies it into every subset
                if "_names" not in self.__dict__:
                    self.__dict__["_names"] = essential_names(super().get_table(tag))
                return self.__dict__["_names"]
            return super().get_table(tag)

        def extractInfo(self, charInfo=1):  # noqa: N802,N803 - reportlab's names
            try:
                self.__dict__.update(unpack_info(pickle.loads(cache.read_bytes())))
                k = 1000 / self.unitsPerEm  # reportlab's own scale, a lambda it cannot pickle
                self._pdfScale = (lambda x: x) if self.unitsPerEm == 1000 else (lambda x: x * k)
                return
            except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
                pass
            super().extractInfo(charInfo)
            skip = ("_ttf_data", "_pos", "filename", "_pdfScale", "_g2c")
            info = {k: v for k, v in vars(self).items() if k not in skip}
            try:
                write_atomic(cache, pickle.dumps(pack_info(info), protocol=pickle.HIGHEST_PROTOCOL))
            except (OutputError, pickle.PickleError, TypeError, AttributeError):
                pass  # no cache: the next process parses again

    with loading_faces(CachedFace):  # TTFont.__init__ builds its face from ttfonts.TTFontFace
        return ttfonts.TTFont(name, path, subfontIndex=index)
