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
        Optional text, the same for every period of a series, such as ``"per 1,000 people a
        month"`` or ``"percentage"``. A unit that mentions "%", "percent" or "proportion"
        marks the series as a proportion: its numerator may not exceed its denominator, and
        its value is computed per 100 (percentages) or per 1 (proportions). Other series
        may have more events than people (admissions per 1,000 people can exceed 1,000).
        A unit that states its multiplier ("per 100,000 people") must agree with the one
        the value is computed with.
    ``per``
        Optional positive number: the multiplier of each row's value, when the table gives
        numerator and denominator. Without the column, the multiplier is 100 for a
        percentage unit, 1 for a proportion unit and the ``multiplier`` argument otherwise.
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

Where the work is done
    This module holds the public functions; periods are read in
    :mod:`toolkit.monitor._periods`, each column and row is checked in
    :mod:`toolkit.monitor._series_checks`, and each series as a whole is checked and the
    table assembled in :mod:`toolkit.monitor._series_table`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from numbers import Integral
from pathlib import Path
from typing import Any, Final, Literal

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
from toolkit._words import capitalised, lower_first
from toolkit.data.columns import normalise_name
from toolkit.data.files import HEADER_SEARCH_ROWS, drop_blank_unnamed, read_table
from toolkit.monitor._periods import FREQUENCIES, FREQUENCY_MONTHS, _parse_period, period_label
from toolkit.monitor._series_checks import (
    IMPROVEMENT_CODINGS,  # noqa: F401  (importable from here as before the split)
    IMPROVEMENTS,
    SERIES_KEYS,
    SERIES_RULES,
)
from toolkit.monitor._series_table import _validate_series

Frequency = Literal["month", "quarter", "year", "financial_year"]

#: Default multiplier of a value computed from numerator and denominator: per 1,000 people,
#: as the toolkit's other rates (``toolkit.prioritise.candidates.RATE_MULTIPLIER``).
DEFAULT_PER: Final[float] = 1_000.0

#: The ``place`` of series for the whole system (:func:`series_from_snapshots`, the demo).
WHOLE_SYSTEM: Final[str] = "Whole system"


@validate_params(
    {
        "data": ["data-frame"],
        "source": ["str", None],
        "multiplier": [POSITIVE],
        "frequency": [StrOptions(FREQUENCIES), None],
    },
    renamed={"df": "data", "per": "multiplier"},
)
def validate_series(
    data: pd.DataFrame,
    *,
    source: str | None = None,
    multiplier: float = DEFAULT_PER,
    frequency: Frequency | None = None,
) -> pd.DataFrame:
    """Check an indicator series table against the contract and return it standardised.

    See the module's documentation for the contract, the formats of periods and the
    returned table.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period of each series: ``series``, ``period`` and either ``value`` or
        ``numerator`` and ``denominator``, with the optional columns of the contract.
        Not changed.
    source : str, optional
        What to call the table in messages, such as its file name.
    multiplier : float, default 1000
        Multiplier of a value computed from numerator and denominator (per 1,000 people),
        for series whose unit is not a percentage (always 100) or a proportion (always 1)
        and rows without a ``per`` column of their own. Called ``per`` before this release
        (the old keyword still works, with a ``FutureWarning``); the file's column keeps
        its name.
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
        If ``data`` is not a DataFrame or an option has the wrong type.
    ValueError
        If ``multiplier`` is not a positive number or ``frequency`` is unknown.
    """
    return _validate_series(
        data,
        function="validate_series",
        source=source,
        label=None,
        first_row=2,
        skip_empty_rows=False,
        per=multiplier,
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
        "multiplier": [POSITIVE],
        "frequency": [StrOptions(FREQUENCIES), None],
        "encoding": ["str"],
    },
    renamed={"per": "multiplier"},
)
def read_series(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    multiplier: float = DEFAULT_PER,
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
    multiplier : float, default 1000
        Multiplier of values computed from numerator and denominator (see
        :func:`validate_series`). Called ``per`` before this release (the old keyword
        still works, with a ``FutureWarning``).
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
        If ``multiplier`` is not a positive number or ``frequency`` is unknown.
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
        per=multiplier,
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
        "multiplier": [POSITIVE],
        "catalogue": ["path", None],
        "engine": [StrOptions({"duckdb", "spark"})],
    },
    renamed={"per": "multiplier"},
)
def series_from_snapshots(
    snapshots: Mapping[Any, pd.DataFrame | str | os.PathLike[str]],
    *,
    measures: Sequence[str] = ("emergency_admissions", "deaths"),
    cohorts: Sequence[str] | None = None,
    by_place: bool = True,
    multiplier: float = DEFAULT_PER,
    catalogue: str | os.PathLike[str] | None = None,
    engine: Literal["duckdb", "spark"] = "duckdb",
) -> pd.DataFrame:
    """Build series for cohorts from persons tables of successive periods (one per year, say).

    Each snapshot is a persons table (or its files) whose activity counts cover one
    period, such as the extract for 2023/24. It is counted into the cohort cube
    (:func:`toolkit.segment.build_cohort_cube`, without segment cohorts) and each cohort's
    events and persons become one row of a series: ``numerator`` the sum of the measure,
    ``denominator`` the cohort's persons, ``value`` events per ``multiplier`` persons.

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
    multiplier : float, default 1000
        Multiplier of the values (events per 1,000 people a year by default). Called
        ``per`` before this release (the old keyword still works, with a
        ``FutureWarning``).
    catalogue : path, optional
        A cohorts catalogue of the shape of ``toolkit/segment/models/cohorts.toml``; the
        built-in one by default.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where to build the cubes.

    Returns
    -------
    pandas.DataFrame
        Series in the contract (as :func:`validate_series` returns them), series id
        ``cohort.measure``, with ``cohort``, ``outcome`` (the measure), ``unit`` ("per
        1,000 people a year" at the default multiplier and yearly periods) and
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
        words = capitalised(measure.replace("_", " "))
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
                        f"per {multiplier:,.10g} people {_PER_PERIOD[kind]}"
                        for kind in counted["_kind"]
                    ],
                    "label": [
                        f"{words}, " + lower_first(labels.get(cohort, cohort))
                        for cohort in counted["cohort"]
                    ],
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    result = validate_series(frame, source="the snapshots' series", multiplier=multiplier)
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
