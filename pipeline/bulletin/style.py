"""Styles as data: `styles/*.toml` loaded into a typed, validated `StyleSheet`.

Renderers ask the style sheet for a role (`style.role("body")`) or a derived measure
(`style.page.type_width`, `style.docx_char_space`); they never carry layout numbers themselves.
Lengths are `Length` values with units (`"37mm"`, `"16pt"`, `"579tw"`, `"三号"`), never bare floats.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import core_schema

from .errors import StyleError
from .patterns import lazy

STYLES_DIR = Path(__file__).resolve().parent / "styles"  # shipped in the package; ./styles links here
DEFAULT_STYLE = STYLES_DIR / "gbt9704.toml"

# --- lengths ------------------------------------------------------------------------------------

# EMU per unit: every unit used here is an exact integer number of EMU (1 pt = 12700 EMU).
_EMU = {"pt": 12700, "mm": 36000, "cm": 360000, "in": 914400, "tw": 635, "twip": 635, "twips": 635,
        "emu": 1}
# 字号 (Chinese size names) → points. GB/T 9704 speaks in these: 三号 = 16 pt.
CHINESE_SIZES = {
    "初号": "42", "小初": "36", "一号": "26", "小一": "24", "二号": "22", "小二": "18",
    "三号": "16", "小三": "15", "四号": "14", "小四": "12", "五号": "10.5", "小五": "9",
    "六号": "7.5", "小六": "6.5", "七号": "5.5", "八号": "5",
}
_LENGTH_RE = lazy(r"^\s*(-?\d+(?:\.\d+)?)\s*([a-z]+)\s*$")


class Length:
    """An exact length, stored as integer EMU. Parse with `Length.parse("37mm")`.

    Exposes `.pt`, `.mm`, `.twips` (rounded, for Word), `.emu`, `.half_points` (Word `w:sz`) and
    `.eighth_points` (Word border widths) so renderers never convert by hand.
    """

    __slots__ = ("emu", "_text")

    def __init__(self, emu: int, text: str | None = None):
        self.emu = int(emu)
        self._text = text

    @classmethod
    def parse(cls, value: Any) -> Length:
        if isinstance(value, Length):
            return value
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValueError(
                f"a length needs a unit, as a string: '16pt', '37mm', '2.5cm', '579tw' or a size "
                f"name like '三号' (got {value!r})"
            )
        text = value.strip()
        if text in CHINESE_SIZES:
            return cls(int(Decimal(CHINESE_SIZES[text]) * _EMU["pt"]), text)
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError(f"{value!r} has no unit: write '{text}pt' or '{text}mm' (or a 字号 like '三号')")
        m = _LENGTH_RE.match(text.lower())
        if not m or m[2] not in _EMU:
            raise ValueError(
                f"not a length: {value!r} (a number with a unit pt, mm, cm, in, tw or emu, "
                f"or a 字号 name such as 三号 or 小四)"
            )
        try:
            emu = (Decimal(m[1]) * _EMU[m[2]]).to_integral_value(ROUND_HALF_UP)
        except InvalidOperation as e:  # pragma: no cover - the regex admits only plain decimals
            raise ValueError(f"not a length: {value!r}") from e
        return cls(int(emu), text)

    @classmethod
    def pt_(cls, pt: float) -> Length:
        return cls(round(pt * _EMU["pt"]))

    @property
    def pt(self) -> float:
        return self.emu / 12700

    @property
    def mm(self) -> float:
        return self.emu / 36000

    @property
    def twips(self) -> int:
        return _round(self.emu, 635)

    @property
    def half_points(self) -> int:
        return _round(self.emu, 6350)

    @property
    def eighth_points(self) -> int:
        return _round(self.emu * 2, 3175)  # 1/8 pt = 1587.5 EMU

    def __add__(self, other: Length) -> Length:
        return Length(self.emu + other.emu)

    def __sub__(self, other: Length) -> Length:
        return Length(self.emu - other.emu)

    def __mul__(self, k: float) -> Length:
        return Length(round(self.emu * k))

    __rmul__ = __mul__

    def __truediv__(self, k: float) -> Length:
        return Length(round(self.emu / k))

    def __neg__(self) -> Length:
        return Length(-self.emu)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Length) and other.emu == self.emu

    def __lt__(self, other: Length) -> bool:
        return self.emu < other.emu

    def __le__(self, other: Length) -> bool:
        return self.emu <= other.emu

    def __hash__(self) -> int:
        return hash(self.emu)

    def __str__(self) -> str:
        return self._text or f"{self.pt:g}pt"

    def __repr__(self) -> str:
        return f"Length({str(self)!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )


def _round(num: int, den: int) -> int:
    """num / den rounded half away from zero, in integers."""
    q = (2 * abs(num) + den) // (2 * den)
    return q if num >= 0 else -q


# --- the style sheet ----------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class FontRole(_Model):
    """A font family by role: what Word gets, and what the PDF renderer looks for, in order."""

    east_asian: str = Field(description="East Asian font name written into Word (w:eastAsia)")
    latin: str = Field(description="Latin/digit font name written into Word (w:ascii, w:hAnsi)")
    candidates: list[str] = Field(min_length=1, description="PDF: CJK family/PostScript names, in order")
    latin_candidates: list[str] = Field(default_factory=list, description="PDF: Latin faces, in order")
    word_alt: str | None = Field(default=None, description="Word fontTable altName: the usual substitute")
    word_panose: str | None = Field(default=None, pattern=r"^[0-9A-F]{20}$",
                                    description="Word fontTable panose1 of the East Asian face: its kind")
    convert_cff: bool = Field(default=False, description="PDF: a CFF-outline candidate is used through a "
                              "TrueType copy made on first use (fontconvert), not skipped")


Align = Literal["left", "center", "right", "justify", "distribute"]


class TextRole(_Model):
    """How one kind of text is set. Indents are in characters of the role's own size."""

    font: str
    size: Length
    align: Align = "justify"
    first_line_indent: float = 0  # characters; negative = hanging
    left_indent: float = 0  # characters
    right_indent: float = 0  # characters
    date_shift: float = 0  # characters (the signature): its date starts this far right of the signer
    line_pitch: Length  # exact baseline-to-baseline distance
    space_before: Length = Length(0, "0pt")
    space_after: Length = Length(0, "0pt")
    bold: bool = False
    keep_with_next: bool = Field(default=False, description="never end a page with this text")
    color: str = Field(default="000000", pattern=r"^[0-9A-Fa-f]{6}$")
    on_grid: bool = Field(
        default=False,
        description="set on the page's character grid: chars_per_line characters fill a line "
        "(renderers apply `StyleSheet.tracking(role)`)",
    )
    word_breaks: bool = Field(
        default=False, description="break lines between words only, where one fits (the PDF: titles, headings)"
    )

    def chars(self, n: float) -> Length:
        """Return the length of `n` characters at this role's size."""
        return self.size * n


