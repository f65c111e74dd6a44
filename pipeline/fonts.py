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
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FontError

ENV_VAR = "BULLETIN_FONT_PATH"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
INSTALL_HINT = (
    "install free Chinese fonts (Debian/Ubuntu, as root: "
    "`apt-get install fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei`), "
    "or pass `--font-dir` pointing at a folder with the official fonts "
    "(for example a copy of C:\\Windows\\Fonts), or list such folders in " + ENV_VAR
)
CFF_REASON = "CFF (PostScript) outlines: reportlab embeds only TrueType outlines"


@dataclass(frozen=True)
class Face:
    """One face of a font file: `index` is its number inside a .ttc (0 for a .ttf)."""

    path: str
    index: int
    family: str
    style: str
    postscript: str
    names: tuple[str, ...]
    outline: str  # "truetype" | "cff" | "unknown"
    source: str

    @property
    def label(self) -> str:
        return f"{self.family} ({self.postscript or '?'}) {self.path}#{self.index}"


def _key(name: str) -> str:
    return "".join(name.split()).casefold()


def _style_rank(style: str) -> int:
    s = style.casefold()
    if any(w in s for w in ("bold", "italic", "oblique", "heavy", "black")):
        return 3
    if any(w in s for w in ("regular", "book", "normal", "roman")):
        return 0
    return 1 if ("light" in s or "medium" in s or not s) else 2


# --- reading a font file's name table (headers only, no full parse) -----------------------------


def _decode_name(platform: int, encoding: int, raw: bytes) -> str | None:
    if platform in (0, 3) and encoding != 3:
        return raw.decode("utf-16-be", "ignore")
    if platform == 3:  # encoding 3 = PRC: GBK bytes, often padded to 16 bits
        return raw.replace(b"\x00", b"").decode("gbk", "ignore")
    if platform == 1 and encoding == 0:
        return raw.decode("mac_roman", "ignore")
    return None


def read_faces(path: str | Path, source: str = "file") -> list[Face]:
    """Return the faces of a font file from its table directory and name table."""
    faces: list[Face] = []
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] == b"ttcf":
            (count,) = struct.unpack(">I", head[8:12])
            offsets = struct.unpack(f">{count}I", f.read(4 * count))
        else:
            offsets = (0,)
        for index, off in enumerate(offsets):
            f.seek(off)
            sfnt, ntables = struct.unpack(">4sH", f.read(6))
            f.seek(off + 12)
            tables = {}
            for _ in range(ntables):
                tag, _sum, toff, tlen = struct.unpack(">4sIII", f.read(16))
                tables[tag] = (toff, tlen)
            if b"glyf" in tables:
                outline = "truetype"
            elif b"CFF " in tables or b"CFF2" in tables or sfnt == b"OTTO":
                outline = "cff"
            else:
                outline = "unknown"
            names: dict[int, list[str]] = {}
            if b"name" in tables:
                toff, tlen = tables[b"name"]
                f.seek(toff)
                data = f.read(tlen)
                _fmt, count, soff = struct.unpack(">HHH", data[:6])
                for r in range(count):
                    pid, eid, lid, nid, ln, no = struct.unpack(">6H", data[6 + 12 * r: 18 + 12 * r])
                    if nid in (1, 2, 4, 6, 16, 17):
                        text = _decode_name(pid, eid, data[soff + no: soff + no + ln])
                        if text and text not in names.setdefault(nid, []):
                            # English names first, so `family` reads the same on every system
                            english = (pid == 3 and lid == 0x409) or (pid == 1 and lid == 0)
                            names[nid].insert(0, text) if english else names[nid].append(text)
            family = (names.get(16) or names.get(1) or [Path(path).stem])[0]
            style = (names.get(17) or names.get(2) or [""])[0]
            ps = (names.get(6) or [""])[0]
            alln = tuple(dict.fromkeys(n for nid in (16, 1, 4, 6) for n in names.get(nid, [])))
            faces.append(Face(str(path), index, family, style, ps, alln, outline, source))
    return faces


# --- where fonts live --------------------------------------------------------------------------


