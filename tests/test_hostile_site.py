"""A hostile plan document, built into the real site and loaded in real headless Chromium.

Markup, Markdown, Jinja and MkDocs syntax placed wherever extraction picks text up must show as literal
text on every page, table, chart label and tooltip: nothing runs, nothing is added to or hidden from the page.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import openpyxl
import pytest

from . import hostile
from .browser import serve
from .conftest import built_copy, run_build

pytestmark = pytest.mark.browser

PLAN_PAGES = [f"plans/{hostile.PLAN_ID}.html", f"en/plans/{hostile.PLAN_ID}.html"]
LISTING_PAGES = ["index.html", "en/index.html", "plans/index.html", "en/plans/index.html", "downloads.html", "en/downloads.html"]

# Anything a payload could have added to the page if it were interpreted instead of shown.
FIND_INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(`${el.tagName} ${a.name}=${a.value}`);
      if (/^\\s*javascript:/i.test(a.value)) found.push(`${el.tagName} ${a.name}=${a.value}`);
    }
    if (el.tagName === 'IFRAME') found.push('iframe ' + el.outerHTML);
    if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('img ' + el.outerHTML);
    if (el.tagName === 'SCRIPT' && el.type !== 'application/json' && el.textContent.includes('xss')) found.push('script');
    if (el.classList.contains('admonition')) found.push('admonition ' + el.outerHTML);
  }
  const comments = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
  while (comments.nextNode()) if (comments.currentNode.data.includes('xss')) found.push('comment ' + comments.currentNode.data);
  return found;
}"""


