"""The pandera columns of the data contract, each with its checks worded in plain English.

:mod:`toolkit.data.schemas` builds the persons, areas and cube models from these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit.data.column_rules import LSOA_PATTERN
from toolkit.data.phrases import (
    DECILE_RANGE,
    NEGATIVE,
    NOT_DATES,
    NOT_FINITE,
    NOT_FLAGS,
    NOT_LSOA,
    NOT_TEXT,
)


def _is_text_column(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series) or series.isna().all()


def _text_check() -> pa.Check:
    return pa.Check(_is_text_column, name="text", error=NOT_TEXT)


def date_check() -> pa.Check:
    """Return a check that a column holds dates (``datetime64``)."""
    return pa.Check(
        lambda series: pd.api.types.is_datetime64_any_dtype(series),
        name="date",
        error=NOT_DATES,
    )


def finite_check() -> pa.Check:
    """Return a check that no value is infinite."""
    return pa.Check(lambda series: ~np.isinf(series), name="finite", error=NOT_FINITE)


def text_column(
    *,
    required: bool = True,
    nullable: bool = False,
    unique: bool = False,
    checks: list[pa.Check] | None = None,
) -> pa.Column:
    """Return a text column (pandas' default string dtype, or all blank) with further checks."""
    return pa.Column(
        None,
        checks=[_text_check(), *(checks or [])],
        required=required,
        nullable=nullable,
        unique=unique,
    )


def flag_column(*, required: bool) -> pa.Column:
    """Return a yes/no column: ``bool``, never blank."""
    return pa.Column(bool, required=required, nullable=False)


def _is_flag_column(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series.dtype) or series.isna().all()


def nullable_flag_column() -> pa.Column:
    """Return an optional yes/no column that may be blank."""
    # ``bool``, or the nullable ``boolean`` when some values are blank: either dtype passes.
    return pa.Column(
        None,
        pa.Check(_is_flag_column, name="yes_or_no", error=NOT_FLAGS),
        required=False,
        nullable=True,
    )


def count_column(*, required: bool = True) -> pa.Column:
    """Return a count column: ``int64``, never below 0, never blank."""
    return pa.Column("int64", pa.Check.ge(0, error=NEGATIVE), required=required, nullable=False)


def lsoa_column(*, required: bool, nullable: bool, unique: bool = False) -> pa.Column:
    """Return an LSOA code column: text matching :data:`LSOA_PATTERN`."""
    return text_column(
        required=required,
        nullable=nullable,
        unique=unique,
        checks=[pa.Check.str_matches(LSOA_PATTERN, error=NOT_LSOA)],
    )


def decile_column(*, required: bool, nullable: bool) -> pa.Column:
    """Return a deprivation decile column, 1 to 10 (nullable ``Int64`` when it may be blank)."""
    dtype = "Int64" if nullable else "int64"
    return pa.Column(
        dtype,
        pa.Check.in_range(1, 10, error=DECILE_RANGE),
        required=required,
        nullable=nullable,
    )


__all__ = [
    "count_column",
    "date_check",
    "decile_column",
    "finite_check",
    "flag_column",
    "lsoa_column",
    "nullable_flag_column",
    "text_column",
]