def system_font_dirs() -> list[Path]:
    """Return the usual font folders of this platform (existing or not)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        local = os.environ.get("LOCALAPPDATA", str(home / "AppData" / "Local"))
        return [Path(windir) / "Fonts", Path(local) / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library" / "Fonts"]
    data = os.environ.get("XDG_DATA_HOME", str(home / ".local" / "share"))
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts", Path(data) / "fonts"]


def _scan_dir(folder: Path, source: str) -> list[Face]:
    faces: list[Face] = []
    if not folder.is_dir():
        return faces
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(FONT_SUFFIXES):
                try:
                    faces.extend(read_faces(Path(root) / name, source))
                except (OSError, struct.error, ValueError):
                    continue  # not a font we can read: ignore it like fontconfig does
    return faces


_FC_FORMAT = "%{file}\\t%{index}\\t%{family}\\t%{style}\\t%{fullname}\\t%{postscriptname}\\t%{fontformat}\\n"


def _split_fc(value: str) -> list[str]:
    parts, cur, esc = [], "", False
    for ch in value:
        if esc:
            cur, esc = cur + ch, False
        elif ch == "\\":
            esc = True
        elif ch == ",":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [p for p in [*parts, cur] if p]


def _fc_faces(out: str, source: str) -> list[Face]:
    faces = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) != 7 or not cols[0]:
            continue
        path, index, family, style, full, ps, fmt = cols
        families = _split_fc(family)
        outline = {"TrueType": "truetype", "CFF": "cff"}.get(fmt, "unknown")
        names = tuple(dict.fromkeys([*families, *_split_fc(full), ps]))
        faces.append(Face(path, int(index or 0), families[0] if families else Path(path).stem,
                          (_split_fc(style) or [""])[0], ps, names, outline, source))
    return faces


def _fontconfig(args: list[str]) -> str | None:
    exe = shutil.which(args[0])
    if not exe:
        return None
    try:
        done = subprocess.run([exe, *args[1:]], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@dataclass
class Catalog:
    """Every face found, in search order, and a note of where it looked."""

    faces: list[Face] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    fontconfig: bool = False

    def lookup(self, name: str) -> list[Face]:
        k = _key(name)
        found = [f for f in self.faces if any(_key(n) == k for n in f.names)]
        order = {"--font-dir": 0, ENV_VAR: 1}
        return sorted(found, key=lambda f: (order.get(f.source, 2), _style_rank(f.style)))


@functools.lru_cache(maxsize=8)
def catalog(font_dirs: tuple[str, ...] = (), env: str | None = None, system: bool = True) -> Catalog:
    """Return the faces found in `font_dirs`, `env` (a path list) and, if `system`, the system."""
    cat = Catalog()
    env_dirs = [d for d in (env or "").split(os.pathsep) if d]
    for source, dirs in (("--font-dir", font_dirs), (ENV_VAR, env_dirs)):
        for d in dirs:
            faces = _scan_dir(Path(d).expanduser(), source)
            cat.faces.extend(faces)
            cat.searched.append(f"{source} {d} ({len(faces)} faces)")
    if not system:
        return cat
    out = _fontconfig(["fc-list", "--format", _FC_FORMAT])
    if out is not None:
        faces = _fc_faces(out, "fontconfig")
        cat.faces.extend(faces)
        cat.fontconfig = True
        cat.searched.append(f"fontconfig `fc-list` ({len(faces)} faces)")
    else:
        for d in system_font_dirs():
            faces = _scan_dir(d, "system folder")
            cat.faces.extend(faces)
            cat.searched.append(f"{d} ({len(faces)} faces)")
    return cat


def fontconfig_choice(cat: Catalog) -> Face | None:
    """Return fontconfig's own pick for Simplified Chinese (`fc-match :lang=zh-cn`), if any."""
    if not cat.fontconfig:
        return None
    out = _fontconfig(["fc-match", "--format", _FC_FORMAT, ":lang=zh-cn"])
    faces = _fc_faces(out or "", "fc-match :lang=zh-cn")
    return faces[0] if faces else None


# --- resolving roles and loading faces into reportlab ----------------------------------------


@functools.lru_cache(maxsize=64)
def _load(path: str, index: int) -> tuple[str | None, frozenset[int] | str]:
    """Register a face with reportlab once per process: (font name, cmap) or (None, reason)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = f"{Path(path).stem}-{index}-{hashlib.sha1(path.encode('utf-8', 'replace')).hexdigest()[:8]}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, struct.error, ValueError, KeyError, IndexError) as exc:
        reason = str(exc)
        return None, CFF_REASON if "postscript outlines" in reason.lower() else reason
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


@dataclass
class Role:
    """One font role: its candidates, the faces found for them (in order) and what was skipped."""

    key: str
    candidates: tuple[str, ...]
    found: list[tuple[str, Face]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    loaded: list[tuple[str, Face, str, frozenset[int]]] = field(default_factory=list)
    _next: int = 0

    def usable(self, upto: int | None = None) -> list[tuple[str, Face, str, frozenset[int]]]:
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


class FontSet:
    """The resolved fonts of a style: `font(role)`, `runs(text, role)`, `describe()`."""

    def __init__(self, roles: dict[str, Role], cat: Catalog):
        self.roles = roles
        self.catalog = cat
        self._fallback: dict[tuple[str, str], str | None] = {}

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
        first = self.font(key)
        cmap = self.roles[key].loaded[0][3]
        latin = self.roles.get(key + ":latin")
        latin_font = latin.usable(1) if latin else []
        runs: list[tuple[str, str]] = []
        missing: list[str] = []
        for ch in text:
            o = ord(ch)
            if latin_font and o < 128 and o in latin_font[0][3]:
                name = latin_font[0][2]
            elif o in cmap or ch.isspace():
                name = first
            else:
                name = self._find(key, ch) or first
                if name == first and ch not in missing:
                    missing.append(ch)
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + ch)
            else:
                runs.append((name, ch))
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
