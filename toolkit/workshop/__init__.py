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
    "Workshop": "toolkit.workshop.config",
    "prepare_workshop": "toolkit.workshop.config",
    "load_workshop": "toolkit.workshop.config",
    "demo_workshop": "toolkit.workshop.config",
    "add_example_submissions": "toolkit.workshop.config",
    "STAKEHOLDER_ROLES": "toolkit.workshop.config",
    "CONFIG_ENVIRONMENT_VARIABLE": "toolkit.workshop.config",
    "PARTICIPANT_URL_VARIABLE": "toolkit.workshop.config",
    "table_link": "toolkit.workshop.config",
    "SubmissionStore": "toolkit.workshop.store",
    "StoreError": "toolkit.workshop.store",
    "SubmissionRefused": "toolkit.workshop.store",
    "RoundState": "toolkit.workshop.store",
    "demo_folder": "toolkit.workshop.config",
    "compare_rounds": "toolkit.prioritise.consensus",
    "agreement_baseline": "toolkit.prioritise.consensus",
    "ShortlistOverlap": "toolkit.prioritise.consensus",
    "AgreementBaseline": "toolkit.prioritise.consensus",
    "GroupEffect": "toolkit.prioritise.consensus",
    "RoundChange": "toolkit.prioritise.consensus",
    "KendallW": "toolkit.prioritise.consensus",
    "RoomConsensus": "toolkit.prioritise.consensus",
    "AGGREGATIONS": "toolkit.prioritise.consensus",
    "kendalls_w": "toolkit.prioritise.consensus",
    "aggregate_weights": "toolkit.prioritise.consensus",
    "room_consensus": "toolkit.prioritise.consensus",
    "ParticipantApp": "toolkit.workshop.views",
    "FacilitatorApp": "toolkit.workshop.views",
    "WorkshopServer": "toolkit.workshop.server",
    "VoilaProcess": "toolkit.workshop.server",
    "start_server": "toolkit.workshop.server",
    "serve": "toolkit.workshop.server",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


__all__ = list(_EXPORTS)
