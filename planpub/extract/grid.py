"""Stage 1 of the table reader: a document's lines → table grids, whatever the serialisation.

A table starts at its header: cells that name columns (指标, 单位, 2020年, 目标值, 属性 …), printed on one
line (tabs, pipes, runs of spaces, single spaces) or one cell per line, possibly letter-spaced (`指 标`) or
wrapped (`2015年` / `目 标`). Its body is read line by line until a heading, prose or the end:
- a line of several cells is one printed row, with its empty cells kept in place (`positional`);
- lines of one cell each (with or without blank lines between, `| ` prefixes, or a whole table on one
  line) are a run of cells that the row stage cuts into rows by the columns' roles;
- a transposed table (a label line `主要指标 |` followed by a line of names, then `2022年目标值 |` and values)
  is turned back into rows.
Several tables in one document are separate grids; a repeated header (a page break) continues its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import compact, is_header_cell, is_name_header, is_value_header, word_role
from .text import CJK, FURNITURE

ATTRIBUTE_WORDS = ("约束性", "预期性", "倡导性")
ATTRIBUTE_CELLS = (*ATTRIBUTE_WORDS, "约束", "预期")  # a cell of the attribute column, also abbreviated
_PIPES = re.compile(r"\s*[|｜]\s*")
_DOUBLE_PIPES = re.compile(r"\s*(?:\|\||｜｜)\s*")
_DOUBLE_ONLY = re.compile(r"^(?!.*(?:[^|]\|[^|]|^\|[^|]|[^|]\|$)).*\|\|")  # `a || b || c`: `||` is the separator
_SPACE_RUN = re.compile(r" {2,}|\u3000+")
_RULE = re.compile(r"^[|｜\s]*[-—:=+]{3,}[-—:=+\s|｜]*$")  # a Markdown table's |---|---| line
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[章节部分篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|专栏)"
)
_NOTE = re.compile(r"^\s*[|｜]?\s*(?:注|备注|说明|资料来源|数据来源|计算方法|指标解释)\s*\d?\s*[:：①]")
_NOTE_ITEM = re.compile(r"^\s*(?:[①-⑳]|\d{1,2}[.、．]|[*＊])")  # ①…, 1.…, *…: the items of a table's note
_PROSE = re.compile(r"[。；;]|[，,].*[，,]")
_LOOKAHEAD = 8
# A header's first line holds one of these (cheap test before reading a line as a header).
_MAY_HEAD = re.compile(
    r"指\s*标|名\s*称|序\s*号|编\s*号|领\s*域|类\s*别|分\s*类|单\s*位|属\s*性|性\s*质|目\s*标|基\s*期|现\s*状|方\s*面|"
    r"权\s*重|(?:19|20)\d\d"
)
_VALUE_GROUP = re.compile(r"(?:指标|规划|目标)?(?:值|数值)|年份|年度|指标值[(（]?年份?[)）]?")
_ROLE_WORD = re.compile(r"(?:基期|基数|现状|目标|预期|规划|完成|实际)值?|值")  # the second line of `2015年` / `目 标`


@dataclass
class Cell:
    text: str
    line: int


@dataclass
class Row:
    """One printed row (cells in column order, `positional`), or a run of one-cell lines to be cut into rows."""

    cells: list[Cell]
    positional: bool
    words: bool = False  # split on single spaces: a name's words may be several cells


@dataclass
class Grid:
    header: list[Cell]
    body: list[Row | str] = field(default_factory=list)  # rows, and notes (注：…) as text
    layout: str = "cells"
    lines: set[int] = field(default_factory=set)
    notes: list[tuple[int, str]] = field(default_factory=list)
    guessed: bool = False  # no header: the columns are guessed from the cells

    @property
    def first_line(self) -> int:
        return min(self.lines)

    @property
    def last_line(self) -> int:
        return max(self.lines)


def split_line(text: str) -> list[str] | None:
    """The cells of a line that has column separators (tabs, pipes, runs of spaces), empty cells kept; else None."""
    stripped = text.strip()
    if "\t" in text:
        parts = [p.strip() for p in text.rstrip().split("\t")]
    elif "|" in stripped or "｜" in stripped:
        if _RULE.match(stripped):
            return []
        parts = (_DOUBLE_PIPES if _DOUBLE_ONLY.search(stripped) else _PIPES).split(stripped)
        if stripped[0] in "|｜":
            parts = parts[1:]
        if parts and stripped[-1] in "|｜":
            parts = parts[:-1]
    elif _SPACE_RUN.search(stripped):
        parts = [p.strip() for p in _SPACE_RUN.split(stripped)]
    else:
        return None
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _filled(cells: list[str]) -> list[str]:
    return [c for c in cells if c]


def _is_attribute(text: str) -> bool:
    return compact(text) in ATTRIBUTE_CELLS


def _header_cells(text: str) -> list[str] | None:
    """A line that is (the start of) a header: its header cells, or None."""
    cells = split_line(text)
    if cells:
        filled = _filled(cells)
        known = [c for c in filled if is_header_cell(c)]
        if len(known) == len(filled) or (len(known) >= 0.6 * len(filled) and _names_a_table(known)):
            return filled  # a column the reader does not know (年均增速, 指标值) stays a column of its own
        return None
    words = text.split()
    if len(words) >= 2 and all(is_header_cell(w) for w in words):  # `单位 2015年 2020年`
        return words
    if is_header_cell(text):  # one cell, possibly letter-spaced: `指 标`, `2022 年 目 标 值`
        return [compact(text)]
    return None


def _names_a_table(cells: list[str]) -> bool:
    return any(is_name_header(c) for c in cells) and any(is_value_header(c) or word_role(c) == "attribute" for c in cells)


def _leading_header_words(text: str) -> tuple[list[str], list[str]]:
    """A whole table on one line: its leading header words, and the rest of the line as words."""
    words = _spread_attributes(text).split()
    k = 0
    while k < len(words) and is_header_cell(words[k]):
        k += 1
    return words[:k], words[k:]


def _spread_attributes(text: str) -> str:
    """Separate attribute words glued to their neighbours (`预期性2.城镇…`) on a one-line table."""
    return re.sub("(" + "|".join(ATTRIBUTE_WORDS) + ")", r" \1 ", text)


class _Lines:
    """The document's numbered lines with look-ahead helpers."""

    def __init__(self, numbered: list[tuple[int, str]]):
        self.items = numbered

    def __len__(self) -> int:
        return len(self.items)

    def next_filled(self, i: int) -> int:
        while i < len(self.items) and not self.items[i][1].strip():
            i += 1
        return i

    def row_follows(self, i: int) -> bool:
        """Does a table row start within the next few filled lines (after a note, a domain label, a wrapped cell)?"""
        seen = 0
        while i < len(self.items) and seen < _LOOKAHEAD:
            text = self.items[i][1].strip()
            i += 1
            if not text:
                continue
            seen += 1
            cells = split_line(text)
            prose = cells is None and len(text) > 20 and _PROSE.search(text) and not _NOTE.match(text)
            if _HEADING.match(text) and len(text) > 12 or prose:
                return False
            if (header := _header_cells(text)) is not None and any(is_name_header(c) for c in header):
                return False  # the next table's header
            filled = _filled(cells or [text])
            if any(_is_attribute(c) for c in filled) or (len(filled) >= 2 and any(_looks_numeric(c) for c in filled)):
                return True
            if len(filled) == 1 and re.fullmatch(r"[(（]?\d{1,3}[)）.、．]?", compact(filled[0])):
                return True
        return False


