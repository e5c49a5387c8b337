"""What the board report's sections share: the linked protection of their tables.

The job of this module is the step every table and chart of the report takes before it is
shown: checking that its counts are those the report's linked tables hold
(:mod:`toolkit.report.linked`), finding the cells the linked protection hides and each
cell's figure key, and keeping a chart to the rows and cells its table shows. It also holds
the few constants and wording helpers the sections share (:mod:`toolkit.report.sections`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit import _words
from toolkit.report.linked import LinkedTables, hidden_cells
from toolkit.report.tables import (
    TOTAL_ROW,
    BoardTable,
    BoardText,
    TableColumn,
    board_table,
    disclose,
)

if TYPE_CHECKING:
    from toolkit.indicators import DeprivationProfile

#: Emergency admissions are the outcome the report follows across deprivation and places.
EVENTS = "emergency_admissions"

#: Rates by deprivation and place are per this many people a year.
RATE_MULTIPLIER = 100_000


def _linked(
    linked: LinkedTables | None,
    table: str,
    figures: pd.DataFrame,
    rows: Sequence[object],
    columns: Mapping[str, str],
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Return the cells the linked protection hides and each cell's figure key.

    The counts of ``figures`` must be those the linked tables hold: protection worked out
    on other numbers would protect nothing, so a difference is an error.
    """
    if linked is None:
        return None, None
    keys = pd.DataFrame(
        {
            column: [
                f"{table}/{row}/{part}"
                if f"{table}/{row}/{part}" in linked.cells
                or f"{table}/{row}/{part}" in linked.ratios
                else None
                for row in rows
            ]
            for column, part in columns.items()
        },
        index=figures.index,
        dtype="object",
    )
    for column in columns:
        for label, key in keys[column].items():
            if key in linked.cells and linked.value(key) != int(figures.at[label, column]):
                raise RuntimeError(
                    f"The report's {table} table shows {figures.at[label, column]} for {key}, "
                    f"but its linked tables hold {linked.value(key)}: disclosure control "
                    "across the report was worked out on other figures."
                )
    hidden = hidden_cells(linked, table, rows, columns, figures.index)
    return hidden, keys


def _key_part(value: object) -> object:
    """Return a row's name as its linked keys spell it: whole numbers without a point.

    A column of deciles beside a total row is float (the total's decile is missing), so
    decile 1 reads ``1.0``; the keys say ``deprivation/1/...``.
    """
    if isinstance(value, bool | np.bool_):
        return value
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _rows(figures: pd.DataFrame, column: str) -> list[object]:
    """Row names of a table's keys: its ``column`` for each row, "total" for the total row."""
    return [
        "total" if label == TOTAL_ROW else _key_part(value)
        for label, value in zip(figures.index, figures[column], strict=True)
    ]


#: Segment table columns -> the last part of their linked keys.
_SEGMENT_KEYS = {
    "persons": "persons",
    EVENTS: EVENTS,
    "deaths": "deaths",
    "emergency_admissions_per_1000": "per_1000",
    "share_of_population": "share_of_population",
    f"{EVENTS}_share": f"{EVENTS}_share",
}
_DEPRIVATION_KEYS = {"population": "persons", "events": EVENTS}
_PLACE_KEYS = {
    "persons": "persons",
    "events": EVENTS,
    "core20_population_share": "core20_population_share",
}

#: Each of the report's tables in the linked keys: the column naming its rows and the last
#: part of its columns' keys.
_TABLE_KEYS: dict[str, tuple[str, Mapping[str, str]]] = {
    "segments": ("segment", _SEGMENT_KEYS),
    "deprivation": ("decile", _DEPRIVATION_KEYS),
    "places": ("place", _PLACE_KEYS),
}


