"""Find TrueType-outline font files for the style's font roles, and the font for each character.

Each role lists candidate family or PostScript names, official names first (仿宋_GB2312 …), free
fallbacks after (AR PL UMing CN …). They are looked up, in this order of sources, in

1. the folders given as `font_dirs` (the CLI's `--font-dir`),
2. the folders in the environment variable `BULLETIN_FONT_PATH` (os.pathsep-separated),
3. fontconfig (`fc-list`) when it is installed, else the Windows, macOS and Linux font folders.

reportlab embeds only TrueType outlines (.ttf, .ttc faces); CFF-outline fonts (.otf, Noto CJK
.ttc) are skipped with the reason recorded rather than converted: a fontTools conversion costs
seconds to a minute and hundreds of MB per font, and free TrueType faces cover the job.

A character missing from a role's font is set in the next font that has it: the role's other
candidates first, then the other roles' fonts. `FontSet.runs` reports what no font has.
"""

from __future__ import annotations

import functools
import hashlib
import mmap
import os
import pickle
import struct
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from .errors import FontError
from .fontfiles import (
    CFF_REASON,
    ENV_VAR,
    INSTALL_HINT,
    Catalog,
    Face,
    catalog,
    fontconfig_choice,
    read_faces,
)

__all__ = ["ENV_VAR", "Face", "FontSet", "Role", "catalog", "describe_fonts", "read_faces", "resolve_fonts"]


# --- resolving roles and loading faces into reportlab ----------------------------------------


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bulletin" / "fonts"


def _pack_info(info: dict) -> dict:
    """The big tables as flat arrays: unpickling 40 000 small objects costs more than parsing."""
    out = {k: v for k, v in info.items() if k != "glyphToChar"}
    c2g, widths = info["charToGlyph"], info["charWidths"]
    out["charToGlyph"] = (array("I", c2g), array("I", c2g.values()))
    out["charWidths"] = (array("I", widths), array("d", widths.values()))
    out["hmetrics"] = array("d", [v for pair in info["hmetrics"] for v in pair])
    out["glyphPos"] = array("q", info["glyphPos"])
    out.pop("_g2c", None)  # glyphToChar: rebuilt from charToGlyph if ever read
    return out


def _unpack_info(out: dict) -> dict:
    keys, values = out["charToGlyph"]
    out["charToGlyph"] = dict(zip(keys, values, strict=True))
    keys, values = out["charWidths"]
    out["charWidths"] = dict(zip(keys, values, strict=True))
    out["hmetrics"] = _Pairs(out["hmetrics"])  # glyphPos stays an array: indexing is all it gets
    return out


class _Pairs:
    """A face's `hmetrics` — (advance, left side bearing) per glyph — read from the flat array
    as subsetting asks for them, instead of 30 000–45 000 tuples built at every font load."""

    __slots__ = ("flat",)

    def __init__(self, flat):
        self.flat = flat

    def __len__(self) -> int:
        return len(self.flat) // 2

    def __getitem__(self, i: int) -> tuple[float, float]:
        if i < 0:
            i += len(self)
        return self.flat[2 * i], self.flat[2 * i + 1]


class _Window:
    """A table of a mapped font file, sliced without copying the rest: `window[a:b]` is bytes.
    (reportlab's `get_table` copies the whole table; a CJK `glyf` is 10–17 MB and subsetting
    asks for it once per 256-character subset.)"""

    def __init__(self, data, pos: int, length: int):
        self.data, self.pos, self.length = data, pos, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.length)
            if step == 1:
                return self.data[self.pos + start:self.pos + max(start, stop)]
            return bytes(self.data[self.pos:self.pos + self.length])[key]
        return self.data[self.pos + range(self.length)[key]]