def _looks_numeric(text: str) -> bool:
    return bool(re.search(r"\d", text)) and len(re.findall(f"[{CJK}]", text)) <= 4


def _group_slot(header: list[Cell]) -> int | None:
    """A header cell over several value columns of the next header line (指标值, 数值, 年份), if any."""
    return next((k for k, c in enumerate(header) if _VALUE_GROUP.fullmatch(compact(c.text))), None)


class _TableReader:
    """Reads one table's header and body from line i on."""

    def __init__(self, lines: _Lines):
        self.lines = lines
        self.grid: Grid | None = None
        self.stream: list[Cell] = []  # one-cell lines not yet cut into rows
        self.blank_cells = False  # whether a blank line is an empty cell (not a separator between cells)
        self.header_words: set[str] = set()  # a header cell met again in the body is a repeated header
        self.open_row: tuple[int, str] | None = None  # a `| … |` row wrapped inside a cell, waiting for its end
        self.closed_rows = 0  # `| … |` rows seen, so that a wrapped one can be told apart

    def start(self, grid: Grid, j: int) -> None:
        """Begin reading the body of `grid` at line index j."""
        self.grid = grid
        self.header_words = {compact(c.text) for c in grid.header}
        self.blank_cells = not self._blank_separated(j)

    def header(self, i: int) -> int | None:
        """Collect a header starting at line i; the index after it, or None when line i does not start one."""
        raw_line, text = self.lines.items[i]
        cells = _header_cells(text)
        rest: list[str] = []
        if cells is None:
            cells, rest = _leading_header_words(text)
            if not cells or not rest or not any(is_name_header(c) for c in cells):
                return None
        header = [Cell(c, raw_line) for c in cells]
        j = i + 1
        if not rest:
            header, j = self._more_header(header, j)
        names = [c for c in header if is_name_header(c.text)]
        values = [c for c in header if is_value_header(c.text) or word_role(c.text) == "attribute"]
        if not names or not values:
            return None
        self.start(Grid(header=header, lines={c.line for c in header}), j)
        self.closed_rows = int(text.strip().startswith("|") and text.strip().endswith("|"))
        if rest:
            self.grid.layout = "one line"
            self._stream_words(rest, raw_line)
        return j

    def _more_header(self, header: list[Cell], j: int) -> tuple[list[Cell], int]:
        """Header cells continued on the following lines, one per line or a second header line; wrapped cells rejoined."""
        while True:
            k = self.lines.next_filled(j)
            if k >= len(self.lines):
                return header, j
            raw_line, text = self.lines.items[k]
            cells = _header_cells(text)
            if cells is None:
                fragment = compact(text)
                following = self.lines.next_filled(k + 1)
                if (
                    re.fullmatch(f"[{CJK}]{{1,4}}", fragment)
                    and following < len(self.lines)
                    and is_value_header(self.lines.items[following][1])
                ):  # 苏南 / 目标值
                    nxt = self.lines.items[following]
                    header.append(Cell(fragment + compact(nxt[1]), raw_line))
                    j = following + 1
                    continue
                return header, j
            if [compact(c) for c in cells] == [compact(c.text) for c in header]:
                j = k + 1  # the header line printed again right under itself: one header
                continue
            if len(header) == 1 and len(cells) >= 2 and any(is_name_header(c) for c in cells):
                header = []  # `主要指标` was the table's caption: its header is the next line
            if len(cells) >= 2 and (slot := _group_slot(header)) is not None:  # 指标值 over 2020年 | 2025年
                header[slot : slot + 1] = [Cell(compact(c), raw_line) for c in cells]
                j = k + 1
                continue
            for cell in cells:
                if header and re.fullmatch(r"(?:19|20)\d\d年?", compact(header[-1].text)) and _ROLE_WORD.fullmatch(compact(cell)):
                    header[-1] = Cell(compact(header[-1].text) + compact(cell), header[-1].line)  # 2015年 / 目 标
                else:
                    header.append(Cell(compact(cell), raw_line))
            j = k + 1

    def _blank_separated(self, j: int) -> bool:
        """Are the body's one-cell lines separated by blank lines (then a blank line is no empty cell)?"""
        blanks = filled = 0
        for _, text in self.lines.items[j : j + 40]:
            if text.strip():
                filled += 1
            else:
                blanks += 1
        return blanks >= 0.6 * filled

    def body(self, j: int) -> int:
        """Read body lines from j until the table ends; the index of the first line after it."""
        grid = self.grid
        while j < len(self.lines):
            raw_line, text = self.lines.items[j]
            stripped = text.strip()
            if not stripped:
                if self.blank_cells and self.stream:
                    self.stream.append(Cell("", raw_line))
                j += 1
                continue
            if _NOTE.match(stripped):
                grid.notes.append((raw_line, stripped.lstrip("|｜ ")))
                grid.lines.add(raw_line)
                j += 1
                if not self.lines.row_follows(j):
                    return self._end_notes(j)
                continue
            repeated = _header_cells(stripped)
            if repeated is not None and len(repeated) >= 2 and any(is_name_header(c) for c in repeated):
                if [compact(c) for c in repeated] != [compact(c.text) for c in grid.header][: len(repeated)]:
                    break  # another table's header
                grid.lines.add(raw_line)  # the header repeated after a page break
                j += 1
                continue
            if self._ends(stripped, j) or FURNITURE.search(stripped):
                break
            self._line(raw_line, text)
            grid.lines.add(raw_line)
            j += 1
        self._flush()
        return j

    def _end_notes(self, j: int) -> int:
        """Notes continue over their numbered items (①…, 1.…); the table ends after them."""
        while j < len(self.lines):
            raw_line, text = self.lines.items[j]
            if text.strip() and not _NOTE_ITEM.match(text):
                break
            if text.strip():
                self.grid.notes.append((raw_line, text.strip()))
                self.grid.lines.add(raw_line)
            j += 1
        self._flush()
        return j

    def _ends(self, text: str, j: int) -> bool:
        """A heading or a paragraph of prose ends the table, unless table rows follow it closely (a domain label)."""
        expecting_name = bool(self.stream) and re.fullmatch(r"[(（]?\d{1,3}[)）.、．]?", compact(self.stream[-1].text) or "x")
        if expecting_name:
            return False
        cells = split_line(text)
        heading = bool(_HEADING.match(text)) and (cells is None or not any(_looks_numeric(c) for c in cells[1:]))
        prose = len(text) > 40 and bool(_PROSE.search(text)) and cells is None
        if not (heading or prose):
            return False
        return prose or len(text) > 16 or not self.lines.row_follows(j + 1)

    def _line(self, raw_line: int, text: str) -> None:
        if self._continues_cell(text):
            return
        raw_line, text = self._pipe_row(raw_line, text)
        if not text:
            return
        cells = split_line(text)
        if cells is not None and len(_filled(cells)) == 1 and compact(_filled(cells)[0]) in self.header_words:
            return  # one cell of a header repeated after a page break
        if cells is not None:
            filled = _filled(cells)
            if sum(_is_attribute(c) for c in filled) >= 2 and "\t" not in text:
                self._stream_words(_spread_attributes(text).replace("|", " ").split(), raw_line)
            elif len(filled) >= 2:
                self._flush()
                self.grid.body.append(Row([Cell(c, raw_line) for c in cells], positional=True))
                self.grid.layout = "rows"
            elif filled:
                self.stream.extend(Cell(c, raw_line) for c in cells)
            return
        words = text.split()
        if sum(_is_attribute(w) for w in _spread_attributes(text).split()) >= 2:
            self._stream_words(_spread_attributes(text).split(), raw_line)
            self.grid.layout = "one line"
        elif len(words) >= 3 and any(_looks_numeric(w) for w in words[1:]):
            self._flush()
            self.grid.body.append(Row([Cell(w, raw_line) for w in words], positional=True, words=True))
            self.grid.layout = "rows"
        elif compact(text) not in self.header_words:
            self.stream.append(Cell(text.strip(), raw_line))

    def _pipe_row(self, raw_line: int, text: str) -> tuple[int, str]:
        """A `| … |` row wrapped inside a cell (`| 1 | 每千人口拥有3岁以下婴幼` / `儿托位数 | 个 | 1.5 |`): one row again,
        on the line where it starts."""
        stripped = text.strip()
        if self.open_row is not None:
            (line, head), self.open_row = self.open_row, None
            return line, head + stripped
        row = stripped.startswith(("|", "｜")) and len(_filled(split_line(stripped) or [])) >= 2
        if row and not stripped.endswith(("|", "｜")) and self.closed_rows:
            self.open_row = (raw_line, stripped)
            return raw_line, ""
        if row and stripped.endswith(("|", "｜")):
            self.closed_rows += 1
        return raw_line, text

    def _continues_cell(self, text: str) -> bool:
        """A cell continued after a break (`城市6.2；` / `农村8.2`): joined to the last filled cell of the run."""
        filled = [k for k, c in enumerate(self.stream) if c.text]
        if not filled or not self.stream[filled[-1]].text.endswith(("；", ";", "，", ",", "、")):
            return False
        k = filled[-1]
        last = self.stream[k]
        self.stream[k:] = [Cell(last.text + text.strip().lstrip("|｜").strip(), last.line)]
        return True

    def _stream_words(self, words: list[str], raw_line: int) -> None:
        self.stream.extend(Cell(w, raw_line) for w in words)

    def _flush(self) -> None:
        if self.stream:
            while self.stream and not self.stream[-1].text:
                self.stream.pop()
            if self.stream:
                self.grid.body.append(Row(self.stream, positional=False))
            self.stream = []


