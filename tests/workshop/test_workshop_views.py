"""The participant and facilitator views, driven as a test would drive a slider."""

from __future__ import annotations

import re

import numpy as np
import pytest

from toolkit.prioritise import change_of_model, score_priorities
from toolkit.workshop import FacilitatorApp, ParticipantApp, kendalls_w

from .conftest import CRITERIA, NAMES


def shown_order(app: ParticipantApp) -> list[str]:
    """Candidate ids in the order the ranking's HTML lists them."""
    return re.findall(r'<tr data-candidate="([^"]+)"', app.ranking.value)


def shown_version(app: ParticipantApp) -> int:
    return int(re.search(r'data-version="(\d+)"', app.ranking.value).group(1))


def expected_order(candidates, weights: dict[str, float]) -> list[str]:
    return score_priorities(candidates, criteria=CRITERIA, weights=weights)["candidate"].tolist()


def test_moving_a_slider_reranks_as_score_priorities_says(workshop, candidates):
    app = ParticipantApp(workshop)
    assert shown_order(app) == expected_order(candidates, dict.fromkeys(NAMES, 5.0))
    version = shown_version(app)
    for name, value in [("burden", 10), ("inequality", 0), ("cost", 9), ("feasibility", 1)]:
        app.sliders[name].value = value
        assert shown_version(app) > version
        version = shown_version(app)
        assert app.weights()[name] == value
        assert shown_order(app) == expected_order(candidates, app.weights())
        assert list(app.order()) == shown_order(app)
    frame = app.ranking_frame()
    scored = score_priorities(candidates, criteria=CRITERIA, weights=app.weights())
    assert frame["candidate"].tolist() == scored["candidate"].tolist()
    np.testing.assert_allclose(frame["score"], scored["score"].round(3))


def test_shortlist_size_marks_the_top_rows(workshop):
    app = ParticipantApp(workshop)
    assert app.ranking.value.count('class="ph-in"') == 3
    app.shortlist_size.value = 5
    assert app.ranking.value.count('class="ph-in"') == 5
    assert "Shortlist of 5 ends here" in app.ranking.value
    assert app.shortlist() == list(app.order()[:5])


def test_explanation_names_the_weight_that_moves_it(workshop):
    app = ParticipantApp(workshop)
    app.sliders["burden"].value = 9
    chosen = app.order()[1]
    app.candidate_picker.value = chosen
    text = app.explanation.value
    assert f'data-candidate="{chosen}"' in text
    assert "is ranked <b>2</b> of 12" in text
    assert "inside your shortlist of 3" in text
    changes = [
        change_of_model(workshop.model, app.weights(), candidate=chosen, criterion=name, size=3)
        for name in NAMES
    ]
    best = min((c for c in changes if c.change is not None), key=lambda c: abs(c.change))
    assert best.message.replace("'", "&#x27;") in text
    outside = app.order()[-1]
    app.candidate_picker.value = outside
    assert "outside your shortlist of 3" in app.explanation.value
    assert "into the shortlist" in app.explanation.value


def test_all_zero_weights_show_a_message_not_a_ranking(workshop):
    app = ParticipantApp(workshop)
    for slider in app.sliders.values():
        slider.value = 0
    assert "Give at least one criterion some weight" in app.ranking.value
    app.table_name.value = "Table 1"
    assert app.submit() is None
    assert "at least one criterion" in app.confirmation.value
    app.sliders["cost"].value = 3
    assert len(shown_order(app)) == 12


def test_submit_and_resubmit(workshop):
    app = ParticipantApp(workshop)
    assert app.submit() is None
    assert "type your table" in app.confirmation.value

    app.table_name.value = "Table 4"
    app.role.value = "Residents"
    app.sliders["inequality"].value = 10
    app.dot_pickers[0].value = app.order()[0]
    app.dot_pickers[1].value = app.order()[0]
    first = app.submit()
    assert first is not None
    assert f'data-submission="{first}"' in app.confirmation.value
    assert "replaces" not in app.confirmation.value

    other = ParticipantApp(workshop)  # another browser tab, another kernel in real life
    other.table_name.value = "table 4"
    other.sliders["burden"].value = 0
    second = other.submit()
    assert f"earlier submission (number {first})" in other.confirmation.value

    log = workshop.store.submissions(workshop.name)
    assert log["submission_id"].tolist() == [first, second]
    assert log["superseded"].tolist() == [True, False]
    assert log["role"].tolist() == ["Residents", "Mixed table"]
    assert log["weight_inequality"].tolist() == [10.0, 5.0]
    assert log["shortlist"].iloc[0] == "; ".join(app.shortlist())
    votes = workshop.store.dot_votes(workshop.name, latest=False)
    assert votes[["candidate", "dots"]].values.tolist() == [[app.order()[0], 2]]


