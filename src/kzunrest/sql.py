"""`kzunrest sql`: ad-hoc, read-only SQL over warehouse.duckdb.

Read-only twice over. Before anything runs, DuckDB's own parser says what the query is: one
SELECT (DESCRIBE, SHOW, SUMMARIZE, VALUES and WITH ... SELECT are SELECTs to DuckDB) reading
only tables and views, never a file or a table function outside a small harmless set. Then the
query runs on a connection opened read-only, with file access and extension loading switched off
and the configuration locked, so even a statement the check missed can neither write the
warehouse, reach another file nor turn those settings back on.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from kzunrest.warehouse import WAREHOUSE

# Table functions a query may call: they read only the warehouse's catalogue or make values.
ALLOWED_TABLE_FUNCTIONS = frozenset(
    {
        "range",
        "generate_series",
        "unnest",
        "duckdb_tables",
        "duckdb_views",
        "duckdb_columns",
        "duckdb_constraints",
        "duckdb_indexes",
        "duckdb_schemas",
        "duckdb_types",
        "duckdb_functions",
        "duckdb_keywords",
        "duckdb_settings",
        "pragma_table_info",
        "pragma_show",
        "pragma_version",
    }
)

# Set on every connection, in this order, before the user's query runs.
LOCKDOWN = (
    "SET enable_progress_bar = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)

MAX_CELL = 60  # characters of one cell in table output; longer values end in "…"


class QueryRefused(Exception):
    """The query would write, reach outside the warehouse or change settings: it never runs."""


class QueryFailed(Exception):
    """DuckDB could not run the query (syntax error, unknown column...)."""


class NoWarehouse(Exception):
    """There is no warehouse to query."""


@dataclass(frozen=True)
class Result:
    columns: list[str]
    types: list[str]
    rows: list[tuple]


# ---------------------------------------------------------------- the check


def check_read_only(query: str) -> None:
    """Raise QueryRefused unless `query` is a single SELECT reading only the warehouse."""
    import duckdb

    try:
        kinds = [statement.type.name for statement in duckdb.extract_statements(query)]
    except ValueError as exc:  # a statement type the Python API does not name (e.g. UPDATE EXTENSIONS)
        raise QueryRefused(f"this kind of statement is not allowed ({exc}); only SELECT queries are") from exc
    except duckdb.Error as exc:
        raise QueryFailed(str(exc)) from exc
    if not kinds:
        raise QueryRefused("the query is empty")
    if len(kinds) > 1:
        raise QueryRefused(f"{len(kinds)} statements given; run one SELECT at a time")
    kind = kinds[0]
    if kind != "SELECT":
        raise QueryRefused(
            f"{kind} statements are not allowed: `kzunrest sql` is read-only and runs SELECT queries only "
            "(no CREATE, INSERT, UPDATE, DELETE, DROP, ALTER, COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, "
            "PRAGMA or CALL)"
        )
    for reason in _outside_reads(_parse_tree(query)):
        raise QueryRefused(reason)


def _parse_tree(query: str) -> dict:
    """DuckDB's own parse of a SELECT, as JSON."""
    import duckdb

    with duckdb.connect() as con:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
    if tree.get("error"):
        raise QueryFailed(tree.get("error_message", "the query could not be parsed"))
    return tree


def _outside_reads(node) -> list[str]:
    """Why the parsed query would read something that is not a table or view of the warehouse."""
    reasons = []
    if isinstance(node, dict):
        if node.get("type") == "TABLE_FUNCTION":
            name = (node.get("function") or {}).get("function_name", "").lower()
            if name not in ALLOWED_TABLE_FUNCTIONS:
                reasons.append(
                    f"table function {name}() is not allowed: queries read the warehouse's tables and views, "
                    "not files (read_csv, read_parquet, read_text, glob ...) or other sources"
                )
        elif node.get("type") == "BASE_TABLE" and any(c in node.get("table_name", "") for c in "/\\.:"):
            reasons.append(
                f"reading {node['table_name']!r} is not allowed: "
                "queries read the warehouse's tables and views, not files"
            )
        for value in node.values():
            reasons.extend(_outside_reads(value))
    elif isinstance(node, list):
        for value in node:
            reasons.extend(_outside_reads(value))
    return reasons


# ---------------------------------------------------------------- the connection and the query


def warehouse_path(out_dir: Path) -> Path:
    return Path(out_dir) / WAREHOUSE


