#!/usr/bin/env python3
"""Rebuild benchmark: full build vs no-op rebuild vs one-plan change, as a maintainer runs them.

    .venv/bin/python bench/rebuild.py [--runs N] [--copies K]

Each build is the real command (`python build.py --root COPY`) in a fresh copy of the project, timed
wall-clock. full = empty .cache/ and no site/; no-op = nothing changed; one-plan = one plan's
registry entry edited (its issuer), so that plan's extraction, package, chart and page are redone,
plus the pages that aggregate every plan. `--copies K` registers each real document K times under
new ids, to see how the ratios move with a larger catalogue. Targets: no-op ≤ 10 %, one-plan ≤ 30 %.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN_LINE = re.compile(r"^  - plan_id: (\S+)$", re.M)


def copy_project(dest: Path, copies: int) -> Path:
    shutil.copytree(ROOT / "datasets", dest / "datasets", ignore=shutil.ignore_patterns(".packages-*"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "charts", dest / "charts")
    (dest / "planpub").symlink_to(ROOT / "planpub")  # where mkdocs.yml's hooks file and theme lie
    registry = dest / "datasets" / "plans.yaml"
    text = registry.read_text(encoding="utf-8")
    entries = text[text.index("  - plan_id:") :]
    for n in range(1, copies):
        text += "\n" + PLAN_LINE.sub(lambda m, n=n: f"  - plan_id: {m[1]}-copy{n}", entries)
    registry.write_text(text, encoding="utf-8")
    return dest


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (/proc/stat: user, nice, system, irq, softirq).

    The build's workers are forked by multiprocessing's fork server, so their CPU time never reaches this
    process's RUSAGE_CHILDREN; run the benchmark on an otherwise idle machine."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed(root: Path, *args: str) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of the machine) of one real build."""
    start, cpu = time.perf_counter(), busy_cpu_seconds()
    run = subprocess.run([sys.executable, "build.py", "--root", str(root), *args], cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"build failed:\n{run.stderr}")
    return time.perf_counter() - start, busy_cpu_seconds() - cpu


def edit_one_plan(root: Path, run: int) -> None:
    registry = root / "datasets" / "plans.yaml"
    text = registry.read_text(encoding="utf-8")
    new = f"issuer_zh: 忻州市人民政府{'办公室' * (run % 2)}\n"
    text = re.sub(r"issuer_zh: 忻州市人民政府(办公室)?\n", new, text, count=1)
    registry.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1, help="register every document this many times")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp), args.copies)
        full, noop, one = [], [], []
        for run in range(args.runs):
            for folder in (root / ".cache", root / "site"):
                shutil.rmtree(folder, ignore_errors=True)
            full.append(timed(root, "--force"))
            noop.append(timed(root))
            edit_one_plan(root, run + 1)
            one.append(timed(root))
    plans = 5 * args.copies
    print(f"rebuild benchmark: {plans} plans, median of {args.runs} runs of the real `python build.py`")
    print(f"  {'':28} {'wall':>8} {'':>7}   {'CPU':>8} {'':>7}")
    f_wall, f_cpu = (statistics.median(t[i] for t in full) for i in (0, 1))
    for name, times, target in (
        ("full build (empty cache)", full, ""),
        ("no-op rebuild", noop, "≤ 10 %"),
        ("one-plan change", one, "≤ 30 %"),
    ):
        wall, cpu = (statistics.median(t[i] for t in times) for i in (0, 1))
        print(f"  {name:28} {wall:7.2f}s {100 * wall / f_wall:6.1f}%   {cpu:7.2f}s {100 * cpu / f_cpu:6.1f}%   {target}")


if __name__ == "__main__":
    main()
