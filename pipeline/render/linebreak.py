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

from collections.abc import Sequence

import reportlab
from reportlab.platypus.paragraph import Paragraph, ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine
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


def _is_word(ch: str) -> bool:
    """ASCII letters, digits and the marks inside numbers: a run of them is never split."""
    return ch.isascii() and not ch.isspace() and ch != ""


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
        if a.isdigit() and a.isascii():
            unit_left = MAX_UNIT
        in_unit = bool(unit_left) and b in UNITS
        if b in CLOSERS or a in OPENERS or (a == b and a in DOUBLED):
            ok[k] = False
        elif glue and ((_is_word(a) and _is_word(b)) or in_unit):
            ok[k] = False
        if in_unit:
            unit_left -= 1
        elif not _is_word(b):
            unit_left = 0
    return ok


def split_lines(
    text: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    hard: Sequence[bool] = (),
) -> list[tuple[int, int]]:
    """Return `(start, end)` index pairs of the lines `text` falls into.

    `widths[i]` is the width of `text[i]`; line n is at most `max_widths[n]` wide (the last width
    repeats). `hard[i]` marks a forced break after `text[i]` (reportlab's `<br/>`).
    """
    ok, loose = break_points(text), break_points(text, glue=False)
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


def cjk_frag_split(frags, max_widths, calc_bounds, encoding="utf8") -> ParaLines:
    """reportlab's `cjkFragSplit` with the rules above: frags → ParaLines(kind=1)."""
    units = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        units.extend([cjkU(t, f, encoding) for t in text] if text else [cjkU(text, f, encoding)])
    widths = [u.width.normalizedValue(max_widths[0]) if hasattr(u.width, "normalizedValue")
              else u.width for u in units]
    hard = [hasattr(u.frag, "lineBreak") for u in units]
    lines = []
    for start, end in split_lines([str(u) for u in units], widths, max_widths, hard):
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = sum(widths[start:end])
        lines.append(
            makeCJKParaLine(units[start:end], max_width, used, max_width - used, hard[end - 1], calc_bounds)
        )
    return ParaLines(kind=1, lines=lines)


def _split_cjk_lines(bl_para, start, stop):
    """The frags of lines start…stop, without the space stock reportlab appends to each line."""
    return [w for line in bl_para.lines[start:stop] for w in line.words]


class CJKParagraph(Paragraph):
    """A `Paragraph` (use `wordWrap='CJK'` in its style) that breaks lines by the rules above."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802 - reportlab's name
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        if getattr(self, "_splitpara", 0) and hasattr(self, "blPara"):
            return self.blPara
        frags = self.frags
        if not frags:
            style = self.style
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                             textColor=style.textColor, lines=[], ascent=style.fontSize,
                             descent=-0.2 * style.fontSize)
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return cjk_frag_split(frags, maxWidths, auto not in ("", "off"))

    def _get_split_blParaFunc(self):  # noqa: N802 - reportlab's name
        if self.blPara.kind == 1:
            return _split_cjk_lines
        return super()._get_split_blParaFunc()


def line_texts(para: Paragraph) -> list[str]:
    """Return the text of each line of a wrapped paragraph (for tests and diagnostics)."""
    lines = para.blPara.lines
    if para.blPara.kind == 0:
        return ["".join(words) for _, words in lines]
    return ["".join(w.text for w in line.words if hasattr(w, "text")) for line in lines]


__all__ = ["CJKParagraph", "break_points", "split_lines", "line_texts", "cjk_frag_split"]
