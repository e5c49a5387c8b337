"""Read and validate the persons, areas and cube tables against the data contract.

Every function returns a new DataFrame in the contract's dtypes (see
:mod:`toolkit.data.schemas` for the column-by-column contract) or raises one
:class:`~toolkit.errors.DataContractError` that lists every problem found at once.

Row numbers in messages
    are the row numbers a spreadsheet shows: the header is row 1 and the first data row is
    row 2. For a CSV file this is also the line number in a text editor (unless a quoted
    value spans lines). When an Excel sheet has title rows above the header, the numbers
    are still the sheet's own row numbers. A DataFrame passed in directly is numbered the
    same way: its first row (position 0) is row 2.

Decisions about files (documented for analysts in ``data/README.md``)
    - CSV files are read as UTF-8 (a byte-order mark from Excel's "CSV UTF-8" is fine).
      Text in another encoding is refused with the line number of the first bad byte, not
      guessed: pass ``encoding="cp1252"`` for a file saved by Excel as plain "CSV".
    - Every value in a CSV is read as text first, so identifiers keep leading zeros and the
      standardisation can name the rows whose values cannot be read. Typed files (Parquet,
      Excel) go through the same standardisation: a Parquet column of text that holds whole
      numbers is accepted as numbers, and one that holds "unknown" is reported row by row.
    - Rows in which every cell is empty are skipped when reading a file (they hold no data);
      other rows keep their true row numbers.
    - Excel: the first sheet unless ``sheet`` says otherwise (for areas, the first sheet
      with an LSOA code column, so a "Notes" sheet first is fine); the header row is found
      among the first 10 rows, so title rows above it are fine.
    - Areas may be read from a ``.gz`` file or a ``.zip`` holding one data file, and from
      several files joined on LSOA code (see :func:`read_areas` and :mod:`toolkit.data.iod`).
    - Column names are matched ignoring case, surrounding spaces, and spaces or hyphens in
      place of underscores ("GP Appointments" is ``gp_appointments``).
"""

from __future__ import annotations

import csv
import difflib
import functools
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit.data import iod
from toolkit.data.contract import AREA_REQUIRED
from toolkit.data.schemas import (
    AREAS_RULES,
    AREAS_SCHEMA,
    BUILTIN_PHRASES,
    CUBE_RULES,
    CUBE_SCHEMA,
    FRAME_CHECK_COLUMNS,
    PERSONS_RULES,
    PERSONS_SCHEMA,
    PHRASES,
    UNREADABLE_PHRASES,
    ColumnRule,
    blank_mask,
    default_text,
    standardise_column,
    to_text,
)
from toolkit.errors import DataContractError

Table = Literal["persons", "areas", "cube"]
Existing = Literal["raise", "replace", "fill"]

#: How many example rows a message shows for each problem.
MAX_EXAMPLES: Final[int] = 5

#: How alike (difflib ratio) a column name must be to a contract name to be a near miss.
NEAR_MISS: Final[float] = 0.75

#: Stems shared by a family of contract names. An unknown column that starts with one is
#: compared with the family on what follows the stem, so that an extra column such as
#: "emergency_admissions_cancer" is not taken for a misspelt "emergency_admissions_acsc",
#: while "emergency_admissions_fals" still is a near miss of "emergency_admissions_falls".
NAME_STEMS: Final[tuple[str, ...]] = ("emergency_admissions_",)

#: How many rows at the top of an Excel sheet are searched for the header row.
HEADER_SEARCH_ROWS: Final[int] = 10

#: Cell texts read as blank in a CSV file (pandas' defaults, used by both CSV readers).
BLANK_TEXT: Final[tuple[str, ...]] = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)

#: The coordinate reference system of the areas' geometry (British National Grid).
AREAS_CRS: Final[str] = "EPSG:27700"

_FORMATS: Final[dict[str, str]] = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".gpkg": "geo",
    ".geojson": "geo",
    ".json": "geo",
    ".shp": "geo",
}

_RULES: Final[dict[str, dict[str, ColumnRule]]] = {
    "persons": PERSONS_RULES,
    "areas": AREAS_RULES,
    "cube": CUBE_RULES,
}
_SCHEMAS: Final[dict[str, pa.DataFrameSchema]] = {
    "persons": PERSONS_SCHEMA,
    "areas": AREAS_SCHEMA,
    "cube": CUBE_SCHEMA,
}

#: Headers of the English Indices of Deprivation files (2019: LSOA 2011 codes; 2025: LSOA
#: 2021 codes), matched ignoring case and repeated spaces; see :mod:`toolkit.data.iod`.
IMD_HEADERS: Final[dict[str, str]] = iod.IMD_HEADERS


# ---------------------------------------------------------------------------------------------
# Problems and the error that lists them
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """One failed check: a column, a check name, the rows and the sentence that says so."""

    column: str | None
    check: str
    sentence: str
    failing_rows: int | None = None
    example_rows: tuple[int, ...] = ()


