"""Shared fixtures: a throw-away copy of the project, and one real build of it for the whole session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planpub.config import ROOT, Paths
from planpub.pipeline import build

from .browser import chromium, serve

SOURCES = ROOT / "datasets" / "sources"


def copy_project(dest: Path) -> Paths:
    """A copy of the inputs (datasets without packages, mkdocs.yml) that a build may write into."""
    shutil.copytree(ROOT / "datasets", dest / "datasets", ignore=shutil.ignore_patterns("packages", ".packages-*"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return Paths(root=dest)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Paths:
    """The five real plans built once, by the real pipeline, into a temporary project."""
    paths = copy_project(tmp_path_factory.mktemp("project"))
    build(paths, log=lambda _: None)
    return paths


# --- the browser tests' fixtures (tests/test_browser.py, tests/test_phone.py) ---

SUB = "/sub/path/"


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """The built site under /sub/path/ on a local port; yields the site's base URL."""
    root = tmp_path_factory.mktemp("www")
    shutil.copytree(built.site, root / SUB.strip("/"))
    with serve(root) as base:
        yield base.rstrip("/") + SUB


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


class Visit:
    """A fresh page that records every request and every console error or uncaught exception."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"{self.page.url}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))

    def open(self, url: str):
        response = self.page.goto(url, wait_until="networkidle")
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
