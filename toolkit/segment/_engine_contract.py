"""The persons contract as DuckDB SQL, for :func:`toolkit.segment.build_cube` scanning files.

:func:`toolkit.data.read_persons` standardises a persons file in pandas (trim spaces, map
codings such as ``m``/``f`` and ``Y``/``N``, read "£1,250" as 1250) and then checks it.
This module writes the same standardisation and the same value rules as SQL over a file
that DuckDB scans with every column as it is stored (CSV as text), so that the cohort cube
reads the columns the readers read, takes the values the readers take, and refuses what
they refuse, without loading the file.

Agreement with the readers is kept in one direction by construction and in the other by
the caller: every value the readers refuse breaks a rule here (the SQL is, if anything,
stricter: a value DuckDB reads as a number that pandas might not, such as ``1_000``, is
counted as unreadable), and whenever a rule here is broken the caller reads the file with
:func:`toolkit.data.read_persons`, which either raises its own message or, should the SQL
have been stricter than pandas, returns the table the cube is then built from.

Most files need none of this standardising. :func:`_fast_query` writes the same table read
as the files stand, with columns saying, row by row, whether that reading gives the
standardised values and whether a rule is broken, so that the cubes check a clean file in
the scan that aggregates it (:func:`toolkit.segment._fast.fast_aggregate`) and standardise
only the files that need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from toolkit.data.columns import contract_column_names
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    SEXES,
)
from toolkit.data.files import BLANK_TEXT
from toolkit.data.schemas import (
    DATE_FORMATS,
    FLAG_CODINGS,
    PERSONS_RULES,
    PHRASES,
    SEX_CODINGS,
    UNREADABLE_PHRASES,
)

#: Characters Python's ``str.strip`` removes (the readers trim with it), for DuckDB's trim.
_WHITESPACE: Final[str] = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: pandas' datetime64[ns] range, in years: dates outside it are unreadable to the readers.
_YEARS: Final[tuple[int, int]] = (1678, 2261)
#: LSOA codes (:data:`toolkit.data.schemas.LSOA_PATTERN`) as a DuckDB GLOB pattern.
_LSOA_GLOB: Final[str] = "'[EW]01[0-9][0-9][0-9][0-9][0-9][0-9]'"
#: Bytes in the longest of the readers' blank texts (a longer cell is never one).
_LONGEST_BLANK: Final[int] = max(len(text.encode()) for text in BLANK_TEXT)
#: The largest magnitude read as a whole number (int64).
_WHOLE_LIMIT: Final[str] = "9.2e18"

TypeClass = Literal["text", "int", "float", "bool", "time"]


def quoted(name: str) -> str:
    """Quote a name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """Quote text as a DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def _listed(values: Sequence[str]) -> str:
    return "(" + ", ".join(literal(value) for value in values) + ")"


def type_class(duckdb_type: str) -> TypeClass:
    """Sort a DuckDB column type into the classes the standardisation treats alike."""
    name = duckdb_type.upper()
    if name in ("BOOLEAN", "BOOL"):
        return "bool"
    if name in (
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
        "UINTEGER", "UBIGINT", "UHUGEINT",
    ):  # fmt: skip
        return "int"
    if name in ("FLOAT", "DOUBLE", "REAL") or name.startswith("DECIMAL"):
        return "float"
    if name.startswith(("TIMESTAMP", "DATE")):
        return "time"
    return "text"


def _phrases(check: str) -> tuple[str, str]:
    """(singular, plural) of one of the contract's checks, by its short name."""
    for plural, (name, singular) in PHRASES.items():
        if name == check:
            return singular, plural
    raise KeyError(check)  # pragma: no cover - a check this module does not know


_BLANK: Final[tuple[str, str]] = ("is blank", "are blank")


@dataclass(frozen=True)
class SqlCheck:
    """One rule of the persons contract as SQL over the standardised rows.

    ``broken`` is true (never null) where a row breaks the rule; ``shown`` is the value to
    show for an example row (in its own type: text as read, numbers, flags and dates as
    such, so that it is shown as :mod:`toolkit.data.readers` shows it), or ``None`` to
    show the row number only.
    """

    column: str
    check: str
    phrases: tuple[str, str]
    broken: str
    shown: str | None


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
    #: The rows read as they stand, without standardising them (see :func:`_fast_query`);
    #: ``None`` for a scan with ``extra`` columns.
    fast: FastReading | None = None


