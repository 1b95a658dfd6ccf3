"""Indicator tables: grids (grid.py) → column roles (columns.py) → rows (rows.py) → `indicators` records.

Every table is also described in a `tables` record (tablereport.py: lines, header as read, role of each column,
rows read), and a table, or a region that looks like one, that yields fewer rows than it has rows of values is
warned about by its lines: nothing is skipped silently. A region whose header was lost but whose lines carry
attribute words is read with guessed columns, and warned about too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..read import Document
from ..schema import Row, new_row
from .columns import VALUE_ROLES, Column, read_header
from .grid import Cell, Grid, read_grids, read_headerless
from .grid import Row as PrintedRow
from .rows import SEQ, SEQ_PREFIX, Aligner, cut, kind, roles_with_implicit, stacked_values
from .tablereport import Region, table_record, unread_record, unread_regions
from .text import squash
from .values import is_unit, parse_cell

ATTRIBUTES = {"约束性": "binding", "预期性": "expected", "倡导性": "advocated", "约束": "binding", "预期": "expected"}
_PAREN_TAIL = re.compile(r"[(（]([^()（）]{1,24})[)）]$")
_QUALIFIER = re.compile(r"^(五年累计|累计|年均|每年|五年|“十四五”累计)$")
# A footnote number glued into a name (`地级及以上城市2空气质量`), not a number the name counts with (`拥有3岁以下`).
_FOOTNOTE_DIGIT = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![第前近每约共有达超为占于])[1-9](?=[\u4e00-\u9fff])"
    r"(?![岁年月日天个人项次名所家户张床元万亿千百十级类倍小分周座台件套条批种层])"
)
_NAME_MARKER = re.compile(r"[*＊※]+$")
# What a measured indicator's name ends with: a name that does not is not finished.
_MEASURES = (
    "数", "率", "量", "比", "比例", "比重", "占比", "面积", "指数", "水平", "寿命", "年限", "标准", "增速", "收入",
    "规模", "总值", "产值", "人次", "时间", "长度", "密度", "系数", "覆盖", "强度", "总额", "金额", "支出", "投入",
)  # fmt: skip
# The columns of a table whose header was lost, in the order plans print them: guessed, so always warned about.
GUESSED = ["序号", "领域", "指标", "单位", "基期", "目标", "属性"]
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[。.、．](?!\d))")
_NOTE_SPLIT = re.compile(r"(?=[①-⑳])|[；;](?=\s*\S)|(?<=。)\s*(?=\d{1,2}[.、．])")


@dataclass
class Parts:
    """A row's cells by role, before it becomes a record."""

    cells: list[Cell]
    by_role: dict[str, list[tuple[Column, Cell]]]

    def text(self, role: str) -> str:
        return " ".join(squash(c.text) for _, c in self.by_role.get(role, []) if c.text.strip())

    def cells_of(self, role: str) -> list[tuple[Column, Cell]]:
        return self.by_role.get(role, [])


@dataclass
class Named:
    """What names a row, before its values: printed number, name, unit, qualifier, sub-item, attribute, notes."""

    seq: str
    name: str
    unit: str
    qualifier: str
    sub_item: str
    attribute: str
    marker: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class TableRead:
    """One table as read: where it is, its header, its columns' roles, its rows."""

    grid: Grid
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)


def split_name(text: str) -> tuple[str, str, str, str, str]:
    """'(20)城镇老旧小区改造（个）（五年累计）' → seq '20', name, unit '个', qualifier '五年累计', definition ''."""
    seq = ""
    text = text.strip()
    if m := SEQ_PREFIX.match(text):
        seq, text = m[1].strip(), text[m.end() :]
    text = _FOOTNOTE_DIGIT.sub("", squash(text)).rstrip("。；;，,")
    qualifier = unit = definition = ""
    if (m := _PAREN_TAIL.search(text)) and _QUALIFIER.match(m[1]):
        qualifier, text = m[1], text[: m.start()].rstrip()
    if m := _PAREN_TAIL.search(text):
        if is_unit(m[1]):
            unit = m[1].replace("％", "%")
        else:
            definition = m[1]  # （总服务人数/馆员规模）, （农村居民可支配收入=1）: what the name means, not its unit
        text = text[: m.start()].rstrip()
    return seq, text, unit, qualifier, definition


