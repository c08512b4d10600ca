"""Dashboard rendering: sections, evidence, escaping, figures, downloads, status, atomic publishing.

The data is tests/fixtures/dashboard.yaml (hand-written, with a hostile document); expectations
are read from that file, never from the page.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dashboard_fixture import build, load
from typer.testing import CliRunner

from kzunrest import publish
from kzunrest.cli import app

SECTIONS = ("overview", "triggers", "demands", "state_responses", "outcomes", "figures", "timeline")
HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<script>alert(4)</script>")


def page(site: Path) -> str:
    return (site / "index.html").read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    """Top-level sections by id (nested sections carry no id)."""
    parts = text.split('<section id="')[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def cell(text: str, episode: str, category: str) -> str:
    start = text.index(f'data-episode="{episode}" data-category="{category}"')
    return text[start : text.index("</td>", start)]


def labels(codebook) -> list[str]:
    return [e.label for e in codebook.episodes.values()]


def test_every_section_shows_both_episodes(dashboard_site, codebook):
    found = sections(page(dashboard_site[1]))
    assert set(SECTIONS) <= set(found)
    for name in SECTIONS:
        for label in labels(codebook):
            assert label in found[name], f"{label} missing from section {name}"


def test_each_category_cell_lists_its_quotes_with_document_outlet_and_date(dashboard_site):
    text = page(dashboard_site[1])
    spec = load()
    documents = {d["key"]: d for d in spec["documents"]}
    for fact in spec["facts"]:
        content = cell(text, fact["episode"], fact["category"])
        doc = documents[fact["doc"]]
        assert "<details>" in content
        assert f"<blockquote>{html.escape(fact['quote'], quote=False)}</blockquote>" in content
        assert f"<cite>{html.escape(doc['title'], quote=False)}</cite>" in content
        assert html.escape(doc["outlet"], quote=False) in content
        assert doc["published"].isoformat() in content
    coded = {(f["episode"], f["category"]) for f in spec["facts"]}
    # wage_dispute is coded for 2011 only: its 2022 cell says so and holds no quotes
    assert ("january-2022", "wage_dispute") not in coded
    empty = cell(text, "january-2022", "wage_dispute")
    assert "not found" in empty and "<blockquote>" not in empty


def test_cells_count_documents_and_mentions(dashboard_site):
    text = page(dashboard_site[1])
    killed_2011 = [
        f for f in load()["facts"] if (f["episode"], f["category"]) == ("zhanaozen-2011", "killed")
    ]
    content = cell(text, "zhanaozen-2011", "killed")
    docs = len({f["doc"] for f in killed_2011})
    assert f"{docs} document{'s' if docs > 1 else ''}" in content
    assert f"{len(killed_2011)} mentions" in content


def test_article_markup_is_escaped_everywhere(dashboard_site):
    text = page(dashboard_site[1])
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert "javascript:" not in text.lower()  # the hostile document's url is not made a link
    assert "onerror=alert" in text  # ... but the text is there, escaped
    for payload in HOSTILE:
        assert html.escape(payload, quote=False) in text


def test_figures_chart_per_measure_labelled_and_free_of_article_text(dashboard_site, codebook):
    figures = sections(page(dashboard_site[1]))["figures"]
    facts = [f for f in load()["facts"] if f.get("unit")]
    measures = {f["category"] for f in facts}
    svgs = re.findall(r"<svg.*?</svg>", figures, flags=re.S)
    assert len(svgs) == len(measures)
    killed = next(svg for svg in svgs if "Killed: every claimed figure" in svg)
    for label in labels(codebook):
        assert label in killed
    assert "#b2182b" in killed  # the official colour, from figures.vl.json
    assert "log scale" in killed  # claims from 16 to 999 span more than the log threshold
    for fact in facts:
        if fact.get("claimant"):
            assert html.escape(fact["claimant"], quote=False) not in "".join(svgs)
            assert html.escape(fact["claimant"], quote=False) in figures  # in the table instead


def test_figures_table_keeps_every_claim_and_the_gap(dashboard_site):
    figures = sections(page(dashboard_site[1]))["figures"]
    killed = figures[figures.index('id="figure-killed-people"') :]
    killed = killed[: killed.index("</article>")]
    claims = [f for f in load()["facts"] if f["category"] == "killed"]
    assert killed.count('<tr class="claimant-row-') == len(claims)
    assert "at least 17" in killed and "up to 70" in killed
    # 2011: official 16, highest claim 70
    assert "<strong>4.4×</strong>" in killed


def test_timeline_lists_dated_events_per_episode_in_order(dashboard_site):
    timeline = sections(page(dashboard_site[1]))["timeline"]
    for episode in ("zhanaozen-2011", "january-2022"):
        block = timeline[timeline.index(f'data-episode="{episode}"') :]
        block = block[: block.index("</section>")]
        dated = sorted(
            f["event_date"].isoformat()
            for f in load()["facts"]
            if f.get("event_date") and f["episode"] == episode
        )
        shown = re.findall(r'<time datetime="([\d-]+)">[\d-]+</time>\s*<span class="tag', block)
        assert shown == dated


def test_downloads_hold_every_table_as_parquet_and_csv(dashboard_site):
    folder, site = dashboard_site
    text = sections(page(site))["downloads"]
    tables = sorted(p.stem for p in folder.glob("*.parquet"))
    assert {"documents", "outcomes", "compare_figures"} <= set(tables)
    for name in tables:
        assert f'href="data/{name}.csv"' in text and f'href="data/{name}.parquet"' in text
        assert (site / "data" / f"{name}.parquet").read_bytes() == (folder / f"{name}.parquet").read_bytes()
        table = pq.read_table(folder / f"{name}.parquet")
        with (site / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == table.num_rows
        assert list(rows[0]) == table.column_names if rows else True
    outcomes = pq.read_table(folder / "outcomes.parquet").to_pylist()
    with (site / "data" / "outcomes.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["quote"] for r in csv.DictReader(fh)] == [r["quote"] for r in outcomes]


def test_csv_cells_that_would_run_as_spreadsheet_formulas_are_defused(tmp_path):
    import pyarrow as pa

    quotes = ['=HYPERLINK("http://example.org","x")', "+7 dead", "-5", "@SUM(A1)", "Police fired.", None]
    (tmp_path / "run").mkdir()
    table = pa.table({"quote": quotes, "value_low": [1.0, -3.0, None, 2.0, 4.0, 5.0]})
    pq.write_table(table, tmp_path / "run" / "outcomes.parquet")
    publish.write_downloads(tmp_path / "run", tmp_path / "site")
    with (tmp_path / "site" / "data" / "outcomes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["quote"] for r in rows] == [
        "'" + quotes[0], "'+7 dead", "'-5", "'@SUM(A1)", "Police fired.", ""
    ]  # fmt: skip
    assert [r["value_low"] for r in rows] == ["1.0", "-3.0", "", "2.0", "4.0", "5.0"]  # numbers as they are
    parquet = tmp_path / "site" / "data" / "outcomes.parquet"
    assert pq.read_table(parquet).column("quote").to_pylist() == quotes  # the exact text stays in Parquet


def test_empty_fact_tables_render_a_page_that_says_so(codebook, tmp_path):
    folder = build(tmp_path / "datasets", codebook, empty_facts=True)
    text = page(publish.render(folder, codebook))
    found = sections(text)
    for name in SECTIONS:
        for label in labels(codebook):
            assert label in found[name]
    for title in ("triggers", "demands", "state responses", "outcomes"):
        assert f"No {title} coded in either episode yet." in text
    assert "No claimed figures" in found["figures"]
    assert "<svg" not in text
    assert found["timeline"].count("No dated events yet.") == 2


def test_render_is_byte_identical_for_the_same_tables(dashboard_site, codebook, tmp_path):
    folder, site = dashboard_site
    again = publish.render(folder, codebook, tmp_path / "again")
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (site / name).read_bytes() == (again / name).read_bytes(), name


@pytest.mark.parametrize(
    ("summary", "state", "text"),
    [
        (
            {"success": True, "failed": 0, "warnings": 1, "results": [{"success": True}, {"success": False}]},
            "passed",
            "1 of 2 checks passed (critical failures: 0, warnings: 1).",
        ),
        ({"success": False, "failed": 1, "warnings": 0, "results": [{"success": False}]}, "failed", "0 of 1"),
        (None, "not run", "No validation results"),
        ("{not json", "unknown", "quality.json cannot be read"),
    ],
)
def test_validation_status_and_quality_report_link(codebook, tmp_path, dashboard_site, summary, state, text):
    folder = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], folder)
    shutil.rmtree(folder / "dashboard")
    if summary is not None:
        (folder / "quality").mkdir()
        (folder / "quality" / "index.html").write_text("<p>report</p>")
        raw = summary if isinstance(summary, str) else json.dumps(summary)
        (folder / "quality.json").write_text(raw)
    site = publish.render(folder, codebook)
    overview = sections(page(site))["overview"]
    assert f"Validation: {state}." in overview and text in overview
    if summary is None:
        assert "Quality report" not in overview
    else:
        assert '<a href="quality/index.html">Quality report</a>' in overview
        assert (site / "quality" / "index.html").read_text() == "<p>report</p>"


def site_bytes(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_publish_failure_leaves_the_last_site(dashboard_site, codebook, tmp_path):
    out = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], out)
    publish.publish(out, codebook)
    before = site_bytes(out / "dashboard")
    (out / "outcomes.parquet").write_bytes(b"not parquet")
    with pytest.raises(publish.PublishError, match="outcomes.parquet"):
        publish.publish(out, codebook)
    assert site_bytes(out / "dashboard") == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no staging left


def test_publish_to_copies_the_site_and_replaces_only_a_site(dashboard_site, codebook, tmp_path):
    out = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], out)
    target = tmp_path / "public" / "kz"
    publish.publish(out, codebook, to=target)
    assert site_bytes(target) == site_bytes(out / "dashboard")
    (target / "stale.txt").write_text("from an earlier publish")
    publish.publish(out, codebook, to=target)  # an earlier site is replaced whole
    assert not (target / "stale.txt").exists()
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(publish.PublishError, match="not a kzunrest dashboard"):
        publish.publish(out, codebook, to=foreign)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_cli_publish(dashboard_site, tmp_path):
    out = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], out)
    shutil.rmtree(out / "dashboard")
    result = CliRunner().invoke(app, ["publish", "--out", str(out), "--to", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (out / "dashboard" / "index.html").is_file() and (tmp_path / "site" / "index.html").is_file()
    missing = CliRunner().invoke(app, ["publish", "--out", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1
    assert "nowhere: no such folder" in missing.output


def test_missing_table_is_named(dashboard_site, codebook, tmp_path):
    out = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], out)
    (out / "compare_figures.parquet").unlink()
    with pytest.raises(publish.PublishError, match="missing compare_figures.parquet"):
        publish.render(out, codebook)


@pytest.mark.prefect
def test_pipeline_run_publishes_the_dashboard(seeds_run, codebook):
    out, _ = seeds_run
    text = page(out / "dashboard")
    for label in labels(codebook):
        assert label in text
    rows = pq.read_table(out / "documents.parquet").num_rows
    assert re.search(
        rf'<tr data-table="documents">\s*<th scope="row">documents</th>\s*<td class="num">{rows}</td>', text
    )
    assert (out / "dashboard" / "data" / "documents.parquet").read_bytes() == (
        out / "documents.parquet"
    ).read_bytes()


@pytest.mark.parametrize(
    ("gap", "text"),
    [
        (None, None),
        (
            {"n_claims": 1, "official_lowest": None, "official_highest": None, "highest_claimed": None}
            | {"vague_low": 200.0, "vague_high": 999.0, "ratio_highest_to_official": None},
            "1 claim; no official figure; vague claims 200–999",
        ),
        (
            {"n_claims": 3, "official_lowest": 10.0, "official_highest": 16.0, "highest_claimed": 4400.0}
            | {"vague_low": None, "vague_high": None, "ratio_highest_to_official": 275.0},
            "3 claims; official figures 10 to 16; highest claimed 4,400",
        ),
        (
            {"n_claims": 2, "official_lowest": 7.5, "official_highest": 7.5, "highest_claimed": 7.5}
            | {"vague_low": None, "vague_high": None, "ratio_highest_to_official": 1.0},
            "2 claims; official figure 7.5; highest claimed 7.5",
        ),
    ],
)
def test_gap_summary(gap, text):
    summary = publish.gap_summary(gap)
    assert (summary and summary["text"]) == text


def test_publish_refuses_while_a_run_writes_the_folder(dashboard_site, codebook, tmp_path):
    from kzunrest.lock import LockHeld

    out = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], out)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = site_bytes(out / "dashboard")
        with pytest.raises(LockHeld, match="being written by another run"):
            publish.publish(out, codebook)
        assert site_bytes(out / "dashboard") == before
    finally:
        holder.communicate("done\n", timeout=30)


HOLD_LOCK = """
import sys
from pathlib import Path
from kzunrest import lock
with lock.hold(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_long_list_of_claims_keeps_the_extremes_and_official_ones_and_says_so(
    dashboard_site, codebook, tmp_path
):
    import pyarrow as pa

    out = tmp_path / "datasets"
    shutil.copytree(dashboard_site[0], out)
    shutil.rmtree(out / "dashboard")
    claims = pq.read_table(out / "compare_figures.parquet").to_pylist()
    killed = [c for c in claims if (c["measure"], c["episode"]) == ("killed", "zhanaozen-2011")]
    extra = [
        {**killed[0], "record_id": f"extra{i:05d}", "figure": str(20 + i % 40), "value_low": 20.0 + i % 40}
        | {"value_high": 20.0 + i % 40, "claimant_type": "media", "is_official": False}
        | {"is_lowest": False, "is_highest": False}
        for i in range(150)
    ]
    total = len(killed) + len(extra)
    rows = [c | {"n_claims": total} if c in killed else c for c in claims] + [
        c | {"n_claims": total} for c in extra
    ]
    schema = pq.read_schema(out / "compare_figures.parquet")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out / "compare_figures.parquet")
    figures = sections(page(publish.render(out, codebook)))["figures"]
    article = figures[figures.index('id="figure-killed-people"') :]
    article = article[: article.index("</article>")]
    table = article[article.index('<table class="claims">') :]
    assert table.count('<td class="episode">Zhanaozen 2011</td>') == 100
    assert "Shown below: 100 of them" in article and f"{total} claims" in article
    for claim in killed:  # the fixture's own claims: lowest (official 16), highest (up to 70), official
        assert html.escape(claim["quote"], quote=False) in table


def test_the_key_on_the_page_uses_the_chart_colours():
    css = (publish.TEMPLATES / "style.css").read_text()
    colours = publish.chart_template()["usermeta"]["claimant_colours"]
    for claimant_type, colour in colours.items():
        assert f"--{claimant_type}: {colour};" in css
        assert f".claimant-{claimant_type} {{ color: var(--{claimant_type}); }}" in css
