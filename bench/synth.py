"""Synthetic plans for the scaling benchmark: the real documents with other regions and perturbed numbers.

python bench/synth.py N DIR    copy the project inputs into DIR with N plans (datasets/sources + plans.yaml)

Plan i is real document i mod 5 with the Shanxi region names replaced by a real province (provincial
plans) or a real city and its province (city plans), more rows (in plan i, a share (i mod 4) / 4 of the
projects of its 专栏 boxes gets a second phase: a copy of the project's paragraph right after it, named
"…二期工程", so plans differ in size), and every number that is not a year, a small ordinal or a
leading-zero code multiplied by a random factor in [0.8, 1.2] (same decimals and `1,234` grouping).
Seeded: the same N gives the same plans. Indicator tables keep their base's rows.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planpub.config import Paths  # noqa: E402
from planpub.registry import load as load_registry  # noqa: E402
from planpub.site import copy_config  # noqa: E402

# (province, short name, code, [(city, code), ...]); real names and GB/T 2260 codes.
PROVINCES = [
    ("河北省", "河北", "130000", [("石家庄市", "130100"), ("唐山市", "130200"), ("保定市", "130600")]),
    ("辽宁省", "辽宁", "210000", [("沈阳市", "210100"), ("大连市", "210200")]),
    ("吉林省", "吉林", "220000", [("长春市", "220100")]),
    ("江苏省", "江苏", "320000", [("南京市", "320100"), ("无锡市", "320200"), ("苏州市", "320500")]),
    ("浙江省", "浙江", "330000", [("杭州市", "330100"), ("宁波市", "330200"), ("温州市", "330300")]),
    ("安徽省", "安徽", "340000", [("合肥市", "340100"), ("芜湖市", "340200")]),
    ("福建省", "福建", "350000", [("福州市", "350100"), ("厦门市", "350200")]),
    ("江西省", "江西", "360000", [("南昌市", "360100"), ("赣州市", "360700")]),
    ("山东省", "山东", "370000", [("济南市", "370100"), ("青岛市", "370200"), ("烟台市", "370600")]),
    ("河南省", "河南", "410000", [("郑州市", "410100"), ("洛阳市", "410300")]),
    ("湖北省", "湖北", "420000", [("武汉市", "420100"), ("宜昌市", "420500")]),
    ("湖南省", "湖南", "430000", [("长沙市", "430100"), ("株洲市", "430200")]),
    ("广东省", "广东", "440000", [("广州市", "440100"), ("深圳市", "440300"), ("佛山市", "440600")]),
    ("四川省", "四川", "510000", [("成都市", "510100"), ("绵阳市", "510700")]),
    ("贵州省", "贵州", "520000", [("贵阳市", "520100"), ("遵义市", "520300")]),
    ("云南省", "云南", "530000", [("昆明市", "530100")]),
    ("陕西省", "陕西", "610000", [("西安市", "610100"), ("宝鸡市", "610300")]),
    ("甘肃省", "甘肃", "620000", [("兰州市", "620100")]),
]
CITIES = [(p, c) for p in PROVINCES for c in p[3]]
# A number not inside another number; years (19xx/20xx) and 1-2 digit integers (ordinals, list numbers) stay.
NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d.,])")
KEEP = re.compile(r"(19|20)\d\d|\d{1,2}|0\d*")


def perturb(text: str, rng: random.Random) -> str:
    """Every value-like number times a random factor in [0.8, 1.2], written with its original decimals."""

    def scaled(match: re.Match) -> str:
        raw = match.group()
        if KEEP.fullmatch(raw):
            return raw
        decimals = len(raw.partition(".")[2])
        grouping = "," if "," in raw else ""
        return f"{float(raw.replace(',', '')) * rng.uniform(0.8, 1.2):{grouping}.{decimals}f}"

    return NUMBER.sub(scaled, text)


BOX = re.compile(r"^\s*专栏\s*[\d.]+")
PROJECT = re.compile(r"^(\s*(?:<p>)?\S{2,24}?)工程。")
BOX_REACH = 40  # lines after a box's title that may hold its projects


def grow(text: str, share: float, rng: random.Random) -> str:
    """About `share` of the projects in 专栏 boxes followed by a second phase: more rows, in the document's own layout."""
    lines, out, reach = text.split("\n"), [], 0
    for number, line in enumerate(lines):
        out.append(line)
        reach = BOX_REACH if BOX.match(line) else reach - 1
        project = PROJECT.match(line)
        if reach > 0 and project and rng.random() < share:
            gap = [""] if number + 1 < len(lines) and not lines[number + 1].strip() else []
            out += gap + [project[1] + "二期工程。" + line[project.end() :]]
    return "\n".join(out)


def regional(base: dict, number: int) -> tuple[dict[str, str], dict]:
    """The text replacements and registry fields that move base plan `base` to another real region."""
    if base["level"] == "city":
        (province, short, _, _), (city, code) = CITIES[number % len(CITIES)]
        old_city = base["region_zh"].removeprefix("山西省")
        swaps = {"山西省": province, "山西": short, old_city: city, old_city[:-1]: city[:-1]}
        return swaps, {"region_zh": province + city, "region_code": code}
    province, short, code, _ = PROVINCES[number % len(PROVINCES)]
    return {"山西省": province, "山西": short}, {"region_zh": province, "region_code": code}


def swap(text: str, swaps: dict[str, str]) -> str:
    return re.sub("|".join(map(re.escape, sorted(swaps, key=len, reverse=True))), lambda m: swaps[m.group()], text)


def synthesise(n: int, dest: Path, seed: int = 9) -> Paths:
    """A project copy in `dest` (datasets without packages, mkdocs.yml) whose registry holds `n` synthetic plans."""
    real = Paths()
    bases = load_registry(real)
    shutil.copytree(real.datasets, dest / "datasets", ignore=shutil.ignore_patterns("packages", ".packages-*", "sources"))
    copy_config(dest)
    paths = Paths(root=dest)
    paths.sources.mkdir(parents=True)
    rng = random.Random(seed)
    entries = []
    for i in range(n):
        base = bases[i % len(bases)]
        swaps, fields = regional(base, i // len(bases))
        text = (real.sources / base["source"]).read_text(encoding="utf-8")
        source = f"synth_{i:04d}.txt"
        grown = grow(swap(text, swaps), (i % 4) / 4, rng)
        (paths.sources / source).write_text(perturb(grown, rng), encoding="utf-8")
        entry = {k: v for k, v in base.items() if k not in ("plan_id", "source")}
        entry.update(fields, title_zh=swap(base["title_zh"], swaps), issuer_zh=swap(base["issuer_zh"], swaps))
        entries.append({"plan_id": f"synth-{i:04d}-{base['plan_id']}"[:80], "source": source, **entry})
    paths.registry.write_text(yaml.safe_dump({"plans": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for stale in paths.overrides.glob("*.yaml") if paths.overrides.exists() else ():
        stale.unlink()  # overrides name the real plans' ids and lines
    load_registry(paths)  # the registry's own strict checks
    return paths


if __name__ == "__main__":
    synthesise(int(sys.argv[1]), Path(sys.argv[2]))
