"""The indicator registry (datasets/concepts.yaml): link indicator rows and text targets of many plans to one concept.

Matching is driven by the registry's aliases only: a row belongs to a concept when its printed name equals one
of the concept's aliases after normalising width, spaces and a leading scope (全省, 全市…). Nothing is matched
by guesswork; names that look recurring but match no concept are reported so that a maintainer can add an alias
or a concept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .config import load_yaml_lines
from .errors import PlanError
from .schema import Records

# "全省养老机构护理型床位占比" names the region's scope, not another metric.
_SCOPE = re.compile(r"^全(?:国|省|市|县|区)")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_REQUIRED = ("concept_id", "name_zh", "name_en", "unit_zh", "unit_en", "direction", "definition_zh", "definition_en")
_DIRECTIONS = ("higher", "lower")
# The printed-name column of each resource that carries a concept_id.
NAME_FIELDS = {"indicators": "name_zh", "targets": "metric_zh"}
# A name sharing this many characters in a row with an alias is reported as a possible variant of it.
NEAR_MISS_CHARS = 5


@dataclass(frozen=True)
class Concept:
    concept_id: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    direction: str
    definition_zh: str
    definition_en: str
    aliases: tuple[str, ...]
    qualifiers: tuple[str, ...] = ("",)
    scales_with_size: bool = False


def normalise(text: str | None) -> str:
    """The form names are compared in: NFKC (full-width → ASCII, （）→ ()), no whitespace, no leading 全省/全市/全县."""
    return _SCOPE.sub("", "".join(unicodedata.normalize("NFKC", text or "").split()))


def _concept(entry: dict, path: Path, line: int | None) -> Concept:
    for key in _REQUIRED:
        if not str(entry.get(key) or "").strip():
            raise PlanError(f"concept has no `{key}`", path, line, hint=f"add `{key}:` to this concept")
    if not _ID.match(str(entry["concept_id"])):
        raise PlanError(
            f"concept_id {entry['concept_id']!r} is not a lower-case ASCII slug",
            path,
            line,
            hint="use lower-case letters, digits and hyphens, e.g. life-expectancy",
        )
    if entry["direction"] not in _DIRECTIONS:
        raise PlanError(
            f"direction {entry['direction']!r} is not higher or lower", path, line, hint="write `direction: higher` or `lower`"
        )
    aliases = entry.get("aliases") or []
    if not aliases or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise PlanError("concept needs a list of aliases (the names plans print)", path, line, hint="add `aliases: [名称, …]`")
    return Concept(
        **{key: str(entry[key]) for key in _REQUIRED},
        aliases=tuple(aliases),
        qualifiers=tuple(str(q or "") for q in entry.get("qualifiers", [""])),
        scales_with_size=bool(entry.get("scales_with_size", False)),
    )


def load_concepts(path: Path) -> list[Concept]:
    """The registry, checked: required keys, ASCII ids, ids and aliases unique across concepts."""
    spec, lines = load_yaml_lines(path)
    spec = spec or {}
    concepts: list[Concept] = []
    owner: dict[str, str] = {}
    for number, entry in enumerate(spec.get("concepts") or []):
        line = lines["concepts"][number].line
        concept = _concept(entry, path, line)
        if any(c.concept_id == concept.concept_id for c in concepts):
            raise PlanError(f"duplicate concept_id {concept.concept_id!r}", path, line, hint="give every concept its own id")
        for alias in concept.aliases:
            key = normalise(alias)
            if key in owner and owner[key] != concept.concept_id:
                raise PlanError(
                    f"alias {alias!r} is also an alias of {owner[key]!r}",
                    path,
                    line,
                    hint="an alias may name one concept only",
                )
            owner[key] = concept.concept_id
        concepts.append(concept)
    return concepts


def alias_index(concepts: Iterable[Concept]) -> dict[str, str]:
    """Normalised alias → concept_id."""
    return {normalise(alias): c.concept_id for c in concepts for alias in c.aliases}


def link(records: Records, concepts: list[Concept]) -> int:
    """Fill `concept_id` of indicators and targets in place from the aliases; keeps one set by a correction."""
    index = alias_index(concepts)
    linked = 0
    for resource, name_field in NAME_FIELDS.items():
        for row in records[resource]:
            if not row.get("concept_id"):
                row["concept_id"] = index.get(normalise(row.get(name_field))) or None
            linked += bool(row["concept_id"])
    return linked


def named_rows(records: Records) -> list[dict]:
    """Every row that can carry a concept, as (plan_id, resource, name, concept_id, source_line)."""
    return [
        {
            "plan_id": row["plan_id"],
            "resource": resource,
            "name": row.get(name_field) or "",
            "concept_id": row.get("concept_id") or "",
            "source_line": row["source_line"],
        }
        for resource, name_field in NAME_FIELDS.items()
        for row in records[resource]
    ]


def unused_aliases(concepts: list[Concept], rows: Iterable[dict]) -> list[tuple[str, str]]:
    """(concept_id, alias) pairs that match no row's name: stale aliases or typos."""
    seen = {normalise(r["name"]) for r in rows}
    return [(c.concept_id, a) for c in concepts for a in c.aliases if normalise(a) not in seen]


def _near_concept(name: str, aliases: dict[str, str]) -> str:
    for alias, concept_id in aliases.items():
        match = SequenceMatcher(None, name, alias, autojunk=False).find_longest_match()
        if match.size >= NEAR_MISS_CHARS:
            return concept_id
    return ""


def unmatched(concepts: list[Concept], rows: Iterable[dict]) -> list[dict]:
    """Names matching no concept that look recurring: printed by two or more plans, or close to an alias."""
    aliases = alias_index(concepts)
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        key = normalise(row["name"])
        if key and key not in aliases and not row["concept_id"]:
            by_name.setdefault(key, []).append(row)
    report = []
    for name, found in sorted(by_name.items()):
        plans = sorted({r["plan_id"] for r in found})
        near = _near_concept(name, aliases)
        if len(plans) >= 2 or near:
            where = [f"{r['plan_id']}:{r['source_line']}" for r in found]
            report.append({"name": name, "plans": plans, "near_concept": near, "where": where})
    return report


def format_unmatched(report: list[dict]) -> list[str]:
    """The report as log lines."""
    lines = []
    for item in report:
        why = f"close to {item['near_concept']}" if item["near_concept"] else f"in {len(item['plans'])} plans"
        lines.append(f"  {item['name']}  ({why}; {', '.join(item['where'])})")
    return lines
