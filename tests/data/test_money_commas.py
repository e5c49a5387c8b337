"""Money with commas: only thousands separators are read, in pandas and in DuckDB alike.

``cost_gbp`` is read with an optional "£" and commas between groups of three digits
("1,250", "£1,250.50", "£12,345,678.9"). Commas anywhere else ("12,50", "1,2,3",
"1.250,50") used to be removed and the value read wrong (12,50 as 1250); they are refused,
with the file, column and rows, by the readers (``read_persons``), by the DuckDB check
(``check_persons_file``, ``pophealth validate``) and by ``pophealth cube`` alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from toolkit.data import make_demo_system, read_persons
from toolkit.data.schemas import to_number
from toolkit.errors import DataContractError
from toolkit.segment import check_persons_file

from .test_validate_cube_agree import run

#: Costs written as analysts' extracts write them, and the amount each is.
GOOD = {
    "1,250": 1250.0,
    "£1,250": 1250.0,
    "1,250.50": 1250.5,
    "£12,345,678.9": 12345678.9,
    "£42.00": 42.0,
    "£ 1,250.00": 1250.0,
    "  £7  ": 7.0,
    "-0": 0.0,
    "1250.5": 1250.5,
}

#: Costs with a comma that is not a thousands separator: unreadable.
BAD = ["12,50", "1,2,3", "1.250,50", "1,25", "12,3456", ",125", "125,", "£1,,250", "12£50"]


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return make_demo_system(persons=200, seed=3).persons.head(20).reset_index(drop=True)


def outcome(check: Any, path: Path) -> tuple[Any, ...]:
    """Accepted (and how many persons), or refused and the message."""
    try:
        result = check(str(path))
    except DataContractError as error:
        return "refused", str(error)
    return "accepted", getattr(result, "rows", None) or len(result)


def test_money_reads_only_thousands_separators():
    values, bad = to_number(pd.Series([*GOOD, *BAD, None], dtype=object), money=True)
    assert values.iloc[: len(GOOD)].tolist() == list(GOOD.values())
    assert not bad.iloc[: len(GOOD)].any()
    assert bad.iloc[len(GOOD) : len(GOOD) + len(BAD)].all()
    assert values.iloc[len(GOOD) :].isna().all()
    assert not bad.iloc[-1]  # a blank is blank, not unreadable


def test_the_engine_reads_money_as_the_readers_do():
    """DuckDB's SQL of the money pattern agrees with Python's, value by value."""
    import duckdb

    from toolkit.segment._engine_sql import parsed_number

    texts = [*GOOD, *BAD]
    rows = duckdb.sql(
        "SELECT " + parsed_number("t", "trim(t)", money=True) + " FROM (SELECT unnest(?) AS t)",
        params=[texts],
    ).fetchall()
    read, _ = to_number(pd.Series(texts, dtype=object), money=True)
    assert [row[0] for row in rows] == [None if pd.isna(x) else x for x in read]


def write(base: pd.DataFrame, folder: Path, costs: dict[int, str], name: str) -> Path:
    frame = base.astype({"cost_gbp": object})
    for position, text in costs.items():
        frame.loc[position, "cost_gbp"] = text
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / name, index=False)
    return folder / name


def test_misplaced_commas_are_refused_alike_with_file_column_and_rows(base, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(base, tmp_path / "extracts", {1: "12,50", 2: "1,2,3", 5: "£1,250"}, "cost.csv")
    given = "extracts/cost.csv"
    line = (
        " - column 'cost_gbp': 2 rows are not amounts in pounds such as 1250.50 or £1,250.50, "
        "with commas only between groups of three digits (row 3: '12,50'; row 4: '1,2,3')."
    )
    read = outcome(read_persons, path)
    assert read[0] == "refused" and line in read[1].splitlines()

    def in_pandas(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was read in pandas, not checked in DuckDB's scan")

    monkeypatch.setattr("toolkit.data.readers.read_persons", in_pandas)
    checked = outcome(check_persons_file, path)
    assert checked == read  # the same message, word for word, from DuckDB's scan
    validated = run(["validate", given])
    cubed = run(["cube", given, "--out", "cube.parquet", "--quiet"])
    for status, printed in (validated, cubed):
        assert status == 2, printed
        assert "Traceback" not in printed
        assert f"{given}: 1 problem found." in printed  # the path as given, by both commands
        assert line in printed.splitlines()
    assert not (tmp_path / "cube.parquet").exists()


def test_well_formed_money_is_read_exactly_by_both_commands(base, tmp_path):
    written = dict(zip(range(len(GOOD)), GOOD, strict=False))
    path = write(base, tmp_path, written, "good.csv")
    persons = read_persons(path)
    expected = base["cost_gbp"].astype(float).copy()
    for position, text in written.items():
        expected[position] = GOOD[text]
    assert persons["cost_gbp"].tolist() == expected.tolist()
    assert check_persons_file(path).rows == len(base)
    status, printed = run(["validate", str(path)])
    assert status == 0, printed
    status, printed = run(["cube", str(path), "--out", str(tmp_path / "c.parquet"), "--quiet"])
    assert status == 0, printed
    cube = pd.read_parquet(tmp_path / "c.parquet")
    assert cube["cost_gbp"].sum() == pytest.approx(expected.sum(), rel=1e-12)
