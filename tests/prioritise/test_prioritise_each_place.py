"""Every place's own shortlist, in one call, from the scores of the system's prioritisation.

With ``within="place"`` the shortlist keeps one priority per theme across places, so places
compete for it: a place whose best theme scores better elsewhere gets nothing of its own.
:meth:`Prioritisation.for_each_place` gives each place its own list, by the same rule, from
the same scores, with counts below the disclosure threshold never shown.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.prioritise import ScoringModel, prioritise, theme_candidates, theme_criteria
from toolkit.prioritise._shown_list import PLACE_LIST_COLUMNS
from toolkit.prioritise._theme_figures import TOO_FEW_TO_ESTIMATE, estimates_withheld
from toolkit.segment import build_cohort_cube

from .conftest import plain_criteria, random_candidates

LEADER, OTHER = "tobacco_dependence_treatment", "high_blood_pressure"
#: Three places of the demo system: the first two lead with LEADER, the third with OTHER.
FIRST, SECOND, THIRD = "Ashbrigg", "Corvenby", "Kestermoor"
DRAWS, SEED = 400, 3


@pytest.fixture(scope="module")
def cube():
    return build_cohort_cube(make_demo_system(persons=20_000, seed=11).persons)


@pytest.fixture(scope="module")
def by_place(cube):
    return theme_candidates(cube, within="place")


def _ahead(table: pd.DataFrame, leads: dict[str, float]) -> pd.DataFrame:
    """Put candidates above all the others on every criterion, by their lead on the benefits."""
    moved = table.copy()
    for candidate, lead in leads.items():
        row = moved.index[moved["candidate"] == candidate]
        assert len(row) == 1, candidate
        for criterion in theme_criteria():
            column = table[criterion.name]
            benefit = criterion.direction == "benefit"
            moved.loc[row, criterion.name] = column.max() + lead if benefit else column.min()
    return moved


@pytest.fixture(scope="module")
def contest(by_place):
    """LEADER best in FIRST, next best in SECOND (so the system keeps it for FIRST only);
    OTHER best in THIRD."""
    table = _ahead(
        by_place.table,
        {f"{LEADER}/{FIRST}": 3.0, f"{LEADER}/{SECOND}": 2.0, f"{OTHER}/{THIRD}": 1.0},
    )
    measured = dataclasses.replace(by_place, table=table)
    return prioritise(measured, draws=DRAWS, seed=SEED)


def _first(lists: pd.DataFrame, place: str) -> str:
    rows = lists[lists["place"] == place]
    return rows.loc[rows["position"] == 1, "candidate"].item()


def test_each_place_gets_its_own_leading_theme(contest):
    # The system's list keeps the leading theme for the first place only.
    system = contest.shortlist["candidate"].tolist()
    assert system[:2] == [f"{LEADER}/{FIRST}", f"{OTHER}/{THIRD}"]
    assert f"{LEADER}/{SECOND}" not in system
    lists = contest.for_each_place()
    assert _first(lists, FIRST) == f"{LEADER}/{FIRST}"
    assert _first(lists, SECOND) == f"{LEADER}/{SECOND}"
    assert _first(lists, THIRD) == f"{OTHER}/{THIRD}"
    assert list(lists.columns) == list(PLACE_LIST_COLUMNS)
    places = sorted(contest.candidates["place"].unique())
    assert lists["place"].drop_duplicates().tolist() == places


def test_a_places_list_is_its_candidates_best_first_on_the_systems_scores(contest):
    size = contest.settings["size"]
    lists = contest.for_each_place()
    for place, rows in lists.groupby("place"):
        own = contest.candidates[contest.candidates["place"] == place].sort_values("rank")
        expected = own.head(size)
        assert rows["candidate"].tolist() == expected["candidate"].tolist(), place
        assert rows["position"].tolist() == list(range(1, len(expected) + 1))
        # The same scores and overall ranks as the system's candidates.
        np.testing.assert_allclose(rows["score"], expected["score"])
        assert rows["overall_rank"].tolist() == expected["rank"].tolist()
        assert rows["facts"].tolist() == expected["facts"].tolist()
        assert rows["p_shortlist"].between(0, 1).all()
    # Each reason measures the margin over the place's own first left out.
    second = lists[lists["place"] == SECOND]
    left_out = (
        contest.candidates[contest.candidates["place"] == SECOND]
        .sort_values("rank")["label"]
        .iloc[size]
    )
    assert f"first candidate left out ('{left_out}')" in second["reason"].iloc[0]


def test_a_system_of_one_place_has_its_shortlist_as_its_own_list(by_place):
    alone = by_place.table[by_place.table["place"] == THIRD]
    result = prioritise(dataclasses.replace(by_place, table=alone), draws=DRAWS, seed=SEED)
    lists = result.for_each_place()
    shortlist = result.shortlist
    assert (lists["place"] == THIRD).all()
    for column in PLACE_LIST_COLUMNS[1:]:
        assert lists[column].tolist() == shortlist[column].tolist(), column


def test_no_count_below_the_threshold_is_shown(cube):
    threshold = 50
    measured = theme_candidates(cube, within="place", threshold=threshold)
    result = prioritise(measured, draws=DRAWS, seed=SEED)
    lists = result.for_each_place()
    # Only the worded figures: no column of counts.
    assert list(lists.columns) == list(PLACE_LIST_COLUMNS)
    figures = result.candidates.set_index("candidate").loc[lists["candidate"]]
    withheld = estimates_withheld(figures, threshold=threshold)
    assert withheld.any() and not withheld.all()
    hidden = 0
    for row, (_, item), no_estimate in zip(
        figures.itertuples(), lists.iterrows(), withheld, strict=True
    ):
        text = " ".join(str(item[c]) for c in ("facts", "reason", "weight_change", "estimate"))
        for count in (row.persons, row.events_a_year):
            if 0 < count < threshold:
                hidden += 1
                assert f"fewer than {threshold}" in item["facts"]
                shown = re.compile(rf"(?<![\d.,£]){round(count):,}(?![\d.,%k])")
                assert not shown.search(text), (row.Index, count, text)
        if no_estimate:
            assert item["estimate"].casefold() == TOO_FEW_TO_ESTIMATE.casefold()
            assert "£" not in item["estimate"]
    assert hidden


def test_only_for_themes_measured_in_each_place(cube, by_place):
    whole = prioritise(theme_candidates(cube), draws=DRAWS, seed=SEED)
    with pytest.raises(ValueError, match="measured for the whole system, not for each place"):
        whole.for_each_place()
    core20 = prioritise(theme_candidates(cube, within="core20"), draws=DRAWS, seed=SEED)
    with pytest.raises(ValueError, match="most deprived fifth.*within='place'"):
        core20.for_each_place()
    nothing = dataclasses.replace(by_place, table=by_place.table.iloc[:0])
    empty = prioritise(nothing, draws=DRAWS, seed=SEED).for_each_place()
    assert empty.empty and list(empty.columns) == list(PLACE_LIST_COLUMNS)


@pytest.mark.parametrize("method", ["weighted_sum", "topsis"])
def test_a_subset_keeps_every_score_and_tie_break(method):
    table = random_candidates(count=12, seed=4)
    criteria = plain_criteria()
    model = ScoringModel(table, criteria=criteria, method=method)
    keep = np.array([9, 2, 5, 7])
    part = model.subset(keep)
    positions = np.sort(keep)
    assert part.candidates == tuple(model.candidates[i] for i in positions)
    np.testing.assert_allclose(part.scores(), model.scores()[positions])
    frame = part.to_frame()
    assert frame["candidate"].tolist() == [
        c for c in model.to_frame()["candidate"] if c in set(part.candidates)
    ]
    # A model built from those rows alone scales them afresh: other scores.
    fresh = ScoringModel(
        table[table["candidate"].isin(part.candidates)], criteria=criteria, method=method
    )
    assert not np.allclose(fresh.scores(), part.scores())
