"""bulletin: Chinese government bulletins → GB/T 9704 .docx, PDF and normalised JSON."""

from __future__ import annotations

import functools
import os
import sys


def installed_version(distribution: str) -> str | None:
    """The version of an installed distribution, from its `NAME-VERSION.dist-info` folder where the
    import system looks (a wheel's folder name holds both, normalised); None when none is found.
    `importlib.metadata` costs ~50 ms to import, a tenth of a cold start."""
    prefix = distribution.lower().replace("-", "_") + "-"
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder in (here, *sys.path):  # a wheel: beside the package; editable: on sys.path
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.lower().startswith(prefix) and name.endswith(".dist-info"):
                return name[len(prefix) : -len(".dist-info")]
    return None


@functools.cache
def version() -> str:
    """The installed distribution's version, from its own metadata (`installed_version`, else
    `importlib.metadata`)."""
    found = installed_version("bulletin")
    if found:
        return found
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version("bulletin")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":  # computed on first use
        return version()
    raise AttributeError(f"module 'bulletin' has no attribute {name!r}")
