"""Review 7 mends: estimates that gave a hidden count back; costs from the events as shown.

1. A candidate's sentence hid the count its estimate is taken from ("of their fewer than 10
   emergency admissions") yet printed the estimate's money beside it: with the unit cost and
   the theme's published factors, the count could be worked back (demo, 20,000 persons, seed
   11: "up to about £410" gives 9 exactly). Below the threshold there is now no estimate and
   no money, in the sentence and in the shortlist's estimate.
2. The money did not follow from the events shown ("up to about 2" at £1,590 read "up to
   about £2.7k"), and events rounded halves to even: both now round halves up, and the money
   is the events shown times the unit cost.
7. With no theme compared, the notes said an unknown gap counts as the middle of the others'.
8. The words helpers ``closest_names`` and ``quoted_or`` are public in :mod:`toolkit._words`.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.prioritise import load_themes, priorities_frame, prioritise, theme_candidates
from toolkit.prioritise._theme_figures import (
    TOO_FEW_TO_ESTIMATE,
    estimates_withheld,
    format_estimate,
    format_estimate_range,
    format_money_figures,
    format_money_range,
    round_figure,
    round_half_up,
    shortlist_estimate,
    shown_estimate,
)
from toolkit.prioritise._theme_impact import impact_range
from toolkit.prioritise._theme_row import (
    EXCESS_NONE_COMPARED_NOTE,
    EXCESS_NOT_COMPARED_NOTE,
    GAP_NONE_COMPARED_SCORE,
    GAP_NOT_COMPARED_SCORE,
    ThemePlan,
    facts,
    typical_where_unknown,
)
from toolkit.prioritise.themes import OUTCOME_WORDS
from toolkit.segment import build_cohort_cube

WORDS = dict(OUTCOME_WORDS)
THRESHOLD = 10
SMI = "serious_mental_illness_physical_health"
PACKAGE = Path(__file__).parents[2] / "toolkit"


def _theme(theme_id: str):
    return next(theme for theme in load_themes() if theme.id == theme_id)


def _factor(intervention) -> tuple[float, float]:
    """The published factors of an estimate: avoided events per event acted on (low, high)."""
    return impact_range(1.0, intervention)


def _money(text: str) -> list[float]:
    """Every sum of money in a text, in pounds, as printed ("£410", "£3.2k", "£1.0m")."""
    scale = {"": 1.0, "k": 1e3, "m": 1e6, "bn": 1e9}
    return [
        float(number.replace(",", "")) * scale[unit]
        for number, unit in re.findall(r"£([\d,]+(?:\.\d+)?)(bn|k|m)?", text)
    ]


def _worked_back(text: str, unit_cost: float, factor: float) -> set[int]:
    """The counts below the threshold that the money printed in an estimate fits.

    The review's method: the printed money has two significant figures, so the money lies
    in [shown - half a unit of its last figure, shown + half); divided by the unit cost and
    the published factors, that bounds the count the estimate was taken from.
    """
    fits = set(range(1, THRESHOLD))
    for shown in _money(text):
        digits = math.floor(math.log10(shown)) - 1 if shown >= 10 else 0
        half = 0.5 * 10.0**digits
        low, high = (shown - half) / unit_cost / factor, (shown + half) / unit_cost / factor
        fits &= {count for count in range(1, THRESHOLD) if low <= count < high}
    return fits


# ---- 1. no estimate from a count below the threshold --------------------------------------
@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    """The review's system: demo, 20,000 persons, seed 11, every theme measured."""
    persons = make_demo_system(persons=20_000, seed=11).persons
    return theme_candidates(build_cohort_cube(persons, model=None), min_events=1)


def test_the_review_s_count_cannot_be_worked_back_from_the_sentence(demo):
    row = demo.table.set_index("theme").loc[SMI]
    hidden = row["impact_events_a_year"]
    assert 0 < hidden < THRESHOLD  # the review's case: 9 admissions, said "fewer than 10"
    text = row["facts"]
    estimate = text.split("; ")[-1]
    assert "acts on their fewer than 10 emergency admissions for heart and circulatory" in text
    assert TOO_FEW_TO_ESTIMATE.replace("estimate", "estimate what it could avoid") in estimate
    # No money and no number of events in the estimate: only the reach's percentages.
    assert _money(estimate) == []
    assert re.findall(r"\d+(?!\d*%)", estimate.replace("fewer than 10", "")) == []
    # Worked back as the review did, the money fits every count below the threshold.
    intervention = _theme(SMI).interventions[0]
    low, high = _factor(intervention)
    assert _worked_back(estimate, row["unit_cost"], low) == set(range(1, THRESHOLD))
    assert _worked_back(estimate, row["unit_cost"], high) == set(range(1, THRESHOLD))


def test_before_the_mend_the_money_gave_the_count_back():
    """The check can fail: the money an estimate of 9 admissions printed pins 9 down."""
    intervention = _theme(SMI).interventions[0]
    low, high = impact_range(9.0, intervention)
    printed = f"(up to about {format_money_figures(high * 1_590.0)})"
    assert _worked_back(printed, 1_590.0, _factor(intervention)[1]) == {9}


