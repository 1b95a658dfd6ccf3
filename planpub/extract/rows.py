"""Stage 3 of the table reader: cells → rows, each cell read by the role of its column.

A printed row's cells are aligned to the header's roles by a small dynamic programme: every cell goes to a
column whose role fits what the cell is (a sequence number, a name, a unit, a value, an attribute word …),
in order, with columns left out where the row has no cell for them. A run of one-cell lines is first cut
into rows the same way: the cut that lets every row align best, where group labels (`一、社会保险`, `学前教育`)
stand between rows. Nothing is guessed from a cell's place alone, and a number inside a name never is a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from .columns import VALUE_ROLES, Column
from .grid import ATTRIBUTE_CELLS, Cell
from .text import CJK
from .values import is_unit, parse_cell

NEG = float("-inf")
SEQ = re.compile(r"^[(（]?(\d{1,3})[)）.、．]?$")
SEQ_PREFIX = re.compile(r"^([(（]\d{1,3}[)）]|\d{1,3}[.、．](?!\d)|\d{1,3}(?=\s)|[①-⑳])\s*")
SUB_ITEM = re.compile(
    r"^(?:其中[:：]?.{1,12}|(?:省|市|县|区|乡镇?|镇|村|国家|地市|县区|县市|街道|社区|[一二三四五])级|城市|农村|城镇|乡村|城区|男性?|女性?|小学|初中|高中|全省|全市|全国|户籍人口|"
    r"常住人口|全人口|户籍|常住|中心城区|县域|市区|郊区)$"
)
_LABEL = re.compile(rf"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d{{1,2}}[。])\s*[{CJK}]")
# A target printed in words: a verb of attainment (`实现`, `完成国家确定目标`), or an adverb before one (`持续减缓`).
_VALUE_WORDS = re.compile(
    r"^(?:完成|达到|实现|保持|力争|确保|年均|不低于|不高于|高于|低于|控制|下降|降低|提高|增长|减少|消除|覆盖|"
    r"(?:持续|稳步|逐步|明显|显著|基本|全面)[\u4e00-\u9fff]{2})"
)
_SKIP = {"name": 3.0, "target": 1.0, "baseline": 0.3, "vision": 0.5, "achieved": 0.3, "cumulative": 0.2}
_DROP = 2.5
_DROP_EMPTY = 0.6
_ROW_COST = 1.0
_LABEL_SCORE = 0.5
_ABSORB = 0.8
MAX_ROW = 24


@dataclass(frozen=True)
class Kind:
    """What a cell looks like, computed once per cell text."""

    empty: bool = False
    attribute: bool = False
    seq: bool = False
    number: bool = False
    unit: bool = False
    sub: bool = False
    text: bool = False
    value_words: bool = False
    label: bool = False
    length: int = 0
    digits: bool = False
    years: bool = False


@cache
def kind(text: str) -> Kind:
    """Classify one cell by what it looks like."""
    text = text.strip()
    if not text:
        return Kind(empty=True)
    squashed = re.sub(r"\s+", "", text)
    cjk = len(re.findall(f"[{CJK}]", squashed))
    parsed = parse_cell(squashed)
    number = (parsed.value is not None or parsed.missing) and cjk <= 2 or len(stacked_values(text)) >= 2
    number_inside = bool(re.search(r"\d", squashed)) and not SEQ_PREFIX.match(squashed)
    return Kind(
        attribute=squashed in ATTRIBUTE_CELLS,
        seq=bool(SEQ.match(squashed)),
        number=number,
        unit=not number and is_unit(squashed),
        sub=bool(SUB_ITEM.match(squashed)),
        text=cjk > 0 and not number,
        value_words=cjk > 0 and (bool(_VALUE_WORDS.match(squashed)) or (number_inside and cjk <= 6)),
        label=bool(_LABEL.match(squashed)),
        length=cjk,
        digits=bool(re.search(r"\d", squashed)),
        years=bool(re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", squashed)) and cjk > 0,
    )


def stacked_values(text: str) -> list[str]:
    """`72.7 50.5`: the values of sub-rows stacked in one cell (empty when the cell is not that)."""
    tokens = text.split()
    if len(tokens) < 2 or not all((p := parse_cell(t)).value is not None or p.missing for t in tokens):
        return []
    return tokens


def _value_fit(k: Kind, role: str) -> float:
    if k.number or k.seq:
        return 2.0
    if k.label:
        return NEG
    if k.years and role in ("baseline", "achieved"):
        return 1.3  # `2002—2012年平均每年增长约5.3%`: a text that dates itself is a baseline
    if k.unit or k.attribute:
        return NEG
    if k.value_words:
        return 1.2
    return 0.3 if k.text else 0.0


def compat(k: Kind, role: str) -> float:
    """How well a cell of kind `k` fits a column of `role` (NEG: it cannot)."""
    if k.empty:
        return -0.5 if role == "name" else 0.1
    if role in VALUE_ROLES:
        return _value_fit(k, role)
    if role == "attribute":
        return 5.0 if k.attribute else NEG
    if k.attribute:
        return 0.1 if role in ("note", "other") else NEG
    if role == "seq":
        return 3.0 if k.seq else NEG
    if role == "name":
        if not k.text or k.unit or k.label:
            return NEG
        return 0.5 if k.sub or k.value_words else 2.0 + min(k.length, 20) / 20
    if role == "sub_item":
        return 2.5 if k.sub else NEG
    if role == "sub_item_column":  # a column the header names (分项): any short label
        return 2.5 if k.sub else 0.8 if k.text and k.length <= 8 and not k.digits else NEG
    if role == "domain":
        return (1.5 if k.label else 1.0) if k.text and not k.sub and k.length <= 12 and (k.label or not k.digits) else NEG
    if role == "unit":
        return 3.0 if k.unit else NEG
    if role == "weight":
        return 1.5 if k.number and not k.text else NEG
    if role == "source":
        return (1.5 if k.length <= 10 else 1.0) if k.text and not k.digits else NEG
    return 0.5 if role == "note" and k.text else 0.2


def _drop(k: Kind) -> float:
    """Leaving a cell out of a row: an empty cell inside a row stands for an empty column, so it costs a little too."""
    return -_DROP_EMPTY if k.empty else -_DROP


def _absorbable(k: Kind) -> bool:
    """A cell that can continue a name printed over several cells."""
    return compat(k, "name") > 1.0


def roles_with_implicit(columns: list[Column]) -> list[Column]:
    """The header's columns plus the ones tables leave unnamed: a number before the name, a sub-item after it."""
    roles = {c.role for c in columns}
    out: list[Column] = []
    for column in columns:
        if column.role == "name" and "seq" not in roles:
            out.append(Column("", "seq"))
        out.append(column)
        if column.role == "name" and "sub_item" not in roles:
            out.append(Column("", "sub_item"))
    return out


