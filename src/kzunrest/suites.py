"""Generate the Great Expectations suites in `expectations/` from the codebook and the schema.

The value sets (episodes, categories, families, claimant types, qualifiers, units) and the
episode windows are taken from `kzunrest.codebook`, the column lists from `kzunrest.schema`, so
the committed JSON cannot drift from them: `tests/test_validate.py` checks that every committed
suite equals what this module produces. After changing the codebook, run

    .venv/bin/python -m kzunrest.suites

Suites are plain GX 1.x suite JSON (`gx.ExpectationSuite(**json)` loads them). Each expectation
carries `meta.name`, the stable name reports and tests use, and a `severity`: `critical` stops
the run, `warning` is only reported. Cross-table and text checks that GX cannot express on one
frame are "checked columns": the suite lists them in `meta.checked_columns`, `kzunrest.validate`
computes each as a boolean column before validation, and the suite expects it to be all true.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kzunrest import codebook as codebook_module
from kzunrest import compare, schema
from kzunrest.codebook import Codebook

SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"

# Sane ceilings for counts of people: an order of magnitude above the largest claim about either
# episode (2022: ~10,000 detained, ~4,500 injured, 238 killed by official count), so a figure
# above them is a parsing error (a year, a price, a sum of money read as a count).
PEOPLE_CEILINGS = {"killed": 5_000, "injured": 20_000, "detained": 50_000}
LOWER_BOUND_QUALIFIERS = ["at_least", "more_than"]
UPPER_BOUND_QUALIFIERS = ["up_to"]


# ---------------------------------------------------------------- building blocks


def expect(name: str, type_: str, description: str, severity: str = "critical", **kwargs) -> dict:
    return {
        "type": type_,
        "kwargs": kwargs,
        "meta": {"name": name},
        "severity": severity,
        "description": description,
    }


def equals(column: str, value: str) -> dict:
    return {"type": "comparison", "column": {"name": column}, "operator": "==", "parameter": value}


def is_in(column: str, values: list) -> dict:
    return {"type": "comparison", "column": {"name": column}, "operator": "IN", "parameter": values}


def not_null(column: str) -> dict:
    return {"type": "nullity", "column": {"name": column}, "is_null": False}


def any_of(*conditions: dict) -> dict:
    return {"type": "or", "conditions": list(conditions)}


def not_null_checks(columns: list[str]) -> list[dict]:
    return [
        expect(f"{c}_not_null", "expect_column_values_to_not_be_null", f"{c} is set on every row.", column=c)
        for c in columns
    ]


def unique_key(column: str) -> list[dict]:
    return [
        *not_null_checks([column]),
        expect(
            f"{column}_unique", "expect_column_values_to_be_unique", f"{column} is unique.", column=column
        ),
    ]


def checked(column: str, description: str) -> dict:
    """The suite's expectation on a checked column: every row is true."""
    return expect(column, "expect_column_values_to_be_in_set", description, column=column, value_set=[True])


def in_set(name: str, column: str, values: list[str], description: str, **kwargs) -> dict:
    return expect(
        name, "expect_column_values_to_be_in_set", description, column=column, value_set=values, **kwargs
    )


def episode_in_taxonomy(codebook: Codebook, description: str = "episode is a taxonomy episode id.") -> dict:
    return in_set("episode_in_taxonomy", "episode", sorted(codebook.episodes), description)


def suite(
    name: str,
    table_schema,
    checked_columns: list[str],
    expectations: list[dict],
    what: str,
    columns_from: str = "kzunrest.schema",
) -> dict:
    """A suite whose first expectation is the table's columns: `table_schema` is a pyarrow schema
    or a list of names, documented in `columns_from`."""
    names = table_schema if isinstance(table_schema, list) else table_schema.names
    head = expect(
        "columns_match_schema",
        "expect_table_columns_to_match_ordered_list",
        f"The table has the columns of {columns_from}, in order (then the checked columns).",
        column_list=[*names, *checked_columns],
    )
    names = [e["meta"]["name"] for e in [head, *expectations]]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"suite {name}: expectation names used twice: {duplicated}")
    return {
        "name": name,
        "meta": {"what": what, "checked_columns": checked_columns},
        "expectations": [head, *expectations],
    }


