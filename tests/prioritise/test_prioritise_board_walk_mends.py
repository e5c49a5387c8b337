"""Mends from a walk-through of the shortlist for the board (walk 6).

The same theme in other places is said as such; an estimate of another outcome than the
headline gives that outcome's count; costs have the precision of their events; the note of
a percentage the sentence does not show no longer names it; criteria template columns that
are renamed or added say how to fix them; ``--themes`` says what is wrong with a folder in
the command line's words; a relative index of inequality whose fitted line is at or below
0 at one end is not given.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.data import make_demo_system
from toolkit.indicators import slope_index_of_inequality
from toolkit.indicators.inequality import RII_NOT_MEANINGFUL, rii_is_meaningful
from toolkit.prioritise import (
    ANALYST_CRITERIA,
    THEME_ANALYST_CRITERIA,
    THEME_LIBRARY,
    CriteriaScoresError,
    load_themes,
    read_criteria_scores,
    score_priorities,
    shortlist,
    theme_candidates,
    write_criteria_template,
)
from toolkit.prioritise._candidate_table import _inequality_notes
from toolkit.prioritise._cube_steps import RII_NOTE_COLUMN, inequality_by_decile
from toolkit.prioritise._theme_figures import format_money_figures, format_money_range
from toolkit.prioritise._theme_row import (
    ThemePlan,
    _rii_note,
    facts,
    recorded_note,
    shortlist_estimate,
    theme_plan,
)
from toolkit.prioritise.themes import OUTCOME_WORDS
from toolkit.segment import build_cohort_cube

WORDS = dict(OUTCOME_WORDS)


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return make_demo_system(persons=6_000, seed=11).persons


@pytest.fixture(scope="module")
def measured(persons):
    return theme_candidates(build_cohort_cube(persons, model=None), min_events=1)


def _theme(theme_id: str):
    return next(theme for theme in load_themes() if theme.id == theme_id)


# ---- 1. the same theme in other places -------------------------------------------------
def test_a_theme_skipped_in_other_places_is_said_to_be_the_same_theme(
    burden_table, burden_criteria
):
    """The candidates skipped for a theme are that theme in other places, named by place."""
    table = burden_table.assign(
        theme=["t_a", "t_bc", "t_bc", "t_d", "t_e", "t_f"],
        place=["North", "North", "South", "North", "North", "North"],
    )
    scored = score_priorities(table, criteria=burden_criteria)
    short = shortlist(scored, size=3, cohort=("theme",))
    lead = short.set_index("candidate").loc["b", "reason"]
    assert "The same theme in other places: South (2nd overall)." in lead, lead
    assert "Related outcomes of this cohort" not in " ".join(short["reason"])
    # The related column still holds the labels.
    assert short.set_index("candidate").loc["b", "related"] == "Charlie"


def test_segment_candidates_keep_their_related_outcomes(burden_table, burden_criteria):
    table = burden_table.assign(segment=["s1", "s2", "s2", "s3", "s4", "s5"])
    scored = score_priorities(table, criteria=burden_criteria)
    short = shortlist(scored, size=3, cohort=("segment",))
    assert "Related outcomes of this cohort: Charlie (2nd overall)." in short["reason"].iloc[0]


def test_prioritise_persons_says_how_to_get_one_places_list():
    from toolkit.prioritise import prioritise_persons

    doc = " ".join(prioritise_persons.__doc__.split())
    assert "one priority per theme" in doc
    # Every place's own list comes from one call (tests/prioritise/test_prioritise_each_place.py).
    assert "For every place's own shortlist" in doc
    assert "Prioritisation.for_each_place" in doc


# ---- 3. the count of the outcome the estimate acts on ------------------------------------
#: A candidate's figures for :func:`facts`, as the walk-through saw them (SMI).
SMI = {
    "cohort_words": "People with serious mental illness",
    "persons": 2_845,
    "events_a_year": 42,
    "cost_a_year": 6.6e6,
    "ratio": math.nan,
    "low": 0.3,
    "high": 2.0,
    "unit_cost": 1_590.0,
    "words": WORDS,
    "threshold": 10,
}


def _sentence(theme_id: str, **figures) -> str:
    """The facts sentence of a library theme with the walk-through's figures, some replaced."""
    theme = _theme(theme_id)
    intervention = theme.interventions[0]
    plan = ThemePlan(theme, theme.outcomes[0], intervention.acts_on, intervention, "")
    return facts(plan, **{**SMI, **figures})


