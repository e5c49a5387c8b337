"""The plain-English reason each shortlisted priority carries, and the words it is built from.

:func:`shortlist_reason` names the largest contributions to a candidate's score, its
related outcomes (or, for themes measured in each place, the same theme in other places)
and its margin over the first candidate left out; :func:`short_names`,
:func:`ordinal` and :func:`format_margin` word the parts. Used by
:func:`toolkit.prioritise.scoring.shortlist`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit.prioritise._ranking import TIE_DECIMALS
from toolkit.prioritise.criteria import (
    COHORT_LABEL_COLUMN,
    OUTCOME_LABEL_COLUMN,
    THEME_COHORT_COLUMN,
)


def format_margin(value: float, scale: float = 1.0) -> str:
    """Format a score difference on the scale the scores are shown on.

    On the 0-1 scale two decimals (two significant figures when tiny); on a 0-100 scale
    whole points (one decimal below one point).
    """
    if scale != 1.0:
        points = value * scale
        if abs(points) < 1:
            return f"{points:.1f} points".replace("-", "\u2212")
        shown = f"{points:.0f}".replace("-", "\u2212")
        return f"{shown} point" if shown in ("1", "\u22121") else f"{shown} points"
    return f"{value:.2f}" if abs(value) >= 0.01 else f"{value:.2g}"


def ordinal(number: int) -> str:
    """Return 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st, ..."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


#: How a reason introduces the candidates skipped for its cohort: other outcomes of it, or
#: (themes measured in each place, whose cohort is the theme) the same theme elsewhere.
RELATED_OUTCOMES = "Related outcomes of this cohort"
SAME_THEME_ELSEWHERE = "The same theme in other places"


def short_names(ordered: pd.DataFrame, labels: list[str]) -> tuple[list[str], list[str]]:
    """Concise names of candidates, and of the others of their cohort.

    With ``cohort_label`` and ``outcome_label`` columns (as
    :func:`~toolkit.prioritise.candidate_priorities` gives) a candidate is named
    "cohort: outcome" and, among its cohort's other candidates, by its outcome alone. A
    theme candidate is named by its label and, measured in each place (a ``place``
    column), among the same theme's other candidates by its place alone (see
    :func:`related_heading`); otherwise a candidate is named by its label.
    """
    if THEME_COHORT_COLUMN in ordered.columns:
        # A theme is named by its label; it has one candidate per place at most.
        if "place" in ordered.columns:
            return labels, ordered["place"].astype(str).tolist()
        return labels, labels
    if {COHORT_LABEL_COLUMN, OUTCOME_LABEL_COLUMN} <= set(ordered.columns):
        cohorts = ordered[COHORT_LABEL_COLUMN].astype(str).tolist()
        outcomes = ordered[OUTCOME_LABEL_COLUMN].astype(str).tolist()
        names = [f"{c}: {o}" for c, o in zip(cohorts, outcomes, strict=True)]
        return names, outcomes
    return labels, labels


def related_heading(ordered: pd.DataFrame) -> str:
    """Return how a reason introduces the candidates skipped for its cohort.

    Parameters
    ----------
    ordered : pandas.DataFrame
        The scored candidates.

    Returns
    -------
    str
        :data:`SAME_THEME_ELSEWHERE` for themes measured in each place (their cohort is the
        theme, so the candidates skipped are the same theme in other places), else
        :data:`RELATED_OUTCOMES`.
    """
    if THEME_COHORT_COLUMN in ordered.columns and "place" in ordered.columns:
        return SAME_THEME_ELSEWHERE
    return RELATED_OUTCOMES


def largest_shares(
    contributions: np.ndarray,
    score: float,
    names: Sequence[str],
    phrases: Mapping[str, str],
    reasons: int,
) -> list[tuple[str, float]]:
    """Return the ``reasons`` largest contributions as (phrase, share of the score).

    Largest first (ties in criteria order); contributions of 0, and all of them when the
    score is 0, are left out. A criterion without a phrase is named by its column.
    """
    biggest = np.argsort(-contributions, kind="stable")[:reasons]
    return [
        (phrases.get(names[i], names[i].replace("_", " ")), contributions[i] / score)
        for i in biggest
        if score > 0 and contributions[i] > 0 and math.isfinite(contributions[i] / score)
    ]


def shortlist_reason(
    score: float,
    shares: list[tuple[str, float]],
    related: list[str],
    left_out: tuple[str, float] | None,
    other_cohorts: bool,
    scale: float = 1.0,
    heading: str = RELATED_OUTCOMES,
) -> str:
    """Build one plain-English reason (the label is not repeated: it has its own column).

    ``related`` names the candidates skipped for this one's cohort, introduced by
    ``heading`` (:func:`related_heading`).
    """
    if score <= 0 or not shares:
        text = "It scores 0 on every weighted criterion."
    else:
        parts = [
            f"{phrase} ({share:.0%}{' of score' if i == 0 else ''})"
            for i, (phrase, share) in enumerate(shares)
        ]
        text = "Largest contributions: " + ", ".join(parts) + "."
    if related:
        text += f" {heading}: " + ", ".join(related) + "."
    if left_out is None:
        return text + (
            " No other cohort was left out." if other_cohorts else " No candidate was left out."
        )
    left_name, left_score = left_out
    margin = score - left_score
    if round(margin, TIE_DECIMALS) <= 0:
        return text + (
            f" Level with the first candidate left out ('{left_name}'); it is ahead only by "
            "the tie-break."
        )
    share = f" ({margin / score:.0%} of the score)" if score > 0 else ""
    return text + (
        f" Ahead of the first candidate left out ('{left_name}') by "
        f"{format_margin(margin, scale)}"
        f"{share}."
    )
