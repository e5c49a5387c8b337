"""The library of priority themes: every built-in theme checks out, bad files say what to fix."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.data.contract import (
    CAUSES_OF_DEATH,
    COHORT_CUBE_MEASURES,
    COHORT_CUBE_OPTIONAL_MEASURES,
)
from toolkit.errors import DataContractError
from toolkit.prioritise import themes as library
from toolkit.prioritise.themes import (
    CORE20PLUS5_AREAS,
    COSTED_OUTCOMES,
    OUTCOME_WORDS,
    OUTCOME_WORDS_SINGULAR,
    OUTCOMES,
    PROGRAMMES,
    THEME_LIBRARY,
    Effect,
    Intervention,
    Share,
    Theme,
    ThemeError,
    UnitCost,
    impact_central,
    impact_cost_range,
    impact_range,
    known_cohort_ids,
    load_theme,
    load_themes,
    themes_frame,
    themes_markdown,
    write_themes_doc,
)

ROOT = Path(__file__).resolve().parents[2]

#: Programmes the library must cover (issue 11): one theme at least for each.
REQUIRED_PROGRAMMES = {
    "cardiovascular",
    "respiratory",
    "diabetes",
    "cancer",
    "frailty_and_falls",
    "dementia",
    "mental_health",
    "learning_disability",
    "end_of_life",
    "maternity_and_early_years",
    "children_and_young_people",
    "smoking",
    "alcohol",
}

#: A small valid theme; the malformed-file tests change one thing at a time.
VALID = """\
id = "{stem}"
name = "Find and treat high blood pressure"
programme = "cardiovascular"
summary = "Plain words."
cohort = "hypertension"
outcomes = ["emergency_admissions_cardiovascular", "deaths_under_75"]
fallback_outcome = "emergency_admissions"
causes_of_death = ["circulatory"]
core20plus5 = "adult:hypertension_case_finding"

[time_to_impact]
years_low = 1
years_high = 3
source = "Assumption: test."

[[interventions]]
name = "Treat blood pressure to target"
acts_on = "emergency_admissions_cardiovascular"
evidence = "strong"
evidence_basis = "meta-analysis of randomised trials"

[interventions.effect]
measure = "relative_risk_reduction"
central = 0.20
low = 0.17
high = 0.23
interval = "95% confidence interval"
source = "Ettehad D et al. Lancet 2016;387:957-67."
checked = true

[interventions.reach]
low = 0.5
high = 0.8
source = "Assumption: test reach."

[interventions.uptake]
low = 0.5
high = 0.7
source = "Assumption: test uptake."

