"""Row checks of indicator series: the contract's columns and the problems of each row.

The job of this module is to read a series table's columns one at a time (text, numbers,
the direction of improvement, the frequency asked for, the periods) and word what is wrong
with any row, for :mod:`toolkit.monitor.series`; the checks across the rows of a series
(one frequency, no repeats, no gaps, constant settings) are in
:mod:`toolkit.monitor._series_table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.data.columns import column_problems
from toolkit.data.problems import MAX_EXAMPLES, Problem, row_problem, show_value
from toolkit.data.problems import detail_problem as _detail_problem
from toolkit.data.schemas import ColumnRule, blank_mask, default_text, to_number, to_text
from toolkit.monitor._periods import _FREQUENCY_NOUNS, _PERIOD_FORMATS, FREQUENCIES, _read_periods

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


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------


def _rows_text(rows: Sequence[int]) -> str:
    """Name rows: "row 5", "rows 2 and 3", or "rows 2, 3, 4, 5, 6 and 7 more"."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    return "rows " + listed(rows, most=MAX_EXAMPLES)


def _show(value: Any) -> str:
    """Show a value in a message as the readers do (:func:`toolkit.data.problems.show_value`)."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "blank"
    return show_value(value)


def _is_proportion(unit: pd.Series) -> pd.Series:
    """Return True where a unit names a percentage or a proportion."""
    text = unit.astype("string").str.lower()
    return text.str.contains(r"%|percent|per cent|proportion", regex=True).fillna(False)


def _is_percentage(unit: pd.Series) -> pd.Series:
    text = unit.astype("string").str.lower()
    return text.str.contains(r"%|percent|per cent", regex=True).fillna(False)


def _stated_per(unit: pd.Series) -> pd.Series:
    """Return the multiplier a unit states ("per 1,000 people" is 1,000), NaN where none."""
    text = unit.astype("string").str.lower()
    found = text.str.extract(r"\bper\s+(\d[\d,]*)", expand=False)
    return pd.to_numeric(found.str.replace(",", "", regex=False), errors="coerce").astype("float64")


# ---------------------------------------------------------------------------------------------
# Checks of the columns and rows
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
        advice=(
            "Pass multiplier= (or give a 'per' column) to match the unit, or correct the unit."
        ),
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
