"""The data contract, read once from datasets/schema.yaml and shared by every stage."""

from __future__ import annotations

import re
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


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "date":
        import datetime

        if isinstance(value, datetime.date):
            return True
        try:
            datetime.date.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    return True


def check_value(resource: str, name: str, value: Any) -> str | None:
    """Why `value` does not fit the contract's field (type and constraints), or None when it does."""
    spec = field_spec(resource, name)
    rules = spec.get("constraints", {})
    if value is None or value == "":
        return f"`{name}` is required" if rules.get("required") else None
    kind = spec["type"]
    if not _type_ok(kind, value):
        return f"`{name}` must be of type {kind}, got {value!r}"
    if "enum" in rules and value not in rules["enum"]:
        return f"`{name}` must be one of {', '.join(map(str, rules['enum']))}, got {value!r}"
    if "pattern" in rules and not re.fullmatch(rules["pattern"], str(value)):
        return f"`{name}` must match {rules['pattern']}, got {value!r}"
    if "minimum" in rules and value < rules["minimum"]:
        return f"`{name}` must be at least {rules['minimum']}, got {value!r}"
    if "maximum" in rules and value > rules["maximum"]:
        return f"`{name}` must be at most {rules['maximum']}, got {value!r}"
    return None
