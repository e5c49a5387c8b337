"""Counts, money and estimates worded for a board, as a theme candidate's sentence says them.

Estimated counts are shown as whole numbers, at most two significant figures
(:func:`shown_estimate`), and their costs are worked out from the counts as shown
(:func:`format_money_range`), so that a reader who multiplies the events by the unit cost
gets the money shown; halves round up, as a reader rounds them, in both. Counts below the
disclosure threshold are "fewer than N" (:func:`format_count`), and an estimate taken from
such a count is not given at all (:func:`too_few_to_estimate`): with the theme's published
factors, its events or its money would give the hidden count back. Split from
:mod:`toolkit.prioritise._theme_row`, which re-exports these names.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# Rounds every figure shown here; imported from its one home (re-exported for callers).
from toolkit._numbers import round_half_up
from toolkit._words import capitalised
from toolkit.prioritise._theme_vocabulary import OUTCOME_WORDS, OUTCOME_WORDS_SINGULAR

#: The start of an outcome that counts people with a status (``persons_smoker``), not events.
PERSON_FLAG_PREFIX = "persons_"

#: Why an estimate taken from a count below the disclosure threshold is not given.
WITHOUT_IDENTIFYING = "without risking identifying people"

#: Said instead of an estimate taken from a count below the disclosure threshold.
TOO_FEW_TO_ESTIMATE = f"too few to estimate {WITHOUT_IDENTIFYING}"


# --------------------------------------------------------------------------------------
# Formatting figures for a board
# --------------------------------------------------------------------------------------
def round_figure(value: float) -> float:
    """Round a count to two significant figures, halves up (an estimate is not precise)."""
    if not math.isfinite(value) or value == 0:
        return value
    return round_half_up(value, 1 - int(math.floor(math.log10(abs(value)))))


def shown_estimate(value: float) -> float:
    """Return an estimated count as the board is shown it, for its cost to follow from.

    Parameters
    ----------
    value : float
        An estimated count, 1 or more.

    Returns
    -------
    float
        A whole number below 100 (2.5 is 3, 9.6 is 10), two significant figures from 100
        (125 is 130), halves rounded up: the number :func:`format_estimate` shows.
    """
    return round_half_up(value) if abs(value) < 99.5 else round_figure(value)


def too_few_to_estimate(count: float, *, threshold: int) -> bool:
    """Whether an estimate taken from a count would give back a count below the threshold.

    An estimate of what an intervention could avoid is the count it acts on times the
    theme's published factors (share, reach, uptake and effect) and unit cost: from the
    estimate, or its money, and those factors a reader can work the count back. So a count
    shown as "fewer than N" (:func:`format_count`) gives no estimate.

    Parameters
    ----------
    count : float
        The count a year the estimate is taken from: the events of the outcome the
        intervention acts on (the headline events when it acts on the headline outcome).
    threshold : int
        The disclosure threshold (0: none).

    Returns
    -------
    bool
        True when the count is above 0 and below the threshold.
    """
    return bool(threshold) and math.isfinite(count) and 0 < count < threshold


def estimated_from(
    outcome: str, events_a_year: float, impact_outcome: str, impact_events_a_year: float
) -> float:
    """Return the count a year a candidate's estimate is taken from.

    Parameters
    ----------
    outcome : str
        The candidate's headline outcome.
    events_a_year : float
        Its events a year.
    impact_outcome : str
        The outcome the intervention acts on (``acts_on``).
    impact_events_a_year : float
        That outcome's events a year.

    Returns
    -------
    float
        ``impact_events_a_year`` when the intervention acts on another outcome than the
        headline one (and not on the cost of care), else ``events_a_year``.
    """
    other = impact_outcome not in (outcome, "cost_gbp")
    return impact_events_a_year if other else events_a_year


def estimates_withheld(table: pd.DataFrame, *, threshold: int) -> np.ndarray:
    """Return which candidates' estimates are not given, being taken from a count too small.

    Parameters
    ----------
    table : pandas.DataFrame
        Theme candidates (or a shortlist of them) with ``outcome``, ``events_a_year``,
        ``impact_outcome`` and ``impact_events_a_year``.
    threshold : int
        The disclosure threshold.

    Returns
    -------
    numpy.ndarray of bool
        One per row: True where the count the estimate is taken from
        (:func:`estimated_from`) is below the threshold (:func:`too_few_to_estimate`). The
        candidate's sentence, the shortlist's estimate and the board report's table then
        give no estimate and no money.
    """
    return np.array(
        [
            too_few_to_estimate(
                estimated_from(str(outcome), float(events), str(acted_on), float(count)),
                threshold=threshold,
            )
            for outcome, events, acted_on, count in zip(
                table["outcome"],
                table["events_a_year"],
                table["impact_outcome"],
                table["impact_events_a_year"],
                strict=True,
            )
        ],
        dtype=bool,
    )


def format_count(value: float, *, threshold: int = 0) -> str:
    """Format a count with thousands separators; "fewer than N" below the threshold."""
    if not math.isfinite(value):
        return "not known"
    if threshold and 0 < value < threshold:
        return f"fewer than {threshold}"
    return f"{value:,.0f}"


def format_money(value: float) -> str:
    """Pounds as a board reads them: £13.7m, £420k, £9.5k, £950; "not known" when missing.

    The unit is chosen after rounding, so that a sum never shows as "£1000k" or "£1,000":
    £999,600 is "£1.0m", £999.50 is "£1.0k" and £9,960 is "£10k". Halves round up, as a
    reader rounds them (£9,950 is "£10k", £2.50 is "£3"). A negative sum has a
    minus sign before the pound sign ("−£1.2m"), as in the report's tables; one that rounds
    to nothing is "£0".

    Parameters
    ----------
    value : float
        A sum in pounds.

    Returns
    -------
    str
        The sum rounded for a board.

    Examples
    --------
    >>> format_money(13_712_000), format_money(999_600), format_money(420_400)
    ('£13.7m', '£1.0m', '£420k')
    >>> format_money(9_490), format_money(950), format_money(-1_240_000)
    ('£9.5k', '£950', '−£1.2m')
    """
    if not math.isfinite(value):
        return "not known"
    size = abs(value)

    def half_up(amount: float) -> int:  # halves round up, as a reader rounds (£9,950: £10k)
        return int(round_half_up(amount))

    if half_up(size) < 1_000:
        shown = f"£{half_up(size):,}"
    elif half_up(size / 100) < 100:
        shown = f"£{half_up(size / 100) / 10:.1f}k"
    elif half_up(size / 1e3) < 1_000:
        shown = f"£{half_up(size / 1e3)}k"
    elif half_up(size / 1e5) < 10_000:
        shown = f"£{half_up(size / 1e5) / 10:.1f}m"
    else:
        shown = f"£{half_up(size / 1e8) / 10:,.1f}bn"
    return f"\u2212{shown}" if value < 0 and shown.strip("£0.,kmbn") else shown


def format_estimate(value: float) -> str:
    """Format an estimated count as :func:`shown_estimate` rounds it, or "under 1"."""
    if not math.isfinite(value):
        return "not known"
    if value < 1:
        return "under 1" if value > 0 else "0"
    return f"{shown_estimate(value):,.0f}"


def format_estimate_range(low: float, high: float) -> str:
    """Word an estimated range: "about 30 to 50", "up to about 2", "fewer than one", "0"."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "an unknown number of"
    if high <= 0:
        return "0"
    if high < 1:
        return "fewer than one"
    if low < 1:
        return f"up to about {format_estimate(high)}"
    low_text, high_text = format_estimate(low), format_estimate(high)
    if low_text == high_text:
        return f"about {high_text}"
    return f"about {low_text} to {high_text}"


