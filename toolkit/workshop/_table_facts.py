"""The facts a table reads about a priority, and the close calls in its ranking, in words.

:func:`facts_line` words a candidate's row for a resident: rounded counts, whom a count of
people with a status is of ("570 pregnant women, 87 of whom smoke"), money as a board
reads it and the gap between the poorest and the best-off areas in the board's own bands
(:func:`toolkit.prioritise._theme_row.inequality_words`: "about the same rate" from 0.9
to 1.1). :func:`close_call_words` says when the last place in a table's list is decided
by less than a point. Nothing here ranks or scores: the views pass in what the scoring
model gave them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.prioritise._theme_row import PERSON_FLAG_PREFIX, inequality_words
from toolkit.prioritise.theme_measures import (
    format_estimate,
    format_money,
    is_one,
    lower_first,
)
from toolkit.workshop._store_values import finite_or_none


def _rounded(value: float, threshold: int = DISCLOSURE_THRESHOLD) -> str:
    """Return a count at two significant figures, with "about" when that rounded it.

    "1,200" for 1,200, "about 1,200" for 1,170 (the report shows 1,170); a count above 0
    and below the disclosure threshold is "fewer than 10" (at a threshold of 10), as the
    board report says it.
    """
    if 0 < value < threshold:
        return f"fewer than {threshold}"
    shown = format_estimate(value)
    return f"about {shown}" if shown[:1].isdigit() and shown != f"{value:,.0f}" else shown


def ratio_words(ratio: float) -> str:
    """Word the poorest areas' rate against the best-off areas' in the board's bands.

    Parameters
    ----------
    ratio : float
        The rate ratio, poorest fifth to best-off fifth, age for age.

    Returns
    -------
    str
        "about the same rate in the poorest areas as in the best-off" where the board
        report says "about the same rate" (the bands of
        :func:`~toolkit.prioritise._theme_row.inequality_words`), else "1.4 times as common
        in the poorest areas as in the best-off" or "less common in the poorest areas than
        in the best-off (0.5 times the rate)", with the board's one decimal.
    """
    if inequality_words(ratio) == inequality_words(1.0):
        return "about the same rate in the poorest areas as in the best-off"
    if ratio < 1:
        return f"less common in the poorest areas than in the best-off ({ratio:.1f} times the rate)"
    return f"{ratio:.1f} times as common in the poorest areas as in the best-off"


def _who(row: Mapping[str, object], amount: str) -> str:
    """Return whom a head count is of: the cohort's label ("pregnant women"), else "people"."""
    label = row.get("cohort_label")
    if is_one(amount) or not isinstance(label, str) or not label.strip():
        return "person" if is_one(amount) else "people"
    words = lower_first(label.strip())
    return "people" if words in ("everyone", "everybody", "all people") else words


def _of_whom(what: str) -> str:
    """Turn "people who smoke" into "of whom smoke", "people with X" into "of whom have X"."""
    if what.startswith("people who "):
        return "of whom " + what.removeprefix("people who ")
    if what.startswith("people with "):
        return "of whom have " + what.removeprefix("people with ")
    return f"of them are {what}"


