"""Parts of the quarterly update kept out of :mod:`toolkit.report.update` for its length.

What moved, the charts' introduction and the provenance box, each rendered from what
:func:`toolkit.report.update.prepare_update` computed, and the fingerprints of the update's
data files (taken once, when the update is prepared). Import them from
:mod:`toolkit.report.update`.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from toolkit.report._config_weights import weights_words
from toolkit.report.config import DEMO
from toolkit.report.tables import BoardTable, BoardText, TableColumn, board_table, sentence

if TYPE_CHECKING:
    from toolkit.report.update import QuarterlyUpdate
    from toolkit.report.update_config import UpdateConfig

#: Class of a paragraph that says how to read all the charts after it, not one chart: on
#: paper it stays with its heading instead of going to the next page with the first chart
#: (see the print style sheet of :mod:`toolkit.report.build`).
READING_GUIDE = "reading-guide"

#: What the charts show, said under "1. Each priority, period by period" when any is drawn.
CHARTS_EXPLAINED = (
    "Each chart shows one measure of an agreed priority for the whole system, month by month "
    "(or quarter by quarter, as its series runs). The solid line is the average; the dashed "
    "lines are the process limits, within which the periods vary by chance alone. A point is "
    'coloured only when a change is unlikely to be chance alone (a "special cause"): blue '
    "when things are getting better, orange when they are getting worse, purple when no "
    "direction is better. The circles at the top right say the same at a glance for the "
    "latest points, and whether the ambition the board set (the dash-dot line) will be met."
)


def _names(items: list[str]) -> str:
    """Join names as a sentence does: "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def input_fingerprints(
    config: UpdateConfig, tables: dict[str, pd.DataFrame]
) -> tuple[tuple[str, str], ...]:
    """Return the provenance rows naming the update's data and their SHA-256.

    Parameters
    ----------
    config : UpdateConfig
        The configuration: ``series``, ``previous_persons`` and ``persons`` (files or
        ``"demo"``).
    tables : dict of str to pandas.DataFrame
        The persons tables read, by key (``"previous_persons"``, ``"persons"``): a demo
        draw is fingerprinted by its contents, a file by its bytes.

    Returns
    -------
    tuple of (str, str)
        Name and value of each row, as the board report gives them.
    """
    from toolkit.report.inputs import file_fingerprint, table_fingerprint

    rows: list[tuple[str, str]] = []
    for key, role, use in (
        ("previous_persons", "earlier", "the priorities were agreed on them"),
        ("persons", "newer", "rerun to see what would move"),
    ):
        value = getattr(config, key)
        if value is None:
            continue
        if value == DEMO:
            name = "the synthetic demo system"
            digest = table_fingerprint(tables[key]) if key in tables else ""
        else:
            name = Path(value).name
            digest = file_fingerprint(value)
        rows.append((f"{role.capitalize()} persons data", f"{name} ({key}: {use})"))
        if digest:
            rows.append((f"SHA-256 of the {role} persons data", digest))
    if config.series != DEMO:
        rows.append((f"SHA-256 of {Path(config.series).name}", file_fingerprint(config.series)))
    return tuple(rows)


def charts_introduction(update: QuarterlyUpdate) -> BoardText:
    """Return what the charts show, or, when none is charted, why in one plain sentence."""
    rows = update.followup.priorities
    if rows["shown"].astype(bool).any():
        return sentence(CHARTS_EXPLAINED, css=READING_GUIDE)
    notes = rows["note"].fillna("").astype(str)
    threshold = update.config.disclosure_threshold
    if len(notes) and notes.str.contains(f"count fewer than {threshold} events").all():
        return sentence(
            f"No chart is shown: every priority has periods with fewer than {threshold} "
            "events, too few to publish period by period (the table above says how many for "
            "each; follow them quarterly or for a larger area instead)."
        )
    return sentence(
        "No chart is shown: no priority could be charted period by period (the table above "
        "says why for each)."
    )


def ranked_words(config: UpdateConfig) -> str:
    """Say how the evidence was ranked without a workshop, for the update's words.

    Parameters
    ----------
    config : UpdateConfig
        The configuration: its ``weights`` and ``weights_source``.

    Returns
    -------
    str
        "ranked with the weights agreed by ICB executive, 3 November 2026" with ``weights``
        (:func:`toolkit.report._config_weights.weights_words`), else "at equal weights".
    """
    return weights_words(config) or "at equal weights"


def _weights(config: UpdateConfig) -> str:
    """Say with which weights the newer data were ranked, as what moved says it."""
    if config.decision_log is not None:
        return "with the room's weights"
    if config.priorities is not None:  # the board's list: only the newer data are ranked
        return ranked_words(config)
    if config.weights is None:
        return "with the same (equal) weights"
    return f"{ranked_words(config)}, as the agreed shortlist was"


