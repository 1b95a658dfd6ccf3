"""Resource limits: oversized documents and absurd lines are refused with a clear message; long lines never hang.

A pathological line (a heading followed by 20,000 spaces, runs of brackets, tags, entities…) must be read
and extracted in bounded time: each document runs in a child process that is killed if it takes too long,
so a regression shows as a failure naming the pattern instead of a CI job that never ends.
"""

from __future__ import annotations

import multiprocessing

import pytest

from planpub import read
from planpub.errors import PlanError
from planpub.extract import extract
from planpub.read import read_document

from .conftest import cli

ROOT = read.Path(__file__).resolve().parent.parent
# Each pattern is repeated to fill a line just under the limit; the prefix makes the line a heading, a
# table cell, a box heading or a target sentence, so every extractor's patterns run over it.
PATTERNS = [
    " ",
    " \t",
    ".",
    "…",
    "·",
    "(",
    "（",
    "<p ",
    "<",
    "&#",
    "1",
    "1.",
    "(1)",
    "%",
    "，",
    "。",
    "工程。",
    "专栏",
    "养",
    "到2025年，达到95%以上",
    "1%的医院和",  # shares in one list: each looks ahead for the list's predicate
    "新建1所、",  # actions whose objects siblings share
]
PREFIXES = ["第一章", "\t(1)", "专栏1 ", "一、", "到2025年，"]
HANG_SECONDS = 60


def _read_and_extract(path: str, wrapped: bool | None) -> None:
    doc = read_document(path)
    if wrapped is not None:  # the document is read as the test means it to be
        assert (doc.wrap_width > 0) == wrapped, f"{path}: wrap width {doc.wrap_width}"
    extract(doc, {"plan_id": "x", "level": "city"})


def in_bounded_time(path, wrapped: bool | None = None) -> None:
    """Read + extract `path` in a child process; fail if it outlives HANG_SECONDS or raises (or, with `wrapped`,
    if its lines are not read as one hard-wrapped paragraph, or as lines of their own)."""
    child = multiprocessing.get_context("fork").Process(target=_read_and_extract, args=(str(path), wrapped))
    child.start()
    child.join(HANG_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"read + extract of {path.name} still running after {HANG_SECONDS} s")
    assert child.exitcode == 0, f"read + extract of {path.name} crashed"


def test_limits_are_far_above_real_plans_and_far_below_a_crawl():
    sources = list((ROOT / "datasets" / "sources").glob("*.txt"))
    largest = max(p.stat().st_size for p in sources)
    longest = max(len(line) for p in sources for line in p.read_text(encoding="utf-8").splitlines())
    assert 10 * largest <= read.MAX_BYTES <= 50 * 1024 * 1024
    assert 10 * longest <= read.MAX_LINE_CHARS <= 1_000_000


def test_document_over_the_size_limit_is_refused_naming_file_and_limit(tmp_path):
    big = tmp_path / "huge.txt"
    line = ("第一章 总则\n" + "养" * 1000 + "\n").encode("utf-8")
    big.write_bytes(line * (read.MAX_BYTES // len(line) + 1))
    with pytest.raises(PlanError, match="limit") as refused:
        read_document(big)
    assert refused.value.file == str(big) and refused.value.hint
    run = cli("extract", str(big), "--out", str(tmp_path / "out"))
    assert run.returncode == 1 and "huge.txt" in run.stderr and "limit" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()


def test_absurdly_long_line_is_refused_naming_its_line(tmp_path):
    doc = tmp_path / "oneline.txt"
    doc.write_text("前言\n第一章 总则\n" + "养老" * read.MAX_LINE_CHARS + "\n", encoding="utf-8")
    run = cli("extract", str(doc), "--out", str(tmp_path / "out"))
    assert run.returncode == 1, run.stdout
    assert "oneline.txt:3" in run.stderr and "characters long" in run.stderr
    assert "Traceback" not in run.stderr


def pathological(folder, prefix: str, step: int) -> read.Path:
    """A document of the pathological lines after `prefix`, each `step` characters shorter than the one before."""
    lines = ["前言", "指标\t2020年\t2025年\t属性"]
    for n, pattern in enumerate(PATTERNS):
        limit = read.MAX_LINE_CHARS - len(prefix) - 40 - n * step
        lines.append(prefix + (pattern * (limit // len(pattern) + 1))[:limit] + "x")
    lines += ["第二章 保障措施", "（1）人均预期寿命（岁）\t77\t78\t预期性"]
    doc = folder / "pathological.txt"
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return doc


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pathological_long_lines_are_read_and_extracted_in_bounded_time(tmp_path, prefix):
    in_bounded_time(pathological(tmp_path, prefix, step=997), wrapped=False)  # each line its own, with its prefix


def test_a_paragraph_hard_wrapped_from_pathological_lines_is_read_and_extracted_in_bounded_time(tmp_path):
    in_bounded_time(pathological(tmp_path, "一、", step=0), wrapped=True)  # one paragraph of millions of characters