class Page(_Model):
    width: Length
    height: Length
    margin_top: Length
    margin_bottom: Length
    margin_left: Length
    margin_right: Length
    lines_per_page: int = Field(gt=0)
    chars_per_line: int = Field(gt=0)
    line_pitch: Length  # the document grid's line pitch (Word w:docGrid w:linePitch)
    header_distance: Length  # Word w:pgMar/@w:header (no header is printed)
    justify_max_stretch: float = Field(ge=0)  # em between two characters, at most, in a justified PDF line
    tab_stop: float = Field(gt=0)  # characters of the body size between the .docx's default tab stops

    @property
    def type_width(self) -> Length:
        return self.width - self.margin_left - self.margin_right

    @property
    def type_height(self) -> Length:
        return self.height - self.margin_top - self.margin_bottom

    @property
    def char_pitch(self) -> Length:
        """The grid's character pitch: type-area width / characters per line."""
        return self.type_width / self.chars_per_line


ColumnKind = Literal["number", "name", "text", "short"]


class Column(_Model):
    ratio: float = Field(gt=0)
    align: Align = "left"
    valign: Literal["top", "center", "bottom"] = "top"
    word_breaks: bool = False  # a narrow column: its lines break between words, where one fits


class TableStyle(_Model):
    columns: dict[ColumnKind, Column]
    border: Length
    border_color: str = Field(pattern=r"^[0-9A-Fa-f]{6}$")
    cell_padding: Length  # left and right inside each cell
    cell_padding_vertical: Length
    group_gap: Length  # extra space before the first entry of a new blank-line group
    entry_hanging_indent: float = Field(ge=0)  # characters of the cell size, for `1.` markers
    entry_marker_gap: float = Field(ge=0)  # characters after a cell's widest marker
    min_row_part_lines: int = Field(ge=1)  # lines a row cut by a page end keeps on each side
    closing_paragraph: Length  # the .docx's last paragraph after a table: this high

    def entry_hang(self, markers) -> float:
        """The hanging indent of a cell's entries, in characters: one per cell, wide enough for
        its widest marker, so that the texts align."""
        from .render.textfit import em_width

        return max([self.entry_hanging_indent] + [em_width(m) + self.entry_marker_gap for m in markers if m])

    def column_kinds(self, roles: list[str]) -> list[ColumnKind]:
        """Return the kind of each column from its role in the table (`Table.column_roles`):
        number, name, the multi-line progress column ("text"), any other ("short", when the sheet
        has that kind, else "text")."""
        other: ColumnKind = "short" if "short" in self.columns else "text"
        by_role: dict[str, ColumnKind] = {"number": "number", "name": "name", "progress": "text"}
        return [by_role.get(r, other) for r in roles]

    def column_widths(self, roles: list[str], total: Length, minimum: Length | None = None) -> list[Length]:
        """Return one width per column, in proportion to the kinds' ratios, summing to `total`; a
        column the ratios would make narrower than `minimum` gets `minimum`, and the others share
        what is left by their ratios (`minimum` × the columns must fit in `total`)."""
        ratios = [self.columns[k].ratio if k in self.columns else 1.0 for k in self.column_kinds(roles)]
        fixed: set[int] = set()
        while True:
            free = [i for i in range(len(ratios)) if i not in fixed]
            room = total - (minimum * len(fixed) if fixed else Length(0))
            s = sum(ratios[i] for i in free)
            widths = [minimum if i in fixed else room * (ratios[i] / s) for i in range(len(ratios))]
            low = {i for i in free if minimum is not None and widths[i] < minimum}
            if not low or len(low) == len(free):
                break
            fixed |= low
        if low:  # every column left is below the minimum: all of them get an equal share
            widths = [total * (1 / len(ratios))] * len(ratios)
        widths[-1] = total - sum((w for w in widths[:-1]), Length(0))
        return widths


