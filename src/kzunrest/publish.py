"""Publish: render the run's tables into a static dashboard that works from a file, offline.

The page is plain HTML and CSS: tables read without JavaScript, every category cell opens its
evidence in a <details> element, and the figures charts are Vega-Lite drawn to SVG at publish
time. Each query behind the page is a named SQL file in `sql/dashboard/` run in DuckDB over the
run's Parquet files. Every string from the articles reaches the page through Jinja2
autoescaping; the charts carry only taxonomy ids, codebook labels and numbers.

Inside a run the site is written into the staging folder, so a failed run keeps the last site.
`publish()` re-renders an existing output folder and swaps the new site in atomically.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from kzunrest import lock, outputs, schema
from kzunrest.codebook import Codebook

DASHBOARD = "dashboard"
SITE_MARKER = "site.json"  # written into every site; `publish --to` only replaces folders holding it
QUALITY = "quality"
TEMPLATES = Path(__file__).resolve().parent / "templates" / DASHBOARD
SQL_DIR = Path(__file__).resolve().parents[2] / "sql" / DASHBOARD
# Made as views for the queries after them; not fetched.
VIEWS = ("facts",)
# Run in this order; each result is kept as a table of that name for the queries after it.
QUERIES = (
    "episode_overview",
    "category_counts",
    "evidence",
    "figures",
    "figure_gaps",
    "escalation",
    "timeline",
)
# The run's tables and the compare step's outputs that the queries read.
REQUIRED = (
    "documents",
    "sentences",
    *schema.FACT_TABLES.values(),
    "compare_episode_overview",
    "compare_triggers",
    "compare_demands",
    "compare_state_responses",
    "compare_outcomes",
    "compare_figures",
    "compare_escalation",
)
DIMENSION_TITLES = {
    "triggers": "Triggers",
    "demands": "Demands",
    "state_responses": "State responses",
    "outcomes": "Outcomes",
}


class PublishError(Exception):
    """The dashboard cannot be rendered from this folder (a table is missing or unreadable)."""


# ---------------------------------------------------------------- queries


def run_queries(folder: Path, codebook: Codebook) -> dict[str, list[dict]]:
    """Every dashboard query's rows, over the Parquet tables in `folder` and the codebook."""
    import duckdb

    missing = [f"{name}.parquet" for name in REQUIRED if not (folder / f"{name}.parquet").is_file()]
    if missing:
        raise PublishError(f"{folder}: missing {', '.join(missing)}; run `kzunrest run` first")
    with duckdb.connect() as con:
        for path in sorted(folder.glob("*.parquet")):
            try:
                con.execute(f"CREATE VIEW \"{path.stem}\" AS SELECT * FROM read_parquet('{_sql_path(path)}')")
                con.execute(f'SELECT * FROM "{path.stem}" LIMIT 0')
            except duckdb.Error as exc:
                raise PublishError(f"{path}: cannot be read: {exc}") from exc
        _codebook_tables(con, codebook)
        for name in VIEWS:
            con.execute(f'CREATE TEMP VIEW "{name}" AS {_query(name)}')
        results = {}
        for name in QUERIES:
            con.execute(f'CREATE TEMP TABLE "{name}" AS {_query(name)}')
            cursor = con.execute(f'SELECT * FROM "{name}"')
            columns = [c[0] for c in cursor.description]
            results[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return results


def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").strip().rstrip(";")


def _codebook_tables(con, codebook: Codebook) -> None:
    """`episodes` and `categories` from the codebook, so the page lists what was not found too."""
    con.execute(
        "CREATE TEMP TABLE episodes"
        " (episode VARCHAR, label VARCHAR, window_start DATE, window_end DATE, ord INT)"
    )
    con.executemany(
        "INSERT INTO episodes VALUES (?, ?, ?, ?, ?)",
        [[e.id, e.label, e.window[0], e.window[1], i] for i, e in enumerate(codebook.episodes.values())],
    )
    con.execute(
        "CREATE TEMP TABLE categories"
        " (dimension VARCHAR, family VARCHAR, category VARCHAR, definition VARCHAR, ord INT)"
    )
    con.executemany(
        "INSERT INTO categories VALUES (?, ?, ?, ?, ?)",
        [
            [schema.FACT_TABLES[c.table], c.family, c.id, c.definition, i]
            for i, c in enumerate(codebook.categories.values())
        ],
    )


# ---------------------------------------------------------------- page model


def page_model(results: dict[str, list[dict]], codebook: Codebook) -> dict[str, Any]:
    """Shape the query rows into what the template walks: episodes, sections, figures, timeline."""
    episodes = results["episode_overview"]
    return {
        "episodes": episodes,
        "dimensions": _dimensions(results, [e["episode"] for e in episodes]),
        "figures": _figures(results, codebook, episodes),
        "escalation": _by_episode(results["escalation"], episodes),
        "timeline": _by_episode(results["timeline"], episodes),
    }


def _dimensions(results: dict[str, list[dict]], episode_ids: list[str]) -> list[dict]:
    quotes = defaultdict(list)
    for row in results["evidence"]:
        quotes[(row["dimension"], row["category"], row["episode"])].append(row)
    categories: dict[tuple[str, str], dict] = {}
    for row in results["category_counts"]:
        key = (row["dimension"], row["category"])
        category = categories.setdefault(
            key,
            {"dimension": row["dimension"], "id": row["category"], "family": row["family"], "cells": {}},
        )
        category["definition"] = row["definition"]
        category["cells"][row["episode"]] = {**row, "quotes": quotes[(*key, row["episode"])]}
    dimensions = []
    for dimension, title in DIMENSION_TITLES.items():
        families: dict[str, dict] = {}
        for category in categories.values():
            if category["dimension"] != dimension:
                continue
            found = [e for e in episode_ids if category["cells"][e]["mentions"]]
            category["only_in"] = found[0] if len(found) == 1 else None
            family = families.setdefault(
                category["family"], {"id": category["family"], "found": [], "absent": []}
            )
            family["found" if found else "absent"].append(category)
        dimensions.append({"id": dimension, "title": title, "families": list(families.values())})
    return dimensions


def _figures(results: dict[str, list[dict]], codebook: Codebook, episodes: list[dict]) -> list[dict]:
    """One entry per measure (category in a unit): its claims, the official-vs-others gap, a chart."""
    claims = defaultdict(list)
    for row in results["figures"]:
        claims[(row["measure"], row["unit"])].append(row)
    gaps = defaultdict(dict)
    for row in results["figure_gaps"]:
        gaps[(row["measure"], row["unit"])][row["episode"]] = row
    measures = []
    for (measure, unit), rows in claims.items():
        measures.append(
            {
                "measure": measure,
                "unit": unit,
                "claims": rows,
                "gaps": [gap_summary(gaps[(measure, unit)].get(e["episode"])) for e in episodes],
                "shown": [sum(1 for r in rows if r["episode"] == e["episode"]) for e in episodes],
                "svg": figure_chart(measure, unit, rows, codebook),
            }
        )
    return measures


def gap_summary(gap: dict | None) -> dict | None:
    """One episode's line under a measure: claims, official figures, highest claim, vague range."""
    if not gap:
        return None
    parts = [f"{gap['n_claims']} claim{'' if gap['n_claims'] == 1 else 's'}"]
    low, high = gap["official_lowest"], gap["official_highest"]
    if high is None:
        parts.append("no official figure")
    elif low == high:
        parts.append(f"official figure {_number(high)}")
    else:
        parts.append(f"official figures {_number(low)} to {_number(high)}")
    if gap["highest_claimed"] is not None:
        parts.append(f"highest claimed {_number(gap['highest_claimed'])}")
    if gap["vague_low"] is not None:
        parts.append(f"vague claims {_number(gap['vague_low'])}–{_number(gap['vague_high'])}")
    return {"text": "; ".join(parts), "ratio": gap["ratio_highest_to_official"], "claims": gap["n_claims"]}


def _by_episode(rows: list[dict], episodes: list[dict]) -> list[dict]:
    """Each episode with its rows, in episode order, so every episode shows even with no rows."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["episode"]].append(row)
    return [{**e, "rows": grouped[e["episode"]]} for e in episodes]


# ---------------------------------------------------------------- charts


def chart_template() -> dict:
    return json.loads((TEMPLATES / "figures.vl.json").read_text(encoding="utf-8"))


def figure_chart(measure: str, unit: str | None, claims: list[dict], codebook: Codebook) -> str:
    """The claims for one measure as an SVG: a band per episode, a mark per claim, coloured by
    claimant type (official stands out), shaped by how the text bounded the number.

    Only ids, codebook labels and numbers go into the chart, never article text: the SVG is
    inlined into the page as markup.
    """
    import vl_convert

    spec = chart_template()
    meta = spec["usermeta"]
    labels = {e.id: e.label for e in codebook.episodes.values()}
    values = [
        {
            "record_id": c["record_id"],
            "episode_label": labels.get(c["episode"], c["episode"]),
            "claimant_type": c["claimant_type"],
            "qualifier": c["qualifier"],
            "value_low": c["value_low"],
            "value_high": c["value_high"],
        }
        for c in claims
    ]
    per_episode = max(sum(1 for c in claims if c["episode"] == e) for e in labels)
    title = _label(measure)
    spec["title"] = {"text": f"{title}: every claimed figure", "subtitle": f"unit: {unit or 'none'}"}
    spec["description"] = f"{title}: claimed figures per episode ({unit}), coloured by who claimed them"
    spec["height"] = len(labels) * max(meta["min_band_px"], per_episode * meta["band_px_per_claim"])
    spec["data"] = {"values": values}
    spec["encoding"]["y"]["scale"] = {"domain": list(labels.values())}
    colour = spec["encoding"]["color"]["scale"]
    colour["domain"] = list(codebook.claimant_types)
    colour["range"] = [meta["claimant_colours"].get(t, "#999999") for t in codebook.claimant_types]
    shape = spec["layer"][1]["encoding"]["shape"]["scale"]
    shape["domain"] = list(codebook.qualifiers)
    shape["range"] = [meta["qualifier_shapes"].get(q, "circle") for q in codebook.qualifiers]
    spec["layer"][0]["encoding"]["x"]["title"] = unit or ""
    numbers = [v for c in claims for v in (c["value_low"], c["value_high"]) if v is not None]
    if min(numbers) > 0 and max(numbers) / min(numbers) >= meta["log_scale_from_ratio"]:
        for layer in spec["layer"]:
            layer["encoding"]["x"]["scale"] = {"type": "log"}
        spec["layer"][0]["encoding"]["x"]["title"] = f"{unit or ''} (log scale)"
    del spec["usermeta"]
    return vl_convert.vegalite_to_svg(spec)


# ---------------------------------------------------------------- downloads and status


def write_downloads(folder: Path, site: Path) -> list[dict]:
    """Every table of the run as Parquet (the run's own bytes) and CSV under `site/data/`.

    The CSV is what a spreadsheet opens, and quotes come from untrusted articles: a text cell that
    would start a formula there ("=HYPERLINK(...)") gets a leading apostrophe (OWASP's advice on
    CSV injection). The Parquet file keeps every quote exactly as in the documents."""
    import duckdb
    import pyarrow.parquet as pq

    data = site / "data"
    data.mkdir(parents=True, exist_ok=True)
    downloads = []
    with duckdb.connect() as con:
        for path in sorted(folder.glob("*.parquet"), key=lambda p: (p.stem.startswith("compare_"), p.stem)):
            parquet, csv = data / path.name, data / f"{path.stem}.csv"
            shutil.copyfile(path, parquet)
            con.execute(f"COPY ({_csv_select(con, path)}) TO '{_sql_path(csv)}' (HEADER)")
            downloads.append(
                {
                    "table": path.stem,
                    "rows": pq.ParquetFile(path).metadata.num_rows,
                    "parquet": f"data/{parquet.name}",
                    "csv": f"data/{csv.name}",
                    "parquet_bytes": parquet.stat().st_size,
                    "csv_bytes": csv.stat().st_size,
                }
            )
    return downloads


# What makes a spreadsheet read a cell as a formula: its first character.
_FORMULA_START = r"^[=+\-@\t\r]"


def _csv_select(con, path: Path) -> str:
    """SELECT of every column of `path`, text cells that would start a formula prefixed with '."""
    source = f"read_parquet('{_sql_path(path)}')"
    columns = []
    for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall():
        column = '"' + name.replace('"', '""') + '"'
        if kind == "VARCHAR":
            column = (
                f"CASE WHEN regexp_matches({column}, '{_FORMULA_START}') "
                f"THEN chr(39) || {column} ELSE {column} END AS {column}"
            )
        columns.append(column)
    return f"SELECT {', '.join(columns)} FROM {source}"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def validation_status(folder: Path, site: Path) -> dict:
    """What the validate step's `<folder>/quality.json` says; its HTML report is copied into the
    site so the link keeps working wherever the site is copied."""
    link = None
    if (folder / QUALITY / "index.html").is_file():
        shutil.copytree(folder / QUALITY, site / QUALITY, dirs_exist_ok=True)
        link = f"{QUALITY}/index.html"
    path = folder / f"{QUALITY}.json"
    if not path.is_file():
        return {"state": "not run", "text": "No validation results in this folder.", "link": link}
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        checks = summary["results"]
        passed = sum(1 for c in checks if c["success"])
        text = f"{passed} of {len(checks)} checks passed"
        text += f" (critical failures: {summary['failed']}, warnings: {summary['warnings']})."
        state = "passed" if summary["success"] else "failed"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"state": "unknown", "text": f"{path.name} cannot be read: {exc!r}", "link": link}
    return {"state": state, "text": text, "link": link}


# ---------------------------------------------------------------- rendering


def _label(identifier: str | None) -> str:
    """`state_of_emergency` -> `State of emergency`, `ngo` -> `NGO`."""
    if not identifier:
        return ""
    if identifier == "ngo":
        return "NGO"
    return identifier.replace("_", " ").capitalize()


def _number(value: float | None) -> str:
    """16.0 -> `16`, 4400.0 -> `4,400`, 7.5 -> `7.5`."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _web_url(url: str | None) -> str | None:
    """Only http(s) addresses become links: a `javascript:` URL in a manifest must not run."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _size(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    return ""


@cache  # one compiled template per process
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every article string is escaped; nothing from data is marked safe
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(label=_label, number=_number, date=_date, size=_size, web_url=_web_url)
    return env


def render(folder: Path, codebook: Codebook, site: Path | None = None) -> Path:
    """Write the dashboard of the tables in `folder` into `site` (default `folder/dashboard`)."""
    from markupsafe import Markup

    folder = Path(folder)
    site = Path(site) if site else folder / DASHBOARD
    results = run_queries(folder, codebook)
    site.mkdir(parents=True, exist_ok=True)
    model = page_model(results, codebook)
    for measure in model["figures"]:
        measure["svg"] = Markup(measure["svg"])  # generated from ids and numbers only, see figure_chart
    downloads = write_downloads(folder, site)
    status = validation_status(folder, site)
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            **model,
            dimension_titles=DIMENSION_TITLES,
            downloads=downloads,
            validation=status,
            claimant_types=codebook.claimant_types,
            codebook_version=codebook.version,
        )
    )
    (site / "index.html").write_text(html, encoding="utf-8")
    shutil.copyfile(TEMPLATES / "style.css", site / "style.css")
    marker = {"generator": "kzunrest publish", "tables": {d["table"]: d["rows"] for d in downloads}}
    (site / SITE_MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return site


def publish(out: Path, codebook: Codebook, to: Path | None = None) -> Path:
    """Re-render `out/dashboard` from the tables in `out`, then copy the site to `to` if given.

    Both are swapped in atomically: readers see the old site or the new one, and a failure
    leaves the old one in place. `to` must be empty, absent or a site published before. The
    output folder's run lock is held throughout, so a run cannot swap `out` away mid-render
    (raises lock.LockHeld if a run is writing it).
    """
    out = Path(out)
    if not out.is_dir():
        raise PublishError(f"{out}: no such folder; run `kzunrest run --out {out}` first")
    if to is not None:
        to = Path(to)
        if to.exists() and (not to.is_dir() or any(to.iterdir())) and not (to / SITE_MARKER).is_file():
            raise PublishError(f"{to}: not empty and not a kzunrest dashboard; refusing to replace it")
    with lock.hold(out):
        site = _replace_atomically(out / DASHBOARD, lambda staging: render(out, codebook, staging))
        if to is None:
            return site
        return _replace_atomically(to, lambda staging: shutil.copytree(site, staging, dirs_exist_ok=True))


def _replace_atomically(target: Path, build) -> Path:
    outputs.remove_leftovers(target)
    staging = outputs.new_staging(target)
    try:
        build(staging)
        outputs.swap_in(staging, target)
    finally:
        if staging.exists():
            outputs.discard(staging)
    return target
