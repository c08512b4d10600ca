"""Extraction throughput on a >= 20 MB corpus built from the seeds, as a ratio to tokenising the
same text with a blank spaCy English pipeline in the same run (the issue's target: >= 0.5).

The corpus comes from benchmarks/corpus.py (seed sentences recombined, figures and days varied, so
no two articles are the same text). Ingest (cleaning, sentences, episodes) runs untimed first.
Three figures, each against the same tokenisation:
  - the extract step: `extract.extract_document` over every document (matching, figures,
    claimants, actors, dates, rows);
  - the codebook matching alone (`patterns.Ruleset.scan` on every sentence);
  - the figure and claimant parsers alone, once per sentence: the share of the step they take.
Times are CPU seconds of this process (time.process_time), each measured twice, interleaved, the
faster counting: on a shared machine, other processes' load changes wall time far more.

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
    start = time.process_time()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    return time.process_time() - start


def extract_seconds(built: list[tuple[dict, list[dict]]]) -> tuple[float, int]:
    """The extract step: every document through `extract.extract_document`; (CPU seconds, rows)."""
    from kzunrest import codebook as codebook_module
    from kzunrest import extract

    codebook = codebook_module.load()
    extract.extract_document(*built[0], codebook)  # compile the codebook outside the clock
    rows = 0
    start = time.process_time()
    for document, sentences in built:
        rows += sum(len(r) for r in extract.extract_document(document, sentences, codebook).values())
    return time.process_time() - start, rows


def matching_seconds(sentences: list[str]) -> float:
    """The codebook alone: every sentence lowercased and scanned for every pattern and actor."""
    from kzunrest import codebook as codebook_module
    from kzunrest import extract, patterns

    rules = patterns.load(codebook_module.load())
    start = time.process_time()
    for text in sentences:
        rules.scan(extract.lowercase(text))
    return time.process_time() - start


def parsers_seconds(sentences: list[str]) -> float:
    """The figure and claimant parsers (figures.py, claimants.py) once on every sentence."""
    from kzunrest import claimants, figures
    from kzunrest import codebook as codebook_module

    codebook = codebook_module.load()
    figure_lexicon, claimant_lexicon = figures.lexicon(codebook), claimants.lexicon(codebook)
    start = time.process_time()
    for text in sentences:
        figures.find_figures(text, figure_lexicon)
        claimants.attribute(text, None, lexicon_=claimant_lexicon)
    return time.process_time() - start


def run(workdir: Path) -> list[dict]:
    started = time.perf_counter()
    built = build_corpus(int(TARGET_MB * 1_000_000))
    build_seconds = time.perf_counter() - started
    texts = [document["text"] for document, _ in built]
    sentences = [s["text"] for _, records in built for s in records]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best = {"tokenise": float("inf"), "extract": float("inf"), "match": float("inf"), "parsers": float("inf")}
    rows = 0
    for _ in range(ROUNDS):
        best["tokenise"] = min(best["tokenise"], tokenise_seconds(texts))
        seconds, rows = extract_seconds(built)
        best["extract"] = min(best["extract"], seconds)
        best["match"] = min(best["match"], matching_seconds(sentences))
        best["parsers"] = min(best["parsers"], parsers_seconds(sentences))
    corpus = (
        f"{len(texts)} documents, {len(sentences)} sentences, {megabytes:.1f} MB, {rows} fact rows; "
        f"corpus + ingest {build_seconds:.0f} s untimed; CPU seconds, best of {ROUNDS}"
    )
    tok = best["tokenise"]

    def figure(name: str, key: str, note: str) -> dict:
        return {
            "name": name,
            "value": megabytes / best[key],
            "unit": "MB/s",
            "baseline": megabytes / tok,
            "baseline_name": "blank-spaCy tokenisation",
            "ratio": tok / best[key],
            "note": f"{note}: {best[key]:.1f} s vs tokenise {tok:.1f} s",
        }

    return [
        figure("extract step throughput", "extract", corpus),
        figure("codebook matching throughput", "match", "patterns + actors on every sentence"),
        figure("figure + claimant parsers", "parsers", "figures.py + claimants.py once per sentence"),
    ]
