"""HTML for the workshop views, built from numpy arrays and plain values.

The participant's "top 5" and full ranking are HTML re-written on each slider release:
string formatting over a few dozen rows takes well under a millisecond, where re-plotting a
matplotlib figure takes tens. Colours are NHS identity colours chosen to differ in
lightness from their neighbours, so the stacked bars read in greyscale and for colour-blind
readers; every bar segment also carries its value in a tooltip and the legend names each
colour. Text colours are checked against their backgrounds (:func:`contrast_ratio`, at
least 4.5:1, WCAG AA), and buttons are styled through the toolkit's own classes, because
ipywidgets' blue "primary" button has white text at 3.1:1.

Words a resident reads live here too: plain one-line descriptions of the toolkit's own
criteria (:data:`PLAIN_CRITERIA`) and a glossary of the technical words that must stay
(:data:`GLOSSARY`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote

import numpy as np

from toolkit._words import capitalised
from toolkit.style import (
    NHS_AQUA_GREEN,
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_DARK_PINK,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PALE_GREY,
    NHS_PURPLE,
    NHS_RED,
    NHS_WARM_YELLOW,
    NHS_WHITE,
)
from toolkit.workshop._table_facts import close_call_words, points
from toolkit.workshop._table_facts import facts_line as facts_line  # its home before the split

#: Colours of the criteria in the stacked bars, alternating dark and light.
CRITERION_COLOURS: tuple[str, ...] = (
    NHS_DARK_BLUE,
    NHS_WARM_YELLOW,
    NHS_LIGHT_BLUE,
    NHS_DARK_PINK,
    NHS_AQUA_GREEN,
    NHS_PURPLE,
    NHS_ORANGE,
    NHS_MID_GREY,
)

#: Text colours for "up" and "down" markers (NHS dark green; a darker NHS red), both at
#: least 4.5:1 on white and on the shortlist fill.
UP_COLOUR = "#006747"
DOWN_COLOUR = "#B3261E"

FONT = "font-family: Arial, Helvetica, sans-serif; color: " + NHS_BLACK
SHORTLIST_FILL = "#DCEBF7"
INFO_FILL = "#E8F1FA"
SUCCESS_FILL = "#E5F6F4"
ERROR_FILL = "#FBEAE8"

#: Text and background pairs the views use: each must reach 4.5:1 (tested).
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    (NHS_BLACK, NHS_WHITE),
    (NHS_BLACK, SHORTLIST_FILL),
    (NHS_BLACK, INFO_FILL),
    (NHS_BLACK, SUCCESS_FILL),
    (NHS_BLACK, ERROR_FILL),
    (NHS_BLACK, NHS_PALE_GREY),
    (NHS_DARK_GREY, NHS_WHITE),
    (NHS_DARK_GREY, SHORTLIST_FILL),
    (NHS_DARK_GREY, NHS_PALE_GREY),
    (NHS_DARK_BLUE, NHS_WHITE),
    (NHS_DARK_BLUE, SHORTLIST_FILL),
    (NHS_BLUE, NHS_WHITE),
    (NHS_BLUE, SHORTLIST_FILL),
    (NHS_WHITE, NHS_BLUE),
    (NHS_WHITE, NHS_DARK_BLUE),
    (UP_COLOUR, NHS_WHITE),
    (UP_COLOUR, SHORTLIST_FILL),
    (DOWN_COLOUR, NHS_WHITE),
    (DOWN_COLOUR, ERROR_FILL),
    (DOWN_COLOUR, SHORTLIST_FILL),
)

#: The views' style sheet, sent once in its own HTML widget; the HTML re-drawn on each
#: slider release then carries class names only, which keeps each update small. The
#: participant's layout wraps: sliders and "your top 5" side by side on a wide screen, one
#: under the other on a phone (``flex-wrap``), with the slider track at least 200 px wide.
STYLESHEET = (
    "<style>"
    f".ph-root {{{FONT};}}"
    f".ph-table {{border-collapse:collapse;width:100%;{FONT};font-size:14px;}}"
    f".ph-table th {{padding:6px 8px;text-align:left;background:{NHS_DARK_BLUE};"
    f"color:{NHS_WHITE};}}"
    f".ph-table td {{padding:4px 8px;border-bottom:1px solid {NHS_PALE_GREY};"
    "vertical-align:middle;}"
    ".ph-table .ph-num {text-align:right;}"
    f".ph-table tr.ph-in td {{background:{SHORTLIST_FILL};font-weight:bold;}}"
    f".ph-star {{color:{NHS_BLUE};font-weight:bold;}}"
    f".ph-related {{color:{NHS_DARK_GREY};font-style:italic;}}"
    f".ph-table tr.ph-cut td {{border-top:3px solid {NHS_BLUE};color:{NHS_BLUE};"
    "font-size:12px;padding:2px 8px;font-weight:normal;background:none;}"
    f".ph-bar {{width:100%;white-space:nowrap;background:{NHS_PALE_GREY};line-height:0;}}"
    f".ph-bar span {{display:inline-block;height:16px;box-shadow:inset -1px 0 0 {NHS_WHITE};}}"
    + "".join(f".ph-c{i} {{background:{colour};}}" for i, colour in enumerate(CRITERION_COLOURS))
    + f".ph-title {{{FONT};font-size:17px;font-weight:bold;margin:4px 0;}}"
    # Layout: the participant's two columns wrap on a narrow screen.
    ".ph-view {box-sizing:border-box;width:100%;}"
    # Voila's theme gives HTML widgets a 28 px line height (one widget row); text needs less.
    ".ph-view .widget-html-content {line-height:1.4;}"
    ".ph-view .widget-html {height:auto;}"
    # A text block is a flex item that grew to its widest line (a table, a long word) and
    # ran past its column, where the page cut it off: it keeps to its column, wraps long
    # words, and a wide table scrolls sideways inside it (``scrolling``).
    ".ph-view .widget-html, .ph-view .widget-html-content {min-width:0;max-width:100%;}"
    ".ph-view .widget-html-content {overflow-wrap:break-word;}"
    ".ph-scroll {overflow-x:auto;max-width:100%;}"
    # A phone: smaller share bars and cells, so most tables fit without scrolling.
    "@media (max-width:480px) {"
    ".ph-share-bar {width:44px !important;}"
    ".ph-view table td, .ph-view table th {padding:4px 5px !important;}"
    ".ph-table td:last-child {width:28% !important;}"
    "}"
    ".ph-wrap {display:flex;flex-flow:row wrap;gap:8px 24px;align-items:flex-start;}"
    ".ph-sliders {flex:1 1 380px;min-width:0;max-width:640px;}"
    ".ph-side {flex:1 1 320px;min-width:0;max-width:560px;}"
    ".ph-slider-row {margin:0 0 6px 0;min-width:0;}"
    ".ph-slider-row .widget-slider, .ph-slider-row .jupyter-widget-slider "
    "{width:100%;max-width:520px;min-width:240px;}"
    ".ph-slider-row .widget-slider .slider-container {min-width:200px;}"
    ".ph-slider-line {display:flex;align-items:center;gap:6px;min-width:0;}"
    f".ph-value {{{FONT};font-size:15px;font-weight:bold;display:block;text-align:right;}}"
    f".ph-criterion {{{FONT};line-height:1.3;font-size:15px;}}"
    f".ph-desc {{color:{NHS_DARK_GREY};font-size:13px;display:block;}}"
    f".ph-was {{color:{NHS_DARK_BLUE};font-size:13px;display:block;font-weight:bold;}}"
    # Your top 5.
    f".ph-top {{{FONT};border:2px solid {NHS_BLUE};border-radius:4px;padding:8px 12px;"
    f"background:{NHS_WHITE};}}"
    f".ph-top h2 {{font-size:19px;margin:0 0 4px 0;color:{NHS_DARK_BLUE};}}"
    ".ph-top ol {list-style:none;margin:0;padding:0;}"
    f".ph-top li {{display:flex;gap:10px;padding:6px 0;border-top:1px solid {NHS_PALE_GREY};}}"
    f".ph-place {{flex:0 0 28px;height:28px;border-radius:14px;background:{NHS_DARK_BLUE};"
    f"color:{NHS_WHITE};font-weight:bold;text-align:center;line-height:28px;}}"
    ".ph-item {flex:1 1 auto;min-width:0;}"
    ".ph-item-label {font-weight:bold;font-size:15px;}"
    f".ph-facts {{color:{NHS_DARK_GREY};font-size:13px;}}"
    ".ph-move {font-size:13px;font-weight:bold;white-space:nowrap;margin-left:6px;}"
    f".ph-up {{color:{UP_COLOUR};}} .ph-down {{color:{DOWN_COLOUR};}}"
    f".ph-new {{color:{NHS_BLUE};}} .ph-same {{color:{NHS_DARK_GREY};font-weight:normal;}}"
    f".ph-note {{{FONT};color:{NHS_DARK_GREY};font-size:13px;margin:4px 0;}}"
    # Buttons: our own colours (ipywidgets' primary blue fails contrast).
    f".jupyter-button.ph-primary, .widget-button.ph-primary {{background:{NHS_BLUE};"
    f"color:{NHS_WHITE};font-weight:bold;font-size:15px;}}"
    f".jupyter-button.ph-primary:hover:enabled {{background:{NHS_DARK_BLUE};}}"
    f".jupyter-button.ph-secondary, .widget-button.ph-secondary, .jupyter-button.ph-toggle "
    f"{{background:{NHS_WHITE};color:{NHS_DARK_BLUE};border:2px solid {NHS_DARK_BLUE};"
    "font-weight:bold;}"
    f".jupyter-button.ph-toggle.mod-active {{background:{NHS_DARK_BLUE};color:{NHS_WHITE};}}"
    f".ph-view .widget-label, .ph-view .widget-readout {{color:{NHS_BLACK};}}"
    # Glossary and the facilitator's figures.
    f".ph-glossary dt {{font-weight:bold;{FONT};}}"
    f".ph-glossary dd {{margin:0 0 6px 16px;{FONT};font-size:14px;}}"
    f".ph-headline {{{FONT};font-size:22px;font-weight:bold;color:{NHS_DARK_BLUE};"
    "margin:6px 0;}"
    f".ph-secondary {{{FONT};font-size:14px;color:{NHS_DARK_GREY};}}"
    ".ph-key {font-size:13px;margin:4px 0;}"
    ".ph-key span {display:inline-block;margin-right:14px;white-space:nowrap;}"
    ".pophealth-side-by-side-table td, .pophealth-side-by-side-table th {padding:3px 4px;}"
    ".pophealth-side-by-side-table th {font-size:13px;}"
    ".ph-download a {display:inline-block;margin:4px 16px 4px 0;font-weight:bold;"
    f"color:{NHS_BLUE};}}"
    # Projector mode: large type everywhere in the facilitator's view.
    ".ph-projector p, .ph-projector td, .ph-projector th, .ph-projector li, "
    ".ph-projector .widget-label, .ph-projector .ph-secondary, .ph-projector div "
    "{font-size:22px !important;line-height:1.35 !important;}"
    ".ph-projector .ph-headline {font-size:34px !important;}"
    ".ph-projector h1 {font-size:38px !important;} .ph-projector h2 {font-size:30px !important;}"
    ".ph-projector .widget-label-basic, .ph-projector label, .ph-projector select, "
    ".ph-projector button {font-size:20px !important;}"
    ".ph-projector .jupyter-button {height:auto !important;min-height:40px;}"
    ".ph-projector .pophealth-side-by-side-table td, "
    ".ph-projector .pophealth-side-by-side-table th {font-size:18px !important;}"
    "</style>"
)

# Inline styles for the facilitator's tables (re-drawn on refresh, not on a slider).
TABLE = f"border-collapse: collapse; width: 100%; {FONT}; font-size: 14px"
CELL = f"padding: 4px 8px; border-bottom: 1px solid {NHS_PALE_GREY}; vertical-align: middle"
HEAD = f"padding: 6px 8px; text-align: left; background: {NHS_DARK_BLUE}; color: {NHS_WHITE}"

#: Plain words for the toolkit's own criteria, by criterion name: (phrase, one line a
#: resident follows). Criteria not named here keep their own phrase and description.
PLAIN_CRITERIA: dict[str, tuple[str | None, str]] = {
    "avoidable_mid": (
        None,
        "How many hospital stays, deaths or other harms the work could prevent in a year "
        "(a best estimate).",
    ),
    "avoidable_cost_mid": (
        None,
        "How much the NHS could save on care each year if the work is done (a best estimate).",
    ),
    "deprivation_gap": (
        None,
        "How much more often it happens in the poorest fifth of areas than in the best-off "
        "fifth, for people of the same age.",
    ),
    "excess_share": (
        None,
        "How much of the harm would not happen if every area were as healthy as the "
        "best-off areas.",
    ),
    "le_gap_share": (
        None,
        "People in the poorest areas die younger; how much of that gap comes from the "
        "illnesses this work tackles.",
    ),
    "cause_deaths_a_year": (
        None,
        "How many people die each year from the illnesses this work tackles.",
    ),
    "evidence_score": (None, "How sure published studies make us that the work helps."),
    "core20plus5": (
        None,
        "Whether the NHS has made it a national priority for fairer health (see Core20PLUS5 "
        "below).",
    ),
    "time_to_impact_years": (
        None,
        "How quickly the work makes a difference: sooner counts for more.",
    ),
    "burden_share": (
        "how much of the area's harm it covers",
        "Its share of all the hospital stays or deaths of this kind in the area.",
    ),
    "rate_ratio": (
        "how much more common it is than average",
        "How many times more often it happens to these people than to everyone, for people "
        "of the same age.",
    ),
    "cost_per_head": (
        "cost of care per person",
        "How much these people's care costs per person each year.",
    ),
    "relative_gap": (
        "gap between the poorest and best-off areas",
        "How much more often it happens in the poorest areas than in the best-off areas, "
        "compared with how common it is.",
    ),
    "core20_share": (
        "share in the poorest fifth of areas",
        "How much of it happens to people living in the poorest fifth of areas in England.",
    ),
    "benchmark_gap": (
        "gap to similar areas",
        "How far it is above the level we compare ourselves against.",
    ),
}

#: Technical words that may appear on a page, with a plain explanation. A page lists those
#: its text uses (:func:`glossary`).
GLOSSARY: dict[str, str] = {
    "weight": "how much a criterion counts when the priorities are put in order. You set "
    "it with the criterion's slider, from 0 (does not count) to 10 (counts most).",
    "score": "a number out of 100 that puts the priorities in order for your table's "
    "weights. It is not a judgement of how good or bad a priority is.",
    "round": "the facilitator may ask every table to set its sliders more than once, after "
    "seeing the room's result; each time is a round.",
    "estimate": "our best calculation from the data; the true figure may be higher or lower.",
    "deprived": "having less money, fewer jobs, poorer housing and so on; the most deprived "
    "areas are the poorest areas.",
    "age for age": "comparing people of the same age, so that an area with more older "
    "people does not look worse just because of its age.",
    "poorest areas": "the fifth of neighbourhoods in England with the most disadvantage "
    "(lowest incomes, most unemployment and so on), as the government measures it.",
    "best-off areas": "the fifth of neighbourhoods in England with the least disadvantage.",
    "emergency admission": "an unplanned stay in hospital, usually through A&E.",
    "A&E": "accident and emergency: a hospital's emergency department.",
    "NHS": "the National Health Service.",
    "Core20PLUS5": "the NHS's national plan to close gaps in health: the poorest fifth of "
    "areas (Core20), groups each area chooses (PLUS) and five kinds of care (5).",
    "COPD": "chronic obstructive pulmonary disease: a long-term lung disease that makes "
    "breathing hard.",
    "atrial fibrillation": "an irregular heartbeat that raises the risk of a stroke.",
    "frailty": "when an older person's body is less able to recover from an illness or a fall.",
    "rehabilitation": "exercise, advice and support to help people recover.",
    "serious mental illness": "conditions such as schizophrenia or bipolar disorder.",
    "heart failure": "when the heart does not pump blood round the body as well as it should.",
    "circulatory disease": "illness of the heart and blood vessels, such as heart attacks "
    "and strokes.",
    "dementia": "an illness of the brain that makes remembering, thinking and everyday tasks "
    "harder over time.",
    "palliative care": "care that eases pain and distress for people who are dying or have an "
    "illness that cannot be cured.",
    "tobacco dependence": "being addicted to smoking.",
    "Kendall's W": "a number from 0 to 1 that measures how alike the tables' rankings are "
    "(1: every table ranks the priorities the same).",
}

_GLOSSARY_PATTERNS = {
    term: re.compile(r"(?<![\w-])" + re.escape(term), re.IGNORECASE) for term in GLOSSARY
}


def contrast_ratio(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio of two colours given as ``#RRGGBB`` (1 to 21).

    Parameters
    ----------
    foreground, background : str
        Colours in hex.

    Returns
    -------
    float
        (L1 + 0.05) / (L2 + 0.05), with L the relative luminances, lighter first.
    """

    def luminance(colour: str) -> float:
        value = colour.lstrip("#")
        channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_of(index: int) -> str:
    """Return the colour of the criterion at ``index``."""
    return CRITERION_COLOURS[index % len(CRITERION_COLOURS)]


