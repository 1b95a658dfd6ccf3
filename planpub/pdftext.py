"""Part of the read stage: a PDF → its rendering, one line per printed line and per table row, page by page.

Tables with ruling lines come from pdfplumber's table finder, a row per line with its cells separated by tabs
(a merged cell's text once, the cells it covers empty; a cell's wrapped lines rejoined). A table without
ruling lines stays text, and its columns stay apart: words further apart than most of a character are
separated by a run of spaces, which the table reader takes for a column break. What the extractor reads
(`Rendering.numbered`) is the page's paragraphs: a line goes on in the next one that starts at the left edge
when that one's first word or character would not have fit on it, across a page break too; a paragraph printed
after an empty line (a gap of more than a line) keeps that empty line, which the extractor reads as the text
version's blank line (the box reader tells a box's items from the paragraphs above them by it). Page numbers are
left out, and a table that goes on over a page break, its header repeated, is one table.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import PlanError
from .rendering import Place, Rendering

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[-—–－\s]*$")
_GAP = "  "  # between words further apart than most of a character: a column break for the table reader
_NO_PLACE = Place("", "")
_MARGIN = 0.08  # the share of the page height at its top and bottom where running heads and page numbers are


@dataclass
class _Line:
    """A printed line of one page: its text, and where it starts and ends."""

    text: str
    top: float
    x0: float
    x1: float
    size: float
    lead: float = 0.0  # the width of its first unbreakable piece: a Latin word or number, or one Chinese character
    cells: list[str] | None = None  # a row of a ruled table


def render(data: bytes, path: Path) -> Rendering:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:  # pdfplumber wraps pdfminer's error
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise PlanError(
                "the PDF is encrypted with a password",
                path,
                hint="open it with its password and save or print it as a PDF without one, then add that file",
            ) from None
        raise PlanError(f"not a readable PDF ({cause})", path, hint="the file is damaged: download it again") from None
    with pdf:
        try:
            pages = [_page_lines(page) for page in pdf.pages]
        except (PdfminerException, PSException) as exc:  # a page that does not parse
            raise PlanError(f"not a readable PDF ({exc})", path, hint="the file is damaged: download it again") from None
    if not any(line.text.strip() for lines in pages for line in lines):
        raise PlanError(
            "the PDF has no text layer (a scanned document): OCR is not supported",
            path,
            hint="find the plan as a web page, Word file or text PDF on the issuer's site, or run OCR first "
            "(e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`) and check the text it gives",
        )
    return _rendering(pages)


def _page_lines(page) -> list[_Line]:
    """The page's text lines and table rows, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not any(_inside(obj, box) for box in boxes))
    lines = _text_lines(outside.extract_words(extra_attrs=["size"], return_chars=True))
    for table in tables:
        x0, top, x1, _ = table.bbox
        for row, cells in zip(table.rows, table.extract(), strict=True):
            texts = [_unwrap(c) if c else "" for c in cells]
            lines.append(_Line("\t".join(texts), row.bbox[1], x0, x1, 0.0, cells=texts))
    height = float(page.height)
    lines.sort(key=lambda line: line.top)
    return [line for line in lines if not _page_number(line, height)]


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _page_number(line: _Line, height: float) -> bool:
    in_margin = line.top < height * _MARGIN or line.top > height * (1 - _MARGIN)
    return line.cells is None and in_margin and bool(_PAGE_NUMBER.match(line.text))


def _text_lines(words: list[dict]) -> list[_Line]:
    """Words on one baseline are one line; a gap wider than most of a character is a column break (`_GAP`)."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < word["size"] * 0.4:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for group in lines:
        group.sort(key=lambda w: w["x0"])
        text = group[0]["text"]
        for before, word in zip(group, group[1:], strict=False):
            gap = word["x0"] - before["x1"]
            text += (_GAP if gap > word["size"] * 0.8 else " " if gap > word["size"] * 0.15 else "") + word["text"]
        out.append(_Line(text, group[0]["top"], group[0]["x0"], group[-1]["x1"], group[0]["size"], _lead(group[0]["chars"])))
    return out


def _lead(chars: list[dict]) -> float:
    """The width of a line's first piece that a line break cannot cut: a run of Latin letters (with tone marks, as
    in a pinyin reading `(zhōng)`), digits and signs."""
    end = chars[0]["x1"]
    for char in chars[1:] if _unbreakable(chars[0]["text"]) else ():
        if not _unbreakable(char["text"]):
            break
        end = char["x1"]
    return end - chars[0]["x0"]


def _unbreakable(text: str) -> bool:
    """Not a CJK character or CJK punctuation (a line may break before any of those)."""
    return all(ord(c) < 0x2E80 for c in text)


def _unwrap(text: str) -> str:
    """A cell's lines as the cell's text: a wrap between two Chinese characters leaves no space."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out += (" " if out[-1].isascii() and part[0].isascii() else "") + part
    return out


# A line this many font sizes below the one before it (the usual distance is about 1.6) has an empty line above it.
_BLANK_LINE = 2.4


def _rendering(pages: list[list[_Line]]) -> Rendering:
    out = Rendering()
    text_lines = [line for lines in pages for line in lines if line.cells is None]
    left = _most_common(line.x0 for line in text_lines)  # the text block's edges: where most lines start and end
    right = _most_common(line.x1 for line in text_lines)
    header: list[str] = []  # the first row of the table being read
    in_table = open_paragraph = False
    last = _Line("", 0.0, 0.0, 0.0, 0.0)  # the last text line read
    for number, lines in enumerate(pages, start=1):
        for n, line in enumerate(lines, start=1):
            at = out.add(line.text, Place(f"page-{number}", f"p.{number}") if n == 1 else _NO_PLACE)
            if line.cells is not None:
                if n == 1 and in_table and line.cells == header:
                    continue  # the header repeated at the top of the next page: the same table goes on
                header = header if in_table else line.cells
                out.numbered.append((at, line.text))
                in_table, open_paragraph = True, False
                continue
            if open_paragraph and line.x0 <= left + line.size and last.x1 + line.lead >= right - line.size:
                first, text = out.numbered[-1]
                out.numbered[-1] = (first, _unwrap(text + "\n" + line.text))
            else:
                if n > 1 and line.top - last.top > _BLANK_LINE * line.size:
                    out.numbered.append((at, ""))  # an empty line printed before it, as the text version has
                out.numbered.append((at, line.text))
            in_table, last = False, line
            open_paragraph = _GAP not in line.text
    return out


def _most_common(values) -> float:
    counts = Counter(round(v) for v in values)
    return float(counts.most_common(1)[0][0]) if counts else 0.0
