"""A CohortCube typed in a console says what it holds in a few lines (walk-through defect).

The dataclass' own repr printed every table (some 22,700 rows and 35 columns at 40,000
persons).
"""

from __future__ import annotations

from toolkit.data import make_demo_system
from toolkit.segment import build_cohort_cube


def test_repr_is_a_short_summary_not_the_tables():
    cube = build_cohort_cube(make_demo_system(persons=1_500, seed=3).persons)
    text = repr(cube)
    assert text.startswith(
        f"CohortCube: {len(cube.cohorts)} cohorts, {len(cube.table):,} cells (duckdb, "
        "segments of bridges_to_health)"
    )
    assert len(text.splitlines()) == 2 + len(cube.notes)
    assert "persons_with_" not in text and "age_band" not in text
