"""The PDF renderer: `Document + StyleSheet → bytes`, drawn with reportlab, fonts embedded.

Every number comes from the style: the type area is one frame, the page number is drawn in the
margin below it. A character goes to its role's font or to the first fallback that has it
(`bulletin.fonts`); a character no font has becomes a `missing-glyph` warning. Lines break by
the Chinese rules of `linebreak`. The output is byte-identical across runs (`invariant=1`, dates
from the bulletin).
"""

from __future__ import annotations

import io
import re

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageBreak, PageTemplate, Spacer
from reportlab.platypus import Paragraph as RLParagraph

from ..diagnostics import diagnostic
from ..errors import BulletinError, RenderError
from ..fonts import FontSet, resolve_fonts
from ..model import (
    Addressee,
    Annex,
    Attachments,
    Diagnostic,
    Document,
    Heading,
    Note,
    Para,
    Paragraph,
    Record,
    SectionRow,
    Signature,
    Table,
)
from ..style import Length
from . import Context, Rendered, layout
from .keeps import KeepLines
from .layout import blocks, draw, marked, table_columns
from .linebreak import CJKParagraph, clone_frag
from .pdf_elements import Placed, RecordBox, ToEvenPage
from .pdf_page import page_decoration
from .rlinternals import our_documents
from .rowtable import Row, RowTable
from .textfit import chinese_date

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY,
          "distribute": TA_JUSTIFY}


def _color(hex6: str):
    return colors.HexColor("#" + hex6)


class _Bookmark(Flowable):
    """A zero-size flowable that marks its position and adds an outline entry; `blocks` keeps it
    with the heading it marks."""

    spaceBefore = spaceAfter = 0  # noqa: N815 - what Flowable's getters find by failing hasattr

    def __init__(self, key: str, title: str, level: int):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv.addOutlineEntry(self.title, self.key, self.level)


class _Rule(Flowable):
    """A full-width line `drop` below the flowable before it (the red rule of the 版头)."""

    def __init__(self, drop: float, width: float, color):
        super().__init__()
        self.drop, self.line_width, self.color = drop, width, color

    def wrap(self, aw, ah):
        self.width = aw
        return aw, self.drop + self.line_width / 2

    def draw(self):
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.line_width)
        self.canv.line(0, 0, self.width, 0)


class _GridPad(Flowable):
    """Space under the header block so that it takes a whole number of body lines
    (`layout.grid_pad`): measured as the frame stacks the flowables above it."""

    spaceBefore = spaceAfter = 0  # noqa: N815 - what Flowable's getters find by failing hasattr

    def __init__(self, above: list[Flowable], style):
        super().__init__()
        self.above, self.style = above, style

    def wrap(self, aw, ah):
        height = 0.0
        for i, f in enumerate(self.above):
            _w, h = f.wrap(aw, ah)
            height += h + (f.getSpaceBefore() if i else 0) + f.getSpaceAfter()
        self.width, self.height = 0, layout.grid_pad(Length.pt_(height), self.style).pt
        return 0, self.height

    def draw(self):
        pass


