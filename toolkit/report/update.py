"""The quarterly update: the agreed priorities followed period by period, for the board.

``pophealth monitor --config CONFIG --out DIR`` runs ``reports/quarterly_update.ipynb``
with papermill, as the board report is run (:mod:`toolkit.report.build`): HTML with no code,
a PDF, the disclosure scan, and a notebook that nbval re-executes. A small TOML file
configures it::

    system_name = "Kestermoor and Wyvendale Integrated Care System"
    period = "January to March 2026"
    series = "series.csv"                  # indicator series (CSV, Parquet, Excel) or "demo"
    priorities = ["high_blood_pressure", "falls_and_frailty"]   # theme or series ids
    # outcomes = { high_blood_pressure = "emergency_admissions_cardiovascular" }
    # ambitions = { high_blood_pressure = 0.45 }   # the level the board wants
    # previous_persons = "persons-2025.parquet"   # the data the priorities were agreed on
    # persons = "persons-2026.parquet"            # newer data: what would move
    # reference_date = "2026-03-31"               # count age from date_of_birth at this date
    # fix_after = 24                                # baseline: the first 24 months
    # rebase = ["2025-04"]                          # new limits from these months

:func:`prepare_update` computes everything the update shows (:class:`QuarterlyUpdate`);
the notebook renders it with the functions below, which compute nothing of their own.
"""

from __future__ import annotations

import dataclasses
import os
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from toolkit._words import capitalised
from toolkit.defaults import DEMO_PERSONS, DEMO_SEED
from toolkit.errors import DataContractError
from toolkit.report._update_checks import (
    check_update_keys,
    outcomes_followed,
    template_misses_themes,
)
from toolkit.report._update_parts import (
    charts_introduction,
    input_fingerprints,
    moved_table,
    ranked_words,
    update_provenance,
    what_moved_section,
)
from toolkit.report.build import OutputNames, ReportResult, build_in_folder
from toolkit.report.config import DEMO
from toolkit.report.tables import BoardTable, BoardText, TableColumn, board_table, heading, sentence
from toolkit.report.update_config import (
    UpdateConfig,
    demo_update_config,
    load_update_config,
    update_config_keys,
    update_config_template,
)
from toolkit.style import PRINT_WIDTH

#: Width of the A4 PDF's column, in inches: the charts are drawn at it, so that their text
#: prints at the size it is set in (no smaller than 9 pt), not shrunk.
PRINTED_WIDTH: Final[float] = PRINT_WIDTH - 0.2  # the saved figure's 0.1 in margins

#: Height of a priority's chart, in inches: low enough that three charts share an A4 page
#: (265 mm of it between the margins, about 3.4 in a chart with its margins), so that pages
#: are not left half empty (issue 14).
PRINTED_HEIGHT: Final[float] = 3.3

#: The quarterly update's outputs.
QUARTERLY_UPDATE: Final[OutputNames] = OutputNames("quarterly-update", "quarterly update")


@dataclass(frozen=True)
class QuarterlyUpdate:
    """Everything the quarterly update shows, from :func:`prepare_update`.

    Attributes
    ----------
    config : UpdateConfig
        The configuration.
    followup : toolkit.monitor.FollowUp
        The agreed priorities' series, charted.
    agreed : list of str
        The agreed priorities' ids, best first.
    agreed_from : str
        Where they came from, in words.
    moved : pandas.DataFrame or None
        :func:`toolkit.monitor.what_moved` of the agreed shortlist and the evidence rerun
        on the newer data; None without newer data, or when the filled criteria template
        does not fit them (``moved_note`` says so).
    series_note : str
        Where the series came from, in words (and the planted change for the demo).
    moved_note : str
        What to know about the newer data (for the demo: that they are a second draw).
    inputs : tuple of (str, str)
        The provenance rows naming the persons data and series files, with their SHA-256.
    """

    config: UpdateConfig
    followup: Any
    agreed: list[str]
    agreed_from: str
    moved: pd.DataFrame | None
    series_note: str
    moved_note: str = ""
    inputs: tuple[tuple[str, str], ...] = ()


