"""The Word renderer: `Document + StyleSheet → .docx bytes`, laid out per GB/T 9704-2012 with
python-docx.

Every number comes from the style sheet (`styles/gbt9704.toml`); this module maps document
blocks to paragraphs and tables of the roles the style defines. python-docx owns the package.
Once per style sheet, `_empty_document` takes its default template, drops what would leak into
the layout (stylesWithEffects and styles with theme fonts, the theme, numbering, customXml, the
thumbnail; Letter size, 10 pt after, 1.15 lines, en-US/ja-JP East Asian language) and defines
the styles, settings, page and footers through its API; the result is kept as package bytes.
Each render opens them with `docx.Document`, adds the content, sets the core properties and
saves. What the API cannot express is written with its oxml layer in `docx_xml`; a table's body
rows are parsed from XML text in one go (`docx_xml.table_rows`), as python-docx itself makes new
elements. A run takes its role's run properties from its paragraph's style; only the runs of a
paragraph of two roles (a run-in heading) carry their own. The same document, style and version give the same bytes
(fixed core dates, `docx_xml.zip_parts`). The element behind a python-docx proxy (`paragraph._p`,
`table._tbl`, `row._tr`, `section._sectPr`, `document._body`) is reached only in this module: the
oxml functions of `docx_xml` take elements, and python-docx has no public way down to them.
"""

from __future__ import annotations

import copy
import io
import math
from datetime import UTC, datetime

import docx
import docx.document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import CT_Types, serialize_part_xml
from docx.opc.packuri import PACKAGE_URI, PackURI
from docx.opc.part import Part, XmlPart
from docx.opc.spec import default_content_types
from docx.oxml.ns import qn
from docx.shared import Emu, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph

from .. import __version__
from ..errors import RenderError
from ..model import Addressee, Attachments, Document, Heading, Note, Paragraph, Signature, Table
from ..style import Length, StyleSheet
from . import Context, Rendered, layout
from . import docx_xml as X
from .layout import blocks, draw, marked, table_columns
from .textfit import em_width

_FIXED_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
          "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE}
# Template parts kept; the rest is dropped (python-docx saves only what relationships reach).
_KEEP_RELS = {RT.STYLES, RT.SETTINGS, RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES}
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


# --- the style's empty document -------------------------------------------------------------------


def _set_font(font, rpr, style: StyleSheet, role_name: str) -> None:
    """Give a style (or a run) the role's font in every slot, size, weight, colour and zh-CN."""
    role = style.role(role_name)
    font.name = style.fonts[role.font].latin  # w:ascii, w:hAnsi
    font.bold = font.cs_bold = role.bold
    font.color.rgb = RGBColor.from_string(role.color.upper())
    font.size = Emu(role.size.half_points * 6350)
    X.rpr_extras(rpr, style, role_name)  # w:eastAsia + w:hint, tracking, kern, szCs, lang


def _define_styles(document, style: StyleSheet) -> None:
    """Only the template's default styles survive; then one paragraph style per role."""
    styles = document.styles
    for s in list(styles):
        if s.style_id not in _KEEP_STYLES:
            s.delete()
    root = styles.element
    root.remove(root.find(qn("w:latentStyles")))
    normal = styles["Normal"]
    normal.element.remove_all("w:rsid")
    X.cell_margins(styles["Normal Table"].element.find(qn("w:tblPr")), style)
    for role_name, (sid, name, outline) in X.STYLE_IDS.items():
        role = style.role(role_name)
        s = normal
        if sid != "Normal":
            s = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=sid in X.BUILTIN_STYLES)
            s.style_id, s.base_style = sid, normal
            if outline is not None:
                s.next_paragraph_style = normal
        s.quick_style = True
        pf = s.paragraph_format
        X.snap_off(s.element.get_or_add_pPr())
        X.no_autospace(s.element.pPr)
        X.widow_control(s.element.pPr)
        pf.space_before, pf.space_after = Twips(role.space_before.twips), Twips(role.space_after.twips)
        pf.line_spacing = Twips(role.line_pitch.twips)  # a length: lineRule="exact"
        X.set_indent(s.element.pPr, role, role.first_line_indent, role.left_indent, role.right_indent)
        pf.alignment = _ALIGN[role.align]
        if role.keep_with_next:
            pf.keep_with_next = True
        if outline is not None:
            s.element.pPr.get_or_add_outlineLvl().val = outline
        _set_font(s.font, s.element.get_or_add_rPr(), style, role_name)
    # Document defaults have no API: the body's run properties replace the theme fonts, 11 pt
    # and the en-US East Asian language; no 10 pt after, no 1.15 lines.
    defaults = root.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.remove(rpr_default.find(qn("w:rPr")))
    rpr_default.append(copy.deepcopy(normal.element.rPr))
    X.put(defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}"), "w:spacing", ("w:ind", "w:jc"), before=0,
          after=0, line=style.role("body").line_pitch.twips, lineRule="exact")