def _smi_facts(impact: float, **figures) -> str:
    return _sentence(
        "serious_mental_illness_physical_health", impact_events_a_year=impact, **figures
    )


def test_an_estimate_of_another_outcome_gives_that_outcomes_count():
    text = _smi_facts(70.0)
    assert "42 deaths under 75 a year" in text
    assert (
        "could avoid up to about 2 of their 70 emergency admissions for heart and circulatory "
        "disease a year (up to about £3.2k; an estimate)."
    ) in text, text


def test_the_count_acted_on_is_hidden_below_the_disclosure_threshold():
    text = _smi_facts(7.0, low=0.01, high=0.4)
    assert (
        "acts on their fewer than 10 emergency admissions for heart and circulatory disease a "
        "year: too few to estimate what it could avoid without risking identifying people."
    ) in text, text
    assert " 7 " not in text and "£" not in text.split("acts on their")[1]


def test_candidates_give_the_events_acted_on(measured):
    table = measured.table.set_index("theme")
    smi = table.loc["serious_mental_illness_physical_health"]
    assert smi["impact_outcome"] != smi["outcome"]
    assert smi["impact_events_a_year"] >= smi["avoidable_high"]
    # Fewer than 10 here: the count is hidden, and so is the estimate taken from it.
    assert 0 < smi["impact_events_a_year"] < 10
    assert " acts on their fewer than 10 emergency admissions " in smi["facts"]
    same = table[table["impact_outcome"] == table["outcome"]]
    assert len(same) and not same["facts"].str.contains(" of their ").any()
    assert (same["impact_events_a_year"] == same["events_a_year"]).all()


# ---- 5 and 6. costs have the precision of their events -----------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (418_170, "£420k"),
        (357_750, "£360k"),
        (29_256, "£29k"),
        (2_706, "£2.7k"),
        (31.8, "£32"),
        (995, "£1.0k"),
        (999_600, "£1.0m"),
        (14_200_000, "£14m"),
        (0.0, "£0"),
        (math.nan, "not known"),
    ],
)
def test_money_at_two_significant_figures(value, expected):
    assert format_money_figures(value) == expected


@pytest.mark.parametrize(
    ("low", "high", "unit", "expected"),
    [
        (18.4, 263.0, 1_590.0, "£29k to £410k"),  # "about 18 to 260": 260 × £1,590
        (56.0, 225.0, 1_590.0, "£89k to £370k"),  # "about 56 to 230" (halves round up)
        (0.02, 1.7, 1_590.0, "up to about £3.2k"),  # "up to about 2": no low end
        (0.1, 0.6, 100.0, "less than £100"),  # "fewer than one"
        (11.6, 12.4, 1_590.0, "about £19k"),  # "about 12": 12 × £1,590
        (0.0, 0.0, 100.0, "£0"),
        (1.0, 2.0, math.nan, ""),  # no cash value
        (math.nan, math.nan, 100.0, ""),
    ],
)
def test_the_cost_is_worded_as_its_events(low, high, unit, expected):
    assert format_money_range(low, high, unit) == expected


def test_the_shortlist_and_the_sentence_word_the_cost_alike():
    assert shortlist_estimate(0.02, 1.7, 1_590.0, "emergency_admissions_acsc", WORDS) == (
        "up to about 2 emergency admissions for conditions usually managed outside hospital "
        "a year (up to about £3.2k)"
    )
    text = _sentence("heart_failure_rehabilitation", events_a_year=1_923, low=18.4, high=263.0)
    assert "could avoid about 18 to 260 emergency admissions a year (£29k to £410k;" in text


