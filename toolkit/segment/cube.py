"""The cohort cube: persons segmented and aggregated, written once as an Ibis expression.

:func:`cube_expression` segments a persons table with a model's rules and aggregates it by
segment, ESP2013 age band, sex, IMD decile and place. :func:`build_cube` runs that one
expression on DuckDB (embedded, the default) or on PySpark, reading a pandas DataFrame or
scanning Parquet/CSV files directly (so that ten million persons fit in a few hundred
megabytes). :func:`segment_summary` turns a cube (or persons) into the table analysts put
on their first slide.
"""

from __future__ import annotations

import csv
import glob
import gzip
import os
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CUBE_DIMENSIONS,
    CUBE_MEASURES,
    ESP2013_BANDS,
    SEXES,
)
from toolkit.errors import DataContractError
from toolkit.segment.model import BuiltinModel, SegmentationModel, load_rules
from toolkit.segment.rules import to_ibis

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

    from toolkit.segment._engine_contract import Standardisation

Engine = Literal["duckdb", "spark"]

#: Columns the cube reads besides those the model's rules read.
CUBE_INPUT_COLUMNS: tuple[str, ...] = (
    "age",
    "sex",
    "imd_decile",
    "died",
    *ACTIVITY_COLUMNS,
    "cost_gbp",
)

#: ``place`` given to every cell when the persons table has no ``place`` column: the whole
#: system is then one place.
WHOLE_SYSTEM_PLACE = "(all)"

#: DuckDB settings for :func:`build_cube`. Keeping insertion order is not needed (the cube
#: is sorted afterwards). DuckDB's default threads (one per core) and memory limit are kept:
#: the scan streams and the aggregate is small, so 10 million persons peak at about 270 MB
#: of resident memory and 57 million at about 350 MB (see benchmarks/bench_cube.py).
#: DuckDB's own progress bar (printed for queries over two seconds) is turned off on each
#: connection: library code does not print; ``build_cube(progress=True)`` shows the steps.
DUCKDB_CONFIG: Mapping[str, Any] = {"preserve_insertion_order": False}

_PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
_CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv")
_TEXT_COLUMNS = ("person_id", "sex", "lsoa", "place", "ethnic_group", "cause_of_death")
_GLOB_CHARACTERS = frozenset("*?[")
#: pandas' default text dtype ("str", from pandas 3); plain objects on pandas 2.
_TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
_SEGMENT = "_segment_code"
_BAND = "_age_band_code"


# --------------------------------------------------------------------------------------
# The expression
# --------------------------------------------------------------------------------------
def _without_nan(value: ir.Value) -> ir.Value:
    """Turn float NaN into null (NaN compares above every number in DuckDB and Spark)."""
    import ibis

    if value.type().is_floating():
        return ibis.ifelse(value.isnan(), ibis.null(value.type()), value)
    return value


def cube_expression(
    table: ir.Table,
    model: SegmentationModel,
    counts: Mapping[str, ir.BooleanValue] | None = None,
) -> ir.Table:
    """Return the Ibis expression that segments ``table`` and aggregates it into the cube.

    This is the single definition of segmentation and aggregation that every engine runs.
    Segments and age bands come out as integer codes (``_segment_code``, position in
    ``model.segments``; ``_age_band_code``, position in ``ESP2013_BANDS``), which
    :func:`build_cube` turns into labels on the small aggregated table.

    Parameters
    ----------
    table : ibis.expr.types.Table
        The persons table, with the columns of :data:`CUBE_INPUT_COLUMNS` and those the
        model's rules read; ``place`` is optional.
    model : SegmentationModel
        The segmentation model.
    counts : mapping of str to ibis.expr.types.BooleanValue, optional
        More measures to compute in the same group-by, after the cube's own: for each name,
        the number of rows where the flag is true (such as the rows that break a rule).

    Returns
    -------
    ibis.expr.types.Table
        One row per non-empty cell: the codes, ``sex``, ``imd_decile``, ``place`` (when
        present) and every measure of :data:`toolkit.data.contract.CUBE_MEASURES`, counts
        as 64-bit integers and ``cost_gbp`` as float64, then the ``counts``.
    """
    import ibis

    branches = [
        (to_ibis(rule.condition, table), ibis.literal(code, type="int16"))
        for rule, code in zip(model.rules[:-1], model.segment_of_rule[:-1], strict=True)
    ]
    catch_all = ibis.literal(model.segment_of_rule[-1], type="int16")
    segment = ibis.cases(*branches, else_=catch_all) if branches else catch_all

    age = _without_nan(table["age"])
    band = (age // 5).clip(upper=len(ESP2013_BANDS) - 1).cast("int16")
    decile = _without_nan(table["imd_decile"]).cast("int16")
    keys = {_SEGMENT: segment, _BAND: band, "sex": table["sex"], "imd_decile": decile}
    if "place" in table.columns:
        keys["place"] = table["place"]

    died = table["died"]
    if not died.type().is_boolean():
        died = died.cast("boolean")
    # Counts of persons as filtered counts: quicker than sums of 0/1 (a missing value is
    # counted in neither).
    measures: dict[str, ir.Value] = {
        "persons": table.count().cast("int64"),
        "deaths": table.count(where=died).cast("int64"),
    }
    for activity in ACTIVITY_COLUMNS:
        measures[activity] = table[activity].cast("int64").sum()
    for activity in ACTIVITY_COLUMNS:
        measures[f"persons_with_{activity}"] = table.count(where=table[activity] > 0).cast("int64")
    measures["cost_gbp"] = table["cost_gbp"].cast("float64").sum()
    for name, flag in (counts or {}).items():
        measures[name] = table.count(where=flag).cast("int64")
    return table.group_by(**keys).aggregate(**measures)


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------
def _suffix(path: str | Path) -> str:
    name = str(path).lower()
    for suffix in (*_PARQUET_SUFFIXES, *_CSV_SUFFIXES):
        if name.endswith(suffix):
            return suffix
    return Path(name).suffix


def resolve_files(source: str | os.PathLike[str]) -> tuple[list[str], Literal["parquet", "csv"]]:
    """Return the files a path, folder or glob names, and whether they are Parquet or CSV.

    Parameters
    ----------
    source : str or path
        A file, a folder (its Parquet files, or else its CSV files, at any depth) or a glob
        pattern such as ``"extracts/persons_*.parquet"``.

    Returns
    -------
    files : list of str
        Matching files, sorted.
    kind : {"parquet", "csv"}
        Their format.

    Raises
    ------
    FileNotFoundError
        If nothing matches.
    ValueError
        If the files are not Parquet or CSV, or mix the two.
    """
    text = os.fspath(source)
    path = Path(text)
    if _GLOB_CHARACTERS.intersection(text):
        files = sorted(name for name in glob.glob(text, recursive=True) if Path(name).is_file())
        if not files:
            raise FileNotFoundError(f"No files match {text!r}.")
    elif path.is_dir():
        files = sorted(
            str(p) for p in path.rglob("*") if p.is_file() and _suffix(p) in _PARQUET_SUFFIXES
        )
        if not files:
            files = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and _suffix(p) in _CSV_SUFFIXES
            )
        if not files:
            raise FileNotFoundError(f"No Parquet or CSV files in the folder {text!r}.")
    elif path.is_file():
        files = [text]
    else:
        raise FileNotFoundError(f"No such file or folder: {text!r}.")
    kinds = {
        "parquet"
        if _suffix(name) in _PARQUET_SUFFIXES
        else "csv"
        if _suffix(name) in _CSV_SUFFIXES
        else "other"
        for name in files
    }
    if "other" in kinds:
        odd = next(
            name for name in files if _suffix(name) not in (*_PARQUET_SUFFIXES, *_CSV_SUFFIXES)
        )
        raise ValueError(
            f"build_cube reads Parquet or CSV files; {odd!r} is neither. Read other formats "
            "with toolkit.data.read_persons and pass the DataFrame."
        )
    if len(kinds) > 1:
        raise ValueError(f"{text!r} mixes Parquet and CSV files; point at one kind.")
    return files, kinds.pop()  # type: ignore[return-value]


def _csv_header(path: str) -> list[str]:
    opener: Callable[..., Any] = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
        return next(csv.reader(handle, dialect=dialect), [])


def check_required_columns(columns: Sequence[str], label: str) -> None:
    """Refuse a persons table that lacks a column every cube reads, naming them.

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`.
    """
    missing = [name for name in CUBE_INPUT_COLUMNS if name not in columns]
    if missing:
        hint = (
            " Join the persons to the areas first (toolkit.data.join_persons_to_areas) to get "
            "imd_decile from their LSOA."
            if "imd_decile" in missing
            else ""
        )
        raise DataContractError(
            f"The {label} lacks columns the cohort cube needs: "
            f"{', '.join(repr(name) for name in missing)}.{hint}",
            source=label,
        )


