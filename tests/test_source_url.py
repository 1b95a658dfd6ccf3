"""The official publication's address: recorded by a maintainer in plans.yaml, never guessed, and shown wherever
the plan is cited (the plan page, the package's sources, CITATION.cff); a malformed one fails at its line."""

from __future__ import annotations

import html
import json
import zipfile

import pytest

from .conftest import built_copy, edit, fails_cleanly, line_number, run_build

PLAN = "xinzhou-2021-public-services"
URL = "https://www.sxxz.gov.cn/zwgk/ghjh/202112/t20211208_1.html"


@pytest.fixture
def project(built, tmp_path):
    return built_copy(built, tmp_path)


def test_no_address_is_invented_for_plans_that_have_none(built):
    for plan in json.loads((built.packages / "all" / "datapackage.json").read_text(encoding="utf-8"))["sources"]:
        assert "path" not in plan


def test_a_recorded_address_is_on_the_plan_page_in_the_package_and_the_citation(project):
    edit(
        project.registry,
        "    period_end: 2025\n\n  - plan_id: shanxi-2016",
        f"    period_end: 2025\n    source_url: {URL}\n\n  - plan_id: shanxi-2016",
    )
    run = run_build(project)
    assert run.returncode == 0, run.stderr
    [source] = json.loads((project.packages / PLAN / "datapackage.json").read_text(encoding="utf-8"))["sources"]
    assert source["path"] == URL
    with zipfile.ZipFile(project.site / "downloads" / PLAN / f"{PLAN}.zip") as bundle:
        assert f"url: {URL}" in bundle.read(f"{PLAN}/CITATION.cff").decode("utf-8")
    for page in (project.site / "plans" / f"{PLAN}.html", project.site / "en" / "plans" / f"{PLAN}.html"):
        assert f'href="{URL}"' in html.unescape(page.read_text(encoding="utf-8"))  # entities decode in attributes


def test_an_address_that_is_no_web_address_fails_at_its_line(project):
    edit(
        project.registry,
        "    period_end: 2025\n\n  - plan_id: shanxi-2016",
        "    period_end: 2025\n    source_url: www.example\n\n  - plan_id: shanxi-2016",
    )
    fails_cleanly(project, project.registry, line_number(project.registry, "source_url: www.example"), "source_url")
