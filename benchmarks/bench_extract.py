"""Extraction throughput on a >= 20 MB corpus built from the seeds, as a ratio to tokenising the
same text with a blank spaCy English pipeline in the same run (the issue's target: >= 0.5).

The corpus comes from benchmarks/corpus.py (seed sentences recombined, figures and days varied, so
no two articles are the same text). Ingest (cleaning, sentences, episodes) runs untimed first; the
timed part is `extract.extract_document` over every document, i.e. matching, figures, claimants,
actors and dates. Each side runs twice, interleaved, and the faster run counts, so a burst of load
from other processes on a shared machine hurts neither side alone.

    python benchmarks/run.py extract            # or: make bench BENCH=extract
    KZUNREST_BENCH_EXTRACT_MB=2 python benchmarks/run.py extract   # a quick, smaller run
"""

from __future__ import annotations

import os
import time
from pathlib import Path

TARGET_MB = float(os.environ.get("KZUNREST_BENCH_EXTRACT_MB", "20"))
ROUNDS = 2


def build_corpus(target_bytes: int) -> list[tuple[dict, list[dict]]]:
    """(document, sentences) for synthetic articles until their texts reach `target_bytes`."""
    import corpus

    from kzunrest import codebook as codebook_module
    from kzunrest import ingest

    codebook = codebook_module.load()
    seeds = corpus.load_seeds()
    built, size, i = [], 0, 0
    while size < target_bytes:
        text, entry = corpus.article(i, seeds)
        source = ingest.Source(
            path=Path(corpus.file_name(i)), name=corpus.file_name(i), title=entry["title"],
            outlet=entry["outlet"], published=entry["published"],
        )  # fmt: skip
        document = ingest.document_record(source, ingest.clean(text, codebook.cleaning))
        built.append((document, ingest.sentence_records(document, codebook)))
        size += len(document["text"].encode("utf-8"))
        i += 1
    return built


def tokenise_seconds(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = 10**9
    start = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    return time.perf_counter() - start


def extract_seconds(built: list[tuple[dict, list[dict]]]) -> tuple[float, int]:
    from kzunrest import codebook as codebook_module
    from kzunrest import extract

    codebook = codebook_module.load()
    extract.extract_document(*built[0], codebook)  # compile the codebook outside the clock
    rows = 0
    start = time.perf_counter()
    for document, sentences in built:
        rows += sum(len(r) for r in extract.extract_document(document, sentences, codebook).values())
    return time.perf_counter() - start, rows


def run(workdir: Path) -> list[dict]:
    started = time.perf_counter()
    built = build_corpus(int(TARGET_MB * 1_000_000))
    build_seconds = time.perf_counter() - started
    texts = [document["text"] for document, _ in built]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    sentences = sum(len(s) for _, s in built)
    tokenise, extraction, rows = [], [], 0
    for _ in range(ROUNDS):
        tokenise.append(tokenise_seconds(texts))
        seconds, rows = extract_seconds(built)
        extraction.append(seconds)
    tok, ext = min(tokenise), min(extraction)
    note = (
        f"{len(texts)} documents, {sentences} sentences, {megabytes:.1f} MB, {rows} fact rows; "
        f"corpus + ingest {build_seconds:.0f} s untimed; best of {ROUNDS}: extract {ext:.1f} s, "
        f"tokenise {tok:.1f} s"
    )
    return [
        {
            "name": "extract throughput",
            "value": megabytes / ext,
            "unit": "MB/s",
            "baseline": megabytes / tok,
            "baseline_name": "blank-spaCy tokenisation",
            "ratio": tok / ext,
            "note": note,
        }
    ]
