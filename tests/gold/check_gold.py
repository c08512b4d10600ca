#!/usr/bin/env python
"""Check the hand-coded gold files against their texts and the coding scheme.

Usage:  python tests/gold/check_gold.py [--taxonomy PATH]

Checks, for tests/gold/seeds.yaml + episodes.yaml (texts in seeds/) and for each set with its
own texts (tests/gold/heldout/, tests/gold/blind*/: gold.yaml + episodes.yaml + manifest.yaml):

  * every evidence string occurs in its file (after collapsing runs of whitespace) and lies
    inside one sentence (a rough splitter: line breaks and . ! ? followed by a capital);
  * table / category ids exist in the taxonomy, episode ids exist, enums are valid;
  * figures are well formed (unit + qualifier present, bounds numeric, low <= high);
  * claimant is null exactly when claimant_type is unattributed;
  * event_date is a date inside the episode's window;
  * no duplicate (doc, table, category, episode, sentence, figure, claimant_type) fact;
  * every episodes.yaml `starts` is the beginning of a sentence of its file.

Uses only PyYAML. Exits 1 when any error is found; warnings do not fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

UNITS = {"people", "years", "troops", "tenge_per_litre", "tenge", "outlets", "percent", "days", "usd"}
FIGURE_KEYS = ("value_low", "value_high", "unit", "qualifier")
FACT_KEYS = {
    "doc",
    "table",
    "category",
    "episode",
    "evidence",
    "claimant_type",
    "claimant",
    "event_date",
    *FIGURE_KEYS,
}


def find_taxonomy(explicit: str | None) -> Path:
    candidates = [
        explicit,
        os.environ.get("KZUNREST_TAXONOMY"),
        REPO / "spec" / "taxonomy.yaml",
        REPO.parent / "shared" / "spec" / "taxonomy.yaml",
        Path("/work/shared/spec/taxonomy.yaml"),
    ]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    sys.exit("check_gold: taxonomy.yaml not found (pass --taxonomy PATH)")


def collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# end of sentence: . ! ? (+ closing quote/bracket) + space + capital or digit, possibly after an
# opening quote or bracket; "Algha! (Forward!)" is not a boundary (no split before "(").
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """A rough sentence list: every non-empty line is split on . ! ? + capital."""
    out: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^[•□▪●*\-–]+\s*", "", collapse(line))  # bullet markers are not text
        if not line:
            continue
        parts = []
        pos = 0
        for m in _SPLIT.finditer(line):
            parts.append(line[pos : m.start()] + line[m.start() : m.end()].rstrip())
            pos = m.end()
        parts.append(line[pos:])
        merged: list[str] = []
        for p in parts:
            p = p.strip()
            if not p:
                continue
            # keep list numbers ("1. Gas ...") and initials ("M. Ablyazov") with what follows
            if merged and (
                re.fullmatch(r"[•□\-]?\s*\d{1,2}\.", merged[-1]) or re.search(r"(^|\s)[A-Z]\.$", merged[-1])
            ):
                merged[-1] = merged[-1] + " " + p
            else:
                merged.append(p)
        out.extend(merged)
    return out


class Doc:
    def __init__(self, path: Path):
        self.path = path
        self.raw = path.read_text(encoding="utf-8")
        self.flat = collapse(self.raw)
        self.sents = sentences(self.raw)

    def sentence_of(self, evidence: str) -> int | None:
        ev = collapse(evidence)
        for i, s in enumerate(self.sents):
            if ev in s:
                return i
        return None


class Report:
    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str):
        self.errors.append(f"ERROR {where}: {msg}")

    def warn(self, where: str, msg: str):
        self.warnings.append(f"warning {where}: {msg}")


def load_yaml(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def as_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def check_facts(path: Path, docdir: Path, tax: dict, rep: Report, docs: dict) -> list[dict]:
    data = load_yaml(path)
    name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("facts"), list):
        rep.err(str(name), "top level must be {version: 1, facts: [...]}")
        return []
    episodes = tax["episodes"]
    tables = tax["tables"]
    ctypes = set(tax["claimant_types"])
    quals = set(tax["qualifiers"])
    seen: dict[tuple, int] = {}
    facts = data["facts"]
    for n, f in enumerate(facts, 1):
        where = f"{name}#{n}"
        if not isinstance(f, dict):
            rep.err(where, "fact is not a mapping")
            continue
        extra = set(f) - FACT_KEYS
        if extra:
            rep.err(where, f"unknown keys {sorted(extra)}")
        for k in ("doc", "table", "category", "episode", "evidence", "claimant_type"):
            if f.get(k) in (None, ""):
                rep.err(where, f"missing {k}")
        if "claimant" not in f:
            rep.err(where, "missing claimant (use null when unattributed)")
        doc = f.get("doc")
        d = None
        if doc:
            if doc not in docs:
                p = docdir / doc
                docs[doc] = Doc(p) if p.is_file() else None
            d = docs[doc]
            if d is None:
                rep.err(where, f"no such document {docdir / doc}")
        table, cat = f.get("table"), f.get("category")
        if table not in tables:
            rep.err(where, f"unknown table {table!r}")
        elif cat not in tables[table]:
            rep.err(where, f"category {cat!r} is not in table {table!r}")
        ep = f.get("episode")
        if ep not in episodes:
            rep.err(where, f"unknown episode {ep!r}")
        ev = f.get("evidence")
        sent_idx = None
        if isinstance(ev, str) and d is not None:
            if "\n" in ev:
                rep.err(where, "evidence contains a line break")
            cev = collapse(ev)
            if cev not in d.flat:
                rep.err(where, f"evidence not found in {doc}: {ev!r}")
            else:
                sent_idx = d.sentence_of(ev)
                if sent_idx is None:
                    rep.err(where, f"evidence spans a sentence boundary: {ev!r}")
                elif d.flat.find(cev) < d.flat.find(d.sents[sent_idx]):
                    rep.warn(where, f"evidence first occurs across a boundary before its sentence: {ev!r}")
            nwords = len(cev.split())
            if nwords > 25:
                rep.warn(where, f"evidence is long ({nwords} words)")
        elif ev is not None and not isinstance(ev, str):
            rep.err(where, "evidence must be a string")
        # figures
        present = [k for k in FIGURE_KEYS if k in f]
        fig = None
        if present:
            lo, hi, unit, qual = (f.get(k) for k in FIGURE_KEYS)
            if unit not in UNITS:
                rep.err(where, f"unit {unit!r} not one of {sorted(UNITS)}")
            if qual not in quals:
                rep.err(where, f"qualifier {qual!r} not one of {sorted(quals)}")
            for k, v in (("value_low", lo), ("value_high", hi)):
                if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                    rep.err(where, f"{k} must be a number or null, got {v!r}")
            if lo is None and hi is None:
                rep.err(where, "figure with neither value_low nor value_high")
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
                rep.err(where, f"value_low {lo} > value_high {hi}")
            if qual in ("at_least", "more_than") and hi is not None:
                rep.err(where, f"{qual} takes value_high null")
            if qual == "up_to" and lo is not None:
                rep.err(where, "up_to takes value_low null")
            if qual in ("exact", "about", "vague") and (lo is None or hi is None):
                rep.err(where, f"{qual} needs both bounds")
            fig = (lo, hi, unit, qual)
        ct = f.get("claimant_type")
        if ct not in ctypes:
            rep.err(where, f"claimant_type {ct!r} not one of {sorted(ctypes)}")
        cl = f.get("claimant")
        if ct == "unattributed" and cl is not None:
            rep.err(where, "unattributed facts take claimant: null")
        if ct in ctypes and ct != "unattributed" and not (isinstance(cl, str) and cl.strip()):
            rep.err(where, f"claimant_type {ct} needs the claimant as named in the text")
        if isinstance(cl, str) and d is not None and collapse(cl) not in d.flat:
            rep.warn(where, f"claimant {cl!r} does not occur verbatim in {doc}")
        if "event_date" in f:
            day = as_date(f["event_date"])
            if day is None:
                rep.err(where, f"event_date {f['event_date']!r} is not YYYY-MM-DD")
            elif ep in episodes:
                lo_w, hi_w = (dt.date.fromisoformat(x) for x in episodes[ep]["window"])
                if not lo_w <= day <= hi_w:
                    rep.err(where, f"event_date {day} outside the window of {ep}")
        key = (doc, table, cat, ep, sent_idx if sent_idx is not None else ev, fig, ct)
        if key in seen:
            rep.err(where, f"duplicate of fact #{seen[key]} (same sentence, category, figure, claimant)")
        else:
            seen[key] = n
    return facts


def check_episodes(
    path: Path, docdir: Path, tax: dict, rep: Report, docs: dict, require_all: bool = False
) -> list[dict]:
    """require_all: every sentence of every *.txt in docdir must be placed (held-out set)."""
    data = load_yaml(path)
    name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("sentences"), list):
        rep.err(str(name), "top level must be {version: 1, sentences: [...]}")
        return []
    episodes = tax["episodes"]
    seen: dict[tuple, int] = {}
    rows = data["sentences"]
    for n, r in enumerate(rows, 1):
        where = f"{name}#{n}"
        if not isinstance(r, dict):
            rep.err(where, "entry is not a mapping")
            continue
        extra = set(r) - {"doc", "starts", "episode", "why"}
        if extra:
            rep.err(where, f"unknown keys {sorted(extra)}")
        doc, starts = r.get("doc"), r.get("starts")
        if "episode" not in r:
            rep.err(where, "missing episode (use null for neither)")
        elif r["episode"] is not None and r["episode"] not in episodes:
            rep.err(where, f"unknown episode {r['episode']!r}")
        if not (isinstance(r.get("why"), str) and r["why"].strip()):
            rep.err(where, "missing why")
        if not (isinstance(starts, str) and starts.strip()):
            rep.err(where, "missing starts")
            continue
        if doc not in docs:
            p = docdir / str(doc)
            docs[doc] = Doc(p) if p.is_file() else None
        d = docs[doc]
        if d is None:
            rep.err(where, f"no such document {docdir / str(doc)}")
            continue
        cs = collapse(starts)
        hits = [i for i, s in enumerate(d.sents) if s.startswith(cs)]
        if not hits:
            if cs in d.flat:
                rep.err(where, f"starts is not the beginning of a sentence: {starts!r}")
            else:
                rep.err(where, f"starts not found in {doc}: {starts!r}")
            continue
        if len(hits) > 1:
            rep.warn(where, f"{len(hits)} sentences start this way; the first is meant: {starts!r}")
        key = (doc, hits[0])
        if key in seen:
            rep.err(where, f"same sentence as entry #{seen[key]}")
        else:
            seen[key] = n
    if require_all:
        for p in sorted(docdir.glob("*.txt")):
            if p.name not in docs:
                docs[p.name] = Doc(p)
            d = docs[p.name]
            if d is None:
                continue
            missing = [s for i, s in enumerate(d.sents) if (p.name, i) not in seen]
            for s in missing:
                rep.err(str(name), f"{p.name}: sentence not placed: {s[:60]!r}")
    return rows


def check_manifest(path: Path, docdir: Path, rep: Report) -> None:
    data = load_yaml(path)
    name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    docs_ = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs_, list):
        rep.err(str(name), "top level must be {documents: [...]}")
        return
    listed = set()
    for n, e in enumerate(docs_, 1):
        where = f"{name}#{n}"
        for k in ("file", "title", "outlet", "url", "published"):
            if k not in e:
                rep.err(where, f"missing {k}")
        fpath = docdir / str(e.get("file"))
        listed.add(e.get("file"))
        if not fpath.is_file():
            rep.err(where, f"no such file {fpath}")
            continue
        first = fpath.read_text(encoding="utf-8").splitlines()[0]
        if not first.startswith("# "):
            rep.err(where, "first line must be a '# ' title line")
        if as_date(e.get("published")) is None:
            rep.err(where, f"published {e.get('published')!r} is not YYYY-MM-DD")
    for p in sorted(docdir.glob("*.txt")):
        if p.name not in listed:
            rep.err(str(name), f"{p.name} is not listed")


def summary(facts: list[dict], label: str) -> str:
    from collections import Counter

    by_t = Counter(f.get("table") for f in facts)
    by_e = Counter(f.get("episode") for f in facts)
    return (
        f"{label}: {len(facts)} facts; "
        + ", ".join(f"{k}={v}" for k, v in sorted(by_t.items()))
        + "; "
        + ", ".join(f"{k}={v}" for k, v in sorted(by_e.items()))
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--taxonomy")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    args = ap.parse_args(argv)
    tax = load_yaml(find_taxonomy(args.taxonomy))
    rep = Report()
    lines = []
    seed_docs: dict = {}
    seeds_dir = REPO / "seeds"
    if (HERE / "seeds.yaml").is_file():
        facts = check_facts(HERE / "seeds.yaml", seeds_dir, tax, rep, seed_docs)
        lines.append(summary(facts, "seeds.yaml"))
    else:
        rep.err("tests/gold", "seeds.yaml missing")
    if (HERE / "episodes.yaml").is_file():
        rows = check_episodes(HERE / "episodes.yaml", seeds_dir, tax, rep, seed_docs)
        lines.append(f"episodes.yaml: {len(rows)} sentences")
    for held in [HERE / "heldout", *sorted(HERE.glob("blind*"))]:  # sets with their own texts
        if not held.is_dir():
            continue
        hdocs: dict = {}
        if (held / "manifest.yaml").is_file():
            check_manifest(held / "manifest.yaml", held, rep)
        if (held / "gold.yaml").is_file():
            facts = check_facts(held / "gold.yaml", held, tax, rep, hdocs)
            lines.append(summary(facts, f"{held.name}/gold.yaml"))
        if (held / "episodes.yaml").is_file():
            rows = check_episodes(held / "episodes.yaml", held, tax, rep, hdocs, require_all=True)
            lines.append(f"{held.name}/episodes.yaml: {len(rows)} sentences")
    if not args.quiet:
        for w in rep.warnings:
            print(w)
    for e in rep.errors:
        print(e)
    for line in lines:
        print(line)
    if rep.errors:
        print(f"{len(rep.errors)} error(s)")
        return 1
    print("gold OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
