"""The Making Data Count chart: an XmR chart of one series, with its variation and assurance icons.

NHS England's Making Data Count shows a measure month by month on a statistical process
control (XmR) chart: the series, its mean and its process limits, with each point coloured
by what it says (special cause improvement or concern, or common cause), and two icons that
summarise the latest position: the *variation* (is it changing, for better or worse?) and the
*assurance* (will it meet the target?).

This module only draws and words what :func:`toolkit.monitor.spc.spc` has worked out. It takes
``SPCResult.to_frame()`` for one series and a row of ``SPCResult.summary()``; it computes no
limits, runs or rules of its own.

- :func:`spc_chart` draws the chart, a plain ``matplotlib.figure.Figure`` that shows in a
  notebook, in Voila and in a static HTML or PDF report.
- :func:`icon_labels` gives the icons' meaning in plain English, for tables and sentences.
- :func:`describe_spc` gives one line for the board ("Special cause improvement since March
  2025: lower than expected for the last 8 months."), also usable as the chart's alternative
  text.

Colours follow Making Data Count's convention, in NHS identity colours that stay distinct for
people with the common forms of colour blindness: improvement NHS Blue, concern NHS Orange,
neither (neutral) NHS Purple, common cause NHS Mid Grey. Each kind of point also has its own
marker shape, so that the chart still reads when printed in greyscale.
"""

from __future__ import annotations

