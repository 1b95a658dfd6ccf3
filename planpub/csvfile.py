"""CSV files as journalists open them: UTF-8 with BOM for Excel on a Chinese Windows, and no cell a spreadsheet
would run as a formula (OWASP CSV injection). Used by the downloads and by each chart's data file."""

from __future__ import annotations

import csv
import io
import re

from .package import format_value

# First characters that make a spreadsheet read a cell as a formula (OWASP), with their full-width twins.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?")


def formula_like(value) -> bool:
    """Text a spreadsheet would run as a formula: a trigger character followed by something that is not a number."""
    return isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value)


def neutralise(value):
    """A CSV cell made inert: formula-like text gets a leading apostrophe; everything else is unchanged."""
    return "'" + value if formula_like(value) else value


def csv_bytes(names: list[str], rows: list[dict]) -> bytes:
    """UTF-8 with BOM (Excel on a Chinese Windows reads it right), CRLF as RFC 4180, neutralised cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(format_value(row[name])) for name in names])
    return buffer.getvalue().encode("utf-8-sig")
