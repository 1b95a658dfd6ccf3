"""Stage 2, extract: a normalised document → records of the data contract, each with its raw source line."""

from __future__ import annotations

from dataclasses import asdict

from ..read import Document
from ..schema import Records, empty_records
from . import indicators, metadata, outline, projects, targets
from .text import furniture_lines


def extract(doc: Document, plan: dict) -> Records:
    """All records of one plan; `plan` is its registry entry (plan_id plus curated metadata)."""
    records = empty_records()
    plan_id = plan["plan_id"]
    records["plans"] = [metadata.extract_plan(doc, plan)]
    tables = indicators.extract_tables(doc, plan_id, plan.get("period_end"))
    records["indicators"], records["tables"] = tables.indicators, tables.tables
    not_text = tables.lines | furniture_lines(doc.numbered())  # tables and web-page furniture are not running text
    records["sections"] = outline.extract_sections(doc, plan_id, not_text)
    records["projects"], records["boxes"] = projects.extract_projects(doc, plan_id, not_text, tables.lines)
    found = targets.extract_targets(doc, plan_id, not_text, records["sections"], plan.get("period_start"))
    records["targets"] = found.rows
    records["targets_dropped"] = [asdict(d) for d in found.dropped]  # not published: for `extract` and the logs
    return records
