"""The data changelog: what changed, value by value, between the published packages and a new build.

Each build compares its packages with the ones in datasets/packages (the last published) and, when
anything differs, appends one dated entry to datasets/CHANGELOG.yaml: plans added or removed, rows
added or removed, and fields changed (old → new, as the CSV cells read). The date is the catalog's
`released` date or `--date`, never the clock, so a rebuild of the same inputs writes the same file.
The site shows the log as a page in both languages and as an Atom feed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from .config import load_yaml
from .errors import PlanError
from .schema import RESOURCES, contract

HEADER = """\
# Data changelog: value-level changes between published versions of datasets/packages.
# Written by `python build.py` (one entry per build that changed data); do not edit by hand.
"""
_LABELS = ("name_zh", "title_zh", "box_title_zh", "metric_zh", "header", "row_id")
CATALOG = "all"


def _rows(folder: Path, resource: str) -> dict[tuple, dict]:
    """A package's rows of one resource keyed by primary key (as CSV text)."""
    path = folder / f"{resource}.csv"
    if not path.exists():
        return {}
    key = contract()[resource]["primaryKey"]
    with path.open(encoding="utf-8", newline="") as handle:
        return {tuple(row[k] for k in key): row for row in csv.DictReader(handle)}


def _label(row: dict) -> str:
    return next((row[k] for k in _LABELS if row.get(k)), "")


def _same_bytes(old: Path, new: Path) -> bool:
    """Both files exist and hold the same bytes: their rows are the same, without reading them as CSV."""
    return old.exists() and new.exists() and old.stat().st_size == new.stat().st_size and old.read_bytes() == new.read_bytes()


def _plan_changes(plan_id: str, old: Path, new: Path) -> list[dict]:
    changes = []
    for resource in RESOURCES:
        if _same_bytes(old / f"{resource}.csv", new / f"{resource}.csv"):
            continue  # most resources of most plans, on a rebuild
        before, after = _rows(old, resource), _rows(new, resource)
        # a field the contract gained is one change of the resource, not a change of every row
        added = sorted(set(next(iter(after.values()), {})) - set(next(iter(before.values()), {}))) if before else []
        if added:
            changes.append({"plan_id": plan_id, "resource": resource, "change": "fields added", "label": ", ".join(added)})
        for key, row in after.items():
            if key not in before:
                changes.append({"plan_id": plan_id, "resource": resource, "id": key[-1], "change": "added", "label": _label(row)})
                continue
            for field, value in row.items():
                if field not in added and before[key].get(field) != value:
                    changes.append(
                        {"plan_id": plan_id, "resource": resource, "id": key[-1], "change": "changed", "field": field}
                        | {"old": before[key].get(field), "new": value}
                    )
        for key, row in before.items():
            if key not in after:
                changes.append(
                    {"plan_id": plan_id, "resource": resource, "id": key[-1], "change": "removed", "label": _label(row)}
                )
    return changes


def _counts(folder: Path) -> str:
    return ", ".join(f"{len(_rows(folder, r))} {r}" for r in RESOURCES if r != "plans")


def diff(old: Path, new: Path) -> list[dict]:
    """Value-level changes from the packages in `old` to those in `new` (the catalog package `all` is not repeated)."""
    names = lambda root: {p.name for p in root.iterdir() if p.is_dir() and p.name != CATALOG} if root.exists() else set()  # noqa: E731
    before, after = names(old), names(new)
    changes = []
    for plan_id in sorted(before | after):
        if plan_id not in before:
            changes.append({"plan_id": plan_id, "change": "plan added", "label": _counts(new / plan_id)})
        elif plan_id not in after:
            changes.append({"plan_id": plan_id, "change": "plan removed", "label": _counts(old / plan_id)})
        else:
            changes += _plan_changes(plan_id, old / plan_id, new / plan_id)
    return changes


def entry_text(date: str, changes: list[dict]) -> str:
    """One changelog entry as YAML text (one flow mapping per change: easy to read in a diff)."""
    plans = len({c["plan_id"] for c in changes})
    lines = [f"- date: {date}", f"  summary: {json.dumps(f'{len(changes)} changes in {plans} plans')}", "  changes:"]
    lines += ["    - {" + ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in c.items()) + "}" for c in changes]
    return "\n".join(lines) + "\n"


def updated_text(path: Path, date: str, changes: list[dict]) -> str | None:
    """The changelog file with a new entry appended, or None when nothing changed."""
    if not changes:
        return None
    old = path.read_text(encoding="utf-8") if path.exists() else HEADER
    return old + ("" if old.endswith("\n") else "\n") + entry_text(date, changes)


def entries(path: Path, text: str | None = None) -> list[dict]:
    """The changelog's entries (from `text` if given, else the file), newest first, each with its number."""
    if text is None and not path.exists():
        return []
    loaded = (yaml.load(text, Loader=yaml.CSafeLoader) if text is not None else load_yaml(path)) or []
    if not isinstance(loaded, list):
        raise PlanError("expected a list of dated entries", path, 1, hint="restore the file from git; the build writes it")
    return [dict(e, date=str(e["date"]), number=n) for n, e in reversed(list(enumerate(loaded, start=1)))]


def release_date(catalog: dict, explicit: str | None, catalog_file: Path) -> str:
    """The date of this build's changelog entry: --date, else the catalog's `released`."""
    import datetime

    value = explicit or str(catalog.get("released") or "")
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise PlanError(
            f"release date {value!r} is not a date (YYYY-MM-DD)",
            catalog_file,
            hint="set `released:` in catalog.yaml or pass --date",
        ) from None


def _summary(changes: list[dict], limit: int = 50) -> str:
    lines = []
    for c in changes[:limit]:
        where = " ".join(str(c[k]) for k in ("plan_id", "resource", "id") if k in c)
        what = f"{c['field']}: {c['old']!r} → {c['new']!r}" if c["change"] == "changed" else c.get("label", "")
        lines.append(f"{where} {c['change']} {what}".strip())
    if len(changes) > limit:
        lines.append(f"… and {len(changes) - limit} more (see the Changelog page)")
    return "\n".join(lines)


def atom(log: list[dict], catalog: dict) -> str:
    """An Atom 1.0 feed of the changelog (newest entry first); links are relative to the feed's own address."""
    name = escape(str(catalog["name"]))
    updated = f"{log[0]['date']}T00:00:00Z" if log else f"{catalog['released']}T00:00:00Z"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>urn:planpub:{name}:changelog</id>",
        f"  <title>{escape(str(catalog['title_en']))} · {escape(str(catalog['title_zh']))}: data changelog</title>",
        f"  <updated>{updated}</updated>",
        "  <author><name>Plan open-data publisher maintainers</name></author>",
        '  <link rel="self" type="application/atom+xml" href="changelog.xml"/>',
        '  <link rel="alternate" type="text/html" href="changelog.html"/>',
    ]
    for entry in log:
        parts += [
            "  <entry>",
            f"    <id>urn:planpub:{name}:changelog:{entry['number']}</id>",
            f"    <title>{escape(entry['date'])}: {escape(str(entry.get('summary', '')))}</title>",
            f"    <updated>{entry['date']}T00:00:00Z</updated>",
            f'    <link rel="alternate" type="text/html" href="changelog.html#v{entry["number"]}"/>',
            f'    <content type="text">{escape(_summary(entry.get("changes") or []))}</content>',
            "  </entry>",
        ]
    return "\n".join([*parts, "</feed>"]) + "\n"
