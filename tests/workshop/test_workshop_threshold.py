"""The workshop shows counts at the prioritisation's disclosure threshold (review 8, finding 4).

A count below the threshold is "fewer than 20" at a threshold of 20, as the board report
built from the same prioritisation says it, not the count itself.
"""

from __future__ import annotations

import pytest

from toolkit.workshop import ParticipantApp, load_workshop, prepare_workshop
from toolkit.workshop._table_facts import facts_line

from .conftest import CRITERIA, make_candidates


def test_facts_line_words_a_count_below_the_given_threshold_as_fewer_than_it():
    row = {"events_a_year": 15.0, "outcome_label": "Emergency admissions"}
    assert facts_line(row) == "15 emergency admissions a year"
    assert facts_line(row, threshold=20) == "fewer than 20 emergency admissions a year"


def test_a_workshop_prepared_at_a_threshold_of_20_shows_fewer_than_20(tmp_path):
    table = make_candidates().assign(events_a_year=15.0, outcome_label="Emergency admissions")
    shown = {}
    for threshold in (None, 20):
        config = prepare_workshop(
            table,
            out_dir=tmp_path / f"at-{threshold}",
            criteria=CRITERIA,
            shortlist_size=3,
            threshold=threshold,
        )
        workshop = load_workshop(config)
        assert workshop.threshold == (threshold or 10)
        page = ParticipantApp(workshop, submit_pause=0)
        shown[threshold] = set(page._facts)
    assert shown[None] == {"15 emergency admissions a year"}
    assert shown[20] == {"fewer than 20 emergency admissions a year"}


@pytest.mark.parametrize("threshold", [0, 2.5, True, "20"])
def test_a_threshold_that_is_not_a_whole_number_of_1_or_more_is_refused(tmp_path, threshold):
    config = prepare_workshop(
        make_candidates(), out_dir=tmp_path / "w", criteria=CRITERIA, shortlist_size=3
    )
    assert "threshold = 10" in config.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="'threshold' parameter of prepare_workshop"):
        prepare_workshop(
            make_candidates(),
            out_dir=tmp_path / "w",
            criteria=CRITERIA,
            shortlist_size=3,
            overwrite=True,
            threshold=threshold,
        )
    text = config.read_text(encoding="utf-8").replace(
        "threshold = 10", f"threshold = {threshold!r}".replace("'", '"')
    )
    config.write_text(text.replace("threshold = True", "threshold = true"), encoding="utf-8")
    with pytest.raises(ValueError, match="'threshold' setting in"):
        load_workshop(config)


def test_a_workshop_prepared_from_a_prioritisation_takes_its_threshold(tmp_path):
    """The prioritisation records the threshold its candidates were worded at (review 8)."""
    import dataclasses

    from toolkit.data import make_demo_system
    from toolkit.prioritise import prioritise, theme_candidates
    from toolkit.segment import build_cohort_cube

    persons = make_demo_system(persons=20_000, seed=11).persons
    candidates = theme_candidates(build_cohort_cube(persons), min_events=0)
    at_20 = prioritise(dataclasses.replace(candidates, threshold=20), size=3, draws=20)
    assert at_20.settings["threshold"] == 20
    folder = prepare_workshop(at_20, out_dir=tmp_path / "w", tables=2)
    assert load_workshop(folder).threshold == 20
    at_10 = prioritise(candidates, size=3, draws=20)
    assert at_10.settings["threshold"] == 10
