"""Stage 7, chart: query results → Altair charts, as a Vega-Lite spec for the page and a static SVG (vl-convert)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import altair as alt
import vl_convert as vlc

from . import cache

_NUMBER_LOCALE = {
    "zh": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}


@dataclass
class Chart:
    """A chart ready for a page: its name, Vega-Lite spec, static SVG and the rows it draws."""

    name: str
    spec: dict
    svg: str
    data: list[dict]


def _render(name: str, chart: alt.Chart, lang: str, data: list[dict]) -> Chart:
    spec = chart.to_dict()
    svg = cache.memo(
        "svg",
        cache.json_digest([spec, lang, vlc.__version__]),
        lambda: vlc.vegalite_to_svg(spec, format_locale=_NUMBER_LOCALE[lang]),
    )
    return Chart(name=name, spec=spec, svg=svg, data=data)


def counts_by_plan(rows: list[dict], t: dict[str, str], lang: str) -> Chart:
    """Grouped bars: how many indicators, projects and targets each plan has."""
    data = [{"plan": r[f"title_{lang}"] or r["title_zh"], "kind": t[r["kind"]], "count": r["n"]} for r in rows]
    chart = (
        alt.Chart(alt.Data(values=data), title=t["chart_counts_title"])
        .mark_bar()
        .encode(
            y=alt.Y("plan:N", title=None, axis=alt.Axis(labelLimit=360)),
            yOffset="kind:N",
            x=alt.X("count:Q", title=t["count"]),
            color=alt.Color("kind:N", title=t["kind"]),
            tooltip=[
                alt.Tooltip("plan:N", title=t["plan"]),
                alt.Tooltip("kind:N", title=t["kind"]),
                alt.Tooltip("count:Q", title=t["count"]),
            ],
        )
        .properties(width=520)
    )
    return _render("counts-by-plan", chart, lang, data)


def baseline_to_target(plan_id: str, rows: list[dict], t: dict[str, str], lang: str) -> Chart:
    """Baseline and target of each % indicator, one row per indicator."""
    data = []
    for r in rows:
        name = r[f"name_{lang}"] or r["name_zh"]
        data.append(
            {"indicator": name, "year": str(r["baseline_year"] or ""), "series": t["baseline"], "value": r["baseline_value"]}
        )
        data.append({"indicator": name, "year": str(r["target_year"] or ""), "series": t["target"], "value": r["target_value"]})
    chart = (
        alt.Chart(alt.Data(values=data), title=t["chart_percent_title"])
        .mark_point(filled=True, size=80)
        .encode(
            y=alt.Y("indicator:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("value:Q", title=f"{t['value']} (%)"),
            color=alt.Color("series:N", title=None),
            tooltip=[
                alt.Tooltip("indicator:N", title=t["name"]),
                alt.Tooltip("series:N", title=t["kind"]),
                alt.Tooltip("year:N", title=t["year"]),
                alt.Tooltip("value:Q", title=t["value"]),
            ],
        )
        .properties(width=420)
    )
    return _render(f"{plan_id}-baseline-target", chart, lang, data)


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
        plan = r[f"title_{lang}"] or r["title_zh"]
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
    base = alt.Chart(alt.Data(values=data), title=concept[f"name_{lang}"]).encode(
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
    chart = alt.layer(path, points).properties(width=420)
    return _render(f"concept-{concept['concept_id']}", chart, lang, data)
