"""Stage 7, chart: the charts declared in `charts/` → Altair charts, as a Vega-Lite spec for the page and a static
SVG (vl-convert).

This module is the engine and knows no chart: each file of `charts/` (`planpub.chartfile` loads and checks
them) gives a query, the fields drawn from its rows, and an encoding; `draw` runs the query with the page's
parameters and builds the chart from the declaration, in the page's language. Altair is imported by the
builders themselves: it takes ~0.15 s, and a rebuild finds most charts in .cache/.
Every chart carries the rows it draws as a table, shown beside it on the page. Text is set in the site's
CJK font (`planpub.font`), so the SVG and the page render Chinese with the same glyphs.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import vl_convert as vlc

from . import cache, font
from .chartfile import COLUMN, PLACEHOLDER, Declaration, sql_error
from .font import FAMILY
from .jobs import Job, Submit, last_first

if TYPE_CHECKING:
    import altair as alt

# d3-format locales: numbers in the charts are formatted the way each language's readers expect.
NUMBER_LOCALE = {"zh": "zh-CN", "en": "en-US"}
# Every text of a chart is at least 12 px: charts are redrawn at the width of their column (charts.js), never scaled.
TEXT_PX = 12
_CONFIG = {
    "font": FAMILY,
    "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": TEXT_PX},
    "view": {"stroke": None},
    "axis": {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX},
    "legend": {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX, "orient": "top", "direction": "horizontal"},
    "header": {"labelFontSize": 13, "titleFontSize": 13},
    "text": {"fontSize": TEXT_PX},
}
# Okabe–Ito colours (safe for the common colour-vision deficiencies), each at least 3:1 against the white page
# (tests/test_chart_palette.py). A category keeps its colour in both languages: colours go by the category's
# position in a fixed list, never by its translated name.
GREY, BLUE, VERMILLION, GREEN = "#6b6b6b", "#0072b2", "#c45100", "#00795a"
PALETTE = (BLUE, VERMILLION, GREEN, GREY)
# The palette by name, as chart files name its colours (`categories`, a mark's `color`).
COLOURS = {"blue": BLUE, "vermillion": VERMILLION, "green": GREEN, "grey": GREY}
# Signs of the comparators for labels; the words are the UI strings cmp_<comparator>.
SIGNS = {"=": "", ">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈"}
# Width (px) of the static SVG; on the page the chart is redrawn at the width of its column.
STATIC_WIDTH = 640
# A chart of this many rows or more is drawn by a worker of its own (`draw_svgs`): vl-convert keeps its memory.
LARGE_CHART_ROWS = 200


def signed(comparator: str | None, value: float | int | None) -> str:
    """A value with its comparator's sign, as a label shows it: `≥50`, `≤12.5`, `78`."""
    if value is None:
        return ""
    return f"{SIGNS.get(comparator or '=', '')}{_plain(value)}"


def _plain(value: float | int) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


@dataclass
class Chart:
    """A chart ready for a page: its name, Vega-Lite spec and the table of what it draws (the SVG comes later),
    with the query that selected its rows, the parameters it ran with and the datasets it reads."""

    name: str
    title: str
    spec: dict
    data: list[dict]  # the rows drawn
    table: dict  # {"columns": [header, ...], "rows": [[cell, ...], ...]}
    lang: str
    intro: str = ""
    sql: str = ""
    params: dict = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)  # tables of the catalog (and the registry) the query reads

    @cached_property
    def svg_key(self) -> str:
        """Its static SVG's key in .cache/: the spec, the language and what draws it."""
        return cache.SVG.key(self.spec, self.lang, [vlc.__version__, FAMILY, font.FONTTOOLS_VERSION])


def undrawn(charts: dict[str, Chart]) -> bool:
    """Whether a chart's SVG is still to be drawn (not in .cache/): only then is vl-convert worth starting."""
    return any(not cache.SVG.kept(chart.svg_key, ".svg") for chart in charts.values())


