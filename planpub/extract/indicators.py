"""Indicator tables, in every layout the scraped documents use.

A table starts at a header row (指标 … 2020年 … 2025年 …) and ends at its note (注/备注), a heading or prose.
Inside it, a line with several cells (separated by tabs, `|` or runs of spaces) is a row; lines holding one
cell each are a stream whose rows close at the attribute cell (约束性/预期性) or, in tables without that
column, when a row has its name and all its values. A row's cells are then read by what they look like:
[domain] [seq] name [unit] [sub-item] values… [attribute]. A table without a header yields nothing unless
its rows carry attribute cells; a document without a table yields zero rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..read import Document
from ..schema import Row, new_row
from .text import CJK, squash
from .values import parse_cell

ATTRIBUTES = {"约束性": "binding", "预期性": "expected"}
_SEQ = re.compile(r"^[(（]?(\d{1,3})[)）.、．]?$")
_SEQ_PREFIX = re.compile(r"^([(（]\d{1,3}[)）]|\d{1,3}[.、．]|\d{1,3}(?=\s)|[①-⑳])\s*")
_PAREN_TAIL = re.compile(r"[(（]([^()（）]{1,16})[)）]$")
_QUALIFIER = re.compile(r"^(五年累计|累计|年均|每年|五年|“十四五”累计)$")
_YEAR_CELL = re.compile(r"^(?:20\d\d)年?(?:底|末)?(?:基[期数]|目标|预期)?(?:值)?$|^(?:基[期数]|目标)值?[(（]?20\d\d")
_HEADER_WORDS = {
    "领域", "类别", "分类", "序号", "编号", "指标", "指标名称", "主要指标", "单位", "计量单位", "属性", "指标属性",
    "指标性质", "性质", "类型", "指标类型", "备注", "基期值", "目标值", "现状值", "基数",
}  # fmt: skip
_SUB_ITEM = re.compile(rf"^(?:[{CJK}]{{1,3}}级|城市|农村|城镇|乡村|城区|男性?|女性?|小学|初中|高中|全省|全市|全国)$")
_NOTE = re.compile(r"^\s*(?:注|备注|说明|资料来源|数据来源)\s*[:：\d①]")
_PROSE = re.compile(r"[。；]")
_RULE = re.compile(r"^[-—:=+\s]{3,}$")
_SPACE_RUN = re.compile(r" {2,}")


@dataclass
class Table:
    """What the header says: years of the value columns and which optional columns exist."""

    years: list[int]
    has_attribute: bool
    has_unit: bool
    rows: list[Row] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)

    @property
    def n_values(self) -> int:
        return max(2, len(self.years))


def split_cells(line: str) -> list[str]:
    """Cells of one line: tabs, `|` or runs of spaces separate them; empty cells are dropped."""
    if "\t" in line:
        parts = line.split("\t")
    elif "|" in line or "｜" in line:
        parts = re.split(r"[|｜]", line)
    elif _SPACE_RUN.search(line.strip()):
        parts = _SPACE_RUN.split(line)
    else:
        parts = [line]
    return [p.strip() for p in parts if p.strip()]


def _one_line_table(line: str) -> list[str]:
    """A whole table flattened on one line with single spaces: split on spaces (wrap spaces are lost anyway)."""
    return [p for p in line.split() if p]


def _is_header_cell(cell: str) -> bool:
    return cell in _HEADER_WORDS or bool(_YEAR_CELL.match(cell))


def _header(cells: list[str]) -> Table | None:
    """A header row: an 指标 cell, at least one year column, every cell a header word."""
    if not cells or not all(_is_header_cell(c) for c in cells):
        return None
    if not any("指标" in c for c in cells):
        return None
    years = [int(m[0]) for c in cells if _YEAR_CELL.match(c) and (m := re.search(r"20\d\d", c))]
    if not years:
        return None
    has_attr = any(c in ("属性", "指标属性", "指标性质", "性质", "类型", "指标类型") for c in cells)
    return Table(years=years, has_attribute=has_attr, has_unit=any("单位" in c for c in cells))


def _is_value(cell: str) -> bool:
    """A printed value: a number with signs and words around it, a missing marker, or a text target."""
    parsed = parse_cell(cell)
    if parsed.value is not None or parsed.missing:
        return True
    if cell.startswith(("完成", "达到", "年均", "不低于", "不高于", "高于", "低于", "保持", "控制")):
        return True
    return bool(re.search(r"\d", cell)) and not _SEQ_PREFIX.match(cell) and not _PAREN_TAIL.search(cell)


def _is_name(cell: str) -> bool:
    return bool(re.search(f"[{CJK}]", cell)) and cell not in ATTRIBUTES and not _is_value(cell)


def _is_plain(cell: str) -> bool:
    """A domain group label: Chinese words only, no number, no unit parenthetical."""
    return _is_name(cell) and not _SEQ_PREFIX.match(cell) and not _PAREN_TAIL.search(cell) and len(cell) <= 12


def _domain(cell: str) -> str:
    """A domain group label without its printed numbering: '一、社会保险' → '社会保险'."""
    return squash(re.sub(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．])\s*", "", cell))


def split_name(text: str) -> tuple[str, str, str, str]:
    """'(20)城镇老旧小区改造（个）（五年累计）' → ('20', '城镇老旧小区改造', '个', '五年累计')."""
    seq = ""
    if m := _SEQ_PREFIX.match(text):
        seq, text = m[1].strip(), text[m.end() :]
    text = squash(text)
    qualifier = unit = ""
    if (m := _PAREN_TAIL.search(text)) and _QUALIFIER.match(m[1]):
        qualifier, text = m[1], text[: m.start()].rstrip()
    if m := _PAREN_TAIL.search(text):
        unit, text = m[1], text[: m.start()].rstrip()
    return seq, text, unit, qualifier


Cells = list[tuple[int, str]]


class _Reader:
    """Reads row cell lists into indicator rows, carrying domain, name and attribute across sub-rows."""

    def __init__(self, table: Table, plan_id: str):
        self.table, self.plan_id = table, plan_id
        self.domain = ""
        self.remark = ""
        self.last: dict | None = None

    def row(self, cells: Cells) -> None:
        cells = [(ln, c) for ln, c in cells if not _is_header_cell(c)]
        attribute, remark = "", ""
        at = next((k for k in range(len(cells) - 1, -1, -1) if cells[k][1] in ATTRIBUTES), None)
        if at is not None and at >= len(cells) - 2:  # the attribute column, possibly followed by a 备注 column
            attribute, remark = ATTRIBUTES[cells[at][1]], " ".join(c for _, c in cells[at + 1 :])
            cells = cells[:at]
        self.remark = remark
        if len(cells) >= 2 and _is_plain(cells[0][1]) and (_SEQ.match(cells[1][1]) or _is_name(cells[1][1])):
            self.domain, cells = _domain(cells[0][1]), cells[1:]
        seq = ""
        if len(cells) >= 2 and _SEQ.match(cells[0][1]):
            seq, cells = cells[0][1], cells[1:]
        if cells:
            self._values(cells, seq, attribute)

    def _values(self, cells: Cells, seq: str, attribute: str) -> None:
        n = self.table.n_values
        line, first = cells[0]
        sub_row = _SUB_ITEM.match(first) and self.last is not None and len(cells) <= n + 1
        if _is_name(first) and not sub_row:
            name_seq, name, unit, qualifier = split_name(first)
            seq, rest, sub_item = seq or name_seq, cells[1:], ""
            if self.table.has_unit and len(rest) > n:
                unit, rest = rest[0][1], rest[1:]
            if len(rest) > n and _is_name(rest[0][1]):
                sub_item, rest = squash(rest[0][1]), rest[1:]
        elif self.last is not None:  # a sub-row: the name and number of the row above, its own label
            last = self.last
            seq, name, unit, qualifier = last["seq"], last["name_zh"], last["unit_zh"], last["_qualifier"]
            sub_item, rest = (squash(first), cells[1:]) if _is_name(first) else ("", cells)
            attribute = attribute or last["attribute"] or ""
        else:
            return
        if not rest or not name:
            return
        values = [squash(c) for _, c in rest]
        baseline_raw, target_raw = (values[0], values[1]) if len(values) >= 2 else ("", values[0])
        self._append(line, seq, name, unit, qualifier, sub_item, baseline_raw, target_raw, attribute)

    def _append(self, line, seq, name, unit, qualifier, sub_item, baseline_raw, target_raw, attribute) -> None:  # noqa: PLR0913
        baseline, target = parse_cell(baseline_raw), parse_cell(target_raw)
        years = self.table.years
        row = new_row(
            "indicators",
            plan_id=self.plan_id,
            seq=seq,
            sub_item_zh=sub_item,
            domain_zh=self.domain,
            name_zh=name,
            unit_zh=unit,
            baseline_year=years[0] if len(years) > 1 else None,
            baseline_raw=baseline_raw,
            baseline_value=baseline.value,
            target_year=years[1] if len(years) > 1 else (years[0] if years else None),
            target_raw=target_raw,
            target_value=target.value,
            target_comparator=target.comparator,
            target_qualifier=target.qualifier or qualifier,
            attribute=attribute or None,
            note_zh=self.remark,
            source_line=line,
        )
        row["_qualifier"], row["_markers"] = qualifier, baseline.marker + target.marker
        self.table.rows.append(row)
        self.last = row

    def continue_name(self, cell: str) -> bool:
        """A name wrapped onto its own line (PDF text): '…婴幼儿托位' + '数（个）'."""
        last = self.last
        if last is None or last["unit_zh"] or not _PAREN_TAIL.search(cell):
            return False
        _, last["name_zh"], last["unit_zh"], _ = split_name(last["name_zh"] + cell)
        return True


class _Scanner:
    """Walks the document once, opening a table at each header and reading its rows."""

    def __init__(self, doc: Document, plan_id: str):
        self.doc, self.plan_id = doc, plan_id
        self.tables: list[Table] = []
        self.table: Table | None = None
        self.reader: _Reader | None = None
        self.header: Cells = []
        self.pending: Cells = []

    def run(self) -> list[Table]:
        lines = self.doc.numbered()
        i = 0
        while i < len(lines):
            raw_line, line = lines[i]
            if self.table is not None and self._ends(line) and not self._domain_row(lines, i):
                i = self._close(lines, i)
                continue
            if line.strip() and (self.table is not None or self.header or _may_open(line)):
                self._line(raw_line, line)
            if self.table is not None:
                self.table.lines.add(raw_line)
            i += 1
        self._close(lines, len(lines))
        return self.tables

    def _domain_row(self, lines: list[tuple[int, str]], i: int) -> bool:
        """A short heading-like line ("一、幼有所育") followed by table rows is a domain group row, not the end."""
        if len(lines[i][1].strip()) > 16 or _NOTE.match(lines[i][1].strip()):
            return False
        following = next((line for _, line in lines[i + 1 :] if line.strip()), "")
        return len(split_cells(following)) >= 3 or following.strip() in ATTRIBUTES or bool(_SEQ_PREFIX.match(following.strip()))

    def _ends(self, line: str) -> bool:
        text = line.strip()
        if not text:
            return False
        if _NOTE.match(text):
            return True
        return "\t" not in text and bool(_HEADING.match(text) or (len(text) > 40 and _PROSE.search(text)))

    def _line(self, raw_line: int, line: str) -> None:
        cells = [c for c in split_cells(line) if not _RULE.match(c)]
        if not cells:
            return
        if len(cells) == 1 and sum(line.count(a) for a in ATTRIBUTES) >= 2:
            cells = _one_line_table(line)
        numbered = [(raw_line, c) for c in cells]
        if self.table is None:
            numbered = self._open(numbered)
            if self.table is None or not numbered:
                return
        if len(numbered) >= 3 and sum(c in ATTRIBUTES for _, c in numbered) <= 1:
            self._flush_pending()
            self.reader.row(numbered)
        else:
            for cell in numbered:
                self._stream(cell)

    def _open(self, cells: Cells) -> Cells:
        """Collect header cells (one line or several); open a table when a header is complete."""
        k = 0
        while k < len(cells) and _is_header_cell(cells[k][1]):
            k += 1
        self.header += cells[:k]
        rest = cells[k:]
        if not rest:
            return []
        table = _header([c for _, c in self.header])
        if table is None and len(rest) >= 3 and rest[-1][1] in ATTRIBUTES:
            table = Table(years=[], has_attribute=True, has_unit=False)
        if table is None:
            self.header = []
            return []
        table.lines.update(line for line, _ in self.header + cells[:k])
        self.table, self.reader, self.header = table, _Reader(table, self.plan_id), []
        self.tables.append(table)
        return rest

    def _stream(self, cell: tuple[int, str]) -> None:
        if _is_header_cell(cell[1]):
            return
        if self.pending and self.pending[-1][1].endswith(("；", ";", "，", ",", "、")):
            self.pending[-1] = (self.pending[-1][0], self.pending[-1][1] + cell[1])
            return
        table = self.table
        if not table.has_attribute and self._complete() and _is_name(cell[1]):
            self._flush_pending()
        self.pending.append(cell)
        if table.has_attribute and cell[1] in ATTRIBUTES:
            self._flush_pending()

    def _complete(self) -> bool:
        names = [k for k, (_, c) in enumerate(self.pending) if _is_name(c) and not _SUB_ITEM.match(c)]
        return bool(names) and len(self.pending) - names[-1] - 1 >= self.table.n_values

    def _flush_pending(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        if all(_is_name(c) for _, c in pending):
            if len(pending) == 1 and self.reader.continue_name(pending[0][1]):
                return
            self.reader.domain = _domain(pending[-1][1])
            return
        self.reader.row(pending)

    def _close(self, lines: list[tuple[int, str]], i: int) -> int:
        """Finish the open table; read its notes (注：①…②…) and attach them to the rows they concern."""
        if self.table is None:
            return i + 1
        self._flush_pending()
        notes: list[str] = []
        while i < len(lines) and (_NOTE.match(lines[i][1]) or (notes and _NOTE_ITEM.match(lines[i][1].strip()))):
            notes.append(lines[i][1].strip())
            self.table.lines.add(lines[i][0])
            i += 1
        _attach_notes(self.table.rows, " ".join(notes))
        self.table, self.reader, self.header = None, None, []
        return i if notes else i + 1


_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|专栏)"
)
_NOTE_ITEM = re.compile(r"^(?:[①-⑳]|\d{1,2}[.、．]|[*＊])")
_NOTE_SPLIT = re.compile(r"(?=[①-⑳])|[；;](?=\s*\S)|(?<=。)\s*(?=\d{1,2}[.、．])")


def _attach_notes(rows: list[dict], text: str) -> None:
    """Footnotes go to the rows they name, or to the rows printed with their marker (77.3* → '*为2018年数据')."""
    body = re.sub(r"^\s*(?:注|备注|说明)\s*[:：]?", "", text)
    for item in (i.strip() for i in _NOTE_SPLIT.split(body)):
        number = re.match(r"^(?:[①-⑳]|\d{1,2}[.、．])", item)
        note = item[number.end() if number else 0 :].strip().rstrip("。；; ").strip()
        if not note:
            continue
        markers = {m for m in (note[0] if note[0] in "*＊※" else "", number[0] if number else "") if m}
        for row in rows:
            if markers & set(row["_markers"]) or (len(row["name_zh"]) >= 3 and row["name_zh"] in note):
                row["note_zh"] = "; ".join(n for n in (row["note_zh"], note) if n)


def _ids(tables: list[Table]) -> list[Row]:
    """indicator_id from the printed number (i016, i016b for a sub-item), so ids survive edits elsewhere."""
    out: list[Row] = []
    taken: set[str] = set()
    for t, table in enumerate(tables, start=1):
        prefix = f"t{t}" if t > 1 else ""
        for position, row in enumerate(table.rows, start=1):
            digits = re.sub(r"\D", "", row["seq"])
            base = f"{prefix}i{int(digits):03d}" if digits else f"{prefix}r{position:03d}"
            ident, n = base, 1
            while ident in taken:
                n += 1
                ident = f"{base}{chr(96 + n) if n <= 26 else n}"
            taken.add(ident)
            row["indicator_id"] = ident
            if row["_markers"] and not row["note_zh"]:
                row["note_zh"] = f"原文标注{row['_markers']}"
            out.append({k: v for k, v in row.items() if not k.startswith("_")})
    return out


def _may_open(line: str) -> bool:
    """Cheap test before splitting a line: prose (long, no separators) never opens a table."""
    return len(line) <= 60 or "\t" in line or "|" in line or "  " in line or "性" in line


def extract_tables(doc: Document, plan_id: str) -> tuple[list[Row], set[int]]:
    """Indicator rows, and the raw lines their tables occupy (the other extractors skip those)."""
    tables = _Scanner(doc, plan_id).run()
    return _ids(tables), {line for table in tables for line in table.lines}
