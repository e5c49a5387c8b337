"""Funnel plots against PHEindicatormethods' own test suite (v2.1.0, ``testFunnels.R``).

Test data: ``tests/indicators/phe/testdata_funnel_*.csv``, copied unchanged from
PHEindicatormethods (see ``phe/README.md``). Only the data are ported; the methods are
implemented from the published formulas. One test per case family of ``testFunnels.R``;
the R call is quoted in each. Tolerances: closed forms to 1e-6 relative (the package's
``expect_equal`` default, about 1.5e-8, is tighter than the 6 to 10 significant figures
in which the data are stored), proportion limits to half a unit in the 6th decimal place
(they are stored rounded to 6 places), significance labels exactly.

Cases passing per family (all of them):

=========================================================================  =====
family (values checked)                                                    cases
=========================================================================  =====
limits, proportions (100 denominators × 4 limits + baseline)                 500
limits, proportions with axis variation (100 × 5)                            500
limits, ratios (count) (100 observed counts × 4 × (limit, expected count))   800
limits, ratios (isr) (100 × 4 × (limit, expected count))                     800
limits, rates (dsr) (100 event counts × 4 × (limit, population))             800
limits, rates (crude), fewer than 10 events (100 × 4 × 2)                    800
limits, rates (crude), 0 events, denominator supplied (100 × 4 × 2)          800
significance, proportions (rows)                                             303
significance, ratios (rows)                                                  300
significance, rates: 8 variants (4 × 40 rows with 0, 4 × 39 without)         316
funnel points: dsr < 10 events, crude, crude + denominator (3 × 50 rows)     150
=========================================================================  =====

Every family passes all its cases. Tolerance notes: the package finds its expected counts
by root-finding to about 1e-7 absolute, so at an expected count below 0.1 (only the
O = 1 point of the upper limits) the relative tolerance is 1e-7 / E; and count limits
(ratio - 1, near 0) are compared on the ratio scale.

Not ported: the package's choice of axis grid (which observed counts or denominators its
tables list); the grids are taken from the test data and passed as ``at``. The
error-message tests are replaced by the toolkit's own validation (one test below).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from toolkit.indicators.funnels import (
    NOTE_DSR_FEW_EVENTS,
    assign_funnel_significance,
    funnel_limits,
    funnel_points,
)

PHE = Path(__file__).resolve().parent / "phe"
RTOL = 1e-6
#: Proportion limits are stored rounded to 6 decimal places.
ATOL_6DP = 5.1e-7
LEVELS = {"95": 0.95, "99_8": 0.998}
PACKAGE_NOT_APPLICABLE = "Not applicable for events less than 10 for dsrs"


def read(name: str) -> pd.DataFrame:
    """Read one of the package's test data files (some start with a byte-order mark)."""
    return pd.read_csv(PHE / f"testdata_funnel_{name}.csv", encoding="utf-8-sig")


def bound_expected(observed: pd.Series, side: str, level: float) -> np.ndarray:
    """The expected count at which ``observed`` sits on the exact one-sided bound.

    Closed form: the exact Poisson upper limit of O (lower funnel limit) or lower limit of
    O (upper funnel limit). The package's tables list these points; its own root-finding
    puts them within about 4e-7 (relative) of the closed form, which the funnel's slope
    near O = 1 turns into 1.6e-6 in the limit, so the curves are compared at the closed
    form's expected counts.
    """
    tail = (1 - level) / 2
    if side == "lower":
        return stats.chi2.ppf(1 - tail, 2 * observed + 2) / 2
    return stats.chi2.ppf(tail, 2 * observed) / 2


def assert_close_to_package(ours: np.ndarray, theirs: pd.Series, expected: np.ndarray) -> None:
    """Relative agreement to 1e-6, loosened where the expected count is tiny.

    The package finds its expected counts by root-finding to about 1e-7 absolute, so at
    E below 0.1 (only the first, O = 1 point of an upper limit) the relative tolerance is
    1e-7 / E.
    """
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    tolerance = np.maximum(RTOL, 1e-7 / np.asarray(expected, dtype=float))
    bad = np.abs(ours - theirs) > tolerance * np.abs(theirs)
    assert not bad.any(), f"{ours[bad]} != {theirs[bad]}"


def package_label(result: pd.DataFrame) -> np.ndarray:
    """The package's significance label from the toolkit's verdicts at 95% and 99.8%."""
    labels = []
    notes = result["funnel_note"] if "funnel_note" in result else pd.Series("", result.index)
    for outer, inner, note in zip(result["funnel_99_8"], result["funnel_95"], notes, strict=True):
        if note:
            labels.append(PACKAGE_NOT_APPLICABLE)
        elif outer == "above":
            labels.append("High (0.001)")
        elif outer == "below":
            labels.append("Low (0.001)")
        elif inner == "above":
            labels.append("High (0.025)")
        elif inner == "below":
            labels.append("Low (0.025)")
        else:
            labels.append("Not significant")
    return np.array(labels)


