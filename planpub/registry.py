"""The plan registry, datasets/plans.yaml: loaded strictly (every mistake is one message with file and line).

Each entry names a document in datasets/sources/ and supplies the `plans` fields the document does not
state. `python build.py add FILE` appends a new entry with what the document does state and a
placeholder (`TODO`) for the rest; a placeholder left in fails the build.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from .config import Lines, Paths, load_yaml_lines
from .errors import PlanError
from .schema import check_value, field_names

PLACEHOLDER = "TODO"
# `plans` fields the build derives from the document itself; a registry entry cannot set them.
DERIVED = ("plan_id", "source_file", "source_sha256", "source_encoding", "script", "title_en", "issuer_en", "region_en")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
SOURCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")
REQUIRED = ("plan_id", "source", "level")


def allowed_keys() -> tuple[str, ...]:
    return ("plan_id", "source", *(f for f in field_names("plans") if f not in DERIVED))


def check_plan_id(plan_id: object, where: tuple[Path, int | None]) -> str:
    """An ASCII slug (a-z, 0-9, -), or a PlanError saying how to write one."""
    if not isinstance(plan_id, str) or not ID_PATTERN.fullmatch(plan_id):
        raise PlanError(
            f"plan_id {plan_id!r} is not an ASCII slug",
            *where,
            hint="use lower-case letters, digits and '-', e.g. shanxi-2021-public-services",
        )
    return plan_id


def check_source_name(name: object, where: tuple[Path, int | None]) -> str:
    """A plain file name inside datasets/sources/: no folders, no '..', no odd characters."""
    if not isinstance(name, str) or not SOURCE_PATTERN.fullmatch(name) or ".." in name:
        raise PlanError(
            f"source file name {name!r} is not a plain file name inside datasets/sources/",
            *where,
            hint="use ASCII letters, digits, '.', '_' and '-' only, no folders (rename the file)",
        )
    return name


def _check_entry(entry: dict, path: Path, lines: Lines, sources: Path) -> None:
    if not isinstance(entry, dict):
        raise PlanError("a plan entry must be a mapping of field: value", path, lines.line, hint="see the other entries")
    known = allowed_keys()
    for key in entry:
        if key not in known:
            raise PlanError(
                f"unknown field `{key}` in plan entry",
                path,
                lines.of(key),
                hint=f"fields allowed here: {', '.join(known)}",
            )
        if entry[key] == PLACEHOLDER:
            raise PlanError(
                f"`{key}` is still the placeholder {PLACEHOLDER}",
                path,
                lines.of(key),
                hint="fill it in (the comment on that line says what it is), or delete the line if it is not known",
            )
    for key in REQUIRED:
        if not entry.get(key):
            raise PlanError(f"plan entry has no `{key}`", path, lines.line, hint=f"add `{key}:` to this entry")
    check_plan_id(entry["plan_id"], (path, lines.of("plan_id")))
    check_source_name(entry["source"], (path, lines.of("source")))
    for key in known[2:]:
        if isinstance(entry.get(key), datetime.date):
            entry[key] = entry[key].isoformat()
        if key in entry and (problem := check_value("plans", key, entry[key])):
            raise PlanError(problem, path, lines.of(key), hint="see datasets/schema.yaml for what this field holds")
    if not (sources / entry["source"]).is_file():
        raise PlanError(
            f"source file {entry['source']!r} not found in {sources}",
            path,
            lines.of("source"),
            hint="copy the document there (python build.py add FILE) or fix the name",
        )


def load(paths: Paths) -> list[dict]:
    """The registered plans, checked (fields, values, unique ids, source files present)."""
    spec, lines = load_yaml_lines(paths.registry)
    spec = spec or {}
    if not isinstance(spec, dict) or not isinstance(spec.get("plans", []), list):
        raise PlanError("expected a top-level `plans:` list", paths.registry, 1, hint="see the README, 'Adding a plan'")
    unknown = [k for k in spec if k != "plans"]
    if unknown:
        raise PlanError(
            f"unknown top-level field `{unknown[0]}`", paths.registry, lines.of(unknown[0]), hint="only `plans:` is read"
        )
    seen: dict[str, int | None] = {}
    entries = spec.get("plans") or []
    for number, entry in enumerate(entries):
        where = lines["plans"][number]
        _check_entry(entry, paths.registry, where, paths.sources)
        plan_id = entry["plan_id"]
        if plan_id in seen:
            raise PlanError(
                f"duplicate plan_id {plan_id!r} (first at line {seen[plan_id]})",
                paths.registry,
                where.of("plan_id"),
                hint="give every plan its own plan_id",
            )
        seen[plan_id] = where.of("plan_id")
    return entries


def entry_line(paths: Paths, plan_id: str) -> int | None:
    """The line of a registered plan's `plan_id:` in plans.yaml (read again: only error messages need it)."""
    spec, lines = load_yaml_lines(paths.registry)
    entries = enumerate((spec or {}).get("plans") or [])
    return next(
        (lines["plans"][n].of("plan_id") for n, e in entries if isinstance(e, dict) and e.get("plan_id") == plan_id), None
    )


def check_title(paths: Paths, plan: dict) -> None:
    """A plan needs a title: the document's own, or `title_zh` in its entry; else a PlanError at the entry."""
    if not plan.get("title_zh"):
        raise PlanError(
            f"plan {plan['plan_id']!r} has no title: the document states none and its entry gives no `title_zh`",
            paths.registry,
            entry_line(paths, plan["plan_id"]),
            hint="add `title_zh: <the plan's title in Chinese, as published>` to this entry",
        )
