"""The page header, read the same way by the text and the HTML reader.

A page says its title, source and date in many places at once: an info line under the title, a
政府信息公开 block (索引号 / 发布机构 / 文号 / 成文日期 / 发布日期), CMS meta tags, the signature at the
end. Every labelled value is kept as a `Candidate`; `resolve` then chooses per field by the order of
`PRECEDENCE` (data, one table), and records in `changes` which candidates lost and why.

Labels are matched on a Traditional → Simplified folding of the line (`來源`, `發佈日期`): the folding
maps one character to one, so positions found on the folded line slice the line as printed, and the
values keep their own characters.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ..diagnostics import diagnostic
from ..model import Change, Diagnostic
from ..patterns import lazy

# field → groups of labels, most trusted group first. The order of the groups is the precedence.
PRECEDENCE: dict[str, tuple[tuple[str, ...], ...]] = {
    "published": (
        ("发布日期", "发布时间", "发表日期", "发表时间", "公布日期", "公布时间", "颁布日期", "发稿时间", "上传时间",
         "刊登日期", "刊发日期", "发布于", "日期", "时间"),
        ("公开日期", "公开时间"),
        ("更新日期", "更新时间"),
        ("生成日期", "产生日期"),
        ("成文日期", "成文时间", "发文日期", "发文时间", "印发日期", "签发日期", "制发日期"),
    ),
    "source": (
        ("来源", "信息来源", "文章来源", "来源单位", "稿件来源", "内容来源", "新闻来源", "出处"),
        ("发布机构", "发布单位", "发布机关", "发布部门", "发文单位", "发文机关", "发文机构", "发文部门", "制发机关",
         "制发机构", "制定机关", "颁布机关", "颁布单位", "所属机构", "公开主体", "信息公开主体"),
    ),
    "doc_number": (("文号", "发文字号", "发文文号", "发布文号", "文件编号", "文件字号"),),
    "title": (("名称", "标题", "文件名称", "信息名称", "文章标题", "法规名称", "法规标题", "文件标题", "发文标题"),
              ("法规",)),
}
# labels read as metadata and kept, but chosen for no field
OTHER_LABELS = (
    "索引号", "信息索引号", "统一编号", "主题分类", "主题词", "公开方式", "公开形式", "公开范围", "公开时限",
    "有效性", "有效期", "生效日期", "废止日期", "失效日期", "实施日期", "施行日期", "体裁分类", "组配分类",
    "信息分类", "内容分类", "机构分类", "公文种类", "文种", "作者", "发布者", "编号", "关键词", "效力级别",
    "效力", "时效性", "时效性状态", "有效性状态", "是否有效", "法规类别", "所属主题", "所属类别", "服务对象",
    "责任部门", "登记号", "分类", "类别", "主题", "公开类别", "责任人", "撰稿", "摄影", "供稿", "发布人",
    "投稿", "内容概述", "内容摘要", "摘要", "内容简介", "公报编号", "版数", "所属专题", "相关法规", "相关类别",
    "废止时间", "生效时间", "失效时间", "公开目录", "公开责任部门", "归档时间", "关联稿件", "语种", "信息格式",
    "法规分类", "文件有效性", "实施时间", "关键字", "视力保护色", "浏览量", "阅读量", "点击量", "访问量",
)
RANK: dict[str, tuple[str, int]] = {
    label: (name, rank) for name, groups in PRECEDENCE.items() for rank, group in enumerate(groups) for label in group
}
GENERIC_LABELS = frozenset({"日期", "时间"})
SIGNATURE_RANK = len(PRECEDENCE["published"])  # the signature's date: when the page prints no other
# a CMS's meta tags (PubDate, ContentSource): after everything the page prints, before the signature
TAG_RANK = {"published": SIGNATURE_RANK - 0.5, "source": len(PRECEDENCE["source"])}
TITLE_LABELS = frozenset(label for group in PRECEDENCE["title"] for label in group)
ALL_LABELS = tuple(sorted(set(RANK) | set(OTHER_LABELS), key=lambda label: (-len(label), label)))

# Traditional forms of the characters of the labels above (one character each, so positions hold)
_TRAD = str.maketrans(
    "來發佈時間機構號題稱開範圍態廢單標體組鍵詞編碼資訊類關傳負責寫處門屬頒實條節規則辦義務簽檔級導稿壽"
    "報數覽瀏點擊閱讀訪問別種統說頁網電話郵聯繫輯審對效鄉縣區鎮據業務經濟歸護訊與為產",
    "来发布时间机构号题称开范围态废单标体组键词编码资讯类关传负责写处门属颁实条节规则办义务签档级导稿寿"
    "报数览浏点击阅读访问别种统说页网电话邮联系辑审对效乡县区镇据业务经济归护讯与为产",
)


def compact(text: str) -> str:
    """The text without its white space, as the readers compare titles and labels."""
    return _WHITE.sub("", text)


_WHITE = lazy(r"\s+")


def fold_labels(text: str) -> str:
    """The text with Traditional label characters as Simplified, the same length."""
    return text.translate(_TRAD)


# a disclosure table copied from a page separates label and value by a tab instead of a colon
# a label may be printed with spaces between its characters; a bare 日期 / 时间 must not be the end
# of a longer label the lists do not know (成文时间, 上传日期)
_SPACED = "|".join(("(?<![\u4e00-\u9fff])" if label in ("日期", "时间") else "") + r"\s*".join(label)
                   for label in ALL_LABELS)
LABEL = lazy(rf"(?P<label>{_SPACED})(?:\s*[:：]|[ \u3000\u00a0]*\t+|[ \t]*[|｜](?=[^|｜]*\S))")
# any short label after white space ends the value before it (`…局  发布者：…`)
OTHER_LABEL = lazy(r"(?<=[\s|｜])(?P<label>[\u4e00-\u9fff]{2,6})\s*[:：]")
# a label and its value separated by spaces only, the label at the line's start or after spaces
SPACE_LABEL = lazy(rf"(?:^|(?<=\s))(?P<label>{_SPACED})(?:\s+(?=\S)|\s*$)")  # a last label may be empty
# fused, colon-less forms seen on CMS pages: `发布时间2022-08-23`, `来源本站`
LABEL_FUSED = lazy(r"(?P<label>发布日期|发布时间|信息来源|来源)(?=\s*\d{4}|[\u4e00-\u9fff])")
BULLET = lazy(r"^[\s•·●◆■▪◇○*\-]+")
# chrome glued to a metadata line: `字体:[ 大 中 小 ]`, `浏览次数:( )`, `文字大小:[ ]`
CHROME_FRAGMENT = lazy(
    r"[\[【［]\s*(?:字体|字号|文字大小|打印|关闭|分享)[^\]】］]*[\]】］]"  # `【字体：大 中 小】`, `【打印】`
    # `字号：大 中 小` (not the 字号 of 发文字号)
    r"|(?<![文件])(?:字体|字号|文字大小)\s*[:：](?!\s*[\[【［(（])\s*(?:(?:特大|超大|较大|大|中|较小|小|默认|标准)\s*)*"
    r"|分享到\s*[:：]?"
    r"|(?<![文件])(?:字体|字号|文字大小)\s*[:：]?\s*[\[【［(（][^\]】］)）]*[\]】］)）]"
    r"|(?:浏览次数|访问次数|浏览量|阅读次数|阅读量|点击数|点击量|阅读数|访问量|点击率|点击|阅读)\s*[:：]?\s*[\[【［(（]?\s*\d*\s*[\]】］)）]?\s*次?"
    r"|(?:【|(?<![\s【]))\s*(?:打印本页|打印|关闭窗口|关闭)\s*】?(?=\s|$)"
    r"|(?:放大字体|缩小字体|默认字体|繁体|简体|无障碍|长者模式|关怀版|适老化)(?=\s|$)"
)
_BRACKETS = lazy(r"[【】\[\]]")

# --- dates ------------------------------------------------------------------------------------

_TIME = r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?秒?)?"
DATE = lazy(
    r"(?<!\d)(?:(?P<y>\d{4})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*(?:(?P=sep)|月)\s*(?P<d>\d{1,2})"
    r"(?:(?!\d)|(?=\d{1,2}[:：]\d{2}))\s*日?"  # `2021-03-2918:26`: a time glued to the day
    r"|(?P<y8>(?:19|20|21)\d{2})(?P<m8>[01]\d)(?P<d8>[0-3]\d)(?!\d))" + _TIME
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "Ｏ": 0, "0": 0, "o": 0}
_CN_YEAR = r"[〇零○OoＯ0一二三四五六七八九]{4}"
CN_DATE = lazy(  # 二〇一五年五月八日, and the mixed 二O一一年5月16日
    rf"(?P<y>{_CN_YEAR})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,2}}|\d{{1,2}})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3}|\d{1,2})\s*日"
)
DATE_LINE = lazy(rf"^(?:{DATE.pattern}|{CN_DATE.pattern.replace('?P<', '?P<c')})$")


def _cn_int(s: str) -> int:
    if s.isdigit() and s.isascii():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))


@dataclass(frozen=True, slots=True)
class PrintedDate:
    """A date as printed: `iso` is None when it is not a calendar date (`2021年2月30日`)."""

    text: str
    iso: str | None


def find_date(text: str) -> PrintedDate | None:
    """The first printed date of `text` (any form), valid or not; None when there is none.

    An eight-digit date (`20171011`) counts only when it stands alone in `text`.
    """
    m = DATE.search(text)
    cn = None if m else CN_DATE.search(text)
    if m and m["y8"] and text.strip() != m[0].strip():
        m = None
        cn = CN_DATE.search(text)
    if m:
        y, mo, d = (int(m["y"]), int(m["m"]), int(m["d"])) if m["y"] else (int(m["y8"]), int(m["m8"]), int(m["d8"]))
        found = m
    elif cn:
        y, mo, d = _cn_int(cn["y"]), _cn_int(cn["m"]), _cn_int(cn["d"])
        found = cn
    else:
        return None
    printed = found[0].strip()
    try:
        day = _dt.date(y, mo, d)
    except ValueError:
        return PrintedDate(printed, None)
    if not 1900 <= y <= 2200:
        return PrintedDate(printed, None)
    iso = day.isoformat()
    if found.groupdict().get("H") is not None:
        h, mi, s = int(found["H"]), int(found["M"]), int(found["S"] or 0)
        if h < 24 and mi < 60 and s < 60:
            return PrintedDate(printed, f"{iso}T{h:02d}:{mi:02d}:{s:02d}+08:00")
    return PrintedDate(printed, iso)


def iso_date(text: str) -> str | None:
    """Return the first printed date of `text` as ISO 8601 (with +08:00 when a time is printed),
    None when there is none or it is not a calendar date."""
    found = find_date(text)
    return found.iso if found else None


def is_date_line(line: str) -> bool:
    s = line.strip()
    return bool(DATE_LINE.match(s)) and iso_date(s) is not None


# --- candidates -------------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """A value the page gives for a field: where it stands and under which label."""

    field: str
    value: str
    label: str
    line: int | None
    rank: float  # the label's group in PRECEDENCE; page tags and the signature come after


@dataclass
class MetaFields:
    """What the header says, as printed (before normalisation): candidates and the reader's finds."""

    candidates: list[Candidate] = field(default_factory=list)
    issuer: str | None = None  # 发文机关标志: `浙江省市场监督管理局文件`
    copy_number: str | None = None  # the 版头's 份号, 密级, 紧急程度 and 签发人 (`parse.elements`)
    classification: str | None = None
    urgency: str | None = None
    signers: list[str] = field(default_factory=list)

    def best(self, name: str) -> Candidate | None:
        """The chosen candidate of a field: the lowest rank, then the first printed."""
        found = [c for c in self.candidates if c.field == name and c.value]
        if name == "published":
            found = [c for c in found if iso_date(c.value)]
        if not found:
            return None
        best = min(found, key=lambda c: c.rank)
        if name == "published":  # the same day printed again with its time is the more precise
            day = iso_date(best.value)
            best = next((c for c in found if c.rank == best.rank and len(iso_date(c.value)) > len(day)
                         and iso_date(c.value)[:10] == day), best)
        return best

    def value(self, name: str) -> str | None:
        """The chosen candidate's value, as printed."""
        best = self.best(name)
        return best.value if best else None

    @property
    def source(self) -> str | None:
        return self.value("source")

    @property
    def name(self) -> str | None:
        """The title the disclosure block names (名称 / 标题)."""
        return self.value("title")

    @property
    def doc_number(self) -> str | None:
        return self.value("doc_number")

    @doc_number.setter
    def doc_number(self, value: str | None) -> None:
        """A 发文字号 printed on a line of its own (or in the title's brackets)."""
        if value:
            self.add("doc_number", value, "文号", None)

    def add(self, name: str, value: str, label: str, line: int | None, rank: float | None = None) -> None:
        if rank is None:  # a bare 日期 / 时间 comes after the labels that say what the date is
            rank = RANK[label][1] + (0.1 if label in GENERIC_LABELS else 0)
        self.candidates.append(Candidate(name, value, label, line, rank))


