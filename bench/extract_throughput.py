"""Extraction throughput: read + extract over the five plan documents, in MB per second, per format (run by hand).

    .venv/bin/python bench/extract_throughput.py [--rounds N] [--formats txt,html,docx,pdf]

The text documents are datasets/sources/; their web-page, Word and PDF versions are tests/documents/formats/. MB are of
the file as given (a PDF's bytes, not its text). Goal for text: at least 5 MB/s; a PDF may be slower (its
layout is read character by character). Prints per-document and per-format figures; not a test.
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

FORMATS = Path(__file__).resolve().parent.parent / "tests" / "documents" / "formats"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--formats", default="txt,html,docx,pdf", help="comma-separated: txt, html, docx, pdf")
    args = parser.parse_args()
    paths = Paths()
    entries = load_registry(paths)
    read_document(paths.sources / entries[0]["source"])  # warm up OpenCC and caches
    for fmt in args.formats.split(","):
        total_bytes, total_time = 0, 0.0
        for entry in entries:
            path = paths.sources / entry["source"] if fmt == "txt" else FORMATS / f"{entry['plan_id']}.{fmt}"
            size = path.stat().st_size
            start = time.perf_counter()
            for _ in range(args.rounds):
                extract(read_document(path), entry)
            elapsed = (time.perf_counter() - start) / args.rounds
            total_bytes, total_time = total_bytes + size, total_time + elapsed
            name = f"{entry['plan_id']}.{fmt}"
            print(f"{name:<50} {size / 1e6:6.3f} MB  {elapsed * 1000:7.1f} ms  {size / 1e6 / elapsed:6.2f} MB/s")
        rate = total_bytes / 1e6 / total_time
        print(f"{'total ' + fmt:<50} {total_bytes / 1e6:6.3f} MB  {total_time * 1000:7.1f} ms  {rate:6.2f} MB/s\n")


if __name__ == "__main__":
    main()
