"""Evaluate: compare the four fact tables with hand-coded gold (format in tests/gold/README.md).

A predicted row matches a gold fact when doc, table, category and episode are equal and the
row's sentence contains the start of the gold evidence. Matching is one-to-one (a sentence with
two gold claims of one category needs two rows); pairs with equal figures are made first. For
matched pairs the figure tuple (value_low, value_high, qualifier, unit) and the claimant type
are compared.
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kzunrest import schema

TABLE_IDS = tuple(schema.FACT_TABLES)  # trigger, demand, state_response, outcome
_WHITESPACE_RE = re.compile(r"\s+")


class GoldError(Exception):
    """The gold file cannot be read or names something the corpus does not have."""


@dataclass
class TableScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    tables: dict[str, TableScore] = field(default_factory=lambda: {t: TableScore() for t in TABLE_IDS})
    figures_right: int = 0
    claimants_right: int = 0
    misses: list[str] = field(default_factory=list)  # gold facts no row matched
    false_positives: list[str] = field(default_factory=list)  # rows no gold fact matched
    wrong_figures: list[str] = field(default_factory=list)
    wrong_claimants: list[str] = field(default_factory=list)

    @property
    def overall(self) -> TableScore:
        total = TableScore()
        for score in self.tables.values():
            total.true_positives += score.true_positives
            total.false_positives += score.false_positives
            total.false_negatives += score.false_negatives
        return total

    @property
    def matched(self) -> int:
        return self.overall.true_positives

    @property
    def figure_accuracy(self) -> float:
        return self.figures_right / self.matched if self.matched else 0.0

    @property
    def claimant_accuracy(self) -> float:
        return self.claimants_right / self.matched if self.matched else 0.0

    def lines(self, details: bool = False) -> list[str]:
        out = [f"{'table':<16}{'gold':>6}{'rows':>6}{'match':>7}{'P':>7}{'R':>7}{'F1':>7}"]
        for name, score in [*self.tables.items(), ("overall", self.overall)]:
            gold = score.true_positives + score.false_negatives
            rows = score.true_positives + score.false_positives
            out.append(
                f"{name:<16}{gold:>6}{rows:>6}{score.true_positives:>7}"
                f"{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}"
            )
        out.append(
            f"figures right:       {self.figure_accuracy:.3f} ({self.figures_right}/{self.matched} matched)"
        )
        out.append(
            f"claimant type right: {self.claimant_accuracy:.3f} "
            f"({self.claimants_right}/{self.matched} matched)"
        )
        if details:
            for title, items in (
                ("missed gold facts", self.misses),
                ("rows without gold", self.false_positives),
                ("wrong figures", self.wrong_figures),
                ("wrong claimant types", self.wrong_claimants),
            ):
                out.append(f"\n{title} ({len(items)}):")
                out.extend(f"  {item}" for item in items)
        return out


# ---------------------------------------------------------------- inputs


def load_gold(path: Path) -> list[dict]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise GoldError(f"{path}: cannot read gold: {exc}") from exc
    facts = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(facts, list):
        raise GoldError(f"{path}: expected a mapping with a 'facts' list")
    for i, fact in enumerate(facts):
        missing = {"doc", "table", "category", "episode", "evidence"} - set(fact)
        if missing:
            raise GoldError(f"{path}: facts[{i}] lacks {', '.join(sorted(missing))}")
        if fact["table"] not in TABLE_IDS:
            raise GoldError(f"{path}: facts[{i}] has unknown table {fact['table']!r}")
    return facts


def corpus_dir_for(gold_path: Path, default: Path = Path("seeds")) -> Path:
    """The folder of the texts a gold file codes: its own folder when it holds them (held-out set)."""
    folder = Path(gold_path).parent
    return folder if (folder / "manifest.yaml").exists() else default


def tables_in(folder: Path) -> bool:
    names = ["documents", "sentences", *schema.FACT_TABLES.values()]
    return all((folder / f"{name}.parquet").exists() for name in names)


def produce_tables(corpus_dir: Path, out_dir: Path, codebook) -> None:
    """Ingest and extract as plain functions (no Prefect) into `out_dir`."""
    from kzunrest import extract, ingest

    out_dir.mkdir(parents=True, exist_ok=True)
    ingest.write(ingest.ingest(corpus_dir, codebook), out_dir)
    extract.write(out_dir, codebook)


def read_tables(folder: Path) -> tuple[list[dict], list[dict], dict[str, list[dict]]]:
    import pyarrow.parquet as pq

    documents = pq.read_table(folder / "documents.parquet").to_pylist()
    sentences = pq.read_table(folder / "sentences.parquet").to_pylist()
    facts = {
        table: pq.read_table(folder / f"{name}.parquet").to_pylist()
        for table, name in schema.FACT_TABLES.items()
    }
    return documents, sentences, facts


# ---------------------------------------------------------------- matching


def _collapsed(text: str) -> tuple[str, list[int]]:
    """`text` with whitespace runs as one space, and each kept character's offset in `text`."""
    chars, offsets = [], []
    for m in re.finditer(r"\s+|\S+", text):
        if m.group().isspace():
            chars.append(" ")
            offsets.append(m.start())
        else:
            chars.append(m.group())
            offsets.extend(range(m.start(), m.end()))
    return "".join(chars), offsets


