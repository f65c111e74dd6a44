"""What every reader shares: page chrome, metadata labels, dates, markers and notice lines.

The text and HTML readers differ in how they find lines and tables; once they hold a line of
text, they classify it with the functions here, so both give the same `Document`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chinese import CJK, HAS_CJK
from ..model import (
    Addressee,
    Annex,
    Attachments,
    Block,
    Change,
    Diagnostic,
    Document,
    Heading,
    Meta,
    Note,
    Para,
    Paragraph,
    Signature,
)
from ..patterns import lazy
from .elements import NOTE_CONTACT, NOTE_LINE, ORDER_MARK, RULE, annexes, record, record_line
from .header import (
    BULLET,
    ORG_END,
    SIGNATURE_RANK,
    SITE_WORDS,
    TITLE_END,
    MetaFields,
    bad_published,
    compact,
    is_date_line,
    iso_date,
    label_only,
    resolve,
)

CN_NUM = "一二三四五六七八九十百零〇"

# --- document numbers, markers, headings ------------------------------------------------------

DOC_NUMBER = lazy(
    rf"(?P<org>[{CJK}]{{1,16}})\s*(?:[〔\[［【(（](?P<year>\d{{4}})[〕\]］】)）]|(?P<bare>(?:19|20)\d{{2}})(?=\s))"
    rf"\s*(?P<serial>\d{{1,5}})\s*(?P<hao>[号號])"  # `新政发1994 103号`: the brackets lost in a scrape
    rf"|(?P<order>[{CJK}]{{1,16}}令)\s*第\s*(?P<oserial>\d{{1,5}})\s*(?P<ohao>[号號])"  # an order: 国务院令第706号
)
DOC_NUMBER_LINE = lazy(rf"^(?:{DOC_NUMBER.pattern})$")
# `各县区党委和人民政府，市委有关部门`: a 主送机关 that goes on on the next line
ADDRESSEE_START = lazy(r"^各[^：:。]{2,}[、，,][^：:。]*$")
LEADING_DOC_NUMBER = lazy(rf"^[（(]\s*(?P<num>{DOC_NUMBER.pattern})\s*[）)]\s*")
DATELINE = lazy(rf"^[{CJK}]{{2,4}}[:：]\s*(?=关于)")  # a place before the title, as news portals print it
TITLE_DOC_NUMBER = lazy(rf"(?<!\s)\s*[（(]\s*(?P<num>{DOC_NUMBER.pattern})\s*[）)]\s*$")


def doc_number(text: str) -> str | None:
    """Return `浙市监〔2021〕1号` for any bracket style, serial without leading zeros."""
    m = DOC_NUMBER.search(text)
    if not m:
        return None
    if m["order"]:
        return f"{m['order']}第{int(m['oserial'])}{m['ohao']}"
    return f"{m['org']}〔{m['year'] or m['bare']}〕{int(m['serial'])}{m['hao']}"


HEADING_PATTERNS = (
    (1, lazy(rf"^(?P<m>[{CN_NUM}]{{1,3}}[、，,])[ \u3000]*(?P<t>\S.*)$")),
    (2, lazy(rf"^(?P<m>[（(][{CN_NUM}]{{1,3}}[）)])[ \u3000]*(?P<t>\S.*)$")),
    (3, lazy(r"^(?P<m>\d{1,3}(?:[.．、]|\.\.)(?=[^\d.．]|\d{4}年|\d{1,2}月))\s*(?P<t>\S.*)$")),
    (4, re.compile(r"^(?P<m>[（(]\d{1,3}[）)])[ \u3000]*(?P<t>\S.*)$")),
)
SECTION_ROW = lazy(rf"^(?:[{CN_NUM}]{{1,3}}[、.．]|[（(][{CN_NUM}]{{1,3}}[）)]|第[{CN_NUM}]{{1,3}}[部分类])\S")
SENTENCE_END = "。！？!?；;…”’）)》"
ORG_SUFFIX = lazy(rf"{ORG_END}$")


# a regulation's divisions and articles: `第一章　总则`, `第十二条　…` (Traditional 條 and 節 too)
DIVISION = lazy(
    rf"^(?P<m>第[{CN_NUM}\d]{{1,5}}(?P<kind>[编章节節編]))(?:[\s\u3000]+|(?=[^\s，。、]))(?P<t>\S.{{0,38}})$"
)
ARTICLE = lazy(
    rf"^(?P<m>第[{CN_NUM}\d]{{1,5}}[条條])(?:(?:[\s\u3000]+|(?=[【（(\u4e00-\u9fff]))(?P<t>\S.*))?$"
)
DIVISION_RANK = {"编": 0, "編": 0, "章": 1, "节": 2, "節": 2}


def heading_of(line: str) -> tuple[int, str, str] | None:
    """Return (level, marker, rest) when the line starts with a heading marker."""
    for level, pat in HEADING_PATTERNS:
        m = pat.match(line)
        if m:
            return level, m["m"], m["t"]
    return None


def first_sentence(text: str) -> tuple[str, str]:
    """Split `总体目标。本方案…` into (`总体目标。`, `本方案…`); the rest is '' when there is none."""
    m = re.search(r"[。：:！？]", text)
    if not m or m.end() >= len(text.rstrip()):
        return text, ""
    return text[: m.end()], text[m.end():]


FILE_NAME = lazy(r"\.(?:docx?|xlsx?|pdf|rar|zip|7z|wps|et|ofd|txt|jpe?g|png|tif)$", re.I)


NOT_SIGNER = lazy(r"^(?:特此|此复|此致|敬礼)|^[（(].*[）)]$")  # nor `（此页无正文）`


def looks_like_signer(line: str) -> bool:
    s = line.strip()
    return 2 <= len(s) <= 40 and not FILE_NAME.search(s) and not NOT_SIGNER.match(s) \
        and not re.search(r"[。，,；;：:！？]", s) and bool(HAS_CJK.search(s)) and (
        bool(ORG_SUFFIX.search(s)) or len(s) <= 20
    ) and heading_of(s) is None


@dataclass(slots=True)
class Src:
    """A source line: its number, its text as printed, and `s`, the text stripped."""

    no: int
    text: str
    s: str = ""

    def __post_init__(self) -> None:
        self.s = self.text.strip()

    def clear(self) -> None:
        """Blank the line out (it was chrome or metadata)."""
        self.text = self.s = ""


def notice_blocks(lines: list[Src], meta: MetaFields, changes: list[Change],
                  diagnostics: list[Diagnostic], *, first: bool = True) -> list[Block]:
    """Classify the lines of a notice (or the text around a table) into blocks.

    `first` tells whether these lines open the body (only then can a line be the 主送机关).
    """
    blocks: list[Block] = []
    signatures = _signature_ranges(lines)
    in_notes = False  # under `注释：` numbered lines are notes, not headings
    i = 0
    while i < len(lines):
        ln = lines[i]
        s = ln.s
        if i in signatures:
            end, d = signatures[i]
            signers = [part for k, x in enumerate(lines[i : end + 1], start=i) if k != d
                       for part in _signers(x.s)]
            blocks.append(Signature(signers=signers, date=iso_date(lines[d].s), date_text=lines[d].text,
                                    line=ln.no))
            i = end + 1
            continue
        if DOC_NUMBER_LINE.match(s) and (not meta.doc_number or doc_number(s) == doc_number(meta.doc_number)):
            meta.doc_number = meta.doc_number or s  # printed again above the body: said once, in meta
            changes.append(Change(kind="metadata", line=ln.no, before=ln.text, after=""))
            i += 1
            continue
        att = re.match(r"^附\s*件\s*(?:[:：]\s*)?(?P<rest>.*)$", s)
        # `附件1：` or `附件2` alone labels the attachment printed below (a table's caption), no list
        caption = att is not None and re.fullmatch(r"\d{1,2}\s*[:：]?", att["rest"]) is not None
        if att and not caption and (att["rest"] == "" or re.match(r"^\d", att["rest"]) or s[2:3] in ":："):
            items, j = [], i + 1
            if att["rest"]:
                items.append(_attachment(att["rest"], ln.no))
            while j < len(lines):
                if items and _unclosed(items[-1].text) and len(lines[j].s) <= 30:  # `…（2020年6月修` / `订稿）`
                    items[-1].text += lines[j].s
                elif (ATTACHMENT_ITEM.match(lines[j].s) or FILE_NAME.search(lines[j].s)) and (items or j == i + 1):
                    items.append(_attachment(lines[j].s, lines[j].no))
                else:
                    break
                j += 1
            if items:
                blocks.append(Attachments(items=items, line=ln.no))
                i = j
                continue
        nxt = lines[i + 1].s if i + 1 < len(lines) else ""
        if (first and _preamble(blocks) and ADDRESSEE_START.match(s) and re.search(r"[:：]$", nxt)
                and "。" not in nxt and len(s + nxt) <= 250):
            # the 主送机关 wrapped over two lines (`各县区党委和人民政府，市委有关部门` / `，各人民团体…：`)
            blocks.append(Addressee(text=ln.text.rstrip() + lines[i + 1].text.strip(), line=ln.no))
            i += 2
            continue
        bare = BULLET.sub("", s)  # `• 各县（区）医疗保障局…：`
        numbered = LEADING_DOC_NUMBER.match(bare)  # `（新政发〔1994〕103号）伊犁哈萨克自治州，各州…：`
        if numbered and meta.doc_number and doc_number(meta.doc_number) != doc_number(numbered["num"]):
            numbered = None  # another 文号 than the header's: it stays where it is printed
        rest = bare[numbered.end():] if numbered else bare
        if (first and _preamble(blocks) and re.search(r"[:：]$", rest) and len(rest) <= 250 and "。" not in rest
                and not label_only(rest) and heading_of(rest) is None
                and not re.search(r"如下|现将|根据|为了|按照|特此", rest)):
            if numbered:
                meta.doc_number = meta.doc_number or numbered["num"]
                changes.append(Change(kind="doc-number", line=ln.no, before=ln.text, after=rest))
            blocks.append(Addressee(text=rest if rest != s else ln.text, line=ln.no))
            i += 1
            continue
        div = DIVISION.match(s)
        if div and not re.search(r"[。；]$", s):
            blocks.append(Heading(level=1 + DIVISION_RANK[div["kind"]], marker=div["m"], text=div["t"], line=ln.no))
            i += 1
            continue
        art = ARTICLE.match(s)
        if art:
            blocks.append(Paragraph(marker=art["m"], text=art["t"] or "", article=True, line=ln.no))
            i += 1
            continue
        if NOTES_START.match(s):
            in_notes = True
        h = heading_of(s)
        if h and in_notes:
            blocks.append(Paragraph(marker=h[1], text=h[2], line=ln.no))
            i += 1
            continue
        if h:
            level, marker, rest = h
            head, tail = first_sentence(rest)
            sentence = not tail and re.search(r"[，,].*[。；]$", head)  # `1.本公报中数据均为初步统计数，…。`
            lead_in = re.search(r"[:：]$", head) and len(head) > 12  # `4.统计范围包括：` opens a list
            # a short sentence among numbered paragraphs of its level is one of them too
            among = re.search(r"[。；]$", head) and any(
                isinstance(b, Paragraph) and b.marker and heading_of(b.marker + "x") and
                heading_of(b.marker + "x")[0] == level for b in blocks[-3:])
            if len(head) <= 40 and (tail or not re.search(r"[。；]$", head) or len(head) <= 25) \
                    and not sentence and not lead_in and not among:
                blocks.append(Heading(level=level, marker=marker, text=head, line=ln.no))
                if tail.strip():
                    blocks.append(Paragraph(text=tail, run_in=True, line=ln.no))
            else:
                blocks.append(Paragraph(marker=marker, text=rest, line=ln.no))
            i += 1
            continue
        blocks.append(Paragraph(text=ln.text, line=ln.no))
        i += 1
    return blocks


NOTES_START = lazy(r"^(?:注|注释|说明|备注|附注|注解)\s*[:：]$")


def _preamble(blocks: list[Block]) -> bool:
    """Whether only what may stand above a 主送机关 came before it: nothing, or a line or two such as
    the notice's own title under the page's, or a bracketed note (`（2023年7月20日…发布）`)."""
    return len(blocks) <= 2 and all(
        isinstance(b, Paragraph) and b.marker is None
        and ((len(b.text) <= 60 and not re.search(r"[。；，,:：]$", b.text.strip()))
             or re.fullmatch(r"[（(].*[）)]", b.text.strip()) is not None)
        for b in blocks)


ATTACHMENT_ITEM = lazy(r"^(?P<m>\d{1,2}[.．、])\s*(?=\S)")
# 附注 [std 7.3.6]: in parentheses on the lines under the 成文日期, or a contact line there
_NOTE_PARENS = lazy(r"^[（(](?P<t>[^（）()]+(?:[（(][^（）()]*[）)][^（）()]*)*)[）)][。.]?$")


def _after_closing(s: str) -> bool:
    """What may follow the closing date: 附注, the 版记's lines, rule lines."""
    return bool(NOTE_LINE.match(s)) or record_line(s) or bool(RULE.match(s))


