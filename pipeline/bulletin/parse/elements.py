"""The GB/T 9704 elements around a notice, read the same way by the text and the HTML reader: the
版头's 份号, 密级, 紧急程度 and 签发人 above the title, the attachments printed after the notice
(`annex` blocks) and the 版记 at its end (`record`).

The header fields are recognised line by line, as the readers meet them (`field_line`); the
annexes and the 版记 are found afterwards in the draft's blocks (`annexes`, `record`), so that both
readers share them.
"""

from __future__ import annotations

import re

from ..model import Annex, Attachments, Block, Change, Note, Paragraph, Record, Signature
from ..patterns import lazy
from .header import ORG_END, MetaFields, compact, find_date

# --- the 版头's fields ----------------------------------------------------------------------------

_CLASSIFICATION = lazy(
    r"^(?:密级\s*[:：]\s*)?(?P<v>(?:绝|机|秘)密(?:[★☆*＊](?:长期|[\d一二三四五六七八九十]{1,3}(?:年|个月|月))?)?)$")
_URGENCY = lazy(r"^(?:紧急程度\s*[:：]\s*)?(?P<v>特急|加急|特提|平急)$")
_COPY = lazy(r"^(?:份号\s*[:：]?\s*(?P<n>\d{1,6})|(?P<bare>\d{6}))$")
_SIGNERS = lazy(r"签\s*发\s*人\s*[:：]\s*(?P<names>.*)$")
SIGNERS_LABEL = "签发人："
_NAME = lazy(r"^[\u4e00-\u9fff·•]{2,6}$")
_NUMBER_FIRST = lazy(r"^(?P<num>\S+〔\s*\d{4}\s*〕\s*\d+\s*号|\S+[\[［(（]\s*\d{4}\s*[\]］)）]\s*\d+\s*号)\s+")


def _names(text: str) -> list[str] | None:
    names = [n for n in re.split(r"[\s、，,；;]+", text.strip()) if n]
    return names if names and all(_NAME.match(n) for n in names) else None


def field_line(s: str, prev: str | None = None) -> list[tuple[str, str]] | None:
    """The 版头 fields a head line prints — ("copy_number" | "classification" | "urgency" |
    "signer" | "doc_number", value) in order — or None when it is no such line. `prev` is the
    line above: under a `签发人：` line, a line of names (and the 发文字号, which the standard
    sets on the line of the last names) goes on the list (`continues_signers`)."""
    s = s.strip()
    if not s or len(s) > 80:
        return None
    m = _SIGNERS.search(s)
    if m:
        before = s[: m.start()].strip()
        names = _names(m["names"]) if m["names"].strip() else []
        if names is None or (before and not re.search(r"号$", before)):
            return None
        return ([("doc_number", before)] if before else []) + [("signer", n) for n in names]
    if prev is not None and _SIGNERS.search(prev):
        number = _NUMBER_FIRST.match(s + " ")
        rest = s[number.end():] if number else s
        names = _names(rest)
        if names:
            return ([("doc_number", number["num"])] if number else []) + [("signer", n) for n in names]
    whole = compact(s)
    tokens = [whole] if _token(whole) else re.split(r"\s+", s)
    out = [_token(t) for t in tokens]
    return out if all(out) else None  # type: ignore[return-value]


# 信函格式 [std 10.1]: the office's name over a 函's 发文字号
LETTER_MARK = lazy(rf"^[\u4e00-\u9fff（）()]{{2,30}}{ORG_END}$")
# 命令（令）格式 [std 10.2]: `浙江省人民政府令` over its 令号 `第390号`
ORDER_MARK = lazy(r"^\S{2,30}(?:命令|令)$")
ORDER_NUMBER = lazy(r"^[（(]?第\s*[0-9一二三四五六七八九十百零〇]{1,6}\s*号[）)]?$")


def order_mark(s: str, nxt: str | None) -> bool:
    """Whether a head line is an order's 发文机关标志: the line under it is its 令号."""
    return bool(ORDER_MARK.match(s.strip())) and nxt is not None and bool(ORDER_NUMBER.match(nxt.strip()))


def signed_number(s: str) -> bool:
    """Whether a line is the 签发人 line (under the 发文机关标志: the 发文字号 stands on it, or on the
    line of the last names)."""
    return any(name == "signer" for name, _ in field_line(s) or ()) and bool(_SIGNERS.search(s))


def continues_signers(s: str, prev: str | None) -> bool:
    """Whether a head line is read as 版头 fields only because it goes on the `签发人：` line above."""
    return field_line(s) is None and field_line(s, prev) is not None


def _token(t: str) -> tuple[str, str] | None:
    if m := _CLASSIFICATION.match(t):
        return "classification", m["v"].replace("☆", "★").replace("*", "★").replace("＊", "★")
    if m := _URGENCY.match(t):
        return "urgency", m["v"]
    if m := _COPY.match(t):
        return "copy_number", m["n"] or m["bare"]
    return None


