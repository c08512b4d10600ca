"""Test-wide set-up: Prefect gets a throw-away home before anything imports it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="kzunrest-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.pop("PREFECT_API_URL", None)

from kzunrest.prefect_env import configure_one_shot  # noqa: E402

configure_one_shot()

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def codebook():
    from kzunrest import codebook as codebook_module

    return codebook_module.load()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API server for the whole session (start-up is the slow part).

    Yields its URL; PREFECT_API_URL is exported too, so `kzunrest run` subprocesses use it.
    """
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from kzunrest.prefect_env import ephemeral_api, wait_until_healthy

    with ephemeral_api() as api_url:
        wait_until_healthy(api_url)
        os.environ["PREFECT_API_URL"] = api_url
        refresh_global_settings_context()  # so Prefect's own threads see it too
        try:
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                yield api_url
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            refresh_global_settings_context()


@pytest.fixture(scope="session")
def seeds_run(prefect_harness, tmp_path_factory):
    """The pipeline run once on the seeds; tests read its outputs."""
    from flows.pipeline import pipeline

    out = tmp_path_factory.mktemp("run") / "datasets"
    summary = pipeline(seeds_dir=SEEDS, out_dir=out)
    return out, summary


@pytest.fixture(scope="session")
def extracted(codebook, tmp_path_factory):
    """Ingest + extract as plain functions (no Prefect), once per corpus: 'seeds', or the name of
    a gold set folder ('heldout', 'blind': tests/gold/<name>/). Returns the folder holding
    documents, sentences and the fact tables."""
    from kzunrest import evaluate

    made: dict[str, Path] = {}

    def tables(corpus: str) -> Path:
        if corpus not in made:
            texts = SEEDS if corpus == "seeds" else ROOT / "tests" / "gold" / corpus
            made[corpus] = tmp_path_factory.mktemp(f"extracted-{corpus}")
            evaluate.produce_tables(texts, made[corpus], codebook)
        return made[corpus]

    return tables


@pytest.fixture(scope="session")
def bad_run(prefect_harness, tmp_path_factory):
    """The pipeline run once on the seeds mixed with the bad-input corpus (tests/bad_corpus.py),
    and every SQL text DuckDB was given in it; the bad-input and security tests read them."""
    from bad_corpus import make_bad_corpus, recording_sql

    from flows.pipeline import pipeline

    folder = tmp_path_factory.mktemp("bad")
    seeds = make_bad_corpus(folder)
    with recording_sql([]) as statements:
        summary = pipeline(seeds_dir=seeds, out_dir=folder / "datasets")
    return folder / "datasets", summary, statements


@pytest.fixture(scope="session")
def dashboard_site(codebook, tmp_path_factory):
    """tests/fixtures/dashboard.yaml built into a run's tables (compare step included) and its
    dashboard rendered once; the unit and browser tests of the dashboard read it."""
    from dashboard_fixture import build

    from kzunrest import publish

    folder = build(tmp_path_factory.mktemp("dashboard") / "datasets", codebook)
    return folder, publish.render(folder, codebook)
