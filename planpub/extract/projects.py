"""Project boxes (专栏) and their items, and the project lists that play the same role.

A box is a heading `专栏N 标题` (or a numbered sub-section titled 保障工程 / 重点工程 / 重点项目 …) followed by
items: paragraphs `名称。描述` or `名称：描述`, or bare names one per line. It ends at a heading, another box, an
indicator table, or a paragraph that is a policy measure rather than an item. A box whose heading has no items
after it takes the items printed just before it (headings placed after their box). A box with one paragraph that
is not shaped like an item is one project named by the box title. Runs of noun-phrase `…工程。` items outside any
box are a box whose heading was lost in the scrape; verb-led paragraphs (`实施…工程。`) are ordinary text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..read import Document
from ..schema import Row, new_row
from .outline import heading
from .text import CN_NUM, squash, starts_with_verb, tidy_title

_BOX = re.compile(r"^专栏\s*(\d+(?:[.．-]\d+)*|[一二三四五六七八九十]+)?\s*[:：、.．]?\s*(.*)$")
_LIST_SECTION = re.compile(
    rf"^(?:[（(]?([{CN_NUM}\d]+)[)）.．、]?)\s*((?:保障|重点|重大|主要|建设)?(?:工程|项目)(?:和项目|项目)?)。?$"
)
_ITEM = re.compile(r"^(?P<seq>[（(]\d{1,2}[)）]|\d{1,2}[.、．](?!\d))?\s*(?P<name>[^。：:]{2,40}?)\s*(?:[。：:]|$)(?P<rest>.*)$")
# What an item or a box title names when the box holds projects: an undertaking.
_UNDERTAKINGS = ("工程", "项目", "计划", "行动", "专项", "中心", "基地", "平台", "示范区", "园区", "体系", "网络", "系统")
# Words of a target sentence: a year to reach, a level to reach, a share.
_TARGET_WORDS = re.compile(r"到\s*20\d\d\s*年|(?:达到|不低于|不少于|提高到|控制在)[^。；]{0,12}\d|\d+(?:\.\d+)?\s*%")
_SUFFIXES = (*_UNDERTAKINGS, "建设", "目标")  # item names that are no policy measure although verb-led
_ITEM_END_LIMIT = 2  # blank lines that end a box in one-paragraph-per-line layouts


@dataclass
class Box:
    number: str
    title: str
    items: list[tuple[int, str, str, str]] = field(default_factory=list)  # (raw line, seq, name, description)
    line: int = 0  # raw line of the heading (0 for a box whose heading was lost)
    kind: str = "projects"  # projects, indicators, targets or policy (BOX_KINDS)


def _item(text: str) -> tuple[str, str, str] | None:
    """(seq, name, description) when a paragraph is shaped like a box item."""
    m = _ITEM.match(text.strip())
    if not m or re.search(r"[，,；;]", m["name"]):
        return None
    name = tidy_title(m["name"]).rstrip("、")
    if not m["rest"] and len(name) > 40:
        return None
    return (m["seq"] or "").strip(), name, m["rest"].strip()


def _is_measure(name: str) -> bool:
    """A policy measure (实施…, 增加…收入) rather than a project name."""
    return starts_with_verb(name) and not name.endswith(_SUFFIXES)


class _Boxes:
    def __init__(self, doc: Document, not_text: set[int], table_lines: set[int]):
        self.doc = doc
        self.table = not_text
        self.indicator_lines = table_lines
        self.used: set[int] = set()
        self.boxes: list[Box] = []

    def _text(self, i: int) -> str:
        return self.doc.lines[i].strip()

    def _stop(self, i: int) -> bool:
        text = self._text(i)
        return bool(heading(text) or _BOX.match(text) or self.doc.raw_lines[i] in self.table)

    def run(self) -> list[Box]:
        lines = self.doc.lines
        for i in range(len(lines)):
            text = self._text(i)
            if (m := _BOX.match(text)) and len(text) <= 60 and "。" not in text:
                self._box(i, (m[1] or "").replace("．", "."), squash(m[2]))
            elif (found := heading(text)) and (m := _LIST_SECTION.match(found[1] + found[2])):
                self._box(i, m[1], m[2])
        self._orphans()
        self.boxes.sort(key=lambda b: b.items[0][0] if b.items else 0)
        return self.boxes

    def _box(self, i: int, number: str, title: str) -> None:
        box = Box(number, title, line=self.doc.raw_lines[i])
        self.boxes.append(box)
        if self._holds_table(i + 1):
            box.kind = "indicators"  # its rows are the table reader's, never projects
            return
        after = self._after(i + 1)
        if after:
            box.items = after
            return
        before = self._before(i - 1)
        if before:
            box.items = before
            return
        single = self._single(i + 1, title)
        if single:
            box.items = [single]
            if not title.endswith(_UNDERTAKINGS):  # one paragraph under a title that names no undertaking
                box.kind = "policy"

    def _holds_table(self, j: int) -> bool:
        """Does an indicator table start within the box's first lines?"""
        seen = 0
        while j < len(self.doc.lines) and seen < 3:
            if self.doc.raw_lines[j] in self.indicator_lines:
                return True
            seen += bool(self._text(j))
            j += 1
        return False

    def _after(self, j: int) -> list:
        items, blanks = [], 0
        while j < len(self.doc.lines):
            text = self._text(j)
            if not text:
                blanks += 1
                if blanks >= _ITEM_END_LIMIT and items:
                    break
                j += 1
                continue
            blanks = 0
            if self._stop(j) or j in self.used:
                break
            found = _item(text)
            if not found or _is_measure(found[1]) or (not items and len(found[1]) > 30):
                break
            items.append((self.doc.raw_lines[j], *found))
            self.used.add(j)
            j += 1
        return items

    def _before(self, j: int) -> list:
        """Items printed above a heading that has none below it; stop at the indented first item of the box."""
        found_items: list[int] = []
        while j >= 0:
            text = self.doc.lines[j]
            if not text.strip():
                j -= 1
                continue
            if self._stop(j) or j in self.used or not _item(text) or _is_measure(_item(text)[1]):
                break
            dense = j > 0 and self.doc.lines[j - 1].strip() and found_items and found_items[-1] - j > 1
            if dense and not text[:1].isspace():
                break
            found_items.append(j)
            if text[:1].isspace():
                break
            j -= 1
        self.used.update(found_items)
        return [(self.doc.raw_lines[k], *_item(self.doc.lines[k])) for k in reversed(found_items)]

    def _single(self, j: int, title: str) -> tuple | None:
        """A box holding one paragraph that does not start with a name: one project named by the box title."""
        while j < len(self.doc.lines) and not self._text(j):
            j += 1
        if j >= len(self.doc.lines) or self._stop(j) or j in self.used:
            return None
        self.used.add(j)
        return (self.doc.raw_lines[j], "", title, self._text(j))

    def _orphans(self) -> None:
        """Runs of at least two noun-phrase `…工程。` items outside any box: a box whose heading was lost."""
        lines = self.doc.lines
        run: list[int] = []

        def close() -> None:
            if len(run) >= 2:
                box = Box("", "")
                box.items = [(self.doc.raw_lines[k], *_item(lines[k])) for k in run]
                self.boxes.append(box)
                self.used.update(run)
            run.clear()

        for i, line in enumerate(lines):
            text = line.strip()
            if not text:
                continue
            found = None if (i in self.used or self._stop(i)) else _item(text)
            ok = found and found[2] and found[1].endswith(("工程", "项目")) and (run or not starts_with_verb(found[1]))
            if ok:
                run.append(i)
            else:
                close()
        close()


