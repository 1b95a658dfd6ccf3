"""Boxes (专栏) hold projects, an indicator table, targets in prose or policy text; only projects are projects.
Written from real boxes: the five documents, the excerpts of other plans' pages, and small documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from planpub.config import ROOT, Paths, strip_lines
from planpub.extract import extract
from planpub.pipeline import load_registry
from planpub.read import read_document

EXCERPTS = sorted((ROOT / "tests" / "documents" / "excerpts").glob("*.txt"))
DOCS = ROOT / "tests" / "documents"


def records_of(path: Path) -> dict:
    return extract(read_document(path), {"plan_id": "t"})


def kinds(records: dict) -> list[tuple[str, str, int]]:
    return [(b["box_no"], b["kind"], b["items"]) for b in records["boxes"]]


@pytest.mark.parametrize("path", EXCERPTS, ids=[p.stem for p in EXCERPTS])
def test_no_excerpt_of_another_plan_yields_a_project(path):
    # None of these pages holds a box of project items (tests/documents/excerpts/SOURCES.md)
    assert records_of(path)["projects"] == []


def test_a_box_holding_the_indicator_table_goes_to_the_table_reader():
    got = records_of(DOCS / "excerpts" / "eco13_nation_box1_discuz.txt")
    assert kinds(got) == [("1", "indicators", 0)]
    assert len(got["indicators"]) == 8 and got["projects"] == []
    got = records_of(DOCS / "table_in_box.txt")
    assert kinds(got) == [("1", "indicators", 0), ("2", "projects", 2)]


def test_a_box_of_target_sentences_goes_to_the_targets():
    got = records_of(DOCS / "excerpts" / "zhejiang_edu13_spacecols_box1.txt")
    assert kinds(got) == [("1", "targets", 0)]
    assert [(t["metric_zh"], t["value"], t["unit_zh"], t["year"], t["source_line"]) for t in got["targets"]] == [
        ("普惠性幼儿园覆盖面", 80, "%", 2017, 43),
        ("等级幼儿园覆盖面", 95, "%", 2018, 43),
    ]


def test_a_box_of_policy_text_under_a_title_that_names_no_undertaking_holds_no_project(tmp_path):
    doc = tmp_path / "policy.txt"
    doc.write_text("专栏3 深化医药卫生体制改革\n\n推动公立医院综合改革，完善分级诊疗制度，健全医疗保障体系。\n", encoding="utf-8")
    got = records_of(doc)
    assert kinds(got) == [("3", "policy", 0)] and got["projects"] == []


def test_the_five_documents_project_boxes_keep_their_128_items():
    per_plan = {}
    for entry in load_registry(Paths()):
        entry = strip_lines(entry)
        got = extract(read_document(Paths().sources / entry["source"]), entry)
        assert {b["kind"] for b in got["boxes"]} <= {"projects"}
        assert sum(b["items"] for b in got["boxes"]) == len(got["projects"])
        per_plan[entry["plan_id"]] = len(got["projects"])
    assert sum(per_plan.values()) == 128 and per_plan["shanxi-2021-public-services"] == 0


def test_web_furniture_after_the_text_gives_no_item_section_or_target(tmp_path):
    got = records_of(DOCS / "excerpts" / "zhejiang_edu13_spacecols_box1.txt")
    furniture_starts = 45  # 高中一轮复习资料大放送 / 本文关键字 / 扫码关注回
    for resource in ("projects", "sections", "targets"):
        assert all(r["source_line"] < furniture_starts for r in got[resource]), resource
    doc = tmp_path / "page.txt"
    doc.write_text(
        "专栏2 文化旅游重点工程\n黄河文化旅游带建设工程。建设沿线旅游公路。\n尧都古城保护利用工程。修缮古城街区。\n"
        "本文关键字: 文化旅游 规划\n扫码关注我们\n上一篇：2021年全市旅游收入达到430亿元\n责任编辑：张三\n",
        encoding="utf-8",
    )
    got = records_of(doc)
    assert [p["name_zh"] for p in got["projects"]] == ["黄河文化旅游带建设工程", "尧都古城保护利用工程"]
    assert got["targets"] == [] and got["sections"] == []
