"""The library API: what the CLI calls, usable without it.

    from bulletin import api
    doc = api.load("bulletin.txt")                       # read → parse → normalise → validate
    result = api.convert("bulletin.txt", formats=["json", "docx"])
    result.outputs["docx"]                               # bytes
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace

from pydantic import ValidationError

from .diagnostics import diagnostic
from .errors import InputError
from .model import Diagnostic, Document, InputInfo
from .normalise import FORBIDDEN, normalise, scrub
from .parse import parse_text
from .patterns import lazy
from .read import DEFAULT_MAX_BYTES, Text, decode, read_bytes, read_file
from .render import RENDERERS, Context, renderer
from .validate import validate

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml")  # an MHTML file is read as its HTML
#: the output formats, each also its file suffix
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def renderer_modules(formats) -> list[str]:
    """The modules that render `formats` (for a process to import ahead of its first input)."""
    return [f"{__package__}.render.{RENDERERS[f]}" for f in formats]


@dataclass
class Conversion:
    """A converted input: the validated document, each format's bytes, and every diagnostic
    (the document's own plus the renderers', e.g. a glyph no installed font has)."""

    document: Document
    outputs: dict[str, bytes] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def is_html(name: str | None, text: str) -> bool:
    if name and name.lower().endswith(HTML_SUFFIXES):
        return True
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head[:200]


def parse(text: str, *, name: str | None = None) -> Document:
    """Return the draft Document of `text` (flattened text or an HTML page)."""
    if is_html(name, text):
        from .parse.html import parse_html

        return parse_html(text)
    return parse_text(text)


def document(text: Text, *, name: str | None = None) -> Document:
    """Parse, normalise and validate decoded input; record the input's name, hash and encoding.

    A `.json` input is a bulletin JSON (e.g. edited by hand): it is checked against the model and
    taken as it is, so it can be rendered again.
    """
    if name and name.lower().endswith(".json"):
        return from_json(text.text, name)
    draft = parse(text.text, name=name)
    fmt = "html" if is_html(name, text.text) else "text"
    info = InputInfo(name=os.path.basename(name) if name else None, sha256=text.sha256,
                     encoding=text.encoding, format=fmt, bytes=text.size)
    draft.meta.input = info
    if text.replaced:
        what = "byte sequences that are" if text.replaced > 1 else "byte sequence that is"
        draft.diagnostics.append(diagnostic("broken-bytes", text.replaced_line, f"{text.replaced} {what} not UTF-8 "
                                            "(the first on this line) read as U+FFFD (�)"))
    if text.cut:
        last = text.text.count("\n") + 1
        draft.diagnostics.append(diagnostic("truncated-text", last,
                                            f"the file ends inside a character ({text.cut} bytes left out)"))
    # a text page's draft holds only its own characters (and its name): when they are all text,
    # the scrub has nothing to find; an HTML page's entities and attributes may hold more
    clean = fmt == "text" and not FORBIDDEN.search(text.text) and not FORBIDDEN.search(info.name or "")
    return validate(normalise(draft, clean=clean))


def from_json(text: str, name: str) -> Document:
    """Return the Document of a bulletin JSON, scrubbed and validated again (it may have been
    edited: the semantic checks are run anew); a JSON of another shape or version is an InputError."""
    try:
        doc = Document.from_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "the document"
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(f"is not a bulletin JSON this tool reads: {where}: {message}", path=name) from None
    return validate(scrub(doc), again=True)


_META_CHARSET = lazy(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = lazy(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)


def sniff_charset(data: bytes) -> str | None:
    """Return the charset an HTML page declares in its first 4 KB, or None.

    `<meta charset="gbk">`, `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`
    or an XHTML page's `<?xml … encoding="…"?>`; the label is returned as written.
    """
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return m[1].decode("ascii") if m else None


def _declared(name: str | None, data: bytes) -> str | None:
    return sniff_charset(data) if is_html(name, data[:1024].decode("latin-1")) else None


def read(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> Text:
    """Return the decoded file; an HTML page is decoded with the charset it declares."""
    name = os.fsdecode(path)
    return read_file(path, max_bytes=max_bytes, sniff=lambda data: _declared(name, data))


def load(source: str | os.PathLike | bytes, *, name: str | None = None,
         max_bytes: int = DEFAULT_MAX_BYTES, charset: str | None = None, url: str | None = None) -> Document:
    """Read `source` (a path, or raw bytes with an optional `name`) into a validated Document.

    `charset` is one the container declares (a WARC record's HTTP header); `url` the address it
    was fetched from, when the page does not say. An `.mht` / `.mhtml` file is read as the page
    it saved (`archives.mhtml_page`)."""
    from .archives import is_mhtml

    if is_mhtml(name if isinstance(source, bytes) else source):
        name = name or os.fspath(source)
        data = source if isinstance(source, bytes) else read_bytes(source, max_bytes=max_bytes)
        return _mhtml(data, name, max_bytes)
    if isinstance(source, bytes):
        doc = document(decode(source, name=name or "<input>", declared=charset or _declared(name, source),
                              max_bytes=max_bytes), name=name)
    else:
        doc = document(read(source, max_bytes), name=str(source))
    if url and not doc.meta.url:
        doc.meta.url = url
    return doc


def _mhtml(data: bytes, name: str, max_bytes: int) -> Document:
    """The Document of a saved single-file page: its HTML part read as a saved `.html` (the input's
    hash and size are the file's, so that a re-run knows it)."""
    from .archives import mhtml_page

    html, charset, url = mhtml_page(data, name)
    text = decode(html, name=name, declared=charset or sniff_charset(html), max_bytes=max_bytes)
    doc = document(replace(text, sha256=hashlib.sha256(data).hexdigest(), size=len(data)), name=name)
    if url and not doc.meta.url and url.startswith(("http://", "https://")):
        doc.meta.url = url
    return doc


def render(doc: Document, formats: list[str], style=None, context: Context | None = None) -> Conversion:
    """Render `doc` into every format; nothing is written anywhere. `context` defaults to this
    process's (`Context.here()`: its SOURCE_DATE_EPOCH, no extra font folders)."""
    context = context or Context.here()
    if style is None and any(f != "json" for f in formats):  # the format the document is printed in
        from .render.layout import document_format
        from .style import VARIANTS, cached_style

        variant = VARIANTS.get(document_format(doc.meta))
        style = cached_style(str(variant) if variant else None)
    if not doc.clean:  # built by hand, not loaded: nothing a renderer may not write gets through
        scrub(doc)
    result = Conversion(document=doc, diagnostics=list(doc.diagnostics))
    for fmt in formats:
        out = renderer(fmt)(doc, style, context)
        result.outputs[fmt] = out.data
        result.diagnostics += out.diagnostics
    return result


def convert(source: str | os.PathLike | bytes, *, formats: list[str] | None = None, style=None,
            name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, context: Context | None = None) -> Conversion:
    """Load `source` and render it (default: every available format)."""
    doc = load(source, name=name, max_bytes=max_bytes)
    return render(doc, formats or list(FORMATS), style, context)
