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

The shortlist rule is shared too: walk the ranking and keep each candidate unless its
cohort (the :data:`~toolkit.prioritise.criteria.COHORT_COLUMNS` it has: segment, and
quintile or place) already has ``per_cohort`` shortlisted items, until ``size`` are kept.
:func:`select_shortlist` applies it to one ranking or to many at once (vectorised over
weight draws), so that the shortlist shown and the chance of being in it agree.

The ranking and the shortlist rule on arrays live in ``_ranking``, the words of the reasons
in ``_reasons``, beside this module; every public name is importable from here.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    POSITIVE,
    Interval,
    SequenceOf,
    StrOptions,
    as_floats,
    check_param,
    check_params,
    invalid_parameter,
    validate_params,
    warn,
)
from toolkit._words import listed
from toolkit.defaults import SHORTLIST_CAP, SHORTLIST_SIZE
from toolkit.errors import DataContractError

# Re-exported: the public names this module had before it was split by job (issue 17).
from toolkit.prioritise._ranking import (  # noqa: F401
    TIE_DECIMALS,
    cohort_codes,
    rank_order,
    rank_scores,
    ranks_of_order,
    related_rows,
    select_shortlist,
)
from toolkit.prioritise._reasons import (
    largest_shares,
    ordinal,
    related_heading,
    short_names,
    shortlist_reason,
)
from toolkit.prioritise.criteria import (
    CANDIDATE_COLUMN,
    CRITERIA,
    LABEL_COLUMN,
    Criterion,
    check_criteria,
    criteria_matrix,
    normalise_matrix,
)

Method = Literal["weighted_sum", "topsis"]

#: Default and largest shortlist size: not everything can be a priority.
DEFAULT_SHORTLIST_SIZE = SHORTLIST_SIZE
DEFAULT_SHORTLIST_CAP = SHORTLIST_CAP

#: Default number of shortlisted candidates per cohort: a priority is a cohort with its
#: outcomes, so by default the shortlist covers distinct cohorts (None: no limit).
DEFAULT_PER_COHORT = 1

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


#: Constraints the scoring, shortlist and robustness functions share (see
#: :func:`validate_params`).
WEIGHTS = ["mapping", "array-like", None]
SCORING_METHOD = [StrOptions(METHODS)]
COHORT = [SequenceOf("column"), None]
SIZE = [Interval(Integral, 1, None, closed="left")]
PER_COHORT = [Interval(Integral, 1, None, closed="left"), None]


def check_weights(
    weights: WeightsLike, criteria: Sequence[Criterion], *, caller: str
) -> np.ndarray:
    """Return the weights in criteria order as given (not divided by their total), checked.

    Parameters
    ----------
    weights : mapping of str to float, sequence of float or None
        A mapping from criterion name to weight (criteria it leaves out keep their default
        weight, with a ``UserWarning`` naming them), a sequence in criteria order, or None
        for the defaults (:data:`WEIGHTS`).
    criteria : sequence of Criterion
        The criteria, checked already.
    caller : str
        The public function's name, for error messages.

    Returns
    -------
    numpy.ndarray
        Finite, non-negative weights, not all zero.

    Raises
    ------
    ValueError
        When a mapping names a criterion that is not declared (the message suggests the
        nearest declared name and names the criteria the mapping gives no weight), or the
        weights are negative, not finite or all zero.
    """
    check_param(weights, "weights", WEIGHTS, caller)
    names = [criterion.name for criterion in criteria]
    missing: list[str] = []  # the criteria a mapping gives no weight (they keep defaults)
    if weights is None:
        raw = np.array([criterion.default_weight for criterion in criteria], dtype="float64")
    elif isinstance(weights, Mapping):
        unknown = sorted(set(weights) - set(names), key=str)
        missing = [name for name in names if name not in weights]
        if unknown:
            raise ValueError(
                f"The 'weights' parameter of {caller} names criteria that are not "
                f"declared: {unknown}{_did_you_mean(unknown, missing, names)}. The "
                f"criteria are {names}.{_no_weight(missing, criteria)}"
            )
        given = {c.name: weights.get(c.name, c.default_weight) for c in criteria}
        wrong = [name for name, value in given.items() if not _is_number(value)]
        if wrong:
            raise TypeError(
                f"The 'weights' parameter of {caller} must map criterion names to floats. "
                f"Got {weights[wrong[0]]!r} for {wrong[0]!r} instead."
            )
        raw = np.array(list(given.values()), dtype="float64")
    else:
        raw = as_floats(weights, "weights", caller)
        if raw.shape != (len(names),):
            raise ValueError(
                f"The 'weights' parameter of {caller} must have one weight per criterion "
                f"({len(names)}). Got shape {raw.shape} instead."
            )
    total = raw.sum()
    if not np.isfinite(total) or (raw < 0).any() or total <= 0:
        raise ValueError(
            f"The 'weights' parameter of {caller} must be finite, non-negative and not all "
            f"zero. Got {dict(zip(names, raw.tolist(), strict=True))} instead."
        )
    if missing:
        warn(
            f"The 'weights' parameter of {caller} gives no weight for {missing}: "
            f"{_keep_default(missing, criteria)}. Give every criterion a weight to set "
            "them all.",
            UserWarning,
            to_user=True,
        )
    return raw


