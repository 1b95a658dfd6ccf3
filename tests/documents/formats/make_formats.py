"""Write the five plans of datasets/sources/ as Word files, PDFs and web pages, with their indicator tables as real tables.

    .venv/bin/python tests/documents/formats/make_formats.py

Each text line becomes a paragraph; each indicator table that the pipeline reads from the text becomes a real
table: its cells placed in their columns as the table reader aligns them, its domain and sub-row cells merged
down over the rows they cover, its group labels merged across the row, its header spanning the unnamed number
and sub-item columns. Lines with a tab inside them outside a table (a table of contents) become a table without rules.
The Word files are written with python-docx; the PDFs with reportlab, in the Adobe-GB1 font STSong-Light (no
font file needed), A4, with page numbers; xinzhou's table is ruled and runs over a page break with its header
repeated, shanxi-2021-high-quality-life's has no rules (read from the text layout). The web pages are as `HTML`
below says: GBK with and without a <meta> charset, GB18030, UTF-8; a layout table around the content; xinzhou's
year columns under a header that spans two rows, its domains a first column merged down over their rows. Their
output is committed
beside this script (tests/test_read_docx_pdf.py reads them); run it again after a source or a reader changes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from planpub.config import Paths  # noqa: E402
from planpub.extract.columns import read_header  # noqa: E402
from planpub.extract.grid import read_grids  # noqa: E402
from planpub.extract.rows import Aligner, cut, roles_with_implicit  # noqa: E402
from planpub.read import read_document  # noqa: E402
from planpub.registry import load as load_registry  # noqa: E402

UNRULED = {"shanxi-2021-high-quality-life"}  # its PDF table has no ruling lines: read from the text layout
_MERGED_DOWN = ("domain", "seq", "name", "attribute", "unit")  # an empty cell under one of these is covered by it


@dataclass
class Table:
    """A table as printed: header cells by column (a header spans the empty ones after it), rows, group labels."""

    header: list[str]
    rows: list[list[str] | str] = field(default_factory=list)  # a row of cells, or a group label across the row
    roles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first: int = 0
    last: int = 0


def tables_of(path: Path, period_end: int | None) -> list[Table]:
    """The indicator tables the pipeline reads from a text document, as printed tables."""
    out = []
    for grid in read_grids(read_document(path).numbered()):
        columns = roles_with_implicit(read_header([c.text for c in grid.header], period_end))
        aligner = Aligner(columns)
        table = Table(header=[], roles=[c.role for c in columns], first=grid.first_line, last=grid.last_line)
        for item in grid.body:
            pieces = [("row", item.cells, None)] if item.positional else cut(item.cells, aligner)
            for what, cells, kinds in pieces:
                if what == "label":
                    table.rows.append(cells[0].text.strip())
                elif (parts := aligner.assign(cells, kinds)) is not None:
                    row = [""] * len(columns)
                    for pairs in parts.values():
                        for column, cell in pairs:
                            k = columns.index(column)
                            row[k] = " ".join(t for t in (row[k], cell.text.strip()) if t)
                    table.rows.append(row)
        table.notes = [text for _, text in grid.notes]
        used = [k for k in range(len(columns)) if any(isinstance(r, list) and r[k] for r in table.rows) or columns[k].header]
        table.rows = [r if isinstance(r, str) else [r[k] for k in used] for r in table.rows]
        table.roles = [table.roles[k] for k in used]
        table.header = [columns[k].header for k in used]
        out.append(table)
    return out


def header_spans(table: Table) -> list[tuple[int, int]]:
    """(first, last) column of each header cell: an unnamed number column belongs to the name after it, any
    other unnamed column (a sub-item) to the header cell before it."""
    owner = list(range(len(table.header)))
    for k in reversed(range(len(owner) - 1)):
        if not table.header[k] and table.roles[k] == "seq":
            owner[k] = owner[k + 1]
    for k in range(1, len(owner)):
        if not table.header[k] and table.roles[k] != "seq":
            owner[k] = owner[k - 1]
    return [(owner.index(o), len(owner) - 1 - owner[::-1].index(o)) for o in dict.fromkeys(owner)]


def merged_down(table: Table) -> dict[tuple[int, int], int]:
    """(row, column) of a cell → how many rows it covers: a domain over its rows, a name, number, unit or
    attribute over its sub-rows (the rows without a name)."""
    name = table.roles.index("name") if "name" in table.roles else None
    spans: dict[tuple[int, int], int] = {}
    for k, role in enumerate(table.roles):
        if role not in _MERGED_DOWN:
            continue
        top = None
        for r, row in enumerate(table.rows):
            if isinstance(row, str):
                top = None
            elif row[k]:
                top = r
            elif top is not None and (role == "domain" or (name is not None and not row[name])):
                spans[(top, k)] = r - top + 1
            else:
                top = None
    return spans


def blocks(path: Path, tables: list[Table]):
    """The document in order: ("p", text) for a line, ("toc", [cells…]) for lines with tabs, ("table", Table)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    starts = {t.first: t for t in tables}
    covered = {n for t in tables for n in range(t.first, t.last + 1)}
    toc: list[list[str]] = []
    for number, text in enumerate(lines, start=1):
        if number in starts:
            yield "table", starts[number]
        if number in covered:
            continue
        if "\t" in text.strip():
            toc.append(text.split("\t"))
            continue
        if toc:
            yield "toc", toc
            toc = []
        yield "p", text
    if toc:
        yield "toc", toc


