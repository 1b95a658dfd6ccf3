"""Stage 5, package: records → a Frictionless data package (datapackage.json + one CSV per resource), validated."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .errors import PlanError
from .schema import RESOURCES, Records, contract, field_names, table_schema

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
CONTRIBUTORS = [{"title": "Plan open-data publisher maintainers", "role": "author"}]


def format_value(value) -> str:
    """A cell as CSV text: empty for missing, shortest exact form for numbers (never rounded)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_csv(path: Path, resource: str, rows: list[dict]) -> None:
    names = field_names(resource)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([format_value(row.get(name)) for name in names])


def descriptor(name: str, title: dict[str, str], sources: list[dict], version: str, created: str) -> dict:
    """datapackage.json content for a package called `name`."""
    return {
        "name": name,
        "title": title["en"],
        "title_zh": title["zh"],
        "description": title.get("description_en", ""),
        "description_zh": title.get("description_zh", ""),
        "version": version,
        "created": f"{created}T00:00:00Z",
        "licenses": [LICENSE],
        "sources": sources,
        "contributors": CONTRIBUTORS,
        "resources": [
            {
                "name": resource,
                "path": f"{resource}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": contract()[resource]["title"],
                "title_zh": contract()[resource]["title_zh"],
                "description": contract()[resource]["description"],
                "description_zh": contract()[resource]["description_zh"],
                "schema": table_schema(resource),
            }
            for resource in RESOURCES
        ],
    }


def write_package(folder: Path, records: Records, meta: dict) -> Path:
    """Write datapackage.json and the CSVs into `folder`; returns the descriptor path."""
    folder.mkdir(parents=True, exist_ok=True)
    for resource in RESOURCES:
        write_csv(folder / f"{resource}.csv", resource, records[resource])
    path = folder / "datapackage.json"
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def validate_package(path: Path) -> dict:
    """Validate with frictionless; an invalid package is a PlanError carrying the validator's messages."""
    from frictionless import FrictionlessException, Package

    try:
        report = Package(str(path)).validate()
    except FrictionlessException as exc:
        raise PlanError(f"data package descriptor is invalid: {exc.error.message}", path) from None
    if not report.valid:
        messages = [f"{task.name}: {err.message}" for task in report.tasks for err in task.errors][:20]
        messages += [err.message for err in report.errors][:5]
        raise PlanError(
            "data package is invalid:\n    " + "\n    ".join(messages),
            path,
            hint="fix the extraction or the override that produced these rows",
        )
    return {
        "package": path.parent.name,
        "valid": True,
        "tasks": [{"resource": t.name, "rows": t.stats.get("rows")} for t in report.tasks],
    }
