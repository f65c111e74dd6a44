"""The Word renderer: `Document + StyleSheet → .docx bytes`, laid out per GB/T 9704-2012 with
python-docx.

Every number comes from the style sheet (`styles/gbt9704.toml`); this module maps document
blocks to paragraphs and tables of the roles the style defines. python-docx owns the package.
Each render opens the style's empty document (`docx_template`, made once per style sheet), adds
the content, sets the core properties and saves. What the API cannot express is written with its
oxml layer in `docx_xml`; a table's body rows are parsed from XML text in one go
(`docx_xml.table_rows`), as python-docx itself makes new elements. A run takes its role's run
properties from its paragraph's style; only the runs of a paragraph of two roles (a run-in
heading, the 签发人 line) carry their own. The same document, style and version give the same
bytes (fixed core dates, `docx_xml.zip_parts`). The element behind a python-docx proxy
(`paragraph._p`, `table._tbl`, `row._tr`, `section._sectPr`, `document._body`) is reached only in
this module and in `docx_template`: the oxml functions of `docx_xml` take elements, and
python-docx has no public way down to them.
"""

from __future__ import annotations

import copy
import math
from datetime import UTC, datetime

import docx
import docx.document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.oxml import CT_Types, serialize_part_xml
from docx.opc.packuri import PACKAGE_URI
from docx.opc.spec import default_content_types
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph as DocxParagraph

from ..errors import RenderError
from ..model import Addressee, Annex, Attachments, Document, Heading, Note, Paragraph, Record, Signature, Table
from ..style import Length, StyleSheet
from . import Context, Rendered, layout
from . import docx_xml as X
from .docx_template import ALIGN, style_parts
from .layout import blocks, draw, marked, table_columns
from .textfit import em_width

_FIXED_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


# --- one bulletin -----------------------------------------------------------------------------