def _persons(value: str, config: UpdateConfig, seed: int) -> pd.DataFrame:
    if value == DEMO:
        from toolkit.data import make_demo_system

        return make_demo_system(persons=config.demo_persons, seed=seed).persons
    from toolkit.data import read_persons

    return read_persons(value, reference_date=config.reference_date)


def _check_persons(value: str, config: UpdateConfig) -> None:
    """Check a persons file against the contract as `pophealth validate` does, before papermill.

    In DuckDB, without loading the file (:func:`toolkit.segment.check_persons_file`), ages
    counted from ``date_of_birth`` at ``reference_date`` in the same bounded scan: the
    notebook then reads the file once. Raises the readers' DataContractError, word for word.
    """
    from toolkit.segment import check_persons_file

    check_persons_file(value, reference_date=config.reference_date)


def _prioritisation(
    persons: pd.DataFrame, config: UpdateConfig, size: int, weights: dict | None = None
):
    from toolkit.prioritise import prioritise_persons

    return prioritise_persons(
        persons,
        size=size,
        weights=weights,
        model=config.model,
        themes=_themes(config),
        seed=config.seed,
        years=config.years,
        analyst_scores=config.criteria_scores,
        threshold=config.disclosure_threshold,
    )


def _themes(config: UpdateConfig):
    """Return the library with the configuration's own theme folders (None: the built-in)."""
    from toolkit.prioritise import THEME_LIBRARY, load_themes

    return None if config.themes is None else load_themes([THEME_LIBRARY, *config.themes])


