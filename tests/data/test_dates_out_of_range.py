"""A date outside the years pandas holds (1678 to 2261) is refused, not a crash.

A date of birth or death such as 1500-01-01 made ``read_persons``, ``pophealth validate``
and ``check_persons_file`` stop with pandas' bare ``OutOfBoundsDatetime``. It is now not a
readable date, in the words the DuckDB check of files uses, so that every way of reading a
persons file refuses it alike.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit.data import make_demo_system, read_persons
from toolkit.data.schemas import DATE_YEARS, to_date
from toolkit.errors import DataContractError
from toolkit.segment import check_persons_file

from .test_validate_cube_agree import run

REFERENCE = "2025-03-30"
NOT_A_DATE = "is not a date in the form dd/mm/yyyy or yyyy-mm-dd"


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return make_demo_system(persons=100, seed=1).persons.head(12).reset_index(drop=True)


def test_text_dates_outside_the_years_are_unreadable_and_blank():
    text = pd.Series(["1500-01-01", "31/12/1677", "01/01/1678", "2261-12-31", "2262-01-01", None])
    dates, bad = to_date(text)
    assert bad.tolist() == [True, True, False, False, True, False]
    assert dates.isna().tolist() == [True, True, False, False, True, True]
    assert dates[2] == pd.Timestamp("1678-01-01") and dates[3] == pd.Timestamp("2261-12-31")


def test_stored_dates_outside_the_years_are_unreadable_and_blank():
    stored = pd.Series(
        [pd.Timestamp("1500-01-01"), pd.Timestamp("2000-02-29"), pd.Timestamp("2300-06-01"), None],
        dtype="datetime64[us]",
    )
    dates, bad = to_date(stored)
    assert bad.tolist() == [True, False, True, False]
    assert dates.isna().tolist() == [True, False, True, True]


def outcome(check: Any, path: Path, **options: Any) -> tuple[str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            check(str(path), **options)
        except DataContractError as error:
            return "refused", str(error)
    return "accepted", ""


def write_parquet(frame: pd.DataFrame, path: Path, name: str, values: pa.Array) -> Path:
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False).append_column(name, values), path
    )
    return path


def births(base: pd.DataFrame, folder: Path) -> dict[str, tuple[Path, str]]:
    """Files with a date of birth in 1500 (no age): each with how its value is shown."""
    persons = base.drop(columns="age")
    days = [dt.date(1500, 1, 1), *[dt.date(1990, 5, 5)] * (len(base) - 1)]
    times = [dt.datetime(day.year, day.month, day.day) for day in days]
    persons.assign(date_of_birth=[f"{day:%Y-%m-%d}" for day in days]).to_csv(
        folder / "text.csv", index=False
    )
    return {
        "csv": (folder / "text.csv", "'1500-01-01'"),
        "parquet text": (
            write_parquet(
                persons, folder / "text.parquet", "date_of_birth", pa.array(map(str, days))
            ),
            "'1500-01-01'",
        ),
        "parquet date": (
            write_parquet(
                persons, folder / "date.parquet", "date_of_birth", pa.array(days, pa.date32())
            ),
            "01/01/1500",
        ),
        "parquet timestamp": (
            write_parquet(
                persons,
                folder / "time.parquet",
                "date_of_birth",
                pa.array(times, pa.timestamp("us")),
            ),
            "01/01/1500",
        ),
    }


@pytest.mark.parametrize("kind", ["csv", "parquet text", "parquet date", "parquet timestamp"])
def test_a_birth_in_1500_is_refused_alike_by_the_readers_and_the_engine(base, tmp_path, kind):
    path, shown = births(base, tmp_path)[kind]
    refused = outcome(read_persons, path, reference_date=REFERENCE)
    assert refused == outcome(check_persons_file, path, reference_date=REFERENCE)
    assert refused[0] == "refused"
    assert f"column 'date_of_birth': 1 row {NOT_A_DATE} (row 2: {shown})." in refused[1]
    assert "Traceback" not in refused[1] and "nanosecond" not in refused[1]


def test_a_death_in_2300_is_refused_alike_by_the_readers_and_the_engine(base, tmp_path):
    frame = base.assign(
        died=[True, *[False] * (len(base) - 1)],
        cause_of_death=["cancer", *[None] * (len(base) - 1)],
        date_of_death=["2300-01-01", *[None] * (len(base) - 1)],
    )
    frame.to_csv(tmp_path / "death.csv", index=False)
    refused = outcome(read_persons, tmp_path / "death.csv")
    assert refused == outcome(check_persons_file, tmp_path / "death.csv")
    assert f"column 'date_of_death': 1 row {NOT_A_DATE} (row 2: '2300-01-01')." in refused[1]


@pytest.mark.parametrize("kind", ["csv", "parquet timestamp"])
def test_validate_and_cube_refuse_a_birth_in_1500_with_the_same_words(base, tmp_path, kind):
    path, shown = births(base, tmp_path)[kind]
    dated = ["--reference-date", REFERENCE]
    validated = run(["validate", str(path), *dated])
    cubed = run(["cube", str(path), "--out", str(tmp_path / "cube.parquet"), "--quiet", *dated])
    said = f" - column 'date_of_birth': 1 row {NOT_A_DATE} (row 2: {shown})."
    for status, printed in (validated, cubed):
        assert status == 2, printed
        assert "Traceback" not in printed and "OutOfBounds" not in printed
        assert said in printed.splitlines()
    assert not (tmp_path / "cube.parquet").exists()


#: The edges of :data:`DATE_YEARS`: each date, and whether it is a readable one.
EDGES = [("1677-12-31", False), ("1678-01-01", True), ("2261-12-31", True), ("2262-01-01", False)]


def deaths(base: pd.DataFrame, folder: Path, day: str, kind: str) -> tuple[Path, str]:
    """A file in which the first person died on ``day``: the file, and how the day is shown."""
    frame = base.assign(
        died=[True, *[False] * (len(base) - 1)],
        cause_of_death=["cancer", *[None] * (len(base) - 1)],
    )
    days = [dt.date.fromisoformat(day), *[None] * (len(base) - 1)]
    if kind == "csv":
        frame.assign(date_of_death=[day, *days[1:]]).to_csv(folder / "death.csv", index=False)
        return folder / "death.csv", f"'{day}'"
    stored = (
        pa.array(days, pa.date32())
        if kind == "parquet date"
        else (pa.array([dt.datetime.combine(days[0], dt.time()), *days[1:]], pa.timestamp("us")))
    )
    shown = f"{days[0]:%d/%m/%Y}"
    return write_parquet(frame, folder / "death.parquet", "date_of_death", stored), shown


@pytest.mark.parametrize(("day", "readable"), EDGES)
@pytest.mark.parametrize("kind", ["csv", "parquet date", "parquet timestamp"])
def test_the_engine_takes_the_years_the_readers_take(
    base, tmp_path, monkeypatch, kind, day, readable
):
    """The DuckDB check (validate, cube) and the readers hold the same years, to the day."""
    assert DATE_YEARS == (1678, 2261)
    path, shown = deaths(base, tmp_path, day, kind)
    read = outcome(read_persons, path)

    def in_pandas(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was read in pandas, not checked in DuckDB's scan")

    monkeypatch.setattr("toolkit.data.readers.read_persons", in_pandas)
    checked = outcome(check_persons_file, path)
    assert checked == read
    assert checked[0] == ("accepted" if readable else "refused")
    if not readable:
        assert f"column 'date_of_death': 1 row {NOT_A_DATE} (row 2: {shown})." in checked[1]
    validated = run(["validate", str(path)])
    cubed = run(["cube", str(path), "--out", str(tmp_path / "cube.parquet"), "--quiet"])
    for status, printed in (validated, cubed):
        assert status == (0 if readable else 2), printed
        assert "Traceback" not in printed
    assert (tmp_path / "cube.parquet").exists() is readable
