"""Persons on Spark: a DataFrame, files or a Spark DataFrame as a Spark-side table.

:func:`spark_source` is the one entry point, shared by :func:`toolkit.segment.build_cube`
and :func:`toolkit.segment.build_cohort_cube`.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
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

#: Spark types a contract column of each kind is read as when it held text read as blank.
_KIND_TYPES = {"whole": ("bigint", "double"), "number": ("double",), "flag": ("boolean",)}

#: Log4j 2 settings for a session the toolkit starts itself: Spark's own messages (its
#: WARN lines at start-up, "Using Spark's default log4j profile"...) only from ERROR up, so
#: that a user sees the toolkit's messages. The logger of ``org.apache.spark`` is set too,
#: so that Spark does not lower it to WARN for an interactive shell.
_QUIET_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.spark.name = org.apache.spark
logger.spark.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


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


def _header_names(files: Sequence[str], kind: str, spark_frame: SparkDataFrame) -> list[str]:
    """Return the column names as the file gives them: a local CSV file's header, as written.

    Spark renames repeated names in a CSV header (``sex``, ``SEX`` become ``sex0``,
    ``SEX1``), so the header is read from the first file (without surrounding spaces, as
    DuckDB reads it; a column without a name keeps Spark's, such as ``_c5``); Parquet
    files, and files on the Spark platform's storage, are named as Spark reads them.
    """
    if kind == "csv" and "://" not in files[0]:
        header = (csv_headers(files[:1]) or [[]])[0]
        if len(header) == len(spark_frame.columns):
            return [name or own for name, own in zip(header, spark_frame.columns, strict=True)]
    return [name.strip() or name for name in spark_frame.columns]


def _contract_columns(
    spark_frame: SparkDataFrame, names: Sequence[str]
) -> tuple[SparkDataFrame, dict[str, str], str]:
    """Return the files' columns under their contract names, as DuckDB and the readers match them.

    Names are matched ignoring case, surrounding spaces, and spaces or hyphens in place of
    underscores (:func:`toolkit.data.columns.contract_column_names`), so that a header
    ``"sex "`` is ``sex``. Also returned: each column's name as the files write it
    (without surrounding spaces, as messages name it), and what is wrong when two columns
    are read as one contract name (empty when nothing is).
    """
    from toolkit.data.columns import contract_column_names, duplicate_name_problems

    renamed = contract_column_names(list(names))
    repeated = " ".join(
        problem.sentence for problem in duplicate_name_problems(list(names), renamed)
    )
    contract = [renamed[name] for name in names]
    shown = {new: str(name).strip() for new, name in zip(contract, names, strict=True)}
    if repeated or contract == list(spark_frame.columns):
        return spark_frame, shown, repeated
    return spark_frame.toDF(*contract), shown, repeated


def _blank_texts_as_null(
    spark_frame: SparkDataFrame, shown: Mapping[str, str], files: Sequence[str], label: str
) -> SparkDataFrame:
    """Read text such as "#N/A", "NA" or "NULL" in CSV files as blank, as the readers do.

    Spark reads only the empty cell as blank, and a column holding "#N/A" (an Excel error
    saved as CSV) as text. One aggregate query counts, in each column read as text, the
    readers' :data:`~toolkit.data.files.WRITTEN_BLANKS`. Where there are some, they are
    made blank; a contract column of whole numbers, numbers or flags whose other values
    all read as such is read so (as the readers read it); and where they were is said in a
    ``UserWarning`` (:func:`_warn_blank_texts`). A file without such text is read as
    before. ``shown`` gives each column's name as the files write it.
    """
    from pyspark.sql import functions

    from toolkit.data.files import WRITTEN_BLANKS
    from toolkit.data.schemas import PERSONS_RULES

    texts = list(WRITTEN_BLANKS)
    typed = dict(spark_frame.dtypes)
    columns = [name for name in spark_frame.columns if typed[name] == "string"]
    if not columns:
        return spark_frame

    def cleaned(name: str) -> Any:
        value = spark_frame[name]
        return functions.when(value.isin(texts), functions.lit(None)).otherwise(value)

    def kinds(name: str) -> tuple[str, ...]:
        return _KIND_TYPES.get(PERSONS_RULES[name].kind, ()) if name in PERSONS_RULES else ()

    measures = []
    for index, name in enumerate(columns):
        measures.append(functions.count_if(spark_frame[name].isin(texts)).alias(f"b{index}"))
        value = cleaned(name)
        for option, to in enumerate(kinds(name)):
            if to == "boolean":
                unread = ~functions.lower(functions.trim(value)).isin("true", "false")
            else:
                unread = value.try_cast(to).isNull()
            measures.append(
                functions.count_if(value.isNotNull() & unread).alias(f"u{index}_{option}")
            )
    found = spark_frame.agg(*measures).collect()[0]
    written = [name for index, name in enumerate(columns) if found[f"b{index}"]]
    if not written:
        return spark_frame
    _warn_blank_texts(spark_frame, written, shown, files, label)
    for name in written:
        index = columns.index(name)
        read_as = [to for option, to in enumerate(kinds(name)) if not found[f"u{index}_{option}"]]
        value = cleaned(name)
        spark_frame = spark_frame.withColumn(name, value.cast(read_as[0]) if read_as else value)
    return spark_frame


def _warn_blank_texts(
    spark_frame: SparkDataFrame,
    written: Sequence[str],
    shown: Mapping[str, str],
    files: Sequence[str],
    label: str,
) -> None:
    """Warn where CSV text was read as blank, as the DuckDB engine words it.

    For each column, how many values and which texts (most frequent first), file by file
    when there are several (:func:`toolkit.data.files.written_blank_note`); without row
    numbers, which Spark does not give for CSV rows.
    """
    from pyspark.sql import functions

    from toolkit._params import warn
    from toolkit.data.files import WRITTEN_BLANKS, written_blank_note

    file = functions.col("_metadata.file_path").alias("file")
    counted: dict[tuple[str, str], dict[str, int]] = {}
    for name in written:
        value = spark_frame[name]
        rows = (
            spark_frame.where(value.isin(list(WRITTEN_BLANKS)))
            .groupBy(file, value.alias("text"))
            .count()
            .collect()
        )
        for row in rows:
            counted.setdefault((row["file"], name), {})[row["text"]] = int(row["count"])
    name_of = _file_namer(files)
    notes = []
    for (uri, name), by_text in sorted(
        counted.items(), key=lambda item: (name_of(item[0][0]), written.index(item[0][1]))
    ):
        ordered = sorted(by_text, key=lambda text: (-by_text[text], text))
        note = written_blank_note(shown.get(name, name), sum(by_text.values()), [], ordered)
        notes.append(f"{name_of(uri)}: {note}" if len(files) > 1 else note)
    warn(f"{label}: {'; '.join(notes)}.", UserWarning, to_user=True)


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
    read: pd.DataFrame | None = None  # the readers' table, when they read the files
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
        names = _header_names(files, kind, spark_frame)
        spark_frame, shown, repeated = _contract_columns(spark_frame, names)
        if repeated:
            # As on DuckDB: the readers refuse the files, naming the columns (or read them).
            from toolkit.segment._duckdb_files import read_with_readers

            read = read_with_readers(files, label, path, repeated)
            spark_frame, kind = session.createDataFrame(_arrow_for_spark(read)), "frame"
        elif kind == "csv":
            for column in _TEXT_COLUMNS:
                if column in spark_frame.columns:
                    spark_frame = spark_frame.withColumn(column, spark_frame[column].cast("string"))
            spark_frame = _blank_texts_as_null(spark_frame, shown, files, label)

    def locate() -> tuple[ir.Table, Callable[[str], str] | None] | None:
        from pyspark.sql import functions

        if isinstance(persons, pd.DataFrame) or read is not None:
            frame = persons if read is None else read
            numbered = session.createDataFrame(_arrow_for_spark(with_row_numbers(frame)))
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


def _new_session() -> SparkSession:
    """Start a local Spark session that shows only Spark's errors, not its log lines.

    Spark's Java side is started with the log4j settings of :data:`_QUIET_LOG4J` (through
    ``SPARK_SUBMIT_OPTS``, added to any options already there and restored after), so that
    its WARN lines at start-up ("Unable to load native-hadoop library"...) are not shown;
    the session's log level is then set to ERROR (should Spark's Java side have been
    started before), and Spark's own progress bars are off (the toolkit shows its steps).
    A session passed in, or one already active, is left as its owner set it.
    """
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    if SparkContext._active_spark_context is not None:  # noqa: SLF001 - the user's own
        # A session started elsewhere (another thread's active session): left as it is.
        return SparkSession.builder.getOrCreate()
    with tempfile.TemporaryDirectory(prefix="pophealth-spark-") as folder:
        settings = Path(folder) / "log4j2.properties"
        settings.write_text(_QUIET_LOG4J, encoding="utf-8")
        option = f"-Dlog4j2.configurationFile={settings.as_uri()}"
        before = os.environ.get("SPARK_SUBMIT_OPTS")
        os.environ["SPARK_SUBMIT_OPTS"] = f"{before} {option}" if before else option
        try:
            builder = SparkSession.builder.appName("pophealth")
            session = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
        finally:
            if before is None:
                os.environ.pop("SPARK_SUBMIT_OPTS", None)
            else:
                os.environ["SPARK_SUBMIT_OPTS"] = before
    session.sparkContext.setLogLevel("ERROR")
    return session


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
    session = spark_session or SparkSession.getActiveSession() or _new_session()
    con = ibis.pyspark.connect(session)
    steps.set_postfix_str("reading")
    views: list[str] = []
    try:
        yield con, _spark_table(con, session, persons, views)
    finally:
        for name in views:
            session.catalog.dropTempView(name)


__all__ = ["spark_source"]
