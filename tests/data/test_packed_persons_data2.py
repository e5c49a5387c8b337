"""A zip of several data files: the advice speaks of the table being read (issue 14)."""

from __future__ import annotations

import zipfile

import pytest

from toolkit.data import read_areas, read_persons
from toolkit.errors import DataContractError
from toolkit.segment import build_cube, check_persons_file

HELD = "the zip holds 2 data files ('persons_a.csv', 'persons_b.csv'); "
PERSONS_ADVICE = (
    "a persons file is one data file. Unzip it and give the persons file itself; persons "
    "split across CSV or Parquet files with the same columns are read together from their "
    "folder (on the command line: pophealth validate FOLDER, pophealth cube FOLDER --out "
    "cube.parquet or pophealth candidates FOLDER; in Python, build_cube(FOLDER)). A report's "
    "persons key takes one file: combine the files into one first."
)
AREAS_ADVICE = (
    "read_areas reads one file per path. Unzip it and give the files as a list, for example "
    "read_areas([file_1, file_6]) (on the command line, both files: pophealth validate "
    '--kind areas FILE_1 FILE_6; in a report\'s configuration, areas = ["FILE_1", '
    '"FILE_6"]).'
)


@pytest.fixture
def two_files(tmp_path):
    path = tmp_path / "extract.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("persons_a.csv", "person_id,age,sex\nP1,40,F\n")
        archive.writestr("persons_b.csv", "person_id,age,sex\nP2,50,M\n")
    return path


def test_a_persons_zip_of_two_files_gets_the_persons_advice(two_files):
    for read in (read_persons, check_persons_file):
        with pytest.raises(DataContractError) as refused:
            read(two_files)
        assert str(refused.value) == f"extract.zip: {HELD}{PERSONS_ADVICE}", read.__name__
    with pytest.raises(DataContractError) as refused:
        build_cube(str(two_files))
    assert str(refused.value) == f"{two_files}: {HELD}{PERSONS_ADVICE}"
    assert "read_areas" not in str(refused.value)


def test_an_areas_zip_of_two_files_keeps_the_areas_advice(two_files):
    with pytest.raises(DataContractError) as refused:
        read_areas(two_files)
    assert str(refused.value) == f"extract.zip: {HELD}{AREAS_ADVICE}"
