"""The `kzunrest` command. Heavy libraries are imported inside commands so --help is instant."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help=__doc__.split(".")[0] + ".", no_args_is_help=True, add_completion=False)

SeedsOption = Annotated[Path, typer.Option("--seeds", help="Folder of .txt articles and manifest.yaml.")]
OutOption = Annotated[Path, typer.Option("--out", help="Output folder for tables, warehouse, dashboard.")]


@app.callback()
def main_callback() -> None:
    """Code articles on the Zhanaozen 2011 and January 2022 unrest into comparable tables."""


def _fail(message: str, code: int) -> None:
    typer.echo(f"kzunrest: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def run(
    seeds: SeedsOption = Path("seeds"),
    out: OutOption = Path("datasets"),
    strict: Annotated[bool, typer.Option(help="Fail if any file is rejected.")] = False,
    wait: Annotated[
        float, typer.Option(help="If another run is writing OUT, wait up to this many seconds for it.")
    ] = 0,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes for the per-document work (ingest + extract).")
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            help="Run the per-document work on a Dask cluster: its scheduler address "
            "(tcp://host:8786), or 'local' for a local cluster of --workers processes."
        ),
    ] = None,
) -> None:
    """Run the whole pipeline on a seeds folder (Prefect, ephemeral mode: no server needed).

    Documents unchanged since the last run on OUT are taken from the cache beside it
    (.OUT.cache/) instead of being extracted again.
    """
    from kzunrest import lock
    from kzunrest.prefect_env import ephemeral_api, wait_until_healthy

    typer.echo(f"kzunrest: running the pipeline on {seeds} -> {out} ...", err=True)
    try:
        # the lock first, so a refused run exits before Prefect starts; the server boots while
        # the imports below run
        with lock.hold(out, wait=wait), ephemeral_api() as api_url:
            from prefect.context import refresh_global_settings_context
            from prefect.settings import PREFECT_API_URL, temporary_settings

            from flows.pipeline import pipeline
            from kzunrest.ingest import ManifestError
            from kzunrest.summary import StrictFailure
            from kzunrest.validate import SuiteError, ValidationFailed

            params = {"seeds_dir": seeds, "out_dir": out, "strict": strict, "workers": workers, "dask": dask}
            try:
                if api_url is None:
                    summary = pipeline(**params)
                else:
                    wait_until_healthy(api_url)
                    # process-wide too, not only in this thread's context: worker processes and
                    # Prefect's own threads (which forward their logs) would start a server of their own
                    os.environ["PREFECT_API_URL"] = api_url
                    refresh_global_settings_context()
                    with temporary_settings(updates={PREFECT_API_URL: api_url}):
                        summary = pipeline(**params)
            except ManifestError as exc:
                _fail(f"{exc}\nNothing was written; the previous outputs in {out} are unchanged.", 2)
            except StrictFailure as exc:
                _fail(f"{exc}\nNothing was written; the previous outputs in {out} are unchanged.", 1)
            except SuiteError as exc:
                _fail(f"{exc}\nNothing was written; the previous outputs in {out} are unchanged.", 2)
            except ValidationFailed as exc:
                _fail(f"{exc}\nNothing was published; the previous outputs in {out} are unchanged.", 1)
    except lock.LockHeld as exc:
        _fail(f"{exc}\nNothing was written.", 3)
    typer.echo("\n".join(summary.lines()))


@app.command("serve")
def serve_command(
    seeds: SeedsOption = Path("seeds"),
    out: OutOption = Path("datasets"),
    cron: Annotated[str, typer.Option(help="When to run, as a cron expression in UTC.")] = "0 6 * * *",
    workers: Annotated[int, typer.Option(min=1, help="Processes for the per-document work of each run.")] = 1,
    dask: Annotated[
        str | None, typer.Option(help="Dask scheduler address (or 'local') for the per-document work.")
    ] = None,
) -> None:
    """Run the pipeline on a schedule: a Prefect deployment served from this process.

    Needs a Prefect server: `make server`, then export PREFECT_API_URL=http://127.0.0.1:4200/api.

    The server's UI (http://127.0.0.1:4200) shows the runs and their logs.

    Each run redoes only what changed. Ctrl-C stops serving and pauses the schedule.
    """
    from kzunrest.serve import ServeError, serve

    try:
        serve(seeds, out, cron, workers=workers, dask=dask)
    except ServeError as exc:
        _fail(str(exc), 2)


@app.command("validate")
def validate_command(out: OutOption = Path("datasets")) -> None:
    """Validate the tables already in --out against expectations/ and rewrite its quality report."""
    from kzunrest import lock, validate

    if not (out / "documents.parquet").is_file():
        _fail(f"{out}: no tables to validate (no documents.parquet); run `kzunrest run` first", 2)
    report = (out / validate.QUALITY / "index.html").resolve()
    try:
        with lock.hold(out):  # the report is written into --out: not while a run swaps it
            outcome = validate.check(out, "all")
    except lock.LockHeld as exc:
        _fail(f"{exc}\nNothing was validated.", 3)
    except validate.SuiteError as exc:
        _fail(str(exc), 2)
    except validate.ValidationFailed as exc:
        _fail(f"{exc}\nquality report: {report}", 1)
    typer.echo("\n".join(["validation passed", *outcome.summary_lines(), f"quality report: {report}"]))


class SqlFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def sql(
    query: Annotated[
        str | None,
        typer.Argument(help="One SELECT query. Without it: the tables and views, with their columns."),
    ] = None,
    out: OutOption = Path("datasets"),
    output_format: Annotated[
        SqlFormat, typer.Option("--format", help="How to print the result.")
    ] = SqlFormat.table,
) -> None:
    """Query warehouse.duckdb read-only: SELECT only; writes, files, extensions and settings are refused."""
    from kzunrest import sql as sql_module

    path = sql_module.warehouse_path(out)
    fmt = output_format.value
    try:
        if query is None:
            typer.echo(sql_module.format_relations(sql_module.relations(path), fmt))
            return
        result = sql_module.run(path, query)
    except sql_module.NoWarehouse as exc:
        _fail(str(exc), 1)
    except sql_module.QueryRefused as exc:
        _fail(f"refused: {exc}\nThe warehouse was not touched.", 2)
    except sql_module.QueryFailed as exc:
        _fail(f"{exc}\n\nThe warehouse ({path}) has\n{sql_module.relation_names(path)}", 1)
    typer.echo(sql_module.FORMATS[fmt](result))


@app.command()
def publish(
    out: OutOption = Path("datasets"),
    to: Annotated[
        Path | None,
        typer.Option("--to", help="Also copy the site here: a new or empty folder, or an earlier site."),
    ] = None,
) -> None:
    """Re-render the dashboard from the tables in --out (no pipeline run) and swap it in atomically."""
    from kzunrest import codebook as codebook_module
    from kzunrest import publish as publish_module
    from kzunrest.lock import LockHeld

    try:
        site = publish_module.publish(out, codebook_module.load(), to)
    except (publish_module.PublishError, LockHeld) as exc:
        _fail(f"{exc}\nNothing was replaced.", 1)
    typer.echo(f"dashboard: {(site / 'index.html').resolve()}")


@app.command("codebook")
def codebook_command() -> None:
    """Print the coding scheme: every category with its family, number of patterns and definition."""
    from kzunrest import codebook as codebook_module
    from kzunrest import patterns
    from kzunrest.patterns import CodebookError

    try:
        rules = patterns.load(codebook_module.load())
    except CodebookError as exc:
        _fail(str(exc), 2)
    typer.echo("\n".join(patterns.describe(rules)))


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option("--gold", help="Hand-coded gold facts (tests/gold/README.md).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder with the tables to score; produced there first if it has none."),
    ] = None,
    texts: Annotated[
        Path | None,
        typer.Option(
            "--texts",
            help="Folder of the texts the gold codes (default: the gold file's own "
            "folder when it holds a manifest.yaml, else seeds/).",
        ),
    ] = None,
    details: Annotated[
        bool, typer.Option(help="Also list misses, extra rows and wrong figures/claimants.")
    ] = False,
) -> None:
    """Precision, recall and F1 per table and overall, figure and claimant-type accuracy against gold."""
    from kzunrest import codebook as codebook_module
    from kzunrest import evaluate as evaluate_module

    try:
        report = evaluate_module.evaluate(gold, codebook_module.load(), out_dir=out, corpus_dir=texts)
    except evaluate_module.GoldError as exc:
        _fail(str(exc), 2)
    typer.echo("\n".join(report.lines(details=details)))


def main() -> None:  # pragma: no cover - console entry point

    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
