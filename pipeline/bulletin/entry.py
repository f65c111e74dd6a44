"""The `bulletin` command's entry point: `--version` is answered without importing the command
line (Typer alone takes ~90 ms to import); everything else goes to `bulletin.cli`."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import version

        print(f"bulletin {version()}")
        return
    from .cli import main as cli_main

    cli_main()
