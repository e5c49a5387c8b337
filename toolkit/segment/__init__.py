"""Segment the population into cohorts and build the segment and cohort cubes.

- :func:`assign_segments` adds each person's ``segment`` and the ``segment_rule`` that
  decided it;
- :func:`build_cube` segments and aggregates persons (a DataFrame or Parquet/CSV files)
  into the tidy segment cube on DuckDB or Spark;
- :func:`segment_summary` gives persons, deaths, cost and activity by segment;
- :func:`build_cohort_cube` builds the cohort cube: persons counted in every overlapping
  cohort they belong to (conditions, condition groups, population groups, ethnic groups
  and segments), with the mortality table by life-table age band; :func:`load_cohorts`
  reads the catalogue;
- :func:`check_persons_file` checks a persons file (Parquet or CSV, any size) against the
  data contract in DuckDB, without loading it (``pophealth validate``);
- :func:`load_rules` reads a built-in model or a user's TOML/YAML rules file.

Names are imported on first use so that ``import toolkit.segment`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    ".model": ["assign_segments", "load_rules", "SegmentationModel", "Rule", "BUILTIN_MODELS"],
    ".rules": ["RuleError", "parse_condition"],
    ".cube": ["build_cube", "cube_expression", "segment_summary"],
    ".cohorts": ["build_cohort_cube", "cohort_expression", "load_cohorts", "Cohort", "CohortCube"],
    ".file_check": ["check_persons_file", "CheckReport"],
}


__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
