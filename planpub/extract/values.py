"""Parsing a printed cell (`≥90`, `＞8（年均）`, `6.5左右`, `77.3*`, `—`) into value, comparator, qualifier, note."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MISSING = {"", "-", "—", "——", "－", "/", "／", "无", "…"}
_PREFIX = [
    ("≥", ">="),
    (">=", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("达到", "="),
    ("≤", "<="),
    ("<=", "<="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("控制在", "<="),
    ("＞", ">"),
    ("≧", ">="),
    ("≦", "<="),
    ("大于等于", ">="),
    ("小于等于", "<="),
    (">", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("超过", ">"),
    ("＜", "<"),
    ("<", "<"),
    ("低于", "<"),
    ("小于", "<"),
]
_SUFFIX = [("以上", ">="), ("以内", "<="), ("以下", "<="), ("左右", "~")]
_QUALIFIERS = ("五年累计", "累计", "年均", "每年")
_MARKER = re.compile(r"[*＊※]+$|[①-⑳]$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


@dataclass
class Cell:
    raw: str
    value: float | None = None
    comparator: str | None = None
    qualifier: str = ""
    marker: str = ""
    missing: bool = False


def _number(text: str) -> float | int | None:
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def parse_cell(raw: str) -> Cell:
    """Parse one printed value; anything that is not a single number keeps value None."""
    cell = Cell(raw=raw)
    text = re.sub(r"\s+", "", raw)
    if text in _MISSING:
        cell.missing = True
        return cell
    for qualifier in _QUALIFIERS:
        for wrapped in (f"（{qualifier}）", f"({qualifier})", qualifier):
            if wrapped in text:
                cell.qualifier = qualifier
                text = text.replace(wrapped, "")
                break
        if cell.qualifier:
            break
    if m := _MARKER.search(text):
        cell.marker, text = m[0], text[: m.start()]
    comparator = "="
    for word, symbol in _PREFIX:
        if text.startswith(word):
            comparator, text = symbol, text[len(word) :]
            break
    for word, symbol in _SUFFIX:
        if text.endswith(word):
            comparator, text = symbol, text[: -len(word)]
            break
    text = text.rstrip("%％")
    value = _number(text)
    if value is not None:
        cell.value, cell.comparator = value, comparator
    return cell
