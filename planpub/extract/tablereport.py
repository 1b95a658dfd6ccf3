"""What the table reader read: a record per table (lines, header, column roles, rows read) and per region that
looks like a table but was not read, the warnings they carry, and how the command line shows them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PlanError
from ..schema import Row, new_row
from .columns import Column
from .grid import ATTRIBUTE_WORDS, Grid, split_line
from .rows import kind

_TABULAR_HINT = re.compile(r"\d\D+\d|约束性|预期性|倡导性")


def value_rows(grid: Grid, columns: list[Column]) -> int:
    """How many rows of values the table seems to hold, counted without the reader: what a warning compares with."""
    count = 0
    has_attribute = any(c.role == "attribute" for c in columns)
    for item in grid.body:
        kinds = [kind(c.text) for c in item.cells]
        if item.positional:
            count += any(k.number and not k.seq for k in kinds) or any(k.attribute for k in kinds)
        elif has_attribute:
            count += sum(k.attribute for k in kinds)
        else:
            count += sum(1 for a, b in zip(kinds, kinds[1:], strict=False) if a.text and not a.unit and b.number and not b.seq)
    return count


def table_record(plan_id: str, number: int, grid: Grid, columns: list[Column], read: int) -> Row:
    """What was read of one table: lines, layout, header, column roles, rows, and a warning if it looks incomplete."""
    expected = value_rows(grid, columns)
    warning = ""
    if grid.guessed:
        warning = f"no header in lines {grid.first_line}-{grid.last_line}: columns guessed from their content; check the rows"
    elif read < expected:
        warning = f"read {read} rows of about {expected} rows of values in lines {grid.first_line}-{grid.last_line}"
    elif read == 0:
        warning = f"a table header in lines {grid.first_line}-{grid.last_line} but no rows read"
    return new_row(
        "tables",
        plan_id=plan_id,
        table_id=f"t{number}",
        first_line=grid.first_line,
        last_line=grid.last_line,
        layout=grid.layout,
        header=" | ".join(c.text for c in grid.header) or "(none: columns guessed)",
        columns=" | ".join(c.describe() for c in columns),
        rows_read=read,
        value_rows=expected,
        warning=warning,
    )


@dataclass
class Region:
    """Lines outside every table that look like one: values or attribute words, but no header the reader knows."""

    lines: list[int] = field(default_factory=list)
    attributes: int = 0  # lines holding an attribute word (约束性/预期性)

    @property
    def first(self) -> int:
        return self.lines[0]

    @property
    def last(self) -> int:
        return self.lines[-1]

    @property
    def indicator_table(self) -> bool:
        """Attribute words on most lines: an indicator table whose header was lost, read with columns guessed."""
        return self.attributes >= 2 and self.attributes * 3 >= len(self.lines) * 2


def unread_regions(numbered: list[tuple[int, str]], claimed: set[int]) -> list[Region]:
    """Runs of three or more lines outside every table that look like rows of one."""
    regions: list[Region] = []
    run = Region()
    for raw_line, text in numbered:
        if raw_line in claimed or not text.strip():
            continue
        tabular = len(text) < 400 and bool(_TABULAR_HINT.search(text))
        if tabular:
            cells = split_line(text) or text.split()
            attributes = sum(text.count(word) for word in ATTRIBUTE_WORDS)
            numbers = sum(1 for c in cells if kind(c).number)
            tabular = bool(attributes) or (numbers >= 2 and len(cells) <= 12)
        if tabular:
            run.lines.append(raw_line)
            run.attributes += bool(attributes)
            continue
        if len(text.strip()) > 30 or "。" in text:  # prose ends a run; a short label inside it does not
            if len(run.lines) >= 3:
                regions.append(run)
            run = Region()
    if len(run.lines) >= 3:
        regions.append(run)
    return regions


def unread_record(plan_id: str, number: int, region: Region) -> Row:
    first, last = region.first, region.last
    return new_row(
        "tables",
        plan_id=plan_id,
        table_id=f"u{number}",
        first_line=first,
        last_line=last,
        layout="not read",
        rows_read=0,
        value_rows=len(region.lines),
        warning=f"lines {first}-{last} look like a table (values or attribute words) but have no header the reader knows",
    )


def warnings(tables: list[Row]) -> list[str]:
    """The table records' warnings, each naming its first line."""
    return [f"line {t['first_line']}: {t['table_id']}: {t['warning']}" for t in tables if t["warning"]]


def describe(tables: list[Row]) -> list[str]:
    """What was read, one line per table (lines, layout, header, column roles, rows), warnings flagged."""
    out = []
    for t in tables:
        if t["layout"] == "not read":
            out.append(f"  {t['table_id']}  lines {t['first_line']}-{t['last_line']}  NOT READ: {t['warning']}")
            continue
        out.append(f"  {t['table_id']}  lines {t['first_line']}-{t['last_line']}  {t['layout']}, {t['rows_read']} rows")
        out.append(f"      header:  {t['header']}")
        out.append(f"      columns: {t['columns']}")
        if t["warning"]:
            out.append(f"      WARNING: {t['warning']}")
    return out


def check_tables(tables: list[Row], source: Path, strict: bool, log: Callable[[str], None]) -> None:
    """Log each table warning with its file and line; under --strict the first one is an error."""
    found = [t for t in tables if t["warning"]]
    for t in found:
        log(f"warning  {source}:{t['first_line']}: table {t['table_id']}: {t['warning']}")
    if strict and found:
        first = found[0]
        raise PlanError(
            f"table {first['table_id']}: {first['warning']} (strict mode)",
            source,
            first["first_line"],
            hint="check the table in the document; fix the reading with an `adds` entry in datasets/overrides/, "
            "or report the layout so the reader learns it",
        )
