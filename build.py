#!/usr/bin/env python3
"""Build the plan open-data site: `python build.py` (all), `python build.py extract FILE --out DIR` (one document)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planpub.config import Paths
from planpub.errors import PlanError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strict", action="store_true", help="treat warnings (e.g. a missing translation) as errors")
    commands = parser.add_subparsers(dest="command")
    one = commands.add_parser("extract", help="read + extract + package one document into DIR (no site)")
    one.add_argument("file", type=Path)
    one.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from planpub import pipeline

    try:
        if args.command == "extract":
            pipeline.extract_file(args.file, args.out)
        else:
            pipeline.build(Paths(), strict=args.strict)
    except PlanError as exc:
        print(f"error: {exc.format()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
