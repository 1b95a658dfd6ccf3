"""The data changelog: a build that changes values appends one dated entry (old → new, rows added/removed) to
datasets/CHANGELOG.yaml, shown on a Changelog page in both languages and in a valid Atom feed; no change, no entry."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import unescape

import yaml

from .conftest import built_copy, run_build
from .test_maint_corrections import PLAN, corrected  # noqa: F401  (the module's built-with-corrections project)

ATOM = "{http://www.w3.org/2005/Atom}"


def last_entry(paths) -> dict:
    return yaml.safe_load(paths.changelog.read_text(encoding="utf-8"))[-1]


def test_a_build_that_changes_values_appends_a_dated_entry_with_old_and_new(corrected, built):  # noqa: F811
    entries = yaml.safe_load(corrected.changelog.read_text(encoding="utf-8"))
    assert len(entries) == len(yaml.safe_load(built.changelog.read_text(encoding="utf-8"))) + 1
    entry = entries[-1]
    assert str(entry["date"]) == "2026-11-23"  # catalog.yaml `released`, not the clock
    changes = entry["changes"]
    assert {
        "plan_id": PLAN,
        "resource": "indicators",
        "id": "i002",
        "change": "changed",
        "field": "target_value",
        "old": "5.25",
        "new": "5.2",
    } in changes
    assert any(c["change"] == "removed" and c["id"] == "i001" for c in changes)
    assert any(c["change"] == "added" and c["resource"] == "targets" and c["id"] == "t900" for c in changes)
    assert {c["plan_id"] for c in changes} == {PLAN}


def test_the_changelog_page_shows_the_change_in_both_languages(corrected):  # noqa: F811
    for page, word in ((corrected.site / "changelog.html", "修改"), (corrected.site / "en" / "changelog.html", "changed")):
        html = unescape(page.read_text(encoding="utf-8"))
        assert word in html and "i002" in html and "5.25" in html and "target_value" in html


def test_the_atom_feed_is_valid_atom_with_one_entry_per_release(corrected):  # noqa: F811
    feed = ET.parse(corrected.site / "changelog.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(yaml.safe_load(corrected.changelog.read_text(encoding="utf-8")))
    newest = entries[0]
    assert newest.find(f"{ATOM}updated").text == "2026-11-23T00:00:00Z"
    assert "i002" in newest.find(f"{ATOM}content").text and newest.find(f"{ATOM}id").text.startswith("urn:")
    assert len({e.find(f"{ATOM}id").text for e in entries}) == len(entries)


def test_a_rebuild_without_value_changes_adds_no_entry(built, tmp_path):
    paths = built_copy(built, tmp_path)
    before = paths.changelog.read_bytes()
    run = run_build(paths, "--force")
    assert run.returncode == 0, run.stderr
    assert paths.changelog.read_bytes() == before


def test_an_explicit_date_dates_the_entry(built, tmp_path):
    paths = built_copy(built, tmp_path)
    registry = paths.registry.read_text(encoding="utf-8")
    paths.registry.write_text(registry.replace("issuer_zh: 忻州市人民政府", "issuer_zh: 忻州市政府"), encoding="utf-8")
    run = run_build(paths, "--date", "2027-01-15")
    assert run.returncode == 0, run.stderr
    entry = last_entry(paths)
    assert str(entry["date"]) == "2027-01-15"
    assert [c for c in entry["changes"] if c["field"] == "issuer_zh"] == [
        {"plan_id": PLAN, "resource": "plans", "id": PLAN, "change": "changed", "field": "issuer_zh"}
        | {"old": "忻州市人民政府", "new": "忻州市政府"}
    ]
    # the English issuer changes with it: the new Chinese name has no curated translation
    assert {c["field"] for c in entry["changes"]} == {"issuer_zh", "issuer_en"}