def what_moved_section(update: QuarterlyUpdate) -> BoardText:
    """Return what would enter or leave the shortlist on the newer data, in words.

    A priority of the agreed shortlist that the newer data could not measure (too few
    events, say) is said to be unmeasured, not to leave; and a newer shortlist shorter than
    the agreed one says so.
    """
    from toolkit.monitor import CHANGE_WORDS

    if update.moved is None:
        return sentence(
            update.moved_note
            or "No newer persons data were given, so the evidence was not rerun this quarter "
            "(set persons in the configuration to see what would move)."
        )
    note = f" {update.moved_note}" if update.moved_note else ""
    moved = update.moved
    entered = moved[moved["change"] == "entered"]["label"].tolist()
    left = moved[moved["change"] == "left"]["label"].tolist()
    unmeasured = moved[moved["change"] == "unmeasured"]
    agreed = int(moved["shortlisted_before"].sum())
    newer = int(moved["shortlisted_after"].sum())
    if not entered and not left and unmeasured.empty and newer >= agreed:
        ranked = weights_words(update.config)  # None at equal weights, as the demo's
        return sentence(
            "Rerun on the newer data,"
            + (f" {ranked}," if ranked else "")
            + " the evidence suggests the same shortlist: no priority would join or leave it."
            + note
        )
    parts = [f"{label} {CHANGE_WORDS['entered']}" for label in entered]
    parts += [f"{label} {CHANGE_WORDS['left']}" for label in left]
    weights = _weights(update.config)
    text = (
        f"Rerun on the newer data, {weights}: " + "; ".join(parts) + "."
        if parts
        else f"Rerun on the newer data, {weights}, no priority it could measure would join or "
        "leave the shortlist."
    )
    if not unmeasured.empty:
        names = unmeasured["label"].astype(str).tolist()
        reasons = {str(reason) for reason in unmeasured["reason_after"] if str(reason)}
        why = f" ({reasons.pop()})" if len(reasons) == 1 else ""
        one = len(names) == 1
        text += (
            f" {_names(names)} {CHANGE_WORDS['unmeasured']}{why}, so the rerun cannot say "
            f"whether {'it' if one else 'they'} would stay; this is no reason to take "
            f"{'it' if one else 'them'} off the shortlist."
        )
    if newer < agreed:
        measured = int(moved["rank_after"].notna().sum())
        text += (
            f" The newer shortlist has {newer} priorit{'y' if newer == 1 else 'ies'}, fewer "
            f"than the {agreed} agreed"
            + (
                f": only {measured} theme{' was' if measured == 1 else 's were'} measured on "
                "the newer data."
                if measured < agreed
                else "."
            )
        )
    return sentence(
        text + " This is evidence for the board to weigh, not a decision: a shortlist changes "
        "only when the board agrees it." + note
    )


def moved_table(update: QuarterlyUpdate) -> BoardTable | None:
    """Return the ranks before and after for the agreed priorities and any newcomers."""
    if update.moved is None:
        return None
    moved = update.moved[update.moved["change"] != "outside"].copy()
    moved["change_words"] = moved["change"].map(
        {
            "entered": "Would join",
            "left": "Would leave",
            "unmeasured": "Not measured on the newer data",
            "stayed": "Stays",
        }
    )
    listed = update.config.priorities is not None or update.config.decision_log is not None
    notes = []
    if (moved["change"] == "unmeasured").any():
        notes.append(
            "[x]: figure not available (a priority not measured on the newer data has no rank "
            "there; one that would join the shortlist has no place in the agreed list)."
        )
    return board_table(
        moved,
        columns=[
            TableColumn("label", "Priority"),
            TableColumn(
                "rank_before", "Position in the agreed list" if listed else "Rank agreed", "rank"
            ),
            TableColumn("rank_after", "Rank on newer data", "rank"),
            TableColumn("change_words", "Shortlist"),
        ],
        caption="What would move if the evidence were rerun on the newer data",
        threshold=update.config.disclosure_threshold,
        notes=notes,
    )


def update_provenance(update: QuarterlyUpdate) -> BoardText:
    """Return the provenance box: what the update was built from and how."""
    from toolkit import __version__

    config = update.config
    kinds = {
        str(kind) for kind in update.followup.priorities.get("frequency", pd.Series()).dropna()
    }
    unit = {"month": "months", "quarter": "quarters", "year": "years", "financial_year": "years"}
    units = {unit.get(kind, "periods") for kind in kinds}
    periods = units.pop() if len(units) == 1 else "periods"
    period = periods[:-1]
    agreed = weights_words(config)
    settings = [
        ("Priorities", update.agreed_from),
        *(
            [
                (
                    "Weights",
                    (
                        "the newer data are"
                        if config.priorities is not None  # the list is the board's
                        else "the shortlist of the earlier data and the newer data are"
                    )
                    + f" {agreed} (given in the configuration), not at equal weights.",
                )
            ]
            if agreed is not None
            else []
        ),
        ("Series", update.series_note),
        *update.inputs,
        (
            "Method",
            "XmR charts (NHS England, Making Data Count): limits at the mean ± 2.66 mean moving "
            "ranges"
            + (f", fixed on the first {config.fix_after} {periods}" if config.fix_after else "")
            + ("; large moving ranges screened" if config.screen_outliers else "")
            + "; rules in order: a point beyond a limit, a run of 7 rising or falling, 2 of 3 "
            "near a limit, 7 on one side of the mean.",
        ),
        (
            "Disclosure",
            f"Series with any {period} of 1 to {config.disclosure_threshold - 1} events "
            "are not charted.",
        ),  # fmt: skip
        ("Toolkit", f"pophealth-toolkit {__version__}"),
        (
            "Built",
            "not recorded for the demo (so that rebuilding it changes nothing)"
            if config.is_demo
            else time.strftime("%d %B %Y"),
        ),
    ]
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in settings
    )
    text = "\n".join(f"{name}: {value}" for name, value in settings)
    return BoardText(
        text=f"How this update was made\n{text}",
        html=f'<aside class="provenance"><h3>How this update was made</h3><table>{rows}'
        "</table></aside>",
    )
