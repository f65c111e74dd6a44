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
import os
import struct
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


@functools.lru_cache(maxsize=64)
def _load(path: str, index: int) -> tuple[str | None, Mapping[int, int] | str]:
    """Register a face with reportlab once per process: (font name, cmap) or (None, reason)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError

    from .render.rlinternals import read_ttfont

    name = f"{Path(path).stem}-{index}-{hashlib.sha1(path.encode('utf-8', 'replace')).hexdigest()[:8]}"
    try:
        font = read_ttfont(name, path, index)
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


def _role_candidates(style) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(role, candidates, whether a CFF face may be used through its TrueType copy); a role's
    Latin faces (when listed) as `role:latin`."""
    if isinstance(style, Mapping):
        return tuple((k, tuple(v), False) for k, v in style.items())
    out: list[tuple[str, tuple[str, ...], bool]] = []
    for k, role in style.fonts.items():
        out.append((k, tuple(role.candidates), role.convert_cff))
        if getattr(role, "latin_candidates", None):
            out.append((k + ":latin", tuple(role.latin_candidates), False))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _resolve(roles: tuple[tuple[str, tuple[str, ...], bool], ...], font_dirs: tuple[str, ...],
             env: str | None, system: bool) -> FontSet:
    cat = catalog(font_dirs, env, system)
    out: dict[str, Role] = {}
    fc_choice: Face | None | bool = False
    for key, candidates, convert in roles:
        role = out[key] = Role(key, candidates)
        seen: set[tuple[str, int]] = set()
        for cand in candidates:
            faces = [f for f in cat.lookup(cand) if (f.path, f.index) not in seen]
            if not cat.lookup(cand):
                role.absent.append(cand)
            for face in faces:
                seen.add((face.path, face.index))
                if face.outline == "cff" and convert:
                    copy = _truetype(face)
                    if isinstance(copy, str):
                        role.skipped.append(f"{cand}: {face.label}: {copy}")
                    else:
                        role.found.append((cand, copy))
                        break
                elif face.outline == "cff":
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


def _truetype(face: Face) -> Face | str:
    """The face's TrueType copy (`fontconvert.truetype_copy`), or why there is none."""
    from dataclasses import replace

    from .fontconvert import truetype_copy

    try:
        path = truetype_copy(face.path, face.index)
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds on a broken font
        return f"its TrueType copy could not be made: {exc}"
    return replace(face, path=str(path), index=0, outline="truetype",
                   source=f"{face.source}, TrueType copy of {face.path}#{face.index}")


def resolve_fonts(style, font_dirs: Iterable[str | Path] = (), *, system: bool = True,
                  env: str | None = None) -> FontSet:
    """Return the `FontSet` for a `StyleSheet` (or a mapping role → candidate names).

    `font_dirs` are searched first, then `BULLETIN_FONT_PATH` (or `env` when given), then the
    system (unless `system=False`). The result is cached per process for the same arguments.
    """
    env = os.environ.get(ENV_VAR) if env is None else env
    roles = _role_candidates(style)
    dirs = tuple(str(Path(d)) for d in font_dirs)
    return _resolve(roles, dirs, env or None, system)


def describe_fonts(style, font_dirs: Sequence[str | Path] = (), *, system: bool = True) -> str:
    """The text `bulletin fonts` prints: per role the chosen file and face and the fallbacks."""
    return resolve_fonts(style, font_dirs, system=system).describe()



