"""The site's MkDocs customisation, as a hooks file (`hooks:` in mkdocs.yml), through public MkDocs events.

- on_env: the compiled theme templates are kept in .cache/ (Jinja's own bytecode cache) while the build
  caches (planpub.sitecache.cached_mkdocs); a plain build compiles them as MkDocs does.
- on_post_page: a page's HTML is let go once the theme has used it, while the build caches
  (planpub.sitecache.release_html).
- on_files: folders the build has ready for the site (the downloads) are moved into it and listed, not copied
  (planpub.site.place_files).
- on_post_build, before the search plugin writes a language's index: the search entries of the changed pages, made
  by the build's worker while MkDocs went on, are put in their pages' places (planpub.sitecache.made_entries).
- on_post_build, once the outermost build is done (mkdocs-static-i18n builds the English pages inside
  the Chinese build's on_post_build, so this runs after it): one search index per language and an empty
  sitemap beside every page (planpub.site.split_search_index, write_sitemaps).
The theme overrides are a theme `custom_dir` (planpub/theme) in mkdocs.yml. What has no public event
(reusing a page's HTML, its search entries, its output file, Chinese segmentation; the i18n plugin's search
de-duplication in linear time) is patched in planpub.sitecache, only while the build caches and only on the MkDocs, Material and
mkdocs-static-i18n versions it was written for.

MkDocs loads this file by path: planpub must be importable (it is when `python build.py` runs MkDocs).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import CombinedEvent, event_priority

from planpub import site, sitecache

_depth = [0]  # builds in progress: the i18n plugin nests one per extra language


def on_env(env, config, files):
    sitecache.cache_templates(env)
    return env


@event_priority(-200)  # after mkdocs-static-i18n's (-100): the plugin never handles the placed files
def on_files(files, config):
    return site.place_files(files, config)


@event_priority(-1000)  # after every other plugin's
def on_post_page(output, page, config):
    sitecache.release_html(page)
    return output


def on_pre_build(config) -> None:
    _depth[0] += 1


@event_priority(100)  # before the search plugin's (0), which writes the index
def _search_entries_in(config) -> None:
    sitecache.made_entries()


@event_priority(-1000)  # after mkdocs-static-i18n's (-100), which builds the other languages and their search
def _after_every_language(config) -> None:
    _depth[0] -= 1
    if _depth[0] == 0:
        site.split_search_index(Path(config.site_dir))
        site.write_sitemaps(Path(config.site_dir))


on_post_build = CombinedEvent(_search_entries_in, _after_every_language)


def on_build_error(error) -> None:
    _depth[0] = 0
