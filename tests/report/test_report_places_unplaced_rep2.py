"""Persons' own places, a few persons in no neighbourhood, and empty areas (walk-through, rep2).

A walk-through found that the report crashed when the persons file's own place (a sub-ICB
or PCN name) differed from the areas file's (a district name); that 1 to 9 persons with no
neighbourhood blanked every count of people, the linked protection hiding the totals that
would give their number away; that the command line's note on empty areas contradicted
itself with ``system_places`` set; and that the place table counted neighbourhoods where no
one is registered, disagreeing with page 1.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.report import ReportConfig, compute_board_figures, load_inputs
from toolkit.report import sections as report

from ._html_scan import shown_figures, text_count_problems
from ._page_one import page_one
from ._system_files import write_config

SEED = 20261122
PERSONS = 2_000


def _write(
    folder: Path,
    *,
    own_places: dict[str, str] | None = None,
    renamed: float = 1.0,
    blank: int = 0,
    foreign: int = 0,
    empty_areas: int = 0,
    system_places: bool = False,
    absent: int = 0,
) -> ReportConfig:
    """Write a 2,000-person demo system, its persons and areas changed as asked.

    ``own_places`` renames the persons' own place (for the first ``renamed`` share of
    them); ``blank`` persons lose their LSOA and ``foreign`` get a Welsh one; the areas
    gain ``empty_areas`` neighbourhoods of the first place where no one is registered;
    the first ``absent`` persons are not written.
    """
    system = make_demo_system(persons=PERSONS, seed=SEED)
    people = system.persons.drop(columns="imd_decile").copy()
    areas = system.areas.drop(columns="geometry").copy()
    if own_places:
        changed = people.index[: int(round(renamed * len(people)))]
        people.loc[changed, "place"] = people.loc[changed, "place"].map(own_places)
    else:
        people = people.drop(columns="place")
    if blank:
        people.loc[people.index[:blank], "lsoa"] = ""
    if foreign:
        codes = [f"W0100{1000 + i:04d}" for i in range(foreign)]
        people.loc[people.index[blank : blank + foreign], "lsoa"] = codes
    people = people.iloc[absent:]
    if empty_areas:
        extra = pd.concat([areas.iloc[:1]] * empty_areas, ignore_index=True)
        extra["lsoa"] = [f"E0109{9000 + i:04d}" for i in range(empty_areas)]
        extra["place"] = areas["place"].iloc[0]
        areas = pd.concat([areas, extra], ignore_index=True)
    return write_config(
        folder,
        people,
        areas,
        seed=SEED,
        system_places=sorted(areas["place"].unique()) if system_places else None,
    )


def _quiet(function, *args, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **options)


def _sections(figures):
    """Every section of the report that publishes counts of people, rendered."""
    from toolkit.report._asks import provenance

    config, linked = figures.config, figures.linked
    threshold = config.disclosure_threshold
    deprivation = report.deprivation_figures(figures.profile, system_rate=figures.system_rate)
    places = report.place_figures(figures.places, system_rate=figures.system_rate, linked=linked)
    return {
        "decision": report.decision_box(
            figures.priorities, config=config, synthetic=figures.inputs.synthetic, linked=linked
        ),
        "glance": page_one(figures),
        "segments": report.segment_table(
            figures.segments, period="2025/26", threshold=threshold, linked=linked
        ),
        "deprivation": report.deprivation_table(
            deprivation, period="2025/26", threshold=threshold, linked=linked
        ),
        "places": report.place_table(places, period="2025/26", threshold=threshold, linked=linked),
        "shortlist": report.shortlist_table(
            figures.priorities, period="2025/26", threshold=threshold, linked=linked
        ),
        "provenance": provenance(config, figures.inputs, linked=linked),
    }


# -- 1. the persons' own places ---------------------------------------------------------------


@pytest.fixture(scope="module")
def own_places(tmp_path_factory):
    """Board figures of a system whose persons carry PCN names for 60% of them."""
    system = make_demo_system(persons=PERSONS, seed=SEED)
    names = {place: f"PCN {place}" for place in system.areas["place"].unique()}
    config = _write(tmp_path_factory.mktemp("own-places"), own_places=names, renamed=0.6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = compute_board_figures(config)
    return figures, [str(w.message) for w in caught], int(round(0.6 * PERSONS))


def test_persons_with_their_own_places_build_a_report_on_the_areas_places(own_places):
    figures, _, renamed = own_places
    inputs = figures.inputs
    areas_places = set(inputs.areas["place"].astype(str))
    assert set(inputs.persons["place"].dropna().astype(str)) <= areas_places
    assert inputs.places_differ == renamed
    # The place table rendered (it raised: the linked tables had the persons' places).
    table = report.place_table(
        report.place_figures(
            figures.places, system_rate=figures.system_rate, linked=figures.linked
        ),
        period="2025/26",
        threshold=10,
        linked=figures.linked,
    ).to_text()
    assert not any(name.startswith("PCN") for name in re.findall(r"PCN \w+", table))
    for place in areas_places:
        assert f"places/{place}/persons" in figures.linked.cells


def test_page_one_and_the_command_line_say_how_many_places_were_replaced(own_places):
    figures, said, renamed = own_places
    text = page_one(figures).text
    assert figures.inputs.place_counts_shown  # no place's count of people hidden: a number
    assert renamed == 1_200
    assert (
        "The places recorded in the persons file were replaced by the places of the areas "
        "file, which the maps and the place table use: about 1,200 people had another place "
        "there." in text
    )
    assert any(
        message.startswith(
            f"The place in the persons file differs from the areas file's for {renamed:,} of "
            f"the {PERSONS:,} persons"
        )
        for message in said
    ), said


@pytest.mark.parametrize(
    ("differ", "words"),
    [
        (3, "fewer than 10 people had another place there"),
        (1_234, "about 1,200 people had another place there"),
        (1_995, "all but fewer than 10 of the people in the report's neighbourhoods had"),
        (2_000, "all the people in the report's neighbourhoods had another place there"),
    ],
)
def test_the_place_note_gives_no_small_count_directly_or_by_subtraction(own_places, differ, words):
    figures, _, _ = own_places
    inputs = dataclasses.replace(
        figures.inputs, places_differ=differ, persons_placed=2_000, place_counts_shown=True
    )
    note = inputs.place_note
    assert words in note
    shown = {number.replace(",", "") for number in re.findall(r"\d[\d,]*", note)}
    assert not shown & {"3", "5"}
    assert text_count_problems(note) == []


def test_persons_with_the_areas_own_places_get_no_note(evidence):
    assert evidence.inputs.places_differ == 0
    assert "places recorded in the persons file" not in evidence.inputs.areas_note


# -- 2. a few persons in no neighbourhood ---------------------------------------------------------


@pytest.fixture(scope="module")
def unplaced(tmp_path_factory):
    """Board figures with 2 blank LSOAs and 1 Welsh one, with 25 blank, and with none."""
    built = {}
    for name, options in {
        "few": {"blank": 2, "foreign": 1},
        "many": {"blank": 25},
        "none": {},
    }.items():
        config = _write(tmp_path_factory.mktemp(f"unplaced-{name}"), **options)
        built[name] = _quiet(compute_board_figures, config)
    return built


def _text(section) -> str:
    return section.to_text() if hasattr(section, "to_text") else section.text


#: What a report says of persons left out ("fewer than 10"): not in one without them.
LEFT_OUT_NOTES = (
    " Fewer than 10 people had no neighbourhood in the areas file and are left out of every "
    "figure of this report.",
)


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def _published_people(sections, *, leave_out: tuple[str, ...] = ()) -> list[float]:
    """Every count of people published, and every whole number in the report's sentences.

    ``leave_out``: words taken out of the sentences first.
    """
    numbers: list[float] = []
    for name, section in sections.items():
        html = section.to_html() if hasattr(section, "to_html") else section.html
        numbers += [
            value
            for key, value in shown_figures(html).items()
            if value is not None and key.endswith("/persons") and name != "provenance"
        ]
        if name in ("glance", "provenance", "decision"):
            text = "\n".join(
                line
                for line in _text(section).splitlines()
                if not line.startswith(("SHA-256", "Joined to areas", "Data checked"))
            )  # fingerprints; how persons were joined and kept: checked on their own
            for words in leave_out:
                text = text.replace(words, "")
            numbers += [
                float(number.replace(",", ""))
                for number in re.findall(r"(?<![\d.,£])\d[\d,]*(?![\d.%])", text)
            ]
    return numbers


def test_a_few_persons_in_no_neighbourhood_are_left_out_not_every_count(unplaced):
    figures = unplaced["few"]
    inputs = figures.inputs
    assert inputs.persons_left_out == 3
    assert len(inputs.persons) == PERSONS - 3 == inputs.persons_placed
    sections = _sections(figures)
    glance = sections["glance"].text
    assert f"People: {PERSONS - 3:,} registered in" in glance
    assert (
        "Fewer than 10 people had no neighbourhood in the areas file and are left out of "
        "every figure of this report." in glance
    )
    # The people counts and their shares are published: the totals of every table.
    linked = figures.linked
    for key in ("segments/total/persons", "deprivation/total/persons", "places/total/persons"):
        assert not linked.is_suppressed(key), key
        assert linked.value(key) == PERSONS - 3
    for name in ("segments", "deprivation", "places"):
        text = sections[name].to_text()
        assert f"{PERSONS - 3:,}" in text, name
    hidden = [k for k in linked.cells if k.endswith("/persons") and linked.is_suppressed(k)]
    assert all(linked.value(k) < 10 for k in hidden), hidden  # only small counts hidden
    provenance = sections["provenance"].text
    assert (
        f"{PERSONS - 3:,} persons kept, each in a neighbourhood of the areas file; fewer than "
        "10 with no neighbourhood there are left out." in provenance
    )
    for name in ("decision", "glance", "provenance"):  # sentences (tables: their own checks)
        assert text_count_problems(sections[name].text) == [], name


def test_no_published_figure_gives_back_the_persons_left_out(unplaced, tmp_path):
    """The report publishes the numbers of a report of the same data without those persons.

    Every pair of numbers it publishes (people in tables, and every whole number in its
    sentences) is then one that a report of the persons placed alone publishes: none can
    give back how many were left out by subtraction. Only the "fewer than 10" is added.
    """
    figures = unplaced["few"]
    numbers = _published_people(_sections(figures), leave_out=LEFT_OUT_NOTES)
    assert PERSONS - 3 in numbers and len(numbers) > 20
    assert PERSONS not in numbers  # the count of the persons read is not said
    pairs = {(a, b) for a, b in combinations(sorted(set(numbers)), 2) if b - a == 3}
    joined = _line(_sections(figures)["provenance"].text, "Joined to areas")
    assert re.findall(r"\d[\d,]*", joined) == [f"{PERSONS - 3:,}", "10"]
    checked = _line(_sections(figures)["provenance"].text, "Data checked")
    assert "fewer than 10 persons with no neighbourhood in the areas file left out" in checked
    assert re.findall(r"\d[\d,]*", checked) == ["10"]
    # The same persons without the three: the same numbers, so the same pairs.
    config = _write(tmp_path, absent=3)
    alone = _published_people(_sections(_quiet(compute_board_figures, config)))
    assert sorted(numbers) == sorted(alone)
    assert pairs == {(a, b) for a, b in combinations(sorted(set(alone)), 2) if b - a == 3}


def test_as_many_persons_in_no_neighbourhood_as_the_threshold_are_counted_apart(unplaced):
    figures = unplaced["many"]
    assert figures.inputs.persons_left_out == 0
    assert len(figures.inputs.persons) == PERSONS
    glance = page_one(figures).text
    assert f"People: {PERSONS:,} registered in" in glance
    assert "Of them, 25 (1%) have no neighbourhood recorded" in glance
    assert "left out of every figure" not in glance
    provenance = _sections(figures)["provenance"].text
    assert f"{PERSONS:,} persons kept: {PERSONS - 25:,} matched an area" in provenance


def test_with_every_person_in_a_neighbourhood_nothing_is_left_out(unplaced):
    figures = unplaced["none"]
    assert figures.inputs.persons_left_out == 0 and len(figures.inputs.persons) == PERSONS
    assert "left out of every figure" not in figures.inputs.areas_note
    assert f"{PERSONS:,} persons kept: {PERSONS:,} matched an area" in (
        _sections(figures)["provenance"].text
    )


def test_the_analyst_is_told_the_exact_counts_and_why_they_are_left_out(tmp_path):
    config = _write(tmp_path, blank=2, foreign=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = load_inputs(config)
    said = " ".join(str(w.message) for w in caught)
    assert inputs.persons_left_out == 3
    assert "1 of the 2,000 persons (less than 1%) has an LSOA code that the areas file" in said
    assert "2 of the 2,000 persons (less than 1%) have no LSOA code" in said
    assert "the report leaves them out of every figure" in said


# -- 3. the command line's note on empty areas ----------------------------------------------------


def test_the_empty_areas_note_counts_consistently_and_asks_for_no_key_already_set():
    from toolkit.report.inputs import _empty_areas_warning

    has_people = np.array([True] * 155 + [False] * 32_689)
    # Without system_places the report covers the areas with people.
    note = _empty_areas_warning(has_people, has_people, named=False)
    assert "32,689 of the 32,844 areas in the areas file have no registered person" in note
    assert "the report covers the 155 that have" in note
    assert "Set 'system_places'" in note
    # With it, the places' 309 areas: 154 empty is not most of them, so nothing to say.
    keep = np.array([True] * 309 + [False] * 32_535)
    assert _empty_areas_warning(has_people, keep, named=True) == ""
    # Most of the places' areas empty: said of them, without asking to set the key.
    keep = np.array([True] * 155 + [False] * 32_000 + [True] * 689)
    note = _empty_areas_warning(has_people, keep, named=True)
    assert note.startswith(
        "689 of the 844 areas of the places named by 'system_places' have no registered "
        "person; 155 have."
    )
    assert "Set 'system_places'" not in note and "set 'system_places'" not in note


def test_an_areas_file_wider_than_the_places_named_raises_no_contradiction(tmp_path):
    config = _write(tmp_path, empty_areas=40, system_places=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_inputs(config)
    said = [str(w.message) for w in caught]
    assert not any("system_places' to name" in message for message in said), said


# -- 4. the place table's neighbourhoods ----------------------------------------------------------


def test_the_place_table_counts_the_neighbourhoods_page_one_counts(tmp_path):
    config = _write(tmp_path, empty_areas=6, system_places=True)
    figures = _quiet(compute_board_figures, config)
    coverage = report.people_coverage(figures.inputs)
    places = report.place_figures(
        figures.places, system_rate=figures.system_rate, linked=figures.linked
    )
    assert int(places.loc["total", "neighbourhoods"]) == coverage.neighbourhoods
    assert len(figures.inputs.areas) == coverage.neighbourhoods + 6
    text = report.place_table(
        places, period="2025/26", threshold=10, linked=figures.linked
    ).to_text()
    assert (
        "Neighbourhoods: those in which anyone is registered, as page 1 counts them; 6 more "
        "neighbourhoods of these places have no one registered." in text
    )
    assert f"registered in {coverage.neighbourhoods:,} neighbourhoods" in page_one(figures).text
