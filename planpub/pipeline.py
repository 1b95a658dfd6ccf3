"""The whole build, stage by stage: read → extract → curate → translate → package → query → chart/page → site."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import cache, changelog, chartfile, downloads, package, site
from . import chart as charts
from . import concepts as registry
from .background import Background
from .config import ROOT, Paths, load_yaml
from .curate import apply_overrides
from .errors import PlanError
from .extract import extract, tablereport, targets
from .jobs import Submit, last_first, now
from .page import PageWriter
from .progress import Progress
from .query import add_concepts, connect
from .read import read_document
from .registry import check_title
from .registry import load as load_registry
from .schema import RESOURCES, Records, empty_records
from .sitecache import cached_mkdocs, load_search
from .translate import EN_SOURCES, REPORTED, Coverage, check_coverage, load_translations, skeleton, translate

Log = Callable[[str], None]


@dataclass
class BuildResult:
    records: Records
    coverage: Coverage
    reports: list[dict] = field(default_factory=list)
    rebuilt: bool = True


def _extract_key(paths: Paths, entry: dict) -> dict[str, str]:
    """What one plan's extraction depends on, each as a digest (also used to say why it was redone)."""
    overrides = paths.overrides / f"{entry['plan_id']}.yaml"
    return {
        "source": cache.digest((paths.sources / entry["source"]).read_bytes()),
        "registry entry": cache.json_digest(entry),
        "overrides": cache.digest(overrides.read_bytes()) if overrides.exists() else "",
        "code": cache.EXTRACT.code_version(),
    }


def extract_plan(paths: Paths, entry: dict) -> Records:
    """read → extract → curate for one registered plan."""
    doc = read_document(paths.sources / entry["source"])
    records = extract(doc, entry)
    apply_overrides(records, paths.overrides / f"{entry['plan_id']}.yaml")
    return records


def extract_all(
    paths: Paths, entries: list[dict], previous: dict, log: Log, submit: Submit = now
) -> tuple[dict[str, Records], dict]:
    """Every plan's records, from the cache when its source, entry, overrides and code are unchanged.

    The others are extracted with `submit` and asked for last first (`jobs.last_first`): the worker extracts from
    the first plan on, this process from the last. A document that fails is reported as it would be one at a
    time: the first of the registry's failing plans.
    """
    keys = {entry["plan_id"]: _extract_key(paths, entry) for entry in entries}
    step_keys = {plan_id: cache.EXTRACT.key(key) for plan_id, key in keys.items()}
    fresh = [entry for entry in entries if not cache.EXTRACT.has(step_keys[entry["plan_id"]])]
    extracting = {entry["plan_id"]: submit(extract_plan, paths, entry) for entry in fresh}

    def extracted(plan_id: str) -> Records | PlanError:
        """The plan's records, or the error its document gave (raised below, in the registry's order)."""
        try:
            return cache.EXTRACT.memo(step_keys[plan_id], lambda: extracting[plan_id].result())
        except PlanError as error:
            return error

    found = dict(zip(keys, last_first(Progress(list(keys), "extract"), extracted), strict=True))
    for records in found.values():
        if isinstance(records, PlanError):
            raise records
        check_title(paths, records["plans"][0])
    for entry in fresh:
        log(f"extract  {entry['plan_id']}: {why(previous.get(entry['plan_id']), keys[entry['plan_id']])}")
    return found, keys


def why(old: dict | None, new: dict) -> str:
    """Why a step was redone, in words: what changed since the last build."""
    if old is None:
        return "new plan (or no previous build)"
    return ", ".join(f"{name} changed" for name in cache.changed(old, new)) or "not in the cache"


def report_concepts(concepts: list[registry.Concept], per_plan: dict[str, Records], log: Log) -> None:
    """How many rows the registry links, and the recurring-looking names it does not."""
    named = [row for records in per_plan.values() for row in registry.named_rows(records)]
    linked = [row for row in named if row["concept_id"]]
    log(f"concepts {len(linked)} rows linked to {len({r['concept_id'] for r in linked})} of {len(concepts)} concepts")
    report = registry.unmatched(concepts, named)
    if report:
        log(f"concepts {len(report)} recurring-looking names match no concept (add an alias or a concept):")
        for line in registry.format_unmatched(report):
            log(line)


