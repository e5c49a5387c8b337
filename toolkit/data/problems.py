"""The problems found in a table, and the one error that lists them.

Every data error of the toolkit is a :class:`~toolkit.errors.DataContractError` worded
here: one line per problem (a column, a check, how many rows and a few example rows) and a
``failures`` table with the same facts for programs. The readers (:mod:`toolkit.data.readers`),
the cube's engines (:mod:`toolkit.segment`), :mod:`toolkit.places` and the other
subpackages describe their problems with :class:`Problem` and :func:`row_problem` and raise
them with :func:`raise_problems` (or :func:`fail`, for a problem with the table itself), so
that every message reads the same.

Row numbers in messages
    are the row numbers a spreadsheet shows: the header is row 1 and the first data row is
    row 2 (:data:`FIRST_DATA_ROW`). A DataFrame passed in directly is numbered the same
    way: its first row (position 0) is row 2. A file whose header is lower down (an Excel
    sheet with title rows) numbers its rows from its own first data row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.errors import DataContractError

#: How many example rows a message shows for each problem.
MAX_EXAMPLES: Final[int] = 5

#: The spreadsheet row number of a table's first data row (the header is row 1).
FIRST_DATA_ROW: Final[int] = 2

#: The note that says how a message numbers a table's rows (the header is row 1).
ROWS_NUMBERED: Final[str] = "Row numbers are as a spreadsheet shows them (the header is row 1)."


@dataclass(frozen=True)
class Problem:
    """One failed check: a column, a check name, the rows and the sentence that says so."""

    column: str | None
    check: str
    sentence: str
    failing_rows: int | None = None
    example_rows: tuple[int, ...] = ()


def show_value(value: Any) -> str:
    """Show a value in a message: text quoted (and shortened), dates dd/mm/yyyy, 130.0 as 130."""
    if isinstance(value, pd.Timestamp | datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return repr(shown)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def row_problem(
    column: str | None,
    check: str,
    phrases: tuple[str, str],
    positions: np.ndarray,
    values: Sequence[Any] | None,
    first_row: int,
) -> Problem:
    """Describe rows failing one check: "column 'age': 2 rows are outside 0 to 120 (...)."."""
    order = np.argsort(positions, kind="stable")
    positions = np.asarray(positions)[order]
    count = len(positions)
    singular, plural = phrases
    rows = positions + first_row
    shown = rows[:MAX_EXAMPLES]
    if values is not None:
        ordered = [values[i] for i in order[:MAX_EXAMPLES]]
        details = []
        for row, value in zip(shown, ordered, strict=True):
            blank = value is None or (not isinstance(value, str) and bool(pd.isna(value)))
            details.append(f"row {row}" if blank else f"row {row}: {show_value(value)}")
        detail = listed(details, most=MAX_EXAMPLES, total=count, final_and=False, sep="; ")
    else:
        label = "row" if count == 1 else "rows"
        detail = f"{label} " + listed(
            shown, most=MAX_EXAMPLES, total=count, final_and=False, last_sep="; and "
        )
    noun = "1 row" if count == 1 else f"{count:,} rows"
    phrase = singular if count == 1 else plural
    where = f"column '{column}': " if column else ""
    return Problem(
        column=column,
        check=check,
        sentence=f"{where}{noun} {phrase} ({detail}).",
        failing_rows=count,
        example_rows=tuple(int(row) for row in shown),
    )


def detail_problem(
    column: str | None,
    check: str,
    phrases: tuple[str, str],
    rows: Sequence[int],
    details: Sequence[str],
    *,
    noun: tuple[str, str] = ("row", "rows"),
    advice: str = "",
) -> Problem:
    """Describe failures whose examples need words of their own ("row 5: ..., as row 3").

    Like :func:`row_problem`, but each example is given as text, shown whole rather than
    quoted and shortened: "column 'period': 2 rows repeat a period (row 5: ...; row 7: ...)."
    followed by ``advice``. The series checks of :mod:`toolkit.monitor` and the geometry
    checks of :mod:`toolkit.data.geometry` word their problems with it.

    Parameters
    ----------
    column : str or None
        The column at fault (``None`` for none: the sentence then names no column).
    check : str
        The check's name in the error's ``failures`` table.
    phrases : tuple of str
        What is wrong, for one failure and for several ("repeats ...", "repeat ...").
    rows : sequence of int
        Spreadsheet row numbers, one per failure, in the order to show.
    details : sequence of str
        The text shown for each failure (the first :data:`MAX_EXAMPLES` are shown).
    noun : tuple of str, default ("row", "rows")
        What is counted, singular and plural.
    advice : str, default ""
        A sentence that follows the examples (how to put it right).

    Returns
    -------
    Problem
        The problem, with its sentence, number of failing rows and example rows.
    """
    count = len(details)
    shown = listed(details, most=MAX_EXAMPLES, final_and=False, sep="; ")
    counted = f"1 {noun[0]}" if count == 1 else f"{count:,} {noun[1]}"
    phrase = phrases[0] if count == 1 else phrases[1]
    where = f"column '{column}': " if column else ""
    sentence = f"{where}{counted} {phrase} ({shown})."
    if advice:
        sentence += f" {advice}"
    return Problem(
        column=column,
        check=check,
        sentence=sentence,
        failing_rows=len(rows),
        example_rows=tuple(int(row) for row in rows[:MAX_EXAMPLES]),
    )


def failures_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """Return the problems as the error's ``failures`` table (one row per column and check)."""
    return pd.DataFrame(
        {
            "column": pd.Series([p.column for p in problems], dtype=object),
            "check": pd.Series([p.check for p in problems], dtype=object),
            "failing_rows": pd.array([p.failing_rows for p in problems], dtype="Int64"),
            "example_rows": pd.Series([list(p.example_rows) for p in problems], dtype=object),
            "message": pd.Series([p.sentence for p in problems], dtype=object),
        }
    )