[interventions.unit_cost]
value = 1590
unit = "per emergency admission"
price_year = "2016/17"
source = "NHS Reference Costs 2016/17."
"""


def _write(folder: Path, stem: str = "my_theme", text: str | None = None) -> Path:
    path = folder / f"{stem}.toml"
    path.write_text((VALID if text is None else text).format(stem=stem), encoding="utf-8")
    return path


def _broken(folder: Path, old: str, new: str, stem: str = "my_theme") -> Path:
    assert old in VALID, old
    return _write(folder, stem, VALID.replace(old, new, 1))


def _error_for(path: Path) -> ThemeError:
    with pytest.raises(ThemeError) as caught:
        load_theme(path)
    return caught.value


def _intervention(share=None, cost=1590.0) -> Intervention:
    return Intervention(
        name="Treat blood pressure to target",
        acts_on="emergency_admissions_cardiovascular",
        effect=Effect("relative_risk_reduction", 0.20, 0.17, 0.23, "95% CI", "Test source."),
        evidence="strong",
        evidence_basis="trials",
        reach=Share(0.5, 0.8, "Assumption."),
        uptake=Share(0.5, 0.7, "Assumption."),
        share_of_events=share,
        unit_cost=None if cost is None else UnitCost(cost, "per admission", "2016/17", "Test."),
    )


# ---- the built-in library -------------------------------------------------------------
@pytest.fixture(scope="module")
def themes() -> tuple[Theme, ...]:
    return load_themes()


def test_every_builtin_theme_validates_and_they_come_sorted(themes):
    assert len(themes) >= 12
    ids = [theme.id for theme in themes]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    for theme in themes:
        assert Path(theme.path).stem == theme.id
        assert Path(theme.path).parent == THEME_LIBRARY
        assert load_theme(theme.path) == theme


def test_library_covers_the_programmes_and_named_themes(themes):
    assert REQUIRED_PROGRAMMES <= {theme.programme for theme in themes}
    cohorts = {theme.cohort for theme in themes}
    # High blood pressure, atrial fibrillation, COPD, falls and children's asthma (issue 11).
    assert {"hypertension", "atrial_fibrillation", "copd", "children_asthma"} <= cohorts
    assert {"emergency_admissions_falls"} <= {theme.headline_outcome for theme in themes}
    assert {theme.core20plus5 for theme in themes if theme.core20plus5} <= set(CORE20PLUS5_AREAS)


def test_names_are_board_language_without_codes(themes):
    code = re.compile(r"\b[A-Z]{1,4}\d{2,}")
    for theme in themes:
        for name in (theme.name, *(i.name for i in theme.interventions)):
            assert "_" not in name and not code.search(name), name
            assert name[0].isupper(), name
        assert theme.summary.endswith("."), theme.id


def test_every_figure_names_its_source(themes):
    for theme in themes:
        figures = [theme.time_to_impact]
        if theme.expected_prevalence is not None:
            figures.append(theme.expected_prevalence)
        for intervention in theme.interventions:
            figures += [intervention.effect, intervention.reach, intervention.uptake]
            if intervention.share_of_events is not None:
                figures.append(intervention.share_of_events)
            if intervention.acts_on in COSTED_OUTCOMES:
                assert intervention.unit_cost is not None, (theme.id, intervention.name)
            if intervention.unit_cost is not None:
                figures.append(intervention.unit_cost)
                assert intervention.unit_cost.price_year
        for figure in figures:
            assert len(figure.source.strip()) > 10, (theme.id, figure)
            assert isinstance(figure.checked, bool)


def test_themes_use_the_contract_vocabulary(themes):
    cohorts = known_cohort_ids()
    outcomes = (set(COHORT_CUBE_MEASURES) - {"persons"}) | set(COHORT_CUBE_OPTIONAL_MEASURES)
    for theme in themes:
        assert theme.cohort in cohorts
        assert set(theme.outcomes) <= outcomes
        assert set(theme.causes_of_death) <= set(CAUSES_OF_DEATH)
        assert theme.programme in PROGRAMMES
        if theme.fallback_outcome:
            assert theme.fallback_outcome in COHORT_CUBE_MEASURES
        for intervention in theme.interventions:
            assert intervention.acts_on in theme.outcomes
            effect = intervention.effect
            assert 0 < effect.low <= effect.central <= effect.high < 1


def test_outcome_words_cover_every_outcome_in_board_language():
    assert set(OUTCOMES) == set(OUTCOME_WORDS) == set(OUTCOME_WORDS_SINGULAR)
    assert set(COHORT_CUBE_OPTIONAL_MEASURES) <= set(OUTCOMES)
    assert "persons" not in OUTCOMES
    for words in (*OUTCOME_WORDS.values(), *OUTCOME_WORDS_SINGULAR.values()):
        assert "_" not in words and words == words.strip()
    assert OUTCOME_WORDS["emergency_admissions_cardiovascular"] == (
        "emergency admissions for heart and circulatory disease"
    )
    assert OUTCOME_WORDS["deaths_under_75"] == "deaths under 75"
    assert (
        OUTCOME_WORDS_SINGULAR["emergency_admissions_falls"] == "emergency admission after a fall"
    )
    assert OUTCOME_WORDS["bed_days"] == "days in hospital"
    assert OUTCOME_WORDS["cost_gbp"] == "cost of care"


def test_known_cohort_ids_reads_the_catalogue():
    ids = known_cohort_ids()
    assert {"everyone", "hypertension", "core20", "frailty_moderate_or_severe", "smokers"} <= ids
    assert known_cohort_ids(ROOT / "toolkit" / "segment" / "models" / "cohorts.toml") == ids


def test_themes_frame_has_one_row_per_theme_and_intervention(themes):
    frame = themes_frame(themes)
    assert len(frame) == sum(len(theme.interventions) for theme in themes)
    assert {"theme", "name", "intervention", "effect_central", "effect_source", "unit_cost"} <= set(
        frame.columns
    )
    first = frame.iloc[0]
    assert first["theme"] == themes[0].id
    assert first["effect_central"] == themes[0].interventions[0].effect.central
    # Deaths have no cash value: the unit cost is missing, not zero.
    deaths = frame[frame["acts_on"].str.startswith("deaths")]
    assert deaths["unit_cost"].isna().all()


def test_committed_docs_page_is_up_to_date(themes):
    committed = (ROOT / "docs" / "themes.md").read_text(encoding="utf-8")
    assert committed == themes_markdown(themes), (
        "docs/themes.md is out of date: run "
        "toolkit.prioritise.themes.write_themes_doc('docs/themes.md')"
    )


def test_docs_page_lists_every_figure_and_its_checked_state(tmp_path, themes):
    path = write_themes_doc(tmp_path / "themes.md", themes)
    text = path.read_text(encoding="utf-8")
    for theme in themes:
        assert f"### {theme.name}" in text
        for intervention in theme.interventions:
            assert intervention.effect.source in text
            assert intervention.reach.source in text
    assert "**no: not checked**" in text
    assert "## Figures not checked against their publication" in text


# ---- malformed files ------------------------------------------------------------------
def test_a_valid_file_loads(tmp_path):
    theme = load_theme(_write(tmp_path))
    assert theme.id == "my_theme"
    assert theme.outcomes == ("emergency_admissions_cardiovascular", "deaths_under_75")
    assert theme.interventions[0].events_share.low == 1.0
    assert theme.core20plus5_label == "Hypertension case-finding (adults)"


def test_missing_source_names_file_field_and_problem(tmp_path):
    path = _broken(tmp_path, 'source = "Assumption: test reach."\n', "")
    error = _error_for(path)
    message = str(error)
    assert str(path) in message
    assert "interventions[1].reach.source" in message
    assert "is missing" in message and "source" in message
    assert isinstance(error, DataContractError)
    assert list(error.failures.columns) == ["file", "field", "problem"]
    assert error.source == str(path)


def test_empty_source_is_refused(tmp_path):
    path = _broken(tmp_path, 'source = "NHS Reference Costs 2016/17."', 'source = "  "')
    message = str(_error_for(path))
    assert "interventions[1].unit_cost.source: is empty" in message


def test_unknown_cohort_suggests_the_closest(tmp_path):
    path = _broken(tmp_path, 'cohort = "hypertension"', 'cohort = "hypertensoin"')
    message = str(_error_for(path))
    assert str(path) in message
    assert "- cohort: 'hypertensoin' is not a cohort" in message
    assert "did you mean 'hypertension'?" in message


def test_dynamic_cohorts_and_a_given_catalogue_are_accepted(tmp_path):
    path = _broken(tmp_path, 'cohort = "hypertension"', 'cohort = "segment_frailty"')
    assert load_theme(path).cohort == "segment_frailty"
    path = _broken(tmp_path, 'cohort = "hypertension"', 'cohort = "my_cohort"', stem="other")
    assert load_theme(path, known_cohorts={"my_cohort"}).cohort == "my_cohort"
    with pytest.raises(TypeError, match="'known_cohorts' parameter of load_theme"):
        load_theme(path, known_cohorts="my_cohort")


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("high = 0.23", "high = 1.4", "interventions[1].effect.high", "below 1"),
        ("low = 0.17", "low = 0", "interventions[1].effect.low", "above 0"),
        ("central = 0.20", "central = 0.30", "interventions[1].effect.central", "in order"),
        ("central = 0.20", 'central = "a fifth"', "interventions[1].effect.central", "number"),
        ("high = 0.8", "high = 1.5", "interventions[1].reach.high", "at most 1"),
        ("low = 0.5\nhigh = 0.7", "low = 0.8\nhigh = 0.7", "interventions[1].uptake.low", "exceed"),
        ("years_low = 1", "years_low = -1", "time_to_impact.years_low", "above 0"),
        ("value = 1590", "value = 0", "interventions[1].unit_cost.value", "above 0"),
        ("checked = true", 'checked = "yes"', "interventions[1].effect.checked", "true or false"),
    ],
)
def test_figures_out_of_range_are_named(tmp_path, old, new, field, problem):
    path = _broken(tmp_path, old, new)
    error = _error_for(path)
    rows = error.failures[error.failures["field"] == field]
    assert len(rows) == 1, error.failures
    assert problem in rows["problem"].iloc[0]
    assert f"- {field}: " in str(error) and str(path) in str(error)


def test_unknown_field_suggests_the_closest_name(tmp_path):
    path = _broken(tmp_path, 'evidence = "strong"', 'evidance = "strong"')
    message = str(_error_for(path))
    assert "interventions[1].evidance: is not a field of an intervention" in message
    assert "did you mean 'evidence'?" in message
    assert "interventions[1].evidence: is missing" in message


def test_unknown_top_level_field_suggests_the_closest_name(tmp_path):
    path = _broken(tmp_path, 'summary = "Plain words."', 'sumary = "Plain words."')
    message = str(_error_for(path))
    assert "- sumary: is not a field of a theme; did you mean 'summary'?" in message


def test_id_must_equal_the_file_name(tmp_path):
    path = tmp_path / "elsewhere.toml"
    path.write_text(VALID.format(stem="my_theme"), encoding="utf-8")
    message = str(_error_for(path))
    assert str(path) in message
    assert "- id: 'my_theme' must equal the file name without .toml ('elsewhere')" in message


def test_invalid_toml_names_the_line(tmp_path):
    path = _broken(tmp_path, 'summary = "Plain words."', "summary = Plain words.")
    error = _error_for(path)
    assert str(path) in str(error)
    assert "- line 4: is not valid TOML" in str(error)
    assert "double quotes" in str(error)
    path = _write(tmp_path, "unclosed", 'id = "unclosed"\noutcomes = ["deaths",\n')
    assert "- line 2: is not valid TOML" in str(_error_for(path))


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    """Windows editors start UTF-8 files with a byte-order mark; it is not content."""
    path = tmp_path / "my_theme.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.format(stem="my_theme").encode("utf-8"))
    theme = load_theme(path)
    assert theme.id == "my_theme" and theme.name == "Find and treat high blood pressure"
    assert load_theme(_write(tmp_path, "plain")).interventions == theme.interventions


def test_causes_of_death_may_be_empty_but_not_left_out(tmp_path):
    """The format allows a theme that tackles no cause of death (two library themes are),
    but the field must be written, and the reader says so."""
    theme = load_theme(
        _broken(tmp_path, 'causes_of_death = ["circulatory"]', "causes_of_death = []")
    )
    assert theme.causes_of_death == ()
    message = str(_error_for(_broken(tmp_path, 'causes_of_death = ["circulatory"]\n', "")))
    assert (
        "- causes_of_death: is missing (it is required): list the causes of death the theme "
        "tackles, or write causes_of_death = [] when it tackles none"
    ) in message
    assert {t.id for t in load_themes() if not t.causes_of_death} == {
        "end_of_life_care",
        "smoke_free_pregnancy",
    }


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            '"deaths_under_75"]',
            '"deaths_under75"]',
            "outcomes[2]",
            "did you mean 'deaths_under_75'",
        ),
        ('["circulatory"]', '["heart"]', "causes_of_death[1]", "not a cause of death"),
        ('"cardiovascular"', '"cardiology"', "programme", "not a programme"),
        ('"adult:hypertension_case_finding"', '"hypertension"', "core20plus5", "Core20PLUS5"),
        ('evidence = "strong"', 'evidence = "good"', "interventions[1].evidence", "strong"),
        (
            'acts_on = "emergency_admissions_cardiovascular"',
            'acts_on = "bed_days"',
            "interventions[1].acts_on",
            "not one of the theme's outcomes",
        ),
        (
            'name = "Find and treat high blood pressure"',
            'name = "find_and_treat_hypertension"',
            "name",
            "without underscores or codes",
        ),
        (
            'name = "Find and treat high blood pressure"',
            'name = "Treat I10 to NICE NG136"',
            "name",
            "without underscores or codes",
        ),
        (
            'fallback_outcome = "emergency_admissions"',
            'fallback_outcome = "persons_smoker"',
            "fallback_outcome",
            "every cohort cube has",
        ),
    ],
)
def test_unknown_vocabulary_is_named(tmp_path, old, new, field, problem):
    path = _broken(tmp_path, old, new)
    error = _error_for(path)
    rows = error.failures[error.failures["field"] == field]
    assert len(rows) == 1, error.failures
    assert problem in rows["problem"].iloc[0]


def test_activity_outcomes_need_a_unit_cost(tmp_path):
    start = VALID.index("[interventions.unit_cost]")
    path = _write(tmp_path, text=VALID[:start])
    message = str(_error_for(path))
    assert "interventions[1].unit_cost: is missing" in message
    assert "National Cost Collection" in message


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = (
        VALID.replace('cohort = "hypertension"', 'cohort = "nobody"')
        .replace("high = 0.23", "high = 2")
        .replace('source = "Assumption: test uptake."\n', "")
        .replace('programme = "cardiovascular"', 'programme = "hearts"')
    )
    error = _error_for(_write(tmp_path, text=text))
    assert len(error.failures) == 4
    assert str(error).startswith(f"{tmp_path / 'my_theme.toml'}: the theme file needs fixing (4")


def test_duplicate_ids_across_folders_are_refused(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    _write(first)
    _write(second)
    with pytest.raises(ThemeError, match="already the id of") as caught:
        load_themes([first, second])
    assert str(second / "my_theme.toml") in str(caught.value)


def test_analysts_extend_the_library_with_their_own_folder(tmp_path):
    _write(tmp_path, "local_priority")
    combined = load_themes([THEME_LIBRARY, tmp_path])
    assert "local_priority" in {theme.id for theme in combined}
    assert len(combined) == len(load_themes()) + 1


def test_problems_in_several_files_come_in_one_error(tmp_path):
    _broken(tmp_path, 'cohort = "hypertension"', 'cohort = "nobody"', stem="one")
    _broken(tmp_path, "high = 0.23", "high = 3", stem="two")
    with pytest.raises(ThemeError) as caught:
        load_themes(tmp_path)
    message = str(caught.value)
    assert message.startswith("Theme files need fixing (2 problems in 2 files)")
    assert str(tmp_path / "one.toml") in message and str(tmp_path / "two.toml") in message


def test_missing_files_and_folders_are_not_theme_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_theme(tmp_path / "nothing.toml")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        load_themes(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="holds no theme files"):
        load_themes(tmp_path)
    with pytest.raises(TypeError, match="'folder' parameter of load_themes"):
        load_themes(3)


# ---- the dataclasses --------------------------------------------------------------------
def test_dataclasses_refuse_values_out_of_range():
    with pytest.raises(ValueError, match="'low'"):
        Share(0, 0.5, "Assumption.")
    with pytest.raises(ValueError, match="'measure' parameter of Effect"):
        Effect("odds_ratio", 0.2, 0.1, 0.3, "95% CI", "Source.")
    with pytest.raises(ValueError, match="in order"):
        Effect("relative_risk_reduction", 0.4, 0.1, 0.3, "95% CI", "Source.")
    with pytest.raises(ValueError, match=r"'value' parameter of UnitCost .* range \(0, inf\)"):
        UnitCost(-1, "per admission", "2016/17", "Source.")
    with pytest.raises(ValueError, match="'evidence' parameter of Intervention"):
        Intervention(**{**_intervention().__dict__, "evidence": "great"})


# ---- impact estimates -----------------------------------------------------------------
def test_impact_range_on_hand_worked_numbers():
    # 1,000 events: low = 1000 * 0.5 * 0.5 * 0.17 = 42.5; high = 1000 * 0.8 * 0.7 * 0.23 =
    # 128.8; central = 1000 * 0.65 * 0.6 * 0.20 = 78.
    intervention = _intervention()
    low, high = impact_range(1000, intervention)
    assert_allclose([low, high], [42.5, 128.8], rtol=1e-12)
    assert isinstance(low, float)
    assert impact_central(1000, intervention) == pytest.approx(78.0, rel=1e-12)
    # A share of events in scope of 0.5 to 0.7 scales each end: 21.25 and 90.16.
    scoped = _intervention(share=Share(0.5, 0.7, "Assumption."))
    assert_allclose(impact_range(1000, scoped), [21.25, 90.16], rtol=1e-12)
    assert impact_central(1000, scoped) == pytest.approx(78.0 * 0.6, rel=1e-12)
    # Cost: 42.5 * 1590 = 67,575 and 128.8 * 1590 = 204,792.
    assert_allclose(impact_cost_range(1000, intervention), [67_575.0, 204_792.0], rtol=1e-12)


def test_impact_range_is_vectorised():
    events = np.array([0.0, 1000.0, 2000.0])
    low, high = impact_range(events, _intervention())
    assert_allclose(low, [0.0, 42.5, 85.0], rtol=1e-12)
    assert_allclose(high, [0.0, 128.8, 257.6], rtol=1e-12)
    central = impact_central(pd.Series(events), _intervention())
    assert_allclose(central, [0.0, 78.0, 156.0], rtol=1e-12)
    assert np.all((low <= central) & (central <= high))


def test_impact_estimates_check_their_inputs():
    with pytest.raises(ValueError, match="'events_a_year' parameter of impact_range"):
        impact_range(-1, _intervention())
    with pytest.raises(ValueError, match="non-negative and finite"):
        impact_central([1.0, float("nan")], _intervention())
    with pytest.raises(TypeError, match="'events_a_year' parameter of impact_range"):
        impact_range("many", _intervention())
    with pytest.raises(TypeError, match="'intervention' parameter of impact_range"):
        impact_range(10, "treat")
    with pytest.raises(ValueError, match="has no unit cost"):
        impact_cost_range(10, _intervention(cost=None))


def test_built_in_estimates_lie_within_their_range(themes):
    for theme in themes:
        for intervention in theme.interventions:
            low, high = impact_range(1000, intervention)
            central = impact_central(1000, intervention)
            assert 0 < low <= central <= high < 1000, (theme.id, intervention.name)


def test_module_documents_the_schema():
    for field in ("share_of_events", "fallback_outcome", "expected_prevalence", "price_year"):
        assert field in library.__doc__
