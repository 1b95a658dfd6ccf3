"""A Word file or a PDF as text: the lines the source viewer shows, each with its place in the original.

Line n of the rendering (1-based) is what `source_line` n points to. The extractor reads `numbered`: the
rendering's lines, or (in a PDF) paragraphs rejoined from them, each with the rendering line it starts on,
without page furniture. A table row is one line with its cells separated by tabs, merged cells expanded to
empty cells after the first, as the HTML reader does: cell k of a row is its k-th tab-separated field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Rendering:
    lines: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)  # one per line
    numbered: list[tuple[int, str]] = field(default_factory=list)

    def add(self, text: str, place: Place) -> int:
        """Append a line of the rendering; its 1-based number."""
        self.lines.append(text)
        self.places.append(place)
        return len(self.lines)


@dataclass(frozen=True)
class Place:
    """Where a line is in the original: an anchor id for the source viewer and a short label (¶12, 表2·3, p.4)."""

    anchor: str
    label: str
