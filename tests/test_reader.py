"""The reader's choices on pages it was never tuned to, one failure class at a time (issue 11).

Each input is small and made for the class it tests; the real pages are in tests/corpus/.
"""

from __future__ import annotations

import pytest
from bulletin import api
from bulletin.model import Addressee, Attachments, Heading, ItemRow, Paragraph, SectionRow, Signature, Table
from bulletin.parse.header import find_date, iso_date


def load(text: str, name: str = "page.txt"):
    return api.load(text.encode("utf-8"), name=name)


def blocks(doc, kind):
    return [b for b in doc.body if isinstance(b, kind)]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("printed, iso", [
    ("20171011", "2017-10-11"),
    ("2023/5/6", "2023-05-06"),
    ("2023.05.06", "2023-05-06"),
    ("2023-05-06 14:52", "2023-05-06T14:52:00+08:00"),
    ("2023年5月6日9时5分", "2023-05-06T09:05:00+08:00"),
    ("二〇一五年五月八日", "2015-05-08"),
    ("二零一五年五月八日", "2015-05-08"),
    ("二O一一年十二月三十一日", "2011-12-31"),
    ("2020-02-24 00:00:00", "2020-02-24T00:00:00+08:00"),  # a printed time is kept, midnight too
    ("2021-03-2918:26", "2021-03-29T18:26:00+08:00"),  # a time glued to the day
])
def test_date_forms(printed, iso):
    assert iso_date(printed) == iso


def test_eight_digits_inside_a_number_are_no_date():
    assert iso_date("索引号 1134170020171011") is None


def test_an_impossible_date_is_kept_as_printed_with_a_diagnostic_and_renders():
    doc = load("关于开展某项工作的通知\n\n发布日期：2021年2月30日  来源：某市某局\n\n"
               "各单位：\n\n现将有关事项通知如下。\n")
    assert doc.meta.published is None and doc.meta.published_text == "2021年2月30日"
    assert [d.code for d in doc.diagnostics if d.code == "bad-date"] == ["bad-date"]
    assert find_date("2021年2月30日").iso is None
    out = api.convert(b"\xef\xbb\xbf" + "关于开展某项工作的通知\n\n发布日期：2021年2月30日\n\n正文一段。\n".encode(),
                      name="bad.txt", formats=["json", "docx", "pdf"])
    assert all(out.outputs[f] for f in ("json", "docx", "pdf"))


# --- precedence of the header's candidates ---------------------------------------------------------


def test_publication_date_beats_written_date_and_signature_and_losers_are_recorded():
    doc = load("关于做好某项工作的通知\n\n成文日期：2021-06-01\n发布日期：2021-06-03\n生成日期：2021-06-02\n\n"
               "各单位：\n\n请认真贯彻执行。\n\n某市人民政府办公室\n\n2021年6月1日\n")
    assert doc.meta.published == "2021-06-03"
    lost = {c.before.split("：")[0] for c in doc.changes if c.kind == "candidate"}
    assert {"成文日期", "生成日期", "署名日期"} <= lost


def test_without_a_publication_date_the_order_is_open_then_generated_then_written_then_signature():
    head = "关于做好某项工作的通知\n\n"
    tail = "\n各单位：\n\n请认真贯彻执行。\n\n某市人民政府办公室\n\n2021年6月9日\n"
    assert load(head + "成文日期：2021-06-01\n公开日期：2021-06-05\n" + tail).meta.published == "2021-06-05"
    assert load(head + "成文日期：2021-06-01\n生成日期：2021-06-04\n" + tail).meta.published == "2021-06-04"
    assert load(head + "成文日期：2021-06-01\n" + tail).meta.published == "2021-06-01"
    assert load(head + "索引号：123\n" + tail).meta.published == "2021-06-09"


