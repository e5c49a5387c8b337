"""The English Indices of Deprivation files as government publishes them, read by read_areas.

The fixtures in ``tests/data/iod/`` carry the real published header rows (where each was
checked is written in ``make_iod_fixtures.py``); workbooks, ``.gz`` and ``.zip`` files are built
from them here.
"""

from __future__ import annotations

import gzip
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.data.readers import read_areas, validate_areas
from toolkit.errors import DataContractError

HERE = Path(__file__).parent
IOD = HERE / "iod"

_spec = importlib.util.spec_from_file_location("make_iod_fixtures", HERE / "make_iod_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

EDITIONS = ("2019", "2025")
#: Files that are an areas table on their own (they have the IMD decile).
ALONE = (1, 2, 7)
#: Files that are not (File 5: scores; File 6: population).
NOT_ALONE = (5, 6)


def csv_path(edition: str, number: int) -> Path:
    return IOD / fixtures.NAMES[edition, number]


def workbook(tmp_path: Path, edition: str, number: int) -> Path:
    name = fixtures.NAMES[edition, number].replace(".csv", ".xlsx")
    return fixtures.write_workbook(tmp_path / name, edition, number)


def expected(edition: str) -> pd.DataFrame:
    columns = ["lsoa", "lsoa_name", "lad_code", "place", "imd_score", "imd_rank", "imd_decile"]
    table = pd.DataFrame([row[:7] for row in fixtures.LSOAS[edition]], columns=columns)
    table["population"] = [row[7] for row in fixtures.LSOAS[edition]]
    return table


def read_quietly(path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return read_areas(path, **options)


def check_deprivation(areas: pd.DataFrame, edition: str) -> None:
    want = expected(edition)
    assert list(areas["lsoa"]) == list(want["lsoa"])
    assert list(areas["lsoa_name"]) == list(want["lsoa_name"])
    assert list(areas["place"]) == list(want["place"])
    assert list(areas["lad_code"]) == list(want["lad_code"])
    assert areas["imd_decile"].dtype == "int64"
    assert list(areas["imd_decile"]) == list(want["imd_decile"])
    assert str(areas["imd_rank"].dtype) == "Int64"
    assert list(areas["imd_rank"]) == list(want["imd_rank"])
    assert areas.attrs["imd_edition"] == edition


# --- the committed fixtures ----------------------------------------------------------------------


def test_committed_fixtures_are_what_the_script_writes(tmp_path):
    written = fixtures.write_fixtures(tmp_path)
    assert {path.name for path in written} == {path.name for path in IOD.glob("*.csv")}
    for path in written:
        assert path.read_bytes() == (IOD / path.name).read_bytes(), path.name


def test_fixtures_carry_the_published_header_rows():
    # The start of File 7 (IoD2019) as published, and the IoD2019 File 1 workbook's header.
    file7 = csv_path("2019", 7).read_text(encoding="utf-8").splitlines()[0]
    assert file7.startswith(
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority "
        "District name (2019),Index of Multiple Deprivation (IMD) Score,Index of Multiple "
        "Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) "
        "Decile (where 1 is most deprived 10% of LSOAs),"
    )
    assert fixtures.HEADERS["2019", 1][4:] == [
        "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile",
    ]
    assert "Total population: mid 2015 (excluding prisoners)" in fixtures.HEADERS["2019", 6]
    assert "Total population: mid 2022" in fixtures.HEADERS["2025", 6]
    assert fixtures.HEADERS["2025", 1][0] == "LSOA code (2021)"


# --- every file, CSV and workbook ----------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("number", ALONE)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_file_with_the_imd_decile_is_an_areas_table(tmp_path, edition, number, kind):
    path = csv_path(edition, number) if kind == "csv" else workbook(tmp_path, edition, number)
    areas = read_quietly(path)
    check_deprivation(areas, edition)
    if number == 7:
        assert areas["population"].dtype == "int64"
        assert list(areas["population"]) == list(expected(edition)["population"])
        assert np.allclose(areas["imd_score"], expected(edition)["imd_score"])
    else:
        assert "population" not in areas and "imd_score" not in areas


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("number", NOT_ALONE)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_scores_or_population_alone_say_to_add_file_1(tmp_path, edition, number, kind):
    path = csv_path(edition, number) if kind == "csv" else workbook(tmp_path, edition, number)
    with pytest.raises(DataContractError) as caught:
        read_areas(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: this looks like File {number}")
    assert f"English Indices of Deprivation {edition}" in message
    assert "Index of Multiple Deprivation (IMD) Decile" in message
    assert "read_areas([file_1, file_6])" in message


@pytest.mark.parametrize("edition", EDITIONS)
def test_workbook_with_a_notes_sheet_first_is_read_from_its_data_sheet(tmp_path, edition):
    path = workbook(tmp_path, edition, 1)
    areas = read_quietly(path)
    check_deprivation(areas, edition)
    sheet = fixtures.SHEETS[edition, 1]
    assert any(
        f"read sheet '{sheet}'" in note and "'Notes'" in note for note in areas.attrs["notes"]
    )
    # Naming the sheet by hand still works, and reads what it is told to.
    assert list(read_quietly(path, sheet=sheet)["lsoa"]) == list(areas["lsoa"])
    with pytest.raises(DataContractError, match="column 'lsoa' is missing"):
        read_areas(path, sheet="Notes")


def test_file_6_workbook_has_terms_and_conditions_first(tmp_path):
    path = workbook(tmp_path, "2019", 6)
    areas = read_quietly([csv_path("2019", 1), path])
    assert list(areas["population"]) == list(expected("2019")["population"])
    assert any("'Terms & Conditions'" in note for note in areas.attrs["notes"])


# --- packed files --------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_gzip_csv_as_published(tmp_path, edition):
    name = fixtures.NAMES[edition, 1] + ".gz"
    path = fixtures.gzip_file(csv_path(edition, 1), tmp_path / name)
    areas = read_quietly(path)
    check_deprivation(areas, edition)
    assert f"read '{fixtures.NAMES[edition, 1]}' from {name}" in areas.attrs["notes"]


def test_gzip_workbook(tmp_path):
    path = fixtures.gzip_file(workbook(tmp_path, "2025", 7), tmp_path / "File_7.xlsx.gz")
    areas = read_quietly(path)
    check_deprivation(areas, "2025")
    assert list(areas["population"]) == list(expected("2025")["population"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_zip_holding_one_data_file(tmp_path, kind):
    inner = csv_path("2019", 7) if kind == "csv" else workbook(tmp_path, "2019", 7)
    path = fixtures.zip_files(
        [inner], tmp_path / "iod2019.zip", extra={"__MACOSX/._x.csv": b"", "folder/": b""}
    )
    areas = read_quietly(path)
    check_deprivation(areas, "2019")


def test_zip_with_two_data_files_says_to_list_them(tmp_path):
    path = fixtures.zip_files([csv_path("2019", 1), csv_path("2019", 6)], tmp_path / "both.zip")
    with pytest.raises(DataContractError) as caught:
        read_areas(path)
    message = str(caught.value)
    assert message.startswith("both.zip: the zip holds 2 data files")
    assert "read_areas([file_1, file_6])" in message


def test_zip_without_a_data_file(tmp_path):
    path = fixtures.zip_files([], tmp_path / "empty.zip", extra={"readme.pdf": b"%PDF"})
    with pytest.raises(DataContractError, match=r"empty.zip: the zip holds no CSV or Excel file"):
        read_areas(path)


@pytest.mark.parametrize("suffix", [".csv.gz", ".zip"])
def test_damaged_packed_file(tmp_path, suffix):
    whole = gzip.compress(csv_path("2019", 7).read_bytes())
    if suffix == ".zip":
        whole = fixtures.zip_files([csv_path("2019", 7)], tmp_path / "whole.zip").read_bytes()
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataContractError) as caught:
        read_areas(path)
    assert str(caught.value).startswith(f"cut{suffix}: could not be unpacked")
    assert "cut short" in str(caught.value)


def test_an_areas_file_packed_and_given_as_persons_is_unpacked_and_checked(tmp_path):
    # Persons files are read packed too (tests/data/test_readers.py); an indices file given
    # as persons is unpacked and refused for what it lacks, naming the packed file.
    from toolkit.data.readers import read_persons

    path = fixtures.gzip_file(csv_path("2019", 7), tmp_path / "persons.csv.gz")
    with pytest.raises(DataContractError, match=r"persons\.csv\.gz: \d+ problems found") as caught:
        read_persons(path)
    assert "column 'person_id' is missing" in str(caught.value)


# --- several files joined on LSOA code -----------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_file_1_with_file_6_gives_the_population(tmp_path, edition):
    with pytest.warns(UserWarning, match="no IMD score") as caught:
        areas = read_areas([csv_path(edition, 1), workbook(tmp_path, edition, 6)])
    assert not any("no population" in str(w.message) for w in caught)
    check_deprivation(areas, edition)
    assert areas["population"].dtype == "int64"
    assert list(areas["population"]) == list(expected(edition)["population"])
    assert list(areas.columns[:5]) == ["lsoa", "lsoa_name", "imd_decile", "population", "place"]
    assert not any("no population" in note for note in areas.attrs["notes"])


def test_files_1_5_and_6_make_a_complete_table_without_notes_of_what_is_missing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        areas = read_areas([csv_path("2025", number) for number in (1, 5, 6)])
    check_deprivation(areas, "2025")
    assert np.allclose(areas["imd_score"], expected("2025")["imd_score"])
    assert not any(note.startswith("no ") for note in areas.attrs["notes"])
    # The same table as File 7 gives.
    whole = read_areas(csv_path("2025", 7))
    pd.testing.assert_frame_equal(areas, whole, check_like=True)


def test_a_later_file_may_cover_more_lsoas_which_are_counted_not_used(tmp_path):
    first = tmp_path / "File_1_local.csv"
    table = pd.read_csv(csv_path("2019", 1), dtype=str)
    table.iloc[:3].to_csv(first, index=False)
    with pytest.warns(UserWarning) as caught:
        areas = read_areas([first, csv_path("2019", 6)])
    said = [str(warning.message) for warning in caught]
    assert any("2 LSOAs that File_1_local.csv does not have were not used" in m for m in said)
    assert list(areas["lsoa"]) == ["E01000001", "E01000002", "E01000003"]
    assert list(areas["population"]) == [1296, 1156, 1350]
    assert any("E01000005, E01000006" in note for note in areas.attrs["notes"])


def test_lsoas_missing_from_a_later_file_are_an_error(tmp_path):
    population = tmp_path / "File_6_cut.csv"
    table = pd.read_csv(csv_path("2019", 6), dtype=str, encoding="utf-8-sig")
    table.drop(index=[1, 3]).to_csv(population, index=False)
    with pytest.raises(DataContractError) as caught:
        read_areas([csv_path("2019", 1), population])
    message = str(caught.value)
    assert (
        "2 LSOA codes of File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv are not in" in message
    )
    assert "File_6_cut.csv (E01000002, E01000005)" in message


def test_files_that_disagree_are_an_error(tmp_path):
    other = tmp_path / "File_2_changed.csv"
    table = pd.read_csv(csv_path("2019", 2), dtype=str)
    table.iloc[2, 5] = "6"  # the IMD decile of E01000003 (5 in File 1)
    table.to_csv(other, index=False)
    with pytest.raises(DataContractError) as caught:
        read_areas([csv_path("2019", 1), other])
    message = str(caught.value)
    assert "column 'imd_decile':" in message
    assert "disagree for 1 LSOA (E01000003: 5 and 6)" in message


def test_editions_cannot_be_mixed():
    with pytest.raises(DataContractError) as caught:
        read_areas([csv_path("2019", 1), csv_path("2025", 6)])
    message = str(caught.value)
    assert "mix editions" in message
    assert "IoD2019 (LSOA 2011 codes)" in message and "IoD2025 (LSOA 2021 codes)" in message


def test_a_value_error_in_a_later_file_names_that_file_and_its_row(tmp_path):
    population = tmp_path / "File_6_typo.csv"
    text = csv_path("2025", 6).read_text(encoding="utf-8").replace(",1737,", ",17 37,")
    population.write_text(text, encoding="utf-8")
    with pytest.raises(DataContractError) as caught:
        read_areas([csv_path("2025", 1), population])
    message = str(caught.value)
    assert message.startswith("File_6_typo.csv: 1 problem found.")
    assert "column 'population': 1 row is not a whole number (row 5: '17 37')" in message


def test_path_must_be_a_path_or_a_list_of_paths():
    with pytest.raises(TypeError, match="'path' parameter of read_areas"):
        read_areas([csv_path("2019", 1), 3])
    with pytest.raises(ValueError, match="at least one file"):
        read_areas([])


# --- thousands separators ------------------------------------------------------------------------


def test_thousands_separators_in_every_numeric_column_are_numbers():
    areas = read_areas(IOD / "thousands_File_7_IoD2019.csv")
    check_deprivation(areas, "2019")
    assert areas["population"].dtype == "int64"
    assert list(areas["population"]) == list(expected("2019")["population"])
    notes = areas.attrs["notes"]
    assert (
        "population: 5 values written with thousands separators (such as '1,296') were read "
        "as numbers" in notes
    )
    assert any(note.startswith("imd_rank: 5 values") and "'29,199'" in note for note in notes)


def test_thousands_separators_in_the_contract_layout(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        "lsoa,lsoa_name,imd_score,imd_decile,population,place,imd_rank\n"
        'E01000001,A,"1,234.5",1,"1,296",North,"29,199"\n'
        "E01000002,B,12.5,2,980,North,310\n",
        encoding="utf-8",
    )
    areas = read_areas(path)
    assert list(areas["imd_score"]) == [1234.5, 12.5]
    assert list(areas["population"]) == [1296, 980]
    assert list(areas["imd_rank"]) == [29199, 310]
    assert len([note for note in areas.attrs["notes"] if "1 value written" in note]) == 3


def test_a_value_that_is_not_a_number_is_still_an_error(tmp_path):
    path = tmp_path / "File_7_bad.csv"
    text = (IOD / "thousands_File_7_IoD2019.csv").read_text(encoding="utf-8")
    text = text.replace('"29,199"', '"29,19"').replace('"1,296"', "about 1300")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataContractError) as caught:
        read_areas(path)
    message = str(caught.value)
    assert message.startswith("File_7_bad.csv: 2 problems found.")
    assert "column 'population': 1 row is not a whole number (row 2: 'about 1300')" in message
    assert "column 'imd_rank': 1 row is not a whole number (row 2: '29,19')" in message


# --- File 1 alone, and what it leaves out --------------------------------------------------------


def test_file_1_alone_is_accepted_with_a_note_of_what_it_leaves_out():
    with pytest.warns(UserWarning) as caught:
        areas = read_areas(csv_path("2019", 1))
    message = str(caught[0].message)
    assert "no IMD score: the place-level mean IMD score is not available" in message
    assert "no population: the persons registered in each area give its population" in message
    notes = areas.attrs["notes"]
    assert any(note.startswith("no IMD score") for note in notes)
    assert any(note.startswith("no population") for note in notes)
    # The notes and the edition survive validate_areas, which does not warn again.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = validate_areas(areas)
    assert again.attrs["notes"] == notes
    assert again.attrs["imd_edition"] == "2019"


def test_place_indicators_without_a_population_use_the_persons_registered():
    from toolkit.places import area_indicators

    areas = read_quietly(csv_path("2019", 1))
    persons = pd.DataFrame(
        {
            "person_id": [f"P{i}" for i in range(7)],
            "age": [30, 40, 50, 60, 70, 80, 20],
            "lsoa": ["E01000001"] * 3 + ["E01000002"] * 2 + ["E01000006"] * 2,
            "emergency_admissions": [0, 1, 0, 2, 0, 1, 0],
        }
    )
    result = area_indicators(persons, areas, segment=None)
    neighbourhoods = result.to_frame()
    assert list(neighbourhoods["population"]) == [3, 2, 0, 0, 2]
    assert list(neighbourhoods["population"]) == list(neighbourhoods["persons"])
    places = result.to_frame("place").set_index("place")
    assert places.loc["City of London", "population"] == 5
    assert np.isnan(places.loc["City of London", "imd_score"])
    assert "registered" in result.notes[0]
    assert "Note: no population in the areas table" in str(result)


# --- the edition travels with the table ----------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_edition_from_the_lsoa_code_column(edition):
    assert read_quietly(csv_path(edition, 7)).attrs["imd_edition"] == edition


def test_edition_of_a_contract_layout_file_from_its_name(tmp_path):
    text = (HERE / "fixtures" / "areas_good.csv").read_text(encoding="utf-8")
    named = tmp_path / "areas_IMD2025.csv"
    named.write_text(text, encoding="utf-8")
    plain = tmp_path / "areas.csv"
    plain.write_text(text, encoding="utf-8")
    assert read_areas(named).attrs["imd_edition"] == "2025"
    assert read_areas(plain).attrs["imd_edition"] is None


def test_edition_is_kept_by_validate_areas_and_set_on_a_plain_table():
    areas = read_quietly(csv_path("2025", 1))
    assert validate_areas(areas).attrs["imd_edition"] == "2025"
    plain = pd.DataFrame(areas)
    plain.attrs = {}
    assert validate_areas(plain).attrs["imd_edition"] is None