def _classify(box: Box) -> None:
    """A box of target sentences that names no undertaking is targets, not projects (专栏1 持续推进学前教育行动计划)."""
    if box.kind != "projects" or not box.items:
        return
    names = [name for _, _, name, _ in box.items]
    if any(name.endswith(_UNDERTAKINGS) for name in names):
        return
    text = " ".join(f"{name}。{description}" for _, _, name, description in box.items)
    if _TARGET_WORDS.search(text):
        box.kind = "targets"


def _numbered_key(key: str, seen: dict[str, int]) -> str:
    """`3`, then `3b`, `3c` … for box numbers printed more than once."""
    seen[key] = seen.get(key, 0) + 1
    return key if seen[key] == 1 else f"{key}{chr(96 + seen[key]) if seen[key] <= 26 else seen[key]}"


def _box_record(plan_id: str, box_id: str, box: Box, items: int) -> Row:
    return new_row(
        "boxes",
        plan_id=plan_id,
        box_id=box_id,
        box_no=box.number,
        box_title_zh=box.title,
        kind=box.kind,
        items=items,
        source_line=box.line or (box.items[0][0] if box.items else 1),
    )


def extract_projects(doc: Document, plan_id: str, not_text: set[int], table_lines: set[int]) -> tuple[list[Row], list[Row]]:
    """Project items of the boxes that hold projects, and a record of every box with its kind.

    `not_text` are lines that are no running text (tables, web furniture); `table_lines` those of indicator tables.
    """
    rows: list[Row] = []
    boxes: list[Row] = []
    seen: dict[str, int] = {}
    seen_boxes: dict[str, int] = {}
    for box in _Boxes(doc, not_text, table_lines).run():
        _classify(box)
        key = re.sub(r"[^0-9A-Za-z.]", "", box.number) or "x"
        projects = box.items if box.kind == "projects" else []
        if box.line or projects:
            boxes.append(_box_record(plan_id, "b" + _numbered_key(key, seen_boxes), box, len(projects)))
        if not projects:
            continue
        box_key = _numbered_key(key, seen)
        for k, (line, seq, name, description) in enumerate(projects, start=1):
            rows.append(
                new_row(
                    "projects",
                    plan_id=plan_id,
                    project_id=f"p{box_key}-{k:02d}",
                    box_no=box.number,
                    box_title_zh=box.title,
                    seq=seq,
                    name_zh=name,
                    description_zh=description,
                    source_line=line,
                )
            )
    return rows, boxes