class _RowBuilder:
    """Turns aligned parts into indicator rows, carrying domain, name and attribute across sub-rows."""

    def __init__(self, table: TableRead, plan_id: str, period_end: int | None):
        self.table, self.plan_id, self.period_end = table, plan_id, period_end
        self.domain = ""
        self.parent = self.part = ""  # a numbered group label (一、…) and a plain label within it
        self.numbered = self.parent_numbered = self.after_label = False
        self.group = ""  # a parent label printed over sub-indicators (居民 / 收入水平)
        self.chars: list[str] = []  # a group label printed one character per row (社 … 会 … 保 … 障)
        self.char_rows: list[Row] = []
        self.last: dict | None = None

    def label(self, text: str) -> None:
        """A group label between rows: a numbered one (`一、`, `（一）`) opens a group, a plain one names its part."""
        text = squash(text)
        if re.fullmatch(r"[\u4e00-\u9fff]", text):
            self.chars.append(text)
            self.domain = "".join(self.chars)
            for row in self.char_rows:
                row["domain_zh"] = self.domain
            return
        self.chars, self.char_rows, self.group = [], [], ""
        body = _domain(text)
        if not body or body == text and re.fullmatch(r"[(（]?[一二三四五六七八九十]+[)）、.．]?", text):
            self.numbered = True  # `（一）` printed apart from its label
            return
        if self.after_label and len(body) <= 3:  # a label wrapped onto the next line (一、社会 / 保障)
            self.parent, self.part = (self.parent, self.part + body) if self.part else (self.parent + body, "")
        elif self.numbered or _NUMBERED.match(text):
            self.parent, self.part, self.numbered, self.parent_numbered = body, "", False, True
        elif self.parent_numbered:
            self.part = body
        else:
            self.parent = body
        self.domain = "·".join(p for p in (self.parent, self.part) if p)
        self.after_label = True

    def row(self, parts: Parts) -> None:
        self.after_label = False
        for stacked in _unstack(parts):
            self._row(stacked)

    def _row(self, parts: Parts) -> None:
        if domain := parts.text("domain"):
            self.domain, self.group, self.parent, self.part = _domain(domain), "", "", ""
        named = self._named(parts)
        if named.name:
            for label, values in self._value_sets(parts):
                self._append(parts, named, _join(named.sub_item, label), values)

    def _named(self, parts: Parts) -> Named:
        """Who the row is: number, name, unit, sub-item, attribute; a sub-row (县级, 其中：…) takes them from its parent."""
        names = [c.text for _, c in parts.cells_of("name") if c.text.strip()]
        seq, name, unit, qualifier, definition = split_name(names[-1]) if names else ("", "", "", "", "")
        if len(names) > 1:
            parent = "".join(squash(n) for n in names[:-1])
            if len(parent) <= 8 and len(name) >= 5 and not SEQ_PREFIX.match(names[-1]):
                self.group = parent  # 居民 / 收入水平 over 城镇居民人均可支配收入
            else:  # a name wrapped over several cells
                seq, name, unit, qualifier, definition = split_name("".join(names))
        seq_cell = parts.text("seq")
        seq = (SEQ.match(seq_cell.replace(" ", ""))[1] if seq_cell and not seq else seq_cell) or seq
        marker = ""
        if m := _NAME_MARKER.search(name):
            marker, name = m[0], name[: m.start()]
        named = Named(seq, name, unit, qualifier, parts.text("sub_item"), parts.text("attribute"), marker)
        named.notes = [definition] if definition else []
        named.notes += [
            f"{col.header}：{squash(c.text)}"
            for role in ("source", "weight", "other")
            for col, c in parts.cells_of(role)
            if c.text.strip()
        ]
        named.notes += [squash(c.text) for _, c in parts.cells_of("note") if c.text.strip()]
        last = self.last
        if last is not None and ((not name or kind(name).sub) and not seq or name.startswith("其中")):
            named.sub_item = _sub_item(name) or named.sub_item
            named.seq, named.name = named.seq or last["seq"], last["name_zh"]
            named.unit, named.qualifier = named.unit or last["unit_zh"], named.qualifier or last["_qualifier"]
            named.attribute = named.attribute or last["_attribute_raw"]
        named.unit = parts.text("unit") or named.unit
        return named

    def _value_sets(self, parts: Parts) -> list[tuple[str, dict[str, tuple[Column, Cell] | None]]]:
        """The values by role; several target columns of one year (苏南目标值, 全省目标值) give one row each."""
        by_role = {role: parts.cells_of(role) for role in VALUE_ROLES}
        targets = by_role["target"]
        plain = [t for t in targets if not t[0].qualifier]
        cumulative = [t for t in targets if t[0].qualifier]
        labelled = [t for t in plain if t[0].label]
        common = {role: (cells[0] if cells else None) for role, cells in by_role.items() if role != "target"}
        if len(labelled) >= 2:
            return [(col.label, {**common, "target": (col, cell)}) for col, cell in labelled]
        target = plain[0] if plain else None
        if cumulative and (target is None or parse_cell(target[1].text).missing):
            target = cumulative[0]
        return [("", {**common, "target": target})]

    def _append(self, parts: Parts, named: Named, sub_item: str, values: dict) -> None:
        raw = {role: (squash(cell.text) if (pair := values.get(role)) and (cell := pair[1]) else "") for role in VALUE_ROLES}
        parsed = {role: parse_cell(text) for role, text in raw.items()}
        columns = {role: pair[0] if (pair := values.get(role)) else None for role in VALUE_ROLES}
        unit = named.unit or parsed["target"].unit or parsed["baseline"].unit or parsed["vision"].unit
        target_col = columns["target"]
        lines = [c.line for c in parts.cells]
        value_lines = [pair[1].line for pair in values.values() if pair] + [c.line for _, c in parts.cells_of("attribute")]
        domain = self.group if self.group and not self.domain else self.domain
        row = new_row(
            "indicators",
            plan_id=self.plan_id,
            seq=named.seq,
            sub_item_zh=sub_item,
            domain_zh=domain,
            name_zh=named.name,
            unit_zh=unit,
            baseline_year=_year(columns["baseline"]),
            baseline_raw=raw["baseline"],
            baseline_value=parsed["baseline"].value,
            target_year=_year(target_col) or (self.period_end if target_col is not None else None),
            target_raw=raw["target"],
            target_value=parsed["target"].value,
            target_comparator=parsed["target"].comparator,
            target_qualifier=parsed["target"].qualifier or (target_col.qualifier if target_col else "") or named.qualifier,
            vision_year=_year(columns["vision"]),
            vision_raw=raw["vision"],
            vision_value=parsed["vision"].value,
            achieved_year=_year(columns["achieved"]),
            achieved_raw=raw["achieved"],
            achieved_value=parsed["achieved"].value,
            attribute=ATTRIBUTES.get(re.sub(r"\s+", "", named.attribute)),
            note_zh="; ".join(named.notes),
            source_line=min(lines),
            source_line_end=max([*value_lines, min(lines)]),
        )
        row["_qualifier"], row["_attribute_raw"] = named.qualifier, named.attribute
        row["_markers"] = named.marker + "".join(p.marker for p in parsed.values())
        self.table.rows.append(row)
        if self.chars:
            self.char_rows.append(row)
        if not sub_item or self.last is None or self.last["name_zh"] != named.name:
            self.last = row


