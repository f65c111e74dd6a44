"""Chinese line breaking (GB/T 15834, W3C clreq) on top of reportlab's `wordWrap='CJK'`.

reportlab's own CJK splitter lets `，；：？！》”` start a line, lets `（《“` end one and hangs
`。、）` past the right edge. `CJKParagraph` replaces only its line splitter:

- no closing mark at a line start, no opening mark at a line end;
- `——` and `……` never split; ASCII words and numbers stay whole, a number keeps its unit;
- a line never runs past its width: characters are pushed to the next line instead.

When no break point fits (a word or a number with its unit wider than the whole line), the word is
cut (still obeying the punctuation rules), and failing that the line is cut where it overflows.
The splitter works on reportlab's per-glyph internals, so the reportlab version is pinned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import reportlab
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines, _handleBulletWidth
from reportlab.rl_config import _FUZZ

from ..errors import RenderError

REPORTLAB_VERSION = "5.1.0"
if reportlab.Version != REPORTLAB_VERSION:  # pragma: no cover - depends on the environment
    raise RenderError(
        f"pipeline.render.linebreak needs reportlab {REPORTLAB_VERSION} (it extends its CJK line "
        f"splitter), found {reportlab.Version}: run `pip install reportlab=={REPORTLAB_VERSION}`"
    )

#: Marks that never start a line (closing brackets and quotes, stops, the ellipsis, units).
CLOSERS = frozenset("，。、；：？！）》〉”’」』】〕〗］｝…‥·•％‰℃°!),.:;?]}%")
#: Marks that never end a line (opening brackets and quotes, currency and number signs).
OPENERS = frozenset("“‘（《〈「『【〔〖［｛([{$￥¥＄#＃§")
#: Marks written doubled (`——`, `……`) whose halves never split.
DOUBLED = frozenset("—…⸺")
#: Characters that, right after a number, are its unit and stay on its line (`30482人次`).
UNITS = frozenset("万亿千百十元角分人次家件个项条场户批名台处所起例份天年月日时号岁倍吨米克升度里亩余多%％‰")
MAX_UNIT = 3
#: Justified lines spread their slack over the gaps between characters, up to this many em each;
#: a line needing more (an early break before a long word) is left ragged instead.
MAX_JUSTIFY_EM = 0.35


_WORD = frozenset(chr(c) for c in range(0x21, 0x7F))
_DIGITS = frozenset("0123456789")
_WORD_RUN = re.compile(r"[\x21-\x7e]{2,}")  # two or more ASCII word characters


def _is_word(ch: str) -> bool:
    """ASCII letters, digits and the marks inside numbers: a run of them is never split."""
    return ch in _WORD


def break_points(text: Sequence[str], glue: bool = True) -> list[bool]:
    """Return `ok` with `ok[k]` true when a line may start at `text[k]` (k = 0 … len).

    With `glue=False` only the punctuation rules apply: words and numbers may be cut (the
    fallback when a word or number with its unit is wider than the line).
    """
    n = len(text)
    ok = [True] * (n + 1)
    unit_left = 0
    for k in range(1, n):
        a, b = text[k - 1], text[k]
        if a in _DIGITS:
            unit_left = MAX_UNIT
        in_unit = bool(unit_left) and b in UNITS
        if b in CLOSERS or a in OPENERS or (a == b and a in DOUBLED):
            ok[k] = False
        elif glue and ((a in _WORD and b in _WORD) or in_unit):
            ok[k] = False
        if in_unit:
            unit_left -= 1
        elif b not in _WORD:
            unit_left = 0
    return ok


def split_lines(
    text: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    hard: Sequence[bool] = (),
    points: tuple[list[bool], list[bool]] | None = None,
) -> list[tuple[int, int]]:
    """Return `(start, end)` index pairs of the lines `text` falls into.

    `widths[i]` is the width of `text[i]`; line n is at most `max_widths[n]` wide (the last width
    repeats). `hard[i]` marks a forced break after `text[i]` (reportlab's `<br/>`). `points` are
    `break_points(text)` and `break_points(text, glue=False)` when already known.
    """
    ok, loose = points or (break_points(text), break_points(text, glue=False))
    n = len(text)
    lines: list[tuple[int, int]] = []
    start = i = 0
    used = 0.0
    while i < n:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used += widths[i]
        if hard and hard[i]:
            lines.append((start, i + 1))
            start, used = i + 1, 0.0
        elif used > limit + _FUZZ and i > start:
            if text[i].isspace():  # a space at the edge is dropped there, not carried over
                end = i + 1
            else:
                end = next((k for k in range(i, start, -1) if ok[k]), 0) or next(
                    (k for k in range(i, start, -1) if loose[k]), i)
            lines.append((start, end))
            start, used = end, 0.0
            i = end
            continue
        i += 1
    if start < n:
        lines.append((start, n))
    return lines


class _Measured:
    """A paragraph's characters measured once: width, owning frag, forced breaks, break points."""

    def __init__(self, frags, encoding="utf8", tracking: float = 0.0):
        self.frags = frags
        self.tracking = tracking
        chars: list[str] = []
        widths: list[float] = []
        owner: list[int] = []
        hard: list[bool] = []
        for fi, f in enumerate(frags):
            text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
            if hasattr(f, "lineBreak") or not text:
                chars.append("")
                widths.append(0.0)
                owner.append(fi)
                hard.append(hasattr(f, "lineBreak"))
                continue
            font = getFont(f.fontName)
            face = getattr(font, "face", None)
            if face is not None and hasattr(face, "charWidths"):
                get, dw, k = face.charWidths.get, face.defaultWidth, 0.001 * f.fontSize
                widths.extend(k * get(ord(c), dw) + tracking for c in text)
            else:
                widths.extend(stringWidth(c, f.fontName, f.fontSize) + tracking for c in text)
            chars.extend(text)
            owner.extend([fi] * len(text))
            hard.extend([False] * len(text))
        self.chars, self.widths, self.owner, self.hard = chars, widths, owner, hard
        # plain text runs (no links, underlines, rises, backgrounds) can use the lean drawing
        self.plain = all(not (getattr(f, "link", None) or getattr(f, "us_lines", None) or
                              getattr(f, "rise", 0) or getattr(f, "backColor", None)) for f in frags)
        self.points = (break_points(chars), break_points(chars, glue=False))

    def line(self, start: int, end: int, max_width: float) -> FragLine:
        words, bounds = [], []
        i = start
        while i < end:
            fi, j = self.owner[i], i + 1
            while j < end and self.owner[j] == fi:
                j += 1
            f = self.frags[fi]
            w = f.clone()
            w.text = "".join(self.chars[i:j])
            words.append(w)
            bounds.append((f.fontSize, *getAscentDescent(f.fontName, f.fontSize)))
            i = j
        used = sum(self.widths[start:end])
        hard = self.hard[end - 1]
        line = FragLine(kind=1, extraSpace=max_width - used, wordCount=1, words=words,
                        fontSize=max(b[0] for b in bounds), ascent=max(b[1] for b in bounds),
                        descent=min(b[2] for b in bounds), maxWidth=max_width, currentWidth=used,
                        lineBreak=hard)
        chars = self.chars
        last = end - (chars[end - 1].isspace() or hard)
        gaps = sum(1 for k in range(start + 1, last) if not (chars[k - 1] in _WORD and chars[k] in _WORD))
        if gaps > 0 and not hard:
            space = (max_width - used) / gaps
            if 0 < space <= MAX_JUSTIFY_EM * line.fontSize:
                line.cjkCharSpace = space
        return line

    def lines(self, max_widths: Sequence[float], break_widths: Sequence[float] | None = None) -> ParaLines:
        spans = split_lines(self.chars, self.widths, break_widths or max_widths, self.hard, self.points)
        last = len(max_widths) - 1
        return ParaLines(kind=1, lines=[self.line(a, b, max_widths[min(n, last)])
                                        for n, (a, b) in enumerate(spans)])

    def balanced(self, max_widths: Sequence[float]) -> ParaLines:
        """Lines as even as possible: the narrowest width giving no more lines than the full one."""
        count = len(split_lines(self.chars, self.widths, max_widths, self.hard, self.points))
        if count < 2 or any(self.hard):
            return self.lines(max_widths)
        lo, hi = sum(self.widths) / count, max(max_widths)
        while hi - lo > 0.5:  # half a point is as even as print can show
            mid = (lo + hi) / 2
            narrow = [min(w, mid) for w in max_widths]
            if len(split_lines(self.chars, self.widths, narrow, self.hard, self.points)) > count:
                lo = mid
            else:
                hi = mid
        return self.lines(max_widths, [min(w, hi) for w in max_widths])


def cjk_frag_split(frags, max_widths, calc_bounds=False, encoding="utf8") -> ParaLines:
    """reportlab's `cjkFragSplit` with the rules above: frags → ParaLines(kind=1)."""
    return _Measured(frags, encoding).lines(max_widths)


def _split_cjk_lines(bl_para, start, stop):
    """The frags of lines start…stop, without the space stock reportlab appends to each line."""
    return [w for line in bl_para.lines[start:stop] for w in line.words]


class CJKParagraph(Paragraph):
    """A `Paragraph` (use `wordWrap='CJK'` in its style) that breaks lines by the rules above.

    With `balance=True` the lines are made as even as possible (for centred names and headers).
    A style attribute `tracking` (pt) adds that much space after every character (negative to
    fit a character grid, as Word's run spacing).
    The measured characters and each width's lines are kept: tables wrap a cell many times.
    """

    def __init__(self, text, style=None, *args, balance: bool = False, **kw):
        super().__init__(text, style, *args, **kw)
        self.balance = balance

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        # a paragraph's height depends only on the width; tables ask again and again
        if getattr(self, "_wrapped_at", None) == availWidth and hasattr(self, "blPara"):
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size

    def breakLinesCJK(self, maxWidths):  # noqa: N802 - reportlab's name
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        self.height = 0
        if isinstance(self.bulletText, str) and self.bulletText:
            # a marker wider than the hanging indent pushes the first line (reportlab adds 0.6 em)
            style = self.style
            over = self._bullet_end() - (style.leftIndent + style.firstLineIndent)
            if over > 0:
                maxWidths = [maxWidths[0] - over, *maxWidths[1:]]
        elif self.bulletText:
            _handleBulletWidth(self.bulletText, self.style, maxWidths)
        if getattr(self, "_splitpara", 0) and hasattr(self, "blPara"):
            return self.blPara
        frags = self.frags
        if not frags:
            style = self.style
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                             textColor=style.textColor, lines=[], ascent=style.fontSize,
                             descent=-0.2 * style.fontSize)
        if any(hasattr(f, "cbDefn") for f in frags):  # images, anchors: reportlab's own splitter
            return super().breakLinesCJK(maxWidths)
        cache = self.__dict__.setdefault("_cjk_cache", {})
        key = tuple(maxWidths)
        if key not in cache:
            measured = cache.get("measured") or cache.setdefault(
                "measured", _Measured(frags, tracking=getattr(self.style, "tracking", 0.0)))
            balance = getattr(self, "balance", False)
            cache[key] = measured.balanced(maxWidths) if balance else measured.lines(maxWidths)
        return cache[key]

    def _get_split_blParaFunc(self):  # noqa: N802 - reportlab's name
        if self.blPara.kind == 1:
            return _split_cjk_lines
        return super()._get_split_blParaFunc()

    def draw(self):
        """Draw plain CJK lines straight into one text object (reportlab's general drawPara
        handles links, underlines and images line by line, at several times the cost)."""
        bl, style = getattr(self, "blPara", None), self.style
        measured = self.__dict__.get("_cjk_cache", {}).get("measured")
        if (bl is None or bl.kind != 1 or not bl.lines or measured is None or not measured.plain
                or style.backColor or style.borderWidth or style.endDots):
            return super().draw()
        canvas, lines, leading = self.canv, bl.lines, style.leading
        offsets = getattr(self, "_offsets", None) or [0]
        y = self.height - lines[0].fontSize
        first = style.firstLineIndent + offsets[0]
        tx = canvas.beginText()  # drawOn saved the graphics state: colours set here end with it
        show = _Shower(tx)
        color = None
        if self.bulletText:  # the marker at bulletIndent, the text where the indent says
            tx.setTextOrigin(style.bulletIndent, y)
            show.font(style.bulletFontName, style.bulletFontSize)
            show(self.bulletText)
            first = max(first, self._bullet_end() - style.leftIndent)
        align, last = style.alignment, len(lines) - 1
        justify_last = getattr(self, "_JustifyLast", False)
        tracking = measured.tracking
        char_space = 0.0
        for i, line in enumerate(lines):
            x = style.leftIndent + (first if i == 0 else offsets[min(i, len(offsets) - 1)])
            space = 0.0
            if align == TA_CENTER:
                x += line.extraSpace / 2
            elif align == TA_RIGHT:
                x += line.extraSpace
            elif align == TA_JUSTIFY and (i < last or justify_last):
                space = getattr(line, "cjkCharSpace", 0.0)
            tx.setTextOrigin(x, y - i * leading)
            for w in line.words:
                show.font(w.fontName, w.fontSize)
                if w.textColor != color:
                    color = w.textColor
                    tx.setFillColor(color)
                for piece, cs in _spacing_pieces(w.text, space) if space else ((w.text, 0.0),):
                    cs += tracking
                    if cs != char_space:
                        char_space = cs
                        tx.setCharSpace(cs)
                    show(piece)
        canvas.drawText(tx)

    def _bullet_end(self) -> float:
        style = self.style
        return style.bulletIndent + stringWidth(self.bulletText, style.bulletFontName, style.bulletFontSize)


