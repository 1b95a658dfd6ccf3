"""Stage 1, read: raw document bytes → normalised lines, each mapped back to its raw line number.

The format comes from the content, not the file name: text (UTF-8, GB18030, Big5), an HTML page (`htmltext`),
a Word file (`docxtext`) or a PDF (`pdftext`). A Word file or a PDF is read through its rendering (`rendering`):
the text the source viewer shows, whose line numbers are the raw line numbers.

Normalisation removes scraping noise without losing the way back to the source:
traditional → simplified (OpenCC), pinyin annotations (`一(yī)`), formatting HTML tags,
HTML entities, odd spaces, private-use characters, full-width digits and letters.
"""

from __future__ import annotations

import hashlib
import html
import io
import operator
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from .errors import PlanError
from .htmltext import declared_charset, html_lines, is_html
from .rendering import Rendering

MAX_BYTES = 20 * 1024 * 1024
FORMATS = "a text file, an HTML page, a Word file (.docx) or a PDF with a text layer"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a legacy Office file: .doc, .wps, .xls
MAX_LINE_CHARS = 200_000

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin reading in (half- or full-width) parentheses right after a CJK character: 體(tǐ), 一（yī）.
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]")
# Tags that scraped pages leave behind as formatting; anything else stays as (escaped) text.
_FORMAT_TAGS = re.compile(
    r"</?(?:p|br|span|div|font|b|strong|i|em|u|td|tr|th|table|tbody|thead|li|ul|ol|h[1-6]|section|article|sup|sub)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# A paragraph or line-break tag inside a scraped line separates paragraphs: both parts keep the raw line number.
_BLOCK_BREAK = re.compile(r"(?<=\S)\s*(?:</p>\s*<p(?:\s[^<>]*)?>|<br\s*/?>|</tr>\s*<tr(?:\s[^<>]*)?>)\s*(?=\S)", re.IGNORECASE)
# Between two cells of an HTML table row kept as text: a tab, so that the row keeps its columns.
_CELL_BREAK = re.compile(r"</t[dh]>\s*<t[dh](?:\s[^<>]*)?>", re.IGNORECASE)
_HAN = re.compile("[\u4e00-\u9fff]+")
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\ue000-\uf8ff]")
_FULLWIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
    | {chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)}  # Ａ-Ｚ
    | {chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)}  # ａ-ｚ
    | {"％": "%", "．": "."}
)


@dataclass
class Document:
    """A normalised document: `lines[i]` came from raw line `raw_lines[i]` (1-based)."""

    path: Path
    sha256: str
    script: str
    encoding: str = "utf-8"  # what the raw bytes were decoded from
    format: str = "text"  # text, html, docx or pdf
    lines: list[str] = field(default_factory=list)
    raw_lines: list[int] = field(default_factory=list)

    def numbered(self) -> list[tuple[int, str]]:
        """(raw line number, normalised text) pairs, in order."""
        return list(zip(self.raw_lines, self.lines, strict=True))

    def paragraphs(self, skip: frozenset[int] | set[int] = frozenset()) -> list[Paragraph]:
        """Prose paragraphs, with paragraphs cut by a page break (blank line mid-sentence) or a hard wrap rejoined.

        Raw lines in `skip` (tables, page furniture) end a paragraph and are left out.
        """
        out: list[Paragraph] = []
        pending: Paragraph | None = None
        wrap = self.wrap_width  # once per document, not once per extractor that asks for paragraphs
        previous_line = 0
        for raw_line, line in self.numbered():
            text = line.strip()
            if raw_line in skip:
                pending = None
                continue
            if not text:
                continue
            adjacent = raw_line == previous_line + 1
            previous_line = raw_line
            if pending is not None and _continues(pending, text, adjacent, wrap):
                pending.append(text, raw_line)
                continue
            pending = Paragraph(text, [(0, raw_line)])
            out.append(pending)
        return out

    @cached_property
    def wrap_width(self) -> int:
        """The width at which the text is hard-wrapped (the commonest length of long lines), or 0 if it is not."""
        lengths = Counter(len(t) for t in (line.strip() for line in self.lines) if len(t) >= _WRAP_MIN)
        if not lengths:
            return 0
        width = max(lengths, key=lambda n: sum(lengths[k] for k in range(n - 2, n + 1)))
        share = sum(lengths[k] for k in range(width - 2, width + 1)) / sum(lengths.values())
        return width if share >= _WRAP_SHARE and sum(lengths.values()) >= 5 else 0


