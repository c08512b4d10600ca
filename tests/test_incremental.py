"""Incremental runs: the per-document cache redoes exactly what changed, and an incremental run's
tables are byte-identical to a full run's on the same inputs.

Plain functions, no Prefect: `build` does what the flow does around the cache (list, process
the batches, assemble into a staging folder, swap it in, commit the cache).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from kzunrest import batches, cache, ingest, outputs, schema
from kzunrest import codebook as codebook_module

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402  (benchmarks/corpus.py: the synthetic-corpus generator)

N_ARTICLES = 16
TABLES = ["documents", "sentences", "rejections", *schema.FACT_TABLES.values()]


def assemble(seeds: Path, out: Path, codebook, use_cache: bool = True, batch_size: int = 5):
    """The per-document stage into a new staging folder: (assembly, staging)."""
    cache_dir = cache.cache_dir_for(out) if use_cache else None
    listing = ingest.list_sources(seeds)
    results = [batches.process_batch(b, codebook, cache_dir) for b in batches.split(listing[0], batch_size)]
    staging = outputs.new_staging(out)
    assembly = batches.assemble(listing, results, cache.read_index(cache_dir) if use_cache else {}, staging)
    return assembly, staging


def build(seeds: Path, out: Path, codebook, use_cache: bool = True, batch_size: int = 5) -> batches.Assembly:
    assembly, staging = assemble(seeds, out, codebook, use_cache, batch_size)
    outputs.swap_in(staging, out)
    if use_cache:
        cache.commit(cache.cache_dir_for(out), assembly.index, out, cache.pipeline_version(codebook.version))
    return assembly


def table_bytes(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / f"{name}.parquet").read_bytes()).hexdigest() for name in TABLES}


def full_run_bytes(seeds: Path, tmp: Path, codebook) -> dict[str, str]:
    """The tables of a run with no cache at all, on the same inputs."""
    out = tmp / "full" / "datasets"
    build(seeds, out, codebook, use_cache=False)
    return table_bytes(out)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, codebook):
    """A generated corpus (plus a duplicate file) run once with the cache: seeds, out, tables."""
    base = tmp_path_factory.mktemp("incremental")
    seeds = base / "seeds"
    corpus.generate(N_ARTICLES, seeds)
    shutil.copy(seeds / corpus.file_name(3), seeds / "zz_copy_of_3.txt")
    out = base / "run" / "datasets"
    assembly = build(seeds, out, codebook)
    return seeds, out, assembly


@pytest.fixture
def workspace(first_run, tmp_path):
    """A private copy of the first run: its seeds, outputs and cache."""
    seeds, out, _ = first_run
    shutil.copytree(seeds, tmp_path / "seeds")
    shutil.copytree(out, tmp_path / "run" / "datasets")
    shutil.copytree(cache.cache_dir_for(out), cache.cache_dir_for(tmp_path / "run" / "datasets"))
    return tmp_path / "seeds", tmp_path / "run" / "datasets"


@pytest.fixture
def extracted_names(monkeypatch):
    """Names of the files actually extracted (not taken from the cache) from now on."""
    names: list[str] = []
    real = batches.extract_entry

    def spy(source, codebook):
        names.append(source.name)
        return real(source, codebook)

    monkeypatch.setattr(batches, "extract_entry", spy)
    return names


def test_first_run_extracts_every_file_and_caches_beside_the_output(first_run):
    _, out, assembly = first_run
    assert assembly.changes.new == N_ARTICLES + 1
    assert assembly.changes.extracted == N_ARTICLES + 1 and assembly.changes.reused == 0
    cache_dir = cache.cache_dir_for(out)
    assert cache_dir.parent == out.parent and not cache_dir.is_relative_to(out)  # survives the swap
    assert len(list((cache_dir / cache.ENTRIES).glob("*/*.json"))) == N_ARTICLES + 1


def test_unchanged_rerun_extracts_nothing_and_says_so(workspace, extracted_names):
    seeds, out = workspace
    before = table_bytes(out)
    assembly = build(seeds, out, codebook_module.load())
    assert extracted_names == []
    assert (assembly.changes.extracted, assembly.changes.reused) == (0, N_ARTICLES + 1)
    assert assembly.changes.unchanged == N_ARTICLES + 1
    assert "nothing extracted" in "\n".join(assembly.summary(out).lines())
    assert table_bytes(out) == before


def test_edited_document_is_reextracted_alone(workspace, extracted_names, tmp_path, codebook):
    seeds, out = workspace
    edited = corpus.file_name(5)
    with (seeds / edited).open("a", encoding="utf-8") as fh:
        fh.write("\nOn 17 December 2011 police detained 12 more strikers in Zhanaozen.\n")
    assembly = build(seeds, out, codebook)
    assert extracted_names == [edited]
    assert (assembly.changes.changed, assembly.changes.extracted) == (1, 1)
    assert assembly.changes.reused == N_ARTICLES
    assert table_bytes(out) == full_run_bytes(seeds, tmp_path, codebook)
    sentences = pq.read_table(out / "sentences.parquet").to_pylist()
    assert any("12 more strikers" in s["text"] for s in sentences)


def test_manifest_edit_reextracts_that_document(workspace, extracted_names, tmp_path, codebook):
    """The published date places sentences in episodes: a new date is a changed document."""
    seeds, out = workspace
    manifest = yaml.safe_load((seeds / "manifest.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["documents"] if e["file"] == corpus.file_name(2))
    entry["published"] = "2022-01-20"
    (seeds / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    assembly = build(seeds, out, codebook)
    assert extracted_names == [corpus.file_name(2)]
    assert assembly.changes.changed == 1
    assert table_bytes(out) == full_run_bytes(seeds, tmp_path, codebook)


def test_removed_document_loses_rows_and_cache_entry(workspace, extracted_names, tmp_path, codebook):
    seeds, out = workspace
    removed = corpus.file_name(7)
    doc_id = ingest.read_document(ingest.Source(seeds / removed, removed), codebook)[0]["doc_id"]
    key = cache.read_index(cache.cache_dir_for(out))[removed]["key"]
    manifest = yaml.safe_load((seeds / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [e for e in manifest["documents"] if e["file"] != removed]
    (seeds / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    (seeds / removed).unlink()

    assembly = build(seeds, out, codebook)
    assert extracted_names == []
    assert (assembly.changes.removed, assembly.changes.unchanged) == (1, N_ARTICLES)
    for name in TABLES:
        if name != "rejections":
            assert doc_id not in pq.read_table(out / f"{name}.parquet")["doc_id"].to_pylist(), name
    assert not list(cache.cache_dir_for(out).glob(f"{cache.ENTRIES}/*/{key}.json"))
    assert table_bytes(out) == full_run_bytes(seeds, tmp_path, codebook)


def test_removing_the_first_of_two_copies_keeps_the_content_once(workspace, tmp_path, codebook):
    """Duplicates are found across the whole corpus: with article 3 gone, its copy takes over."""
    seeds, out = workspace
    (seeds / corpus.file_name(3)).unlink()
    manifest = yaml.safe_load((seeds / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [e for e in manifest["documents"] if e["file"] != corpus.file_name(3)]
    (seeds / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    build(seeds, out, codebook)
    paths = pq.read_table(out / "documents.parquet")["path"].to_pylist()
    assert "zz_copy_of_3.txt" in paths and corpus.file_name(3) not in paths
    assert table_bytes(out) == full_run_bytes(seeds, tmp_path, codebook)


def test_codebook_change_reextracts_everything(workspace, extracted_names, tmp_path):
    seeds, out = workspace
    edited = tmp_path / "codebook"
    shutil.copytree(codebook_module.DEFAULT_DIR, edited)
    with (edited / "episodes.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment is a change too: the version hashes every file\n")
    changed_codebook = codebook_module.load(edited)
    assert changed_codebook.version != codebook_module.load().version
    assembly = build(seeds, out, changed_codebook)
    assert sorted(extracted_names) == sorted(p.name for p in seeds.glob("*.txt"))
    assert (assembly.changes.extracted, assembly.changes.reused) == (N_ARTICLES + 1, 0)
    assert assembly.changes.unchanged == N_ARTICLES + 1  # the files did not change; the codebook did


def test_unreadable_cache_entry_is_redone(workspace, extracted_names, codebook):
    seeds, out = workspace
    before = table_bytes(out)
    name = corpus.file_name(0)
    key = cache.read_index(cache.cache_dir_for(out))[name]["key"]
    next(cache.cache_dir_for(out).glob(f"{cache.ENTRIES}/*/{key}.json")).write_text("{truncated", "utf-8")
    build(seeds, out, codebook)
    assert extracted_names == [name]
    assert table_bytes(out) == before


def test_code_version_follows_the_per_document_imports(tmp_path, monkeypatch):
    """The cache key's code version covers the modules ingest and extract import, and only them."""
    modules = cache.code_modules()
    assert {"ingest", "extract", "episodes", "dates", "schema", "codebook"} <= set(modules)
    assert not {"cli", "serve", "outputs", "batches", "cache", "publish", "validate"} & set(modules)

    package = tmp_path / "kzunrest"
    shutil.copytree(cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__", "templates"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    versions = []
    for edit in (None, "cli.py", "dates.py"):
        if edit:
            with (package / edit).open("a", encoding="utf-8") as fh:
                fh.write("\n# edited\n")
        cache.code_version.cache_clear()
        versions.append(cache.code_version())
    cache.code_version.cache_clear()
    assert versions[0] == versions[1]  # cli.py does not shape a document's rows
    assert versions[1] != versions[2]  # dates.py does (episodes and extract import it)


def test_outputs_are_kept_only_when_nothing_at_all_changed(workspace, codebook):
    """Same tables, same pipeline version, output folder untouched: the later steps are skipped."""
    seeds, out = workspace
    cache_dir, version = cache.cache_dir_for(out), cache.pipeline_version(codebook.version)

    def current() -> bool:
        assembly, staging = assemble(seeds, out, codebook)
        try:
            return cache.outputs_current(cache_dir, staging, out, version)
        finally:
            outputs.discard(staging)

    assert current()
    assert not cache.outputs_current(cache_dir, out, out, "another-version")
    (out / "dashboard-note.txt").write_text("a file the last run did not write", encoding="utf-8")
    assert not current()
    (out / "dashboard-note.txt").unlink()
    assert current()
    with (seeds / corpus.file_name(1)).open("a", encoding="utf-8") as fh:
        fh.write("\nThe strike went on.\n")
    assert not current()


def test_pipeline_version_covers_what_runs_after_the_tables(codebook, tmp_path):
    other = tmp_path / "codebook"
    shutil.copytree(codebook_module.DEFAULT_DIR, other)
    (other / "units.yaml").write_text((other / "units.yaml").read_text(encoding="utf-8") + "\n# x\n", "utf-8")
    assert cache.pipeline_version(codebook.version) != cache.pipeline_version(
        codebook_module.load(other).version
    )
    assert {"src/kzunrest", "flows", "sql", "expectations"} <= set(cache.DOWNSTREAM_DIRS)
