"""Shared contract of every public indicator function (scikit-learn style).

One parametrised test per rule: the input frame is unchanged; ``by`` columns survive;
negative counts, a zero or missing population where there are events, a confidence
outside 0.9 to 1 (as PHEindicatormethods), fewer than 5 quantiles for the SII and unknown
age bands all raise ``ValueError`` naming the parameter, the column and the rows; a missing
count counts as 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import (
    deaths_by_cause_frame,
    esp_frame,
    life_table_frame,
    make_cube,
)

import toolkit.indicators as indicators
from toolkit.data.contract import ESP2013_BANDS
from toolkit.data.problems import ROWS_NUMBERED
from toolkit.errors import DataContractError


def _deciles(areas: int = 2) -> pd.DataFrame:
    rows = []
    for area in range(areas):
        for decile in range(1, 11):
            rows.append(
                {
                    "area": f"A{area}",
                    "decile": decile,
                    "population": 1000 + 10 * decile,
                    "value": 50.0 + decile * (1 + area),
                    "se": 1.0,
                }
            )
    frame = pd.DataFrame(rows)
    frame.index = frame.index + 100
    return frame


def _units() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period": ["2023", "2023", "2023", "2024", "2024", "2024"],
            "events": [10, 40, 3, 12, 35, 8],
            "population": [100, 300, 50, 110, 280, 60],
        }
    )
    frame.index = frame.index + 100
    return frame


def _frame_of(result: Any) -> pd.DataFrame:
    return result.to_frame() if hasattr(result, "to_frame") else result


@dataclass
class Spec:
    """How to call one public function in the contract tests."""

    name: str
    data: Callable[[], pd.DataFrame]
    call: Callable[..., Any]  # call(data, **options)
    by: str | None
    count: str | None  # a count column (events) for the negative and missing tests
    count_param: str | None
    population: str | None  # population column needed where there are events
    population_param: str | None
    confidence: bool
    age_band: str | None


ESP = {"events": "events", "population": "population", "age_band": "age_band"}
CUBE = {"events": "emergency_admissions"}

SPECS = [
    Spec(
        "proportion",
        esp_frame,
        lambda d, **o: indicators.proportion(
            d, events="events", population="population", missing="zero", **o
        ),
        "area", "events", "events", "population", "population", True, None,
    ),
    Spec(
        "crude_rate",
        esp_frame,
        lambda d, **o: indicators.crude_rate(
            d, events="events", population="population", missing="zero", **o
        ),
        "area", "events", "events", "population", "population", True, None,
    ),
    Spec(
        "directly_standardised_rate",
        esp_frame,
        lambda d, **o: indicators.directly_standardised_rate(d, **ESP, **o),
        "area", "events", "events", "population", "population", True, "age_band",
    ),
    Spec(
        "indirectly_standardised_ratio",
        esp_frame,
        lambda d, **o: indicators.indirectly_standardised_ratio(
            d, **ESP, reference_rates=dict.fromkeys(ESP2013_BANDS, 0.01),
            **{"zero_population": "raise", **o},
        ),
        "area", "events", "events", "population", "population", True, "age_band",
    ),
    Spec(
        "indirectly_standardised_rate",
        esp_frame,
        lambda d, **o: indicators.indirectly_standardised_rate(
            d, **ESP, reference_rates=dict.fromkeys(ESP2013_BANDS, 0.01),
            reference_population=dict.fromkeys(ESP2013_BANDS, 1000),
            **{"zero_population": "raise", **o},
        ),
        "area", "events", "events", "population", "population", True, "age_band",
    ),
    Spec(
        "slope_index_of_inequality",
        _deciles,
        lambda d, **o: indicators.slope_index_of_inequality(
            d, value="value", quantile="decile", population="population", se="se",
            reps=1_000, seed=1, **o,
        ),
        "area", "population", "population", None, None, True, None,
    ),
    Spec(
        "life_expectancy",
        life_table_frame,
        # The contract's refusals are the "raise" option; by default a bad group is noted.
        lambda d, **o: indicators.life_expectancy(
            d,
            deaths="deaths",
            population="population",
            age_band="age_band",
            **{"invalid_groups": "raise", **o},
        ),
        "area", "deaths", "deaths", "population", "population", True, "age_band",
    ),
    Spec(
        "life_expectancy_gap_by_cause",
        deaths_by_cause_frame,
        lambda d, **o: indicators.life_expectancy_gap_by_cause(
            d, deaths="deaths", population="population", age_band="age_band", cause="cause", **o
        ),
        "sex", "deaths", "deaths", "population", "population", False, "age_band",
    ),
    Spec(
        "funnel_limits",
        _units,
        lambda d, **o: indicators.funnel_limits(
            d, events="events", population="population", points=5, **o
        ),
        "period", "events", "events", "population", "population", True, None,
    ),
    Spec(
        "assign_funnel_significance",
        _units,
        lambda d, **o: indicators.assign_funnel_significance(
            d, events="events", population="population", **o
        ),
        "period", "events", "events", "population", "population", True, None,
    ),
    Spec(
        "rate_by_deprivation",
        make_cube,
        lambda d, **o: indicators.rate_by_deprivation(d, **CUBE, **o),
        "place", "emergency_admissions", "events", "persons", "population", True, "age_band",
    ),
    Spec(
        "deprivation_gap",
        make_cube,
        lambda d, **o: indicators.deprivation_gap(d, **CUBE, **o),
        "place", "emergency_admissions", "events", "persons", "population", True, "age_band",
    ),
    Spec(
        "excess_events",
        make_cube,
        lambda d, **o: indicators.excess_events(
            d, **CUBE, cost="cost_gbp", reps=1_000, seed=1, **o
        ),
        "place", "emergency_admissions", "events", "persons", "population", True, "age_band",
    ),
    Spec(
        "core20_share",
        make_cube,
        lambda d, **o: indicators.core20_share(d, **CUBE, **o),
        "place", "emergency_admissions", "events", "persons", "population", False, None,
    ),
    Spec(
        "deprivation_profile",
        lambda: make_cube(places=1),
        lambda d, **o: indicators.deprivation_profile(d, reps=1_000, seed=1, **o),
        None, "emergency_admissions", "events", "persons", "population", True, "age_band",
    ),
]  # fmt: skip

FUNCTIONS = [spec.name for spec in SPECS]
ids = [spec.name for spec in SPECS]


def _values() -> pd.DataFrame:
    """Areas in two regions with a value, events and a rate (for functions of values)."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "region": ["North"] * 12 + ["South"] * 12,
            "area": [f"A{i:02d}" for i in range(24)],
            "value": rng.normal(50, 10, 24),
            "events": rng.integers(10, 200, 24),
        }
    )
    return frame.assign(rate=frame["events"] / rng.integers(1_000, 9_000, 24) * 100_000)


