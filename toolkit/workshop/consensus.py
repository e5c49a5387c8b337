"""Where the tables agree: now computed in :mod:`toolkit.prioritise.consensus`.

Consensus is part of the prioritisation (the workshop only renders it); these names stay
importable from here for code written against earlier versions.
"""

from __future__ import annotations

from toolkit.prioritise.consensus import (
    AGGREGATION_LABELS,
    AGGREGATIONS,
    Aggregation,
    KendallW,
    RoomConsensus,
    aggregate_weights,
    kendalls_w,
    room_consensus,
)

__all__ = [
    "AGGREGATIONS",
    "AGGREGATION_LABELS",
    "Aggregation",
    "KendallW",
    "RoomConsensus",
    "aggregate_weights",
    "kendalls_w",
    "room_consensus",
]
