"""Mean of a set of values with Student's t confidence limits.

The counterpart of PHEindicatormethods' ``phe_mean``: one row per ``by`` group with the
sum, the number of values, the sample standard deviation, the mean and its limits
mean ± t_{1-α/2}(n - 1) · sd / √n, the t quantile from ``scipy.stats.t``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit._params import CONFIDENCE, check_columns_exist, validate_params, warn
from toolkit.indicators import _frames as v
from toolkit.indicators.intervals import METHOD_STUDENT_T, student_t_interval

NOTE_MISSING_VALUE = "missing value"
NOTE_TOO_FEW = "fewer than 2 values: no limits"


class MissingValueWarning(UserWarning):
    """Groups had a missing value and got NaN; the message counts them."""


@validate_params(
    {
        "data": ["data-frame"],
        "value": ["column"],
        "by": ["columns", None],
        "confidence": [*CONFIDENCE, None],
    }
)
def mean_with_limits(
    data: pd.DataFrame,
    *,
    value: str,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] | None = 0.95,
) -> pd.DataFrame:
    """Mean of ``value`` within each group with Student's t confidence limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observation (e.g. one value per small area).
    value : str
        Numeric column to average.
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float or None, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``; ``None`` gives the mean
        alone (no limit columns, ``confidence`` "not requested").

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``value_sum``, ``value_count``,
        ``stdev`` (sample standard deviation, n - 1 divisor), ``value`` (the mean),
        ``lower_<level>`` and ``upper_<level>`` for each level, ``confidence``,
        ``method`` and ``note``.

    Warns
    -----
    MissingValueWarning
        When a group has a missing value: as in ``phe_mean`` its results are NaN (the
        sum of values with a missing one is unknown); the warning counts such groups.

    Notes
    -----
    Limits are mean ± t_{1-α/2}(n - 1)·sd/√n with the t quantile from
    ``scipy.stats.t.ppf``, as PHEindicatormethods' ``phe_mean``. A group with a single
    value has a mean but no standard deviation or limits (NaN, with a note).
    """
    func = "mean_with_limits"
    check_columns_exist(data, {"value": value}, func)
    by_columns = v.by_columns(data, by, func)
    levels = v.confidence_levels(confidence)
    out_names = ["value_sum", "value_count", "stdev", "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    values = v.numeric_column(data, value, "value", func)
    v.refuse_rows(
        np.isinf(values),
        f"The 'value' column {value!r} of {func} has infinite values in {{rows}}.",
        column=value,
    )
    groups = v.group_rows(data, by_columns)
    missing = groups.total(np.isnan(values).astype(float)) > 0
    count = np.bincount(groups.codes, minlength=groups.count).astype(float)
    total = groups.total(values)  # NaN where a value is missing
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
        squares = groups.total((values - mean[groups.codes]) ** 2)
        sd = np.where(count >= 2, np.sqrt(squares / (count - 1)), np.nan)

    columns: dict[str, Any] = {
        "value_sum": total,
        "value_count": count.astype(np.int64),
        "stdev": sd,
        "value": mean,
    }
    columns.update(
        v.scaled_limits(levels, lambda level: student_t_interval(mean, sd, count, level))
    )
    columns["confidence"] = v.confidence_text(levels) if levels else "not requested"
    columns["method"] = METHOD_STUDENT_T if levels else None
    columns["note"] = np.where(missing, NOTE_MISSING_VALUE, np.where(count < 2, NOTE_TOO_FEW, ""))
    n_missing = int(missing.sum())
    if n_missing:
        noun = "group has" if n_missing == 1 else "groups have"
        warn(
            f"{func}: {n_missing} {noun} a missing value; its mean and limits are NaN.",
            MissingValueWarning,
            stacklevel=2,
        )
    return v.result_frame(groups.keys, columns)


__all__ = ["MissingValueWarning", "mean_with_limits"]
