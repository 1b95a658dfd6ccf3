"""Stage 2 of the table reader: a header → the role of each column.

The header is normalised (NFKC, spaces out) and each cell is mapped to a role by synonyms and year
patterns: sequence number, domain, name, unit, baseline, target, vision (a year after the plan's end),
achieved (a review table's 完成情况), attribute, weight, source agency, note, or other. Value columns get
their year from the header (`2020年`, `“十四五”末`, `2025年目标`) and, where the header says none, from
their place. An unknown column keeps the role `other`: its cells are never moved into a value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

VALUE_ROLES = ("baseline", "target", "vision", "achieved")

_WORD_ROLES = [
    ("seq", re.compile(r"^(?:序号|编号|序|号)$")),
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("sub_item", re.compile(r"^(?:分项|子项|细项|其中)$")),
    ("attribute", re.compile(r"^(?:指标)?(?:属性|性质|类型)$")),
    ("domain", re.compile(r"^(?:领域|类别|分类|方面|维度|板块|一级指标|指标类别|指标分类|目标类别)$")),
    ("weight", re.compile(r"^(?:权重|分值|权数)(?:\(%\))?$")),
    ("source", re.compile(r"来源|部门|牵头|责任单位|主管单位|提供单位|监测单位")),
    ("note", re.compile(r"^(?:备注|说明|注|计算方法|指标解释)$")),
    ("name", re.compile(r"^(?:主要|具体|二级|三级|发展)?指标(?:名称|内容|项目)?$|^(?:名称|内容|指标项)$")),
]
_ACHIEVED = re.compile(r"完成|实际|实现|执行|实绩")
_BASELINE = re.compile(r"基期|基数|基准|现状|现值|基础|起点|上年")
_TARGET = re.compile(r"目标|预期|规划|达到")
_CUMULATIVE = re.compile(r"累计")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_PERIOD = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
_PERIOD_WORD = re.compile(r"[“\"]?(十[一二三四五]?五)[”\"]?(?:时期|期间|期)?")
_VALUE_HEADER = re.compile(
    r"^(?P<label>[\u4e00-\u9fff]{0,3}?)"
    r"(?P<year>(?:19|20)\d\d年?(?:底|末|度)?|[“\"]?十[一二三四五]?五[”\"]?(?:时期|期间|期)?(?:期末|末)?)?"
    r"(?P<role>(?:基期|基数|基准|现状|现值|基础|起点|上年|目标|预期|规划|完成|实际完成|实际|实现|执行|实绩|累计|预计){1,2})?"
    r"(?:值|水平|情况|数据|数值|数)?(?P<year2>(?:19|20)\d\d年?)?$"
)
_FILLER = re.compile(
    r"年|底|末|度|基期|基数|基准|现状|现值|基础|起点|上年|目标|预期|规划|达到|完成|实际|实现|执行|实绩|累计|预计|值|水平|情况|数据|数|\(.*?\)"
)


@cache
def compact(text: str) -> str:
    """A header cell as compared: NFKC, no spaces or brackets, no footnote digit glued on (`〔累计〕1` → `累计`)."""
    cell = re.sub(r"[\s〔〕\[\]［］【】|]+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"(?<=[\u4e00-\u9fff])[1-9]$", "", cell)


@dataclass
class Column:
    header: str  # as printed, compacted
    role: str
    year: int | None = None
    label: str = ""  # what the header adds to a value column's year and role, such as 苏南 in 苏南目标值
    qualifier: str = ""  # 累计 for a column of cumulative figures

    def describe(self) -> str:
        year = f" {self.year}" if self.year else ""
        label = f" [{self.label}]" if self.label else ""
        return f"{self.header or '∅'}={self.role}{year}{label}"


@cache
def word_role(text: str) -> str | None:
    """The role a header cell names by a word (指标 → name, 单位 → unit, 属性 → attribute), if any."""
    cell = compact(text)
    for role, pattern in _WORD_ROLES:
        if pattern.search(cell):
            return role
    return None


def _value_header(cell: str) -> bool:
    """`2020年`, `“十四五”末`, `2025年目标值`, `基期水平`, `苏南目标值`, `完成情况`: a year or a role word, and little else."""
    cell = re.sub(r"\(([^()]*)\)$", lambda m: m[1] if _YEAR.search(m[1]) else "", cell)  # 目标值(2025年)
    m = _VALUE_HEADER.match(cell)
    return bool(m) and bool(m["year"] or m["role"]) and len(cell) <= 16 and len(_YEAR.findall(cell)) <= 1


@cache
def is_header_cell(text: str) -> bool:
    """A cell that can stand in a table header: a role word or a value column's year/role words."""
    cell = compact(text)
    return bool(cell) and (word_role(cell) is not None or _value_header(cell))