def take_fields(pairs: list[tuple[str, str]], meta: MetaFields, line: int | None) -> None:
    """Record a head line's 版头 fields (the first of each kind holds; names add up)."""
    for name, value in pairs:
        if name == "signer":
            meta.signers.append(value)
        elif name == "doc_number":
            meta.add("doc_number", value, "文号", line)
        elif getattr(meta, name) is None:
            setattr(meta, name, value)


# --- annexes ----------------------------------------------------------------------------------

_ANNEX_LABEL = lazy(r"^附\s*件\s*(?P<n>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]?$")
_ANNEX_TITLED = lazy(
    r"^(?P<label>附\s*件\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}))\s*[:：]?\s*(?P<title>\S.*)$")


def _label(text: str) -> str:
    return compact(text).rstrip(":：")


def _title_line(block: Block) -> bool:
    return isinstance(block, Paragraph) and not block.marker and not block.run_in and not block.article \
        and len(block.text.strip()) <= 80 and not re.search(r"[。；，,：:]$", block.text.strip())


def _annex_start(block: Block, signed: bool) -> tuple[str, str | None] | None:
    """(label, title on the label's line) when `block` opens an attachment printed in full; a
    title on the label's line only after the signature (before it, `附件1：名称` lines list them)."""
    if isinstance(block, Paragraph) and not block.marker and _ANNEX_LABEL.match(block.text.strip()):
        return _label(block.text), None
    if not signed:
        return None
    if isinstance(block, Paragraph) and not block.marker and (m := _ANNEX_TITLED.match(block.text.strip())) \
            and _title_line(Paragraph(text=m["title"])):
        return compact(m["label"]), m["title"].strip()
    # `附件1：某某方案` read as a one-item 附件说明
    if isinstance(block, Attachments) and len(block.items) == 1 and not block.items[0].marker:
        m = re.match(r"^(?P<n>\d{1,2})\s*[:：]\s*(?P<t>\S.*)$", block.items[0].text)
        if m and _title_line(Paragraph(text=m["t"])):
            return f"附件{m['n']}", m["t"].strip()
    return None


def annexes(body: list[Block], changes: list[Change]) -> list[Block]:
    """Gather the attachments printed after the notice into `annex` blocks: from a label line
    (`附件`, `附件1`, `附件2：`) after the 署名 or the 附件说明, its title on the next line (or on the
    label's line), and its blocks up to the next label."""
    out: list[Block] = []
    annex: Annex | None = None
    closed = signed = False  # a signature or the 附件说明 came: a label now opens an attachment
    i = 0
    while i < len(body):
        block = body[i]
        start = _annex_start(block, signed) if closed else None
        if start is not None:
            label, title = start
            i += 1
            if title is None and i < len(body) and _title_line(body[i]):
                title = body[i].text.strip()
                i += 1
            while title and i < len(body) and _title_line(body[i]) and _continues(title, body[i].text.strip()):
                title += body[i].text.strip()  # a title wrapped over two lines
                i += 1
            annex = Annex(label=label, title=title or "", line=block.line)
            changes.append(Change(kind="annex", line=block.line, before=label, after=annex.title))
            out.append(annex)
            continue
        if isinstance(block, (Signature, Attachments)):
            closed = True
            signed = signed or isinstance(block, Signature)
        (annex.body if annex is not None else out).append(block)
        i += 1
    return out


def _continues(title: str, s: str) -> bool:
    from .common import continues_title  # common imports this module

    return continues_title(title, s)


# 附注 [std 7.3.6]: in parentheses on the lines under the 成文日期, or a contact line there (what
# `common.notes` makes note blocks of, and what may stand between the signature and the 版记)
NOTE_CONTACT = lazy(r"^(?:联系人|联系电话|联系方式|咨询电话)\s*[:：]")
NOTE_LINE = lazy(rf"^[（(].+[）)][。.]?$|{NOTE_CONTACT.pattern}")

# --- the 版记 -----------------------------------------------------------------------------------

_CC = lazy(r"^(?:抄\s*[送报]|抄送机关)\s*[:：]\s*(?P<rest>.*)$")
_PRINTED_LABELS = lazy(r"印\s*发\s*(?:机\s*关|单\s*位|日\s*期|时\s*间)\s*[:：]?")
_PRINTED = lazy(r"印\s*发")
RULE = lazy(r"^[—─━\-－_＿=＝]{3,}$")
_PRINTER = lazy(rf"^[\u4e00-\u9fff（）()]{{2,40}}{ORG_END}$")


def record_line(s: str) -> bool:
    """Whether a line can be part of the 版记: `抄送：…` or the 印发 line (also for the reader's
    search of the closing signature, which a 版记 may follow)."""
    s = s.strip()
    return bool(_CC.match(s)) or _printed(s) is not None


def _printed(s: str) -> tuple[str | None, str | None, str] | None:
    """(printer, ISO date, date as printed) of a 印发 line: `某办公室 2021年2月7日印发`, the date
    first, or with labels (`印发机关：… 印发日期：…`)."""
    if not _PRINTED.search(s) or len(s) > 80:
        return None
    found = find_date(s)
    if found is None:
        return None
    rest = _PRINTED_LABELS.sub(" ", s.replace(found.text, " ", 1))
    rest = _PRINTED.sub(" ", rest)
    printer = re.sub(r"\s+", "", rest).strip("，,。:：") or None
    if printer is not None and not _PRINTER.match(printer):
        return None
    return printer, found.iso, found.text


