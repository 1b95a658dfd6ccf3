"""Maintainers' corrections (datasets/overrides/<plan_id>.yaml): fix a field, drop a row, add a row, each with a
reason; values type-checked against the schema; every correction published in the `corrections` resource and
shown as "corrected" on the plan page in both languages."""

from __future__ import annotations

import csv

import pytest

from planpub.errors import PlanError
from planpub.pipeline import build

from .conftest import built_copy

PLAN = "xinzhou-2021-public-services"
OVERRIDES = """\
# corrections to the Xinzhou plan
corrections:
  - resource: indicators
    id: i002
    field: target_value
    value: 5.2
    reason: the printed 5.25 is a typo, see the 2023 revision
drops:
  - {resource: indicators, id: i001, reason: "duplicate of a provincial indicator"}
adds:
  - resource: targets
    reason: the extractor misses this sentence
    row: {target_id: t900, metric_zh: 护理型床位占比, comparator: ">=", value: 55, unit_zh: "%", year: 2025, source_line: 171}
"""


def rows(paths, resource: str, plan: str = PLAN) -> list[dict]:
    with (paths.packages / plan / f"{resource}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def corrected(built, tmp_path_factory):
    paths = built_copy(built, tmp_path_factory.mktemp("corrected"))
    paths.overrides.mkdir(exist_ok=True)
    (paths.overrides / f"{PLAN}.yaml").write_text(OVERRIDES, encoding="utf-8")
    build(paths, log=lambda _: None)
    return paths


def test_a_correction_changes_the_field_and_keeps_the_extracted_value_in_the_corrections_resource(corrected, built):
    before = {r["indicator_id"]: r for r in rows(built, "indicators")}
    after = {r["indicator_id"]: r for r in rows(corrected, "indicators")}
    assert before["i002"]["target_value"] == "5.25" and after["i002"]["target_value"] == "5.2"
    assert after["i002"]["target_raw"] == before["i002"]["target_raw"]  # raw text as printed stays
    log = rows(corrected, "corrections")
    assert log[0] | {} == {
        "plan_id": PLAN,
        "correction_id": "c001",
        "action": "corrected",
        "resource": "indicators",
        "row_id": "i002",
        "field": "target_value",
        "old_value": "5.25",
        "new_value": "5.2",
        "reason": "the printed 5.25 is a typo, see the 2023 revision",
        "override_line": "3",
    }


def test_a_drop_removes_the_row_and_an_add_supplies_one(corrected):
    assert "i001" not in {r["indicator_id"] for r in rows(corrected, "indicators")}
    added = [r for r in rows(corrected, "targets") if r["target_id"] == "t900"]
    assert added and added[0]["value"] == "55" and added[0]["source_line"] == "171"
    assert [(r["action"], r["row_id"]) for r in rows(corrected, "corrections")] == [
        ("corrected", "i002"),
        ("dropped", "i001"),
        ("added", "t900"),
    ]
    assert len(rows(corrected, "corrections", "all")) == 3


def test_plan_page_marks_the_corrected_row_and_lists_old_value_and_reason_in_both_languages(corrected):
    for page, word in (
        (corrected.site / "plans" / f"{PLAN}.html", "已更正"),
        (corrected.site / "en" / "plans" / f"{PLAN}.html", "corrected"),
    ):
        html = page.read_text(encoding="utf-8")
        assert 'id="corrections"' in html and 'href="#corrections"' in html and word in html
        assert "2023 revision" in html and "5.25" in html


def test_a_rebuild_shows_the_corrected_and_dropped_rows_on_their_concepts_pages(corrected, built):
    """The concept pages are kept by their rows: a rebuild from the session's cache lists the corrected target (i002,
    infant mortality) with its new value and no longer lists the dropped row (i001, maternal mortality)."""
    for folder in ("", "en/"):
        page = f"{folder}indicators/infant-mortality-rate.html"
        assert "<td>2025: ≤5.2</td>" in (corrected.site / page).read_text(encoding="utf-8")
        assert "<td>2025: ≤5.25</td>" in (built.site / page).read_text(encoding="utf-8")
        page, dropped = f"{folder}indicators/maternal-mortality-rate.html", f'id="{PLAN}-i001"'
        assert dropped not in (corrected.site / page).read_text(encoding="utf-8")
        assert dropped in (built.site / page).read_text(encoding="utf-8")


def test_other_plans_pages_have_no_corrections_section(corrected):
    assert 'id="corrections"' not in (corrected.site / "plans" / "shanxi-2021-public-services.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("override", "line", "words"),
    [
        (
            "corrections:\n  - resource: indicators\n    id: i002\n    field: target_value\n    value: lots\n    reason: x\n",
            5,
            "type number",
        ),
        ("corrections:\n  - {resource: indicators, id: i002, field: attribute, value: binding-ish, reason: x}\n", 2, "one of"),
        ("corrections:\n  - {resource: indicators, id: i002, field: target_value, value: 5}\n", 2, "needs a `reason`"),
        (
            "corrections:\n  - {resource: indicators, id: i002, field: indicator_id, value: i3, reason: x}\n",
            2,
            "cannot be corrected",
        ),
        (
            "adds:\n  - resource: targets\n    reason: x\n    row:\n      target_id: t1\n      metric_zh: m\n",
            5,
            "`source_line` is required",
        ),
        (
            "adds:\n  - resource: indicators\n    reason: x\n    row: {indicator_id: i002, name_zh: x, source_line: 3}\n",
            4,
            "already exists",
        ),
        ("fixes:\n  - {resource: indicators, id: i002, reason: x}\n", 1, "unknown section"),
    ],
)
def test_a_bad_override_fails_with_its_file_and_line(built, tmp_path, override, line, words):
    paths = built_copy(built, tmp_path)
    paths.overrides.mkdir(exist_ok=True)
    path = paths.overrides / f"{PLAN}.yaml"
    path.write_text(override, encoding="utf-8")
    with pytest.raises(PlanError) as failure:
        build(paths, log=lambda _: None)
    assert (failure.value.file, failure.value.line) == (str(path), line)
    assert words in failure.value.message
