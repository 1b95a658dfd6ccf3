"""Property-based fuzzing of read + extract: random and mutated real documents never crash or hang.

Any input either becomes records that keep the contract (every row's source_line points into the
document) or is refused with a PlanError; nothing else may escape. Kept to a few hundred examples so
CI stays quick; bench/fuzz.py runs the same properties for as long as you like.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planpub.errors import PlanError
from planpub.extract import extract
from planpub.extract.values import parse_cell
from planpub.read import read_document

from .conftest import SOURCES

REAL = [p.read_bytes() for p in sorted(SOURCES.glob("*.txt"))]
# The pieces plan documents are made of, so random text exercises every extractor's patterns.
TOKENS = [
    "第一章",
    "第二节",
    "一、",
    "（一）",
    "(1)",
    "1.",
    "专栏1",
    "重点工程",
    "工程。",
    "指标",
    "2020年",
    "2025年",
    "约束性",
    "预期性",
    "\t",
    "\n",
    "\n\n",
    " ",
    "\u3000",
    "%",
    "‰",
    "≥",
    "＞",
    "90",
    "6.5",
    "左右",
    "年均",
    "（%）",
    "—",
    "-",
    "到2025年，",
    "达到",
    "以上",
    "。",
    "，",
    "；",
    "<p>",
    "</p>",
    "&nbsp;",
    "體(tǐ)",
    "目录",
    "…… 12",
    "注：",
    "\ufeff",
    "\r\n",
    "养老",
    "覆盖率",
]
FUZZ = settings(max_examples=150, deadline=dt.timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])


def read_and_extract(tmp_path, data: bytes) -> None:
    """The property: records whose source lines exist, or one PlanError."""
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    try:
        doc = read_document(path)
    except PlanError as refused:
        assert refused.file == str(path) and refused.message
        return
    text = data.decode("utf-8-sig" if doc.encoding == "utf-8" else doc.encoding)  # as the read stage decoded it
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    records = extract(doc, {"plan_id": "fuzz", "level": "city"})
    for resource, rows in records.items():
        for row in rows:
            if "source_line" in row and row["source_line"] is not None:
                assert 1 <= row["source_line"] <= lines, (resource, row)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused_with_a_plan_error(tmp_path_factory, data):
    read_and_extract(tmp_path_factory.mktemp("bytes"), data)


@FUZZ
@given(parts=st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=300))
def test_random_plan_shaped_text_extracts_without_crashing(tmp_path_factory, parts):
    read_and_extract(tmp_path_factory.mktemp("text"), "".join(parts).encode("utf-8"))


@st.composite
def mutated_real_document(draw) -> bytes:
    """A real document with lines dropped, repeated, shuffled or spliced with plan tokens, or cut anywhere."""
    lines = draw(st.sampled_from(REAL)).split(b"\n")
    for _ in range(draw(st.integers(1, 12))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "repeat", "swap", "splice", "cut"]))
        if kind == "drop":
            del lines[i]
        elif kind == "repeat":
            lines[i:i] = [lines[i]] * draw(st.integers(1, 5))
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "splice":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS)).encode("utf-8") + lines[i][at:]
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]  # may cut a UTF-8 sequence in half
        if not lines:
            lines = [b""]
    return b"\n".join(lines)


@settings(FUZZ, max_examples=60)
@given(data=mutated_real_document())
def test_mutated_real_documents_extract_or_are_refused_with_a_plan_error(tmp_path_factory, data):
    read_and_extract(tmp_path_factory.mktemp("mutated"), data)


@settings(FUZZ, max_examples=300)
@given(raw=st.text(max_size=30) | st.lists(st.sampled_from(TOKENS), max_size=6).map("".join))
def test_a_parsed_cell_keeps_its_raw_text_and_has_a_value_only_with_a_comparator(raw):
    cell = parse_cell(raw)
    assert cell.raw == raw
    assert (cell.value is None) == (cell.comparator is None)
    assert cell.comparator in (None, "=", ">=", ">", "<=", "<", "~")
