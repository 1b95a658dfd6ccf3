"""Incremental, deterministic, atomic builds: a no-op rebuild does nothing, a one-plan change redoes only that plan's
extraction and says why, a one-plan change gives what a clean build gives, and `check` compares packages."""

from __future__ import annotations

import re
import shutil

import pytest

from planpub import query
from planpub.concepts import load_concepts
from planpub.config import Paths

from .conftest import Ran, built_copy, edit, fails_cleanly, line_number, run_build, snapshot


def outputs(paths: Paths) -> dict[str, bytes]:
    return {f"packages/{k}": v for k, v in snapshot(paths.packages).items()} | {
        f"site/{k}": v for k, v in snapshot(paths.site).items()
    }


@pytest.fixture(scope="module")
def one_plan_changed(built, tmp_path_factory) -> tuple[Paths, Ran, Ran]:
    """A copy of the session build with one plan's registry entry edited and rebuilt from the cache, then edited
    back (with the session's published packages and changelog) and rebuilt again: the same inputs as the session's
    clean build, built by two one-plan changes in another folder. Returns the copy and both builds' output."""
    paths = built_copy(built, tmp_path_factory.mktemp("incremental"))
    original = paths.registry.read_text(encoding="utf-8")
    edit(paths.registry, "issuer_zh: 忻州市人民政府", "issuer_zh: 忻州市人民政府办公室")
    changed = run_build(paths)
    paths.registry.write_text(original, encoding="utf-8")
    shutil.rmtree(paths.packages)
    shutil.copytree(built.packages, paths.packages)
    shutil.copyfile(built.changelog, paths.changelog)
    back = run_build(paths)
    return paths, changed, back


def test_a_one_plan_change_in_another_folder_gives_what_a_clean_build_of_its_inputs_gives(built, one_plan_changed):
    """The incremental build reuses the session's clean build for the four unchanged plans and redoes the fifth:
    byte-identical to the clean build, so neither the cache nor the folder shows in any output."""
    paths, changed, back = one_plan_changed
    assert changed.returncode == 0 and back.returncode == 0, changed.stderr + back.stderr
    assert "extract  xinzhou-2021-public-services: registry entry changed" in back.stdout
    incremental, clean = outputs(paths), outputs(built)
    assert sorted(incremental) == sorted(clean)
    assert [name for name in clean if clean[name] != incremental[name]] == []


def test_a_noop_rebuild_does_nothing_and_says_so(built, tmp_path):
    paths = built_copy(built, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in paths.site.rglob("*")}
    run = run_build(paths)
    assert run.returncode == 0, run.stderr
    assert "nothing to do" in run.stdout
    assert {p: p.stat().st_mtime_ns for p in paths.site.rglob("*")} == before


def test_a_one_plan_change_redoes_only_that_plan_and_says_why(one_plan_changed):
    paths, run, _ = one_plan_changed
    assert run.returncode == 0, run.stderr
    redone = [line for line in run.stdout.splitlines() if line.startswith("extract  ")]
    assert redone == ["extract  xinzhou-2021-public-services: registry entry changed"]
    assert "changed  datasets/plans.yaml" in run.stdout and "mkdocs build (pages changed)" in run.stdout
    # The four other plans keep their pages and source pages without a query (their rows did not change), and every
    # concept its page (none shows the issuer); only the pages whose data changed are rendered again (that plan's,
    # and the aggregates); MkDocs converts and indexes again only those.
    db = query.connect(paths.packages / "all")
    query.add_concepts(db, load_concepts(paths.datasets / "concepts.yaml"))
    kept = 2 * 4 + len(query.concept_index(db))
    assert re.search(rf"\bplan-pages {kept} reused 2 computed\b", run.stdout)
    assert re.search(r"(?<![\w-])package 4 reused 1 computed\b", run.stdout)  # the other plans' packages are linked
    # Rendered again: the plan's page and source page, and the six that list every plan (home, plans, projects,
    # downloads, about, changelog), in both languages.
    assert re.search(r"(?<![\w-])page \d+ reused 16 computed\b", run.stdout)
    for stage in ("mkdocs-page", "mkdocs-search"):
        reused, computed = map(int, re.search(rf"(?<![\w-]){stage} (\d+) reused (\d+) computed", run.stdout).groups())
        assert 0 < computed <= reused / 3, (stage, reused, computed)
    assert re.search(r"\bsvg \d+ reused 0 computed", run.stdout)  # the issuer is on no chart