def essential_names(table: bytes) -> bytes:
    """Return a TrueType `name` table with only names 0–6 (copyright, family, style, unique
    name, full name, version, PostScript name), as fontTools' subsetter keeps by default.

    reportlab copies the font's whole name table into every embedded subset: for AR PL UMing that
    is 22 KB of license texts in several languages, a sixth of each subset. A table this does not
    understand (not format 0, cut short) is returned as it is."""
    try:
        fmt, count, offset = struct.unpack_from(">HHH", table)
        records = [struct.unpack_from(">6H", table, 6 + 12 * i) for i in range(count)]
    except struct.error:
        return table
    keep = [r for r in records if r[3] <= 6]
    if fmt != 0 or not keep or len(keep) == count:
        return table
    strings, at, out = bytearray(), {}, []
    for platform, encoding, language, name_id, length, start in keep:  # the order stays sorted
        text = bytes(table[offset + start:offset + start + length])
        if text not in at:
            at[text] = len(strings)
            strings += text
        out.append(struct.pack(">6H", platform, encoding, language, name_id, len(text), at[text]))
    return struct.pack(">HHH", 0, len(keep), 6 + 12 * len(keep)) + b"".join(out) + bytes(strings)


def _read_ttfont(name: str, path: str, index: int):
    """reportlab's TTFont, with the parsed metrics (cmap, widths, glyph offsets) kept in a per-user
    cache: parsing a CJK font takes 0.1–0.2 s, reading the cache a few ms. The cache is keyed by
    the file's real path, size and time and by the reportlab version; any problem with it means a
    normal parse."""
    import reportlab
    from reportlab.pdfbase import ttfonts

    st = os.stat(path)
    real = os.path.realpath(path)  # a font reached through a symlinked folder shares its cache
    key = hashlib.sha1(f"{reportlab.Version}|{real}|{index}|{st.st_size}|{st.st_mtime_ns}".encode(
        "utf-8", "replace")).hexdigest()
    cache = _cache_dir() / f"{key}.pickle"

    class CachedFace(ttfonts.TTFontFace):
        @property
        def glyphToChar(self):  # noqa: N802 - reportlab's name; unused when drawing and subsetting
            if "_g2c" not in self.__dict__:
                g2c: dict[int, list[int]] = {}
                for char, glyph in self.charToGlyph.items():
                    g2c.setdefault(glyph, []).append(char)
                self.__dict__["_g2c"] = g2c
            return self.__dict__["_g2c"]

        @glyphToChar.setter
        def glyphToChar(self, value):  # noqa: N802
            self.__dict__["_g2c"] = value

        def readFile(self, f):  # noqa: N802 - reportlab's name
            # map the file instead of reading it: a 20 MB .ttc costs memory only for the pages
            # that subsetting touches, and worker processes share them
            if not hasattr(self, "_ttf_data"):
                with open(f, "rb") as fh:
                    self._ttf_data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                self.filename = f
            self._pos = 0

        def get_table(self, tag):
            if tag == "glyf":  # subsetting slices out a few glyphs: no copy of the whole table
                pos, length = self.get_table_pos(tag)
                return _Window(self._ttf_data, pos, length)
            if tag == "name":  # read only by subsetting, which copies it into every subset
                if "_names" not in self.__dict__:
                    self.__dict__["_names"] = essential_names(super().get_table(tag))
                return self.__dict__["_names"]
            return super().get_table(tag)

        def extractInfo(self, charInfo=1):  # noqa: N802,N803 - reportlab's names
            try:
                self.__dict__.update(_unpack_info(pickle.loads(cache.read_bytes())))
                k = 1000 / self.unitsPerEm  # reportlab's own scale, a lambda it cannot pickle
                self._pdfScale = (lambda x: x) if self.unitsPerEm == 1000 else (lambda x: x * k)
                return
            except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
                pass
            super().extractInfo(charInfo)
            skip = ("_ttf_data", "_pos", "filename", "_pdfScale", "_g2c")
            info = {k: v for k, v in vars(self).items() if k not in skip}
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                tmp = cache.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(pickle.dumps(_pack_info(info), protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, cache)
            except (OSError, pickle.PickleError, TypeError, AttributeError):
                pass  # no cache: the next process parses again

    from .render.rlsettings import loading_faces

    with loading_faces(CachedFace):  # TTFont.__init__ builds its face from ttfonts.TTFontFace
        return ttfonts.TTFont(name, path, subfontIndex=index)


@functools.lru_cache(maxsize=64)
def _load(path: str, index: int) -> tuple[str | None, Mapping[int, int] | str]:
    """Register a face with reportlab once per process: (font name, cmap) or (None, reason)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError

    name = f"{Path(path).stem}-{index}-{hashlib.sha1(path.encode('utf-8', 'replace')).hexdigest()[:8]}"
    try:
        font = _read_ttfont(name, path, index)
    except (TTFError, OSError, struct.error, ValueError, KeyError, IndexError) as exc:
        reason = str(exc)
        return None, CFF_REASON if "postscript outlines" in reason.lower() else reason
    pdfmetrics.registerFont(font)
    return name, font.face.charToGlyph  # the cmap: character → glyph


@dataclass
class Role:
    """One font role: its candidates, the faces found for them (in order) and what was skipped."""

    key: str
    candidates: tuple[str, ...]
    found: list[tuple[str, Face]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    loaded: list[tuple[str, Face, str, Mapping[int, int]]] = field(default_factory=list)
    _next: int = 0

    def usable(self, upto: int | None = None) -> list[tuple[str, Face, str, Mapping[int, int]]]:
        """(candidate, face, reportlab name, cmap) of the faces that load, loading at most `upto`."""
        while self._next < len(self.found) and (upto is None or len(self.loaded) < upto):
            cand, face = self.found[self._next]
            self._next += 1
            name, info = _load(face.path, face.index)
            if name is None:
                self.skipped.append(f"{cand}: {face.label}: {info}")
            else:
                self.loaded.append((cand, face, name, info))
        return self.loaded if upto is None else self.loaded[:upto]


class _CharFonts(dict):
    """character → font name for one role (`FontSet.runs`), filled on first use; `missing` holds
    the characters no font has (set in the role's face)."""

    def __init__(self, fonts: FontSet, key: str):
        super().__init__()
        self.fonts, self.key = fonts, key
        self.first = fonts.font(key)
        self.cmap = fonts.roles[key].loaded[0][3]
        latin = fonts.roles.get(key + ":latin")
        latin_font = latin.usable(1) if latin else []
        self.latin = (latin_font[0][2], latin_font[0][3]) if latin_font else None
        self.missing: set[str] = set()
        self.own: set[str] = set()  # characters known to be set in the role's own face

    def __missing__(self, ch: str) -> str:
        o = ord(ch)
        if self.latin and o < 128 and o in self.latin[1]:
            name = self.latin[0]
        elif o in self.cmap or ch.isspace():
            name = self.first
        else:
            name = self.fonts._find(self.key, ch) or self.first
            if name == self.first:
                self.missing.add(ch)
        if name == self.first and ch not in self.missing:
            self.own.add(ch)
        self[ch] = name
        return name


class FontSet:
    """The resolved fonts of a style: `font(role)`, `runs(text, role)`, `describe()`."""

    def __init__(self, roles: dict[str, Role], cat: Catalog):
        self.roles = roles
        self.catalog = cat
        self._fallback: dict[tuple[str, str], str | None] = {}
        self._tables: dict[str, _CharFonts] = {}

    def font(self, key: str) -> str:
        """Return the reportlab font name of the role's first usable face; FontError if none."""
        if key not in self.roles:
            raise FontError(f"the style has no font role {key!r} (roles: {', '.join(self.roles)})")
        first = self.roles[key].usable(1)
        if not first:
            raise FontError(self.error_text(key))
        return first[0][2]

    def _find(self, key: str, ch: str) -> str | None:
        """The first font with `ch`: the role's other faces, then the other roles' first faces."""
        if (key, ch) not in self._fallback:
            others = sorted(k for k in self.roles if k != key and not k.endswith(":latin"))
            fonts = self.roles[key].usable()[1:] + [f for k in others for f in self.roles[k].usable(1)]
            self._fallback[key, ch] = next((n for _c, _f, n, cmap in fonts if ord(ch) in cmap), None)
        return self._fallback[key, ch]

    def runs(self, text: str, key: str) -> tuple[list[tuple[str, str]], list[str]]:
        """Split `text` into (font name, substring) runs; also return the characters no font has.

        ASCII goes to the role's Latin face when it has one (as Word's w:ascii); other characters
        to the role's face, or else to the first fallback whose cmap has them. Whitespace and
        characters no font has stay in the role's face.
        """
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = _CharFonts(self, key)
        if text and table.own.issuperset(text):  # the common case: all in the role's face
            return [(table.first, text)], []
        runs = [(name, "".join(chars)) for name, chars in groupby(text, table.__getitem__)]
        missing = list(dict.fromkeys(ch for ch in text if ch in table.missing)) if table.missing else []
        return runs, missing

    def error_text(self, key: str) -> str:
        role = self.roles[key]
        lines = [f"no usable TrueType font for the {key!r} font role",
                 f"  looked for: {', '.join(role.candidates)}",
                 f"  searched: {'; '.join(self.catalog.searched) or 'nothing (no font folders)'}"]
        lines += [f"  skipped {s}" for s in role.skipped]
        lines.append(f"  fix: {INSTALL_HINT}")
        return "\n".join(lines)

    def describe(self) -> str:
        """Return, per role, the chosen file and face, the fallbacks and what was skipped."""
        out = [f"searched: {'; '.join(self.catalog.searched) or 'nothing'}"]
        for key, role in self.roles.items():
            usable = role.usable()
            out.append(f"{key}: looks for {', '.join(role.candidates)}")
            if not usable:
                out.append("  NO USABLE FONT" + ("" if key.endswith(":latin") else f": {INSTALL_HINT}"))
            for i, (cand, face, _name, cmap) in enumerate(usable):
                what = "uses    " if i == 0 else "fallback"
                out.append(f"  {what} {face.family} {face.style} [{face.postscript}] face {face.index} of "
                           f"{face.path} (matched {cand!r}, via {face.source}, {len(cmap)} characters)")
            if role.absent:
                out.append(f"  not installed: {', '.join(role.absent)}")
            out += [f"  skipped {s}" for s in role.skipped]
        return "\n".join(out)


def _role_candidates(style) -> dict[str, tuple[str, ...]]:
    """role → candidates; a role's Latin faces (when listed) under `role:latin`."""
    if isinstance(style, Mapping):
        return {k: tuple(v) for k, v in style.items()}
    out: dict[str, tuple[str, ...]] = {}
    for k, role in style.fonts.items():
        out[k] = tuple(role.candidates)
        if getattr(role, "latin_candidates", None):
            out[k + ":latin"] = tuple(role.latin_candidates)
    return out


@functools.lru_cache(maxsize=16)
def _resolve(roles: tuple[tuple[str, tuple[str, ...]], ...], font_dirs: tuple[str, ...],
             env: str | None, system: bool) -> FontSet:
    cat = catalog(font_dirs, env, system)
    out: dict[str, Role] = {}
    fc_choice: Face | None | bool = False
    for key, candidates in roles:
        role = out[key] = Role(key, candidates)
        seen: set[tuple[str, int]] = set()
        for cand in candidates:
            faces = [f for f in cat.lookup(cand) if (f.path, f.index) not in seen]
            if not cat.lookup(cand):
                role.absent.append(cand)
            for face in faces:
                seen.add((face.path, face.index))
                if face.outline == "cff":
                    role.skipped.append(f"{cand}: {face.label}: {CFF_REASON}")
                else:
                    role.found.append((cand, face))
                    break  # one face per candidate: the best style from the first source
        if not role.found and not key.endswith(":latin"):
            if fc_choice is False:
                fc_choice = fontconfig_choice(cat)
            if fc_choice and fc_choice.outline == "cff":
                role.skipped.append(f"fontconfig's choice for zh-cn: {fc_choice.label}: {CFF_REASON}")
            elif fc_choice:
                role.found.append(("fontconfig :lang=zh-cn", fc_choice))
    return FontSet(out, cat)


def resolve_fonts(style, font_dirs: Iterable[str | Path] = (), *, system: bool = True,
                  env: str | None = None) -> FontSet:
    """Return the `FontSet` for a `StyleSheet` (or a mapping role → candidate names).

    `font_dirs` are searched first, then `BULLETIN_FONT_PATH` (or `env` when given), then the
    system (unless `system=False`). The result is cached per process for the same arguments.
    """
    env = os.environ.get(ENV_VAR) if env is None else env
    roles = tuple(_role_candidates(style).items())
    dirs = tuple(str(Path(d)) for d in font_dirs)
    return _resolve(roles, dirs, env or None, system)


def describe_fonts(style, font_dirs: Sequence[str | Path] = (), *, system: bool = True) -> str:
    """The text `bulletin fonts` prints: per role the chosen file and face and the fallbacks."""
    return resolve_fonts(style, font_dirs, system=system).describe()



