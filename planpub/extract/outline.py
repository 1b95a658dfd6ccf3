"""The outline: chapter and section headings, skipping the printed table of contents."""

from __future__ import annotations

import re

from ..read import Document
from ..schema import Row, new_row

_CN = "一二三四五六七八九十百零"
_HEADINGS = [
    (1, re.compile(rf"^\s*(第[{_CN}\d]+章)\s*(.+)$")),
    (2, re.compile(rf"^\s*(第[{_CN}\d]+节)\s*(.+)$")),
    (1, re.compile(rf"^\s*([{_CN}]+、)\s*(.+)$")),
    (2, re.compile(rf"^\s*([（(][{_CN}]+[)）])\s*(.+)$")),
]
# A table-of-contents entry ends in a page number, often after dots or a tab.
_TOC_ENTRY = re.compile(r"(?:\.{2,}|…+|\t|\s{2,})\s*\d+\s*$")
_MAX_TITLE = 40


def _heading(line: str) -> tuple[int, str, str] | None:
    for level, pattern in _HEADINGS:
        if m := pattern.match(line):
            title = m[2].strip()
            if len(title) <= _MAX_TITLE and not title.endswith(("。", "；", "，")):
                return level, m[1], title
    return None


def extract_sections(doc: Document, plan_id: str) -> list[Row]:
    rows: list[Row] = []
    for raw_line, line in doc.numbered():
        found = _heading(line)
        if not found or _TOC_ENTRY.search(line):
            continue
        level, label, title = found
        rows.append(
            new_row(
                "sections",
                plan_id=plan_id,
                section_id=f"s{len(rows) + 1:03d}",
                level=level,
                label=label,
                title_zh=title,
                source_line=raw_line,
            )
        )
    return rows
