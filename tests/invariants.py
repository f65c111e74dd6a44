"""Invariants every read Document must hold, shared by the golden and the corpus tests."""

from __future__ import annotations

import re
from collections import Counter

from bulletin.model import Document, Heading, Paragraph, SectionRow, Table

IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")
# the 版记 moves to the end: its lines are checked by the goldens
SET_ASIDE = ("chrome", "metadata", "title-repeat", "record")


def body_text(doc: Document) -> str:
    """Every text of the document, in reading order: title, 文号, then the body."""
    return "".join([doc.meta.title, doc.meta.doc_number or "", *_texts(doc.body)])


def _texts(body: list) -> list[str]:
    parts: list[str] = []
    for b in body:
        if isinstance(b, Table):
            parts += b.columns
            for r in b.rows:
                if isinstance(r, SectionRow):
                    parts.append(r.text)
                else:
                    parts += [(p.marker or "") + p.text for c in r.cells for p in c.paragraphs]
        elif hasattr(b, "items"):
            parts += ["附件"] + [(p.marker or "") + p.text for p in b.items]
        elif hasattr(b, "signers"):  # an order prints its date over the signer: either order holds
            parts += [b.date_text or "", *b.signers, b.date_text or ""]
        elif isinstance(b, Heading | Paragraph):
            parts.append((b.marker or "") + b.text)
        elif b.type == "annex":
            parts += [b.label, b.title, *_texts(b.body)]
        elif b.type == "record":  # set aside (SET_ASIDE): the goldens check what it holds
            pass
        else:
            parts.append(b.text)
    return parts


def _title_line(line: str, head: Counter) -> bool:
    """A line that printed the title (and the 文号 fused before it): all of it is in the header,
    which `body_text` gives first, whatever order the line had."""
    chars = Counter(IDEOGRAPH.findall(line))
    return bool(chars) and not chars - head


def lost_text(doc: Document, raw: bytes | str) -> str:
    """The Chinese characters of a text input (its bytes, or its text as the reader decoded it),
    outside the lines set aside as chrome or metadata, that the document lost or put out of order
    ('' when none): a subsequence check."""
    set_aside = {c.line for c in doc.changes if c.kind in SET_ASIDE}
    text = raw if isinstance(raw, str) else raw.decode(doc.meta.input.encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # what the header holds, and what it took off the title line (a portal's `北京：` dateline)
    taken = "".join(c.before for c in doc.changes if c.kind == "dateline")
    head = Counter(IDEOGRAPH.findall(doc.meta.title + (doc.meta.doc_number or "") + taken))
    # a 文号 fused into a body line (`(新政发〔1994〕103号)伊犁…各部门:`) moves to the header
    numbered = {c.line for c in doc.changes if c.kind == "doc-number"}
    number = IDEOGRAPH.findall(doc.meta.doc_number or "")
    expected = [ch for no, line in enumerate(text.split("\n"), 1) if no not in set_aside
                and not _title_line(line, head)
                for ch in _without(IDEOGRAPH.findall(line), number if no in numbered else [])]
    got = iter(IDEOGRAPH.findall(body_text(doc)))
    return "".join(ch for ch in expected if ch not in got)  # `in` consumes `got`


def _without(chars: list[str], sub: list[str]) -> list[str]:
    """`chars` less the first run of characters that spells `sub` in order (a subsequence)."""
    out, want = [], iter(sub)
    nxt = next(want, None)
    for ch in chars:
        if ch == nxt:
            nxt = next(want, None)
        else:
            out.append(ch)
    return out if nxt is None else chars
