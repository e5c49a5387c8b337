"""Theme wording and the criteria template (issues 11 and 17).

Money rolls over to the next unit ("£1000k" was shown for £999,600); a system with no one in
England's most or least deprived fifth says so instead of "too few to compare"; Core20 is
named as England's most deprived fifth of neighbourhoods; the criteria template shows each
theme's facts beside the scores; and CriteriaScoresError is exported.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import tomllib

import pandas as pd
import pytest

import toolkit.prioritise
from toolkit.data import make_demo_system
from toolkit.prioritise import (
    THEME_ANALYST_CRITERIA,
    read_criteria_scores,
    theme_candidates,
    write_criteria_template,
)
from toolkit.prioritise._theme_row import format_money, inequality_words
from toolkit.segment import build_cohort_cube

ENGLAND_CORE20 = "England's most deprived fifth of neighbourhoods (Core20)"
TOO_FEW = "too few in the most or the least deprived fifth"


# --- format_money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "£0"),
        (0.4, "£0"),
        (950, "£950"),
        (999.4, "£999"),
        (999.5, "£1.0k"),  # rounds to £1,000: shown in thousands, not "£1,000"
        (1_000, "£1.0k"),
        (9_490, "£9.5k"),
        (9_950, "£10k"),  # halves round up: the float 9.95 is 9.9499..., which showed "£9.9k"
        (2.5, "£3"),
        (1_250, "£1.3k"),
        (9_960, "£10k"),  # not "£10.0k" beside "£10k" for £10,000
        (10_000, "£10k"),
        (420_400, "£420k"),
        (999_499, "£999k"),
        (999_600, "£1.0m"),  # was "£1000k"
        (1_000_000, "£1.0m"),
        (9_999_999, "£10.0m"),
        (13_712_000, "£13.7m"),
        (999_949_999, "£999.9m"),
        (999_960_000, "£1.0bn"),  # was "£1000.0m"
        (2_500_000_000, "£2.5bn"),
    ],
)
def test_money_rolls_over_to_the_next_unit(value, expected):
    assert format_money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-950, "\u2212£950"), (-999_600, "\u2212£1.0m"), (-1_240_000, "\u2212£1.2m"), (-0.4, "£0")],
)
def test_a_negative_sum_has_its_sign_before_the_pound_sign(value, expected):
    # It was "£-1.2m"; the report's tables write "−£1.2m".
    assert format_money(value) == expected


def test_money_that_is_not_known_says_so():
    assert format_money(math.nan) == "not known"
    assert format_money(math.inf) == "not known"


# --- no one in a fifth ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return make_demo_system(persons=20_000, seed=11).persons


def test_no_one_in_either_fifth_is_said_not_called_too_few(persons):
    middle = persons[persons["imd_decile"].between(3, 8)]
    table = theme_candidates(build_cohort_cube(middle), min_events=0).table
    said = "no one in this system lives in England's most or least deprived fifth"
    for facts, note in zip(table["facts"], table["note"], strict=True):
        assert said in facts and TOO_FEW not in facts, facts
        assert note.startswith("No one in this system lives in England's most or least"), note
        # No theme could be compared: every gap counts 0, and the note says so.
        assert "the gap counts as 0 in the scores, as no theme could be compared" in note
        assert "the gap counts in the scores as the middle of the other themes" not in note
    assert table["deprivation_ratio"].isna().all()
    assert (table["deprivation_gap"] == 0).all()


def test_no_one_in_the_least_deprived_fifth_names_that_fifth_only(persons):
    no_least = persons[persons["imd_decile"] <= 8]
    table = theme_candidates(build_cohort_cube(no_least), min_events=0).table
    said = "no one in this system lives in England's least deprived fifth of neighbourhoods"
    assert all(said in facts for facts in table["facts"])
    assert not any("most or least" in facts for facts in table["facts"])


def test_a_place_with_no_one_in_a_fifth_is_named(persons):
    table = theme_candidates(build_cohort_cube(persons), within="place", min_events=0).table
    rows = table[table["facts"].str.contains("no one in ", regex=False)]
    assert len(rows)
    for place, facts in zip(rows["place"], rows["facts"], strict=True):
        assert f"no one in {place} lives in England's" in facts, facts


def test_too_few_is_still_said_when_people_live_in_both_fifths():
    assert inequality_words(math.nan) == f" ({TOO_FEW} to compare the two)"
    assert inequality_words(math.nan, unpopulated=frozenset({1})) == (
        " (no one in this system lives in England's most deprived fifth of neighbourhoods, so "
        "the two fifths cannot be compared)"
    )
    assert inequality_words(2.0, unpopulated=frozenset({1})).startswith(", 2.0 times")


# --- Core20 in words --------------------------------------------------------------------------


def test_core20_candidates_name_englands_most_deprived_fifth(persons):
    table = theme_candidates(build_cohort_cube(persons), within="core20").table
    for cohort, facts in zip(table["cohort_label"], table["facts"], strict=True):
        assert cohort.endswith(f" in {ENGLAND_CORE20}"), cohort
        assert facts.startswith(f"{cohort}: "), facts


def test_the_command_line_says_core20_is_englands_most_deprived_fifth(persons, tmp_path, capsys):
    from toolkit.cli import main

    with pytest.raises(SystemExit):
        main(["candidates", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # as wrapped for the terminal
    assert "in England's most deprived fifth of neighbourhoods (core20: Core20" in shown
    assert "IMD deciles 1 and 2 nationally" in shown
    path = tmp_path / "persons.parquet"
    persons.head(6_000).to_parquet(path)
    template = tmp_path / "core20.csv"
    assert main(["candidates", str(path), "--template", str(template), "--within", "core20",
                 "--quiet"]) == 0  # fmt: skip
    first = capsys.readouterr().out.splitlines()[0]
    assert f"priorities measured in {ENGLAND_CORE20} to {template}" in first


# --- the criteria template shows the facts ----------------------------------------------------


@pytest.fixture(scope="module")
def candidates(persons):
    return theme_candidates(build_cohort_cube(persons))


def test_the_csv_template_shows_each_themes_facts_beside_the_scores(candidates, tmp_path):
    path = write_criteria_template(
        candidates.table, tmp_path / "criteria.csv", criteria=THEME_ANALYST_CRITERIA
    )
    # A byte-order mark, so that a spreadsheet reads the pound signs of the facts as UTF-8.
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text = path.read_text(encoding="utf-8-sig")
    assert "# Each label ends with what the data say about the candidate" in text
    rows = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    # The columns are the template's own: the facts are read in the label.
    assert list(rows.columns) == ["candidate", "label", "community_voice", "feasibility", "notes"]
    expected = candidates.table.set_index("candidate")
    for candidate, label in zip(rows["candidate"], rows["label"], strict=True):
        row = expected.loc[candidate]
        assert label == f"{row['label']}. {row['facts']}"
    rows["community_voice"], rows["feasibility"] = "2", "4"
    rows.to_csv(path, index=False)
    scores = read_criteria_scores(path, candidates, criteria=THEME_ANALYST_CRITERIA)
    assert (scores["community_voice"] == 2).all() and (scores["feasibility"] == 4).all()


def test_a_facts_column_added_to_the_template_is_ignored_on_reading(candidates, tmp_path):
    path = tmp_path / "criteria.csv"
    table = candidates.table
    pd.DataFrame(
        {
            "candidate": table["candidate"],
            "label": table["label"],
            "facts": table["facts"],
            "community_voice": 1,
            "feasibility": 3,
            "notes": "",
        }
    ).to_csv(path, index=False)
    scores = read_criteria_scores(path, candidates, criteria=THEME_ANALYST_CRITERIA)
    assert list(scores.columns) == ["candidate", "community_voice", "feasibility", "notes"]
    assert (scores["feasibility"] == 3).all()


def test_the_toml_template_has_a_facts_key_that_is_not_read_back(candidates, tmp_path):
    path = write_criteria_template(
        candidates.table, tmp_path / "criteria.toml", criteria=THEME_ANALYST_CRITERIA
    )
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    expected = candidates.table.set_index("candidate")
    for entry in document["candidate"]:
        assert entry["facts"] == expected.loc[entry["id"], "facts"]
        assert entry["label"] == expected.loc[entry["id"], "label"]
    assert "£" in path.read_text(encoding="utf-8")  # written as read, not as \u00a3
    text = path.read_text(encoding="utf-8")
    text = text.replace('community_voice = ""', "community_voice = 3")
    path.write_text(text.replace('feasibility = ""', "feasibility = 5"), encoding="utf-8")
    scores = read_criteria_scores(path, candidates, criteria=THEME_ANALYST_CRITERIA)
    assert (scores["community_voice"] == 3).all() and (scores["feasibility"] == 5).all()


def test_a_template_of_candidates_without_facts_is_as_before(tmp_path):
    plain = pd.DataFrame({"candidate": ["a", "b"], "label": ["Alpha", "Bravo"]})
    path = write_criteria_template(plain, tmp_path / "scores.csv")
    text = path.read_text(encoding="utf-8")
    assert "Each label ends with" not in text
    assert "a,Alpha,,,,," in text


# --- the errors raised to users are exported ----------------------------------------------


def test_every_error_class_of_prioritise_is_exported():
    from toolkit.prioritise import CriteriaScoresError, ThemeError
    from toolkit.prioritise.templates import CriteriaScoresError as defined

    assert CriteriaScoresError is defined
    assert {"CriteriaScoresError", "ThemeError"} <= set(toolkit.prioritise.__all__)
    assert issubclass(CriteriaScoresError, ValueError) and issubclass(ThemeError, ValueError)
    errors = set()
    for module in pkgutil.iter_modules(toolkit.prioritise.__path__, "toolkit.prioritise."):
        loaded = importlib.import_module(module.name)
        for name, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.name:
                errors.add(name)
    assert errors and errors <= set(toolkit.prioritise.__all__), errors
