"""The cohort cube of overlapping cohorts: every cohort's totals equal the sums over the
persons who meet its rule (NumPy masks), on DuckDB and on Spark."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    COHORT_CUBE_DIMENSIONS,
    COHORT_CUBE_MEASURES,
    COHORT_CUBE_OPTIONAL_MEASURES,
    ESP2013_BANDS,
    PREMATURE_DEATH_AGE,
    age_band_of,
)
from toolkit.errors import DataContractError
from toolkit.segment import (
    Cohort,
    CohortCube,
    RuleError,
    assign_segments,
    build_cohort_cube,
    cohort_expression,
    load_cohorts,
    parse_condition,
)
from toolkit.segment import cohorts as cohorts_module
from toolkit.segment.rules import to_mask

from ._persons import random_persons

COUNTS = [name for name in COHORT_CUBE_MEASURES if name != "cost_gbp"]
LIFE_TABLE_BANDS = ("0", "1-4", *ESP2013_BANDS[1:])


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    """Realistic demo persons, with a few gaps: no decile, no ethnic group, an odd cause."""
    frame = make_demo_system(persons=6_000, seed=5).persons.copy()
    frame["imd_decile"] = pd.array(frame["imd_decile"], dtype="Int64")
    frame.loc[frame.index[::97], "imd_decile"] = pd.NA
    frame.loc[frame.index[5::89], "ethnic_group"] = None
    died = frame.index[frame["died"]]
    frame.loc[died[:3], "cause_of_death"] = "not recorded"
    return frame


@pytest.fixture(scope="module")
def cube(persons) -> CohortCube:
    return build_cohort_cube(persons)


def expected_totals(persons: pd.DataFrame, when: str, optional: tuple[str, ...]) -> pd.Series:
    """The cube's measures for one cohort, summed directly over the persons who meet it."""
    chosen = persons[to_mask(parse_condition(when), persons)]
    died = chosen["died"].astype(bool)
    totals = {
        "persons": len(chosen),
        "deaths": int(died.sum()),
        "deaths_under_75": int((died & (chosen["age"] < PREMATURE_DEATH_AGE)).sum()),
    }
    for cause in CAUSES_OF_DEATH:
        totals[f"deaths_{cause}"] = int((died & (chosen["cause_of_death"] == cause)).sum())
    for activity in ACTIVITY_COLUMNS:
        totals[activity] = int(chosen[activity].sum())
    for activity in ACTIVITY_COLUMNS:
        totals[f"persons_with_{activity}"] = int((chosen[activity] > 0).sum())
    totals["cost_gbp"] = float(chosen["cost_gbp"].sum())
    for name in optional:
        if name in CAUSE_ADMISSION_COLUMNS:
            totals[name] = int(chosen[name].sum())
        elif name.endswith("_recorded"):  # persons with the flag recorded, true or false
            flag = chosen[name.removeprefix("persons_").removesuffix("_recorded")]
            totals[name] = int(flag.notna().sum())
        else:
            flag = chosen[name.removeprefix("persons_")]
            totals[name] = int(flag.fillna(False).astype(bool).sum())
    return pd.Series(totals)


def assert_every_cohort_reconciles(cube: CohortCube, persons: pd.DataFrame) -> None:
    optional = (*cube.optional_measures, *cube.recorded_measures)
    measures = [*COHORT_CUBE_MEASURES, *optional]
    totals = cube.table.groupby("cohort", sort=False)[measures].sum()
    for cohort, when, persons_in in zip(
        cube.cohorts["cohort"], cube.cohorts["when"], cube.cohorts["persons"], strict=True
    ):
        expected = expected_totals(persons, when, optional)
        actual = totals.loc[cohort] if cohort in totals.index else pd.Series(0, index=measures)
        assert persons_in == expected["persons"], cohort
        for name in measures:
            if name == "cost_gbp":
                np.testing.assert_allclose(actual[name], expected[name], rtol=1e-9, err_msg=cohort)
            else:
                assert actual[name] == expected[name], (cohort, name)


# ---- the cube ------------------------------------------------------------------------
def test_every_cohort_equals_the_sums_over_its_persons(cube, persons):
    assert_every_cohort_reconciles(cube, persons)
    kinds = set(cube.cohorts["kind"])
    assert kinds == {"condition", "condition_group", "population_group", "ethnic_group", "segment"}
    assert len(cube.cohorts) == len(load_cohorts()) + 5 + 8  # catalogue, ethnic, segments
    assert cube.left_out.empty