def test_facilitator_shows_every_table_and_agreement(workshop, tmp_path):
    facilitator = FacilitatorApp(workshop)
    assert facilitator.room is None
    assert "No table has submitted yet" in facilitator.status.value

    tables = {"Table 1": {"burden": 10, "cost": 1}, "Table 2": {"inequality": 8, "cost": 0}}
    for table, moves in tables.items():
        app = ParticipantApp(workshop)
        app.table_name.value = table
        for name, value in moves.items():
            app.sliders[name].value = value
        app.submit()
    room = facilitator.refresh()
    assert room.tables == ("Table 1", "Table 2")
    assert "<b>2</b> tables have submitted" in facilitator.status.value
    for table in tables:
        assert table in facilitator.rankings.value
    ranks = room.table_ranks.to_numpy().T
    assert np.isclose(room.agreement.w, kendalls_w(ranks).w)  # no tied scores here
    assert f'data-w="{room.agreement.w:.6f}"' in facilitator.agreement.value
    assert facilitator.refresh() is room  # nothing new: not redrawn

    facilitator.aggregation.value = "median"
    assert facilitator.room is not room and facilitator.room.aggregation == "median"
    facilitator.shortlist_size.value = 4
    assert len(facilitator.room.shortlist) == 4
    assert facilitator.shortlist.value.count("<tr data-candidate=") == 4

    paths = facilitator.export(tmp_path)
    assert sorted(paths) == ["log_csv", "log_json", "room_rankings"]
    assert all(path.is_file() for path in paths.values())
    assert "Written:" in facilitator.exported.value
    facilitator.close()


def test_views_reject_a_non_workshop():
    with pytest.raises(TypeError, match="must be a Workshop"):
        ParticipantApp("workshop.toml")
    with pytest.raises(TypeError, match="must be a Workshop"):
        FacilitatorApp(None)


def test_shortlist_takes_one_candidate_per_cohort(cohort_workshop):
    from toolkit.prioritise import shortlist

    table, workshop = cohort_workshop
    assert workshop.per_cohort == 1
    app = ParticipantApp(workshop)
    for weights in ({}, {"burden": 10, "inequality": 0}, {"cost": 0, "feasibility": 10}):
        for name, value in weights.items():
            app.sliders[name].value = value
        expected = shortlist(
            score_priorities(table, criteria=CRITERIA, weights=app.weights()), size=3
        )
        assert app.shortlist() == expected["candidate"].tolist()
        segments = table.set_index("candidate").loc[app.shortlist(), "segment"]
        assert segments.is_unique
        places = dict(
            re.findall(
                r'data-candidate="([^"]+)" data-rank="\d+" '
                r'data-position="(\d+)"',
                app.ranking.value,
            )
        )
        assert [c for c, p in sorted(places.items(), key=lambda i: int(i[1])) if p != "0"] == (
            app.shortlist()
        )
    skipped = [
        candidate
        for candidate in app.order()[: app.order().index(app.shortlist()[-1])]
        if candidate not in app.shortlist()
    ]
    assert skipped, "the weights above should skip at least one candidate for its cohort"
    assert "same cohort as priority" in app.ranking.value
    app.candidate_picker.value = skipped[0]
    assert "Its cohort already has a place in the shortlist" in app.explanation.value


def test_facilitator_counts_per_cohort_shortlists(cohort_workshop):
    from toolkit.prioritise import shortlist

    table, workshop = cohort_workshop
    tables = {"Table 1": {"burden": 10}, "Table 2": {"cost": 10, "burden": 0}}
    expected_lists = {}
    for name, moves in tables.items():
        app = ParticipantApp(workshop)
        app.table_name.value = name
        for criterion, value in moves.items():
            app.sliders[criterion].value = value
        app.submit()
        expected_lists[name] = shortlist(
            score_priorities(table, criteria=CRITERIA, weights=app.weights()), size=3
        )["candidate"].tolist()
    room = FacilitatorApp(workshop).refresh()
    for name, expected in expected_lists.items():
        chosen = room.table_shortlists[name]
        assert sorted(chosen.index[chosen]) == sorted(expected)
    counts = room.rankings.set_index("candidate")["shortlisted_by"]
    for candidate, count in counts.items():
        assert count == sum(candidate in chosen for chosen in expected_lists.values())
    assert room.rankings.loc[room.rankings["room_position"] > 0, "candidate"].tolist() == sorted(
        room.shortlist["candidate"].tolist(), key=room.rankings["candidate"].tolist().index
    )
