"""The inputs of the SII: the options checked, and values and standard errors validated.

:func:`toolkit.indicators.slope_index_of_inequality` takes a value with its standard
errors or limits, or counts with their own limits; these steps check which options go
together, derive the standard errors on the value type's scale and refuse, naming the
rows, what ``phe_sii`` refuses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.indicators import _frames as v
from toolkit.indicators.intervals import poisson_interval, wilson_interval, z_value


def check_options(
    *,
    func: str,
    value_type: str,
    transform: bool,
    events: str | None,
    se: str | None,
    lower: str | None,
    upper: str | None,
) -> None:
    """Refuse options that do not go together.

    Counts or a transform need value type "rate" or "proportion"; ``se`` goes neither
    with a transform nor with limits; and some standard errors must be given.
    """
    if events is not None and value_type == "other":
        raise ValueError(
            f"The 'events' parameter of {func} needs value_type 'rate' or 'proportion'. "
            "Got value_type='other'."
        )
    if value_type == "other" and transform:
        raise ValueError(
            f"The 'transform' parameter of {func} applies to value_type 'rate' or "
            "'proportion' only. Got transform=True with value_type='other'."
        )
    if transform and se is not None:
        raise ValueError(
            f"The 'se' parameter of {func} must be left out when transform=True: the "
            "transformation needs the 'lower' and 'upper' limits (as phe_sii). "
            f"Got se={se!r}."
        )
    if se is not None and (lower is not None or upper is not None):
        raise ValueError(
            f"{func} takes either 'se' or 'lower' and 'upper', not both. Got se={se!r}, "
            f"lower={lower!r}, upper={upper!r}."
        )
    if se is None and (lower is None or upper is None) and events is None:
        raise ValueError(
            f"{func} needs standard errors: give 'se', or both 'lower' and 'upper'. Got "
            f"se={se!r}, lower={lower!r}, upper={upper!r}."
        )


def values_from_counts(
    data: pd.DataFrame,
    events: str,
    denominator: str,
    value_type: str,
    func: str,
    *,
    denominator_param: str = "denominator",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return values (events / denominator), counts and denominators; NaN if missing.

    ``denominator_param`` names the parameter the denominator's column came from (the
    ``population`` when no ``denominator`` was given), for messages.
    """
    counts = v.count_column(data, events, "events", func)
    sizes = v.count_column(data, denominator, denominator_param, func)
    if value_type == "proportion":
        v.refuse_rows(
            counts > sizes,
            f"The 'events' column {events!r} of {func} exceeds the '{denominator_param}' "
            f"column {denominator!r} in {{rows}}.",
            column=events,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(sizes > 0, counts / sizes, np.nan)
    return values, counts, sizes


def count_standard_errors(
    counts: np.ndarray,
    sizes: np.ndarray,
    value_type: str,
    forward: Callable[[np.ndarray], np.ndarray],
    limits_confidence: float,
) -> np.ndarray:
    """Return standard errors on the value type's scale from the counts' own limits.

    Wilson limits for proportions; exact Poisson (under 10 events) or Byar's limits of the
    count over the denominator for rates. NaN where a limit cannot be transformed (no
    events, or every member counted).
    """
    present = ~np.isnan(counts) & (sizes > 0)
    safe_counts = np.where(present, counts, 0.0)
    safe_sizes = np.where(present, sizes, 1.0)
    if value_type == "proportion":
        low, high = wilson_interval(safe_counts, safe_sizes, limits_confidence)
        usable = present & (low > 0) & (high < 1)
    else:
        low, high, _ = poisson_interval(safe_counts, limits_confidence)
        low, high = low / safe_sizes, high / safe_sizes
        usable = present & (low > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        errors = (forward(high) - forward(low)) / (2 * z_value(limits_confidence))
    return np.where(usable, errors, np.nan)


def column_standard_errors(
    data: pd.DataFrame,
    values: np.ndarray,
    *,
    se: str | None,
    lower: str | None,
    upper: str | None,
    value_type: str,
    forward: Callable[[np.ndarray], np.ndarray],
    limits_confidence: float,
    func: str,
) -> np.ndarray:
    """Return standard errors on the value type's scale, from ``se`` or the limits."""
    if se is not None:
        errors = v.numeric_column(data, se, "se", func)
        v.refuse_rows(
            ~np.isnan(errors) & ((errors < 0) | ~np.isfinite(errors)),
            f"The 'se' column {se!r} of {func} has negative or infinite values in {{rows}}.",
            column=se,
        )
        return errors
    low = v.numeric_column(data, lower, "lower", func)
    high = v.numeric_column(data, upper, "upper", func)
    both = ~np.isnan(low) & ~np.isnan(high)
    v.refuse_rows(
        both & (low > high),
        f"The 'lower' column {lower!r} of {func} exceeds the 'upper' column {upper!r} in {{rows}}.",
        column=lower,
    )
    if value_type == "rate":
        outside = both & (low <= 0)
        domain = "above 0 (their logarithm is taken)"
    elif value_type == "proportion":
        outside = both & ((low <= 0) | (high >= 1))
        domain = "strictly between 0 and 1 (their logit is taken)"
    else:
        outside = both & ~(np.isfinite(low) & np.isfinite(high))
        domain = "finite"
    v.refuse_rows(
        outside,
        f"The 'lower' and 'upper' columns of {func} must be {domain} for value_type "
        f"{value_type!r}; they are not in {{rows}}.",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return (forward(high) - forward(low)) / (2 * z_value(limits_confidence))


def check_domain(
    data: pd.DataFrame,
    values: np.ndarray,
    value: str,
    value_type: str,
    transform: bool,
    func: str,
) -> None:
    """Refuse values that the value type (and transform) cannot take."""
    present = ~np.isnan(values)
    if value_type == "proportion":
        outside = present & (
            (values <= 0) | (values >= 1) if transform else (values < 0) | (values > 1)
        )
        domain = "strictly between 0 and 1" if transform else "between 0 and 1"
    elif value_type == "rate" and transform:
        outside = present & (values <= 0)
        domain = "above 0"
    else:
        outside = present & ~np.isfinite(values)
        domain = "finite"
    v.refuse_rows(
        outside,
        f"The 'value' column {value!r} of {func} must be {domain} for value_type "
        f"{value_type!r} (transform={transform}); it is not in {{rows}}.",
        column=value,
    )


def refuse_invalid(
    data: pd.DataFrame,
    *,
    values: np.ndarray,
    standard_errors: np.ndarray,
    populations: np.ndarray,
    names: dict[str, str | None],
    limits: tuple[str, str] | None,
    zero_counts: np.ndarray | None,
    func: str,
) -> None:
    """Refuse what ``phe_sii`` refuses (``invalid_groups="raise"``), naming the rows."""
    hint = " Pass invalid_groups='note' to give such a group NaN results and a note instead."
    v.refuse_rows(
        np.isnan(populations) | (populations <= 0),
        f"The 'population' column {names['population']!r} of {func} is zero or missing "
        f"in {{rows}}; every quantile needs a population." + hint,
        column=names["population"],
    )
    v.refuse_rows(
        np.isnan(values),
        f"The value column {names['value']!r} of {func} is missing in {{rows}}." + hint,
        column=names["value"],
    )
    if zero_counts is not None:
        v.refuse_rows(
            zero_counts <= 0,
            f"The 'events' column {names['value']!r} of {func} has a zero count in "
            f"{{rows}}; a proportion from counts needs at least "
            "one event in every quantile (as phe_sii)." + hint,
            column=names["value"],
        )
    bad = np.isnan(standard_errors)
    if bad.any():
        if names["se"] is not None:
            where = f"The 'se' column {names['se']!r}"
        elif limits is not None:
            where = f"The 'lower' and 'upper' columns {limits[0]!r} and {limits[1]!r}"
        else:
            where = f"The counts in {names['value']!r} (no events, so no standard error)"
        v.refuse_rows(
            bad,
            f"{where} of {func} give a missing standard error in {{rows}}." + hint,
            column=names["se"],
            check="standard_error",
        )
