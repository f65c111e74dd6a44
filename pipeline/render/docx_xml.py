"""WordprocessingML building blocks for the .docx renderer: element helpers, the style part,
settings, footers, package parts and the deterministic zip.

The package is written from scratch (no template), so nothing of python-docx's US Letter
template — theme fonts, 10 pt spacing, 1.15 line spacing, en-US East Asian language — can leak in.
Child elements are appended in the order the OOXML schema requires (Word rejects other orders).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from lxml import etree

from ..style import StyleSheet, TextRole

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSMAP = {"w": W_NS, "r": R_NS}
_W = "{" + W_NS + "}"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Paragraph style per text role: (styleId, display name, outline level or None).
STYLE_IDS: dict[str, tuple[str, str, int | None]] = {
    "body": ("Normal", "Normal", None),
    "title": ("Title", "Title", None),
    "issuer": ("Issuer", "Issuer Mark", None),
    "doc_number": ("DocNumber", "Document Number", None),
    "meta": ("Meta", "Bulletin Meta", None),
    "heading1": ("Heading1", "heading 1", 0),
    "heading2": ("Heading2", "heading 2", 1),
    "heading3": ("Heading3", "heading 3", 2),
    "heading4": ("Heading4", "heading 4", 3),
    "addressee": ("Addressee", "Addressee", None),
    "attachments": ("Attachments", "Attachments", None),
    "signature": ("Signature", "Signature", None),
    "table_header": ("TableHeader", "Table Header", None),
    "table_cell": ("TableCell", "Table Cell", None),
    "table_section": ("TableSection", "Table Section", None),
    "page_number": ("Footer", "footer", None),
}
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both", "distribute": "distribute"}


def w(tag: str) -> str:
    return _W + tag


def el(parent: etree._Element | None, tag: str, **attrs: object) -> etree._Element:
    """Append (or create, when `parent` is None) a `w:tag` element with `w:`-prefixed attributes."""
    a = {_W + k: str(v) for k, v in attrs.items()}
    if parent is None:
        return etree.Element(_W + tag, a, nsmap=NSMAP)
    return etree.SubElement(parent, _W + tag, a)


def add_text(run: etree._Element, text: str) -> None:
    """Append `text` to a run as w:t pieces, with w:br for newlines and w:tab for tabs."""
    for k, line in enumerate(text.split("\n")):
        if k:
            el(run, "br")
        for j, piece in enumerate(line.split("\t")):
            if j:
                el(run, "tab")
            if piece:
                t = el(run, "t")
                t.text = _clean(piece)
                if piece != piece.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _clean(text: str) -> str:
    # Control characters cannot appear in XML at all; they carry no content.
    return _CONTROL.sub("", text)


# --- the same as strings, for the bulk of table rows (several times faster than elements) -------


def attrs_xml(attrs: dict[str, object]) -> str:
    return "".join(f' w:{k}="{v}"' for k, v in attrs.items())


def text_xml(text: str) -> str:
    """Return the run content for `text`: w:t pieces, w:br for newlines, w:tab for tabs."""
    out = []
    for k, line in enumerate(_clean(text).split("\n")):
        if k:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                keep = ' xml:space="preserve"' if piece != piece.strip() else ""
                out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(out)


def element_xml(element: etree._Element) -> str:
    """Return an element's XML with `w:` prefixes and no namespace declarations."""
    return re.sub(r' xmlns:\w+="[^"]*"', "", etree.tostring(element, encoding="unicode"))


def para_xml(style_id: str, rpr: str | None, text: str, *, before: int | None = None,
             jc: str | None = None, ind: dict[str, object] | None = None, tab: int | None = None) -> str:
    """Return a `w:p` of one run (none when `rpr` is None), properties in schema order."""
    ppr = [f'<w:pPr><w:pStyle w:val="{style_id}"/>']
    if tab is not None:
        ppr.append(f'<w:tabs><w:tab w:val="left" w:pos="{tab}"/></w:tabs>')
    if before is not None:
        ppr.append(f'<w:spacing w:before="{before}"/>')
    if ind is not None:
        ppr.append(f"<w:ind{attrs_xml(ind)}/>")
    if jc is not None:
        ppr.append(f'<w:jc w:val="{_JC[jc]}"/>')
    ppr.append("</w:pPr>")
    run = f"<w:r>{rpr}{text_xml(text)}</w:r>" if rpr is not None else ""
    return f"<w:p>{''.join(ppr)}{run}</w:p>"


def parse_fragment(xml: str) -> etree._Element:
    """Parse elements written with the `w:` prefix; return a wrapper whose children they are."""
    return etree.fromstring(f'<w:x xmlns:w="{W_NS}" xmlns:r="{R_NS}">{xml}</w:x>')


