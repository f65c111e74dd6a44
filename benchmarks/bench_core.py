"""Core pipeline speed: read + parse + normalise + validate + JSON, warm, on the sample and on a
bulletin 100× larger (5,000 items), with peak memory. Run: python benchmarks/bench_core.py"""

from __future__ import annotations

import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bulletin import api  # noqa: E402
from bulletin.render.json import render_json  # noqa: E402

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"


def larger(text: str, times: int) -> str:
    """The sample's table repeated `times` times, items renumbered 1 … 50·times."""
    head, _, rest = text.partition("序号")
    header, first, _rows = rest.partition("\n1\n")
    chunks = re.split(r"\n(?=\d{1,2}\n\n)", first + _rows)
    rows = [re.sub(r"^\d+", "", c, count=1) for c in ("1\n" + chunks[0], *chunks[1:])]
    out, n = [head, "序号", header], 0
    for _ in range(times):
        for r in rows:
            n += 1
            out.append(f"\n{n}{r}\n")
    return "".join(out)


def run(data: bytes) -> bytes:
    return render_json(api.load(data, name="bench.txt"))


def timed(data: bytes, repeat: int) -> float:
    run(data)
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        run(data)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--large-child":
        big = larger(SAMPLE.read_text(encoding="utf-8"), 100).encode()
        t = timed(big, 3)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{t * 1000:.0f} {rss:.0f}")
        return
    data = SAMPLE.read_bytes()
    small = timed(data, 50)
    print(f"sample (50 items, {len(data) / 1024:.0f} KB): {small * 1000:.1f} ms warm (median of 50)")
    child = subprocess.run([sys.executable, __file__, "--large-child"], capture_output=True, text=True, check=True)
    big_ms, rss = map(float, child.stdout.split())
    print(f"100x (5,000 items): {big_ms:.0f} ms warm = {big_ms / (small * 1000):.0f}x the sample; "
          f"peak RSS {rss:.0f} MB (whole process)")


if __name__ == "__main__":
    main()
