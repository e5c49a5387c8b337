"""Life expectancy against PHEindicatormethods' own tests (issue 15).

Source of the figures: PHEindicatormethods 2.1.0 (UKHSA, GPL-3),
https://github.com/ukhsa-collaboration/PHEindicatormethods, ``tests/testthat/
testLifeExpectancy.R`` (commit 093fd288d8f8949dbcfbed70049dbbf385b6141d). Only its test
DATA are ported (the inline data frames and expected answers below); none of its code.
The toolkit implements the published method (Chiang II, Silcocks' variance for 90+).

One test per ``test_that`` block of that file, parametrised over its expectations, each
with the R call it ports in a comment. Tolerances are the package's: values rounded to
4 decimal places (``n <- 4``) must agree, and where the R file gives its answers to more
figures they must agree to 1e-6 relative; closed forms (cumulative counts, one confidence
level against another) to 1e-6 relative. Where the toolkit departs from the package by
design the case checks the toolkit's documented behaviour instead and says so.

The package's ``LE_testdata.csv`` (tests/indicators/phe/) is not read by its life
expectancy tests (it has no deaths by age band); it is checked here only as a fixture.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.indicators import life_expectancy
from toolkit.indicators.life_expectancy import LifeExpectancyWarning

PHE_DIR = Path(__file__).resolve().parent / "phe"
DPS = 4  # n <- 4: decimal places the package tests to

# --- test data from testLifeExpectancy.R -----------------------------------------------------
START = [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416,
        46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936]  # fmt: skip
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605,
          1936, 1937]  # fmt: skip
# df1_cum: population and deaths aged x and over
POPS_USED = [787954, 780894, 745835, 698861, 650372, 607153, 568592, 522583, 465375,
             403940, 348339, 298130, 241714, 195303, 155483, 117505, 80466, 47178, 23872,
             11936]  # fmt: skip
DTHS_USED = [9357, 9340, 9331, 9327, 9319, 9299, 9284, 9260, 9227, 9177, 9106, 9006, 8843,
             8580, 8276, 7740, 6868, 5478, 3873, 1937]  # fmt: skip
# answer1
VALUE = [80.16960813, 79.36245674, 75.44193645, 70.47299936, 65.52909542, 60.67510088,
         55.78835987, 50.92752727, 46.06740425, 41.24505636, 36.49322717, 31.83343842,
         27.26027992, 22.9719144, 18.76856852, 14.95858336, 11.51684445, 8.618849241,
         6.163942934, 6.16210635]  # fmt: skip
LOWER = [79.88268548, 79.0898816, 75.17407307, 70.20675732, 65.26548673, 60.41876577,
         55.53801579, 50.68279939, 45.82666794, 41.00842831, 36.26223216, 31.60996318,
         27.04337271, 22.76653134, 18.57570352, 14.77985004, 11.34831778, 8.451134045,
         5.978358351, 5.887683386]  # fmt: skip
UPPER = [80.45653078, 79.63503188, 75.70979983, 70.7392414, 65.79270412, 60.931436,
         56.03870395, 51.17225516, 46.30814055, 41.48168441, 36.72422219, 32.05691365,
         27.47718713, 23.17729746, 18.96143352, 15.13731667, 11.68537112, 8.786564437,
         6.349527517, 6.436529314]  # fmt: skip
# answer_widecis: the calculated group (Area 2); Area 1 is all NA
WIDE_VALUE = [19.22914685, 19.44120610, 18.33467808, 14.67659995, 11.81284556, 11.63815414,
              10.05641628, 9.93152356, 11.95846561] + [np.nan] * 11  # fmt: skip
WIDE_LOWER = [16.43900644, 16.53437505, 15.62922550, 12.08108630, 9.21823373, 8.68414661,
              6.54020385, 4.71570153, 2.37762283, -1.60695210, -10.33328815, -17.16409724,
              -26.91715103, -45.04820928, -76.27067271, -137.12203187, -195.39453664,
              -242.37480291, -266.74198466, -298.54880400]  # fmt: skip
WIDE_UPPER = [22.01928726, 22.34803716, 21.04013066, 17.27211361, 14.40745738, 14.59216167,
              13.57262872, 15.14734559, 21.53930839, 50.29765396, 97.99598549, 107.54413263,
              128.91238524, 181.91668353, 278.06441642, 472.32822039, 649.40455756,
              783.50845564, 841.04259816, 920.54880400]  # fmt: skip
# df3: band labels with spaces and en dashes, rows out of order (70-74 last)
DF3_LABELS = ["0", "1-4", "5-9", "10 – 14", "15 – 19", "20 – 24", "25 – 29", "30 – 34",
              "35 – 39", "40 – 44", "45 – 49", "50 – 54", "55 – 59", "60 – 64", "65 – 69",
              "75 – 79", "80 – 84", "85 – 89", "90 +", "70 – 74"]  # fmt: skip
DF3_ORDER = [*range(15), 16, 17, 18, 19, 15]


def frame(pops=POPS, deaths=DEATHS, start=START, **extra):
    return pd.DataFrame({"startage": start, "pops": pops, "deaths": deaths, **extra})


def df1():
    return frame()


def df2():
    # df2: 65 moved to the end
    order = [*range(14), 15, 16, 17, 18, 19, 14]
    return frame([POPS[i] for i in order], [DEATHS[i] for i in order], [START[i] for i in order])


def df3():
    return frame([POPS[i] for i in DF3_ORDER], [DEATHS[i] for i in DF3_ORDER], start=DF3_LABELS)


def replaced(values, index, new):
    out = list(values)
    out[index] = new
    return out


def df_neg_deaths():
    return frame(deaths=replaced(DEATHS, 3, -5))


def df_zero_pop():
    return frame(pops=replaced(POPS, 5, 0))


def df_deaths_greater_pops():
    return frame(pops=replaced(POPS, 18, 119))


def df_missing_age():
    return frame(POPS[:-1], DEATHS[:-1], START[:-1])


def df_low_pops():
    pops = [128, 152, 120, 176, 194, 180, 145, 149, 107, 185, 165, 109, 100, 122, 133, 189,
            123, 121, 147, 138]  # fmt: skip
    deaths = [58, 93, 78, 94, 59, 71, 80, 73, 69, 72, 91, 69, 78, 71, 54, 91, 82, 53, 50, 84]
    return frame(pops, deaths)


def df_widecis_plus():
    pops = [270, 235, 246, 248, 243, 238, 246, 257, 261, 355, 350, 356, 346, 339, 337, 337,
            333, 323, 311, 311]  # fmt: skip
    deaths = [17, 9, 4, 8, 20, 15, 24, 33, 50, 51, 10, 16, 26, 30, 36, 22, 13, 5, 6, 1]
    area_1 = frame(pops, replaced(deaths, 19, 312), area="Area 1")
    return pd.concat([area_1, frame(pops, deaths, area="Area 2")], ignore_index=True)


def df_grouped_with_warnings():
    good_pops = replaced(POPS, 5, 43219)
    parts = [
        frame(good_pops, DEATHS, area="Good data"),
        frame(good_pops, replaced(DEATHS, 2, -2), area="Negative deaths"),
        frame(replaced(good_pops, 3, -10), DEATHS, area="Negative pops"),
        frame(good_pops, replaced(DEATHS, 5, 50000), area="Deaths more than pops"),
        frame([100] * 20, DEATHS[:10] + [80] * 10, area="Low pops"),
        frame(good_pops[:-1], DEATHS[:-1], START[:-1], area="Missing age band"),
    ]
    return pd.concat(parts, ignore_index=True)


def le(data, **options):
    """phe_life_expectancy(data, deaths, pops, startage, ...) with le_age = "all"."""
    options.setdefault("at_age", None)
    return life_expectancy(data, deaths="deaths", population="pops", age_band="startage", **options)


def quiet_le(data, **options):
    """:func:`le`, returning the LifeExpectancyWarnings raised too."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = le(data, **options)
    return result, [w for w in caught if issubclass(w.category, LifeExpectancyWarning)]


