"""Multi-criteria scoring of candidate priorities, and the shortlist with its reasons.

:class:`ScoringModel` normalises the candidates-by-criteria matrix once; re-scoring for a
new weight vector (what a workshop slider triggers) is then one matrix-vector product and
one sort, with pandas kept off that path. :func:`score_priorities` and :func:`shortlist`
are the DataFrame conveniences built on it.

Weights are relative: they are divided by their total before scoring, so weights of
(2, 1, 1) and (0.5, 0.25, 0.25) give the same scores.

Ties are broken deterministically: scores that agree to 12 decimal places count as equal,
and equal scores go first to the candidate with the higher unweighted mean of its
normalised criteria (so that a candidate dominated by another never ranks above it, even
when the criterion that separates them has no weight), then by candidate id (as text,
ascending). The same rule is used by the shortlist, by rank acceptability and by
:func:`weight_to_enter`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import DataContractError
from toolkit.prioritise.criteria import (
    CANDIDATE_COLUMN,
    LABEL_COLUMN,
    Criterion,
    check_criteria,
    criteria_matrix,
    normalise_matrix,
)

Method = Literal["weighted_sum", "topsis"]

#: Scores are rounded to this many decimals before ranking, so that floating-point noise
#: never decides a tie.
TIE_DECIMALS = 12

#: Default and largest shortlist size: not everything can be a priority.
DEFAULT_SHORTLIST_SIZE = 5
DEFAULT_SHORTLIST_CAP = 7

#: Prefix of the columns holding each criterion's contribution to the score.
CONTRIBUTION_PREFIX = "contribution_"

#: Columns :func:`score_priorities` adds.
SCORE_COLUMNS = ("score", "rank")

WeightsLike = Mapping[str, float] | Sequence[float] | np.ndarray | None


def _weighted_sum_batch(model: ScoringModel, weights: np.ndarray) -> np.ndarray:
    """Weighted sum for a (draws, k) weight matrix of rows summing to 1: (draws, n)."""
    return weights @ model.normalised.T


def _topsis_batch(model: ScoringModel, weights: np.ndarray) -> np.ndarray:
    """TOPSIS closeness for a (draws, k) weight matrix: (draws, n).

    With non-negative weights the weighted ideal (anti-ideal) of a column is the weight
    times the column's largest (smallest) normalised value, so both squared distances
    are a matrix product of precomputed squared gaps with the squared weights.
    """
    squared = weights * weights
    to_ideal = np.sqrt(squared @ model._gap_to_best.T)
    to_worst = np.sqrt(squared @ model._gap_to_worst.T)
    total = to_ideal + to_worst
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, to_worst / safe, 0.0)


#: Scoring methods by name; each maps a (draws, k) weight matrix to (draws, n) scores.
METHODS: dict[str, Callable[[ScoringModel, np.ndarray], np.ndarray]] = {
    "weighted_sum": _weighted_sum_batch,
    "topsis": _topsis_batch,
}


def check_size(size: object, cap: object, *, caller: str) -> int:
    """Check a shortlist size against its cap and return it as an int."""
    if isinstance(cap, bool) or not isinstance(cap, int | np.integer):
        raise TypeError(f"The 'cap' parameter of {caller} must be an int. Got {cap!r} instead.")
    if cap < 1:
        raise ValueError(f"The 'cap' parameter of {caller} must be an int >= 1. Got {cap} instead.")
    if isinstance(size, bool) or not isinstance(size, int | np.integer):
        raise TypeError(f"The 'size' parameter of {caller} must be an int. Got {size!r} instead.")
    if not 1 <= size <= cap:
        raise ValueError(
            f"The 'size' parameter of {caller} must be an int in [1, {cap}] (the cap: not "
            f"everything can be a priority; raise 'cap' to allow more). Got {size} instead."
        )
    return int(size)


def rank_scores(scores: np.ndarray) -> np.ndarray:
    """Return 1-based ranks along the last axis, ties to the earlier column.

    The columns must already be in tie-break order, which :class:`ScoringModel`
    guarantees.
    """
    order = np.argsort(-np.round(scores, TIE_DECIMALS), axis=-1, kind="stable")
    ranks = np.empty_like(order)
    positions = np.arange(1, scores.shape[-1] + 1)
    np.put_along_axis(ranks, order, np.broadcast_to(positions, order.shape), axis=-1)
    return ranks


class ScoringModel:
    """Candidates and criteria prepared once, for fast re-scoring under new weights.

    The criteria matrix is checked and normalised when the model is built. Each call of
    :meth:`scores` or :meth:`ranks` is then one matrix-vector product and one sort of a
    numpy array (microseconds for 50 candidates), which is what a workshop slider needs.
    Arrays are in the order of :attr:`candidates`, which is the tie-break order: higher
    unweighted mean of the normalised criteria first, then candidate id ascending.

    Parameters
    ----------
    candidates : pandas.DataFrame
        One row per candidate, with a unique ``candidate`` id column, an optional
        ``label`` column (plain English) and a numeric column per criterion.
    criteria : sequence of Criterion
        The criteria to score on.
    method : {"weighted_sum", "topsis"}
        ``"weighted_sum"`` (default): the score is the weighted mean of the normalised
        criteria. ``"topsis"``: closeness to the ideal candidate, D- / (D+ + D-), with
        D+ and D- the Euclidean distances of the weighted normalised values from the
        column-wise best and worst.
    """

    def __init__(
        self,
        candidates: pd.DataFrame,
        *,
        criteria: Sequence[Criterion],
        method: Method = "weighted_sum",
    ) -> None:
        caller = "ScoringModel"
        if not isinstance(candidates, pd.DataFrame):
            raise TypeError(
                f"The 'candidates' parameter of {caller} must be a pandas DataFrame. "
                f"Got {type(candidates).__name__} instead."
            )
        if method not in METHODS:
            raise ValueError(
                f"The 'method' parameter of {caller} must be one of {sorted(METHODS)}. "
                f"Got {method!r} instead."
            )
        self.criteria: tuple[Criterion, ...] = check_criteria(criteria, caller=caller)
        self.method: str = method
        ids = _candidate_ids(candidates, caller=caller)
        values = criteria_matrix(candidates, self.criteria, caller=caller)
        # Tie-break order: higher unweighted mean of the normalised criteria first (so a
        # dominated candidate never wins a tie against its dominator), then candidate id.
        plain = np.round(normalise_matrix(values, self.criteria).mean(axis=1), TIE_DECIMALS)
        #: Position of each model row in the caller's table.
        self.order: np.ndarray = np.lexsort((ids.astype(str), -plain))
        self.candidates: tuple[str, ...] = tuple(ids[self.order].tolist())
        if LABEL_COLUMN in candidates.columns:
            labels = candidates[LABEL_COLUMN].astype(str).to_numpy()[self.order]
        else:
            labels = ids[self.order]
        self.labels: tuple[str, ...] = tuple(str(label) for label in labels)
        self.names: tuple[str, ...] = tuple(criterion.name for criterion in self.criteria)
        self.values: np.ndarray = values[self.order]
        #: Normalised criteria, shape (n candidates, k criteria), in [0, 1].
        self.normalised: np.ndarray = normalise_matrix(self.values, self.criteria)
        self._gap_to_best = (self.normalised - self.normalised.max(axis=0)) ** 2
        self._gap_to_worst = (self.normalised - self.normalised.min(axis=0)) ** 2
        self._batch = METHODS[method]
        self._table = candidates

    def __len__(self) -> int:
        return len(self.candidates)

    def __repr__(self) -> str:
        return (
            f"ScoringModel({len(self.candidates)} candidates, {len(self.names)} criteria, "
            f"method={self.method!r})"
        )

    @property
    def default_weights(self) -> np.ndarray:
        """The criteria's default weights, in criteria order (not divided by their total)."""
        return np.array([criterion.default_weight for criterion in self.criteria])

    def weight_vector(
        self, weights: WeightsLike = None, *, caller: str = "ScoringModel"
    ) -> np.ndarray:
        """Return the weights as a vector in criteria order, divided by their total.

        Parameters
        ----------
        weights : mapping of str to float, sequence of float or None
            A mapping from criterion name to weight (criteria it leaves out keep their
            default weight), a sequence in criteria order, or None for the defaults.
        caller : str
            The public function's name, for error messages.

        Returns
        -------
        numpy.ndarray
            Non-negative weights summing to 1.
        """
        raw = self.raw_weights(weights, caller=caller)
        return raw / raw.sum()

    def raw_weights(
        self, weights: WeightsLike = None, *, caller: str = "ScoringModel"
    ) -> np.ndarray:
        """Return the weights in criteria order as given (not divided by their total), checked.

        Parameters
        ----------
        weights : mapping of str to float, sequence of float or None
            As for :meth:`weight_vector`.
        caller : str
            The public function's name, for error messages.

        Returns
        -------
        numpy.ndarray
            Finite, non-negative weights, not all zero.
        """
        if weights is None:
            raw = self.default_weights
        elif isinstance(weights, Mapping):
            unknown = sorted(set(weights) - set(self.names))
            if unknown:
                raise ValueError(
                    f"The 'weights' parameter of {caller} names criteria that are not "
                    f"declared: {unknown}. The criteria are {list(self.names)}."
                )
            raw = np.array(
                [
                    weights.get(name, criterion.default_weight)
                    for name, criterion in zip(self.names, self.criteria, strict=True)
                ],
                dtype=object,
            )
            wrong = [
                name
                for name, value in zip(self.names, raw, strict=True)
                if isinstance(value, bool) or not isinstance(value, int | float | np.number)
            ]
            if wrong:
                raise TypeError(
                    f"The 'weights' parameter of {caller} must map criterion names to floats. "
                    f"Got {weights[wrong[0]]!r} for {wrong[0]!r} instead."
                )
            raw = raw.astype("float64")
        elif isinstance(weights, str | bytes):
            raise TypeError(
                f"The 'weights' parameter of {caller} must be a mapping, a sequence of floats "
                f"or None. Got {type(weights).__name__} instead."
            )
        else:
            try:
                raw = np.asarray(weights, dtype="float64")
            except (TypeError, ValueError):
                raise TypeError(
                    f"The 'weights' parameter of {caller} must be a mapping, a sequence of "
                    f"floats or None. Got {weights!r} instead."
                ) from None
            if raw.shape != (len(self.names),):
                raise ValueError(
                    f"The 'weights' parameter of {caller} must have one weight per criterion "
                    f"({len(self.names)}). Got shape {raw.shape} instead."
                )
        total = raw.sum()
        if not np.isfinite(total) or (raw < 0).any() or total <= 0:
            raise ValueError(
                f"The 'weights' parameter of {caller} must be finite, non-negative and not all "
                f"zero. Got {dict(zip(self.names, raw.tolist(), strict=True))} instead."
            )
        return raw

    def scores(self, weights: WeightsLike = None) -> np.ndarray:
        """Return each candidate's score for these weights, in :attr:`candidates` order."""
        vector = self.weight_vector(weights)
        return self._batch(self, vector[np.newaxis, :])[0]

    def ranks(self, weights: WeightsLike = None) -> np.ndarray:
        """Return each candidate's rank (1 = top) for these weights, in :attr:`candidates` order."""
        return rank_scores(self.scores(weights))

    def batch_scores(self, weights: np.ndarray) -> np.ndarray:
        """Scores for many weight vectors at once.

        Parameters
        ----------
        weights : numpy.ndarray
            Shape (draws, k criteria); each row non-negative and summing to 1 (not checked:
            this is the inner loop of rank acceptability).

        Returns
        -------
        numpy.ndarray
            Shape (draws, n candidates).
        """
        return self._batch(self, weights)

    def contributions(self, weights: WeightsLike = None) -> np.ndarray:
        """Each criterion's part of each candidate's score, shape (n, k); rows sum to the score.

        For the weighted sum this is exact: weight times normalised value. TOPSIS is not
        additive, so its score is apportioned in proportion to the weighted normalised
        values (an apportionment, not a decomposition).
        """
        vector = self.weight_vector(weights)
        weighted = self.normalised * vector
        if self.method == "weighted_sum":
            return weighted
        totals = weighted.sum(axis=1, keepdims=True)
        scores = self._batch(self, vector[np.newaxis, :])[0][:, np.newaxis]
        safe = np.where(totals > 0, totals, 1.0)
        return np.where(totals > 0, weighted / safe * scores, 0.0)

    def to_frame(self, weights: WeightsLike = None) -> pd.DataFrame:
        """Return the candidates table with score, rank and contributions, best first.

        See :func:`score_priorities`.
        """
        caller = "score_priorities"
        vector = self.weight_vector(weights, caller=caller)
        added = [*SCORE_COLUMNS, *(CONTRIBUTION_PREFIX + name for name in self.names)]
        clash = [column for column in added if column in self._table.columns]
        if clash:
            raise ValueError(
                f"{caller} will not overwrite existing columns {clash} of the candidates "
                "table. Rename or drop them first."
            )
        scores = self._batch(self, vector[np.newaxis, :])[0]
        ranks = rank_scores(scores)
        contributions = self.contributions(vector)
        table = self._table.iloc[self.order].reset_index(drop=True)
        extra = {"score": scores, "rank": ranks}
        extra.update(
            {CONTRIBUTION_PREFIX + name: contributions[:, i] for i, name in enumerate(self.names)}
        )
        result = pd.concat([table, pd.DataFrame(extra)], axis=1)
        result = result.sort_values("rank", kind="stable").reset_index(drop=True)
        result.attrs = {
            "prioritise": {
                "method": self.method,
                "weights": dict(zip(self.names, vector.tolist(), strict=True)),
                "phrases": {criterion.name: criterion.phrase for criterion in self.criteria},
            }
        }
        return result


