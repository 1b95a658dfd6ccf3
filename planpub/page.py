"""Stage 8, page: query results and charts → bilingual Markdown pages (`*.zh.md` / `*.en.md`).

Plan text is untrusted: every value goes through `esc`, which makes it inert as HTML,
Markdown and template syntax, so it shows literally on the page.

Adding a page type (the pattern every page below follows):
1. write `planpub/templates/NAME.md.j2` (it gets `t` = UI strings, `lang`, `tr(row, field)`,
   `docroot` = prefix for Markdown links to other pages, `root` = prefix for raw HTML URLs);
2. write a function `def NAME(w: PageWriter) -> None` that asks `planpub.query` for its rows
   and calls `w.both(template, path, **context)` (or `w.write(...)` once per language);
3. append it to `PAGE_TYPES`. If it is a top-level section, add it to `nav` in mkdocs.yml;
   otherwise link it from a table (DESIGN §5: keep the navigation short).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context

from . import cache, chartfile, query, read
from . import chart as charts
from .config import ROOT
from .csvfile import csv_bytes
from .schema import RESOURCES
from .translate import CJK, Translations, has_chinese

LANGS = ("zh", "en")
# Pages that list every plan (Projects, Downloads) are split every this many plans, so that no page grows
# with the catalogue (bench/README.md: bytes per page would not stay flat from 50 to 500 plans otherwise).
PLANS_PER_PAGE = 25
# Characters Markdown (and its extensions) would act on; each becomes a numeric entity.
_MARKUP = re.compile(r"[&<>\"'`*_\[\]{}()#+!|~\\^$=:%-]")


def esc(value) -> str:
    """Any value as inert inline text: HTML special characters and Markdown syntax as numeric entities."""
    if value is None:
        return ""
    text = str(value).replace("\n", " ")
    return _MARKUP.sub(lambda m: f"&#{ord(m.group(0))};", text)


def number(value) -> str:
    """A number as printed in tables: integers without a trailing .0, never rounded."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Full-width signs and digits as plan documents print them (＞8, ＜5.5, ８０％): shown as ASCII, the data keeps them.
_FULL_WIDTH = str.maketrans("＞＜＝＋－～％．０１２３４５６７８９", "><=+-~%.0123456789")


def printed(value) -> str:
    """A cell as printed, for display: full-width signs and digits become ASCII ones."""
    return "" if value is None else str(value).translate(_FULL_WIDTH)


@pass_context
def chinese(context, value) -> str:
    """Text that stays Chinese (names as printed, quotes, untranslated text): escaped, and on an English page
    marked `lang="zh"` so that readers, screen readers and the page's font treat it as Chinese."""
    text = esc(value)
    return f'<span lang="zh">{text}</span>' if context["lang"] == "en" and has_chinese(text) else text


@pass_context
def in_words(context, value) -> str:
    """A value in words (完成国家确定目标, 城市6.2；农村8.2) or a unit: on an English page the curated English of
    datasets/i18n/, else the Chinese marked `lang="zh"` and noted as missing (the About page lists them)."""
    text = printed(value)
    if context["lang"] != "en" or not has_chinese(text):
        return esc(text)
    english = context["words"].get(str(value)) or context["words"].get(text)
    if english:
        return esc(english)
    context["untranslated"].add(str(value))
    return chinese(context, text)


# English units that carry a magnitude (万人 is "10,000 persons"): the number is multiplied out exactly.
_MAGNITUDES = {"100 million ": 10**8, "10,000 ": 10**4, "1,000 ": 10**3}
# Units written straight after the number in both languages.
_TIGHT_UNITS = ("%", "％", "‰", "1/10万")


@pass_context
def amount(context, row: dict) -> str:
    """A text target in words: comparator, number and unit, with number agreement in English (`at least 55%`,
    `at least once`, `1 institution`, `2 institutions`); in Chinese `不低于55%`, `90%左右`."""
    value, unit = number(row["value"]), row["unit_zh"] or ""
    comparator = row["comparator"] or "="
    words = context["t"]["cmp_" + comparator]
    if context["lang"] != "en":
        return esc(f"{value}{unit}{words}" if comparator == "~" else f"{words}{value}{unit}")
    return f"{esc(words)} {_english_amount(context, value, unit)}"


