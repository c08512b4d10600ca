"""Validate: run the Great Expectations suites in `expectations/` on a run's tables.

One suite per table, named after it (`expectations/outcomes.json` guards `outcomes.parquet`).
Checks GX cannot express on one frame — a fact's doc_id exists in documents, its quote equals
the document text at its span — are *checked columns*: a suite lists them in
`meta.checked_columns`, `add_checked_columns` computes each as a boolean column of the pandas
frame, and the suite expects it to be all true, so GX still counts and locates failing rows.

Suites run in two stages: `tables` (every suite but compare_*) before compare, `comparison`
(compare_*) after it. A failed critical expectation raises ValidationFailed, so the flow stops
before its staging folder is swapped in and the published outputs stay as they were. The results
go to `<folder>/quality.parquet` (so the warehouse gets a `quality` table), `<folder>/quality.json`
(what the dashboard reads) and `<folder>/quality/index.html`, a page that needs no network.

Great Expectations takes ~4 s to import, so it is imported inside `run_suites` only; its
context is ephemeral (in memory), with analytics and progress bars off.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kzunrest import schema

SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
QUALITY = "quality"  # quality.parquet, quality.json, and quality/ holding the HTML report
COMPARISON_PREFIX = "compare_"
STAGES = ("tables", "comparison", "all")
EXAMPLES = 3  # failing rows shown per expectation
KEY_COLUMNS = ("record_id", "sentence_id", "doc_id", "path")  # the first one a table has names a row

QUALITY_SCHEMA = pa.schema(
    [
        ("suite", pa.string()),
        ("expectation", pa.string()),
        ("type", pa.string()),
        ("column", pa.string()),
        ("severity", pa.string()),
        ("success", pa.bool_()),
        ("rows", pa.int64()),
        ("unexpected_count", pa.int64()),
        ("examples", pa.string()),  # JSON list of failing rows (key column + the columns checked)
        ("description", pa.string()),
    ]
)


class ValidationFailed(Exception):
    """A critical expectation failed; the message is the report a person reads."""


class SuiteError(Exception):
    """A suite file cannot be used (bad JSON, unknown checked column, ...); names the file."""


# ---------------------------------------------------------------- checked columns


class Tables:
    """The run's tables as pandas frames, read once; documents and sentences serve as lookups."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._frames: dict[str, pd.DataFrame] = {}
        self._indexes: dict[str, tuple[pd.Index, np.ndarray]] = {}

    def frame(self, name: str) -> pd.DataFrame:
        """The table as pandas, in the dtypes GX is fast with: dates as datetime64[ns] (GX compares
        date objects one Python call a row), strings as NumPy objects (each row filter of an
        expectation would otherwise copy the Arrow strings: 3/4 of the time on a million rows)."""
        if name not in self._frames:
            table = pq.read_table(self.folder / f"{name}.parquet")
            frame = table.to_pandas(date_as_object=False)
            for field in table.schema:
                if pa.types.is_date(field.type):
                    frame[field.name] = frame[field.name].astype("datetime64[ns]")
                elif pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                    frame[field.name] = frame[field.name].astype(object)
            self._frames[name] = frame
        return self._frames[name]

    def rows_of(self, table: str, key: str, values: pd.Series) -> np.ndarray:
        """The row of `table` whose `key` is each of `values` (-1 where none; the first row
        where a key repeats, whose own uniqueness check fails). A hash lookup, not a join."""
        name = f"{table}.{key}"
        if name not in self._indexes:
            keys = pd.Index(self.frame(table)[key])
            first = ~keys.duplicated()
            self._indexes[name] = (keys[first], np.flatnonzero(first))
        unique, rows = self._indexes[name]
        found = unique.get_indexer(values)
        return np.where(found >= 0, rows[found] if len(rows) else -1, -1)

    def column(self, table: str, name: str, rows: np.ndarray) -> np.ndarray:
        """`table[name]` at `rows` as a NumPy array: NaN (numbers) or None (others) where rows is -1."""
        values = self.frame(table)[name].to_numpy()
        missing = rows < 0
        if len(values) == 0:
            return np.full(len(rows), np.nan if values.dtype.kind in "iuf" else None)
        if values.dtype.kind in "iuf":
            return np.where(missing, np.nan, values.astype(float)[rows])
        picked = values.astype(object)[rows]
        picked[missing] = None
        return picked


