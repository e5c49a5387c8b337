from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.errors import DataContractError
from toolkit.places import (
    join_boundaries,
    match_lsoa_codes,
    read_lsoa_boundaries,
    read_lsoa_lookup,
    recode_lsoa,
)

from .ons_fixtures import CODES_2021, geography_2011, geography_2021


@pytest.mark.parametrize(
    ("key", "vintage", "source_epsg"),
    [
        ("gpkg_2021", "2021", 27700),
        ("geojson_2021", "2021", 4326),
        ("shp_2021", "2021", 27700),
        ("gpkg_2011", "2011", 27700),
        ("shp_2011", "2011", 27700),
        ("geojson_2011", "2011", 4326),
    ],
)
def test_read_every_format_into_british_national_grid(ons_files, key, vintage, source_epsg):
    boundaries = read_lsoa_boundaries(ons_files[key])
    expected = geography_2021() if vintage == "2021" else geography_2011()
    code, name = ("LSOA21CD", "LSOA21NM") if vintage == "2021" else ("LSOA11CD", "LSOA11NM")

    assert list(boundaries.columns) == ["lsoa", "lsoa_name", "geometry"]
    assert boundaries.crs.to_epsg() == 27700
    assert boundaries.attrs["lsoa_vintage"] == vintage
    assert boundaries.attrs["source_crs"].endswith(str(source_epsg)) or (
        source_epsg == 4326 and "4326" in boundaries.attrs["source_crs"]
    )
    assert boundaries["lsoa"].tolist() == expected[code].tolist()
    assert boundaries["lsoa_name"].tolist() == expected[name].tolist()
    assert boundaries.geometry.is_valid.all()
    # Reprojection from WGS 84 brings the squares back to within a millimetre of where they were.
    assert_allclose(boundaries.geometry.area, expected.geometry.area, rtol=1e-6)
    assert_allclose(boundaries.total_bounds, expected.total_bounds, atol=1e-3)


def test_geojson_points_really_move_from_degrees_to_metres(ons_files):
    raw = gpd.read_file(ons_files["geojson_2021"])
    assert raw.crs.to_epsg() == 4326
    assert raw.total_bounds[0] > -2 and raw.total_bounds[2] < -1  # longitudes around Leeds
    boundaries = read_lsoa_boundaries(ons_files["geojson_2021"])
    assert boundaries.total_bounds[0] == pytest.approx(428_000, abs=1e-3)


def test_file_without_crs_needs_assume_crs(tmp_path):
    frame = geography_2021().set_crs(None, allow_override=True)
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.to_file(path)
    with pytest.raises(DataContractError, match="assume_crs='EPSG:27700'"):
        read_lsoa_boundaries(path)
    boundaries = read_lsoa_boundaries(path, assume_crs="EPSG:27700")
    assert boundaries.crs.to_epsg() == 27700
    assert boundaries.attrs["features"] == 12


def test_mislabelled_crs_is_caught(tmp_path):
    frame = geography_2021().set_crs(4326, allow_override=True)  # metres labelled as degrees
    path = tmp_path / "mislabelled.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(DataContractError, match="mislabelled"):
        read_lsoa_boundaries(path)


def test_bad_codes_are_all_reported_at_once(tmp_path):
    frame = geography_2021()
    frame.loc[2, "LSOA21CD"] = "E0100001"  # too short
    frame.loc[5, "LSOA21CD"] = CODES_2021[6]  # duplicate
    frame.loc[8, "LSOA21CD"] = None
    path = tmp_path / "bad.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(DataContractError) as caught:
        read_lsoa_boundaries(path)
    message = str(caught.value)
    assert "'LSOA21CD'" in message
    # Rows numbered as everywhere else: the first feature is row 2.
    assert "column 'LSOA21CD': 1 row has no code (row 10)." in message
    assert (
        "column 'LSOA21CD': 1 row is not an LSOA code like E01000001 (row 4: 'E0100001')" in message
    )
    assert (
        f"2 rows repeat LSOA codes (row 7: '{CODES_2021[6]}'; row 8: '{CODES_2021[6]}')" in message
    )
    assert set(caught.value.failures["check"]) == {"not_blank", "lsoa_code", "unique"}