@dataclass
class Paragraph:
    """Text of one paragraph and where each raw line starts in it (offset, raw line)."""

    text: str
    starts: list[tuple[int, int]]

    @property
    def source_line(self) -> int:
        return self.starts[0][1]

    @property
    def last_line(self) -> str:
        """The text of its last raw line."""
        return self.text[self.starts[-1][0] :]

    def append(self, text: str, raw_line: int) -> None:
        self.starts.append((len(self.text), raw_line))
        self.text += text

    def line_at(self, offset: int) -> int:
        """The raw line holding the character at `offset`."""
        line = self.starts[0][1]
        for start, raw_line in self.starts:
            if start > offset:
                break
            line = raw_line
        return line


_TERMINAL = tuple("。！？；：:;!?”」』）)】》…")
_HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[章节编篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|专栏|\d+[.、．])"
)
_ITEM_NAME = re.compile(r"^[^。，,；：]{2,30}?(?:工程|项目|计划|行动)[。：:]")


# A hard-wrapped text has at least this share of its long lines within two characters of one width.
_WRAP_MIN, _WRAP_SHARE = 16, 0.5
# A line starting with one of these continues the one before it: `，为调整产业结构提供用水保障`.
_CONTINUATION = tuple("，,。、；;：:）)」』”…")


def _continues(paragraph: Paragraph, text: str, adjacent: bool, wrap: int) -> bool:
    """A line continues the previous paragraph when that one stops mid-sentence: cut by a page break (a blank line
    between) or by a hard wrap (the previous line fills the wrap width, or this one starts with punctuation).
    Adjacent short lines that each end a phrase are items of a list (`…达到50%` / `每万人拥有…`): not joined."""
    previous = paragraph.last_line
    if "\t" in previous or "\t" in text or previous.endswith(_TERMINAL):
        return False
    if adjacent and text.startswith(_CONTINUATION):
        return True
    if len(paragraph.text) < 20 or _HEADING_START.match(text) or _ITEM_NAME.match(text):
        return False
    return not adjacent or (wrap > 0 and len(previous) >= wrap - 1)


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text and the encoding it was decoded from, strictly: a BOM or a page's declared charset first, then UTF-8,
    then GB18030 or Big5 (whichever decodes, detected when both do). Bytes that none decodes are an error."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError("this is a binary file, not a text document", path, hint=f"give {FORMATS}")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _strict(data, codec, path), codec.removesuffix("-sig")
    if is_html(data) and (declared := declared_charset(data)):
        codec = _CODECS.get(declared, declared)
        return _strict(data, codec, path, f"declared charset {declared}"), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    decoded = {}
    for codec in ("gb18030", "big5"):
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if len(decoded) > 1:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data, cp_isolation=list(decoded)).best()
        codec = "big5" if best is not None and best.encoding == "big5" else "gb18030"
        return decoded[codec], codec
    if decoded:
        codec, text = next(iter(decoded.items()))
        return text, codec
    raise _undecodable(
        data,
        first_error,
        path,
        "neither UTF-8, GB18030 nor Big5",
        "the file is damaged or in another encoding: convert it to UTF-8 first",
    )


# Charsets pages declare, as the codec that decodes all they may hold (GB2312 and GBK pages often hold GB18030 text).
_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "big5-hkscs": "big5hkscs"}


