"""Instructions per bulletin, counted by valgrind's callgrind: a measure that does not drift with
the machine's speed (wall times on a shared virtual CPU vary by 2× from minute to minute).

    python benchmarks/bench_instructions.py [--to json,docx,pdf] [-n 3] [--sample]

Each count runs this script under callgrind twice: once rendering one warm-up bulletin only, once
rendering it and then N generated bulletins; the difference over N is the cost of one bulletin,
read, parsed, normalised, validated and rendered (imports, fonts and styles excluded). Needs
valgrind (Debian: `apt-get install valgrind`); takes about three minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(formats: list[str], n: int, sample: bool = False) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    import generate
    from bulletin import api
    from bulletin.style import load_style

    style = load_style()
    if sample:  # the bundled sample, n times (and once to warm up)
        texts = [(ROOT / "samples" / "zj-amr-2020-q4-progress.txt").read_bytes()] * (n + 1)
    else:
        texts = [generate.bulletin(i).encode() for i in range(n + 1)]
    api.render(api.load(texts[n], name="warm-up.txt"), ["json", "docx", "pdf"], style)
    for i, text in enumerate(texts[:n] if os.environ.get("BENCH_COUNT") == "all" else []):
        doc = api.load(text, name=f"{i}.txt")
        if formats:
            api.render(doc, formats, style)


def _instructions(formats: str, n: int, count: str, sample: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BENCH_COUNT=count, PYTHONHASHSEED="0")
        out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
                              sys.executable, __file__, "--child", "--to", formats, "-n", str(n),
                              *(["--sample"] if sample else [])],
                             env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", out.stderr)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--to", default="json,docx,pdf", help="formats, comma-separated ('' = load only)")
    ap.add_argument("-n", type=int, default=3, help="bulletins counted (default 3)")
    ap.add_argument("--sample", action="store_true", help="count the bundled sample instead of generated bulletins")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    formats = [f for f in args.to.split(",") if f]
    if args.child:
        _child(formats, args.n, args.sample)
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    base = _instructions(args.to, args.n, "none", args.sample)
    total = _instructions(args.to, args.n, "all", args.sample)
    what = "the sample" if args.sample else "generated bulletin"
    print(f"instructions per {what}, --to {args.to or '(load only)'}: "
          f"{(total - base) / args.n / 1e6:.1f} M (mean of {args.n})")


if __name__ == "__main__":
    main()
