"""The GB/T 9704 elements around a notice (issue: every element of the standard): 份号, 密级,
紧急程度 and 签发人 in the 版头, 附注, attachments printed in full (annex), the 版记 (record); the
letter and order formats. The reader in text and HTML, and where both renderers put them."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from bulletin import api
from bulletin.model import Annex, Document, Note, Record, Signature
from bulletin.parse.elements import field_line
from bulletin.render import layout
from bulletin.render.docx import render_docx
from bulletin.render.pdf import render_pdf
from bulletin.style import load_style
from pdfdraw import drawn_lines, strokes

STYLE = load_style()
NOTICE = ("关于做好某项工作的通知\n各县（市、区）人民政府：\n现将有关事项通知如下，请认真贯彻执行。\n"
          "浙江省某某局\n2021年2月7日\n")


def load(text: str, name: str = "input.txt") -> Document:
    return api.load(text.encode("utf-8"), name=name)


def the(doc: Document, kind: type):
    found = [b for b in doc.body if isinstance(b, kind)]
    assert len(found) == 1, [b.type for b in doc.body]
    return found[0]


# --- the 版头's fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "want"), [
    ("000123", [("copy_number", "000123")]),
    ("份号：000018", [("copy_number", "000018")]),
    ("份号 12", [("copy_number", "12")]),
    ("机密★1年", [("classification", "机密★1年")]),
    ("机 密★6个月", [("classification", "机密★6个月")]),
    ("绝密☆长期", [("classification", "绝密★长期")]),
    ("密级：秘密", [("classification", "秘密")]),
    ("特急", [("urgency", "特急")]),
    ("特　急", [("urgency", "特急")]),
    ("紧急程度：加急", [("urgency", "加急")]),
    ("000123　机密★1年　特急", [("copy_number", "000123"), ("classification", "机密★1年"), ("urgency", "特急")]),
    ("签发人：张三", [("signer", "张三")]),
    ("签 发 人: 张三 李四", [("signer", "张三"), ("signer", "李四")]),
    ("浙政〔2021〕3号　　签发人：王五", [("doc_number", "浙政〔2021〕3号"), ("signer", "王五")]),
])
def test_head_field_lines(line, want):
    assert field_line(line) == want


@pytest.mark.parametrize("line", ["12345", "1234567", "机密文件管理办法", "特急件处理", "签发人：请于3月前报送。",
                                  "首页 新闻 政务", "关于特急物资调拨的通知"])
def test_lines_that_are_no_head_fields(line):
    assert field_line(line) is None


def test_names_under_a_signer_line_go_on_the_list_with_the_number_on_the_last_line():
    assert field_line("张强", "签发人：陈明　李华") == [("signer", "张强")]
    assert field_line("临政〔2021〕33号　　张强", "签发人：陈明　李华") == [("doc_number", "临政〔2021〕33号"),
                                                                      ("signer", "张强")]
    assert field_line("首页 新闻 政务", "某某网站") is None  # names only under a 签发人 line


def test_head_fields_in_meta_and_the_issuer_over_a_signer_line():
    doc = load("份号：000018\n机 密★6个月\n紧急程度：加急\n临海市人民政府文件\n签发人：陈明　李华\n"
               "临政〔2021〕33号　　　　张强\n临海市人民政府关于某事项的请示\n台州市人民政府：\n"
               "现将有关事项请示如下。\n临海市人民政府\n2021年5月6日\n")
    m = doc.meta
    assert (m.copy_number, m.classification, m.urgency) == ("000018", "机密★6个月", "加急")
    assert m.signers == ["陈明", "李华", "张强"] and m.doc_number == "临政〔2021〕33号"
    assert m.issuer == "临海市人民政府文件" and m.title == "临海市人民政府关于某事项的请示"


def test_a_notice_without_head_fields_has_none():
    m = load(NOTICE).meta
    assert (m.copy_number, m.classification, m.urgency, m.signers) == (None, None, None, [])


# --- the 版记 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tail", "cc", "printer", "printed"), [
    ("抄送：省委办公厅，省人大常委会办公厅。\n浙江省某某局办公室　　2021年2月7日印发\n",
     ["省委办公厅", "省人大常委会办公厅"], "浙江省某某局办公室", "2021-02-07"),
    ("抄 送:市委办公室，市政府办公室，\n市政协办公室。\n——————\n某某局办公室\n2021年4月9日印发\n",
     ["市委办公室", "市政府办公室", "市政协办公室"], "某某局办公室", "2021-04-09"),
    ("2021年2月7日印发　　浙江省某某局办公室\n", [], "浙江省某某局办公室", "2021-02-07"),
    ("印发机关：某某县人民政府办公室　印发日期：2021年3月1日\n", [], "某某县人民政府办公室", "2021-03-01"),
    ("抄送：各市、县（市、区）人民政府；省级有关部门。\n二〇二一年二月七日印发\n",
     ["各市、县（市、区）人民政府", "省级有关部门"], None, "2021-02-07"),
    ("抄报：省政府办公厅。\n", ["省政府办公厅"], None, None),
])
def test_record_variants(tail, cc, printer, printed):
    doc = load(NOTICE + tail)
    rec = doc.body[-1]
    assert isinstance(rec, Record), [b.type for b in doc.body]
    assert (rec.cc, rec.printer, rec.printed) == (cc, printer, printed)
    assert isinstance(doc.body[-2], Signature)  # nothing of it is left as text


def test_a_sentence_with_a_date_and_yinfa_is_no_record():
    doc = load(NOTICE.replace("2021年2月7日\n", "2021年2月7日\n") + "2021年2月7日，省政府印发了《实施方案》。\n")
    assert not any(isinstance(b, Record) for b in doc.body)


def test_the_record_printed_before_the_annexes_moves_last_and_the_note_stays_a_note():
    doc = load(NOTICE + "（此件公开发布）\n抄送：市委办公室。\n某某局办公室 2021年2月7日印发\n附件\n某某工作方案\n"
                        "一、目标\n全面完成任务。\n")
    assert [b.type for b in doc.body][-4:] == ["signature", "note", "annex", "record"]
    assert the(doc, Note).text == "此件公开发布" and the(doc, Record).cc == ["市委办公室"]


# --- annexes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label_lines", "label", "title"), [
    ("附件\n某某工作方案\n", "附件", "某某工作方案"),
    ("附件1\n某某工作方案\n", "附件1", "某某工作方案"),
    ("附件 2：\n某某工作方案\n", "附件2", "某某工作方案"),
    ("附件一\n某某工作方案\n", "附件一", "某某工作方案"),
    ("附件1：某某工作方案\n", "附件1", "某某工作方案"),
    ("附件1\n台州市2021年农村供水保障\n工作方案\n", "附件1", "台州市2021年农村供水保障工作方案"),
])
def test_annex_labels_and_titles(label_lines, label, title):
    doc = load(NOTICE + label_lines + "一、总体目标\n全面完成年度任务。\n")
    annex = the(doc, Annex)
    assert (annex.label, annex.title) == (label, title)
    assert [b.type for b in annex.body] == ["heading", "paragraph"]


def test_two_annexes_with_a_table_and_page_text_after_them():
    doc = load(NOTICE + "附件1\n任务分配表\n序号\t地区\t任务数\n1\t杭州市\t120\n2\t宁波市\t100\n"
                        "附件2\n工作方案\n一、目标\n全面完成。\n")
    a1, a2 = [b for b in doc.body if isinstance(b, Annex)]
    assert (a1.label, a1.title, [b.type for b in a1.body]) == ("附件1", "任务分配表", ["table"])
    assert (a2.label, a2.title) == ("附件2", "工作方案")
    assert doc.tables() == [a1.body[0]]  # tables in annexes count as the document's


def test_no_annex_before_the_notice_is_closed():
    """A `附件1` caption over a table in a report (no signature, no 附件说明 before it) stays."""
    doc = load("某某局重点工作进展情况\n附件1\n重点工作进展表\n序号\t项目名称\t进展\n1\t项目甲\t已完成。\n")
    assert not any(isinstance(b, Annex) for b in doc.body)


def test_attachment_lines_before_the_signature_are_the_list_not_annexes():
    doc = load("关于公示某名单的公告\n现将名单予以公示。\n附件1：甲名单\n附件2：乙名单\n某某厅\n2024年11月22日\n")
    assert not any(isinstance(b, Annex) for b in doc.body)
    assert any(isinstance(b, Signature) for b in doc.body)


# --- the same in HTML ----------------------------------------------------------------------------


def test_the_record_in_a_layout_table_of_an_html_page():
    page = ("<html><head><meta charset='utf-8'><title>关于做好某项工作的通知</title></head><body>"
            "<h1>关于做好某项工作的通知</h1><p>各县（市、区）人民政府：</p><p>现将有关事项通知如下，请认真贯彻执行。</p>"
            "<p>浙江省某某局</p><p>2021年2月7日</p><table><tr><td colspan='2'>抄送：省委办公厅，省政府办公厅。"
            "</td></tr><tr><td>浙江省某某局办公室</td><td>2021年2月7日印发</td></tr></table></body></html>")
    rec = load(page, "page.html").body[-1]
    assert isinstance(rec, Record)
    assert (rec.cc, rec.printer, rec.printed) == (["省委办公厅", "省政府办公厅"], "浙江省某某局办公室", "2021-02-07")


# --- the PDF: where each element stands ----------------------------------------------------------

FULL = ("000123\n机密★1年\n特急\n浙江省某某局文件\n浙某〔2021〕12号　　签发人：张三　李四\n关于开展某项检查的通知\n"
        "各市、县（市、区）某某局：\n为做好检查工作，现将有关事项通知如下。\n附件：1.任务分配表\n2.工作方案\n浙江省某某局\n"
        "2021年2月7日\n（此件公开发布）\n附件1\n任务分配表\n序号\t地区\t任务数\n1\t杭州市\t120\n附件2\n工作方案\n"
        "一、工作目标\n确保检查覆盖全部类别。\n抄送：省委办公厅，省政府办公厅。\n"
        "浙江省某某局办公室　2021年2月7日印发\n")


@pytest.fixture(scope="module")
def full_pdf() -> tuple[Document, bytes]:
    doc = load(FULL)
    return doc, render_pdf(doc, STYLE)


def _page_numbers(page) -> list[str]:
    return [t for _x, _y, t in page if re.fullmatch(r"—\d+—", t)]


def test_pdf_head_fields_top_left_and_the_signers_on_the_number_line(full_pdf):
    _doc, data = full_pdf
    page = drawn_lines(data)[0]
    left, top = STYLE.page.margin_left.pt, STYLE.page.height.pt - STYLE.page.margin_top.pt
    pitch = STYLE.role("body").line_pitch.pt
    at = {t: (x, y) for x, y, t in page}
    for n, text in enumerate(["000123", "机密★1年", "特急"]):  # lines 1, 2, 3 of the type area, flush left
        x, y = at[text]
        assert abs(x - left) < 0.5 and top - (n + 1) * pitch < y < top - n * pitch, text
    (nx, ny), (lx, ly), (sx, sy) = at["浙某〔2021〕12号"], at["签发人："], at["张三李四"]  # (spaces taken out)
    char = STYLE.role("body").size.pt + STYLE.tracking("body").pt
    assert abs(nx - (left + char)) < 0.5  # one character in from the left
    assert abs(ny - ly) < 0.5 and abs(ly - sy) < 0.5 and nx < lx < sx  # one line: number, label, names
    names_end = sx + 5 * STYLE.role("signer_names").size.pt  # 张三　李四: five characters
    assert abs(left + STYLE.page.type_width.pt - char - names_end) < 3  # they end one character in


def test_pdf_annexes_on_new_pages_label_first_line_title_third(full_pdf):
    _doc, data = full_pdf
    pages = drawn_lines(data)
    top, pitch = STYLE.page.height.pt - STYLE.page.margin_top.pt, STYLE.role("body").line_pitch.pt
    left = STYLE.page.margin_left.pt
    for label, title in (("附件1", "任务分配表"), ("附件2", "工作方案")):
        k = next(i for i, p in enumerate(pages) if any(t == label for *_, t in p))
        first = min(pages[k], key=lambda r: -r[1])  # the page's first line
        assert first[2] == label and abs(first[0] - left) < 0.5 and top - pitch < first[1] < top
        tx, ty = next((x, y) for x, y, t in pages[k] if t == title)
        assert top - 3 * pitch < ty < top - 2 * pitch  # the third line
        width = len(title) * STYLE.role("annex_title").size.pt
        assert abs(tx + width / 2 - (left + STYLE.page.type_width.pt / 2)) < 2  # centred
    numbers = [_page_numbers(p) for p in pages]
    assert numbers[:3] == [["—1—"], ["—2—"], ["—3—"]]  # page numbers go on through the annexes


def test_pdf_record_at_the_foot_of_an_even_last_page_without_page_number(full_pdf):
    _doc, data = full_pdf
    pages, lines = drawn_lines(data), strokes(data)
    last = len(pages)
    assert last % 2 == 0
    assert _page_numbers(pages[-1]) == []
    bottom, left, width = STYLE.page.margin_bottom.pt, STYLE.page.margin_left.pt, STYLE.page.type_width.pt
    rules = sorted((y0, w) for x0, y0, x1, y1, w in lines[-1] if abs(y0 - y1) < 0.01 and abs(x1 - x0 - width) < 0.5
                   and abs(x0 - left) < 0.5)
    assert len(rules) == 3
    (y_last, w_last), (_y_mid, w_mid), (_y_first, w_first) = rules
    assert abs(y_last - bottom) < 0.01  # the last rule on the type area's bottom edge
    mm = 72 / 25.4
    assert abs(w_last - 0.35 * mm) < 0.01 and abs(w_first - 0.35 * mm) < 0.01 and abs(w_mid - 0.25 * mm) < 0.01
    texts = {t: (x, y) for x, y, t in pages[-1]}
    cc_x, cc_y = texts["抄送：省委办公厅，省政府办公厅。"]
    pr_x, pr_y = texts["浙江省某某局办公室"]
    char = STYLE.role("record").size.pt
    assert abs(cc_x - (left + char)) < 0.5 and abs(pr_x - (left + char)) < 0.5  # one character in
    assert bottom < pr_y < cc_y < bottom + 3 * STYLE.role("record").line_pitch.pt
    dx, dy = texts["2021年2月7日印发"]
    assert abs(dy - pr_y) < 0.01 and dx > left + width / 2  # the date on the same line, right


@pytest.mark.parametrize("filler", [0, 4, 8, 14, 19])
def test_pdf_record_inserts_a_blank_unnumbered_page_when_the_last_even_page_is_full(filler):
    """However far the text runs, the 版记 lands on an even page; a blank page before it, when
    there is one, carries no page number, nor any text."""
    body = "".join(f"第{n}段，这一段文字用来把正文推到后面的页上，看版记落在哪一页上。\n" for n in range(filler * 3))
    doc = load(NOTICE.replace("现将有关事项通知如下，请认真贯彻执行。\n", body + "现将有关事项通知如下。\n")
               + "抄送：省委办公厅。\n某某局办公室　2021年2月7日印发\n")
    pages = drawn_lines(render_pdf(doc, STYLE))
    assert len(pages) % 2 == 0 and _page_numbers(pages[-1]) == []
    assert any(t.startswith("抄送") for *_, t in pages[-1])
    for page in pages[:-1]:
        assert page and (_page_numbers(page) or not [t for *_, t in page])  # numbered, or blank and unnumbered


# --- the .docx ------------------------------------------------------------------------------------


def _xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def test_docx_record_is_the_footer_of_an_even_page_section_without_page_number(full_pdf):
    doc, _ = full_pdf
    parts = _xml(render_docx(doc, STYLE))
    body = parts["word/document.xml"]
    sects = re.findall(r"<w:sectPr>.*?</w:sectPr>", body)
    assert len(sects) == 2 and '<w:type w:val="evenPage"/>' in sects[1]
    refs = re.findall(r'r:id="(rId\d+)"', sects[1])
    rels = parts["word/_rels/document.xml.rels"]
    footers = [re.search(rf'Id="{r}"[^>]*Target="([^"]+)"', rels)[1] for r in refs]
    assert len(footers) == 2 and not set(re.findall(r'r:id="(rId\d+)"', sects[0])) & set(refs)
    for name in footers:
        xml = parts[f"word/{name}"]
        assert "PAGE" not in xml and "抄送：省委办公厅，省政府办公厅。" in xml and "浙江省某某局办公室" in xml
        assert xml.count('w:sz="8"') == 2 and xml.count('w:sz="6"') == 1  # 0.35 mm twice, 0.25 mm once
    footer = re.search(r'w:footer="(\d+)"', sects[1])[1]
    assert int(footer) == STYLE.page.margin_bottom.twips  # its foot on the type area's bottom edge


def test_docx_annex_starts_a_page_and_head_fields_have_their_roles(full_pdf):
    doc, _ = full_pdf
    body = _xml(render_docx(doc, STYLE))["word/document.xml"]
    assert re.search(r'<w:pStyle w:val="AnnexLabel"/>(?:<[^>]+>)*?<w:pageBreakBefore/>.*?附件1', body)
    assert re.search(r'<w:pStyle w:val="CopyNumber"/>.*?000123', body)
    assert re.search(r'<w:pStyle w:val="Classification"/>.*?机密★1年', body)
    assert re.search(r'<w:tab/>.*?签发人：.*?张三\u3000李四', body)


# --- the formats of chapter 10 --------------------------------------------------------------------

LETTER = ("浙江省某某局\n浙某函〔2021〕5号\n关于征求某条例意见的函\n省发展改革委：\n现将条例草案送上，请提出意见。\n"
          "浙江省某某局\n2021年3月1日\n抄送：省司法厅。\n")
ORDER = "浙江省人民政府令\n第390号\n《某某办法》已经省人民政府常务会议审议通过，现予公布。\n省长　王浩\n2022年1月20日\n"


def test_the_format_is_chosen_from_the_document():
    assert layout.document_format(load(LETTER).meta) == "letter"
    assert layout.document_format(load(ORDER).meta) == "order"
    assert layout.document_format(load(NOTICE).meta) == "document"
    assert layout.document_format(load(FULL).meta) == "document"


def test_letter_format_pdf():
    doc = load(LETTER)
    data = api.render(doc, ["pdf"]).outputs["pdf"]  # no style given: the letter format is chosen
    pages, lines = drawn_lines(data), strokes(data)
    assert _page_numbers(pages[0]) == []  # [std 10.1] no page number on page 1
    style = load_style("letter")
    mm, h = 72 / 25.4, style.page.height.pt
    red = [(y0, x1 - x0) for x0, y0, x1, y1, _w in lines[0] if abs(y0 - y1) < 0.01]
    assert sum(abs(length - 170 * mm) < 0.5 for _y, length in red) == 4  # two double lines, 170 mm
    assert min(y for y, _ in red) > 20 * mm - 0.01 and min(y for y, _ in red) < 20 * mm + 2 * mm
    mark = max(((x, y) for x, y, t in pages[0] if t == "浙江省某某局"), key=lambda m: m[1])  # over the 署名
    assert abs(h - mark[1] - 30 * mm - 0.88 * style.role("issuer").size.pt) < 0.5  # its top 30 mm down
    number = next((x, y) for x, y, t in pages[0] if t == "浙某函〔2021〕5号")
    right = style.page.margin_left.pt + style.page.type_width.pt
    # flush right under the line: six ideographs and five half-width digits
    assert abs(number[0] + 8.5 * style.role("doc_number").size.pt - right) < 4
    last = pages[-1]
    assert any(t == "抄送：省司法厅。" for *_, t in last) and not any("印发" in t for *_, t in last)
    assert not [w for *_, w in lines[-1]]  # the letter's 版记 has no rules


def test_order_format_pdf():
    doc = load(ORDER)
    assert doc.meta.title == "浙江省人民政府令第390号" and doc.meta.issuer == "浙江省人民政府令"
    data = api.render(doc, ["pdf"]).outputs["pdf"]
    style = load_style("order")
    page, lines = drawn_lines(data)[0], strokes(data)[0]
    top = style.page.height.pt - style.page.margin_top.pt
    mark = next(y for _x, y, t in page if t == "浙江省人民政府令")
    number = next(y for _x, y, t in page if t == "第390号")
    assert top - 20 * 72 / 25.4 - style.role("issuer").line_pitch.pt < mark < top - 20 * 72 / 25.4
    assert mark - number > 2 * style.role("body").line_pitch.pt  # two blank lines between
    assert not lines  # no red rule
    assert not any(t == doc.meta.title for *_, t in page)  # no title of its own
    assert any(t == "省长王浩" for *_, t in page)  # one line (spaces taken out)


def test_letter_format_docx_has_its_own_first_page_header_and_footer():
    parts = _xml(api.render(load(LETTER), ["docx"]).outputs["docx"])
    body = parts["word/document.xml"]
    assert "<w:titlePg/>" in body
    headers = [x for n, x in parts.items() if n.startswith("word/header")]
    assert len(headers) == 1 and "浙江省某某局" in headers[0] and headers[0].count("<v:line") == 2
    first_footer = next(x for n, x in parts.items() if n.startswith("word/footer") and "<v:line" in x)
    assert "PAGE" not in first_footer


def test_styles_by_name_and_a_missing_one():
    assert load_style("letter").format == "letter" and load_style("order").format == "order"
    with pytest.raises(Exception, match="not found"):
        load_style("no-such-style.toml")


# --- any mix of them --------------------------------------------------------------------------------

_HEAD = ["000123", "份号：12", "机密★1年", "秘 密", "特急", "紧急程度：加急", "签发人：张三", "签发人：张三　李四"]
_TAIL = ["（此件公开发布）", "（联系人：王五，电话：0571-88888888）", "——————", "抄送：省委办公厅，省政府办公厅。",
         "抄 送:市委办、市政府办", "省政协办公室。", "某某局办公室　2021年2月7日印发", "2021年2月7日印发",
         "某某局办公室", "附件1", "附件2：某某方案", "某某工作方案", "一、目标", "全面完成任务。", "序号\t地区\t数量",
         "1\t杭州\t3"]


@pytest.mark.parametrize("seed", range(12))
def test_any_mix_of_the_elements_converts_with_the_record_last(seed):
    import random

    rnd = random.Random(seed)
    head = rnd.sample(_HEAD, rnd.randint(0, 4))
    tail = [rnd.choice(_TAIL) for _ in range(rnd.randint(1, 10))]
    text = "\n".join([*head, "浙江省某某局文件", "浙某〔2021〕3号", *NOTICE.strip().split("\n"), *tail]) + "\n"
    doc = load(text)
    records = [i for i, b in enumerate(doc.body) if isinstance(b, Record)]
    assert records in ([], [len(doc.body) - 1])
    assert Document.from_json(doc.to_json()).to_json() == doc.to_json()
    out = api.render(doc, ["pdf", "docx"]).outputs
    pages = drawn_lines(out["pdf"])
    if records:
        assert len(pages) % 2 == 0 and _page_numbers(pages[-1]) == []
    with zipfile.ZipFile(io.BytesIO(out["docx"])) as z:
        assert z.testzip() is None
