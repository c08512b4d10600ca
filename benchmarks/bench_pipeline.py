"""The pipeline end to end: throughput and memory at 1,000 and 10,000 articles, incremental
re-runs, two workers, and Prefect's own overhead.

Every measurement is a separate process, timed from its start to its exit, with the peak RSS of
the process (and of its whole tree: worker processes included) sampled every 0.1 s:
- `kzunrest run` against a Prefect API server this benchmark starts once (as under `make server`
  or `kzunrest serve`), so the figures are the pipeline's, not the API server's start-up; one
  cold `kzunrest run` on the seeds (it starts its own server) shows that start-up separately;
- "plain": the same steps called as plain functions (no Prefect imported), the baseline of
  Prefect's overhead. It mirrors `flows/pipeline.py`; keep the two in step.
Articles come from benchmarks/corpus.py (deterministic). Targets (issue 7): unchanged re-run
<= 0.2x the full run on 1,000 articles; 10,000 articles with peak RSS < 1.5 GB; Prefect overhead
<= 1.3x on 1,000 articles.

    python benchmarks/run.py pipeline               # or: make bench BENCH=pipeline
    KZUNREST_BENCH_PIPELINE_LARGE=2000 python benchmarks/run.py pipeline   # a quicker run
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SMALL = int(os.environ.get("KZUNREST_BENCH_PIPELINE_SMALL", "1000"))
LARGE = int(os.environ.get("KZUNREST_BENCH_PIPELINE_LARGE", "10000"))
LARGE_WORKERS = 2  # the 10,000-article run uses both cores, to keep `make bench` near 15 minutes


class Measured:
    def __init__(self, seconds: float, peak_rss: int, peak_tree_rss: int, output: str) -> None:
        self.seconds, self.peak_rss, self.peak_tree_rss, self.output = (
            seconds,
            peak_rss,
            peak_tree_rss,
            output,
        )


def measure(args: list[str], env: dict | None = None) -> Measured:
    """Run a command to its end; wall time and peak RSS (the process; its whole tree)."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(
        args, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peaks = [0, 0]
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                own = root.memory_info().rss
                tree = own + sum(_rss(child) for child in root.children(recursive=True))
            except psutil.NoSuchProcess:
                break
            peaks[0], peaks[1] = max(peaks[0], own), max(peaks[1], tree)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0].decode(errors="replace")
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({process.returncode}):\n{output[-4000:]}")
    return Measured(seconds, peaks[0], peaks[1], output)


def _rss(process) -> int:
    import psutil

    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def kzunrest_run(seeds: Path, out: Path, env: dict, workers: int = 1) -> Measured:
    return measure(
        [str(BIN / "kzunrest"), "run", "--seeds", str(seeds), "--out", str(out), "--workers", str(workers)],
        env,
    )


def plain_run(seeds: Path, out: Path, env: dict) -> Measured:
    return measure([sys.executable, str(Path(__file__)), "plain", str(seeds), str(out)], env)


def forget(out: Path) -> None:
    """Remove the outputs and the cache, so the next run is a full run."""
    from kzunrest import cache

    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache.cache_dir_for(out), ignore_errors=True)


def input_mb(seeds: Path) -> float:
    return sum(p.stat().st_size for p in seeds.glob("*.txt")) / 1e6


def say(text: str) -> None:
    print(f"  .. {text}", flush=True)


def figure(
    name: str, value: float, unit: str, baseline: float | None = None, baseline_name: str = "", note=""
):
    ratio = value / baseline if baseline else None
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "note": note,
    }


