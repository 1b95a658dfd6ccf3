"""Stage 6, query: load every package into an in-memory DuckDB; every number on the site is a SQL query here
(the charts' queries are in their files, in charts/)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .schema import RESOURCES, field_types

# Rows of one source line in the order the extractor wrote them (their order in the package's CSV: DuckDB keeps a
# loaded table's rows in file order, as `rowid`), so that the rows a plan's page lists depend on that plan's rows
# alone: ORDER BY source_line by itself leaves ties in an order DuckDB does not define.
IN_PACKAGE_ORDER = "rowid"
_DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}


def connect(catalog: Path) -> duckdb.DuckDBPyConnection:
    """A database with one table per resource, read from the catalog package's CSVs with the contract's types."""
    return load(duckdb.connect(":memory:"), catalog)


def load(db: duckdb.DuckDBPyConnection, package: Path) -> duckdb.DuckDBPyConnection:
    """`db` with one table per resource read from a package's CSVs, in place of any it had (see `connect`)."""
    for resource in RESOURCES:
        columns = {name: _DUCK_TYPES[kind] for name, kind in field_types(resource).items()}
        db.execute(
            f"CREATE OR REPLACE TABLE {resource} AS SELECT * FROM read_csv(?, header = true, columns = ?, "
            "auto_detect = false, quote = '\"', escape = '\"', nullstr = '')",
            [str(package / f"{resource}.csv"), columns],
        )
    return db


