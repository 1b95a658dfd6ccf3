"""Make a MkDocs build cheaper when little changed, without changing what it writes.

Measured (bench/rebuild.py): after the pages themselves, a MkDocs build of this site spends its time
compiling the theme's ~90 Jinja templates and segmenting Chinese text for the search index (jieba,
whose dictionary alone takes ~0.5 s to load). Both are pure functions of their inputs, so both are
kept in .cache/: compiled templates through Jinja's own bytecode cache, and segmented text in a table
keyed by the text (entries unused by a build are dropped). Both hook points are pinned library
versions (requirements.lock is part of the cache key); when they are missing, the build runs uncached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _segments(table_file: Path) -> Iterator[None]:
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        yield
        return
    segment = getattr(SearchIndex, "_segment_chinese", None)
    if segment is None:
        yield
        return
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
    import jinja2
    from mkdocs.theme import Theme

    get_env = Theme.get_env

    def cached_env(theme):
        env = get_env(theme)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    Theme.get_env = cached_env
    try:
        yield
    finally:
        Theme.get_env = get_env


@contextmanager
def cached_mkdocs(folder: Path | None) -> Iterator[None]:
    """Within this block, MkDocs builds reuse compiled theme templates and search segmentation from `folder`."""
    if folder is None:
        yield
        return
    (folder / "jinja").mkdir(parents=True, exist_ok=True)
    with _templates(folder / "jinja"), _segments(folder / "segments.json"):
        yield