def swatch(colour: str) -> str:
    """Return a small coloured square for legends (hidden from screen readers)."""
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:12px;height:12px;'
        f"background:{colour};border:1px solid {NHS_DARK_GREY};margin-right:6px;"
        'vertical-align:middle"></span>'
    )


def plain_phrase(name: str, phrase: str) -> str:
    """Return the plain phrase of a criterion: :data:`PLAIN_CRITERIA`'s, else its own."""
    override = PLAIN_CRITERIA.get(name, (None, ""))[0]
    return override or phrase


def plain_description(name: str, description: str) -> str:
    """Return the plain one-line description of a criterion, else its own description."""
    return PLAIN_CRITERIA.get(name, (None, description))[1] or description


def label_class(phrase: str) -> str:
    """Return the class that names a slider for the Voila template (``pophealth-label-...``).

    The template reads it back with ``decodeURIComponent`` and turns "_" into spaces, to
    give the slider's handle an accessible name.
    """
    return "pophealth-label-" + quote(phrase.replace(" ", "_"), safe="")


def readout_html(value: float) -> str:
    """Return the number shown beside a slider: text, not a control.

    ipywidgets' own readout is a box that takes the keyboard's focus with no name (two tab
    stops a slider, the second read as just "5"); the slider's handle already tells a
    screen reader its value (``aria-valuenow``), so this number is hidden from it.
    """
    return f'<span class="ph-value" aria-hidden="true">{float(value):.0f}</span>'


