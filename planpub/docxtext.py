"""Part of the read stage: a Word file (.docx) → its rendering, one line per paragraph and per table row.

Body paragraphs and tables are read in document order (python-docx). A paragraph's soft line breaks
start new lines of the same paragraph. A table row is its cells separated by tabs, a merged cell's text in
its first grid cell and the cells it covers (across or down) empty, as HTML's colspan and rowspan are read,
so the table reader gets the row's columns in place. A cell's paragraphs are joined by ' / '.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .errors import PlanError
from .rendering import Place, Rendering


def render(data: bytes, path: Path) -> Rendering:
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile) as exc:  # missing parts, broken XML
        raise PlanError(
            f"this Word (.docx) file is damaged ({type(exc).__name__}: {exc})",
            path,
            hint="open it in Word or LibreOffice and save it again as .docx",
        ) from None
    out = Rendering()
    paragraphs = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            for r, row in enumerate(_rows(block), start=1):
                line = out.add("\t".join(row), Place(f"table-{tables}-row-{r}", f"表{tables}·{r}"))
                out.numbered.append((line, out.lines[-1]))
            continue
        paragraphs += 1
        for k, text in enumerate(block.text.split("\n")):
            line = out.add(text, Place(f"para-{paragraphs}", f"¶{paragraphs}") if k == 0 else Place("", ""))
            out.numbered.append((line, text))
    return out


def _rows(table) -> Iterator[list[str]]:
    """Each row's cells by grid column: a merged cell's text once, the grid cells it covers empty."""
    above: list = []
    for row in table.rows:
        cells = [None] * row.grid_cols_before + list(row.cells) + [None] * row.grid_cols_after
        texts = []
        for k, cell in enumerate(cells):
            spanned = cell is None or (k > 0 and cells[k - 1] is not None and cells[k - 1]._tc is cell._tc)
            covered = not spanned and k < len(above) and above[k] is not None and above[k]._tc is cell._tc
            texts.append("" if spanned or covered else _cell_text(cell))
        above = cells
        yield texts


def _cell_text(cell) -> str:
    """A cell's paragraphs (and line breaks) as one cell: tabs, the cell separator, become spaces."""
    parts = [p.replace("\t", " ").strip() for p in cell.text.split("\n")]
    return " / ".join(p for p in parts if p)
