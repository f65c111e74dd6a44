"""Every private reportlab name `pipeline/bulletin/render/rlinternals.py` uses is still there and means what
that module says: these tests fail when a reportlab release changes one (the version is pinned)."""

from __future__ import annotations

import inspect
import io

import pytest
import reportlab
from bulletin.render import rlinternals
from bulletin.render.linebreak import REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.lib import rl_accel
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import paragraph
from reportlab.platypus.paragraph import Paragraph


@pytest.fixture(scope="module")
def body_font() -> str:
    from bulletin.errors import FontError
    from bulletin.fonts import resolve_fonts

    try:
        return resolve_fonts({"song": ["AR PL UMing CN", "WenQuanYi Zen Hei"]}).font("song")
    except FontError as exc:
        pytest.skip(f"no Chinese TrueType font installed: {exc}")


def test_the_pinned_version():
    assert reportlab.Version == REPORTLAB_VERSION


def test_module_settings_are_module_attributes():
    assert rl_config.useA85 in (0, 1, True, False)
    assert callable(pdfdoc.PDFZCompress.encode) and callable(pdfdoc.pdfdocEnc)
    # TTFont builds its face through the module's name, so `loading_faces` can put ours there
    assert "TTFontFace(" in inspect.getsource(ttfonts.TTFont.__init__)


def test_text_object_state(body_font):
    canvas = Canvas(io.BytesIO())
    assert canvas._doc is not None and callable(Canvas._escape)
    tx = canvas.beginText()
    tx.setFont(body_font, 12)
    tx.setTextOrigin(10, 20)
    tx.setCharSpace(0.5)
    assert tx._canvas is canvas and isinstance(tx._code, list)
    assert (tx._x0, tx._x, tx._y0, tx._y, tx._charSpace) == (10, 10, 20, 20, 0.5)
    assert tx._leading == 12 * 1.2
    assert any("Tm" in c for c in tx._code) and any("Tc" in c for c in tx._code)
    assert isinstance(rl_accel._py_funcs, list | set | tuple | dict)


def test_subset_assignments(body_font):
    font = pdfmetrics.getFont(body_font)
    assert font._dynamicFont
    canvas = Canvas(io.BytesIO())
    pieces = font.splitString("中文", canvas._doc)
    codes = font.state[canvas._doc].assignments
    assert {ord("中"), ord("文")} <= set(codes)
    assert pieces[0][0] == codes[ord("中")] >> 8
    assert font.getSubsetInternalName(0, canvas._doc).startswith("/")


def test_paragraph_hooks():
    # the split asks the hook for the function that cuts the broken lines
    assert "_get_split_blParaFunc" in inspect.getsource(Paragraph.split)
    assert callable(Paragraph._get_split_blParaFunc)
    assert list(inspect.signature(paragraph._handleBulletWidth).parameters) == ["bulletText", "style", "maxWidths"]
    assert rlinternals.handle_bullet_width is paragraph._handleBulletWidth
    source = inspect.getsource(paragraph)
    # reportlab's split marks its parts with these, and its drawing reads them
    assert f"{rlinternals.JUSTIFY_LAST}" in inspect.getsource(Paragraph.split)
    assert f"{rlinternals.JUSTIFY_LAST}" in inspect.getsource(Paragraph.drawPara)
    assert source.count(rlinternals.SPLIT_PART) >= 2


def test_the_hook_is_ours_when_asked():
    class Lines(rlinternals.ParagraphHooks):
        def split_lines_function(self):
            return "ours"

    assert Lines("x")._get_split_blParaFunc() == "ours"
    stock = rlinternals.ParagraphHooks("x")
    stock.wrap(100, 100)
    plain = Paragraph("x")
    plain.wrap(100, 100)
    assert stock._get_split_blParaFunc() == plain._get_split_blParaFunc()


def test_face_internals_the_cached_face_sets(body_font):
    path = pdfmetrics.getFont(body_font).face.filename
    face = ttfonts.TTFontFace(path, subfontIndex=0)  # reportlab's own: readFile + extractInfo
    assert isinstance(face._ttf_data, bytes) and isinstance(face._pos, int)
    assert callable(face._pdfScale) and callable(face.get_table_pos)
    for method in ("readFile", "extractInfo", "get_table"):  # what the cached face overrides
        assert callable(getattr(ttfonts.TTFontFace, method)), method
