"""Shared fixtures: a throw-away copy of the project, and one real build of it for the whole session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planpub.config import ROOT, Paths
from planpub.pipeline import build
from planpub.site import copy_config

SOURCES = ROOT / "datasets" / "sources"


def copy_project(dest: Path) -> Paths:
    """A copy of the inputs (datasets without packages, mkdocs.yml) that a build may write into."""
    shutil.copytree(ROOT / "datasets", dest / "datasets", ignore=shutil.ignore_patterns("packages", ".packages-*"))
    copy_config(dest)
    return Paths(root=dest)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Paths:
    """The five real plans built once, by the real pipeline, into a temporary project."""
    paths = copy_project(tmp_path_factory.mktemp("project"))
    build(paths, log=lambda _: None)
    return paths