def test_invalid_polygon_is_repaired_and_counted(tmp_path):
    from shapely.geometry import Polygon

    frame = geography_2021()
    x, y = 428_000.0, 432_000.0
    bowtie = Polygon([(x, y), (x + 500, y + 500), (x + 500, y), (x, y + 500)])
    frame.loc[0, "geometry"] = bowtie
    path = tmp_path / "bowtie.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(DataContractError, match="invalid"):
        read_lsoa_boundaries(path, repair=False)
    boundaries = read_lsoa_boundaries(path)
    assert boundaries.attrs["repaired_geometries"] == 1
    assert boundaries.geometry.is_valid.all()
    assert boundaries.geometry.iloc[0].geom_type in {"Polygon", "MultiPolygon"}
    assert boundaries.geometry.iloc[0].area == pytest.approx(2 * 0.5 * 500 * 250)  # two triangles


def test_file_with_both_vintages_needs_a_choice(tmp_path):
    frame = geography_2021().assign(LSOA11CD=CODES_2021)
    path = tmp_path / "both.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(DataContractError, match="both LSOA11CD and LSOA21CD"):
        read_lsoa_boundaries(path)
    assert read_lsoa_boundaries(path, vintage="2011").attrs["lsoa_vintage"] == "2011"


def test_options_are_checked():
    with pytest.raises(ValueError, match="'vintage' parameter of read_lsoa_boundaries"):
        read_lsoa_boundaries("x.gpkg", vintage="2001")
    with pytest.raises(TypeError, match="'vintage' parameter"):
        read_lsoa_boundaries("x.gpkg", vintage=2021)


def test_read_lookup(ons_files):
    lookup = read_lsoa_lookup(ons_files["lookup"])
    assert {"LSOA11CD", "LSOA21CD", "CHGIND", "LAD22CD"} <= set(lookup.columns)
    assert set(lookup["CHGIND"]) == {"U", "S", "M", "X"}
    assert lookup["LSOA11CD"].iloc[0] == "E01800001"  # byte order mark not in the first name


def test_lookup_with_unknown_change_indicator_is_refused(tmp_path, ons_files):
    frame = pd.read_csv(ons_files["lookup"], encoding="utf-8-sig").assign(CHGIND="Q")
    path = tmp_path / "lookup.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataContractError, match="other than U, S, M, X"):
        read_lsoa_lookup(path)


def _persons_on_2011_codes() -> pd.DataFrame:
    codes = [
        "E01800001",  # split -> CODES_2021[0] or [1]
        "E01800002",  # merged -> CODES_2021[2]
        "E01800003",  # merged -> CODES_2021[2]
        "E01800004",  # complex -> CODES_2021[3] or [4]
        "E01800005",  # complex, one target -> CODES_2021[4]
        CODES_2021[7],  # unchanged (same code in both vintages)
        CODES_2021[1],  # already a 2021-only code
        None,  # no code
        "E01777777",  # in neither vintage
    ]
    return pd.DataFrame({"person_id": [f"p{i}" for i in range(len(codes))], "lsoa": codes})