def draw_svgs(
    charts: dict[str, Chart], web_font: bytes, submit: Submit, fresh_worker: Callable[[], None] = lambda: None
) -> Callable[[Path], None]:
    """Start drawing each chart's static SVG (for readers without scripts, and to download) with `submit`.

    Returns a function that writes them, each at its path relative to the site folder it is given, once drawn.
    Vega measures text with the font it is given, and vl-convert maps the font file again for every text it
    measures: with the whole Noto CJK collection that is ~5× slower than with a subset, so the charts are drawn
    with the site's web font cut down to the characters of the charts drawn in this build (`font.chart_font`,
    ~16 % faster than the whole web font at 50 plans) under a private family name. An SVG is cached by its
    spec: cached and fresh SVGs are byte-identical, because a subset keeps each glyph's metrics and outline,
    and subsetting it to a chart's characters gives the same bytes as subsetting the full font would.
    vl-convert's engine keeps the memory a chart of many rows took (measured: 42 charts of 200–1,100 rows
    left a worker at 426 MB, 404 smaller ones at 220 MB): those charts go first, then `fresh_worker` gives
    the rest a new worker, and the one that drew them exits once they are drawn.
    """
    keys = {path: chart.svg_key for path, chart in charts.items()}
    todo = {keys[path]: chart for path, chart in charts.items() if not cache.SVG.kept(keys[path], ".svg")}  # a spec once
    # The spec as text (as the page holds it): until drawn, a job holds this, not the chart's rows and spec as
    # objects (~170 MB at 500 plans, while MkDocs runs). Every character a chart shows is in its spec.
    specs = {key: spec_json(chart) for key, chart in todo.items()}
    chars = "".join(sorted(set().union(*specs.values())))

    def draw(key: str) -> Job:
        return submit(_draw_svg, specs[key], todo[key].lang, web_font, chars)

    drawing = {key: draw(key) for key, chart in todo.items() if len(chart.data) >= LARGE_CHART_ROWS}
    if drawing:
        fresh_worker()
    drawing |= {key: draw(key) for key in todo if key not in drawing}

    def write(site: Path) -> None:
        def written(path: str) -> None:
            """The SVG into the site: a hard link to the file kept in .cache/ beside its entry, once drawn."""
            key = keys[path]
            if kept := cache.SVG.kept(key, ".svg"):
                cache.SVG.memo(key, dict)  # reused (and kept from pruning)
                cache.link_file(kept, site / path)
                return
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_text(drawing[key].result(), encoding="utf-8")
            if beside := cache.SVG.beside(key, ".svg"):
                cache.link_file(site / path, beside)
            cache.SVG.memo(key, dict)

        last_first(list(keys), written)

    return write


