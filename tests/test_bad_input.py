"""The bad-input corpus mixed with the seeds: each case gets its documented outcome (ingested,
cleaned, or rejected with a reason naming the file) and the seeds' rows stay exactly as they are.

The cases and their outcomes are in tests/bad_corpus.py and RELIABILITY.md.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from bad_corpus import INGESTED, OUTSIDE_TEXT, REJECTED, SEED_FILES, SEEDS, WARNINGS, make_bad_corpus

from kzunrest import ingest, schema


@pytest.fixture(scope="module")
def bad_seeds(tmp_path_factory) -> Path:
    return make_bad_corpus(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def corpus(bad_seeds, codebook) -> ingest.Corpus:
    return ingest.ingest(bad_seeds, codebook)


def _document(corpus: ingest.Corpus, path: str) -> dict:
    return next(d for d in corpus.documents if d["path"] == path)


def test_every_case_has_its_documented_outcome(corpus):
    assert {r.path: r.reason for r in corpus.rejections} == REJECTED
    assert sorted(d["path"] for d in corpus.documents) == sorted(SEED_FILES + INGESTED)
    for expected in WARNINGS:
        assert any(expected in w for w in corpus.warnings), (expected, corpus.warnings)


def test_legacy_and_unicode_encodings_are_decoded(corpus):
    russian = _document(corpus, "cp1251_russian.txt")
    assert "Полиция открыла огонь по бастующим нефтяникам на площади в Жанаозене." in russian["text"]
    assert russian["title"] == "Жанаозен: 16 декабря" and russian["outlet"] == "Vlast.kz"
    french = _document(corpus, "latin1.txt")
    assert "Le 16 décembre 2011, la police a tiré sur la foule réunie" in french["text"]
    assert french["published"] is None  # the wrong date was ignored, not guessed
    utf16 = _document(corpus, "utf16_bom.txt")
    assert utf16["text"].startswith("Almaty, January 2022.\nProtests that began in Zhanaozen")
    for document in (russian, french, utf16):
        assert "\ufffd" not in document["text"] and "\ufeff" not in document["text"]


def test_line_endings_and_html_are_cleaned(corpus):
    mixed = _document(corpus, "mixed_line_endings.txt")["text"]
    assert "\r" not in mixed
    assert mixed.split("\n") == [
        "Strike in Zhanaozen",
        "",
        "Oil workers demanded higher pay in May 2011.",
        "The company dismissed hundreds of strikers.",
        "",
        "Police fired on the crowd on 16 December 2011.",
    ]
    page = _document(corpus, "html_page.txt")["text"]
    assert "On 2 January 2022 residents of Zhanaozen protested against the rise in fuel prices." in page
    assert "By 5 January the protests had reached Almaty & other cities." in page
    assert "<" not in page and "SHOULD-NOT-APPEAR" not in page and "font-family" not in page


def test_single_huge_line_is_cut_into_bounded_sentences(corpus):
    document = _document(corpus, "one_line_1mb.txt")
    spans = [(s["char_start"], s["char_end"]) for s in corpus.sentences if s["doc_id"] == document["doc_id"]]
    assert all(0 < end - start <= ingest.MAX_SENTENCE_CHARS for start, end in spans)
    text = document["text"]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    gaps = [text[end:start] for (_, end), (start, _) in zip(spans, spans[1:], strict=False)]
    assert all(gap.strip() == "" for gap in gaps)  # nothing but the spaces cut at is left out


def test_nothing_outside_the_seeds_folder_is_read(corpus):
    assert not any(OUTSIDE_TEXT in d["text"] for d in corpus.documents)


def test_seed_rows_unchanged_by_bad_files(corpus, codebook):
    alone = ingest.ingest(SEEDS, codebook)
    ids = {d["doc_id"] for d in alone.documents}
    assert [d for d in corpus.documents if d["doc_id"] in ids] == alone.documents
    assert [s for s in corpus.sentences if s["doc_id"] in ids] == alone.sentences


# ---------------------------------------------------------------- the whole pipeline


def _rows(folder: Path, name: str, doc_ids: set[str]) -> list[dict]:
    rows = pq.read_table(folder / f"{name}.parquet").to_pylist()
    return [row for row in rows if row["doc_id"] in doc_ids]


def test_pipeline_keeps_seed_tables_unchanged(bad_run, seeds_run):
    out, _, _ = bad_run
    good, _ = seeds_run
    seed_ids = {row["doc_id"] for row in pq.read_table(good / "documents.parquet").to_pylist()}
    assert len(seed_ids) == len(SEED_FILES)
    for name in ("documents", "sentences", *schema.FACT_TABLES.values()):
        assert _rows(out, name, seed_ids) == _rows(good, name, seed_ids), name
    rejections = pq.read_table(out / "rejections.parquet").to_pylist()
    assert {r["path"]: r["reason"] for r in rejections} == REJECTED


def test_run_summary_names_each_rejected_file_with_its_reason(bad_run):
    _, summary, _ = bad_run
    lines = summary.lines()
    assert f"documents: {len(SEED_FILES) + len(INGESTED)}" in lines
    assert f"rejected: {len(REJECTED)}" in lines
    rejected_lines = [line for line in lines if line.startswith("  rejected ")]
    assert rejected_lines == [f"  rejected {path}: {reason}" for path, reason in sorted(REJECTED.items())]
    for expected in WARNINGS:
        assert any(line.startswith("  warning ") and expected in line for line in lines), expected