def rate_funnel_input(events_max_to: int | None = None) -> pd.DataFrame:
    """``test_funnel_rate_funnels_input``, optionally with its largest count replaced."""
    data = read("rate_input_funnels")
    if events_max_to is not None:
        data.loc[data["ev"] == data["ev"].max(), "ev"] = events_max_to
    return data


def check_proportion_limits(inputs: pd.DataFrame, outputs: pd.DataFrame) -> None:
    """Proportion funnel limits at the package's denominators."""
    result = funnel_limits(
        inputs, events="numerator", population="denominator", multiplier=100,
        at=outputs["Population"],
    )  # fmt: skip
    pairs = [
        ("lower_95", "Lower2s0025limit"),
        ("upper_95", "Upper2s0025limit"),
        ("lower_99_8", "Lower3s0001limit"),
        ("upper_99_8", "Upper3s0001limit"),
        ("baseline", "Baseline"),
    ]
    for ours, theirs in pairs:
        assert_allclose(result[ours], outputs[theirs], rtol=0, atol=ATOL_6DP, err_msg=ours)


def test_limits_proportions():
    # calculate_funnel_limits(numerator, denominator, statistic = "proportion",
    #                         multiplier = 100, type = "standard")
    check_proportion_limits(read("prop_inputs"), read("prop_outputs"))


def test_limits_proportions_axis_variation():
    # filter(denominator < 31000) %>%
    # calculate_funnel_limits(numerator, denominator, statistic = "proportion",
    #                         multiplier = 100)
    inputs = read("prop_inputs")
    inputs = inputs[inputs["denominator"] < 31000]
    check_proportion_limits(inputs, read("prop_outputs_with_axis_variation"))


def check_ratio_limits(statistic: str, multiplier: float, suffix: str) -> None:
    """Ratio funnel limits at the expected counts where the package's observed counts sit."""
    inputs, outputs = read("ratio_inputs"), read("ratio_outputs")
    outputs = outputs.rename(columns={outputs.columns[0]: "observed"})
    for side, sd, level in [
        ("lower", "2s", "95"),
        ("upper", "2s", "95"),
        ("lower", "3s", "99_8"),
        ("upper", "3s", "99_8"),
    ]:
        expected = bound_expected(outputs["observed"], side, LEVELS[level])
        assert_close_to_package(expected, outputs[f"{side}_{sd}_exp_events"], expected)
        result = funnel_limits(
            inputs, events="obs", population="expected", statistic=statistic,
            multiplier=multiplier, at=expected,
        )  # fmt: skip
        # Counts are compared as ratios (count + 1): near 0 a relative tolerance on the
        # count itself would ask more than the package's own root-finding gives (~2e-7).
        shift = 1.0 if statistic == "count" else 0.0
        assert_close_to_package(
            result[f"{side}_{level}"] + shift, outputs[f"{side}_{sd}_{suffix}"] + shift, expected
        )
        # The package's curve point: the observed count on the bound, over E.
        assert_allclose(
            result[f"{side}_{level}"] / multiplier + (statistic == "count"),
            outputs["observed"] / expected, rtol=RTOL,
        )  # fmt: skip


def test_limits_ratios_count():
    # calculate_funnel_limits(obs, expected, type = "full", statistic = "ratio",
    #                         multiplier = 100, ratio_type = "count")
    # The package leaves count limits unscaled (observed / expected - 1), so multiplier 1.
    check_ratio_limits("count", 1.0, "count")


def test_limits_ratios_isr():
    # calculate_funnel_limits(obs, expected, type = "standard", statistic = "ratio",
    #                         multiplier = 100, ratio_type = "isr")
    check_ratio_limits("ratio", 100.0, "isr")


