"""The persons-areas join: each person's area deprivation and place, every person kept.

:func:`join_persons_to_areas` is the one entry point; :class:`JoinReport` counts and lists
the persons whose LSOA did not match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit.data.problems import MAX_EXAMPLES, fail, raise_problems, row_problem
from toolkit.data.schemas import default_text

Existing = Literal["raise", "replace", "fill"]

_UNMATCHED_REASONS: Final[dict[str, str]] = {
    "W": "Welsh LSOA: the English indices of deprivation do not cover Wales",
    "other": "not in the areas table",
}


@dataclass(frozen=True, eq=False)
class JoinReport:
    """What happened when persons were joined to areas by LSOA.

    Attributes
    ----------
    persons : int
        Persons in the table (all of them are kept).
    matched : int
        Persons whose LSOA is in the areas table.
    unmatched : int
        Persons with an LSOA that the areas table does not have.
    without_lsoa : int
        Persons with a blank LSOA.
    unmatched_lsoas : pandas.DataFrame
        One row per unmatched LSOA code: ``lsoa``, ``persons``, ``reason``; most persons
        first.
    unmatched_person_ids : tuple of str
        The ``person_id`` of every unmatched person (index labels if there is no
        ``person_id`` column).
    differing : dict of str to int
        For each joined column the persons table already had, how many matched persons
        had a value (not blank) that differs from their LSOA's in the areas table: kept
        with ``existing="fill"``, replaced with ``existing="replace"``. Empty when persons
        had none of the columns.
    blanked : dict of str to int
        With ``existing="replace"``, for each such column, how many persons had a value
        that became blank because their LSOA is blank or not in the areas table.
    existing : {"raise", "replace", "fill"}
        What was done with the persons' own values of the joined columns.
    """

    persons: int
    matched: int
    unmatched: int
    without_lsoa: int
    unmatched_lsoas: pd.DataFrame
    unmatched_person_ids: tuple[str, ...]
    differing: dict[str, int] = field(default_factory=dict)
    blanked: dict[str, int] = field(default_factory=dict)
    existing: Existing = "raise"

    def to_frame(self) -> pd.DataFrame:
        """Return the counts as a tidy table: ``outcome``, ``persons``, ``share``.

        Returns
        -------
        pandas.DataFrame
            Rows "matched", "LSOA not in areas" and "no LSOA".
        """
        counts = [self.matched, self.unmatched, self.without_lsoa]
        total = max(self.persons, 1)
        return pd.DataFrame(
            {
                "outcome": ["matched", "LSOA not in areas", "no LSOA"],
                "persons": pd.array(counts, dtype="int64"),
                "share": [count / total for count in counts],
            }
        )

    def summary(self) -> str:
        """Return one paragraph that says how many persons matched, and what to check.

        Returns
        -------
        str
            Plain English, for a notebook or a log.
        """
        text = (
            f"{self.persons:,} persons kept: {self.matched:,} matched an area, "
            f"{self.unmatched:,} {'has' if self.unmatched == 1 else 'have'} an LSOA the areas "
            f"table does not have, {self.without_lsoa:,} "
            f"{'has' if self.without_lsoa == 1 else 'have'} no LSOA."
        )
        if self.unmatched:
            top = self.unmatched_lsoas.head(MAX_EXAMPLES)
            shown = ", ".join(f"{row.lsoa} ({row.persons:,})" for row in top.itertuples())
            text += f" Unmatched LSOAs, most persons first: {shown}."
            if self.unmatched > 0.5 * max(self.persons - self.without_lsoa, 1):
                text += (
                    " Most LSOAs did not match: check that both tables use the same LSOA "
                    "vintage (2011 codes for IoD2019, 2021 codes for IoD2025)."
                )
        differing = {name: count for name, count in self.differing.items() if count}
        if differing:
            counts = ", ".join(
                f"{count:,} {'person' if count == 1 else 'persons'} in '{name}'"
                for name, count in differing.items()
            )
            if self.existing == "fill":
                edition = (
                    "that both tables use the same IMD edition"
                    if any(name.startswith("imd_") for name in differing)
                    else "which is right"
                )
                text += (
                    f" The persons' own values differ from their LSOA's in the areas table "
                    f"({counts}) and were kept (existing='fill' fills only blanks): check "
                    f"{edition}, or pass existing='replace'."
                )
            else:
                text += (
                    f" The persons' own values differed from their LSOA's in the areas table "
                    f"({counts}) and were replaced by the areas' (existing='replace')."
                )
        blanked = {name: count for name, count in self.blanked.items() if count}
        if blanked:
            counts = ", ".join(
                f"{count:,} {'person' if count == 1 else 'persons'} in '{name}'"
                for name, count in blanked.items()
            )
            text += (
                f" Values the persons had were made blank because their LSOA is blank or not "
                f"in the areas table ({counts}; existing='replace')."
            )
        return text

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self.to_frame().to_html(index=False)
        return f"<p><strong>Join of persons to areas</strong></p>{table}<p>{self.summary()}</p>"


def _as_nullable(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean")
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype("Int64")
    return values


_EXISTING_OPTIONS: Final[dict[str, str]] = {
    "raise": "refuse when persons already has one of the columns",
    "replace": "replace the persons' values by the areas' (blank where unmatched)",
    "fill": "keep the persons' values and fill only their blanks from areas",
}


def join_persons_to_areas(
    persons: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    columns: Sequence[str] = ("imd_decile", "place"),
    existing: Existing = "raise",
) -> tuple[pd.DataFrame, JoinReport]:
    """Add each person's area deprivation and place, keeping every person.

    Persons are matched to areas on ``lsoa``. No person is dropped: those whose LSOA is not
    in ``areas`` (or is blank) get blank area columns and are counted and listed in the
    :class:`JoinReport`.

    Parameters
    ----------
    persons : pandas.DataFrame
        A persons table with an ``lsoa`` column (see :func:`toolkit.data.validate_persons`).
        Not changed.
    areas : pandas.DataFrame
        An areas table, one row per LSOA (see :func:`toolkit.data.validate_areas`). Not
        changed.
    columns : sequence of str, default ("imd_decile", "place")
        The areas columns to add to each person.
    existing : {"raise", "replace", "fill"}, default "raise"
        What to do when ``persons`` already has one of ``columns``: refuse, replace the
        persons' values by the areas' (blank where unmatched), or keep the persons' values
        and fill only their blanks from areas.

    Returns
    -------
    joined : pandas.DataFrame
        A new DataFrame: ``persons`` with ``columns`` added, same rows, order and index.
    report : JoinReport
        Counts and lists of unmatched persons and LSOAs.

    Raises
    ------
    DataContractError
        If either table has no ``lsoa`` column, or an LSOA appears more than once in areas.
    ValueError
        If ``columns`` names a column ``areas`` does not have, or ``existing`` is unknown.
    """
    for name, value in (("persons", persons), ("areas", areas)):
        if not isinstance(value, pd.DataFrame):
            raise TypeError(
                f"The '{name}' parameter of join_persons_to_areas must be a pandas DataFrame. "
                f"Got {type(value).__name__} instead."
            )
    if existing not in _EXISTING_OPTIONS:
        raise ValueError(
            "The 'existing' parameter of join_persons_to_areas must be one of "
            f"{sorted(_EXISTING_OPTIONS)}. Got {existing!r} instead."
        )
    if isinstance(columns, str) or not all(isinstance(column, str) for column in columns):
        raise TypeError(
            "The 'columns' parameter of join_persons_to_areas must be a sequence of column "
            f"names. Got {columns!r} instead."
        )
    columns = list(columns)
    for name, table in (("persons", persons), ("areas", areas)):
        if "lsoa" not in table.columns:
            fail(
                f"the {name} table",
                "column_present",
                "column 'lsoa' is missing: persons are joined to areas by LSOA code.",
                source=None,
            )
    unknown = [column for column in columns if column not in areas.columns or column == "lsoa"]
    if unknown:
        raise ValueError(
            "The 'columns' parameter of join_persons_to_areas must name columns of areas other "
            f"than 'lsoa'. Got {unknown!r} instead."
        )
    clash = [column for column in columns if column in persons.columns]
    if clash and existing == "raise":
        listed = ", ".join(f"'{column}'" for column in clash)
        raise ValueError(
            f"persons already has {listed}. Drop or rename {'it' if len(clash) == 1 else 'them'} "
            "first, or pass existing='replace' (use the areas' values) or existing='fill' (fill "
            "only the persons' blanks)."
        )
    area_codes = areas["lsoa"].reset_index(drop=True)
    repeated = area_codes.duplicated(keep=False).to_numpy()
    if repeated.any():
        problem = row_problem(
            "lsoa",
            "unique",
            ("shares an LSOA code with another row", "share an LSOA code with another row"),
            np.flatnonzero(repeated),
            list(area_codes[repeated]),
            2,
        )
        raise_problems([problem], label="the areas table", source=None, first_row=2)

    codes = persons["lsoa"]
    position = pd.Index(area_codes).get_indexer(codes)
    has_lsoa = codes.notna().to_numpy()
    matched = position >= 0
    unmatched = has_lsoa & ~matched
    take = np.where(matched, position, 0)
    added: dict[str, pd.Series] = {}
    differing: dict[str, int] = {}
    blanked: dict[str, int] = {}
    for column in columns:
        values = _as_nullable(areas[column].reset_index(drop=True))
        mapped = values.take(take).set_axis(persons.index).mask(~matched)
        if column in persons.columns:
            differing[column] = int(_differs(persons[column], mapped).sum())
            if existing == "fill":
                mapped = persons[column].where(persons[column].notna(), mapped)
            else:
                blanked[column] = int((persons[column].notna() & mapped.isna()).sum())
        added[column] = mapped
    joined = persons.assign(**added)

    unmatched_codes = codes[unmatched]
    per_code = unmatched_codes.astype(str).value_counts()
    per_code = per_code.iloc[np.lexsort((per_code.index.to_numpy(), -per_code.to_numpy()))]
    code_text = per_code.index
    reasons = np.where(
        code_text.str.upper().str.startswith("W01"),
        _UNMATCHED_REASONS["W"],
        _UNMATCHED_REASONS["other"],
    )
    table = pd.DataFrame(
        {
            "lsoa": default_text(pd.Series(code_text, dtype="string")),
            "persons": per_code.to_numpy(dtype="int64"),
            "reason": reasons,
        }
    )
    ids = persons["person_id"] if "person_id" in persons.columns else persons.index.to_series()
    report = JoinReport(
        persons=len(persons),
        matched=int(matched.sum()),
        unmatched=int(unmatched.sum()),
        without_lsoa=int((~has_lsoa).sum()),
        unmatched_lsoas=table,
        unmatched_person_ids=tuple(str(value) for value in ids[unmatched]),
        differing=differing,
        blanked=blanked,
        existing=existing,
    )
    return joined, report


def _differs(own: pd.Series, area: pd.Series) -> np.ndarray:
    """Where both values are given and differ (numbers as numbers: 1 is 1.0)."""
    both = (own.notna() & area.notna()).to_numpy()
    left, right = own.to_numpy(dtype=object), area.to_numpy(dtype=object)
    numeric = pd.to_numeric(pd.Series(left[both]), errors="coerce")
    other = pd.to_numeric(pd.Series(right[both]), errors="coerce")
    as_numbers = (numeric.notna() & other.notna()).to_numpy()
    unequal = np.where(
        as_numbers,
        (numeric != other).to_numpy(),
        pd.Series(left[both]).astype(str).str.strip().to_numpy()
        != pd.Series(right[both]).astype(str).str.strip().to_numpy(),
    )
    result = np.zeros(len(own), dtype=bool)
    result[np.flatnonzero(both)] = unequal
    return result


__all__ = ["JoinReport", "join_persons_to_areas"]
