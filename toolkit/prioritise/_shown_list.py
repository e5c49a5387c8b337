"""The shortlist as a prioritisation shows it, for the system and for each place.

:func:`shown_shortlist` turns a prepared :class:`~toolkit.prioritise.scoring.ScoringModel`
and its weights into the shortlist :func:`toolkit.prioritise.prioritise` returns: each item
with its reason, its chance of staying in under varied weights, the smallest change in one
weight that would take it out and what it could avoid a year (no estimate from a count
below the disclosure threshold). :func:`place_shortlists` applies the same steps to each
place's candidates, scored as in the system's list (:meth:`ScoringModel.subset`), for
:meth:`toolkit.prioritise.Prioritisation.for_each_place`. Split from ``result`` so that
both lists are made one way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.defaults import SCORE_SCALE
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN, THEME_COHORT_COLUMN
from toolkit.prioritise.scoring import DEFAULT_SHORTLIST_CAP, ScoringModel

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.prioritise.result import Prioritisation
    from toolkit.prioritise.robustness import RankAcceptability

#: The columns of :meth:`toolkit.prioritise.Prioritisation.for_each_place`, in order.
PLACE_LIST_COLUMNS = (
    "place",
    "position",
    CANDIDATE_COLUMN,
    THEME_COHORT_COLUMN,
    LABEL_COLUMN,
    "facts",
    "score",
    "overall_rank",
    "p_shortlist",
    "reason",
    "weight_change",
    "intervention",
    "intervention_source",
    "estimate",
)


def weight_sentences(
    model: ScoringModel,
    chosen: Sequence[str],
    weights: Mapping[str, float],
    *,
    size: int,
    per_cohort: int | None,
) -> list[str]:
    """For each shortlisted candidate, the smallest change in one weight that takes it out."""
    from toolkit.prioritise.robustness import change_of_model, format_share_change

    phrases = {criterion.name: criterion.phrase for criterion in model.criteria}
    sentences = []
    for candidate in chosen:
        changes = [
            change_of_model(
                model,
                dict(weights),
                candidate=candidate,
                criterion=criterion.name,
                size=size,
                per_cohort=per_cohort,
            )
            for criterion in model.criteria
        ]
        movable = [c for c in changes if c.change is not None and math.isfinite(c.change)]
        if not movable:
            sentences.append("No change in any single weight takes it out.")
            continue
        smallest = min(movable, key=lambda change: abs(change.change))
        verb = "raising" if smallest.change > 0 else "lowering"
        now, then = format_share_change(smallest.current_share, smallest.required_share)
        sentences.append(
            f"The smallest change in one weight that would take it out: {verb} the weight on "
            f"{phrases[smallest.criterion]} from {now} to {then} of the total."
        )
    return sentences


def shown_shortlist(
    model: ScoringModel,
    weights: Mapping[str, float],
    *,
    size: int,
    cap: int,
    per_cohort: int | None,
    draws: int,
    seed: int,
    threshold: int,
) -> tuple[pd.DataFrame, pd.DataFrame, RankAcceptability]:
    """Score the model's candidates and return them, the shortlist shown and its robustness.

    Returns the scored candidates (scores 0 to 1, best first, as
    :meth:`ScoringModel.to_frame`), the shortlist (scores 0 to 100, ``rank`` renamed
    ``overall_rank``, with ``p_shortlist``, ``weight_change`` and ``estimate``) and the
    rank acceptability under ``draws`` weightings drawn with ``seed``.
    """
    from toolkit.prioritise._theme_figures import estimates_withheld, shortlist_estimate
    from toolkit.prioritise.robustness import acceptability_of_model
    from toolkit.prioritise.scoring import shortlist
    from toolkit.prioritise.themes import OUTCOME_WORDS as words

    scored = model.to_frame(weights)
    top = shortlist(
        scored,
        size=size,
        cap=cap,
        per_cohort=per_cohort,
        cohort=(THEME_COHORT_COLUMN,),
        score_scale=SCORE_SCALE,
    )
    acceptability = acceptability_of_model(
        model, weights, draws=draws, size=size, cap=cap, seed=seed, per_cohort=per_cohort
    )
    chance = dict(zip(acceptability.candidates, acceptability.p_shortlist.tolist(), strict=True))
    changes = weight_sentences(
        model, top[CANDIDATE_COLUMN].tolist(), weights, size=size, per_cohort=per_cohort
    )
    shown = top.assign(
        score=top["score"] * SCORE_SCALE,
        p_shortlist=top[CANDIDATE_COLUMN].map(chance).astype("float64"),
        weight_change=pd.Series(changes, index=top.index, dtype=object),
        estimate=[
            # No estimate from a count below the threshold: it would give the count back.
            shortlist_estimate(
                float(low), float(high), float(unit), str(outcome), dict(words), withheld=bool(no)
            )
            for low, high, unit, outcome, no in zip(
                top["avoidable_low"],
                top["avoidable_high"],
                top["unit_cost"],
                top["impact_outcome"],
                estimates_withheld(top, threshold=threshold),
                strict=True,
            )
        ],
    )
    shown = shown.rename(columns={"rank": "overall_rank"})
    shown.attrs = {}
    return scored, shown.reset_index(drop=True), acceptability


def place_shortlists(result: Prioritisation) -> pd.DataFrame:
    """Return each place's own shortlist: see :meth:`Prioritisation.for_each_place`."""
    settings = result.settings
    within = settings.get("within")
    if within != "place":
        measured = (
            "for England's most deprived fifth of neighbourhoods (within='core20')"
            if within == "core20"
            else "for the whole system"
        )
        raise ValueError(
            f"for_each_place: these priorities were measured {measured}, not for each place. "
            "Measure the themes in each place first: prioritise_persons(persons, "
            "within='place'), or prioritise(theme_candidates(cube, within='place'))."
        )
    model = result.scoring
    if result.is_empty or model is None:
        return pd.DataFrame({column: pd.Series([], dtype=object) for column in PLACE_LIST_COLUMNS})
    size = int(settings["size"])
    overall = dict(zip(result.candidates[CANDIDATE_COLUMN], result.candidates["rank"], strict=True))
    # The places in the model's order (the positions :meth:`ScoringModel.subset` takes).
    places = model.table["place"].astype(str).to_numpy()[model.order]
    lists = []
    for place in sorted(set(places)):
        _, shown, _ = shown_shortlist(
            model.subset(np.flatnonzero(places == place)),
            result.weights,
            size=size,
            cap=max(size, DEFAULT_SHORTLIST_CAP),
            per_cohort=settings["per_cohort"],
            draws=int(settings["draws"]),
            seed=int(settings["seed"]),
            threshold=int(settings["threshold"]),
        )
        # The subset's ranks are the place's; the overall rank is the system's list's.
        shown["overall_rank"] = shown[CANDIDATE_COLUMN].map(overall).astype("int64")
        lists.append(shown.assign(place=place)[list(PLACE_LIST_COLUMNS)])
    return pd.concat(lists, ignore_index=True)
