"""Regular expressions compiled on first use, not at import.

The readers hold about a hundred module-level patterns, and CPython compiles a character class one
code point at a time: a class of the ideograph ranges (`chinese.CJK`, 28,000 code points) takes
~2.5 ms, and all of them together ~0.1 s, a sixth of a cold conversion. A text page uses about
two thirds of them, `check` fewer, `--help` none; so each is compiled where it is first used.

`lazy(pattern)` stands for `re.compile(pattern)`: on its first use it compiles the pattern and
keeps the compiled pattern's methods as its own attributes, so that later calls cost what a
compiled pattern's cost (no wrapper in between).
"""

from __future__ import annotations

import re
from typing import cast

# what a compiled pattern offers; each is copied onto the lazy pattern when it compiles
_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "scanner",
               "flags", "groups", "groupindex")


class LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern  # known without compiling: patterns are built from others' text
        self._flags = flags

    def __getattr__(self, name: str):  # called only while an attribute is missing: the first use
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, compiled when first used."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))


def compiled(pattern: re.Pattern[str]) -> bool:
    """Whether a pattern from `lazy` has been compiled yet (a compiled pattern always has)."""
    return not isinstance(pattern, LazyPattern) or "match" in vars(pattern)