class _Shower:
    """`textOut` for a text object without its per-call costs: the same PDF operators (subset
    font selection, `(…) Tj`), but no width measuring and the font's `Tf … TL` formatted once
    per font rather than per string. `font()` is `setFont` (nothing is written for a TrueType
    font until text is shown in it)."""

    def __init__(self, tx):
        self.tx, self.code = tx, tx._code
        self.doc, self.escape = tx._canvas._doc, tx._canvas._escape
        self.key = self.rl = self.tmpl = None
        self.subset = -1

    def font(self, name: str, size: float) -> None:
        if (name, size) == self.key:
            return
        self.key = (name, size)
        self.tx.setFont(name, size)
        self.rl = getFont(name)
        self.subset = -1
        self.tmpl = f"{fp_str(size)} Tf {fp_str(self.tx._leading)} TL" if self.rl._dynamicFont else None

    def __call__(self, text: str) -> None:
        if self.tmpl is None:  # a standard Type 1 font: reportlab's own path
            self.tx.textOut(text)
            return
        rl, doc, escape = self.rl, self.doc, self.escape
        parts = []
        for subset, t in rl.splitString(text, doc):
            if subset != self.subset:
                parts.append(f"{rl.getSubsetInternalName(subset, doc)} {self.tmpl}")
                self.subset = subset
            parts.append(f"({escape(t)}) Tj")
        self.code.append(" ".join(parts))



def _spacing_pieces(text: str, space: float) -> list[tuple[str, float]]:
    """Cut `text` into (piece, char space): no extra space between two ASCII word characters."""
    if not _WORD_RUN.search(text):
        return [(text, space)]
    pieces: list[tuple[str, float]] = []
    for k, ch in enumerate(text):
        cs = 0.0 if k + 1 < len(text) and _is_word(ch) and _is_word(text[k + 1]) else space
        if pieces and pieces[-1][1] == cs:
            pieces[-1] = (pieces[-1][0] + ch, cs)
        else:
            pieces.append((ch, cs))
    return pieces or [("", space)]


def line_texts(para: Paragraph) -> list[str]:
    """Return the text of each line of a wrapped paragraph (for tests and diagnostics)."""
    lines = para.blPara.lines
    if para.blPara.kind == 0:
        return ["".join(words) for _, words in lines]
    return ["".join(w.text for w in line.words if hasattr(w, "text")) for line in lines]


__all__ = ["CJKParagraph", "break_points", "split_lines", "line_texts", "cjk_frag_split"]
