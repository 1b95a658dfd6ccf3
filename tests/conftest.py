"""Shared fixtures and helpers: a throw-away copy of the project, one real build of it for the whole session,
the command line run in this process, and checks that a maintainer's mistake fails cleanly."""

from __future__ import annotations

import fcntl
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from planpub.cli import commands
from planpub.config import ROOT, Paths
from planpub.pipeline import build
from planpub.site import copy_config

from .browser import chromium, serve

SOURCES = ROOT / "datasets" / "sources"


def copy_project(dest: Path) -> Paths:
    """A copy of the inputs (datasets without packages, mkdocs.yml) that a build may write into."""
    shutil.copytree(ROOT / "datasets", dest / "datasets", ignore=shutil.ignore_patterns("packages", ".packages-*"))
    copy_config(dest)
    return Paths(root=dest)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs a real build of the project (the session's, or a copy of it) is `slow`."""
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id: str) -> Paths:
    """The five real plans built once per test run, by the real pipeline, into a temporary project.

    Tests only read it (a test that breaks a build works on `built_copy`). Under pytest-xdist the first worker
    that needs it builds it into the run's shared temporary folder, and the others wait for it and read it.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # the run's folder, above each worker's own
    with (shared / "project.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (shared / "project.built").exists():
            shutil.rmtree(shared / "project", ignore_errors=True)  # what a worker's failed build left
            build(copy_project(shared / "project"), log=lambda _: None)
            (shared / "project.built").touch()
    return Paths(root=shared / "project")


def built_copy(built: Paths, dest: Path) -> Paths:
    """A copy of the session's built project (inputs, packages, site, cache) to break in one test."""
    shutil.copytree(built.root, dest / "p", symlinks=True)
    return Paths(root=dest / "p")


class Given:
    """A job as a stage gives it out (a `planpub.jobs.Job`): its name noted in `given`, and in `asked` when its
    result is asked for; the result is `value`, nothing is computed."""

    def __init__(self, name: str, value: object, given: list[str], asked: list[str]):
        self.name, self.value, self.asked = name, value, asked
        given.append(name)

    def result(self) -> object:
        self.asked.append(self.name)
        return self.value


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Ran:
    """What a command printed, and its exit status."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Ran:
    """`python build.py ARGS`, run in this process by click's runner; an unexpected exception fails the test."""
    result = CliRunner().invoke(commands, list(args), prog_name="build.py")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_build(paths: Paths, *args: str) -> Ran:
    """`python build.py [COMMAND] ARGS --root PROJECT` (the command is `build` when ARGS do not start with one)."""
    command, rest = (args[0], args[1:]) if args and args[0] in commands.commands else ("build", args)
    return cli(command, *rest, "--root", str(paths.root))


def fails_cleanly(paths: Paths, file: Path, line: int | None, words: str, *args: str) -> str:
    """Run the build; assert it fails with one message at file:line containing `words`, site/ untouched."""
    before = snapshot(paths.site)
    run = run_build(paths, *args)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert f"{file}:{line}:" in run.stderr if line else f"{file}:" in run.stderr, run.stderr
    assert words in run.stderr, run.stderr
    assert "→" in run.stderr  # says what to do
    assert snapshot(paths.site) == before
    return run.stderr


def line_number(path: Path, text: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if text in line][occurrence - 1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the browser tests' fixtures (tests/test_browser.py, tests/test_phone.py) ---

SUB = "/sub/path/"


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """The built site under /sub/path/ on a local port; yields the site's base URL."""
    root = tmp_path_factory.mktemp("www")
    shutil.copytree(built.site, root / SUB.strip("/"))
    with serve(root) as base:
        yield base.rstrip("/") + SUB


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test worker; each test opens fresh contexts in it (`visit`)."""
    with chromium() as launched:
        yield launched


class Visit:
    """A fresh page that records every request and every console error or uncaught exception.

    Every page Material serves starts a search worker that fetches the language's whole search index and
    builds it (~0.3 s of Chromium's CPU a page load) before anyone types. A test that never searches turns that
    off (`search_index=False`: the index request is refused); a test of search, or of everything a page
    requests, keeps it."""

    def __init__(self, browser, search_index: bool = True, **options):
        self.context = browser.new_context(**options)
        if not search_index:
            self.context.route("**/search/search_index.json", lambda route: route.abort("blockedbyclient"))
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"{self.page.url}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))

    def open(self, url: str, until: str = "load"):
        """Go to `url` and wait for its load event; `until="networkidle"` also waits out 0.5 s without requests
        (for a test of what a page requests, or a screenshot), which most tests need not pay."""
        response = self.page.goto(url, wait_until=until)
        assert response is not None and response.ok, url
        return self.page


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def make(**options) -> Visit:
        opened.append(Visit(browser, **options))
        return opened[-1]

    yield make
    for v in opened:
        v.context.close()