def curated_records(paths: Paths, strict: bool, previous: dict, log: Log, submit: Submit = now):
    """read → extract → curate (cached per plan; extracted with `submit`) → link concepts → translate, for every
    registered plan."""
    entries = load_registry(paths)
    table = load_translations(paths.i18n)
    coverage = Coverage()
    concepts = registry.load_concepts(paths.datasets / "concepts.yaml")
    per_plan, extract_keys = extract_all(paths, entries, previous, log, submit)
    for entry in entries:
        records = per_plan[entry["plan_id"]]
        tablereport.check_tables(records["tables"], paths.sources / entry["source"], strict, log)
        targets.log_dropped(records.get("targets_dropped", []), paths.sources / entry["source"], log)
    for records in per_plan.values():
        registry.link(records, concepts)
        translate(records, table, coverage)
    report_concepts(concepts, per_plan, log)
    inconsistent = check_coverage(coverage, table, log)
    if strict and coverage.missing_count(required=True):
        file, line, what = first_untranslated(paths, entries, per_plan)
        raise PlanError(
            f"no English for {what} (strict mode; {coverage.missing_count(required=True)} names, titles, units, domains in all)",
            file,
            line,
            hint="run `python build.py i18n --missing` and add the English to datasets/i18n/",
        )
    if strict and inconsistent:
        raise PlanError(f"{inconsistent[0]} (strict mode)", paths.i18n, hint="use the glossary's rendering or record the reason")
    return per_plan, coverage, concepts, extract_keys


def first_untranslated(paths: Paths, entries: list[dict], per_plan: dict[str, Records]) -> tuple[Path, int | None, str]:
    """Where the first name, title, unit or domain without English comes from: its document and line, and what it is."""
    for entry in entries:
        for resource, pairs in EN_SOURCES.items():
            for row in per_plan[entry["plan_id"]][resource]:
                for en, zh in pairs.items():
                    if (resource, en) not in REPORTED and row.get(zh) and not row.get(en) and row.get("source_line"):
                        return paths.sources / entry["source"], row["source_line"], f"{row[zh]!r} ({resource}.{en})"
    return paths.i18n, None, "some names, titles, units or domains"


def missing_translations(paths: Paths) -> str:
    """The untranslated strings of every registered plan as a YAML skeleton (`build.py i18n --missing`)."""
    cache.use(cache.Cache(paths.cache))
    _, coverage, *_ = curated_records(paths, False, {}, lambda _: None)
    return skeleton(coverage)


def check(paths: Paths, log: Log = print) -> None:
    """Rebuild the data packages from the sources in a temporary folder; PlanError if the committed ones differ."""
    cache.use(cache.Cache(paths.cache))
    per_plan, *_ = curated_records(paths, False, {}, lambda _: None)
    fresh = site.staging_dir(paths.packages)
    try:
        package.validated(package.write_packages(fresh, load_yaml(paths.datasets / "catalog.yaml"), per_plan), now)()
        differences = compare_trees(paths.packages, fresh)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    if differences:
        raise PlanError(
            "the committed data packages differ from what the sources give:\n    " + "\n    ".join(differences),
            paths.packages,
            hint="run `python build.py` and commit datasets/packages (and datasets/CHANGELOG.yaml) with the change",
        )
    log(f"check    {paths.packages} matches the sources ({len(per_plan)} plans)")


def compare_trees(old: Path, new: Path, limit: int = 30) -> list[str]:
    """Files missing, extra or different between two folders; for a text file, its first differing line."""
    a, b = cache.tree_digests(old), cache.tree_digests(new)
    found = [f"{name}: missing from {old}" for name in sorted(set(b) - set(a))]
    found += [f"{name}: not produced by the sources any more" for name in sorted(set(a) - set(b))]
    for name in sorted(n for n in set(a) & set(b) if a[n] != b[n]):
        left = (old / name).read_text(encoding="utf-8").splitlines()
        right = (new / name).read_text(encoding="utf-8").splitlines()
        line = next((i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y), min(len(left), len(right)))
        was, now = (rows[line] if line < len(rows) else "(no line)" for rows in (left, right))
        found.append(f"{name}:{line + 1}: committed {was!r} → sources give {now!r}")
    return found[:limit] + ([f"… and {len(found) - limit} more"] if len(found) > limit else [])


def record_changes(paths: Paths, packages_new: Path, released: str, log: Log) -> str | None:
    """The changelog text with this build's entry appended (None when no value changed)."""
    changes = changelog.diff(paths.packages, packages_new)
    if changes:
        log(f"changes  {len(changes)} value-level changes since the published packages → {paths.changelog.name} ({released})")
    return changelog.updated_text(paths.changelog, released, changes)


@contextmanager
def build_date(day: str):
    """MkDocs dates the sitemap with the build time unless SOURCE_DATE_EPOCH is set: set it to the release date."""
    import datetime
    import os

    before = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@dataclass