def prepare_update(config: UpdateConfig) -> QuarterlyUpdate:
    """Compute what the quarterly update shows: the priorities' charts and what moved.

    Parameters
    ----------
    config : UpdateConfig
        The configuration.

    Returns
    -------
    QuarterlyUpdate
        The followed priorities and, with newer persons data, what would move.
    """
    from toolkit.monitor import follow_priorities, read_series, what_moved
    from toolkit.monitor.demo import make_demo_series

    agreed_result = None
    weights = config.weights  # agreed without a workshop (None: equal weights)
    persons_read: dict[str, pd.DataFrame] = {}  # fingerprinted for the provenance
    if config.previous_persons is not None:
        earlier = persons_read["previous_persons"] = _persons(
            config.previous_persons, config, config.seed
        )
        agreed_result = _prioritisation(earlier, config, config.shortlist_size, weights)
    if config.priorities is not None:
        agreed = list(config.priorities)
        agreed_from = "the priorities the board agreed (the configuration)"
    elif config.decision_log is not None:
        from toolkit.report.decision_log import read_decision_log, room_answer, the_workshop

        log = read_decision_log(config.decision_log, workshop=config.workshop)
        room = room_answer(log, agreed_result)
        agreed = [str(item) for item in room.shortlist_ids]
        shares = room.weights.set_index("criterion")[room.aggregation]
        weights = {str(name): float(share) for name, share in shares.fillna(0).items()}
        tables = len(room.tables)
        agreed_from = (
            f"the shortlist {the_workshop(log.workshop)} agreed ({tables} "
            f"table{'s' if tables != 1 else ''}, its last round)"
        )
    else:
        agreed = agreed_result.shortlist["candidate"].astype(str).tolist()
        agreed_from = (
            "the shortlist suggested at equal weights on the earlier data"
            if config.weights is None
            else f"the shortlist suggested on the earlier data, {ranked_words(config)}"
        )
    outcomes = dict(config.outcomes or {})
    prioritised_on: dict[str, str] = {}  # the outcome each was prioritised on, if known
    labels: dict[str, str] = {}
    if agreed_result is not None:
        table = agreed_result.candidates.set_index("candidate")
        for item in agreed:
            if item in table.index:
                prioritised_on.setdefault(item, str(table.at[item, "outcome"]))
                labels[item] = str(table.at[item, "label"])
    if not labels:
        from toolkit.prioritise import load_themes

        library = _themes(config) or load_themes()
        labels = {theme.id: theme.name for theme in library}
    wanted = pd.DataFrame(
        {
            "priority": agreed,
            "label": [labels.get(item) for item in agreed],
            "outcome": [outcomes.get(item) for item in agreed],
            "ambition": [(config.ambitions or {}).get(item) for item in agreed],
            "ambition_by": [(config.ambitions_by or {}).get(item) for item in agreed],
        }
    )
    if config.series == DEMO:
        from toolkit.monitor.demo import DEMO_SERIES

        with_admissions = {
            spec.theme for spec in DEMO_SERIES if spec.outcome.startswith("emergency_admissions")
        }
        planted = next((item for item in agreed if item in with_admissions), None)
        series = make_demo_series(
            seed=config.seed, persons=max(config.demo_persons, 10_000), intervention_theme=planted
        )
        step = series.attrs.get("intervention") or {}
        series_note = (
            "Synthetic monthly series of the demo system, made by the toolkit"
            + (
                f", with an invented intervention for '{labels.get(planted, planted)}' that "
                f"lowers emergency admissions in {step['place']} by "
                f"{float(step['effect']):.0%} from {pd.Timestamp(step['start']):%B %Y}"
                if step
                else ""
            )
            + "."
        )
        if config.ambitions is None:
            from toolkit.monitor.demo import DEMO_AMBITION_REDUCTION, demo_ambitions

            followed = outcomes_followed(series, outcomes, prioritised_on)
            invented = demo_ambitions(
                series, {item: followed[item] for item in agreed if item in followed}
            )
            from toolkit.monitor.demo import DEMO_AMBITION_BY

            wanted["ambition"] = [invented.get(item) for item in agreed]
            wanted["ambition_by"] = [
                DEMO_AMBITION_BY if item in invented else None for item in agreed
            ]
            series_note += (
                f" The ambitions are invented: {DEMO_AMBITION_REDUCTION:.0%} below each "
                "measure's level in the first year, to be met by March 2027, except where a "
                "measure has a national ambition of its own (smoking at the time of delivery: "
                "6%)."
            )
    else:
        series = read_series(config.series)
        series_note = f"Indicator series from {Path(config.series).name}."
    check_update_keys(config, series)
    outcomes = outcomes_followed(series, outcomes, prioritised_on)
    wanted["outcome"] = [outcomes.get(item) for item in agreed]
    followup = follow_priorities(
        series,
        wanted,
        published_values=config.published_values,
        threshold=config.disclosure_threshold,
        fix_after=config.fix_after,
        rebase=config.rebase,
        screen_outliers=config.screen_outliers,
    )
    listed = config.priorities is not None or config.decision_log is not None
    moved = None
    moved_note = ""
    if config.persons is not None:
        if config.persons == DEMO:
            moved_note = (
                "In the demo the newer data are a second synthetic draw of the same system, "
                "so what moves here is chance."
            )
        newer_seed = config.seed + 1 if config.persons == DEMO else config.seed
        newer = persons_read["persons"] = _persons(config.persons, config, newer_seed)
        # A priority given by series id is compared as its theme (the candidates are themes).
        theme_of = (
            dict(zip(series["series"].astype(str), series["theme"], strict=True))
            if "theme" in series.columns
            else {}
        )
        as_themes = list(
            dict.fromkeys(
                str(theme_of[item]) if isinstance(theme_of.get(item), str) else item
                for item in agreed
            )
        )
        try:
            rerun = _prioritisation(newer, config, len(as_themes), weights)
        except DataContractError as error:
            if not (template_misses_themes(error) and agreed_result is not None):
                raise  # a broken template, or one read for the first time: say so
            # The analysts scored the themes of the earlier data: the newer data measure
            # others. The charts still stand; what moved cannot be worked out, and says why.
            moved_note = (
                "What would move on the newer data is not shown: the filled criteria "
                "template scores the themes measured on the earlier data, and the newer data "
                "measure themes it does not score. Fill a template for the newer data "
                "(pophealth candidates) to see it."
            )
            warnings.warn(f"{moved_note} ({error})", UserWarning, stacklevel=2)
        else:
            moved = what_moved(as_themes if listed else agreed_result, rerun)
    return QuarterlyUpdate(
        config=config,
        followup=followup,
        agreed=agreed,
        agreed_from=agreed_from,
        moved=moved,
        series_note=series_note,
        moved_note=moved_note,
        inputs=input_fingerprints(config, persons_read),
    )


