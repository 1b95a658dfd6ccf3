"""Stage 9, site: generated pages + mkdocs.yml → site/, built in a temporary folder and swapped in only on success."""

from __future__ import annotations

import base64
import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import material
import vl_convert as vlc

from . import cache, font
from .config import ROOT
from .errors import PlanError
from .jobs import Submit

ASSETS = Path(__file__).parent / "assets"
# Interface text Material itself shows on the Chinese pages (search box, buttons): the font must cover it too.
_MATERIAL_ZH = Path(material.__file__).parent / "templates/partials/languages/zh.html"


def chart_library(submit: Submit) -> Callable[[], str]:
    """vl-convert's JavaScript bundle (vega, vega-lite, vega-embed), made by `submit` unless in .cache/.

    Slow to make (~1 s) and the same for a version of vl-convert: a cold build has the worker make it while
    the packages and pages are written.
    """
    key = cache.JS.key(vlc.__version__)
    making = None if cache.JS.has(key) else submit(vlc.javascript_bundle)
    return lambda: cache.JS.memo(key, lambda: making.result())


def write_assets(docs: Path, chart_library: Callable[[], str], page_chars: set[str]) -> bytes:
    """The site's own JavaScript (the chart library: no CDN), styles and the CJK font for `page_chars`, every
    character of the pages (`PageWriter.chars`); returns the font."""
    for folder in ("js", "css", "fonts"):
        (docs / "assets" / folder).mkdir(parents=True, exist_ok=True)
    (docs / "assets/js/vega-bundle.js").write_text(chart_library(), encoding="utf-8")
    for script in ("site.js", "charts.js", "filter.js"):
        shutil.copy(ASSETS / script, docs / "assets/js" / script)
    shutil.copy(ASSETS / "site.css", docs / "assets/css/site.css")
    # Beside Material's search worker, which it wraps (see theme/main.html).
    (docs / "assets/javascripts/workers").mkdir(parents=True, exist_ok=True)
    shutil.copy(ASSETS / "query-stemming.js", docs / "assets/javascripts/workers/query-stemming.js")
    return write_font(docs, page_chars)


def write_font(docs: Path, page_chars: set[str]) -> bytes:
    """The subset web font for every character the pages, charts and Material's Chinese interface can show
    (returned, for the chart SVGs). Chart text is in the pages too: each page holds its charts' specs, and the
    font adds what Vega writes itself."""
    chars = "".join(sorted(page_chars | set(_MATERIAL_ZH.read_text(encoding="utf-8"))))
    key = cache.FONT.key(cache.digest(chars), str(font.source_font()), font.FONTTOOLS_VERSION)
    web_font = base64.b64decode(cache.FONT.memo(key, lambda: base64.b64encode(font.site_font(set(chars))).decode("ascii")))
    (docs / font.SITE_FONT).write_bytes(web_font)
    shutil.copy(ASSETS / "fonts/OFL.txt", docs / "assets/fonts/OFL.txt")
    return web_font


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings so that a failed build can say what they were."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# Folders moved into the site of the MkDocs build in progress, by their place in it (see `place_files`).
_placed: dict[str, Path] = {}


def mkdocs_build(config_file: Path, docs: Path, out: Path, placed: dict[str, Path] | None = None) -> None:
    """Run a real `mkdocs build` of `docs` into `out`; warnings fail it (strict) and are reported.

    `placed` ({"downloads": folder}) are folders of files the pages link to that MkDocs need not copy: each is
    moved into `out` at its place as the build starts (`place_files`), so it is gone from where it was.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    _placed.update(placed or {})
    try:
        build(load_config(str(config_file), docs_dir=str(docs), site_dir=str(out)))  # see planpub/mkdocs_hooks.py
    except MkDocsException as exc:
        detail = "\n    ".join(collect.messages[:20])
        raise PlanError(
            f"mkdocs build failed: {exc}\n    {detail}", config_file, hint="a generated page or mkdocs.yml is wrong"
        ) from None
    finally:
        logger.removeHandler(collect)
        _placed.clear()


def place_files(files, config):
    """on_files (planpub/mkdocs_hooks.py): the `placed` folders moved into the site, their files listed for MkDocs.

    Pages link to these files as to any other, so MkDocs must know them; but at 500 plans they are ~14,000
    download files, which MkDocs would copy once per language and mkdocs-static-i18n would handle twice each.
    A file already in the site is one MkDocs does not copy (MkDocs' own rule for files plugins write there).
    """
    from mkdocs.structure.files import File, InclusionLevel

    site = Path(config.site_dir)
    for name, folder in _placed.items():
        if folder.exists():  # the first language's pass; the others find the files in place
            _move_tree(folder, site / name)
        for path in sorted((site / name).rglob("*")):
            if path.is_file():
                uri = path.relative_to(site).as_posix()
                files.append(File(uri, str(site), str(site), config.use_directory_urls, inclusion=InclusionLevel.INCLUDED))
    return files


def _move_tree(source: Path, target: Path) -> None:
    """A rename where it can be (same filesystem), else linked or copied file by file and the source removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source.rename(target)
    except OSError:
        cache.link_tree(source, target)
        shutil.rmtree(source)


def copy_config(dest: Path) -> None:
    """mkdocs.yml and the charts (charts/) into a copy of the project at `dest`, with the planpub folder its hooks
    and theme lie in (linked)."""
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    if not (dest / "charts").exists():
        shutil.copytree(ROOT / "charts", dest / "charts")
    if not (dest / "planpub").exists():
        (dest / "planpub").symlink_to(ROOT / "planpub", target_is_directory=True)


def split_search_index(site: Path) -> None:
    """One search index per language (search/ for Chinese, en/search/ for English), so a search on one
    side finds only that side's pages. MkDocs writes a single index holding both; theme/main.html points
    the English pages at their own."""
    path = site / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    english = [doc for doc in index["docs"] if doc["location"].startswith("en/")]
    chinese = [doc for doc in index["docs"] if not doc["location"].startswith("en/")]
    for doc in english:
        doc["location"] = doc["location"].removeprefix("en/")
    _write_index(path, {**index, "docs": chinese})
    _write_index(site / "en" / "search" / "search_index.json", {"config": {**index["config"], "lang": ["en"]}, "docs": english})


_EMPTY_SITEMAP = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'


def write_sitemaps(site: Path) -> None:
    """An empty sitemap.xml in every folder that holds pages.

    The site has no fixed address (any host, any sub-path, file://), so a sitemap cannot list absolute URLs
    (MkDocs would write "None/..."). Material's language selector fetches sitemap.xml beside each hreflang
    alternate; an empty one there means no 404, and the selector then simply follows the link to the twin page.
    """
    (site / "sitemap.xml.gz").unlink(missing_ok=True)
    for folder in {page.parent for page in site.rglob("*.html")}:
        (folder / "sitemap.xml").write_text(_EMPTY_SITEMAP, encoding="utf-8")


def _write_index(path: Path, index: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def world_readable(folder: Path) -> None:
    """Folders 0755 and files 0644, whatever the umask: a host that keeps permissions must be able to serve them."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` with `new` in two renames (made world-readable first); the old site survives until
    the new one is complete."""
    world_readable(new)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)


def staging_dir(target: Path) -> Path:
    """A fresh folder beside `target` (same filesystem, so the swap is a rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
