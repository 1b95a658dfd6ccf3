"""The command line (`python build.py COMMAND`): each command a thin call into the pipeline.

`python build.py` alone, or followed by build options (`python build.py --strict`), builds. A maintainer's
mistake (PlanError) is one message naming file, line and what to do, with exit status 1 and no traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from .config import Paths
from .errors import PlanError

_ROOT_HELP = "the project folder (default: the one holding build.py)"


class Commands(click.Group):
    """`build` when no command is named; a PlanError becomes its message and exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h")):
            args = ["build", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PlanError as exc:
            click.echo(f"error: {exc.format()}", err=True)
            ctx.exit(1)


def project(command: Callable) -> Callable:
    """The `--root` option, given to the command as `paths`."""

    def paths(_ctx: click.Context, _param: click.Parameter, root: Path | None) -> Paths:
        return Paths(root=root.resolve()) if root else Paths()

    folder = click.Path(file_okay=False, path_type=Path)
    return click.option("--root", "paths", type=folder, callback=paths, help=_ROOT_HELP)(command)


HELP = {"help_option_names": ["-h", "--help"], "terminal_width": 100, "max_content_width": 100}  # the same help anywhere


@click.group(cls=Commands, context_settings=HELP)
def commands() -> None:
    """Build the plan open-data site and data packages.

    With no command, or only build's options (`build.py --strict`), it runs `build`.
    """


@commands.command()
@click.option("--strict", is_flag=True, help="treat warnings (e.g. a missing translation) as errors")
@click.option("--force", is_flag=True, help="rebuild even if nothing changed since the last build")
@click.option("--date", metavar="YYYY-MM-DD", help="date of this release's changelog entry (default: catalog.yaml `released`)")
@project
def build(paths: Paths, strict: bool, force: bool, date: str | None) -> None:
    """Build what changed since the last build.

    Packages, downloads and site/; a failed build leaves them as they were.
    """
    from . import cache

    if not force and cache.up_to_date(paths, {"strict": strict, "date": date}):  # before the heavy imports
        click.echo(cache.NOTHING_TO_DO)
        return
    from . import background

    background.start_fork_server()  # it imports the stages while this process does too
    from . import pipeline

    pipeline.build(paths, strict=strict, force=force, date=date)


@commands.command()
@project
def check(paths: Paths) -> None:
    """Fail if the committed packages differ from the sources (CI).

    The packages are rebuilt in a temporary folder; nothing is written.
    """
    from . import pipeline

    pipeline.check(paths)


@commands.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--plan-id", help="ASCII slug for the plan (default: from the file name)")
@project
def add(paths: Paths, file: Path, plan_id: str | None) -> None:
    """Copy a plan document into datasets/sources/ and register it.

    The entry appended to datasets/plans.yaml holds what the document states and TODO for the rest.
    """
    from .add import add_plan

    add_plan(paths, file, plan_id)


@commands.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="folder for the package")
@click.option("--strict", is_flag=True, help="fail on a table read incompletely (or a region that looks like one)")
def extract(file: Path, out: Path, strict: bool) -> None:
    """One document → a data package in a folder (no site).

    Read, extract and package FILE, registered or not, taking nothing from the registry. Prints each table read
    (lines, header, the role of each column, rows) and warns about any read incompletely.
    """
    from . import pipeline

    pipeline.extract_file(file, out, strict=strict)


@commands.group()
def i18n() -> None:
    """Translation tools."""


@i18n.command()
@project
def missing(paths: Paths) -> None:
    """Print the strings without English as YAML to fill in."""
    from . import pipeline

    click.echo(pipeline.missing_translations(paths), nl=False)


def reference() -> str:
    """Every command's help, as the README's command reference shows it."""
    return "\n".join(
        f"#### `{ctx.command_path}`\n\n```text\n{ctx.get_help()}\n```\n" for ctx in _contexts(commands, "build.py", None)
    )


def _contexts(command: click.Command, name: str, parent: click.Context | None):
    """The help context of `command` and of each of its subcommands, in order."""
    ctx = click.Context(command, info_name=name, parent=parent, **(HELP if parent is None else {}))
    yield ctx
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            yield from _contexts(sub, sub_name, ctx)
