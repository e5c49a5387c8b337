"""Theme wording found wrong by walk-throughs: counts and nouns, quoted scores, theme ids."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.prioritise import read_criteria_scores, write_criteria_template
from toolkit.prioritise._theme_row import (
    ThemePlan,
    estimate_words,
    facts,
    lower_first,
    shortlist_estimate,
)
from toolkit.prioritise.themes import (
    OUTCOME_WORDS,
    THEME_LIBRARY,
    ThemeError,
    load_themes,
)

WORDS = dict(OUTCOME_WORDS)


@pytest.mark.parametrize(
    ("low", "high", "avoided", "fewer"),
    [
        (0.0, 0.0, "0 emergency admissions", "0 fewer people who smoke"),
        (
            0.1,
            0.6,
            "fewer than one emergency admission",
            "less than one fewer person who smokes",
        ),
        (0.4, 1.2, "up to about 1 emergency admission", "up to about 1 fewer person who smokes"),
        (1.0, 1.0, "about 1 emergency admission", "about 1 fewer person who smokes"),
        (2.0, 2.0, "about 2 emergency admissions", "about 2 fewer people who smoke"),
        (0.5, 2.0, "up to about 2 emergency admissions", "up to about 2 fewer people who smoke"),
        (
            1200.0,
            34_000.0,
            "about 1,200 to 34,000 emergency admissions",
            "about 1,200 to 34,000 fewer people who smoke",
        ),
    ],
)
def test_estimate_words_agree_with_the_count(low, high, avoided, fewer):
    """Singular after one (and "fewer than one"), plural otherwise; "fewer" never doubled."""
    assert estimate_words(low, high, "emergency_admissions", WORDS) == avoided
    said = estimate_words(low, high, "persons_smoker", WORDS, fewer=True)
    assert said == fewer
    assert "fewer than one fewer" not in said


def test_shortlist_estimate_says_one_person_not_one_people():
    assert (
        shortlist_estimate(0.2, 0.7, math.nan, "persons_smoker", WORDS)
        == "fewer than one person who smokes a year"
    )
    assert (
        shortlist_estimate(0.3, 1.4, 1000.0, "emergency_admissions_respiratory", WORDS)
        == "up to about 1 emergency admission for lung disease a year (up to about £1.0k)"
    )


def _smoking_facts(low: float, high: float) -> str:
    theme = next(theme for theme in load_themes() if theme.id == "smoke_free_pregnancy")
    intervention = theme.interventions[0]
    plan = ThemePlan(theme, theme.outcomes[0], intervention.acts_on, intervention, "")
    return facts(
        plan,
        cohort_words="Pregnant women",
        persons=5000,
        events_a_year=12,
        cost_a_year=77_000,
        ratio=math.nan,
        low=low,
        high=high,
        unit_cost=math.nan,
        words=WORDS,
        threshold=10,
    )


@pytest.mark.parametrize(
    ("low", "high", "said"),
    [
        (0.2, 0.7, "could mean less than one fewer person who smokes a year"),
        (0.5, 1.2, "could mean up to about 1 fewer person who smokes a year"),
        (3.0, 8.0, "could mean about 3 to 8 fewer people who smoke a year"),
    ],
)
def test_facts_say_a_fall_in_people_who_smoke_without_a_doubled_fewer(low, high, said):
    text = _smoking_facts(low, high)
    assert said in text, text
    assert "fewer than one fewer" not in text


def test_an_intervention_named_with_an_acronym_keeps_its_capitals():
    assert lower_first("NHS Health Check with a plan") == "NHS Health Check with a plan"
    assert lower_first("A&E follow-up by phone") == "A&E follow-up by phone"
    assert lower_first("GPs review every patient") == "GPs review every patient"
    assert lower_first("Treat blood pressure to target") == "treat blood pressure to target"
    assert lower_first("A seven-day team") == "a seven-day team"
    assert lower_first("") == ""


CANDIDATES = pd.DataFrame(
    {"candidate": ["eol/bed_days", "frailty/emergency_admissions"], "label": ["A", "B"]}
)


def test_a_score_off_its_scale_is_quoted_as_written(tmp_path):
    """A 7 in the template is quoted '7', not '7.0' (the float it was read as)."""
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    path.write_text(
        "candidate,label,evidence,core20plus5,community_voice,feasibility,notes\n"
        "eol/bed_days,A,7,1,1,1,\n"
        "frailty/emergency_admissions,B,2,0.50,1,9.0,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "'7'" in message and "'7.0'" not in message, message
    assert "'0.50'" in message and "'0.5'" not in message, message
    assert "'9.0'" in message, message
    failures = caught.value.failures.set_index("column")
    assert failures.loc["evidence", "examples"] == ["7"]
    assert failures.loc["evidence", "where"] == [2]


def test_a_score_off_its_scale_in_toml_is_quoted_as_written(tmp_path):
    path = tmp_path / "scores.toml"
    path.write_text(
        "[[candidate]]\n"
        'id = "eol/bed_days"\n'
        "evidence = 7\ncore20plus5 = 1\ncommunity_voice = 1\nfeasibility = 1\n"
        "[[candidate]]\n"
        'id = "frailty/emergency_admissions"\n'
        "evidence = 1\ncore20plus5 = 1\ncommunity_voice = 1\nfeasibility = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "'7'" in message and "'7.0'" not in message, message


def test_a_copy_of_a_built_in_theme_is_told_to_take_its_own_id(tmp_path):
    """Own themes are added to the library, so the advice is a new id, not a new folder."""
    folder = tmp_path / "my_themes"
    folder.mkdir()
    shutil.copy(THEME_LIBRARY / "falls_and_frailty.toml", folder / "falls_and_frailty.toml")
    with pytest.raises(ThemeError) as caught:
        load_themes([THEME_LIBRARY, folder])
    message = str(caught.value)
    assert "'falls_and_frailty' is already the id of the built-in theme" in message
    assert "give your copy its own id, such as 'my_falls_and_frailty'" in message
    assert "my_falls_and_frailty.toml" in message
    assert "load that folder instead" not in message
    # Following the advice works: the copy, renamed, loads beside the built-in theme.
    text = (folder / "falls_and_frailty.toml").read_text(encoding="utf-8")
    (folder / "falls_and_frailty.toml").unlink()
    (folder / "my_falls_and_frailty.toml").write_text(
        text.replace('id = "falls_and_frailty"', 'id = "my_falls_and_frailty"', 1),
        encoding="utf-8",
    )
    ids = {theme.id for theme in load_themes([THEME_LIBRARY, folder])}
    assert {"falls_and_frailty", "my_falls_and_frailty"} <= ids


def test_two_own_themes_with_one_id_are_told_to_rename_one(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for folder in (first, second):
        shutil.copy(THEME_LIBRARY / "falls_and_frailty.toml", folder / "falls_and_frailty.toml")
    with pytest.raises(ThemeError) as caught:
        load_themes([first, second])
    message = str(caught.value)
    assert f"is already the id of {first / 'falls_and_frailty.toml'}" in message
    assert "give one of them another id, such as 'my_falls_and_frailty'" in message


def test_too_few_to_compare_does_not_call_people_events_or_read_as_a_contradiction():
    # "374 emergency admissions a year (too few events to compare ...)" read as a
    # contradiction, and "46 people who smoke (too few events ...)" called people events:
    # it is one fifth that has too few.
    from toolkit.prioritise._theme_row import inequality_words

    words = inequality_words(float("nan"))
    assert words == " (too few in the most or the least deprived fifth to compare the two)"
    assert "events" not in words
