"""The indicator registry: alias matching, concept pages in both languages, honest comparisons, derived facts."""

from __future__ import annotations

import re
import shutil

import pytest

from planpub import chart, chartfile, query
from planpub.concepts import link, load_concepts, named_rows, normalise, unmatched, unused_aliases
from planpub.config import ROOT, load_yaml
from planpub.errors import PlanError
from planpub.page import PageWriter, concept_page
from planpub.schema import RESOURCES, empty_records, new_row


@pytest.fixture(scope="module")
def db(built):
    """The built catalog in DuckDB, with the registry loaded as the build loads it."""
    database = query.connect(built.packages / "all")
    query.add_concepts(database, load_concepts(built.datasets / "concepts.yaml"))
    return database


@pytest.fixture(scope="module")
def ui(built) -> dict:
    return {key: value["en"] for key, value in load_yaml(built.datasets / "ui.yaml").items()}


def concept_chart(db, concept_id: str, ui: dict) -> chart.Chart | None:
    """The concept page's chart (charts/concept-comparison.yaml) in English, as the build draws it."""
    (declaration,) = [d for d in chartfile.load(ROOT / "charts") if "concept" in d.data["pages"]]
    params = {"concept_id": concept_id}
    rows = chart.run(declaration, db, params)
    return chart.draw(declaration, rows, params, query.concept(db, concept_id), ui, "en", [])


def package_rows(db) -> list[dict]:
    """Every indicator and text target of the built packages, in the shape the matcher reports on."""
    found = query.rows(
        db,
        """SELECT plan_id, 'indicators' AS resource, name_zh AS name, coalesce(concept_id, '') AS concept_id, source_line
           FROM indicators UNION ALL
           SELECT plan_id, 'targets', metric_zh, coalesce(concept_id, ''), source_line FROM targets""",
    )
    return found


def test_every_alias_of_the_registry_matches_a_row_of_some_plan(built, db):
    concepts = load_concepts(built.datasets / "concepts.yaml")
    assert unused_aliases(concepts, package_rows(db)) == []


def test_rows_are_linked_exactly_by_their_aliases(built, db):
    concepts = {c.concept_id: c for c in load_concepts(built.datasets / "concepts.yaml")}
    linked = [r for r in package_rows(db) if r["concept_id"]]
    assert linked
    for row in linked:
        assert normalise(row["name"]) in {normalise(a) for a in concepts[row["concept_id"]].aliases}, row
    # the printed-name variants of one metric end up in one concept
    names = {r["name"] for r in linked if r["concept_id"] == "disposable-income-growth"}
    assert names == {"居民人均可支配收入增长", "居民人均可支配收入年均增速"}


def test_matching_ignores_width_spaces_and_scope_but_not_wording():
    records = empty_records()
    concepts = [c for c in load_concepts(_registry()) if c.concept_id == "childcare-places-per-1000"]
    for i, name in enumerate(
        ["全市每千人口拥有３岁以下 婴幼儿托位数", "每千人口拥有3岁以下婴幼儿托位", "每千常住人口执业医师数"]
    ):
        records["indicators"].append(new_row("indicators", plan_id="p", indicator_id=f"i{i}", name_zh=name, source_line=i + 1))
    assert link(records, concepts) == 1
    assert [r["concept_id"] for r in records["indicators"]] == ["childcare-places-per-1000", None, None]


def test_unmatched_report_lists_recurring_names_and_near_misses_only():
    concepts = [c for c in load_concepts(_registry()) if c.concept_id == "nursing-beds-share-in-elderly-care"]
    rows = [
        {"plan_id": "a", "name": "新生儿听力筛查率", "concept_id": "", "source_line": 1},
        {"plan_id": "b", "name": "新生儿听力筛查率", "concept_id": "", "source_line": 2},
        {"plan_id": "a", "name": "康复护理型床位比例", "concept_id": "", "source_line": 3},
        {"plan_id": "a", "name": "新建殡仪馆", "concept_id": "", "source_line": 4},
        {"plan_id": "b", "name": "养老机构护理型床位占比", "concept_id": "nursing-beds-share-in-elderly-care", "source_line": 5},
    ]
    report = {item["name"]: item for item in unmatched(concepts, rows)}
    assert set(report) == {"新生儿听力筛查率", "康复护理型床位比例"}
    assert report["新生儿听力筛查率"]["plans"] == ["a", "b"]
    assert report["康复护理型床位比例"]["near_concept"] == "nursing-beds-share-in-elderly-care"


