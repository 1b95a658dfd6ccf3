"""Stage 7, chart: query results → Altair charts, as a Vega-Lite spec for the page and a static SVG (vl-convert).

Altair is imported by the builders themselves: it takes ~0.15 s, and a rebuild finds most charts in .cache/.
Every chart carries the rows it draws as a table, shown beside it on the page. Text is set in the site's
CJK font (`planpub.font`), so the SVG and the page render Chinese with the same glyphs.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

import vl_convert as vlc

from . import cache, font
from .font import FAMILY
from .jobs import Submit

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
KINDS = ("indicators", "projects", "targets")  # the counts chart's categories, in colour order
# Signs of the comparators for labels; the words are the UI strings cmp_<comparator>.
SIGNS = {"=": "", ">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈"}
# How the baseline → target chart marks a target: a floor points up the scale, a ceiling down it, an exact value
# is a diamond. A ceiling above the baseline is therefore never drawn as an arrow of growth.
TARGET_MARKS = {"floor": "triangle-right", "ceiling": "triangle-left", "exact": "diamond"}
_BOUND_KIND = {">=": "floor", ">": "floor", "<=": "ceiling", "<": "ceiling", "=": "exact", "~": "exact"}
# Width (px) of the static SVG; on the page the chart is redrawn at the width of its column.
STATIC_WIDTH = 640


def signed(comparator: str | None, value: float | int | None) -> str:
    """A value with its comparator's sign, as a label shows it: `≥50`, `≤12.5`, `78`."""
    if value is None:
        return ""
    return f"{SIGNS.get(comparator or '=', '')}{_plain(value)}"


def _plain(value: float | int) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


@dataclass
class Chart:
    """A chart ready for a page: its name, Vega-Lite spec and the table of what it draws (the SVG comes later)."""

    name: str
    title: str
    spec: dict
    data: list[dict]  # the rows drawn
    table: dict  # {"columns": [header, ...], "rows": [[cell, ...], ...]}
    lang: str


def _render(name: str, title: str, make: partial, lang: str, data: list[dict], table: dict) -> Chart:
    """The chart's spec, from the cache when `make` (a builder and all its arguments) was built before (Altair is slow)."""

    def build() -> dict:
        spec = make()
        spec["usermeta"] = {"formatLocale": vlc.get_format_locale(NUMBER_LOCALE[lang])}
        return spec

    key = cache.CHART_SPEC.key(name, make.func.__name__, make.args, make.keywords, lang)
    spec = cache.CHART_SPEC.memo(key, build)
    return Chart(name=f"{name}-{lang}", title=title, spec=spec, data=data, table=table, lang=lang)


def draw_svgs(charts: dict[str, Chart], web_font: bytes, submit: Submit) -> Callable[[Path], None]:
    """Start drawing each chart's static SVG (for readers without scripts, and to download) with `submit`.

    Returns a function that writes them, each at its path relative to the site folder it is given, once drawn.
    Vega measures text with the font it is given; with the whole Noto CJK collection that is ~5× slower than
    with a subset, so the charts are drawn with the site's subset web font under a private family name.
    An SVG is cached by its spec: cached and fresh SVGs are byte-identical, because subsetting the web font
    to a chart's characters gives the same bytes as subsetting the full font would.
    """
    versions = [vlc.__version__, FAMILY, font.FONTTOOLS_VERSION]
    keys = {path: cache.SVG.key(chart.spec, chart.lang, versions) for path, chart in charts.items()}
    drawing = {path: submit(_draw_svg, chart, web_font) for path, chart in charts.items() if not cache.SVG.has(keys[path])}

    def write(site: Path) -> None:
        for path, key in keys.items():
            svg = cache.SVG.memo(key, lambda path=path: drawing[path].result())
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_text(svg, encoding="utf-8")

    return write


def _draw_svg(chart: Chart, web_font: bytes) -> str:
    family = font.register_chart_font(web_font)
    spec = {**chart.spec, "config": {**chart.spec["config"], "font": family}}
    svg = vlc.vegalite_to_svg(spec, format_locale=NUMBER_LOCALE[chart.lang]).replace(family, FAMILY)
    return font.embed_in_svg(svg, web_font)


def _in(row: dict, field: str, lang: str) -> str:
    return (row.get(f"{field}_{lang}") or row.get(f"{field}_zh") or "") if lang == "en" else (row.get(f"{field}_zh") or "")


def counts_by_plan(rows: list[dict], t: dict[str, str], lang: str) -> Chart:
    """Bars in groups: how many indicators, projects and targets each plan has, one group per plan."""
    data = [{"plan": _in(r, "title", lang), "kind": t[r["kind"]], "count": r["n"]} for r in rows]
    table = {"columns": [t["plan"], t["kind"], t["count"]], "rows": [[d["plan"], d["kind"], d["count"]] for d in data]}
    return _render("counts-by-plan", t["chart_counts_title"], partial(_counts_chart, data, t), lang, data, table)


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


