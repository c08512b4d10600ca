"""`kzunrest sql`: answers SELECTs, refuses everything else before it runs, never changes the warehouse."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kzunrest import sql
from kzunrest.cli import app
from kzunrest.warehouse import WAREHOUSE


@pytest.fixture()
def out(tmp_path) -> Path:
    """A folder with a small warehouse: two tables and a commented view, plus a file beside it."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    with duckdb.connect(str(folder / WAREHOUSE)) as con:
        con.execute(
            "CREATE TABLE triggers AS SELECT * FROM (VALUES "
            "('r1', 'zhanaozen-2011', 'wage_dispute', 'Workers struck over pay.', 2.5), "
            "('r2', 'january-2022', 'price_increase', 'The price of liquefied petroleum gas doubled.', NULL)"
            ") AS t(record_id, episode, category, quote, value_low)"
        )
        con.execute("CREATE TABLE documents AS SELECT 'd1' AS doc_id, DATE '2011-12-22' AS published")
        con.execute("CREATE VIEW shared AS SELECT category, count(*) AS n FROM triggers GROUP BY category")
        con.execute("COMMENT ON VIEW shared IS 'shared: categories and how often they occur'")
    (folder / "secret.csv").write_text("who,what\nnobody,nothing\n")
    return folder


def invoke(out: Path, *args: str):
    return CliRunner().invoke(app, ["sql", "--out", str(out), *args])


def fingerprint(out: Path) -> tuple[str, int]:
    path = out / WAREHOUSE
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


# ---------------------------------------------------------------- what is refused


def refused_statements(out: Path) -> list[str]:
    return [
        "CREATE TABLE evil AS SELECT 1",
        "CREATE OR REPLACE VIEW shared AS SELECT 1 AS n",
        "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')",
        "INSERT INTO triggers (record_id) VALUES ('r3')",
        "UPDATE triggers SET category = 'x'",
        "DELETE FROM triggers",
        "DROP TABLE triggers",
        "ALTER TABLE triggers ADD COLUMN evil INTEGER",
        f"COPY triggers TO '{out / 'stolen.csv'}'",
        f"COPY (SELECT * FROM triggers) TO '{out / 'stolen.parquet'}' (FORMAT parquet)",
        f"COPY triggers FROM '{out / 'secret.csv'}'",
        f"EXPORT DATABASE '{out / 'exported'}'",
        f"ATTACH '{out / 'other.duckdb'}' AS other",
        "DETACH other",
        "INSTALL httpfs",
        "FORCE INSTALL httpfs",
        "LOAD json",
        "UPDATE EXTENSIONS",
        "SET threads = 1",
        "SET enable_external_access = true",
        "RESET threads",
        "SET VARIABLE x = 1",
        "USE memory",
        "PRAGMA enable_profiling",
        "CALL pragma_version()",
        "CHECKPOINT",
        "VACUUM",
        "BEGIN TRANSACTION",
        "PREPARE q AS SELECT 1",
        "PIVOT triggers ON category",
        "SELECT 1; DROP TABLE triggers",
        f"SELECT * FROM read_csv('{out / 'secret.csv'}')",
        f"SELECT * FROM read_text('{out / 'secret.csv'}')",
        f"SELECT * FROM read_blob('{out / 'secret.csv'}')",
        f"SELECT * FROM read_parquet('{out / '*.parquet'}')",
        f"SELECT * FROM glob('{out}/*')",
        f"SELECT * FROM '{out / 'secret.csv'}'",
        f"SELECT count(*) FROM triggers WHERE category IN (SELECT who FROM read_csv('{out / 'secret.csv'}'))",
        f"WITH s AS (SELECT * FROM read_csv_auto('{out / 'secret.csv'}')) SELECT * FROM s",
        "SELECT * FROM query('SELECT 1')",
    ]


def test_refused_statements_exit_2_before_running_and_leave_the_warehouse_unchanged(out):
    before = fingerprint(out)
    files_before = sorted(p.name for p in out.iterdir())
    for statement in refused_statements(out):
        result = invoke(out, statement)
        assert result.exit_code == 2, f"not refused: {statement}\n{result.output}"
        assert result.stderr.startswith("kzunrest: refused: "), result.stderr
        assert fingerprint(out) == before, f"warehouse changed by: {statement}"
    assert sorted(p.name for p in out.iterdir()) == files_before, "nothing written beside the warehouse"
    with duckdb.connect(str(out / WAREHOUSE), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM triggers").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("CREATE TABLE evil AS SELECT 1", "CREATE"),
        ("INSERT INTO triggers (record_id) VALUES ('r3')", "INSERT"),
        ("DELETE FROM triggers", "DELETE"),
        ("COPY triggers TO 'x.csv'", "COPY"),
        ("ATTACH 'x.duckdb'", "ATTACH"),
        ("INSTALL httpfs", "LOAD"),
        ("LOAD json", "LOAD"),
        ("SET threads = 1", "SET"),
    ],
)
def test_refusal_says_what_was_refused(out, statement, named):
    result = invoke(out, statement)
    assert result.exit_code == 2
    assert f"{named} statements are not allowed" in result.stderr


