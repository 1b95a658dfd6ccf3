"""The table reader on real excerpts of other plans' pages (tests/documents/excerpts/, expected rows written by reading
them, in tests/expected/excerpts/) and on small documents, one per layout trap the reader once fell into."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from planpub.config import ROOT
from planpub.extract import extract
from planpub.extract.tablereport import warnings
from planpub.extract.values import parse_cell
from planpub.read import read_document

EXCERPTS = ROOT / "tests" / "documents" / "excerpts"
EXPECTED = ROOT / "tests" / "expected" / "excerpts"
CASES = sorted(EXPECTED.glob("*.yaml"))


def records_of(path: Path, **plan) -> dict:
    return extract(read_document(path), {"plan_id": "t", **plan})


def records_of_text(tmp_path: Path, text: str, **plan) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    doc = tmp_path / "doc.txt"
    doc.write_text(text, encoding="utf-8")
    return records_of(doc, **plan)


def rows_as(got: list[dict], want: list[dict]) -> list[dict]:
    """The extracted rows, each cut down to the fields its expected row names."""
    return [{k: row[k] for k in spec} for row, spec in zip(got, want, strict=False)]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_excerpt_indicator_rows_are_exactly_the_ones_read_by_hand(case):
    want = yaml.safe_load(case.read_text(encoding="utf-8"))["indicators"]
    got = records_of(EXCERPTS / f"{case.stem}.txt")
    assert rows_as(got["indicators"], want) == want
    assert len(got["indicators"]) == len(want), "rows beyond the expected ones were invented"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_excerpt_tables_are_read_in_full_and_nothing_looks_like_an_unread_table(case):
    got = records_of(EXCERPTS / f"{case.stem}.txt")
    assert warnings(got["tables"]) == []
    assert sum(t["rows_read"] for t in got["tables"]) == len(got["indicators"])


def test_every_row_records_the_span_from_its_first_cell_to_its_last_value(tmp_path):
    rows = records_of(EXCERPTS / "healthchina_action19_cells.txt")["indicators"]
    first = rows[0]  # 1 / 居民健康素养水平(%) / 14.18 / ≥22 / ≥30 / 预期性, one cell per line between blank lines
    assert (first["source_line"], first["source_line_end"]) == (29, 39)


# One small document per cause in issue #13, written to reproduce it.


def test_a_header_with_letter_spaced_cells_and_no_attribute_column_still_reads_rows_with_years(tmp_path):
    got = records_of_text(tmp_path, "主要指标\n\n指  标\t单  位\t2020年\t2025年\n人均预期寿命\t岁\t78.5\t79.5\n")
    [row] = got["indicators"]
    assert (row["name_zh"], row["unit_zh"], row["baseline_year"], row["baseline_raw"], row["target_year"]) == (
        "人均预期寿命",
        "岁",
        2020,
        "78.5",
        2025,
    )


def test_a_decimal_is_never_a_list_number_and_a_digit_inside_a_name_is_never_a_value(tmp_path):
    text = "指标\n2020年\n2025年\n属性\n人均预期寿命\n78.5岁\n79岁\n预期性\n"
    text += "每千人口拥有3岁以下婴幼儿托位数（个）\n1.5\n4.5\n预期性\n"
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["seq"], r["name_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"]) for r in rows] == [
        ("", "人均预期寿命", "岁", "78.5岁", "79岁"),
        ("", "每千人口拥有3岁以下婴幼儿托位数", "个", "1.5", "4.5"),
    ]


@pytest.mark.parametrize(
    ("raw", "value", "comparator", "unit"),
    [("11.4年", 11.4, "=", "年"), ("≥82.72岁", 82.72, ">=", "岁"), ("≤2.8‰", 2.8, "<=", "‰"), (">6亿吨", 6, ">", "亿吨")],
)
def test_a_value_with_its_unit_attached_parses_and_gives_the_unit(raw, value, comparator, unit):
    cell = parse_cell(raw)
    assert (cell.value, cell.comparator, cell.unit) == (value, comparator, unit)


def test_a_value_unit_fills_the_unit_when_neither_a_unit_column_nor_the_name_gives_one(tmp_path):
    text = "| 指标 | 2020年 | 2025年 | 属性 |\n| 劳动年龄人口平均受教育年限 | 11.1年 | 11.4年 | 约束性 |\n"
    [row] = records_of_text(tmp_path, text)["indicators"]
    assert (row["unit_zh"], row["baseline_value"], row["target_value"], row["attribute"]) == ("年", 11.1, 11.4, "binding")


def test_a_whole_table_on_one_line_with_a_group_label_split_into_characters(tmp_path):
    text = (
        "指标 2020年 2025年 属性 社 1.城镇新增就业（万人） 2.1 ＞2 预期性 会 2.城镇调查失业率（%） 5.6 ＜5.5 预期性"
        " 保 3.基本养老保险参保率（%） 93 95 约束性 障 4.失业保险参保人数（万人） 38 42 预期性\n"
    )
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["domain_zh"], r["name_zh"], r["baseline_raw"], r["target_raw"], r["attribute"]) for r in rows] == [
        ("社会保障", "城镇新增就业", "2.1", "＞2", "expected"),
        ("社会保障", "城镇调查失业率", "5.6", "＜5.5", "expected"),
        ("社会保障", "基本养老保险参保率", "93", "95", "binding"),
        ("社会保障", "失业保险参保人数", "38", "42", "expected"),
    ]


def test_a_one_line_table_without_separators_before_the_next_row_number(tmp_path):
    text = "指标 2020年 2025年 属性 1.城镇新增就业（万人） 2.1 2.5 预期性2.城镇调查失业率（%） 5.6 5.5 预期性\n"
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["seq"], r["name_zh"], r["baseline_raw"], r["target_raw"]) for r in rows] == [
        ("1.", "城镇新增就业", "2.1", "2.5"),
        ("2.", "城镇调查失业率", "5.6", "5.5"),
    ]


def test_pipe_rows_keep_an_empty_target_empty_and_rejoin_a_name_wrapped_over_two_lines(tmp_path):
    text = (
        "| 序号 | 指标 | 单位 | 2020年 | 2025年 | 属性 ||\n"
        "| 1 | 孕产妇死亡率 | 1/10万 | 14.5 |  | 约束性 ||\n"
        "| 2 | 每千人口拥有3岁以下婴幼 | 个 | 1.5 | 4.5 | 预期性 ||\n"
        "|  | 儿托位数 |  |  |  |  ||\n"
        "| 3 | 人均预期寿命 | 岁 | 77.2 | 78.5 | 预期性 ||\n"
    )
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["seq"], r["domain_zh"], r["name_zh"], r["baseline_raw"], r["target_raw"]) for r in rows] == [
        ("1", "", "孕产妇死亡率", "14.5", ""),
        ("2", "", "每千人口拥有3岁以下婴幼儿托位数", "1.5", "4.5"),
        ("3", "", "人均预期寿命", "77.2", "78.5"),
    ]


def test_three_year_columns_give_baseline_target_and_vision_with_the_plan_period(tmp_path):
    text = "指标\t2020年\t2025年\t2035年\t属性\n人均预期寿命（岁）\t78\t79\t80\t预期性\n"
    [row] = records_of_text(tmp_path, text, period_start=2021, period_end=2025)["indicators"]
    assert (row["baseline_year"], row["target_year"], row["target_raw"], row["vision_year"], row["vision_raw"]) == (
        2020,
        2025,
        "79",
        2035,
        "80",
    )


@pytest.mark.parametrize("header", ["现状值\t目标值", "2020年\t“十四五”末", "2020年\t2025年目标"])
def test_value_headers_in_words_are_recognised_and_the_unit_is_never_read_as_the_baseline(tmp_path, header):
    text = f"指标\t单位\t{header}\n人均预期寿命\t岁\t78\t79\n"
    [row] = records_of_text(tmp_path, text, period_end=2025)["indicators"]
    assert (row["unit_zh"], row["baseline_raw"], row["target_raw"], row["target_year"]) == ("岁", "78", "79", 2025)


def test_a_review_tables_achieved_column_is_its_own_field_never_the_baseline(tmp_path):
    text = "指标\t2015年目标\t2015年完成情况\t2020年目标\n城镇新增就业（万人）\t50\t56.3\t55\n"
    [row] = records_of_text(tmp_path, text)["indicators"]
    assert (row["baseline_raw"], row["achieved_year"], row["achieved_raw"], row["target_year"], row["target_raw"]) == (
        "",
        2015,
        "56.3",
        2020,
        "55",
    )


def test_attribute_weight_and_source_columns_never_shift_values(tmp_path):
    text = (
        "序号\t指标\t属性\t权重\t2020年\t2025年\t资料来源\n"
        "1\t城镇新增就业（万人）\t预期性\t5\t2.1\t2.5\t市人社局\n"
        "2\t城镇调查失业率（%）\t约束性\t3\t5.6\t5.5\t市统计局\n"
    )
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["name_zh"], r["attribute"], r["baseline_raw"], r["target_raw"], r["note_zh"]) for r in rows] == [
        ("城镇新增就业", "expected", "2.1", "2.5", "资料来源：市人社局; 权重：5"),
        ("城镇调查失业率", "binding", "5.6", "5.5", "资料来源：市统计局; 权重：3"),
    ]


def test_header_and_group_cells_wrapped_over_two_lines(tmp_path):
    text = "指标\n2020年\n基期值\n2025年\n目 标\n属性\n一、社会\n保障\n1\n基本养老保险参保率（%）\n93\n95\n约束性\n"
    [row] = records_of_text(tmp_path, text)["indicators"]
    assert (row["domain_zh"], row["name_zh"], row["baseline_raw"], row["target_raw"], row["attribute"]) == (
        "社会保障",
        "基本养老保险参保率",
        "93",
        "95",
        "binding",
    )


@pytest.mark.parametrize("definition", ["总服务人数/馆员规模", "农村居民可支配收入=1", "2010年不变价"])
def test_a_trailing_definition_is_a_note_not_the_unit(tmp_path, definition):
    text = f"指标\t2020年\t2025年\t属性\n公共服务效率（{definition}）\t2.5\t2.3\t预期性\n"
    [row] = records_of_text(tmp_path, text)["indicators"]
    assert (row["name_zh"], row["unit_zh"], row["note_zh"]) == ("公共服务效率", "", definition)


def test_a_document_that_states_no_metadata_invents_none(tmp_path):
    plan = records_of_text(tmp_path, "指标\t2020年\t2025年\n城镇化率（%）\t60\t65\n")["plans"][0]
    assert (plan["level"], plan["region_zh"], plan["issuer_zh"], plan["doc_number"]) == (None, None, None, None)


def test_a_region_of_values_without_a_known_header_is_warned_about_not_skipped(tmp_path):
    text = "说明文字。\n甲项\t12\t15\t18\n乙项\t3\t4\t5\n丙项\t5\t6\t7\n"
    got = records_of_text(tmp_path, text)
    assert got["indicators"] == []
    assert warnings(got["tables"]) == [
        "line 2: u1: lines 2-4 look like a table (values or attribute words) but have no header the reader knows"
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_extract_command_reports_each_table_with_lines_header_column_roles_and_rows(case, tmp_path, capsys):
    import build

    want = yaml.safe_load(case.read_text(encoding="utf-8"))["indicators"]
    assert build.main(["extract", str(EXCERPTS / f"{case.stem}.txt"), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    if want:
        assert "  t1  lines " in out and "      header:  " in out and "      columns: " in out
        assert f"{len(want)} rows" in out
    else:
        assert "; 0 tables" in out
    assert "WARNING" not in out and "NOT READ" not in out


def test_strict_extract_fails_at_the_line_of_a_table_it_could_not_read(tmp_path, capsys):
    import build

    doc = tmp_path / "unread.txt"
    doc.write_text("说明文字。\n甲项\t12\t15\t18\n乙项\t3\t4\t5\n丙项\t5\t6\t7\n", encoding="utf-8")
    assert build.main(["extract", str(doc), "--out", str(tmp_path / "lenient")]) == 0
    assert "NOT READ" in capsys.readouterr().out
    assert build.main(["extract", str(doc), "--out", str(tmp_path / "strict"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert f"{doc}:2: table u1: lines 2-4 look like a table" in err and "strict mode" in err
    assert not (tmp_path / "strict").exists()


def test_a_header_column_the_reader_does_not_know_is_kept_apart_and_values_stay_in_place(tmp_path):
    text = "指标名称\t单位\t2020年\t2025年\t年均增速\t属性\n城镇化率\t%\t60\t65\t1\t预期\n"
    [row] = records_of_text(tmp_path, text)["indicators"]
    assert (row["baseline_raw"], row["target_raw"], row["attribute"], row["note_zh"]) == ("60", "65", "expected", "年均增速：1")


def test_years_printed_under_a_merged_value_header(tmp_path):
    text = "| 指标 | 单位 | 指标值 | 属性 |\n| 2020年 | 2025年 |\n| 城镇化率 | % | 60 | 65 | 预期性 |\n"
    [row] = records_of_text(tmp_path, text)["indicators"]
    assert (row["baseline_year"], row["baseline_raw"], row["target_year"], row["target_raw"]) == (2020, "60", 2025, "65")


def test_double_pipe_separators_and_sub_row_values_stacked_in_one_cell(tmp_path):
    text = (
        "序号 || 指标 || 分项 || 2020年 || 2025年 || 属性\n"
        "1 || 省级文明城市占比（%） || 市级<br>县级 || 72.7<br>50.5 || 90.9<br>72.5 || 约束性\n"
    )
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["name_zh"], r["sub_item_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"], r["attribute"]) for r in rows] == [
        ("省级文明城市占比", "市级", "%", "72.7", "90.9", "binding"),
        ("省级文明城市占比", "县级", "%", "50.5", "72.5", "binding"),
    ]


def test_a_pipe_row_wrapped_inside_a_cell_is_one_row(tmp_path):
    text = (
        "| 序号 | 指标 | 2020年 | 2025年 | 属性 |\n"
        "| 1 | 人均预期寿命（岁） | 77.2 | 78.5 | 预期性 |\n"
        "| 2 | 每千人口拥有3岁以下婴幼\n"
        "儿托位数（个） | 1.5 | 4.5 | 预期性 |\n"
    )
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["seq"], r["name_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"], r["source_line"]) for r in rows] == [
        ("1", "人均预期寿命", "岁", "77.2", "78.5", 2),
        ("2", "每千人口拥有3岁以下婴幼儿托位数", "个", "1.5", "4.5", 3),
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ["每千人口拥有3岁以下婴幼儿托   1.5   4.5   预期性", "位数（个）"],
        ["每千人口拥有3岁以下婴幼儿托", "位数（个）   1.5   4.5   预期性"],
    ],
    ids=["name-end-on-the-next-line", "name-start-on-the-line-before"],
)
def test_pdf_text_with_a_name_hard_wrapped_around_its_values(tmp_path, lines):
    text = "\n".join(
        ["指标名称      2020年   2025年   指标属性", "人均预期寿命（岁）   78   79   预期性", *lines, "第二章 重点任务"]
    )
    rows = records_of_text(tmp_path, text + "\n")["indicators"]
    assert [(r["domain_zh"], r["name_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"]) for r in rows] == [
        ("", "人均预期寿命", "岁", "78", "79"),
        ("", "每千人口拥有3岁以下婴幼儿托位数", "个", "1.5", "4.5"),
    ]


def test_a_region_the_reader_could_not_read_gives_no_targets_either(tmp_path):
    text = "说明文字。\n城镇化率达到\t60%\t65%\t70%\n参保率达到\t90%\t95%\t96%\n覆盖率达到\t80%\t85%\t90%\n"
    got = records_of_text(tmp_path, text)
    assert got["indicators"] == [] and got["targets"] == []
    assert [t["table_id"] for t in got["tables"]] == ["u1"]


def test_an_html_table_left_in_the_text_keeps_its_rows_and_columns(tmp_path):
    text = (
        "<table><tr><td>指标</td><td>2020年</td><td>2025年</td><td>属性</td></tr>"
        "<tr><td>人均预期寿命（岁）</td><td>78.1</td><td>79</td><td>预期性</td></tr>"
        '<tr><td>城镇调查失业率（%）</td><td></td><td>&lt;5.5</td><td class="x">预期性</td></tr></table>\n'
    )
    rows = records_of_text(tmp_path, text)["indicators"]
    assert [(r["name_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"], r["source_line"]) for r in rows] == [
        ("人均预期寿命", "岁", "78.1", "79", 1),
        ("城镇调查失业率", "%", "", "<5.5", 1),
    ]


def test_a_table_whose_header_was_lost_is_read_with_guessed_columns_and_warned_about(tmp_path):
    text = (
        "“十四五”主要指标\n\n城镇新增就业（万人）\t2.1\t＞2\t预期性\n城镇调查失业率（%）\t5.6\t＜5.5\t预期性\n"
        "基本养老保险参保率（%）\t93\t95\t约束性\n\n二、重点任务\n"
    )
    got = records_of_text(tmp_path, text)
    assert [(r["name_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"], r["attribute"]) for r in got["indicators"]] == [
        ("城镇新增就业", "万人", "2.1", "＞2", "expected"),
        ("城镇调查失业率", "%", "5.6", "＜5.5", "expected"),
        ("基本养老保险参保率", "%", "93", "95", "binding"),
    ]
    assert warnings(got["tables"]) == ["line 3: t1: no header in lines 3-5: columns guessed from their content; check the rows"]


@pytest.mark.parametrize("copies", [2, 3])
def test_a_header_line_printed_again_right_under_itself_is_one_header(tmp_path, copies):
    """The Shanxi quality-of-life table with its header line printed 2 or 3 times (found by the fuzz test): read as
    with one header, where three copies made a second number column that took row 10's target and crashed."""
    source = (ROOT / "datasets" / "sources" / "003_5e77ba42582e768f.txt").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(source) if line.startswith("领域\t指标"))
    header, body = source[start], source[start + 1 : start + 25]

    def rows(times: int) -> list[dict]:
        text = "\n".join(["某市“十四五”规划", "", *[header] * times, *body])
        found = records_of_text(tmp_path / str(times), text, level="city")["indicators"]
        return [{k: v for k, v in row.items() if k not in ("source_line", "source_line_end")} for row in found]

    once = rows(1)
    assert len(once) == 22 and once[9]["seq"] == "10" and once[9]["target_raw"] == "40"
    assert rows(copies) == once
