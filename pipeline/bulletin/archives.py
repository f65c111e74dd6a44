"""Web archives as archivists keep them: a WARC file of a crawl (`.warc`, `.warc.gz`), and a
browser's "save as a single file" page (`.mht`, `.mhtml`, MIME multipart/related).

A WARC holds many pages: `pages` lists its response records that are HTML or text (each by its
offset, with its URL, charset and payload hash), `page` reads one back. An MHTML file holds one
page and what it shows: `mhtml_page` gives the HTML part's bytes, charset and address, which the
HTML reader then takes as it takes a saved `.html`. warcio reads the WARC records and HTTP
headers (and undoes chunked and gzip transfer encodings); the standard library's `email` reads the
MIME parts and their transfer encodings (quoted-printable, base64).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from .errors import InputError

WARC_SUFFIXES = (".warc", ".warc.gz")
MHTML_SUFFIXES = (".mht", ".mhtml")
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def is_warc(name: str | os.PathLike) -> bool:
    return os.fspath(name).lower().endswith(WARC_SUFFIXES)


def is_mhtml(name: str | os.PathLike | None) -> bool:
    return bool(name) and os.fspath(name).lower().endswith(MHTML_SUFFIXES)


@dataclass(frozen=True)
class WarcPage:
    """A response record of a WARC that holds an HTML or text page."""

    offset: int
    uri: str
    charset: str | None
    html: bool
    sha256: str


def _charset(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or "", re.I)
    return m[1] if m else None


def pages(path: str | os.PathLike) -> tuple[list[WarcPage], int]:
    """The HTML and text response records of a WARC (status 200), and how many records were
    passed over (requests, metadata, revisits, images, scripts, errors)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found, skipped = [], 0
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:  # (warcio's offset is asked for after the record is read)
                page = _page_of(record, lambda: records.get_record_offset())
                if page is None:
                    skipped += 1
                else:
                    found.append(page)
    except OSError as err:
        raise InputError(f"cannot read it: {err.strerror or err}", path=os.fspath(path)) from None
    # a damaged archive (warcio itself trips over a record without its headers)
    except (ArchiveLoadFailed, ValueError, EOFError, LookupError, UnicodeError, AttributeError, TypeError) as err:
        raise InputError(f"is not a WARC file this tool reads: {type(err).__name__}: {err}",
                         path=os.fspath(path)) from None
    return found, skipped


def _page_of(record, offset) -> WarcPage | None:
    if record.rec_type not in ("response", "resource"):
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not (http.get_statuscode() or "").startswith("2"):
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind not in _TEXT_TYPES:
        return None
    body = record.content_stream().read()
    if not body.strip():
        return None
    return WarcPage(offset=offset(), uri=uri, charset=_charset(content_type), html=kind != "text/plain",
                    sha256=hashlib.sha256(body).hexdigest())


def page(path: str | os.PathLike, offset: int) -> tuple[bytes, str, str | None]:
    """The payload (its HTTP encodings undone), URL and charset of the record at `offset`."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            headers = record.http_headers if record.rec_type == "response" else record.rec_headers
            content_type = headers.get_header("Content-Type") if headers else None
            return record.content_stream().read(), uri, _charset(content_type)
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, LookupError, UnicodeError, StopIteration,
            AttributeError, TypeError) as err:
        raise InputError(f"its record at byte {offset} cannot be read: {type(err).__name__}: {err}",
                         path=os.fspath(path)) from None


def output_path(uri: str) -> PurePosixPath:
    """Where a page's outputs go under --out: its host and path (`www.zj.gov.cn/art/2021/2/7/a`),
    `index` for a path ending in `/`, a short hash of the query when there is one; never `..`."""
    parts = urlsplit(uri)
    host = re.sub(r"[^\w.-]", "_", parts.hostname or "page")
    segments = [s for s in unquote(parts.path).split("/") if s not in ("", ".", "..")]
    if not segments or parts.path.endswith("/"):
        segments.append("index")
    segments = [re.sub(r'[\x00-\x1f<>:"\\|?*]', "_", s)[:120] for s in segments]
    last = segments[-1]
    stem = last.rsplit(".", 1)[0] if "." in last[1:] else last
    if parts.query:
        stem += "_" + hashlib.sha256(parts.query.encode()).hexdigest()[:8]
    segments[-1] = stem or "index"
    return PurePosixPath(host, *segments)


def mhtml_page(data: bytes, name: str) -> tuple[bytes, str | None, str | None]:
    """The HTML of a saved single-file page: (its bytes, its charset, its address). The root part
    is the one the multipart's `start` names, else the first text/html part."""
    import email
    import email.policy

    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        if not message.is_multipart():
            raise InputError("is not an MHTML page (no multipart/related message)", path=name)
        parts = [p for p in message.walk() if not p.is_multipart()]
        start = str(message.get_param("start") or "").strip("<>")
        root = next((p for p in parts if start and str(p.get("Content-ID") or "").strip("<>") == start), None)
        root = root or next((p for p in parts if p.get_content_type() in ("text/html", "application/xhtml+xml")),
                            None)
        if root is None:
            raise InputError("is an MHTML file without an HTML part", path=name)
        payload = root.get_payload(decode=True) or b""
        charset = root.get_content_charset()
        url = str(root.get("Content-Location") or message.get("Snapshot-Content-Location") or "") or None
    except (ValueError, LookupError, UnicodeError, TypeError, AttributeError) as err:  # a damaged file
        raise InputError(f"is not an MHTML page this tool reads: {type(err).__name__}: {err}", path=name) from None
    return (payload if isinstance(payload, bytes) else b""), charset, url