def _english_amount(context, value: str, unit: str) -> str:
    """`1 次` → once (glossary `amounts`), `1 所` → 1 institution (the singular form), `55 %` → 55%."""
    table: Translations = context["words"]
    if said := table.entries.get(f"{value} {unit}"):
        return esc(said.en)
    if not unit or unit in _TIGHT_UNITS:
        return esc(f"{value}{unit}")
    forms = table.forms(unit)
    if not forms:
        return f"{esc(value)} {in_words(context, unit)}"
    for words, factor in _MAGNITUDES.items():  # 2750 万人 → 27,500,000 persons: exact, never rounded
        if forms[0].startswith(words) or forms[0] == words.strip():  # 万 alone: "10,000"
            return esc(f"{_multiplied(value, factor)} {forms[0][len(words) :]}".strip())
    return esc(f"{value} {forms[1] if value == '1' and len(forms) > 1 else forms[0]}")


def _multiplied(value: str, factor: int) -> str:
    """`35.29` × 10,000 → `352,900`: exact decimal arithmetic, thousands separators, no trailing zeros."""
    text = f"{Decimal(value) * factor:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@pass_context
def highlighted(context, sentence: str, raw: str) -> str:
    """The sentence (Chinese, as printed) with the target's value as printed marked: `保持…入住率<mark>90%以上</mark>`."""
    text, mark = esc(sentence), esc(raw)
    if mark and mark in text:
        text = text.replace(mark, f"<mark>{mark}</mark>", 1)
    return f'<span lang="zh">{text}</span>' if context["lang"] == "en" else text


# A run of Chinese inside English text (晋政发〔2021〕35号, 专栏): from a Chinese character to the last one after it.
_CJK_RUN = re.compile(rf"{CJK.pattern}(?:[\w.%/·、（）()〔〕]*{CJK.pattern})?")


@pass_context
def mixed(context, value) -> str:
    """English text quoting Chinese (curated descriptions): escaped, each Chinese run marked `lang="zh"`."""
    text = esc(value)
    if context["lang"] != "en":
        return text
    return _CJK_RUN.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', text)


def count(value: int) -> str:
    """A count with thousands separators (the same in zh-CN and en)."""
    return f"{value:,}"