class Aligner:
    """Aligns cells to columns in order; incremental, so that every cut of a run of cells is scored once."""

    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.roles = [c.role for c in columns]
        self.fit_roles = ["sub_item_column" if c.role == "sub_item" and c.header else c.role for c in columns]
        # a cumulative or a regional target column (〔累计〕, 苏南目标值) is left empty more often than the main one
        self.skip = [_SKIP["cumulative"] if c.qualifier or c.label else _SKIP.get(c.role, 0.0) for c in columns]

    def start(self) -> list[float]:
        best = [0.0]
        for k in range(len(self.roles)):
            best.append(best[-1] - self.skip[k])
        return best

    def fits(self, k_cell: Kind) -> tuple[list[float], float, list[bool]]:
        """What one cell costs in each column, left out, and as more of a name (computed once per cell)."""
        absorb = _absorbable(k_cell)
        return [compat(k_cell, r) for r in self.fit_roles], _drop(k_cell), [r == "name" and absorb for r in self.roles]

    def add(self, best: list[float], fits: tuple[list[float], float, list[bool]]) -> list[float]:
        """The scores after one more cell: best[k] = best score with columns 0..k-1 used or skipped."""
        fit, drop, absorb = fits
        new = [b + drop for b in best]
        for k in range(1, len(best)):
            if fit[k - 1] != NEG and best[k - 1] + fit[k - 1] > new[k]:
                new[k] = best[k - 1] + fit[k - 1]
            if absorb[k - 1] and best[k] - _ABSORB > new[k]:
                new[k] = best[k] - _ABSORB  # a name printed over several cells
        for k in range(1, len(new)):
            if new[k - 1] - self.skip[k - 1] > new[k]:
                new[k] = new[k - 1] - self.skip[k - 1]
        return new

    def assign(self, cells: list[Cell], kinds: list[Kind] | None = None) -> dict[str, list[tuple[Column, Cell]]] | None:
        """The best alignment of one row's cells: role → [(column, cell)], or None when nothing fits."""
        kinds = kinds or [kind(c.text) for c in cells]
        n, m = len(cells), len(self.roles)
        score = [[NEG] * (m + 1) for _ in range(n + 1)]
        back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
        score[0][0] = 0.0
        for i in range(n + 1):
            for k in range(m + 1):
                if k > 0 and score[i][k - 1] - self.skip[k - 1] > score[i][k]:
                    score[i][k], back[i][k] = score[i][k - 1] - self.skip[k - 1], (i, k - 1, "skip")
                cur = score[i][k]
                if cur == NEG or i == n:
                    continue
                drop = _drop(kinds[i])
                if cur + drop > score[i + 1][k]:
                    score[i + 1][k], back[i + 1][k] = cur + drop, (i, k, "drop")
                if k < m and (fit := compat(kinds[i], self.fit_roles[k])) != NEG and cur + fit > score[i + 1][k + 1]:
                    score[i + 1][k + 1], back[i + 1][k + 1] = cur + fit, (i, k, "take")
                follows_name = k > 0 and self.roles[k - 1] == "name" and back[i][k] and back[i][k][2] in ("take", "absorb")
                if follows_name and _absorbable(kinds[i]) and cur - _ABSORB > score[i + 1][k]:
                    score[i + 1][k], back[i + 1][k] = cur - _ABSORB, (i, k, "absorb")
        if score[n][m] == NEG:
            return None
        out: dict[str, list[tuple[Column, Cell]]] = {}
        i, k = n, m
        while back[i][k] is not None:
            pi, pk, step = back[i][k]
            if step == "take":
                out.setdefault(self.roles[pk], []).insert(0, (self.columns[pk], cells[pi]))
            elif step == "absorb":
                out.setdefault(self.roles[pk - 1], []).insert(0, (self.columns[pk - 1], cells[pi]))
            i, k = pi, pk
        return out