def assert_package_equal(ours, expected):
    """expect_equal(round(ours, n), round(expected, n)), plus 1e-6 relative when finite."""
    ours, expected = np.asarray(ours, dtype=float), np.asarray(expected, dtype=float)
    assert np.array_equal(np.isnan(ours), np.isnan(expected))
    finite = ~np.isnan(expected)
    assert_allclose(np.round(ours[finite], DPS), np.round(expected[finite], DPS), rtol=0, atol=0)
    assert_allclose(ours[finite], expected[finite], rtol=1e-6)


def assert_answer1(result, rows=slice(None)):
    assert_package_equal(result["value"], np.asarray(VALUE)[rows])
    assert_package_equal(result["lower_95"], np.asarray(LOWER)[rows])
    assert_package_equal(result["upper_95"], np.asarray(UPPER)[rows])


def all_na(result):
    return result[["value", "lower_95", "upper_95"]].isna().all().all()


# --- test_that("LE and CIs calculate correctly") ---------------------------------------------
def calc_test1():
    # test1 <- phe_life_expectancy(df1, deaths, pops, startage, type="standard")
    assert_answer1(le(df1()))


def calc_test1_1():
    # test1.1 <- phe_life_expectancy(df1, deaths, pops, startage, confidence = 95)
    # departure: the toolkit refuses percentages, so 95 is given as 0.95
    assert_answer1(le(df1(), confidence=0.95))


