"""Tables and text for a board: formatted figures, disclosure control, plain text and HTML.

A :class:`BoardTable` shows in a notebook as HTML and carries the same figures as plain text,
which is what nbval compares when it re-executes the report: the figures a board reads are
the figures CI checks. Every cell of a table is marked with its kind (``data-kind="count"``
for counts of people or events), so that a test, and the report builder, can scan the HTML
for a small count that escaped suppression.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.disclosure import small_counts
from toolkit.prioritise.theme_measures import format_money
from toolkit.report.disclosure import (
    SUPPRESSED_SYMBOL,
    SUPPRESSION_NOTE,
    blank_where,
    suppress_counts,
)

ColumnKind = Literal[
    "text",
    "count",
    "estimate",
    "money",
    "money_estimate",
    "money_millions",
    "rate",
    "share",
    "percent",
    "ratio",
    "ratio_times",
    "score",
    "rank",
    "years",
]

#: Shown where a figure is not available (not published, not applicable).
NOT_AVAILABLE = "[x]"
#: The note a table carries when a figure shows :data:`NOT_AVAILABLE` (``mark``) and the
#: caller gives no note of its own starting with it.
NOT_AVAILABLE_NOTE = "{mark}: figure not available."

#: Index label of the row :func:`add_total_row` adds.
TOTAL_ROW = "total"


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _minus(shown: str) -> str:
    """Write a leading hyphen-minus as the true minus sign ("−4"), as the money is written."""
    return f"\u2212{shown[1:]}" if shown.startswith("-") else shown


def _estimate(value: float) -> str:
    """Return an estimate to the whole number, with the true minus sign ("−4", "1,250")."""
    shown = _minus(_whole(value))
    return "0" if shown == "\u22120" else shown


def format_rate(value: float) -> str:
    """Format a rate as a board reads it: whole from 100 up, to one decimal below.

    Parameters
    ----------
    value : float
        A rate (per 1,000 or 100,000 people, or admissions against those expected).

    Returns
    -------
    str
        ``"14,937"`` for 14,936.8 and ``"45.3"`` for 45.27: a rate of a hundred or more is
        not known to a tenth. A negative rate has the true minus sign.

    Examples
    --------
    >>> format_rate(14_936.8), format_rate(45.27), format_rate(99.96), format_rate(-120.4)
    ('14,937', '45.3', '100', '−120')
    """
    digits = 0 if abs(round(value, 1)) >= 100 else 1
    shown = f"{value:,.{digits}f}"
    if float(shown.replace(",", "")) == 0:  # -0.04 is "0.0", not "−0.0"
        shown = shown.lstrip("-")
    return _minus(shown)


def _pounds(value: float, digits: int = 0, scale: float = 1.0, unit: str = "") -> str:
    """Pounds with the sign before the pound sign: ``£1,250``, ``−£11,407``, ``£13.7m``."""
    shown = f"£{abs(value) / scale:,.{digits}f}{unit}"
    return f"\u2212{shown}" if value < 0 and shown.strip("£0.,m") else shown


def _rounded_pounds(value: float) -> str:
    """Format an estimate in pounds as a board reads it: ``£1.4m``, ``£676k``, ``−£20k``.

    Rounded as the toolkit words money for a board
    (:func:`toolkit.prioritise.theme_measures.format_money`), so that a table beside "about
    £1.4m" does not show ``£1,438,512``: an estimate is not known to the pound.
    """
    shown = format_money(abs(value))
    return f"\u2212{shown}" if value < 0 and shown.strip("£0.,kmbn") else shown


#: How each kind of column is formatted: thousands separators, pounds, per cent.
#: ``"money"`` is to the pound (a cost per head); ``"money_estimate"`` and
#: ``"money_millions"`` are rounded as a board reads a sum (``£1.4m``, ``£676k``, ``£45k``:
#: :func:`toolkit.prioritise.theme_measures.format_money`). Rates of 100 or more are whole
#: numbers (:func:`format_rate`); estimates and rates have the true minus sign.
FORMATS: dict[str, Callable[[float], str]] = {
    "count": _whole,
    "estimate": _estimate,
    "money": _pounds,
    "money_estimate": _rounded_pounds,
    "money_millions": _rounded_pounds,
    "rate": format_rate,
    "share": lambda value: f"{100 * value:.1f}%",
    "percent": lambda value: f"{100 * value:.0f}%",
    "ratio": lambda value: f"{value:.2f}",
    "ratio_times": lambda value: f"{value:.1f} times",
    "score": lambda value: f"{value:.3f}",
    "rank": lambda value: f"{value:.0f}",
    "years": lambda value: f"{value:.1f}",
}


@dataclass(frozen=True)
class TableColumn:
    """One column of a board table.

    Attributes
    ----------
    source : str
        Column of the data.
    header : str
        Heading shown to the board, with its units ("Emergency admissions per 1,000").
    kind : str
        How it is formatted (see :data:`FORMATS`); ``"count"`` marks counts of people or
        events, which are suppressed below the disclosure threshold.
    depends_on : str or tuple of str, optional
        The count column(s) this figure is computed from (a rate, share or limit): hidden
        wherever any of them is suppressed (a rate per 1,000 people with its admissions
        shown would reveal the people).
    """

    source: str
    header: str
    kind: ColumnKind = "text"
    depends_on: str | tuple[str, ...] | None = None

    @property
    def inputs(self) -> tuple[str, ...]:
        """The count columns this figure is computed from (empty for a count or text)."""
        if self.depends_on is None:
            return ()
        return (self.depends_on,) if isinstance(self.depends_on, str) else tuple(self.depends_on)

    def __post_init__(self) -> None:
        if self.kind != "text" and self.kind not in FORMATS:
            raise ValueError(
                f"The 'kind' parameter of TableColumn must be 'text' or one of "
                f"{sorted(FORMATS)}. Got {self.kind!r} instead."
            )


@dataclass(frozen=True)
class BoardTable:
    """A table ready for a board: formatted cells, caption and notes, as text and HTML.

    Build one with :func:`board_table`. In a notebook it displays as HTML; its plain-text
    form (``str(table)``) holds the same figures.

    Attributes
    ----------
    cells : pandas.DataFrame
        The formatted cells (text), one column per :class:`TableColumn`, headed by its
        header.
    kinds : tuple of str
        Each column's kind.
    caption : str
        What the table shows, with the period.
    notes : tuple of str
        Footnotes (sources, symbols, what was suppressed).
    threshold : int
        The disclosure threshold applied.
    total_position : int or None
        Row of the totals, shown in bold.
    suppressed : pandas.DataFrame
        The suppressed counts (row, column, reason), for the record; values not kept.
    figure_keys : pandas.DataFrame, optional
        Each cell's key in the report's linked tables (text, same shape as ``cells``;
        missing where none), written as ``data-figure`` in the HTML.
    """

    cells: pd.DataFrame
    kinds: tuple[str, ...]
    caption: str
    notes: tuple[str, ...] = ()
    threshold: int = DISCLOSURE_THRESHOLD
    total_position: int | None = None
    suppressed: pd.DataFrame = field(default_factory=pd.DataFrame)
    figure_keys: pd.DataFrame | None = None

    def to_text(self) -> str:
        """Return the table as aligned plain text: caption, header, rows and notes."""
        body = self.cells.to_string(index=False, justify="right")
        parts = [self.caption, body, *self.notes]
        return "\n".join(part for part in parts if part)

    def to_html(self) -> str:
        """Return the table as HTML, each cell marked with its kind (``data-kind``)."""
        escape = html.escape
        head = "".join(
            f'<th scope="col" data-kind="{kind}">{escape(str(header))}</th>'
            for header, kind in zip(self.cells.columns, self.kinds, strict=True)
        )
        numeric = ' class="num"'
        rows = []
        keys = (
            self.figure_keys.astype("object").where(self.figure_keys.notna(), None)
            if self.figure_keys is not None
            else pd.DataFrame(None, index=self.cells.index, columns=self.cells.columns)
        )
        for position, (values, figures) in enumerate(
            zip(
                self.cells.itertuples(index=False, name=None),
                keys.itertuples(index=False, name=None),
                strict=True,
            )
        ):
            cells = "".join(
                f'<td data-kind="{kind}"{"" if kind == "text" else numeric}'
                f"{_figure_attribute(figure)}>"
                f"{escape(str(value))}</td>"
                for value, kind, figure in zip(values, self.kinds, figures, strict=True)
            )
            css = ' class="total"' if position == self.total_position else ""
            rows.append(f"<tr{css}>{cells}</tr>")
        notes = "".join(f'<p class="table-note">{escape(note)}</p>' for note in self.notes)
        return (
            '<figure class="board-table-figure">'
            f'<table class="board-table" data-disclosure-threshold="{self.threshold}">'
            f"<caption>{escape(self.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{notes}</figure>"
        )

    def __str__(self) -> str:
        return self.to_text()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:  # noqa: ARG002
        return {"text/plain": self.to_text(), "text/html": self.to_html()}


def _figure_attribute(figure: object) -> str:
    """Return ``data-figure="key"`` for a cell with a key in the report's linked tables."""
    if not isinstance(figure, str) or not figure:
        return ""
    return f' data-figure="{html.escape(figure)}"'


