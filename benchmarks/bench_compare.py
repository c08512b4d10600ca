"""The compare step (warehouse.build + compare.run) on the seeds and on 1,000,000 synthetic fact rows.

Each time is a ratio to a plain `SELECT count(*)` over the same Parquet files, measured in the
same run: how much the comparisons cost beyond touching the data. The seeds' tables come from
the pipeline's own ingest and extract functions (no Prefect, no validation: only the compare
step is timed); the synthetic set is generated here (fixed seed) in the fact schema, with
documents and sentences to match, so every comparison has work to do (places, figures, dates).
"""

from __future__ import annotations

import shutil
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
INPUT_TABLES = ("documents", "sentences", "rejections", "triggers", "demands", "state_responses", "outcomes")
SYNTHETIC_ROWS = 1_000_000


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def count_scan_seconds(folder: Path, repeats: int) -> float:
    """Best of `repeats`: count(*) over every input Parquet file, on a fresh connection."""
    import duckdb

    files = [str(folder / f"{name}.parquet") for name in INPUT_TABLES]

    def scan() -> None:
        with duckdb.connect() as con:
            con.execute("SELECT count(*) FROM read_parquet(?, union_by_name = true)", [files]).fetchall()

    return min(_timed(scan) for _ in range(repeats))


def compare_step_seconds(folder: Path, workdir: Path, repeats: int) -> tuple[float, float, float]:
    """Median of `repeats` runs on a fresh copy of the inputs: (whole step, warehouse load, comparisons)."""
    from kzunrest import codebook as codebook_module
    from kzunrest import compare, warehouse

    codebook = codebook_module.load()
    runs = []
    for i in range(repeats):
        staging = workdir / f"staging-{i}"
        staging.mkdir()
        for name in INPUT_TABLES:
            shutil.copyfile(folder / f"{name}.parquet", staging / f"{name}.parquet")
        load = _timed(lambda s=staging: warehouse.build(s))
        comparisons = _timed(lambda s=staging: compare.run(s, codebook))
        runs.append((load + comparisons, load, comparisons))
        shutil.rmtree(staging)
    return tuple(statistics.median(r[k] for r in runs) for k in range(3))


def seeds_tables(workdir: Path) -> Path:
    """The seeds' input tables, made by the same calls the flow's ingest/extract tasks make."""
    from kzunrest import batches, ingest
    from kzunrest import codebook as codebook_module

    folder = workdir / "seeds-tables"
    folder.mkdir()
    listing = ingest.list_sources(ROOT / "seeds")
    batch = batches.process_batch(listing[0], codebook_module.load(), cache_dir=None)
    batches.assemble(listing, [batch], {}, folder)
    return folder


