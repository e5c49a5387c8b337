"""Board reports that refuse to mislead (issue 14): a system in fewer than 5 deciles has no
SII and the report says why; a place with no registered people is named on page 1 and on
the command line; the Core20 share is England's most deprived fifth, not the system's."""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.indicators import deprivation_profile
from toolkit.report import compute_board_figures, load_inputs
from toolkit.report import sections as report
from toolkit.report.config import DEFAULT_ADMISSION_COST_GBP

from ._eastbrook import eastbrook_config

SEED = 20261122
#: The deciles of the walk-through's five real LSOAs.
FEW = [4, 5, 8, 10]
NO_SII = (
    "The slope and relative index of inequality cannot be worked out: the system's "
    "neighbourhoods fall in only 4 of England's 10 deprivation deciles (5 or more are needed)."
)


@pytest.fixture(scope="module")
def few(evidence):
    cube = evidence.cube[evidence.cube["imd_decile"].isin(FEW)]
    profile = deprivation_profile(
        cube,
        events="emergency_admissions",
        unit_cost=DEFAULT_ADMISSION_COST_GBP,
        seed=SEED,
        reps=2_000,
    )
    return cube, profile


def _glance(evidence, profile, **options) -> str:
    options = {"neighbourhoods": 10, "places": 2, **options}
    return report.at_a_glance(
        report.segment_figures(evidence.cube, labels=evidence.model.labels),
        profile=profile,
        priorities=evidence.priorities,
        config=evidence.config,
        **options,
    ).text


def test_page_one_says_why_there_is_no_sii_or_rii(evidence, few):
    _, profile = few
    glance = _glance(evidence, profile)
    assert NO_SII in glance
    assert "times those at the least deprived end" not in glance
    # A system that spans the deciles has its ratio, and no such sentence.
    assert NO_SII not in _glance(evidence, evidence.profile)


def test_the_deprivation_section_says_why_and_keeps_the_rest(evidence, few):
    _, profile = few
    text = report.inequality_summary(profile, config=evidence.config).text
    assert NO_SII in text
    assert "not calculated" not in text and "nan" not in text.lower()
    assert "Excess admissions: if every decile had" in text
    figures = report.deprivation_figures(profile, system_rate=evidence.system_rate)
    assert len(figures) == len(FEW) + 1  # the deciles it has, and the total
    chart = report.deprivation_chart_figure(
        figures, profile, period="2025/26", threshold=evidence.config.disclosure_threshold
    )
    titles = " ".join(
        chart.axes[0].get_title(loc=where) for where in ("left", "center", "right")
    ) + " ".join(text.get_text() for text in chart.texts)
    assert "SII and RII not worked out: people in only 4 of the 10 deciles" in titles


def test_the_gap_names_englands_fifths_the_system_has(evidence, few):
    _, profile = few
    text = report.inequality_summary(profile, config=evidence.config).text
    assert "in neighbourhoods in England's second most deprived fifth is" in text
    assert "than in England's least deprived fifth" in text
    assert "These are the most and least deprived of England's fifths in which" in text
    full = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert "in neighbourhoods in England's most deprived fifth is" in full
    assert "These are the most and least deprived" not in full


def test_core20_is_englands_most_deprived_fifth_on_page_one_and_in_the_place_table(evidence):
    glance = _glance(evidence, evidence.profile)
    assert re.search(
        r"Neighbourhoods in England's most deprived fifth \(Core20\) hold \d+% of people", glance
    )
    assert "The most deprived fifth of neighbourhoods" not in glance
    headings = [column.header for column in report.PLACE_COLUMNS]
    assert "% of people in England's most deprived fifth" in headings
    assert "% of people in the most deprived fifth" not in headings


def _with_an_empty_place(evidence) -> object:
    """The evidence's inputs with a place of three neighbourhoods and no registered person."""
    areas = evidence.inputs.areas
    extra = areas.iloc[:3].copy()
    extra["lsoa"] = ["E01099901", "E01099902", "E01099903"]
    extra["place"] = "Eastbrook"
    wider = pd.concat([areas, extra], ignore_index=True)
    wider.attrs = dict(areas.attrs)
    return dataclasses.replace(evidence.inputs, areas=wider)