def split_labels(line: str) -> list[tuple[str, str]]:
    """Split a metadata line into (label, value) pairs; [] when it is not a metadata line.

    A date printed before the first label (`2021-12-31 15:20  来源：…`) is returned as ("日期", …).
    Labels come back in Simplified form; values as printed.
    """
    s = _BRACKETS.sub(" ", CHROME_FRAGMENT.sub(" ", line))  # `【发布时间：…】【来源：…】`
    s = BULLET.sub("", s).strip()
    if "\t" in s:
        s += "\t"  # a grid row's last cell may be a label whose value is empty
    folded = fold_labels(s)
    marks = [(m.start(), m.end(), compact(m["label"])) for m in LABEL.finditer(folded)]
    if marks and not re.search(r"[:：]", folded):  # tabs only: label, value, label, value …
        cells = re.split(r"\t|[|｜]", folded.strip(" \u3000\u00a0|｜"))  # empty values count
        if len(cells) not in (2 * len(marks), 2 * len(marks) - 1) and \
                len([c for c in cells if c.strip()]) != 2 * len(marks):
            return []  # a table's header of short names (`类别  任务  责任单位`), not a disclosure row
    if not marks:
        marks = [(m.start(), m.end(), m["label"]) for m in LABEL_FUSED.finditer(folded)]
    if not marks:  # a disclosure grid flattened with spaces: `发布机构 某局  文  号 某发〔2021〕1号`
        marks = [(m.start(), m.end(), compact(m["label"])) for m in SPACE_LABEL.finditer(folded)]
    if not marks or (marks[0][0] != 0 and not LABEL.search(folded)):
        return []
    lead = BULLET.sub("", s[: marks[0][0]]).strip()
    spaced = [(m.start(), m.end(), compact(m["label"])) for m in SPACE_LABEL.finditer(folded[: len(lead)])]
    if lead and spaced and spaced[0][0] == 0:  # `索引号 某某/2020-0046 公开日期: 2020-04-30`
        marks = spaced + marks
        lead = ""
    elif lead and _UNKNOWN_LEAD.fullmatch(fold_labels(lead)):  # `浏览次数:637 投稿:管理员 来源:…`
        marks += [(m.start(), m.end(), "") for m in OTHER_LABEL.finditer(" " + folded)]
        marks = [(a - 1, b - 1, lab) if not lab else (a, b, lab) for a, b, lab in marks]
        lead = ""
    elif lead and not (DATE.fullmatch(lead) and iso_date(lead)):
        return []
    known = {start for start, _, _ in marks}
    marks += [(m.start(), m.end(), "") for m in OTHER_LABEL.finditer(folded)
              if m.start() not in known and not any(a <= m.start() < b for a, b, _ in marks)]
    marks.sort()
    pairs = [("日期", lead)] if lead else []
    for i, (_, end, label) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(s)
        value = BULLET.sub("", s[end:stop]).strip(" \t\u3000\u00a0|｜")
        if label:
            pairs.append((label, value))
    return pairs


