"""Where the tables agree: rankings side by side, the room's weights and Kendall's W.

Each table's weights are re-scored with the prepared :class:`~toolkit.prioritise.ScoringModel`;
the room's weights aggregate the tables' weight shares (arithmetic mean, geometric mean
or median) and give the room's shortlist through :func:`toolkit.prioritise.shortlist`.
Agreement between the tables' rankings is Kendall's coefficient of concordance W.

The room reads agreement in words first (:class:`ShortlistOverlap`: how many of the room's
priorities are on every table's list, which priority the tables put first). W is kept as a
secondary figure beside its baseline (:class:`AgreementBaseline`): the W that tables
choosing their slider positions at random would give on the same candidates and criteria.
Criteria that are correlated rank most candidates alike whatever the weights, so a high W
alone is no evidence that the tables agree. :meth:`RoomConsensus.by_group` and
:meth:`RoomConsensus.group_effect` show each stakeholder group's list and what its tables
changed; :func:`compare_rounds` what changed between two rounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from toolkit._params import SEED, InstanceOf, Interval, SequenceOf, StrOptions, validate_params
from toolkit.defaults import SHORTLIST_SIZE
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN
from toolkit.prioritise.scoring import (
    DEFAULT_PER_COHORT,
    DEFAULT_SHORTLIST_CAP,
    TIE_DECIMALS,
    ScoringModel,
    rank_scores,
    shortlist,
)

#: Prefix of the weight columns of a submission (one ``weight_<criterion>`` per criterion),
#: as :class:`toolkit.workshop.SubmissionStore` writes them.
WEIGHT_PREFIX = "weight_"

Aggregation = Literal["arithmetic_mean", "geometric_mean", "median"]

#: The group of a table whose stakeholder group is not known.
MIXED_GROUP = "Mixed table"

#: Slider positions a participant can choose for a criterion: whole numbers 0 to this.
SLIDER_MAX = 10

#: Largest number of scores (draws x tables x candidates) the agreement baseline scores in
#: one matrix product; larger simulations are scored in chunks of draws to bound memory.
_BASELINE_CHUNK = 4_000_000


def _arithmetic_mean(shares: np.ndarray) -> np.ndarray:
    return shares.mean(axis=0)


def _geometric_mean(shares: np.ndarray) -> np.ndarray:
    # A criterion one table weights at zero has a geometric mean of zero (log 0 = -inf).
    with np.errstate(divide="ignore"):
        return stats.gmean(shares, axis=0)


def _median(shares: np.ndarray) -> np.ndarray:
    return np.median(shares, axis=0)


#: Ways of combining the tables' weight shares into the room's, by name. Each maps a
#: (tables, criteria) matrix of shares to one weight per criterion (not yet re-scaled).
AGGREGATIONS = {
    "arithmetic_mean": _arithmetic_mean,
    "geometric_mean": _geometric_mean,
    "median": _median,
}

#: Plain-English names of the aggregations.
AGGREGATION_LABELS = {
    "arithmetic_mean": "average (arithmetic mean)",
    "geometric_mean": "geometric mean",
    "median": "median",
}

#: Strength of agreement by Kendall's W: the nearest of Schmidt's (1997) anchor values
#: 0.1 very weak, 0.3 weak, 0.5 moderate, 0.7 strong, 0.9 unusually strong (R. C. Schmidt,
#: "Managing Delphi surveys using nonparametric statistical techniques", Decision Sciences
#: 28(3), 763-774), so the bands break half-way between them.
AGREEMENT_BANDS = (
    (0.2, "very weak"),
    (0.4, "weak"),
    (0.6, "moderate"),
    (0.8, "strong"),
    (np.inf, "very strong"),
)


@dataclass(frozen=True)
class KendallW:
    """Kendall's coefficient of concordance W and its chi-square test.

    Attributes
    ----------
    w : float
        Agreement among the raters' rankings, from 0 (none) to 1 (identical rankings);
        NaN when every rater ties every item.
    chi_square : float
        The test statistic m (n - 1) W.
    dof : int
        Degrees of freedom, n - 1.
    p_value : float
        Chance of agreement at least this strong if the rankings were unrelated, from the
        chi-square distribution (a large-sample approximation; Siegel and Castellan advise
        exact tables when there are seven items or fewer).
    raters, items : int
        m raters (tables) and n items (candidates).
    ties : float
        The tie correction, the sum over raters and tied groups of t^3 - t (0 when no
        rater tied two items).
    """

    w: float
    chi_square: float
    dof: int
    p_value: float
    raters: int
    items: int
    ties: float

    @property
    def strength(self) -> str:
        """Plain-English strength of agreement (Schmidt, 1997)."""
        if not np.isfinite(self.w):
            return "undefined"
        return next(words for limit, words in AGREEMENT_BANDS if self.w < limit)

    def __str__(self) -> str:
        if not np.isfinite(self.w):
            return "Kendall's W is undefined: every table ranked every candidate equal."
        p_text = "p < 0.001" if self.p_value < 0.001 else f"p = {self.p_value:.3f}"
        verdict = (
            "more than chance would give"
            if self.p_value < 0.05
            else "no more than chance might give"
        )
        return (
            f"Kendall's W = {self.w:.2f} across {self.raters} tables and {self.items} "
            f"candidates: {self.strength} agreement; the rankings agree {verdict} "
            f"(chi-square {self.chi_square:.1f} on {self.dof} degrees of freedom, {p_text})."
        )

    def to_frame(self, *, decimals: int | None = None) -> pd.DataFrame:
        """Return the result as a one-row table, optionally rounded.

        Parameters
        ----------
        decimals : int, optional
            Round W, chi-square and the p-value to this many decimals.

        Returns
        -------
        pandas.DataFrame
        """
        values = {
            "kendalls_w": self.w,
            "chi_square": self.chi_square,
            "dof": self.dof,
            "p_value": self.p_value,
            "tables": self.raters,
            "candidates": self.items,
            "agreement": self.strength,
        }
        frame = pd.DataFrame({key: [value] for key, value in values.items()})
        if decimals is not None:
            frame = frame.round(
                {"kendalls_w": decimals, "chi_square": decimals, "p_value": decimals}
            )
        return frame

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>"


#: Constraints of the consensus functions' options (see :func:`validate_params`).
_MODEL = [InstanceOf(ScoringModel, "a ScoringModel")]


@validate_params({"ranks": ["data-frame", InstanceOf(np.ndarray, "a numpy array")]})
def kendalls_w(ranks: pd.DataFrame | np.ndarray) -> KendallW:
    """Kendall's coefficient of concordance W among several rankings, with ties corrected.

    Written here because scipy and statsmodels have no Kendall's W. The formula is that of
    Siegel and Castellan (1988), *Nonparametric Statistics for the Behavioral Sciences*,
    2nd ed., chapter 9 (the Kendall coefficient of concordance W):

        W = (12 sum_j R_j^2 - 3 m^2 n (n + 1)^2) / (m^2 n (n^2 - 1) - m sum_i T_i)

    with R_j the sum of item j's ranks over the m raters, n items and T_i = sum (t^3 - t)
    over the groups of t tied ranks of rater i. The test statistic m (n - 1) W is
    referred to the chi-square distribution with n - 1 degrees of freedom
    (``scipy.stats.chi2``); it equals Friedman's tie-corrected statistic.

    Parameters
    ----------
    ranks : pandas.DataFrame or numpy.ndarray
        One row per rater (a table) and one column per item (a candidate): each rater's
        ranks, 1 = first. Each row is re-ranked with tied values sharing their mean rank,
        so any ordinal positions do (lower = better); every rater must rank every item.

    Returns
    -------
    KendallW

    Raises
    ------
    TypeError
        When ``ranks`` is not a DataFrame or array of numbers.
    ValueError
        When there are fewer than two raters or items, or a value is missing.
    """
    caller = "kendalls_w"
    if isinstance(ranks, pd.DataFrame):
        if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in ranks.dtypes):
            raise TypeError(
                f"The 'ranks' parameter of {caller} must hold numbers only. "
                f"Got dtypes {sorted({str(d) for d in ranks.dtypes})} instead."
            )
        values = ranks.to_numpy(dtype="float64", na_value=np.nan)
    else:
        try:
            values = ranks.astype("float64")
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'ranks' parameter of {caller} must hold numbers. "
                f"Got dtype {ranks.dtype} instead."
            ) from None
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 2:
        raise ValueError(
            f"The 'ranks' parameter of {caller} must have at least two raters (rows) and two "
            f"items (columns). Got shape {values.shape} instead."
        )
    missing = np.argwhere(~np.isfinite(values))
    if missing.size:
        rows = sorted({int(row) for row in missing[:, 0]})
        raise ValueError(
            f"The 'ranks' parameter of {caller} must rank every item for every rater; "
            f"{len(missing)} values are missing, in rows {rows[:5]}."
        )
    raters, items = values.shape
    tied = stats.rankdata(values, method="average", axis=1)
    totals = tied.sum(axis=0)
    ties = 0.0
    for row in tied:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    numerator = 12.0 * (totals**2).sum() - 3.0 * raters**2 * items * (items + 1) ** 2
    denominator = raters**2 * items * (items**2 - 1) - raters * ties
    if denominator <= 0:
        return KendallW(np.nan, np.nan, items - 1, np.nan, raters, items, ties)
    w = float(numerator / denominator)
    chi_square = raters * (items - 1) * w
    p_value = float(stats.chi2.sf(chi_square, items - 1))
    return KendallW(w, float(chi_square), items - 1, p_value, raters, items, ties)


@validate_params({"weights": ["data-frame"], "criteria": [SequenceOf("str", min_length=1)]})
def aggregate_weights(
    weights: pd.DataFrame,
    *,
    criteria: Sequence[str],
) -> pd.DataFrame:
    """Combine several tables' weights into the room's: arithmetic mean, geometric mean, median.

    Each table's weights are first divided by their total (weights are relative), then
    combined criterion by criterion and the result divided by its total again, so that
    each column sums to 1.

    Parameters
    ----------
    weights : pandas.DataFrame
        One row per table with a ``weight_<criterion>`` column per criterion (the output
        of :meth:`~toolkit.workshop.SubmissionStore.latest`).
    criteria : sequence of str
        The criterion names, in the order wanted.

    Returns
    -------
    pandas.DataFrame
        One row per criterion: ``criterion``, ``arithmetic_mean``, ``geometric_mean``,
        ``median`` (shares summing to 1; NaN for a column whose every weight is zero),
        ``lowest`` and ``highest`` (the smallest and largest share any table gave).

    Notes
    -----
    The geometric mean (``scipy.stats.gmean``) is the usual way of combining judgements
    in group decisions (it respects ratios), but one table's zero weight makes a
    criterion's geometric mean zero; the median is the least swayed by one table.
    """
    shares = _weight_shares(weights, list(criteria), caller="aggregate_weights")
    result = pd.DataFrame({"criterion": list(criteria)})
    for name, function in AGGREGATIONS.items():
        combined = function(shares)
        total = combined.sum()
        result[name] = combined / total if total > 0 else np.full(combined.shape, np.nan)
    result["lowest"] = shares.min(axis=0)
    result["highest"] = shares.max(axis=0)
    return result


def _weight_shares(weights: pd.DataFrame, criteria: list[str], *, caller: str) -> np.ndarray:
    """Each row's weights divided by its total, shape (rows, criteria), after checks."""
    columns = [WEIGHT_PREFIX + name for name in criteria]
    absent = [column for column in columns if column not in weights.columns]
    if absent:
        raise ValueError(
            f"The 'weights' parameter of {caller} lacks the columns {absent}; it needs a "
            f"'{WEIGHT_PREFIX}<criterion>' column per criterion."
        )
    if len(weights) == 0:
        raise ValueError(
            f"The 'weights' parameter of {caller} has no rows: no table has submitted."
        )
    raw = weights[columns].to_numpy(dtype="float64", na_value=np.nan)
    totals = raw.sum(axis=1)
    bad = np.flatnonzero(~np.isfinite(totals) | (totals <= 0) | (raw < 0).any(axis=1))
    if bad.size:
        raise ValueError(
            f"The 'weights' parameter of {caller} must hold finite, non-negative weights, "
            f"not all zero, in every row; rows {bad[:5].tolist()} do not."
        )
    return raw / totals[:, np.newaxis]


