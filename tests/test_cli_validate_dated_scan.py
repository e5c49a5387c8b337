"""`pophealth validate --reference-date` checks a dated file in DuckDB's scan, not in pandas.

With the date, ``validate`` read the persons file whole with ``read_persons``, although
``check_persons_file(reference_date=...)`` counts ages in the bounded scan that ``validate``
runs without it. It now runs that scan (Parquet and CSV files), with the same messages and
exit statuses; a workbook is still read by the readers, and says which sheet it read.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.segment.test_segment_cube_fast import write
from toolkit.cli import main
from toolkit.data import make_demo_system, read_persons
from toolkit.errors import DataContractError
from toolkit.segment import check_persons_file

REFERENCE = "2026-03-31"


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run the command line in-process: its exit status, what it printed and its notes."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def dated() -> pd.DataFrame:
    """Persons with ``date_of_birth`` (as dates) and no ``age``."""
    persons = make_demo_system(persons=200, seed=3).persons
    reference = pd.Timestamp(REFERENCE)
    births = [
        (reference - pd.DateOffset(years=int(age)) - pd.Timedelta(days=40)).date()
        for age in persons["age"]
    ]
    frame = persons.drop(columns="age")
    frame.insert(1, "date_of_birth", births)
    return frame


@pytest.fixture
def no_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading a persons file whole in pandas fail the test."""

    def in_pandas(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the persons file was read whole in pandas")

    monkeypatch.setattr("toolkit.data.readers.read_persons", in_pandas)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_validate_with_the_date_checks_the_file_in_duckdb(dated, tmp_path, suffix, no_pandas):
    path = write(dated, tmp_path / f"persons{suffix}")
    status, out, err = run(["validate", str(path), "--reference-date", REFERENCE])
    assert status == 0, err
    assert out.splitlines() == [
        f"{path}: 200 rows meet the persons data contract.",
        f"{path}: age counted from date_of_birth in whole years at {REFERENCE}.",
    ]
    report = check_persons_file(path, reference_date=REFERENCE)
    assert report.checked_by == "duckdb" and report.rows == 200


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_birth_after_the_date_is_refused_in_the_readers_words(
    dated, tmp_path, suffix, monkeypatch
):
    frame = dated.copy()
    frame.loc[[4, 9], "date_of_birth"] = pd.Timestamp("2026-06-01").date()
    path = write(frame, tmp_path / f"late{suffix}")
    with pytest.raises(DataContractError) as refused:
        # (validate names the file by the path as given, as cube does)
        read_persons(path, reference_date=REFERENCE, label=str(path))
    monkeypatch.setattr("toolkit.data.readers.read_persons", None)  # not called
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, out, err = run(["validate", str(path), "--reference-date", REFERENCE])
    assert (status, out) == (2, "")
    assert err == f"pophealth validate: the data does not meet the contract.\n{refused.value}\n"
    assert "are after the reference date 2026-03-31, so age cannot be derived" in err


def workbook(frame: pd.DataFrame, path: Path) -> Path:
    with pd.ExcelWriter(path) as book:
        frame.to_excel(book, sheet_name="Data", index=False)
        pd.DataFrame({"about": ["made up"]}).to_excel(book, sheet_name="Notes", index=False)
    return path


SHEET_NOTE = (
    "read sheet 'Data', the one whose header row has the persons columns "
    "(the workbook's sheets: 'Data', 'Notes')"
)


def test_a_workbook_with_the_date_is_read_by_the_readers_and_says_its_sheet(dated, tmp_path):
    path = workbook(dated.head(30), tmp_path / "persons.xlsx")
    status, out, _ = run(["validate", str(path), "--reference-date", REFERENCE])
    assert status == 0
    assert out.splitlines() == [
        f"{path}: 30 rows meet the persons data contract.",
        f"{path}: {SHEET_NOTE}",
        f"{path}: age counted from date_of_birth in whole years at {REFERENCE}.",
    ]
    assert check_persons_file(path, reference_date=REFERENCE).checked_by == "read_persons"


def test_a_workbook_without_the_date_says_its_sheet_too(tmp_path):
    persons = make_demo_system(persons=100, seed=3).persons.head(30)
    path = workbook(persons, tmp_path / "aged.xlsx")
    status, out, _ = run(["validate", str(path)])
    assert status == 0
    assert out.splitlines() == [
        f"{path}: 30 rows meet the persons data contract.",
        f"{path}: {SHEET_NOTE}",
    ]
