"""Atomic outputs: a run builds everything in a staging folder beside `out` and swaps it in.

On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call, so readers see either the old
folder or the new one, never a mix or nothing. Elsewhere it falls back to two renames and
recovers the old folder if a run died between them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import uuid
from pathlib import Path

from kzunrest import faults

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def new_staging(out: Path) -> Path:
    """An empty folder on the same file system as `out`, named so leftovers can be found."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f"{staging_prefix(out)}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    return staging


def remove_leftovers(out: Path) -> list[Path]:
    """Delete staging folders of runs that died (their process is gone); return them."""
    removed = []
    for path in out.parent.glob(f"{staging_prefix(out)}*"):
        pid = path.name.removeprefix(staging_prefix(out)).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    old = out.parent / f".{out.name}.old"
    if old.exists():
        if not out.exists():
            old.rename(out)  # a run died between the two renames of the fallback swap
        else:
            shutil.rmtree(old, ignore_errors=True)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_in(staging: Path, out: Path) -> None:
    """Make `staging` the new `out` in one step, then delete the previous outputs."""
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        faults.point("swap:mid-write")  # the new outputs are in; the old ones not yet deleted
        shutil.rmtree(staging)
        return
    old = out.parent / f".{out.name}.old"
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def discard(staging: Path) -> None:
    """Delete the staging folder of a run that did not finish."""
    shutil.rmtree(staging, ignore_errors=True)
