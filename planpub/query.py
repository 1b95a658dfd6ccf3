"""Stage 6, query: load every package into an in-memory DuckDB; every number on the site is a SQL query here."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .schema import RESOURCES, field_types

_DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}


def connect(catalog: Path) -> duckdb.DuckDBPyConnection:
    """A database with one table per resource, read from the catalog package's CSVs with the contract's types."""
    db = duckdb.connect(":memory:")
    for resource in RESOURCES:
        columns = {name: _DUCK_TYPES[kind] for name, kind in field_types(resource).items()}
        db.execute(
            f"CREATE TABLE {resource} AS SELECT * FROM read_csv(?, header = true, columns = ?, "
            "auto_detect = false, quote = '\"', escape = '\"', nullstr = '')",
            [str(catalog / f"{resource}.csv"), columns],
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


def counts_by_plan(db) -> list[dict]:
    """Indicators, projects and targets per plan, long format for a grouped chart."""
    return rows(
        db,
        """SELECT p.plan_id, p.title_zh, p.title_en, r.kind, r.n FROM plans p JOIN (
               SELECT plan_id, 'indicators' AS kind, count(*) AS n FROM indicators GROUP BY ALL
               UNION ALL SELECT plan_id, 'projects', count(*) FROM projects GROUP BY ALL
               UNION ALL SELECT plan_id, 'targets', count(*) FROM targets GROUP BY ALL) r USING (plan_id)
           ORDER BY p.plan_id, r.kind""",
    )


def indicators(db, plan_id: str) -> list[dict]:
    return rows(db, "SELECT * FROM indicators WHERE plan_id = ? ORDER BY indicator_id", [plan_id])


def comparable_percentages(db, plan_id: str) -> list[dict]:
    """Indicators in % with a numeric baseline and target: the ones that can share one axis honestly."""
    return rows(
        db,
        """SELECT indicator_id, name_zh, name_en, domain_zh, domain_en, baseline_value, target_value,
                  target_comparator, baseline_year, target_year
           FROM indicators
           WHERE plan_id = ? AND unit_zh = '%' AND baseline_value IS NOT NULL AND target_value IS NOT NULL
             AND target_qualifier = '' IS NOT FALSE
           ORDER BY indicator_id""",
        [plan_id],
    )


def sections(db, plan_id: str) -> list[dict]:
    return rows(db, "SELECT * FROM sections WHERE plan_id = ? ORDER BY source_line", [plan_id])


def projects(db, plan_id: str | None = None) -> list[dict]:
    where, params = ("WHERE plan_id = ?", [plan_id]) if plan_id else ("", [])
    return rows(db, f"SELECT * FROM projects {where} ORDER BY plan_id, source_line", params)


def targets(db, plan_id: str) -> list[dict]:
    return rows(db, "SELECT * FROM targets WHERE plan_id = ? ORDER BY source_line", [plan_id])