_UNKNOWN_LEAD = lazy(r"(?:[\u4e00-\u9fff]{2,6}\s*[:：][^:：]{0,30}?(?:\s+|$))+")
_EMPTY_VALUE = lazy(r"^[\[(（【\s]*+[\])）】\s]*+$|^(?:无|暂无|无号|无文号|空|/|-|—|－)$")


def take_meta(line: str, lineno: int | None, meta: MetaFields) -> bool:
    """Record a metadata line's values as candidates; return False when the line is not metadata."""
    pairs = split_labels(line)
    if not pairs:
        return False
    for label, value in pairs:
        value = "" if _EMPTY_VALUE.match(value) else value
        take_value(meta, label, value, lineno)
    return True


_TRAILING_BUTTON = lazy(r"(?<!\s)\s*(?:收藏|打印|分享到?|关闭|纠错)\s*[:：]?$")


def take_value(meta: MetaFields, label: str, value: str, lineno: int | None) -> None:
    """Record one labelled value (a value printed on the line below its label comes here too)."""
    name = RANK.get(label, ("", 0))[0]
    value = _TRAILING_BUTTON.sub("", value)  # `来源：教师司收藏`: a button glued to the value
    if name == "source":
        # `来源：某局 2021-02-07`: a date printed after the source without a label
        m = DATE.search(value)
        if m and m.end() == len(value.rstrip()) and m.start() > 0:
            meta.add("published", value[m.start():].strip(), "日期", lineno)
            value = value[: m.start()].strip()
        meta.add("source", value, label, lineno)
    elif name:
        meta.add(name, value, label, lineno)
    # a label kept aside (索引号, 主题分类) chooses no field: its line is recorded as metadata by the reader