def criterion_label(phrase: str, description: str, colour: str | None, *, before: str = "") -> str:
    """Return the text above a slider: the criterion's phrase, colour and meaning.

    ``before`` (plain text) says where the table and the room left it in the previous
    round.
    """
    was = f'<span class="ph-was">{escape(before)}</span>' if before else ""
    return (
        f'<div class="ph-criterion" data-criterion-label="{escape(capitalised(phrase))}">'
        f"{swatch(colour) if colour else ''}<b>{escape(capitalised(phrase))}</b>"
        f'<span class="ph-desc">{escape(description)}</span>{was}</div>'
    )


def legend(phrases: Sequence[str]) -> str:
    """Return the legend of the stacked bars."""
    items = "".join(
        f'<span style="margin-right:14px;display:inline-block;max-width:100%">'
        f"{swatch(colour_of(i))}"
        f"{escape(capitalised(phrase))}</span>"
        for i, phrase in enumerate(phrases)
    )
    return f'<div style="{FONT};font-size:13px;margin:4px 0 8px 0">{items}</div>'


def glossary(texts: Iterable[str], *, always: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Return the glossary entries whose term appears in ``texts`` (or is in ``always``).

    Parameters
    ----------
    texts : iterable of str
        The words on the page.
    always : sequence of str
        Terms to include whatever the texts say.

    Returns
    -------
    list of (term, explanation)
        In :data:`GLOSSARY` order.
    """
    text = " ".join(texts)
    return [
        (term, GLOSSARY[term])
        for term in GLOSSARY
        if term in always or _GLOSSARY_PATTERNS[term].search(text)
    ]


def glossary_html(entries: Sequence[tuple[str, str]], *, title: str = "Words used here") -> str:
    """Return the glossary as a definition list."""
    if not entries:
        return ""
    items = "".join(
        f"<dt>{escape(capitalised(term))}</dt><dd>{escape(capitalised(text))}</dd>"
        for term, text in entries
    )
    return f'{heading(title)}<dl class="ph-glossary">{items}</dl>'


def move_words(move: str, steps: int) -> str:
    """Return the marker of a move in the top list: arrow (hidden from readers) and words."""
    if move == "up":
        return (
            f'<span class="ph-move ph-up"><span aria-hidden="true">&#9650;</span> up {steps}</span>'
        )
    if move == "down":
        return (
            f'<span class="ph-move ph-down"><span aria-hidden="true">&#9660;</span> down {steps}'
            "</span>"
        )
    if move == "new":
        return '<span class="ph-move ph-new"><span aria-hidden="true">&#9733;</span> new</span>'
    if move == "same" and steps:
        return '<span class="ph-move ph-same">no change</span>'
    return ""


def top_list(
    *,
    items: Sequence[tuple[str, str, str, str, int]],
    size: int,
    version: int,
    left: Sequence[tuple[str, str, int]] = (),
    note: str = "",
) -> str:
    """Return "your top N": the table's shortlist with what moved and a line of facts each.

    Parameters
    ----------
    items : sequence of (id, label, facts, move, steps)
        In shortlist order; ``move`` is "up", "down", "new" or "same", ``steps`` how many
        places it moved (for "same", 1 shows "no change" and 0 shows nothing).
    size : int
        The shortlist size ("your top 5").
    version : int
        Increases with each rendering (``data-version`` on the root element).
    left : sequence of (id, label, rank)
        Candidates that were in the list before this change and are not now.
    note : str
        A plain-text note under the list (how the list is chosen).

    Returns
    -------
    str
    """
    rows = []
    for place, (candidate, label, facts, move, steps) in enumerate(items, start=1):
        facts_html = f'<div class="ph-facts">{escape(facts)}</div>' if facts else ""
        rows.append(
            f'<li data-candidate="{escape(candidate)}" data-move="{move}" data-place="{place}">'
            f'<span class="ph-place">{place}</span>'
            f'<div class="ph-item"><div class="ph-item-label">{escape(label)}'
            f"{move_words(move, steps)}</div>{facts_html}</div></li>"
        )
    gone = ""
    if left:
        names = "; ".join(
            f'<span data-candidate="{escape(c)}">{escape(label)} (now {_ordinal(rank)})</span>'
            for c, label, rank in left
        )
        ids = " ".join(escape(c) for c, _, _ in left)
        gone = (
            f'<p class="ph-note ph-left" data-left="{ids}"><span class="ph-down">'
            f'<span aria-hidden="true">&#9660;</span> Left your list:</span> {names}</p>'
        )
    note_html = f'<p class="ph-note">{escape(note)}</p>' if note else ""
    return (
        f'<div class="ph-top" data-version="{version}" data-size="{size}" role="region" '
        f'aria-label="Your top {size}"><h2>Your top {size}</h2>'
        f"<ol>{''.join(rows)}</ol>{gone}{note_html}</div>"
    )


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ranking_table(
    *,
    ids: Sequence[str],
    labels: Sequence[str],
    phrases: Sequence[str],
    scores: np.ndarray,
    contributions: np.ndarray,
    ranks: np.ndarray,
    positions: np.ndarray,
    related_to: np.ndarray,
    size: int,
    version: int,
    title: str,
) -> str:
    """Return the participant's full ranking: rank, candidate, score and each criterion's part.

    Parameters
    ----------
    ids, labels : sequence of str
        Candidate ids and labels, in the scoring model's order.
    phrases : sequence of str
        The criteria's short phrases, in the contributions' column order.
    scores : numpy.ndarray
        Scores (0 to 1), model order.
    contributions : numpy.ndarray
        Shape (candidates, criteria): each criterion's part of each score.
    ranks : numpy.ndarray
        1-based ranks, model order.
    positions : numpy.ndarray
        Each candidate's place in the shortlist (1, 2, ...), 0 when not shortlisted.
    related_to : numpy.ndarray
        For a candidate passed over because its group of people already has a shortlisted
        item, that item's place; 0 otherwise.
    size : int
        Shortlist size.
    version : int
        Increases with each rendering (``data-version``), so a browser can tell a new
        table from the old.
    title : str
        The caption.

    Returns
    -------
    str
    """
    order = np.argsort(ranks, kind="stable")
    count = len(CRITERION_COLOURS)
    last = max((i for i, index in enumerate(order) if positions[index] > 0), default=-1)
    close = close_call_words(
        labels=labels, scores=scores, ranks=ranks, positions=positions, related_to=related_to
    )
    cut = f"Your top {size} ends here" + (f". {close}" if close else "")
    rows = []
    for row, index in enumerate(order):
        rank = int(ranks[index])
        place = int(positions[index])
        parts = contributions[index]
        segments = "".join(
            f'<span class="ph-c{j % count}" style="width:{parts[j] * 100:.2f}%" '
            f'title="{escape(phrases[j])}: {parts[j] * 100:.1f}"></span>'
            for j in range(parts.size)
            if parts[j] > 0
        )
        if place:
            marker = f'<span class="ph-star"> &#9733; number {place} in your top {size}</span>'
        elif related_to[index]:
            marker = (
                f'<span class="ph-related"> (same group of people as number '
                f"{int(related_to[index])})</span>"
            )
        else:
            marker = ""
        row_class = ' class="ph-in"' if place else ""
        rows.append(
            f'<tr data-candidate="{escape(ids[index])}" data-rank="{rank}" '
            f'data-position="{place}"{row_class}><td class="ph-num">{rank}</td>'
            f"<td>{escape(labels[index])}{marker}</td>"
            f'<td class="ph-num">{points(float(scores[index]))}</td>'
            f'<td style="width:34%"><div class="ph-bar">{segments}</div></td></tr>'
        )
        if row == last and row + 1 < len(order):
            rows.append(
                f'<tr class="ph-cut" data-close="{"true" if close else "false"}">'
                f'<td colspan="4">{escape(cut)}</td></tr>'
            )
    return (
        f'<div class="pophealth-ranking ph-root" data-version="{version}" data-size="{size}">'
        f'<div class="ph-title">{escape(title)}</div>'
        f"{legend(phrases)}"
        + scrolling(
            '<table class="ph-table"><thead><tr>'
            '<th class="ph-num">Place</th><th>Priority</th>'
            '<th class="ph-num">Score out of 100</th><th>What the score is made of</th></tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>",
            title,
        )
        + "</div>"
    )


def message(text: str, *, kind: str = "info", error: str | None = None) -> str:
    """Return a short boxed message; ``kind`` is "info", "success" or "error".

    Parameters
    ----------
    text : str
        The message's HTML (escape text first).
    kind : {"info", "success", "error"}
        Sets the colours.
    error : str, optional
        When given, the box carries ``data-error="<error>"`` (what kind of failure), so a
        browser test finds it.
    """
    colours = {
        "info": (NHS_BLUE, INFO_FILL),
        "success": (NHS_AQUA_GREEN, SUCCESS_FILL),
        "error": (NHS_RED, ERROR_FILL),
    }
    border, fill = colours[kind]
    role = "alert" if kind == "error" else "status"
    marker = f' data-error="{escape(error)}"' if error is not None else ""
    return (
        f'<div role="{role}"{marker} style="{FONT};border-left:5px solid {border};'
        f'background:{fill};padding:8px 12px;margin:6px 0">{text}</div>'
    )


def heading(text: str, *, level: int = 2) -> str:
    """Return a heading in NHS Dark Blue (a real ``h1``-``h3``, so screen readers list it)."""
    size = {1: 26, 2: 20, 3: 16}[level]
    return (
        f'<h{level} style="{FONT};color:{NHS_DARK_BLUE};font-size:{size}px;font-weight:bold;'
        f'margin:14px 0 4px 0;line-height:1.25">{escape(text)}</h{level}>'
    )


def note(text: str) -> str:
    """Return a short note in small grey type (plain text, escaped)."""
    return f'<p class="ph-note" style="{FONT};font-size:13px;margin:2px 0 6px 0">{escape(text)}</p>'


#: What a wide table's block is called while it scrolls, after what the table holds.
SCROLL_HINT = ": scroll sideways to see all"


def scrolling(html: str, label: str) -> str:
    """Wrap a wide table so that, on a narrow screen, it scrolls sideways inside its block.

    Nothing is cut off: the page around it stays the screen's width (a phone at 390 px),
    and the table can be moved sideways with a finger or the keyboard: the block is a tab
    stop and a region named "<label>: scroll sideways to see all", wherever the widget is
    shown (Voila, JupyterLab, a notebook). Served by the toolkit's Voila template, the
    page takes the tab stop, role and name away while the table fits its block, and gives
    them back when it is wider again (as the page changes and the window is resized), so
    that a table that fits is no tab stop there.

    Parameters
    ----------
    html : str
        The table's HTML.
    label : str
        What the table holds, in words ("All the priorities in order"): the region's
        name, different for each table on a page.

    Returns
    -------
    str
        The block's HTML.
    """
    return (
        f'<div class="ph-scroll" tabindex="0" role="region" '
        f'aria-label="{escape(label + SCROLL_HINT)}" data-label="{escape(label)}" '
        f'style="overflow-x:auto;max-width:100%">{html}</div>'
    )


def paragraph(text: str) -> str:
    """Return a paragraph of plain text (escaped)."""
    return f'<p style="{FONT};font-size:14px;margin:4px 0">{escape(text)}</p>'


def simple_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    shade: Sequence[Sequence[str | None]] | None = None,
    row_attributes: Sequence[str] | None = None,
    caption: str | None = None,
    table_class: str = "",
    header_titles: Sequence[str | None] | None = None,
) -> str:
    """Return a plain HTML table; cells are HTML already (escape text before passing it).

    Parameters
    ----------
    header : sequence of str
        Column headings (escaped here).
    rows : sequence of sequence of str
        Cell HTML.
    shade : sequence of sequence of str or None, optional
        Per cell, an inline style to add (a background colour, say), or None.
    row_attributes : sequence of str, optional
        Per row, extra attributes for the ``<tr>`` (``data-candidate="..."``).
    caption : str, optional
        A caption (escaped here).
    table_class : str
        A class for the table, so tests and browsers can find it.
    header_titles : sequence of str or None, optional
        Per heading, a longer name (``title`` and ``abbr``), for short headings such as
        "T1".

    Returns
    -------
    str
    """
    heads = []
    for i, text in enumerate(header):
        title = header_titles[i] if header_titles is not None else None
        extra = f' title="{escape(title)}" abbr="{escape(title)}"' if title else ""
        heads.append(f'<th scope="col" style="{HEAD}"{extra}>{escape(text)}</th>')
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            extra = shade[r][c] if shade is not None and shade[r][c] else ""
            cells.append(f'<td style="{CELL};{extra}">{cell}</td>')
        attributes = f" {row_attributes[r]}" if row_attributes is not None else ""
        body.append(f"<tr{attributes}>{''.join(cells)}</tr>")
    caption_html = (
        f'<caption style="{FONT};text-align:left;font-weight:bold;padding:4px 0">'
        f"{escape(caption)}</caption>"
        if caption
        else ""
    )
    return (
        f'<table class="{escape(table_class)}" style="{TABLE}">{caption_html}<thead><tr>'
        f"{''.join(heads)}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
