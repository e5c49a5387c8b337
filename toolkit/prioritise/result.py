"""One prioritisation, computed once and rendered everywhere.

:func:`prioritise` scores theme candidates (:func:`toolkit.prioritise.theme_measures`)
on their criteria at the given weights, keeps a short list (one priority per theme), says
why each is there and how robust that is (the chance of staying in the shortlist under
varied weights, and the smallest change in one weight that would take it out), and lists
what was left out and why; for themes measured in each place,
:meth:`Prioritisation.for_each_place` gives each place's own list from the same scores.
The answer is one frozen :class:`Prioritisation`: the notebooks, ``pophealth demo``, the
workshop and the board report only render it, so they always show the same list from the
same figures.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from toolkit._params import (
    POSITIVE,
    SEED,
    InstanceOf,
    Interval,
    StrOptions,
    validate_params,
)
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.defaults import DEFAULT_MODEL, DEMO_SEED, SCORE_SCALE
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, CRITERIA, LABEL_COLUMN, Criterion
from toolkit.prioritise.robustness import RankAcceptability
from toolkit.prioritise.scoring import (
    DEFAULT_SHORTLIST_CAP,
    DEFAULT_SHORTLIST_SIZE,
    SCORING_METHOD,
    ScoringModel,
    check_weights,
)
from toolkit.prioritise.theme_measures import (
    THEME_COLUMN,
    ThemeCandidates,
    theme_criteria,
)

#: What every surface says when no theme could be measured, so no priority was suggested.
NO_PRIORITY_SENTENCE = (
    "No priority could be suggested: no theme had enough people or events in this system to "
    "be measured."
)


@dataclass(frozen=True)
class Prioritisation:
    """The result of :func:`prioritise`: everything a surface needs to render the answer.

    Attributes
    ----------
    candidates : pandas.DataFrame
        Every assessed candidate with its criteria, ``score`` (0 to 100) and ``rank``,
        best first.
    criteria : tuple of Criterion
        The criteria, in weight order.
    weights : dict of str to float
        The weights used, as given (relative; divided by their total to score).
    shortlist : pandas.DataFrame
        One row per shortlisted priority, best first: ``position``, ``candidate``,
        ``label``, ``facts``, ``score`` (0-100), ``p_shortlist`` (share of varied
        weightings keeping it in), ``reason``, ``weight_change`` (the smallest change in
        one weight that would take it out, in words), ``intervention``,
        ``intervention_source``, the impact range and the figures behind ``facts``.
    excluded : pandas.DataFrame
        What was left out before scoring and why: ``theme``, ``label``, ``reason``.
    acceptability : RankAcceptability
        Ranks and shortlist chances under weights drawn around ``weights``.
    settings : dict
        ``size``, ``per_cohort``, ``method``, ``draws``, ``seed``, ``within``, ``years``.
        ``per_cohort`` was ``per_theme`` before this release; ``settings["per_theme"]``
        still answers, with a ``FutureWarning``, for one release.
    provenance : dict
        Where the answer came from: the themes offered, a fingerprint of the candidates
        table, the data notes, and anything the caller adds (files, segmentation model).
    scoring : ScoringModel
        The prepared candidates and criteria, for re-scoring under other weights (a
        workshop's tables, the room's average) with the same rule; None when no theme
        could be measured (see :attr:`is_empty`).
    """

    candidates: pd.DataFrame
    criteria: tuple[Criterion, ...]
    weights: dict[str, float]
    shortlist: pd.DataFrame
    excluded: pd.DataFrame
    acceptability: RankAcceptability
    settings: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)
    scoring: ScoringModel | None = field(default=None, repr=False, compare=False)

    @property
    def labels(self) -> list[str]:
        """The shortlisted priorities' labels, best first."""
        return self.shortlist[LABEL_COLUMN].tolist()

    @property
    def is_empty(self) -> bool:
        """Whether no priority could be suggested (no theme could be measured on the data).

        Every theme is then in :attr:`excluded` with its reason (for example its cohort or
        its events were below the disclosure threshold), and :attr:`shortlist` and
        :attr:`candidates` have no rows.
        """
        return len(self.shortlist) == 0

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the shortlist."""
        return self.shortlist.copy()

    def for_each_place(self) -> pd.DataFrame:
        """Return every place's own shortlist, from the scores of this prioritisation.

        For themes measured in each place (``within="place"``). :attr:`shortlist` ranks
        the places' candidates together and keeps one priority per theme, so places
        compete for it; here each place gets a list of its own, of the same size, made by
        the same rule from its own themes: position 1 is the theme that scores best in
        that place, whatever it scores elsewhere.

        The scores are this prioritisation's (the same as in :attr:`candidates`): the
        criteria are scaled over every place's candidates, so a score means the same in
        every place and two places' lists can be read side by side. A place's list is
        therefore not always the one :func:`prioritise_persons` gives on that place's
        persons alone: there the criteria are scaled over that place's themes only (which
        can reorder close themes), a gap that could not be compared counts as the middle
        of that place's gaps rather than of all the places', and the share of the gap in
        life expectancy is the place's own rather than the system's. Each place's chance
        of staying in its list and the smallest change in one weight that would take an
        item out are worked out on the same weights and the same ``draws`` and ``seed``
        as :attr:`shortlist`.

        Returns
        -------
        pandas.DataFrame
            One row per item of each place's list, places in alphabetical order: ``place``,
            ``position`` (1 to ``size``, the place in that place's list), ``candidate``,
            ``theme``, ``label``, ``facts``, ``score`` (0 to 100), ``overall_rank``
            (among every place's candidates), ``p_shortlist`` (share of varied weightings
            that keep it in the place's list), ``reason``, ``weight_change``,
            ``intervention``, ``intervention_source`` and ``estimate``. Counts appear only
            in ``facts`` and ``estimate``, worded at the disclosure threshold (a count
            below it is "fewer than N", and no estimate is taken from it); the figures
            behind them are in :attr:`candidates`, for analysts. A place with no measured
            theme has no rows; no rows at all when :attr:`is_empty`.

        Raises
        ------
        ValueError
            When the themes were not measured in each place.
        """
        from toolkit.prioritise._shown_list import place_shortlists

        return place_shortlists(self)

    def summary(self) -> str:
        """Return the shortlist as numbered plain text: label, facts, evidence, robustness."""
        if self.is_empty:
            return NO_PRIORITY_SENTENCE
        lines = []
        for row in self.shortlist.itertuples(index=False):
            lines.append(f"{row.position}. {row.label} (score {row.score:.0f} out of 100)")
            lines.append(f"   {row.facts}")
            lines.append(f"   Evidence: {row.intervention_source}")
            lines.append(
                f"   Why: {row.reason} It stays in the shortlist under {row.p_shortlist:.0%} "
                f"of varied weightings. {row.weight_change}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        shown = self.shortlist[["position", LABEL_COLUMN, "facts", "score", "p_shortlist"]].copy()
        shown["score"] = shown["score"].map("{:.0f}".format)
        shown["p_shortlist"] = shown["p_shortlist"].map("{:.0%}".format)
        shown.columns = [
            "",
            "Priority",
            "What the data say",
            "Score (0-100)",
            "In the shortlist under varied weights",
        ]
        return shown.to_html(index=False, escape=True)


def _fingerprint(table: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(table.reset_index(drop=True), index=False)
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()[:16]


def _nothing_measured(
    candidates: ThemeCandidates,
    table: pd.DataFrame,
    criteria: Sequence[Criterion],
    weights: Mapping[str, float] | None,
    *,
    size: int,
    cap: int,
    per_cohort: int | None,
    method: str,
    draws: int,
    seed: int,
    provenance: Mapping[str, Any] | None,
) -> Prioritisation:
    """Return the prioritisation when no theme could be measured: nothing to shortlist.

    The arguments are checked as :func:`prioritise` checks them; the shortlist and the
    candidates have the usual columns and no rows, and the rank acceptability has no
    candidates (its draws and seed are the ones asked for).
    """
    from toolkit.prioritise.criteria import check_criteria
    from toolkit.prioritise.robustness import seed_or_new
    from toolkit.prioritise.scoring import CONTRIBUTION_PREFIX, check_size

    caller = "prioritise"
    chosen = check_criteria(criteria, caller=caller)
    names = [criterion.name for criterion in chosen]
    raw = check_weights(weights, chosen, caller=caller)
    used = dict(zip(names, raw.tolist(), strict=True))
    total = raw.sum()
    size = check_size(size, cap, caller=caller)
    seed = seed_or_new(seed)
    none = np.zeros(0, dtype="float64")
    scored = table.assign(
        score=none,
        rank=np.zeros(0, dtype="int64"),
        **{CONTRIBUTION_PREFIX + name: none for name in names},
    )
    scored.attrs = {}
    shown = scored.rename(columns={"rank": "overall_rank"}).assign(
        position=np.zeros(0, dtype="int64"),
        reason=pd.Series([], dtype=object),
        related=pd.Series([], dtype=object),
        first_left_out=pd.Series([], dtype=object),
        margin=none,
        p_shortlist=none,
        weight_change=pd.Series([], dtype=object),
        estimate=pd.Series([], dtype="str"),
    )
    acceptability = RankAcceptability(
        candidates=(),
        labels=(),
        criteria=tuple(names),
        probabilities=np.zeros((0, 0)),
        p_shortlist=none.copy(),
        rank_at_weights=np.zeros(0, dtype="int64"),
        central_weights=np.zeros((0, len(names))),
        weights=raw / total,
        method=method,
        sampling="dirichlet",
        spread=0.2,
        draws=draws,
        size=size,
        seed=seed,
        per_cohort=per_cohort,
        cohort_columns=(THEME_COLUMN,),
    )
    return Prioritisation(
        candidates=scored,
        criteria=chosen,
        weights=used,
        shortlist=shown,
        excluded=candidates.excluded.copy(),
        acceptability=acceptability,
        **_record(candidates, table, size, per_cohort, method, draws, seed, provenance),
        scoring=None,
    )


#: Settings keys renamed to the glossary's names: old key to new.
_RENAMED_SETTINGS = {"per_theme": "per_cohort"}


class _Settings(dict):
    """A prioritisation's settings; the old key ``per_theme`` answers for ``per_cohort``.

    ``per_theme`` was renamed ``per_cohort`` (the glossary's name, ``docs/glossary.md``);
    for one release reading the old key still works, with a ``FutureWarning``.
    """

    def _moved(self, key: Any) -> str:
        new = _RENAMED_SETTINGS[key]
        warnings.warn(
            f"The prioritisation's setting {key!r} is now called {new!r} (the glossary's "
            f"name); {key!r} still works in this release and will stop working in the next.",
            FutureWarning,
            stacklevel=3,
        )
        return new

    def __missing__(self, key: Any) -> Any:
        if key in _RENAMED_SETTINGS and _RENAMED_SETTINGS[key] in self:
            return self[self._moved(key)]
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the setting (an old key read by its new name), or ``default``."""
        if key not in self and key in _RENAMED_SETTINGS and _RENAMED_SETTINGS[key] in self:
            return self[self._moved(key)]
        return super().get(key, default)


def _record(
    candidates: Any,
    table: pd.DataFrame,
    size: int,
    per_cohort: int | None,
    method: str,
    draws: int,
    seed: int,
    provenance: Mapping[str, Any] | None,
) -> dict[str, dict[str, Any]]:
    """Return a prioritisation's ``settings`` and ``provenance``: how and from what it was made."""
    return {
        "settings": _Settings(
            size=int(size),
            per_cohort=per_cohort,
            method=method,
            draws=int(draws),
            seed=int(seed),
            within=candidates.within,
            years=candidates.years,
            threshold=int(getattr(candidates, "threshold", DISCLOSURE_THRESHOLD)),
        ),
        "provenance": {
            "themes": list(candidates.library),
            "candidates_fingerprint": _fingerprint(table.drop(columns=["facts", "note"])),
            "data_notes": list(candidates.notes),
            **dict(provenance or {}),
        },
    }


#: Constraints of the options the prioritisation functions share (see :func:`validate_params`).
_COUNT = [Interval(Integral, 1, None, closed="left")]


@validate_params(
    {
        "candidates": [
            InstanceOf("toolkit.prioritise.theme_measures.ThemeCandidates", "a ThemeCandidates")
        ],
        "criteria": [*CRITERIA, None],
        "weights": ["mapping", None],
        "analyst_scores": ["data-frame", None],
        "size": _COUNT,
        "cap": _COUNT,
        "per_cohort": [*_COUNT, None],
        "method": SCORING_METHOD,
        "draws": _COUNT,
        "seed": [SEED],
        "provenance": ["mapping", None],
    },
    renamed={"per_theme": "per_cohort"},
)
def prioritise(
    candidates: ThemeCandidates,
    *,
    criteria: Sequence[Criterion] | None = None,
    weights: Mapping[str, float] | None = None,
    analyst_scores: pd.DataFrame | None = None,
    size: int = DEFAULT_SHORTLIST_SIZE,
    cap: int = DEFAULT_SHORTLIST_CAP,
    per_cohort: int | None = 1,
    method: str = "weighted_sum",
    draws: int = 10_000,
    seed: int = DEMO_SEED,
    provenance: Mapping[str, Any] | None = None,
) -> Prioritisation:
    """Score theme candidates, shortlist a few and say why, as one frozen result.

    Parameters
    ----------
    candidates : ThemeCandidates
        From :func:`toolkit.prioritise.theme_measures`.
    criteria : sequence of Criterion, optional
        By default :func:`toolkit.prioritise.theme_criteria` (plus the analysts' criteria
        when ``analyst_scores`` is given).
    weights : mapping of str to float, optional
        Relative weight of each criterion (for example a workshop's slider values); the
        criteria's default weights (equal) when not given. Criteria it leaves out keep
        their default weight, with a ``UserWarning`` naming them; a name that is not a
        criterion is refused (``ValueError``), as by
        :func:`toolkit.prioritise.score_priorities`.
    analyst_scores : pandas.DataFrame, optional
        The filled template read by :func:`toolkit.prioritise.read_criteria_scores`
        (what communities said, feasibility), joined on ``candidate``.
    size : int
        Shortlist size (5 by default, at most ``cap``).
    cap : int
        The largest shortlist allowed (7): not everything can be a priority.
    per_cohort : int or None
        Most candidates of one cohort (here a theme) in the shortlist (1 by default, so a
        theme measured in several places is one priority); None for the plain top
        ``size``. Called ``per_theme`` before this release (the old keyword still works,
        with a ``FutureWarning``), as :func:`toolkit.prioritise.shortlist` and the
        workshop call it.
    method : {"weighted_sum", "topsis"}
        Scoring method.
    draws : int
        Weight draws for the shortlist chances.
    seed : int
        Seed of the draws (recorded in ``settings``).
    provenance : mapping, optional
        Facts to record about where the data came from (files, segmentation model).

    Returns
    -------
    Prioritisation
        When no theme could be measured (every theme is in ``excluded``, for instance
        because each cohort or its events were below the disclosure threshold), a result
        with no candidates and an empty shortlist (``is_empty``), not an error.
    """
    from toolkit.prioritise._shown_list import shown_shortlist
    from toolkit.prioritise.templates import THEME_ANALYST_CRITERIA

    table = candidates.table
    chosen_criteria = list(theme_criteria() if criteria is None else criteria)
    if analyst_scores is not None:
        names = [spec.name for spec in THEME_ANALYST_CRITERIA]
        table = table.merge(
            analyst_scores[[CANDIDATE_COLUMN, *names]],
            on=CANDIDATE_COLUMN,
            how="left",
            validate="1:1",
        )
        if criteria is None:
            chosen_criteria += [spec.criterion for spec in THEME_ANALYST_CRITERIA]
    if not len(table):
        return _nothing_measured(
            candidates,
            table,
            chosen_criteria,
            weights,
            size=size,
            cap=cap,
            per_cohort=per_cohort,
            method=method,
            draws=draws,
            seed=seed,
            provenance=provenance,
        )
    model = ScoringModel(table, criteria=chosen_criteria, method=method, cohort=(THEME_COLUMN,))
    raw = model.raw_weights(weights, caller="prioritise")
    used = dict(zip(model.names, raw.tolist(), strict=True))
    scored, shown, acceptability = shown_shortlist(
        model,
        used,
        size=size,
        cap=cap,
        per_cohort=per_cohort,
        draws=draws,
        seed=seed,
        threshold=candidates.threshold,
    )
    scored = scored.assign(score=scored["score"] * SCORE_SCALE)
    scored.attrs = {}
    return Prioritisation(
        candidates=scored,
        criteria=tuple(chosen_criteria),
        weights=used,
        shortlist=shown,
        excluded=candidates.excluded.copy(),
        acceptability=acceptability,
        **_record(candidates, table, size, per_cohort, method, draws, seed, provenance),
        scoring=model,
    )


@validate_params(
    {
        "result": [InstanceOf(Prioritisation, "a Prioritisation")],
        "decimals": [Interval(Integral, 0, None, closed="left")],
    }
)
def priorities_frame(result: Prioritisation, *, decimals: int = 1) -> pd.DataFrame:
    """Return the shortlist as a tidy table for export: rounded figures, no internal columns.

    Parameters
    ----------
    result : Prioritisation
        From :func:`prioritise`.
    decimals : int
        Decimals of the score.

    Returns
    -------
    pandas.DataFrame
        One row per priority, under the glossary's names (``docs/glossary.md``):
        ``position``, ``label`` (the theme in board language), ``facts``, ``score``
        (0 to 100), ``p_shortlist`` (share of varied weightings that keep it in the
        shortlist, to 2 decimals), ``intervention``, ``intervention_source`` and
        ``estimate`` (what it could avoid a year, in words). Before this release the
        columns were ``priority``, ``score_out_of_100``,
        ``in_shortlist_under_varied_weights``, ``evidence`` (which held the source, not
        the strength the glossary's ``evidence`` means) and ``avoidable_a_year``.
    """
    shortlist = result.shortlist
    return pd.DataFrame(
        {
            "position": shortlist["position"].to_numpy(),
            "label": shortlist[LABEL_COLUMN].to_numpy(),
            "facts": shortlist["facts"].to_numpy(),
            "score": np.round(shortlist["score"].to_numpy(dtype="float64"), decimals),
            "p_shortlist": np.round(shortlist["p_shortlist"].to_numpy(dtype="float64"), 2),
            "intervention": shortlist["intervention"].to_numpy(),
            "intervention_source": shortlist["intervention_source"].to_numpy(),
            "estimate": shortlist["estimate"].to_numpy(),
        }
    )


@validate_params(
    {
        "persons": ["no_validation"],
        "model": ["no_validation"],
        "themes": ["array-like", None],
        "within": [StrOptions({"core20", "place"}), None],
        "years": [POSITIVE],
        "size": _COUNT,
        "weights": ["mapping", None],
        "analyst_scores": ["data-frame", "path", None],
        "seed": [SEED],
        "draws": _COUNT,
        "engine": [StrOptions({"duckdb", "spark"})],
        "threshold": _COUNT,
    },
    renamed={"disclosure_threshold": "threshold"},
)
def prioritise_persons(
    persons: Any,
    *,
    model: Any = DEFAULT_MODEL,
    themes: Sequence[Any] | None = None,
    within: str | None = None,
    years: float = 1.0,
    size: int = DEFAULT_SHORTLIST_SIZE,
    weights: Mapping[str, float] | None = None,
    analyst_scores: pd.DataFrame | str | os.PathLike[str] | None = None,
    seed: int = DEMO_SEED,
    draws: int = 10_000,
    engine: str = "duckdb",
    threshold: int = 10,
) -> Prioritisation:
    """From a persons table to the prioritisation, in the one way every surface uses.

    Builds the cube of overlapping cohorts (:func:`toolkit.segment.build_cohort_cube`),
    measures the themes on it (:func:`toolkit.prioritise.theme_measures`) and
    prioritises them (:func:`prioritise`). ``pophealth demo``, the notebooks, the board
    report and the workshop's preparation call this, so that they show the same list.

    Parameters
    ----------
    persons : pandas.DataFrame or path
        The persons table (or Parquet/CSV files), as for
        :func:`toolkit.segment.build_cohort_cube`.
    model : str, path or SegmentationModel
        The segmentation model for the segment cohorts (recorded in the provenance).
    themes : sequence of Theme, optional
        The themes; by default the built-in library.
    within : {None, "core20", "place"}
        Measure themes for the whole system, its most deprived fifth, or each place. With
        ``"place"`` the places' candidates are ranked together and, as everywhere, the
        shortlist keeps one priority per theme: each theme is kept for the place where it
        scores best, and its reason names the same theme in the other places. That
        shortlist compares places; it is not a list for each place. For every place's own
        shortlist, in one table from the same scores, call
        :meth:`Prioritisation.for_each_place` on the result (it says how a place's list
        can differ from prioritising that place's persons alone).
    years : float
        Years the data cover.
    size : int
        Shortlist size.
    weights : mapping of str to float, optional
        Criterion weights (equal by default), checked before the data are read: criteria
        it leaves out keep their default weight, with a ``UserWarning`` naming them; a
        name that is not a criterion is refused (``ValueError``).
    analyst_scores : pandas.DataFrame or path, optional
        The filled criteria template (what communities said, feasibility): read and
        checked against these candidates with :func:`toolkit.prioritise.read_criteria_scores`
        when a path is given.
    seed, draws : int
        Seed and number of the weight draws for robustness.
    engine : {"duckdb", "spark"}
        Where the cohort cube is built.
    threshold : int
        Counts below this are written "fewer than N" in the facts.

    Returns
    -------
    Prioritisation
    """
    from toolkit.prioritise.templates import THEME_ANALYST_CRITERIA
    from toolkit.prioritise.theme_measures import theme_candidates
    from toolkit.segment import build_cohort_cube

    if weights is not None:
        # Checked (and completed) before the cube is built, under this function's name.
        criteria = list(theme_criteria())
        if analyst_scores is not None:
            criteria += [spec.criterion for spec in THEME_ANALYST_CRITERIA]
        raw = check_weights(weights, criteria, caller="prioritise_persons")
        weights = dict(zip([c.name for c in criteria], raw.tolist(), strict=True))
    cube = build_cohort_cube(persons, model=model, engine=engine)
    candidates = theme_candidates(cube, themes, within=within, years=years, threshold=threshold)
    if isinstance(analyst_scores, str | os.PathLike):
        from toolkit.prioritise.templates import read_criteria_scores

        # The candidates, not only their table: a theme not measured is named with why.
        analyst_scores = read_criteria_scores(
            analyst_scores, candidates, criteria=THEME_ANALYST_CRITERIA
        )
    left_out = cube.left_out
    return prioritise(
        candidates,
        weights=weights,
        analyst_scores=analyst_scores,
        size=size,
        seed=seed,
        draws=draws,
        provenance={
            "segmentation_model": cube.model,
            "engine": cube.engine,
            "cohorts_left_out": [
                f"{label}: {reason}"
                for label, reason in zip(left_out["label"], left_out["reason"], strict=True)
            ],
        },
    )