LABEL_SET = frozenset(ALL_LABELS)
# a label the lists do not know, by its ending (`著录日期：`, `信息类别：`): kept aside as metadata
_LABEL_LIKE = lazy(r"([\u4e00-\u9fff]{0,4}(?:日期|时间|分类|类别|编号|范围|方式|机构|状态|主题词))[:：]")


_NUMBER_LIKE = lazy(
    r"[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d+\s*[号號]|第\s*\d+\s*[号號]|^[A-Za-z0-9〔〕\[\]()\-—/]+$"
)


def plausible(label: str, value: str, after: str = "") -> bool:
    """Whether the line below a lone label can be its value (a date under 发布日期, a short name
    under 来源): a caption or a sentence there is not, nor the first line of a title (`after`, the
    line below the value, opens with 关于)."""
    name = RANK.get(label, ("", 0))[0]
    if split_labels(value) or label_only(value):
        return False  # a label line of its own: the label above it is empty
    if re.search(r"[:：]$", value):
        return False  # a value never ends with a colon: that line is a label, or the 主送机关
    if name == "published":
        return find_date(value) is not None and len(value) <= 40
    if name == "doc_number":
        return len(value) <= 40 and bool(_NUMBER_LIKE.search(value))
    if name == "title":
        return len(value) <= 120
    if not name:  # a field kept aside (索引号, 主题分类, 主题词): a code or a few words, never a title line
        return len(value) <= 30 and not TITLE_END.search(value) and "关于" not in value \
            and not after.lstrip().startswith("关于")
    return len(value) <= 60 and not re.search(r"[。；]", value)


