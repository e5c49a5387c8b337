"""The workshop's two views, built on ipywidgets and served to the room by Voila.

:class:`ParticipantApp` is what each table sees: it picks its table from the
facilitator's list, moves a slider per criterion and sees "your top 5" change beside the
sliders (with what moved up or down and a line of facts per priority), the full ranking
behind a toggle, what would move a chosen priority in or out, a dot vote, the round's
status and, from round 2, its own and the room's weights in the previous round.
:class:`FacilitatorApp` is what the facilitator shows the room: the rounds, the headline in
words (how many priorities are on every table's list), the agreement score beside what
random weights give, the room's list overall and by stakeholder group, what changed
between rounds, every table side by side, the table list, downloads of the decision log
and the store's problems log.

The views hold no statistics: scores, ranks and shortlists come from the workshop's
:class:`~toolkit.prioritise.ScoringModel` (numpy, microseconds; pandas stays off the
slider path), agreement, groups and rounds from :mod:`toolkit.prioritise.consensus`, and
everything stored goes through :class:`~toolkit.workshop.SubmissionStore`. Text is set as
the value of ``HTML`` widgets (never printed), so the notebooks run headless and under
nbval. Buttons carry no icons (no Font Awesome: the room may be offline) and are styled
through the toolkit's own classes (contrast at least 4.5:1).

The two views and their parts, each in its own module: the participant's app
(``_participant``) and its page's words and layout (``_participant_page``), the
facilitator's app (``_facilitator``) and the room drawn as HTML (``_room_html``), and
what both share (``_view_parts``). Their public names are importable from here.
"""

from __future__ import annotations

from toolkit.workshop._facilitator import FacilitatorApp
from toolkit.workshop._participant import (
    CHOOSE_TABLE,
    SUBMIT_PAUSE,
    TABLE_NAMES,
    ParticipantApp,
)
from toolkit.workshop._participant_page import slider_settings_in_list, what_would_move_it

__all__ = [
    "CHOOSE_TABLE",
    "SUBMIT_PAUSE",
    "TABLE_NAMES",
    "FacilitatorApp",
    "ParticipantApp",
    "slider_settings_in_list",
    "what_would_move_it",
]
