"""One run at a time per output folder: an `flock` on `.<out>.lock` beside the folder.

The kernel drops an flock when its holder dies, so a killed run never blocks the next one.
The lock file names its holder (pid, host, start time, command) so that a refused run can say
who is writing; a holder that finishes deletes the file, so a file found with content when the
lock is taken was left by a run that died: it is reported and cleared.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

POLL_S = 0.2
_held: dict[Path, int] = {}  # lock files this process holds -> nesting depth (the CLI, then the flow)


class LockHeld(Exception):
    """Another run is writing the same output folder."""


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _say(message: str) -> None:
    print(f"kzunrest: {message}", file=sys.stderr, flush=True)


def describe(holder: dict | None) -> str:
    """'pid 123 on host, started 2026-11-22T10:00:00+00:00: kzunrest run ...'."""
    if not holder:
        return "a run that is just starting"
    return (
        f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}: "
        f"{holder.get('command')}"
    )


def _read_holder(fd: int) -> dict | None:
    os.lseek(fd, 0, os.SEEK_SET)
    data = os.read(fd, 65536)
    try:
        holder = json.loads(data)
    except ValueError:
        return None
    return holder if isinstance(holder, dict) else None


def _this_run() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "?",
    }


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _open_locked(path: Path) -> int | None:
    """The locked file's descriptor, or None if another process holds the lock."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder deleted the file as we opened it: lock the new one


def _current_holder(path: Path) -> dict | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        return _read_holder(fd)
    finally:
        os.close(fd)


@contextmanager
def hold(out: Path, wait: float = 0, say: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait up to `wait` seconds for another run.

    Raises LockHeld (naming the holder) if it is still held after `wait`. Re-entrant within a
    process, so the CLI can take it before Prefect starts and the flow can take it again.
    """
    path = lock_path(Path(out)).absolute()
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    announced = False
    while (fd := _open_locked(path)) is None:
        holder = _current_holder(path)
        if time.monotonic() >= deadline:
            advice = f"waited {wait:g} s" if wait else "wait for it to finish, or pass --wait SECONDS"
            raise LockHeld(f"{out} is being written by another run ({describe(holder)}); {advice}")
        if not announced:
            say(f"{out} is being written by another run ({describe(holder)}); waiting up to {wait:g} s")
            announced = True
        time.sleep(min(POLL_S, max(0.0, deadline - time.monotonic())))
    try:
        stale = _read_holder(fd)
        if stale is not None:
            here = stale.get("host") == socket.gethostname()
            gone = "is no longer running" if here and not _pid_alive(stale.get("pid")) else "let it go"
            say(f"cleared a stale lock on {out} left by a run that died ({describe(stale)}); it {gone}")
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_this_run()).encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            path.unlink(missing_ok=True)  # before the lock goes, so a waiter re-checks the inode
    finally:
        os.close(fd)