# ---- 7. the note of a percentage the sentence does not show -------------------------------
@pytest.mark.parametrize(
    ("persons", "recorded"),
    [(2_665, 2_617), (5_000, 4_996), (8, 6), (40, 0), (2_000, 5)],
)
def test_the_recorded_status_note_names_no_percentage(persons, recorded):
    """The sentence gives the count who smoke and how its rate compares, not a percentage."""
    theme = _theme("smoke_free_pregnancy")
    plan = theme_plan(theme, {"persons", "persons_smoker", "persons_smoker_recorded"}, WORDS)
    note = recorded_note(
        plan, persons=persons, recorded=recorded, cohort_words="Pregnant women", threshold=10
    )
    assert note and "percentage" not in note, note
    assert "rate of smoking" in note or "rates of smoking" in note
    whole = theme_plan(theme, {"persons", "persons_smoker"}, WORDS)
    assert "percentage" not in whole.note and "rates of smoking" in whole.note


# ---- 8 and 9. criteria template columns renamed or added ----------------------------------
@pytest.fixture
def filled(measured, tmp_path) -> Path:
    path = tmp_path / "criteria.csv"
    write_criteria_template(measured.table, path, criteria=THEME_ANALYST_CRITERIA)
    table = pd.read_csv(path, comment="#")
    table["community_voice"], table["feasibility"] = 1, 2
    table["notes"] = "raised at the March meeting"
    table.to_csv(path, index=False)
    return path


def _message(path: Path, measured, **options) -> str:
    with pytest.raises(CriteriaScoresError) as caught:
        read_criteria_scores(path, measured, **options)
    return str(caught.value)


def test_a_renamed_column_suggests_its_name_back(filled, measured):
    table = pd.read_csv(filled).rename(columns={"community_voice": "Community voice"})
    table.to_csv(filled, index=False)
    message = _message(filled, measured)
    assert "column 'community_voice': column is missing" in message
    assert (
        "column 'Community voice': unexpected column (not a declared criterion); did you mean "
        "'community_voice'? Rename it back to 'community_voice'"
    ) in message, message
    assert "argument" not in message  # nothing only Python has


def test_an_added_column_says_how_to_fix_it_and_notes_are_kept(filled, measured):
    scores = read_criteria_scores(filled, measured)
    assert (scores["notes"] == "raised at the March meeting").all()  # notes really are kept
    pd.read_csv(filled).assign(owner="Sam").to_csv(filled, index=False)
    message = _message(filled, measured)
    assert (
        "column 'owner': unexpected column (not a declared criterion): delete the column, or "
        "put its text in the 'notes' column, which is kept with the scores"
    ) in message, message
    assert "argument" not in message


def test_the_other_kind_of_template_is_said_both_ways(filled, measured):
    """A segment template read as one of themes: Python's way and the command line's."""
    message = _message(filled, measured, criteria=ANALYST_CRITERIA)
    assert "pass criteria=THEME_ANALYST_CRITERIA" in message
    pd.read_csv(filled).assign(evidence=1, core20plus5=1).to_csv(filled, index=False)
    message = _message(filled, measured)
    assert "in Python, pass criteria=ANALYST_CRITERIA" in message
    assert "at the command line" in message and "pophealth candidates" in message


# ---- 10, 11 and 12. --themes ------------------------------------------------------------
@pytest.fixture
def own_themes(tmp_path) -> Path:
    folder = tmp_path / "my_themes"
    folder.mkdir()
    text = (THEME_LIBRARY / "falls_and_frailty.toml").read_text(encoding="utf-8")
    (folder / "my_falls.toml").write_text(
        text.replace('id = "falls_and_frailty"', 'id = "my_falls"'), encoding="utf-8"
    )
    return folder


def test_a_folder_named_twice_is_read_once(own_themes, monkeypatch):
    once = load_themes([THEME_LIBRARY, own_themes])
    monkeypatch.chdir(own_themes.parent)
    twice = load_themes([THEME_LIBRARY, own_themes, Path("my_themes"), f"{own_themes}/"])
    assert [theme.id for theme in twice] == [theme.id for theme in once]
    assert "my_falls" in {theme.id for theme in twice}


def _candidates_message(tmp_path: Path, capsys, *themes: str) -> tuple[int, str]:
    persons = tmp_path / "persons.parquet"
    persons.write_bytes(b"")  # the options are checked before the file is read
    options = [item for folder in themes for item in ("--themes", folder)]
    code = main(["candidates", str(persons), "--template", str(tmp_path / "o.csv"), *options])
    return code, capsys.readouterr().err