def _sentence(theme_id: str, count: float, *, events_a_year: float | None = None) -> str:
    """A theme's sentence, its intervention acting on ``count`` events a year.

    ``events_a_year`` is the headline outcome's (by default ``count``, for a theme whose
    intervention acts on its headline outcome).
    """
    theme = _theme(theme_id)
    intervention = theme.interventions[0]
    plan = ThemePlan(theme, theme.outcomes[0], intervention.acts_on, intervention, "")
    low, high = impact_range(count, intervention)
    return facts(
        plan,
        cohort_words="People in the cohort",
        persons=2_845,
        events_a_year=count if events_a_year is None else events_a_year,
        cost_a_year=6.6e6,
        ratio=math.nan,
        low=low,
        high=high,
        unit_cost=float(intervention.unit_cost.value),
        words=WORDS,
        threshold=THRESHOLD,
        impact_events_a_year=count,
    )


def test_every_count_below_the_threshold_gives_the_same_sentence():
    """Nothing in the sentence tells 1 admission acted on from 9."""
    sentences = {_sentence(SMI, float(count), events_a_year=42) for count in range(1, THRESHOLD)}
    assert len(sentences) == 1, sentences
    # At the threshold the count is shown, and so is the estimate with its money.
    shown = _sentence(SMI, float(THRESHOLD), events_a_year=42)
    assert "of their 10 emergency admissions" in shown and "£" in shown, shown


def test_an_estimate_of_headline_events_below_the_threshold_is_not_given():
    """15 admissions over two years are 7.5 a year: "fewer than 10", and no estimate."""
    copd = "copd_pulmonary_rehabilitation"
    assert _theme(copd).interventions[0].acts_on == _theme(copd).outcomes[0]
    sentences = {_sentence(copd, events) for events in (1.0, 4.5, 7.5, 9.5)}
    assert len(sentences) == 1, sentences
    text = sentences.pop()
    assert "fewer than 10 emergency admissions for lung disease a year" in text
    assert (
        "too few emergency admissions for lung disease to estimate what it could avoid "
        "without risking identifying people."
    ) in text, text
    assert "£" not in text.split("; ")[-1]
    assert "£" in _sentence(copd, 10.0).split("could avoid")[1]  # from 10 a year, an estimate


def test_the_shortlist_gives_no_estimate_from_a_count_below_the_threshold():
    counts = [float(count) for count in range(1, THRESHOLD + 2)]
    table = pd.DataFrame(
        {
            "outcome": "deaths_under_75",
            "events_a_year": 42.0,
            "impact_outcome": "emergency_admissions_cardiovascular",
            "impact_events_a_year": counts,
        }
    )
    withheld = estimates_withheld(table, threshold=THRESHOLD)
    assert withheld.tolist() == [True] * (THRESHOLD - 1) + [False, False]
    # Acting on the headline outcome, the headline events are what the estimate is from.
    same = table.assign(outcome=table["impact_outcome"], events_a_year=counts[::-1])
    assert estimates_withheld(same, threshold=THRESHOLD).tolist() == [False, False] + [True] * (
        THRESHOLD - 1
    )
    intervention = _theme(SMI).interventions[0]
    for count, no in zip(counts, withheld, strict=True):
        low, high = impact_range(count, intervention)
        words = shortlist_estimate(
            low, high, 1_590.0, "emergency_admissions_cardiovascular", WORDS, withheld=bool(no)
        )
        if no:
            assert words == "Too few to estimate without risking identifying people"
        else:
            assert "£" in words


def test_a_shortlisted_theme_with_too_few_acted_on_gives_no_estimate(demo):
    """Through prioritise: the shortlist's estimate and the export say too few, no money."""
    table = demo.table
    keep = table[table["theme"].isin([SMI, "high_blood_pressure", "falls_and_frailty"])]
    candidates = dataclasses.replace(demo, table=keep.reset_index(drop=True))
    result = prioritise(candidates, size=3, draws=200)
    row = result.shortlist.set_index("theme").loc[SMI]
    assert row["estimate"] == "Too few to estimate without risking identifying people"
    exported = priorities_frame(result).set_index("label").loc[row["label"]]
    assert "£" not in exported["estimate"] and "£" not in exported["facts"].split("; ")[-1]
    others = result.shortlist[result.shortlist["theme"] != SMI]
    assert others["estimate"].str.contains("£").all()  # counts of 10 or more keep theirs


