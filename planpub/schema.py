"""The data contract, read once from datasets/schema.yaml and shared by every stage."""

from __future__ import annotations

from functools import cache
from typing import Any

from .config import ROOT, load_yaml

SCHEMA_FILE = ROOT / "datasets" / "schema.yaml"
RESOURCES = ("plans", "indicators", "projects", "boxes", "targets", "sections", "tables", "corrections")

Row = dict[str, Any]
Records = dict[str, list[Row]]


@cache
def contract() -> dict[str, dict]:
    """All resource descriptors keyed by resource name."""
    return load_yaml(SCHEMA_FILE)["resources"]


def field_names(resource: str) -> list[str]:
    return [f["name"] for f in contract()[resource]["fields"]]


def field_types(resource: str) -> dict[str, str]:
    return {f["name"]: f["type"] for f in contract()[resource]["fields"]}


def table_schema(resource: str) -> dict:
    """The Frictionless Table Schema of a resource (fields, keys, constraints, bilingual titles)."""
    spec = contract()[resource]
    schema = {"fields": [dict(f) for f in spec["fields"]], "primaryKey": spec["primaryKey"], "missingValues": [""]}
    if "foreignKeys" in spec:
        schema["foreignKeys"] = spec["foreignKeys"]
    return schema


def new_row(resource: str, **values: Any) -> Row:
    """A row with every contract field present (missing ones empty), in contract order."""
    unknown = set(values) - set(field_names(resource))
    if unknown:
        raise KeyError(f"{resource} has no field(s) {sorted(unknown)}")
    return {name: values.get(name) for name in field_names(resource)}


def empty_records() -> Records:
    return {name: [] for name in RESOURCES}


def field_spec(resource: str, name: str) -> dict:
    return next(f for f in contract()[resource]["fields"] if f["name"] == name)


@cache
def _schema(resource: str):
    """The resource's Table Schema as frictionless reads it: its fields' readers check type and constraints."""
    from frictionless import Schema

    return Schema.from_descriptor(table_schema(resource))


def check_value(resource: str, name: str, value: Any) -> str | None:
    """Why `value` does not fit the contract's field (type and constraints), or None when it does.

    frictionless' field reader decides; a value it would have to cast from text (`"55"` for a number) is refused too,
    since curated YAML must give the value itself.
    """
    spec = field_spec(resource, name)
    rules = spec.get("constraints", {})
    if value is None or value == "":
        return f"`{name}` is required" if rules.get("required") else None
    _, notes = _schema(resource).get_field(name).read_cell(value)
    kind = spec["type"]
    if notes and "type" not in notes:
        rule = next(iter(notes))
        return f"`{name}` {_RULE_WORDS[rule]} {_rule_value(rules, rule)}, got {value!r}"
    if notes or (isinstance(value, str) and kind not in ("string", "date")):
        return f"`{name}` must be of type {kind}, got {value!r}"
    return None


_RULE_WORDS = {
    "enum": "must be one of",
    "pattern": "must match",
    "minimum": "must be at least",
    "maximum": "must be at most",
    "minLength": "must be at least this long:",
    "maxLength": "must be at most this long:",
}


def _rule_value(rules: dict, rule: str) -> str:
    return ", ".join(map(str, rules[rule])) if rule == "enum" else str(rules[rule])
