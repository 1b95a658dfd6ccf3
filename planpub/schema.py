"""The data contract, read once from datasets/schema.yaml and shared by every stage."""

from __future__ import annotations

from functools import cache
from typing import Any

from .config import ROOT, load_yaml

SCHEMA_FILE = ROOT / "datasets" / "schema.yaml"
RESOURCES = ("plans", "indicators", "projects", "targets", "sections")

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
