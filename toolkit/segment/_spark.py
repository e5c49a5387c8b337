"""Persons on Spark: a DataFrame, files or a Spark DataFrame as a Spark-side table.

:func:`spark_source` is the one entry point, shared by :func:`toolkit.segment.build_cube`
and :func:`toolkit.segment.build_cohort_cube`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pandas as pd
from tqdm.auto import tqdm

from toolkit.segment._sources import (
    CSV_SUFFIXES,
    FILE_COLUMN,
    ROW_COLUMN,
    Source,
    check_same_columns,
    csv_headers,
    file_names,
    parquet_columns,
    resolve_files,
    suffix,
    with_row_numbers,
)

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

_TEXT_COLUMNS = ("person_id", "sex", "lsoa", "place", "ethnic_group", "cause_of_death")


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


def _file_namer(files: Sequence[str]) -> Callable[[str], str]:
    """Return what messages call the file of a row, given the URI Spark gives for it.

    Spark gives each row's file as a URI (``file:/data/a%20b/persons.parquet``); messages
    call it as on DuckDB, by its path below the files' common folder
    (:func:`toolkit.segment._sources.file_names`), so that files of one name in different
    folders are told apart even when only one of them fails.
    """
    names: dict[str, str] = {}
    for name, shown in file_names(files).items():
        names[os.path.normcase(os.path.abspath(name))] = shown
        names.setdefault(os.path.normcase(os.path.realpath(name)), shown)

    def name_of(uri: str) -> str:
        parsed = urlparse(uri)
        if parsed.scheme in ("", "file"):
            # (A UNC share, file://server/share/..., keeps its server.)
            where = f"//{parsed.netloc}{parsed.path}" if parsed.netloc else parsed.path
            local = os.path.abspath(url2pathname(where))
            for candidate in (local, os.path.realpath(local)):
                shown = names.get(os.path.normcase(candidate))
                if shown is not None:
                    return shown
        return Path(unquote(parsed.path)).name or uri

    return name_of


def _spark_view(con: Any, spark_frame: SparkDataFrame, views: list[str]) -> ir.Table:
    name = f"pophealth_persons_{uuid.uuid4().hex}"
    spark_frame.createOrReplaceTempView(name)
    views.append(name)
    return con.table(name)


def _spark_table(con: Any, session: SparkSession, persons: Any, views: list[str]) -> Source:
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
            kind = "csv" if suffix(text) in CSV_SUFFIXES else "parquet"
        else:
            files, kind = resolve_files(persons)
        label = files[0] if len(files) == 1 else f"{text} ({len(files)} files)"
        if kind == "parquet":
            stored = parquet_columns(files) if len(files) > 1 else None
            if stored is not None:  # as on DuckDB: no column read as blank in some files
                check_same_columns(files, stored, ordered=False, label=label, source=path)
            spark_frame = session.read.parquet(*files)
        else:
            # Spark reads each file's values by position under the first file's header.
            headers = csv_headers(files) if len(files) > 1 else None
            if headers is not None:  # as on DuckDB: the same header in every file
                check_same_columns(files, headers, ordered=True, label=label, source=path)
            spark_frame = session.read.csv(files, header=True, inferSchema=True)
            for column in _TEXT_COLUMNS:
                if column in spark_frame.columns:
                    spark_frame = spark_frame.withColumn(column, spark_frame[column].cast("string"))

    def locate() -> tuple[ir.Table, Callable[[str], str] | None] | None:
        from pyspark.sql import functions

        if isinstance(persons, pd.DataFrame):
            numbered = session.createDataFrame(_arrow_for_spark(with_row_numbers(persons)))
            return _spark_view(con, numbered, views), None
        if kind == "parquet":
            # Spark's hidden _metadata column gives each Parquet row's file and position.
            numbered = spark_frame.select(
                "*",
                functions.col("_metadata.file_path").alias(FILE_COLUMN),
                (functions.col("_metadata.row_index") + 2).alias(ROW_COLUMN),
            )
            return _spark_view(con, numbered, views), _file_namer(files)
        return None  # Spark numbers neither CSV rows nor a Spark DataFrame's rows

    return Source(_spark_view(con, spark_frame, views), label, path, len(files) > 1, locate)


@contextmanager
def spark_source(persons: Any, spark_session: Any, steps: tqdm) -> Iterator[tuple[Any, Source]]:
    """Connect Ibis to Spark and register the persons; drop the temporary views after.

    Shared by :func:`toolkit.segment.build_cube` and :func:`toolkit.segment.build_cohort_cube`.
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


__all__ = ["spark_source"]