def connect(path: Path):
    """A read-only connection to the warehouse with file access off and settings locked."""
    import duckdb

    if not path.is_file():
        raise NoWarehouse(f"{path}: no warehouse here; run `kzunrest run` first (or pass --out DIR)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise NoWarehouse(f"{path}: cannot open the warehouse read-only: {exc}") from exc
    for statement in LOCKDOWN:
        con.execute(statement)
    return con


def run(path: Path, query: str) -> Result:
    """Check `query`, then run it on a locked read-only connection to the warehouse at `path`."""
    import duckdb

    check_read_only(query)
    con = connect(path)
    try:
        cursor = con.execute(query)
        rows = cursor.fetchall()
        description = cursor.description or []
    except duckdb.Error as exc:
        raise QueryFailed(str(exc)) from exc
    finally:
        con.close()
    return Result([d[0] for d in description], [str(d[1]) for d in description], rows)


@dataclass(frozen=True)
class Relation:
    name: str
    kind: str  # "table" | "view"
    columns: list[tuple[str, str]]  # (name, type)
    comment: str | None


def relations(path: Path) -> list[Relation]:
    """The warehouse's tables and views with their columns, tables first, by name."""
    con = connect(path)
    try:
        objects = con.execute(
            "SELECT table_name, 'table', comment FROM duckdb_tables() WHERE NOT internal AND NOT temporary"
            " UNION ALL"
            " SELECT view_name, 'view', comment FROM duckdb_views() WHERE NOT internal AND NOT temporary"
            " ORDER BY 2, 1"
        ).fetchall()
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal "
            "ORDER BY table_name, column_index"
        ).fetchall():
            columns.setdefault(table, []).append((column, data_type))
    finally:
        con.close()
    return [Relation(name, kind, columns.get(name, []), comment) for name, kind, comment in objects]


def relation_names(path: Path) -> str:
    """`tables: a, b; views: c, d` — what a failed query is told it can read."""
    try:
        found = relations(path)
    except Exception:  # noqa: BLE001 - the names are a courtesy next to the real error
        return "(the warehouse's tables and views could not be listed)"
    tables = ", ".join(r.name for r in found if r.kind == "table") or "none"
    views = ", ".join(r.name for r in found if r.kind == "view") or "none"
    return f"tables: {tables}\nviews: {views}"


# ---------------------------------------------------------------- output


def _plain(value):
    """A value as JSON would hold it."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _text(value) -> str:
    """A value as one line of text: NULL, numbers without trailing zeros, lists in brackets."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _numeric(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def format_table(result: Result, max_cell: int = MAX_CELL) -> str:
    """Aligned columns under a header, numbers right-aligned, long cells cut with "…"."""
    cells = [[_text(v) for v in row] for row in result.rows]
    cells = [[c if len(c) <= max_cell else c[: max_cell - 1] + "…" for c in row] for row in cells]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(result.columns)]
    right = [
        bool(result.rows) and all(_numeric(r[i]) or r[i] is None for r in result.rows)
        for i in range(len(widths))
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        ).rstrip()

    out = [line(result.columns), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out)


def format_csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(
            ""
            if v is None
            else json.dumps(_plain(v), ensure_ascii=False)
            if isinstance(v, (list, dict))
            else _plain(v)
            for v in row
        )
    return buffer.getvalue().rstrip("\n")


def format_json(result: Result) -> str:
    records = [dict(zip(result.columns, (_plain(v) for v in row), strict=True)) for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2)


FORMATS = {"table": format_table, "csv": format_csv, "json": format_json}


def format_relations(found: list[Relation], fmt: str) -> str:
    """The tables and views with their columns: readable text, or rows for csv/json."""
    if fmt != "table":
        rows = [(r.name, r.kind, column, data_type) for r in found for column, data_type in r.columns]
        return FORMATS[fmt](Result(["name", "kind", "column", "type"], ["VARCHAR"] * 4, rows))
    blocks = []
    for r in found:
        about = f" — {r.comment.splitlines()[0].split(':', 1)[-1].strip()}" if r.comment else ""
        columns = [f"{c} {t}" for c, t in r.columns]
        blocks.append(f"{r.kind} {r.name}{about}\n" + _wrap(columns, indent="    "))
    return "\n\n".join(blocks)


def _wrap(items: list[str], indent: str, width: int = 100) -> str:
    """Items joined by ", " in lines of at most `width`, never breaking an item."""
    lines, line = [], ""
    for item in items:
        if line and len(indent) + len(line) + len(item) + 2 > width:
            lines.append(indent + line + ",")
            line = ""
        line = f"{line}, {item}" if line else item
    return "\n".join([*lines, indent + line])
