"""The Word renderer: `Document + StyleSheet → .docx bytes`, laid out per GB/T 9704-2012.

Every number comes from the style sheet (`styles/gbt9704.toml`); this module maps document
blocks to paragraphs and tables of the roles the style defines. The output is byte-identical for
the same document, style and version (see `docx_xml.write_zip` and `_timestamp`).
"""

from __future__ import annotations

import copy
import os
from datetime import UTC, datetime

from lxml import etree

from .. import __version__
from ..errors import RenderError
from ..model import (
    Addressee,
    Attachments,
    Cell,
    Document,
    Heading,
    ItemRow,
    Paragraph,
    Signature,
    Table,
)
from ..style import StyleSheet, TextRole
from . import docx_xml as X
from .docx_xml import el
from .textfit import chinese_date, em_width, set_width, split_title

# [std] 成文日期: its first character two characters right of the signer's first character.
_DATE_SHIFT = 2
_FIXED_EPOCH = "1980-01-01T00:00:00Z"


class _StyleParts:
    """What depends on the style only, built once per style sheet: run properties per role and
    the styles, settings, font-table and footer parts."""

    def __init__(self, style: StyleSheet):
        self.rpr = {name: X.rpr_for(style, name) for name in style.roles}
        self.rpr_xml = {name: X.element_xml(e) for name, e in self.rpr.items()}
        self.files = [
            ("word/styles.xml", X.styles_xml(style)),
            ("word/settings.xml", X.settings_xml(style)),
            ("word/fontTable.xml", X.font_table_xml(style)),
            ("word/footer1.xml", X.footer_xml(style, style.page_number.odd)),
            ("word/footer2.xml", X.footer_xml(style, style.page_number.even)),
        ]


_parts_cache: dict[int, tuple[StyleSheet, _StyleParts]] = {}


def _style_parts(style: StyleSheet) -> _StyleParts:
    hit = _parts_cache.get(id(style))
    if hit is None or hit[0] is not style:
        if len(_parts_cache) >= 8:
            _parts_cache.clear()
        hit = _parts_cache[id(style)] = (style, _StyleParts(style))
    return hit[1]


