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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

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
    opener: Callable[..., Any] = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
        return next(csv.reader(handle, dialect=dialect), [])


def check_required_columns(columns: Sequence[str], label: str) -> None:
    """Refuse a persons table that lacks a column every cube reads, naming them.

    Shared by :func:`toolkit.segment.build_cube` and :func:`toolkit.segment.build_cohort_cube`.
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
    #: number (see :func:`toolkit.segment._value_checks.check_values`); ``None`` when the
    #: engine cannot number the rows.
    locate: Callable[[], tuple[ir.Table, Mapping[str, int] | None] | None] = lambda: None
    #: For files scanned by DuckDB: the persons contract as SQL (see
    #: :func:`toolkit.segment._duckdb_files.check_files`).
    contract: FileContract | None = None


def with_row_numbers(persons: pd.DataFrame) -> pd.DataFrame:
    """Return the DataFrame with its spreadsheet row numbers (position + 2, as readers.py)."""
    return persons.reset_index(drop=True).assign(
        **{FILE_COLUMN: "", ROW_COLUMN: np.arange(2, len(persons) + 2, dtype="int64")}
    )


__all__ = ["resolve_files"]
