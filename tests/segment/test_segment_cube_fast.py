"""Files read as they stand: the cubes check and aggregate clean files in one scan.

``build_cube`` and ``build_cohort_cube`` first read Parquet and CSV files as they stand
(``toolkit.segment._fast_reading.fast_query``), counting in the aggregation's own scan
the rows that would need standardising or break a rule; only when there are any do they
standardise and check the files in separate scans, as before. These tests build each file
both ways and assert the same cube, or the same error, and that clean files take the fast
reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit.errors import DataContractError
from toolkit.segment import _duckdb_files, _fast, _hashing, build_cohort_cube, build_cube
from toolkit.segment import cohorts as cohorts_module
from toolkit.segment import cube as cube_module

from ._persons import random_persons


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def outcome(build: Any, path: Path, **options: Any) -> pd.DataFrame | tuple[str, Any]:
    """The cube, or the error's message and failures table."""
    try:
        return build(path, **options)
    except DataContractError as error:
        failures = None if error.failures is None else error.failures.to_dict("list")
        return str(error), failures


def spy(monkeypatch, module) -> list[bool]:
    """Record whether each call of the module's fast_aggregate gave an aggregate."""
    taken: list[bool] = []
    real = module.fast_aggregate

    def recording(*args, **kwargs):
        result = real(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(module, "fast_aggregate", recording)
    return taken


def both_ways(monkeypatch, path: Path, **options: Any) -> bool:
    """Build the cube with and without the fast reading; assert the same outcome.

    Returns whether the fast reading was trusted.
    """
    taken = spy(monkeypatch, cube_module)
    fast = outcome(build_cube, path, **options)
    monkeypatch.setattr(cube_module, "fast_aggregate", lambda *args, **kwargs: None)
    standard = outcome(build_cube, path, **options)
    monkeypatch.undo()
    if isinstance(standard, pd.DataFrame):
        assert isinstance(fast, pd.DataFrame), fast
        pd.testing.assert_frame_equal(fast, standard, check_exact=False, rtol=1e-12)
    else:
        assert fast == standard
    assert len(taken) == 1
    return taken[0]


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return random_persons(400, seed=21)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("validate", [True, False])
def test_a_clean_file_is_read_as_it_stands(monkeypatch, tmp_path, clean, suffix, validate):
    path = write(clean, tmp_path / f"persons{suffix}")
    assert both_ways(monkeypatch, path, validate=validate)


def test_a_clean_file_is_checked_in_the_aggregations_scan(monkeypatch, tmp_path, clean):
    path = write(clean, tmp_path / "persons.parquet")

    def refused(*args, **kwargs):
        raise AssertionError("the standardised files were checked in a scan of their own")

    monkeypatch.setattr(cube_module, "check_files", refused)
    assert build_cube(path)["persons"].sum() == len(clean)


def quirky(clean: pd.DataFrame, change: str) -> pd.DataFrame:
    """The clean persons with one thing the readers standardise, or refuse."""
    frame = clean.copy()
    if change == "id_spaces":  # trimmed, still unique
        frame["person_id"] = frame["person_id"].astype(object)
        frame.loc[3, "person_id"] = f" {frame.loc[3, 'person_id']}\t"
    elif change == "id_duplicate_after_trimming":
        frame["person_id"] = frame["person_id"].astype(object)
        frame.loc[4, "person_id"] = f"{frame.loc[9, 'person_id']}\u00a0"
    elif change == "id_blank":
        frame["person_id"] = frame["person_id"].astype(object)
        frame.loc[5, "person_id"] = "  "
    elif change == "place_spaces":
        frame["place"] = frame["place"].astype(object)
        frame.loc[6, "place"] = " North "
    elif change == "place_blank_text":
        frame["place"] = frame["place"].astype(object)
        frame.loc[6, "place"] = "NA"
    elif change == "sex_codings":
        frame["sex"] = frame["sex"].map({"F": "Female", "M": "m"})
    elif change == "sex_refused":
        frame["sex"] = frame["sex"].astype(object)
        frame.loc[7, "sex"] = "X"
    elif change == "flags_spelt":
        for name in ("hypertension", "diabetes", "died"):
            frame[name] = frame[name].map({True: "Y", False: "N"})
    elif change == "flag_refused":
        frame["copd"] = frame["copd"].map({True: "Y", False: "N"})
        frame.loc[8, "copd"] = "maybe"
    elif change == "cause_capitals":
        frame["cause_of_death"] = frame["cause_of_death"].str.capitalize()
    elif change == "cause_refused":
        died = frame.index[frame["died"]][0]
        frame.loc[died, "cause_of_death"] = "unknown"
    elif change == "cause_alive":
        alive = frame.index[~frame["died"]][0]
        frame.loc[alive, "cause_of_death"] = "cancer"
    elif change == "age_too_old":
        frame.loc[10, "age"] = 130
    elif change == "age_fraction":
        frame["age"] = frame["age"].astype("float64")
        frame.loc[11, "age"] = 64.5
    elif change == "age_float_whole":
        frame["age"] = frame["age"].astype("float64")
    elif change == "cost_money":
        frame["cost_gbp"] = frame["cost_gbp"].map(lambda cost: f"£{cost:,.2f}")
    elif change == "cost_negative":
        frame.loc[12, "cost_gbp"] = -1.0
    elif change == "cost_infinite":
        frame.loc[12, "cost_gbp"] = np.inf
    elif change == "efi_too_high":
        older = frame.index[frame["age"] >= 65][0]
        frame.loc[older, "efi"] = 1.5
    elif change == "cause_admissions_above_total":
        frame["emergency_admissions_falls"] = 0
        frame.loc[13, "emergency_admissions"] = 0
        frame.loc[13, "emergency_admissions_falls"] = 2
    elif change == "bp_without_hypertension":
        frame["hypertension"] = False
        frame["bp_controlled"] = pd.array([None] * len(frame), dtype="boolean")
        frame.loc[14, "bp_controlled"] = True
    elif change == "decile_text":
        frame["imd_decile"] = (
            frame["imd_decile"]
            .astype(object)
            .map(lambda decile: "" if pd.isna(decile) else f" {decile} ")
        )
    elif change == "other_column":
        frame["gp_practice"] = "Y00001"
    elif change == "integer_ids":
        frame["person_id"] = np.arange(len(frame), dtype="int64") + 1000
    elif change == "integer_sex":
        frame["sex"] = frame["sex"].map({"F": 2, "M": 1}).astype("int64")
    else:  # pragma: no cover - a typo in the parameters
        raise ValueError(change)
    return frame


CHANGES = [
    "id_spaces",
    "id_duplicate_after_trimming",
    "id_blank",
    "place_spaces",
    "place_blank_text",
    "sex_codings",
    "sex_refused",
    "flags_spelt",
    "flag_refused",
    "cause_capitals",
    "cause_refused",
    "cause_alive",
    "age_too_old",
    "age_fraction",
    "age_float_whole",
    "cost_money",
    "cost_negative",
    "cost_infinite",
    "efi_too_high",
    "cause_admissions_above_total",
    "bp_without_hypertension",
    "decile_text",
    "other_column",
    "integer_ids",
    "integer_sex",
]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("validate", [True, False])
def test_quirky_files_give_the_cube_or_error_of_the_standardised_files(
    monkeypatch, tmp_path, clean, suffix, change, validate
):
    frame = quirky(clean, change)
    if suffix == ".parquet" and change in ("cost_money", "flags_spelt", "flag_refused"):
        frame = frame.astype(
            {column: "str" for column in frame.columns if frame[column].dtype == object}
        )
    path = write(frame, tmp_path / f"persons{suffix}")
    both_ways(monkeypatch, path, validate=validate)


@pytest.mark.parametrize(
    ("change", "validate", "fast"),
    [
        ("flags_spelt", True, True),  # Y/N are read as they stand
        ("integer_ids", True, True),
        ("other_column", True, True),
        ("age_float_whole", True, True),
        ("age_too_old", False, True),  # unchecked: no rule is looked at
        ("id_spaces", True, False),
        ("place_spaces", True, False),
        ("sex_codings", True, False),
        ("age_too_old", True, False),
        ("cost_money", True, False),
    ],
)
def test_the_fast_reading_is_trusted_only_where_it_stands(
    monkeypatch, tmp_path, clean, change, validate, fast
):
    path = write(quirky(clean, change), tmp_path / "persons.csv")
    if change in ("integer_ids", "age_float_whole"):
        path = write(quirky(clean, change), tmp_path / "persons.parquet")
    assert both_ways(monkeypatch, path, validate=validate) is fast


def test_nan_in_a_parquet_file_is_not_read_as_a_number(monkeypatch, tmp_path, clean):
    # Written by pyarrow, whose statistics leave NaN out: DuckDB settles isnan() from them.
    table = pa.Table.from_pandas(clean, preserve_index=False)
    cost = clean["cost_gbp"].to_numpy(copy=True)
    cost[15] = np.nan
    index = table.schema.get_field_index("cost_gbp")
    table = table.set_column(index, "cost_gbp", pa.array(cost, from_pandas=False))
    path = tmp_path / "persons.parquet"
    pq.write_table(table, path)
    assert not both_ways(monkeypatch, path)


def test_a_hash_collision_in_a_file_is_cleared_by_the_exact_look_up(monkeypatch, tmp_path, clean):
    path = write(clean, tmp_path / "persons.parquet")
    monkeypatch.setattr(_fast, "hash_surplus", lambda *args, **kwargs: 1)
    monkeypatch.setattr(_hashing, "hash_surplus", lambda *args, **kwargs: 1)
    taken = spy(monkeypatch, cube_module)
    assert build_cube(path)["persons"].sum() == len(clean)
    assert taken == [True]


def test_ids_in_a_file_are_hashed_in_several_passes_when_there_are_many(
    monkeypatch, tmp_path, clean
):
    monkeypatch.setattr(_hashing, "_MAX_HASHES_IN_MEMORY", 70)
    frame = clean.copy()
    frame.loc[[300, 350], "person_id"] = frame.loc[2, "person_id"]
    with pytest.raises(DataContractError, match="3 rows share a person_id"):
        build_cube(write(frame, tmp_path / "dupes.parquet"))
    taken = spy(monkeypatch, cube_module)
    assert build_cube(write(clean, tmp_path / "clean.parquet"))["persons"].sum() == len(clean)
    assert taken == [True]


def test_a_file_of_one_row_group_is_scanned_in_slices(tmp_path, clean):
    import ibis

    path = write(clean, tmp_path / "persons.parquet")
    assert pq.ParquetFile(path).metadata.num_row_groups == 1
    con = ibis.duckdb.connect(threads=4)
    try:
        names = list(clean.columns)
        assert _duckdb_files._sliced_parquet(con, [str(path)], names) is None  # too few rows
        original = _duckdb_files._SLICE_ROWS
        _duckdb_files._SLICE_ROWS = 50
        try:
            sliced = _duckdb_files._sliced_parquet(con, [str(path)], names)
        finally:
            _duckdb_files._SLICE_ROWS = original
        assert sliced is not None and sliced.count("UNION ALL") == 3
        whole = f"SELECT * FROM read_parquet('{path}')"
        check = "SELECT count(*), count(DISTINCT person_id), sum(cost_gbp), sum(age) FROM ({})"
        assert con.con.execute(check.format(sliced)).fetchall() == (
            con.con.execute(check.format(whole)).fetchall()
        )
    finally:
        con.disconnect()


@pytest.mark.parametrize("change", [None, "sex_codings", "cause_capitals", "age_too_old"])
@pytest.mark.parametrize("validate", [True, False])
def test_the_cohort_cube_reads_files_as_they_stand_too(
    monkeypatch, tmp_path, clean, change, validate
):
    frame = clean if change is None else quirky(clean, change)
    path = write(frame, tmp_path / "persons.csv")
    taken = spy(monkeypatch, cohorts_module)

    def built() -> Any:
        try:
            return build_cohort_cube(path, validate=validate)
        except DataContractError as error:
            return str(error)

    fast = built()
    monkeypatch.setattr(cohorts_module, "fast_aggregate", lambda *args, **kwargs: None)
    standard = built()
    if isinstance(standard, str):
        assert fast == standard
    else:
        for name in ("table", "cohorts", "left_out", "mortality"):
            pd.testing.assert_frame_equal(
                getattr(fast, name), getattr(standard, name), check_exact=False, rtol=1e-12
            )
        assert fast.notes == standard.notes
    assert taken == [change is None or (change == "age_too_old" and not validate)]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_single_person_with_a_blank_id_is_refused(monkeypatch, tmp_path, clean, suffix):
    frame = clean.head(1).astype({"person_id": object})
    frame.loc[0, "person_id"] = " "
    path = write(frame, tmp_path / f"one{suffix}")
    assert not both_ways(monkeypatch, path)
    with pytest.raises(DataContractError, match="column 'person_id': 1 row is blank"):
        build_cube(path)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("change", [None, "id_duplicate_after_trimming", "age_too_old"])
def test_several_files_are_read_as_they_stand_together(
    monkeypatch, tmp_path, clean, suffix, change
):
    frame = clean if change is None else quirky(clean, change)
    folder = tmp_path / "extracts"
    folder.mkdir()
    write(frame.iloc[:150], folder / f"part_1{suffix}")
    write(frame.iloc[150:], folder / f"part_2{suffix}")
    assert both_ways(monkeypatch, folder) is (change is None)


@pytest.fixture(scope="module")
def with_text(clean) -> pd.DataFrame:
    """The clean persons with the text columns checked once per value in Parquet files."""
    frame = clean.copy()
    codes = ["E01000001", "E01000002", "E01005123", "W01000007"]
    frame["lsoa"] = pd.array([codes[i % 4] for i in range(len(frame))], dtype="string")
    groups = ["White British", "Asian or Asian British", "Black or Black British", None]
    frame["ethnic_group"] = pd.array([groups[i % 4] for i in range(len(frame))], dtype="string")
    return frame


def test_text_columns_of_parquet_files_are_checked_once_per_value(tmp_path, with_text):
    import ibis

    from toolkit.segment._duckdb_files import file_source

    con = ibis.duckdb.connect()
    try:
        for suffix in (".parquet", ".csv"):
            path = str(write(with_text, tmp_path / f"persons{suffix}"))
            source = file_source(con, [path], suffix[1:], "persons", path, check_causes=True)
            reading = source.contract.standardisation.fast
            by_value = {check.column for check in reading.by_value}
            if suffix == ".csv":  # a CSV file would be read again for its values
                assert by_value == set() and "GLOB" in reading.sql
                continue
            assert by_value == {"lsoa", "ethnic_group", "cause_of_death"}
            assert "GLOB" not in reading.sql  # the LSOA code's form: once per code
            assert 'NOT "died"' in reading.sql  # a cause only if died: every row
            failing = [
                con.con.execute(check.failing(validate=True)).fetchall()[0][0]
                for check in reading.by_value
            ]
            assert failing == [0, 0, 0]
    finally:
        con.disconnect()


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [
        ("lsoa", 11, " E01000002"),  # stands not: trimmed by the readers, then accepted
        ("lsoa", 12, "E0100000X"),  # breaks the form's rule: refused, with its row
        ("ethnic_group", 13, "White British\u00a0"),  # trimmed, accepted
        ("cause_of_death", 14, "circulatory"),  # a cause for someone alive: refused
        ("cause_of_death", 15, "Heart"),  # not a cause of death: refused
    ],
)
def test_a_text_value_that_fails_once_sends_the_file_to_the_standardised_path(
    monkeypatch, tmp_path, with_text, column, row, value
):
    frame = with_text.copy()
    frame[column] = frame[column].astype(object)
    if column == "cause_of_death" and value != "circulatory":
        frame.loc[row, "died"] = True
    frame.loc[row, column] = value
    path = write(frame, tmp_path / "persons.parquet")
    assert not both_ways(monkeypatch, path)  # the same cube or message either way
    assert both_ways(monkeypatch, write(with_text, tmp_path / "clean.parquet"))
