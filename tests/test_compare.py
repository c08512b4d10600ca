"""The comparison step: each named SQL file over a small hand-built run, then the seed facts.

The fixture is written through kzunrest.schema like a real run; its expected comparisons were
worked out by hand from the sentences below. The seed tests read the pipeline's real output and
check facts verified by reading seeds/*.txt.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from kzunrest import compare, schema, warehouse

E2011, E2022 = "zhanaozen-2011", "january-2022"

# doc_id -> (outlet, published, [(sentence, episode the sentence is placed in)])
DOCUMENTS = {
    "d1": (
        "IWPR",
        date(2011, 12, 22),
        [
            ("Oil workers in Zhanaozen went on strike in May 2011 to demand higher wages.", E2011),
            (
                "Officials say 14 people were killed when police opened fire in Janaozen on December 16.",
                E2011,
            ),
            ("Strikers demand that those behind the shootings be punished.", E2011),
            ("Another man died in Shetpe.", E2011),
        ],
    ),
    "d2": (
        "Blog",
        date(2022, 1, 9),
        [
            (
                "Protests began in Zhanaozen as the price of liquefied petroleum gas doubled to 120 tenge.",
                E2022,
            ),
            ("Protesters demanded gas for 50 tenge.", E2022),
            ("They then demanded the resignation of the government.", E2022),
            ("Security forces opened fire on demonstrators in Almaty.", E2022),
            ("The ministry said more than 4400 people had been arrested.", E2022),
            ("Media reports said dozens died.", E2022),
            ("In 2011 oil workers also demanded the right to form independent unions.", E2011),
        ],
    ),
    "d3": (
        "IWPR",
        date(2012, 12, 12),
        [
            ("State officials admit that 16 were killed in Zhanaozen.", E2011),
            ("Some estimates go as high as 70.", E2011),
            ("Campaigners say hundreds died.", E2011),
            ("Workers went on strike over pay in Aktau.", E2011),
            ("Kozlov was sentenced to 7.5 years.", E2011),
            ("Five strikers were convicted.", E2011),
            ("The prosecutor first admitted 10 deaths.", E2011),
        ],
    ),
    "d4": (
        None,
        None,
        [
            ("Residents of Zhanaozen marched in solidarity in 2022.", E2022),
            ("In 2011 workers marched in solidarity.", E2011),
            ("Internet access was cut across the country.", E2022),
            ("Kazakhstan's capital Astana is far away.", None),
        ],
    ),
}

# (table, doc_id, quote, category, episode, extra fields)
FACTS = [
    (
        "triggers",
        "d1",
        "went on strike in May 2011",
        "wage_dispute",
        E2011,
        {"event_date": date(2011, 5, 17)},
    ),
    ("demands", "d1", "to demand higher wages", "higher_wages", E2011, {"event_date": date(2011, 5, 17)}),
    (
        "outcomes",
        "d1",
        "Officials say 14 people were killed",
        "killed",
        E2011,
        {
            "value_low": 14,
            "value_high": 14,
            "qualifier": "exact",
            "claimant": "Officials",
            "claimant_type": "official",
            "event_date": date(2011, 12, 16),
        },
    ),
    (
        "state_responses",
        "d1",
        "police opened fire in Janaozen",
        "lethal_force",
        E2011,
        {"event_date": date(2011, 12, 16)},
    ),
    ("demands", "d1", "those behind the shootings be punished", "accountability", E2011, {}),
    (
        "outcomes",
        "d1",
        "Another man died",
        "killed",
        E2011,
        {"value_low": 1, "value_high": 1, "qualifier": "exact"},
    ),
    (
        "triggers",
        "d2",
        "the price of liquefied petroleum gas doubled to 120 tenge",
        "price_increase",
        E2022,
        {
            "value_low": 120,
            "value_high": 120,
            "unit": "tenge_per_litre",
            "qualifier": "exact",
            "event_date": date(2022, 1, 2),
        },
    ),
    (
        "demands",
        "d2",
        "gas for 50 tenge",
        "price_rollback",
        E2022,
        {
            "value_low": 50,
            "value_high": 50,
            "unit": "tenge_per_litre",
            "qualifier": "exact",
            "event_date": date(2022, 1, 4),
        },
    ),
    (
        "demands",
        "d2",
        "the resignation of the government",
        "government_resignation",
        E2022,
        {"event_date": date(2022, 1, 5)},
    ),
    ("state_responses", "d2", "Security forces opened fire", "lethal_force", E2022, {}),
    (
        "outcomes",
        "d2",
        "more than 4400 people had been arrested",
        "detained",
        E2022,
        {
            "value_low": 4400,
            "value_high": None,
            "qualifier": "more_than",
            "claimant": "The ministry",
            "claimant_type": "official",
        },
    ),
    (
        "outcomes",
        "d2",
        "dozens died",
        "killed",
        E2022,
        {
            "value_low": 24,
            "value_high": 99,
            "qualifier": "vague",
            "claimant": "Media reports",
            "claimant_type": "media",
        },
    ),
    ("demands", "d2", "the right to form independent unions", "independent_unions", E2011, {}),
    (
        "outcomes",
        "d3",
        "16 were killed",
        "killed",
        E2011,
        {
            "value_low": 16,
            "value_high": 16,
            "qualifier": "exact",
            "claimant": "State officials",
            "claimant_type": "official",
        },
    ),
    (
        "outcomes",
        "d3",
        "as high as 70",
        "killed",
        E2011,
        {
            "value_low": None,
            "value_high": 70,
            "qualifier": "up_to",
            "claimant": "Some estimates",
            "claimant_type": "other",
        },
    ),
    (
        "outcomes",
        "d3",
        "hundreds died",
        "killed",
        E2011,
        {
            "value_low": 200,
            "value_high": 999,
            "qualifier": "vague",
            "claimant": "Campaigners",
            "claimant_type": "activist",
        },
    ),
    ("triggers", "d3", "went on strike over pay", "wage_dispute", E2011, {}),
    (
        "outcomes",
        "d3",
        "sentenced to 7.5 years",
        "convicted",
        E2011,
        {"value_low": 7.5, "value_high": 7.5, "unit": "years", "qualifier": "exact"},
    ),
    (
        "outcomes",
        "d3",
        "Five strikers were convicted",
        "convicted",
        E2011,
        {"value_low": 5, "value_high": 5, "qualifier": "exact"},
    ),
    (
        "outcomes",
        "d3",
        "admitted 10 deaths",
        "killed",
        E2011,
        {
            "value_low": 10,
            "value_high": 10,
            "qualifier": "exact",
            "claimant": "The prosecutor",
            "claimant_type": "official",
        },
    ),
    ("triggers", "d4", "marched in solidarity in 2022", "solidarity", E2022, {}),
    ("triggers", "d4", "workers marched in solidarity", "solidarity", E2011, {}),
    ("state_responses", "d4", "Internet access was cut", "internet_shutdown", E2022, {}),
]


def write_fixture_run(folder: Path, codebook, facts=FACTS) -> Path:
    """Documents, sentences and the four fact tables of the fixture, as a run writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    documents, sentences, texts, sentence_of = [], [], {}, {}
    for doc_id, (outlet, published, lines) in DOCUMENTS.items():
        text, start = "", 0
        for i, (line, episode) in enumerate(lines):
            start = len(text)
            text += line + " "
            sentence_id = f"{doc_id}:{i}"
            sentences.append(
                {
                    "doc_id": doc_id,
                    "sentence_id": sentence_id,
                    "char_start": start,
                    "char_end": start + len(line),
                    "text": line,
                    "episode": episode,
                    "episode_reason": "fixture",
                }
            )
            sentence_of[(doc_id, line)] = sentence_id
        texts[doc_id] = text
        documents.append(
            {
                "doc_id": doc_id,
                "path": f"{doc_id}.txt",
                "title": doc_id,
                "outlet": outlet,
                "published": published,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "n_chars": len(text),
                "text": text,
            }
        )
    schema.write_table(schema.to_table(documents, schema.DOCUMENTS), folder / "documents.parquet")
    schema.write_table(schema.to_table(sentences, schema.SENTENCES), folder / "sentences.parquet")
    schema.write_table(schema.to_table([], schema.REJECTIONS), folder / "rejections.parquet")
    families = {(schema.FACT_TABLES[c.table], c.id): c.family for c in codebook.categories.values()}
    rows: dict[str, list[dict]] = {name: [] for name in schema.FACT_TABLES.values()}
    for n, (table, doc_id, quote, category, episode, extra) in enumerate(facts):
        start = texts[doc_id].index(quote)
        line = next(s["text"] for s in sentences if s["doc_id"] == doc_id and quote in s["text"])
        row = {
            "record_id": f"r{n:03d}",
            "episode": episode,
            "category": category,
            "family": families[(table, category)],
            "doc_id": doc_id,
            "sentence_id": sentence_of[(doc_id, line)],
            "char_start": start,
            "char_end": start + len(quote),
            "quote": quote,
            "claimant_type": "unattributed",
            "rule_id": "fixture",
        }
        if "value_low" in extra or "value_high" in extra:
            row["unit"] = "people"
        row.update(extra)
        rows[table].append(row)
    for table, table_rows in rows.items():
        schema.write_table(schema.to_table(table_rows, schema.FACTS), folder / f"{table}.parquet")
    return folder