#: Functions of values rather than counts (no negative-count or population rule): each is
#: checked for leaving its input unchanged and keeping its group column.
VALUE_FUNCTIONS = {
    "mean_with_limits": lambda d, **o: indicators.mean_with_limits(d, value="value", **o),
    "quantiles": lambda d, **o: indicators.quantiles(d, value="value", nquantiles=4, **o),
    "funnel_points": lambda d, **o: indicators.funnel_points(d, events="events", value="rate"),
}


def test_every_public_function_is_covered():
    public = {
        name
        for name in indicators.__all__
        if callable(getattr(indicators, name)) and not isinstance(getattr(indicators, name), type)
    }
    assert public == set(FUNCTIONS) | set(VALUE_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(VALUE_FUNCTIONS))
def test_functions_of_values_leave_their_input_and_keep_groups(name):
    data = _values()
    before = data.copy(deep=True)
    options = {} if name == "funnel_points" else {"by": "region"}
    result = _frame_of(VALUE_FUNCTIONS[name](data, **options))
    pd.testing.assert_frame_equal(data, before)
    if options:
        assert "region" in result.columns
        assert set(result["region"]) == {"North", "South"}


@pytest.mark.parametrize("bad", [95, 0.8, 1.0, (0.95, 0.5)])
def test_mean_with_limits_confidence_follows_the_contract(bad):
    with pytest.raises(ValueError, match="The 'confidence' parameter of mean_with_limits must be"):
        indicators.mean_with_limits(_values(), value="value", confidence=bad)
    result = indicators.mean_with_limits(_values(), value="value", confidence=(0.95, 0.998))
    assert {"lower_95", "upper_95", "lower_99_8", "upper_99_8"} <= set(result.columns)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_input_is_unchanged(spec):
    data = spec.data()
    before = data.copy(deep=True)
    options = {"by": spec.by} if spec.by else {}
    spec.call(data, **options)
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.by], ids=[s.name for s in SPECS if s.by])
def test_by_columns_survive(spec):
    data = spec.data()
    result = _frame_of(spec.call(data, by=spec.by))
    assert spec.by in result.columns
    assert set(result[spec.by]) == set(data[spec.by])
    assert result[spec.by].dtype == data[spec.by].dtype


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_negative_counts_raise(spec):
    data = spec.data()
    label = data.index[4]  # the fifth row: row 6 of a spreadsheet (the header is row 1)
    data.loc[label, spec.count] = -1
    with pytest.raises(DataContractError) as error:
        spec.call(data)
    message = str(error.value)
    assert f" of {spec.name} " in message
    assert f"'{spec.count_param}'" in message
    assert f"'{spec.count}'" in message
    assert "1 row (6)" in message
    assert message.endswith(ROWS_NUMBERED)
    failures = error.value.failures
    assert failures[["column", "check"]].values.tolist() == [[spec.count, "not_negative"]]
    assert failures["failing_rows"].tolist() == [1]
    assert failures["example_rows"].tolist() == [[6]]


