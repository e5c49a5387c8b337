"""Disclosure control for counts that leave the analyst's session (board report, exports).

:func:`suppress_counts` applies the rule of ``METHODS.md`` ("Small numbers and disclosure") to
a table: every count from 1 to ``threshold - 1`` is suppressed (primary suppression), then
further cells are suppressed wherever a total shown in the same table would otherwise let a
reader work a suppressed count out by subtraction (secondary suppression).
:func:`find_small_counts` scans rendered HTML for a count that escaped, so that a report can
refuse to publish one.

Primary suppression is the rule of :func:`toolkit.disclosure.small_counts`, the one the maps
of :mod:`toolkit.places` follow too, so that a count hidden on a map is hidden in a table.
Zero is shown by default, as NHS Digital shows it in Hospital Episode Statistics and OHID in
Fingertips: a true zero names no one. ``zero="suppress"`` suppresses zeros too, for tables
where "nobody" is itself sensitive.

Our own code: no maintained Python library does cell suppression for small tables (the
statistical-disclosure packages ``sdcMicro`` and ``tau-ARGUS`` are R and Java), and the
tables a board report shows are small enough for plain loops over their margins.
"""

from __future__ import annotations

import html.parser
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.disclosure import (
    ZERO_POLICIES,
    ZeroPolicy,
    check_threshold,
    check_zero_policy,
    small_counts,
)

#: Shown in place of a suppressed count (the GSS/ONS symbol for "confidential").
SUPPRESSED_SYMBOL = "[c]"

#: Footnote for tables with suppressed cells.
SUPPRESSION_NOTE = (
    "[c] not shown to protect confidentiality: counts from 1 to {below} are suppressed, with "
    "any further figure that, with a total or another figure in this report, would reveal one."
)

#: Reasons recorded for each suppressed cell.
PRIMARY = "primary"
SECONDARY = "secondary"
LINKED = "linked"


