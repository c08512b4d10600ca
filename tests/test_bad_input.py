"""The bad-input corpus mixed with the seeds: each case gets its documented outcome (ingested,
cleaned, or rejected with a reason naming the file) and the seeds' rows stay exactly as they are.

The small cases are committed in tests/data/bad/ (see RELIABILITY.md for the table); the 50 MB
file, the 1 MB single line, the duplicate, the symlink and the file outside the seeds folder
are made here, at test time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from kzunrest import ingest, schema

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BAD = ROOT / "tests" / "data" / "bad"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))

# The documented outcome of every case (RELIABILITY.md, "Bad input"), written by hand.
REJECTED = {
    "empty.txt": "empty file",
    "whitespace_only.txt": "whitespace only",
    "binary_nul.txt": "binary file (contains NUL bytes)",
    "big_50mb.txt": "too large: 50.0 MB (the limit is 10 MB)",
    "outside_link.txt": "symlink pointing outside the seeds folder; not read",
    "../outside.txt": "manifest path points outside the seeds folder; not read",
    "missing.txt": "named in the manifest but missing on disk",
}
INGESTED = [
    "cp1251_russian.txt",
    "html_page.txt",
    "hostile.txt",
    "latin1.txt",
    "mixed_line_endings.txt",
    "one_line_1mb.txt",
    "utf16_bom.txt",
]
WARNINGS = [
    "manifest.yaml: unknown top-level keys ignored: version",
    "(cp1251_russian.txt): unknown keys ignored: author, tags",
    "(latin1.txt): published '2011-13-45' is not an ISO date; ignored",
    "report.pdf: not a .txt file; skipped",
    "html_page.txt: HTML page; markup stripped, text kept",
    f"zz_copy_of_000.txt: same content as {SEED_FILES[0]}; ingested once",
]
OUTSIDE_TEXT = "This file lies outside the seeds folder and must never be read."


def make_bad_corpus(folder: Path) -> Path:
    """The seeds plus every bad case in `folder/seeds`; returns that seeds folder."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, seeds / path.name)
    for path in BAD.iterdir():
        if path.name != "manifest.yaml":
            shutil.copy(path, seeds / path.name)
    seed_entries = yaml.safe_load((SEEDS / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    listed = yaml.safe_dump(seed_entries, allow_unicode=True, sort_keys=False)
    manifest = (BAD / "manifest.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    manifest += "".join(f"  {line}\n" for line in listed.splitlines())
    (seeds / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (folder / "outside.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    (seeds / "outside_link.txt").symlink_to(folder / "outside.txt")
    shutil.copy(SEEDS / SEED_FILES[0], seeds / "zz_copy_of_000.txt")
    line = "Oil workers in Zhanaozen demanded higher wages and the police answered with force.\n"
    with (seeds / "big_50mb.txt").open("w", encoding="utf-8") as big:
        big.write(line * (50_000_000 // len(line) + 1))
    words = "strike oil workers Zhanaozen wages police square December "
    (seeds / "one_line_1mb.txt").write_text((words * (1_000_000 // len(words) + 1))[:1_000_000])
    return seeds


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


@pytest.fixture(scope="module")
def bad_run(bad_seeds, prefect_harness, tmp_path_factory):
    from flows.pipeline import pipeline

    out = tmp_path_factory.mktemp("bad-run") / "datasets"
    return out, pipeline(seeds_dir=bad_seeds, out_dir=out)


def _rows(folder: Path, name: str, doc_ids: set[str]) -> list[dict]:
    rows = pq.read_table(folder / f"{name}.parquet").to_pylist()
    return [row for row in rows if row["doc_id"] in doc_ids]


def test_pipeline_keeps_seed_tables_unchanged(bad_run, seeds_run):
    out, _ = bad_run
    good, _ = seeds_run
    seed_ids = {row["doc_id"] for row in pq.read_table(good / "documents.parquet").to_pylist()}
    assert len(seed_ids) == len(SEED_FILES)
    for name in ("documents", "sentences", *schema.FACT_TABLES.values()):
        assert _rows(out, name, seed_ids) == _rows(good, name, seed_ids), name
    rejections = pq.read_table(out / "rejections.parquet").to_pylist()
    assert {r["path"]: r["reason"] for r in rejections} == REJECTED


def test_run_summary_names_each_rejected_file_with_its_reason(bad_run):
    _, summary = bad_run
    lines = summary.lines()
    assert f"documents: {len(SEED_FILES) + len(INGESTED)}" in lines
    assert f"rejected: {len(REJECTED)}" in lines
    rejected_lines = [line for line in lines if line.startswith("  rejected ")]
    assert rejected_lines == [f"  rejected {path}: {reason}" for path, reason in sorted(REJECTED.items())]
    for expected in WARNINGS:
        assert any(line.startswith("  warning ") and expected in line for line in lines), expected