class _Writer:
    """Adds one bulletin's content to the style's empty document: one `block_<type>` method per block type."""

    FORMAT = ".docx"

    def __init__(self, style: StyleSheet, epoch: str | None = None):
        self.style, self.epoch = style, epoch
        self.parts = style_parts(style)
        self.document = self.parts.document()
        self.body = self.document.element.body

    def para(self, role: str, text: str | None = None, *, before: int | None = None,
             after: int | None = None, ind: tuple[float, float, float] | None = None,
             keep_next: bool = False, rule: tuple[int, int, str] | None = None, align: str | None = None,
             tabs: list[tuple[str, int]] | None = None, runs: list[tuple[str, str | None]] = (),
             page_break: bool = False, rule_width: int | None = None, into=None) -> DocxParagraph:
        """Add a paragraph of `role` (with a run of `text`, then `runs`: text and role or None);
        keyword arguments override the role's style: spacing in twips, `ind` = (first line, left,
        right) in characters, `rule` = (width in 1/8 pt, gap in pt, colour) of a line under the
        paragraph, `tabs` (kind, twips), a page break before it, `rule_width`: the paragraph is a
        line across (1/8 pt); `into`: a footer to add it to, not the document."""
        p = (into or self.document).add_paragraph()
        self.set_style(p, role)
        pf = p.paragraph_format
        if rule_width is not None:
            X.rule_paragraph(p._p.get_or_add_pPr(), rule_width)
        if tabs:
            X.tab_stops(p._p.get_or_add_pPr(), tabs)
        if page_break:
            pf.page_break_before = True
        if align is not None:
            pf.alignment = ALIGN[align]
        if keep_next:
            pf.keep_with_next = True
        if rule is not None:
            X.bottom_rule(p._p.get_or_add_pPr(), *rule)
        if before is not None:
            pf.space_before = Twips(before)
        if after is not None:
            pf.space_after = Twips(after)
        if ind is not None:
            X.set_indent(p._p.get_or_add_pPr(), self.style.role(role), *ind)
        if text is not None:
            self.run(p, text)
        for t, r in runs:
            if t:
                self.run(p, t, r)
        return p

    @staticmethod
    def set_style(p: DocxParagraph, role: str) -> None:
        """`p.style = …` for our own styles, whose ids are known: python-docx's setter looks the
        style up and compares it with the default style, an XPath over every style (~0.4 ms a
        paragraph). Normal is the default: python-docx writes no w:pStyle for it."""
        if role != "body":
            p._p.style = X.STYLE_IDS[role][0]

    def run(self, p: DocxParagraph, text: str, role: str | None = None) -> None:
        """Add a run of `text` (w:br for newlines, w:tab for tabs); it takes the formatting of the
        paragraph's style, or of `role` given for a run of another role."""
        run = p.add_run(text)
        if role is not None:
            run.element.insert(0, copy.deepcopy(self.parts.rpr[role]))

    def header(self, doc: Document) -> None:
        """The header block; under it, the space that makes it a whole number of body lines
        (`layout.grid_pad`), reckoned from the paragraphs' spacing as Word stacks them."""
        s, head = self.style, layout.header(doc.meta, self.style)
        if s.format == "letter" and head.issuer:
            self.letter_header(head)
            return
        title_before = None
        height = 0  # twips
        last: tuple[DocxParagraph, int] | None = None  # the last paragraph and its space after

        def add(role: str, text: str, lines: int = 1, before: int | None = None, after: int | None = None,
                **kw) -> None:
            nonlocal height, last
            r = s.role(role)
            after_tw = r.space_after.twips if after is None else after
            height += (r.space_before.twips if before is None else before) + lines * r.line_pitch.twips + after_tw
            last = self.para(role, text, before=before, after=after, **kw), after_tw

        for role, text in head.fields:  # 份号, 密级, 紧急程度 at the top left [std 7.2]
            add(role, text, keep_next=True)
        if head.issuer:  # 版头: red 发文机关标志, 发文字号, red rule, then the title [std]
            ib = s.issuer_block
            per_line = s.page.type_width.pt / s.role("issuer").size.pt
            before = max(0, s.role("issuer").space_before.twips - height) if head.fields else None
            add("issuer", head.issuer, lines=max(1, math.ceil(em_width(head.issuer) / per_line - 1e-9)),
                keep_next=True, before=before)
            if head.masthead_number or head.signer_lines:
                rule = (ib.separator_width.eighth_points, round(ib.separator_gap.pt), ib.separator_color)
                lines = self.numbered(head, head.masthead_number)
                for i, (text, kw) in enumerate(lines):
                    add("doc_number", text, keep_next=True, before=ib.doc_number_gap.twips if i == 0 else None,
                        rule=rule if ib.rule and i == len(lines) - 1 else None, **kw)
                if ib.rule:
                    height += round(ib.separator_gap.pt) * 20 + ib.separator_width.twips  # the rule under it
            title_before = ib.title_gap.twips
        add("title", "\n".join(head.title_lines), lines=len(head.title_lines), before=title_before)
        if head.doc_number or not head.issuer:  # the 签发人 go with the 发文字号 wherever it stands
            for text, kw in self.numbered(head, head.doc_number):
                add("doc_number", text, **kw)
        for i, text in enumerate(head.meta_lines):
            add("meta", text, after=None if i == len(head.meta_lines) - 1 else 0)
        pad = layout.grid_pad(Length(height * 635), s).twips
        if pad and last is not None:
            last[0].paragraph_format.space_after = Twips(last[1] + pad)

    def letter_header(self, head: layout.Header) -> None:
        """信函格式 [std 10.1]: the mark in page 1's own header, `issuer_top` under the paper's top
        edge, the red double lines drawn by page position; under the first one the 份号 … left
        and the 发文字号 right (a right tab), then the title two lines lower; page 1's footer has
        no number."""
        s, letter = self.style, self.style.letter
        page, issuer, body = s.page, s.role("issuer"), s.role("body")
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        section.header_distance = Twips(letter.issuer_top.twips)
        mark = section.first_page_header.paragraphs[0]
        self.set_style(mark, "issuer")
        mark.paragraph_format.space_before = Twips(0)
        self.run(mark, head.issuer)
        middle = page.margin_left.pt + page.type_width.pt / 2
        x0, x1 = middle - letter.rule_length.pt / 2, middle + letter.rule_length.pt / 2
        thick, gap, thin = letter.thick.pt, letter.rule_spacing.pt, letter.thin.pt
        top = (letter.issuer_top + issuer.size + letter.rule_gap).pt
        mark._p.append(X.double_line_run(x0, x1, top, (thick, gap, thin), issuer.color))
        foot = section.first_page_footer.paragraphs[0]
        bottom = (page.height - letter.bottom_rule).pt - thick - gap - thin
        foot._p.append(X.double_line_run(x0, x1, bottom, (thin, gap, thick), issuer.color))
        # the body starts under the header, which reaches below the top margin (Word; LibreOffice
        # adds some space under a header, and sets the 发文字号 lower)
        body_top = max(page.margin_top.pt, (letter.issuer_top + issuer.line_pitch).pt)
        first = top + thick + gap + thin + letter.field_gap.pt - (body.line_pitch.pt - body.size.pt) / 2 - body_top
        number = head.masthead_number
        for i in range(max(len(head.fields), 1 if number else 0)):
            role, text = head.fields[i] if i < len(head.fields) else ("doc_number", "")
            kw = {"before": round(max(0.0, first) * 20)} if i == 0 else {}
            if i == 0 and number:
                kw.update(tabs=[("right", page.type_width.twips)], runs=[("\t", None), (number, "doc_number")])
            self.para(role, text, align="left", **kw)
        self.para("title", "\n".join(head.title_lines), before=letter.title_gap.twips)
        for i, text in enumerate(head.meta_lines):
            self.para("meta", text, after=None if i == len(head.meta_lines) - 1 else 0)

    def numbered(self, head: layout.Header, number: str | None) -> list[tuple[str | None, dict]]:
        """The 发文字号's lines as (text, `para` keywords): centred alone, or one character in
        from the left with the 签发人 beside it (`layout.signed_number`): a tab to the label,
        whose names are runs of their own role."""
        if not head.signer_lines:
            return [(number, {})] if number else []
        s = self.style
        unit = s.role("body").size.pt + s.tracking("body").pt

        def width(text: str, role: str) -> float:
            return em_width(text) * s.role(role).size.pt / unit

        out = []
        for ln in layout.signed_number(head, number, s, width):
            at = ln.names_at - (width(ln.label, "signer_label") if ln.label else 0)
            runs = [("\t", None), (ln.label, "signer_label"), (ln.names, "signer_names")]
            out.append((ln.number or None, {"ind": (0, 1 if ln.number else 0, 0), "align": "left",
                                            "tabs": [("left", round(at * unit * 20))], "runs": runs}))
        return out

    def blocks(self, body: list) -> None:
        for block, run_in in blocks(body):
            draw(self, block, run_in)

    def block_heading(self, block: Heading, run_in: Paragraph | None = None) -> None:
        role = f"heading{block.level}"
        if run_in is None:
            self.para(role, marked(block))
        else:  # a paragraph of two roles: each run has its own properties
            p = self.para(role)
            self.run(p, marked(block), role)
            self.run(p, marked(run_in), "body")
            # Now a paragraph of text: not kept with the next one as a bare heading is.
            p.paragraph_format.keep_with_next = False

    def block_paragraph(self, block: Paragraph) -> None:
        self.para("body", marked(block))

    def block_addressee(self, block: Addressee) -> None:
        self.para("addressee", block.text)

    def block_attachments(self, block: Attachments) -> None:
        first = self.style.role("attachments").first_line_indent
        label = self.style.labels.attachments
        lw = em_width(label)
        for i, item in enumerate(block.items):
            text = (label if i == 0 else "") + (item.marker or "") + item.text
            self.para("attachments", text, ind=(-lw if i == 0 else 0, first + lw, 0),
                      before=None if i == 0 else 0)

    def keep_with_next(self) -> None:
        """Keep the last body paragraph (and any 附件说明 after it) with what follows, so a
        signature never stands on a page without text ([std] no "此页无正文")."""
        attachments = X.STYLE_IDS["attachments"][0]
        for p in self.body.iterchildren(qn("w:p"), qn("w:tbl"), reversed=True):
            if p.tag != qn("w:p"):
                return
            DocxParagraph(p, self.document._body).paragraph_format.keep_with_next = True
            if p.style != attachments:
                return

    def block_signature(self, block: Signature) -> None:
        self.keep_with_next()
        lines = layout.signature(block, self.style, em_width)  # no autospace: as the PDF measures
        for i, (text, right) in enumerate(lines):
            self.para("signature", text, ind=(0, 0, right), before=None if i == 0 else 0,
                      keep_next=i < len(lines) - 1)

    def block_note(self, block: Note) -> None:
        self.para("note", layout.note(block))

    def block_annex(self, block: Annex) -> None:
        """A new page [std 8]: the label on its first line, the title centred on the third."""
        self.para("annex_label", block.label, page_break=True, keep_next=True)
        if block.title:
            self.para("annex_title", "\n".join(layout.title_lines(block.title, self.style, "annex_title")))
        self.blocks(block.body)

    def block_record(self, block: Record) -> None:
        """版记 [std 7.4] as the footer of a section of its own, which starts on an even page (Word
        adds the blank page before it) and holds no text: the footer's foot stands on the type
        area's bottom edge, its lines between rules as wide as the type area, no page number.
        (A frame at the page's foot would do in Word; LibreOffice drops a frame whose paragraphs
        have borders.)"""
        s, lines = self.style, layout.record(block, self.style)
        section = self.section_on_even_page()
        section.footer_distance = Twips(s.page.margin_bottom.twips)
        role, rules = s.role("record"), s.record
        if not rules.printed:
            lines = layout.RecordLines(cc=lines.cc, printer=None, printed=None)
        for footer in (section.footer, section.even_page_footer):
            footer.is_linked_to_previous = False  # a footer part of its own
            box = footer.paragraphs[0]
            self.set_style(box, "record")
            if rules.rules:
                X.rule_paragraph(box._p.get_or_add_pPr(), rules.rule_outer.eighth_points)
            if lines.cc:
                lw = em_width(s.labels.cc)
                self.para("record", lines.cc, ind=(-lw, role.left_indent + lw, role.right_indent), align="left",
                          into=footer)
            if lines.cc and (lines.printer or lines.printed) and rules.rules:
                self.para("record", None, rule_width=rules.rule_inner.eighth_points, into=footer)
            if lines.printer or lines.printed:
                right = (s.page.type_width - role.chars(role.right_indent)).twips
                self.para("record", lines.printer or "", ind=(0, role.left_indent, role.right_indent), align="left",
                          tabs=[("right", right)], runs=[("\t" + (lines.printed or ""), None)], into=footer)
            if rules.rules:
                self.para("record", None, rule_width=rules.rule_outer.eighth_points, into=footer)
        self.low_paragraph()  # the section's one paragraph

    def section_on_even_page(self):
        """End the section at the last paragraph and start one on the next even page, without the
        page-number footers (python-docx's `add_section` would add an empty paragraph for the
        break); return the new section."""
        last = self.body[-2]  # [-1] is the w:sectPr
        if last.tag != qn("w:p"):  # a table ends the text: a paragraph of no height for the break
            last = self.low_paragraph()._p
        last.get_or_add_pPr().append(copy.deepcopy(self.document.sections[-1]._sectPr))
        section = self.document.sections[-1]
        section.start_type = WD_SECTION.EVEN_PAGE
        for ref in section._sectPr.findall(qn("w:footerReference")):  # the page-number footers' parts
            section._sectPr.remove(ref)  # are shared with the section before: not dropped
        return section

    def low_paragraph(self) -> DocxParagraph:
        """A paragraph so low that it never adds a page (after a table, which may not end a
        document or a section)."""
        p = self.para("table_cell")
        pf = p.paragraph_format
        pf.space_before, pf.space_after = Twips(0), Twips(0)
        pf.line_spacing = Twips(self.style.table.closing_paragraph.twips)
        return p

    def block_table(self, table: Table) -> None:
        """The table, its grid and header row through the API (borders, margins and the header
        repeat as XML); the body rows as XML, parsed in one go."""
        s = self.style
        headers, _, lengths = table_columns(table, s, s.page.type_width)
        ncols = len(headers)
        total = s.page.type_width.twips
        widths = [x.twips for x in lengths]
        widths[-1] = total - sum(widths[:-1])

        t = self.document.add_table(rows=1, cols=ncols)
        t.autofit = False  # w:tblLayout fixed
        for column, wd in zip(t.columns, widths, strict=True):
            column.width = Twips(wd)
        X.table_properties(t._tbl, s, total)
        header = t.rows[0]
        X.header_row(header._tr)  # repeated at the top of every page
        for cell, text, wd in zip(header.cells, headers, widths, strict=True):
            cell.width = Twips(wd)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            self.set_style(p, "table_header")
            self.run(p, text)
        t._tbl.extend(X.table_rows(table, s, headers, widths))

    def finish(self, doc: Document) -> bytes:
        if self.body[-2].tag == qn("w:tbl"):  # [-1] is the w:sectPr
            self.low_paragraph()  # a document must end with a paragraph
        meta = doc.meta
        core = self.document.core_properties
        core.title = _core_text(meta.title)
        core.author = core.last_modified_by = _core_text(meta.source or "")
        core.subject = _core_text(meta.doc_number or meta.title)
        core.comments = _core_text(meta.url or "")
        core.language = "zh-CN"
        core.revision = 1
        core.created = core.modified = _timestamp(meta.published, self.epoch)  # never the wall clock
        return X.zip_parts(_package_parts(self.document))