def test_shape_dtypes_and_order(cube):
    table = cube.table
    optional = tuple(COHORT_CUBE_OPTIONAL_MEASURES)
    assert cube.optional_measures == optional
    recorded = ("persons_smoker_recorded", "persons_bp_controlled_recorded")
    assert cube.recorded_measures == recorded
    assert list(table.columns) == [
        *COHORT_CUBE_DIMENSIONS,
        *COHORT_CUBE_MEASURES,
        *optional,
        *recorded,
    ]
    for name in [*COUNTS, *optional, *recorded]:
        assert table[name].dtype == np.dtype("int64"), name
    assert table["cost_gbp"].dtype == np.dtype("float64")
    assert table["imd_decile"].dtype == pd.Int64Dtype()
    assert table["imd_decile"].isna().any()  # persons with no decile are kept
    assert (table["persons"] > 0).all()
    assert not table.duplicated(list(COHORT_CUBE_DIMENSIONS)).any()
    # Sorted: cohorts in the cube's order, then ESP2013 bands, sex, decile, place.
    position = {cohort: i for i, cohort in enumerate(cube.cohorts["cohort"])}
    band = {label: i for i, label in enumerate(ESP2013_BANDS)}
    keys = pd.DataFrame(
        {
            "cohort": table["cohort"].map(position),
            "band": table["age_band"].map(band),
            "sex": table["sex"],
            "imd_decile": table["imd_decile"],
            "place": table["place"],
        }
    )
    ordered = keys.sort_values(list(keys.columns), na_position="last", kind="stable")
    assert list(ordered.index) == list(range(len(table)))
    assert list(cube.cohorts["cohort"][: len(load_cohorts())]) == [c.id for c in load_cohorts()]
    assert cube.engine == "duckdb" and cube.model == "bridges_to_health"


def test_a_person_in_several_cohorts_is_counted_in_each(persons):
    one = persons.iloc[[0]].assign(
        age=80,
        copd=True,
        heart_failure=True,
        asthma=False,
        chd=False,
        died=True,
        cause_of_death="respiratory",
        imd_decile=pd.array([1], dtype="Int64"),
    )
    cube = build_cohort_cube(one, model=None)
    table = cube.table.set_index("cohort")
    expected = {
        "everyone",
        "copd",
        "heart_failure",
        "respiratory",
        "cardiovascular",
        "older_people",
        "core20",
    }
    assert expected <= set(table.index)
    for cohort in expected:
        row = table.loc[cohort]
        assert (row["persons"], row["deaths"], row["deaths_respiratory"]) == (1, 1, 1), cohort
        assert row["deaths_under_75"] == 0 and row["age_band"] == "80-84"
        assert row["cost_gbp"] == one["cost_gbp"].iloc[0]
    assert "children" not in table.index and "asthma" not in table.index


def test_segment_cohorts_partition_the_persons(cube, persons):
    segments = cube.cohorts[cube.cohorts["kind"] == "segment"]
    assert segments["persons"].sum() == len(persons)
    assigned = assign_segments(persons)["segment"].value_counts()
    for cohort, persons_in in zip(segments["cohort"], segments["persons"], strict=True):
        assert persons_in == assigned.get(cohort.removeprefix("segment_"), 0), cohort
    labels = dict(zip(segments["cohort"], segments["label"], strict=True))
    assert labels["segment_frailty"] == "Frailty and dementia (long decline)"
    # The same for a cube's whole table: each segment cell once.
    table = cube.table[cube.table["cohort"].str.startswith("segment_")]
    assert table["persons"].sum() == len(persons)
    assert table["deaths"].sum() == persons["died"].sum()
    no_segments = build_cohort_cube(persons.head(500), model=None)
    assert not (no_segments.cohorts["kind"] == "segment").any()
    assert no_segments.model is None
    other = build_cohort_cube(persons.head(500), model="age_ltc")
    assert other.model == "age_ltc"
    assert (other.cohorts["kind"] == "segment").sum() == len(
        assign_segments(persons.head(1), "age_ltc")["segment"].cat.categories
    )


