"""A hostile plan document: a real plan with markup, template and MkDocs syntax put wherever extraction reads.

The payloads go into the real document's title, headings, indicator names and cells, project boxes and
items, so the real extractor picks them up as it picks up the originals. Each payload either calls `alert`
(a dialog in the browser means it ran) or would change the page if it were interpreted (a link, a heading,
an admonition, an attribute, a hidden comment, an included file). None contains a space, so no
normalisation of spacing in names changes it.
"""

from __future__ import annotations

from planpub.extract import extract
from planpub.read import read_document

from .conftest import SOURCES

BASE = SOURCES / "001_c8d80dd4753e0ae7.txt"
PLAN_ID = "hostile-2021-plan"
SOURCE = "hostile_0000000000000000.txt"

TITLE = "</title><script>alert('xss-title')</script>{{7*7}}忻州市“十四五”公共服务和社会保障事业规划"
REGION = "<img/src=x/onerror=alert('xss-region')>"
ISSUER = "<script>alert('xss-issuer')</script>"
PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img/src=x/onerror=alert('xss-2')>",
    "<iframe/src=javascript:alert('xss-3')>",
    "<svg/onload=alert('xss-4')>",
    "[点我](javascript:alert('xss-5'))",
    "{:onclick=\"alert('xss-6')\"}",
    "{{7*7}}{%raw%}",
    "<!--xss-7-->",
    '--8<--"README.md"',
    "!!!note**粗**_斜_`码`#井号",
    '=HYPERLINK("http://x.invalid","点我")',
    "@SUM(1+1)*cmd|'/Ccalc'!A0",
]
# Table cells also get a pipe, which would split a Markdown table row, and spreadsheet formulas.
CELL_PAYLOADS = ["=1+1", "**9**|9", "<script>alert('xss-cell')</script>", "-2+3", "+cmd|'/C calc'!A0"]
# The fields a plan page shows, by resource.
SHOWN = {"sections": ["title_zh"], "indicators": ["name_zh", "baseline_raw", "target_raw"], "projects": ["name_zh"]}


def _put_before(line: str, anchor: str, payload: str) -> str:
    """`line` with `payload` inserted before the first occurrence of `anchor` (unchanged if absent)."""
    at = line.find(anchor)
    return line if at < 0 else line[:at] + payload + line[at:]


def _cell_lines(lines: list[str], name_line: int, count: int) -> list[int]:
    """Indexes of the `count` non-empty lines after an indicator's name line (its value cells, one per line)."""
    found = []
    for i in range(name_line + 1, min(len(lines), name_line + 8)):
        if lines[i].strip() and len(found) < count:
            found.append(i)
    return found


def document() -> str:
    """The hostile document's text: the real plan, with payloads where its records come from."""
    original = BASE.read_text(encoding="utf-8")
    records = extract(read_document(BASE), {"plan_id": "base", "level": "city"})
    lines = original.split("\n")
    n = 0

    def payload() -> str:
        nonlocal n
        n += 1
        return PAYLOADS[(n - 1) % len(PAYLOADS)]

    indicator_lines = {row["source_line"] - 1 for row in records["indicators"]}
    for row in records["sections"]:
        i = row["source_line"] - 1
        if i not in indicator_lines and lines[i].strip().startswith(row["label"]):
            title = payload() + row["title_zh"]
            lines[i] = lines[i][: lines[i].find(row["label"]) + len(row["label"])] + "  " + title[:40]
    cells = iter(CELL_PAYLOADS)
    for row in records["indicators"]:
        i = row["source_line"] - 1
        lines[i] = _put_before(lines[i], row["name_zh"][:2], payload())
        if row["unit_zh"] != "%" and (cell := next(cells, None)):
            baseline = _cell_lines(lines, i, 1)[0]
            lines[baseline] = lines[baseline][: len(lines[baseline]) - len(lines[baseline].lstrip())] + cell
    boxes = {}
    for row in records["projects"]:
        i = row["source_line"] - 1
        lines[i] = _put_before(lines[i], row["name_zh"][:2], payload().replace(":", "："))
        boxes.setdefault(row["box_title_zh"], payload())
    for title, text in boxes.items():
        lines = [_put_before(line, title, text) if "专栏" in line else line for line in lines]
    text = "\n".join(lines)
    return text.replace("《忻州市“十四五”公共服务和社会保障事业规划》", f"《{TITLE}》", 1)


def untitled_document() -> str:
    """The hostile document stating no title: it starts at its first chapter, and the plans its first lines cite
    are not in 《》 (add and the extractor would take one for the title)."""
    lines = document().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("第一章"))
    head = [line.replace("《", "“").replace("》", "”") for line in lines[start : start + 100]]
    return "\n".join(head + lines[start + 100 :])


def fill_registry(registry_text: str) -> str:
    """The registry after `build.py add`, with its placeholders filled in by a hostile maintainer."""
    return (
        registry_text.replace("region_zh: TODO", f'region_zh: "{REGION}"\n    issuer_zh: "{ISSUER}"')
        .replace("region_code: TODO", 'region_code: "149900"')
        .replace("level: TODO", "level: city")
    )
