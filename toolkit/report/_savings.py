"""What the shortlist could avoid in cost of care a year, said once on page 1 of the board report.

:func:`shortlist_savings` adds up the shortlisted priorities' estimated money as each is
shown, leaving out any whose estimate is not shown for confidentiality.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from toolkit.prioritise.theme_measures import (
    estimates_withheld,
    format_money_figures,
    shown_money_range,
)
from toolkit.report._priorities import priority_hidden

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.prioritise import Prioritisation
    from toolkit.report.linked import LinkedTables


def shortlist_savings(
    priorities: Prioritisation,
    shortlist: Any = None,
    *,
    threshold: int = 10,
    linked: LinkedTables | None = None,
) -> str:
    """Say what the shortlist could avoid in cost of care a year, for page 1.

    The sum of the shortlisted priorities' estimated money as each is shown (the events as
    shown times the unit cost: :func:`toolkit.prioritise.theme_measures.shown_money_range`),
    at two significant figures. A priority whose estimate is not shown is left out, and
    the sentence says so: its estimate is taken from a count below the disclosure threshold
    (:func:`toolkit.prioritise.theme_measures.estimates_withheld`), or the linked tables
    hide its people or events. Otherwise the sum, with the theme's published factors,
    would give that count back.

    Parameters
    ----------
    priorities : Prioritisation
        The prioritisation, whose candidates carry the estimates.
    shortlist : pandas.DataFrame, optional
        The shortlist asked for (the workshop's), by ``candidate``; the prioritisation's
        own by default.
    threshold : int, default 10
        The disclosure threshold the report uses.
    linked : LinkedTables, optional
        The report's linked tables: a priority whose people or events they hide is left out.

    Returns
    -------
    str
        One sentence; empty when no shortlisted priority has a cost estimate.
    """
    chosen = priorities.shortlist if shortlist is None else shortlist
    columns = ["avoidable_low", "avoidable_high", "unit_cost", "avoidable_cost_high"]
    if "candidate" not in chosen.columns or not set(columns) <= set(priorities.candidates.columns):
        return ""
    estimates = priorities.candidates.drop_duplicates("candidate").set_index("candidate")
    wanted = [c for c in chosen["candidate"].astype(str) if c in estimates.index]
    rows = estimates.loc[wanted]
    rows = rows.loc[(rows["avoidable_cost_high"].astype("float64") > 0)]
    if rows.empty:
        return ""
    withheld = (
        estimates_withheld(rows.reset_index(), threshold=threshold)
        if {"outcome", "events_a_year", "impact_outcome", "impact_events_a_year"}
        <= set(rows.columns)
        else np.zeros(len(rows), dtype=bool)
    )
    if linked is not None:
        hidden = [priority_hidden(linked, candidate) for candidate in rows.index]
        withheld = withheld | np.array(hidden, dtype=bool)
    shown = rows.loc[~withheld]
    left_out = int(withheld.sum())
    aside = (
        ""
        if not left_out
        else f" {'One priority' if left_out == 1 else f'{left_out} priorities'} with a cost "
        "estimate not shown, to protect confidentiality, "
        f"{'is' if left_out == 1 else 'are'} left out of this sum."
    )
    if shown.empty:
        return aside.strip()
    ends = [
        shown_money_range(float(low), float(high), float(cost))
        for low, high, cost in zip(
            shown["avoidable_low"], shown["avoidable_high"], shown["unit_cost"], strict=True
        )
    ]
    low = sum(end[0] for end in ends if np.isfinite(end[0]))
    high = sum(end[1] for end in ends if np.isfinite(end[1]))
    count = len(chosen)
    who = (
        ("The priority above", "its estimated range")
        if count == 1
        else (
            ("Together the priorities above", "their ranges added up")
            if len(shown) == count
            else (
                ("One of the priorities above has a cost estimate: it", "its estimated range")
                if len(shown) == 1
                else (
                    f"The {len(shown)} priorities above with a cost estimate",
                    "their ranges added up",
                )
            )
        )
    )
    overlap = "" if len(shown) == 1 else "; cohorts may overlap"
    high_text = format_money_figures(high)
    low_text = format_money_figures(low)
    amount = (
        f"up to about {high_text}"
        if low <= 0
        else f"about {high_text}"
        if low_text == high_text
        else f"about {low_text} to {high_text}"
    )
    return f"{who[0]} could avoid {amount} of care a year ({who[1]}{overlap}).{aside}"


__all__ = ["shortlist_savings"]