def _did_you_mean(unknown: Sequence[object], missing: Sequence[str], names: Sequence[str]) -> str:
    """' (did you mean ...?)' for the unknown names near a criterion given no weight (or any)."""
    pairs = []
    for name in unknown:
        if not isinstance(name, str):
            continue
        close = difflib.get_close_matches(name, missing, n=1) or difflib.get_close_matches(
            name, names, n=1
        )
        if close:
            pairs.append((name, close[0]))
    if not pairs:
        return ""
    if len(unknown) == 1:
        return f" (did you mean {pairs[0][1]!r}?)"
    return f" (did you mean {listed(f'{near!r} for {name!r}' for name, near in pairs)}?)"


def _keep_default(
    missing: Sequence[str], criteria: Sequence[Criterion], *, would: bool = False
) -> str:
    """How the criteria given no weight are weighted, in words: "they keep ... weight, 1"."""
    defaults = {c.name: float(c.default_weight) for c in criteria if c.name in missing}
    one = len(defaults) == 1
    keep = "would keep" if would else ("keeps" if one else "keep")
    owner = f"{'it' if one else 'they'} {keep} {'its' if one else 'their'}"
    if len(set(defaults.values())) == 1:
        return f"{owner} default weight, {next(iter(defaults.values())):g}"
    return f"{owner} default weights, " + listed(f"{n} {w:g}" for n, w in defaults.items())