class _Builder:
    """Turns the document into reportlab flowables, one `block_<type>` method per block type;
    collects diagnostics on the way."""

    FORMAT = "PDF"

    def __init__(self, style, fonts: FontSet):
        self.style, self.fonts = style, fonts
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[str, int | None]] = set()
        self._pstyles: dict[tuple, ParagraphStyle] = {}
        self._templates: dict[str, object] = {}
        self._outline_level = -1
        self._marks = 0
        self.unnumbered: set[int] = set()  # the 版记's page and the blank page before it

    # --- text ----------------------------------------------------------------------------------

    def char(self, role_name: str) -> float:
        """The width of one character of a role in pt: its size plus its grid tracking."""
        return self.style.role(role_name).size.pt + self.style.tracking(role_name).pt

    def frags(self, text: str, font_key: str, line: int | None, pstyle: ParagraphStyle) -> list:
        """Return reportlab text fragments for `text`, one per run of the role's font or of the
        fallback that has its characters (no markup parsing: the model's text is plain)."""
        runs, missing = self.fonts.runs(text, font_key)
        for ch in missing:
            if (ch, line) not in self._seen:
                self._seen.add((ch, line))
                self.diagnostics.append(diagnostic(
                    "missing-glyph", line, f"no installed font has {ch!r} (U+{ord(ch):04X}); it prints as a blank box"))
        if pstyle.name not in self._templates:
            self._templates[pstyle.name] = RLParagraph("x", pstyle).frags[0]
        template = self._templates[pstyle.name]
        out = []
        for name, t in runs:
            frag = clone_frag(template)
            frag.fontName, frag.text = name, t
            out.append(frag)
        return out

    def pstyle(self, role_name: str, **over) -> ParagraphStyle:
        """Return the paragraph style of a text role; `chars` overrides indents in characters,
        other keywords override reportlab style attributes."""
        chars = over.pop("chars", {})
        key = (role_name, *sorted(over.items()), *sorted(chars.items()))
        if key not in self._pstyles:
            role = self.style.role(role_name)
            font, size, unit = self.fonts.font(role.font), role.size.pt, self.char(role_name)
            kw = dict(
                fontName=font, fontSize=size, leading=role.line_pitch.pt, wordWrap="CJK",
                tracking=self.style.tracking(role_name).pt, max_stretch=self.style.page.justify_max_stretch,
                bulletFontName=font, bulletFontSize=size,
                alignment=_ALIGN[over.pop("align", role.align)],
                firstLineIndent=unit * chars.get("first", role.first_line_indent),
                leftIndent=unit * chars.get("left", role.left_indent),
                rightIndent=unit * chars.get("right", role.right_indent),
                spaceBefore=role.space_before.pt, spaceAfter=role.space_after.pt,
                textColor=_color(role.color), allowWidows=0, allowOrphans=0, words=role.word_breaks,
            )
            kw.update(over)
            self._pstyles[key] = ParagraphStyle(f"{role_name}{len(self._pstyles)}", **kw)
        return self._pstyles[key]

    def para(self, text: str, role_name: str, line: int | None = None, *, balance: bool = False,
             bullet: str | None = None, **over) -> CJKParagraph:
        ps = self.pstyle(role_name, **over)
        frags = self.frags(text, self.style.role(role_name).font, line, ps)
        return CJKParagraph(None, ps, bulletText=bullet, frags=frags, balance=balance)

    def bookmark(self, title: str, level: int) -> _Bookmark:
        level = min(level, self._outline_level + 1)  # an outline may not skip a level
        self._outline_level = level
        self._marks += 1
        return _Bookmark(f"b{self._marks}", title, level)

    # --- blocks --------------------------------------------------------------------------------

    def header(self, doc: Document) -> list:
        """版头 when there is an issuer, then the title, 发文字号 and the 来源 / 发布日期 lines."""
        s, head = self.style, layout.header(doc.meta, self.style)
        if s.format == "letter" and head.issuer:
            return self.letter_header(head)
        out: list[Flowable] = [self.para(text, role) for role, text in head.fields]  # top left [std 7.2]
        above = sum(s.role(role).line_pitch.pt for role, _ in head.fields)
        if head.issuer:  # red 发文机关标志, 发文字号, red rule, then the title [std]
            ib, role = s.issuer_block, s.role("issuer")
            out += [Spacer(0, max(0.0, role.space_before.pt - above)), self.para(head.issuer, "issuer", spaceBefore=0)]
            if head.masthead_number or head.signer_lines:
                dn = s.role("doc_number")
                descent = pdfmetrics.getAscentDescent(self.fonts.font(dn.font), dn.size.pt)[1]
                drop = max(0.0, ib.separator_gap.pt - (dn.line_pitch.pt - dn.size.pt) - descent)
                out += [Spacer(0, ib.doc_number_gap.pt), *self.numbered(head, head.masthead_number)]
                if ib.rule:
                    out.append(_Rule(drop, ib.separator_width.pt, _color(ib.separator_color)))
            out.append(Spacer(0, ib.title_gap.pt))
        out += [self.para(t, "title") for t in head.title_lines]
        if head.doc_number or not head.issuer:  # the 签发人 go with the 发文字号 wherever it stands
            out += self.numbered(head, head.doc_number)
        lines = head.meta_lines
        after = s.role("meta").space_after.pt
        out += [self.para(t, "meta", spaceAfter=after if i == len(lines) - 1 else 0)
                for i, t in enumerate(lines)]
        if not lines:
            out.append(Spacer(0, after))
        return [KeepTogether([*out, _GridPad(list(out), s)])]

    def letter_header(self, head: layout.Header) -> list:
        """信函格式 [std 10.1]: the mark and the red double lines are drawn on page 1 (`_page_decoration`);
        under the first line, 7/8 of a character down, the 份号 … on the left and the 发文字号 on the
        right, then the title two lines lower."""
        s, letter = self.style, self.style.letter
        issuer, pitch = s.role("issuer"), s.role("body").line_pitch.pt
        line = letter.issuer_top + issuer.size + letter.rule_gap + letter.thick + letter.rule_spacing + letter.thin
        # a line's text stands in the middle of its line pitch
        out: list[Flowable] = [Spacer(0, max(0.0, (line - s.page.margin_top).pt + letter.field_gap.pt
                                           - (pitch - s.role("body").size.pt) / 2))]
        number = head.masthead_number
        for i in range(max(len(head.fields), 1 if number else 0)):
            parts = [(0.0, self.para(head.fields[i][1], head.fields[i][0]))] if i < len(head.fields) else []
            if number and i == 0:
                parts.append((0.0, self.para(number, "doc_number", align="right")))
            out.append(Placed(parts, pitch))
        out.append(Spacer(0, letter.title_gap.pt))
        out += [self.para(t, "title") for t in head.title_lines]
        lines = head.meta_lines
        out += [self.para(t, "meta", spaceAfter=s.role("meta").space_after.pt if i == len(lines) - 1 else 0)
                for i, t in enumerate(lines)]
        self.unnumbered.add(1)  # [std 10.1] 首页不显示页码
        return [KeepTogether([*out, _GridPad(list(out), s)])]

    def numbered(self, head: layout.Header, number: str | None) -> list[Flowable]:
        """The 发文字号: centred alone, or left with the 签发人 right (`layout.signed_number`)."""
        if not head.signer_lines:
            return [self.para(number, "doc_number")] if number else []
        unit = self.char("body")

        def width(text: str, role: str) -> float:
            r = self.style.role(role)
            return (pdfmetrics.stringWidth(text, self.fonts.font(r.font), r.size.pt)
                    + len(text) * self.style.tracking(role).pt) / unit

        out = []
        for ln in layout.signed_number(head, number, self.style, width):
            parts = []
            if ln.number:
                parts.append((unit, self.para(ln.number, "doc_number", align="left")))
            if ln.label:
                parts.append(((ln.names_at - width(ln.label, "signer_label")) * unit,
                              self.para(ln.label, "signer_label")))
            parts.append((ln.names_at * unit, self.para(ln.names, "signer_names", chars={"right": 0})))
            out.append(Placed(parts, self.style.role("doc_number").line_pitch.pt))
        return out

    def blocks(self, body: list) -> list:
        """The blocks' flowables, kept as `keeps.KeepLines` says: bare headings with the first
        two lines of the paragraph after them, the closing group (`layout.closing`) with the
        last two lines of the paragraph before it; the annexes and the 版记 after them."""
        items = list(blocks(body))
        drawn = [draw(self, block, run_in) for block, run_in in items]
        end, stop = layout.closing(items)
        after_closing = [f for fl in drawn[stop:] for f in fl]
        return self._kept(items[:stop], drawn[:stop], end) + after_closing

    def _kept(self, items: list, drawn: list[list[Flowable]], end: int) -> list[Flowable]:
        tail = [f for fl in drawn[end:] for f in fl]  # kept together as one
        for i, (block, _) in enumerate(items[:end]):
            if block.type in layout.KEPT_WHOLE:
                drawn[i] = [KeepTogether(drawn[i])]
        out: list[Flowable] = []
        i = 0
        while i < end:
            before: list[Flowable] = []
            while i < end and layout.bare_heading(items[i]):
                before += drawn[i]
                i += 1
            if i == end:  # headings right before the closing group (or the end)
                out.append(KeepTogether(before + tail))
                return out
            after = tail if i == end - 1 else []
            fl = drawn[i]
            while len(fl) > 1 and isinstance(fl[0], _Bookmark):  # a run-in heading's mark: kept too
                before, fl = [*before, fl[0]], fl[1:]
            if (before or after) and isinstance(fl[-1], CJKParagraph):
                out.append(KeepLines(before + fl[:-1], fl[-1], after, head=2 if before else 0,
                                     tail=2 if after else 0))
            elif before or after:  # a table, say: the headings go with its start
                out += [KeepTogether(before + fl[:1]), *fl[1:]] if before else fl
                if after:
                    out.append(KeepTogether(after))
            else:
                out += fl
            i += 1
            if after:
                return out
        return [*out, KeepTogether(tail)] if tail else out

    def block_heading(self, block: Heading, run_in: Paragraph | None = None) -> list[Flowable]:
        role = f"heading{block.level}"
        mark = self.bookmark(marked(block), block.level - 1)
        if run_in is None:  # kept with what follows by `blocks`
            return [mark, self.para(marked(block), role, block.line)]
        # the paragraph runs on its line, and breaks as body text does
        ps = self.pstyle(role, align=self.style.role("body").align, words=False)
        frags = self.frags(marked(block), self.style.role(role).font, block.line, ps)
        frags += self.frags(marked(run_in), self.style.role("body").font, run_in.line, ps)
        return [mark, CJKParagraph(None, ps, frags=frags)]

    def block_paragraph(self, block: Paragraph) -> list[Flowable]:
        return [self.para(marked(block), "body", block.line)]

    def block_addressee(self, block: Addressee) -> list[Flowable]:
        return [self.para(block.text, "addressee", block.line)]

    def block_attachments(self, block: Attachments) -> list[Flowable]:
        """`附件：1.名称`; the following names under the first one's number."""
        label, role = self.style.labels.attachments, self.style.role("attachments")
        unit = self.char("attachments")
        label_chars = (pdfmetrics.stringWidth(label, self.fonts.font(role.font), role.size.pt)
                       + len(label) * self.style.tracking("attachments").pt) / unit
        out = []
        for n, item in enumerate(block.items):
            text = (label if n == 0 else "") + (item.marker or "") + item.text
            chars = {"left": role.first_line_indent + label_chars, "first": -label_chars if n == 0 else 0}
            over = {} if n == 0 else {"spaceBefore": 0}
            out.append(self.para(text, "attachments", item.line or block.line, chars=chars, **over))
        return out  # kept together by `blocks` (layout.KEPT_WHOLE)

    def block_signature(self, block: Signature) -> list[Flowable]:
        """The lines `layout.signature` places, each set from its left edge (measured in this
        face, with the grid's tracking): kept together."""
        role, unit = self.style.role("signature"), self.char("signature")
        font, size = self.fonts.font(role.font), role.size.pt

        def chars(text: str) -> float:
            return (pdfmetrics.stringWidth(text, font, size) + len(text) * (unit - size)) / unit

        width = self.style.page.type_width.pt / unit
        out = []
        for n, (text, right) in enumerate(layout.signature(block, self.style, chars)):
            over = {"spaceBefore": 0} if n else {}
            out.append(self.para(text, "signature", block.line, align="left",
                                 chars={"left": width - right - chars(text), "first": 0, "right": 0}, **over))
        return out  # kept together by `blocks` (layout.KEPT_WHOLE)

    def block_note(self, block: Note) -> list[Flowable]:
        return [self.para(layout.note(block), "note", block.line)]

    def block_annex(self, block: Annex) -> list[Flowable]:
        """A new page [std 8]: the label flush left on its first line, the title centred on the
        third, then its blocks as the body's."""
        lines = layout.title_lines(block.title, self.style, "annex_title") if block.title else ()
        title = [self.para(t, "annex_title", block.line, **({} if i == len(lines) - 1 else {"spaceAfter": 0}))
                 for i, t in enumerate(lines)]
        return [PageBreak(), self.bookmark(block.label + (" " + block.title if block.title else ""), 0),
                self.para(block.label, "annex_label", block.line), *title, *self.blocks(block.body)]

    def block_record(self, block: Record) -> list[Flowable]:
        """版记 at the foot of the last page, an even one (`pdf_elements`)."""
        s, lines = self.style, layout.record(block, self.style)
        role, unit = s.role("record"), self.char("record")
        cc = None
        if lines.cc:
            lw = (pdfmetrics.stringWidth(s.labels.cc, self.fonts.font(role.font), role.size.pt)
                  + len(s.labels.cc) * s.tracking("record").pt) / unit
            cc = self.para(lines.cc, "record", block.line, align="left",
                           chars={"left": role.left_indent + lw, "first": -lw})
        printed = [self.para(text, "record", block.line, align=align, chars={"first": 0})
                   for text, align in ((lines.printer, "left"), (lines.printed, "right")) if text and s.record.printed]
        rules = (s.record.rule_outer.pt, s.record.rule_inner.pt) if s.record.rules else (0.0, 0.0)
        box = RecordBox(cc, printed, role.line_pitch.pt, rules, _color(s.record.color), self.unnumbered)
        full = s.page.type_height.pt
        return [ToEvenPage(box, full), ToEvenPage(box, full), box]

    # --- tables --------------------------------------------------------------------------------

    def entries(self, paras: list[Para], align: str, words: bool = False) -> list:
        """A cell's entries: markers hang (one indent per cell, wide enough for its widest
        marker, as the .docx does); a new blank-line group gets the group gap above it; in a
        narrow column (`words`) lines break between words."""
        ts = self.style.table
        hang = ts.entry_hang(p.marker for p in paras)
        out, group = [], paras[0].group if paras else 0
        for p in paras:
            over = {"align": align, "spaceBefore": ts.group_gap.pt if p.group != group else 0, "words": words}
            group = p.group
            if p.marker:
                bullet_font = self.fonts.runs(p.marker, self.style.role("table_cell").font)[0][0][0]
                over.update(chars={"left": hang, "first": 0}, bulletFontName=bullet_font, bulletIndent=0)
                out.append(self.para(p.text, "table_cell", p.line, bullet=p.marker, **over))
            else:
                out.append(self.para(p.text, "table_cell", p.line, balance=align == "center", **over))
        return out

    def block_table(self, table: Table) -> list[Flowable]:
        ts = self.style.table
        # the frame holds the whole line width: half a border on each side stays inside
        headers, roles, lengths = table_columns(table, self.style, self.style.page.type_width - ts.border)
        ncols = len(headers)
        cols = [ts.columns.get(k) for k in ts.column_kinds(roles)]
        widths = [w.pt for w in lengths]
        header = Row([[self.para(h, "table_header", table.line, balance=True)] for h in headers], ["center"] * ncols)
        valign = [col.valign if col else "top" for col in cols]
        sections = any(isinstance(r, SectionRow) for r in table.rows)
        rows = []
        for r, row in enumerate(table.rows, start=1):
            if isinstance(row, SectionRow):
                rows.append(Row([[self.bookmark(row.text, 0), self.para(row.text, "table_section", row.line)]],
                                ["center"], span=True))
                continue
            cells = [self.entries(cell.paragraphs, cols[c].align if cols[c] else "left",
                                  bool(cols[c] and cols[c].word_breaks))
                     for c, cell in enumerate(row.cells)]
            cells += [[] for _ in range(ncols - len(cells))]
            title = " ".join(x for x in (row.number, row.name) if x) or str(r)
            cells[0].insert(0, self.bookmark(title, 1 if sections else 0))
            rows.append(Row(cells, valign))
        # A row splits across pages (rather than leaving the page part-empty) when each part
        # keeps at least two lines of cell text.
        min_part = ts.min_row_part_lines * self.style.role("table_cell").line_pitch.pt + 2 * ts.cell_padding_vertical.pt
        return [RowTable(header, rows, widths, padding=ts.cell_padding.pt, padding_vertical=ts.cell_padding_vertical.pt,
                         border=ts.border.pt, color=_color(ts.border_color), min_part=min_part)]