def test_source_falls_back_to_the_issuing_body_and_an_empty_field_takes_no_label_as_value():
    doc = load("关于做好某项工作的通知\n\n文号:\n发文机关：某省某厅\n发布日期：2021-06-03\n\n各单位：\n\n正文。\n")
    assert doc.meta.source == "某省某厅" and doc.meta.doc_number is None
    doc = load("关于做好某项工作的通知\n\n来源：某市某局  发文机关：某省某厅\n\n各单位：\n\n正文。\n")
    assert doc.meta.source == "某市某局"


def test_a_value_on_the_line_below_its_label():
    doc = load("关于做好某项工作的通知\n\n发布机构\n某县人民政府办公室\n发文日期\n2023年09月03日 16:25:00\n文号\n"
               "某政办〔2023〕9号\n\n各乡镇：\n\n正文。\n")
    assert doc.meta.source == "某县人民政府办公室"
    assert doc.meta.published == "2023-09-03T16:25:00+08:00"
    assert doc.meta.doc_number == "某政办〔2023〕9号"
    assert blocks(doc, Addressee)[0].text == "各乡镇："


def test_a_date_after_the_source_and_after_the_title_without_a_label():
    assert load("关于某事的通报\n\n来源：某市某局 2022-03-04\n\n正文。\n").meta.published == "2022-03-04"
    doc = load("区委常委赴区统计局调研指导工作 2023-01-31\n\n1月31日上午，调研组到统计局调研。\n")
    assert doc.meta.title == "区委常委赴区统计局调研指导工作" and doc.meta.published == "2023-01-31"


def test_traditional_labels_keep_their_values_as_printed():
    doc = load("關於某項工作的通知\n\n來源：某某辦公室  發佈日期：2015年5月8日\n\n各單位：\n\n正文內容。\n")
    assert doc.meta.source == "某某辦公室" and doc.meta.published == "2015-05-08"
    assert doc.meta.title == "關於某項工作的通知"


# --- title and chrome -----------------------------------------------------------------------------


def test_the_title_is_never_an_accessibility_bar_or_a_site_banner():
    doc = load("无障碍浏览 | 长者模式 | 简体 | 繁体\n某省人民政府门户网站\n通知公告\n"
               "关于做好2021年度某项工作的通知\n发布时间：2021-03-04 来源：某省某厅\n扫一扫在手机打开当前页\n\n"
               "各市、县人民政府：\n\n现将有关事项通知如下。\n")
    assert doc.meta.title == "关于做好2021年度某项工作的通知"
    assert blocks(doc, Addressee)[0].text == "各市、县人民政府："
    assert not any("扫一扫" in b.text for b in blocks(doc, Paragraph))


def test_the_title_after_a_disclosure_block_and_a_numbered_order_as_title():
    doc = load("索引号：000014349/2018-00206\n主题分类：科技\n发布机构：某部\n成文日期：2018-11-06\n\n"
               "某部令第12号\n\n《某某办法》已经部务会议审议通过，现予公布。\n")
    assert doc.meta.title == "某部令第12号" or doc.meta.doc_number == "某部令第12号"
    doc = load("索引号：000014349/2018-00206\n名称：关于印发某办法的通知\n发布日期：2018-11-06\n\n"
               "政策解读：\n内容概述：现将某办法印发给你们，请认真执行。\n\n关于印发某办法的通知\n\n各单位：\n\n现将办法印发。\n")
    assert doc.meta.title == "关于印发某办法的通知"
    assert blocks(doc, Addressee)[0].text == "各单位："


def test_a_document_number_fused_before_the_title():
    doc = load("某政办发〔2021〕5号关于做好某项工作的通知\n\n各区人民政府：\n\n现将有关事项通知如下。\n")
    assert doc.meta.title == "关于做好某项工作的通知" and doc.meta.doc_number == "某政办发〔2021〕5号"
    assert blocks(doc, Addressee)


