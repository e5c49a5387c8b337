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
    - Excel: unless ``sheet`` says otherwise, the data sheet is found, so a "Notes" sheet
      first is fine (for persons, the sheet whose header row has the most persons columns;
      for areas, the first sheet with an LSOA code column) and the sheet read is noted; the
      header row is found among the first 10 rows, so title rows above it are fine.
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
import warnings
from dataclasses import dataclass
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
    find_table_sheet,
    read_table,
    unpacked_file,
    written_blank_notes,
)
from toolkit.data.geometry import AREAS_CRS, GEOMETRY_REPAIR_HINT
from toolkit.data.join import Existing, JoinReport, join_persons_to_areas
from toolkit.data.problems import MAX_EXAMPLES
from toolkit.data.schemas import PERSONS_RULES
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
    sheet: str | int | None = None,
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
    sheet : str or int, optional
        The Excel sheet to read (name or position). By default, the sheet whose header row
        (among its first 10 rows) has the most of the persons columns, so a "Notes" sheet
        first is fine; which sheet was read is said in ``attrs["notes"]`` (and in a
        ``UserWarning`` when it is not the first). When no sheet has them, the first is
        read and the message names the workbook's sheets. In a CSV or Excel file, text
        such as "NA", "N/A", "NaN" or "NULL" is read as blank, as an empty cell is; where it
        was is said too (column, count and rows), in ``attrs["notes"]`` and a
        ``UserWarning``. In a workbook, Excel's error value #N/A is read so too; any other
        error value (#DIV/0!, #REF!, #VALUE!...) is a formula that failed, and is refused
        with its column and rows.
    reference_date : date, datetime or str, optional
        Derive ``age`` from ``date_of_birth`` at this date when the file has no ``age``.
    label : str, optional
        What messages call the file; its name by default. (:func:`toolkit.segment.build_cube`
        gives the path it was given, so that its messages and these agree.)

    Returns
    -------
    pandas.DataFrame
        The persons table in the contract's dtypes (see :func:`validate_persons`).
        ``attrs["notes"]``, when there is anything to note, says which sheet of a workbook
        was read and where text was read as blank.

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
    if sheet is not None and (not isinstance(sheet, str | int) or isinstance(sheet, bool)):
        raise TypeError(
            "The 'sheet' parameter of read_persons must be a sheet name (str) or position "
            f"(int), or None to find the data sheet. Got {type(sheet).__name__} instead."
        )
    if isinstance(path, str | os.PathLike) and iod.is_packed(Path(path)):
        read = _read_packed_persons(path, encoding=encoding, sheet=sheet, label=label)
    else:
        read = _read_persons_file(path, encoding=encoding, sheet=sheet, label=label, source=None)
    if read.warned:
        warnings.warn(f"{read.label}: {'; '.join(read.warned)}.", UserWarning, stacklevel=2)
    result = validate_table(
        read.raw,
        table="persons",
        function="read_persons",
        source=read.source,
        label=read.label + read.unfound,
        first_row=read.first_row,
        skip_empty_rows=True,
        reference_date=reference,
    )
    if read.notes:
        result.attrs["notes"] = list(read.notes)
    return result


@dataclass(frozen=True)
class _PersonsFile:
    """A persons file read but not yet checked, and what was noted about its sheet."""

    raw: pd.DataFrame
    first_row: int
    label: str
    source: str
    notes: tuple[str, ...] = ()
    warned: tuple[str, ...] = ()
    unfound: str = ""


def _read_persons_file(
    path: Any, *, encoding: str, sheet: str | int | None, label: str | None, source: str | None
) -> _PersonsFile:
    """Read one (unpacked) persons file, finding a workbook's data sheet unless told."""
    chosen: str | int = 0 if sheet is None else sheet
    notes: list[str] = []
    warned: list[str] = []
    unfound = ""
    is_workbook = isinstance(path, str | os.PathLike) and Path(path).suffix.lower() in (
        ".xlsx",
        ".xlsm",
    )
    found = find_table_sheet(Path(path), PERSONS_RULES) if sheet is None and is_workbook else None
    if found is not None:
        name, sheets = found
        listed = ", ".join(f"'{sheet_name}'" for sheet_name in sheets)
        if name is not None:
            chosen = name
            if len(sheets) > 1:
                note = (
                    f"read sheet '{name}', the one whose header row has the persons columns "
                    f"(the workbook's sheets: {listed})"
                )
                notes.append(note)
                if name != sheets[0]:
                    warned.append(note)
        elif len(sheets) > 1:
            unfound = (
                f" (sheet '{sheets[0]}' read: none of the workbook's sheets ({listed}) has a "
                "header row with the persons columns, such as person_id, age and sex, in its "
                f"first {HEADER_SEARCH_ROWS} rows)"
            )
    raw, first_row, label, source = read_table(
        path,
        table="persons",
        function="read_persons",
        encoding=encoding,
        sheet=chosen,
        label=label,
        source=source,
    )
    # Text such as "NA" or "NULL" read as blank is said, where it was (never silently).
    blanks = written_blank_notes(raw, first_row)
    notes.extend(blanks)
    warned.extend(blanks)
    return _PersonsFile(raw, first_row, label, source, tuple(notes), tuple(warned), unfound)


def _read_packed_persons(
    path: str | os.PathLike[str], *, encoding: str, sheet: str | int | None, label: str | None
) -> _PersonsFile:
    """Read a persons file from a ``.gz`` (``persons.csv.gz``) or a ``.zip`` holding one."""
    resolved, outer = checked_path(
        path, function="read_persons", table="persons", packed=True, label=label
    )
    source = str(path)
    with unpacked_file(resolved, label=outer, source=source, table="persons") as opened:
        inner, inner_label = opened
        return _read_persons_file(
            inner.path, encoding=encoding, sheet=sheet, label=inner_label, source=source
        )


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
