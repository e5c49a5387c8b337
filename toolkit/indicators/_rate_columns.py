"""The pieces every rate function shares: constraints, notes, input checks and output columns.

:mod:`toolkit.indicators.rates` (proportions and crude rates), :mod:`toolkit.indicators._dsr`
(directly standardised rates) and :mod:`toolkit.indicators._isr` (indirectly standardised
ratios and rates) check their inputs, reserve their output names and build their ``value``,
limit, ``confidence``, ``method`` and ``note`` columns with these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit._params import StrOptions, check_columns_exist
from toolkit.indicators import _frames as v
from toolkit.indicators.intervals import poisson_interval, poisson_method

#: Fewer events than this and a DSR is not published (value and limits are NaN).
DSR_MINIMUM_EVENTS = 10

NOTE_NOT_PUBLISHED = f"not published: fewer than {DSR_MINIMUM_EVENTS} events"
NOTE_NO_POPULATION = "no population"
NOTE_NO_EXPECTED = "no expected events"
NOTE_MISSING = "missing events or population"

#: The ``confidence`` column when no limits were asked for (``confidence=None``).
CONFIDENCE_NOT_REQUESTED = "not requested"

#: Constraints shared by the rate functions (see :func:`toolkit._params.validate_params`).
GROUPS = {"data": ["data-frame"], "by": ["columns", None]}
MISSING = [StrOptions({"na", "zero"})]
ZERO_POPULATION = [StrOptions({"count", "raise"})]
BAND_VALUES = ["mapping", "series"]


def check_inputs(
    data: pd.DataFrame,
    *,
    func: str,
    columns: Mapping[str, str],
    by: str | Sequence[str] | None,
    confidence: float | Sequence[float] | None,
) -> tuple[list[str], tuple[float, ...]]:
    """Check that the columns and ``by`` are in the data; return ``by`` and the levels.

    ``confidence=None`` asks for the value alone: no levels, so no limit columns.
    """
    check_columns_exist(data, columns, func)
    return v.by_columns(data, by, func), v.confidence_levels(confidence)


def reserve_names(
    by_columns: Sequence[str],
    counts: Sequence[str],
    levels: Sequence[float],
    func: str,
    *,
    extra: Sequence[str] = (),
) -> None:
    """Refuse ``by`` columns named as an output column.

    The output columns are ``counts``, ``value``, the limits of each level, ``extra``,
    ``confidence``, ``method`` and ``note``.
    """
    out_names = [*counts, "value", *v.limit_columns(levels), *extra]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)


def confidence_text(levels: Sequence[float]) -> str:
    """Return the ``confidence`` column: the levels, or "not requested" without any."""
    return v.confidence_text(levels) if levels else CONFIDENCE_NOT_REQUESTED


def method_column(levels: Sequence[float], method: Any) -> Any:
    """Return the ``method`` column: the method, or None when no limits were asked for."""
    return method if levels else None


def limit_settings(
    levels: Sequence[float],
    limits: Callable[[float], tuple[np.ndarray, np.ndarray]],
    method: Any,
    multiplier: float | np.ndarray | None = None,
) -> dict[str, Any]:
    """Return the limit columns of each level, then ``confidence`` and ``method``.

    ``limits`` gives the lower and upper limits at a level, times ``multiplier`` if given.
    """
    columns: dict[str, Any] = v.scaled_limits(levels, limits, multiplier)
    columns["confidence"] = confidence_text(levels)
    columns["method"] = method_column(levels, method)
    return columns


def per(factor: float, denominator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``factor / denominator`` where the denominator is positive (NaN elsewhere), and where."""
    positive = denominator > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, factor / denominator, np.nan), positive


def poisson_columns(
    observed: np.ndarray,
    scale: np.ndarray,
    levels: Sequence[float],
    *,
    valid: np.ndarray,
    note: str,
) -> dict[str, Any]:
    """Build ``value`` (observed × scale), its limits, ``confidence``, ``method`` and ``note``.

    The limits are the exact Poisson or Byar limits of the observed count times ``scale``;
    ``note`` goes where the row is not ``valid``.
    """
    columns: dict[str, Any] = {"value": observed * scale}
    columns.update(
        limit_settings(
            levels,
            lambda level: poisson_interval(observed, level)[:2],
            poisson_method(observed),
            scale,
        )
    )
    columns["note"] = np.where(valid, "", note)
    return columns
