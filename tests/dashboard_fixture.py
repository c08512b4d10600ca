"""Build the run's tables from tests/fixtures/dashboard.yaml, a small hand-written dataset.

Offsets, sentence ids, families and record ids are computed here, so every quote is exactly
`text[char_start:char_end]` of its document, as in real runs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from kzunrest import compare, schema, warehouse
from kzunrest.codebook import Codebook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "dashboard.yaml"
FACT_FIELDS = ("actor", "claimant", "claimant_type", "value_low", "value_high", "unit", "qualifier")


def load() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def build(folder: Path, codebook: Codebook, *, empty_facts: bool = False) -> Path:
    """Write documents, sentences, rejections and the four fact tables into `folder`, then run the
    real warehouse and compare steps over them, as a run would before publishing."""
    spec = load()
    folder.mkdir(parents=True, exist_ok=True)
    documents, sentences, by_key = [], [], {}
    for doc in spec["documents"]:
        text = "\n".join(doc["lines"])
        sha = hashlib.sha256(text.encode()).hexdigest()
        record = {
            "doc_id": sha[:16],
            "path": f"{doc['key']}.txt",
            "title": doc["title"],
            "outlet": doc["outlet"],
            "url": doc["url"],
            "published": doc["published"],
            "sha256": sha,
            "n_chars": len(text),
            "text": text,
        }
        documents.append(record)
        by_key[doc["key"]] = record
        start = 0
        for i, line in enumerate(doc["lines"]):
            sentences.append(
                {
                    "doc_id": record["doc_id"],
                    "sentence_id": f"{record['doc_id']}:{i:05d}",
                    "char_start": start,
                    "char_end": start + len(line),
                    "text": line,
                    "episode": doc["episode"] if i else None,  # the title line belongs to neither
                    "episode_reason": "fixture",
                }
            )
            start += len(line) + 1
    facts = {name: [] for name in schema.FACT_TABLES.values()}
    for fact in [] if empty_facts else spec["facts"]:
        doc = by_key[fact["doc"]]
        start = doc["text"].index(fact["quote"])
        end = start + len(fact["quote"])
        sentence = next(
            s for s in sentences if s["doc_id"] == doc["doc_id"] and s["char_start"] <= start < s["char_end"]
        )
        key = f"{fact['table']}|{fact['category']}|{doc['doc_id']}|{start}|{end}|{fact.get('value_low')}"
        facts[schema.FACT_TABLES[fact["table"]]].append(
            {
                "record_id": hashlib.sha256(key.encode()).hexdigest()[:16],
                "episode": fact["episode"],
                "category": fact["category"],
                "family": codebook.categories[(fact["table"], fact["category"])].family,
                "doc_id": doc["doc_id"],
                "sentence_id": sentence["sentence_id"],
                "char_start": start,
                "char_end": end,
                "quote": doc["text"][start:end],
                **{name: fact.get(name) for name in FACT_FIELDS},
                "event_date": fact.get("event_date"),
                "rule_id": "fixture",
            }
        )
    documents.sort(key=lambda d: d["doc_id"])
    schema.write_table(schema.to_table(documents, schema.DOCUMENTS), folder / "documents.parquet")
    schema.write_table(schema.to_table(sentences, schema.SENTENCES), folder / "sentences.parquet")
    schema.write_table(schema.to_table([], schema.REJECTIONS), folder / "rejections.parquet")
    for name, rows in facts.items():
        rows.sort(key=lambda r: r["record_id"])
        schema.write_table(schema.to_table(rows, schema.FACTS), folder / f"{name}.parquet")
    warehouse.build(folder)
    compare.run(folder, codebook)
    return folder
