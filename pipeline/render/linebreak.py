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
import weakref
from bisect import bisect_right
from collections.abc import Sequence
from copy import copy
from functools import cached_property
from itertools import accumulate
from weakref import WeakKeyDictionary

import reportlab
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
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
_WORD_CHAR = re.compile(r"[\x21-\x7e]")


def _is_word(ch: str) -> bool:
    """ASCII letters, digits and the marks inside numbers: a run of them is never split."""
    return ch in _WORD


def break_points(text: Sequence[str], glue: bool = True) -> list[bool]:
    """Return `ok` with `ok[k]` true when a line may start at `text[k]` (k = 0 … len).

    With `glue=False` only the punctuation rules apply: words and numbers may be cut (the
    fallback when a word or number with its unit is wider than the line).
    """
    n = len(text)
    if n < 2:
        return [True] * (n + 1)
    # the punctuation rules look at two characters only: one pass in C-speed comprehension
    ok = [True]
    ok += [not (b in CLOSERS or a in OPENERS or (a == b and a in DOUBLED))
           for a, b in zip(text[:-1], text[1:], strict=True)]
    ok.append(True)
    if not glue or _WORD.isdisjoint(text):
        return ok  # no ASCII word and no number: nothing to glue
    unit_left = 0
    k = 0
    seek = _WORD_CHAR.search if isinstance(text, str) else None
    while k + 1 < n:
        k += 1
        if not unit_left and seek:
            # no number pending: nothing changes until a or b is an ASCII word character
            m = seek(text, k - 1)
            if m is None:
                break
            k = max(k, m.start())
            if k >= n:
                break
        a, b = text[k - 1], text[k]
        if a in _DIGITS:
            unit_left = MAX_UNIT
        in_unit = bool(unit_left) and b in UNITS
        if ok[k] and ((a in _WORD and b in _WORD) or in_unit):
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
    points: tuple[list[bool], list[bool] | None] | None = None,
    prefix: Sequence[float] | None = None,
) -> list[tuple[int, int]]:
    """Return `(start, end)` index pairs of the lines `text` falls into.

    `widths[i]` is the width of `text[i]`; line n is at most `max_widths[n]` wide (the last width
    repeats). `hard[i]` marks a forced break after `text[i]` (reportlab's `<br/>`). `points` are
    `break_points(text)` and `break_points(text, glue=False)` when already known (the second
    may be None: it is computed when a line has no other break). `prefix` is
    `accumulate(widths, initial=0)`, given when the same text is split at several widths.
    """
    ok, loose = points or (break_points(text), None)
    n = len(text)
    if (hard and any(hard)) or (prefix is None and any(w < 0 for w in widths)):
        return _split_lines_stepwise(text, widths, max_widths, hard, ok, loose)
    acc = prefix if prefix is not None else list(accumulate(widths, initial=0.0))
    lines: list[tuple[int, int]] = []
    last_width = len(max_widths) - 1
    start = 0
    while start < n:
        limit = max_widths[min(len(lines), last_width)]
        # the first character that ends past the limit; the line's first one always stays
        i = max(bisect_right(acc, acc[start] + limit + _FUZZ, start + 1) - 1, start + 1)
        if i >= n:
            break
        end, loose = _break_at(text, i, start, ok, loose)
        lines.append((start, end))
        start = end
    if start < n:
        lines.append((start, n))
    return lines


def _break_at(text, i, start, ok, loose):
    """Where a line that overflows at character `i` ends: after a space at the edge (dropped
    there, not carried over), else at the last allowed break, else at the last loose one.
    Returns (end, loose); the loose break points are computed on first need."""
    if text[i].isspace():
        return i + 1, loose
    end = next((k for k in range(i, start, -1) if ok[k]), 0)
    if not end:
        if loose is None:
            loose = break_points(text, glue=False)
        end = next((k for k in range(i, start, -1) if loose[k]), i)
    return end, loose


def _split_lines_stepwise(text, widths, max_widths, hard, ok, loose) -> list[tuple[int, int]]:
    """`split_lines` character by character: forced breaks, and widths that may be negative."""
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
            end, loose = _break_at(text, i, start, ok, loose)
            lines.append((start, end))
            start, used = end, 0.0
            i = end
            continue
        i += 1
    if start < n:
        lines.append((start, n))
    return lines


class _Widths(dict):
    """character → width (pt, tracking included) of one font at one size, filled on first use."""

    def __init__(self, font_name: str, size: float, tracking: float):
        super().__init__()
        face = getattr(getFont(font_name), "face", None)
        if face is not None and hasattr(face, "charWidths"):
            get, dw, k = face.charWidths.get, face.defaultWidth, 0.001 * size
            self.width = lambda c: k * get(ord(c), dw) + tracking
        else:
            self.width = lambda c: stringWidth(c, font_name, size) + tracking

    def __missing__(self, ch: str) -> float:
        w = self[ch] = self.width(ch)
        return w