def _counts_chart(data: list[dict], t: dict[str, str]) -> dict:
    """One row per plan, its name above its bars: the plot keeps the whole width of a phone for the bars."""
    import altair as alt

    kinds = [t[k] for k in KINDS]
    base = alt.Chart().encode(
        y=alt.Y("kind:N", title=None, sort=kinds),
        x=alt.X("count:Q", title=t["count"]),
        tooltip=[
            alt.Tooltip("plan:N", title=t["plan"]),
            alt.Tooltip("kind:N", title=t["kind"]),
            alt.Tooltip("count:Q", title=t["count"], format=","),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=list(PALETTE[: len(kinds)])), legend=None)
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    layered = alt.layer(bars, labels, data=alt.Data(values=_numbered(data, "plan"))).properties(width=STATIC_WIDTH)
    chart = layered.facet(row=_rows_by("plan"), title=t["chart_counts_title"])
    return _spec(chart, t["chart_counts_title"])


def _indicator_rows(rows: list[dict], t: dict[str, str], lang: str) -> list[dict]:
    data = []
    for r in rows:
        unit = _in(r, "unit", lang)
        name = _in(r, "name", lang) + (f" ({_in(r, 'sub_item', lang)})" if r.get("sub_item_zh") else "")
        bound = r.get("bound") or r["target_comparator"] or "="
        qualifier = r.get("target_qualifier")
        words = t.get(f"qualifier_{qualifier}", qualifier) if qualifier else ""
        target = signed(bound, r["target_value"]) + (f" ({words})" if words else "")
        data.append(
            {
                "domain": _in(r, "domain", lang) or t["no_domain"],
                "indicator": f"{name} ({unit})" if unit else name,
                "baseline": r["baseline_value"],
                "target": r["target_value"],
                "baseline_label": f"{r['baseline_year'] or ''} {_plain(r['baseline_value'])}".strip(),
                "target_label": f"{r['target_year'] or ''} {target}".strip(),
                "bound": t[f"cmp_{bound}"],
                "mark": t[f"target_{_BOUND_KIND[bound]}"],
            }
        )
    return data


def _series(t: dict[str, str]) -> list[str]:
    """The legend of the baseline → target chart: the baseline, then the three kinds of target."""
    return [t["baseline"], *(t[f"target_{kind}"] for kind in TARGET_MARKS)]


def _domain_chart(rows: list[dict], domain: str, t: dict[str, str]) -> alt.FacetChart:
    """One row per indicator, each on its own scale from zero in its own unit: units never share an axis.

    Above each row its values as printed (baseline at the left edge, target with its sign at the right edge),
    so that no label runs out of a narrow chart; below them the baseline point and the target mark.
    """
    import altair as alt

    x = alt.X(
        "baseline:Q",
        axis=alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None),
        scale=alt.Scale(zero=True, nice=False, padding=10),
    )
    tooltip = [
        alt.Tooltip("indicator:N", title=t["name"]),
        alt.Tooltip("baseline_label:N", title=t["baseline"]),
        alt.Tooltip("target_label:N", title=t["target"]),
        alt.Tooltip("bound:N", title=t["comparator"]),
    ]
    series = _series(t)
    legend = alt.Legend(columns=2)  # four entries do not fit a phone's width in one line
    color = alt.Color("mark:N", scale=alt.Scale(domain=series, range=[GREY, BLUE, BLUE, BLUE]), title=None, legend=legend)
    shape = alt.Shape(
        "mark:N", scale=alt.Scale(domain=series, range=["circle", *TARGET_MARKS.values()]), title=None, legend=legend
    )
    rule = alt.Chart().mark_rule(color="#b0b0b0", strokeWidth=2, strokeDash=[4, 3]).encode(x=x, x2="target:Q", y=alt.value(30))
    point = alt.Chart().mark_point(filled=True, size=100, opacity=1)
    baseline = point.encode(x=x, y=alt.value(30), color=color, shape=shape, tooltip=tooltip)
    baseline = baseline.transform_calculate(mark=json.dumps(series[0]))
    target = point.encode(x=alt.X("target:Q"), y=alt.value(30), color=color, shape=shape, tooltip=tooltip)
    start_label = alt.Chart().mark_text(align="left", color=GREY).encode(x=alt.value(0), y=alt.value(10), text="baseline_label:N")
    end_label = (
        alt.Chart()
        .mark_text(align="right", color=BLUE, fontWeight="bold")
        .encode(x=alt.value("width"), y=alt.value(10), text="target_label:N")
    )
    layered = alt.layer(rule, baseline, target, start_label, end_label, data=alt.Data(values=rows))
    layered = layered.properties(width=STATIC_WIDTH, height=40)
    return layered.facet(row=_rows_by("indicator"), title=domain).resolve_scale(x="independent")