# -------------------------------------------------------------------------------------------
# Rendering: each function renders what prepare_update computed (no statistics here)
# -------------------------------------------------------------------------------------------


def _is_percent(row: pd.Series) -> bool:
    unit = str(row["unit"]).lower() if isinstance(row["unit"], str) else ""
    return "percent" in unit or "%" in unit


def _value_label(row: pd.Series) -> str:
    label = str(row["series_label"]) if isinstance(row["series_label"], str) else ""
    unit = str(row["unit"]) if isinstance(row["unit"], str) and row["unit"] else ""
    if _is_percent(row):
        return f"{label} (%)"
    return f"{label}, {unit}" if unit else label


def _periods_word(row: pd.Series, count: int) -> str:
    """Return a count of periods in words ("12 months", "1 quarter") by the frequency."""
    unit = {"quarter": "quarter", "year": "year", "financial_year": "year"}.get(
        str(row.get("frequency", "month")), "month"
    )
    return f"{count} {unit}{'' if count == 1 else 's'}"


def update_title(update: QuarterlyUpdate) -> BoardText:
    """Return the title and the lead paragraph."""
    config = update.config
    count = len(update.agreed)
    which = (
        "the board agreed"
        if config.priorities is not None
        else "the workshop agreed"
        if config.decision_log is not None
        else f"suggested by the evidence (the shortlist {ranked_words(config)})"
    )
    return heading(f"{config.system_name}: following the priorities, {config.period}", level=1) + (
        sentence(
            f"How the {count} priorit{'y' if count == 1 else 'ies'} {which} "
            f"{'is' if count == 1 else 'are'} moving, "
            "period by period, read the NHS England Making Data Count way: a change is "
            "reported only when it is unlikely to be chance alone, not for every rise and fall."
        )
    )


def _trajectory_words(row: pd.Series) -> str:
    """Whether the latest value is ahead of the trajectory to the ambition, in words."""
    from toolkit.monitor.charts import format_value

    now = row.get("trajectory_now")
    if now is None or pd.isna(now) or pd.isna(row.get("ambition_by")):
        return ""
    suffix = "%" if _is_percent(row) else ""
    last, direction = float(row["last_value"]), str(row["improvement"])
    by = f"{pd.Timestamp(row['ambition_by']):%B %Y}"
    if direction == "neutral" or format_value(last) == format_value(now):
        where = "on it"  # the same as the board reads the two figures
    elif (last < now) == (direction == "decrease"):
        where = "ahead of it"
    else:
        where = "behind it"
    return (
        f" The trajectory to the ambition of {format_value(row['ambition'])}{suffix} by {by} "
        f"expects {format_value(now)}{suffix} now: {where}."
    )


