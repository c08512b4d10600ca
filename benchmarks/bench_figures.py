"""Figure parsing and claimant attribution as a ratio to tokenising the same sentences.

The sentences come from the synthetic corpus (benchmarks/corpus.py: seed sentences recombined,
their numbers varied, so repeated sentences do not repeat their figures). The baseline is a blank
spaCy English pipeline's tokenizer over every sentence, timed in the same run and interleaved with
the measured calls so both see the same machine load; the best of several rounds is kept.
A ratio is throughput relative to tokenising: 0.5 means half as fast as tokenising.
"""

from __future__ import annotations

import time
from pathlib import Path

ARTICLES = 400  # about 2 MB of text
ROUNDS = 5


def _sentences() -> list[str]:
    import corpus

    from kzunrest import ingest

    seeds = corpus.load_seeds()
    out = []
    for i in range(ARTICLES):
        text, _ = corpus.article(i, seeds)
        out.extend(text[a:b] for a, b in ingest.split_sentences(text))
    return out


def _seconds(fn, items: list[str]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def run(workdir: Path) -> list[dict]:
    import spacy

    from kzunrest.claimants import attribute
    from kzunrest.claimants import lexicon as claimant_lexicon
    from kzunrest.figures import _parse, find_figures, has_number
    from kzunrest.figures import lexicon as figure_lexicon

    sentences = _sentences()
    megabytes = sum(len(s.encode()) for s in sentences) / 1e6
    nlp = spacy.blank("en")
    figures_lex, claims_lex = figure_lexicon(), claimant_lexicon()
    numbered = [s for s in sentences if has_number(s, figures_lex)]
    measured = {
        "tokenise": (nlp.make_doc, sentences),
        "find_figures": (lambda s: find_figures(s, figures_lex), sentences),
        "prefilter": (lambda s: has_number(s, figures_lex), sentences),
        "parse": (lambda s: _parse(s, figures_lex), numbered),
        "tokenise_numbered": (nlp.make_doc, numbered),
        "attribute": (lambda s: attribute(s, None, lexicon_=claims_lex), sentences),
    }
    best = {name: float("inf") for name in measured}
    for _ in range(ROUNDS):  # interleaved: every measure sees the same load
        for name, (fn, items) in measured.items():
            best[name] = min(best[name], _seconds(fn, items))
    tokenise = best["tokenise"]
    size = f"{len(sentences)} sentences, {megabytes:.1f} MB"

    def figure(name: str, seconds: float, baseline: float, note: str) -> dict:
        return {
            "name": name,
            "value": megabytes / seconds if name != "parse_numbered" else len(numbered) / seconds,
            "unit": "MB/s" if name != "parse_numbered" else "sentences/s",
            "baseline": megabytes / baseline if name != "parse_numbered" else len(numbered) / baseline,
            "baseline_name": "spaCy tokenisation",
            "ratio": baseline / seconds,
            "note": note,
        }

    return [
        figure("find_figures", best["find_figures"], tokenise, size),
        figure("figure_prefilter", best["prefilter"], tokenise, "has_number (word set, digit runs)"),
        figure(
            "parse_numbered",
            best["parse"],
            best["tokenise_numbered"],
            f"the {len(numbered)} sentences with a digit or number word",
        ),
        figure("attribute", best["attribute"], tokenise, "claimant of every sentence (span None)"),
    ]
