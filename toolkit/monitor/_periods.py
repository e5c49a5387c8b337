"""Periods of indicator series: reading them, aligning them and naming them.

The job of this module is the ``period`` column of the series contract
(:mod:`toolkit.monitor.series`): every format a period may be written in (months, quarters,
calendar and financial years, dates, pandas Periods), the start month and frequency each is
read as, and the name a board reads (:func:`period_label`).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit._params import InstanceOf, StrOptions, validate_params

#: The kinds of period a series may have, shortest first.
FREQUENCIES: Final[tuple[str, ...]] = ("month", "quarter", "year", "financial_year")

#: Months between consecutive periods of each frequency.
FREQUENCY_MONTHS: Final[dict[str, int]] = {
    "month": 1,
    "quarter": 3,
    "year": 12,
    "financial_year": 12,
}

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
        "period": [InstanceOf(date, "a date (pandas Timestamp)")],
        "frequency": [StrOptions(FREQUENCIES)],
    },
    renamed={"start": "period"},
)
def period_label(period: pd.Timestamp, frequency: str) -> str:
    """Name a period as a board reads it: "Jan 2024", "Apr-Jun 2024", "2024", "2024/25".

    Parameters
    ----------
    period : pandas.Timestamp
        The first day of the period (as in a series table's ``period`` column). Called
        ``start`` before this release (the old keyword still works, with a
        ``FutureWarning``).
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
    start = pd.Timestamp(period)
    if frequency == "month":
        return f"{_MONTH_ABBREVIATIONS[start.month - 1]} {start.year}"
    if frequency == "quarter":
        end = start + pd.DateOffset(months=2)  # a quarter may start in any month
        first = _MONTH_ABBREVIATIONS[start.month - 1]
        last = _MONTH_ABBREVIATIONS[end.month - 1]
        if end.year != start.year:
            return f"{first} {start.year}-{last} {end.year}"
        return f"{first}-{last} {start.year}"
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
