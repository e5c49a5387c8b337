"""The room in words: shortlist overlap, agreement beside its baseline, groups and rounds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from toolkit.prioritise import (
    AgreementBaseline,
    Criterion,
    ScoringModel,
    agreement_baseline,
    compare_rounds,
    kendalls_w,
    room_consensus,
)
from toolkit.prioritise.consensus import _concordance, _random_weights

XY = [
    Criterion("x", "benefit", "min_max", 1.0, "Criterion x.", "x"),
    Criterion("y", "benefit", "min_max", 1.0, "Criterion y.", "y"),
]


def _model_xy(rows: dict[str, tuple[float, float]]) -> ScoringModel:
    table = pd.DataFrame(
        {
            "candidate": list(rows),
            "label": [name.capitalize() for name in rows],
            "x": [value[0] for value in rows.values()],
            "y": [value[1] for value in rows.values()],
        }
    )
    return ScoringModel(table, criteria=XY)


@pytest.fixture
def split_model() -> ScoringModel:
    """Normalised: alpha (1, .6), bravo (.6, 1), charlie (.7, .7), delta (0, 0).

    Weights (1, 0) rank alpha, charlie, bravo; weights (0, 1) rank bravo, charlie, alpha.
    """
    return _model_xy({"alpha": (10, 6), "bravo": (6, 10), "charlie": (7, 7), "delta": (0, 0)})


def _latest(weights, roles=None, round=None) -> pd.DataFrame:
    frame = pd.DataFrame(np.asarray(weights, dtype=float), columns=[f"weight_{c.name}" for c in XY])
    frame.insert(0, "table", [f"Table {i + 1}" for i in range(len(frame))])
    if roles is not None:
        frame.insert(1, "role", roles)
    if round is not None:
        frame["round"] = round
    return frame


# -- the overlap headline -----------------------------------------------------------------


def test_overlap_counts_a_hand_built_room(split_model):
    # Tables 1 and 2 list (alpha, charlie); table 3 lists (bravo, charlie). The room's
    # weights (2/3, 1/3) score alpha .867, bravo .733, charlie .7: the room lists
    # (alpha, bravo), neither of which is on every table's list (charlie is, but is not
    # the room's).
    room = room_consensus(_latest([[1, 0], [1, 0], [0, 1]]), model=split_model, size=2)
    assert room.shortlist_ids == ("alpha", "bravo")
    overlap = room.overlap
    assert overlap.on_every_list == ()
    assert overlap.shortlisted_by == {"alpha": 2, "bravo": 1, "charlie": 3, "delta": 0}
    assert overlap.first_choices.to_dict("list") == {
        "candidate": ["alpha", "bravo"],
        "label": ["Alpha", "Bravo"],
        "tables": [2, 1],
    }
    assert (
        overlap.sentence == "Neither priority is on every table's list; 2 tables put Alpha first."
    )


def test_overlap_when_every_table_agrees_and_when_one_shares(split_model):
    same = room_consensus(_latest([[1, 0], [2, 0], [3, 0]]), model=split_model, size=2)
    assert same.overlap.on_every_list == ("alpha", "charlie")
    assert same.overlap.sentence == (
        "Both priorities are on every table's list; every table puts Alpha first."
    )
    # Table 3's even weights score alpha and bravo .8 (alpha first by the tie-break),
    # charlie .7: its list is (alpha, bravo). The room's (5/6, 1/6) lists (alpha, charlie).
    one = room_consensus(_latest([[1, 0], [1, 0], [1, 1]]), model=split_model, size=2)
    assert one.shortlist_ids == ("alpha", "charlie")
    assert one.overlap.on_every_list == ("alpha",)
    assert one.overlap.sentence == (
        "1 of the 2 priorities is on every table's list; every table puts Alpha first."
    )
    # Size 3: every table's list is (alpha, bravo, charlie), in its own order.
    three = room_consensus(_latest([[1, 0], [0, 1], [1, 0], [0, 1]]), model=split_model, size=3)
    assert three.overlap.on_every_list == ("alpha", "bravo", "charlie")
    counts = three.overlap.first_choices.set_index("candidate")["tables"].to_dict()
    assert counts == {"alpha": 2, "bravo": 2}
    assert three.overlap.sentence == (
        "All 3 priorities are on every table's list; 2 tables put Alpha first and 2 put "
        "Bravo first."
    )


def test_overlap_of_one_table_says_so(split_model):
    room = room_consensus(_latest([[0, 1]]), model=split_model, size=2)
    assert room.overlap.on_every_list == ("bravo", "charlie")
    assert room.overlap.sentence.startswith("Only one table has submitted")
    assert "Bravo first" in room.overlap.sentence
    assert room.baseline is None and room.summary == room.overlap.sentence


# -- the agreement baseline -----------------------------------------------------------------


def correlated_model(count: int = 30, seed: int = 4) -> ScoringModel:
    """Four criteria sharing a common part (as burden measures do): W near 0.69 by chance."""
    rng = np.random.default_rng(seed)
    base = rng.random(count)
    table = pd.DataFrame(
        {f"c{j}": base + 3.0 * rng.random(count) for j in range(4)},
    )
    table.insert(0, "candidate", [f"k{i:02d}" for i in range(count)])
    table.insert(1, "label", [f"Candidate {i}" for i in range(count)])
    criteria = [Criterion(f"c{j}", "benefit", "min_max", 1.0, f"c{j}") for j in range(4)]
    return ScoringModel(table, criteria=criteria)


def _random_room(model: ScoringModel, tables: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 11, size=(tables, len(model.names))).astype(float)
    weights[weights.sum(axis=1) == 0] = 1.0  # a table moves at least one slider
    frame = pd.DataFrame(weights, columns=[f"weight_{name}" for name in model.names])
    frame.insert(0, "table", [f"Table {i + 1}" for i in range(tables)])
    return frame


def _simplex_room(model: ScoringModel, tables: int, seed: int) -> pd.DataFrame:
    """A room whose tables' weights are uniform on the simplex, as the baseline draws them."""
    frame = _random_room(model, tables, seed)
    shares = np.random.default_rng(seed).dirichlet(np.ones(len(model.names)), size=tables)
    frame.iloc[:, 1:] = shares
    return frame


