"""The command line: subcommands with their own options (none silently dropped), `build` by default, a
maintainer's mistake as one message with exit status 1, and the README's command reference equal to its help."""

from __future__ import annotations

import re

from planpub.cli import reference
from planpub.config import ROOT

from .conftest import cli

REGENERATE = """.venv/bin/python -c "from planpub.cli import reference; print(reference(), end='')" """


def test_the_readme_command_reference_is_the_clis_own_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- commands: start -->\n(.*)<!-- commands: end -->", readme, re.S)
    assert block, "README.md lost its command reference markers"
    assert block[1] == reference(), f"README.md's command reference is out of date: paste the output of {REGENERATE}"


def test_every_command_in_the_reference_prints_the_same_help_when_run():
    for path in re.findall(r"^#### `build\.py ?(.*)`$", reference(), re.M):
        run = cli(*path.split(), "--help")
        assert run.returncode == 0 and run.stdout.startswith(f"Usage: build.py {path}".rstrip()), path
        assert run.stdout in reference(), path


def test_an_option_of_another_command_is_refused_not_dropped():
    for args in (["check", "--strict"], ["extract", "x.txt", "--out", "o", "--force"], ["i18n", "missing", "--date", "x"]):
        run = cli(*args)
        assert run.returncode == 2 and "No such option" in run.stderr, args
    run = cli("--strict", "extract", "x.txt", "--out", "o")  # build's option, then another command
    assert run.returncode == 2 and "Error: No such option '--out'" in run.stderr


def test_build_options_alone_run_the_build_and_a_missing_registry_is_one_message(tmp_path):
    run = cli("--strict", "--root", str(tmp_path))
    assert run.returncode == 1
    assert (
        run.stderr
        == f"error: {tmp_path / 'datasets' / 'plans.yaml'}: file not found\n  → create it, or fix the path that names it\n"
    )


def test_i18n_needs_its_subcommand():
    run = cli("i18n")
    assert run.returncode == 2 and "missing" in run.stdout + run.stderr


def test_build_py_main_returns_the_exit_status(tmp_path, capsys):
    import build

    assert build.main(["check", "--strict"]) == 2
    assert build.main(["extract", str(tmp_path / "none.txt"), "--out", str(tmp_path / "o")]) == 1
    assert "none.txt: source document not found" in capsys.readouterr().err