def _pdf_date(iso: str | None) -> str | None:
    """`2021-02-07T09:19:00+08:00` → `D:20210207091900+08'00'`; None when there is no date."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2}))?$", iso or "")
    if not m:
        return None
    if not m[4]:
        return f"D:{m[1]}{m[2]}{m[3]}000000"
    return f"D:{m[1]}{m[2]}{m[3]}{m[4]}{m[5]}{m[6]}{m[7]}{m[8]}'{m[9]}'"


def render(doc: Document, style, context: Context | None = None) -> Rendered:
    """The PDF of `doc` laid out by `style`, with the diagnostics rendering produced (a
    `missing-glyph` warning per character no installed font has).

    Fonts are looked up in the context's `font_dirs`, `BULLETIN_FONT_PATH`, then (if
    `system_fonts`) the system. Raises FontError when a role has no usable font, RenderError
    when reportlab cannot lay the document out."""
    context = context or Context.here()
    with our_documents():  # reportlab set up for this render only (rlinternals)
        return Rendered(*_render(doc, style, context.font_dirs, context.system_fonts))


def _render(doc: Document, style, font_dirs, system_fonts: bool) -> tuple[bytes, list[Diagnostic]]:
    fonts = resolve_fonts(style, font_dirs, system=system_fonts)
    builder = _Builder(style, fonts)
    story = builder.header(doc) + builder.blocks(doc.body)
    page, meta = style.page, doc.meta
    frame = Frame(page.margin_left.pt, page.margin_bottom.pt, page.type_width.pt, page.type_height.pt,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="type-area")
    letter = meta.issuer if style.format == "letter" else None
    on_page = page_decoration(style, fonts, _pdf_date(meta.published), builder.unnumbered, letter)
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf, pagesize=(page.width.pt, page.height.pt), invariant=1, lang="zh-CN",
        title=meta.title, author=meta.source or "", creator="bulletin", displayDocTitle=1,
        subject="，".join(x for x in (meta.doc_number, meta.source, chinese_date(meta.published)) if x),
        initialFontName=fonts.font(style.role("body").font), initialFontSize=style.role("body").size.pt,
        pageTemplates=[PageTemplate("page", [frame], onPageEnd=on_page)],
    )
    try:
        template.build(story)
    except BulletinError:
        raise
    except Exception as exc:  # reportlab's LayoutError and friends carry no stable type
        raise RenderError(f"reportlab could not lay out the PDF: {exc}") from exc
    return buf.getvalue(), builder.diagnostics


def render_pdf(doc: Document, style) -> bytes:
    return render(doc, style).data
