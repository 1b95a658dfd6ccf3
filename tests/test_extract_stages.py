"""Each stage of the table reader on its own: layout → grid, header → column roles, cells → rows."""

from __future__ import annotations

import pytest

from planpub.extract.columns import read_header
from planpub.extract.grid import Cell, read_grids, split_line
from planpub.extract.rows import Aligner, cut, roles_with_implicit


def grids(text: str):
    return read_grids(list(enumerate(text.split("\n"), start=1)))


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("基本民生\t1\t落实率(%)\t—\t100\t预期性\t", ["基本民生", "1", "落实率(%)", "—", "100", "预期性"]),
        ("\t2\t覆盖率(%)\t90\t\t约束性", ["", "2", "覆盖率(%)", "90", "", "约束性"]),
        ("| 1 | 人均预期寿命 | 岁 |  | 78.5 |", ["1", "人均预期寿命", "岁", "", "78.5"]),
        ("城镇化率 || 60 || 65", ["城镇化率", "60", "65"]),
        ("  养老机构护理型床位占比（%）     38      ≥55   约束性", ["养老机构护理型床位占比（%）", "38", "≥55", "约束性"]),
        ("|---|---|---|", []),
        ("人均预期寿命 78.5", None),
    ],
)
def test_split_line_keeps_empty_cells_in_place(line, cells):
    assert split_line(line) == cells


def test_grid_stage_finds_separate_tables_and_keeps_a_header_repeated_after_a_page_break_in_its_table():
    text = "\n".join(
        [
            "指标\t2020年\t2025年\t属性",
            "甲率（%）\t1\t2\t预期性",
            "指标\t2020年\t2025年\t属性",
            "乙率（%）\t3\t4\t约束性",
            "第二章 重点任务",
            "一段正文，说明任务。这里没有表格，也没有数字。",
            "序号\t指标\t单位\t2025年",
            "1\t丙数\t个\t5",
        ]
    )
    found = grids(text)
    assert [[c.text for c in g.header] for g in found] == [
        ["指标", "2020年", "2025年", "属性"],
        ["序号", "指标", "单位", "2025年"],
    ]
    assert [len(g.body) for g in found] == [2, 1]
    assert (found[0].first_line, found[0].last_line) == (1, 4)


def test_grid_stage_rejoins_a_header_cell_wrapped_over_two_lines_and_reads_one_cell_per_line():
    [grid] = grids("指 标\n| 权重\n| 2015年\n目 标\n| 1\n| 甲数\n| 25\n| 310")
    assert [c.text for c in grid.header] == ["指标", "权重", "2015年目标"]
    assert [c.text for c in grid.body[0].cells] == ["1", "甲数", "25", "310"] and not grid.body[0].positional


def test_grid_stage_turns_a_transposed_table_back_into_rows():
    [grid] = grids("主 要 指 标 |\n甲率 | 乙数 |\n2022 年 目 标 值 |\n61.5% | 32亿人次 |\n属 性 | 约束性 | 预期性 |")
    assert grid.layout == "transposed"
    assert [[c.text for c in row.cells] for row in grid.body] == [["甲率", "61.5%", "约束性"], ["乙数", "32亿人次", "预期性"]]


@pytest.mark.parametrize(
    ("header", "period_end", "roles"),
    [
        (["指标", "2020年", "2025年", "属性"], None, ["name", "baseline 2020", "target 2025", "attribute"]),
        (["指标", "2020年", "2025年", "2035年"], 2025, ["name", "baseline 2020", "target 2025", "vision 2035"]),
        (["指标", "2020年", "2025年", "2035年"], None, ["name", "baseline 2020", "target 2025", "vision 2035"]),
        (["指标", "现状值", "“十四五”末"], None, ["name", "baseline", "target 2025"]),
        (
            ["序号", "指标", "权重", "单位", "2015年目标", "牵头部门"],
            None,
            ["seq", "name", "weight", "unit", "target 2015", "source"],
        ),
        (["指标", "2015年目标", "完成情况"], None, ["name", "target 2015", "achieved"]),
        (["指标", "2015年目标", "2015年完成情况", "2020年目标"], None, ["name", "other 2015", "achieved 2015", "target 2020"]),
        (
            ["指标", "基期水平", "2022年目标值", "2030年目标值", "指标性质"],
            None,
            ["name", "baseline", "target 2022", "vision 2030", "attribute"],
        ),
        (["指标", "2020年", "年均增速", "资料来源"], None, ["name", "target 2020", "other", "source"]),
    ],
)
def test_column_roles_from_header_words_years_and_the_plan_period(header, period_end, roles):
    got = read_header(header, period_end)
    assert [f"{c.role} {c.year}" if c.year else c.role for c in got] == roles


def test_row_stage_cuts_a_run_of_cells_into_group_labels_and_rows_counted_by_their_numbers():
    aligner = Aligner(roles_with_implicit(read_header(["序号", "指标", "2020年", "2025年", "权重"])))
    cells = [Cell(t, n) for n, t in enumerate(["一、收入", "1", "甲收入", "3", "5", "2", "2", "乙收入", "4", "6", "2"])]
    pieces = [(what, [c.text for c in cells]) for what, cells, _ in cut(cells, aligner)]
    assert pieces == [
        ("label", ["一、收入"]),
        ("row", ["1", "甲收入", "3", "5", "2"]),
        ("row", ["2", "乙收入", "4", "6", "2"]),
    ]


def test_row_stage_never_moves_a_value_into_a_column_it_does_not_fit():
    aligner = Aligner(roles_with_implicit(read_header(["指标", "单位", "2020年", "2025年", "属性"])))
    cells = [Cell(t, 1) for t in ["每千人口拥有3岁以下婴幼儿托位数", "个", "", "4.5", "预期性"]]
    parts = aligner.assign(cells)
    assert {role: [c.text for _, c in pairs] for role, pairs in parts.items()} == {
        "name": ["每千人口拥有3岁以下婴幼儿托位数"],
        "unit": ["个"],
        "baseline": [""],
        "target": ["4.5"],
        "attribute": ["预期性"],
    }


def test_a_caption_line_that_looks_like_a_header_word_is_not_a_column():
    [grid] = grids("主要指标\n\n指标名称\t2020年\t2025年\t指标属性\n人均预期寿命（岁）\t78\t79\t预期性")
    assert [c.text for c in grid.header] == ["指标名称", "2020年", "2025年", "指标属性"] and grid.first_line == 3
