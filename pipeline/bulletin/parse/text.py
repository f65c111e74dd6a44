"""Flattened web text → draft `Document`.

The input is what a browser copy or a scraper gives: one table cell or paragraph per line,
blank lines between cells, page chrome and metadata around the content. Every node keeps the
line it came from. Text is sliced, never rewritten: tidying is the normaliser's job.
"""

from __future__ import annotations

import re

from ..chinese import HAS_CJK
from ..model import (
    Block,
    Change,
    Diagnostic,
    Document,
)
from ..patterns import lazy
from .chrome import is_chrome
from .common import (
    DOC_NUMBER,
    DOC_NUMBER_LINE,
    ISSUER_MARK,
    ITEM_NUMBER,
    ORG_SUFFIX,
    TABLE_HEADER,
    Src,
    continues_title,
    draft,
    heading_of,
    notice_blocks,
    title_like,
)
from .elements import (
    LETTER_MARK,
    SIGNERS_LABEL,
    continues_signers,
    field_line,
    order_mark,
    record_line,
    signed_number,
    take_fields,
)
from .header import (
    BULLET,
    CHROME_FRAGMENT,
    DATE,
    ORG_END,
    TITLE_END,
    TITLE_LABELS,
    MetaFields,
    TitleHints,
    compact,
    is_date_line,
    label_only,
    plausible,
    split_labels,
    take_meta,
    take_value,
    title_score,
)
from .text_tables import cell_run, cell_table, pipes_to_tabs, read_table, table_start

# the page's footer starts: what follows is chrome, whatever it is
FOOTER_START = lazy(r"^(?:相关链接|相关阅读|相关文章|相关新闻|相关文件|上一篇|下一篇|版权所有|Copyright|©|"
                          r"免责声明|[\[【]免责声明|原文链接|原文地址|本文地址|更多阅读|推荐阅读|延伸阅读|相关推荐|热点推荐|"
                          r"留言与评论|发表评论|网友评论|标签[:：]|"
                          r"主办单位|主办[:：]|政府网站标识码|网站标识码|网站地图|联系我们|扫一扫在手机)", re.I)


def parse_text(text: str) -> Document:
    """Parse flattened bulletin text into a draft Document (not yet normalised or validated)."""
    changes: list[Change] = []
    diagnostics: list[Diagnostic] = []
    stream = pipes_to_tabs([Src(i + 1, t) for i, t in enumerate(text.split("\n"))])
    meta = MetaFields()
    title, start = _head(stream, meta, changes)
    body_lines = stream[start:]
    last_body = max((k for k, ln in enumerate(body_lines) if _sentence(ln.s) or ITEM_NUMBER.match(ln.s)), default=-1)
    footer = next((k for k, ln in enumerate(body_lines) if k >= last_body and FOOTER_START.match(ln.s)), None)
    for ln in body_lines[footer:] if footer is not None else ():
        if ln.s and not _foot_line(ln, meta, changes, title):
            changes.append(Change(kind="chrome", line=ln.no, before=ln.text, after=""))
            ln.clear()
    _take_tail(body_lines, meta, changes, title)
    body = _body(body_lines, meta, changes, diagnostics)
    if title is None and meta.name:
        title = meta.name
    return draft(title, meta, body, changes, diagnostics)


def _sentence(s: str) -> bool:
    """A line of the document's own prose: a long sentence. A site's foot has none (nor a table's
    next item number: `版权所有` in a cell does not start the foot)."""
    return len(s) > 40 and "。" in s


# --- the header: chrome, metadata, title ------------------------------------------------------


_HEAD_LINES = 60  # the title is looked for among this many lines at the most, chrome and menus not counted
_HEAD_SCAN = 2000  # nor past this many lines, all counted