def standardise(
    raw: str,
    columns: Sequence[tuple[str, str]],
    *,
    csv: bool,
    extra: Sequence[str] = (),
    check_causes: bool = True,
    fast_raw: str | None = None,
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
        for the fast reading (:func:`_fast_query`); ``raw`` by default.

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
    blank_texts = _listed(BLANK_TEXT)
    whitespace = literal(_WHITESPACE)

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
                f"CASE WHEN strlen({text}) <= {_LONGEST_BLANK} AND {text} IN {blank_texts} "
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
            valid = f"IN {_listed(SEXES)}" if rule.kind == "sex" else f"GLOB {_LSOA_GLOB}"
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
    shown_of: dict[str, str] = {}
    yes = _listed([code for code, flag in FLAG_CODINGS.items() if flag])
    no = _listed([code for code, flag in FLAG_CODINGS.items() if not flag])
    for position, (name, (_, kind)) in enumerate(contract.items()):
        rule = PERSONS_RULES[name]
        c, p = f"_c_{position}", f"_p_{position}"
        as_text = c if kind == "text" else f"CAST({c} AS VARCHAR)"
        bad = "false"
        if name in parsed_raw:
            clean = cleaned(c)
            not_blank = f"({clean}) IS NOT NULL"
            as_text = clean
            if rule.kind == "flag":
                parsed = (
                    f"CASE {c} {_flag_spellings()} ELSE CASE WHEN lower({clean}) IN {yes} "
                    f"THEN true WHEN lower({clean}) IN {no} THEN false END END"
                )
                level2.append(f"{parsed} AS {p}")
                bad = f"({p} IS NULL AND {not_blank})"
                value = p
            else:
                level2.append(f"{_parsed_number(c, clean, money=name == 'cost_gbp')} AS {p}")
                good = _readable_number(p, whole=rule.kind == "whole")
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
                    f"OR abs({p}) > {_WHOLE_LIMIT}))"
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
                parsed = f"CAST({c} AS TIMESTAMP)"
            elif kind == "text":
                attempts = ", ".join(f"try_strptime({c}, {literal(form)})" for form in DATE_FORMATS)
                parsed = f"COALESCE({attempts})"
            else:
                parsed = "CAST(NULL AS TIMESTAMP)"
            level2.append(f"{parsed} AS {p}")
            bad = (
                f"({c} IS NOT NULL AND ({p} IS NULL OR year({p}) < {_YEARS[0]} "
                f"OR year({p}) > {_YEARS[1]}))"
            )
            value = f"CASE WHEN {bad} THEN NULL ELSE {p} END"
        elif rule.kind == "sex":
            cases = " ".join(
                f"WHEN {literal(code)} THEN {literal(sex)}" for code, sex in SEX_CODINGS.items()
            )
            value = (
                f"CASE WHEN {as_text} IN {_listed(SEXES)} THEN {as_text} "
                f"ELSE COALESCE(CASE lower({as_text}) {cases} END, {as_text}) END"
            )
        elif rule.kind == "lsoa":
            value = (
                f"CASE WHEN {as_text} GLOB {_LSOA_GLOB} THEN {as_text} ELSE upper({as_text}) END"
            )
        elif rule.kind == "cause":
            value = f"regexp_replace(lower({as_text}), '[\\s\\-]+', '_', 'g')"
        else:  # id, text, band
            value = as_text
        level3.append(f"{value} AS {quoted(name)}")
        level3.append(f"{bad} AS _bad_{position}")
        # Shown as the readers show it: text as read, other values in their own type.
        level3.append(f"{as_text if kind == 'text' else c} AS _shown_{position}")
        bad_of[name] = f"_bad_{position}"
        shown_of[name] = f"_shown_{position}"
    carried = [f"_c_{position}" for position in range(len(contract))]
    level2_sql = (
        f"SELECT {', '.join([*carried, *level2, *keep]) or '1 AS _none'} "
        f"FROM ({level1_sql}) AS _clean WHERE NOT _empty"
    )
    full = f"SELECT {', '.join([*level3, *keep]) or '1 AS _none'} FROM ({level2_sql}) AS _parsed"

    checks = _checks(list(contract), bad_of, shown_of, check_causes=check_causes)
    output = tuple(names[name] if names[name] in contract else name for name, _ in columns)
    fast = None
    if not extra:
        fast = _fast_query(fast_raw or raw, columns, contract, csv=csv, check_causes=check_causes)
    return Standardisation(full=full, columns=output, checks=tuple(checks), fast=fast)


def _flag_spellings() -> str:
    """Return SQL ``WHEN`` branches reading the flag codings as written (``Y``, ``Yes``).

    The spellings pandas and DuckDB write (``True``, ``true``) come first.
    """
    spellings = {
        spelling: flag
        for code, flag in FLAG_CODINGS.items()
        for spelling in (code, code.upper(), code.capitalize())
    }
    first = [spelling for spelling in ("True", "False", "true", "false") if spelling in spellings]
    ordered = [*first, *(spelling for spelling in spellings if spelling not in first)]
    return " ".join(
        f"WHEN {literal(spelling)} THEN {str(spellings[spelling]).lower()}" for spelling in ordered
    )


def _parsed_number(text: str, clean: str, *, money: bool) -> str:
    """Return SQL reading text as a number as the readers do (not ``1_000``; ``£1,250``)."""
    parsed = f"TRY_CAST({text} AS DOUBLE)"
    if money:
        parsed = (
            f"COALESCE({parsed}, TRY_CAST(replace(replace({clean}, '£', ''), ',', '') AS DOUBLE))"
        )
    return f"CASE WHEN contains({text}, '_') THEN NULL ELSE {parsed} END"


def _readable_number(parsed: str, *, whole: bool) -> str:
    """Return SQL: whether a parsed number is one the readers take (whole: in 64 bits)."""
    if whole:
        return (
            f"({parsed} IS NOT NULL AND isfinite({parsed}) AND {parsed} = trunc({parsed}) "
            f"AND abs({parsed}) <= {_WHOLE_LIMIT})"
        )
    return f"({parsed} IS NOT NULL AND NOT isnan({parsed}))"


#: Code points Python's ``str.strip`` removes, with 0 (DuckDB's ``ascii`` of empty text).
_STRIPPED_CODES: Final[str] = ", ".join(str(code) for code in (0, *map(ord, _WHITESPACE)))
#: Spellings of sex read as they stand on the fast path (``f``, ``Female``, ``FEMALE``...).
_SEX_SPELLINGS: Final[dict[str, str]] = {
    spelling: sex
    for code, sex in SEX_CODINGS.items()
    for spelling in (code, code.upper(), code.capitalize())
    if spelling not in BLANK_TEXT
} | {sex: sex for sex in SEXES}


def _as_it_stands(text: str, *, csv: bool) -> str:
    """Return SQL: whether text reads as it stands (nothing to trim, not blank), or is NULL.

    True only where the readers' cleaning (trim as Python trims, blank text as missing)
    leaves the value unchanged and not blank: its first and last characters are not among
    those Python strips (read by code point, so the empty text fails too), and for CSV it
    is none of the readers' blank texts.
    """
    # CASE rather than AND/OR: DuckDB evaluates every term of those in a projection, but
    # each branch of a CASE only for the rows that reach it (most stop at the second).
    # The first character is compared as bytes, which DuckDB settles from statistics.
    first, last = f"ascii({text})", f"ascii({text}[-1])"
    printable = f"{text} >= '!' AND {text} < chr(127) AND {last} BETWEEN 33 AND 126"
    exact = f"{first} NOT IN ({_STRIPPED_CODES}) AND {last} NOT IN ({_STRIPPED_CODES})"
    if not csv:
        return f"CASE WHEN {text} IS NULL OR {printable} THEN true ELSE {exact} END"
    blank = (
        f"CASE WHEN strlen({text}) <= {_LONGEST_BLANK} THEN {text} IN {_listed(BLANK_TEXT)} "
        "ELSE false END"
    )
    return (
        f"CASE WHEN {text} IS NULL THEN true WHEN {printable} THEN NOT ({blank}) "
        f"WHEN {exact} THEN NOT ({blank}) ELSE false END"
    )


#: Columns every cube groups by as they stand: the caller checks their values on the
#: aggregate (:func:`stands_as_key`) rather than row by row.
GROUPED_AS_THEY_STAND: Final[tuple[str, ...]] = ("sex", "place")


@dataclass(frozen=True)
class FastReading:
    """SQL reading the persons as they stand, and what the caller checks to trust it.

    ``sql`` selects the table's columns (contract columns under their contract names and
    types) and helper columns: ``stands[name]`` is true where a column's value is what
    :func:`standardise` makes of the cell (and missing exactly where that is blank), for
    the columns that need a test; ``_pophealth_kept`` is true in rows the standardisation
    keeps; ``_pophealth_broken`` is true where a rule of the contract is broken, read over
    these values. ``checked`` are the columns in which a value that does not stand breaks
    a rule anyway. ``keys`` are the columns read as they stand whose values the caller
    checks on its aggregate with :func:`stands_as_key`. ``id_hash`` is SQL over ``sql``'s
    rows: the hash of ``person_id``, NULL where the id is blank or does not stand.
    """

    sql: str
    stands: dict[str, str]
    checked: frozenset[str]
    keys: tuple[str, ...]
    id_hash: str | None


@dataclass(frozen=True)
class _FastColumn:
    """One contract column read as it stands.

    ``test`` (``None``: always true) holds only where ``value`` is what :func:`standardise`
    makes of the cell and is missing exactly where that is blank; ``checked`` says that
    wherever ``test`` fails, one of the column's own rules is broken (so a check that the
    rules hold needs no ``test``).
    """

    value: str
    test: str | None = None
    checked: bool = False
    #: SQL over the scanned row that ``value`` and ``test`` read under the name given to
    #: :func:`_fast_column` (a number or date parsed once, however often it is read).
    parse: str | None = None


def _fast_column(
    name: str,
    column: str,
    kind: TypeClass,
    *,
    csv: bool,
    check_causes: bool = True,
    parsed: str = "_pophealth_parsed",
) -> _FastColumn:
    """Return one contract column read without standardising it (see :class:`_FastColumn`).

    Cells that need more than the common spellings (text to trim, other codings, values
    that do not read) fail the test; the caller then standardises the whole table.
    ``parsed`` is the name under which the caller computes the column's ``parse``.
    """
    rule = PERSONS_RULES[name]
    raw = quoted(column)
    required = not rule.nullable
    nothing = {"whole": "BIGINT", "number": "DOUBLE", "flag": "BOOLEAN", "date": "TIMESTAMP"}

    def when_given(test: str) -> str:
        return f"CASE WHEN {raw} IS NULL THEN true ELSE {test} END"

    if kind == "text":
        if rule.kind == "flag":  # (a CASE: DuckDB joins long IN lists, read or not)
            value = f"CASE {raw} {_flag_spellings()} END"
            return _FastColumn(parsed, when_given(f"{parsed} IS NOT NULL"), required, value)
        if rule.kind in ("whole", "number"):
            good = _readable_number(parsed, whole=rule.kind == "whole")
            value = f"CAST({parsed} AS BIGINT)" if rule.kind == "whole" else parsed
            return _FastColumn(
                f"CASE WHEN {good} THEN {value} END",
                when_given(good),
                required,
                _parsed_number(raw, raw, money=False),
            )
        if rule.kind == "sex":
            cases = " ".join(
                f"WHEN {literal(spelling)} THEN {literal(sex)}"
                for spelling, sex in _SEX_SPELLINGS.items()
            )
            value = (
                f"CASE WHEN {raw} IN {_listed(SEXES)} THEN {raw} ELSE CASE {raw} {cases} END END"
            )
            return _FastColumn(parsed, when_given(f"{parsed} IS NOT NULL"), required, value)
        if rule.kind == "lsoa":
            return _FastColumn(raw, when_given(f"{raw} GLOB {_LSOA_GLOB}"), checked=True)
        if rule.kind == "cause":
            test = (
                f"CASE WHEN {raw} IS NULL OR {raw} IN {_listed(CAUSES_OF_DEATH)} THEN true "
                f"WHEN {raw} = lower({raw}) AND NOT regexp_matches({raw}, '[\\s\\-]') "
                f"THEN {_as_it_stands(raw, csv=csv)} ELSE false END"
            )
            # With the causes checked, a cause that does not stand is not one of them.
            return _FastColumn(raw, test, check_causes)
        if rule.kind == "date":
            attempts = ", ".join(f"try_strptime({raw}, {literal(form)})" for form in DATE_FORMATS)
            good = (
                f"CASE WHEN {_as_it_stands(raw, csv=csv)} THEN {parsed} IS NOT NULL "
                f"AND year({parsed}) BETWEEN {_YEARS[0]} AND {_YEARS[1]} ELSE false END"
            )
            return _FastColumn(
                f"CASE WHEN {good} THEN {parsed} END",
                when_given(good),
                parse=f"COALESCE({attempts})",
            )
        # id, text, band: text that may be blank has no rule to break, standing or not.
        return _FastColumn(raw, _as_it_stands(raw, csv=csv), rule.kind == "text" and not required)
    if rule.kind == "whole" and kind == "int":
        return _FastColumn(f"CAST({raw} AS BIGINT)")
    if rule.kind == "whole" and kind == "float":
        good = _readable_number(parsed, whole=True)
        return _FastColumn(
            f"CASE WHEN {good} THEN CAST({parsed} AS BIGINT) END",
            when_given(good),
            required,
            f"CAST({raw} AS DOUBLE)",
        )
    if rule.kind == "number" and kind == "int":
        return _FastColumn(f"CAST({raw} AS DOUBLE)")
    if rule.kind == "number" and kind == "float":
        # NaN (blank to the readers) and infinities fail the test: the value stays a plain
        # column, whose statistics let DuckDB settle range rules without reading the cells.
        # (isfinite, not isnan: DuckDB settles isnan from Parquet statistics, which leave
        # NaN out, and so misses it.)
        return _FastColumn(f"CAST({raw} AS DOUBLE)", when_given(f"isfinite({raw})"))
    if rule.kind == "flag" and kind == "bool":
        return _FastColumn(raw)
    if rule.kind == "flag" and kind in ("int", "float"):
        value = f"CASE WHEN {raw} = 1 THEN true WHEN {raw} = 0 THEN false END"
        return _FastColumn(parsed, when_given(f"{parsed} IS NOT NULL"), required, value)
    if rule.kind == "date" and kind == "time":
        value = f"CAST({raw} AS TIMESTAMP)"
        return _FastColumn(value, when_given(f"year({value}) BETWEEN {_YEARS[0]} AND {_YEARS[1]}"))
    if rule.kind in ("id", "text") and kind == "int":
        return _FastColumn(f"CAST({raw} AS VARCHAR)")
    if rule.kind == "sex" and kind == "int":
        cases = " ".join(
            f"WHEN {code} THEN {literal(sex)}"
            for code, sex in SEX_CODINGS.items()
            if code.isdigit()
        )
        return _FastColumn(
            parsed, when_given(f"{parsed} IS NOT NULL"), required, f"CASE {raw} {cases} END"
        )
    missing = f"CAST(NULL AS {nothing.get(rule.kind, 'VARCHAR')})"
    return _FastColumn(missing, f"({raw} IS NULL)", required)


def stands_as_key(name: str, value: object, *, csv: bool) -> bool:
    """Whether a value of :data:`GROUPED_AS_THEY_STAND`, read as it stands, is standard.

    True when the value is the standardised one and breaks none of the column's rules.
    For the values an aggregate grouped by: ``sex`` must be ``F`` or ``M``; ``place`` blank
    (NULL) or text with nothing to trim that is not blank (nor, in CSV, a blank text).
    """
    if name == "sex":
        return value in SEXES
    if value is None:
        return PERSONS_RULES[name].nullable
    text = str(value)
    return bool(text) and text == text.strip() and not (csv and text in BLANK_TEXT)


def _fast_query(
    raw: str,
    columns: Sequence[tuple[str, str]],
    contract: dict[str, tuple[str, TypeClass]],
    *,
    csv: bool,
    check_causes: bool,
) -> FastReading:
    """Write the SQL of the persons read as they stand, with what says whether that is safe.

    Most files need no standardising: numbers are stored as numbers, flags as true/false,
    text without spaces around it. Reading such a file through :func:`standardise`'s SQL
    costs about twice as much as reading it as it stands, so this query reads every
    contract column as it stands (in the contract's type), with the helper columns of
    :class:`FastReading`. The caller trusts an aggregate of it when, in every row it
    aggregates, the row is kept and each column the aggregate reads stands and, to check
    the rules, no rule is broken and every column that is not ``checked`` stands; the
    columns of :data:`GROUPED_AS_THEY_STAND` are read as they stand and checked on the
    aggregate, and ``person_id`` in the caller's scan of the ids' hashes. Otherwise the
    caller standardises, which gives the exact counts and messages.

    The rules are :func:`_checks`', read over these values, written so that DuckDB settles
    what it can from the files' statistics without reading a cell: a rule on a column
    that is blank in a row is not broken there (but ``not_blank``), and the rules that
    cause-specific admissions are at most the emergency admissions are taken together.
    Our own SQL, because no library reads a file against a contract like this in one pass.
    """
    names = contract_column_names([name for name, _ in columns])
    selected: list[str] = []
    parses: list[str] = []
    read: dict[str, _FastColumn] = {}
    keys: list[str] = []
    for name, _ in columns:
        contract_name = names[name]
        if contract_name not in contract or contract[contract_name][0] != name:
            selected.append(f"{quoted(name)} AS {quoted(name)}")
            continue
        kind = contract[contract_name][1]
        if contract_name in GROUPED_AS_THEY_STAND and kind == "text":
            keys.append(contract_name)
            fast = _FastColumn(quoted(name))
        else:
            fast = _fast_column(
                contract_name,
                name,
                kind,
                csv=csv,
                check_causes=check_causes,
                parsed=f"_pophealth_parsed_{len(read)}",
            )
        if fast.parse is not None:
            parses.append(f"{fast.parse} AS _pophealth_parsed_{len(read)}")
        selected.append(f"{fast.value} AS {quoted(contract_name)}")
        if fast.test is not None:
            selected.append(f"{fast.test} AS _pophealth_stands_{len(read)}")
        read[contract_name] = fast
    stands = {
        name: f"_pophealth_stands_{index}" for index, name in enumerate(read) if read[name].test
    }
    ruled = [name for name in read if name not in keys and name != "person_id"]
    # Rows the standardisation keeps: some cell not blank. A column that may not be blank
    # (age) settles it, usually from the files' statistics without reading a cell; a row
    # where it is blank is taken for one that may not stand.
    required = [name for name in ruled if not PERSONS_RULES[name].nullable]
    kept = " OR ".join(
        f"({quoted(name)} IS NOT NULL AND {stands.get(name, 'true')})"
        for name in required[:1] or ruled
    )
    broken = _broken(
        _checks(
            ruled,
            dict.fromkeys(ruled, "false"),
            dict.fromkeys(ruled, "NULL"),
            check_causes=check_causes,
        )
    )
    id_hash: str | None = None
    if "person_id" in read:
        # The id's test, over the id as read (text as it stands, or a number as text).
        test = _fast_column("person_id", "person_id", contract["person_id"][1], csv=csv).test
        id_hash = (
            f"CASE WHEN {quoted('person_id')} IS NULL THEN NULL "
            f"WHEN {test or 'true'} THEN hash({quoted('person_id')}) END"
        )
    listed = [quoted(names[name] if names[name] in contract else name) for name, _ in columns]
    scanned = f"SELECT *{''.join(', ' + parse for parse in parses)} FROM ({raw}) AS _raw"
    sql = (
        f"SELECT {', '.join([*listed, *stands.values()])}, ({kept or 'false'}) AS _pophealth_kept, "
        f"({broken}) AS _pophealth_broken "
        f"FROM (SELECT {', '.join(selected)} FROM ({scanned}) AS _parsed) AS _fast"
    )
    checked = frozenset(name for name, fast in read.items() if fast.checked)
    return FastReading(sql, stands, checked, tuple(keys), id_hash)


#: Kinds of column that are mostly blank when they may be (causes and dates of death, flags
#: such as ``bp_controlled`` given only for some people).
_SPARSE_KINDS: Final[frozenset[str]] = frozenset({"cause", "date", "flag"})


def _broken(checks: Sequence[SqlCheck]) -> str:
    """Return SQL true where any of the checks is broken, in a form DuckDB evaluates fast.

    Equal to the OR of the checks' ``broken``: every rule but ``not_blank`` holds where its
    column is blank, so the rules on causes, dates and flags that may be blank are looked
    at only where they are not (most of ``cause_of_death`` is blank); and the rules that
    each cause-specific admission count is at most the emergency admissions hold
    together where the greatest of them does.
    """
    terms: list[str] = []
    at_most = [
        check.column
        for check in checks
        if check.check == f"{check.column}_at_most_emergency_admissions"
    ]
    for check in checks:
        if check.broken == "false" or check.check.endswith("_at_most_emergency_admissions"):
            continue
        rule = PERSONS_RULES[check.column]
        if check.check == "not_blank" or not rule.nullable or rule.kind not in _SPARSE_KINDS:
            terms.append(check.broken)
        else:
            column = quoted(check.column)
            terms.append(f"CASE WHEN {column} IS NULL THEN false ELSE {check.broken} END")
    if at_most:
        greatest = f"greatest({', '.join(quoted(name) for name in at_most)})"
        terms.append(f"COALESCE({greatest} > emergency_admissions, false)")
    return " OR ".join(terms) or "false"


def _checks(
    present: Sequence[str],
    bad_of: dict[str, str],
    shown_of: dict[str, str],
    *,
    check_causes: bool,
) -> list[SqlCheck]:
    """Return the value rules for the contract columns present, in the contract's order."""
    checks: list[SqlCheck] = []

    def add(column: str, check: str, broken: str, shown: str | None) -> None:
        phrases = _BLANK if check == "not_blank" else _phrases(check)
        checks.append(SqlCheck(column, check, phrases, f"COALESCE({broken}, false)", shown))

    here = set(present)
    for name in PERSONS_RULES:
        if name not in here:
            continue
        rule = PERSONS_RULES[name]
        value = quoted(name)
        shown_value = value  # in its own type: the caller shows it as the readers do
        bad = bad_of[name]
        if rule.kind in UNREADABLE_PHRASES:
            check, plural, singular = UNREADABLE_PHRASES[rule.kind]
            checks.append(SqlCheck(name, check, (singular, plural), bad, shown_of[name]))
        if not rule.nullable:
            add(name, "not_blank", f"{value} IS NULL AND NOT {bad}", None)
        if name == "age":
            add(name, "in_range(0, 120)", f"{value} < 0 OR {value} > 120", shown_value)
        elif name == "imd_decile":
            add(name, "in_range(1, 10)", f"{value} < 1 OR {value} > 10", shown_value)
        elif name == "efi":
            add(name, "in_range(0, 1)", f"{value} < 0 OR {value} > 1", shown_value)
        elif name in (*ACTIVITY_COLUMNS, *CAUSE_ADMISSION_COLUMNS, "cost_gbp"):
            add(name, "greater_than_or_equal_to(0)", f"{value} < 0", shown_value)
            if name == "cost_gbp":  # (isinf, written so that statistics can settle it)
                add(name, "finite", f"{value} = 'inf'::DOUBLE OR {value} = '-inf'::DOUBLE",
                    shown_value)  # fmt: skip
        elif name == "sex":
            add(name, "isin(F, M)", f"{value} NOT IN {_listed(SEXES)}", shown_value)
        elif name == "lsoa":
            add(name, "lsoa_code", f"NOT {value} GLOB {_LSOA_GLOB}", shown_value)
        elif name == "cause_of_death" and check_causes:
            add(name, "isin(CAUSES_OF_DEATH)", f"{value} NOT IN {_listed(CAUSES_OF_DEATH)}",
                shown_value)  # fmt: skip
    # The row-wise rules across columns (pandera's DataFrame-level checks).
    if "died" in here:
        for name, check in (
            ("cause_of_death", "cause_only_if_died"),
            ("date_of_death", "date_of_death_only_if_died"),
        ):
            if name in here:
                add(name, check, f"{quoted(name)} IS NOT NULL AND NOT died", quoted(name))
    if "date_of_death" in here and "date_of_birth" in here:
        add(
            "date_of_death",
            "date_of_death_after_birth",
            "date_of_death < date_of_birth",
            "date_of_death",
        )
    if "bp_controlled" in here and "hypertension" in here:
        add(
            "bp_controlled",
            "bp_controlled_only_with_hypertension",
            "bp_controlled AND NOT hypertension",
            "bp_controlled",
        )
    if "emergency_admissions" in here:
        for name in CAUSE_ADMISSION_COLUMNS:
            if name in here:
                add(
                    name,
                    f"{name}_at_most_emergency_admissions",
                    f"{quoted(name)} > emergency_admissions",
                    quoted(name),
                )
    return checks


__all__ = [
    "GROUPED_AS_THEY_STAND",
    "FastReading",
    "SqlCheck",
    "Standardisation",
    "literal",
    "quoted",
    "stands_as_key",
    "standardise",
    "type_class",
]
