"""The site's MkDocs customisation is a hooks file using public events; the cache's remaining patches of MkDocs
and Material internals change nothing MkDocs writes, and are skipped on versions they were not written for."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure.pages import Page

from planpub import cache, changelog, pipeline, site, sitecache
from planpub.config import load_yaml
from planpub.jobs import now

from .conftest import built_copy


@pytest.fixture(scope="module")
def docs(built, tmp_path_factory) -> tuple[Path, pipeline.Staged, str]:
    """The real pipeline's pages of the five plans (the Markdown MkDocs builds) and downloads: mkdocs.yml, the
    staging folders, release date.

    Written by the pipeline in a copy of the session build, whose cache holds the extractions and charts."""
    root = tmp_path_factory.mktemp("hooks")
    paths = built_copy(built, root)
    cache.use(cache.Cache(paths.cache))
    try:
        per_plan, coverage, concepts, _ = pipeline.curated_records(paths, False, {}, lambda _: None)
        catalog = load_yaml(paths.datasets / "catalog.yaml")
        released = changelog.release_date(catalog, None, paths.datasets / "catalog.yaml")
        staged = pipeline.Staged(packages=root / "packages", docs=root / "docs", downloads=root / "downloads", site=None)
        curated = (per_plan, coverage, concepts)
        pipeline.write_packages_and_pages(paths, staged, curated, catalog, released, site.chart_library(now), now, lambda _: None)
    finally:
        cache.use(cache.Cache(None))
    return paths.root / "mkdocs.yml", staged, released


def mkdocs(docs: tuple[Path, pipeline.Staged, str], out: Path, cache_folder: Path | None) -> cache.Cache:
    """MkDocs into `out`: plain, on a docs folder that holds the downloads too, or as the build runs it, through the
    build's cache in `cache_folder` and with the downloads placed in the site (a copy: placing moves them, so the
    site's download files are the very files placed, same inodes, not copies)."""
    config, staged, released = docs
    store = cache.Cache(cache_folder)
    cache.use(store)
    folder, downloads = out.with_name(out.name + "-docs"), out.with_name(out.name + "-downloads")
    if cache_folder:
        shutil.copytree(staged.downloads, downloads)
        folder, placed = staged.docs, {"downloads": downloads}
        inodes = _inodes(downloads)
    else:
        shutil.copytree(staged.docs, folder)
        shutil.copytree(staged.downloads, folder / "downloads")
        placed = {}
    try:
        with pipeline.build_date(released), sitecache.cached_mkdocs(cache_folder and cache_folder / "mkdocs"):
            site.mkdocs_build(config, folder, out, placed)
    finally:
        cache.use(cache.Cache(None))
    assert not downloads.exists()
    if placed:
        assert len(inodes) > 100 and _inodes(out / "downloads") == inodes
    return store


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def plain(docs, tmp_path_factory) -> Path:
    """The pages built by plain MkDocs from one docs folder (the hooks file runs, nothing is cached, patched or placed)."""
    out = tmp_path_factory.mktemp("plain") / "site"
    mkdocs(docs, out, None)
    return out


@pytest.fixture(scope="module")
def cold(docs, tmp_path_factory) -> tuple[Path, Path]:
    """The pages built as the build runs MkDocs, with an empty cache: the site and the cache it filled."""
    folder = tmp_path_factory.mktemp("cold")
    mkdocs(docs, folder / "site", folder / "cache")
    return folder / "site", folder / "cache"


