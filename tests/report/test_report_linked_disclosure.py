"""Disclosure control across the whole board report: no count below the threshold leaves it.

Two checks, each able to fail for the right reason:

- a scanner reads every text node of the HTML and every page of the PDF's text (not only
  the cells marked as counts) for a small count said in words or an LSOA code with a count;
- a solver reads every figure back from the HTML (``data-figure``) and works out, by linear
  programming over the report's linked tables, the interval each suppressed count must lie
  in: none may be recovered exactly, and no small one shown to be small.

Reports are built for systems of 300, 1,000, 3,000 and 20,000 persons, a system with a place
that is a single neighbourhood, one coded with 2021 LSOA codes (three persons' codes missing
from the areas table) and one with Welsh LSOA codes. Each kind of leak the issue found is then
planted, and each check must catch its kind.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.prioritise import prioritise_persons
from toolkit.report import ReportConfig, demo_config, load_inputs
from toolkit.report.build import build_report
from toolkit.report.linked import (
    JOIN_MATCHED,
    JOIN_NOT_IN_AREAS,
    LinkedTables,
    feasible_intervals,
    link_board_report,
    link_report,
)
from toolkit.segment import assign_segments, load_rules

from ._html_scan import html_text, shown_figures, small_count_problems, text_count_problems
from ._linked_atoms import atoms as _atoms
from ._system_files import write_config

SEED = 20261122
THRESHOLD = 10


# -- the solver on hand-made linked tables ------------------------------------------------------


def _two_tables() -> LinkedTables:
    """Segments and places of the same 600 people; Smalltown is one decile-3 neighbourhood."""
    atoms = _atoms(
        [
            ("a", 1, "Big", JOIN_MATCHED, 300, 40, 2),
            ("b", 1, "Big", JOIN_MATCHED, 200, 30, 1),
            ("a", 3, "Smalltown", JOIN_MATCHED, 35, 4, 0),
            ("c", 3, "Smalltown", JOIN_MATCHED, 5, 12, 1),
            ("c", 2, "Other", JOIN_MATCHED, 60, 20, 0),
        ]
    )
    return link_report(atoms, segments=["a", "b", "c"], threshold=THRESHOLD)


def test_a_rate_beside_a_suppressed_count_gives_it_away():
    assert _two_tables().shown()["segments/c/persons"] == 65  # not small: shown
    # Plant the leak of the issue: people suppressed, admissions and the rate per 1,000 shown.
    atoms = _atoms([("x", 1, "P", JOIN_MATCHED, 5, 12, 0), ("y", 1, "P", JOIN_MATCHED, 400, 30, 0)])
    planted = link_report(atoms, segments=["x", "y"], threshold=THRESHOLD)
    figures = planted.shown()
    assert figures["segments/x/persons"] is None
    assert figures["segments/x/per_1000"] is None  # hidden with the people it depends on
    figures["segments/x/per_1000"] = 2400.0  # as the report of 300 persons showed it
    intervals, leaks = feasible_intervals(planted, figures, small=["segments/x/persons"])
    assert "segments/x/persons" in {leak.key for leak in leaks}
    low, high = intervals["segments/x/persons"]
    assert low == pytest.approx(5, abs=0.01) and high == pytest.approx(5, abs=0.01)


def test_a_share_of_a_shown_total_gives_the_count_away_unless_protected():
    atoms = _atoms(
        [
            ("a", 1, "Smalltown", JOIN_MATCHED, 5, 0, 0),
            ("a", 5, "Smalltown", JOIN_MATCHED, 35, 10, 0),
            ("a", 5, "Big", JOIN_MATCHED, 500, 60, 0),
            ("a", 1, "Big", JOIN_MATCHED, 500, 60, 0),
        ]
    )
    tables = link_report(atoms, segments=["a"], threshold=THRESHOLD)
    assert tables.is_suppressed("places/Smalltown/core20_population_share")  # 5 of 40 people
    figures = tables.shown()
    assert figures["places/Smalltown/persons"] == 40
    assert feasible_intervals(tables, figures)[1] == []
    figures["places/Smalltown/core20_population_share"] = 12.5  # plant: 40 x 12.5% = 5
    _, leaks = feasible_intervals(tables, figures, small=["places/Smalltown/core20"])
    assert "places/Smalltown/core20" in {leak.key for leak in leaks}


def test_a_place_that_is_one_decile_cannot_be_differenced_once_linked():
    tables = _two_tables()
    suppressed = tables.protect()
    # Smalltown's people are decile 3's people, so its figures are decile 3's.
    assert tables.value("places/Smalltown/persons") == tables.value("deprivation/3/persons")
    figures = tables.shown()
    small = [key for key, reason in suppressed.items() if reason == "primary"]
    assert small
    _, leaks = feasible_intervals(tables, figures, small=small)
    assert leaks == []


def test_tables_protected_one_by_one_leak_across_the_report():
    """Three persons whose LSOA the areas lack: segment total minus decile total is 3."""
    atoms = _atoms(
        [
            ("a", 1, "Big", JOIN_MATCHED, 300, 40, 2),
            ("b", 2, "Big", JOIN_MATCHED, 200, 30, 1),
            ("b", 3, "Other", JOIN_MATCHED, 100, 20, 0),
            ("a", 0, "", JOIN_NOT_IN_AREAS, 3, 0, 0),
        ]
    )
    tables = link_report(atoms, segments=["a", "b"], threshold=THRESHOLD)
    not_in_areas = f"join/{JOIN_NOT_IN_AREAS}/persons"
    # Table by table: the join line hides the 3 and, against its total, the 600 matched.
    one_by_one = {key: float(tables.value(key)) for key in tables.cells}
    for key in tables.cells:
        if tables.cells[key].implied:
            one_by_one[key] = None
    one_by_one[not_in_areas] = None
    one_by_one[f"join/{JOIN_MATCHED}/persons"] = None
    _, leaks = feasible_intervals(tables, one_by_one, small=[not_in_areas])
    assert not_in_areas in {leak.key for leak in leaks}  # 603 people - 600 with a decile
    # Linked: further cells hidden until nothing is given away.
    figures = tables.shown()
    assert figures[not_in_areas] is None
    _, leaks = feasible_intervals(tables, figures, small=[not_in_areas])
    assert leaks == []


# -- reports of small systems -------------------------------------------------------------------


def _files(folder: Path, persons: int, variant: str) -> ReportConfig:
    """Write a demo system's persons and areas as CSV, coded as ``variant`` says."""
    from toolkit.data import make_demo_system

    system = make_demo_system(persons=persons, seed=SEED)
    people = system.persons.drop(columns=["imd_decile", "place"], errors="ignore").copy()
    areas = system.areas.drop(columns="geometry", errors="ignore").copy()
    codes = sorted(areas["lsoa"].astype(str))
    if variant == "one-neighbourhood":
        smallest = areas.loc[areas["population"].idxmin(), "lsoa"]
        areas.loc[areas["lsoa"] == smallest, "place"] = "Smalltown"
        mapping = {code: code for code in codes}
    elif variant == "2021":
        mapping = {code: f"E0103{5000 + i:04d}" for i, code in enumerate(codes)}
    elif variant == "welsh":
        mapping = {code: f"W0100{1000 + i:04d}" for i, code in enumerate(codes)}
    else:
        raise ValueError(variant)
    areas["lsoa"] = areas["lsoa"].astype(str).map(mapping)
    people["lsoa"] = people["lsoa"].astype(str).map(mapping)
    if variant == "2021":  # three persons whose codes the areas table does not have
        people.loc[people.index[:3], "lsoa"] = ["E01034000", "E01035622", "E01035623"]
    return write_config(folder, people, areas, seed=SEED)