def _unclosed(text: str) -> bool:
    """Whether a bracket or a 《 of `text` is still open: the name goes on on the next line."""
    return any(text.count(a) > text.count(b) for a, b in (("（", "）"), ("(", ")"), ("《", "》")))


def _attachment(text: str, line: int) -> Para:
    m = ATTACHMENT_ITEM.match(text)
    return Para(marker=m["m"], text=text[m.end():], line=line) if m else Para(text=text, line=line)


def _signature_ranges(lines: list[Src]) -> dict[int, tuple[int, int]]:
    """first → (last, date) indexes of each 署名 + 成文日期 block: one or more signer lines over a
    date line.

    The closing one may be a lone date and be followed by notes (附注, 抄送), or a date over the one
    signer who closes the page (an order: `二零零二年五月九日` / `行政長官 何厚鏵`); one in the middle (a
    印发 notice followed by the document it issues) needs its signer.
    """
    out: dict[int, tuple[int, int]] = {}
    end = len(lines) - 1
    while end > 0 and _after_closing(lines[end].s) and len(lines) - end <= 6:
        end -= 1
    for d, ln in enumerate(lines):
        if not is_date_line(ln.s) or (d and any(last == d - 1 for last, _ in out.values())):
            continue
        i = d
        while i > 0 and d - i < 4 and looks_like_signer(lines[i - 1].s) and not is_date_line(lines[i - 1].s):
            i -= 1
        closing = d == end
        following = lines[d + 1].s if d + 1 < len(lines) else ""
        undersigned = i < d and (_after_closing(following) or not following or _title_ish(following)
                                 or re.match(r"^附\s*件", following) is not None)  # the annexes follow
        # a date alone under the last sentence of a notice, before the title of what it issues
        dated = i == d and d > 0 and lines[d - 1].s.endswith("。") and bool(following) and _title_ish(following)
        if i == d and d == end - 1 and looks_like_signer(lines[end].s) and re.search(r"\s", lines[end].s) \
                and lines[d - 1].s.endswith("。"):
            out[i] = (end, d)  # the date over the signer: 职务 and name on the page's last line
        elif closing or undersigned or dated:
            out[i] = (d, d)
    return out


