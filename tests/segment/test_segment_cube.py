"""The segment cube on DuckDB: shape, reconciliation with the persons table, file inputs,
the segment summary and the ``pophealth cube`` command."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CUBE_DIMENSIONS,
    CUBE_MEASURES,
    ESP2013_BANDS,
    age_band_of,
)
from toolkit.errors import DataContractError
from toolkit.segment import assign_segments, build_cube, load_rules, segment_summary

from ._persons import random_persons

COUNT_MEASURES = [name for name in CUBE_MEASURES if name != "cost_gbp"]


@pytest.fixture(scope="module")
def cube(persons) -> pd.DataFrame:
    return build_cube(persons)


def expected_cube(persons: pd.DataFrame, model="bridges_to_health") -> pd.DataFrame:
    """The cube computed independently in pandas from assign_segments (NumPy masks)."""
    segmented = assign_segments(persons, model=model)
    frame = pd.DataFrame(
        {
            "segment": segmented["segment"].astype("str"),
            "age_band": [age_band_of(age) for age in persons["age"]],
            "sex": persons["sex"],
            "imd_decile": persons["imd_decile"],
            "place": persons["place"] if "place" in persons else "(all)",
            "persons": 1,
            "deaths": persons["died"].astype("int64"),
            **{a: persons[a] for a in ACTIVITY_COLUMNS},
            **{f"persons_with_{a}": (persons[a] > 0).astype("int64") for a in ACTIVITY_COLUMNS},
            "cost_gbp": persons["cost_gbp"],
        }
    )
    return frame.groupby(list(CUBE_DIMENSIONS), dropna=False, as_index=False).sum()


def assert_same_cells(actual: pd.DataFrame, expected: pd.DataFrame, *, rtol: float = 0.0):
    keys = list(CUBE_DIMENSIONS)
    left = actual.sort_values(keys, na_position="last").reset_index(drop=True)
    right = expected.sort_values(keys, na_position="last").reset_index(drop=True)
    pd.testing.assert_frame_equal(left[keys], right[keys], check_dtype=False)
    for name in COUNT_MEASURES:
        np.testing.assert_array_equal(left[name].to_numpy(), right[name].to_numpy(), err_msg=name)
    np.testing.assert_allclose(left["cost_gbp"], right["cost_gbp"], rtol=rtol, atol=0)


# --------------------------------------------------------------------------------------
# Shape and reconciliation
# --------------------------------------------------------------------------------------
def test_columns_and_dtypes_follow_the_contract(cube):
    assert list(cube.columns) == [*CUBE_DIMENSIONS, *CUBE_MEASURES]
    for name in COUNT_MEASURES:
        assert cube[name].dtype == np.dtype("int64"), name
    assert cube["cost_gbp"].dtype == np.dtype("float64")
    assert cube["imd_decile"].dtype == pd.Int64Dtype()
    for name in ("segment", "age_band", "sex", "place"):
        assert pd.api.types.is_string_dtype(cube[name]), name
    assert set(cube["age_band"]) <= set(ESP2013_BANDS)
    assert not cube.duplicated(list(CUBE_DIMENSIONS)).any()


def test_totals_reconcile_exactly_with_the_persons_table(persons, cube):
    assert cube["persons"].sum() == len(persons)
    assert cube["deaths"].sum() == persons["died"].sum()
    for activity in ACTIVITY_COLUMNS:
        assert cube[activity].sum() == persons[activity].sum(), activity
        assert cube[f"persons_with_{activity}"].sum() == (persons[activity] > 0).sum(), activity
    # Costs in the fixture are whole quarter pounds, so float sums are exact in any order.
    assert cube["cost_gbp"].sum() == persons["cost_gbp"].sum()


def test_every_cell_matches_an_independent_pandas_computation(persons, cube):
    assert_same_cells(cube, expected_cube(persons))


def test_segment_counts_match_assign_segments(persons, cube):
    """The Ibis (DuckDB) and NumPy compilations of the rules put everyone in the same place."""
    by_person = assign_segments(persons)["segment"].astype("str").value_counts().sort_index()
    by_cube = cube.groupby("segment")["persons"].sum().sort_index()
    assert list(by_cube.index) == list(by_person.index)
    np.testing.assert_array_equal(by_cube.to_numpy(), by_person.to_numpy())


def test_rows_are_sorted_by_model_segment_order_then_band_sex_decile_place(cube):
    model = load_rules()
    order = pd.DataFrame(
        {
            "segment": cube["segment"].map({s: i for i, s in enumerate(model.segments)}),
            "band": cube["age_band"].map({b: i for i, b in enumerate(ESP2013_BANDS)}),
            "sex": cube["sex"],
            "decile": cube["imd_decile"].fillna(99),
            "place": cube["place"],
        }
    )
    assert order.equals(order.sort_values(list(order.columns)).reset_index(drop=True))
    assert cube.index.equals(pd.RangeIndex(len(cube)))


def test_deterministic_and_leaves_the_input_alone(persons, cube):
    before = persons.copy(deep=True)
    again = build_cube(persons)
    pd.testing.assert_frame_equal(again, cube)
    pd.testing.assert_frame_equal(persons, before)


def test_missing_decile_is_kept_not_dropped(persons, cube):
    unknown = persons["imd_decile"].isna().sum()
    assert unknown > 0
    assert cube.loc[cube["imd_decile"].isna(), "persons"].sum() == unknown


def test_missing_place_is_kept_and_absent_place_is_the_whole_system(persons):
    some_unknown = persons.assign(place=persons["place"].where(persons["age"] % 7 != 0))
    cube = build_cube(some_unknown)
    assert cube.loc[cube["place"].isna(), "persons"].sum() == (persons["age"] % 7 == 0).sum()
    assert cube["persons"].sum() == len(persons)

    whole = build_cube(persons.drop(columns="place"))
    assert set(whole["place"]) == {"(all)"}
    assert_same_cells(whole, expected_cube(persons.drop(columns="place")))


def test_age_band_covers_infants_and_the_oldest():
    frame = random_persons(8, seed=1)
    frame["age"] = np.array([0, 4, 5, 89, 90, 104, 120, 45], dtype="int64")
    cube = build_cube(frame, model="age_ltc")
    assert cube.groupby("age_band")["persons"].sum().to_dict() == {
        "0-4": 2,
        "5-9": 1,
        "45-49": 1,
        "85-89": 1,
        "90+": 3,
    }


def test_age_ltc_model_and_a_user_rules_file(tmp_path, persons):
    assert_same_cells(build_cube(persons, model="age_ltc"), expected_cube(persons, "age_ltc"))
    rules = tmp_path / "deprived.toml"
    rules.write_text(
        '[[rules]]\nname = "core20"\nsegment = "core20"\nwhen = "imd_decile <= 2"\n\n'
        '[[rules]]\nname = "rest"\nsegment = "rest"\nwhen = "true"\n',
        encoding="utf-8",
    )
    cube = build_cube(persons, model=rules)
    core20 = (persons["imd_decile"] <= 2).fillna(False).sum()
    assert cube.loc[cube["segment"] == "core20", "persons"].sum() == core20
    assert set(cube.loc[cube["segment"] == "core20", "imd_decile"]) <= {1, 2}


def test_large_counts_do_not_overflow():
    frame = random_persons(4, seed=2)
    big = np.iinfo(np.int32).max
    frame["bed_days"] = np.array([big] * 4, dtype="int64")
    frame["place"] = "North"
    frame["imd_decile"] = pd.array([1] * 4, dtype="Int64")
    frame["sex"] = "F"
    frame["age"] = 40
    frame[["end_of_life", "dementia", "pregnant"]] = False
    cube = build_cube(frame, model="age_ltc")
    assert cube["bed_days"].sum() == 4 * big
    assert cube["bed_days"].dtype == np.dtype("int64")
    frame["bed_days"] = np.array([2**62] * 4, dtype="int64")
    with pytest.raises(DataContractError, match="exceeds the 64-bit integer range"):
        build_cube(frame, model="age_ltc")


# --------------------------------------------------------------------------------------
# Files: Parquet, CSV, folders and globs scanned by the engine
# --------------------------------------------------------------------------------------
def test_parquet_file_folder_and_glob_give_the_same_cube(tmp_path, persons, cube):
    halves = [persons.iloc[: len(persons) // 2], persons.iloc[len(persons) // 2 :]]
    single = tmp_path / "persons.parquet"
    persons.to_parquet(single)
    folder = tmp_path / "parts"
    folder.mkdir()
    for index, half in enumerate(halves):
        half.to_parquet(folder / f"part_{index}.parquet")
    pd.testing.assert_frame_equal(build_cube(single), cube)
    pd.testing.assert_frame_equal(build_cube(folder), cube)
    pd.testing.assert_frame_equal(build_cube(str(folder / "part_*.parquet")), cube)


def test_csv_gives_the_same_cube(tmp_path, persons, cube):
    path = tmp_path / "persons.csv"
    persons.to_csv(path, index=False)
    pd.testing.assert_frame_equal(build_cube(path), cube)


def test_file_errors(tmp_path, persons):
    with pytest.raises(FileNotFoundError, match="No files match"):
        build_cube(str(tmp_path / "nothing_*.parquet"))
    with pytest.raises(FileNotFoundError, match="No such file or folder"):
        build_cube(tmp_path / "absent.parquet")
    with pytest.raises(FileNotFoundError, match="No Parquet or CSV files"):
        build_cube(tmp_path)
    # A single Excel file is handed to the readers, which refuse an empty one as validate does.
    empty = tmp_path / "persons.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(DataContractError, match=r"persons\.xlsx: the file is empty"):
        build_cube(empty)
    # A folder or glob is scanned by the engine: Parquet or CSV only.
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "persons.xlsx").write_bytes(b"x")
    with pytest.raises(ValueError, match="reads Parquet or CSV files"):
        build_cube(str(tmp_path / "odd" / "*.xlsx"))
    persons.head(5).to_parquet(tmp_path / "a.parquet")
    persons.head(5).to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(ValueError, match="mixes Parquet and CSV"):
        build_cube(str(tmp_path / "[ab].*"))


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------
def test_missing_cube_columns_are_named(persons):
    with pytest.raises(
        DataContractError, match="lacks columns the segment and cohort cubes need: 'bed_days'"
    ):
        build_cube(persons.drop(columns="bed_days"))
    with pytest.raises(DataContractError, match="join_persons_to_areas"):
        build_cube(persons.drop(columns="imd_decile"))


def test_missing_rule_column_names_the_rule(tmp_path, persons):
    path = tmp_path / "persons.parquet"
    persons.drop(columns="dementia").to_parquet(path)
    with pytest.raises(DataContractError) as caught:
        build_cube(path)
    assert "rule 'frailty_dementia' needs 'dementia'" in str(caught.value)
    assert "persons.parquet" in str(caught.value)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"engine": "polars"}, ValueError, r"must be one of \['duckdb', 'spark'\]. Got 'polars'"),
        ({"engine": 1}, TypeError, "'engine' parameter of build_cube must be one of"),
        ({"progress": "yes"}, TypeError, "'progress' parameter of build_cube must be a bool"),
        (
            {"model": "nope"},
            ValueError,
            r"'model' parameter of build_cube must be a built-in model's name "
            r"\('bridges_to_health', 'age_ltc'\), the path of a rules file",
        ),
        ({"spark_session": object()}, TypeError, "'spark_session' parameter of build_cube"),
        (
            # A session (by its class's name and module) is refused without engine="spark".
            {"spark_session": type("SparkSession", (), {"__module__": "pyspark.sql.session"})()},
            ValueError,
            "needs engine='spark'",
        ),
    ],
)
def test_option_errors(persons, options, error, message):
    with pytest.raises(error, match=message):
        build_cube(persons, **options)


def test_persons_of_the_wrong_type():
    with pytest.raises(TypeError, match=r"Got \[1, 2\] instead"):
        build_cube([1, 2])  # type: ignore[arg-type]


def test_progress_steps_go_to_stderr(persons, capsys):
    build_cube(persons.head(50), progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "segment cube" in captured.err
    build_cube(persons.head(50))
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------
# segment_summary
# --------------------------------------------------------------------------------------
def tiny_cube() -> pd.DataFrame:
    rows = [
        # segment, decile, persons, deaths, activity (same for every column), cost
        ("healthy", 1, 60, 0, 6, 600.0),
        ("healthy", 9, 20, 1, 2, 200.0),
        ("frailty", 1, 15, 3, 30, 6_000.0),
        ("frailty", None, 5, 1, 12, 3_200.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["segment", "imd_decile", "persons", "deaths", "act", "cost_gbp"]
    )
    cube = pd.DataFrame(
        {
            "segment": frame["segment"],
            "age_band": "50-54",
            "sex": "F",
            "imd_decile": pd.array(frame["imd_decile"], dtype="Int64"),
            "place": "North",
            "persons": frame["persons"],
            "deaths": frame["deaths"],
            **{a: frame["act"] for a in ACTIVITY_COLUMNS},
            **{f"persons_with_{a}": frame["persons"] // 2 for a in ACTIVITY_COLUMNS},
            "cost_gbp": frame["cost_gbp"],
        }
    )
    return cube


def test_summary_by_segment_is_hand_checkable():
    summary = segment_summary(tiny_cube())
    assert summary["segment"].tolist() == ["healthy", "frailty"]
    assert summary["persons"].tolist() == [80, 20]
    np.testing.assert_allclose(summary["share_of_population"], [0.8, 0.2])
    assert summary["deaths"].tolist() == [1, 4]
    np.testing.assert_allclose(summary["deaths_per_1000"], [12.5, 200.0])
    np.testing.assert_allclose(summary["cost_gbp"], [800.0, 9_200.0])
    np.testing.assert_allclose(summary["cost_per_head"], [10.0, 460.0])
    np.testing.assert_allclose(summary["cost_share"], [0.08, 0.92])
    np.testing.assert_allclose(summary["bed_days_per_head"], [0.1, 2.1])
    np.testing.assert_allclose(summary["bed_days_share"], [8 / 50, 42 / 50])
    assert list(summary.columns[:9]) == [
        "segment",
        "persons",
        "share_of_population",
        "deaths",
        "deaths_per_1000",
        "cost_gbp",
        "cost_per_head",
        "cost_share",
        "gp_appointments_per_head",
    ]


def test_summary_by_quintile_keeps_unknown_deprivation():
    summary = segment_summary(tiny_cube(), quintiles=True)
    assert summary["segment"].tolist() == ["healthy", "healthy", "frailty", "frailty"]
    assert summary["imd_quintile"].tolist()[:3] == [1, 5, 1]
    assert summary["imd_quintile"].isna().tolist() == [False, False, False, True]
    assert summary["persons"].tolist() == [60, 20, 15, 5]
    np.testing.assert_allclose(summary["share_of_population"].sum(), 1.0)
    np.testing.assert_allclose(summary["cost_share"].sum(), 1.0)


def test_summary_from_cube_from_segmented_persons_and_from_raw_persons_agree(persons, cube):
    from_cube = segment_summary(cube)
    from_segmented = segment_summary(assign_segments(persons))
    from_raw = segment_summary(persons)
    pd.testing.assert_frame_equal(from_cube, from_raw)
    pd.testing.assert_frame_equal(from_cube, from_segmented)
    assert from_cube["segment"].tolist() == [
        s for s in load_rules().segments if s in set(cube["segment"])
    ]
    assert from_cube["persons"].sum() == len(persons)
    for quintile in (True,):
        pd.testing.assert_frame_equal(
            segment_summary(cube, quintiles=quintile),
            segment_summary(assign_segments(persons), quintiles=quintile),
        )


def test_summary_options(persons, cube):
    with pytest.raises(ValueError, match="already has segments"):
        segment_summary(cube, model="age_ltc")
    with pytest.raises(TypeError, match="'quintiles' parameter of segment_summary must be a bool"):
        segment_summary(cube, quintiles=1)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        segment_summary("cube.parquet")
    by_age = segment_summary(persons, model="age_ltc")
    assert by_age["segment"].iloc[0] == "0-17: 0 LTCs"
    before = cube.copy(deep=True)
    segment_summary(cube, quintiles=True)
    pd.testing.assert_frame_equal(cube, before)


def test_summary_of_a_cube_lacking_a_measure_names_the_cube_and_the_column(cube):
    with pytest.raises(DataContractError, match="segment cube given to segment_summary lacks") as e:
        segment_summary(cube.drop(columns="persons"))
    assert "'persons'" in str(e.value) and "'died'" not in str(e.value)
    # The measures the summary does not use may be left out.
    pd.testing.assert_frame_equal(
        segment_summary(cube.drop(columns="persons_with_bed_days")), segment_summary(cube)
    )


@pytest.mark.parametrize("bad", [-1, np.nan, 2.5], ids=["negative", "blank", "fraction"])
def test_summary_refuses_counts_the_contract_refuses(persons, cube, bad):
    # A negative, blank or fractional count would otherwise be summed into the shares
    # (a negative "per head" figure); both a cube and segmented persons are refused, as
    # the readers word it, rows numbered as a spreadsheet shows them.
    broken = cube.astype({"emergency_admissions": "float64"})
    broken.loc[4, "emergency_admissions"] = bad
    with pytest.raises(DataContractError, match="segment cube given to segment_summary") as error:
        segment_summary(broken)
    assert error.value.failures["column"].tolist() == ["emergency_admissions"]
    assert error.value.failures["example_rows"].tolist() == [[6]]
    segmented = assign_segments(persons).astype({"gp_appointments": "float64"})
    segmented.loc[3, "gp_appointments"] = bad
    with pytest.raises(DataContractError, match="persons given to segment_summary") as error:
        segment_summary(segmented)
    assert error.value.failures["column"].tolist() == ["gp_appointments"]
    assert error.value.failures["example_rows"].tolist() == [[5]]


# --------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------
def test_pophealth_cube_command_writes_the_cube(tmp_path, persons, cube):
    source = tmp_path / "persons.parquet"
    persons.to_parquet(source)
    out = tmp_path / "out" / "cube.parquet"
    completed = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "cube", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{len(persons):,} persons" in completed.stdout
    assert "segment cube" in completed.stderr  # the progress bar
    written = pd.read_parquet(out)
    pd.testing.assert_frame_equal(written, cube, check_dtype=False)
    assert written["imd_decile"].isna().sum() == cube["imd_decile"].isna().sum()


def test_pophealth_cube_command_reports_a_bad_rule_file_plainly(tmp_path, persons):
    source = tmp_path / "persons.parquet"
    persons.head(10).to_parquet(source)
    rules = tmp_path / "my_rules.toml"
    rules.write_text(
        '[[rules]]\nname = "frail"\nsegment = "f"\nwhen = "efl > 1"\n', encoding="utf-8"
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "cube",
            str(source),
            "--out",
            str(tmp_path / "c.parquet"),
            "--model",
            str(rules),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert (
        "rule 'frail' in my_rules.toml: unknown column 'efl' (did you mean 'efi'?)"
        in completed.stderr
    )
    assert "Traceback" not in completed.stderr


# --------------------------------------------------------------------------------------
# The demo system
# --------------------------------------------------------------------------------------
def test_demo_system_cube_reconciles_and_fills_every_segment(tmp_path):
    from toolkit.data.synth import make_demo_system, write_demo_system

    people = make_demo_system(persons=20_000, seed=5).persons
    cube = build_cube(people)
    assert cube["persons"].sum() == len(people)
    assert cube["deaths"].sum() == people["died"].sum()
    for activity in ACTIVITY_COLUMNS:
        assert cube[activity].sum() == people[activity].sum(), activity
    np.testing.assert_allclose(cube["cost_gbp"].sum(), people["cost_gbp"].sum(), rtol=1e-12)
    assert_same_cells(cube, expected_cube(people), rtol=1e-12)
    # Each of Lynn's eight segments holds some of the demo population.
    assert set(cube["segment"]) == set(load_rules().segments)
    # The cube meets the data contract's cube schema, unchanged by its standardisation.
    from toolkit.data.readers import validate_cube

    pd.testing.assert_frame_equal(validate_cube(cube, source="demo cube"), cube)
    paths = write_demo_system(tmp_path, persons=20_000, seed=5, progress=False)
    from_file = build_cube(paths["persons"])
    pd.testing.assert_frame_equal(from_file.drop(columns="cost_gbp"), cube.drop(columns="cost_gbp"))
    np.testing.assert_allclose(from_file["cost_gbp"], cube["cost_gbp"], rtol=1e-12)