def calc_test2():
    # test2 <- phe_life_expectancy(df2, deaths, pops, startage)  # "incorrect ageband order"
    assert_answer1(le(df2()))


def calc_test3():
    # test3 <- df1 %>% mutate(area = "test") %>% group_by(area) %>%
    #   phe_life_expectancy(deaths, pops, startage)  # "single area grouping"
    result = le(df1().assign(area="test"), by="area")
    assert (result["area"] == "test").all()
    assert_answer1(result)


def calc_test4():
    # test4 <- phe_life_expectancy(df3, deaths, pops, startage,
    #   age_contents = c("0", "1-4", "5-9", "10 – 14", ..., "85 – 89", "90 +"))
    # (the toolkit reads these labels itself; it has no age_contents)
    assert_answer1(le(df3()))


def calc_test5():
    # test5 <- phe_life_expectancy(df1, deaths, pops, startage, le_age = 5)
    assert_answer1(le(df1(), at_age=5), rows=[2])


def calc_test6():
    # test6 <- phe_life_expectancy(df1, deaths, pops, startage, le_age = c(5, 25),
    #   type="full"); expect_equal(test6, answer2): values, cumulative pops and deaths
    result = le(df1(), at_age=[5, 25])
    assert_answer1(result, rows=[2, 6])
    assert list(result["age_band"]) == ["5-9", "25-29"]
    assert_allclose(result["population"], [POPS_USED[2], POPS_USED[6]], rtol=1e-6)
    assert_allclose(result["deaths"], [DTHS_USED[2], DTHS_USED[6]], rtol=1e-6)
    assert (result["confidence"] == "95%").all()


def calc_cumulative_counts():
    # df1_cum (answer2's pops_used, dths_used) at every age: a closed form
    result = le(df1())
    assert_allclose(result["population"], POPS_USED, rtol=1e-6)
    assert_allclose(result["deaths"], DTHS_USED, rtol=1e-6)


def calc_negative_deaths():
    # test_neg <- phe_life_expectancy(df_neg_deaths, deaths, pop, age)
    # expect_equal(sum(!is.na(test_neg[, cols_to_test])), 0)
    result, caught = quiet_le(df_neg_deaths())
    assert all_na(result) and len(caught) == 1
    assert result["note"].str.contains("negative deaths in band(s) 10-14", regex=False).all()


def calc_zero_pop():
    # test_zero_pop <- phe_life_expectancy(df_zero_pop, deaths, pop, age)
    result, caught = quiet_le(df_zero_pop())
    assert all_na(result) and len(caught) == 1
    assert result["note"].str.contains("zero population in band(s) 20-24", regex=False).all()


def calc_deaths_greater_than_pops():
    # test_greater_than_pops <- phe_life_expectancy(df_deaths_greater_pops, deaths, pop, age)
    result, caught = quiet_le(df_deaths_greater_pops())
    assert all_na(result) and len(caught) == 1
    assert (
        result["note"].str.contains("deaths exceed population in band(s) 85-89", regex=False).all()
    )


def calc_missing_ageband():
    # test_missing_ageband <- phe_life_expectancy(df_missing_age, deaths, pop, age,
    #   age_contents = age_contents_short)
    result, caught = quiet_le(df_missing_age())
    assert all_na(result) and len(caught) == 1
    assert result["note"].str.contains("age band(s) missing: 90+", regex=False).all()


def calc_grouped_rows():
    # test_grouped_with_warnings <- df_grouped_with_warnings %>% group_by(area) %>%
    #   phe_life_expectancy(deaths, pop, age)
    # expect_equal(nrow(test_grouped_with_warnings), nrow(df_grouped_with_warnings))
    # departure: 120 rows, not 119: the group missing 90+ still gives its 20 (NA) rows
    data = df_grouped_with_warnings()
    result, caught = quiet_le(data, by="area")
    assert len(result) == len(data) + 1 == 6 * 20
    good = result[result["area"] == "Good data"]
    assert good["value"].notna().all()
    assert all_na(result[result["area"] != "Good data"])
    assert len(caught) == 1


