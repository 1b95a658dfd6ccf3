"""The whole build, stage by stage: read → extract → curate → translate → package → query → chart/page → site."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import concepts as registry
from . import package, site
from .config import ROOT, Paths, load_yaml, strip_lines
from .curate import apply_overrides
from .errors import PlanError
from .extract import extract
from .page import PageWriter
from .query import add_concepts, connect
from .read import read_document
from .schema import RESOURCES, Records, empty_records
from .translate import Coverage, load_translations, translate

Log = Callable[[str], None]


@dataclass
class BuildResult:
    records: Records
    coverage: Coverage
    reports: list[dict] = field(default_factory=list)


def load_registry(paths: Paths) -> list[dict]:
    """The registered plans, checked: required keys present, ids unique, source files present."""
    spec = load_yaml(paths.registry, with_lines=True) or {}
    entries = spec.get("plans") or []
    seen: dict[str, int] = {}
    for entry in entries:
        for key in ("plan_id", "source", "level"):
            if not entry.get(key):
                raise PlanError(
                    f"plan entry has no `{key}`", paths.registry, entry["__line__"], hint=f"add `{key}:` to this entry"
                )
        if entry["plan_id"] in seen:
            raise PlanError(
                f"duplicate plan_id {entry['plan_id']!r} (first at line {seen[entry['plan_id']]})",
                paths.registry,
                entry["__line__"],
                hint="give every plan its own plan_id",
            )
        seen[entry["plan_id"]] = entry["__line__"]
        if not (paths.sources / entry["source"]).is_file():
            raise PlanError(
                f"source file {entry['source']!r} not found in {paths.sources}",
                paths.registry,
                entry["__line__"],
                hint="copy the document there (python build.py add FILE) or fix the name",
            )
    return entries


def extract_plan(paths: Paths, entry: dict) -> Records:
    """read → extract → curate for one registered plan."""
    doc = read_document(paths.sources / entry["source"])
    records = extract(doc, strip_lines(entry))
    apply_overrides(records, paths.overrides / f"{entry['plan_id']}.yaml")
    return records


def report_concepts(concepts: list[registry.Concept], per_plan: dict[str, Records], log: Log) -> None:
    """How many rows the registry links, and the recurring-looking names it does not."""
    named = [row for records in per_plan.values() for row in registry.named_rows(records)]
    linked = [row for row in named if row["concept_id"]]
    log(f"concepts {len(linked)} rows linked to {len({r['concept_id'] for r in linked})} of {len(concepts)} concepts")
    report = registry.unmatched(concepts, named)
    if report:
        log(f"concepts {len(report)} recurring-looking names match no concept (add an alias or a concept):")
        for line in registry.format_unmatched(report):
            log(line)


def build(paths: Paths, *, strict: bool = False, log: Log = print) -> BuildResult:
    """Run every stage for every registered plan; datasets/packages and site/ change only if all succeed."""
    entries = load_registry(paths)
    catalog = load_yaml(paths.datasets / "catalog.yaml")
    table = load_translations(paths.i18n)
    coverage = Coverage()
    concepts = registry.load_concepts(paths.datasets / "concepts.yaml")
    per_plan: dict[str, Records] = {}
    for entry in entries:
        log(f"extract  {entry['plan_id']}")
        records = extract_plan(paths, entry)
        registry.link(records, concepts)
        translate(records, table, coverage)
        per_plan[entry["plan_id"]] = records
    report_concepts(concepts, per_plan, log)
    missing = sum(coverage.missing.values())
    if missing:
        log(f"translate: {missing} strings have no English yet")
        if strict:
            raise PlanError(
                f"{missing} strings have no English translation (strict mode)",
                paths.i18n,
                hint="run `python build.py i18n --missing` and add them to datasets/i18n/",
            )
    packages_new = site.staging_dir(paths.packages)
    docs = site.staging_dir(paths.root / "build" / "docs")
    site_new = site.staging_dir(paths.site)
    try:
        log("package  validate with frictionless")
        reports = package.write_packages(packages_new, catalog, per_plan)
        db = connect(packages_new / "all")
        add_concepts(db, concepts)
        log("page     charts and pages")
        PageWriter(db, load_yaml(paths.datasets / "ui.yaml"), docs).write_all()
        site.write_assets(docs)
        shutil.copytree(packages_new, docs / "downloads")
        log("site     mkdocs build")
        site.mkdocs_build(paths.root / "mkdocs.yml", docs, site_new)
    except BaseException:
        for tmp in (packages_new, site_new):
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(docs, ignore_errors=True)
    site.swap_in(packages_new, paths.packages)
    site.swap_in(site_new, paths.site)
    log(f"done     {paths.site}")
    return BuildResult(records=empty_records(), coverage=coverage, reports=reports)


def extract_file(file: Path, out: Path, log: Log = print) -> Records:
    """read → extract → package for any single document, registered or not; writes a validated package to `out`."""
    doc = read_document(file)
    plan_id = "".join(c if c.isascii() and c.isalnum() else "-" for c in file.stem.lower()).strip("-") or "plan"
    entry = {"plan_id": plan_id, "title_zh": file.stem, "level": "province"}
    records = extract(doc, entry)
    meta = package.plan_descriptor(load_yaml(ROOT / "datasets" / "catalog.yaml"), records["plans"][0])
    package.validate_package(package.write_package(out, records, meta))
    counts = {r: len(records[r]) for r in RESOURCES if r != "plans"}
    if not any(counts.values()):
        log(
            f"{file}: no plan content found (no outline, indicators, projects or targets); wrote an empty, valid package to {out}"
        )
    else:
        log(f"{file}: " + ", ".join(f"{n} {r}" for r, n in counts.items()) + f" → {out}")
    return records