def _check_input_columns(columns: Sequence[str], model: SegmentationModel, label: str) -> None:
    check_required_columns(columns, label)
    model.check_columns(columns, table=label)


# --------------------------------------------------------------------------------------
# Value checks (build_cube(validate=True))
# --------------------------------------------------------------------------------------
#: Columns a locator table (see :func:`_locate_duckdb` and :func:`_locate_spark`) adds to
#: the persons: the file a row comes from and its spreadsheet row number (header = row 1).
_FILE = "_pophealth_file"
_ROW = "_pophealth_row"
_BLANK = ("is blank", "are blank")
_BELOW_ZERO = ("is below 0", "are below 0")
#: Columns holding text, whose example values are shown quoted.
_QUOTED_COLUMNS = frozenset({"person_id", "sex"})


@dataclass(frozen=True, eq=False)
class _ValueCheck:
    """One value rule of the persons contract, as an engine-side expression.

    ``broken`` is true where a row breaks the rule (never null).
    """

    column: str
    check: str
    phrases: tuple[str, str]
    broken: ir.BooleanValue


def _value_checks(table: ir.Table) -> list[_ValueCheck]:
    """Return the value rules of the persons contract that the cohort cube depends on.

    Written here as Ibis expressions (rather than by calling
    :func:`toolkit.data.validate_persons`, which works on a pandas DataFrame) so that the
    engine checks the files in one scan without loading them. Check names and wording are
    those of :mod:`toolkit.data.readers`. Float NaN counts as blank.
    """
    checks: list[_ValueCheck] = []

    def add(column: str, check: str, phrases: tuple[str, str], broken: ir.BooleanValue) -> None:
        checks.append(_ValueCheck(column, check, phrases, broken.fill_null(False)))

    if "person_id" in table.columns:
        add("person_id", "not_blank", _BLANK, table["person_id"].isnull())
    age = _without_nan(table["age"])
    add("age", "not_blank", _BLANK, age.isnull())
    add("age", "in_range(0, 120)", ("is outside 0 to 120", "are outside 0 to 120"),
        (age < 0) | (age > 120))  # fmt: skip
    sex = table["sex"] if table["sex"].type().is_string() else table["sex"].cast("string")
    add("sex", "not_blank", _BLANK, sex.isnull())
    add(
        "sex",
        "isin(F, M)",
        (
            "is not F or M; read the file with toolkit.data.read_persons to map other codings",
            "are not F or M; read the file with toolkit.data.read_persons to map other codings",
        ),
        sex.notnull() & ~sex.isin(SEXES),
    )
    decile = _without_nan(table["imd_decile"])
    add("imd_decile", "in_range(1, 10)", ("is outside 1 to 10", "are outside 1 to 10"),
        (decile < 1) | (decile > 10))  # fmt: skip
    for column in (*ACTIVITY_COLUMNS, "cost_gbp"):
        values = _without_nan(table[column])
        add(column, "not_blank", _BLANK, values.isnull())
        add(column, "greater_than_or_equal_to(0)", _BELOW_ZERO, values < 0)
    add("died", "not_blank", _BLANK, table["died"].isnull())
    # Optional columns, checked when present, as toolkit.data.read_persons checks them.
    emergency = _without_nan(table["emergency_admissions"])
    for column in CAUSE_ADMISSION_COLUMNS:
        if column not in table.columns:
            continue
        values = _without_nan(table[column])
        add(column, "not_blank", _BLANK, values.isnull())
        add(column, "greater_than_or_equal_to(0)", _BELOW_ZERO, values < 0)
        add(
            column,
            f"{column}_at_most_emergency_admissions",
            (
                f"has more {column} than emergency_admissions, of which they are a part",
                f"have more {column} than emergency_admissions, of which they are a part",
            ),
            values > emergency,
        )
    if "bp_controlled" in table.columns and "hypertension" in table.columns:
        controlled, hypertension = table["bp_controlled"], table["hypertension"]
        if controlled.type().is_boolean() and hypertension.type().is_boolean():
            add(
                "bp_controlled",
                "bp_controlled_only_with_hypertension",
                (
                    "is true for a person without hypertension; bp_controlled is only for "
                    "people on the hypertension register, so leave it blank for others",
                    "are true for a person without hypertension; bp_controlled is only for "
                    "people on the hypertension register, so leave it blank for others",
                ),
                controlled.fill_null(False) & ~hypertension.fill_null(False),
            )
    return checks


@dataclass(frozen=True)
class _Failure:
    """A value check that failed: how many rows, and the first few (file, row, value)."""

    column: str
    check: str
    phrases: tuple[str, str]
    count: int
    examples: tuple[tuple[str | None, int, Any], ...] = ()
    #: Whether the examples' values are in their own type (shown as the readers show
    #: them), rather than text from the engine (see :func:`_shown`).
    typed: bool = False


def _count_failures(
    con: Any, table: ir.Table, checks: Sequence[_ValueCheck], engine: Engine
) -> tuple[list[int], int]:
    """Count the rows breaking each check, and the surplus ``person_id`` rows.

    One aggregate query counts every check (and, on Spark, the distinct ``person_id``
    values). The surplus is the number of ids minus the number of distinct ids: zero when
    every id is unique.
    """
    measures: dict[str, ir.Value] = {
        f"check_{index}": check.broken.cast("int64").sum() for index, check in enumerate(checks)
    }
    has_ids = "person_id" in table.columns
    if has_ids:
        measures["ids"] = table["person_id"].count()
        if engine != "duckdb":
            measures["distinct_ids"] = table["person_id"].nunique()
    row = con.to_pyarrow(table.aggregate(**measures)).to_pylist()[0]
    counts = [int(row[f"check_{index}"] or 0) for index in range(len(checks))]
    if not has_ids:
        return counts, 0
    ids = int(row["ids"] or 0)
    if engine == "duckdb":
        return counts, _surplus_hashes(con, table, ids)
    return counts, ids - int(row["distinct_ids"] or 0)


#: Rows per Arrow batch when streaming ``person_id`` hashes out of DuckDB.
_HASH_BATCH_ROWS = 1_000_000
#: Most ``person_id`` hashes held in memory at once (8 bytes each, so 128 MB); a larger
#: table is checked in several passes, each over a slice of the hash values.
_MAX_HASHES_IN_MEMORY = 16_000_000


def _surplus_hashes(con: Any, table: ir.Table, ids: int) -> int:
    """Return how many ``person_id`` values repeat an earlier one's 64-bit hash, on DuckDB.

    ``ids`` is the number of non-blank ids; see :func:`_hash_surplus`.
    """
    if ids < 2:
        return 0
    known = table.filter(table["person_id"].notnull())
    query = con.compile(known.select(hashed=known["person_id"].hash()))
    return _hash_surplus(con, query, ids) or 0


