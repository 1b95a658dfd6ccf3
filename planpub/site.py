"""Stage 9, site: generated pages + mkdocs.yml → site/, built in a temporary folder and swapped in only on success."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import vl_convert as vlc

from . import cache
from .errors import PlanError

ASSETS = Path(__file__).parent / "assets"
# Template overrides of the theme (see theme/main.html: page titles stay escaped).
THEME = Path(__file__).parent / "theme"


def write_assets(docs: Path) -> None:
    """The site's own JavaScript (vega, vega-lite, vega-embed: no CDN) and styles."""
    (docs / "assets/js").mkdir(parents=True, exist_ok=True)
    (docs / "assets/css").mkdir(parents=True, exist_ok=True)
    bundle = cache.memo("js", cache.digest(vlc.__version__), vlc.javascript_bundle)  # slow to make, same per version
    (docs / "assets/js/vega-bundle.js").write_text(bundle, encoding="utf-8")
    shutil.copy(ASSETS / "charts.js", docs / "assets/js/charts.js")
    shutil.copy(ASSETS / "site.css", docs / "assets/css/site.css")


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings so that a failed build can say what they were."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def mkdocs_build(config_file: Path, docs: Path, out: Path) -> None:
    """Run a real `mkdocs build` of `docs` into `out`; warnings fail it (strict) and are reported."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        config = load_config(str(config_file), docs_dir=str(docs), site_dir=str(out))
        config.theme.dirs.insert(0, str(THEME))
        build(config)
    except MkDocsException as exc:
        detail = "\n    ".join(collect.messages[:20])
        raise PlanError(
            f"mkdocs build failed: {exc}\n    {detail}", config_file, hint="a generated page or mkdocs.yml is wrong"
        ) from None
    finally:
        logger.removeHandler(collect)


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` with `new` in two renames; the old site survives until the new one is complete."""
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
