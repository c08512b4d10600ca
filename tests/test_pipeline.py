"""The Prefect flow end to end on the seeds: outputs, summary, determinism, warehouse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from flows.pipeline import pipeline
from kzunrest import schema

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))}


def test_run_writes_every_table(seeds_run):
    out, summary = seeds_run
    for name in schema.TABLES:
        assert (out / f"{name}.parquet").is_file(), name
    assert summary.documents == 5
    assert not summary.rejections
    assert set(summary.sentences_by_episode) >= {"zhanaozen-2011", "january-2022"}
    lines = "\n".join(summary.lines())
    assert "documents: 5" in lines and str(out.resolve()) in lines


def test_second_run_is_byte_identical(seeds_run, tmp_path):
    out, _ = seeds_run
    again = tmp_path / "again"
    pipeline(seeds_dir=SEEDS, out_dir=again)
    assert _digests(again) == _digests(out)
    assert not list(tmp_path.glob(".again.staging-*")), "staging folder left behind"


def test_warehouse_has_a_table_per_table_and_a_view_per_comparison(seeds_run):
    out, _ = seeds_run
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        n_sentences = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
    files = {p.stem for p in out.glob("*.parquet")}
    assert all(kinds.get(name) == "BASE TABLE" for name in files if not name.startswith("compare_"))
    views = {name for name, kind in kinds.items() if kind == "VIEW"}
    assert len(views) >= len({name for name in files if name.startswith("compare_")}) > 0
    assert n_sentences == sum(seeds_run[1].sentences_by_episode.values())


def test_manifest_pointing_outside_stops_with_exit_2(prefect_harness, tmp_path):
    from typer.testing import CliRunner

    from kzunrest.cli import app

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Police opened fire in Zhanaozen on 16 December 2011.")
    (seeds / "manifest.yaml").write_text("documents:\n  - file: ../secret.txt\n")
    result = CliRunner().invoke(app, ["run", "--seeds", str(seeds), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "points outside the seeds folder" in result.output
    assert not (tmp_path / "out").exists()
