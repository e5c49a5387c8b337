"""`pophealth validate` on good and bad files: plain messages, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad_inputs"
FIXTURES = DATA / "fixtures"


def _validate(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "POPHEALTH_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "validate", str(path), *extra],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


@pytest.mark.parametrize(
    ("path", "kind", "rows"),
    [
        (FIXTURES / "persons_good.csv", "persons", 30),
        (FIXTURES / "imd2019_file7_sample.csv", "areas", 6),
    ],
)
def test_good_file_exits_zero(path, kind, rows):
    result = _validate(path, "--kind", kind)
    assert result.returncode == 0, result.stderr
    assert f"{rows:,} rows meet the {kind} data contract" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        (
            "several_problems.csv",
            "persons",
            (
                "several_problems.csv: 3 problems found",
                "column 'age': 2 rows are outside 0 to 120 (row 5: 130; row 17: -1)",
                "column 'sex': 1 row is not F or M",
                "(row 9: 'X')",
                "column 'person_id': 4 rows share a person_id",
            ),
        ),
        (
            "misspelt_column.csv",
            "persons",
            ("misspelt_column.csv", "did you mean 'gp_appointments'?"),
        ),
        ("not_utf8.csv", "persons", ("not_utf8.csv: line 14 is not UTF-8",)),
        (
            "areas_duplicate_lsoa.csv",
            "areas",
            ("areas_duplicate_lsoa.csv", "column 'lsoa'", "row 2: 'E01033001'", "row 4"),
        ),
        ("does_not_exist.csv", "persons", ("does_not_exist.csv: there is no such file",)),
    ],
)
def test_bad_file_prints_a_plain_message_and_exits_two(name, kind, expected):
    result = _validate(BAD / name, "--kind", kind)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("pophealth validate: the data does not meet the contract.")
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"


IOD = DATA / "iod"


def test_several_deprivation_files_are_combined_and_the_readers_notes_printed():
    # File 1 has the deciles, File 6 the population: combined as read_areas([...]) does.
    file_1 = IOD / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
    file_6 = IOD / "File_6_-_IoD2019_Population_Denominators.csv"
    result = _validate(file_1, str(file_6), "--kind", "areas")
    assert result.returncode == 0, result.stderr
    assert "5 rows meet the areas data contract" in result.stdout
    # What the reader noted is said once (here as a note on stderr), not silently kept.
    said = result.stdout + result.stderr
    assert said.count("no IMD score") == 1
    assert "Traceback" not in result.stderr
    # Values read as numbers from "1,296" are counted in a note.
    separators = _validate(IOD / "thousands_File_7_IoD2019.csv", "--kind", "areas")
    assert separators.returncode == 0, separators.stderr
    assert "5 values written with thousands separators" in separators.stdout


def test_several_persons_files_are_refused_with_what_to_give_instead():
    good = FIXTURES / "persons_good.csv"
    result = _validate(good, str(good))
    assert result.returncode == 2
    assert "takes one persons file, folder or glob" in result.stderr
    assert "Traceback" not in result.stderr
