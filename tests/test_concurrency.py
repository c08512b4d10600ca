"""Two runs on one output folder: one proceeds, the other waits or is refused with the holder's
name; a lock left by a killed run is cleared; the output is never a mix of two runs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kzunrest import lock

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
KZUNREST = Path(sys.executable).parent / "kzunrest"

# Holds the lock on argv[1] until a line arrives on stdin (or it is killed).
HOLDER = """
import sys
from pathlib import Path
from kzunrest import lock
with lock.hold(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def start_holder(out: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait(timeout=30) == 0


def test_second_run_is_refused_naming_the_holder(tmp_path):
    out = tmp_path / "datasets"
    holder = start_holder(out)
    try:
        with pytest.raises(lock.LockHeld) as refused, lock.hold(out):
            pytest.fail("acquired a lock another process holds")
        message = str(refused.value)
        assert f"pid {holder.pid} on {socket.gethostname()}, started 20" in message
        assert "-c " in message  # the holder's command line
        assert "--wait SECONDS" in message
    finally:
        release(holder)
    assert not lock.lock_path(out).exists(), "a finished holder leaves its lock file behind"


def test_waiting_run_times_out_then_proceeds_once_the_holder_finishes(tmp_path):
    out = tmp_path / "datasets"
    holder = start_holder(out)
    said: list[str] = []
    started = time.monotonic()
    with pytest.raises(lock.LockHeld, match=r"waited 0\.5 s"), lock.hold(out, wait=0.5, say=said.append):
        pass
    assert time.monotonic() - started >= 0.5
    assert said and f"pid {holder.pid}" in said[0] and "waiting up to 0.5 s" in said[0]
    timer = threading.Timer(1.0, release, [holder])
    timer.start()
    started = time.monotonic()
    with lock.hold(out, wait=60, say=said.append):
        waited = time.monotonic() - started
        record = json.loads(lock.lock_path(out).read_text())
    timer.join()
    assert 0.8 <= waited < 30
    assert record["pid"] == os.getpid()


def test_lock_left_by_a_killed_run_is_detected_and_cleared(tmp_path):
    out = tmp_path / "datasets"
    holder = start_holder(out)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    left = json.loads(lock.lock_path(out).read_text())
    assert left["pid"] == holder.pid  # the killed run could not delete its lock file
    said: list[str] = []
    with lock.hold(out, say=said.append):  # the kernel released the flock: no wait
        assert json.loads(lock.lock_path(out).read_text())["pid"] == os.getpid()
    assert len(said) == 1
    assert said[0].startswith(f"cleared a stale lock on {out} left by a run that died (pid {holder.pid} ")
    assert said[0].endswith("it is no longer running")
    assert not lock.lock_path(out).exists()


def test_lock_is_reentrant_within_a_process(tmp_path):
    out = tmp_path / "datasets"
    with lock.hold(out), lock.hold(out):  # the CLI takes it, then the flow
        assert lock.lock_path(out).exists()
    assert not lock.lock_path(out).exists()


def test_lock_on_a_deleted_lock_file_does_not_count(tmp_path, monkeypatch):
    """A waiter that opened the lock file just before the finishing holder deleted it gets an
    flock on a file nobody else will look at; it must notice and lock the current file instead."""
    out = tmp_path / "datasets"
    path = lock.lock_path(out)
    path.write_text("")
    deleted = os.open(path, os.O_RDWR)  # opened before the holder deleted it
    path.unlink()
    holder = start_holder(out)  # a newer run locks a new file at the same path
    real_open = os.open
    opened = iter([deleted])
    monkeypatch.setattr(lock.os, "open", lambda *args: next(opened, None) or real_open(*args))
    try:
        with pytest.raises(lock.LockHeld, match=f"pid {holder.pid} "), lock.hold(out):
            pytest.fail("held the lock of a deleted file while another run holds the real one")
    finally:
        release(holder)


# Each process adds 1 to a counter file, 25 times, under the lock, with a pause between the
# read and the write: any two holders at once lose counts.
COUNTER = """
import sys, time
from pathlib import Path
from kzunrest import lock
out, counter = Path(sys.argv[1]), Path(sys.argv[2])
for _ in range(25):
    with lock.hold(out, wait=120, say=lambda message: None):
        value = int(counter.read_text())
        time.sleep(0.002)
        counter.write_text(str(value + 1))
"""


def test_only_one_holder_at_a_time_under_contention(tmp_path):
    out, counter = tmp_path / "datasets", tmp_path / "counter"
    counter.write_text("0")
    workers = [subprocess.Popen([sys.executable, "-c", COUNTER, str(out), str(counter)]) for _ in range(4)]
    assert [w.wait(timeout=300) for w in workers] == [0, 0, 0, 0]
    assert counter.read_text() == "100"
    assert not lock.lock_path(out).exists()


def test_cli_run_exits_at_once_while_another_run_writes(tmp_path):
    out = tmp_path / "datasets"
    holder = start_holder(out)
    try:
        refused = subprocess.run(
            [KZUNREST, "run", "--seeds", str(SEEDS), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        release(holder)
    assert refused.returncode == 3
    assert f"is being written by another run (pid {holder.pid} on {socket.gethostname()}" in refused.stderr
    assert "Nothing was written." in refused.stderr
    assert not out.exists()


# ---------------------------------------------------------------- real runs


def _consistent(out: Path) -> set[str]:
    """The output's doc_ids, after checking that every table speaks of the same documents."""
    import duckdb

    doc_ids = set(pq.read_table(out / "documents.parquet").column("doc_id").to_pylist())
    for name in ("sentences", "triggers", "demands", "state_responses", "outcomes"):
        assert set(pq.read_table(out / f"{name}.parquet").column("doc_id").to_pylist()) <= doc_ids, name
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        in_warehouse = {row[0] for row in con.execute("SELECT doc_id FROM documents").fetchall()}
    assert in_warehouse == doc_ids
    return doc_ids


@pytest.mark.prefect
def test_two_runs_at_once_never_mix(tmp_path, prefect_harness):
    """A runs on all seeds; B (refused) and C (waiting) start while A holds the lock. C runs on
    one seed fewer after A: the final outputs are C's alone, whole and consistent."""
    out = tmp_path / "datasets"
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    for path in sorted(SEEDS.iterdir())[1:]:
        (fewer / path.name).write_bytes(path.read_bytes())
    command = [KZUNREST, "run", "--out", str(out), "--seeds"]
    a = subprocess.Popen([*command, str(SEEDS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (lock.lock_path(out).exists() and str(a.pid) in lock.lock_path(out).read_text()):
        assert a.poll() is None and time.monotonic() < deadline, "run A never took the lock"
        time.sleep(0.05)
    c = subprocess.Popen(
        [*command, str(fewer), "--wait", "600"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    b = subprocess.run([*command, str(SEEDS)], capture_output=True, text=True, timeout=120)
    a_out, a_err = a.communicate(timeout=600)
    c_out, c_err = c.communicate(timeout=600)
    assert b.returncode == 3 and f"(pid {a.pid} on " in b.stderr
    assert a.returncode == 0, a_err[-3000:]
    assert c.returncode == 0, c_err[-3000:]
    assert f"is being written by another run (pid {a.pid} on " in c_err and "waiting up to 600 s" in c_err
    assert "documents: 5" in a_out and "documents: 4" in c_out
    assert len(_consistent(out)) == 4
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".datasets."))
    assert leftovers == [".datasets.cache"]
