"""The restricted condition grammar: what it accepts, what it refuses, and that its two
compilers (Ibis and NumPy) agree, missing values included."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import DataContractError
from toolkit.segment.rules import (
    AllOf,
    Column,
    Comparison,
    Constant,
    FlagCount,
    Membership,
    RuleError,
    parse_condition,
    to_ibis,
    to_mask,
)


def frame_for_conditions() -> pd.DataFrame:
    """Six persons covering missing values of every kind."""
    return pd.DataFrame(
        {
            "age": np.array([0, 17, 64, 65, 80, 101], dtype="int64"),
            "efi": [np.nan, np.nan, np.nan, 0.24, 0.25, np.nan],
            "imd_decile": pd.array([1, None, 5, 10, 2, None], dtype="Int64"),
            "sex": pd.array(["F", "M", None, "F", "M", "F"], dtype="str"),
            "place": pd.array(["North", "South", "North", None, "East", "East"], dtype="str"),
            "copd": [False, False, True, True, False, True],
            "chd": [False, True, True, False, False, True],
            "dementia": pd.array([False, None, False, True, True, False], dtype="boolean"),
            "emergency_admissions": np.array([0, 1, 0, 3, 2, 0], dtype="int64"),
            "cost_gbp": [0.0, 10.5, 200.0, 1e6, 35.25, 7.0],
        }
    )


def ibis_mask(text: str, frame: pd.DataFrame) -> np.ndarray:
    numbered = frame.assign(_row=np.arange(len(frame)))
    con = ibis.duckdb.connect()
    try:
        table = con.create_table("persons", ibis.memtable(numbered))
        condition = parse_condition(text)
        result = con.to_pandas(table.select("_row", hit=to_ibis(condition, table)))
    finally:
        con.disconnect()
    return result.sort_values("_row")["hit"].to_numpy(dtype=bool)


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------
def test_parses_comparisons_into_a_tree_with_the_columns_it_reads():
    condition = parse_condition("65 <= age < 75 and count(copd, chd) >= 2")
    assert condition.tree == AllOf(
        (
            AllOf(
                (
                    Comparison(">=", Column("age", "number"), Constant(65, "number")),
                    Comparison("<", Column("age", "number"), Constant(75, "number")),
                )
            ),
            Comparison(">=", FlagCount(("copd", "chd")), Constant(2, "number")),
        )
    )
    assert condition.columns == {"age", "copd", "chd"}
    assert not condition.always_true


def test_membership_and_catch_all():
    condition = parse_condition("sex not in ('M',)")
    assert condition.tree == Membership(Column("sex", "text"), ("M",), True)
    assert parse_condition("true").always_true
    assert parse_condition("True").always_true
    assert not parse_condition("false").always_true


def test_n_conditions_is_flagged_and_reads_no_named_column():
    condition = parse_condition("n_conditions() >= 3")
    assert condition.counts_all_conditions
    assert condition.columns == frozenset()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("efl > 0.24", "unknown column 'efl' (did you mean 'efi'?)"),
        ("__import__('os').system('true')", "unknown function"),
        ("open('x')", "unknown function 'open'"),
        ("cnt(copd) > 1", "(did you mean 'count'?)"),
        ("age + 1 > 65", "'age + 1' is not allowed"),
        ("age.real > 1", "'age.real' is not allowed"),
        ("[x for x in ()]", "is not allowed"),
        ("lambda: True", "is not allowed"),
        ("age >= ", "cannot read the condition"),
        ("age", "is a number, not a yes/no test"),
        ("copd and age", "'age' is a number, not a yes/no test"),
        ("count(copd, age) >= 1", "'age' is a number"),
        ("count() >= 1", "count() needs at least one flag"),
        ("count(copd, copd) >= 1", "names a flag twice"),
        ("n_conditions(copd) > 1", "n_conditions() takes no arguments"),
        ("missing(efi, age)", "missing() takes exactly one column"),
        ("count(flags=copd) > 1", "plain column names only"),
        ("age > 'old'", "compares a number with a text"),
        ("sex < 'M'", "a text can only be compared with == or !="),
        ("1 < 2", "compares two constants"),
        ("age in (1, x)", "unknown column 'x'"),
        ("age in age", "'in' needs a non-empty list of constants"),
        ("age in ()", "'in' needs a non-empty list of constants"),
        ("age is None", "is not allowed"),
        ("age > None", "not a number, text or True/False"),
        ("-sex == 'F'", "a sign is only allowed before a number"),
        ("count == 1", "'count' is a function"),
        ("", "the condition is empty"),
        ("age > 1e999", "not a number, text or True/False"),
    ],
)
def test_refuses_what_is_not_in_the_grammar(text, fragment):
    with pytest.raises(RuleError) as caught:
        parse_condition(text, rule="my_rule", source="my_rules.toml")
    message = str(caught.value)
    assert message.startswith("rule 'my_rule' in my_rules.toml: ")
    assert fragment in message
    assert caught.value.rule == "my_rule"
    assert caught.value.source == "my_rules.toml"


def test_refuses_non_text_and_overlong_conditions():
    with pytest.raises(RuleError, match="must be text. Got int instead"):
        parse_condition(65)  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="limit is 2,000"):
        parse_condition(" or ".join(["copd"] * 1_000))


def test_rule_error_is_a_value_error():
    assert issubclass(RuleError, ValueError)


def test_nothing_is_evaluated(monkeypatch):
    """The text is only parsed into an AST: it is never evaluated or compiled to code."""
    import ast
    import builtins

    text = "age >= 65 and not copd"
    seen = []
    for name in ("eval", "exec", "compile"):
        original = getattr(builtins, name)

        def spy(source, *args, _original=original, _name=name, **kwargs):
            flags = args[2] if len(args) > 2 else kwargs.get("flags", 0)
            only_ast = _name == "compile" and flags & ast.PyCF_ONLY_AST  # what ast.parse does
            if isinstance(source, str) and text in source and not only_ast:
                seen.append((_name, source))
            return _original(source, *args, **kwargs)

        monkeypatch.setattr(builtins, name, spy)
    mask = to_mask(parse_condition(text), frame_for_conditions())
    monkeypatch.undo()
    assert seen == []
    assert mask.tolist() == [False, False, False, False, True, False]


# --------------------------------------------------------------------------------------
# Compiling: missing values and agreement between NumPy and Ibis
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("efi > 0.24", [False, False, False, False, True, False]),
        ("efi <= 0.24", [False, False, False, True, False, False]),
        # A comparison with a missing value is false, so its negation is true.
        ("not (efi > 0.24)", [True, True, True, True, False, True]),
        ("efi != 0.24", [False, False, False, False, True, False]),
        ("missing(efi)", [True, True, True, False, False, True]),
        ("imd_decile <= 2", [True, False, False, False, True, False]),
        ("imd_decile != 1", [False, False, True, True, True, False]),
        ("missing(imd_decile)", [False, True, False, False, False, True]),
        ("sex == 'F'", [True, False, False, True, False, True]),
        ("sex != 'F'", [False, True, False, False, True, False]),
        ("place in ('North', 'East')", [True, False, True, False, True, True]),
        ("place not in ('North',)", [False, True, False, False, True, True]),
        ("dementia", [False, False, False, True, True, False]),
        ("not dementia", [True, True, True, False, False, True]),
        ("dementia == False", [True, True, True, False, False, True]),
        ("count(copd, chd, dementia) >= 2", [False, False, True, True, False, True]),
        ("n_conditions() == 1", [False, True, False, False, True, False]),
        (
            "any_of(copd, dementia) and emergency_admissions >= 1",
            [False] * 3 + [True] * 2 + [False],
        ),
        ("all_of(copd, chd)", [False, False, True, False, False, True]),
        ("65 <= age < 101", [False, False, False, True, True, False]),
        ("cost_gbp > 35 or age < 1", [True, False, True, True, True, False]),
        ("-1 < age", [True] * 6),
        ("true", [True] * 6),
        ("false", [False] * 6),
    ],
)
def test_numpy_and_ibis_give_the_same_documented_answer(text, expected):
    frame = frame_for_conditions()
    assert to_mask(parse_condition(text), frame).tolist() == expected
    assert ibis_mask(text, frame).tolist() == expected


def test_nan_is_missing_in_ibis_as_in_numpy():
    """DuckDB sorts NaN above every number; the compiler must treat it as missing."""
    import pyarrow as pa

    frame = pd.DataFrame({"efi": np.array([np.nan, 0.5, 0.1])})
    # from_pandas=False keeps NaN as NaN (not null), as a Parquet file written by another
    # tool may hold it.
    arrow = pa.table(
        {"_row": pa.array([0, 1, 2]), "efi": pa.array([np.nan, 0.5, 0.1], from_pandas=False)}
    )
    assert arrow.column("efi").null_count == 0
    con = ibis.duckdb.connect()
    try:
        table = con.create_table("persons", ibis.memtable(arrow))
        hits = con.to_pandas(
            table.select("_row", hit=to_ibis(parse_condition("efi > 0.24"), table))
        )
        missing = con.to_pandas(
            table.select("_row", hit=to_ibis(parse_condition("missing(efi)"), table))
        )
        unguarded = con.to_pandas(table.select("_row", hit=table.efi > 0.24))
    finally:
        con.disconnect()
    # Without the guard DuckDB would call NaN > 0.24 true.
    assert unguarded.sort_values("_row")["hit"].tolist() == [True, True, False]
    assert hits.sort_values("_row")["hit"].tolist() == [False, True, False]
    assert missing.sort_values("_row")["hit"].tolist() == [True, False, False]
    assert to_mask(parse_condition("efi > 0.24"), frame).tolist() == [False, True, False]


def test_numeric_flags_count_as_set_when_non_zero():
    frame = pd.DataFrame({"copd": np.array([0, 1, 2]), "chd": [0.0, np.nan, 1.0]})
    expected = [False, True, True]
    assert to_mask(parse_condition("any_of(copd, chd)"), frame).tolist() == expected
    assert ibis_mask("any_of(copd, chd)", frame).tolist() == expected


def test_text_in_a_flag_column_is_a_data_error():
    frame = pd.DataFrame({"copd": pd.array(["yes", "no"], dtype="str")})
    with pytest.raises(DataContractError, match="'copd' must hold True/False"):
        to_mask(parse_condition("copd"), frame)
    with pytest.raises(DataContractError, match="'copd' must hold True/False"):
        ibis_mask("copd", frame)


def test_text_in_a_number_column_is_a_data_error():
    frame = pd.DataFrame({"age": pd.array(["old", "young"], dtype="str")})
    with pytest.raises(DataContractError, match="'age' must hold numbers"):
        to_mask(parse_condition("age > 5"), frame)
    with pytest.raises(DataContractError, match="'age' must hold numbers"):
        ibis_mask("age > 5", frame)


CONDITION_POOL = [
    "efi > 0.24 or dementia",
    "not (age >= 65 and efi > 0.36)",
    "count(copd, chd, dementia) >= 2 and imd_decile <= 3",
    "sex == 'F' and not missing(imd_decile)",
    "place not in ('North', 'South') or emergency_admissions > 1",
    "n_conditions() == 0 and cost_gbp < 100",
    "18 <= age < 65 and (copd or chd)",
    "missing(efi) and not dementia",
    "n_conditions() >= 1 or count(copd, dementia) == 0",
    "count(chd) > 0 and n_conditions() < 1",
]


@st.composite
def persons_with_gaps(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    maybe_missing = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))
    return pd.DataFrame(
        {
            "age": np.array(
                draw(st.lists(st.integers(0, 110), min_size=n, max_size=n)), dtype="int64"
            ),
            "efi": np.array(
                [
                    np.nan if v is None else v
                    for v in draw(st.lists(maybe_missing, min_size=n, max_size=n))
                ],
                dtype="float64",
            ),
            "imd_decile": pd.array(
                draw(st.lists(st.one_of(st.none(), st.integers(1, 10)), min_size=n, max_size=n)),
                dtype="Int64",
            ),
            "sex": pd.array(
                draw(st.lists(st.sampled_from(["F", "M", None]), min_size=n, max_size=n)),
                dtype="str",
            ),
            "place": pd.array(
                draw(
                    st.lists(
                        st.sampled_from(["North", "South", "East", None]), min_size=n, max_size=n
                    )
                ),
                dtype="str",
            ),
            "copd": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            "chd": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            "dementia": pd.array(
                draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)),
                dtype="boolean",
            ),
            "emergency_admissions": np.array(
                draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype="int64"
            ),
            "cost_gbp": draw(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=n, max_size=n)),
        }
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=persons_with_gaps(), text=st.sampled_from(CONDITION_POOL))
def test_numpy_and_ibis_agree_on_random_persons(frame, text):
    assert to_mask(parse_condition(text), frame).tolist() == ibis_mask(text, frame).tolist()
