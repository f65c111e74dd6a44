"""Page chrome: the lines a site prints around a bulletin (menus, breadcrumbs, font-size and share
bars, counters, QR hints, footers) — `is_chrome(line)`, for the head and the foot of a page only.
"""

from __future__ import annotations

import re

from ..patterns import lazy
from .header import BULLET

_CHROME_WORDS = (
    "打印|打印本页|打印此页|打印文章|分享|分享到|关闭|关闭窗口|关闭本页|关闭页面|返回|返回列表|返回顶部|返回首页|"
    "收藏|加入收藏|纠错|我要纠错|背景色|默认|大|中|小|保存|字号|【|】|\\[|\\]|\\||｜|/|·|>>|x"
)
CHROME_LINE = lazy(
    r"^(?:"
    rf"(?:(?:{_CHROME_WORDS})\s*)+[:：]?"  # a line made only of action buttons (`打印分享到：`)
    r"|(?:首页|当前位置|您的位置|你的位置|您现在的位置|现在位置)\s*[:：>＞»]?.*"  # breadcrumbs
    r"|.{0,40}?(?:\s[>＞»→]\s|[>＞»]).{0,60}"  # a > b > c
    r"|(?:字体|字号|文字大小)\s*[:：]?\s*[\[【［(（]?.{0,20}"
    r"|(?:浏览次数|访问次数|浏览量|阅读次数|阅读量|点击数|点击量|点击率|访问量)\s*[:：].{0,20}"
    r"|(?:责任编辑|编辑|校对|审核|来源编辑)\s*[:：].{0,30}"
    r"|(?:扫一扫|微信扫一扫|手机扫一扫|用手机扫描|分享到微信|分享到|分享)[:：]?.{0,30}"
    r"|(?:今天是|今日是|欢迎访问|欢迎您|您好)[:：，,]?.{0,40}"
    r"|社会主义核心价值观[:：].*"
    r"|(?:原文链接|原文地址|本文地址|本文链接|文章来源网址)\s*[:：]\s*\S+"
    r"|(?:第[一二三四五六七八九十百零〇\d]{1,5}[条條章节節][\s\u3000]*){2,}"  # anchors: 第十一条 第二十一条
    r"|.{0,20}(?:二维码|扫码|扫描).{0,20}(?:打开|阅读|浏览|查看|分享|关注|访问)?.{0,10}"
    r"|(?:版权所有|主办单位|承办单位|技术支持|网站标识码|ICP备|京ICP|浙ICP|网站地图|联系我们|意见反馈|网站声明|政务服务网).{0,80}"
    r"|.{0,40}(?:ICP备|公网安备).{0,40}"
    r"|(?:您的姓名|姓名|联系电话|电子邮箱|邮箱|验证码|留言内容|反馈内容|提交|重置|取消)\s*[:：*＊]?\s*"
    r"|相关链接|相关阅读|相关文章|上一篇.*|下一篇.*|【?(?:打印|关闭)】?.*(?:打印|关闭)】?"
    r")$"
)
_BULLET_CHARS = frozenset("•·●◆■▪◇○*-")
# Possessive and atomic (`++`, `(?>…)`): a word and the gap after it are read one way only. With
# backtracking, the gaps `\u3000\u3000` (two spaces, or one and one) made a long line that fails at
# its end take exponential time (a 6,000-character line hung the reader, found by the fuzzer).
MENU_WORDS = lazy(r"^(?:[\u4e00-\u9fff]{2,6}+\s++){4,}+[\u4e00-\u9fff]{2,6}+$")  # 我的法规 最新法规 点击最多 …
NAV_LINE = lazy(r"^(?:[^\s|｜丨。，；]{1,8}+(?>\s*+[|｜丨]\s*+|\s{2,}+|\u3000++)){3,}+[^\s|｜丨。，；]{1,8}+$")


_SYMBOLS_ONLY = lazy(r"^[^\w\u3400-\u9fff]{1,12}$")  # `< ] ^ ]`: a widget's glyphs


def is_chrome(line: str) -> bool:
    s = line.strip()
    if _SYMBOLS_ONLY.match(s) and not re.fullmatch(r"[—─\-=*·…]+", s):
        return True
    if s[:1] in _BULLET_CHARS:
        s = BULLET.sub("", s)
    if not s:
        return False
    if MENU_WORDS.match(s) and not s.startswith("序"):
        return True
    if NAV_LINE.match(s) and not s.startswith("序") and ("首页" in s or "|" in s or "｜" in s or "丨" in s):
        return True
    if s[0] in "【[" and CHROME_LINE.match(re.sub(r"[【】\[\]]", " ", s).strip()):
        return True
    if CHROME_LINE.match(s):
        # a breadcrumb-shaped line with a sentence in it is body text, not chrome
        return not re.search(r"[。；]", s) or s.startswith(("首页", "当前位置", "您的位置", "社会主义核心价值观"))
    return False
