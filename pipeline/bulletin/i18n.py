"""Messages in the reader's language: English, or Chinese when the locale asks for it
(`LANG=zh_CN.UTF-8`, or LANGUAGE / LC_ALL / LC_MESSAGES, as gettext reads them).

The catalogue is `locale/zh_CN/LC_MESSAGES/bulletin.po`, made and compiled with Babel
(`scripts/i18n.sh`); the compiled `.mo` ships in the package, so running needs nothing but the
standard library's gettext. Message templates are marked with `_()` and filled with `str.format`
after translation. Diagnostic codes, severities and the JSON's keys never change with the language.
"""

from __future__ import annotations

import functools
import os

LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
DOMAIN = "bulletin"


@functools.cache
def _translation():
    """The catalogue of the locale's language (gettext imported on first use: not at start-up)."""
    import gettext

    return gettext.translation(DOMAIN, LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """`message` in the locale's language (itself when the catalogue has no translation)."""
    return _translation().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural template for `n`, in the locale's language."""
    return _translation().ngettext(singular, plural, n)


def reset() -> None:
    """Read the locale again (a test that changes LANG)."""
    _translation.cache_clear()
