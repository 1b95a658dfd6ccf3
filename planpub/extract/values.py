"""Parsing a printed cell (`≥90`, `＞8（年均）`, `6.5左右`, `77.3*`, `≥82.72岁`, `〔18〕`, `—`) into its parts.

A cell keeps its raw text; the parsed value is set only when the cell is one number, possibly with a
comparator, a qualifier, a footnote marker and a unit printed beside it. Units are recognised by their
grammar (magnitude + base unit [/ denominator]), so `（总服务人数/馆员规模）` is a definition, not a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MISSING = {"", "-", "—", "——", "－", "－－", "--", "/", "／", "无", "…"}
_PREFIX = [
    ("大于等于", ">="),
    ("小于等于", "<="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不大于", "<="),
    ("控制在", "<="),
    ("达到", "="),
    ("≥", ">="),
    (">=", ">="),
    ("≧", ">="),
    ("≤", "<="),
    ("<=", "<="),
    ("≦", "<="),
    ("＞", ">"),
    (">", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("超过", ">"),
    ("＜", "<"),
    ("<", "<"),
    ("低于", "<"),
    ("小于", "<"),
    ("约", "~"),
]
_SUFFIX = [("以上", ">="), ("以内", "<="), ("以下", "<="), ("左右", "~")]
_QUALIFIERS = ("五年累计", "累计", "年均", "每年")
_MARKER = re.compile(r"[*＊※]+$|[①-⑳]$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_CUMULATIVE = re.compile(r"^[〔［\[](.+)[〕］\]]$")

# Units by their grammar: [magnitude] base [/ [number|magnitude] base], or a rate such as 1/10万.
_BASE = (
    "平方公里|平方千米|平方米|立方米|千瓦时|千瓦|人次|户次|床位|百分点|个百分点|公里|千米|厘米|米|公顷|亩|吨|公斤|千克|克|升|"
    "人|元|个|岁|年|张|所|家|次|户|套|辆|床|台|件|项|处|座|册|篇|分钟|小时|天|日|月|周|名|位|场|部|条|片|块|种|批|"
    "支|间|倍|分|度|标准箱|艘|架|公顷|栋|宗|例|份|课时|学时|门|类|级|本"
)
_MAGNITUDE = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百"
_UNIT = re.compile(
    rf"^(?:[%％‰‱]|(?:{_MAGNITUDE})?(?:{_BASE})(?:[/／每](?:\d*(?:{_MAGNITUDE})?(?:{_BASE})?|\d+))?(?:[·・](?:{_BASE}))?"
    rf"|\d+[/／]\d*(?:{_MAGNITUDE})(?:人|元|户)?|[‰%](?:[/／].{{1,4}})?)$"
)
_VALUE_UNIT = re.compile(rf"^([+-]?\d+(?:\.\d+)?)((?:{_MAGNITUDE})?(?:{_BASE})(?:[/／](?:{_MAGNITUDE})?(?:{_BASE}))?|[%％‰‱])$")


@dataclass
class Cell:
    raw: str
    value: float | None = None
    comparator: str | None = None
    qualifier: str = ""
    marker: str = ""
    unit: str = ""
    missing: bool = False


def is_unit(text: str) -> bool:
    """`万人`, `1/10万`, `平方米/人`, `‰`: a unit by its grammar (not a definition such as `农村居民收入=1`)."""
    return bool(_UNIT.match(re.sub(r"\s+", "", text)))


def _number(text: str) -> float | int | None:
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def _strip_qualifier(cell: Cell, text: str) -> str:
    for qualifier in _QUALIFIERS:
        for wrapped in (f"（{qualifier}）", f"({qualifier})", qualifier):
            if wrapped in text:
                cell.qualifier = qualifier
                return text.replace(wrapped, "")
    return text


def _strip_comparator(text: str) -> tuple[str, str]:
    comparator = "="
    for word, symbol in _PREFIX:
        if text.startswith(word):
            comparator, text = symbol, text[len(word) :]
            break
    for word, symbol in _SUFFIX:
        if text.endswith(word):
            comparator, text = symbol, text[: -len(word)]
            break
    return comparator, text


def parse_cell(raw: str) -> Cell:
    """Parse one printed value; anything that is not a single number keeps value None."""
    cell = Cell(raw=raw)
    text = re.sub(r"\s+", "", raw)
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)  # 76。7: an ideographic full stop as decimal point
    text = re.sub(r"(?<=\d)[,，](?=\d{3}(?:\D|$))", "", text)  # 31,000
    if text in _MISSING:
        cell.missing = True
        return cell
    if m := _CUMULATIVE.match(text):  # 〔18〕: a five-year cumulative figure, as national plans print it
        cell.qualifier, text = "累计", m[1]
    text = _strip_qualifier(cell, text)
    if m := _MARKER.search(text):
        cell.marker, text = m[0], text[: m.start()]
    comparator, text = _strip_comparator(text)
    if m := _VALUE_UNIT.match(text):
        text, cell.unit = m[1], m[2].replace("％", "%")
    value = _number(text)
    if value is not None:
        cell.value, cell.comparator = value, comparator
    else:
        cell.unit = ""
    return cell
