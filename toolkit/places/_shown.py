"""What an interactive map shows: which of its columns are counts, and their text.

Both interactive maps (:func:`toolkit.places.interactive_map` and
:func:`toolkit.places.leaflet_map`) put only the columns they show in the page, treat every
shown column of whole numbers as a count unless it is declared not to be one, and show
small counts as "suppressed" by :func:`toolkit.disclosure.suppress_small_counts`. Public
from :mod:`toolkit.places.maps`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit.disclosure import suppress_small_counts
from toolkit.places._classes import (
    NO_PERSONS_LABEL,
    Classes,
    classify,
    decimal_places,
    suppressed_label,
    whole_numbers,
)


def _tooltip_text(series: pd.Series, *, suppress: bool, threshold: int, decimals: int):
    """Format a column for tooltips (element-wise string formatting, no arithmetic)."""
    if suppress:
        shown = suppress_small_counts(series, threshold=threshold)
        text = shown.astype(object).map("{:,}".format, na_action="ignore")
        text = text.mask(shown.isna() & series.notna(), suppressed_label(threshold))
    elif pd.api.types.is_bool_dtype(series):
        text = series.map({True: "yes", False: "no"})
    elif pd.api.types.is_integer_dtype(series):
        text = series.astype(object).map("{:,}".format, na_action="ignore")
    elif pd.api.types.is_numeric_dtype(series):
        text = series.astype(object).map(f"{{:,.{decimals}f}}".format, na_action="ignore")
    else:
        text = series.astype(object).map(str, na_action="ignore")
    return text.astype(object).where(text.notna(), "not available")


#: Whole-number columns of the toolkit's own areas contract (and a year) that are not counts:
#: interactive maps show them unchanged unless they are named in ``count_columns``. Only
#: names that cannot hold a count of people belong here (deciles, ranks, scores, years).
NOT_COUNTS: Final[tuple[str, ...]] = ("imd_decile", "imd_rank", "imd_score", "year")


def _as_numbers(series: pd.Series) -> pd.Series | None:
    """Return ``series`` as numbers, or None if it does not hold numbers.

    Numeric columns are returned as they are; text, object and categorical columns whose
    every non-missing value reads as a number (a count stored as text) are converted.
    Booleans are not numbers here: they are shown as "yes" and "no".
    """
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_numeric_dtype(series):
        return series
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None  # dates, intervals...: never counts
    present = series.dropna()
    if len(present) == 0 or any(isinstance(value, bool | np.bool_) for value in present):
        return None
    numbers = pd.to_numeric(series.astype(object), errors="coerce")
    if numbers.notna().sum() != len(present):
        return None  # some value is not a number: a name or a code
    return numbers.rename(series.name)


def _whole(numbers: pd.Series) -> bool:
    """Return whether every non-missing value of ``numbers`` is a finite whole number."""
    values = numbers.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return whole_numbers(values[~np.isnan(values)])


def check_not_counts(
    frame: pd.DataFrame,
    not_counts: Sequence[str],
    count_columns: Sequence[str],
    *,
    column: str,
    measure: str,
    function: str,
) -> set[str]:
    """Return the columns declared not to be counts: ``not_counts`` and :data:`NOT_COUNTS`.

    A name of :data:`NOT_COUNTS` given in ``count_columns`` is a count after all (the
    caller's word wins over the default); a name given in both ``not_counts`` and
    ``count_columns``, or the mapped ``column`` of a ``measure="count"`` map given in
    ``not_counts``, is refused.
    """
    declared = list(not_counts)
    unknown = [name for name in declared if name not in frame.columns]
    if unknown:
        raise ValueError(
            f"The 'not_counts' parameter of {function} names column(s) the areas do not "
            f"have: {', '.join(map(repr, unknown))}."
        )
    counted = set(count_columns) | ({column} if measure == "count" else set())
    both = [name for name in declared if name in counted]
    if both:
        raise ValueError(
            f"{function}: column(s) {', '.join(map(repr, both))} are declared both counts "
            "(count_columns, or the mapped column of measure='count') and not counts "
            "(not_counts); name each in one of them only."
        )
    return (set(NOT_COUNTS) | set(declared)) - counted


def shown_counts(
    frame: pd.DataFrame,
    fields: Sequence[str],
    *,
    count_columns: Collection[str],
    declared: Collection[str],
    function: str,
) -> set[str]:
    """Return which of the ``fields`` an interactive map shows are counts, to suppress.

    A field is a count when it is named in ``count_columns``, or when it holds numbers that
    are all whole and it is not ``declared`` a non-count, whatever its name. Columns of
    fractions (rates, shares, scores) are shown as they are. The toolkit's own code: which
    columns are counts is a rule of this toolkit; the suppression itself is the shared
    :func:`toolkit.disclosure.suppress_small_counts`.

    Raises
    ------
    ValueError
        A field named in ``count_columns`` does not hold numbers, or an undeclared
        whole-number field has negative values: that is not a count, but it may be a
        difference of counts, so the caller must say (``not_counts``) that it is safe.
    """
    counts: set[str] = set()
    for name in fields:
        numbers = _as_numbers(frame[name])
        if name in count_columns:
            if numbers is None:
                raise ValueError(
                    f"The 'count_columns' parameter of {function} names column '{name}', "
                    "which does not hold numbers, so it cannot be a count."
                )
            counts.add(name)
        elif name not in declared and numbers is not None and _whole(numbers):
            if bool((numbers.astype("Float64") < 0).fillna(False).any()):
                raise ValueError(
                    f"{function}: column '{name}' holds whole numbers, some negative, so it "
                    "cannot be told apart from counts (or differences of counts) that must be "
                    f"hidden when small. Name it in not_counts=('{name}',) if none of its "
                    "values can reveal a small count (a change of rank, a code), or leave it "
                    "off the map."
                )
            counts.add(name)
    return counts


def shown_text(
    frame: pd.DataFrame,
    fields: Sequence[str],
    *,
    counts: Collection[str],
    threshold: int,
    decimals: int,
) -> dict[str, np.ndarray]:
    """Return the text an interactive map shows for each field, small counts suppressed."""
    shown = {}
    for name in fields:
        series = frame[name]
        if name in counts:
            series = _as_numbers(series)
        shown[name] = _tooltip_text(
            series, suppress=name in counts, threshold=threshold, decimals=decimals
        ).to_numpy(dtype=object)
    return shown


def unpublished(
    found: Classes, series: pd.Series, text: np.ndarray, *, measure: str, threshold: int
) -> tuple[Classes, np.ndarray]:
    """Return the classes and shown text of a mapped column with unpublished values named.

    A missing rate shows as "not published". A column of ``measure="rate"`` mapped as a count
    (whole numbers) keeps those words for its missing values, beside "suppressed" for its
    small counts, and the legend names both when both occur.
    """
    if measure != "rate":
        return found, text
    if found.missing_label == "not published":  # classed as a rate
        return found, np.where(found.missing, "not published", text)
    unpublished = series.isna().to_numpy() & ~found.empty
    if not unpublished.any():
        return found, text
    label = (
        "not published"
        if int(unpublished.sum()) == found.missing_count
        else f"not published or {suppressed_label(threshold)}"
    )
    return replace(found, missing_label=label), np.where(unpublished, "not published", text)


def classed_counts(
    areas: pd.DataFrame,
    column: str,
    fields: Sequence[str],
    *,
    count_columns: Collection[str],
    declared: Collection[str],
    measure: str,
    function: str,
    **options: Any,
) -> tuple[set[str], str, Classes]:
    """Return the counts among the shown ``fields``, how ``column`` is classed, its classes.

    The counts are those of :func:`shown_counts`, the mapped ``column`` among them when
    ``measure="count"``. A mapped count is classed as one, so that neither its colour nor
    the legend's class bounds show a small count (whatever ``measure`` says): the second
    item is the measure it is classed as, ``"count"`` or ``measure``. The ``options``
    (``title``, ``scheme``, ``classes``, ``threshold``) go to
    :func:`~toolkit.places._classes.classify`.
    """
    counts = shown_counts(
        areas,
        fields,
        count_columns={*count_columns, *([column] if measure == "count" else [])},
        declared=declared,
        function=function,
    )
    mapped = "count" if column in counts else measure
    found = classify(areas, column, measure=mapped, function=function, **options)
    return counts, mapped, found


def mapped_decimals(series: pd.Series, mapped: str) -> int:
    """Return the decimals of the mapped column's text, classed as ``mapped``."""
    return decimal_places(series.astype("Float64").to_numpy(dtype=float, na_value=np.nan), mapped)


def shown_properties(
    areas: pd.DataFrame,
    column: str,
    fields: Sequence[str],
    found: Classes,
    *,
    counts: Collection[str],
    measure: str,
    threshold: int,
    decimals: int,
) -> tuple[Classes, dict[str, np.ndarray]]:
    """Return the classes and the text of each shown field, the mapped column's unpublished.

    The text is that of :func:`shown_text`; the mapped ``column``'s unpublished values are
    named by :func:`unpublished`, which may rename the classes' missing label, and its
    areas with no one registered say so. Only these fields go into an interactive map's page.
    """
    properties = shown_text(areas, fields, counts=counts, threshold=threshold, decimals=decimals)
    found, text = unpublished(
        found, areas[column], properties[column], measure=measure, threshold=threshold
    )
    properties[column] = np.where(found.empty, NO_PERSONS_LABEL, text)
    return found, properties
