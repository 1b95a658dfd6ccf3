"""Stage 4, translate: fill every `*_en` column from the curated translations in datasets/i18n/.

Every YAML file there maps Chinese text to English, grouped under any keys the
translators find useful; the build never guesses a translation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_yaml
from .errors import PlanError
from .schema import Records, contract

# Which Chinese column each English column translates.
EN_SOURCES = {
    resource: {f["name"]: f["name"][:-3] + "_zh" for f in spec["fields"] if f["name"].endswith("_en")}
    for resource, spec in contract().items()
}


@dataclass
class Coverage:
    """Translated and missing counts per (plan, resource, field), plus the missing strings."""

    done: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    missing_text: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        keys = sorted(set(self.done) | set(self.missing))
        return [
            {"plan_id": p, "resource": r, "field": f, "translated": self.done[(p, r, f)], "missing": self.missing[(p, r, f)]}
            for p, r, f in keys
        ]


def load_translations(folder: Path) -> dict[str, str]:
    """All zh → en entries of every YAML file in the folder (nested groups flattened)."""
    table: dict[str, str] = {}

    def walk(node, path: Path) -> None:
        for key, value in (node or {}).items():
            if isinstance(value, dict):
                walk(value, path)
            elif isinstance(value, str):
                table[str(key)] = value
            elif value is not None:
                raise PlanError(f"translation of {key!r} is not text", path, hint="write the English as a string")

    for path in sorted(folder.glob("*.yaml")):
        walk(load_yaml(path), path)
    return table


def translate(records: Records, table: dict[str, str], coverage: Coverage) -> None:
    """Fill the English columns in place and count what is missing."""
    for resource, pairs in EN_SOURCES.items():
        for row in records[resource]:
            for en, zh in pairs.items():
                text = row.get(zh)
                if not text:
                    continue
                key = (row["plan_id"], resource, en)
                if text in table:
                    row[en] = table[text]
                    coverage.done[key] += 1
                else:
                    coverage.missing[key] += 1
                    coverage.missing_text.setdefault((resource, en), set()).add(text)