def test_build_prints_the_unmatched_report(tmp_path):
    from planpub.pipeline import report_concepts

    concepts = load_concepts(_registry())
    records = {r: [] for r in RESOURCES}
    records["targets"] = [new_row("targets", plan_id=p, target_id="t1", metric_zh="产前筛查", source_line=7) for p in ("a", "b")]
    lines: list[str] = []
    report_concepts(
        concepts,
        {"a": {**records, "targets": records["targets"][:1]}, "b": {**records, "targets": records["targets"][1:]}},
        lines.append,
    )
    assert any("match no concept" in line for line in lines)
    assert any("产前筛查" in line and "a:7" in line and "b:7" in line for line in lines)
    assert named_rows({**records, "targets": records["targets"][:1]})[0]["name"] == "产前筛查"


def _registry():
    from planpub.config import ROOT

    return ROOT / "datasets" / "concepts.yaml"


def test_registry_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "concepts.yaml"
    bad.write_text(
        "concepts:\n  - concept_id: a\n    name_zh: 甲\n    name_en: A\n    unit_zh: '%'\n    unit_en: '%'\n"
        "    direction: up\n    definition_zh: 甲\n    definition_en: A\n    aliases: [甲]\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as err:
        load_concepts(bad)
    assert err.value.line == 2 and "direction" in err.value.message
    shared = "concepts:\n" + "".join(
        f"  - {{concept_id: {i}, name_zh: 甲, name_en: A, unit_zh: '%', unit_en: '%', direction: higher,"
        f" definition_zh: 甲, definition_en: A, aliases: [甲]}}\n"
        for i in ("a", "b")
    )
    bad.write_text(shared, encoding="utf-8")
    with pytest.raises(PlanError, match="also an alias of 'a'") as err:
        load_concepts(bad)
    assert err.value.line == 3


def test_concept_page_in_chinese_and_english_for_every_concept_that_links_plans(built, db):
    linked = [c for c in query.concept_index(db) if c["n_plans"] >= 2]
    assert linked
    for c in linked:
        zh = (built.site / "indicators" / f"{c['concept_id']}.html").read_text(encoding="utf-8")
        en = (built.site / "en" / "indicators" / f"{c['concept_id']}.html").read_text(encoding="utf-8")
        assert '<html lang="zh"' in zh and c["name_zh"] in zh
        assert '<html lang="en"' in en and c["name_en"] in en
        for row in query.concept_rows(db, c["concept_id"]):
            assert f"plans/{row['plan_id']}.html" in zh and f">{row['source_line']}<" in zh


def test_index_is_in_the_nav_and_links_every_concept_page(built, db):
    index = (built.site / "indicators" / "index.html").read_text(encoding="utf-8")
    for c in query.concept_index(db):
        assert f'href="{c["concept_id"]}.html"' in index
    home = (built.site / "index.html").read_text(encoding="utf-8")
    assert "indicators/index.html" in home
    assert not re.search(r"<nav[^>]*>(?:(?!</nav>).)*indicators/life-expectancy\.html", home, re.S), (
        "concept pages stay out of the nav"
    )


def test_change_from_baseline_to_target_is_absolute_and_relative(db):
    rows = {r["plan_id"]: r for r in query.concept_rows(db, "nursing-beds-share-in-elderly-care") if r["kind"] == "indicator"}
    xinzhou = rows["xinzhou-2021-public-services"]
    assert (xinzhou["baseline_value"], xinzhou["target_value"]) == (17.81, 55)
    assert xinzhou["change_abs"] == 37.19
    assert xinzhou["change_rel"] == 208.8
    # an annual-average target is a rate over the period, not a level: no change computed
    income = [r for r in query.concept_rows(db, "disposable-income-growth") if r["qualifier"] == "年均"]
    assert income and all(r["change_abs"] is None for r in income)


def _with_rows(db, sql: str):
    """A copy of the built database with extra rows (a case the five plans do not contain)."""
    copy = db.cursor()
    copy.execute("BEGIN")
    copy.execute(sql)
    return copy


def test_a_city_target_below_its_provinces_is_flagged_on_the_known_case(built, db):
    # 晋城 (004, line 383): 到2025年 养老机构护理型床位比例不低于50%; the province: 55 % in 003's table and in 000's text
    flags = query.less_ambitious(db)
    assert [
        (f["concept_id"], f["city_plan_id"], f["city_line"], f["city_target"], f["province_plan_id"], f["province_target"])
        for f in flags
    ] == [
        ("nursing-beds-share-in-elderly-care", "jincheng-2021-public-services-quality-life", 383, 50, plan, 55)
        for plan in ("shanxi-2021-high-quality-life", "shanxi-2021-public-services")
    ]
    # Xinzhou's 55 equals the province's: not flagged; the flag is shown on the concept page and the index
    for page in ("nursing-beds-share-in-elderly-care", "index"):
        html = (built.site / "en" / "indicators" / f"{page}.html").read_text(encoding="utf-8")
        assert "jincheng-2021-public-services-quality-life.html" in html.split("less ambitious than the province")[-1]


def test_less_ambitious_takes_direction_into_account(db):
    # a city unemployment target of 5 % is below the province's 5.5 %: more ambitious where lower is better
    copy = _with_rows(
        db,
        """INSERT INTO indicators (plan_id, indicator_id, name_zh, unit_zh, target_year, target_raw, target_value,
                                  target_comparator, attribute, concept_id, source_line)
           VALUES ('jincheng-2021-public-services-quality-life', 'x1', '城镇调查失业率', '%', 2025, '<5', 5, '<',
                   'expected', 'surveyed-urban-unemployment-rate', 1),
                  ('jincheng-2021-public-services-quality-life', 'x2', '城镇调查失业率', '%', 2025, '<6', 6, '<',
                   'expected', 'surveyed-urban-unemployment-rate', 2)""",
    )
    try:
        flags = query.less_ambitious(copy, "surveyed-urban-unemployment-rate")
        assert [(f["city_line"], f["city_target"], f["province_target"]) for f in flags] == [(2, 6, 5.5)]
    finally:
        copy.execute("ROLLBACK")


def test_rows_in_another_unit_are_listed_but_not_plotted_on_the_concepts_axis(db, ui):
    copy = _with_rows(
        db,
        """INSERT INTO targets (plan_id, target_id, metric_zh, comparator, value, unit_zh, year, concept_id, source_line)
           VALUES ('jincheng-2021-public-services-quality-life', 'x3', '养老机构护理型床位', '=', 2000, '张', 2025,
                   'nursing-beds-share-in-elderly-care', 9)""",
    )
    try:
        found = query.concept_rows(copy, "nursing-beds-share-in-elderly-care")
        beds = [r for r in found if r["unit_zh"] == "张"]
        assert [(r["plotted"], r["why_not"]) for r in beds] == [(False, "unit")]
        drawn = concept_chart(copy, "nursing-beds-share-in-elderly-care", ui)
        assert drawn.data and 2000 not in [d["value"] for d in drawn.data]
        assert {d["value"] for d in drawn.data} <= {r["baseline_value"] for r in found} | {
            r["target_value"] for r in found if r["plotted"]
        }
        assert all(f["city_line"] != 9 for f in query.less_ambitious(copy, "nursing-beds-share-in-elderly-care"))
    finally:
        copy.execute("ROLLBACK")


def test_a_target_stated_only_in_words_is_shown_as_text_not_plotted(built, db, ui, tmp_path):
    # the real case: 城乡低保平均保障标准年度增速, "年均不低于城乡居民…平均增速" in both plans, no number at all
    page = (built.site / "en" / "indicators" / "minimum-living-allowance-growth.html").read_text(encoding="utf-8")
    assert page.count("stated only in words: not plotted") == 2
    assert "年均不低于城乡居民" in page and 'class="vega-spec"' not in page
    copy = _with_rows(
        db,
        """INSERT INTO indicators (plan_id, indicator_id, name_zh, unit_zh, baseline_year, baseline_raw, target_year,
                                  target_raw, attribute, concept_id, source_line)
           VALUES ('jincheng-2021-public-services-quality-life', 'x4', '人均预期寿命', '岁', 2020, '—', 2025,
                   '完成省下达目标', 'expected', 'life-expectancy', 11)""",
    )
    try:
        drawn = concept_chart(copy, "life-expectancy", ui)
        assert drawn.data and all(d["line"] != 11 for d in drawn.data)
        concept_page(PageWriter(copy, load_yaml(built.datasets / "ui.yaml"), tmp_path), "life-expectancy")
        page = (tmp_path / "indicators" / "life-expectancy.en.md").read_text(encoding="utf-8")
        row = next(line for line in page.splitlines() if "完成省下达目标" in line)
        assert "stated only in words: not plotted" in row
    finally:
        copy.execute("ROLLBACK")


def test_registry_has_no_duplicate_concept_ids_in_a_copy(tmp_path):
    copy = tmp_path / "concepts.yaml"
    shutil.copy(_registry(), copy)
    text = copy.read_text(encoding="utf-8")
    first = text.index("  - concept_id:")
    second = text.index("  - concept_id:", first + 1)
    copy.write_text(text + "\n" + text[first:second], encoding="utf-8")
    with pytest.raises(PlanError, match="duplicate concept_id"):
        load_concepts(copy)


def test_at_least_ten_concepts_link_rows_of_two_or_more_plans_with_pages_in_both_languages(built, db):
    linked = [c["concept_id"] for c in query.concept_index(db) if c["n_plans"] >= 2]
    assert len(linked) >= 10, linked
    for concept_id in linked:
        assert (built.site / "indicators" / f"{concept_id}.html").is_file()
        assert (built.site / "en" / "indicators" / f"{concept_id}.html").is_file()