def test_vectorised_agreement_equals_kendalls_w_with_ties():
    rng = np.random.default_rng(0)
    # Scores on a coarse grid, so that many candidates tie within a table.
    scores = np.round(rng.random((25, 6, 9)), 1)
    scores[3] = 0.5  # a room in which every table ties everything: W undefined
    simulated = _concordance(scores)
    for room in range(scores.shape[0]):
        ranks = stats.rankdata(-scores[room], method="average", axis=1)
        expected = kendalls_w(ranks).w
        if np.isnan(expected):
            assert np.isnan(simulated[room])
        else:
            assert_allclose(simulated[room], expected, rtol=1e-12, atol=1e-12)
    assert np.isnan(simulated[3])


def test_baseline_weights_are_uniform_on_the_simplex():
    # Uniform on the simplex of 3 criteria: each weight's marginal is Beta(1, 2).
    weights = _random_weights(np.random.default_rng(5), (4000, 5), 3)
    assert weights.shape == (4000, 5, 3)
    assert (weights >= 0).all()
    assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)
    marginal = stats.beta(1, 2).cdf
    for criterion in range(3):
        assert stats.kstest(weights[..., criterion].ravel(), marginal).pvalue > 0.01
    # The test tells the two apart: whole-number sliders 0 to 10, normalised (the draw the
    # baseline used before), cluster nearer equal weights and fail it.
    rng = np.random.default_rng(5)
    positions = rng.integers(0, 11, size=(20000, 3)).astype(float)
    positions = positions[positions.sum(axis=1) > 0]
    sliders = positions / positions.sum(axis=1, keepdims=True)
    assert stats.kstest(sliders[:, 0], marginal).pvalue < 1e-6


