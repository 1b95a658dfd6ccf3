"""Make a MkDocs build cheaper when little changed, without changing what it writes.

Measured (bench/rebuild.py): a MkDocs build of this site spends its time converting each page's Markdown to HTML,
indexing each page for search (an HTML parse, and segmenting Chinese text with jieba, whose dictionary alone takes
~0.5 s to load), compiling the theme's ~90 Jinja templates, and rendering the theme around each page. All are pure
functions of their inputs, so they are kept in .cache/: a page's HTML and table of contents keyed by its Markdown,
its place and every file's URL (the links in it depend on those), the rows of a long table in groups kept apart (a
page that lists every plan is converted again only where it changed); a page's search entries keyed by its HTML
(by the key that HTML was rendered from, while the page holds that very string; made by the build's worker while
MkDocs goes on); a page's output file (a hard link) keyed by that HTML, its title and metadata, and what the theme
shows around it: the navigation, the settings and the build date, while the page events are only those of the
search and i18n plugins and of the hooks file; segmented text keyed by the text; compiled templates through
Jinja's own bytecode cache. Entries unused by a build are dropped. A page's Markdown is let go once it is HTML,
and its HTML once written (`release_html`): plain MkDocs keeps both to the end of the build.

The templates are cached through MkDocs' public `on_env` event (planpub/mkdocs_hooks.py). The rest has
no public event: those hook points are internals of MkDocs 1.6, Material 9 and mkdocs-static-i18n 1.3
(requirements.lock is part of every cache key). One more patch is not a cache: the i18n plugin's search
de-duplication, quadratic in the number of entries, is replaced by a linear one with the same result.
Each patch is applied only on those versions and when its hook point exists; otherwise that part runs as
plain MkDocs does.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import SimpleNamespace

from . import cache
from .jobs import Submit, now

# The versions whose internals the patches below were written for (major.minor prefixes).
PATCHED_VERSIONS = {"mkdocs": "1.6.", "mkdocs-material": "9.", "mkdocs-static-i18n": "1.3."}
_templates_folder: list[Path] = []  # where on_env keeps compiled templates, while cached_mkdocs is active


def _caching() -> bool:
    """True while a build runs MkDocs through `cached_mkdocs` (the public-event hooks then cache and let go too)."""
    return bool(_templates_folder)


def patchable(owner: object, name: str) -> bool:
    """True when `owner.name` exists and MkDocs and Material are the versions the patches were written for."""
    try:
        versions = all(version(package).startswith(prefix) for package, prefix in PATCHED_VERSIONS.items())
    except PackageNotFoundError:
        return False
    return versions and callable(getattr(owner, name, None))


def cache_templates(env) -> None:
    """on_env (planpub/mkdocs_hooks.py): compiled theme templates from .cache/ while the build caches."""
    if _caching():
        import jinja2

        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_templates_folder[0]))


def release_html(page) -> None:
    """on_post_page (planpub/mkdocs_hooks.py): while the build caches, a page's HTML is let go once the theme
    has made the page of it. Nothing reads it again (the search entries are taken before), but MkDocs keeps every
    page of both languages to the end of the build: ~270 MB of HTML at 500 plans."""
    if _caching():
        _let_go(page)


def _let_go(page) -> None:
    """The page's HTML dropped, here and where `cached_render` noted it beside its key (which alone kept ~240 MB
    of HTML to the end of a 500-plan build)."""
    page.content = ""  # not None: `Page.title` would then look for a title in the Markdown
    if rendered := getattr(page, "planpub_rendered", None):
        page.planpub_rendered = (rendered[0], None)


def _search_index():
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return None
    return SearchIndex


@contextmanager
def _segments(table_file: Path) -> Iterator[None]:
    SearchIndex = _search_index()
    if not patchable(SearchIndex, "_segment_chinese"):
        yield
        return
    segment = SearchIndex._segment_chinese
    table = json.loads(table_file.read_text(encoding="utf-8")) if table_file.exists() else {}
    used: dict[str, str] = {}

    def cached(index, data: str) -> str:
        used[data] = table[data] if data in table else segment(index, data)
        return used[data]

    SearchIndex._segment_chinese = cached
    try:
        yield
    finally:
        SearchIndex._segment_chinese = segment
    table_file.write_text(json.dumps(used, ensure_ascii=False, sort_keys=True), encoding="utf-8")


@contextmanager
def _templates(folder: Path) -> Iterator[None]:
    _templates_folder.append(folder)
    try:
        yield
    finally:
        _templates_folder.clear()


# A table of this many lines or more is converted and kept apart from its page (`_tables_apart`), in groups of
# TABLE_GROUP_ROWS rows. Each group is one more Markdown conversion: only the long tables of pages that list every
# plan (About: sources, data quality and translation coverage, 500–6,100 rows at 500 plans) are worth it.
TABLE_APART_LINES = 200
TABLE_GROUP_ROWS = 100
_TABLE_HTML = re.compile(r"(<table>\n<thead>\n.*?</thead>\n<tbody>\n)(.*)(</tbody>\n</table>)", re.S)


def _tables_apart(markdown: str, token: str) -> tuple[str, list[str]]:
    """The Markdown with each table of TABLE_APART_LINES lines or more that stands between blank lines replaced by a
    paragraph `{token}{n}`, and those tables."""
    lines, kept, tables, i = markdown.split("\n"), [], [], 0
    while i < len(lines):
        end = i
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        alone = (i == 0 or not lines[i - 1].strip()) and (end == len(lines) or not lines[end].strip())
        if end - i >= TABLE_APART_LINES and alone:
            kept.append(f"{token}{len(tables)}")
            tables.append("\n".join(lines[i:end]))
        else:
            end = max(end, i + 1)
            kept += lines[i:end]
        i = end
    return "\n".join(kept), tables


def _merged(parts: list[dict]) -> dict[str, dict[str, str]]:
    """The links to anchors of a page's parts, as MkDocs notes them for the whole page: per file, the first link kept."""
    links: dict[str, dict[str, str]] = {}
    for part in parts:
        for uri, found in part["links"].items():
            for anchor, url in found.items():
                links.setdefault(uri, {}).setdefault(anchor, url)
    return links