def test_chrome_words_inside_a_table_or_the_body_are_content():
    doc = load("某县重点项目进展情况\n\n发布日期：2021-03-04\n\n序号\n\n项目名称\n\n进展\n\n1\n\n版权所有\n\n"
               "浙ICP备12345678号相关系统迁移完成。\n\n2\n\n打印\n\n完成打印设备采购。\n")
    table = blocks(doc, Table)[0]
    cells = [p.text for r in table.rows if isinstance(r, ItemRow) for c in r.cells for p in c.paragraphs]
    assert "版权所有" in cells and "打印" in cells and any("ICP" in c for c in cells)


def test_chrome_at_the_foot_is_set_aside():
    doc = load("关于某事的通知\n\n发布日期：2021-03-04\n\n正文一段。\n\n【打印本页】【关闭窗口】\n分享到：\n")
    assert [b.text for b in blocks(doc, Paragraph)] == ["正文一段。"]


# --- structure --------------------------------------------------------------------------------


def test_regulation_divisions_and_articles():
    doc = load("某市某某管理办法\n\n第一章　总则\n\n第一条　为了规范管理，制定本办法。\n\n"
               "第二条　本办法适用于：\n（一）甲；\n"
               "（二）乙。\n\n第二章　管理\n\n第一节　一般规定\n\n第三条　具体规定如下。\n")
    heads = [(b.level, b.marker, b.text) for b in blocks(doc, Heading)]
    assert heads == [(1, "第一章", "总则"), (1, "第二章", "管理"), (2, "第一节", "一般规定")]
    articles = [b.marker for b in blocks(doc, Paragraph) if b.article]
    assert articles == ["第一条", "第二条", "第三条"]
    items = [b.marker for b in blocks(doc, Paragraph) if b.marker and not b.article]
    assert items == ["（一）", "（二）"]  # items inside an article are no headings


def test_run_in_heading_and_notes_are_no_headings():
    doc = load("关于某事的通报\n\n一、总体目标。本方案旨在提高效率。\n\n注释：\n"
               "1.本公报中数据均为初步统计数，最后以年报核定数据为准。\n")
    assert [(b.level, b.text) for b in blocks(doc, Heading)] == [(1, "总体目标。")]
    assert any(b.run_in for b in blocks(doc, Paragraph))


def test_an_attachment_caption_above_a_table_is_no_attachment_list():
    doc = load("关于某事的通报\n\n各单位：\n\n正文。\n\n附件1：\n\n序号\n\n地区\n\n完成情况\n\n1\n\n甲区\n\n完成。\n")
    assert not blocks(doc, Attachments) and blocks(doc, Table)


def test_attachment_files_are_listed_and_no_signers():
    doc = load("关于某事的通告\n\n正文。\n\n附件：本次检验项目.doc\n部分不合格项目小知识.docx\n\n"
               "某省市场监管局\n\n2020年2月20日\n")
    assert [p.text for p in blocks(doc, Attachments)[0].items] == ["本次检验项目.doc", "部分不合格项目小知识.docx"]
    assert blocks(doc, Signature)[0].signers == ["某省市场监管局"]


# --- tables by shape --------------------------------------------------------------------------------


def test_a_tab_table_whose_first_column_is_no_number():
    doc = load("某县任务清单\n\n类别\t任务\t责任单位\n营商环境\t优化审批\t县政务办\n营商环境\t减税降费\t县税务局\n"
               "民生保障\t扩大就业\t县人社局\n")
    table = blocks(doc, Table)[0]
    assert table.columns == ["类别", "任务", "责任单位"]
    assert [r.number for r in table.rows] == ["营商环境", "营商环境", "民生保障"]


@pytest.mark.parametrize("layout", ["markdown", "closed cells"])
def test_pipe_tables(layout):
    if layout == "markdown":
        rows = "| 序号 | 单位 | 完成情况 |\n|---|---|---|\n| 1 | 甲局 | 已完成。 |\n| 2 | 乙局 | 推进中。 |\n"
    else:
        rows = "序号 |\n单位 |\n完成情况 |\n1 |\n甲局 |\n已完成。 |\n2 |\n乙局 |\n推进中。 |\n"
    doc = load("某县任务完成情况\n\n" + rows)
    table = blocks(doc, Table)[0]
    assert table.columns == ["序号", "单位", "完成情况"]
    assert [[p.text for c in r.cells for p in c.paragraphs] for r in table.rows] == [
        ["1", "甲局", "已完成。"], ["2", "乙局", "推进中。"]]