def _define_page(document, style: StyleSheet) -> None:
    """A4, margins, header/footer distances through the API; number format and grid as XML.
    Footers `— PAGE —` on odd pages right, on even pages left, one character in."""
    page = style.page
    section = document.sections[0]
    section.page_width, section.page_height = Twips(page.width.twips), Twips(page.height.twips)
    section.top_margin, section.bottom_margin = Twips(page.margin_top.twips), Twips(page.margin_bottom.twips)
    section.left_margin, section.right_margin = Twips(page.margin_left.twips), Twips(page.margin_right.twips)
    section.header_distance = Twips(page.header_distance.twips)
    section.footer_distance = Twips(style.footer_distance.twips)
    section.gutter = Twips(0)
    X.section_extras(section._sectPr, style)

    document.settings.odd_and_even_pages_header_footer = True  # the even footer needs it
    X.settings_extras(document.settings.element, style)

    pn, role = style.page_number, style.role("page_number")
    before, after = layout.page_number_field(style)
    for footer, n in ((section.footer, 1), (section.even_page_footer, 2)):
        side = layout.page_number(style, n)[1]
        footer.is_linked_to_previous = False  # python-docx adds the footer part
        p = footer.paragraphs[0]
        p.style = document.styles["Footer"]
        X.set_indent(p._p.get_or_add_pPr(), role, 0, pn.indent if side == "left" else 0,
                     pn.indent if side == "right" else 0)
        p.paragraph_format.alignment = _ALIGN[side]
        rpr = None
        for kind, text in (("t", before), ("begin", ""), ("instr", " PAGE "), ("separate", ""), ("t", "1"),
                           ("end", ""), ("t", after)):
            if kind == "t" and not text:
                continue
            run = p.add_run(text if kind == "t" else None)
            if rpr is None:
                _set_font(run.font, run.element.get_or_add_rPr(), style, "page_number")
                rpr = run.element.rPr
            else:
                run.element.insert(0, copy.deepcopy(rpr))
            if kind != "t":
                X.field_code(run.element, kind, text)  # the PAGE field: fldChar, instrText


def _empty_document(style: StyleSheet) -> docx.document.Document:
    """python-docx's default template made into this style's empty document."""
    document = docx.Document()
    part, package = document.part, document.part.package
    for rid, rel in list(part.rels.items()):
        if rel.reltype not in _KEEP_RELS:
            part.drop_rel(rid)
    for rid, rel in list(package.rels.items()):
        if rel.reltype not in _KEEP_RELS:
            del package.rels[rid]
    # A font table naming the style's faces with Word's substitutes, and this program as the
    # application (python-docx has no API for either part).
    part.relate_to(XmlPart(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, X.font_table(style), package),
                   RT.FONT_TABLE)
    package.relate_to(Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, X.app_xml(__version__),
                           package), RT.EXTENDED_PROPERTIES)
    _define_styles(document, style)
    _define_page(document, style)
    return document


class _StyleParts:
    """What depends on the style only: the empty document, and each role's run properties as
    python-docx wrote them into the role's style (copied into a run of another role than its
    paragraph's: the font setters cost about 2 ms a run)."""

    def __init__(self, style: StyleSheet):
        document = _empty_document(style)
        buf = io.BytesIO()
        document.save(buf)
        self.package = buf.getvalue()
        styles = document.styles.element
        self.rpr = {role: styles.get_by_id(sid).rPr for role, (sid, _, _) in X.STYLE_IDS.items()}

    def document(self) -> docx.document.Document:
        """The style's empty document to fill, opened from the saved template (~1.3 ms)."""
        return docx.Document(io.BytesIO(self.package))


def _style_parts(style: StyleSheet) -> _StyleParts:
    return style.derived("docx", lambda: _StyleParts(style))


# --- one bulletin -----------------------------------------------------------------------------


class _Writer:
    """Adds one bulletin's content to the style's empty document: one `block_<type>` method per block type."""

    FORMAT = ".docx"

    def __init__(self, style: StyleSheet, epoch: str | None = None):
        self.style, self.epoch = style, epoch
        self.parts = _style_parts(style)
        self.document = self.parts.document()
        self.body = self.document.element.body

    def para(self, role: str, text: str | None = None, *, before: int | None = None,
             after: int | None = None, ind: tuple[float, float, float] | None = None,
             keep_next: bool = False, rule: tuple[int, int, str] | None = None) -> DocxParagraph:
        """Add a paragraph of `role` (with a run of `text`); keyword arguments override the role's
        style: spacing in twips, `ind` = (first line, left, right) in characters, `rule` = (width
        in 1/8 pt, gap in pt, colour) of a line under the paragraph."""
        p = self.document.add_paragraph()
        self.set_style(p, role)
        pf = p.paragraph_format
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

        if head.issuer:  # 版头: red 发文机关标志, 发文字号, red rule, then the title [std]
            ib = s.issuer_block
            per_line = s.page.type_width.pt / s.role("issuer").size.pt
            add("issuer", head.issuer, lines=max(1, math.ceil(em_width(head.issuer) / per_line - 1e-9)),
                keep_next=True)
            if head.masthead_number:
                rule = (ib.separator_width.eighth_points, round(ib.separator_gap.pt), ib.separator_color)
                add("doc_number", head.masthead_number, keep_next=True, before=ib.doc_number_gap.twips, rule=rule)
                height += round(ib.separator_gap.pt) * 20 + ib.separator_width.twips  # the rule under it
            title_before = ib.title_gap.twips
        add("title", "\n".join(head.title_lines), lines=len(head.title_lines), before=title_before)
        if head.doc_number:
            add("doc_number", head.doc_number)
        for i, text in enumerate(head.meta_lines):
            add("meta", text, after=None if i == len(head.meta_lines) - 1 else 0)
        pad = layout.grid_pad(Length(height * 635), s).twips
        if pad and last is not None:
            last[0].paragraph_format.space_after = Twips(last[1] + pad)

    def blocks(self, doc: Document) -> None:
        for block, run_in in blocks(doc.body):
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
            # A document must end with a paragraph; kept this low, it never adds a page.
            pf = self.para("table_cell").paragraph_format
            pf.space_before, pf.space_after = Twips(0), Twips(0)
            pf.line_spacing = Twips(self.style.table.closing_paragraph.twips)
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
    wr.blocks(doc)
    return Rendered(wr.finish(doc))


def render_docx(doc: Document, style: StyleSheet) -> bytes:
    return render(doc, style).data
