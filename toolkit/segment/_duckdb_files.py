"""Persons files on DuckDB: the readers' contract, checked in the engine.

:func:`duckdb_table` is the entry point: the persons (a DataFrame, or files) as a
DuckDB-side table. Files are scanned with their columns matched and values standardised
as the readers do (:func:`file_source`, with the SQL of
:mod:`toolkit.segment._engine_contract`); :func:`check_files` checks them against the whole
persons contract and, when a rule is broken, words the message in the engine. Files the
engine cannot scan as they are go to :func:`toolkit.data.read_persons`, for its message or
its table.
"""

from __future__ import annotations

import csv
import gzip
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from toolkit.data.problems import MAX_EXAMPLES, raise_problems
from toolkit.errors import DataContractError
from toolkit.segment._hashing import duplicate_ids, surplus_hashes
from toolkit.segment._sources import (
    FILE_COLUMN,
    READER_SUFFIXES,
    READERS_ONLY_SUFFIXES,
    ROW_COLUMN,
    Source,
    check_same_columns,
    csv_header,
    file_names,
    parquet_columns,
    resolve_files,
    suffix,
    with_row_numbers,
)
from toolkit.segment._value_checks import Failure, in_contract_order, to_problem, typed

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.segment._engine_contract import Standardisation


def duckdb_table(con: Any, persons: Any, *, check_causes: bool = False) -> Source:
    """Return the persons as a DuckDB-side table: a DataFrame, or files (see file_source).

    ``check_causes`` refuses, in files, a ``cause_of_death`` outside the contract's broad
    groups, as the readers do (:func:`toolkit.segment.build_cube`);
    :func:`toolkit.segment.build_cohort_cube` counts those deaths as of another cause instead.
    """
    import ibis

    if isinstance(persons, pd.DataFrame):
        # Registered with DuckDB through Arrow when the query runs; no copy into its storage.
        return Source(
            ibis.memtable(persons),
            "persons table",
            locate=lambda: (ibis.memtable(with_row_numbers(persons)), None),
        )

    text = os.fspath(persons)
    # (By its last ending, as check_persons_file tells: a single "x.csv.gz" is a gzip the
    # readers unpack and check, with their messages, on both commands.)
    if Path(text).is_file() and Path(text).suffix.lower() in READERS_ONLY_SUFFIXES:
        # Files the engine does not scan but the readers read (Excel, a zip, any gzip,
        # ".csv.gz" included) or refuse (tab-separated): read_persons reads or refuses them, so
        # that `cube` and `validate` accept and refuse the same files.
        return _hand_to_readers(con, [text], text, text, reason="")
    files, kind = resolve_files(persons)
    several = len(files) > 1
    label = files[0] if not several else f"{text} ({len(files)} files)"
    return file_source(con, files, kind, label, text, check_causes=check_causes)