def calc_test7_test8():
    # test7 <- phe_life_expectancy(df1, deaths, pops, startage, confidence = 99.8)
    # test8 <- phe_life_expectancy(df1, deaths, pops, startage, confidence = c(95, 99.8))
    # expect_equal(test7[, c("lowercl", "uppercl")], test8[, c("lower99_8cl", "upper99_8cl")])
    test7 = le(df1(), confidence=0.998)
    test8 = le(df1(), confidence=(0.95, 0.998))
    for side in ("lower", "upper"):
        assert_allclose(test7[f"{side}_99_8"], test8[f"{side}_99_8"], rtol=1e-6)
    assert_answer1(test8)


def calc_widecis():
    # test_widecis <- phe_life_expectancy(df_widecis_plus, deaths, pops, startage,
    #   confidence = c(0.95, 0.998))  # "suppress wide CI > 20"
    # (the package lists the calculated group first; the toolkit keeps input order)
    result, caught = quiet_le(df_widecis_plus(), by="area", confidence=(0.95, 0.998))
    area_2 = result[result["area"] == "Area 2"]
    assert_package_equal(area_2["value"], WIDE_VALUE)
    assert_package_equal(area_2["lower_95"], WIDE_LOWER)
    assert_package_equal(area_2["upper_95"], WIDE_UPPER)
    assert area_2["note"].iloc[9:].str.startswith("value not published").all()
    assert all_na(result[result["area"] == "Area 1"]) and len(caught) == 1


CALCULATION_CASES = {
    "test1_defaults": calc_test1,
    "test1_1_confidence_95": calc_test1_1,
    "test2_band_order": calc_test2,
    "test3_single_area_grouping": calc_test3,
    "test4_custom_labels_wrong_order": calc_test4,
    "test5_single_age": calc_test5,
    "test6_two_ages_full": calc_test6,
    "df1_cum_cumulative_counts": calc_cumulative_counts,
    "negative_deaths_all_na": calc_negative_deaths,
    "zero_pop_all_na": calc_zero_pop,
    "deaths_greater_than_pops_all_na": calc_deaths_greater_than_pops,
    "missing_age_band_all_na": calc_missing_ageband,
    "grouped_with_warnings_rows": calc_grouped_rows,
    "test7_equals_test8_99_8": calc_test7_test8,
    "wide_cis_suppressed": calc_widecis,
}


@pytest.mark.parametrize("case", list(CALCULATION_CASES))
def test_le_and_cis_calculate_correctly(case):
    CALCULATION_CASES[case]()


# --- test_that("LE - correct column numbers are output") -------------------------------------
# The package's 9 columns (type = "full") and 4 (type = "standard") have no counterpart: the
# toolkit always gives the same columns. What carries over: two limit columns per level.
BASE_COLUMNS = ["age_band", "deaths", "population", "value", "standard_error"]
TAIL_COLUMNS = ["confidence", "method", "note"]


@pytest.mark.parametrize(
    ("confidence", "limits"),
    [
        # expect_equal(ncol(test1), expected_num_cols - 5)  # one level
        (0.95, ["lower_95", "upper_95"]),
        # expect_equal(ncol(test2), expected_num_cols)  # one level, type full
        ((0.95,), ["lower_95", "upper_95"]),
        # expect_equal(ncol(test8), expected_num_cols - 2 + (2 * 2))
        ((0.95, 0.998), ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]),
        # expect_equal(ncol(phe_life_expectancy(df1, deaths, pops, startage,
        #   confidence = 90:99)), expected_num_cols - 2 + (2 * length(90:99)))
        (
            tuple(level / 100 for level in range(90, 100)),
            [f"{side}_{level}" for level in range(90, 100) for side in ("lower", "upper")],
        ),
    ],
    ids=["test1", "test2", "test8", "confidence_90_to_99"],
)
def test_correct_column_numbers(confidence, limits):
    result = le(df1(), confidence=confidence)
    assert list(result.columns) == BASE_COLUMNS + limits + TAIL_COLUMNS


