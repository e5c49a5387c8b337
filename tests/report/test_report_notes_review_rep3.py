"""Page 1's notes on the persons' own places and deciles, and what the sections render (rep3).

A review found that page 1's note on the persons' own places printed exact counts that the
linked tables' protection did not cover (the people of a hidden place, when theirs alone had
another place), that the note on their own deciles counted persons the report does not
cover, that the place table counted neighbourhoods while rendering, and that the decision box
silently said nothing of the list the room was shown when a notebook did not pass it (that
last is tested in ``test_report_views_render_only.py``).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.report import ReportConfig, compute_board_figures, load_inputs
from toolkit.report import sections as report

from ._html_scan import text_count_problems
from ._page_one import page_one
from ._system_files import write_config

SEED = 20261122
PERSONS = 2_000
TINY, SMALL = "Tinyholm", "Smallford"


def _quiet(function, *args, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **options)


def _config(folder: Path, people: pd.DataFrame, areas: pd.DataFrame, **options) -> ReportConfig:
    return write_config(folder, people, areas, seed=SEED, **options)


# -- the note on the persons' own places --------------------------------------------------------


def _note(inputs, differ: int, *, placed: int = 2_000, shown: bool = True) -> str:
    return dataclasses.replace(
        inputs, places_differ=differ, persons_placed=placed, place_counts_shown=shown
    ).place_note


@pytest.mark.parametrize(
    ("differ", "about"),
    [
        (10, "about 10"),
        (14, "about 10"),
        (15, "about 20"),
        (23, "about 20"),
        (25, "about 30"),
        (99, "about 100"),
        (150, "about 150"),
        (1_234, "about 1,200"),
        (1_250, "about 1,300"),  # halves up, as a reader rounds
        (1_989, "about 2,000"),
    ],
)
def test_the_place_note_rounds_its_count_for_the_board(evidence, differ, about):
    note = _note(evidence.inputs, differ)
    assert f": {about} people had another place there." in note
    # Never the count itself when it is not a round figure: it stands for ten values or more.
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", note)]
    assert numbers == [int(about.split()[1].replace(",", ""))]
    if differ % 10:
        assert differ not in numbers
    assert text_count_problems(note) == []


def test_the_place_note_gives_no_number_when_everyone_had_another_place(evidence):
    note = _note(evidence.inputs, 2_000)
    assert "all the people in the report's neighbourhoods had another place there." in note
    assert not re.search(r"\d", note)  # the place table's total is not said again here


@pytest.mark.parametrize("differ", [3, 40, 1_234, 1_995])
def test_the_place_note_gives_no_number_when_a_place_s_count_is_hidden(evidence, differ):
    note = _note(evidence.inputs, differ, shown=False)
    assert "some of the people in the report's neighbourhoods had another place there." in note
    assert not re.search(r"\d", note)
    # Everyone: still said, with no number (it tells no place's count).
    assert "all the people" in _note(evidence.inputs, 2_000, shown=False)


@pytest.fixture(scope="module")
def hidden_place(tmp_path_factory):
    """A system with two small places; the persons of the smaller of them have their own place.

    ``Tinyholm`` holds 4 people (hidden); ``Smallford`` 30, whose own place in the persons
    file is another. Before, page 1 said "30 people had another place there": the count of
    a place that the linked tables hide when it is hidden to protect ``Tinyholm``.
    """
    system = make_demo_system(persons=PERSONS, seed=SEED)
    people = system.persons.drop(columns="imd_decile").copy()
    areas = system.areas.drop(columns="geometry").copy()
    extra = pd.concat([areas.iloc[:1]] * 2, ignore_index=True)
    extra["lsoa"] = ["E01909998", "E01909999"]
    extra["place"] = [SMALL, TINY]
    areas = pd.concat([areas, extra], ignore_index=True)
    people.loc[people.index[:4], ["lsoa", "place"]] = ["E01909999", TINY]
    people.loc[people.index[4:34], ["lsoa", "place"]] = ["E01909998", f"PCN {SMALL}"]
    config = _config(tmp_path_factory.mktemp("hidden-place"), people, areas)
    return _quiet(compute_board_figures, config)


def test_a_hidden_place_s_count_is_not_given_back_by_the_place_note(hidden_place):
    figures = hidden_place
    linked, inputs = figures.linked, figures.inputs
    assert inputs.places_differ == 30
    assert linked.is_suppressed(f"places/{TINY}/persons")
    # Smallford protects it: the exact count would have given both back.
    assert linked.is_suppressed(f"places/{SMALL}/persons")
    assert linked.value(f"places/{SMALL}/persons") == inputs.places_differ
    assert not inputs.place_counts_shown
    text = page_one(figures).text
    assert (
        "The places recorded in the persons file were replaced by the places of the areas "
        "file, which the maps and the place table use: some of the people in the report's "
        "neighbourhoods had another place there." in text
    )
    note = inputs.place_note
    assert not re.search(r"\d", note)
    # Whichever place protects Tinyholm, no count of the note is a hidden place's.
    hidden = {
        linked.value(key)
        for key in linked.cells
        if key.startswith("places/") and key.endswith("/persons") and linked.is_suppressed(key)
    }
    assert hidden and not hidden & {float(n) for n in re.findall(r"\d+", note)}


def test_every_place_shown_gives_the_rounded_count(tmp_path):
    system = make_demo_system(persons=PERSONS, seed=SEED)
    people = system.persons.drop(columns="imd_decile").copy()
    areas = system.areas.drop(columns="geometry").copy()
    first = areas["place"].iloc[0]
    mine = people["place"] == first
    people.loc[mine, "place"] = f"PCN {first}"
    figures = _quiet(compute_board_figures, _config(tmp_path, people, areas))
    assert figures.inputs.place_counts_shown
    differ = int(mine.sum())
    assert figures.inputs.places_differ == differ
    from toolkit.report.inputs import _about

    assert f"about {_about(differ)} people had another place there." in page_one(figures).text
    assert _about(differ) == "470" and differ == 470  # two significant figures from 100


def test_inputs_read_alone_give_no_number_until_the_tables_are_protected(tmp_path):
    system = make_demo_system(persons=PERSONS, seed=SEED)
    people = system.persons.drop(columns="imd_decile").copy()
    people["place"] = "PCN " + people["place"].astype(str)
    people.loc[people.index[:500], "place"] = system.persons["place"].iloc[:500]
    areas = system.areas.drop(columns="geometry")
    inputs = _quiet(load_inputs, _config(tmp_path, people, areas))
    assert inputs.places_differ == PERSONS - 500 and not inputs.place_counts_shown
    assert "some of the people" in inputs.place_note


# -- the note on the persons' own deciles -------------------------------------------------------


def _deciles(tmp_path: Path, *, inside: bool, outside: bool) -> ReportConfig:
    """The persons' own deciles differ from their areas' inside the places named, or outside.

    ``system_places`` names every place but the last; its persons (outside the report's
    neighbourhoods, about 250) are kept and counted apart.
    """
    system = make_demo_system(persons=PERSONS, seed=SEED)
    people = system.persons.copy()
    areas = system.areas.drop(columns="geometry")
    deciles = dict(zip(areas["lsoa"], areas["imd_decile"], strict=True))
    named = sorted(areas["place"].unique())[:-1]
    own = people["lsoa"].map(deciles).astype("int64")
    within = people["place"].isin(named).to_numpy()
    shifted = own % 10 + 1
    people["imd_decile"] = own.where(~((within & inside) | (~within & outside)), shifted)
    return _config(tmp_path, people, areas, system_places=named)


def test_the_decile_note_counts_only_the_people_the_report_covers(tmp_path):
    inputs = _quiet(load_inputs, _deciles(tmp_path / "outside", inside=False, outside=True))
    assert inputs.persons_outside_places >= 10 and not inputs.persons_left_out
    # Before: "about 10% of the people matched to an area", all of them outside the places.
    assert inputs.deciles_differ == 0 and inputs.decile_note == ""
    assert (
        inputs.persons_matched == inputs.persons_placed == PERSONS - (inputs.persons_outside_places)
    )


def test_every_person_the_report_covers_is_every_person_matched(tmp_path):
    config = _deciles(tmp_path, inside=True, outside=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = load_inputs(config)
    placed = inputs.persons_placed
    assert inputs.deciles_differ == inputs.persons_matched == placed
    # Before: "almost every person" (or a share), the people outside counted as matched.
    assert "for every person matched to an area;" in inputs.decile_note
    said = " ".join(str(w.message) for w in caught)
    assert (
        f"differs from the areas file's for {placed:,} of the {placed:,} persons in the "
        "report's neighbourhoods" in said
    )


# -- the place table renders the neighbourhoods counted once ----------------------------------


def test_the_place_table_renders_the_neighbourhoods_counted_with_the_figures(
    hidden_place, monkeypatch
):
    from toolkit.places.indicators import AreaIndicators
    from toolkit.report import figures as figures_module

    figures = hidden_place
    counted = report.place_figures(
        figures.places, system_rate=figures.system_rate, linked=figures.linked
    )
    before = report.place_table(
        counted, period="2025/26", threshold=10, linked=figures.linked
    ).to_text()
    assert figures.place_neighbourhoods == figures_module.place_neighbourhoods(figures.places)
    coverage = report.people_coverage(figures.inputs)
    assert sum(figures.place_neighbourhoods.values()) == coverage.neighbourhoods

    def boom(*args, **kwargs):
        raise AssertionError("the place table counted neighbourhoods while rendering")

    original = AreaIndicators.to_frame

    def places_only(self, level="neighbourhood"):
        if level == "neighbourhood":
            boom()
        return original(self, level)

    monkeypatch.setattr(figures_module, "place_neighbourhoods", boom)
    monkeypatch.setattr(AreaIndicators, "to_frame", places_only)
    rendered = report.place_figures(
        figures.places,
        system_rate=figures.system_rate,
        linked=figures.linked,
        neighbourhoods=figures.place_neighbourhoods,
    )
    pd.testing.assert_frame_equal(rendered, counted)
    assert rendered.attrs == counted.attrs
    after = report.place_table(
        rendered, period="2025/26", threshold=10, linked=figures.linked
    ).to_text()
    assert after == before  # the words shown before, unchanged


def test_the_report_notebook_passes_the_neighbourhoods_counted_once():
    source = (Path(__file__).parents[2] / "reports" / "board_report.py").read_text("utf-8")
    assert "neighbourhoods=board.place_neighbourhoods" in source
    assert "shown_instead=board.shown_instead" in source
