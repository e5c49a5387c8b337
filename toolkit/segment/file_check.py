"""Check a persons file against the data contract in DuckDB, in bounded memory.

:func:`check_persons_file` is what ``pophealth validate`` runs on persons files. It checks
Parquet and CSV files (a file, a folder of them or a glob) where they lie, with the
machinery :func:`toolkit.segment.build_cube` checks them with, without building a cube
and without loading them into pandas, so that a file of any size (all of England's 57
million persons) validates on one machine. Its errors are those of
:func:`toolkit.data.read_persons`, word for word: the file's name, each failing column
and check, how many rows and the first spreadsheet row numbers. Files DuckDB does not scan
(Excel, ``.gz`` and ``.zip`` files, text that is not UTF-8) are read by
:func:`toolkit.data.read_persons`, as :func:`toolkit.segment.build_cube` hands them over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit._params import validate_params
from toolkit.segment._duckdb_files import check_files, file_source, raw_query
from toolkit.segment._fast import fast_aggregate
from toolkit.segment._sources import GLOB_CHARACTERS, READER_SUFFIXES, resolve_files
from toolkit.segment.cube import duckdb_connection

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    import ibis.expr.types as ir

#: Who checked the rows: DuckDB, in the files' own scan, or the readers, in pandas.
CheckedBy = Literal["duckdb", "read_persons"]

#: The count of rows in the aggregate :func:`check_persons_file` asks the fast reading for.
_ROWS = "_pophealth_file_rows"


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_persons_file` found in a persons file that meets the contract.

    Attributes
    ----------
    path : str
        The file, folder or glob as given.
    label : str
        What messages call it: the file's name, or for several files the path with their
        number.
    files : tuple of str
        The files read.
    rows : int
        Persons (data rows) that meet the contract; rows in which every cell is blank are
        not counted (the readers skip them).
    columns : tuple of str
        The table's columns, contract columns under their contract names.
    checked_by : {"duckdb", "read_persons"}
        ``"duckdb"`` when the files were checked in the engine; ``"read_persons"`` when
        they were read whole by :func:`toolkit.data.read_persons` (Excel, ``.gz`` and
        ``.zip`` files, files DuckDB cannot scan as they are).
    standardised : bool
        Whether some values needed the readers' standardising (codings such as ``m`` or
        ``Y``, spaces around text, costs written ``"£1,250"``, rows with every cell blank)
        before they could be checked; ``False`` when every value stood as written.
    skipped_rows : int or None
        Rows in which every cell is blank, left out as the readers leave them out; ``None``
        when not counted (files read by the readers, or read as they stand).
    notes : tuple of str
        Sentences saying what was left out or how the files were read, for the analyst.
    """

    path: str
    label: str
    files: tuple[str, ...]
    rows: int
    columns: tuple[str, ...]
    checked_by: CheckedBy
    standardised: bool
    skipped_rows: int | None
    notes: tuple[str, ...]


def _counts_by_key(table: ir.Table, counts: Mapping[str, ir.BooleanValue]) -> ir.Table:
    """Count rows by ``sex`` and ``place``: the small aggregate the fast reading checks.

    :func:`toolkit.segment._fast.fast_aggregate` checks the values of the columns read as
    they stand (:data:`toolkit.segment._engine_contract.GROUPED_AS_THEY_STAND`) on the
    aggregate, so the aggregate is grouped by those present.
    """
    from toolkit.segment._engine_contract import GROUPED_AS_THEY_STAND

    keys = [name for name in GROUPED_AS_THEY_STAND if name in table.columns]
    measures = {_ROWS: table.count()}
    measures.update({name: table.count(where=flag) for name, flag in counts.items()})
    if not keys:
        return table.aggregate(**measures)
    return table.group_by(keys).aggregate(**measures)


def _single_file(text: str) -> bool:
    """Whether ``text`` names one file (or nothing): not a folder, not a glob."""
    return not GLOB_CHARACTERS.intersection(text) and not Path(text).is_dir()


def _with_readers(text: str, reference_date: Any, label: str | None) -> CheckReport:
    """Read one file with :func:`toolkit.data.read_persons`, today's pandas path."""
    from toolkit.data.readers import read_persons

    table = read_persons(text, reference_date=reference_date, label=label)
    label = label or Path(text).name or text
    return CheckReport(
        path=text,
        label=label,
        files=(text,),
        rows=len(table),
        columns=tuple(str(name) for name in table.columns),
        checked_by="read_persons",
        standardised=True,
        skipped_rows=None,
        notes=tuple(table.attrs.get("notes") or ()),  # the sheet read, text read as blank
    )