# --- test_that("LE - correct output format") -------------------------------------------------
FORMAT_CASES = {
    # expect_true(is.data.frame(test1)) ... is.data.frame(test8)
    "test1": lambda: le(df1()),
    "test1_1": lambda: le(df1(), confidence=0.95),
    "test2": lambda: le(df2()),
    "test3": lambda: le(df1().assign(area="test"), by="area"),
    "test4": lambda: le(df3()),
    "test5": lambda: le(df1(), at_age=5),
    "test6": lambda: le(df1(), at_age=[5, 25]),
    "test7": lambda: le(df1(), confidence=0.998),
    "test8": lambda: le(df1(), confidence=(0.95, 0.998)),
    # expect_true(is.data.frame(test_grouped_with_warnings))
    "test_grouped_with_warnings": lambda: quiet_le(df_grouped_with_warnings(), by="area")[0],
}


@pytest.mark.parametrize("case", [*FORMAT_CASES, "test3_grouped_by_area"])
def test_correct_output_format(case):
    if case == "test3_grouped_by_area":
        # expect_equal(group_vars(test3), c("area")): the group column leads the output
        result = FORMAT_CASES["test3"]()
        assert list(result.columns[:2]) == ["area", "age_band"]
        return
    assert isinstance(FORMAT_CASES[case](), pd.DataFrame)


# --- test_that("LE - warnings are generated when invalid arguments are used") ----------------
def warn_le_age(ages):
    # expect_warning(phe_life_expectancy(df1, deaths, pops, startage, le_age = 4),
    #   "le_age not in the vector described by age_contents; ...")
    # departure: the toolkit raises rather than returning every age
    with pytest.raises(ValueError, match=r"must be one of \[0, 1, 5, 10,"):
        le(df1(), at_age=ages)


def warn_single(make, note):
    result, caught = quiet_le(make())
    assert len(caught) == 1 and "1 of 1 group(s) could not be calculated" in str(caught[0].message)
    assert result["note"].str.contains(note, regex=False).all()


def warn_low_pops():
    # expect_match(low_pops_warning, "some groups have a total population of less than 5,000;
    #   outputs have been suppressed to NAs")
    # departure: a publication rule, so noted on every row rather than warned
    result, caught = quiet_le(df_low_pops())
    assert all_na(result) and not caught
    assert (result["note"] == "not published: total population (all ages) is 5,000 or fewer").all()


def warn_wide_ci():
    # wideci_warning: "some age bands have more deaths than population" (Area 1) and
    # "some life expectancy values have a 95% confidence interval > 20 years" (Area 2)
    result, caught = quiet_le(df_widecis_plus(), by="area", confidence=(0.95, 0.998))
    assert len(caught) == 1 and "1 of 2 group(s)" in str(caught[0].message)
    area_1 = result[result["area"] == "Area 1"]
    assert area_1["note"].str.contains("deaths exceed population in band(s) 90+", regex=False).all()
    area_2 = result[result["area"] == "Area 2"]
    assert (area_2["note"] != "").sum() == 11
    assert area_2["note"].iloc[9:].str.contains("wider than 20 years").all()


def warn_grouped(note):
    # multi_warnings <- capture_warnings(df_grouped_with_warnings %>% group_by(area) %>%
    #   phe_life_expectancy(deaths, pop, age)); each message, all = FALSE
    result, caught = quiet_le(df_grouped_with_warnings(), by="area")
    assert len(caught) == 1 and "4 of 6 group(s)" in str(caught[0].message)
    assert result["note"].str.contains(note, regex=False).any()


WARNING_CASES = {
    "le_age_4": lambda: warn_le_age(4),
    "le_age_4_6": lambda: warn_le_age([4, 6]),
    # expect_match(negative_warning, "some age bands have negative deaths; ...")
    "negative_deaths": lambda: warn_single(df_neg_deaths, "negative deaths"),
    # expect_match(zero_warning, "some age bands have a zero or less population; ...")
    "zero_population": lambda: warn_single(df_zero_pop, "zero population"),
    # expect_match(deaths_pops_warning, "some age bands have more deaths than population; ...")
    "deaths_more_than_pops": lambda: warn_single(df_deaths_greater_pops, "deaths exceed"),
    "low_pops": warn_low_pops,
    # expect_match(missing_warning, "some groups contain a different number of age bands
    #   than 20; ...")
    "missing_age_band": lambda: warn_single(df_missing_age, "age band(s) missing: 90+"),
    "wide_ci_and_deaths_more_than_pops": warn_wide_ci,
    "grouped_negative_deaths": lambda: warn_grouped("negative deaths in band(s) 5-9"),
    "grouped_zero_or_less_population": lambda: warn_grouped(
        "zero or negative population in band(s) 10-14"
    ),
    "grouped_missing_age_band": lambda: warn_grouped("age band(s) missing: 90+"),
    "grouped_deaths_more_than_pops": lambda: warn_grouped("deaths exceed population"),
    "grouped_low_pops": lambda: warn_grouped("total population (all ages) is 5,000 or fewer"),
}