def test_baseline_of_two_candidates_matches_the_binomial_by_hand():
    # Candidate a is best on c0 only, b on c1 and c2: a table puts a first when its c0
    # weight is above 1/2, which under uniform weights (c0's weight is Beta(1, 2)) has
    # chance (1/2)^2 = 1/4. With 3 tables and k putting a first, W = (1 - 2k/3)^2: 1 when
    # all agree, chance (3/4)^3 + (1/4)^3 = 28/64, else 1/9. So the median is 1/9 and
    # the 95th percentile 1. (Whole-number sliders gave a median of 2/3: ties at c0 = c1
    # + c2 rank a and b alike.)
    criteria = [Criterion(f"c{j}", "benefit", "min_max", 1.0, f"c{j}") for j in range(3)]
    table = pd.DataFrame(
        {"candidate": ["a", "b"], "label": ["A", "B"], "c0": [1.0, 0.0]}
        | {"c1": [0.0, 1.0], "c2": [0.0, 1.0]}
    )
    model = ScoringModel(table, criteria=criteria)
    baseline = agreement_baseline(model, tables=3, draws=4000, seed=2, observed=1.0)
    assert baseline.median_w == pytest.approx(1 / 9)
    assert baseline.upper_w == pytest.approx(1.0)
    assert baseline.beyond is False


def test_nine_random_tables_agree_no_more_than_the_baseline():
    model = correlated_model()
    room = room_consensus(_simplex_room(model, 9, seed=12), model=model, size=5)
    baseline = room.baseline
    assert isinstance(baseline, AgreementBaseline)
    # Correlated criteria: random weights give a W that reads as "strong agreement" ...
    assert room.agreement.strength == "strong" and baseline.median_w > 0.6
    # ... and the room's W is within what random weights give.
    assert baseline.w == room.agreement.w
    assert room.agreement.w <= baseline.upper_w and baseline.beyond is False
    assert baseline.tables == 9 and baseline.draws == 200 and baseline.seed == 0
    assert "no more than any weights would" in baseline.sentence
    assert "agreement score (Kendall's W" in baseline.sentence
    # Over many rooms of weights drawn as the baseline draws them, about half fall below
    # its median and few beyond its 95th percentile.
    rooms = [
        room_consensus(_simplex_room(model, 9, seed=seed), model=model, baseline_draws=0)
        for seed in range(40)
    ]
    observed = np.array([r.agreement.w for r in rooms])
    assert 8 <= (observed < baseline.median_w).sum() <= 32
    assert (observed > baseline.upper_w).sum() <= 6


def test_identical_tables_agree_beyond_the_baseline():
    model = correlated_model()
    latest = _random_room(model, 9, seed=12)
    latest.iloc[:, 1:] = [7.0, 2.0, 5.0, 1.0]
    room = room_consensus(latest, model=model, size=5)
    assert room.agreement.w == pytest.approx(1.0)
    assert room.baseline.upper_w < 1.0 and room.baseline.beyond is True
    assert "more than random weights would" in room.baseline.sentence
    assert room.overlap.sentence.startswith("All 5 priorities are on every table's list")


def test_baseline_is_reproducible_for_a_seed():
    model = correlated_model()
    first = agreement_baseline(model, tables=6, draws=50, seed=3)
    again = agreement_baseline(model, tables=6, draws=50, seed=3)
    other = agreement_baseline(model, tables=6, draws=50, seed=4)
    assert first == again
    assert (first.median_w, first.upper_w) != (other.median_w, other.upper_w)
    # Drawn in chunks or at once, the figures are the same.
    import toolkit.prioritise.consensus as consensus

    chunk = consensus._BASELINE_CHUNK
    try:
        consensus._BASELINE_CHUNK = 6 * len(model) * 7  # 7 draws a chunk
        chunked = agreement_baseline(model, tables=6, draws=50, seed=3)
    finally:
        consensus._BASELINE_CHUNK = chunk
    assert chunked == first
    room = room_consensus(_random_room(model, 6, seed=1), model=model, seed=3, baseline_draws=50)
    assert (room.baseline.median_w, room.baseline.upper_w) == (first.median_w, first.upper_w)


