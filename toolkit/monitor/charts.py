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

This module draws; the reading of the frame and the summary and all the words (the
sentence, the icons' meaning, the figures' format) are in :mod:`toolkit.monitor._spc_words`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._params import POSITIVE, InstanceOf, validate_params
from toolkit.monitor._spc_words import (
    _ASSURANCES,
    _SUMMARY,
    _VARIATIONS,
    _blocks,
    _date_label,
    _floats,
    _format_number,
    _prepare,
    _summary_row,
    _text_or_none,
    describe_spc,
    format_value,
    icon_labels,
)
from toolkit.style import LABEL_SIZE as _LABEL_SIZE
from toolkit.style import (
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_DARK_PINK,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PURPLE,
    NHS_WHITE,
    wrap_to_width,
)
from toolkit.style import TICK_SIZE as _TICK_SIZE
from toolkit.style import TITLE_SIZE as _TITLE_SIZE
from toolkit.style import new_figure as _new_figure
from toolkit.style import set_title as _title
from toolkit.style import tidy_axes as _tidy_axes

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

#: Size of an icon in points.
_BADGE = 44.0
#: Figures narrower than this (inches) have their legend under the chart, not beside it.
_NARROW = 8.0
#: Said over the icons: they read the chart's latest points, not the whole series.
_ICONS_HEADING = "At the latest point"

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


def _date_axis(ax: Axes, times: pd.DatetimeIndex, width: float = 10.0) -> None:
    """Ticks on the x axis at months (April first, the NHS year), labelled "Mar 2025".

    A figure narrower than 10 inches gets fewer ticks, as if its months were spread wider,
    so that the labels do not run into each other.
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    start, end = times.min(), times.max()
    span = (end.year - start.year) * 12 + end.month - start.month
    months = span * max(1.0, 10.0 / width)
    if span < 4:
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


def _target_word(label: str) -> str:
    """Return the target's label as a sentence names it ("ambition"; "NHS target" kept)."""
    first = label.split(" ", 1)[0]
    return label if len(first) > 1 and first.isupper() else label[:1].lower() + label[1:]


def _draw_icons(ax: Axes, row: Mapping[str, Any], target_word: str = "target") -> None:
    """Draw the variation and (with a target) assurance icons beside the top right corner.

    The assurance icon's caption calls the target ``target_word`` ("Will miss the
    ambition"), as the chart's legend and the page's sentences do.
    """
    from matplotlib.offsetbox import AnchoredOffsetbox, HPacker, TextArea, VPacker

    labels = icon_labels(row, target_word=target_word)
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
    # The icons read the latest points: said over them, so that earlier coloured points on
    # the chart do not read as contradicting "No sign of change".
    heading = TextArea(
        _ICONS_HEADING, textprops={"fontsize": 10, "color": NHS_DARK_GREY, "weight": "bold"}
    )
    box = AnchoredOffsetbox(
        loc="upper left",
        child=VPacker(
            children=[heading, HPacker(children=badges, align="top", pad=0, sep=8)],
            align="left",
            pad=0,
            sep=4,
        ),
        pad=0,
        borderpad=0,
        frameon=False,
        bbox_to_anchor=(1.03, 1.0),
        bbox_transform=ax.transAxes,
    )
    box.set_gid("spc-icons")
    ax.add_artist(box)


def _printed_title(ax: Axes, title: str, lines: str) -> None:
    """Title a chart drawn at a printed column's width, in as few lines as read well.

    The title is at the title's size over the figure (a ``suptitle``); the lines under it
    (the period covered, the caller's subtitle) are the axes' left title at the axis labels'
    size, each wrapped between words to the figure's width, so that the period covered
    takes one line, not two (issue 14: three charts to an A4 page). Both start at the axes'
    left edge. Call it last, once all else is drawn, as it reads where the axes are.
    """
    figure = ax.get_figure()
    text = ax.set_title(lines, loc="left", fontsize=_LABEL_SIZE, color=NHS_BLACK)
    heading = figure.suptitle(title, ha="left", fontsize=_TITLE_SIZE, color=NHS_BLACK)
    figure.draw_without_rendering()  # lays the axes out, so their left edge is known
    start = ax.get_window_extent().x0
    heading.set_x(start / figure.bbox.width)
    wrap_to_width(text, figure.bbox.x1 - start)


@validate_params(
    {
        "data": ["data-frame"],
        "summary": [*_SUMMARY, None],
        "title": ["str"],
        "value_label": ["str"],
        "subtitle": ["str", None],
        "ax": [None, InstanceOf("matplotlib.axes.Axes", "a matplotlib Axes")],
        "width": [POSITIVE],
        "height": [POSITIVE],
        "target_label": ["str"],
    },
    renamed={"frame": "data"},
)
def spc_chart(
    data: pd.DataFrame,
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
    right under "At the latest point" (they read the latest points, not the whole series),
    with a caption each, above the legend.

    Parameters
    ----------
    data : pandas.DataFrame
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
        The target line's legend entry ("Ambition", as the quarterly update calls it); the
        assurance icon's caption and the trajectory's legend entry name the target so too
        ("Will miss the ambition", "Trajectory to the ambition"). A
        ``trajectory`` column in ``data``, when present, is drawn as a dotted line: the
        path agreed towards the target (neither drawn nor in the legend when it has fewer
        than two values on the chart, as when it starts at the last point).
    width, height : float
        Size of a new figure in inches. A new figure narrower than 8 inches (drawn at a
        printed column's width) has its legend under the chart, in three columns, and fewer
        ticks on its time axis.

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
    table, frequency = _prepare(data, "spc_chart")
    row = None if summary is None else _summary_row(summary, "spc_chart")
    own_figure = ax is None
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
        # A path that starts at the last point (no fixed baseline) is one point: no line to
        # see, so none is drawn or named in the legend.
        if drawn.sum() >= 2:
            (line,) = ax.plot(
                x[drawn],
                path[drawn],
                color=TARGET_COLOUR,
                linestyle=":",
                linewidth=1.8,
                zorder=1.8,
                gid="spc-trajectory",
                label=f"Trajectory to the {_target_word(target_label)}",
            )
            handles.append(line)

    ax.set_ylabel(value_label, fontsize=_LABEL_SIZE)
    ax.set_xlabel(frequency.noun, fontsize=_LABEL_SIZE)
    _date_axis(ax, pd.DatetimeIndex(table["_x"]), figure.get_figwidth())
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
    lines = period_line if subtitle is None else f"{period_line}\n{subtitle}"
    narrow = own_figure and width < _NARROW  # drawn at a printed column's width
    if not narrow:
        _title(ax, title, lines)

    if row is not None:
        _draw_icons(ax, row, _target_word(target_label))
    if narrow:
        # The legend goes under the chart, in three columns (the points, the process lines,
        # the target's), leaving the right-hand side to the icons and the width to the points.
        legend = figure.legend(
            handles=handles,
            loc="outside lower left",
            ncols=3,
            frameon=False,
            fontsize=_TICK_SIZE,
        )
    else:
        legend = ax.legend(
            handles=handles,
            loc="lower left" if row is not None else "upper left",
            bbox_to_anchor=(1.03, 0.0 if row is not None else 1.0),
            borderaxespad=0,
            frameon=False,
            fontsize=_TICK_SIZE,
        )
    legend.set_gid("spc-legend")
    if narrow:
        _printed_title(ax, title, lines)  # once all is drawn: it reads where the axes are
    return figure


__all__ = [
    "POINT_STYLES",
    "PointStyle",
    "describe_spc",
    "format_value",
    "icon_labels",
    "spc_chart",
]
