"""`python build.py add FILE`: copy a new plan document into datasets/sources/ and register it in plans.yaml.

The entry is appended as text, so the registry's comments and layout stay as they are. What the
document states (title, issuer, document number, issue date, period) is filled in with the line it
came from; what it does not state gets the placeholder TODO, which fails the build until filled in.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .config import Paths, load_yaml
from .errors import PlanError
from .extract.metadata import stated_number_and_date
from .read import FORMATS, Document, read_document
from .registry import PLACEHOLDER, check_plan_id, check_source_name

_HEAD_LINES = 80
_QUOTED_TITLE = re.compile(r"《([^《》]{4,80}(?:规划|纲要|计划))》")
_TITLE_LINE = re.compile(r"^[^，。：；《》]{4,80}(?:规划|纲要|计划)(?:[（(]\d{4}[—–-]\d{4}年?[)）])?$")
_ISSUER = re.compile(r"^([\u4e00-\u9fff]{2,20}(?:人民政府|人民政府办公厅|人民政府办公室|委员会))$")
_FIVE_YEAR = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_YEARS = re.compile(r"(20\d\d)\s*[—–-]\s*(20\d\d)年")
# What the maintainer must supply, with the comment that says how (the title only when the document states none).
TITLE_PLACEHOLDER = {"title_zh": "the plan's title in Chinese, as published (the document's first lines state none)"}
PLACEHOLDERS = {
    "region_zh": "region in Chinese, e.g. 山西省晋城市",
    "region_code": 'the 6-digit administrative division code (GB/T 2260), quoted, e.g. "140500"',
    "level": "nation, province, city or county",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def _head(doc: Document) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in doc.numbered()[:_HEAD_LINES] if line.strip()]


def _title(head: list[tuple[int, str]]) -> tuple[str, int] | None:
    for n, line in head:
        if m := _QUOTED_TITLE.search(line):
            return m[1], n
    for n, line in head:
        compact = line.replace(" ", "")
        if _TITLE_LINE.match(compact) and "印发" not in compact:
            return compact, n
    return None


def _period(title: str) -> tuple[int, int] | None:
    if m := _YEARS.search(title):
        return int(m[1]), int(m[2])
    for name, start in _FIVE_YEAR.items():
        if name in title:
            return start, start + 4
    return None


def propose(doc: Document) -> dict[str, tuple[object, int]]:
    """Metadata the document states in its first lines: field → (value, raw line)."""
    head = _head(doc)
    found: dict[str, tuple[object, int]] = dict(stated_number_and_date(doc))
    if title := _title(head):
        found["title_zh"] = title
        if period := _period(title[0]):
            found["period_start"] = (period[0], title[1])
            found["period_end"] = (period[1], title[1])
    for n, line in head:
        if "issuer_zh" not in found and (m := _ISSUER.match(line)):
            found["issuer_zh"] = (m[1], n)
    return found


def _registered(paths: Paths) -> tuple[set[str], set[str]]:
    """Plan ids and source names already in the registry (read leniently: placeholders may still be there)."""
    spec = (load_yaml(paths.registry) or {}) if paths.registry.exists() else {}
    entries = [e for e in (spec.get("plans") or []) if isinstance(e, dict)]
    return {str(e.get("plan_id")) for e in entries}, {str(e.get("source")) for e in entries}


def entry_text(plan_id: str, source: str, found: dict[str, tuple[object, int]], indent: str) -> str:
    """The YAML text of a registry entry, one commented line per field."""
    lines = [f"{indent}- plan_id: {plan_id}", f"{indent}  source: {source}"]
    for key, (value, line) in found.items():
        lines.append(f"{indent}  {key}: {json.dumps(value, ensure_ascii=False)}  # from line {line} of the document: check it")
    for key, what in _placeholders(found).items():
        lines.append(f"{indent}  {key}: {PLACEHOLDER}  # {what}")
    for key in ("issuer_zh", "period_start", "period_end"):
        if key not in found:
            lines.append(f"{indent}  # {key}: not stated in the document's first lines; add it if known")
    return "\n".join(lines) + "\n"


def _placeholders(found: dict) -> dict[str, str]:
    """The fields `add` leaves as TODO for this document: the title if it states none, and what no document states."""
    return {**({} if "title_zh" in found else TITLE_PLACEHOLDER), **PLACEHOLDERS}


def _append(registry: Path, text: str) -> None:
    old = registry.read_text(encoding="utf-8") if registry.exists() else "plans:\n"
    sep = "" if old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
    registry.write_text(old + sep + text, encoding="utf-8")


def add_plan(paths: Paths, file: Path, plan_id: str | None = None, log=print) -> str:
    """Copy `file` into datasets/sources/ (unchanged) and append its registry entry; returns the plan id."""
    file = Path(file)
    if not file.is_file():
        raise PlanError("no such file", file, hint=f"give the path of a plan document: {FORMATS}")
    name = check_source_name(file.name, (file, None))
    plan_id = check_plan_id(plan_id or slug(file.stem), (paths.registry, None))
    ids, sources = _registered(paths)
    if plan_id in ids:
        raise PlanError(f"plan_id {plan_id!r} is already registered", paths.registry, hint="choose another --plan-id")
    if name in sources:
        raise PlanError(f"{name} is already registered as a source", paths.registry, hint="rename the file if it is a new plan")
    target = paths.sources / name
    if target.exists() and target.read_bytes() != file.read_bytes():
        raise PlanError(f"a different {name} is already in {paths.sources}", target, hint="rename the new file")
    doc = read_document(file)
    found = propose(doc)
    text = entry_text(plan_id, name, found, _indent(paths.registry))
    original = paths.registry.read_text(encoding="utf-8") if paths.registry.exists() else None
    paths.sources.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(file, target)
    _append(paths.registry, text)
    try:
        load_yaml(paths.registry)
    except PlanError:
        if original is not None:
            paths.registry.write_text(original, encoding="utf-8")
        raise
    _report(paths, plan_id, target, found, log)
    return plan_id


def _indent(registry: Path) -> str:
    if registry.exists() and (m := re.search(r"^( *)- plan_id:", registry.read_text(encoding="utf-8"), re.M)):
        return m[1]
    return "  "


def _report(paths: Paths, plan_id: str, target: Path, found: dict, log) -> None:
    log(f"added {plan_id}: copied the document to {target} and registered it in {paths.registry}")
    for key, (value, line) in found.items():
        log(f"  found   {key} = {value}  (line {line}; check it)")
    log("  fill in " + ", ".join(_placeholders(found)) + f" (they say {PLACEHOLDER}); the build refuses to run until you do")
    log("  then run: python build.py --strict, and add the English it reports missing to datasets/i18n/")
