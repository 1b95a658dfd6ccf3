"""Stage 3, curate: apply maintainers' corrections from datasets/overrides/<plan_id>.yaml.

A correction names a row by its id and a field, with a reason. It survives re-extraction
and fails loudly (file and line) when the row it names no longer exists.

    corrections:
      - {resource: indicators, id: i005, field: target_value, value: 55, reason: "..."}
    drops:
      - {resource: projects, id: p003, reason: "..."}
"""

from __future__ import annotations

from pathlib import Path

from .config import load_yaml
from .errors import PlanError
from .schema import RESOURCES, Records, contract, field_names

_ID_FIELD = {name: spec["primaryKey"][-1] for name, spec in contract().items()}


def _find(records: Records, entry: dict, path: Path) -> dict:
    resource = entry.get("resource")
    if resource not in RESOURCES:
        raise PlanError(f"unknown resource {resource!r}", path, entry.get("__line__"), hint=f"use one of {', '.join(RESOURCES)}")
    key = _ID_FIELD[resource]
    for row in records[resource]:
        if row[key] == entry.get("id"):
            return row
    raise PlanError(
        f"{resource} row {entry.get('id')!r} no longer exists in the extracted data",
        path,
        entry.get("__line__"),
        hint="the extraction changed: find the row's new id in the package, or delete this stale override",
    )


def _require_reason(entry: dict, path: Path) -> None:
    if not str(entry.get("reason") or "").strip():
        raise PlanError("an override needs a `reason`", path, entry.get("__line__"), hint="say why the value is corrected")


def apply_overrides(records: Records, path: Path) -> list[dict]:
    """Apply one plan's overrides in place; returns the log of what was changed (for the site)."""
    if not path.exists():
        return []
    spec = load_yaml(path, with_lines=True) or {}
    log = []
    for entry in spec.get("corrections", []) or []:
        _require_reason(entry, path)
        row = _find(records, entry, path)
        field = entry.get("field")
        if field not in field_names(entry["resource"]):
            raise PlanError(
                f"{entry['resource']} has no field {field!r}",
                path,
                entry["__line__"],
                hint="check the field name against datasets/schema.yaml",
            )
        log.append(
            {
                "resource": entry["resource"],
                "id": entry["id"],
                "field": field,
                "old": row[field],
                "new": entry.get("value"),
                "reason": entry["reason"],
            }
        )
        row[field] = entry.get("value")
    for entry in spec.get("drops", []) or []:
        _require_reason(entry, path)
        row = _find(records, entry, path)
        records[entry["resource"]].remove(row)
        log.append(
            {"resource": entry["resource"], "id": entry["id"], "field": None, "old": None, "new": None, "reason": entry["reason"]}
        )
    return log
