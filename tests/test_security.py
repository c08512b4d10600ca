"""Hostile text is data: never in SQL text, never in a file path, never live markup; and
`kzunrest sql` stays read-only whatever statement it is handed.

The pipeline part reads the `bad_run` session fixture (tests/bad_corpus.py): the seeds mixed
with the bad-input corpus, which holds tests/data/bad/hostile.txt (SQL, shell, HTML and path
payloads in its text and manifest entry) and a file whose very name is hostile.
"""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from bad_corpus import HOSTILE_NAME, HOSTILE_TOKEN
from typer.testing import CliRunner

from kzunrest import sql
from kzunrest.cli import app
from kzunrest.warehouse import WAREHOUSE

PASSWD = "/etc/passwd"
PASSWD_LINE = Path(PASSWD).read_text().splitlines()[0] if Path(PASSWD).exists() else "root:x:0:0"
PWNED = "/tmp/kzunrest-pwned"  # what hostile.txt's payloads try to create


# ---------------------------------------------------------------- hostile text in the pipeline


def test_article_text_never_becomes_sql_text(bad_run):
    _, _, statements = bad_run
    assert statements, "no SQL was recorded: the recorder is not seeing the pipeline's DuckDB calls"
    leaking = [s for s in statements if HOSTILE_TOKEN in s or "DROP TABLE" in s.upper()]
    assert leaking == [], "article text was interpolated into SQL"


def test_hostile_text_arrives_verbatim_as_data(bad_run):
    out, _, _ = bad_run
    documents = {row["path"]: row for row in pq.read_table(out / "documents.parquet").to_pylist()}
    hostile = documents["hostile.txt"]
    assert "Robert'); DROP TABLE documents; -- and the strike in Zhanaozen" in hostile["text"]
    assert "$(touch /tmp/kzunrest-pwned) `id`" in hostile["text"]
    assert hostile["title"] == "x'); DROP TABLE documents; -- <script>alert(1)</script> ../../etc/passwd"
    assert hostile["outlet"] == "Robert'); DROP TABLE triggers;--"
    assert documents[HOSTILE_NAME]["text"].startswith(HOSTILE_TOKEN)
    assert "A terminal escape [31mRED [0m and a bell" in hostile["text"]  # no ESC, no BEL
    assert not any(ch < " " and ch != "\n" for ch in hostile["text"])
    with duckdb.connect(str(out / WAREHOUSE), read_only=True) as con:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        stored = con.execute("SELECT title, text FROM documents WHERE path = ?", ["hostile.txt"]).fetchone()
    assert {"documents", "sentences", "triggers", "demands", "state_responses", "outcomes"} <= tables
    assert stored == (hostile["title"], hostile["text"])


def test_no_output_path_comes_from_article_text(bad_run):
    out, _, _ = bad_run
    names = [p.relative_to(out.parent).as_posix() for p in out.parent.rglob("*")]
    fragments = (HOSTILE_TOKEN, "pwned", "passwd", "DROP", "$(", "'", "..", "<", "system32")
    assert [n for n in names if any(f in n for f in fragments) and "/seeds/" not in f"/{n}"] == []
    assert not glob.glob(f"{PWNED}*"), "a payload in the article text was executed"


def test_dashboard_escapes_hostile_text(bad_run):
    out, _, _ = bad_run
    pages = list(out.rglob("*.html"))
    assert pages, "no dashboard page was published"
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html and "<script>document.title" not in html, page
        assert 'onerror="alert(1)"' not in html and 'href="javascript:' not in html, page


# ---------------------------------------------------------------- `kzunrest sql` stays read-only


@pytest.fixture()
def out(tmp_path) -> Path:
    folder = tmp_path / "datasets"
    folder.mkdir()
    with duckdb.connect(str(folder / WAREHOUSE)) as con:
        con.execute("CREATE TABLE documents AS SELECT 'd1' AS doc_id, 'Police fired.' AS text")
        con.execute("CREATE VIEW doc_count AS SELECT count(*) AS n FROM documents")
    return folder


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.parent.rglob("*"))
        if p.is_file()
    }