def compare_run(folder: Path, codebook) -> list[str]:
    """The compare step as the flow runs it: the warehouse, then the comparisons."""
    warehouse.build(folder)
    return compare.run(folder, codebook)


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory, codebook) -> Path:
    folder = write_fixture_run(tmp_path_factory.mktemp("fixture") / "staging", codebook)
    compare_run(folder, codebook)
    return folder


def read(folder: Path, output: str) -> list[dict]:
    return pq.read_table(folder / f"{output}.parquet").to_pylist()


def by(rows: list[dict], *keys: str) -> dict:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


# ---------------------------------------------------------------- the outputs and the warehouse


def test_every_sql_file_gives_a_parquet_file_and_a_view_with_its_documented_columns(fixture_run):
    comparisons = compare.load()
    assert {c.name for c in comparisons} == {
        "episode_overview",
        "compare_triggers",
        "compare_demands",
        "compare_state_responses",
        "compare_outcomes",
        "compare_figures",
        "escalation",
        "shared_and_distinct",
    }
    with duckdb.connect(str(fixture_run / warehouse.WAREHOUSE), read_only=True) as con:
        views = dict(
            con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
        )
        for c in comparisons:
            parquet_columns = pq.read_schema(fixture_run / f"{c.output}.parquet").names
            assert c.columns == parquet_columns, f"{c.path.name}: header documents other columns"
            assert c.name in views and views[c.name].startswith(f"{c.name}:"), (
                "the header is the view's comment"
            )
            view_rows = con.execute(f'SELECT * FROM "{c.name}"').fetchall()
            assert len(view_rows) == pq.read_metadata(fixture_run / f"{c.output}.parquet").num_rows


