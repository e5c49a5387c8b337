"""The persons contract as DuckDB SQL, for :func:`toolkit.segment.build_cube` scanning files.

:func:`toolkit.data.read_persons` standardises a persons file in pandas (trim spaces, map
codings such as ``m``/``f`` and ``Y``/``N``, read "£1,250" as 1250) and then checks it.
This module writes the same standardisation and the same value rules as SQL over a file
that DuckDB scans with every column as it is stored (CSV as text), so that both cubes
(segment and cohort) read the columns the readers read, take the values the readers take,
and refuse what they refuse, without loading the file.

Agreement with the readers is kept in one direction by construction and in the other by
the caller: every value the readers refuse breaks a rule here (the SQL is, if anything,
stricter: a value DuckDB reads as a number that pandas might not, such as ``1_000``, is
counted as unreadable), and whenever a rule here is broken the caller reads the file with
:func:`toolkit.data.read_persons`, which either raises its own message or, should the SQL
have been stricter than pandas, returns the table the cube is then built from.

Most files need none of this standardising: :mod:`toolkit.segment._fast_reading` reads
them as they stand. The SQL words both share are in :mod:`toolkit.segment._engine_sql`, the
contract's rules as SQL in :mod:`toolkit.segment._engine_checks`; their public names are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.data.columns import contract_column_names
from toolkit.data.contract import SEXES
from toolkit.data.files import BLANK_TEXT
from toolkit.data.schemas import FLAG_CODINGS, PERSONS_RULES, SEX_CODINGS
from toolkit.segment._engine_checks import SqlCheck, contract_checks
from toolkit.segment._engine_sql import (
    LONGEST_BLANK,
    LSOA_GLOB,
    WHITESPACE,
    WHOLE_LIMIT,
    TypeClass,
    flag_spellings,
    listed,
    literal,
    parsed_date,
    parsed_number,
    quoted,
    readable_number,
    readable_year,
    type_class,
)
from toolkit.segment._fast_reading import (
    GROUPED_AS_THEY_STAND,
    FastReading,
    fast_query,
    stands_as_key,
    stored_time,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Standardisation:
    """SQL that standardises a scanned persons table and the rules it is checked by.

    ``full`` selects, from the raw rows, every contract column under its contract name in
    the contract's type, the other columns as they are, and helper columns (``_bad_<n>``,
    ``_shown_<n>``) the checks read; rows in which every cell is blank are left out, as
    the readers skip them. ``columns`` are the table's own columns (without helpers).
    """

    full: str
    columns: tuple[str, ...]
    checks: tuple[SqlCheck, ...]
    #: The rows read as they stand, without standardising them (see :func:`fast_query`);
    #: ``None`` for a scan with ``extra`` columns, or one that derives age.
    fast: FastReading | None = None
    #: Contract columns ``full`` adds that the table does not have (``age``, derived from
    #: ``date_of_birth`` at a reference date).
    derived: tuple[str, ...] = ()


def standardise(
    raw: str,
    columns: Sequence[tuple[str, str]],
    *,
    csv: bool,
    extra: Sequence[str] = (),
    check_causes: bool = True,
    fast_raw: str | None = None,
    reference_date: pd.Timestamp | None = None,
    zones: Mapping[str, str] | None = None,
) -> Standardisation:
    """Write the SQL that standardises and checks the persons in ``raw``.

    Parameters
    ----------
    raw : str
        A DuckDB query giving the persons as scanned.
    columns : sequence of (str, str)
        Its columns (names as in the file, without surrounding spaces) and DuckDB types.
    csv : bool
        Whether the values come from CSV text, in which the readers' blank texts
        (``NA``, ``NULL``, ...) are blank.
    extra : sequence of str
        Columns of ``raw`` that are not persons' data (file and row number), kept as
        they are.
    check_causes : bool, default True
        Whether a ``cause_of_death`` outside the contract's broad groups breaks a rule (as
        for the readers); :func:`toolkit.segment.build_cohort_cube` counts such deaths
        as of another cause instead.
    fast_raw : str, optional
        The same rows as ``raw``, perhaps scanned otherwise (in slices read in parallel),
        for the fast reading (:func:`fast_query`); ``raw`` by default.
    reference_date : pandas.Timestamp, optional
        Derive ``age`` from ``date_of_birth`` at this date when the table has no ``age``,
        checking the dates of birth as the readers do (:func:`_birth_age`).
    zones : mapping of str to str, optional
        The time zone each time-zone-aware date column (by its name in ``columns``) is
        stored in: its dates are read on that zone's clock, as the readers read them
        (:func:`toolkit.segment._fast_reading.stored_time`), not on the session's.

    Returns
    -------
    Standardisation
        The SQL and the checks.
    """
    names = contract_column_names([name for name, _ in columns])
    contract = {
        names[name]: (name, type_class(kind))
        for name, kind in columns
        if names[name] in PERSONS_RULES
    }
    others = [name for name, _ in columns if names[name] not in PERSONS_RULES]
    blank_texts = listed(BLANK_TEXT)
    whitespace = literal(WHITESPACE)

    def cleaned(text: str, *, blank_text: bool = csv) -> str:
        """Return SQL for text trimmed as Python trims it, blank (and blank texts) as NULL."""
        # Trimming with a set of characters is slow in DuckDB: only done for values whose
        # first or last character is not printable ASCII (which covers every whitespace
        # character, and the empty text). Reading the two end characters' code points is
        # about six times quicker than looking them up in the set of whitespace.
        trimmed = (
            f"CASE WHEN ascii({text}) NOT BETWEEN 33 AND 126 "
            f"OR ascii({text}[-1]) NOT BETWEEN 33 AND 126 "
            f"THEN NULLIF(trim({text}, {whitespace}), '') ELSE {text} END"
        )
        if blank_text:
            return (
                f"CASE WHEN strlen({text}) <= {LONGEST_BLANK} AND {text} IN {blank_texts} "
                f"THEN NULL ELSE {trimmed} END"
            )
        return trimmed

    def cleaned_text(column: str) -> str:
        return cleaned(f"CAST({quoted(column)} AS VARCHAR)")

    # Text read as numbers or flags is parsed as it stands (DuckDB's casts allow spaces
    # around a number), and cleaned only where parsing fails: most cells are not touched.
    parsed_raw = {
        name
        for name, (_, kind) in contract.items()
        if kind == "text" and PERSONS_RULES[name].kind in ("whole", "number", "flag")
    }

    # Level 1: each contract column cleaned (blanks as NULL, text trimmed), as _c_<n>.
    level1: list[str] = []
    blanks: list[str] = []
    for position, (name, (column, kind)) in enumerate(contract.items()):
        rule = PERSONS_RULES[name]
        raw_column = quoted(column)
        if name in parsed_raw:
            value = raw_column
            blank = f"({cleaned_text(column)}) IS NULL"
        elif kind == "text" and rule.kind in ("sex", "lsoa"):
            valid = f"IN {listed(SEXES)}" if rule.kind == "sex" else f"GLOB {LSOA_GLOB}"
            value = (
                f"CASE WHEN {raw_column} {valid} THEN {raw_column} ELSE {cleaned_text(column)} END"
            )
            blank = f"_c_{position} IS NULL"
        elif kind == "text":
            value = cleaned_text(column)
            blank = f"_c_{position} IS NULL"
        elif kind == "float":
            # NaN is blank, as the readers read it. (Not isnan: DuckDB settles isnan from
            # Parquet statistics, which leave NaN out, and would keep every NaN.)
            value = (
                f"CASE WHEN NOT isfinite({raw_column}) AND NOT isinf({raw_column}) THEN NULL "
                f"ELSE {raw_column} END"
            )
            blank = f"_c_{position} IS NULL"
        else:
            value = raw_column
            blank = f"_c_{position} IS NULL"
        level1.append(f"{value} AS _c_{position}")
        # person_id first: DuckDB stops at the first filled cell of a row.
        blanks.insert(0, blank) if name == "person_id" else blanks.append(blank)
    for column in others:
        blanks.append(f"({cleaned_text(column)}) IS NULL")
    keep = [*(quoted(column) for column in others), *(quoted(column) for column in extra)]
    # A row is empty when every cell is blank. DuckDB evaluates every term of an AND in a
    # projection, but only the rows a CASE branch needs: the other cells are looked at only
    # where the first (person_id) is blank.
    empty = blanks[0] if blanks else "false"
    if len(blanks) > 1:
        empty = f"CASE WHEN {blanks[0]} THEN ({' AND '.join(blanks[1:])}) ELSE false END"
    level1_sql = (
        f"SELECT {', '.join([*level1, *keep]) or '1 AS _none'}, ({empty}) AS _empty "
        f"FROM ({raw}) AS _raw"
    )

    # Level 2: parse (numbers, flags, codes) as _p_<n>; level 3: values, unreadable flags.
    level2: list[str] = []
    level3: list[str] = []
    bad_of: dict[str, str] = {}
    birth_value = "CAST(NULL AS TIMESTAMP)"  # the standardised date of birth, when read
    shown_of: dict[str, str] = {}
    yes = listed([code for code, flag in FLAG_CODINGS.items() if flag])
    no = listed([code for code, flag in FLAG_CODINGS.items() if not flag])
    zones = zones or {}
    for position, (name, (column, kind)) in enumerate(contract.items()):
        rule = PERSONS_RULES[name]
        c, p = f"_c_{position}", f"_p_{position}"
        shown: str | None = None  # the value shown for an example row, when not as read
        as_text = c if kind == "text" else f"CAST({c} AS VARCHAR)"
        bad = "false"
        if name in parsed_raw:
            clean = cleaned(c)
            not_blank = f"({clean}) IS NOT NULL"
            as_text = clean
            if rule.kind == "flag":
                parsed = (
                    f"CASE {c} {flag_spellings()} ELSE CASE WHEN lower({clean}) IN {yes} "
                    f"THEN true WHEN lower({clean}) IN {no} THEN false END END"
                )
                level2.append(f"{parsed} AS {p}")
                bad = f"({p} IS NULL AND {not_blank})"
                value = p
            else:
                level2.append(f"{parsed_number(c, clean, money=name == 'cost_gbp')} AS {p}")
                good = readable_number(p, whole=rule.kind == "whole")
                if rule.kind == "whole":
                    value = f"CASE WHEN {good} THEN CAST({p} AS BIGINT) END"
                else:
                    value = f"CASE WHEN {good} THEN {p} END"
                bad = f"(NOT {good} AND {not_blank})"
        elif rule.kind in ("whole", "number"):
            if kind in ("int", "float"):
                parsed = f"CAST({c} AS DOUBLE)" if kind == "float" else c
            else:
                parsed = "NULL"
            level2.append(f"{parsed} AS {p}")
            if kind == "int":
                value = f"CAST({p} AS BIGINT)" if rule.kind == "whole" else f"CAST({p} AS DOUBLE)"
            elif rule.kind == "whole":
                bad = (
                    f"({c} IS NOT NULL AND ({p} IS NULL OR NOT isfinite({p}) OR {p} <> trunc({p}) "
                    f"OR abs({p}) > {WHOLE_LIMIT}))"
                )
                value = f"CASE WHEN {bad} THEN NULL ELSE TRY_CAST({p} AS BIGINT) END"
            else:
                bad = f"({c} IS NOT NULL AND ({p} IS NULL OR isnan({p})))"
                value = f"CASE WHEN {bad} THEN NULL ELSE CAST({p} AS DOUBLE) END"
        elif rule.kind == "flag":
            if kind == "bool":
                parsed = c
            elif kind in ("int", "float"):
                parsed = f"CASE WHEN {c} = 1 THEN true WHEN {c} = 0 THEN false END"
            else:
                parsed = "CAST(NULL AS BOOLEAN)"
            level2.append(f"{parsed} AS {p}")
            bad = f"({c} IS NOT NULL AND {p} IS NULL)"
            value = p
        elif rule.kind == "date":
            if kind == "time":
                parsed = stored_time(c, zones.get(column))
                shown = p if column in zones else None  # on the stored zone's clock
            elif kind == "text":
                parsed = parsed_date(c)
            else:
                parsed = "CAST(NULL AS TIMESTAMP)"
            level2.append(f"{parsed} AS {p}")
            bad = f"({c} IS NOT NULL AND ({p} IS NULL OR NOT {readable_year(p)}))"
            value = f"CASE WHEN {bad} THEN NULL ELSE {p} END"
        elif rule.kind == "sex":
            cases = " ".join(
                f"WHEN {literal(code)} THEN {literal(sex)}" for code, sex in SEX_CODINGS.items()
            )
            value = (
                f"CASE WHEN {as_text} IN {listed(SEXES)} THEN {as_text} "
                f"ELSE COALESCE(CASE lower({as_text}) {cases} END, {as_text}) END"
            )
        elif rule.kind == "lsoa":
            value = f"CASE WHEN {as_text} GLOB {LSOA_GLOB} THEN {as_text} ELSE upper({as_text}) END"
        elif rule.kind == "cause":
            value = f"regexp_replace(lower({as_text}), '[\\s\\-]+', '_', 'g')"
        else:  # id, text, band
            value = as_text
        if name == "date_of_birth":
            birth_value = value  # age may be derived from it
        level3.append(f"{value} AS {quoted(name)}")
        level3.append(f"{bad} AS _bad_{position}")
        # Shown as the readers show it: text as read, other values in their own type.
        level3.append(f"{shown or (as_text if kind == 'text' else c)} AS _shown_{position}")
        bad_of[name] = f"_bad_{position}"
        shown_of[name] = f"_shown_{position}"
    carried = [f"_c_{position}" for position in range(len(contract))]
    level2_sql = (
        f"SELECT {', '.join([*carried, *level2, *keep]) or '1 AS _none'} "
        f"FROM ({level1_sql}) AS _clean WHERE NOT _empty"
    )

    checks = contract_checks(list(contract), bad_of, shown_of, check_causes=check_causes)
    derived: tuple[str, ...] = ()
    if reference_date is not None and "date_of_birth" in contract and "age" not in contract:
        selected, dated = _birth_age(birth_value, bad_of["date_of_birth"], reference_date)
        level3.extend(selected)
        checks.extend(dated)  # after the dates' own check, as the readers list them
        derived = ("age",)
    full = f"SELECT {', '.join([*level3, *keep]) or '1 AS _none'} FROM ({level2_sql}) AS _parsed"
    output = tuple(names[name] if names[name] in contract else name for name, _ in columns)
    fast = None
    if not extra and not derived:
        fast = fast_query(
            fast_raw or raw, columns, contract, csv=csv, check_causes=check_causes, zones=zones
        )
    return Standardisation(
        full=full, columns=output, checks=tuple(checks), fast=fast, derived=derived
    )


def _birth_age(
    birth: str, bad: str, reference_date: pd.Timestamp
) -> tuple[list[str], list[SqlCheck]]:
    """Return the columns deriving ``age`` from the dates of birth, and their checks.

    As :func:`toolkit.data.read_persons` derives it: whole years at ``reference_date``; a
    birth after it, or more than the contract's oldest age before it, is said of the dates
    of birth (and gives no age), as is a blank one (the unreadable ones are said already).
    ``birth`` is the SQL of the standardised date of birth, ``bad`` the column flagging an
    unreadable one.
    """
    from toolkit.data.validation import BLANK_BIRTH, birth_checks
    from toolkit.data.value_rules import AGE_RANGE

    year, month, day = reference_date.year, reference_date.month, reference_date.day
    years = (
        f"({year} - year({birth}) - CASE WHEN month({birth}) > {month} OR "
        f"(month({birth}) = {month} AND day({birth}) > {day}) THEN 1 ELSE 0 END)"
    )
    youngest, oldest = AGE_RANGE
    selected = [
        f"{years} AS _age_from_birth",
        f"CASE WHEN {years} BETWEEN {youngest} AND {oldest} THEN CAST({years} AS BIGINT) END "
        "AS age",
        f"strftime({birth}, '%Y-%m-%d') AS _birth_shown",
    ]
    (after, after_words), (before, before_words) = birth_checks(reference_date)
    checks = [
        SqlCheck(
            "date_of_birth",
            after,
            (f"is {after_words}", f"are {after_words}"),
            f"COALESCE(_age_from_birth < {youngest}, false)",
            "_birth_shown",
        ),
        SqlCheck(
            "date_of_birth",
            before,
            (f"is {before_words}", f"are {before_words}"),
            f"COALESCE(_age_from_birth > {oldest}, false)",
            "_birth_shown",
        ),
        SqlCheck(
            "date_of_birth",
            "not_blank",
            BLANK_BIRTH,
            f"COALESCE(date_of_birth IS NULL AND NOT {bad}, false)",
            None,
        ),
    ]
    return selected, checks


__all__ = [
    "GROUPED_AS_THEY_STAND",
    "FastReading",
    "SqlCheck",
    "Standardisation",
    "TypeClass",
    "literal",
    "quoted",
    "standardise",
    "stands_as_key",
    "type_class",
]
