"""Impact estimates of a theme's intervention: avoidable events a year, and their cost.

Avoidable events a year = events a year in the cohort × share of events × reach × uptake ×
relative risk reduction (METHODS.md, "Impact estimates for a theme"): :func:`impact_range`
(every low, every high), :func:`impact_central` (midpoints and the central effect) and
:func:`impact_cost_range` (× the unit cost). :mod:`toolkit.prioritise.themes` re-exports
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from toolkit._params import NON_NEGATIVE, InstanceOf, as_floats, invalid_parameter, validate_params
from toolkit.prioritise._theme_vocabulary import OUTCOME_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.prioritise.themes import Intervention

#: Constraints of the estimates' arguments (see :func:`validate_params`); the class is named
#: so that this module need not import :mod:`toolkit.prioritise.themes`, which re-exports it.
_EVENTS_A_YEAR = [NON_NEGATIVE, "array-like"]
_INTERVENTION = [InstanceOf("toolkit.prioritise.themes.Intervention", "an Intervention")]


def _events(events_a_year: float | Sequence[float] | np.ndarray, caller: str) -> np.ndarray:
    """Return the events as an array after checking an array's contents (a number is declared)."""
    events = as_floats(events_a_year, "events_a_year", caller)
    if not np.all(np.isfinite(events)) or np.any(events < 0):
        raise invalid_parameter(
            "events_a_year", caller, "an array of non-negative and finite numbers", events_a_year
        )
    return events


def _shaped(values: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    return float(values) if like.ndim == 0 else values


@validate_params({"events_a_year": _EVENTS_A_YEAR, "intervention": _INTERVENTION})
def impact_range(
    events_a_year: float | Sequence[float] | np.ndarray, intervention: Intervention
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Estimate the events a year an intervention could avoid, as a low-high range.

    Avoidable events = events a year in the cohort × share of events × reach × uptake ×
    relative risk reduction; the low end multiplies every low, the high end every high
    (METHODS.md, "Impact estimates for a theme"). An estimate, never a forecast.

    Parameters
    ----------
    events_a_year : float or array-like of float
        Events a year of the intervention's ``acts_on`` outcome in the cohort (not of a
        fallback outcome), non-negative.
    intervention : Intervention
        The intervention.

    Returns
    -------
    tuple
        ``(low, high)``: floats for a number, arrays of the same shape for an array.

    Examples
    --------
    1,000 admissions a year, all in scope, reach 0.5 to 0.8, uptake 0.5 to 0.7, effect
    0.17 to 0.23: low = 1,000 × 0.5 × 0.5 × 0.17 = 42.5, high = 1,000 × 0.8 × 0.7 × 0.23
    = 128.8.
    """
    caller = "impact_range"
    events = _events(events_a_year, caller)
    chosen = intervention
    share = chosen.events_share
    low = events * share.low * chosen.reach.low * chosen.uptake.low * chosen.effect.low
    high = events * share.high * chosen.reach.high * chosen.uptake.high * chosen.effect.high
    return _shaped(low, events), _shaped(high, events)


@validate_params({"events_a_year": _EVENTS_A_YEAR, "intervention": _INTERVENTION})
def impact_central(
    events_a_year: float | Sequence[float] | np.ndarray, intervention: Intervention
) -> float | np.ndarray:
    """Estimate the events a year an intervention could avoid: a central figure.

    Events a year × the midpoints of the share of events, reach and uptake ranges × the
    central effect. It lies within :func:`impact_range` and is a convenience for ranking,
    not the centre of a probability distribution.

    Parameters
    ----------
    events_a_year : float or array-like of float
        Events a year of the intervention's outcome in the cohort, non-negative.
    intervention : Intervention
        The intervention.

    Returns
    -------
    float or numpy.ndarray
        The central estimate, shaped like ``events_a_year``.
    """
    caller = "impact_central"
    events = _events(events_a_year, caller)
    chosen = intervention
    central = (
        events
        * chosen.events_share.mid
        * chosen.reach.mid
        * chosen.uptake.mid
        * chosen.effect.central
    )
    return _shaped(central, events)


@validate_params({"events_a_year": _EVENTS_A_YEAR, "intervention": _INTERVENTION})
def impact_cost_range(
    events_a_year: float | Sequence[float] | np.ndarray, intervention: Intervention
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Estimate the cost a year of the events an intervention could avoid, in pounds.

    Parameters
    ----------
    events_a_year : float or array-like of float
        Events a year of the intervention's outcome in the cohort, non-negative.
    intervention : Intervention
        The intervention; it must have a unit cost.

    Returns
    -------
    tuple
        ``(low, high)``: :func:`impact_range` × the unit cost (at its price year).

    Raises
    ------
    ValueError
        When the intervention has no unit cost (its outcome, such as deaths, has no cash
        value in the library).
    """
    chosen = intervention
    if chosen.unit_cost is None:
        raise ValueError(
            f"impact_cost_range: '{chosen.name}' has no unit cost: "
            f"{OUTCOME_WORDS[chosen.acts_on]} have no cash value in the library."
        )
    low, high = impact_range(events_a_year, chosen)
    return low * chosen.unit_cost.value, high * chosen.unit_cost.value
