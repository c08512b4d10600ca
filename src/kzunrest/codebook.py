"""Load the coding scheme from `codebook/`: taxonomy ids, episode cues, cleaning rules, patterns.

The ids come from `codebook/taxonomy.yaml`, a verbatim copy of the shared spec: every other
file (the GX suites, the patterns, the SQL) takes its sets from here rather than copying them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import yaml

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "codebook"


@dataclass(frozen=True)
class Episode:
    id: str
    label: str
    window: tuple[date, date]


@dataclass(frozen=True)
class Category:
    table: str  # taxonomy table id: trigger | demand | state_response | outcome
    id: str
    family: str
    definition: str


@dataclass(frozen=True, eq=False)  # hashed by identity: loaded once, used as a cache key
class Codebook:
    directory: Path
    version: str  # hash of every file in the codebook: changes when any rule changes
    episodes: dict[str, Episode]
    categories: dict[tuple[str, str], Category]  # (table, id) -> Category
    claimant_types: tuple[str, ...]
    qualifiers: tuple[str, ...]
    units: tuple[str, ...]
    episode_cues: dict = field(repr=False)  # codebook/episodes.yaml
    cleaning: dict = field(repr=False)  # codebook/cleaning.yaml
    patterns: dict = field(repr=False)  # codebook/patterns/<table>.yaml, keyed by table id
    figures: dict = field(default_factory=dict, repr=False)  # codebook/figures.yaml
    claimants: dict = field(default_factory=dict, repr=False)  # codebook/claimants.yaml

    def table_categories(self, table: str) -> list[Category]:
        return [c for (t, _), c in self.categories.items() if t == table]


def _read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _read_optional(path: Path) -> dict:
    return _read_yaml(path) if path.is_file() else {}


def _version(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.yaml")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def load(directory: Path = DEFAULT_DIR) -> Codebook:
    directory = Path(directory)
    taxonomy = _read_yaml(directory / "taxonomy.yaml")
    episodes = {
        eid: Episode(
            eid, spec["label"], (date.fromisoformat(spec["window"][0]), date.fromisoformat(spec["window"][1]))
        )
        for eid, spec in taxonomy["episodes"].items()
    }
    categories = {
        (table, cid): Category(table, cid, spec["family"], spec["definition"])
        for table, cats in taxonomy["tables"].items()
        for cid, spec in cats.items()
    }
    units = _read_yaml(directory / "units.yaml")["units"]
    patterns_dir = directory / "patterns"
    patterns = (
        {p.stem: _read_yaml(p) for p in sorted(patterns_dir.glob("*.yaml"))} if patterns_dir.is_dir() else {}
    )
    return Codebook(
        directory=directory,
        version=_version(directory),
        episodes=episodes,
        categories=categories,
        claimant_types=tuple(taxonomy["claimant_types"]),
        qualifiers=tuple(taxonomy["qualifiers"]),
        units=tuple(units),
        episode_cues=_read_yaml(directory / "episodes.yaml"),
        cleaning=_read_yaml(directory / "cleaning.yaml"),
        patterns=patterns,
        figures=_read_optional(directory / "figures.yaml"),
        claimants=_read_optional(directory / "claimants.yaml"),
    )