def synthetic_tables(folder: Path, n_rows: int = SYNTHETIC_ROWS, seed: int = 20111216) -> Path:
    """`n_rows` fact rows over 4,000 documents of 50 sentences, in the run's schemas."""
    from kzunrest import codebook as codebook_module
    from kzunrest import schema

    codebook = codebook_module.load()
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_docs, per_doc = 4_000, 50
    places = ["Zhanaozen", "Janaozen", "Aktau", "Almaty", "Shetpe", "Astana", "the capital", "the region"]
    verbs = ["protested in", "gathered in", "were detained in", "marched through", "went on strike in"]
    episodes = list(codebook.episodes)

    sentence_text = [
        f"Workers {verbs[i % len(verbs)]} {places[(i * 7) % len(places)]} on day {i % 31}."
        for i in range(n_docs * per_doc)
    ]
    sentence_episode = rng.choice([*episodes, None], size=len(sentence_text), p=[0.45, 0.45, 0.10])
    doc_ids = [f"doc{d:05d}" for d in range(n_docs)]
    starts, texts = [], []
    for d in range(n_docs):
        offset, parts = 0, []
        for s in sentence_text[d * per_doc : (d + 1) * per_doc]:
            starts.append(offset)
            parts.append(s)
            offset += len(s) + 1
        texts.append(" ".join(parts))
    sentence_doc = np.repeat(np.arange(n_docs), per_doc)
    lengths = np.array([len(s) for s in sentence_text])
    sentences = pa.table(
        {
            "doc_id": pa.array([doc_ids[d] for d in sentence_doc]),
            "sentence_id": pa.array([f"{doc_ids[d]}:{i % per_doc}" for i, d in enumerate(sentence_doc)]),
            "char_start": pa.array(starts, pa.int64()),
            "char_end": pa.array(np.array(starts) + lengths, pa.int64()),
            "text": pa.array(sentence_text),
            "episode": pa.array(sentence_episode.tolist(), pa.string()),
            "episode_reason": pa.array(["synthetic"] * len(sentence_text)),
        },
        schema=schema.SENTENCES,
    )
    outlets = [f"Outlet {i}" for i in range(40)]
    documents = pa.table(
        {
            "doc_id": doc_ids,
            "path": [f"{d}.txt" for d in doc_ids],
            "title": doc_ids,
            "outlet": [outlets[i % len(outlets)] for i in range(n_docs)],
            "url": pa.nulls(n_docs, pa.string()),
            "published": pa.array(
                [
                    date.fromordinal(date(2011, 12, 1).toordinal() + int(x))
                    for x in rng.integers(0, 4000, n_docs)
                ],
                pa.date32(),
            ),
            "sha256": [f"{i:064x}" for i in range(n_docs)],
            "n_chars": pa.array([len(t) for t in texts], pa.int64()),
            "text": texts,
        },
        schema=schema.DOCUMENTS,
    )
    schema.write_table(documents, folder / "documents.parquet")
    schema.write_table(sentences, folder / "sentences.parquet")
    schema.write_table(schema.to_table([], schema.REJECTIONS), folder / "rejections.parquet")

    shares = {"triggers": 0.15, "demands": 0.2, "state_responses": 0.35, "outcomes": 0.3}
    first = 0
    for table_id, name in schema.FACT_TABLES.items():
        n = int(n_rows * shares[name])
        categories = codebook.table_categories(table_id)
        pick = rng.integers(0, len(categories), n)
        sentence = rng.integers(0, len(sentence_text), n)
        episode = rng.choice(episodes, size=n)
        windows = {e: codebook.episodes[e].window for e in episodes}
        dated = rng.random(n) < 0.3
        day = rng.integers(0, 365, n)
        has_figure = rng.random(n) < (0.7 if name == "outcomes" else 0.05)
        low = rng.integers(1, 5000, n).astype(float)
        qualifier = rng.choice(list(codebook.qualifiers), size=n)
        claimant_type = rng.choice(list(codebook.claimant_types), size=n)
        value_low = [
            None if not f or q == "up_to" else v for f, q, v in zip(has_figure, qualifier, low, strict=True)
        ]
        value_high = [
            None if not f or q in ("at_least", "more_than") else v * (3 if q == "vague" else 1)
            for f, q, v in zip(has_figure, qualifier, low, strict=True)
        ]
        table = pa.table(
            {
                "record_id": [f"syn{first + i:08d}" for i in range(n)],
                "episode": episode.tolist(),
                "category": [categories[k].id for k in pick],
                "family": [categories[k].family for k in pick],
                "doc_id": [doc_ids[sentence_doc[s]] for s in sentence],
                "sentence_id": sentences.column("sentence_id").take(pa.array(sentence)),
                "char_start": pa.array(np.array(starts)[sentence], pa.int64()),
                "char_end": pa.array(np.array(starts)[sentence] + lengths[sentence], pa.int64()),
                "quote": sentences.column("text").take(pa.array(sentence)),
                "actor": pa.nulls(n, pa.string()),
                "claimant": [
                    f"claimant {c}" if f else None for f, c in zip(has_figure, claimant_type, strict=True)
                ],
                "claimant_type": claimant_type.tolist(),
                "value_low": pa.array(value_low, pa.float64()),
                "value_high": pa.array(value_high, pa.float64()),
                "unit": ["people" if f else None for f in has_figure],
                "qualifier": [q if f else None for f, q in zip(has_figure, qualifier, strict=True)],
                "event_date": pa.array(
                    [
                        date.fromordinal(windows[e][0].toordinal() + int(d)) if is_dated else None
                        for e, d, is_dated in zip(episode, day, dated, strict=True)
                    ],
                    pa.date32(),
                ),
                "rule_id": pa.array(["synthetic"] * n),
            },
            schema=schema.FACTS,
        )
        schema.write_table(table, folder / f"{name}.parquet")
        first += n
    return folder


def _figure(name: str, seconds: float, baseline: float, note: str) -> dict:
    return {
        "name": name,
        "value": seconds,
        "unit": "s",
        "baseline": baseline,
        "baseline_name": "count(*) scan",
        "ratio": seconds / baseline,
        "note": note,
    }


def run(workdir: Path) -> list[dict]:
    from kzunrest import compare

    n_views = len(compare.load())
    figures = []
    for label, folder, repeats in (
        ("seeds", seeds_tables(workdir), 5),
        ("1M rows", synthetic_tables(workdir / "synthetic"), 3),
    ):
        baseline = count_scan_seconds(folder, repeats=5)
        step, load, comparisons = compare_step_seconds(folder, workdir, repeats)
        n_facts = sum(
            pq.read_metadata(folder / f"{t}.parquet").num_rows
            for t in ("triggers", "demands", "state_responses", "outcomes")
        )
        note = f"{n_facts:,} fact rows; median of {repeats}; baseline best of 5"
        figures += [
            _figure(f"compare step, {label}", step, baseline, note),
            _figure(
                f"  warehouse load, {label}", load, baseline, "warehouse.build: Parquet -> DuckDB tables"
            ),
            _figure(
                f"  comparisons, {label}", comparisons, baseline, f"compare.run: {n_views} views + Parquet"
            ),
        ]
    return figures
