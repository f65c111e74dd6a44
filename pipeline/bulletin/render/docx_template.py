"""The style's empty .docx, made once per style sheet and kept as package bytes (`style_parts`).

`empty_document` takes python-docx's default template, drops what would leak into the layout
(stylesWithEffects and styles with theme fonts, the theme, numbering, customXml, the thumbnail;
Letter size, 10 pt after, 1.15 lines, en-US/ja-JP East Asian language) and defines the styles,
settings, page and footers through its API; what the API cannot express is written with
`docx_xml`. Like `docx.py`, this module reaches the element behind a python-docx proxy
(`section._sectPr`, `paragraph._p`, `run.element`): python-docx has no public way down to them.
"""

from __future__ import annotations

import copy
import hashlib
import io
import sys
from pathlib import Path

import docx
import docx.document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import qn
from docx.shared import Emu, RGBColor, Twips
from lxml import etree

from .. import __version__, installed_version
from ..errors import OutputError
from ..files import write_atomic
from ..fontcache import cache_dir
from ..style import StyleSheet
from . import docx_xml as X
from . import layout

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
         "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE}
# Template parts kept; the rest is dropped (python-docx saves only what relationships reach).
_KEEP_RELS = {RT.STYLES, RT.SETTINGS, RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES}
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


def set_font(font, rpr, style: StyleSheet, role_name: str) -> None:
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
        pf.alignment = ALIGN[role.align]
        if role.keep_with_next:
            pf.keep_with_next = True
        if outline is not None:
            s.element.pPr.get_or_add_outlineLvl().val = outline
        set_font(s.font, s.element.get_or_add_rPr(), style, role_name)
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
        p.paragraph_format.alignment = ALIGN[side]
        rpr = None
        for kind, text in (("t", before), ("begin", ""), ("instr", " PAGE "), ("separate", ""), ("t", "1"),
                           ("end", ""), ("t", after)):
            if kind == "t" and not text:
                continue
            run = p.add_run(text if kind == "t" else None)
            if rpr is None:
                set_font(run.font, run.element.get_or_add_rPr(), style, "page_number")
                rpr = run.element.rPr
            else:
                run.element.insert(0, copy.deepcopy(rpr))
            if kind != "t":
                X.field_code(run.element, kind, text)  # the PAGE field: fldChar, instrText


def empty_document(style: StyleSheet) -> docx.document.Document:
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


class StyleParts:
    """What depends on the style only: the empty document, and each role's run properties as
    python-docx wrote them into the role's style (copied into a run of another role than its
    paragraph's: the font setters cost about 2 ms a run).

    The empty document is kept in the per-user cache (`cached_package`): making it takes ~40 ms,
    a tenth of a cold conversion, opening it ~2 ms."""

    def __init__(self, style: StyleSheet):
        self.package = cached_package(style)
        styles = self.document().styles.element
        self.rpr = {role: styles.get_by_id(sid).rPr for role, (sid, _, _) in X.STYLE_IDS.items()}

    def document(self) -> docx.document.Document:
        """The style's empty document to fill, opened from the saved template (~1.3 ms)."""
        return docx.Document(io.BytesIO(self.package))


def cached_package(style: StyleSheet) -> bytes:
    """The style's empty document as a saved .docx, from the per-user cache when it is there.
    The cache is keyed by the style sheet, the versions of bulletin, python-docx and lxml, and
    the text of the modules that write the document, and checked by a digest; a file that cannot
    be read or written, or is damaged, only means the document is made again."""
    key = hashlib.sha256("\0".join([
        style.model_dump_json(), __version__, installed_version("python-docx") or "", etree.__version__,
        *(_source(m) for m in (sys.modules[__name__], X))]).encode()).hexdigest()
    path = cache_dir("docx") / f"{key[:40]}.cache"
    try:
        kept = path.read_bytes()
        if hashlib.sha256(kept[32:]).digest() == kept[:32]:
            return kept[32:]
    except OSError:
        pass
    buf = io.BytesIO()
    empty_document(style).save(buf)
    data = buf.getvalue()
    try:
        write_atomic(path, hashlib.sha256(data).digest() + data)
    except OutputError:  # a read-only home: made again next time
        pass
    return data


def _source(module) -> str:
    try:
        return Path(module.__file__).read_text(encoding="utf-8")
    except (OSError, TypeError, UnicodeDecodeError):  # no source beside the bytecode: the version decides
        return ""


def style_parts(style: StyleSheet) -> StyleParts:
    return style.derived("docx", lambda: StyleParts(style))
