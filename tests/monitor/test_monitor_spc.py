"""spc: XmR charts the Making Data Count way, against NHSRplotthedots' own tests.

Reference figures: the NHS-R community's NHSRplotthedots (MIT), repository
github.com/nhs-r-community/NHSRplotthedots, commit 050b07d7eacc011767532732f69b8fd7d6a28fd3
(version 0.2.2), files under tests/testthat/: test-ptd_spc_standard.R and its snapshot
_snaps/ptd_spc_standard.md, test-ptd_spc.R and _snaps/ptd_spc.md, test-geom_ptd_icon.R,
test-ptd_calculate_point_type.R, test-ptd_calculate_assurance_type.R,
test-ptd_add_short_group_warnings.R, test-ptd_add_rebase_column.R,
test-ptd_spc_options.R and test-ptd_validate_spc_options.R. Only their data and expected
values are ported (the R call is in a comment beside each case); none of the package's
code is. The R draws the tests use (``set.seed(123); rnorm(...)``) are in
data/spc_rnorm_seed123.csv, made by data/spc_make_rnorm.py and checked below against the
values the package's snapshot prints. Limits: 1e-6 relative (the snapshots print 7
significant figures), or the 3 significant figures a summary prints.

The rest are our own cases for each rule, its precedence, baselines, rebasing, icons,
runs and the contract (input unchanged, grouped = per-series, clear errors).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from toolkit.errors import DataContractError
from toolkit.monitor.spc import (
    POINT_COLUMNS,
    SUMMARY_COLUMNS,
    SPCResult,
    SPCWarning,
    _apply_rules,
    _assurance,
    spc,
)

DATA = Path(__file__).parent / "data"
DRAWS = pd.read_csv(DATA / "spc_rnorm_seed123.csv")
RTOL = 1e-6
#: R: set.seed(123); rnorm(20) (the first 20 of rnorm(24) with the same seed)
RNORM20 = DRAWS["value"].to_numpy()[:20]
#: R: as.Date("2020-01-01") + 1:20
DAYS20 = pd.date_range("2020-01-02", periods=20, freq="D")

# The fixed baseline of our own rule cases: 12 points alternating 9, 11, so mean 10 and
# mean moving range 2: limits 10 ± 5.32, near-limit lines 10 ± 3.5467.
BASELINE = [9.0, 11.0] * 6


def rnorm20() -> pd.DataFrame:
    return pd.DataFrame({"period": DAYS20, "value": RNORM20})


def quiet_spc(data: pd.DataFrame, **options) -> SPCResult:
    """spc without the short-series warning (for cases shorter than 12 points)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SPCWarning)
        return spc(data, **options)