def check_rate_limits(
    points: pd.DataFrame, outputs: pd.DataFrame, years: float, rate_type: str
) -> None:
    """Rate funnel limits at the package's annual populations (times the years)."""
    data = points.assign(person_years=points["funnel_population"] * years)
    data = data[data["funnel_population"].notna()]
    for side, sd, level in [
        ("lower", "2s", "95"),
        ("upper", "2s", "95"),
        ("lower", "3s", "99_8"),
        ("upper", "3s", "99_8"),
    ]:
        options = {"events": "ev", "population": "person_years", "statistic": "rate",
                   "multiplier": 1e5, "rate_type": rate_type}  # fmt: skip
        baseline = funnel_limits(data, at=[1.0], **options)["baseline"].iloc[0]
        assert_allclose(baseline, outputs["baseline"], rtol=RTOL)
        # Person-years at which the package's event counts sit on the bound.
        person_years = bound_expected(outputs["Events"], side, LEVELS[level]) / baseline * 1e5
        expected = person_years * baseline / 1e5
        assert_close_to_package(
            person_years / years, outputs[f"{side}_{sd}_population_1_year"], expected
        )
        result = funnel_limits(data, at=person_years, **options)
        assert_close_to_package(result[f"{side}_{level}"], outputs[f"{side}_{sd}_limit"], expected)


def test_limits_rates_dsr():
    # calculate_funnel_limits(numerator = ev, rate = rate, multiplier = 1e5,
    #                         statistic = "rate", rate_type = "dsr", years_of_data = 3)
    points = funnel_points(
        rate_funnel_input(), events="ev", value="rate", rate_type="dsr", years=3,
        multiplier=1e5,
    )  # fmt: skip
    check_rate_limits(points, read("rate_outputs"), 3, "dsr")


def test_limits_rates_crude_fewer_than_10_events():
    # mutate(ev = case_when(ev == max(ev) ~ 5L, TRUE ~ ev)) %>%
    # calculate_funnel_limits(numerator = ev, rate = rate, multiplier = 1e5,
    #                         statistic = "rate", rate_type = "crude", years_of_data = 3)
    points = funnel_points(
        rate_funnel_input(5), events="ev", value="rate", rate_type="crude", years=3,
        multiplier=1e5,
    )  # fmt: skip
    check_rate_limits(points, read("rate_outputs_2"), 3, "crude")


def test_limits_rates_crude_zero_events_with_denominator():
    # select(ev, rate) %>% mutate(pop = 1e5 * ev / rate, rate = <0 at max(ev)>,
    #                             ev = <0 at max(ev)>) %>%
    # filter(pop > max(pop) / 2) %>%
    # calculate_funnel_limits(numerator = ev, rate = rate, denominator = pop,
    #                         multiplier = 1e5, statistic = "rate", rate_type = "crude",
    #                         years_of_data = 3)
    data = rate_funnel_input()[["ev", "rate"]]
    data = data.assign(pop=1e5 * data["ev"] / data["rate"])
    top = data["ev"] == data["ev"].max()
    data.loc[top, ["ev", "rate"]] = 0
    data = data[data["pop"] > data["pop"].max() / 2]
    points = funnel_points(
        data, events="ev", value="rate", population="pop", rate_type="crude", years=3,
        multiplier=1e5,
    )  # fmt: skip
    check_rate_limits(points, read("rate_outputs_3"), 3, "crude")


def test_significance_proportions():
    # assign_funnel_significance(test_funnel_inputs[1:3], numerator, denominator,
    #                            statistic = "proportion")
    inputs = read("prop_inputs")
    result = assign_funnel_significance(
        inputs, events="numerator", population="denominator", statistic="proportion"
    )
    assert list(package_label(result)) == list(inputs["significance"])


def test_significance_ratios():
    # assign_funnel_significance(test_funnel_ratio_inputs[1:2], obs, expected,
    #                            statistic = "ratio")
    inputs = read("ratio_inputs")
    result = assign_funnel_significance(
        inputs, events="obs", population="expected", statistic="ratio"
    )
    assert list(package_label(result)) == list(inputs["significance"])


