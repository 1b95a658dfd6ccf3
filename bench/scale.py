"""Scaling benchmark: the whole build of N synthetic plans against a bare `mkdocs build` of the same pages.

python bench/scale.py [--plans 5 50 500] [--keep]    (default 5 and 50; 500 takes long)

For each N: a fresh project copy (bench/synth.py), `build.py --root DIR --force` with an empty cache,
timed per stage from the build's own log lines; then the build's generated docs folder is kept (a second
run, stopped just before MkDocs) and `planpub.site.mkdocs_build` alone is timed on it with the same
mkdocs.yml and theme. Peak memory: each child's largest process (maxrss from os.wait4: the build's main
process), and the peak of the build's processes together (its worker too), sampled from /proc. CPU: the seconds
the machine was busy meanwhile (/proc/stat, as bench/rebuild.py counts it: the workers are not the build's
children), so run it on an otherwise idle machine; on two cores a build that keeps both busy takes at least half
its CPU seconds, whatever the wall-clock noise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rebuild import busy_cpu_seconds  # noqa: E402
from synth import ROOT, synthesise  # noqa: E402

# Segments of the build's log: (name, the log word that ends it); the first starts at process start.
# Validation and downloads run in the build's worker process while the pages are written (their stage
# here is only their start), and the chart SVGs while MkDocs runs (planpub/background.py).
STAGES = [
    ("start, read, extract", "concepts"),
    ("link, translate", "package"),
    ("write packages", "download"),
    ("start downloads", "page"),
    ("charts, pages (+ validation, downloads)", "site"),
    ("mkdocs (+ chart SVGs)", "cache"),
    ("finish", None),
]
KEEP_DOCS = """
import shutil, sys
sys.path.insert(0, {root!r})
import build
from planpub import site
class Kept(Exception):
    pass
def keep(config, docs, out, placed):
    shutil.copytree(docs, {docs!r})
    for name, folder in placed.items():  # in the docs folder: the bare build copies them, as plain MkDocs does
        shutil.copytree(folder, {docs!r} + "/" + name)
    raise Kept
site.mkdocs_build = keep
try:
    build.main(["--root", {project!r}, "--force"])
except Kept:
    pass
