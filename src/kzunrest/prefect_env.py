"""Prefect for a one-shot `kzunrest run`: a throw-away API server, started early, services off.

Prefect's own ephemeral mode starts its API server in a subprocess at the first flow call, and
imports the server's code into the calling process as well (~10 s of CPU here). We start the
same server (`prefect.server.api.server:create_app` under uvicorn, with Prefect's ephemeral
flags) ourselves, at the start of the command, so it boots on the second core while this
process imports the pipeline's libraries; the flow then talks to it as to any API.
A user who sets PREFECT_API_URL keeps their own server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

ONE_SHOT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_CLI_PROMPT": "false",
}
# What Prefect's SubprocessASGIServer sets for its ephemeral server process.
_EPHEMERAL_SERVER = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
STARTUP_TIMEOUT_S = 180


def configure_one_shot() -> None:
    """Switch off what a single run does not need; values already set by the user win."""
    for key, value in ONE_SHOT.items():
        os.environ.setdefault(key, value)


def _die_with_parent() -> None:
    """In the server's process: receive SIGTERM when this run dies, even by SIGKILL."""
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def ephemeral_api() -> Iterator[str | None]:
    """Yield the API URL of a temporary Prefect server, stopped on exit.

    The server starts at once; `wait_until_healthy` (called by the caller when it actually
    needs the API) blocks until it answers. Yields None when PREFECT_API_URL is already set.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    configure_one_shot()
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on",
        ],
        env={**os.environ, **_EPHEMERAL_SERVER},
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )  # fmt: skip
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        yield api_url
    finally:
        try:
            _drain_to_api()
        finally:  # whatever the drain did, the server must not outlive the command
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _drain_to_api() -> None:
    """Send the logs and events still queued in this process before the server goes away."""
    if "prefect.logging.handlers" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    if "prefect.events.worker" in sys.modules:
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all()


def wait_until_healthy(api_url: str, timeout: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not _healthy(api_url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the temporary Prefect server at {api_url} did not start in {timeout:.0f} s")
        time.sleep(0.1)