@pytest.mark.parametrize("missing", [0, np.nan], ids=["zero", "missing"])
@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.population], ids=[s.name for s in SPECS if s.population]
)
def test_population_needed_where_there_are_events(spec, missing):
    data = spec.data()
    data[spec.population] = data[spec.population].astype(float)
    position = np.flatnonzero(data[spec.count] > 0)[1]
    data.loc[data.index[position], spec.population] = missing
    with pytest.raises(DataContractError) as error:
        spec.call(data)
    message = str(error.value)
    assert f" of {spec.name} " in message
    assert f"'{spec.population_param}'" in message
    assert f"'{spec.population}'" in message
    assert f"1 row ({position + 2})" in message  # as a spreadsheet numbers it
    assert error.value.failures["column"].tolist() == [spec.population]


@pytest.mark.parametrize("bad", [95, 0, 0.8, 1.0, -0.5, (0.95, 1.2), (0.95, 0.5)])
@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.confidence], ids=[s.name for s in SPECS if s.confidence]
)
def test_confidence_outside_unit_interval_raises(spec, bad):
    with pytest.raises(ValueError, match=rf"The 'confidence' parameter of {spec.name} must be"):
        spec.call(spec.data(), confidence=bad)


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.confidence], ids=[s.name for s in SPECS if s.confidence]
)
def test_confidence_of_wrong_type_raises_type_error(spec):
    with pytest.raises(TypeError, match="'confidence' parameter"):
        spec.call(spec.data(), confidence="95%")


def test_confidence_message_reads_like_scikit_learn():
    with pytest.raises(ValueError) as error:
        indicators.directly_standardised_rate(esp_frame(), **ESP, confidence=95)
    assert str(error.value) == (
        "The 'confidence' parameter of directly_standardised_rate must be a float in the range "
        "[0.9, 1) or a non-empty sequence of distinct such floats (for example (0.95, 0.998)). "
        "Got 95 instead."
    )


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.age_band], ids=[s.name for s in SPECS if s.age_band]
)
def test_wrong_age_bands_raise(spec):
    data = spec.data()
    label = data.index[2]  # the third row: row 4 of a spreadsheet
    data[spec.age_band] = data[spec.age_band].astype(object)
    data.loc[label, spec.age_band] = "0-5"
    with pytest.raises(DataContractError) as error:
        spec.call(data)
    message = str(error.value)
    assert f" of {spec.name} " in message
    assert "'age_band'" in message and f"'{spec.age_band}'" in message
    assert "'0-5'" in message and "1 row (4)" in message
    assert error.value.failures["column"].tolist() == [spec.age_band]


# The SII takes values rather than counts: see test_sii_missing_value_is_noted.
COUNTED = [s for s in SPECS if s.name != "slope_index_of_inequality"]


@pytest.mark.parametrize("spec", COUNTED, ids=[s.name for s in COUNTED])
def test_missing_count_counts_as_zero(spec):
    data = spec.data()
    label = data.index[data[spec.count] > 0][0]
    with_nan = data.copy()
    with_nan[spec.count] = with_nan[spec.count].astype(float)
    with_nan.loc[label, spec.count] = np.nan
    zeroed = data.copy()
    zeroed.loc[label, spec.count] = 0
    # Counted as 0, and said so (nothing is changed silently), once.
    with pytest.warns(indicators.MissingCountWarning) as caught:
        from_nan = spec.call(with_nan)
    said = [str(w.message) for w in caught if w.category is indicators.MissingCountWarning]
    assert len(said) == 1, said
    assert f"'{spec.count}' is blank, counted as 0" in said[0] or "missing='zero'" in said[0]
    # It points at the user's line, not inside the toolkit, however deep it was raised.
    (where,) = [w.filename for w in caught if w.category is indicators.MissingCountWarning]
    assert where == __file__, where
    pd.testing.assert_frame_equal(
        _frame_of(from_nan).drop(columns=[spec.count], errors="ignore"),
        _frame_of(spec.call(zeroed)).drop(columns=[spec.count], errors="ignore"),
        check_dtype=False,
    )


