"""Write N sample-like text bulletins into nested folders (YYYY/MM/...), for benchmarks and tests.

Each bulletin has the sample's shape: a title, the 来源/发布日期 line of a flattened web page, the
序号 / 项目名称 / 12月工作进展 table with numbered entries in blank-line separated groups, and the
sample's NFKC-folded punctuation (`,` and `(`) for the normaliser to restore. With the default
`items=50` a bulletin is about the sample's size (24 KB). The output depends only on the seed.

    python benchmarks/generate.py archive/ 200
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

OFFICES = ["省市场监管局(省知识产权局)", "省发展改革委", "省生态环境厅", "省交通运输厅", "省商务厅", "省卫生健康委"]
TITLES = ["年度重点工作四季度完成情况", "重点工作推进情况通报", "年度重点工作三季度进展情况", "重点任务落实情况"]
VERBS = ["召开", "推进", "完成", "组织开展", "部署", "印发", "落实", "深化", "加强", "开展", "梳理", "督促"]
OBJECTS = ["全省进口冷链食品物防工作视频会", "涉企收费专项检查", "年度综合绩效考评工作", "重点专项规划编制",
           "长三角市场体系一体化建设", "知识产权综合执法行动", "工业产品生产许可告知承诺制", "绿色产品认证体系",
           "县域块状产业产品质量风险排查", "公平竞争审查制度", "“品字标浙江制造”公共品牌建设", "科技强局战略"]
TAILS = ["截至目前,全省累计查处案件{n}余件", "共出动人员{n}人次,检查单位{m}家", "完成年度任务的{p}%",
         "已超额完成年度任务", "形成良好社会共治氛围", "相关材料已报送省政府(办公厅)",
         "新增标准{m}项,累计{n}项", "减免费用{f}万元"]
PROJECTS = ["全力做好疫情防控", "助推复工复产复市", "优化绩效考评体系", "编制“十四五”重点专项规划",
            "深入推进长三角一体化", "实施“法治市监”提升工程", "强化涉企收费行为监管", "加强重点产品质量安全监管"]


def sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS).format(n=rng.randint(100, 40000), m=rng.randint(10, 2000), p=rng.randint(80, 130),
                                    f=f"{rng.uniform(10, 9999):.1f}")
    return f"{rng.choice(VERBS)}{rng.choice(OBJECTS)},{rng.choice(VERBS)}{rng.choice(OBJECTS)}。{tail}。"


def bulletin(seed: int, items: int = 50) -> str:
    """Return the text of one generated bulletin (deterministic in `seed`)."""
    rng = random.Random(seed)
    year = 2015 + seed % 8
    office = rng.choice(OFFICES)
    lines = [f"{office.split('(')[0]}{year}{rng.choice(TITLES)}", "",
             f"来源:{office} 发布日期:{year + 1}-0{1 + seed % 9}-{10 + seed % 18} 09:19 "
             "字体:[       ] 浏览次数:( )", "", "序号", "", "项目名称", "", "12月工作进展", ""]
    for item in range(1, items + 1):
        lines += [str(item), "", f"{rng.choice(PROJECTS)}{item}", ""]
        number = 0
        for _group in range(rng.choice((1, 1, 2))):
            for _ in range(rng.randint(1, 4)):
                number += 1
                lines.append(f"{number}.{sentence(rng)}")
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
