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

from bulletin import api  # noqa: E402
from bulletin.parse.html import parse_html  # noqa: E402

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.html"
REPEAT = 50


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    """(median, fastest) seconds of `repeat` calls after one warm-up call; the fastest shows the
    cost on an idle machine, the median what a loaded one gives."""
    fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), min(samples)


def larger(page: str, times: int) -> str:
    """The sample page with its data table's rows repeated `times` times."""
    cut = page.index("</tr>", page.index("序号")) + len("</tr>\n")  # after the data table's header row
    rows, end, tail = page[cut:].partition("</tbody>")
    return page[:cut] + rows * times + end + tail


def ms(t: tuple[float, float]) -> str:
    return f"{t[0] * 1000:.1f} ms (fastest {t[1] * 1000:.1f})"


def main() -> None:
    data = SAMPLE.read_bytes()
    text = data.decode("utf-8")
    parse = timed(lambda: parse_html(text))
    load = timed(lambda: api.load(data, name=SAMPLE.name))
    print(f"sample ({len(data) / 1024:.0f} KB, 50 items), median of {REPEAT} warm runs (target ≤ 30 ms):")
    print(f"  parse_html {ms(parse)}; load = read+parse+normalise+validate {ms(load)}")
    big = larger(text, 20)
    big_parse = timed(lambda: parse_html(big), 5)
    print(f"20× page ({len(big.encode()) / 1024:.0f} KB, 1,000 items): parse_html {ms(big_parse)}, "
          f"{big_parse[1] / parse[1]:.1f}× the sample")


if __name__ == "__main__":
    main()