@dataclass
class FileContract:
    """Persons files scanned by DuckDB, standardised and checked as the readers do.

    ``view`` is the temporary view the cube reads (contract columns under their contract
    names and types); ``full`` is the view with the helper columns the checks read. The
    view of the files read as they stand (``standardisation.fast``) is made when first
    used, by :func:`toolkit.segment._fast.fast_aggregate`.
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
    #: The date at which age is derived from ``date_of_birth`` (files without ``age``).
    reference_date: pd.Timestamp | None = None
    #: The stored time zone of each time-zone-aware date column (see :func:`stored_zones`).
    zones: dict[str, str] = field(default_factory=dict)


def view_name(kind: str) -> str:
    return f"pophealth_{kind}_{uuid.uuid4().hex}"


#: DuckDB's null text for CSV: a line break, which no unquoted cell can hold (see raw_query).
_NO_NULL_TEXT = "\n"


def raw_query(
    files: Sequence[str],
    kind: Literal["parquet", "csv"],
    header: Sequence[str] | None,
    *,
    located: bool,
) -> str:
    """Return the SQL scanning the files: CSV with every column as text, Parquet as stored.

    CSV columns are named by position and renamed to the header's names (without
    surrounding spaces), so that DuckDB neither guesses types (which a value far down the
    file could contradict) nor skips lines it takes for a title. Blank cells are read as
    text and turned into nulls afterwards (``NULLIF``): with the empty string as its null
    text, DuckDB quietly drops an empty value after the last column (a line ending in an
    extra comma), which the readers refuse, naming the line; with a null text no cell can
    hold (a line break, quoted values never null), it refuses that line too. With
    ``located``, each row's file and spreadsheet row number (CSV: its position among all
    rows, 1 upwards; corrected by :func:`_csv_starts`) are added as ``FILE_COLUMN`` and
    ``ROW_COLUMN``.
    """
    from toolkit.segment._engine_contract import literal, quoted

    listed = "[" + ", ".join(literal(name) for name in files) + "]"
    if kind == "parquet":
        place = (
            f", filename AS {FILE_COLUMN}, file_row_number + 2 AS {ROW_COLUMN}" if located else ""
        )
        return f"SELECT *{place} FROM read_parquet({listed}, union_by_name = true)"
    assert header is not None
    spec = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(len(header)))
    delimiter = "\\t" if files[0].lower().endswith(".tsv") else ","
    names = ", ".join(
        f"NULLIF(c{index}, '') AS {quoted(name)}" for index, name in enumerate(header)
    )
    scan = (
        f"read_csv({listed}, header = true, auto_detect = false, columns = {{{spec}}}, "
        f"delim = '{delimiter}', quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = false, nullstr = '{_NO_NULL_TEXT}', allow_quoted_nulls = false"
        f"{', filename = true' if located else ''})"
    )
    if located:
        return (
            f"SELECT {names}, filename AS {FILE_COLUMN}, ordinality AS {ROW_COLUMN} "
            f"FROM {scan} WITH ORDINALITY"
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


def file_source(
    con: Any,
    files: list[str],
    kind: Literal["parquet", "csv"],
    label: str,
    path: str,
    *,
    check_causes: bool,
    reference_date: pd.Timestamp | None = None,
) -> Source:
    """Scan persons files on DuckDB, matching columns and standardising values as the readers.

    The header is checked first (:func:`toolkit.data.readers.persons_column_problems`): a
    header the readers refuse, or one that cannot be read, is handed to them for their
    message (see :func:`_hand_to_readers`). Several files must have the same columns (CSV
    files in the same order; Parquet files' columns are read from their footers), or are
    refused naming what each lacks or has besides
    (:func:`toolkit.segment._sources.check_same_columns`): read together by name, a column
    one file lacks would be blank in all its rows. With ``reference_date``, files with
    ``date_of_birth`` and no ``age`` have age derived, as the readers derive it.
    """
    import duckdb

    from toolkit.data.readers import persons_column_problems
    from toolkit.segment._engine_contract import quoted, standardise

    header: list[str] | None = None
    columns: list[tuple[str, str]] = []
    try:
        if kind == "csv":
            headers = [[name.strip() for name in csv_header(name)] for name in files]
            check_same_columns(files, headers, ordered=True, label=label, source=path)
            header = headers[0]
            columns = [(name, "VARCHAR") for name in header]
        else:
            # Read together by name, a column one file lacks would be blank in its rows.
            stored = parquet_columns(files) if len(files) > 1 else None
            if stored is not None:
                check_same_columns(files, stored, ordered=False, label=label, source=path)
            described = con.con.execute(
                f"DESCRIBE {raw_query(files, kind, None, located=False)}"
            ).fetchall()
            columns = [(str(row[0]), str(row[1])) for row in described]
    except (UnicodeDecodeError, duckdb.Error) as error:
        return _hand_to_readers(
            con, files, label, path, reason=_first_line(error), reference_date=reference_date
        )
    names = [name for name, _ in columns]
    problems = persons_column_problems(names, derive_age=reference_date is not None)
    if problems or not all(names):
        return _hand_to_readers(
            con, files, label, path, reason=" ".join(problems), reference_date=reference_date
        )
    zones = stored_zones(con, files, columns) if kind == "parquet" else {}
    if zones is None:
        return _hand_to_readers(
            con,
            files,
            label,
            path,
            reason="dates with a time zone the engine cannot read",
            reference_date=reference_date,
        )

    standardisation = standardise(
        raw_query(files, kind, header, located=False),
        columns,
        csv=kind == "csv",
        check_causes=check_causes,
        fast_raw=_sliced_parquet(con, files, names) if kind == "parquet" else None,
        reference_date=reference_date,
        zones=zones,
    )
    full, view = view_name("checked"), view_name("persons")
    con.raw_sql(f"CREATE TEMPORARY VIEW {full} AS {standardisation.full}")
    shown = (*standardisation.derived, *standardisation.columns)
    listed = ", ".join(quoted(name) for name in shown)
    con.raw_sql(f"CREATE TEMPORARY VIEW {view} AS SELECT {listed} FROM {full}")
    contract = FileContract(
        files,
        kind,
        label,
        path,
        columns,
        standardisation,
        view,
        full,
        check_causes,
        reference_date,
        zones,
    )
    return Source(con.table(view), label, path, len(files) > 1, contract=contract)


def stored_zones(
    con: Any, files: Sequence[str], columns: Sequence[tuple[str, str]]
) -> dict[str, str] | None:
    """Return the time zone each time-zone-aware date column of Parquet files is stored in.

    A Parquet timestamp with a time zone is a point in time. DuckDB reads it on the clock
    of its session's time zone (UTC under Ibis); pandas, and so the readers, on the clock
    of the zone the file names (``UTC`` when it names none, as Spark writes them). The
    zone is read here from each file's footer, so that the engine reads the same dates
    (:func:`toolkit.segment._fast_reading.stored_time`) wherever it runs.

    Parameters
    ----------
    con : ibis.backends.duckdb.Backend
        The connection (to try the zones on).
    files : sequence of str
        The Parquet files.
    columns : sequence of (str, str)
        Their columns and DuckDB types.

    Returns
    -------
    dict of str to str or None
        The zone of each contract date column DuckDB reads as ``TIMESTAMP WITH TIME ZONE``,
        by its name in the files; ``None`` when the files store such a column in different
        zones, or in one DuckDB does not know: the readers then read the files.
    """
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from toolkit.data.columns import contract_column_names
    from toolkit.data.schemas import PERSONS_RULES
    from toolkit.segment._engine_contract import literal
    from toolkit.segment._fast_reading import stored_time

    names = contract_column_names([name for name, _ in columns])
    aware = [
        name
        for name, kind in columns
        if kind.upper() == "TIMESTAMP WITH TIME ZONE"
        and names[name] in PERSONS_RULES
        and PERSONS_RULES[names[name]].kind == "date"
    ]
    if not aware:
        return {}
    zones: dict[str, str] = {}
    try:
        schemas = [pq.read_schema(name) for name in files]
        for name in aware:
            found = {getattr(schema.field(name).type, "tz", None) for schema in schemas}
            if len(found) != 1 or None in found:
                return None
            zones[name] = str(found.pop())
        for zone in set(zones.values()):
            moment = f"CAST({literal('2000-01-01 00:00:00+00')} AS TIMESTAMPTZ)"
            con.con.execute(f"SELECT {stored_time(moment, zone)}").fetchall()
    except (OSError, KeyError, pa.ArrowException, duckdb.Error):
        return None
    return zones


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _readable_by_readers(files: Sequence[str]) -> bool:
    return len(files) == 1 and Path(files[0]).suffix.lower() in READER_SUFFIXES


def read_with_readers(
    files: Sequence[str],
    label: str,
    path: str,
    reason: str,
    *,
    reference_date: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read the files with :func:`toolkit.data.read_persons`: its message, or its table.

    One file of a kind the readers read is read whole (its error is then exactly the one
    ``pophealth validate`` prints, the file named as given). Several files are read one by
    one, so that the first one the readers refuse is named; should all pass, they are
    joined. A single ``.csv.gz`` is theirs too (they unpack it, as ``pophealth validate``
    does). Files the readers do not read (``.tsv``, ``.parq``, or a ``.csv.gz`` among
    several) get a plain message built from ``reason``. With ``reference_date``, age is
    derived from ``date_of_birth`` where a file has no ``age``.
    """
    from toolkit.data.readers import read_persons

    readable = [
        name
        for name in files
        if Path(name).suffix.lower() in READER_SUFFIXES
        or (
            len(files) == 1
            and {suffix(name), Path(name).suffix.lower()} & set(READERS_ONLY_SUFFIXES)
        )
    ]
    if len(readable) < len(files):
        raise DataContractError(
            f"{label}: the persons files could not be read as the contract needs "
            f"({reason or 'unreadable'}).",
            source=path,
        )
    frames = [
        read_persons(name, label=name if len(files) > 1 else label, reference_date=reference_date)
        for name in files
    ]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _hand_to_readers(
    con: Any,
    files: list[str],
    label: str,
    path: str,
    *,
    reason: str,
    reference_date: pd.Timestamp | None = None,
) -> Source:
    """Return the readers' table of files the engine cannot scan as they are, or raise."""
    import ibis

    frame = read_with_readers(files, label, path, reason, reference_date=reference_date)
    return Source(
        ibis.memtable(frame),
        label,
        path,
        len(files) > 1,
        locate=lambda: (ibis.memtable(with_row_numbers(frame)), None),
    )


def check_files(con: Any, contract: FileContract) -> int:
    """Check scanned persons files against the whole persons contract; the persons, or raise.

    One aggregate query counts the rows breaking each rule (and the rows), then the
    ``person_id`` hashes are scanned for repeats (:func:`surplus_hashes`). When every
    count is zero the files are read by the cube as they stand. When a rule is broken, the
    message is built in the engine (:func:`_raise_from_engine`: each rule's count and
    first rows, in the readers' words), so that a large bad file is never loaded.

    The readers decide instead (:func:`read_with_readers`; for one CSV or Parquet file
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
        if has_ids and surplus_hashes(con, con.table(contract.view), int(row[-1] or 0)) > 0:
            duplicated = duplicate_ids(con, con.table(contract.view))[1]
    except duckdb.Error as error:
        rows, counts, reason = -1, [], _first_line(error)
    if rows > 0 and not any(counts) and not duplicated:
        _warn_written_blanks(con, contract)
        return rows
    engine_can_tell = rows > 0 and (
        not _readable_by_readers(contract.files)
        or (
            not (
                contract.kind == "csv"
                and any(
                    _has_blank_lines(name) or _has_uneven_lines(name, len(contract.columns))
                    for name in contract.files
                )
            )
            and _unreadable_confirmed(con, contract, counts)
        )
    )
    if engine_can_tell:
        _warn_written_blanks(con, contract)
        _raise_from_engine(con, contract, counts, duplicated)
    if rows == 0 and not _readable_by_readers(contract.files):
        raise DataContractError(
            f"{contract.label}: the table has a header row but no data rows.",
            source=contract.path,
        )
    frame = read_with_readers(
        contract.files,
        contract.label,
        contract.path,
        reason,
        reference_date=contract.reference_date,
    )
    _replace_view(con, contract, frame)
    return len(frame)


def written_blanks_in_files(con: Any, contract: FileContract) -> list[str]:
    """Say where text such as "NA" or "NULL" was read as blank in CSV files, as the readers do.

    One scan of the files as text (only on the path where some value needed standardising,
    which such a text does): for each column, how many cells hold one of the readers'
    :data:`~toolkit.data.files.WRITTEN_BLANKS`, the first rows and the texts, worded by
    :func:`toolkit.data.files.written_blank_note` (with each file's name when there are
    several). Parquet files hold typed values, so nothing is said for them.
    """
    from toolkit.data.files import WRITTEN_BLANKS, written_blank_note
    from toolkit.segment._engine_contract import quoted
    from toolkit.segment._engine_sql import listed

    if contract.kind != "csv":
        return []
    # DuckDB skips blank lines, so its row numbers would be off: then the rows are not named.
    numbered = not any(_has_blank_lines(name) for name in contract.files)
    header = [name for name, _ in contract.columns]
    raw = raw_query(contract.files, contract.kind, header, located=True)
    texts = listed(WRITTEN_BLANKS)
    measures = []
    for name in header:
        column, hit = quoted(name), f"{quoted(name)} IN {texts}"
        measures += [
            f"count_if({hit})",
            f"min_by({ROW_COLUMN}, {ROW_COLUMN}, {MAX_EXAMPLES}) FILTER (WHERE {hit})",
            f"histogram({column}) FILTER (WHERE {hit})",
            f"min_by({column}, {ROW_COLUMN}, {MAX_EXAMPLES}) FILTER (WHERE {hit})",
        ]
    found = con.con.execute(
        f"SELECT {FILE_COLUMN}, {', '.join(measures)} FROM ({raw}) GROUP BY {FILE_COLUMN} "
        f"ORDER BY {FILE_COLUMN}"
    ).fetchall()
    starts = _csv_starts(con, raw, contract.files)
    names = file_names(contract.files)
    notes = []
    for file, *values in found:
        for index, name in enumerate(header):
            count, rows, histogram, first = values[4 * index : 4 * index + 4]
            if not count:
                continue
            appearance = {text: order for order, text in reversed(list(enumerate(first)))}
            ordered = sorted(histogram, key=lambda t: (-histogram[t], appearance.get(t, 99), t))
            shown = [int(row) - starts[str(file)] for row in sorted(rows)] if numbered else []
            note = written_blank_note(name, int(count), shown, ordered)
            notes.append(f"{names[str(file)]}: {note}" if len(contract.files) > 1 else note)
    return notes


def _warn_written_blanks(con: Any, contract: FileContract) -> None:
    """Warn, as :func:`toolkit.data.read_persons` warns, of text read as blank in CSV files."""
    from toolkit._params import warn

    notes = written_blanks_in_files(con, contract)
    if notes:
        warn(f"{contract.label}: {'; '.join(notes)}.", UserWarning, to_user=True)


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


def _unreadable_confirmed(con: Any, contract: FileContract, counts: Sequence[int]) -> bool:
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


def _replace_view(con: Any, contract: FileContract, frame: pd.DataFrame) -> None:
    """Point the cube's view at the readers' table, keeping its columns and types."""
    import pyarrow as pa

    from toolkit.segment._engine_contract import quoted

    types = {
        str(name): str(kind)
        for name, kind, *_ in con.con.execute(f"DESCRIBE {contract.view}").fetchall()
    }
    name = view_name("read")
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
        f"SELECT {FILE_COLUMN}, min({ROW_COLUMN}) FROM ({located}) GROUP BY {FILE_COLUMN}"
    ).fetchall()
    return {str(name): int(first) - 2 for name, first in firsts}


def _raise_from_engine(
    con: Any, contract: FileContract, counts: Sequence[int], duplicated: int
) -> None:
    """Raise one error listing each broken rule's count and first rows, found in the engine."""
    from toolkit.segment._engine_contract import standardise

    checks = contract.standardisation.checks
    header = [name for name, _ in contract.columns] if contract.kind == "csv" else None
    raw = raw_query(contract.files, contract.kind, header, located=True)
    con.raw_sql("SET preserve_insertion_order = true")
    located = standardise(
        raw,
        contract.columns,
        csv=contract.kind == "csv",
        extra=(FILE_COLUMN, ROW_COLUMN),
        check_causes=contract.check_causes,
        reference_date=contract.reference_date,
        zones=contract.zones,
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
        f"(SELECT {index} AS _check, CAST({FILE_COLUMN} AS VARCHAR) AS _file, "
        f"CAST({ROW_COLUMN} AS BIGINT) AS _row, CAST({shown} AS VARCHAR) AS _value, "
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
        examples.setdefault(index, []).append((file, number, typed(value, kind)))
    failures = [
        Failure(
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
            Failure(
                "person_id",
                "unique",
                ("shares a person_id with another row", "share a person_id with another row"),
                duplicated,
                tuple(examples.get(len(checks), [])),
                typed=True,
            )
        )
    several = len(contract.files) > 1
    names = file_names(contract.files)
    problems = [
        to_problem(failure, several_files=several, no_rows=None, names=names)
        for failure in in_contract_order(failures)
    ]
    raise_problems(problems, label=contract.label, source=contract.path, first_row=2)


__all__ = [
    "FileContract",
    "check_files",
    "duckdb_table",
    "file_source",
    "raw_query",
    "read_with_readers",
]
