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

from .config import line_of, load_yaml, strip_lines
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


def _check_keys(entry: object, kind: str, path: Path, line: int | None) -> dict:
    if not isinstance(entry, dict):
        raise PlanError(f"each item under `{kind}` must be a mapping", path, line, hint="see the example in planpub/curate.py")
    for key in entry:
        if key not in _KEYS[kind] and key not in ("__line__", "__lines__"):
            raise PlanError(
                f"unknown field `{key}` in an item of `{kind}`",
                path,
                line_of(entry, key),
                hint=f"fields allowed here: {', '.join(_KEYS[kind])}",
            )
    if not str(entry.get("reason") or "").strip():
        raise PlanError("an override needs a `reason`", path, entry["__line__"], hint="say why the value is corrected")
    if entry.get("resource") not in CORRECTABLE:
        raise PlanError(
            f"unknown resource {entry.get('resource')!r}",
            path,
            line_of(entry, "resource"),
            hint=f"use one of {', '.join(CORRECTABLE)}",
        )
    return entry


def load_overrides(path: Path) -> dict[str, list[dict]]:
    """The overrides file, its keys checked; {} when there is none."""
    if not path.exists():
        return {}
    spec = load_yaml(path, with_lines=True) or {}
    if not isinstance(spec, dict):
        raise PlanError("expected a mapping with corrections/drops/adds", path, 1, hint="see planpub/curate.py")
    found = {}
    for kind in spec:
        if kind in ("__line__", "__lines__"):
            continue
        if kind not in _KEYS:
            raise PlanError(f"unknown section `{kind}`", path, line_of(spec, kind), hint=f"use {', '.join(_KEYS)} (each a list)")
        items = spec[kind] or []
        if not isinstance(items, list):
            raise PlanError(f"`{kind}` must be a list", path, line_of(spec, kind), hint="start each item with '- '")
        found[kind] = [_check_keys(entry, kind, path, line_of(spec, kind)) for entry in items]
    return found


def _find(records: Records, entry: dict, path: Path) -> dict:
    resource, key = entry["resource"], _id_field(entry["resource"])
    for row in records[resource]:
        if row[key] == entry.get("id"):
            return row
    raise PlanError(
        f"{resource} row {entry.get('id')!r} no longer exists in the extracted data",
        path,
        line_of(entry, "id"),
        hint="the extraction changed: find the row's new id in the package, or delete this stale override",
    )


def _log(plan_id: str, entry: dict, kind: str, row_id, field=None, old=None, new=None) -> dict:
    values = {
        "plan_id": plan_id,
        "action": _ACTION[kind],
        "resource": entry["resource"],
        "row_id": str(row_id),
        "field": field or "",
        "old_value": format_value(old),
        "new_value": format_value(new),
        "reason": str(entry["reason"]).strip(),
        "override_line": entry["__line__"],
    }
    return {name: values.get(name) for name in field_names(CORRECTIONS)}  # (new_row's own `resource` argument clashes)


def _correct(records: Records, entry: dict, path: Path) -> dict:
    resource, field = entry["resource"], entry.get("field")
    if field not in field_names(resource):
        raise PlanError(
            f"{resource} has no field {field!r}", path, line_of(entry, "field"), hint="check the name in datasets/schema.yaml"
        )
    if field in contract()[resource]["primaryKey"]:
        raise PlanError(
            f"`{field}` identifies the row and cannot be corrected", path, line_of(entry, "field"), hint="drop the row and add it"
        )
    value = _plain(entry.get("value"))
    if problem := check_value(resource, field, value):
        raise PlanError(problem, path, line_of(entry, "value"), hint="give a value of the field's type (datasets/schema.yaml)")
    row = _find(records, entry, path)
    log = _log(row["plan_id"], entry, "corrections", entry["id"], field, row[field], value)
    row[field] = value
    return log


def _add(records: Records, entry: dict, path: Path, plan_id: str) -> dict:
    resource, given = entry["resource"], entry.get("row")
    where = line_of(entry, "row")
    if not isinstance(given, dict):
        raise PlanError("`row` must be a mapping of field: value", path, where, hint="list the new row's fields")
    values = {k: _plain(v) for k, v in strip_lines(given).items()}
    unknown = [k for k in values if k not in field_names(resource)]
    if unknown:
        raise PlanError(
            f"{resource} has no field {unknown[0]!r}", path, line_of(given, unknown[0]), hint="see datasets/schema.yaml"
        )
    if values.setdefault("plan_id", plan_id) != plan_id:
        raise PlanError(f"this file adds rows to {plan_id}, not {values['plan_id']!r}", path, line_of(given, "plan_id"))
    for name in field_names(resource):
        if problem := check_value(resource, name, values.get(name)):
            raise PlanError(problem, path, line_of(given, name), hint="give a value of the field's type (datasets/schema.yaml)")
    key = _id_field(resource)
    if any(row[key] == values.get(key) for row in records[resource]):
        raise PlanError(
            f"{resource} row {values.get(key)!r} already exists",
            path,
            line_of(given, key),
            hint="the extractor now finds this row: delete the add, or give the new row another id",
        )
    records[resource].append(new_row(resource, **values))
    return _log(plan_id, entry, "adds", values[key])


def apply_overrides(records: Records, path: Path) -> list[dict]:
    """Apply one plan's overrides in place and record each in records["corrections"] (also returned)."""
    spec = load_overrides(path)
    plan_id = records["plans"][0]["plan_id"]
    log = [_correct(records, entry, path) for entry in spec.get("corrections", [])]
    for entry in spec.get("drops", []):
        records[entry["resource"]].remove(_find(records, entry, path))
        log.append(_log(plan_id, entry, "drops", entry["id"]))
    log += [_add(records, entry, path, plan_id) for entry in spec.get("adds", [])]
    for number, row in enumerate(log, start=1):
        row["correction_id"] = f"c{number:03d}"
    records[CORRECTIONS] = log
    return log
