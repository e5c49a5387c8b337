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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CUBE_DIMENSIONS,
    CUBE_MEASURES,
    ESP2013_BANDS,
)
from toolkit.errors import DataContractError
from toolkit.segment.model import BuiltinModel, SegmentationModel, load_rules
from toolkit.segment.rules import to_ibis

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

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


def cube_expression(table: ir.Table, model: SegmentationModel) -> ir.Table:
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

    Returns
    -------
    ibis.expr.types.Table
        One row per non-empty cell: the codes, ``sex``, ``imd_decile``, ``place`` (when
        present) and every measure of :data:`toolkit.data.contract.CUBE_MEASURES`, counts
        as 64-bit integers and ``cost_gbp`` as float64.
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
    measures: dict[str, ir.Value] = {
        "persons": table.count().cast("int64"),
        "deaths": died.fill_null(False).cast("int64").sum(),
    }
    for activity in ACTIVITY_COLUMNS:
        measures[activity] = table[activity].cast("int64").sum()
    for activity in ACTIVITY_COLUMNS:
        measures[f"persons_with_{activity}"] = (
            (table[activity] > 0).fill_null(False).cast("int64").sum()
        )
    measures["cost_gbp"] = table["cost_gbp"].cast("float64").sum()
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


def _duckdb_table(con: Any, persons: Any) -> tuple[ir.Table, str]:
    import ibis

    if isinstance(persons, pd.DataFrame):
        # Registered with DuckDB through Arrow when the query runs; no copy into its storage.
        return ibis.memtable(persons), "persons table"

    files, kind = resolve_files(persons)
    label = files[0] if len(files) == 1 else f"{os.fspath(persons)} ({len(files)} files)"
    if kind == "parquet":
        return con.read_parquet(files), label
    header = _csv_header(files[0])
    types = {name: "VARCHAR" for name in _TEXT_COLUMNS if name in header}
    return con.read_csv(files, types=types or None), label


def _spark_table(con: Any, session: SparkSession, persons: Any) -> tuple[ir.Table, str]:
    name = f"pophealth_persons_{uuid.uuid4().hex}"
    spark_frame: SparkDataFrame
    if isinstance(persons, pd.DataFrame):
        import pyarrow as pa

        # Through Arrow, so that NaN and pandas' missing values arrive in Spark as null;
        # categorical columns are decoded (Spark has no dictionary type).
        arrow = pa.Table.from_pandas(persons, preserve_index=False)
        for index, arrow_field in enumerate(arrow.schema):
            if pa.types.is_dictionary(arrow_field.type):
                decoded = arrow.column(index).cast(arrow_field.type.value_type)
                arrow = arrow.set_column(index, arrow_field.name, decoded)
        spark_frame = session.createDataFrame(arrow)
        label = "persons table"
    elif type(persons).__name__ == "DataFrame" and type(persons).__module__.startswith("pyspark"):
        spark_frame, label = persons, "Spark DataFrame"
    else:
        text = os.fspath(persons)
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
    spark_frame.createOrReplaceTempView(name)
    return con.table(name), label


def _check_input_columns(columns: Sequence[str], model: SegmentationModel, label: str) -> None:
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
    model.check_columns(columns, table=label)


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
    progress : bool, default False
        Show the steps (reading, segmenting and aggregating, tidying) as a progress bar.
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
        If a column the cube or a rule needs is missing (naming the rule and column).

    Notes
    -----
    Values are not validated here; validate a persons table first with
    :func:`toolkit.data.validate_persons`. A person with a missing ``imd_decile`` or
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
    steps = tqdm(total=3, desc="cohort cube", unit="step", disable=not progress)
    try:
        raw = builders[engine](persons, resolved, steps, spark_session)
        steps.set_postfix_str("tidying")
        cube = _tidy(raw, resolved)
        steps.update()
    finally:
        steps.close()
    return cube


def _run(
    con: Any, table: ir.Table, label: str, model: SegmentationModel, steps: tqdm
) -> pd.DataFrame:
    _check_input_columns(table.columns, model, label)
    steps.update()
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
    persons: Any, model: SegmentationModel, steps: tqdm, spark_session: Any
) -> pd.DataFrame:
    import ibis

    con = ibis.duckdb.connect(**DUCKDB_CONFIG)
    try:
        steps.set_postfix_str("reading")
        table, label = _duckdb_table(con, persons)
        return _run(con, table, label, model, steps)
    finally:
        con.disconnect()


def _build_on_spark(
    persons: Any, model: SegmentationModel, steps: tqdm, spark_session: Any
) -> pd.DataFrame:
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
    table, label = _spark_table(con, session, persons)
    try:
        return _run(con, table, label, model, steps)
    finally:
        session.catalog.dropTempView(table.get_name())


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
