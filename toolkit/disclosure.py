"""Disclosure control's primary rule, shared by every stage that shows counts outside a session.

A count of people or events shown outside the analyst's own session (a map, a board report,
an exported table) is suppressed when it is small: from just above zero to below the
threshold (:data:`toolkit.data.contract.DISCLOSURE_THRESHOLD`, 10, by default). This module
holds that rule once, below the stages that use it, so that a count hidden on a map is hidden
in a report table too:

- :func:`small_counts` says which values are small (a boolean mask);
- :func:`suppress_small_counts` blanks them in a Series (the maps of :mod:`toolkit.places`
  use it for their legends, class breaks and tooltips, and it is re-exported there);
- :func:`check_threshold` and :func:`check_zero_policy` check the two options against
  their declared constraints (:data:`toolkit._params.THRESHOLD` and
  :data:`toolkit._params.ZERO_POLICY`), for the functions that take them and cannot
  declare them with :func:`toolkit._params.validate_params`.

Secondary suppression (so that a total minus the shown cells cannot reveal a suppressed one)
needs a table with totals and lives in the report stage,
:func:`toolkit.report.suppress_counts`, which applies this primary rule first. A map of areas
shows no totals to subtract from.

Zero is shown, everywhere, unless a caller asks otherwise (``zero="suppress"``). A true zero
names no one, and it is the practice of NHS England (NHS Digital's Hospital Episode
Statistics) and OHID's Fingertips, and of the board report's stated method ("counts from 1 to
the threshold less one are suppressed"). Earlier the places module's maps suppressed zeros
while the report showed them; the two now follow this one rule. Where "nobody" is itself
sensitive (a rare condition in a small area), pass ``zero="suppress"``.

Our own code: the rule is a comparison; no maintained Python library holds it (the
statistical-disclosure packages ``sdcMicro`` and ``tau-ARGUS`` are R and Java).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from toolkit._params import (
    THRESHOLD,
    ZERO_POLICY,
    InstanceOf,
    check_param,
    validate_params,
)
from toolkit.data.contract import DISCLOSURE_THRESHOLD

ZeroPolicy = Literal["show", "suppress"]

#: Whether zeros are suppressed, by policy name (the names :data:`toolkit._params.ZERO_POLICY`
#: allows).
ZERO_POLICIES: Final[dict[str, bool]] = {"show": False, "suppress": True}


def check_threshold(threshold: object, *, function: str) -> int:
    """Return a disclosure threshold after checking it, naming ``function`` in any error.

    Parameters
    ----------
    threshold : object
        The threshold given: a whole number of at least 1
        (:data:`toolkit._params.THRESHOLD`).
    function : str
        The public function that took it, for the message.

    Returns
    -------
    int
        The threshold.

    Raises
    ------
    TypeError
        ``threshold`` is not an int (``True`` and ``2.5`` are refused).
    ValueError
        ``threshold`` is below 1.
    """
    check_param(threshold, "threshold", [THRESHOLD], function)
    return int(threshold)  # type: ignore[call-overload]


def check_zero_policy(zero: object, *, function: str) -> bool:
    """Return whether zeros are suppressed under the policy ``zero``, after checking it.

    Parameters
    ----------
    zero : object
        The policy given: ``"show"`` or ``"suppress"`` (:data:`toolkit._params.ZERO_POLICY`).
    function : str
        The public function that took it, for the message.

    Returns
    -------
    bool
        True for ``"suppress"``.

    Raises
    ------
    TypeError
        ``zero`` is not a str.
    ValueError
        ``zero`` is not one of :data:`ZERO_POLICIES`.
    """
    check_param(zero, "zero", [ZERO_POLICY], function)
    return ZERO_POLICIES[zero]  # type: ignore[index]


@validate_params({"counts": ["no_validation"], "threshold": [THRESHOLD], "zero": [ZERO_POLICY]})
def small_counts(
    counts: npt.ArrayLike,
    *,
    threshold: int = DISCLOSURE_THRESHOLD,
    zero: ZeroPolicy = "show",
) -> np.ndarray:
    """Return which counts are too small to show: the primary suppression rule.

    Parameters
    ----------
    counts : array-like of float
        Counts of people or events (a number, a list, an array or a Series). Missing
        values are not small (there is nothing to show). Not changed.
    threshold : int
        Counts below this are small. Defaults to
        :data:`toolkit.data.contract.DISCLOSURE_THRESHOLD`.
    zero : {"show", "suppress"}
        Whether a zero is small too. ``"show"`` (default): only counts above zero and below
        the threshold are small.

    Returns
    -------
    numpy.ndarray of bool
        The same shape as ``counts`` (0-dimensional for a number): True where the count is
        to be suppressed.

    Examples
    --------
    >>> small_counts([0, 1, 9, 10, 250]).tolist()
    [False, True, True, False, False]
    >>> small_counts([0, 4, 5], threshold=5, zero="suppress").tolist()
    [True, True, False]
    """
    suppress_zero = ZERO_POLICIES[zero]
    if isinstance(counts, pd.Series | pd.Index):
        counts = counts.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    values = np.asarray(counts, dtype="float64")
    above = values >= 0 if suppress_zero else values > 0
    return above & (values < threshold)  # NaN compares False: missing is never small


@validate_params(
    {
        "counts": [InstanceOf(pd.Series, "a numeric pandas Series")],
        "threshold": [THRESHOLD],
        "zero": [ZERO_POLICY],
    }
)
def suppress_small_counts(
    counts: pd.Series,
    *,
    threshold: int = DISCLOSURE_THRESHOLD,
    zero: ZeroPolicy = "show",
) -> pd.Series:
    """Return counts with every small value (see :func:`small_counts`) replaced by missing.

    Parameters
    ----------
    counts : pandas.Series
        Non-negative counts (persons, events). Missing values stay missing. Not changed.
    threshold : int
        Counts strictly below this are suppressed. Defaults to
        :data:`toolkit.data.contract.DISCLOSURE_THRESHOLD`.
    zero : {"show", "suppress"}
        Show zeros (default, as the board report and NHS England's published statistics
        do) or suppress them as small counts.

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
        ``threshold`` is below 1, ``zero`` is not a policy, or a count is negative (the
        message names the rows).

    Examples
    --------
    >>> import pandas as pd
    >>> suppress_small_counts(pd.Series([0, 4, 10, 250])).tolist()
    [0, <NA>, 10, 250]
    >>> suppress_small_counts(pd.Series([0, 4, 10, 250]), zero="suppress").tolist()
    [<NA>, <NA>, 10, 250]
    """
    function = "suppress_small_counts"
    if not pd.api.types.is_numeric_dtype(counts):
        raise TypeError(
            f"The 'counts' parameter of {function} must be a numeric pandas Series. "
            f"Got a Series of dtype {counts.dtype} instead."
        )
    values = counts.astype("Float64")
    negative = (values < 0).fillna(False).to_numpy(dtype=bool)
    if negative.any():
        from toolkit.data.phrases import phrases_of
        from toolkit.data.problems import FIRST_DATA_ROW, raise_problems, row_problem

        positions = np.flatnonzero(negative)
        column = None if counts.name is None else str(counts.name)
        problem = row_problem(
            column,
            "greater_than_or_equal_to(0)",
            phrases_of("greater_than_or_equal_to(0)"),
            positions,
            values.to_numpy(dtype="float64", na_value=np.nan)[positions],
            FIRST_DATA_ROW,
        )
        raise_problems([problem], label=f"The counts given to {function}", source=None)
    whole = bool(((values % 1) == 0).fillna(True).all())
    shown = values.mask(small_counts(values, threshold=threshold, zero=zero))
    return shown.astype("Int64") if whole else shown


__all__ = [
    "ZERO_POLICIES",
    "ZeroPolicy",
    "check_threshold",
    "check_zero_policy",
    "small_counts",
    "suppress_small_counts",
]
