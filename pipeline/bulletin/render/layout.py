"""The layout layer: what every format must set the same way, decided once, from the model and the
style, for the renderers to draw — the header block, the body's blocks in order (a heading with the
paragraph that runs on its line), the printed text of a marked block, a table's columns and widths,
where the 署名 and 成文日期 lines end, and the page number's text and side.

Each renderer draws these decisions with one `block_<type>` method per block type (`draw`).
Adding a block type: the model (`model.py`), what the formats must agree on here, and one method in
each renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import RenderError
from ..model import Block, Heading, Meta, Note, Paragraph, Record, SectionRow, Signature, Table
from ..patterns import lazy
from ..style import Length, StyleSheet
from .textfit import chinese_date, split_title


@dataclass(frozen=True)
class Header:
    """The header block, top to bottom: the 份号, 密级 and 紧急程度 lines at the top left (`fields`:
    role, text); the 版头 (发文机关标志, its 发文字号 over the red rule) when there is an issuer;
    the title's lines; the 发文字号 under the title when there is no 版头; the 来源 / 发布日期
    lines. With 签发人 (`signer_lines`, names grouped as the standard sets them), the 发文字号
    stands left on the last of their lines (`signed_number`)."""

    fields: tuple[tuple[str, str], ...]
    issuer: str | None
    masthead_number: str | None
    signer_lines: tuple[str, ...]
    title_lines: tuple[str, ...]
    doc_number: str | None
    meta_lines: tuple[str, ...]


def header(meta: Meta, style: StyleSheet) -> Header:
    lines = [style.labels.source + meta.source] if meta.source else []
    if chinese_date(meta.published):
        lines.append(style.labels.published + chinese_date(meta.published))
    fields = tuple((role, text) for role, text in (("copy_number", meta.copy_number),
                                                   ("classification", meta.classification),
                                                   ("classification", meta.urgency)) if text)
    per = style.issuer_block.signers_per_line
    signers = tuple("\u3000".join(meta.signers[i : i + per]) for i in range(0, len(meta.signers), per))
    return Header(
        fields=fields,
        issuer=meta.issuer or None,
        masthead_number=meta.doc_number if meta.issuer else None,
        signer_lines=signers,
        # an order prints no title: its mark and 令号 head the text [std 10.2]
        title_lines=() if style.format == "order" and meta.issuer else title_lines(meta.title, style, "title"),
        doc_number=meta.doc_number if not meta.issuer else None,
        meta_lines=tuple(lines),
    )


_LETTER_NUMBER = lazy(r"函\s*[〔\[［(（]\s*\d{4}")


def document_format(meta: Meta) -> str:
    """Which format of GB/T 9704 the document is printed in: "order" (命令格式: a 发文机关标志
    ending in 令 or 命令), "letter" (信函格式: a 函's 发文字号 under a mark that is not `…文件`),
    else "document"."""
    issuer = (meta.issuer or "").strip()
    if re.search(r"(?:命令|令)$", issuer):
        return "order"
    if issuer and not issuer.endswith("文件") and _LETTER_NUMBER.search(meta.doc_number or ""):
        return "letter"
    return "document"


def title_lines(title: str, style: StyleSheet, role: str) -> tuple[str, ...]:
    """A title's lines as every format sets them (`textfit.split_title`)."""
    return tuple(split_title(title, style.page.type_width.pt / style.role(role).size.pt, style.title_breaks))


@dataclass(frozen=True)
class SignedLine:
    """One line of the 发文字号 and the 签发人 [std 7.2.5]: the number (on the last line, one
    character in from the left), the label (first line), and the names, which start `names_at`
    characters from the type area's left edge on every line (aligned under the first names)."""

    number: str
    label: str
    names: str
    names_at: float


def signed_number(head: Header, number: str | None, style: StyleSheet,
                  width: Callable[[str, str], float]) -> list[SignedLine]:
    """The lines of the 发文字号 with the 签发人 beside it; `width(text, role)` is a text's width
    in characters of the body size, as the format sets it. The longest names end one character
    (the names role's right indent) in from the right."""
    if not head.signer_lines:
        return []
    chars = style.page.chars_per_line
    at = chars - style.role("signer_names").right_indent - max(width(x, "signer_names") for x in head.signer_lines)
    last = len(head.signer_lines) - 1
    return [SignedLine(number=(number or "") if i == last else "", label=style.labels.signers if i == 0 else "",
                       names=names, names_at=at) for i, names in enumerate(head.signer_lines)]


@dataclass(frozen=True)
class RecordLines:
    """The 版记's text [std 7.4]: `抄送：…。` (None without 抄送机关), the 印发机关 (left) and
    the 印发日期 with `印发` (right)."""

    cc: str | None
    printer: str | None
    printed: str | None


def record(block: Record, style: StyleSheet) -> RecordLines:
    labels = style.labels
    cc = labels.cc + "，".join(block.cc) + "。" if block.cc else None
    date = chinese_date(block.printed) or block.printed_text
    return RecordLines(cc=cc, printer=block.printer, printed=date + labels.printed if date else None)


def grid_pad(height: Length, style: StyleSheet) -> Length:
    """The space to add under the header block of `height` so that it takes a whole number of
    body lines: the body of page 1 then stands on the grid of every other page (lines back each
    other in duplex printing)."""
    pitch = style.role("body").line_pitch.emu
    return Length(-height.emu % pitch if height.emu % pitch > 0.01 * pitch else 0)


_DIVISION = lazy(r"^第.{1,5}[编章节条節編條]$")


def marked(block: Heading | Paragraph) -> str:
    """A heading's or paragraph's text with its printed marker, as every format sets it: a
    regulation's 第X章 and 第X条 are followed by a full-width space (第一条　为了…), other markers
    run on (`一、`, `1.`)."""
    marker = block.marker or ""
    return marker + ("\u3000" if _DIVISION.match(marker) else "") + block.text


def blocks(body: list[Block]) -> Iterator[tuple[Block, Paragraph | None]]:
    """The body as every format sets it: each block, and for a heading the paragraph that runs on
    its line (`run_in`), which is not a block of its own then."""
    i = 0
    while i < len(body):
        block = body[i]
        nxt = body[i + 1] if i + 1 < len(body) else None
        if block.type == "heading" and nxt is not None and nxt.type == "paragraph" and nxt.run_in:
            yield block, nxt
            i += 2
        else:
            yield block, None
            i += 1


def closing(items: list[tuple[Block, Paragraph | None]]) -> tuple[int, int]:
    """Where the closing group of `blocks()` starts and ends — the 附件说明 right before the
    signature, the signature and the 附注 after it, which stay with the last lines of the body
    (GB/T 9704 7.3.5: the signature never stands alone on a page) — or (len, len) when there is
    none. The annexes and the 版记 after it are no part of it."""
    sig = next((i for i, (b, _) in enumerate(items) if b.type == "signature"), None)
    if sig is None:
        return len(items), len(items)
    stop = sig + 1
    while stop < len(items) and items[stop][0].type == "note":
        stop += 1
    return (sig - 1 if sig and items[sig - 1][0].type == "attachments" else sig), stop



#: Block types whose lines never part across a page (the 附件说明's items, the 署名 and date).
KEPT_WHOLE = frozenset({"attachments", "signature"})


def bare_heading(item: tuple[Block, Paragraph | None]) -> bool:
    """A heading on its own line, kept with the first lines of what follows it."""
    return item[0].type == "heading" and item[1] is None


def draw(writer, block: Block, run_in: Paragraph | None = None):
    """Call `writer`'s method for the block's type (`block_heading`, `block_table` …; a heading's
    also gets its run-in paragraph): a block type a writer has no method for is a RenderError, in
    every format, never a silent loss."""
    method = getattr(writer, f"block_{block.type}", None)
    if method is None:
        raise RenderError(f"the {writer.FORMAT} renderer cannot set a block of type {block.type!r}")
    return method(block, run_in) if run_in is not None else method(block)


def table_columns(table: Table, style: StyleSheet, total: Length) -> tuple[list[str], list[str], list[Length]]:
    """The header texts, column roles and widths (summing to `total`) of a table, as every format
    lays it out: as many columns as its widest row, in proportion to the style's ratios but none
    narrower than one character of the cell size (beside its padding) while that fits, else none
    narrower than half a character (a digit). A table with more columns than that cannot be laid
    out: a RenderError names it (29 columns at the default style)."""
    ncols = max([len(table.columns)] + [len(r.cells) for r in table.rows if not isinstance(r, SectionRow)])
    headers = table.columns + [""] * (ncols - len(table.columns))
    roles = table.column_roles(ncols)
    char, pad = style.role("table_cell").size, style.table.cell_padding * 2
    least = char + pad if (char + pad) * ncols <= total else char * 0.5 + pad
    if least * ncols > total:
        fit = total.emu // least.emu
        where = f" at line {table.line}" if table.line else ""
        raise RenderError(f"the table{where} has {ncols} columns: too many to lay out across the page "
                          f"(at most {fit} columns half a character wide fit)")
    return headers, roles, style.table.column_widths(roles, total, least)




def signature(block: Signature, style: StyleSheet, width: Callable[[str], float]) -> list[tuple[str, float]]:
    """The lines of the 署名 and the 成文日期, each with its distance from the right edge of the
    type area in characters; `width` is a line's width in characters as the format sets it.
    Unsealed [std]: each 署名 `right_indent` characters from the right, the date on the next line,
    its first character `date_shift` characters right of the (longest) 署名's first; a date
    longer than that moves the 署名 left, the date then ends `right_indent` from the right."""
    role = style.role("signature")
    date = chinese_date(block.date) or block.date_text
    base, shift = role.right_indent, role.date_shift
    signer_right = date_right = base
    if block.signers and date:
        s, d = max(width(x) for x in block.signers), width(date)
        date_right = base + s - shift - d
        if date_right < base:
            date_right = base
            signer_right = base + d + shift - s
    return [(x, signer_right) for x in block.signers] + ([(date, date_right)] if date else [])


def note(block: Note) -> str:
    """附注 as printed: in full-width parentheses [std]."""
    return f"（{block.text}）"


def page_number(style: StyleSheet, n: int) -> tuple[str, str]:
    """Page `n`'s number as printed (`— 1 —`) and the side it stands on (outer: odd right, even left)."""
    pn = style.page_number
    return pn.format.format(n=n), pn.odd if n % 2 else pn.even


def page_number_field(style: StyleSheet) -> tuple[str, str]:
    """The text before and after the number, for a format that writes the number as a field."""
    before, after = style.page_number.format.split("{n}", 1)
    return before, after
