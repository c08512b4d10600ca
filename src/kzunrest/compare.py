"""Compare: run the named SQL files of `sql/compare/` over the run's tables in warehouse.duckdb.

Each file is one comparison, kept in the warehouse as a view of its own name (so a user sees the
SQL and its header as the view's comment) and written to `compare_<name>.parquet` for the
dashboard (`compare_triggers.sql` -> `compare_triggers.parquet`, `escalation.sql` ->
`compare_escalation.parquet`). The SQL reads the run's tables plus three small tables made here
from the codebook, so the comparisons need nothing outside the warehouse:
`codebook_categories` (every category, found or not), `codebook_episodes`, `codebook_places`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import yaml

from kzunrest import schema
from kzunrest.codebook import Codebook
from kzunrest.warehouse import WAREHOUSE

SQL_DIR = Path(__file__).resolve().parents[2] / "sql" / "compare"
PLACES_FILE = "places.yaml"  # in the codebook folder


@dataclass(frozen=True)
class Comparison:
    name: str  # the view's name: the file's stem
    path: Path
    sql: str  # the file as written, header comment included

    @property
    def output(self) -> str:
        """The Parquet file's stem: `compare_` once, however the comparison is named."""
        return self.name if self.name.startswith("compare_") else f"compare_{self.name}"

    @property
    def query(self) -> str:
        return self.sql.strip().rstrip(";")

    @property
    def header(self) -> str:
        """The leading comment block, without the comment markers."""
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].removeprefix(" "))
        return "\n".join(lines).strip()

    @property
    def columns(self) -> list[str]:
        """The column names the header documents, in order (indented under `Columns:`)."""
        names, in_columns = [], False
        for line in self.header.splitlines():
            if line.strip() == "Columns:":
                in_columns = True
            elif in_columns and not line.strip():
                break
            elif in_columns and (match := re.match(r"  (\w+)\s", line + " ")):
                names.append(match.group(1))
        return names


def load(sql_dir: Path = SQL_DIR) -> list[Comparison]:
    """Every `*.sql` in `sql_dir`, by name."""
    return [
        Comparison(path.stem, path, path.read_text(encoding="utf-8"))
        for path in sorted(sql_dir.glob("*.sql"))
    ]


def codebook_tables(codebook: Codebook) -> dict[str, pa.Table]:
    """The codebook as tables the SQL can join: categories, episodes, place spellings."""
    categories = sorted(
        (schema.FACT_TABLES[c.table], c.id, c.family, c.definition) for c in codebook.categories.values()
    )
    episodes = sorted(codebook.episodes.values(), key=lambda e: (e.window, e.id))
    places_spec = _read_places(codebook.directory / PLACES_FILE)
    places = sorted(
        {(place, spelling.lower()) for place, spellings in places_spec.items() for spelling in spellings}
    )
    return {
        "codebook_categories": pa.table(
            {
                name: [row[i] for row in categories]
                for i, name in enumerate(("fact_table", "category", "family", "definition"))
            }
        ),
        "codebook_episodes": pa.table(
            {
                "episode": [e.id for e in episodes],
                "label": [e.label for e in episodes],
                "window_start": pa.array([e.window[0] for e in episodes], pa.date32()),
                "window_end": pa.array([e.window[1] for e in episodes], pa.date32()),
            }
        ),
        "codebook_places": pa.table(
            {"place": [p for p, _ in places], "spelling": [s for _, s in places]},
            schema=pa.schema([("place", pa.string()), ("spelling", pa.string())]),
        ),
    }


def _read_places(path: Path) -> dict[str, list[str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    places = data.get("places") or {}
    if not isinstance(places, dict) or not all(isinstance(v, list) for v in places.values()):
        raise ValueError(f"{path}: `places` must map each place to a list of spellings")
    spellings = {str(place): [str(s) for s in listed] for place, listed in places.items()}
    for place, listed in spellings.items():
        if bad := [s for s in listed if not re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", s)]:
            raise ValueError(f"{path}: {place}: a spelling must be one word (hyphens allowed): {bad}")
    return spellings


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run(staging: Path, codebook: Codebook, sql_dir: Path = SQL_DIR) -> list[str]:
    """Add the codebook tables and a view per comparison to `staging/warehouse.duckdb` (made by
    `warehouse.build`) and write each comparison to `staging/compare_<name>.parquet`; the outputs."""
    import duckdb

    comparisons = load(sql_dir)
    with duckdb.connect(str(staging / WAREHOUSE)) as con:
        con.execute("SET enable_progress_bar = false")
        for name, table in codebook_tables(codebook).items():
            con.register("codebook_table", table)
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM codebook_table')
            con.unregister("codebook_table")
        for macro in sorted((sql_dir / "macros").glob("*.sql")):  # shared bodies the comparisons call
            try:
                con.execute(macro.read_text(encoding="utf-8"))
            except duckdb.Error as exc:
                raise RuntimeError(f"{macro}: {exc}") from exc
        # A warehouse rebuilt from a finished run holds its compare_*.parquet as tables.
        tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for comparison in comparisons:
            try:
                for stale in sorted({comparison.name, comparison.output} & tables):
                    con.execute(f'DROP TABLE "{stale}"')
                con.execute(f'CREATE OR REPLACE VIEW "{comparison.name}" AS {comparison.query}')
                con.execute(f'COMMENT ON VIEW "{comparison.name}" IS {_sql_string(comparison.header)}')
                # The file's own ORDER BY is total, so the rows come in the same order every run.
                result = con.sql(comparison.query).to_arrow_table().combine_chunks()
            except duckdb.Error as exc:
                raise RuntimeError(f"{comparison.path}: {exc}") from exc
            schema.write_table(result, staging / f"{comparison.output}.parquet")
    return [c.output for c in comparisons]