def _head_kinds(stream: list[Src]) -> dict[int, str]:
    """Classify the lines of the page's head: chrome, meta, label (value on the next line), value,
    doc (a 发文字号 line), issuer (xx文件 over a 发文字号), cand (could be the title), junk (a short
    line that is none of these: a widget, a menu item). The head ends at the first line that reads
    as body — or, when the metadata names the title, at the line that prints it."""
    kinds: dict[int, str] = {}
    nonblank = [k for k, ln in enumerate(stream) if ln.s]
    n = passed = 0  # lines read, and how many of them were chrome or menu items
    strong: set[int] = set()  # the candidates that may be the title (`_strong`)
    while n < min(len(nonblank), _HEAD_LINES + passed, _HEAD_SCAN):
        k = nonblank[n]
        n += 1
        if k in kinds:
            continue
        ln = stream[k]
        nxt = stream[nonblank[n]] if n < len(nonblank) else None
        seen_cand = bool(strong)
        if is_chrome(ln.text) or RULE_LINE.match(ln.s):
            kinds[k] = "chrome"
        elif field_line(ln.s, prev := stream[nonblank[n - 2]].s if n >= 2 else None):
            kinds[k] = "gb-names" if continues_signers(ln.s, prev) else "gb"  # 份号, 密级, 紧急程度, 签发人
        elif (label := label_only(ln.text)) and nxt is not None and not is_chrome(nxt.text) \
                and plausible(label, nxt.s, stream[nonblank[n + 1]].s if n + 1 < len(nonblank) else ""):
            kinds[k], kinds[nonblank[n]] = "label", "value"
        elif split_labels(ln.text) or label_only(ln.text):
            kinds[k] = "meta"
        elif DOC_NUMBER_LINE.match(ln.s):
            kinds[k] = "doc"
        elif order_mark(ln.s, nxt.s if nxt is not None else None):
            kinds[k], kinds[nonblank[n]] = "issuer", "doc"  # `某某人民政府令` over `第390号`
        elif (ISSUER_MARK.match(ln.s) and nxt is not None and (DOC_NUMBER_LINE.match(nxt.s) or "关于" in nxt.s
                                                                 or signed_number(nxt.s))) \
                or (LETTER_MARK.match(ln.s) and nxt is not None and DOC_NUMBER_LINE.match(nxt.s)
                    and "函" in nxt.s):  # a 函's mark: the office's name over its 发文字号 [std 10.1]
            kinds[k] = "issuer"
        elif DISCLOSURE_VALUE.match(ln.s):
            kinds[k] = "junk"
        elif is_date_line(CHROME_FRAGMENT.sub("", ln.s)):  # `2020-08-26    阅读:`
            kinds[k] = "date"
        elif INFO_LINE.match(ln.s):
            kinds[k] = "info"  # `2023-01-05 10:00 区人民政府办公室`: a date and who published it, unlabelled
        elif ln.s[:1] not in _BULLETS and title_like(_title_parts(ln.s)[1]):
            kinds[k] = "cand"
            if _strong(ln.s):
                strong.add(k)
        elif (not seen_cand and len(ln.s) <= 20 or ln.s[:1] in _BULLETS and len(ln.s) <= 24) \
                and not re.search(r"[。；]", ln.s) and not ADDRESSEE_LIKE.search(ln.s) \
                and not TABLE_HEADER.match(ln.s) and not ITEM_NUMBER.match(ln.s) and heading_of(ln.s) is None:
            kinds[k] = "junk"
        else:
            names = {compact(v) for v in _names(stream, kinds)}
            printed = any(kind == "cand" and compact(stream[j].s) in names for j, kind in kinds.items())
            shown = None if printed else next(
                (j for j in nonblank[n - 1 : n + 40] if compact(stream[j].s) in names), None)
            if shown is None:  # the body starts here (unless the title the metadata names is printed below)
                break
            for j in nonblank[n - 1 : nonblank.index(shown)]:  # between the metadata and the title it names
                kinds[j] = "chrome"
                strong.discard(j)
            n = nonblank.index(shown)
        if kinds.get(k) in ("chrome", "junk"):  # a site's menu of any length leaves the title in the head
            passed += 1
    return kinds


_BULLETS = frozenset("•·●◆■▪◇○")
INFO_LINE = lazy(rf"^(?P<date>{DATE.pattern})\s+(?P<org>\S{{2,30}}?{ORG_END})$")
# `各苏木乡镇人民政府,旗直各有关部门:` opens the body (a comma, then the line ends in a colon: each comma is
# not tried in turn, which was quadratic in a long line of commas)
ADDRESSEE_LIKE = lazy(r"^(?:各|[^、，,]*+[、，,])(?>.*)(?<=[:：])$")
RULE_LINE = lazy(r"^[—─━\-－_＿=＝*·~～]{3,}$")  # the 版头's red line, as text
# the values of a disclosure block printed without their labels
DISCLOSURE_VALUE = lazy(
    r"^(?:无|暂无|主动公开|依申请公开|不予公开|部分公开|有效|失效|废止|现行有效|是|否|其他|—|-)$"
)


def _strong(s: str) -> bool:
    """A candidate that may be the title, not a place name or a menu item (`兴宁`, `部门动态`)."""
    return len(HAS_CJK.findall(s)) >= 6 or bool(TITLE_END.search(s))


def _title_parts(s: str) -> tuple[str | None, str, str | None]:
    """A 发文字号 fused before a title (`浙政办发〔2021〕5号关于…的通知`) and a date after it
    (`…调研指导工作 2023-01-31`): (number, title, date)."""
    number = date = None
    m = DOC_NUMBER.match(s)
    if m and len(s) - m.end() >= 6:
        number, s = m[0], s[m.end():].strip()
    d = _TRAILING_DATE.search(s)
    if d and d.start() >= 6:
        date, s = d[1], s[: d.start()]
    return number, s, date