def test_two_tables_on_one_page_and_a_heading_between_them():
    doc = load("某事公示\n\n一、甲类\n\n序号\t单位\n1\t甲局\n2\t乙局\n\n二、乙类\n\n序号\t单位\n1\t丙局\n2\t丁局\n")
    assert len(blocks(doc, Table)) == 2
    assert [b.marker + b.text for b in blocks(doc, Heading)] == ["一、甲类", "二、乙类"]
    assert not [r for t in blocks(doc, Table) for r in t.rows if isinstance(r, SectionRow)]


def test_a_figures_table_one_cell_a_line():
    doc = load("某县统计公报\n\n全年粮食总产量16.28万吨。\n\n主要产品产量\n\n产品\n\n产量\n\n增长(%)\n\n"
               "粮食\n\n162817吨\n\n"
               "0.5\n\n豆类\n\n26084吨\n\n49.1\n\n结语一段。\n")
    table = blocks(doc, Table)[0]
    assert table.columns == ["产品", "产量", "增长（%）"]  # normalised beside Chinese
    assert [[c.text for c in r.cells] for r in table.rows] == [["粮食", "162817吨", "0.5"], ["豆类", "26084吨", "49.1"]]
    assert blocks(doc, Paragraph)[-1].text == "结语一段。"


def test_html_table_found_by_shape_and_a_category_cell_spanning_rows():
    page = ("<html><body><h1>某县项目清单</h1><p>发布日期：2021-03-04</p><table>"
            "<tr><td>类别</td><td>项目</td><td>单位</td></tr>"
            "<tr><td rowspan='2'>交通</td><td>甲路</td><td>县交通局</td></tr>"
            "<tr><td>乙桥</td><td>县住建局</td></tr>"
            "<tr><td>水利</td><td>丙渠</td><td>县水利局</td></tr></table></body></html>")
    doc = load(page, "page.html")
    table = blocks(doc, Table)[0]
    assert table.columns == ["类别", "项目", "单位"]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["交通", "甲路", "县交通局"], ["交通", "乙桥", "县住建局"], ["水利", "丙渠", "县水利局"]]


def test_html_layout_and_disclosure_tables_are_no_data_tables():
    page = ("<html><body><table><tr><td>索引号：</td><td>123</td><td>发布机构：</td><td>某局</td></tr>"
            "<tr><td>发布日期：</td><td>2021-03-04</td><td>文号：</td><td>某发〔2021〕1号</td></tr></table>"
            "<table><tr><td><a href='/'>首页</a></td><td><a href='/a'>政务公开</a></td></tr>"
            "<tr><td><a href='/b'>互动</a></td><td><a href='/c'>服务</a></td></tr>"
            "<tr><td><a href='/d'>数据</a></td><td><a href='/e'>专题</a></td></tr></table>"
            "<h1>关于某事的通知</h1><p>各单位：</p><p>正文。</p></body></html>")
    doc = load(page, "page.html")
    assert not blocks(doc, Table)
    assert doc.meta.source == "某局" and doc.meta.doc_number == "某发〔2021〕1号"
    assert doc.meta.title == "关于某事的通知"


def test_html_value_below_its_label_and_page_tags_after_the_visible_dates():
    page = ("<html><head><meta name='PubDate' content='2023-05-16 12:34:05'></head><body>"
            "<p>发文日期：</p><p>2023-04-18</p><p>某市2022年国民经济和社会发展统计公报</p><p>正文一段。</p></body></html>")
    doc = load(page, "page.html")
    assert doc.meta.published == "2023-04-18"


# --- found on the held-out pages -------------------------------------------------------------------


