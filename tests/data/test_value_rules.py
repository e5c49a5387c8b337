"""The persons contract's value rules are declared once and checked alike everywhere.

Each rule of :data:`toolkit.data.value_rules.PERSONS_VALUE_RULES` translates itself for
pandas (the pandera schema), DuckDB SQL (files) and Ibis (DataFrames and Spark tables).
These tests give every rule values on both sides of its boundary and blanks, and check
that the three translations break exactly the same rows, and that each checker is built
from the declaration and nothing else.
"""

from __future__ import annotations

import re

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest

from toolkit.data.column_rules import LSOA_PATTERN, PERSONS_RULES
from toolkit.data.schemas import CUBE_SCHEMA, PERSONS_SCHEMA
from toolkit.data.value_rules import (
    CUBE_VALUE_RULES,
    LSOA_GLOB,
    PERSONS_VALUE_RULES,
    AtLeast,
    Finite,
    InRange,
    Matches,
    NotAbove,
    NotBefore,
    NotBelow,
    OneOf,
    OnlyIf,
    TrueOnlyWith,
    ValueRule,
)
from toolkit.segment._engine_checks import contract_checks
from toolkit.segment._value_checks import _value_checks

T, F = True, False


def glob_accepts(glob: str, text: str) -> bool:
    """Whether a DuckDB glob of literal characters and ``[...]`` sets accepts ``text``."""
    pattern = "".join(
        part if part.startswith("[") else re.escape(part)
        for part in re.findall(r"\[[^\]]*\]|[^\[]", glob)
    )
    return re.fullmatch(pattern, text) is not None


def _cases(rule: ValueRule) -> tuple[pd.DataFrame, list[bool]]:
    """Rows on both sides of the rule's boundary, with blanks, and which rows break it."""
    test, name = rule.test, rule.column
    if isinstance(test, InRange):
        values = pd.array([test.low - 1, test.low, test.high, test.high + 1, None], "Float64")
        if test.low == int(test.low) and test.high == int(test.high) and test.high > 1:
            values = pd.array([int(v) if v is not pd.NA else None for v in values], "Int64")
        return pd.DataFrame({name: values}), [T, F, F, T, F]
    if isinstance(test, AtLeast):
        values = pd.array([test.low - 1, test.low, test.low + 3, None], "Int64")
        return pd.DataFrame({name: values}), [T, F, F, F]
    if isinstance(test, Finite):
        values = [1.5, np.inf, -np.inf, np.nan]
        return pd.DataFrame({name: values}), [F, T, T, F]
    if isinstance(test, OneOf):
        values = [test.values[0], test.values[-1], "not " + test.values[0], None]
        return pd.DataFrame({name: pd.array(values, "string")}), [F, F, T, F]
    if isinstance(test, Matches):
        values = ["E01000001", "W01012345", "E02000001", "e01000001", "E0100000", "E010000012"]
        return pd.DataFrame({name: pd.array([*values, None], "string")}), [F, F, T, T, T, T, F]
    if isinstance(test, OnlyIf):
        frame = pd.DataFrame(
            {
                name: pd.array(["x", "x", None, "x", None], "string"),
                test.other: pd.array([T, F, F, None, T], "boolean"),
            }
        )
        if name.startswith("date"):
            frame[name] = pd.to_datetime(["2020-01-01", "2020-01-01", None, "2020-01-01", None])
        elif name == "cause_of_death":
            frame[name] = pd.array(["cancer", "cancer", None, "cancer", None], "string")
        return frame, [F, T, F, F, F]
    if isinstance(test, TrueOnlyWith):
        frame = pd.DataFrame(
            {
                name: pd.array([T, T, F, None, T], "boolean"),
                test.other: pd.array([T, F, F, F, None], "boolean"),
            }
        )
        return frame, [F, T, F, F, F]
    if isinstance(test, NotAbove):
        frame = pd.DataFrame(
            {
                name: pd.array([1, 2, 3, None, 1], "Int64"),
                test.other: pd.array([2, 2, 2, 2, None], "Int64"),
            }
        )
        return frame, [F, F, T, F, F]
    if isinstance(test, NotBelow):
        frame = pd.DataFrame(
            {
                name: pd.array([3, 2, 1, None, 1], "Int64"),
                test.other: pd.array([2, 2, 2, 2, None], "Int64"),
            }
        )
        return frame, [F, F, T, F, F]
    if isinstance(test, NotBefore):
        frame = pd.DataFrame(
            {
                name: pd.to_datetime(
                    ["2020-01-02", "2020-01-01", "2019-12-31", None, "2020-01-01"]
                ),
                test.other: pd.to_datetime(
                    ["2020-01-01", "2020-01-01", "2020-01-01", "2020-01-01", None]
                ),
            }
        )
        return frame, [F, F, T, F, F]
    raise AssertionError(f"no cases for {type(test).__name__}")  # pragma: no cover


