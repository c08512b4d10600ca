"""The one source of truth for every table's columns and types.

Every step writes through `write_table`, so column order, types and Parquet settings
(and therefore the bytes on disk) are the same wherever a table is produced.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kzunrest import faults

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("path", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("published", pa.date32()),
        ("sha256", pa.string()),
        ("n_chars", pa.int64()),
        ("text", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.string()),
        ("char_start", pa.int64()),
        ("char_end", pa.int64()),
        ("text", pa.string()),
        ("episode", pa.string()),
        ("episode_reason", pa.string()),
    ]
)

# One schema for all four fact tables.
FACTS = pa.schema(
    [
        ("record_id", pa.string()),
        ("episode", pa.string()),
        ("category", pa.string()),
        ("family", pa.string()),
        ("doc_id", pa.string()),
        ("sentence_id", pa.string()),
        ("char_start", pa.int64()),
        ("char_end", pa.int64()),
        ("quote", pa.string()),
        ("actor", pa.string()),
        ("claimant", pa.string()),
        ("claimant_type", pa.string()),
        ("value_low", pa.float64()),
        ("value_high", pa.float64()),
        ("unit", pa.string()),
        ("qualifier", pa.string()),
        ("event_date", pa.date32()),
        ("rule_id", pa.string()),
    ]
)

REJECTIONS = pa.schema(
    [
        ("path", pa.string()),
        ("reason", pa.string()),
    ]
)

# Taxonomy table id (as in codebook/taxonomy.yaml) -> output table name.
FACT_TABLES: dict[str, str] = {
    "trigger": "triggers",
    "demand": "demands",
    "state_response": "state_responses",
    "outcome": "outcomes",
}

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "sentences": SENTENCES,
    "rejections": REJECTIONS,
    **{name: FACTS for name in FACT_TABLES.values()},
}


def to_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Build a table from row dicts, in the schema's column order and types."""
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.table(columns, schema=schema)


def write_table(table: pa.Table, path: Path) -> None:
    """Write Parquet with fixed settings so equal tables give byte-identical files."""
    pq.write_table(
        table,
        path,
        compression="zstd",
        use_dictionary=True,
        write_statistics=True,
        store_schema=False,
    )
    faults.point(f"{path.name}:mid-write", torn=path)
