"""Small text measures shared by renderers: widths in em, title line breaks, Chinese dates.

Widths here are estimates in em (full-width = 1, half-width = 0.5) for decisions that must be
made before a layout engine sees the text (where to break a title, how far to indent a date).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ..style import TitleBreaks

# A title line may well start with these words (GB/T 9704: keep words whole when a title wraps).
_GOOD_STARTS = (
    "关于", "印发", "转发", "批转", "开展", "做好", "加强", "进一步", "推进", "实施", "公布", "公开",
    "完成", "工作", "年度", "《",
)
# Never at a line start / line end (W3C clreq, GB/T 15834).
_NO_START = set("、，。．：；！？”’」』）］｝】〕〗》〉…—的")
_NO_END = set("“‘「『（［｛【〖〔《〈")
# Document-type words that must not stand alone on the last line.
_DOC_TYPES = ("通知", "通报", "公告", "通告", "意见", "办法", "决定", "报告", "方案", "情况", "请示", "批复", "函")


def em_width(text: str) -> float:
    """Return the width of `text` in em: wide and full-width characters 1, others 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _legal(title: str, i: int) -> bool:
    a, b = title[i - 1], title[i]
    if b in _NO_START or a in _NO_END:
        return False
    if a.isascii() and a.isalnum() and b.isascii() and (b.isalnum() or b in ".%"):
        return False  # inside a number or a Latin word
    if a.isdigit() and b in "年月日号项个万亿元":
        return False  # a number and its unit stay together
    if title.startswith("关于", i - 2):
        return False  # 关于 opens what follows: never the end of a line
    rest = title[i:]
    return not any(rest == t or rest == "的" + t for t in _DOC_TYPES)


def _break_cost(title: str, i: int, costs: TitleBreaks) -> float:
    if title.startswith("关于", i):
        return costs.before_guanyu
    if any(title.startswith(w, i) for w in _GOOD_STARTS) or title[i - 1] in "、，”》）":
        return costs.before_opening_word
    return costs.elsewhere


#: A title of more lines than this is filled line by line: balancing weighs every way of cutting
#: it, which grows with the number of lines (GB/T 9704 titles have one to three).
BALANCED_LINES = 6