@pytest.mark.parametrize(
    ("name", "default_options"),
    [
        ("indirectly_standardised_ratio", {"zero_population": "count"}),
        ("indirectly_standardised_rate", {"zero_population": "count"}),
        ("life_expectancy", {"invalid_groups": "note"}),
    ],
)
def test_a_blank_count_is_said_on_the_default_paths_too(name, default_options):
    # The contract's specs call these with their refusing options; by default they take
    # another path, where a blank count counts as 0 too, and is said.
    spec = next(s for s in COUNTED if s.name == name)
    data = spec.data()
    data[spec.count] = data[spec.count].astype(float)
    data.loc[data.index[data[spec.count] > 0][0], spec.count] = np.nan
    with pytest.warns(indicators.MissingCountWarning, match="1 row of the .* is blank") as caught:
        spec.call(data, **default_options)
    assert {w.filename for w in caught if w.category is indicators.MissingCountWarning} == {
        __file__
    }


def test_sii_missing_value_is_refused_or_noted():
    data = _deciles()
    data.loc[data.index[12], "value"] = np.nan
    options = {
        "value": "value", "quantile": "decile", "population": "population", "se": "se",
        "by": "area", "reps": 1_000, "seed": 1,
    }  # fmt: skip
    with pytest.raises(ValueError, match=r"'value' of slope_index_of_inequality is missing in"):
        indicators.slope_index_of_inequality(data, **options)
    with pytest.warns(indicators.SIIWarning, match="1 group"):
        result = indicators.slope_index_of_inequality(data, invalid_groups="note", **options)
    assert result["note"].iloc[0] == ""
    assert result["note"].iloc[1].startswith("not calculated: missing value")


def test_sii_needs_five_quantiles():
    data = _deciles()
    data = data[~((data["area"] == "A1") & (data["decile"] > 4))]
    options = {"value": "value", "quantile": "decile", "population": "population", "se": "se"}
    # By default (as phe_sii) a group lacking quantiles other groups have is removed.
    with pytest.warns(indicators.SIIWarning, match="1 group\\(s\\) removed"):
        removed = indicators.slope_index_of_inequality(data, by="area", reps=1_000, **options)
    assert removed["sii"].isna().tolist() == [False, True]
    assert (
        removed["note"].iloc[1].endswith("quantile(s) 5, 6, 7, 8, 9, 10, which other groups have")
    )
    with pytest.raises(DataContractError) as error:
        indicators.slope_index_of_inequality(
            data, by="area", incomplete_groups="calculate", **options
        )
    message = str(error.value)
    assert "'quantile'" in message and "'decile'" in message
    # A1's rows are the table's 11th to 14th (index labels 110 to 113): rows 12 to 15.
    assert "area='A1' has 4 in 4 rows (12, 13, 14, 15)" in message


@pytest.mark.parametrize("spec", [s for s in SPECS if s.by], ids=[s.name for s in SPECS if s.by])
def test_unknown_columns_and_wrong_types(spec):
    data = spec.data()
    with pytest.raises(ValueError, match="'by' parameter .* names the column 'nope'"):
        spec.call(data, by="nope")
    with pytest.raises(TypeError, match=r"'(data|cube)' parameter .* must be a pandas DataFrame"):
        spec.call(data.to_dict())


def test_braces_in_column_names_are_kept_and_rows_numbered_as_a_spreadsheet():
    # The rows are put into the message by replacing its "{rows}", not by str.format;
    # they are numbered by position, whatever the index's labels (the header is row 1).
    data = pd.DataFrame(
        {"deaths {rows}": [1, -1, 2], "people {0}": [10, 10, 10]}, index=["{rows}", "b}", "c"]
    )
    with pytest.raises(ValueError) as error:
        indicators.crude_rate(data, events="deaths {rows}", population="people {0}")
    assert str(error.value) == (
        "The 'events' column 'deaths {rows}' of crude_rate has negative or infinite values "
        "in 1 row (3). Counts and populations must be zero or more. " + ROWS_NUMBERED
    )
    data.loc["b}", "deaths {rows}"] = 1
    data.loc[["{rows}", "c"], "people {0}"] = 0
    with pytest.raises(ValueError) as error:
        indicators.crude_rate(data, events="deaths {rows}", population="people {0}")
    assert str(error.value) == (
        "The 'population' column 'people {0}' of crude_rate is zero or missing where "
        "'deaths {rows}' has events, in 2 rows (2, 4). Every event needs a "
        "population at risk. " + ROWS_NUMBERED
    )