def _strict(data: bytes, codec: str, path: Path, what: str = "") -> str:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        if isinstance(exc, LookupError):
            raise PlanError(f"unknown encoding {codec!r} ({what})", path, hint="convert the page to UTF-8 first") from None
        message = f"not valid {codec} ({what or 'byte order mark'})"
        raise _undecodable(data, exc, path, message, "the file is damaged, or its declared encoding is wrong") from None


def _undecodable(data: bytes, exc: UnicodeDecodeError, path: Path, message: str, hint: str) -> PlanError:
    """One message for bytes that do not decode: the byte, its offset and its line; never replaced."""
    line = data[: exc.start].count(b"\n") + 1
    return PlanError(f"{message} (byte 0x{data[exc.start]:02x} at offset {exc.start})", path, line, hint=hint)


def detect_script(text: str) -> str:
    """'traditional' when converting to simplified changes a noticeable share of the Han characters."""
    sample = "".join(_HAN.findall(text[:100_000]))[:20_000]
    if not sample:
        return "simplified"
    converted = _t2s().convert(sample)
    changed = sum(map(operator.ne, sample, converted)) if len(converted) == len(sample) else len(sample)
    return "traditional" if changed / len(sample) > 0.03 else "simplified"


# Forum pages (Discuz) salt each cell with anti-scraping junk: runs of 1–2-character ASCII tokens such as
# `- ?7 D( R- u' J7 p" p`, whose first character is glued onto the text before it (`>804 b!` is `>80`).
_JAM_HINT = re.compile(r"(?:^| )[!-~]{1,2} [!-~]{1,2} [!-~]{1,2} [!-~]{1,2}(?= |$)")
_JUNKISH = re.compile(r"^(?:[!-~]?[^0-9A-Za-z\s][!-~]?|[A-Za-z][0-9]|[0-9][A-Za-z])$")


def _junk_run(tokens: list[str]) -> bool:
    junkish = sum(1 for t in tokens if len(t) == 2 and _JUNKISH.match(t))
    return len(tokens) >= 4 and junkish >= 3 and any(c.isalpha() for t in tokens for c in t)


def strip_jammer(line: str) -> str:
    """Remove forum anti-scraping junk from a line, keeping its cell separators (` | `) and real cells."""
    if not _JAM_HINT.search(line):
        return line
    tokens = line.split(" ")
    out: list[str] = []
    k = 0
    while k < len(tokens):
        end = k
        while end < len(tokens) and 1 <= len(tokens[end]) <= 2 and tokens[end].isascii() and tokens[end] not in ("|", "｜"):
            end += 1
        run = tokens[k:end]
        if not _junk_run(run):
            out.append(tokens[k])
            k += 1
            continue
        if out and out[-1] not in ("|", "｜") and out[-1][-1:].isascii() and len(out[-1]) > 1:
            out[-1] = out[-1][:-1]  # the junk's first character, glued onto the text before it
        elif out and out[-1] in ("|", "｜") and len(run[0]) == 2:
            out.append(run[0][0])  # `| -* _+ …`: the cell is `-`, the junk starts at `*`
        k = end
    return " ".join(t for t in out if t)


def normalise_line(line: str) -> str:
    """Scraping noise out, full-width digits in ASCII; tabs (column separators) are kept."""
    line = _FORMAT_TAGS.sub("", line)
    line = strip_jammer(line)
    if "&" in line:
        line = html.unescape(line)
    line = _PINYIN.sub("", line)
    line = _INVISIBLE.sub("", line)
    line = _ODD_SPACES.sub(" ", line)
    line = unicodedata.normalize("NFC", line).translate(_FULLWIDTH)
    return line.rstrip()


