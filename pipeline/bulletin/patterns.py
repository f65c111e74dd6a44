"""Regular expressions compiled on first use, and their compiled programs kept between runs.

The readers hold about a hundred module-level patterns. CPython compiles a character class one
code point at a time, in Python: a class of the ideograph ranges (`chinese.CJK`, 28,000 code
points) takes ~2.5 ms, and a text page's patterns together ~60 ms, a tenth of a cold conversion.

- `lazy(pattern)` stands for `re.compile(pattern)`, compiled where it is first used: a text page
  uses about two thirds of the patterns, `check` fewer, `--help` none. On its first use it keeps
  the compiled pattern's methods as its own attributes, so that later calls go straight to them;
  still, reading a page takes ~5 % more instructions than with patterns compiled at import (55
  against 52 M, over ten generated pages; about 1 % of all three outputs), the price of compiling
  only what is used.
- The program the compiler makes of each pattern is kept in the per-user cache, as Python keeps
  a module's bytecode in a .pyc: keyed by Python's exact version and its regex engine's magic
  number, checked by a digest, read back in about a millisecond, written when a run compiled a
  pattern the cache did not have.

This is the one module that uses CPython's private regex compiler (`re._parser`, `re._compiler`,
`_sre.compile`), because `re` offers no way to keep a compiled pattern: `_program` is
`re._compiler.compile` without its last call. Any failure (another Python, a damaged cache) means
the pattern is compiled by `re.compile`; a test checks that both give equal patterns (a pattern's
equality compares its program).
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import re
import sys
from array import array
from pathlib import Path
from typing import cast

# what a compiled pattern offers; each is copied onto the lazy pattern when it compiles
_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "scanner",
               "flags", "groups", "groupindex")


class LazyPattern:
    """A pattern from `lazy`: its text at once, its compiled pattern's methods once compiled."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern  # known without compiling: patterns are built from others' text
        self._flags = flags

    def __getattr__(self, name: str):  # called only while an attribute is missing: the first use
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = _compile(self.pattern, self._flags)
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


# --- the compiled programs, kept between runs ------------------------------------------------

_programs: dict | None = None  # (pattern, flags) → the arguments of `_sre.compile` after the pattern
_used: set = set()  # the keys this run used
_new = False  # this run compiled a pattern the cache did not have
_KEEP = 1000  # a cache of more programs (patterns changed by new versions) keeps this run's only


def cache_file() -> Path:
    import _sre

    from .fontcache import cache_dir

    key = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"
    return cache_dir("patterns") / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.marshal"


def _load() -> dict:
    global _programs
    if _programs is None:
        _programs = {}
        try:
            data = cache_file().read_bytes()
            if hashlib.sha256(data[32:]).digest() == data[:32]:
                found = marshal.loads(data[32:])
                if isinstance(found, dict):
                    _programs = found
        except (OSError, EOFError, ValueError, TypeError):
            pass
    return _programs


def _program(pattern: str, flags: int) -> tuple:
    """What `re._compiler.compile` passes to `_sre.compile` after the pattern, as plain data."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    code = array("I", _compiler._code(parsed, flags)).tobytes()  # bytes: no objects for the collector to visit
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _build(pattern: str, program: tuple) -> re.Pattern[str]:
    import _sre

    flags, code, groups, groupindex, indexgroup = program
    return _sre.compile(pattern, flags, array("I", code).tolist(), groups, groupindex, indexgroup)


def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    global _new
    flags = int(flags)  # a RegexFlag is not plain data
    programs = _load()
    _used.add((pattern, flags))
    program = programs.get((pattern, flags))
    if program is not None:
        try:
            return _build(pattern, program)
        except (TypeError, ValueError, RuntimeError, OverflowError):  # not this Python's program: made again
            pass
    try:
        program = _program(pattern, flags)
        found = _build(pattern, program)
    except Exception:  # noqa: BLE001 - a private API that may change: the public one instead
        return re.compile(pattern, flags)
    programs[pattern, flags] = program
    if not _new:
        _new = True
        atexit.register(_save)
    return found


def _save() -> None:
    """Write the programs (at exit, when the run compiled a new one); a cache that cannot be
    written is left alone."""
    from .errors import OutputError
    from .files import write_atomic

    programs = _load()
    if len(programs) > _KEEP:
        programs = {key: program for key, program in programs.items() if key in _used}
    payload = marshal.dumps(programs)
    try:
        write_atomic(cache_file(), hashlib.sha256(payload).digest() + payload)
    except OutputError:
        pass