class Staged:
    """Where a build writes: temporary folders beside the outputs, swapped in only when everything succeeded."""

    packages: Path
    docs: Path  # the pages, for MkDocs
    downloads: Path  # the download files, moved into the site as MkDocs builds it (planpub.site.place_files)
    site: Path | None

    @classmethod
    def beside(cls, paths: Paths) -> Staged:
        build = paths.root / "build"
        folders = (paths.packages, build / "docs", build / "downloads", paths.site)
        return cls(*map(site.staging_dir, folders))

    def discard(self) -> None:
        for folder in (self.packages, self.site):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)


def build(paths: Paths, *, strict: bool = False, force: bool = False, date: str | None = None, log: Log = print) -> BuildResult:
    """Run every stage for every registered plan; datasets/packages and site/ change only if all succeed.

    Unchanged work is reused from .cache/ (see planpub/cache.py); `force` ignores the build stamp.
    """
    store = cache.Cache(paths.cache)
    cache.use(store)
    options = {"strict": strict, "date": date}
    if not force and cache.up_to_date(paths, options):
        log(cache.NOTHING_TO_DO)
        return BuildResult(records=empty_records(), coverage=Coverage(), rebuilt=False)
    stamp = store.read_stamp()
    inputs = cache.inputs(paths, options)
    if stamp:
        log("changed  " + ", ".join(cache.changed(stamp.get("inputs", {}), inputs) or ["outputs changed since the last build"]))
    with Background() as background:  # started first (the fork server imports the stages), then extracts plans too
        per_plan, coverage, concepts, extract_keys = curated_records(
            paths, strict, stamp.get("extract", {}), log, background.submit
        )
        chart_library = site.chart_library(background.submit)
        catalog = load_yaml(paths.datasets / "catalog.yaml")
        released = changelog.release_date(catalog, date, paths.datasets / "catalog.yaml")
        staged = Staged.beside(paths)
        try:
            curated = (per_plan, coverage, concepts)
            # Once the downloads and validation are done, a fresh worker takes over (warmed up for the SVGs and the
            # search entries while the last pages are written, if there are SVGs to draw): the memory they left in
            # the old one (~0.5 GB at 500 plans) goes back to the machine before MkDocs' peak.
            reports, log_text, svg_charts, web_font, downloads_digest = write_packages_and_pages(
                paths, staged, curated, catalog, released, chart_library, background.submit, log, background.renew
            )
            del per_plan, curated  # in the packages and pages now; MkDocs' peak needs the memory (~60 MB at 500 plans)
            pages = [cache.tree_digest(staged.docs), downloads_digest]
            docs_key = cache.json_digest([pages, inputs["mkdocs.yml"], inputs["code"]])
            if docs_key == stamp.get("docs") and stamp.get("outputs", {}).get("site") == cache.stat_digest(paths.site):
                log("site     pages unchanged: keeping the current site/")
                shutil.rmtree(staged.site)
                staged.site = None
            else:
                why_mkdocs = "pages changed" if stamp.get("docs") else "no previous site"
                log(f"site     mkdocs build ({why_mkdocs}); chart SVGs drawn meanwhile")
                write_svgs = charts.draw_svgs(
                    svg_charts, web_font, background.submit, partial(background.renew, warm_up_beside_mkdocs)
                )
                del svg_charts  # their jobs hold each spec as text: the charts' rows and specs go before MkDocs' peak
                with build_date(released), cached_mkdocs(paths.cache / "mkdocs", background.submit):
                    site.mkdocs_build(paths.root / "mkdocs.yml", staged.docs, staged.site, {"downloads": staged.downloads})
                write_svgs(staged.site)
        except BaseException:
            staged.discard()
            raise
        finally:
            for folder in (staged.docs, staged.downloads):
                shutil.rmtree(folder, ignore_errors=True)
    site.swap_in(staged.packages, paths.packages)
    if log_text is not None:
        write_atomically(paths.changelog, log_text)
    if staged.site:
        site.swap_in(staged.site, paths.site)
    store.prune()
    store.write_stamp({"inputs": inputs, "outputs": cache.outputs(paths), "extract": extract_keys, "docs": docs_key})
    log(f"cache    {store.summary()}")
    log(f"done     {paths.site}")
    return BuildResult(records=empty_records(), coverage=coverage, reports=reports)


def warm_up_beside_mkdocs() -> None:
    """A fresh worker's start, for the chart SVGs and search entries it makes while MkDocs runs: vl-convert's engine
    (~0.5 s) and jieba's dictionary (~0.8 s), loaded while the build writes its last pages and the web font."""
    charts.warm_up()
    load_search()


