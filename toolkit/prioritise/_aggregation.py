"""The room's weights: each table's weights as shares, combined into one weight per criterion.

Each table's weights are divided by their total (weights are relative); the tables' shares
are then combined criterion by criterion by one of :data:`AGGREGATIONS` (arithmetic mean,
geometric mean or median) and divided by their total again (:func:`aggregate_weights`).
:mod:`toolkit.prioritise.consensus` re-exports the public names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from toolkit._params import SequenceOf, validate_params

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


def combined_weights(shares: np.ndarray, aggregation: str) -> np.ndarray:
    """Combine (tables, criteria) weight shares into one weight per criterion, summing to 1.

    All NaN when the combination gives every criterion zero (the geometric mean does when
    each criterion was given zero by at least one table). Serves :func:`aggregate_weights`
    and a room's re-aggregation for a group of its tables.
    """
    combined = AGGREGATIONS[aggregation](shares)
    total = combined.sum()
    return combined / total if total > 0 else np.full(combined.shape, np.nan)


@validate_params(
    {"data": ["data-frame"], "criteria": [SequenceOf("str", min_length=1)]},
    renamed={"weights": "data"},
)
def aggregate_weights(
    data: pd.DataFrame,
    *,
    criteria: Sequence[str],
) -> pd.DataFrame:
    """Combine several tables' weights into the room's: arithmetic mean, geometric mean, median.

    Each table's weights are first divided by their total (weights are relative), then
    combined criterion by criterion and the result divided by its total again, so that
    each column sums to 1.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per table with a ``weight_<criterion>`` column per criterion (the output
        of :meth:`~toolkit.workshop.SubmissionStore.latest`). Was ``weights`` before this
        release; the old keyword still works, with a ``FutureWarning``, for one release.
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
    shares = weight_shares(data, list(criteria), caller="aggregate_weights")
    result = pd.DataFrame({"criterion": list(criteria)})
    for name in AGGREGATIONS:
        result[name] = combined_weights(shares, name)
    result["lowest"] = shares.min(axis=0)
    result["highest"] = shares.max(axis=0)
    return result


def weight_shares(weights: pd.DataFrame, criteria: list[str], *, caller: str) -> np.ndarray:
    """Each row's weights divided by its total, shape (rows, criteria), after checks."""
    columns = [WEIGHT_PREFIX + name for name in criteria]
    absent = [column for column in columns if column not in weights.columns]
    if absent:
        raise ValueError(
            f"The 'data' parameter of {caller} lacks the columns {absent}; it needs a "
            f"'{WEIGHT_PREFIX}<criterion>' column per criterion."
        )
    if len(weights) == 0:
        raise ValueError(f"The 'data' parameter of {caller} has no rows: no table has submitted.")
    raw = weights[columns].to_numpy(dtype="float64", na_value=np.nan)
    totals = raw.sum(axis=1)
    bad = np.flatnonzero(~np.isfinite(totals) | (totals <= 0) | (raw < 0).any(axis=1))
    if bad.size:
        from toolkit.data.problems import FIRST_DATA_ROW, raise_problems, row_problem

        problem = row_problem(
            None,
            "weights",
            (
                "does not hold finite, non-negative weights, not all zero",
                "do not hold finite, non-negative weights, not all zero",
            ),
            bad,
            None,
            FIRST_DATA_ROW,
        )
        raise_problems([problem], label=f"The weights given to {caller}", source=None)
    return raw / totals[:, np.newaxis]