def rows(db: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Run a query and return its rows as dicts."""
    cursor = db.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def plans(db) -> list[dict]:
    return rows(db, "SELECT * FROM plans ORDER BY level, period_start DESC, plan_id")


def plan(db, plan_id: str) -> dict:
    return rows(db, "SELECT * FROM plans WHERE plan_id = ?", [plan_id])[0]


def headline(db) -> dict:
    """The home page's figures."""
    return rows(
        db,
        """SELECT (SELECT count(*) FROM plans) AS plans,
                  (SELECT count(*) FROM indicators) AS indicators,
                  (SELECT count(*) FROM indicators WHERE attribute = 'binding') AS binding,
                  (SELECT count(*) FROM indicators WHERE attribute = 'expected') AS expected,
                  (SELECT count(*) FROM projects) AS projects,
                  (SELECT count(*) FROM targets) AS targets""",
    )[0]


def plan_counts(db) -> dict[str, dict]:
    """Per plan: how many indicators (binding/expected), sections, projects, boxes and targets."""
    found = rows(
        db,
        """SELECT p.plan_id,
                  (SELECT count(*) FROM indicators i WHERE i.plan_id = p.plan_id) AS indicators,
                  (SELECT count(*) FROM indicators i WHERE i.plan_id = p.plan_id AND attribute = 'binding') AS binding,
                  (SELECT count(*) FROM indicators i WHERE i.plan_id = p.plan_id AND attribute = 'expected') AS expected,
                  (SELECT count(*) FROM sections s WHERE s.plan_id = p.plan_id) AS sections,
                  (SELECT count(*) FROM projects j WHERE j.plan_id = p.plan_id) AS projects,
                  (SELECT count(DISTINCT box_no) FROM projects j WHERE j.plan_id = p.plan_id) AS boxes,
                  (SELECT count(*) FROM targets g WHERE g.plan_id = p.plan_id) AS targets
           FROM plans p""",
    )
    return {r["plan_id"]: r for r in found}


# Why an indicator is left out of the baseline → target chart (a key of datasets/ui.yaml), or NULL when it is drawn.
_CHART_GAP = """CASE WHEN baseline_value IS NULL AND target_value IS NULL THEN 'gap_no_numbers'
                     WHEN baseline_value IS NULL THEN 'gap_no_baseline'
                     WHEN target_value IS NULL THEN 'gap_no_target'
                     WHEN coalesce(target_qualifier, '') <> '' THEN 'gap_qualifier'
                END"""


def indicators(db, plan_id: str) -> list[dict]:
    """The plan's indicators in table order, each with `chart_gap` (why it cannot be charted, or None) and `bound`."""
    return rows(db, "SELECT * FROM indicator_bounds WHERE plan_id = ? ORDER BY source_line, indicator_id", [plan_id])


def _indicator_bounds() -> str:
    """View `indicator_bounds`: every indicator with `chart_gap`, the registry's `direction` and the `bound` its target
    is read with; the baseline → target chart (charts/baseline-target.yaml) draws the rows without a gap."""
    return f"""CREATE VIEW indicator_bounds AS
        SELECT i.*, {_CHART_GAP} AS chart_gap, c.direction, {bound("i.target_comparator", "c.direction")} AS bound
        FROM indicators i LEFT JOIN concepts c USING (concept_id)"""


def bound(comparator: str, direction: str) -> str:
    """SQL: the comparator a target is read with. A bare number (`=`) where lower is better (the registry's
    direction) is a ceiling, `<=`: 孕产妇死亡率 12.5 means at most 12.5, not "reach 12.5"."""
    return f"CASE WHEN coalesce({comparator}, '=') = '=' AND {direction} = 'lower' THEN '<=' ELSE coalesce({comparator}, '=') END"


def comparable(indicator: dict) -> bool:
    """Baseline and target are both single numbers of the same quantity, so they can share an axis."""
    return indicator["chart_gap"] is None


def sections(db, plan_id: str) -> list[dict]:
    return rows(db, f"SELECT * FROM sections WHERE plan_id = ? ORDER BY source_line, {IN_PACKAGE_ORDER}", [plan_id])


def projects(db, plan_id: str | None = None) -> list[dict]:
    where, params = ("WHERE plan_id = ?", [plan_id]) if plan_id else ("", [])
    return rows(db, f"SELECT * FROM projects {where} ORDER BY plan_id, source_line, {IN_PACKAGE_ORDER}", params)


def corrections(db, plan_id: str) -> list[dict]:
    """Maintainers' corrections to the plan's rows (datasets/overrides), in the order they were applied."""
    return rows(db, "SELECT * FROM corrections WHERE plan_id = ? ORDER BY correction_id", [plan_id])


def tables(db, plan_id: str) -> list[dict]:
    """The indicator tables the reader found in the plan, and the regions it warned about, in document order."""
    return rows(db, "SELECT * FROM tables WHERE plan_id = ? ORDER BY first_line, table_id", [plan_id])


def spans(db, plan_id: str) -> dict[int, list[int]]:
    """First line → last lines of the multi-line rows and tables a page links to (the source page anchors them)."""
    found = rows(
        db,
        "SELECT source_line AS a, source_line_end AS b FROM indicators WHERE plan_id = ? AND source_line_end > source_line"
        " UNION SELECT first_line, last_line FROM tables WHERE plan_id = ? AND last_line > first_line ORDER BY a, b",
        [plan_id, plan_id],
    )
    out: dict[int, list[int]] = {}
    for span in found:
        out.setdefault(span["a"], []).append(span["b"])
    return out


def boxes(db, plan_id: str | None = None) -> list[dict]:
    """Projects grouped by plan and box (专栏), in document order: one dict per box with its `items`."""
    grouped: list[dict] = []
    for item in projects(db, plan_id):
        key = (item["plan_id"], item["box_no"], item["box_title_zh"])
        if not grouped or grouped[-1]["key"] != key:
            grouped.append(
                {"key": key, "items": [], **{k: item[k] for k in ("plan_id", "box_no", "box_title_zh", "box_title_en")}}
            )
        grouped[-1]["items"].append(item)
    return grouped


def targets(db, plan_id: str) -> list[dict]:
    return rows(db, f"SELECT * FROM targets WHERE plan_id = ? ORDER BY source_line, {IN_PACKAGE_ORDER}", [plan_id])


# --- the indicator registry: concepts compared across plans -------------------------------------------------------

_CONCEPT_COLUMNS = {
    "concept_id": "VARCHAR",
    "name_zh": "VARCHAR",
    "name_en": "VARCHAR",
    "unit_zh": "VARCHAR",
    "unit_en": "VARCHAR",
    "direction": "VARCHAR",
    "definition_zh": "VARCHAR",
    "definition_en": "VARCHAR",
    "qualifiers": "VARCHAR[]",
    "scales_with_size": "BOOLEAN",
}


def add_concepts(db: duckdb.DuckDBPyConnection, concepts: list) -> None:
    """The registry as table `concepts`, and view `concept_rows`: every linked indicator and text target, comparable or not."""
    from .concepts import normalise

    db.execute(f"CREATE TABLE concepts ({', '.join(f'{k} {v}' for k, v in _CONCEPT_COLUMNS.items())})")
    for c in concepts:
        db.execute(
            f"INSERT INTO concepts VALUES ({', '.join('?' * len(_CONCEPT_COLUMNS))})",
            [getattr(c, k) if k != "qualifiers" else list(c.qualifiers) for k in _CONCEPT_COLUMNS],
        )
    # Units compared in normalised form (％ = %), computed here once per distinct printed unit.
    db.execute("CREATE TABLE unit_forms (printed VARCHAR, form VARCHAR)")
    printed = db.execute("SELECT DISTINCT unit_zh FROM indicators UNION SELECT DISTINCT unit_zh FROM targets").fetchall()
    found = {u for (u,) in printed if u is not None} | {c.unit_zh for c in concepts}
    if found:
        db.executemany("INSERT INTO unit_forms VALUES (?, ?)", [[u, normalise(u)] for u in sorted(found)])
    db.execute(_CONCEPT_ROWS.format(order=IN_PACKAGE_ORDER))
    db.execute(_indicator_bounds())


# One row per linked indicator or text target. `plotted` says whether the row may share the concept's axis:
# same unit, a qualifier the concept accepts; `why_not` names the reason otherwise (unit, qualifier).
# The change from baseline to target is computed only for unqualified targets (a 年均 target is not a level).
# `in_package` is the row's place in its table, to list the rows of one line in the document's order.
_CONCEPT_ROWS = """
CREATE VIEW concept_rows AS
WITH linked AS (
    SELECT 'indicator' AS kind, plan_id, indicator_id AS row_id, concept_id, name_zh AS printed_zh,
           name_en AS printed_en, sub_item_zh, unit_zh, baseline_year, baseline_raw, baseline_value,
           target_year, target_raw, target_value, target_comparator AS comparator,
           coalesce(target_qualifier, '') AS qualifier, NULL AS sentence_zh, source_line,
           {order} AS in_package
    FROM indicators WHERE concept_id IS NOT NULL
    UNION ALL
    SELECT 'target', plan_id, target_id, concept_id, metric_zh, metric_en, NULL, unit_zh, NULL, NULL, NULL,
           year, NULL, value, comparator, '', sentence_zh, source_line, {order}
    FROM targets WHERE concept_id IS NOT NULL)
SELECT l.*, p.level, p.region_zh, p.region_en, p.region_code, p.title_zh, p.title_en, p.period_start,
       p.period_end, p.source_file, c.direction, c.scales_with_size,
       CASE WHEN lu.form IS DISTINCT FROM cu.form THEN 'unit'
            WHEN NOT list_contains(c.qualifiers, l.qualifier) THEN 'qualifier' END AS why_not,
       why_not IS NULL AS plotted,
       CASE WHEN plotted AND l.qualifier = '' AND l.baseline_value IS NOT NULL AND l.target_value IS NOT NULL
            THEN round(l.target_value - l.baseline_value, 6) END AS change_abs,
       CASE WHEN change_abs IS NOT NULL AND l.baseline_value <> 0
            THEN round(100 * change_abs / abs(l.baseline_value), 1) END AS change_rel
FROM linked l JOIN plans p USING (plan_id) JOIN concepts c USING (concept_id)
     LEFT JOIN unit_forms lu ON lu.printed = l.unit_zh LEFT JOIN unit_forms cu ON cu.printed = c.unit_zh
"""

# The views above, with the tables they read (a chart that reads a view links to those datasets).
VIEWS = {"concept_rows": ("indicators", "targets", "plans", "concepts"), "indicator_bounds": ("indicators", "concepts")}

_LEVEL_ORDER = "CASE level WHEN 'nation' THEN 0 WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END"


def concept_index(db) -> list[dict]:
    """Every registered concept with how many plans and rows it links."""
    return rows(
        db,
        """SELECT c.*, count(DISTINCT r.plan_id) AS n_plans, count(r.plan_id) AS n_rows
           FROM concepts c LEFT JOIN concept_rows r USING (concept_id)
           GROUP BY ALL ORDER BY n_plans DESC, c.concept_id""",
    )


def rows_by_concept(db) -> dict[str, list[dict]]:
    """Every concept's rows (all a concept's page reads of the plans), each whole but for its place in the catalog, in
    their plan's order: what does not change when another plan's rows do."""
    found: dict[str, list[dict]] = {}
    for row in rows(db, "SELECT * EXCLUDE (in_package) FROM concept_rows ORDER BY concept_id, plan_id, kind, in_package"):
        found.setdefault(row["concept_id"], []).append(row)
    return found


def concept(db, concept_id: str) -> dict:
    return rows(db, "SELECT * FROM concepts WHERE concept_id = ?", [concept_id])[0]


def concept_rows(db, concept_id: str) -> list[dict]:
    """The rows of one concept: province before city, earlier plan before later, then by line (a line's rows in the
    document's order: an order of the plan's rows alone, whatever else the catalog holds)."""
    return rows(
        db,
        f"""SELECT *, {bound("comparator", "direction")} AS bound FROM concept_rows WHERE concept_id = ?
            ORDER BY {_LEVEL_ORDER}, period_start, plan_id, source_line, kind, in_package""",
        [concept_id],
    )


def less_ambitious(db, concept_id: str | None = None) -> list[dict]:
    """City targets below (or, where lower is better, above) their province's for the same concept, unit and year."""
    where, params = ("AND city.concept_id = ?", [concept_id]) if concept_id else ("", [])
    return rows(
        db,
        f"""SELECT city.concept_id, c.name_zh, c.name_en, city.direction,
                  city.plan_id AS city_plan_id, city.title_zh AS city_title_zh, city.title_en AS city_title_en,
                  city.region_zh AS city_region_zh, city.region_en AS city_region_en,
                  city.target_value AS city_target, city.comparator AS city_comparator, city.source_line AS city_line,
                  prov.plan_id AS province_plan_id, prov.title_zh AS province_title_zh, prov.title_en AS province_title_en,
                  prov.region_zh AS province_region_zh, prov.region_en AS province_region_en,
                  prov.target_value AS province_target, prov.comparator AS province_comparator,
                  prov.source_line AS province_line, city.target_year AS year, city.unit_zh
           FROM concept_rows city JOIN concept_rows prov
             ON city.concept_id = prov.concept_id AND city.target_year = prov.target_year
            AND left(city.region_code, 2) = left(prov.region_code, 2)
           JOIN concepts c ON c.concept_id = city.concept_id
           WHERE city.level = 'city' AND prov.level = 'province' AND city.plotted AND prov.plotted
             AND NOT city.scales_with_size AND city.target_value IS NOT NULL AND prov.target_value IS NOT NULL
             AND CASE city.direction WHEN 'higher' THEN city.target_value < prov.target_value
                                     ELSE city.target_value > prov.target_value END {where}
           ORDER BY city.concept_id, city.plan_id, prov.plan_id, city.source_line, prov.source_line""",
        params,
    )


def quality(db) -> list[dict]:
    """Per plan, what the extraction could and could not turn into numbers or English (for the About page)."""
    return rows(
        db,
        """SELECT p.plan_id, p.title_zh, p.title_en,
                  count(i.indicator_id) AS indicators,
                  count(i.baseline_value) AS baseline_numeric,
                  count(i.target_value) AS target_numeric,
                  count(i.indicator_id) FILTER (WHERE coalesce(i.target_qualifier, '') <> '') AS qualified,
                  count(i.indicator_id) FILTER (WHERE coalesce(i.name_en, '') = '') AS name_en_missing
           FROM plans p LEFT JOIN indicators i USING (plan_id)
           GROUP BY ALL ORDER BY p.plan_id""",
    )