def _signers(line: str) -> list[str]:
    """The 署名 of a signer line: two spaces part joint signers, one space too between office
    names (`某委员会　某局`), not between a 职务 and a name (an order's `省长　王浩`)."""
    parts = [p for p in re.split(r"\s{2,}", line) if p]
    out = []
    for part in parts:
        pieces = part.split()
        out += pieces if len(pieces) > 1 and all(ORG_SUFFIX.search(x) for x in pieces) else [part.strip()]
    return out


def _title_ish(s: str) -> bool:
    """A short line without end punctuation: the title of what follows a mid-text signature."""
    return len(s) <= 60 and not re.search(r"[。；，：:]$", s)


def notes(body: list[Block], changes: list[Change]) -> list[Block]:
    """The paragraphs right after the (last) signature that are 附注 — `（此件公开发布）`,
    `（联系人：…，电话：…）`, or a `联系人：…` line — as `note` blocks, text without the parentheses."""
    sig = max((i for i, b in enumerate(body) if isinstance(b, Signature)), default=None)
    if sig is None:
        return body
    out = body[: sig + 1]
    for k, block in enumerate(body[sig + 1:], start=sig + 1):
        if not isinstance(block, Paragraph) or block.marker:
            return out + body[k:]
        m = _NOTE_PARENS.match(block.text.strip())
        if m:
            text = m["t"].strip()
        elif NOTE_CONTACT.match(block.text):
            text = block.text.strip().rstrip("。.")
        else:
            return out + body[k:]
        changes.append(Change(kind="note", line=block.line, before=block.text, after=text))
        out.append(Note(text=text, line=block.line))
    return out