def test_ethnic_group_cohorts_are_made_for_each_group_present(cube, persons):
    ethnic = cube.cohorts[cube.cohorts["kind"] == "ethnic_group"]
    present = sorted(persons["ethnic_group"].dropna().unique())
    assert list(ethnic["label"]) == [
        f"People recording their ethnic group as {name}" for name in present
    ]
    assert "ethnic_group_asian_asian_british_or_asian_welsh" in set(ethnic["cohort"])
    assert "ethnic_group_white" in set(ethnic["cohort"])
    unrecorded = int(persons["ethnic_group"].isna().sum())
    assert ethnic["persons"].sum() == len(persons) - unrecorded
    assert any(f"{unrecorded:,} persons have no recorded ethnic group" in n for n in cube.notes)
    # Only the groups present: a table of one group gives one ethnic cohort.
    white = build_cohort_cube(persons[persons["ethnic_group"] == "White"].head(300), model=None)
    assert list(white.cohorts.loc[white.cohorts["kind"] == "ethnic_group", "cohort"]) == [
        "ethnic_group_white"
    ]


def test_missing_columns_leave_cohorts_out_with_the_reason(persons):
    smaller = persons.drop(columns=["smoker", "efi", "ethnic_group", *CAUSE_ADMISSION_COLUMNS])
    cube = build_cohort_cube(smaller)
    reasons = dict(zip(cube.left_out["cohort"], cube.left_out["reason"], strict=True))
    assert reasons["smokers"] == "the persons table has no 'smoker' column"
    for frailty in ("frailty_mild", "frailty_moderate", "frailty_severe"):
        assert reasons[frailty] == "the persons table has no 'efi' column"
    assert "ethnic_group" in reasons
    # Bridges to Health reads efi: its segments are left out too, never silently.
    assert reasons["segment_frailty"].startswith("the segmentation model 'bridges_to_health'")
    assert "'efi'" in reasons["segment_frailty"]
    built = set(cube.cohorts["cohort"])
    assert not built & set(reasons)
    assert cube.optional_measures == ("persons_bp_controlled",)
    assert cube.recorded_measures == ("persons_bp_controlled_recorded",)
    assert "persons_smoker" not in cube.table.columns
    assert "persons_smoker_recorded" not in cube.table.columns
    assert_every_cohort_reconciles(cube, smaller)
    labels = dict(zip(cube.left_out["cohort"], cube.left_out["label"], strict=True))
    assert labels["smokers"] == "Adults who smoke"


def test_no_condition_flags_leaves_out_the_counts_of_conditions(persons):
    from toolkit.data.contract import CONDITIONS

    bare = persons.drop(columns=[c for c in CONDITIONS if c in persons.columns])
    cube = build_cohort_cube(bare, model=None)
    reasons = dict(zip(cube.left_out["cohort"], cube.left_out["reason"], strict=True))
    assert "none of the long-term condition flags" in reasons["multimorbidity_2plus"]
    assert reasons["hypertension"] == "the persons table has no 'hypertension' column"
    assert reasons["cardiovascular"].startswith("the persons table has no 'atrial_fibrillation'")


def test_mortality_reconciles_with_the_persons(cube, persons):
    mortality = cube.mortality
    assert list(mortality.columns[:4]) == ["age_band", "sex", "imd_decile", "place"]
    assert set(mortality["age_band"]) <= set(LIFE_TABLE_BANDS)
    assert mortality["persons"].sum() == len(persons)
    assert mortality["deaths"].sum() == persons["died"].sum()
    bands = np.where(
        persons["age"] < 1,
        "0",
        np.where(persons["age"] < 5, "1-4", [age_band_of(a) for a in persons["age"]]),
    )
    frame = persons.assign(age_band=bands, persons=1)
    frame["deaths"] = frame["died"].astype("int64")
    for cause in CAUSES_OF_DEATH:
        frame[f"deaths_{cause}"] = (frame["died"] & (frame["cause_of_death"] == cause)).astype(
            "int64"
        )
    keys = ["age_band", "sex", "imd_decile", "place"]
    measures = ["persons", "deaths", *(f"deaths_{c}" for c in CAUSES_OF_DEATH)]
    expected = frame.groupby(keys, dropna=False)[measures].sum().sort_index()
    actual = mortality.set_index(keys)[measures].sort_index()
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, check_index_type=False)
    # Three deaths have a cause outside the broad groups: counted, and said so.
    assert mortality[[f"deaths_{c}" for c in CAUSES_OF_DEATH]].sum().sum() == (
        persons["died"].sum() - 3
    )
    assert any("3 of" in note and "no cause of death among" in note for note in cube.notes)


