"""The board report's closing sections: the asks, the decision box and the provenance.

The job of this module is to say what the board is asked to agree (the asks, and the
decision box of page 1), where the figures came from (the provenance box: versions, data
fingerprints, seed, methods, the analysts' own themes, how persons matched areas) and the
notes the report prints around them (the map's attribution, the synthetic data banner, the
note shown without a workshop, the opening of section 4 saying where the candidate themes
came from). Its functions are importable from :mod:`toolkit.report.sections`.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit._words import capitalised, listed
from toolkit.report._config_weights import weights_words
from toolkit.report._savings import shortlist_savings
from toolkit.report.config import ReportConfig
from toolkit.report.inputs import ReportInputs
from toolkit.report.linked import JOIN_REASONS, LinkedTables
from toolkit.report.tables import BoardText, Count, bullet_list, heading, sentence

if TYPE_CHECKING:
    from toolkit.indicators import DeprivationProfile
    from toolkit.prioritise import Prioritisation

#: How the report controls disclosure, in :data:`METHODS`. A figure resting on too few people
#: or events is flagged rather than shown ("fewer than 10 events"): the flag says that a count
#: is small, by design, never what it is. The linear-programming audit
#: (:meth:`toolkit.report.linked.LinkedTables.protect`) checks that no suppressed count can be
#: worked out exactly from the counts shown, and that none below the threshold can be shown
#: to be so by them; the flags are not part of it, so the statement does not claim that no
#: count can be shown to be small (issue 14).
DISCLOSURE_METHOD = (
    "Disclosure control: counts from 1 to the threshold less one are suppressed, with the "
    "rates and shares computed from them. Where a figure would rest on fewer people or events "
    "than the threshold (or, for a rate or a comparison of rates, fewer than 10 events), it "
    'is flagged, not shown: the flag (such as "fewer than 10 events") says that the count '
    "is small, never what it is. The report's tables are treated as one set of linked tables "
    "(segments, deciles, places and the join all add up to the same people), and further "
    "figures are suppressed until no suppressed count can be worked out exactly from any "
    "combination of the figures shown, nor shown by them alone to be below the threshold "
    "(checked by linear programming)."
)

#: The data's method statement, in :data:`METHODS`; when a few persons in no neighbourhood
#: are left out (``ReportInputs.persons_left_out``), :func:`provenance` says so instead.
DATA_CHECKED = "Data checked against the toolkit's data contract; no person dropped."

#: Method statements for the provenance box.
METHODS: tuple[str, ...] = (
    DATA_CHECKED,
    "Segments: the {model} model's rules, one segment per person (the first rule met).",
    "Rates: directly age-standardised to the European Standard Population 2013, Dobson 95% "
    "limits (as OHID Fingertips); not published below 10 events.",
    "Inequality: slope and relative index of inequality across IMD deciles (Low and Low "
    "2004), 95% limits by Monte Carlo simulation; excess admissions by indirect "
    "standardisation to the least deprived decile's age-specific rates.",
    "Priorities: themes from the toolkit's themes library (each figure with its source), "
    "measured on cohorts that overlap; weighted sum of min-max normalised criteria, one "
    "priority per theme; robustness from 10,000 weightings drawn around the chosen weights "
    "(Dirichlet). Estimates of avoidable events are ranges: events a year in the cohort x "
    "share of those events the intervention acts on x share reached x share who take it up "
    "x the cited relative risk reduction.",
    DISCLOSURE_METHOD,
)

#: Where the themes came from, in :data:`METHODS`, when they are the library's alone.
LIBRARY_THEMES = "themes from the toolkit's themes library (each figure with its source)"

#: The opening of section 4 (suggested priorities): ``{themes}`` says where the candidate
#: themes came from (:func:`priorities_introduction`).
PRIORITIES_INTRODUCTION = (
    "{themes} measured on this system's own data: the people it concerns, the events it acts "
    "on, how much more often they happen in the most deprived areas, and what a proven "
    "intervention could avoid, with its published source. Themes are compared on the size of "
    "the prize, inequality, burden, strength of evidence, Core20PLUS5 and time to impact, and, "
    "where the analysts filled in the criteria template, on what communities said and "
    "feasibility too; the note under the table says how the score is made. The shortlist keeps "
    "one priority per theme."
)


# ---------------------------------------------------------------------------------------------
# Where the themes came from
# ---------------------------------------------------------------------------------------------


def own_themes(config: ReportConfig) -> list[tuple[str, int]]:
    """Return the analysts' own theme folders (``themes`` of the configuration), by name.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.

    Returns
    -------
    list of (str, int)
        Each folder's name (not its full path) with how many themes it holds, in the
        configuration's order; empty when the themes are the built-in library's alone.
    """
    if not config.themes:
        return []
    from toolkit.prioritise import load_themes

    return [
        (Path(folder).name or str(folder), len(load_themes(folder))) for folder in config.themes
    ]


def _own_themes_words(own: Sequence[tuple[str, int]], aside: str = "") -> str:
    """Say how many themes are the analysts' own and where: '3 of the analysts' own (...)'."""
    names = [f'"{name}"' for name, _ in own]
    folders = "the folder" if len(names) == 1 else "the folders"
    total = sum(count for _, count in own)
    return (
        f"{total:,} of the analysts' own (from {folders} {listed(names, most=len(names))}{aside})"
    )


def _methods_themes(own: Sequence[tuple[str, int]]) -> str:
    """Where the themes came from, for the methods: :data:`LIBRARY_THEMES` or with the own."""
    if not own:
        return LIBRARY_THEMES
    aside = "; each figure with its source"
    return f"themes from the toolkit's library and {_own_themes_words(own, aside)}"


def priorities_introduction(config: ReportConfig) -> BoardText:
    """Return the opening of section 4: what a candidate priority is and how they compare.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration: with ``themes`` (the analysts' own theme folders), the
        paragraph says how many of the candidate themes are theirs, and from which folders.

    Returns
    -------
    BoardText
        A paragraph.
    """
    own = own_themes(config)
    themes = (
        "The candidate priorities are themes from the toolkit's library (such as finding and "
        f"treating high blood pressure) and {_own_themes_words(own)}, each"
        if own
        else "Each candidate priority is a theme from the toolkit's library (such as finding "
        "and treating high blood pressure),"
    )
    return sentence(PRIORITIES_INTRODUCTION.format(themes=themes))


# ---------------------------------------------------------------------------------------------
# The asks and the provenance
# ---------------------------------------------------------------------------------------------


def board_asks(
    priorities: Prioritisation,
    profile: DeprivationProfile,
    *,
    config: ReportConfig,
    workshop_held: bool,
    room: Any = None,
) -> BoardText:
    """Return what the board is asked to agree.

    Parameters
    ----------
    priorities : Prioritisation
        The prioritisation.
    profile : DeprivationProfile
        Emergency admissions by deprivation (for the Core20 figures).
    config : ReportConfig
        For the period, and whose weights ranked the list (``weights_source``).
    workshop_held : bool
        Whether a workshop decision log was given.
    room : RoomConsensus, optional
        The workshop's answer (``BoardFigures.room``): its shortlist is the one counted, as
        page 1 lists it.

    Returns
    -------
    BoardText
        A numbered list of asks. When no priority could be suggested, the first ask says so
        and asks the board to agree how priorities will be chosen instead.
    """
    if priorities.is_empty:
        items = [
            sentence(
                "No priority could be suggested: no theme had enough people or events in this "
                "system to be measured (see section 4). Agree how priorities will be chosen for "
                f"{config.period} instead, for example by pooling several years of data or by "
                "measuring the themes with neighbouring systems.",
                tag="li",
            ),
            sentence(
                "Agree that any priority chosen reports its effect on people in "
                "neighbourhoods in England's most deprived fifth (Core20).",
                tag="li",
            ),
            sentence(
                "Ask for this evidence to be re-run when the data are refreshed; the report "
                "rebuilds from the data, configuration and seed recorded below.",
                tag="li",
            ),
        ]
        return heading("What the board is asked to agree") + bullet_list(items, ordered=True)
    core = profile.core20.iloc[0]
    count = (
        len(room.shortlist) if room is not None and len(room.shortlist) else len(priorities.labels)
    )
    items = [
        sentence(
            ("Agree the priority above" if count == 1 else f"Agree the {count} priorities above")
            + (
                " as ranked by the workshop"
                if workshop_held
                else (f", {agreed}," if (agreed := weights_words(config)) else "")
            )
            + f" as the system's focus for {config.period}, and that not everything can be a "
            "priority at the same time.",
            tag="li",
        ),
        # (No shares here: page 1 gives them, hidden where they would reveal a small count.)
        sentence(
            "Agree that each priority reports its effect on people in neighbourhoods in "
            "England's most deprived fifth (Core20), as page 1 counts them.",
            tag="li",
        )
        if core["core20_population"] > 0
        else sentence(
            "No one registered here lives in England's most deprived fifth of neighbourhoods "
            "(Core20): agree that each priority reports its effect on the people in the "
            "system's most deprived neighbourhoods instead.",
            tag="li",
        ),
    ]
    if not workshop_held:
        items.append(
            sentence(
                "Ask partners (clinicians, councils, the voluntary sector and residents) to weigh "
                "the criteria at a co-production workshop before the list is final.",
                tag="li",
            )
        )
    items.append(
        sentence(
            "Ask for this evidence to be re-run when the data are refreshed, showing what moved; "
            "the report rebuilds from the data, configuration and seed recorded below.",
            tag="li",
        )
    )
    return heading("What the board is asked to agree") + bullet_list(items, ordered=True)


def provenance(
    config: ReportConfig,
    inputs: ReportInputs,
    *,
    when: date | None = None,
    model_title: str = "Bridges to Health",
    methods: Sequence[str] = METHODS,
    linked: LinkedTables | None = None,
) -> BoardText:
    """Return the provenance box: toolkit version, data fingerprints, seed, date, methods.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.
    inputs : ReportInputs
        The data and their fingerprints.
    when : datetime.date, optional
        Date of the run (today by default).
    model_title : str
        The segmentation model's name, for the methods.
    methods : sequence of str
        Method statements (``{model}`` is replaced by ``model_title``). With the analysts'
        own themes (``config.themes``), the statement of the priorities says how many themes
        were theirs and from which folders, and the box names the folders. With ``weights``
        in the configuration, a statement after it says whose weights ranked the list.
    linked : LinkedTables, optional
        The report's linked tables. How persons matched areas is said as counts by
        reason, suppressed as the tables are; never the codes of unmatched areas with
        their counts (a code with 1 beside it points at a person). Without it, the line
        says only that every person was kept. When a few persons in no neighbourhood were
        left out (``inputs.persons_left_out``), the line and the data's method statement
        say "fewer than" the threshold, and no count of the persons read.

    Returns
    -------
    BoardText
        A boxed paragraph and list (HTML class ``provenance``).
    """
    from toolkit import versions

    found = versions()
    day = (when or date.today()).isoformat()
    if config.is_demo and when is None:
        # The committed demo report is rebuilt by `make demo`: a date would change it daily.
        day = "not recorded for the demo (so that rebuilding it changes nothing)"
    own = own_themes(config)
    methods = [
        method.replace("{model}", model_title).replace(LIBRARY_THEMES, _methods_themes(own))
        for method in methods
    ]
    if inputs.persons_left_out:
        methods = [
            "Data checked against the toolkit's data contract; fewer than "
            f"{config.disclosure_threshold} persons with no neighbourhood in the areas file "
            "left out (too few to count apart without giving their number away), no other "
            "person dropped."
            if method == DATA_CHECKED
            else method
            for method in methods
        ]
    if (agreed := weights_words(config)) is not None:  # after the statement of the priorities
        at = next((n + 1 for n, m in enumerate(methods) if m.startswith("Priorities")), 0)
        methods.insert(
            at,
            f"Weights: the shortlist is {agreed} (given in the report's configuration), "
            "not at equal weights; the note under the shortlist gives each criterion's share.",
        )
    facts = [
        (
            "Toolkit",
            f"pophealth-toolkit {found['pophealth-toolkit']} (Python {found['python']}, "
            f"pandas {found['pandas']}, statsmodels {found['statsmodels']})",
        ),
        ("Data", inputs.description),
        *[(f"SHA-256 of {name}", digest) for name, digest in inputs.fingerprints.items()],
        ("Configuration", config.source.rsplit("/", 1)[-1] if config.source else "built in"),
        *(
            [
                (
                    "Analysts' own themes",
                    "; ".join(
                        f"{name} ({count:,} theme{'' if count == 1 else 's'})"
                        for name, count in own
                    ),
                )
            ]
            if own
            else []
        ),
        *(
            [("Analysts' criteria scores", config.criteria_scores.rsplit("/", 1)[-1])]
            if config.criteria_scores
            else []
        ),
        ("Seed", str(config.seed)),
        ("Disclosure threshold", f"counts below {config.disclosure_threshold} suppressed"),
        ("Run on", day),
    ]
    join = _join_sentence(linked, config.disclosure_threshold, inputs)
    facts.append(("Joined to areas", join.text))
    text = "\n".join(["Provenance"] + [f"{name}: {value}" for name, value in facts] + list(methods))
    rows = "".join(
        f"<tr><th scope='row' data-kind='text'>{html.escape(name)}</th>"
        f"<td data-kind='text'><code>{html.escape(value)}</code></td></tr>"
        if name.startswith("SHA")
        else f"<tr><th scope='row' data-kind='text'>{html.escape(name)}</th>"
        f"<td data-kind='text'>{join.html if name == 'Joined to areas' else html.escape(value)}"
        "</td></tr>"
        for name, value in facts
    )
    listed = "".join(f"<li>{html.escape(method)}</li>" for method in methods)
    markup = (
        '<aside class="provenance"><h2>Provenance</h2>'
        f'<table class="provenance-table">{rows}</table>'
        f"<h3>Methods</h3><ul>{listed}</ul></aside>"
    )
    return BoardText(text, markup)


def _join_sentence(
    linked: LinkedTables | None, threshold: int, inputs: ReportInputs | None = None
) -> BoardText:
    """Say how persons matched areas: counts by reason, suppressed, no codes.

    When a few persons in no neighbourhood were left out (``inputs.persons_left_out``),
    the persons kept are counted, all in a neighbourhood, and those left out as "fewer
    than" the threshold: no count of the persons read, which would give theirs away.
    """
    left_out = inputs is not None and inputs.persons_left_out > 0
    if linked is None:
        return sentence(
            "every person in a neighbourhood of the areas file kept; fewer than "
            f"{threshold} with no neighbourhood there left out."
            if left_out
            else "every person kept (counts by reason are in the analyst's join report)."
        )
    parts: list[str | Count] = []
    total = "segments/total/persons"
    parts += [Count(linked.value(total), hidden=linked.is_suppressed(total), figure=total)]
    if left_out:
        parts.append(
            " persons kept, each in a neighbourhood of the areas file; fewer than "
            f"{threshold} with no neighbourhood there are left out."
        )
        return sentence(*parts, threshold=threshold, tag="span")
    parts.append(" persons kept: ")
    for position, reason in enumerate(JOIN_REASONS):
        key = f"join/{reason}/persons"
        if position:
            parts.append(", " if position < len(JOIN_REASONS) - 1 else " and ")
        parts += [Count(linked.value(key), hidden=linked.is_suppressed(key), figure=key)]
        parts.append(f" {reason}")
    parts.append(".")
    text = sentence(*parts, threshold=threshold, tag="span")
    return text


#: Attribution under the map of the demo system's made-up boundaries: the demo's, and those
#: ``pophealth synth`` writes when it is given no areas of the analyst's own.
SYNTHETIC_BOUNDARIES = "Boundaries: synthetic (the demo system's imaginary places)."

#: What stands for the year in :data:`toolkit.report.config.ONS_ATTRIBUTION` when the
#: configuration gives no ``map_attribution``: the year is the boundaries' edition's, which
#: an areas file does not record, and never the year the report is run (issue 14).
BOUNDARIES_YEAR = "[the year of the boundaries' edition]"


def map_attribution(config: ReportConfig) -> str:
    """Return the attribution printed under the map: the configuration's, or the default.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.

    Returns
    -------
    str
        ``map_attribution`` of the configuration when it gives one. Otherwise
        :data:`SYNTHETIC_BOUNDARIES` for the made-up boundaries of the demo system, whether
        the demo's own or written by ``pophealth synth`` without areas of the analyst's
        own (:func:`_synthetic_boundaries`); else the wording ONS asks for with its boundaries
        (Open Government Licence, OS Crown copyright), whose year is that of the
        boundaries' edition: an areas file does not record it, so :data:`BOUNDARIES_YEAR`
        stands for it, and a warning asks for ``map_attribution`` with the year.

    Warns
    -----
    UserWarning
        When the ONS wording is printed without its year.
    """
    import warnings

    from toolkit.report.config import ONS_ATTRIBUTION

    if config.map_attribution:
        return config.map_attribution
    if config.is_demo or _synthetic_boundaries(config):
        return SYNTHETIC_BOUNDARIES
    words = ONS_ATTRIBUTION.format(year=BOUNDARIES_YEAR)
    where = Path(config.source).name if config.source else "the report's configuration"
    warnings.warn(
        "The map's boundaries are credited to ONS and OS without the year of their edition, "
        f"which the areas file does not record: give map_attribution in {where} with the year "
        f'of your boundaries (map_attribution = "{ONS_ATTRIBUTION.format(year=2021)}", say, '
        "for boundaries of 2021).",
        UserWarning,
        stacklevel=2,
    )
    return words


def _synthetic_boundaries(config: ReportConfig) -> bool:
    """Return whether the areas' boundaries are the demo system's made-up ones.

    ``pophealth synth`` records in the persons file (``toolkit.synth``) whether it placed
    the persons in areas of the analyst's own (real boundaries, credited to ONS) or in the
    demo system's imaginary places. Without that record (a persons file saved again as CSV,
    say), a configuration saying ``synthetic_data = true`` has made-up boundaries when the
    areas file's LSOA codes are the demo system's (numbered from E01900001, beyond any real
    LSOA's).

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.

    Returns
    -------
    bool
        True for the demo system and for the made-up places ``pophealth synth`` writes.
    """
    if config.is_demo:
        return True
    record = _synth_record(config.persons)
    if record is not None:
        return "areas" not in record  # the analyst's own areas are recorded by their count
    if not config.synthetic_data or not isinstance(config.areas, str):
        return False
    return _made_up_codes(config.areas)


def _synth_record(path: str) -> dict[str, Any] | None:
    """Return what ``pophealth synth`` recorded in a persons file, or None if it wrote none."""
    import json

    source = Path(path)
    if source.suffix.lower() != ".parquet" or not source.is_file():
        return None
    import pyarrow.parquet as pq

    try:
        record = (pq.read_schema(source).metadata or {}).get(b"toolkit.synth")
        found = json.loads(record) if record is not None else None
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _made_up_codes(path: str) -> bool:
    """Whether every LSOA code of an areas file is one of the demo system's made-up codes."""
    from toolkit.data.synth_assumptions import FIRST_LSOA_NUMBER, LSOA_CODE_PREFIX

    source = Path(path)
    if not source.is_file():
        return False
    try:
        if source.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            codes = pq.read_table(source, columns=["lsoa"]).column("lsoa").to_pylist()
        else:
            import pyogrio

            codes = pyogrio.read_dataframe(source, columns=["lsoa"], read_geometry=False)[
                "lsoa"
            ].tolist()
    except Exception:  # not a table with an lsoa column: not an areas file synth wrote
        return False
    numbers = [
        str(code).strip().removeprefix(LSOA_CODE_PREFIX)
        for code in codes
        if str(code).strip().startswith(LSOA_CODE_PREFIX)
    ]
    return (
        bool(codes)
        and len(numbers) == len(codes)
        and all(number.isdigit() and int(number) >= FIRST_LSOA_NUMBER for number in numbers)
    )


#: Said on every page of a report built from synthetic data.
SYNTHETIC_BANNER = "Synthetic data: made-up people, for rehearsal. Not for decisions."


class _Given(enum.Enum):
    """Marks an argument not passed (None is a value: "the room was shown its own list")."""

    NOT_GIVEN = "not given"


def decision_box(
    priorities: Prioritisation,
    *,
    config: ReportConfig,
    synthetic: bool | None = None,
    room: Any = None,
    workshop: str | None = None,
    linked: LinkedTables | None = None,
    shown_instead: str | None | Literal[_Given.NOT_GIVEN] = _Given.NOT_GIVEN,
) -> BoardText:
    """Return the decision the board is asked to take, with the shortlist, for page 1.

    Parameters
    ----------
    priorities : Prioritisation
        The prioritisation.
    config : ReportConfig
        For the period, whether the data are synthetic and whose weights ranked the list
        (``weights_source``: said after the list).
    synthetic : bool, optional
        The data are synthetic (:attr:`toolkit.report.ReportInputs.synthetic`); by default
        as the configuration says.
    room : RoomConsensus, optional
        The workshop's answer (``BoardFigures.room``): its shortlist is the one the board
        is asked to agree, in the room's order, rather than the list at equal weights.
    workshop : str, optional
        The workshop's name, with ``room``.
    linked : LinkedTables, optional
        The report's linked tables (``BoardFigures.linked``): the sum of what the
        shortlist could avoid leaves out a priority whose people or events they hide
        (:func:`shortlist_savings`).
    shown_instead : str or None
        The list the workshop recorded the room was shown as its last round closed, when it
        is not ``room``'s (``BoardFigures.shown_instead``, worked out once with the
        figures; None when it is): the box says so after the list. Required with ``room``
        when the configuration gives a decision log, so that the warning cannot be left
        out by omission.

    Returns
    -------
    BoardText
        A boxed paragraph and numbered list (HTML class ``decision``).

    Raises
    ------
    ValueError
        ``room`` is given, the configuration gives a decision log, and ``shown_instead``
        is not.
    """
    if shown_instead is _Given.NOT_GIVEN:
        if room is not None and config.decision_log is not None:
            raise ValueError(
                "With the workshop's answer, decision_box says when the room was shown another "
                "list, worked out with the report's figures: pass "
                "shown_instead=BoardFigures.shown_instead."
            )
        shown_instead = None
    if priorities.is_empty:
        ask = (
            "The board is asked to note that no priority could be suggested from these data "
            "(no theme had enough people or events to measure), and to agree how priorities "
            "will be chosen instead (section 4)."
        )
        items: list[str] = []
    else:
        items = (
            list(room.shortlist["label"].astype(str))
            if room is not None and len(room.shortlist)
            else list(priorities.labels)
        )
        count = len(items)
        these, them = (
            ("this priority", "it") if count == 1 else (f"these {count} priorities", "them")
        )
        if room is not None and len(room.shortlist):
            from toolkit.report.decision_log import the_workshop

            ask = (
                f"The board is asked to agree {these} for {config.period}, as "
                f"{the_workshop(workshop) if workshop else 'the workshop'} ranked {them} "
                f"(section 4), and to "
                f"follow {them} in the quarterly update:"
            )
        else:
            ask = (
                f"The board is asked to agree {these} for {config.period} (or to change the "
                f"list at the workshop), and to follow {them} in the quarterly update:"
            )
    agreed = None if priorities.is_empty else weights_words(config)
    # Whose weights ranked the list, when the configuration gives them (not a workshop's).
    ranked = (
        [f"{capitalised(agreed)} (section 4 gives each criterion's share of the score)."]
        if agreed is not None
        else []
    )
    # The room saw another list: the board should know before it agrees this one.
    differs = (
        [
            "Please note: when the workshop ended, the room was shown a different list "
            f"({shown_instead}); section 4 explains why the two can differ, so check which "
            "list the room agreed before deciding."
        ]
        if shown_instead is not None and not priorities.is_empty
        else []
    )
    caution = (
        [f"{SYNTHETIC_BANNER} The figures show how the report works, not a real system."]
        if (config.is_synthetic if synthetic is None else synthetic)
        else []
    )
    context = (
        []
        if priorities.is_empty
        else [
            line
            for line in (
                themes_measured(priorities),
                shortlist_savings(
                    priorities,
                    room.shortlist if room is not None and len(room.shortlist) else None,
                    threshold=config.disclosure_threshold,
                    linked=linked,
                ),
            )
            if line
        ]
    )
    text = "\n".join(
        ["Decision for the board", ask, *(f"{n}. {item}" for n, item in enumerate(items, 1))]
        + ranked
        + differs
        + ([" ".join(context)] if context else [])
        + caution
    )
    listed = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    markup = (
        '<section class="decision"><h2>Decision for the board</h2>'
        f"<p>{html.escape(ask)}</p>"
        + (f"<ol>{listed}</ol>" if listed else "")
        + "".join(f"<p>{html.escape(line)}</p>" for line in ranked + differs)
        + (f"<p>{html.escape(' '.join(context))}</p>" if context else "")
        + "".join(f'<p class="synthetic-note">{html.escape(line)}</p>' for line in caution)
        + "</section>"
    )
    return BoardText(text, markup)


def themes_measured(priorities: Prioritisation) -> str:
    """Say how many of the themes assessed could be measured on the data, for page 1.

    Parameters
    ----------
    priorities : Prioritisation
        The prioritisation: its candidates' themes were measured, its ``excluded`` themes
        were not.

    Returns
    -------
    str
        "Of the 15 themes assessed, 5 could be measured on these data; the other 10 could
        not: too few people or events (section 4 lists them)."; empty when no theme was
        assessed.
    """
    measured = (
        set(priorities.candidates["theme"].astype(str))
        if "theme" in (priorities.candidates.columns)
        else set()
    )
    excluded = priorities.excluded
    left_out = set(excluded["theme"].astype(str)) - measured if len(excluded) else set()
    assessed = len(measured) + len(left_out)
    if not assessed:
        return ""
    if not left_out:
        every = "The theme" if assessed == 1 else f"All {assessed} themes"
        return f"{every} assessed could be measured on these data."
    too_few = excluded["reason"].astype(str).str.contains("too few").all()
    # "could not:" rather than "had too few": a small number before "had" reads as a count
    # of people to the report's check of its text.
    why = "could not: too few people or events" if too_few else "could not be measured"
    return (
        f"Of the {assessed} themes assessed, {len(measured)} could be measured on these data; "
        f"{'the other one' if len(left_out) == 1 else f'the other {len(left_out)}'} {why} "
        "(section 4 lists them)."
    )


def no_workshop_note(priorities: Prioritisation | None = None) -> BoardText:
    """Return the note shown when no workshop decision log was given.

    Parameters
    ----------
    priorities : Prioritisation, optional
        The report's prioritisation: when it suggested no priority, the note says there
        was nothing for a workshop to weigh; when its weights are not equal (``weights`` of
        the configuration), that the shortlist is ranked with them.

    Returns
    -------
    BoardText
        A heading and a sentence.
    """
    if priorities is not None and priorities.is_empty:
        return heading("What the workshop decided") + sentence(
            "No workshop was held on this report's figures: with no priority suggested, there "
            "was nothing for the tables to weigh. With more people in the data (a longer "
            "period, or a larger area), rebuild the report and hold the workshop on its "
            "shortlist."
        )
    return heading("What the workshop decided") + sentence(
        "No workshop decision log was given: the shortlist above is "
        + (
            "at equal weights. After the co-production workshop, rebuild this report with its "
            "decision log"
            if priorities is None or len(set(priorities.weights.values())) == 1
            else "ranked with the weights given in the report's configuration (page 1 says "
            "whose). After a co-production workshop, rebuild this report with its decision "
            "log in their place"
        )
        + " to show each table's weights, the agreed shortlist and where the tables agree."
    )
