"""The Making Data Count chart, its icons and its sentence, on frames built by hand."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.text import Text

from toolkit.monitor.charts import POINT_STYLES, describe_spc, icon_labels, spc_chart
from toolkit.style import NHS_BLUE, NHS_MID_GREY, NHS_ORANGE, NHS_PURPLE

PERIODS = pd.period_range("2024-04", periods=12, freq="M")
VALUE_LABEL = "Emergency admissions per 1,000 people"

#: Point types by row: two segments of six months; special causes of every kind.
POINT_TYPES = [
    "common_cause",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
    "common_cause",
    "common_cause",
    "common_cause",
    "common_cause",
    "special_cause_improvement",
    "special_cause_improvement",
    "special_cause_improvement",
    "special_cause_improvement",
]


def make_frame(*, target: float = 9.0, periods=PERIODS, point_types=None) -> pd.DataFrame:
    """A frame following SPCResult.to_frame(): two baseline segments, a target, each type."""
    segment = np.repeat([1, 2], 6)
    mean = np.where(segment == 1, 10.0, 8.0)
    width = np.where(segment == 1, 3.0, 2.0)
    return pd.DataFrame(
        {
            "area": "Demo ICB",
            "period": periods,
            "value": [10.2, 13.4, 12.1, 7.5, 9.8, 10.1, 8.4, 7.9, 6.9, 7.0, 6.8, 7.1],
            "baseline_segment": segment,
            "in_baseline": True,
            "mean": mean,
            "lpl": mean - width,
            "upl": mean + width,
            "near_lpl": mean - 2 * width / 3,
            "near_upl": mean + 2 * width / 3,
            "target": target,
            "rule": [None, "beyond_limit", "two_of_three", "two_of_three"]
            + [None] * 4
            + ["shift"] * 4,
            "point_type": POINT_TYPES if point_types is None else point_types,
        }
    )


def make_summary(**changes) -> dict:
    summary = {
        "area": "Demo ICB",
        "variation": "improvement_low",
        "assurance": "inconsistent",
        "run_start": PERIODS[8],
        "run_length": 4,
        "last_period": PERIODS[-1],
        "last_value": 7.1,
        "target": 9.0,
        "improvement": "decrease",
    }
    summary.update(changes)
    return summary


def chart(frame=None, **kwargs) -> Figure:
    kwargs.setdefault("title", "Emergency admissions, people aged 65 and over")
    kwargs.setdefault("value_label", VALUE_LABEL)
    return spc_chart(make_frame() if frame is None else frame, **kwargs)


def lines(figure: Figure, gid: str):
    return [line for line in figure.axes[0].get_lines() if line.get_gid() == gid]


def all_text(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def legend_labels(figure: Figure) -> list[str]:
    legend = figure.axes[0].get_legend()
    return [text.get_text().replace("\n", " ") for text in legend.get_texts()]


def as_datetimes(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[ns]")


def starts(rows: pd.DataFrame) -> np.ndarray:
    return as_datetimes(pd.PeriodIndex(rows["period"]).to_timestamp())


# --------------------------------------------------------------------------------------------
# The chart
# --------------------------------------------------------------------------------------------


def test_the_chart_is_titled_with_the_period_covered_and_labelled_with_units():
    figure = chart(summary=make_summary())
    ax = figure.axes[0]
    title = ax.get_title(loc="left")
    assert title.startswith("Emergency admissions, people aged 65 and over\n")
    assert "Monthly, Apr 2024 to Mar 2025" in title
    assert "limits recalculated from Oct 2024" in title
    assert "lower is better" in title
    assert ax.get_ylabel() == VALUE_LABEL
    assert ax.get_xlabel() == "Month"


def test_a_subtitle_is_added_under_the_period_covered():
    figure = chart(subtitle="Source: SUS+, demo data")
    title = figure.axes[0].get_title(loc="left")
    assert title.endswith(
        "Monthly, Apr 2024 to Mar 2025; limits recalculated from Oct 2024\nSource: SUS+, demo data"
    )


def test_dates_read_as_month_and_year_and_numbers_without_long_decimals():
    figure = chart()
    figure.draw_without_rendering()
    ax = figure.axes[0]
    dates = [label.get_text() for label in ax.get_xticklabels() if label.get_text()]
    assert dates and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", date) for date in dates)
    assert "Apr 2024" in dates
    numbers = [label.get_text() for label in ax.get_yticklabels() if label.get_text()]
    assert numbers and all(re.fullmatch(r"-?[\d,]+(\.\d)?", number) for number in numbers)


def test_the_legend_names_each_kind_of_point_and_line_in_plain_words():
    labels = legend_labels(chart(summary=make_summary()))
    assert labels == [
        "Common cause – expected variation",
        "Special cause – improvement",
        "Special cause – concern",
        "Special cause – high, neither better nor worse",
        "Special cause – low, neither better nor worse",
        "Mean",
        "Process limits",
        "Target",
    ]


def test_the_legend_lists_only_the_kinds_of_point_on_the_chart():
    frame = make_frame(target=np.nan, point_types=["common_cause"] * 12)
    assert legend_labels(chart(frame)) == [
        "Common cause – expected variation",
        "Mean",
        "Process limits",
    ]


@pytest.mark.parametrize(
    ("kind", "colour", "marker"),
    [
        ("special_cause_improvement", NHS_BLUE, "P"),
        ("special_cause_concern", NHS_ORANGE, "X"),
        ("special_cause_neutral_high", NHS_PURPLE, "^"),
        ("special_cause_neutral_low", NHS_PURPLE, "v"),
        ("common_cause", NHS_MID_GREY, "o"),
    ],
)
def test_each_kind_of_point_is_drawn_in_its_colour_and_marker(kind, colour, marker):
    frame = make_frame()
    figure = chart(frame)
    (points,) = lines(figure, f"spc-points-{kind}")
    assert same_color(points.get_markerfacecolor(), colour)
    assert points.get_marker() == marker
    assert points.get_linestyle() == "None"
    chosen = frame[frame["point_type"] == kind]
    np.testing.assert_array_equal(as_datetimes(points.get_xdata()), starts(chosen))
    np.testing.assert_allclose(points.get_ydata(), chosen["value"])


def test_every_kind_of_point_has_its_own_marker_so_greyscale_prints_read():
    markers = {style.marker for style in POINT_STYLES.values()}
    assert len(markers) == len(POINT_STYLES)


def test_the_series_is_one_grey_line_through_every_point():
    frame = make_frame()
    (series,) = lines(chart(frame), "spc-value")
    assert same_color(series.get_color(), NHS_MID_GREY)
    np.testing.assert_array_equal(as_datetimes(series.get_xdata()), starts(frame))
    np.testing.assert_allclose(series.get_ydata(), frame["value"])


@pytest.mark.parametrize(
    ("gid", "linestyle"), [("spc-mean", "-"), ("spc-lpl", "--"), ("spc-upl", "--")]
)
def test_mean_and_limits_are_drawn_per_segment_and_no_line_joins_two_segments(gid, linestyle):
    frame = make_frame()
    drawn = lines(chart(frame), gid)
    assert len(drawn) == 2
    column = gid.removeprefix("spc-")
    for line, (segment, rows) in zip(drawn, frame.groupby("baseline_segment"), strict=True):
        assert line.get_linestyle() == linestyle
        x = as_datetimes(line.get_xdata())
        np.testing.assert_array_equal(x, starts(rows))
        np.testing.assert_allclose(line.get_ydata(), rows[column])
        others = starts(frame[frame["baseline_segment"] != segment])
        assert not np.isin(x, others).any()
    first, second = (as_datetimes(line.get_xdata()) for line in drawn)
    assert first.max() < second.min()


def test_the_target_is_a_distinct_line_when_there_is_a_target():
    frame = make_frame(target=9.0)
    figure = chart(frame)
    (target,) = lines(figure, "spc-target")
    np.testing.assert_allclose(target.get_ydata(), 9.0)
    np.testing.assert_array_equal(as_datetimes(target.get_xdata()), starts(frame))
    styles = {
        line.get_linestyle() for gid in ("spc-mean", "spc-lpl") for line in lines(figure, gid)
    }
    assert target.get_linestyle() not in styles
    assert "Target" in legend_labels(figure)


def test_there_is_no_target_line_without_a_target():
    figure = chart(make_frame(target=np.nan))
    assert lines(figure, "spc-target") == []
    assert "Target" not in legend_labels(figure)


def test_a_changed_target_is_not_joined_to_the_old_one():
    frame = make_frame().assign(target=[9.0] * 6 + [np.nan] * 2 + [7.5] * 4)
    drawn = lines(chart(frame), "spc-target")
    assert [list(np.unique(line.get_ydata())) for line in drawn] == [[9.0], [7.5]]


def icon_colour(figure: Figure, gid: str):
    (circle,) = [patch for patch in figure.findobj(Circle) if patch.get_gid() == gid]
    return circle.get_facecolor()


@pytest.mark.parametrize(
    ("changes", "variation_colour", "expected_text", "assurance_colour"),
    [
        (
            {"variation": "improvement_low", "assurance": "inconsistent"},
            NHS_BLUE,
            ["L", "↓", "Improving", "?", "Hit and miss"],
            NHS_MID_GREY,
        ),
        (
            {"variation": "improvement_high", "assurance": "consistently_pass"},
            NHS_BLUE,
            ["H", "↑", "Improving", "P", "Will meet the target"],
            NHS_BLUE,
        ),
        (
            {"variation": "concern_high", "assurance": "consistently_fail"},
            NHS_ORANGE,
            ["H", "↑", "Getting worse", "F", "Will miss the target"],
            NHS_ORANGE,
        ),
        (
            {"variation": "neutral_low", "assurance": "inconsistent"},
            NHS_PURPLE,
            ["L", "↓", "Changed", "?", "Hit and miss"],
            NHS_MID_GREY,
        ),
    ],
)
def test_the_icons_show_variation_and_assurance_with_captions(
    changes, variation_colour, expected_text, assurance_colour
):
    figure = chart(summary=make_summary(**changes))
    text = [words.replace("\n", " ") for words in all_text(figure)]
    for words in expected_text:
        assert words in text
    assert same_color(icon_colour(figure, "spc-icon-variation"), variation_colour)
    assert same_color(icon_colour(figure, "spc-icon-assurance"), assurance_colour)


def test_common_cause_without_a_target_shows_a_grey_icon_and_no_assurance():
    summary = make_summary(variation="common_cause", assurance=None, target=np.nan)
    figure = chart(make_frame(target=np.nan), summary=summary)
    text = [words.replace("\n", " ") for words in all_text(figure)]
    assert "No sign of change" in text
    assert not {"P", "F", "?", "H", "L"} & set(text)
    assert same_color(icon_colour(figure, "spc-icon-variation"), NHS_MID_GREY)
    assert not [
        patch for patch in figure.findobj(Circle) if patch.get_gid() == "spc-icon-assurance"
    ]


def test_there_are_no_icons_without_a_summary():
    figure = chart()
    assert not [patch for patch in figure.findobj(Circle) if patch.get_gid()]
    assert "Improving" not in all_text(figure)


def test_periods_as_timestamps_chart_the_same_as_pandas_periods():
    frame = make_frame(periods=PERIODS.to_timestamp())
    figure = chart(frame, summary=pd.Series(make_summary()))
    assert "Monthly, Apr 2024 to Mar 2025" in figure.axes[0].get_title(loc="left")
    (improvement,) = lines(figure, "spc-points-special_cause_improvement")
    np.testing.assert_array_equal(
        as_datetimes(improvement.get_xdata()), as_datetimes(PERIODS[8:].to_timestamp())
    )


def test_rows_out_of_order_are_charted_in_time_order():
    frame = make_frame()
    figure = chart(frame.iloc[::-1])
    (series,) = lines(figure, "spc-value")
    np.testing.assert_allclose(series.get_ydata(), frame["value"])


def test_the_chart_draws_on_given_axes_and_returns_their_figure():
    figure = Figure(figsize=(12, 8), layout="constrained")
    top, bottom = figure.subplots(2, 1)
    returned = spc_chart(
        make_frame(), summary=make_summary(), title="A", value_label=VALUE_LABEL, ax=bottom
    )
    assert returned is figure
    assert [line.get_gid() for line in top.get_lines()] == []
    assert any(line.get_gid() == "spc-mean" for line in bottom.get_lines())


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_the_chart_renders_for_a_static_report(fmt):
    buffer = io.BytesIO()
    chart(summary=make_summary()).savefig(buffer, format=fmt)
    assert buffer.getbuffer().nbytes > 1_000


def test_the_input_frame_is_unchanged():
    frame = make_frame().iloc[::-1]
    before = frame.copy()
    summary = make_summary()
    chart(frame, summary=summary)
    describe_spc(frame, summary, value_label=VALUE_LABEL)
    pd.testing.assert_frame_equal(frame, before)
    assert summary == make_summary()


def test_a_frame_missing_a_column_is_refused():
    with pytest.raises(ValueError, match="Missing: upl"):
        chart(make_frame().drop(columns="upl"))


def test_a_frame_of_two_series_is_refused():
    frame = make_frame()
    with pytest.raises(ValueError, match="one series"):
        chart(pd.concat([frame, frame.assign(area="Other ICB")]))


def test_an_unknown_point_type_is_refused():
    frame = make_frame().assign(point_type="special_cause")
    with pytest.raises(ValueError, match="special_cause"):
        chart(frame)


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "variation", "caption"),
    [
        (
            {"variation": "improvement_high", "improvement": "increase"},
            "Improving: higher than expected",
            "Improving",
        ),
        ({"variation": "improvement_low"}, "Improving: lower than expected", "Improving"),
        ({"variation": "concern_high"}, "Getting worse: higher than expected", "Getting worse"),
        (
            {"variation": "concern_low", "improvement": "increase"},
            "Getting worse: lower than expected",
            "Getting worse",
        ),
        (
            {"variation": "neutral_high", "improvement": None},
            "Changed: higher than expected, neither better nor worse",
            "Changed",
        ),
        (
            {"variation": "common_cause"},
            "No sign of change: within the expected range",
            "No sign of change",
        ),
    ],
)
def test_icon_labels_give_the_variation_in_plain_english(changes, variation, caption):
    labels = icon_labels(make_summary(**changes))
    assert labels["variation"] == variation
    assert labels["variation_caption"] == caption


@pytest.mark.parametrize(
    ("changes", "assurance", "caption"),
    [
        (
            {"assurance": "consistently_pass"},
            "Will consistently meet the target",
            "Will meet the target",
        ),
        (
            {"assurance": "consistently_fail"},
            "Will not meet the target without change",
            "Will miss the target",
        ),
        (
            {"assurance": "inconsistent"},
            "Hit and miss: may or may not meet the target",
            "Hit and miss",
        ),
        ({"assurance": None, "target": np.nan}, "No target set", "No target"),
        ({"assurance": np.nan, "target": 9.0}, "Not assessed against the target", "Not assessed"),
    ],
)
def test_icon_labels_give_the_assurance_in_plain_english(changes, assurance, caption):
    labels = icon_labels(make_summary(**changes))
    assert labels["assurance"] == assurance
    assert labels["assurance_caption"] == caption


@pytest.mark.parametrize(
    ("improvement", "direction"),
    [("increase", "Higher is better"), ("decrease", "Lower is better"), (None, None)],
)
def test_icon_labels_name_the_direction_of_improvement(improvement, direction):
    assert icon_labels(make_summary(improvement=improvement))["direction"] == direction


def test_icon_labels_take_a_row_of_a_summary_table():
    table = pd.DataFrame([make_summary(variation="concern_high", assurance="consistently_fail")])
    labels = icon_labels(table.iloc[0])
    assert labels["variation"] == "Getting worse: higher than expected"
    assert labels["assurance"] == "Will not meet the target without change"
    assert icon_labels(table) == labels


def test_icon_labels_refuse_an_unknown_variation():
    with pytest.raises(ValueError, match="variation"):
        icon_labels(make_summary(variation="better"))


def test_describe_improvement_with_lower_better_and_a_target():
    sentence = describe_spc(make_frame(), make_summary(), value_label=VALUE_LABEL)
    assert sentence == (
        "Special cause improvement since December 2024: lower than expected for the last "
        "4 months. Emergency admissions per 1,000 people in March 2025: 7.1; target 9 – "
        "hit and miss: may or may not meet the target."
    )


def test_describe_improvement_with_higher_better_and_no_target():
    frame = make_frame(target=np.nan).assign(value=lambda f: 20 - f["value"])
    summary = make_summary(
        variation="improvement_high",
        improvement="increase",
        assurance=None,
        target=np.nan,
        last_value=12.9,
    )
    assert describe_spc(frame, summary, value_label="Screening uptake (%)") == (
        "Special cause improvement since December 2024: higher than expected for the last "
        "4 months. Screening uptake (%) in March 2025: 12.9."
    )


def test_describe_concern_that_will_not_meet_the_target():
    frame = make_frame(point_types=["common_cause"] * 9 + ["special_cause_concern"] * 3)
    summary = make_summary(
        variation="concern_high",
        assurance="consistently_fail",
        run_start=PERIODS[9],
        run_length=3,
        last_value=1234.4,
        target=1000,
    )
    assert describe_spc(frame, summary, value_label="Waiting list", period_format="%b %Y") == (
        "Special cause concern since Jan 2025: higher than expected for the last 3 months. "
        "Waiting list in Mar 2025: 1,234; target 1,000 – will not meet the target "
        "without change."
    )


def test_describe_neutral_change_in_the_latest_month_only():
    frame = make_frame(point_types=["common_cause"] * 11 + ["special_cause_neutral_high"])
    summary = make_summary(
        variation="neutral_high",
        improvement=None,
        assurance=None,
        target=np.nan,
        run_start=PERIODS[-1],
        run_length=1,
    )
    assert describe_spc(frame, summary, value_label=VALUE_LABEL) == (
        "Special cause variation, neither better nor worse, in March 2025: higher than "
        "expected in the latest month. Emergency admissions per 1,000 people in March 2025: "
        "7.1."
    )


def test_describe_a_run_that_is_not_unbroken_to_the_latest_month():
    summary = make_summary(run_start=PERIODS[4], run_length=4)
    sentence = describe_spc(make_frame(), summary, value_label=VALUE_LABEL)
    assert sentence.startswith(
        "Special cause improvement since August 2024: lower than expected in 4 of the last "
        "8 months."
    )


def test_describe_common_cause_counts_the_latest_months_within_the_range():
    frame = make_frame(target=np.nan, point_types=["common_cause"] * 12)
    frame = frame.assign(baseline_segment=1, mean=10.0, lpl=7.0, upl=13.0)
    summary = make_summary(variation="common_cause", assurance=None, target=np.nan)
    assert describe_spc(frame, summary, value_label=VALUE_LABEL) == (
        "No sign of change: the last 12 months vary within the expected range. "
        "Emergency admissions per 1,000 people in March 2025: 7.1."
    )


def test_describe_common_cause_counts_only_the_current_limits():
    frame = make_frame(point_types=POINT_TYPES[:8] + ["common_cause"] * 4)
    summary = make_summary(variation="common_cause", assurance="consistently_pass")
    assert describe_spc(frame, summary, value_label=VALUE_LABEL) == (
        "No sign of change: the last 6 months vary within the expected range. "
        "Emergency admissions per 1,000 people in March 2025: 7.1; target 9 – will "
        "consistently meet the target."
    )


def test_describe_falls_back_on_the_frame_when_the_summary_has_no_run():
    summary = make_summary(run_start=None, run_length=np.nan)
    sentence = describe_spc(make_frame(), summary, value_label=VALUE_LABEL)
    assert sentence.startswith(
        "Special cause improvement since December 2024: lower than expected for the last 4 months."
    )


def test_describe_takes_a_one_row_summary_table_and_fixed_decimals():
    table = pd.DataFrame([make_summary()])
    sentence = describe_spc(make_frame(), table, value_label=VALUE_LABEL, decimals=2)
    assert sentence.endswith(
        "in March 2025: 7.10; target 9.00 – hit and miss: may or may not meet the target."
    )


def test_tick_labels_carry_only_the_decimals_the_ticks_need():
    frame = make_frame().assign(
        value=lambda f: 12 + f["value"] / 50, mean=12.2, lpl=12.05, upl=12.35, target=np.nan
    )
    figure = chart(frame)
    figure.draw_without_rendering()
    numbers = [label.get_text() for label in figure.axes[0].get_yticklabels() if label.get_text()]
    assert numbers and all(re.fullmatch(r"12\.\d{1,2}", number) for number in numbers)


def test_weekly_periods_are_named_by_day_month_and_year():
    periods = pd.period_range("2025-01-06", periods=12, freq="W-SUN")
    figure = chart(make_frame(periods=periods))
    title = figure.axes[0].get_title(loc="left")
    assert "Weekly, 6 Jan 2025 to 24 Mar 2025" in title
    assert figure.axes[0].get_xlabel() == "Week starting"
    sentence = describe_spc(
        make_frame(periods=periods),
        make_summary(run_start=periods[8], last_period=periods[-1]),
        value_label="Attendances",
        period_format="%d %B %Y",
    )
    assert sentence.startswith(
        "Special cause improvement since 03 March 2025: lower than expected for the last 4 weeks."
    )


def test_a_trend_is_described_as_rising_not_as_higher_than_expected():
    import numpy as np

    from toolkit.monitor import describe_spc, spc

    values = [3.0, 6.0, 3.5, 5.5, 4.0, 6.0, 3.0, 5.0, 4.5, 6.0, 3.5, 5.5]
    values += [3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 4.2]  # seven rising, all below the mean
    frame = pd.DataFrame(
        {"period": pd.date_range("2024-01-01", periods=len(values), freq="MS"), "value": values}
    )
    result = spc(frame, improvement="increase")
    points = result.to_frame()
    assert points["rule"].iloc[-1] == "trend"
    text = describe_spc(
        points, result.summary().iloc[0], value_label="Rate", target_word="ambition"
    )
    assert "rising month after month for the last 7 months" in text
    assert "higher than expected" not in text
    assert np.isfinite(points["upl"]).all()


def test_percentages_carry_their_sign_and_the_target_its_name():
    from toolkit.monitor import describe_spc, spc

    values = [16.0, 15.5, 16.2, 15.8, 16.1, 15.9, 16.3, 15.7, 16.0, 15.9, 16.1, 15.8]
    frame = pd.DataFrame(
        {"period": pd.date_range("2025-01-01", periods=12, freq="MS"), "value": values}
    )
    result = spc(frame, improvement="decrease", target=6.0)
    text = describe_spc(
        result.to_frame(),
        result.summary().iloc[0],
        value_label="Smoking at the time of delivery",
        value_suffix="%",
        target_word="ambition",
    )
    assert text.endswith(
        "Smoking at the time of delivery in December 2025: 15.8%; ambition 6% – will not "
        "meet the ambition without change."
    )


def test_screening_never_leaves_limits_of_no_width():
    from toolkit.monitor import spc

    values = [0.0] * 8 + [1.0] + [0.0] * 8 + [2.0] + [0.0] * 6
    frame = pd.DataFrame({"period": range(len(values)), "value": values})
    points = spc(frame, improvement="decrease").to_frame()
    assert (points["upl"] > points["lpl"]).all()
    assert (points["rule"] == "beyond_limit").sum() < len(values)


def test_a_trajectory_column_is_drawn_dotted_with_its_legend_entry():
    from toolkit.monitor import spc, spc_chart

    values = [10.0, 11.0, 9.5, 10.5, 10.0, 9.0, 11.0, 10.2, 9.8, 10.4, 10.1, 9.9, 9.0, 8.8]
    frame = pd.DataFrame(
        {"period": pd.date_range("2025-01-01", periods=len(values), freq="MS"), "value": values}
    )
    points = spc(frame, improvement="decrease", target=8.0).to_frame()
    points["trajectory"] = [float("nan")] * 11 + [10.0, 9.0, 8.0]
    figure = spc_chart(points, title="Falls", value_label="per 1,000", target_label="Ambition")
    lines = [line for line in figure.axes[0].get_lines() if line.get_gid() == "spc-trajectory"]
    assert len(lines) == 1 and lines[0].get_linestyle() == ":"
    assert list(lines[0].get_ydata()) == [10.0, 9.0, 8.0]
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "Trajectory to the ambition" in legend and "Ambition" in legend


def test_icon_labels_call_the_target_what_the_page_calls_it():
    """The update's column "Will it meet the ambition?" was answered "Will miss the target"."""
    labels = icon_labels(make_summary(assurance="consistently_fail"), target_word="ambition")
    assert labels["assurance_caption"] == "Will miss the ambition"
    assert labels["assurance"] == "Will not meet the ambition without change"
    assert icon_labels(make_summary(assurance="consistently_fail"))["assurance_caption"] == (
        "Will miss the target"
    )