def facts_line(row: Mapping[str, object], *, threshold: int = DISCLOSURE_THRESHOLD) -> str:
    """Return a short line of facts about a candidate, in words a resident reads (plain text).

    Built from ``persons``, ``events_a_year`` (with ``outcome_label`` when present),
    ``cost_a_year`` and ``deprivation_ratio`` when the candidates table has them; else
    its ``facts`` sentence; else an empty string. Counts are rounded to two significant
    figures and money as a board reads it ("£13.7m"). A count of people with a status
    (an ``outcome`` of ``persons_<flag>``, or a label "people who ...") is said as part of
    the people counted ("570 pregnant women, 87 of whom smoke"), not as a yearly count.

    Parameters
    ----------
    row : mapping of str to object
        One candidate's row of the candidates table.
    threshold : int
        The disclosure threshold: a count above 0 and below it is "fewer than 10" (at 10,
        the default), as the board report built from the same prioritisation says it.

    Returns
    -------
    str
    """
    parts = []
    persons = finite_or_none(row.get("persons"))
    events = finite_or_none(row.get("events_a_year"))
    what = row.get("outcome_label")
    what = lower_first(str(what)) if isinstance(what, str) and what.strip() else "events"
    outcome = row.get("outcome")
    status = what.startswith("people ") or (
        isinstance(outcome, str) and outcome.startswith(PERSON_FLAG_PREFIX)
    )
    if persons is not None:
        counted = _rounded(persons, threshold)
        if status and events is not None:
            # "570 pregnant women, 87 of whom smoke": whom the 87 are of, and not "a year".
            parts.append(
                f"{counted} {_who(row, counted)}, {_rounded(events, threshold)} {_of_whom(what)}"
            )
            events = None
        else:
            parts.append(f"{counted} {'person' if is_one(counted) else 'people'}")
    if events is not None:
        # "410 people who smoke", but "1,000 emergency admissions a year".
        when = "" if status else " a year"
        parts.append(f"{_rounded(events, threshold)} {what}{when}")
    cost = finite_or_none(row.get("cost_a_year"))
    if cost is not None:
        parts.append(f"care costs {format_money(cost)} a year")
    ratio = finite_or_none(row.get("deprivation_ratio"))
    if ratio is not None:
        parts.append(ratio_words(ratio))
    if parts:
        return "; ".join(parts)
    facts = row.get("facts")
    return str(facts).strip() if isinstance(facts, str) else ""


def points(score: float) -> str:
    """Return a score (0 to 1) as the table reads it: a whole number out of 100."""
    return f"{score * 100:.0f}"


def close_call_words(
    *,
    labels: Sequence[str],
    scores: np.ndarray,
    ranks: np.ndarray,
    positions: np.ndarray,
    related_to: np.ndarray,
) -> str:
    """Say when the last place in the list is decided by less than a point (else "").

    The last priority in the list and the best-ranked one outside it that the list could
    have taken (not passed over for its group of people) are compared by the scores the
    model gave them, not by the whole numbers the table reads: 37.7 and 37.2 read "38"
    and "37", yet are half a point apart.

    Parameters
    ----------
    labels : sequence of str
        Candidate labels, in the scoring model's order.
    scores, ranks, positions, related_to : numpy.ndarray
        As the scoring model gave them (see :func:`toolkit.workshop._html.ranking_table`).

    Returns
    -------
    str
        For example "Prevent falls and Help pregnant women to stop smoking score the same,
        37: the order between them is decided by less than a point.", or, when the whole
        numbers differ, "Prevent falls scores 38 and Help people in their last year of life
        scores 37, but the scores are rounded: the order between them is decided by less
        than a point."
    """
    order = np.argsort(ranks, kind="stable")
    inside = [int(i) for i in order if positions[i] > 0]
    if not inside:
        return ""
    last = max(inside, key=lambda i: positions[i])
    after = [int(i) for i in order if positions[i] == 0 and not related_to[i]]
    after = [i for i in after if ranks[i] > ranks[last]]
    if not after:
        return ""
    first_out = after[0]
    if not abs(float(scores[last]) - float(scores[first_out])) * 100 < 1:
        return ""
    shown, next_shown = points(float(scores[last])), points(float(scores[first_out]))
    if shown == next_shown:
        return (
            f"{labels[last]} and {labels[first_out]} score the same, {shown}: the order "
            "between them is decided by less than a point."
        )
    return (
        f"{labels[last]} scores {shown} and {labels[first_out]} scores {next_shown}, but the "
        "scores are rounded: the order between them is decided by less than a point."
    )


__all__ = ["close_call_words", "facts_line", "points", "ratio_words"]
