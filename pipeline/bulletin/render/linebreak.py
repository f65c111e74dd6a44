"""Chinese paragraphs in reportlab: `CJKParagraph`, a `Paragraph` (`wordWrap='CJK'`) whose lines
break by the rules of `breaks` and are drawn by `rlinternals.TextPen`.

reportlab's own CJK splitter lets `，；：？！》”` start a line, lets `（《“` end one and hangs
`。、）` past the right edge; `CJKParagraph` replaces only its line splitter (`breakLinesCJK`) and
its split across pages (both parts keep the lines already broken). It works on reportlab's
per-glyph internals (frags, `blPara`, and the private hooks `rlinternals` names), so the
reportlab version is pinned.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_right
from collections.abc import Sequence
from copy import copy
from functools import cached_property
from itertools import accumulate

import reportlab
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines

from ..errors import RenderError
from .breaks import (
    FUZZ,
    SQUEEZE_CLOSE,
    SQUEEZE_MARK,
    WORD_CHARS,
    WORD_RUN,
    break_points,
    is_word,
    split_lines,
    squeezed,
)
from .rlinternals import JUSTIFY_LAST, SPLIT_PART, ParagraphHooks, TextPen, handle_bullet_width, text_pen
from .textfit import BALANCED_LINES

REPORTLAB_VERSION = "5.1.0"
if reportlab.Version != REPORTLAB_VERSION:  # pragma: no cover - depends on the environment
    raise RenderError(
        f"bulletin.render.linebreak needs reportlab {REPORTLAB_VERSION} (it extends its CJK line "
        f"splitter), found {reportlab.Version}: run `pip install reportlab=={REPORTLAB_VERSION}`"
    )

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


@functools.lru_cache(maxsize=256)
def _widths(font_name: str, size: float, tracking: float) -> _Widths:
    """The advance-width table of a registered font at a size (a font's name stands for one face
    for the whole process: `fonts._load`)."""
    return _Widths(font_name, size, tracking)


@functools.lru_cache(maxsize=256)
def _bounds(font_name: str, size: float) -> tuple[float, float, float]:
    """(size, ascent, descent) of a font at a size."""
    return (size, *getAscentDescent(font_name, size))


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


class _Shed:
    """How much narrower a character may be set at a line's end — half an em for a closing mark
    not squeezed already, else nothing — asked for the few places a line may end, rather than a
    table built for every character of every paragraph."""

    __slots__ = ("text", "done", "size")

    def __init__(self, text: str, done: frozenset[int], size):
        self.text, self.done, self.size = text, done, size

    def get(self, i: int, default: float = 0.0) -> float:
        return self.size(i) if self.text[i] in SQUEEZE_CLOSE and i not in self.done else default


class _Measured:
    """A paragraph's characters measured once: width, owning frag, forced breaks, break points."""

    def __init__(self, frags, encoding="utf8", tracking: float = 0.0, max_stretch: float = math.inf,
                 words: bool = False):
        self.max_stretch = max_stretch
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
        self.squeezed: list[int] = []  # marks set half an em narrower (breaks.squeezed)
        self.end_squeeze: _Shed | dict = {}  # closing marks that may shed their blank half at a line end
        if self.text is not None and SQUEEZE_MARK.search(self.text):
            if len(frags) == 1:
                half = 0.5 * frags[0].fontSize
                size = lambda i: half  # noqa: E731 - one frag, one size
            else:
                owner = self.owner
                size = lambda i: 0.5 * frags[owner[i]].fontSize  # noqa: E731
            self.squeezed = squeezed(self.text)
            for i in self.squeezed:
                widths[i] -= size(i)
            self.end_squeeze = _Shed(self.text, frozenset(self.squeezed), size)
        self.hard = hard + [False] * (len(chars) - len(hard)) if any_hard else ()
        self.prefix = None if min(widths, default=0.0) < 0 else list(accumulate(widths, initial=0.0))
        self.plain = _plain(frags)
        self.words = words

    @cached_property
    def points(self) -> tuple[list[bool], None]:
        """Where a line may start (`breaks.break_points`), found when a line must break: a
        paragraph that fits its line needs none (nor, for a heading, the word segmenter)."""
        return break_points(self.text if self.text is not None else self.chars, words=self.words), None

    @property
    def owner(self) -> list[int]:
        """The frag index of each character."""
        out: list[int] = []
        for fi, (a, b) in enumerate(zip(self.starts, [*self.starts[1:], len(self.chars)], strict=True)):
            out += [fi] * (b - a)
        return out

    def split(self, max_widths: Sequence[float]) -> list[tuple[int, int]]:
        n = len(self.chars)
        if n and not self.hard and self.prefix is not None and self.prefix[-1] <= max_widths[0] + FUZZ:
            return [(0, n)]  # as split_lines finds it: the whole text fits the first line
        return split_lines(self.text if self.text is not None else self.chars, self.widths, max_widths,
                           self.hard, self.points, self.prefix, self.end_squeeze)

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
        squeeze = [k - start for k in self.squeezed if start <= k < end]
        if used > max_width + FUZZ:  # the line holds more than fits: its closing marks shed their blank halves
            for k in range(end - 1, start - 1, -1):  # the line's end first
                shed = self.end_squeeze.get(k, 0.0)
                if shed:
                    used -= shed
                    squeeze.append(k - start)
                    if used <= max_width + FUZZ:
                        break
        hard = bool(self.hard) and self.hard[end - 1]
        if len(bounds) == 1:
            size, ascent, descent = bounds[0]
        else:
            size, ascent, descent = (max(b[0] for b in bounds), max(b[1] for b in bounds),
                                     min(b[2] for b in bounds))
        line = _Line(kind=1, extraSpace=max_width - used, wordCount=1, runs=runs, fontSize=size,
                     ascent=ascent, descent=descent, maxWidth=max_width, currentWidth=used, lineBreak=hard,
                     squeeze=tuple(squeeze))
        if hard:
            return line
        chars = self.chars
        last = end - chars[end - 1].isspace()
        if self.text is not None:  # gaps between characters, less those inside ASCII words
            gaps = last - start - 1 - sum(len(m) - 1 for m in WORD_RUN.findall(self.text, start, last))
        else:
            gaps = sum(1 for k in range(start + 1, last) if not (chars[k - 1] in WORD_CHARS and chars[k] in WORD_CHARS))
        if gaps > 0:
            space = (max_width - used) / gaps
            if 0 < space <= self.max_stretch * line.fontSize:
                line.cjkCharSpace = space
        return line

    def lines(self, max_widths: Sequence[float], break_widths: Sequence[float] | None = None,
              spans: list[tuple[int, int]] | None = None) -> ParaLines:
        spans = spans if spans is not None else self._pulled_back(self.split(break_widths or max_widths),
                                                                  break_widths or max_widths)
        last = len(max_widths) - 1
        return ParaLines(kind=1, lines=[self.line(a, b, max_widths[min(n, last)])
                                        for n, (a, b) in enumerate(spans)])

    def _pulled_back(self, spans: list[tuple[int, int]], max_widths: Sequence[float]) -> list[tuple[int, int]]:
        """A last line of one character and its mark (`台。`) joins the line before it when that
        line's closing marks, each set half an em narrower, make room for it (clreq 3.2.2);
        else the line before gives it one more character (`平台。`), where a line may break so."""
        if len(spans) < 2 or not self.end_squeeze or self.hard:
            return spans
        (a, _), (b, n) = spans[-2], spans[-1]
        chars = self.chars
        if n - b > 2 or chars[n - 1] not in SQUEEZE_CLOSE:
            return spans
        shed = sum(self.end_squeeze.get(k, 0.0) for k in range(a, n))
        limit = max_widths[min(len(spans) - 2, len(max_widths) - 1)]
        if sum(self.widths[a:n]) - shed <= limit + FUZZ:
            return [*spans[:-2], (a, n)]
        if b - 1 - a >= 4 and self.points[0][b - 1] and not chars[b - 1].isspace():
            return [*spans[:-2], (a, b - 1), (b - 1, n)]
        return spans

    def balanced(self, max_widths: Sequence[float]) -> ParaLines:
        """Lines as even as possible: the narrowest width giving no more lines than the full one.
        Balancing is for a few centred lines (a name, a header): a text of more than
        `BALANCED_LINES` lines is set as it breaks (each try breaks all of it again)."""
        spans = self.split(max_widths)
        count = len(spans)
        if count < 2 or self.hard or count > BALANCED_LINES:
            return self.lines(max_widths, spans=spans)
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


