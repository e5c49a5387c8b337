"""A workshop app for agreeing priorities: weight sliders, many tables, consensus.

- :func:`prepare_workshop` writes a workshop's candidates, criteria and configuration to
  a folder once; :func:`load_workshop` reads it back quickly (each Voila kernel does);
  :func:`demo_workshop` prepares one on synthetic data.
- :class:`SubmissionStore` is the append-only SQLite log every participant's kernel
  writes to (WAL mode, safe under concurrent writers): rounds, the facilitator's table
  list, drafts that survive a reload, limits on submissions, plain errors
  (:class:`StoreError`, :class:`SubmissionRefused`) and formula-safe CSV and JSON export.
- :class:`ParticipantApp` and :class:`FacilitatorApp` are the two ipywidgets views.
- :func:`room_consensus`, :func:`compare_rounds`, :func:`aggregate_weights` and
  :func:`kendalls_w` compare the tables' submissions: overlap in words, agreement beside
  what random weights give, shortlists by stakeholder group and what changed between rounds.
- :func:`serve` (``pophealth workshop``) serves the two views on two Voila servers, each
  behind its own token, with a warm kernel pool for the room and idle kernels shut down.

Names are imported on first use so that ``import toolkit.workshop`` stays quick.
"""

from __future__ import annotations

from toolkit._lazy import lazy_exports

_EXPORTS = {
    ".config": [
        "Workshop",
        "prepare_workshop",
        "load_workshop",
        "demo_workshop",
        "add_example_submissions",
        "STAKEHOLDER_ROLES",
        "CONFIG_ENVIRONMENT_VARIABLE",
        "PARTICIPANT_URL_VARIABLE",
        "table_link",
        "demo_folder",
    ],
    ".store": ["SubmissionStore", "StoreError", "SubmissionRefused", "RoundState"],
    "toolkit.prioritise.consensus": [
        "compare_rounds",
        "agreement_baseline",
        "ShortlistOverlap",
        "AgreementBaseline",
        "GroupEffect",
        "RoundChange",
        "KendallW",
        "RoomConsensus",
        "AGGREGATIONS",
        "kendalls_w",
        "aggregate_weights",
        "room_consensus",
    ],
    ".views": ["ParticipantApp", "FacilitatorApp"],
    ".server": ["WorkshopServer", "VoilaProcess", "start_server", "serve"],
}


__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