def _transposed(lines: _Lines, i: int) -> tuple[Grid, int] | None:
    """A table printed sideways: label lines (主要指标 | 2022年目标值 | 属性) each followed by, or holding, a row of cells."""
    raw_line, text = lines.items[i]
    first = (split_line(text) or [text])[0]
    if not is_name_header(first) or len(_filled(split_line(text) or [text])) > 1:
        return None
    blocks: list[dict[str, list[Cell]]] = []
    labels: list[Cell] = []
    j = i
    while j < len(lines):
        j = lines.next_filled(j)
        if j >= len(lines):
            break
        raw_line, text = lines.items[j]
        cells = split_line(text) or [text]
        label = compact(cells[0])
        if not is_header_cell(label):
            break
        data = _filled(cells[1:])
        k = j + 1
        if not data:
            k = lines.next_filled(j + 1)
            if k >= len(lines):
                break
            data = _filled(split_line(lines.items[k][1]) or [])
            if len(data) < 2 or any(is_header_cell(d) for d in data):
                break
            data_line, k = lines.items[k][0], k + 1
        else:
            data_line = raw_line
        if is_name_header(label) or not blocks:
            blocks.append({})
        if label not in blocks[-1]:
            blocks[-1][label] = [Cell(d, data_line) for d in data]
        if len(blocks) == 1 and label not in [c.text for c in labels]:
            labels.append(Cell(label, raw_line))
        j = k
    if len(blocks) < 1 or len(labels) < 2 or not any(is_value_header(c.text) for c in labels):
        return None
    grid = Grid(header=labels, layout="transposed", lines={c.line for c in labels})
    for block in blocks:
        names = next(iter(block.values()))
        for k in range(len(names)):
            row = [block[c.text][k] if c.text in block and k < len(block[c.text]) else Cell("", names[k].line) for c in labels]
            grid.body.append(Row(row, positional=True))
            grid.lines.update(c.line for c in row)
    grid.lines.update(range(min(grid.lines), max(grid.lines) + 1))
    return grid, j


def read_headerless(numbered: list[tuple[int, str]], first: int, last: int) -> Grid:
    """The lines first..last (raw) of a region that looks like a table but has no header: its body, read as a table's."""
    reader = _TableReader(_Lines(numbered))
    start = next(k for k, (line, _) in enumerate(numbered) if line >= first)
    reader.start(Grid(header=[], guessed=True), start)
    for raw_line, text in numbered[start:]:
        if raw_line > last:
            break
        if text.strip():
            reader._line(raw_line, text)
            reader.grid.lines.add(raw_line)
    reader._flush()
    return reader.grid


def read_grids(numbered: list[tuple[int, str]]) -> list[Grid]:
    """Every table of a document, in order."""
    lines = _Lines(numbered)
    grids: list[Grid] = []
    i = 0
    while i < len(lines):
        text = lines.items[i][1].strip()
        if not text or len(text) > 400 or not _MAY_HEAD.search(text):
            i += 1
            continue
        if found := _transposed(lines, i):
            grid, i = found
            grids.append(grid)
            continue
        reader = _TableReader(lines)
        j = reader.header(i) if len(text) <= 120 or "指标" in text[:40] else None
        if j is None:
            i += 1
            continue
        i = reader.body(j)
        grids.append(reader.grid)
    return grids