def label_only(line: str) -> str | None:
    """The label of a line that holds a label and nothing else (its value is on the next line):
    `发布日期：`, a known label with no colon at all (`发文日期`), or a label the lists do not know
    that names a date, a class or a number (`著录日期：`)."""
    bare = re.sub(r"[\s\u3000]", "", fold_labels(BULLET.sub("", line)))
    if bare in LABEL_SET:
        return bare
    if m := _LABEL_LIKE.fullmatch(bare):
        return m[1]
    pairs = split_labels(line)
    if len(pairs) == 1 and not pairs[0][1]:
        return pairs[0][0]
    return None


def resolve(meta: MetaFields, changes: list[Change], diagnostics: list[Diagnostic]) -> None:
    """Record which candidate each field keeps and which lost (and why); a date that is not a
    calendar date gives a `bad-date` diagnostic and is kept as printed."""
    for name in PRECEDENCE:
        best = meta.best(name)
        for c in meta.candidates:
            if c.field != name or c is best or not c.value:
                continue
            if name == "published" and (found := find_date(c.value)) and found.iso is None:
                diagnostics.append(diagnostic("bad-date", c.line, f"{c.label} {found.text!r} is not a calendar date; "
                                              "kept as printed"))
                why = "not a calendar date"
            elif best is None:
                why = "no date in it" if name == "published" else "empty"
            elif best.rank < c.rank:
                why = f"{best.label} comes first"
            else:
                why = f"{best.label} is printed first"
            if best is not None and _same(name, best.value, c.value):
                continue  # the same value printed twice lost nothing
            changes.append(Change(kind="candidate", line=c.line, before=f"{c.label}：{c.value}",
                                  after=f"{name} not taken: {why}"))


