"""The toolkit's defaults, each defined once.

The segmentation model used when none is named, the demo system's seed and size, and the
shortlist's default size and largest size. Every function, configuration and command-line
option that defaults to one of these takes it from here.
"""

from __future__ import annotations

from typing import Final

#: The segmentation model used when none is named: Bridges to Health (eight segments).
DEFAULT_MODEL: Final[str] = "bridges_to_health"

#: Seed of the demo system and of every random step when none is given.
DEMO_SEED: Final[int] = 20261122

#: Persons in the demo system (``pophealth demo``, the demo report and workshop).
DEMO_PERSONS: Final[int] = 250_000

#: Priorities in a shortlist by default, and the most a shortlist may hold: a system agrees
#: a small number of priorities.
SHORTLIST_SIZE: Final[int] = 5
SHORTLIST_CAP: Final[int] = 7

#: Scores are shown from 0 to 100 everywhere (the workshop, notebooks and report): the
#: scoring's 0-1 scores times this.
SCORE_SCALE: Final[float] = 100.0

__all__ = [
    "DEFAULT_MODEL",
    "DEMO_PERSONS",
    "DEMO_SEED",
    "SCORE_SCALE",
    "SHORTLIST_CAP",
    "SHORTLIST_SIZE",
]
