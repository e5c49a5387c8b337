"""Segment the population into cohorts and build the cohort cube.

- :func:`assign_segments` adds each person's ``segment`` and the ``segment_rule`` that
  decided it;
- :func:`build_cube` segments and aggregates persons (a DataFrame or Parquet/CSV files)
  into the tidy cube on DuckDB or Spark;
- :func:`segment_summary` gives persons, deaths, cost and activity by segment;
- :func:`build_cohort_cube` counts persons in every overlapping cohort they belong to
  (conditions, condition groups, population groups, ethnic groups and segments), with the
  mortality table by life-table age band; :func:`load_cohorts` reads the catalogue;
- :func:`check_persons_file` checks a persons file (Parquet or CSV, any size) against the
  data contract in DuckDB, without loading it (``pophealth validate``);
- :func:`load_rules` reads a built-in model or a user's TOML/YAML rules file.

Names are imported on first use so that ``import toolkit.segment`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    "assign_segments": "toolkit.segment.model",
    "load_rules": "toolkit.segment.model",
    "SegmentationModel": "toolkit.segment.model",
    "Rule": "toolkit.segment.model",
    "BUILTIN_MODELS": "toolkit.segment.model",
    "RuleError": "toolkit.segment.rules",
    "parse_condition": "toolkit.segment.rules",
    "build_cube": "toolkit.segment.cube",
    "cube_expression": "toolkit.segment.cube",
    "segment_summary": "toolkit.segment.cube",
    "build_cohort_cube": "toolkit.segment.cohorts",
    "cohort_expression": "toolkit.segment.cohorts",
    "load_cohorts": "toolkit.segment.cohorts",
    "Cohort": "toolkit.segment.cohorts",
    "check_persons_file": "toolkit.segment.file_check",
    "CheckReport": "toolkit.segment.file_check",
    "CohortCube": "toolkit.segment.cohorts",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = sorted(_EXPORTS)