_TRAILING_DATE = lazy(rf"(?<![ \t\u3000])[ \t\u3000]+({DATE.pattern})\s*$")


def _head(stream: list[Src], meta: MetaFields, changes: list[Change]) -> tuple[str | None, int]:
    """Read the page's head: choose the title among the candidate lines (`title_score`), take the
    metadata around it and set aside the chrome; return the title and where the body starts."""
    kinds = _head_kinds(stream)
    order = sorted(kinds)
    best: tuple[float, int, list[int]] | None = None
    given = _names(stream, kinds)
    names = {compact(v) for v in given}
    for n, k in enumerate(order):
        if kinds[k] != "cand":
            continue
        lines, text = [k], _title_parts(stream[k].s)[1]
        for j in order[n + 1 : n + 3]:
            named = any(name.startswith(compact(text + stream[j].s)) for name in names)
            if kinds[j] != "cand" or not (continues_title(text, stream[j].s) or named) or j - lines[-1] > 3:
                break
            lines.append(j)
            text += stream[j].s
        after = next((kinds[j] for j in order if j > lines[-1] and kinds[j] != "chrome"), None)
        before = next((kinds[j] for j in reversed(order) if j < k and kinds[j] != "chrome"), None)
        score = title_score(text, meta_next=after in ("meta", "label", "doc", "info", "date"),
                            meta_prev=before in ("meta", "value", "doc", "info", "date", "gb", "gb-names"),
                            hinted=False, hints=TitleHints(names=names), lines=len(lines))
        if best is None or score > best[0]:
            best = (score, k, lines)
    title_lines = best[2] if best else []
    first = title_lines[0] if title_lines else len(stream)
    title = None
    if title_lines:
        number, head, date = _title_parts(stream[first].s)
        title = head + "".join(stream[j].s for j in title_lines[1:])
        fuller = [n for n in given if compact(title) in compact(n) and len(n) > len(title)]
        if fuller:  # the visible line is a shortened caption of what the 名称 says in full
            changes.append(Change(kind="title-name", line=stream[first].no, before=title, after=fuller[0]))
            title = fuller[0]
        if number:
            meta.doc_number = number
        if date:
            meta.add("published", date, "日期", stream[first].no)
    start = None
    for n, k in enumerate(order):
        ln, kind = stream[k], kinds[k]
        if k in title_lines:
            ln.clear()
            continue
        if k > first and kind not in _HEAD_ONLY \
                and not (title and _repeats(stream, order, n, title, kinds)) \
                and not (kind == "cand" and title and _reprinted_head(stream, order, n, title, kinds)):
            start = k
            break
        above = n + 1 < len(order) and order[n + 1] == first
        _take_head_line(stream, k, kind, meta, changes, above_title=above, after_title=k > first, title=title)
        ln.clear()
    return title, start if start is not None else (order[-1] + 1 if order else 0)


_HEAD_ONLY = ("chrome", "meta", "label", "value", "doc", "junk", "date", "info", "repeat", "gb", "gb-names")


def _reprinted_head(stream: list[Src], order: list[int], n: int, title: str, kinds: dict[int, str]) -> bool:
    """Whether head line order[n], after the title, opens the document's own 版头 printed again: the
    issuer, then within two lines its 文号 or the title once more (`贵阳市人民政府办公厅` / ——— /
    `筑府办函〔2020〕78号` / the title wrapped)."""
    if not ORG_SUFFIX.search(stream[order[n]].s) and not ISSUER_MARK.match(stream[order[n]].s):
        return False
    ahead = [m for m in range(n + 1, min(n + 4, len(order))) if kinds[order[m]] not in ("chrome", "junk")]
    return any(kinds[order[m]] == "doc" or _repeats(stream, order, m, title, dict(kinds)) for m in ahead)


def _repeats(stream: list[Src], order: list[int], n: int, title: str, kinds: dict[int, str]) -> bool:
    """Whether the head line order[n] prints the title again: alone, with a date in brackets after it
    (`…的通知(2004/06/23)`), or wrapped over the next lines."""
    s = compact(stream[order[n]].s)
    whole = compact(title)
    if s == whole or re.fullmatch(rf"{re.escape(whole)}[（(][\d/.\-年月日]+[）)]", s):
        return True
    joined = s
    for j in order[n + 1 : n + 4]:
        if not whole.startswith(joined) or kinds[j] != "cand":
            break
        joined += compact(stream[j].s)
        if joined == whole:
            for m in order[n + 1 : order.index(j) + 1]:
                kinds[m] = "repeat"
            return True
    return False