def priority_sentences(update: QuarterlyUpdate) -> list[tuple[str, str]]:
    """Return, for each priority, its label and one plain-English line on its chart.

    Returns
    -------
    list of (str, str)
        The priority's label and what its chart says (or why it is not charted), with the
        places whose latest month shows special cause.
    """
    from toolkit.monitor import describe_spc, period_label

    followup = update.followup
    lines = []
    for row in followup.priorities.itertuples(index=False):
        row = pd.Series(row._asdict())
        if not row["shown"]:
            note = str(row["note"])
            lines.append((str(row["label"]), f"{capitalised(note)}."))
            continue
        points, summary = followup.chart_data(row["priority"], row["series"])
        label = str(summary["series_label"])
        text = describe_spc(
            points,
            summary,
            value_label=label if _is_percent(summary) else _value_label(summary),
            value_suffix="%" if _is_percent(summary) else "",
            target_word="ambition",
        )
        text += _trajectory_words(summary)
        earlier = points["point_type"].astype(str).str.startswith("special_cause")
        if str(summary.get("variation")).startswith("common") and earlier.any():
            text += (
                " The coloured points earlier on its chart are past changes: this line is "
                "about the latest points."
            )
        places = followup.special_cause_places(row["priority"])
        if len(places):
            words = {
                "improvement": "special cause improvement",
                "concern": "special cause concern",
                "neutral": "special cause",
            }
            parts = []
            for place in places.itertuples(index=False):
                kind = words[str(place.variation).split("_")[0]]
                parts.append(
                    f"{place.place}: {kind} since "
                    f"{period_label(place.run_start, str(row.get('frequency') or 'month'))}"
                    f" ({_periods_word(row, int(place.run_length))})"
                )
            text += " By place, " + "; ".join(parts) + "."
        lines.append((str(row["label"]), text))
    return lines


def _headline(update: QuarterlyUpdate) -> str:
    """One sentence tallying what the charts show (the board's first line)."""
    rows = update.followup.priorities
    charted = rows[rows["shown"]]
    kinds = charted["variation"].fillna("").str.split("_").str[0]
    priorities = int(rows["priority"].nunique())
    parts = []
    for kind, words in (
        ("improvement", "improving"),
        ("concern", "getting worse"),
        ("neutral", "changed, neither better nor worse"),
    ):
        number = int((kinds == kind).sum())
        if number:
            parts.append(f"{number} {words}")
    steady = int((kinds == "common").sum())
    if steady:
        parts.append(f"{steady} with no sign of change")
    fail = int((charted["assurance"] == "consistently_fail").sum())
    places = update.followup.places
    moving = places[places["shown"] & places["variation"].notna()]
    moving = moving[moving["variation"] != "common_cause"]
    verb = "is" if len(charted) == 1 else "are"
    if len(rows) == priorities:
        noun = "priority" if priorities == 1 else "priorities"
        text = f"Of {priorities} {noun}, {len(charted)} {verb} charted"
    else:  # a priority followed by several measures: say so, and count the measures
        text = (
            f"The {priorities} priorit{'y is' if priorities == 1 else 'ies are'} followed by "
            f"{len(rows)} measures, {len(charted)} of which {verb} charted"
        )
    text += (": " + ", ".join(parts) + ".") if parts else "."
    if fail:
        text += (
            f" {fail} will not meet {'its' if fail == 1 else 'their'} ambition without a change "
            "in how things are done."
        )
    if len(moving):
        number = moving["priority"].nunique()
        text += (
            f" {number} show{'s' if number == 1 else ''} a change in at least one place that "
            "the whole system does not show (see below)."
        )
    if len(charted) < len(rows):
        text += f" {len(rows) - len(charted)} cannot be charted each period (see the notes)."
    if len(places):
        labels = dict(zip(rows["priority"], rows["label"], strict=True))
        hidden_parts = []
        for priority, part in places.groupby("priority", sort=False):
            hidden = sorted(str(place) for place in part.loc[~part["shown"].astype(bool), "place"])
            if not hidden:
                continue
            where = (
                f"all {len(hidden)} places"
                if len(hidden) == len(part) and len(hidden) > 1
                else ", ".join(hidden)
            )
            hidden_parts.append(f"{labels.get(priority, priority)} ({where})")
        if hidden_parts:
            text += (
                " Not charted place by place, because of small or missing counts: "
                + "; ".join(hidden_parts)
                + "."
            )
    return text