def _and_join(items: Sequence[str]) -> str:
    """Join words as a sentence does: "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """Return "1 table", "2 tables" (or the given plural)."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


@dataclass(frozen=True, eq=False)
class ShortlistOverlap:
    """How far the tables' own shortlists hold the room's, in words a room can read.

    Attributes
    ----------
    on_every_list : tuple of str
        Candidate ids of the room's shortlist that every table's shortlist holds, in the
        room's order.
    shortlisted_by : dict of str to int
        For every candidate (in the room's order), how many tables shortlisted it.
    first_choices : pandas.DataFrame
        The candidates some table ranked first: ``candidate``, ``label`` and ``tables``
        (how many tables ranked it first), most first (ties in the room's order).
    sentence : str
        The headline, for example "4 of the 5 priorities are on every table's list; 2
        tables put Frailty first."
    """

    on_every_list: tuple[str, ...]
    shortlisted_by: dict[str, int]
    first_choices: pd.DataFrame
    sentence: str


@dataclass(frozen=True)
class AgreementBaseline:
    """The agreement score (Kendall's W) that random slider positions give, for comparison.

    Attributes
    ----------
    median_w : float
        The median W over the simulated rooms.
    upper_w : float
        The 95th percentile of the simulated W.
    draws : int
        How many rooms were simulated.
    seed : int
        The seed of the random numbers (the same seed gives the same figures).
    tables : int
        Tables in each simulated room (as many as submitted).
    w : float or None
        The room's own W (None when the baseline was simulated on its own).
    beyond : bool
        Whether the room's W is above ``upper_w``: agreement beyond what random weights on
        these criteria give. False when there is no observed W.
    sentence : str
        The comparison in plain words.
    """

    median_w: float
    upper_w: float
    draws: int
    seed: int
    tables: int
    w: float | None
    beyond: bool
    sentence: str

    def __str__(self) -> str:
        return self.sentence


