"""The site's CJK font: Noto Sans CJK SC (SIL OFL), subset at build time to the characters the site uses.

The source is Debian's `fonts-noto-cjk` (installed by `make site` / `make browser`). The page CSS loads the
subset with @font-face, vl-convert measures chart text with the same font, and every chart SVG embeds the
few glyphs it needs, so Chinese never falls back to another font or to boxes, in the page or in a download.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import shutil
import subprocess
import tempfile
from functools import cache, lru_cache
from pathlib import Path

import fontTools
import vl_convert as vlc
from fontTools.ttLib import TTFont

from .errors import PlanError

FAMILY = "Noto Sans CJK SC"
FONTTOOLS_VERSION = fontTools.version
SITE_FONT = "assets/fonts/noto-sans-cjk-sc-subset.woff"
_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/local/share/fonts/NotoSansCJK-Regular.ttc"),
)
_SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")
# Always in the subset: printable ASCII, the CJK punctuation the interface may show, and what Vega adds to
# chart text itself (d3-format's minus sign and micro prefix).
_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "，。、；：？！“”‘’（）《》〔〕【】—…·％−µ"


@cache
def source_font() -> Path:
    """The installed Noto Sans CJK collection, or a clear error saying how to install it."""
    for path in _CANDIDATES:
        if path.is_file():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", f"{FAMILY}:style=Regular"], capture_output=True, text=True)
        path = Path(found.stdout.strip())
        if path.suffix.lower() in (".ttc", ".otf") and "CJK" in path.name:
            return path
    raise PlanError(
        f"the CJK font {FAMILY!r} is not installed",
        _CANDIDATES[0],
        hint="install Debian's fonts-noto-cjk (`make browser`, or `apt-get install fonts-noto-cjk`)",
    )


@cache
def _chart_font_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="planpub-chart-fonts-")  # removed when the process exits


@cache
def register_chart_font(font: bytes) -> str:
    """Register a font (WOFF) with vl-convert under a private family name (one per font); returns that name.

    vl-convert keeps registered fonts for the life of the process, so each font gets its own name: a later
    build (in the same process) with other characters never draws with an older subset.
    """
    key = hashlib.sha256(font).hexdigest()[:16]
    family = f"PlanPubChart{key}"
    face = TTFont(io.BytesIO(font), recalcBBoxes=False, recalcTimestamp=False)
    for record in face["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = family
    face.flavor = None  # vl-convert reads OpenType, not WOFF
    folder = Path(_chart_font_folder().name) / key
    folder.mkdir()
    face.save(str(folder / "font.otf"))
    vlc.register_font_directory(str(folder))
    return family


def _font_number(path: Path) -> int:
    """Index of the Simplified Chinese face inside a .ttc collection (0 for a single font)."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    for number, face in enumerate(TTCollection(str(path), lazy=True).fonts):
        if face["name"].getDebugName(1) == FAMILY:
            return number
    raise PlanError(f"{path} holds no {FAMILY!r} face", path, hint="install Debian's fonts-noto-cjk")


def _subset(font: TTFont, chars: str) -> bytes:
    from fontTools import subset  # ~0.1 s to import; a rebuild rarely subsets

    options = subset.Options()
    options.layout_features = []  # CJK text needs no shaping features here; they would double the size
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def site_font(chars: set[str]) -> bytes:
    """The web font for the whole site: every character the pages use (WOFF)."""
    path = source_font()
    return _subset(
        TTFont(str(path), fontNumber=_font_number(path), recalcBBoxes=False, recalcTimestamp=False),
        "".join(sorted(chars)) + _ALWAYS,
    )


@lru_cache(maxsize=1)
def chart_font(web_font: bytes, chars: str) -> bytes:
    """The web font cut down to `chars` and `_ALWAYS` (what Vega adds itself), to draw charts with.

    vl-convert opens and maps its font file for every text it measures: the fewer glyphs, the fewer pages it maps
    (the 86 distinct charts of a 50-plan build: 20.5 → 17.2 s). Glyph metrics and outlines are those of the web
    font, so the SVGs and the glyphs they embed are byte for byte the same.
    """
    return _subset(TTFont(io.BytesIO(web_font), recalcBBoxes=False, recalcTimestamp=False), chars + _ALWAYS)


def svg_chars(svg: str) -> set[str]:
    return {c for text in _SVG_TEXT.findall(svg) for c in html.unescape(text)}


@lru_cache(maxsize=256)
def _glyphs(font: bytes, chars: str) -> str:
    """The font's subset to `chars`, as base64 (a chart's labels are often another chart's: the same subset)."""
    glyphs = _subset(TTFont(io.BytesIO(font), recalcBBoxes=False, recalcTimestamp=False), chars)
    return base64.b64encode(glyphs).decode("ascii")


def embed_in_svg(svg: str, font: bytes) -> str:
    """The SVG with an @font-face holding just the glyphs its text needs, so it renders the same anywhere."""
    data = _glyphs(font, "".join(sorted(svg_chars(svg))) + " ")
    style = (
        f'<defs><style>@font-face{{font-family:"{FAMILY}";src:url(data:font/woff;base64,{data}) format("woff")}}</style></defs>'
    )
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + style, svg, count=1)


def missing_glyphs(font: bytes, chars: set[str]) -> set[str]:
    """The characters of `chars` the font has no glyph for (whitespace and controls ignored)."""
    cmap = TTFont(io.BytesIO(font)).getBestCmap()
    return {c for c in chars if not c.isspace() and c.isprintable() and ord(c) not in cmap}
