"""What the built site holds, file by file: permissions a host can serve, the chart library only where a chart
is, the Changelog kept out of search and summarised for readers."""

from __future__ import annotations

import csv
import html
import json
import re
import stat


def test_built_files_are_world_readable(built):
    modes = {stat.S_IMODE(p.stat().st_mode) for p in built.site.rglob("*") if p.is_file()}
    folders = {stat.S_IMODE(p.stat().st_mode) for p in [built.site, *built.site.rglob("*")] if p.is_dir()}
    assert modes == {0o644} and folders == {0o755}


def test_the_chart_library_is_referenced_only_by_pages_with_a_chart(built):
    for page in built.site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert ("vega-bundle.js" in text) == ('class="vega-spec"' in text), page


def test_search_leaves_out_the_changelog_in_both_languages(built):
    for index in (built.site / "search" / "search_index.json", built.site / "en" / "search" / "search_index.json"):
        locations = [doc["location"] for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]]
        assert locations and not [loc for loc in locations if loc.startswith("changelog")]


def test_the_changelog_summarises_each_release_per_plan_in_words_with_the_diff_collapsed(built):
    for page, words in ((built.site / "changelog.html", "删除 28 行"), (built.site / "en" / "changelog.html", "28 rows removed")):
        text = page.read_text(encoding="utf-8")
        article = text[text.index("<article") : text.index("</article>")]
        releases = article.count('<h2 id="v')
        diffs = re.findall(r'<details class="changelog-diff">.*?</details>', article, re.S)
        assert releases >= 2 and len(diffs) == releases
        outside = re.sub(r'<details class="changelog-diff">.*?</details>', "", article, flags=re.S)
        assert words in re.sub(r"<[^>]+>", "", outside)
        assert "<table" not in outside and all("<table" in d for d in diffs), "field diffs only inside the collapsed details"


def test_every_row_of_a_plan_page_has_a_stable_anchor_named_by_its_id(built):
    """#i001, #p003, #t005: the ids of the packages, so a link to a row survives rebuilds; indicator pages link to them."""
    plan = "xinzhou-2021-public-services"
    for page in (built.site / "plans" / f"{plan}.html", built.site / "en" / "plans" / f"{plan}.html"):
        found = re.findall(r"<a class=\"row-anchor\" id=\"([^\"]+)\"", page.read_text(encoding="utf-8"))
        anchors = {html.unescape(a) for a in found}
        for resource, key in (("indicators", "indicator_id"), ("projects", "project_id"), ("targets", "target_id")):
            with (built.packages / plan / f"{resource}.csv").open(encoding="utf-8") as f:
                ids = {row[key] for row in csv.DictReader(f)}
            assert ids and ids <= anchors, resource
    concept = (built.site / "en" / "indicators" / "life-expectancy.html").read_text(encoding="utf-8")
    assert f'href="../plans/{plan}.html#i0' in concept and f'href="../sources/{plan}.html#L' in concept