def test_a_disclosure_grid_flattened_to_spaces():
    doc = load("关于印发某规则的通知\n\n索   引   号 20191202-189769 分        类 其他\n"
               "发布机构 某自治区人民政府 文  号 某政发〔2013〕62号\n成文日期 2013-07-02\n\n各盟市：\n\n正文。\n")
    assert doc.meta.source == "某自治区人民政府" and doc.meta.doc_number == "某政发〔2013〕62号"
    assert doc.meta.published == "2013-07-02"


@pytest.mark.parametrize("printed, iso", [
    ("2021-03-2918:26", "2021-03-29T18:26:00+08:00"),
    ("二O一一年5月16日", "2011-05-16"),
    ("二oo四年五月十九日", "2004-05-19"),
])
def test_more_date_forms(printed, iso):
    assert iso_date(printed) == iso


def test_a_specific_date_label_beats_a_bare_one_and_the_same_day_keeps_its_time():
    doc = load("关于某事的通知\n\n发布日期：2019-03-22\n时间：2019-03-22 09:31\n\n正文。\n")
    assert doc.meta.published == "2019-03-22"
    doc = load("关于某事的通知\n\n发布日期：2022-06-06\n发布时间：2022-06-06 11:37\n\n正文。\n")
    assert doc.meta.published == "2022-06-06T11:37:00+08:00"


def test_a_portal_dateline_is_taken_off_the_title():
    doc = load("北京：关于印发《某细则》的通知\n\n各区：\n\n现将细则印发给你们。\n")
    assert doc.meta.title == "关于印发《某细则》的通知"
    assert [c.before for c in doc.changes if c.kind == "dateline"] == ["北京：关于印发《某细则》的通知"]


def test_an_order_dated_over_its_signer():
    doc = load("第103/2002號行政長官批示\n\n一、本批示自公佈之日起生效。\n\n二零零二年五月九日\n\n行政長官 何厚鏵\n")
    sig = blocks(doc, Signature)[0]
    # the 职务 and the name stay one signer, a full-width space between them (as an order prints them)
    assert sig.signers == ["行政長官\u3000何厚鏵"] and sig.date == "2002-05-09"
    assert doc.meta.title == "第103/2002號行政長官批示"


def test_html_elements_left_open_and_a_stray_end_of_page_do_not_swallow_the_content():
    body = "<h1>关于某事的通知</h1><p>各单位：</p><p>现将有关事项通知如下，请遵照执行。</p>"
    for broken in ('<form><button type="button" value="搜索" />', "<embed src='a.swf'>", "<nav><ul><li>首页",
                   "<div>页头</div></html>"):
        doc = load(f"<html><body>{broken}{body}</body></html>", "page.html")
        assert doc.meta.title == "关于某事的通知", broken
        assert [b.text for b in blocks(doc, Paragraph)][-1] == "现将有关事项通知如下，请遵照执行。", broken


def test_html_disclosure_grid_without_colons_is_metadata_not_a_table():
    page = ("<html><body><table><tr><td>索 引 号</td><td>Whgs-16-02-010</td><td>信息分类</td><td></td></tr>"
            "<tr><td>发布机构</td><td>某市工商局</td><td>公开日期</td><td>2018-01-01</td></tr>"
            "<tr><td>名称</td><td>某某条例</td></tr><tr><td>文号</td><td></td><td>关键词</td><td></td></tr></table>"
            "<p>某某条例</p><p>第一章　总则</p><p>第一条\u00a0\u00a0为了规范管理，制定本条例。</p></body></html>")
    doc = load(page, "page.html")
    assert not blocks(doc, Table)
    assert (doc.meta.title, doc.meta.source, doc.meta.published) == ("某某条例", "某市工商局", "2018-01-01")
    assert doc.meta.doc_number is None
    assert [b.marker for b in blocks(doc, Paragraph) if b.article] == ["第一条"]


