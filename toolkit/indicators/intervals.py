"""Confidence intervals for counts and proportions, as array building blocks.

These work on numpy arrays (one value per group) and are what the DataFrame functions
in :mod:`toolkit.indicators` call. Wilson comes from statsmodels and the exact Poisson
limits from scipy's chi-squared quantiles; Byar's approximation is two lines of our own
because neither library offers it.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

#: Below this many events rates and ratios use exact Poisson limits, from it Byar's.
EXACT_POISSON_BELOW = 10

#: Names recorded in the ``method`` column of the outputs.
METHOD_EXACT = "exact Poisson"
METHOD_BYAR = "Byar"
METHOD_WILSON = "Wilson"
METHOD_STUDENT_T = "Student's t"


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998.

    Parameters
    ----------
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    float
        ``scipy.stats.norm.ppf(1 - (1 - confidence) / 2)``.
    """
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(
    numerator: np.ndarray, denominator: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions (no continuity correction).

    Uses ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    Parameters
    ----------
    numerator, denominator : numpy.ndarray
        Counts; the numerator need not be a whole number.
    confidence : float
        Confidence level in (0, 1]. At 1 the limits are 0 and 1 (the whole range), as
        PHEindicatormethods' ``wilson_lower`` and ``wilson_upper`` give them.

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits as proportions in [0, 1]; NaN where the denominator is zero or missing.
    """
    numerator = np.asarray(numerator, dtype="float64")
    denominator = np.asarray(denominator, dtype="float64")
    valid = (denominator > 0) & ~np.isnan(numerator)
    lower = np.full(numerator.shape, np.nan)
    upper = np.full(numerator.shape, np.nan)
    if confidence >= 1:
        # z is infinite: the interval is the whole of [0, 1]
        return np.where(valid, 0.0, np.nan), np.where(valid, 1.0, np.nan)
    if valid.any():
        low, high = proportion_confint(
            numerator[valid], denominator[valid], alpha=1 - confidence, method="wilson"
        )
        lower[valid] = low
        upper[valid] = high
    # the closed form leaves rounding noise at the edges: the limits of 0 and of n out of n
    # are exactly 0 and 1
    lower = np.where(valid & (numerator <= 0), 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(valid & (numerator >= denominator), 1.0, np.clip(upper, 0.0, 1.0))
    return lower, upper


def student_t_interval(
    mean: np.ndarray, sd: np.ndarray, count: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Student's t limits of a mean: mean ± t_{1-α/2}(n - 1) · sd / √n.

    The t quantile comes from ``scipy.stats.t.ppf``.

    Parameters
    ----------
    mean, sd, count : numpy.ndarray
        Sample mean, sample standard deviation (n - 1 divisor) and number of values.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of the mean; NaN where there are fewer than two values.
    """
    mean = np.asarray(mean, dtype="float64")
    sd = np.asarray(sd, dtype="float64")
    count = np.asarray(count, dtype="float64")
    enough = count >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = stats.t.ppf(0.5 + confidence / 2, np.where(enough, count - 1, 1.0))
        half = t * sd / np.sqrt(count)
    half = np.where(enough, half, np.nan)
    return mean - half, mean + half


def byar_interval(events: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the Poisson limits of an observed count.

    Our own code (two closed-form lines; no library offers Byar's approximation):
    lower = O(1 - 1/(9O) - z/(3√O))³, upper = (O+1)(1 - 1/(9(O+1)) + z/(3√(O+1)))³.

    Parameters
    ----------
    events : numpy.ndarray
        Observed counts O.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of the count. The lower limit is NaN where the bracket is negative (very
        small counts at high confidence), where the approximation has no meaning.
    """
    events = np.asarray(events, dtype="float64")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1 - 1 / (9 * events) - z / (3 * np.sqrt(events))
        lower = np.where(base >= 0, events * base**3, np.nan)
        after = events + 1
        upper = after * (1 - 1 / (9 * after) + z / (3 * np.sqrt(after))) ** 3
    return lower, upper


def exact_poisson_interval(events: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits of an observed count from chi-squared quantiles.

    lower = χ²_{α/2}(2O)/2 (0 when O = 0), upper = χ²_{1-α/2}(2O+2)/2, via
    ``scipy.stats.chi2.ppf``.

    Parameters
    ----------
    events : numpy.ndarray
        Observed counts O (non-negative; need not be whole numbers).
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of the count.
    """
    events = np.asarray(events, dtype="float64")
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(events > 0, stats.chi2.ppf(alpha / 2, 2 * events) / 2, 0.0)
        upper = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    lower = np.where(np.isnan(events), np.nan, lower)
    return lower, upper


def poisson_method(events: np.ndarray) -> np.ndarray:
    """Which Poisson limits :func:`poisson_interval` gives each count.

    Parameters
    ----------
    events : numpy.ndarray
        Observed counts.

    Returns
    -------
    numpy.ndarray
        ``"exact Poisson"`` below :data:`EXACT_POISSON_BELOW` events, ``"Byar"`` from
        there up, and None where the count is missing (no limits, so no method).
    """
    events = np.asarray(events, dtype="float64")
    method = np.where(events < EXACT_POISSON_BELOW, METHOD_EXACT, METHOD_BYAR).astype(object)
    method[np.isnan(events)] = None
    return method


def poisson_interval(
    events: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson limits of a count as the published methods give them.

    Exact limits below :data:`EXACT_POISSON_BELOW` (10) events, Byar's from 10 up.

    Parameters
    ----------
    events : numpy.ndarray
        Observed counts.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of the count.
    method : numpy.ndarray
        ``"exact Poisson"`` or ``"Byar"`` for each count (None where it is missing).
    """
    events = np.asarray(events, dtype="float64")
    exact = events < EXACT_POISSON_BELOW
    exact_lower, exact_upper = exact_poisson_interval(np.where(exact, events, 0.0), confidence)
    byar_lower, byar_upper = byar_interval(np.where(exact, EXACT_POISSON_BELOW, events), confidence)
    lower = np.where(exact, exact_lower, byar_lower)
    upper = np.where(exact, exact_upper, byar_upper)
    missing = np.isnan(events)
    lower[missing] = np.nan
    upper[missing] = np.nan
    return lower, upper, poisson_method(events)
