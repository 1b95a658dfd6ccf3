"""Stage 8, page: query results and charts → bilingual Markdown pages (`*.zh.md` / `*.en.md`).

Plan text is untrusted: every value goes through `esc`, which makes it inert as HTML,
Markdown and template syntax, so it shows literally on the page.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from . import chart as charts
from . import query

LANGS = ("zh", "en")
# Characters Markdown (and its extensions) would act on; each becomes a numeric entity.
_MARKUP = re.compile(r"[&<>\"'`*_\[\]{}()#+!|~\\^$=:%-]")


def esc(value) -> str:
    """Any value as inert inline text: HTML special characters and Markdown syntax as numeric entities."""
    if value is None:
        return ""
    text = str(value).replace("\n", " ")
    return _MARKUP.sub(lambda m: f"&#{ord(m.group(0))};", text)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("planpub", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["esc"] = esc
    env.filters["num"] = lambda v: "" if v is None else esc(charts_number(v))
    return env


def charts_number(value) -> str:
    """A number as printed in tables: integers without a trailing .0, never rounded."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def bilingual(row: dict, field: str, lang: str) -> str:
    """The field in the page's language, falling back to Chinese (shown marked) when English is missing."""
    if lang == "en" and row.get(f"{field}_en"):
        return row[f"{field}_en"]
    return row.get(f"{field}_zh") or ""


class PageWriter:
    """Writes every page of the site into a docs folder."""

    def __init__(self, db, ui: dict[str, dict[str, str]], docs: Path, coverage: list[dict] | None = None):
        self.db, self.docs, self.env = db, docs, _environment()
        self.coverage = coverage or []  # translation coverage rows for the About page
        self.ui = {lang: {key: value[lang] for key, value in ui.items()} for lang in LANGS}

    def write(self, template: str, path: str, lang: str, **context) -> None:
        """Render one template for one language into `path` (without the .zh.md/.en.md suffix)."""
        depth = path.count("/") + (1 if lang == "en" else 0)
        target = self.docs / f"{path}.{lang}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = self.env.get_template(template).render(
            lang=lang, t=self.ui[lang], root="../" * depth, tr=lambda row, f: bilingual(row, f, lang), **context
        )
        target.write_text(text, encoding="utf-8")

    def write_chart(self, chart: charts.Chart) -> str:
        """Save the SVG for no-script readers and downloads; returns its path relative to the docs root."""
        rel = f"assets/charts/{chart.name}.svg"
        (self.docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.docs / rel).write_text(chart.svg, encoding="utf-8")
        return rel

    def chart_context(self, chart: charts.Chart) -> dict:
        return {"name": chart.name, "spec": charts.spec_json(chart), "svg": self.write_chart(chart), "data": chart.data}

    def home(self) -> None:
        for lang in LANGS:
            counts = charts.counts_by_plan(query.counts_by_plan(self.db), self.ui[lang], lang)
            counts.name += f"-{lang}"
            self.write(
                "home.md.j2",
                "index",
                lang,
                figures=query.headline(self.db),
                plans=query.plans(self.db),
                chart=self.chart_context(counts),
            )

    def plans(self) -> None:
        all_plans = query.plans(self.db)
        for lang in LANGS:
            self.write("plans.md.j2", "plans/index", lang, plans=all_plans)
        for plan in all_plans:
            self.plan(plan)

    def plan(self, plan: dict) -> None:
        plan_id = plan["plan_id"]
        percent = query.comparable_percentages(self.db, plan_id)
        corrections = query.corrections(self.db, plan_id)
        corrected = {f"{c['resource']}:{c['row_id']}" for c in corrections}
        for lang in LANGS:
            chart = None
            if percent:
                drawn = charts.baseline_to_target(plan_id, percent, self.ui[lang], lang)
                drawn.name += f"-{lang}"
                chart = self.chart_context(drawn)
            self.write(
                "plan.md.j2",
                f"plans/{plan_id}",
                lang,
                plan=plan,
                chart=chart,
                indicators=query.indicators(self.db, plan_id),
                sections=query.sections(self.db, plan_id),
                projects=query.projects(self.db, plan_id),
                targets=query.targets(self.db, plan_id),
                corrections=corrections,
                corrected=corrected,
            )

    def concepts(self) -> None:
        """The indicator registry: an index of concepts and one comparison page per concept."""
        index = query.concept_index(self.db)
        flags = query.less_ambitious(self.db)
        for lang in LANGS:
            self.write("concepts.md.j2", "indicators/index", lang, concepts=index, flags=flags)
        for item in index:
            self.concept(item["concept_id"])

    def concept(self, concept_id: str) -> None:
        concept, found = query.concept(self.db, concept_id), query.concept_rows(self.db, concept_id)
        drawable = not concept["scales_with_size"] and any(
            r["plotted"] and (r["baseline_value"] is not None or r["target_value"] is not None) for r in found
        )
        for lang in LANGS:
            chart = None
            if drawable:
                drawn = charts.concept_comparison(concept, found, self.ui[lang], lang)
                drawn.name += f"-{lang}"
                chart = self.chart_context(drawn)
            self.write(
                "concept.md.j2",
                f"indicators/{concept_id}",
                lang,
                concept=concept,
                rows=found,
                chart=chart,
                flags=query.less_ambitious(self.db, concept_id),
            )

    def simple(self, name: str, **context) -> None:
        for lang in LANGS:
            self.write(f"{name}.md.j2", name, lang, **context)

    def write_all(self) -> None:
        self.home()
        self.plans()
        self.concepts()
        self.simple("projects", projects=query.projects(self.db), plans={p["plan_id"]: p for p in query.plans(self.db)})
        self.simple("about", coverage=self.coverage)

    def data_pages(self, downloads: dict, quality: dict) -> None:
        """The Downloads page and the data-quality page linked from About (contexts from planpub.downloads)."""
        self.simple("downloads", **downloads)
        self.simple("quality", **quality)
