"""Font files on this machine: their faces and names, and where to look for them.

Reads only a file's table directory and name table (no full parse), so thousands of fonts are
listed quickly. Sources, in order: folders given by the caller (`--font-dir`), the folders in
`BULLETIN_FONT_PATH`, then fontconfig (`fc-list`) when installed, else the Windows, macOS and
Linux font folders.
"""

from __future__ import annotations

import functools
import os
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

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
    _index: dict[str, list[Face]] | None = None

    def lookup(self, name: str) -> list[Face]:
        """Faces with this family, full or PostScript name (case and spaces ignored): the caller's
        folders first, then the environment's, then the system's; regular styles first."""
        if self._index is None:
            self._index = {}
            for face in self.faces:
                for key in {_key(n) for n in face.names}:
                    self._index.setdefault(key, []).append(face)
        order = {"--font-dir": 0, ENV_VAR: 1}
        found = self._index.get(_key(name), [])
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
