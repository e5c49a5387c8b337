"""Tests of the pandera contract (toolkit.data.schemas) and of validate_cube."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    AREA_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    CONDITIONS,
    CUBE_DIMENSIONS,
    CUBE_MEASURES,
    ESP2013_BANDS,
    OPTIONAL_PERSON_FLAGS,
    PERSON_FLAGS,
    PERSON_OPTIONAL,
    PERSON_REQUIRED,
)
from toolkit.data.readers import validate_cube
from toolkit.data.schemas import (
    AREAS_SCHEMA,
    CUBE_SCHEMA,
    FLAG_CODINGS,
    PERSONS_RULES,
    PERSONS_SCHEMA,
    SEX_CODINGS,
    to_date,
    to_flag,
    to_number,
    to_sex,
    to_whole,
)
from toolkit.errors import DataContractError

# --- the schemas follow the shared vocabulary ----------------------------------------------------


def test_persons_schema_has_every_contract_column():
    names = set(PERSONS_SCHEMA.columns)
    expected = set(PERSON_REQUIRED) | set(PERSON_OPTIONAL) | set(CONDITIONS) | set(PERSON_FLAGS)
    expected |= set(ACTIVITY_COLUMNS) | {"cost_gbp"}
    assert expected <= names
    assert list(PERSONS_RULES) == list(PERSONS_SCHEMA.columns)


def test_persons_required_columns_are_the_contract_ones():
    required = {name for name, column in PERSONS_SCHEMA.columns.items() if column.required}
    assert required == set(PERSON_REQUIRED) | set(ACTIVITY_COLUMNS) | {"cost_gbp", "died"}


def test_condition_flags_are_optional_booleans_never_blank():
    for name in CONDITIONS:
        column = PERSONS_SCHEMA.columns[name]
        assert not column.required
        assert not column.nullable
        assert str(column.dtype) == "bool"


def test_cause_admissions_are_optional_counts_never_blank():
    for name in CAUSE_ADMISSION_COLUMNS:
        column = PERSONS_SCHEMA.columns[name]
        assert not column.required
        assert not column.nullable
        assert str(column.dtype) == "int64"
        assert PERSONS_RULES[name].kind == "whole"


def test_optional_flags_may_be_blank_and_use_the_flag_codings():
    for name in OPTIONAL_PERSON_FLAGS:
        column = PERSONS_SCHEMA.columns[name]
        assert not column.required
        assert column.nullable
        assert PERSONS_RULES[name].kind == "flag"


def test_cause_admission_rule_used_directly_with_pandera():
    frame = pd.DataFrame(
        {
            "person_id": ["a", "b", "c"],
            "age": np.array([50, 60, 70], dtype="int64"),
            "sex": ["F", "M", "F"],
            "imd_decile": pd.array([1, 2, 3], dtype="Int64"),
            **{name: np.zeros(3, dtype="int64") for name in ACTIVITY_COLUMNS},
            "cost_gbp": [0.0, 0.0, 0.0],
            "died": [False, False, False],
            "hypertension": [True, False, False],
            "emergency_admissions_falls": np.array([0, 1, 0], dtype="int64"),
            "bp_controlled": pd.array([True, None, True], dtype="boolean"),
        }
    )
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        PERSONS_SCHEMA.validate(frame, lazy=True)
    cases = caught.value.failure_cases
    checks = set(cases["check"])
    assert any(check.startswith("have more emergency_admissions_falls") for check in checks)
    assert any(check.startswith("are true for a person without hypertension") for check in checks)
    assert set(cases.loc[cases["schema_context"] == "DataFrameSchema", "index"]) == {1, 2}


def test_areas_and_cube_schemas_cover_the_vocabulary():
    assert list(AREAS_SCHEMA.columns) == list(AREA_COLUMNS)
    assert list(CUBE_SCHEMA.columns) == list(CUBE_DIMENSIONS) + list(CUBE_MEASURES)
    assert CUBE_SCHEMA.columns["imd_decile"].nullable
    assert AREAS_SCHEMA.columns["lsoa"].unique


def test_schema_can_be_used_directly_with_pandera():
    frame = pd.DataFrame(
        {
            "lsoa": ["E01033001", "E01033001"],
            "lsoa_name": ["A", "B"],
            "imd_score": [1.0, 2.0],
            "imd_decile": np.array([1, 12], dtype="int64"),
            "population": np.array([10, 20], dtype="int64"),
            "place": ["X", "Y"],
        }
    )
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        AREAS_SCHEMA.validate(frame, lazy=True)
    checks = set(caught.value.failure_cases["check"])
    assert "field_uniqueness" in checks
    assert "are outside 1 to 10" in checks


# --- standardisation of codings ------------------------------------------------------------------


def test_sex_codings_map_to_f_and_m_and_keep_unknown_values():
    raw = pd.Series(["1", "2", " m", "F", "Female", "MALE", "X", None, 1.0], dtype=object)
    values, bad = to_sex(raw)
    assert values.iloc[:6].tolist() == ["M", "F", "M", "F", "F", "M"]
    assert values.iloc[6] == "X"  # kept so the check can name it
    assert pd.isna(values.iloc[7])
    assert values.iloc[8] == "M"
    assert not bad.any()


@pytest.mark.parametrize(("coding", "expected"), sorted(FLAG_CODINGS.items()))
def test_every_flag_coding_maps(coding, expected):
    values, bad = to_flag(pd.Series([coding.upper(), f" {coding} "]))
    assert values.tolist() == [expected, expected]
    assert values.dtype == bool
    assert not bad.any()


def test_flags_from_numbers_and_unreadable_flags():
    values, bad = to_flag(pd.Series([1, 0, 1, 0]))
    assert values.tolist() == [True, False, True, False]
    values, bad = to_flag(pd.Series(["Y", "maybe", None, "2"], dtype=object))
    assert bad.tolist() == [False, True, False, True]
    assert str(values.dtype) == "boolean"  # blanks remain for the not-blank check to report


def test_whole_numbers_refuse_fractions_and_words():
    values, bad = to_whole(pd.Series(["3", " 4 ", "2.5", "four", None, "7.0"]), nullable=False)
    assert bad.tolist() == [False, False, True, True, False, False]
    assert values.iloc[[0, 1, 5]].tolist() == [3, 4, 7]
    values, bad = to_whole(pd.Series([1.0, 2.0]), nullable=False)
    assert values.dtype == "int64" and not bad.any()


def test_money_allows_pounds_and_thousands_commas():
    values, bad = to_number(pd.Series(["£1,250.50", "12", "12,5x"]), money=True)
    assert values.iloc[0] == pytest.approx(1250.5)
    assert bad.tolist() == [False, False, True]


def test_dates_are_day_first_or_iso():
    values, bad = to_date(pd.Series(["01/02/2020", "2020-03-04", "12/31/2020", "", None]))
    assert values.iloc[0] == pd.Timestamp("2020-02-01")
    assert values.iloc[1] == pd.Timestamp("2020-03-04")
    assert bad.tolist() == [False, False, True, False, False]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(SEX_CODINGS)), min_size=1, max_size=20))
def test_any_mix_of_known_sex_codings_is_standardised(codings):
    values, _ = to_sex(pd.Series(codings, dtype=object))
    assert set(values) <= {"F", "M"}
    assert values.tolist() == [SEX_CODINGS[coding] for coding in codings]


# --- the cube ------------------------------------------------------------------------------------


def _good_cube() -> pd.DataFrame:
    rows = []
    for segment in ("healthy", "long_term_conditions"):
        for band in ("40-44", "90+"):
            for sex in ("F", "M"):
                for decile in (1, None):
                    rows.append(
                        {"segment": segment, "age_band": band, "sex": sex, "imd_decile": decile}
                    )
    cube = pd.DataFrame(rows)
    cube["imd_decile"] = cube["imd_decile"].astype("Int64")
    cube["place"] = "Northgate"
    cube["persons"] = np.arange(len(cube), dtype="int64") + 20
    cube["deaths"] = np.int64(1)
    for activity in ACTIVITY_COLUMNS:
        cube[f"{activity}"] = cube["persons"] * 2
        cube[f"persons_with_{activity}"] = cube["persons"] - 5
    cube["cost_gbp"] = cube["persons"] * 1000.0
    return cube[list(CUBE_DIMENSIONS) + list(CUBE_MEASURES)]


def test_good_cube_passes_and_keeps_unknown_deprivation():
    cube = _good_cube()
    before = cube.copy(deep=True)
    result = validate_cube(cube)
    pd.testing.assert_frame_equal(cube, before)
    assert result is not cube
    assert result["imd_decile"].isna().sum() == cube["imd_decile"].isna().sum() > 0
    assert str(result["imd_decile"].dtype) == "Int64"
    assert result["persons"].dtype == "int64"


def test_cube_accepts_counts_given_as_floats_or_int32():
    cube = _good_cube().astype({"persons": "float64", "deaths": "int32"})
    result = validate_cube(cube)
    assert result["persons"].dtype == "int64"
    assert result["deaths"].dtype == "int64"


def test_cube_rules_are_reported_together():
    cube = _good_cube()
    cube.loc[2, "deaths"] = cube.loc[2, "persons"] + 1
    cube.loc[3, "persons_with_bed_days"] = cube.loc[3, "persons"] + 4
    cube.loc[4, "gp_appointments"] = 0
    cube.loc[5, "age_band"] = "85+"
    cube.loc[6, "ae_attendances"] = -3
    cube.loc[9, list(CUBE_DIMENSIONS)] = cube.loc[8, list(CUBE_DIMENSIONS)]
    with pytest.raises(DataContractError) as caught:
        validate_cube(cube, source="cube.parquet")
    message = str(caught.value)
    assert message.startswith("cube.parquet: 7 problems found.")
    assert "column 'deaths': 1 row has more deaths than persons (row 4" in message
    assert "column 'persons_with_bed_days': 1 row has more persons_with_bed_days" in message
    assert "(row 5" in message
    assert "column 'gp_appointments': 1 row has fewer gp_appointments in total" in message
    assert "column 'age_band': 1 row is not an ESP2013 age band" in message
    assert "(row 7: '85+')" in message
    assert "column 'ae_attendances': 1 row is below 0 (row 8: -3)" in message
    assert "1 row has fewer ae_attendances in total than persons_with_ae_attendances" in message
    assert "2 rows repeat a combination of segment, age_band, sex, imd_decile and place" in message
    assert "(rows 10, 11)" in message
    failures = caught.value.failures
    assert list(failures.columns) == [
        "column",
        "check",
        "failing_rows",
        "example_rows",
        "message",
    ]
    assert failures["failing_rows"].sum() == 8


def test_cube_missing_measure_is_named():
    cube = _good_cube().drop(columns=["persons_with_bed_days"])
    with pytest.raises(DataContractError, match="column 'persons_with_bed_days' is missing"):
        validate_cube(cube)


def test_cube_of_every_band_and_cause_vocabulary_is_the_contract():
    # The phrases that name allowed values list the shared vocabulary, not a respelling of it.
    from toolkit.data.schemas import PHRASES

    cause_phrase = next(plural for plural, (check, _) in PHRASES.items() if "CAUSES" in check)
    assert all(cause in cause_phrase for cause in CAUSES_OF_DEATH)
    assert (
        ESP2013_BANDS[0] in CUBE_SCHEMA.columns["age_band"].checks[1].statistics["allowed_values"]
    )
