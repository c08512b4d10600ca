"""What a run did, in a form a person reads at the end of `kzunrest run`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kzunrest.ingest import Rejection


class StrictFailure(Exception):
    """--strict was given and some files were rejected."""


@dataclass
class Changes:
    """How a run's files differ from the last successful run's, and how many were (re)extracted."""

    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    extracted: int = 0
    reused: int = 0  # taken from the per-document cache
    outputs_kept: bool = False  # the tables came out as last time: the last run's outputs stand

    def line(self) -> str:
        files = f"files: {self.new} new, {self.changed} changed, {self.removed} removed"
        files += f", {self.unchanged} unchanged"
        if self.extracted == 0:
            files += f"; nothing extracted: all {self.reused} documents taken from the cache"
        else:
            files += f"; extracted {self.extracted}, {self.reused} taken from the cache"
        if self.outputs_kept:
            files += (
                "\nnothing else to do: the tables are the last run's, which validated them; its outputs stand"
            )
        return files


@dataclass
class RunSummary:
    out_dir: Path
    documents: int
    sentences_by_episode: dict[str, int]
    rejections: list[Rejection]
    warnings: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    changes: Changes | None = None

    def check_strict(self, strict: bool) -> None:
        if strict and self.rejections:
            raise StrictFailure(
                f"--strict: {len(self.rejections)} file(s) rejected: "
                + "; ".join(f"{r.path}: {r.reason}" for r in self.rejections)
            )

    def lines(self) -> list[str]:
        total = sum(self.sentences_by_episode.values())
        per_episode = ", ".join(f"{k} {v}" for k, v in self.sentences_by_episode.items())
        lines = [
            f"documents: {self.documents}",
            f"sentences: {total} ({per_episode})",
        ]
        if self.rows:
            lines.append("rows: " + ", ".join(f"{k} {v}" for k, v in self.rows.items()))
        if self.changes is not None:
            lines.append(self.changes.line())
        lines.append(f"rejected: {len(self.rejections)}")
        lines += [f"  rejected {r.path}: {r.reason}" for r in self.rejections]
        lines += [f"  warning {w}" for w in self.warnings]
        lines.append(f"outputs: {self.out_dir.resolve()}")
        return lines
