"""The read stage: raw bytes → `Text` (decoded, line endings unified, line numbers kept).

Order of trust: a byte-order mark, then strict UTF-8, then the container's declared charset,
then detection (charset-normalizer). The GB family is always decoded as GB18030, its superset.
Anything that is not text is refused with an `InputError`; no other exception escapes.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass

from bulletin.errors import DEFAULT_MAX_BYTES, InputError  # noqa: F401 - DEFAULT_MAX_BYTES: read.py's own
from bulletin.i18n import _

from .patterns import lazy


def _expected() -> str:
    return _("expected a .txt or .html bulletin")


_MAX_CONTROL_SHARE = 0.05
# C0 and C1 control characters (and DEL) other than \t \n \r \f.
_CONTROLS = lazy(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# UTF-32 LE's mark starts with UTF-16 LE's, so it must be tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = frozenset({"gb2312", "gbk", "hz", "gb18030"})  # codecs.lookup("cp936").name == "gbk"
_TRADITIONAL = frozenset({"big5", "big5hkscs", "cp950"})
# Greek, Cyrillic, circled numbers, box drawing, kana, bopomofo, private use: GB18030 rows that
# Big5 bytes land in. Above this share of the non-ASCII characters, GB18030 misread Big5.
_MISREAD = lazy(r"[\u0370-\u04ff\u2460-\u257f\u3040-\u30ff\u3100-\u312f\ue000-\uf8ff]")
_MAX_MISREAD_SHARE = 0.2
# Codecs that are no charset a bulletin could be in; a declaration or guess naming one is ignored.
# UTF-16/32 without a byte-order mark are ignored too (WHATWG treats such a <meta> as UTF-8).
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7", "mbcs", "oem"}
)


@dataclass(frozen=True)
class Text:
    """A decoded input. `text` has no BOM and only "\\n" line endings."""

    text: str
    encoding: str  # the codec actually used, e.g. "utf-8", "utf-8-sig", "utf-16", "gb18030"
    sha256: str  # hex digest of the raw bytes
    size: int  # number of raw bytes
    cut: int = 0  # bytes of an incomplete character at the very end, left out (a truncated scrape)
    replaced: int = 0  # byte sequences that are not UTF-8 in a UTF-8 file, each read as U+FFFD
    replaced_line: int | None = None  # the line of the first of them


def decode(
    data: bytes,
    *,
    name: str = "<input>",
    declared: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Text:
    """Return `data` decoded as a `Text`; raise `InputError` (with `path=name`) if it is not text.

    `declared` is a charset named by the container (an HTML `<meta charset>`); a BOM or valid
    UTF-8 wins over it, and it wins over detection when it decodes the bytes strictly.
    """
    size = len(data)
    if size > max_bytes:
        raise InputError(_too_large(size, max_bytes), path=name)
    if size == 0:
        raise InputError(_("is empty (0 bytes); {expected}").format(expected=_expected()), path=name)
    data = bytes(data)
    cut = _incomplete_utf8_tail(data)
    body = data[: len(data) - cut]
    text, encoding, replaced, first = _decode(body, name, declared)
    if encoding == "gb18030" and text.startswith("\ufeff"):  # GB18030's own byte-order mark
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_is_text(text, name)
    return Text(text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(), size=size, cut=cut,
                replaced=replaced, replaced_line=first)


#: At most this share of a UTF-8 file's bytes (or 8) may be broken for it to be read as UTF-8 (the
#: broken ones as U+FFFD): a byte lost or flipped in a copy. Text in another encoding read as
#: UTF-8 breaks at nearly every non-ASCII character.
_MAX_BROKEN_SHARE = 0.002


def _mostly_utf8(data: bytes) -> tuple[str, int, int] | None:
    """(text, sequences replaced, line of the first) when `data` is UTF-8 but for a few broken
    byte sequences; None when it is not (or has no other non-ASCII character to tell)."""
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as err:
        first = err.start
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())  # the ones the file did not hold
    wide = len(text) - len(text.encode("ascii", "ignore")) - broken
    if broken > max(8, _MAX_BROKEN_SHARE * len(data)) or wide < 10 * broken:
        return None
    return text, broken, data.count(b"\n", 0, first) + 1


def _incomplete_utf8_tail(data: bytes) -> int:
    """How many bytes at the end start a UTF-8 character the file does not finish (0 to 3), when the
    rest is valid UTF-8: a file cut off mid-character is still read."""
    try:
        data.decode("utf-8")
        return 0
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.end == len(data) and len(data) - err.start <= 3:
            try:
                data[: err.start].decode("utf-8")
                return len(data) - err.start
            except UnicodeDecodeError:
                return 0
        return 0


def read_file(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES,
              sniff: Callable[[bytes], str | None] | None = None) -> Text:
    """Return the decoded contents of the file at `path`; raise `InputError` if it cannot be read.

    The size is checked with stat() before the file is read, so a huge file is never loaded.
    `sniff(data)` may return the charset the content declares (an HTML `<meta charset>`).
    """
    data = read_bytes(path, max_bytes=max_bytes)
    return decode(data, name=os.fsdecode(path), declared=sniff(data) if sniff else None, max_bytes=max_bytes)


def read_bytes(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the file at `path` (at most `max_bytes`); an `InputError` if it cannot be read."""
    name = os.fsdecode(path)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(_("is a directory; {expected} file").format(expected=_expected()), path=name)
        if st.st_size > max_bytes:
            raise InputError(_too_large(st.st_size, max_bytes), path=name)
        with open(path, "rb") as f:
            # Bounded read: a pipe or a growing file may hold more than stat() said.
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(_("no such file"), path=name) from None
    except IsADirectoryError:
        raise InputError(_("is a directory; {expected} file").format(expected=_expected()), path=name) from None
    except PermissionError:
        raise InputError(_("cannot be read: permission denied"), path=name) from None
    except OSError as err:
        raise InputError(f"cannot be read: {err.strerror or err}", path=name) from None
    except ValueError:  # e.g. a NUL character inside the path
        raise InputError("is not a valid file path", path=name) from None
    if len(data) > max_bytes:
        raise InputError(_too_large(None, max_bytes), path=name)
    return data


