"""Stage 7, chart: query results → Altair charts, as a Vega-Lite spec for the page and a static SVG (vl-convert).

Altair is imported by the builders themselves: it takes ~0.15 s, and a rebuild finds most charts in .cache/.
Every chart carries the rows it draws as a table, shown beside it on the page. Text is set in the site's
CJK font (`planpub.font`), so the SVG and the page render Chinese with the same glyphs.
"""

from __future__ import annotations

import copy
import json
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
_CONFIG = {"font": FAMILY, "title": {"fontSize": 15, "anchor": "start"}, "view": {"stroke": None}}
_COLORS = ["#8c8c8c", "#1f6fb5"]  # baseline grey, target blue


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
    """Grouped bars: how many indicators, projects and targets each plan has."""
    data = [{"plan": _in(r, "title", lang), "kind": t[r["kind"]], "count": r["n"]} for r in rows]
    table = {"columns": [t["plan"], t["kind"], t["count"]], "rows": [[d["plan"], d["kind"], d["count"]] for d in data]}
    return _render("counts-by-plan", t["chart_counts_title"], partial(_counts_chart, data, t), lang, data, table)


def _spec(chart: alt.TopLevelMixin) -> dict:
    """A chart as the Vega-Lite spec of a page: the site's font and title style."""
    return chart.configure(**_CONFIG).to_dict(validate=False)


def _counts_chart(data: list[dict], t: dict[str, str]) -> dict:
    import altair as alt

    return _spec(
        alt.Chart(alt.Data(values=data), title=t["chart_counts_title"])
        .mark_bar()
        .encode(
            y=alt.Y("plan:N", title=None, axis=alt.Axis(labelLimit=300)),
            yOffset="kind:N",
            x=alt.X("count:Q", title=t["count"]),
            color=alt.Color("kind:N", title=t["kind"]),
            tooltip=[
                alt.Tooltip("plan:N", title=t["plan"]),
                alt.Tooltip("kind:N", title=t["kind"]),
                alt.Tooltip("count:Q", title=t["count"], format=","),
            ],
        )
        # Browsers measure CJK labels a little short before the web font loads: pad so none is clipped.
        .properties(width=420, padding={"left": 40, "right": 5, "top": 5, "bottom": 5})
    )


def _indicator_rows(rows: list[dict], t: dict[str, str], lang: str) -> list[dict]:
    data = []
    for r in rows:
        unit = _in(r, "unit", lang)
        name = _in(r, "name", lang) + (f" ({_in(r, 'sub_item', lang)})" if r.get("sub_item_zh") else "")
        data.append(
            {
                "domain": _in(r, "domain", lang) or t["no_domain"],
                "indicator": f"{name} ({unit})" if unit else name,
                "baseline": r["baseline_value"],
                "target": r["target_value"],
                "baseline_label": f"{r['baseline_year'] or ''} {r['baseline_raw']}".strip(),
                "target_label": f"{r['target_year'] or ''} {r['target_raw']}".strip(),
                "bound": t[f"cmp_{r['target_comparator'] or '='}"],
            }
        )
    return data