def _candidate_ids(candidates: pd.DataFrame, *, caller: str) -> np.ndarray:
    """Return the candidate ids as an object array after checking they are present and unique."""
    if CANDIDATE_COLUMN not in candidates.columns:
        raise DataContractError(
            f"{caller}: the candidates table needs a '{CANDIDATE_COLUMN}' column holding a "
            f"unique id for each candidate. Its columns are {list(candidates.columns)}."
        )
    if len(candidates) == 0:
        raise DataContractError(f"{caller}: the candidates table has no rows.")
    ids = candidates[CANDIDATE_COLUMN]
    missing = np.flatnonzero(ids.isna().to_numpy())
    if missing.size:
        raise DataContractError(
            f"{caller}: column '{CANDIDATE_COLUMN}' is missing for {missing.size} rows "
            f"(rows {missing[:5].tolist()}); every candidate needs an id."
        )
    repeated = ids[ids.duplicated(keep=False)].astype(str).unique().tolist()
    if repeated:
        raise DataContractError(
            f"{caller}: column '{CANDIDATE_COLUMN}' must be unique; {len(repeated)} ids occur "
            f"more than once: {repeated[:5]}."
        )
    return ids.astype(str).to_numpy(dtype=object)


def score_priorities(
    candidates: pd.DataFrame,
    *,
    criteria: Sequence[Criterion],
    weights: WeightsLike = None,
    method: Method = "weighted_sum",
) -> pd.DataFrame:
    """Score and rank candidate priorities on weighted criteria.

    Parameters
    ----------
    candidates : pandas.DataFrame
        One row per candidate: a unique ``candidate`` id, an optional plain-English
        ``label`` and a numeric column for each criterion, with no missing values.
    criteria : sequence of Criterion
        The criteria, each with its direction and normalisation.
    weights : mapping of str to float, sequence of float or None
        Weight per criterion name (criteria left out keep their default weight), a
        sequence in criteria order, or None for the default weights. Weights are divided
        by their total, so only their ratios matter.
    method : {"weighted_sum", "topsis"}
        The scoring method (see :class:`ScoringModel`).

    Returns
    -------
    pandas.DataFrame
        A new table, best first: the candidates' columns plus ``score`` (0 to 1),
        ``rank`` (1 = top; ties broken as the module describes) and ``contribution_<criterion>``
        for each criterion (for the weighted sum these sum to the score). The weights used
        and the criteria's phrases are kept in ``.attrs["prioritise"]`` for
        :func:`shortlist`.

    Raises
    ------
    DataContractError
        When the candidate ids are missing or repeated, or a criterion column is absent,
        not numeric or has a missing value.
    ValueError
        When the table already has a column the function would add.

    See Also
    --------
    ScoringModel : the prepared, fast path for re-scoring under many weights.
    shortlist : the top few with their reasons.
    """
    model = ScoringModel(candidates, criteria=criteria, method=method)
    return model.to_frame(weights)


