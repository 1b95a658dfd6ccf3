"""Stage 5, package: records → Frictionless data packages (datapackage.json + one CSV per resource), validated.

One package per plan and the catalog package `all` holding every plan's rows. Shapes come from
datasets/schema.yaml, package metadata from datasets/catalog.yaml; nothing here reads the clock,
so the same sources always give byte-identical packages.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from .errors import PlanError
from .jobs import Submit
from .schema import RESOURCES, Records, contract, empty_records, field_names, table_schema

CATALOG = "all"
DESCRIPTOR = "datapackage.json"
_MAX_MESSAGES = 20


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


def resource_descriptor(resource: str) -> dict:
    spec = contract()[resource]
    return {
        "name": resource,
        "path": f"{resource}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": spec["title"],
        "title_zh": spec["title_zh"],
        "description": spec["description"],
        "description_zh": spec["description_zh"],
        "schema": table_schema(resource),
    }


def source(plan: dict) -> dict:
    """The government publication a plan's rows come from, with its address where a maintainer recorded one."""
    found = {
        "title": plan["title_zh"],
        "title_en": plan.get("title_en"),
        "issuer": plan.get("issuer_zh"),
        "issuer_en": plan.get("issuer_en"),
        "doc_number": plan.get("doc_number"),
        "issue_date": plan.get("issue_date"),
        "path": plan.get("source_url"),
        "file": f"datasets/sources/{plan['source_file']}",
        "sha256": plan.get("source_sha256"),
    }
    return {key: str(value) for key, value in found.items() if value}


def descriptor(catalog: dict, name: str, title: dict[str, str], description: dict[str, str], plans: list[dict]) -> dict:
    """datapackage.json content; `created` is the catalog's release date, never the clock."""
    return {
        "name": name,
        "title": title["en"],
        "title_zh": title["zh"],
        "description": description["en"],
        "description_zh": description["zh"],
        "version": str(catalog["version"]),
        "created": f"{catalog['released']}T00:00:00Z",
        "licenses": catalog["licenses"],
        "sources": [source(plan) for plan in plans],
        "contributors": catalog["contributors"],
        "resources": [resource_descriptor(resource) for resource in RESOURCES],
    }


def plan_descriptor(catalog: dict, plan: dict) -> dict:
    """The descriptor of one plan's package (English falls back to the Chinese title until translated)."""
    title = {"zh": plan["title_zh"], "en": plan.get("title_en") or plan["title_zh"]}
    description = {lang: catalog[f"plan_description_{lang}"].format(title=title[lang]) for lang in ("zh", "en")}
    return descriptor(catalog, plan["plan_id"], title, description, [plan])


# `plans` fields only a registry entry can supply when the document does not state them: optional in a package
# of one unregistered document (`build.py extract`), which takes nothing from elsewhere.
REGISTRY_ONLY = ("title_zh", "level")


def document_descriptor(catalog: dict, plan: dict) -> dict:
    """The descriptor of an unregistered document's package: titled by its file if it states no title."""
    meta = plan_descriptor(catalog, {**plan, "title_zh": plan["title_zh"] or plan["source_file"]})
    plans = next(r["schema"] for r in meta["resources"] if r["name"] == "plans")
    for spec in plans["fields"]:
        if spec["name"] in REGISTRY_ONLY and (rules := spec.pop("constraints", {})):
            spec.update({"constraints": {k: v for k, v in rules.items() if k != "required"}} if len(rules) > 1 else {})
    return meta


def catalog_descriptor(catalog: dict, plans: list[dict]) -> dict:
    title = {"zh": catalog["title_zh"], "en": catalog["title_en"]}
    description = {"zh": catalog["description_zh"], "en": catalog["description_en"]}
    return descriptor(catalog, catalog["name"], title, description, plans)


def write_package(folder: Path, records: Records, meta: dict) -> Path:
    """Write datapackage.json and the CSVs into `folder`; returns the descriptor path."""
    folder.mkdir(parents=True, exist_ok=True)
    for resource in RESOURCES:
        write_csv(folder / f"{resource}.csv", resource, records[resource])
    path = folder / DESCRIPTOR
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _error_line(task, err) -> str:
    where = [task.name] + [
        f"{k} {getattr(err, a)}" for k, a in (("row", "row_number"), ("field", "field_name")) if hasattr(err, a)
    ]
    return f"{', '.join(where)}: {err.message}"


def _opened(path: Path):
    """The package at `path` as frictionless reads its descriptor; an invalid descriptor → PlanError with the reasons."""
    from frictionless import FrictionlessException, Package

    try:
        return Package(str(path))
    except FrictionlessException as exc:
        reasons = [getattr(reason, "note", "") or reason.message for reason in exc.reasons] or [exc.error.message]
        raise PlanError(
            "data package descriptor is invalid:\n    " + "\n    ".join(reasons),
            path,
            hint="fix the registry entry, catalog.yaml or override that gave these values",
        ) from None