def _domain_chart(rows: list[dict], domain: str, t: dict[str, str]) -> alt.FacetChart:
    """One row per indicator, each on its own scale from zero in its own unit: units never share an axis."""
    import altair as alt

    x = alt.X(
        "baseline:Q",
        axis=alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None),
        scale=alt.Scale(zero=True, nice=False, padding=16),
    )
    tooltip = [
        alt.Tooltip("indicator:N", title=t["name"]),
        alt.Tooltip("baseline_label:N", title=t["baseline"]),
        alt.Tooltip("target_label:N", title=t["target"]),
        alt.Tooltip("bound:N", title=t["comparator"]),
    ]
    series = [t["baseline"], t["target"]]
    rule = alt.Chart().mark_rule(color="#b0b0b0", strokeWidth=2).encode(x=x, x2="target:Q")
    points = (
        alt.Chart()
        .transform_fold(["baseline", "target"], as_=["key", "value"])
        .transform_calculate(series=f"datum.key == 'baseline' ? {json.dumps(series[0])} : {json.dumps(series[1])}")
        .mark_point(filled=True, size=80, opacity=1)
        .encode(
            x=alt.X("value:Q"),
            color=alt.Color("series:N", scale=alt.Scale(domain=series, range=_COLORS), title=None),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", "triangle-right"]), title=None),
            tooltip=tooltip,
        )
    )
    start_label = alt.Chart().mark_text(dy=-11, fontSize=10, color=_COLORS[0]).encode(x=x, text="baseline_label:N")
    end_label = alt.Chart().mark_text(dy=11, fontSize=10, color=_COLORS[1]).encode(x=alt.X("target:Q"), text="target_label:N")
    layered = alt.layer(rule, points, start_label, end_label, data=alt.Data(values=rows)).properties(width=440, height=30)
    header = alt.Header(
        labelAngle=0,
        labelAlign="left",
        labelAnchor="start",
        labelOrient="top",
        labelLimit=440,
        labelFontSize=12,
        labelPadding=2,
        title=None,
    )
    return layered.facet(row=alt.Row("indicator:N", header=header, sort=None), title=domain).resolve_scale(x="independent")


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
    spec["vconcat"] = [{**copy.deepcopy(empty), "data": {"values": rows[domain]}, "title": domain} for domain in domains]
    return spec


@lru_cache(maxsize=4)
def _indicators_frame(t_json: str) -> str:
    """The baseline → target chart with one empty, untitled domain, as JSON; built once per language.

    Altair deep-copies a chart at every chained call, which made building these specs as slow as drawing
    them (~0.2 s a chart); a domain's chart differs from the empty one only by its rows and its title.
    """
    import altair as alt

    t = json.loads(t_json)
    frame = alt.vconcat(_domain_chart([], "", t), title=t["chart_indicators_title"]).resolve_scale(color="shared")
    return json.dumps(_spec(frame))


def spec_json(chart: Chart) -> str:
    """The spec as JSON safe to place inside a <script> element."""
    text = json.dumps(chart.spec, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def concept_comparison(concept: dict, rows: list[dict], t: dict[str, str], lang: str) -> Chart:
    """Baseline and target of every plan that sets one concept, on one axis in the concept's unit.

    Only rows the query marked `plotted` (same unit and basis) with a number are drawn; the page lists the others.
    """
    data = []
    for r in rows:
        if not r["plotted"]:
            continue
        plan = _in(r, "title", lang)
        for series, year, value in (
            ("baseline", r["baseline_year"], r["baseline_value"]),
            ("target", r["target_year"], r["target_value"]),
        ):
            if value is not None:
                data.append(
                    {
                        "plan": plan,
                        "row": f"{r['plan_id']}:{r['source_line']}",
                        "series": t[series],
                        "year": str(year or ""),
                        "value": value,
                        "line": r["source_line"],
                    }
                )
    unit = concept[f"unit_{lang}"]
    title = concept[f"name_{lang}"]
    table = {
        "columns": [t["plan"], t["kind"], t["year"], f"{t['value']} ({unit})", t["line"]],
        "rows": [[d["plan"], d["series"], d["year"], d["value"], d["line"]] for d in data],
    }
    make = partial(_concept_chart, data, t, title, unit)
    return _render(f"concept-{concept['concept_id']}", title, make, lang, data, table)


def _concept_chart(data: list[dict], t: dict[str, str], title: str, unit: str) -> dict:
    import altair as alt

    base = alt.Chart(alt.Data(values=data), title=title).encode(
        y=alt.Y("plan:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("value:Q", title=f"{t['value']} ({unit})", scale=alt.Scale(zero=False)),
    )
    # a grey line from each row's baseline to its target, under the points
    path = base.mark_line(color="#9e9e9e").encode(detail="row:N")
    points = base.mark_point(filled=True, size=90).encode(
        color=alt.Color("series:N", title=None),
        shape=alt.Shape("series:N", title=None),
        tooltip=[
            alt.Tooltip("plan:N", title=t["plan"]),
            alt.Tooltip("series:N", title=t["kind"]),
            alt.Tooltip("year:N", title=t["year"]),
            alt.Tooltip("value:Q", title=t["value"]),
            alt.Tooltip("line:Q", title=t["line"]),
        ],
    )
    return _spec(alt.layer(path, points).properties(width=420))