def regulation_levels(body: list[Block]) -> list[Block]:
    """In a regulation: 第X编/章/节 ranked by the kinds present (章 alone is level 1), and the `一、`
    or `（一）` items inside an article kept as paragraphs rather than headings."""
    divisions = [b for b in body if isinstance(b, Heading) and DIVISION.match(b.marker + "　" + b.text)]
    if not divisions and not any(isinstance(b, Paragraph) and b.article for b in body):
        return body
    kinds = sorted({DIVISION_RANK[b.marker[-1]] for b in divisions})
    out: list[Block] = []
    in_article = in_division = False  # inside an article; after the first 第X章 (its items are provisions)
    for b in body:
        if any(b is d for d in divisions):
            b.level = 1 + kinds.index(DIVISION_RANK[b.marker[-1]])
            in_article, in_division = False, True
        elif isinstance(b, Paragraph) and b.article:
            in_article = True
        elif (in_article or in_division) and isinstance(b, Heading):
            b = Paragraph(marker=b.marker, text=b.text, line=b.line)
        elif (in_article or in_division) and isinstance(b, Paragraph) and b.run_in and out \
                and isinstance(out[-1], Paragraph) \
                and out[-1].line == b.line and not out[-1].article:
            out[-1].text += b.text  # the run-in rest of an item that is no heading here
            continue
        out.append(b)
    return out