#: Significant figures of an estimated count and of its cost (:func:`round_figure`).
ESTIMATE_FIGURES = 2


def format_money_figures(value: float, figures: int = ESTIMATE_FIGURES) -> str:
    """Pounds at a number of significant figures, with no figure beyond them.

    Parameters
    ----------
    value : float
        A sum in pounds (not negative).
    figures : int
        Significant figures (2 by default, those of an estimated count).

    Returns
    -------
    str
        "£420k", "£2.7k", "£530", "£14m", "£1.0m" (the unit chosen after rounding, halves
        rounded up as a reader rounds them); "not known" when missing.

    Examples
    --------
    >>> format_money_figures(418_170), format_money_figures(2_706), format_money_figures(31.8)
    ('£420k', '£2.7k', '£32')
    """
    if not math.isfinite(value):
        return "not known"
    if value <= 0:
        return "£0"
    exponent = math.floor(math.log10(value)) - figures + 1
    rounded = round_half_up(value, -exponent)
    for unit, size in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if rounded >= size:
            shown = rounded / size
            decimals = max(0, figures - len(str(int(shown))))
            return f"£{shown:,.{decimals}f}{unit}"
    return f"£{rounded:,.0f}"


def format_money_range(low: float, high: float, unit_cost: float) -> str:
    """Word the cost of an estimated range as :func:`format_estimate_range` words its events.

    The cost follows from the events as shown: each end shown (:func:`shown_estimate`)
    times the unit cost, at two significant figures, halves rounded up; no low end when
    the events have none ("up to about 2" at £1,590 costs "up to about £3.2k", not "£32 to
    £3.2k"); and "fewer than one" costs less than one event.

    Parameters
    ----------
    low, high : float
        The estimated range of events a year.
    unit_cost : float
        The cost of one event (NaN when the outcome has no cash value).

    Returns
    -------
    str
        "£29k to £410k", "up to about £3.2k", "about £19k", "less than £1.6k", "£0"; empty
        when the outcome has no cost or the range is not known.

    Examples
    --------
    >>> format_money_range(18.4, 263.0, 1_590.0)  # about 18 to 260
    '£29k to £410k'
    >>> format_money_range(0.02, 1.7, 1_590.0)  # up to about 2
    'up to about £3.2k'
    >>> format_money_range(2.4, 5.6, 1_590.0)  # about 2 to 6
    '£3.2k to £9.5k'
    """
    amount = format_estimate_range(low, high)
    if not math.isfinite(unit_cost) or amount == "an unknown number of":
        return ""
    if amount == "0":
        return "£0"
    if amount == "fewer than one":  # rounded up, so that "less than" stays true
        return f"less than {format_money_figures(_money_ceiling(unit_cost))}"
    high_text = format_money_figures(shown_estimate(high) * unit_cost)
    if amount.startswith("up to about"):
        return f"up to about {high_text}"
    low_text = format_money_figures(shown_estimate(low) * unit_cost)
    return f"about {high_text}" if low_text == high_text else f"{low_text} to {high_text}"


