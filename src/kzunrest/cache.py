"""The per-document cache that makes re-runs incremental.

A document's results (its document record, sentences and fact rows, or the reason it was
rejected) are stored under a key made of everything that decides them:

- the file's bytes (sha256) and its manifest entry (name, title, outlet, url, published date:
  the published date steers episode placement);
- the codebook version (`Codebook.version` hashes every codebook file);
- the code version: the source of every `kzunrest` module the per-document work imports
  (found by following the imports of ingest.py and extract.py), plus the versions of the
  libraries whose behaviour shapes the results (spaCy's sentencizer, charset-normalizer).

So an edit to an article, its manifest entry, the codebook or the extraction code re-extracts
exactly the documents it can change, and a hit can be trusted to give the same bytes.

When a run assembles tables byte-identical to the last successful run's, with the same code
and data downstream (`pipeline_version`) and the output folder untouched since, validating,
comparing and publishing again would rewrite the same outputs: the run keeps them and says so.

The cache lives beside the output folder, in `.<out>.cache/` (for `datasets/`:
`.datasets.cache/`), so the atomic swap of the output folder never touches it. `index.json`
there records what the last successful run saw (file name -> source hash and entry key; the
hashes of its tables and of its output folder); entries that run did not use are pruned after
its outputs are swapped in, so a removed document's entry goes and a failed run leaves the
cache as the last good run used it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa

from kzunrest import schema

INDEX = "index.json"
ENTRIES = "entries"
# Modules whose source decides the per-document results; their kzunrest imports are followed.
ROOT_MODULES = ("ingest", "extract")
LIBRARIES = ("spacy", "charset-normalizer")
PACKAGE_DIR = Path(__file__).resolve().parent
# What shapes the outputs after the per-document tables: code, SQL, suites, templates, libraries.
DOWNSTREAM_DIRS = ("src/kzunrest", "flows", "sql", "expectations")
DOWNSTREAM_LIBRARIES = ("prefect", "great-expectations", "duckdb", "pyarrow", "jinja2", "vl-convert-python")
ASSEMBLED_TABLES = ("documents", "sentences", "rejections", *schema.FACT_TABLES.values())


def cache_dir_for(out: Path) -> Path:
    """Where the cache of the output folder `out` lives: a hidden sibling folder."""
    return out.parent / f".{out.name}.cache"


# ---------------------------------------------------------------- keys


def _kzunrest_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "kzunrest":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kzunrest."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("kzunrest."))
    return {name for name in found if (PACKAGE_DIR / f"{name}.py").is_file()}


def code_modules() -> list[str]:
    """Every kzunrest module the per-document work depends on, in name order."""
    seen: set[str] = set()
    todo = list(ROOT_MODULES)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_kzunrest_imports(module) - seen)
    return sorted(seen)


@cache
def code_version() -> str:
    """Hash of the per-document code and the libraries that shape its results."""
    digest = hashlib.sha256()
    for module in code_modules():
        digest.update(module.encode() + b"\0" + (PACKAGE_DIR / f"{module}.py").read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}\0".encode())
    return digest.hexdigest()[:16]


def source_hash(data: bytes, manifest_entry: dict) -> str:
    """What a document is, as far as its results go: its bytes and its manifest entry."""
    described = json.dumps(manifest_entry, sort_keys=True, default=str)
    return hashlib.sha256(hashlib.sha256(data).digest() + described.encode()).hexdigest()


def entry_key(source_sha: str, codebook_version: str) -> str:
    return hashlib.sha256(f"{source_sha}:{codebook_version}:{code_version()}".encode()).hexdigest()


# ---------------------------------------------------------------- entries


@dataclass
class Entry:
    """One document's cached results: a rejection reason, or its record, sentences and facts."""

    rejection: str | None
    document: dict | None
    sentences: list[dict]
    facts: dict[str, list[dict]]  # output table name -> rows
    warnings: list[str]


