"""HTML reader speed: the sample's saved page, warm (median of 50 runs, target ≤ 30 ms).

Prints the HTML parse alone (`parse_html`: DOM, line layout, table grid, draft Document) and the
whole load (decode + parse + normalise + validate), and the same for a page 20× larger.
Run: python benchmarks/bench_html.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import api  # noqa: E402
from pipeline.parse.html import parse_html  # noqa: E402

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.html"
REPEAT = 50


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Median seconds of `repeat` calls after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def larger(page: str, times: int) -> str:
    """The sample page with its table's rows repeated `times` times."""
    head, sep, rest = page.partition("</tr>\n")  # after the header row
    rows, end, tail = rest.partition("</tbody>")
    return head + sep + rows * times + end + tail


def main() -> None:
    data = SAMPLE.read_bytes()
    text = data.decode("utf-8")
    parse = timed(lambda: parse_html(text))
    load = timed(lambda: api.load(data, name=SAMPLE.name))
    print(f"sample ({len(data) / 1024:.0f} KB, 50 items): parse_html {parse * 1000:.1f} ms, "
          f"load (read+parse+normalise+validate) {load * 1000:.1f} ms  (median of {REPEAT}, warm; target ≤ 30 ms)")
    big = larger(text, 20)
    big_parse = timed(lambda: parse_html(big), 5)
    print(f"20× page ({len(big.encode()) / 1024:.0f} KB, 1,000 items): parse_html {big_parse * 1000:.0f} ms "
          f"({big_parse / parse:.1f}× the sample)")


if __name__ == "__main__":
    main()