# --- properties from roles ------------------------------------------------------------------------


def indent_attrs(role: TextRole, first: float, left: float = 0, right: float = 0) -> dict[str, object]:
    """Return w:ind attributes for indents given in characters of the role's size.

    Both the character count (`w:firstLineChars`, which Word uses on the grid) and twips (for
    other readers) are written.
    """
    a: dict[str, object] = {}
    if left:
        a["left"] = role.chars(left).twips
        a["leftChars"] = round(left * 100)
    if right:
        a["right"] = role.chars(right).twips
        a["rightChars"] = round(right * 100)
    if first > 0:
        a["firstLine"] = role.chars(first).twips
        a["firstLineChars"] = round(first * 100)
    elif first < 0:
        a["hanging"] = role.chars(-first).twips
        a["hangingChars"] = round(-first * 100)
    else:
        a["firstLine"] = 0
        a["firstLineChars"] = 0
    return a


def ppr_for(role: TextRole, parent: etree._Element | None = None) -> etree._Element:
    """Return the full w:pPr of a role (used in styles.xml)."""
    ppr = el(parent, "pPr")
    # Never Word's own character grid: LibreOffice gives each 16 pt character two cells of it.
    # Roles on the grid get tracking in their w:rPr instead (StyleSheet.tracking).
    el(ppr, "snapToGrid", val=0)
    el(ppr, "spacing", before=role.space_before.twips, after=role.space_after.twips,
       line=role.line_pitch.twips, lineRule="exact")
    el(ppr, "ind", **indent_attrs(role, role.first_line_indent, role.left_indent, role.right_indent))
    el(ppr, "jc", val=_JC[role.align])
    return ppr


