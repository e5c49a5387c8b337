from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.data.contract import ESP2013_BANDS
from toolkit.errors import DataContractError
from toolkit.indicators.rates import directly_standardised_rate
from toolkit.places import area_indicators, dissolve_places


@pytest.fixture(scope="module")
def result(demo_system):
    areas, persons = demo_system
    return area_indicators(persons, areas)


def persons_by_lsoa_and_band(persons: pd.DataFrame, events: str) -> pd.DataFrame:
    """Aggregate persons with pandas: the independent reference for the tests."""
    band = np.asarray(ESP2013_BANDS)[np.minimum(persons["age"].to_numpy() // 5, 18)]
    return (
        persons.assign(age_band=band)
        .groupby(["lsoa", "age_band", "sex"], as_index=False, observed=True)
        .agg(persons=("person_id", "size"), **{events: (events, "sum")})
    )


def test_every_neighbourhood_and_place_is_there_with_valid_geometry(result, demo_system):
    areas, persons = demo_system
    hoods, places = result.neighbourhoods, result.places
    assert isinstance(hoods, gpd.GeoDataFrame) and isinstance(places, gpd.GeoDataFrame)
    assert hoods["lsoa"].tolist() == areas["lsoa"].tolist()
    assert hoods.crs.to_epsg() == 27700 and places.crs.to_epsg() == 27700
    assert hoods.geometry.is_valid.all() and places.geometry.is_valid.all()
    assert sorted(places["place"]) == sorted(areas["place"].unique())
    # Places tile the same ground as their neighbourhoods.
    assert places.geometry.area.sum() == pytest.approx(hoods.geometry.area.sum(), rel=1e-9)
    for place, polygon in zip(places["place"], places.geometry, strict=True):
        members = hoods.loc[hoods["place"] == place].geometry.union_all()
        assert polygon.symmetric_difference(members).area < 1e-3 * polygon.area
    assert hoods["persons"].sum() == len(persons)
    assert result.matched.all_matched and result.persons_left_out == 0


def test_dissolve_conserves_population(result, demo_system):
    areas, _ = demo_system
    places = result.places.set_index("place")
    expected = areas.groupby("place")["population"].sum()
    assert places["population"].sum() == areas["population"].sum()
    assert places["population"].to_dict() == expected.to_dict()
    assert places["neighbourhoods"].sum() == len(areas)
    dissolved = dissolve_places(areas, method="coverage").set_index("place")
    assert dissolved["population"].to_dict() == expected.to_dict()
    assert_allclose(dissolved.geometry.area.reindex(places.index), places.geometry.area, rtol=1e-9)


def test_dissolve_places_takes_areas_and_its_old_name_still_answers(demo_system):
    areas, _ = demo_system
    dissolved = dissolve_places(areas=areas, method="coverage")
    with pytest.warns(FutureWarning, match="'neighbourhoods' parameter of dissolve_places is now"):
        old = dissolve_places(neighbourhoods=areas, method="coverage")
    assert old.drop(columns="geometry").equals(dissolved.drop(columns="geometry"))
    assert old.geometry.geom_equals(dissolved.geometry).all()
    with pytest.raises(TypeError, match="got both 'neighbourhoods' and 'areas'"):
        dissolve_places(neighbourhoods=areas, areas=areas)


def test_rates_agree_with_the_indicators_module(result, demo_system):
    _, persons = demo_system
    cube = persons_by_lsoa_and_band(persons, "emergency_admissions")
    # Independent-events reference: the value is the same; limits differ only in variance.
    reference = directly_standardised_rate(
        cube,
        events="emergency_admissions",
        population="persons",
        age_band="age_band",
        by="lsoa",
    ).set_index("lsoa")
    hoods = result.neighbourhoods.set_index("lsoa")
    assert_allclose(hoods["value"], reference["value"].reindex(hoods.index), rtol=1e-10)
    assert (hoods["events"] == reference["events"].reindex(hoods.index)).all()
    # Persons with several admissions widen the interval (non-independent events).
    published = hoods["value"].notna()
    width = hoods["upper_95"] - hoods["lower_95"]
    reference_width = reference["upper_95"] - reference["lower_95"]
    assert (width[published] >= reference_width.reindex(hoods.index)[published] - 1e-9).all()


def test_aggregated_counts_give_the_same_figures(result, demo_system):
    areas, persons = demo_system
    cube = persons_by_lsoa_and_band(persons, "emergency_admissions")
    from_cube = area_indicators(cube, areas)
    for column in ["persons", "events", "value", "expected", "excess"]:
        assert_allclose(from_cube.neighbourhoods[column], result.neighbourhoods[column], rtol=1e-10)
        assert_allclose(from_cube.places[column], result.places[column], rtol=1e-10)
    assert (from_cube.neighbourhoods["note"] == result.neighbourhoods["note"]).all()


def test_excess_events_add_up(result, demo_system):
    areas, persons = demo_system
    hoods, places = result.neighbourhoods, result.places
    # Place excess is the sum of its neighbourhoods' (same reference rates).
    by_place = hoods.groupby("place")["excess"].sum()
    assert_allclose(places.set_index("place")["excess"], by_place, rtol=1e-9)
    # The reference decile's own neighbourhoods have no excess in total.
    best = areas["imd_decile"].max()
    assert result.reference_deciles == (int(best),)
    in_reference = hoods["imd_decile"] == best
    assert hoods.loc[in_reference, "excess"].sum() == pytest.approx(0, abs=1e-6)
    # More deprived neighbourhoods have more excess than less deprived ones.
    by_decile = hoods.groupby("imd_decile")["excess"].sum()
    assert by_decile.iloc[0] > by_decile.iloc[-1]
    # Against the whole system's rates, excess sums to zero.
    system = area_indicators(persons, areas, reference="system")
    assert system.neighbourhoods["excess"].sum() == pytest.approx(0, abs=1e-6)
    assert_allclose(
        system.neighbourhoods["ratio"],
        100 * system.neighbourhoods["events"] / system.neighbourhoods["expected"],
    )


def test_segment_mix(result, demo_system):
    _, persons = demo_system
    mix = result.segment_mix
    hoods = mix[mix["level"] == "neighbourhood"]
    assert_allclose(hoods.groupby("area")["share"].sum(), 1.0)
    assert hoods["persons"].sum() == len(persons)
    expected = persons.groupby(["lsoa", "segment"], observed=True).size()
    got = hoods.set_index(["area", "segment"])["persons"]
    assert_allclose(got.reindex(expected.index), expected.to_numpy())
    largest = hoods.loc[hoods.groupby("area")["persons"].idxmax()].set_index("area")
    table = result.neighbourhoods.set_index("lsoa")
    assert (table["largest_segment"] == largest["segment"].reindex(table.index)).all()


def test_persons_whose_area_is_not_found_are_reported(demo_system):
    areas, persons = demo_system
    lost = persons.copy()
    lost.loc[lost.index[:7], "lsoa"] = "E01999999"
    lost.loc[lost.index[7:10], "lsoa"] = None
    before = lost.copy()
    outcome = area_indicators(lost, areas, segment=None)
    pd.testing.assert_frame_equal(lost, before)  # input untouched
    report = outcome.matched
    assert report.rows == len(persons)
    assert report.unmatched_rows == 7 and report.unmatched_codes == ("E01999999",)
    assert report.missing_code_rows == 3
    assert report.unmatched_row_numbers[:10] == tuple(range(10))
    assert outcome.persons_left_out == 10
    assert outcome.events_left_out == lost["emergency_admissions"].iloc[:10].sum()
    assert outcome.neighbourhoods["persons"].sum() == len(persons) - 10
    assert "E01999999" in str(outcome) and "Left out: 10 persons" in str(outcome)
    assert outcome.segment_mix is None


def test_small_counts_are_kept_with_a_note(demo_system):
    areas, persons = demo_system
    outcome = area_indicators(persons, areas, events="died")
    hoods = outcome.neighbourhoods
    few = hoods["events"] < 10
    assert few.any()
    assert hoods.loc[few, "value"].isna().all()
    assert hoods.loc[few, "note"].str.startswith("not published").all()
    assert len(hoods) == len(areas)


def test_areas_without_geometry_give_plain_tables(demo_system):
    areas, persons = demo_system
    plain = pd.DataFrame(areas.drop(columns="geometry"))
    outcome = area_indicators(persons, plain)
    assert not isinstance(outcome.neighbourhoods, gpd.GeoDataFrame)
    assert "geometry" not in outcome.places.columns
    assert list(outcome.to_frame("place").columns) == list(outcome.places.columns)


def test_inputs_are_checked(demo_system):
    areas, persons = demo_system
    with pytest.raises(ValueError, match="'reference' parameter of area_indicators"):
        area_indicators(persons, areas, reference="best")
    with pytest.raises(ValueError, match="'confidence' parameter of area_indicators must be"):
        area_indicators(persons, areas, confidence=95.0)
    # The indicators' own range, checked before any work (not by a function called later).
    for level in (95, 0.5):
        with pytest.raises(
            ValueError,
            match=f"'confidence' parameter of area_indicators must be a float in the range "
            f"\\[0.9, 1\\). Got {level} instead",
        ):
            area_indicators(persons, areas, confidence=level)
    with pytest.raises(ValueError, match="overwrite the areas' column\\(s\\) value"):
        area_indicators(persons, areas.assign(value=1.0))
    cube = persons_by_lsoa_and_band(persons, "emergency_admissions").drop(columns="lsoa")
    with pytest.raises(ValueError, match=r"Neither cube \(segment or cohort\) has 'lsoa'"):
        area_indicators(cube, areas)
    # A parameter naming a missing column is an argument error, as in every subpackage;
    # a contract column missing is the data's.
    from toolkit.errors import DataContractError

    with pytest.raises(
        ValueError, match="The 'events' parameter of area_indicators names the column 'bed_days_x'"
    ) as caught:
        area_indicators(persons, areas, events="bed_days_x")
    assert not isinstance(caught.value, DataContractError)
    with pytest.raises(ValueError, match="'population' parameter of area_indicators") as caught:
        area_indicators(cube.assign(lsoa="x"), areas, population="people")
    assert not isinstance(caught.value, DataContractError)
    with pytest.raises(DataContractError, match="the persons have no 'age' column"):
        area_indicators(persons.drop(columns="age"), areas)


def test_data_errors_list_every_problem_with_spreadsheet_rows(demo_system):
    areas, persons = demo_system
    bad = persons.head(200).copy()
    bad["emergency_admissions"] = bad["emergency_admissions"].astype("float64")
    bad.loc[bad.index[[0, 3]], "emergency_admissions"] = [-1.0, 1.5]
    bad["age"] = bad["age"].astype("float64")
    bad.loc[bad.index[5], "age"] = np.nan
    with pytest.raises(DataContractError) as caught:
        area_indicators(bad, areas)
    message = str(caught.value)
    # Position 0 is row 2, as a spreadsheet numbers it (toolkit.data.problems).
    assert message.startswith(
        "The persons given to area_indicators: 3 problems found. Row numbers are as a "
        "spreadsheet shows them (the header is row 1)."
    )
    assert (
        " - column 'emergency_admissions': 1 row is not a count of zero or more (row 2: -1)."
        in message
    )
    assert (
        " - column 'emergency_admissions': 1 row is not a whole number of events (row 5: 1.5)."
        in message
    )
    assert " - column 'age': 1 row is not a number of years, 0 or more (row 7)." in message
    failures = caught.value.failures
    assert list(failures.columns) == ["column", "check", "failing_rows", "example_rows", "message"]
    assert failures["example_rows"].tolist() == [[2], [5], [7]]
    assert isinstance(caught.value, ValueError)  # callers catching ValueError keep working


def test_areas_errors_name_the_rows(demo_system):
    areas, persons = demo_system
    bad = areas.copy()
    bad.loc[bad.index[1], "lsoa"] = bad.loc[bad.index[0], "lsoa"]
    bad["place"] = bad["place"].astype(object)
    bad.loc[bad.index[4], "place"] = None
    with pytest.raises(DataContractError) as caught:
        area_indicators(persons, bad)
    message = str(caught.value)
    assert message.startswith("The areas given to area_indicators: 2 problems found.")
    code = areas["lsoa"].iloc[0]
    shared = f"column 'lsoa': 2 rows share an LSOA code with another row (row 2: '{code}'; row 3:"
    assert shared in message
    assert "column 'place': 1 row is blank; give every area a place (row 6)." in message

    cube = persons_by_lsoa_and_band(persons, "emergency_admissions")
    cube.loc[cube.index[2], "age_band"] = "85-89 "  # stripped: still a band
    cube.loc[cube.index[3], "age_band"] = "85+"
    with pytest.raises(DataContractError, match=r"is not an ESP2013 band .* \(row 5: '85\+'\)"):
        area_indicators(cube, areas)

    with pytest.raises(DataContractError) as caught:
        dissolve_places(bad.drop(index=bad.index[1]))
    assert str(caught.value).startswith("The areas given to dissolve_places: 1 problem")
    assert "column 'place': 1 row is blank; give every neighbourhood a place first (row 5)." in (
        str(caught.value)
    )
    with pytest.raises(DataContractError, match="dissolve_places: the areas have no"):
        dissolve_places(areas, sums=("nothing",))
