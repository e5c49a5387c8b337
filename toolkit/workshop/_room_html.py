"""The facilitator's view of the room, drawn as HTML from the room's consensus.

Each function draws one part of :class:`~toolkit.workshop.FacilitatorApp` from a
:class:`~toolkit.prioritise.consensus.RoomConsensus` (or a round's change): the headline
and agreement score, the room's list, each group's own list, what changed between rounds,
the tables' rankings side by side, their disagreements, their weights and the dot vote;
and each table's own link to hand out. Tables are shown by a short code with a key ("T7"
for "Table 7", given once by the store and the same in every round), and by letter when
their names are hidden; columns are in the order of their codes. Nothing here computes a
statistic.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import numpy as np

from toolkit._words import capitalised
from toolkit.prioritise.consensus import AGGREGATION_LABELS, AGGREGATIONS
from toolkit.workshop import _html
from toolkit.workshop._room_rounds import table_codes
from toolkit.workshop._store_listing import letters
from toolkit.workshop._store_values import natural_key
from toolkit.workshop.config import table_link
from toolkit.workshop.store import StoreError, SubmissionStore


def links_html(
    participant_url: str | None, store: SubmissionStore, name: str, active: list[str]
) -> str:
    """Each active table's own link, to hand out (empty when not served)."""
    if participant_url is None or not active:
        return ""
    items = []
    for table in active:
        try:
            link = table_link(participant_url, store.table_code(name, table))
        except (StoreError, ValueError):
            continue
        items.append(
            f'<li data-table="{escape(table)}"><b>{escape(table)}</b>: '
            f'<a href="{escape(link)}" target="_blank" rel="noopener">{escape(link)}</a></li>'
        )
    return (
        '<div class="pophealth-table-links">'
        + _html.heading("Each table's own link", level=3)
        + _html.paragraph(
            "Give each table its own link (on a card, or as a QR code). It brings the "
            "table's sliders back after a reload and shows its earlier rounds. The "
            "participants' link alone lets a table choose its name, but shows no table's "
            "saved weights."
        )
        + f'<ul style="{_html.FONT};font-size:13px;word-break:break-all">'
        + "".join(items)
        + "</ul></div>"
    )


def agreement_html(room) -> str:
    """Return the headline (priorities on every list) and the agreement score in words."""
    overlap = room.overlap
    on_every = len(overlap.on_every_list) if overlap is not None else 0
    sentence = overlap.sentence if overlap is not None else ""
    headline = (
        f'<div class="pophealth-headline ph-headline" data-on-every-list="{on_every}" '
        f'data-tables="{len(room.tables)}">{escape(sentence)}</div>'
    )
    kendall = room.agreement
    if kendall is None:
        secondary = (
            '<div class="pophealth-kendall ph-secondary" data-w="">The agreement score '
            "needs at least two tables.</div>"
        )
        return headline + secondary
    baseline = room.baseline
    attributes = f'data-w="{kendall.w:.6f}" data-p="{kendall.p_value:.6g}"'
    scale = (
        "It runs from 0 (the tables' rankings are unrelated) to 1 (every table ranks the "
        "priorities the same)"
    )
    if baseline is not None:
        attributes += (
            f' data-baseline-median="{baseline.median_w:.6f}" '
            f'data-baseline-upper="{baseline.upper_w:.6f}" '
            f'data-beyond="{str(bool(baseline.beyond)).lower()}"'
        )
        # The baseline's sentence names the score (Kendall's W) and gives it: once.
        text = (
            f"{escape(baseline.sentence)} {scale}; criteria that go together make even "
            "random weights agree, hence the comparison."
        )
    elif np.isfinite(kendall.w):
        text = f"<b>Agreement score (Kendall's W): {kendall.w:.2f}</b>. {scale}."
    else:
        text = "<b>The agreement score (Kendall's W) cannot be worked out.</b>"
    return headline + f'<div class="pophealth-kendall ph-secondary" {attributes}>{text}</div>'


def size_note(room, table_size: int | None) -> str:
    """Say that the room's list length differs from the tables' own ("" when it does not)."""
    if table_size is None or int(table_size) == int(room.size):
        return ""
    return (
        f"The room's list is set to {int(room.size)}; each table chose {int(table_size)} on "
        f"its own screen: here each table's top {int(room.size)} are compared."
    )


