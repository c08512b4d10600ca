"""A run killed (SIGKILL) at every step boundary and in the middle of writing a file: the last
good outputs stay intact and readable, the next run clears what the dead run left and succeeds.

The kill points are the KZUNREST_FAULT hooks (src/kzunrest/faults.py, RELIABILITY.md). The
runs are `kzunrest run` subprocesses against the session's one Prefect API, one after another:
each killed run is followed by the next killed run, whose start must clear the previous one's
leftovers, and the chain ends with a run that must succeed and leave nothing behind. The killed
runs read one seed fewer than the outputs they would replace, so none of them can end early on
finding its outputs already current: every kill point is reached.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from kzunrest import faults, lock, outputs

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
KZUNREST = Path(sys.executable).parent / "kzunrest"

# In pipeline order; "<step>:before" is also the previous step's "after". These leave the
# previous outputs in place; the two swap points after them put the killed run's outputs in.
KILL_POINTS = [
    "ingest:before",
    "assemble:before",
    "documents.parquet:mid-write",
    "sentences.parquet:mid-write",
    "validate:before",
    "compare:before",
    "publish:before",
    "swap:before",
]


def run(out: Path, fault: str | None = None, seeds: Path = SEEDS) -> subprocess.CompletedProcess:
    env = (
        {**os.environ, faults.ENV: fault}
        if fault
        else {k: v for k, v in os.environ.items() if k != faults.ENV}
    )
    return subprocess.run(
        [KZUNREST, "run", "--seeds", str(seeds), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=ROOT,
    )


def snapshot(out: Path) -> dict[str, str]:
    """Every output file -> sha256 of its bytes, after reading each table back."""
    for path in out.glob("*.parquet"):
        pq.read_table(path)  # raises on a torn or truncated file
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "warehouse.duckdb"  # DuckDB's file bytes vary run to run
    }


def leftovers(out: Path) -> list[str]:
    """What runs leave beside the output folder, other than the per-document cache."""
    return sorted(
        p.name
        for p in out.parent.iterdir()
        if p.name.startswith(f".{out.name}.") and p.name != f".{out.name}.cache"
    )


def documents(out: Path) -> int:
    return pq.read_table(out / "documents.parquet").num_rows


@pytest.mark.prefect
def test_killed_runs_lose_nothing(tmp_path, prefect_harness):
    out = tmp_path / "datasets"
    fewer = tmp_path / "fewer"  # the seeds but the first article
    fewer.mkdir()
    for path in sorted(SEEDS.iterdir())[1:]:
        (fewer / path.name).write_bytes(path.read_bytes())
    first = run(out)
    assert first.returncode == 0, first.stderr[-3000:]
    good = snapshot(out)
    assert "documents.parquet" in good and "rejections.parquet" in good
    assert leftovers(out) == []
    n_seeds = documents(out)

    killed_before: int | None = None

    def kill_at(point: str, seeds: Path) -> None:
        nonlocal killed_before
        killed = run(out, point, seeds)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-3000:])
        if killed_before is not None:
            assert (
                f"cleared a stale lock on {out} left by a run that died (pid {killed_before} "
                in killed.stderr
            )
            assert not any(name.startswith(f".datasets.staging-{killed_before}-") for name in leftovers(out))
        killed_before = json.loads(lock.lock_path(out).read_text())["pid"]  # its lock file names it
        left = leftovers(out)
        assert ".datasets.lock" in left, point
        assert all(n == ".datasets.lock" or n.startswith(f".datasets.staging-{killed_before}-") for n in left)

    for point in KILL_POINTS:
        kill_at(point, fewer)
        assert snapshot(out) == good, f"outputs changed after a kill at {point}"
    kill_at("swap:mid-write", fewer)  # the new outputs are in, whole; the old ones not yet deleted
    snapshot(out)  # every table reads back
    assert documents(out) == n_seeds - 1
    kill_at("swap:after", SEEDS)  # back to all the seeds: the same bytes as the first run
    assert snapshot(out) == good

    last = run(out)
    assert last.returncode == 0, last.stderr[-3000:]
    assert f"cleared a stale lock on {out} left by a run that died (pid {killed_before} " in last.stderr
    assert leftovers(out) == [], "temporary folders or the lock file left behind"
    assert snapshot(out) == good  # same inputs, same bytes, however many runs died before


def test_fallback_swap_interrupted_between_renames_is_recovered(tmp_path):
    """Without renameat2 the swap is two renames; a run that died between them left the previous
    outputs as `.<out>.old` and no `<out>`: the next run puts them back."""
    out = tmp_path / "datasets"
    old = tmp_path / ".datasets.old"
    old.mkdir()
    (old / "documents.parquet").write_bytes(b"previous outputs")
    outputs.remove_leftovers(out)
    assert (out / "documents.parquet").read_bytes() == b"previous outputs"
    assert not old.exists()


def test_leftover_staging_of_a_live_run_is_kept(tmp_path):
    """Only dead runs' staging folders are deleted (the lock already keeps two runs apart)."""
    out = tmp_path / "datasets"
    live = outputs.new_staging(out)
    dead = tmp_path / f"{outputs.staging_prefix(out)}999999999-deadbeef"
    dead.mkdir()
    assert outputs.remove_leftovers(out) == [dead]
    assert live.exists() and not dead.exists()