def write_docx(path: Path, tables: list[Table], out: Path) -> None:
    import docx

    document = docx.Document()
    for kind, item in blocks(path, tables):
        if kind == "p":
            document.add_paragraph(item)
        elif kind == "toc":
            for cells in item:
                document.add_paragraph("\t".join(cells))
        else:
            _docx_table(document, item)
    document.save(out)


def _docx_table(document, table: Table) -> None:
    width = len(table.header)
    grid = document.add_table(rows=1 + len(table.rows), cols=width)
    grid.style = "Table Grid"
    for start, end in header_spans(table):
        cell = grid.cell(0, start).merge(grid.cell(0, end)) if end > start else grid.cell(0, start)
        cell.text = next(h for h in table.header[start : end + 1] if h)
    for r, row in enumerate(table.rows, start=1):
        if isinstance(row, str):
            grid.cell(r, 0).merge(grid.cell(r, width - 1)).text = row
            continue
        for k, text in enumerate(row):
            grid.cell(r, k).text = text
    for (r, k), rows in merged_down(table).items():
        grid.cell(r + 1, k).merge(grid.cell(r + rows, k))
    for note in table.notes:
        document.add_paragraph(note)


def write_pdf(path: Path, tables: list[Table], out: Path, ruled: bool) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    story = []
    for kind, item in blocks(path, tables):
        if kind == "p":
            story.append(Paragraph(escape(item.strip()) or "&nbsp;", body))
        elif kind == "toc":
            toc = PdfTable([[c.strip() for c in cells] for cells in item], hAlign="LEFT")
            toc.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10.5)]))
            story.append(toc)
        else:
            story += _pdf_table(item, cell, ruled, PdfTable, TableStyle, Paragraph, colors)

    def page_number(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=60, rightMargin=60, title=path.name, invariant=1)
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)


def _pdf_table(table: Table, style, ruled: bool, PdfTable, TableStyle, Paragraph, colors) -> list:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = len(table.header)
    header = [""] * width
    commands = [("FONT", (0, 0), (-1, -1), "STSong-Light", 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for start, end in header_spans(table):
        header[start] = next(h for h in table.header[start : end + 1] if h)
        if end > start:
            commands.append(("SPAN", (start, 0), (end, 0)))
    rows = [header]
    for r, row in enumerate(table.rows, start=1):
        if isinstance(row, str):
            rows.append([row] + [""] * (width - 1))
            commands.append(("SPAN", (0, r), (width - 1, r)))
        else:
            rows.append(list(row))
    for (r, k), count in merged_down(table).items():
        commands.append(("SPAN", (k, r + 1), (k, r + count)))
    padding = 8 if ruled else 16  # without rules, the gaps between columns are what sets them apart
    widths = [max(stringWidth(str(row[k]), "STSong-Light", 8) for row in rows) + padding for k in range(width)]
    scale = min(1.0, 470 / sum(widths))
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        rows = [[Paragraph(escape(c), style) for c in row] for row in rows]
    else:
        commands.append(("FONTSIZE", (0, 0), (-1, -1), 8 * scale))
    pdf = PdfTable(rows, colWidths=[w * scale for w in widths], repeatRows=1)
    pdf.setStyle(TableStyle(commands))
    return [pdf] + [Paragraph(escape(n), style) for n in table.notes]


# How each plan's web page is published: its encoding, whether a <meta> tag declares it, whether the page frame
# is a layout table (navigation above, footer below), and whether the year columns sit under a two-row header.
HTML = {
    "xinzhou-2021-public-services": {"encoding": "gbk", "declared": True, "frame": True, "two_rows": True},
    "shanxi-2021-high-quality-life": {"encoding": "gbk", "declared": False, "frame": True, "two_rows": False},
    "shanxi-2016-basic-public-services": {"encoding": "gb18030", "declared": True, "frame": False, "two_rows": False},
}
_YEAR_ROLES = ("baseline", "target", "vision", "achieved")


def write_html(path: Path, tables: list[Table], out: Path, encoding: str, declared: bool, frame: bool, two_rows: bool):
    """A government web page: paragraphs, the indicator tables as <table> (domain cells as rowspans, a group label
    across its row), in its encoding, its charset declared in a <meta> tag or not, inside a layout table or not."""
    body = []
    for kind, item in blocks(path, tables):
        if kind == "p":
            body.append(f"<p>{escape(item.strip()) or '&nbsp;'}</p>")  # an empty line, as a CMS keeps it
        elif kind == "toc":
            rows = ("<tr>" + "".join(f"<td>{escape(c.strip())}</td>" for c in cells) + "</tr>" for cells in item)
            body.append('<table class="toc">' + "".join(rows) + "</table>")
        else:
            body.append(_html_table(item, two_rows))
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">' if declared else ""
    content = "\n".join(body)
    if frame:
        content = (
            '<table width="100%" class="frame"><tr><td><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | '
            '<a href="/ghjh">规划计划</a></td></tr>\n<tr><td>\n' + content + "\n</td></tr>\n"
            "<tr><td>版权所有：人民政府办公室 主办 | 网站地图 | 联系我们</td></tr></table>"
        )
    page = f"<!DOCTYPE html>\n<html><head>{meta}<title>{escape(path.stem)}</title></head>\n<body>\n{content}\n</body></html>\n"
    out.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))  # as a CMS writes what the charset lacks


