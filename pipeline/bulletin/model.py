"""The document model: the contract between readers, renderers and the JSON.

Every reader produces a `Document`; every renderer consumes only a `Document` (and a style).
The JSON form is `Document.model_dump_json()`; `schemas/bulletin.schema.json` is generated from
this module (`bulletin schema`), and a test fails when the two drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, field_validator

SCHEMA_NAME = "bulletin"
SCHEMA_VERSION = "1.3"

Line = Annotated[int | None, Field(ge=1, description="1-based source line, when known")]


def _calendar(value: str) -> str:
    """A date of the calendar (2021-02-30 and 2021-13-45 match the pattern but are none)."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date of the calendar") from None
    return value


# A calendar date, or a date-time with the +08:00 (or other) offset when a time was printed.
IsoDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$",
        examples=["2021-02-07", "2021-02-07T09:19:00+08:00"],
    ),
    AfterValidator(_calendar),
]


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


# --- inline units -----------------------------------------------------------------------------


class Para(Node):
    """One entry of a table cell, one attachment, or one numbered paragraph.

    `marker` is the printed number (`1.`, `（1）`) split from the text, or null.
    `group` counts the blank-line separated groups inside a cell, from 0.
    """

    marker: str | None = None
    text: str
    group: int = Field(default=0, ge=0)
    line: Line = None


class Cell(Node):
    paragraphs: list[Para] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join((p.marker or "") + p.text for p in self.paragraphs)


# --- table rows -------------------------------------------------------------------------------


class ItemRow(Node):
    """A data row. `number` is the item number as printed; `name` the project-name cell text."""

    type: Literal["item"] = "item"
    number: str | None = None
    name: str | None = None
    cells: list[Cell]
    line: Line = None


class SectionRow(Node):
    """A row spanning the whole table that groups the items below it (`一、营商环境类(4项)`)."""

    type: Literal["section"] = "section"
    text: str
    line: Line = None


Row = Annotated[ItemRow | SectionRow, Field(discriminator="type")]


# --- blocks -----------------------------------------------------------------------------------


class Table(Node):
    """A data table. Column 0 holds the item numbers (序号); `name_column` the item names and
    `progress_column` the multi-line entries, as the reader found them (null: not known)."""

    type: Literal["table"] = "table"
    columns: list[str] = Field(min_length=1)
    rows: list[Row] = Field(default_factory=list)
    name_column: int | None = Field(default=None, ge=1)
    progress_column: int | None = Field(default=None, ge=1)
    line: Line = None

    def numbered(self) -> bool:
        """Whether column 0 holds item numbers (every item's `number` is digits, or empty)."""
        return all(r.number is None or r.number.isdigit() for r in self.rows if isinstance(r, ItemRow))

    def column_roles(self, ncols: int | None = None) -> list[str]:
        """Return "number", "name", "progress" or "other" for each of `ncols` columns (default: all);
        unknown columns default to name = 1 and progress = the last. In a table whose first column
        names its items (类别, 产品名称: no item numbers), that column is the name."""
        n = ncols or len(self.columns)
        if not self.numbered():
            roles = ["name"] + ["other"] * (n - 1)
            if self.progress_column is not None and self.progress_column < n:
                roles[self.progress_column] = "progress"
            return roles
        progress = self.progress_column if self.progress_column is not None else n - 1
        name = self.name_column if self.name_column is not None else (1 if progress != 1 else None)
        roles = ["other"] * n
        for i, role in ((progress, "progress"), (name, "name"), (0, "number")):
            if i is not None and i < n:
                roles[i] = role
        return roles


class Heading(Node):
    """Body heading: level 1 `一、` 2 `（一）` 3 `1.` 4 `（1）`; in a regulation (办法, 条例, 规定) the
    divisions 第X编 / 第X章 / 第X节, ranked by the kinds the document has (章 alone: 1; 章 and 节: 1, 2)."""

    type: Literal["heading"] = "heading"
    level: int = Field(ge=1, le=4)
    marker: str
    text: str
    line: Line = None


class Paragraph(Node):
    """Body text. `run_in` marks text printed on the same line as the heading before it; `article`
    marks a regulation's 第X条, whose `marker` is `第一条` (schema 1.1)."""

    type: Literal["paragraph"] = "paragraph"
    marker: str | None = None
    text: str
    run_in: bool = False
    article: bool = False
    line: Line = None


class Addressee(Node):
    """主送机关: the line naming the receivers, ending in a colon; printed flush left."""

    type: Literal["addressee"] = "addressee"
    text: str
    line: Line = None


class Attachments(Node):
    """附件说明: `附件：1.名称` and the following numbered names."""

    type: Literal["attachments"] = "attachments"
    items: list[Para] = Field(min_length=1)
    line: Line = None


class Signature(Node):
    """署名 and 成文日期 at the end of a notice. `date` is ISO, `date_text` as printed."""

    type: Literal["signature"] = "signature"
    signers: list[str] = Field(default_factory=list)
    date: IsoDate | None = None
    date_text: str | None = None
    line: Line = None


