"""Charts for the board report and the notebooks, in NHS blues.

Every chart has a title with the period, units on its axes and colours from
:mod:`toolkit.style` that differ in lightness, so that they read in greyscale and for people
with any common colour-vision deficiency. Figures are made with ``matplotlib.figure.Figure``
(not pyplot), so that making one never draws it twice in a notebook: show it with
:func:`show_figure`.

The charts the board report embeds are drawn :data:`~toolkit.style.PRINT_WIDTH` inches wide,
the width of the report's printed column, so that no text prints under 8 pt; titles wrap to
fit.

Charts take figures that have already been through disclosure control: a missing value
(suppressed, or not published) is not drawn and is marked ``[c]`` or ``[x]``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._words import capitalised
from toolkit.style import (
    LABEL_SIZE,
    NHS_BLACK,
    NHS_BLUE,
    NHS_BRIGHT_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    PRINT_DPI,
    PRINT_WIDTH,
    TICK_SIZE,
    TITLE_SIZE,
    lightness,
    new_figure,
    nhs_sequential_cmap,
    set_title,
    tidy_axes,
    wrap_to_width,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Series colours, light to dark: distinct in lightness (CIELAB L* about 68, 47, 23).
SERIES_COLOURS: tuple[str, ...] = (NHS_LIGHT_BLUE, NHS_BRIGHT_BLUE, NHS_DARK_BLUE)

#: Text drawn where a value is suppressed (``[c]``) or not available (``[x]``).
MISSING_MARK = "[c] or [x]"

#: Font sizes and figure basics shared with every chart (see :mod:`toolkit.style`).
_TITLE_SIZE = TITLE_SIZE
_LABEL_SIZE = LABEL_SIZE
_TICK_SIZE = TICK_SIZE
_tidy_axes = tidy_axes

#: Smallest font size, in points, of any text on a chart the board report prints.
SMALLEST_PRINTED_SIZE = 8

#: Characters a line of a segment's name holds on the segment chart: the names the toolkit's
#: models give fit on one line, so that each segment takes one row of text.
_SEGMENT_NAME_WIDTH = 42

#: White margin, in inches, :func:`show_figure` leaves round a chart (matplotlib's default).
PAD_INCHES = 0.1


def _new_figure(height: float) -> tuple[Figure, Any]:
    """Return a figure at print resolution that, with its margins, fills the printed column."""
    return new_figure(PRINT_WIDTH - 2 * PAD_INCHES, height, dpi=PRINT_DPI)


def _title(ax: Any, title: str, subtitle: str | None = None) -> None:
    """Title a chart on the left (see :func:`set_title`), wrapped to fit in the figure.

    The title starts at the axes' left edge, right of the axis labels: its lines are broken
    between words so that none runs past the figure's right edge. Call it last, once the
    axis labels are set.
    """
    text = set_title(ax, title, subtitle)
    figure = ax.get_figure()
    figure.draw_without_rendering()  # lays the axes out, so their left edge is known
    wrap_to_width(text, figure.bbox.x1 - ax.get_window_extent().x0)


def _wrap(label: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def segment_chart(
    table: pd.DataFrame,
    *,
    label: str = "segment",
    shares: Sequence[tuple[str, str]] = (
        ("share_of_population", "people"),
        ("cost_share", "cost of care"),
        ("emergency_admissions_share", "emergency admissions"),
    ),
    period: str,
) -> Figure:
    """Bar chart of each segment's share of people, cost and emergency admissions.

    One panel for each share, side by side on the same scale, with a row for each segment
    across them, so that a row reads how a segment's share of cost or admissions compares
    with its share of people. Each bar carries its value. Compact enough to print under the
    segments table on one A4 page (issue 14): one row of 9 pt text a segment, not three.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per segment: a ``label`` column and the share columns (fractions of the
        system's total; missing where suppressed).
    label : str
        Column naming each segment.
    shares : sequence of (str, str)
        Share columns and the names of their panels, up to three.
    period : str
        The period, shown in the title and axis.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    from matplotlib.ticker import MaxNLocator

    series = list(shares)
    if not 1 <= len(series) <= len(SERIES_COLOURS):
        raise ValueError(
            f"The 'shares' parameter of segment_chart must name 1 to {len(SERIES_COLOURS)} "
            f"columns. Got {len(series)} instead."
        )
    rows = len(table)
    names = [_wrap(name, _SEGMENT_NAME_WIDTH) for name in table[label]]
    row = 0.035 + 0.135 * max((name.count("\n") + 1 for name in names), default=1)  # inches
    # Each panel's name, wrapped to the panel's width; the last may run past its panel.
    headings = [capitalised(name) for _, name in series]
    headings[:-1] = ["\n".join(textwrap.wrap(heading, 18)) for heading in headings[:-1]]
    band = (0.02 + 0.15 * max(heading.count("\n") + 1 for heading in headings)) / row  # rows
    figure, ax = _new_figure(0.85 + row * (rows + band))  # + title, ticks, axis
    values = [
        100 * pd.to_numeric(table[column], errors="coerce").astype("float64").to_numpy()
        for column, _ in series
    ]
    known = np.concatenate([value[np.isfinite(value)] for value in values] + [np.zeros(1)])
    largest = max(known.max(), 1.0)
    ticks = MaxNLocator(3, steps=[1, 2, 2.5, 5, 10]).tick_values(0, largest)
    ticks = ticks[(ticks >= 0) & (ticks <= max(largest, ticks[1]))]
    width = largest * 1.45  # a panel's scale: room for the value after the longest bar
    gap = 0.12 * width
    positions = np.arange(rows)
    colours = SERIES_COLOURS[-len(series) :] if len(series) < 3 else SERIES_COLOURS
    tick_at, tick_names = [], []
    for number, (heading, colour, value) in enumerate(zip(headings, colours, values, strict=True)):
        left = number * (width + gap)
        ax.vlines(left + ticks[1:], -0.5, rows - 0.5, color=NHS_PALE_GREY, lw=0.8, zorder=0)
        ax.vlines(left, -0.5, rows - 0.5, color=NHS_MID_GREY, linewidth=0.8, zorder=3)
        shown = np.where(np.isfinite(value), value, 0.0)
        ax.barh(
            positions,
            shown,
            left=left,
            height=0.66,
            color=colour,
            label=series[number][1],
            zorder=2,
        )
        for y, share in zip(positions, value, strict=True):
            ax.text(
                left + (share if np.isfinite(share) else 0) + 0.02 * width,
                y,
                "[c]" if not np.isfinite(share) else f"{share:.1f}%",
                va="center",
                fontsize=SMALLEST_PRINTED_SIZE,
                color=NHS_DARK_GREY,
            )
        ax.text(left, -0.7, heading, va="bottom", fontsize=_TICK_SIZE, fontweight="bold")
        tick_at.extend(left + ticks)
        tick_names.extend(f"{tick:g}" for tick in ticks)
    ax.set_xticks(tick_at, tick_names)
    ax.set_xlim(-0.02 * width, len(series) * (width + gap) - gap)
    ax.set_yticks(positions, names)
    ax.set_ylim(rows - 0.5, -0.5 - band)  # each panel's name above its first row
    ax.set_xlabel(f"Share of the system's total (%), {period}", fontsize=_LABEL_SIZE)
    _tidy_axes(ax)
    ax.grid(False)  # each panel draws its own
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    _title(ax, f"Who uses care: each segment's share of people, cost and admissions, {period}")
    return figure


#: Written at a decile of the deprivation chart in which no registered person lives.
NO_NEIGHBOURHOOD_MARK = "no one registered"


def deprivation_chart(
    rates: pd.DataFrame,
    *,
    quantile: str = "imd_decile",
    value: str = "rate",
    lower: str = "lower_95",
    upper: str = "upper_95",
    label: str,
    multiplier: float,
    period: str,
    subtitle: str | None = None,
) -> Figure:
    """Bar chart of an age-standardised rate by deprivation decile, with 95% limits.

    The y-axis says "age-standardised" in words rather than naming the standard population
    (the report's methods name it: the European Standard Population 2013).

    Every decile from 1 to 10 has its place and tick label: a decile with no row (no
    neighbourhood in it) is marked :data:`NO_NEIGHBOURHOOD_MARK`, written upwards.

    Parameters
    ----------
    rates : pandas.DataFrame
        One row per decile (1 = most deprived): the rate and its limits (missing where
        suppressed or not published).
    quantile, value, lower, upper : str
        Columns of the decile, rate and limits.
    label : str
        What the rate counts ("emergency admissions").
    multiplier : float
        The rate is per this many people.
    period : str
        The period, shown in the title and axis.
    subtitle : str, optional
        A second title line (the SII and RII, say).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    figure, ax = _new_figure(3.8)
    x = pd.to_numeric(rates[quantile]).to_numpy(dtype="float64")
    rate = pd.to_numeric(rates[value]).astype("float64").to_numpy()
    low = pd.to_numeric(rates[lower]).astype("float64").to_numpy()
    high = pd.to_numeric(rates[upper]).astype("float64").to_numpy()
    known = np.isfinite(rate)
    ax.bar(x[known], rate[known], color=NHS_BLUE, width=0.7, label="age-standardised rate")
    limits = known & np.isfinite(low) & np.isfinite(high)
    ax.errorbar(
        x[limits],
        rate[limits],
        yerr=[rate[limits] - low[limits], high[limits] - rate[limits]],
        fmt="none",
        ecolor=NHS_BLACK,
        capsize=3,
        linewidth=1,
        label="95% confidence interval",
    )
    for position in x[~known]:
        ax.text(position, 0, "[c]", ha="center", va="bottom", fontsize=_TICK_SIZE)
    whole = np.isfinite(x) & (x == np.round(x))
    deciles = whole.all() and len(x) and x.min() >= 1 and x.max() <= 10
    absent = [d for d in range(1, 11) if d not in set(x.tolist())] if deciles else []
    for position in absent:  # no neighbourhood in the decile: said, not left as a gap
        ax.text(
            position,
            0,
            NO_NEIGHBOURHOOD_MARK,
            ha="center",
            va="bottom",
            rotation=90,
            fontsize=_TICK_SIZE,
            color=NHS_BLACK,
        )
    ticks = np.sort(np.concatenate([x, np.asarray(absent, dtype="float64")]))
    ax.set_xticks(ticks, [f"{value:.0f}" for value in ticks])
    ax.set_xlabel("IMD decile of the neighbourhood (1 = most deprived)", fontsize=_LABEL_SIZE)
    ax.set_ylabel(
        f"{capitalised(label)} per {multiplier:,.0f}\npeople a year, age-standardised",
        fontsize=_LABEL_SIZE,
    )
    ax.yaxis.set_major_formatter("{x:,.0f}")
    _tidy_axes(ax, grid_axis="y")
    ax.legend(loc="upper right", fontsize=_TICK_SIZE, frameon=False)
    _title(ax, f"{capitalised(label)} by deprivation, age-standardised, {period}", subtitle)
    return figure


def rank_acceptability_chart(
    probabilities: pd.DataFrame,
    *,
    labels: Sequence[str],
    period: str,
    draws: int,
    shortlist_size: int,
) -> Figure:
    """Heat map of how often each candidate takes each rank under the weightings tried.

    The weightings tried are drawn around the chosen weights; each cell, and the colour bar,
    give the percentage of them that put a candidate at a rank.

    Parameters
    ----------
    probabilities : pandas.DataFrame
        One row per candidate to show (in the order shown), one column per rank (1, 2,
        ...), each the share of the weightings tried giving that rank: for instance
        ``RankAcceptability.matrix()`` restricted to the shortlist and the first few left
        out, and to the first ranks.
    labels : sequence of str
        Row labels (the candidates in plain English).
    period : str
        The period of the data.
    draws : int
        Number of weightings tried (drawn around the chosen weights), for the subtitle.
    shortlist_size : int
        Where the shortlist ends: a dashed line is drawn after this rank, and the subtitle
        names it, when ranks beyond the shortlist are shown.

    Returns
    -------
    matplotlib.figure.Figure
        The chart; each cell is annotated with its percentage.
    """
    values = probabilities.to_numpy(dtype="float64")
    rows, columns = values.shape
    wrapped = [_wrap(label, 42) for label in labels]
    # A row is tall enough for its longest label: 0.3 in holds two lines of the tick
    # labels; longer labels get 0.175 in a line, so that they do not overlap.
    lines = max((label.count("\n") + 1 for label in wrapped), default=1)
    figure, ax = _new_figure(1.4 + (0.3 if lines <= 2 else 0.175 * lines) * rows)
    cmap = nhs_sequential_cmap()
    image = ax.imshow(100 * values, cmap=cmap, vmin=0, vmax=100, aspect="auto")
    dark = lightness(cmap(values.ravel())).reshape(values.shape) < 55
    for i in range(rows):
        for j in range(columns):
            if values[i, j] >= 0.005:
                ax.text(
                    j,
                    i,
                    f"{100 * values[i, j]:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=SMALLEST_PRINTED_SIZE,
                    color="white" if dark[i, j] else NHS_BLACK,
                )
    ax.set_xticks(range(columns), [str(rank) for rank in probabilities.columns])
    ax.set_yticks(range(rows), wrapped)
    ax.set_xlabel("Rank (1 = top priority)", fontsize=_LABEL_SIZE)
    line = 0 < shortlist_size < columns
    if line:
        ax.axvline(shortlist_size - 0.5, color=NHS_BLACK, linewidth=1.2, linestyle="--")
    colourbar = figure.colorbar(image, ax=ax, shrink=0.8, fraction=0.05, pad=0.02)
    colourbar.set_label("% of weightings tried", fontsize=_TICK_SIZE)
    colourbar.ax.tick_params(labelsize=_TICK_SIZE)
    ax.tick_params(labelsize=_TICK_SIZE, colors=NHS_DARK_GREY)
    _title(
        ax,
        f"How robust is the ranking? Chance of each rank, data for {period}",
        f"{draws:,} weightings drawn around the chosen weights"
        + (f"; dashed line = end of the shortlist of {shortlist_size}" if line else ""),
    )
    return figure


def weights_chart(
    shares: pd.DataFrame,
    *,
    labels: Sequence[str],
    title: str,
    room: Sequence[float],
    combined_by: str,
) -> Figure:
    """Dot plot of the weight each workshop table gave each criterion, with the room's.

    The chart draws what it is given: the room's weights are combined from the tables' in
    :mod:`toolkit.prioritise` (:func:`toolkit.prioritise.consensus.aggregate_weights`), as
    the room's list was made, and ``combined_by`` names how in the legend and subtitle.

    Parameters
    ----------
    shares : pandas.DataFrame
        One row per table, one column per criterion: the share of the table's total
        weight (rows sum to 1).
    labels : sequence of str
        Plain-English names of the criteria, in the columns' order.
    title : str
        The chart's title (the workshop and its date or period).
    room : sequence of float
        The room's weight of each criterion (shares summing to 1), in the columns' order;
        NaN where there is none.
    combined_by : str
        How the tables' shares were combined into the room's, in words ("average",
        "median", "geometric mean").

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    values = 100 * shares.to_numpy(dtype="float64")
    tables, criteria = values.shape
    combined = 100 * np.asarray(room, dtype="float64")
    if combined.shape != (criteria,):
        raise ValueError(
            f"The 'room' parameter of weights_chart must give one weight per criterion "
            f"({criteria}). Got {combined.size} instead."
        )
    figure, ax = _new_figure(1.2 + 0.4 * criteria)
    positions = np.arange(criteria)
    jitter = np.linspace(-0.15, 0.15, tables) if tables > 1 else np.zeros(1)
    for row in range(tables):
        ax.scatter(
            values[row],
            positions + jitter[row],
            s=28,
            color=NHS_LIGHT_BLUE,
            edgecolor=NHS_BRIGHT_BLUE,
            label="one table" if row == 0 else None,
            zorder=3,
        )
    ax.scatter(
        combined,
        positions,
        marker="|",
        s=500,
        color=NHS_DARK_BLUE,
        label=f"room ({combined_by})",
        zorder=4,
    )
    ax.set_yticks(positions, [_wrap(label, 34) for label in labels])
    ax.invert_yaxis()
    ax.set_xlabel("Share of the table's total weight (%)", fontsize=_LABEL_SIZE)
    widest = float(np.nanmax(np.append(values, combined)))  # the room's rescaled may be more
    ax.set_xlim(0, max(100 / max(criteria, 1) * 2.5, widest * 1.1))
    _tidy_axes(ax)
    ax.legend(loc="lower right", fontsize=_TICK_SIZE, frameon=False)
    _title(ax, title, f"Line: the room's weight, the {combined_by} of the tables'")
    return figure


def gap_by_cause_chart(
    contributions: pd.DataFrame,
    *,
    cause: str = "cause",
    contribution: str = "contribution",
    gap: float,
    period: str,
) -> Figure:
    """Bar chart of the years each cause of death adds to a life expectancy gap.

    Parameters
    ----------
    contributions : pandas.DataFrame
        One row per cause: its contribution in years (summed over age bands, as
        :func:`toolkit.indicators.life_expectancy_gap_by_cause` gives per band).
    cause, contribution : str
        Columns of the cause and the years.
    gap : float
        The whole gap in years, for the title.
    period : str
        The period.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, largest contribution first; a negative bar narrows the gap.
    """
    ordered = contributions.sort_values(contribution, ascending=False, kind="stable")
    figure, ax = new_figure(8.0, 1.2 + 0.45 * len(ordered))
    years = ordered[contribution].to_numpy(dtype="float64")
    colours = [NHS_DARK_BLUE if value >= 0 else NHS_LIGHT_BLUE for value in years]
    positions = np.arange(len(ordered))
    ax.barh(positions, years, color=colours)
    for y, value in zip(positions, years, strict=True):
        ax.text(value, y, f" {value:.1f}", va="center", fontsize=8, color=NHS_DARK_GREY)
    ax.set_yticks(positions, [str(name).replace("_", " ").capitalize() for name in ordered[cause]])
    ax.invert_yaxis()
    ax.axvline(0, color=NHS_MID_GREY, linewidth=0.8)
    ax.set_xlabel(f"Years of the life expectancy gap, {period}", fontsize=_LABEL_SIZE)
    _tidy_axes(ax)
    _title(
        ax,
        f"Life expectancy gap between the most and least deprived fifths: {gap:.1f} years",
        "Contribution of each cause of death (Arriaga decomposition)",
    )
    return figure


def _titles(figure: Any) -> str:
    """Return a figure's titles in one line: its suptitle, then each axes' titles."""
    texts = []
    suptitle = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""
    if suptitle:
        texts.append(suptitle)
    for ax in getattr(figure, "axes", []):
        for loc in ("left", "center", "right"):
            title = ax.get_title(loc=loc)
            if title and title not in texts:
                texts.append(title)
    return " ".join(" ".join(text.split()) for text in texts)


def show_figure(figure, *, alt: str | None = None) -> None:
    """Display a figure in a notebook once, and close it if pyplot was tracking it.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure.
    alt : str, optional
        Text that says what the chart shows, for people who cannot see it (screen
        readers): the figure is then shown as an HTML image carrying it as ``alt`` (the
        HTML report keeps it), with the same text as its plain-text form. By default the
        chart's title (and subtitle), so that no chart reaches the board without one.
    """
    from IPython.display import display

    if alt is None:
        alt = _titles(figure) or None
    if alt is None:
        display(figure)
    else:
        import base64
        import html
        import io

        buffer = io.BytesIO()
        figure.savefig(
            buffer, format="png", dpi=figure.dpi, bbox_inches="tight", pad_inches=PAD_INCHES
        )
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        display(
            {
                "text/html": f'<img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(alt, quote=True)}"/>',
                "text/plain": alt,
            },
            raw=True,
        )
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(figure, "number", -1)):
        plt.close(figure)


__all__ = [
    "SERIES_COLOURS",
    "deprivation_chart",
    "gap_by_cause_chart",
    "rank_acceptability_chart",
    "segment_chart",
    "show_figure",
    "weights_chart",
]
