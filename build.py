#!/usr/bin/env python3
"""Build the plan open-data site and data packages: `python build.py --help` lists the commands (planpub/cli.py)."""

from planpub.cli import commands

if __name__ == "__main__":
    commands.main(prog_name="build.py")