def draft(title: str | None, meta: MetaFields, body: list[Block], changes: list[Change],
          diagnostics: list[Diagnostic], *, url: str | None = None) -> Document:
    """Assemble a reader's draft Document, the same way for every reader.

    A document number in the title's brackets moves to `meta.doc_number` (one that differs from
    the number the header gives stays in the title, as printed), written in one form (〔〕, no
    leading zeros); the signature's date is the last candidate for the publication date; every
    field is chosen by `header.resolve`.
    """
    if title and (m := TITLE_DOC_NUMBER.search(title)) and (
            not meta.doc_number or doc_number(meta.doc_number) == doc_number(m["num"])):
        changes.append(Change(kind="doc-number", line=None, before=title, after=title[: m.start()]))
        meta.doc_number = meta.doc_number or m["num"]
        title = title[: m.start()]
    if title and (m := DATELINE.match(title)):  # a portal's `北京：关于印发…的通知`
        changes.append(Change(kind="dateline", line=None, before=title, after=title[m.end():]))
        title = title[m.end():]
    if not title and meta.issuer and ORDER_MARK.match(meta.issuer):  # an order is named by its mark and 令号
        title = meta.issuer + (meta.doc_number or "")
        changes.append(Change(kind="title-order", line=None, before="", after=title))
    signature = next((b for b in reversed(body) if isinstance(b, Signature) and b.date_text), None)
    if signature is not None:
        meta.add("published", signature.date_text, "署名日期", signature.line, rank=SIGNATURE_RANK)
    body = record(annexes(regulation_levels(body), changes), changes)
    body = notes(body, changes)
    for annex in (b for b in body if isinstance(b, Annex)):
        annex.body = notes(annex.body, changes)
    resolve(meta, changes, diagnostics)
    best = meta.best("published")
    published = iso_date(best.value) if best else None
    if best is not None and best.value.strip() != published and best.rank < SIGNATURE_RANK:
        changes.append(Change(kind="date", line=best.line, before=best.value.strip(), after=published))
    return Document(
        meta=Meta(title=title or "", source=meta.source, published=published,
                  published_text=None if published else bad_published(meta),
                  issuer=meta.issuer, copy_number=meta.copy_number, classification=meta.classification,
                  urgency=meta.urgency, signers=meta.signers,
                  doc_number=meta.doc_number and (doc_number(meta.doc_number) or meta.doc_number),
                  url=url),
        body=body,
        changes=changes,
        diagnostics=diagnostics,
    )


def entry(text: str, line: int | None, group: int) -> Para:
    return Para(text=text, group=group, line=line)


# --- what both readers ask of a line: title, table header, column roles -----------------------

ITEM_NUMBER = lazy(r"^(\d{1,4})[.、．]?$")
_LONG_ITEM_NUMBER = lazy(r"^(\d{5,9})[.、．]?$")


