#!/usr/bin/env python3
"""Build the plan open-data site and data packages.

python build.py [--strict] [--force]     build everything (only what changed since the last build)
python build.py --check                  rebuild the packages in a temporary folder; fail if they differ from the committed ones
python build.py add FILE [--plan-id ID]  copy a new plan document into datasets/sources/ and register it
python build.py extract FILE --out DIR [--strict]  read + extract + package one document into DIR (no site);
                                         prints every table read; --strict fails on a table read incompletely
python build.py i18n --missing           print the strings that lack English as a YAML skeleton to fill in
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planpub.config import Paths
from planpub.errors import PlanError


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strict", action="store_true", help="treat warnings (e.g. a missing translation) as errors")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed since the last build")
    parser.add_argument("--check", action="store_true", help="fail if the committed datasets/packages differ from the sources")
    parser.add_argument("--date", help="date of this release's changelog entry, YYYY-MM-DD (default: catalog.yaml `released`)")
    parser.add_argument("--root", type=Path, default=None, help="the project folder (default: this one)")
    commands = parser.add_subparsers(dest="command")
    add = commands.add_parser("add", help="copy a plan document into datasets/sources/ and register it in plans.yaml")
    add.add_argument("file", type=Path)
    add.add_argument("--plan-id", help="ASCII slug for the plan (default: from the file name)")
    one = commands.add_parser("extract", help="read + extract + package one document into DIR (no site)")
    one.add_argument("file", type=Path)
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--strict", dest="extract_strict", action="store_true", help="fail on a table read incompletely")
    i18n = commands.add_parser("i18n", help="translation tools")
    i18n.add_argument("--missing", action="store_true", required=True, help="print untranslated strings as YAML")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> None:
    paths = Paths(root=args.root.resolve()) if args.root else Paths()
    if args.command == "add":
        from planpub.add import add_plan

        add_plan(paths, args.file, args.plan_id)
        return
    if args.command is None and not args.check and not args.force:
        from planpub import cache

        if cache.up_to_date(paths, {"strict": args.strict, "date": args.date}):  # before the heavy imports: a no-op stays quick
            print(cache.NOTHING_TO_DO)
            return
    from planpub import pipeline

    if args.command == "extract":
        pipeline.extract_file(args.file, args.out, strict=args.strict or args.extract_strict)
    elif args.command == "i18n":
        print(pipeline.missing_translations(paths), end="")
    elif args.check:
        pipeline.check(paths)
    else:
        pipeline.build(paths, strict=args.strict, force=args.force, date=args.date)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        run(args)
    except PlanError as exc:
        print(f"error: {exc.format()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