def test_recode_lowest_code(ons_files):
    lookup = read_lsoa_lookup(ons_files["lookup"])
    persons = _persons_on_2011_codes()
    before = persons.copy(deep=True)
    recoded, report = recode_lsoa(persons, lookup)

    pd.testing.assert_frame_equal(persons, before)  # input untouched
    expected = [
        CODES_2021[0],
        CODES_2021[2],
        CODES_2021[2],
        CODES_2021[3],
        CODES_2021[4],
        CODES_2021[7],
        CODES_2021[1],
        None,
        "E01777777",
    ]
    assert [None if pd.isna(code) else code for code in recoded["lsoa"]] == expected
    assert list(recoded.columns) == ["person_id", "lsoa", "lsoa_2011"]
    assert recoded["lsoa_2011"].tolist()[:7] == persons["lsoa"].tolist()[:7]
    assert len(recoded) == len(persons)  # one row per person: counts conserved
    assert report.rows_by_change == {"S": 1, "M": 2, "X": 2, "U": 1}
    assert report.rows_already_target == 1
    assert report.rows_missing_code == 1
    assert report.rows_unmatched == 1 and report.unmatched_codes == ("E01777777",)
    assert report.complex_codes == ("E01800004", "E01800005")
    assert "E01777777" in str(report)
    assert report.to_frame()["rows"].sum() == len(persons)


def test_recode_largest_population_and_unassigned(ons_files):
    lookup = read_lsoa_lookup(ons_files["lookup"])
    persons = _persons_on_2011_codes()
    population = pd.Series(1000, index=CODES_2021)
    population[CODES_2021[1]] = 2000  # the larger part of the split
    population[CODES_2021[4]] = 3000  # the larger part of the complex change
    recoded, _ = recode_lsoa(
        persons, lookup, split_rule="largest_population", population=population
    )
    assert recoded["lsoa"].iloc[0] == CODES_2021[1]
    assert recoded["lsoa"].iloc[3] == CODES_2021[4]

    recoded, report = recode_lsoa(persons, lookup, split_rule="unassigned")
    assert recoded["lsoa"].isna().tolist()[:5] == [True, False, False, True, False]
    assert report.rows_unassigned == 2

    with pytest.raises(ValueError, match="'population' parameter of recode_lsoa"):
        recode_lsoa(persons, lookup, split_rule="largest_population")
    with pytest.raises(ValueError, match="no figure for 1"):
        recode_lsoa(
            persons,
            lookup,
            split_rule="largest_population",
            population=population.drop(CODES_2021[0]),
        )


def test_recode_back_to_2011_treats_merges_as_splits(ons_files):
    lookup = read_lsoa_lookup(ons_files["lookup"])
    data = pd.DataFrame({"lsoa": [CODES_2021[2], CODES_2021[0], CODES_2021[9]]})
    recoded, report = recode_lsoa(data, lookup, to="2011")
    assert recoded["lsoa"].tolist() == ["E01800002", "E01800001", CODES_2021[9]]
    assert list(recoded.columns) == ["lsoa", "lsoa_2021"]
    assert report.rows_by_change == {"S": 1, "M": 1, "U": 1}


def test_recode_refuses_to_overwrite(ons_files):
    lookup = read_lsoa_lookup(ons_files["lookup"])
    persons = _persons_on_2011_codes().assign(lsoa_2011="x")
    with pytest.raises(ValueError, match="'lsoa_2011'"):
        recode_lsoa(persons, lookup)
    with pytest.raises(ValueError, match="'split_rule' parameter of recode_lsoa"):
        recode_lsoa(persons.drop(columns="lsoa_2011"), lookup, split_rule="random")


def test_recoded_persons_all_find_a_2021_boundary(ons_files):
    """Persons on 2011 codes join 2021 boundaries after recoding; before, some do not."""
    lookup = read_lsoa_lookup(ons_files["lookup"])
    boundaries = read_lsoa_boundaries(ons_files["gpkg_2021"])
    codes_2011 = geography_2011()["LSOA11CD"].tolist()
    rng = np.random.default_rng(3)
    persons = pd.DataFrame({"lsoa": rng.choice(codes_2011, size=500)})
    before = match_lsoa_codes(persons, boundaries)
    assert not before.all_matched and before.unmatched_rows > 0
    recoded, report = recode_lsoa(persons, lookup)
    after = match_lsoa_codes(recoded, boundaries)
    assert after.all_matched and after.matched_rows == 500
    assert sum(report.rows_by_change.values()) == 500


