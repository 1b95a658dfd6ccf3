"""A hostile plan document, built into the real site and loaded in real headless Chromium.

Markup, Markdown, Jinja and MkDocs syntax placed wherever extraction picks text up must show as literal
text on every page, table, chart label and tooltip: nothing runs, nothing is added to or hidden from the page.
"""

from __future__ import annotations

import csv
import functools
import http.server
import re
import threading
from pathlib import Path

import pytest

from planpub.pipeline import build

from . import hostile
from .conftest import copy_project

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
def hostile_site(tmp_path_factory):
    """The five real plans plus the hostile one, built by the real pipeline into a temporary project."""
    paths = copy_project(tmp_path_factory.mktemp("hostile"))
    (paths.sources / hostile.SOURCE).write_text(hostile.document(), encoding="utf-8")
    with paths.registry.open("a", encoding="utf-8") as registry:
        registry.write(hostile.registry_entry())
    build(paths, log=lambda _: None)
    return paths


@pytest.fixture(scope="module")
def server(hostile_site):
    """The built site over HTTP on a free local port (search needs a web worker, which file:// forbids)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(hostile_site.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium fonts-noto-cjk)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


def package_rows(paths, resource: str) -> list[dict]:
    with (paths.packages / hostile.PLAN_ID / f"{resource}.csv").open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_extraction_keeps_every_hostile_string_verbatim(hostile_site):
    """The premise of the other tests: the payloads reach the data unchanged, so the pages must show them."""
    titles = [r["title_zh"] for r in package_rows(hostile_site, "sections")]
    assert titles == hostile.SECTIONS
    indicators = package_rows(hostile_site, "indicators")
    assert [r["name_zh"] for r in indicators] == [n.rsplit("（", 1)[0] for n, _, _ in hostile.INDICATORS]
    assert [(r["baseline_raw"], r["target_raw"]) for r in indicators] == [(b, t) for _, b, t in hostile.INDICATORS]
    assert {r["domain_zh"] for r in indicators} == {hostile.DOMAIN}
    assert package_rows(hostile_site, "plans")[0]["title_zh"] == hostile.TITLE


@pytest.mark.parametrize("path", PLAN_PAGES)
def test_plan_page_shows_every_hostile_string_literally_and_runs_nothing(visit, path):
    page = visit(path)
    text = page.text()
    for literal in [hostile.TITLE, hostile.REGION, hostile.DOMAIN, *hostile.LITERALS]:
        assert squash(literal) in text, literal
    assert page.injected() == []
    assert page.dialogs == []
    assert page.page.title().startswith(hostile.TITLE)
    # Structure unchanged: one heading of the plan, one table row per indicator, one list item per section.
    assert page.page.locator("article h1").count() == 1
    indicator_table = page.page.locator("article table").nth(1)
    assert indicator_table.locator("tbody tr").count() == len(hostile.INDICATORS)
    assert indicator_table.locator("tbody tr").first.locator("td").count() == 8
    assert page.page.locator("article ul > li").count() >= len(hostile.SECTIONS)


@pytest.mark.parametrize("path", LISTING_PAGES)
def test_pages_listing_the_hostile_plan_show_its_title_literally_and_run_nothing(visit, path):
    page = visit(path)
    assert squash(hostile.TITLE) in page.text()
    assert page.injected() == []
    assert page.dialogs == []


@pytest.mark.parametrize(("path", "names"), [(PLAN_PAGES[0], "indicators"), (LISTING_PAGES[0], "title")])
def test_chart_labels_and_tooltips_show_hostile_names_literally(visit, path, names):
    page = visit(path)
    expected = [hostile.TITLE] if names == "title" else [n.rsplit("（", 1)[0] for n, _, b in hostile.INDICATORS[:4]]
    chart = page.page.locator(".vega-target svg").first
    labels = squash(" ".join(chart.locator("text").all_text_contents()))
    tooltips = []
    marks = chart.locator(".role-mark.mark-symbol path, .role-mark.mark-rect path")
    tip = page.page.locator("#vg-tooltip-element")
    for i in range(marks.count()):
        tooltips.append(page.tooltip(marks.nth(i)))
        assert tip.locator("script, img, iframe, a").count() == 0
    for literal in expected:
        assert squash(literal) in labels, literal
        assert any(squash(literal) in t for t in tooltips), literal
    assert page.injected() == []
    assert page.dialogs == []


def test_static_svg_charts_show_hostile_names_as_text_and_run_nothing(visit, hostile_site):
    svgs = sorted((hostile_site.site / "assets" / "charts").glob(f"{hostile.PLAN_ID}-*.svg"))
    assert len(svgs) == 2
    for svg in [*svgs, hostile_site.site / "assets/charts/counts-by-plan-zh.svg"]:
        page = visit(str(svg.relative_to(hostile_site.site)))
        text = squash(" ".join(page.page.locator("text").all_text_contents()))
        assert page.injected() == []
        assert page.dialogs == []
        assert page.page.locator("script, foreignObject, iframe").count() == 0
        if svg.name.startswith(hostile.PLAN_ID):
            assert squash(hostile.INDICATORS[0][0].rsplit("（", 1)[0]) in text
        else:
            assert squash(hostile.TITLE) in text


@pytest.mark.parametrize("path", ["index.html", "en/index.html"])
def test_search_results_show_hostile_text_literally_and_run_nothing(visit, path):
    page = visit(path)
    page.page.keyboard.press("s")  # Material's shortcut to the search box
    page.page.locator(".md-search__input").press_sequentially("onerror", delay=20)
    results = page.page.locator(".md-search-result__item")
    results.first.wait_for()
    text = squash(" ".join(results.all_inner_texts()))
    assert hostile.REGION in text
    assert page.injected() == []
    assert page.dialogs == []
