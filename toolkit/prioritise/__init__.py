"""From evidence to a shortlist: candidate priorities, multi-criteria scoring and robustness.

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
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = list(_EXPORTS)
