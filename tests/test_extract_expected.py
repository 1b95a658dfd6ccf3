"""Extraction of the five real plans against hand-checked records (tests/expected/<plan_id>.yaml)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from planpub.config import ROOT, Paths, strip_lines
from planpub.extract import extract
from planpub.pipeline import load_registry
from planpub.read import read_document

EXPECTED = sorted((ROOT / "tests" / "expected").glob("*.yaml"))


@cache
def expected(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def records(plan_id: str) -> dict:
    entry = next(e for e in load_registry(Paths()) if e["plan_id"] == plan_id)
    return extract(read_document(Paths().sources / entry["source"]), strip_lines(entry))


def cases(path: Path) -> tuple[dict, dict]:
    spec = expected(path)
    return spec, records(spec["plan_id"])


ids = [p.stem for p in EXPECTED]


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_metadata_stated_in_the_document_is_extracted(path):
    spec, got = cases(path)
    plan = got["plans"][0]
    assert plan["source_file"] == spec["source_file"]
    for key, value in spec["metadata"].items():
        assert str(plan[key]) == str(value), key


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_every_indicator_row_matches_the_hand_checked_table(path):
    spec, got = cases(path)
    rows = got["indicators"]
    assert len(rows) == spec["indicator_count"] == len(spec["indicators"])
    for want, row in zip(spec["indicators"], rows, strict=True):
        assert {k: row[k] for k in want} == want, f"row {want['seq']} {want['sub_item_zh']}"


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_every_project_item_is_found_with_its_box(path):
    spec, got = cases(path)
    fields = ("box_no", "box_title_zh", "seq", "name_zh", "source_line")
    want = [{k: p[k] for k in fields} for p in spec["projects"] or []]
    assert [{k: p[k] for k in fields} for p in got["projects"]] == want


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_outline_has_the_chapters_and_sampled_sections(path):
    spec, got = cases(path)
    sections = got["sections"]
    assert sum(s["level"] == 1 for s in sections) == spec["section_count_level1"]
    have = [{k: s[k] for k in ("level", "label", "title_zh", "source_line")} for s in sections]
    for want in spec["sections_sample"]:
        assert want in have


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_ids_are_unique_short_ascii(path):
    _, got = cases(path)
    for resource, key in (("indicators", "indicator_id"), ("projects", "project_id"), ("sections", "section_id")):
        values = [r[key] for r in got[resource]]
        assert len(values) == len(set(values)), resource
        assert all(v.isascii() and len(v) <= 16 for v in values), resource


def han_overlap(want: str, got: str) -> float:
    """Share of the hand-written metric's Han characters that the extracted metric contains."""
    chars = [c for c in want if "\u4e00" <= c <= "\u9fff"]
    return sum(c in got for c in chars) / max(1, len(chars))


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_sampled_text_targets_are_found_with_exact_value_unit_comparator_and_year(path):
    spec, got = cases(path)
    close = 0
    for want in spec.get("targets_sample") or []:
        same = [
            t
            for t in got["targets"]
            if (t["source_line"], t["value"], t["unit_zh"]) == (want["source_line"], want["value"], want["unit_zh"])
            and (t["comparator"], t["year"]) == (want["comparator"], want["year"])
        ]
        assert same, f"target {want['metric_zh']} {want['value']}{want['unit_zh']} at line {want['source_line']}"
        best = max(han_overlap(want["metric_zh"], t["metric_zh"]) for t in same)
        assert best > 0, f"metric of {want['metric_zh']}: {[t['metric_zh'] for t in same]}"
        close += best >= 0.5
    # metric names in the fixtures are a reader's paraphrase; most extracted metrics must be close to them
    assert close >= 0.75 * len(spec.get("targets_sample") or [])


@pytest.mark.parametrize("path", EXPECTED, ids=ids)
def test_past_achievements_hotlines_and_service_radii_are_not_targets(path):
    spec, got = cases(path)
    for bad in spec.get("not_targets_sample") or []:
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", bad["text_contains"])}
        hits = [t for t in got["targets"] if t["source_line"] == bad["source_line"] and t["value"] in numbers]
        assert numbers and not hits, f"{bad['text_contains']} gave {[(t['metric_zh'], t['value']) for t in hits]}"