def shortlist_html(room, table_size: int | None = None) -> str:
    """Return the room's list, each priority with why it is there.

    ``table_size`` is the length of each table's own list on its screen: when the room's
    list is set to another length, a note says so.
    """
    frame = room.shortlist
    places = frame["position"].tolist() if "position" in frame.columns else range(1, len(frame) + 1)
    rows = [
        [str(int(place)), escape(str(label)), escape(str(reason))]
        for place, label, reason in zip(places, frame["label"], frame["reason"], strict=True)
    ]
    words = AGGREGATION_LABELS[room.aggregation]
    note = size_note(room, table_size)
    return _html.paragraph(
        f"From the {words} of the tables' weights. Each line says why the priority is there."
        + (f" {note}" if note else "")
    ) + _html.simple_table(
        ["Place", "Priority", "Why it is here"],
        rows,
        row_attributes=[f'data-candidate="{escape(str(c))}"' for c in frame["candidate"]],
        table_class="pophealth-room-shortlist-table",
    )


def groups_html(room, *, hidden: bool = False) -> str:
    """Return each stakeholder group's own list and what its tables changed in the room's.

    Parameters
    ----------
    room : RoomConsensus
        The room's result (:func:`toolkit.prioritise.room_consensus`).
    hidden : bool, default False
        Whether the table names are hidden. Then no group's count of tables is shown, and
        only the groups' lists and effects that
        :meth:`~toolkit.prioritise.consensus.RoomConsensus.shown_groups` allows: none that
        could tie a letter to a group.

    Returns
    -------
    str
        The panel's HTML.
    """
    shown = room.shown_groups(hidden=hidden)
    frame = shown.lists
    rows, attributes = [], []
    for group, count, ids, labels in zip(
        frame["group"], frame["tables"], frame["shortlist"], frame["labels"], strict=True
    ):
        listed = "; ".join(
            f"{place}. {escape(str(label))}" for place, label in enumerate(labels, start=1)
        )
        counted = [] if hidden else [str(int(count))]
        rows.append([escape(str(group)), *counted, listed or "(no list)"])
        attributes.append(
            f'data-group="{escape(str(group))}" data-shortlist="{escape(" ".join(ids))}"'
        )
    table = _html.simple_table(
        ["Group", *([] if hidden else ["Tables"]), "The list its own tables' weights give"],
        rows,
        row_attributes=attributes,
        table_class="pophealth-by-group",
    )
    effects = ""
    if shown.effects:
        items = []
        for effect in shown.effects:
            group = str(effect.group)
            items.append(
                f'<li data-group="{escape(group)}" '
                f'data-came-in="{escape(" ".join(effect.came_in))}" '
                f'data-went-out="{escape(" ".join(effect.went_out))}">'
                f"{escape(effect.sentence)}</li>"
            )
        effects = (
            _html.paragraph("What each group's tables changed in the room's list:")
            + f'<ul class="pophealth-group-effects" style="{_html.FONT};font-size:15px">'
            + "".join(items)
            + "</ul>"
        )
    intro = _html.paragraph(
        "The list each stakeholder group would have chosen on its own (its tables' "
        "weights combined as the room's are)."
    )
    if not hidden:
        return intro + table + effects
    note = _html.paragraph(
        "While table names are hidden, a group is shown only if at least two of its tables "
        "took part and its list is not the same as one table's own: otherwise its list "
        "could tell which letter is which table."
    )
    return (intro + note + table if len(frame) else note) + effects


def change_html(change, names: dict[str, str], still_open: str = "") -> str:
    """Return what changed between two rounds (or what will show after two).

    ``still_open`` says, in words, that the later round is still open and how many tables
    have submitted in it: shown before the comparison, or instead of it when ``change``
    is None.
    """
    note = (
        f'<p class="pophealth-round-still-open" style="{_html.FONT};font-size:15px;'
        f'margin:4px 0">{escape(still_open)}</p>'
        if still_open
        else ""
    )
    if change is None:
        return note or _html.paragraph(
            "After a second round this says which priorities came in or went out, and "
            "whether the tables came closer."
        )
    changed = sorted((names.get(t, t) for t in change.tables_changed), key=natural_key)
    tables = (
        f" Tables whose own list changed: {escape(', '.join(changed))}."
        if changed
        else " No table's own list changed."
    )
    return note + (
        '<div class="pophealth-round-change" '
        f'data-came-in="{escape(" ".join(change.came_in))}" '
        f'data-went-out="{escape(" ".join(change.went_out))}" '
        f'data-rounds="{change.rounds[0]} {change.rounds[1]}" '
        f'data-on-every-list-before="{change.on_every_list_before}" '
        f'data-on-every-list-after="{change.on_every_list_after}">'
        + f'<p style="{_html.FONT};font-size:17px;margin:4px 0">{escape(change.sentence)}'
        + f"{tables}</p></div>"
    )


