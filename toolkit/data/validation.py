"""Validation: standardise a table to the data contract and check it, listing every problem.

:func:`validate_persons`, :func:`validate_areas` and :func:`validate_cube` are the public
entry points; the readers (:mod:`toolkit.data.readers`, :mod:`toolkit.data.areas`) call the
steps with the file's name and first row. Values are standardised column by column
(:func:`toolkit.data.schemas.standardise_column`), then the pandera contract is checked at
once (``lazy=True``) and each failure worded as a :class:`~toolkit.data.problems.Problem`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit._params import renamed
from toolkit.data import iod
from toolkit.data.columns import (
    RULES,
    Table,
    column_problems,
    contract_names,
    duplicate_name_problems,
    normalise_name,
)
from toolkit.data.geometry import check_geometry
from toolkit.data.phrases import unreadable_phrases
from toolkit.data.problems import Problem, fail, raise_problems, row_problem
from toolkit.data.schemas import (
    AREAS_RULES,
    AREAS_SCHEMA,
    BUILTIN_PHRASES,
    CUBE_SCHEMA,
    FRAME_CHECK_COLUMNS,
    PERSONS_SCHEMA,
    PHRASES,
    ColumnRule,
    blank_mask,
    default_text,
    standardise_column,
)
from toolkit.data.value_rules import AGE_RANGE

_SCHEMAS: Final[dict[str, pa.DataFrameSchema]] = {
    "persons": PERSONS_SCHEMA,
    "areas": AREAS_SCHEMA,
    "cube": CUBE_SCHEMA,
}


def _empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """Positions of rows in which every cell is blank (checked column by column, cheaply)."""
    if frame.shape[1] == 0:
        return np.arange(len(frame))
    candidates = blank_mask(frame.iloc[:, 0]).to_numpy(copy=True)
    for position in range(1, frame.shape[1]):
        if not candidates.any():
            break
        subset = frame.iloc[np.flatnonzero(candidates), position]
        still = blank_mask(subset).to_numpy()
        candidates[np.flatnonzero(candidates)[~still]] = False
    return np.flatnonzero(candidates)


def _derive_age(birth: pd.Series, reference_date: pd.Timestamp) -> pd.Series:
    """Age in completed years at the reference date (Int64; blank where birth is blank)."""
    years = reference_date.year - birth.dt.year
    before_birthday = (birth.dt.month > reference_date.month) | (
        (birth.dt.month == reference_date.month) & (birth.dt.day > reference_date.day)
    )
    age = (years - before_birthday.astype("Int64")).astype("Int64")
    if not age.isna().any():
        age = age.astype("int64")
    return age


#: How a blank date of birth is said when age is derived from it (singular, plural).
BLANK_BIRTH: Final[tuple[str, str]] = (
    "is blank, so age cannot be derived",
    "are blank, so age cannot be derived",
)


def birth_checks(reference_date: pd.Timestamp) -> tuple[tuple[str, str], tuple[str, str]]:
    """Return the checks of dates of birth that age is derived from, as (check, words).

    First a birth after ``reference_date`` (an age below the contract's youngest), then
    one longer before it than the contract's oldest age; the words follow "is" or "are".
    The readers and the DuckDB file check (:mod:`toolkit.segment`) say them alike.

    Parameters
    ----------
    reference_date : pandas.Timestamp
        The date at which age is derived; the words give it as yyyy-mm-dd.

    Returns
    -------
    tuple of (str, str)
        Two pairs, each the check's name (as a message's failures table names it) and
        the words that follow "is" or "are": the birth after the reference date, then
        the birth more than the oldest age before it.

    Examples
    --------
    >>> (after, _), (before, words) = birth_checks(pd.Timestamp("2025-03-31"))
    >>> after
    'not_after_reference_date'
    >>> words
    'more than 120 years before the reference date 2025-03-31'
    """
    oldest = AGE_RANGE[1]
    on = f"{reference_date:%Y-%m-%d}"
    return (
        ("not_after_reference_date", f"after the reference date {on}, so age cannot be derived"),
        (
            f"at_most_{oldest}_years_before_reference_date",
            f"more than {oldest} years before the reference date {on}",
        ),
    )


def parse_reference_date(reference_date: Any, function: str) -> pd.Timestamp | None:
    if reference_date is None:
        return None
    if not isinstance(reference_date, str | date | datetime | pd.Timestamp):
        raise TypeError(
            f"The 'reference_date' parameter of {function} must be a date, a datetime or an ISO "
            f"date string such as '2025-03-31'. Got {reference_date!r} instead."
        )
    try:
        return pd.Timestamp(reference_date)
    except ValueError as error:
        raise ValueError(
            f"The 'reference_date' parameter of {function} must be a date, a datetime or an ISO "
            f"date string such as '2025-03-31'. Got {reference_date!r} instead."
        ) from error


def _shown_unreadable(values: pd.Series) -> list[Any]:
    """Unreadable values as a message shows them: numbers and dates in their own type.

    Other values are shown as trimmed text. A date is shown as a date (dd/mm/yyyy) however
    it is stored, as the DuckDB check of files shows it.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        return list(values)
    text = default_text(values.astype("string").str.strip())
    return [
        datetime(value.year, value.month, value.day)
        if isinstance(value, date) and not isinstance(value, datetime)
        else value
        if isinstance(value, datetime)
        else shown
        for value, shown in zip(values, text, strict=True)
    ]


