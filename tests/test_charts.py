"""The charts as data (charts/, #19): the declared charts draw what the Python charts drew, the worked example
is one file and on every plan page, every chart shows how it is made, and a bad chart file fails cleanly."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from functools import partial
from pathlib import Path

import pytest
import vl_convert as vlc
from fontTools.ttLib import TTFont

from planpub import cache, chart, chartfile, font, query
from planpub.background import Background
from planpub.concepts import load_concepts
from planpub.config import ROOT, Paths, load_yaml

from .conftest import Given, built_copy, edit, fails_cleanly, line_number, run_build

# Every chart the code before #19 drew from the committed packages (captured from planpub/chart.py at 7a84f1c).
# One number changed on purpose since: shanxi-2016's count of targets in the text, 26 → 25 (#14's target reader).
BEFORE = ROOT / "tests" / "expected" / "charts.json"
EXAMPLE = "binding-expected"


def _declarations() -> dict[str, chartfile.Declaration]:
    return {d.id: d for d in chartfile.load(ROOT / "charts")}


def test_the_three_chart_kinds_declared_in_charts_draw_the_specs_data_and_tables_of_before(built):
    db = query.connect(built.packages / "all")
    query.add_concepts(db, load_concepts(built.datasets / "concepts.yaml"))
    ui = load_yaml(built.datasets / "ui.yaml")
    declared = _declarations()
    chartfile.check(list(declared.values()), db, ui)
    pages = [("counts-by-plan", {}, {})]
    pages += [("baseline-target", {"plan_id": p["plan_id"]}, p) for p in query.plans(db)]
    pages += [
        ("concept-comparison", {"concept_id": c["concept_id"]}, query.concept(db, c["concept_id"]))
        for c in query.concept_index(db)
    ]
    drawn = {}
    for lang, locale in chart.NUMBER_LOCALE.items():
        t = {key: words[lang] for key, words in ui.items()}
        for chart_id, params, subject in pages:
            rows = chart.run(declared[chart_id], db, params)
            found = chart.draw(declared[chart_id], rows, params, subject, t, lang, [])
            if found:
                assert found.spec["usermeta"] == {"formatLocale": vlc.get_format_locale(locale)}
                spec = {**found.spec, "usermeta": {"formatLocale": locale}}  # stored by name
                drawn[found.name] = {"title": found.title, "spec": spec, "data": found.data, "table": found.table}
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    assert sorted(drawn) == sorted(before)
    for name, was in before.items():
        assert drawn[name] == was, name


def test_the_worked_example_is_one_file_and_on_every_plan_page_in_both_languages(built):
    declaring = [p.name for p in (ROOT / "charts").glob("*.yaml") if f"id: {EXAMPLE}\n" in p.read_text(encoding="utf-8")]
    assert declaring == [f"{EXAMPLE}.yaml"]
    code = [p for p in (ROOT / "planpub").rglob("*") if p.is_file() and EXAMPLE in p.read_text(errors="ignore")]
    assert code == [], "the worked example needs no code"
    plans = load_yaml(built.registry)["plans"]
    assert len(plans) == 5
    rows = list(csv.DictReader((built.packages / "all" / "indicators.csv").open(encoding="utf-8-sig")))
    counted = {r["plan_id"] for r in rows if r["attribute"] in ("binding", "expected")}
    assert 0 < len(counted) < len(plans)  # plans with and without such indicators
    ui = load_yaml(built.datasets / "ui.yaml")
    for entry in plans:
        for lang_root, title in (("", "各领域的约束性与预期性指标"), ("en/", "Binding and expected indicators per domain")):
            page = (built.site / lang_root / "plans" / f"{entry['plan_id']}.html").read_text(encoding="utf-8")
            name = f"{entry['plan_id']}-{EXAMPLE}-{'en' if lang_root else 'zh'}"
            figure = re.search(rf'<figure class="chart" id="{name}".*?</figure>', page, re.S)
            if entry["plan_id"] not in counted:  # its heading, and nothing drawn
                heading = re.search(rf"<h3[^>]*>{title}.*?</h3>\s*<p>[^<]*</p>\s*<p>([^<]*)</p>", page, re.S)
                assert heading and heading.group(1) == ui["chart_empty"]["en" if lang_root else "zh"], entry["plan_id"]
                assert not figure
                continue
            assert figure, (entry["plan_id"], lang_root)
            spec = json.loads(re.search(r'class="vega-spec">(.*?)</script>', figure.group(0), re.S).group(1))
            assert spec["title"] == title and spec["data"]["values"]
            assert (built.site / "assets" / "charts" / f"{name}.svg").is_file()
            assert (built.site / "assets" / "charts" / f"{name}.csv").is_file()
            assert page.count("assets/js/charts.js") == 1  # loaded once, whatever the number of charts


def test_the_worked_example_counts_binding_and_expected_indicators_per_domain(built):
    db = query.connect(built.packages / "all")
    query.add_concepts(db, load_concepts(built.datasets / "concepts.yaml"))
    plan = "xinzhou-2021-public-services"
    declared = _declarations()[EXAMPLE]
    t = {key: words["en"] for key, words in load_yaml(built.datasets / "ui.yaml").items()}
    drawn = chart.draw(declared, chart.run(declared, db, {"plan_id": plan}), {"plan_id": plan}, {}, t, "en", [])
    counted = query.rows(db, "SELECT attribute, count(*) AS n FROM indicators WHERE plan_id = ? GROUP BY ALL", [plan])
    for row in counted:
        assert sum(d["count"] for d in drawn.data if d["attribute"] == row["attribute"]) == row["n"]
    domains = {d["domain"] for d in drawn.data}
    assert all(len([d for d in drawn.data if d["domain"] == domain]) == 2 for domain in domains)  # both bars


def _plan_and_home_charts(built: Paths) -> dict[str, chart.Chart]:
    """The baseline → target chart of each plan and the home page's chart (Chinese), by the path of their SVG."""
    db = query.connect(built.packages / "all")
    query.add_concepts(db, load_concepts(built.datasets / "concepts.yaml"))
    t = {key: words["zh"] for key, words in load_yaml(built.datasets / "ui.yaml").items()}
    declared = _declarations()
    pages = [("baseline-target", {"plan_id": p["plan_id"]}, p) for p in query.plans(db)] + [("counts-by-plan", {}, {})]
    drawn = [
        chart.draw(declared[c], chart.run(declared[c], db, params), params, subject, t, "zh", []) for c, params, subject in pages
    ]
    return {f"assets/charts/{found.name}.svg": found for found in drawn if found}


