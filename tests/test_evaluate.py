"""Evaluation: the matching rule of tests/gold/README.md, and the floors the extraction must keep
on the hand-coded gold (do not lower them: improve the codebook)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kzunrest import evaluate

GOLD = Path(__file__).resolve().parent / "gold"

# ---------------------------------------------------------------- the floors


@pytest.fixture(scope="module")
def seeds_report(extracted):
    return evaluate.evaluate(GOLD / "seeds.yaml", None, out_dir=extracted("seeds"))


def test_seeds_f1_floors(seeds_report):
    report = seeds_report
    assert report.overall.f1 >= 0.90, "\n".join(report.lines(details=True))
    for table, score in report.tables.items():
        assert score.f1 >= 0.85, f"{table}: " + "\n".join(report.lines(details=True))


def test_seeds_figures_and_claimants_floors(seeds_report):
    assert seeds_report.matched > 150
    assert seeds_report.figure_accuracy >= 0.90, "\n".join(seeds_report.wrong_figures)
    assert seeds_report.claimant_accuracy >= 0.85, "\n".join(seeds_report.wrong_claimants)


# (facts F1, claimant type right) floors per set, a little below today's scores. Claimant types
# differ by coder convention: blind5 typed members of the European Parliament as ngo, blind6 gave
# every sentence of a first-person blog to its author; blind9 to blind32 (sessions 3 to 8) were
# the last sets written: their floors sit below their first, blind scores (tests/gold/README.md).
GENERALISATION_FLOORS = {
    "heldout": (0.85, 0.85),
    "blind": (0.85, 0.85),
    "blind3": (0.85, 0.85),
    "blind4": (0.85, 0.85),
    "blind5": (0.85, 0.80),
    "blind6": (0.85, 0.70),
    "blind7": (0.78, 0.75),
    "blind8": (0.77, 0.85),
    "blind9": (0.73, 0.88),  # blind score 0.758
    "blind10": (0.71, 0.85),  # blind score 0.737
    "blind11": (0.79, 0.92),  # blind score 0.820
    "blind12": (0.73, 0.60),  # blind score 0.760; its coder typed British MPs as ngo, the minister other
    "blind13": (0.75, 0.88),  # blind score 0.784
    "blind14": (0.80, 0.77),  # blind score 0.826, at the session's last extractor
    "blind15": (0.80, 0.90),  # blind score 0.824 (session 4, at its last extractor)
    "blind16": (0.72, 0.80),  # blind score 0.745 (session 4, at its last extractor)
    "blind17": (0.78, 0.70),  # blind score 0.813 (session 5, after its first tuning); claimants 0.727
    "blind18": (0.76, 0.85),  # blind score 0.793 (session 5, after its first tuning)
    "blind19": (0.73, 0.90),  # blind score 0.762 (session 5, at its last extractor)
    "blind20": (0.74, 0.77),  # blind score 0.773 (session 5, at its last extractor); claimant 0.779:
    # two facts session 7 newly finds carry a claimant its coder typed otherwise
    "blind21": (0.73, 0.85),  # blind score 0.762 (session 6, at its last extractor)
    "blind22": (0.81, 0.88),  # blind score 0.837 (session 6, at its last extractor)
    "blind23": (0.79, 0.82),  # blind score 0.816 (written in session 7, scored at session 6's last)
    "blind24": (0.71, 0.77),  # blind score 0.742 (written in session 7, scored at session 6's last)
    "blind25": (0.79, 0.79),  # blind score 0.816 (session 7, at its last extractor)
    "blind26": (0.78, 0.84),  # blind score 0.808 (session 7, at its last extractor)
    "blind27": (0.78, 0.86),  # blind score 0.806 (written in session 8, scored before it changed anything)
    "blind28": (0.80, 0.84),  # blind score 0.830 (the same)
    "blind29": (0.78, 0.82),  # blind score 0.808 (session 8, scored after its first tuning)
    "blind30": (0.73, 0.88),  # blind score 0.761 (the same)
    "blind31": (0.77, 0.82),  # blind score 0.804 (session 8, at its last extractor)
    "blind32": (0.80, 0.75),  # blind score 0.830 (session 8, at its last extractor)
}


def test_every_gold_set_passes_its_checker():
    """Evidence in its file and sentence, ids from the taxonomy, every sentence placed (check_gold.py)."""
    result = subprocess.run(
        [sys.executable, str(GOLD / "check_gold.py"), "-q"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert {f"{name}/gold.yaml" for name in GENERALISATION_FLOORS} <= set(
        re.findall(r"^(\S+/gold\.yaml):", result.stdout, re.M)
    )


@pytest.mark.parametrize("gold_set", sorted(GENERALISATION_FLOORS))
def test_generalisation_floor(extracted, gold_set):
    """Texts in other outlets' styles (tests/gold/heldout/, tests/gold/blind*/): the codebook must
    generalise beyond the seeds."""
    f1_floor, claimant_floor = GENERALISATION_FLOORS[gold_set]
    report = evaluate.evaluate(GOLD / gold_set / "gold.yaml", None, out_dir=extracted(gold_set))
    assert report.overall.f1 >= f1_floor, "\n".join(report.lines(details=True))
    assert report.figure_accuracy >= 0.90, "\n".join(report.wrong_figures)
    assert report.claimant_accuracy >= claimant_floor, "\n".join(report.wrong_claimants)


# ---------------------------------------------------------------- the matching rule


def _doc(text: str) -> tuple[list[dict], list[dict]]:
    documents = [{"doc_id": "d1", "path": "a.txt", "text": text}]
    sentences, start = [], 0
    for i, part in enumerate(text.split("\n")):
        sentences.append(
            {"doc_id": "d1", "sentence_id": f"d1:{i}", "char_start": start, "char_end": start + len(part)}
        )
        start += len(part) + 1
    return documents, sentences


def _row(sentence: int, category: str = "killed", **figure) -> dict:
    return {
        "doc_id": "d1",
        "sentence_id": f"d1:{sentence}",
        "category": category,
        "episode": "zhanaozen-2011",
        "claimant_type": figure.pop("claimant_type", "unattributed"),
        **{"value_low": None, "value_high": None, "unit": None, "qualifier": None, **figure},
    }


def _gold(evidence: str, category: str = "killed", **extra) -> dict:
    return {
        "doc": "a.txt",
        "table": "outcome",
        "category": category,
        "episode": "zhanaozen-2011",
        "evidence": evidence,
        "claimant_type": "unattributed",
        **extra,
    }


TEXT = "Sixteen people died in Janaozen.\nOfficials say 14 people were   killed, others say 70."
SEVENTEEN = {"value_low": 17.0, "value_high": None, "unit": "people", "qualifier": "at_least"}


def test_a_row_matches_gold_whose_evidence_starts_in_its_sentence():
    documents, sentences = _doc(TEXT)
    # whitespace in the evidence is collapsed before it is found
    gold = [_gold("Sixteen people died"), _gold("14 people were killed", claimant_type="official")]
    facts = {"outcome": [_row(0), _row(1, claimant_type="official")]}
    report = evaluate.score(gold, documents, sentences, facts)
    assert (report.tables["outcome"].true_positives, report.overall.f1) == (2, 1.0)
    assert report.claimant_accuracy == 1.0


def test_wrong_sentence_category_or_episode_is_a_miss_and_an_extra_row():
    documents, sentences = _doc(TEXT)
    for wrong in (_row(1), _row(0, category="injured"), {**_row(0), "episode": "january-2022"}):
        report = evaluate.score([_gold("Sixteen people died")], documents, sentences, {"outcome": [wrong]})
        score = report.tables["outcome"]
        assert (score.true_positives, score.false_positives, score.false_negatives) == (0, 1, 1)


def test_two_claims_in_one_sentence_need_two_rows_and_figures_pair_first():
    documents, sentences = _doc(TEXT)
    seventy = {"value_low": None, "value_high": 70.0, "unit": "people", "qualifier": "up_to"}
    gold = [_gold("Officials say 14", **SEVENTEEN), _gold("others say 70", **seventy)]
    one_row = evaluate.score(gold, documents, sentences, {"outcome": [_row(1, **seventy)]})
    assert (one_row.tables["outcome"].true_positives, one_row.tables["outcome"].false_negatives) == (1, 1)
    assert one_row.figure_accuracy == 1.0  # the row is paired with the gold fact of its own figure
    both = evaluate.score(gold, documents, sentences, {"outcome": [_row(1, **seventy), _row(1, **SEVENTEEN)]})
    assert both.overall.f1 == 1.0 and both.figure_accuracy == 1.0


def test_a_wrong_figure_or_claimant_still_matches_but_is_counted():
    documents, sentences = _doc(TEXT)
    report = evaluate.score(
        [_gold("Sixteen people died", **SEVENTEEN)],
        documents,
        sentences,
        {"outcome": [_row(0, claimant_type="ngo")]},
    )
    assert report.overall.f1 == 1.0
    assert (report.figure_accuracy, report.claimant_accuracy) == (0.0, 0.0)
    assert report.wrong_figures and report.wrong_claimants


def test_gold_that_names_no_ingested_text_is_an_error():
    documents, sentences = _doc(TEXT)
    with pytest.raises(evaluate.GoldError, match="not found"):
        evaluate.score([_gold("nowhere in the text")], documents, sentences, {})
    with pytest.raises(evaluate.GoldError, match="other.txt"):
        evaluate.score([{**_gold("Sixteen"), "doc": "other.txt"}], documents, sentences, {})


def test_a_malformed_gold_file_names_itself(tmp_path):
    path = tmp_path / "gold.yaml"
    path.write_text(
        "version: 1\nfacts:\n  - {doc: a.txt, table: nonsense, category: x, episode: y, evidence: z}\n"
    )
    with pytest.raises(evaluate.GoldError, match=r"gold\.yaml.*nonsense"):
        evaluate.load_gold(path)


def test_evaluate_command_prints_scores_from_existing_tables(extracted):
    from typer.testing import CliRunner

    from kzunrest.cli import app

    folder = extracted("seeds")
    before = sorted(p.stat().st_mtime_ns for p in folder.glob("*.parquet"))
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD / "seeds.yaml"), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines[1:6]] == [
        "trigger",
        "demand",
        "state_response",
        "outcome",
        "overall",
    ]
    assert lines[6].startswith("figures right:") and lines[7].startswith("claimant type right:")
    assert sorted(p.stat().st_mtime_ns for p in folder.glob("*.parquet")) == before  # read, not rewritten
    bad = CliRunner().invoke(app, ["evaluate", "--gold", str(folder / "missing.yaml"), "--out", str(folder)])
    assert bad.exit_code == 2 and "missing.yaml" in bad.output
