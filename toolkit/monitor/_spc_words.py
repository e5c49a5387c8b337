"""The words of a Making Data Count chart: reading an SPC result and saying what it shows.

The job of this module is to read ``SPCResult.to_frame()`` for one series and a row of
``SPCResult.summary()`` (their columns, periods and frequency), and to put them into plain
English: :func:`format_value` for a figure, :func:`icon_labels` for the variation and
assurance icons, and :func:`describe_spc` for the board's sentence. All three are
importable from :mod:`toolkit.monitor.charts`, which draws the chart with the same
reading and icons.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from toolkit._numbers import round_half_up
from toolkit._params import InstanceOf, Interval, validate_params
from toolkit.monitor._periods import period_label
from toolkit.monitor._xmr import POINT_TYPES
from toolkit.style import NHS_BLUE, NHS_MID_GREY, NHS_ORANGE, NHS_PURPLE


@dataclass(frozen=True)
class _Variation:
    caption: str
    detail: str
    colour: str
    letter: str | None
    arrow: str | None


#: Variation icon: short caption, the longer words, colour, letter and arrow.
_VARIATIONS: dict[str, _Variation] = {
    "improvement_high": _Variation("Improving", "higher than expected", NHS_BLUE, "H", "↑"),
    "improvement_low": _Variation("Improving", "lower than expected", NHS_BLUE, "L", "↓"),
    "concern_high": _Variation("Getting worse", "higher than expected", NHS_ORANGE, "H", "↑"),
    "concern_low": _Variation("Getting worse", "lower than expected", NHS_ORANGE, "L", "↓"),
    "neutral_high": _Variation(
        "Changed", "higher than expected, neither better nor worse", NHS_PURPLE, "H", "↑"
    ),
    "neutral_low": _Variation(
        "Changed", "lower than expected, neither better nor worse", NHS_PURPLE, "L", "↓"
    ),
    "common_cause": _Variation(
        "No sign of change", "within the expected range", NHS_MID_GREY, None, None
    ),
}


@dataclass(frozen=True)
class _Assurance:
    caption: str
    words: str
    colour: str
    letter: str


#: Assurance icon: short caption, the longer words, colour and letter.
_ASSURANCES: dict[str, _Assurance] = {
    "consistently_pass": _Assurance(
        "Will meet the target", "Will consistently meet the target", NHS_BLUE, "P"
    ),
    "consistently_fail": _Assurance(
        "Will miss the target", "Will not meet the target without change", NHS_ORANGE, "F"
    ),
    "inconsistent": _Assurance(
        "Hit and miss", "Hit and miss: may or may not meet the target", NHS_MID_GREY, "?"
    ),
}

#: Words for the direction of improvement in the summary's ``improvement``.
_DIRECTIONS = {"increase": "Higher is better", "decrease": "Lower is better"}

#: How the special cause variations head the board's sentence.
_HEADINGS = {
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neutral": "Special cause variation, neither better nor worse,",
}

#: Columns of the frame the chart and the sentence read.
_REQUIRED = ("period", "value", "baseline_segment", "mean", "lpl", "upl", "point_type")


@dataclass(frozen=True)
class _Frequency:
    adjective: str  # "Monthly"
    noun: str  # "Month", for the x axis
    unit: str  # "month"
    units: str  # "months"
    code: str | None  # "D", "W", "M", "Q", "Y" or None


_FREQUENCIES = {
    "D": _Frequency("Daily", "Day", "day", "days", "D"),
    "W": _Frequency("Weekly", "Week starting", "week", "weeks", "W"),
    "M": _Frequency("Monthly", "Month", "month", "months", "M"),
    "Q": _Frequency("Quarterly", "Quarter starting", "quarter", "quarters", "Q"),
    "Y": _Frequency("Annual", "Year starting", "year", "years", "Y"),
}
_UNKNOWN_FREQUENCY = _Frequency("", "Period", "period", "periods", None)


# --------------------------------------------------------------------------------------------
# Reading the frame and the summary
# --------------------------------------------------------------------------------------------


#: One row of ``SPCResult.summary()``, as a Series, a mapping or a one-row DataFrame.
_SUMMARY = ["series", "mapping", "data-frame"]


def _summary_row(summary: Any, caller: str) -> Mapping[str, Any]:
    """Return one row of ``SPCResult.summary()`` as a mapping."""
    if isinstance(summary, pd.DataFrame):
        if len(summary) != 1:
            raise ValueError(
                f"The 'summary' parameter of {caller} must be one row of SPCResult.summary(). "
                f"Got {len(summary)} rows instead: filter it to the series charted."
            )
        return summary.iloc[0]
    return summary


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text_or_none(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _float_or_nan(value: Any) -> float:
    if _missing(value):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _as_timestamp(value: Any) -> pd.Timestamp:
    if isinstance(value, pd.Period):
        return value.to_timestamp(how="start")
    return pd.Timestamp(value)


def _timestamps(periods: pd.Series) -> tuple[pd.DatetimeIndex, str | None]:
    """Return the periods as timestamps (a period's start) and the periods' frequency code."""
    values = periods.dropna()
    if isinstance(periods.dtype, pd.PeriodDtype) or (
        len(values) and all(isinstance(value, pd.Period) for value in values)
    ):
        index = pd.PeriodIndex(periods)
        code = index.freqstr[:1].upper()
        code = {"A": "Y", "B": "D"}.get(code, code)
        return index.to_timestamp(how="start"), code if code in _FREQUENCIES else None
    index = pd.DatetimeIndex(pd.to_datetime(periods))
    if index.tz is not None:
        index = index.tz_localize(None)
    return index, None


def _frequency(times: pd.DatetimeIndex, code: str | None) -> _Frequency:
    """Name the spacing of the periods, from the periods' own frequency or their spacing."""
    if code is not None:
        return _FREQUENCIES[code]
    unique = np.unique(times.dropna().to_numpy())
    if len(unique) < 2:
        return _UNKNOWN_FREQUENCY
    days = float(np.median(np.diff(unique) / np.timedelta64(1, "D")))
    for low, high, name in ((1, 1, "D"), (6, 8, "W"), (28, 31, "M"), (89, 92, "Q")):
        if low <= days <= high:
            return _FREQUENCIES[name]
    if 365 <= days <= 366:
        return _FREQUENCIES["Y"]
    return _UNKNOWN_FREQUENCY


def _prepare(frame: pd.DataFrame, caller: str) -> tuple[pd.DataFrame, _Frequency]:
    """Return a sorted copy of the frame with an ``_x`` column of timestamps, and its frequency."""
    missing = [column for column in _REQUIRED if column not in frame.columns]
    if missing:
        raise ValueError(
            f"The 'data' parameter of {caller} must have the columns of SPCResult.to_frame(). "
            f"Missing: {', '.join(missing)}."
        )
    if frame.empty:
        raise ValueError(f"The 'data' parameter of {caller} has no rows.")
    times, code = _timestamps(frame["period"])
    if times.isna().any():
        raise ValueError(f"The 'period' column given to {caller} has missing periods.")
    if times.duplicated().any():
        raise ValueError(
            f"The 'data' parameter of {caller} must hold one series, one row per period. "
            "Some periods appear more than once: filter the frame to one series first."
        )
    table = frame.assign(_x=times.to_numpy()).sort_values("_x", kind="stable")
    table = table.reset_index(drop=True)
    unknown = set(table["point_type"].dropna().astype(str)) - set(POINT_TYPES)
    if unknown:
        raise ValueError(
            f"The 'point_type' column given to {caller} has values it does not know: "
            f"{', '.join(sorted(unknown))}. Expected one of {', '.join(POINT_TYPES)}."
        )
    return table, _frequency(pd.DatetimeIndex(table["_x"]), code)


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()


def _blocks(values: pd.Series) -> pd.Series:
    """Give each run of equal consecutive values a number (missing values equal each other)."""
    key = values.astype(object).where(values.notna(), "\0missing")
    return key.ne(key.shift()).cumsum()


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def _date_label(timestamp: pd.Timestamp, frequency: _Frequency) -> str:
    """Format a period for the subtitle: "Mar 2025", "Apr–Jun 2025", "3 Mar 2025"."""
    if frequency.code in ("D", "W"):
        return f"{timestamp.day} {timestamp:%b %Y}"
    if frequency.code == "Q":
        end = timestamp + pd.DateOffset(months=2)
        if end.year == timestamp.year:
            return f"{timestamp:%b}–{end:%b %Y}"
        return f"{timestamp:%b %Y}–{end:%b %Y}"
    if frequency.code == "Y":
        if timestamp.month == 1:
            return f"{timestamp:%Y}"
        return f"{timestamp.year}/{(timestamp.year + 1) % 100:02d}"
    return f"{timestamp:%b %Y}"


def _format_number(value: float, decimals: int | None = None) -> str:
    """Format a figure for a board: thousands separators and few decimals ("1,234", "12.4")."""
    if not math.isfinite(value):
        return "not available"
    own = decimals is None
    if own:
        decimals = _decimals_for(value)
    text = f"{round_half_up(value, decimals):,.{decimals}f}"  # halves up, as a reader rounds
    if own and "." in text:  # its own figures: no trailing zeros ("7.1", "9", "0.19")
        text = text.rstrip("0").rstrip(".")
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


@validate_params({"value": [InstanceOf(numbers.Real, "a number")]})
def format_value(value: float) -> str:
    """Format a series value as the charts and sentences show it ("12.4", "0.19", "1,234").

    Parameters
    ----------
    value : float
        The value.

    Returns
    -------
    str
        Up to three significant figures below 100, without trailing zeros ("12.4",
        "1.23", "0.194", "0.00123", "9.5", "7"; below 1e-9, rounding error, "0"), whole
        numbers from 100 ("123", "1,234"); "not available" for a missing value. Halves
        round up, as UK official statistics round them ("101" for 100.5, "2.35" for 2.345).

    Notes
    -----
    Three significant figures, so that the figures a board compares (a latest value, an
    ambition, a trajectory) read differently when they differ: a rate of 0.194 beside an
    ambition of 0.186 was "0.19" beside "0.19" with two. A value of 100 or more is not
    known to a tenth, so it is shown whole; a value is never rounded to zero.
    """
    return _format_number(float(value))


#: Values smaller than this are shown as zero (rounding error, not a measurement).
_ZERO = 1e-9


#: Significant figures of a value below 100 (one of 100 or more is shown whole).
_FIGURES = 3


def _decimals_for(value: float) -> int:
    """Decimal places that show the value to three significant figures, none from 100."""
    # Rounded to the significant figures first (halves up), so that 0.09996 reads as 0.100
    # like 0.1, and 99.95 as 100.
    size = abs(value)
    if math.isfinite(size) and size > 0:
        size = round_half_up(size, _FIGURES - 1 - math.floor(math.log10(size)))
    if not size >= _ZERO:  # zero, rounding error or missing
        return 3
    if size >= 100:
        return 0
    return _FIGURES - 1 - math.floor(math.log10(size))


@validate_params({"summary_row": _SUMMARY, "target_word": ["str"]})
def icon_labels(summary_row: Any, *, target_word: str = "target") -> dict[str, str | None]:
    """Return the plain-English words for a series' variation and assurance icons.

    Parameters
    ----------
    summary_row : pandas.Series or mapping
        One row of ``SPCResult.summary()`` (a one-row DataFrame is accepted too): its
        ``variation``, ``assurance``, ``target`` and ``improvement``.
    target_word : str, default "target"
        What the target is called in the assurance words ("ambition", as the quarterly
        update calls it: "Will miss the ambition").

    Returns
    -------
    dict
        ``variation``
            The variation in words, as a table shows it: "Improving: lower than expected",
            "Getting worse: higher than expected", "No sign of change: within the expected
            range".
        ``variation_caption``
            A short caption for the icon: "Improving", "Getting worse", "Changed" (neither
            better nor worse), "No sign of change".
        ``assurance``
            The assurance in words: "Will consistently meet the target", "Will not meet the
            target without change", "Hit and miss: may or may not meet the target"; "No
            target set" without a target, "Not assessed against the target" with a target but
            no assurance.
        ``assurance_caption``
            A short caption for the icon: "Will meet the target", "Will miss the target",
            "Hit and miss", "No target" or "Not assessed".
        ``direction``
            "Higher is better", "Lower is better", or ``None`` where neither is better.

    Raises
    ------
    ValueError
        If ``variation`` or ``assurance`` is not one ``SPCResult.summary()`` gives.
    """
    row = _summary_row(summary_row, "icon_labels")
    variation_code = _text_or_none(row.get("variation"))
    if variation_code not in _VARIATIONS:
        raise ValueError(
            "The 'variation' of the summary row given to icon_labels must be one of "
            f"{', '.join(_VARIATIONS)}. Got {variation_code!r} instead."
        )
    variation = _VARIATIONS[variation_code]
    assurance_code = _text_or_none(row.get("assurance"))
    if assurance_code is not None and assurance_code not in _ASSURANCES:
        raise ValueError(
            "The 'assurance' of the summary row given to icon_labels must be one of "
            f"{', '.join(_ASSURANCES)} or None. Got {assurance_code!r} instead."
        )
    if assurance_code is not None:
        assurance, assurance_caption = (
            _ASSURANCES[assurance_code].words,
            _ASSURANCES[assurance_code].caption,
        )
    elif math.isfinite(_float_or_nan(row.get("target"))):
        assurance, assurance_caption = "Not assessed against the target", "Not assessed"
    else:
        assurance, assurance_caption = "No target set", "No target"
    if target_word != "target":
        assurance = assurance.replace("target", target_word)
        assurance_caption = assurance_caption.replace("target", target_word)
    return {
        "variation": f"{variation.caption}: {variation.detail}",
        "variation_caption": variation.caption,
        "assurance": assurance,
        "assurance_caption": assurance_caption,
        "direction": _DIRECTIONS.get(_text_or_none(row.get("improvement")) or ""),
    }


def _trailing(table: pd.DataFrame, point_types: set[str]) -> pd.DataFrame:
    """Rows at the end of the last baseline segment whose points are all of these types."""
    judged = table[table["point_type"].notna()]
    if judged.empty:
        return judged
    last = judged[judged["baseline_segment"] == judged["baseline_segment"].iloc[-1]]
    count = 0
    for kind in last["point_type"].astype(str).to_numpy()[::-1]:
        if kind not in point_types:
            break
        count += 1
    return last.iloc[len(last) - count :]


def _run_parts(table: pd.DataFrame, length: int) -> tuple[list[tuple[bool, int]], bool]:
    """Split the special cause run a trend ends into its parts, first to last.

    The run is the last ``length`` points of the last baseline segment (a trend never spans
    a rebase). Each part is ``(moving, points)``: moving for points that rise (or fall) in
    turn, as a trend flagged them; otherwise points another rule flagged (beyond a limit,
    two of three near a limit, a shift), higher or lower than expected. The last part is
    the trend the latest point ends; an earlier trend, broken from it by a tie or a step
    the other way, is a part of its own. The flag says whether the latest trend rises.
    """
    judged = table[table["point_type"].notna()]
    last = judged[judged["baseline_segment"] == judged["baseline_segment"].iloc[-1]]
    values = _floats(last["value"])
    steps = np.sign(np.diff(values))
    rising = bool(len(steps) and steps[-1] > 0)
    way = steps[-1] if len(steps) else 0
    # Whether each point rises (or falls) from the one before, as the latest trend does.
    moves = np.r_[False, (steps == way) & (way != 0)]
    size = max(1, min(length, len(values)))
    moves = moves[-size:]
    trend = last["rule"].astype(object).to_numpy()[-size:] == "trend"
    parts: list[tuple[bool, int]] = []
    end = size
    while end > 0:
        begin = end - 1
        moving = end == size or bool(trend[begin])
        if moving:
            while begin > 0 and moves[begin]:
                begin -= 1
        else:
            while begin > 0 and not trend[begin - 1]:
                begin -= 1
        parts.append((moving, end - begin))
        end = begin
    return parts[::-1], rising


def _said_parts(
    parts: list[tuple[bool, int]], moving: str, expected: str, count: Callable[[int], str]
) -> str:
    """Say each part of a run by what flagged it, the last "for the last" of its points.

    A trend is ``moving`` ("falling month after month"), "again" after an earlier one; the
    other rules ``expected`` ("lower than expected"): "lower than expected for 5 months,
    then falling month after month for the last 8 months".
    """
    words = []
    for number, (moves, points) in enumerate(parts):
        span = count(points) if number < len(parts) - 1 else f"the last {count(points)}"
        again = " again" if moves and number and parts[number - 1][0] else ""
        words.append(f"{moving}{again} for {span}" if moves else f"{expected} for {span}")
    return f"{', '.join(words[:-1])}, then {words[-1]}" if len(words) > 1 else words[0]


@validate_params(
    {
        "data": ["data-frame"],
        "summary": _SUMMARY,
        "value_label": ["str"],
        "period_format": ["str", None],
        "decimals": [Interval(Integral, 0, None, closed="left"), None],
        "value_suffix": ["str"],
        "target_word": ["str"],
    },
    renamed={"frame": "data"},
)
def describe_spc(
    data: pd.DataFrame,
    summary: Any,
    *,
    value_label: str,
    period_format: str | None = None,
    decimals: int | None = None,
    value_suffix: str = "",
    target_word: str = "target",
) -> str:
    """Describe the latest position of one series in a line of plain English for the board.

    Parameters
    ----------
    data : pandas.DataFrame
        ``SPCResult.to_frame()`` for one series (one row per period).
    summary : pandas.Series or mapping
        The series' row of ``SPCResult.summary()`` (a one-row DataFrame is accepted too).
    value_label : str
        What the values measure, with units, as on the chart's y axis ("Emergency admissions
        per 1,000 people"); it opens the sentence on the latest value.
    period_format : str, optional
        ``strftime`` format of the periods named ("%B %Y" gives "March 2025"). By default
        each period is named as its frequency reads: "March 2025" for a month, "Jan-Mar
        2025" for a quarter (:func:`~toolkit.monitor.period_label`), "2024/25" for a year
        starting in April, "2025" for a calendar year.
    decimals : int, optional
        Decimal places of the latest value and the target; by default those that show the
        latest value as :func:`format_value` does (three significant figures, whole from
        100), more where the target would otherwise read as zero.
    value_suffix : str
        Written after each value ("%" for a percentage).
    target_word : str
        What the target is called ("target", or "ambition" as the quarterly update says).

    Returns
    -------
    str
        For instance "Special cause improvement since March 2025: lower than expected for the
        last 8 months. Emergency admissions per 1,000 people in March 2026: 10.2; target 11.0
        – will consistently meet the target." or "No sign of change: the last 36 months vary
        within the expected range. Emergency admissions per 1,000 people in March 2026: 12.4."

    Notes
    -----
    Only the wording is made here: the variation, assurance, run and latest value come from
    ``summary``; the number of recent points within the expected range (for common cause)
    is read from the frame's ``point_type``, and the points of a trend from its values,
    in the latest baseline segment. A latest point the trend rule flags is said as
    "rising" or "falling" month after month, for the points that each rise (or fall) in
    turn; where the special cause run began before them, the sentence says the earlier
    points first, each by the rule that flagged them: "lower than expected" (or higher)
    for a shift, a point beyond a limit or two of three near it ("lower than expected for
    5 months, then falling month after month for the last 8 months"), and an earlier trend,
    broken from the latest by a tie or a step the other way, as falling (or rising) too
    ("falling month after month for 7 months, then falling month after month again for
    the last 7 months"). Periods are counted as points: a trend of 8 months has 7 falls.
    """
    row = _summary_row(summary, "describe_spc")
    table, frequency = _prepare(data, "describe_spc")
    labels = icon_labels(row)
    variation = str(row.get("variation"))

    def when(value: Any) -> str:
        stamp = _as_timestamp(value)
        if period_format is not None:
            return stamp.strftime(period_format)
        if frequency.code == "Q":
            return period_label(stamp, "quarter")
        if frequency.code == "Y":  # a calendar year, else a year across two ("2024/25")
            return period_label(stamp, "year" if stamp.month == 1 else "financial_year")
        if frequency.code in ("D", "W"):
            return f"{stamp.day} {stamp:%B %Y}"
        return stamp.strftime("%B %Y")

    def count(number: int) -> str:
        return f"{number} {frequency.unit if number == 1 else frequency.units}"

    if variation == "common_cause":
        recent = _trailing(table, {"common_cause"})
        if len(recent) > 1:
            first = (
                f"No sign of change: the last {count(len(recent))} vary within the expected range."
            )
        elif len(recent) == 1:
            first = f"No sign of change: the latest {frequency.unit} is within the expected range."
        else:
            first = "No sign of change: the latest values vary within the expected range."
    else:
        kind, _, side = variation.partition("_")
        direction = "higher" if side == "high" else "lower"
        heading = _HEADINGS[kind]
        start = row.get("run_start")
        length = _float_or_nan(row.get("run_length"))
        if _missing(start) or not math.isfinite(length):
            wanted = (
                {f"special_cause_{kind}_{side}"} if kind == "neutral" else {f"special_cause_{kind}"}
            )
            run = _trailing(table, wanted)
            start = run["period"].iloc[0] if len(run) else None
            length = float(len(run))
        length_int = int(length)
        rules = table["rule"] if "rule" in table.columns else pd.Series(dtype=object)
        if len(rules) and rules.iloc[-1] == "trend" and len(table) > 1:
            # A run of rising or falling points need not be above or below the mean, and
            # only the points that rise (or fall) in turn form the trend: the special cause
            # run may have begun earlier, with points another rule flagged or another trend.
            parts, rising = _run_parts(table, length_int)
            moving = f"{'rising' if rising else 'falling'} {frequency.unit} after {frequency.unit}"
            if start is None or length_int <= 1:
                first = f"{heading.rstrip(',')}: {moving}."
            else:
                said = _said_parts(parts, moving, f"{direction} than expected", count)
                first = f"{heading} since {when(start)}: {said}."
        elif start is None or length_int < 1:
            first = f"{heading.rstrip(',')}: {direction} than expected."
        else:
            begin = _as_timestamp(start)
            later = table["_x"] >= begin
            since = int((later & table["value"].notna()).sum())
            if length_int == 1 and since <= 1:
                first = (
                    f"{heading} in {when(start)}: {direction} than expected in the latest "
                    f"{frequency.unit}."
                )
            elif since == length_int:
                first = (
                    f"{heading} since {when(start)}: {direction} than expected for the last "
                    f"{count(length_int)}."
                )
            else:
                first = (
                    f"{heading} since {when(start)}: {direction} than expected in {length_int} "
                    f"of the last {count(since)}."
                )

    last_value = _float_or_nan(row.get("last_value"))
    target = _float_or_nan(row.get("target"))
    # By default each figure as format_value shows it (its own three significant figures),
    # so that the sentence, the table and the trajectory's words give the same figures.
    places = decimals
    last_period = row.get("last_period")
    where = "" if _missing(last_period) else f" in {when(last_period)}"
    second = f"{value_label}{where}: {_format_number(last_value, places)}{value_suffix}"
    if math.isfinite(target):
        second += f"; {target_word} {_format_number(target, places)}{value_suffix}"
        if _text_or_none(row.get("assurance")) is not None:
            words = (labels["assurance"] or "").replace("target", target_word)
            second += f" – {words[:1].lower()}{words[1:]}"
    return f"{first} {second}."