def months(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2022-04-01", periods=n, freq="MS")


def series(values, **options) -> pd.DataFrame:
    """Points of one series (monthly), charted; the points frame."""
    data = pd.DataFrame({"period": months(len(values)), "value": np.asarray(values, float)})
    return quiet_spc(data, **options).to_frame()


def after_baseline(pattern, **options) -> pd.DataFrame:
    """BASELINE then ``pattern``, limits fixed on the baseline (10 ± 5.32)."""
    return series([*BASELINE, *pattern], fix_after=12, **options)


# --- the R draws -------------------------------------------------------------------------


def test_draws_are_the_ones_the_package_prints():
    # _snaps/ptd_spc_standard.md prints y to 8 decimals: -0.56047565, -0.23017749,
    # 1.55870831, 0.07050839 (set.seed(123); rnorm(20))
    assert_allclose(RNORM20[:4], [-0.56047565, -0.23017749, 1.55870831, 0.07050839], atol=5e-9)
    assert list(DRAWS["call"].value_counts().sort_index()) == [12, 12, 24]


# --- test-ptd_spc_standard.R: "it returns expected values" ------------------------------


def test_limits_of_rnorm20():
    # ptd_spc_standard(data, list(value_field = "y", date_field = "x",
    #   screen_outliers = TRUE)): mean_col 0.1416238, lpl -3.01138, upl 3.294627
    frame = spc(rnorm20()).to_frame()
    assert_allclose(frame["mean"], 0.1416238, rtol=RTOL)
    assert_allclose(frame["lpl"], -3.01138, rtol=RTOL)
    assert_allclose(frame["upl"], 3.294627, rtol=RTOL)
    # the snapshot's relative_to_mean, first 13 points
    sides = np.sign(frame["value"] - frame["mean"]).to_numpy()[:13]
    assert_array_equal(sides, [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1])
    # outside_limits all FALSE, and the near-limit lines two thirds of the way out
    assert (frame["point_type"] == "common_cause").all()
    assert_allclose(frame["near_upl"] - frame["mean"], (2 / 3) * (3.294627 - 0.1416238), rtol=RTOL)


@pytest.mark.parametrize(
    ("screen", "lpl", "upl"),
    [
        # data$y[15] <- 10; ptd_spc_standard(data, o): screen_outliers = TRUE
        (True, -2.383666, 3.722497),
        # o$screen_outliers <- FALSE; ptd_spc_standard(data, o)
        (False, -4.596625, 5.935457),
    ],
)
def test_outlier_screening_on_and_off(screen, lpl, upl):
    data = rnorm20()
    data.loc[14, "value"] = 10.0
    frame = spc(data, screen_outliers=screen).to_frame()
    assert_allclose(frame["mean"], 0.6694159, rtol=RTOL)
    assert_allclose(frame["lpl"], lpl, rtol=RTOL)
    assert_allclose(frame["upl"], upl, rtol=RTOL)
    # the snapshot's relative_to_mean with the outlier, first 14 points
    sides = np.sign(frame["value"] - frame["mean"]).to_numpy()[:14]
    assert_array_equal(sides, [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1])


def test_screening_is_by_the_mean_moving_range_rule():
    # Our check of the formula on the same data: ranges at or above 3.267 mean moving
    # ranges are dropped once.
    values = RNORM20.copy()
    values[14] = 10.0
    ranges = np.abs(np.diff(values))
    kept = ranges[ranges < 3.267 * ranges.mean()]
    assert len(kept) == len(ranges) - 2  # the two ranges either side of the outlier
    data = pd.DataFrame({"period": DAYS20, "value": values})
    frame = spc(data).to_frame()
    assert_allclose(frame["upl"], values.mean() + 2.66 * kept.mean(), rtol=1e-12)


def test_fix_after_changes_the_limits_to_the_first_points():
    # o$fix_after_n_points <- 12: the limits change (the package asserts only that);
    # ours are the mean and mean moving range of the first 12 points.
    whole = spc(rnorm20()).to_frame()
    fixed = spc(rnorm20(), fix_after=12).to_frame()
    assert fixed["lpl"][0] != whole["lpl"][0] and fixed["upl"][0] != whole["upl"][0]
    first = RNORM20[:12]
    ranges = np.abs(np.diff(first))
    amr = ranges[ranges < 3.267 * ranges.mean()].mean()
    assert_allclose(fixed["mean"], first.mean(), rtol=1e-12)
    assert_allclose(fixed["upl"], first.mean() + 2.66 * amr, rtol=1e-12)
    assert_array_equal(fixed["in_baseline"], np.arange(20) < 12)
    assert whole["in_baseline"].all()


def test_two_of_three_on_opposite_sides_is_common_cause():
    # "it only reports special cause for 2of3 points close to limits when they are on
    # the same side of the mean": data = rep(c(1, -1), times = 8), data[15] <- 5.5,
    # data[16] <- -5.5; ptd_spc(dtf, value_field = data, date_field = date)
    values = np.tile([1.0, -1.0], 8)
    values[14], values[15] = 5.5, -5.5
    frame = series(values)
    assert list(frame["point_type"].tail(2)) == ["common_cause", "common_cause"]
    # both are beyond a near-limit line, within the limits: the rule, not the limits,
    # keeps them common cause
    assert frame["value"].iloc[14] > frame["near_upl"].iloc[14]
    assert frame["value"].iloc[15] < frame["near_lpl"].iloc[15]
    assert frame["value"].iloc[14] < frame["upl"].iloc[14]


# --- test-ptd_spc.R: summary() snapshots ------------------------------------------------


def test_summary_of_rnorm20():
    # summary(ptd_spc.data.frame(d, "y", "x")): mean_col 0.142, lpl -3.01, upl 3.29, n 20,
    # common_cause 20, special_cause_improvement 0
    result = spc(rnorm20())
    summary = result.summary()
    assert summary["points"].tolist() == [20]
    assert_allclose(summary[["mean", "lpl", "upl"]].iloc[0], [0.142, -3.01, 3.29], atol=5e-3)
    assert (result.to_frame()["point_type"] == "common_cause").sum() == 20
    # summary(ptd_spc(data, "y", "x", target = 0.5)): assurance shown
    assert spc(rnorm20(), target=0.5).summary()["assurance"].tolist() == ["inconsistent"]


def test_summary_by_facet():
    # d$facet <- rep(c(0, 1), each = 10);
    # summary(ptd_spc.data.frame(d, "y", "x", facet_field = "facet")):
    # facet 0: 0.0746, -2.60, 2.75; facet 1: 0.209, -3.28, 3.70; 10 points each, all
    # common cause (and the package warns: the facets are short)
    data = rnorm20().assign(facet=np.repeat([0, 1], 10))
    with pytest.warns(SPCWarning, match="fewer than 12 points"):
        result = spc(data, by="facet")
    summary = result.summary()
    assert summary["facet"].tolist() == [0, 1]
    assert_allclose(summary["mean"], [0.0746, 0.209], rtol=5e-3)
    assert_allclose(summary["lpl"], [-2.60, -3.28], rtol=5e-3)
    assert_allclose(summary["upl"], [2.75, 3.70], rtol=5e-3)
    assert (result.to_frame()["point_type"] == "common_cause").all()


def test_rebase_before_the_data_changes_nothing():
    # summary(ptd_spc.data.frame(d, "y", "x", rebase = as.Date("2020-01-01"))): one
    # segment, the same limits (the data start on 2020-01-02). We also say so.
    with pytest.warns(SPCWarning, match="start no new segment"):
        frame = spc(rnorm20(), rebase=["2020-01-01"]).to_frame()
    assert (frame["baseline_segment"] == 1).all()
    assert_allclose(frame["upl"], 3.294627, rtol=RTOL)


# --- test-geom_ptd_icon.R: "ptd_get_icons transforms the data correctly" ----------------


def icon_data(second_half: str) -> pd.DataFrame:
    values = DRAWS.loc[DRAWS["call"] == "rnorm(24)", "value"].to_numpy().copy()
    if second_half != "rnorm(24)":
        values[12:] = DRAWS.loc[DRAWS["call"] == second_half, "value"].to_numpy()
    return pd.DataFrame(
        {
            "x": pd.date_range("2020-01-02", periods=24, freq="D"),
            "y": values,
            "f": np.repeat([0, 1], 12),
        }
    )


ICON_CASES = [
    # set.seed(123); d <- data.frame(x = as.Date("2020-01-01") + 1:24, y = rnorm(24),
    #   f = rep(0:1, each = 12))
    # s1 <- ptd_spc(d, "y", "x"): variation common_cause, no assurance icon
    ("s1", "rnorm(24)", {}, ["common_cause"], [None]),
    # s2 <- ptd_spc(d, "y", "x", target = 0.5): common_cause, inconsistent
    ("s2", "rnorm(24)", {"target": 0.5}, ["common_cause"], ["inconsistent"]),
    # s3 <- ptd_spc(d, "y", "x", facet = "f"): common_cause for both facets
    ("s3", "rnorm(24)", {"by": "f"}, ["common_cause"] * 2, [None, None]),
    # s4 <- ptd_spc(d, "y", "x", facet = "f", target = 0.5)
    ("s4", "rnorm(24)", {"by": "f", "target": 0.5}, ["common_cause"] * 2, ["inconsistent"] * 2),
    # d$y[d$f == 1] <- rnorm(12, 5); s5 <- ptd_spc(d, "y", "x", target = -3)
    ("s5", "rnorm(12, 5)", {"target": -3}, ["improvement_high"], ["consistently_pass"]),
    # s6 <- ptd_spc(d, "y", "x", target = -3, improvement_direction = "decrease")
    (
        "s6",
        "rnorm(12, 5)",
        {"target": -3, "improvement": "decrease"},
        ["concern_high"],
        ["consistently_fail"],
    ),
    # d$y[d$f == 1] <- rnorm(12, -5); s7 <- ptd_spc(d, "y", "x", target = 3)
    ("s7", "rnorm(12, -5)", {"target": 3}, ["concern_low"], ["consistently_fail"]),
    # s8 <- ptd_spc(d, "y", "x", target = 3, improvement_direction = "decrease")
    (
        "s8",
        "rnorm(12, -5)",
        {"target": 3, "improvement": "decrease"},
        ["improvement_low"],
        ["consistently_pass"],
    ),
    # s9 <- ptd_spc(d, "y", "x", target = 3, improvement_direction = "neutral"): no
    # assurance icon
    ("s9", "rnorm(12, -5)", {"target": 3, "improvement": "neutral"}, ["neutral_low"], [None]),
]


@pytest.mark.parametrize(
    ("case", "second_half", "options", "variation", "assurance"),
    ICON_CASES,
    ids=[case[0] for case in ICON_CASES],
)
def test_icons(case, second_half, options, variation, assurance):
    summary = spc(icon_data(second_half), value="y", period="x", **options).summary()
    assert summary["variation"].tolist() == variation
    assert summary["assurance"].tolist() == assurance


# --- test-ptd_calculate_point_type.R: the rule functions, through our rules -------------


def rules_of(x, mean=0.0, lpl=-3.0, upl=3.0, near_lpl=-2.0, near_upl=2.0):
    """Our rule codes for one segment (0 none, 1 beyond, 2 trend, 3 two of three, 4 shift)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    full = [np.full(n, value) for value in (mean, lpl, upl, near_lpl, near_upl)]
    start = np.zeros(n, dtype=bool)
    start[:1] = True
    rule, _ = _apply_rules(x, *full, start, np.arange(n))
    return rule


def close_pattern(close, rtm):
    """Values with mean 0, limits ±3, near lines ±2 that are close/side as the R vectors."""
    close, rtm = np.asarray(close), np.asarray(rtm)
    # within the near lines the values wobble (0.5, 0.6, ...) so that no trend forms
    wobble = 0.5 + 0.1 * (np.arange(len(close)) % 2)
    return np.where(close == 1, 2.5, wobble) * rtm


TWO_IN_THREE = [
    # ptd_two_in_three(c(1, 0, 1), c(1, 1, 1)) = e = f = rep(1, 3)
    ([1, 0, 1], [1, 1, 1], [1, 1, 1]),
    ([0, 1, 1], [1, 1, 1], [1, 1, 1]),
    ([1, 1, 0], [1, 1, 1], [1, 1, 1]),
    # ptd_two_in_three(c(0, 0, 1, 0, 1, 0, 0), rep(1, 7)) = c(0, 0, 1, 1, 1, 0, 0)
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 1, 1, 0, 0]),
    # ptd_two_in_three(c(0, 0, 1, 1, 0, 0, 0), rep(1, 7)) = c(0, 1, 1, 1, 1, 0, 0)
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 1, 1, 1, 1, 0, 0]),
    # "... when points are on opposite sides of the mean": all 0
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
    ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
    ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    # ptd_part_of_two_in_three: hv = c(1, 0, 0, 1) gives c(0, 0, 0, 0);
    # iv = c(1, 0, 0, 1, 1) gives c(0, 0, 0, 1, 1) (rtm all 1)
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 1, 1, 1]),
]


@pytest.mark.parametrize(("close", "rtm", "in_window"), TWO_IN_THREE)
def test_two_of_three_patterns(close, rtm, in_window):
    # The package flags a point when it is in a qualifying window and itself close to a
    # limit (ptd_part_of_two_in_three(ptd_two_in_three(close, rtm), close)).
    flagged = np.asarray(in_window, bool) & np.asarray(close, bool)
    rule = rules_of(close_pattern(close, rtm))
    assert_array_equal(rule == 3, flagged)


TRENDS = [
    # ptd_seven_point_trend(1:6) = 0s: too short
    (np.arange(1, 7), [0] * 6),
    # ptd_seven_point_trend(c(1:3, 3:6)): a tie breaks it
    (np.r_[1:4, 3:7], [0] * 7),
    # ptd_seven_point_trend(1:7) ends a trend at 7; ptd_part_of_seven_trend marks all 7
    (np.arange(1, 8), [1] * 7),
    # ptd_seven_point_trend(c(2, 1:7, 3)) = c(0, 0, 0, 0, 0, 0, 0, 1, 0): points 2 to 8
    (np.r_[2, 1:8, 3], [0, 1, 1, 1, 1, 1, 1, 1, 0]),
    # 7:1 and c(2, 7:1, 3): the same, falling
    (np.arange(7, 0, -1), [1] * 7),
    (np.r_[2, 7:0:-1, 3], [0, 1, 1, 1, 1, 1, 1, 1, 0]),
]


@pytest.mark.parametrize(("x", "expected"), TRENDS)
def test_trend_patterns(x, expected):
    rule = rules_of(x, mean=4.0, lpl=-100.0, upl=100.0, near_lpl=-90.0, near_upl=90.0)
    assert_array_equal(rule == 2, np.asarray(expected, bool))


SHIFTS = [
    # ptd_seven_point_one_side_mean(rep(1, 6)) = 0s; (c(rep(1, 6), -1)) = 0s
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    # (c(rep(1, 8), -1)) = c(0, 0, 0, 0, 0, 0, 1, 1, 0): part of it, points 1 to 8
    ([1] * 8 + [-1], [1] * 8 + [0]),
    ([-1] * 8 + [1], [1] * 8 + [0]),
]


@pytest.mark.parametrize(("rtm", "expected"), SHIFTS)
def test_shift_patterns(rtm, expected):
    wobble = 1.0 + (np.arange(len(rtm)) % 2)  # 1, 2, 1, 2: no trend
    rule = rules_of(np.asarray(rtm) * wobble, lpl=-100, upl=100, near_lpl=-90, near_upl=90)
    assert_array_equal(rule == 4, np.asarray(expected, bool))


# --- test-ptd_calculate_assurance_type.R ------------------------------------------------

LIMITS = {"lpl": np.array([1.0, 5.0, 1.0]), "upl": np.array([3.0, 7.0, 5.0])}


@pytest.mark.parametrize(
    ("improvement", "direction", "expected"),
    [
        # improvement_direction = "increase", target = 4 against (1, 3), (5, 7), (1, 5)
        ("increase", 1, ["consistently_fail", "consistently_pass", "inconsistent"]),
        # improvement_direction = "decrease"
        ("decrease", -1, ["consistently_pass", "consistently_fail", "inconsistent"]),
        # improvement_direction = "neutral": NA
        ("neutral", 0, [None, None, None]),
    ],
)
def test_assurance_cases(improvement, direction, expected):
    got = _assurance(np.full(3, 4.0), LIMITS["lpl"], LIMITS["upl"], direction)
    assert got.tolist() == expected
    # no target: NA ("it returns a column of NA's if there is no target")
    assert (
        _assurance(np.full(3, np.nan), LIMITS["lpl"], LIMITS["upl"], direction).tolist()
        == [None] * 3
    )


def test_assurance_comes_from_the_last_segment():
    # "it returns correct values for assurance when rebase": the last rebase group's
    # limits decide. Ours end to end: 24 points far below a target of 20, then 24 whose
    # limits straddle it (the case of the package's issue #172).
    low = np.tile([9.0, 11.0], 12)
    high = np.tile([18.0, 22.0], 12)
    data = pd.DataFrame({"period": months(48), "value": np.r_[low, high]})
    rebased = spc(data, target=20, rebase=[months(48)[24]])
    assert rebased.summary()["assurance"].tolist() == ["inconsistent"]
    first_part = spc(data.iloc[:24], target=20)
    assert first_part.summary()["assurance"].tolist() == ["consistently_fail"]


# --- test-ptd_add_short_group_warnings.R ------------------------------------------------


def test_warns_under_twelve_points_naming_the_series():
    # "it warns when a group is shorter than the warning_threshold": 11 points warn;
    # "it does not warn when a group is equal to the warning_threshold": 12 do not
    data = pd.DataFrame({"place": "North", "period": months(11), "value": np.arange(11.0)})
    with pytest.warns(SPCWarning, match=r"place='North'.*11 points"):
        spc(data, by="place")
    twelve = pd.DataFrame({"period": months(12), "value": BASELINE})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spc(twelve)


def test_warns_for_a_short_rebased_segment():
    # "it handles facets and rebase groups - warning on one facet": facets a and b of 40
    # points, rebase_group = rep(c(0, 1, 2, 3), times = c(35, 5, 20, 20)): a has groups of
    # 35 and 5 points (the 5 warn), b two of 20
    values = np.tile([9.0, 11.0], 40)
    data = pd.DataFrame(
        {"f": np.repeat(["a", "b"], 40), "period": np.tile(months(40), 2), "value": values}
    )
    rebase = {"a": [months(40)[35]], "b": [months(40)[20]]}
    with pytest.warns(SPCWarning, match=r"1 series or segment has.*f='a', segment 2: 5 points"):
        frame = spc(data, by="f", rebase=rebase).to_frame()
    counts = frame.groupby(["f", "baseline_segment"]).size()
    assert counts.to_dict() == {("a", 1): 35, ("a", 2): 5, ("b", 1): 20, ("b", 2): 20}
    # "- no warnings": four groups of 20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spc(data, by="f", rebase=[months(40)[20]])


# --- test-ptd_add_rebase_column.R -------------------------------------------------------


def rebase_data() -> pd.DataFrame:
    # data.frame(x = as.Date("2020-01-01") + rep(1:10, 2), f = rep(c("a", "b"), each = 10))
    return pd.DataFrame(
        {
            "x": np.tile(pd.date_range("2020-01-02", periods=10, freq="D"), 2),
            "f": np.repeat(["a", "b"], 10),
            "y": np.tile([1.0, 3.0, 2.0, 5.0, 4.0], 4),
        }
    )


def test_rebase_list_applies_to_every_series():
    # ptd_add_rebase_column(data, "x", NULL, as.Date(c("2020-01-03", "2020-01-08"))):
    # rebase = rep(c(0, 1, 0, 0, 0, 0, 1, 0, 0, 0), 2), so segments 1, 2 x 5, 3 x 4
    frame = quiet_spc(
        rebase_data(), value="y", period="x", by="f", rebase=["2020-01-03", "2020-01-08"]
    ).to_frame()
    expected = [1] + [2] * 5 + [3] * 4
    assert frame["baseline_segment"].tolist() == expected * 2


def test_rebase_mapping_applies_to_named_series():
    # ptd_add_rebase_column(data, "x", "f", list("a" = as.Date("2020-01-03"),
    #   "b" = as.Date("2020-01-08"))): rebase = c(0, 1, 0 x 14, 1, 0, 0, 0)
    rebase = {"a": ["2020-01-03"], "b": [pd.Timestamp("2020-01-08")]}
    frame = quiet_spc(rebase_data(), value="y", period="x", by="f", rebase=rebase).to_frame()
    assert frame["baseline_segment"].tolist() == [1] + [2] * 9 + [1] * 6 + [2] * 4


# --- test-ptd_spc_options.R and test-ptd_validate_spc_options.R -------------------------


def test_duplicate_periods_refused_naming_series_and_period():
    # "date_field can only appear once per facet": "duplicate rows found in 'a'"
    data = pd.DataFrame(
        {
            "place": ["North", "North", "South", "South"],
            "period": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-02-01"]),
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    shuffled = data.iloc[[2, 0, 3, 1]]  # rows named by position, whatever the sort
    with pytest.raises(DataContractError, match=r"place='North' at 2024-01-01") as error:
        spc(shuffled, by="place")
    assert "(in 2 rows (3, 5))" in str(error.value)  # as a spreadsheet numbers them
    assert error.value.failures[["column", "check"]].values.tolist() == [
        ["period", "one_row_per_period"]
    ]
    assert error.value.failures["example_rows"].tolist() == [[3, 5]]
    # the same period in different series is fine
    quiet_spc(data.iloc[1:], by="place")


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        # fix_after_n_points must be a single numeric that is greater than or equal to 12
        (
            {"fix_after": 11},
            ValueError,
            "'fix_after' parameter of spc must be an int in the range \\[12",
        ),
        ({"fix_after": 12.5}, TypeError, "'fix_after' parameter of spc"),
        ({"fix_after": "a"}, TypeError, "'fix_after' parameter of spc"),
        # match.arg(improvement_direction)
        ({"improvement": "up"}, ValueError, "'improvement' parameter of spc must be one of"),
        # screen_outliers must either TRUE or FALSE
        ({"screen_outliers": "yes"}, TypeError, "'screen_outliers' parameter of spc"),
        # target argument must be a single numeric, or ...
        ({"target": True}, TypeError, "'target' parameter of spc"),
        ({"target": float("inf")}, ValueError, "'target' parameter of spc"),
        ({"target": "nope"}, ValueError, "'target' parameter of spc names the column 'nope'"),
        # value_field: 'x' must be a valid column name in the data frame
        ({"value": "nope"}, ValueError, "'value' parameter of spc names the column 'nope'"),
        ({"period": "nope"}, ValueError, "'period' parameter of spc names the column 'nope'"),
        ({"by": "nope"}, ValueError, "'by' parameter of spc names the column 'nope'"),
        ({"by": "value"}, ValueError, "'by' parameter of spc includes the value column"),
        ({"value": "period"}, ValueError, "name the same column"),
        # rebase must be a date vector if facet_field is not set
        ({"rebase": {"a": ["2020-01-03"]}}, ValueError, "'rebase' parameter of spc can only"),
        ({"rebase": ["not a date"]}, ValueError, "'rebase' parameter of spc must hold periods"),
    ],
)
def test_bad_options_answered_clearly(options, error, match):
    with pytest.raises(error, match=match):
        spc(rnorm20(), **options)


def test_bad_data_answered_clearly():
    # date_field must be a Date or POSIXt vector ('a' is a 'character')
    text = rnorm20().assign(period=lambda d: d["period"].dt.strftime("%Y-%m-%d"))
    with pytest.raises(TypeError, match="'period' column 'period' of spc must hold dates"):
        spc(text)
    # value_field must be a numeric vector
    with pytest.raises(TypeError, match="'value' column 'value' of spc must be numeric"):
        spc(rnorm20().assign(value="a"))
    # options provided to rebase are not in the facet_field column
    with pytest.raises(ValueError, match="names series that are not in the data"):
        spc(rebase_data(), value="y", period="x", by="f", rebase={"c": ["2020-01-03"]})
    # ours: infinite values and missing periods are data errors, naming the rows as a
    # spreadsheet numbers them (the fourth row is row 5)
    with pytest.raises(DataContractError, match=r"infinite values in 1 row \(5\)") as error:
        spc(rnorm20().assign(value=lambda d: d["value"].where(d.index != 3, np.inf)))
    assert error.value.failures["example_rows"].tolist() == [[5]]
    with pytest.raises(DataContractError, match=r"missing in 1 row \(4\)"):
        spc(rnorm20().assign(period=lambda d: d["period"].where(d.index != 2)))
    # A target column is checked in time order, its rows still named as the table has them.
    newest_first = rnorm20().iloc[::-1].assign(target=1.0)
    newest_first.loc[3, "target"] = np.inf  # the 17th row of the table given: row 18
    with pytest.raises(DataContractError, match=r"'target' .* infinite values in 1 row \(18\)"):
        spc(newest_first, target="target")
    with pytest.raises(TypeError, match="'data' parameter of spc must be a pandas DataFrame"):
        spc(RNORM20)
    with pytest.raises(ValueError, match="which the output uses for its own results"):
        spc(rnorm20().assign(upl=1.0), by="upl")


# --- our own cases: each rule, against limits fixed on BASELINE -------------------------


def test_fixed_baseline_limits():
    frame = after_baseline([10.0] * 8)
    assert_allclose(frame["mean"], 10.0)
    assert_allclose(frame["upl"], 10 + 2.66 * 2)
    assert_allclose(frame["lpl"], 10 - 2.66 * 2)
    assert_allclose(frame["near_upl"], 10 + 2 * 2.66 * 2 / 3)
    assert_allclose(frame["near_lpl"], 10 - 2 * 2.66 * 2 / 3)
    assert frame["in_baseline"].tolist() == [True] * 12 + [False] * 8
    assert frame["rule"].isna().all()


def rules(frame: pd.DataFrame) -> list:
    return frame["rule"].tolist()


def test_beyond_a_limit():
    frame = after_baseline([10.0, 16.0, 10.0, 4.0])
    assert rules(frame)[12:] == [None, "beyond_limit", None, "beyond_limit"]
    assert frame["point_type"].tolist()[12:] == [
        "common_cause",
        "special_cause_improvement",
        "common_cause",
        "special_cause_concern",
    ]


def test_trend_of_seven_and_a_tie_breaks_it():
    rising = after_baseline([7.0, 8.0, 9.0, 10.5, 11.0, 12.0, 13.0])
    assert rules(rising)[11:] == [None] + ["trend"] * 7
    assert (rising["point_type"].iloc[12:] == "special_cause_improvement").all()
    tied = after_baseline([7.0, 8.0, 9.0, 9.0, 10.5, 11.0, 12.0, 13.0])
    assert "trend" not in rules(tied)
    falling = after_baseline([13.0, 12.0, 11.0, 10.5, 9.0, 8.0, 7.0], improvement="decrease")
    assert rules(falling)[12:] == ["trend"] * 7
    assert (falling["point_type"].iloc[12:] == "special_cause_improvement").all()


def test_a_point_at_the_turn_of_two_trends_takes_the_later():
    # 7 rising points then 6 more falling from the peak: the peak belongs to both
    frame = after_baseline([7.0, 8, 9, 10, 11, 12, 13, 12.5, 12, 11.5, 10.5, 9.5, 8.5])
    assert rules(frame)[12:] == ["trend"] * 13
    types = frame["point_type"].tolist()[12:]
    assert types == ["special_cause_improvement"] * 6 + ["special_cause_concern"] * 7


def test_two_of_three_flags_only_the_near_points():
    frame = after_baseline([10.5, 14.0, 10.5, 14.0, 10.2])
    assert rules(frame)[12:] == [None, "two_of_three", None, "two_of_three", None]
    below = after_baseline([9.5, 6.0, 6.0, 9.5])
    assert rules(below)[12:] == [None, "two_of_three", "two_of_three", None]
    assert (below["point_type"].iloc[13:15] == "special_cause_concern").all()


def test_two_of_three_needs_the_third_point_on_the_same_side():
    frame = after_baseline([10.5, 14.0, 9.0, 14.0, 9.5])
    assert "two_of_three" not in rules(frame)


def test_a_point_beyond_a_limit_does_not_count_towards_two_of_three():
    # NHSRplotthedots issue #153: beyond, near, inside -> only the beyond point
    frame = after_baseline([10.5, 16.0, 14.0, 10.5])
    assert rules(frame)[12:] == [None, "beyond_limit", None, None]


def test_shift_of_seven_and_a_point_on_the_mean_breaks_it():
    frame = after_baseline([10.5, 10.2, 10.8, 10.4, 10.6, 10.3, 10.7])
    # the run starts with the baseline's last point (11, above the mean)
    assert rules(frame)[10:] == [None] + ["shift"] * 8
    broken = after_baseline([10.5, 10.2, 10.8, 10.0, 10.6, 10.3, 10.7, 10.4])
    assert "shift" not in rules(broken)


def test_precedence_of_the_rules():
    # trend over shift: a rising run above the mean is a trend; the point before it
    # (11, above the mean, not part of the trend) is a shift
    frame = after_baseline([10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7])
    assert rules(frame)[11:] == ["shift"] + ["trend"] * 7
    # beyond over trend
    frame = after_baseline([8.0, 9.0, 10.5, 11.0, 12.0, 13.0, 16.0])
    assert rules(frame)[12:] == ["trend"] * 6 + ["beyond_limit"]
    # two of three over shift
    frame = after_baseline([10.5, 10.4, 10.6, 10.3, 14.0, 10.2, 14.0])
    assert rules(frame)[11:] == ["shift"] * 5 + ["two_of_three", "shift", "two_of_three"]


def test_neutral_direction_labels_high_and_low():
    frame = after_baseline([16.0, 10.0, 4.0], improvement="neutral")
    assert frame["point_type"].tolist()[12:] == [
        "special_cause_neutral_high",
        "common_cause",
        "special_cause_neutral_low",
    ]
    summary = quiet_spc(
        pd.DataFrame({"period": months(15), "value": [*BASELINE, 16.0, 10.0, 4.0]}),
        fix_after=12,
        improvement="neutral",
        target=5,
    ).summary()
    assert summary["variation"].tolist() == ["neutral_low"]
    assert summary["assurance"].tolist() == [None]


def test_decrease_turns_improvement_and_concern_around():
    frame = after_baseline([16.0, 4.0], improvement="decrease")
    assert frame["point_type"].tolist()[12:] == [
        "special_cause_concern",
        "special_cause_improvement",
    ]


# --- summary: icons, assurance, runs ----------------------------------------------------


def baseline_series(pattern, **options) -> SPCResult:
    data = pd.DataFrame(
        {"period": months(12 + len(pattern)), "value": [*BASELINE, *map(float, pattern)]}
    )
    return quiet_spc(data, fix_after=12, **options)


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 16.0, "consistently_fail"),
        ("increase", 4.0, "consistently_pass"),
        ("increase", 10.0, "inconsistent"),
        ("decrease", 16.0, "consistently_pass"),
        ("decrease", 4.0, "consistently_fail"),
        ("decrease", 10.0, "inconsistent"),
        ("neutral", 16.0, None),
        ("increase", None, None),
    ],
)
def test_assurance_end_to_end(improvement, target, expected):
    summary = baseline_series([10.0], improvement=improvement, target=target).summary()
    assert summary["assurance"].tolist() == [expected]
    assert summary["improvement"].tolist() == [improvement]
    assert_allclose(summary["target"], np.nan if target is None else target)


@pytest.mark.parametrize(
    ("pattern", "improvement", "variation"),
    [
        ([16.0], "increase", "improvement_high"),
        ([4.0], "increase", "concern_low"),
        ([16.0], "decrease", "concern_high"),
        ([4.0], "decrease", "improvement_low"),
        ([16.0], "neutral", "neutral_high"),
        ([4.0], "neutral", "neutral_low"),
        ([10.5], "increase", "common_cause"),
    ],
)
def test_variation_icon_of_the_last_point(pattern, improvement, variation):
    summary = baseline_series([10.0, *pattern], improvement=improvement).summary()
    assert summary["variation"].tolist() == [variation]


def test_run_start_and_length():
    # shift from the baseline's last point (index 11) with two of three inside it: one
    # run of special cause improvement of 8 points, whatever the rule
    result = baseline_series([10.5, 10.4, 10.6, 10.3, 14.0, 10.2, 14.0])
    summary = result.summary()
    assert summary["run_start"].tolist() == [months(19)[11]]
    assert summary["run_length"].tolist() == [8]
    assert summary["last_period"].tolist() == [months(19)[18]]
    assert summary["first_period"].tolist() == [months(19)[0]]
    assert summary["points"].tolist() == [19]
    assert summary["last_value"].tolist() == [14.0]
    # a concern after an improvement starts a new run
    summary = baseline_series([16.0, 16.0, 4.0]).summary()
    assert summary["run_start"].tolist() == [months(15)[14]]
    assert summary["run_length"].tolist() == [1]
    # common cause last: no run
    summary = baseline_series([16.0, 10.5]).summary()
    assert pd.isna(summary["run_start"].iloc[0])
    assert summary["run_length"].tolist() == [0]


# --- baselines and rebasing -------------------------------------------------------------


def test_rebased_segments_have_their_own_limits():
    rng = np.random.default_rng(3)
    values = np.r_[rng.normal(10, 1, 15), rng.normal(20, 2, 15)]
    data = pd.DataFrame({"period": months(30), "value": values})
    frame = spc(data, rebase=[months(30)[15]]).to_frame()
    assert frame["baseline_segment"].tolist() == [1] * 15 + [2] * 15
    first = spc(data.iloc[:15]).to_frame()
    second = spc(data.iloc[15:]).to_frame()
    for column in ["mean", "lpl", "upl", "near_lpl", "near_upl"]:
        assert_allclose(frame[column], np.r_[first[column], second[column]], rtol=1e-12)
    assert rules(frame) == rules(first) + rules(second)


def test_rebase_at_a_missing_period_starts_at_the_next_point():
    data = pd.DataFrame({"period": months(30), "value": np.tile([9.0, 11.0], 15)})
    data = data.drop(index=15)
    frame = spc(data, rebase=[months(30)[15]]).to_frame()
    assert frame["baseline_segment"].tolist() == [1] * 15 + [2] * 14


def test_rules_do_not_span_a_rebase():
    # segment 1 ends with three points above its mean, segment 2 starts with five above
    # its own: eight in a row, but no shift, as in NHSRplotthedots (rules per segment)
    first = [9.0, 11.0] * 5 + [10.5, 10.6]
    second = [20.5, 20.6, 20.4, 20.7, 20.3] + [19.0, 21.0] * 4 + [19.0]
    data = pd.DataFrame({"period": months(26), "value": first + second})
    rebased = spc(data, rebase=[months(26)[12]]).to_frame()
    sides = np.sign(rebased["value"] - rebased["mean"]).to_numpy()
    assert (sides[9:17] > 0).all()
    assert "shift" not in rules(rebased)


def test_trend_and_two_of_three_do_not_span_a_rebase():
    # five rising points end segment 1 and three more start segment 2: eight in a row
    first = [*BASELINE, 11.5, 12.0, 12.5]
    second = [13.0, 14.0, 15.0, 10.0, 12.0, 8.0, 10.0]
    data = pd.DataFrame({"period": months(22), "value": first + second})
    assert "trend" in rules(quiet_spc(data, fix_after=12).to_frame())
    rebased = quiet_spc(data, fix_after=12, rebase=[months(22)[15]]).to_frame()
    assert "trend" not in rules(rebased)
    # segment 2 starts with six rising points, the step into it from segment 1 a rise too
    first = [*BASELINE, 10.0]
    second = [12.0, 12.5, 13.0, 13.5, 14.0, 14.5, 9.0, 11.0, 10.0, 12.0, 8.0, 10.0]
    data = pd.DataFrame({"period": months(25), "value": first + second})
    rebased = quiet_spc(data, fix_after=12, rebase=[months(25)[13]]).to_frame()
    assert "trend" not in rules(rebased)
    # segment 1 ends beyond its upper near line; segment 2 starts above its mean and then
    # beyond its own upper near line: two of three only if windows crossed the rebase
    first = [*BASELINE, 14.0]
    second = [21.0, 25.5, *([19.0, 21.0] * 5)]
    data = pd.DataFrame({"period": months(25), "value": first + second})
    rebased = spc(data, fix_after=12, rebase=[months(25)[13]]).to_frame()
    near = rebased["value"] > rebased["near_upl"]
    assert near.tolist()[12:15] == [True, False, True]
    assert (rebased["value"].iloc[12:15] > rebased["mean"].iloc[12:15]).all()
    assert "two_of_three" not in rules(rebased)


def test_rules_do_not_span_series():
    # series A ends with four rises, series B starts with four: no trend in either
    a = [9.0, 11.0] * 5 + [11.5, 12.0, 12.5]
    b = [13.0, 14.0, 15.0, 16.0] + [14.0, 12.0] * 4
    data = pd.DataFrame(
        {
            "unit": ["A"] * len(a) + ["B"] * len(b),
            "period": np.r_[months(len(a)), months(len(a) + len(b))[len(a) :]],
            "value": a + b,
        }
    )
    assert "trend" in rules(quiet_spc(data).to_frame())
    assert "trend" not in rules(quiet_spc(data, by="unit").to_frame())


def test_fix_after_applies_within_each_segment():
    values = np.r_[np.tile([9.0, 11.0], 10), np.tile([19.0, 23.0], 10)]
    data = pd.DataFrame({"period": months(40), "value": values})
    frame = spc(data, fix_after=12, rebase=[months(40)[20]]).to_frame()
    assert frame["in_baseline"].tolist() == ([True] * 12 + [False] * 8) * 2
    assert_allclose(frame["mean"], np.repeat([10.0, 21.0], 20))


# --- the contract -----------------------------------------------------------------------


def grouped_data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    parts = []
    for place, n, level in [("North", 30, 50.0), ("South", 24, 70.0), ("West", 18, 60.0)]:
        for sex in ["F", "M"]:
            parts.append(
                pd.DataFrame(
                    {
                        "place": place,
                        "sex": sex,
                        "period": months(n),
                        "value": rng.normal(level, 5, n) + np.linspace(0, 8, n),
                        "goal": level + 3,
                    }
                )
            )
    # shuffled: spc sorts by series and period itself
    return pd.concat(parts, ignore_index=True).sample(frac=1, random_state=1)


def test_grouped_call_equals_per_series_calls():
    data = grouped_data()
    options = {"target": "goal", "rebase": [months(30)[12]], "improvement": "decrease"}
    result = quiet_spc(data, by=["place", "sex"], **options)
    frame, summary = result.to_frame(), result.summary()
    assert summary[["place", "sex"]].values.tolist() == [
        [p, s] for p in ["North", "South", "West"] for s in ["F", "M"]
    ]
    for (place, sex), part in data.groupby(["place", "sex"]):
        alone = quiet_spc(part.drop(columns=["place", "sex"]), **options)
        mine = frame[(frame["place"] == place) & (frame["sex"] == sex)]
        pd.testing.assert_frame_equal(
            mine.drop(columns=["place", "sex"]).reset_index(drop=True), alone.to_frame()
        )
        row = summary[(summary["place"] == place) & (summary["sex"] == sex)]
        pd.testing.assert_frame_equal(
            row.drop(columns=["place", "sex"]).reset_index(drop=True), alone.summary()
        )


def test_output_columns_and_types():
    data = grouped_data()
    result = spc(data, by=["place", "sex"], target=55.0)
    frame = result.to_frame()
    assert list(frame.columns) == ["place", "sex", "period", "value", *POINT_COLUMNS]
    assert frame["baseline_segment"].dtype == np.int64
    assert frame["in_baseline"].dtype == bool
    for column in ["mean", "lpl", "upl", "near_lpl", "near_upl", "target"]:
        assert frame[column].dtype == np.float64
    assert frame["rule"].dtype == object
    assert set(frame["point_type"]) <= {
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
    }
    assert frame["period"].dtype == data["period"].dtype
    assert len(frame) == len(data)
    summary = result.summary()
    assert list(summary.columns) == ["place", "sex", *SUMMARY_COLUMNS]
    assert summary["run_length"].dtype == np.int64
    assert summary["points"].tolist() == [30, 30, 24, 24, 18, 18]
    assert result.by == ("place", "sex")
    assert (result.value, result.period) == ("value", "period")
    assert (result.improvement, result.screen_outliers, result.fix_after) == (
        "increase",
        True,
        None,
    )


def test_other_column_names_are_kept():
    data = rnorm20().rename(columns={"period": "month", "value": "rate"})
    result = spc(data, value="rate", period="month")
    assert list(result.to_frame().columns[:2]) == ["month", "rate"]
    assert_allclose(result.summary()["upl"], 3.294627, rtol=RTOL)


def test_input_unchanged_and_results_are_new_frames():
    data = grouped_data()
    before = data.copy()
    result = quiet_spc(data, by=["place", "sex"], target="goal", rebase=[months(30)[12]])
    pd.testing.assert_frame_equal(data, before)
    frame = result.to_frame()
    frame["mean"] = 0.0
    assert (result.to_frame()["mean"] != 0.0).all()
    summary = result.summary()
    summary["variation"] = "x"
    assert "x" not in set(result.summary()["variation"])


def test_target_column_must_be_constant_within_a_series():
    data = grouped_data()
    per_series = spc(data, by=["place", "sex"], target="goal").summary()
    assert_allclose(per_series["target"], [53, 53, 73, 73, 63, 63])
    data.loc[data.index[0], "goal"] = 99.0
    with pytest.raises(DataContractError, match="changes within 1 series"):
        spc(data, by=["place", "sex"], target="goal")
    # a series without a target (missing on all its rows) gets no assurance
    data = grouped_data()
    data.loc[data["place"] == "West", "goal"] = np.nan
    summary = spc(data, by=["place", "sex"], target="goal").summary()
    assert summary["assurance"].isna().tolist() == [False] * 4 + [True] * 2


def test_missing_values_are_left_out_with_a_warning():
    data = rnorm20()
    data.loc[5, "value"] = np.nan
    with pytest.warns(SPCWarning, match="1 row has a missing 'value'"):
        result = spc(data)
    assert len(result.to_frame()) == 19
    pd.testing.assert_frame_equal(result.to_frame(), spc(data.drop(index=5)).to_frame())


def test_degenerate_series():
    # no variation at all: the limits sit on the mean (nothing is screened), no signals
    frame = series([5.0] * 14)
    assert_allclose(frame[["mean", "lpl", "upl", "near_lpl", "near_upl"]], 5.0)
    assert (frame["point_type"] == "common_cause").all()
    # a single point: no moving range, no limits, no assurance (and a warning)
    one = pd.DataFrame({"period": months(1), "value": [3.0]})
    with pytest.warns(SPCWarning, match="1 points"):
        result = spc(one, target=2.0)
    assert result.to_frame()[["lpl", "upl"]].isna().all().all()
    assert result.summary()["assurance"].tolist() == [None]
    assert result.summary()["variation"].tolist() == ["common_cause"]


def test_periods_as_pandas_periods_or_integers():
    dates = spc(rnorm20()).to_frame()
    as_periods = rnorm20().assign(period=lambda d: d["period"].dt.to_period("D"))
    as_integers = rnorm20().assign(period=np.arange(20) + 2001)
    for data, rebase in [(as_periods, ["2020-01-12"]), (as_integers, [2011])]:
        shuffled = data.sample(frac=1, random_state=0)
        assert_allclose(spc(shuffled).to_frame()["upl"], dates["upl"], rtol=1e-12)
        frame = quiet_spc(data, rebase=rebase, screen_outliers=False).to_frame()
        assert frame["baseline_segment"].tolist() == [1] * 10 + [2] * 10


def test_repr_is_short():
    result = quiet_spc(grouped_data(), by=["place", "sex"])
    text = repr(result)
    assert text.startswith("SPCResult(series=6, points=144")
    assert len(text) < 200
    assert "<table" in result._repr_html_()