def _protection(
    linked: LinkedTables | None, table: str, figures: pd.DataFrame
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Return the cells of one of the report's tables the linked protection hides, and keys.

    ``table`` is "segments", "deprivation" or "places" (:func:`_linked` for the rest).
    """
    column, parts = _TABLE_KEYS[table]
    rows = _rows(figures, column)
    hidden, keys = _linked(linked, table, figures, rows, parts)
    if linked is not None and keys is not None:
        _check_keys(linked, table, figures, rows, parts, keys)
    return hidden, keys


#: The parts of a table's keys that are counts (as opposed to rates and shares).
_COUNT_PARTS = frozenset({"persons", EVENTS, "deaths"})


def _check_keys(
    linked: LinkedTables,
    table: str,
    figures: pd.DataFrame,
    rows: Sequence[object],
    parts: Mapping[str, str],
    keys: pd.DataFrame,
) -> None:
    """Fail loudly when a table's rows are not the rows its linked tables protect.

    A row whose keys are spelt otherwise than the linked tables' (``deprivation/1.0``
    for ``deprivation/1``) would be shown with no linked protection at all, silently;
    so a table none of whose cells is registered, or a row showing a count of one or
    more whose key is not registered, stops the report.
    """
    if figures.empty:
        return
    if not keys.notna().to_numpy().any():
        raise RuntimeError(
            f"None of the rows of the report's {table} table ({_words.listed(rows, most=5)}) "
            "is among its linked tables' cells, so the disclosure control across the report "
            "would hide nothing in it."
        )
    for column, part in parts.items():
        if part not in _COUNT_PARTS or column not in figures.columns:
            continue
        for row, (label, value) in zip(rows, figures[column].items(), strict=True):
            if keys.at[label, column] is None and pd.notna(value) and float(value) >= 1:
                raise RuntimeError(
                    f"The report's {table} table shows {column} for {row!r}, but its linked "
                    f"tables have no cell {table}/{row}/{part}: it would be shown without "
                    "the disclosure control across the report."
                )


def _linked_table(
    figures: pd.DataFrame,
    *,
    table: str,
    columns: Sequence[TableColumn],
    caption: str,
    threshold: int,
    notes: Sequence[str],
    linked: LinkedTables | None = None,
    shown: pd.DataFrame | None = None,
) -> BoardTable:
    """Return one of the report's tables of figures with a total row, protected as linked.

    ``table`` is "segments", "deprivation" or "places"; the cells the linked protection
    hides are those of ``figures``. ``shown`` is the table as shown when its words differ
    from the figures' (places under their short labels); the figures by default.
    """
    hidden, keys = _protection(linked, table, figures)
    return board_table(
        figures if shown is None else shown,
        columns=columns,
        caption=caption,
        threshold=threshold,
        total_row=TOTAL_ROW,
        notes=notes,
        hidden=hidden,
        figure_keys=keys,
    )


def _chart_rows(
    figures: pd.DataFrame,
    *,
    table: str,
    columns: Sequence[TableColumn],
    threshold: int,
    linked: LinkedTables | None = None,
) -> pd.DataFrame:
    """Return the rows a chart of a table may show: suppressed as the table is, no total row."""
    hidden, _ = _protection(linked, table, figures)
    return disclose(
        figures, columns=columns, threshold=threshold, total_row=TOTAL_ROW, hidden=hidden
    ).drop(index=TOTAL_ROW)


def _labels(segments: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    mapping = dict(labels or {})
    return segments.astype("object").map(lambda code: mapping.get(code, str(code)))


def _join(parts: Sequence[BoardText]) -> BoardText:
    result = parts[0]
    for part in parts[1:]:
        result = result + part
    return result


def _no_people(
    places: Sequence[str],
    labels: Mapping[str, str] | None = None,
    *,
    board: bool = False,
    table: bool = False,
) -> str:
    """Say that these places have no registered people: for real data, a missing extract.

    The analyst is asked to check the extract; the board (``board``) is told what the
    report's counts leave out, and under the place table (``table``) that the table leaves
    them out, as page 1's counts do.
    """
    names = [(labels or {}).get(place, place) for place in places]
    verb = "has" if len(names) == 1 else "have"
    if board or table:
        them = "it" if len(names) == 1 else "them"
        leave = "the table leaves" if table else "the counts above leave"
        return (
            f"{_words.listed(names, most=10)} {verb} no registered people in the data, so "
            f"{leave} {them} out."
        )
    return (
        f"{_words.listed(names, most=10)} {verb} no registered people in the data: "
        "check the extract."
    )


def too_few_deciles(profile: DeprivationProfile, *, short: bool = False) -> str | None:
    """Say why the SII and RII cannot be worked out, when the system spans too few deciles.

    Parameters
    ----------
    profile : DeprivationProfile
        Emergency admissions by deprivation.
    short : bool, default False
        The few words of a chart's subtitle instead of a sentence.

    Returns
    -------
    str or None
        In plain words, that the slope and relative index of inequality cannot be worked
        out because the system's neighbourhoods fall in too few of England's 10 deprivation
        deciles; ``None`` when they were worked out, or are missing for another reason
        (which the profile's note gives).
    """
    from toolkit.indicators.sii import MIN_QUANTILES

    row = profile.sii.iloc[0]
    deciles = int(row["quantiles"])
    if np.isfinite(row["sii"]) or deciles >= MIN_QUANTILES:
        return None
    if short:
        return (
            f"SII and RII not worked out: people in only {deciles} of the 10 deciles "
            f"({MIN_QUANTILES} or more needed)"
        )
    return (
        "The slope and relative index of inequality cannot be worked out: the system's "
        f"neighbourhoods fall in only {deciles} of England's 10 deprivation deciles "
        f"({MIN_QUANTILES} or more are needed)."
    )