def test_mortality_feeds_the_life_expectancy_gap_by_cause():
    from toolkit.indicators import life_expectancy_gap_by_cause

    persons = make_demo_system(persons=30_000, seed=2).persons
    mortality = build_cohort_cube(persons, model=None).mortality
    causes = [f"deaths_{c}" for c in CAUSES_OF_DEATH]
    summed = mortality.groupby(["age_band", "imd_decile"])[["persons", *causes]].sum()
    long = summed.reset_index().melt(
        id_vars=["age_band", "imd_decile", "persons"], value_vars=causes, var_name="cause"
    )
    long["imd_decile"] = long["imd_decile"].astype("int64")
    gap = life_expectancy_gap_by_cause(
        long, deaths="value", population="persons", age_band="age_band", cause="cause"
    )
    assert len(gap) == 20 * len(CAUSES_OF_DEATH)
    np.testing.assert_allclose(gap["contribution"].sum(), gap["gap"].iloc[0], rtol=1e-9)


def test_no_cause_of_death_column_gives_zero_deaths_by_cause_and_says_so(persons):
    cube = build_cohort_cube(persons.drop(columns="cause_of_death"), model=None)
    everyone = cube.table[cube.table["cohort"] == "everyone"]
    assert everyone["deaths"].sum() == persons["died"].sum()
    assert everyone["deaths_under_75"].sum() == (persons["died"] & (persons["age"] < 75)).sum()
    for cause in CAUSES_OF_DEATH:
        assert cube.table[f"deaths_{cause}"].sum() == 0
        assert cube.mortality[f"deaths_{cause}"].sum() == 0
    assert any("no 'cause_of_death' column" in note for note in cube.notes)


def test_many_cohorts_fill_many_blocks():
    """Seventy cohorts (more than one 64-bit mask holds) are each counted exactly."""
    persons = random_persons(1_500, seed=3)
    cohorts = [
        Cohort(f"aged_{k}", "population_group", f"Aged {k}+", f"age >= {k}",
               parse_condition(f"age >= {k}"))
        for k in range(0, 70)
    ]  # fmt: skip
    cohorts += [
        Cohort(f"{flag}_old", "condition", flag, f"{flag} and age >= 50",
               parse_condition(f"{flag} and age >= 50"))
        for flag in ("copd", "asthma", "chd")
    ]  # fmt: skip
    blocks = cohorts_module._blocks(cohorts)
    assert len(blocks) > 8 and all(len(block) <= cohorts_module.BLOCK_BITS for block in blocks)
    cube = build_cohort_cube(persons, cohorts=cohorts, model=None)
    assert_every_cohort_reconciles(cube, persons)
    assert list(cube.cohorts["cohort"][:73]) == [c.id for c in cohorts]


