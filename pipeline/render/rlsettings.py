"""reportlab, set up for our documents only: what the PDF renderer changes in reportlab's modules
for a render, changed for the render and put back after it.

reportlab reads these as module attributes, with no option per document, so a render sets them
and restores them (`our_documents()`, re-entrant and thread-safe: the first render in sets them,
the last one out puts back what was there). Outside a render, reportlab is stock.

- `rl_config.useA85 = 0`: binary (Flate only) streams, smaller and faster to write than ASCII85.
- `pdfdoc.PDFZCompress.encode`: every stream (pages, font subsets, ToUnicode maps) goes through
  this one filter object; zlib-ng deflates at zlib's level 6 in ~60 % of the time, to the same
  size (valid Flate, the same bytes on every run). The font subsets were a fifth of a render.
- `pdfdoc.pdfdocEnc`: writes every number and name of the file through a charmap codec run in
  Python; printable ASCII is the same bytes in PDFDocEncoding, encoded in C here.
- the cyclic garbage collector is off: a render allocates some 10^5 short-lived objects and leaves
  under a thousand in cycles; collecting during it costs ~10 % of the time and frees next to nothing.
- `ttfonts.TTFontFace` (`loading_faces`): `TTFont.__init__` builds its face from this module name,
  so a face class of ours (a cached, memory-mapped font parse) is put there while one font loads.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import zlib
from collections.abc import Iterator

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts

try:
    from zlib_ng import zlib_ng
except ImportError:  # pragma: no cover - a platform without its wheel: the standard zlib
    zlib_ng = None

_deflate = (zlib_ng or zlib).compress
_stock_pdfdoc_enc = pdfdoc.pdfdocEnc


def _flate(data: bytes | str) -> bytes:
    return _deflate(data.encode("utf8") if isinstance(data, str) else data, 6)


def _pdfdoc(x):
    if isinstance(x, str) and x.isascii() and x.isprintable():
        return x.encode("ascii")
    return _stock_pdfdoc_enc(x)


_lock = threading.RLock()
_depth = 0
_saved: dict = {}


@contextlib.contextmanager
def our_documents() -> Iterator[None]:
    """reportlab set up as the module's doc says, for the renders inside this block."""
    global _depth
    with _lock:
        if _depth == 0:
            _saved.update(useA85=rl_config.useA85, encode=pdfdoc.PDFZCompress.__dict__.get("encode"),
                          pdfdocEnc=pdfdoc.pdfdocEnc, gc=gc.isenabled())
            rl_config.useA85 = 0
            pdfdoc.PDFZCompress.encode = _flate  # the instance's attribute, over its class's method
            pdfdoc.pdfdocEnc = _pdfdoc
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                rl_config.useA85 = _saved["useA85"]
                if _saved["encode"] is None:
                    del pdfdoc.PDFZCompress.encode
                else:
                    pdfdoc.PDFZCompress.encode = _saved["encode"]
                pdfdoc.pdfdocEnc = _saved["pdfdocEnc"]
                if _saved["gc"]:
                    gc.enable()


@contextlib.contextmanager
def loading_faces(face_class) -> Iterator[None]:
    """`ttfonts.TTFontFace` is `face_class` while the block loads a font (one font at a time)."""
    with _lock:
        stock = ttfonts.TTFontFace
        ttfonts.TTFontFace = face_class
        try:
            yield
        finally:
            ttfonts.TTFontFace = stock
