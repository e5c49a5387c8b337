"""Dates stored with a time zone are read on that zone's clock, by DuckDB as by the readers.

A Parquet timestamp with a time zone is a point in time. pandas (and so
:func:`toolkit.data.read_persons`) reads it on the clock of the zone the file names; DuckDB
read it on the clock of its session's time zone (UTC, as Ibis sets it), so ages differed
around birthdays and a birth on the day after the reference date was refused by
``read_persons`` but accepted by ``check_persons_file``. The machine's time zone, and
DuckDB's, are set to New York here, so that any reading on a session's clock shows.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit.data import read_persons
from toolkit.errors import DataContractError
from toolkit.segment import check_persons_file
from toolkit.segment._duckdb_files import file_source
from toolkit.segment._sources import resolve_files
from toolkit.segment.cube import duckdb_connection

from ._persons import random_persons

REFERENCE = "2025-03-30"
MACHINE_ZONE = "America/New_York"


@pytest.fixture
def away_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Put the process, and DuckDB's sessions, in New York for the test."""
    import ibis.backends.duckdb

    connected = ibis.backends.duckdb.Backend._post_connect

    def in_new_york(self: Any, *args: Any, **kwargs: Any) -> None:
        connected(self, *args, **kwargs)  # (which sets UTC)
        self.con.execute(f"SET TimeZone = '{MACHINE_ZONE}'")

    monkeypatch.setattr(ibis.backends.duckdb.Backend, "_post_connect", in_new_york)
    before = os.environ.get("TZ")
    os.environ["TZ"] = MACHINE_ZONE
    time.tzset()
    try:
        with duckdb_connection() as con:  # the test bites only if the session is not in UTC
            zone = con.con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
            assert zone == MACHINE_ZONE
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return random_persons(12, seed=5)