def _series(values, frame: pd.DataFrame) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=bool), index=frame.index)


def _doc_id_in_documents(frame: pd.DataFrame, tables: Tables) -> pd.Series:
    return frame["doc_id"].isin(tables.frame("documents")["doc_id"])


def _span_in_document(frame: pd.DataFrame, tables: Tables) -> pd.Series:
    n_chars = tables.column("documents", "n_chars", tables.rows_of("documents", "doc_id", frame["doc_id"]))
    return _series(frame["char_end"].to_numpy(dtype=float, na_value=np.nan) <= n_chars, frame)


def _span_text_equals(column: str) -> Callable[[pd.DataFrame, Tables], pd.Series]:
    def check(frame: pd.DataFrame, tables: Tables) -> pd.Series:
        texts = tables.column("documents", "text", tables.rows_of("documents", "doc_id", frame["doc_id"]))
        ok = [
            isinstance(text, str)
            and isinstance(quote, str)
            and start == start  # not NaN
            and end == end
            and text[int(start) : int(end)] == quote
            for text, start, end, quote in zip(
                texts.tolist(),
                frame["char_start"].to_numpy(dtype=float, na_value=np.nan).tolist(),
                frame["char_end"].to_numpy(dtype=float, na_value=np.nan).tolist(),
                frame[column].tolist(),
                strict=True,
            )
        ]
        return _series(ok, frame)

    return check


def _sentence_in_document(frame: pd.DataFrame, tables: Tables) -> pd.Series:
    rows = tables.rows_of("sentences", "sentence_id", frame["sentence_id"])
    return _series(
        tables.column("sentences", "doc_id", rows) == frame["doc_id"].to_numpy(dtype=object), frame
    )


def _span_in_sentence(frame: pd.DataFrame, tables: Tables) -> pd.Series:
    rows = tables.rows_of("sentences", "sentence_id", frame["sentence_id"])
    start = tables.column("sentences", "char_start", rows)
    end = tables.column("sentences", "char_end", rows)
    inside = (frame["char_start"].to_numpy(dtype=float, na_value=np.nan) >= start) & (
        frame["char_end"].to_numpy(dtype=float, na_value=np.nan) <= end
    )
    return _series(inside, frame) & _sentence_in_document(frame, tables)


def _n_chars_matches_text(frame: pd.DataFrame, tables: Tables) -> pd.Series:
    return (frame["text"].str.len() == frame["n_chars"]).fillna(False).astype(bool)


def _doc_id_matches_text_hash(frame: pd.DataFrame, tables: Tables) -> pd.Series:
    ok = []
    for doc_id, sha, text in zip(
        frame["doc_id"].tolist(), frame["sha256"].tolist(), frame["text"].tolist(), strict=True
    ):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if isinstance(text, str) else None
        ok.append(digest is not None and digest == sha and digest[:16] == doc_id)
    return _series(ok, frame)


@dataclass(frozen=True)
class CheckedColumn:
    compute: Callable[[pd.DataFrame, Tables], pd.Series]
    shows: tuple[str, ...]  # columns a failing row's example shows


CHECKED_COLUMNS: dict[str, CheckedColumn] = {
    "doc_id_in_documents": CheckedColumn(_doc_id_in_documents, ("doc_id",)),
    "sentence_in_document": CheckedColumn(_sentence_in_document, ("doc_id", "sentence_id")),
    "span_in_document": CheckedColumn(_span_in_document, ("doc_id", "char_start", "char_end")),
    "span_in_sentence": CheckedColumn(_span_in_sentence, ("sentence_id", "char_start", "char_end")),
    "quote_matches_span": CheckedColumn(
        _span_text_equals("quote"), ("doc_id", "char_start", "char_end", "quote")
    ),
    "text_matches_span": CheckedColumn(
        _span_text_equals("text"), ("doc_id", "char_start", "char_end", "text")
    ),
    "n_chars_matches_text": CheckedColumn(_n_chars_matches_text, ("n_chars",)),
    "doc_id_matches_text_hash": CheckedColumn(_doc_id_matches_text_hash, ("sha256",)),
}