def _toc_tokens(items) -> list[dict]:
    """A table of contents back as the tokens `mkdocs.structure.toc.get_toc` makes it from."""
    return [{"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)} for i in items]


@contextmanager
def _rendered_pages() -> Iterator[None]:
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc

    if not patchable(Page, "render"):
        yield
        return
    render = Page.render
    fingerprints: dict[int, str] = {}  # id(Files) → digest of every file's place, once per MkDocs pass

    def where(files) -> str:
        if id(files) not in fingerprints:
            fingerprints[id(files)] = cache.json_digest(sorted((f.src_uri, f.dest_uri, f.url) for f in files))
        return fingerprints[id(files)]

    def cached_render(page, config, files) -> None:
        def convert(markdown: str) -> dict:
            page.markdown = markdown
            render(page, config, files)
            links = {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()}
            anchors = sorted(page.present_anchor_ids or ())
            return {
                "html": page.content,
                "toc": _toc_tokens(page.toc),
                "title": page._title_from_render,
                "anchors": anchors,
                "links": links,
            }

        def key_of(markdown: str) -> str:
            return cache.MKDOCS_PAGE.key(page.file.src_uri, page.file.dest_uri, markdown, markdown_setup, where(files))

        def kept(markdown: str) -> dict:
            return cache.MKDOCS_PAGE.memo(key_of(markdown), lambda: convert(markdown))

        def grouped(table: str) -> dict:
            """A table's HTML, its rows converted (and kept) in groups under its header: a row's HTML is its own."""
            lines = table.split("\n")
            header, rows = lines[:2], lines[2:]  # the header row and the alignment row, then the rows
            groups = [kept("\n".join(header + rows[i : i + TABLE_GROUP_ROWS])) for i in range(0, len(rows), TABLE_GROUP_ROWS)]
            shapes = [_TABLE_HTML.fullmatch(group["html"]) for group in groups]
            if not all(shapes) or len({shape[1] for shape in shapes}) != 1:  # not one table each, under one header
                return kept(table)
            html = shapes[0][1] + "".join(shape[2] for shape in shapes) + shapes[0][3]
            return {"html": html, "anchors": [a for group in groups for a in group["anchors"]], "links": _merged(groups)}

        def apart(markdown: str, token: str) -> dict:
            """`convert`, each long table converted (and kept) apart in groups of rows: of a table of the About page's
            that lists every plan, a one-plan change converts the group that holds the plan again, not the others."""
            skeleton, tables = _tables_apart(markdown, token)
            parts = [grouped(table) for table in tables]
            done = convert(skeleton)
            html = done["html"]
            for n, part in enumerate(parts):
                placeholder = f"<p>{token}{n}</p>"
                if html.count(placeholder) != 1:  # not a paragraph of its own (inside raw HTML): the page whole
                    return convert(markdown)
                html = html.replace(placeholder, part["html"])
            anchors = sorted(set(done["anchors"]).union(*(part["anchors"] for part in parts)))
            return {**done, "html": html, "anchors": anchors, "links": _merged([done, *parts])}

        markdown_setup = [config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"]]
        key = key_of(page.markdown)
        done = cache.MKDOCS_PAGE.memo(key, lambda: apart(page.markdown, f"planpubtable{key[:24]}n"))
        page.content, page.toc, page._title_from_render = done["html"], get_toc(done["toc"]), done["title"]
        page.planpub_rendered = (key, page.content)  # the HTML and the key it was made from, for `cached_add`
        page.present_anchor_ids = set(done["anchors"])
        page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in done["links"].items()}
        # Nothing reads a page's Markdown once it is HTML (`Page.title` only asks that it is not None), but MkDocs
        # keeps every page of both languages to the end of the build: 270 MB of Markdown at 500 plans.
        page.markdown = ""

    Page.render = cached_render
    try:
        yield
    finally:
        Page.render = render


def load_search() -> None:
    """Load the search plugin and jieba's dictionary (~0.8 s), for `index_page` (as the worker beside MkDocs starts)."""
    import jieba
    from material.plugins.search.plugin import SearchIndex  # noqa: F401

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def index_page(content: str, toc: list[dict], url: str, title: str, meta: dict, config: dict) -> list[dict]:
    """Material's search entries for one page (in the build's worker, whose jieba is loaded: ~0.5 s saved here)."""
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.structure.toc import get_toc

    load_search()  # quietly, also when the build runs this itself (its worker had not started the task)
    index = SearchIndex(**config)
    add = getattr(SearchIndex.add_entry_from_context, "__wrapped__", SearchIndex.add_entry_from_context)
    add(index, SimpleNamespace(content=content, toc=get_toc(toc), url=url, title=title, meta=meta))
    return index.entries


@contextmanager
def _search_entries(submit: Submit) -> Iterator[None]:
    SearchIndex = _search_index()
    if not patchable(SearchIndex, "add_entry_from_context"):
        yield
        return
    add = SearchIndex.add_entry_from_context

    def cached_add(index, page) -> None:
        facts = [page.content, _toc_tokens(page.toc), page.url, page.title, page.meta, index.config]
        # The HTML is known by the key it was rendered from, while it is that very string (no plugin replaced it).
        key, html = getattr(page, "planpub_rendered", (None, None))
        key = cache.MKDOCS_SEARCH.key([key if html is page.content else page.content, *facts[1:]])
        page.planpub_searched = key  # for `cached_build_page`
        if cache.MKDOCS_SEARCH.has(key):
            index.entries.extend(cache.MKDOCS_SEARCH.memo(key, list))
            return
        # Made meanwhile (by the worker, while MkDocs goes on): the page's place is held until `made_entries`.
        held = _Held(index, key, submit(index_page, *facts))
        index.entries.append(held)
        _waiting.append(held)
        if len(_waiting) > _MOST_WAITING:  # each holds its page's HTML
            _waiting.pop(0).take_in()

    cached_add.__wrapped__ = add
    SearchIndex.add_entry_from_context = cached_add
    try:
        yield
    finally:
        SearchIndex.add_entry_from_context = add
        _waiting.clear()


class _Held:
    """A page's place in a search index while its entries are made (`job`); kept in .cache/ by `key`."""

    def __init__(self, index, key: str, job) -> None:
        self.index, self.key, self.job = index, key, job

    def take_in(self) -> None:
        """The entries in the place held, found from the end of the index (where the pages being made are)."""
        entries = self.index.entries
        place = next(n for n in range(len(entries) - 1, -1, -1) if entries[n] is self)
        entries[place : place + 1] = cache.MKDOCS_SEARCH.memo(self.key, self.job.result)


_waiting: list[_Held] = []  # the pages whose search entries are being made, oldest first
_MOST_WAITING = 8


def made_entries() -> None:
    """on_post_build (planpub/mkdocs_hooks.py), before the search plugin writes its index: the entries made meanwhile,
    each in its page's place."""
    while _waiting:
        _waiting.pop(0).take_in()


# The page events a page's theme rendering runs, by handler: with these alone, a page's output is a function of the
# page, the navigation and the configuration (`_built_pages`). Any other handler: the page is rendered as MkDocs does.
KNOWN_PAGE_EVENTS = {
    "page_context": {"SearchPlugin.on_page_context", "I18n.on_page_context"},
    "post_page": {"I18n.on_post_page", "on_post_page"},  # the last: planpub/mkdocs_hooks.py's
}


def _known_page_events(config) -> bool:
    events = config.plugins.events
    return all({handler.__qualname__ for handler in events[name]} <= known for name, known in KNOWN_PAGE_EVENTS.items())


# Settings no page shows: objects (plugins, hooks; the theme is taken as its settings) and where the build works.
_NOT_SHOWN = ("plugins", "hooks", "theme", "docs_dir", "site_dir", "config_file_path")


def _nav_tokens(items) -> list:
    """The navigation as every page's theme shows it: each item's kind, title, URL and children."""
    return [[type(i).__name__, i.title, getattr(i, "url", None), _nav_tokens(getattr(i, "children", None) or [])] for i in items]


@contextmanager
def _built_pages() -> Iterator[None]:
    """A page whose HTML, place, title and metadata, navigation, configuration and build date are those of a page
    built before gets that page's output file (a hard link) and search entries, without the theme rendering it."""
    from mkdocs.commands import build as commands

    if not patchable(commands, "_build_page"):
        yield
        return
    build_page = commands._build_page
    around: dict[int, str] = {}  # id(nav) → digest of what every page's theme reads beside the page, once per pass

    def everywhere(config, nav) -> str:
        if id(nav) not in around:
            settings = {k: v for k, v in config.items() if k not in _NOT_SHOWN}
            mkdocs_yml = cache.digest(Path(config.config_file_path).read_bytes())
            date = os.environ.get("SOURCE_DATE_EPOCH")
            around[id(nav)] = cache.json_digest([_nav_tokens(nav.items), settings, dict(config.theme), mkdocs_yml, date])
        return around[id(nav)]

    def cached_build_page(page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        rendered, html = getattr(page, "planpub_rendered", (None, None))
        search = config.plugins.get("material/search")
        if html is not page.content or dirty or excluded or search is None or not _known_page_events(config):
            build_page(page, config, doc_files, nav, env, dirty, excluded)
            return
        key = cache.MKDOCS_OUTPUT.key(rendered, page.url, page.title, page.meta, everywhere(config, nav))
        written = Path(page.file.abs_dest_path)
        if output := cache.MKDOCS_OUTPUT.kept(key, ".html"):
            searched = cache.MKDOCS_OUTPUT.memo(key, str)  # the key of the page's search entries
            if cache.MKDOCS_SEARCH.has(searched):
                search.search_index.entries.extend(cache.MKDOCS_SEARCH.memo(searched, list))
                cache.link_file(output, written)
                _let_go(page)  # as release_html: nothing reads it again
                return
        build_page(page, config, doc_files, nav, env, dirty, excluded)
        output = cache.MKDOCS_OUTPUT.beside(key, ".html")
        if output and (searched := getattr(page, "planpub_searched", None)) and written.exists():
            cache.link_file(written, output)
            cache.MKDOCS_OUTPUT.memo(key, lambda: searched)

    commands._build_page = cached_build_page
    try:
        yield
    finally:
        commands._build_page = build_page


def _i18n_plugin():
    try:
        from mkdocs_static_i18n.reconfigure import ExtendedPlugin
    except ImportError:
        return None
    return ExtendedPlugin


def drop_search_duplicates(plugin, entries: list[dict], plain: Callable[[object, list[dict]], None]) -> None:
    """mkdocs-static-i18n's `reconfigure_search_duplicates` in linear time, with the same result.

    The plugin drops an other-language entry (`en/…`) whose title and text equal a default-language entry's and
    whose location ends with that entry's location, comparing every pair: 100 million comparisons at 500 plans
    (~20 s, the build's only quadratic step). Here the candidates come from a table by (title, text). The plugin
    removes entries from the list it is walking, so the entry right after a removed one is never looked at; that
    is kept (`passed_over`). Where the plugin's own walk could differ otherwise (equal entries, or a default
    entry after an other-language one) `plain`, the plugin's code, runs instead.
    """
    prefixes = tuple(f"{lang}/" for lang in plugin.build_languages)
    other = [n for n, entry in enumerate(entries) if entry["location"].startswith(prefixes)]
    keys = [json.dumps(entries[n], sort_keys=True) for n in other]
    if len(set(keys)) < len(keys) or (other and other[0] + len(other) != len(entries)):
        plain(plugin, entries)
        return
    by_text: dict[tuple, list[int]] = {}
    for n in other:
        by_text.setdefault((entries[n]["title"], entries[n]["text"]), []).append(n)
    after = dict(zip(other, [*other[1:], None], strict=False))  # the list the plugin walks
    removed: set[int] = set()

    def next_kept(n: int) -> int | None:
        """The entry after `n` in the list as the plugin has it now (links past removed entries shortened)."""
        m = after[n]
        while m in removed:
            m = after[m]
        after[n] = m
        return m

    for entry in entries[: other[0] if other else len(entries)]:
        passed_over = None
        for n in by_text.get((entry["title"], entry["text"]), ()):
            if n in removed or n == passed_over or not entries[n]["location"].endswith(entry["location"]):
                continue
            removed.add(n)
            passed_over = next_kept(n)
    entries[:] = [entry for n, entry in enumerate(entries) if n not in removed]


@contextmanager
def _search_duplicates() -> Iterator[None]:
    plugin = _i18n_plugin()
    if not patchable(plugin, "reconfigure_search_duplicates"):
        yield
        return
    plain = plugin.reconfigure_search_duplicates

    def linear(self, entries: list[dict]) -> None:
        drop_search_duplicates(self, entries, plain)

    plugin.reconfigure_search_duplicates = linear
    try:
        yield
    finally:
        plugin.reconfigure_search_duplicates = plain


@contextmanager
def cached_mkdocs(folder: Path | None, submit: Submit = now) -> Iterator[None]:
    """Within this block, MkDocs builds reuse pages, search entries, templates and segmentation from .cache/."""
    if folder is None:
        yield
        return
    (folder / "jinja").mkdir(parents=True, exist_ok=True)
    with (
        _templates(folder / "jinja"),
        _segments(folder / "segments.json"),
        _rendered_pages(),
        _search_entries(submit),
        _built_pages(),
        _search_duplicates(),
    ):
        yield