def is_name_header(text: str) -> bool:
    return word_role(text) == "name"


def is_value_header(text: str) -> bool:
    return _value_header(compact(text))


def _year_of(cell: str) -> int | None:
    if m := _YEAR.search(cell):
        return int(m[1])
    if m := _PERIOD_WORD.search(cell):
        return _PERIOD.get(m[1])
    return None


def _label_of(cell: str) -> str:
    """The part of a value header that is neither year nor role word: 苏南 in 苏南目标值."""
    return _FILLER.sub("", _PERIOD_WORD.sub("", _YEAR.sub("", cell)))


def _value_column(cell: str) -> Column:
    column = Column(cell, "value", _year_of(cell), _label_of(cell))
    if _ACHIEVED.search(cell):
        column.role = "achieved"
    elif _BASELINE.search(cell):
        column.role = "baseline"
    elif _TARGET.search(cell) or _CUMULATIVE.search(cell):
        column.role = "target"
    if _CUMULATIVE.search(cell):
        column.qualifier = "累计"
    return column


def _years_to_roles(columns: list[Column], period_end: int | None) -> None:
    """Value columns the header names only by year: before the target year a baseline, the target year the target."""
    plain = [c for c in columns if c.role == "value"]
    years = sorted({c.year for c in columns if c.role in ("value", "target") and c.year})
    targets = sorted(c.year for c in columns if c.role == "target" and c.year)
    end = period_end if period_end in years else targets[0] if targets else years[1] if len(years) > 1 else None
    for column in plain:
        if column.year is None or end is None:
            column.role = "target"
        else:
            column.role = "baseline" if column.year < end else "target" if column.year == end else "vision"
    _later_targets_are_vision(columns, period_end)


def _later_targets_are_vision(columns: list[Column], period_end: int | None) -> None:
    """Of target columns with different years, the plan's end (or the earliest) is the target; later ones are the vision."""
    reviewed = {c.year for c in columns if c.role == "achieved"}
    for column in columns:  # a review table's own targets (2015年目标 beside 2015年完成情况) are not this plan's
        if column.role == "target" and column.year in reviewed:
            column.role = "other"
    targets = [c for c in columns if c.role == "target" and c.year and not c.qualifier]
    years = sorted({c.year for c in targets})
    if len(years) < 2:
        return
    main = period_end if period_end in years else years[0]
    for column in targets:
        if column.year > main:
            column.role = "vision"
        elif column.year < main:
            column.role = "other"


def read_header(cells: list[str], period_end: int | None = None) -> list[Column]:
    """The role of each header cell, in order (empty cells of a merged header are dropped)."""
    columns: list[Column] = []
    for text in cells:
        cell = compact(text)
        if not cell:
            continue
        role = word_role(cell)
        if role is not None:
            columns.append(Column(cell, role))
        elif _value_header(cell):
            columns.append(_value_column(cell))
        else:
            columns.append(Column(cell, "other"))
    _years_to_roles(columns, period_end)
    return columns