def _same(name: str, a: str, b: str) -> bool:
    if name == "published":
        return (iso_date(a) or "")[:10] == (iso_date(b) or "")[:10]
    return compact(a) == compact(b)


def bad_published(meta: MetaFields) -> str | None:
    """The printed date when the page's dates are all impossible (kept as printed)."""
    for c in sorted((c for c in meta.candidates if c.field == "published" and c.value), key=lambda c: c.rank):
        found = find_date(c.value)
        if found and found.iso is None:
            return found.text
    return None


# --- the title --------------------------------------------------------------------------------

TITLE_END = lazy(
    r"(?:通知|通报|公告|通告|报告|情况|意见|方案|办法|决定|规定|细则|批复|函|纪要|公报|说明|要点|计划|总结|规划|"
    r"名单|清单|公示|决议|命令|令|批示|议案|请示|进展|汇总表|一览表|实施意见|工作要点|条例|规则|章程|标准|指引|指南|目录|"
    r"答复|复函|建议|提案|解读|决算|预算|公布|声明|倡议书|告知书|须知|简章|通讯|动态|综述|成效|成果|"
    r"第[\d一二三四五六七八九十百零〇]+号|[（(][\d〇一二三四五六七八九十]{1,4}[）)]|[（(].{2,30}[）)])$"
)
# what a site's banner, bars and menus say, and a title never does
SITE_WORDS = lazy(
    r"网站|政府网|门户|首页|欢迎|登录|注册|无障碍|长者|关怀|适老|English|繁體|繁体|简体|搜索|智能问答|移动版|手机版|"
    r"微信|微博|客户端|政务服务|互动交流|信息公开目录|政府信息公开$|^政务公开|专题专栏|当前位置|您的位置|版权|备案|"
    r"^(?:通知公告|公示公告|工作动态|政策文件|政策解读|部门文件|信息公开|政务动态|新闻中心|法规文件|规范性文件|"
    r"文件通知|通知通告|重要通知|最新公告|政策法规|公告公示|图片新闻|今日关注)$",
    re.I,
)


# how the name of an office ends (局, 办公室, 委员会 …): one list for the issuer, the signer and info lines
ORG_END = r"(?:局|委|厅|办|办公室|政府|院|会|部|处|中心|公司|所|站|社|队|组|室|署|党委|委员会|小组)"
_ISSUED_BY = lazy(rf"^[\u4e00-\u9fff、]{{2,40}}?{ORG_END}关于")


@dataclass
class TitleHints:
    """What the page says of its own title besides the visible lines (HTML: tags, <title>)."""

    names: set[str] = field(default_factory=set)  # 名称 / ArticleTitle / og:title, compacted
    parts: set[str] = field(default_factory=set)  # the <title>'s parts, compacted
    whole: str = ""  # the <title> without the site's name, compacted


def title_score(text: str, *, meta_next: bool, meta_prev: bool, hinted: bool, hints: TitleHints,
                lines: int = 1) -> float:
    """How much a candidate line (or lines joined) reads as the page's title; ≤ 0: not at all.

    A line matching what the page names its title wins; then a line next to the metadata, ending
    like a title (…的通知, …办法, 第12号令), over anything that reads as a site's banner or menu.
    """
    joined = compact(text)
    score = 10.0
    if joined in hints.names:
        score += 100
    elif joined in hints.parts:
        score += 50 + min(len(joined), 40) / 2
    elif len(joined) >= 6 and joined in hints.whole:
        score += 20 + min(len(joined), 40) / 2
    if meta_next:
        score += 40
    elif meta_prev:
        score += 30
    if TITLE_END.search(joined):
        score += 30
    if "关于" in joined:
        score += 15
        if _ISSUED_BY.match(joined):  # the whole 公文 title: issuer, 关于, subject, kind
            score += 5
    if hinted:
        score += 10
    if len(joined) >= 8:
        score += 8
    if len(joined) <= 6 and not TITLE_END.search(joined):
        score -= 30
    if SITE_WORDS.search(joined):
        score -= 70
    return score - 2 * (lines - 1)  # of two readings that score alike, the one of fewer lines