def test_files_and_dataframes_give_the_same_cube(tmp_path, persons):
    frame = persons.head(1_500)
    before = frame.copy()
    path = tmp_path / "persons.parquet"
    frame.to_parquet(path)
    from_frame = build_cohort_cube(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    from_file = build_cohort_cube(path)
    pd.testing.assert_frame_equal(from_file.table, from_frame.table)
    pd.testing.assert_frame_equal(from_file.mortality, from_frame.mortality)
    pd.testing.assert_frame_equal(from_file.cohorts, from_frame.cohorts)


def test_values_are_checked_as_for_the_segment_cube(persons):
    bad = persons.head(50).copy()
    bad.loc[bad.index[3], "age"] = 130
    bad.loc[bad.index[[5, 6]], "gp_appointments"] = -1
    with pytest.raises(DataContractError, match=r"2 problems found") as error:
        build_cohort_cube(bad)
    assert "column 'age': 1 row is outside 0 to 120 (row 5: 130)" in str(error.value)
    with pytest.raises(
        DataContractError, match="lacks columns the segment and cohort cubes need: 'died'"
    ):
        build_cohort_cube(persons.drop(columns="died"))


def test_options_are_checked(persons):
    with pytest.raises(ValueError, match="'engine' parameter of build_cohort_cube"):
        build_cohort_cube(persons, engine="polars")
    with pytest.raises(TypeError, match="'validate' parameter of build_cohort_cube"):
        build_cohort_cube(persons, validate="yes")
    with pytest.raises(TypeError, match="'persons' parameter of build_cohort_cube"):
        build_cohort_cube([1, 2])
    with pytest.raises(TypeError, match="'cohorts' parameter of build_cohort_cube"):
        build_cohort_cube(persons, cohorts=[1, 2])
    twice = [*load_cohorts()[:2], load_cohorts()[0]]
    with pytest.raises(ValueError, match="unique ids. Got 'everyone'"):
        build_cohort_cube(persons, cohorts=twice)
    clash = [dataclasses.replace(load_cohorts()[0], id="ethnic_group_white")]
    with pytest.raises(ValueError, match="must not use ids starting with 'segment_'"):
        build_cohort_cube(persons, cohorts=clash)
    with pytest.raises(TypeError, match="'spark_session' parameter"):
        build_cohort_cube(persons, spark_session=object())
    # A session (by its class's name and module) is refused without engine="spark".
    session = type("SparkSession", (), {"__module__": "pyspark.sql.session"})()
    with pytest.raises(ValueError, match="'spark_session' parameter .* needs engine='spark'"):
        build_cohort_cube(persons, spark_session=session)


def test_result_is_frozen_with_a_notebook_view(cube):
    with pytest.raises(dataclasses.FrozenInstanceError):
        cube.engine = "spark"  # type: ignore[misc]
    frame = cube.to_frame()
    pd.testing.assert_frame_equal(frame, cube.table)
    assert frame is not cube.table
    shown = cube._repr_html_()
    assert "People with high blood pressure" in shown and "<table" in shown
    assert len(cube) == len(cube.table)


# ---- the catalogue -------------------------------------------------------------------
def test_the_built_in_catalogue():
    cohorts = load_cohorts()
    ids = [cohort.id for cohort in cohorts]
    assert len(ids) == len(set(ids)) == 35
    assert {"hypertension", "core20", "multimorbidity_2plus", "smokers"} <= set(ids)
    assert all(cohort.kind in cohorts_module.CATALOGUE_KINDS for cohort in cohorts)
    assert all(cohort.label[0].isupper() for cohort in cohorts)
    hypertension = cohorts[ids.index("hypertension")]
    assert hypertension.label == "People with high blood pressure"
    assert hypertension.condition.columns == frozenset({"hypertension"})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my_cohorts.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[[cohorts]]
id = "copd_old"
kind = "condition"
label = "Older people with COPD"
when = "copd and age >= 65"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[cohorts]\nid = 1", r"my_cohorts.toml: the file is not valid TOML"),
        ("title = 'x'", r"unknown key 'title'"),
        ("", r"the file has no cohorts"),
        (GOOD.replace('kind = "condition"', 'kind = "illness"'),
         r"in my_cohorts.toml: cohort 'copd_old', field 'kind': must be one of 'condition'"),
        (GOOD.replace("copd and age", "copdd and age"),
         r"cohort 'copd_old', field 'when': unknown column 'copdd' \(did you mean 'copd'\?\)"),
        (GOOD.replace('label = "Older people with COPD"', 'label = ""'),
         r"cohort 'copd_old', field 'label': must be non-empty text"),
        (GOOD.replace('when = "copd and age >= 65"', ""), r"cohort 'copd_old', field 'when'"),
        (GOOD.replace('id = "copd_old"', 'id = "COPD old"'), r"field 'id': cohort number 1"),
        (GOOD.replace('id = "copd_old"', 'id = "segment_x"'), r"reserved"),
        (GOOD + GOOD, r"cohort 'copd_old': the id is used by an earlier cohort"),
        (GOOD.replace('label =', 'lable = "x"\nlabel ='), r"unknown key 'lable' \(did you mean"),
    ],
)  # fmt: skip
def test_a_malformed_cohorts_file_gives_one_clear_error(tmp_path, text, message):
    with pytest.raises(RuleError, match=message):
        load_cohorts(write(tmp_path, text))


