"""Plans as Word files, PDFs and web pages: the same rows as their text version, a map back to the original, and bad
files refused.

The five plans as .docx, .pdf and .html are in tests/documents/formats/, written by make_formats.py there.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest

from planpub import read
from planpub.config import ROOT, Paths
from planpub.errors import PlanError
from planpub.extract import extract
from planpub.read import read_document
from planpub.registry import load as load_registry

from .conftest import cli, copy_project, snapshot

FORMATS = ROOT / "tests" / "documents" / "formats"
ENTRIES = {e["plan_id"]: e for e in load_registry(Paths())}
COMPARED = {  # what must come out the same from every format (row ids and source lines aside)
    "indicators": None,
    "sections": ("level", "label", "title_zh"),
    "targets": ("metric_zh", "comparator", "value", "unit_zh", "year", "sentence_zh"),
    "projects": ("box_no", "box_title_zh", "seq", "name_zh", "description_zh"),
}


@cache
def records(plan_id: str, fmt: str) -> dict:
    entry = ENTRIES[plan_id]
    path = Paths().sources / entry["source"] if fmt == "txt" else FORMATS / f"{plan_id}.{fmt}"
    return extract(read_document(path), entry)


def rows(got: dict, resource: str) -> list[dict]:
    keys = COMPARED[resource]
    return [{k: v for k, v in r.items() if (k in keys if keys else not k.startswith("source_line"))} for r in got[resource]]


# The web pages' encodings as make_formats.py writes them (GBK and GB2312 are read as GB18030, their superset).
HTML_ENCODING = {
    p: "gb18030" for p in ("xinzhou-2021-public-services", "shanxi-2021-high-quality-life", "shanxi-2016-basic-public-services")
}


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
@pytest.mark.parametrize("plan_id", sorted(ENTRIES))
def test_each_plan_as_word_pdf_or_web_page_gives_the_rows_of_its_text_version(plan_id, fmt):
    for resource in COMPARED:
        assert rows(records(plan_id, fmt), resource) == rows(records(plan_id, "txt"), resource), resource
    encoding = {"docx": "utf-8", "pdf": "", "html": HTML_ENCODING.get(plan_id, "utf-8")}[fmt]
    assert records(plan_id, fmt)["plans"][0]["source_encoding"] == encoding


def test_the_web_pages_are_as_governments_publish_them():
    """GBK with its charset in a <meta> tag and without one, a layout table around the content, a two-row header."""
    declared = (FORMATS / "xinzhou-2021-public-services.html").read_bytes()
    undeclared = (FORMATS / "shanxi-2021-high-quality-life.html").read_bytes()
    assert b"charset=gbk" in declared and b"charset" not in undeclared
    for page in (declared, undeclared):
        assert b'<table width="100%" class="frame">' in page  # the page frame, a layout table
        page.decode("gbk")  # GBK, not UTF-8
        with pytest.raises(UnicodeDecodeError):
            page.decode("utf-8")
    assert b'rowspan="2"' in declared and '<th colspan="2">指标值</th>'.encode("gbk") in declared
    assert b"<td rowspan=" in declared  # domain cells span their rows


def test_a_word_table_is_read_with_its_merged_cells_and_source_line_names_its_row():
    path = FORMATS / "shanxi-2021-high-quality-life.docx"
    text = read.rendering(path.read_bytes(), path)
    row = next(r for r in records("shanxi-2021-high-quality-life", "docx")["indicators"] if r["sub_item_zh"] == "县级")
    line = text.lines[row["source_line"] - 1]
    assert line.split("\t") == ["", "", "", "县级", "50.5", "72.5", ""]  # domain, number, name and attribute merged down
    assert text.places[row["source_line"] - 1].anchor.startswith("table-1-row-")
    heading = next(s for s in records("shanxi-2021-high-quality-life", "docx")["sections"] if s["level"] == 1)
    assert heading["title_zh"] in text.lines[heading["source_line"] - 1]
    assert text.places[heading["source_line"] - 1].anchor.startswith("para-")


def test_a_ruled_pdf_table_over_a_page_break_with_its_header_repeated_is_one_table():
    path = FORMATS / "xinzhou-2021-public-services.pdf"
    text = read.rendering(path.read_bytes(), path)
    headers = [n for n, line in enumerate(text.lines) if line == "指标\t2020年\t2025年\t指标性质"]
    pages = [next(p.label for p in reversed(text.places[: n + 1]) if p.label) for n in headers]
    assert len(headers) == 2 and pages[0] != pages[1]
    got = records("xinzhou-2021-public-services", "pdf")
    assert len(got["tables"]) == 1 and got["tables"][0]["rows_read"] == 28
    row = got["indicators"][0]
    assert text.lines[row["source_line"] - 1].startswith("(1)孕产妇死亡率")


def test_the_format_comes_from_the_content_not_the_file_name(tmp_path):
    for source, name in (("xinzhou-2021-public-services.docx", "plan.txt"), ("xinzhou-2021-public-services.pdf", "plan")):
        path = tmp_path / name
        path.write_bytes((FORMATS / source).read_bytes())
        assert read_document(path).format == source.rsplit(".", 1)[1]


def _pdf(tmp_path: Path, **options) -> Path:
    from reportlab.pdfgen import canvas

    path = tmp_path / "plan.pdf"
    page = canvas.Canvas(str(path), **options)
    if options:
        page.drawString(72, 720, "Plan 2021-2025")
    else:
        page.rect(72, 400, 300, 300, fill=1)  # a scan: a picture of a page, no text
    page.showPage()
    page.save()
    return path


def _docx_bytes() -> bytes:
    return (FORMATS / "xinzhou-2021-public-services.docx").read_bytes()


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


BAD = {
    "encrypted PDF": (lambda tmp: _pdf(tmp, encrypt="secret").read_bytes(), "encrypted with a password"),
    "scanned PDF": (lambda tmp: _pdf(tmp).read_bytes(), "no text layer (a scanned document): OCR is not supported"),
    "damaged PDF": (lambda tmp: b"%PDF-1.4\n1 0 obj <<", "not a readable PDF"),
    "damaged DOCX": (lambda tmp: _docx_bytes()[:20_000], "this zip or Word (.docx) file is damaged"),
    "DOCX without its styles": (lambda tmp: _without(_docx_bytes(), "[Content_Types].xml"), "Word (.docx) file is damaged"),
    "zip, not a Word file": (lambda tmp: _zip_without_document(), "a zip file but not a Word document"),
    "web page without plan text": (
        lambda tmp: (
            '<html><head><meta charset="utf-8"><title>政务公开</title></head><body><ul><li><a href="/">首页</a></li>'
            '<li><a href="/zwgk">政务公开</a></li><li><a href="/search">站内搜索</a></li><li>登录</li></ul></body></html>'
        ).encode(),
        "the web page holds no plan text",
    ),
    "legacy .doc or .wps": (
        lambda tmp: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504),
        "legacy Word (.doc) or WPS (.wps) file",
    ),
}


def _without(data: bytes, name: str) -> bytes:
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            if item.filename != name:
                archive.writestr(item, source.read(item))
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_one_clear_message_and_add_writes_nothing(tmp_path, case):
    make, words = BAD[case]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(make(tmp_path))
    with pytest.raises(PlanError) as error:
        read_document(bad)
    assert words in error.value.message
    paths = copy_project(tmp_path / "project")
    before = snapshot(paths.root / "datasets")
    ran = cli("add", str(bad), "--plan-id", "bad-plan", "--root", str(paths.root))
    assert ran.returncode == 1 and words in ran.stderr and "Traceback" not in ran.stderr
    assert snapshot(paths.root / "datasets") == before


def test_the_hints_say_what_to_do_with_a_scan_or_a_legacy_word_file(tmp_path):
    hints = {}
    for case in ("scanned PDF", "legacy .doc or .wps"):
        path = tmp_path / "bad"
        path.write_bytes(BAD[case][0](tmp_path))
        with pytest.raises(PlanError) as error:
            read_document(path)
        hints[case] = error.value.hint
    assert "ocrmypdf" in hints["scanned PDF"] and "Word file" in hints["scanned PDF"]
    assert "save it as .docx" in hints["legacy .doc or .wps"]
    assert "soffice --headless --convert-to docx" in hints["legacy .doc or .wps"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    path = tmp_path / "plan.pdf"
    path.write_bytes((FORMATS / "xinzhou-2021-public-services.pdf").read_bytes())
    with pytest.raises(PlanError, match="over the 0 MB limit|over the"):
        read_document(path)


def test_add_copies_a_pdf_byte_for_byte_and_extract_reads_a_word_file(tmp_path):
    paths = copy_project(tmp_path / "project")
    pdf = tmp_path / "xinzhou.pdf"
    pdf.write_bytes((FORMATS / "xinzhou-2021-public-services.pdf").read_bytes())
    ran = cli("add", str(pdf), "--plan-id", "xinzhou-pdf", "--root", str(paths.root))
    assert ran.returncode == 0, ran.stderr
    assert (paths.sources / "xinzhou.pdf").read_bytes() == pdf.read_bytes()
    assert "source: xinzhou.pdf" in paths.registry.read_text(encoding="utf-8")
    out = tmp_path / "package"
    ran = cli("extract", str(FORMATS / "shanxi-2021-high-quality-life.docx"), "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    assert "docx" in ran.stdout and "26 indicators" in ran.stdout
    assert (out / "indicators.csv").exists()


def test_the_source_page_of_a_pdf_shows_its_text_with_page_anchors_and_offers_the_original(tmp_path, monkeypatch):
    from planpub import page, query
    from planpub.config import load_yaml

    name = "xinzhou-2021-public-services.pdf"
    plan = {"plan_id": "xinzhou-pdf", "source_file": name, "source_sha256": "0" * 64, "title_zh": "忻州", "script": "simplified"}
    monkeypatch.setattr(query, "plans", lambda db: [plan])
    monkeypatch.setattr(query, "spans", lambda db, plan_id: {})
    writer = page.PageWriter(None, load_yaml(ROOT / "datasets" / "ui.yaml"), tmp_path / "docs", FORMATS)
    page.source_pages(writer)
    assert (tmp_path / "docs" / "sources" / "raw" / name).read_bytes() == (FORMATS / name).read_bytes()
    text = (tmp_path / "docs" / "sources" / "xinzhou-pdf.en.md").read_text(encoding="utf-8")
    assert 'id="page-2"' in text and '<span class="where">p.2</span>' in text and "Word file or a PDF" in text
    assert '<span class="line" id="L1"><a class="ln" href="#L1">1</a>' in text