SYSTEMS = {
    "300 persons": ("demo", 300),
    "1,000 persons": ("demo", 1_000),
    "3,000 persons": ("demo", 3_000),
    "20,000 persons": ("demo", 20_000),
    "one-neighbourhood place": ("one-neighbourhood", 3_000),
    "2021 LSOA codes": ("2021", 2_000),
    "Welsh LSOA codes": ("welsh", 2_000),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    built = {}
    for name, (variant, persons) in SYSTEMS.items():
        folder = tmp_path_factory.mktemp(re.sub(r"\W+", "-", name))
        if variant == "demo":
            config = demo_config(persons=persons, seed=SEED, shortlist_size=3)
        else:
            config = _files(folder / "data", persons, variant)
        try:
            result = build_report(config, folder / "out", progress=False, pdf=True)
        except Exception as error:  # noqa: BLE001 - reported per system below
            built[name] = (config, None, error)
            continue
        built[name] = (config, result, None)
    return built


def _linked(config: ReportConfig) -> LinkedTables:
    """The report's linked tables, rebuilt from its data as the notebook builds them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = load_inputs(config)
        model = load_rules(config.model)
        priorities = prioritise_persons(
            inputs.persons,
            model=model,
            size=config.shortlist_size,
            seed=config.seed,
            years=config.years,
            analyst_scores=config.criteria_scores,
            threshold=config.disclosure_threshold,
        )
    segmented = assign_segments(inputs.persons, model=model)
    return link_board_report(
        segmented,
        inputs.areas,
        segments=list(model.labels),
        priorities=priorities,
        threshold=config.disclosure_threshold,
    )


def _registered(figures, tables):
    return {k: v for k, v in figures.items() if k in tables.cells or k in tables.ratios}


def _report(reports, name):
    config, result, error = reports[name]
    if error is not None:
        pytest.fail(f"the report of the {name} system did not build: {error}")
    return config, result


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SYSTEMS))
def test_no_small_count_in_any_text_of_the_html_or_pdf(reports, name):
    _, result = _report(reports, name)
    document = result.html.read_text(encoding="utf-8")
    assert small_count_problems(document) == []
    assert text_count_problems(html_text(document)) == []
    assert result.pdf is not None, result.pdf_note
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Provenance" in pdf_text  # the whole report was read, to its last section
    assert text_count_problems(pdf_text) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SYSTEMS))
def test_no_suppressed_count_can_be_worked_out_from_the_figures_shown(reports, name):
    config, result = _report(reports, name)
    tables = _linked(config)
    figures = shown_figures(result.html.read_text(encoding="utf-8"))
    registered = set(tables.cells) | set(tables.ratios)
    read = {key: value for key, value in figures.items() if key in registered}
    shown_counts = [key for key in tables.cells if key in read and not tables.cells[key].implied]
    assert len(shown_counts) >= 20, "the figures were not read back from the HTML"
    # What the page shows is what the protection decided.
    for key, value in read.items():
        assert (value is None) == tables.is_suppressed(key), key
    small = [k for k in read if k in tables.cells and 1 <= tables.value(k) < THRESHOLD]
    intervals, leaks = feasible_intervals(tables, read, small=small)
    assert leaks == [], [str(leak) for leak in leaks]
    for key in small:
        assert key in intervals, f"{key} is small but was shown"


@pytest.mark.slow
def test_the_2021_report_says_how_persons_matched_without_codes(reports):
    _, result = _report(reports, "2021 LSOA codes")
    document = result.html.read_text(encoding="utf-8")
    text = html_text(document)
    assert "E01034000" not in document and "E01035622" not in document
    # Three persons in no area: too few to count apart, they are left out (rep2).
    assert re.search(
        r"1,997\s+persons kept, each in a neighbourhood of the areas file; fewer than 10 with "
        r"no neighbourhood there are left out\.",
        text,
    ), text[-2000:]


# -- planted leaks: each check catches its kind ----------------------------------------------------


@pytest.mark.slow
def test_planted_leaks_are_caught(reports):
    config, result = _report(reports, "1,000 persons")
    document = result.html.read_text(encoding="utf-8")
    tables = _linked(config)
    # 1. The provenance lists unmatched codes with their counts (as it did).
    planted = document.replace(
        "Joined to areas",
        "Joined to areas: 3 have an LSOA the areas table does not have: E01034000 (1), "
        "E01035622 (1), E01035623 (1)",
        1,
    )
    problems = text_count_problems(html_text(planted))
    assert any("E01034000" in p for p in problems) and any("3 have" in p for p in problems)
    # 2. A rate shown beside a suppressed count of people.
    figures = {
        k: v for k, v in shown_figures(document).items() if k in tables.cells or k in tables.ratios
    }
    hidden_people = [
        key
        for key in tables.cells
        if key.startswith("segments/")
        and key.endswith("/persons")
        and figures.get(key) is None
        and 1 <= tables.value(key) < THRESHOLD
    ]
    assert hidden_people, "the 1,000-person report should suppress a segment's people"
    leaked = hidden_people[0]
    segment = leaked.split("/")[1]
    events = tables.value(f"segments/{segment}/emergency_admissions")
    if events:
        figures[f"segments/{segment}/emergency_admissions"] = float(events)
        figures[f"segments/{segment}/per_1000"] = round(1000 * events / tables.value(leaked), 1)
    else:  # no admissions to divide: plant the share of the population instead
        figures[f"segments/{segment}/share_of_population"] = round(
            100 * tables.value(leaked) / tables.value("segments/total/persons"), 1
        )
    _, leaks = feasible_intervals(tables, figures, small=[leaked])
    assert leaked in {leak.key for leak in leaks}
    # 3. A suppressed count printed as a number in a marked cell.
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(document, "html.parser")
    cell = soup.find(attrs={"data-figure": leaked})
    assert cell is not None and cell.get_text(strip=True) == "[c]"
    assert small_count_problems(str(soup)) == []
    cell.string = str(tables.value(leaked))
    assert small_count_problems(str(soup)) != []
    # 4. The share of a place in the most deprived fifth, for a small number of people.
    smallest = min(
        (k for k in tables.cells if k.startswith("places/") and k.endswith("/core20")),
        key=lambda k: tables.value(k) if tables.value(k) > 0 else np.inf,
    )
    place = smallest.split("/")[1]
    figures = {
        k: v for k, v in shown_figures(document).items() if k in tables.cells or k in tables.ratios
    }
    if (
        figures.get(f"places/{place}/persons") is not None
        and 1 <= tables.value(smallest) < THRESHOLD
    ):
        figures[f"places/{place}/core20_population_share"] = round(
            100 * tables.value(smallest) / tables.value(f"places/{place}/persons"), 1
        )
        _, leaks = feasible_intervals(tables, figures, small=[smallest])
        assert smallest in {leak.key for leak in leaks}


def test_a_shortlisted_cohort_that_is_a_segment_is_protected_with_it():
    """A theme's cohort holding a segment's people must not undo the segment's protection."""
    atoms = pd.DataFrame(
        {
            "segment": ["a", "b", "c", "d"],
            "imd_decile": [1, 1, 2, 2],
            "place": ["P", "P", "P", "P"],
            "join": [JOIN_MATCHED] * 4,
            "cohort:last_year": [True, False, False, False],
            "persons": [40, 5, 300, 500],
            "emergency_admissions": [30, 0, 50, 60],
            "deaths": [20, 0, 1, 2],
        }
    )
    linked = link_report(atoms, segments=["a", "b", "c", "d"], shortlist={"last_year": None})
    figures = linked.shown()
    assert figures["segments/b/persons"] is None  # 5 people
    assert figures["segments/a/persons"] is None  # hidden with it against the total
    # The cohort's people are segment a's: shown, they would give both away.
    assert figures["shortlist/last_year/persons"] is None
    _, leaks = feasible_intervals(linked, figures, small=["segments/b/persons"])
    assert leaks == []
    figures["shortlist/last_year/persons"] = 40.0
    _, leaks = feasible_intervals(linked, figures, small=["segments/b/persons"])
    assert "segments/b/persons" in {leak.key for leak in leaks}