def _format_column(
    values: pd.Series, kind: str, suppressed: np.ndarray, missing_text: str
) -> list[str]:
    if kind == "text":
        return [
            SUPPRESSED_SYMBOL if hidden else ("" if value is None or value is pd.NA else str(value))
            for value, hidden in zip(values.astype("object").tolist(), suppressed, strict=True)
        ]
    formatter = FORMATS[kind]
    numbers = pd.to_numeric(values, errors="coerce").astype("Float64")
    shown = []
    for value, hidden in zip(numbers.tolist(), suppressed, strict=True):
        if hidden:
            shown.append(SUPPRESSED_SYMBOL)
        elif value is None or value is pd.NA or not math.isfinite(value):
            shown.append(missing_text)
        else:
            shown.append(formatter(float(value)))
    return shown


def _count_specs(
    specs: Sequence[TableColumn], function: str
) -> tuple[list[str], dict[str, list[str]]]:
    """Return the count columns and, for each, the columns computed from it."""
    count_columns = list(dict.fromkeys(spec.source for spec in specs if spec.kind == "count"))
    dependents: dict[str, list[str]] = {}
    for spec in specs:
        for source in spec.inputs:
            if source not in count_columns:
                raise ValueError(
                    f"{function}: column '{spec.source}' depends on '{source}', which "
                    "is not a count column of the table."
                )
            dependents.setdefault(source, []).append(spec.source)
    return count_columns, dependents


