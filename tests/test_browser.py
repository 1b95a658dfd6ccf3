"""The built site in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), served from
127.0.0.1 under a sub-path: pages load cleanly, charts draw, the language switcher, downloads and search work,
and no request leaves localhost."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

PLAN = "xinzhou-2021-public-services"
# One of each page type, as paths below the language root.
PAGE_TYPES = [
    "index.html",
    "plans/index.html",
    f"plans/{PLAN}.html",
    f"sources/{PLAN}.html",
    "projects.html",
    "indicators/index.html",
    "downloads.html",
    "about.html",
]


def test_every_page_type_loads_in_both_languages_without_console_errors_or_outside_requests(server, visit):
    v = visit()
    for lang_root in ("", "en/"):
        for path in PAGE_TYPES:
            page = v.open(server + lang_root + path, until="networkidle")
            assert page.locator("h1").count() >= 1, path
            assert page.get_attribute("html", "lang") == ("en" if lang_root else "zh")
    assert v.errors == []
    hosts = {urlparse(url).hostname for url in v.requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}


@pytest.mark.parametrize("lang_root, word", [("", "基期值"), ("en/", "Baseline")])
def test_plan_chart_draws_marks_in_the_page_language(server, visit, lang_root, word):
    page = visit(search_index=False).open(f"{server}{lang_root}plans/{PLAN}.html")
    page.wait_for_selector("figure.chart.drawn .vega-target svg", timeout=15000)
    marks = page.locator("figure.chart.drawn .vega-target svg .mark-symbol path")
    assert marks.count() > 10
    assert word in page.locator("figure.chart.drawn .vega-target svg").first.text_content()


def test_home_chart_draws_one_bar_per_row_of_its_data_table(server, visit):
    page = visit(search_index=False).open(server)
    page.wait_for_selector("figure.chart.drawn", timeout=15000)
    rows = page.locator("figure.chart .chart-data tbody tr").count()
    assert rows >= 1
    assert page.locator("figure.chart .vega-target svg .mark-rect path").count() == rows


def test_without_scripts_the_static_svg_chart_is_shown(server, visit):
    page = visit(java_script_enabled=False).open(f"{server}en/plans/{PLAN}.html")
    img = page.locator("figure.chart .vega-target img").first
    assert img.evaluate("i => i.complete && i.naturalWidth > 100")


def test_language_switcher_lands_on_the_twin_page(server, visit):
    page = visit(search_index=False).open(f"{server}plans/{PLAN}.html")
    zh_headings = page.locator("h2").all_text_contents()
    page.locator(".md-header__option .md-select").first.hover()
    page.locator('a.md-select__link[hreflang="en"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{server}en/plans/{PLAN}.html"
    assert page.get_attribute("html", "lang") == "en"
    assert "Indicators" in page.locator("h2").all_text_contents()
    page.locator(".md-header__option .md-select").first.hover()
    page.locator('a.md-select__link[hreflang="zh"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{server}plans/{PLAN}.html"
    assert page.locator("h2").all_text_contents() == zh_headings


def test_download_and_source_links_resolve(server, visit):
    page = visit(search_index=False).open(f"{server}en/plans/{PLAN}.html")
    for selector in ('a[href$="indicators.csv"]', "a.chart-download", 'a[href$=".txt"]'):
        href = page.locator(selector).first.get_attribute("href")
        response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
        assert response.ok and len(response.body()) > 200, selector
    # A source link in the indicator table opens the raw lines of the row (#L73-L76), all of them highlighted.
    link = page.locator("table a[href*='sources/'][href*='#L']").first
    first, _, last = link.get_attribute("href").rsplit("#", 1)[1].partition("-")
    link.click()
    page.wait_for_load_state("networkidle")
    marked = page.eval_on_selector_all(".line.in-span", "lines => lines.map(l => l.id)")
    span = range(int(first[1:]), int((last or first)[1:]) + 1)
    assert marked == [f"L{n}" for n in span] and len(marked) > 1


def _search(page, term: str) -> list[str]:
    """Type a query (again, until the search worker has loaded its index) and return the result links."""
    box = page.locator("input.md-search__input")
    for _ in range(20):
        box.fill(term)
        box.press("End")  # Material searches on key events
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:  # the worker was not ready: the query is typed again
            box.fill("")
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


def test_search_in_chinese_finds_chinese_pages_only(server, visit):
    found = _search(visit().open(server), "养老机构")
    assert any(f"plans/{PLAN}.html" in url for url in found)
    assert not any("/en/" in url for url in found)


def test_search_in_english_is_stemmed_and_finds_english_pages_only(server, visit):
    found = _search(visit().open(server + "en/"), "comparing")  # the pages say "compared"
    assert any(url.startswith(server + "en/indicators/index.html") for url in found)
    assert all(url.startswith(server + "en/") for url in found)


def test_chinese_text_renders_with_the_site_font_not_a_fallback(server, visit):
    v = visit(search_index=False)
    page = v.open(f"{server}plans/{PLAN}.html")
    page.wait_for_selector("figure.chart.drawn", timeout=15000)
    cdp = v.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    for selector in ("h1", "article table td", ".vega-target svg text"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)