@pytest.mark.parametrize("case", list(WARNING_CASES))
def test_warnings_for_invalid_arguments(case):
    WARNING_CASES[case]()


# --- test_that("LE - errors are generated when invalid arguments are used") ------------------
def error_labels_without_age_contents():
    # expect_error(phe_life_expectancy(df3, deaths, pops, startage), "the contents in the
    #   startage field do not match the contents of the age_contents vector")
    # departure: the toolkit reads "10 – 14" and "90 +" itself; unknown labels raise
    assert_answer1(le(df3()))
    bad = df3().assign(startage=lambda d: d["startage"].replace({"90 +": "90 plus"}))
    with pytest.raises(ValueError, match="life-table bands"):
        le(bad)


def error_out_of_order_age_contents():
    # expect_error(phe_life_expectancy(df3, ..., age_contents = c("0", "1 4", "5 9",
    #   "20 24", "25 29", "10 14", ...)), "age_contents doesn't appear to be in ascending
    #   order; ...")
    # departure: no age_contents; labels the toolkit cannot place are refused
    bad = df3().assign(startage=lambda d: d["startage"].str.replace(" – ", " ", regex=False))
    with pytest.raises(ValueError, match="life-table bands"):
        le(bad)


def error_no_arguments():
    # expect_error(phe_life_expectancy(), "function life_expectancy requires at least 4
    #   arguments: data, deaths, population, startage")
    with pytest.raises(TypeError):
        life_expectancy()  # type: ignore[call-arg]


def error_first_band_not_zero():
    # expect_error(phe_life_expectancy(df1, deaths, pop, age,
    #   age_contents = c(1L, 0L, seq(5, 90, by = 5))), "first age band in age_contents
    #   must be 0")
    # departure: no age_contents; the nearest is a band the toolkit does not know
    bad = df1().assign(startage=[2] + START[1:])
    with pytest.raises(ValueError, match="life-table bands"):
        le(bad)


def error_confidence_out_of_range():
    # expect_error(phe_life_expectancy(df1, deaths, pop, age, confidence = 0.8),
    #   "all confidence levels must be between 90 and 100 or between 0.9 and 1")
    # as the package, levels below 0.9 are refused; percentages and levels >= 1 are also
    # refused (a documented departure: 95 and 0.95 are never confused)
    for level in (0.8, 95, 1.2):
        with pytest.raises(ValueError, match="confidence"):
            le(df1(), confidence=level)


ERROR_CASES = {
    "labels_without_age_contents": error_labels_without_age_contents,
    "age_contents_out_of_order": error_out_of_order_age_contents,
    "no_arguments": error_no_arguments,
    "first_band_not_zero": error_first_band_not_zero,
    "confidence_0_8": error_confidence_out_of_range,
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_for_invalid_arguments(case):
    ERROR_CASES[case]()


# --- beyond the R file -----------------------------------------------------------------------
def test_by_age_option_keeps_the_earlier_rules():
    # the toolkit's earlier rule: a wide interval blanks the limits too, and a start age is
    # withheld when the population aged x and over is 5,000 or fewer
    result, _ = quiet_le(df_widecis_plus(), by="area", suppression="by_age")
    area_2 = result[result["area"] == "Area 2"]
    assert_package_equal(area_2["value"].iloc[:4], WIDE_VALUE[:4])
    assert_package_equal(area_2["lower_95"].iloc[:4], WIDE_LOWER[:4])
    # aged 15 and over: 4,943 people
    assert area_2[["value", "lower_95", "upper_95"]].iloc[4:].isna().all().all()
    assert area_2["note"].iloc[4] == "not published: population aged 15+ is 5,000 or fewer"
    published = le(df1(), suppression="by_age")
    assert_answer1(published)


def test_negative_deaths_raise_with_the_old_option():
    with pytest.raises(ValueError, match="negative or infinite"):
        le(df_neg_deaths(), invalid_groups="raise")


def test_le_testdata_fixture_is_the_package_file():
    data = pd.read_csv(PHE_DIR / "LE_testdata.csv")
    assert list(data.columns) == ["Sex", "GeoCode", "Decile", "Pop", "Deaths", "LifeExp", "SE"]
    assert len(data) == 7222 and data["GeoCode"].nunique() == 362