# ---- 2. the money follows from the events as shown ----------------------------------------
@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(2.5, 0, 3.0), (3.5, 0, 4.0), (1.15, 1, 1.2), (125, -1, 130.0), (0.285, 2, 0.29)],
)
def test_halves_round_up(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


def test_events_round_halves_up_as_their_money_does():
    assert format_estimate(2.5) == "3"  # was "2" (half to even)
    assert format_estimate(125.0) == "130"  # was "120"
    assert round_figure(125.0) == 130.0 and round_figure(2.45) == 2.5
    assert shown_estimate(9.6) == 10.0 and shown_estimate(99.5) == 100.0


@pytest.mark.parametrize(
    ("low", "high", "unit", "events", "money"),
    [
        (0.02, 1.7, 1_590.0, "up to about 2", "up to about £3.2k"),  # the review's rows
        (2.4, 5.6, 1_590.0, "about 2 to 6", "£3.2k to £9.5k"),
        (125.0, 125.4, 1_000.0, "about 130", "about £130k"),
        (0.02, 2.5, 1_590.0, "up to about 3", "up to about £4.8k"),
        (18.4, 263.0, 1_590.0, "about 18 to 260", "£29k to £410k"),
        (0.1, 0.6, 1_590.0, "fewer than one", "less than £1.6k"),
    ],
)
def test_the_money_is_the_events_shown_times_the_unit_cost(low, high, unit, events, money):
    assert format_estimate_range(low, high) == events
    assert format_money_range(low, high, unit) == money


def test_multiplying_the_events_shown_gives_the_money_shown():
    """For many ranges, each end of the money is its end of the events times the unit cost."""
    for unit in (1_590.0, 1_000.0, 3_466.0):
        for low, high in [(a / 4, b / 4) for a in range(1, 400, 37) for b in range(4, 900, 53)]:
            if high <= low:
                continue
            events = format_estimate_range(low, high)
            money = format_money_range(low, high, unit)
            counts = [float(n.replace(",", "")) for n in re.findall(r"[\d,]+", events)]
            expected = [format_money_figures(count * unit) for count in counts]
            shown = re.findall(r"£[\d.,]+(?:bn|k|m)?", money)
            assert shown == (expected if len(set(expected)) > 1 else expected[:1]), (
                low,
                high,
                events,
                money,
            )


# ---- 7. with no theme compared, the notes say the gap counts 0 ----------------------------
def _noted(ratios: list[float], excess: list[float]) -> pd.DataFrame:
    notes = [
        " ".join(
            part
            for part in (
                ""
                if math.isfinite(r)
                else f"Too few to compare the two: {GAP_NOT_COMPARED_SCORE}.",
                "" if math.isfinite(e) else EXCESS_NOT_COMPARED_NOTE,
            )
            if part
        )
        for r, e in zip(ratios, excess, strict=True)
    ]
    return pd.DataFrame(
        {
            "events_a_year": [50.0] * len(ratios),
            "deprivation_ratio": ratios,
            "deprivation_gap": [r - 1 if math.isfinite(r) else 0.0 for r in ratios],
            "excess_events_a_year": excess,
            "excess_share": [0.2 if math.isfinite(e) else 0.0 for e in excess],
            "note": notes,
        }
    )


def test_with_no_theme_compared_the_note_says_the_gap_counts_zero():
    result = typical_where_unknown(_noted([math.nan, math.nan], [math.nan, math.nan]))
    assert result["deprivation_gap"].tolist() == [0.0, 0.0]
    assert result["excess_share"].tolist() == [0.0, 0.0]
    for note in result["note"]:
        assert f"{GAP_NONE_COMPARED_SCORE}." in note and GAP_NOT_COMPARED_SCORE not in note
        assert EXCESS_NONE_COMPARED_NOTE in note and EXCESS_NOT_COMPARED_NOTE not in note
        assert "middle of the other themes" not in note
        assert "counts as 0 in the scores, as no theme could be compared" in note


def test_with_a_theme_compared_the_note_says_the_middle_of_the_others():
    result = typical_where_unknown(_noted([math.nan, 1.5, 2.5], [math.nan, 10.0, 20.0]))
    assert result["deprivation_gap"].tolist() == [1.0, 0.5, 1.5]
    note = result["note"].iloc[0]
    assert GAP_NOT_COMPARED_SCORE in note and EXCESS_NOT_COMPARED_NOTE in note
    assert "counts as 0" not in note


def test_each_gap_s_note_follows_its_own_rule():
    """Ratios compared but no excess: only the excess's words say 0."""
    result = typical_where_unknown(_noted([math.nan, 1.5], [math.nan, math.nan]))
    note = result["note"].iloc[0]
    assert GAP_NOT_COMPARED_SCORE in note and EXCESS_NONE_COMPARED_NOTE in note


# ---- 8. the words helpers are public and shared -------------------------------------------
def test_closest_names_and_quoted_or_are_shared_public_words():
    from toolkit import _words
    from toolkit.prioritise import _theme_file

    assert {"closest_names", "quoted_or"} <= set(_words.__all__)
    assert _theme_file.closest_names is _words.closest_names  # the old import still works
    assert _theme_file.quoted_or is _words.quoted_or
    assert _words.closest_names("falls_admissions", ["emergency_admissions_falls"]) == [
        "emergency_admissions_falls"
    ]
    assert _words.quoted_or(["a", "b", "c"]) == "'a', 'b' or 'c'"


def test_the_report_reads_no_private_module_of_prioritise_for_words():
    path = PACKAGE / "report" / "_config_weights.py"
    private = [
        node.module
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("toolkit.prioritise._")
    ]
    assert private == []
