"""Fault injection for the crash tests: `KZUNREST_FAULT=<point>:<when>` kills the run there.

Points (see RELIABILITY.md): `<step>:before` for each pipeline step (ingest, assemble,
validate, compare, publish, swap), `swap:mid-write` (after the folders are exchanged, before
the previous outputs are deleted), `swap:after`, and `<file>:mid-write` for a table written
through `schema.write_table` (the file is cut to half its bytes, then the process dies).
The variable is read here only; unset, every call is a dictionary look-up and nothing else.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

ENV = "KZUNREST_FAULT"


def point(name: str, torn: Path | None = None) -> None:
    """SIGKILL this process if KZUNREST_FAULT names this point (after tearing `torn` in half)."""
    if os.environ.get(ENV) != name:
        return
    if torn is not None:
        with open(torn, "r+b") as handle:
            handle.truncate(torn.stat().st_size // 2)
    os.kill(os.getpid(), signal.SIGKILL)
