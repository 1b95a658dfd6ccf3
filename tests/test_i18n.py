"""Translations: complete English in the catalog, consistent glossary use, strict mode, and the `i18n --missing` tool."""

from __future__ import annotations

import csv
import html
import re

import pytest
import yaml

from planpub.config import ROOT
from planpub.errors import PlanError
from planpub.pipeline import build, missing_translations
from planpub.translate import EN_SOURCES, REPORTED, has_chinese, inconsistencies, load_translations

from .conftest import built_copy, cli, snapshot


def catalog_rows(paths, resource: str) -> list[dict]:
    with open(paths.packages / "all" / f"{resource}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def english_pairs(paths, *, reported: bool):
    """(resource, en column, source text, English) for every non-empty source value of the catalog."""
    for resource, pairs in EN_SOURCES.items():
        for row in catalog_rows(paths, resource):
            for en, zh in pairs.items():
                if row[zh] and ((resource, en) in REPORTED) == reported:
                    yield resource, en, row[zh], row[en]


def test_every_name_title_unit_domain_box_title_and_metric_in_the_catalog_has_english(built):
    pairs = list(english_pairs(built, reported=False))
    fields = {(r, en) for r, en, _, _ in pairs}
    assert {("plans", "title_en"), ("indicators", "name_en"), ("indicators", "unit_en"), ("sections", "title_en")} <= fields
    missing = [(r, en, zh) for r, en, zh, english in pairs if not english]
    assert not missing, f"{len(missing)} of {len(pairs)} lack English, e.g. {missing[:5]}"


def test_at_least_95_percent_of_descriptions_sentences_and_notes_have_english(built):
    pairs = list(english_pairs(built, reported=True))
    done = sum(1 for *_, english in pairs if english)
    assert done >= 0.95 * len(pairs), f"only {done} of {len(pairs)} longer texts are translated"


def test_no_chinese_characters_in_any_english_column_of_any_package(built):
    for folder in built.packages.iterdir():
        for resource, pairs in EN_SOURCES.items():
            with open(folder / f"{resource}.csv", encoding="utf-8-sig", newline="") as f:
                for row in csv.DictReader(f):
                    for en in pairs:
                        assert not has_chinese(row[en] or ""), f"{folder.name}/{resource}.{en}: {row[en]!r}"


def test_english_page_titles_have_no_chinese_and_use_the_translated_plan_titles(built):
    pages = sorted((built.site / "en").rglob("*.html"))
    assert len(pages) > 5
    titles = {p: html.unescape(re.search(r"<title>(.*?)</title>", p.read_text(encoding="utf-8"), re.S)[1]) for p in pages}
    assert not [t for t in titles.values() if has_chinese(t)]
    plan = titles[built.site / "en" / "plans" / "xinzhou-2021-public-services.html"]
    assert plan.startswith("Xinzhou City 14th Five-Year Plan for Public Services")


def test_english_plan_page_shows_english_names_units_domains_and_metadata(built):
    page = html.unescape((built.site / "en" / "plans" / "xinzhou-2021-public-services.html").read_text(encoding="utf-8"))
    for english in (
        "Practising (assistant) physicians per 1,000 population",
        "per 100,000",
        "Maternal and child health services",
        "Xinzhou Municipal People's Government",
        "Xinzhou City, Shanxi Province",
    ):
        assert english in page, english


def test_about_page_reports_translation_coverage_per_plan_and_field_in_both_languages(built):
    en = (built.site / "en" / "about.html").read_text(encoding="utf-8")
    zh = (built.site / "about.html").read_text(encoding="utf-8")
    assert "Translation coverage" in en and "英文翻译覆盖率" in zh
    assert "indicators.name_en" in en and "xinzhou-2021-public-services" in en


def test_every_glossary_term_is_rendered_the_same_way_in_every_translation():
    table = load_translations(ROOT / "datasets" / "i18n")
    assert len(table.terms) > 30 and len(table.entries) > 100
    assert inconsistencies(table) == []


def write_i18n(folder, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_a_term_rendered_differently_is_reported_unless_the_entry_records_a_reason(tmp_path):
    glossary = "terms:\n  优抚: preferential treatment\n  公共服务: [public services, public service]\n"
    write_i18n(
        tmp_path / "a",
        {"glossary.yaml": glossary, "x.yaml": "军人优抚: Benefits for soldiers\n公共服务体系: public service system\n"},
    )
    problems = inconsistencies(load_translations(tmp_path / "a"))
    assert len(problems) == 1 and "x.yaml:1" in problems[0] and "优抚" in problems[0]
    reason = '军人优抚: {en: Benefits for soldiers, except: {优抚: "the source lists cash benefits only"}}\n'
    write_i18n(tmp_path / "b", {"glossary.yaml": glossary, "x.yaml": reason})
    assert inconsistencies(load_translations(tmp_path / "b")) == []


def test_a_longer_glossary_term_rules_over_the_shorter_one_inside_it(tmp_path):
    glossary = "terms:\n  养老: elderly care\n  养老保险: old-age insurance\n"
    write_i18n(tmp_path, {"glossary.yaml": glossary, "x.yaml": "基本养老保险: basic old-age insurance\n"})
    assert inconsistencies(load_translations(tmp_path)) == []


def test_one_chinese_text_translated_two_ways_stops_with_file_and_line(tmp_path):
    write_i18n(tmp_path, {"a.yaml": "groups:\n  公共教育: Public education\n", "b.yaml": "\n公共教育: State education\n"})
    with pytest.raises(PlanError) as err:
        load_translations(tmp_path)
    assert "b.yaml:2" in err.value.format() and "a.yaml:2" in err.value.format()


def test_strict_build_fails_on_a_missing_heading_naming_its_document_line_before_touching_packages(built, tmp_path):
    paths = built_copy(built, tmp_path)
    (paths.i18n / "sections.yaml").unlink()
    before = snapshot(paths.packages)
    with pytest.raises(PlanError) as err:
        build(paths, strict=True, log=lambda _: None)
    assert "no English for" in err.value.format() and "(sections.title_en)" in err.value.format()
    assert err.value.file.endswith(".txt") and err.value.line
    assert snapshot(paths.packages) == before


def test_strict_build_only_reports_missing_descriptions(built, tmp_path):
    paths = built_copy(built, tmp_path)
    (paths.i18n / "descriptions.yaml").unlink()
    log: list[str] = []
    result = build(paths, strict=True, log=log.append)
    assert result.coverage.missing_count(required=False) > 100 and result.coverage.missing_count(required=True) == 0
    assert any(line.startswith("translate: 0 names/titles/units/domains and ") for line in log)
    assert all(not row["description_en"] for row in catalog_rows(paths, "projects"))


def test_missing_skeleton_is_valid_yaml_that_once_filled_completes_coverage(built, tmp_path):
    paths = built_copy(built, tmp_path)
    (paths.i18n / "plans.yaml").unlink()
    (paths.i18n / "sections.yaml").unlink()
    text = missing_translations(paths)
    todo = yaml.safe_load(text)
    assert set(todo) == {"plans", "sections"}
    assert "山西省人民政府" in todo["plans"]["issuer_en"] and "# shanxi-2021-public-services line" in text
    filled = {res: {f: {zh: f"English {i}" for i, zh in enumerate(v)} for f, v in fields.items()} for res, fields in todo.items()}
    (paths.i18n / "todo.yaml").write_text(text, encoding="utf-8")
    assert yaml.safe_load((paths.i18n / "todo.yaml").read_text(encoding="utf-8")) == todo  # blanks load as missing
    assert missing_translations(paths) == text
    (paths.i18n / "todo.yaml").write_text(yaml.safe_dump(filled, allow_unicode=True), encoding="utf-8")
    assert missing_translations(paths).startswith("# Every string has its English translation.")


def test_i18n_missing_command_prints_yaml_on_the_real_project():
    run = cli("i18n", "missing")
    assert run.returncode == 0, run.stderr
    assert isinstance(yaml.safe_load(run.stdout) or {}, dict)


def test_english_plan_page_shows_the_document_number_in_english_and_chinese_page_the_original(built):
    page = html.unescape((built.site / "en" / "plans" / "shanxi-2021-public-services.html").read_text(encoding="utf-8"))
    assert "Jin Zheng Fa [2021] No. 35" in page and "晋政发" not in page
    zh = html.unescape((built.site / "plans" / "shanxi-2021-public-services.html").read_text(encoding="utf-8"))
    assert "晋政发〔2021〕35号" in zh


def _chart_labels(node, keys=("indicator", "domain", "plan")):
    """Every label value under the given keys anywhere in a chart spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield value
            else:
                yield from _chart_labels(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _chart_labels(item, keys)


def test_english_chart_labels_have_no_chinese_including_sub_items(built):
    import json

    cjk = re.compile("[\u3400-\u9fff]")
    pages = sorted((built.site / "en" / "plans").glob("*.html")) + [built.site / "en" / "index.html"]
    labels = []
    for page in pages:
        for spec in re.findall(
            r'<script type="application/json" class="vega-spec"[^>]*>(.*?)</script>', page.read_text("utf-8"), re.S
        ):
            labels += list(_chart_labels(json.loads(html.unescape(spec))))
    assert len(labels) > 50
    assert [label for label in labels if cjk.search(label)] == []
