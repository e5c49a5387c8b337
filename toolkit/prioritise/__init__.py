"""From evidence to a shortlist: candidate priorities, multi-criteria scoring and robustness.

- :func:`prioritise_persons` is the one path from a persons table to the answer: the cube
  of overlapping cohorts, the themes of the library measured on it
  (:func:`theme_candidates`, criteria :func:`theme_criteria`) and :func:`prioritise`,
  which returns one frozen :class:`Prioritisation` (candidates, criteria, weights,
  settings, shortlist with reasons, what was left out, robustness, provenance) that the
  notebooks, the workshop and the board report render.

- :func:`candidate_priorities` builds one row per candidate (a cohort and an outcome) with
  criteria computed from the cohort cube: burden, age-standardised rate, cost per head,
  inequality, Core20 share and, when given, the gap to a benchmark.
- :func:`write_criteria_template` and :func:`read_criteria_scores` let analysts add
  their own criteria (evidence, Core20PLUS5, what communities said, feasibility).
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
    "Criterion": "toolkit.prioritise.criteria",
    "NORMALISATIONS": "toolkit.prioritise.criteria",
    "ScoringModel": "toolkit.prioritise.scoring",
    "METHODS": "toolkit.prioritise.scoring",
    "score_priorities": "toolkit.prioritise.scoring",
    "shortlist": "toolkit.prioritise.scoring",
    "RankAcceptability": "toolkit.prioritise.robustness",
    "WeightChange": "toolkit.prioritise.robustness",
    "rank_acceptability": "toolkit.prioritise.robustness",
    "weight_to_enter": "toolkit.prioritise.robustness",
    "acceptability_of_model": "toolkit.prioritise.robustness",
    "change_of_model": "toolkit.prioritise.robustness",
    "AnalystCriterion": "toolkit.prioritise.templates",
    "ANALYST_CRITERIA": "toolkit.prioritise.templates",
    "write_criteria_template": "toolkit.prioritise.templates",
    "read_criteria_scores": "toolkit.prioritise.templates",
    "OUTCOMES": "toolkit.prioritise.candidates",
    "DEFAULT_OUTCOMES": "toolkit.prioritise.candidates",
    "DEFINITIONAL_FLAGS": "toolkit.prioritise.candidates",
    "definitional_outcomes": "toolkit.prioritise.candidates",
    "COHORT_COLUMNS": "toolkit.prioritise.criteria",
    "candidate_priorities": "toolkit.prioritise.candidates",
    "cube_criteria": "toolkit.prioritise.candidates",
    "demo_shortlist": "toolkit.prioritise.candidates",
    "Theme": "toolkit.prioritise.themes",
    "Intervention": "toolkit.prioritise.themes",
    "Effect": "toolkit.prioritise.themes",
    "Share": "toolkit.prioritise.themes",
    "UnitCost": "toolkit.prioritise.themes",
    "TimeToImpact": "toolkit.prioritise.themes",
    "ExpectedPrevalence": "toolkit.prioritise.themes",
    "ThemeError": "toolkit.prioritise.themes",
    "THEME_LIBRARY": "toolkit.prioritise.themes",
    "PROGRAMMES": "toolkit.prioritise.themes",
    "CORE20PLUS5_AREAS": "toolkit.prioritise.themes",
    "EVIDENCE_LEVELS": "toolkit.prioritise.themes",
    "OUTCOME_WORDS": "toolkit.prioritise.themes",
    "OUTCOME_WORDS_SINGULAR": "toolkit.prioritise.themes",
    "known_cohort_ids": "toolkit.prioritise.themes",
    "load_theme": "toolkit.prioritise.themes",
    "load_themes": "toolkit.prioritise.themes",
    "impact_range": "toolkit.prioritise.themes",
    "impact_central": "toolkit.prioritise.themes",
    "impact_cost_range": "toolkit.prioritise.themes",
    "themes_frame": "toolkit.prioritise.themes",
    "themes_markdown": "toolkit.prioritise.themes",
    "write_themes_doc": "toolkit.prioritise.themes",
    "THEME_ANALYST_CRITERIA": "toolkit.prioritise.templates",
    "ThemeCandidates": "toolkit.prioritise.theme_measures",
    "theme_candidates": "toolkit.prioritise.theme_measures",
    "theme_criteria": "toolkit.prioritise.theme_measures",
    "Prioritisation": "toolkit.prioritise.result",
    "prioritise": "toolkit.prioritise.result",
    "prioritise_persons": "toolkit.prioritise.result",
    "priorities_frame": "toolkit.prioritise.result",
    "KendallW": "toolkit.prioritise.consensus",
    "RoomConsensus": "toolkit.prioritise.consensus",
    "kendalls_w": "toolkit.prioritise.consensus",
    "aggregate_weights": "toolkit.prioritise.consensus",
    "room_consensus": "toolkit.prioritise.consensus",
    "ShortlistOverlap": "toolkit.prioritise.consensus",
    "AgreementBaseline": "toolkit.prioritise.consensus",
    "GroupEffect": "toolkit.prioritise.consensus",
    "RoundChange": "toolkit.prioritise.consensus",
    "agreement_baseline": "toolkit.prioritise.consensus",
    "compare_rounds": "toolkit.prioritise.consensus",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = list(_EXPORTS)