def _pandas_broken(rule: ValueRule, frame: pd.DataFrame) -> list[bool]:
    values = frame[rule.column]
    if rule.test.row_wise:
        fine = rule.test.pandas_fine(values, frame)
    else:  # pandera leaves blanks out of a column's checks
        known = values.notna()
        fine = pd.Series(True, index=frame.index)
        fine[known] = rule.test.pandas_fine(values[known], frame).to_numpy(dtype=bool)
    return [not bool(value) for value in pd.Series(fine).fillna(True)]


def _sql_broken(rule: ValueRule, frame: pd.DataFrame) -> list[bool]:
    con = duckdb.connect()
    con.register("persons", frame)
    sql = rule.test.sql_broken('"' + rule.column + '"')
    rows = con.execute(f"SELECT COALESCE({sql}, false) FROM persons").fetchall()
    return [bool(row[0]) for row in rows]


def _ibis_broken(rule: ValueRule, frame: pd.DataFrame) -> list[bool]:
    con = ibis.duckdb.connect()
    table = con.create_table("persons", frame)
    broken = rule.test.ibis_broken(table[rule.column], table)
    assert broken is not None, f"{rule.check}: the Ibis translation refused the contract's types"
    return [bool(value) for value in con.execute(broken.fill_null(False).name("broken"))]


@pytest.mark.parametrize(
    "rule",
    [*PERSONS_VALUE_RULES, *CUBE_VALUE_RULES],
    ids=lambda rule: f"{rule.column}-{rule.check}",
)
def test_every_translation_of_a_rule_breaks_the_same_rows(rule):
    frame, expected = _cases(rule)
    assert _pandas_broken(rule, frame) == expected
    assert _sql_broken(rule, frame) == expected
    assert _ibis_broken(rule, frame) == expected


def _declared(
    *, row_wise: bool | None = None, rules: tuple[ValueRule, ...] = PERSONS_VALUE_RULES
) -> set[tuple[str, str]]:
    return {
        (rule.column, rule.check)
        for rule in rules
        if row_wise is None or rule.test.row_wise == row_wise
    }


#: Checks of a column's type or presence, which come from the column rules, not value rules.
_TYPE_CHECKS = {"text", "date", "yes_or_no", "not_blank", "whole_number", "number"}


def test_the_pandera_schema_checks_exactly_the_declared_rules():
    column_checks = {
        (name, check.name)
        for name, column in PERSONS_SCHEMA.columns.items()
        for check in column.checks
        if check.name not in _TYPE_CHECKS
    }
    assert column_checks == _declared(row_wise=False)
    frame_checks = {check.name for check in PERSONS_SCHEMA.checks} - {"lsoa_or_imd_decile"}
    assert frame_checks == {check for _, check in _declared(row_wise=True)}


