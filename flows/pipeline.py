"""The pipeline flow: ingest -> extract -> validate -> compare -> publish, then swap in.

Each step is one task around a plain function of `kzunrest`; everything is built in a
staging folder and swapped in only when every step succeeded, so a failed or killed run
leaves the last good outputs in place.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from kzunrest import codebook as codebook_module
from kzunrest import compare, extract, ingest, outputs, warehouse
from kzunrest.summary import RunSummary


@task(name="ingest")
def ingest_step(seeds_dir: Path, staging: Path, codebook_dir: Path) -> ingest.Corpus:
    corpus = ingest.ingest(seeds_dir, codebook_module.load(codebook_dir))
    ingest.write(corpus, staging)
    return corpus


@task(name="extract")
def extract_step(staging: Path, codebook_dir: Path) -> dict[str, int]:
    return extract.write(staging, codebook_module.load(codebook_dir))


@task(name="validate", cache_policy=NO_CACHE)
def validate_step(staging: Path, stage: str) -> None:
    """Run the expectations/ suites of `stage` on the staging tables and write the quality report;
    a critical failure raises ValidationFailed, so nothing after it runs and nothing is swapped in."""
    from kzunrest import validate

    outcome = validate.check(staging, stage)
    get_run_logger().info("\n".join([f"validation ({stage}): passed", *outcome.summary_lines()]))


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
) -> RunSummary:
    seeds_dir, out_dir = Path(seeds_dir), Path(out_dir)
    outputs.remove_leftovers(out_dir)
    staging = outputs.new_staging(out_dir)
    try:
        corpus = ingest_step(seeds_dir, staging, codebook_dir)
        summary = RunSummary.of(corpus, out_dir)
        summary.check_strict(strict)
        summary.rows = extract_step(staging, codebook_dir)
        validate_step(staging, "tables")
        compare_step(staging, codebook_dir)
        validate_step(staging, "comparison")
        publish_step(staging, codebook_dir)
        outputs.swap_in(staging, out_dir)
    finally:
        if staging.exists():
            outputs.discard(staging)
    return summary
