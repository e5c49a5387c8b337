"""Page 1's "At a glance" of a report's board figures, as the report's notebook renders it.

Shared by the tests that read page 1 from :func:`toolkit.report.compute_board_figures`.
"""

from __future__ import annotations

from toolkit.report import sections as report
from toolkit.report.tables import BoardText


def page_one(figures) -> BoardText:
    """Return page 1's headline facts of ``figures`` (a ``BoardFigures``), with its notes."""
    coverage = report.people_coverage(figures.inputs)
    return report.at_a_glance(
        figures.segments,
        neighbourhoods=coverage.neighbourhoods,
        places=coverage.places,
        empty_places=coverage.empty_places,
        profile=figures.profile,
        priorities=figures.priorities,
        config=figures.config,
        linked=figures.linked,
        areas_note=figures.inputs.areas_note,
    )