@pytest.mark.parametrize(
    ("rate", "rate_type", "multiplier", "column", "with_zero"),
    [
        # assign_funnel_significance(numerator = count, denominator = pop, rate = rate_dsr,
        #     statistic = "rate", rate_type = "dsr", multiplier = 1e5)
        ("rate_dsr", "dsr", 1e5, "dsr_per_100000_with_0", True),
        # (rate_crude_per_100, rate_type = "crude", multiplier = 100)
        ("rate_crude_per_100", "crude", 100, "crude_per_100_with_0", True),
        # filter(count != 0) %>% (rate_dsr, rate_type = "dsr", multiplier = 1e5)
        ("rate_dsr", "dsr", 1e5, "dsr_per_100000_without_0", False),
        # filter(count != 0) %>% (rate_dsr, rate_type = "dsr", multiplier = 100)
        ("rate_dsr", "dsr", 100, "dsr_per_100_without_0", False),
        # (rate_crude_per_100000, rate_type = "crude", multiplier = 1e5)
        ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_with_0", True),
        # (rate_crude_per_100, rate_type = "crude", multiplier = 100), a second time in R
        ("rate_crude_per_100", "crude", 100, "crude_per_100_with_0", True),
        # filter(count != 0) %>% (rate_crude_per_100000, "crude", multiplier = 1e5)
        ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_without_0", False),
        # filter(count != 0) %>% (rate_crude_per_100, "crude", multiplier = 100)
        ("rate_crude_per_100", "crude", 100, "crude_per_100_without_0", False),
    ],
)
def test_significance_rates(rate, rate_type, multiplier, column, with_zero):
    inputs = read("rate_dsr_inputs")
    if not with_zero:
        inputs = inputs[inputs["count"] != 0]
    # The rate's own population: events × multiplier / rate (pop where there are none).
    points = funnel_points(
        inputs, events="count", value=rate, population="pop", multiplier=multiplier
    ).drop(columns="funnel_note")
    result = assign_funnel_significance(
        points, events="count", population="funnel_population", statistic="rate",
        rate_type=rate_type, multiplier=multiplier,
    )  # fmt: skip
    assert list(package_label(result)) == list(inputs[column])
    if rate_type == "dsr":
        few = inputs["count"] < 10
        assert result.loc[few, "funnel_95"].isna().all()
        assert (result.loc[few, "funnel_note"] == NOTE_DSR_FEW_EVENTS).all()


@pytest.mark.parametrize(
    ("events_max_to", "rate_type", "years", "denominator", "chart", "derived"),
    [
        # mutate(ev = <5 at max(ev)>) %>% calculate_funnel_points(numerator = ev,
        #     rate = rate, rate_type = "dsr", years_of_data = 3, multiplier = 1e5)
        (5, "dsr", 3, None, "rate_chart", "denominator_derived"),
        # calculate_funnel_points(numerator = ev, rate = rate, rate_type = "crude",
        #     years_of_data = 3, multiplier = 1e5)
        (None, "crude", 3, None, "rate_chart_crude", "denominator_derived_crude"),
        # mutate(ev = <0 at max(ev)>) %>% calculate_funnel_points(numerator = ev,
        #     rate = rate, denominator = pop, rate_type = "crude", years_of_data = 5,
        #     multiplier = 1e5)
        (
            0, "crude", 5, "pop", "rate_chart_crude_with_denom",
            "denominator_derived_crude_with_denom",
        ),
    ],
)  # fmt: skip
def test_funnel_points(events_max_to, rate_type, years, denominator, chart, derived):
    data = rate_funnel_input(events_max_to)
    result = funnel_points(
        data, events="ev", value="rate", population=denominator, rate_type=rate_type,
        years=years, multiplier=1e5,
    )  # fmt: skip
    assert_allclose(result["funnel_rate"], data[chart], rtol=RTOL)
    assert_allclose(result["funnel_population"], data[derived], rtol=RTOL)
    few = (result["ev"] < 10) & (rate_type == "dsr")
    assert (result.loc[few, "funnel_note"] == NOTE_DSR_FEW_EVENTS).all()
    assert (result.loc[~few, "funnel_note"] == "").all()


def test_points_need_a_denominator_where_there_are_no_events():
    # testFunnels.R: "for rates, where there are 0 events for a record, the denominator
    # field needs to be provided using the denominator argument"
    data = pd.DataFrame({"num": [100, 100, 0], "rate": [50.0, 25.0, 0.0]})
    with pytest.raises(ValueError, match="no events"):
        funnel_points(data, events="num", value="rate", multiplier=100)


def test_old_method_is_one_event_higher_and_changes_a_verdict():
    # The example: O = 72 against E = 90.53 at 95%.
    data = pd.DataFrame({"observed": [72.0], "expected": [90.53]})
    new = assign_funnel_significance(
        data, events="observed", population="expected", statistic="ratio", confidence=0.95
    )
    old = assign_funnel_significance(
        data, events="observed", population="expected", statistic="ratio",
        confidence=0.95, method="poisson_quantile",
    )  # fmt: skip
    assert new["funnel_95"].iloc[0] == "within"
    assert old["funnel_95"].iloc[0] == "below"
    # The old curves sit about one event higher on both sides.
    grid = [5.0, 50.0, 500.0]
    exact = funnel_limits(data, events="observed", population="expected",
                          statistic="ratio", at=grid)  # fmt: skip
    wide = funnel_limits(data, events="observed", population="expected",
                         statistic="ratio", at=grid, method="poisson_quantile")  # fmt: skip
    for side in ("lower_95", "upper_95"):
        shift = (wide[side] - exact[side]) * wide["population"]
        assert ((shift > 0.9) & (shift < 1.5)).all()