def _count_values(table: pd.DataFrame, columns: list[str], function: str) -> np.ndarray:
    """Return the count columns as a float array, refusing text, missing, negative or fractions."""
    values = np.empty((len(table), len(columns)), dtype="float64")
    for position, column in enumerate(columns):
        series = table[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise TypeError(
                f"{function}: count column '{column}' must be numeric. Got dtype {series.dtype}."
            )
        numbers = series.astype("Float64")
        for problem, bad in (
            ("is missing", numbers.isna().to_numpy(dtype=bool)),
            ("is negative", (numbers < 0).fillna(False).to_numpy(dtype=bool)),
            ("is not a whole number", ((numbers % 1) != 0).fillna(False).to_numpy(dtype=bool)),
        ):
            if bad.any():
                rows = ", ".join(map(str, table.index[bad][:5].tolist()))
                raise ValueError(
                    f"{function}: count column '{column}' {problem} in {int(bad.sum()):,} row(s) "
                    f"(rows {rows}); counts to suppress must be whole numbers of 0 or more."
                )
        values[:, position] = numbers.to_numpy(dtype="float64")
    return values


@dataclass(frozen=True)
class _Group:
    """Cells that add up to a total shown in the same table (row and column positions)."""

    rows: np.ndarray
    columns: np.ndarray
    total: tuple[int, int]


def _groups(
    shape: tuple[int, int], total_position: int | None, total_column_position: int | None
) -> list[_Group]:
    rows, columns = shape
    groups: list[_Group] = []
    if total_position is not None:
        members = np.array([i for i in range(rows) if i != total_position], dtype=int)
        for j in range(columns):
            groups.append(_Group(members, np.full(len(members), j), (total_position, j)))
    if total_column_position is not None:
        members = np.array([j for j in range(columns) if j != total_column_position], dtype=int)
        for i in range(rows):
            groups.append(_Group(np.full(len(members), i), members, (i, total_column_position)))
    return groups


def _secondary(
    values: np.ndarray,
    suppressed: np.ndarray,
    groups: list[_Group],
    *,
    threshold: int,
    zero: ZeroPolicy,
) -> np.ndarray:
    """Suppress further cells until no shown total reveals a suppressed count.

    A group (cells adding up to a shown total) is safe when none of its cells is suppressed,
    or when at least two are and the suppressed cells add up to ``threshold`` or more (so
    that the total minus the shown cells tells a reader neither one suppressed value nor
    that all of them are small, by :func:`toolkit.disclosure.small_counts`: zeros count as
    small when they are suppressed). Otherwise
    the smallest shown cell that is not zero is suppressed too (a zero adds nothing to hide
    behind), and failing any, the total itself. Groups are revisited until all are safe, as
    a cell suppressed for one group can leave another with a single suppressed cell.
    """
    secondary = np.zeros_like(suppressed)
    changed = True
    while changed:
        changed = False
        for group in groups:
            if suppressed[group.total]:
                continue
            while True:
                hidden = suppressed[group.rows, group.columns]
                count = int(hidden.sum())
                if count == 0:
                    break
                hidden_sum = float(values[group.rows, group.columns][hidden].sum())
                if count >= 2 and not small_counts(hidden_sum, threshold=threshold, zero=zero):
                    break
                shown = ~hidden & (values[group.rows, group.columns] > 0)
                if shown.any():
                    candidates = np.flatnonzero(shown)
                    pick = candidates[np.argmin(values[group.rows, group.columns][candidates])]
                    cell = (group.rows[pick], group.columns[pick])
                else:
                    cell = group.total
                suppressed[cell] = True
                secondary[cell] = True
                changed = True
                if cell == group.total:
                    break
    return secondary


def suppress_counts(
    table: pd.DataFrame,
    *,
    count_columns: Sequence[str],
    threshold: int = DISCLOSURE_THRESHOLD,
    total_row: Hashable | None = None,
    total_column: str | None = None,
    secondary: bool = True,
    zero: ZeroPolicy = "show",
    dependent_columns: Mapping[str, Sequence[str]] | None = None,
    forced: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Suppress small counts, and the cells that would reveal them, before a table is shown.

    Parameters
    ----------
    table : pandas.DataFrame
        The table as it will be shown: one row per group, counts in ``count_columns``
        (whole numbers, 0 or more, none missing). Not changed.
    count_columns : sequence of str
        The columns of counts of people or events.
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed (primary suppression); 10 by
        default (:data:`toolkit.data.contract.DISCLOSURE_THRESHOLD`).
    total_row : hashable, optional
        Index label of a row holding each count column's total over the other rows.
    total_column : str, optional
        One of ``count_columns`` holding each row's total over the other count columns.
    secondary : bool
        Apply secondary suppression against the totals (True by default). Without a
        ``total_row`` or ``total_column`` there is nothing to subtract from and only
        primary suppression applies: pass the totals whenever the table shows them, or
        the report shows them elsewhere (add the row with
        :func:`toolkit.report.add_total_row`).
    zero : {"show", "suppress"}
        Show zeros (default, as NHS Digital and OHID do) or suppress them as small counts.
    dependent_columns : mapping of str to sequence of str, optional
        For a count column, the columns computed from it (its rate, share, limits) that
        are hidden wherever it is: a share of a known total reveals the count.
    forced : pandas.DataFrame, optional
        Cells to suppress whatever their value: booleans with the table's index and some of
        ``count_columns`` (the cells that disclosure control across the whole report,
        :class:`toolkit.report.linked.LinkedTables`, hides). They are suppressed before the
        table's own secondary suppression runs, and recorded with reason "linked".

    Returns
    -------
    pandas.DataFrame
        A new table with the same index and columns: suppressed cells are missing, count
        columns are nullable ``Int64`` and dependent numeric columns nullable ``Float64``.
        ``.attrs["suppressed"]`` lists each suppressed count (``row``, ``column`` and
        ``reason``, "primary" or "secondary"; not its value), ``.attrs["threshold"]`` the
        threshold.

    Raises
    ------
    TypeError
        An option has the wrong type, or a count column is not numeric.
    ValueError
        An option names a column or row the table does not have, or a count is missing,
        negative or not whole (the message names the column and rows).

    Notes
    -----
    A group of cells adding up to a shown total is left with no suppressed cell, or with
    at least two whose sum is ``threshold`` or more; otherwise the smallest shown non-zero
    cell is suppressed too, or the total when there is none. The table's totals are not
    checked against its cells: a total that also counts people shown nowhere else (an
    unknown decile, say) only makes subtraction harder.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"people": [4, 120, 300, 424]}, index=["a", "b", "c", "Total"])
    >>> suppress_counts(table, count_columns=["people"], total_row="Total")["people"].tolist()
    [<NA>, <NA>, 300, 424]
    """
    function = "suppress_counts"
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'table' parameter of {function} must be a pandas DataFrame. "
            f"Got {type(table).__name__} instead."
        )
    if isinstance(count_columns, str) or not isinstance(count_columns, Sequence):
        raise TypeError(
            f"The 'count_columns' parameter of {function} must be a sequence of column names. "
            f"Got {count_columns!r} instead."
        )
    columns = list(count_columns)
    missing = [column for column in columns if column not in table.columns]
    if not columns or missing or len(set(columns)) != len(columns):
        raise ValueError(
            f"The 'count_columns' parameter of {function} must name columns of the table, "
            f"each once. Got {columns!r} instead (missing: {missing!r})."
        )
    threshold = check_threshold(threshold, function=function)
    if not isinstance(secondary, bool):
        raise TypeError(
            f"The 'secondary' parameter of {function} must be a bool. Got {secondary!r} instead."
        )
    check_zero_policy(zero, function=function)
    if not table.index.is_unique:
        raise ValueError(f"{function}: the table's index must be unique to name its rows.")
    total_position = None
    if total_row is not None:
        if total_row not in table.index:
            raise ValueError(
                f"The 'total_row' parameter of {function} must be a label of the table's index. "
                f"Got {total_row!r} instead."
            )
        total_position = int(table.index.get_loc(total_row))
    total_column_position = None
    if total_column is not None:
        if total_column not in columns:
            raise ValueError(
                f"The 'total_column' parameter of {function} must be one of count_columns. "
                f"Got {total_column!r} instead."
            )
        total_column_position = columns.index(total_column)
    dependents = dict(dependent_columns or {})
    for source, derived in dependents.items():
        if source not in columns or isinstance(derived, str):
            raise ValueError(
                f"The 'dependent_columns' parameter of {function} must map count columns to "
                f"sequences of columns. Got {source!r}: {derived!r} instead."
            )
        unknown = [column for column in derived if column not in table.columns]
        if unknown:
            raise ValueError(
                f"The 'dependent_columns' parameter of {function} names columns the table does "
                f"not have: {unknown!r}."
            )

    values = _count_values(table, columns, function)
    suppressed = small_counts(values, threshold=threshold, zero=zero)
    primary = suppressed.copy()
    linked = np.zeros_like(suppressed)
    if forced is not None:
        if not isinstance(forced, pd.DataFrame) or not forced.index.equals(table.index):
            raise ValueError(
                f"The 'forced' parameter of {function} must be a DataFrame of booleans with "
                "the table's index."
            )
        for column in forced.columns:
            if column not in columns:
                raise ValueError(
                    f"The 'forced' parameter of {function} names {column!r}, which is not one "
                    "of count_columns."
                )
            position = columns.index(column)
            linked[:, position] = (
                forced[column].fillna(False).to_numpy(dtype=bool) & ~primary[:, position]
            )
        suppressed |= linked
    if secondary:
        groups = _groups(values.shape, total_position, total_column_position)
        _secondary(values, suppressed, groups, threshold=threshold, zero=zero)

    result = table.copy()
    for position, column in enumerate(columns):
        result[column] = table[column].astype("Float64").mask(suppressed[:, position])
        result[column] = result[column].astype("Int64")
    for source, derived in dependents.items():
        hidden = suppressed[:, columns.index(source)]
        for column in derived:
            if column in columns:
                continue
            result[column] = blank_where(table[column], hidden)
    rows, cols = np.nonzero(suppressed)
    result.attrs = {
        "suppressed": pd.DataFrame(
            {
                "row": pd.Series(table.index[rows], dtype="object"),
                "column": pd.Series([columns[j] for j in cols], dtype="object"),
                "reason": np.where(
                    primary[rows, cols],
                    PRIMARY,
                    np.where(linked[rows, cols], LINKED, SECONDARY),
                ).astype(object),
            }
        ),
        "threshold": threshold,
    }
    return result


# ---------------------------------------------------------------------------------------------
# Checking rendered HTML
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[£$]?\s*(-?[\d,]*\.?\d+)\s*$")


class _CountCells(html.parser.HTMLParser):
    """Collect the text of every element marked ``data-kind="count"`` (header cells aside).

    Only the tag of the marked element is tracked (its nesting counted), so unbalanced
    markup elsewhere in a notebook's HTML cannot end a count cell early or late.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag: str | None = None
        self.nesting = 0
        self.current: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.tag is not None:
            self.nesting += tag == self.tag
            return
        if tag != "th" and dict(attrs).get("data-kind") == "count":
            self.tag, self.nesting, self.current = tag, 1, []

    def handle_endtag(self, tag: str) -> None:
        if self.tag is None or tag != self.tag:
            return
        self.nesting -= 1
        if self.nesting == 0:
            self.texts.append("".join(self.current).strip())
            self.tag = None

    def handle_data(self, data: str) -> None:
        if self.tag is not None:
            self.current.append(data)


