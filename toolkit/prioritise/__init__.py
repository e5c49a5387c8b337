"""From evidence to a shortlist: candidate priorities, multi-criteria scoring and robustness.

- :func:`prioritise_persons` is the one path from a persons table to the answer: the cube
  of overlapping cohorts, the themes of the library measured on it
  (:func:`theme_candidates`, criteria :func:`theme_criteria`) and :func:`prioritise`,
  which returns one frozen :class:`Prioritisation` (candidates, criteria, weights,
  settings, shortlist with reasons, what was left out, robustness, provenance) that the
  notebooks, the workshop and the board report render.

- :func:`candidate_priorities` builds one row per candidate (a cohort and an outcome) with
  criteria computed from the segment cube: burden, age-standardised rate, cost per head,
  inequality, Core20 share and, when given, the gap to a benchmark.
- :func:`write_criteria_template` and :func:`read_criteria_scores` let analysts add
  their own criteria (evidence, Core20PLUS5, what communities said, feasibility); a filled
  template that needs fixing raises :class:`CriteriaScoresError`, and a theme file
  :class:`ThemeError` (both :class:`~toolkit.errors.DataContractError`).
- :class:`Criterion` declares a criterion; :func:`score_priorities` scores and ranks;
  :func:`shortlist` keeps the top few of distinct cohorts with plain-English reasons and
  related outcomes; :class:`ScoringModel` is the fast path for re-scoring under new
  weights.
- :func:`definitional_outcomes` lists the outcomes that define each segment of a
  segmentation model: such candidates are true by construction and left out.
- :func:`rank_acceptability` and :func:`weight_to_enter` show how much the answer
  depends on the weights.

Names are imported on first use so that ``import toolkit.prioritise`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    ".criteria": ["Criterion", "NORMALISATIONS", "COHORT_COLUMNS"],
    ".scoring": ["ScoringModel", "METHODS", "score_priorities", "shortlist"],
    ".robustness": [
        "RankAcceptability",
        "WeightChange",
        "rank_acceptability",
        "weight_to_enter",
        "acceptability_of_model",
        "change_of_model",
    ],
    ".templates": [
        "AnalystCriterion",
        "ANALYST_CRITERIA",
        "CriteriaScoresError",
        "write_criteria_template",
        "read_criteria_scores",
        "THEME_ANALYST_CRITERIA",
    ],
    ".candidates": [
        "OUTCOMES",
        "DEFAULT_OUTCOMES",
        "DEFINITIONAL_FLAGS",
        "definitional_outcomes",
        "candidate_priorities",
        "cube_criteria",
        "demo_shortlist",
    ],
    ".themes": [
        "Theme",
        "Intervention",
        "Effect",
        "Share",
        "UnitCost",
        "TimeToImpact",
        "ExpectedPrevalence",
        "ThemeError",
        "THEME_LIBRARY",
        "PROGRAMMES",
        "CORE20PLUS5_AREAS",
        "EVIDENCE_LEVELS",
        "OUTCOME_WORDS",
        "OUTCOME_WORDS_SINGULAR",
        "known_cohort_ids",
        "load_theme",
        "load_themes",
        "impact_range",
        "impact_central",
        "impact_cost_range",
        "themes_frame",
        "themes_markdown",
        "write_themes_doc",
    ],
    ".theme_measures": ["ThemeCandidates", "theme_candidates", "theme_criteria"],
    ".result": ["Prioritisation", "prioritise", "prioritise_persons", "priorities_frame"],
    ".consensus": [
        "KendallW",
        "RoomConsensus",
        "kendalls_w",
        "aggregate_weights",
        "room_consensus",
        "ShortlistOverlap",
        "AgreementBaseline",
        "GroupEffect",
        "RoundChange",
        "agreement_baseline",
        "compare_rounds",
    ],
}


__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
