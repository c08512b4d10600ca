"""The bad-input corpus: the seeds mixed with every bad case, its documented outcomes, and a
recorder of the SQL that DuckDB is given while the pipeline runs over it.

The small cases are committed in tests/data/bad/ (RELIABILITY.md has the table); the 50 MB
file, the 1 MB single line, the duplicate, the symlink, the file outside the seeds folder and
the file with a hostile name are made at test time.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BAD = ROOT / "tests" / "data" / "bad"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))

# Marks hostile text (in tests/data/bad/hostile.txt, its manifest entry and a file name): it
# must never appear in SQL or in an output path.
HOSTILE_TOKEN = "KZHOSTILE7f3a"
HOSTILE_NAME = f"x'); DROP TABLE documents; -- {HOSTILE_TOKEN} $(id).txt"

# The documented outcome of every case (RELIABILITY.md, "Bad input"), written by hand.
REJECTED = {
    "empty.txt": "empty file",
    "whitespace_only.txt": "whitespace only",
    "binary_nul.txt": "binary file (contains NUL bytes)",
    "control_chars.txt": "binary file (control characters)",
    "only_boilerplate.txt": "no text left after cleaning",
    "big_50mb.txt": "too large: 50.0 MB (the limit is 10 MB)",
    "outside_link.txt": "symlink pointing outside the seeds folder; not read",
    "missing.txt": "named in the manifest but missing on disk",
}
INGESTED = [
    "cp1251_russian.txt",
    "html_page.txt",
    "hostile.txt",
    "latin1.txt",
    "mixed_line_endings.txt",
    "one_line_1mb.txt",
    "utf16_bom.txt",
    HOSTILE_NAME,
]
WARNINGS = [
    "manifest.yaml: unknown top-level keys ignored: version",
    "(cp1251_russian.txt): unknown keys ignored: author, tags",
    "(latin1.txt): published '2011-13-45' is not an ISO date; ignored",
    "report.pdf: not a .txt file; skipped",
    "html_page.txt: HTML page; markup stripped, text kept",
    f"zz_copy_of_000.txt: same content as {SEED_FILES[0]}; ingested once",
]
OUTSIDE_TEXT = "This file lies outside the seeds folder and must never be read."


def make_bad_corpus(folder: Path) -> Path:
    """The seeds plus every bad case in `folder/seeds`; returns that seeds folder."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, seeds / path.name)
    for path in BAD.iterdir():
        if path.name != "manifest.yaml":
            shutil.copy(path, seeds / path.name)
    seed_entries = yaml.safe_load((SEEDS / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    listed = yaml.safe_dump(seed_entries, allow_unicode=True, sort_keys=False)
    manifest = (BAD / "manifest.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    manifest += "".join(f"  {line}\n" for line in listed.splitlines())
    (seeds / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (folder / "outside.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    (seeds / "outside_link.txt").symlink_to(folder / "outside.txt")
    shutil.copy(SEEDS / SEED_FILES[0], seeds / "zz_copy_of_000.txt")
    hostile = (BAD / "hostile.txt").read_text(encoding="utf-8")
    (seeds / HOSTILE_NAME).write_text(f"{HOSTILE_TOKEN} in the text too.\n{hostile}", encoding="utf-8")
    line = "Oil workers in Zhanaozen demanded higher wages and the police answered with force.\n"
    with (seeds / "big_50mb.txt").open("w", encoding="utf-8") as big:
        big.write(line * (50_000_000 // len(line) + 1))
    words = "strike oil workers Zhanaozen wages police square December "
    (seeds / "one_line_1mb.txt").write_text((words * (1_000_000 // len(words) + 1))[:1_000_000])
    return seeds


class _RecordingConnection:
    """A DuckDB connection that notes every SQL text it is given, then runs it."""

    def __init__(self, connection, statements: list[str]):
        self._connection = connection
        self._statements = statements

    def _record(self, method: str):
        def call(query, *args, **kwargs):
            self._statements.append(str(query))
            return getattr(self._connection, method)(query, *args, **kwargs)

        return call

    def __getattr__(self, name):
        if name in ("execute", "executemany", "sql", "query"):
            return self._record(name)
        return getattr(self._connection, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._connection.close()


@contextmanager
def recording_sql(statements: list[str]):
    """Every `duckdb.connect()` connection in this process records its SQL into `statements`."""
    import duckdb

    real_connect = duckdb.connect
    duckdb.connect = lambda *args, **kwargs: _RecordingConnection(real_connect(*args, **kwargs), statements)
    try:
        yield statements
    finally:
        duckdb.connect = real_connect