def _money_ceiling(value: float) -> float:
    """Round a sum of money up to two significant figures (a bound that stays true)."""
    if not math.isfinite(value) or value <= 0:
        return value
    step = 10.0 ** (math.floor(math.log10(value)) - 1)
    return math.ceil(round(value / step, 9)) * step


def shown_money_range(low: float, high: float, unit_cost: float) -> tuple[float, float]:
    """Return the money of an estimated range as :func:`format_money_range` works it out.

    Parameters
    ----------
    low, high : float
        The estimated range of events a year.
    unit_cost : float
        The cost of one event.

    Returns
    -------
    tuple of float
        The low and high ends in pounds, before rounding to two significant figures: the
        events as shown times the unit cost; the low end 0 when the events have none ("up
        to about 2", "fewer than one", whose high end is one event's cost). NaN for both
        when the outcome has no cost or the range is not known.
    """
    amount = format_estimate_range(low, high)
    if not math.isfinite(unit_cost) or amount == "an unknown number of":
        return math.nan, math.nan
    if amount == "0":
        return 0.0, 0.0
    if amount == "fewer than one":
        return 0.0, float(unit_cost)
    top = shown_estimate(high) * unit_cost
    if amount.startswith("up to about"):
        return 0.0, top
    return shown_estimate(low) * unit_cost, top


def is_one(amount: str) -> bool:
    """Whether a worded amount takes a singular noun: "1", "about 1", "fewer than one"."""
    return amount.rsplit(" ", 1)[-1] in ("1", "one")


def outcome_words(outcome: str, words: dict[str, str], *, amount: str = "") -> str:
    """Name an outcome in board language, singular after an amount of one.

    Parameters
    ----------
    outcome : str
        The outcome's id (a measure of the cohort cube).
    words : dict of str to str
        The plural names in use (the library's :data:`OUTCOME_WORDS` unless replaced).
    amount : str
        The worded amount before the name ("about 1", "fewer than one", "30 to 50").

    Returns
    -------
    str
        "emergency admission for lung disease" after "up to about 1", "emergency
        admissions for lung disease" otherwise. A name that is not the library's own is
        used as given.
    """
    plural = words.get(outcome, outcome.replace("_", " "))
    if is_one(amount) and plural == OUTCOME_WORDS.get(outcome):
        return OUTCOME_WORDS_SINGULAR[outcome]
    return plural