def column_codes(tables: list[str], codes: Mapping[str, str] | None) -> list[str]:
    """Return each table's column code: from ``codes`` (by name, or in lower case).

    Without ``codes``, :func:`~toolkit.workshop._room_rounds.table_codes` of the tables
    shown (a table named "Table 7" is T7 in every round).
    """
    found = dict(codes) if codes is not None else table_codes(tables)
    return [found.get(table, found.get(table.casefold(), table)) for table in tables]


def code_sorted(short: list[str]) -> list[int]:
    """Return the columns' order: by code ("T2" before "T10", "B" before "AA")."""
    return sorted(range(len(short)), key=lambda j: (len(short[j]), natural_key(short[j])))


def rankings_html(
    room,
    tables: list[str],
    names: dict[str, str],
    groups: dict[str, str],
    *,
    dots: bool,
    codes: Mapping[str, str] | None = None,
    table_size: int | None = None,
) -> str:
    """Return every table's ranking side by side, in the room's order (with dots if used).

    Each table's column is headed by its code (``codes``: the same in every round), the
    columns in the order of their codes (so that, names hidden, their order gives no
    table away). The key names each table as ``names`` shows it (``data-table`` too), with
    its stakeholder group from ``groups`` when given: with the names hidden the caller
    gives none, as a group beside a letter could tell which table it is. ``table_size``
    as for :func:`shortlist_html`.
    """
    frame = room.rankings
    short = column_codes(tables, codes)
    order = code_sorted(short)
    ranks = room.table_ranks.to_numpy()[:, order]
    chosen = room.table_shortlists.to_numpy()[:, order]
    tables = [tables[j] for j in order]
    short = [short[j] for j in order]
    everyone = len(tables)
    full = [
        f"{names[table]} ({groups[table]})" if groups.get(table) else names[table]
        for table in tables
    ]
    rows, shades, attributes = [], [], []
    for i in range(len(frame)):
        shortlisted_by = int(frame["shortlisted_by"].iloc[i])
        in_room = int(frame["room_position"].iloc[i]) > 0
        every = " (all)" if shortlisted_by == everyone and everyone > 1 else ""
        cells = [
            f"<b>{int(frame['room_rank'].iloc[i])}</b>"
            if in_room
            else str(int(frame["room_rank"].iloc[i])),
            escape(str(frame["label"].iloc[i])),
            *[str(int(value)) for value in ranks[i]],
            f"{int(frame['best_rank'].iloc[i])}-{int(frame['worst_rank'].iloc[i])}",
            f"{shortlisted_by}{every}",
        ]
        shade: list[str | None] = [None, "min-width:180px"]
        shade += [
            f"background:{_html.NHS_DARK_BLUE};color:{_html.NHS_WHITE};font-weight:bold;"
            "text-align:center"
            if member
            else "text-align:center"
            for member in chosen[i]
        ]
        shade += ["white-space:nowrap", "white-space:nowrap"]
        if dots:
            cells.append(str(int(frame["dots"].iloc[i])))
            shade.append("text-align:center")
        if in_room:
            shade[1] = f"min-width:180px;font-weight:bold;background:{_html.SHORTLIST_FILL}"
        rows.append(cells)
        shades.append(shade)
        attributes.append(
            f'data-candidate="{escape(str(frame["candidate"].iloc[i]))}" '
            f'data-ranks="{" ".join(str(int(v)) for v in ranks[i])}"'
        )
    header = ["Room", "Priority", *short, "Ranks", "On lists"]
    titles: list[str | None] = [
        "The room's rank",
        None,
        *full,
        "Best to worst rank any table gave",
        "How many tables' lists hold it",
    ]
    if dots:
        header.append("Dots")
        titles.append("Dots the tables put on it")
    key = "".join(
        f'<span data-table="{escape(names[table])}"><b>{escape(code)}</b>: {escape(text)}</span>'
        for code, table, text in zip(short, tables, full, strict=True)
    )
    note = size_note(room, table_size)
    return (
        _html.paragraph(
            f"Each column is a table's ranking. Dark cells are on that table's list of "
            f"{room.size}; bold rows are on the room's. Rows are in the room's order."
            + (f" {note}" if note else "")
        )
        + f'<div class="ph-key" style="{_html.FONT}">{key}</div>'
        + _html.simple_table(
            header,
            rows,
            shade=shades,
            row_attributes=attributes,
            table_class="pophealth-side-by-side-table",
            header_titles=titles,
        )
    )