def _format_margin(value: float) -> str:
    """Format a score difference: two decimals, or two significant figures when tiny."""
    return f"{value:.2f}" if abs(value) >= 0.01 else f"{value:.2g}"


def _reason(
    label: str,
    score: float,
    shares: list[tuple[str, float]],
    left_out: tuple[str, float] | None,
) -> str:
    """Build one plain-English reason."""
    if score <= 0 or not shares:
        text = f"{label}: it scores 0 on every weighted criterion."
    else:
        parts = [
            f"{phrase} ({share:.0%}{' of score' if i == 0 else ''})"
            for i, (phrase, share) in enumerate(shares)
        ]
        text = f"{label}: largest contributions: " + ", ".join(parts) + "."
    if left_out is None:
        return text + " No candidate was left out."
    left_label, left_score = left_out
    margin = score - left_score
    if round(margin, TIE_DECIMALS) <= 0:
        return text + (
            f" Level with the first candidate left out ({left_label}); it is ahead only by "
            "the tie-break."
        )
    share = f" ({margin / score:.0%} of the score)" if score > 0 else ""
    return text + (
        f" Ahead of the first candidate left out ({left_label}) by {_format_margin(margin)}{share}."
    )


def shortlist(
    scored: pd.DataFrame,
    *,
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    criteria: Sequence[Criterion] | None = None,
    reasons: int = 2,
) -> pd.DataFrame:
    """Return the top few candidates, each with a plain-English reason.

    The reason names the candidate's largest contributions (as shares of its score) and
    its margin over the first candidate left out.

    Parameters
    ----------
    scored : pandas.DataFrame
        The output of :func:`score_priorities`.
    size : int
        How many to shortlist; 5 by default, at most ``cap``.
    cap : int
        The largest shortlist allowed (7 by default): not everything can be a priority.
    criteria : sequence of Criterion, optional
        Where the criteria's phrases come from; by default those recorded by
        :func:`score_priorities` in ``scored.attrs``, else the column names.
    reasons : int
        How many of the largest contributions each reason names (2 by default).

    Returns
    -------
    pandas.DataFrame
        The top ``size`` rows of ``scored`` (all of them if there are fewer), in rank
        order, with added columns ``reason``, ``first_left_out`` (label of the best
        candidate not shortlisted, missing if none) and ``margin`` (score minus that
        candidate's score).

    Raises
    ------
    ValueError
        When ``size`` is not in [1, cap], or ``scored`` lacks score columns, or already
        has a column this function adds.
    """
    caller = "shortlist"
    size = check_size(size, cap, caller=caller)
    if isinstance(reasons, bool) or not isinstance(reasons, int) or reasons < 1:
        raise ValueError(
            f"The 'reasons' parameter of {caller} must be an int >= 1. Got {reasons!r} instead."
        )
    if not isinstance(scored, pd.DataFrame):
        raise TypeError(
            f"The 'scored' parameter of {caller} must be a pandas DataFrame. "
            f"Got {type(scored).__name__} instead."
        )
    contribution_columns = [c for c in scored.columns if str(c).startswith(CONTRIBUTION_PREFIX)]
    needed = [CANDIDATE_COLUMN, *SCORE_COLUMNS]
    absent = [column for column in needed if column not in scored.columns]
    if absent or not contribution_columns:
        raise ValueError(
            f"The 'scored' parameter of {caller} must be the output of score_priorities; it "
            f"lacks {absent or ['contribution_<criterion> columns']}."
        )
    added = ["reason", "first_left_out", "margin"]
    clash = [column for column in added if column in scored.columns]
    if clash:
        raise ValueError(
            f"{caller} will not overwrite existing columns {clash} of the scored table. "
            "Rename or drop them first."
        )
    if criteria is not None:
        phrases = {c.name: c.phrase for c in check_criteria(criteria, caller=caller)}
    else:
        phrases = dict(scored.attrs.get("prioritise", {}).get("phrases", {}))
    ordered = scored.sort_values("rank", kind="stable").reset_index(drop=True)
    labels = (
        ordered[LABEL_COLUMN].astype(str)
        if LABEL_COLUMN in ordered.columns
        else ordered[CANDIDATE_COLUMN].astype(str)
    ).tolist()
    scores = ordered["score"].to_numpy(dtype="float64")
    names = [column[len(CONTRIBUTION_PREFIX) :] for column in contribution_columns]
    parts = ordered[contribution_columns].to_numpy(dtype="float64")
    top = ordered.iloc[:size].copy()
    left_out = (labels[size], float(scores[size])) if len(ordered) > size else None
    texts = []
    for row in range(len(top)):
        score = float(scores[row])
        biggest = np.argsort(-parts[row], kind="stable")[:reasons]
        shares = [
            (phrases.get(names[i], names[i].replace("_", " ")), parts[row, i] / score)
            for i in biggest
            if score > 0 and parts[row, i] > 0 and math.isfinite(parts[row, i] / score)
        ]
        texts.append(_reason(labels[row], score, shares, left_out))
    top["reason"] = pd.Series(texts, index=top.index, dtype=object)
    top["first_left_out"] = pd.Series(
        [left_out[0] if left_out else None] * len(top), index=top.index, dtype=object
    )
    top["margin"] = scores[: len(top)] - (left_out[1] if left_out else np.nan)
    top.attrs = dict(scored.attrs)
    return top