def record(body: list[Block], changes: list[Change]) -> list[Block]:
    """Take the 版记 out of the blocks — a `抄送：` paragraph (wrapped over several lines or not)
    and the 印发 line, with the rule lines around them — and append it as the last block. It is
    looked for at the end of the last annex, at the end of the notice (a page may print it before
    the annexes), and right after the notice's signature and 附注 (a page that prints the
    document the notice issues after it, without an annex label)."""
    holders = [b.body for b in body if isinstance(b, Annex)][-1:] + [body]
    for holder in holders:
        end = len(holder)
        while end and isinstance(holder[end - 1], Annex):
            end -= 1
        for k in range(max(0, end - 12), end):  # the earliest start whose 版记 runs to the end
            found = _record_at(holder, k, end)
            if found is not None and found[0] == end:
                return _moved(body, holder, k, found, changes)
    sig = next((i for i, b in enumerate(body) if isinstance(b, Signature)), None)
    if sig is not None:
        k = sig + 1
        while k < len(body) and _text(body[k]) is not None and NOTE_LINE.match(_text(body[k])):
            k += 1
        found = _record_at(body, k, len(body))
        if found is not None:
            return _moved(body, body, k, found, changes)
    return body




def _moved(body: list[Block], holder: list[Block], start: int, found: tuple[int, Record],
           changes: list[Change]) -> list[Block]:
    stop, rec = found
    for b in holder[start:stop]:
        changes.append(Change(kind="record", line=b.line, before=getattr(b, "text", ""), after=""))
    del holder[start:stop]
    body.append(rec)
    return body


def _text(block: Block) -> str | None:
    """A plain paragraph's (or a note's) text, the lines a 版记 is made of; None for other blocks."""
    if isinstance(block, Note) or isinstance(block, Paragraph) and not block.marker:
        return block.text.strip()
    return None


def _rule(blocks: list[Block], k: int) -> bool:
    return k < len(blocks) and bool(RULE.match(_text(blocks[k]) or "x"))


def _record_at(blocks: list[Block], k: int, end: int) -> tuple[int, Record] | None:
    """The 版记 that starts at blocks[k] (rule lines first, if any) — where it ends, and the
    Record — or None: its `抄送：` line and the lines its list wraps onto (each ends in a list's
    mark: `，` `、` `；` `。`), then the 印发 line (its 印发机关 may stand on the line above)."""
    while k < end and _rule(blocks, k):
        k += 1
    cc: list[str] | None = None
    line = blocks[k].line if k < end else None
    if k < end and (m := _CC.match(_text(blocks[k]) or "")):
        parts, k = [m["rest"]], k + 1
        while k < end and not _rule(blocks, k) and (t := _text(blocks[k])) and _printed(t) is None \
                and not _printer_over_date(blocks, k, end) and _LIST_LINE.match(t) and not _CC.match(t):
            parts.append(t)
            k += 1
        cc = _cc_names(" ".join(parts))
        while k < end and _rule(blocks, k):
            k += 1
    printer = printed = printed_text = None
    if k < end and _printer_over_date(blocks, k, end):
        printer, k = compact(_text(blocks[k])), k + 1
    if k < end and (p := _printed(_text(blocks[k]) or "")) is not None:
        printer = p[0] or printer
        printed, printed_text = p[1], p[2]
        line = line if cc is not None else blocks[k].line
        k += 1
    elif printer is not None:  # an office's name with no 印发 line under it: no part of the 版记
        k -= 1
        printer = None
    if cc is None and printed_text is None:
        return None
    while k < end and _rule(blocks, k):
        k += 1
    return k, Record(cc=cc or [], printer=printer, printed=printed, printed_text=printed_text, line=line)


# a line a 抄送 list wraps onto: names and the list's marks, ending in one (`，` `、` `；` `。`)
_LIST_LINE = lazy(r"^[^。；;!！?？]{1,80}[，,、；;。]$")


def _printer_over_date(blocks: list[Block], k: int, end: int) -> bool:
    """blocks[k] names the 印发机关 alone, and the 印发 line under it has none."""
    t, nxt = _text(blocks[k]), _text(blocks[k + 1]) if k + 1 < end else None
    p = _printed(nxt or "")
    return bool(t and _PRINTER.match(compact(t)) and p is not None and p[0] is None)


def _cc_names(text: str) -> list[str]:
    """The 抄送机关: the standard separates them by `，` (a `、` joins parts of one name:
    `各市、县（市、区）人民政府`); a list without commas whose every part is an office's name
    (`市委办、市人大办、市政府办`) is separated by its `、`."""
    names = [n for n in (re.sub(r"\s+", "", x).strip("。.") for x in re.split(r"[，,；;。]", text)) if n]
    if len(names) == 1 and "、" in names[0]:
        parts = [x for x in names[0].split("、") if x]
        if len(parts) > 1 and all(_PRINTER.match(x) for x in parts):
            return parts
    return names
