"""Indicator series: the contract, a reader for files and a validator for tables.

A living strategy is followed month by month (NHS England's *Making Data Count*): each agreed
priority has one or more indicators, and each indicator is a **series**, one value per period,
for the whole system or for one place or cohort. :func:`read_series` reads a series table
from a CSV, Parquet or Excel file and :func:`validate_series` checks one already in memory;
both return a new, standardised table or raise one
:class:`~toolkit.errors.DataContractError` that lists every problem found at once, with the
file, the column and the rows, as :mod:`toolkit.data.readers` does for persons and areas.
:func:`series_from_snapshots` builds yearly series for cohorts from persons tables of
successive years, through the cohort cube.

The contract (one row per period of each series)
    ``series``
        Text id of the indicator (required).
    ``period``
        The month, quarter or year the row is for (required; formats below).
    ``value``, or ``numerator`` and ``denominator``
        Either the value itself, or the counts it is computed from:
        ``value = numerator / denominator × per``. Counts may not be negative and a
        denominator may not be 0. When the table has a ``value`` column the values are kept
        as given (numerator and denominator, if present too, are checked but not used: a
        published value may be age-standardised, not a crude ratio).
    ``place``, ``cohort``
        Optional text. A series is the rows that share ``series`` and, when the table has
        them, ``place`` and ``cohort``: one line on a chart. A blank place or cohort is a
        value of its own, grouped like any other.
    ``theme``, ``outcome``, ``label``
        Optional text describing the series (the priority theme, the outcome measure, a
        title for charts).
    ``target``
        Optional number, the same for every period of a series (blank for none).
    ``improvement``
        Optional: ``"increase"``, ``"decrease"`` or ``"neutral"`` (also read: higher, higher
        is better, up; lower, lower is better, down; neither), the same for every period of
        a series. Blank means none given.
    ``unit``
        Optional text, the same for every period of a series, such as ``"per 1,000 persons a
        month"`` or ``"percentage"``. A unit that mentions "%", "percent" or "proportion"
        marks the series as a proportion: its numerator may not exceed its denominator, and
        its value is computed per 100 (percentages) or per 1 (proportions). Other series
        may have more events than persons (admissions per 1,000 persons can exceed 1,000).
        A unit that states its multiplier ("per 100,000 persons") must agree with the one
        the value is computed with.
    ``per``
        Optional positive number: the multiplier of each row's value, when the table gives
        numerator and denominator. Without the column, the multiplier is 100 for a
        percentage unit, 1 for a proportion unit and the ``per`` argument otherwise.
    ``frequency``
        Optional: ``"month"``, ``"quarter"``, ``"year"`` or ``"financial_year"``, how to read
        dates in ``period`` (see below); the tables these functions return have it.
    Other columns are kept as they are, after the contract's.

Periods
    Every period is read as the first day of its first month (a ``datetime64[ns]``
    Timestamp, such as 2024-04-01 for April 2024, for the second quarter of 2024 and for
    the financial year 2024/25), and its kind goes in the ``frequency`` column. Read, ignoring
    case and surrounding spaces:

    - months: ``2024-01``, ``202401``, ``Jan 2024``, ``January 2024``, ``Jan-24`` (a two-digit
      year is 20yy, as Excel shows "mmm-yy"), ``2024 Jan``, ``2024M01``;
    - quarters: ``2024 Q1``, ``2024Q1``, ``Q1 2024`` (calendar: Q1 is January to March) and
      financial quarters ``2024/25 Q1`` or ``Q1 2024/25`` (Q1 is April to June 2024);
    - calendar years: ``2024`` (also the number 2024);
    - financial years (April to March): ``2024/25``, ``2024/2025``, ``2024-25``, ``FY2024/25``.
      ``2011-12`` reads as December 2011, not as the financial year: write ``2011/12``;
    - dates: ``2024-01-15`` (ISO), ``15/01/2024`` (day first, as in Britain), Excel date
      cells, Parquet dates and timestamps. A date stands for the month it falls in, or for
      the quarter, year or financial year it falls in when ``frequency`` says so (as an
      argument, or row by row in a ``frequency`` column);
    - pandas Periods of months, quarters or years (``Q-MAR`` and ``Y-MAR`` are financial).

    Within a series every period must have the same frequency, appear once, and follow on
    without gaps: a run chart or an SPC chart cannot bridge a missing month. A month with no
    events is a row with a count of 0, not a missing row.

Row numbers in messages
    are those a spreadsheet shows, as in :mod:`toolkit.data.readers`: the header is row 1
    and the first data row is row 2; an Excel sheet with title rows above the header keeps
    the sheet's own numbers; a DataFrame's first row is row 2. Rows in which every cell is
    blank are skipped when reading a file and reported in a DataFrame.

What the functions return
    A new DataFrame: the contract columns in the order above (only those present, plus
    ``frequency`` always, and ``per`` when the value was computed), then the other columns;
    contract names in their contract spelling; text trimmed; numbers as ``float64``
    (counts may be person-years, so they are not forced to whole numbers). Rows are
    sorted by series (in the order each first appears) and then by period, with a new
    index from 0. ``attrs["frequency"]`` is the frequency shared by every series, or None
    when series differ.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from numbers import Integral
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    POSITIVE,
    InstanceOf,
    Interval,
    SequenceOf,
    StrOptions,
    invalid_parameter,
    validate_params,
    warn,
)
from toolkit.data.columns import column_problems, normalise_name
from toolkit.data.files import HEADER_SEARCH_ROWS, drop_blank_unnamed, read_table
from toolkit.data.problems import MAX_EXAMPLES, Problem, raise_problems, row_problem
from toolkit.data.schemas import ColumnRule, blank_mask, default_text, to_number, to_text
from toolkit.data.validation import named_rows

Frequency = Literal["month", "quarter", "year", "financial_year"]

#: The kinds of period a series may have, shortest first.
FREQUENCIES: Final[tuple[str, ...]] = ("month", "quarter", "year", "financial_year")

#: Months between consecutive periods of each frequency.
FREQUENCY_MONTHS: Final[dict[str, int]] = {
    "month": 1,
    "quarter": 3,
    "year": 12,
    "financial_year": 12,
}

#: The directions of improvement a series may have.
IMPROVEMENTS: Final[tuple[str, ...]] = ("increase", "decrease", "neutral")

#: How common spellings of the direction of improvement are read.
IMPROVEMENT_CODINGS: Final[dict[str, str]] = {
    "increase": "increase",
    "higher": "increase",
    "higher is better": "increase",
    "up": "increase",
    "decrease": "decrease",
    "lower": "decrease",
    "lower is better": "decrease",
    "down": "decrease",
    "neutral": "neutral",
    "neither": "neutral",
}

#: Default multiplier of a value computed from numerator and denominator: per 1,000 persons,
#: as the toolkit's other rates (``toolkit.prioritise.candidates.RATE_MULTIPLIER``).
DEFAULT_PER: Final[float] = 1_000.0

#: The ``place`` of series for the whole system (:func:`series_from_snapshots`, the demo).
WHOLE_SYSTEM: Final[str] = "Whole system"

#: Columns that, with ``series``, identify one series (when the table has them).
SERIES_KEYS: Final[tuple[str, ...]] = ("series", "place", "cohort")

#: The contract's columns, in the order the returned table has them.
SERIES_RULES: Final[dict[str, ColumnRule]] = {
    "series": ColumnRule("id", True, False),
    "place": ColumnRule("text", False, True),
    "cohort": ColumnRule("text", False, True),
    "theme": ColumnRule("text", False, True),
    "outcome": ColumnRule("text", False, True),
    "period": ColumnRule("text", True, False),
    "frequency": ColumnRule("text", False, True),
    "numerator": ColumnRule("number", False, True),
    "denominator": ColumnRule("number", False, True),
    "value": ColumnRule("number", False, False),
    "per": ColumnRule("number", False, True),
    "target": ColumnRule("number", False, True),
    "improvement": ColumnRule("text", False, True),
    "unit": ColumnRule("text", False, True),
    "label": ColumnRule("text", False, True),
}

_TEXT_COLUMNS: Final[tuple[str, ...]] = (
    "series",
    "place",
    "cohort",
    "theme",
    "outcome",
    "unit",
    "label",
)
_NUMBER_COLUMNS: Final[tuple[str, ...]] = ("numerator", "denominator", "value", "per", "target")

_MONTH_NAMES: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_ABBREVIATIONS: Final[tuple[str, ...]] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

#: How messages name one period of each frequency.
_FREQUENCY_NOUNS: Final[dict[str, str]] = {
    "month": "a month",
    "quarter": "a quarter",
    "year": "a calendar year",
    "financial_year": "a financial year",
}
_FREQUENCY_PLURALS: Final[dict[str, str]] = {
    "month": "months",
    "quarter": "quarters",
    "year": "calendar years",
    "financial_year": "financial years",
}

_PERIOD_FORMATS: Final[str] = (
    "a month such as 2024-01 or Jan 2024, a quarter such as 2024 Q1, a year such as 2024, "
    "a financial year such as 2024/25, or a date"
)

_YEAR: Final[str] = r"(\d{4})"
_FINANCIAL: Final[str] = r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})"
_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("iso_date", r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
        ("uk_date", r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"),
        ("year_month", r"^(\d{4})\s*-\s*(\d{1,2})$"),
        ("compact_month", r"^(\d{4})(\d{2})$"),
        ("year_m_month", r"^(\d{4})\s*m\s*(\d{1,2})$"),
        ("name_year", r"^([a-z]+)\.?[\s\-]*(\d{2}|\d{4})$"),
        ("year_name", r"^(\d{4})[\s\-]+([a-z]+)$"),
        ("financial_quarter", rf"^(?:fy\s*)?{_FINANCIAL}\s*-?\s*q([1-4])$"),
        ("quarter_financial", rf"^q([1-4])\s*-?\s*(?:fy\s*)?{_FINANCIAL}$"),
        ("year_quarter", rf"^{_YEAR}\s*-?\s*q([1-4])$"),
        ("quarter_year", rf"^q([1-4])\s*-?\s*{_YEAR}$"),
        ("financial_year", rf"^(?:fy\s*)?{_FINANCIAL}$"),
        ("year", rf"^{_YEAR}$"),
    )
)

#: A parsed period: (year, first month, frequency), frequency None for a date.
_Parsed = tuple[int, int, str | None]


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


def _next_year(first: int, second: str) -> bool:
    """Whether ``second`` (two or four digits) is the year after ``first``."""
    if len(second) == 2:
        return int(second) == (first + 1) % 100
    return int(second) == first + 1


def _date(year: int, month: int, day: int) -> _Parsed | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return (year, month, None)


def _parse_text(text: str) -> _Parsed | None:
    """Parse one period written as text (already trimmed and lower case)."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groups()
        if kind == "iso_date":
            return _date(int(groups[0]), int(groups[1]), int(groups[2]))
        if kind == "uk_date":
            return _date(int(groups[2]), int(groups[1]), int(groups[0]))
        if kind == "year_month":
            year, month = int(groups[0]), int(groups[1])
            if 1 <= month <= 12:
                return (year, month, "month")
            if len(groups[1]) == 2 and _next_year(year, groups[1]):
                return (year, 4, "financial_year")
            return None
        if kind in ("compact_month", "year_m_month"):
            year, month = int(groups[0]), int(groups[1])
            return (year, month, "month") if 1 <= month <= 12 else None
        if kind in ("name_year", "year_name"):
            name, year_text = groups if kind == "name_year" else groups[::-1]
            month = _MONTH_NAMES.get(name)
            if month is None:
                return None
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            return (year, month, "month")
        if kind in ("financial_quarter", "quarter_financial"):
            first, second, quarter = (
                groups if kind == "financial_quarter" else (groups[1], groups[2], groups[0])
            )
            if not _next_year(int(first), second):
                return None
            months = 3 * int(quarter) + 1  # Q1 starts in April, Q4 in January of the next year
            return (int(first) + (months - 1) // 12, (months - 1) % 12 + 1, "quarter")
        if kind in ("year_quarter", "quarter_year"):
            year, quarter = groups if kind == "year_quarter" else groups[::-1]
            return (int(year), 3 * int(quarter) - 2, "quarter")
        if kind == "financial_year":
            first = int(groups[0])
            return (first, 4, "financial_year") if _next_year(first, groups[1]) else None
        if kind == "year":
            return (int(groups[0]), 1, "year")
    return None


def _parse_period(value: Any) -> _Parsed | None:
    """Parse one raw period (text, number, date or pandas Period); None if unreadable."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, pd.Period):
        code = value.freqstr.upper()
        start = value.start_time
        if code.startswith("M"):
            return (start.year, start.month, "month")
        if code.startswith("Q") and start.month in (1, 4, 7, 10):
            return (start.year, start.month, "quarter")
        if code.startswith(("Y", "A")) and start.month == 1:
            return (start.year, 1, "year")
        if code.startswith(("Y", "A")) and start.month == 4:
            return (start.year, 4, "financial_year")
        if code.startswith(("D", "B", "H", "W")):
            return (start.year, start.month, None)
        return None
    if isinstance(value, datetime | date | pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return None if stamp is pd.NaT else (stamp.year, stamp.month, None)
    if isinstance(value, int | np.integer | float | np.floating):
        number = float(value)
        if not math.isfinite(number) or not number.is_integer():
            return None
        return _parse_text(str(int(number)))
    if isinstance(value, str):
        return _parse_text(value.strip().lower())
    return None


def _align(parsed: _Parsed, frequency: str | None) -> tuple[int, int, str] | None:
    """Start month and frequency of a parsed period; a date takes ``frequency`` (or month).

    Returns None when a labelled period is not of the ``frequency`` asked for.
    """
    year, month, kind = parsed
    if kind is None:
        kind = frequency or "month"
        if kind == "quarter":
            month = 3 * ((month - 1) // 3) + 1
        elif kind == "year":
            month = 1
        elif kind == "financial_year":
            year, month = (year, 4) if month >= 4 else (year - 1, 4)
        return (year, month, kind)
    if frequency is not None and kind != frequency:
        return None
    return (year, month, kind)


@validate_params(
    {
        "start": [InstanceOf(date, "a date (pandas Timestamp)")],
        "frequency": [StrOptions(FREQUENCIES)],
    }
)
def period_label(start: pd.Timestamp, frequency: str) -> str:
    """Name a period as a board reads it: "Jan 2024", "Apr-Jun 2024", "2024", "2024/25".

    Parameters
    ----------
    start : pandas.Timestamp
        The first day of the period (as in a series table's ``period`` column).
    frequency : {"month", "quarter", "year", "financial_year"}
        The period's kind (its ``frequency``).

    Returns
    -------
    str
        The period's name.

    Raises
    ------
    ValueError
        If ``frequency`` is not one of :data:`FREQUENCIES`.
    """
    start = pd.Timestamp(start)
    if frequency == "month":
        return f"{_MONTH_ABBREVIATIONS[start.month - 1]} {start.year}"
    if frequency == "quarter":
        last = _MONTH_ABBREVIATIONS[start.month + 1]
        return f"{_MONTH_ABBREVIATIONS[start.month - 1]}-{last} {start.year}"
    if frequency == "year":
        return str(start.year)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _stamp(index: int) -> pd.Timestamp:
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)


def _read_periods(
    raw: pd.Series, frequencies: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read every period: month index, frequency, from a date, and unreadable or misfit masks.

    ``frequencies`` holds the frequency each row asks for (None where none is asked for).
    Returns the month index of each period's start (-1 where it cannot be read), its
    frequency (None where unread), whether it was a date, and the rows whose label is of
    another frequency than asked for.
    """
    count = len(raw)
    index = np.full(count, -1, dtype=np.int64)
    kinds = np.full(count, None, dtype=object)
    from_date = np.zeros(count, dtype=bool)
    misfit = np.zeros(count, dtype=bool)
    wanted = [None if pd.isna(value) else value for value in frequencies.to_numpy(dtype=object)]
    codes, uniques = pd.factorize(pd.Series(raw.to_numpy(dtype=object)), use_na_sentinel=True)
    parsed = [_parse_period(value) for value in uniques]
    for position in np.flatnonzero(codes >= 0):
        found = parsed[codes[position]]
        if found is None:
            continue
        aligned = _align(found, wanted[position])
        if aligned is None:
            misfit[position] = True
            continue
        index[position] = _month_index(aligned[0], aligned[1])
        kinds[position] = aligned[2]
        from_date[position] = found[2] is None
    return index, kinds, from_date, misfit


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------


def _detail_problem(
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

    Like :func:`toolkit.data.problems.row_problem`, but each example is given as text. ``rows`` are
    spreadsheet row numbers (one per failure, in the order to show), ``details`` the text
    shown for each.
    """
    count = len(details)
    shown = "; ".join(details[:MAX_EXAMPLES])
    if count > MAX_EXAMPLES:
        shown += f"; and {count - MAX_EXAMPLES:,} more"
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


def _rows_text(rows: Sequence[int]) -> str:
    """Name rows: "row 5", "rows 2 and 3", or "rows 2, 3, 4, 5, 6 and 7 more"."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    return "rows " + _listed([str(row) for row in rows], limit=MAX_EXAMPLES)


def _listed(names: Sequence[str], limit: int = 6) -> str:
    """Join names in words: "Jan 2024", "Jan 2024 and Feb 2024", "..., and 3 more"."""
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit:,} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _show(value: Any) -> str:
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "blank"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value if len(value) <= 30 else value[:27] + "...")
    if isinstance(value, pd.Timestamp | datetime):
        return pd.Timestamp(value).strftime("%d/%m/%Y")
    return str(value)


def _is_proportion(unit: pd.Series) -> pd.Series:
    """Return True where a unit names a percentage or a proportion."""
    text = unit.astype("string").str.lower()
    return text.str.contains(r"%|percent|per cent|proportion", regex=True).fillna(False)


def _is_percentage(unit: pd.Series) -> pd.Series:
    text = unit.astype("string").str.lower()
    return text.str.contains(r"%|percent|per cent", regex=True).fillna(False)


def _stated_per(unit: pd.Series) -> pd.Series:
    """Return the multiplier a unit states ("per 1,000 persons" is 1,000), NaN where none."""
    text = unit.astype("string").str.lower()
    found = text.str.extract(r"\bper\s+(\d[\d,]*)", expand=False)
    return pd.to_numeric(found.str.replace(",", "", regex=False), errors="coerce").astype("float64")


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _describe_series(keys: Sequence[str], values: Sequence[Any]) -> str:
    parts = []
    for key, value in zip(keys, values, strict=True):
        shown = "blank" if value is None or pd.isna(value) else f"'{value}'"
        parts.append(f"{key} {shown}")
    return ", ".join(parts)


def _mask_problem(
    column: str,
    check: str,
    phrases: tuple[str, str],
    mask: pd.Series | np.ndarray,
    rows: np.ndarray,
    first_row: int,
    values: pd.Series | None = None,
) -> list[Problem]:
    """Describe the rows where ``mask`` holds, as the readers do (none when it never does)."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return []
    shown = None if values is None else list(values.to_numpy(dtype=object)[mask])
    return [row_problem(column, check, phrases, rows[mask], shown, first_row)]


def _column_set_problems(names: Sequence[str], present: set[str]) -> list[Problem]:
    """Missing or misspelt columns, and neither a value nor the counts to compute it."""
    problems = column_problems(names, SERIES_RULES, table="series", derive_age=False)
    if "value" in present or {"numerator", "denominator"} <= present:
        return problems
    if "numerator" in present or "denominator" in present:
        missing = "denominator" if "numerator" in present else "numerator"
        sentence = (
            f"column '{missing}' is missing. Without a 'value' column the value is computed "
            "as numerator / denominator, so both are needed."
        )
    else:
        missing = "value"
        sentence = (
            "column 'value' is missing, and there are no 'numerator' and 'denominator' "
            "columns to compute it from: give one or the other."
        )
    problems.append(Problem(column=missing, check="column_present", sentence=sentence))
    return problems


def _read_numbers(
    positioned: pd.DataFrame, present: set[str], rows: np.ndarray, first_row: int
) -> tuple[dict[str, pd.Series], dict[str, np.ndarray], list[Problem]]:
    """Read the number columns: values (NaN where unreadable), unreadable masks, problems."""
    numbers: dict[str, pd.Series] = {}
    unreadable: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for name in _NUMBER_COLUMNS:
        if name not in present:
            continue
        raw = positioned[name]
        values, bad = to_number(raw)
        bad = bad.to_numpy() | (values.notna() & ~np.isfinite(values.fillna(0.0))).to_numpy()
        shown = (
            raw
            if pd.api.types.is_numeric_dtype(raw.dtype)
            else default_text(raw.astype("string").str.strip())
        )
        problems += _mask_problem(
            name, "number", ("is not a number", "are not numbers"), bad, rows, first_row, shown
        )
        numbers[name] = values.mask(bad)
        unreadable[name] = bad
    return numbers, unreadable, problems


def _count_problems(
    numbers: dict[str, pd.Series],
    unreadable: dict[str, np.ndarray],
    proportion: np.ndarray,
    *,
    computed: bool,
    rows: np.ndarray,
    first_row: int,
) -> list[Problem]:
    """Blank values, negative counts, zero denominators, numerators above denominators."""
    problems: list[Problem] = []
    for name in ["numerator", "denominator"] if computed else ["value"]:
        if name in numbers:
            problems += _mask_problem(
                name,
                "not_blank",
                (
                    "is blank: every period of a series needs one",
                    "are blank: every period of a series needs one",
                ),
                numbers[name].isna().to_numpy() & ~unreadable[name],
                rows,
                first_row,
            )
    for name in ("numerator", "denominator"):
        if name in numbers:
            problems += _mask_problem(
                name,
                "non_negative",
                ("is negative (a count cannot be)", "are negative (a count cannot be)"),
                (numbers[name] < 0).to_numpy(),
                rows,
                first_row,
                numbers[name],
            )
    if "denominator" in numbers:
        problems += _mask_problem(
            "denominator",
            "not_zero",
            ("is 0, so no value can be computed", "are 0, so no value can be computed"),
            (numbers["denominator"] == 0).to_numpy(),
            rows,
            first_row,
        )
    if "numerator" in numbers and "denominator" in numbers:
        above = (numbers["numerator"] > numbers["denominator"]).to_numpy() & proportion
        if above.any():
            details = [
                f"row {row + first_row}: {_show(n)} of {_show(d)}"
                for row, n, d in zip(
                    rows[above],
                    numbers["numerator"].to_numpy()[above],
                    numbers["denominator"].to_numpy()[above],
                    strict=True,
                )
            ]
            problems.append(
                _detail_problem(
                    "numerator",
                    "not_above_denominator",
                    (
                        "is larger than its denominator, which a percentage or proportion "
                        "(as the unit says) cannot be",
                        "are larger than their denominator, which a percentage or proportion "
                        "(as the unit says) cannot be",
                    ),
                    list(rows[above] + first_row),
                    details,
                )
            )
    if "per" in numbers:
        problems += _mask_problem(
            "per",
            "positive",
            ("is not above 0", "are not above 0"),
            (numbers["per"] <= 0).to_numpy(),
            rows,
            first_row,
            numbers["per"],
        )
    return problems


def _multiplier(
    numbers: dict[str, pd.Series],
    unit: pd.Series,
    per: float,
    *,
    rows: np.ndarray,
    first_row: int,
) -> tuple[pd.Series, list[Problem]]:
    """Each row's multiplier (its ``per``, else 100 for %, 1 for a proportion, else ``per``).

    A unit that states another multiplier ("per 100,000" while the value is computed per
    1,000) is a problem: the value would not be what its unit says.
    """
    percentage = _is_percentage(unit).to_numpy(dtype=bool)
    proportion = _is_proportion(unit).to_numpy(dtype=bool) & ~percentage
    fallback = np.where(percentage, 100.0, np.where(proportion, 1.0, float(per)))
    multiplier = pd.Series(fallback, index=unit.index, dtype="float64")
    if "per" in numbers:
        multiplier = numbers["per"].where(numbers["per"].notna(), multiplier)
    stated = _stated_per(unit).where(~percentage, 100.0).where(~proportion, 1.0)
    disagree = (stated.notna() & (stated != multiplier)).to_numpy()
    if not disagree.any():
        return multiplier, []
    pairs = pd.DataFrame(
        {
            "unit": unit.to_numpy(dtype=object)[disagree],
            "per": multiplier.to_numpy()[disagree],
            "row": rows[disagree] + first_row,
        }
    )
    details = [
        f"{_show(text)} with values computed per {times:,.10g} in {_rows_text(list(part['row']))}"
        for (text, times), part in pairs.groupby(["unit", "per"], sort=False)
    ]
    problem = _detail_problem(
        "unit",
        "unit_matches_per",
        (
            "states another multiplier than the value is computed with",
            "state another multiplier than the value is computed with",
        ),
        list(pairs["row"]),
        details,
        noun=("unit", "units"),
        advice="Pass per= (or give a 'per' column) to match the unit, or correct the unit.",
    )
    return multiplier, [problem]


def _read_improvement(
    raw: pd.Series, rows: np.ndarray, first_row: int
) -> tuple[pd.Series, np.ndarray, list[Problem]]:
    """Map the directions of improvement; return them, the unreadable mask and problems."""
    text = to_text(raw)[0]
    lowered = text.astype("string").str.lower().str.replace(r"\s+", " ", regex=True)
    mapped = lowered.map(IMPROVEMENT_CODINGS)
    bad = (text.notna() & mapped.isna()).to_numpy()
    problems = _mask_problem(
        "improvement",
        "improvement",
        (
            "is not 'increase', 'decrease' or 'neutral'",
            "are not 'increase', 'decrease' or 'neutral'",
        ),
        bad,
        rows,
        first_row,
        text,
    )
    return default_text(mapped.astype("string")), bad, problems


def _asked_frequencies(
    positioned: pd.DataFrame, frequency: str | None, rows: np.ndarray, first_row: int
) -> tuple[pd.Series, list[Problem]]:
    """Find the frequency each row asks for: its ``frequency`` cell, else the argument."""
    asked = pd.Series(frequency, index=positioned.index, dtype=object)
    if "frequency" not in positioned:
        return asked, []
    given = to_text(positioned["frequency"])[0]
    lowered = given.astype("string").str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    known = lowered.isin(list(FREQUENCIES)).fillna(False).to_numpy(dtype=bool)
    problems = _mask_problem(
        "frequency",
        "frequency",
        (f"is not one of {', '.join(FREQUENCIES)}", f"are not one of {', '.join(FREQUENCIES)}"),
        given.notna().to_numpy() & ~known,
        rows,
        first_row,
        given,
    )
    return asked.where(~known, lowered.astype(object)), problems


def _period_problems(
    raw: pd.Series,
    asked: pd.Series,
    *,
    rows: np.ndarray,
    first_row: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem]]:
    """Read the periods; report blank ones, unreadable ones and labels of another frequency."""
    shown = (
        default_text(raw.astype("string").str.strip())
        if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype)
        else raw
    )
    blank = blank_mask(raw).to_numpy()
    problems = _mask_problem(
        "period", "not_blank", ("is blank", "are blank"), blank, rows, first_row
    )
    period_index, kinds, from_date, misfit = _read_periods(raw, asked)
    problems += _mask_problem(
        "period",
        "period",
        (f"is not a period ({_PERIOD_FORMATS})", f"are not periods ({_PERIOD_FORMATS})"),
        (period_index < 0) & ~blank & ~misfit,
        rows,
        first_row,
        shown,
    )
    if misfit.any():
        details = [
            f"row {row + first_row}: {_show(value)} is not {_FREQUENCY_NOUNS[kind]}"
            for row, value, kind in zip(
                rows[misfit],
                shown.to_numpy(dtype=object)[misfit],
                asked.to_numpy(dtype=object)[misfit],
                strict=True,
            )
        ]
        problems.append(
            _detail_problem(
                "period",
                "frequency",
                ("is not of the frequency asked for", "are not of the frequency asked for"),
                list(rows[misfit] + first_row),
                details,
                advice="Dates are read at any frequency; labels such as 2024 Q1 only at their own.",
            )
        )
    return period_index, kinds, from_date, problems


def _validate_series(
    frame: Any,
    *,
    function: str,
    source: str | None,
    label: str | None,
    first_row: int,
    skip_empty_rows: bool,
    per: Any,
    frequency: Any,
) -> pd.DataFrame:
    """Standardise and check a series table; raise one error listing every problem.

    The options are checked by the public functions' declarations (:func:`validate_params`).
    """
    label = label or (source if source is not None else "the series table")
    positioned, names, problems = named_rows(
        frame,
        SERIES_RULES,
        lambda names: _column_set_problems(names, set(names)),
        label=label,
        source=source,
        first_row=first_row,
        skip_empty_rows=skip_empty_rows,
    )
    present = set(names)
    computed = "value" not in present
    rows = positioned.index.to_numpy(dtype=np.int64)  # positions among the file's data rows

    columns = {name: to_text(positioned[name])[0] for name in _TEXT_COLUMNS if name in present}
    if "series" in columns:
        problems += _mask_problem(
            "series",
            "not_blank",
            ("is blank", "are blank"),
            columns["series"].isna(),
            rows,
            first_row,
        )
    numbers, unreadable, found = _read_numbers(positioned, present, rows, first_row)
    problems += found
    unit = columns.get("unit", pd.Series(np.nan, index=positioned.index, dtype=object))
    problems += _count_problems(
        numbers,
        unreadable,
        _is_proportion(unit).to_numpy(dtype=bool),
        computed=computed,
        rows=rows,
        first_row=first_row,
    )
    multiplier = None
    if computed and {"numerator", "denominator"} <= present:
        multiplier, found = _multiplier(numbers, unit, per, rows=rows, first_row=first_row)
        problems += found
    improvement = None
    if "improvement" in present:
        improvement, unreadable["improvement"], found = _read_improvement(
            positioned["improvement"], rows, first_row
        )
        problems += found
    asked, found = _asked_frequencies(positioned, frequency, rows, first_row)
    problems += found

    period_index = np.full(len(positioned), -1, dtype=np.int64)
    kinds = np.full(len(positioned), None, dtype=object)
    from_date = np.zeros(len(positioned), dtype=bool)
    if "period" in present:
        period_index, kinds, from_date, found = _period_problems(
            positioned["period"], asked, rows=rows, first_row=first_row
        )
        problems += found

    keys = [key for key in SERIES_KEYS if key in columns]
    if "series" in columns:
        problems += _series_problems(
            columns,
            numbers,
            improvement,
            unreadable,
            keys=keys,
            rows=rows,
            period_index=period_index,
            kinds=kinds,
            from_date=from_date,
            shown_period=positioned.get("period", pd.Series(np.nan, index=positioned.index)),
            first_row=first_row,
        )

    if problems:
        order = {name: position for position, name in enumerate(SERIES_RULES)}
        problems.sort(
            key=lambda p: (
                p.failing_rows is not None,
                order.get(p.column, len(order)) if p.column else -1,
            )
        )
        raise_problems(problems, label=label, source=source, first_row=first_row)

    return _assemble(
        positioned,
        names,
        columns,
        numbers,
        improvement,
        keys=keys,
        period_index=period_index,
        kinds=kinds,
        computed=computed,
        multiplier=multiplier,
    )


def _series_problems(
    columns: dict[str, pd.Series],
    numbers: dict[str, pd.Series],
    improvement: pd.Series | None,
    unreadable: dict[str, np.ndarray],
    *,
    keys: Sequence[str],
    rows: np.ndarray,
    period_index: np.ndarray,
    kinds: np.ndarray,
    from_date: np.ndarray,
    shown_period: pd.Series,
    first_row: int,
) -> list[Problem]:
    """Mixed frequencies, repeated periods, gaps and changing settings within each series."""
    problems: list[Problem] = []
    named = columns["series"].notna().to_numpy()
    valid = named & (period_index >= 0)
    key_frame = pd.DataFrame({key: columns[key].to_numpy(dtype=object) for key in keys})
    group = key_frame.groupby(list(keys), dropna=False, sort=False).ngroup().to_numpy()
    work = pd.DataFrame(
        {
            "group": group,
            "row": rows + first_row,
            "index": period_index,
            "kind": kinds,
            "from_date": from_date,
            "shown": shown_period.to_numpy(dtype=object),
        }
    )[valid]

    def describe(group_id: int) -> str:
        position = int(np.flatnonzero(group == group_id)[0])
        return _describe_series(keys, [columns[key].iloc[position] for key in keys])

    # One frequency per series: the most common (the first row's on a tie).
    counts = work.groupby(["group", "kind"], sort=False).size().rename("n").reset_index()
    main = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates("group")
    main_kind = dict(zip(main["group"], main["kind"], strict=True))
    odd = work["kind"].to_numpy(dtype=object) != work["group"].map(main_kind).to_numpy(dtype=object)
    if len(work) and odd.any():
        odd_rows = work[odd]
        details = [
            f"row {row}: {_show(shown)} is {_FREQUENCY_NOUNS[kind]}, but {describe(group_id)} "
            f"is in {_FREQUENCY_PLURALS[main_kind[group_id]]}"
            for row, shown, kind, group_id in zip(
                odd_rows["row"], odd_rows["shown"], odd_rows["kind"], odd_rows["group"], strict=True
            )
        ]
        problems.append(
            _detail_problem(
                "period",
                "one_frequency",
                (
                    "has another frequency than the rest of its series",
                    "have another frequency than the rest of their series",
                ),
                list(odd_rows["row"]),
                details,
                advice="A series has one frequency: split it, or give every period alike.",
            )
        )
    work = work[~odd]

    # Each period once.
    repeated = work.duplicated(["group", "index"], keep="first").to_numpy()
    if repeated.any():
        first_rows = work.drop_duplicates(["group", "index"]).set_index(["group", "index"])["row"]
        again = work[repeated]
        details = [
            f"row {row}: {describe(group_id)}, {period_label(_stamp(index), kind)}, as in row "
            f"{first_rows.loc[(group_id, index)]}"
            for row, index, kind, group_id in zip(
                again["row"], again["index"], again["kind"], again["group"], strict=True
            )
        ]
        problems.append(
            _detail_problem(
                "period",
                "unique_period",
                (
                    "repeats a period already given for its series",
                    "repeat a period already given for their series",
                ),
                list(again["row"]),
                details,
                advice="Keep one row per period of each series (a series is the rows that "
                f"share {', '.join(repr(key) for key in keys)}).",
            )
        )

    # No gaps.
    gap_details: list[str] = []
    gap_rows: list[int] = []
    gap_series = 0
    for group_id, part in work.drop_duplicates(["group", "index"]).groupby("group", sort=False):
        kind = main_kind[group_id]
        step = FREQUENCY_MONTHS[kind]
        part = part.sort_values("index", kind="stable")
        indices = part["index"].to_numpy()
        jumps = np.flatnonzero(np.diff(indices) > step)
        if not len(jumps):
            continue
        gap_series += 1
        gaps = []
        for jump in jumps:
            before, after = indices[jump], indices[jump + 1]
            missing = list(range(before + step, after, step))
            names = [period_label(_stamp(index), kind) for index in missing]
            shown = _listed(names)
            row_before, row_after = int(part["row"].iloc[jump]), int(part["row"].iloc[jump + 1])
            gaps.append(f"{shown} (between rows {row_before} and {row_after})")
            gap_rows.append(row_after)
        text = f"{describe(group_id)} lacks {'; '.join(gaps)}"
        if part["from_date"].all() and kind == "month":
            spacing = np.diff(indices)
            for months, name in ((12, "year"), (3, "quarter")):
                if (spacing % months == 0).all():
                    text += (
                        f" (its dates are {months} months apart: if the series is "
                        f"{'yearly' if months == 12 else 'quarterly'}, pass "
                        f"frequency='{name}' or give a 'frequency' column)"
                    )
                    break
        gap_details.append(text)
    if gap_details:
        problems.append(
            _detail_problem(
                "period",
                "no_gaps",
                ("has missing periods", "have missing periods"),
                gap_rows,
                gap_details,
                noun=("series", "series"),
                advice="A run chart or SPC chart cannot bridge a gap: add the missing periods "
                "(with a count of 0 where nothing happened).",
            )
        )

    # Settings the same for every period of a series.
    settings: dict[str, pd.Series] = {}
    if improvement is not None:
        settings["improvement"] = improvement
    if "target" in numbers:
        settings["target"] = numbers["target"]
    if "unit" in columns:
        settings["unit"] = columns["unit"]
    for name, values in settings.items():
        kept = np.flatnonzero(named & ~unreadable.get(name, np.zeros(len(named), dtype=bool)))
        raw = values.to_numpy(dtype=object)[kept]
        frame = pd.DataFrame(
            {
                "group": group[kept],
                "row": rows[kept] + first_row,
                "value": raw,
                "key": pd.Series(raw, dtype=object).astype("string").fillna("\x00").to_numpy(),
            }
        )
        distinct = frame.groupby("group", sort=False)["key"].nunique()
        details: list[str] = []
        bad_rows: list[int] = []
        for group_id in distinct.index[distinct.to_numpy() > 1]:
            part = frame[frame["group"] == group_id]
            order = part["key"].value_counts(sort=True).index  # most common first
            pieces = []
            for value_key in order:
                these = part[part["key"] == value_key]
                pieces.append(
                    f"{_show(these['value'].iloc[0])} in {_rows_text(list(these['row']))}"
                )
                if value_key != order[0]:
                    bad_rows.extend(int(row) for row in these["row"])
            details.append(f"{describe(group_id)}: {'; '.join(pieces)}")
        if details:
            problems.append(
                _detail_problem(
                    name,
                    "constant_in_series",
                    ("has more than one value", "have more than one value"),
                    bad_rows,
                    details,
                    noun=("series", "series"),
                    advice=f"Give one {name} for every period of a series.",
                )
            )
    return problems


def _assemble(
    positioned: pd.DataFrame,
    names: Sequence[str],
    columns: dict[str, pd.Series],
    numbers: dict[str, pd.Series],
    improvement: pd.Series | None,
    *,
    keys: Sequence[str],
    period_index: np.ndarray,
    kinds: np.ndarray,
    computed: bool,
    multiplier: pd.Series | None,
) -> pd.DataFrame:
    """Build the returned table: contract columns, then the others, sorted by series."""
    years, months = np.divmod(period_index, 12)
    period = pd.to_datetime(
        pd.DataFrame({"year": years, "month": months + 1, "day": 1}, index=positioned.index)
    ).astype("datetime64[ns]")
    built: dict[str, pd.Series] = dict(columns)
    built.update(numbers)
    built["period"] = period
    built["frequency"] = default_text(
        pd.Series(kinds, index=positioned.index, dtype=object).astype("string")
    )
    if improvement is not None:
        built["improvement"] = improvement
    if computed:
        built["value"] = numbers["numerator"] / numbers["denominator"] * multiplier
        built["per"] = multiplier.astype("float64")
    ordered = [name for name in SERIES_RULES if name in built]
    others = [name for name in names if name not in SERIES_RULES]
    table = pd.DataFrame(
        {
            **{name: built[name] for name in ordered},
            **{name: positioned[name] for name in others},
        },
        index=positioned.index,
    )
    first_seen = (
        table[list(keys)].astype(object).groupby(list(keys), dropna=False, sort=False).ngroup()
    )
    table = (
        table.assign(_series_order=first_seen.to_numpy())
        .sort_values(["_series_order", "period"], kind="stable")
        .drop(columns="_series_order")
        .reset_index(drop=True)
    )
    shared = table["frequency"].dropna().unique()
    table.attrs["frequency"] = str(shared[0]) if len(shared) == 1 else None
    return table


@validate_params(
    {
        "df": ["data-frame"],
        "source": ["str", None],
        "per": [POSITIVE],
        "frequency": [StrOptions(FREQUENCIES), None],
    }
)
def validate_series(
    df: pd.DataFrame,
    *,
    source: str | None = None,
    per: float = DEFAULT_PER,
    frequency: Frequency | None = None,
) -> pd.DataFrame:
    """Check an indicator series table against the contract and return it standardised.

    See the module's documentation for the contract, the formats of periods and the
    returned table.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per period of each series: ``series``, ``period`` and either ``value`` or
        ``numerator`` and ``denominator``, with the optional columns of the contract.
        Not changed.
    source : str, optional
        What to call the table in messages, such as its file name.
    per : float, default 1000
        Multiplier of a value computed from numerator and denominator (per 1,000 persons),
        for series whose unit is not a percentage (always 100) or a proportion (always 1)
        and rows without a ``per`` column of their own.
    frequency : {"month", "quarter", "year", "financial_year"}, optional
        How to read dates in ``period`` (the period each date falls in). Labels must then
        be of this frequency. By default dates are months and labels say their own
        frequency.

    Returns
    -------
    pandas.DataFrame
        A new table: contract columns first (``period`` as the first day of the period,
        ``frequency`` added, ``value`` and ``per`` added when computed), sorted by series
        and period, with a new index.

    Raises
    ------
    DataContractError
        Listing every problem at once: columns missing (with a near miss suggested),
        periods that cannot be read, a series mixing frequencies, repeating a period or
        with gaps (naming the series and the missing periods), counts that are negative,
        denominators of 0, numerators above denominators in a percentage or proportion,
        values that are not numbers, and improvement, target or unit changing within a
        series. Each names the column and up to five rows.
    TypeError
        If ``df`` is not a DataFrame or an option has the wrong type.
    ValueError
        If ``per`` is not a positive number or ``frequency`` is unknown.
    """
    return _validate_series(
        df,
        function="validate_series",
        source=source,
        label=None,
        first_row=2,
        skip_empty_rows=False,
        per=per,
        frequency=frequency,
    )


def _find_header(raw: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, int]:
    """Move the header down to the row that names series columns (title rows above it).

    The readers find an Excel header among the first rows by the persons, areas and cube
    names; a series sheet's header is found here by the series contract's names instead.
    """

    def known(cells: Sequence[Any]) -> int:
        return sum(
            1 for cell in cells if isinstance(cell, str) and normalise_name(cell) in SERIES_RULES
        )

    if known(list(raw.columns)) >= 2:
        return raw, first_row
    for position in range(min(HEADER_SEARCH_ROWS, len(raw))):
        cells = list(raw.iloc[position])
        if known(cells) >= 2:
            names = [
                f"Unnamed: {index}" if cell is None or pd.isna(cell) else str(cell).strip()
                for index, cell in enumerate(cells)
            ]
            data = raw.iloc[position + 1 :].set_axis(names, axis=1).reset_index(drop=True)
            return drop_blank_unnamed(data), first_row + position + 1
    return raw, first_row


@validate_params(
    {
        "path": ["path"],
        "sheet": ["str", Interval(Integral, 0, None, closed="left"), None],
        "per": [POSITIVE],
        "frequency": [StrOptions(FREQUENCIES), None],
        "encoding": ["str"],
    }
)
def read_series(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    per: float = DEFAULT_PER,
    frequency: Frequency | None = None,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read an indicator series file (CSV, Parquet or Excel) and check it against the contract.

    Files are read by the toolkit's readers (:mod:`toolkit.data.readers`): CSV as UTF-8
    text (a byte-order mark is fine), every value read as text first; Excel's header is
    found among the first 10 rows, so title rows above it are fine; rows in which every
    cell is blank are skipped. See the module's documentation for the contract.

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.parquet`` or ``.xlsx`` file, one row per period of each series.
    sheet : str or int, optional
        The Excel sheet to read (name or position); the first by default.
    per : float, default 1000
        Multiplier of values computed from numerator and denominator (see
        :func:`validate_series`).
    frequency : {"month", "quarter", "year", "financial_year"}, optional
        How to read dates in ``period`` (see :func:`validate_series`).
    encoding : str, default "utf-8"
        Text encoding of a CSV file; Excel's plain "CSV" is ``"cp1252"``.

    Returns
    -------
    pandas.DataFrame
        The series table, standardised (see :func:`validate_series`).

    Raises
    ------
    DataContractError
        For any problem with the file or its values; the message names the file, and for
        values the column and up to five rows (as a spreadsheet numbers them).
    TypeError
        If an option has the wrong type.
    ValueError
        If ``per`` is not a positive number or ``frequency`` is unknown.
    """
    raw, first_row, label, source = read_table(
        path,
        table="series",  # type: ignore[arg-type]  # names the table in the readers' messages
        function="read_series",
        encoding=encoding,
        sheet=0 if sheet is None else sheet,
    )
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        raw, first_row = _find_header(raw, first_row)
    return _validate_series(
        raw,
        function="read_series",
        source=source,
        label=label,
        first_row=first_row,
        skip_empty_rows=True,
        per=per,
        frequency=frequency,
    )


_CUBE_DIMENSIONS: Final[tuple[str, ...]] = ("cohort", "age_band", "sex", "imd_decile", "place")
_NO_PLACE: Final[str] = "\x00no place"

_PER_PERIOD: Final[dict[str, str]] = {
    "month": "a month",
    "quarter": "a quarter",
    "year": "a year",
    "financial_year": "a year",
}


def _lower_first(text: str) -> str:
    """Lower the first letter of a label ("People with COPD"), not of an acronym ("COPD")."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _snapshot_period(key: Any) -> str:
    """Return the frequency of a snapshot's key; raise a ValueError unless it is a period."""
    parsed = _parse_period(key)
    if parsed is None or parsed[2] is None:
        raise ValueError(
            "The keys of the 'snapshots' parameter of series_from_snapshots must be periods "
            "such as '2024/25' (a financial year), 2024 or '2024 Q1', not dates. "
            f"Got {key!r} instead."
        )
    return parsed[2]


@validate_params(
    {
        "snapshots": [
            InstanceOf(Mapping, "a mapping of periods to persons tables"),
        ],
        "measures": [SequenceOf("str")],
        "cohorts": [SequenceOf("str"), None],
        "by_place": ["boolean"],
        "per": [POSITIVE],
        "catalogue": ["path", None],
        "engine": [StrOptions({"duckdb", "spark"})],
    }
)
def series_from_snapshots(
    snapshots: Mapping[Any, pd.DataFrame | str | os.PathLike[str]],
    *,
    measures: Sequence[str] = ("emergency_admissions", "deaths"),
    cohorts: Sequence[str] | None = None,
    by_place: bool = True,
    per: float = DEFAULT_PER,
    catalogue: str | os.PathLike[str] | None = None,
    engine: Literal["duckdb", "spark"] = "duckdb",
) -> pd.DataFrame:
    """Build series for cohorts from persons tables of successive periods (one per year, say).

    Each snapshot is a persons table (or its files) whose activity counts cover one
    period, such as the extract for 2023/24. It is counted into the cohort cube
    (:func:`toolkit.segment.build_cohort_cube`, without segment cohorts) and each cohort's
    events and persons become one row of a series: ``numerator`` the sum of the measure,
    ``denominator`` the cohort's persons, ``value`` events per ``per`` persons.

    Parameters
    ----------
    snapshots : mapping
        Period (``"2023/24"``, ``2024``, ``"2024 Q1"``: a label, not a date) to the persons
        table of that period: a DataFrame or the path of Parquet or CSV files, as
        :func:`toolkit.segment.build_cohort_cube` takes.
    measures : sequence of str, default ("emergency_admissions", "deaths")
        Measures of the cohort cube to follow (such as ``emergency_admissions_falls``).
    cohorts : sequence of str, optional
        Ids of the cohorts to keep; by default every cohort the catalogue builds.
    by_place : bool, default True
        A series for each place as well as for the whole system (``place`` is
        :data:`WHOLE_SYSTEM`); a blank place is the cube's "place unknown".
    per : float, default 1000
        Multiplier of the values (events per 1,000 persons a year by default).
    catalogue : path, optional
        A cohorts catalogue of the shape of ``toolkit/segment/models/cohorts.toml``; the
        built-in one by default.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where to build the cubes.

    Returns
    -------
    pandas.DataFrame
        Series in the contract (as :func:`validate_series` returns them), series id
        ``cohort.measure``, with ``cohort``, ``outcome`` (the measure), ``unit`` and
        ``label``. A cohort and place with no persons in some period has no series:
        ``attrs["left_out"]`` lists each (``series``, ``place``, ``reason``) and a
        ``UserWarning`` counts them. ``attrs["cohorts_left_out"]`` lists the cohorts the
        cubes could not build (a column missing) and why.

    Raises
    ------
    TypeError
        If ``snapshots`` is not a mapping or another option has the wrong type.
    ValueError
        If a key is not a period, a measure is not in the cube, or a cohort asked for is
        not built.
    DataContractError
        If a snapshot breaks the persons contract (from the cube), or the series break the
        series contract (a period missing between snapshots, say).
    """
    from toolkit.segment import build_cohort_cube

    function = "series_from_snapshots"
    if not snapshots:
        raise invalid_parameter(
            "snapshots", function, "a non-empty mapping of periods to persons tables", snapshots
        )
    kinds = {key: _snapshot_period(key) for key in snapshots}

    parts = []
    left_out_cohorts = []
    labels: dict[str, str] = {}
    for key, persons in snapshots.items():
        cube = build_cohort_cube(persons, cohorts=catalogue, model=None, engine=engine)
        table = cube.table
        unknown = [name for name in measures if name not in table.columns]
        if unknown:
            known = [name for name in table.columns if name not in _CUBE_DIMENSIONS]
            raise ValueError(
                f"The 'measures' parameter of {function} names {', '.join(unknown)}, not in "
                f"the cohort cube of {key!r}. Its measures are: {', '.join(known)}."
            )
        built = list(cube.cohorts["cohort"])
        labels.update(zip(cube.cohorts["cohort"], cube.cohorts["label"], strict=True))
        left_out_cohorts.append(cube.left_out.assign(period=str(key)))
        if cohorts is not None:
            missing = [name for name in cohorts if name not in built]
            if missing:
                reasons = dict(zip(cube.left_out["cohort"], cube.left_out["reason"], strict=True))
                shown = "; ".join(
                    f"{name} ({reasons.get(name, 'not in the catalogue')})" for name in missing
                )
                raise ValueError(
                    f"The 'cohorts' parameter of {function} asks for cohorts that the cube "
                    f"of {key!r} does not build: {shown}."
                )
            table = table[table["cohort"].isin(list(cohorts))]
        sums = ["persons", *measures]
        whole = table.groupby("cohort", sort=False)[sums].sum().reset_index()
        whole["place"] = WHOLE_SYSTEM
        pieces = [whole]
        if by_place:
            pieces.append(
                table.groupby(["cohort", "place"], sort=False, dropna=False)[sums]
                .sum()
                .reset_index()
            )
        counted = pd.concat(pieces, ignore_index=True)
        counted["period"] = [key] * len(counted)
        counted["_kind"] = kinds[key]
        parts.append(counted)
    counted = pd.concat(parts, ignore_index=True)

    # Every cohort and place must have persons in every period; the others are left out.
    counted["place"] = counted["place"].astype(object)
    counted["_place"] = counted["place"].where(counted["place"].notna(), _NO_PLACE)
    keys = ["cohort", "_place"]
    seen = counted.groupby(keys, sort=False)["persons"].agg(["size", "min"])
    complete = seen.index[(seen["size"] == len(snapshots)) & (seen["min"] > 0)]
    keep = pd.MultiIndex.from_frame(counted[keys]).isin(complete)
    left_out = pd.DataFrame(
        [
            {
                "series": f"{cohort}.{measure}",
                "place": None if place == _NO_PLACE else place,
                "reason": "the cohort has no persons there in at least one period",
            }
            for cohort, place in seen.index.difference(complete, sort=False)
            for measure in measures
        ],
        columns=["series", "place", "reason"],
    )
    counted = counted[keep]

    rows = []
    for measure in measures:
        words = measure.replace("_", " ")
        words = words[:1].upper() + words[1:]
        rows.append(
            pd.DataFrame(
                {
                    "series": counted["cohort"] + f".{measure}",
                    "place": counted["place"],
                    "cohort": counted["cohort"],
                    "outcome": measure,
                    "period": counted["period"],
                    "numerator": counted[measure].astype(float),
                    "denominator": counted["persons"].astype(float),
                    "unit": [
                        f"per {per:,.10g} persons {_PER_PERIOD[kind]}" for kind in counted["_kind"]
                    ],
                    "label": [
                        f"{words[:1].upper()}{words[1:]}, "
                        + _lower_first(labels.get(cohort, cohort))
                        for cohort in counted["cohort"]
                    ],
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    result = validate_series(frame, source="the snapshots' series", per=per)
    result.attrs["left_out"] = left_out
    result.attrs["cohorts_left_out"] = pd.concat(left_out_cohorts, ignore_index=True)
    if len(left_out):
        warn(
            f"{len(left_out):,} series left out of series_from_snapshots: their cohort had no "
            "persons in a place in at least one period (see attrs['left_out']).",
            UserWarning,
            stacklevel=2,
        )
    return result


__all__ = [
    "DEFAULT_PER",
    "FREQUENCIES",
    "FREQUENCY_MONTHS",
    "IMPROVEMENTS",
    "SERIES_KEYS",
    "SERIES_RULES",
    "WHOLE_SYSTEM",
    "period_label",
    "read_series",
    "series_from_snapshots",
    "validate_series",
]