"""
BARE = "import sys; from pathlib import Path; from planpub.site import mkdocs_build; mkdocs_build(*map(Path, sys.argv[1:]))"


@dataclass
class Run:
    seconds: float
    cpu: float  # seconds the machine was busy meanwhile (every core, the build's workers too)
    peak_mb: float  # the largest process's peak (the build's main process, or bare MkDocs)
    tree_mb: float  # the peak of all its processes' memory together (the build's worker too)
    lines: list[tuple[float, str]] = field(default_factory=list)


def run(args: list[str]) -> Run:
    """Run a Python child, timestamping each output line; the machine's busy CPU meanwhile, its peak RSS from wait4
    (its largest process), and the peak of its processes' RSS summed, sampled every 0.2 s."""
    start, cpu = time.perf_counter(), busy_cpu_seconds()
    child = subprocess.Popen([sys.executable, "-u", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tree = [0]
    sampler = threading.Thread(target=_sample_tree, args=(child.pid, tree), daemon=True)
    sampler.start()
    lines = [(time.perf_counter() - start, line.rstrip()) for line in child.stdout]
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds, cpu = time.perf_counter() - start, busy_cpu_seconds() - cpu
    sampler.join()
    if child.returncode:
        sys.exit(f"{args[:2]} failed:\n" + "\n".join(text for _, text in lines[-20:]))
    return Run(seconds, cpu, usage.ru_maxrss / 1024, tree[0] / 1024, lines)


def _sample_tree(pid: int, peak: list[int]) -> None:
    """The peak of the summed RSS (KB) of `pid` and its descendants, until `pid` is gone."""
    while rss := sum(map(_rss_kb, _tree(pid))):
        peak[0] = max(peak[0], rss)
        time.sleep(0.2)


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0


def stage_times(build: Run) -> dict[str, float]:
    """Seconds per stage: from the previous stage's end to the first log line starting with the next stage's word."""
    first: dict[str, float] = {}
    for moment, text in build.lines:
        first.setdefault(text.split(" ", 1)[0], moment)
    times, begin = {}, 0.0
    for name, word in STAGES:
        end = first.get(word, build.seconds) if word else build.seconds
        times[name], begin = end - begin, end
    return times


def measure(n: int, project: Path) -> dict:
    synthesise(n, project)
    build = run(["build.py", "--root", str(project), "--force"])
    pages = [p.stat().st_size for p in (project / "site").rglob("*.html")]
    docs, out = project / "bare-docs", project / "bare-site"
    (project / "site").rename(project / "built-site")  # else the second run keeps site/ and never reaches MkDocs
    run(["-c", KEEP_DOCS.format(root=str(ROOT), docs=str(docs), project=str(project))])
    bare = run(["-c", BARE, str(project / "mkdocs.yml"), str(docs), str(out)])
    return {
        "n": n,
        "build": build.seconds,
        "bare": bare.seconds,
        "cpu": build.cpu,
        "bare_cpu": bare.cpu,
        "peak_mb": build.peak_mb,
        "tree_mb": build.tree_mb,
        "bare_peak_mb": bare.peak_mb,
        "pages": len(pages),
        "html_bytes": sum(pages),
        "stages": stage_times(build),
    }


def table(results: list[dict]) -> str:
    """The figures as a Markdown table, one column per N."""
    rows = [
        ("whole build, s", lambda r: f"{r['build']:.1f}"),
        *((f"· {name}, s", lambda r, name=name: f"{r['stages'][name]:.1f}") for name, _ in STAGES),
        ("bare mkdocs build, s", lambda r: f"{r['bare']:.1f}"),
        ("build / bare mkdocs", lambda r: f"{r['build'] / r['bare']:.2f}"),
        ("CPU of the machine, build / bare mkdocs, s", lambda r: f"{r['cpu']:.1f} / {r['bare_cpu']:.1f}"),
        ("HTML pages", lambda r: str(r["pages"])),
        ("build ms / page", lambda r: f"{1000 * r['build'] / r['pages']:.0f}"),
        ("bare mkdocs ms / page", lambda r: f"{1000 * r['bare'] / r['pages']:.0f}"),
        ("HTML KB / page", lambda r: f"{r['html_bytes'] / 1024 / r['pages']:.1f}"),
        ("peak RSS build / bare, MB", lambda r: f"{r['peak_mb']:.0f} / {r['bare_peak_mb']:.0f}"),
        ("peak RSS of all the build's processes, MB", lambda r: f"{r['tree_mb']:.0f}"),
    ]
    lines = ["| N plans | " + " | ".join(str(r["n"]) for r in results) + " |", "| --- |" + " ---: |" * len(results)]
    lines += [f"| {label} | " + " | ".join(cell(r) for r in results) + " |" for label, cell in rows]
    return "\n".join(lines)


def scaling(results: list[dict]) -> list[str]:
    """Per-page time and bytes ratios between consecutive sizes (flat = 1.00)."""
    notes = []
    for small, big in zip(results, results[1:], strict=False):
        per_page = [r["build"] / r["pages"] for r in (small, big)]
        size = [r["html_bytes"] / r["pages"] for r in (small, big)]
        notes.append(
            f"{small['n']} → {big['n']} plans: time per page × {per_page[1] / per_page[0]:.2f}, "
            f"bytes per page × {size[1] / size[0]:.2f}"
        )
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, nargs="+", default=[5, 50], help="numbers of plans (default: 5 50)")
    parser.add_argument("--keep", action="store_true", help="keep the project copies (their paths are printed)")
    args = parser.parse_args()
    results = []
    for n in sorted(args.plans):
        project = Path(tempfile.mkdtemp(prefix=f"scale-{n}-"))
        results.append(measure(n, project))
        print(f"{n} plans: {results[-1]['build']:.1f} s" + (f" ({project})" if args.keep else ""), file=sys.stderr)
        if not args.keep:
            shutil.rmtree(project)
    print(table(results))
    print("\n".join(scaling(results)))


if __name__ == "__main__":
    main()