def _figure(row: dict) -> tuple:
    low, high = row.get("value_low"), row.get("value_high")
    return (
        None if low is None else round(float(low), 6),
        None if high is None else round(float(high), 6),
        row.get("qualifier"),
        row.get("unit"),
    )


def _describe(fact: dict, figure: tuple | None = None, claimant: str | None = None) -> str:
    text = fact.get("evidence") or fact.get("quote", "")
    doc = fact.get("doc") or fact.get("path")
    extra = f" figure={figure}" if figure is not None else ""
    extra += f" claimant={claimant}" if claimant is not None else ""
    return f"{doc} {fact['table']}/{fact['category']} [{fact['episode']}] {text[:90]!r}{extra}"


def score(
    gold: list[dict], documents: list[dict], sentences: list[dict], facts: dict[str, list[dict]]
) -> Report:
    """Match rows to gold facts and count (see the module docstring for the rule)."""
    doc_by_path = {d["path"]: d for d in documents}
    path_by_id = {d["doc_id"]: d["path"] for d in documents}
    sentence_spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for s in sentences:
        sentence_spans[s["doc_id"]].append((s["char_start"], s["char_end"], s["sentence_id"]))
    collapsed_docs = {}

    gold_groups: dict[tuple, list[dict]] = defaultdict(list)
    report = Report()
    for fact in gold:
        document = doc_by_path.get(fact["doc"])
        if document is None:
            raise GoldError(f"gold names {fact['doc']!r}, which is not among the ingested documents")
        doc_id = document["doc_id"]
        if doc_id not in collapsed_docs:
            collapsed_docs[doc_id] = _collapsed(document["text"])
        collapsed, offsets = collapsed_docs[doc_id]
        evidence = _WHITESPACE_RE.sub(" ", fact["evidence"].strip())
        at = collapsed.find(evidence)
        if at < 0:
            raise GoldError(f"{fact['doc']}: evidence not found in the ingested text: {fact['evidence']!r}")
        start = offsets[at]
        sentence_id = next((sid for s, e, sid in sentence_spans[doc_id] if s <= start < e), None)
        key = (doc_id, fact["table"], fact["category"], fact["episode"], sentence_id)
        gold_groups[key].append(fact)

    row_groups: dict[tuple, list[dict]] = defaultdict(list)
    for table, rows in facts.items():
        for row in rows:
            key = (row["doc_id"], table, row["category"], row["episode"], row["sentence_id"])
            row_groups[key].append({**row, "table": table, "path": path_by_id.get(row["doc_id"])})

    for key in sorted(set(gold_groups) | set(row_groups), key=lambda k: tuple(str(x) for x in k)):
        table = key[1]
        golds, rows = list(gold_groups.get(key, [])), list(row_groups.get(key, []))
        pairs = []
        for g in list(golds):  # first the pairs whose figures agree
            expected = _figure(g)
            same = next((r for r in rows if _figure(r) == expected), None)
            if same is not None:
                pairs.append((g, same))
                golds.remove(g)
                rows.remove(same)
        while golds and rows:
            pairs.append((golds.pop(0), rows.pop(0)))
        tally = report.tables[table]
        tally.true_positives += len(pairs)
        tally.false_negatives += len(golds)
        tally.false_positives += len(rows)
        report.misses.extend(_describe(g, _figure(g), g.get("claimant_type")) for g in golds)
        report.false_positives.extend(_describe(r, _figure(r), r.get("claimant_type")) for r in rows)
        for g, r in pairs:
            if _figure(g) == _figure(r):
                report.figures_right += 1
            else:
                report.wrong_figures.append(f"{_describe(g)} gold={_figure(g)} row={_figure(r)}")
            if g.get("claimant_type") == r.get("claimant_type"):
                report.claimants_right += 1
            else:
                report.wrong_claimants.append(
                    f"{_describe(g)} gold={g.get('claimant_type')} "
                    f"row={r.get('claimant_type')} ({r.get('claimant')})"
                )
    return report


def evaluate(
    gold_path: Path, codebook, out_dir: Path | None = None, corpus_dir: Path | None = None
) -> Report:
    """Score the tables in `out_dir` against `gold_path`; produce them first if they are not there."""
    gold = load_gold(gold_path)
    corpus_dir = corpus_dir or corpus_dir_for(gold_path)
    if out_dir is not None and tables_in(out_dir):
        return score(gold, *read_tables(out_dir))
    if out_dir is not None:
        produce_tables(corpus_dir, out_dir, codebook)
        return score(gold, *read_tables(out_dir))
    with tempfile.TemporaryDirectory(prefix="kzunrest-evaluate-") as tmp:
        produce_tables(corpus_dir, Path(tmp), codebook)
        return score(gold, *read_tables(Path(tmp)))
