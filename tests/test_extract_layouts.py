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


def indicators(name: str) -> list[tuple]:
    return [tuple(row[f] for f in FIELDS) for row in records(name)["indicators"]]


def test_one_cell_per_line_between_blank_lines_with_domain_rows_and_a_note():
    # source_line is where the row starts: its number cell, the line above its name (issue #13: rows are spans)
    assert indicators("cells_between_blank_lines.txt") == [
        ("i001", "1", "学前教育", "学前三年毛入园率", "%", "", 2020, "91.5", 91.5, 2025, "≥95", 95, ">=", "", "expected", "", 27),
        ("i002", "2", "学前教育", "普惠性幼儿园覆盖率", "%", "", 2020, "82.3", 82.3, 2025, "＞85", 85, ">", "", "binding", "",
         37),
        ("i003", "3", "义务教育", "九年义务教育巩固率", "%", "", 2020, "96", 96, 2025, "97左右", 97, "~", "", "binding", "", 49),
        ("i004", "4", "义务教育", "义务教育学校标准化达标率", "%", "", 2020, "—", None, 2025, "100", 100, "=", "", "expected",
         "义务教育学校标准化达标率2020年未统计", 59),
    ]  # fmt: skip


def test_table_flattened_with_pipes_and_a_unit_column():
    assert indicators("pipe_table.txt") == [
        ("i001", "1", "", "人均预期寿命", "岁", "", 2020, "77.2", 77.2, 2025, "78.5", 78.5, "=", "", "expected", "", 7),
        ("i002", "2", "", "每千人口医疗卫生机构床位数", "张", "", 2020, "6.1", 6.1, 2025, "7.0", 7.0, "=", "", "expected", "", 8),
        ("i003", "3", "", "孕产妇死亡率", "1/10万", "", 2020, "14.5", 14.5, 2025, "≤14", 14, "<=", "", "binding", "", 9),
        ("i004", "4", "", "个人卫生支出占卫生总费用比重", "%", "", 2020, "28.5", 28.5, 2025, "27左右", 27, "~", "", "binding",
         "", 10),
    ]  # fmt: skip


def test_whole_table_on_one_line():
    assert indicators("one_line_table.txt") == [
        ("i001", "1.", "", "城镇新增就业", "万人", "", 2020, "2.1", 2.1, 2025, "＞2（年均）", 2, ">", "年均", "expected", "", 3),
        ("i002", "2.", "", "城镇调查失业率", "%", "", 2020, "5.6", 5.6, 2025, "＜5.5", 5.5, "<", "", "expected", "", 3),
        ("i003", "3.", "", "农村劳动力转移就业", "万人", "", 2020, "1.2", 1.2, 2025, "1.5", 1.5, "=", "", "expected", "", 3),
    ]  # fmt: skip


def test_pdf_text_with_runs_of_spaces_and_a_name_wrapped_onto_the_next_line():
    assert indicators("pdf_space_wrapped.txt") == [
        ("r001", "", "", "养老机构护理型床位占比", "%", "", 2020, "38", 38, 2025, "≥55", 55, ">=", "", "binding", "", 6),
        ("r002", "", "", "每千名老年人拥有养老床位数", "张", "", 2020, "31", 31, 2025, "35", 35, "=", "", "expected", "", 7),
        ("r003", "", "", "特殊困难老年人月探访率", "%", "", 2020, "—", None, 2025, "100", 100, "=", "", "expected", "", 9),
    ]  # fmt: skip


def test_indicator_table_inside_a_box_is_read_as_indicators_not_projects():
    got = records("table_in_box.txt")
    assert indicators("table_in_box.txt") == [
        ("r001", "", "", "接待国内游客人次", "万人次", "", 2020, "4200", 4200, 2025, "6000", 6000, "=", "", None, "", 8),
        ("r002", "", "", "旅游总收入", "亿元", "", 2020, "430", 430, 2025, "650", 650, "=", "", None, "", 9),
        ("r003", "", "", "A级旅游景区数量", "个", "", 2020, "58", 58, 2025, "70", 70, "=", "", None, "", 10),
    ]  # fmt: skip
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
        ("r001", "", "社会保险", "城乡居民基本养老保险参保人数", "万人", "", 2020, "352.6", 352.6, 2025, "360", 360, "=", "",
         "expected", "", 9),
        ("r002", "", "社会保险", "失业保险参保人数", "万人", "", 2020, "38.2①", 38.2, 2025, "42", 42, "=", "", "expected",
         "含农民工; 2020年数据为快报数", 10),
        ("r003", "", "社会救助", "城乡低保平均保障标准年度增速", "%", "", 2020, "城市6.8；农村9.1", None, 2025, "≥6（年均）", 6,
         ">=", "年均", "binding", "", 12),
    ]  # fmt: skip
    # the table's "一、社会保险" rows are domains, not chapters of the outline
    assert [(s["label"], s["title_zh"]) for s in got["sections"]] == [
        ("一、", "发展目标"),
        ("二、", "主要任务"),
        ("（一）", "完善社会保险制度"),
    ]