def _no_weight(missing: Sequence[str], criteria: Sequence[Criterion]) -> str:
    """' It gives no weight for [...]: they would keep ...' when a mapping leaves some out."""
    if not missing:
        return ""
    return (
        f" It gives no weight for {list(missing)}: {_keep_default(missing, criteria, would=True)}."
    )


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def check_size(size: int, cap: int, *, caller: str) -> int:
    """Refuse a shortlist size above its cap, and return it as an int.

    The one rule between two arguments that their declarations (:data:`SIZE`) cannot
    state; each is checked on its own before.
    """
    if size > cap:
        raise invalid_parameter(
            "size",
            caller,
            f"{Interval(Integral, 1, cap, closed='both')} (the cap: not everything can be a "
            "priority; raise 'cap' to allow more)",
            size,
        )
    return int(size)


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
    cohort : sequence of str, optional
        Columns that identify a candidate's cohort, for the per-cohort shortlist rule.
        By default those of ``segment``, ``imd_quintile`` and ``place`` that the table has;
        with none of them every candidate is its own cohort.

    Attributes
    ----------
    cohort_columns : tuple of str
        The cohort columns used.
    cohort_codes : numpy.ndarray
        Cohort code of each candidate, in :attr:`candidates` order.
    """

    def __init__(
        self,
        candidates: pd.DataFrame,
        *,
        criteria: Sequence[Criterion],
        method: Method = "weighted_sum",
        cohort: Sequence[str] | None = None,
    ) -> None:
        caller = "ScoringModel"
        check_params(
            {"candidates": candidates, "method": method, "cohort": cohort},
            {"candidates": ["data-frame"], "method": SCORING_METHOD, "cohort": COHORT},
            caller,
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
        columns, codes = cohort_codes(candidates, cohort, caller=caller)
        self.cohort_columns: tuple[str, ...] = columns
        self.cohort_codes: np.ndarray = codes[self.order]

    def __len__(self) -> int:
        return len(self.candidates)

    @property
    def table(self) -> pd.DataFrame:
        """A copy of the candidates table the model was prepared from (caller's order)."""
        return self._table.copy()

    def __repr__(self) -> str:
        return (
            f"ScoringModel({len(self.candidates)} candidates, {len(self.names)} criteria, "
            f"method={self.method!r})"
        )

    def subset(self, positions: Sequence[int] | np.ndarray) -> ScoringModel:
        """Return the model of some of its candidates, each scored exactly as here.

        The criteria stay normalised over all the candidates (and TOPSIS keeps their best
        and worst) and ties are broken in this model's order, so every candidate keeps its
        score; only the candidates ranked together change (one place's own list from a
        system's scores). A model built from those rows alone would normalise them afresh.

        Parameters
        ----------
        positions : sequence of int
            Positions in :attr:`candidates` of the candidates to keep (at least one).

        Returns
        -------
        ScoringModel
        """
        keep = np.unique(np.asarray(positions, dtype=np.int64))
        part = copy.copy(self)
        part._table = self._table.iloc[self.order[keep]]
        part.order = np.arange(keep.size)
        part.candidates = tuple(self.candidates[i] for i in keep)
        part.labels = tuple(self.labels[i] for i in keep)
        for name in ("values", "normalised", "_gap_to_best", "_gap_to_worst", "cohort_codes"):
            setattr(part, name, getattr(self, name)[keep])
        return part

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
        """Return the weights in criteria order as given, checked: see :func:`check_weights`."""
        return check_weights(weights, self.criteria, caller=caller)

    def scores(self, weights: WeightsLike = None) -> np.ndarray:
        """Return each candidate's score for these weights, in :attr:`candidates` order."""
        vector = self.weight_vector(weights)
        return self._batch(self, vector[np.newaxis, :])[0]

    def ranks(self, weights: WeightsLike = None) -> np.ndarray:
        """Return each candidate's rank (1 = top) for these weights, in :attr:`candidates` order."""
        return rank_scores(self.scores(weights))

    def shortlisted(
        self,
        weights: WeightsLike = None,
        *,
        size: int = DEFAULT_SHORTLIST_SIZE,
        cap: int = DEFAULT_SHORTLIST_CAP,
        per_cohort: int | None = DEFAULT_PER_COHORT,
    ) -> np.ndarray:
        """Return the shortlisted candidates' positions in :attr:`candidates`, best first.

        The same rule as :func:`shortlist` (at most ``per_cohort`` per cohort), on numpy
        arrays only: what a workshop slider should call.

        Parameters
        ----------
        weights : mapping of str to float, sequence of float or None
            As for :meth:`weight_vector`.
        size : int
            Shortlist size (5 by default, at most ``cap``).
        cap : int
            Largest shortlist allowed.
        per_cohort : int or None
            Most candidates per cohort (1 by default); None for no limit.

        Returns
        -------
        numpy.ndarray
            Integer positions into :attr:`candidates`, in shortlist order.
        """
        caller = "ScoringModel.shortlisted"
        check_params(
            {"size": size, "cap": cap, "per_cohort": per_cohort},
            {"size": SIZE, "cap": SIZE, "per_cohort": PER_COHORT},
            caller,
        )
        size = check_size(size, cap, caller=caller)
        order = rank_order(self.scores(weights))
        ranks = ranks_of_order(order)[np.newaxis, :]
        chosen, _ = select_shortlist(ranks, self.cohort_codes, size, per_cohort)
        return order[chosen[0][order]]

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
                "cohort": self.cohort_columns,
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


@validate_params(
    {
        "data": ["data-frame"],
        "criteria": CRITERIA,
        "weights": WEIGHTS,
        "method": SCORING_METHOD,
        "cohort": COHORT,
    },
    renamed={"candidates": "data"},
)
def score_priorities(
    data: pd.DataFrame,
    *,
    criteria: Sequence[Criterion],
    weights: WeightsLike = None,
    method: Method = "weighted_sum",
    cohort: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Score and rank candidate priorities on weighted criteria.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per candidate: a unique ``candidate`` id, an optional plain-English
        ``label`` and a numeric column for each criterion, with no missing values.
    criteria : sequence of Criterion
        The criteria, each with its direction and normalisation.
    weights : mapping of str to float, sequence of float or None
        Weight per criterion name (criteria left out keep their default weight, with a
        ``UserWarning`` naming them; a name that is not a criterion is refused), a
        sequence in criteria order, or None for the default weights. Weights are divided
        by their total, so only their ratios matter.
    method : {"weighted_sum", "topsis"}
        The scoring method (see :class:`ScoringModel`).
    cohort : sequence of str, optional
        Columns that identify a candidate's cohort (see :class:`ScoringModel`); recorded
        for :func:`shortlist`. Scores and ranks do not depend on it.

    Returns
    -------
    pandas.DataFrame
        A new table, best first: the candidates' columns plus ``score`` (0 to 1),
        ``rank`` (1 = top; ties broken as the module describes) and ``contribution_<criterion>``
        for each criterion (for the weighted sum these sum to the score). The weights used,
        the criteria's phrases and the cohort columns are kept in ``.attrs["prioritise"]``
        for :func:`shortlist`.

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
    model = ScoringModel(data, criteria=criteria, method=method, cohort=cohort)
    return model.to_frame(weights)


@validate_params(
    {
        "data": ["data-frame"],
        "size": SIZE,
        "cap": SIZE,
        "criteria": [*CRITERIA, None],
        "reasons": [Interval(Integral, 1, None, closed="left")],
        "per_cohort": PER_COHORT,
        "cohort": COHORT,
        "score_scale": [POSITIVE],
    },
    renamed={"scored": "data"},
)
def shortlist(
    data: pd.DataFrame,
    *,
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    criteria: Sequence[Criterion] | None = None,
    reasons: int = 2,
    per_cohort: int | None = DEFAULT_PER_COHORT,
    cohort: Sequence[str] | None = None,
    score_scale: float = 1.0,
) -> pd.DataFrame:
    """Return the top few candidates of distinct cohorts, each with a plain-English reason.

    Walk the ranking best first and keep each candidate unless its cohort already has
    ``per_cohort`` shortlisted items, until ``size`` are kept. A priority for a board is
    a cohort with its outcomes, and not everything can be a priority: by default (one per
    cohort) the shortlist covers ``size`` distinct cohorts, and each item lists the
    candidates skipped for its cohort as related outcomes, so nothing is hidden. Tables
    without cohort columns (``segment``, ``imd_quintile``, ``place``) are unaffected: every
    candidate is its own cohort.

    Parameters
    ----------
    data : pandas.DataFrame
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
    per_cohort : int or None
        Most candidates shortlisted per cohort: 1 by default; None for no limit (the plain
        top ``size``). :func:`rank_acceptability` and :func:`weight_to_enter` take the same
        option, so that their chances and thresholds describe this shortlist.
    cohort : sequence of str, optional
        Columns that identify a cohort; by default those recorded by
        :func:`score_priorities`, else the ones of ``segment``, ``quintile`` and ``place``
        that the table has.
    score_scale : float
        The scale scores are shown on (1 by default; 100 for "points out of 100"), for
        the margin the reason states.

    Returns
    -------
    pandas.DataFrame
        The shortlisted rows of ``data`` (fewer than ``size`` when there are not
        enough), best first, keeping their overall ``rank``, with added columns:

        - ``position``: 1 to ``size``, the place in the shortlist;
        - ``reason``: the largest contributions (as shares of the score), the related
          outcomes with their overall ranks ("2nd overall"; for themes measured in each
          place, "The same theme in other places", named by place), and the margin over
          the first candidate left out;
        - ``related``: labels of the candidates skipped because their cohort was full
          (ranked above the first candidate left out), best first, separated by "; "
          (empty when none); listed with their cohort's first shortlisted item, so that
          every candidate ranked above the first left out is shortlisted or named here;
        - ``first_left_out``: label of the best candidate the rule would take next (the
          first of a cohort that is not full), missing if none;
        - ``margin``: score minus that candidate's score.

    Raises
    ------
    ValueError
        When ``size`` is not in [1, cap], ``per_cohort`` is below 1, ``data`` lacks
        score columns, or already has a column this function adds.
    """
    caller = "shortlist"
    size = check_size(size, cap, caller=caller)
    contribution_columns = [c for c in data.columns if str(c).startswith(CONTRIBUTION_PREFIX)]
    needed = [CANDIDATE_COLUMN, *SCORE_COLUMNS]
    absent = [column for column in needed if column not in data.columns]
    if absent or not contribution_columns:
        raise ValueError(
            f"The 'data' parameter of {caller} must be the output of score_priorities; it "
            f"lacks {absent or ['contribution_<criterion> columns']}."
        )
    added = ["position", "reason", "related", "first_left_out", "margin"]
    clash = [column for column in added if column in data.columns]
    if clash:
        raise ValueError(
            f"{caller} will not overwrite existing columns {clash} of the scored table. "
            "Rename or drop them first."
        )
    recorded = data.attrs.get("prioritise", {})
    if criteria is not None:
        phrases = {c.name: c.phrase for c in check_criteria(criteria, caller=caller)}
    else:
        phrases = dict(recorded.get("phrases", {}))
    if cohort is None and recorded.get("cohort") is not None:
        cohort = tuple(recorded["cohort"])
    ordered = data.sort_values("rank", kind="stable").reset_index(drop=True)
    _, codes = cohort_codes(ordered, cohort, caller=caller)
    labels = (
        ordered[LABEL_COLUMN].astype(str)
        if LABEL_COLUMN in ordered.columns
        else ordered[CANDIDATE_COLUMN].astype(str)
    ).tolist()
    names, outcome_names = short_names(ordered, labels)
    heading = related_heading(ordered)
    ranks = ordered["rank"].to_numpy()
    scores = ordered["score"].to_numpy(dtype="float64")
    criterion_names = [column[len(CONTRIBUTION_PREFIX) :] for column in contribution_columns]
    parts = ordered[contribution_columns].to_numpy(dtype="float64")

    # The table is in rank order: row r has rank r + 1 (ties already broken).
    positions = np.arange(1, len(ordered) + 1)[np.newaxis, :]
    chosen, eligible = select_shortlist(positions, codes, size, per_cohort)
    kept = np.flatnonzero(chosen[0])
    waiting = np.flatnonzero(eligible[0] & ~chosen[0])
    first = int(waiting[0]) if waiting.size else None
    left_out = None if first is None else (names[first], float(scores[first]))
    other_cohorts = per_cohort is not None and len(ordered) > kept.size

    # Related: candidates the walk skipped because their cohort was full, listed with their
    # cohort's first shortlisted item.
    skipped_for = related_rows(kept, eligible[0], first, codes)
    texts, related = [], []
    for row in kept:
        score = float(scores[row])
        shares = largest_shares(parts[row], score, criterion_names, phrases, reasons)
        others = skipped_for[row]
        texts.append(
            shortlist_reason(
                score,
                shares,
                [f"{outcome_names[j]} ({ordinal(int(ranks[j]))} overall)" for j in others],
                left_out,
                other_cohorts,
                score_scale,
                heading,
            )
        )
        related.append("; ".join(labels[j] for j in others))
    top = ordered.iloc[kept].reset_index(drop=True)
    index = top.index
    top = top.assign(
        position=np.arange(1, len(top) + 1, dtype=np.int64),
        reason=pd.Series(texts, index=index, dtype=object),
        related=pd.Series(related, index=index, dtype=object),
        first_left_out=pd.Series(
            [None if first is None else labels[first]] * len(top), index=index, dtype=object
        ),
        margin=scores[kept] - (left_out[1] if left_out else np.nan),
    )
    top.attrs = dict(data.attrs)
    return top