def _unstack(parts: Parts) -> list[Parts]:
    """A row whose value cells stack the values of its sub-rows (`市级 县级` | `72.7 50.5` | `90.9 72.5`): one row each."""
    values = [(role, col, cell) for role in VALUE_ROLES for col, cell in parts.cells_of(role) if cell.text.strip()]
    stacks = [stacked_values(cell.text) for _, _, cell in values]
    sizes = {len(s) for s in stacks}
    labels = " ".join(c.text for _, c in parts.cells_of("sub_item")).split()
    if not values or len(sizes) != 1 or (k := sizes.pop()) < 2 or len(labels) != k:
        return [parts]
    out = []
    for n in range(k):
        by_role = {role: list(cells) for role, cells in parts.by_role.items()}
        by_role["sub_item"] = [(parts.cells_of("sub_item")[0][0], Cell(labels[n], parts.cells_of("sub_item")[0][1].line))]
        for role, col, cell in values:
            by_role[role] = [
                (c, Cell(stacks[values.index((role, col, cell))][n], cell.line) if c is col else x) for c, x in by_role[role]
            ]
        out.append(Parts(parts.cells, by_role))
    return out


def _sub_item(text: str) -> str:
    return re.sub(r"^其中[:：]?", "", squash(text))


def _join(*parts: str) -> str:
    return "·".join(p for p in parts if p)