def test_themes_given_a_file_says_to_give_its_folder(own_themes, tmp_path, capsys):
    file = own_themes / "my_falls.toml"
    code, said = _candidates_message(tmp_path, capsys, str(file))
    assert code == 2
    assert (
        f"--themes {file}: is a file, not a folder: --themes takes the folder that holds it "
        f"({own_themes})."
    ) in said, said


def test_themes_given_an_empty_folder_says_so_in_the_command_lines_words(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, said = _candidates_message(tmp_path, capsys, str(empty))
    assert code == 2
    assert f"--themes {empty}: the folder holds no theme files (*.toml)." in said, said
    assert "load_themes" not in said
    code, said = _candidates_message(tmp_path, capsys, str(tmp_path / "nowhere"))
    assert "no such folder" in said and "load_themes" not in said


def test_the_command_reads_a_folder_named_twice_once(persons, own_themes, tmp_path, capsys):
    source = tmp_path / "persons.parquet"
    persons.to_parquet(source)
    template = tmp_path / "o.csv"
    folder = str(own_themes)
    code = main(
        ["candidates", str(source), "--template", str(template), "--quiet"]
        + ["--themes", folder, "--themes", folder + "/"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"themes = [{folder!r}]" in out, out
    assert "my_falls" in template.read_text(encoding="utf-8")


# ---- 13. a relative index of inequality with no meaning ---------------------------------
def test_rii_is_meaningful_only_between_two_positive_ends():
    assert rii_is_meaningful([50.0, 50.0, -5.0, np.nan], [-30.0, -60.0, 20.0, 1.0]).tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert rii_is_meaningful(50.0, -80.0, multiplier=2.0).tolist() is True  # 50 - 40
    assert rii_is_meaningful(50.0, -120.0, multiplier=2.0).tolist() is False  # 50 - 60


def _decile_rates(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": "t",
            "imd_decile": range(1, 11),
            "value": values,
            "population": 1_000.0,
            "lower_95": [v - 1 for v in values],
            "upper_95": [v + 1 for v in values],
        }
    )


def test_a_line_crossing_zero_gives_no_rii_and_says_why():
    """Rates falling steeply with deprivation: the fitted line is below 0 at the far end."""
    steep = inequality_by_decile(
        _decile_rates([100, 60, 30, 12, 5, 2, 1, 0.5, 0.2, 0.1]), ["theme"],
        slope_index_of_inequality,
    ).iloc[0]  # fmt: skip
    assert math.isnan(steep["rii"]) and steep["sii"] < 0
    assert bool(steep[RII_NOTE_COLUMN])
    assert _rii_note(steep) == RII_NOT_MEANINGFUL[0].upper() + RII_NOT_MEANINGFUL[1:] + "."
    gentle = inequality_by_decile(
        _decile_rates([20, 19, 18, 17, 16, 15, 14, 13, 12, 11]), ["theme"],
        slope_index_of_inequality,
    ).iloc[0]  # fmt: skip
    assert 0 < gentle["rii"] < 1 and not bool(gentle[RII_NOTE_COLUMN])
    assert _rii_note(gentle) == ""


def test_segment_candidates_note_a_missing_rii():
    result = pd.DataFrame(
        {"_left_out": [None, "9, 10", None], RII_NOTE_COLUMN: [True, True, np.nan]}
    )
    notes = _inequality_notes(result).tolist()
    assert notes[0] == RII_NOT_MEANINGFUL
    assert notes[1].startswith("deciles 9, 10 left out") and notes[1].endswith(RII_NOT_MEANINGFUL)
    assert notes[2] == ""


def test_no_candidate_has_a_negative_rii(measured):
    assert not (measured.table["rii"] <= 0).any()
    blank = measured.table["rii"].isna() & measured.table["sii"].notna()
    assert measured.table.loc[blank, "note"].str.contains("ratio of its two ends").all()


def test_the_theme_library_folder_is_not_a_problem():
    from toolkit.prioritise.themes import theme_folder_problem

    assert theme_folder_problem(THEME_LIBRARY) == ""