def _hidden_frame(hidden: pd.DataFrame | None, data: pd.DataFrame, function: str) -> pd.DataFrame:
    """Check the cells a caller hides (booleans, the data's index, some of its columns)."""
    if hidden is None:
        return pd.DataFrame(index=data.index)
    if not isinstance(hidden, pd.DataFrame) or not hidden.index.equals(data.index):
        raise ValueError(
            f"The 'hidden' parameter of {function} must be a DataFrame of booleans with the "
            "data's index."
        )
    unknown = [column for column in hidden.columns if column not in data.columns]
    if unknown:
        raise ValueError(
            f"The 'hidden' parameter of {function} names unknown column(s) {unknown!r}."
        )
    return hidden.fillna(False).astype(bool)


def disclose(
    data: pd.DataFrame,
    *,
    columns: Sequence[TableColumn],
    threshold: int = DISCLOSURE_THRESHOLD,
    total_row: Hashable | None = None,
    hidden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the figures with small counts, and what would reveal them, set missing.

    The numbers behind a :class:`BoardTable`, for a chart that must show no more than the
    table: the same suppression (:func:`toolkit.report.suppress_counts` on the columns of
    kind ``"count"``, hiding the columns that depend on them).

    Parameters
    ----------
    data : pandas.DataFrame
        The figures. Not changed.
    columns : sequence of TableColumn
        The table's columns: which are counts and which depend on them.
    threshold : int
        The disclosure threshold.
    total_row : hashable, optional
        Index label of the row of totals.
    hidden : pandas.DataFrame, optional
        Cells hidden whatever their value (booleans, the data's index): those that
        disclosure control across the whole report hides (:mod:`toolkit.report.linked`).
        Hidden counts take their dependent figures with them and count in the table's
        secondary suppression; other hidden cells are set missing.

    Returns
    -------
    pandas.DataFrame
        A new frame (see :func:`toolkit.report.suppress_counts`); unchanged figures when the
        columns include no count.
    """
    count_columns, dependents = _count_specs(list(columns), "disclose")
    extra = _hidden_frame(hidden, data, "disclose")
    if not count_columns:
        shown = data.copy()
    else:
        forced = extra[[c for c in extra.columns if c in count_columns]]
        shown = suppress_counts(
            data,
            count_columns=count_columns,
            threshold=threshold,
            total_row=total_row,
            dependent_columns=dependents,
            forced=forced if len(forced.columns) else None,
        )
    for column in extra.columns:
        if column in count_columns or not extra[column].any():
            continue
        shown[column] = blank_where(shown[column], extra[column].to_numpy())
    return shown


def board_table(
    data: pd.DataFrame,
    *,
    columns: Sequence[TableColumn],
    caption: str,
    threshold: int = DISCLOSURE_THRESHOLD,
    total_row: Hashable | None = None,
    notes: Sequence[str] = (),
    missing_text: str = NOT_AVAILABLE,
    hidden: pd.DataFrame | None = None,
    figure_keys: pd.DataFrame | None = None,
) -> BoardTable:
    """Format a table for a board, suppressing small counts and what would reveal them.

    Parameters
    ----------
    data : pandas.DataFrame
        The figures, one row per line of the table. Not changed.
    columns : sequence of TableColumn
        The columns to show, in order, with headings and kinds.
    caption : str
        What the table shows, including the period.
    threshold : int
        Disclosure threshold: counts from 1 to ``threshold - 1`` are suppressed, with
        secondary suppression against ``total_row`` (see
        :func:`toolkit.report.suppress_counts`).
    total_row : hashable, optional
        Index label of the row of totals (see :func:`add_total_row`).
    notes : sequence of str
        Footnotes. A note explaining ``[c]`` is added when a cell is suppressed, and one
        saying ``[x]`` is not available when a figure shows ``missing_text`` and no note
        starts with it (give one that says why, where the reason is known).
    missing_text : str
        Shown for a figure that is missing but not suppressed (``"[x]"``: not available).
    hidden : pandas.DataFrame, optional
        Cells suppressed whatever their value, because figures elsewhere in the report
        would reveal a small count through them (see :func:`disclose`); shown as ``[c]``.
    figure_keys : pandas.DataFrame, optional
        Keys of the cells in the report's linked tables (data's index, columns by
        ``source``), written into the HTML as ``data-figure``.

    Returns
    -------
    BoardTable
        The formatted table; ``str()`` gives its plain text, a notebook shows its HTML.
    """
    function = "board_table"
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"The 'data' parameter of {function} must be a pandas DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    specs = list(columns)
    if not specs or not all(isinstance(spec, TableColumn) for spec in specs):
        raise TypeError(
            f"The 'columns' parameter of {function} must be a non-empty sequence of "
            f"TableColumn. Got {columns!r} instead."
        )
    unknown = [spec.source for spec in specs if spec.source not in data.columns]
    if unknown:
        raise ValueError(f"{function}: the data have no column(s) {unknown!r}.")
    if not isinstance(caption, str) or not caption:
        raise TypeError(f"The 'caption' parameter of {function} must be a non-empty str.")
    if total_row is not None and total_row not in data.index:
        raise ValueError(
            f"The 'total_row' parameter of {function} must be a label of the data's index. "
            f"Got {total_row!r} instead."
        )
    count_columns, dependents = _count_specs(specs, function)
    table = data
    total_position = None if total_row is None else int(data.index.get_loc(total_row))
    extra = _hidden_frame(hidden, data, function)
    shown = disclose(table, columns=specs, threshold=threshold, total_row=total_row, hidden=extra)
    suppressed = shown.attrs.get("suppressed", pd.DataFrame(columns=["row", "column", "reason"]))
    hidden_cells: dict[str, np.ndarray] = {
        column: extra[column].to_numpy(dtype=bool)
        for column in extra.columns
        if column not in count_columns
    }
    for column in count_columns:
        hidden = shown[column].isna().to_numpy(dtype=bool)
        hidden_cells[column] = hidden
        for derived in dependents.get(column, []):
            hidden_cells[derived] = hidden_cells.get(derived, np.zeros(len(shown), bool)) | hidden
    cells = pd.DataFrame(
        {
            spec.header: _format_column(
                shown[spec.source],
                spec.kind,
                hidden_cells.get(spec.source, np.zeros(len(shown), dtype=bool)),
                missing_text,
            )
            for spec in specs
        },
        dtype="object",
    )
    notes = list(notes)
    if len(suppressed) or any(mask.any() for mask in hidden_cells.values()):
        notes.append(SUPPRESSION_NOTE.format(below=threshold - 1))
    shows_missing = bool(missing_text) and bool((cells == missing_text).to_numpy().any())
    if shows_missing and not any(note.startswith(missing_text) for note in notes):
        notes.append(NOT_AVAILABLE_NOTE.format(mark=missing_text))
    return BoardTable(
        cells=cells,
        kinds=tuple(spec.kind for spec in specs),
        caption=caption,
        notes=tuple(notes),
        threshold=int(threshold),
        total_position=total_position,
        suppressed=suppressed,
        figure_keys=None
        if figure_keys is None
        else pd.DataFrame(
            {
                spec.header: (
                    figure_keys[spec.source].to_numpy(dtype=object)
                    if spec.source in figure_keys.columns
                    else np.full(len(data), None, dtype=object)
                )
                for spec in specs
            }
        ),
    )


def add_total_row(
    table: pd.DataFrame,
    *,
    columns: Sequence[str],
    label_column: str,
    label: str = "All",
    ratios: Mapping[str, tuple[str, str, float]] | None = None,
) -> pd.DataFrame:
    """Return the table with a row of totals appended, labelled ``"total"`` in the index.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per group. Not changed.
    columns : sequence of str
        Columns to add up (counts, money).
    label_column : str
        Text column that names each row; the total row's says ``label``.
    label : str
        Name of the total row ("All", "System").
    ratios : mapping of str to (str, str, float), optional
        Columns recomputed on the total row as ``numerator / denominator * multiplier``
        (a rate per 1,000 or a cost per head); other columns are left missing.

    Returns
    -------
    pandas.DataFrame
        A new table: the rows with their index as it was, then the total row with index
        label :data:`TOTAL_ROW`.
    """
    function = "add_total_row"
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'table' parameter of {function} must be a pandas DataFrame. "
            f"Got {type(table).__name__} instead."
        )
    missing = [c for c in [*columns, label_column] if c not in table.columns]
    if missing:
        raise ValueError(f"{function}: the table has no column(s) {missing!r}.")
    if TOTAL_ROW in table.index:
        raise ValueError(f"{function}: the table already has a row labelled {TOTAL_ROW!r}.")
    totals: dict[str, object] = {column: table[column].sum() for column in columns}
    totals[label_column] = label
    for column, (numerator, denominator, multiplier) in (ratios or {}).items():
        total_denominator = float(totals.get(denominator, table[denominator].sum()))
        total_numerator = float(totals.get(numerator, table[numerator].sum()))
        totals[column] = (
            total_numerator / total_denominator * multiplier if total_denominator else np.nan
        )
    row = pd.DataFrame([totals], index=pd.Index([TOTAL_ROW]))
    body = table.set_axis(pd.Index(table.index, dtype="object"))
    return pd.concat([body, row], axis=0)


@dataclass(frozen=True)
class BoardText:
    """Text for a board: the same words as plain text (what nbval compares) and HTML.

    Attributes
    ----------
    text : str
        Plain text.
    html : str
        The HTML shown in the notebook and the report.
    """

    text: str
    html: str

    def __str__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:  # noqa: ARG002
        return {"text/plain": self.text, "text/html": self.html}

    def __add__(self, other: BoardText) -> BoardText:
        """Join two texts, one after the other."""
        if not isinstance(other, BoardText):
            return NotImplemented
        return BoardText(f"{self.text}\n{other.text}".strip("\n"), self.html + other.html)


@dataclass(frozen=True)
class Count:
    """A count of people or events inside a sentence: suppressed below the threshold.

    Attributes
    ----------
    value : float
        The count.
    hidden : bool
        Suppressed whatever its value (disclosure control across the report hides it).
    figure : str, optional
        The figure's key in the report's linked tables (:mod:`toolkit.report.linked`),
        written as ``data-figure`` in the HTML so that a check can read it back.
    """

    value: float
    hidden: bool = False
    figure: str | None = None


@dataclass(frozen=True)
class Shown:
    """A figure other than a count inside a sentence (a share, a rate), already formatted.

    Attributes
    ----------
    text : str
        The figure as the board reads it ("23%").
    hidden : bool
        Suppressed: shown as ``[c]`` (it would reveal a small count).
    figure : str, optional
        Its key in the report's linked tables, written as ``data-figure``.
    kind : str
        Its kind, written as ``data-kind`` ("share", "rate").
    """

    text: str
    hidden: bool = False
    figure: str | None = None
    kind: str = "share"


def sentence(
    *parts: str | Count | Shown,
    threshold: int = DISCLOSURE_THRESHOLD,
    tag: str = "p",
    css: str = "",
) -> BoardText:
    """Build a paragraph from text and counts, each count formatted and suppressed if small.

    Parameters
    ----------
    *parts : str, Count or Shown
        Pieces of the paragraph, in order; text is escaped for HTML.
    threshold : int
        Counts from 1 to ``threshold - 1`` show as ``[c]``.
    tag : str
        HTML element of the paragraph (``"p"``, ``"li"``, ``"h2"``...).
    css : str
        Class of the HTML element.

    Returns
    -------
    BoardText
        The paragraph; counts are marked ``data-kind="count"`` in its HTML.
    """
    texts, markup = [], []
    for part in parts:
        if isinstance(part, Count):
            value = float(part.value)
            small = part.hidden or bool(small_counts(value, threshold=threshold))
            shown = SUPPRESSED_SYMBOL if small else _whole(value)
            texts.append(shown)
            key = f' data-figure="{html.escape(part.figure)}"' if part.figure else ""
            markup.append(f'<span data-kind="count"{key}>{html.escape(shown)}</span>')
        elif isinstance(part, Shown):
            shown = SUPPRESSED_SYMBOL if part.hidden else part.text
            texts.append(shown)
            key = f' data-figure="{html.escape(part.figure)}"' if part.figure else ""
            markup.append(
                f'<span data-kind="{html.escape(part.kind)}"{key}>{html.escape(shown)}</span>'
            )
        else:
            texts.append(str(part))
            markup.append(html.escape(str(part)))
    attribute = f' class="{html.escape(css)}"' if css else ""
    return BoardText("".join(texts), f"<{tag}{attribute}>{''.join(markup)}</{tag}>")


def heading(text: str, *, level: int = 2) -> BoardText:
    """Return a heading (for headings that carry figures or names from the data)."""
    return BoardText(text, f"<h{level}>{html.escape(text)}</h{level}>")


def bullet_list(items: Sequence[BoardText], *, ordered: bool = False) -> BoardText:
    """Join paragraphs made with ``sentence(..., tag="li")`` into a list."""
    tag = "ol" if ordered else "ul"
    text = "\n".join(
        f"{f'{i}.' if ordered else '-'} {item.text}" for i, item in enumerate(items, 1)
    )
    return BoardText(text, f"<{tag}>{''.join(item.html for item in items)}</{tag}>")


__all__ = [
    "FORMATS",
    "NOT_AVAILABLE",
    "TOTAL_ROW",
    "BoardTable",
    "BoardText",
    "Count",
    "TableColumn",
    "add_total_row",
    "board_table",
    "bullet_list",
    "disclose",
    "format_rate",
    "heading",
    "sentence",
]