def write(frame: pd.DataFrame, path: Path, **columns: pa.Array) -> Path:
    """Write ``frame`` as Parquet with ``columns`` (Arrow arrays, e.g. zoned timestamps) added."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name, values in columns.items():
        table = table.append_column(name, values)
    pq.write_table(table, path)
    return path


def zoned(times: list[str], zone: str) -> pa.Array:
    """Wall-clock times in ``zone``, as a time-zone-aware Arrow timestamp (as pandas writes it)."""
    series = pd.Series(pd.to_datetime(times)).dt.tz_localize(zone)
    return pa.Array.from_pandas(series)


def outcome(check: Any, path: Path) -> tuple[Any, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = check(str(path), reference_date=REFERENCE)
        except DataContractError as error:
            return "refused", str(error)
    return "accepted", getattr(result, "rows", None) or len(result)


def engine_ages(path: Path) -> list[int]:
    """The ages DuckDB derives from the dates of birth of a file."""
    files, kind = resolve_files(str(path))
    with duckdb_connection() as con:
        source = file_source(
            con,
            files,
            kind,
            "x",
            str(path),
            check_causes=True,
            reference_date=pd.Timestamp(REFERENCE),
        )
        return source.table.execute()["age"].tolist()


def test_a_birth_the_day_after_the_reference_date_is_refused_by_both(
    away_from_utc, base, tmp_path, monkeypatch
):
    # 00:30 on 31 March in London is 23:30 on the 30th in UTC, 19:30 in New York.
    births = ["2025-03-31 00:30", *["1990-05-05 00:00"] * (len(base) - 1)]
    path = write(
        base.drop(columns="age"),
        tmp_path / "zoned.parquet",
        date_of_birth=zoned(births, "Europe/London"),
    )
    expected = outcome(read_persons, path)
    assert expected[0] == "refused"
    assert (
        "column 'date_of_birth': 1 row is after the reference date 2025-03-30, so age cannot "
        "be derived (row 2: '2025-03-31')" in expected[1]
    )

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was loaded into pandas")

    with monkeypatch.context() as patched:
        patched.setattr("toolkit.data.readers.read_persons", refused)
        assert outcome(check_persons_file, path) == expected  # said by the engine itself

    # The same wall-clock date written in a CSV file is refused alike.
    text = base.drop(columns="age").assign(date_of_birth=[b + ":00" for b in births])
    text.to_csv(tmp_path / "zoned.csv", index=False)
    in_csv = outcome(read_persons, tmp_path / "zoned.csv")
    assert in_csv == outcome(check_persons_file, tmp_path / "zoned.csv")
    assert in_csv[1].splitlines()[1:] == expected[1].splitlines()[1:]


@pytest.mark.parametrize(
    ("zone", "times"),
    [
        # Births near midnight either side of the reference date's day and month.
        ("Europe/London", ["2000-03-31 00:30", "2000-03-30 00:30", "1960-03-31 00:30"]),
        # As Spark writes them: UTC (the file names no other zone).
        ("UTC", ["2000-03-31 02:00", "2000-03-30 02:00", "1960-03-31 01:00"]),
        # A fixed offset, which DuckDB does not know by name.
        ("+05:30", ["2000-03-31 03:00", "2000-03-30 04:00", "1960-03-31 05:00"]),
    ],
)
def test_ages_from_zoned_births_are_the_readers_ages(away_from_utc, base, tmp_path, zone, times):
    births = [*times, *["1990-05-05 00:00"] * (len(base) - len(times))]
    path = write(
        base.drop(columns="age"), tmp_path / "zoned.parquet", date_of_birth=zoned(births, zone)
    )
    readers = read_persons(str(path), reference_date=REFERENCE)["age"].tolist()
    assert readers[:3] == [24, 25, 64]
    assert engine_ages(path) == readers
    assert outcome(check_persons_file, path) == ("accepted", len(base))


def test_a_zoned_date_of_death_is_compared_with_the_birth_on_its_own_clock(
    away_from_utc, base, tmp_path, monkeypatch
):
    # Died at 00:30 on the day of birth (London), 19:30 the day before in New York.
    frame = base.assign(
        died=[True, *[False] * (len(base) - 1)],
        cause_of_death=pd.array(["cancer", *[None] * (len(base) - 1)], dtype="str"),
        date_of_birth=[dt.date(2020, 6, 1), *[dt.date(1990, 5, 5)] * (len(base) - 1)],
    )
    deaths = zoned(["2020-06-01 00:30", *[None] * (len(base) - 1)], "Europe/London")
    path = write(frame, tmp_path / "deaths.parquet", date_of_death=deaths)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = read_persons(str(path))
    assert str(read["date_of_death"].dtype).startswith("datetime64[")  # the stored wall clock
    assert read["date_of_death"].iloc[0] == pd.Timestamp("2020-06-01 00:30")

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was loaded into pandas")

    monkeypatch.setattr("toolkit.data.readers.read_persons", refused)
    assert check_persons_file(path).rows == len(base)  # read as it stands, in the engine


def test_files_storing_a_date_in_different_zones_are_read_by_the_readers(
    away_from_utc, base, tmp_path
):
    folder = tmp_path / "persons"
    folder.mkdir()
    births = ["2025-03-31 00:30", *["1990-05-05 00:00"] * (len(base) - 1)]
    half = len(base) // 2
    for name, zone, rows in (
        ("a", "Europe/London", slice(0, half)),
        ("b", "UTC", slice(half, None)),
    ):
        part = base.drop(columns="age").iloc[rows].reset_index(drop=True)
        part = part.assign(person_id=[f"{name}{i}" for i in range(len(part))])
        write(part, folder / f"{name}.parquet", date_of_birth=zoned(births[rows], zone))
    with pytest.raises(DataContractError) as refused:
        check_persons_file(folder, reference_date=REFERENCE)
    # The readers' words, naming the file in which the birth is after the reference date.
    assert "a.parquet" in str(refused.value)
    assert "after the reference date 2025-03-30" in str(refused.value)
    assert "(row 2: '2025-03-31')" in str(refused.value)