def _year(column: Column | None) -> int | None:
    return column.year if column is not None else None


def _domain(cell: str) -> str:
    """A group label without its numbering and counts: '一、核心指标(2项)(权重占50%)' → '核心指标'."""
    text = re.sub(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．。])\s*", "", squash(cell))
    return re.sub(r"(?:[(（][^()（）]*[)）])+$", "", text) or text


def _continues_name(previous: list[Cell], cells: list[Cell], name_index: int | None, last_name: str) -> bool:
    """A lone piece of text under the previous printed row's name: the name wrapped onto the next line
    (under the name column, a unit in brackets, or the end of a measure: `…婴幼儿托` + `位数`)."""
    filled = [k for k, c in enumerate(cells) if c.text.strip()]
    if len(filled) != 1 or name_index is None:
        return False
    text = squash(cells[filled[0]].text)
    if (filled[0] == name_index and len(cells) > 1) or re.fullmatch(r"[(（][^()（）]{1,12}[)）]", text):
        return True
    return (
        bool(re.fullmatch(r"[\u4e00-\u9fff]{1,4}(?:[(（][^()（）]{1,12}[)）])?", text))
        and _ends_measure(split_name(last_name + text)[1])
        and not _ends_measure(last_name)
    )


def _ends_measure(name: str) -> bool:
    return name.endswith(_MEASURES)


def _wrapped_head(stream: list[Cell], row: list[Cell]) -> bool:
    """A name whose start ends a run of cells and whose end begins the next printed row (PDF text wrapped before
    the values): `每千人口拥有3岁以下婴幼儿托` / `位数（个）   1.5   4.5`."""
    head = [c for c in stream if c.text.strip()]
    first = next((c for c in row if c.text.strip()), None)
    if not head or first is None or not re.fullmatch(r"[\u4e00-\u9fff]{1,4}(?:[(（][^()（）]{1,12}[)）])?", first.text.strip()):
        return False
    return (
        kind(head[-1].text).text
        and not _ends_measure(squash(head[-1].text))
        and _ends_measure(split_name(squash(head[-1].text) + first.text.strip())[1])
    )


