"""What a PDF page draws, read back from its content stream: runs of text with their origin, and
the straight lines stroked (with their width), in page coordinates (pt, origin bottom left)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ContentStream


def drawn_lines(data: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, (x, y, text) of each drawn run of text at one origin."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        out: list[list] = []

        def visit(text, cm, tm, _font, _size, out=out):
            if not text.strip():
                return
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if out and abs(out[-1][0] - x) < 0.01 and abs(out[-1][1] - y) < 0.01:
                out[-1][2] += text
            else:
                out.append([x, y, text])

        page.extract_text(visitor_text=visit)
        pages.append([(x, y, re.sub(r"\s+", "", t)) for x, y, t in out])
    return pages


def strokes(data: bytes) -> list[list[tuple[float, float, float, float, float]]]:
    """Per page, (x0, y0, x1, y1, width) of each straight line stroked (`m … l … S`), with the
    `cm` transforms of the graphics state applied (translations and scales only)."""
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        out = []
        ctm, width, stack, path = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 1.0, [], []

        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append((ctm, width))
            elif op == b"Q":
                ctm, width = stack.pop()
            elif op == b"cm":
                a, b, c, d, e, f = (float(v) for v in operands)
                A, B, C, D, E, F = ctm
                ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
            elif op == b"w":
                width = float(operands[0]) * abs(ctm[3])
            elif op == b"m":
                path = [_at(ctm, float(operands[0]), float(operands[1]))]
            elif op == b"l" and path:
                path.append(_at(ctm, float(operands[0]), float(operands[1])))
            elif op in (b"S", b"s") and len(path) >= 2:
                out += [(*path[k], *path[k + 1], width) for k in range(len(path) - 1)]
                path = []
            elif op in (b"n", b"f", b"B", b"b", b"re"):
                path = []
        pages.append(out)
    return pages


def _at(ctm: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f