def warm_cache(cold: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the cache the cold build filled, for one test's warm build."""
    shutil.copytree(cold[1], tmp_path / "cache")
    return tmp_path / "cache"


@pytest.mark.slow
def test_the_cached_build_with_placed_downloads_writes_byte_identical_files_to_plain_mkdocs_cold_and_warm(
    docs, plain, cold, tmp_path
):
    warm = mkdocs(docs, tmp_path / "warm", warm_cache(cold, tmp_path))
    assert warm.counts["mkdocs-page"][1] == 0 and warm.counts["mkdocs-page"][0] > 70  # every page's HTML reused
    assert warm.counts["mkdocs-search"][1] == 0
    assert warm.counts["mkdocs-output"] == [warm.counts["mkdocs-page"][0], 0]  # no page rendered by the theme again
    assert any((cold[1] / "mkdocs" / "jinja").iterdir())  # compiled templates kept, through on_env
    expected = cache.tree_digests(plain)
    assert len(expected) > 100 and "downloads/all/all.xlsx" in expected
    assert cache.tree_digests(cold[0]) == expected
    assert cache.tree_digests(tmp_path / "warm") == expected


@pytest.mark.slow
def test_a_pages_search_entries_are_taken_anew_when_a_plugin_changed_its_html_after_the_cache_gave_it(
    docs, cold, tmp_path, monkeypatch
):
    """Search entries are kept by the key a page's HTML was rendered from while the page holds that very string;
    HTML that a plugin (here one running before search) changed is indexed as it is."""
    from material.plugins.search.plugin import SearchPlugin

    index = SearchPlugin.on_page_context

    def changed_first(self, context, *, page, config, nav):
        page.content = page.content.replace("</h1>", "</h1><p>planpubchanged</p>", 1)
        return index(self, context, page=page, config=config, nav=nav)

    monkeypatch.setattr(SearchPlugin, "on_page_context", changed_first)
    warm = mkdocs(docs, tmp_path / "warm", warm_cache(cold, tmp_path))
    assert warm.counts["mkdocs-page"][1] == 0 and warm.counts["mkdocs-search"][1] > 70
    assert "planpubchanged" in (tmp_path / "warm" / "search" / "search_index.json").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_setting_every_page_shows_renders_every_page_again_with_it(docs, cold, tmp_path):
    """A page's output is kept by its HTML and by what the theme shows around it: the navigation, the settings and the
    build date. A changed site description (in every page's <meta>) has every page rendered again."""
    config, staged, released = docs
    other = config.with_name("mkdocs-described.yml")
    other.write_text(config.read_text(encoding="utf-8").replace("site_description: ", "site_description: 新说明 "), "utf-8")
    warm = mkdocs((other, staged, released), tmp_path / "warm", warm_cache(cold, tmp_path))
    assert warm.counts["mkdocs-page"][1] == 0 and warm.counts["mkdocs-output"] == [0, warm.counts["mkdocs-page"][0]]
    assert 'content="新说明 ' in (tmp_path / "warm" / "about.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_long_tables_converted_apart_give_plain_mkdocs_pages_also_when_the_rest_of_their_page_changed(
    docs, plain, tmp_path, monkeypatch
):
    """A page's long tables are converted and kept apart from it in groups of rows (here every table of 10 lines or
    more, 74 in the five plans' pages, some inside raw HTML, in groups of 4 rows). A cold build writes plain MkDocs'
    bytes, and so does a build after the words around the About page's tables changed, which converts only the rest
    of that page."""
    monkeypatch.setattr(sitecache, "TABLE_APART_LINES", 10)
    monkeypatch.setattr(sitecache, "TABLE_GROUP_ROWS", 4)
    config, staged, released = docs
    pages = len(list(staged.docs.rglob("*.md")))
    render, converted = Page.render, []

    def converting(page, config, files):
        converted.append(page.markdown)
        render(page, config, files)

    monkeypatch.setattr(Page, "render", converting)
    cold = mkdocs(docs, tmp_path / "cold", tmp_path / "cache")
    assert cold.counts["mkdocs-page"][1] > pages + 200  # the pages, and the groups of their long tables
    about = [text for text in converted if text.startswith(("# 关于", "# About"))]
    assert len(about) == 2 and not any(re.search(r"(?:^\|.*\n){10}", text, re.M) for text in about)  # tables apart
    assert all(text.count("\n") <= 5 for text in converted if text.startswith("|"))  # header, alignment, 4 rows
    assert cache.tree_digests(tmp_path / "cold") == cache.tree_digests(plain)
    edited = pipeline.Staged(packages=staged.packages, docs=tmp_path / "docs", downloads=staged.downloads, site=None)
    shutil.copytree(staged.docs, edited.docs)
    for about in edited.docs.glob("about.*.md"):
        lines = about.read_text(encoding="utf-8").split("\n")
        assert sum(line.startswith("|") for line in lines) > 60  # the translation coverage table, 61 lines
        lines[2] += " (edited)"
        about.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(Page, "render", render)
    mkdocs((config, edited, released), tmp_path / "plain-edited", None)
    monkeypatch.setattr(Page, "render", converting)
    converted.clear()
    warm = mkdocs((config, edited, released), tmp_path / "edited", tmp_path / "cache")
    assert warm.counts["mkdocs-page"][1] == 2  # the two About pages; their long tables came from the cache
    whole = sum(len(path.read_text(encoding="utf-8")) for path in edited.docs.glob("about.*.md"))
    assert 0 < sum(map(len, converted)) < whole / 2
    assert "(edited)" in (tmp_path / "edited" / "about.html").read_text(encoding="utf-8")
    assert cache.tree_digests(tmp_path / "edited") == cache.tree_digests(tmp_path / "plain-edited")


@pytest.mark.slow
def test_with_a_page_event_handler_it_does_not_know_the_build_renders_every_page_as_mkdocs_does(
    docs, plain, cold, tmp_path, monkeypatch
):
    """A page's output is kept only while the page events are those of the search and i18n plugins and the hooks
    file: here the i18n plugin's page context counts as unknown, and every page is rendered again."""
    known = {event: handlers - {"I18n.on_page_context"} for event, handlers in sitecache.KNOWN_PAGE_EVENTS.items()}
    monkeypatch.setattr(sitecache, "KNOWN_PAGE_EVENTS", known)
    warm = mkdocs(docs, tmp_path / "warm", warm_cache(cold, tmp_path))
    assert warm.counts["mkdocs-page"][1] == 0 and "mkdocs-output" not in warm.counts
    assert cache.tree_digests(tmp_path / "warm") == cache.tree_digests(plain)


@pytest.mark.slow
def test_plain_mkdocs_runs_the_hooks_one_search_index_per_language_and_empty_sitemaps(plain):
    chinese = (plain / "search" / "search_index.json").read_text(encoding="utf-8")
    english = (plain / "en" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"en/' not in chinese and '"lang":["en"]' in english
    assert (plain / "plans" / "sitemap.xml").read_text(encoding="utf-8") == site._EMPTY_SITEMAP
    assert "query-stemming.js" in (plain / "en" / "index.html").read_text(encoding="utf-8")  # custom_dir


def test_the_patches_apply_to_the_pinned_versions_only(monkeypatch, tmp_path):
    render = Page.render
    with sitecache.cached_mkdocs(tmp_path):
        assert Page.render is not render
    assert Page.render is render
    monkeypatch.setitem(sitecache.PATCHED_VERSIONS, "mkdocs", "2.")  # as if MkDocs were upgraded
    with sitecache.cached_mkdocs(tmp_path):
        assert Page.render is render
    assert not sitecache.patchable(Page, "no_such_method")


def test_a_pages_html_is_let_go_after_the_theme_only_while_the_build_caches(tmp_path):
    html = "<p>x</p>"
    page = SimpleNamespace(content=html, planpub_rendered=("key", html))  # as `cached_render` leaves a page
    sitecache.release_html(page)
    assert page.content == html  # plain MkDocs keeps it
    with sitecache.cached_mkdocs(tmp_path):
        sitecache.release_html(page)
    assert page.content == ""
    assert page.planpub_rendered == ("key", None), "nor is it kept beside the key it was rendered from"


class _Languages:
    build_languages = ["en"]


_entry = st.fixed_dictionaries(
    {
        "location": st.sampled_from(["", "a.html", "a.html#x", "b/a.html", "b/a.html#x"]),
        "title": st.sampled_from(["T", "U"]),
        "text": st.sampled_from(["", "t"]),
    }
)


@settings(max_examples=300)
@given(st.lists(_entry, max_size=8), st.lists(_entry, max_size=12, unique_by=lambda e: tuple(e.values())), st.booleans())
def test_search_duplicates_are_dropped_in_linear_time_exactly_as_the_i18n_plugin_drops_them(zh, en, tail):
    """Same entries left, in the same order, as mkdocs-static-i18n's own pairwise walk (with its skip after a removal)."""
    from mkdocs_static_i18n.reconfigure import ExtendedPlugin

    # `tail`: a default-language entry after the English ones, where the plugin's own walk runs instead
    entries = zh + [{**e, "location": "en/" + e["location"]} for e in en] + (zh[:1] if tail else [])
    expected = [dict(e) for e in entries]
    ExtendedPlugin.reconfigure_search_duplicates(_Languages(), expected)
    found = [dict(e) for e in entries]
    sitecache.drop_search_duplicates(_Languages(), found, ExtendedPlugin.reconfigure_search_duplicates)
    assert found == expected


def test_the_linear_search_deduplication_takes_the_plugins_place_only_while_caching(tmp_path):
    from mkdocs_static_i18n.reconfigure import ExtendedPlugin

    plain = ExtendedPlugin.reconfigure_search_duplicates
    with sitecache.cached_mkdocs(tmp_path):
        assert ExtendedPlugin.reconfigure_search_duplicates is not plain
    assert ExtendedPlugin.reconfigure_search_duplicates is plain
