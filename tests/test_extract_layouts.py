"""Layouts the five plans do not show, in small plan documents written for these tests (tests/documents/)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planpub.config import ROOT
from planpub.extract import extract
from planpub.read import read_document

DOCS = ROOT / "tests" / "documents"
FIELDS = (
    "indicator_id", "seq", "domain_zh", "name_zh", "unit_zh", "sub_item_zh", "baseline_year", "baseline_raw",
    "baseline_value", "target_year", "target_raw", "target_value", "target_comparator", "target_qualifier",
    "attribute", "note_zh", "source_line",
)  # fmt: skip


def records(name: str) -> dict:
    return extract(read_document(DOCS / name), {"plan_id": "t", "level": "city", "period_start": 2021})


def indicators(name: str) -> list[dict]:
    return [{f: row[f] for f in FIELDS} for row in records(name)["indicators"]]


# What an expected row does not say: no sequence number, domain, sub-item, qualifier or note; 2020 → 2025; `=`.
DEFAULTS = {
    "seq": "", "domain_zh": "", "sub_item_zh": "", "baseline_year": 2020, "target_year": 2025, "target_comparator": "=",
    "target_qualifier": "", "note_zh": "",
}  # fmt: skip


def row(**fields) -> dict:
    """An expected indicator row by field name, the unsaid fields from DEFAULTS."""
    assert set(fields) | set(DEFAULTS) == set(FIELDS), set(FIELDS) - set(fields) - set(DEFAULTS)
    return {f: fields.get(f, DEFAULTS.get(f)) for f in FIELDS}


def test_one_cell_per_line_between_blank_lines_with_domain_rows_and_a_note():
    # source_line is where the row starts: its number cell, the line above its name (issue #13: rows are spans)
    assert indicators("cells_between_blank_lines.txt") == [
        row(
            indicator_id="i001",
            seq="1",
            domain_zh="学前教育",
            name_zh="学前三年毛入园率",
            unit_zh="%",
            baseline_raw="91.5",
            baseline_value=91.5,
            target_raw="≥95",
            target_value=95,
            target_comparator=">=",
            attribute="expected",
            source_line=27,
        ),
        row(
            indicator_id="i002",
            seq="2",
            domain_zh="学前教育",
            name_zh="普惠性幼儿园覆盖率",
            unit_zh="%",
            baseline_raw="82.3",
            baseline_value=82.3,
            target_raw="＞85",
            target_value=85,
            target_comparator=">",
            attribute="binding",
            source_line=37,
        ),
        row(
            indicator_id="i003",
            seq="3",
            domain_zh="义务教育",
            name_zh="九年义务教育巩固率",
            unit_zh="%",
            baseline_raw="96",
            baseline_value=96,
            target_raw="97左右",
            target_value=97,
            target_comparator="~",
            attribute="binding",
            source_line=49,
        ),
        row(
            indicator_id="i004",
            seq="4",
            domain_zh="义务教育",
            name_zh="义务教育学校标准化达标率",
            unit_zh="%",
            baseline_raw="—",
            baseline_value=None,
            target_raw="100",
            target_value=100,
            attribute="expected",
            note_zh="义务教育学校标准化达标率2020年未统计",
            source_line=59,
        ),
    ]


def test_table_flattened_with_pipes_and_a_unit_column():
    assert indicators("pipe_table.txt") == [
        row(
            indicator_id="i001",
            seq="1",
            name_zh="人均预期寿命",
            unit_zh="岁",
            baseline_raw="77.2",
            baseline_value=77.2,
            target_raw="78.5",
            target_value=78.5,
            attribute="expected",
            source_line=7,
        ),
        row(
            indicator_id="i002",
            seq="2",
            name_zh="每千人口医疗卫生机构床位数",
            unit_zh="张",
            baseline_raw="6.1",
            baseline_value=6.1,
            target_raw="7.0",
            target_value=7.0,
            attribute="expected",
            source_line=8,
        ),
        row(
            indicator_id="i003",
            seq="3",
            name_zh="孕产妇死亡率",
            unit_zh="1/10万",
            baseline_raw="14.5",
            baseline_value=14.5,
            target_raw="≤14",
            target_value=14,
            target_comparator="<=",
            attribute="binding",
            source_line=9,
        ),
        row(
            indicator_id="i004",
            seq="4",
            name_zh="个人卫生支出占卫生总费用比重",
            unit_zh="%",
            baseline_raw="28.5",
            baseline_value=28.5,
            target_raw="27左右",
            target_value=27,
            target_comparator="~",
            attribute="binding",
            source_line=10,
        ),
    ]


def test_whole_table_on_one_line():
    assert indicators("one_line_table.txt") == [
        row(
            indicator_id="i001",
            seq="1.",
            name_zh="城镇新增就业",
            unit_zh="万人",
            baseline_raw="2.1",
            baseline_value=2.1,
            target_raw="＞2（年均）",
            target_value=2,
            target_comparator=">",
            target_qualifier="年均",
            attribute="expected",
            source_line=3,
        ),
        row(
            indicator_id="i002",
            seq="2.",
            name_zh="城镇调查失业率",
            unit_zh="%",
            baseline_raw="5.6",
            baseline_value=5.6,
            target_raw="＜5.5",
            target_value=5.5,
            target_comparator="<",
            attribute="expected",
            source_line=3,
        ),
        row(
            indicator_id="i003",
            seq="3.",
            name_zh="农村劳动力转移就业",
            unit_zh="万人",
            baseline_raw="1.2",
            baseline_value=1.2,
            target_raw="1.5",
            target_value=1.5,
            attribute="expected",
            source_line=3,
        ),
    ]


def test_pdf_text_with_runs_of_spaces_and_a_name_wrapped_onto_the_next_line():
    assert indicators("pdf_space_wrapped.txt") == [
        row(
            indicator_id="r001",
            name_zh="养老机构护理型床位占比",
            unit_zh="%",
            baseline_raw="38",
            baseline_value=38,
            target_raw="≥55",
            target_value=55,
            target_comparator=">=",
            attribute="binding",
            source_line=6,
        ),
        row(
            indicator_id="r002",
            name_zh="每千名老年人拥有养老床位数",
            unit_zh="张",
            baseline_raw="31",
            baseline_value=31,
            target_raw="35",
            target_value=35,
            attribute="expected",
            source_line=7,
        ),
        row(
            indicator_id="r003",
            name_zh="特殊困难老年人月探访率",
            unit_zh="%",
            baseline_raw="—",
            baseline_value=None,
            target_raw="100",
            target_value=100,
            attribute="expected",
            source_line=9,
        ),
    ]


def test_indicator_table_inside_a_box_is_read_as_indicators_not_projects():
    got = records("table_in_box.txt")
    assert indicators("table_in_box.txt") == [
        row(
            indicator_id="r001",
            name_zh="接待国内游客人次",
            unit_zh="万人次",
            baseline_raw="4200",
            baseline_value=4200,
            target_raw="6000",
            target_value=6000,
            attribute=None,
            source_line=8,
        ),
        row(
            indicator_id="r002",
            name_zh="旅游总收入",
            unit_zh="亿元",
            baseline_raw="430",
            baseline_value=430,
            target_raw="650",
            target_value=650,
            attribute=None,
            source_line=9,
        ),
        row(
            indicator_id="r003",
            name_zh="A级旅游景区数量",
            unit_zh="个",
            baseline_raw="58",
            baseline_value=58,
            target_raw="70",
            target_value=70,
            attribute=None,
            source_line=10,
        ),
    ]
    projects = [(p["project_id"], p["box_no"], p["box_title_zh"], p["name_zh"], p["source_line"]) for p in got["projects"]]
    assert projects == [
        ("p2-01", "2", "文化旅游重点工程", "黄河文化旅游带建设工程", 16),
        ("p2-02", "2", "文化旅游重点工程", "尧都古城保护利用工程", 18),
    ]
    # 实施人才培养工程。 under 保障措施 is an ordinary paragraph, not a project


def test_targets_in_text_are_forward_looking_only():
    got = records("cells_between_blank_lines.txt")["targets"]
    assert [(t["metric_zh"], t["comparator"], t["value"], t["unit_zh"], t["year"], t["source_line"]) for t in got] == [
        ("全市学前三年毛入园率", ">=", 95, "%", 2025, 9),
        ("普惠性幼儿园覆盖率", ">=", 85, "%", 2025, 9),
    ]  # line 5 (“十三五”期间 … 达到91.5%) is a past achievement


def test_outline_levels_follow_the_label_kinds_the_document_uses():
    got = records("cells_between_blank_lines.txt")["sections"]
    assert [(s["section_id"], s["level"], s["label"], s["title_zh"], s["source_line"]) for s in got] == [
        ("s1", 1, "第一章", "发展基础", 3),
        ("s2", 1, "第二章", "主要目标", 7),
        ("s3", 1, "第三章", "重点任务", 71),
    ]


def test_ids_do_not_move_when_a_paragraph_is_inserted_above(tmp_path):
    text = (DOCS / "cells_between_blank_lines.txt").read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace("第二章 主要目标\n", "第二章 主要目标\n\n新增的一段说明文字。\n"), encoding="utf-8")
    before = records("cells_between_blank_lines.txt")
    after = extract(read_document(edited), {"plan_id": "t", "level": "city", "period_start": 2021})
    keys = (("indicators", "indicator_id"), ("sections", "section_id"), ("targets", "target_id"))
    for resource, key in keys:
        assert [r[key] for r in after[resource]] == [r[key] for r in before[resource]]
        assert [r["source_line"] for r in after[resource]] != [r["source_line"] for r in before[resource]]


def run_extract(path, out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "build.py", "extract", str(path), "--out", str(out)], cwd=ROOT, capture_output=True, text=True
    )


def test_extract_command_on_text_without_plan_content_writes_an_empty_valid_package(tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8")
    run = run_extract(doc, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "no plan content found" in run.stdout
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} >= {"plans", "indicators", "projects", "targets", "sections"}
    assert (tmp_path / "out" / "indicators.csv").read_text(encoding="utf-8-sig").count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("规划".encode() + b"\xff\xff\n", "neither UTF-8, GB18030 nor Big5"),
    ],
)
def test_extract_command_refuses_binary_and_undecodable_files_with_a_clear_message(tmp_path, content, message):
    doc = tmp_path / "bad.txt"
    doc.write_bytes(content)
    run = run_extract(doc, tmp_path / "out")
    assert run.returncode != 0
    assert message in run.stderr and "bad.txt" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_remark_column_numbered_domain_rows_and_circled_footnote_markers():
    got = records("remarks_and_domain_headings.txt")
    assert indicators("remarks_and_domain_headings.txt") == [
        row(
            indicator_id="r001",
            domain_zh="社会保险",
            name_zh="城乡居民基本养老保险参保人数",
            unit_zh="万人",
            baseline_raw="352.6",
            baseline_value=352.6,
            target_raw="360",
            target_value=360,
            attribute="expected",
            source_line=9,
        ),
        row(
            indicator_id="r002",
            domain_zh="社会保险",
            name_zh="失业保险参保人数",
            unit_zh="万人",
            baseline_raw="38.2①",
            baseline_value=38.2,
            target_raw="42",
            target_value=42,
            attribute="expected",
            note_zh="含农民工; 2020年数据为快报数",
            source_line=10,
        ),
        row(
            indicator_id="r003",
            domain_zh="社会救助",
            name_zh="城乡低保平均保障标准年度增速",
            unit_zh="%",
            baseline_raw="城市6.8；农村9.1",
            baseline_value=None,
            target_raw="≥6（年均）",
            target_value=6,
            target_comparator=">=",
            target_qualifier="年均",
            attribute="binding",
            source_line=12,
        ),
    ]
    # the table's "一、社会保险" rows are domains, not chapters of the outline
    assert [(s["label"], s["title_zh"]) for s in got["sections"]] == [
        ("一、", "发展目标"),
        ("二、", "主要任务"),
        ("（一）", "完善社会保险制度"),
    ]