def find_small_counts(document: str, *, threshold: int = DISCLOSURE_THRESHOLD) -> list[str]:
    """Return the counts from 1 to ``threshold - 1`` shown in an HTML document.

    Looks at the text of every element marked ``data-kind="count"`` (as
    :class:`toolkit.report.BoardTable` marks count cells and the report marks counts in its
    text). The report builder runs it on every report before publishing it.

    Parameters
    ----------
    document : str
        The HTML.
    threshold : int
        The disclosure threshold.

    Returns
    -------
    list of str
        The offending cell texts (empty when none); suppressed cells (``[c]``) and text
        that is not a number are not offending.
    """
    function = "find_small_counts"
    if not isinstance(document, str):
        raise TypeError(
            f"The 'document' parameter of {function} must be a str. "
            f"Got {type(document).__name__} instead."
        )
    threshold = check_threshold(threshold, function=function)
    parser = _CountCells()
    parser.feed(document)
    parser.close()
    offending = []
    for text in parser.texts:
        match = _NUMBER.match(text)
        if match is None:
            continue
        value = float(match.group(1).replace(",", ""))
        if small_counts(value, threshold=threshold):
            offending.append(text)
    return offending


def blank_where(series: pd.Series, hidden: np.ndarray) -> pd.Series:
    """Return a column with the hidden rows blank (missing), its other values unchanged.

    Numbers (not booleans) become nullable floats and anything else objects, so that the
    column can hold a blank whatever its type. Shared by
    :func:`suppress_counts` (figures derived from a suppressed count) and
    :func:`toolkit.report.tables.disclose` (figures another table would reveal).

    Parameters
    ----------
    series : pandas.Series
        The column.
    hidden : numpy.ndarray
        One boolean per row: True where the value is hidden.

    Returns
    -------
    pandas.Series
        The column with the hidden rows missing.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        series = series.astype("Float64")
    else:
        series = series.astype("object")
    return series.mask(hidden)


__all__ = [
    "SUPPRESSED_SYMBOL",
    "SUPPRESSION_NOTE",
    "ZERO_POLICIES",
    "find_small_counts",
    "suppress_counts",
]
