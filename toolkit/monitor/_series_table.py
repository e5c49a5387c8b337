"""Whole series: the checks across the rows of each series and the table returned.

The job of this module is :func:`_validate_series`, the one check of a series table that
:func:`toolkit.monitor.series.validate_series` and :func:`toolkit.monitor.series.read_series`
share: it reads every column (:mod:`toolkit.monitor._series_checks`), checks each series as
a whole (one frequency, each period once, no gaps, the same improvement, target and unit
throughout), raises one error listing every problem, and assembles the standardised table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.data.problems import Problem, raise_problems
from toolkit.data.schemas import default_text, to_text
from toolkit.data.validation import named_rows
from toolkit.monitor._periods import (
    _FREQUENCY_NOUNS,
    _FREQUENCY_PLURALS,
    FREQUENCY_MONTHS,
    _stamp,
    period_label,
)
from toolkit.monitor._series_checks import (
    _TEXT_COLUMNS,
    SERIES_KEYS,
    SERIES_RULES,
    _asked_frequencies,
    _column_set_problems,
    _count_problems,
    _describe_series,
    _detail_problem,
    _is_proportion,
    _mask_problem,
    _multiplier,
    _period_problems,
    _read_improvement,
    _read_numbers,
    _rows_text,
    _show,
)


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
        raise_problems(
            problems, label=label, source=source, first_row=first_row, column_order=SERIES_RULES
        )

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


def _financial_years_as_months(periods: pd.Series) -> bool:
    """Return whether every period reads like a financial year with a hyphen ("2000-01").

    "2000-01" is read as January 2000, so a yearly series written so looks like months with
    gaps; each such text's second part is the year after its first ("2011-12").
    """
    texts = periods.astype(str).str.strip()
    parts = texts.str.extract(r"^(\d{4})-(\d{2})$")
    if parts.isna().any(axis=None) or not len(parts):
        return False
    years, following = parts[0].astype(int), parts[1].astype(int)
    return bool(((years + 1) % 100 == following).all())


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
        problems.append(
            _period_rows_problem(
                work[odd],
                ("shown", "kind", "group"),
                lambda shown, kind, group_id: (
                    f"{_show(shown)} is {_FREQUENCY_NOUNS[kind]}, but {describe(group_id)} "
                    f"is in {_FREQUENCY_PLURALS[main_kind[group_id]]}"
                    + (
                        f" (if it is the financial year, write it "
                        f"'{str(shown).strip().replace('-', '/')}')"
                        if kind == "month"
                        and main_kind[group_id] == "financial_year"
                        and _financial_years_as_months(pd.Series([shown]))
                        else ""
                    )
                ),
                "one_frequency",
                (
                    "has another frequency than the rest of its series",
                    "have another frequency than the rest of their series",
                ),
                advice="A series has one frequency: split it, or give every period alike.",
            )
        )
    work = work[~odd]

    # Each period once.
    repeated = work.duplicated(["group", "index"], keep="first").to_numpy()
    if repeated.any():
        first_rows = work.drop_duplicates(["group", "index"]).set_index(["group", "index"])["row"]
        problems.append(
            _period_rows_problem(
                work[repeated],
                ("index", "kind", "group"),
                lambda index, kind, group_id: (
                    f"{describe(group_id)}, {period_label(_stamp(index), kind)}, as in row "
                    f"{first_rows.loc[(group_id, index)]}"
                ),
                "unique_period",
                (
                    "repeats a period already given for its series",
                    "repeat a period already given for their series",
                ),
                advice="Keep one row per period of each series (a series is the rows that "
                f"share {', '.join(repr(key) for key in keys)}).",
            )
        )

    # No gaps.
    gap_details: list[str] = []
    gap_rows: list[int] = []
    gap_series = 0
    hyphenated = 0  # series whose "gaps" are financial years written "2000-01"
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
            shown = listed(names, most=6)
            row_before, row_after = int(part["row"].iloc[jump]), int(part["row"].iloc[jump + 1])
            gaps.append(f"{shown} (between rows {row_before} and {row_after})")
            gap_rows.append(row_after)
        text = f"{describe(group_id)} lacks {'; '.join(gaps)}"
        if kind == "month" and _financial_years_as_months(part["shown"]):
            hyphenated += 1
            # Not months with gaps: financial years written with a hyphen. Say that alone.
            first = str(part["shown"].iloc[0]).strip()
            text = (
                f"{describe(group_id)} has periods such as '{first}', which read as months "
                f"({period_label(_stamp(int(indices[0])), kind)}) with gaps between them; if "
                f"they are financial years, write them with a slash: '{first.replace('-', '/')}'"
            )
        elif part["from_date"].all() and kind == "month":
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
                advice=""
                if hyphenated == len(gap_details)
                else "A run chart or SPC chart cannot bridge a gap: add the missing periods "
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


def _period_rows_problem(
    bad: pd.DataFrame,
    columns: Sequence[str],
    detail: Callable[..., str],
    check: str,
    phrases: tuple[str, str],
    *,
    advice: str,
) -> Problem:
    """Return a problem of the period column that words each of ``bad``'s rows on its own.

    Parameters
    ----------
    bad : pandas.DataFrame
        The failing rows, with their spreadsheet row number in ``"row"``, in the order to show.
    columns : sequence of str
        The columns of ``bad`` whose values ``detail`` takes, in its order.
    detail : callable
        Takes the values of ``columns`` in one row and returns what follows "row N: ".
    check, phrases, advice : str, tuple of str, str
        As for :func:`toolkit.data.problems.detail_problem`.

    Returns
    -------
    Problem
        The problem, one example a row.
    """
    details = [
        f"row {row}: {detail(*values)}"
        for row, *values in zip(bad["row"], *(bad[name] for name in columns), strict=True)
    ]
    return _detail_problem("period", check, phrases, list(bad["row"]), details, advice=advice)


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
