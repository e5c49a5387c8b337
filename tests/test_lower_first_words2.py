"""lower_first keeps names and abbreviations, and lowers an ordinary word (issue 17).

"Over-75s" kept its capital mid-sentence because it holds a digit, and "England" lost its
capital; a name with a digit after a letter ("Core20") and acronyms ("NHS", "COPD") keep
theirs.
"""

from __future__ import annotations

import pytest

from toolkit._words import PROPER_NOUNS, lower_first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Over-75s living alone", "over-75s living alone"),
        ("Under-5s with asthma", "under-5s with asthma"),
        ("Type-2 diabetes", "type-2 diabetes"),
        ("Everyone registered", "everyone registered"),
        ("Englander", "englander"),  # not a name the list holds
    ],
)
def test_an_ordinary_first_word_is_lowered_even_with_a_digit_after_a_hyphen(text, expected):
    assert lower_first(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "England's most deprived fifth",
        "England",
        "England, Wales and Scotland",
        "England\u2019s least deprived fifth",
        "British Heart Foundation nurses",
        "NHS Health Check",
        "COPD admissions",
        "Core20 neighbourhoods",
        "Core20PLUS5 areas",
        "ESP2013 weights",
        "A&E attendances",
    ],
)
def test_a_proper_noun_name_or_acronym_keeps_its_capital(text):
    assert lower_first(text) == text


def test_the_proper_nouns_are_capitalised_names():
    assert "England" in PROPER_NOUNS
    assert all(name[:1].isupper() and name[1:] == name[1:].lower() for name in PROPER_NOUNS)


@pytest.mark.parametrize(
    "phrase",
    [
        "Black African people",
        "Asian people",
        "Gypsy, Roma and Traveller communities",
        "Parkinson's disease",
        "North East residents",
        "English-speaking carers",
        "White British men",
    ],
)
def test_ethnic_groups_regions_and_eponyms_keep_their_capital(phrase):
    assert lower_first(phrase) == phrase


def test_ordinary_first_words_are_still_lowered():
    assert lower_first("Children's asthma") == "children's asthma"
    assert lower_first("Over-75s living alone") == "over-75s living alone"