def test_labels_inside_longer_unknown_labels_and_spaced_labels_before_colon_ones():
    doc = load("关于某事的通知\n\n成文时间: 2020-09-15 发布时间: 2020-09-16 14:50\n"
               "索引号 abc/2020-0046 公开日期: 2020-04-30 10:09\n\n各单位：\n\n正文。\n")
    assert doc.meta.published == "2020-09-16T14:50:00+08:00"
    lost = {c.before.split("：")[0] for c in doc.changes if c.kind == "candidate"}
    assert {"成文时间", "公开日期"} <= lost


def test_an_unlabelled_info_line_and_the_reprinted_head():
    doc = load("市人民政府办公室关于印发某预案的通知\n\n2023-01-05 10:00 区人民政府办公室\n\n"
               "某市人民政府办公厅\n\n——————————\n\n"
               "某府办函〔2020〕78号\n\n市人民政府办公室关于印发\n\n某预案的通知\n\n各区、县人民政府：\n\n现将预案印发给你们。\n")
    assert doc.meta.published == "2023-01-05T10:00:00+08:00" and doc.meta.source == "区人民政府办公室"
    assert doc.meta.doc_number == "某府办函〔2020〕78号" and doc.meta.issuer == "某市人民政府办公厅"
    assert blocks(doc, Addressee)[0].text == "各区、县人民政府："
    assert not [b for b in doc.body if isinstance(b, Paragraph) and "预案的通知" in b.text]  # the wrapped repeat


def test_a_document_number_whose_brackets_were_lost():
    doc = load("关于某事的通知\n\n文号：新政发1994 103号\n\n各单位：\n\n正文。\n")
    assert doc.meta.doc_number == "新政发〔1994〕103号"


def test_an_issuer_line_above_a_guanyu_title_is_the_titles_first_line():
    doc = load("发布日期：2021-07-19\n\n济宁市人民政府\n关于持续深化某改革的实施意见\n济政字〔2021〕30号\n\n"
               "各县(市、区)人民政府：\n\n"
               "为持续深入推进改革，提出如下意见。\n")
    assert doc.meta.title == "济宁市人民政府关于持续深化某改革的实施意见"


def test_a_predefined_unit_makes_a_figure_and_a_numbered_heading_does_not():
    doc = load("某预案\n\n正文一段很长的说明文字，用来结束上一段落的内容。\n\n2020年9月15日\n\n（此件公开发布）\n\n"
               "某某应急预案\n\n"
               "1总则\n\n1.1编制目的\n\n为建立健全应急响应机制，统筹协调应急处置工作，提高处置能力，制定本预案。\n")
    assert not blocks(doc, Table)


def test_a_table_whose_first_column_names_its_items_gives_that_column_the_name_width():
    doc = load("某县统计公报\n\n全年粮食总产量16.28万吨。\n\n产品\n\n产量\n\n增长(%)\n\n粮食\n\n162817吨\n\n0.5\n\n"
               "豆类\n\n26084吨\n\n49.1\n\n结语一段。\n")
    table = blocks(doc, Table)[0]
    assert not table.numbered() and table.column_roles() == ["name", "other", "other"]
    numbered = load("序号\t单位\t完成情况\n1\t甲局\t已完成。\n2\t乙局\t推进中。\n").tables()[0]
    assert numbered.column_roles()[0] == "number"


def test_the_title_printed_again_in_the_foot_with_its_metadata():
    doc = load("关于组织召开某工程环境影响听证会的函\n\n某市环保局：\n\n请按时参加。\n\n"
               "某省环境保护厅办公室\n\n2014年3月18日\n\n"
               "扫一扫在手机打开当前页\n关于组织召开某工程环境影响听证会的函 来源:某省环境保护厅 时间:2014-04-28\n")
    assert (doc.meta.source, doc.meta.published) == ("某省环境保护厅", "2014-04-28")
    assert blocks(doc, Signature)[0].date == "2014-03-18"


def test_a_bracketed_document_number_before_the_addressee():
    doc = load("关于某事的通知\n\n（新政发〔1994〕103号）各州、市、县人民政府，自治区各部门：\n\n"
               "现将有关事项通知如下。\n")
    assert doc.meta.doc_number == "新政发〔1994〕103号"
    assert blocks(doc, Addressee)[0].text == "各州、市、县人民政府，自治区各部门："