def test_charts_of_many_rows_are_given_to_the_worker_first_and_the_rest_to_a_fresh_one(built, monkeypatch):
    charts = _plan_and_home_charts(built)
    most = max(len(found.data) for found in charts.values())
    large = [found.name for found in charts.values() if len(found.data) == most]
    small = [found.name for found in charts.values() if len(found.data) < most]
    names = {chart.spec_json(found): found.name for found in charts.values()}
    monkeypatch.setattr(cache, "_active", cache.Cache(None))  # nothing drawn before: every chart is given out

    def given_out(rows: int) -> list[str]:
        """What `draw_svgs` gives the worker, in order, and where it asks for a fresh one, for `rows` as many rows."""
        monkeypatch.setattr(chart, "LARGE_CHART_ROWS", rows)
        given = []
        chart.draw_svgs(charts, b"", lambda task, spec, *args: Given(names[spec], "", given, []), lambda: given.append("fresh"))
        return given

    assert given_out(most) == [*large, "fresh", *small]
    assert given_out(most + 1) == [found.name for found in charts.values()]  # none that large: one worker


def test_svgs_are_asked_for_last_given_first_so_that_this_process_draws_what_the_worker_has_not_started(
    built, tmp_path, monkeypatch
):
    charts = _plan_and_home_charts(built)
    names = {chart.spec_json(found): found.name for found in charts.values()}
    monkeypatch.setattr(cache, "_active", cache.Cache(None))
    given, asked = [], []
    write = chart.draw_svgs(charts, b"", lambda task, spec, *args: Given(names[spec], f"<svg>{names[spec]}</svg>", given, asked))
    write(tmp_path)
    assert len(given) == len(charts) and asked == given[::-1]
    for path, found in charts.items():
        assert (tmp_path / path).read_text(encoding="utf-8") == f"<svg>{found.name}</svg>"


def test_svgs_drawn_across_a_renewed_worker_are_the_bytes_the_build_published(built, tmp_path, monkeypatch):
    charts = dict(list(_plan_and_home_charts(built).items())[-3:])  # two plans' charts, then the home page's
    monkeypatch.setattr(chart, "LARGE_CHART_ROWS", max(len(found.data) for found in charts.values()))
    monkeypatch.setattr(cache, "_active", cache.Cache(None))  # drawn anew
    web_font = (built.site / font.SITE_FONT).read_bytes()
    with Background(chart.warm_up) as background:
        write = chart.draw_svgs(charts, web_font, background.submit, partial(background.renew, chart.warm_up))
        assert background.retired, "the large chart went to a worker that was then renewed"
        write(tmp_path)
    for path in charts:
        assert (tmp_path / path).read_bytes() == (built.site / path).read_bytes(), path