def span_checks() -> list[dict]:
    return [
        expect(
            "span_ordered",
            "expect_column_pair_values_a_to_be_greater_than_b",
            "char_start < char_end.",
            column_A="char_end",
            column_B="char_start",
            or_equal=False,
            ignore_row_if="either_value_is_missing",
        ),
        expect(
            "char_start_non_negative",
            "expect_column_values_to_be_between",
            "char_start >= 0.",
            column="char_start",
            min_value=0,
        ),
    ]


# ---------------------------------------------------------------- one suite per table


def documents_suite() -> dict:
    return suite(
        "documents",
        schema.DOCUMENTS,
        ["n_chars_matches_text", "doc_id_matches_text_hash"],
        [
            *unique_key("doc_id"),
            *unique_key("path"),
            *not_null_checks(["sha256", "n_chars", "text"]),
            expect(
                "doc_id_format",
                "expect_column_values_to_match_regex",
                "doc_id is 16 lowercase hex digits.",
                column="doc_id",
                regex="^[0-9a-f]{16}$",
            ),
            checked("n_chars_matches_text", "n_chars == len(text): character offsets count the stored text."),
            checked(
                "doc_id_matches_text_hash",
                "sha256 is the SHA-256 of text and doc_id its first 16 digits: the text quotes point into "
                "is the text that was hashed.",
            ),
            expect(
                "documents_present",
                "expect_table_row_count_to_be_between",
                "At least one document was ingested.",
                severity="warning",
                min_value=1,
            ),
        ],
        "One row per ingested article: the text every fact's span points into.",
    )


def sentences_suite(codebook: Codebook) -> dict:
    return suite(
        "sentences",
        schema.SENTENCES,
        ["doc_id_in_documents", "span_in_document", "text_matches_span"],
        [
            *unique_key("sentence_id"),
            *not_null_checks(["doc_id", "char_start", "char_end", "text", "episode_reason"]),
            checked("doc_id_in_documents", "Every doc_id is a document of this run."),
            *span_checks(),
            checked("span_in_document", "char_end <= the document's n_chars."),
            checked("text_matches_span", "text == documents.text[char_start:char_end]."),
            episode_in_taxonomy(codebook, "episode is a taxonomy episode id (or null: in neither episode)."),
        ],
        "One row per sentence, placed in an episode or in neither.",
    )