def run(workdir: Path) -> list[dict]:
    import corpus

    from kzunrest.prefect_env import ephemeral_api, wait_until_healthy

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(workdir / "prefect-home")
    os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
    figures: list[dict] = []

    seeds = ROOT / "seeds"
    cold = kzunrest_run(seeds, workdir / "cold" / "datasets", env)
    say(f"cold kzunrest run on the seeds: {cold.seconds:.1f} s")

    small, large = workdir / "small", workdir / "large"
    corpus.generate(SMALL, small)
    corpus.generate(LARGE, large)
    say(f"corpora: {SMALL} articles {input_mb(small):.1f} MB, {LARGE} articles {input_mb(large):.1f} MB")

    with ephemeral_api() as api_url:
        wait_until_healthy(api_url)
        env["PREFECT_API_URL"] = api_url

        out = workdir / "seeds-out" / "datasets"
        flow_seeds = kzunrest_run(seeds, out, env)
        forget(out)
        plain_seeds = plain_run(seeds, out, env)
        figures += [
            figure("cold kzunrest run, seeds (starts its own Prefect server)", cold.seconds, "s",
                   flow_seeds.seconds, "the same with a running server"),
            figure("Prefect overhead, seeds", flow_seeds.seconds, "s", plain_seeds.seconds, "plain steps"),
        ]  # fmt: skip
        say(f"seeds: pipeline {flow_seeds.seconds:.1f} s, plain {plain_seeds.seconds:.1f} s")

        out = workdir / "small-out" / "datasets"
        full = kzunrest_run(small, out, env)
        say(f"{SMALL}: full run {full.seconds:.1f} s")
        unchanged = kzunrest_run(small, out, env)
        assert "nothing extracted" in unchanged.output, unchanged.output[-2000:]
        say(f"{SMALL}: unchanged re-run {unchanged.seconds:.1f} s")
        edited = corpus.edit(small, 0.01)
        one_percent = kzunrest_run(small, out, env)
        assert f"extracted {len(edited)}," in one_percent.output, one_percent.output[-2000:]
        say(f"{SMALL}: 1% changed re-run {one_percent.seconds:.1f} s")
        forget(out)
        two = kzunrest_run(small, out, env, workers=2)
        say(f"{SMALL}: full run, 2 workers {two.seconds:.1f} s")
        forget(out)
        plain = plain_run(small, out, env)
        say(f"{SMALL}: plain functions {plain.seconds:.1f} s")
        mb = input_mb(small)
        figures += [
            figure(f"end to end, {SMALL} articles", full.seconds, "s"),
            figure(f"throughput, {SMALL} articles", SMALL / full.seconds, "docs/s"),
            figure(f"throughput, {SMALL} articles, MB", mb / full.seconds, "MB/s"),
            figure(f"peak RSS, {SMALL} articles", full.peak_rss / 2**20, "MiB"),
            figure(f"unchanged re-run, {SMALL} articles", unchanged.seconds, "s", full.seconds, "full run",
                   "target <= 0.2x"),
            figure(f"1% changed re-run, {SMALL} articles", one_percent.seconds, "s", full.seconds, "full run",
                   f"{len(edited)} articles edited"),
            figure(f"--workers 2, {SMALL} articles", two.seconds, "s", full.seconds, "--workers 1",
                   f"tree peak RSS {two.peak_tree_rss / 2**20:.0f} MiB"),
            figure(f"Prefect overhead, {SMALL} articles", full.seconds, "s", plain.seconds, "plain functions",
                   "target <= 1.3x"),
        ]  # fmt: skip
        del unchanged, one_percent, two, plain

        out = workdir / "large-out" / "datasets"
        big = kzunrest_run(large, out, env, workers=LARGE_WORKERS)
        say(f"{LARGE}: full run, {LARGE_WORKERS} workers {big.seconds:.1f} s")
        figures += [
            figure(f"end to end, {LARGE} articles, --workers {LARGE_WORKERS}", big.seconds, "s"),
            figure(f"throughput, {LARGE} articles, --workers {LARGE_WORKERS}", LARGE / big.seconds, "docs/s",
                   SMALL / full.seconds, f"{SMALL} articles, 1 worker"),
            figure(f"throughput, {LARGE} articles, MB", input_mb(large) / big.seconds, "MB/s"),
            figure(f"peak RSS, {LARGE} articles (main process)", big.peak_rss / 2**20, "MiB",
                   full.peak_rss / 2**20, f"{SMALL} articles", "target < 1536 MiB"),
            figure(f"peak RSS, {LARGE} articles (process tree)", big.peak_tree_rss / 2**20, "MiB",
                   None, "", f"main process + {LARGE_WORKERS} workers"),
        ]  # fmt: skip
    results = HERE / "results" / "pipeline.json"
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps({"articles": [SMALL, LARGE], "figures": figures}, indent=2) + "\n")
    return figures


def plain(seeds: Path, out: Path) -> None:
    """The pipeline's steps as plain functions, in the flow's order, with no Prefect at all."""
    from kzunrest import batches, cache, compare, ingest, outputs, publish, validate, warehouse
    from kzunrest import codebook as codebook_module

    codebook = codebook_module.load()
    cache_dir = cache.cache_dir_for(out)
    staging = outputs.new_staging(out)
    listing = ingest.list_sources(seeds)
    results = [
        batches.process_batch(batch, codebook, cache_dir)
        for batch in batches.split(listing[0], batches.DEFAULT_BATCH_SIZE)
    ]
    assembly = batches.assemble(listing, results, cache.read_index(cache_dir), staging)
    del results
    version = cache.pipeline_version(codebook.version)
    if cache.outputs_current(cache_dir, staging, out, version):
        outputs.discard(staging)
        return
    validate.check(staging, "tables")
    warehouse.build(staging)
    compare.run(staging, codebook)
    validate.check(staging, "comparison")
    publish.render(staging, codebook)
    outputs.swap_in(staging, out)
    cache.commit(cache_dir, assembly.index, out, version)
    print("\n".join(assembly.summary(out).lines()))


if __name__ == "__main__":
    if sys.argv[1:2] == ["plain"]:
        plain(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(f"usage: {sys.argv[0]} plain SEEDS OUT   (the benchmark itself: benchmarks/run.py pipeline)")