def _read_table(grid: Grid, plan_id: str, period_end: int | None, guessed: list[str] | None = None) -> TableRead:
    columns = read_header(guessed or [c.text for c in grid.header], period_end)
    table = TableRead(grid, columns)
    aligner = Aligner(roles_with_implicit(columns))
    builder = _RowBuilder(table, plan_id, period_end)
    previous: PrintedRow | None = None
    body = list(grid.body)
    for n, item in enumerate(body):
        following = body[n + 1] if n + 1 < len(body) else None
        if not item.positional and following is not None and following.positional and _wrapped_head(item.cells, following.cells):
            head = [c for c in item.cells if c.text.strip()][-1]
            item = PrintedRow(item.cells[: item.cells.index(head)], positional=False)
            first = next(k for k, c in enumerate(following.cells) if c.text.strip())
            joined = Cell(head.text.strip() + following.cells[first].text.strip(), head.line)
            body[n + 1] = PrintedRow([*following.cells[:first], joined, *following.cells[first + 1 :]], True, following.words)
            if not any(c.text.strip() for c in item.cells):
                continue
        if item.positional:
            cells = _merge_name_words(item.cells) if item.words else item.cells
            parts = aligner.assign(cells)
            if parts is not None:
                builder.row(Parts(cells, parts))
            previous = item
            continue
        name_index = _name_index(aligner, previous.cells) if previous is not None and previous.positional else None
        last_name = builder.last["name_zh"] if builder.last else ""
        if (
            previous is not None
            and builder.last is not None
            and _continues_name(previous.cells, item.cells, name_index, last_name)
        ):
            _extend_name(builder.last, " ".join(c.text.strip() for c in item.cells if c.text.strip()))
            continue
        for what, cells, kinds in cut(item.cells, aligner):
            if what == "label":
                builder.label(cells[0].text)
            else:
                parts = aligner.assign(cells, kinds)
                if parts is not None:
                    builder.row(Parts(cells, parts))
        previous = item
    _attach_notes(table.rows, " ".join(text for _, text in grid.notes))
    return table


def _name_index(aligner: Aligner, cells: list[Cell]) -> int | None:
    parts = aligner.assign(cells)
    if not parts or "name" not in parts:
        return None
    name_cell = parts["name"][-1][1]
    return next(k for k, c in enumerate(cells) if c is name_cell)


def _extend_name(row: dict, text: str) -> None:
    _, row["name_zh"], unit, _, definition = split_name(row["name_zh"] + text)
    row["unit_zh"] = row["unit_zh"] or unit
    if definition:
        row["note_zh"] = "; ".join(n for n in (row["note_zh"], definition) if n)


def _merge_name_words(cells: list[Cell]) -> list[Cell]:
    """A row split on single spaces: the words before the first unit or value are one name (`其中: 研究生`)."""
    k = 0
    while k < len(cells) and (kinds := kind(cells[k].text)).text and not kinds.unit and not kinds.sub and not kinds.value_words:
        k += 1
    k = max(k, 1)
    return [Cell(" ".join(c.text for c in cells[:k]), cells[0].line), *cells[k:]]


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


def _ids(tables: list[TableRead]) -> list[Row]:
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


@dataclass
class Tables:
    indicators: list[Row]
    tables: list[Row]  # one record per table read, and per region that looks like a table but was not read
    lines: set[int]  # raw lines of the tables, and of the regions that look like one: no prose comes from them


def extract_tables(doc: Document, plan_id: str, period_end: int | None = None) -> Tables:
    """Indicator rows, a record per table, and the raw lines the tables occupy (the other extractors skip them)."""
    numbered = doc.numbered()
    tables = [_read_table(grid, plan_id, period_end) for grid in read_grids(numbered)]
    lines = {line for t in tables for line in t.grid.lines}
    unread: list[Region] = []
    for region in unread_regions(numbered, lines):
        guessed = (
            _read_table(read_headerless(numbered, region.first, region.last), plan_id, period_end, GUESSED)
            if region.indicator_table
            else None
        )  # only a region with attribute words is read with guessed columns; the others are only warned about
        if guessed is not None and guessed.rows:
            tables.append(guessed)
        else:
            unread.append(region)
        lines |= set(range(region.first, region.last + 1))  # not prose either
    records = [table_record(plan_id, n, t.grid, t.columns, len(t.rows)) for n, t in enumerate(tables, start=1)]
    records += [unread_record(plan_id, n, region) for n, region in enumerate(unread, start=1)]
    return Tables(_ids(tables), records, lines)