def estimate_words(
    low: float,
    high: float,
    outcome: str,
    words: dict[str, str],
    *,
    fewer: bool = False,
) -> str:
    """Word what an intervention could change a year, with the noun agreeing with the count.

    Parameters
    ----------
    low, high : float
        The estimated range a year.
    outcome : str
        The outcome's id (the measure the intervention acts on).
    words : dict of str to str
        The plural names in use (the library's :data:`OUTCOME_WORDS` unless replaced).
    fewer : bool
        Say the change as fewer of the outcome ("about 2 fewer people who smoke"), as for a
        count of people with a status; otherwise the amount is what could be avoided.

    Returns
    -------
    str
        "about 30 to 50 emergency admissions", "up to about 1 emergency admission",
        "fewer than one death", "0 deaths"; with ``fewer``, "about 2 to 4 fewer people
        who smoke", "up to about 1 fewer person who smokes" and, below one, "less than one
        fewer person who smokes" (never "fewer than one fewer").
    """
    amount = format_estimate_range(low, high)
    noun = outcome_words(outcome, words, amount=amount)
    if not fewer:
        return f"{amount} {noun}"
    if amount == "fewer than one":
        amount = "less than one"
    return f"{amount} fewer {noun}"


def shortlist_estimate(
    low: float,
    high: float,
    unit_cost: float,
    outcome: str,
    words: dict[str, str],
    *,
    withheld: bool = False,
) -> str:
    """Word a shortlisted candidate's estimate for a table headed "Could avoid a year".

    Parameters
    ----------
    low, high : float
        The estimated range avoided a year.
    unit_cost : float
        The cost of one event (NaN when the outcome has no cash value).
    outcome : str
        The outcome the intervention acts on.
    words : dict of str to str
        The plural names in use.
    withheld : bool
        Give no estimate, as it is taken from a count below the disclosure threshold
        (:func:`estimates_withheld`).

    Returns
    -------
    str
        "up to about 1 emergency admission for lung disease a year (up to about £2.2k)",
        "fewer than one person who smokes a year" (the cost as
        :func:`format_money_range` words it); "Too few to estimate without risking
        identifying people" when ``withheld``.
    """
    if withheld:
        return capitalised(TOO_FEW_TO_ESTIMATE)
    money = format_money_range(low, high, unit_cost)
    return f"{estimate_words(low, high, outcome, words)} a year{f' ({money})' if money else ''}"


def format_events(outcome: str, count: float, words: dict[str, str], *, threshold: int) -> str:
    """Word a count of an outcome a year, below the disclosure threshold "fewer than N".

    Parameters
    ----------
    outcome : str
        The outcome's id.
    count : float
        Its events a year (pounds for ``cost_gbp``; people for a status, ``persons_<flag>``).
    words : dict of str to str
        The plural names in use.
    threshold : int
        The disclosure threshold.

    Returns
    -------
    str
        "42 deaths under 75 a year", "£1.2m a year on care", "410 people who smoke" (a
        count of people with a status is not a year's).
    """
    amount = format_count(count, threshold=threshold)
    noun = outcome_words(outcome, words, amount=amount)
    if outcome == "cost_gbp":
        return f"{format_money(count)} a year on care"
    if outcome.startswith(PERSON_FLAG_PREFIX):
        return f"{amount} {noun}"
    return f"{amount} {noun} a year"


def acted_on_words(low: float, high: float, *, fewer: bool = False) -> str:
    """Word an estimated range without its noun, to precede "of their 120 admissions".

    Parameters
    ----------
    low, high : float
        The estimated range a year.
    fewer : bool
        Say the change as fewer of the outcome, as for a count of people with a status.

    Returns
    -------
    str
        "up to about 2", "about 30 to 50", "fewer than one"; with ``fewer``, "about 2
        fewer" and "less than one fewer" (never "fewer than one fewer").

    Examples
    --------
    >>> acted_on_words(0.3, 2.0), acted_on_words(0.1, 0.4, fewer=True)
    ('up to about 2', 'less than one fewer')
    """
    amount = format_estimate_range(low, high)
    if not fewer:
        return amount
    return f"{'less than one' if amount == 'fewer than one' else amount} fewer"
