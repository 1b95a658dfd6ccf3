"""Stage 3, curate: apply maintainers' corrections from datasets/overrides/<plan_id>.yaml.

A correction fixes one field of a row named by its id; a drop removes a row; an add supplies a row
the extractor missed. Each needs a reason, each value is checked against datasets/schema.yaml, and
each becomes a row of the `corrections` resource, so the site and the downloads show what was
changed, from what, and why. An override whose row no longer exists fails the build (file and line).

    corrections:
      - {resource: indicators, id: i005, field: target_value, value: 55, reason: "..."}
    drops:
      - {resource: projects, id: p003, reason: "..."}
    adds:
      - resource: targets
        reason: "..."
        row: {target_id: t900, metric_zh: ..., source_line: 120}
"""

from __future__ import annotations

import datetime
from pathlib import Path

from .config import Lines, load_yaml_lines
from .errors import PlanError
from .package import format_value
from .schema import RESOURCES, Records, check_value, contract, field_names, new_row

CORRECTIONS = "corrections"
CORRECTABLE = tuple(r for r in RESOURCES if r != CORRECTIONS)
_KEYS = {
    "corrections": ("resource", "id", "field", "value", "reason"),
    "drops": ("resource", "id", "reason"),
    "adds": ("resource", "row", "reason"),
}
_ACTION = {"corrections": "corrected", "drops": "dropped", "adds": "added"}


def _id_field(resource: str) -> str:
    return contract()[resource]["primaryKey"][-1]


def _plain(value):
    """YAML dates as ISO text, like the extractor writes them."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _check_keys(entry: object, kind: str, path: Path, where: Lines) -> tuple[dict, Lines]:
    if not isinstance(entry, dict):
        raise PlanError(
            f"each item under `{kind}` must be a mapping", path, where.line, hint="see the example in planpub/curate.py"
        )
    for key in entry:
        if key not in _KEYS[kind]:
            raise PlanError(
                f"unknown field `{key}` in an item of `{kind}`",
                path,
                where.of(key),
                hint=f"fields allowed here: {', '.join(_KEYS[kind])}",
            )
    if not str(entry.get("reason") or "").strip():
        raise PlanError("an override needs a `reason`", path, where.line, hint="say why the value is corrected")
    if entry.get("resource") not in CORRECTABLE:
        raise PlanError(
            f"unknown resource {entry.get('resource')!r}",
            path,
            where.of("resource"),
            hint=f"use one of {', '.join(CORRECTABLE)}",
        )
    return entry, where


def load_overrides(path: Path) -> dict[str, list[tuple[dict, Lines]]]:
    """The overrides file, its keys checked: each item with where it is in the file; {} when there is none."""
    if not path.exists():
        return {}
    spec, lines = load_yaml_lines(path)
    spec = spec or {}
    if not isinstance(spec, dict):
        raise PlanError("expected a mapping with corrections/drops/adds", path, 1, hint="see planpub/curate.py")
    found = {}
    for kind in spec:
        if kind not in _KEYS:
            raise PlanError(f"unknown section `{kind}`", path, lines.of(kind), hint=f"use {', '.join(_KEYS)} (each a list)")
        items = spec[kind] or []
        if not isinstance(items, list):
            raise PlanError(f"`{kind}` must be a list", path, lines.of(kind), hint="start each item with '- '")
        found[kind] = [_check_keys(entry, kind, path, lines[kind][number]) for number, entry in enumerate(items)]
    return found


def _find(records: Records, entry: dict, where: Lines, path: Path) -> dict:
    resource, key = entry["resource"], _id_field(entry["resource"])
    for row in records[resource]:
        if row[key] == entry.get("id"):
            return row
    raise PlanError(
        f"{resource} row {entry.get('id')!r} no longer exists in the extracted data",
        path,
        where.of("id"),
        hint="the extraction changed: find the row's new id in the package, or delete this stale override",
    )


def _log(plan_id: str, entry: dict, where: Lines, kind: str, row_id, field=None, old=None, new=None) -> dict:
    values = {
        "plan_id": plan_id,
        "action": _ACTION[kind],
        "resource": entry["resource"],
        "row_id": str(row_id),
        "field": field or "",
        "old_value": format_value(old),
        "new_value": format_value(new),
        "reason": str(entry["reason"]).strip(),
        "override_line": where.line,
    }
    return {name: values.get(name) for name in field_names(CORRECTIONS)}  # (new_row's own `resource` argument clashes)


def _correct(records: Records, entry: dict, where: Lines, path: Path) -> dict:
    resource, field = entry["resource"], entry.get("field")
    if field not in field_names(resource):
        raise PlanError(
            f"{resource} has no field {field!r}", path, where.of("field"), hint="check the name in datasets/schema.yaml"
        )
    if field in contract()[resource]["primaryKey"]:
        raise PlanError(
            f"`{field}` identifies the row and cannot be corrected", path, where.of("field"), hint="drop the row and add it"
        )
    value = _plain(entry.get("value"))
    if problem := check_value(resource, field, value):
        raise PlanError(problem, path, where.of("value"), hint="give a value of the field's type (datasets/schema.yaml)")
    row = _find(records, entry, where, path)
    log = _log(row["plan_id"], entry, where, "corrections", entry["id"], field, row[field], value)
    row[field] = value
    return log


def _add(records: Records, entry: dict, where: Lines, path: Path, plan_id: str) -> dict:
    resource, given, row_lines = entry["resource"], entry.get("row"), where["row"]
    if not isinstance(given, dict):
        raise PlanError("`row` must be a mapping of field: value", path, where.of("row"), hint="list the new row's fields")
    values = {k: _plain(v) for k, v in given.items()}
    unknown = [k for k in values if k not in field_names(resource)]
    if unknown:
        raise PlanError(
            f"{resource} has no field {unknown[0]!r}", path, row_lines.of(unknown[0]), hint="see datasets/schema.yaml"
        )
    if values.setdefault("plan_id", plan_id) != plan_id:
        raise PlanError(f"this file adds rows to {plan_id}, not {values['plan_id']!r}", path, row_lines.of("plan_id"))
    for name in field_names(resource):
        if problem := check_value(resource, name, values.get(name)):
            raise PlanError(problem, path, row_lines.of(name), hint="give a value of the field's type (datasets/schema.yaml)")
    key = _id_field(resource)
    if any(row[key] == values.get(key) for row in records[resource]):
        raise PlanError(
            f"{resource} row {values.get(key)!r} already exists",
            path,
            row_lines.of(key),
            hint="the extractor now finds this row: delete the add, or give the new row another id",
        )
    records[resource].append(new_row(resource, **values))
    return _log(plan_id, entry, where, "adds", values[key])


def apply_overrides(records: Records, path: Path) -> list[dict]:
    """Apply one plan's overrides in place and record each in records["corrections"] (also returned)."""
    spec = load_overrides(path)
    plan_id = records["plans"][0]["plan_id"]
    log = [_correct(records, entry, where, path) for entry, where in spec.get("corrections", [])]
    for entry, where in spec.get("drops", []):
        records[entry["resource"]].remove(_find(records, entry, where, path))
        log.append(_log(plan_id, entry, where, "drops", entry["id"]))
    log += [_add(records, entry, where, path, plan_id) for entry, where in spec.get("adds", [])]
    for number, row in enumerate(log, start=1):
        row["correction_id"] = f"c{number:03d}"
    records[CORRECTIONS] = log
    return log
