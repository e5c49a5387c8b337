"""Tests of the readers, validators and the persons-to-areas join (toolkit.data.readers)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from toolkit.data.contract import ACTIVITY_COLUMNS, CONDITIONS
from toolkit.data.readers import (
    JoinReport,
    join_persons_to_areas,
    read_areas,
    read_persons,
    validate_areas,
    validate_persons,
)
from toolkit.errors import DataContractError

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_PERSONS = FIXTURES / "persons_good.csv"
GOOD_AREAS = FIXTURES / "areas_good.csv"
CODINGS = FIXTURES / "persons_codings.csv"
IMD_2019 = FIXTURES / "imd2019_file7_sample.csv"
IMD_2025 = FIXTURES / "imd2025_file7_sample.csv"


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return read_persons(GOOD_PERSONS)


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return read_areas(GOOD_AREAS)


def _raw_persons() -> pd.DataFrame:
    return pd.read_csv(GOOD_PERSONS, dtype=str)


# --- the good persons file -----------------------------------------------------------------------


def test_good_persons_file_reads_in_contract_dtypes(persons):
    assert len(persons) == 30
    assert persons["person_id"].is_unique
    assert pd.api.types.is_string_dtype(persons["person_id"])
    assert persons["age"].dtype == "int64"
    assert set(persons["sex"]) == {"F", "M"}
    assert str(persons["imd_decile"].dtype) == "Int64"
    for name in (*CONDITIONS, "died", "end_of_life", "pregnant"):
        assert persons[name].dtype == bool, name
    for name in ACTIVITY_COLUMNS:
        assert persons[name].dtype == "int64", name
    assert persons["cost_gbp"].dtype == "float64"
    assert persons["efi"].isna().any() and persons["efi"].max() <= 1
    assert persons.loc[persons["died"], "cause_of_death"].notna().all()
    assert persons.loc[~persons["died"], "cause_of_death"].isna().all()
    assert isinstance(persons.index, pd.RangeIndex)


def test_parquet_and_excel_read_the_same_as_csv(persons, tmp_path):
    parquet = tmp_path / "persons.parquet"
    persons.to_parquet(parquet, index=False)
    pd.testing.assert_frame_equal(read_persons(parquet), persons)

    excel = Path(__file__).parent / "bad_inputs" / "excel_title_row.xlsx"
    from_excel = read_persons(excel)
    columns = ["person_id", "age", "sex", "lsoa", "imd_decile", "diabetes", "cost_gbp", "died"]
    pd.testing.assert_frame_equal(from_excel[columns], persons[columns])


def test_validate_persons_returns_a_new_frame_and_leaves_the_input_alone():
    raw = _raw_persons().set_axis(pd.RangeIndex(100, 130), axis=0)
    before = raw.copy(deep=True)
    result = validate_persons(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert result is not raw
    assert list(result.index) == list(raw.index)
    assert result["age"].dtype == "int64"


def test_typed_frame_passes_through_unchanged(persons):
    again = validate_persons(persons)
    pd.testing.assert_frame_equal(again, persons)


def test_extra_columns_are_kept_unchecked(persons):
    result = validate_persons(persons.assign(practice_code=["A81001"] * 30, notes=None))
    assert list(result["practice_code"]) == ["A81001"] * 30
    assert result["notes"].isna().all()


# --- codings, names and dates --------------------------------------------------------------------


def test_common_codings_headers_and_dates_are_standardised():
    result = read_persons(CODINGS, reference_date="2025-03-31")
    assert list(result["person_id"]) == ["00123", "00124", "00125", "00126", "00127", "00128"]
    assert list(result["sex"]) == ["M", "F", "M", "F", "M", "F"]
    assert list(result["age"]) == [74, 32, 81, 6, 95, 37]  # completed years on 31/03/2025
    assert list(result["diabetes"]) == [True, True, True, False, True, True]
    assert list(result["died"]) == [False, False, True, False, True, False]
    assert result["cost_gbp"].tolist() == pytest.approx([2310.0, 530.5, 7412.2, 120.0, 3990.75, 0])
    assert result["lsoa"].iloc[0] == "E01033001"
    assert pd.isna(result["lsoa"].iloc[5])
    assert result["cause_of_death"].iloc[4] == "mental_and_behavioural"
    assert result["date_of_death"].iloc[2] == pd.Timestamp("2025-01-14")
    assert result["date_of_birth"].iloc[2] == pd.Timestamp("1944-02-29")
    assert "Practice" in result.columns  # an extra column keeps its own name


def _with_optional_columns(persons: pd.DataFrame) -> pd.DataFrame:
    """The good persons with the optional columns, as text with mixed codings."""
    raw = persons.astype({"age": str, "emergency_admissions": str})
    count = len(raw)
    raw["Emergency Admissions Falls"] = raw["emergency_admissions"]  # all of them, allowed
    raw["emergency_admissions_acsc"] = "0"
    codings = ["Y", "n", "1", "0", "TRUE", "false", "yes", "No", " ", None]
    raw["Smoker"] = [codings[i % len(codings)] for i in range(count)]
    raw["bp_controlled"] = np.where(persons["hypertension"], "y", None)
    return raw


def test_optional_columns_read_with_the_flags_codings(persons):
    result = validate_persons(_with_optional_columns(persons))
    assert result["emergency_admissions_falls"].dtype == "int64"
    assert result["emergency_admissions_falls"].tolist() == persons["emergency_admissions"].tolist()
    assert str(result["smoker"].dtype) == "boolean"
    expected = [True, False, True, False, True, False, True, False, None, None]
    assert [None if pd.isna(v) else v for v in result["smoker"].iloc[:10]] == expected
    assert result["bp_controlled"].sum() == persons["hypertension"].sum()
    assert result.loc[~persons["hypertension"], "bp_controlled"].isna().all()


def test_optional_flags_as_booleans_with_blanks_pass_through(persons):
    typed = persons.assign(
        smoker=pd.array([True, False, None] * 10, dtype="boolean"),
        bp_controlled=pd.Series([True if h else None for h in persons["hypertension"]]),
    )
    result = validate_persons(typed)
    assert str(result["smoker"].dtype) == "boolean"
    assert result["smoker"].isna().sum() == 10
    assert str(result["bp_controlled"].dtype) == "boolean"
    complete = validate_persons(persons.assign(smoker=False))
    assert complete["smoker"].dtype == bool


def test_optional_column_problems_name_the_column_and_rows(persons):
    raw = _with_optional_columns(persons)
    raw.loc[3, "emergency_admissions_acsc"] = "2"  # more than the person's 0 admissions
    raw.loc[4, "emergency_admissions_acsc"] = ""
    raw.loc[5, "emergency_admissions_acsc"] = "1.5"
    raw.loc[6, "Smoker"] = "ex"
    raw.loc[8, "bp_controlled"] = "Y"  # row 10: no hypertension
    with pytest.raises(DataContractError) as caught:
        validate_persons(raw, source="extract.csv")
    message = str(caught.value)
    assert message.startswith("extract.csv: 5 problems found")
    assert (
        "column 'emergency_admissions_acsc': 1 row has more emergency_admissions_acsc than "
        "emergency_admissions, of which they are a part (row 5: 2)"
    ) in message
    assert "column 'emergency_admissions_acsc': 1 row is blank (row 6)" in message
    assert (
        "column 'emergency_admissions_acsc': 1 row is not a whole number (row 7: '1.5')" in message
    )
    assert "column 'smoker': 1 row is not a yes/no value" in message and "(row 8: 'ex')" in message
    assert "column 'bp_controlled': 1 row is true for a person without hypertension" in message
    assert "(row 10: True)" in message


def test_bp_controlled_is_not_checked_without_a_hypertension_column(persons):
    result = validate_persons(persons.drop(columns="hypertension").assign(bp_controlled=True))
    assert result["bp_controlled"].all()


@pytest.mark.parametrize(
    ("column", "suggestion"),
    [
        ("emergency_admissions_fals", "emergency_admissions_falls"),
        ("Emergency Admissions Cardiovasular", "emergency_admissions_cardiovascular"),
        ("bp_control", "bp_controlled"),
        ("smokers", "smoker"),
    ],
)
def test_near_misses_of_the_optional_columns_are_refused(persons, column, suggestion):
    with pytest.raises(DataContractError) as caught:
        validate_persons(persons.assign(**{column: 0}))
    assert f"did you mean '{suggestion}'?" in str(caught.value)


def test_other_emergency_admission_breakdowns_are_extra_columns(persons):
    # Not near misses of emergency_admissions_acsc or _alcohol: kept, not checked.
    extra = {"emergency_admissions_cancer": 0, "emergency_admissions_other": 0}
    extra["emergency_admissions_alcohol_related"] = 0
    result = validate_persons(persons.assign(**extra))
    assert set(extra) <= set(result.columns)


def test_date_of_birth_without_age_needs_a_reference_date():
    with pytest.raises(DataContractError) as caught:
        read_persons(CODINGS)
    message = str(caught.value)
    assert "persons_codings.csv" in message
    assert "column 'age' is missing" in message
    assert "reference_date" in message


def test_blank_or_unreadable_date_of_birth_is_named_when_deriving_age():
    raw = pd.read_csv(CODINGS, dtype=str)
    raw.loc[1, "Date of Birth"] = None
    raw.loc[2, "Date of Birth"] = "31/31/1999"
    with pytest.raises(DataContractError) as caught:
        validate_persons(raw, reference_date="2025-03-31")
    message = str(caught.value)
    assert "2 problems found" in message
    assert "column 'date_of_birth': 1 row is blank, so age cannot be derived (row 3)" in message
    assert "(row 4: '31/31/1999')" in message
    assert "column 'age'" not in message


def test_a_date_of_birth_after_the_reference_date_is_said_as_such():
    # Before, these rows were refused as "column 'age': ... outside 0 to 120", a column
    # the file does not have, with ages of -1 and -3.
    raw = pd.read_csv(CODINGS, dtype=str)
    raw.loc[0, "Date of Birth"] = "01/04/2025"
    raw.loc[1, "Date of Birth"] = "2028-01-01"
    with pytest.raises(DataContractError) as caught:
        validate_persons(raw, reference_date="2025-03-31")
    message = str(caught.value)
    assert "1 problem found" in message
    assert (
        "column 'date_of_birth': 2 rows are after the reference date 2025-03-31, so age "
        "cannot be derived (row 2: '2025-04-01'; row 3: '2028-01-01')"
    ) in message
    assert "column 'age'" not in message


def test_reference_date_without_date_of_birth_still_needs_age():
    raw = pd.read_csv(CODINGS, dtype=str).drop(columns="Date of Birth")
    with pytest.raises(DataContractError, match="column 'age' is missing"):
        validate_persons(raw, reference_date="2025-03-31")


@pytest.mark.parametrize("bad", [20250331, ["2025-03-31"]])
def test_reference_date_of_the_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match="'reference_date' parameter of validate_persons"):
        validate_persons(_raw_persons(), reference_date=bad)


def test_reference_date_that_is_not_a_date_is_a_value_error():
    with pytest.raises(ValueError, match="Got 'the end of March' instead"):
        read_persons(CODINGS, reference_date="the end of March")


def test_two_columns_that_mean_the_same_are_refused():
    raw = _raw_persons().assign(Age=lambda frame: frame["age"])
    with pytest.raises(DataContractError, match=r"column 'age' appears more than once"):
        validate_persons(raw)


def test_messages_show_at_most_five_example_rows():
    raw = _raw_persons()
    raw.loc[:11, "sex"] = "9"
    with pytest.raises(DataContractError) as caught:
        validate_persons(raw)
    message = str(caught.value)
    assert "column 'sex': 12 rows are not F or M" in message
    assert "(row 2: '9'; row 3: '9'; row 4: '9'; row 5: '9'; row 6: '9'; and 7 more)" in message
    failures = caught.value.failures
    assert failures.loc[0, "failing_rows"] == 12
    assert failures.loc[0, "example_rows"] == [2, 3, 4, 5, 6]


def test_row_numbers_of_a_frame_count_positions_not_index_labels():
    raw = _raw_persons().set_axis([f"x{i}" for i in range(30)], axis=0)
    raw.loc["x3", "age"] = "150"
    with pytest.raises(DataContractError, match=r"row 5: 150"):
        validate_persons(raw)


def test_completely_empty_row_in_a_frame_is_an_error():
    raw = _raw_persons()
    raw.loc[4, :] = None
    with pytest.raises(DataContractError, match=r"1 row is completely empty \(row 6\)"):
        validate_persons(raw)


def test_unreadable_value_is_not_reported_again_as_blank():
    raw = _raw_persons()
    raw.loc[2, "bed_days"] = "lots"
    with pytest.raises(DataContractError) as caught:
        validate_persons(raw)
    assert len(caught.value.failures) == 1
    assert "is blank" not in str(caught.value)


def test_non_dataframe_input_is_a_type_error():
    with pytest.raises(TypeError, match="'data' parameter of validate_persons must be a pandas"):
        validate_persons([{"person_id": "a"}])


def test_cp1252_file_reads_when_its_encoding_is_given():
    path = Path(__file__).parent / "bad_inputs" / "not_utf8.csv"
    result = read_persons(path, encoding="cp1252")
    assert result.loc[12, "place"] == "Café Quarter"


@pytest.mark.parametrize(
    ("options", "error", "text"),
    [
        ({"encoding": 8}, TypeError, "'encoding' parameter of read_persons must be a str"),
        ({"encoding": "klingon"}, ValueError, "'encoding' parameter of read_persons must name"),
        ({"sheet": 1.5}, TypeError, "'sheet' parameter of read_persons"),
    ],
)
def test_reader_options_are_checked(options, error, text):
    with pytest.raises(error, match=text):
        read_persons(GOOD_PERSONS, **options)


def test_path_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="'path' parameter of read_persons"):
        read_persons(42)


# --- areas and the Indices of Deprivation files --------------------------------------------------


def test_areas_contract_file(areas):
    assert list(areas.columns) == [
        "lsoa",
        "lsoa_name",
        "imd_score",
        "imd_decile",
        "population",
        "place",
    ]
    assert areas["imd_decile"].dtype == "int64"
    assert areas["population"].dtype == "int64"
    assert areas["lsoa"].is_unique


def test_imd_2019_file_7_maps_to_the_contract():
    areas = read_areas(IMD_2019)
    assert len(areas) == 6
    first = areas.iloc[0]
    assert first["lsoa"] == "E01033001"
    assert first["lsoa_name"] == "Northgate 001A"
    assert first["imd_score"] == pytest.approx(48.213)
    assert first["imd_decile"] == 1
    assert first["population"] == 1612  # "Total population: mid 2015 (excluding prisoners)"
    assert first["place"] == first["lad_name"] == "Northgate"
    assert first["lad_code"] == "E06000901"
    assert areas["imd_rank"].dtype == "Int64" and first["imd_rank"] == 1204


def test_imd_2025_release_uses_2021_codes():
    areas = read_areas(IMD_2025)
    assert list(areas["lsoa"])[:2] == ["E01035001", "E01035002"]
    assert areas["population"].iloc[0] == 1688  # "Total population: mid 2022"
    assert set(areas["place"]) == {"Northgate", "Southfield"}


def test_places_mapping_by_lsoa_or_district_overrides_the_district_name():
    places = {"E01033003": "Northgate East", "e07000902": "South"}
    areas = read_areas(IMD_2019, places=places)
    assert dict(zip(areas["lsoa"], areas["place"], strict=True)) == {
        "E01033001": "Northgate",
        "E01033002": "Northgate",
        "E01033003": "Northgate East",
        "E01033005": "South",
        "E01033007": "South",
        "E01033008": "South",
    }


def test_places_must_be_a_mapping():
    with pytest.raises(TypeError, match="'places' parameter of read_areas"):
        read_areas(IMD_2019, places=[("E01033003", "East")])


def test_imd_file_in_excel_with_a_title_row(tmp_path):
    raw = pd.read_csv(IMD_2019, dtype=str)
    path = tmp_path / "File_7_IoD2019.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["English Indices of Deprivation 2019"]]).to_excel(
            writer, index=False, header=False
        )
        raw.to_excel(writer, index=False, startrow=2)
    areas = read_areas(path)
    pd.testing.assert_frame_equal(areas, read_areas(IMD_2019))


def test_areas_from_a_geopackage_keep_their_geometry(areas, tmp_path):
    boxes = [shapely.box(400_000 + i * 100, 500_000, 400_100 + i * 100, 500_100) for i in range(8)]
    gdf = gpd.GeoDataFrame(areas, geometry=boxes, crs=27700)
    path = tmp_path / "areas.gpkg"
    gdf.to_file(path)
    result = read_areas(path)
    assert isinstance(result, gpd.GeoDataFrame)
    assert result.crs.to_epsg() == 27700
    assert result.geometry.equals(gdf.geometry)


def test_areas_geodataframe_in_another_crs_is_reprojected_with_a_warning(areas):
    boxes = [shapely.box(-1.5 + i / 100, 54.0, -1.49 + i / 100, 54.01) for i in range(8)]
    gdf = gpd.GeoDataFrame(areas, geometry=boxes, crs=4326)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = validate_areas(gdf)
    assert result.crs.to_epsg() == 27700
    assert gdf.crs.to_epsg() == 4326  # the input is not changed
    assert any("reprojected to British National Grid" in str(w.message) for w in caught)
    assert 300_000 < result.geometry.centroid.y.iloc[0] < 700_000


def test_areas_geometry_needs_a_crs_and_a_shape_in_every_row(areas):
    boxes = [shapely.box(0, 0, 1, 1)] * 8
    with pytest.raises(DataContractError, match="no coordinate reference system"):
        validate_areas(gpd.GeoDataFrame(areas, geometry=boxes))
    boxes[3] = None
    with pytest.raises(DataContractError, match=r"column 'geometry': 1 row has no geometry"):
        validate_areas(gpd.GeoDataFrame(areas, geometry=boxes, crs=27700))


# --- joining persons to areas --------------------------------------------------------------------


def test_join_keeps_every_person_and_reports_the_unmatched(persons, areas):
    people = persons.drop(columns=["imd_decile", "place"])
    people.loc[3, "lsoa"] = None
    people.loc[4, "lsoa"] = "W01000123"
    people.loc[[7, 8], "lsoa"] = "E01099999"
    before = people.copy(deep=True)

    joined, report = join_persons_to_areas(people, areas)

    pd.testing.assert_frame_equal(people, before)
    assert len(joined) == len(people)
    assert list(joined["person_id"]) == list(people["person_id"])
    assert (report.persons, report.matched, report.unmatched, report.without_lsoa) == (30, 26, 3, 1)
    assert report.unmatched_person_ids == ("P100005", "P100008", "P100009")
    assert list(report.unmatched_lsoas["lsoa"]) == ["E01099999", "W01000123"]
    assert list(report.unmatched_lsoas["persons"]) == [2, 1]
    assert report.unmatched_lsoas["reason"].iloc[1].startswith("Welsh LSOA")
    assert joined.loc[[3, 4, 7, 8], "imd_decile"].isna().all()
    assert str(joined["imd_decile"].dtype) == "Int64"
    expected = dict(zip(areas["lsoa"], areas["imd_decile"], strict=True))
    matched = joined[joined["lsoa"].isin(list(expected))]
    assert list(matched["imd_decile"]) == [expected[code] for code in matched["lsoa"]]
    assert report.to_frame()["persons"].sum() == 30
    assert "E01099999 (2)" in report.summary()
    assert "<table" in report._repr_html_()


def test_join_summary_suggests_checking_the_lsoa_vintage(persons):
    areas_2021 = read_areas(IMD_2025)
    _, report = join_persons_to_areas(persons.drop(columns=["imd_decile", "place"]), areas_2021)
    assert report.matched == 0
    assert "same LSOA vintage" in str(report)


def test_join_refuses_to_overwrite_unless_told(persons, areas):
    with pytest.raises(ValueError, match="persons already has 'imd_decile', 'place'"):
        join_persons_to_areas(persons, areas)
    people = persons.copy()
    people.loc[0, "imd_decile"] = pd.NA
    people.loc[1, "lsoa"] = "E01099999"
    filled, _ = join_persons_to_areas(people, areas, existing="fill")
    replaced, _ = join_persons_to_areas(people, areas, existing="replace")
    assert filled.loc[0, "imd_decile"] == 6  # E01033004's decile filled in
    assert filled.loc[1, "imd_decile"] == persons.loc[1, "imd_decile"]  # kept
    assert pd.isna(replaced.loc[1, "imd_decile"])  # unmatched: blank when replaced
    assert list(filled.columns) == list(persons.columns)


def test_join_options_and_inputs_are_checked(persons, areas):
    people = persons.drop(columns=["imd_decile", "place"])
    with pytest.raises(ValueError, match="'existing' parameter of join_persons_to_areas"):
        join_persons_to_areas(people, areas, existing="overwrite")
    with pytest.raises(ValueError, match="'columns' parameter of join_persons_to_areas"):
        join_persons_to_areas(people, areas, columns=("imd_quintile",))
    with pytest.raises(TypeError, match="'areas' parameter of join_persons_to_areas"):
        join_persons_to_areas(people, {"lsoa": []})
    with pytest.raises(DataContractError, match="column 'lsoa' is missing"):
        join_persons_to_areas(people.drop(columns="lsoa"), areas)
    doubled = pd.concat([areas, areas.iloc[[2]]], ignore_index=True)
    with pytest.raises(DataContractError, match=r"2 rows share an LSOA code.*rows? 4"):
        join_persons_to_areas(people, doubled)


def test_join_can_bring_other_area_columns(persons, areas):
    people = persons.drop(columns=["imd_decile", "place"])
    joined, report = join_persons_to_areas(people, areas, columns=["imd_score", "population"])
    assert isinstance(report, JoinReport)
    assert joined["population"].dtype == "Int64"
    assert np.isclose(joined.loc[0, "imd_score"], 15.8)


# ---------------------------------------------------------------------------------------
# Persons files packed as .gz or in a .zip (issue 14: government's and extracts' habit)


@pytest.fixture
def packed_persons(tmp_path):
    import gzip
    import shutil
    import zipfile

    from toolkit.data import make_demo_system

    persons = make_demo_system(persons=300, seed=4).persons
    plain = tmp_path / "persons.csv"
    persons.to_csv(plain, index=False)
    with plain.open("rb") as source, gzip.open(tmp_path / "persons.csv.gz", "wb") as target:
        shutil.copyfileobj(source, target)
    with zipfile.ZipFile(tmp_path / "extract.zip", "w") as archive:
        archive.write(plain, "persons.csv")
    bad = persons.copy()
    bad.loc[6, "age"] = 130
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as archive:
        archive.write(tmp_path / "bad.csv", "bad.csv")
    return tmp_path


def test_persons_read_from_gz_and_zip_equal_the_plain_file(packed_persons):
    from toolkit.data import read_persons

    plain = read_persons(packed_persons / "persons.csv")
    pd.testing.assert_frame_equal(read_persons(packed_persons / "persons.csv.gz"), plain)
    pd.testing.assert_frame_equal(read_persons(packed_persons / "extract.zip"), plain)


def test_a_packed_file_s_problems_name_the_archive_the_member_and_the_rows(packed_persons):
    from toolkit.data import read_persons

    with pytest.raises(DataContractError) as error:
        read_persons(packed_persons / "bad.zip")
    message = str(error.value)
    assert message.startswith("bad.zip (bad.csv): 1 problem found.")
    assert "column 'age': 1 row is outside 0 to 120 (row 8: 130)" in message
    cut = packed_persons / "cut.csv.gz"
    cut.write_bytes((packed_persons / "persons.csv.gz").read_bytes()[:150])
    with pytest.raises(DataContractError, match=r"cut\.csv\.gz: could not be unpacked as a gzip"):
        read_persons(cut)


# --- a header followed only by blank rows is a table with no data rows (walk-through) -----


def _header_then(path: Path, source: Path, below: str) -> Path:
    header = source.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + "\n" + below, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("below", "says"),
    [
        ("\n\n", "all 2 rows below it are blank"),
        (None, "1 row below it is blank"),  # a line of commas only
        ("", "the table has a header row but no data rows."),  # header only, as before
    ],
    ids=["blank_lines", "commas_only", "header_only"],
)
@pytest.mark.parametrize("kind", ["persons", "areas"])
def test_a_header_over_blank_rows_is_refused_as_having_no_data_rows(tmp_path, kind, below, says):
    source, reader = (GOOD_PERSONS, read_persons) if kind == "persons" else (GOOD_AREAS, read_areas)
    if below is None:
        width = source.read_text(encoding="utf-8").splitlines()[0].count(",")
        below = "," * width + "\n"
    path = _header_then(tmp_path / f"{kind}.csv", source, below)
    with pytest.raises(DataContractError) as caught:
        reader(path)
    message = str(caught.value)
    assert message.startswith(f"{kind}.csv: "), message
    assert "the table has a header row but no data rows" in message
    assert says in message
    assert caught.value.failures["check"].tolist()[0] == "has_rows"


# --- a persons workbook's data sheet is found, as an areas workbook's is (walk-through) ----


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


NOTES = pd.DataFrame({"About": ["Extract of 31/03/2025", "Contact: the BI team"]})


def test_a_persons_workbook_with_notes_first_is_read_from_its_data_sheet(tmp_path):
    good = pd.read_csv(GOOD_PERSONS, dtype=str)
    path = _workbook(tmp_path / "persons.xlsx", {"Notes": NOTES, "Data": good})
    with pytest.warns(UserWarning, match=r"persons.xlsx: read sheet 'Data'"):
        persons = read_persons(path)
    assert len(persons) == len(good) == 30
    note = "read sheet 'Data', the one whose header row has the persons columns"
    assert persons.attrs["notes"] == [f"{note} (the workbook's sheets: 'Notes', 'Data')"]
    # A sheet named still reads that sheet, as before.
    with pytest.raises(DataContractError, match="column 'person_id' is missing"):
        read_persons(path, sheet=0)


def test_a_persons_workbook_without_the_columns_names_its_sheets(tmp_path):
    summary = pd.DataFrame({"month": ["April"], "count": [3]})
    path = _workbook(tmp_path / "persons.xlsx", {"Notes": NOTES, "Summary": summary})
    with pytest.raises(DataContractError) as caught:
        read_persons(path)
    message = str(caught.value)
    assert message.startswith(
        "persons.xlsx (sheet 'Notes' read: none of the workbook's sheets ('Notes', 'Summary') "
        "has a header row with the persons columns"
    ), message
    assert "column 'person_id' is missing" in message


# --- text such as NA or NULL read as blank is said, where it was (walk-through) -----------


def _persons_with(path: Path, changes: dict[tuple[int, str], str]) -> Path:
    frame = pd.read_csv(GOOD_PERSONS, dtype=str, keep_default_na=False)
    for (position, column), value in changes.items():
        frame.loc[position, column] = value
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


PLACE_NULL = "column 'place': 2 values written as 'NULL' or 'NA' were read as blank (rows 5, 7)"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_place_written_as_null_is_read_as_blank_and_said(tmp_path, suffix):
    path = _persons_with(tmp_path / f"persons{suffix}", {(3, "place"): "NULL", (5, "place"): "NA"})
    with pytest.warns(UserWarning) as caught:
        persons = read_persons(path)
    assert f"persons{suffix}: {PLACE_NULL}." in [str(warning.message) for warning in caught]
    assert persons.attrs["notes"] == [PLACE_NULL]
    assert persons["place"].isna().sum() == 2  # place unknown, as a blank cell is


def test_text_read_as_blank_is_said_in_a_csv_pandas_reads_too(tmp_path):
    # A line break inside quotes: pyarrow declines the file and pandas reads it.
    path = _persons_with(
        tmp_path / "persons.csv", {(0, "ethnic_group"): "White\nBritish", (3, "place"): "NULL"}
    )
    with pytest.warns(UserWarning, match=r"column 'place': 1 value written as 'NULL' was read"):
        persons = read_persons(path)
    assert persons["place"].isna().sum() == 1


def test_a_required_value_written_as_na_is_said_before_the_refusal(tmp_path):
    path = _persons_with(tmp_path / "persons.csv", {(3, "age"): "N/A", (7, "age"): ""})
    with pytest.warns(UserWarning) as caught, pytest.raises(DataContractError) as refused:
        read_persons(path)
    said = [str(warning.message) for warning in caught]
    assert "persons.csv: column 'age': 1 value written as 'N/A' was read as blank (row 5)." in said
    assert "column 'age': 2 rows are blank (rows 5, 9)" in str(refused.value)


def test_an_areas_place_written_as_null_is_said_and_refused(tmp_path):
    frame = pd.read_csv(GOOD_AREAS, dtype=str)
    frame.loc[2, "place"] = "NULL"
    path = tmp_path / "areas.csv"
    frame.to_csv(path, index=False)
    with pytest.warns(UserWarning) as caught, pytest.raises(DataContractError) as refused:
        read_areas(path)
    said = "areas.csv: column 'place': 1 value written as 'NULL' was read as blank (row 4)."
    assert said in [str(warning.message) for warning in caught]
    assert "column 'place': 1 row is blank (row 4)" in str(refused.value)


def test_indices_files_note_text_read_as_blank_only_in_the_columns_taken(tmp_path):
    iod = Path(__file__).parent / "iod" / "File_2_-_IoD2019_Domains_of_Deprivation.csv"
    lines = iod.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",NA"  # a domain's decile, not taken
    path = tmp_path / "File_2_IoD2019.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        areas = read_areas([path, iod.parent / "File_6_-_IoD2019_Population_Denominators.csv"])
    assert not any("read as blank" in str(warning.message) for warning in caught)
    assert not any("read as blank" in note for note in areas.attrs["notes"])


# --- Excel's error cells (#N/A, #DIV/0!...) are not read as blank without a word ----------


def _workbook_with_errors(path: Path, errors: dict[tuple[int, str], str]) -> Path:
    """The good persons as a workbook, with Excel error cells at (data position, column)."""
    import openpyxl

    _persons_with(path, {})
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for (position, column), error in errors.items():
        cell = sheet.cell(row=position + 2, column=header.index(column) + 1)
        cell.value = error
        assert cell.data_type == "e"  # an error cell, as a failed formula leaves it
    workbook.save(path)
    return path


def test_an_excel_not_available_cell_is_read_as_blank_and_said(tmp_path):
    path = _workbook_with_errors(tmp_path / "persons.xlsx", {(3, "place"): "#N/A"})
    said = "column 'place': 1 value written as '#N/A' was read as blank (row 5)"
    with pytest.warns(UserWarning, match=re.escape(said)):
        persons = read_persons(path)
    assert persons.attrs["notes"] == [said]
    assert persons["place"].isna().sum() == 1


def test_excel_error_cells_from_failed_formulas_are_refused_with_their_rows(tmp_path):
    from toolkit.segment import check_persons_file

    path = _workbook_with_errors(
        tmp_path / "persons.xlsx",
        {(2, "place"): "#REF!", (3, "bed_days"): "#DIV/0!", (6, "bed_days"): "#VALUE!"},
    )
    with pytest.raises(DataContractError) as refused:
        read_persons(path)
    message = str(refused.value)
    assert (
        "column 'place': 1 row is an Excel error, from a formula that failed (row 4: '#REF!')."
        in message
    )
    assert (
        "column 'bed_days': 2 rows are Excel errors, from formulas that failed "
        "(row 5: '#DIV/0!'; row 8: '#VALUE!')." in message
    )
    assert "paste the values" in message
    failures = refused.value.failures
    assert set(failures["check"]) == {"excel_error"}
    assert failures.set_index("column").loc["bed_days", "failing_rows"] == 2
    # validate (and so cube) refuse the same file with the same words
    with pytest.raises(DataContractError) as checked:
        check_persons_file(path)
    assert str(checked.value) == message


def test_excel_errors_in_columns_no_reader_takes_are_not_refused(tmp_path):
    """A helper column's #DIV/0! (or a stray #REF! beside the table) is not read: no refusal."""
    import openpyxl

    path = _persons_with(tmp_path / "persons.xlsx", {})
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    width = sheet.max_column
    sheet.cell(row=1, column=width + 1).value = "my_calc"
    sheet.cell(row=3, column=width + 1).value = "#DIV/0!"
    sheet.cell(row=4, column=width + 3).value = "#REF!"  # no header: 'Unnamed'
    workbook.save(path)
    persons = read_persons(path)
    assert len(persons) == len(pd.read_csv(GOOD_PERSONS))
