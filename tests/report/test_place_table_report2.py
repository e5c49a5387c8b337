"""The place table leaves out a place with no registered people, as page 1 does (issue 14).

Page 1 counts the places with registered people and says that a place with none is left out
of its counts; the place table still listed that place (0 people, rates not available) and
counted its neighbourhoods in the total.
"""

from __future__ import annotations

import re
import warnings

import pytest

from toolkit.report import compute_board_figures
from toolkit.report import sections as report

from ._eastbrook import eastbrook_config
from ._page_one import page_one


@pytest.fixture(scope="module")
def with_eastbrook(tmp_path_factory):
    """Board figures of a system whose places include Eastbrook, where no one is registered."""
    config, areas = eastbrook_config(tmp_path_factory.mktemp("eastbrook"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute_board_figures(config, progress=False), len(areas)


def _table(figures, labels=None):
    places = report.place_figures(
        figures.places, system_rate=figures.system_rate, linked=figures.linked
    )
    table = report.place_table(
        places,
        period="2025/26",
        threshold=figures.config.disclosure_threshold,
        linked=figures.linked,
        labels=labels,
    )
    return places, table.to_text()


def test_the_place_table_has_the_places_page_one_counts(with_eastbrook):
    figures, neighbourhoods = with_eastbrook
    coverage = report.people_coverage(figures.inputs)
    assert coverage.empty_places == ("Eastbrook",)
    places, text = _table(figures)
    rows = places.drop(index="total")
    assert "Eastbrook" not in set(rows["place"])
    assert len(rows) == coverage.places  # page 1: "... across 5 places."
    assert places.attrs["empty_places"] == ("Eastbrook",)
    # The total counts the neighbourhoods of the places shown, not Eastbrook's two.
    assert places.loc["total", "neighbourhoods"] == neighbourhoods
    assert int(places.loc["total", "persons"]) == 2_000
    assert not re.search(r"^\s*Eastbrook\s+\d", text, flags=re.MULTILINE)  # no row
    assert "Eastbrook has no registered people in the data, so the table leaves it out." in text
    glance = page_one(figures).text
    assert f"across {len(rows)} places." in glance
    assert "Eastbrook has no registered people in the data, so the counts above leave it out." in (
        glance
    )


def test_the_note_uses_the_places_short_label(with_eastbrook):
    figures, _ = with_eastbrook
    _, text = _table(figures, labels={"Eastbrook": "East"})
    assert "East has no registered people in the data, so the table leaves it out." in text
    assert "Eastbrook" not in text


def test_a_system_whose_places_all_have_people_has_no_such_note(evidence):
    from toolkit.places import area_indicators
    from toolkit.segment import assign_segments

    segmented = assign_segments(evidence.inputs.persons, model=evidence.model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indicators = area_indicators(
            segmented, evidence.inputs.areas, events="emergency_admissions"
        )
    places = report.place_figures(indicators, system_rate=evidence.system_rate)
    assert places.attrs["empty_places"] == ()
    assert len(places) == evidence.inputs.areas["place"].nunique() + 1
    text = report.place_table(places, period="2025/26", threshold=10).to_text()
    assert "no registered people" not in text