def item_number(s: str, prev: int | None) -> str | None:
    """The item number a line holding only a number gives (`12`, `12.`, `12、`), or None.

    Four digits at most, as a figure alone on a line inside a cell rarely has fewer; a longer
    number is an item's only when it follows the item before it (9999, then 10000)."""
    m = ITEM_NUMBER.match(s)
    if m is None and prev is not None and (m := _LONG_ITEM_NUMBER.match(s)) and int(m[1]) != prev + 1:
        return None
    return m[1] if m else None
TABLE_HEADER = lazy(r"^序\s*[号號](?:$|[\t \u3000]+\S)")
ISSUER_MARK = lazy(r"^\S{2,30}(?:文件|公报|简报|通报)$")
# the multi-line column's header, most telling first
PROGRESS_HEADERS = [lazy(p) for p in (r"进展|进度", r"(?:情况|成效)$", r"完成|情况|成效|落实",
                                             r"内容|措施|举措|做法")]
NOT_PROGRESS = lazy(r"时限|时间|期限|日期|单位|处室|科室|部门|备注|责任")
NAME_HEADER = lazy(r"名称|项目|事项|任务|工作|目标")
NOT_NAME = lazy(r"单位|部门|处室|科室|时限|时间|期限|日期|责任")


def title_like(s: str) -> bool:
    """A line that could be (part of) a title: Chinese, not too long, no closing comma or colon,
    no heading marker (nor 第X章 / 第X条), table header, date or bare item number."""
    return (
        bool(HAS_CJK.search(s))
        and len(s) <= 100
        and not re.search(r"[，,；;：:。]$", s)
        and not TABLE_HEADER.match(s)
        and heading_of(s) is None
        and not DIVISION.match(s) and not ARTICLE.match(s)
        and not is_date_line(s)
        and not ITEM_NUMBER.match(s)
    )


def continues_title(title: str, s: str) -> bool:
    """Whether line `s` goes on a title wrapped over several lines (`title` so far)."""
    if not title_like(s) or len(s) > 40 or len(title) + len(s) > 100 or DOC_NUMBER_LINE.match(s):
        return False
    if s.startswith(("（", "(")):
        return True
    if s.startswith("关于") and re.search(r"(?:印发|转发|批转)$", title):
        return True  # `某市人民政府 某市中级人民法院印发` / `关于…的意见的通知`
    if len(title) <= 6 and not (s.startswith("关于") and ORG_SUFFIX.search(title)):
        return False  # a menu item or a column name, never the first line of a wrapped title
    if "关于" in s and "关于" not in title and not title.endswith(("和", "与", "及", "、")):
        # `关于…` opens a title of its own; what stands above it is its first line only when it names
        # the issuer, as a 公文 title does (`济宁市人民政府` / `关于持续深化…的实施意见`)
        return s.startswith("关于") and len(title) <= 40 and bool(ORG_SUFFIX.search(title)) \
            and not SITE_WORDS.search(title) and not ISSUER_MARK.match(title)
    return not TITLE_END.search(title) and not title.endswith("。")


NUMBER_HEADER = lazy(r"^(?:序\s*[号號]?|编\s*[号號]|No\.?)$", re.I)


def numbered(columns: list[str]) -> bool:
    """Whether the first column holds item numbers (序号); else it names the items (类别, 产品名称)."""
    return bool(columns) and NUMBER_HEADER.match(compact(columns[0])) is not None


def multi_column(columns: list[str]) -> int:
    """The column whose cells span several lines: the progress column, else the last one."""
    for pattern in PROGRESS_HEADERS:
        for i, c in enumerate(columns):
            if i and pattern.search(c) and not NOT_PROGRESS.search(c):
                return i
    return len(columns) - 1


def name_column(columns: list[str], multi: int) -> int | None:
    """The column naming each item (项目名称, 工作任务 …), not a unit or a deadline."""
    for i, c in enumerate(columns):  # `安置单位名称` names its items although it says 单位
        if 0 < i != multi and NAME_HEADER.search(c) and (not NOT_NAME.search(c) or re.search(r"名称$", c)):
            return i
    if len(columns) == 2 and not any(p.search(columns[1]) for p in PROGRESS_HEADERS):
        return 1  # 序号 and one more column: the item's name (市（区）, 单位名称)
    return 1 if len(columns) > 1 and multi != 1 else None