def test_refused_query_never_reaches_the_warehouse(out, monkeypatch):
    def no_connection(path):
        raise AssertionError("the warehouse was opened for a refused query")

    monkeypatch.setattr(sql, "connect", no_connection)
    for statement in ("DROP TABLE triggers", f"SELECT * FROM read_csv('{out / 'secret.csv'}')"):
        with pytest.raises(sql.QueryRefused):
            sql.run(out / WAREHOUSE, statement)


def test_the_connection_itself_cannot_write_read_files_or_unlock_settings(out):
    """Behind the check: the locked connection refuses these on its own."""
    con = sql.connect(out / WAREHOUSE)
    try:
        for statement in (
            "CREATE TABLE evil AS SELECT 1",
            "DELETE FROM triggers",
            f"COPY triggers TO '{out / 'stolen.csv'}'",
            f"SELECT * FROM read_csv('{out / 'secret.csv'}')",
            f"ATTACH '{out / 'other.duckdb'}'",
            "INSTALL httpfs",
            "SET enable_external_access = true",
            "SET lock_configuration = false",
            "SET threads = 1",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(statement)
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
    finally:
        con.close()
    assert not (out / "stolen.csv").exists() and not (out / "other.duckdb").exists()


# ---------------------------------------------------------------- what is answered


def test_select_prints_an_aligned_table(out):
    result = invoke(out, "SELECT record_id, category, value_low FROM triggers ORDER BY record_id")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["record_id", "category", "value_low"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split() == ["r1", "wage_dispute", "2.5"]
    assert lines[3].split() == ["r2", "price_increase", "NULL"]
    assert lines[2].index("2.5") + 3 == lines[3].index("NULL") + 4, "numbers are right-aligned"
    assert lines[-1] == "(2 rows)"


def test_long_cells_are_cut_in_table_output_but_not_in_csv_or_json(out):
    query = "SELECT repeat('x', 200) AS long_text"
    table = invoke(out, query).stdout.splitlines()
    assert len(table[2]) == sql.MAX_CELL and table[2].endswith("…")
    assert invoke(out, "--format", "csv", query).stdout.splitlines()[1] == "x" * 200
    assert json.loads(invoke(out, "--format", "json", query).stdout) == [{"long_text": "x" * 200}]


def test_csv_and_json_formats(out):
    query = (
        "SELECT record_id, value_low, [category, episode] AS tags, DATE '2022-01-04' AS day "
        "FROM triggers ORDER BY 1"
    )
    rows = list(csv.reader(io.StringIO(invoke(out, "--format", "csv", query).stdout)))
    assert rows[0] == ["record_id", "value_low", "tags", "day"]
    assert rows[1] == ["r1", "2.5", '["wage_dispute", "zhanaozen-2011"]', "2022-01-04"]
    assert rows[2][1] == ""  # NULL
    records = json.loads(invoke(out, "--format", "json", query).stdout)
    assert records[1] == {
        "record_id": "r2",
        "value_low": None,
        "tags": ["price_increase", "january-2022"],
        "day": "2022-01-04",
    }


@pytest.mark.parametrize(
    "query",
    [
        "DESCRIBE triggers",
        "SHOW TABLES",
        "SUMMARIZE triggers",
        "WITH c AS (SELECT category FROM triggers) SELECT * FROM c",
        "FROM shared",
        "SELECT * FROM main.triggers",
        "SELECT * FROM range(3)",
        "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal",
        "VALUES (1, 'a')",
    ],
)
def test_read_only_queries_are_answered(out, query):
    before = fingerprint(out)
    result = invoke(out, query)
    assert result.exit_code == 0, result.output
    assert fingerprint(out) == before


def test_bad_query_prints_duckdb_error_and_the_tables_and_views(out):
    result = invoke(out, "SELECT no_such_column FROM triggers")
    assert result.exit_code == 1
    assert "no_such_column" in result.stderr and "Binder Error" in result.stderr
    assert "tables: documents, triggers" in result.stderr and "views: shared" in result.stderr
    syntax = invoke(out, "SELEC 1")
    assert syntax.exit_code == 1 and "Parser Error" in syntax.stderr and "views: shared" in syntax.stderr


def test_no_query_lists_tables_and_views_with_columns(out):
    result = invoke(out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "table documents\n    doc_id VARCHAR, published DATE" in text
    assert "table triggers\n    record_id VARCHAR, episode VARCHAR" in text
    assert "view shared — categories and how often they occur\n    category VARCHAR, n BIGINT" in text
    rows = json.loads(invoke(out, "--format", "json").stdout)
    assert {"name": "shared", "kind": "view", "column": "n", "type": "BIGINT"} in rows


def test_missing_warehouse_is_named(tmp_path):
    result = invoke(tmp_path / "nowhere", "SELECT 1")
    assert result.exit_code == 1
    assert str(tmp_path / "nowhere" / WAREHOUSE) in result.stderr and "kzunrest run" in result.stderr