@dataclass(frozen=True)
class GroupEffect:
    """What one stakeholder group's tables changed in the room's shortlist.

    Attributes
    ----------
    group : str
        The group.
    tables : int
        How many of the tables are in the group.
    came_in : tuple of str
        Candidate ids on the room's shortlist that would not be on it without the group's
        tables (in the room's order): the group's tables brought them in.
    went_out : tuple of str
        Candidate ids that would be on the room's shortlist without the group's tables but
        are not on it (in the order of that shortlist): the group's tables pushed them out.
    every_table : bool
        Whether the group holds every table (then there is no room without it, and
        ``came_in`` and ``went_out`` are empty).
    sentence : str
        The effect in plain words.
    """

    group: str
    tables: int
    came_in: tuple[str, ...]
    went_out: tuple[str, ...]
    every_table: bool
    sentence: str

    def __str__(self) -> str:
        return self.sentence


@dataclass(frozen=True)
class RoundChange:
    """What changed in the room's shortlist between two rounds.

    Attributes
    ----------
    came_in : tuple of str
        Candidate ids on the later round's shortlist but not the earlier's (later order).
    went_out : tuple of str
        Candidate ids on the earlier round's shortlist but not the later's (earlier order).
    stayed : tuple of str
        Candidate ids on both (later order).
    tables_changed : tuple of str
        Tables that submitted in both rounds and whose own shortlist holds different
        priorities in the later round (a change of order alone does not count).
    on_every_list_before, on_every_list_after : int
        How many of the room's priorities were on every table's list in each round.
    w_before, w_after : float or None
        The agreement score (Kendall's W) in each round (None with fewer than two tables).
    rounds : tuple of int
        The two rounds' numbers.
    sentence : str
        The change in plain words, for example "Between rounds 1 and 2, Frailty came in
        and Alcohol went out; 4 of 5 priorities are now on every table's list, up from 2."
    """

    came_in: tuple[str, ...]
    went_out: tuple[str, ...]
    stayed: tuple[str, ...]
    tables_changed: tuple[str, ...]
    on_every_list_before: int
    on_every_list_after: int
    w_before: float | None
    w_after: float | None
    rounds: tuple[int, int]
    sentence: str

    def __str__(self) -> str:
        return self.sentence


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
    numerator = 12.0 * (totals**2).sum(axis=-1) - 3.0 * raters**2 * items * (items + 1) ** 2
    denominator = raters**2 * items * (items**2 - 1) - raters * ties
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, np.nan)


