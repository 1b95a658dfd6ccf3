"""Stage 2, extract: a normalised document → records of the data contract, each with its raw source line."""

from __future__ import annotations

from ..read import Document
from ..schema import Records, empty_records
from . import indicators, metadata, outline, projects, targets


def extract(doc: Document, plan: dict) -> Records:
    """All records of one plan; `plan` is its registry entry (plan_id plus curated metadata)."""
    records = empty_records()
    plan_id = plan["plan_id"]
    records["plans"] = [metadata.extract_plan(doc, plan)]
    tables = indicators.extract_tables(doc, plan_id, plan.get("period_end"))
    records["indicators"], records["tables"], table_lines = tables.indicators, tables.tables, tables.lines
    records["sections"] = outline.extract_sections(doc, plan_id, table_lines)
    records["projects"] = projects.extract_projects(doc, plan_id, table_lines)
    records["targets"] = targets.extract_targets(doc, plan_id, table_lines, records["sections"], plan.get("period_start"))
    return records