class _Writer:
    """Builds word/document.xml for one document."""

    def __init__(self, style: StyleSheet):
        self.style = style
        self.root = el(None, "document")
        self.body = el(self.root, "body")
        self.parts = _style_parts(style)
        self._rpr, self._rpr_xml = self.parts.rpr, self.parts.rpr_xml

    # --- paragraphs and runs --------------------------------------------------------------------

    def para(
        self,
        parent: etree._Element,
        role: str,
        *,
        before: int | None = None,
        after: int | None = None,
        ind: dict[str, object] | None = None,
        jc: str | None = None,
        tab: int | None = None,
        keep_next: bool = False,
        rule: tuple[int, int, str] | None = None,
    ) -> etree._Element:
        """Append a paragraph of `role`; keyword arguments override the role's style (twips).

        `rule` = (width in 1/8 pt, gap in pt, colour) draws a line under the paragraph.
        """
        p = el(parent, "p")
        ppr = el(p, "pPr")
        el(ppr, "pStyle", val=X.STYLE_IDS[role][0])
        if keep_next:
            el(ppr, "keepNext")
        if rule is not None:
            el(el(ppr, "pBdr"), "bottom", val="single", sz=rule[0], space=rule[1], color=rule[2])
        if tab is not None:
            el(el(ppr, "tabs"), "tab", val="left", pos=tab)
        if before is not None or after is not None:
            sp = el(ppr, "spacing")
            if before is not None:
                sp.set(X.w("before"), str(before))
            if after is not None:
                sp.set(X.w("after"), str(after))
        if ind is not None:
            el(ppr, "ind", **ind)
        if jc is not None:
            el(ppr, "jc", val=X._JC[jc])
        return p

    def run(self, p: etree._Element, role: str, text: str) -> etree._Element:
        r = el(p, "r")
        r.append(copy.deepcopy(self._rpr[role]))
        X.add_text(r, text)
        return r

    def text_para(self, parent: etree._Element, role: str, text: str, **kw: object) -> etree._Element:
        p = self.para(parent, role, **kw)  # type: ignore[arg-type]
        self.run(p, role, text)
        return p

    # --- header block -------------------------------------------------------------------------

    def header(self, doc: Document) -> None:
        s, meta = self.style, doc.meta
        issuer = meta.issuer
        title_before = None
        if issuer:  # 版头: red 发文机关标志, 发文字号, red rule, then the title [std]
            ib = s.issuer_block
            self.text_para(self.body, "issuer", issuer, keep_next=True)
            if meta.doc_number:
                rule = (ib.separator_width.eighth_points, round(ib.separator_gap.pt), ib.separator_color)
                self.text_para(self.body, "doc_number", meta.doc_number, keep_next=True,
                               before=ib.doc_number_gap.twips, rule=rule)
            title_before = ib.title_gap.twips
        title = s.role("title")
        lines = split_title(meta.title, s.page.type_width.pt / title.size.pt)
        self.text_para(self.body, "title", "\n".join(lines), before=title_before)
        if meta.doc_number and not issuer:
            self.text_para(self.body, "doc_number", meta.doc_number)
        items = []
        if meta.source:
            items.append(s.labels.source + meta.source)
        published = chinese_date(meta.published)
        if published:
            items.append(s.labels.published + published)
        for i, text in enumerate(items):
            last = i == len(items) - 1
            self.text_para(self.body, "meta", text, after=None if last else 0)

    # --- body blocks --------------------------------------------------------------------------

    def blocks(self, doc: Document) -> None:
        heading_p: etree._Element | None = None
        for block in doc.body:
            if isinstance(block, Paragraph) and block.run_in and heading_p is not None:
                self.run(heading_p, "body", (block.marker or "") + block.text)
                # Now a paragraph of text: not kept with the next one as a bare heading is.
                heading_p.find(X.w("pPr")).insert(1, el(None, "keepNext", val=0))
                heading_p = None
                continue
            heading_p = None
            if isinstance(block, Heading):
                role = f"heading{block.level}"
                heading_p = self.text_para(self.body, role, block.marker + block.text)
            elif isinstance(block, Paragraph):
                self.text_para(self.body, "body", (block.marker or "") + block.text)
            elif isinstance(block, Addressee):
                self.text_para(self.body, "addressee", block.text)
            elif isinstance(block, Attachments):
                self.attachments(block)
            elif isinstance(block, Signature):
                self.signature(block)
            elif isinstance(block, Table):
                self.table(block)
            else:  # pragma: no cover - the model's union is closed
                raise RenderError(f"the .docx renderer does not know block {type(block).__name__}")

    def attachments(self, block: Attachments) -> None:
        role = self.style.role("attachments")
        label = self.style.labels.attachments
        lw = em_width(label)
        first = role.first_line_indent
        for i, item in enumerate(block.items):
            text = (label if i == 0 else "") + (item.marker or "") + item.text
            ind = X.indent_attrs(role, -lw if i == 0 else 0, first + lw)
            self.text_para(self.body, "attachments", text, ind=ind, before=None if i == 0 else 0)

    def keep_with_next(self) -> None:
        """Keep the last body paragraph (and any 附件说明 after it) with what follows, so a
        signature never stands on a page without text ([std] no "此页无正文")."""
        attachments = X.STYLE_IDS["attachments"][0]
        for p in reversed(self.body):
            if p.tag != X.w("p"):
                return
            ppr = p.find(X.w("pPr"))
            if ppr.find(X.w("keepNext")) is None:
                ppr.insert(1, el(None, "keepNext"))
            if ppr.find(X.w("pStyle")).get(X.w("val")) != attachments:
                return

    def signature(self, block: Signature) -> None:
        self.keep_with_next()
        role = self.style.role("signature")
        date = chinese_date(block.date) or block.date_text
        base = role.right_indent
        signer_right = date_right = base
        if block.signers and date:
            s, d = max(set_width(x) for x in block.signers), set_width(date)
            date_right = signer_right + s - _DATE_SHIFT - d
            if date_right < base:  # a date longer than the signer pushes the signer left
                date_right = base
                signer_right = base + d + _DATE_SHIFT - s
        lines = [(x, signer_right) for x in block.signers] + ([(date, date_right)] if date else [])
        for i, (text, right) in enumerate(lines):
            ind = X.indent_attrs(role, 0, 0, right)
            self.text_para(self.body, "signature", text, ind=ind, before=None if i == 0 else 0,
                           keep_next=i < len(lines) - 1)

    # --- tables -------------------------------------------------------------------------------

    def table(self, table: Table) -> None:
        s, ts = self.style, self.style.table
        ncols = max([len(table.columns)] + [len(r.cells) for r in table.rows if isinstance(r, ItemRow)])
        headers = table.columns + [""] * (ncols - len(table.columns))
        kinds = ts.column_kinds(headers)
        total = s.page.type_width
        widths = [x.twips for x in ts.column_widths(headers, total)]
        widths[-1] = total.twips - sum(widths[:-1])

        tbl = el(self.body, "tbl")
        tpr = el(tbl, "tblPr")
        el(tpr, "tblW", w=total.twips, type="dxa")
        el(tpr, "tblInd", w=0, type="dxa")
        borders = el(tpr, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el(borders, side, val="single", sz=ts.border.eighth_points, space=0, color=ts.border_color)
        el(tpr, "tblLayout", type="fixed")
        X.cell_margins(s, tpr)
        el(tpr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0,
           noHBand=1, noVBand=1)
        grid = el(tbl, "tblGrid")
        for wd in widths:
            el(grid, "gridCol", w=wd)

        tr = el(tbl, "tr")
        trpr = el(tr, "trPr")
        el(trpr, "cantSplit")
        el(trpr, "tblHeader")  # repeated at the top of every page
        for text, wd in zip(headers, widths, strict=True):
            tc = self.cell(tr, wd, "center")
            self.text_para(tc, "table_header", text)

        rows = []
        for row in table.rows:
            if not isinstance(row, ItemRow):
                rows.append(f"<w:tr>{self.cell_xml(total.twips, 'center', ncols)}"
                            f"{X.para_xml('TableSection', self._rpr_xml['table_section'], row.text)}</w:tc></w:tr>")
                continue
            rows.append("<w:tr>")
            for k, (kind, wd) in enumerate(zip(kinds, widths, strict=True)):
                col = ts.columns.get(kind)
                rows.append(self.cell_xml(wd, col.valign if col else "top"))
                self.cell_body(rows, row.cells[k] if k < len(row.cells) else Cell(), col.align if col else None)
                rows.append("</w:tc>")
            rows.append("</w:tr>")
        tbl.extend(X.parse_fragment("".join(rows)))

    def cell(self, tr: etree._Element, width: int, valign: str) -> etree._Element:
        tc = el(tr, "tc")
        tcpr = el(tc, "tcPr")
        el(tcpr, "tcW", w=width, type="dxa")
        el(tcpr, "vAlign", val=valign)
        return tc

    @staticmethod
    def cell_xml(width: int, valign: str, span: int = 1) -> str:
        """Return the opening of a `w:tc` with its width (and span): the caller closes it."""
        grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}<w:vAlign w:val="{valign}"/></w:tcPr>'

    def cell_body(self, out: list[str], cell: Cell, align: str | None) -> None:
        """Append the paragraphs of a table cell: one per entry, markers hanging."""
        role: TextRole = self.style.role("table_cell")
        sid, rpr = X.STYLE_IDS["table_cell"][0], self._rpr_xml["table_cell"]
        jc = align if align and align != role.align else None
        if not cell.paragraphs:
            out.append(X.para_xml(sid, None, "", jc=jc))
            return
        prev_group = cell.paragraphs[0].group
        # One hanging indent per cell, wide enough for its widest marker: the texts align.
        markers = [p.marker for p in cell.paragraphs if p.marker]
        hang = max([self.style.table.entry_hanging_indent] + [em_width(m) + 0.25 for m in markers])
        ind = X.indent_attrs(role, -hang, hang)
        tab = role.chars(hang).twips
        gap = self.style.table.group_gap.twips
        for para in cell.paragraphs:
            before = gap if para.group != prev_group else None
            prev_group = para.group
            if para.marker:
                # The marker, a tab, then the text; wrapped lines align with the text.
                out.append(X.para_xml(sid, rpr, para.marker + "\t" + para.text, before=before, jc=jc,
                                      ind=ind, tab=tab))
            else:
                out.append(X.para_xml(sid, rpr, para.text, before=before, jc=jc))

    # --- section ------------------------------------------------------------------------------

    def section(self) -> None:
        s, page = self.style, self.style.page
        if len(self.body) and self.body[-1].tag == X.w("tbl"):
            # A document must end with a paragraph; keep it 1 pt high so it never adds a page.
            sp = el(el(el(self.body, "p"), "pPr"), "spacing", before=0, after=0, line=20, lineRule="exact")
            sp.getparent().insert(0, el(None, "pStyle", val=X.STYLE_IDS["table_cell"][0]))
        sect = el(self.body, "sectPr")
        el(sect, "footerReference", **{"type": "default"}).set(f"{{{X.R_NS}}}id", X.ODD_FOOTER)
        el(sect, "footerReference", **{"type": "even"}).set(f"{{{X.R_NS}}}id", X.EVEN_FOOTER)
        el(sect, "pgSz", w=page.width.twips, h=page.height.twips)
        el(sect, "pgMar", top=page.margin_top.twips, right=page.margin_right.twips,
           bottom=page.margin_bottom.twips, left=page.margin_left.twips,
           header=page.header_distance.twips, footer=s.footer_distance.twips, gutter=0)
        el(sect, "pgNumType", fmt="decimal")
        el(sect, "cols", space=0)
        el(sect, "docGrid", type="linesAndChars", linePitch=page.line_pitch.twips, charSpace=s.docx_char_space)


