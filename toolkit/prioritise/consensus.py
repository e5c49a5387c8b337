"""Where the tables agree: rankings side by side, the room's weights and Kendall's W.

Each table's weights are re-scored with the prepared :class:`~toolkit.prioritise.ScoringModel`;
the room's weights aggregate the tables' weight shares (arithmetic mean, geometric mean
or median) and give the room's shortlist through :func:`toolkit.prioritise.shortlist`.
Agreement between the tables' rankings is Kendall's coefficient of concordance W.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN
from toolkit.prioritise.scoring import (
    DEFAULT_PER_COHORT,
    DEFAULT_SHORTLIST_CAP,
    TIE_DECIMALS,
    ScoringModel,
    check_per_cohort,
    check_size,
    rank_scores,
    shortlist,
)

#: Prefix of the weight columns of a submission (one ``weight_<criterion>`` per criterion),
#: as :class:`toolkit.workshop.SubmissionStore` writes them.
WEIGHT_PREFIX = "weight_"

Aggregation = Literal["arithmetic_mean", "geometric_mean", "median"]


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
    elif isinstance(ranks, np.ndarray):
        try:
            values = ranks.astype("float64")
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'ranks' parameter of {caller} must hold numbers. "
                f"Got dtype {ranks.dtype} instead."
            ) from None
    else:
        raise TypeError(
            f"The 'ranks' parameter of {caller} must be a pandas DataFrame or a numpy array. "
            f"Got {type(ranks).__name__} instead."
        )
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
    if not isinstance(weights, pd.DataFrame):
        raise TypeError(
            f"The 'weights' parameter of {caller} must be a pandas DataFrame. "
            f"Got {type(weights).__name__} instead."
        )
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


def room_consensus(
    latest: pd.DataFrame,
    *,
    model: ScoringModel,
    size: int = 5,
    aggregation: Aggregation = "arithmetic_mean",
    per_cohort: int | None = DEFAULT_PER_COHORT,
    dot_votes: pd.DataFrame | None = None,
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
    agreement.
    """
    caller = "room_consensus"
    if not isinstance(model, ScoringModel):
        raise TypeError(
            f"The 'model' parameter of {caller} must be a ScoringModel. "
            f"Got {type(model).__name__} instead."
        )
    size = check_size(size, DEFAULT_SHORTLIST_CAP, caller=caller)
    per_cohort = check_per_cohort(per_cohort, caller=caller)
    if aggregation not in AGGREGATIONS:
        raise ValueError(
            f"The 'aggregation' parameter of {caller} must be one of {sorted(AGGREGATIONS)}. "
            f"Got {aggregation!r} instead."
        )
    if not isinstance(latest, pd.DataFrame) or "table" not in latest.columns:
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
    if len(tables) >= 2:
        tied_ranks = stats.rankdata(-np.round(scores, TIE_DECIMALS), method="average", axis=1)
        agreement = kendalls_w(tied_ranks)
    room_list = shortlist(model.to_frame(room_weights), size=size, per_cohort=per_cohort)
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
    )
