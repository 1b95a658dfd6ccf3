"""Extraction throughput: read + extract over the five plan documents, in MB of text per second (run by hand).

    .venv/bin/python bench/extract_throughput.py [--rounds N]

Goal: at least 5 MB/s. Prints per-document and total figures; not a test (timings vary by machine).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planpub.config import Paths  # noqa: E402
from planpub.extract import extract  # noqa: E402
from planpub.pipeline import load_registry  # noqa: E402
from planpub.read import read_document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = Paths()
    entries = load_registry(paths)
    read_document(paths.sources / entries[0]["source"])  # warm up OpenCC and caches
    total_bytes, total_time = 0, 0.0
    for entry in entries:
        path = paths.sources / entry["source"]
        size = path.stat().st_size
        start = time.perf_counter()
        for _ in range(args.rounds):
            extract(read_document(path), entry)
        elapsed = (time.perf_counter() - start) / args.rounds
        total_bytes, total_time = total_bytes + size, total_time + elapsed
        print(f"{entry['plan_id']:<45} {size / 1e6:6.3f} MB  {elapsed * 1000:7.1f} ms  {size / 1e6 / elapsed:6.2f} MB/s")
    rate = total_bytes / 1e6 / total_time
    print(f"{'total':<45} {total_bytes / 1e6:6.3f} MB  {total_time * 1000:7.1f} ms  {rate:6.2f} MB/s (goal ≥ 5)")


if __name__ == "__main__":
    main()
