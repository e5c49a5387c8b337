"""A system too small for any theme: the prioritisation is empty and the report says so."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure

from toolkit.report import sections as report
from toolkit.report.config import DEFAULT_ADMISSION_COST_GBP
from toolkit.report.tables import BoardTable, BoardText
from toolkit.workshop import SubmissionStore

TINY_PERSONS = 300
SEED = 20261122
NOTHING = "No priority could be suggested"


@pytest.fixture(scope="module")
def tiny():
    """A 300-person demo system, its evidence and its (empty) prioritisation."""
    from toolkit.data import make_demo_system
    from toolkit.indicators import deprivation_profile
    from toolkit.prioritise import prioritise_persons
    from toolkit.report import demo_config, load_inputs
    from toolkit.segment import build_cube, load_rules

    system = make_demo_system(persons=TINY_PERSONS, seed=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        priorities = prioritise_persons(system.persons, seed=SEED, draws=500)
    config = demo_config(persons=TINY_PERSONS, seed=SEED)
    inputs = load_inputs(config)
    model = load_rules("bridges_to_health")
    cube = build_cube(inputs.persons, model=model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile = deprivation_profile(
            cube,
            events="emergency_admissions",
            unit_cost=DEFAULT_ADMISSION_COST_GBP,
            seed=SEED,
            reps=1_000,
        )
    return SimpleNamespace(
        system=system,
        priorities=priorities,
        config=config,
        inputs=inputs,
        model=model,
        cube=cube,
        profile=profile,
    )


def _text(shown: BoardText | BoardTable) -> str:
    """The plain text and the words of the HTML of a section, for one check of both."""
    markup = shown.html if isinstance(shown, BoardText) else shown.to_html()
    words = BeautifulSoup(markup, "html.parser").get_text(" ", strip=True)
    return f"{shown}\n{words}"


def test_prioritise_persons_on_a_tiny_system_is_empty_not_an_error(tiny, evidence):
    from toolkit.prioritise import priorities_frame
    from toolkit.prioritise.themes import load_themes

    priorities = tiny.priorities
    assert priorities.is_empty
    assert priorities.labels == []
    assert len(priorities.shortlist) == 0 and len(priorities.candidates) == 0
    # The same columns as a prioritisation with candidates, so every surface can read it.
    assert list(priorities.shortlist.columns) == list(evidence.priorities.shortlist.columns)
    assert list(priorities.candidates.columns) == list(evidence.priorities.candidates.columns)
    # Every theme is left out, each with its reason.
    assert sorted(priorities.excluded["theme"]) == sorted(theme.id for theme in load_themes())
    assert priorities.excluded["reason"].str.len().gt(0).all()
    assert priorities.excluded["reason"].str.contains("fewer than 10").any()
    # The robustness is valid and empty, with the draws and seed asked for.
    acceptability = priorities.acceptability
    assert acceptability.candidates == () and acceptability.p_shortlist.shape == (0,)
    assert acceptability.draws == 500 and acceptability.seed == SEED
    assert acceptability.summary().empty and acceptability.to_frame().empty
    assert acceptability.matrix().shape == (0, 0)
    assert priorities.settings["draws"] == 500 and priorities.settings["seed"] == SEED
    assert priorities.scoring is None
    assert str(priorities).startswith(NOTHING)
    assert priorities_frame(priorities).empty
    assert "<table" in priorities._repr_html_()


def test_prioritise_with_nothing_measured_still_checks_its_arguments(tiny):
    from toolkit.prioritise import prioritise
    from toolkit.prioritise.theme_measures import theme_candidates
    from toolkit.segment import build_cohort_cube

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        candidates = theme_candidates(build_cohort_cube(tiny.system.persons), None)
    assert len(candidates.table) == 0
    with pytest.raises(ValueError, match="names criteria that are not declared"):
        prioritise(candidates, weights={"no_such_criterion": 1.0})
    with pytest.raises(ValueError, match="'size' parameter"):
        prioritise(candidates, size=99)
    weights = {criterion.name: 1.0 for criterion in tiny.priorities.criteria}
    first = next(iter(weights))
    weights[first] = 3.0
    result = prioritise(candidates, weights=weights, draws=10, seed=1)
    assert result.is_empty and result.weights == weights
    assert result.acceptability.weights.sum() == pytest.approx(1.0)


def test_shortlist_sections_say_no_priority_could_be_suggested(tiny):
    priorities = tiny.priorities
    table = report.shortlist_table(priorities, period="2025/26", threshold=10)
    assert isinstance(table, BoardTable)
    assert table.cells.shape == (1, 1) and NOTHING in table.cells.iloc[0, 0]
    assert "2025/26" in table.caption
    assert NOTHING in _text(table)

    reasons = report.shortlist_reasons(priorities)
    assert NOTHING in _text(reasons) and "<li>" not in reasons.html

    excluded = report.excluded_themes(priorities)
    text = _text(excluded)
    assert NOTHING in text
    for label, reason in zip(
        priorities.excluded["label"], priorities.excluded["reason"], strict=True
    ):
        assert f"{label}: {reason}." in excluded.text
    assert excluded.html.count("<li>") == len(priorities.excluded)


def test_robustness_figure_says_there_is_nothing_to_compare(tiny):
    figure = report.robustness_figure(tiny.priorities, period="2025/26")
    assert isinstance(figure, Figure)
    assert figure.axes, "a figure without axes is not drawn in a notebook"
    words = " ".join(text.get_text() for ax in figure.axes for text in ax.texts)
    assert NOTHING in words and "no priorities to compare" in words
    assert "2025/26" in figure.axes[0].get_title(loc="left")


def test_board_asks_and_at_a_glance_name_no_priority(tiny):
    asks = report.board_asks(tiny.priorities, tiny.profile, config=tiny.config, workshop_held=False)
    text = _text(asks)
    assert NOTHING in text
    assert "Agree the 0 priorities" not in text and "priorities above" not in text

    figures = report.segment_figures(tiny.cube, labels=tiny.model.labels)
    glance = report.at_a_glance(
        figures,
        neighbourhoods=len(tiny.inputs.areas),
        places=tiny.inputs.areas["place"].nunique(),
        profile=tiny.profile,
        priorities=tiny.priorities,
        config=tiny.config,
    )
    text = _text(glance)
    assert f"{NOTHING}: no theme had enough people" in text and "(see section 4)" in text
    assert "Suggested priorities (0)" not in text


def test_workshop_section_with_no_priorities_shows_the_weights_only(tiny, tmp_path):
    from toolkit.report import read_decision_log

    names = [criterion.name for criterion in tiny.priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    rng = np.random.default_rng(3)
    for table in ("Table 1", "Table 2"):
        store.submit("March", table, "Mixed", {n: float(rng.integers(1, 11)) for n in names}, ["x"])
    from toolkit.report._room_record import room_weights

    log = read_decision_log(store.export("March", tmp_path / "log.json"))
    weights = room_weights(log, tiny.priorities.criteria)  # as compute_board_figures does
    text, weights_table, consensus_table, figure = report.workshop_section(
        log, tiny.priorities, config=tiny.config, room_weights=weights
    )
    assert "2 tables at the 'March' workshop" in text.text and NOTHING in text.text
    assert list(weights_table.cells.columns) == [
        "Criterion",
        "Table 1",
        "Table 2",
        "Room (average)",
    ]
    assert len(weights_table.cells) == len(names)
    assert NOTHING in _text(consensus_table)
    assert isinstance(figure, Figure)
    # The report's figures with this log: no room's answer to rebuild, and no crash.
    from dataclasses import replace

    from toolkit.report.figures import compute_board_figures

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = compute_board_figures(
            replace(tiny.config, decision_log=str(tmp_path / "log.json")), progress=False
        )
    assert figures.priorities.is_empty and figures.room is None
    assert figures.shown_instead is None
    assert list(figures.room_weights.table_weights.columns) == ["Table 1", "Table 2"]
    assert np.allclose(figures.room_weights.room, weights.room)


@pytest.mark.slow
def test_board_report_of_a_tiny_system_builds(tmp_path):
    import nbformat

    from toolkit.report import build_report, demo_config

    result = build_report(
        demo_config(persons=TINY_PERSONS), tmp_path / "out", progress=False, pdf=False
    )
    notebook = nbformat.read(result.notebook, as_version=4)
    assert not [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    soup = BeautifulSoup(result.html.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ", strip=True)
    assert NOTHING in text
    assert "Suggested priorities (0)" not in text
    assert "<Figure size" not in text  # the robustness figure is drawn, not printed


def test_the_no_workshop_note_says_there_was_nothing_to_weigh(tiny):
    text = _text(report.no_workshop_note(tiny.priorities))
    assert "nothing for the tables to weigh" in text
    assert "shortlist above" not in text


def test_a_workshop_cannot_be_prepared_on_an_empty_prioritisation(tiny, tmp_path):
    from toolkit.workshop import prepare_workshop

    with pytest.raises(ValueError, match="No priority could be suggested"):
        prepare_workshop(tiny.priorities, out_dir=tmp_path / "workshop")
    assert not (tmp_path / "workshop").exists()
