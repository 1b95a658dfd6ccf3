"""The charts of the site as data: `charts/*.yaml`, one file per chart kind, checked before anything is drawn.

A declaration names its query (DuckDB SQL over the catalog, with the page's parameters such as `$plan_id`),
the fields it draws from the query's columns, and its encoding (`charts/schema.json` says what a file may hold).
Every mistake is one PlanError naming the file and line: malformed YAML, a field the schema does not know,
a query DuckDB refuses, a column or UI word the declaration uses that does not exist.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .config import ROOT, Lines, load_yaml_lines
from .errors import PlanError

# The kinds of page a chart may be drawn on, and the parameters each gives its query.
PAGE_PARAMS = {"home": (), "plan": ("plan_id",), "concept": ("concept_id",)}
# Placeholders of a text: {column}, {column|filter}, {column|filter:argument}, {t.ui_key}.
PLACEHOLDER = re.compile(r"\{(?P<name>[A-Za-z_][\w.]*)(?:\|(?P<filter>\w+)(?::(?P<arg>\w*))?)?\}")
FILTERS = ("word", "signed")
COLUMN = re.compile(r"[A-Za-z_]\w*")
# A parameter of the query: $plan_id (DuckDB's named parameters).
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
_SCHEMA = ROOT / "charts" / "schema.json"


@dataclass(frozen=True)
class Declaration:
    """One chart kind as its file declares it: the parsed YAML, where each value is, and the file."""

    file: Path
    data: dict
    lines: Lines = field(compare=False)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def sql(self) -> str:
        return self.data["sql"]

    @property
    def params(self) -> list[str]:
        """The named parameters the query uses, in order of first use."""
        return list(dict.fromkeys(_PARAM.findall(self.sql)))

    def error(self, message: str, *path: object, hint: str) -> PlanError:
        """A PlanError at the line of the value at `path` (keys and indexes from the top of the file)."""
        return PlanError(message, self.file, line_at(self.lines, path), hint=hint)

    def sql_line(self, line_in_query: int = 1) -> int | None:
        """The file line of a line of the query: a block (`sql: |`) starts on the line after its key."""
        start = self.lines.of("sql")
        if not start:
            return None
        key_line = self.file.read_text(encoding="utf-8").splitlines()[start - 1]
        return start + line_in_query if re.match(r"\s*sql:\s*[|>]", key_line) else start


def line_at(lines: Lines, path: tuple) -> int | None:
    """The line of the value at `path`: the key's line for the last step, the innermost known line otherwise."""
    for key in path[:-1]:
        lines = lines[key]
    return lines.of(path[-1]) if path else lines.line


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(_SCHEMA.read_text(encoding="utf-8"))


def load(folder: Path) -> list[Declaration]:
    """Every chart file of `folder` (`*.yaml`, by name), each valid against the schema and its pages' parameters."""
    if not folder.is_dir():
        raise PlanError("folder not found", folder, hint="the project's charts/ folder holds one file per chart kind")
    declarations = [_load_one(path) for path in sorted(folder.glob("*.yaml"))]
    seen: dict[str, Declaration] = {}
    for d in declarations:
        if d.id in seen:
            raise d.error(f"chart id `{d.id}` is declared in {seen[d.id].file.name} too", "id", hint="give each chart its own id")
        seen[d.id] = d
    return declarations


def _load_one(path: Path) -> Declaration:
    import jsonschema

    data, lines = load_yaml_lines(path)
    if not isinstance(data, dict):
        what = "a chart file is a mapping (id, title, pages, sql, fields, table, chart)"
        raise PlanError(what, path, 1, hint="see charts/schema.json")
    declaration = Declaration(path, data, lines)
    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(data), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        raise _schema_error(declaration, jsonschema.exceptions.best_match(errors))
    for page in data["pages"]:
        missing = [p for p in declaration.params if p not in PAGE_PARAMS[page]]
        if missing:
            raise declaration.error(
                f"the query uses ${missing[0]}, which a {page} page does not give",
                "sql",
                hint=f"a {page} page gives {', '.join('$' + p for p in PAGE_PARAMS[page]) or 'no parameters'}",
            )
    return declaration


def _schema_error(d: Declaration, error) -> PlanError:
    path = tuple(error.absolute_path)
    where = "/".join(str(p) for p in path) or "the file"
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = next(k for k in error.instance if k not in known)
        allowed = ", ".join(known) or "none"
        return d.error(f"unknown field `{extra}` in {where}", *path, extra, hint=f"the fields allowed here are: {allowed}")
    if error.validator == "required":
        return d.error(f"{where}: {error.message}", *path, hint="add it (see charts/schema.json)")
    return d.error(f"{where}: {error.message}", *path, hint="see charts/schema.json for what this field may hold")


