"""Part of the read stage: an HTML page → text lines, each with the source line it starts on.

Block elements (p, div, h1–h6, li, br …) end a line. A `<table>` becomes one line per row with its cells
separated by tabs, `colspan` and `rowspan` expanded to empty cells, so the table reader gets the row's columns
in place. A layout table (the page's frame: a cell holding paragraphs, headings, lists or another table) is not a
table of data: its rows and cells only end lines, and what they hold is read as the rest of the page. Scripts,
styles and the page's head are left out; entities are decoded.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "nav", "blockquote", "pre", "hr", "title", "dt", "dd", "caption", "form",
}  # fmt: skip
_SKIP = {"script", "style", "head", "noscript", "template", "svg", "iframe"}
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<table[\s>]", re.IGNORECASE)


def is_html(data: bytes) -> bool:
    """An HTML page, by its content (not its file name): a doctype, html, body or table element near the start."""
    return bool(_HTML.search(data[:4096]))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a meta element, if any."""
    m = re.search(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096], re.IGNORECASE)
    return m[1].decode("ascii").lower() if m else None


# Inside a cell, these make its table a layout table (`br` does not: 城市6.2<br>农村8.2 is one cell's two lines).
_LAYOUT_CONTENT = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "section", "article"}


class _Layout(HTMLParser):
    """First pass: which tables of the page (by their order of opening) are layout tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.layout: set[int] = set()
        self.opened = 0
        self.stack: list[list] = []  # [table number, inside one of its cells]

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _LAYOUT_CONTENT and self.stack and self.stack[-1][1]:
            self.layout.add(self.stack[-1][0])
        if tag == "table":
            self.stack.append([self.opened, False])
            self.opened += 1
        elif tag in ("td", "th") and self.stack:
            self.stack[-1][1] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.stack:
            self.stack.pop()
        elif tag in ("td", "th") and self.stack:
            self.stack[-1][1] = False


class _Text(HTMLParser):
    """Collects (source line, text) lines; table rows as tab-separated cells."""

    def __init__(self, layout: set[int] | frozenset[int] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.layout, self.opened, self.tables = layout, 0, []  # the open tables: is each a layout table?
        self.lines: list[tuple[int, str]] = []
        self.parts: list[str] = []
        self.start = 1
        self.skipping = 0
        self.rows: list[list[str]] = []  # the cells of the table row being read (nested tables flatten)
        self.cell: list[str] | None = None
        self.spans: dict[int, int] = {}  # column → rows still covered by a rowspan from above
        self.colspan = 1

    def _flush(self) -> None:
        raw = "".join(self.parts)
        text = re.sub(r"[ \t\r\n\f]+", " ", raw).strip()
        if text or "\xa0" in raw:  # <p>&nbsp;</p>: an empty line the page shows, as a text version has it
            self.lines.append((self.start, text))
        self.parts = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        if tag == "table":
            self.tables.append(self.opened in self.layout)
            self.opened += 1
        if self.tables and self.tables[-1] and tag in ("table", "tr", "td", "th"):
            tag = "div"  # a layout table's parts only end lines
        if tag == "tr":
            self._flush()
            self.rows.append([])
            self.start = self.getpos()[0]
        elif tag in ("td", "th") and self.rows:
            self._pad_spanned()
            self.cell = []
            span = dict(attrs)
            self.colspan = _int(span.get("colspan"))
            rowspan = _int(span.get("rowspan"))
            if rowspan > 1:
                for k in range(self.colspan):
                    self.spans[len(self.rows[-1]) + k] = rowspan - 1
        elif tag in _BLOCKS and self.cell is None:
            self._flush()
            self.start = self.getpos()[0]
        elif tag in _BLOCKS:
            self.cell.append(" / ")  # 城市6.2<br>农村8.2: the cell's two lines stay apart (a space alone is taken for a wrap)
        if not self.parts and self.cell is None:
            self.start = self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.tables and self.tables[-1] and tag in ("table", "tr", "td", "th"):
            if tag == "table":
                self.tables.pop()
            tag = "div"
        elif tag == "table" and self.tables:
            self.tables.pop()
        if tag in ("td", "th") and self.cell is not None and self.rows:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip(" /")
            self.rows[-1] += [text] + [""] * (self.colspan - 1)
            self.cell = None
        elif tag == "tr" and self.rows:
            self._pad_spanned()
            row = self.rows.pop()
            if any(row):
                self.lines.append((self.start, "\t".join(row)))
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def _pad_spanned(self) -> None:
        """Empty cells where a cell of a row above spans down into this one."""
        row = self.rows[-1]
        while self.spans.get(len(row), 0) > 0:
            self.spans[len(row)] -= 1
            row.append("")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            if not self.parts:
                self.start = self.getpos()[0]
            self.parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _int(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() and 0 < int(value) < 100 else 1


def html_lines(text: str) -> list[tuple[int, str]]:
    """The page's text as (source line, line) pairs, in document order."""
    layout = _Layout()
    layout.feed(text)
    layout.close()
    parser = _Text(layout.layout)
    parser.feed(text)
    parser.close()
    return [(line, html.unescape(part) if "&" in part else part) for line, part in parser.lines]