def at_a_glance(update: QuarterlyUpdate) -> BoardText:
    """Return page 1's box: a headline, then one line per priority on what its chart shows."""
    import html as html_text

    items = [sentence(f"{label} — {text}", tag="li") for label, text in priority_sentences(update)]
    headline = _headline(update)
    body = "".join(item.html for item in items)
    text = "\n".join(f"- {item.text}" for item in items)
    return BoardText(
        text=f"What the charts say\n{headline}\n{text}",
        html=f'<section class="decision"><h2>What the charts say</h2>'
        f"<p><strong>{html_text.escape(headline)}</strong></p><ul>{body}</ul></section>",
    )


def priorities_table(update: QuarterlyUpdate) -> BoardTable:
    """Return the table of priorities: latest value, variation and assurance in words."""
    from toolkit.monitor import period_label
    from toolkit.monitor.charts import format_value, icon_labels

    rows = []
    for row in update.followup.priorities.to_dict("records"):
        words = icon_labels(row, target_word="ambition") if row["shown"] else {}
        rows.append(
            {
                "priority": row["label"],
                "measure": (
                    _value_label(pd.Series(row)) if isinstance(row["series_label"], str) else ""
                ),
                "latest": (
                    period_label(row["last_period"], str(row.get("frequency") or "month"))
                    if row["shown"]
                    else "[x]"
                ),
                "value": format_value(row["last_value"]) if row["shown"] else "[x]",
                "variation": (words.get("variation_caption") or "") if row["shown"] else "",
                "assurance": (
                    (words.get("assurance_caption") or "")
                    if row["shown"] and not pd.isna(row["ambition"])
                    else ("No ambition set" if row["shown"] else "")
                ),
                "note": row["note"] or "",
            }
        )
    frame = pd.DataFrame(rows)
    columns = [
        TableColumn("priority", "Priority"),
        TableColumn("measure", "Measured by"),
        TableColumn("latest", "Latest"),
        TableColumn("value", "Latest value"),
        TableColumn("variation", "What the chart shows"),
        TableColumn("assurance", "Will it meet the ambition?"),
    ]
    notes = ["Variation and assurance as NHS England's Making Data Count defines them."]
    if frame["note"].str.len().gt(0).any():
        columns.append(TableColumn("note", "Note"))
    if (frame["latest"] == "[x]").any():
        notes.append("[x]: not charted (see the note).")
    table = board_table(
        frame,
        columns=columns,
        caption=f"The priorities, {update.config.period}",
        threshold=update.config.disclosure_threshold,
        notes=notes,
    )
    # The values are formatted as the charts and sentences give them (format_value), and
    # marked as the rates they are.
    kinds = tuple("rate" if column.source == "value" else column.kind for column in columns)
    return dataclasses.replace(table, kinds=kinds)


def _place(summary: Mapping[str, Any]) -> str:
    """Return the chart's place, "Whole system" when the series leaves it blank."""
    from toolkit.monitor.series import WHOLE_SYSTEM

    place = summary.get("place")
    return place.strip() if isinstance(place, str) and place.strip() else WHOLE_SYSTEM


def priority_chart(update: QuarterlyUpdate, priority: str):
    """Return the Making Data Count chart of one priority (None when it is not charted)."""
    from toolkit.monitor import spc_chart

    try:
        points, summary = update.followup.chart_data(priority)
    except KeyError:
        return None
    import textwrap

    unit = "%" if _is_percent(summary) else (str(summary["unit"]) or "value")
    return spc_chart(
        points,
        summary=summary,
        title="\n".join(textwrap.wrap(str(summary["label"]), 70)),
        subtitle=f"{summary['series_label']} ({_place(summary)})",  # wrapped to the width
        # Wrapped, so that it is no taller than the printed chart's axes.
        value_label="\n".join(textwrap.wrap(unit, 16)) or unit,
        target_label="Ambition",
        width=PRINTED_WIDTH,
        height=PRINTED_HEIGHT,
    )


