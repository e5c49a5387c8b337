"""How much the shortlist depends on the weights.

:func:`rank_acceptability` is SMAA-style (stochastic multicriteria acceptability
analysis): it samples many weight vectors around the chosen ones, or uniformly, re-scores
every candidate for all of them at once (one draws-by-criteria times criteria-by-candidates
matrix product, no Python loop over draws) and counts how often each candidate takes each
rank and makes the shortlist. :func:`weight_to_enter` finds the smallest change in one
criterion's weight that brings a candidate into the shortlist, or takes it out.

"The shortlist" is the one :func:`toolkit.prioritise.shortlist` shows: at most
``per_cohort`` candidates per cohort (1 by default), applied to every weight draw at once
by :func:`toolkit.prioritise.scoring.select_shortlist`, so that "in the shortlist in 95% of
weightings" describes the list a board is shown.

Both use the scoring model's tie-break (see :mod:`toolkit.prioritise.scoring`): scores equal
to 12 decimal places go to the candidate with the higher unweighted mean of its normalised
criteria, then to the lower candidate id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    SEED,
    InstanceOf,
    Interval,
    StrOptions,
    check_param,
    invalid_parameter,
    validate_params,
)
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN, Criterion
from toolkit.prioritise.scoring import (
    COHORT,
    CRITERIA,
    DEFAULT_PER_COHORT,
    DEFAULT_SHORTLIST_CAP,
    DEFAULT_SHORTLIST_SIZE,
    PER_COHORT,
    SCORING_METHOD,
    SIZE,
    WEIGHTS,
    Method,
    ScoringModel,
    WeightsLike,
    check_size,
    rank_order,
    rank_scores,
    ranks_of_order,
    select_shortlist,
)

Sampling = Literal["dirichlet", "uniform"]

#: Draws scored at once; bounds memory at about 2 x chunk x candidates x 8 bytes.
_CHUNK = 20_000


def _dirichlet_around(
    rng: np.random.Generator, weights: np.ndarray, spread: float, draws: int
) -> np.ndarray:
    """Dirichlet draws with mean ``weights`` and standard deviation spread * sqrt(w(1 - w)).

    The concentration is 1 / spread**2 - 1. Criteria with zero weight stay at zero.
    """
    concentration = 1.0 / spread**2 - 1.0
    alpha = weights * concentration
    active = alpha > 0
    sampled = np.zeros((draws, weights.size))
    sampled[:, active] = rng.dirichlet(alpha[active], size=draws)
    return sampled


def _uniform(
    rng: np.random.Generator, weights: np.ndarray, spread: float, draws: int
) -> np.ndarray:
    """Weights uniform over the simplex of all criteria (SMAA's "no preference" case)."""
    return rng.dirichlet(np.ones(weights.size), size=draws)


#: Weight samplers by name.
SAMPLERS = {"dirichlet": _dirichlet_around, "uniform": _uniform}


@dataclass(frozen=True, eq=False)
class RankAcceptability:
    """Rank acceptability of every candidate under sampled weights (SMAA-style).

    Attributes
    ----------
    candidates, labels : tuple of str
        Candidate ids and labels, in tie-break order (the order of every array here).
    criteria : tuple of str
        Criterion names, in the order of ``weights`` and ``central_weights`` columns.
    probabilities : numpy.ndarray
        Shape (n, n): ``probabilities[i, r]`` is the share of draws in which candidate
        ``i`` takes rank ``r + 1``. Rows and columns each sum to 1.
    p_shortlist : numpy.ndarray
        Share of draws in which each candidate is in the shortlist of ``size``, under the
        shortlist's rule: at most ``per_cohort`` candidates per cohort (the plain top
        ``size`` when ``per_cohort`` is None or every candidate is its own cohort).
    rank_at_weights : numpy.ndarray
        Each candidate's rank at the chosen weights.
    central_weights : numpy.ndarray
        Shape (n, k): the mean of the sampled weights under which each candidate comes
        first (missing where it never does): the typical view that puts it on top.
    weights : numpy.ndarray
        The chosen weights, divided by their total.
    method, sampling : str
        Scoring method and weight sampling used.
    spread : float
        The Dirichlet spread (ignored by uniform sampling).
    draws, size, seed : int
        Number of weight draws, shortlist size, and the seed that reproduces them.
    per_cohort : int or None
        Most candidates per cohort in the shortlist (None: no limit).
    cohort_columns : tuple of str
        The columns that identified cohorts (empty: every candidate its own cohort).
    """

    candidates: tuple[str, ...]
    labels: tuple[str, ...]
    criteria: tuple[str, ...]
    probabilities: np.ndarray
    p_shortlist: np.ndarray
    rank_at_weights: np.ndarray
    central_weights: np.ndarray
    weights: np.ndarray
    method: str
    sampling: str
    spread: float
    draws: int
    size: int
    seed: int
    per_cohort: int | None = None
    cohort_columns: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy table: one row per candidate and rank, with its probability."""
        count = len(self.candidates)
        return pd.DataFrame(
            {
                CANDIDATE_COLUMN: np.repeat(np.array(self.candidates, dtype=object), count),
                LABEL_COLUMN: np.repeat(np.array(self.labels, dtype=object), count),
                "rank": np.tile(np.arange(1, count + 1), count),
                "probability": self.probabilities.ravel(),
            }
        )

    def matrix(self) -> pd.DataFrame:
        """Return the wide matrix: one row per candidate (id index), one column per rank."""
        count = len(self.candidates)
        return pd.DataFrame(
            self.probabilities,
            index=pd.Index(self.candidates, name=CANDIDATE_COLUMN),
            columns=pd.Index(np.arange(1, count + 1), name="rank"),
        )

    def summary(self) -> pd.DataFrame:
        """Return one row per candidate, best first at the chosen weights.

        Columns: ``candidate``, ``label``, ``rank`` (at the chosen weights),
        ``p_shortlist``, ``p_first`` and ``modal_rank`` (the rank it takes most often).
        No rows when there are no candidates (no theme could be measured).
        """
        some = len(self.candidates) > 0
        table = pd.DataFrame(
            {
                CANDIDATE_COLUMN: np.array(self.candidates, dtype=object),
                LABEL_COLUMN: np.array(self.labels, dtype=object),
                "rank": self.rank_at_weights,
                "p_shortlist": self.p_shortlist,
                "p_first": self.probabilities[:, 0] if some else np.zeros(0),
                "modal_rank": (
                    self.probabilities.argmax(axis=1) + 1 if some else np.zeros(0, dtype="int64")
                ),
            }
        )
        return table.sort_values("rank", kind="stable").reset_index(drop=True)

    def _repr_html_(self) -> str:
        heading = (
            f"<p><b>Rank acceptability</b>: {self.draws:,} weight draws ({self.sampling}"
            + (f", spread {self.spread:g}" if self.sampling == "dirichlet" else "")
            + f"), {self.method.replace('_', ' ')}, shortlist of {self.size}"
            + (
                f" ({self.per_cohort} per cohort)"
                if self.per_cohort and self.cohort_columns
                else ""
            )
            + f", seed {self.seed}.</p>"
        )
        return heading + self.summary().to_html(index=False, float_format=lambda x: f"{x:.2f}")


def seed_or_new(seed: int | None) -> int:
    """Return the seed given, or a new one (to record) when None."""
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    return int(seed)


#: Constraints of the robustness options (see :func:`validate_params`).
_MODEL = [InstanceOf(ScoringModel, "a ScoringModel")]
#: The options of the weight simulation and its shortlist, shared by both entry points.
_SIMULATION = {
    "weights": WEIGHTS,
    "draws": [Interval(Integral, 1, None, closed="left")],
    "sampling": [StrOptions(SAMPLERS)],
    "spread": [Interval(Real, 0, 1, closed="neither")],
    "size": SIZE,
    "cap": SIZE,
    "seed": [SEED, None],
    "per_cohort": PER_COHORT,
}


@validate_params({"model": _MODEL, **_SIMULATION})
def acceptability_of_model(
    model: ScoringModel,
    weights: WeightsLike = None,
    *,
    draws: int = 10_000,
    sampling: Sampling = "dirichlet",
    spread: float = 0.2,
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    seed: int | None = None,
    per_cohort: int | None = DEFAULT_PER_COHORT,
) -> RankAcceptability:
    """Rank acceptability on a prepared :class:`ScoringModel` (see :func:`rank_acceptability`).

    Parameters
    ----------
    model : ScoringModel
        The prepared candidates and criteria.
    weights : mapping of str to float, sequence of float or None
        The chosen weights (None for the defaults).
    draws : int
        Number of weight vectors to sample.
    sampling : {"dirichlet", "uniform"}
        How to sample weights.
    spread : float
        Dirichlet spread, in (0, 1).
    size : int
        Shortlist size for ``p_shortlist``.
    cap : int
        Largest shortlist allowed.
    seed : int, optional
        Seed for the weight draws; one is drawn and recorded when not given.
    per_cohort : int or None
        Most candidates per cohort in the shortlist (1 by default; None for no limit),
        over the model's cohorts (:attr:`ScoringModel.cohort_codes`).

    Returns
    -------
    RankAcceptability
    """
    caller = "rank_acceptability"
    vector = model.weight_vector(weights, caller=caller)
    draws = int(draws)
    size = check_size(size, cap, caller=caller)
    seed = seed_or_new(seed)
    rng = np.random.default_rng(seed)
    count = len(model)
    counts = np.zeros(count * count, dtype=np.int64)
    shortlisted = np.zeros(count, dtype=np.int64)
    firsts = np.zeros((count, vector.size))
    offsets = np.arange(count) * count
    for start in range(0, draws, _CHUNK):
        sampled = SAMPLERS[sampling](rng, vector, float(spread), min(_CHUNK, draws - start))
        order = rank_order(model.batch_scores(sampled))
        ranks = ranks_of_order(order)
        counts += np.bincount((offsets + ranks - 1).ravel(), minlength=count * count)
        firsts += (ranks == 1).T.astype(np.float64) @ sampled
        chosen, _ = select_shortlist(ranks, model.cohort_codes, size, per_cohort)
        shortlisted += chosen.sum(axis=0)
    probabilities = counts.reshape(count, count) / draws
    times_first = probabilities[:, 0] * draws
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(times_first[:, None] > 0, firsts / times_first[:, None], np.nan)
    return RankAcceptability(
        candidates=model.candidates,
        labels=model.labels,
        criteria=model.names,
        probabilities=probabilities,
        p_shortlist=shortlisted / draws,
        rank_at_weights=rank_scores(model.batch_scores(vector[np.newaxis, :]))[0],
        central_weights=central,
        weights=vector,
        method=model.method,
        sampling=sampling,
        spread=float(spread),
        draws=draws,
        size=size,
        seed=seed,
        per_cohort=per_cohort,
        cohort_columns=model.cohort_columns,
    )


@validate_params(
    {
        "data": ["data-frame"],
        "criteria": CRITERIA,
        "method": SCORING_METHOD,
        **_SIMULATION,
        "cohort": COHORT,
    },
    renamed={"candidates": "data"},
)
def rank_acceptability(
    data: pd.DataFrame,
    *,
    criteria: Sequence[Criterion],
    weights: WeightsLike = None,
    method: Method = "weighted_sum",
    draws: int = 10_000,
    sampling: Sampling = "dirichlet",
    spread: float = 0.2,
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    seed: int | None = None,
    per_cohort: int | None = DEFAULT_PER_COHORT,
    cohort: Sequence[str] | None = None,
) -> RankAcceptability:
    """Each candidate's probability of each rank, and of the shortlist, under uncertain weights.

    Weight vectors are sampled around the chosen weights (or uniformly), every candidate
    is scored under every draw at once, and the ranks are counted (SMAA-style). A
    candidate that makes the shortlist under most reasonable weights is a robust choice;
    one that makes it only at the chosen weights is not.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per candidate, as for :func:`score_priorities`.
    criteria : sequence of Criterion
        The criteria.
    weights : mapping of str to float, sequence of float or None
        The chosen weights (divided by their total); None for the defaults.
    method : {"weighted_sum", "topsis"}
        The scoring method.
    draws : int
        Number of weight vectors to sample (10,000 by default).
    sampling : {"dirichlet", "uniform"}
        ``"dirichlet"`` (default): weights from a Dirichlet distribution whose mean is the
        chosen weights and whose concentration is 1 / spread**2 - 1, so that a weight w
        varies with standard deviation spread * sqrt(w * (1 - w)); criteria weighted zero
        stay at zero. ``"uniform"``: every weight vector over all criteria equally likely,
        ignoring the chosen weights (the "no preference" case).
    spread : float
        How far weights wander from the chosen ones, in (0, 1); 0.2 by default.
    size : int
        The shortlist size for ``p_shortlist`` (5 by default, at most ``cap``).
    cap : int
        The largest shortlist allowed (7 by default).
    seed : int, optional
        Seed for the draws: the same seed gives the same result. When not given, one is
        drawn and recorded in the result's ``seed``.
    per_cohort : int or None
        The shortlist's rule, as for :func:`toolkit.prioritise.shortlist`: at most this
        many candidates per cohort (1 by default); None for the plain top ``size``.
    cohort : sequence of str, optional
        Columns that identify a cohort; by default those of ``segment``, ``quintile`` and
        ``place`` that the table has (none: every candidate is its own cohort).

    Returns
    -------
    RankAcceptability
        ``.to_frame()`` gives the tidy (candidate, label, rank, probability) table,
        ``.matrix()`` the wide candidate-by-rank matrix, ``.summary()`` one row per
        candidate with ``p_shortlist``, ``p_first`` and ``modal_rank``.

    Notes
    -----
    Ties within a draw are broken as in scoring. ``p_shortlist`` walks each draw's ranking
    with the shortlist's per-cohort rule, vectorised over draws (a stable sort by cohort
    finds each candidate's place within its cohort in every draw; no loop over draws);
    ``probabilities`` are plain ranks.
    """
    model = ScoringModel(data, criteria=criteria, method=method, cohort=cohort)
    return acceptability_of_model(
        model,
        weights,
        draws=draws,
        sampling=sampling,
        spread=spread,
        size=size,
        cap=cap,
        seed=seed,
        per_cohort=per_cohort,
    )


@dataclass(frozen=True)
class WeightChange:
    """The smallest change in one criterion's weight that moves a candidate in or out.

    Attributes
    ----------
    candidate, label : str
        The candidate's id and label.
    criterion : str
        The criterion whose weight changes (all others keep theirs).
    size : int
        The shortlist size.
    in_shortlist : bool
        Whether the candidate is in the shortlist at the current weights; the change
        sought takes it out if so, brings it in if not.
    current_weight, current_share : float
        The criterion's weight as given, and as a share of all the weights.
    required_weight, required_share : float or None
        The weight at which the candidate's place changes (None when no weight on this
        criterion does), and its share of all the weights there. At exactly this weight
        the candidate ties with another and the tie-break decides.
    change : float or None
        ``required_weight - current_weight``.
    message : str
        The answer in plain English.
    """

    candidate: str
    label: str
    criterion: str
    size: int
    in_shortlist: bool
    current_weight: float
    current_share: float
    required_weight: float | None
    required_share: float | None
    change: float | None
    message: str

    def __str__(self) -> str:
        return self.message

    def to_frame(self) -> pd.DataFrame:
        """Return the answer as a one-row table."""
        fields = self.__dataclass_fields__
        return pd.DataFrame({name: [getattr(self, name)] for name in fields})

    def _repr_html_(self) -> str:
        return f"<p>{self.message}</p>"


def _membership(
    model: ScoringModel,
    raw: np.ndarray,
    column: int,
    values: np.ndarray,
    index: int,
    size: int,
    per_cohort: int | None = None,
) -> np.ndarray:
    """Whether candidate ``index`` is in the shortlist for each value of one raw weight."""
    weights = np.repeat(raw[np.newaxis, :], values.size, axis=0)
    weights[:, column] = values
    weights /= weights.sum(axis=1, keepdims=True)
    ranks = rank_scores(model.batch_scores(weights))
    chosen, _ = select_shortlist(ranks, model.cohort_codes, size, per_cohort)
    return chosen[:, index]


def _exact_breakpoints(model: ScoringModel, raw: np.ndarray, column: int, index: int) -> np.ndarray:
    """Weights at which the candidate's weighted sum crosses another's (exact, linear).

    With the other weights fixed, each score is (a_i + t b_i) / (S + t) for weight t; the
    common denominator does not change the order, so crossings solve a_i + t b_i = a_c + t b_c.
    """
    others = raw.copy()
    others[column] = 0.0
    intercepts = model.normalised @ others
    slopes = model.normalised[:, column]
    with np.errstate(divide="ignore", invalid="ignore"):
        crossings = (intercepts[index] - intercepts) / (slopes - slopes[index])
    crossings = crossings[np.isfinite(crossings) & (crossings >= 0)]
    return np.unique(crossings)


def _grid_breakpoints(
    model: ScoringModel,
    raw: np.ndarray,
    column: int,
    index: int,
    size: int,
    per_cohort: int | None = None,
) -> np.ndarray:
    """Weights where membership changes, found on a grid of shares and refined by bisection."""
    rest = raw.sum() - raw[column]
    shares = np.linspace(0.0, 0.9999, 2001)
    values = shares * rest / (1.0 - shares)
    member = _membership(model, raw, column, values, index, size, per_cohort)
    flips = np.flatnonzero(member[1:] != member[:-1])
    found = []
    for flip in flips:
        low, high = values[flip], values[flip + 1]
        below = member[flip]
        for _ in range(60):
            middle = 0.5 * (low + high)
            inside = _membership(model, raw, column, np.array([middle]), index, size, per_cohort)
            if inside[0] == below:
                low = middle
            else:
                high = middle
        found.append(high)
    return np.unique(np.array(found, dtype=np.float64))


@validate_params(
    {
        "model": _MODEL,
        "weights": WEIGHTS,
        "candidate": ["str"],
        "criterion": ["str"],
        "size": SIZE,
        "cap": SIZE,
        "per_cohort": PER_COHORT,
    }
)
def change_of_model(
    model: ScoringModel,
    weights: WeightsLike = None,
    *,
    candidate: str,
    criterion: str,
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    per_cohort: int | None = DEFAULT_PER_COHORT,
) -> WeightChange:
    """:func:`weight_to_enter` on a prepared :class:`ScoringModel`.

    Parameters
    ----------
    model : ScoringModel
        The prepared candidates and criteria.
    weights : mapping of str to float, sequence of float or None
        The current weights.
    candidate : str
        The candidate's id.
    criterion : str
        The criterion whose weight may change.
    size : int
        The shortlist size.
    cap : int
        Largest shortlist allowed.
    per_cohort : int or None
        Most candidates per cohort in the shortlist (1 by default; None for no limit).

    Returns
    -------
    WeightChange
    """
    caller = "weight_to_enter"
    raw = model.raw_weights(weights, caller=caller)
    size = check_size(size, cap, caller=caller)
    if candidate not in model.candidates:
        raise invalid_parameter(
            "candidate",
            caller,
            f"a candidate id of the table (they include {list(model.candidates[:5])})",
            candidate,
        )
    check_param(criterion, "criterion", [StrOptions(model.names)], caller)
    index = model.candidates.index(candidate)
    column = model.names.index(criterion)
    phrase = model.criteria[column].phrase
    label = model.labels[index]
    current = float(raw[column])
    rest = float(raw.sum() - current)
    member_now = bool(
        _membership(model, raw, column, np.array([current]), index, size, per_cohort)[0]
    )
    required: float | None = None
    if rest > 0:
        if model.method == "weighted_sum":
            points = _exact_breakpoints(model, raw, column, index)
            required = _nearest_flip(
                model, raw, column, index, size, current, points, member_now, per_cohort
            )
        else:
            points = _grid_breakpoints(model, raw, column, index, size, per_cohort)
            if points.size:
                required = float(points[np.argmin(np.abs(points - current))])
    verb = "takes" if member_now else "brings"
    where = f"out of the shortlist of {size}" if member_now else f"into the shortlist of {size}"
    if required is None:
        message = f"No weight on {phrase} {verb} '{label}' {where}."
        return WeightChange(
            candidate, label, criterion, size, member_now, current, current / raw.sum(),
            None, None, None, message,
        )  # fmt: skip
    share_now = current / (rest + current)
    share_then = required / (rest + required)
    action = "Raising" if required > current else "Lowering"
    shown_now, shown_then = format_share_change(share_now, share_then)
    message = (
        f"{action} the weight on {phrase} from {current:.3g} to {required:.3g} (from "
        f"{shown_now} to {shown_then} of the total) {verb} '{label}' {where}."
    )
    return WeightChange(
        candidate, label, criterion, size, member_now, current, share_now,
        required, share_then, required - current, message,
    )  # fmt: skip


def _nearest_flip(
    model: ScoringModel,
    raw: np.ndarray,
    column: int,
    index: int,
    size: int,
    current: float,
    points: np.ndarray,
    member_now: bool,
    per_cohort: int | None = None,
) -> float | None:
    """Return the crossing nearest the current weight where membership flips (at or past it)."""
    if points.size == 0:
        return None
    upper = np.append(points, points[-1] * 2.0 + 1.0)
    lower = np.insert(points, 0, 0.0)
    # For each crossing, test the crossing itself and a point just beyond it, away from now.
    beyond = np.where(points > current, 0.5 * (points + upper[1:]), 0.5 * (points + lower[:-1]))
    at = _membership(model, raw, column, points, index, size, per_cohort)
    past = _membership(model, raw, column, beyond, index, size, per_cohort)
    flips = (at != member_now) | (past != member_now)
    if not flips.any():
        return None
    candidates = points[flips]
    return float(candidates[np.argmin(np.abs(candidates - current))])


def format_share_change(before: float, after: float) -> tuple[str, str]:
    """Format two shares as percentages with just enough decimals to tell them apart.

    A small change shown as "from 17% to 17%" reads as no change at all; this gives
    "from 17.0% to 17.4%" instead (up to three decimals).

    Parameters
    ----------
    before, after : float
        Shares between 0 and 1.

    Returns
    -------
    tuple of str
        The two percentages.
    """
    for decimals in range(4):
        shown = (f"{before:.{decimals}%}", f"{after:.{decimals}%}")
        if shown[0] != shown[1]:
            return shown
    return shown


@validate_params(
    {
        "data": ["data-frame"],
        "candidate": ["str"],
        "criterion": ["str"],
        "criteria": CRITERIA,
        "weights": WEIGHTS,
        "method": SCORING_METHOD,
        "size": SIZE,
        "cap": SIZE,
        "per_cohort": PER_COHORT,
        "cohort": COHORT,
    },
    renamed={"candidates": "data"},
)
def weight_to_enter(
    data: pd.DataFrame,
    *,
    candidate: str,
    criterion: str,
    criteria: Sequence[Criterion],
    weights: WeightsLike = None,
    method: Method = "weighted_sum",
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    per_cohort: int | None = DEFAULT_PER_COHORT,
    cohort: Sequence[str] | None = None,
) -> WeightChange:
    """Find the smallest change in one criterion's weight that moves a candidate in or out.

    All other weights stay as they are; the changed weight's share of the total changes
    with it (weights are divided by their total before scoring). For a candidate outside
    the shortlist this is the weight that brings it in; for one inside, the weight that
    takes it out. The weight may go up or down, whichever is the smaller change.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per candidate, as for :func:`score_priorities`.
    candidate : str
        The id of the candidate to move.
    criterion : str
        The name of the criterion whose weight changes.
    criteria : sequence of Criterion
        The criteria.
    weights : mapping of str to float, sequence of float or None
        The current weights, in the caller's own scale (say, slider values 0-10); the
        answer is given in the same scale. None for the defaults.
    method : {"weighted_sum", "topsis"}
        The scoring method.
    size : int
        The shortlist size (5 by default, at most ``cap``).
    cap : int
        The largest shortlist allowed (7 by default).
    per_cohort : int or None
        The shortlist's rule, as for :func:`toolkit.prioritise.shortlist`: at most this
        many candidates per cohort (1 by default); None for the plain top ``size``.
    cohort : sequence of str, optional
        Columns that identify a cohort (by default those of ``segment``, ``quintile`` and
        ``place`` that the table has).

    Returns
    -------
    WeightChange
        ``required_weight`` is None and ``message`` says "No weight on ... brings/takes
        ..." when no weight on this criterion moves the candidate.

    Notes
    -----
    For the weighted sum the answer is exact: with the other weights fixed, every score
    is (a_i + t b_i) / (S + t) in the weight t, so the order changes only where two such
    lines cross; each crossing is checked. TOPSIS is not linear in the weight, so the
    weight's share is scanned on a grid of 2,001 points in [0, 0.9999] and each change
    refined by bisection: a change confined to a window narrower than the grid can be
    missed. The per-cohort rule keeps the weighted sum exact: whether a candidate is
    first of its cohort, and how many other cohorts rank above it, change only when
    another candidate crosses it.
    """
    model = ScoringModel(data, criteria=criteria, method=method, cohort=cohort)
    return change_of_model(
        model,
        weights,
        candidate=candidate,
        criterion=criterion,
        size=size,
        cap=cap,
        per_cohort=per_cohort,
    )