@functools.lru_cache(maxsize=256)  # the .docx and the PDF of a bulletin split the same title
def split_title(title: str, max_em: float, costs: TitleBreaks) -> tuple[str, ...]:
    """Return the title cut into lines of at most `max_em` em, breaking between words.

    Breaks fall between the segmenter's words (`words.boundaries`: 词意完整, GB/T 9704 7.3.1) and
    no line is shorter than `costs.min_line_chars`; only when no such cut fits are words cut.
    Among cuts into the fewest lines (or one more, at `costs.extra_line`), picks the one of least
    `costs`: breaks before words that commonly open a title line (`关于`, `印发`, …) or after a
    closing mark, and the most even lines; never puts closing marks or `的` at a line start nor
    leaves the document-type word alone. A title that fits is returned whole; one of more than
    `BALANCED_LINES` lines is filled line by line at the same legal breaks (time linear in its
    length).
    """
    if em_width(title) <= max_em or len(title) < 4:
        return (title,)
    n = len(title)
    pre = [0.0]
    for c in title:
        pre.append(pre[-1] + em_width(c))
    legal = [i for i in range(1, n) if _legal(title, i)]
    n_min = int(-(-pre[n] // max_em))
    if n_min > BALANCED_LINES:
        return _filled(title, pre, [0, *legal, n], max_em)
    from .words import boundaries

    ends = boundaries(title)
    for least, cand in ((costs.min_line_chars, [i for i in legal if i in ends]), (costs.min_line_chars, legal),
                        (1, legal)):
        cuts = [0, *cand, n]
        penalty = {b: _break_cost(title, b, costs) for b in cand}
        best: tuple[float, list[int]] | None = None
        for k in (n_min, n_min + 1):
            found = (_shaped(pre, cuts, penalty, max_em, k, least, costs.hourglass) if 3 <= k <= 4
                     else _balanced(pre, cuts, penalty, max_em, k, least))
            extra = costs.extra_line * (k - n_min)
            if found is not None and (best is None or found[0] + extra < best[0]):
                best = (found[0] + extra, found[1])
        if best is not None:
            bounds = [0, *best[1], n]
            return tuple(title[a:b] for a, b in zip(bounds, bounds[1:], strict=False))
    return _filled(title, pre, [0, *legal, n], max_em)


def _balanced(pre: list[float], cuts: list[int], penalty: dict[int, float], max_em: float,
              k: int, least: int = 1) -> tuple[float, list[int]] | None:
    """The cheapest cut of the title into `k` lines of at least `least` characters (cost:
    distance from even lines, and the break costs), and its breaks; None when no such cut fits."""
    n = cuts[-1]
    target = pre[n] / k
    last = len(cuts) - 1
    # cost[m][j]: cheapest way to set title[cuts[j]:] in m lines; nxt[m][j]: its first break
    cost = [[None] * len(cuts) for _ in range(k + 1)]
    nxt = [[0] * len(cuts) for _ in range(k + 1)]
    for j in range(last, -1, -1):
        a = cuts[j]
        w = pre[n] - pre[a]
        if w <= max_em and n - a >= least:
            cost[1][j] = (w - target) ** 2 / 4
        for m in range(2, k + 1):
            for jj in range(j + 1, last):
                w = pre[cuts[jj]] - pre[a]
                if w > max_em:
                    break
                if cuts[jj] - a < least:
                    continue
                rest = cost[m - 1][jj]
                if rest is not None:
                    c = rest + (w - target) ** 2 / 4 + penalty[cuts[jj]]
                    if cost[m][j] is None or c < cost[m][j]:
                        cost[m][j], nxt[m][j] = c, jj
    if cost[k][0] is None:
        return None
    breaks, j = [], 0
    for m in range(k, 1, -1):
        j = nxt[m][j]
        breaks.append(cuts[j])
    return cost[k][0], breaks


def _shaped(pre: list[float], cuts: list[int], penalty: dict[int, float], max_em: float, k: int,
            least: int, hourglass: float) -> tuple[float, list[int]] | None:
    """`_balanced` for three or four lines, weighing the shape too (GB/T 9704 7.3.1: 梯形或菱形):
    a line shorter than both its neighbours (an hourglass) costs `hourglass` for each em it falls
    short of the shorter one. Every fitting cut is tried: at these line counts they are a few
    hundred."""
    n = cuts[-1]
    target = pre[n] / k
    best: tuple[float, list[int]] | None = None

    def walk(j: int, lines: int, breaks: list[int], widths: list[float], cost: float) -> None:
        nonlocal best
        a = cuts[j]
        if lines == 1:
            w = pre[n] - pre[a]
            if w > max_em or n - a < least:
                return
            ws = [*widths, w]
            total = cost + (w - target) ** 2 / 4
            total += hourglass * sum(max(0.0, min(ws[i - 1], ws[i + 1]) - ws[i]) for i in range(1, k - 1))
            if best is None or total < best[0]:
                best = (total, list(breaks))
            return
        for jj in range(j + 1, len(cuts) - 1):
            w = pre[cuts[jj]] - pre[a]
            if w > max_em:
                break
            if cuts[jj] - a < least:
                continue
            breaks.append(cuts[jj])
            walk(jj, lines - 1, breaks, [*widths, w], cost + (w - target) ** 2 / 4 + penalty[cuts[jj]])
            breaks.pop()

    walk(0, k, [], [], 0.0)
    return best


def _filled(title: str, pre: list[float], cuts: list[int], max_em: float) -> tuple[str, ...]:
    """Lines filled as far as `max_em` allows, breaking at the last legal cut (or, when none
    fits, where the line is full)."""
    lines, start, c = [], 0, 1
    n = len(title)
    while start < n:
        end = start
        while c < len(cuts) and pre[cuts[c]] - pre[start] <= max_em:
            end = cuts[c]
            c += 1
        if end == start:  # no legal break within the width: cut where the line is full
            end = start + 1
            while end < n and pre[end + 1] - pre[start] <= max_em:
                end += 1
        lines.append(title[start:end])
        start = end
        while c < len(cuts) and cuts[c] <= start:
            c += 1
    return tuple(lines)


def chinese_date(iso: str | None) -> str | None:
    """Return `2021年2月7日` for `2021-02-07` (with or without a time), or None."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return None
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