def _domains_as_column(table: Table) -> Table:
    """The table with its group-label rows (妇幼服务 across the row) turned into a first column 领域, each label in
    the first row of its group (merged down over the group, as web pages print it)."""
    rows, label = [], ""
    for row in table.rows:
        if isinstance(row, str):
            label = row
            continue
        rows.append([label, *row])
        label = ""
    return Table(["领域", *table.header], rows, ["domain", *table.roles], table.notes, table.first, table.last)


def _html_table(table: Table, two_rows: bool) -> str:
    if two_rows and any(isinstance(row, str) for row in table.rows):
        table = _domains_as_column(table)
    spans = merged_down(table)
    covered = {(r + i, k) for (r, k), count in spans.items() for i in range(1, count)}
    years = [k for k, role in enumerate(table.roles) if role in _YEAR_ROLES and table.header[k]]
    two_rows = two_rows and len(years) >= 2 and years == list(range(years[0], years[-1] + 1))
    head, second = [], []
    for start, end in header_spans(table):
        text = escape(next(h for h in table.header[start : end + 1] if h))
        colspan = f' colspan="{end - start + 1}"' if end > start else ""
        if two_rows and start in years:
            if start == years[0]:
                head.append(f'<th colspan="{len(years)}">指标值</th>')
            second.append(f"<th>{text}</th>")
        else:
            rowspan = ' rowspan="2"' if two_rows else ""
            head.append(f"<th{colspan}{rowspan}>{text}</th>")
    rows = ["<tr>" + "".join(head) + "</tr>"] + (["<tr>" + "".join(second) + "</tr>"] if two_rows else [])
    for r, row in enumerate(table.rows):
        if isinstance(row, str):
            rows.append(f'<tr><td colspan="{len(table.header)}">{escape(row)}</td></tr>')
            continue
        cells = []
        for k, text in enumerate(row):
            if (r, k) in covered:
                continue
            rowspan = f' rowspan="{spans[(r, k)]}"' if (r, k) in spans else ""
            cells.append(f"<td{rowspan}>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f"\n<p>{escape(n)}</p>" for n in table.notes)
    return '<table border="1">\n' + "\n".join(rows) + "\n</table>" + notes


def main() -> None:
    paths = Paths()
    for entry in load_registry(paths):
        source = paths.sources / entry["source"]
        tables = tables_of(source, entry.get("period_end"))
        stem = entry["plan_id"]
        write_docx(source, tables, HERE / f"{stem}.docx")
        write_pdf(source, tables, HERE / f"{stem}.pdf", ruled=stem not in UNRULED)
        page = HTML.get(stem, {"encoding": "utf-8", "declared": True, "frame": False, "two_rows": False})
        write_html(source, tables, HERE / f"{stem}.html", **page)
        print(f"{stem}: {len(tables)} tables → {stem}.docx, {stem}.pdf, {stem}.html ({page['encoding']})")


if __name__ == "__main__":
    main()