import math
import numbers
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._params import POSITIVE, InstanceOf, Interval, validate_params
from toolkit.style import (
    LABEL_SIZE as _LABEL_SIZE,
)
from toolkit.style import (
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_DARK_PINK,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PURPLE,
    NHS_WHITE,
)
from toolkit.style import (
    TICK_SIZE as _TICK_SIZE,
)
from toolkit.style import (
    new_figure as _new_figure,
)
from toolkit.style import (
    set_title as _title,
)
from toolkit.style import (
    tidy_axes as _tidy_axes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.offsetbox import VPacker
    from matplotlib.ticker import Formatter


@dataclass(frozen=True)
class PointStyle:
    """How one kind of point is drawn on the chart.

    Attributes
    ----------
    colour : str
        Fill colour (hex).
    marker : str
        Matplotlib marker: a different shape for each kind, for greyscale printing.
    size : float
        Marker size in points.
    label : str
        The legend's words.
    """

    colour: str
    marker: str
    size: float
    label: str


#: How each ``point_type`` is drawn, in the legend's order.
POINT_STYLES: dict[str, PointStyle] = {
    "common_cause": PointStyle(NHS_MID_GREY, "o", 5.0, "Common cause – expected variation"),
    "special_cause_improvement": PointStyle(NHS_BLUE, "P", 8.5, "Special cause – improvement"),
    "special_cause_concern": PointStyle(NHS_ORANGE, "X", 8.5, "Special cause – concern"),
    "special_cause_neutral_high": PointStyle(
        NHS_PURPLE, "^", 8.0, "Special cause – high,\nneither better nor worse"
    ),
    "special_cause_neutral_low": PointStyle(
        NHS_PURPLE, "v", 8.0, "Special cause – low,\nneither better nor worse"
    ),
}

#: Colour of the line joining the points.
SERIES_COLOUR = NHS_MID_GREY
#: Colour of the mean (solid) and the process limits (dashed).
MEAN_COLOUR = NHS_BLACK
LIMIT_COLOUR = NHS_DARK_GREY
#: Colour of the target (dash-dot): not used by any point, and its own line style.
TARGET_COLOUR = NHS_DARK_PINK


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

#: Size of an icon in points.
_BADGE = 44.0


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
            f"The 'frame' parameter of {caller} must have the columns of SPCResult.to_frame(). "
            f"Missing: {', '.join(missing)}."
        )
    if frame.empty:
        raise ValueError(f"The 'frame' parameter of {caller} has no rows.")
    times, code = _timestamps(frame["period"])
    if times.isna().any():
        raise ValueError(f"The 'period' column given to {caller} has missing periods.")
    if times.duplicated().any():
        raise ValueError(
            f"The 'frame' parameter of {caller} must hold one series, one row per period. "
            "Some periods appear more than once: filter the frame to one series first."
        )
    table = frame.assign(_x=times.to_numpy()).sort_values("_x", kind="stable")
    table = table.reset_index(drop=True)
    unknown = set(table["point_type"].dropna().astype(str)) - set(POINT_STYLES)
    if unknown:
        raise ValueError(
            f"The 'point_type' column given to {caller} has values it does not know: "
            f"{', '.join(sorted(unknown))}. Expected one of {', '.join(POINT_STYLES)}."
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
    if decimals is None:
        decimals = _decimals_for(value)
    text = f"{value:,.{decimals}f}"
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
        Whole numbers from 100, one decimal from 1, two from 0.1, else three;
        "not available" for a missing value.
    """
    return _format_number(float(value))


def _decimals_for(value: float) -> int:
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 1 else 2 if size >= 0.1 else 3


@validate_params({"summary_row": _SUMMARY})
def icon_labels(summary_row: Any) -> dict[str, str | None]:
    """Return the plain-English words for a series' variation and assurance icons.

    Parameters
    ----------
    summary_row : pandas.Series or mapping
        One row of ``SPCResult.summary()`` (a one-row DataFrame is accepted too): its
        ``variation``, ``assurance``, ``target`` and ``improvement``.

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


@validate_params(
    {
        "frame": ["data-frame"],
        "summary": _SUMMARY,
        "value_label": ["str"],
        "period_format": ["str"],
        "decimals": [Interval(Integral, 0, None, closed="left"), None],
        "value_suffix": ["str"],
        "target_word": ["str"],
    }
)
def describe_spc(
    frame: pd.DataFrame,
    summary: Any,
    *,
    value_label: str,
    period_format: str = "%B %Y",
    decimals: int | None = None,
    value_suffix: str = "",
    target_word: str = "target",
) -> str:
    """Describe the latest position of one series in a line of plain English for the board.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``SPCResult.to_frame()`` for one series (one row per period).
    summary : pandas.Series or mapping
        The series' row of ``SPCResult.summary()`` (a one-row DataFrame is accepted too).
    value_label : str
        What the values measure, with units, as on the chart's y axis ("Emergency admissions
        per 1,000 people"); it opens the sentence on the latest value.
    period_format : str
        ``strftime`` format of the periods named ("%B %Y" gives "March 2025").
    decimals : int, optional
        Decimal places of the latest value and the target; by default 0 from 100, 1 from 1,
        2 from 0.1 and 3 below.
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
    is read from the frame's ``point_type`` in the latest baseline segment.
    """
    row = _summary_row(summary, "describe_spc")
    table, frequency = _prepare(frame, "describe_spc")
    labels = icon_labels(row)
    variation = str(row.get("variation"))

    def when(value: Any) -> str:
        return _as_timestamp(value).strftime(period_format)

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
            # A run of rising or falling points need not be above or below the mean.
            rising = float(table["value"].iloc[-1]) > float(table["value"].iloc[-2])
            direction = "rising" if rising else "falling"
            first = (
                f"{heading} since {when(start)}: {direction} {frequency.unit} after "
                f"{frequency.unit} for the last {count(length_int)}."
                if start is not None and length_int > 1
                else f"{heading.rstrip(',')}: {direction} {frequency.unit} after {frequency.unit}."
            )
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
    if decimals is not None:
        places = decimals
    else:
        places = _decimals_for(last_value if math.isfinite(last_value) else target)
    last_period = row.get("last_period")
    where = "" if _missing(last_period) else f" in {when(last_period)}"
    second = f"{value_label}{where}: {_format_number(last_value, places)}{value_suffix}"
    if math.isfinite(target):
        second += f"; {target_word} {_format_number(target, places)}{value_suffix}"
        if _text_or_none(row.get("assurance")) is not None:
            words = (labels["assurance"] or "").replace("target", target_word)
            second += f" – {words[:1].lower()}{words[1:]}"
    return f"{first} {second}."


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


def _board_number_formatter() -> Formatter:
    """Tick formatter with thousands separators and as few decimals as the ticks need."""
    from matplotlib.ticker import Formatter

    class BoardNumberFormatter(Formatter):
        decimals = 0

        def set_locs(self, locs):
            super().set_locs(locs)
            ticks = [float(loc) for loc in locs if np.isfinite(loc)]
            decimals = 0
            while decimals < 6 and any(
                abs(round(tick, decimals) - tick) > 1e-9 * max(1.0, abs(tick)) for tick in ticks
            ):
                decimals += 1
            self.decimals = decimals

        def __call__(self, x, pos=None):
            return _format_number(float(x), self.decimals)

    return BoardNumberFormatter()


def _date_axis(ax: Axes, times: pd.DatetimeIndex) -> None:
    """Ticks on the x axis at months (April first, the NHS year), labelled "Mar 2025"."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    start, end = times.min(), times.max()
    months = (end.year - start.year) * 12 + end.month - start.month
    if months < 4:
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        ax.xaxis.set_major_formatter(
            FuncFormatter(
                lambda x, pos=None: f"{mdates.num2date(x).day} {mdates.num2date(x):%b %Y}"
            )
        )
        return
    if months <= 8:
        locator = mdates.MonthLocator()
    elif months <= 16:
        locator = mdates.MonthLocator(bymonth=(2, 4, 6, 8, 10, 12))
    elif months <= 24:
        locator = mdates.MonthLocator(bymonth=(1, 4, 7, 10))
    elif months <= 48:
        locator = mdates.MonthLocator(bymonth=(4, 10))
    elif months <= 96:
        locator = mdates.MonthLocator(bymonth=(4,))
    else:
        locator = mdates.YearLocator(base=math.ceil(months / 96), month=4)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


def _contrast_text(colour: str) -> str:
    """White or NHS Black, whichever contrasts more with the colour (WCAG luminance)."""
    from matplotlib.colors import to_rgb

    def luminance(rgb: tuple[float, float, float]) -> float:
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    own = luminance(to_rgb(colour))
    white = (1.05) / (own + 0.05)
    black = (own + 0.05) / (luminance(to_rgb(NHS_BLACK)) + 0.05)
    return NHS_WHITE if white >= black else NHS_BLACK


def _badge(
    colour: str, letter: str | None, arrow: str | None, caption: str, *, gid: str
) -> VPacker:
    """Make an icon: a filled circle with a letter and arrow (or a row of dots), and a caption."""
    from matplotlib.lines import Line2D
    from matplotlib.offsetbox import DrawingArea, TextArea, VPacker
    from matplotlib.patches import Circle
    from matplotlib.text import Text

    ink = _contrast_text(colour)
    area = DrawingArea(_BADGE, _BADGE, clip=False)
    centre = _BADGE / 2
    circle = Circle((centre, centre), centre - 1.5, facecolor=colour, edgecolor=colour)
    circle.set_gid(gid)
    area.add_artist(circle)
    if letter is None:
        dots = Line2D(
            centre + np.array([-13.0, -6.5, 0.0, 6.5, 13.0]),
            centre + np.array([-2.0, 3.0, -3.0, 2.0, -1.0]),
            color=ink,
            marker="o",
            markersize=3.5,
            linewidth=1.0,
        )
        area.add_artist(dots)
    else:
        shift = 5.5 if arrow else 0.0
        area.add_artist(
            Text(
                centre - shift,
                centre,
                letter,
                ha="center",
                va="center",
                fontsize=16,
                fontweight="bold",
                color=ink,
            )
        )
        if arrow:
            area.add_artist(
                Text(
                    centre + 9.0,
                    centre,
                    arrow,
                    ha="center",
                    va="center",
                    fontsize=14,
                    fontweight="bold",
                    color=ink,
                )
            )
    words = TextArea(
        "\n".join(textwrap.wrap(caption, 13)),
        textprops={"fontsize": 10, "color": NHS_DARK_GREY, "multialignment": "center"},
    )
    return VPacker(children=[area, words], align="center", pad=0, sep=3)


def _draw_icons(ax: Axes, row: Mapping[str, Any]) -> None:
    """Draw the variation and (with a target) assurance icons beside the top right corner."""
    from matplotlib.offsetbox import AnchoredOffsetbox, HPacker

    labels = icon_labels(row)
    variation = _VARIATIONS[str(row.get("variation"))]
    badges = [
        _badge(
            variation.colour,
            variation.letter,
            variation.arrow,
            labels["variation_caption"] or "",
            gid="spc-icon-variation",
        )
    ]
    assurance_code = _text_or_none(row.get("assurance"))
    if assurance_code is not None:
        assurance = _ASSURANCES[assurance_code]
        badges.append(
            _badge(
                assurance.colour,
                assurance.letter,
                None,
                labels["assurance_caption"] or "",
                gid="spc-icon-assurance",
            )
        )
    box = AnchoredOffsetbox(
        loc="upper left",
        child=HPacker(children=badges, align="top", pad=0, sep=8),
        pad=0,
        borderpad=0,
        frameon=False,
        bbox_to_anchor=(1.03, 1.0),
        bbox_transform=ax.transAxes,
    )
    box.set_gid("spc-icons")
    ax.add_artist(box)


@validate_params(
    {
        "frame": ["data-frame"],
        "summary": [*_SUMMARY, None],
        "title": ["str"],
        "value_label": ["str"],
        "subtitle": ["str", None],
        "ax": [None, InstanceOf("matplotlib.axes.Axes", "a matplotlib Axes")],
        "width": [POSITIVE],
        "height": [POSITIVE],
        "target_label": ["str"],
    }
)
def spc_chart(
    frame: pd.DataFrame,
    *,
    summary: Any = None,
    title: str,
    value_label: str,
    subtitle: str | None = None,
    ax: Axes | None = None,
    width: float = 10.0,
    height: float = 5.0,
    target_label: str = "Target",
) -> Figure:
    """Draw the Making Data Count XmR chart of one series.

    The series is a grey line with a point for each period, coloured and shaped by what the
    point says; the mean (solid) and the process limits (dashed) are drawn for each baseline
    segment separately, with a break where the limits were recalculated; the target, if any,
    is a dash-dot line. With a summary, the variation and assurance icons stand at the top
    right with a caption each, above the legend.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``SPCResult.to_frame()`` for one series, one row per period: ``period`` (timestamps
        or pandas periods), ``value``, ``baseline_segment``, ``mean``, ``lpl``, ``upl``,
        ``point_type`` and (optionally) ``target``. It is not changed.
    summary : pandas.Series or mapping, optional
        The series' row of ``SPCResult.summary()``, for the icons and the direction of
        improvement. Without it no icons are drawn.
    title : str
        The chart's title ("Emergency admissions, people aged 65 and over").
    value_label : str
        The y axis label, with units ("Emergency admissions per 1,000 people").
    subtitle : str, optional
        A further line under the subtitle the chart writes itself (the period covered, any
        recalculation of the limits and which direction is better).
    ax : matplotlib.axes.Axes, optional
        Draw on these axes (in a figure with constrained layout, which makes room on the
        right for the icons and legend); by default a new figure is made.
    target_label : str
        The target line's legend entry ("Ambition", as the quarterly update calls it). A
        ``trajectory`` column in ``frame``, when present, is drawn as a dotted line: the
        path agreed towards the target.
    width, height : float
        Size of a new figure in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (the one holding ``ax`` if given). Lines carry a ``gid``: ``spc-value``,
        ``spc-points-<point_type>``, ``spc-mean``, ``spc-lpl``, ``spc-upl`` and
        ``spc-target``.

    Raises
    ------
    ValueError
        If the frame lacks a column, has a period twice or an unknown ``point_type``.
    """
    table, frequency = _prepare(frame, "spc_chart")
    row = None if summary is None else _summary_row(summary, "spc_chart")
    if ax is None:
        figure, ax = _new_figure(width, height)
    else:
        try:
            figure = ax.get_figure(root=True)
        except TypeError:  # matplotlib before 3.10
            figure = ax.figure
    x = table["_x"].to_numpy(dtype="datetime64[ns]")
    value = _floats(table["value"])
    handles = []

    ax.plot(x, value, color=SERIES_COLOUR, linewidth=1.3, zorder=2, gid="spc-value")

    point_type = table["point_type"].astype(object)
    for kind, style in POINT_STYLES.items():
        chosen = (point_type == kind).to_numpy(dtype=bool) & np.isfinite(value)
        if not chosen.any():
            continue
        (points,) = ax.plot(
            x[chosen],
            value[chosen],
            linestyle="none",
            marker=style.marker,
            markersize=style.size,
            color=style.colour,
            markerfacecolor=style.colour,
            markeredgecolor=NHS_WHITE,
            markeredgewidth=0.6,
            label=style.label,
            zorder=4 if kind != "common_cause" else 3,
            gid=f"spc-points-{kind}",
        )
        handles.append(points)

    segments = _blocks(table["baseline_segment"])
    lines: dict[str, Any] = {}
    for _, rows in table.groupby(segments, sort=False):
        where = rows.index.to_numpy()
        for column, style, label in (
            ("mean", "-", "Mean"),
            ("lpl", "--", "Process limits"),
            ("upl", "--", None),
        ):
            (line,) = ax.plot(
                x[where],
                _floats(rows[column]),
                color=MEAN_COLOUR if column == "mean" else LIMIT_COLOUR,
                linestyle=style,
                linewidth=1.2 if column == "mean" else 1.0,
                zorder=1.5,
                gid=f"spc-{column}",
            )
            if label is not None and label not in lines:
                line.set_label(label)
                lines[label] = line
    handles.extend(lines.values())

    if "target" in table.columns:
        target = pd.Series(_floats(table["target"]), index=table.index)
        first = None
        for _, rows in table.groupby(_blocks(target), sort=False):
            values = target.loc[rows.index].to_numpy()
            if not np.isfinite(values).any():
                continue
            (line,) = ax.plot(
                x[rows.index.to_numpy()],
                values,
                color=TARGET_COLOUR,
                linestyle="-.",
                linewidth=1.6,
                marker="_" if len(rows) == 1 else None,
                markersize=14,
                zorder=1.8,
                gid="spc-target",
            )
            if first is None:
                line.set_label(target_label)
                first = line
        if first is not None:
            handles.append(first)

    if "trajectory" in table.columns:
        path = _floats(table["trajectory"])
        drawn = np.isfinite(path)
        if drawn.any():
            (line,) = ax.plot(
                x[drawn],
                path[drawn],
                color=TARGET_COLOUR,
                linestyle=":",
                linewidth=1.8,
                zorder=1.8,
                gid="spc-trajectory",
                label=f"Trajectory to the {target_label.lower()}",
            )
            handles.append(line)

    ax.set_ylabel(value_label, fontsize=_LABEL_SIZE)
    ax.set_xlabel(frequency.noun, fontsize=_LABEL_SIZE)
    _date_axis(ax, pd.DatetimeIndex(table["_x"]))
    ax.yaxis.set_major_formatter(_board_number_formatter())
    _tidy_axes(ax, grid_axis="y")

    times = pd.DatetimeIndex(table["_x"])
    covered = _date_label(times[0], frequency)
    if len(times) > 1:
        covered += f" to {_date_label(times[-1], frequency)}"
    parts = [f"{frequency.adjective}, {covered}" if frequency.adjective else covered]
    starts = [times[rows.index[0]] for _, rows in table.groupby(segments, sort=False)][1:]
    if starts:
        named = [_date_label(start, frequency) for start in starts]
        joined = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        parts.append(f"limits recalculated from {joined}")
    if "in_baseline" in table.columns:
        # A fixed baseline: say which points set the limits (the first segment's).
        first = table[segments == segments.iloc[0]]
        used = first[first["in_baseline"].astype(bool)]
        if 0 < len(used) < len(first):
            span = pd.DatetimeIndex(used["_x"])
            parts.append(
                f"limits from {_date_label(span[0], frequency)} to "
                f"{_date_label(span[-1], frequency)}"
            )
    if row is not None:
        direction = icon_labels(row)["direction"]
        if direction:
            parts.append(direction.lower())
    period_line = "; ".join(parts)
    _title(ax, title, period_line if subtitle is None else f"{period_line}\n{subtitle}")

    if row is not None:
        _draw_icons(ax, row)
    legend = ax.legend(
        handles=handles,
        loc="lower left" if row is not None else "upper left",
        bbox_to_anchor=(1.03, 0.0 if row is not None else 1.0),
        borderaxespad=0,
        frameon=False,
        fontsize=_TICK_SIZE,
    )
    legend.set_gid("spc-legend")
    return figure


__all__ = [
    "POINT_STYLES",
    "PointStyle",
    "describe_spc",
    "format_value",
    "icon_labels",
    "spc_chart",
]
