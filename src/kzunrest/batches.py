"""Per-document work in batches: read, split, place and extract each document, reusing the cache.

The pipeline maps `process_batch` over batches of sources on whichever task runner it was
given (threads, processes, a Dask cluster). Each batch returns its rows as Arrow tables, so
what travels between workers and what the flow holds is no bigger than the output tables.
`assemble` then puts the batches together in one fixed order (documents by doc_id, each
document's rows in the order they were produced) and de-duplicates content across the whole
corpus, keeping the first file by name, exactly as a sequential `ingest.ingest` does. The tables
are therefore byte-identical whatever the worker count or batch size, and whether a document was
extracted in this run or taken from the cache.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kzunrest import cache, extract, ingest, schema
from kzunrest.codebook import Codebook
from kzunrest.summary import Changes, RunSummary

DEFAULT_BATCH_SIZE = 50


@dataclass(frozen=True)
class SourceOutcome:
    """What became of one source file in its batch (small: it travels with the batch)."""

    name: str
    source_hash: str | None  # None when the file could not be read
    key: str | None
    doc_id: str | None
    rejection: str | None
    warnings: tuple[str, ...]
    cached: bool


@dataclass
class Batch:
    outcomes: list[SourceOutcome]
    documents: pa.Table
    sentences: pa.Table
    facts: dict[str, pa.Table]  # output table name -> rows


@dataclass
class Assembly:
    documents: int
    sentences_by_episode: dict[str, int]
    rejections: list[ingest.Rejection]
    warnings: list[str]
    rows: dict[str, int]
    changes: Changes
    index: dict[str, dict] = field(repr=False)  # for cache.commit once the outputs are swapped in

    def summary(self, out_dir: Path) -> RunSummary:
        return RunSummary(
            out_dir=out_dir,
            documents=self.documents,
            sentences_by_episode=self.sentences_by_episode,
            rejections=self.rejections,
            warnings=self.warnings,
            rows=self.rows,
            changes=self.changes,
        )


def split(sources: list[ingest.Source], size: int) -> list[list[ingest.Source]]:
    """Consecutive batches of at most `size` sources, in name order."""
    return [sources[i : i + size] for i in range(0, len(sources), max(1, size))]


def manifest_entry(source: ingest.Source) -> dict:
    return {
        "file": source.name,
        "title": source.title,
        "outlet": source.outlet,
        "url": source.url,
        "published": source.published,
    }


def extract_entry(source: ingest.Source, codebook: Codebook) -> cache.Entry:
    """Run one document through ingest and extraction; a bad file becomes a rejection."""
    try:
        document, warnings = ingest.read_document(source, codebook)
    except ingest.RejectedFile as exc:
        return cache.Entry(rejection=str(exc), document=None, sentences=[], facts={}, warnings=[])
    sentences = ingest.sentence_records(document, codebook)
    facts = extract.extract_document(document, sentences, codebook)
    return cache.Entry(rejection=None, document=document, sentences=sentences, facts=facts, warnings=warnings)


def process_batch(sources: list[ingest.Source], codebook: Codebook, cache_dir: Path | None) -> Batch:
    """Results for a batch of sources, from the cache where the key matches, extracted otherwise.

    Within the batch a repeated content keeps only its first file's rows; `assemble` does the
    same across batches.
    """
    outcomes: list[SourceOutcome] = []
    documents: list[dict] = []
    sentences: list[dict] = []
    facts: dict[str, list[dict]] = {name: [] for name in schema.FACT_TABLES.values()}
    seen: set[str] = set()
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            outcomes.append(
                SourceOutcome(source.name, None, None, None, f"unreadable: {exc.strerror}", (), False)
            )
            continue
        source_hash = cache.source_hash(data, manifest_entry(source))
        key = cache.entry_key(source_hash, codebook.version)
        entry = cache.load(cache_dir, key) if cache_dir is not None else None
        cached = entry is not None
        if entry is None:
            entry = extract_entry(source, codebook)
            if cache_dir is not None:
                cache.store(cache_dir, key, entry)
        doc_id = entry.document["doc_id"] if entry.document is not None else None
        outcomes.append(
            SourceOutcome(
                source.name, source_hash, key, doc_id, entry.rejection, tuple(entry.warnings), cached
            )
        )
        if doc_id is None or doc_id in seen:
            continue
        seen.add(doc_id)
        documents.append(entry.document)
        sentences.extend(entry.sentences)
        for name, rows in entry.facts.items():
            facts[name].extend(rows)
    return Batch(
        outcomes=outcomes,
        documents=schema.to_table(documents, schema.DOCUMENTS),
        sentences=schema.to_table(sentences, schema.SENTENCES),
        facts={name: schema.to_table(rows, schema.FACTS) for name, rows in facts.items()},
    )


def _ordered(tables: list[pa.Table], table_schema: pa.Schema) -> pa.Table:
    """One table, rows sorted by doc_id; the sort is stable, so a document's rows keep their order."""
    if not tables:
        return schema.to_table([], table_schema)
    return pa.concat_tables(tables).sort_by("doc_id").combine_chunks()


