"""Indicator tables: rows ending in an attribute cell (约束性/预期性), in tab-separated or one-cell-per-line layout."""

from __future__ import annotations

import re

from ..read import Document
from ..schema import Row, new_row
from .values import parse_cell

_ATTRIBUTES = {"约束性": "binding", "预期性": "expected"}
_SEQ = re.compile(r"^[(（]?\d{1,3}[)）.、]?$")
_SEQ_PREFIX = re.compile(r"^([(（]\d{1,3}[)）]|\d{1,3}[.、])\s*")
_UNIT = re.compile(r"[(（]([^()（）]{1,12})[)）]$")
_YEAR = re.compile(r"^(20\d\d)年")


def _cells(doc: Document) -> list[tuple[int, str]]:
    """Every non-empty table cell with its raw line: a tab separates cells, so does a line break."""
    cells = []
    for raw_line, line in doc.numbered():
        for part in line.split("\t"):
            if part.strip():
                cells.append((raw_line, part.strip()))
    return cells


def _split_name(text: str) -> tuple[str, str, str]:
    """'(1)婴儿死亡率（‰）' → ('(1)', '婴儿死亡率', '‰')."""
    seq = ""
    if m := _SEQ_PREFIX.match(text):
        seq, text = m[1], text[m.end() :]
    unit = ""
    if m := _UNIT.search(text):
        unit, text = m[1], text[: m.start()]
    return seq, text.strip(), unit


def extract_indicators(doc: Document, plan_id: str) -> list[Row]:
    cells = _cells(doc)
    years = [int(m[1]) for _, c in cells if (m := _YEAR.match(c)) and c == m[0]]
    rows: list[Row] = []
    domain = ""
    previous_end = 0
    for i, (_, cell) in enumerate(cells):
        if cell not in _ATTRIBUTES or i < 3:
            continue
        name_line, name_cell = cells[i - 3]
        seq, name, unit = _split_name(name_cell)
        extra = [c for _, c in cells[max(previous_end, i - 6) : i - 3]]
        if not seq and extra and _SEQ.match(extra[-1]):
            seq = extra.pop()
        if extra and len(extra[-1]) <= 12 and extra[-1] not in _ATTRIBUTES:
            domain = extra[-1]
        baseline, target = parse_cell(cells[i - 2][1]), parse_cell(cells[i - 1][1])
        rows.append(
            new_row(
                "indicators",
                plan_id=plan_id,
                indicator_id=f"i{len(rows) + 1:03d}",
                seq=seq,
                sub_item_zh="",
                domain_zh=domain,
                name_zh=name,
                unit_zh=unit,
                baseline_year=years[0] if years else None,
                baseline_raw=baseline.raw,
                baseline_value=baseline.value,
                target_year=years[1] if len(years) > 1 else None,
                target_raw=target.raw,
                target_value=target.value,
                target_comparator=target.comparator,
                target_qualifier=target.qualifier,
                attribute=_ATTRIBUTES[cell],
                note_zh="; ".join(n for n in (baseline.note, target.note) if n),
                source_line=name_line,
            )
        )
        previous_end = i + 1
    return rows