_WIDTHS: dict[tuple[str, float, float], _Widths] = {}
_BOUNDS: dict[tuple[str, float], tuple[float, float, float]] = {}


def _widths(font_name: str, size: float, tracking: float) -> _Widths:
    key = (font_name, size, tracking)
    table = _WIDTHS.get(key)
    if table is None:
        if len(_WIDTHS) > 256:  # fonts registered anew (tests): forget the old ones
            _WIDTHS.clear()
        table = _WIDTHS[key] = _Widths(font_name, size, tracking)
    return table


def _bounds(font_name: str, size: float) -> tuple[float, float, float]:
    """(size, ascent, descent) of a font at a size."""
    key = (font_name, size)
    b = _BOUNDS.get(key)
    if b is None:
        b = _BOUNDS[key] = (size, *getAscentDescent(font_name, size))
    return b


def clone_frag(frag):
    """`frag.clone()` without the keyword-argument round trip (ABag's clone is `cls(**vars)`)."""
    cls = type(frag)
    if cls.__init__ is not ABag.__init__:
        return frag.clone()
    out = cls.__new__(cls)
    out.__dict__.update(frag.__dict__)
    return out


class _Line(FragLine):
    """reportlab's line of a CJK paragraph, whose `words` (frag copies holding the line's text)
    are made only when asked for (splitting a paragraph, reportlab's own drawing): the lean
    drawing reads `runs`, (frag, text) pairs."""

    @cached_property
    def words(self) -> list:
        out = []
        for f, text in self.runs:
            w = clone_frag(f)
            w.text = text
            out.append(w)
        return out


def _plain(frags) -> bool:
    """Plain text runs (no links, underlines, rises, backgrounds): the lean drawing can draw them."""
    return all(not (d.get("link") or d.get("us_lines") or d.get("rise") or d.get("backColor"))
               for d in map(vars, frags))