def validate_package(path: Path) -> dict:
    """Validate with frictionless (types, constraints, primary and foreign keys); invalid → PlanError with its messages."""
    import frictionless

    report = _opened(path).validate()
    if not report.valid:
        messages = [err.message for err in report.errors] + [_error_line(t, e) for t in report.tasks for e in t.errors]
        more = [f"… and {len(messages) - _MAX_MESSAGES} more"] if len(messages) > _MAX_MESSAGES else []
        raise PlanError(
            "data package is invalid:\n    " + "\n    ".join(messages[:_MAX_MESSAGES] + more),
            path,
            hint="fix the extraction or the override that produced these rows",
        )
    return {
        "package": path.parent.name,
        "valid": True,
        "validator": f"frictionless {frictionless.__version__}",
        "resources": [
            {"resource": t.name, "rows": t.stats.get("rows") or 0, "fields": t.stats.get("fields") or 0, "errors": len(t.errors)}
            for t in report.tasks
        ],
    }


def validate_catalog(catalog: Path, plans: list[Path]) -> dict:
    """The catalog's report and the reports of `plans`, validating the rows once: the catalog `all` holds every plan's
    rows under the same schema, so a plan package is valid when its descriptor is and the catalog is.

    Each plan's descriptor is read by frictionless; when the catalog has errors, the plans are validated one by one
    so that the message names the plan whose rows break the contract.
    """
    for path in plans:
        _opened(path)
    try:
        whole = validate_package(catalog)
    except PlanError:
        for path in plans:
            validate_package(path)
        raise
    return {"catalog": whole, "plans": {str(path): _plan_report(path, whole["validator"]) for path in plans}}


def _plan_report(path: Path, validator: str) -> dict:
    """What frictionless reports for a valid package: its resources' rows and fields, no errors."""
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resources = []
    for resource in descriptor["resources"]:
        with (path.parent / resource["path"]).open(encoding="utf-8", newline="") as f:
            rows = sum(1 for _ in csv.reader(f)) - 1
        resources.append({"resource": resource["name"], "rows": rows, "fields": len(resource["schema"]["fields"]), "errors": 0})
    return {"package": path.parent.name, "valid": True, "validator": validator, "resources": resources}


def validated(packages: dict[Path, str], submit: Submit) -> Callable[[], list[dict]]:
    """Start validating, in the worker with `submit`, the packages (descriptor → digest, from `write_packages`: the
    plans' and, last, the catalog's) that the same code has not validated before: the catalog's rows, and the descriptors of
    the plans that changed. Returns a function that waits for the reports of all, in order (one plan changed: one
    descriptor read, not every one)."""
    from . import cache

    *plans, catalog = packages
    keys = {path: cache.VALIDATE.key(digest) for path, digest in packages.items()}
    fresh = [path for path in plans if not cache.VALIDATE.has(keys[path])]
    running = submit(validate_catalog, catalog, fresh) if fresh or not cache.VALIDATE.has(keys[catalog]) else None

    def reports() -> list[dict]:
        found = [cache.VALIDATE.memo(keys[path], lambda path=path: running.result()["plans"][str(path)]) for path in plans]
        return [*found, cache.VALIDATE.memo(keys[catalog], lambda: running.result()["catalog"])]

    return reports


def write_packages(folder: Path, catalog: dict, per_plan: dict[str, Records]) -> dict[Path, str]:
    """One package per plan and the catalog `all`; returns each descriptor with the digest of its package's files (its
    rows): what validation (`validated`) and a plan's pages are keyed by."""
    from . import cache

    written = {}
    everything = empty_records()
    for plan_id, records in per_plan.items():
        written[folder / plan_id / DESCRIPTOR] = _plan_package(
            folder / plan_id, records, plan_descriptor(catalog, records["plans"][0])
        )
        for resource in RESOURCES:
            everything[resource].extend(records[resource])
    meta = catalog_descriptor(catalog, everything["plans"])
    written[write_package(folder / CATALOG, everything, meta)] = cache.tree_digest(folder / CATALOG)
    return written


def _plan_package(folder: Path, records: Records, meta: dict) -> str:
    """A plan's package written into `folder`, or, when an earlier build wrote the same rows and descriptor, its files
    back from .cache/ as hard links (a one-plan change writes one plan's package, and the catalog); returns its digest."""
    from . import cache

    def write() -> str:
        write_package(folder, records, meta)
        return cache.tree_digest(folder)

    return cache.PACKAGE.memo_tree(cache.PACKAGE.key({r: records[r] for r in RESOURCES}, meta), folder, write)