def _numbered(cells: list[Cell], kinds: list[Kind], i: int) -> int | None:
    """The number of a printed row starting at cell i: a number followed by a name, or a name with its number."""
    if kinds[i].seq:
        after = next((k for k in kinds[i + 1 :] if not k.empty), None)
        if after is not None and after.text and not after.unit and not after.label and not after.attribute:
            return int(SEQ.match(re.sub(r"\s+", "", cells[i].text))[1])
        return None
    if kinds[i].text and (m := SEQ_PREFIX.match(cells[i].text.strip())):
        digits = re.sub(r"\D", "", m[1])
        return int(digits) if digits else None
    return None


def row_starts(cells: list[Cell], kinds: list[Kind]) -> set[int]:
    """Where printed rows begin: the numbered cells that count 1, 2, 3 … (a weight or value followed by a name does not)."""
    chain: dict[int, tuple[int, int | None]] = {}  # position → (chain length, previous position)
    last_at: dict[int, int] = {}  # number → position of the longest chain ending with it
    for i in range(len(cells)):
        number = _numbered(cells, kinds, i)
        if number is None:
            continue
        before = last_at.get(number - 1)
        length = chain[before][0] + 1 if before is not None else 1
        chain[i] = (length, before)
        if number not in last_at or chain[last_at[number]][0] < length:
            last_at[number] = i
    if not chain:
        return set()
    end = max(chain, key=lambda p: (chain[p][0], -p))
    starts: set[int] = set()
    while end is not None:
        starts.add(end)
        end = chain[end][1]
    return starts if len(starts) >= 2 else set()


def _is_label(k: Kind) -> bool:
    return k.text and not k.sub and not k.unit and not k.attribute and (k.label or (not k.value_words and k.length <= 16))


def cut(cells: list[Cell], aligner: Aligner) -> list[tuple[str, list[Cell], list[Kind]]]:
    """Cut a run of one-cell lines into rows and group labels: the cut whose rows align best."""
    kinds = [kind(c.text) for c in cells]
    starts = row_starts(cells, kinds)
    if starts:  # in a numbered table, a number that does not count rows is a value or a weight, not a row number
        kinds = [k if i in starts or not k.seq else replace(k, seq=False) for i, k in enumerate(kinds)]
    n = len(cells)
    fits = [aligner.fits(k) for k in kinds]
    longest = min(MAX_ROW, len(aligner.roles) + 8)
    best = [NEG] * (n + 1)
    back: list[tuple[int, str]] = [(0, "")] * (n + 1)
    best[0] = 0.0
    for j in range(n):
        if best[j] == NEG:
            continue
        k = kinds[j]
        skip = best[j] + (0.0 if k.empty else -_DROP)
        if skip > best[j + 1]:
            best[j + 1], back[j + 1] = skip, (j, "skip")
        if _is_label(k) and best[j] + _LABEL_SCORE > best[j + 1]:
            best[j + 1], back[j + 1] = best[j] + _LABEL_SCORE, (j, "label")
        state = aligner.start()
        bonus = 1.0 if j in starts else -2.0 if starts and not k.sub else 0.0  # numbered rows: an unnumbered one is a sub-row
        valued = False
        for i in range(j, min(n, j + longest)):
            if i > j and i in starts:
                if bonus < -2.0:
                    break  # a row never holds two numbered rows
                bonus -= 3.0
            state = aligner.add(state, fits[i])
            valued = valued or (kinds[i].number and not kinds[i].seq) or kinds[i].attribute or kinds[i].value_words
            if not valued:  # a row has a value or an attribute; a lone name is a label
                continue
            total = best[j] + state[-1] - _ROW_COST + bonus
            if total > best[i + 1]:
                best[i + 1], back[i + 1] = total, (j, "row")
    pieces: list[tuple[str, list[Cell], list[Kind]]] = []
    i = n
    while i > 0:
        j, what = back[i]
        if what != "skip":
            pieces.append((what, cells[j:i], kinds[j:i]))
        i = j
    return pieces[::-1]