def add_checked_columns(frame: pd.DataFrame, names: list[str], tables: Tables) -> pd.DataFrame:
    """`frame` with one boolean column per checked column a suite asks for, in its order."""
    return frame.assign(**{name: CHECKED_COLUMNS[name].compute(frame, tables) for name in names})


# ---------------------------------------------------------------- suites


def load_suites(directory: Path = SUITES_DIR, stage: str = "all") -> dict[str, dict]:
    """The suites of `stage` by table name; raises SuiteError naming a file that cannot be used."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
    suites = {}
    for path in sorted(Path(directory).glob("*.json")):
        if not _in_stage(path.stem, stage):
            continue
        try:
            suite = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SuiteError(f"{path}: not a readable JSON suite: {exc}") from exc
        if not isinstance(suite, dict) or suite.get("name") != path.stem:
            raise SuiteError(f"{path}: a suite's 'name' must be its table name {path.stem!r}")
        expectations = suite.get("expectations")
        if not isinstance(expectations, list) or not expectations:
            raise SuiteError(f"{path}: 'expectations' must be a non-empty list")
        names = [(e.get("meta") or {}).get("name") for e in expectations if isinstance(e, dict)]
        if len(names) != len(expectations) or None in names or len(set(names)) != len(names):
            raise SuiteError(f"{path}: every expectation needs a unique meta.name")
        unknown = [c for c in _checked_columns(suite) if c not in CHECKED_COLUMNS]
        if unknown:
            raise SuiteError(f"{path}: unknown checked columns {unknown}; known: {sorted(CHECKED_COLUMNS)}")
        suites[path.stem] = suite
    return suites


def _in_stage(table: str, stage: str) -> bool:
    return stage == "all" or (stage == "comparison") == table.startswith(COMPARISON_PREFIX)


def _checked_columns(suite: dict) -> list[str]:
    return list((suite.get("meta") or {}).get("checked_columns") or [])


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Check:
    """One expectation's result on one table: a row of quality.parquet."""

    suite: str
    expectation: str  # the suite's meta.name
    type: str
    column: str | None
    severity: str  # critical | warning | info
    success: bool
    rows: int | None
    unexpected_count: int | None
    examples: list = field(default_factory=list)
    description: str | None = None

    @property
    def critical_failure(self) -> bool:
        return not self.success and self.severity == "critical"


@dataclass
class Outcome:
    checks: list[Check]

    @property
    def suites(self) -> list[str]:
        return sorted({c.suite for c in self.checks})

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.critical_failure]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if not c.success and c.severity != "critical"]

    @property
    def passed(self) -> bool:
        return not self.failures

    def merged_with(self, previous: Outcome | None) -> Outcome:
        """This outcome plus the checks of suites it did not run (an earlier stage's)."""
        kept = [c for c in (previous.checks if previous else []) if c.suite not in self.suites]
        return Outcome(sorted([*kept, *self.checks], key=lambda c: c.suite))

    def suite_summaries(self) -> list[dict]:
        summaries = []
        for suite in self.suites:
            checks = [c for c in self.checks if c.suite == suite]
            summaries.append(
                {
                    "suite": suite,
                    "rows": next((c.rows for c in checks if c.rows is not None), None),
                    "expectations": len(checks),
                    "failed": sum(c.critical_failure for c in checks),
                    "warnings": sum(not c.success and not c.critical_failure for c in checks),
                    "passed": not any(c.critical_failure for c in checks),
                }
            )
        return summaries

    def summary_lines(self) -> list[str]:
        lines = []
        for s in self.suite_summaries():
            warned = [c.expectation for c in self.warnings if c.suite == s["suite"]]
            status = "passed" if s["passed"] else f"FAILED {s['failed']} of"
            rows = f", {s['rows']} rows" if s["rows"] is not None else ""
            note = f"; warnings: {', '.join(warned)}" if warned else ""
            lines.append(f"  {s['suite']}: {status} {s['expectations']} expectations{rows}{note}")
        return lines

    def failure_report(self) -> str:
        lines = [f"validation failed: {len(self.failures)} critical expectation(s) failed"]
        for c in self.failures:
            count = f"{c.unexpected_count} of {c.rows} rows" if c.unexpected_count is not None else "failed"
            on = f" on {c.column}" if c.column else ""
            lines.append(f"  {c.suite}.parquet: {c.expectation} ({c.type}{on}): {count}")
            if c.description:
                lines.append(f"      expected: {c.description}")
            lines += [f"      e.g. {json.dumps(e, ensure_ascii=False)}" for e in c.examples]
        return "\n".join(lines)