def _hash_surplus(con: Any, query: str, ids: int) -> int | None:
    """Return how many of the hashes ``query`` gives repeat another; ``None`` if one is NULL.

    Our own code rather than DuckDB's ``COUNT(DISTINCT person_id)``, which at 10 million
    persons takes about 0.75 s and 330 MB more than the cube itself: DuckDB hashes the ids
    in its scan and streams the 8-byte hashes into a preallocated NumPy array, which is
    sorted in place (about 0.1 s and 80 MB). Equal neighbours are repeated hashes; a hash
    collision can only suggest a duplicate, which :func:`_duplicate_ids` confirms or
    clears exactly. Above :data:`_MAX_HASHES_IN_MEMORY` ids the hashes are split by their
    remainder into passes (one more scan each), so memory stays bounded for all of England.
    ``query`` gives one column of hashes (about ``ids`` of them); a NULL among them (the
    fast reading's sign of an id that does not stand) stops the count.
    """
    passes = -(-max(ids, 1) // _MAX_HASHES_IN_MEMORY)
    surplus = 0
    for part in range(passes):
        chosen = query
        if passes > 1:  # the remainder of a negative hash is negative: shift it up
            chosen = (
                f"SELECT hashed FROM ({query}) AS _ids(hashed) "
                f"WHERE hashed IS NULL OR (hashed % {passes} + {passes}) % {passes} = {part}"
            )
        size = max(ids, 1) if passes == 1 else ids // passes + ids // (10 * passes) + 1
        hashes = np.empty(size, dtype="int64")
        filled = 0
        # DuckDB's own relation API: Ibis' batch reader calls a method DuckDB 2 removed.
        for batch in con.con.sql(chosen).to_arrow_reader(_HASH_BATCH_ROWS):
            column = batch.column(0)
            if column.null_count:
                return None
            values = column.to_numpy().view("int64")
            if filled + len(values) > len(hashes):  # an uneven slice: grow (rare)
                hashes = np.concatenate(
                    [hashes[:filled], np.empty(size // 4 + len(values), "int64")]
                )
            hashes[filled : filled + len(values)] = values
            filled += len(values)
        ordered = hashes[:filled]
        ordered.sort()
        surplus += int(np.count_nonzero(ordered[1:] == ordered[:-1]))
        del hashes, ordered
    return surplus


def _duplicate_ids(con: Any, table: ir.Table) -> tuple[ir.Table, int]:
    """Return the duplicated ``person_id`` values (as a table) and how many rows hold them."""
    known = table.filter(table["person_id"].notnull())
    repeated = (
        known.group_by("person_id")
        .aggregate(_rows=known.count())
        .filter(lambda groups: groups["_rows"] > 1)
    )
    rows = con.to_pyarrow(repeated.aggregate(rows=repeated["_rows"].sum())).to_pylist()[0]
    return repeated.select("person_id"), int(rows["rows"] or 0)


def _example_rows(
    con: Any,
    located: ir.Table,
    wanted: Sequence[tuple[ir.BooleanValue, str]],
    starts: Mapping[str, int] | None,
) -> list[list[tuple[str | None, int, str | None]]]:
    """Return the first few (file, row, value) breaking each rule, in one union query."""
    import ibis

    from toolkit.data.readers import MAX_EXAMPLES

    parts = [
        located.filter(broken)
        .select(
            _check=ibis.literal(index, type="int32"),
            _file=located[_FILE].cast("string"),
            _row=located[_ROW].cast("int64"),
            _value=located[column].cast("string"),
        )
        .order_by(["_file", "_row"])
        .limit(MAX_EXAMPLES)
        for index, (broken, column) in enumerate(wanted)
    ]
    found = con.to_pyarrow(ibis.union(*parts, distinct=False)).to_pylist()
    found.sort(key=lambda item: (item["_check"], item["_file"] or "", item["_row"]))
    examples: list[list[tuple[str | None, int, str | None]]] = [[] for _ in wanted]
    for item in found:
        row = item["_row"] - (starts[item["_file"]] if starts else 0)
        examples[item["_check"]].append((item["_file"], int(row), item["_value"]))
    return examples


def _shown(column: str, value: str | None) -> str | None:
    """Show a value as :mod:`toolkit.data.readers` does: text quoted, 130.0 as 130."""
    from toolkit.data.readers import _show_value

    if value is None:
        return None
    if column in _QUOTED_COLUMNS:
        return _show_value(value)
    try:
        return _show_value(float(value))
    except ValueError:
        return _show_value(value)


def _to_problem(failure: _Failure, *, several_files: bool, no_rows: str | None) -> Any:
    """Word one failure in the style of :mod:`toolkit.data.readers`' messages."""
    from toolkit.data.readers import MAX_EXAMPLES, _Problem, _show_value

    singular, plural = failure.phrases
    count = failure.count
    show_values = failure.check != "not_blank"
    details = []
    for file, row, value in failure.examples:
        where = f"row {row}" + (f" of {Path(file).name}" if several_files and file else "")
        shown = None
        if show_values and value is not None:
            shown = _show_value(value) if failure.typed else _shown(failure.column, value)
        details.append(f"{where}: {shown}" if shown is not None else where)
    if details and not show_values and not several_files:
        detail = ("row " if len(details) == 1 else "rows ") + ", ".join(
            str(row) for _, row, _ in failure.examples
        )
    else:
        detail = "; ".join(details) if details else (no_rows or "")
    if details and count > len(details):
        detail += f"; and {count - len(details):,} more"
    noun = "1 row" if count == 1 else f"{count:,} rows"
    sentence = f"column '{failure.column}': {noun} {singular if count == 1 else plural}"
    return _Problem(
        column=failure.column,
        check=failure.check,
        sentence=f"{sentence} ({detail})." if detail else f"{sentence}.",
        failing_rows=count,
        example_rows=tuple(row for _, row, _ in failure.examples[:MAX_EXAMPLES]),
    )


def _in_contract_order(failures: Sequence[_Failure]) -> list[_Failure]:
    """Sort failures by their column's place in the contract, as the readers sort them."""
    from toolkit.data.schemas import PERSONS_RULES

    order = {name: position for position, name in enumerate(PERSONS_RULES)}
    return sorted(failures, key=lambda failure: order.get(failure.column, len(order)))


def _typed(value: str | None, kind: str) -> Any:
    """Turn an example value the engine sent as text back into its own type (``kind``)."""
    if value is None:
        return None
    kind = kind.upper()
    if kind == "BOOLEAN":
        return value == "true"
    if "INT" in kind:
        return int(value)
    if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
        return float(value)
    if kind.startswith(("TIMESTAMP", "DATE")):
        return pd.Timestamp(value)
    return value


def _check_values(
    con: Any,
    table: ir.Table,
    *,
    label: str,
    source: str | None,
    engine: Engine,
    locate: Callable[[], tuple[ir.Table, Mapping[str, int] | None] | None],
    several_files: bool,
) -> None:
    """Raise one DataContractError listing every value rule the persons break, or return.

    The common case (nothing wrong) costs one aggregate query in the engine (on DuckDB,
    plus the scan of ``person_id`` hashes of :func:`_surplus_hashes`). Only when a rule
    fails are the example rows looked up, in a second scan of a table that carries the
    file and row number of each person (``locate``).
    """
    from toolkit.data.readers import _raise

    checks = _value_checks(table)
    counts, surplus = _count_failures(con, table, checks, engine)
    if not any(counts) and surplus <= 0:
        return
    duplicated: ir.Table | None = None
    duplicate_rows = 0
    if surplus > 0:
        duplicated, duplicate_rows = _duplicate_ids(con, table)
    failing_at = [index for index, count in enumerate(counts) if count]
    failing = [(checks[index], counts[index]) for index in failing_at]
    if not failing and not duplicate_rows:
        return  # a hash collision, cleared by the exact look-up

    located = locate()
    examples: list[list[tuple[str | None, int, str | None]]] = [[] for _ in failing]
    duplicate_examples: list[tuple[str | None, int, str | None]] = []
    if located is not None:
        located_table, starts = located
        wanted = [(check.broken, check.column) for check in _value_checks(located_table)]
        wanted = [wanted[index] for index in failing_at]
        if duplicate_rows:
            repeated = located_table["person_id"].isin(duplicated["person_id"])  # type: ignore[index]
            wanted.append((repeated.fill_null(False), "person_id"))
        found = _example_rows(con, located_table, wanted, starts)
        examples = found[: len(failing)]
        duplicate_examples = found[len(failing)] if duplicate_rows else []
    failures = [
        _Failure(check.column, check.check, check.phrases, count, tuple(rows))
        for (check, count), rows in zip(failing, examples, strict=True)
    ]
    if duplicate_rows:
        failures.append(
            _Failure(
                "person_id",
                "unique",
                ("shares a person_id with another row", "share a person_id with another row"),
                duplicate_rows,
                tuple(duplicate_examples),
            )
        )
    no_rows = (
        None
        if located is not None
        else f"{engine} does not give row numbers for this input: run build_cube with "
        "engine='duckdb' on the files, or toolkit.data.read_persons, to list them"
    )
    problems = [
        _to_problem(failure, several_files=several_files, no_rows=no_rows)
        for failure in _in_contract_order(failures)
    ]
    _raise(problems, label=label, source=source, first_row=2)


@dataclass(frozen=True)
class _Source:
    """The persons as an engine-side table, what to call it, and how to find its rows."""

    table: ir.Table
    label: str
    path: str | None = None
    several_files: bool = False
    #: Builds, only when a value check fails, the table with each person's file and row
    #: number (see :func:`_check_values`); ``None`` when the engine cannot number the rows.
    locate: Callable[[], tuple[ir.Table, Mapping[str, int] | None] | None] = lambda: None
    #: For files scanned by DuckDB: the persons contract as SQL (see :func:`_check_files`).
    contract: _FileContract | None = None


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duckdb_view(con: Any, query: str) -> ir.Table:
    """Return a DuckDB query as an Ibis table, through a temporary view.

    (Ibis' own ``con.sql`` reads the schema with a call DuckDB 2 no longer has.)
    """
    name = f"pophealth_located_{uuid.uuid4().hex}"
    con.raw_sql(f"CREATE TEMPORARY VIEW {name} AS {query}")
    return con.table(name)


def _numbered(persons: pd.DataFrame) -> pd.DataFrame:
    """Return the DataFrame with its spreadsheet row numbers (position + 2, as readers.py)."""
    return persons.reset_index(drop=True).assign(
        **{_FILE: "", _ROW: np.arange(2, len(persons) + 2, dtype="int64")}
    )


def _duckdb_table(con: Any, persons: Any, *, check_causes: bool = False) -> _Source:
    """Return the persons as a DuckDB-side table: a DataFrame, or files (see _file_source).

    ``check_causes`` refuses, in files, a ``cause_of_death`` outside the contract's broad
    groups, as the readers do (:func:`build_cube`); :func:`toolkit.segment.build_cohort_cube`
    counts those deaths as of another cause instead.
    """
    import ibis

    if isinstance(persons, pd.DataFrame):
        # Registered with DuckDB through Arrow when the query runs; no copy into its storage.
        return _Source(
            ibis.memtable(persons),
            "persons table",
            locate=lambda: (ibis.memtable(_numbered(persons)), None),
        )

    text = os.fspath(persons)
    if Path(text).is_file() and _suffix(text) in _READERS_ONLY_SUFFIXES:
        # Files the engine does not scan but the readers read (Excel, a zip, a gzip of
        # another kind) or refuse (tab-separated): read_persons reads or refuses them, so
        # that `cube` and `validate` accept and refuse the same files.
        return _hand_to_readers(con, [text], text, text, reason="")
    files, kind = resolve_files(persons)
    several = len(files) > 1
    label = files[0] if not several else f"{text} ({len(files)} files)"
    return _file_source(con, files, kind, label, text, check_causes=check_causes)


# --------------------------------------------------------------------------------------
# Files on DuckDB: the readers' contract, checked in the engine
# --------------------------------------------------------------------------------------
#: File endings :func:`toolkit.data.read_persons` reads that :func:`build_cube` scans too.
_READER_SUFFIXES = (".csv", ".parquet", ".pq")

#: Single files :func:`build_cube` hands to :func:`toolkit.data.read_persons` whole: kinds the
#: readers read and the engine does not scan, and ``.tsv``, which the readers refuse.
_READERS_ONLY_SUFFIXES = (".xlsx", ".xlsm", ".zip", ".gz", ".txt", ".tsv", ".xls")


@dataclass
class _FileContract:
    """Persons files scanned by DuckDB, standardised and checked as the readers do.

    ``view`` is the temporary view the cube reads (contract columns under their contract
    names and types); ``full`` is the view with the helper columns the checks read. The
    view of the files read as they stand (``standardisation.fast``) is made when first
    used, by :func:`fast_aggregate`.
    """

    files: list[str]
    kind: Literal["parquet", "csv"]
    label: str
    path: str
    columns: list[tuple[str, str]]
    standardisation: Standardisation
    view: str
    full: str
    check_causes: bool


def _view_name(kind: str) -> str:
    return f"pophealth_{kind}_{uuid.uuid4().hex}"


def _raw_query(
    files: Sequence[str],
    kind: Literal["parquet", "csv"],
    header: Sequence[str] | None,
    *,
    located: bool,
) -> str:
    """Return the SQL scanning the files: CSV with every column as text, Parquet as stored.

    CSV columns are named by position and renamed to the header's names (without
    surrounding spaces), so that DuckDB neither guesses types (which a value far down the
    file could contradict) nor skips lines it takes for a title. With ``located``, each
    row's file and spreadsheet row number (CSV: its position among all rows, 1 upwards;
    corrected by :func:`_csv_starts`) are added as ``_FILE`` and ``_ROW``.
    """
    from toolkit.segment._engine_contract import literal, quoted

    listed = "[" + ", ".join(literal(name) for name in files) + "]"
    if kind == "parquet":
        place = f", filename AS {_FILE}, file_row_number + 2 AS {_ROW}" if located else ""
        return f"SELECT *{place} FROM read_parquet({listed}, union_by_name = true)"
    assert header is not None
    spec = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(len(header)))
    delimiter = "\\t" if files[0].lower().endswith(".tsv") else ","
    names = ", ".join(f"c{index} AS {quoted(name)}" for index, name in enumerate(header))
    scan = (
        f"read_csv({listed}, header = true, auto_detect = false, columns = {{{spec}}}, "
        f"delim = '{delimiter}', quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = false{', filename = true' if located else ''})"
    )
    if located:
        return (
            f"SELECT {names}, filename AS {_FILE}, ordinality AS {_ROW} FROM {scan} WITH ORDINALITY"
        )
    return f"SELECT {names} FROM {scan}"


#: Fewest rows in a slice of a Parquet file scanned on its own (DuckDB's row group size).
_SLICE_ROWS = 122_880


def _sliced_parquet(con: Any, files: Sequence[str], names: Sequence[str]) -> str | None:
    """Return SQL scanning one Parquet file in slices of rows, each on a thread; or ``None``.

    DuckDB scans a Parquet file with one thread per row group, and a file of a million rows
    written by pandas or pyarrow has a single row group: the other cores wait. Slices of
    its rows (by ``file_row_number``, which DuckDB uses to skip the other rows' pages),
    joined by ``UNION ALL``, are scanned in parallel. Only for one file with fewer row
    groups than DuckDB has threads, and rows enough for a slice per thread. Our own code,
    because no library splits a Parquet row group between DuckDB's threads.
    """
    from toolkit.segment._engine_contract import literal, quoted

    if len(files) != 1 or "file_row_number" in names:
        return None
    threads = int(con.con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    rows, groups = con.con.execute(
        f"SELECT num_rows, num_row_groups FROM parquet_file_metadata({literal(files[0])})"
    ).fetchall()[0]
    slices = min(threads, int(rows) // _SLICE_ROWS)
    if groups >= threads or slices < 2:
        return None
    size = -(-int(rows) // slices)
    listed = ", ".join(quoted(name) for name in names)
    scan = f"read_parquet({literal(files[0])}, file_row_number = true)"
    return " UNION ALL ".join(
        f"SELECT {listed} FROM {scan} WHERE file_row_number >= {start} "
        f"AND file_row_number < {start + size}"
        for start in range(0, int(rows), size)
    )


def _file_source(
    con: Any,
    files: list[str],
    kind: Literal["parquet", "csv"],
    label: str,
    path: str,
    *,
    check_causes: bool,
) -> _Source:
    """Scan persons files on DuckDB, matching columns and standardising values as the readers.

    The header is checked first (:func:`toolkit.data.readers.persons_column_problems`): a
    header the readers refuse, or one that cannot be read, is handed to them for their
    message (see :func:`_hand_to_readers`).
    """
    import duckdb

    from toolkit.data.readers import persons_column_problems
    from toolkit.segment._engine_contract import quoted, standardise

    header: list[str] | None = None
    columns: list[tuple[str, str]] = []
    try:
        if kind == "csv":
            headers = [[name.strip() for name in _csv_header(name)] for name in files]
            header = headers[0]
            for name, other in zip(files[1:], headers[1:], strict=True):
                if other != header:
                    raise DataContractError(
                        f"{label}: {name} has different columns from {files[0]}; files read "
                        "together must have the same header.",
                        source=path,
                    )
            columns = [(name, "VARCHAR") for name in header]
        else:
            described = con.con.execute(
                f"DESCRIBE {_raw_query(files, kind, None, located=False)}"
            ).fetchall()
            columns = [(str(row[0]), str(row[1])) for row in described]
    except (UnicodeDecodeError, duckdb.Error) as error:
        return _hand_to_readers(con, files, label, path, reason=_first_line(error))
    names = [name for name, _ in columns]
    problems = persons_column_problems(names)
    if problems or not all(names):
        return _hand_to_readers(con, files, label, path, reason=" ".join(problems))

    standardisation = standardise(
        _raw_query(files, kind, header, located=False),
        columns,
        csv=kind == "csv",
        check_causes=check_causes,
        fast_raw=_sliced_parquet(con, files, names) if kind == "parquet" else None,
    )
    full, view = _view_name("checked"), _view_name("persons")
    con.raw_sql(f"CREATE TEMPORARY VIEW {full} AS {standardisation.full}")
    listed = ", ".join(quoted(name) for name in standardisation.columns)
    con.raw_sql(f"CREATE TEMPORARY VIEW {view} AS SELECT {listed} FROM {full}")
    contract = _FileContract(
        files, kind, label, path, columns, standardisation, view, full, check_causes
    )
    return _Source(con.table(view), label, path, len(files) > 1, contract=contract)


#: Columns of the fast view saying whether a row is kept, and whether it breaks a rule.
_FAST_FLAGS = ("_pophealth_kept", "_pophealth_broken")
#: The fast aggregate's counts of the rows that do not read as they stand (or break a
#: rule), and of all the rows (persons).
_NOT_AS_THEY_STAND = "_pophealth_not_as_they_stand"
_ROWS = "_pophealth_rows"


def fast_aggregate(
    con: Any,
    source: _Source,
    aggregate: Callable[[ir.Table, Mapping[str, ir.BooleanValue]], ir.Table],
    *,
    validate: bool,
) -> pa.Table | None:
    """Aggregate files as they stand, checking them in the same scan; ``None`` if unsafe.

    The common case costs one scan that both aggregates and checks, and (with
    ``validate``) a scan of the ``person_id`` hashes (:func:`_hash_surplus`).
    ``aggregate`` (the cube's or the cohort cube's expression, given flags whose persons
    to count) runs over the files read as they stand (the view of
    :func:`toolkit.segment._engine_contract._fast_query`) and counts, in the same
    group-by, the persons, and those whose rows do not read as they stand or, with
    ``validate``, break a rule. The aggregate is returned when that count is zero, there
    are persons, the values it is grouped by (``sex``, ``place``) stand and, with
    ``validate``, every ``person_id`` stands and none repeats: it is then the aggregate of
    the standardised files, and these pass every check. Otherwise (and on any engine
    error) ``None``: the caller checks and aggregates the standardised files as before,
    which gives the exact counts, messages and errors, in their order.

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`. Our own
    code, because no library checks files against a contract in the scan that aggregates
    them.
    """
    import duckdb
    import ibis
    import pyarrow.compute as pc

    from toolkit.segment._engine_contract import stands_as_key

    contract = source.contract
    if contract is None or contract.standardisation.fast is None:
        return None
    reading = contract.standardisation.fast
    view = _view_name("fast")
    try:
        con.raw_sql(f"CREATE TEMPORARY VIEW {view} AS {reading.sql}")
        table = con.table(view)
        if table.drop(*reading.stands.values(), *_FAST_FLAGS).schema() != source.table.schema():
            return None  # pragma: no cover - a type the fast reading does not keep
    except Exception:  # noqa: BLE001 - any error: the standardised files give it, in order
        return None

    def unique_ids(rows: int | None = None) -> bool:
        """Whether every person_id stands and none repeats (see :func:`_hash_surplus`).

        ``rows``, the number of rows (about), is read from Parquet metadata when not given.
        """
        try:
            if rows is None:
                listed = "[" + ", ".join(_sql_text(name) for name in contract.files) + "]"
                rows = con.con.execute(
                    f"SELECT sum(num_rows) FROM parquet_file_metadata({listed})"
                ).fetchall()[0][0]
            query = f"SELECT {reading.id_hash} FROM {view}"
            surplus = _hash_surplus(con, query, max(int(rows or 0), 1))
            return surplus == 0 or (surplus is not None and not _duplicate_ids(con, table)[1])
        except duckdb.Error:
            return False

    # The ids of Parquet files are looked at first, their number known from the files'
    # metadata: the hashes' memory is then freed before DuckDB's aggregation takes its own.
    ids_first = validate and reading.id_hash is not None and contract.kind == "parquet"
    if ids_first and not unique_ids():
        return None
    try:
        # Rows count as not standing where a column with a test does not stand, read by
        # the aggregate or not (``person_id`` aside: see ``unique_ids``). For a column the
        # aggregate does not read this is stricter than it need be, which costs only the
        # standardised path for such files; finding the columns read would mean building
        # the expression twice, its costliest step.
        trusted = table[_FAST_FLAGS[0]]
        if validate:
            trusted = trusted & ~table[_FAST_FLAGS[1]]
        for name, column in reading.stands.items():
            if name != "person_id":
                trusted = trusted & table[column]
        counts = {_NOT_AS_THEY_STAND: ~trusted, _ROWS: ibis.literal(True)}
        expression = aggregate(table, counts)
        result = con.to_pyarrow(expression)
    except Exception:  # noqa: BLE001 - any error: the standardised files give it, in order
        return None  # (the checks' message first, then the aggregate's own error)
    persons = pc.sum(result[_ROWS]).as_py()
    if pc.sum(result[_NOT_AS_THEY_STAND]).as_py() or not persons:
        return None
    csv = contract.kind == "csv"
    for name in reading.keys:
        if name in result.column_names and not all(
            stands_as_key(name, value, csv=csv) for value in pc.unique(result[name]).to_pylist()
        ):
            return None
    if validate and reading.id_hash is not None and not ids_first and not unique_ids(persons):
        return None
    return result.drop_columns([_NOT_AS_THEY_STAND, _ROWS])


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _readable_by_readers(files: Sequence[str]) -> bool:
    return len(files) == 1 and Path(files[0]).suffix.lower() in _READER_SUFFIXES


def _read_with_readers(files: Sequence[str], label: str, path: str, reason: str) -> pd.DataFrame:
    """Read the files with :func:`toolkit.data.read_persons`: its message, or its table.

    One file of a kind the readers read is read whole (its error is then exactly the one
    ``pophealth validate`` prints, the file named as given). Several files are read one by
    one, so that the first one the readers refuse is named; should all pass, they are
    joined. Files the readers do not read (``.tsv``, ``.csv.gz``, ``.parq``) get a plain
    message built from ``reason``.
    """
    from toolkit.data.readers import read_persons

    readable = [
        name
        for name in files
        if Path(name).suffix.lower() in _READER_SUFFIXES
        or (len(files) == 1 and _suffix(name) in _READERS_ONLY_SUFFIXES)
    ]
    if len(readable) < len(files):
        raise DataContractError(
            f"{label}: the persons files could not be read as the contract needs "
            f"({reason or 'unreadable'}).",
            source=path,
        )
    frames = [read_persons(name, label=name if len(files) > 1 else label) for name in files]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _hand_to_readers(con: Any, files: list[str], label: str, path: str, *, reason: str) -> _Source:
    """Return the readers' table of files the engine cannot scan as they are, or raise."""
    import ibis

    frame = _read_with_readers(files, label, path, reason)
    return _Source(
        ibis.memtable(frame),
        label,
        path,
        len(files) > 1,
        locate=lambda: (ibis.memtable(_numbered(frame)), None),
    )


def _check_files(con: Any, contract: _FileContract) -> int:
    """Check scanned persons files against the whole persons contract; the persons, or raise.

    One aggregate query counts the rows breaking each rule (and the rows), then the
    ``person_id`` hashes are scanned for repeats (:func:`_surplus_hashes`). When every
    count is zero the files are read by the cube as they stand. When a rule is broken, the
    message is built in the engine (:func:`_raise_from_engine`: each rule's count and
    first rows, in the readers' words), so that a large bad file is never loaded.

    The readers decide instead (:func:`_read_with_readers`; for one CSV or Parquet file
    their message is exactly that of ``pophealth validate``) when DuckDB cannot scan the
    files (text that is not UTF-8, a line with too many values, a truncated file), when
    they hold no rows, when a CSV file has blank lines (DuckDB skips them, so its row
    numbers would be wrong), and when a value the SQL could not read is one pandas reads
    (the SQL errs on the strict side; the failing distinct values are put through the
    readers' own standardisation to make sure). Should the readers accept the file, the
    cube is built from the table they return, through the same view.
    """
    import duckdb

    standardisation = contract.standardisation
    checks = standardisation.checks
    has_ids = "person_id" in standardisation.columns
    measures = [f"count_if({check.broken}) AS k{index}" for index, check in enumerate(checks)]
    if has_ids:
        measures.append("count(person_id) AS ids")
    query = f"SELECT {', '.join(['count(*) AS n', *measures])} FROM {contract.full}"
    reason = ""
    duplicated = 0
    try:
        row = con.con.execute(query).fetchall()[0]
        rows = int(row[0])
        counts = [int(value or 0) for value in row[1 : 1 + len(checks)]]
        if has_ids and _surplus_hashes(con, con.table(contract.view), int(row[-1] or 0)) > 0:
            duplicated = _duplicate_ids(con, con.table(contract.view))[1]
    except duckdb.Error as error:
        rows, counts, reason = -1, [], _first_line(error)
    if rows > 0 and not any(counts) and not duplicated:
        return rows
    engine_can_tell = rows > 0 and (
        not _readable_by_readers(contract.files)
        or (
            not (
                contract.kind == "csv"
                and (
                    _has_blank_lines(contract.files[0])
                    or _has_uneven_lines(contract.files[0], len(contract.columns))
                )
            )
            and _unreadable_confirmed(con, contract, counts)
        )
    )
    if engine_can_tell:
        _raise_from_engine(con, contract, counts, duplicated)
    if rows == 0 and not _readable_by_readers(contract.files):
        raise DataContractError(
            f"{contract.label}: the table has a header row but no data rows.",
            source=contract.path,
        )
    frame = _read_with_readers(contract.files, contract.label, contract.path, reason)
    _replace_view(con, contract, frame)
    return len(frame)


def _has_blank_lines(path: str) -> bool:
    """Whether a CSV file has an empty line (read in blocks; only when a rule failed)."""
    opener: Callable[..., Any] = gzip.open if path.lower().endswith(".gz") else open
    previous = b"\n"
    with opener(path, "rb") as handle:
        while block := handle.read(1 << 24):
            text = (previous + block).replace(b"\r\n", b"\n")
            if b"\n\n" in text:
                return True
            previous = block[-2:]
    return False


def _has_uneven_lines(path: str, width: int) -> bool:
    """Whether a CSV record has other than ``width`` values (streamed; only when a rule failed).

    DuckDB reads a line with one value too many when the last is empty (a trailing comma)
    and drops it; the readers refuse the line, naming it.
    """
    opener: Callable[..., Any] = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="", errors="replace") as handle:
        return any(len(record) not in (0, width) for record in csv.reader(handle))


#: Most distinct unreadable values of a column put through the readers' standardisation.
_CONFIRM_VALUES = 10_000


def _unreadable_confirmed(con: Any, contract: _FileContract, counts: Sequence[int]) -> bool:
    """Whether pandas, too, cannot read the text values the SQL found unreadable.

    The readers' standardisation (:func:`toolkit.data.schemas.standardise_column`) is run
    on the distinct failing values of each text column (at most :data:`_CONFIRM_VALUES`
    of each): if it reads any of them, the SQL was stricter than the readers.
    """
    from toolkit.data.schemas import PERSONS_RULES, UNREADABLE_PHRASES, standardise_column

    unreadable = {phrases[0] for phrases in UNREADABLE_PHRASES.values()}
    text_columns = {
        name
        for name, kind in zip(contract.standardisation.columns, contract.columns, strict=True)
        if kind[1].upper() == "VARCHAR"
    }
    for check, count in zip(contract.standardisation.checks, counts, strict=True):
        if not count or check.check not in unreadable or check.column not in text_columns:
            continue
        values = [
            item[0]
            for item in con.con.execute(
                f"SELECT DISTINCT {check.shown} FROM {contract.full} WHERE {check.broken} "
                f"LIMIT {_CONFIRM_VALUES}"
            ).fetchall()
        ]
        series = pd.Series(values, dtype=object)
        _, bad = standardise_column(series, PERSONS_RULES[check.column], check.column)
        if not bool(bad.all()):
            return False
    return True


def _replace_view(con: Any, contract: _FileContract, frame: pd.DataFrame) -> None:
    """Point the cube's view at the readers' table, keeping its columns and types."""
    import pyarrow as pa

    from toolkit.segment._engine_contract import quoted

    types = {
        str(name): str(kind)
        for name, kind, *_ in con.con.execute(f"DESCRIBE {contract.view}").fetchall()
    }
    name = _view_name("read")
    con.con.register(name, pa.Table.from_pandas(frame, preserve_index=False))
    listed = ", ".join(
        f"CAST({quoted(column)} AS {kind}) AS {quoted(column)}" for column, kind in types.items()
    )
    con.raw_sql(f"CREATE OR REPLACE TEMPORARY VIEW {contract.view} AS SELECT {listed} FROM {name}")


def _csv_starts(con: Any, located: str, files: Sequence[str]) -> dict[str, int]:
    """How much to subtract from a CSV row's position among all files for its row number."""
    if len(files) == 1:
        return {files[0]: -1}
    firsts = con.con.execute(
        f"SELECT {_FILE}, min({_ROW}) FROM ({located}) GROUP BY {_FILE}"
    ).fetchall()
    return {str(name): int(first) - 2 for name, first in firsts}


def _raise_from_engine(
    con: Any, contract: _FileContract, counts: Sequence[int], duplicated: int
) -> None:
    """Raise one error listing each broken rule's count and first rows, found in the engine."""
    from toolkit.data.readers import MAX_EXAMPLES, _raise
    from toolkit.segment._engine_contract import standardise

    checks = contract.standardisation.checks
    header = [name for name, _ in contract.columns] if contract.kind == "csv" else None
    raw = _raw_query(contract.files, contract.kind, header, located=True)
    con.raw_sql("SET preserve_insertion_order = true")
    located = standardise(
        raw,
        contract.columns,
        csv=contract.kind == "csv",
        extra=(_FILE, _ROW),
        check_causes=contract.check_causes,
    )
    starts = _csv_starts(con, raw, contract.files) if contract.kind == "csv" else None
    wanted = [
        (index, check.broken, check.shown or "NULL")
        for index, check in enumerate(located.checks)
        if counts[index]
    ]
    if duplicated:
        wanted.append(
            (
                len(checks),
                "person_id IN (SELECT person_id FROM _located WHERE person_id IS NOT NULL "
                "GROUP BY person_id HAVING count(*) > 1)",
                "person_id",
            )
        )
    # Each value travels as text with its type, so that it is shown as the readers show it.
    parts = [
        f"(SELECT {index} AS _check, CAST({_FILE} AS VARCHAR) AS _file, "
        f"CAST({_ROW} AS BIGINT) AS _row, CAST({shown} AS VARCHAR) AS _value, "
        f"typeof({shown}) AS _type FROM _located "
        f"WHERE {broken} ORDER BY _file, _row LIMIT {MAX_EXAMPLES})"
        for index, broken, shown in wanted
    ]
    found = con.con.execute(
        f"WITH _located AS ({located.full}) {' UNION ALL '.join(parts)}"
    ).fetchall()
    examples: dict[int, list[tuple[str | None, int, Any]]] = {}
    for index, file, row, value, kind in sorted(found, key=lambda item: item[:3]):
        number = int(row) - (starts[file] if starts else 0)
        examples.setdefault(index, []).append((file, number, _typed(value, kind)))
    failures = [
        _Failure(
            check.column,
            check.check,
            check.phrases,
            counts[index],
            tuple(examples.get(index, [])),
            typed=True,
        )
        for index, check in enumerate(checks)
        if counts[index]
    ]
    if duplicated:
        failures.append(
            _Failure(
                "person_id",
                "unique",
                ("shares a person_id with another row", "share a person_id with another row"),
                duplicated,
                tuple(examples.get(len(checks), [])),
                typed=True,
            )
        )
    several = len(contract.files) > 1
    problems = [
        _to_problem(failure, several_files=several, no_rows=None)
        for failure in _in_contract_order(failures)
    ]
    _raise(problems, label=contract.label, source=contract.path, first_row=2)


def _arrow_for_spark(persons: pd.DataFrame) -> Any:
    """Return the DataFrame as Arrow for Spark, categorical columns decoded.

    Through Arrow, NaN and pandas' missing values arrive in Spark as null; Spark has no
    dictionary type, so categorical columns are decoded.
    """
    import pyarrow as pa

    arrow = pa.Table.from_pandas(persons, preserve_index=False)
    for index, arrow_field in enumerate(arrow.schema):
        if pa.types.is_dictionary(arrow_field.type):
            decoded = arrow.column(index).cast(arrow_field.type.value_type)
            arrow = arrow.set_column(index, arrow_field.name, decoded)
    return arrow


def _spark_view(con: Any, spark_frame: SparkDataFrame, views: list[str]) -> ir.Table:
    name = f"pophealth_persons_{uuid.uuid4().hex}"
    spark_frame.createOrReplaceTempView(name)
    views.append(name)
    return con.table(name)


def _spark_table(con: Any, session: SparkSession, persons: Any, views: list[str]) -> _Source:
    spark_frame: SparkDataFrame
    path: str | None = None
    files: list[str] = []
    kind = "frame"
    if isinstance(persons, pd.DataFrame):
        spark_frame = session.createDataFrame(_arrow_for_spark(persons))
        label = "persons table"
    elif type(persons).__name__ == "DataFrame" and type(persons).__module__.startswith("pyspark"):
        spark_frame, label = persons, "Spark DataFrame"
    else:
        text = path = os.fspath(persons)
        if "://" in text:  # a URI on the Spark platform's storage: Spark resolves it
            files = [text]
            kind = "csv" if _suffix(text) in _CSV_SUFFIXES else "parquet"
        else:
            files, kind = resolve_files(persons)
        label = files[0] if len(files) == 1 else f"{text} ({len(files)} files)"
        if kind == "parquet":
            spark_frame = session.read.parquet(*files)
        else:
            spark_frame = session.read.csv(files, header=True, inferSchema=True)
            for column in _TEXT_COLUMNS:
                if column in spark_frame.columns:
                    spark_frame = spark_frame.withColumn(column, spark_frame[column].cast("string"))

    def locate() -> tuple[ir.Table, None] | None:
        from pyspark.sql import functions

        if isinstance(persons, pd.DataFrame):
            numbered = session.createDataFrame(_arrow_for_spark(_numbered(persons)))
            return _spark_view(con, numbered, views), None
        if kind == "parquet":
            # Spark's hidden _metadata column gives each Parquet row's file and position.
            numbered = spark_frame.select(
                "*",
                functions.col("_metadata.file_path").alias(_FILE),
                (functions.col("_metadata.row_index") + 2).alias(_ROW),
            )
            return _spark_view(con, numbered, views), None
        return None  # Spark numbers neither CSV rows nor a Spark DataFrame's rows

    return _Source(_spark_view(con, spark_frame, views), label, path, len(files) > 1, locate)


# --------------------------------------------------------------------------------------
# build_cube
# --------------------------------------------------------------------------------------
def _tidy(raw: pd.DataFrame, model: SegmentationModel) -> pd.DataFrame:
    """Turn the engine's aggregate into the contract's cube: labels, dtypes and order."""
    segment_code = raw[_SEGMENT].to_numpy(dtype="int64")
    band_code = raw[_BAND].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    band_labels = np.asarray(ESP2013_BANDS, dtype=object)
    valid_band = ~np.isnan(band_code) & (band_code >= 0)
    bands = np.full(len(raw), None, dtype=object)
    bands[valid_band] = band_labels[band_code[valid_band].astype("int64")]
    cube = pd.DataFrame(
        {
            "segment": pd.array(
                np.asarray(model.segments, dtype=object)[segment_code], dtype=_TEXT_DTYPE
            ),
            "age_band": pd.array(bands, dtype=_TEXT_DTYPE),
            "sex": pd.array(raw["sex"].astype(object), dtype=_TEXT_DTYPE),
            "imd_decile": pd.array(raw["imd_decile"], dtype="Int64"),
            "place": (
                pd.array(raw["place"].astype(object), dtype=_TEXT_DTYPE)
                if "place" in raw.columns
                else pd.array([WHOLE_SYSTEM_PLACE] * len(raw), dtype=_TEXT_DTYPE)
            ),
            "_segment_order": segment_code,
            "_band_order": np.where(valid_band, band_code, len(ESP2013_BANDS)),
        }
    )
    for measure in CUBE_MEASURES:
        values = raw[measure]
        if measure == "cost_gbp":
            cube[measure] = values.astype("float64").fillna(0.0).to_numpy()
        else:
            cube[measure] = values.astype("Int64").fillna(0).to_numpy(dtype="int64")
    cube = cube.sort_values(
        ["_segment_order", "_band_order", "sex", "imd_decile", "place"],
        na_position="last",
        kind="stable",
    )
    return cube.drop(columns=["_segment_order", "_band_order"]).reset_index(drop=True)[
        [*CUBE_DIMENSIONS, *CUBE_MEASURES]
    ]


def build_cube(
    persons: pd.DataFrame | str | os.PathLike[str] | SparkDataFrame,
    *,
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel = "bridges_to_health",
    engine: Engine = "duckdb",
    validate: bool = True,
    progress: bool = False,
    spark_session: SparkSession | None = None,
) -> pd.DataFrame:
    """Segment persons and aggregate them into the tidy cohort cube.

    Parameters
    ----------
    persons : pandas.DataFrame, path, folder, glob or Spark DataFrame
        The persons table of the data contract: a DataFrame, or Parquet or CSV files that
        the engine scans directly without loading them into pandas (a file, a folder of
        files, or a glob such as ``"extracts/persons_*.parquet"``). With
        ``engine="spark"`` a Spark DataFrame is also accepted.
    model : {"bridges_to_health", "age_ltc"}, path or SegmentationModel, default "bridges_to_health"
        The segmentation model: a built-in one, a TOML/YAML rules file or a model from
        :func:`toolkit.segment.load_rules`.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where to run the query: embedded DuckDB, or PySpark for data that lives on a
        Spark platform.
    validate : bool, default True
        Check the values the cube depends on, in the engine (files are never loaded into
        pandas; for files on DuckDB, in the scan that aggregates them, see Notes):
        ``age`` present and within 0 to 120; ``sex`` present and ``F`` or ``M``;
        ``imd_decile`` within 1 to 10 when present; every activity count and ``cost_gbp``
        present and not negative; ``died`` present; ``person_id`` (when the table has it)
        present and unique. Every failing check is reported at once. Turn it off only for
        data already checked, such as the output of :func:`toolkit.data.read_persons`.
    progress : bool, default False
        Show the steps (reading, checking values, segmenting and aggregating, tidying) as
        a progress bar.
    spark_session : pyspark.sql.SparkSession, optional
        Session for ``engine="spark"``; by default the active session, or a new local one.

    Returns
    -------
    pandas.DataFrame
        The cube: columns ``segment, age_band, sex, imd_decile, place`` then ``persons,
        deaths``, the sum of each activity, ``persons_with_<activity>`` and ``cost_gbp``.
        Counts are int64 and ``cost_gbp`` float64; ``imd_decile`` is nullable Int64 (persons
        with unknown deprivation keep a missing decile). Rows are the non-empty cells, sorted
        by segment (in the model's display order), age band (ESP2013 order), sex, decile
        and place. Every person is counted in exactly one cell.

    Raises
    ------
    TypeError
        If an option has the wrong type.
    ValueError
        If ``engine`` is unknown, or the files are not Parquet or CSV.
    FileNotFoundError
        If the path or glob matches no file.
    DataContractError
        If a column the cube or a rule needs is missing (naming the rule and column), or,
        with ``validate=True``, if values break the checks above: one error naming the
        file, and for each failing column and check how many rows fail and the first five
        row numbers (as a spreadsheet shows them: the header is row 1, the first person
        row 2; for a DataFrame, position 0 is row 2; with several files, the file of each
        row). Spark gives row numbers for Parquet files and DataFrames, not for CSV files
        or a Spark DataFrame: there the counts are given without rows.

    Notes
    -----
    Files on DuckDB are read as :func:`toolkit.data.read_persons` reads them and checked
    against the whole persons contract, in the engine: column names matched ignoring case
    and surrounding spaces (:func:`toolkit.data.readers.contract_column_names`), CSV
    values read as text and standardised as the readers do (``sex`` ``"m"`` is ``"M"``,
    flags ``Y``/``N``, cost ``"£1,250"`` is 1250), so that ``pophealth cube`` accepts and
    refuses exactly the files ``pophealth validate`` does. A file DuckDB cannot scan (not
    UTF-8, cut short, a repeated column) is handed to the readers for their message. A
    DataFrame, and files on Spark, get the checks the cube depends on only, with codes read
    as they are (``sex`` ``"m"`` is refused, not mapped): read them with
    :func:`toolkit.data.read_persons` first for the full contract.

    Most files need no standardising (numbers stored as numbers, flags as true/false or
    ``Y``/``N``, text without spaces around it). DuckDB first reads the files as they stand
    and, in the same scan that aggregates them, counts the rows that would need
    standardising or break a rule; rules that the files' statistics settle cost nothing.
    A second scan, of the ``person_id`` hashes, finds repeated ids. Only when a row needs
    standardising or breaks a rule are the files standardised and checked in scans of
    their own, as above, which give the counts and the rows of the message: the cube and
    the error are the same either way. A Parquet file with fewer row groups than DuckDB
    has threads (a million rows written by pandas are one row group) is read in slices of
    rows, one a thread.

    A person with a missing ``imd_decile`` or
    ``place`` is kept in a cell with a missing decile or place; a persons table without a
    ``place`` column puts everyone in the place ``"(all)"``. Activity counts are summed as
    64-bit integers (an overflow is an error, never a wrap-around) and cost as float64, so
    cube totals equal the persons table's totals up to float rounding of ``cost_gbp``.
    """
    builders = {"duckdb": _build_on_duckdb, "spark": _build_on_spark}
    if not isinstance(engine, str):
        raise TypeError(
            "The 'engine' parameter of build_cube must be a str among 'duckdb' and 'spark'. "
            f"Got {type(engine).__name__} instead."
        )
    if engine not in builders:
        raise ValueError(
            "The 'engine' parameter of build_cube must be one of 'duckdb' and 'spark'. "
            f"Got {engine!r} instead."
        )
    if not isinstance(progress, bool):
        raise TypeError(
            "The 'progress' parameter of build_cube must be a bool. "
            f"Got {type(progress).__name__} instead."
        )
    if not isinstance(validate, bool):
        raise TypeError(
            "The 'validate' parameter of build_cube must be a bool. "
            f"Got {type(validate).__name__} instead."
        )
    if engine != "spark" and spark_session is not None:
        raise ValueError("The 'spark_session' parameter of build_cube needs engine='spark'.")
    if not isinstance(persons, pd.DataFrame | str | os.PathLike) and not (
        engine == "spark" and type(persons).__module__.startswith("pyspark")
    ):
        raise TypeError(
            "The 'persons' parameter of build_cube must be a pandas DataFrame or the path of "
            "Parquet/CSV files (or a Spark DataFrame with engine='spark'). "
            f"Got {type(persons).__name__} instead."
        )
    resolved = load_rules(model)
    steps = tqdm(total=3 + validate, desc="cohort cube", unit="step", disable=not progress)
    try:
        raw = builders[engine](persons, resolved, steps, spark_session, validate)
        steps.set_postfix_str("tidying")
        cube = _tidy(raw, resolved)
        steps.update()
    finally:
        steps.close()
    return cube


def check_source(con: Any, source: _Source, steps: tqdm, engine: Engine) -> None:
    """Check the persons' values in the engine (:func:`_check_values`), showing the step.

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`.
    """
    steps.set_postfix_str("checking values")
    if source.contract is not None:
        _check_files(con, source.contract)
        steps.update()
        return
    _check_values(
        con,
        source.table,
        label=source.label if source.path is not None else f"The {source.label}",
        source=source.path,
        engine=engine,
        locate=source.locate,
        several_files=source.several_files,
    )
    steps.update()


def _run(
    con: Any,
    source: _Source,
    model: SegmentationModel,
    steps: tqdm,
    *,
    validate: bool,
    engine: Engine,
) -> pd.DataFrame:
    table, label = source.table, source.label
    _check_input_columns(table.columns, model, label)
    steps.update()
    steps.set_postfix_str("checking values and aggregating" if validate else "aggregating")
    fast = fast_aggregate(
        con,
        source,
        lambda persons, extra: cube_expression(persons, model, extra),
        validate=validate,
    )
    if fast is not None:
        steps.update(1 + validate)
        return fast.to_pandas()
    if validate:
        check_source(con, source, steps, engine)
    steps.set_postfix_str("segmenting and aggregating")
    try:
        expression = cube_expression(table, model)
    except DataContractError as error:
        raise DataContractError(f"The {label}: {error}", source=label) from None
    # Through Arrow: the aggregate is small, and converting it ourselves is quicker than
    # Ibis' own pandas conversion. Ibis casts to the expression's schema on the way, so a
    # sum too large for int64 fails loudly.
    import pyarrow as pa

    try:
        raw = con.to_pyarrow(expression).to_pandas()
    except pa.ArrowInvalid as error:
        if "out of bounds" not in str(error):
            raise
        raise DataContractError(
            f"A sum in the cohort cube of the {label} exceeds the 64-bit integer range; "
            "check the activity counts for corrupt values.",
            source=label,
        ) from error
    steps.update()
    return raw


def _build_on_duckdb(
    persons: Any, model: SegmentationModel, steps: tqdm, spark_session: Any, validate: bool
) -> pd.DataFrame:
    import ibis

    con = ibis.duckdb.connect(**DUCKDB_CONFIG)
    try:
        con.raw_sql("SET enable_progress_bar = false")
        steps.set_postfix_str("reading")
        source = _duckdb_table(con, persons, check_causes=True)
        return _run(con, source, model, steps, validate=validate, engine="duckdb")
    finally:
        con.disconnect()


@contextmanager
def spark_source(persons: Any, spark_session: Any, steps: tqdm) -> Iterator[tuple[Any, _Source]]:
    """Connect Ibis to Spark and register the persons; drop the temporary views after.

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`.
    """
    try:
        import ibis
        from pyspark.sql import SparkSession
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "engine='spark' needs PySpark: pip install 'pophealth-toolkit[spark]'."
        ) from error
    session = spark_session or SparkSession.getActiveSession()
    if session is None:
        session = SparkSession.builder.appName("pophealth").getOrCreate()
    con = ibis.pyspark.connect(session)
    steps.set_postfix_str("reading")
    views: list[str] = []
    try:
        yield con, _spark_table(con, session, persons, views)
    finally:
        for name in views:
            session.catalog.dropTempView(name)


def _build_on_spark(
    persons: Any, model: SegmentationModel, steps: tqdm, spark_session: Any, validate: bool
) -> pd.DataFrame:
    with spark_source(persons, spark_session, steps) as (con, source):
        return _run(con, source, model, steps, validate=validate, engine="spark")


# --------------------------------------------------------------------------------------
# segment_summary
# --------------------------------------------------------------------------------------
def _measures_from_persons(persons: pd.DataFrame) -> pd.DataFrame:
    """Per-person measures for a persons table that already has a ``segment`` column."""
    from toolkit.segment.rules import _flag_values

    needed = ["died", *ACTIVITY_COLUMNS, "cost_gbp"]
    missing = [name for name in needed if name not in persons.columns]
    if missing:
        raise DataContractError(
            "The persons table lacks columns the segment summary needs: "
            f"{', '.join(repr(name) for name in missing)}."
        )
    columns: dict[str, Any] = {
        "segment": persons["segment"].to_numpy()
        if not isinstance(persons["segment"].dtype, pd.CategoricalDtype)
        else persons["segment"].array,
        "persons": np.ones(len(persons), dtype="int64"),
        "deaths": _flag_values(persons["died"]).astype("int64"),
    }
    if "imd_decile" in persons.columns:
        columns["imd_decile"] = pd.array(persons["imd_decile"], dtype="Int64")
    for activity in ACTIVITY_COLUMNS:
        columns[activity] = persons[activity].to_numpy()
    columns["cost_gbp"] = persons["cost_gbp"].to_numpy(dtype="float64")
    return pd.DataFrame(columns)


def segment_summary(
    data: pd.DataFrame,
    *,
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel | None = None,
    by_quintile: bool = False,
) -> pd.DataFrame:
    """Summarise persons, deaths, cost and activity by segment: the first slide.

    Parameters
    ----------
    data : pandas.DataFrame
        A cohort cube from :func:`build_cube` (it scales to any population), persons
        from :func:`assign_segments` (with a ``segment`` column), or a persons table
        without segments, which is segmented with ``model`` through :func:`build_cube`.
    model : {"bridges_to_health", "age_ltc"}, path or SegmentationModel, optional
        Only for persons without segments; ``"bridges_to_health"`` by default.
    by_quintile : bool, default False
        Also split by IMD quintile (``imd_quintile`` 1 = most deprived fifth, from
        ``imd_decile``); persons with an unknown decile form their own rows with a missing
        quintile.

    Returns
    -------
    pandas.DataFrame
        One row per segment (and quintile): ``segment``, [``imd_quintile``], ``persons``,
        ``share_of_population``, ``deaths``, ``deaths_per_1000``, ``cost_gbp``,
        ``cost_per_head``, ``cost_share``, then ``<activity>_per_head`` and
        ``<activity>_share`` for every activity. Shares are fractions of the whole
        population's total (they sum to 1 over the table). Segments come in the model's
        order (a cube's row order, or a categorical ``segment``'s categories).

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or ``by_quintile`` is not a bool.
    ValueError
        If ``model`` is given for data that already has segments.
    DataContractError
        If a column the summary needs is missing.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            "The 'data' parameter of segment_summary must be a pandas DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    if not isinstance(by_quintile, bool):
        raise TypeError(
            "The 'by_quintile' parameter of segment_summary must be a bool. "
            f"Got {type(by_quintile).__name__} instead."
        )
    is_cube = "segment" in data.columns and set(CUBE_MEASURES).issubset(data.columns)
    if "segment" in data.columns and model is not None:
        raise ValueError(
            "The 'model' parameter of segment_summary applies only to persons without a "
            "'segment' column; this data already has segments."
        )
    if is_cube:
        cells = data
    elif "segment" in data.columns:
        cells = _measures_from_persons(data)
    else:
        cells = build_cube(data, model=model or "bridges_to_health")
    if by_quintile and "imd_decile" not in cells.columns:
        raise DataContractError("by_quintile=True needs an 'imd_decile' column.")

    # Segments in the model's order: a categorical's categories, else first appearance
    # (a cube's rows are already in the model's order).
    if isinstance(cells["segment"].dtype, pd.CategoricalDtype):
        order = list(cells["segment"].cat.categories)
    else:
        order = list(pd.unique(cells["segment"]))
    keys = ["segment"]
    extra: dict[str, Any] = {"segment": cells["segment"].astype(_TEXT_DTYPE)}
    if by_quintile:
        extra["imd_quintile"] = (pd.array(cells["imd_decile"], dtype="Int64") + 1) // 2
        keys.append("imd_quintile")
    sums = ["persons", "deaths", *ACTIVITY_COLUMNS, "cost_gbp"]
    grouped = (
        cells[sums]
        .assign(**extra)
        .groupby(keys, dropna=False, sort=False)[sums]
        .sum()
        .reset_index()
    )
    grouped["_order"] = grouped["segment"].map({str(s): i for i, s in enumerate(order)})
    grouped = (
        grouped.sort_values(["_order", *keys[1:]], na_position="last", kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )

    total = grouped[sums].sum()
    persons = grouped["persons"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        columns: dict[str, Any] = {
            "persons": grouped["persons"].astype("int64"),
            "share_of_population": persons / float(total["persons"]),
            "deaths": grouped["deaths"].astype("int64"),
            "deaths_per_1000": grouped["deaths"] / persons * 1000.0,
            "cost_gbp": grouped["cost_gbp"].astype("float64"),
            "cost_per_head": grouped["cost_gbp"] / persons,
            "cost_share": grouped["cost_gbp"] / float(total["cost_gbp"]),
        }
        for activity in ACTIVITY_COLUMNS:
            columns[f"{activity}_per_head"] = grouped[activity] / persons
            columns[f"{activity}_share"] = grouped[activity] / float(total[activity])
    return pd.concat([grouped[keys], pd.DataFrame(columns)], axis=1)