def test_baseline_of_one_criterion_is_perfect_agreement():
    # With one criterion every weighting ranks alike: W is 1 whatever the weights, so a
    # room's W of 1 is no evidence of agreement.
    table = correlated_model().table[["candidate", "label", "c0"]]
    model = ScoringModel(table, criteria=[Criterion("c0", "benefit", "min_max", 1.0, "c0")])
    latest = pd.DataFrame({"table": ["A", "B", "C"], "weight_c0": [1.0, 5.0, 10.0]})
    room = room_consensus(latest, model=model, size=3)
    assert room.agreement.w == pytest.approx(1.0)
    assert room.baseline.median_w == pytest.approx(1.0)
    assert room.baseline.upper_w == pytest.approx(1.0)
    assert room.baseline.beyond is False


def test_baseline_options_and_refusals(split_model):
    latest = _latest([[1, 0], [0, 1]])
    assert room_consensus(latest, model=split_model, size=2, baseline_draws=0).baseline is None
    with pytest.raises(ValueError, match="baseline_draws"):
        room_consensus(latest, model=split_model, size=2, baseline_draws=-1)
    with pytest.raises(ValueError, match="tables"):
        agreement_baseline(split_model, tables=1)
    with pytest.raises(TypeError, match="draws"):
        agreement_baseline(split_model, tables=2, draws=2.5)
    alone = agreement_baseline(split_model, tables=3, draws=20)
    assert alone.w is None and alone.beyond is False
    assert "random weights on these criteria would give about" in alone.sentence


def test_summary_puts_the_overlap_first_and_agreement_second():
    model = correlated_model()
    room = room_consensus(_random_room(model, 5, seed=2), model=model)
    assert room.summary == f"{room.overlap.sentence} {room.baseline.sentence}"
    for word in ("chi-square", "decile", "SII", "p ="):
        assert word not in room.summary
    bare = room_consensus(_random_room(model, 5, seed=2), model=model, baseline_draws=0)
    assert bare.summary.startswith(room.overlap.sentence)
    assert f"is {room.agreement.w:.2f}." in bare.summary


# -- stakeholder groups -----------------------------------------------------------------


def test_groups_come_from_the_role_or_the_mapping(split_model):
    latest = _latest([[1, 0], [1, 0], [0, 1]], roles=["Clinicians", "", "Residents"])
    room = room_consensus(latest, model=split_model, size=2)
    assert room.groups == {
        "Table 1": "Clinicians",
        "Table 2": "Mixed table",
        "Table 3": "Residents",
    }
    given = room_consensus(latest, model=split_model, size=2, groups={"Table 2": "Clinicians"})
    assert given.groups["Table 2"] == "Clinicians" and given.groups["Table 3"] == "Residents"
    plain = room_consensus(_latest([[1, 0], [0, 1]]), model=split_model, size=2)
    assert set(plain.groups.values()) == {"Mixed table"}


@pytest.mark.parametrize("aggregation", ["arithmetic_mean", "median", "geometric_mean"])
def test_by_group_is_the_room_of_that_group_alone(aggregation):
    model = correlated_model(count=40, seed=9)
    latest = _random_room(model, 9, seed=5)
    latest.insert(1, "role", ["Residents", "Council", "Clinicians"] * 3)
    weights = [column for column in latest.columns if column.startswith("weight_")]
    latest[weights] = latest[weights].clip(lower=1.0)  # a geometric mean needs no zero
    room = room_consensus(latest, model=model, size=4, aggregation=aggregation)
    groups = room.by_group()
    assert groups["group"].tolist() == ["Residents", "Council", "Clinicians"]
    assert groups["tables"].tolist() == [3, 3, 3]
    labels = dict(zip(room.rankings["candidate"], room.rankings["label"], strict=True))
    for row in groups.itertuples(index=False):
        alone = room_consensus(
            latest[latest["role"] == row.group],
            model=model,
            size=4,
            aggregation=aggregation,
            baseline_draws=0,
        )
        assert row.shortlist == alone.shortlist_ids
        assert row.labels == tuple(labels[c] for c in alone.shortlist_ids)
        assert list(row.shortlist) == alone.shortlist["candidate"].astype(str).tolist()