_UNIQUE_PHRASES: Final[dict[str, tuple[str, str]]] = {
    "person_id": ("shares a person_id with another row", "share a person_id with another row"),
    "lsoa": ("shares an LSOA code with another row", "share an LSOA code with another row"),
}


def _pandera_problems(
    error: pa.errors.SchemaErrors,
    *,
    unreadable: Mapping[str, np.ndarray],
    has_blanks: set[str],
    first_row: int,
) -> list[Problem]:
    cases = error.failure_cases
    # A DataFrame-level check comes back once per column: keep one row per row checked,
    # labelled with (and showing the value of) the column the check is about.
    is_frame = (cases["schema_context"] == "DataFrameSchema") & cases["check"].isin(
        list(FRAME_CHECK_COLUMNS)
    )
    frame_cases = cases[is_frame]
    target = frame_cases["check"].map(FRAME_CHECK_COLUMNS)
    frame_cases = (
        frame_cases.assign(preferred=frame_cases["column"] == target)
        .sort_values("preferred", ascending=False, kind="stable")
        .drop_duplicates(subset=["check", "index"])
        .assign(column=target)
        .drop(columns="preferred")
        .sort_index()
    )
    cases = pd.concat([cases[~is_frame], frame_cases])
    problems: list[Problem] = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        column = None if column is None or not isinstance(column, str) else column
        if check == "column_in_dataframe":
            continue  # reported with a suggestion by column_problems
        if str(check).startswith("dtype("):
            if column in has_blanks or column in unreadable:
                continue  # a nullable dtype only because of blanks or unreadable values
            found = group["failure_case"].iloc[0]
            problems.append(
                Problem(
                    column=column,
                    check=str(check),
                    sentence=f"column '{column}' has the wrong type: expected {check[7:-2]}, "
                    f"found {found}.",
                )
            )
            continue
        if check in PHRASES:
            name, singular = PHRASES[check]
            phrases = (singular, check)
        elif check == "field_uniqueness" and column in _UNIQUE_PHRASES:
            name, phrases = "unique", _UNIQUE_PHRASES[column]
        elif check in BUILTIN_PHRASES:
            name, plural, singular = BUILTIN_PHRASES[check]
            phrases = (singular, plural)
        else:
            name, phrases = str(check), (f"fail the check {check}", f"fail the check {check}")
        indexed = group[group["index"].notna()]
        if indexed.empty:
            problems.append(
                Problem(
                    column=column,
                    check=name,
                    sentence=(f"column '{column}' " if column else "the table ") + phrases[0] + ".",
                )
            )
            continue
        positions = indexed["index"].to_numpy(dtype="int64")
        values = list(indexed["failure_case"])
        if check == "not_nullable" and column in unreadable:
            keep = ~np.isin(positions, unreadable[column])
            positions = positions[keep]
            values = [value for value, kept in zip(values, keep, strict=True) if kept]
            if not len(positions):
                continue
        if check == "not_nullable" or column is None:
            values = None
        problems.append(row_problem(column, name, phrases, positions, values, first_row))
    return problems