def attacks(out: Path) -> list[str]:
    """Every way we found to write, attach, install, load, change settings or read a file."""
    copy_to = f"{out}/stolen.csv"
    return [
        # writing and exporting
        f"COPY documents TO '{copy_to}'",
        f"COPY (SELECT * FROM documents) TO '{copy_to}' (FORMAT csv)",
        f"COPY documents FROM '{PASSWD}'",
        f"EXPORT DATABASE '{out}/exported'",
        "CREATE TABLE t AS SELECT 1",
        "CREATE TEMP TABLE t AS SELECT 1",
        "CREATE MACRO m() AS 1",
        "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')",
        "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')",
        "INSERT INTO documents VALUES ('d2', 'x')",
        "DROP VIEW doc_count",
        "DROP SECRET s",
        "ALTER VIEW doc_count RENAME TO x",
        "COMMENT ON TABLE documents IS 'x'",
        "CHECKPOINT",
        "FORCE CHECKPOINT",
        "VACUUM documents",
        "ANALYZE",
        "TRUNCATE documents",
        # attaching, installing, loading
        f"ATTACH '{out}/other.duckdb' AS other",
        f"ATTACH '{PASSWD}' AS p (TYPE sqlite)",
        "ATTACH ':memory:' AS m",
        "DETACH DATABASE other",
        "USE memory",
        "INSTALL httpfs",
        "INSTALL httpfs FROM core_nightly",
        "FORCE INSTALL json",
        "LOAD httpfs",
        "LOAD '/tmp/evil.duckdb_extension'",
        "UPDATE EXTENSIONS",
        # settings
        "SET enable_external_access = true",
        "SET GLOBAL enable_external_access = true",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        "RESET ALL",
        "SET allowed_directories = ['/']",
        "SET VARIABLE v = 1",
        "PRAGMA enable_profiling",
        f"PRAGMA profiling_output = '{copy_to}'",
        "PRAGMA threads = 1",
        "CALL enable_logging()",
        "CALL pragma_version()",
        "CALL duckdb_secrets()",
        "EXECUTE q",
        "PREPARE q AS SELECT 1",
        "BEGIN",
        "EXPLAIN SELECT 1",
        # reading files
        f"SELECT * FROM read_csv('{PASSWD}')",
        f"SELECT * FROM read_csv_auto(['{PASSWD}'])",
        f"SELECT * FROM read_text('{PASSWD}')",
        f"SELECT * FROM read_blob('{PASSWD}')",
        f"SELECT * FROM read_json_objects('{PASSWD}')",
        f"SELECT * FROM glob('{PASSWD}')",
        "SELECT * FROM glob('/etc/*')",
        f"SELECT * FROM sniff_csv('{PASSWD}')",
        f"SELECT * FROM parquet_metadata('{PASSWD}')",
        f"SELECT * FROM '{PASSWD}'",
        f'SELECT * FROM "{PASSWD}"',
        f"FROM read_text('{PASSWD}')",
        f"FROM '{PASSWD}'",
        f"SELECT content FROM main.read_text('{PASSWD}')",
        f"SELECT * FROM documents, LATERAL (SELECT * FROM read_text('{PASSWD}'))",
        f"SELECT doc_id FROM documents UNION ALL SELECT content FROM read_text('{PASSWD}')",
        f"SELECT (SELECT content FROM read_text('{PASSWD}')) AS x",
        f"WITH p AS (FROM read_text('{PASSWD}')) SELECT * FROM p",
        f"SUMMARIZE SELECT * FROM read_text('{PASSWD}')",
        f"DESCRIBE SELECT * FROM read_text('{PASSWD}')",
        f"SELECT * FROM query('SELECT * FROM read_text(''{PASSWD}'')')",
        "SELECT * FROM query_table('documents')",
        "SELECT * FROM duckdb_secrets()",
        "SELECT * FROM duckdb_extensions()",
        "SELECT * FROM which_secret('s3://bucket/x', 's3')",
        # several statements, hidden by comments or not
        "SELECT 1; DROP VIEW doc_count",
        "SELECT 1;\nDROP VIEW doc_count;",
        "SELECT 1 -- a comment\n; DROP VIEW doc_count",
        "/* SELECT */ DROP VIEW doc_count",
        "SELECT 1 /* ; */ ; DROP VIEW doc_count",
        "-- SELECT 1\nDROP VIEW doc_count",
        f"SELECT 1; COPY documents TO '{copy_to}'",
    ]


def test_every_writing_attaching_loading_or_file_reading_statement_is_refused(out):
    before = fingerprint(out)
    runner = CliRunner()
    let_through = []
    for attack in [*attacks(out), "SELECT getenv('HOME')"]:  # getenv: not in this DuckDB's Python API
        result = runner.invoke(app, ["sql", "--out", str(out), "--", attack])
        if result.exit_code not in (1, 2):
            let_through.append((attack, result.exit_code, result.output[:200]))
        assert PASSWD_LINE not in result.output, f"read {PASSWD}: {attack}"
        assert fingerprint(out) == before, f"changed the files: {attack}"
    assert let_through == []
    assert not glob.glob(f"{PWNED}*")


def test_refused_before_running_not_merely_failing(out):
    """The check refuses (exit 2, 'refused') every attack DuckDB can parse; a statement it cannot
    parse (RESET ALL, here) fails at the parse, before any connection to the warehouse."""
    runner = CliRunner()
    failed_not_refused = []
    for attack in attacks(out):
        result = runner.invoke(app, ["sql", "--out", str(out), "--", attack])
        refused = result.exit_code == 2 and result.stderr.startswith("kzunrest: refused: ")
        unparsable = result.exit_code == 1 and result.stderr.startswith("kzunrest: Parser Error")
        if not (refused or unparsable):
            failed_not_refused.append((attack, result.exit_code, result.output.strip().splitlines()[:1]))
    assert failed_not_refused == []


def test_the_locked_connection_cannot_read_passwd_on_its_own(out):
    """Second layer: had the check missed a file read, the connection still refuses it."""
    con = sql.connect(out / WAREHOUSE)
    try:
        for statement in (
            f"SELECT * FROM read_text('{PASSWD}')",
            f"SELECT * FROM read_csv('{PASSWD}')",
            f"SELECT * FROM glob('{PASSWD}')",
            f"SELECT * FROM '{PASSWD}'",
            "SELECT getenv('HOME')",
            "SET allowed_directories = ['/']",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(statement).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM documents",
        "SELECT 1; ",
        "-- just a comment first\nSELECT n FROM doc_count",
        "SELECT 'DROP TABLE documents; COPY documents TO ''/tmp/x''' AS harmless_text",
        "SELECT * FROM documents WHERE text = 'Robert''); DROP TABLE documents; --'",
    ],
)
def test_plain_selects_still_answer(out, query):
    result = CliRunner().invoke(app, ["sql", "--out", str(out), "--", query])
    assert result.exit_code == 0, result.output
