"""An areas file that does not match the persons: the report says so, with counts (issue 14).

A walk-through gave the report an areas file with some LSOA codes changed and every area's
IMD decile shifted by one. Page 1 gave the wrong reason for the areas left out, the command
line said nothing, the place table's "All places" row mixed its own counts with the whole
system's rate, and the deciles that disagreed passed silently. A decile with no
neighbourhood vanished from the decile table and left an unmarked gap in the chart.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.report import ReportConfig, compute_board_figures, load_inputs
from toolkit.report import sections as report
from toolkit.report.charts import NO_NEIGHBOURHOOD_MARK, deprivation_chart

from ._html_scan import text_count_problems
from ._page_one import page_one
from ._system_files import write_config

SEED = 20261122

#: Two of the demo's eight areas get codes the persons do not have.
CHANGED = {"E01900003": "E01990003", "E01900005": "E01990005"}


def _write(folder: Path, *, few: bool = False, system_places=None) -> ReportConfig:
    """Write a 2,000-person demo system whose areas file disagrees with its persons.

    By default two areas' codes are changed and every area's decile is shifted by one;
    with ``few``, only three persons get a code the areas file does not have.
    """
    system = make_demo_system(persons=2_000, seed=SEED)
    people = system.persons.drop(columns="place").copy()
    areas = system.areas.drop(columns="geometry").copy()
    if few:
        people.loc[people.index[:3], "lsoa"] = ["E01999997", "E01999998", "E01999999"]
    else:
        areas["lsoa"] = areas["lsoa"].replace(CHANGED)
        areas["imd_decile"] = areas["imd_decile"] % 10 + 1  # as if another IMD edition
    return write_config(folder, people, areas, seed=SEED, system_places=system_places)


def _quiet(function, *args, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **options)


@pytest.fixture(scope="module")
def mismatch(tmp_path_factory):
    config = _write(tmp_path_factory.mktemp("mismatch"))
    return config, _quiet(compute_board_figures, config)


@pytest.fixture(scope="module")
def few(tmp_path_factory):
    config = _write(tmp_path_factory.mktemp("few"), few=True)
    return config, _quiet(compute_board_figures, config)


def _glance(figures) -> str:
    return page_one(figures).text


def _unmatched(persons: pd.DataFrame) -> int:
    return int(persons["lsoa"].isin(list(CHANGED)).sum())


def test_the_command_line_warns_of_persons_in_no_area_with_counts(tmp_path):
    config = _write(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = load_inputs(config)
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    unmatched = _unmatched(inputs.persons)
    assert unmatched > 100
    assert inputs.persons_not_in_areas == unmatched
    assert inputs.persons_matched == 2_000 - unmatched
    share = f"{unmatched / 2_000:.0%}"
    assert any(
        m.startswith(
            f"{unmatched:,} of the 2,000 persons ({share}) have an LSOA code that the areas "
            "file does not have"
        )
        and "same LSOA codes" in m
        and "2 of the 8 areas in the areas file hold no registered person" in m
        for m in said
    ), said
    # The deciles that disagree are warned of too, and said in the provenance's data line.
    assert any(m.startswith("The IMD decile in the persons file differs") for m in said), said
    assert inputs.deciles_differ == inputs.persons_matched
    assert "IMD deciles: the deprivation decile recorded in the persons file differs" in (
        inputs.description
    )


def test_page_one_counts_the_persons_in_no_area_and_gives_the_true_reasons(mismatch):
    _, figures = mismatch
    inputs = figures.inputs
    unmatched = _unmatched(inputs.persons)
    text = _glance(figures)
    assert (
        f"Of them, {unmatched:,} ({unmatched / 2_000:.0%}) have a neighbourhood missing from "
        "the report's list of areas, so they are in no neighbourhood or place, and the place "
        "table leaves them out." in text
    )
    # The areas left out are counted with their one true reason.
    assert "2 of the 8 areas in the areas file are left out: they hold no registered person." in (
        text
    )
    assert "or lie outside the system's places" not in text
    assert (
        "The deprivation decile recorded in the persons file differs from that of their "
        "neighbourhood in the list of areas for every person matched to an area; the report "
        "uses the persons' recorded deciles" in text
    )
    # No count of the people matched: with the page's total it would give the unmatched.
    assert f"{inputs.persons_matched:,}" not in text


@pytest.mark.parametrize(
    ("differ", "words"),
    [
        (5, "fewer than one in twenty of the people"),
        (99, "fewer than one in twenty of the people"),
        (100, "about 10% of the people"),
        (600, "about 30% of the people"),
        (1_898, "almost every person"),  # 95%: not "about 100%"
        (1_996, "almost every person"),
        (1_997, "every person"),
    ],
)
def test_the_decile_note_for_the_board_gives_no_count(few, differ, words):
    """The matched and differing counts stay with the analyst (the command line's warning).

    Beside page 1's total and a suppressed count of persons in no area, the exact count of
    persons matched would give the suppressed one by subtraction (1,997 of 2,000 here).
    """
    import dataclasses

    _, figures = few
    inputs = dataclasses.replace(figures.inputs, deciles_differ=differ, persons_matched=1_997)
    note = inputs.decile_note
    assert f"for {words} matched to an area" in note
    shown = {number.replace(",", "") for number in re.findall(r"\d[\d,]*", note)}
    assert not shown & {str(differ), "1997", str(1_997 - differ)}


def test_the_place_tables_total_row_adds_up_and_has_its_own_rate(mismatch):
    config, figures = mismatch
    places = report.place_figures(
        figures.places, system_rate=figures.system_rate, linked=figures.linked
    )
    total = places.loc["total"]
    rows = places.drop(index="total")
    matched = figures.inputs.persons_matched
    assert int(total["persons"]) == rows["persons"].sum() == matched
    assert int(total["events"]) == rows["events"].sum()
    # The rate is that of the people the row counts, not the whole system's.
    system = float(figures.system_rate["value"].iloc[0])
    together = float(figures.places.all_places["value"].iloc[0])
    assert float(total["value"]) == pytest.approx(together)
    assert not np.isclose(together, system)
    assert int(figures.places.all_places["persons"].iloc[0]) == matched
    text = report.place_table(
        places, period="2025/26", threshold=config.disclosure_threshold, linked=figures.linked
    ).to_text()
    unmatched = 2_000 - matched
    assert (
        f"People in no place: {unmatched:,} have a neighbourhood missing from the report's list "
        "of areas, so no place counts them. The 'All places' row counts only the people in a "
        "place, and its rate is theirs; everyone registered is counted on page 1." in text
    )


def test_a_system_whose_persons_all_match_keeps_the_systems_rate_and_says_nothing(evidence):
    from toolkit.places import area_indicators
    from toolkit.segment import assign_segments

    assert "LSOA code" not in evidence.inputs.areas_note and not evidence.inputs.persons_note
    segmented = assign_segments(evidence.inputs.persons, model=evidence.model)
    indicators = _quiet(
        area_indicators, segmented, evidence.inputs.areas, events="emergency_admissions"
    )
    places = report.place_figures(indicators, system_rate=evidence.system_rate)
    assert float(places.loc["total", "value"]) == pytest.approx(
        float(evidence.system_rate["value"].iloc[0])
    )
    text = report.place_table(places, period="2025/26", threshold=10).to_text()
    assert "People in no place" not in text


def test_a_few_persons_in_no_area_are_left_out_and_said_to_be_fewer_than_10(few):
    """Counted apart, 3 persons in no area were suppressed with every total (walk-through, rep2).

    They are left out of the report's figures, and page 1 says "fewer than 10".
    """
    config, figures = few
    assert figures.inputs.persons_not_in_areas == 3
    assert figures.inputs.persons_left_out == 3
    text = _glance(figures)
    assert "People: 1,997 registered in" in text
    assert (
        "Fewer than 10 people had no neighbourhood in the areas file and are left out of every "
        "figure of this report." in text
    )
    assert "[c] have a neighbourhood missing" not in text
    places = report.place_figures(
        figures.places, system_rate=figures.system_rate, linked=figures.linked
    )
    table = report.place_table(
        places, period="2025/26", threshold=config.disclosure_threshold, linked=figures.linked
    ).to_text()
    assert "People in no place" not in table
    assert int(places.loc["total", "persons"]) == 1_997
    assert text_count_problems(text) == [] and text_count_problems(table) == []


def test_areas_outside_the_system_places_are_said_to_be(tmp_path):
    system = make_demo_system(persons=2_000, seed=SEED)
    places = sorted(system.areas["place"].unique())
    config = _write(tmp_path, system_places=places[:-1])
    inputs = _quiet(load_inputs, config)
    assert inputs.areas_outside_places == inputs.areas_left_out > 0
    assert "are left out: they lie outside the system's places." in inputs.areas_note
    assert "hold no registered person" not in inputs.areas_note.split(".")[0]


def test_a_decile_with_no_neighbourhood_is_named_in_the_table_chart_and_sii(mismatch):
    config, figures = mismatch
    deciles = set(figures.profile.to_frame()[figures.profile.quantile].astype(int))
    missing = [d for d in range(1, 11) if d not in deciles]
    assert missing, "the 2,000-person demo spans only some deciles"
    table = report.deprivation_table(
        report.deprivation_figures(figures.profile, system_rate=figures.system_rate),
        period="2025/26",
        threshold=config.disclosure_threshold,
        linked=figures.linked,
    ).to_text()
    listed = ", ".join(map(str, missing[:-1])) + f" and {missing[-1]}"
    assert f"Deciles {listed}: no registered person lives in them, so they have no rows." in table
    summary = report.inequality_summary(figures.profile, config=config).text
    assert (
        f"It is fitted on the {10 - len(missing)} deciles in which registered people live "
        f"(none in deciles {listed})." in summary
    )


def test_decile_9_alone_missing_has_a_note_a_tick_and_a_mark(evidence):
    # The 20,000-person demo, as the walk-through's synthetic system, has no decile 9.
    figures = report.deprivation_figures(evidence.profile, system_rate=evidence.system_rate)
    assert set(figures["decile"].dropna().astype(int)) == set(range(1, 11)) - {9}
    text = report.deprivation_table(figures, period="2025/26", threshold=10).to_text()
    assert "Decile 9: no registered person lives in it, so it has no row." in text
    summary = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert (
        "It is fitted on the 9 deciles in which registered people live (none in decile 9)."
        in summary
    )
    rates = figures.drop(index="total")[["decile", "rate", "lower_95", "upper_95"]]
    chart = report.deprivation_chart_figure(
        figures, evidence.profile, period="2025/26", threshold=10
    )
    ax = chart.axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == [str(d) for d in range(1, 11)]
    marks = [(text.get_position()[0], text.get_text()) for text in ax.texts]
    assert (9, NO_NEIGHBOURHOOD_MARK) in marks
    # All ten deciles present: no mark.
    full = deprivation_chart(
        pd.concat([rates, pd.DataFrame({"decile": [9], "rate": [1.0e4]})]),
        quantile="decile",
        label="emergency admissions",
        multiplier=100_000,
        period="2025/26",
    )
    assert not any(t.get_text() == NO_NEIGHBOURHOOD_MARK for t in full.axes[0].texts)


def test_page_1_and_section_2_say_how_their_ratios_relate(evidence):
    sii = evidence.profile.sii.iloc[0]
    glance = report.at_a_glance(
        report.segment_figures(evidence.cube, labels=evidence.model.labels),
        neighbourhoods=10,
        places=2,
        profile=evidence.profile,
        priorities=evidence.priorities,
        config=evidence.config,
    ).text
    assert f"{1 / sii['rii']:.1f} times those at the least deprived end." in glance
    summary = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert (
        f"The other way round, the most deprived end's rate is {1 / sii['rii']:.1f} times the "
        "least deprived end's, the figure on page 1." in summary
    )
    assert re.search(r"It differs from the RII's ratio because it compares two fifths", summary)