def _package_parts(document: docx.document.Document) -> dict[str, bytes]:
    """The package's zip members (name → bytes) as python-docx's save writes them, made through
    its public part API — each part's blob and relationships, the package's relationships, the
    content types (a Default for an extension OPC gives one, an Override for any other part) —
    so that `zip_parts` zips them once, in a fixed order with fixed times (python-docx's own zip
    carries the wall clock)."""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    defaults, overrides, out = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}, {}, {}
    for part in parts:
        ext = part.partname.ext
        if (ext.lower(), part.content_type) in default_content_types:
            defaults[ext] = part.content_type
        else:
            overrides[part.partname] = part.content_type
        out[part.partname.membername] = part.blob
        if len(part.rels):
            out[part.partname.rels_uri.membername] = part.rels.xml
    types = CT_Types.new()
    for ext in sorted(defaults):
        types.add_default(ext, defaults[ext])
    for name in sorted(overrides):
        types.add_override(name, overrides[name])
    out["[Content_Types].xml"] = serialize_part_xml(types)
    out[PACKAGE_URI.rels_uri.membername] = package.rels.xml
    return out


def _core_text(text: str) -> str:
    """python-docx refuses core-property strings over 255 characters: shorten them."""
    return text if len(text) <= 255 else text[:254] + "…"


def _timestamp(published: str | None, epoch: str | None) -> datetime:
    """Return the UTC time for the core properties: the publication date, else `epoch` (the
    context's `SOURCE_DATE_EPOCH`), else a fixed epoch. A date without a time is midnight China time."""
    if published:
        text = published if "T" in published else published + "T00:00:00+08:00"
        return datetime.fromisoformat(text).astimezone(UTC)
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise RenderError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}") from None
    return _FIXED_EPOCH


def render(doc: Document, style: StyleSheet, context: Context | None = None) -> Rendered:
    """The .docx of `doc` laid out by `style` (GB/T 9704 with the default style)."""
    wr = _Writer(style, (context or Context.here()).source_date_epoch)
    wr.header(doc)
    wr.blocks(doc.body)
    return Rendered(wr.finish(doc))


def render_docx(doc: Document, style: StyleSheet) -> bytes:
    return render(doc, style).data