def fact_suite(table_id: str, table_name: str, codebook: Codebook) -> dict:
    categories = codebook.table_categories(table_id)
    episodes = sorted(codebook.episodes)
    expectations = [
        *unique_key("record_id"),
        *not_null_checks(
            ["episode", "category", "family", "doc_id", "sentence_id", "char_start", "char_end", "quote"]
        ),
        *not_null_checks(["rule_id"]),
        # contracts: every id comes from the codebook
        episode_in_taxonomy(codebook),
        in_set(
            "category_in_taxonomy",
            "category",
            sorted(c.id for c in categories),
            f"category is a taxonomy id of the {table_id} table.",
        ),
        in_set(
            "family_in_taxonomy",
            "family",
            sorted({c.family for c in categories}),
            f"family is a family of the {table_id} table.",
        ),
        # One per family rather than expect_column_pair_values_to_be_in_set, whose pandas
        # implementation loops over rows with iterrows (~9 minutes on a million rows).
        *[
            expect(
                f"family_matches_category_{family}",
                "expect_column_values_to_be_in_set",
                f"A row of family {family} has one of its categories.",
                column="category",
                value_set=sorted(c.id for c in categories if c.family == family),
                row_condition=equals("family", family),
            )
            for family in sorted({c.family for c in categories})
        ],
        in_set(
            "claimant_type_in_taxonomy",
            "claimant_type",
            list(codebook.claimant_types),
            "claimant_type is a taxonomy claimant type (or null).",
        ),
        in_set(
            "qualifier_in_taxonomy",
            "qualifier",
            list(codebook.qualifiers),
            "qualifier is a taxonomy qualifier.",
        ),
        in_set("unit_in_codebook", "unit", list(codebook.units), "unit is one of codebook/units.yaml."),
        # keys into the other tables
        checked("doc_id_in_documents", "Every doc_id is a document of this run."),
        checked("sentence_in_document", "sentence_id is a sentence of the row's document."),
        # evidence
        *span_checks(),
        checked("span_in_document", "char_end <= the document's n_chars."),
        checked("span_in_sentence", "The span lies inside the row's sentence."),
        checked("quote_matches_span", "quote == documents.text[char_start:char_end]."),
        # figures
        *[
            expect(
                f"{c}_non_negative",
                "expect_column_values_to_be_between",
                f"{c} >= 0.",
                column=c,
                min_value=0,
            )
            for c in ("value_low", "value_high")
        ],
        expect(
            "value_low_not_above_value_high",
            "expect_column_pair_values_a_to_be_greater_than_b",
            "value_low <= value_high when both are set.",
            column_A="value_high",
            column_B="value_low",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        expect(
            "exact_bounds_equal",
            "expect_column_pair_values_to_be_equal",
            "An exact figure has value_low == value_high, both set.",
            column_A="value_low",
            column_B="value_high",
            ignore_row_if="neither",
            row_condition=equals("qualifier", "exact"),
        ),
        expect(
            "lower_bound_has_low",
            "expect_column_values_to_not_be_null",
            "at_least / more_than figures set value_low.",
            column="value_low",
            row_condition=is_in("qualifier", LOWER_BOUND_QUALIFIERS),
        ),
        expect(
            "lower_bound_has_no_high",
            "expect_column_values_to_be_null",
            "at_least / more_than figures leave value_high null.",
            column="value_high",
            row_condition=is_in("qualifier", LOWER_BOUND_QUALIFIERS),
        ),
        expect(
            "upper_bound_has_high",
            "expect_column_values_to_not_be_null",
            "up_to figures set value_high.",
            column="value_high",
            row_condition=is_in("qualifier", UPPER_BOUND_QUALIFIERS),
        ),
        expect(
            "upper_bound_has_no_low",
            "expect_column_values_to_be_null",
            "up_to figures leave value_low null.",
            column="value_low",
            row_condition=is_in("qualifier", UPPER_BOUND_QUALIFIERS),
        ),
        *[
            expect(
                f"figure_has_{c}",
                "expect_column_values_to_not_be_null",
                f"A row with a figure has a {c}.",
                column=c,
                row_condition=any_of(not_null("value_low"), not_null("value_high")),
            )
            for c in ("qualifier", "unit", "claimant_type")
        ],
        # dates
        *[
            expect(
                f"event_date_in_window_{episode.id}",
                "expect_column_values_to_be_between",
                f"event_date of a {episode.id} row lies in its window "
                f"{episode.window[0].isoformat()}..{episode.window[1].isoformat()}.",
                column="event_date",  # validated as datetime64[ns]: GX compares it vectorised
                min_value=f"{episode.window[0].isoformat()}T00:00:00",
                max_value=f"{episode.window[1].isoformat()}T00:00:00",
                row_condition=equals("episode", episode.id),
            )
            for episode in sorted(codebook.episodes.values(), key=lambda e: e.id)
        ],
    ]
    if table_id == "outcome":
        counts = sorted(PEOPLE_CEILINGS)
        expectations += [
            in_set(
                "people_counts_in_people",
                "unit",
                ["people"],
                f"{', '.join(counts)} figures count people (a warning: a share such as '85 percent of "
                "the wounded' is a claim worth keeping, but not a count).",
                severity="warning",
                row_condition=is_in("category", counts),
            ),
            *[
                expect(
                    f"{category}_{c}_below_ceiling",
                    "expect_column_values_to_be_between",
                    f"A {category} figure is at most {ceiling:,} (larger is a parsing error).",
                    column=c,
                    max_value=ceiling,
                    row_condition=equals("category", category),
                )
                for category, ceiling in sorted(PEOPLE_CEILINGS.items())
                for c in ("value_low", "value_high")
            ],
        ]
    expectations.append(
        expect(
            "both_episodes_present",
            "expect_column_distinct_values_to_contain_set",
            "Both episodes have rows (a warning: a table may legitimately lack one).",
            severity="warning",
            column="episode",
            value_set=episodes,
        )
    )
    return suite(
        table_name,
        schema.FACTS,
        [
            "doc_id_in_documents",
            "sentence_in_document",
            "span_in_document",
            "span_in_sentence",
            "quote_matches_span",
        ],
        expectations,
        f"{table_name}: one row per coded {table_id}, with its evidence and figure.",
    )


def rejections_suite() -> dict:
    return suite(
        "rejections",
        schema.REJECTIONS,
        [],
        [*unique_key("path"), *not_null_checks(["reason"])],
        "One row per input file that could not be ingested, with the reason.",
    )


# ---------------------------------------------------------------- comparison tables
#
# Their columns come from the header of their SQL file (compare.Comparison.columns): the header is
# what the SQL's author writes and a user reads, it is there without a run, and tests/test_compare.py
# holds each written Parquet file to it. Few expectations per table: GX costs ~60 ms each.


def at_least(name: str, column: str, minimum: int, description: str) -> dict:
    return expect(name, "expect_column_values_to_be_between", description, column=column, min_value=minimum)


def not_above(column: str, ceiling: str, description: str) -> dict:
    """`column` <= `ceiling` on every row where both are set."""
    return expect(
        f"{column}_not_above_{ceiling}",
        "expect_column_pair_values_a_to_be_greater_than_b",
        description,
        column_A=ceiling,
        column_B=column,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )


def one_row_per(name: str, columns: list[str], n_rows: int, description: str) -> list[dict]:
    """`columns` unique together and exactly `n_rows` rows: with each column's value set checked,
    every combination of the codebook's values appears once."""
    unique = (
        expect(f"{name}_unique", "expect_column_values_to_be_unique", f"{name} is unique.", column=columns[0])
        if len(columns) == 1
        else expect(
            f"{name}_unique",
            "expect_compound_columns_to_be_unique",
            f"No two rows share {', '.join(columns)}.",
            column_list=columns,
        )
    )
    return [
        unique,
        expect(f"one_row_per_{name}", "expect_table_row_count_to_equal", description, value=n_rows),
    ]


def family_and_category(codebook: Codebook, table_ids: list[str], category_column: str) -> dict:
    pairs = sorted((c.family, c.id) for t in table_ids for c in codebook.table_categories(t))
    return expect(
        f"family_and_{category_column}_in_taxonomy",
        "expect_column_pair_values_to_be_in_set",
        f"(family, {category_column}) is a category of the codebook with its family "
        f"({', '.join(schema.FACT_TABLES[t] for t in table_ids)}); neither is null.",
        column_A="family",
        column_B=category_column,
        value_pairs_set=[list(p) for p in pairs],
        ignore_row_if="neither",
    )


def compare_suite(comparison: compare.Comparison, expectations: list[dict], what: str) -> dict:
    return suite(
        comparison.output,
        comparison.columns,
        [],
        expectations,
        what,
        columns_from=f"the header of sql/compare/{comparison.path.name}",
    )


def compare_categories_suite(comparison: compare.Comparison, table_id: str, codebook: Codebook) -> dict:
    """compare_triggers, compare_demands, ...: one row per codebook category × episode."""
    episodes = sorted(codebook.episodes)
    n_categories = len(codebook.table_categories(table_id))
    return compare_suite(
        comparison,
        [
            *not_null_checks(["episode"]),
            family_and_category(codebook, [table_id], "category"),
            episode_in_taxonomy(codebook),
            *one_row_per(
                "category_and_episode",
                ["category", "episode"],
                n_categories * len(episodes),
                f"{n_categories} categories × {len(episodes)} episodes: every category of the codebook "
                "appears once per episode, found or not.",
            ),
            at_least("n_outlets_non_negative", "n_outlets", 0, "n_outlets >= 0."),
            not_above("n_outlets", "n_documents", "A document has at most one outlet."),
            not_above("n_documents", "n_rows", "Each supporting document gives at least one row."),
        ],
        f"{comparison.output}: one row per {table_id} category of the codebook × episode.",
    )


def compare_figures_suite(comparison: compare.Comparison, codebook: Codebook) -> dict:
    return compare_suite(
        comparison,
        [
            *unique_key("record_id"),
            *not_null_checks(["fact_table", "measure", "episode"]),
            in_set(
                "fact_table_is_a_fact_table",
                "fact_table",
                list(schema.FACT_TABLES.values()),
                "fact_table names one of the four fact tables.",
            ),
            *[
                in_set(
                    f"measure_in_taxonomy_{name}",
                    "measure",
                    sorted(c.id for c in codebook.table_categories(table_id)),
                    f"A claim in {name} measures a {table_id} category of the taxonomy.",
                    row_condition=equals("fact_table", name),
                )
                for table_id, name in schema.FACT_TABLES.items()
            ],
            episode_in_taxonomy(codebook),
            in_set("unit_in_codebook", "unit", list(codebook.units), "unit is one of codebook/units.yaml."),
            in_set(
                "qualifier_in_taxonomy",
                "qualifier",
                list(codebook.qualifiers),
                "qualifier is a taxonomy qualifier.",
            ),
            in_set(
                "claimant_type_in_taxonomy",
                "claimant_type",
                list(codebook.claimant_types),
                "claimant_type is a taxonomy claimant type (or null).",
            ),
            at_least("n_official_claims_non_negative", "n_official_claims", 0, "n_official_claims >= 0."),
            not_above("n_official_claims", "n_claims", "Official claims are some of the measure's claims."),
            not_above("lowest_claimed", "highest_claimed", "lowest_claimed <= highest_claimed."),
            at_least(
                "ratio_highest_to_official_at_least_1",
                "ratio_highest_to_official",
                1,
                "highest_claimed / official_highest >= 1 when set: the highest over all claims "
                "includes the official ones.",
            ),
        ],
        "compare_figures: one row per fact row carrying a figure, beside its measure's spread of claims.",
    )


def compare_escalation_suite(comparison: compare.Comparison, codebook: Codebook) -> dict:
    return compare_suite(
        comparison,
        [
            *not_null_checks(["episode", "appearance_rank"]),
            episode_in_taxonomy(codebook),
            family_and_category(codebook, ["demand"], "first_category"),
            expect(
                "family_once_per_episode",
                "expect_compound_columns_to_be_unique",
                "A family appears once in an episode's sequence.",
                column_list=["episode", "family"],
            ),
            expect(
                "rank_once_per_episode",
                "expect_compound_columns_to_be_unique",
                "No two families of an episode share a rank.",
                column_list=["episode", "appearance_rank"],
            ),
            at_least("appearance_rank_from_1", "appearance_rank", 1, "appearance_rank counts from 1."),
            at_least("n_documents_positive", "n_documents", 1, "A family in the sequence is attested."),
            not_above("n_documents", "n_rows", "Each supporting document gives at least one row."),
        ],
        "compare_escalation: one row per demand family found in an episode, in order of appearance.",
    )


def compare_episode_overview_suite(comparison: compare.Comparison, codebook: Codebook) -> dict:
    episodes = sorted(codebook.episodes)
    counts = ["n_triggers", "n_demands", "n_state_responses", "n_outcomes", "n_outlets"]
    return compare_suite(
        comparison,
        [
            *not_null_checks(["episode"]),
            episode_in_taxonomy(codebook),
            *one_row_per("episode", ["episode"], len(episodes), "One row per episode of the codebook."),
            *[at_least(f"{c}_non_negative", c, 0, f"{c} >= 0.") for c in counts],
            not_above("n_outlets", "n_documents", "A document has at most one outlet."),
            not_above("n_documents", "n_sentences", "A counted document has a sentence in the episode."),
        ],
        "compare_episode_overview: one row per episode of the codebook, with what the corpus holds on it.",
    )


def compare_shared_and_distinct_suite(comparison: compare.Comparison, codebook: Codebook) -> dict:
    table_ids = list(schema.FACT_TABLES)
    table_and_category = sorted(
        (schema.FACT_TABLES[t], c.id) for t in table_ids for c in codebook.table_categories(t)
    )
    return compare_suite(
        comparison,
        [
            *not_null_checks(["presence"]),
            expect(
                "fact_table_and_category_in_taxonomy",
                "expect_column_pair_values_to_be_in_set",
                "(fact_table, category) is a category of the codebook in its table; neither is null.",
                column_A="fact_table",
                column_B="category",
                value_pairs_set=[list(p) for p in table_and_category],
                ignore_row_if="neither",
            ),
            family_and_category(codebook, table_ids, "category"),
            *one_row_per(
                "fact_table_and_category",
                ["fact_table", "category"],
                len(table_and_category),
                "Every category of the codebook appears once, found or not.",
            ),
            in_set(
                "presence_in_set",
                "presence",
                ["both", "only_2011", "only_2022", "neither"],
                "presence is both, only_2011, only_2022 or neither.",
            ),
            *[
                at_least(
                    f"n_documents_{year}_non_negative", f"n_documents_{year}", 0, f"n_documents_{year} >= 0."
                )
                for year in ("2011", "2022")
            ],
            *[
                not_above(f"n_documents_{year}", f"n_rows_{year}", "Each supporting document gives a row.")
                for year in ("2011", "2022")
            ],
        ],
        "compare_shared_and_distinct: one row per category of the codebook, with the episodes it is in.",
    )


def comparison_suites(codebook: Codebook, sql_dir: Path = compare.SQL_DIR) -> list[dict]:
    """A suite per comparison SQL file; a file this module has no builder for raises, so a new
    comparison cannot ship without its suite."""
    category_tables = {f"compare_{name}": t for t, name in schema.FACT_TABLES.items()}
    builders = {
        "compare_figures": compare_figures_suite,
        "compare_escalation": compare_escalation_suite,
        "compare_episode_overview": compare_episode_overview_suite,
        "compare_shared_and_distinct": compare_shared_and_distinct_suite,
    }
    built = []
    for comparison in compare.load(sql_dir):
        if comparison.output in category_tables:
            built.append(compare_categories_suite(comparison, category_tables[comparison.output], codebook))
        elif comparison.output in builders:
            built.append(builders[comparison.output](comparison, codebook))
        else:
            raise ValueError(
                f"{comparison.path}: no suite builder for {comparison.output} in kzunrest.suites"
            )
    return built


def build(codebook: Codebook) -> dict[str, dict]:
    """Every generated suite by name (= table name)."""
    suites = [documents_suite(), sentences_suite(codebook), rejections_suite()]
    suites += [fact_suite(t, name, codebook) for t, name in schema.FACT_TABLES.items()]
    suites += comparison_suites(codebook)
    return {s["name"]: s for s in sorted(suites, key=lambda s: s["name"])}


def dumps(suite_json: dict) -> str:
    return json.dumps(suite_json, indent=2, ensure_ascii=False) + "\n"


def write(directory: Path = SUITES_DIR, codebook: Codebook | None = None) -> list[Path]:
    """Write the generated suites; a suite written by hand (not in `build`) is left alone."""
    codebook = codebook or codebook_module.load()
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite_json in build(codebook).items():
        path = directory / f"{name}.json"
        path.write_text(dumps(suite_json), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else SUITES_DIR):
        print(path)