def test_page_one_counts_where_people_are_and_names_a_place_with_none(evidence):
    inputs = _with_an_empty_place(evidence)
    coverage = report.people_coverage(inputs)
    before = report.people_coverage(evidence.inputs)
    assert before.empty_places == ()
    assert coverage.neighbourhoods == before.neighbourhoods == len(evidence.inputs.areas)
    assert coverage.places == before.places == evidence.inputs.areas["place"].nunique()
    assert coverage.empty_places == ("Eastbrook",)
    glance = _glance(
        evidence,
        evidence.profile,
        neighbourhoods=coverage.neighbourhoods,
        places=coverage.places,
        empty_places=coverage.empty_places,
    )
    assert (
        f"registered in {before.neighbourhoods:,} neighbourhoods across {before.places} places."
        in glance
    )
    assert (
        "Eastbrook has no registered people in the data, so the counts above leave it out."
        in glance
    )
    assert "check the extract" not in glance  # (the analyst's instruction, on the command line)
    labelled = dataclasses.replace(evidence.config, place_labels={"Eastbrook": "East"})
    two = report.at_a_glance(
        report.segment_figures(evidence.cube, labels=evidence.model.labels),
        neighbourhoods=1,
        places=1,
        profile=evidence.profile,
        priorities=evidence.priorities,
        config=labelled,
        empty_places=("Eastbrook", "Westmere"),
    ).text
    assert (
        "East and Westmere have no registered people in the data, so the counts above leave "
        "them out." in two
    )
    assert report.no_people_warning(coverage) == (
        "Eastbrook has no registered people in the data: check the extract (its "
        "neighbourhoods are in the areas file, but no one is registered in them)."
    )
    assert report.no_people_warning(before) is None


def test_the_build_warns_of_a_system_place_with_no_people(tmp_path):
    config, areas = eastbrook_config(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = compute_board_figures(config)
    said = [str(w.message) for w in caught]
    assert any(m.startswith("Eastbrook has no registered people in the data") for m in said)
    assert report.people_coverage(figures.inputs).places == areas["place"].nunique()
    assert len(load_inputs(config).areas) == len(areas) + 2
    assert np.isfinite(figures.profile.sii["sii"].iloc[0])


def test_candidates_in_the_most_deprived_fifth_of_a_system_with_no_one_there_say_so(evidence):
    """`pophealth candidates --within core20` crashed (KeyError '_events') on such data."""
    from toolkit.errors import DataContractError
    from toolkit.prioritise import theme_candidates
    from toolkit.segment import build_cohort_cube

    persons = evidence.inputs.persons
    cube = build_cohort_cube(persons[persons["imd_decile"].isin(FEW)])
    with pytest.raises(DataContractError) as refused:
        theme_candidates(cube, within="core20")
    message = str(refused.value)
    assert "most deprived fifth of neighbourhoods (IMD deciles 1 and 2)" in message
    assert "(the people are in IMD deciles 4, 5, 8 and 10 only)" in message
    # Measured for the whole system, the same data give candidates, with no SII.
    whole = theme_candidates(cube).table
    assert len(whole) and whole["sii"].isna().all()


def test_a_system_in_one_fifth_has_no_gap_compared_with_itself(evidence):
    # Everyone in decile 7 (England's second least deprived fifth): the gap sentence used
    # to compare that fifth with itself ("0 per 100,000 higher ... 1.00 times as high").
    cube = evidence.cube[evidence.cube["imd_decile"] == 7]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile = deprivation_profile(
            cube,
            events="emergency_admissions",
            unit_cost=DEFAULT_ADMISSION_COST_GBP,
            seed=SEED,
            reps=1_000,
        )
    text = report.inequality_summary(profile, config=evidence.config).text
    assert (
        "Gap: not worked out, because the system's people all live in one of England's "
        "deprivation fifths (England's second least deprived fifth)." in text
    )
    assert "times as high" not in text