def test_a_chart_drawn_with_the_font_cut_down_to_its_own_characters_is_the_svg_of_the_whole_web_font(built):
    web_font = (built.site / font.SITE_FONT).read_bytes()
    every_char = "".join(sorted(map(chr, TTFont(io.BytesIO(web_font)).getBestCmap())))
    for path, found in _plan_and_home_charts(built).items():
        own = chart.spec_json(found)
        alone = chart._draw_svg(own, found.lang, web_font, "".join(sorted(set(own))))
        assert alone == chart._draw_svg(own, found.lang, web_font, every_char), path
        assert alone.encode("utf-8") == (built.site / path).read_bytes(), path


# Each page with a chart, in each language: the words of the disclosure.
DISCLOSED = [("", "图表如何生成", "读取的数据集"), ("en/", "How this chart is made", "Datasets read")]


@pytest.mark.parametrize(("lang_root", "summary", "reads"), DISCLOSED)
def test_every_chart_shows_its_query_escaped_and_links_the_datasets_it_reads(built, lang_root, summary, reads):
    declared = _declarations()
    pages = ["index.html", *(f"plans/{p['plan_id']}.html" for p in load_yaml(built.registry)["plans"])]
    pages += [f"indicators/{p.stem}.html" for p in (built.site / "indicators").glob("*.html") if p.stem != "index"]
    seen = set()
    for path in pages:
        page_file = built.site / lang_root / path
        text = page_file.read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="chart".*?</figure>', text, re.S)
        for figure in figures:
            how = re.search(r'<details class="chart-sql"><summary>(.*?)</summary>(.*?)</details>', figure, re.S)
            assert how and how.group(1) == summary, path
            sql = re.search(r'<pre><code class="language-sql">(.*?)</code></pre>', how.group(2), re.S).group(1)
            assert "<" not in sql and ">" not in sql and "'" not in sql, "the SQL is escaped"
            chart_id = next(i for i, d in declared.items() if html.unescape(sql) == d.sql.rstrip("\n"))
            seen.add(chart_id)
            links = re.findall(r'<a href="([^"]+)">', how.group(2).split("</p>")[0])
            assert reads in how.group(2) and links, path
            for href in links:
                assert (page_file.parent / href).resolve().is_file(), (path, href)
    assert seen == set(declared)


@pytest.fixture
def project(built, tmp_path) -> Paths:
    return built_copy(built, tmp_path)


def _example(project: Paths) -> Path:
    return project.charts / f"{EXAMPLE}.yaml"


# Each kind of bad chart file: the edit to charts/binding-expected.yaml, the text of the line the message must
# name (and how many lines after it: a YAML parser reports where it noticed), and the words it must say.
BAD_CHART_FILES = {
    "unknown field": ("pages: [plan]\n", "pages: [plan]\ncolour: red\n", "colour: red", 0, "unknown field `colour`"),
    "unknown field in a mark": ("align: left, dx: 4}", "align: left, dxx: 4}", "dxx: 4", 0, "unknown field `dxx`"),
    "query DuckDB refuses": ("      FROM indicators\n", "      FROM indicatorz\n", "FROM indicatorz", 0, "fails in DuckDB"),
    "column not returned": ("  count: n\n", "  count: total\n", "count: total", 0, "uses column `total`, which the query"),
    "field not drawn": ("- {field: domain, type", "- {field: region, type", "field: region", 0, "`fields` does not define"),
    "malformed YAML": ("pages: [plan]\n", "pages: [plan\n", "pages: [plan", 1, "malformed YAML"),
}


@pytest.mark.parametrize("case", BAD_CHART_FILES)
def test_a_bad_chart_file_fails_with_one_message_at_its_line_and_the_site_untouched(project, case):
    old, new, marked, after, words = BAD_CHART_FILES[case]
    edit(_example(project), old, new)
    stderr = fails_cleanly(project, _example(project), line_number(_example(project), marked) + after, words)
    assert stderr.count("error:") == 1


def test_editing_a_chart_file_redoes_that_chart_and_shows_the_change(project):
    edit(_example(project), "en: Binding and expected indicators per domain", "en: Binding vs. expected per domain")
    run = run_build(project)
    assert run.returncode == 0, run.stderr
    assert f"charts/{EXAMPLE}.yaml" in run.stdout  # the build says what changed
    assert re.search(r"\bchart-spec \d+ reused [1-9]\d* computed", run.stdout), run.stdout
    page = (project.site / "en" / "plans" / "xinzhou-2021-public-services.html").read_text(encoding="utf-8")
    assert "Binding vs. expected per domain" in page