def chart_alt_text(update: QuarterlyUpdate, priority: str) -> str:
    """Return what a priority's chart shows, in words, for people who cannot see it."""
    ids = update.followup.priorities["priority"]
    for item, (label, text) in zip(ids, priority_sentences(update), strict=True):
        if item == priority:
            return f"Statistical process control chart of {label}, period by period. {text}"
    return f"Statistical process control chart of {priority}."


def default_update_template() -> Path:
    """Return the update template of the source tree, ``reports/quarterly_update.ipynb``."""
    return Path(__file__).resolve().parents[2] / "reports" / "quarterly_update.ipynb"


def build_update(
    config: UpdateConfig | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    progress: bool = True,
    timeout: float = 600,
    template: str | os.PathLike[str] | None = None,
    pdf: bool = True,
) -> ReportResult:
    """Execute the quarterly update for a configuration; write its notebook, HTML and PDF.

    As :func:`toolkit.report.build_report` (the same steps, lock and disclosure scan),
    with ``quarterly-update.*`` file names.

    Parameters
    ----------
    config : UpdateConfig, str or path-like
        The configuration, or a TOML file to read it from (:func:`load_update_config`).
    out_dir : str or path-like
        Output folder.
    progress : bool
        Show papermill's progress bar.
    timeout : float
        Longest time, in seconds, any one cell may run.
    template : str or path-like, optional
        The update notebook; ``reports/quarterly_update.ipynb`` by default.
    pdf : bool
        Print a PDF with Chromium when it is installed.

    Returns
    -------
    ReportResult
        Paths of what was written.
    """
    started = time.perf_counter()
    if not isinstance(config, UpdateConfig):
        config = load_update_config(config)
    if config.series != DEMO:
        from toolkit.monitor import read_series

        # A contract failure, or a key that does not fit the series, stops here, before
        # papermill runs the update (whose message would come with the notebook's trace).
        check_update_keys(config, read_series(config.series))
    for value in dict.fromkeys((config.previous_persons, config.persons)):
        if value is not None and value != DEMO:  # likewise the persons files' contract
            _check_persons(value, config)
    source = Path(template) if template is not None else default_update_template()
    if not source.is_file():
        raise FileNotFoundError(f"{source}: the quarterly update template does not exist.")
    return build_in_folder(
        Path(out_dir),
        source,
        config,
        progress=progress,
        timeout=timeout,
        pdf=pdf,
        started=started,
        names=QUARTERLY_UPDATE,
        parameters=config.to_parameters(),
        title=f"{config.system_name}: quarterly update, {config.period}",
        synthetic=config.is_synthetic,
        threshold=config.disclosure_threshold,
    )


def build_demo_update(
    out_dir: str | os.PathLike[str] = "reports/demo",
    *,
    persons: int = DEMO_PERSONS,
    seed: int = DEMO_SEED,
    progress: bool = True,
    timeout: float = 600,
) -> ReportResult:
    """Build the demo system's quarterly update (what ``pophealth demo`` writes)."""
    return build_update(
        demo_update_config(persons=persons, seed=seed), out_dir, progress=progress, timeout=timeout
    )


__all__ = [
    "QUARTERLY_UPDATE",
    "QuarterlyUpdate",
    "UpdateConfig",
    "at_a_glance",
    "build_demo_update",
    "build_update",
    "chart_alt_text",
    "charts_introduction",
    "default_update_template",
    "demo_update_config",
    "load_update_config",
    "moved_table",
    "prepare_update",
    "priorities_table",
    "priority_chart",
    "priority_sentences",
    "update_config_keys",
    "update_config_template",
    "update_provenance",
    "update_title",
    "what_moved_section",
]
