"""Write N sample-like text bulletins into nested folders (YYYY/MM/...), for benchmarks and tests.

Each bulletin has the sample's shape: a title, the 来源/发布日期 line of a flattened web page, the
序号 / 项目名称 / 12月工作进展 table with numbered entries in blank-line separated groups. The item
names and entries are drawn from the sample's own (`samples/zj-amr-2020-q4-progress.txt`, with its
NFKC-folded punctuation, `,` and `(`, for the normaliser to restore), so a bulletin uses about as
many different characters as the sample (~750): font subsets, and so the PDF's cost, grow with
them. (An earlier generator with a small word list wrote bulletins of 220 different characters
whose PDFs cost a third less than the sample's.) With the default `items=50` a bulletin is about
the sample's size (24 KB). The output depends only on the seed.

    python benchmarks/generate.py archive/ 200
"""

from __future__ import annotations

import argparse
import functools
import random
import re
from pathlib import Path

OFFICES = ["省市场监管局(省知识产权局)", "省发展改革委", "省生态环境厅", "省交通运输厅", "省商务厅", "省卫生健康委"]
TITLES = ["年度重点工作四季度完成情况", "重点工作推进情况通报", "年度重点工作三季度进展情况", "重点任务落实情况"]
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "zj-amr-2020-q4-progress.txt"


@functools.cache
def _sample_parts() -> tuple[list[str], list[str]]:
    """The sample's item names and entry texts (without their numbers), as they are written."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    names = [lines[i + 2] for i in range(len(lines) - 2) if lines[i].isdigit() and not lines[i + 1] and lines[i + 2]]
    entries = [m[1] for line in lines if (m := re.match(r"^\d+[.．]+(.+)", line))]
    return names, entries


def bulletin(seed: int, items: int = 50) -> str:
    """Return the text of one generated bulletin (deterministic in `seed`)."""
    rng = random.Random(seed)
    names, entries = _sample_parts()
    year = 2015 + seed % 8
    office = rng.choice(OFFICES)
    lines = [f"{office.split('(')[0]}{year}{rng.choice(TITLES)}", "",
             f"来源:{office} 发布日期:{year + 1}-0{1 + seed % 9}-{10 + seed % 18} 09:19 "
             "字体:[       ] 浏览次数:( )", "", "序号", "", "项目名称", "", "12月工作进展", ""]
    for item in range(1, items + 1):
        lines += [str(item), "", rng.choice(names), ""]
        number = 0
        for _group in range(rng.choice((1, 1, 2))):
            for _ in range(rng.randint(1, 4)):
                number += 1
                lines.append(f"{number}.{rng.choice(entries)}")
            lines.append("")
    return "\n".join(lines)


def generate(dest: str | Path, n: int, *, items: int = 50, seed: int = 0) -> list[Path]:
    """Write `n` bulletins under `dest` as YYYY/MM/bulletin-NNNNN.txt; return their paths."""
    dest = Path(dest)
    paths = []
    for i in range(n):
        path = dest / f"{2015 + i % 8}" / f"{1 + i % 12:02d}" / f"bulletin-{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bulletin(seed + i, items), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest")
    parser.add_argument("n", type=int)
    parser.add_argument("--items", type=int, default=50, help="table rows per bulletin (50: sample-sized)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.dest, args.n, items=args.items, seed=args.seed)
    print(f"wrote {len(paths)} bulletins under {args.dest}")


if __name__ == "__main__":
    main()
