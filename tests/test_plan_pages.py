"""A plan's pages are a function of its declared inputs: its own rows (its package), the concept registry, the charts
drawn on plan pages and the words of every page. So rows that share a source line come out in a defined order (the
document's), and a rebuild reuses the pages of every plan whose inputs did not change without querying them."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from planpub import page, query
from planpub.concepts import load_concepts
from planpub.config import Paths, load_yaml
from planpub.schema import RESOURCES, field_types
from planpub.translate import load_translations

# A plan's rows listed on its page, with their id column.
LISTED = {
    "targets": (query.targets, "target_id"),
    "projects": (query.projects, "project_id"),
}


def _in_package_order(package: Path, resource: str, key: str) -> dict[tuple[str, str], list[str]]:
    """(plan, source line) → the ids of its rows, in the order of the package's CSV (the extractor's order)."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    with (package / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found[(row["plan_id"], row["source_line"])].append(row[key])
    return found


@pytest.mark.parametrize("resource", LISTED)
def test_rows_sharing_a_source_line_are_listed_in_the_order_the_document_states_them(built, resource):
    """ORDER BY source_line alone leaves ties in an order DuckDB does not define (shanxi-2016 line 242 came out
    村卫生室, 社区卫生服务机构, 乡镇卫生院 while the line says 乡镇, 街道, 行政村)."""
    db = query.connect(built.packages / "all")
    listed, key = LISTED[resource]
    expected = {where: ids for where, ids in _in_package_order(built.packages / "all", resource, key).items() if len(ids) > 1}
    assert expected  # the real plans have such lines: 33 of targets and 2 of projects when this was written
    for (plan_id, line), ids in expected.items():
        shown = [row[key] for row in listed(db, plan_id) if str(row["source_line"]) == line]
        assert shown == ids, (plan_id, line)


def test_a_concepts_rows_sharing_a_source_line_are_listed_in_the_order_the_document_states_them(built):
    """veteran-placement-rate: Jincheng's line 549 and Xinzhou's line 431 name 军转干部 before 退役士兵; the concept's
    page listed them the other way round, in an order DuckDB's join left them in."""
    db = query.connect(built.packages / "all")
    query.add_concepts(db, load_concepts(built.datasets / "concepts.yaml"))
    in_document = _in_package_order(built.packages / "all", "targets", "target_id")
    shared = 0
    for concept in query.concept_index(db):
        listed: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in query.concept_rows(db, concept["concept_id"]):
            if row["kind"] == "target":
                listed[(row["plan_id"], str(row["source_line"]))].append(row["row_id"])
        for where, ids in listed.items():
            if len(ids) > 1:
                assert ids == [i for i in in_document[where] if i in ids], (concept["concept_id"], where)
                shared += 1
    assert shared  # 2 when this was written


def _plan_pages_from(db, paths: Paths, docs: Path, plan_id: str) -> tuple[dict[str, bytes], dict[str, dict]]:
    """The page of `plan_id` and the page of its source (both languages, with its charts' data) as the build writes
    them from `db`."""
    words = {"words": load_translations(paths.i18n)}
    writer = page.PageWriter(db, load_yaml(paths.datasets / "ui.yaml"), docs, paths.sources, facts=words)
    plan = query.plan(db, plan_id)
    page.plan_page(writer, plan, query.plan_counts(db)[plan_id])
    source = paths.sources / plan["source_file"]
    page.source_page(writer, plan, source, source.read_bytes())
    files = {str(p.relative_to(docs)): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}
    return files, {path: chart.spec for path, chart in writer.charts.items()}


