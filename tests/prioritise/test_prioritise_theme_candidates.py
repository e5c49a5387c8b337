"""Themes measured on a cohort cube, and the one prioritisation every surface renders."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.errors import DataContractError
from toolkit.prioritise import (
    THEME_ANALYST_CRITERIA,
    Prioritisation,
    prioritise,
    read_criteria_scores,
    theme_candidates,
    theme_criteria,
    write_criteria_template,
)
from toolkit.prioritise.themes import impact_range, load_themes
from toolkit.segment import build_cohort_cube

SNAKE_CASE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return make_demo_system(persons=60_000, seed=11).persons


@pytest.fixture(scope="module")
def cube(persons):
    return build_cohort_cube(persons)


@pytest.fixture(scope="module")
def candidates(cube):
    return theme_candidates(cube)


@pytest.fixture(scope="module")
def result(candidates):
    return prioritise(candidates, draws=2_000, seed=3)


def _cohort_rows(cube, cohort: str) -> pd.DataFrame:
    table = cube.table
    return table[table["cohort"] == cohort]


def test_every_measured_theme_is_one_candidate_and_nothing_is_lost(candidates):
    library = {theme.id for theme in load_themes()}
    measured = set(candidates.table["theme"])
    left_out = set(candidates.excluded["theme"])
    assert measured | left_out == library
    assert not measured & left_out
    assert candidates.table["candidate"].is_unique
    assert len(candidates.table) >= 10


def test_figures_reconcile_with_the_cube(candidates, cube):
    themes = {theme.id: theme for theme in load_themes()}
    for row in candidates.table.itertuples(index=False):
        rows = _cohort_rows(cube, row.cohort)
        assert row.persons == int(rows["persons"].sum())
        assert row.events_a_year == pytest.approx(float(rows[row.outcome].sum()))
        assert row.cost_a_year == pytest.approx(float(rows["cost_gbp"].sum()))
        assert row.premature_deaths_a_year == float(rows["deaths_under_75"].sum())
        theme = themes[row.theme]
        intervention = theme.interventions[0]
        low, high = impact_range(float(rows[intervention.acts_on].sum()), intervention)
        assert row.avoidable_low == pytest.approx(low)
        assert row.avoidable_high == pytest.approx(high)
        assert row.avoidable_low <= row.avoidable_mid <= row.avoidable_high


def test_impact_is_events_times_shares_times_effect(candidates, cube):
    """Worked by hand for the blood pressure theme: events x share x reach x uptake x RRR."""
    theme = next(t for t in load_themes() if t.id == "high_blood_pressure")
    intervention = theme.interventions[0]
    events = float(_cohort_rows(cube, "hypertension")[intervention.acts_on].sum())
    share = intervention.share_of_events
    expected_low = (
        events
        * share.low
        * intervention.reach.low
        * intervention.uptake.low
        * intervention.effect.low
    )
    expected_high = (
        events
        * share.high
        * intervention.reach.high
        * intervention.uptake.high
        * intervention.effect.high
    )
    row = candidates.table.set_index("theme").loc["high_blood_pressure"]
    assert row["avoidable_low"] == pytest.approx(expected_low)
    assert row["avoidable_high"] == pytest.approx(expected_high)
    assert row["avoidable_cost_low"] == pytest.approx(expected_low * intervention.unit_cost.value)


def test_years_divide_counts(cube):
    one = theme_candidates(cube).table.set_index("candidate")
    two = theme_candidates(cube, years=2.0).table.set_index("candidate")
    assert np.allclose(two["events_a_year"], one["events_a_year"] / 2)
    assert np.allclose(two["avoidable_high"], one["avoidable_high"] / 2)
    assert (two["persons"] == one["persons"]).all()


def test_labels_and_facts_are_board_language(candidates):
    for column in ("label", "cohort_label", "outcome_label", "facts"):
        for text in candidates.table[column]:
            assert not SNAKE_CASE.search(text), (column, text)
    for facts in candidates.table["facts"]:
        assert "people" in facts and "a year" in facts and "an estimate" in facts


def test_most_deprived_fifth_counts_only_deciles_one_and_two(cube):
    core20 = theme_candidates(cube, within="core20").table.set_index("theme")
    table = cube.table
    for theme, row in core20.iterrows():
        rows = table[(table["cohort"] == row["cohort"]) & (table["imd_decile"] <= 2)]
        assert row["persons"] == int(rows["persons"].sum()), theme
        assert row["candidate"] == f"{theme}/core20"
        assert row["label"].endswith("(England's most deprived fifth)")


def test_places_split_each_theme(cube):
    whole = theme_candidates(cube, min_events=0).table.set_index("theme")
    by_place = theme_candidates(cube, within="place", min_events=0).table
    places = cube.table["place"].nunique()
    counted = by_place.groupby("theme")["persons"].agg(["sum", "count"])
    complete = counted[counted["count"] == places]
    assert len(complete) >= 8
    for theme, row in complete.iterrows():
        assert row["sum"] == whole.loc[theme, "persons"]
    assert by_place["candidate"].str.count("/").eq(1).all()


def test_a_missing_optional_column_is_said_plainly(cube):
    table = cube.table.drop(columns=["emergency_admissions_cardiovascular"])
    measured = theme_candidates(table)
    row = measured.table.set_index("theme").loc["high_blood_pressure"]
    assert row["outcome"] == "emergency_admissions"
    assert "no estimate" in row["facts"]
    assert row["avoidable_mid"] == 0
    assert any("heart and circulatory" in note for note in measured.notes)


def test_a_missing_cohort_is_excluded_with_its_reason(persons):
    cube = build_cohort_cube(persons.drop(columns=["smoker"]))
    measured = theme_candidates(cube)
    excluded = measured.excluded.set_index("theme")
    assert "tobacco_dependence_treatment" in excluded.index
    assert "smoker" in excluded.loc["tobacco_dependence_treatment", "reason"]


def test_input_unchanged_and_bad_options_refused(cube):
    before = cube.table.copy()
    theme_candidates(cube)
    pd.testing.assert_frame_equal(cube.table, before)
    with pytest.raises(ValueError, match="'within' parameter of theme_candidates"):
        theme_candidates(cube, within="quintile")
    with pytest.raises(ValueError, match="'years' parameter"):
        theme_candidates(cube, years=0)
    with pytest.raises(
        DataContractError, match="is missing; a cube from toolkit.segment.build_cohort_cube "
    ):
        theme_candidates(cube.table.drop(columns=["deaths_under_75"]))
    with pytest.raises(TypeError, match="a pandas DataFrame or a CohortCube"):
        theme_candidates([1, 2])


def test_life_expectancy_gap_shares_come_from_the_mortality_table(candidates):
    shares = candidates.table.set_index("theme")["le_gap_share"]
    assert (shares >= 0).all() and (shares <= 1).all()
    # Circulatory disease and cancer are the largest causes of the gap.
    assert shares["high_blood_pressure"] > 0
    assert shares["cancer_early_diagnosis"] > 0


# ---- the prioritisation -------------------------------------------------------------
def test_result_is_frozen_and_complete(result):
    assert isinstance(result, Prioritisation)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.weights = {}  # type: ignore[misc]
    shortlist = result.shortlist
    assert list(shortlist["position"]) == [1, 2, 3, 4, 5]
    assert shortlist["theme"].is_unique
    assert ((shortlist["score"] >= 0) & (shortlist["score"] <= 100)).all()
    assert shortlist["score"].is_monotonic_decreasing
    assert ((shortlist["p_shortlist"] >= 0) & (shortlist["p_shortlist"] <= 1)).all()
    assert set(result.weights) == {c.name for c in theme_criteria()}
    assert result.settings["size"] == 5 and result.settings["seed"] == 3
    assert result.provenance["themes"]
    for sentence in shortlist["weight_change"]:
        assert sentence.startswith(("The smallest change", "No change"))


def test_per_cohort_is_recorded_and_the_old_name_still_answers(candidates, result):
    """``per_theme`` became ``per_cohort`` (docs/glossary.md), keyword and settings key."""
    assert result.settings["per_cohort"] == 1
    assert "per_theme" not in result.settings
    with pytest.warns(FutureWarning, match="'per_theme' is now called 'per_cohort'"):
        assert result.settings["per_theme"] == 1
    with pytest.warns(FutureWarning, match="'per_theme' is now called 'per_cohort'"):
        assert result.settings.get("per_theme") == 1
    with pytest.raises(KeyError):
        result.settings["per_nothing"]
    with pytest.warns(FutureWarning, match="'per_theme' parameter of prioritise"):
        old = prioritise(candidates, draws=500, seed=3, per_theme=None)
    new = prioritise(candidates, draws=500, seed=3, per_cohort=None)
    assert old.settings == new.settings and new.settings["per_cohort"] is None
    pd.testing.assert_frame_equal(old.shortlist, new.shortlist)


def test_result_is_reproducible(candidates, result):
    again = prioritise(candidates, draws=2_000, seed=3)
    pd.testing.assert_frame_equal(again.shortlist, result.shortlist)


def test_weights_change_the_answer(candidates):
    evidence_only = {c.name: 0.0 for c in theme_criteria()} | {"evidence_score": 1.0}
    answer = prioritise(candidates, weights=evidence_only, draws=500)
    assert (answer.shortlist["evidence_score"] == 3).all()


def test_shortlist_chance_follows_the_shortlist_rule(result):
    """One candidate per theme: in the shortlist = ranked in the top five."""
    acceptability = result.acceptability
    matrix = acceptability.matrix()
    top = matrix.iloc[:, : result.settings["size"]].sum(axis=1)
    chance = dict(zip(acceptability.candidates, acceptability.p_shortlist, strict=True))
    for candidate in result.shortlist["candidate"]:
        assert top[candidate] == pytest.approx(chance[candidate])


def test_summary_is_board_language(result):
    text = result.summary()
    assert not SNAKE_CASE.search(text.replace("doi:", "")), text
    assert "out of 100" in text
    # (A DOI such as doi:10.1186/... is a reference, not a figure.)
    assert not re.search(r"\d\.\d{3,}", re.sub(r"doi:\S+", "", text))


def test_a_filled_template_joins_the_criteria(candidates, tmp_path):
    path = write_criteria_template(
        candidates.table, tmp_path / "criteria.csv", criteria=THEME_ANALYST_CRITERIA
    )
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    filled = []
    for line in lines:
        if line.startswith("#") or line.startswith("candidate,"):
            filled.append(line)
            continue
        head, _, _ = line.rpartition(",,,")
        filled.append(f"{head},3,5,")
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    scores = read_criteria_scores(path, candidates.table, criteria=THEME_ANALYST_CRITERIA)
    answer = prioritise(candidates, analyst_scores=scores, draws=500)
    assert {"community_voice", "feasibility"} <= set(answer.weights)
    assert (answer.candidates["community_voice"] == 3).all()


def test_facts_never_show_counts_below_the_threshold(cube):
    """A cohort of a handful of people: its people and events are written "fewer than 10"."""
    table = cube.table
    dementia = table[table["cohort"] == "dementia"]
    small = dementia[dementia["emergency_admissions"] > 0].sort_values("persons").head(2)
    assert 0 < small["persons"].sum() < 10
    assert 0 < small["emergency_admissions"].sum() < 10
    tiny = pd.concat([table[table["cohort"] != "dementia"], small], ignore_index=True)
    measured = theme_candidates(tiny, min_events=0, threshold=10)
    facts = measured.table.set_index("theme").loc["dementia_care", "facts"]
    assert facts.count("fewer than 10") >= 2, facts
    assert f" {int(small['persons'].sum())} people" not in facts


def test_recorded_against_expected_prevalence(candidates, cube):
    """Hypertension: 30% of everyone aged 16+ (four fifths of the 15-19 band) minus those
    recorded at those ages; themes without a published prevalence have none."""
    table = cube.table

    def aged_16_plus(cohort: str) -> float:
        rows = table[table["cohort"] == cohort]
        start = rows["age_band"].str.extract(r"^(\d+)")[0].astype(int)
        weight = np.where(start >= 20, 1.0, np.where(start == 15, 0.8, 0.0))
        return float((rows["persons"] * weight).sum())

    theme = next(t for t in load_themes() if t.id == "high_blood_pressure")
    assert theme.expected_prevalence.age_from == 16
    expected = theme.expected_prevalence.value * aged_16_plus("everyone")
    recorded = aged_16_plus("hypertension")
    row = candidates.table.set_index("theme").loc["high_blood_pressure"]
    assert row["expected_cases"] == pytest.approx(expected)
    assert row["recorded_cases"] == pytest.approx(recorded)
    assert row["undiagnosed_estimate"] == pytest.approx(expected - recorded)
    assert "not recorded (an estimate)" in row["facts"]
    without = {t.id for t in load_themes() if t.expected_prevalence is None}
    shown = candidates.table.set_index("theme")
    for theme_id in without & set(shown.index):
        assert math.isnan(shown.loc[theme_id, "expected_cases"])


def test_premature_deaths_are_a_standardised_rate_and_inequality_has_sii(candidates, cube):
    """Deaths under 75 as a DSR per 100,000 over the bands under 75; SII and RII by decile."""
    from toolkit.indicators import directly_standardised_rate

    table = cube.table
    rows = table[table["cohort"] == "hypertension"]
    start = rows["age_band"].str.extract(r"^(\d+)")[0].astype(int)
    expected = directly_standardised_rate(
        rows[start < 75],
        events="deaths_under_75",
        population="persons",
        age_band="age_band",
        multiplier=100_000,
    )
    row = candidates.table.set_index("theme").loc["high_blood_pressure"]
    assert row["premature_death_rate"] == pytest.approx(float(expected["value"].iloc[0]))
    assert row["premature_death_rate_lower_95"] < row["premature_death_rate"]
    # The rate's limits are named after it, as candidate_priorities' are.
    assert row["rate_lower_95"] < row["rate"] < row["rate_upper_95"]
    assert row["rate_unit"] == "per 1,000 people a year"
    assert not {"lower_95", "upper_95"} & set(candidates.table.columns)
    # Cardiovascular admissions are commoner in deprived areas: the published sign is negative.
    assert row["sii"] < 0 and 0 < row["rii"] < 1


def _plan(theme):
    from toolkit.prioritise._theme_row import ThemePlan

    intervention = theme.interventions[0]
    return ThemePlan(theme, theme.outcomes[0], intervention.acts_on, intervention, "")


def _facts(theme, *, events: float, low: float, high: float, persons: float = 500.0) -> str:
    from toolkit.prioritise._theme_row import facts
    from toolkit.prioritise.themes import OUTCOME_WORDS

    return facts(
        _plan(theme),
        cohort_words="Adults",
        persons=persons,
        events_a_year=events,
        cost_a_year=1e5,
        ratio=1.5,
        low=low,
        high=high,
        unit_cost=100.0,
        words=dict(OUTCOME_WORDS),
        threshold=0,
    )


@pytest.mark.parametrize("theme", load_themes(), ids=lambda theme: theme.id)
def test_facts_use_the_singular_after_one(theme):
    """Singular after one: "up to about 1 emergency admission", "fewer than one death" — for every
    outcome a theme of the library uses (the noun, not only its last word, is singular)."""
    from toolkit.prioritise.themes import OUTCOME_WORDS, OUTCOME_WORDS_SINGULAR

    acts_on = theme.interventions[0].acts_on
    singular, plural = OUTCOME_WORDS_SINGULAR[acts_on], OUTCOME_WORDS[acts_on]
    fewer = " fewer" if acts_on.startswith("persons_") else ""
    text = _facts(theme, events=1.0, low=0.4, high=1.2, persons=1)
    assert f"up to about 1{fewer} {singular} a year" in text, text
    assert f"up to about 1{fewer} {plural} a year" not in text or singular == plural
    assert "1 person, whose care" in text
    outcome = theme.outcomes[0]
    if outcome != "cost_gbp":
        assert (
            f": 1 person, whose care costs £100k a year; 1 {OUTCOME_WORDS_SINGULAR[outcome]}"
            in (text)
        )
    text = _facts(theme, events=30.0, low=0.1, high=0.6)
    below_one = "less than one fewer" if fewer else "fewer than one"
    assert f"{below_one} {singular} a year" in text, text
    text = _facts(theme, events=30.0, low=20.0, high=40.0)
    assert f"about 20 to 40{fewer} {plural} a year" in text, text
    assert f"30 {OUTCOME_WORDS[outcome]}" in text or outcome == "cost_gbp"


def test_every_outcome_has_a_singular_that_differs_from_its_plural():
    from toolkit.prioritise._theme_row import outcome_words
    from toolkit.prioritise.themes import OUTCOME_WORDS, OUTCOME_WORDS_SINGULAR, OUTCOMES

    for outcome in OUTCOMES:
        words = dict(OUTCOME_WORDS)
        assert outcome_words(outcome, words, amount="about 1") == OUTCOME_WORDS_SINGULAR[outcome]
        assert (
            outcome_words(outcome, words, amount="fewer than one")
            == (OUTCOME_WORDS_SINGULAR[outcome])
        )
        assert outcome_words(outcome, words, amount="about 1 to 2") == OUTCOME_WORDS[outcome]
        assert outcome_words(outcome, words, amount="11") == OUTCOME_WORDS[outcome]
        if outcome != "cost_gbp":
            assert OUTCOME_WORDS_SINGULAR[outcome] != OUTCOME_WORDS[outcome], outcome
    # A name the caller chose is kept as given.
    assert outcome_words("deaths", {"deaths": "lives lost"}, amount="about 1") == "lives lost"


def test_a_theme_that_names_no_cause_of_death_says_it_counts_zero(candidates):
    from toolkit.prioritise._theme_row import NO_CAUSES_NOTE

    causes = {theme.id: theme.causes_of_death for theme in load_themes()}
    table = candidates.table
    without = table[[not causes[theme] for theme in table["theme"]]]
    assert len(without) >= 1  # end of life care, at least
    assert without["note"].str.contains(NO_CAUSES_NOTE, regex=False).all()
    assert (without["le_gap_share"] == 0).all() and (without["cause_deaths_a_year"] == 0).all()
    named = table[[bool(causes[theme]) for theme in table["theme"]]]
    assert not named["note"].str.contains(NO_CAUSES_NOTE, regex=False).any()