class CJKParagraph(ParagraphHooks):
    """A `Paragraph` (use `wordWrap='CJK'` in its style) that breaks lines by the rules above.

    With `balance=True` the lines are made as even as possible (for centred names and headers).
    A style attribute `tracking` (pt) adds that much space after every character (negative to
    fit a character grid, as Word's run spacing); `max_stretch` (em) is the most a justified line
    may add between two characters — a line needing more (an early break before a long word) is
    left ragged. Without it, every line is justified, as reportlab does. `words` true breaks
    lines between the segmenter's words only, where one fits (titles, headings, narrow cells).
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
            handle_bullet_width(self.bulletText, self.style, maxWidths)
        if getattr(self, SPLIT_PART, 0) and hasattr(self, "blPara"):
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
                "measured", _Measured(frags, tracking=getattr(self.style, "tracking", 0.0),
                                      max_stretch=getattr(self.style, "max_stretch", math.inf),
                                      words=getattr(self.style, "words", False)))
            balance = getattr(self, "balance", False)
            cache[key] = measured.balanced(maxWidths) if balance else measured.lines(maxWidths)
        return cache[key]

    def split_lines_function(self):
        return _split_cjk_lines if self.blPara.kind == 1 else None

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        """reportlab's split (same orphan and widow rules), but both parts keep the lines already
        broken: reportlab rebuilds the second part from frag copies of every line left and breaks
        them again, so a paragraph running over k pages cost k times its length."""
        if not hasattr(self, "blPara"):
            self.wrap(availWidth, availHeight)
        bl, style = self.blPara, self.style
        if bl.kind != 1 or getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off") \
                or style.endDots or not self.frags or availWidth < FUZZ or availHeight < FUZZ:
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
        setattr(first, JUSTIFY_LAST, not getattr(lines[s - 1], "lineBreak", False))
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

    def draw_at(self, canvas, x: float, y: float, pen: TextPen) -> bool:
        """Draw the lines at (x, y) into `pen`'s text object (see `text_pen`), without saving the
        graphics state and moving the origin as `drawOn` does; False, drawing nothing, when they
        are not lean. They set their own fill colour: the caller keeps the graphics state."""
        if not self._lean():
            return False
        self.canv = canvas
        self._draw_lines(x, y, pen)
        del self.canv
        return True

    def _draw_lines(self, x0: float, y0: float, pen: TextPen | None = None) -> None:
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
        justify_last = getattr(self, JUSTIFY_LAST, False)
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
            squeeze, at = getattr(line, "squeeze", ()), 0
            for f, text in runs:
                show.font(f.fontName, f.fontSize)
                if f.textColor is not show.color and f.textColor != show.color:  # frags share one Color
                    show.color = f.textColor
                    tx.setFillColor(show.color)
                for part, kern in _squeezed_parts(text, at, squeeze) if squeeze else ((text, False),):
                    for piece, cs in _spacing_pieces(part, space) if space else ((part, 0.0),):
                        cs += tracking
                        if cs != show.cs:
                            show.char_space(cs)
                        show(piece)
                    if kern:
                        show.kern(500)  # half an em back: the mark's blank half
                at += len(text)
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


def _squeezed_parts(text: str, at: int, squeeze: tuple[int, ...]) -> list[tuple[str, bool]]:
    """Cut a run (its first character the line's `at`) after each squeezed mark: (part, kern after)."""
    cuts = [k - at + 1 for k in squeeze if at <= k < at + len(text)]
    if not cuts:
        return [(text, False)]
    out, a = [], 0
    for b in sorted(cuts):
        out.append((text[a:b], True))
        a = b
    if a < len(text):
        out.append((text[a:], False))
    return out


def _spacing_pieces(text: str, space: float) -> list[tuple[str, float]]:
    """Cut `text` into (piece, char space): no extra space between two ASCII word characters."""
    if not WORD_RUN.search(text):
        return [(text, space)]
    pieces: list[tuple[str, float]] = []
    for k, ch in enumerate(text):
        cs = 0.0 if k + 1 < len(text) and is_word(ch) and is_word(text[k + 1]) else space
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


__all__ = ["CJKParagraph", "clone_frag", "line_texts", "cjk_frag_split"]