def _names(stream: list[Src], kinds: dict[int, str]) -> list[str]:
    """The titles a disclosure block names (名称 / 标题 / 法规名称 …, on its line or the next)."""
    names = [value for k, kind in kinds.items() if kind == "meta"
             for label, value in split_labels(stream[k].text) if label in TITLE_LABELS and value]
    return names + [BULLET.sub("", stream[k + 1 + next(j for j, ln in enumerate(stream[k + 1 :]) if ln.s)].s)
                    for k, kind in kinds.items() if kind == "label" and label_only(stream[k].text) in TITLE_LABELS]


def _take_head_line(stream: list[Src], k: int, kind: str, meta: MetaFields, changes: list[Change], *,
                    above_title: bool, after_title: bool, title: str | None) -> None:
    """Record a head line that is not the title: metadata, a 发文字号, the issuer, or chrome."""
    ln = stream[k]
    change = "metadata"
    if kind == "meta":
        take_meta(ln.text, ln.no, meta)
    elif kind == "label":
        nxt = next(j for j in range(k + 1, len(stream)) if stream[j].s)
        take_value(meta, label_only(ln.text), BULLET.sub("", stream[nxt].s), stream[nxt].no)
    elif kind == "doc":
        meta.doc_number = meta.doc_number or ln.s
    elif kind in ("gb", "gb-names"):  # (the line above is cleared by now: it is a 签发人 line)
        take_fields(field_line(ln.s, SIGNERS_LABEL if kind == "gb-names" else None), meta, ln.no)
    elif kind == "issuer" or (kind == "cand" and above_title and title and not meta.issuer
                              and (ISSUER_MARK.match(ln.s) or (ORG_SUFFIX.search(ln.s) and len(ln.s) <= 30
                                                               and "关于" in title and "关于" not in ln.s))):
        meta.issuer = meta.issuer or ln.s
    elif kind == "date":  # a date printed alone under the title: after the labelled dates
        meta.add("published", CHROME_FRAGMENT.sub("", ln.s).strip(), "日期", ln.no, rank=0.9)
    elif kind == "info":
        m = INFO_LINE.match(ln.s)
        meta.add("published", m["date"], "日期", ln.no, rank=0.9)
        meta.add("source", m["org"], "发布机构", ln.no, rank=1.5)
    elif kind == "cand" and after_title and (ORG_SUFFIX.search(ln.s) or ISSUER_MARK.match(ln.s)) \
            and ln.s not in (title or ""):
        meta.issuer = meta.issuer or ln.s  # the 版头's issuer, printed again under the page's title
    elif kind in ("cand", "repeat") and after_title:
        change = "title-repeat"
    elif kind != "value":
        change = "chrome"  # chrome, junk, or a candidate that lost to the title
    changes.append(Change(kind=change, line=ln.no, before=ln.text, after=""))


def _take_tail(lines: list[Src], meta: MetaFields, changes: list[Change], title: str | None) -> None:
    """The page's foot after the content: metadata (`发布日期：…`, also after the title printed again:
    `关于…的函 来源:某厅 时间:2014-04-28`) and chrome (print, close, share)."""
    for ln in reversed(lines):
        if ln.s and not _foot_line(ln, meta, changes, title):
            return


def _foot_line(ln: Src, meta: MetaFields, changes: list[Change], title: str | None) -> bool:
    """Set a foot line aside when it is chrome or metadata; return whether it was."""
    after_title = ln.text.strip()[len(title):] if title and len(title) >= 6 and ln.s.startswith(title) else None
    if is_chrome(ln.text):
        changes.append(Change(kind="chrome", line=ln.no, before=ln.text, after=""))
    elif record_line(ln.s):  # a 版记's `印发日期：` is no page metadata
        return False
    elif take_meta(ln.text, ln.no, meta) or (after_title and take_meta(after_title, ln.no, meta)):
        changes.append(Change(kind="metadata", line=ln.no, before=ln.text, after=""))
    else:
        return False
    ln.clear()
    return True


# --- the body: tables and the text around them ------------------------------------------------


def _body(lines: list[Src], meta: MetaFields, changes: list[Change], diags: list[Diagnostic]) -> list[Block]:
    body: list[Block] = []
    i = 0
    while i < len(lines):
        h, shape = next(((k, None) if table_start(lines, k) else (k, run) for k in range(i, len(lines))
                         if table_start(lines, k) or (run := cell_run(lines, k))), (None, None))
        if shape is not None:
            h = shape[0]  # after the caption
        text_part = [ln for ln in lines[i : h if h is not None else len(lines)] if ln.s]
        if h is None:
            body += notice_blocks(text_part, meta, changes, diags, first=not body)
            break
        body += notice_blocks(text_part, meta, changes, diags, first=not body)
        if shape is None:
            table, i, trailing = read_table(lines, h, diags)
        else:
            table, i = cell_table(lines, shape)
            trailing = []
        body.append(table)
        if trailing:
            body += notice_blocks(trailing, meta, changes, diags, first=False)
    return body


