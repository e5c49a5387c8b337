"""The persons as the engines see them: files resolved, columns checked, rows located.

:func:`resolve_files` is the one public entry point (re-exported by
:mod:`toolkit.segment.cube`); :class:`Source` carries the persons as an engine-side table,
what to call it and how to find its rows.
"""

from __future__ import annotations

import csv
import glob
import gzip
import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.errors import DataContractError
from toolkit.segment._expression import CUBE_INPUT_COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from toolkit.segment._duckdb_files import FileContract


Engine = Literal["duckdb", "spark"]

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv")
GLOB_CHARACTERS = frozenset("*?[")

#: File endings :func:`toolkit.data.read_persons` reads that
#: :func:`toolkit.segment.build_cube` scans too.
READER_SUFFIXES = (".csv", ".parquet", ".pq")

#: Single files :func:`toolkit.segment.build_cube` hands to :func:`toolkit.data.read_persons`
#: whole: kinds the readers read and the engine does not scan, and ``.tsv``, which the
#: readers refuse.
READERS_ONLY_SUFFIXES = (".xlsx", ".xlsm", ".zip", ".gz", ".txt", ".tsv", ".xls")


#: Columns a locator table (see :attr:`Source.locate`) adds to
#: the persons: the file a row comes from and its spreadsheet row number (header = row 1).
FILE_COLUMN = "_pophealth_file"
ROW_COLUMN = "_pophealth_row"


def suffix(path: str | Path) -> str:
    name = str(path).lower()
    for suffix in (*PARQUET_SUFFIXES, *CSV_SUFFIXES):
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
    if GLOB_CHARACTERS.intersection(text):
        files = sorted(name for name in glob.glob(text, recursive=True) if Path(name).is_file())
        if not files:
            raise FileNotFoundError(f"No files match {text!r}.")
    elif path.is_dir():
        files = sorted(
            str(p) for p in path.rglob("*") if p.is_file() and suffix(p) in PARQUET_SUFFIXES
        )
        if not files:
            files = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and suffix(p) in CSV_SUFFIXES
            )
        if not files:
            raise FileNotFoundError(f"No Parquet or CSV files in the folder {text!r}.")
    elif path.is_file():
        files = [text]
    else:
        raise FileNotFoundError(f"No such file or folder: {text!r}.")
    kinds = {
        "parquet"
        if suffix(name) in PARQUET_SUFFIXES
        else "csv"
        if suffix(name) in CSV_SUFFIXES
        else "other"
        for name in files
    }
    if "other" in kinds:
        odd = next(name for name in files if suffix(name) not in (*PARQUET_SUFFIXES, *CSV_SUFFIXES))
        raise ValueError(
            f"build_cube reads Parquet or CSV files; {odd!r} is neither. Read other formats "
            "with toolkit.data.read_persons and pass the DataFrame."
        )
    if len(kinds) > 1:
        raise ValueError(f"{text!r} mixes Parquet and CSV files; point at one kind.")
    return files, kinds.pop()  # type: ignore[return-value]


def csv_header(path: str) -> list[str]:
    """Return a CSV file's header names (a ``.gz`` file unpacked as it is read).

    Parameters
    ----------
    path : str
        The CSV file (plain or ``.gz``).

    Returns
    -------
    list of str
        The names in its first line, as written.

    Raises
    ------
    UnicodeDecodeError
        If the file is not UTF-8 text, UTF-16 included (:func:`toolkit.data.files.looks_utf16`),
        whose NUL bytes would otherwise be read as part of the names: the callers then hand
        the file to the readers, whose message says what it is.
    """
    from toolkit.data.files import UTF16_SNIFF_BYTES, looks_utf16

    opener: Callable[..., Any] = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        head = handle.read(UTF16_SNIFF_BYTES)
    if looks_utf16(head):
        raise UnicodeDecodeError("utf-8", head[:2], 0, 2, "UTF-16 text, not UTF-8")
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
        return next(csv.reader(handle, dialect=dialect), [])


#: Most column names a message lists before saying how many more.
_NAMES_SHOWN = 8


def file_names(files: Sequence[str]) -> dict[str, str]:
    """Return what messages call each of several files: its path below their common folder.

    Files of one folder are called by their names (``part_1.parquet``); files of a glob
    such as ``"extracts/*/persons.parquet"`` by their paths below the folder they share
    (``a/persons.parquet``, ``b/persons.parquet``), so that files of the same name are told
    apart. One file keeps its path as given.

    Parameters
    ----------
    files : sequence of str
        The files, as :func:`resolve_files` returns them.

    Returns
    -------
    dict of str to str
        Each file's name for messages.
    """
    if len(files) < 2:
        return {name: name for name in files}
    try:
        root = os.path.commonpath([os.path.dirname(os.path.abspath(name)) for name in files])
    except ValueError:  # on different drives: no folder in common
        return {name: name for name in files}
    return {name: Path(os.path.relpath(os.path.abspath(name), root)).as_posix() for name in files}