def _decode(data: bytes, name: str, declared: str | None) -> tuple[str, str, int, int | None]:
    """Return (text, codec, broken sequences read as U+FFFD, the line of the first) for `data`, or
    raise `InputError`."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is None:
                label = codec.removesuffix("-sig").upper()
                raise InputError(f"starts with a {label} byte-order mark but is not valid {label}", path=name)
            return text, codec, 0, None
    if b"\x00" in data:
        raise InputError(_("is not text (contains NUL bytes); {expected}").format(expected=_expected()), path=name)
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8", 0, None
    codec = _charset(declared)
    if codec is not None and (text := _strict(data, codec)) is not None:
        return text, codec, 0, None
    mostly = _mostly_utf8(data)
    if mostly is not None:  # UTF-8 with a broken byte: not GB18030 that happens to decode
        return mostly[0], "utf-8", mostly[1], mostly[2]
    found = _detect(data)
    if found is None:
        raise InputError(_("is not text (not valid UTF-8, GB18030 or any detected encoding); {expected}").format(
            expected=_expected()), path=name)
    return (*found, 0, None)


def _detect(data: bytes) -> tuple[str, str] | None:
    """Return (text, codec) for bytes that are not UTF-8, or None if no candidate decodes them.

    GB18030 is preferred whenever it decodes strictly: for short Chinese text charset-normalizer
    often says cp949, big5 or a single-byte codec. Only Big5 can beat it, when GB18030 turns the
    bytes into kana, Greek or private-use characters (which Big5 text read as GB18030 does).
    """
    # Imported here: it costs ~70 ms, and UTF-8 input (the common case) never needs it.
    import charset_normalizer

    try:
        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # a heuristic failing only means "no guess"
        best = None
    guess = _charset(best.encoding) if best is not None else None
    gb = _strict(data, "gb18030")
    if gb is not None and not (guess in _TRADITIONAL and _misread_share(gb) > _MAX_MISREAD_SHARE):
        return gb, "gb18030"
    if guess is not None and guess != "gb18030" and (text := _strict(data, guess)) is not None:
        return text, guess
    return (gb, "gb18030") if gb is not None else None


def _misread_share(text: str) -> float:
    """Return the share of non-ASCII characters that are rare in Chinese prose (signs of a misread)."""
    wide = len(text) - len(text.encode("ascii", "ignore"))
    return len(_MISREAD.findall(text)) / wide if wide else 0.0


def _charset(label: str | None) -> str | None:
    """Return the normalised codec name for a charset label, or None if it is no usable charset."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip())
    except (LookupError, ValueError):
        return None
    name = info.name
    if not getattr(info, "_is_text_encoding", True) or name in _NOT_CHARSETS:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None
    if name in _GB_FAMILY:
        return "gb18030"
    if name in ("ascii", "iso8859-1"):  # as browsers do (WHATWG): these labels mean windows-1252
        return "cp1252"
    return name


def _strict(data: bytes, codec: str) -> str | None:
    """Return `data` decoded strictly with `codec`, or None if it does not decode."""
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _check_is_text(text: str, name: str) -> None:
    """Raise `InputError` if decoded `text` is binary or blank."""
    if "\x00" in text:
        raise InputError(_("is not text (contains NUL characters); {expected}").format(expected=_expected()),
                         path=name)
    controls = len(_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        share = controls / len(text)
        raise InputError(_("is not text ({share:.0%} control characters); {expected}").format(
            share=share, expected=_expected()), path=name)
    if not text.replace("\ufeff", "").strip():
        raise InputError(_("is empty (only whitespace); {expected}").format(expected=_expected()), path=name)


def _too_large(size: int | None, limit: int) -> str:
    """Return the message for an input over the size limit; `size` is None when not known exactly."""
    what = _("{size:,} bytes").format(size=size) if size is not None else _("more than {limit:,} bytes").format(
        limit=limit)
    return _("is too large ({what}; the limit is {limit:,} bytes); pass --max-bytes to raise the limit").format(
        what=what, limit=limit)