# --- checks against the catalog: the query runs, and what the declaration uses exists ------------------------


def check(declarations: list[Declaration], db, ui: dict[str, dict[str, str]]) -> None:
    """Run each query on the catalog (parameters NULL) and check that every column and UI word it uses exists."""
    for d in declarations:
        columns = columns_of(d, db, {p: None for p in d.params})
        _check_fields(d, set(columns), ui)


def columns_of(d: Declaration, db, params: dict) -> list[str]:
    """The columns the query returns; a PlanError at the failing line of the query if DuckDB refuses it."""
    import duckdb

    try:
        return [c[0] for c in db.execute(d.sql, params).description]
    except duckdb.Error as exc:
        raise sql_error(d, exc) from None


def sql_error(d: Declaration, exc: Exception) -> PlanError:
    text = str(exc)
    at = re.search(r"^LINE (\d+):", text, re.M)
    first = text.split("\n")[0]
    return PlanError(
        f"the query fails in DuckDB: {first}",
        d.file,
        d.sql_line(int(at.group(1))) if at else d.lines.of("sql"),
        hint="fix the SQL; the catalog's tables and columns are listed in datasets/schema.yaml",
    )


def _check_fields(d: Declaration, columns: set[str], ui: dict) -> None:
    returns = ", ".join(sorted(columns))
    for name, spec in d.data["fields"].items():
        for column in field_columns(spec):
            if column not in columns and f"{column}_zh" not in columns:
                raise d.error(
                    f"field `{name}` uses column `{column}`, which the query does not return",
                    "fields",
                    name,
                    hint=f"the query returns: {returns}",
                )
        for word in field_words(spec):
            _check_word(d, word, ui, "fields", name)
    drawn = set(d.data["fields"])
    for path, used in used_fields(d.data):
        if used not in drawn and used not in calculated(d.data):
            raise d.error(
                f"the chart uses field `{used}`, which `fields` does not define",
                *path,
                hint=f"define it under `fields` from the query's columns ({returns})",
            )
    for path, word in declared_words(d.data):
        _check_word(d, word, ui, *path)


def _check_word(d: Declaration, word: str, ui: dict, *path: object) -> None:
    if word not in ui:
        raise d.error(f"no UI word `{word}` in datasets/ui.yaml", *path, hint="add it to datasets/ui.yaml (zh and en)")


def _parts(spec) -> list[str]:
    if isinstance(spec, dict):
        return _parts(spec["text"])
    return [spec] if isinstance(spec, str) else list(spec)


def field_columns(spec) -> list[str]:
    """The query columns a field reads (a column named `x` may be given as `x_zh` and `x_en`)."""
    if isinstance(spec, str) and COLUMN.fullmatch(spec):
        return [spec]
    found = []
    for part in _parts(spec):
        for m in PLACEHOLDER.finditer(part):
            if not m["name"].startswith("t."):
                found.append(m["name"])
            if m["filter"] == "signed" and m["arg"]:
                found.append(m["arg"])
    return found


def field_words(spec) -> list[str]:
    words = [m["name"][2:] for part in _parts(spec) for m in PLACEHOLDER.finditer(part) if m["name"].startswith("t.")]
    return words + ([spec["otherwise"]] if isinstance(spec, dict) else [])


def calculated(data: dict) -> set[str]:
    return {name for layer in data["chart"]["layers"] for name in layer.get("calculate", {})}


def used_fields(data: dict) -> list[tuple[tuple, str]]:
    """Every drawn field the table and the chart name, with where it is named."""
    found = [(("table", i, "field"), column["field"]) for i, column in enumerate(data["table"])]
    chart = data["chart"]
    found += [(("chart", split, "field"), chart[split]["field"]) for split in ("panels", "rows") if split in chart]
    encodings = [(("chart", "encoding"), chart.get("encoding", {}))]
    encodings += [(("chart", "layers", i, "encoding"), layer.get("encoding", {})) for i, layer in enumerate(chart["layers"])]
    for where, encoding in encodings:
        for channel, value in encoding.items():
            items = enumerate(value) if isinstance(value, list) else [(None, value)]
            for i, item in items:
                if "field" in item:
                    path = (*where, channel, *(() if i is None else (i,)), "field")
                    found.append((path, item["field"]))
    return found


def declared_words(data: dict) -> list[tuple[tuple, str]]:
    """Every UI word the declaration's own texts name ({t.key}, and the keys of `categories`), with where."""
    found: list[tuple[tuple, str]] = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "categories":
                    found.extend(((*path, key), word) for word in value)
                if key not in ("fields", "sql"):
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, i))
        elif isinstance(node, str):
            found.extend((path, m["name"][2:]) for m in PLACEHOLDER.finditer(node) if m["name"].startswith("t."))

    walk(data, ())
    return found
