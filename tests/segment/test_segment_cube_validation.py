"""build_cube(validate=True): bad values are refused with one error naming file, column, rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.segment import _hashing, _value_checks, build_cube

from ._persons import random_persons

REPO = Path(__file__).resolve().parents[2]


def bad_persons() -> pd.DataFrame:
    """Forty persons breaking five rules, at known positions (row number = position + 2)."""
    frame = random_persons(40, seed=11)
    frame.loc[3, "age"] = 130  # row 5
    frame.loc[[5, 6], "gp_appointments"] = -1  # rows 7, 8
    frame.loc[6, "bed_days"] = -3  # row 8
    frame.loc[7, "sex"] = "X"  # row 9
    frame.loc[8, "imd_decile"] = 11  # row 10
    frame.loc[20, "person_id"] = frame.loc[9, "person_id"]  # rows 11 and 22
    return frame


EXPECTED = {
    # (column, check): (failing rows, example row numbers)
    ("age", "in_range(0, 120)"): (1, [5]),
    ("sex", "isin(F, M)"): (1, [9]),
    ("imd_decile", "in_range(1, 10)"): (1, [10]),
    ("gp_appointments", "greater_than_or_equal_to(0)"): (2, [7, 8]),
    ("bed_days", "greater_than_or_equal_to(0)"): (1, [8]),
    ("person_id", "unique"): (2, [11, 22]),
}


def failures_of(error: DataContractError) -> dict[tuple[str, str], tuple[int, list[int]]]:
    table = error.failures
    return {
        (column, check): (int(rows), list(examples))
        for column, check, rows, examples in zip(
            table["column"],
            table["check"],
            table["failing_rows"],
            table["example_rows"],
            strict=True,
        )
    }


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_bad_file_is_refused_naming_file_columns_and_rows(tmp_path, suffix):
    path = write(bad_persons(), tmp_path / f"extract{suffix}")
    with pytest.raises(DataContractError) as caught:
        build_cube(path)
    error = caught.value
    message = str(error)
    assert message.startswith(f"{path}: 6 problems found.")
    assert "the header is row 1" in message
    assert "column 'age': 1 row is outside 0 to 120 (row 5: 130)." in message
    assert "column 'sex': 1 row is not F or M" in message and "(row 9: 'X')" in message
    assert "column 'imd_decile': 1 row is outside 1 to 10 (row 10: 11)." in message
    assert "column 'gp_appointments': 2 rows are below 0 (row 7: -1; row 8: -1)." in message
    assert "column 'bed_days': 1 row is below 0 (row 8: -3)." in message
    # The ids are shown, and person_id comes first, as `pophealth validate` words it.
    person_id = bad_persons().loc[9, "person_id"]
    assert message.splitlines()[1] == (
        f" - column 'person_id': 2 rows share a person_id with another row (row 11: "
        f"'{person_id}'; row 22: '{person_id}')."
    )
    assert failures_of(error) == EXPECTED
    assert error.source == str(path)


def test_valid_file_passes_and_validation_does_not_change_the_cube(tmp_path, persons):
    path = write(persons, tmp_path / "persons.parquet")
    checked = build_cube(path)
    pd.testing.assert_frame_equal(checked, build_cube(path, validate=False))
    assert checked["persons"].sum() == len(persons)


def test_validate_false_keeps_the_old_unchecked_behaviour(tmp_path):
    path = write(bad_persons(), tmp_path / "extract.parquet")
    cube = build_cube(path, validate=False)
    assert cube["persons"].sum() == 40
    assert cube["gp_appointments"].sum() == bad_persons()["gp_appointments"].sum()


def test_dataframe_rows_are_numbered_by_position_whatever_the_index():
    frame = bad_persons()
    frame.index = np.arange(1000, 1040)[::-1]
    before = frame.copy(deep=True)
    with pytest.raises(DataContractError) as caught:
        build_cube(frame)
    assert str(caught.value).startswith("The persons table: 6 problems found.")
    assert failures_of(caught.value) == EXPECTED
    pd.testing.assert_frame_equal(frame, before)


def test_blank_values_and_nan_are_reported_as_blank(tmp_path):
    frame = random_persons(12, seed=4)
    frame["age"] = frame["age"].astype("float64")
    frame.loc[2, "age"] = np.nan
    frame["died"] = pd.array(frame["died"], dtype="boolean")
    frame.loc[[0, 11], "died"] = pd.NA
    frame.loc[5, "cost_gbp"] = np.nan
    frame.loc[6, "sex"] = None
    frame.loc[7, "person_id"] = None
    path = write(frame, tmp_path / "blanks.csv")
    with pytest.raises(DataContractError) as caught:
        build_cube(path)
    assert failures_of(caught.value) == {
        ("person_id", "not_blank"): (1, [9]),
        ("age", "not_blank"): (1, [4]),
        ("sex", "not_blank"): (1, [8]),
        ("cost_gbp", "not_blank"): (1, [7]),
        ("died", "not_blank"): (2, [2, 13]),
    }
    assert "column 'died': 2 rows are blank (rows 2, 13)." in str(caught.value)


def test_missing_decile_is_allowed_but_an_out_of_range_one_is_not(persons):
    assert persons["imd_decile"].isna().any()
    build_cube(persons.head(200))  # missing deciles pass
    frame = persons.head(200).assign(imd_decile=persons["imd_decile"].head(200).fillna(0))
    with pytest.raises(DataContractError, match="'imd_decile': .* outside 1 to 10"):
        build_cube(frame)


def test_many_failures_show_five_examples_and_how_many_more():
    frame = random_persons(30, seed=5).assign(ae_attendances=-2)
    with pytest.raises(DataContractError) as caught:
        build_cube(frame)
    assert (
        "column 'ae_attendances': 30 rows are below 0 "
        "(row 2: -2; row 3: -2; row 4: -2; row 5: -2; row 6: -2; and 25 more)."
    ) in str(caught.value)
    assert failures_of(caught.value) == {
        ("ae_attendances", "greater_than_or_equal_to(0)"): (30, [2, 3, 4, 5, 6])
    }


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_several_files_name_the_file_of_each_row(tmp_path, suffix):
    frame = random_persons(30, seed=6)
    frame.loc[25, "age"] = -1  # second file, its position 10: row 12
    frame.loc[2, "age"] = 121  # first file, row 4
    folder = tmp_path / "extracts"
    folder.mkdir()
    write(frame.iloc[:15], folder / f"part_1{suffix}")
    write(frame.iloc[15:], folder / f"part_2{suffix}")
    with pytest.raises(DataContractError) as caught:
        build_cube(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder} (2 files): 1 problem found.")
    assert (
        f"column 'age': 2 rows are outside 0 to 120 (row 4 of part_1{suffix}: 121; "
        f"row 12 of part_2{suffix}: -1)."
    ) in message


def test_a_hash_collision_is_cleared_by_the_exact_look_up(monkeypatch, persons):
    # On DuckDB person_id is compared through its hash; pretend two ids collided.
    real = _value_checks._count_failures

    def colliding(*args, **kwargs):
        counts, surplus = real(*args, **kwargs)
        return counts, surplus + 1

    monkeypatch.setattr(_value_checks, "_count_failures", colliding)
    cube = build_cube(persons.head(100))
    assert cube["persons"].sum() == 100


@pytest.mark.parametrize("duplicated", [False, True])
def test_ids_are_checked_in_several_passes_when_there_are_many(monkeypatch, duplicated):
    # 40 ids with room for 7 hashes at a time: 6 passes over slices of the hash values,
    # some larger than the room first set aside for them.
    monkeypatch.setattr(_hashing, "_MAX_HASHES_IN_MEMORY", 7)
    frame = random_persons(40, seed=8)
    if duplicated:
        frame.loc[[30, 35], "person_id"] = frame.loc[2, "person_id"]
        with pytest.raises(DataContractError) as caught:
            build_cube(frame)
        assert failures_of(caught.value) == {("person_id", "unique"): (3, [4, 32, 37])}
    else:
        assert build_cube(frame)["persons"].sum() == 40


def test_validate_must_be_a_bool(persons):
    with pytest.raises(TypeError, match="'validate' parameter of build_cube must be a bool"):
        build_cube(persons.head(10), validate="yes")  # type: ignore[arg-type]


def test_command_line_exits_2_with_the_message_and_no_traceback(tmp_path):
    path = write(bad_persons(), tmp_path / "bad.csv")
    out = tmp_path / "cube.parquet"
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "cube", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert f"{path}: 6 problems found." in output
    assert "column 'age': 1 row is outside 0 to 120 (row 5: 130)." in output
    assert not out.exists()


@pytest.mark.spark
def test_spark_refuses_bad_files_too(tmp_path, spark):
    frame = bad_persons()
    parquet = write(frame, tmp_path / "extract.parquet")
    with pytest.raises(DataContractError) as caught:
        build_cube(parquet, engine="spark", spark_session=spark)
    assert str(caught.value).startswith(f"{parquet}: 6 problems found.")
    assert failures_of(caught.value) == EXPECTED
    # Spark cannot number CSV rows: the counts are given, with how to get the rows.
    csv = write(frame, tmp_path / "extract.csv")
    with pytest.raises(DataContractError) as caught:
        build_cube(csv, engine="spark", spark_session=spark)
    assert {key: rows for key, (rows, _) in failures_of(caught.value).items()} == {
        key: rows for key, (rows, _) in EXPECTED.items()
    }
    assert "spark does not give row numbers for this input" in str(caught.value)
    assert not spark.catalog.listTables()  # no temporary views left behind


BAD_INPUTS = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "bad_inputs"


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("cause_admissions_negative.csv", "emergency_admissions_"),
        ("cause_admissions_above_total.csv", "than emergency_admissions"),
    ],
)
def test_cubes_refuse_the_optional_columns_validate_refuses(name, column):
    """`validate`, build_cube and build_cohort_cube accept and refuse the same files."""
    from toolkit.data import read_persons
    from toolkit.segment import build_cohort_cube

    path = BAD_INPUTS / name
    with pytest.raises(DataContractError) as read_error:
        read_persons(path)
    persons = read_persons(BAD_INPUTS / "optional_columns_good.csv")
    assert len(persons) > 0
    for build in (build_cube, build_cohort_cube):
        with pytest.raises(DataContractError) as cube_error:
            build(str(path))
        assert column in str(cube_error.value), str(cube_error.value)
        assert name in str(cube_error.value)
    assert column in str(read_error.value)
    # The good file passes all three once read (its flags are written Y/N, which the
    # readers map and the engines take as they are).
    assert build_cube(persons)["persons"].sum() == len(persons)
    cube = build_cohort_cube(persons)
    assert cube.table.loc[cube.table["cohort"] == "everyone", "persons"].sum() == len(persons)


def test_cubes_refuse_blood_pressure_control_without_hypertension(tmp_path):
    """The same rule as the readers', on a Parquet file whose flags are true/false."""
    from toolkit.data import read_persons
    from toolkit.segment import build_cohort_cube

    source = BAD_INPUTS / "bp_controlled_without_hypertension.csv"
    with pytest.raises(DataContractError, match="bp_controlled"):
        read_persons(source)
    frame = pd.read_csv(source, dtype={"smoker": "object", "bp_controlled": "object"})
    codes = {"Y": True, "N": False}
    for flag in ("smoker", "bp_controlled"):
        frame[flag] = frame[flag].map(codes).astype("boolean")
    path = tmp_path / "bp.parquet"
    frame.to_parquet(path, index=False)
    wrong = frame["bp_controlled"].fillna(False) & ~frame["hypertension"]
    assert wrong.sum() >= 1
    for build in (build_cube, build_cohort_cube):
        with pytest.raises(DataContractError, match="without hypertension") as error:
            build(str(path))
        assert f"{int(wrong.sum())} row" in str(error.value)