def detect_format(data: bytes, path: Path) -> str:
    """text, html, docx or pdf, from the bytes (magic numbers, markup); a legacy or damaged file is an error."""
    if data.startswith(_OLE):
        raise PlanError(
            "this is a legacy Word (.doc) or WPS (.wps) file, which is not read",
            path,
            hint="open it in Word or WPS and save it as .docx, or convert it: soffice --headless --convert-to docx FILE",
        )
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            hint = "download it again, or open it in Word or LibreOffice and save it again as .docx"
            raise PlanError("this zip or Word (.docx) file is damaged", path, hint=hint) from None
        if "word/document.xml" not in names:
            raise PlanError("this is a zip file but not a Word document (no word/document.xml)", path, hint=f"give {FORMATS}")
        return "docx"
    return "html" if is_html(data) else "text"


def rendering(data: bytes, path: Path) -> Rendering | None:
    """A Word file's or a PDF's text as the source viewer shows it; None for text and HTML (shown as they are)."""
    kind = detect_format(data, path)
    return _render(kind, data, path) if kind in ("docx", "pdf") else None


def _render(kind: str, data: bytes, path: Path) -> Rendering:
    if kind == "docx":
        from . import docxtext

        return docxtext.render(data, path)
    from . import pdftext

    return pdftext.render(data, path)


_SENTENCE_HAN = 20  # a plan's web page has sentences; a page of links and menus does not


def _is_content(line: str) -> bool:
    """A sentence, or a row of a (data) table: what a page of menus and links does not have."""
    cells = [c for c in line.split("\t") if _HAN.search(c)]
    return sum(map(len, _HAN.findall(line))) >= _SENTENCE_HAN or len(cells) >= 2


def _numbered(data: bytes, path: Path) -> tuple[str, str, list[tuple[int, str]]]:
    """The document's format, encoding and (raw line, text) lines before normalisation."""
    kind = detect_format(data, path)
    if kind in ("docx", "pdf"):
        return kind, "utf-8" if kind == "docx" else "", _render(kind, data, path).numbered
    text, encoding = decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind != "html":
        return kind, encoding, list(enumerate(text.split("\n"), start=1))
    lines = html_lines(text)
    if not any(_is_content(line) for _, line in lines):
        raise PlanError(
            f"the web page holds no plan text (no sentence of {_SENTENCE_HAN} Chinese characters, no table)",
            path,
            hint="save the page that shows the plan itself, not a list, search or login page, "
            "or download the plan's attached document (.docx or .pdf) and add that",
        )
    return kind, encoding, lines


def read_document(path: Path) -> Document:
    """Read and normalise one raw plan document."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError("source document not found", path, hint="check the file name in datasets/plans.yaml") from None
    if len(data) > MAX_BYTES:
        raise PlanError(
            f"document is {len(data) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit",
            path,
            hint="this is not a plan document, or it must be split",
        )
    kind, encoding, numbered = _numbered(data, path)
    script = detect_script("\n".join(line for _, line in numbered))
    if script == "traditional":
        converted = _t2s().convert("\n".join(line for _, line in numbered)).split("\n")
        if len(converted) != len(numbered):
            converted = [_t2s().convert(line) for _, line in numbered]
        numbered = [(number, line) for (number, _), line in zip(numbered, converted, strict=True)]
    doc = Document(path=path, sha256=hashlib.sha256(data).hexdigest(), script=script, encoding=encoding, format=kind)
    for number, line in numbered:
        if len(line) > MAX_LINE_CHARS:
            raise PlanError(
                f"line is {len(line)} characters long (limit {MAX_LINE_CHARS})",
                path,
                number,
                hint="the document is not plan text, or its line breaks were lost",
            )
        if line.count("|") >= 2:  # a line break inside a table row's cell (stacked values) is not a new paragraph
            line = _BLOCK_BREAK.sub(" ", line)
        if "<t" in line or "<T" in line:
            line = _CELL_BREAK.sub("\t", line)
        for part in _BLOCK_BREAK.split(line.strip("\r")) if _BLOCK_BREAK.search(line) else [line]:
            doc.lines.append(normalise_line(part))
            doc.raw_lines.append(number)
    return doc
