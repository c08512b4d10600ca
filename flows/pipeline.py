"""The pipeline flow: ingest -> extract -> validate -> compare -> publish, then swap in.

Each step is one task around a plain function of `kzunrest`; everything is built in a
staging folder and swapped in only when every step succeeded, so a failed or killed run
leaves the last good outputs in place.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from kzunrest import batches, cache, compare, faults, ingest, lock, outputs, warehouse
from kzunrest import codebook as codebook_module
from kzunrest.summary import RunSummary


def task_runner_for(workers: int, dask: str | None) -> TaskRunner:
    """Where per-document batches run: this process, N local processes, or a Dask cluster
    (`dask="local"` starts one with `workers` worker processes; else it is a scheduler address)."""
    if dask:
        from prefect_dask import DaskTaskRunner

        if dask == "local":
            local = {"n_workers": workers, "threads_per_worker": 1, "dashboard_address": None}
            return DaskTaskRunner(cluster_kwargs=local)
        return DaskTaskRunner(address=dask)
    return ProcessPoolTaskRunner(max_workers=workers) if workers > 1 else ThreadPoolTaskRunner(max_workers=1)


@task(name="ingest-extract-batch", cache_policy=NO_CACHE)
def documents_step(sources: list[ingest.Source], codebook_dir: Path, cache_dir: Path) -> batches.Batch:
    """Ingest and extract one batch of documents: one task per batch, never per sentence."""
    return batches.process_batch(sources, codebook_module.load(codebook_dir), cache_dir)


@flow(name="kzunrest-documents", validate_parameters=False)
def documents_flow(
    seeds_dir: Path, codebook_dir: Path, cache_dir: Path, batch_size: int
) -> tuple[tuple[list[ingest.Source], list[ingest.Rejection], list[str]], list[batches.Batch]]:
    """ingest + extract, per document: the sources are listed, then mapped in batches over the
    task runner; unchanged documents come from the cache."""
    listing = ingest.list_sources(seeds_dir)
    futures = documents_step.map(
        batches.split(listing[0], batch_size), unmapped(codebook_dir), unmapped(cache_dir)
    )
    return listing, futures.result()


@task(name="assemble", cache_policy=NO_CACHE)
def assemble_step(
    listing: tuple, results: list[batches.Batch], cache_dir: Path, staging: Path
) -> batches.Assembly:
    return batches.assemble(listing, results, cache.read_index(cache_dir), staging)


@task(name="validate", cache_policy=NO_CACHE)
def validate_step(staging: Path, stage: str) -> None:
    """Run the expectations/ suites of `stage` on the staging tables and write the quality report
    (and its warehouse table, once the warehouse exists); a critical failure raises
    ValidationFailed, so nothing after it runs and nothing is swapped in."""
    from kzunrest import validate

    outcome = validate.check(staging, stage)
    get_run_logger().info("\n".join([f"validation ({stage}): passed", *outcome.summary_lines()]))
    if (staging / warehouse.WAREHOUSE).exists():
        warehouse.build(staging, [validate.QUALITY])  # the report now covers this stage too


@task(name="compare")
def compare_step(staging: Path, codebook_dir: Path) -> list[str]:
    """Load the run's tables into warehouse.duckdb, then run the named comparisons over them."""
    warehouse.build(staging)
    return compare.run(staging, codebook_module.load(codebook_dir))


@task(name="publish")
def publish_step(staging: Path, codebook_dir: Path) -> Path:
    """Render the dashboard into the staging folder: it is swapped in with the tables or not at all."""
    from kzunrest import publish

    return publish.render(staging, codebook_module.load(codebook_dir))


@flow(name="kzunrest-pipeline", log_prints=True)
def pipeline(
    seeds_dir: Path = Path("seeds"),
    out_dir: Path = Path("datasets"),
    strict: bool = False,
    codebook_dir: Path = codebook_module.DEFAULT_DIR,
    workers: int = 1,
    dask: str | None = None,
    batch_size: int = batches.DEFAULT_BATCH_SIZE,
    lock_wait: float = 0,
) -> RunSummary:
    seeds_dir, out_dir = Path(seeds_dir), Path(out_dir)
    with lock.hold(out_dir, wait=lock_wait):  # one run per output folder (RELIABILITY.md)
        summary = _run(seeds_dir, out_dir, strict, codebook_dir, workers, dask, batch_size)
    get_run_logger().info("\n".join(summary.lines()))
    return summary


def _run(
    seeds_dir: Path,
    out_dir: Path,
    strict: bool,
    codebook_dir: Path,
    workers: int,
    dask: str | None,
    batch_size: int,
) -> RunSummary:
    """The steps, in a staging folder swapped in at the end; KZUNREST_FAULT points for the crash tests."""
    cache_dir = cache.cache_dir_for(out_dir)
    outputs.remove_leftovers(out_dir)
    staging = outputs.new_staging(out_dir)
    try:
        faults.point("ingest:before")
        listing, results = documents_flow.with_options(task_runner=task_runner_for(workers, dask))(
            seeds_dir, codebook_dir, cache_dir, batch_size
        )
        faults.point("assemble:before")
        assembly = assemble_step(listing, results, cache_dir, staging)
        del results  # the batches' rows are in the staging tables now
        summary = assembly.summary(out_dir)
        summary.check_strict(strict)
        version = cache.pipeline_version(codebook_module.load(codebook_dir).version)
        if cache.outputs_current(cache_dir, staging, out_dir, version):
            summary.changes.outputs_kept = True  # validated, compared and published by the last run
            return summary
        faults.point("validate:before")
        validate_step(staging, "tables")
        faults.point("compare:before")
        compare_step(staging, codebook_dir)
        validate_step(staging, "comparison")
        faults.point("publish:before")
        publish_step(staging, codebook_dir)
        faults.point("swap:before")
        outputs.swap_in(staging, out_dir)
        faults.point("swap:after")
        cache.commit(cache_dir, assembly.index, out_dir, version)
    finally:
        if staging.exists():
            outputs.discard(staging)
    return summary
