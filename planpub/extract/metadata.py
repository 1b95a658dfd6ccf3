"""Plan metadata: what the document states (doc number, issue date, title), the registry the rest."""

from __future__ import annotations

import re
from datetime import date

from ..read import Document
from ..schema import Row, new_row

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}发[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_DATE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
_HEAD_LINES = 60


def _stated(doc: Document) -> dict:
    """Doc number and issue date from the notice at the top of the document, when it has one."""
    found: dict = {}
    for line in doc.lines[:_HEAD_LINES]:
        if "doc_number" not in found and (m := _DOC_NUMBER.search(line)):
            found["doc_number"] = m.group(0)
        if "issue_date" not in found and (m := _DATE.match(line)):
            found["issue_date"] = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    return found


def extract_plan(doc: Document, plan: dict) -> Row:
    """The one `plans` row: registry values, overridden by nothing the text cannot support."""
    stated = _stated(doc)
    return new_row(
        "plans",
        plan_id=plan["plan_id"],
        title_zh=plan.get("title_zh"),
        issuer_zh=plan.get("issuer_zh"),
        doc_number=stated.get("doc_number", plan.get("doc_number")),
        issue_date=stated.get("issue_date", plan.get("issue_date")),
        region_zh=plan.get("region_zh"),
        region_code=plan.get("region_code"),
        level=plan.get("level"),
        period_start=plan.get("period_start"),
        period_end=plan.get("period_end"),
        source_file=doc.path.name,
        source_sha256=doc.sha256,
        script=doc.script,
    )
