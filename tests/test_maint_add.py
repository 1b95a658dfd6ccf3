"""`python build.py add FILE`: the document copied unchanged, an entry appended to plans.yaml (comments kept) with
what the document states and placeholders that stop the build until filled; unsafe names and ids refused."""

from __future__ import annotations

import html
import json
import shutil

import pytest

from . import hostile
from .conftest import SOURCES, built_copy, edit, fails_cleanly, line_number, run_build, snapshot
from .test_read_formats import TABLE_PAGE

DOC = SOURCES / "003_5e77ba42582e768f.txt"


@pytest.fixture
def project(built, tmp_path):
    return built_copy(built, tmp_path)


def test_add_copies_the_document_unchanged_and_appends_an_entry_keeping_the_registry_text(project, tmp_path):
    new = tmp_path / "quality-life-copy.txt"
    shutil.copyfile(DOC, new)
    before = project.registry.read_text(encoding="utf-8")
    run = run_build(project, "add", str(new), "--plan-id", "shanxi-2021-quality-copy")
    assert run.returncode == 0, run.stderr
    assert (project.sources / "quality-life-copy.txt").read_bytes() == DOC.read_bytes()
    after = project.registry.read_text(encoding="utf-8")
    assert after.startswith(before)  # comments and layout of the existing file untouched
    entry = after[len(before) :]
    assert "plan_id: shanxi-2021-quality-copy" in entry and "source: quality-life-copy.txt" in entry
    assert 'title_zh: "山西省“十四五”高品质生活建设规划"' in entry
    assert 'doc_number: "晋政发〔2021〕46号"' in entry and 'issue_date: "2021-12-28"' in entry
    assert "period_start: 2021" in entry and "period_end: 2025" in entry
    assert "region_code: TODO" in entry and "level: TODO" in entry
    assert "fill in region_zh, region_code, level" in run.stdout


@pytest.mark.parametrize(
    ("name", "plan_id", "words"),
    [
        ("plan.txt", "../../evil", "not an ASCII slug"),
        ("plan.txt", "Shanxi Plan", "not an ASCII slug"),
        ("plan.txt", "xinzhou-2021-public-services", "already registered"),
        ("plan;rm -rf.txt", "fine-id", "not a plain file name"),
        (".hidden.txt", "fine-id", "not a plain file name"),
        ("山西规划.txt", "fine-id", "not a plain file name"),
        ("001_c8d80dd4753e0ae7.txt", "fine-id", "already registered as a source"),
    ],
)
def test_add_refuses_unsafe_names_and_duplicate_ids_and_changes_nothing(project, tmp_path, name, plan_id, words):
    new = tmp_path / name
    shutil.copyfile(DOC, new)
    before = snapshot(project.datasets)
    run = run_build(project, "add", str(new), "--plan-id", plan_id)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert words in run.stderr
    assert snapshot(project.datasets) == before


def test_add_refuses_an_undecodable_document_with_its_line(project, tmp_path):
    new = tmp_path / "broken.txt"
    new.write_bytes("山西省规划\n".encode() + b"\xff\xff\n")
    before = snapshot(project.datasets)
    run = run_build(project, "add", str(new), "--plan-id", "broken-plan")
    assert run.returncode == 1 and f"{new}:2:" in run.stderr and "neither UTF-8, GB18030 nor Big5" in run.stderr
    assert snapshot(project.datasets) == before


def test_a_gbk_web_page_goes_through_add_to_a_built_site_with_its_table_read_as_a_table(project, tmp_path):
    new = tmp_path / "jincheng-page.html"
    new.write_bytes(TABLE_PAGE.encode("gb18030"))
    run = run_build(project, "add", str(new), "--plan-id", "jincheng-page")
    assert run.returncode == 0, run.stderr
    assert (project.sources / new.name).read_bytes() == new.read_bytes()  # kept as published, in its own encoding
    text = hostile.fill_registry(project.registry.read_text(encoding="utf-8"))
    project.registry.write_text(text.replace("title_zh: TODO", 'title_zh: "晋城市“十四五”公共服务规划"'), encoding="utf-8")
    run = run_build(project)
    assert run.returncode == 0, run.stderr
    plans = (project.packages / "jincheng-page" / "plans.csv").read_text(encoding="utf-8")
    assert ",gb18030," in plans
    rows = (project.packages / "jincheng-page" / "indicators.csv").read_text(encoding="utf-8")
    assert rows.count("\njincheng-page,") == 3 and "每千人口拥有3岁以下婴幼儿托位数" in rows
    source = (project.site / "sources" / "jincheng-page.html").read_text(encoding="utf-8")
    assert "幼有所育" in html.unescape(source)  # the source viewer shows the page decoded


def test_a_hostile_document_without_a_title_goes_through_add_and_its_todos_to_a_built_site(project, tmp_path):
    """Each placeholder left, then the missing title, fails the build at its line; filled in, the site is built."""
    new = tmp_path / hostile.SOURCE
    new.write_text(hostile.untitled_document(), encoding="utf-8")
    run = run_build(project, "add", str(new), "--plan-id", hostile.PLAN_ID)
    assert run.returncode == 0, run.stderr
    assert "fill in title_zh, region_zh, region_code, level" in run.stdout
    line = line_number(project.registry, "title_zh: TODO")
    fails_cleanly(project, project.registry, line, "`title_zh` is still the placeholder TODO")
    edit(project.registry, project.registry.read_text(encoding="utf-8").splitlines()[line - 1] + "\n", "")  # unknown
    fails_cleanly(
        project, project.registry, line_number(project.registry, "region_zh: TODO"), "`region_zh` is still the placeholder"
    )
    project.registry.write_text(hostile.fill_registry(project.registry.read_text(encoding="utf-8")), encoding="utf-8")
    entry = line_number(project.registry, f"plan_id: {hostile.PLAN_ID}")
    fails_cleanly(project, project.registry, entry, "has no title: the document states none")
    edit(
        project.registry,
        f"plan_id: {hostile.PLAN_ID}\n",
        f"plan_id: {hostile.PLAN_ID}\n    title_zh: {json.dumps(hostile.TITLE)}\n",
    )
    run = run_build(project)
    assert run.returncode == 0, run.stderr
    assert f"extract  {hostile.PLAN_ID}: new plan" in run.stdout
    plans = (project.packages / hostile.PLAN_ID / "plans.csv").read_text(encoding="utf-8")
    assert hostile.TITLE in plans and "None" not in plans
    described = json.loads((project.packages / hostile.PLAN_ID / "datapackage.json").read_text(encoding="utf-8"))
    assert described["title_zh"] == hostile.TITLE and hostile.TITLE in described["description_zh"]
    page = (project.site / "plans" / f"{hostile.PLAN_ID}.html").read_text(encoding="utf-8")
    assert hostile.TITLE in html.unescape(page) and "《None》" not in html.unescape(page)
    assert "<script>alert('xss-title')" not in page  # shown, not run
    assert "'=1+1" in (project.site / "downloads" / hostile.PLAN_ID / "indicators.csv").read_text(encoding="utf-8-sig")
