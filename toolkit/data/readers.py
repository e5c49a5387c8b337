"""Read and validate the persons, areas and cube tables against the data contract.

Every function returns a new DataFrame in the contract's dtypes (see
:mod:`toolkit.data.schemas` for the column-by-column contract) or raises one
:class:`~toolkit.errors.DataContractError` that lists every problem found at once.

Row numbers in messages
    are the row numbers a spreadsheet shows: the header is row 1 and the first data row is
    row 2. For a CSV file this is also the line number in a text editor (unless a quoted
    value spans lines). When an Excel sheet has title rows above the header, the numbers
    are still the sheet's own row numbers. A DataFrame passed in directly is numbered the
    same way: its first row (position 0) is row 2.

Decisions about files (documented for analysts in ``data/README.md``)
    - CSV files are read as UTF-8 (a byte-order mark from Excel's "CSV UTF-8" is fine).
      Text in another encoding is refused with the line number of the first bad byte, not
      guessed: pass ``encoding="cp1252"`` for a file saved by Excel as plain "CSV".
    - Every value in a CSV is read as text first, so identifiers keep leading zeros and the
      standardisation can name the rows whose values cannot be read. Typed files (Parquet,
      Excel) go through the same standardisation: a Parquet column of text that holds whole
      numbers is accepted as numbers, and one that holds "unknown" is reported row by row.
    - Rows in which every cell is empty are skipped when reading a file (they hold no data);
      other rows keep their true row numbers.
    - Excel: the first sheet unless ``sheet`` says otherwise (for areas, the first sheet
      with an LSOA code column, so a "Notes" sheet first is fine); the header row is found
      among the first 10 rows, so title rows above it are fine.
    - Areas may be read from a ``.gz`` file or a ``.zip`` holding one data file, and from
      several files joined on LSOA code (see :func:`read_areas` and :mod:`toolkit.data.iod`).
    - Column names are matched ignoring case, surrounding spaces, and spaces or hyphens in
      place of underscores ("GP Appointments" is ``gp_appointments``).

Where each job is done
    This module reads persons files (:func:`read_persons`) and gathers the readers' public
    names. Each job has a module of its own, with one public entry point and a few private
    steps: :mod:`toolkit.data.problems` (the problems found and the one error that lists
    them), :mod:`toolkit.data.columns` (column-name matching), :mod:`toolkit.data.validation`
    (standardise and check a table: :func:`validate_persons`, :func:`validate_areas`,
    :func:`validate_cube`), :mod:`toolkit.data.geometry` (the areas' shapes),
    :mod:`toolkit.data.files` (a file's kind, opened and read), :mod:`toolkit.data.areas`
    (areas and Indices of Deprivation files: :func:`read_areas`) and :mod:`toolkit.data.join`
    (:func:`join_persons_to_areas`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final

import pandas as pd

from toolkit.data import iod
from toolkit.data.areas import read_areas
from toolkit.data.columns import (
    NAME_STEMS,
    NEAR_MISS,
    Table,
    contract_column_names,
    persons_column_problems,
)
from toolkit.data.files import (
    BLANK_TEXT,
    HEADER_SEARCH_ROWS,
    checked_path,
    read_table,
    unpacked_file,
)
from toolkit.data.geometry import AREAS_CRS, GEOMETRY_REPAIR_HINT
from toolkit.data.join import Existing, JoinReport, join_persons_to_areas
from toolkit.data.problems import MAX_EXAMPLES
from toolkit.data.validation import (
    parse_reference_date,
    validate_areas,
    validate_cube,
    validate_persons,
    validate_table,
)

#: Headers of the English Indices of Deprivation files (2019: LSOA 2011 codes; 2025: LSOA
#: 2021 codes), matched ignoring case and repeated spaces; see :mod:`toolkit.data.iod`.
IMD_HEADERS: Final[dict[str, str]] = iod.IMD_HEADERS


def read_persons(
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    sheet: str | int = 0,
    reference_date: Any = None,
    label: str | None = None,
) -> pd.DataFrame:
    """Read a persons file (CSV, Parquet or Excel) and check it against the contract.

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.parquet`` or ``.xlsx`` file, one row per person, or one of them
        packed as ``.gz`` (``persons.csv.gz``) or in a ``.zip`` holding that one file.
    encoding : str, default "utf-8"
        Text encoding of a CSV file. A file that is not in this encoding is refused with
        the line of the first bad byte; Excel's plain "CSV" is ``"cp1252"``.
    sheet : str or int, default 0
        The Excel sheet to read (name or position).
    reference_date : date, datetime or str, optional
        Derive ``age`` from ``date_of_birth`` at this date when the file has no ``age``.
    label : str, optional
        What messages call the file; its name by default. (:func:`toolkit.segment.build_cube`
        gives the path it was given, so that its messages and these agree.)

    Returns
    -------
    pandas.DataFrame
        The persons table in the contract's dtypes (see :func:`validate_persons`).

    Raises
    ------
    DataContractError
        For any problem with the file or its values; the message names the file, and for
        values the column and up to five rows.
    """
    reference = parse_reference_date(reference_date, "read_persons")
    if label is not None and not isinstance(label, str):
        raise TypeError(
            f"The 'label' parameter of read_persons must be a str. Got {type(label).__name__} "
            "instead."
        )
    if isinstance(path, str | os.PathLike) and iod.is_packed(Path(path)):
        raw, first_row, label, source = _read_packed_persons(
            path, encoding=encoding, sheet=sheet, label=label
        )
    else:
        raw, first_row, label, source = read_table(
            path,
            table="persons",
            function="read_persons",
            encoding=encoding,
            sheet=sheet,
            label=label,
        )
    return validate_table(
        raw,
        table="persons",
        function="read_persons",
        source=source,
        label=label,
        first_row=first_row,
        skip_empty_rows=True,
        reference_date=reference,
    )


def _read_packed_persons(
    path: str | os.PathLike[str], *, encoding: str, sheet: str | int, label: str | None
) -> tuple[pd.DataFrame, int, str, str]:
    """Read a persons file from a ``.gz`` (``persons.csv.gz``) or a ``.zip`` holding one."""
    resolved, outer = checked_path(
        path, function="read_persons", table="persons", packed=True, label=label
    )
    source = str(path)
    with unpacked_file(resolved, label=outer, source=source) as (inner, inner_label):
        raw, first_row, _, _ = read_table(
            inner.path,
            table="persons",
            function="read_persons",
            encoding=encoding,
            sheet=sheet,
            label=inner_label,
            source=source,
        )
    return raw, first_row, inner_label, source


__all__ = [
    "AREAS_CRS",
    "BLANK_TEXT",
    "GEOMETRY_REPAIR_HINT",
    "HEADER_SEARCH_ROWS",
    "IMD_HEADERS",
    "MAX_EXAMPLES",
    "NAME_STEMS",
    "NEAR_MISS",
    "Existing",
    "JoinReport",
    "Table",
    "contract_column_names",
    "join_persons_to_areas",
    "persons_column_problems",
    "read_areas",
    "read_persons",
    "validate_areas",
    "validate_cube",
    "validate_persons",
]
