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
_SUFFIXES = ("工程", "项目", "建设", "平台", "中心", "基地", "计划", "行动", "目标", "体系", "网络", "系统")
_ITEM_END_LIMIT = 2  # blank lines that end a box in one-paragraph-per-line layouts


@dataclass
class Box:
    number: str
    title: str
    items: list[tuple[int, str, str, str]] = field(default_factory=list)  # (raw line, seq, name, description)


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
    def __init__(self, doc: Document, table_lines: set[int]):
        self.doc = doc
        self.table = table_lines
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
        box = Box(number, title)
        self.boxes.append(box)
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


def extract_projects(doc: Document, plan_id: str, table_lines: set[int]) -> list[Row]:
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for box in _Boxes(doc, table_lines).run():
        if not box.items:
            continue
        key = re.sub(r"[^0-9A-Za-z.]", "", box.number) or "x"
        seen[key] = seen.get(key, 0) + 1
        box_key = key if seen[key] == 1 else f"{key}{chr(96 + seen[key]) if seen[key] <= 26 else seen[key]}"
        for k, (line, seq, name, description) in enumerate(box.items, start=1):
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
    return rows
