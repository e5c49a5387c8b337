"""Title rows above a CSV header, values shown as written, and the IMD edition given.

- An areas CSV with title rows above its header (a sheet saved as CSV) is read from the
  header row, found as a workbook's is, and a note says which row it is; a persons CSV with
  one is refused, saying where the header is (it used to be "column '' appears more than
  once ('' and '' and ...)").
- A rank written "29,199.5" is shown as written, not as "29199.5".
- ``read_areas`` and ``validate_areas`` take ``imd_edition`` for a table that does not say
  its edition (a CSV, a merge with boundaries), and refuse one that differs from what it
  says.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from toolkit.data import make_demo_system, read_areas, read_persons, validate_areas
from toolkit.errors import DataContractError
from toolkit.segment import check_persons_file

from .test_validate_cube_agree import run

FILE_1_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile"
)
ROWS = [
    "E01000001,Boltham 001A,E08000001,Boltham,626,1",
    "E01000002,Boltham 001B,E08000001,Boltham,12279,4",
    'E01000003,Boltham 001C,E08000001,Boltham,"29,199",9',
]


def file_1(folder: Path, name: str, titles: list[str], rows: list[str] = ROWS) -> Path:
    path = folder / name
    path.write_text("\n".join([*titles, FILE_1_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def read(path: Path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_areas(path, **options)


@pytest.mark.parametrize(
    "titles",
    [
        ["English Indices of Deprivation 2019,,,,,", "File 1,,,,,"],  # as a sheet saves them
        ["English Indices of Deprivation 2019", "File 1"],  # one cell each
    ],
    ids=["padded", "one cell"],
)
def test_an_areas_csv_is_read_from_its_header_below_title_rows(tmp_path, titles):
    areas = read(file_1(tmp_path, "f1.csv", titles))
    assert areas["lsoa"].tolist() == ["E01000001", "E01000002", "E01000003"]
    assert areas["imd_rank"].tolist() == [626, 12279, 29199]
    assert areas.attrs["imd_edition"] == "2019"
    assert "the header is row 3: the 2 rows above it were left out" in areas.attrs["notes"]


def test_rows_below_title_rows_keep_their_spreadsheet_numbers(tmp_path):
    rows = [*ROWS[:2], 'E01000003,Boltham 001C,E08000001,Boltham,"29,199.5",12']
    path = file_1(tmp_path, "f1.csv", ["Title,,,,,"], rows)
    with pytest.raises(DataContractError) as raised:
        read(path)
    message = str(raised.value)
    assert "(the header is row 2)" in message
    # The rank as written (not '29199.5'), in the row a spreadsheet shows.
    assert "column 'imd_rank': 1 row is not a whole number (row 5: '29,199.5')." in message
    assert "column 'imd_decile': 1 row is outside 1 to 10 (row 5: 12)." in message
    assert "''" not in message


def test_a_persons_csv_below_title_rows_is_refused_saying_where_its_header_is(tmp_path):
    persons = make_demo_system(persons=100, seed=2).persons.head(10)
    path = tmp_path / "persons.csv"
    path.write_text("Extract from the GP system,,\n,,\n" + persons.to_csv(index=False))
    said = (
        "persons.csv: the header seems not to be in row 1: row 3 names the columns "
        "('person_id', 'age', 'sex' ...). Delete the 2 rows above it, so that the header is "
        "row 1 (a workbook's header is found below title rows; a CSV file's must be its first "
        "line)."
    )
    for check in (read_persons, check_persons_file):
        with pytest.raises(DataContractError) as raised:
            check(path)
        assert str(raised.value) == said
    for argv in (["validate"], ["cube", "--out", str(tmp_path / "c.parquet"), "--quiet"]):
        status, printed = run([argv[0], str(path), *argv[1:]])
        assert status == 2
        assert f"{path}: the header seems not to be in row 1: row 3" in printed


def test_a_header_in_row_1_is_read_as_before(tmp_path):
    # A first line naming the columns is the header even if a later line names them too.
    path = file_1(tmp_path, "f1.csv", [])
    areas = read(path)
    assert len(areas) == 3
    assert not any(note.startswith("the header is row") for note in areas.attrs["notes"])


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make_demo_system(persons=300, seed=5).areas


def test_read_areas_takes_the_edition_a_csv_does_not_say(areas, tmp_path):
    path = tmp_path / "areas.csv"
    pd.DataFrame(areas.drop(columns="geometry")).to_csv(path, index=False)
    assert read(path).attrs["imd_edition"] is None
    assert read(path, imd_edition=2025).attrs["imd_edition"] == "2025"
    assert read(path, imd_edition="2019").attrs["imd_edition"] == "2019"
    gpkg = tmp_path / "areas.gpkg"
    areas.to_file(gpkg)  # a GeoPackage of one's own records no edition
    assert read(gpkg).attrs["imd_edition"] is None
    assert read(gpkg, imd_edition=2019).attrs["imd_edition"] == "2019"


def test_an_edition_that_differs_from_the_file_is_refused(tmp_path):
    path = file_1(tmp_path, "f1.csv", [])
    with pytest.raises(DataContractError) as raised:
        read(path, imd_edition=2025)
    assert str(raised.value) == (
        "f1.csv: imd_edition 2025 was given, but the table is of the 2019 edition of the "
        "indices (its LSOA code column is 'LSOA code (2011)'): give 2019, or leave imd_edition "
        "out to take the table's."
    )
    assert read(path, imd_edition=2019).attrs["imd_edition"] == "2019"


@pytest.mark.parametrize(
    ("given", "error"), [(2020, ValueError), ("2019 edition", ValueError), (True, TypeError)]
)
def test_only_the_editions_known_are_taken(tmp_path, given, error):
    with pytest.raises(error, match="'imd_edition' parameter of read_areas must be"):
        read(tmp_path / "not_read.csv", imd_edition=given)  # refused before reading
    with pytest.raises(error, match="'imd_edition' parameter of validate_areas must be"):
        validate_areas(pd.DataFrame(), imd_edition=given)
    if error is ValueError:
        with pytest.raises(ValueError, match="must be 2019 or 2025"):
            read(tmp_path / "not_read.csv", imd_edition=given)


def test_the_boundaries_recipe_keeps_the_edition(areas):
    """data/README.md: shapes merged with the areas, then validate_areas."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shapes = gpd.GeoDataFrame(
            {"LSOA21CD": areas["lsoa"], "geometry": [box(i, 0, i + 1, 1) for i in range(8)]},
            crs=27700,
        )
        table = pd.DataFrame(areas.drop(columns="geometry"))
        table.attrs["imd_edition"] = areas.attrs["imd_edition"]
        merged = shapes.rename(columns={"LSOA21CD": "lsoa"}).merge(table, on="lsoa")
        assert merged.attrs.get("imd_edition") is None  # a merge loses it
        checked = validate_areas(merged, imd_edition=table.attrs["imd_edition"])
        assert checked.attrs["imd_edition"] == "2019"
        # A table that records its edition keeps it, and refuses another.
        assert validate_areas(checked).attrs["imd_edition"] == "2019"
        with pytest.raises(DataContractError, match="imd_edition 2025 was given"):
            validate_areas(checked, imd_edition=2025)