def disagreements_html(room, tables: int) -> str:
    """Return the priorities the tables rank most differently."""
    if tables < 2:
        return _html.paragraph("With one table there is nothing to disagree about yet.")
    frame = room.disagreements(top=5)
    rows = [
        [escape(str(label)), f"{int(best)} to {int(worst)}", f"{int(by)} of {tables}"]
        for label, best, worst, by in zip(
            frame["label"],
            frame["best_rank"],
            frame["worst_rank"],
            frame["shortlisted_by"],
            strict=True,
        )
    ]
    return _html.paragraph(
        "Priorities at least one table put on its list, widest spread of ranks first: "
        "worth talking about before the room decides."
    ) + _html.simple_table(["Priority", "Ranked from", "On tables' lists"], rows)


def weights_html(
    room, tables: list[str], names: dict[str, str], codes: Mapping[str, str] | None = None
) -> str:
    """Return each table's weights as shares, beside three ways of combining them."""
    frame = room.weights
    short = column_codes(tables, codes)
    order = code_sorted(short)
    shares = room.table_weights.to_numpy()[:, order]
    tables = [tables[j] for j in order]
    short = [short[j] for j in order]
    rows, shades = [], []
    for i in range(len(frame)):
        name = str(frame["criterion"].iloc[i])
        phrase = _html.plain_phrase(name, str(frame["label"].iloc[i]))
        cells = [
            _html.swatch(_html.colour_of(i)) + escape(capitalised(phrase)),
            *[f"{value:.0%}" for value in shares[i]],
            *[f"{frame[agg].iloc[i]:.0%}" for agg in AGGREGATIONS],
        ]
        shade = [None] * (1 + len(tables)) + [
            f"font-weight:bold;background:{_html.SHORTLIST_FILL}"
            if agg == room.aggregation
            else None
            for agg in AGGREGATIONS
        ]
        rows.append(cells)
        shades.append(shade)
    return _html.paragraph(
        "Each table's weights as shares of its total (columns as in the key above), and "
        "three ways of combining them; the highlighted one gives the room's list."
    ) + _html.simple_table(
        ["Criterion", *short, "Average", "Geometric mean", "Median"],
        rows,
        shade=shades,
        table_class="pophealth-weights-table",
        header_titles=[None, *[names[t] for t in tables], None, None, None],
    )


def dots_html(room) -> str:
    """Return the dot vote beside the room's rank from the weights."""
    frame = room.rankings.loc[room.rankings["dots"] > 0].sort_values(
        ["dots", "room_rank"], ascending=[False, True], kind="stable"
    )
    if frame.empty:
        return _html.paragraph("No dots spent yet.")
    most = int(frame["dots"].max())
    rows = [
        [
            escape(str(label)),
            f'<span aria-hidden="true" style="display:inline-block;height:14px;'
            f"width:{dots / most * 200:.0f}px;background:{_html.NHS_BLUE};"
            f'vertical-align:middle"></span> {int(dots)}',
            str(int(rank)),
        ]
        for label, dots, rank in zip(frame["label"], frame["dots"], frame["room_rank"], strict=True)
    ]
    return _html.paragraph(
        "A second signal: where the tables put their dots, beside the room's rank from the weights."
    ) + _html.simple_table(["Priority", "Dots", "Room's rank"], rows)


__all__ = [
    "agreement_html",
    "change_html",
    "code_sorted",
    "column_codes",
    "disagreements_html",
    "dots_html",
    "groups_html",
    "letters",
    "links_html",
    "rankings_html",
    "shortlist_html",
    "size_note",
    "weights_html",
]
