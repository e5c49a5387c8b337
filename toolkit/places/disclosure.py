"""Disclosure control for counts shown outside the analyst's session (maps, exported tables).

Only primary suppression lives here for now: a count below the threshold is not shown.
Secondary suppression (so that a total minus the shown cells cannot reveal a suppressed one)
is the report stage's job; a map of areas shows no totals to subtract from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.data.contract import DISCLOSURE_THRESHOLD


def suppress_small_counts(
    counts: pd.Series,
    *,
    threshold: int = DISCLOSURE_THRESHOLD,
) -> pd.Series:
    """Return counts with every value below the disclosure threshold replaced by missing.

    Parameters
    ----------
    counts : pandas.Series
        Non-negative counts (persons, events). Missing values stay missing.
    threshold : int
        Counts strictly below this are suppressed, zero included (a zero can disclose as
        much as a one). Defaults to :data:`toolkit.data.contract.DISCLOSURE_THRESHOLD`.

    Returns
    -------
    pandas.Series
        A new Series with the same index and name: nullable ``Int64`` for whole-number
        counts, ``Float64`` otherwise, with ``<NA>`` where suppressed.

    Raises
    ------
    TypeError
        ``counts`` is not a numeric Series or ``threshold`` not an int.
    ValueError
        ``threshold`` is below 1, or a count is negative (the message names the rows).

    Examples
    --------
    >>> import pandas as pd
    >>> suppress_small_counts(pd.Series([0, 4, 10, 250])).tolist()
    [<NA>, <NA>, 10, 250]
    """
    function = "suppress_small_counts"
    if not isinstance(counts, pd.Series) or not pd.api.types.is_numeric_dtype(counts):
        raise TypeError(
            f"The 'counts' parameter of {function} must be a numeric pandas Series. "
            f"Got {type(counts).__name__} instead."
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise TypeError(
            f"The 'threshold' parameter of {function} must be an int. Got {threshold!r} instead."
        )
    if threshold < 1:
        raise ValueError(
            f"The 'threshold' parameter of {function} must be at least 1. Got {threshold} instead."
        )
    values = counts.astype("Float64")
    negative = (values < 0).fillna(False).to_numpy(dtype=bool)
    if negative.any():
        rows = counts.index[negative][:5].tolist()
        raise ValueError(
            f"{function}: column '{counts.name}' has {int(negative.sum()):,} negative counts "
            f"(rows {', '.join(map(str, rows))}); counts cannot be negative."
        )
    whole = bool(((values % 1) == 0).fillna(True).all())
    shown = values.mask(values < threshold)
    return shown.astype("Int64") if whole else shown
