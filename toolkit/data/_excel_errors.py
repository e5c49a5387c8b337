"""Excel's error cells (#N/A, #DIV/0!, #REF!...), which pandas reads as empty cells.

:func:`error_cells` finds them in a sheet (a quick look at the workbook's XML first, so a
workbook without them is not read twice); :func:`excel_errors` turns #N/A into the text
the readers read as blank and note, and refuses any other error, naming its column and
rows. Our own code: pandas' Excel reader gives no way to tell an error cell from an empty
one.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from toolkit.data.problems import raise_problems, row_problem

#: Excel's error value that means "not available": read as blank and noted, as the text is.
EXCEL_NOT_AVAILABLE: Final[str] = "#N/A"


def _has_error_cells(path: Path) -> bool:
    """Whether any sheet of an .xlsx workbook holds an error cell (``t="e"`` in its XML).

    A fast look at the raw XML, so that the common workbook without errors is not read a
    second time cell by cell.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as part:
                        tail = b""
                        while chunk := part.read(1 << 20):
                            if b't="e"' in tail + chunk:
                                return True
                            tail = chunk[-8:]
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def error_cells(path: Path, sheet: str | int) -> list[tuple[int, int, str]]:
    """Return the error cells of one sheet, which pandas reads as blank without a word.

    Each is (row, column), from 1 as Excel numbers them, and the error ("#DIV/0!",
    "#N/A"...). Our own scan: pandas' Excel reader gives no way to tell an error cell from
    an empty one.
    """
    if not _has_error_cells(path):
        return []
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = workbook[sheet] if isinstance(sheet, str) else workbook.worksheets[sheet]
        return [
            (cell.row, cell.column, str(cell.value))
            for row in worksheet.iter_rows()
            for cell in row
            if getattr(cell, "data_type", None) == "e"
        ]
    finally:
        workbook.close()


def _read_by_toolkit(name: object, table: str) -> bool:
    """Return whether a column may be read: a contract column's name or an indices header.

    For a table whose columns this layer does not know (an indicator series, read by
    :mod:`toolkit.monitor`), every column with a name counts.
    """
    from toolkit.data import iod
    from toolkit.data.columns import normalise_name
    from toolkit.data.schemas import AREAS_RULES, CUBE_RULES, PERSONS_RULES

    if table not in ("persons", "areas", "cube"):
        return not str(name).startswith("Unnamed: ")
    if normalise_name(name) in {*PERSONS_RULES, *AREAS_RULES, *CUBE_RULES}:
        return True
    header = iod.header_name(name)
    return any(re.search(pattern, header) for pattern in iod.IMD_HEADERS.values())


def excel_errors(
    data: pd.DataFrame,
    errors: list[tuple[int, int, str]],
    first_row: int,
    label: str,
    source: str,
    *,
    table: str = "persons",
) -> pd.DataFrame:
    """Note Excel's #N/A cells as written blanks; refuse the other errors, column by column.

    ``errors`` are the sheet's error cells (:func:`error_cells`); ``first_row`` is the
    sheet row of ``data``'s first row; ``table`` is the kind of table read. #N/A becomes
    the text "#N/A", which :func:`blank_written` reads as blank and notes, as it does the
    same text typed in. Any
    other error (#DIV/0!, #REF!, #VALUE!...) is a formula that failed: its value is
    unknown, so the file is refused, naming each column, its rows and the errors; in a
    column no reader takes (a helper column, one without a name), it is read as blank, as
    pandas reads it, since the value is not used.
    """
    failed: dict[int, list[tuple[int, str]]] = {}
    data = data.copy()
    for row, column, error in errors:
        position, index = row - first_row, column - 1
        if (
            position < 0
            or index >= data.shape[1]
            or not _read_by_toolkit(data.columns[index], table)
        ):
            # Above the header, outside the table, or in a column no reader takes (a
            # helper column, one without a name): read as blank, as before, and not used.
            continue
        if error == EXCEL_NOT_AVAILABLE:
            data.iat[position, index] = error
        else:
            failed.setdefault(index, []).append((position, error))
    if failed:
        problems = []
        for index, cells in sorted(failed.items()):
            problem = row_problem(
                str(data.columns[index]),
                "excel_error",
                (
                    "is an Excel error, from a formula that failed",
                    "are Excel errors, from formulas that failed",
                ),
                np.array([position for position, _ in cells]),
                [error for _, error in cells],
                first_row,
            )
            advice = " Correct the formulas in Excel, or paste the values, and save it again."
            problems.append(replace(problem, sentence=problem.sentence + advice))
        raise_problems(problems, label=label, source=source, first_row=first_row)
    return data


__all__ = ["EXCEL_NOT_AVAILABLE", "error_cells", "excel_errors"]