def test_a_plans_pages_read_only_their_declared_inputs_its_own_rows_the_concept_registry_and_its_source(built, tmp_path):
    """What lets a rebuild keep a plan's pages by their inputs (page.page_inputs, page.source_pages): the pages written
    from the whole catalog are the pages written from a database holding only that plan's package and the registry."""
    concepts = load_concepts(built.datasets / "concepts.yaml")
    catalog = query.connect(built.packages / "all")
    query.add_concepts(catalog, concepts)
    charted = 0
    for plan in query.plans(catalog):
        alone = query.connect(built.packages / plan["plan_id"])
        query.add_concepts(alone, concepts)
        from_catalog = _plan_pages_from(catalog, built, tmp_path / "catalog" / plan["plan_id"], plan["plan_id"])
        from_plan = _plan_pages_from(alone, built, tmp_path / "alone" / plan["plan_id"], plan["plan_id"])
        assert len(from_catalog[0]) >= 4, plan["plan_id"]  # both pages in both languages (and its charts' data)
        assert from_plan == from_catalog, plan["plan_id"]
        charted += len(from_catalog[1])
    assert charted  # the charts of the plan pages are compared too (8 when this was written)


def _concept_pages_from(db, paths: Paths, docs: Path, concept_id: str) -> tuple[dict[str, bytes], dict[str, dict]]:
    """The page of `concept_id` (both languages, with its charts' data) as the build writes it from `db`."""
    words = {"words": load_translations(paths.i18n)}
    writer = page.PageWriter(db, load_yaml(paths.datasets / "ui.yaml"), docs, paths.sources, facts=words)
    page.concept_page(writer, concept_id)
    files = {str(p.relative_to(docs)): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}
    return files, {path: chart.spec for path, chart in writer.charts.items()}


# What `concept_rows` shows of a plan; a concept's page may read nothing else of the plans.
SHOWN_OF_A_PLAN = (
    "plan_id",
    "level",
    "region_zh",
    "region_en",
    "region_code",
    "title_zh",
    "title_en",
    "period_start",
    "period_end",
    "source_file",
)


def _only_concept_rows(paths: Paths, concept_id: str, concepts: list):
    """The catalog's database holding nothing of the plans but the rows of `concept_id` (and the fields of their plans
    that `concept_rows` shows), with the registry."""
    db = query.connect(paths.packages / "all")
    linked = "(SELECT DISTINCT plan_id FROM {0} WHERE concept_id = $concept)"
    for resource in ("indicators", "targets"):
        db.execute(f"DELETE FROM {resource} WHERE concept_id IS DISTINCT FROM $concept", {"concept": concept_id})
    kept = f"{linked.format('indicators')} UNION {linked.format('targets')}"
    db.execute(f"DELETE FROM plans WHERE plan_id NOT IN ({kept})", {"concept": concept_id})
    hidden = [name for name in field_types("plans") if name not in SHOWN_OF_A_PLAN]
    db.execute(f"UPDATE plans SET {', '.join(f'{name} = NULL' for name in hidden)}")
    for resource in set(RESOURCES) - {"plans", "indicators", "targets"}:
        db.execute(f"DELETE FROM {resource}")
    query.add_concepts(db, concepts)
    return db


def test_a_concepts_page_reads_only_the_concepts_own_rows_and_the_registry(built, tmp_path):
    """What lets a rebuild keep a concept's page by its rows in `concept_rows` (page.concepts): the page written from
    the whole catalog is the page written from a database holding nothing of the plans but those rows."""
    concepts = load_concepts(built.datasets / "concepts.yaml")
    catalog = query.connect(built.packages / "all")
    query.add_concepts(catalog, concepts)
    linked, compared = query.rows_by_concept(catalog), 0
    assert sum(len({row["plan_id"] for row in rows}) > 1 for rows in linked.values()) >= 10  # 20 when written
    for item in query.concept_index(catalog):
        concept_id = item["concept_id"]
        alone = _only_concept_rows(built, concept_id, concepts)
        assert query.rows_by_concept(alone).get(concept_id, []) == linked.get(concept_id, []), concept_id
        from_catalog = _concept_pages_from(catalog, built, tmp_path / "catalog" / concept_id, concept_id)
        from_rows = _concept_pages_from(alone, built, tmp_path / "rows" / concept_id, concept_id)
        assert len(from_catalog[0]) >= 2, concept_id  # the page in both languages (and its charts' data)
        assert from_rows == from_catalog, concept_id
        compared += len(from_catalog[1])
    assert compared  # the charts of the concept pages are compared too