def baseline_to_target(plan_id: str, rows: list[dict], t: dict[str, str], lang: str) -> Chart:
    """Baseline → target of every indicator with two comparable numbers, grouped by domain, each on its own scale."""
    data = _indicator_rows(rows, t, lang)
    table = {
        "columns": [t["domain"], t["name"], t["baseline"], t["target"], t["comparator"]],
        "rows": [[d["domain"], d["indicator"], d["baseline_label"], d["target_label"], d["bound"]] for d in data],
    }
    make = partial(_indicators_chart, data, t)
    return _render(f"{plan_id}-baseline-target", t["chart_indicators_title"], make, lang, data, table)


def _indicators_chart(data: list[dict], t: dict[str, str]) -> dict:
    """One facet chart per domain, stacked; each is the frame's empty domain chart given the domain's rows and title."""
    spec = json.loads(_indicators_frame(json.dumps(t, sort_keys=True)))
    (empty,) = spec.pop("vconcat")
    for key in ("data", "datasets"):  # Altair lifts the empty rows of a lone part to the top
        spec.pop(key, None)
    domains = list(dict.fromkeys(d["domain"] for d in data))
    rows = {domain: [d for d in data if d["domain"] == domain] for domain in domains}
    spec["vconcat"] = [
        {**copy.deepcopy(empty), "data": {"values": _numbered(rows[domain], "indicator")}, "title": domain} for domain in domains
    ]
    return spec


@lru_cache(maxsize=4)
def _indicators_frame(t_json: str) -> str:
    """The baseline → target chart with one empty, untitled domain, as JSON; built once per language.

    Altair deep-copies a chart at every chained call, which made building these specs as slow as drawing
    them (~0.2 s a chart); a domain's chart differs from the empty one only by its rows and its title.
    """
    import altair as alt

    t = json.loads(t_json)
    frame = alt.vconcat(_domain_chart([], "", t), title=t["chart_indicators_title"]).resolve_scale(color="shared", shape="shared")
    return json.dumps(_spec(frame, t["chart_indicators_title"]))


def spec_json(chart: Chart) -> str:
    """The spec as JSON safe to place inside a <script> element."""
    text = json.dumps(chart.spec, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def concept_comparison(concept: dict, rows: list[dict], t: dict[str, str], lang: str) -> Chart:
    """Baseline and target of every plan that sets one concept, on one axis in the concept's unit.

    Only rows the query marked `plotted` (same unit and basis) with a number are drawn; the page lists the others.
    """
    data = []
    plotted = [r for r in rows if r["plotted"]]
    per_plan = Counter(r["plan_id"] for r in plotted)
    for r in plotted:
        who = _in(r, "title", lang) + (f" ({t['line']} {r['source_line']})" if per_plan[r["plan_id"]] > 1 else "")
        for series, year, value, comparator in (
            ("baseline", r["baseline_year"], r["baseline_value"], "="),
            ("target", r["target_year"], r["target_value"], r.get("bound") or r["comparator"]),
        ):
            if value is not None:
                data.append(
                    {
                        "plan": who,
                        "row": f"{r['plan_id']}:{r['source_line']}",
                        "series": t[series],
                        "year": str(year or ""),
                        "value": value,
                        "label": signed(comparator, value),
                        "line": r["source_line"],
                    }
                )
    unit = concept[f"unit_{lang}"]
    title = concept[f"name_{lang}"]
    table = {
        "columns": [t["plan"], t["kind"], t["year"], f"{t['value']} ({unit})", t["line"]],
        "rows": [[d["plan"], d["series"], d["year"], d["label"], d["line"]] for d in data],
    }
    make = partial(_concept_chart, data, t, title, unit)
    return _render(f"concept-{concept['concept_id']}", title, make, lang, data, table)


def _concept_chart(data: list[dict], t: dict[str, str], title: str, unit: str) -> dict:
    """One row per plan row, the plan's name above it; all rows share the concept's axis."""
    import altair as alt

    series = [t["baseline"], t["target"]]
    base = alt.Chart().encode(x=alt.X("value:Q", title=f"{t['value']} ({unit})", scale=alt.Scale(zero=False, padding=12)))
    # a grey line from each row's baseline to its target, under the points
    path = base.mark_line(color="#9e9e9e").encode(detail="row:N")
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=[GREY, BLUE])),
        shape=alt.Shape("series:N", title=None, scale=alt.Scale(domain=series, range=["circle", "diamond"])),
        tooltip=[
            alt.Tooltip("plan:N", title=t["plan"]),
            alt.Tooltip("series:N", title=t["kind"]),
            alt.Tooltip("year:N", title=t["year"]),
            alt.Tooltip("label:N", title=t["value"]),
            alt.Tooltip("line:Q", title=t["line"]),
        ],
    )
    labels = base.mark_text(dy=-12, color="#333333").encode(text="label:N")
    layered = alt.layer(path, points, labels, data=alt.Data(values=_numbered(data, "plan")))
    return _spec(layered.properties(width=STATIC_WIDTH, height=40).facet(row=_rows_by("plan"), title=title), title)