def warm_up() -> None:
    """Start vl-convert's JavaScript engine in a fresh worker (~0.5 s), before its first SVG is asked for."""
    vlc.vegalite_to_svg({"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}})


def _draw_svg(spec_json: str, lang: str, web_font: bytes, chars: str) -> str:
    """One chart's SVG, drawn with the web font cut down to `chars` (those of every chart drawn in this build)."""
    chart_font = font.chart_font(web_font, chars)
    family = font.register_chart_font(chart_font)
    spec = json.loads(spec_json)
    spec["config"] = {**spec["config"], "font": family}
    svg = vlc.vegalite_to_svg(spec, format_locale=NUMBER_LOCALE[lang]).replace(family, FAMILY)
    return font.embed_in_svg(svg, chart_font)


def _spec(chart: alt.TopLevelMixin, description: str) -> dict:
    """A chart as the Vega-Lite spec of a page: the site's font and text sizes, and a text alternative."""
    spec = chart.configure(**_CONFIG).to_dict(validate=False)
    spec["description"] = description
    return spec


def _row_header() -> alt.Header:
    """A facet row's label above its row, as wide as the chart (charts.js narrows it with the chart)."""
    import altair as alt

    return alt.Header(
        labelAngle=0,
        labelAlign="left",
        labelAnchor="start",
        labelOrient="top",
        labelLimit=STATIC_WIDTH,
        labelPadding=4,
        title=None,
    )


def _rows_by(field: str) -> alt.Row:
    """One facet row per value of `field`, in the order of the data (its `order`), never sorted by the label:
    the table order of the plan, the same in both languages."""
    import altair as alt

    return alt.Row(f"{field}:N", header=_row_header(), sort=alt.EncodingSortField(field="order", op="min"))


def _numbered(data: list[dict], field: str) -> list[dict]:
    """The rows with `order`: the position of their `field` value's first row."""
    first = {value: n for n, value in reversed(list(enumerate(d[field] for d in data)))}
    return [{**d, "order": first[d[field]]} for d in data]


def spec_json(chart: Chart) -> str:
    """The spec as JSON safe to place inside a <script> element."""
    text = json.dumps(chart.spec, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- the engine: a declaration, the page's parameters and language → a Chart -----------------------------------


def run(declaration: Declaration, db, params: dict) -> list[dict]:
    """The rows of a chart's query for one page (parameters by name: plan_id, concept_id)."""
    import duckdb

    used = {name: params[name] for name in declaration.params}
    try:
        cursor = db.execute(declaration.sql, used)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    except duckdb.Error as exc:  # one message naming the query's line (chartfile.check ran it with NULLs only)
        raise sql_error(declaration, exc) from None


def chart_name(declaration: Declaration, params: dict) -> str:
    """The chart's name on one page (its anchor and the name of its SVG and CSV files), without the language."""
    pattern = declaration.data.get("name") or "-".join([*(f"{{{p}}}" for p in params), "{id}"])
    return pattern.format(**params, id=declaration.id)


def draw(
    declaration: Declaration, rows: list[dict], params: dict, subject: dict, t: dict[str, str], lang: str, reads: list[str]
) -> Chart | None:
    """The chart of `rows` (the query's, for this page) in language `lang`; None when the query found nothing.

    `subject` is what the page is about (a plan's or a concept's row): the declaration's own texts may name its
    fields ({name}, {unit}) beside the UI words ({t.count}).
    """
    if not rows:
        return None
    d = declaration.data
    context = {**subject, **params}
    title = fill(d["title"][lang], context, t, lang)
    fields = d["fields"]
    data = [{name: field_value(spec, row, t, lang) for name, spec in fields.items()} for row in rows]
    headers = [fill(column["header"], context, t, lang) for column in d["table"]]
    table = {"columns": headers, "rows": [[item[column["field"]] for column in d["table"]] for item in data]}
    layout = filled(d["chart"], context, t, lang)
    name = chart_name(declaration, params)

    def build() -> dict:
        spec = _spec_with_rows(json.loads(_frame(json.dumps(layout, sort_keys=True), title)), layout, data)
        spec["usermeta"] = {"formatLocale": vlc.get_format_locale(NUMBER_LOCALE[lang])}
        return spec

    spec = cache.CHART_SPEC.memo(cache.CHART_SPEC.key(name, d, layout, title, data, lang), build)
    intro = fill(d["intro"][lang], context, t, lang) if "intro" in d else ""
    return Chart(f"{name}-{lang}", title, spec, data, table, lang, intro, declaration.sql, dict(params), reads)


# Relations a query may read: the catalog's tables (the resources of the packages), the indicator registry, and
# views over them (planpub.query) with the tables they read.
def reads(sql: str, tables: set[str], views: dict[str, tuple[str, ...]]) -> list[str]:
    """The tables and views of the catalog a query names after FROM or JOIN, a view replaced by what it reads."""
    named = dict.fromkeys(m.lower() for m in re.findall(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)", sql, re.I))
    found: dict[str, None] = {}
    for name in named:
        for table in views.get(name, (name,)):
            if table in tables:
                found[table] = None
    return list(found)


def _value(row: dict, name: str, lang: str):
    """A column's value; a column named in two languages (`title_zh`, `title_en`) in the page's language, else Chinese."""
    if name in row:
        return row[name]
    if lang == "en" and row.get(f"{name}_en"):
        return row[f"{name}_en"]
    return row.get(f"{name}_zh")


def _text(value) -> str:
    if value is None:
        return ""
    return _plain(value) if isinstance(value, float | int) and not isinstance(value, bool) else str(value)


def fill(template: str, row: dict, t: dict[str, str], lang: str) -> str:
    """A text with its placeholders filled: {t.key} a UI word; {column} a value; {column|word[:prefix]} the UI word
    named by the value (the value itself when there is none); {column|signed:comparator} the value with its sign."""
    return _fill(template, row, t, lang)[0]


def _fill(template: str, row: dict, t: dict[str, str], lang: str) -> tuple[str, bool]:
    """The filled text, and whether any column it names has a value (a part whose columns are all empty is left out)."""
    found = False

    def one(m: re.Match) -> str:
        nonlocal found
        name, how, arg = m["name"], m["filter"], m["arg"] or ""
        if name.startswith("t."):
            return t[name[2:]]
        value = _value(row, name, lang)
        if value is None or value == "":
            return ""
        found = True
        if how == "word":
            return t.get(f"{arg}{value}", str(value))
        if how == "signed":
            return signed(row.get(arg), value)
        return _text(value)

    text = PLACEHOLDER.sub(one, template)
    has_columns = any(not m["name"].startswith("t.") for m in PLACEHOLDER.finditer(template))
    return text, found or not has_columns


def field_value(spec, row: dict, t: dict[str, str], lang: str):
    """One drawn field of one row: a column's value as is, or a text (its parts whose columns are empty left out)."""
    if isinstance(spec, str) and COLUMN.fullmatch(spec):
        return row.get(spec)
    if isinstance(spec, dict):
        return field_value(spec["text"], row, t, lang) or t[spec["otherwise"]]
    parts = [spec] if isinstance(spec, str) else spec
    return "".join(text for text, kept in (_fill(part, row, t, lang) for part in parts) if kept)


def filled(node, context: dict, t: dict[str, str], lang: str):
    """The chart block of a declaration with every text filled and every category given its colour or shape."""
    if isinstance(node, dict):
        out = {key: filled(value, context, t, lang) for key, value in node.items() if key != "categories"}
        if "categories" in node:
            out["scale"] = {**out.get("scale", {}), **_categories(node["categories"], t)}
        return out
    if isinstance(node, list):
        return [filled(item, context, t, lang) for item in node]
    return fill(node, context, t, lang) if isinstance(node, str) else node


def _categories(categories: list | dict, t: dict[str, str]) -> dict:
    """A scale from categories named by UI words: domain in the declared order, each with its colour or shape
    (palette colours by name; a plain list takes the palette in order). Colours never depend on the language."""
    if isinstance(categories, list):
        return {"domain": [t[k] for k in categories], "range": list(PALETTE[: len(categories)])}
    return {"domain": [t[k] for k in categories], "range": [COLOURS.get(v, v) for v in categories.values()]}


@lru_cache(maxsize=64)
def _frame(layout_json: str, title: str) -> str:
    """The chart built with Altair without its rows, as JSON (rows are put in by `_spec_with_rows`).

    Altair deep-copies a chart at every chained call, which made building specs as slow as drawing them
    (~0.2 s a chart); a chart differs from its empty frame only by its rows (and, in panels, their titles).
    """
    import altair as alt

    layout = json.loads(layout_json)
    layers = [_layer(layer, layout.get("encoding", {})) for layer in layout["layers"]]
    sized = {"width": STATIC_WIDTH, **({"height": layout["height"]} if "height" in layout else {})}
    chart = alt.layer(*layers, data=alt.Data(values=[])).properties(**sized)
    inner_title = "" if "panels" in layout else title
    if "rows" in layout:
        chart = chart.facet(row=_rows_by(layout["rows"]["field"]), title=inner_title)
        if layout["rows"].get("resolve"):
            chart = chart.resolve_scale(**layout["rows"]["resolve"])
    else:
        chart = chart.properties(title=inner_title)
    if "panels" in layout:
        chart = alt.vconcat(chart, title=title)
        if layout["panels"].get("resolve"):
            chart = chart.resolve_scale(**layout["panels"]["resolve"])
    spec = _spec(chart, title)
    for key in ("data", "datasets"):  # Altair lifts the empty rows to the top
        spec.pop(key, None)
    return json.dumps(spec)


def _spec_with_rows(spec: dict, layout: dict, data: list[dict]) -> dict:
    """The frame given its rows: numbered for the facet's order; in panels, one copy of the panel per value."""
    rows_field = layout.get("rows", {}).get("field")

    def values(items: list[dict]) -> dict:
        return {"values": _numbered(items, rows_field) if rows_field else items}

    if "panels" not in layout:
        return {**spec, "data": values(data)}
    (empty,) = spec.pop("vconcat")
    by = layout["panels"]["field"]
    panels = list(dict.fromkeys(d[by] for d in data))
    spec["vconcat"] = [
        {**copy.deepcopy(empty), "data": values([d for d in data if d[by] == panel]), "title": panel} for panel in panels
    ]
    return spec


def _layer(layer: dict, shared: dict) -> alt.Chart:
    """One layer of marks: its mark (palette colours by name), the shared channels and its own, fixed fields."""
    import altair as alt

    mark = {key: COLOURS.get(value, value) if key == "color" else value for key, value in layer["mark"].items()}
    encoding = {name: _channel(name, spec) for name, spec in {**shared, **layer.get("encoding", {})}.items()}
    chart = alt.Chart(mark=alt.MarkDef(**mark)).encode(**encoding)
    if layer.get("calculate"):
        chart = chart.transform_calculate(**{name: json.dumps(text) for name, text in layer["calculate"].items()})
    return chart


def _channel(name: str, spec: dict | list):
    """A channel as its Altair class (`x` → alt.X, `{value: …}` → alt.XValue; a list, one per item).

    Given a dict, Altair finds the class by indexing every schema class anew (~8 ms a channel, most of a
    chart's build time); the class named directly gives the same spec.
    """
    import altair as alt

    if isinstance(spec, list):
        return [_channel(name, item) for item in spec]
    return getattr(alt, name[0].upper() + name[1:] + ("Value" if "value" in spec else ""))(**spec)