def _random_sliders(
    rng: np.random.Generator, shape: tuple[int, ...], criteria: int, top: int
) -> np.ndarray:
    """Whole-number slider positions 0 to ``top`` drawn uniformly, no row all zero."""
    positions = rng.integers(0, top + 1, size=(*shape, criteria))
    zero = ~positions.any(axis=-1)
    while zero.any():  # rare (11^-k of rows): redraw only those rows
        positions[zero] = rng.integers(0, top + 1, size=(int(zero.sum()), criteria))
        zero = ~positions.any(axis=-1)
    return positions.astype("float64")


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

    Each simulated room has ``tables`` tables; each table sets every criterion's slider to
    a whole number from 0 to 10, drawn uniformly (a table with every slider at 0 draws
    again). The candidates are scored by the same model and ranked with ties as for the
    room's own W (:func:`room_consensus`), and W is computed for each room. Criteria that
    rank most candidates alike make W high whatever the weights; the room's W means
    agreement only when it is above what these random rooms give.

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
    Vectorised: all slider positions are drawn at once, scored by one matrix product
    (:meth:`ScoringModel.batch_scores`; in chunks of draws when the simulation is large)
    and ranked along the last axis, with no loop over rooms or tables.
    """
    tables, draws, seed = int(tables), int(draws), int(seed)
    criteria, candidates = len(model.names), len(model)
    rng = np.random.default_rng(seed)
    positions = _random_sliders(rng, (draws, tables), criteria, SLIDER_MAX)
    shares = positions / positions.sum(axis=-1, keepdims=True)
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
        sentence=_baseline_sentence(median_w, upper_w, w, beyond),
    )


def _baseline_sentence(median_w: float, upper_w: float, w: float | None, beyond: bool) -> str:
    """Return the agreement score beside its baseline, in plain words."""
    if not np.isfinite(median_w):
        chance = "random weights on these criteria give no agreement score (every candidate ties)"
    else:
        chance = (
            f"random weights on these criteria would give about {median_w:.2f} "
            f"(95% of tries below {upper_w:.2f})"
        )
    if w is None:
        return f"Agreement score (Kendall's W, 0 to 1): {chance}."
    if not np.isfinite(w):
        return (
            "The tables' agreement score (Kendall's W) cannot be worked out: every table "
            "ranked every priority equal."
        )
    if not np.isfinite(median_w):
        return f"The tables' agreement score (Kendall's W, 0 to 1) is {w:.2f}; {chance}."
    verdict = (
        "so the tables agree more than random weights would"
        if beyond
        else "so the tables agree no more than any weights would"
    )
    return f"The tables' agreement score (Kendall's W, 0 to 1) is {w:.2f}; {chance}, {verdict}."


@dataclass(frozen=True, eq=False)
class RoomConsensus:
    """The room's view of every table's submission.

    Attributes
    ----------
    tables : tuple of str
        The tables, in the order of the columns of ``table_ranks`` and ``table_weights``.
    rankings : pandas.DataFrame
        One row per candidate, in the room's order: ``room_rank``, ``candidate``,
        ``label``, ``room_score``, ``room_position`` (its place in the room's shortlist,
        0 when not in it), ``best_rank``, ``worst_rank``, ``rank_range`` (worst minus
        best: how much the tables disagree about it), ``median_rank``, ``shortlisted_by``
        (tables whose shortlist holds it) and ``dots`` (the dot vote; 0 when none).
    table_ranks : pandas.DataFrame
        Each table's rank of each candidate: index ``candidate`` (room order), one
        column per table.
    table_shortlists : pandas.DataFrame
        Whether each table's shortlist holds each candidate (bool), laid out as
        ``table_ranks``.
    weights : pandas.DataFrame
        :func:`aggregate_weights`, with each criterion's ``label``.
    table_weights : pandas.DataFrame
        Each table's weight shares: index ``criterion``, one column per table.
    shortlist : pandas.DataFrame
        The room's shortlist from the aggregated weights, with reasons
        (:func:`toolkit.prioritise.shortlist`).
    agreement : KendallW or None
        Kendall's W across the tables' rankings (None with fewer than two tables).
    aggregation : str
        The aggregation that gave the room's weights.
    size : int
        The shortlist size.
    per_cohort : int or None
        Most candidates a shortlist takes from one cohort.
    groups : dict of str to str
        Each table's stakeholder group (table -> group), in the order of ``tables``.
    overlap : ShortlistOverlap
        How many of the room's priorities are on every table's list, and which the tables
        put first: the headline in words.
    baseline : AgreementBaseline or None
        The agreement score (Kendall's W) beside the W that random weights give (None with
        fewer than two tables, or when no baseline was simulated).
    round : int or None
        The round the submissions belong to, when ``latest`` says (a ``round`` column with
        one value).
    """

    tables: tuple[str, ...]
    rankings: pd.DataFrame
    table_ranks: pd.DataFrame
    table_shortlists: pd.DataFrame
    weights: pd.DataFrame
    table_weights: pd.DataFrame
    shortlist: pd.DataFrame
    agreement: KendallW | None
    aggregation: str
    size: int
    per_cohort: int | None
    groups: dict[str, str] = field(default_factory=dict)
    overlap: ShortlistOverlap | None = None
    baseline: AgreementBaseline | None = None
    round: int | None = None
    _model: ScoringModel | None = field(default=None, repr=False)
    _shares: np.ndarray | None = field(default=None, repr=False)
    _room_ids: tuple[str, ...] = field(default=(), repr=False)

    @property
    def shortlist_ids(self) -> tuple[str, ...]:
        """The room's shortlist as candidate ids (text), in order."""
        return self._room_ids

    @property
    def summary(self) -> str:
        """The headline in words: the overlap of the tables' lists, then the agreement score.

        The agreement score (Kendall's W) comes second, beside what random weights give.
        """
        parts = [self.overlap.sentence] if self.overlap is not None else []
        if self.baseline is not None:
            parts.append(self.baseline.sentence)
        elif self.agreement is not None:
            if np.isfinite(self.agreement.w):
                parts.append(
                    f"The tables' agreement score (Kendall's W, 0 to 1) is {self.agreement.w:.2f}."
                )
            else:
                parts.append(
                    "The tables' agreement score (Kendall's W) cannot be worked out: every "
                    "table ranked every priority equal."
                )
        return " ".join(parts)

    def _label_of(self) -> dict[str, str]:
        return dict(
            zip(
                self.rankings[CANDIDATE_COLUMN].astype(str),
                self.rankings[LABEL_COLUMN].astype(str),
                strict=True,
            )
        )

    def _shortlist_of(self, rows: np.ndarray) -> tuple[str, ...]:
        """Return the shortlist the aggregated weights of these tables (row positions) give."""
        if self._model is None or self._shares is None:
            raise RuntimeError(
                "This RoomConsensus was not made by room_consensus; it cannot re-aggregate."
            )
        combined = AGGREGATIONS[self.aggregation](self._shares[rows])
        total = combined.sum()
        if not np.isfinite(total) or total <= 0:
            return ()
        picked = self._model.shortlisted(
            combined / total, size=self.size, per_cohort=self.per_cohort
        )
        return tuple(str(self._model.candidates[i]) for i in picked)

    def _group_rows(self) -> dict[str, np.ndarray]:
        """Row positions of each group's tables, groups in order of their first table."""
        members: dict[str, list[int]] = {}
        for row, table in enumerate(self.tables):
            members.setdefault(self.groups.get(table, MIXED_GROUP), []).append(row)
        return {group: np.array(rows, dtype=np.int64) for group, rows in members.items()}

    def by_group(self) -> pd.DataFrame:
        """Return the shortlist each stakeholder group's own tables give.

        Each group's tables' weight shares are combined as the room's are (the same
        aggregation, shortlist size and per-cohort rule), so a group's list is what the
        room would choose if only that group had taken part.

        Returns
        -------
        pandas.DataFrame
            One row per group, in order of the group's first table: ``group``, ``tables``
            (int), ``shortlist`` (tuple of candidate ids, in order; empty when the
            geometric mean gives the group's tables zero on every criterion) and
            ``labels`` (tuple of their labels).
        """
        labels = self._label_of()
        rows = []
        for group, members in self._group_rows().items():
            ids = self._shortlist_of(members)
            rows.append((group, int(members.size), ids, tuple(labels[i] for i in ids)))
        frame = pd.DataFrame(rows, columns=["group", "tables", "shortlist", "labels"])
        return frame.astype({"group": "object", "tables": "int64"})

    def group_effect(self, group: str) -> GroupEffect:
        """Return what one group's tables changed: the room's list with them and without them.

        Parameters
        ----------
        group : str
            A stakeholder group of :attr:`groups`.

        Returns
        -------
        GroupEffect

        Raises
        ------
        ValueError
            When no table is in ``group``.
        """
        members = self._group_rows()
        if group not in members:
            raise ValueError(
                f"The 'group' parameter of group_effect must be one of the room's groups "
                f"{list(members)}. Got {group!r} instead."
            )
        rows = members[group]
        count = int(rows.size)
        who = f"the {group} group's " + ("table" if count == 1 else f"{count} tables")
        if count == len(self.tables):
            sentence = (
                f"Every table is in the {group} group, so there is no room without "
                f"{'it' if count == 1 else 'them'} to compare with."
            )
            return GroupEffect(group, count, (), (), True, sentence)
        others = np.setdiff1d(np.arange(len(self.tables)), rows)
        with_group = self._room_ids
        without = self._shortlist_of(others)
        came_in = tuple(i for i in with_group if i not in without)
        went_out = tuple(i for i in without if i not in with_group)
        labels = self._label_of()
        if not came_in and not went_out:
            if list(without) == list(with_group):
                sentence = (
                    f"Without {who} the room's list would be the same: their weights made "
                    "no difference to it."
                )
            else:
                sentence = (
                    f"Without {who} the room's list would hold the same priorities in "
                    "another order: their weights made no difference to which are on it."
                )
        else:
            instead = _and_join([labels[i] for i in went_out]) or "nothing"
            replaced = _and_join([labels[i] for i in came_in]) or "nothing"
            sentence = f"Without {who} the room's list would have {instead} instead of {replaced}."
        return GroupEffect(group, count, came_in, went_out, False, sentence)

    def disagreements(self, *, top: int = 5) -> pd.DataFrame:
        """Candidates some table shortlisted, with the widest spread of ranks first.

        Parameters
        ----------
        top : int
            How many to return.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`rankings`.
        """
        chosen = self.rankings.loc[self.rankings["shortlisted_by"] > 0]
        return (
            chosen.sort_values(["rank_range", "room_rank"], ascending=[False, True], kind="stable")
            .head(top)
            .reset_index(drop=True)
        )

    def headline(self) -> pd.DataFrame:
        """Return the room's shortlist with each table's rank and the spread, as a compact table."""
        top = self.rankings.loc[self.rankings["room_position"] > 0].sort_values(
            "room_position", kind="stable"
        )
        ranks = self.table_ranks.loc[top[CANDIDATE_COLUMN]].reset_index(drop=True)
        return pd.concat(
            [
                top[["room_position", "room_rank", CANDIDATE_COLUMN]].reset_index(drop=True),
                ranks,
                top[["rank_range", "shortlisted_by", "dots"]].reset_index(drop=True),
            ],
            axis=1,
        )


