"""HTML for the workshop views, built from numpy arrays and plain values.

The participant's ranking and its bar chart are one HTML table re-written on each slider
release: string formatting over a few dozen rows takes well under a millisecond, where
re-plotting a matplotlib figure takes tens. Colours are NHS identity colours chosen to
differ in lightness from their neighbours, so the stacked bars read in greyscale and for
colour-blind readers; every bar segment also carries its value in a tooltip and the
legend names each colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

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

FONT = "font-family: Arial, Helvetica, sans-serif; color: " + NHS_BLACK
SHORTLIST_FILL = "#DCEBF7"

#: The views' style sheet, sent once in its own HTML widget; the tables re-drawn on each
#: slider release then carry class names only, which keeps each update small.
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
    "</style>"
)

# Inline styles for the facilitator's tables (re-drawn on refresh, not on a slider).
TABLE = f"border-collapse: collapse; width: 100%; {FONT}; font-size: 14px"
CELL = f"padding: 4px 8px; border-bottom: 1px solid {NHS_PALE_GREY}; vertical-align: middle"
HEAD = f"padding: 6px 8px; text-align: left; background: {NHS_DARK_BLUE}; color: {NHS_WHITE}"


def colour_of(index: int) -> str:
    """Return the colour of the criterion at ``index``."""
    return CRITERION_COLOURS[index % len(CRITERION_COLOURS)]


def swatch(colour: str) -> str:
    """Return a small coloured square for legends."""
    return (
        f'<span style="display:inline-block;width:12px;height:12px;background:{colour};'
        f'border:1px solid {NHS_DARK_GREY};margin-right:6px;vertical-align:middle"></span>'
    )


def sentence_case(text: str) -> str:
    """Capitalise the first letter only."""
    return text[:1].upper() + text[1:]


def criterion_label(phrase: str, description: str, colour: str | None) -> str:
    """Return the text beside a slider: the criterion's phrase, colour and meaning."""
    return (
        f'<div style="{FONT};line-height:1.3">{swatch(colour) if colour else ""}'
        f"<b>{escape(sentence_case(phrase))}</b>"
        f'<br><span style="color:{NHS_DARK_GREY};font-size:13px">{escape(description)}</span></div>'
    )


def legend(phrases: Sequence[str]) -> str:
    """Return the legend of the stacked bars."""
    items = "".join(
        f'<span style="margin-right:14px;white-space:nowrap">{swatch(colour_of(i))}'
        f"{escape(sentence_case(phrase))}</span>"
        for i, phrase in enumerate(phrases)
    )
    return f'<div style="{FONT};font-size:13px;margin:4px 0 8px 0">{items}</div>'


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
    """Return the participant's ranking: rank, candidate, score and each criterion's part.

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
        For a candidate passed over because its cohort already has a shortlisted item,
        that item's place; 0 otherwise.
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
            marker = f'<span class="ph-star"> &#9733; priority {place}</span>'
        elif related_to[index]:
            marker = (
                f'<span class="ph-related"> (same cohort as priority {int(related_to[index])})'
                "</span>"
            )
        else:
            marker = ""
        row_class = ' class="ph-in"' if place else ""
        rows.append(
            f'<tr data-candidate="{escape(ids[index])}" data-rank="{rank}" '
            f'data-position="{place}"{row_class}><td class="ph-num">{rank}</td>'
            f"<td>{escape(labels[index])}{marker}</td>"
            f'<td class="ph-num">{scores[index] * 100:.1f}</td>'
            f'<td style="width:34%"><div class="ph-bar">{segments}</div></td></tr>'
        )
        if row == last and row + 1 < len(order):
            rows.append(
                f'<tr class="ph-cut"><td colspan="4">Shortlist of {size} ends here</td></tr>'
            )
    return (
        f'<div class="pophealth-ranking ph-root" data-version="{version}" data-size="{size}">'
        f'<div class="ph-title">{escape(title)}</div>'
        f"{legend(phrases)}"
        '<table class="ph-table"><thead><tr>'
        '<th class="ph-num">Rank</th><th>Candidate priority</th>'
        '<th class="ph-num">Score (0-100)</th><th>What the score is made of</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def message(text: str, *, kind: str = "info") -> str:
    """Return a short boxed message; ``kind`` is "info", "success" or "error"."""
    colours = {
        "info": (NHS_BLUE, "#E8F1FA"),
        "success": (NHS_AQUA_GREEN, "#E5F6F4"),
        "error": (NHS_RED, "#FBEAE8"),
    }
    border, fill = colours[kind]
    return (
        f'<div role="status" style="{FONT};border-left:5px solid {border};background:{fill};'
        f'padding:8px 12px;margin:6px 0">{text}</div>'
    )


def heading(text: str, *, level: int = 2) -> str:
    """Return a heading in NHS Dark Blue."""
    size = {1: 26, 2: 20, 3: 16}[level]
    return (
        f'<div style="{FONT};color:{NHS_DARK_BLUE};font-size:{size}px;font-weight:bold;'
        f'margin:14px 0 4px 0">{escape(text)}</div>'
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

    Returns
    -------
    str
    """
    head = "".join(f'<th style="{HEAD}">{escape(text)}</th>' for text in header)
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
        f'<table class="{escape(table_class)}" style="{TABLE}">{caption_html}<thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