class Note(Node):
    """附注: printed in parentheses under the 成文日期 (`（此件公开发布）`); `text` is without them
    (schema 1.2)."""

    type: Literal["note"] = "note"
    text: str = Field(min_length=1)
    line: Line = None


class Record(Node):
    """版记: the 抄送机关 and the 印发机关 and 印发日期 at the foot of the last page, always the
    document's last block (schema 1.3). `printed` is ISO, `printed_text` the date as printed."""

    type: Literal["record"] = "record"
    cc: list[str] = Field(default_factory=list)
    printer: str | None = None
    printed: IsoDate | None = None
    printed_text: str | None = None
    line: Line = None


class Annex(Node):
    """An attachment whose text follows the notice, set on pages of its own: its label as printed
    (`附件`, `附件1`), its title (empty when none is printed) and its blocks (schema 1.3)."""

    type: Literal["annex"] = "annex"
    label: str = Field(min_length=1)
    title: str = ""
    body: list[Block] = Field(default_factory=list)
    line: Line = None

    @field_validator("body")
    @classmethod
    def _flat(cls, body: list) -> list:
        if any(b.type in ("annex", "record") for b in body):
            raise ValueError("an annex holds neither an annex nor the 版记")
        return body


Block = Annotated[
    Table | Heading | Paragraph | Addressee | Attachments | Signature | Note | Record | Annex,
    Field(discriminator="type"),
]
Annex.model_rebuild()  # its body holds blocks, an annex among them by the schema (never by the reader)


# --- metadata, changes, diagnostics -----------------------------------------------------------


class InputInfo(Node):
    name: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    encoding: str | None = None
    format: Literal["text", "html"] = "text"
    bytes: int | None = Field(default=None, ge=0)


class Meta(Node):
    title: str
    source: str | None = None
    source_org: str | None = None
    source_alias: str | None = None
    published: IsoDate | None = None
    published_text: str | None = Field(
        default=None, description="the publication date as printed when it is not a calendar date (2021年2月30日)")
    issuer: str | None = Field(default=None, description="发文机关标志, e.g. 浙江省市场监督管理局文件")
    doc_number: str | None = Field(default=None, description="发文字号, e.g. 浙市监〔2021〕1号")
    copy_number: str | None = Field(default=None, pattern=r"^\d{1,6}$", description="份号, e.g. 000001 (schema 1.3)")
    classification: str | None = Field(
        default=None, description="密级和保密期限 as printed, e.g. 机密★1年 (schema 1.3)")
    urgency: str | None = Field(default=None, description="紧急程度: 特急, 加急 (schema 1.3)")
    signers: list[str] = Field(default_factory=list, description="签发人 names, in order (schema 1.3)")
    url: str | None = None
    input: InputInfo = Field(default_factory=InputInfo)


class Change(Node):
    """One edit made by normalisation (or text the parser set aside as page chrome)."""

    kind: str
    line: Line = None
    before: str
    after: str


Severity = Literal["error", "warning", "info"]


class Diagnostic(Node):
    severity: Severity
    code: str
    line: Line = None
    message: str


class Document(Node):
    schema_: Literal["bulletin"] = Field(default=SCHEMA_NAME, alias="schema")
    version: str = SCHEMA_VERSION
    meta: Meta
    body: list[Block] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    # set by `normalise.scrub`: no string holds a character a renderer may not write
    _clean: bool = PrivateAttr(default=False)

    def mark_clean(self) -> None:
        self._clean = True

    @property
    def clean(self) -> bool:
        """Whether `normalise.scrub` has taken out every character that is not text."""
        return self._clean

    @field_validator("body")
    @classmethod
    def _record_last(cls, body: list) -> list:
        if any(b.type == "record" for b in body[:-1]):
            raise ValueError("the 版记 (record) is the last block, and there is one at most")
        return body

    @field_validator("version")
    @classmethod
    def _compatible(cls, v: str) -> str:
        major = v.split(".", 1)[0]
        if major != SCHEMA_VERSION.split(".", 1)[0]:
            raise ValueError(
                f"bulletin JSON version {v!r} is not compatible with this tool "
                f"(reads {SCHEMA_VERSION.split('.')[0]}.x)"
            )
        return v

    def to_json(self) -> str:
        """Return the canonical JSON text (UTF-8, not ASCII-escaped, 2-space indent, final newline)."""
        return self.model_dump_json(by_alias=True, indent=2) + "\n"

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        return cls.model_validate_json(data)

    def blocks(self) -> list[Block]:
        """Every block in reading order, those of the annexes in their place (not the annexes)."""
        return [x for b in self.body for x in (b.body if isinstance(b, Annex) else [b])]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks() if isinstance(b, Table)]


def json_schema() -> dict:
    """Return the JSON Schema of `Document` (what `schemas/bulletin.schema.json` holds)."""
    schema = Document.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://bulletin.invalid/schemas/bulletin-{SCHEMA_VERSION}.schema.json"
    return schema