class PageNumber(_Model):
    format: str = Field(pattern=r"\{n\}")  # "— {n} —" with U+2014
    below_type_area: Length  # distance from the type area's bottom edge to the number's line
    indent: float  # characters in from the outer side
    odd: Literal["left", "center", "right"]
    even: Literal["left", "center", "right"]


class IssuerBlock(_Model):
    """版头 (when the document has a 发文机关标志): the red rule and the gaps around it [std]."""

    separator_color: str = Field(pattern=r"^[0-9A-Fa-f]{6}$")
    separator_width: Length
    separator_gap: Length  # 发文字号 → red rule
    doc_number_gap: Length  # space before the 发文字号 (two blank lines)
    title_gap: Length  # space between the red rule and the title (two blank lines)
    signers_per_line: int = Field(gt=0)  # 签发人 names a line
    rule: bool  # draw the red rule (the 命令格式 has none)


class RecordStyle(_Model):
    """版记 [std 7.4]: its separator lines; the 信函格式's has neither lines nor 印发 line."""

    rule_outer: Length
    rule_inner: Length
    color: str = Field(pattern=r"^[0-9A-Fa-f]{6}$")
    rules: bool = True
    printed: bool = True


class LetterStyle(_Model):
    """信函格式 [std 10.1]: the 版头 drawn on page 1 — the mark `issuer_top` under the paper's top
    edge, a red double line `rule_gap` under it and one `bottom_rule` above the paper's foot."""

    issuer_top: Length
    rule_gap: Length
    bottom_rule: Length
    rule_length: Length
    thick: Length
    thin: Length
    rule_spacing: Length
    field_gap: Length
    title_gap: Length


class TitleBreaks(_Model):
    """What a break costs where the title is cut into lines (`textfit.split_title`): the cut
    with the least total cost, plus the lines' distance from even lengths, wins."""

    before_guanyu: float  # before 关于: the issuing body, then 关于 …
    before_opening_word: float  # before a word that opens title lines (印发, 开展 …), or after a closing mark
    elsewhere: float  # any other legal break
    extra_line: float  # one line more than the fewest that fit
    min_line_chars: int = Field(ge=1)  # no line shorter, where a cut allows it
    hourglass: float = Field(ge=0)  # three or four lines: per em a line is shorter than both neighbours


class Labels(_Model):
    source: str
    published: str
    attachments: str
    cc: str
    printed: str
    signers: str


REQUIRED_ROLES = (
    "title", "issuer", "meta", "doc_number", "body", "heading1", "heading2", "heading3", "heading4",
    "addressee", "attachments", "signature", "note", "table_header", "table_cell", "table_section",
    "page_number", "copy_number", "classification", "signer_label", "signer_names", "annex_label", "annex_title",
    "record",
)


