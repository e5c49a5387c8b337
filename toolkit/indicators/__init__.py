"""Indicator and inequality statistics that reproduce the published public-health methods.

Every function takes a tidy DataFrame first, column names and options as keyword
arguments, ``by=`` for groups, and returns a new DataFrame (the input is never changed).
Limits are named ``lower_95``, ``upper_95`` (and ``lower_99_8``, ``upper_99_8`` ... for
other levels). The methods follow OHID's Fingertips (PHEindicatormethods); see
``docs/methods.md`` for each statistic, its source and what is our own code.

Rates and ratios
    :func:`proportion`, :func:`crude_rate`, :func:`directly_standardised_rate`,
    :func:`indirectly_standardised_ratio`, :func:`indirectly_standardised_rate`
Means and quantiles
    :func:`mean_with_limits`, :func:`quantiles`
Inequality
    :func:`slope_index_of_inequality`, :func:`rate_by_deprivation`,
    :func:`deprivation_gap`, :func:`excess_events`, :func:`core20_share`,
    :func:`deprivation_profile`
Life expectancy
    :func:`life_expectancy`, :func:`life_expectancy_gap_by_cause`
Funnel plots
    :func:`funnel_limits`, :func:`assign_funnel_significance`, :func:`funnel_points`
"""

from __future__ import annotations

from toolkit.indicators.funnels import assign_funnel_significance, funnel_limits, funnel_points
from toolkit.indicators.inequality import (
    ExcludedRowsWarning,
    core20_share,
    deprivation_gap,
    excess_events,
    rate_by_deprivation,
)
from toolkit.indicators.life_expectancy import (
    LifeExpectancyWarning,
    life_expectancy,
    life_expectancy_gap_by_cause,
)
from toolkit.indicators.means import MissingValueWarning, mean_with_limits
from toolkit.indicators.profile import DeprivationProfile, deprivation_profile
from toolkit.indicators.quantiles import TooFewAreasWarning, quantiles
from toolkit.indicators.rates import (
    MissingCountWarning,
    crude_rate,
    directly_standardised_rate,
    indirectly_standardised_rate,
    indirectly_standardised_ratio,
    proportion,
)
from toolkit.indicators.sii import SIIWarning, slope_index_of_inequality

__all__ = [
    "DeprivationProfile",
    "ExcludedRowsWarning",
    "LifeExpectancyWarning",
    "MissingCountWarning",
    "MissingValueWarning",
    "TooFewAreasWarning",
    "assign_funnel_significance",
    "core20_share",
    "crude_rate",
    "deprivation_gap",
    "deprivation_profile",
    "directly_standardised_rate",
    "excess_events",
    "funnel_limits",
    "funnel_points",
    "indirectly_standardised_rate",
    "indirectly_standardised_ratio",
    "life_expectancy",
    "life_expectancy_gap_by_cause",
    "mean_with_limits",
    "proportion",
    "quantiles",
    "rate_by_deprivation",
    "SIIWarning",
    "slope_index_of_inequality",
]
