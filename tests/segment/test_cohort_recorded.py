"""The cohort cube counts the persons with each optional yes/no flag recorded.

``persons_<flag>_recorded`` (smoker or bp_controlled true or false, not blank) is packed
into the aggregate's flag words like the other yes/no measures, so that a share of those
with a status can leave out the persons with none recorded.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.data.contract import ACTIVITY_COLUMNS
from toolkit.segment import build_cohort_cube, cohort_expression
from toolkit.segment._cohort_expression import FLAGS, FLAGS_PER_WORD, block_cohorts
from toolkit.segment.cohorts import load_cohorts


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    """Demo persons with known blanks: 12 pregnant women and every 7th person unrecorded."""
    frame = make_demo_system(persons=3_000, seed=11).persons.copy()
    frame["smoker"] = pd.array(frame["smoker"], dtype="boolean")
    frame.loc[frame.index[::7], "smoker"] = pd.NA
    pregnant = frame.index[frame["pregnant"].astype(bool)]
    frame.loc[pregnant[:12], "smoker"] = pd.NA
    frame.loc[pregnant[12:20], "smoker"] = False
    frame.loc[pregnant[20:26], "smoker"] = True
    return frame


def _cohort_sums(cube, cohort: str) -> pd.Series:
    return cube.table[cube.table["cohort"] == cohort].sum(numeric_only=True)


def test_the_recorded_count_leaves_out_the_blanks(persons):
    cube = build_cohort_cube(persons, model=None)
    assert cube.recorded_measures == ("persons_smoker_recorded", "persons_bp_controlled_recorded")
    pregnant = persons[persons["pregnant"].astype(bool)]
    sums = _cohort_sums(cube, "pregnant")
    assert sums["persons"] == len(pregnant)
    assert sums["persons_smoker_recorded"] == pregnant["smoker"].notna().sum()
    assert sums["persons_smoker_recorded"] <= len(pregnant) - 12
    assert sums["persons_smoker"] == pregnant["smoker"].fillna(False).sum()
    everyone = _cohort_sums(cube, "everyone")
    assert everyone["persons_smoker_recorded"] == persons["smoker"].notna().sum()
    assert everyone["persons_bp_controlled_recorded"] == persons["bp_controlled"].notna().sum()
    # Every cell: at least those with the flag true, at most everyone.
    table = cube.table
    for flag in ("smoker", "bp_controlled"):
        recorded = table[f"persons_{flag}_recorded"]
        assert (recorded >= table[f"persons_{flag}"]).all()
        assert (recorded <= table["persons"]).all()
        assert recorded.dtype == np.dtype("int64")


def test_only_the_flags_present_are_counted(persons):
    cube = build_cohort_cube(persons.drop(columns=["bp_controlled"]), model=None)
    assert cube.recorded_measures == ("persons_smoker_recorded",)
    assert "persons_bp_controlled_recorded" not in cube.table.columns
    bare = build_cohort_cube(persons.drop(columns=["bp_controlled", "smoker"]), model=None)
    assert bare.recorded_measures == ()
    assert not [c for c in bare.table.columns if c.endswith("_recorded")]


def test_a_float_flag_with_nan_is_blank_on_every_path(persons, tmp_path):
    """A flag written as 1.0/0.0/NaN (as some tools write it) is unrecorded where NaN."""
    floats = persons.assign(smoker=persons["smoker"].astype("float64"))
    assert floats["smoker"].isna().sum() > 0
    path = tmp_path / "persons.parquet"
    floats.to_parquet(path)
    expected = persons["smoker"].notna().sum()
    for source, validate in ((str(path), True), (str(path), False), (floats, False)):
        cube = build_cohort_cube(source, model=None, validate=validate)
        counted = _cohort_sums(cube, "everyone")["persons_smoker_recorded"]
        assert counted == expected, (type(source), validate)


def test_the_recorded_counts_add_at_most_one_word_to_the_aggregate(persons):
    """Packed as the other yes/no measures: two to a word, one more word at most."""
    import ibis

    con = ibis.duckdb.connect()
    table = con.create_table("persons", persons)
    blocks = block_cohorts(list(load_cohorts()))
    for flags in ((), ("smoker",), ("smoker", "bp_controlled")):
        expression = cohort_expression(table, blocks, None, optional_flags=flags)
        words = [name for name in expression.columns if name.startswith(FLAGS)]
        before = math.ceil((len(ACTIVITY_COLUMNS) + len(flags)) / FLAGS_PER_WORD)
        assert len(words) == math.ceil((len(ACTIVITY_COLUMNS) + 2 * len(flags)) / FLAGS_PER_WORD)
        assert len(words) <= before + 1
        assert not [name for name in expression.columns if name.endswith("_recorded")]
    con.disconnect()
