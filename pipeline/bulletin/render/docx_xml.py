"""The WordprocessingML python-docx has no API for, the table rows written as XML, and the
deterministic zip.

The .docx renderer (`docx.py`) builds the document with python-docx; this module writes what its
API does not cover with python-docx's own oxml layer (`OxmlElement`, `qn`,
`insert_element_before`, which keeps the schema's child order — Word rejects other orders): East
Asian fonts with `w:hint`, `w:lang`, character spacing and kerning, `w:snapToGrid`, indents in
characters (`w:firstLineChars` …), paragraph and table borders, cell margins, the header-row
repeat, the PAGE field, page-number format and document grid, settings values, the font table
and `docProps/app.xml`. Table body rows are XML text (`table_rows_xml`): python-docx's
cell-by-cell API is several times slower. `zip_parts` zips python-docx's parts in a fixed entry
order with fixed entry times, so the same input gives the same bytes, and writes the rows text
where the renderer left a marker comment in the tree.
"""

from __future__ import annotations

import io
import zipfile

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement

from ..model import Cell, ItemRow, Table
from ..style import StyleSheet, TextRole


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as `xml.sax.saxutils.escape` writes them (whose module
    imports urllib.request, http.client and email: ~15 ms of a cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

# Paragraph style per text role: (styleId, name, outline level or None). Word's built-in names
# ("Normal", "Title", "heading 1", "footer") keep Word's own meaning (navigation pane, outline).
STYLE_IDS: dict[str, tuple[str, str, int | None]] = {
    "body": ("Normal", "Normal", None),
    "title": ("Title", "Title", None),
    "issuer": ("Issuer", "Issuer Mark", None),
    "doc_number": ("DocNumber", "Document Number", None),
    "meta": ("Meta", "Bulletin Meta", None),
    "heading1": ("Heading1", "Heading 1", 0),
    "heading2": ("Heading2", "Heading 2", 1),
    "heading3": ("Heading3", "Heading 3", 2),
    "heading4": ("Heading4", "Heading 4", 3),
    "addressee": ("Addressee", "Addressee", None),
    "attachments": ("Attachments", "Attachments", None),
    "signature": ("Signature", "Signature", None),
    "note": ("Note", "Note", None),
    "table_header": ("TableHeader", "Table Header", None),
    "table_cell": ("TableCell", "Table Cell", None),
    "table_section": ("TableSection", "Table Section", None),
    "page_number": ("Footer", "Footer", None),
    "copy_number": ("CopyNumber", "Copy Number", None),
    "classification": ("Classification", "Classification", None),
    "signer_label": ("SignerLabel", "Signer Label", None),
    "signer_names": ("SignerNames", "Signer Names", None),
    "annex_label": ("AnnexLabel", "Annex Label", None),
    "annex_title": ("AnnexTitle", "Annex Title", None),
    "record": ("Record", "Record", None),
}
BUILTIN_STYLES = {"Normal", "Title", "Heading1", "Heading2", "Heading3", "Heading4", "Footer"}
JC = {"left": "left", "center": "center", "right": "right", "justify": "both", "distribute": "distribute"}

# Children that may follow a given one, in schema order (the tails python-docx does not model).
_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                      "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                      "w:eastAsianLayout", "w:specVanish", "w:oMath")
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")
_TBLPR_AFTER_IND = ("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                    "w:tblDescription", "w:tblPrChange")


def after(seq: tuple[str, ...], tag: str) -> tuple[str, ...]:
    """The tags of `seq` after `tag`: the successors to insert `tag` before."""
    return seq[seq.index(tag) + 1:]


def put(parent: BaseOxmlElement, tag: str, successors: tuple[str, ...], **attrs: object) -> BaseOxmlElement:
    """Return `parent`'s child `tag` (added before the first of `successors` if missing) with the
    `w:` attributes `attrs` set."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        if successors:
            parent.insert_element_before(child, *successors)
        else:
            parent.append(child)
    for k, v in attrs.items():
        child.set(qn("w:" + k), str(v))
    return child


def el(tag: str, **attrs: object) -> BaseOxmlElement:
    return OxmlElement(tag, {qn("w:" + k): str(v) for k, v in attrs.items()})


# --- run and paragraph properties the API does not reach -----------------------------------------


def rpr_extras(rpr: BaseOxmlElement, style: StyleSheet, role_name: str) -> None:
    """Complete a run's (or style's) `w:rPr` after python-docx set name, size, bold and colour:
    the East Asian and complex-script fonts with the East Asian hint (so “ ” — … take the Chinese
    face), tracking onto the character grid, no kerning, `w:szCs` and zh-CN."""
    role = style.role(role_name)
    font = style.fonts[role.font]
    rf = rpr.get_or_add_rFonts()
    rf.set(qn("w:eastAsia"), font.east_asian)
    rf.set(qn("w:cs"), font.latin)
    rf.set(qn("w:hint"), "eastAsia")
    tracking = style.tracking(role_name).twips
    if tracking:
        put(rpr, "w:spacing", _RPR_AFTER_SPACING, val=tracking)
    put(rpr, "w:kern", after(_RPR_AFTER_SPACING, "w:kern"), val=0)
    put(rpr, "w:szCs", after(_RPR_AFTER_SPACING, "w:szCs"), val=role.size.half_points)
    put(rpr, "w:lang", after(_RPR_AFTER_SPACING, "w:lang"), val="en-US", eastAsia="zh-CN", bidi="ar-SA")


def snap_off(ppr: BaseOxmlElement) -> None:
    """Never Word's own character grid: LibreOffice gives each 16 pt character two cells of it.
    Roles on the grid get tracking in their `w:rPr` instead (StyleSheet.tracking)."""
    put(ppr, "w:snapToGrid", after(_PPR_AFTER_PBDR, "w:snapToGrid"), val=0)


def widow_control(ppr: BaseOxmlElement) -> None:
    """No single line of a paragraph alone at a page's top or foot (`w:widowControl`; without it
    in the style hierarchy Word and LibreOffice leave it off)."""
    put(ppr, "w:widowControl", ("w:numPr", "w:suppressLineNumbers", "w:pBdr", *_PPR_AFTER_PBDR))


def no_autospace(ppr: BaseOxmlElement) -> None:
    """No quarter-em gap between Chinese and Latin letters or digits (Word's and LibreOffice's
    autospace): `2021年2月7日` is set tight, as in the PDF and on the standard's pages, and a
    line holds as many characters as the grid says."""
    put(ppr, "w:autoSpaceDE", after(_PPR_AFTER_PBDR, "w:autoSpaceDE"), val=0)
    put(ppr, "w:autoSpaceDN", after(_PPR_AFTER_PBDR, "w:autoSpaceDN"), val=0)


def indent(role: TextRole, first: float, left: float = 0, right: float = 0) -> dict[str, int]:
    """The `w:ind` attributes of indents in characters of the role's size (first < 0: hanging):
    twips, which every reader uses, and the character counts Word uses on the grid."""
    kind = "hanging" if first < 0 else "firstLine"
    attrs = {"left": role.chars(left).twips} if left else {}
    if right:
        attrs["right"] = role.chars(right).twips
    attrs[kind] = role.chars(abs(first)).twips
    if left:
        attrs["leftChars"] = round(left * 100)
    if right:
        attrs["rightChars"] = round(right * 100)
    attrs[kind + "Chars"] = round(abs(first) * 100)
    return attrs


def set_indent(ppr: BaseOxmlElement, role: TextRole, first: float, left: float = 0, right: float = 0) -> None:
    """Give a paragraph's (or style's) `w:pPr` the indents of `indent`."""
    put(ppr, "w:ind", after(_PPR_AFTER_PBDR, "w:ind"), **indent(role, first, left, right))


def bottom_rule(ppr: BaseOxmlElement, width: int, gap: int, color: str) -> None:
    """A line under the paragraph: `width` in 1/8 pt, `gap` in pt."""
    pbdr = put(ppr, "w:pBdr", _PPR_AFTER_PBDR)
    pbdr.append(el("w:bottom", val="single", sz=width, space=gap, color=color))


def tab_stops(ppr: BaseOxmlElement, stops: list[tuple[str, int]]) -> None:
    """Tab stops (`left` / `right`, position in twips from the type area's left edge)."""
    tabs = put(ppr, "w:tabs", after(_PPR_AFTER_PBDR, "w:tabs"))
    for val, pos in stops:
        tabs.append(el("w:tab", val=val, pos=pos))


_VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def double_line_run(x0: float, x1: float, y: float, widths: tuple[float, float, float], color: str) -> BaseOxmlElement:
    """A run holding a double line placed on the page (pt from its left and top edges; `widths`:
    the upper line, the gap, the lower line; `y` the upper line's top): two VML lines, which
    Word and LibreOffice both place by page position in a header or footer (the 信函格式's red
    lines, GB/T 9704 10.1; LibreOffice draws VML's own double line styles as one line)."""
    style = "position:absolute;mso-position-horizontal-relative:page;mso-position-vertical-relative:page"
    upper, gap, lower = widths
    lines = "".join(
        f'<w:pict><v:line from="{x0:.2f}pt,{at:.2f}pt" to="{x1:.2f}pt,{at:.2f}pt" strokecolor="#{color}" '
        f'strokeweight="{w:.2f}pt" style="{style}"/></w:pict>'
        for at, w in ((y + upper / 2, upper), (y + upper + gap + lower / 2, lower)))
    return parse_xml(f'<w:r {nsdecls("w")} {_VML}>{lines}</w:r>')


def rule_paragraph(ppr: BaseOxmlElement, width: int) -> None:
    """Make a paragraph a line across the type area: no height, a bottom border `width` 1/8 pt."""
    put(ppr, "w:pBdr", _PPR_AFTER_PBDR).append(el("w:bottom", val="single", sz=width, space=0, color="auto"))
    put(ppr, "w:spacing", after(_PPR_AFTER_PBDR, "w:spacing"), before=0, after=0, line=20, lineRule="exact")
    # the whole type area's width, whatever the style's indents
    put(ppr, "w:ind", after(_PPR_AFTER_PBDR, "w:ind"), left=0, right=0, firstLine=0, leftChars=0, rightChars=0,
        firstLineChars=0)


# --- tables ----------------------------------------------------------------------------------


def table_properties(tbl: BaseOxmlElement, style: StyleSheet, width: int) -> None:
    """Full width from the left edge, thin borders all round and inside, the style's cell
    margins, no table-style banding (python-docx wrote tblW auto, tblLook 04A0)."""
    t = style.table
    tpr = tbl.tblPr
    put(tpr, "w:tblW", ("w:jc", "w:tblCellSpacing", "w:tblInd", *_TBLPR_AFTER_IND), w=width, type="dxa")
    put(tpr, "w:tblInd", _TBLPR_AFTER_IND, w=0, type="dxa")
    borders = put(tpr, "w:tblBorders", after(_TBLPR_AFTER_IND, "w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(el("w:" + side, val="single", sz=t.border.eighth_points, space=0, color=t.border_color))
    cell_margins(tpr, style)
    look = tpr.find(qn("w:tblLook"))
    for k, v in (("val", "0000"), ("firstRow", 0), ("lastRow", 0), ("firstColumn", 0), ("lastColumn", 0),
                 ("noHBand", 1), ("noVBand", 1)):
        look.set(qn("w:" + k), str(v))


def cell_margins(tpr: BaseOxmlElement, style: StyleSheet) -> None:
    """The style's cell margins in a table's (or table style's) `w:tblPr`."""
    t = style.table
    mar = put(tpr, "w:tblCellMar", after(_TBLPR_AFTER_IND, "w:tblCellMar"))
    for side, size in (("top", t.cell_padding_vertical), ("left", t.cell_padding),
                       ("bottom", t.cell_padding_vertical), ("right", t.cell_padding)):
        put(mar, "w:" + side, (), w=size.twips, type="dxa")


def header_row(tr: BaseOxmlElement) -> None:
    """The header row never splits and repeats at the top of every page (`w:tblHeader`)."""
    trpr = tr.get_or_add_trPr()
    trpr.append(el("w:cantSplit"))
    trpr.append(el("w:tblHeader"))


def text_xml(text: str) -> str:
    """Return the run content for `text`: w:t pieces, w:br for newlines, w:tab for tabs."""
    out = []
    for k, line in enumerate(text.split("\n")):  # `normalise.scrub` took out what XML forbids
        if k:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                keep = ' xml:space="preserve"' if piece != piece.strip() else ""
                out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(out)


def attrs_xml(attrs: dict[str, object]) -> str:
    return "".join(f' w:{k}="{v}"' for k, v in attrs.items())


def para_xml(style_id: str, text: str | None, *, before: int | None = None, jc: str | None = None,
             ind: str | None = None, tab: int | None = None, keep_next: bool = False) -> str:
    """Return a `w:p` of one run of `text` (no run when None), properties in schema order. The
    run has no `w:rPr`: the paragraph's style holds its role's run properties."""
    ppr = [f'<w:pPr><w:pStyle w:val="{style_id}"/>']
    if keep_next:
        ppr.append("<w:keepNext/>")
    if tab is not None:
        ppr.append(f'<w:tabs><w:tab w:val="left" w:pos="{tab}"/></w:tabs>')
    if before is not None:
        ppr.append(f'<w:spacing w:before="{before}"/>')
    if ind is not None:
        ppr.append(ind)
    if jc is not None:
        ppr.append(f'<w:jc w:val="{JC[jc]}"/>')
    ppr.append("</w:pPr>")
    run = f"<w:r>{text_xml(text)}</w:r>" if text is not None else ""
    return f"<w:p>{''.join(ppr)}{run}</w:p>"


def cell_xml(width: int, valign: str, span: int = 1) -> str:
    """Return the opening of a `w:tc` with its width (and span): the caller closes it."""
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}<w:vAlign w:val="{valign}"/></w:tcPr>'


def table_rows(table: Table, style: StyleSheet, headers: list[str], widths: list[int]) -> list[BaseOxmlElement]:
    """Return the body rows of `table` as python-docx elements: section rows across all columns,
    item rows with one paragraph per entry. They are written as XML text and parsed in one go,
    as python-docx makes its own new elements (`CT_Tbl.new_tbl`): its cell-by-cell API, or one
    element at a time, is several times slower than the rest of the render."""
    ts = style.table
    kinds = ts.column_kinds(table.column_roles(len(headers)))
    out: list[str] = []
    hangs: dict[float, tuple[str, int]] = {}  # a hanging indent's w:ind and tab stop
    for row in table.rows:
        if not isinstance(row, ItemRow):
            out.append(f"<w:tr>{cell_xml(sum(widths), 'center', len(widths))}"
                       f"{para_xml(STYLE_IDS['table_section'][0], row.text, keep_next=True)}</w:tc></w:tr>")
            continue
        out.append("<w:tr>")
        for k, (kind, wd) in enumerate(zip(kinds, widths, strict=True)):
            col = ts.columns.get(kind)
            out.append(cell_xml(wd, col.valign if col else "top"))
            _cell_body(out, row.cells[k] if k < len(row.cells) else Cell(), col.align if col else None, style,
                       hangs)
            out.append("</w:tc>")
        out.append("</w:tr>")
    return list(parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(out)}</w:tbl>"))


def _cell_body(out: list[str], cell: Cell, align: str | None, style: StyleSheet,
               hangs: dict[float, tuple[str, int]]) -> None:
    """Append the paragraphs of a table cell: one per entry, markers hanging."""
    role = style.role("table_cell")
    sid = STYLE_IDS["table_cell"][0]
    jc = align if align and align != role.align else None
    if not cell.paragraphs:
        out.append(para_xml(sid, None, jc=jc))  # a cell keeps a paragraph
        return
    prev_group = cell.paragraphs[0].group
    # One hanging indent per cell, wide enough for its widest marker: the texts align.
    hang = style.table.entry_hang(p.marker for p in cell.paragraphs)
    if hang not in hangs:
        hangs[hang] = f"<w:ind{attrs_xml(indent(role, -hang, hang))}/>", role.chars(hang).twips
    ind, tab = hangs[hang]
    gap = style.table.group_gap.twips
    for para in cell.paragraphs:
        before = gap if para.group != prev_group else None
        prev_group = para.group
        if para.marker:
            # The marker, a tab, then the text; wrapped lines align with the text.
            out.append(para_xml(sid, para.marker + "\t" + para.text, before=before, jc=jc, ind=ind, tab=tab))
        else:
            out.append(para_xml(sid, para.text, before=before, jc=jc))


# --- page number, parts ------------------------------------------------------------------------


def field_code(run: BaseOxmlElement, kind: str, code: str = "") -> None:
    """Add a field character (`begin`, `separate`, `end`) or, for `instr`, the field code."""
    if kind != "instr":
        run.append(el("w:fldChar", fldCharType=kind))
        return
    instr = OxmlElement("w:instrText", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    instr.text = code
    run.append(instr)


def section_extras(sect: BaseOxmlElement, style: StyleSheet) -> None:
    """Decimal page numbers, no column gap and the 22 × 28 document grid; no revision ids."""
    page = style.page
    for name in list(sect.attrib):
        del sect.attrib[name]
    put(sect, "w:pgNumType", ("w:cols", "w:formProt", "w:vAlign", "w:titlePg", "w:docGrid"), fmt="decimal")
    put(sect, "w:cols", ("w:docGrid",), space=0)
    put(sect, "w:docGrid", (), type="linesAndChars", linePitch=page.line_pitch.twips,
        charSpace=style.docx_char_space)


def settings_extras(root: BaseOxmlElement, style: StyleSheet) -> None:
    """Edit the template's settings: zoom 100 %, tab stops every two characters, Word 2013
    layout, zh-CN East Asian theme language (the template says ja-JP), punctuation compressed;
    no proofing state, preview picture or revision ids."""
    root.remove_all("w:proofState", "w:savePreviewPicture", "w:rsids")
    zoom = root.find(qn("w:zoom"))
    zoom.attrib.clear()
    zoom.set(qn("w:percent"), "100")
    root.find(qn("w:defaultTabStop")).set(qn("w:val"), str(style.role("body").chars(style.page.tab_stop).twips))
    for cs in root.iterfind(f"{qn('w:compat')}/{qn('w:compatSetting')}"):
        if cs.get(qn("w:name")) == "compatibilityMode":
            cs.set(qn("w:val"), "15")
    root.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    # 标点挤压: Word compresses full-width punctuation (the template says doNotCompress)
    root.find(qn("w:characterSpacingControl")).set(qn("w:val"), "compressPunctuation")


def font_table(style: StyleSheet) -> BaseOxmlElement:
    """`w:fonts` naming the style's faces, with the substitute Word uses when a face is missing
    (`w:altName`: 仿宋 for 仿宋_GB2312) — instead of the template's Calibri, Cambria, ＭＳ 明朝."""
    root = OxmlElement("w:fonts")
    seen: set[str] = set()
    for font in style.fonts.values():
        for name, alt, panose, cjk in ((font.east_asian, font.word_alt, font.word_panose, True),
                                       (font.latin, None, None, False)):
            if name in seen:
                continue
            seen.add(name)
            f = el("w:font", name=name)
            if alt:
                f.append(el("w:altName", val=alt))
            if panose:
                f.append(el("w:panose1", val=panose))
            f.append(el("w:charset", val="86" if cjk else "00"))
            f.append(el("w:family", val="modern" if cjk else "roman"))
            f.append(el("w:pitch", val="variable"))
            root.append(f)
    return root


def app_xml(version: str) -> bytes:
    """docProps/app.xml: this program, not the template's "Microsoft Macintosh Word" counts."""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        + f"<Application>bulletin {escape(version)}</Application><DocSecurity>0</DocSecurity>".encode()
        + b"</Properties>"
    )


# --- the deterministic zip -------------------------------------------------------------------

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIRST = ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
          "word/document.xml", "word/_rels/document.xml.rels")


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """Return the package of `parts` (zip member name → bytes, as python-docx writes them) as a
    zip in a fixed entry order (the package parts first, then by name) with fixed times and
    attributes: the same parts give the same bytes."""
    order = sorted(parts, key=lambda n: (_FIRST.index(n) if n in _FIRST else len(_FIRST), n))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            z.writestr(info, parts[name], compresslevel=6)
    return buf.getvalue()