def _timestamp(published: str | None) -> str:
    """Return the W3CDTF UTC time for core properties: the publication date, else
    `SOURCE_DATE_EPOCH`, else a fixed epoch. A date without a time is midnight China time."""
    if published:
        text = published if "T" in published else published + "T00:00:00+08:00"
        return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (ValueError, OverflowError, OSError):
            raise RenderError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}") from None
    return _FIXED_EPOCH


def render_docx(doc: Document, style: StyleSheet) -> bytes:
    """Return the .docx bytes of `doc` laid out by `style` (GB/T 9704 with the default style)."""
    wr = _Writer(style)
    wr.header(doc)
    wr.blocks(doc)
    wr.section()
    meta = doc.meta
    core = X.core_xml(
        title=meta.title,
        author=meta.source or "",
        subject=meta.doc_number or meta.title,
        description=meta.url or "",
        when=_timestamp(meta.published),
    )
    return X.write_zip([
        ("[Content_Types].xml", X.XML_DECL + X.CONTENT_TYPES),
        ("_rels/.rels", X.XML_DECL + X.ROOT_RELS),
        ("docProps/core.xml", core),
        ("docProps/app.xml", X.app_xml(__version__)),
        ("word/document.xml", X.serialize(wr.root)),
        ("word/_rels/document.xml.rels", X.XML_DECL + X.DOCUMENT_RELS),
        *wr.parts.files,
    ])