def test_the_cube_schema_checks_exactly_the_declared_cube_rules():
    column_checks = {
        (name, check.name)
        for name, column in CUBE_SCHEMA.columns.items()
        for check in column.checks
        if check.name not in _TYPE_CHECKS
    }
    assert column_checks == _declared(row_wise=False, rules=CUBE_VALUE_RULES)
    frame_checks = {check.name for check in CUBE_SCHEMA.checks} - {"unique_cells"}
    assert frame_checks == {check for _, check in _declared(row_wise=True, rules=CUBE_VALUE_RULES)}


def test_the_engine_sql_checks_exactly_the_declared_rules():
    columns = list(PERSONS_RULES)
    checks = contract_checks(
        columns, dict.fromkeys(columns, "false"), dict.fromkeys(columns, "NULL"), check_causes=True
    )
    made = {(check.column, check.check) for check in checks if check.check not in _TYPE_CHECKS}
    assert made == _declared()
    # Without check_causes, the cube counts other causes of death as "other".
    checks = contract_checks(
        columns, dict.fromkeys(columns, "false"), dict.fromkeys(columns, "NULL"), check_causes=False
    )
    made = {(check.column, check.check) for check in checks if check.check not in _TYPE_CHECKS}
    assert made == _declared() - {("cause_of_death", "isin(CAUSES_OF_DEATH)")}


def test_the_ibis_checks_exactly_the_declared_rules_and_every_blank():
    from toolkit.data import make_demo_system

    persons = make_demo_system(persons=200, seed=3).persons
    persons["date_of_birth"] = pd.Timestamp("1950-01-01")
    persons["date_of_death"] = pd.NaT
    assert set(PERSONS_RULES) <= set(persons.columns)
    table = ibis.duckdb.connect().create_table("persons", persons)
    checks = _value_checks(table)
    made = {(check.column, check.check) for check in checks if check.check != "not_blank"}
    assert made == _declared() - {("cause_of_death", "isin(CAUSES_OF_DEATH)")}
    blanks = {check.column for check in checks if check.check == "not_blank"}
    assert blanks == {name for name, rule in PERSONS_RULES.items() if not rule.nullable}


@pytest.mark.parametrize(
    "code",
    ["E01000001", "W01999999", "E02000001", "S01000001", "E0100000", "E010000011", "e01000001",
     "E01 00001", "E01ABCDEF", "", "XE01000001"],
)  # fmt: skip
def test_the_lsoa_glob_accepts_what_the_pattern_accepts(code):
    assert glob_accepts(LSOA_GLOB, code) == (re.match(LSOA_PATTERN, code) is not None)
    rule = next(rule for rule in PERSONS_VALUE_RULES if isinstance(rule.test, Matches))
    con = duckdb.connect()
    sql = rule.test.sql_broken("code")
    assert con.execute(f"SELECT {sql} FROM (SELECT ? AS code)", [code]).fetchone()[0] == (
        re.match(LSOA_PATTERN, code) is None
    )


def test_value_problems_word_a_partial_table_as_the_readers_do():
    from toolkit.data.value_rules import value_problems

    cube = pd.DataFrame(
        {
            "persons": [1, np.inf, 2.5, None, -1],
            "deaths": [0, 0, 0, 0, 0],
            "cost_gbp": [1.0, 2.0, np.inf, 0.0, 0.0],
        }
    )
    problems = value_problems(cube, ["persons", "deaths", "cost_gbp"], table="cube", first_row=2)
    assert [(p.column, p.check) for p in problems] == [
        ("persons", "whole_number"),
        ("persons", "not_blank"),
        ("persons", "greater_than_or_equal_to(0)"),
        ("cost_gbp", "finite"),
        ("deaths", "deaths_at_most_persons"),
    ]
    assert problems[0].sentence == (
        "column 'persons': 2 rows are not whole numbers (row 3: inf; row 4: 2.5)."
    )
    assert problems[1].sentence == "column 'persons': 1 row is blank (row 5)."
    # A column the contract does not know is not checked; nothing is changed.
    assert value_problems(cube.assign(extra=-1), ["extra"], table="cube", first_row=2) == []
