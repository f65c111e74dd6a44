"""The PDF's text, written fast: `TextPen`, a text object's `textOut`, `setTextOrigin` and
`setCharSpace` without their per-call costs, for the many short runs of a Chinese document.

It writes the operators reportlab's own calls write (a test compares them byte for byte), and it
reads reportlab's private state to do so: each use is named here with why.

- `tx._code` (the text object's operator list), `tx._canvas`, `canvas._doc` (the PDF document
  the font subsets belong to), `tx._x0/_x/_y0/_y/_charSpace/_leading`: the text object's state,
  kept as reportlab keeps it so that its own calls can follow ours.
- `font.state[doc].assignments` (a TrueType font's code for each character in this document's
  subsets) and `getSubsetInternalName`: to encode a string in two `str.translate` calls instead
  of reportlab's loop per character; a character with no code yet goes through `splitString`,
  which assigns one.
- `rl_accel._py_funcs`: whether `escapePDF` is the C accelerator's or the Python fallback (then a
  translate table does its work); `Canvas._escape`: whether a canvas escapes as the stock one.
"""

from __future__ import annotations

import re
import weakref
from weakref import WeakKeyDictionary

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

_FP: dict[float, str] = {}


def _fp(v: float) -> str:
    """reportlab's `fp_str` of one number, remembered: a document repeats its positions."""
    out = _FP.get(v)
    if out is None:
        if len(_FP) > 8192:
            _FP.clear()
        out = _FP[v] = fp_str(v)
    return out


def _escaper():
    """reportlab's `escapePDF` (bytes → str): the C accelerator's when installed, else the same
    mapping as one `str.translate` over latin-1 rather than a Python loop per byte."""
    from reportlab.lib import rl_accel

    if "escapePDF" not in rl_accel._py_funcs:
        return rl_accel.escapePDF
    table = {c: rl_accel.escapePDF(bytes([c])) for c in range(256)}
    return lambda raw: raw.decode("latin-1").translate(table)


_escape = _escaper()
_ESCAPED_BYTE = [_escape(bytes([c])) for c in range(256)]
_canvas_escape = Canvas._escape
_SAME_RUN = re.compile(r"(.)\1*", re.S)


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