@validate_params({"path": ["path"], "reference_date": ["str", date, None], "label": ["str", None]})
def check_persons_file(
    path: str | os.PathLike[str], *, reference_date: Any = None, label: str | None = None
) -> CheckReport:
    """Check a persons file against the data contract in DuckDB, without loading it.

    The same checks :func:`toolkit.segment.build_cube` makes of files (every value rule of
    the persons contract, the required columns, ``person_id`` unique), made by the same
    code, without building a cube: a clean file costs one scan of the values and one of
    the ``person_id`` hashes, in a few hundred megabytes whatever its size.

    Parameters
    ----------
    path : str or path
        A Parquet (``.parquet``, ``.pq``) or CSV file, a folder of them (its Parquet
        files, or else its CSV files, at any depth) or a glob such as
        ``"extracts/persons_*.parquet"``. Any other file (Excel, ``.gz``, ``.zip``) is read
        by :func:`toolkit.data.read_persons`.
    reference_date : date, datetime or str, optional
        Derive ``age`` from ``date_of_birth`` at this date when the file has no ``age``, as
        :func:`toolkit.data.read_persons` does: in the same scan, the dates of birth are
        checked (a blank one, one after the date or more than 120 years before it is
        refused with the readers' words).
    label : str, optional
        What messages call a single file: by default its name, as
        :func:`toolkit.data.read_persons` calls it (``pophealth validate`` gives the path
        as typed, as ``pophealth cube`` names it). Several files are called by the folder
        or glob with their number.

    Returns
    -------
    CheckReport
        The number of persons, the columns, and notes on what was left out.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path, or ``reference_date`` not a date.
    ValueError
        If ``reference_date`` is text that is not a date.
    DataContractError
        If the file breaks the contract: the message that
        :func:`toolkit.data.read_persons` gives for the same file, naming the file, each
        failing column and check, how many rows and the first five spreadsheet row
        numbers (the header is row 1). With several files, the file of each row is named.
    FileNotFoundError
        If a folder or glob holds no Parquet or CSV file.
    ValueError
        If a folder or glob mixes Parquet and CSV files, or names other kinds.

    See Also
    --------
    toolkit.data.read_persons : read and check a file in pandas, returning the table.
    toolkit.segment.build_cube : check and aggregate the files into the segment cube.

    Notes
    -----
    The files are scanned as :func:`toolkit.segment.build_cube` scans them (see its
    Notes): read as they stand, with each row's rule failures and values that would need
    standardising counted in one scan; then the ``person_id`` hashes are scanned for
    repeats. Only if some value needs standardising or breaks a rule are the files
    standardised and checked in scans of their own, which find the counts and first rows
    of the message in the engine. A single file whose message DuckDB cannot give exactly
    (it cannot scan it, or it has blank lines) is read by the readers instead, so that
    the message is always theirs.

    Examples
    --------
    >>> from toolkit.segment import check_persons_file
    >>> report = check_persons_file("persons.parquet")  # doctest: +SKIP
    >>> report.rows  # doctest: +SKIP
    250000
    """
    from toolkit.data.validation import parse_reference_date

    reference = parse_reference_date(reference_date, "check_persons_file")
    text = os.fspath(path)
    single = _single_file(text)
    if single and (not Path(text).is_file() or Path(text).suffix.lower() not in READER_SUFFIXES):
        # Not a file DuckDB scans (or no file at all): the readers read it or say why not,
        # as build_cube hands such files to them.
        return _with_readers(text, reference, label)
    files, kind = resolve_files(text)
    if single:
        label = label or Path(text).name or text
    elif len(files) == 1:
        label = files[0]
    else:
        label = f"{text} ({len(files)} files)"
    return _check_on_duckdb(files, kind, label, text, reference)


def _check_on_duckdb(
    files: list[str], kind: Literal["parquet", "csv"], label: str, path: str, reference: Any
) -> CheckReport:
    with duckdb_connection() as con:
        source = file_source(
            con, files, kind, label, path, check_causes=True, reference_date=reference
        )
        columns = tuple(source.table.columns)
        contract = source.contract
        if contract is None:
            # Handed to the readers (a header they refuse, a file DuckDB cannot scan): they
            # raised their message, or accepted the table.
            rows = int(con.to_pyarrow(source.table.count()).as_py())
            return _report(path, label, files, rows, columns, "read_persons", True, None)
        fast = fast_aggregate(con, source, _counts_by_key, validate=True)
        if fast is not None:
            rows = int(sum(fast[_ROWS].to_pylist()))
            return _report(path, label, files, rows, columns, "duckdb", False, None)
        # Some value needs standardising or breaks a rule: check the standardised files,
        # which raises the readers' message, or returns the persons counted.
        rows = check_files(con, contract)
        scanned = _scanned_rows(con, contract)
        skipped = max(scanned - rows, 0) if scanned is not None else None
        return _report(path, label, files, rows, columns, "duckdb", True, skipped)


def _scanned_rows(con: Any, contract: Any) -> int | None:
    """Rows DuckDB scans in the files, blank ones included; ``None`` if it cannot say."""
    import duckdb

    header = [name for name, _ in contract.columns] if contract.kind == "csv" else None
    try:
        query = raw_query(contract.files, contract.kind, header, located=False)
        return int(con.con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0])
    except duckdb.Error:
        return None


def _report(
    path: str,
    label: str,
    files: list[str],
    rows: int,
    columns: tuple[str, ...],
    checked_by: CheckedBy,
    standardised: bool,
    skipped: int | None,
) -> CheckReport:
    notes: list[str] = []
    if skipped:
        noun = "1 row" if skipped == 1 else f"{skipped:,} rows"
        verb = "was" if skipped == 1 else "were"
        notes.append(
            f"{noun} in which every cell is blank {verb} left out, as read_persons leaves them out."
        )
    return CheckReport(
        path=path,
        label=label,
        files=tuple(files),
        rows=rows,
        columns=columns,
        checked_by=checked_by,
        standardised=standardised,
        skipped_rows=skipped,
        notes=tuple(notes),
    )


__all__ = ["CheckReport", "check_persons_file"]