def test_the_head_does_not_jump_over_the_body_to_a_later_mention_of_the_title():
    doc = load("名称：关于某事的通知\n\n关于某事的通知\n\n各单位：\n\n现将有关事项通知如下，请遵照执行。\n\n"
               "相关文件：\n关于某事的通知\n")
    assert blocks(doc, Addressee)[0].text == "各单位："
    assert any("现将有关事项" in b.text for b in blocks(doc, Paragraph))


def test_a_lone_label_the_lists_do_not_know_is_metadata_when_it_names_a_date_or_a_class():
    doc = load("关于深化某改革的实施意见\n\n著录日期：\n2020-08-26\n信息类别：\n\n各县区：\n\n现提出如下意见。\n")
    assert blocks(doc, Addressee)[0].text == "各县区："


def test_an_attachment_name_wrapped_over_two_lines_and_a_wrapped_addressee():
    doc = load("关于某事的报告\n\n各县区党委和人民政府，市委有关部门\n，各人民团体：\n\n现将有关情况报告如下。\n\n"
               "附件：《某某地震应急预案》（2020年6月修\n订稿）\n\n某市发展和改革委员会\n\n2020年8月10日\n")
    assert blocks(doc, Addressee)[0].text == "各县区党委和人民政府，市委有关部门，各人民团体："
    assert [p.text for p in blocks(doc, Attachments)[0].items] == ["《某某地震应急预案》（2020年6月修订稿）"]


# --- 附注 (note) ------------------------------------------------------------------------------------


NOTICE = ("关于开展质量提升行动的通知\n\n各市市场监管局：\n\n现将有关事项通知如下。\n\n（一）总体要求\n\n"
          "某省市场监管局\n\n2021年2月7日\n")


@pytest.mark.parametrize("printed, text", [
    ("（此件公开发布）", "此件公开发布"),
    ("(此件主动公开)", "此件主动公开"),
    ("（联系人：张三，联系电话：0571-87654321）", "联系人：张三，联系电话：0571-87654321"),
    ("联系人：李四，电话：0579-85512345。", "联系人：李四，电话：0579-85512345"),
    ("联系电话： 0571-1234567", "联系电话：0571-1234567"),  # the space tidied away
])
def test_a_note_under_the_date(printed, text):
    from bulletin.model import Note

    doc = load(NOTICE + printed + "\n")
    assert doc.body[-2].type == "signature"
    assert isinstance(doc.body[-1], Note) and doc.body[-1].text == text
    assert any(c.kind == "note" for c in doc.changes)


def test_two_notes_and_only_after_the_signature():
    body = NOTICE.replace("现将有关事项通知如下。", "（这是正文中的括号段落）")
    doc = load(body + "（此件公开发布）\n\n（联系人：张三）\n")
    assert [b.type for b in doc.body[-3:]] == ["signature", "note", "note"]
    assert any(isinstance(b, Paragraph) and b.text == "（这是正文中的括号段落）" for b in doc.body)


def test_a_paragraph_after_the_signature_that_is_no_note_stays_a_paragraph():
    doc = load(NOTICE + "（此件公开发布）\n\n附：有关说明见下文。\n")
    assert [b.type for b in doc.body[-3:]] == ["signature", "note", "paragraph"]


def test_a_note_in_a_saved_page():
    html = ("<html><head><title>关于开展质量提升行动的通知</title></head><body><h1>关于开展质量提升行动的通知</h1>"
            "<p>各市市场监管局：</p><p>现将有关事项通知如下。</p><p>某省市场监管局</p><p>2021年2月7日</p>"
            "<p>（此件公开发布）</p></body></html>")
    doc = load(html, name="page.html")
    assert [b.type for b in doc.body[-2:]] == ["signature", "note"] and doc.body[-1].text == "此件公开发布"