@validate_params(
    {
        "latest": ["data-frame"],
        "model": _MODEL,
        "size": [Interval(Integral, 1, DEFAULT_SHORTLIST_CAP, closed="both")],
        "aggregation": [StrOptions(AGGREGATIONS)],
        "per_cohort": [Interval(Integral, 1, None, closed="left"), None],
        "dot_votes": ["data-frame", None],
        "groups": ["mapping", None],
        "baseline_draws": [Interval(Integral, 0, None, closed="left")],
        "seed": [SEED],
    }
)
def room_consensus(
    latest: pd.DataFrame,
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
    latest : pandas.DataFrame
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
        :meth:`~toolkit.workshop.SubmissionStore.dot_votes`); only tables in ``latest``
        count.
    groups : mapping of str to str, optional
        Each table's stakeholder group (table -> group). By default the ``group`` or
        ``role`` column of ``latest`` when it has one; a table with no group is a
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
        When ``latest`` has no rows, names a table twice or lacks a weight column, or the
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
    if "table" not in latest.columns:
        raise ValueError(
            f"The 'latest' parameter of {caller} must be a DataFrame with a 'table' column "
            "(SubmissionStore.latest)."
        )
    tables = latest["table"].astype(str).tolist()
    repeated = sorted({name for name in tables if tables.count(name) > 1})
    if repeated:
        raise ValueError(
            f"The 'latest' parameter of {caller} must hold one row per table; {repeated} "
            "appear more than once (use SubmissionStore.latest)."
        )
    table_groups = _table_groups(latest, tables, groups)
    names = list(model.names)
    shares = _weight_shares(latest, names, caller=caller)
    aggregated = aggregate_weights(latest, criteria=names)
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
    room_list = shortlist(model.to_frame(room_weights), size=size, per_cohort=per_cohort)
    room_ids = tuple(str(ids[i]) for i in picked)
    overlap = _overlap(
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
        overlap=overlap,
        baseline=baseline,
        round=_round_of(latest),
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


def _overlap(
    room_ids: tuple[str, ...],
    tables: list[str],
    chosen: np.ndarray,
    ranks: np.ndarray,
    *,
    ids: list[str],
    labels: list[str],
    order: np.ndarray,
) -> ShortlistOverlap:
    """How many of the room's priorities every table shortlisted, and the tables' first choices.

    ``chosen`` and ``ranks`` are (tables, candidates) in model order; ``order`` is the
    room's order of the candidates.
    """
    position = {candidate: i for i, candidate in enumerate(ids)}
    counts = chosen.sum(axis=0)
    on_every = tuple(c for c in room_ids if bool(chosen[:, position[c]].all()))
    shortlisted_by = {ids[i]: int(counts[i]) for i in order}
    firsts = np.bincount(np.argmin(ranks, axis=1), minlength=len(ids))
    room_place = np.empty(len(ids), dtype=np.int64)
    room_place[order] = np.arange(len(ids))
    picked = [i for i in np.argsort(room_place, kind="stable") if firsts[i] > 0]
    picked.sort(key=lambda i: -firsts[i])  # stable: ties stay in the room's order
    first_choices = pd.DataFrame(
        {
            CANDIDATE_COLUMN: pd.Series([ids[i] for i in picked], dtype=object),
            LABEL_COLUMN: pd.Series([labels[i] for i in picked], dtype=object),
            "tables": np.array([firsts[i] for i in picked], dtype=np.int64),
        }
    )
    return ShortlistOverlap(
        on_every_list=on_every,
        shortlisted_by=shortlisted_by,
        first_choices=first_choices,
        sentence=_overlap_sentence(len(room_ids), len(on_every), first_choices, len(tables)),
    )


def _overlap_sentence(size: int, on_every: int, first_choices: pd.DataFrame, tables: int) -> str:
    """Return the headline: priorities on every table's list, what the tables put first."""
    top_label = first_choices[LABEL_COLUMN].iloc[0]
    if tables == 1:
        return (
            "Only one table has submitted, so the room's list is its list; it puts "
            f"{top_label} first."
        )
    priorities = _count(size, "priority", "priorities")
    if on_every == size:
        shared = {
            1: "The room's one priority is on every table's list",
            2: "Both priorities are on every table's list",
        }.get(size, f"All {priorities} are on every table's list")
    elif on_every == 0:
        shared = (
            "Neither priority is on every table's list"
            if size == 2
            else f"None of the {priorities} is on every table's list"
        )
    else:
        verb = "is" if on_every == 1 else "are"
        shared = f"{on_every} of the {priorities} {verb} on every table's list"
    most = int(first_choices["tables"].iloc[0])
    leaders = first_choices.loc[first_choices["tables"] == most, LABEL_COLUMN].tolist()
    if most == tables:
        first = f"every table puts {top_label} first"
    elif most == 1:
        first = "no two tables put the same priority first"
    elif len(leaders) == 1:
        first = f"{most} tables put {top_label} first"
    else:
        first = f"{most} tables put {leaders[0]} first" + "".join(
            f" and {most} put {label} first" for label in leaders[1:3]
        )
        if len(leaders) > 3:
            first += f" (and as many put each of {len(leaders) - 3} others first)"
    return f"{shared}; {first}."


@validate_params(
    {
        "before": [InstanceOf(RoomConsensus, "a RoomConsensus")],
        "after": [InstanceOf(RoomConsensus, "a RoomConsensus")],
        "rounds": [
            SequenceOf(
                Interval(Integral, None, None, closed="neither"),
                min_length=2,
                max_length=2,
                description="a pair of round numbers",
            ),
            None,
        ],
    }
)
def compare_rounds(
    before: RoomConsensus,
    after: RoomConsensus,
    *,
    rounds: tuple[int, int] | None = None,
) -> RoundChange:
    """Return what changed in the room's shortlist between two rounds, and in agreement.

    Parameters
    ----------
    before, after : RoomConsensus
        The earlier and the later round (:func:`room_consensus` of each round's latest
        submissions).
    rounds : tuple of int, optional
        The two rounds' numbers for the sentence; by default their
        :attr:`RoomConsensus.round`, else 1 and 2.

    Returns
    -------
    RoundChange

    Raises
    ------
    TypeError
        When ``before`` or ``after`` is not a RoomConsensus.
    """
    if rounds is None:
        first = before.round if before.round is not None else 1
        second = after.round if after.round is not None else first + 1
        rounds = (first, second)
    rounds = (int(rounds[0]), int(rounds[1]))
    old, new = list(before.shortlist_ids), list(after.shortlist_ids)
    came_in = tuple(c for c in new if c not in old)
    went_out = tuple(c for c in old if c not in new)
    stayed = tuple(c for c in new if c in old)
    changed = []
    for table in after.tables:
        if table not in before.tables:
            continue
        earlier = set(before.table_shortlists.index[before.table_shortlists[table]].astype(str))
        later = set(after.table_shortlists.index[after.table_shortlists[table]].astype(str))
        if earlier != later:
            changed.append(table)
    labels = before._label_of() | after._label_of()
    every_before = len(before.overlap.on_every_list) if before.overlap is not None else 0
    every_after = len(after.overlap.on_every_list) if after.overlap is not None else 0
    w_before = None if before.agreement is None else float(before.agreement.w)
    w_after = None if after.agreement is None else float(after.agreement.w)

    opening = f"Between rounds {rounds[0]} and {rounds[1]}"
    if came_in or went_out:
        moves = []
        if came_in:
            moves.append(f"{_and_join([labels[c] for c in came_in])} came in")
        if went_out:
            moves.append(f"{_and_join([labels[c] for c in went_out])} went out")
        text = f"{opening}, {' and '.join(moves)}"
    elif old != new:
        text = f"{opening} the room's list kept the same priorities in a new order"
    else:
        text = f"{opening} the room's list stayed the same"
    if every_after > every_before:
        trend = f"up from {every_before}"
    elif every_after < every_before:
        trend = f"down from {every_before}"
    else:
        trend = "as before"
    verb = "is" if every_after == 1 else "are"
    text += f"; {every_after} of {len(new)} priorities {verb} now on every table's list, {trend}."
    if (
        w_before is not None
        and w_after is not None
        and np.isfinite(w_before)
        and np.isfinite(w_after)
    ):
        text += f" The agreement score (Kendall's W) went from {w_before:.2f} to {w_after:.2f}."
    return RoundChange(
        came_in=came_in,
        went_out=went_out,
        stayed=stayed,
        tables_changed=tuple(changed),
        on_every_list_before=every_before,
        on_every_list_after=every_after,
        w_before=w_before,
        w_after=w_after,
        rounds=rounds,
        sentence=text,
    )