@functools.cache
def _partial_schema(table: Table) -> pa.DataFrameSchema:
    """Return the contract of ``table`` with every column optional (one of several files)."""
    schema = _SCHEMAS[table]
    return schema.update_columns({name: {"required": False} for name in schema.columns})


def named_rows(
    frame: pd.DataFrame,
    rules: Mapping[str, ColumnRule],
    column_problems: Callable[[list[str]], list[Problem]],
    *,
    label: str,
    source: str | None,
    first_row: int,
    skip_empty_rows: bool,
) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """Name a table's columns by the contract and set aside its empty rows.

    Refuses at once a column named twice (after matching) and a table with no data rows
    (none at all, or only rows in which every cell is blank);
    returns the table under contract names (index: positions among the data rows), the
    names, and the problems found so far (``column_problems`` of the names, and the
    completely empty rows unless ``skip_empty_rows`` drops them). Shared by the persons,
    areas and cube readers and :mod:`toolkit.monitor.series`.
    """
    renamed = contract_names(list(frame.columns), rules)
    problems = duplicate_name_problems(list(frame.columns), renamed)
    if problems:
        raise_problems(problems, label=label, source=source, first_row=first_row)
    names = [renamed[column] for column in frame.columns]
    positioned = frame.set_axis(names, axis=1).reset_index(drop=True)
    problems = column_problems(names)
    empty = _empty_rows(positioned) if len(positioned) else np.arange(0)
    if len(empty) == len(positioned):
        # No data rows, or only rows in which every cell is blank (blank lines, a line of
        # commas): refused alike, whether or not empty rows are skipped.
        sentence = "the table has a header row but no data rows."
        if len(empty):
            noun = "1 row" if len(empty) == 1 else f"all {len(empty):,} rows"
            sentence = (
                f"the table has a header row but no data rows: {noun} below it "
                f"{'is' if len(empty) == 1 else 'are'} blank (every cell empty)."
            )
        problems.insert(0, Problem(column=None, check="has_rows", sentence=sentence))
        raise_problems(problems, label=label, source=source, first_row=first_row)
    if len(empty) and skip_empty_rows:
        positioned = positioned.drop(index=empty)
    elif len(empty):
        problems.append(
            row_problem(
                None,
                "empty_row",
                ("is completely empty", "are completely empty"),
                empty,
                None,
                first_row,
            )
        )
    return positioned, names, problems