def test_group_effect_is_the_room_with_and_without_the_group():
    model = correlated_model(count=40, seed=9)
    latest = _random_room(model, 9, seed=5)
    latest.insert(1, "role", ["Residents", "Residents", "Council"] + ["Clinicians"] * 6)
    room = room_consensus(latest, model=model, size=5)
    for group in ("Residents", "Council", "Clinicians"):
        effect = room.group_effect(group)
        without = room_consensus(
            latest[latest["role"] != group], model=model, size=5, baseline_draws=0
        ).shortlist_ids
        assert effect.came_in == tuple(c for c in room.shortlist_ids if c not in without)
        assert effect.went_out == tuple(c for c in without if c not in room.shortlist_ids)
        assert effect.tables == int((latest["role"] == group).sum())
        assert effect.every_table is False


def test_group_effect_in_words(split_model):
    # Without the residents' table 3 the room is tables 1 and 2 alone: (alpha, charlie).
    latest = _latest([[1, 0], [1, 0], [0, 1]], roles=["Clinicians", "Clinicians", "Residents"])
    room = room_consensus(latest, model=split_model, size=2)
    residents = room.group_effect("Residents")
    assert (residents.came_in, residents.went_out) == (("bravo",), ("charlie",))
    assert residents.sentence == (
        "Without the Residents group's table the room's list would have Charlie instead of Bravo."
    )
    clinicians = room.group_effect("Clinicians")  # table 3 alone: (bravo, charlie)
    assert (clinicians.came_in, clinicians.went_out) == (("alpha",), ("charlie",))
    assert "Clinicians group's 2 tables" in clinicians.sentence
    with pytest.raises(ValueError, match="Council"):
        room.group_effect("Council")


def test_group_that_changes_nothing_or_holds_every_table(split_model):
    # (1, 0), (0, 1) and (1, 1): the room's weights are (.5, .5) with or without table 3.
    latest = _latest([[1, 0], [0, 1], [1, 1]], roles=["Council", "Residents", "Clinicians"])
    room = room_consensus(latest, model=split_model, size=2)
    effect = room.group_effect("Clinicians")
    assert effect.came_in == effect.went_out == ()
    assert "made no difference" in effect.sentence
    everyone = room_consensus(
        _latest([[1, 0], [0, 1]], roles=["Residents", "Residents"]), model=split_model, size=2
    )
    whole = everyone.group_effect("Residents")
    assert whole.every_table is True and whole.came_in == whole.went_out == ()
    assert whole.sentence.startswith("Every table is in the Residents group")


# -- rounds -----------------------------------------------------------------------------


def test_compare_rounds_names_what_came_in_and_went_out(split_model):
    first = room_consensus(_latest([[1, 0], [1, 0], [0, 1]], round=1), model=split_model, size=2)
    second = room_consensus(_latest([[1, 0], [1, 0], [1, 0]], round=2), model=split_model, size=2)
    assert (first.round, second.round) == (1, 2)
    assert first.shortlist_ids == ("alpha", "bravo")
    assert second.shortlist_ids == ("alpha", "charlie")
    change = compare_rounds(first, second)
    assert change.came_in == ("charlie",)
    assert change.went_out == ("bravo",)
    assert change.stayed == ("alpha",)
    assert change.tables_changed == ("Table 3",)
    assert (change.on_every_list_before, change.on_every_list_after) == (0, 2)
    assert change.w_before == first.agreement.w and change.w_after == second.agreement.w
    assert change.rounds == (1, 2)
    assert change.sentence.startswith(
        "Between rounds 1 and 2, Charlie came in and Bravo went out; 2 of 2 priorities are "
        "now on every table's list, up from 0."
    )
    assert f"went from {first.agreement.w:.2f} to {second.agreement.w:.2f}" in change.sentence
    back = compare_rounds(second, first, rounds=(2, 3))
    assert (back.came_in, back.went_out) == (("bravo",), ("charlie",))
    assert "down from 2" in back.sentence and back.sentence.startswith("Between rounds 2 and 3")


def test_compare_rounds_when_nothing_changed(split_model):
    latest = _latest([[1, 0], [0, 1], [1, 1]])
    room = room_consensus(latest, model=split_model, size=2)
    change = compare_rounds(room, room)
    assert change.came_in == change.went_out == change.tables_changed == ()
    assert change.stayed == room.shortlist_ids
    assert "the room's list stayed the same" in change.sentence
    with pytest.raises(TypeError, match="RoomConsensus"):
        compare_rounds(room, latest)