def _plain(value: object) -> object:
    """A JSON-safe copy of a cell or GX result value; long strings cut."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, str):
        return value if len(value) <= 300 else value[:300] + "…"
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()  # a date column, validated as datetime64
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return str(value)


def _domain_columns(kwargs: dict) -> list[str]:
    return [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]


def _columns_of(kwargs: dict) -> list[str]:
    """The columns an expectation looks at, its row condition's included."""
    return _domain_columns(kwargs) + _condition_columns(kwargs.get("row_condition"))


def _condition_columns(condition: dict | None) -> list[str]:
    if not condition:
        return []
    if "conditions" in condition:
        return [c for sub in condition["conditions"] for c in _condition_columns(sub)]
    return [condition["column"]["name"]]


def _exception_message(info: dict) -> str | None:
    """GX nests exception info per metric when a metric failed; find the first message."""
    if not info:
        return None
    if info.get("raised_exception"):
        return info.get("exception_message") or "raised an exception"
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return nested[0].get("exception_message") if nested else None


def _examples(result: dict, error: str | None, frame: pd.DataFrame, columns: list[str]) -> list:
    if error:
        return [{"error": error}]
    if "partial_unexpected_index_list" in result:
        key = [c for c in KEY_COLUMNS if c in frame.columns][:1]
        shown = [c for c in dict.fromkeys([*key, *columns]) if c in frame.columns]
        positions = result["partial_unexpected_index_list"][:EXAMPLES]
        return [{c: _plain(frame.at[p, c]) for c in shown} for p in positions]
    details = {k: result[k] for k in ("observed_value", "details", "partial_missing_list") if k in result}
    return [_plain(details)] if details else []


# ---------------------------------------------------------------- running


