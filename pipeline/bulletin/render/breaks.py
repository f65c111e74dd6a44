"""Where a Chinese line may break (GB/T 15834, W3C clreq), and where lines of given widths break.

Pure functions over characters and their widths; `linebreak.CJKParagraph` applies them to
reportlab's paragraphs:

- no closing mark at a line start, no opening mark at a line end;
- `——` and `……` never split; ASCII words and numbers stay whole, a number keeps its unit;
- a line never runs past its width: characters are pushed to the next line instead.

When no break point fits (a word or a number with its unit wider than the whole line), the word is
cut (still obeying the punctuation rules), and failing that the line is cut where it overflows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from ..patterns import lazy

#: A line this much wider than its limit still fits (reportlab's own tolerance, `rl_config._FUZZ`).
FUZZ = 1e-6

#: Marks that never start a line (closing brackets and quotes, stops, the ellipsis, units).
CLOSERS = frozenset("，。、；：？！）》〉”’」』】〕〗］｝…‥·•％‰℃°!),.:;?]}%")
#: Marks that never end a line (opening brackets and quotes, currency and number signs).
OPENERS = frozenset("“‘（《〈「『【〔〖［｛([{$￥¥＄#＃§")
#: Marks written doubled (`——`, `……`) whose halves never split.
DOUBLED = frozenset("—…⸺")

#: Full-width marks whose glyph fills the left half of the em, the right half blank (GB/T 15834's
#: 点号 and closing brackets and quotes as Simplified Chinese fonts draw them) …
SQUEEZE_CLOSE = frozenset("，。、；：）》〉」』】〕〗］｝”’")
#: … and those whose glyph fills the right half (opening brackets and quotes).
SQUEEZE_OPEN = frozenset("（《〈「『【〔〖［｛“‘")
_CLOSE, _OPEN = "".join(sorted(SQUEEZE_CLOSE)), "".join(sorted(SQUEEZE_OPEN))
_SQUEEZE_PAIR = lazy(f"[{_CLOSE}](?=[{_CLOSE}{_OPEN}？！])|[{_OPEN}](?=[{_OPEN}])")
#: Any of them: a text without one has nothing to squeeze.
SQUEEZE_MARK = lazy(f"[{_CLOSE}{_OPEN}]")


def squeezed(text: str) -> list[int]:
    """Where two full-width marks meet, the indexes of the first: set half an em narrower, so the
    pair takes one and a half cells, not two (clreq 3.1.6, 连续标点挤压: `），` `）》` `。”` `《（`).
    A closing mark loses its blank right half; an opening one before another opening one gives
    up its advance's second half, which only moves the next mark into its own blank left half."""
    return [m.start() for m in _SQUEEZE_PAIR.finditer(text)]
#: Characters that, right after a number, are its unit and stay on its line (`30482人次`).
UNITS = frozenset("万亿千百十元角分人次家件个项条场户批名台处所起例份天年月日时号岁倍吨米克升度里亩余多%％‰")
MAX_UNIT = 3


WORD_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F))
_DIGITS = frozenset("0123456789")
WORD_RUN = lazy(r"[\x21-\x7e]{2,}")  # two or more ASCII word characters
_WORD_CHAR = lazy(r"[\x21-\x7e]")


def is_word(ch: str) -> bool:
    """ASCII letters, digits and the marks inside numbers: a run of them is never split."""
    return ch in WORD_CHARS


def break_points(text: Sequence[str], glue: bool = True, words: bool = False) -> list[bool]:
    """Return `ok` with `ok[k]` true when a line may start at `text[k]` (k = 0 … len).

    With `glue=False` only the punctuation rules apply: words and numbers may be cut (the
    fallback when a word or number with its unit is wider than the line). With `words=True`
    (titles, headings, narrow cells) a Chinese word of the segmenter (`words.boundaries`) is
    glued too.
    """
    n = len(text)
    if n < 2:
        return [True] * (n + 1)
    if words and glue and isinstance(text, str):
        from .words import inside_words

        ok = break_points(text)
        for k in inside_words(text):
            ok[k] = False
        return ok
    # the punctuation rules look at two characters only: one pass in C-speed comprehension
    ok = [True]
    ok += [not (b in CLOSERS or a in OPENERS or (a == b and a in DOUBLED))
           for a, b in zip(text[:-1], text[1:], strict=True)]
    ok.append(True)
    if not glue or WORD_CHARS.isdisjoint(text):
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
        if ok[k] and ((a in WORD_CHARS and b in WORD_CHARS) or in_unit):
            ok[k] = False
        if in_unit:
            unit_left -= 1
        elif b not in WORD_CHARS:
            unit_left = 0
    return ok


def split_lines(
    text: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    hard: Sequence[bool] = (),
    points: tuple[list[bool], list[bool] | None] | None = None,
    prefix: Sequence[float] | None = None,
    end_squeeze=None,
) -> list[tuple[int, int]]:
    """Return `(start, end)` index pairs of the lines `text` falls into.

    `widths[i]` is the width of `text[i]`; line n is at most `max_widths[n]` wide (the last width
    repeats). `hard[i]` marks a forced break after `text[i]` (reportlab's `<br/>`). `points` are
    `break_points(text)` and `break_points(text, glue=False)` when already known (the second
    may be None: it is computed when a line has no other break). `prefix` is
    `accumulate(widths, initial=0)`, given when the same text is split at several widths.
    `end_squeeze[i]` is how much narrower `text[i]` may be set at a line's end (a closing mark's
    blank half): a mark that overflows by no more stays on its line, compressed, instead of
    taking the character before it to the next line.
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
        i = max(bisect_right(acc, acc[start] + limit + FUZZ, start + 1) - 1, start + 1)
        if i >= n:
            break
        shed = end_squeeze.get(i, 0.0) if end_squeeze else 0.0
        if shed and acc[i + 1] - shed <= acc[start] + limit + FUZZ and (i + 1 >= n or ok[i + 1]):
            if i + 1 >= n:
                break
            lines.append((start, i + 1))
            start = i + 1
            continue
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
        elif used > limit + FUZZ and i > start:
            end, loose = _break_at(text, i, start, ok, loose)
            lines.append((start, end))
            start, used = end, 0.0
            i = end
            continue
        i += 1
    if start < n:
        lines.append((start, n))
    return lines
