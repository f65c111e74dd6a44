"""How Chinese official text is written, as the reader and the normaliser both need it: the CJK
ideograph ranges, and the number that opens a list entry (`1.`, `2、`, `（3）`, `4）`).

The normaliser splits such a number off an entry that holds it in its text (a JSON input, say) by
this same rule, so the two stages agree without one importing the other's patterns.
"""

from __future__ import annotations

from .patterns import lazy

#: The ideograph ranges (CJK Unified Ideographs, Extension A, compatibility, planes 2–3).
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAS_CJK = lazy(f"[{CJK}]")

#: A list entry's opening number and the spaces after it. `1.2020年度…` and `3.12月23日…` start
#: with one; `1.2万件` is a decimal number.
ENTRY_MARKER = lazy(
    r"^(?P<m>\d{1,3}(?:[.．、](?=[^\d.．]|\d{4}年|\d{1,2}月)|[）)])|[（(]\d{1,3}[）)])\s*(?=\S)"
)
