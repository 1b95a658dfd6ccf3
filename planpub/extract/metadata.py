"""Plan metadata: what the document states (title, issuer, doc number, issue date), the registry the rest."""

from __future__ import annotations

import re
from datetime import date

from ..read import Document
from ..schema import Row, new_row
from .text import tidy_title

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_NOTICE = re.compile(r"^(.{2,30}?)\s*关于印发(.{4,80}?)的通知$")
_TITLE = re.compile(r"^[^，。；：:\t]{4,80}(?:规划|纲要|计划|方案)(?:[(（][^()（）]{4,20}[)）])?$")
_QUOTED_TITLE = re.compile(r"《([^《》]{4,80}?(?:规划|纲要|计划|方案))》")
_HEAD_LINES = 60


def stated_number_and_date(doc: Document) -> dict[str, tuple[str, int]]:
    """The document number and issue date the notice states: field → (value, raw line)."""
    found: dict[str, tuple[str, int]] = {}
    for raw_line, line in doc.numbered()[:_HEAD_LINES]:
        line = tidy_title(line)
        if "doc_number" not in found and (m := _DOC_NUMBER.search(line)) and len(line) <= 40:
            found["doc_number"] = (m.group(0), raw_line)
        if "issue_date" not in found and (m := _DATE.match(line)):
            found["issue_date"] = (date(int(m[1]), int(m[2]), int(m[3])).isoformat(), raw_line)
    return found


def _stated(doc: Document) -> dict:
    """What the notice and title page at the top of the document say, when they say it."""
    found: dict = {key: value for key, (value, _) in stated_number_and_date(doc).items()}
    head = [tidy_title(line) for line in doc.lines[:_HEAD_LINES]]
    for line in head:
        if "issuer_zh" not in found and (m := _NOTICE.match(line)):
            found["issuer_zh"] = m[1]
        if "title_zh" not in found and _TITLE.match(line) and not line.startswith(("关于", "《")):
            found["title_zh"] = line
    if "title_zh" not in found:
        for line in head[:10]:
            if m := _QUOTED_TITLE.search(line):
                found["title_zh"] = m[1]
                break
    return found


def extract_plan(doc: Document, plan: dict) -> Row:
    """The one `plans` row: stated values first, registry values where the text says nothing."""
    stated = _stated(doc)
    return new_row(
        "plans",
        plan_id=plan["plan_id"],
        title_zh=stated.get("title_zh", plan.get("title_zh")),
        issuer_zh=stated.get("issuer_zh", plan.get("issuer_zh")),
        doc_number=stated.get("doc_number", plan.get("doc_number")),
        issue_date=stated.get("issue_date", plan.get("issue_date")),
        region_zh=plan.get("region_zh"),
        region_code=plan.get("region_code"),
        level=plan.get("level"),
        period_start=plan.get("period_start"),
        period_end=plan.get("period_end"),
        source_file=doc.path.name,
        source_sha256=doc.sha256,
        source_url=plan.get("source_url"),
        source_encoding=doc.encoding,
        script=doc.script,
    )