def test_join_boundaries_to_imd_reports_both_sides(ons_files, imd_2025_areas):
    boundaries = read_lsoa_boundaries(ons_files["geojson_2021"])
    joined, report = join_boundaries(boundaries, imd_2025_areas)
    assert isinstance(joined, gpd.GeoDataFrame)
    assert joined.crs.to_epsg() == 27700
    assert joined["lsoa"].tolist() == CODES_2021[:11]
    assert list(joined.columns) == [*imd_2025_areas.columns, "geometry"]
    assert joined.geometry.is_valid.all()
    assert report.matched_rows == 11
    assert report.unmatched_codes == ("E01999999",)
    assert report.right_unused_codes == (CODES_2021[11],)
    assert "E01999999" in str(report) and CODES_2021[11] in str(report)
    # Geometry follows its code, not the row order.
    by_code = boundaries.set_index("lsoa").geometry
    assert all(
        geometry.equals(by_code[code])
        for code, geometry in zip(joined["lsoa"], joined.geometry, strict=True)
    )


def test_join_boundaries_refuses_duplicates_and_geometry(ons_files, imd_2025_areas):
    boundaries = read_lsoa_boundaries(ons_files["gpkg_2021"])
    doubled = pd.concat([imd_2025_areas, imd_2025_areas.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataContractError, match="repeat 1 LSOA codes"):
        join_boundaries(boundaries, doubled)
    with pytest.raises(ValueError, match="already has a 'geometry'"):
        join_boundaries(boundaries, imd_2025_areas.assign(geometry=1))


def test_open_data_flow_boundaries_imd_and_persons_on_another_vintage(ons_files, tmp_path):
    """ONS 2021 boundaries + IoD2025 File 7 + persons still on 2011 codes, end to end."""
    from toolkit.data import read_areas

    from .ons_fixtures import imd_file7

    g21 = geography_2021()
    imd_path = tmp_path / "File_7_IoD2025.csv"
    imd_file7(g21["LSOA21CD"].tolist(), g21["LSOA21NM"].tolist(), "2021").to_csv(
        imd_path, index=False
    )
    imd = read_areas(imd_path)
    boundaries = read_lsoa_boundaries(ons_files["geojson_2021"])
    areas, joined_report = join_boundaries(boundaries, imd)
    assert joined_report.all_matched and not joined_report.right_unused_codes
    assert len(areas) == 12 and areas.crs.to_epsg() == 27700

    codes_2011 = geography_2011()["LSOA11CD"].tolist()
    persons = pd.DataFrame({"person_id": [f"p{i}" for i in range(240)], "lsoa": codes_2011 * 20})
    before = match_lsoa_codes(persons, areas)
    assert before.unmatched_rows == 100  # the five changed 2011 codes, 20 persons each
    recoded, _ = recode_lsoa(persons, read_lsoa_lookup(ons_files["lookup"]))
    after = match_lsoa_codes(recoded, areas)
    assert after.all_matched


def test_imd_2019_joins_2011_boundaries_but_not_2021(ons_files, tmp_path):
    from toolkit.data import read_areas

    from .ons_fixtures import imd_file7

    g11 = geography_2011()
    path = tmp_path / "File_7_IoD2019.csv"
    imd_file7(g11["LSOA11CD"].tolist(), g11["LSOA11NM"].tolist(), "2011").to_csv(path, index=False)
    imd = read_areas(path)
    _, same_vintage = join_boundaries(read_lsoa_boundaries(ons_files["shp_2011"]), imd)
    assert same_vintage.all_matched
    _, mixed = join_boundaries(read_lsoa_boundaries(ons_files["gpkg_2021"]), imd)
    assert mixed.unmatched_codes == (
        "E01800001",
        "E01800002",
        "E01800003",
        "E01800004",
        "E01800005",
    )
    assert set(mixed.right_unused_codes) == set(CODES_2021[:5])
