"""Normalise a draft Document: spaces, doubled marks, full-width punctuation, entry markers.

Never drops or invents content: each edit is recorded as a `Change(kind, line, before, after)`.
The one exception is characters that are not text at all — those XML 1.0 forbids (C0 controls
but tab and line breaks), C1 controls, lone surrogates and Unicode noncharacters: `scrub` takes
them out of every string of the model (each removal recorded), so no renderer can write an
invalid part.
The draft is the parser's own throwaway object, so it is edited in place (a deep copy would cost
a third of the stage's time) and returned.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from .chinese import CJK, ENTRY_MARKER
from .model import (
    Addressee,
    Annex,
    Attachments,
    Change,
    Document,
    Heading,
    ItemRow,
    Note,
    Para,
    Paragraph,
    Record,
    SectionRow,
    Signature,
    Table,
)
from .patterns import lazy

_SPACES = "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff\t "
# a CJK character or a full-width mark: spaces beside one of these are stray
_WIDE = f"{CJK}\u3000-\u303f\uff00-\uffef“”‘’《》—…"
# a run of spaces is tried from its first space only (`(?<!…)`): a search trying each space of a
# long run in turn is quadratic in its length
_STRAY_SPACE = lazy(f"(?<=[{_WIDE}])[{_SPACES}]+|(?<![{_SPACES}])[{_SPACES}]+(?=[{_WIDE}])")
_ODD_SPACE = lazy(f"[{_SPACES}]+")
_DOUBLED = lazy(r"^(\d{1,3})[.．]{2,}(?=\D)|([，。、；：！？])\2+")
_DOUBLED_MARK = lazy(r"([，。、；：！？])\1")
_HALF = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_CJK_CHAR = lazy(f"[{_WIDE}]")


#: Characters that are not text: C0 controls but tab, LF and CR (XML 1.0 forbids them), DEL and
#: the C1 controls, lone surrogates, and the noncharacters (U+FDD0–U+FDEF and the last two code
#: points of every plane, U+FFFE, U+FFFF, U+1FFFE …). Vertical tab, form feed and NEL become a space.
FORBIDDEN = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                       + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(17)) + "]")
_AS_SPACE = {"\x0b": " ", "\x0c": " ", "\x85": " "}


def scrub(doc: Document) -> Document:
    """Take the characters `FORBIDDEN` matches out of every string of `doc` (in place), each text
    so changed recorded in `doc.changes` (kind `invalid-character`, the removed characters
    written as `<U+FFFE>` in `before`); return `doc`, marked clean for the renderers."""
    log: list[Change] = []
    _scrub(doc, None, log)
    doc.changes.extend(log)
    doc.mark_clean()
    return doc


def _scrub(node: BaseModel, line: int | None, log: list[Change] | None) -> None:
    """Scrub the strings of `node` and of the models below it; record into `log` (None: the
    model's own records, changes and diagnostics, are cleaned without a record of their own)."""
    line = getattr(node, "line", None) or line
    for name, value in node.__dict__.items():
        if type(value) is str:
            if FORBIDDEN.search(value):
                setattr(node, name, _scrubbed(value, line, log))
        elif isinstance(value, BaseModel):
            _scrub(value, line, log)
        elif type(value) is list:
            own = log if name not in ("changes", "diagnostics") else None
            for i, item in enumerate(value):
                if type(item) is str:
                    if FORBIDDEN.search(item):
                        value[i] = _scrubbed(item, line, own)
                elif isinstance(item, BaseModel):
                    _scrub(item, line, own)


def _scrubbed(text: str, line: int | None, log: list[Change] | None) -> str:
    """`text` without its `FORBIDDEN` characters, the change recorded into `log` (when given)."""
    after = FORBIDDEN.sub(lambda m: _AS_SPACE.get(m[0], ""), text)
    if log is not None:
        log.append(Change(kind="invalid-character", line=line,
                          before=FORBIDDEN.sub(lambda m: f"<U+{ord(m[0]):04X}>", text), after=after))
    return after


def normalise(doc: Document, *, clean: bool = False) -> Document:
    """Normalise the draft `doc` in place, append every change to `doc.changes`, and return it.

    `clean=True` says the draft holds no `FORBIDDEN` character (its source text has none), so
    the scrub is passed over."""
    if clean:
        doc.mark_clean()
    else:
        scrub(doc)
    log = doc.changes

    def fix(text: str, line: int | None) -> str:
        return tidy(text, line, log)

    meta = doc.meta
    meta.title = fix(meta.title, None)
    if meta.source is not None:
        meta.source = fix(meta.source, None) or None
    if meta.source:
        m = re.fullmatch(r"(?P<org>[^（]+)（(?P<alias>[^（）]+)）", meta.source)
        meta.source_org, meta.source_alias = (m["org"], m["alias"]) if m else (meta.source, None)
    if meta.classification:
        meta.classification = fix(meta.classification, None)
    if meta.doc_number:  # the reader wrote it in one form (parse.common.doc_number) when it could
        meta.doc_number = fix(meta.doc_number, None)
    blocks(doc.body, log)
    return doc


def blocks(body: list, log: list[Change]) -> None:
    """Tidy each block by its type's rule (`RULES`): a block type without one is an error, never
    a block passed over."""
    for block in body:
        rule = RULES.get(block.type)
        if rule is None:
            raise TypeError(f"normalise has no rule for a block of type {block.type!r}")
        rule(block, log)


def _tidy_table(block: Table, log: list[Change]) -> None:
    block.columns = [tidy(c, block.line, log) for c in block.columns]
    for row in block.rows:
        if isinstance(row, SectionRow):
            row.text = tidy(row.text, row.line, log)
            continue
        for i, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                _para(p, log, split=i > 0)
            cell.paragraphs = [p for p in cell.paragraphs if p.text or p.marker]
        if isinstance(row, ItemRow) and row.name is not None:
            row.name = tidy(row.name, row.line, log)


def _tidy_heading(block: Heading, log: list[Change]) -> None:
    block.text = tidy(block.text, block.line, log)
    block.marker = tidy(block.marker, block.line, log)


def _tidy_paragraph(block: Paragraph, log: list[Change]) -> None:
    block.text = tidy(block.text, block.line, log)
    if block.marker:
        block.marker = tidy(block.marker, block.line, log)


def _tidy_addressee(block: Addressee, log: list[Change]) -> None:
    block.text = tidy(block.text, block.line, log)


def _tidy_attachments(block: Attachments, log: list[Change]) -> None:
    for p in block.items:
        _para(p, log, split=True)


def _tidy_signature(block: Signature, log: list[Change]) -> None:
    # a space inside a 署名 parts a 职务 from a name (`省长　王浩`): kept, as one full-width space
    block.signers = ["\u3000".join(tidy(x, block.line, log) for x in s.split()) for s in block.signers]
    if block.date_text:
        block.date_text = tidy(block.date_text, block.line, log)


def _tidy_note(block: Note, log: list[Change]) -> None:
    block.text = tidy(block.text, block.line, log)


def _tidy_annex(block: Annex, log: list[Change]) -> None:
    block.title = tidy(block.title, block.line, log)
    blocks(block.body, log)


def _tidy_record(block: Record, log: list[Change]) -> None:
    block.cc = [c for c in (tidy(c, block.line, log) for c in block.cc) if c]
    if block.printer:
        block.printer = tidy(block.printer, block.line, log)


#: block type → its rule
RULES = {"table": _tidy_table, "heading": _tidy_heading, "paragraph": _tidy_paragraph,
         "addressee": _tidy_addressee, "attachments": _tidy_attachments, "signature": _tidy_signature,
         "note": _tidy_note, "annex": _tidy_annex, "record": _tidy_record}


def _para(p: Para, log: list[Change], *, split: bool) -> None:
    text = tidy(p.text, p.line, log)
    if text is not p.text:  # a model's attribute assignment is not free; most texts stay
        p.text = text
    if split and p.marker is None:
        m = ENTRY_MARKER.match(p.text)
        if m and p.text[m.end():]:
            log.append(Change(kind="marker", line=p.line, before=p.text, after=p.text[m.end():]))
            p.marker, p.text = m["m"], p.text[m.end():]


def tidy(text: str, line: int | None, log: list[Change]) -> str:
    """Return `text` with stray spaces, doubled marks and half-width punctuation fixed."""
    if not _UNTIDY.search(text):  # most texts: one scan instead of one per fix
        return text
    for kind, fn in (("space", _spaces), ("doubled-mark", _doubled), ("punctuation", punctuation)):
        new = fn(text)
        if new != text:
            log.append(Change(kind=kind, line=line, before=text, after=new))
            text = new
    return text


_ANY_SPACE = lazy(f"[{_SPACES}]")
# what any of the fixes below looks for: a doubled mark (first: its `\1` is group 1), a space,
# `..`, a half-width mark
_UNTIDY = lazy("|".join([_DOUBLED_MARK.pattern, _ANY_SPACE.pattern, "[.．]{2}",
                               f"[{re.escape(''.join(_HALF))}]"]))


def _spaces(text: str) -> str:
    if not _ANY_SPACE.search(text):
        return text
    text = _STRAY_SPACE.sub("", text.strip(_SPACES + "\n\r"))
    return _ODD_SPACE.sub(" ", text)


def _doubled(text: str) -> str:
    if ".." not in text and "．．" not in text and not _DOUBLED_MARK.search(text):
        return text
    return _DOUBLED.sub(lambda m: m[1] + "." if m[1] else m[2], text)


_W = f"[{_WIDE}]"
_COMMA = lazy(f"(?<={_W})[,:]|[,:](?={_W})")  # digits are not wide: `1,200`, `09:19` stay
_CLOSE = lazy(f"({_W}[\\d.%]*)([;!?])|[;!?](?={_W})")  # `增长12.5%!`: look past the number


def punctuation(text: str) -> str:
    """Restore full-width `，：；（）！？` where a Chinese character stands beside the mark.

    Marks inside numbers, times, dates and Latin text (`1,000`, `09:19`, `(PCT)`) stay.
    """
    if not any(c in text for c in _HALF):
        return text
    text = _COMMA.sub(lambda m: _HALF[m[0]], text)
    text = _CLOSE.sub(lambda m: m[1] + _HALF[m[2]] if m[1] else _HALF[m[0]], text)
    if "(" not in text and ")" not in text:
        return text
    chars = list(text)
    n = len(chars)

    def wide(i: int) -> bool:
        return 0 <= i < n and bool(_CJK_CHAR.match(chars[i]))

    _brackets(chars, wide)
    return "".join(chars)


def _brackets(chars: list[str], wide) -> None:
    """Convert `(…)` pairs in Chinese context: beside a Chinese character or holding one."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, c in enumerate(chars):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            pairs.append((stack.pop(), i))
    paired = {i for p in pairs for i in p}
    for a, b in pairs:
        inner = "".join(chars[a + 1 : b])
        if wide(a - 1) or wide(b + 1) or _CJK_CHAR.search(inner) or (a == 0 and re.fullmatch(r"\d{1,3}", inner)):
            chars[a], chars[b] = "（", "）"
    for i, c in enumerate(chars):
        if c in "()" and i not in paired and (wide(i - 1) or wide(i + 1)):
            chars[i] = _HALF[c]