def assemble(
    listing: tuple[list[ingest.Source], list[ingest.Rejection], list[str]],
    batches: list[Batch],
    previous_index: dict[str, dict],
    folder: Path,
) -> Assembly:
    """Write documents, sentences, rejections and the fact tables of all batches into `folder`."""
    sources, rejections, warnings = listing
    rejections, warnings = list(rejections), list(warnings)
    outcomes = sorted(
        ((o, b) for b, batch in enumerate(batches) for o in batch.outcomes), key=lambda x: x[0].name
    )
    first_of: dict[str, str] = {}
    owned: list[list[str]] = [[] for _ in batches]  # doc_ids whose rows each batch contributes
    for outcome, b in outcomes:
        if outcome.rejection is not None:
            rejections.append(ingest.Rejection(outcome.name, outcome.rejection))
            continue
        warnings.extend(outcome.warnings)
        if outcome.doc_id in first_of:
            warnings.append(f"{outcome.name}: same content as {first_of[outcome.doc_id]}; ingested once")
            continue
        first_of[outcome.doc_id] = outcome.name
        owned[b].append(outcome.doc_id)
    rejections.sort(key=lambda r: r.path)

    def kept(table: pa.Table, b: int) -> pa.Table:
        if len(owned[b]) == batches[b].documents.num_rows:
            return table  # no duplicate of an earlier file in this batch: nothing to drop, no copy
        return table.filter(pc.is_in(table["doc_id"], pa.array(owned[b], pa.string())))

    documents = _ordered([kept(batch.documents, b) for b, batch in enumerate(batches)], schema.DOCUMENTS)
    schema.write_table(documents, folder / "documents.parquet")
    n_documents = documents.num_rows
    del documents
    sentences = _ordered([kept(batch.sentences, b) for b, batch in enumerate(batches)], schema.SENTENCES)
    schema.write_table(sentences, folder / "sentences.parquet")
    episodes = Counter()
    for item in pc.value_counts(sentences["episode"]).to_pylist():
        episodes[item["values"] or "neither"] += item["counts"]
    del sentences
    rows = {}
    for name in schema.FACT_TABLES.values():
        table = _ordered([kept(batch.facts[name], b) for b, batch in enumerate(batches)], schema.FACTS)
        schema.write_table(table, folder / f"{name}.parquet")
        rows[name] = table.num_rows
    rejection_rows = [{"path": r.path, "reason": r.reason} for r in rejections]
    schema.write_table(schema.to_table(rejection_rows, schema.REJECTIONS), folder / "rejections.parquet")

    index = {o.name: {"source": o.source_hash, "key": o.key} for o, _ in outcomes if o.key is not None}
    return Assembly(
        documents=n_documents,
        sentences_by_episode=dict(sorted(episodes.items())),
        rejections=rejections,
        warnings=warnings,
        rows=rows,
        changes=compare_sources(previous_index, index, {s.name for s in sources}, [o for o, _ in outcomes]),
        index=index,
    )


def compare_sources(
    previous: dict[str, dict], current: dict[str, dict], present: set[str], outcomes: list[SourceOutcome]
) -> Changes:
    """New, changed, removed and unchanged files against the last successful run."""
    changes = Changes()
    for name, item in current.items():
        before = previous.get(name)
        if before is None:
            changes.new += 1
        elif before["source"] != item["source"]:
            changes.changed += 1
        else:
            changes.unchanged += 1
    changes.removed = sum(1 for name in previous if name not in present)
    changes.extracted = sum(1 for o in outcomes if o.key is not None and not o.cached)
    changes.reused = sum(1 for o in outcomes if o.cached)
    return changes
