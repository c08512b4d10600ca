"""Scale-out: per-document work in batches gives byte-identical tables whatever runs it.

Sequential plain functions (ingest.ingest + extract.write), any batch size, `--workers 2`
(Prefect's process pool), a Dask cluster and the whole pipeline with two workers all agree.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kzunrest import batches, extract, ingest, outputs, schema

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402  (benchmarks/corpus.py: the synthetic-corpus generator)

TABLES = ["documents", "sentences", "rejections", *schema.FACT_TABLES.values()]
BATCH_SIZE = 3  # 13 readable files -> 5 batches, so two workers both get work


def table_bytes(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / f"{name}.parquet").read_bytes()).hexdigest() for name in TABLES}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """12 generated articles, a copy of one of them and a binary file."""
    seeds = tmp_path_factory.mktemp("workers") / "seeds"
    corpus.generate(12, seeds)
    shutil.copy(seeds / corpus.file_name(4), seeds / "copy_of_4.txt")
    (seeds / "broken.txt").write_bytes(b"\x00\x01\x02\x03 not text")
    return seeds


@pytest.fixture(scope="module")
def sequential(small_corpus, codebook, tmp_path_factory) -> tuple[Path, ingest.Corpus]:
    """The tables as the one-document-after-another plain functions write them."""
    folder = tmp_path_factory.mktemp("sequential")
    whole = ingest.ingest(small_corpus, codebook)
    ingest.write(whole, folder)
    extract.write(folder, codebook)
    return folder, whole


def assemble_into(folder: Path, listing, results) -> batches.Assembly:
    folder.mkdir(parents=True)
    return batches.assemble(listing, results, {}, folder)


@pytest.mark.parametrize("batch_size", [1, 5, 100])
def test_any_batch_size_gives_the_sequential_tables(small_corpus, sequential, codebook, tmp_path, batch_size):
    reference, whole = sequential
    listing = ingest.list_sources(small_corpus)
    results = [batches.process_batch(b, codebook, None) for b in batches.split(listing[0], batch_size)]
    assembly = assemble_into(tmp_path / "out", listing, results)
    assert table_bytes(tmp_path / "out") == table_bytes(reference)
    assert assembly.warnings == whole.warnings
    assert assembly.rejections == whole.rejections
    assert any("same content as" in w for w in assembly.warnings)
    assert [r.path for r in assembly.rejections] == ["broken.txt"]


def test_task_runner_choice():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.pipeline import task_runner_for

    assert isinstance(task_runner_for(1, None), ThreadPoolTaskRunner)
    pool = task_runner_for(3, None)
    assert isinstance(pool, ProcessPoolTaskRunner) and pool._max_workers == 3
    local = task_runner_for(2, "local")
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 2
    remote = task_runner_for(1, "tcp://10.0.0.5:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"


def _task_run_names(api_url: str, flow_run_id, expected: int, timeout: float = 60) -> list[str]:
    """Names of the task runs of a flow run, once the server has recorded `expected` of them."""
    body = json.dumps({"task_runs": {"flow_run_id": {"any_": [str(flow_run_id)]}}}).encode()
    deadline = time.monotonic() + timeout
    while True:
        request = urllib.request.Request(
            f"{api_url}/task_runs/filter", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            names = [run["name"] for run in json.loads(response.read())]
        if len(names) >= expected or time.monotonic() > deadline:
            return names
        time.sleep(0.5)


def _documents_by(runner, small_corpus: Path, folder: Path):
    """The documents sub-flow on `runner`, assembled into `folder`; returns the flow run id."""
    from flows.pipeline import documents_flow

    state = documents_flow.with_options(task_runner=runner)(
        small_corpus, ROOT / "codebook", None, BATCH_SIZE, return_state=True
    )
    listing, results = state.result(_sync=True)  # sync even when a test left an event loop running
    assemble_into(folder, listing, results)
    return state.state_details.flow_run_id


@pytest.mark.prefect
def test_two_worker_processes_give_identical_tables(prefect_harness, small_corpus, sequential, tmp_path):
    from flows.pipeline import task_runner_for

    flow_run_id = _documents_by(task_runner_for(2, None), small_corpus, tmp_path / "out")
    assert table_bytes(tmp_path / "out") == table_bytes(sequential[0])
    n_batches = len(batches.split(ingest.list_sources(small_corpus)[0], BATCH_SIZE))
    names = _task_run_names(prefect_harness, flow_run_id, n_batches)
    assert len(names) == n_batches  # one task per batch, never one per document or sentence
    assert all(name.startswith("ingest-extract-batch") for name in names)


@pytest.mark.prefect
def test_dask_cluster_gives_identical_tables(prefect_harness, small_corpus, sequential, tmp_path):
    from distributed import LocalCluster

    from flows.pipeline import task_runner_for

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        _documents_by(task_runner_for(1, cluster.scheduler_address), small_corpus, tmp_path / "out")
        assert len(cluster.scheduler.workers) == 2
    assert table_bytes(tmp_path / "out") == table_bytes(sequential[0])


@pytest.mark.prefect
def test_pipeline_with_two_workers_matches_the_sequential_run(seeds_run, tmp_path):
    """The whole flow, as `kzunrest run --workers 2` runs it, writes the seeds run's tables."""
    from flows.pipeline import pipeline

    reference, _ = seeds_run
    out = tmp_path / "datasets"
    pipeline(seeds_dir=ROOT / "seeds", out_dir=out, workers=2)
    names = sorted(p.name for p in reference.glob("*.parquet"))
    assert names == sorted(p.name for p in out.glob("*.parquet"))
    for name in names:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert not list(out.parent.glob(f"{outputs.staging_prefix(out)}*"))