def raise_problems(
    problems: Sequence[Problem],
    *,
    label: str,
    source: str | None,
    first_row: int = FIRST_DATA_ROW,
    column_order: Sequence[str] | None = None,
) -> None:
    """Raise one DataContractError listing every problem, headed by ``label``.

    ``source`` is kept on the error (a file's full path). When any problem names rows, the
    heading says how they are numbered: ``first_row`` is the number of the first data row.
    With ``column_order`` (the contract's columns, in order), problems with the whole table
    come first, then those of each column in that order (a column not listed last); the
    order among one column's problems is kept.
    """
    if column_order is not None:
        order = {name: position for position, name in enumerate(column_order)}
        problems = sorted(
            problems,
            key=lambda p: (
                p.failing_rows is not None,
                order.get(p.column, len(order)) if p.column else -1,
            ),
        )
    count = len(problems)
    heading = f"{label}: {count} problem{'s' if count != 1 else ''} found."
    if any(p.example_rows for p in problems):
        heading += (
            f" Row numbers are as a spreadsheet shows them (the header is row {first_row - 1})."
        )
    lines = [heading, *(f" - {p.sentence}" for p in problems)]
    raise DataContractError("\n".join(lines), failures=failures_table(problems), source=source)


def fail(label: str, check: str, sentence: str, *, source: str | None, line: int | None = None):
    """Raise a DataContractError for a problem with the file itself (not its values)."""
    problem = Problem(
        column=None,
        check=check,
        sentence=sentence,
        failing_rows=None if line is None else 1,
        example_rows=() if line is None else (line,),
    )
    raise DataContractError(
        f"{label}: {sentence}", failures=failures_table([problem]), source=source
    )


__all__ = [
    "FIRST_DATA_ROW",
    "MAX_EXAMPLES",
    "ROWS_NUMBERED",
    "Problem",
    "detail_problem",
    "fail",
    "failures_table",
    "raise_problems",
    "row_problem",
    "show_value",
]
