"""Standardisation: raw values to the data contract's dtypes.

Each function returns the standardised Series and a boolean mask of the rows whose
non-blank value could not be read; :func:`standardise_column` picks one by the column's
rule (:mod:`toolkit.data.column_rules`). All vectorised: no per-row Python. The readers
standardise a table with these before checking it against :mod:`toolkit.data.schemas`,
which re-exports every name here.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from toolkit.data.column_rules import (
    DATE_FORMATS,
    FLAG_CODINGS,
    NULLABLE_WHOLE,
    SEX_CODINGS,
    ColumnRule,
)

_PANDAS_3: Final[bool] = int(pd.__version__.split(".")[0]) >= 3


def default_text(values: pd.Series) -> pd.Series:
    """Return ``values`` in pandas' default string dtype, blanks as NaN.

    Parameters
    ----------
    values : pandas.Series
        A Series of the nullable ``string`` dtype.

    Returns
    -------
    pandas.Series
        ``str`` dtype under pandas 3, ``object`` under pandas 2.
    """
    if _PANDAS_3:
        return values.astype("str")
    return values.astype(object).where(values.notna(), np.nan)


def _as_string(values: pd.Series) -> pd.Series:
    """Trimmed nullable text of any Series; whole floats lose their ``.0``; blank -> NA."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if len(finite) and bool((finite % 1 == 0).all()) and bool(np.isfinite(finite).all()):
            values = values.astype("Int64")
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def blank_mask(values: pd.Series) -> pd.Series:
    """Return True where a raw value is blank (missing, or only spaces).

    Parameters
    ----------
    values : pandas.Series
        Raw values of any dtype.

    Returns
    -------
    pandas.Series
        Boolean mask aligned with ``values``.
    """
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        text = values.astype("string").str.strip()
        return (text.isna() | (text == "")).astype(bool)
    return values.isna().astype(bool)


def to_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise text: trim spaces; numbers become text; blank becomes NaN."""
    text = _as_string(values)
    return default_text(text), pd.Series(False, index=values.index)


def to_upper_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise a code such as an LSOA: trimmed, upper case."""
    text = _as_string(values).str.upper()
    return default_text(text), pd.Series(False, index=values.index)


#: A number written with thousands separators: commas between groups of three digits
#: ("1,250", "1,250.50", "12,345,678.9"). Python's ``re`` and DuckDB's RE2 read it alike.
GROUPED_NUMBER: Final[str] = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"

#: The text a money value (``cost_gbp``) may be: an optional "£" after or before an
#: optional sign ("£1,250", "-£12.50", "£-12.50", "£ 42"), then a number written without
#: commas or with thousands separators (:data:`GROUPED_NUMBER`). Commas anywhere else
#: ("12,50", "1,2,3", "1.250,50") make the value unreadable, to the readers as to the
#: DuckDB check of files.
MONEY_PATTERN: Final[str] = rf"(?:[+-]?£?|£[+-]?) *(?:{GROUPED_NUMBER}|[^,£]*)"


