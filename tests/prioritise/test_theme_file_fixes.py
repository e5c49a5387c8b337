"""Theme files found wrong by a walk-through (issue 11): priced deaths, suggestions that point
the wrong way, and a `checked` field whose default the documentation did not state."""

from __future__ import annotations

import re

import pytest

from toolkit.prioritise.themes import (
    THEME_LIBRARY,
    ThemeError,
    known_cohort_ids,
    load_theme,
    load_themes,
    themes_markdown,
)

from .test_prioritise_themes import ROOT, VALID, _broken, _error_for, _write

UNIT_COST_TABLE = VALID[VALID.index("[interventions.unit_cost]") :]


def _acting_on(outcome: str) -> str:
    """VALID with its outcomes and its intervention on one outcome, unit cost kept."""
    return VALID.replace(
        'outcomes = ["emergency_admissions_cardiovascular", "deaths_under_75"]',
        f'outcomes = ["{outcome}"]',
    ).replace('acts_on = "emergency_admissions_cardiovascular"', f'acts_on = "{outcome}"')


# ---- 1. deaths and people who smoke carry no unit cost -------------------------------------
@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        ("deaths_respiratory", "deaths from lung disease"),
        ("deaths_under_75", "deaths under 75"),
        ("deaths", "deaths"),
        ("persons_smoker", "people who smoke"),
    ],
)
def test_a_unit_cost_on_deaths_or_smokers_is_refused(tmp_path, outcome, words):
    path = _write(tmp_path, text=_acting_on(outcome))
    error = _error_for(path)
    assert list(error.failures["field"]) == ["interventions[1].unit_cost"]
    problem = error.failures["problem"].iloc[0]
    assert "deaths and people who smoke carry no unit cost" in problem
    assert f"avoided {words} is counted, never priced" in problem
    message = str(error)
    assert message.startswith(f"{path}: the theme file needs fixing (1 problem):")
    assert "- interventions[1].unit_cost: must be left out" in message
    # The same file without the table loads: no unit cost is asked for either.
    plain = _write(tmp_path, "plain", _acting_on(outcome).replace(UNIT_COST_TABLE, ""))
    theme = load_theme(plain)
    assert theme.interventions[0].acts_on == outcome
    assert theme.interventions[0].unit_cost is None


def test_load_themes_refuses_a_priced_death_in_an_analysts_folder(tmp_path):
    path = _write(tmp_path, text=_acting_on("deaths_respiratory"))
    with pytest.raises(ThemeError) as caught:
        load_themes([THEME_LIBRARY, tmp_path])
    assert str(path) in str(caught.value)
    assert "interventions[1].unit_cost" in str(caught.value)
    assert "carry no unit cost" in str(caught.value)


def test_activity_outcomes_still_take_their_unit_cost(tmp_path):
    theme = load_theme(_write(tmp_path))
    assert theme.interventions[0].unit_cost.value == 1590


# ---- 2. did you mean ... ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "field", "hint"),
    [
        (
            'acts_on = "emergency_admissions_cardiovascular"',
            'acts_on = "cardiovascular_admissions"',
            "interventions[1].acts_on",
            "; did you mean 'emergency_admissions_cardiovascular'?",
        ),
        (
            '"deaths_under_75"]',
            '"falls_admissions"]',
            "outcomes[2]",
            "; did you mean 'emergency_admissions_falls'?",
        ),
        (
            'fallback_outcome = "emergency_admissions"',
            'fallback_outcome = "admissions"',
            "fallback_outcome",
            "; did you mean 'emergency_admissions' or 'elective_admissions'?",
        ),
        (
            '"deaths_under_75"]',
            '"emergency_admissions_for_falls"]',
            "outcomes[2]",
            "; did you mean 'emergency_admissions_falls'?",
        ),
        # A typo is still put right by its spelling.
        (
            '"deaths_under_75"]',
            '"deaths_under75"]',
            "outcomes[2]",
            "did you mean 'deaths_under_75'?",
        ),
        ('cohort = "hypertension"', 'cohort = "heart_failures"', "cohort", "'heart_failure'?"),
    ],
)
def test_suggestions_point_to_the_name_holding_the_words(tmp_path, old, new, field, hint):
    error = _error_for(_broken(tmp_path, old, new))
    rows = error.failures[error.failures["field"] == field]
    assert len(rows) == 1, error.failures
    assert rows["problem"].iloc[0].endswith(hint), rows["problem"].iloc[0]


def test_an_unknown_cohort_names_the_catalogue_and_some_of_its_cohorts(tmp_path):
    error = _error_for(
        _broken(tmp_path, 'cohort = "hypertension"', 'cohort = "care_home_residents"')
    )
    problem = error.failures.set_index("field").loc["cohort", "problem"]
    assert problem.startswith(
        "'care_home_residents' is not a cohort of toolkit/segment/models/cohorts.toml "
        "(nor a segment_ or ethnic_group_ cohort); the "
    )
    listed = re.findall(r"'([a-z0-9_]+)'", problem.split("include", 1)[1])
    assert listed and set(listed) <= known_cohort_ids()
    assert "'everyone'" in problem and "'hypertension'" in problem
    more = len(known_cohort_ids()) - len(listed)
    assert problem.endswith(f"and {more} more")
    assert f"the {len(known_cohort_ids())} cohorts there include" in problem


def test_an_unknown_cohort_of_a_given_catalogue_lists_it(tmp_path):
    path = _broken(tmp_path, 'cohort = "hypertension"', 'cohort = "nobody"')
    with pytest.raises(ThemeError) as caught:
        load_theme(path, known_cohorts={"care_homes", "carers"})
    assert (
        "- cohort: 'nobody' is not a cohort of the cohorts given (known_cohorts) (nor a segment_ "
        "or ethnic_group_ cohort); choose 'care_homes' or 'carers'."
    ) in str(caught.value)


# ---- 3. checked: optional, false by default ------------------------------------------------
def test_checked_left_out_is_false_and_the_format_says_so(tmp_path):
    theme = load_theme(_write(tmp_path))  # VALID gives checked only for the effect
    assert theme.interventions[0].effect.checked is True
    assert theme.interventions[0].reach.checked is False
    assert theme.time_to_impact.checked is False
    page = themes_markdown()
    rows = [line for line in page.splitlines() if "`checked`" in line and line.startswith("| `")]
    assert len(rows) == 6, rows
    default = "`checked` (optional; default `false`: not checked against its publication)"
    assert all(default in row for row in rows), rows
    committed = (ROOT / "docs" / "themes.md").read_text(encoding="utf-8")
    assert committed.count(default) == 6
    assert "absent for deaths and people who smoke (a file giving one is refused)" in committed