class StyleSheet(_Model):
    name: str
    format: Literal["document", "letter", "order"] = "document"  # GB/T 9704 chapter 10's formats
    page: Page
    fonts: dict[str, FontRole]
    roles: dict[str, TextRole]
    table: TableStyle
    page_number: PageNumber
    labels: Labels
    issuer_block: IssuerBlock
    record: RecordStyle
    letter: LetterStyle | None = None  # the 信函格式's 版头 (format = "letter")
    title_breaks: TitleBreaks
    source: str = Field(default="", exclude=True)
    # what renderers derive from this sheet alone (the .docx template), kept as long as the sheet
    _derived: dict = PrivateAttr(default_factory=dict)

    def derived(self, key: str, make):
        """`make()` (a function of this sheet alone), made once per sheet and kept with it."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    @model_validator(mode="after")
    def _check_refs(self) -> StyleSheet:
        if self.format == "letter" and self.letter is None:
            raise ValueError("letter: missing (the letter format needs its 版头's numbers)")
        for name in REQUIRED_ROLES:
            if name not in self.roles:
                raise ValueError(f"roles.{name}: missing (every style needs the role {name!r})")
        for name, role in self.roles.items():
            if role.font not in self.fonts:
                raise ValueError(
                    f"roles.{name}.font: {role.font!r} is not one of fonts.{{{', '.join(self.fonts)}}}"
                )
        return self

    def role(self, name: str) -> TextRole:
        """Return the text role `name` ("body", "table-header" and "table_header" both work)."""
        try:
            return self.roles[name.replace("-", "_")]
        except KeyError:
            raise StyleError(f"no text role {name!r} in style {self.name!r}", path=self.source) from None

    def font(self, role: str) -> FontRole:
        """Return the font family of the text role `role`."""
        return self.fonts[self.role(role).font]

    def tracking(self, name: str) -> Length:
        """Return the letter spacing that puts an `on_grid` role on the character grid, else 0.

        The grid pitch (type width / chars_per_line) minus the size, rounded down to 1/20 pt (a
        twip, Word's unit), less one twip more: 28 characters of 16 pt in 156 mm need −0.21 pt
        each, so −0.30 pt. LibreOffice keeps character spacing in 1/100 mm, truncated toward zero,
        so −0.25 pt came out −0.23 pt there and its lines held 27 characters (measured on its
        export); at −0.30 pt Word, LibreOffice and the PDF all set 28. Word's own grid
        (`w:snapToGrid`) is not used for this because LibreOffice then gives each character two
        grid cells.
        """
        role = self.role(name)
        if not role.on_grid:
            return Length(0)
        delta = self.page.char_pitch.pt - role.size.pt
        return Length.pt_((math.floor(round(delta * 20, 6)) - 1) / 20)

    @property
    def docx_char_space(self) -> int:
        """Word `w:docGrid/@w:charSpace`: the grid pitch minus the body size, in 1/4096 pt.

        With A4, 156 mm type width, 28 characters and 16 pt this is −848 (gbt9704.md).
        """
        delta = self.page.char_pitch.pt - self.role("body").size.pt
        return int(Decimal(str(delta * 4096)).to_integral_value(ROUND_HALF_UP))

    @property
    def footer_distance(self) -> Length:
        """Word `w:pgMar/@w:footer`: paper bottom edge → bottom of the page-number line.

        The page number's line is centred `page_number.below_type_area` under the type area.
        """
        pitch = self.role("page_number").line_pitch
        return self.page.margin_bottom - self.page_number.below_type_area - pitch / 2


# --- loading ------------------------------------------------------------------------------------


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _read_toml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StyleError("style file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise StyleError(f"cannot read style file: {e}", path=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise StyleError(f"not valid TOML: {e}", path=str(path), line=int(m[1]) if m else None) from None


def load_style(path: str | Path | None = None) -> StyleSheet:
    """Return the validated style sheet at `path` (a file, or the name of a bundled variant:
    `letter`, `order`), or the bundled GB/T 9704 style when None.

    A house style is laid over the bundled one, so it need only name what it changes; set
    `inherit = false` at its top to give a complete style instead. Raises `StyleError` naming the
    file, the key path (`roles.body.size`) and the problem.
    """
    data = _read_toml(DEFAULT_STYLE)
    where = DEFAULT_STYLE
    if path is not None:
        where = bundled(path) or Path(path)
        own = _read_toml(where)
        inherit = own.pop("inherit", True)
        data = _merge(data, own) if inherit is not False else own
    try:
        return StyleSheet.model_validate({**data, "source": str(where)})
    except ValidationError as e:
        problems = []
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{key}: {msg}" if key and not msg.startswith(key) else msg)
        raise StyleError("bad style: " + "; ".join(problems), path=str(where)) from None


#: the bundled variants (GB/T 9704 chapter 10), by name: `--style letter`
VARIANTS = {"letter": STYLES_DIR / "letter.toml", "order": STYLES_DIR / "order.toml"}


def bundled(name: str | Path) -> Path | None:
    """The bundled style a bare name means (`letter`, `order`), unless a file of that name exists."""
    text = str(name)
    return VARIANTS.get(text) if text in VARIANTS and not Path(text).exists() else None


@functools.lru_cache(maxsize=8)
def cached_style(path: str | None = None) -> StyleSheet:
    """Return `load_style(path)`, loaded once per process and path (a worker converts many files)."""
    return load_style(path)
