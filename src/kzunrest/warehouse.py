"""`warehouse.duckdb`: every table of the run, so `duckdb datasets/warehouse.duckdb` is enough.

The Parquet files are loaded as tables rather than referenced by views: DuckDB binds a view to
its files when it is created, and the files' final path does not exist until the run's outputs
are swapped in. Tables also keep the warehouse whole when the folder is moved or copied.
"""

from __future__ import annotations

from pathlib import Path

WAREHOUSE = "warehouse.duckdb"


def build(staging: Path, names: list[str] | None = None) -> list[str]:
    """Load every Parquet file in `staging` (or just `names`) into `staging/warehouse.duckdb`."""
    import duckdb

    names = names or sorted(p.stem for p in staging.glob("*.parquet"))
    with duckdb.connect(str(staging / WAREHOUSE)) as con:
        con.execute("SET enable_progress_bar = false")
        for name in names:
            con.execute(
                f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM read_parquet(?)',
                [str(staging / f"{name}.parquet")],
            )
    return names