def test_output_names_put_compare_once():
    by_name = {c.name: c.output for c in compare.load()}
    assert by_name["compare_triggers"] == "compare_triggers"
    assert by_name["episode_overview"] == "compare_episode_overview"
    assert by_name["escalation"] == "compare_escalation"


def test_same_run_gives_byte_identical_parquet(tmp_path, codebook):
    digests = []
    for attempt in ("a", "b"):
        folder = write_fixture_run(tmp_path / attempt, codebook)
        outputs = compare_run(folder, codebook)
        digests.append(
            {o: hashlib.sha256((folder / f"{o}.parquet").read_bytes()).hexdigest() for o in outputs}
        )
    assert digests[0] == digests[1]


def test_views_still_work_after_the_run_folder_is_moved(tmp_path, fixture_run):
    moved = tmp_path / "datasets"
    shutil.copytree(fixture_run, moved)
    with duckdb.connect(str(moved / warehouse.WAREHOUSE), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM compare_figures").fetchone()[0] == 12


def test_a_warehouse_rebuilt_from_a_finished_run_gets_views_again(tmp_path, codebook):
    """warehouse.build loads compare_*.parquet of a finished run as tables; compare makes them views."""
    folder = write_fixture_run(tmp_path / "run", codebook)
    compare_run(folder, codebook)
    (folder / warehouse.WAREHOUSE).unlink()
    compare_run(folder, codebook)
    with duckdb.connect(str(folder / warehouse.WAREHOUSE), read_only=True) as con:
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    assert kinds["compare_triggers"] == "VIEW" and kinds["episode_overview"] == "VIEW"
    assert "compare_episode_overview" not in kinds, "no stale copy beside the view"


def test_comparing_twice_gives_the_same_files(tmp_path, codebook):
    folder = write_fixture_run(tmp_path / "run", codebook)
    outputs = compare_run(folder, codebook)
    first = {o: (folder / f"{o}.parquet").read_bytes() for o in outputs}
    compare.run(folder, codebook)
    assert {o: (folder / f"{o}.parquet").read_bytes() for o in outputs} == first


def test_a_place_spelling_of_two_words_is_refused_naming_the_file(tmp_path, codebook):
    import dataclasses

    book = tmp_path / "codebook"
    shutil.copytree(codebook.directory, book)
    (book / compare.PLACES_FILE).write_text("places:\n  Almaty: [Almaty, Alma Ata]\n")
    with pytest.raises(ValueError, match=r"places\.yaml: Almaty: .*Alma Ata"):
        compare.codebook_tables(dataclasses.replace(codebook, directory=book))


def test_empty_fact_tables_give_every_category_absent(tmp_path, codebook):
    folder = write_fixture_run(tmp_path / "empty", codebook, facts=[])
    compare_run(folder, codebook)
    triggers = read(folder, "compare_triggers")
    assert len(triggers) == 2 * len(codebook.table_categories("trigger"))
    assert not any(r["present"] or r["family_present"] for r in triggers)
    assert read(folder, "compare_figures") == []
    assert {r["presence"] for r in read(folder, "compare_shared_and_distinct")} == {"neither"}


# ---------------------------------------------------------------- each comparison on the fixture


def test_episode_overview(fixture_run):
    rows = by(read(fixture_run, "compare_episode_overview"), "episode")
    assert list(rows) == [E2011, E2022], "episodes in time order"
    old, new = rows[E2011], rows[E2022]
    assert (old["first_event_date"], old["last_event_date"]) == (date(2011, 5, 17), date(2011, 12, 16))
    assert (new["first_event_date"], new["last_event_date"]) == (date(2022, 1, 2), date(2022, 1, 5))
    assert old["places_named"] == ["Aktau", "Shetpe", "Zhanaozen"]  # Janaozen is Zhanaozen
    assert new["places_named"] == ["Almaty", "Zhanaozen"]  # Astana's sentence is in neither episode
    assert (old["n_documents"], old["n_sentences"]) == (4, 13)
    assert (new["n_documents"], new["n_sentences"]) == (2, 8)
    assert (old["n_triggers"], old["n_demands"], old["n_state_responses"], old["n_outcomes"]) == (3, 3, 1, 8)
    assert (new["n_triggers"], new["n_demands"], new["n_state_responses"], new["n_outcomes"]) == (2, 2, 2, 2)
    assert old["outlets"] == ["Blog", "IWPR"] and old["n_outlets"] == 2
    assert new["outlets"] == ["Blog"]


def test_compare_triggers_presence_support_and_quote(fixture_run):
    rows = by(read(fixture_run, "compare_triggers"), "category", "episode")
    wage = rows[("wage_dispute", E2011)]
    assert wage["present"] and wage["n_rows"] == 2 and wage["n_documents"] == 2
    assert wage["n_outlets"] == 1  # d1 and d3 are both IWPR
    assert wage["first_event_date"] == date(2011, 5, 17) and wage["first_published"] == date(2011, 12, 22)
    assert wage["quote"] == "went on strike in May 2011"  # the dated row is the representative
    assert not rows[("wage_dispute", E2022)]["present"]
    assert rows[("wage_dispute", E2022)]["quote"] is None
    price = rows[("price_increase", E2022)]
    assert price["present"] and "liquefied petroleum gas" in price["quote"]
    assert not rows[("price_increase", E2011)]["present"]
    solidarity = rows[("solidarity", E2022)]
    assert solidarity["n_outlets"] == 0 and solidarity["first_published"] is None  # d4 has neither


def test_the_four_category_comparisons_share_columns(fixture_run):
    names = ("compare_triggers", "compare_demands", "compare_state_responses", "compare_outcomes")
    schemas = {pq.read_schema(fixture_run / f"{name}.parquet") for name in names}
    assert len(schemas) == 1


def test_compare_outcomes(fixture_run):
    rows = by(read(fixture_run, "compare_outcomes"), "category", "episode")
    killed_2011, killed_2022 = rows[("killed", E2011)], rows[("killed", E2022)]
    assert (killed_2011["n_rows"], killed_2011["n_documents"], killed_2011["n_outlets"]) == (6, 2, 1)
    assert killed_2011["quote"] == "Officials say 14 people were killed"  # the only dated one
    assert killed_2022["present"] and killed_2022["family"] == "human_cost"
    assert rows[("convicted", E2011)]["present"] and not rows[("convicted", E2022)]["present"]
    assert rows[("convicted", E2011)]["family_categories_present"] == 1  # justice: convicted only


def test_representative_quotes_point_at_the_document_text(fixture_run):
    texts = {r["doc_id"]: r["text"] for r in read(fixture_run, "documents")}
    for output in ("compare_triggers", "compare_demands", "compare_state_responses", "compare_outcomes"):
        quoted = [r for r in read(fixture_run, output) if r["present"]]
        assert quoted
        for r in quoted:
            assert texts[r["quote_doc_id"]][r["quote_char_start"] : r["quote_char_end"]] == r["quote"]


def test_family_roll_up(fixture_run, codebook):
    demands = by(read(fixture_run, "compare_demands"), "category", "episode")
    labour_2011 = demands[("higher_wages", E2011)]
    n_labour = sum(1 for c in codebook.table_categories("demand") if c.family == "labour")
    assert labour_2011["family_present"]
    assert labour_2011["family_categories_present"] == 2  # higher_wages, independent_unions
    assert labour_2011["family_categories"] == n_labour
    assert (labour_2011["family_n_rows"], labour_2011["family_n_documents"]) == (2, 2)
    assert demands[("reinstatement", E2011)]["family_present"], (
        "the roll-up stands on every row of the family"
    )
    assert not demands[("higher_wages", E2022)]["family_present"]
    political_2022 = demands[("leader_exit", E2022)]
    assert political_2022["family_present"] and not political_2022["present"]
    responses = by(read(fixture_run, "compare_state_responses"), "category", "episode")
    assert responses[("internet_shutdown", E2022)]["family"] == "information"
    assert responses[("lethal_force", E2011)]["family_n_rows"] == 1


def test_compare_figures_keeps_every_claim(fixture_run):
    rows = read(fixture_run, "compare_figures")
    assert len(rows) == 12  # every fact row with a figure, none merged
    killed_2011 = [r for r in rows if (r["measure"], r["unit"], r["episode"]) == ("killed", "people", E2011)]
    assert [r["figure"] for r in killed_2011] == ["1", "10", "14", "16", "up to 70", "200-999 (vague)"]
    first = killed_2011[0]
    assert first["n_claims"] == 6 and first["n_official_claims"] == 3
    assert (first["lowest_claimed"], first["highest_claimed"]) == (1, 70)  # "hundreds" is no stated number
    assert (first["official_lowest"], first["official_highest"]) == (10, 16)
    assert (first["non_official_lowest"], first["non_official_highest"]) == (1, 70)
    assert (first["vague_low"], first["vague_high"]) == (200, 999)
    assert first["ratio_highest_to_official"] == pytest.approx(70 / 16)
    assert [r["figure"] for r in killed_2011 if r["is_highest"]] == ["up to 70"]
    assert [r["figure"] for r in killed_2011 if r["is_lowest"]] == ["1"]
    assert [r["claimant"] for r in killed_2011 if r["is_official"]] == [
        "The prosecutor",
        "Officials",
        "State officials",
    ]


def test_compare_figures_measures_are_per_unit_and_episode(fixture_run):
    rows = read(fixture_run, "compare_figures")
    convicted = {r["unit"]: r for r in rows if r["measure"] == "convicted"}
    assert convicted["years"]["figure"] == "7.5" and convicted["years"]["highest_claimed"] == 7.5
    assert convicted["people"]["highest_claimed"] == 5
    killed_2022 = [r for r in rows if r["measure"] == "killed" and r["episode"] == E2022]
    assert len(killed_2022) == 1 and killed_2022[0]["highest_claimed"] is None
    assert killed_2022[0]["ratio_highest_to_official"] is None
    detained = next(r for r in rows if r["measure"] == "detained")
    assert (detained["figure"], detained["official_highest"], detained["ratio_highest_to_official"]) == (
        "more than 4400",
        4400,
        1.0,
    )
    prices = {r["measure"]: r for r in rows if r["unit"] == "tenge_per_litre"}
    assert (prices["price_increase"]["fact_table"], prices["price_rollback"]["fact_table"]) == (
        "triggers",
        "demands",
    )


def test_escalation_orders_demand_families(fixture_run):
    rows = read(fixture_run, "compare_escalation")
    new = [r for r in rows if r["episode"] == E2022]
    assert [(r["appearance_rank"], r["family"], r["previous_family"]) for r in new] == [
        (1, "economic", None),
        (2, "political", "economic"),
    ]
    assert new[1]["days_after_first_demand"] == 1 and new[1]["days_after_previous"] == 1
    assert new[1]["first_category"] == "government_resignation"
    old = [r for r in rows if r["episode"] == E2011]
    assert [r["family"] for r in old] == ["labour", "justice"]
    labour, justice = old
    assert labour["first_attested"] == date(2011, 5, 17) and labour["categories"] == [
        "higher_wages",
        "independent_unions",
    ]
    assert justice["first_attested"] == date(2011, 12, 22)  # undated: attested by d1's publication
    assert justice["first_event_date"] is None
    assert justice["days_after_first_demand"] == (date(2011, 12, 22) - date(2011, 5, 17)).days


def test_shared_and_distinct(fixture_run, codebook):
    rows = by(read(fixture_run, "compare_shared_and_distinct"), "fact_table", "category")
    assert len(rows) == len(codebook.categories)
    assert rows[("state_responses", "lethal_force")]["presence"] == "both"
    assert rows[("triggers", "solidarity")]["presence"] == "both"
    assert rows[("triggers", "price_increase")]["presence"] == "only_2022"
    assert rows[("demands", "independent_unions")]["presence"] == "only_2011"
    assert rows[("outcomes", "detained")]["presence"] == "only_2022"
    assert rows[("state_responses", "torture")]["presence"] == "neither"
    killed = rows[("outcomes", "killed")]
    assert (
        killed["n_rows_2011"],
        killed["n_rows_2022"],
        killed["n_documents_2011"],
        killed["n_documents_2022"],
    ) == (6, 1, 2, 1)


def test_a_broken_sql_file_is_named_in_the_error(tmp_path, codebook):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    (sql_dir / "broken.sql").write_text("-- broken: a typo\nSELECT * FROM no_such_table\n")
    folder = write_fixture_run(tmp_path / "run", codebook)
    warehouse.build(folder)
    with pytest.raises(RuntimeError, match="broken.sql"):
        compare.run(folder, codebook, sql_dir=sql_dir)


# ---------------------------------------------------------------- the seeds (facts read off the articles)


@pytest.fixture(scope="module")
def seeds_out(seeds_run) -> Path:
    return seeds_run[0]


def test_seeds_lethal_force_in_both_episodes(seeds_out):
    # 000/004: police opened fire on demonstrators in Janaozen (2011); 003: "Security forces opened
    # fire on demonstrators." (January 2022).
    rows = by(read(seeds_out, "compare_shared_and_distinct"), "fact_table", "category")
    assert rows[("state_responses", "lethal_force")]["presence"] == "both"
    responses = by(read(seeds_out, "compare_state_responses"), "category", "episode")
    assert responses[("lethal_force", E2011)]["present"] and responses[("lethal_force", E2022)]["present"]


def test_seeds_lpg_price_increase_is_a_2022_trigger_only(seeds_out):
    # 003: "They were sparked by a doubling of the price of liquefied petroleum gas ... to 120 tenge".
    rows = by(read(seeds_out, "compare_shared_and_distinct"), "fact_table", "category")
    assert rows[("triggers", "price_increase")]["presence"] == "only_2022"
    sentences = {r["sentence_id"]: r["text"] for r in read(seeds_out, "sentences")}
    assert any(
        r["category"] == "price_increase"
        and r["episode"] == E2022
        and "liquefied petroleum gas" in sentences[r["sentence_id"]]
        for r in read(seeds_out, "triggers")
    ), "the price increase is coded from the LPG sentence"


def test_seeds_independent_unions_is_a_2011_demand(seeds_out):
    # 003: "demanded better pay and conditions, and the right to organise independent trade unions";
    # 001: "fewer restrictions on the activities of independent labor unions".
    demands = by(read(seeds_out, "compare_demands"), "category", "episode")
    assert demands[("independent_unions", E2011)]["present"]
    assert demands[("independent_unions", E2011)]["family"] == "labour"


def test_seeds_2011_killed_claims_official_16_and_highest_70(seeds_out):
    # 003: "State officials admit that 16 were killed"; 001: "some estimates go as high as 70".
    killed = [
        r
        for r in read(seeds_out, "compare_figures")
        if (r["measure"], r["unit"], r["episode"]) == ("killed", "people", E2011)
    ]
    assert any(r["is_official"] and r["value_low"] == 16 and r["value_high"] == 16 for r in killed)
    assert killed[0]["highest_claimed"] == 70
    assert any(r["is_highest"] and r["qualifier"] == "up_to" and r["value_high"] == 70 for r in killed)
    assert killed[0]["official_highest"] >= 16


def test_seeds_2022_detained_include_more_than_4400(seeds_out):
    # 003: "The internal affairs ministry has said that more than 4400 people have been arrested".
    detained = [
        r for r in read(seeds_out, "compare_figures") if (r["measure"], r["episode"]) == ("detained", E2022)
    ]
    assert any(
        r["figure"] == "more than 4400"
        and r["qualifier"] == "more_than"
        and r["value_low"] == 4400
        and r["value_high"] is None
        and r["is_official"]
        for r in detained
    )


def test_seeds_warehouse_has_a_view_per_comparison(seeds_out):
    with duckdb.connect(str(seeds_out / warehouse.WAREHOUSE), read_only=True) as con:
        views = {
            v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
        assert {c.name for c in compare.load()} <= views
        for c in compare.load():
            con.execute(f'SELECT * FROM "{c.name}"').fetchall()
    for c in compare.load():
        assert (seeds_out / f"{c.output}.parquet").exists()
