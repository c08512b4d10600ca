"""What a run did, in a form a person reads at the end of `kzunrest run`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kzunrest.ingest import Corpus, Rejection


class StrictFailure(Exception):
    """--strict was given and some files were rejected."""


@dataclass
class RunSummary:
    out_dir: Path
    documents: int
    sentences_by_episode: dict[str, int]
    rejections: list[Rejection]
    warnings: list[str]
    rows: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, corpus: Corpus, out_dir: Path) -> RunSummary:
        episodes = Counter(s["episode"] or "neither" for s in corpus.sentences)
        return cls(
            out_dir=out_dir,
            documents=len(corpus.documents),
            sentences_by_episode=dict(sorted(episodes.items())),
            rejections=list(corpus.rejections),
            warnings=list(corpus.warnings),
        )

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
        lines.append(f"rejected: {len(self.rejections)}")
        lines += [f"  rejected {r.path}: {r.reason}" for r in self.rejections]
        lines += [f"  warning {w}" for w in self.warnings]
        lines.append(f"outputs: {self.out_dir.resolve()}")
        return lines
