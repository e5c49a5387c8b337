"""The segment cube: persons segmented and aggregated, written once as an Ibis expression.

:func:`cube_expression` segments a persons table with a model's rules and aggregates it by
segment, ESP2013 age band, sex, IMD decile and place. :func:`build_cube` runs that one
expression on DuckDB (embedded, the default) or on PySpark, reading a pandas DataFrame or
scanning Parquet/CSV files directly (so that ten million persons fit in a few hundred
megabytes). :func:`segment_summary` turns a cube (or persons) into the table analysts put
on their first slide.

Each job has a private module with one entry point: the expression
(:mod:`toolkit.segment._expression`), the persons as the engines see them
(:mod:`toolkit.segment._sources`), the value checks (:mod:`toolkit.segment._value_checks`),
``person_id`` hashing (:mod:`toolkit.segment._hashing`), files on DuckDB
(:mod:`toolkit.segment._duckdb_files`), the fast aggregate (:mod:`toolkit.segment._fast`)
and Spark (:mod:`toolkit.segment._spark`). This module runs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit._params import Constraint, InstanceOf, StrOptions, invalid_parameter, validate_params
from toolkit.data.contract import ACTIVITY_COLUMNS, CUBE_DIMENSIONS, CUBE_MEASURES, ESP2013_BANDS
from toolkit.data.problems import FIRST_DATA_ROW, raise_problems
from toolkit.data.value_rules import value_problems
from toolkit.defaults import DEFAULT_MODEL
from toolkit.errors import DataContractError
from toolkit.segment._duckdb_files import check_files, duckdb_table
from toolkit.segment._expression import BAND_CODE, CUBE_INPUT_COLUMNS, SEGMENT_CODE
from toolkit.segment._expression import cube_expression as unchecked_cube_expression
from toolkit.segment._fast import fast_aggregate
from toolkit.segment._sources import Engine, Source, check_required_columns, resolve_files
from toolkit.segment._spark import spark_source
from toolkit.segment._value_checks import check_values
from toolkit.segment.model import (
    MODEL,
    SEGMENTATION_MODEL,
    BuiltinModel,
    SegmentationModel,
    load_rules,
)
from toolkit.segment.rules import flag_values

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

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

#: pandas' default text dtype ("str", from pandas 3); plain objects on pandas 2.
TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


class _FromPyspark(Constraint):
    """An instance of a PySpark class, known by its name and module.

    Checking an argument so never imports pyspark, which only the Spark engine needs.
    """

    def __init__(self, name: str, description: str) -> None:
        self.name, self.description = name, description

    def is_satisfied_by(self, value: Any) -> bool:
        return any(
            cls.__name__ == self.name and cls.__module__.startswith("pyspark")
            for cls in type(value).__mro__
        )

    def __str__(self) -> str:
        return self.description


#: An Ibis table, the input of the engine-side expressions.
IBIS_TABLE = InstanceOf("ibis.expr.types.Table", "an Ibis table")

#: The constraints of the options :func:`build_cube` and
#: :func:`toolkit.segment.build_cohort_cube` share (see :func:`validate_params`).
ENGINE_PARAMETERS: Mapping[str, list[Any]] = {
    "persons": [
        "data-frame",
        InstanceOf((str, os.PathLike), "the path of Parquet/CSV files (a file, folder or glob)"),
        _FromPyspark("DataFrame", "a Spark DataFrame (with engine='spark')"),
    ],
    "engine": [StrOptions({"duckdb", "spark"})],
    "validate": ["boolean"],
    "progress": ["boolean"],
    "spark_session": [_FromPyspark("SparkSession", "a SparkSession (with engine='spark')"), None],
}


def check_engine(persons: Any, engine: Engine, spark_session: Any, func: str) -> None:
    """Refuse Spark's arguments without ``engine="spark"`` (which the declarations cannot say).

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`.
    """
    if engine == "spark":
        return
    if spark_session is not None:
        raise ValueError(f"The 'spark_session' parameter of {func} needs engine='spark'.")
    if not isinstance(persons, pd.DataFrame | str | os.PathLike):
        raise invalid_parameter(
            "persons",
            func,
            "a pandas DataFrame or the path of Parquet/CSV files (a Spark DataFrame needs "
            "engine='spark')",
            persons,
            kind=TypeError,
        )


#: The one expression of the cube, its arguments checked (the engines run it unchecked).
cube_expression = validate_params(
    {"table": [IBIS_TABLE], "model": [SEGMENTATION_MODEL], "counts": ["mapping", None]}
)(unchecked_cube_expression)


def _check_input_columns(columns: Sequence[str], model: SegmentationModel, label: str) -> None:
    check_required_columns(columns, label)
    model.check_columns(columns, table=label)


# --------------------------------------------------------------------------------------
# build_cube
# --------------------------------------------------------------------------------------
def _tidy(raw: pd.DataFrame, model: SegmentationModel) -> pd.DataFrame:
    """Turn the engine's aggregate into the contract's cube: labels, dtypes and order."""
    segment_code = raw[SEGMENT_CODE].to_numpy(dtype="int64")
    band_code = raw[BAND_CODE].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    band_labels = np.asarray(ESP2013_BANDS, dtype=object)
    valid_band = ~np.isnan(band_code) & (band_code >= 0)
    bands = np.full(len(raw), None, dtype=object)
    bands[valid_band] = band_labels[band_code[valid_band].astype("int64")]
    cube = pd.DataFrame(
        {
            "segment": pd.array(
                np.asarray(model.segments, dtype=object)[segment_code], dtype=TEXT_DTYPE
            ),
            "age_band": pd.array(bands, dtype=TEXT_DTYPE),
            "sex": pd.array(raw["sex"].astype(object), dtype=TEXT_DTYPE),
            "imd_decile": pd.array(raw["imd_decile"], dtype="Int64"),
            "place": (
                pd.array(raw["place"].astype(object), dtype=TEXT_DTYPE)
                if "place" in raw.columns
                else pd.array([WHOLE_SYSTEM_PLACE] * len(raw), dtype=TEXT_DTYPE)
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


@validate_params({**ENGINE_PARAMETERS, "model": MODEL})
def build_cube(
    persons: pd.DataFrame | str | os.PathLike[str] | SparkDataFrame,
    *,
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel = DEFAULT_MODEL,
    engine: Engine = "duckdb",
    validate: bool = True,
    progress: bool = False,
    spark_session: SparkSession | None = None,
) -> pd.DataFrame:
    """Segment persons and aggregate them into the tidy segment cube.

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
    :func:`toolkit.data.read_persons` first for the full contract. Files on Spark have
    their column names matched as on DuckDB, and in CSV files the texts the readers read
    as blank (``#N/A``, ``NULL``) are blank too.

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
    check_engine(persons, engine, spark_session, "build_cube")
    resolved = load_rules(model)
    steps = tqdm(total=3 + validate, desc="segment cube", unit="step", disable=not progress)
    try:
        reading = engine_source(engine, persons, spark_session, steps, check_causes=True)
        with reading as (con, source):
            raw = _run(con, source, resolved, steps, validate=validate, engine=engine)
        steps.set_postfix_str("tidying")
        cube = _tidy(raw, resolved)
        steps.update()
    finally:
        steps.close()
    return cube


def check_source(con: Any, source: Source, steps: tqdm, engine: Engine) -> None:
    """Check the persons' values in the engine (:func:`check_values`), showing the step.

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`.
    """
    steps.set_postfix_str("checking values")
    if source.contract is not None:
        check_files(con, source.contract)
        steps.update()
        return
    check_values(
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
    source: Source,
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
        lambda persons, extra: unchecked_cube_expression(persons, model, extra),
        validate=validate,
    )
    if fast is not None:
        steps.update(1 + validate)
        return fast.to_pandas()
    if validate:
        check_source(con, source, steps, engine)
    steps.set_postfix_str("segmenting and aggregating")
    try:
        expression = unchecked_cube_expression(table, model)
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
            f"A sum in the segment cube of the {label} exceeds the 64-bit integer range; "
            "check the activity counts for corrupt values.",
            source=label,
        ) from error
    steps.update()
    return raw


@contextmanager
def duckdb_connection() -> Iterator[Any]:
    """Connect Ibis to DuckDB with :data:`DUCKDB_CONFIG`, its progress bar off.

    Shared by :func:`build_cube`, :func:`toolkit.segment.build_cohort_cube` and
    :func:`toolkit.segment.check_persons_file`.

    Yields
    ------
    ibis.backends.duckdb.Backend
        The connection; it is closed when the context ends.
    """
    import ibis

    con = ibis.duckdb.connect(**DUCKDB_CONFIG)
    try:
        con.raw_sql("SET enable_progress_bar = false")
        yield con
    finally:
        con.disconnect()


@contextmanager
def engine_source(
    engine: Engine, persons: Any, spark_session: Any, steps: tqdm, *, check_causes: bool = False
) -> Iterator[tuple[Any, Source]]:
    """Connect to the engine and register the persons there, showing the step.

    Shared by :func:`build_cube` and :func:`toolkit.segment.build_cohort_cube`.

    Parameters
    ----------
    engine : {"duckdb", "spark"}
        Where the query runs.
    persons : object
        The persons, as the builders take them.
    spark_session : pyspark.sql.SparkSession or None
        Session for Spark (see :func:`toolkit.segment._spark.spark_source`).
    steps : tqdm
        The progress bar.
    check_causes : bool, default False
        For DuckDB, refuse a ``cause_of_death`` outside the contract's broad groups in
        files (see :func:`toolkit.segment._duckdb_files.duckdb_table`).

    Yields
    ------
    tuple
        The Ibis connection and the persons as a :class:`~toolkit.segment._sources.Source`;
        the connection (or Spark's temporary views) is closed when the context ends.
    """
    if engine == "spark":
        with spark_source(persons, spark_session, steps) as opened:
            yield opened
        return
    with duckdb_connection() as con:
        steps.set_postfix_str("reading")
        yield con, duckdb_table(con, persons, check_causes=check_causes)


# --------------------------------------------------------------------------------------
# segment_summary
# --------------------------------------------------------------------------------------
def _refuse_bad_values(
    data: pd.DataFrame, columns: Sequence[str], table: Literal["persons", "cube"]
) -> None:
    """Refuse missing columns, then negative, blank or fractional counts (and bad costs).

    Worded as the readers word them, naming the table segment_summary was given.
    """
    whose = "segment cube" if table == "cube" else "persons"
    missing = [name for name in columns if name not in data.columns]
    if missing:
        build = "; build it with build_cube" if table == "cube" else ""
        raise DataContractError(
            f"The {whose} given to segment_summary lack{'s' if table == 'cube' else ''} the "
            f"column(s) {', '.join(repr(name) for name in missing)}{build}."
        )
    problems = value_problems(data, columns, table=table, first_row=FIRST_DATA_ROW)
    if problems:
        raise_problems(problems, label=f"The {whose} given to segment_summary", source=None)


def _measures_from_persons(persons: pd.DataFrame) -> pd.DataFrame:
    """Per-person measures for a persons table that already has a ``segment`` column."""
    needed = ["died", *ACTIVITY_COLUMNS, "cost_gbp"]
    _refuse_bad_values(persons, needed, "persons")
    columns: dict[str, Any] = {
        "segment": persons["segment"].to_numpy()
        if not isinstance(persons["segment"].dtype, pd.CategoricalDtype)
        else persons["segment"].array,
        "persons": np.ones(len(persons), dtype="int64"),
        "deaths": flag_values(persons["died"]).astype("int64"),
    }
    if "imd_decile" in persons.columns:
        columns["imd_decile"] = pd.array(persons["imd_decile"], dtype="Int64")
    for activity in ACTIVITY_COLUMNS:
        columns[activity] = persons[activity].to_numpy()
    columns["cost_gbp"] = persons["cost_gbp"].to_numpy(dtype="float64")
    return pd.DataFrame(columns)


@validate_params(
    {"data": ["data-frame"], "model": [*MODEL, None], "quintiles": ["boolean"]},
    renamed={"by_quintile": "quintiles"},
)
def segment_summary(
    data: pd.DataFrame,
    *,
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel | None = None,
    quintiles: bool = False,
) -> pd.DataFrame:
    """Summarise persons, deaths, cost and activity by segment: the first slide.

    Parameters
    ----------
    data : pandas.DataFrame
        A segment cube from :func:`build_cube` (it scales to any population), persons
        from :func:`assign_segments` (with a ``segment`` column), or a persons table
        without segments, which is segmented with ``model`` through :func:`build_cube`.
    model : {"bridges_to_health", "age_ltc"}, path or SegmentationModel, optional
        Only for persons without segments; ``"bridges_to_health"`` by default.
    quintiles : bool, default False
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
        If ``data`` is not a DataFrame or ``quintiles`` is not a bool.
    ValueError
        If ``model`` is given for data that already has segments.
    DataContractError
        If a column the summary needs is missing.
    """
    # A cube has cells (age bands, counts of persons); persons have ages.
    is_cube = "segment" in data.columns and (
        set(CUBE_MEASURES).issubset(data.columns)
        or ("age" not in data.columns and ({"age_band", "persons"} & set(data.columns)))
    )
    if "segment" in data.columns and model is not None:
        raise ValueError(
            "The 'model' parameter of segment_summary applies only to persons without a "
            "'segment' column; this data already has segments."
        )
    if is_cube:
        _refuse_bad_values(data, ["persons", "deaths", *ACTIVITY_COLUMNS, "cost_gbp"], "cube")
        cells = data
    elif "segment" in data.columns:
        cells = _measures_from_persons(data)
    else:
        cells = build_cube(data, model=model or DEFAULT_MODEL)
    if quintiles and "imd_decile" not in cells.columns:
        raise DataContractError("quintiles=True needs an 'imd_decile' column.")

    # Segments in the model's order: a categorical's categories, else first appearance
    # (a cube's rows are already in the model's order).
    if isinstance(cells["segment"].dtype, pd.CategoricalDtype):
        order = list(cells["segment"].cat.categories)
    else:
        order = list(pd.unique(cells["segment"]))
    keys = ["segment"]
    extra: dict[str, Any] = {"segment": cells["segment"].astype(TEXT_DTYPE)}
    if quintiles:
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


__all__ = [
    "CUBE_INPUT_COLUMNS",
    "DUCKDB_CONFIG",
    "WHOLE_SYSTEM_PLACE",
    "build_cube",
    "check_required_columns",
    "check_engine",
    "check_source",
    "cube_expression",
    "duckdb_connection",
    "engine_source",
    "fast_aggregate",
    "resolve_files",
    "segment_summary",
    "spark_source",
]
