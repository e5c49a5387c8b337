"""Where a table's header row is: the sheet of a workbook, and the row of a sheet or CSV file.

Title rows above the header ("English Indices of Deprivation 2019", "File 1") are common in
files exported from spreadsheets. The readers look for the header among the first
:data:`HEADER_SEARCH_ROWS` rows: the row naming the most of the contract's columns (or of
the Indices of Deprivation's own headers), when one names two or more
(:func:`header_position`); :func:`find_table_sheet` picks a workbook's data sheet the same
way.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from toolkit.data import iod
from toolkit.data.columns import normalise_name
from toolkit.data.schemas import AREAS_RULES, CUBE_RULES, PERSONS_RULES

#: How many rows at the top of an Excel sheet or a CSV file are searched for the header row.
HEADER_SEARCH_ROWS: Final[int] = 10


def known_header_score(cells: Sequence[Any]) -> int:
    """Count the cells of a row that name a contract column or an indices file's column.

    Parameters
    ----------
    cells : sequence
        One row's cells (blank ones, None or NaN, are not counted).

    Returns
    -------
    int
        How many name a persons, areas or cube column (matched as the readers match
        names) or a column of the English Indices of Deprivation files.
    """
    known = set(PERSONS_RULES) | set(AREAS_RULES) | set(CUBE_RULES)
    score = 0
    for cell in cells:
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            continue
        if normalise_name(cell) in known:
            score += 1
        elif any(re.search(pattern, iod.header_name(cell)) for pattern in iod.IMD_HEADERS.values()):
            score += 1
    return score


def header_position(rows: Sequence[Sequence[Any]]) -> int:
    """Return which of a table's first rows is its header (0 for the first).

    The row among the first :data:`HEADER_SEARCH_ROWS` naming the most columns
    (:func:`known_header_score`), the first of equals, when one names two or more; else the
    first row.

    Parameters
    ----------
    rows : sequence of sequences
        The table's first rows, the first row first.

    Returns
    -------
    int
        The header's position among ``rows``.
    """
    scores = [known_header_score(list(row)) for row in rows[:HEADER_SEARCH_ROWS]]
    return int(np.argmax(scores)) if scores and max(scores) >= 2 else 0


def find_table_sheet(path: Path, names: Collection[str]) -> tuple[str | None, list[str]] | None:
    """Find the sheet of a workbook whose header row has the most of a table's column names.

    The first :data:`HEADER_SEARCH_ROWS` rows of each sheet are searched (so title rows
    above the header are fine); a cell counts when its name, matched as the readers match
    names (:func:`toolkit.data.columns.normalise_name`), is one of ``names``. A sheet needs
    two such cells in one row to count; among those, the one with most wins (the first of
    equals).

    Parameters
    ----------
    path : pathlib.Path
        An Excel workbook.
    names : collection of str
        The table's column names (the contract's spelling).

    Returns
    -------
    tuple of (str or None, list of str) or None
        The sheet's name (None when no sheet has two of the names) and the names of every
        sheet, in order; None when the workbook cannot be opened (the reader then reports
        why).
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl and zipfile raise many types for damaged files
        return None
    known = set(names)
    best: tuple[int, str | None] = (1, None)
    try:
        sheets = list(workbook.sheetnames)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
                score = sum(
                    1 for cell in row if isinstance(cell, str) and normalise_name(cell) in known
                )
                if score > best[0]:
                    best = (score, sheet.title)
    except Exception:  # a damaged sheet: let the reader report it
        return None
    finally:
        workbook.close()
    return best[1], sheets


__all__ = ["HEADER_SEARCH_ROWS", "find_table_sheet", "header_position", "known_header_score"]