def parquet_columns(files: Sequence[str]) -> list[list[str]] | None:
    """Return each Parquet file's column names, read from its footer (not its data).

    ``None`` when a file's footer cannot be read: the engine's scan then says why.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return [list(pq.read_schema(name).names) for name in files]
    except (OSError, pa.ArrowException):
        return None


def csv_headers(files: Sequence[str]) -> list[list[str]] | None:
    """Return each CSV file's column names, read from its header line (names stripped).

    ``None`` when a header cannot be read: the engine's scan then says why.
    """
    try:
        return [[name.strip() for name in csv_header(name)] for name in files]
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error):
        return None


def _named(columns: Sequence[str]) -> str:
    return listed(columns, most=_NAMES_SHOWN, quote=True, final_and=False)


def check_same_columns(
    files: Sequence[str],
    columns: Sequence[Sequence[str]],
    *,
    ordered: bool,
    label: str,
    source: str,
) -> None:
    """Refuse files read together unless they have the same columns, naming what differs.

    Each file is compared with the one holding most of the persons contract's columns (the
    first of them, should several tie): a file that lacks some of its columns, or has
    others besides, is named with those columns, so that no column is read as blank in the
    rows of the files that lack it. CSV files (``ordered``) must also have their columns in
    the same order, as their values are read by position. At most
    :data:`~toolkit.data.problems.MAX_EXAMPLES` files are named, then how many more differ.

    Parameters
    ----------
    files : sequence of str
        The files, as given.
    columns : sequence of sequence of str
        Each file's column names, in the files' order.
    ordered : bool
        Whether the columns' order must match too.
    label : str
        What the message calls the files together.
    source : str
        The path, folder or glob as given, kept on the error.

    Raises
    ------
    DataContractError
        If some file's columns differ from the others'.
    """
    from toolkit.data.problems import MAX_EXAMPLES, fail
    from toolkit.data.schemas import PERSONS_RULES

    if len(files) < 2:
        return
    known = [sum(name in PERSONS_RULES for name in names) for names in columns]
    first = known.index(max(known))
    reference = list(columns[first])
    differences = []
    strangers = False  # a file without person_id among persons files: not a persons file
    for name, names in zip(files, columns, strict=True):
        lacks = [column for column in reference if column not in names]
        besides = [column for column in names if column not in reference]
        what = []
        if lacks:
            what.append(f"it lacks {_named(lacks)}")
        if besides:
            what.append(f"it has {_named(besides)} besides")
        if not what and ordered and list(names) != reference:
            what.append("the same columns in another order")
        strangers = strangers or ("person_id" in lacks)
        if what:
            differences.append(
                f"{name} has different columns from {files[first]} ({'; '.join(what)})"
            )
    if differences:
        more = len(differences) - MAX_EXAMPLES
        shown = listed(differences, most=MAX_EXAMPLES, final_and=False, sep="; ")
        if more > 0:  # "...; and 3 more files differ"
            shown += " files differ" if more > 1 else " file differs"
        hint = (
            " Point at the persons files alone (a file, or a glob such as "
            f"'extracts/persons_*{suffix(files[first])}')."
            if strangers
            else ""
        )
        fail(
            label,
            "same_columns",
            f"{shown}; files read together must have the same "
            f"{'header' if ordered else 'columns'}.{hint}",
            source=source,
        )


def check_required_columns(columns: Sequence[str], label: str) -> None:
    """Refuse a persons table that lacks a column every cube reads, naming them.

    Shared by :func:`toolkit.segment.build_cube` and :func:`toolkit.segment.build_cohort_cube`.
    """
    missing = [name for name in CUBE_INPUT_COLUMNS if name not in columns]
    if missing:
        hint = (
            " Give each person their neighbourhood's decile from their LSOA: with `--areas "
            "FILE` (your areas file) on the command line, or in Python by joining the persons "
            "to the areas first (toolkit.data.join_persons_to_areas)."
            if "imd_decile" in missing
            else ""
        )
        raise DataContractError(
            f"The {label} lacks columns the segment and cohort cubes need: "
            f"{', '.join(repr(name) for name in missing)}.{hint}",
            source=label,
        )


@dataclass(frozen=True)
class Source:
    """The persons as an engine-side table, what to call it, and how to find its rows."""

    table: ir.Table
    label: str
    path: str | None = None
    several_files: bool = False
    #: Builds, only when a value check fails, the table with each person's file and row
    #: number (see :func:`toolkit.segment._value_checks.check_values`), and what messages
    #: call the file a row comes from (``None``: by its bare name); ``None`` when the
    #: engine cannot number the rows.
    locate: Callable[[], tuple[ir.Table, Callable[[str], str] | None] | None] = lambda: None
    #: For files scanned by DuckDB: the persons contract as SQL (see
    #: :func:`toolkit.segment._duckdb_files.check_files`).
    contract: FileContract | None = None


def with_row_numbers(persons: pd.DataFrame) -> pd.DataFrame:
    """Return the DataFrame with its spreadsheet row numbers (position + 2, as readers.py)."""
    return persons.reset_index(drop=True).assign(
        **{FILE_COLUMN: "", ROW_COLUMN: np.arange(2, len(persons) + 2, dtype="int64")}
    )


__all__ = ["resolve_files"]
