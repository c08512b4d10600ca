"""`kzunrest serve`: the pipeline as a Prefect deployment on a cron schedule.

The deployment is registered on a Prefect server (PREFECT_API_URL; `make server` starts one on
127.0.0.1:4200), whose scheduler creates a flow run at each scheduled time; this process polls
for them and runs each in a subprocess, so one failed run never stops the schedule. Each run is
incremental (unchanged documents come from the cache beside the output folder) and logs its
summary: new, changed and removed files, rejections, rows per table, validation.
Stopping `serve` pauses the schedule (Prefect's behaviour), so runs do not pile up unserved.
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

DEPLOYMENT = "kzunrest-scheduled"
DEFAULT_CRON = "0 6 * * *"  # every day at 06:00 UTC


class ServeError(Exception):
    """The deployment cannot be served: no server, a bad cron, a missing seeds folder."""


def deployment_parameters(seeds: Path, out: Path, workers: int, dask: str | None) -> dict:
    """Flow parameters of the deployment; paths made absolute, as runs start in a subprocess."""
    return {
        "seeds_dir": str(seeds.resolve()),
        "out_dir": str(out.resolve()),
        "workers": workers,
        "dask": dask,
    }


def server_url() -> str:
    """PREFECT_API_URL of a running server, or ServeError saying how to start one."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise ServeError(
            "PREFECT_API_URL is not set: start a server with `make server` and "
            "`export PREFECT_API_URL=http://127.0.0.1:4200/api`"
        )
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=5) as response:
            if response.status == 200:
                return url
    except OSError as exc:
        raise ServeError(f"no Prefect server answers at {url} ({exc}); start one with `make server`") from exc
    raise ServeError(f"the Prefect server at {url} is not healthy")


def check_cron(cron: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError as exc:
        raise ServeError(f"--cron {cron!r} is not a valid cron expression") from exc


def serve(
    seeds: Path, out: Path, cron: str, workers: int = 1, dask: str | None = None, name: str = DEPLOYMENT
) -> None:
    """Register the deployment and run its scheduled (and manually triggered) runs until stopped."""
    if not seeds.is_dir():
        raise ServeError(f"{seeds}: seeds folder not found")
    server_url()
    check_cron(cron)
    from prefect.deployments.runner import EntrypointType

    from flows.pipeline import pipeline

    pipeline.serve(
        name=name,
        cron=cron,
        parameters=deployment_parameters(seeds, out, workers, dask),
        description=f"kzunrest pipeline on {seeds.resolve()} -> {out.resolve()}, cron {cron!r} (UTC)",
        tags=["kzunrest"],
        entrypoint_type=EntrypointType.MODULE_PATH,  # flows.pipeline.pipeline: found from any folder
    )