def test_a_small_target_beside_a_larger_value_is_not_shown_as_zero():
    # Rates per person are small: a target of 0.004 beside 0.12 was "0.00".
    frame = make_frame(target=0.004).assign(value=lambda f: f["value"] / 100)
    summary = make_summary(last_value=0.12, target=0.004)
    sentence = describe_spc(frame, summary, value_label=VALUE_LABEL)
    assert "March 2025: 0.12; target 0.004 " in sentence
    tiny = make_summary(last_value=0.12, target=0.0004)  # each to its own figures
    assert "March 2025: 0.12; target 0.0004 " in describe_spc(
        make_frame(target=0.0004), tiny, value_label=VALUE_LABEL
    )
    # Whole from 100, and no trailing zeros below it.
    whole = make_summary(last_value=150.0, target=95.0)
    assert "March 2025: 150; target 95 " in describe_spc(
        make_frame(target=95.0), whole, value_label=VALUE_LABEL
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1234.5, "1,235"), (12.34, "12.3"), (0.1234, "0.123"), (0.0123, "0.0123"),
     (0.00123, "0.00123"), (-0.00004, "-0.00004"), (0.0, "0"),
     (0.009996, "0.01"), (0.3 - 0.1 * 3, "0")],
)  # fmt: skip
def test_format_value_never_rounds_a_small_value_to_zero(value, shown):
    from toolkit.monitor.charts import format_value

    assert format_value(value) == shown