def _context():
    """An in-memory GX context: nothing written to disk, no analytics, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def run_suites(frames: dict[str, pd.DataFrame], suites: dict[str, dict]) -> list[Check]:
    """Validate each frame against its suite with GX; one Check per expectation, in suite order."""
    if not frames:
        return []
    import great_expectations as gx

    context = _context()
    source = context.data_sources.add_pandas("kzunrest")
    checks = []
    for name, frame in frames.items():
        suite_json = suites[name]
        batch = (
            source.add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe(name)
            .get_batch(batch_parameters={"dataframe": frame})
        )
        suite = gx.ExpectationSuite(**{k: v for k, v in suite_json.items() if k != "id"})
        result = batch.validate(
            suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}
        )
        by_name = {r.expectation_config.meta["name"]: r for r in result.results}
        for spec in suite_json["expectations"]:
            r = by_name[spec["meta"]["name"]]
            columns = _columns_of(spec["kwargs"])
            shows = [
                c for column in columns if column in CHECKED_COLUMNS for c in CHECKED_COLUMNS[column].shows
            ]
            error = _exception_message(r.exception_info)
            checks.append(
                Check(
                    suite=name,
                    expectation=spec["meta"]["name"],
                    type=spec["type"],
                    column=", ".join(_domain_columns(spec["kwargs"])) or None,
                    severity=str(
                        getattr(r.expectation_config.severity, "value", r.expectation_config.severity)
                    ),
                    success=bool(r.success) and error is None,
                    rows=len(frame),
                    unexpected_count=r.result.get("unexpected_count"),
                    examples=[] if r.success else _examples(r.result, error, frame, [*columns, *shows]),
                    description=spec.get("description"),
                )
            )
    return checks


def _table_check(suite: str, expectation: str, description: str, severity: str = "critical") -> Check:
    """A failed check found before GX runs: a table without a suite, a suite without its table."""
    return Check(suite, expectation, "kzunrest", None, severity, False, None, None, [], description)


def validate(
    folder: Path, stage: str = "all", suites_dir: Path = SUITES_DIR, tables: list[str] | None = None
) -> Outcome:
    """Run the suites of `stage` (or only those of `tables`) on the Parquet tables in `folder`.

    Nothing is written. Lookups (documents, sentences) are read from `folder` either way.
    """
    folder = Path(folder)

    def wanted(name: str) -> bool:
        return _in_stage(name, stage) and name != QUALITY and (tables is None or name in tables)

    suites = {name: suite for name, suite in load_suites(suites_dir, stage).items() if wanted(name)}
    present = sorted(p.stem for p in folder.glob("*.parquet") if wanted(p.stem))
    lookups = Tables(folder)
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Check] = []
    for name in sorted(set(suites) | set(present)):
        if name not in suites:
            description = f"{name}.parquet has no suite: add {suites_dir}/{name}.json"
            problems.append(_table_check(name, "suite_present", description))
        elif name not in present:
            problems.append(_table_check(name, "table_present", f"{folder / name}.parquet is missing"))
        else:
            try:
                frame = lookups.frame(name)
            except (OSError, pa.ArrowException, ValueError) as exc:
                problems.append(_table_check(name, "table_readable", f"{folder / name}.parquet: {exc}"))
                continue
            try:
                frames[name] = add_checked_columns(frame, _checked_columns(suites[name]), lookups)
            except (OSError, pa.ArrowException, KeyError, TypeError, ValueError) as exc:
                problems.append(
                    _table_check(name, "checked_columns_computable", f"{folder / name}.parquet: {exc!r}")
                )
    checks = run_suites(frames, suites) + problems
    return Outcome(sorted(checks, key=lambda c: c.suite))


# ---------------------------------------------------------------- the report


def read_report(folder: Path) -> Outcome | None:
    path = Path(folder) / f"{QUALITY}.json"
    if not path.exists():
        return None
    return Outcome([Check(**c) for c in json.loads(path.read_text(encoding="utf-8"))["results"]])


def write_report(outcome: Outcome, folder: Path) -> Path:
    """Write quality.parquet, quality.json and quality/index.html into `folder` (byte-stable)."""
    import jinja2

    folder = Path(folder)
    rows = [{**asdict(c), "examples": json.dumps(c.examples, ensure_ascii=False)} for c in outcome.checks]
    schema.write_table(schema.to_table(rows, QUALITY_SCHEMA), folder / f"{QUALITY}.parquet")
    summary = {
        "success": outcome.passed,  # no critical failure; warnings allowed
        "failed": len(outcome.failures),
        "warnings": len(outcome.warnings),
        "suites": outcome.suite_summaries(),
        "results": [asdict(c) for c in outcome.checks],
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    (folder / f"{QUALITY}.json").write_text(text, encoding="utf-8")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, keep_trailing_newline=True
    )
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=1, ensure_ascii=False)
    report = folder / QUALITY
    report.mkdir(exist_ok=True)
    (report / "index.html").write_text(
        env.get_template("quality.html.j2").render(summary=summary), encoding="utf-8"
    )
    return report / "index.html"


def check(folder: Path, stage: str = "all", suites_dir: Path = SUITES_DIR) -> Outcome:
    """Validate, write the quality report, and raise ValidationFailed on a critical failure.

    A stage's report keeps the results of the other stage already in `folder`; `all` replaces it.
    """
    outcome = validate(folder, stage, suites_dir)
    if stage != "all":
        outcome = outcome.merged_with(read_report(folder))
    write_report(outcome, folder)
    if not outcome.passed:
        raise ValidationFailed(outcome.failure_report())
    return outcome
