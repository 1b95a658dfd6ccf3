"""The whole pipeline on the five real documents: packages, a bilingual site, the extract command, failure safety."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planpub import cache
from planpub.background import Background
from planpub.errors import PlanError
from planpub.jobs import Later, now
from planpub.package import validate_package
from planpub.pipeline import build, extract_all, extract_plan, warm_up_beside_mkdocs
from planpub.registry import load as load_registry

from . import hostile
from .conftest import SOURCES, Given, built_copy, cli, copy_project, run_build, snapshot


def html_lang(path) -> str:
    return re.search(r'<html lang="([^"]+)"', path.read_text(encoding="utf-8"))[1]


def test_build_writes_a_page_per_plan_in_chinese_and_english(built):
    plan_ids = [p.name for p in (built.packages).iterdir() if p.name != "all"]
    assert len(plan_ids) == 5
    for plan_id in plan_ids:
        assert html_lang(built.site / "plans" / f"{plan_id}.html") == "zh"
        assert html_lang(built.site / "en" / "plans" / f"{plan_id}.html") == "en"
    assert html_lang(built.site / "index.html") == "zh"
    assert html_lang(built.site / "en" / "index.html") == "en"


def test_plan_page_shows_indicator_table_and_a_chart_from_the_data(built):
    page = (built.site / "plans" / "xinzhou-2021-public-services.html").read_text(encoding="utf-8")
    assert "养老机构护理型床位占比" in page
    assert 'class="vega-spec"' in page and "assets/charts/" in page
    svg = built.site / "assets" / "charts" / "xinzhou-2021-public-services-baseline-target-zh.svg"
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_every_chart_svg_embeds_a_glyph_for_each_character_it_shows(built):
    import base64
    import io

    from fontTools.ttLib import TTFont

    from planpub import font

    svgs = sorted((built.site / "assets" / "charts").glob("*.svg"))
    assert len(svgs) > 10
    for path in svgs:
        svg = path.read_text(encoding="utf-8")
        embedded = base64.b64decode(re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", svg)[1])
        cmap = TTFont(io.BytesIO(embedded)).getBestCmap()
        shown = {c for c in font.svg_chars(svg) if not c.isspace()}
        assert shown and {c for c in shown if ord(c) not in cmap} == set(), path.name
        assert f'font-family="{font.FAMILY}"' in svg and "PlanPubChart" not in svg, path.name


def test_every_package_is_valid_per_frictionless(built):
    from frictionless import Package

    for folder in built.packages.iterdir():
        report = Package(str(folder / "datapackage.json")).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


def test_extract_command_writes_a_valid_package(tmp_path):
    out = tmp_path / "x"
    run = cli("extract", str(SOURCES / "001_c8d80dd4753e0ae7.txt"), "--out", str(out))
    assert run.returncode == 0, run.stderr
    check = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(out / "datapackage.json")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert (out / "indicators.csv").read_text(encoding="utf-8").count("\n") > 20


def test_extract_command_refuses_an_undecodable_file_with_a_clear_message(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes("山西省规划\n指标".encode() + b"\xff\xfe\xff")
    run = cli("extract", str(bad), "--out", str(tmp_path / "out"))
    assert run.returncode != 0
    assert "neither UTF-8, GB18030 nor Big5" in run.stderr and "broken.txt:2" in run.stderr
    assert "Traceback" not in run.stderr


def test_failed_build_names_file_and_line_and_leaves_previous_site_untouched(built, tmp_path):
    paths = built_copy(built, tmp_path)
    before = snapshot(paths.site)
    registry = paths.registry.read_text(encoding="utf-8")
    paths.registry.write_text(registry.replace("level: city\n", "level: [city\n", 1), encoding="utf-8")
    with pytest.raises(PlanError) as failure:
        build(paths, log=lambda _: None)
    assert failure.value.file == str(paths.registry) and failure.value.line
    assert snapshot(paths.site) == before


def plans_row(folder: Path) -> dict[str, str]:
    with (folder / "plans.csv").open(encoding="utf-8", newline="") as handle:
        return next(csv.DictReader(handle))


def test_extract_takes_only_what_the_document_states_and_build_agrees_on_it(built, tmp_path):
    run = cli("extract", str(SOURCES / "003_5e77ba42582e768f.txt"), "--out", str(tmp_path / "x"))
    assert run.returncode == 0, run.stderr
    extracted, registered = plans_row(tmp_path / "x"), plans_row(built.packages / "shanxi-2021-high-quality-life")
    assert extracted["level"] == "" and extracted["region_code"] == ""  # no document states them: not invented
    stated = {k: v for k, v in extracted.items() if v and k != "plan_id"}
    assert {"title_zh", "doc_number", "issue_date", "source_sha256"} <= set(stated)
    assert stated == {k: registered[k] for k in stated}


def test_extract_of_a_document_stating_no_title_writes_a_valid_package_with_the_title_empty(tmp_path):
    document = tmp_path / "untitled.txt"
    document.write_text(hostile.untitled_document(), encoding="utf-8")
    run = cli("extract", str(document), "--out", str(tmp_path / "x"))
    assert run.returncode == 0, run.stderr
    assert plans_row(tmp_path / "x")["title_zh"] == "" and plans_row(tmp_path / "x")["level"] == ""
    assert validate_package(tmp_path / "x" / "datapackage.json")["valid"]


def test_an_invalid_descriptor_is_reported_with_frictionless_reasons(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps({"name": "p", "title": None, "resources": []}), encoding="utf-8")
    with pytest.raises(PlanError) as failure:
        validate_package(folder / "datapackage.json")
    assert "None is not of type 'string' at property 'title'" in failure.value.message and failure.value.hint


def _failing(plan_id: str) -> None:
    raise PlanError(f"{plan_id} is broken", f"datasets/sources/{plan_id}.txt", 1)


def test_plans_are_extracted_last_given_first_and_a_failure_is_reported_as_the_registrys_first(tmp_path, monkeypatch):
    """The worker extracts from the first plan, the build from the last (planpub/background.py); what the build
    returns, logs and reports keeps the registry's order."""
    paths = copy_project(tmp_path)
    entries = load_registry(paths)
    monkeypatch.setattr(cache, "_active", cache.Cache(None))  # nothing extracted before
    records = {entry["plan_id"]: extract_plan(paths, entry) for entry in entries}
    given, asked, logged = [], [], []

    def submit(task, paths, entry) -> Given:
        return Given(entry["plan_id"], records[entry["plan_id"]], given, asked)

    per_plan, _ = extract_all(paths, entries, {}, logged.append, submit)
    order = [entry["plan_id"] for entry in entries]
    assert given == order and asked == order[::-1] and list(per_plan) == order
    assert [line.split()[1].rstrip(":") for line in logged] == order
    broken = {order[1], order[3]}

    def breaking(task, paths, entry) -> Later:
        return Later(_failing, (entry["plan_id"],)) if entry["plan_id"] in broken else now(task, paths, entry)

    with pytest.raises(PlanError, match=f"{order[1]} is broken"):
        extract_all(paths, entries, {}, logged.append, breaking)


def test_the_fresh_worker_starts_vl_convert_and_jieba_only_when_a_chart_svg_is_still_to_be_drawn(built, tmp_path, monkeypatch):
    paths = built_copy(built, tmp_path)
    warmed = []
    renew = Background.renew

    def noting_warm_up(background: Background, warm_up=None) -> None:
        warmed.append(warm_up)
        renew(background, warm_up)

    monkeypatch.setattr(Background, "renew", noting_warm_up)
    assert run_build(paths, "--force").returncode == 0
    assert warmed == [None], "every SVG was in .cache/"
    shutil.rmtree(paths.cache / "svg")
    assert run_build(paths, "--force").returncode == 0
    assert warmed == [None, warm_up_beside_mkdocs]
