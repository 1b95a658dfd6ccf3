"""The download area: every validated package as CSV (UTF-8 BOM), XLSX, JSON, Parquet and a zip bundle, with SHA256SUMS.

Paths are stable (`downloads/<package>/<resource>.csv|json|parquet`, `<package>.xlsx`, `<package>.zip`).
Spreadsheet formats neutralise formula-like text (OWASP CSV injection); JSON and Parquet keep exact text.
Nothing depends on the clock: zip and XLSX timestamps are the catalog's release date, so files are byte-stable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

import duckdb
import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from . import cache, query
from .config import load_yaml
from .csvfile import csv_bytes, formula_like
from .jobs import Submit, last_first
from .package import CATALOG, DESCRIPTOR, format_value
from .schema import RESOURCES, contract, field_names

TEXTS_FILE = "downloads.yaml"
SUMS = "SHA256SUMS"
_MAX_WIDTH = 60


def _zip_time(released: str) -> tuple[int, int, int, int, int, int]:
    day = dt.date.fromisoformat(str(released))
    return (day.year, day.month, day.day, 0, 0, 0)


def _zip(entries: dict[str, bytes], released: str) -> bytes:
    """A zip whose bytes depend only on its entries: fixed timestamps and attributes, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_zip_time(released))
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _json_bytes(rows: list[dict]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: two for each wide (CJK) character."""
    return len(text) if text.isascii() else sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet(book: Workbook, resource: str, names: list[str], rows: list[dict]) -> None:
    sheet = book.create_sheet(resource)
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(names, start=1):
            _cell(sheet.cell(row=r, column=c), row[name])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for c, name in enumerate(names, start=1):
        widest = max(map(_display_width, {name, *(format_value(row[name]) for row in rows)}))  # each text once
        sheet.column_dimensions[get_column_letter(c)].width = min(widest + 2, _MAX_WIDTH)


def _cell(cell, value) -> None:
    """Numbers stay numbers, dates dates; text is always text (never a formula), formula-like text quote-prefixed."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def _xlsx_bytes(tables: dict[str, list[dict]], meta: dict, released: str) -> bytes:
    """One sheet per resource; document properties and zip entries carry the release date, not the clock."""
    book = Workbook()
    book.remove(book.active)
    for resource in RESOURCES:
        _sheet(book, resource, field_names(resource), tables[resource])
    stamp = dt.datetime.combine(dt.date.fromisoformat(str(released)), dt.time())
    props = book.properties
    props.title = ILLEGAL_CHARACTERS_RE.sub("\ufffd", meta["title"])
    props.creator, props.lastModifiedBy = meta["contributors"][0]["title"], None
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # compressed once, by _zip
        ExcelWriter(book, archive).save()
    with zipfile.ZipFile(buffer) as archive:
        return _zip({name: archive.read(name) for name in archive.namelist()}, released)


def _tables(folder: Path, parquet_to: Path | None = None) -> dict[str, list[dict]]:
    """Every resource's rows with the contract's types, read by DuckDB from the package's CSVs; Parquet written on the way
    into `parquet_to`, if given."""
    db = query.load(_database(), folder)
    tables = {resource: query.rows(db, f"SELECT * FROM {resource}") for resource in RESOURCES}
    for resource in RESOURCES:
        if parquet_to:
            target = str(parquet_to / f"{resource}.parquet").replace("'", "''")
            db.execute(f"COPY {resource} TO '{target}' (FORMAT parquet)")
        db.execute(f"DROP TABLE {resource}")  # the memory back before the next package
    return tables


@once
def _database() -> duckdb.DuckDBPyConnection:
    """One in-memory database per process for every package's downloads: opening one costs ~15 ms, ~0.8 s at 50 plans."""
    return duckdb.connect(":memory:")


def citation(meta: dict, catalog: dict, texts: dict) -> bytes:
    """CITATION.cff (Citation File Format 1.2.0) naming the dataset and the plan documents it comes from."""
    cff = {
        "cff-version": "1.2.0",
        "message": texts["citation_message"],
        "type": "dataset",
        "title": f"{catalog['title_en']}: {meta['title']}" if meta["name"] != catalog["name"] else meta["title"],
        "version": str(catalog["version"]),
        "date-released": str(catalog["released"]),
        "license": meta["licenses"][0]["name"],
        "authors": [{"name": c["title"]} for c in meta["contributors"]],
        "references": [_reference(source) for source in meta["sources"]],
    }
    return yaml.safe_dump(cff, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


def _reference(source: dict) -> dict:
    ref = {"type": "government-document", "title": source["title"], "authors": [{"name": source.get("issuer", "")}]}
    if source.get("issue_date"):
        ref["date-published"] = source["issue_date"]
    if source.get("doc_number"):
        ref["number"] = source["doc_number"]
    if source.get("path"):
        ref["url"] = source["path"]
    return ref


def constraint_text(field: dict, words: dict[str, str]) -> str:
    """A field's constraints in one short line for people (required; one of …; pattern; ≥ min; ≤ max)."""
    c = field.get("constraints", {})
    parts = [words["required"]] if c.get("required") else []
    if "enum" in c:
        parts.append(f"{words['one_of']}: {', '.join(c['enum'])}")
    if "pattern" in c:
        parts.append(f"{words['pattern']}: {c['pattern']}")
    parts += [f"{sign} {c[key]}" for key, sign in (("minimum", "≥"), ("maximum", "≤")) if key in c]
    return "; ".join(parts)


def dictionary(lang: str, texts: dict) -> list[dict]:
    """The data dictionary generated from datasets/schema.yaml, for one language's words."""
    words = {key: value[lang] for key, value in texts["text"].items()}
    return [
        {
            "name": resource,
            "spec": contract()[resource],
            "fields": [dict(field, constraint_text=constraint_text(field, words)) for field in contract()[resource]["fields"]],
        }
        for resource in RESOURCES
    ]


@once
def _readme_template():
    """The zip bundles' README template, compiled once per process (~0.05 s: once per package, it was a fifth of
    the time a package's downloads took)."""
    from .page import template_environment

    return template_environment().get_template("bundle-readme.md.j2")


class Bundler:
    """Writes the download files of every package and remembers what it wrote (for the Downloads page)."""

    def __init__(self, catalog: dict, texts: dict):
        self.catalog, self.texts = catalog, texts

    def readme(self, meta: dict, tables: dict[str, list[dict]], files: list[str]) -> bytes:
        text = _readme_template().render(
            meta=meta,
            catalog=self.catalog,
            x=self.texts,
            files=files,
            rows={resource: len(rows) for resource, rows in tables.items()},
            dictionaries={lang: dictionary(lang, self.texts) for lang in ("zh", "en")},
            cite={lang: cite_text(meta, self.catalog, lang) for lang in ("zh", "en")},
        )
        return text.encode("utf-8")

    def licence(self) -> bytes:
        lic = self.catalog["licenses"][0]
        lines = [f"# {lic['title']} ({lic['name']})", "", lic["path"], ""]
        lines += [self.texts["licence"][lang] + "\n" for lang in ("zh", "en")]
        return "\n".join(lines).encode("utf-8")

    def package(self, folder: Path, out: Path, workbook: bool = True) -> dict:
        """All download files of one package folder into `out`; returns its listing. With `workbook` False, all but
        the spreadsheet (written apart by `write_workbook`) and SHA256SUMS: `listed` adds them once both are written."""
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / DESCRIPTOR, out / DESCRIPTOR)
        meta = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
        tables = _tables(folder, out)
        released = str(self.catalog["released"])
        for resource in RESOURCES:
            (out / f"{resource}.csv").write_bytes(csv_bytes(field_names(resource), tables[resource]))
            (out / f"{resource}.json").write_bytes(_json_bytes(tables[resource]))
        if workbook:
            (out / f"{out.name}.xlsx").write_bytes(_xlsx_bytes(tables, meta, released))
        bundle = {f"{resource}.csv": (out / f"{resource}.csv").read_bytes() for resource in RESOURCES}
        bundle["datapackage.json"] = (out / "datapackage.json").read_bytes()
        bundle["CITATION.cff"] = citation(meta, self.catalog, self.texts)
        bundle["LICENSE.md"] = self.licence()
        bundle["README.md"] = self.readme(meta, tables, sorted(bundle) + ["README.md"])
        entries = {f"{out.name}/{name}": bundle[name] for name in sorted(bundle)}
        (out / f"{out.name}.zip").write_bytes(_zip(entries, released))
        written = {
            "id": out.name,
            "meta": meta,
            "rows": {resource: len(rows) for resource, rows in tables.items()},
            "cite": {lang: cite_text(meta, self.catalog, lang) for lang in ("zh", "en")},
        }
        return listed(out, written) if workbook else written


def listed(out: Path, written: dict) -> dict:
    """A package's download folder complete: SHA256SUMS over its files, and their listing beside what `package` gives."""
    write_sums(out)
    return {**written, "files": listing(out)}


def write_workbook(folder: Path, out: Path, catalog: dict) -> None:
    """A package's spreadsheet into `out` (for a worker process: the catalog's is most of its downloads' time)."""
    meta = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{out.name}.xlsx").write_bytes(_xlsx_bytes(_tables(folder), meta, str(catalog["released"])))


def cite_text(meta: dict, catalog: dict, lang: str) -> str:
    """A one-line citation of a package, in the given language."""
    author = meta["contributors"][0]["title"]
    title = meta["title_zh"] if lang == "zh" else meta["title"]
    dataset = catalog["title_zh"] if lang == "zh" else catalog["title_en"]
    version = f"{'版本' if lang == 'zh' else 'version'} {catalog['version']}"
    if meta["name"] == catalog["name"]:
        return f"{author}. {dataset} ({version}, {catalog['released']}). {meta['licenses'][0]['name']}."
    return f"{author}. {dataset}: {title} ({version}, {catalog['released']}). {meta['licenses'][0]['name']}."


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sums(folder: Path) -> None:
    """SHA256SUMS in the format `sha256sum -c` checks: one `<hex>  <name>` line per file, sorted."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != SUMS)
    (folder / SUMS).write_text("".join(f"{sha256(folder / n)}  {n}\n" for n in names), encoding="utf-8")


_KIND = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".parquet": "parquet", ".zip": "zip"}


def listing(folder: Path) -> list[dict]:
    """Every file of a download folder with its format, size and checksum, in a reader's order."""
    order = {"zip": 0, "xlsx": 1, "csv": 2, "json": 3, "parquet": 4, "datapackage": 5, "sha256sums": 6}
    files = []
    for path in folder.iterdir():
        kind = "datapackage" if path.name == "datapackage.json" else "sha256sums" if path.name == SUMS else _KIND[path.suffix]
        files.append({"name": path.name, "kind": kind, "size": path.stat().st_size, "sha256": sha256(path)})
    return sorted(files, key=lambda f: (order[f["kind"]], f["name"]))


def write_downloads(packages: dict[Path, str], out: Path, catalog: dict, texts: dict, submit: Submit) -> Callable[[], list[dict]]:
    """Start writing the download area of every package (descriptor → digest of its files, as
    `package.write_packages` gives them; the catalog first) with `submit`.

    An unchanged package's files come from .cache/ at once (hard links). Returns a function that waits for the
    others and gives the listings for the Downloads page.
    """
    digests = {descriptor.parent: digest for descriptor, digest in packages.items()}
    folders = sorted(digests, key=lambda p: (p.name != CATALOG, p.name))
    keys = {folder: cache.DOWNLOADS.key(digests[folder], catalog, texts) for folder in folders}
    fresh = [folder for folder in folders if not cache.DOWNLOADS.has(keys[folder])]
    writing = {folder: _given_out(folder, out / folder.name, catalog, texts, submit) for folder in fresh}

    def listing_of(folder: Path) -> dict:
        return cache.DOWNLOADS.memo_tree(keys[folder], out / folder.name, lambda: writing[folder]())

    def listings() -> list[dict]:
        return last_first(folders, listing_of)

    return listings


def _given_out(folder: Path, out: Path, catalog: dict, texts: dict, submit: Submit) -> Callable[[], dict]:
    """Give out the writing of one package's downloads; returns a function that waits for it and gives the listing.

    The catalog's spreadsheet is a task of its own (at 500 plans, 8 of the 10 s its downloads take, while a one-plan
    change waited for them): the build writes the catalog's other files itself if the worker has not started them.
    """
    if folder.name != CATALOG:
        return submit(bundle, folder, out, catalog, texts).result
    spreadsheet = submit(write_workbook, folder, out, catalog)
    others = submit(bundle, folder, out, catalog, texts, False)

    def written() -> dict:
        files = others.result()  # first: done here if the worker is still at the spreadsheet
        spreadsheet.result()
        return listed(out, files)

    return written


def bundle(folder: Path, out: Path, catalog: dict, texts: dict, workbook: bool = True) -> dict:
    """All download files of one package (for a worker process: a Bundler of its own); see `Bundler.package`."""
    return Bundler(catalog, texts).package(folder, out, workbook)


def load_texts(datasets: Path) -> dict:
    return load_yaml(datasets / TEXTS_FILE)


def page_context(packages: list[dict], catalog: dict, texts: dict) -> dict:
    """What templates/downloads.md.j2 shows: every file, the data dictionary, licence and citations."""
    dictionaries = {lang: dictionary(lang, texts) for lang in ("zh", "en")}
    return {"packages": packages, "dictionaries": dictionaries, "catalog": catalog, "x": texts}


def quality_context(reports: list[dict], texts: dict) -> dict:
    """What templates/quality.md.j2 shows: the frictionless validation report of every package."""
    return {"reports": reports, "validator": reports[0]["validator"] if reports else "", "x": texts}