def _show_value(value: Any) -> str:
    if isinstance(value, pd.Timestamp | datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return repr(shown)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _row_problem(
    column: str | None,
    check: str,
    phrases: tuple[str, str],
    positions: np.ndarray,
    values: Sequence[Any] | None,
    first_row: int,
) -> _Problem:
    """Describe rows failing one check: "column 'age': 2 rows are outside 0 to 120 (...)."."""
    order = np.argsort(positions, kind="stable")
    positions = np.asarray(positions)[order]
    count = len(positions)
    singular, plural = phrases
    rows = positions + first_row
    shown = rows[:MAX_EXAMPLES]
    if values is not None:
        ordered = [values[i] for i in order[:MAX_EXAMPLES]]
        details = []
        for row, value in zip(shown, ordered, strict=True):
            blank = value is None or (not isinstance(value, str) and bool(pd.isna(value)))
            details.append(f"row {row}" if blank else f"row {row}: {_show_value(value)}")
        detail = "; ".join(details)
    else:
        label = "row" if count == 1 else "rows"
        detail = f"{label} " + ", ".join(str(row) for row in shown)
    if count > MAX_EXAMPLES:
        detail += f"; and {count - MAX_EXAMPLES:,} more"
    noun = "1 row" if count == 1 else f"{count:,} rows"
    phrase = singular if count == 1 else plural
    where = f"column '{column}': " if column else ""
    return _Problem(
        column=column,
        check=check,
        sentence=f"{where}{noun} {phrase} ({detail}).",
        failing_rows=count,
        example_rows=tuple(int(row) for row in shown),
    )


def _failures_table(problems: Sequence[_Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "column": pd.Series([p.column for p in problems], dtype=object),
            "check": pd.Series([p.check for p in problems], dtype=object),
            "failing_rows": pd.array([p.failing_rows for p in problems], dtype="Int64"),
            "example_rows": pd.Series([list(p.example_rows) for p in problems], dtype=object),
            "message": pd.Series([p.sentence for p in problems], dtype=object),
        }
    )


def _raise(problems: Sequence[_Problem], *, label: str, source: str | None, first_row: int) -> None:
    count = len(problems)
    heading = f"{label}: {count} problem{'s' if count != 1 else ''} found."
    if any(p.example_rows for p in problems):
        heading += (
            f" Row numbers are as a spreadsheet shows them (the header is row {first_row - 1})."
        )
    lines = [heading, *(f" - {p.sentence}" for p in problems)]
    raise DataContractError("\n".join(lines), failures=_failures_table(problems), source=source)


def _fail(label: str, check: str, sentence: str, *, source: str | None, line: int | None = None):
    """Raise a DataContractError for a problem with the file itself (not its values)."""
    problem = _Problem(
        column=None,
        check=check,
        sentence=sentence,
        failing_rows=None if line is None else 1,
        example_rows=() if line is None else (line,),
    )
    raise DataContractError(
        f"{label}: {sentence}", failures=_failures_table([problem]), source=source
    )


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _normalise_name(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _contract_names(columns: Sequence[Any], rules: Mapping[str, ColumnRule]) -> dict[Any, str]:
    """Map each column to its contract name where it is one (ignoring case and spacing)."""
    renamed: dict[Any, str] = {}
    for column in columns:
        normalised = _normalise_name(column)
        renamed[column] = normalised if normalised in rules else str(column)
    return renamed


def contract_column_names(columns: Sequence[Any], *, table: Table = "persons") -> dict[Any, str]:
    """Return the contract name each column is read as (the readers' column-name matching).

    Names are matched ignoring case, surrounding spaces, and spaces or hyphens in place of
    underscores (``"GP Appointments"`` is ``gp_appointments``); a column that is no
    contract name keeps its name. Every reader, and :func:`toolkit.segment.build_cube`
    scanning files, uses this one matching.

    Parameters
    ----------
    columns : sequence
        Column names as found (a file's header, with surrounding spaces or not).
    table : {"persons", "areas", "cube"}, default "persons"
        Whose contract names to match.

    Returns
    -------
    dict
        Each column (as given) mapped to its contract name, or to itself as text.
    """
    return _contract_names(columns, _RULES[table])


def persons_column_problems(columns: Sequence[Any]) -> list[str]:
    """Return what is wrong with a persons table's column names alone, as sentences.

    The checks of :func:`validate_persons` that need only the header: two columns read
    as the same contract name, a required column missing (with a near miss suggested),
    an unknown column that looks like a misspelt contract name, and neither an ``lsoa``
    nor an ``imd_decile`` column. An empty list means the header is acceptable; the
    values may still be wrong.

    Parameters
    ----------
    columns : sequence
        Column names as found.

    Returns
    -------
    list of str
        One sentence per problem, worded as in the readers' messages.
    """
    renamed = _contract_names(list(columns), PERSONS_RULES)
    problems = _duplicate_name_problems(list(columns), renamed)
    names = [renamed[column] for column in columns]
    problems += _column_problems(names, PERSONS_RULES, table="persons", derive_age=False)
    sentences = [problem.sentence for problem in problems]
    if "lsoa" not in names and "imd_decile" not in names:
        sentences.append("the table has neither an 'lsoa' nor an 'imd_decile' column.")
    return sentences


def _near_miss(name: str, candidates: Sequence[str]) -> str | None:
    """Return the contract name among ``candidates`` that ``name`` may be a misspelling of."""
    for stem in NAME_STEMS:
        family = [candidate for candidate in candidates if candidate.startswith(stem)]
        if not name.startswith(stem) or not family:
            continue
        endings = [candidate[len(stem) :] for candidate in family]
        close = difflib.get_close_matches(name[len(stem) :], endings, n=1, cutoff=NEAR_MISS)
        if close:
            return stem + close[0]
        candidates = [candidate for candidate in candidates if not candidate.startswith(stem)]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=NEAR_MISS)
    return close[0] if close else None


def _column_problems(
    names: Sequence[str],
    rules: Mapping[str, ColumnRule],
    *,
    table: Table,
    derive_age: bool,
) -> list[_Problem]:
    problems: list[_Problem] = []
    present = set(names)
    unknown = [name for name in names if name not in rules]
    explained: set[str] = set()
    for name, rule in rules.items():
        if not rule.required or name in present:
            continue
        if name == "age" and "date_of_birth" in present:
            if derive_age:
                continue
            sentence = (
                "column 'age' is missing. The table has 'date_of_birth': give reference_date "
                "(the date at which to count age) to derive age from it."
            )
        else:
            sentence = f"column '{name}' is missing."
            close = difflib.get_close_matches(name, unknown, n=1, cutoff=NEAR_MISS)
            if close:
                explained.add(close[0])
                sentence += f" The table has '{close[0]}': did you mean '{name}'?"
        problems.append(_Problem(column=name, check="column_present", sentence=sentence))
    absent_optional = [name for name, rule in rules.items() if name not in present]
    for name in unknown:
        if name in explained:
            continue
        close = _near_miss(_normalise_name(name), absent_optional)
        if close:
            problems.append(
                _Problem(
                    column=name,
                    check="known_column",
                    sentence=(
                        f"column '{name}' is not in the {table} contract: did you mean "
                        f"'{close}'? Rename it so that it is checked and used."
                    ),
                )
            )
    return problems


def _duplicate_name_problems(original: Sequence[Any], renamed: Mapping[Any, str]) -> list[_Problem]:
    seen: dict[str, list[str]] = {}
    for column in original:
        seen.setdefault(renamed[column], []).append(str(column))
    problems = []
    for name, sources in seen.items():
        if len(sources) > 1:
            listed = " and ".join(f"'{source}'" for source in sources)
            problems.append(
                _Problem(
                    column=name,
                    check="unique_column",
                    sentence=f"column '{name}' appears more than once ({listed}): keep one.",
                )
            )
    return problems


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


def _parse_reference_date(reference_date: Any, function: str) -> pd.Timestamp | None:
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
) -> list[_Problem]:
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
    problems: list[_Problem] = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        column = None if column is None or not isinstance(column, str) else column
        if check == "column_in_dataframe":
            continue  # reported with a suggestion by _column_problems
        if str(check).startswith("dtype("):
            if column in has_blanks or column in unreadable:
                continue  # a nullable dtype only because of blanks or unreadable values
            found = group["failure_case"].iloc[0]
            problems.append(
                _Problem(
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
                _Problem(
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
        problems.append(_row_problem(column, name, phrases, positions, values, first_row))
    return problems


@functools.cache
def _partial_schema(table: Table) -> pa.DataFrameSchema:
    """Return the contract of ``table`` with every column optional (one of several files)."""
    schema = _SCHEMAS[table]
    return schema.update_columns({name: {"required": False} for name in schema.columns})


def _named_rows(
    frame: pd.DataFrame,
    rules: Mapping[str, ColumnRule],
    column_problems: Callable[[list[str]], list[_Problem]],
    *,
    label: str,
    source: str | None,
    first_row: int,
    skip_empty_rows: bool,
) -> tuple[pd.DataFrame, list[str], list[_Problem]]:
    """Name a table's columns by the contract and set aside its empty rows.

    Refuses at once a column named twice (after matching) and a table with no data rows;
    returns the table under contract names (index: positions among the data rows), the
    names, and the problems found so far (``column_problems`` of the names, and the
    completely empty rows unless ``skip_empty_rows`` drops them). Shared by the persons,
    areas and cube readers and :mod:`toolkit.monitor.series`.
    """
    renamed = _contract_names(list(frame.columns), rules)
    problems = _duplicate_name_problems(list(frame.columns), renamed)
    if problems:
        _raise(problems, label=label, source=source, first_row=first_row)
    names = [renamed[column] for column in frame.columns]
    positioned = frame.set_axis(names, axis=1).reset_index(drop=True)
    problems = column_problems(names)
    if len(positioned) == 0:
        problems.insert(
            0,
            _Problem(
                column=None,
                check="has_rows",
                sentence="the table has a header row but no data rows.",
            ),
        )
        _raise(problems, label=label, source=source, first_row=first_row)
    empty = _empty_rows(positioned)
    if len(empty) and skip_empty_rows:
        positioned = positioned.drop(index=empty)
    elif len(empty):
        problems.append(
            _row_problem(
                None,
                "empty_row",
                ("is completely empty", "are completely empty"),
                empty,
                None,
                first_row,
            )
        )
    return positioned, names, problems


def _validate(
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
            f"The 'df' parameter of {function} must be a pandas DataFrame. "
            f"Got {type(frame).__name__} instead."
        )
    if source is not None and not isinstance(source, str):
        raise TypeError(
            f"The 'source' parameter of {function} must be a str or None. "
            f"Got {type(source).__name__} instead."
        )
    label = label or (source if source is not None else f"the {table} table")
    rules = _RULES[table]
    schema = _SCHEMAS[table]
    if partial:
        rules = {name: replace(rule, required=False) for name, rule in rules.items()}
        schema = _partial_schema(table)
    derive_age = table == "persons" and reference_date is not None
    positioned, names, problems = _named_rows(
        frame,
        rules,
        lambda names: _column_problems(names, rules, table=table, derive_age=derive_age),
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
            check, plural, singular = UNREADABLE_PHRASES[rule.kind]
            bad_values = raw[bad]
            shown = (
                default_text(bad_values.astype("string").str.strip())
                if not pd.api.types.is_numeric_dtype(bad_values.dtype)
                else bad_values
            )
            positions = bad_values.index.to_numpy(dtype="int64")
            unreadable[name] = positions
            problems.append(
                _row_problem(name, check, (singular, plural), positions, list(shown), first_row)
            )
        if values.isna().any():
            has_blanks.add(name)
        standardised[name] = values

    derived = derive_age and "age" not in standardised and "date_of_birth" in standardised
    if derived:
        age = _derive_age(standardised["date_of_birth"], reference_date)
        standardised["age"] = age
        no_birth = age.isna() & ~positioned.index.isin(unreadable.get("date_of_birth", []))
        if age.isna().any():
            has_blanks.add("age")
            unreadable["age"] = age.index[age.isna()].to_numpy(dtype="int64")
        if no_birth.any():
            problems.append(
                _row_problem(
                    "date_of_birth",
                    "not_blank",
                    (
                        "is blank, so age cannot be derived",
                        "are blank, so age cannot be derived",
                    ),
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
        order = {name: position for position, name in enumerate(rules)}
        problems.sort(
            key=lambda p: (
                p.failing_rows is not None,
                order.get(p.column, len(order)) if p.column else -1,
            )
        )
        _raise(problems, label=label, source=source, first_row=first_row)

    if skip_empty_rows:
        return result.reset_index(drop=True)
    return result.set_axis(frame.index, axis=0)


def validate_persons(
    df: pd.DataFrame, *, source: str | None = None, reference_date: Any = None
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
    df : pandas.DataFrame
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
        If ``df`` is not a DataFrame.
    """
    return _validate(
        df,
        table="persons",
        function="validate_persons",
        source=source,
        reference_date=_parse_reference_date(reference_date, "validate_persons"),
    )


#: Where the message about invalid geometry says how to repair it.
GEOMETRY_REPAIR_HINT: Final[str] = (
    "Repair the shapes in GIS software (QGIS: Vector > Geometry Tools > Fix Geometries), or "
    "let the toolkit repair them with make_valid: pass repair_geometry=True (read_areas, "
    "validate_areas), run `pophealth validate --kind areas --repair-geometry` or `pophealth "
    "report --repair-geometry`, or set `repair_geometry = true` in the report configuration."
)

#: Geometry types kept by the repair (an area must stay a polygon).
_POLYGONAL: Final[tuple[str, ...]] = ("Polygon", "MultiPolygon")


def _geometry_rows_problem(
    check: str, phrases: tuple[str, str], rows: Sequence[int], details: Sequence[str], hint: str
) -> _Problem:
    """Describe geometry failing one check, with each example row's reason.

    Like :func:`_row_problem`, but the reasons (such as "Self-intersection[0.5 0.5]") are
    shown whole rather than quoted and shortened, and ``hint`` follows the rows.
    """
    count = len(rows)
    shown = [f"row {row}: {detail}" for row, detail in zip(rows, details, strict=True)]
    detail = "; ".join(shown[:MAX_EXAMPLES])
    if count > MAX_EXAMPLES:
        detail += f"; and {count - MAX_EXAMPLES:,} more"
    noun = "1 row" if count == 1 else f"{count:,} rows"
    phrase = phrases[0] if count == 1 else phrases[1]
    sentence = f"column 'geometry': {noun} {phrase} ({detail})."
    if hint:
        sentence += f" {hint}"
    return _Problem(
        column="geometry",
        check=check,
        sentence=sentence,
        failing_rows=count,
        example_rows=tuple(int(row) for row in rows[:MAX_EXAMPLES]),
    )


def _polygonal_part(shape: Any) -> Any:
    """Return the polygonal part of a repaired shape (a Polygon or MultiPolygon; or None)."""
    import shapely

    if shape is None or shape.is_empty:
        return None
    if shape.geom_type in _POLYGONAL:
        return shape
    polygons = [
        polygon
        for part in shapely.get_parts(shape)
        if part.geom_type in _POLYGONAL
        for polygon in shapely.get_parts(part)
        if not polygon.is_empty
    ]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _check_geometry(
    frame: pd.DataFrame,
    *,
    label: str,
    source: str | None,
    first_row: int = 2,
    repair_geometry: bool = False,
) -> tuple[pd.DataFrame, list[int]]:
    """Check an areas GeoDataFrame's geometry; reproject to EPSG:27700 with a warning.

    Every row needs a geometry, and every geometry must be valid (shapely's ``is_valid``:
    no self-intersections, rings closed, ...), since an invalid polygon stops the map being
    drawn. Validity is checked in the file's own coordinates, so that the location in a
    reason such as "Self-intersection[0.5 0.5]" can be found in the file, and again after
    reprojection. With ``repair_geometry``, invalid geometries are repaired with
    ``make_valid`` keeping only their polygonal parts; a warning names the rows.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, list of int)
        The checked (and possibly repaired) frame in EPSG:27700, and the spreadsheet row
        numbers of the geometries repaired (empty when none was).
    """
    import geopandas
    import shapely

    if frame.crs is None:
        _fail(
            label,
            "crs",
            "the geometry has no coordinate reference system. Set it (British National Grid "
            "is EPSG:27700), for example gdf.set_crs(27700).",
            source=source,
        )
    geometry = frame.geometry
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    reasons = pd.Series(None, index=frame.index, dtype=object)
    checked = ~missing
    invalid = np.zeros(len(frame), dtype=bool)
    invalid[checked] = ~shapely.is_valid(geometry.to_numpy()[checked])
    if invalid.any():
        reasons.iloc[np.flatnonzero(invalid)] = shapely.is_valid_reason(
            geometry.to_numpy()[invalid]
        )
    if frame.crs.to_epsg() != 27700:
        warnings.warn(
            f"{label}: the geometry was in {frame.crs.to_string()}; it has been reprojected to "
            "British National Grid (EPSG:27700).",
            UserWarning,
            stacklevel=3,
        )
        frame = frame.to_crs(AREAS_CRS)
        shapes = frame.geometry.to_numpy()
        now_invalid = checked & ~invalid & ~shapely.is_valid(shapes)
        if now_invalid.any():
            found = shapely.is_valid_reason(shapes[now_invalid])
            reasons.iloc[np.flatnonzero(now_invalid)] = [
                f"{reason} once reprojected to British National Grid" for reason in found
            ]
            invalid |= now_invalid

    problems = []
    if missing.any():
        problems.append(
            _row_problem(
                "geometry",
                "geometry",
                ("has no geometry", "have no geometry"),
                np.flatnonzero(missing),
                None,
                first_row,
            )
        )
    positions = np.flatnonzero(invalid)
    repaired: list[int] = []
    if len(positions) and not repair_geometry:
        problems.append(
            _geometry_rows_problem(
                "valid_geometry",
                ("has invalid geometry", "have invalid geometry"),
                [int(position) + first_row for position in positions],
                list(reasons.iloc[positions]),
                GEOMETRY_REPAIR_HINT,
            )
        )
    elif len(positions):
        shapes = frame.geometry.to_numpy().copy()
        fixed = shapely.make_valid(shapes[positions], method="structure", keep_collapsed=False)
        fixed = [_polygonal_part(shape) for shape in fixed]
        lost = [position for position, shape in zip(positions, fixed, strict=True) if shape is None]
        if lost:
            problems.append(
                _geometry_rows_problem(
                    "valid_geometry",
                    (
                        "has invalid geometry that cannot be repaired into a polygon",
                        "have invalid geometry that cannot be repaired into a polygon",
                    ),
                    [int(position) + first_row for position in lost],
                    [f"{reasons.iloc[position]}; no area is left" for position in lost],
                    "Correct the shapes in GIS software.",
                )
            )
        else:
            shapes[positions] = fixed
            frame = frame.set_geometry(
                geopandas.GeoSeries(
                    shapes, index=frame.index, crs=frame.crs, name=frame.geometry.name
                )
            )
            repaired = [int(position) + first_row for position in positions]
            shown = "; ".join(
                f"row {row}: {reason}"
                for row, reason in zip(
                    repaired[:MAX_EXAMPLES], reasons.iloc[positions[:MAX_EXAMPLES]], strict=False
                )
            )
            more = (
                f"; and {len(repaired) - MAX_EXAMPLES:,} more"
                if len(repaired) > MAX_EXAMPLES
                else ""
            )
            noun = (
                "1 row's geometry was"
                if len(repaired) == 1
                else f"{len(repaired):,} rows' geometries were"
            )
            warnings.warn(
                f"{label}: {noun} invalid and repaired with make_valid, keeping the polygonal "
                f"parts ({shown}{more}). Check the repaired shapes on the map.",
                UserWarning,
                stacklevel=3,
            )
    if problems:
        _raise(problems, label=label, source=source, first_row=first_row)
    return frame, repaired


def _validate_areas(
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
) -> pd.DataFrame:
    """Check an areas table; set ``attrs["imd_edition"]`` and ``attrs["notes"]`` on the result.

    ``notes`` and ``edition`` default to the input's own ``attrs`` (so that they survive
    :func:`validate_areas`). Numbers with thousands separators are read and counted in a
    note; the optional columns missing are noted, and with ``warn`` said in a
    ``UserWarning``. With ``partial``, no column is required (one of several files).
    """
    if not isinstance(repair_geometry, bool):
        raise TypeError(
            f"The 'repair_geometry' parameter of {function} must be a bool. "
            f"Got {repair_geometry!r} instead."
        )
    label = label or (source if source is not None else "the areas table")
    attrs = getattr(df, "attrs", None) or {}
    edition = edition if edition is not None else attrs.get("imd_edition")
    notes = list(attrs.get("notes") or ()) if notes is None else list(notes)
    counts: dict[Any, tuple[int, str]] = {}
    if isinstance(df, pd.DataFrame):
        numeric = [
            column for column in df.columns if _normalise_name(column) in iod.NUMERIC_AREA_COLUMNS
        ]
        df, counts = iod.strip_thousands(df, numeric)
    is_geo = hasattr(df, "crs") and "geometry" in getattr(df, "columns", [])
    repaired: list[int] = []
    if is_geo:
        df, repaired = _check_geometry(
            df, label=label, source=source, first_row=first_row, repair_geometry=repair_geometry
        )
    result = _validate(
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
    notes.extend(iod.thousands_notes({_normalise_name(c): n for c, n in counts.items()}))
    missing = [] if partial else [name for name in iod.MISSING_NOTES if name not in result]
    left_out = [iod.MISSING_NOTES[name] for name in missing]
    notes.extend(left_out)
    result.attrs["imd_edition"] = edition
    result.attrs["notes"] = list(dict.fromkeys(notes))
    if warn and left_out:
        warnings.warn(f"{label}: " + "; ".join(left_out) + ".", UserWarning, stacklevel=3)
    return result


def validate_areas(
    df: pd.DataFrame, *, source: str | None = None, repair_geometry: bool = False
) -> pd.DataFrame:
    """Check an areas table (one row per LSOA) against the contract and return it standardised.

    Parameters
    ----------
    df : pandas.DataFrame or geopandas.GeoDataFrame
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

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A new table in the contract's dtypes. A GeoDataFrame stays one, in EPSG:27700: one
        in another coordinate reference system is reprojected, with a ``UserWarning``. Its
        ``attrs["repaired_geometry"]`` lists the spreadsheet row numbers (the first row is
        row 2) whose geometry was repaired; it is empty when none was.
        ``attrs["imd_edition"]`` is kept from ``df.attrs`` (``"2019"``, ``"2025"`` or None
        when unknown) and ``attrs["notes"]`` lists what was noted when reading (``df``'s own
        notes, numbers read with thousands separators, and "no IMD score: ..." or "no
        population: ..." when those optional columns are missing).

    Raises
    ------
    DataContractError
        Listing every problem (``lsoa`` must be unique; a GeoDataFrame needs a coordinate
        reference system and a valid geometry in every row). Geometry problems are listed
        first and on their own, before the other columns are checked.
    """
    return _validate_areas(df, source=source, repair_geometry=repair_geometry)


def validate_cube(df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a tidy cohort cube against the contract and return it standardised.

    A blank ``imd_decile`` is the category "deprivation unknown" and a blank ``place`` the
    category "place unknown"; both are allowed and kept.

    Parameters
    ----------
    df : pandas.DataFrame
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
    return _validate(df, table="cube", function="validate_cube", source=source)


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------


def _checked_path(
    path: Any,
    *,
    function: str,
    table: Table,
    packed: bool = False,
    label: str | None = None,
    source: str | None = None,
) -> tuple[Path, str]:
    """Check a file exists and is of a kind read; return it and its label for messages.

    With ``packed``, a ``.gz`` or ``.zip`` file is accepted (it is unpacked by the caller).
    ``label`` and ``source`` name a file unpacked from another in messages.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"The 'path' parameter of {function} must be a str or a path. "
            f"Got {type(path).__name__} instead."
        )
    resolved = Path(path)
    label = label or resolved.name or str(resolved)
    source = source or str(path)
    if not resolved.exists():
        _fail(label, "exists", f"there is no such file ({resolved}).", source=source)
    if resolved.is_dir():
        _fail(
            label,
            "is_file",
            f"this is a folder, not a file ({resolved}). Give the path of the {table} file "
            "inside it.",
            source=source,
        )
    suffix = resolved.suffix.lower()
    if suffix == ".xls":
        _fail(
            label,
            "format",
            "old Excel .xls workbooks are not read. Open it in Excel and save it as .xlsx, or "
            "as CSV UTF-8.",
            source=source,
        )
    allowed = {key for key, kind in _FORMATS.items() if kind != "geo" or table == "areas"}
    if packed:
        allowed |= set(iod.PACKED_SUFFIXES)
    if suffix not in allowed:
        kinds = "CSV (.csv), Parquet (.parquet) or Excel (.xlsx)"
        if table == "areas":
            kinds += ", or a GeoPackage, GeoJSON or Shapefile (or a .gz or .zip of one)"
        _fail(
            label,
            "format",
            f"the {table} table must be {kinds}; files ending '{resolved.suffix}' are not read.",
            source=source,
        )
    if resolved.stat().st_size == 0:
        _fail(label, "not_empty", "the file is empty (0 bytes).", source=source)
    return resolved, label


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _csv_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _first_bad_line(path: Path, encoding: str) -> tuple[int, int, bytes]:
    """Line number, column and bytes of the first text that does not decode."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError as error:
                return number, error.start + 1, line[error.start : error.end]
    return 0, 0, b""


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _check_truncated_csv(path: Path, encoding: str, width: int, label: str, source: str) -> None:
    """Refuse a CSV whose last line has fewer values than the header and no final line break."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    if tail.endswith((b"\n", b"\r")):
        return
    last_line = tail.rsplit(b"\n", 1)[-1].decode(encoding, errors="replace")
    fields = next(csv.reader([last_line]), [])
    if 0 < len(fields) < width:
        line = _line_count(path) + 1
        _fail(
            label,
            "complete_last_line",
            f"the last line (line {line}) has {len(fields)} of the {width} values the header "
            "names and does not end with a line break: the file looks truncated (cut short "
            "while it was written or copied). Export or copy it again.",
            source=source,
            line=line,
        )


def _not_text_error(path: Path, encoding: str, label: str, source: str) -> None:
    line, column, found = _first_bad_line(path, _csv_encoding(encoding))
    _fail(
        label,
        "encoding",
        f"line {line} is not {_encoding_name(encoding)} text (byte {found.hex(' ')} at "
        f"character {column}). The file was probably saved by Excel as plain 'CSV', which uses "
        "the Windows-1252 encoding. Save it as 'CSV UTF-8 (comma delimited)', or read it with "
        "encoding='cp1252'.",
        source=source,
        line=line,
    )


def _csv_header(path: Path, *, encoding: str, label: str, source: str, table: Table) -> list[str]:
    """Read and check the header line: not blank, no repeated names, comma-separated."""
    try:
        with path.open("r", encoding=_csv_encoding(encoding), newline="") as handle:
            header_line = handle.readline()
            if not header_line.strip():
                rest = handle.read(1 << 20)
                if not rest.strip() and not handle.read(1):
                    _fail(label, "not_empty", "the file holds only blank lines.", source=source)
                _fail(
                    label,
                    "header",
                    "line 1 is blank: the header row must be the first line.",
                    source=source,
                    line=1,
                )
    except UnicodeDecodeError:
        _not_text_error(path, encoding, label, source)
    except LookupError:
        raise ValueError(
            f"The 'encoding' parameter of read_{table} must name a text encoding such as "
            f"'utf-8' or 'cp1252'. Got {encoding!r} instead."
        ) from None
    header = next(csv.reader([header_line.rstrip("\r\n")]), [])
    stripped = [name.strip() for name in header]
    duplicated = sorted({name for name in stripped if name and stripped.count(name) > 1})
    if duplicated:
        described = []
        for name in duplicated:
            where = " and ".join(str(i + 1) for i, found in enumerate(stripped) if found == name)
            described.append(f"'{name}' (columns {where})")
        _fail(
            label,
            "unique_column",
            f"the header repeats {', '.join(described)}: keep one of each.",
            source=source,
            line=1,
        )
    if len(header) == 1:
        for separator, word in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
            if separator in header[0]:
                _fail(
                    label,
                    "delimiter",
                    f"the header row has no commas but {header[0].count(separator)} {word} "
                    f"characters: the file looks {word}-separated. Save it comma-separated "
                    f"(CSV UTF-8 in Excel), or read it with pandas.read_csv(path, "
                    f"sep={separator!r}) and pass the table to validate_{table}.",
                    source=source,
                    line=1,
                )
    return header


def _csv_with_pyarrow(path: Path, header: Sequence[str], encoding: str) -> pd.DataFrame | None:
    """Read a well-formed CSV fast (every column as text); None if pyarrow finds anything odd.

    pyarrow's reader is several times faster than pandas' for text columns. Blank lines are
    kept as rows so that row numbers stay those of the file. Anything it refuses (a short or
    long line, a line break inside quotes, bytes that are not text) is read again by pandas,
    whose errors name the line.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(encoding=_csv_encoding(encoding)),
            parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                null_values=list(BLANK_TEXT),
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.num_columns != len(header) or not all(
        pa.types.is_string(column.type) for column in table.schema
    ):
        return None  # a header pyarrow split differently: let pandas read it
    text_dtype = default_text(pd.Series([], dtype="string")).dtype
    if isinstance(text_dtype, pd.api.extensions.ExtensionDtype):
        return table.to_pandas(types_mapper={pa.string(): text_dtype}.get)
    return table.to_pandas()


def _read_csv(path: Path, *, encoding: str, label: str, source: str, table: Table) -> pd.DataFrame:
    header = _csv_header(path, encoding=encoding, label=label, source=source, table=table)
    raw = _csv_with_pyarrow(path, header, encoding)
    if raw is None:
        raw = _csv_with_pandas(path, encoding=encoding, label=label, source=source)
    _check_truncated_csv(path, _csv_encoding(encoding), raw.shape[1], label, source)
    raw.columns = [str(column).strip() for column in raw.columns]
    return _drop_blank_unnamed(raw)


def _csv_with_pandas(path: Path, *, encoding: str, label: str, source: str) -> pd.DataFrame:
    """Read a CSV with pandas, turning its parser errors into plain messages naming the line."""
    try:
        return pd.read_csv(
            path,
            dtype=str,
            encoding=_csv_encoding(encoding),
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=list(BLANK_TEXT),
        )
    except UnicodeDecodeError:
        _not_text_error(path, encoding, label, source)
    except pd.errors.EmptyDataError:
        _fail(label, "not_empty", "the file is empty: it has no header row.", source=source)
    except pd.errors.ParserError as error:
        message = str(error)
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        quote = re.search(r"EOF inside string starting at row (\d+)", message)
        if fields:
            expected, line, seen = (int(group) for group in fields.groups())
            _fail(
                label,
                "field_count",
                f"line {line} has {seen} values but the header names {expected}. A value that "
                "contains a comma must be in double quotes.",
                source=source,
                line=line,
            )
        if quote:
            line = int(quote.group(1)) + 1
            _fail(
                label,
                "closed_quote",
                f"a quoted value that starts on line {line} is never closed: the file may be "
                "truncated, or a value contains a stray double quote.",
                source=source,
                line=line,
            )
        _fail(label, "parse", f"could not be read as CSV ({message}).", source=source)


def _drop_blank_unnamed(raw: pd.DataFrame) -> pd.DataFrame:
    """Drop columns with no header name and no values (spreadsheet formatting leftovers)."""
    keep = [
        column
        for column in raw.columns
        if not (str(column).startswith("Unnamed: ") and blank_mask(raw[column]).all())
    ]
    return raw[keep]


def _known_header_score(cells: Sequence[Any]) -> int:
    known = set(PERSONS_RULES) | set(AREAS_RULES) | set(CUBE_RULES)
    score = 0
    for cell in cells:
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            continue
        if _normalise_name(cell) in known:
            score += 1
        elif any(re.search(pattern, iod.header_name(cell)) for pattern in IMD_HEADERS.values()):
            score += 1
    return score


def _read_excel(
    path: Path, *, sheet: str | int, label: str, source: str
) -> tuple[pd.DataFrame, int]:
    damaged = (
        "It may be damaged or cut short, or another kind of file renamed .xlsx: open it in "
        "Excel and save it again as .xlsx."
    )
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except ValueError as error:
        if str(error).startswith("Worksheet"):
            _fail(label, "sheet", f"the workbook has no sheet {sheet!r}.", source=source)
        _fail(label, "excel", f"could not be read as an Excel workbook. {damaged}", source=source)
    except IndexError:
        _fail(label, "sheet", f"the workbook has no sheet {sheet!r}.", source=source)
    except Exception as error:  # openpyxl and zipfile raise many types for damaged files
        _fail(
            label,
            "excel",
            f"could not be read as an Excel workbook ({type(error).__name__}: {error}). " + damaged,
            source=source,
        )
    if raw.empty:
        _fail(label, "not_empty", "the sheet is empty.", source=source)
    scores = [
        _known_header_score(list(raw.iloc[row])) for row in range(min(HEADER_SEARCH_ROWS, len(raw)))
    ]
    best = int(np.argmax(scores)) if max(scores) >= 2 else 0
    header = list(raw.iloc[best])
    names = [
        f"Unnamed: {position}"
        if cell is None or (isinstance(cell, float) and np.isnan(cell))
        else str(cell).strip()
        for position, cell in enumerate(header)
    ]
    stripped = [name for name in names if not name.startswith("Unnamed: ")]
    duplicated = sorted({name for name in stripped if stripped.count(name) > 1})
    if duplicated:
        listed = ", ".join(f"'{name}'" for name in duplicated)
        _fail(
            label,
            "unique_column",
            f"the header (row {best + 1}) repeats {listed}: keep one of each.",
            source=source,
            line=best + 1,
        )
    data = raw.iloc[best + 1 :].set_axis(names, axis=1).reset_index(drop=True)
    return _drop_blank_unnamed(data), best + 2


def _read_parquet(path: Path, *, label: str, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError and others
        _fail(
            label,
            "parquet",
            f"could not be read as Parquet ({type(error).__name__}: {error}). The file may be "
            "truncated (cut short while it was written or copied) or not a Parquet file.",
            source=source,
        )


def _read_geo(path: Path, *, label: str, source: str) -> pd.DataFrame:
    import geopandas

    try:
        return geopandas.read_file(path)
    except Exception as error:  # pyogrio raises DataSourceError and others
        _fail(
            label,
            "geo",
            f"could not be read as a geographic file ({type(error).__name__}: {error}).",
            source=source,
        )


def _read_table(
    path: Any,
    *,
    table: Table,
    function: str,
    encoding: str,
    sheet: str | int,
    label: str | None = None,
    source: str | None = None,
) -> tuple[pd.DataFrame, int, str, str]:
    if not isinstance(encoding, str):
        raise TypeError(
            f"The 'encoding' parameter of {function} must be a str. "
            f"Got {type(encoding).__name__} instead."
        )
    if not isinstance(sheet, str | int) or isinstance(sheet, bool):
        raise TypeError(
            f"The 'sheet' parameter of {function} must be a sheet name (str) or position (int). "
            f"Got {type(sheet).__name__} instead."
        )
    resolved, label = _checked_path(
        path, function=function, table=table, label=label, source=source
    )
    source = source or str(path)
    kind = _FORMATS[resolved.suffix.lower()]
    first_row = 2
    if kind == "csv":
        raw = _read_csv(resolved, encoding=encoding, label=label, source=source, table=table)
    elif kind == "excel":
        raw, first_row = _read_excel(resolved, sheet=sheet, label=label, source=source)
    elif kind == "parquet":
        raw = _read_parquet(resolved, label=label, source=source)
    else:
        raw = _read_geo(resolved, label=label, source=source)
    return raw, first_row, label, source


def read_persons(
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    sheet: str | int = 0,
    reference_date: Any = None,
    label: str | None = None,
) -> pd.DataFrame:
    """Read a persons file (CSV, Parquet or Excel) and check it against the contract.

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.parquet`` or ``.xlsx`` file, one row per person, or one of them
        packed as ``.gz`` (``persons.csv.gz``) or in a ``.zip`` holding that one file.
    encoding : str, default "utf-8"
        Text encoding of a CSV file. A file that is not in this encoding is refused with
        the line of the first bad byte; Excel's plain "CSV" is ``"cp1252"``.
    sheet : str or int, default 0
        The Excel sheet to read (name or position).
    reference_date : date, datetime or str, optional
        Derive ``age`` from ``date_of_birth`` at this date when the file has no ``age``.
    label : str, optional
        What messages call the file; its name by default. (:func:`toolkit.segment.build_cube`
        gives the path it was given, so that its messages and these agree.)

    Returns
    -------
    pandas.DataFrame
        The persons table in the contract's dtypes (see :func:`validate_persons`).

    Raises
    ------
    DataContractError
        For any problem with the file or its values; the message names the file, and for
        values the column and up to five rows.
    """
    reference = _parse_reference_date(reference_date, "read_persons")
    if label is not None and not isinstance(label, str):
        raise TypeError(
            f"The 'label' parameter of read_persons must be a str. Got {type(label).__name__} "
            "instead."
        )
    if isinstance(path, str | os.PathLike) and iod.is_packed(Path(path)):
        raw, first_row, label, source = _read_packed_persons(
            path, encoding=encoding, sheet=sheet, label=label
        )
    else:
        raw, first_row, label, source = _read_table(
            path,
            table="persons",
            function="read_persons",
            encoding=encoding,
            sheet=sheet,
            label=label,
        )
    return _validate(
        raw,
        table="persons",
        function="read_persons",
        source=source,
        label=label,
        first_row=first_row,
        skip_empty_rows=True,
        reference_date=reference,
    )


def _read_packed_persons(
    path: str | os.PathLike[str], *, encoding: str, sheet: str | int, label: str | None
) -> tuple[pd.DataFrame, int, str, str]:
    """Read a persons file from a ``.gz`` (``persons.csv.gz``) or a ``.zip`` holding one."""
    resolved, outer = _checked_path(
        path, function="read_persons", table="persons", packed=True, label=label
    )
    source = str(path)
    try:
        with iod.unpacked(resolved) as inner:
            inner_label = outer if resolved.suffix.lower() == ".gz" else f"{outer} ({inner.name})"
            raw, first_row, _, _ = _read_table(
                inner.path,
                table="persons",
                function="read_persons",
                encoding=encoding,
                sheet=sheet,
                label=inner_label,
                source=source,
            )
    except iod.PackedFileError as error:
        _fail(outer, error.check, error.sentence, source=source)
    return raw, first_row, inner_label, source


@dataclass(frozen=True)
class _AreasFile:
    """One file given to :func:`read_areas`, read but not yet standardised.

    ``raw`` has the contract's names when the file is an indices file (``layout`` then says
    where each came from) and the file's own names otherwise.
    """

    raw: pd.DataFrame
    first_row: int
    label: str
    source: str
    edition: str | None
    layout: dict[str, Any]
    notes: tuple[str, ...]


def _read_areas_file(
    path: Any, *, encoding: str, sheet: str | int | None, label: str, source: str
) -> _AreasFile:
    """Read one (unpacked) areas file: find its data sheet, and map an indices file."""
    notes: list[str] = []
    chosen: str | int = 0 if sheet is None else sheet
    if sheet is None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        found = iod.find_data_sheet(Path(path))
        if found is not None:
            chosen, names = found
            if len(names) > 1:
                notes.append(iod.sheet_note(chosen, names))
    raw, first_row, label, source = _read_table(
        path,
        table="areas",
        function="read_areas",
        encoding=encoding,
        sheet=chosen,
        label=label,
        source=source,
    )
    layout = iod.imd_layout(list(raw.columns))
    names = {_normalise_name(column) for column in raw.columns}
    if "lsoa" in layout and not set(AREA_REQUIRED) <= names:
        edition = iod.edition_of_layout(layout)
        raw = iod.imd_frame(raw, layout)
        for column in ("lad_name", "lad_code"):
            if column in raw:
                raw[column] = to_text(raw[column])[0]
    else:
        layout = {}
        edition = iod.edition_of_name(label)
    return _AreasFile(raw, first_row, label, source, edition, layout, tuple(notes))


def _open_areas_file(
    path: Any, *, encoding: str, sheet: str | int | None, function: str
) -> _AreasFile:
    """Check one path given to :func:`read_areas` and read it, unpacking a .gz or .zip."""
    resolved, label = _checked_path(path, function=function, table="areas", packed=True)
    source = str(path)
    if not iod.is_packed(resolved):
        return _read_areas_file(
            resolved, encoding=encoding, sheet=sheet, label=label, source=source
        )
    try:
        with iod.unpacked(resolved) as inner:
            inner_label = label if resolved.suffix.lower() == ".gz" else f"{label} ({inner.name})"
            read = _read_areas_file(
                inner.path, encoding=encoding, sheet=sheet, label=inner_label, source=source
            )
    except iod.PackedFileError as error:
        _fail(label, error.check, error.sentence, source=source)
    edition = read.edition or iod.edition_of_name(inner.name)
    notes = (f"read '{inner.name}' from {label}", *read.notes)
    return replace(read, edition=edition, notes=notes)


def _check_imd_fields(files: Sequence[_AreasFile]) -> None:
    """Refuse indices files that together do not make an areas table, saying what to add."""
    if not any(file.layout for file in files):
        return
    have = {_normalise_name(column) for file in files for column in file.raw.columns}
    needed = {"lsoa_name": "lsoa_name", "place": "lad_name", "imd_decile": "imd_decile"}
    missing = [field for column, field in needed.items() if column not in have]
    if not missing:
        return
    described = [iod.IMD_DESCRIPTIONS[field] for field in missing]
    listed = (
        f"column {described[0]}"
        if len(described) == 1
        else f"columns {', '.join(described[:-1])} and {described[-1]}"
    )
    first = files[0]
    if len(files) == 1:
        edition = f" {first.edition}" if first.edition else ""
        sentence = (
            f"this looks like {iod.kind_of_file(first.layout)} of the English Indices of "
            f"Deprivation{edition}, but it has no {listed}."
        )
    else:
        sentence = f"none of these files of the English Indices of Deprivation has {listed}."
    if "imd_decile" in missing:
        sentence += (
            " Give it together with File 1 (the Index of Multiple Deprivation), File 2, 3 or 7 "
            "of the same edition, which have the IMD decile: for example "
            "read_areas([file_1, file_6]) for File 1's deciles with File 6's population."
        )
    label = " and ".join(file.label for file in files)
    _fail(label, "imd_columns", sentence, source="; ".join(file.source for file in files))


def _combine_areas(
    files: Sequence[_AreasFile], *, repair_geometry: bool
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Join several areas files on LSOA code: the first file's LSOAs, the others' columns.

    Each file is checked on its own first (so that messages name its rows). Returns the
    joined table (standardised), the notes, and the notes that also warrant a warning.
    """
    problems: list[_Problem] = []
    for file in files:
        names = {_normalise_name(column) for column in file.raw.columns}
        if "lsoa" not in names:
            problems.append(
                _Problem(
                    column="lsoa",
                    check="column_present",
                    sentence=(
                        f"{file.label} has no LSOA code column ('LSOA code (2011)', 'LSOA code "
                        "(2021)' or 'lsoa'): the files are joined on LSOA code."
                    ),
                )
            )
        if file is not files[0] and "geometry" in names:
            problems.append(
                _Problem(
                    column="geometry",
                    check="geometry_first",
                    sentence=(
                        f"{file.label} has shapes: give the file with the shapes first, since "
                        "the first file's rows and shapes are the table's."
                    ),
                )
            )
    editions = {file.edition for file in files if file.edition}
    if len(editions) > 1:
        listed = ", ".join(
            f"{file.label} is IoD{file.edition} (LSOA {iod.LSOA_VINTAGE[file.edition]} codes)"
            for file in files
            if file.edition
        )
        problems.append(
            _Problem(
                column="lsoa",
                check="one_edition",
                sentence=f"the files mix editions of the indices: {listed}. Use one edition.",
            )
        )
    label = " with ".join(file.label for file in files)
    source = "; ".join(file.source for file in files)
    if problems:
        _raise(problems, label=label, source=source, first_row=2)

    checked = [
        _validate_areas(
            file.raw,
            source=file.source,
            label=file.label,
            first_row=file.first_row,
            skip_empty_rows=True,
            repair_geometry=repair_geometry and file is files[0],
            function="read_areas",
            notes=[],
            partial=True,
        )
        for file in files
    ]
    notes = [note for file in files for note in (f"{file.label}: {n}" for n in file.notes)]
    for file, table in zip(files, checked, strict=True):
        notes.extend(f"{file.label}: {note}" for note in table.attrs.get("notes", []))
    warned: list[str] = []
    result = checked[0].reset_index(drop=True)
    codes = result["lsoa"]
    for file, other in zip(files[1:], checked[1:], strict=True):
        other = other.reset_index(drop=True)
        absent = ~codes.isin(other["lsoa"]).to_numpy()
        if absent.any():
            problems.append(_codes_problem(files[0].label, file.label, codes[absent]))
        unused = ~other["lsoa"].isin(codes).to_numpy()
        if unused.any():
            shown = _codes_shown(other["lsoa"][unused])
            count = int(unused.sum())
            warned.append(
                f"{file.label}: {count:,} LSOA{'s' if count != 1 else ''} that "
                f"{files[0].label} does not have {'were' if count != 1 else 'was'} not used "
                f"({shown})"
            )
        aligned = other.set_index("lsoa").reindex(codes.to_numpy())
        for column in aligned.columns:
            values = aligned[column].reset_index(drop=True)
            if column not in result:
                result[column] = values
            elif column in iod.NUMERIC_AREA_COLUMNS:
                if _differ(result[column], values).any():
                    problems.append(
                        _disagree_problem(column, files[0].label, file.label, codes, result, values)
                    )
            else:
                result[column] = result[column].where(result[column].notna(), values)
    if problems:
        _raise(problems, label=label, source=source, first_row=2)
    order = [column for column in iod.IMD_COLUMN_ORDER if column in result]
    rest = [c for c in result.columns if c not in order and c != "geometry"]
    geometry = ["geometry"] if "geometry" in result else []
    result = result[[*order, *rest, *geometry]]
    result.attrs = {"repaired_geometry": checked[0].attrs.get("repaired_geometry", [])}
    return result, notes + warned, warned


def _differ(mine: pd.Series, theirs: pd.Series) -> np.ndarray:
    """Where two aligned columns both have a value and the values differ."""
    both = mine.notna().to_numpy(dtype=bool) & theirs.notna().to_numpy(dtype=bool)
    left = mine.astype("float64").to_numpy(na_value=np.nan)
    right = theirs.astype("float64").to_numpy(na_value=np.nan)
    return both & ~np.isclose(left, right, rtol=0.0, atol=0.0, equal_nan=True)


def _codes_shown(codes: pd.Series) -> str:
    shown = ", ".join(str(code) for code in codes.iloc[:MAX_EXAMPLES])
    if len(codes) > MAX_EXAMPLES:
        shown += f"; and {len(codes) - MAX_EXAMPLES:,} more"
    return shown


def _codes_problem(first: str, other: str, codes: pd.Series) -> _Problem:
    count = len(codes)
    noun = "1 LSOA code" if count == 1 else f"{count:,} LSOA codes"
    return _Problem(
        column="lsoa",
        check="lsoa_in_every_file",
        sentence=(
            f"column 'lsoa': {noun} of {first} {'is' if count == 1 else 'are'} not in {other} "
            f"({_codes_shown(codes)}). Every LSOA of the first file must be in the others: "
            "check that the files are of the same edition (IoD2019 has LSOA 2011 codes, "
            "IoD2025 LSOA 2021 codes) and that none was cut to fewer LSOAs."
        ),
        failing_rows=count,
    )


def _disagree_problem(
    column: str, first: str, other: str, codes: pd.Series, result: pd.DataFrame, values: pd.Series
) -> _Problem:
    mine = result[column]
    differ = _differ(mine, values)
    count = int(differ.sum())
    shown = "; ".join(
        f"{code}: {_show_value(a)} and {_show_value(b)}"
        for code, a, b in zip(
            codes[differ].iloc[:MAX_EXAMPLES],
            mine[differ].iloc[:MAX_EXAMPLES],
            values[differ].iloc[:MAX_EXAMPLES],
            strict=True,
        )
    )
    if count > MAX_EXAMPLES:
        shown += f"; and {count - MAX_EXAMPLES:,} more"
    noun = "1 LSOA" if count == 1 else f"{count:,} LSOAs"
    return _Problem(
        column=column,
        check="files_agree",
        sentence=(
            f"column '{column}': {first} and {other} disagree for {noun} ({shown}). Use "
            "files of one edition and release."
        ),
        failing_rows=count,
    )


def _apply_places(areas: pd.DataFrame, places: Mapping[str, str]) -> pd.DataFrame:
    lookup = pd.Series(dict(places), dtype=object)
    lookup.index = lookup.index.map(lambda key: str(key).strip().upper())
    codes = areas["lsoa"].astype("string").str.strip().str.upper()
    place = codes.map(lookup)
    if "lad_code" in areas:
        by_district = areas["lad_code"].astype("string").str.strip().str.upper().map(lookup)
        place = place.where(place.notna(), by_district)
    place = place.where(place.notna(), areas["place"])
    return areas.assign(place=place)


def _area_paths(path: Any) -> list[Any]:
    if isinstance(path, str | os.PathLike):
        return [path]
    if isinstance(path, Sequence) and all(isinstance(item, str | os.PathLike) for item in path):
        if not path:
            raise ValueError("The 'path' parameter of read_areas must name at least one file.")
        return list(path)
    raise TypeError(
        "The 'path' parameter of read_areas must be a str or a path, or a list of them. "
        f"Got {type(path).__name__} instead."
    )


def read_areas(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    places: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    sheet: str | int | None = None,
    repair_geometry: bool = False,
) -> pd.DataFrame:
    """Read an areas table, or English Indices of Deprivation files, into the contract.

    Two layouts are recognised from the header row:

    - the contract's own columns (``lsoa``, ``lsoa_name``, ``imd_decile``, ``place``, and
      optionally ``imd_score``, ``population``, ``imd_rank``) in CSV, Parquet, Excel or a
      GeoPackage/GeoJSON/Shapefile;
    - the files of the English Indices of Deprivation as government publishes them, 2019
      ("LSOA code (2011)", ...) or 2025 ("LSOA code (2021)", ...): File 1 (the Index of
      Multiple Deprivation: rank and decile), File 2 (domains), File 3 (supplementary
      indices), File 5 (scores), File 6 (population denominators) and File 7 (all of
      them), as CSV or Excel (see :mod:`toolkit.data.iod`).

    Any of these may be packed in a ``.gz`` file or a ``.zip`` holding one data file. In a
    workbook, the data sheet is found (the first sheet with an LSOA code column), so a
    "Notes" sheet first is fine. Numbers written with thousands separators ("1,296") are
    read as numbers, and counted in a note.

    Several files are joined on LSOA code: ``read_areas([file_1, file_6])`` takes File 1's
    IMD rank and decile and File 6's population. The first file's LSOAs, in its order, are
    the table's; every one must be in each other file (an error lists those that are not).
    A later file may have more LSOAs (all of England, say): those are not used, and a
    warning and a note count them. A column in two files must agree (an error lists the
    LSOAs where it does not); descriptive columns (names, place) come from the first file
    that has them. The files must be of one edition.

    From an indices file, ``place`` is the local authority district name unless ``places``
    maps the LSOA (or its district code) to another place; ``lad_code``, ``lad_name`` and
    ``imd_rank`` are kept as extra columns. ``imd_score`` and ``population`` are optional:
    File 1 alone is an areas table. What a table without them leaves out is said in a
    ``UserWarning`` and in ``attrs["notes"]`` ("no IMD score: the place-level mean IMD score
    is not available ..."; "no population: the persons registered in each area give its
    population ...").

    Parameters
    ----------
    path : str or path, or a list of them
        The file, or the files to join on LSOA code (the first gives the rows).
    places : mapping of str to str, optional
        Place names keyed by LSOA code or by local authority district code (LSOA first);
        LSOAs it does not cover keep their district name.
    encoding : str, default "utf-8"
        Text encoding of a CSV file.
    sheet : str or int, optional
        The sheet of every workbook to read. By default, each workbook's first sheet with an
        LSOA code column among its first 10 rows (the first sheet when none has one); which
        sheet was read is said in ``attrs["notes"]``.
    repair_geometry : bool, default False
        In a geographic file, repair invalid geometry (a self-intersecting polygon, say)
        with shapely's ``make_valid``, keeping only the polygonal parts, instead of refusing
        the file. The rows repaired are named in a ``UserWarning`` and listed in
        ``attrs["repaired_geometry"]``. A geometry with no area left after the repair is
        still refused.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        The areas table in the contract's dtypes (a GeoDataFrame in EPSG:27700 when read
        from a geographic file, whose ``attrs["repaired_geometry"]`` lists the spreadsheet
        row numbers of the geometries repaired: feature 1 is row 2).
        ``attrs["imd_edition"]`` is ``"2019"`` or ``"2025"`` (from the LSOA code column's
        year, 2011 or 2021, or from the file name, such as "IMD2019"), or None when unknown;
        ``attrs["notes"]`` lists what was noted while reading (the sheet read, a file
        unpacked, numbers read with thousands separators, LSOAs of a later file not used,
        what is left out).

    Raises
    ------
    DataContractError
        For any problem with the files or their values, including a missing or invalid
        geometry (the message names the rows and the reason, such as
        "Self-intersection[0.5 0.5]", and offers the repair), an indices file without an
        IMD decile given alone (File 5 or 6: give it with File 1), files that do not cover
        the same LSOAs, disagree, or mix editions.
    """
    if places is not None and not isinstance(places, Mapping):
        raise TypeError(
            "The 'places' parameter of read_areas must be a mapping of LSOA or district codes "
            f"to place names, or None. Got {type(places).__name__} instead."
        )
    if sheet is not None and (not isinstance(sheet, str | int) or isinstance(sheet, bool)):
        raise TypeError(
            "The 'sheet' parameter of read_areas must be a sheet name (str) or position (int), "
            f"or None to find the data sheet. Got {type(sheet).__name__} instead."
        )
    files = [
        _open_areas_file(item, encoding=encoding, sheet=sheet, function="read_areas")
        for item in _area_paths(path)
    ]
    _check_imd_fields(files)
    if len(files) == 1:
        file = files[0]
        raw, first_row, label, source = file.raw, file.first_row, file.label, file.source
        notes, warned = list(file.notes), []
        skip_empty_rows = True
    else:
        raw, notes, warned = _combine_areas(files, repair_geometry=repair_geometry)
        first_row, skip_empty_rows = 2, False
        label = " with ".join(file.label for file in files)
        source = "; ".join(file.source for file in files)
    if warned:
        warnings.warn(f"{label}: " + "; ".join(warned) + ".", UserWarning, stacklevel=2)
    if places:
        renamed = raw.rename(columns=_contract_names(list(raw.columns), AREAS_RULES))
        if {"lsoa", "place"} <= set(renamed.columns):
            raw = _apply_places(renamed, places)
    editions = {file.edition for file in files if file.edition}
    repaired = raw.attrs.get("repaired_geometry") if len(files) > 1 else None
    result = _validate_areas(
        raw,
        source=source,
        label=label,
        first_row=first_row,
        skip_empty_rows=skip_empty_rows,
        repair_geometry=repair_geometry,
        function="read_areas",
        notes=notes,
        edition=editions.pop() if len(editions) == 1 else None,
        warn=True,
    )
    if repaired is not None and "repaired_geometry" in result.attrs:
        result.attrs["repaired_geometry"] = repaired
    return result


# ---------------------------------------------------------------------------------------------
# Joining persons to areas
# ---------------------------------------------------------------------------------------------

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
    """

    persons: int
    matched: int
    unmatched: int
    without_lsoa: int
    unmatched_lsoas: pd.DataFrame
    unmatched_person_ids: tuple[str, ...]

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
        A persons table with an ``lsoa`` column (see :func:`validate_persons`). Not changed.
    areas : pandas.DataFrame
        An areas table, one row per LSOA (see :func:`validate_areas`). Not changed.
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
            _fail(
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
        problem = _row_problem(
            "lsoa",
            "unique",
            ("shares an LSOA code with another row", "share an LSOA code with another row"),
            np.flatnonzero(repeated),
            list(area_codes[repeated]),
            2,
        )
        _raise([problem], label="the areas table", source=None, first_row=2)

    codes = persons["lsoa"]
    position = pd.Index(area_codes).get_indexer(codes)
    has_lsoa = codes.notna().to_numpy()
    matched = position >= 0
    unmatched = has_lsoa & ~matched
    take = np.where(matched, position, 0)
    added: dict[str, pd.Series] = {}
    for column in columns:
        values = _as_nullable(areas[column].reset_index(drop=True))
        mapped = values.take(take).set_axis(persons.index).mask(~matched)
        if column in persons.columns and existing == "fill":
            mapped = persons[column].where(persons[column].notna(), mapped)
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
    )
    return joined, report


__all__ = [
    "IMD_HEADERS",
    "JoinReport",
    "contract_column_names",
    "join_persons_to_areas",
    "persons_column_problems",
    "read_areas",
    "read_persons",
    "validate_areas",
    "validate_cube",
    "validate_persons",
]