def _parse_numbers(values: pd.Series, *, money: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse raw values to float64 (NaN where blank or unreadable) and the unreadable mask."""
    if pd.api.types.is_bool_dtype(values.dtype):
        text = values.astype("string")
        return pd.Series(np.nan, index=values.index), text.notna()
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64"), pd.Series(False, index=values.index)
    codes, distinct = _distinct(values)
    written = text = _as_string(distinct)
    if money:
        readable = written.str.fullmatch(MONEY_PATTERN).fillna(False).astype(bool)
        text = written.where(readable).str.replace("£", "", regex=False)
        text = text.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
    unreadable = (written.notna() & numbers.isna()).astype("boolean")
    spread = _spread(numbers, codes, values.index).astype("float64")
    bad = _spread(unreadable, codes, values.index).fillna(False).astype(bool)
    return spread, bad


def to_whole(values: pd.Series, *, nullable: bool) -> tuple[pd.Series, pd.Series]:
    """Standardise whole numbers to ``int64`` (``Int64`` when blanks remain or allowed)."""
    if pd.api.types.is_integer_dtype(values.dtype):
        whole = values.astype("Int64")
        bad = pd.Series(False, index=values.index)
    else:
        numbers, bad = _parse_numbers(values)
        fractional = numbers.notna() & ((numbers % 1 != 0) | ~np.isfinite(numbers))
        bad = bad | fractional
        whole = numbers.mask(bad).astype("Int64")
    if not nullable and not whole.isna().any():
        whole = whole.astype("int64")
    return whole, bad.astype(bool)


def to_number(values: pd.Series, *, money: bool = False) -> tuple[pd.Series, pd.Series]:
    """Standardise numbers to ``float64`` (NaN where blank)."""
    numbers, bad = _parse_numbers(values, money=money)
    return numbers, bad.astype(bool)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values of a column (``pandas.factorize``; blanks get code -1).

    Flags, sex and causes of death take a handful of distinct values: standardising those
    and spreading the result back with the codes replaces a million string operations by a
    few, with the per-row work done in C.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques)


def _spread(distinct: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Spread per-distinct-value results (an extension dtype) back to every row; -1 is NA."""
    return pd.Series(distinct.array.take(codes, allow_fill=True), index=index)


def to_flag(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise yes/no flags to ``bool`` (nullable ``boolean`` while blanks remain)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        flags = values.astype("boolean")
        bad = pd.Series(False, index=values.index)
    else:
        codes, distinct = _distinct(values)
        text = _as_string(distinct).str.lower()
        mapped = text.map(FLAG_CODINGS).astype("boolean")
        unreadable = (text.notna() & mapped.isna()).astype("boolean")
        flags = _spread(mapped, codes, values.index)
        bad = _spread(unreadable, codes, values.index).fillna(False).astype(bool)
    if not flags.isna().any():
        flags = flags.astype(bool)
    return flags, bad


def to_sex(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Map common codings of sex to ``F``/``M``; other values are kept for the report."""
    codes, distinct = _distinct(values)
    text = _as_string(distinct)
    mapped = text.str.lower().map(SEX_CODINGS)
    standard = mapped.where(mapped.notna(), text).astype("string")
    return default_text(_spread(standard, codes, values.index)), pd.Series(
        False, index=values.index
    )


def to_cause(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise causes of death: lower case, spaces and hyphens as underscores."""
    codes, distinct = _distinct(values)
    text = _as_string(distinct).str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return default_text(_spread(text, codes, values.index)), pd.Series(False, index=values.index)


#: The years a date may fall in: whole years of pandas' ``datetime64[ns]`` range (1678 to
#: 2261). A date outside them is not a readable date, to the readers as to the DuckDB
#: check of files (:mod:`toolkit.segment._engine_contract` and
#: :mod:`toolkit.segment._fast_reading` write these years into their SQL).
DATE_YEARS: Final[tuple[int, int]] = (pd.Timestamp.min.year + 1, pd.Timestamp.max.year - 1)


def _outside_years(dates: pd.Series) -> pd.Series:
    """Return True where a parsed date falls outside :data:`DATE_YEARS` (blanks are not)."""
    return (dates.notna() & ~dates.dt.year.between(*DATE_YEARS)).astype(bool)


def to_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise dates: dd/mm/yyyy or yyyy-mm-dd text, or dates already parsed.

    A date with a time zone (a Parquet timestamp with one) is taken as the date and time
    on the clock of its own zone, as stored. A date outside :data:`DATE_YEARS` is not a
    readable date (it is blank in the result and marked unreadable).

    Parameters
    ----------
    values : pandas.Series
        Raw values: text, date or datetime objects, or a ``datetime64`` Series.

    Returns
    -------
    tuple of pandas.Series
        The dates (``datetime64``, without a time zone) and a mask of the rows whose
        non-blank value could not be read.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        outside = _outside_years(values)
        return values.mask(outside), outside
    # Excel date cells arrive as datetime objects: as text they read "yyyy-mm-dd hh:mm:ss".
    text = _as_string(values)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for layout in DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=layout, errors="coerce")
        # Outside the years datetime64[ns] holds (pandas 3 parses them in another unit).
        attempt = attempt.mask(_outside_years(attempt))
        parsed = parsed.where(~todo, attempt.reindex(parsed.index).astype("datetime64[ns]"))
    bad = (text.notna() & parsed.isna()).astype(bool)
    return parsed, bad


def standardise_column(
    values: pd.Series, rule: ColumnRule, name: str
) -> tuple[pd.Series, pd.Series]:
    """Standardise one column by its rule.

    Parameters
    ----------
    values : pandas.Series
        Raw values.
    rule : ColumnRule
        The column's rule.
    name : str
        The contract column name (money columns allow "£" and thousands separators,
        :data:`MONEY_PATTERN`).

    Returns
    -------
    tuple of pandas.Series
        The standardised values and a mask of rows whose value could not be read.
    """
    kind = rule.kind
    if kind in ("id", "text", "band"):
        return to_text(values)
    if kind == "lsoa":
        return to_upper_text(values)
    if kind == "whole":
        return to_whole(values, nullable=rule.nullable and name in NULLABLE_WHOLE)
    if kind == "number":
        return to_number(values, money=name == "cost_gbp")
    if kind == "flag":
        return to_flag(values)
    if kind == "sex":
        return to_sex(values)
    if kind == "cause":
        return to_cause(values)
    return to_date(values)


__all__ = [
    "DATE_YEARS",
    "GROUPED_NUMBER",
    "MONEY_PATTERN",
    "blank_mask",
    "default_text",
    "standardise_column",
    "to_cause",
    "to_date",
    "to_flag",
    "to_number",
    "to_sex",
    "to_text",
    "to_upper_text",
    "to_whole",
]
