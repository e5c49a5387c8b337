"""Following the agreed priorities: their series found, charted and checked for disclosure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.monitor import follow_priorities, spc
from toolkit.monitor.demo import make_demo_series

OUTCOMES = {
    "end_of_life_care": "emergency_admissions",
    "high_blood_pressure": "emergency_admissions_cardiovascular",
    "childrens_asthma": "emergency_admissions_respiratory",
}


@pytest.fixture(scope="module")
def series():
    return make_demo_series()


@pytest.fixture(scope="module")
def followed(series):
    wanted = pd.DataFrame(
        {"priority": [*OUTCOMES, "no_such_theme"], "outcome": [*OUTCOMES.values(), None]}
    )
    return follow_priorities(series, wanted, fix_after=24)


def test_each_priority_gets_its_whole_system_series(followed):
    rows = followed.priorities.set_index("priority")
    assert rows.loc["end_of_life_care", "series"] == "end_of_life_care.emergency_admissions"
    assert rows.loc["end_of_life_care", "place"] == "Whole system"
    assert rows.loc["high_blood_pressure", "points"] == 36
    assert not rows.loc["no_such_theme", "shown"]
    assert "no indicator series" in rows.loc["no_such_theme", "note"]


def test_icons_are_those_of_spc_on_the_same_series(series, followed):
    one = series[
        (series["series"] == "high_blood_pressure.emergency_admissions_cardiovascular")
        & (series["place"] == "Whole system")
    ]
    expected = spc(one, improvement="decrease", fix_after=24).summary().iloc[0]
    row = followed.priorities.set_index("priority").loc["high_blood_pressure"]
    assert row["variation"] == expected["variation"]
    assert row["lpl"] == pytest.approx(expected["lpl"], rel=1e-12)
    points, _ = followed.chart_data("high_blood_pressure")
    assert len(points) == 36 and set(points["priority"]) == {"high_blood_pressure"}


def test_small_monthly_counts_are_not_charted(followed):
    # Children's asthma admissions: a few a month in the whole demo system.
    row = followed.priorities.set_index("priority").loc["childrens_asthma"]
    assert not row["shown"]
    assert "fewer than 10 events" in row["note"]
    assert "childrens_asthma" not in set(followed.points["priority"])
    with pytest.raises(KeyError):
        followed.chart_data("childrens_asthma")


def test_the_planted_step_is_found_in_its_place_only(followed):
    # make_demo_series plants a 20% fall in end-of-life admissions in Kestermoor from
    # April 2025; with the baseline fixed on the two years before, that place shows it.
    found = followed.special_cause_places("end_of_life_care")
    improving = found[found["variation"].str.startswith("improvement")]
    assert improving["place"].tolist() == ["Kestermoor"]
    assert improving["run_start"].iloc[0] == pd.Timestamp("2025-04-01")
    assert improving["run_length"].iloc[0] == 12


def test_a_planted_step_in_the_whole_system_is_special_cause(series):
    one = series[series["series"] == "high_blood_pressure.emergency_admissions_cardiovascular"]
    one = one.copy()
    late = one["period"] >= pd.Timestamp("2025-10-01")
    one.loc[late, "value"] = one.loc[late, "value"] * 0.6
    result = follow_priorities(one, ["high_blood_pressure"], fix_after=24)
    row = result.priorities.iloc[0]
    assert row["variation"] == "improvement_low"
    # the six lowered months at least (the shift rule may take in a low month or two before)
    assert row["run_length"] >= 6 and row["run_start"] <= pd.Timestamp("2025-10-01")


def test_ambition_sets_the_target_and_the_assurance(series):
    wanted = pd.DataFrame(
        {
            "priority": ["high_blood_pressure"],
            "outcome": ["emergency_admissions_cardiovascular"],
            "ambition": [0.01],
        }
    )
    row = follow_priorities(series, wanted).priorities.iloc[0]
    assert row["ambition"] == 0.01
    # an ambition far below the lower limit of a "lower is better" series: it will fail
    assert row["lpl"] > 0.01 and row["assurance"] == "consistently_fail"


def test_input_is_unchanged_and_bad_priorities_are_refused(series):
    before = series.copy(deep=True)
    follow_priorities(series, ["end_of_life_care"])
    pd.testing.assert_frame_equal(series, before)
    with pytest.raises(ValueError, match="repeat"):
        follow_priorities(series, ["end_of_life_care", "end_of_life_care"])
    with pytest.raises(TypeError, match="'priorities' parameter"):
        follow_priorities(series, "end_of_life_care")
    with pytest.raises(ValueError, match="'improvement' of a priority"):
        follow_priorities(
            series, pd.DataFrame({"priority": ["end_of_life_care"], "improvement": ["down"]})
        )
    assert np.isnan(follow_priorities(series, ["end_of_life_care"]).priorities["ambition"][0])


def test_an_ambition_needs_one_series_and_a_rebase_mapping_takes_series_ids(series):
    several = pd.DataFrame({"priority": ["high_blood_pressure"], "ambition": [2.9]})
    with pytest.raises(ValueError, match="has an ambition but 3 series"):
        follow_priorities(series, several)
    wanted = pd.DataFrame({"priority": ["end_of_life_care"], "outcome": ["emergency_admissions"]})
    rebased = follow_priorities(
        series, wanted, rebase={"end_of_life_care.emergency_admissions": ["2025-04-01"]}
    )
    points, _ = rebased.chart_data("end_of_life_care")
    assert points["baseline_segment"].max() == 2
    kestermoor = rebased.places.set_index("place").loc["Kestermoor"]
    # rebased at the step, Kestermoor's new level is its own: no longer special cause
    assert kestermoor["variation"] != "improvement_low"
    with pytest.raises(ValueError, match="names series that are not in the table"):
        follow_priorities(series, wanted, rebase={"end_of_life_care": ["2025-04-01"]})


def test_a_short_series_or_a_short_last_segment_has_provisional_limits(series):
    wanted = pd.DataFrame({"priority": ["end_of_life_care"], "outcome": ["emergency_admissions"]})
    series_id = "end_of_life_care.emergency_admissions"
    # 36 months, rebased at April 2025: the last segment has 12 points, limits stand.
    settled = follow_priorities(series, wanted, rebase={series_id: ["2025-04-01"]})
    assert "provisional" not in str(settled.priorities["note"].iloc[0])
    # Rebased at October 2025: six points since, so the limits are provisional.
    late = follow_priorities(series, wanted, rebase={series_id: ["2025-10-01"]})
    assert late.priorities["note"].iloc[0] == (
        "6 points since the limits were last recalculated (rebased): they are provisional "
        "until there are 12 or more"
    )
    # A series of eight months in all says so; rebased after four, it counts from there.
    recent = series[series["period"] >= series["period"].max() - pd.DateOffset(months=7)]
    short = follow_priorities(recent, wanted)
    assert short.priorities["note"].iloc[0] == (
        "8 points: limits are provisional until there are 12 or more"
    )
    fifth = sorted(recent["period"].unique())[4]
    short_rebased = follow_priorities(recent, wanted, rebase={series_id: [fifth]})
    assert short_rebased.priorities["note"].iloc[0].startswith("4 points since the limits")


def test_notes_say_why_a_priority_is_not_charted(series):
    places_only = series[series["place"] != "Whole system"]
    row = follow_priorities(places_only, ["end_of_life_care"]).priorities.iloc[0]
    assert row["note"] == "its series have no rows for the whole system"
    no_direction = series.drop(columns=["improvement"])
    wanted = pd.DataFrame({"priority": ["end_of_life_care"], "outcome": ["emergency_admissions"]})
    row = follow_priorities(no_direction, wanted).priorities.iloc[0]
    assert row["improvement"] == "neutral" and "no direction of improvement" in row["note"]


def test_a_dated_ambition_draws_a_straight_trajectory_from_the_baseline(series):
    wanted = pd.DataFrame(
        {
            "priority": ["end_of_life_care"],
            "outcome": ["emergency_admissions"],
            "ambition": [60.0],
            "ambition_by": ["2026-03"],
        }
    )
    followed = follow_priorities(series, wanted, fix_after=24)
    points, row = followed.chart_data("end_of_life_care")
    path = points.set_index("period")["trajectory"]
    baseline = points[points["in_baseline"]]
    start = baseline["period"].iloc[-1]  # March 2025, the end of the 24-month baseline
    assert path.loc[: start - pd.DateOffset(months=1)].isna().all()
    assert path.loc[start] == pytest.approx(baseline["value"].mean(), rel=1e-12)
    assert path.loc[pd.Timestamp("2026-03-01")] == pytest.approx(60.0, rel=1e-12)
    steps = np.diff(path.loc[start:].to_numpy())
    days = np.diff(path.loc[start:].index.to_numpy()).astype("timedelta64[D]").astype(float)
    assert np.allclose(steps / days, steps[0] / days[0])  # a straight line in time
    assert row["trajectory_now"] == pytest.approx(60.0, rel=1e-12)
    with pytest.raises(ValueError, match="'ambition_by' date but no ambition"):
        follow_priorities(series, wanted.assign(ambition=np.nan))
    with pytest.raises(ValueError, match="must be a date or month"):
        follow_priorities(series, wanted.assign(ambition_by="next spring"))


def test_a_count_left_blank_is_not_taken_as_safe(series):
    """A suppressed small count (blank numerator beside a value) keeps the series uncharted."""
    name = "high_blood_pressure.emergency_admissions_cardiovascular"
    wanted = pd.DataFrame({"priority": ["high_blood_pressure"], "outcome": [name.split(".")[1]]})
    rows = series.index[series["series"] == name]
    whole = rows[series.loc[rows, "place"] == "Whole system"]
    place = series.loc[rows[series.loc[rows, "place"] != "Whole system"][0], "place"]
    in_place = rows[series.loc[rows, "place"] == place]
    suppressed = series.assign(numerator=series["numerator"].astype("float64"))
    suppressed.loc[in_place[[2]], "numerator"] = np.nan  # a place's small count suppressed
    followed = follow_priorities(suppressed, wanted, fix_after=24)
    assert followed.priorities.iloc[0]["shown"]
    by_place = followed.places.set_index("place")
    assert not by_place.loc[place, "shown"]
    assert by_place.loc[place, "note"] == "values without counts"
    suppressed.loc[whole[[3]], "numerator"] = np.nan  # and one of the whole system's
    row = follow_priorities(suppressed, wanted, fix_after=24).priorities.iloc[0]
    assert not row["shown"]
    assert "without counts in 1 of its 36 periods" in row["note"]
    # said to be published: charted
    published = follow_priorities(suppressed, wanted, fix_after=24, published_values=True)
    assert published.priorities.iloc[0]["shown"]
