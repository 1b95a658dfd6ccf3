"""The outline: chapter and section headings, skipping the printed table of contents.

Heading kinds rank 第N编 > 第N章 > 第N节 > 一、 > （一） > 1. > (1); a document's levels are the ranks of the
kinds it actually uses, so "一、" is level 1 in a plan without chapters and level 3 in one with 章 and 节.
"""

from __future__ import annotations

import re

from ..read import Document
from ..schema import Row, new_row
from .text import CN_NUM

_N = rf"[{CN_NUM}\d]+"
_KINDS = [
    ("bian", re.compile(rf"^(第{_N}[编篇])\s*(.+)$")),
    ("zhang", re.compile(rf"^(第{_N}章)\s*(.+)$")),
    ("jie", re.compile(rf"^(第{_N}节)\s*(.+)$")),
    ("cn", re.compile(rf"^([{CN_NUM}]+、)\s*(.+)$")),
    ("paren_cn", re.compile(rf"^([（(][{CN_NUM}]+[)）])\s*(.+)$")),
    ("arabic", re.compile(r"^(\d{1,2}[.．、])\s*(?!\d)(.+)$")),
    ("paren_arabic", re.compile(r"^([（(]\d{1,2}[)）])\s*(.+)$")),
]
# A table-of-contents entry ends in a page number, often after dots, a tab or spaces.
_TOC_ENTRY = re.compile(r"(?:\.{2,}|…+|·{2,}|\t|\s{2,}|\s)\s*\d{1,3}\s*$")
# It is searched in the line's end only: on a long run of spaces its overlapping `\s` alternatives backtrack
# cubically (a heading followed by 20,000 spaces took hours); a page number and its leader fit in the tail.
_TOC_TAIL = 12
_TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")
_MAX_TITLE = 40


def heading(line: str) -> tuple[str, str, str] | None:
    """(kind, label, title) when the whole line is a heading: short, not a sentence, not a table row."""
    text = line.strip()
    if "\t" in text or "|" in text:
        return None
    for kind, pattern in _KINDS:
        if m := pattern.match(text):
            title = m[2].strip().rstrip("。").strip()
            if not title or len(title) > _MAX_TITLE or re.search(r"[。；;]", title):
                return None
            if kind in ("arabic", "paren_arabic") and re.search(r"[：:，,]", title):
                return None
            return kind, m[1], title
    return None


def _toc_lines(doc: Document, candidates: list[tuple[int, str, str, str]]) -> set[int]:
    """Lines of the printed table of contents: page-numbered entries, or entries repeated later in the body."""
    toc = {i for i, _, _, _ in candidates if _TOC_ENTRY.search(doc.lines[i][-_TOC_TAIL:])}
    start = next((i for i, line in enumerate(doc.lines) if _TOC_TITLE.match(line)), None)
    if start is not None:
        later = [(label, title) for i, _, label, title in candidates if i > start]
        for i, _, label, title in candidates:
            if i > start and later.count((label, title)) > 1 and (label, title) == later[0]:
                # the first entry after 目录 repeats in the body: everything up to its repetition is the TOC
                second = [j for j, _, lb, t in candidates if (lb, t) == (label, title)][1]
                toc |= {j for j, _, _, _ in candidates if start < j < second}
                break
    return toc


def extract_sections(doc: Document, plan_id: str, table_lines: set[int]) -> list[Row]:
    """Headings outside indicator tables (a table's domain rows may look like "一、…")."""
    candidates = [
        (i, *found) for i, line in enumerate(doc.lines) if doc.raw_lines[i] not in table_lines and (found := heading(line))
    ]
    toc = _toc_lines(doc, candidates)
    body = [c for c in candidates if c[0] not in toc]
    ranks = sorted({kind for _, kind, _, _ in body}, key=[k for k, _ in _KINDS].index)
    rows: list[Row] = []
    counters: list[str] = []
    for i, kind, label, title in body:
        level = ranks.index(kind) + 1
        counters = counters[: level - 1] + [""] * max(0, level - 1 - len(counters)) + [_label_key(label)]
        rows.append(
            new_row(
                "sections",
                plan_id=plan_id,
                section_id=_unique("s" + "-".join(c or "0" for c in counters), rows),
                level=min(level, 4),
                label=label,
                title_zh=title,
                source_line=doc.raw_lines[i],
            )
        )
    return rows


def _label_key(label: str) -> str:
    """第十二章 → 12, （三） → 3, 2. → 2: the printed number, so ids survive edits elsewhere in the document."""
    from .text import cn_number

    core = re.sub(r"[第章节编篇、（）().．]", "", label)
    number = int(core) if core.isdigit() else cn_number(core)
    return str(number) if number is not None else core


def _unique(base: str, rows: list[Row]) -> str:
    taken = {r["section_id"] for r in rows}
    if base not in taken:
        return base
    n = 2
    while f"{base}x{n}" in taken:
        n += 1
    return f"{base}x{n}"