# Columns that hold dates (JSON has no date type): written as ISO text, read back as dates.
_DATE_COLUMNS = frozenset(
    f.name
    for table in (schema.DOCUMENTS, schema.SENTENCES, schema.FACTS)
    for f in table
    if pa.types.is_date(f.type)
)


def _encoded(row: dict) -> dict:
    return {k: v.isoformat() if k in _DATE_COLUMNS and v is not None else v for k, v in row.items()}


def _decoded(row: dict) -> dict:
    return {k: date.fromisoformat(v) if k in _DATE_COLUMNS and v is not None else v for k, v in row.items()}


def _entry_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / ENTRIES / key[:2] / f"{key}.json"


def load(cache_dir: Path, key: str) -> Entry | None:
    """The cached entry, or None when there is none (or it cannot be read: it is redone)."""
    try:
        data = json.loads(_entry_path(cache_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Entry(
        rejection=data["rejection"],
        document=None if data["document"] is None else _decoded(data["document"]),
        sentences=[_decoded(row) for row in data["sentences"]],
        facts={name: [_decoded(row) for row in rows] for name, rows in data["facts"].items()},
        warnings=data["warnings"],
    )


def store(cache_dir: Path, key: str, entry: Entry) -> None:
    """Write an entry atomically (a temporary file renamed into place): parallel workers and a
    killed run never leave a half-written entry behind."""
    data = {
        "rejection": entry.rejection,
        "document": None if entry.document is None else _encoded(entry.document),
        "sentences": [_encoded(row) for row in entry.sentences],
        "facts": {name: [_encoded(row) for row in rows] for name, rows in entry.facts.items()},
        "warnings": entry.warnings,
    }
    path = _entry_path(cache_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


# ---------------------------------------------------------------- index


def read_index(cache_dir: Path) -> dict[str, dict]:
    """file name -> {"source": source hash, "key": entry key} as the last successful run saw it."""
    return _read_state(cache_dir).get("files", {})


def _read_state(cache_dir: Path) -> dict:
    try:
        state = json.loads((cache_dir / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def pipeline_version(codebook_version: str) -> str:
    """Hash of everything downstream of the per-document tables, and of the codebook."""
    digest = hashlib.sha256(codebook_version.encode())
    root = PACKAGE_DIR.parents[1]
    for folder in DOWNSTREAM_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for library in DOWNSTREAM_LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}\0".encode())
    return digest.hexdigest()[:16]


def _table_hashes(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / f"{name}.parquet").read_bytes()).hexdigest()
        for name in ASSEMBLED_TABLES
    }


def _folder_digest(folder: Path) -> str:
    """Hash of every file in the folder, names and bytes: changes if anything in it is touched."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def outputs_current(cache_dir: Path, staging: Path, out: Path, version: str) -> bool:
    """True when the tables just assembled in `staging` are those of the last successful run, the
    pipeline version is the same and `out` is exactly as that run left it: re-running the later
    steps would write the same outputs again."""
    last = _read_state(cache_dir).get("run")
    return bool(
        last
        and out.is_dir()
        and last.get("pipeline") == version
        and last.get("tables") == _table_hashes(staging)
        and last.get("outputs") == _folder_digest(out)
    )


def commit(cache_dir: Path, index: dict[str, dict], out: Path, version: str) -> int:
    """Record the run whose outputs were just swapped into `out` and prune the entries it did not
    use; the number of entries removed."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    state = {
        "files": index,
        "run": {"pipeline": version, "tables": _table_hashes(out), "outputs": _folder_digest(out)},
    }
    temporary = cache_dir / f".{INDEX}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temporary.write_text(json.dumps(state, sort_keys=True, indent=0), encoding="utf-8")
    os.replace(temporary, cache_dir / INDEX)
    used = {item["key"] for item in index.values()}
    removed = 0
    for path in (cache_dir / ENTRIES).glob("*/*"):
        if path.stem not in used:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
