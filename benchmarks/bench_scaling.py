"""How time and memory grow with the input: the sample, the sample 100× (5,000 items), one 1 MB
paragraph, a 2,000-character title in a bulletin JSON, and a table row taller than a page — each
through every stage and all three formats, warm (fonts loaded), in a process of its own for its
peak memory. The ratios to the sample are what the README reports; linear work gives a time
ratio near the size ratio.

    python benchmarks/bench_scaling.py
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "samples" / "zj-amr-2020-q4-progress.txt"
WORDS = "全省市场监管系统深入开展专项整治行动，推动高质量发展取得新成效，"


def _larger(text: str, times: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_core", ROOT / "benchmarks" / "bench_core.py")
    core = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(core)
    return core.larger(text, times)


def case(name: str) -> tuple[str, bytes]:
    """(file name, bytes) of a case."""
    sample = SAMPLE.read_text(encoding="utf-8")
    if name == "sample":
        return "sample.txt", sample.encode()
    if name == "100x":
        return "big.txt", _larger(sample, 100).encode()
    if name == "paragraph-1mb":
        para = (WORDS * (1_000_000 // len(WORDS) + 1))[:1_000_000]
        return "para.txt", ("浙江省市场监督管理局关于开展质量提升行动的通知\n\n来源:省局 发布日期:2021-01-01\n\n"
                            f"各市场监管局：\n\n{para}。\n\n浙江省市场监督管理局\n2021年2月7日\n").encode()
    if name == "title-2000":
        from bulletin import api

        doc = json.loads(api.load(SAMPLE).to_json())
        doc["meta"]["title"] = (WORDS * 70)[:2000] + "的通知"
        return "title.json", json.dumps(doc, ensure_ascii=False).encode()
    if name == "tall-row":
        note = "说明：本表所列各项工作均按照年度计划推进，各地各部门认真落实责任分工，形成工作合力，" * 2000
        return "tall.txt", sample.replace("12月工作进展\n\n1\n", f"12月工作进展\n\n{note}\n\n1\n", 1).encode()
    raise SystemExit(f"unknown case {name}")


CASES = ["sample", "100x", "paragraph-1mb", "title-2000", "tall-row"]


def measure(name: str) -> dict:
    from bulletin import api

    api.render(api.load(SAMPLE), ["json", "docx", "pdf"])  # warm: fonts, style, templates
    file, data = case(name)
    runs = 5 if name == "sample" else 1
    best: dict[str, float] = {}
    for _ in range(runs):
        t0 = time.perf_counter()
        doc = api.load(data, name=file)
        times = {"read+parse+normalise+validate": time.perf_counter() - t0}
        for fmt in ("json", "docx", "pdf"):
            t = time.perf_counter()
            api.render(doc, [fmt])
            times[fmt] = time.perf_counter() - t
        times["total"] = time.perf_counter() - t0
        best = {k: min(v, best.get(k, v)) for k, v in times.items()}
    return {"bytes": len(data), "times": best, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(measure(sys.argv[2])))
        return
    rows = {}
    for name in CASES:
        out = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True, check=True)
        rows[name] = json.loads(out.stdout)
    base = rows["sample"]
    print("| input | size | size × | read…validate | .json | .docx | .pdf | total | time × | peak memory |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        t = r["times"]
        print(f"| {name} | {r['bytes'] / 1e6:.2f} MB | {r['bytes'] / base['bytes']:.0f} | "
              + " | ".join(f"{t[k]:.3f} s" for k in ("read+parse+normalise+validate", "json", "docx", "pdf", "total"))
              + f" | {t['total'] / base['times']['total']:.0f} | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
