"""The validate step as a ratio to reading the same tables with pyarrow, measured in the same run.

Two datasets: the seeds' tables (made with the steps' plain functions, ingest and extract, no
Prefect), validated against every suite; and a synthetic 1,000,000-row outcomes table (valid:
every quote is its span, every figure consistent) with its documents and sentences, validated
against the outcomes suite. Importing Great Expectations is timed on its own: a run pays it once.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000
DOCUMENTS = 1_000
SENTENCES_PER_DOCUMENT = 20
REPEATS = 3


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def seeds_tables(folder: Path, codebook) -> Path:
    from kzunrest import extract, ingest

    folder.mkdir(parents=True)
    ingest.write(ingest.ingest(ROOT / "seeds", codebook), folder)
    extract.write(folder, codebook)
    return folder


def synthetic_outcomes(folder: Path, codebook, rows: int = ROWS) -> Path:
    """documents, sentences and a valid outcomes table of `rows` rows, spread over both episodes."""
    import hashlib

    from kzunrest import schema

    folder.mkdir(parents=True)
    episodes = sorted(codebook.episodes.values(), key=lambda e: e.id)
    documents, sentences, starts, ends, texts = [], [], [], [], []
    for d in range(DOCUMENTS):
        parts, offsets, position = [], [], 0
        for s in range(SENTENCES_PER_DOCUMENT):
            sentence = f"Report {d} line {s}: {s + d % 97} people were detained near the square."
            parts.append(sentence)
            offsets.append((position, position + len(sentence)))
            position += len(sentence) + 1
        text = " ".join(parts)
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        doc_id = sha[:16]
        documents.append(
            {
                "doc_id": doc_id,
                "path": f"{d:05d}.txt",
                "title": f"Report {d}",
                "sha256": sha,
                "n_chars": len(text),
                "text": text,
            }
        )
        episode = episodes[d % len(episodes)].id
        for s, (a, b) in enumerate(offsets):
            sentences.append(
                {
                    "doc_id": doc_id,
                    "sentence_id": f"{doc_id}:{s:05d}",
                    "char_start": a,
                    "char_end": b,
                    "text": text[a:b],
                    "episode": episode,
                    "episode_reason": "synthetic",
                }
            )
        starts.append([a for a, _ in offsets])
        ends.append([b for _, b in offsets])
        texts.append(text)
    schema.write_table(schema.to_table(documents, schema.DOCUMENTS), folder / "documents.parquet")
    schema.write_table(schema.to_table(sentences, schema.SENTENCES), folder / "sentences.parquet")

    i = np.arange(rows)
    doc = i % DOCUMENTS
    sent = (i // DOCUMENTS) % SENTENCES_PER_DOCUMENT
    char_start = np.asarray(starts)[doc, sent]
    char_end = np.asarray(ends)[doc, sent]
    doc_ids = np.asarray([d["doc_id"] for d in documents], dtype=object)[doc]
    categories = sorted(codebook.table_categories("outcome"), key=lambda c: c.id)
    category = i % len(categories)
    qualifiers = np.asarray(["exact", "at_least", "up_to", "about"], dtype=object)[i % 4]
    value = (i % 1000 + 1).astype(float)
    low = np.where(qualifiers == "up_to", np.nan, value)
    high = np.where(
        np.isin(qualifiers, ["at_least"]), np.nan, np.where(qualifiers == "about", value + 10, value)
    )
    episode = np.asarray([episodes[d % len(episodes)] for d in range(DOCUMENTS)], dtype=object)[doc]
    event_date = [e.window[0] + timedelta(days=int(k % 300)) for e, k in zip(episode, i, strict=True)]
    columns = {
        "record_id": pa.array([f"o{k:07d}" for k in i]),
        "episode": pa.array([e.id for e in episode]),
        "category": pa.array([categories[c].id for c in category]),
        "family": pa.array([categories[c].family for c in category]),
        "doc_id": pa.array(doc_ids),
        "sentence_id": pa.array([f"{d}:{s:05d}" for d, s in zip(doc_ids, sent, strict=True)]),
        "char_start": pa.array(char_start, pa.int64()),
        "char_end": pa.array(char_end, pa.int64()),
        "quote": pa.array([texts[d][a:b] for d, a, b in zip(doc, char_start, char_end, strict=True)]),
        "actor": pa.nulls(rows, pa.string()),
        "claimant": pa.array(np.full(rows, "the ministry", dtype=object)),
        "claimant_type": pa.array(np.full(rows, "official", dtype=object)),
        "value_low": pa.array(low, from_pandas=True),
        "value_high": pa.array(high, from_pandas=True),
        "unit": pa.array(np.full(rows, "people", dtype=object)),
        "qualifier": pa.array(qualifiers),
        "event_date": pa.array(event_date, pa.date32()),
        "rule_id": pa.array(np.full(rows, "synthetic", dtype=object)),
    }
    schema.write_table(pa.table(columns, schema=schema.FACTS), folder / "outcomes.parquet")
    return folder


def read_seconds(folder: Path, names: list[str]) -> float:
    """Median time to read the tables with pyarrow (the baseline)."""
    return statistics.median(
        _timed(lambda: [pq.read_table(folder / f"{n}.parquet") for n in names]) for _ in range(REPEATS)
    )


def run(workdir: Path) -> list[dict]:
    from kzunrest import codebook as codebook_module
    from kzunrest import validate

    codebook = codebook_module.load()
    seeds = seeds_tables(workdir / "seeds", codebook)
    import_s = _timed(validate._context)  # imports great_expectations (once per process)

    names = sorted(validate.load_suites(stage="tables"))
    seeds_read = read_seconds(seeds, names)
    outcomes = []
    seeds_validate = statistics.median(
        _timed(lambda: outcomes.append(validate.validate(seeds))) for _ in range(REPEATS)
    )
    n_expectations = len(outcomes[-1].checks)
    seeds_failures = ", ".join(f"{c.suite}.{c.expectation}" for c in outcomes[-1].failures) or "none"
    seeds_rows = sum(pq.read_metadata(seeds / f"{n}.parquet").num_rows for n in names)

    big = synthetic_outcomes(workdir / "big", codebook)
    big_read = read_seconds(big, ["outcomes"])
    lookups = validate.Tables(big)
    frame_s = _timed(lambda: lookups.frame("outcomes"))
    suite = validate.load_suites()["outcomes"]
    checked_s = _timed(
        lambda: validate.add_checked_columns(
            lookups.frame("outcomes"), suite["meta"]["checked_columns"], lookups
        )
    )
    big_outcome = []
    big_validate = _timed(lambda: big_outcome.append(validate.validate(big, tables=["outcomes"])))
    assert big_outcome[0].passed, big_outcome[0].failure_report()

    return [
        {
            "name": "import great_expectations + ephemeral context",
            "value": import_s,
            "unit": "s",
            "note": "paid once per run",
        },
        {
            "name": f"validate seed outputs ({len(names)} suites, {n_expectations} expectations, "
            f"{seeds_rows} rows)",
            "value": seeds_validate,
            "unit": "s",
            "baseline": seeds_read,
            "baseline_name": "pyarrow read of the same tables",
            "ratio": seeds_validate / seeds_read,
            "note": f"median of {REPEATS}; {1000 * seeds_validate / n_expectations:.0f} ms an expectation; "
            f"critical failures: {seeds_failures}",
        },
        {
            "name": f"validate {ROWS:,}-row synthetic outcomes ({len(suite['expectations'])} expectations)",
            "value": big_validate,
            "unit": "s",
            "baseline": big_read,
            "baseline_name": "pyarrow read of outcomes.parquet",
            "ratio": big_validate / big_read,
            "note": (
                f"of which to_pandas {frame_s:.2f} s, checked columns {checked_s:.2f} s "
                f"(cross-table lookups and quote == text[span] in Python), GX the rest"
            ),
        },
    ]