def test_pages_kept_whole_keep_the_entries_of_each_page_and_chart_they_were_made_of(built, one_plan_changed):
    """After a change and its undoing, the cache holds every page's and chart spec's entry of the clean build: the
    plans whose pages were kept whole did not lose them (a later change to one of those plans renders again only
    its pages whose data changed), and the first build after a clean one deletes none of them. (The About page,
    rendered by every change, is keyed by its context, which holds more than it shows: left out here.)"""
    paths, _, back = one_plan_changed
    assert back.returncode == 0, back.stderr
    for stage in ("page", "chart-spec"):
        clean = {entry.name: entry for entry in (built.cache / stage).iterdir()}
        after = {entry.name for entry in (paths.cache / stage).iterdir()}
        lost = [
            name
            for name in set(clean) - after
            if not clean[name].read_text(encoding="utf-8").startswith(('["# 关于', '["# About'))
        ]
        assert len(clean) > 10 and lost == [], (stage, len(lost))


def test_a_change_that_alters_no_page_keeps_the_site_without_running_mkdocs(built, tmp_path):
    paths = built_copy(built, tmp_path)
    edit(paths.registry, "plans:\n", "# a comment changes the file, not the data\nplans:\n")
    before = snapshot(paths.site)
    run = run_build(paths)
    assert run.returncode == 0, run.stderr
    assert "pages unchanged: keeping the current site/" in run.stdout
    assert not [line for line in run.stdout.splitlines() if line.startswith("extract  ")]
    assert snapshot(paths.site) == before


def test_a_build_failing_in_its_last_stage_publishes_nothing(built, tmp_path):
    paths = built_copy(built, tmp_path)
    published = snapshot(paths.packages) | {"CHANGELOG.yaml": paths.changelog.read_bytes()}
    edit(paths.registry, "issuer_zh: 忻州市人民政府", "issuer_zh: 忻州市政府")  # new packages, a changelog entry...
    edit(paths.root / "mkdocs.yml", "nav:\n", "nav:\n  - 缺页: missing.md\n")  # ...but MkDocs fails at the end
    fails_cleanly(paths, paths.root / "mkdocs.yml", None, "mkdocs build failed")
    assert snapshot(paths.packages) | {"CHANGELOG.yaml": paths.changelog.read_bytes()} == published


def test_a_bad_release_date_is_refused_before_anything_is_written(built, tmp_path):
    paths = built_copy(built, tmp_path)
    packages = snapshot(paths.packages)
    edit(paths.datasets / "catalog.yaml", "released: ", "released: not-a-date # ")
    fails_cleanly(paths, paths.datasets / "catalog.yaml", None, "not a date")
    assert snapshot(paths.packages) == packages


def test_check_passes_on_the_committed_packages_and_lists_differences_otherwise(built, tmp_path):
    paths = built_copy(built, tmp_path)
    run = run_build(paths, "check")
    assert run.returncode == 0, run.stderr
    csv = paths.packages / "xinzhou-2021-public-services" / "indicators.csv"
    edit(csv, ",5.25,", ",5.3,")
    run = run_build(paths, "check")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    line = line_number(csv, ",5.3,")
    assert f"xinzhou-2021-public-services/indicators.csv:{line}: committed" in run.stderr
    assert "5.3" in run.stderr and "5.25" in run.stderr
