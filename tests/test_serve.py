"""`kzunrest serve` against a real Prefect server: the deployment is registered with its cron,
runs triggered through the API complete and write the outputs, their logs carry the summary,
the second run is incremental, and shutting down leaves no process behind.

One test, as a user would do it: `prefect server start` on loopback in a throw-away
PREFECT_HOME, `kzunrest serve` beside it, everything else through the server's REST API.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from kzunrest import cache, schema

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
VENV_BIN = Path(sys.executable).parent
FLOW, DEPLOYMENT = "kzunrest-pipeline", "kzunrest-scheduled"
CRON = "0 6 * * *"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(url: str, body: dict | None = None, method: str | None = None) -> dict | list | None:
    """One API call: its JSON, or None for 404 or no answer. A 503 (SQLite busy under load:
    nothing was written) is retried."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    for attempt in range(10):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if exc.code != 503 or attempt == 9:
                raise
        except OSError:
            return None
        time.sleep(2)
    return None


def _sigint_as_at_a_terminal() -> None:
    """Ctrl-C reaches a command started at a terminal; a shell starts a background job (`make
    test &`, a CI runner's script) with SIGINT ignored, and its children inherit that, so the
    Ctrl-C this test sends would be lost. Start the processes as a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Processes:
    """The processes this test started and every descendant seen while it ran."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []
        self.seen: dict[int, psutil.Process] = {}

    def start(self, args: list[str], env: dict, log: Path) -> subprocess.Popen:
        with log.open("wb") as out:
            process = subprocess.Popen(
                args,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_sigint_as_at_a_terminal,
            )
        self.started.append(process)
        self.note()
        return process

    def note(self) -> None:
        for process in self.started:
            try:
                parent = psutil.Process(process.pid)
                for p in [parent, *parent.children(recursive=True)]:
                    self.seen.setdefault(p.pid, p)
            except psutil.NoSuchProcess:
                pass

    def alive(self) -> list[psutil.Process]:
        left = []
        for p in self.seen.values():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    left.append(p)
            except psutil.NoSuchProcess:
                pass
        return left

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for p in self.alive():
            p.kill()


def _wait_for(what: str, probe, timeout: float, processes: Processes, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.note()
        value = probe()
        if value:
            return value
        for process in processes.started:
            if process.poll() is not None:
                pytest.fail(
                    f"{process.args[:3]} exited ({process.returncode}) waiting for {what}\n{_tail(logs)}"
                )
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{_tail(logs)}")


def _tail(logs: list[Path]) -> str:
    return "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs if log.exists()
    )


def _run_and_wait(api: str, deployment_id: str, processes: Processes, logs: list[Path]) -> tuple[dict, str]:
    """Trigger a run of the deployment through the API; its final state and its log text."""
    run = _call(f"{api}/deployments/{deployment_id}/create_flow_run", {})
    assert run and run.get("id"), run

    def final():
        state = (_call(f"{api}/flow_runs/{run['id']}") or {}).get("state") or {}
        return state if state.get("type") in FINAL else None

    state = _wait_for(f"flow run {run['id']}", final, 900, processes, logs)

    def log_text():
        rows = _call(f"{api}/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}, "limit": 200})
        text = "\n".join(row["message"] for row in rows or [])
        return text if "rejected:" in text or state["type"] != "COMPLETED" else None

    text = log_text() or _wait_for("the run's summary in its logs", log_text, 60, processes, logs)
    return state, text


def test_served_deployment_runs_through_the_api_and_shuts_down_cleanly(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    out = tmp_path / "served" / "datasets"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_API_URL=api,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_RUNNER_POLL_FREQUENCY="2",  # pick triggered runs up quickly (default 10 s)
        PREFECT_CLI_PROMPT="false",
    )
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    logs = [server_log, serve_log]
    processes = Processes()
    try:
        processes.start(
            [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env,
            server_log,
        )
        _wait_for("the server's health", lambda: _call(f"{api}/health"), 300, processes, logs)

        serve = processes.start(
            [str(VENV_BIN / "kzunrest"), "serve", "--seeds", str(SEEDS), "--out", str(out), "--cron", CRON],
            env,
            serve_log,
        )
        by_name = f"{api}/deployments/name/{FLOW}/{DEPLOYMENT}"
        deployment = _wait_for("the deployment", lambda: _call(by_name), 300, processes, logs)
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == [CRON]
        assert deployment["parameters"]["out_dir"] == str(out.resolve())
        assert deployment["entrypoint"] == "flows.pipeline.pipeline"

        state, text = _run_and_wait(api, deployment["id"], processes, logs)
        assert state["type"] == "COMPLETED", f"{state}\n{text}\n{_tail(logs)}"
        documents = pq.read_table(out / "documents.parquet")
        assert documents.num_rows == len(list(SEEDS.glob("*.txt")))
        for name in schema.FACT_TABLES.values():
            assert pq.read_table(out / f"{name}.parquet").num_rows > 0, name
        assert (out / "warehouse.duckdb").exists()
        assert cache.read_index(cache.cache_dir_for(out))
        assert f"files: {documents.num_rows} new, 0 changed, 0 removed" in text
        assert "rows: triggers" in text and "validation (tables): passed" in text

        state, text = _run_and_wait(api, deployment["id"], processes, logs)  # the next scheduled day
        assert state["type"] == "COMPLETED", f"{state}\n{text}"
        assert f"nothing extracted: all {documents.num_rows} documents taken from the cache" in text
        assert "nothing else to do" in text  # same tables as the first run: its outputs stand

        serve.send_signal(signal.SIGINT)  # Ctrl-C
        assert serve.wait(timeout=120) is not None
        paused = _wait_for(
            "the schedule to pause", lambda: (_call(by_name) or {}).get("paused"), 60, processes, logs
        )
        assert paused is True

        check_prefect_yaml_deploys(api, env, tmp_path, processes, logs)

        server = processes.started[0]
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        deadline = time.monotonic() + 30
        while processes.alive() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert processes.alive() == [], [p.cmdline()[:4] for p in processes.alive()]
    finally:
        processes.kill_all()


def check_prefect_yaml_deploys(api: str, env: dict, tmp_path: Path, processes: Processes, logs: list[Path]):
    """prefect.yaml registers the same pipeline on a work pool, with its cron."""
    project = tmp_path / "project"  # a copy, so `prefect deploy` writes nothing into the repository
    project.mkdir()
    shutil.copy(ROOT / "prefect.yaml", project)
    shutil.copytree(ROOT / "flows", project / "flows", ignore=shutil.ignore_patterns("__pycache__"))
    prefect = str(VENV_BIN / "prefect")
    for args in (
        [prefect, "work-pool", "create", "kzunrest", "--type", "process"],
        [prefect, "deploy", "--all"],
    ):
        done = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=300)
        said = done.stdout + done.stderr
        # prefect 3.8.8's `deploy`, after registering the deployment, asks for the pool's online
        # workers with limit=null, which its own server (fastapi < 0.155) rejects with a 422
        upstream_bug = "successfully created" in said and "workers/filter" in said and "422" in said
        assert done.returncode == 0 or upstream_bug, f"{args[1:3]}: {said[-3000:]}"
    deployment = _call(f"{api}/deployments/name/{FLOW}/{DEPLOYMENT}")
    assert deployment["entrypoint"] == "flows/pipeline.py:pipeline"
    assert deployment["work_pool_name"] == "kzunrest"
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == [CRON]
    assert deployment["parameters"] == {
        "seeds_dir": "seeds",
        "out_dir": "datasets",
        "workers": 1,
        "dask": None,
    }