def validate_table(
    frame: Any,
    *,
    table: Table,
    function: str,
    source: str | None,
    label: str | None = None,
    first_row: int = 2,
    skip_empty_rows: bool = False,
    reference_date: pd.Timestamp | None = None,
    partial: bool = False,
) -> pd.DataFrame:
    """Standardise ``frame`` to the contract and check it; raise one error listing all problems.

    ``label`` names the table in messages (a file's name); ``source`` is kept on the error
    (a file's full path). Rows are numbered from ``first_row``. With ``partial``, the
    columns present are checked but none is required (one of several files to be joined).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"The 'data' parameter of {function} must be a pandas DataFrame. "
            f"Got {type(frame).__name__} instead."
        )
    if source is not None and not isinstance(source, str):
        raise TypeError(
            f"The 'source' parameter of {function} must be a str or None. "
            f"Got {type(source).__name__} instead."
        )
    label = label or (source if source is not None else f"the {table} table")
    rules = RULES[table]
    schema = _SCHEMAS[table]
    if partial:
        rules = {name: replace(rule, required=False) for name, rule in rules.items()}
        schema = _partial_schema(table)
    derive_age = table == "persons" and reference_date is not None
    positioned, names, problems = named_rows(
        frame,
        rules,
        lambda names: column_problems(names, rules, table=table, derive_age=derive_age),
        label=label,
        source=source,
        first_row=first_row,
        skip_empty_rows=skip_empty_rows,
    )

    standardised: dict[str, pd.Series] = {}
    unreadable: dict[str, np.ndarray] = {}
    has_blanks: set[str] = set()
    for name in names:
        rule = rules.get(name)
        if rule is None:
            continue
        raw = positioned[name]
        values, bad = standardise_column(raw, rule, name)
        if bad.any():
            check, plural, singular = unreadable_phrases(name, rule.kind)
            bad_values = raw[bad]
            positions = bad_values.index.to_numpy(dtype="int64")
            unreadable[name] = positions
            problems.append(
                row_problem(
                    name,
                    check,
                    (singular, plural),
                    positions,
                    _shown_unreadable(bad_values),
                    first_row,
                )
            )
        if values.isna().any():
            has_blanks.add(name)
        standardised[name] = values

    derived = derive_age and "age" not in standardised and "date_of_birth" in standardised
    if derived:
        age = _derive_age(standardised["date_of_birth"], reference_date)
        outside_range = np.zeros(len(age), dtype=bool)  # said of the dates of birth below
        # A birth after the reference date, or over 120 years before it, is said of the
        # dates of birth (the file has no age column), not as an age outside 0 to 120.
        youngest, oldest = AGE_RANGE
        for (check, words), outside in zip(
            birth_checks(reference_date), (age < youngest, age > oldest), strict=True
        ):
            outside = outside.fillna(False).to_numpy(dtype=bool)
            if outside.any():
                births = standardised["date_of_birth"][outside]
                problems.append(
                    row_problem(
                        "date_of_birth",
                        check,
                        (f"is {words}", f"are {words}"),
                        age.index[outside].to_numpy(dtype="int64"),
                        [f"{birth:%Y-%m-%d}" for birth in births],
                        first_row,
                    )
                )
                outside_range |= outside
                age = age.astype("Int64").mask(outside)
        standardised["age"] = age
        no_birth = (
            age.isna()
            & ~outside_range
            & ~positioned.index.isin(unreadable.get("date_of_birth", []))
        )
        if age.isna().any():
            has_blanks.add("age")
            unreadable["age"] = age.index[age.isna()].to_numpy(dtype="int64")
        if no_birth.any():
            problems.append(
                row_problem(
                    "date_of_birth",
                    "not_blank",
                    BLANK_BIRTH,
                    age.index[no_birth].to_numpy(dtype="int64"),
                    None,
                    first_row,
                )
            )

    columns = {name: standardised.get(name, positioned[name]) for name in names}
    if derived:
        columns = {"age": standardised["age"], **columns}
    result = pd.DataFrame(columns, index=positioned.index)

    try:
        schema.validate(result, lazy=True)
    except pa.errors.SchemaErrors as error:
        problems.extend(
            _pandera_problems(
                error, unreadable=unreadable, has_blanks=has_blanks, first_row=first_row
            )
        )
    if problems:
        raise_problems(
            problems, label=label, source=source, first_row=first_row, column_order=rules
        )

    if skip_empty_rows:
        return result.reset_index(drop=True)
    return result.set_axis(frame.index, axis=0)


@renamed({"df": "data"})
def validate_persons(
    data: pd.DataFrame, *, source: str | None = None, reference_date: Any = None
) -> pd.DataFrame:
    """Check a persons table against the contract and return it standardised.

    Common codings are mapped first (sex 1/2, m/f, male/female; flags Y/N, yes/no, 1/0,
    true/false, including the optional ``smoker`` and ``bp_controlled``; numbers given as
    text; dates as dd/mm/yyyy or yyyy-mm-dd), then every rule of
    :data:`toolkit.data.schemas.PERSONS_SCHEMA` is checked at once, including the row-wise
    ones: a cause of death or date of death only where ``died``, each cause-specific
    admission count (``emergency_admissions_falls``, ...) at most ``emergency_admissions``,
    and ``bp_controlled`` true only for people with ``hypertension``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person. Not changed.
    source : str, optional
        What to call the table in messages, such as its file name.
    reference_date : date, datetime or str, optional
        When the table has ``date_of_birth`` but no ``age``, age in completed years is
        derived at this date (for example the end of the period the extract covers).

    Returns
    -------
    pandas.DataFrame
        A new DataFrame with the same rows, index and columns (contract columns renamed to
        their contract spelling) in the contract's dtypes; ``age`` is added first when
        derived.

    Raises
    ------
    DataContractError
        Listing every problem: column, check, how many rows and up to five example rows.
    TypeError
        If ``data`` is not a DataFrame.
    """
    return validate_table(
        data,
        table="persons",
        function="validate_persons",
        source=source,
        reference_date=parse_reference_date(reference_date, "validate_persons"),
    )


def validate_areas_table(
    df: Any,
    *,
    source: str | None,
    label: str | None = None,
    first_row: int = 2,
    skip_empty_rows: bool = False,
    repair_geometry: bool = False,
    function: str = "validate_areas",
    notes: Sequence[str] | None = None,
    edition: str | None = None,
    warn: bool = False,
    partial: bool = False,
    imd_edition: Any = None,
    edition_from: str | None = None,
) -> pd.DataFrame:
    """Check an areas table; set ``attrs["imd_edition"]`` and ``attrs["notes"]`` on the result.

    ``notes`` and ``edition`` default to the input's own ``attrs`` (so that they survive
    :func:`validate_areas`). Numbers with thousands separators are read and counted in a
    note; the optional columns missing are noted, and with ``warn`` said in a
    ``UserWarning``. With ``partial``, no column is required (one of several files).
    ``imd_edition`` (the caller's parameter) is the edition where the table has none; one
    that differs from the table's (which ``edition_from`` says how it is known) is refused.
    """
    if not isinstance(repair_geometry, bool):
        raise TypeError(
            f"The 'repair_geometry' parameter of {function} must be a bool. "
            f"Got {repair_geometry!r} instead."
        )
    given = iod.edition_given(imd_edition, function)
    label = label or (source if source is not None else "the areas table")
    attrs = getattr(df, "attrs", None) or {}
    edition = edition if edition is not None else attrs.get("imd_edition")
    if given is not None and edition is not None and str(edition) != given:
        known = edition_from or "as its attrs['imd_edition'] records"
        fail(
            label,
            "imd_edition",
            f"imd_edition {given} was given, but the table is of the {edition} edition of the "
            f"indices ({known}): give {edition}, or leave imd_edition out to take the table's.",
            source=source,
        )
    edition = given if edition is None else edition
    notes = list(attrs.get("notes") or ()) if notes is None else list(notes)
    counts: dict[Any, tuple[int, str]] = {}
    if isinstance(df, pd.DataFrame):
        numeric = [
            column for column in df.columns if normalise_name(column) in iod.NUMERIC_AREA_COLUMNS
        ]
        whole = [name for name in numeric if AREAS_RULES[normalise_name(name)].kind == "whole"]
        df, counts = iod.strip_thousands(df, numeric, whole=whole)
    is_geo = hasattr(df, "crs") and "geometry" in getattr(df, "columns", [])
    repaired: list[int] = []
    if is_geo:
        df, repaired = check_geometry(
            df, label=label, source=source, first_row=first_row, repair_geometry=repair_geometry
        )
    result = validate_table(
        df,
        table="areas",
        function="validate_areas",
        source=source,
        label=label,
        first_row=first_row,
        skip_empty_rows=skip_empty_rows,
        partial=partial,
    )
    if is_geo:
        import geopandas

        result = geopandas.GeoDataFrame(result, geometry="geometry", crs=df.crs)
        result.attrs["repaired_geometry"] = repaired
    notes.extend(iod.thousands_notes({normalise_name(c): n for c, n in counts.items()}))
    missing = [] if partial else [name for name in iod.MISSING_NOTES if name not in result]
    left_out = [iod.MISSING_NOTES[name] for name in missing]
    notes.extend(left_out)
    result.attrs["imd_edition"] = edition
    result.attrs["notes"] = list(dict.fromkeys(notes))
    if warn and left_out:
        warnings.warn(f"{label}: " + "; ".join(left_out) + ".", UserWarning, stacklevel=3)
    return result


@renamed({"df": "data"})
def validate_areas(
    data: pd.DataFrame,
    *,
    source: str | None = None,
    repair_geometry: bool = False,
    imd_edition: int | str | None = None,
) -> pd.DataFrame:
    """Check an areas table (one row per LSOA) against the contract and return it standardised.

    Parameters
    ----------
    data : pandas.DataFrame or geopandas.GeoDataFrame
        Columns ``lsoa``, ``lsoa_name``, ``imd_decile``, ``place``, and optionally
        ``imd_score``, ``population``, ``imd_rank`` and ``geometry``. Numbers written with
        thousands separators ("1,296") are read as numbers. Not changed.
    source : str, optional
        What to call the table in messages, such as its file name.
    repair_geometry : bool, default False
        Repair invalid geometry (a self-intersecting polygon, say) with shapely's
        ``make_valid``, keeping only the polygonal parts, instead of refusing it. The rows
        repaired are named in a ``UserWarning`` and listed in
        ``attrs["repaired_geometry"]``.
    imd_edition : {2019, 2025}, optional
        The edition of the Indices of Deprivation the deciles are of (a number or text),
        for a table that does not record one in ``data.attrs["imd_edition"]``: a table
        merged from another (boundaries joined to the areas ``read_areas`` read, say) or
        read from a file that does not record it (CSV, a GeoPackage of your own). An
        edition that differs from the one ``data.attrs`` records is refused.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A new table in the contract's dtypes. A GeoDataFrame stays one, in EPSG:27700: one
        in another coordinate reference system is reprojected, with a ``UserWarning``. Its
        ``attrs["repaired_geometry"]`` lists the spreadsheet row numbers (the first row is
        row 2) whose geometry was repaired; it is empty when none was.
        ``attrs["imd_edition"]`` is kept from ``data.attrs`` (``"2019"``, ``"2025"``), else
        ``imd_edition``, else None (unknown); ``attrs["notes"]`` lists what was noted when
        reading (``data``'s own notes, numbers read with thousands separators, and "no
        IMD score: ..." or "no population: ..." when those optional columns are missing).

    Raises
    ------
    DataContractError
        Listing every problem (``lsoa`` must be unique; a GeoDataFrame needs a coordinate
        reference system and a valid geometry in every row). Geometry problems are listed
        first and on their own, before the other columns are checked. Also when
        ``imd_edition`` differs from the edition ``data.attrs`` records.
    ValueError
        If ``imd_edition`` is not 2019 or 2025.
    """
    return validate_areas_table(
        data, source=source, repair_geometry=repair_geometry, imd_edition=imd_edition
    )


@renamed({"df": "data"})
def validate_cube(data: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a tidy segment cube against the contract and return it standardised.

    A blank ``imd_decile`` is the category "deprivation unknown" and a blank ``place`` the
    category "place unknown"; both are allowed and kept.

    Parameters
    ----------
    data : pandas.DataFrame
        Dimensions ``CUBE_DIMENSIONS`` and measures ``CUBE_MEASURES``. Not changed.
    source : str, optional
        What to call the table in messages.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame in the contract's dtypes.

    Raises
    ------
    DataContractError
        Listing every problem: negative counts, deaths or ``persons_with_*`` above
        ``persons``, repeated cells, unknown age bands.
    """
    return validate_table(data, table="cube", function="validate_cube", source=source)


__all__ = ["validate_areas", "validate_cube", "validate_persons"]
