"""The publish step (dashboard rendering) as a ratio to the compare step, measured in the same run.

Two datasets: the seeds (tables made with the steps' plain functions, ingest and extract, no
Prefect) and the dashboard tests' hand-built fixture, whose figures make the page draw charts.
On each, both steps run on fresh copies of the same tables: compare is `warehouse.build` +
`compare.run`, publish is `publish.render`. The first chart drawn in a process starts
vl-convert's engine (a pipeline run pays that once); later renders show the steady cost,
split into its parts (queries, page model with charts, downloads).
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
INPUT_TABLES = ("documents", "sentences", "rejections", "triggers", "demands", "state_responses", "outcomes")
REPEATS = 5


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def seeds_tables(folder: Path, codebook) -> Path:
    """documents, sentences, rejections and the four fact tables of the seeds, as a run writes them."""
    from kzunrest import extract, ingest

    folder.mkdir(parents=True)
    ingest.write(ingest.ingest(ROOT / "seeds", codebook), folder)
    extract.write(folder, codebook)
    return folder


def _fresh_copy(tables: Path, staging: Path) -> Path:
    staging.mkdir()
    for name in INPUT_TABLES:
        shutil.copyfile(tables / f"{name}.parquet", staging / f"{name}.parquet")
    return staging


def compare_seconds(tables: Path, workdir: Path, codebook) -> list[float]:
    from kzunrest import compare, warehouse

    times = []
    for i in range(REPEATS):
        staging = _fresh_copy(tables, workdir / f"compare-{i}")
        times.append(_timed(lambda s=staging: (warehouse.build(s), compare.run(s, codebook))))
        shutil.rmtree(staging)
    return times


def render_seconds(compared: Path, workdir: Path, codebook) -> list[float]:
    """Every render of the run, the first one (cold vl-convert engine) first."""
    from kzunrest import publish

    times = []
    for i in range(REPEATS + 1):
        site = workdir / f"site-{i}"
        times.append(_timed(lambda s=site: publish.render(compared, codebook, s)))
        shutil.rmtree(site)
    return times


def render_parts(compared: Path, workdir: Path, codebook) -> dict[str, float]:
    """Median seconds of each part of a (warm) render."""
    from kzunrest import publish

    parts: dict[str, list[float]] = {"queries": [], "page model and charts": [], "downloads": []}
    for i in range(REPEATS):
        start = time.perf_counter()
        results = publish.run_queries(compared, codebook)
        parts["queries"].append(time.perf_counter() - start)
        parts["page model and charts"].append(_timed(lambda r=results: publish.page_model(r, codebook)))
        site = workdir / f"parts-{i}"
        parts["downloads"].append(_timed(lambda s=site: publish.write_downloads(compared, s)))
        shutil.rmtree(site)
    return {name: statistics.median(times) for name, times in parts.items()}


def _figure(
    name: str, seconds: float, baseline: float, note: str, baseline_name: str = "compare step"
) -> dict:
    return {
        "name": name,
        "value": seconds,
        "unit": "s",
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": seconds / baseline,
        "note": note,
    }


def fixture_tables(folder: Path, codebook) -> Path:
    """The dashboard tests' hand-built dataset (tests/fixtures/dashboard.yaml): facts with figures
    in both episodes, so the charts are drawn even while the seeds yield few figures."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from dashboard_fixture import build

    build(folder, codebook)
    for extra in folder.iterdir():  # keep the inputs only: compare runs on them below
        if extra.stem not in INPUT_TABLES:
            extra.unlink()
    return folder


def run(workdir: Path) -> list[dict]:
    from kzunrest import codebook as codebook_module
    from kzunrest import compare, warehouse

    codebook = codebook_module.load()
    figures = []
    for label, make in (("seeds", seeds_tables), ("fixture", fixture_tables)):
        start = time.perf_counter()
        tables = make(workdir / label, codebook)
        made = time.perf_counter() - start
        compared = _fresh_copy(tables, workdir / f"{label}-compared")
        warehouse.build(compared)
        compare.run(compared, codebook)
        renders = render_seconds(compared, workdir, codebook)
        baseline = statistics.median(compare_seconds(tables, workdir, codebook))
        n_facts = sum(pq.read_metadata(tables / f"{t}.parquet").num_rows for t in INPUT_TABLES[3:])
        n_claims = pq.read_metadata(compared / "compare_figures.parquet").num_rows
        note = f"{n_facts} fact rows, {n_claims} figure claims; median of {REPEATS}"
        figures += [
            _figure(f"compare step, {label} (baseline)", baseline, baseline, note),
            _figure(
                f"publish step, {label}, first render",
                renders[0],
                baseline,
                "vl-convert's engine starts at the process's first chart",
            ),
            _figure(f"publish step, {label}, later renders", statistics.median(renders[1:]), baseline, note),
        ]
        if label == "seeds":  # the steps before compare, for scale: ingest + extract, once, no Prefect
            figures.append(
                _figure(
                    "publish step, seeds, later renders, against ingest + extract",
                    statistics.median(renders[1:]),
                    made,
                    f"ingest + extract of the seeds took {made:.3g} s (once, plain functions)",
                    "ingest + extract",
                )
            )
        for part, seconds in render_parts(compared, workdir, codebook).items():
            figures.append(_figure(f"  {part}, {label}", seconds, baseline, "part of a later render"))
    return figures