def squash(text: str) -> str:
    """Whitespace as a browser's innerText collapses it."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def hostile_site(built, tmp_path_factory):
    """The five real plans plus the hostile one, added with `build.py add` and built with `build.py`."""
    root = tmp_path_factory.mktemp("hostile")
    paths = built_copy(built, root)
    document = root / hostile.SOURCE
    document.write_text(hostile.document(), encoding="utf-8")
    added = run_build(paths, "add", str(document), "--plan-id", hostile.PLAN_ID)
    assert added.returncode == 0, added.stderr
    paths.registry.write_text(hostile.fill_registry(paths.registry.read_text(encoding="utf-8")), encoding="utf-8")
    built = run_build(paths)
    assert built.returncode == 0, built.stderr
    return paths


@pytest.fixture(scope="module")
def server(hostile_site):
    """The built site over HTTP on a free local port (search needs a web worker, which file:// forbids)."""

    with serve(hostile_site.site) as base:
        yield base


class Visit:
    """One page loaded in a fresh browser page, remembering every dialog that a payload opened."""

    def __init__(self, browser, url: str):
        self.dialogs: list[str] = []
        self.page = browser.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("dialog", self._dialog)
        self.page.goto(url, wait_until="load")
        if self.page.locator(".vega-target").count():
            self.page.wait_for_selector(".vega-target svg .mark-symbol path, .vega-target svg .mark-rect path")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def tooltip(self, mark) -> str:
        """Point the mouse at a chart mark and return the text of the tooltip it opens."""
        mark.scroll_into_view_if_needed()
        box = mark.bounding_box()
        self.page.mouse.move(0, 0)
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.wait_for_selector("#vg-tooltip-element.visible", state="attached")
        return squash(self.page.locator("#vg-tooltip-element").inner_text())

    def text(self) -> str:
        return squash(self.page.locator("article").inner_text())

    def injected(self) -> list[str]:
        return self.page.evaluate(FIND_INJECTED)


@pytest.fixture
def visit(browser, server):
    opened: list[Visit] = []

    def open_page(path: str) -> Visit:
        opened.append(Visit(browser, server + path))
        return opened[-1]

    yield open_page
    for v in opened:
        v.page.close()


def package_rows(paths, resource: str, folder: Path | None = None) -> list[dict]:
    folder = folder or paths.packages / hostile.PLAN_ID
    with (folder / f"{resource}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def shown_hostile_values(paths) -> list[str]:
    """Every value a plan page shows that carries a payload, as extracted."""
    values = [hostile.TITLE, hostile.REGION, hostile.ISSUER]
    for resource, fields in hostile.SHOWN.items():
        for row in package_rows(paths, resource):
            values += [row[f] for f in fields if any(p in row[f] for p in hostile.PAYLOADS + hostile.CELL_PAYLOADS)]
    return values


def test_every_payload_reaches_the_extracted_data_verbatim(hostile_site):
    """The premise of the other tests: extraction passes the payloads through, so the pages must show them."""
    for resource in ("sections", "indicators"):
        shown = " ".join(row[f] for row in package_rows(hostile_site, resource) for f in hostile.SHOWN[resource])
        missing = [p for p in hostile.PAYLOADS if p not in shown and not (resource == "sections" and "|" in p)]
        assert missing == [], resource
    cells = " ".join(r["baseline_raw"] for r in package_rows(hostile_site, "indicators"))
    assert sum(c in cells for c in hostile.CELL_PAYLOADS) >= 3
    projects = package_rows(hostile_site, "projects")
    assert sum(any(p in r["name_zh"] for p in hostile.PAYLOADS) for r in projects) >= 3
    plan = package_rows(hostile_site, "plans")[0]
    assert (plan["title_zh"], plan["region_zh"], plan["issuer_zh"]) == (hostile.TITLE, hostile.REGION, hostile.ISSUER)


@pytest.mark.parametrize("path", PLAN_PAGES)
def test_plan_page_shows_every_hostile_string_literally_and_runs_nothing(visit, hostile_site, path):
    page = visit(path)
    text = page.text()
    for value in shown_hostile_values(hostile_site):
        assert squash(value) in text, value
    assert page.injected() == []
    assert page.dialogs == []
    assert page.page.title().startswith(hostile.TITLE)
    # Structure unchanged: one heading of the plan, one table row per indicator with all its 8 cells (the
    # printed number is the row anchor at the start of the name cell).
    assert page.page.locator("article h1").count() == 1
    indicators = package_rows(hostile_site, "indicators")
    # The indicator table is the first table naming an indicator (the chart's data table and the list of
    # indicators left out of the chart come after it).
    table = page.page.locator("article table").filter(has_text=indicators[0]["name_zh"]).first
    assert table.locator("tbody tr").count() == len(indicators)
    assert {table.locator("tbody tr").nth(i).locator("td").count() for i in range(len(indicators))} == {8}


@pytest.mark.parametrize("path", LISTING_PAGES)
def test_pages_listing_the_hostile_plan_show_its_title_literally_and_run_nothing(visit, path):
    page = visit(path)
    assert squash(hostile.TITLE) in page.text()
    assert page.injected() == []
    assert page.dialogs == []


def chart_names(hostile_site, chart: str) -> list[str]:
    """The hostile names a chart draws (its data, as the SVG file written for it holds them)."""
    spec = (hostile_site.site / "assets" / "charts" / f"{chart}.svg").read_text(encoding="utf-8")
    names = [r["name_zh"] for r in package_rows(hostile_site, "indicators")] + [hostile.TITLE]
    return [n for n in names if html.escape(n, quote=False) in spec]


def labelled(label: str, name: str) -> bool:
    """A chart label shows the name: whole (perhaps followed by its unit) or cut short with an ellipsis."""
    return bool(label) and (squash(name).startswith(label) or label.startswith(squash(name)))


@pytest.mark.parametrize(
    ("path", "chart"), [(PLAN_PAGES[0], f"{hostile.PLAN_ID}-baseline-target-zh"), ("index.html", "counts-by-plan-zh")]
)
def test_chart_labels_and_tooltips_show_hostile_names_literally(visit, hostile_site, path, chart):
    names = chart_names(hostile_site, chart)
    assert names, "the chart draws hostile names"
    page = visit(path)
    drawn = page.page.locator(f'.vega-target[data-chart="{chart}"] svg')
    labels = [squash(t).rstrip("…") for t in drawn.locator(".role-axis-label text, .role-title text").all_text_contents()]
    tooltips = []
    marks = drawn.locator(".role-mark.mark-symbol path, .role-mark.mark-rect path")
    for i in range(marks.count()):
        tooltips.append(page.tooltip(marks.nth(i)))
        assert page.page.locator("#vg-tooltip-element").locator("script, img, iframe, svg, a").count() == 0
    for name in names:
        assert any(labelled(label, name) for label in labels), name
        assert any(squash(name) in t for t in tooltips), name
    assert page.injected() == []
    assert page.dialogs == []


@pytest.mark.parametrize(
    "chart", [f"{hostile.PLAN_ID}-baseline-target-zh", f"{hostile.PLAN_ID}-baseline-target-en", "counts-by-plan-zh"]
)
def test_static_svg_charts_show_hostile_names_as_text_and_run_nothing(visit, hostile_site, chart):
    names = chart_names(hostile_site, chart)
    assert names
    page = visit(f"assets/charts/{chart}.svg")
    labels = [squash(t).rstrip("…") for t in page.page.locator("text").all_text_contents()]
    for name in names:
        assert any(labelled(label, name) for label in labels), name
    assert page.injected() == []
    assert page.dialogs == []
    assert page.page.locator("script, foreignObject, iframe, a").count() == 0


TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_would_run(text: str) -> bool:
    """Text a spreadsheet reads as a formula: starts with a trigger and is not a plain number."""
    return len(text) > 1 and text.startswith(TRIGGERS) and not re.fullmatch(r"[+-]?\d+(\.\d+)?%?", text)


def test_downloads_of_the_hostile_plan_hold_no_live_formula_and_keep_the_exact_text(hostile_site):
    folder = hostile_site.site / "downloads" / hostile.PLAN_ID
    hostile_cells = 0
    for resource in ("indicators", "sections", "projects"):
        for row in package_rows(hostile_site, resource, folder):
            for value in row.values():
                assert not spreadsheet_would_run(value), (resource, value)
                hostile_cells += value.startswith("'") and spreadsheet_would_run(value[1:])
    assert hostile_cells >= 4, "the hostile formulas reached the CSV downloads (neutralised)"
    book = openpyxl.load_workbook(folder / f"{hostile.PLAN_ID}.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and spreadsheet_would_run(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    exact = json.loads((folder / "indicators.json").read_text(encoding="utf-8"))
    assert [r["name_zh"] for r in exact] == [r["name_zh"] for r in package_rows(hostile_site, "indicators")]
    assert any(r["name_zh"].startswith("=HYPERLINK") for r in exact)


@pytest.mark.parametrize("path", ["index.html", "en/index.html"])
def test_search_results_show_hostile_text_literally_and_run_nothing(visit, path):
    page = visit(path)
    page.page.keyboard.press("s")  # Material's shortcut to the search box
    page.page.locator(".md-search__input").press_sequentially("xss", delay=20)
    results = page.page.locator(".md-search-result__item")
    results.first.wait_for()
    text = squash(" ".join(results.all_inner_texts()))
    literal = [p for p in [hostile.TITLE, hostile.REGION, hostile.ISSUER, *hostile.PAYLOADS] if squash(p) in text]
    assert literal, text
    assert page.injected() == []
    assert page.dialogs == []