def write_packages_and_pages(
    paths: Paths,
    staged: Staged,
    curated: tuple[dict[str, Records], Coverage, list[registry.Concept]],
    catalog: dict,
    released: str,
    chart_library: Callable[[], str],
    submit: Submit,
    log: Log,
    renew: Callable[[Callable[[], None] | None], None] = lambda warm_up: None,
) -> tuple[list[dict], str | None, dict[str, charts.Chart], bytes, str]:
    """Packages, downloads and every page (Markdown for MkDocs) into the staging folders; once the downloads and
    validation are done, `renew` is given what a fresh worker warms up: `warm_up_beside_mkdocs`, if an SVG is to be
    drawn.

    Returns the validation reports, the changelog text to publish (None if no value changed), the charts
    whose SVGs the site needs (by path in the site), the web font to draw them with, and a digest of the downloads'
    listing for the site's key (every package's files with the checksums taken as they were written: the files are
    not read again, ~250 MB at 500 plans; nor is the listing itself kept, ~60 MB there, while MkDocs runs).
    """
    per_plan, coverage, concepts = curated
    declarations = chartfile.load(paths.charts)  # a chart file's mistake stops the build before anything is written
    log("package  write; validate with frictionless in the background (unchanged packages were validated before)")
    packages = package.write_packages(staged.packages, catalog, per_plan)
    log("download csv, xlsx, json, parquet, zip bundles, SHA256SUMS, in the background too")
    texts = downloads.load_texts(paths.datasets)
    # The downloads are given out first: the catalog's spreadsheet is the longest task; what the worker has not
    # started when the pages are written (the validation, after a one-plan change) the build does itself meanwhile.
    files = downloads.write_downloads(packages, staged.downloads, catalog, texts, submit)
    reports = package.validated(packages, submit)
    db = connect(staged.packages / "all")
    add_concepts(db, concepts)
    ui = load_yaml(paths.datasets / "ui.yaml")
    chartfile.check(declarations, db, ui)  # each chart's query runs, and uses only columns and words that exist
    log(f"page     charts ({len(declarations)} kinds, from {paths.charts.name}/) and pages")
    writer = PageWriter(
        db,
        ui,
        staged.docs,
        paths.sources,
        {"coverage": coverage.rows(), "words": load_translations(paths.i18n)},
        declarations,
        {path.parent.name: digest for path, digest in packages.items()},
    )
    writer.write_all()
    reports = reports()
    listed = files()
    writer.data_pages(downloads.page_context(listed, catalog, texts), downloads.quality_context(reports, texts))
    renew(warm_up_beside_mkdocs if charts.undrawn(writer.charts) else None)
    log_text = record_changes(paths, staged.packages, released, log)
    history = changelog.entries(paths.changelog, log_text)
    writer.changelog(history)
    (staged.docs / "changelog.xml").write_text(changelog.atom(history, catalog), encoding="utf-8")
    web_font = site.write_assets(staged.docs, chart_library, writer.chars)
    return reports, log_text, writer.charts, web_font, cache.json_digest(listed)


def extract_file(file: Path, out: Path, log: Log = print, strict: bool = False) -> Records:
    """read → extract → package for any single document, registered or not; writes a validated package to `out`.

    Nothing the document does not state is filled in (no level, region or period); each table is reported.
    """
    doc = read_document(file)
    plan_id = "".join(c if c.isascii() and c.isalnum() else "-" for c in file.stem.lower()).strip("-") or "plan"
    records = extract(doc, {"plan_id": plan_id})  # what the document states, nothing from elsewhere
    how = ", ".join(x for x in (doc.format, doc.encoding) if x)  # a PDF has no text encoding of its own
    log(f"{file}: {how}; {sum(t['layout'] != 'not read' for t in records['tables'])} tables")
    for line in tablereport.describe(records["tables"]):
        log(line)
    tablereport.check_tables(records["tables"], file, strict, log)
    targets.log_dropped(records["targets_dropped"], file, log, every=True)
    meta = package.document_descriptor(load_yaml(ROOT / "datasets" / "catalog.yaml"), records["plans"][0])
    package.validate_package(package.write_package(out, records, meta))
    counts = {r: len(records[r]) for r in RESOURCES if r not in ("plans", "corrections")}
    if not any(counts.values()):
        log(
            f"{file}: no plan content found (no outline, indicators, projects or targets); wrote an empty, valid package to {out}"
        )
    else:
        log(f"{file}: " + ", ".join(f"{n} {r}" for r, n in counts.items()) + f" → {out}")
    return records
