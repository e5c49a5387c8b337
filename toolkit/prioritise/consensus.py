"""Where the tables agree: rankings side by side, the room's weights and Kendall's W.

Each table's weights are re-scored with the prepared :class:`~toolkit.prioritise.ScoringModel`;
the room's weights aggregate the tables' weight shares (arithmetic mean, geometric mean
or median) and give the room's shortlist through :func:`toolkit.prioritise.shortlist`.
Agreement between the tables' rankings is Kendall's coefficient of concordance W.

The room reads agreement in words first (:class:`ShortlistOverlap`: how many of the room's
priorities are on every table's list, which priority the tables put first). W is kept as a
secondary figure beside its baseline (:class:`AgreementBaseline`): the distribution of W when
each table's weights are drawn at random (uniform on the simplex) over the same candidates
and criteria. Criteria that are correlated rank most candidates alike whatever the weights,
so a high W alone is no evidence that the tables agree. :meth:`RoomConsensus.by_group` and
:meth:`RoomConsensus.group_effect` show each stakeholder group's list and what its tables
changed; :func:`compare_rounds` what changed between two rounds.

This module holds :func:`room_consensus` and :func:`agreement_baseline`; the room's weights
(``_aggregation``), Kendall's W (``_agreement``), :class:`RoomConsensus` (``_room``) and
:func:`compare_rounds` (``_rounds``) live in private modules beside it, and every public
name is importable from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats

from toolkit._params import SEED, InstanceOf, Interval, StrOptions, validate_params
from toolkit.defaults import SCORE_SCALE, SHORTLIST_SIZE

# Re-exported: the public names this module had before it was split by job (issue 17).
from toolkit.prioritise._aggregation import (  # noqa: F401
    AGGREGATION_LABELS,
    AGGREGATIONS,
    WEIGHT_PREFIX,
    Aggregation,
    aggregate_weights,
    weight_shares,
)
from toolkit.prioritise._agreement import (  # noqa: F401
    AGREEMENT_BANDS,
    AgreementBaseline,
    KendallW,
    baseline_sentence,
    concordance_terms,
    kendalls_w,
)
from toolkit.prioritise._room import (  # noqa: F401
    MIXED_GROUP,
    GroupEffect,
    RoomConsensus,
    ShortlistOverlap,
    overlap,
)
from toolkit.prioritise._rounds import RoundChange, compare_rounds  # noqa: F401
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN
from toolkit.prioritise.scoring import (
    DEFAULT_PER_COHORT,
    DEFAULT_SHORTLIST_CAP,
    TIE_DECIMALS,
    ScoringModel,
    rank_scores,
    shortlist,
)

#: Largest number of scores (draws x tables x candidates) the agreement baseline scores in
#: one matrix product; larger simulations are scored in chunks of draws to bound memory.
_BASELINE_CHUNK = 4_000_000


#: Constraints of the consensus functions' options (see :func:`validate_params`).
_MODEL = [InstanceOf(ScoringModel, "a ScoringModel")]


def _concordance(scores: np.ndarray) -> np.ndarray:
    """Kendall's W of many rooms at once, from scores of shape (..., tables, candidates).

    Scores that agree to :data:`~toolkit.prioritise.scoring.TIE_DECIMALS` decimals share
    their mean rank, as :func:`room_consensus` ranks them for the observed W, and the tie
    correction is the same as :func:`kendalls_w`'s. Vectorised with no loop over rooms or
    tables: each table's scores are sorted once, runs of equal scores found by comparing
    neighbours, and the runs' mean positions and sizes summed with ``numpy.bincount``.
    Returns NaN for a room in which every table ties everything.
    """
    *rooms, raters, items = scores.shape
    values = -np.round(scores.reshape(-1, items), TIE_DECIMALS)
    rows = values.shape[0]
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    run = np.cumsum(starts.ravel()) - 1  # runs of equal scores, numbered across all rows
    positions = np.tile(np.arange(1.0, items + 1.0), rows)
    sizes = np.bincount(run)
    mean_position = np.bincount(run, weights=positions) / sizes
    ranks = np.empty_like(values)
    np.put_along_axis(ranks, order, mean_position[run].reshape(rows, items), axis=1)
    run_row = np.repeat(np.arange(rows), starts.sum(axis=1))
    ties = np.bincount(run_row, weights=sizes**3.0 - sizes, minlength=rows)
    ranks = ranks.reshape(*rooms, raters, items)
    ties = ties.reshape(*rooms, raters).sum(axis=-1)
    totals = ranks.sum(axis=-2)
    numerator, denominator = concordance_terms(totals, ties, raters, items)
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, np.nan)


def _random_weights(rng: np.random.Generator, shape: tuple[int, ...], criteria: int) -> np.ndarray:
    """Weight shares drawn uniformly on the simplex, shape ``(*shape, criteria)``.

    Each row is a Dirichlet draw with every parameter 1: every split of the weight among
    the criteria is equally likely (each share of 3 criteria, for example, is Beta(1, 2)).
    """
    return rng.dirichlet(np.ones(criteria), size=shape)


@validate_params(
    {
        "model": _MODEL,
        "tables": [Interval(Integral, 2, None, closed="left")],
        "observed": [Interval(Real, None, None, closed="neither"), None],
        "draws": [Interval(Integral, 1, None, closed="left")],
        "seed": [SEED],
    }
)
def agreement_baseline(
    model: ScoringModel,
    *,
    tables: int,
    observed: float | None = None,
    draws: int = 200,
    seed: int = 0,
) -> AgreementBaseline:
    """Simulate the agreement score (Kendall's W) that tables choosing weights at random give.

    Each simulated room has ``tables`` tables; each table's weights are drawn at random,
    uniform on the simplex (a Dirichlet draw with every parameter 1: every split of the
    weight among the criteria is equally likely). The candidates are scored by the same
    model and ranked with ties as for the room's own W (:func:`room_consensus`), and W is
    computed for each room. Criteria that rank most candidates alike make W high whatever
    the weights; the room's W means agreement only when it is above what these random rooms
    give.

    Parameters
    ----------
    model : ScoringModel
        The workshop's prepared scoring model.
    tables : int
        Tables in each simulated room (at least 2).
    observed : float, optional
        The room's own W, to compare with the simulated ones.
    draws : int
        How many rooms to simulate (at least 1; 200 by default).
    seed : int
        Seed of the random numbers (``numpy.random.default_rng``): the same seed gives the
        same baseline.

    Returns
    -------
    AgreementBaseline

    Raises
    ------
    TypeError, ValueError
        When an argument is of the wrong type or out of range.

    Notes
    -----
    Vectorised: all weights are drawn at once, scored by one matrix product
    (:meth:`ScoringModel.batch_scores`; in chunks of draws when the simulation is large)
    and ranked along the last axis, with no loop over rooms or tables.
    """
    tables, draws, seed = int(tables), int(draws), int(seed)
    criteria, candidates = len(model.names), len(model)
    rng = np.random.default_rng(seed)
    shares = _random_weights(rng, (draws, tables), criteria)
    chunk = max(1, _BASELINE_CHUNK // max(1, tables * candidates))
    simulated = np.empty(draws)
    for start in range(0, draws, chunk):
        part = shares[start : start + chunk]
        scores = model.batch_scores(part.reshape(-1, criteria))
        simulated[start : start + chunk] = _concordance(
            scores.reshape(part.shape[0], tables, candidates)
        )
    finite = simulated[np.isfinite(simulated)]
    median_w = float(np.median(finite)) if finite.size else float("nan")
    upper_w = float(np.quantile(finite, 0.95)) if finite.size else float("nan")
    w = None if observed is None else float(observed)
    beyond = bool(w is not None and np.isfinite(w) and np.isfinite(upper_w) and w > upper_w)
    return AgreementBaseline(
        median_w=median_w,
        upper_w=upper_w,
        draws=draws,
        seed=seed,
        tables=tables,
        w=w,
        beyond=beyond,
        sentence=baseline_sentence(median_w, upper_w, w, beyond),
    )


@validate_params(
    {
        "data": ["data-frame"],
        "model": _MODEL,
        "size": [Interval(Integral, 1, DEFAULT_SHORTLIST_CAP, closed="both")],
        "aggregation": [StrOptions(AGGREGATIONS)],
        "per_cohort": [Interval(Integral, 1, None, closed="left"), None],
        "dot_votes": ["data-frame", None],
        "groups": ["mapping", None],
        "baseline_draws": [Interval(Integral, 0, None, closed="left")],
        "seed": [SEED],
    },
    renamed={"latest": "data"},
)
def room_consensus(
    data: pd.DataFrame,
    *,
    model: ScoringModel,
    size: int = SHORTLIST_SIZE,
    aggregation: Aggregation = "arithmetic_mean",
    per_cohort: int | None = DEFAULT_PER_COHORT,
    dot_votes: pd.DataFrame | None = None,
    groups: Mapping[str, str] | None = None,
    baseline_draws: int = 200,
    seed: int = 0,
) -> RoomConsensus:
    """Compare every table's submission: rankings side by side, the room's weights and agreement.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per table: ``table`` and a ``weight_<criterion>`` column per criterion of
        the model (the output of :meth:`~toolkit.workshop.SubmissionStore.latest`).
    model : ScoringModel
        The workshop's prepared scoring model.
    size : int
        The shortlist size (5 by default, at most 7).
    aggregation : {"arithmetic_mean", "geometric_mean", "median"}
        How the tables' weight shares combine into the room's weights.
    per_cohort : int or None
        Most candidates a shortlist (each table's and the room's) takes from one cohort:
        1 by default, as :func:`toolkit.prioritise.shortlist`; None for no limit.
    dot_votes : pandas.DataFrame, optional
        The dot votes (``table``, ``candidate``, ``dots``; the output of
        :meth:`~toolkit.workshop.SubmissionStore.dot_votes`); only tables in ``data``
        count.
    groups : mapping of str to str, optional
        Each table's stakeholder group (table -> group). By default the ``group`` or
        ``role`` column of ``data`` when it has one; a table with no group is a
        "Mixed table".
    baseline_draws : int
        Rooms of random weights simulated for the agreement baseline
        (:func:`agreement_baseline`; 200 by default); 0 simulates none (``baseline`` is
        then None).
    seed : int
        Seed of the baseline's random numbers: the same seed gives the same baseline.

    Returns
    -------
    RoomConsensus

    Raises
    ------
    ValueError
        When ``data`` has no rows, names a table twice or lacks a weight column, or the
        aggregation gives every criterion zero weight (the geometric mean does when every
        criterion was given zero by at least one table).

    Notes
    -----
    Displayed ranks break ties as the scoring model does. Kendall's W is computed on
    ranks of the scores with tied scores sharing their mean rank, so that the
    deterministic tie-break, which is the same for every table, does not pass for
    agreement. The baseline ranks its simulated rooms the same way.
    """
    caller = "room_consensus"
    if "table" not in data.columns:
        raise ValueError(
            f"The 'data' parameter of {caller} must be a DataFrame with a 'table' column "
            "(SubmissionStore.latest)."
        )
    tables = data["table"].astype(str).tolist()
    repeated = sorted({name for name in tables if tables.count(name) > 1})
    if repeated:
        raise ValueError(
            f"The 'data' parameter of {caller} must hold one row per table; {repeated} "
            "appear more than once (use SubmissionStore.latest)."
        )
    table_groups = _table_groups(data, tables, groups)
    names = list(model.names)
    shares = weight_shares(data, names, caller=caller)
    aggregated = aggregate_weights(data, criteria=names)
    room_weights = aggregated[aggregation].to_numpy()
    if not np.isfinite(room_weights).all():
        raise ValueError(
            f"The {AGGREGATION_LABELS[aggregation]} of the tables' weights is zero for every "
            "criterion (each criterion was given no weight by at least one table); choose "
            "another aggregation."
        )
    labels = {criterion.name: criterion.phrase for criterion in model.criteria}
    aggregated.insert(1, LABEL_COLUMN, [labels[name] for name in names])

    scores = model.batch_scores(shares)  # (tables, candidates), model order
    ranks = rank_scores(scores)
    chosen = np.zeros(ranks.shape, dtype=bool)
    for row, table_shares in enumerate(shares):
        chosen[row, model.shortlisted(table_shares, size=size, per_cohort=per_cohort)] = True
    room_scores = model.scores(room_weights)
    room_ranks = rank_scores(room_scores)
    room_position = np.zeros(len(model), dtype="int64")
    picked = model.shortlisted(room_weights, size=size, per_cohort=per_cohort)
    room_position[picked] = np.arange(1, picked.size + 1)
    order = np.argsort(room_ranks, kind="stable")
    ids = np.array(model.candidates, dtype=object)
    dots = np.zeros(len(ids), dtype="int64")
    if dot_votes is not None and len(dot_votes):
        counted = dot_votes.loc[dot_votes["table"].astype(str).isin(tables)]
        totals = counted.groupby(CANDIDATE_COLUMN)["dots"].sum()
        dots = totals.reindex(list(ids), fill_value=0).to_numpy(dtype="int64")
    rankings = pd.DataFrame(
        {
            "room_rank": room_ranks[order],
            CANDIDATE_COLUMN: ids[order],
            LABEL_COLUMN: np.array(model.labels, dtype=object)[order],
            "room_score": room_scores[order],
            "room_position": room_position[order],
            "best_rank": ranks.min(axis=0)[order],
            "worst_rank": ranks.max(axis=0)[order],
            "rank_range": (ranks.max(axis=0) - ranks.min(axis=0))[order],
            "median_rank": np.median(ranks, axis=0)[order],
            "shortlisted_by": chosen.sum(axis=0)[order],
            "dots": dots[order],
        }
    )
    table_ranks = pd.DataFrame(
        ranks[:, order].T, columns=tables, index=pd.Index(ids[order], name=CANDIDATE_COLUMN)
    )
    table_shortlists = pd.DataFrame(
        chosen[:, order].T, columns=tables, index=table_ranks.index.copy()
    )
    table_weights = pd.DataFrame(shares.T, columns=tables, index=pd.Index(names, name="criterion"))
    agreement = None
    baseline = None
    if len(tables) >= 2:
        tied_ranks = stats.rankdata(-np.round(scores, TIE_DECIMALS), method="average", axis=1)
        agreement = kendalls_w(tied_ranks)
        if baseline_draws > 0:
            baseline = agreement_baseline(
                model,
                tables=len(tables),
                observed=agreement.w,
                draws=int(baseline_draws),
                seed=seed,
            )
    # Its reasons' margins in points of the 0-100 score every surface shows.
    room_list = shortlist(
        model.to_frame(room_weights), size=size, per_cohort=per_cohort, score_scale=SCORE_SCALE
    )
    room_ids = tuple(str(ids[i]) for i in picked)
    shortlist_overlap = overlap(
        room_ids,
        tables,
        chosen,
        ranks,
        ids=[str(i) for i in ids],
        labels=list(model.labels),
        order=order,
    )
    return RoomConsensus(
        tables=tuple(tables),
        rankings=rankings,
        table_ranks=table_ranks,
        table_shortlists=table_shortlists,
        weights=aggregated,
        table_weights=table_weights,
        shortlist=room_list,
        agreement=agreement,
        aggregation=aggregation,
        size=size,
        per_cohort=per_cohort,
        groups=table_groups,
        overlap=shortlist_overlap,
        baseline=baseline,
        round=_round_of(data),
        _model=model,
        _shares=shares,
        _room_ids=room_ids,
    )


def _table_groups(
    latest: pd.DataFrame, tables: list[str], groups: Mapping[str, str] | None
) -> dict[str, str]:
    """Each table's group: from ``groups``, else ``latest``'s group or role, else mixed."""
    column = next((name for name in ("group", "role") if name in latest.columns), None)
    recorded = (
        latest[column].astype(object).where(latest[column].notna(), "").astype(str).tolist()
        if column is not None
        else [""] * len(tables)
    )
    result = {}
    for table, own in zip(tables, recorded, strict=True):
        given = None if groups is None else groups.get(table)
        chosen = str(given).strip() if given is not None else own.strip()
        result[table] = chosen or MIXED_GROUP
    return result


def _round_of(latest: pd.DataFrame) -> int | None:
    """Return the round of ``latest`` when its ``round`` column holds one value, else None."""
    if "round" not in latest.columns:
        return None
    values = pd.to_numeric(latest["round"], errors="coerce").dropna().unique()
    return int(values[0]) if len(values) == 1 else None
