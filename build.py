#!/usr/bin/env python3
"""Build the plan open-data site and data packages: `python build.py --help` lists the commands (planpub/cli.py)."""

from __future__ import annotations

import sys

from planpub.cli import commands


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv) and return its exit status."""
    try:
        commands.main(args=argv, prog_name="build.py")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