def template_environment() -> Environment:
    """The Jinja setup shared by pages and the download bundles (same filters, strict undefined)."""
    env = Environment(
        loader=PackageLoader("planpub", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["esc"] = esc
    env.filters["num"] = lambda v: "" if v is None else esc(number(v))
    env.filters["count"] = count
    env.filters["printed"] = printed
    env.filters["zh"] = chinese
    env.filters["words"] = in_words
    env.filters["amount"] = amount
    env.filters["highlighted"] = highlighted
    env.filters["mixed"] = mixed
    env.filters["sign"] = charts.signed
    env.filters["lines"] = lambda text: "\n".join(esc(line) for line in str(text).splitlines())  # escaped, lines kept
    return env


def bilingual(row: dict, field: str, lang: str) -> str:
    """The field in the page's language, falling back to Chinese when English is missing."""
    if lang == "en" and row.get(f"{field}_en"):
        return row[f"{field}_en"]
    return row.get(f"{field}_zh") or ""


@dataclasses.dataclass
class Written:
    """What writing pages leaves: files of the docs folder (path → bytes), the charts whose SVGs the site needs (by
    path), the characters of the pages (for the site's font) and the Chinese shown untranslated on English pages."""

    files: dict[str, bytes]
    charts: dict[str, charts.Chart]
    chars: set[str]
    untranslated: set[str]

    def add(self, other: Written) -> None:
        self.files.update(other.files)
        self.charts.update(other.charts)
        self.chars |= other.chars
        self.untranslated |= other.untranslated

    def as_json(self) -> dict:
        """What was written as JSON, the files by their paths."""
        return {
            "files": sorted(self.files),
            "charts": {path: dataclasses.asdict(chart) for path, chart in self.charts.items()},
            "chars": "".join(sorted(self.chars)),
            "untranslated": sorted(self.untranslated),
        }

    @classmethod
    def from_json(cls, data: dict) -> Written:
        """What `as_json` kept but the files (kept as files: `PageWriter.kept`)."""
        drawn = {path: charts.Chart(**chart) for path, chart in data["charts"].items()}
        return cls({}, drawn, set(data["chars"]), set(data["untranslated"]))


class PageWriter:
    """Writes every page of the site into a docs folder."""

    def __init__(
        self,
        db,
        ui: dict[str, dict[str, str]],
        docs: Path,
        sources: Path | None = None,
        facts: dict | None = None,
        declarations: list[chartfile.Declaration] | None = None,
        plan_rows: dict[str, str] | None = None,
    ):
        self.db, self.docs, self.sources, self.env = db, docs, sources, template_environment()
        # Per plan, the digest of its package (its rows): with it, a plan's pages are kept by their declared inputs.
        self.plan_rows = plan_rows or {}
        # The charts of charts/ (loaded and checked by the pipeline; the project's own when not given).
        self.declarations = chartfile.load(ROOT / "charts") if declarations is None else declarations
        self.ui = {lang: {key: value[lang] for key, value in ui.items()} for lang in LANGS}
        # What the build knows beyond the packages (validation reports, translation coverage, the curated
        # translations of datasets/i18n/ as `words`), for the About page and the English pages.
        self.facts = facts or {}
        self.words: Translations = self.facts.get("words") or Translations()
        self.untranslated: set[str] = set()  # Chinese shown on English pages for want of curated English
        self.charts: dict[str, charts.Chart] = {}  # SVG path in the site → chart (`charts.draw_svgs` draws them)
        self.chars: set[str] = set()  # every character of the pages written, for the site's font
        # What every page's text depends on besides its own context: the UI words and the curated English (not
        # where each is written: a copy of the project in another folder reuses the pages).
        english = [{zh: [e.en, e.forms] for zh, e in table.items()} for table in (self.words.entries, self.words.terms)]
        self.shared = cache.json_digest([self.ui, english])
        self._recording: Written | None = None  # what `kept` notes while its pages are written

    def write(self, template: str, path: str, lang: str, **context) -> None:
        """Render one template for one language into `path` (without the .zh.md/.en.md suffix)."""
        self._write(template, path, lang, context, cache.json_digest(context))

    def both(self, template: str, path: str, **context) -> None:
        """The same page in every language (its context digested once)."""
        digest = cache.json_digest(context)
        for lang in LANGS:
            self._write(template, path, lang, context, digest)

    def _write(self, template: str, path: str, lang: str, context: dict, digest: str) -> None:
        """A page is kept in .cache/ by its template, place, language and context (`digest`): a rebuild after a
        one-plan change renders only the pages whose data changed (with the untranslated Chinese each noted for
        the About page, and its characters for the site's font)."""
        depth = path.count("/")

        def render() -> list:
            noted: set[str] = set()
            text = self.env.get_template(template).render(
                lang=lang,
                t=self.ui[lang],
                docroot="../" * depth,
                root="../" * (depth + (1 if lang == "en" else 0)),
                tr=lambda row, f: bilingual(row, f, lang),
                words=self.words,
                untranslated=noted,
                **context,
            )
            return [text, sorted(noted), "".join(sorted(set(text)))]

        text, noted, chars = cache.PAGE.memo(cache.PAGE.key(template, path, lang, self.shared, digest), render)
        self._wrote(Written({f"{path}.{lang}.md": text.encode("utf-8")}, {}, set(chars), set(noted)))

    def _wrote(self, written: Written) -> None:
        """Files into the docs folder, charts to draw, characters and untranslated Chinese, as pages leave them."""
        for path, data in written.files.items():
            (self.docs / path).parent.mkdir(parents=True, exist_ok=True)
            (self.docs / path).write_bytes(data)
        self.charts.update(written.charts)
        self.chars.update(written.chars)
        self.untranslated.update(written.untranslated)
        if self._recording is not None:
            self._recording.add(written)

    def for_plan(self, kind: str, plan_id: str, inputs: list, write: Callable[[], None]) -> None:
        """A `kind` of page of one plan, written by `write` from the plan's rows and `inputs` only (as the caller
        declares): kept by them when the build gives the digest of the plan's rows (`plan_rows`), else written."""
        if plan_id in self.plan_rows:
            self.kept([kind, plan_id, self.plan_rows[plan_id], inputs], write)
        else:
            write()

    def kept(self, inputs: list, write: Callable[[], None]) -> None:
        """Run `write` (pages written from `inputs`, and nothing else, as the caller declares), or, when an earlier
        build wrote them from the same inputs, what it wrote: pages and chart data (hard links to the files kept in
        .cache/), charts, characters, untranslated Chinese. Then nothing is queried: a one-plan change does not read
        every other plan's rows again."""
        key = cache.PLAN_PAGES.key(inputs, self.shared)
        if folder := cache.PLAN_PAGES.kept(key, ""):  # the files written, beside the entry
            written = cache.PLAN_PAGES.memo(key, dict)
            for path in written["files"]:
                cache.link_file(folder / path, self.docs / path)
            self._wrote(Written.from_json(written))
            cache.keep(written["entries"])  # each page's and chart's own entry, for when these inputs change
            return
        self._recording = Written({}, {}, set(), set())
        try:
            with cache.recorded() as entries:
                write()
            recorded = self._recording.as_json() | {"entries": {stage: sorted(keys) for stage, keys in entries.items()}}
            beside = cache.PLAN_PAGES.beside(key, "")
            for path in recorded["files"] if beside else ():
                cache.link_file(self.docs / path, beside / path)
        finally:
            self._recording = None
        cache.PLAN_PAGES.memo(key, lambda: recorded)

    def paged(self, template: str, path: str, name: str, items: list, lead: list = (), **context) -> None:
        """A page listing `items` (as `name`), split every PLANS_PER_PAGE into `path`, `path-2`, … with a pager.

        `lead` items (e.g. the catalog package) come first on the first page; `first` tells a page it is page 1.
        """
        chunks = [items[i : i + PLANS_PER_PAGE] for i in range(0, len(items), PLANS_PER_PAGE)] or [[]]
        paths = [path] + [f"{path}-{number}" for number in range(2, len(chunks) + 1)]
        pages = [{"number": number, "path": page_path} for number, page_path in enumerate(paths, start=1)]
        for number, (chunk, page_path) in enumerate(zip(chunks, paths, strict=True), start=1):
            pager = {"number": number, "pages": pages} if len(pages) > 1 else None
            listed = [*lead, *chunk] if number == 1 else chunk
            self.both(template, page_path, pager=pager, first=number == 1, **{name: listed}, **context)

    def charts_for(self, page: str, params: dict | None = None, subject: dict | None = None) -> dict[str, list[dict]]:
        """Every chart declared for this kind of page (home, plan, concept), drawn for this page in each language,
        as `chart.md.j2` needs them; a chart whose query finds nothing for the page is only its title and intro,
        marked `empty` (a page that gives its charts headings says there is nothing to draw; others leave it out)."""
        params = params or {}
        drawn: dict[str, list[dict]] = {lang: [] for lang in LANGS}
        for declaration in self.declarations:
            if page not in declaration.data["pages"]:
                continue
            rows = charts.run(declaration, self.db, params)
            reads = charts.reads(declaration.sql, {*RESOURCES, "concepts"}, query.VIEWS)
            for lang in LANGS:
                chart = charts.draw(declaration, rows, params, subject or {}, self.ui[lang], lang, reads)
                if chart:
                    drawn[lang].append(self.chart(chart))
                else:
                    drawn[lang].append(self.nothing_to_draw(declaration, {**(subject or {}), **params}, lang))
        return drawn

    def nothing_to_draw(self, declaration: charts.Declaration, context: dict, lang: str) -> dict:
        """A chart whose query found no rows for this page: its title and intro, said to be empty."""
        d, t = declaration.data, self.ui[lang]
        intro = charts.fill(d["intro"][lang], context, t, lang) if "intro" in d else ""
        return {"title": charts.fill(d["title"][lang], context, t, lang), "intro": intro, "empty": True}

    def chart(self, chart: charts.Chart) -> dict:
        """Note the chart for its static SVG (drawn once the site font is known) and write its data as CSV
        (the table shown under it, UTF-8 with BOM like every download); returns what `chart.md.j2` needs."""
        rel, columns = f"assets/charts/{chart.name}", chart.table["columns"]
        files = {"svg": f"{rel}.svg", "csv": f"{rel}.csv"}
        table = csv_bytes(columns, [dict(zip(columns, row, strict=True)) for row in chart.table["rows"]])
        self._wrote(Written({files["csv"]: table}, {files["svg"]: chart}, set(), set()))
        made = {"intro": chart.intro, "sql": chart.sql, "params": chart.params, "reads": chart.reads}
        return {
            "name": chart.name,
            "title": chart.title,
            "spec": charts.spec_json(chart),
            "table": chart.table,
            "empty": False,
            **files,
            **made,
        }

    def changelog(self, history: list[dict]) -> None:
        """The Changelog page: each release summarised per plan in words, its field diff collapsed beneath."""
        titles = {p["plan_id"]: p for p in query.plans(self.db)}
        for lang in LANGS:
            for entry in history:
                entry[f"readable_{lang}"] = release_summary(entry.get("changes") or [], titles, self.ui[lang], lang)
        self.both("changelog.md.j2", "changelog", entries=history)

    def write_all(self) -> None:
        for page_type in PAGE_TYPES:
            page_type(self)

    def data_pages(self, downloads: dict, quality: dict) -> None:
        """The Downloads page and the data-quality page linked from About (contexts from planpub.downloads)."""
        packages = downloads.pop("packages")
        catalog = [p for p in packages if p["id"] == "all"]
        self.paged("downloads.md.j2", "downloads", "packages", [p for p in packages if p["id"] != "all"], catalog, **downloads)
        self.both("quality.md.j2", "quality", **quality)


# The words for a resource of the packages in a release summary (UI string keys).
_RESOURCE_WORDS = {
    "indicators": "indicators",
    "projects": "projects",
    "boxes": "box",
    "targets": "targets",
    "sections": "outline",
    "tables": "tables_read",
}


def release_summary(changes: list[dict], titles: dict[str, dict], t: dict[str, str], lang: str) -> list[dict]:
    """Per plan, what a release changed in words: "Indicators: 2 values changed; Outline: 25 rows removed"."""
    counts: dict[str, Counter] = {}
    for c in changes:
        what = c["change"] if c["change"].startswith("plan") else (c.get("resource", ""), c["change"])
        counts.setdefault(c["plan_id"], Counter())[what] += 1
    summary = []
    for plan_id, counted in counts.items():
        plan = titles.get(plan_id)
        parts: dict[str, list[str]] = {}
        for what, n in counted.items():
            if isinstance(what, str):  # plan added / plan removed
                parts.setdefault("", []).append(t["change_" + what.replace(" ", "_")])
                continue
            resource, change = what
            label = t.get(_RESOURCE_WORDS.get(resource, ""), resource)
            parts.setdefault(label, []).append(t[f"summary_{change.replace(' ', '_')}"].format(n=n))
        text = "; ".join(f"{label}: {', '.join(words)}" if label else ", ".join(words) for label, words in parts.items())
        summary.append({"plan": bilingual(plan, "title", lang) if plan else plan_id, "text": text})
    return summary


PageType = Callable[[PageWriter], None]


def home(w: PageWriter) -> None:
    figures, plans = query.headline(w.db), query.plans(w.db)
    drawn = w.charts_for("home")
    for lang in LANGS:
        w.write("home.md.j2", "index", lang, figures=figures, plans=plans, charts=drawn[lang])


def plans(w: PageWriter) -> None:
    w.both("plans.md.j2", "plans/index", plans=query.plans(w.db), counts=query.plan_counts(w.db))


def plan_pages(w: PageWriter) -> None:
    """Each plan's page, from the plan's rows and what `page_inputs` declares."""
    counts = query.plan_counts(w.db)
    inputs = page_inputs(w, "plan")
    for plan in query.plans(w.db):
        w.for_plan("plan", plan["plan_id"], inputs, partial(plan_page, w, plan, counts[plan["plan_id"]]))


def page_inputs(w: PageWriter, kind: str) -> list:
    """What a plan's (or a concept's) page reads besides its own rows (declared here; tests/test_plan_pages.py checks
    it): the indicator registry (indicator_bounds and concept_rows join each row's concept) and the charts drawn on
    that kind of page. Every other query of the page and of those charts reads only its own rows: the plan's
    (`WHERE plan_id = ?`), or the concept's (`concept_rows WHERE concept_id = ?`)."""
    concepts = query.rows(w.db, "SELECT * FROM concepts ORDER BY concept_id")
    return [concepts, [[d.id, d.data] for d in w.declarations if kind in d.data["pages"]]]


def plan_page(w: PageWriter, plan: dict, resources: dict) -> None:
    plan_id = plan["plan_id"]
    indicators = query.indicators(w.db, plan_id)
    context = {
        "plan": plan,
        "indicators": indicators,
        "not_charted": [i for i in indicators if not query.comparable(i)],
        "sections": query.sections(w.db, plan_id),
        "boxes": query.boxes(w.db, plan_id),
        "targets": query.targets(w.db, plan_id),
        "resources": resources,
        "corrections": query.corrections(w.db, plan_id),
        "tables": query.tables(w.db, plan_id),
    }
    context["corrected"] = {f"{c['resource']}:{c['row_id']}" for c in context["corrections"]}
    drawn = w.charts_for("plan", {"plan_id": plan_id}, plan)
    for lang in LANGS:
        w.write("plan.md.j2", f"plans/{plan_id}", lang, charts=drawn[lang], **context)


def source_pages(w: PageWriter) -> None:
    """Each raw document published as is (/sources/raw/FILE) and as a page with a numbered anchor per line (#L12); a Word
    file or PDF as its text rendering, with an anchor per paragraph or table row (#para-3, #table-1-row-2) or page (#page-4)."""
    if w.sources is None:
        return
    for plan in query.plans(w.db):
        path = w.sources / plan["source_file"]
        raw = path.read_bytes()
        (w.docs / "sources" / "raw").mkdir(parents=True, exist_ok=True)  # apart from the pages: page.html may be a plan
        (w.docs / "sources" / "raw" / plan["source_file"]).write_bytes(raw)
        w.for_plan("source", plan["plan_id"], [cache.digest(raw)], partial(source_page, w, plan, path, raw))


def source_page(w: PageWriter, plan: dict, path: Path, raw: bytes) -> None:
    text = read.rendering(raw, path)  # a Word file or PDF is shown as its text, with paragraph or page anchors
    lines = text.lines if text else raw.decode(plan.get("source_encoding") or "utf-8").splitlines()
    places = text.places if text else []
    spans = query.spans(w.db, plan["plan_id"])
    w.both("source.md.j2", f"sources/{plan['plan_id']}", plan=plan, lines=lines, places=places, spans=spans)


def projects(w: PageWriter) -> None:
    by_plan: dict[str, list[dict]] = {}
    for box in query.boxes(w.db):
        by_plan.setdefault(box["plan_id"], []).append(box)
    # Each plan with its own boxes: a page's context (digested to key it) holds only the boxes of the plans it lists.
    listed = [{**plan, "boxes": by_plan.get(plan["plan_id"], [])} for plan in query.plans(w.db)]
    w.paged("projects.md.j2", "projects", "plans", listed, any_boxes=bool(by_plan))


def about(w: PageWriter) -> None:
    coverage = w.facts.get("coverage", [])  # translation coverage rows (planpub.translate.Coverage.rows)
    missing = sorted(w.untranslated)  # written by the pages before this one
    w.both(
        "about.md.j2",
        "about",
        plans=query.plans(w.db),
        quality=query.quality(w.db),
        coverage=coverage,
        facts=w.facts,
        missing=missing,
    )


def concepts(w: PageWriter) -> None:
    """The indicator registry: an index of concepts and one comparison page per concept."""
    index = query.concept_index(w.db)
    w.both("concepts.md.j2", "indicators/index", concepts=index, flags=query.less_ambitious(w.db))
    # A concept's page reads only the concept's rows (`concept_rows`, which holds what it shows of their plans) and
    # what `page_inputs` declares: kept by them, it is not queried again when a plan changes what it does not show.
    linked, inputs = query.rows_by_concept(w.db), page_inputs(w, "concept")
    for item in index:
        concept_id = item["concept_id"]
        rows = cache.json_digest(linked.get(concept_id, []))
        w.kept(["concept", concept_id, rows, inputs], partial(concept_page, w, concept_id))


def concept_page(w: PageWriter, concept_id: str) -> None:
    concept, found = query.concept(w.db, concept_id), query.concept_rows(w.db, concept_id)
    flags = query.less_ambitious(w.db, concept_id)
    drawn = w.charts_for("concept", {"concept_id": concept_id}, concept)
    for lang in LANGS:
        page = {"concept": concept, "rows": found, "charts": drawn[lang], "flags": flags}
        w.write("concept.md.j2", f"indicators/{concept_id}", lang, **page)


# Every page type, in build order. The Downloads and data-quality pages come from `PageWriter.data_pages`,
# called by the pipeline with the files it wrote.
PAGE_TYPES: list[PageType] = [home, plans, plan_pages, source_pages, projects, concepts, about]