class _Measured:
    """A paragraph's characters measured once: width, owning frag, forced breaks, break points."""

    def __init__(self, frags, encoding="utf8", tracking: float = 0.0):
        self.frags = frags
        chars: list[str] = []
        texts: list[str | None] = []
        widths: list[float] = []
        starts: list[int] = []  # index of each frag's first character
        hard: list[bool] = []
        any_hard = empty = False
        for f in frags:
            starts.append(len(widths))
            text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
            if hasattr(f, "lineBreak") or not text:
                # an empty or line-break frag holds one zero-width place
                empty = True
                texts.append(None)
                widths.append(0.0)
                is_hard = hasattr(f, "lineBreak")
                any_hard = any_hard or is_hard
                hard.extend([False] * (len(widths) - 1 - len(hard)))
                hard.append(is_hard)
                continue
            widths += map(_widths(f.fontName, f.fontSize, tracking).__getitem__, text)
            texts.append(text)
        if empty:  # the places of empty frags are "" in `chars`; there is no plain text
            chars = [c for t in texts for c in ([""] if t is None else t)]
            self.text = None
        else:
            chars = self.text = "".join(texts)  # type: ignore[arg-type]
        self.chars, self.widths, self.starts = chars, widths, starts
        self.hard = hard + [False] * (len(chars) - len(hard)) if any_hard else ()
        self.prefix = None if min(widths, default=0.0) < 0 else list(accumulate(widths, initial=0.0))
        self.plain = _plain(frags)
        self.points = (break_points(self.text if self.text is not None else chars), None)

    @property
    def owner(self) -> list[int]:
        """The frag index of each character."""
        out: list[int] = []
        for fi, (a, b) in enumerate(zip(self.starts, [*self.starts[1:], len(self.chars)], strict=True)):
            out += [fi] * (b - a)
        return out

    def split(self, max_widths: Sequence[float]) -> list[tuple[int, int]]:
        return split_lines(self.text if self.text is not None else self.chars, self.widths, max_widths,
                           self.hard, self.points, self.prefix)

    def line(self, start: int, end: int, max_width: float) -> FragLine:
        runs, bounds = [], []
        starts, frags = self.starts, self.frags
        fi = bisect_right(starts, start) - 1
        i = start
        while i < end:
            while fi + 1 < len(starts) and starts[fi + 1] <= i:
                fi += 1
            j = min(end, starts[fi + 1]) if fi + 1 < len(starts) else end
            f = frags[fi]
            runs.append((f, self.text[i:j] if self.text is not None else "".join(self.chars[i:j])))
            bounds.append(_bounds(f.fontName, f.fontSize))
            i = j
        used = sum(self.widths[start:end])
        hard = bool(self.hard) and self.hard[end - 1]
        if len(bounds) == 1:
            size, ascent, descent = bounds[0]
        else:
            size, ascent, descent = (max(b[0] for b in bounds), max(b[1] for b in bounds),
                                     min(b[2] for b in bounds))
        line = _Line(kind=1, extraSpace=max_width - used, wordCount=1, runs=runs, fontSize=size,
                     ascent=ascent, descent=descent, maxWidth=max_width, currentWidth=used, lineBreak=hard)
        if hard:
            return line
        chars = self.chars
        last = end - chars[end - 1].isspace()
        if self.text is not None:  # gaps between characters, less those inside ASCII words
            gaps = last - start - 1 - sum(len(m) - 1 for m in _WORD_RUN.findall(self.text, start, last))
        else:
            gaps = sum(1 for k in range(start + 1, last) if not (chars[k - 1] in _WORD and chars[k] in _WORD))
        if gaps > 0:
            space = (max_width - used) / gaps
            if 0 < space <= MAX_JUSTIFY_EM * line.fontSize:
                line.cjkCharSpace = space
        return line

    def lines(self, max_widths: Sequence[float], break_widths: Sequence[float] | None = None) -> ParaLines:
        spans = self.split(break_widths or max_widths)
        last = len(max_widths) - 1
        return ParaLines(kind=1, lines=[self.line(a, b, max_widths[min(n, last)])
                                        for n, (a, b) in enumerate(spans)])

    def balanced(self, max_widths: Sequence[float]) -> ParaLines:
        """Lines as even as possible: the narrowest width giving no more lines than the full one."""
        count = len(self.split(max_widths))
        if count < 2 or self.hard:
            return self.lines(max_widths)
        lo, hi = sum(self.widths) / count, max(max_widths)
        while hi - lo > 0.5:  # half a point is as even as print can show
            mid = (lo + hi) / 2
            narrow = [min(w, mid) for w in max_widths]
            if len(self.split(narrow)) > count:
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
        # what a part of this paragraph takes over when it is split (not what layout adds later:
        # its lines and size, the frame's marks such as `_postponed`)
        self._given = tuple(k for k in self.__dict__ if k not in ("style", "bulletText"))

    def getSpaceBefore(self):  # noqa: N802 - reportlab's name
        # Flowable's asks hasattr(self, "spaceBefore") first: an exception per call, and tables
        # call this for every cell paragraph at every wrap
        d = self.__dict__
        return d["spaceBefore"] if "spaceBefore" in d else self.style.spaceBefore

    def getSpaceAfter(self):  # noqa: N802 - reportlab's name
        d = self.__dict__
        return d["spaceAfter"] if "spaceAfter" in d else self.style.spaceAfter

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
        part = self.__dict__.get("_part_lines")
        if part is not None:  # a part of a split paragraph (see `split`), whose lines were dropped
            return ParaLines(kind=1, lines=part)
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

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        """reportlab's split (same orphan and widow rules), but both parts keep the lines already
        broken: reportlab rebuilds the second part from frag copies of every line left and breaks
        them again, so a paragraph running over k pages cost k times its length."""
        if not hasattr(self, "blPara"):
            self.wrap(availWidth, availHeight)
        bl, style = self.blPara, self.style
        if bl.kind != 1 or getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off") \
                or style.endDots or not self.frags or availWidth < _FUZZ or availHeight < _FUZZ:
            return super().split(availWidth, availHeight)
        lines, leading = bl.lines, style.leading
        n, s = len(lines), int(availHeight / leading)
        orphans = getattr(self, "allowOrphans", getattr(style, "allowOrphans", 0))
        if (not orphans and s <= 1) or s == 0:
            del self.blPara
            return []
        if n <= s:
            return [self]
        if not getattr(self, "allowWidows", getattr(style, "allowWidows", 1)) and n == s + 1:
            if not ((orphans and n == 3) or n > 3):
                del self.blPara
                return []
            s -= 1
        first = self._part(lines[:s], availWidth, style, self.bulletText)
        first._JustifyLast = not getattr(lines[s - 1], "lineBreak", False)
        rest_style = style
        if style.firstLineIndent:
            rest_style = copy(style)
            rest_style.firstLineIndent = 0
        return [first, self._part(lines[s:], availWidth, rest_style, None)]

    def _part(self, lines: list, width: float, style, bullet) -> CJKParagraph:
        """A part of this paragraph holding `lines` as they are (reportlab's `_splitpara`): it keeps
        the whole paragraph's frags (its runs of style; the text is in the lines)."""
        part = type(self).__new__(type(self))
        d = self.__dict__
        part.__dict__.update({k: d[k] for k in self._given if k in d}, _given=self._given)
        measured = self.__dict__.get("_cjk_cache", {}).get("measured")
        part.__dict__.update(style=style, bulletText=bullet, _splitpara=1, width=width, _part_lines=lines,
                             blPara=ParaLines(kind=1, lines=lines), height=len(lines) * style.leading,
                             _cjk_cache={"measured": measured} if measured is not None else {})
        return part

    def _lean(self) -> bool:
        """Plain CJK lines (no links, underlines, images, backgrounds or borders): drawn straight
        into one text object (reportlab's general drawPara handles those line by line, at several
        times the cost)."""
        bl, style = getattr(self, "blPara", None), self.style
        if bl is None or bl.kind != 1 or not bl.lines or style.backColor or style.borderWidth or style.endDots:
            return False
        measured = self.__dict__.get("_cjk_cache", {}).get("measured")
        return measured.plain if measured is not None else _plain(self.frags)  # the first part of a split

    def draw(self):
        if self._lean():
            self._draw_lines(0.0, 0.0)
        else:
            super().draw()

    def draw_at(self, canvas, x: float, y: float, pen: _Shower) -> bool:
        """Draw the lines at (x, y) into `pen`'s text object (see `text_pen`), without saving the
        graphics state and moving the origin as `drawOn` does; False, drawing nothing, when they
        are not lean. They set their own fill colour: the caller keeps the graphics state."""
        if not self._lean():
            return False
        self.canv = canvas
        self._draw_lines(x, y, pen)
        del self.canv
        return True

    def _draw_lines(self, x0: float, y0: float, pen: _Shower | None = None) -> None:
        bl, style = self.blPara, self.style
        canvas, lines, leading = self.canv, bl.lines, style.leading
        offsets = getattr(self, "_offsets", None) or [0]
        y = y0 + self.height - lines[0].fontSize
        first = style.firstLineIndent + offsets[0]
        # drawOn or the table saved the graphics state: colours set here end with it
        show = pen or text_pen(canvas)
        tx = show.tx
        if self.bulletText:  # the marker at bulletIndent, the text where the indent says
            show.origin(x0 + style.bulletIndent, y)
            show.font(style.bulletFontName, style.bulletFontSize)
            if show.cs:
                show.char_space(0.0)
            show(self.bulletText)
            first = max(first, self._bullet_end() - style.leftIndent)
        align, last = style.alignment, len(lines) - 1
        justify_last = getattr(self, "_JustifyLast", False)
        tracking = getattr(style, "tracking", 0.0)
        for i, line in enumerate(lines):
            x = x0 + style.leftIndent + (first if i == 0 else offsets[min(i, len(offsets) - 1)])
            space = 0.0
            if align == TA_CENTER:
                x += line.extraSpace / 2
            elif align == TA_RIGHT:
                x += line.extraSpace
            elif align == TA_JUSTIFY and (i < last or justify_last):
                space = getattr(line, "cjkCharSpace", 0.0)
            show.origin(x, y - i * leading)
            runs = line.runs if isinstance(line, _Line) else [(w, w.text) for w in line.words]
            for f, text in runs:
                show.font(f.fontName, f.fontSize)
                if f.textColor is not show.color and f.textColor != show.color:  # frags share one Color
                    show.color = f.textColor
                    tx.setFillColor(show.color)
                for piece, cs in _spacing_pieces(text, space) if space else ((text, 0.0),):
                    cs += tracking
                    if cs != show.cs:
                        show.char_space(cs)
                    show(piece)
        if pen is None:
            canvas.drawText(tx)

    def _bullet_end(self) -> float:
        d = self.__dict__  # measured when the lines break, used again when they are drawn
        if d.get("_bullet_of") != self.bulletText:
            style = self.style
            d["_bullet_of"] = self.bulletText
            d["_bullet_at"] = style.bulletIndent + stringWidth(self.bulletText, style.bulletFontName,
                                                                style.bulletFontSize)
        return d["_bullet_at"]


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


class _Shower:
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


def text_pen(canvas) -> _Shower:
    """A new text object of `canvas`, to draw many paragraphs into with `CJKParagraph.draw_at`
    (one text object, its font and colour set once): `canvas.drawText(pen.tx)` puts it on the page."""
    return _Shower(canvas.beginText())


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


__all__ = ["CJKParagraph", "break_points", "clone_frag", "split_lines", "line_texts", "cjk_frag_split"]
