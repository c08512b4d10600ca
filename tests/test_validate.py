"""Validation: the GX suites in expectations/, the checked columns, the quality report, the CLI.

Most tests run the real suites on a small valid dataset built here with kzunrest.schema, after
tampering with one contract; GX runs on one table where one table is enough (it costs ~20-40 ms
an expectation, whatever the rows).
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kzunrest import compare, schema, suites, validate, warehouse
from kzunrest.cli import app

ROOT = Path(__file__).resolve().parents[1]

ZHANAOZEN = (
    "Oil workers in Zhanaozen struck for higher wages in May 2011. "
    "On 16 December 2011 police opened fire on the square. "
    "At least 16 people were killed, prosecutors said."
)
JANUARY = (
    "Protests began on 2 January 2022 after the LPG price doubled. "
    "Protesters demanded that the government resign. "
    "Police detained 9,900 people, the interior ministry said."
)


def _document(text: str, path: str) -> dict:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {
        "doc_id": sha[:16],
        "path": path,
        "title": text.split(".")[0],
        "outlet": "Test wire",
        "url": None,
        "published": date(2022, 1, 20),
        "sha256": sha,
        "n_chars": len(text),
        "text": text,
    }


def _sentences(document: dict, episode: str) -> list[dict]:
    rows, start, text = [], 0, document["text"]
    for i, sentence in enumerate(text.split(". ")):
        end = start + len(sentence) + (0 if sentence.endswith(".") else 1)
        rows.append(
            {
                "doc_id": document["doc_id"],
                "sentence_id": f"{document['doc_id']}:{i:05d}",
                "char_start": start,
                "char_end": end,
                "text": text[start:end],
                "episode": episode,
                "episode_reason": "test",
            }
        )
        start = end + 1
    return rows


def _fact(table: str, n: int, document: dict, sentences: list[dict], quote: str, **fields) -> dict:
    start = document["text"].index(quote)
    sentence = next(s for s in sentences if s["char_start"] <= start < s["char_end"])
    return {
        "record_id": f"{table}-{n}",
        "doc_id": document["doc_id"],
        "sentence_id": sentence["sentence_id"],
        "char_start": start,
        "char_end": start + len(quote),
        "quote": quote,
        "rule_id": "test",
        **fields,
    }


def build_dataset() -> dict[str, list[dict]]:
    """Rows of every table: both episodes in every fact table, every contract kept."""
    z, j = _document(ZHANAOZEN, "a.txt"), _document(JANUARY, "b.txt")
    zs, js = _sentences(z, "zhanaozen-2011"), _sentences(j, "january-2022")
    zh = {"episode": "zhanaozen-2011"}
    jan = {"episode": "january-2022"}
    return {
        "documents": [z, j],
        "sentences": zs + js,
        "rejections": [],
        "triggers": [
            _fact(
                "triggers",
                0,
                z,
                zs,
                "struck for higher wages",
                category="wage_dispute",
                family="labour",
                **zh,
            ),
            _fact(
                "triggers",
                1,
                j,
                js,
                "the LPG price doubled",
                category="price_increase",
                family="economic",
                **jan,
            ),
        ],
        "demands": [
            _fact("demands", 0, z, zs, "higher wages", category="higher_wages", family="labour", **zh),
            _fact(
                "demands",
                1,
                j,
                js,
                "demanded that the government resign",
                category="government_resignation",
                family="political",
                **jan,
            ),
        ],
        "state_responses": [
            _fact(
                "state_responses",
                0,
                z,
                zs,
                "police opened fire",
                category="lethal_force",
                family="repression",
                event_date=date(2011, 12, 16),
                **zh,
            ),
            _fact(
                "state_responses", 1, j, js, "Police detained", category="arrests", family="repression", **jan
            ),
        ],
        "outcomes": [
            _fact(
                "outcomes",
                0,
                z,
                zs,
                "At least 16 people were killed",
                category="killed",
                family="human_cost",
                claimant="prosecutors",
                claimant_type="official",
                value_low=16.0,
                unit="people",
                qualifier="at_least",
                event_date=date(2011, 12, 16),
                **zh,
            ),
            _fact(
                "outcomes",
                1,
                j,
                js,
                "detained 9,900 people",
                category="detained",
                family="justice",
                claimant="the interior ministry",
                claimant_type="official",
                value_low=9900.0,
                value_high=9900.0,
                unit="people",
                qualifier="exact",
                **jan,
            ),
        ],
    }


DATASET = build_dataset()


def write_dataset(folder: Path, rows: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        schema.write_table(schema.to_table(table_rows, schema.TABLES[name]), folder / f"{name}.parquet")
    return folder


@pytest.fixture
def rows():
    return copy.deepcopy(DATASET)


def failed(outcome: validate.Outcome) -> dict[tuple[str, str], validate.Check]:
    return {(c.suite, c.expectation): c for c in outcome.failures}


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- suites


def test_committed_suites_are_what_the_generator_writes(codebook):
    generated = suites.build(codebook)
    comparisons = [c.output for c in compare.load()]
    assert sorted(generated) == sorted([*schema.TABLES, *comparisons])
    assert sorted(p.stem for p in suites.SUITES_DIR.glob("*.json")) == sorted(generated)
    for name, suite in generated.items():
        committed = (suites.SUITES_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert committed == suites.dumps(suite), (
            f"expectations/{name}.json drifted: python -m kzunrest.suites"
        )


def test_suite_value_sets_follow_the_codebook(codebook, tmp_path):
    """A category added to the codebook reaches the suite; nothing is copied by hand."""
    shutil.copytree(codebook.directory, tmp_path / "codebook")
    taxonomy = tmp_path / "codebook" / "taxonomy.yaml"
    text = taxonomy.read_text(encoding="utf-8")
    anchor = "  outcome:         # what resulted; most rows carry a figure\n"
    assert anchor in text
    extra = '    disappeared:           {family: human_cost, definition: "People missing."}\n'
    taxonomy.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")
    from kzunrest import codebook as codebook_module

    changed = suites.build(codebook_module.load(tmp_path / "codebook"))
    sets = {e["meta"]["name"]: e["kwargs"] for e in changed["outcomes"]["expectations"]}
    assert "disappeared" in sets["category_in_taxonomy"]["value_set"]
    assert "disappeared" in sets["family_matches_category_human_cost"]["value_set"]
    original = {e["meta"]["name"]: e["kwargs"] for e in suites.build(codebook)["outcomes"]["expectations"]}
    assert original["category_in_taxonomy"]["value_set"] == sorted(
        c.id for c in codebook.table_categories("outcome")
    )
    assert original["unit_in_codebook"]["value_set"] == list(codebook.units)
    window = original["event_date_in_window_zhanaozen-2011"]
    assert (window["min_value"], window["max_value"]) == tuple(
        f"{d.isoformat()}T00:00:00" for d in codebook.episodes["zhanaozen-2011"].window
    )


def test_a_broken_suite_file_is_named(tmp_path):
    (tmp_path / "outcomes.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(validate.SuiteError, match="outcomes.json"):
        validate.load_suites(tmp_path)
    (tmp_path / "outcomes.json").write_text(
        json.dumps({"name": "outcomes", "meta": {"checked_columns": ["vibes_ok"]}, "expectations": [{}]}),
        encoding="utf-8",
    )
    with pytest.raises(validate.SuiteError, match="outcomes.json"):
        validate.load_suites(tmp_path)


def test_great_expectations_is_imported_only_when_suites_run():
    code = "import sys, kzunrest.cli, kzunrest.validate; print('great_expectations' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- a clean dataset


def test_valid_dataset_passes_every_suite_without_network(rows, tmp_path, monkeypatch):
    attempts = []

    def refuse(sock, address):
        attempts.append(address)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    folder = write_dataset(tmp_path / "out", rows)
    outcome = validate.validate(folder, "tables")
    assert outcome.failures == [] and outcome.warnings == []
    assert outcome.suites == sorted(schema.TABLES)
    expected = sum(len(s["expectations"]) for s in validate.load_suites(stage="tables").values())
    assert len(outcome.checks) == expected
    assert attempts == []


# ---------------------------------------------------------------- each contract, tampered


def _set(table: str, i: int, **fields):
    def tamper(rows):
        rows[table][i].update(fields)

    return tamper


def _other_document_sentence(rows):
    rows["outcomes"][0]["sentence_id"] = rows["sentences"][-1]["sentence_id"]


def _duplicate_record(rows):
    rows["outcomes"].append({**rows["outcomes"][0], "record_id": "outcomes-1"})


TAMPERS = {
    "bogus category": ("outcomes", _set("outcomes", 0, category="massacre"), "category_in_taxonomy"),
    "family of another category": (
        "outcomes",
        _set("outcomes", 0, family="labour"),
        "family_matches_category_labour",
    ),
    "episode not in taxonomy": ("outcomes", _set("outcomes", 0, episode="2011"), "episode_in_taxonomy"),
    "claimant type not in taxonomy": (
        "outcomes",
        _set("outcomes", 0, claimant_type="government"),
        "claimant_type_in_taxonomy",
    ),
    "unit not in codebook": ("outcomes", _set("outcomes", 0, unit="souls"), "unit_in_codebook"),
    "quote not its span": (
        "outcomes",
        _set("outcomes", 0, quote="At least 61 people were killed"),
        "quote_matches_span",
    ),
    "span past the document": ("outcomes", _set("outcomes", 0, char_end=10_000), "span_in_document"),
    "start after end": ("outcomes", _set("outcomes", 0, char_start=40, char_end=30), "span_ordered"),
    "dangling doc_id": ("outcomes", _set("outcomes", 0, doc_id="0000000000000000"), "doc_id_in_documents"),
    "sentence of another document": ("outcomes", _other_document_sentence, "sentence_in_document"),
    "duplicate record_id": ("outcomes", _duplicate_record, "record_id_unique"),
    "low above high": (
        "outcomes",
        _set("outcomes", 1, value_low=9900.0, value_high=990.0, qualifier="vague"),
        "value_low_not_above_value_high",
    ),
    "negative figure": ("outcomes", _set("outcomes", 0, value_low=-16.0), "value_low_non_negative"),
    "exact with unequal bounds": ("outcomes", _set("outcomes", 1, value_high=9901.0), "exact_bounds_equal"),
    "at_least with an upper bound": (
        "outcomes",
        _set("outcomes", 0, value_high=20.0),
        "lower_bound_has_no_high",
    ),
    "killed above the ceiling": (
        "outcomes",
        _set("outcomes", 0, value_low=120_000.0),
        "killed_value_low_below_ceiling",
    ),
    "figure without claimant type": (
        "outcomes",
        _set("outcomes", 0, claimant_type=None),
        "figure_has_claimant_type",
    ),
    "date outside the window": (
        "state_responses",
        _set("state_responses", 0, event_date=date(2015, 6, 1)),
        "event_date_in_window_zhanaozen-2011",
    ),
    "sentence text not its span": (
        "sentences",
        _set("sentences", 1, text="Something else."),
        "text_matches_span",
    ),
    "n_chars not the text length": ("documents", _set("documents", 0, n_chars=5), "n_chars_matches_text"),
}


@pytest.mark.parametrize("kind", list(TAMPERS))
def test_each_tampered_contract_fails_naming_its_expectation(kind, rows, tmp_path):
    table, tamper, expectation = TAMPERS[kind]
    tamper(rows)
    tampered_key = {"outcomes": "record_id", "state_responses": "record_id", "sentences": "sentence_id"}
    folder = write_dataset(tmp_path / "out", rows)
    outcome = validate.validate(folder, tables=[table])
    failures = failed(outcome)
    assert (table, expectation) in failures, f"{kind}: failed {sorted(failures)}"
    check = failures[(table, expectation)]
    assert check.severity == "critical"
    assert check.unexpected_count == (2 if kind == "duplicate record_id" else 1)  # both copies count
    key = tampered_key.get(table, "doc_id")
    assert check.examples and key in check.examples[0], check.examples


def test_clean_table_has_no_failures_on_its_own(rows, tmp_path):
    """The baseline of the tamper tests: the same call on the untouched table passes."""
    folder = write_dataset(tmp_path / "out", rows)
    assert validate.validate(folder, tables=["outcomes"]).failures == []


def test_missing_coverage_is_only_a_warning(rows, tmp_path):
    rows["demands"] = [r for r in rows["demands"] if r["episode"] == "zhanaozen-2011"]
    outcome = validate.validate(write_dataset(tmp_path / "out", rows), tables=["demands"])
    assert outcome.passed
    assert [(c.suite, c.expectation, c.severity) for c in outcome.warnings] == [
        ("demands", "both_episodes_present", "warning")
    ]
    assert "january-2022" in json.dumps(outcome.warnings[0].examples)


def test_missing_table_and_table_without_suite(rows, tmp_path):
    folder = write_dataset(tmp_path / "out", rows)
    (folder / "outcomes.parquet").unlink()
    shutil.copy(folder / "rejections.parquet", folder / "extras.parquet")
    shutil.copy(folder / "rejections.parquet", folder / "compare_extras.parquet")
    outcome = validate.validate(folder, tables=["outcomes", "extras", "compare_extras"])
    assert {(c.suite, c.expectation) for c in outcome.failures} == {
        ("outcomes", "table_present"),
        ("extras", "suite_present"),
        ("compare_extras", "suite_present"),  # a comparison table is no exception
    }
    assert outcome.warnings == []


# ---------------------------------------------------------------- the comparison tables


@pytest.fixture(scope="module")
def compared(tmp_path_factory, codebook) -> Path:
    """The small dataset with its comparison tables, made by the real SQL."""
    folder = write_dataset(tmp_path_factory.mktemp("compared") / "out", copy.deepcopy(DATASET))
    warehouse.build(folder)
    compare.run(folder, codebook)
    return folder


def test_comparison_tables_pass_their_generated_suites(compared):
    outcome = validate.validate(compared, "comparison")
    assert outcome.failures == [] and outcome.warnings == []
    assert outcome.suites == sorted(c.output for c in compare.load())
    expected = sum(len(s["expectations"]) for s in validate.load_suites(stage="comparison").values())
    assert len(outcome.checks) == expected


def test_comparison_suites_follow_the_sql_headers_and_the_codebook(codebook):
    built = suites.build(codebook)
    for comparison in compare.load():
        head = built[comparison.output]["expectations"][0]
        assert head["kwargs"]["column_list"] == comparison.columns, comparison.path.name
    kwargs = {e["meta"]["name"]: e["kwargs"] for e in built["compare_demands"]["expectations"]}
    demands = codebook.table_categories("demand")
    assert kwargs["family_and_category_in_taxonomy"]["value_pairs_set"] == sorted(
        [c.family, c.id] for c in demands
    )
    assert kwargs["one_row_per_category_and_episode"]["value"] == len(demands) * len(codebook.episodes)
    figures = {e["meta"]["name"]: e["kwargs"] for e in built["compare_figures"]["expectations"]}
    assert figures["unit_in_codebook"]["value_set"] == list(codebook.units)


def test_a_comparison_without_a_suite_builder_stops_the_generator(codebook, tmp_path):
    shutil.copytree(compare.SQL_DIR, tmp_path / "sql")
    (tmp_path / "sql" / "lonely.sql").write_text("-- lonely\nSELECT 1 AS one\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lonely.sql"):
        suites.comparison_suites(codebook, tmp_path / "sql")


def _edit(row: int, **fields):
    def tamper(rows):
        rows[row].update(fields)
        return rows

    return tamper


def _first_where(column: str, test, **fields):
    def tamper(rows):
        next(r for r in rows if test(r[column])).update(fields)
        return rows

    return tamper


COMPARE_TAMPERS = {
    "category row missing": ("compare_triggers", lambda rows: rows[1:], "one_row_per_category_and_episode"),
    "category row twice": (
        "compare_outcomes",
        lambda rows: [rows[0], *rows[:-1]],
        "category_and_episode_unique",
    ),
    "category not the family's": (
        "compare_demands",
        _edit(0, category="massacre"),
        "family_and_category_in_taxonomy",
    ),
    "more documents than rows": (
        "compare_state_responses",
        _edit(0, n_documents=5, n_rows=1),
        "n_documents_not_above_n_rows",
    ),
    "lowest above highest": (
        "compare_figures",
        _edit(0, lowest_claimed=100.0, highest_claimed=16.0),
        "lowest_claimed_not_above_highest_claimed",
    ),
    "highest below the official": (
        "compare_figures",
        _first_where("ratio_highest_to_official", lambda v: v is not None, ratio_highest_to_official=0.5),
        "ratio_highest_to_official_at_least_1",
    ),
    "unit not in the codebook": ("compare_figures", _edit(0, unit="furlongs"), "unit_in_codebook"),
    "episode not in the taxonomy": (
        "compare_episode_overview",
        _edit(0, episode="aktobe-2016"),
        "episode_in_taxonomy",
    ),
    "negative count": ("compare_episode_overview", _edit(0, n_triggers=-1), "n_triggers_non_negative"),
    "family repeated": ("compare_escalation", lambda rows: rows + rows[:1], "family_once_per_episode"),
    "presence not a presence": (
        "compare_shared_and_distinct",
        _edit(0, presence="sometimes"),
        "presence_in_set",
    ),
}


@pytest.mark.parametrize("kind", list(COMPARE_TAMPERS))
def test_each_tampered_comparison_fails_naming_its_expectation(kind, compared, tmp_path):
    table, tamper, expectation = COMPARE_TAMPERS[kind]
    folder = tmp_path / "out"
    shutil.copytree(compared, folder)
    written = pq.read_table(folder / f"{table}.parquet")
    tampered = tamper(written.to_pylist())
    schema.write_table(pa.Table.from_pylist(tampered, schema=written.schema), folder / f"{table}.parquet")
    outcome = validate.validate(folder, "comparison", tables=[table])
    failures = failed(outcome)
    assert (table, expectation) in failures, f"{kind}: failed {sorted(failures)}"
    assert failures[(table, expectation)].severity == "critical"


def test_a_comparison_missing_a_column_fails_on_its_columns(compared, tmp_path):
    folder = tmp_path / "out"
    shutil.copytree(compared, folder)
    written = pq.read_table(folder / "compare_figures.parquet")
    schema.write_table(
        written.drop_columns(["ratio_highest_to_official"]), folder / "compare_figures.parquet"
    )
    outcome = validate.validate(folder, "comparison", tables=["compare_figures"])
    assert ("compare_figures", "columns_match_schema") in failed(outcome)


# ---------------------------------------------------------------- failure report and quality files


def test_check_raises_with_table_expectation_count_and_example(rows, tmp_path):
    rows["outcomes"][0]["quote"] = "At least 61 people were killed"
    folder = write_dataset(tmp_path / "out", rows)
    with pytest.raises(validate.ValidationFailed) as raised:
        validate.check(folder, "tables")
    report = str(raised.value)
    assert "outcomes.parquet: quote_matches_span" in report
    assert "1 of 2 rows" in report
    assert '"record_id": "outcomes-0"' in report and "At least 61" in report
    summary = json.loads((folder / "quality.json").read_text(encoding="utf-8"))
    assert summary["success"] is False and summary["failed"] == 1
    quality = pq.read_table(folder / "quality.parquet").to_pylist()
    (row,) = [r for r in quality if r["expectation"] == "quote_matches_span" and r["suite"] == "outcomes"]
    assert row["success"] is False and row["severity"] == "critical" and row["unexpected_count"] == 1
    assert json.loads(row["examples"])[0]["record_id"] == "outcomes-0"
    assert "quote_matches_span" in (folder / "quality" / "index.html").read_text(encoding="utf-8")


def test_quality_report_is_offline_complete_and_byte_stable(rows, tmp_path):
    folder = write_dataset(tmp_path / "a", rows)
    outcome = validate.check(folder, "tables")
    validate.write_report(outcome, write_dataset(tmp_path / "b", rows))
    for name in ("quality.parquet", "quality.json", "quality/index.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    html = (folder / "quality" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script" not in html and "<link" not in html
    assert all(f'id="{name}"' in html for name in schema.TABLES)
    assert "Every suite passed" in html
    assert html.count('<span class="pass">pass</span>') == len(outcome.checks)
    quality = pq.read_table(folder / "quality.parquet")
    assert quality.schema == validate.QUALITY_SCHEMA and quality.num_rows == len(outcome.checks)
    assert json.loads((folder / "quality.json").read_text(encoding="utf-8"))["success"] is True


def test_comparison_suites_are_just_files(rows, tmp_path):
    """A compare_*.json in the suites folder is run after compare and merged into the report."""
    suites_dir = tmp_path / "expectations"
    suites_dir.mkdir()
    shutil.copy(suites.SUITES_DIR / "documents.json", suites_dir)
    folder = write_dataset(tmp_path / "out", {"documents": rows["documents"]})
    validate.check(folder, "tables", suites_dir)
    schema.write_table(
        schema.to_table([{"path": "x.txt", "reason": "r"}], schema.REJECTIONS),
        folder / "compare_things.parquet",
    )
    compare_suite = {
        "name": "compare_things",
        "meta": {},
        "expectations": [
            suites.expect(
                "path_unique", "expect_column_values_to_be_unique", "path is unique.", column="path"
            ),
            suites.expect(
                "reason_is_r", "expect_column_values_to_be_in_set", "r.", column="reason", value_set=["s"]
            ),
        ],
    }
    (suites_dir / "compare_things.json").write_text(suites.dumps(compare_suite), encoding="utf-8")
    with pytest.raises(validate.ValidationFailed, match="compare_things.parquet: reason_is_r"):
        validate.check(folder, "comparison", suites_dir)
    merged = validate.read_report(folder)
    assert merged.suites == ["compare_things", "documents"]
    assert [c.expectation for c in merged.failures] == ["reason_is_r"]


# ---------------------------------------------------------------- the command


def test_validate_command_exits_1_with_the_report(rows, tmp_path):
    rows["outcomes"][0]["category"] = "massacre"
    folder = write_dataset(tmp_path / "out", rows)
    result = CliRunner().invoke(app, ["validate", "--out", str(folder)])
    assert result.exit_code == 1, result.output
    assert "outcomes.parquet: category_in_taxonomy" in result.output and "massacre" in result.output
    assert (folder / "quality" / "index.html").is_file()


def test_validate_command_without_tables_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["validate", "--out", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "no documents.parquet" in result.output


# ---------------------------------------------------------------- in the pipeline


@pytest.mark.prefect
def test_seeds_run_publishes_a_passing_quality_report(seeds_run):
    out, _ = seeds_run
    summary = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    assert summary["success"] is True
    assert {s["suite"] for s in summary["suites"] if s["passed"]} >= set(schema.TABLES)
    assert (out / "quality" / "index.html").is_file()


@pytest.mark.prefect
def test_failed_validation_leaves_published_outputs_untouched(seeds_run, tmp_path, monkeypatch):
    """`kzunrest run` over published outputs, with a bogus row slipped into the staging outcomes
    just before validation: exit 1 with the report, and every published file as it was."""
    published, _ = seeds_run
    out = tmp_path / "datasets"
    shutil.copytree(published, out)
    before = file_hashes(out)
    assert "quality.json" in before and any(p.startswith("dashboard/") for p in before)
    real_check = validate.check

    def check_with_a_bogus_row(folder, stage="all", suites_dir=validate.SUITES_DIR):
        if stage == "tables":
            table = pq.read_table(folder / "outcomes.parquet").to_pylist()
            bogus = {**DATASET["outcomes"][0], "record_id": "bogus-0", "category": "massacre"}
            schema.write_table(schema.to_table([*table, bogus], schema.FACTS), folder / "outcomes.parquet")
        return real_check(folder, stage, suites_dir)

    monkeypatch.setattr(validate, "check", check_with_a_bogus_row)
    result = CliRunner().invoke(app, ["run", "--seeds", str(ROOT / "seeds"), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "outcomes.parquet: category_in_taxonomy" in result.output and "bogus-0" in result.output
    assert file_hashes(out) == before
    assert not list(out.parent.glob(f".{out.name}.staging-*"))