def rpr_for(
    style: StyleSheet, role_name: str, parent: etree._Element | None = None
) -> etree._Element:
    """Return the w:rPr of a role: fonts in every slot with the East Asian hint, size, zh-CN."""
    role = style.role(role_name)
    font = style.fonts[role.font]
    rpr = el(parent, "rPr")
    el(rpr, "rFonts", ascii=font.latin, hAnsi=font.latin, eastAsia=font.east_asian, cs=font.latin,
       hint="eastAsia")
    el(rpr, "b", val=int(role.bold))
    el(rpr, "bCs", val=int(role.bold))
    el(rpr, "color", val=role.color.upper())
    tracking = style.tracking(role_name).twips
    if tracking:
        el(rpr, "spacing", val=tracking)
    el(rpr, "kern", val=0)
    el(rpr, "sz", val=role.size.half_points)
    el(rpr, "szCs", val=role.size.half_points)
    el(rpr, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    return rpr


# --- parts ----------------------------------------------------------------------------------------


def styles_xml(style: StyleSheet) -> bytes:
    root = el(None, "styles")
    defaults = el(root, "docDefaults")
    rpr_for(style, "body", el(defaults, "rPrDefault"))
    ppd = el(el(defaults, "pPrDefault"), "pPr")
    el(ppd, "spacing", before=0, after=0, line=style.role("body").line_pitch.twips, lineRule="exact")
    for role_name, (sid, name, outline) in STYLE_IDS.items():
        role = style.role(role_name)
        s = el(root, "style", type="paragraph", styleId=sid)
        if sid == "Normal":
            s.set(w("default"), "1")
        el(s, "name", val=name)
        if sid != "Normal":
            el(s, "basedOn", val="Normal")
        if outline is not None:
            el(s, "next", val="Normal")
        el(s, "qFormat")
        ppr = ppr_for(role, s)
        if role.keep_with_next:
            ppr.insert(0, el(None, "keepNext"))
        if outline is not None:
            el(ppr, "outlineLvl", val=outline)
        rpr_for(style, role_name, s)
    s = el(root, "style", type="character", default="1", styleId="DefaultParagraphFont")
    el(s, "name", val="Default Paragraph Font")
    el(s, "uiPriority", val=1)
    el(s, "semiHidden")
    s = el(root, "style", type="table", default="1", styleId="TableNormal")
    el(s, "name", val="Normal Table")
    el(s, "semiHidden")
    tpr = el(s, "tblPr")
    el(tpr, "tblInd", w=0, type="dxa")
    cell_margins(style, tpr)
    s = el(root, "style", type="numbering", default="1", styleId="NoList")
    el(s, "name", val="No List")
    el(s, "semiHidden")
    return serialize(root)


def cell_margins(style: StyleSheet, parent: etree._Element) -> etree._Element:
    mar = el(parent, "tblCellMar")
    t = style.table
    for side, size in (("top", t.cell_padding_vertical), ("left", t.cell_padding),
                       ("bottom", t.cell_padding_vertical), ("right", t.cell_padding)):
        el(mar, side, w=size.twips, type="dxa")
    return mar


def settings_xml(style: StyleSheet) -> bytes:
    root = el(None, "settings")
    el(root, "zoom", percent=100)
    el(root, "defaultTabStop", val=style.role("body").chars(2).twips)
    el(root, "evenAndOddHeaders")  # the even footer is ignored without it
    el(root, "characterSpacingControl", val="doNotCompress")  # full-width marks stay on the grid
    compat = el(root, "compat")
    el(compat, "useFELayout")
    for name, val in (("compatibilityMode", 15), ("overrideTableStyleFontSizeAndJustification", 1),
                      ("enableOpenTypeFeatures", 1), ("doNotFlipMirrorIndents", 1)):
        el(compat, "compatSetting", name=name, uri="http://schemas.microsoft.com/office/word", val=val)
    el(root, "themeFontLang", val="en-US", eastAsia="zh-CN")
    el(root, "decimalSymbol", val=".")
    el(root, "listSeparator", val=",")
    return serialize(root)


def font_table_xml(style: StyleSheet) -> bytes:
    root = el(None, "fonts")
    seen: set[str] = set()
    for font in style.fonts.values():
        for name, alt, cjk in ((font.east_asian, font.word_alt, True), (font.latin, None, False)):
            if name in seen:
                continue
            seen.add(name)
            f = el(root, "font", name=name)
            if alt:
                el(f, "altName", val=alt)
            el(f, "charset", val="86" if cjk else "00")
            el(f, "family", val="modern" if cjk else "roman")
            el(f, "pitch", val="variable")
    return serialize(root)


def footer_xml(style: StyleSheet, side: str) -> bytes:
    """Return a footer holding the page number (`— PAGE —`) placed on `side` one character in."""
    role = style.role("page_number")
    pn = style.page_number
    root = el(None, "ftr")
    p = el(root, "p")
    ppr = el(p, "pPr")
    el(ppr, "pStyle", val=STYLE_IDS["page_number"][0])
    ind = {"left": pn.indent if side == "left" else 0, "right": pn.indent if side == "right" else 0}
    el(ppr, "ind", **indent_attrs(role, 0, ind["left"], ind["right"]))
    el(ppr, "jc", val=side)
    before, after = pn.format.split("{n}", 1)

    def run(parent: etree._Element) -> etree._Element:
        r = el(parent, "r")
        rpr_for(style, "page_number", r)
        return r

    if before:
        add_text(run(p), before)
    el(run(p), "fldChar", fldCharType="begin")
    instr = el(run(p), "instrText")
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    el(run(p), "fldChar", fldCharType="separate")
    add_text(run(p), "1")
    el(run(p), "fldChar", fldCharType="end")
    if after:
        add_text(run(p), after)
    return serialize(root)


def serialize(root: etree._Element) -> bytes:
    return XML_DECL + etree.tostring(root, encoding="UTF-8")


CONTENT_TYPES = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.document.main+xml"/>'
    b'<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.styles+xml"/>'
    b'<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.settings+xml"/>'
    b'<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.fontTable+xml"/>'
    b'<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.footer+xml"/>'
    b'<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.footer+xml"/>'
    b'<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package'
    b'.core-properties+xml"/>'
    b'<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.extended-properties+xml"/>'
    b"</Types>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
ROOT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
).encode()
ODD_FOOTER, EVEN_FOOTER = "rId4", "rId5"
DOCUMENT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="{ODD_FOOTER}" Type="{_REL}footer" Target="footer1.xml"/>'
    f'<Relationship Id="{EVEN_FOOTER}" Type="{_REL}footer" Target="footer2.xml"/>'
    "</Relationships>"
).encode()


def core_xml(*, title: str, author: str, subject: str, description: str, when: str) -> bytes:
    """Return docProps/core.xml; `when` is a W3CDTF UTC time (`2021-02-07T01:19:00Z`)."""
    e = escape
    return XML_DECL + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/'
        'dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{e(title)}</dc:title><dc:subject>{e(subject)}</dc:subject>"
        f"<dc:creator>{e(author)}</dc:creator><dc:description>{e(description)}</dc:description>"
        f"<cp:lastModifiedBy>{e(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "<dc:language>zh-CN</dc:language></cp:coreProperties>"
    ).encode()


def app_xml(version: str) -> bytes:
    return XML_DECL + (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>bulletin {escape(version)}</Application><DocSecurity>0</DocSecurity>"
        "</Properties>"
    ).encode()


ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(parts: list[tuple[str, bytes]]) -> bytes:
    """Return the zip of `parts` in the given order with fixed times and attributes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            z.writestr(info, data, compresslevel=6)
    return buf.getvalue()