def test_a_user_catalogue_builds_its_own_cohorts(tmp_path, persons):
    path = write(tmp_path, GOOD)
    (cohort,) = load_cohorts(path)
    assert cohort == Cohort(
        "copd_old", "condition", "Older people with COPD", "copd and age >= 65",
        parse_condition("copd and age >= 65"),
    )  # fmt: skip
    cube = build_cohort_cube(persons, cohorts=path, model=None)
    assert list(cube.cohorts["cohort"])[0] == "copd_old"
    assert_every_cohort_reconciles(cube, persons)
    with pytest.raises(FileNotFoundError):
        load_cohorts(tmp_path / "nowhere.toml")
    with pytest.raises(TypeError, match="'path' parameter of load_cohorts"):
        load_cohorts(3)


# ---- Spark -----------------------------------------------------------------------------
@pytest.mark.spark
def test_spark_cube_equals_duckdb_cube_and_the_persons(spark, persons):
    frame = persons.head(2_500)
    duckdb_cube = build_cohort_cube(frame)
    spark_cube = build_cohort_cube(frame, engine="spark", spark_session=spark)
    assert spark_cube.engine == "spark"
    for name in ("table", "mortality"):
        spark_frame, duckdb_frame = getattr(spark_cube, name), getattr(duckdb_cube, name)
        assert list(spark_frame.columns) == list(duckdb_frame.columns)
        pd.testing.assert_frame_equal(
            spark_frame.drop(columns="cost_gbp", errors="ignore"),
            duckdb_frame.drop(columns="cost_gbp", errors="ignore"),
        )
    np.testing.assert_allclose(
        spark_cube.table["cost_gbp"], duckdb_cube.table["cost_gbp"], rtol=1e-9, atol=0
    )
    pd.testing.assert_frame_equal(spark_cube.cohorts, duckdb_cube.cohorts)
    pd.testing.assert_frame_equal(spark_cube.left_out, duckdb_cube.left_out)
    assert spark_cube.notes == duckdb_cube.notes
    assert_every_cohort_reconciles(spark_cube, frame)


@pytest.mark.spark
def test_spark_leaves_out_cohorts_and_no_temporary_views(spark, persons, tmp_path):
    before = {table.name for table in spark.catalog.listTables()}
    frame = persons.head(800).drop(columns=["smoker"])
    path = tmp_path / "persons.parquet"
    frame.to_parquet(path)
    spark_cube = build_cohort_cube(path, engine="spark", spark_session=spark, model=None)
    assert "smokers" in set(spark_cube.left_out["cohort"])
    pd.testing.assert_frame_equal(
        spark_cube.table.drop(columns="cost_gbp"),
        build_cohort_cube(path, model=None).table.drop(columns="cost_gbp"),
    )
    assert {table.name for table in spark.catalog.listTables()} == before


def test_a_block_holds_at_most_63_cohorts():
    import ibis

    table = ibis.table({"age": "int64"}, name="persons")
    with pytest.raises(ValueError, match="'blocks' parameter of cohort_expression must be"):
        cohort_expression(table, [[load_cohorts()[0]] * 64])


def test_the_engine_sums_in_binary_floats_never_decimals(persons):
    """Ibis writes a float64 literal as ``1.0``, which DuckDB types DECIMAL: yes/no words
    and check counts built from such literals were summed as 128-bit decimals (slower, and
    cast back on the way out). Every column of the engine's aggregate is an integer or a
    double."""
    import ibis

    from toolkit.segment.cohorts import _plan
    from toolkit.segment.model import load_rules

    con = ibis.duckdb.connect()
    try:
        table = con.create_table("persons", persons)
        plan, _, _ = _plan(table.columns, load_cohorts(), load_rules("bridges_to_health"))
        flags = {"_broken": table["age"] > 200}
        expression = cohort_expression(table, plan.blocks, plan.model, counts=flags)
        described = con.con.execute(f"DESCRIBE {con.compile(expression)}").fetchall()
    finally:
        con.disconnect()
    types = {name: kind for name, kind, *_ in described}
    words = {name: kind for name, kind in types.items() if name.startswith("_flags_")}
    assert words and set(words.values()) == {"DOUBLE"}, words  # not DECIMAL, not HUGEINT
    assert not {name: kind for name, kind in types.items() if "DECIMAL" in kind}, types
    assert types["_broken"] == "DOUBLE"
