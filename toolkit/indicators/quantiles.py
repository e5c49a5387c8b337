"""Assign areas to quantiles (deciles, quintiles, ...) of a value within groups.

The counterpart of PHEindicatormethods' ``phe_quantile``, following OHID's technical
guide "Assigning deprivation categories": within each group the N areas with a value are
ranked (rank 1 goes to quantile 1; tied values share the lowest rank) and the area of
rank r is given quantile q = k + 1 − ⌈(N + 1 − r)·k/N⌉ for k quantiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from toolkit._params import (
    Interval,
    check_columns_exist,
    check_new_columns,
    validate_params,
    warn,
)
from toolkit.indicators import _frames as v

TEXT_INVERTED = "lowest quantile represents highest values"
TEXT_NOT_INVERTED = "lowest quantile represents lowest values"


class TooFewAreasWarning(UserWarning):
    """Groups had fewer areas with a value than quantiles; their quantiles are missing."""


@validate_params(
    {
        "data": ["data-frame"],
        "value": ["column"],
        "by": ["columns", None],
        "nquantiles": [Interval(Integral, 1, None, closed="left")],
        "invert": ["boolean", "column"],
    }
)
def quantiles(
    data: pd.DataFrame,
    *,
    value: str,
    by: str | Sequence[str] | None = None,
    nquantiles: int = 10,
    invert: bool | str = True,
) -> pd.DataFrame:
    """Assign each row (area) to a quantile of ``value`` within its group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area.
    value : str
        Numeric column to rank the areas by. Rows without a value get no quantile.
    by : str or list of str, optional
        Grouping columns: quantiles are assigned separately within each group (e.g.
        indicator and region); ``None`` assigns them over the whole frame.
    nquantiles : int, default 10
        Number of quantiles (10 for deciles, 5 for quintiles).
    invert : bool or str, default True
        ``True``: the highest values go to quantile 1; ``False``: the lowest do. A column
        name: that column holds the choice for each group (booleans, the same on every
        row of a group), as ``inverttype = "field"`` in PHEindicatormethods.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``quantile`` (integer, missing where not assigned),
        ``nquantiles``, ``groupvars`` (the ``by`` columns, comma separated, or None) and
        ``qinverted`` (which end quantile 1 represents) added.

    Warns
    -----
    TooFewAreasWarning
        When a group has fewer areas with a value than ``nquantiles``: its quantiles
        are left missing.

    Notes
    -----
    Our own vectorised implementation of the published algorithm (OHID technical guide,
    "Assigning deprivation categories"), reproducing ``phe_quantile``. As the package
    notes, areas with equal values are kept together and so may straddle a natural
    boundary; a manual review is advised then.
    """
    func = "quantiles"
    check_columns_exist(data, {"value": value}, func)
    by_columns = v.by_columns(data, by, func)
    check_new_columns(data, ["quantile", "nquantiles", "groupvars", "qinverted"], func)
    series = data[value]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise TypeError(
            f"The 'value' column {value!r} of {func} must be numeric. "
            f"Got dtype {series.dtype} instead."
        )
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    groups = v.group_rows(data, by_columns)
    inverted = _inversion(data, invert, groups, func)

    has_value = ~np.isnan(values)
    # sort key: rank 1 is the highest value when inverted, the lowest otherwise
    key = np.where(inverted[groups.codes], -values, values)
    rank = _min_rank_within(groups.codes, key, has_value)
    count = groups.total(has_value.astype(float)).astype(np.int64)
    enough = count >= nquantiles
    n = count[groups.codes]
    usable = has_value & enough[groups.codes]
    safe_n = np.where(usable, n, 1)
    # q = k + 1 - ceil((N + 1 - r) k / N), in integers so exact boundaries stay exact
    ahead = (safe_n + 1 - rank) * nquantiles
    quantile = nquantiles + 1 - (-(-ahead // safe_n))

    out = data.copy()
    out["quantile"] = pd.arrays.IntegerArray(
        np.where(usable, quantile, 0).astype(np.int64), ~usable
    )
    out["nquantiles"] = nquantiles
    out["groupvars"] = ", ".join(by_columns) if by_columns else None
    out["qinverted"] = np.where(inverted[groups.codes], TEXT_INVERTED, TEXT_NOT_INVERTED)
    short = int(np.count_nonzero(~enough))
    if short:
        noun = "group has" if short == 1 else "groups have"
        warn(
            f"{func}: {short} {noun} fewer areas with a value than nquantiles="
            f"{nquantiles}; their quantiles are missing (as PHEindicatormethods: too few "
            "small areas to assign quantiles).",
            TooFewAreasWarning,
            stacklevel=2,
        )
    return out


def _min_rank_within(codes: np.ndarray, key: np.ndarray, has_value: np.ndarray) -> np.ndarray:
    """Rank ``key`` ascending within each group, ties sharing their lowest rank."""
    rank = np.zeros(len(key), dtype=np.int64)
    rows = np.flatnonzero(has_value)
    if rows.size == 0:
        return rank
    order = rows[np.lexsort((key[rows], codes[rows]))]
    sorted_codes, sorted_key = codes[order], key[order]
    new_group = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    position = np.arange(order.size)
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    new_value = new_group | np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    tie_start = np.maximum.accumulate(np.where(new_value, position, 0))
    rank[order] = tie_start - group_start + 1
    return rank


def _inversion(data: pd.DataFrame, invert: Any, groups: v.Groups, func: str) -> np.ndarray:
    """Whether each group is inverted, from a bool or a column of booleans."""
    if isinstance(invert, bool | np.bool_):
        return np.full(groups.count, bool(invert))
    check_columns_exist(data, {"invert": invert}, func)
    column = data[invert]
    flags = column.map(lambda x: x if isinstance(x, bool | np.bool_) else None)
    v.refuse_rows(
        flags.isna().to_numpy(),
        f"The 'invert' column {invert!r} of {func} must hold True or False on every row; "
        f"it does not in {{rows}}.",
        column=invert,
    )
    flag = flags.to_numpy(dtype=bool)
    some = groups.total(flag.astype(float))
    size = np.bincount(groups.codes, minlength=groups.count)
    mixed = (some > 0) & (some < size)
    if mixed.any():
        labels = "; ".join(v.group_label(groups.keys, int(c)) for c in np.flatnonzero(mixed)[:5])
        raise ValueError(
            f"The 'invert' column {invert!r} of {func} must take the same value within each "
            f"group; it varies in {int(mixed.sum())} group(s) ({labels})."
        )
    return some > 0


__all__ = ["TEXT_INVERTED", "TEXT_NOT_INVERTED", "TooFewAreasWarning", "quantiles"]
