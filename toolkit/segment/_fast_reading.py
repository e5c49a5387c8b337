"""The persons read as they stand, for the DuckDB engines, and what says that this is safe.

Most files need no standardising. :func:`fast_query` writes the table of
:func:`toolkit.segment._engine_contract.standardise` read as the files stand, with columns
saying, row by row, whether that reading gives the standardised values and whether a rule
is broken, so that the cubes check a clean file in the scan that aggregates it
(:func:`toolkit.segment._fast.fast_aggregate`) and standardise only the files that need it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from toolkit.data.columns import contract_column_names
from toolkit.data.contract import CAUSES_OF_DEATH, SEXES
from toolkit.data.files import BLANK_TEXT
from toolkit.data.schemas import PERSONS_RULES, SEX_CODINGS
from toolkit.segment._engine_checks import SqlCheck, contract_checks
from toolkit.segment._engine_sql import (
    LONGEST_BLANK,
    LSOA_GLOB,
    WHITESPACE,
    TypeClass,
    flag_spellings,
    listed,
    literal,
    parsed_date,
    parsed_number,
    quoted,
    readable_number,
    readable_year,
)

#: A fixed offset from UTC as Arrow writes a time zone (``+01:00``), which DuckDB's
#: ``timezone`` does not take by name.
_OFFSET: Final[re.Pattern[str]] = re.compile(r"([+-])(\d{2}):?(\d{2})")


def stored_time(column: str, zone: str | None = None) -> str:
    """Return SQL reading a date or time column as a ``TIMESTAMP``, as the readers read it.

    A time-zone-aware column (``TIMESTAMP WITH TIME ZONE``, a point in time) is read on the
    clock of the zone the file stores it in, ``zone`` (a name such as ``Europe/London``
    or an offset such as ``+01:00``), as pandas reads the file; not on the clock of the
    session's time zone (UTC under Ibis, else the machine's), as a plain cast would be.
    Other columns are cast as they are.

    Parameters
    ----------
    column : str
        The column, quoted as SQL.
    zone : str, optional
        The time zone of a time-zone-aware column (see
        :func:`toolkit.segment._duckdb_files.stored_zones`); ``None`` for other columns.

    Returns
    -------
    str
        The SQL expression.
    """
    if zone is None:
        return f"CAST({column} AS TIMESTAMP)"
    offset = _OFFSET.fullmatch(zone)
    if offset is None:
        return f"timezone({literal(zone)}, {column})"
    sign, hours, minutes = offset.groups()
    shift = (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes))
    return f"(timezone('UTC', {column}) + INTERVAL ({shift}) MINUTE)"


#: Code points Python's ``str.strip`` removes, with 0 (DuckDB's ``ascii`` of empty text).
_STRIPPED_CODES: Final[str] = ", ".join(str(code) for code in (0, *map(ord, WHITESPACE)))


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
        f"CASE WHEN strlen({text}) <= {LONGEST_BLANK} THEN {text} IN {listed(BLANK_TEXT)} "
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
    ``by_value`` are the text columns whose test and own rules are left out of ``sql``'s
    helper columns, for the caller to look at once per distinct value (:class:`ByValue`).
    """

    sql: str
    stands: dict[str, str]
    checked: frozenset[str]
    keys: tuple[str, ...]
    id_hash: str | None
    by_value: tuple[ByValue, ...] = ()


#: Rule kinds of the text columns whose values are few however many the persons (LSOA codes,
#: ethnic groups, causes of death): in Parquet files, their tests and their own rules are
#: looked at once for each distinct value rather than in every row (:class:`ByValue`).
_BY_VALUE_KINDS: Final[frozenset[str]] = frozenset({"lsoa", "text", "cause"})


@dataclass(frozen=True)
class ByValue:
    """A text column of a Parquet file checked once per distinct value, not row by row.

    A value's test (whether it stands) and its column's own rules depend on the value
    alone, so a scan of the distinct values (a few thousand LSOA codes for millions of
    persons) settles them: in ten million rows, checking the text of every row is about a
    third of the scan's CPU time. ``sql`` selects the distinct values of ``column`` (the
    file's name of the column) from the files; over them, ``stands`` is SQL true where a
    value stands as written and ``rules`` true where it breaks one of its column's own
    rules (the rules across columns stay in the rows' scan).
    """

    column: str
    sql: str
    stands: str
    rules: str

    def failing(self, *, validate: bool) -> str:
        """Return SQL counting the distinct values that do not stand (or break a rule)."""
        fine = f"({self.stands}) AND NOT ({self.rules})" if validate else self.stands
        return f"SELECT count(*) FROM ({self.sql}) AS _values WHERE NOT COALESCE({fine}, false)"


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
    zone: str | None = None,
) -> _FastColumn:
    """Return one contract column read without standardising it (see :class:`_FastColumn`).

    Cells that need more than the common spellings (text to trim, other codings, values
    that do not read) fail the test; the caller then standardises the whole table.
    ``parsed`` is the name under which the caller computes the column's ``parse``;
    ``zone`` is the stored time zone of a time-zone-aware date (:func:`stored_time`).
    """
    rule = PERSONS_RULES[name]
    raw = quoted(column)
    required = not rule.nullable
    nothing = {"whole": "BIGINT", "number": "DOUBLE", "flag": "BOOLEAN", "date": "TIMESTAMP"}

    def when_given(test: str) -> str:
        return f"CASE WHEN {raw} IS NULL THEN true ELSE {test} END"

    if kind == "text":
        if rule.kind == "flag":  # (a CASE: DuckDB joins long IN lists, read or not)
            value = f"CASE {raw} {flag_spellings()} END"
            return _FastColumn(parsed, when_given(f"{parsed} IS NOT NULL"), required, value)
        if rule.kind in ("whole", "number"):
            good = readable_number(parsed, whole=rule.kind == "whole")
            value = f"CAST({parsed} AS BIGINT)" if rule.kind == "whole" else parsed
            return _FastColumn(
                f"CASE WHEN {good} THEN {value} END",
                when_given(good),
                required,
                parsed_number(raw, raw, money=False),
            )
        if rule.kind == "sex":
            cases = " ".join(
                f"WHEN {literal(spelling)} THEN {literal(sex)}"
                for spelling, sex in _SEX_SPELLINGS.items()
            )
            value = f"CASE WHEN {raw} IN {listed(SEXES)} THEN {raw} ELSE CASE {raw} {cases} END END"
            return _FastColumn(parsed, when_given(f"{parsed} IS NOT NULL"), required, value)
        if rule.kind == "lsoa":
            return _FastColumn(raw, when_given(f"{raw} GLOB {LSOA_GLOB}"), checked=True)
        if rule.kind == "cause":
            test = (
                f"CASE WHEN {raw} IS NULL OR {raw} IN {listed(CAUSES_OF_DEATH)} THEN true "
                f"WHEN {raw} = lower({raw}) AND NOT regexp_matches({raw}, '[\\s\\-]') "
                f"THEN {_as_it_stands(raw, csv=csv)} ELSE false END"
            )
            # With the causes checked, a cause that does not stand is not one of them.
            return _FastColumn(raw, test, check_causes)
        if rule.kind == "date":
            good = (
                f"CASE WHEN {_as_it_stands(raw, csv=csv)} THEN {parsed} IS NOT NULL "
                f"AND {readable_year(parsed)} ELSE false END"
            )
            return _FastColumn(
                f"CASE WHEN {good} THEN {parsed} END", when_given(good), parse=parsed_date(raw)
            )
        # id, text, band: text that may be blank has no rule to break, standing or not.
        return _FastColumn(raw, _as_it_stands(raw, csv=csv), rule.kind == "text" and not required)
    if rule.kind == "whole" and kind == "int":
        return _FastColumn(f"CAST({raw} AS BIGINT)")
    if rule.kind == "whole" and kind == "float":
        good = readable_number(parsed, whole=True)
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
        value = stored_time(raw, zone)
        return _FastColumn(value, when_given(readable_year(value)))
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


def fast_query(
    raw: str,
    columns: Sequence[tuple[str, str]],
    contract: dict[str, tuple[str, TypeClass]],
    *,
    csv: bool,
    check_causes: bool,
    zones: Mapping[str, str] | None = None,
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
    caller standardises, which gives the exact counts and messages. ``zones`` gives the
    stored time zone of each time-zone-aware date column, by its name in the files
    (:func:`stored_time`).

    The rules are :func:`contract_checks`', read over these values, written so that DuckDB settles
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
    by_value: dict[str, tuple[str, str]] = {}
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
                zone=(zones or {}).get(name),
            )
        if fast.parse is not None:
            parses.append(f"{fast.parse} AS _pophealth_parsed_{len(read)}")
        selected.append(f"{fast.value} AS {quoted(contract_name)}")
        if (
            not csv
            and kind == "text"
            and contract_name not in keys
            and PERSONS_RULES[contract_name].kind in _BY_VALUE_KINDS
            and fast.value == quoted(name)
        ):
            by_value[contract_name] = (name, fast.test or "true")
        elif fast.test is not None:
            selected.append(f"{fast.test} AS _pophealth_stands_{len(read)}")
        read[contract_name] = fast
    stands = {
        name: f"_pophealth_stands_{index}"
        for index, name in enumerate(read)
        if read[name].test and name not in by_value
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

    def checks_of(present: Sequence[str]) -> list[SqlCheck]:
        return contract_checks(
            present,
            dict.fromkeys(present, "false"),
            dict.fromkeys(present, "NULL"),
            check_causes=check_causes,
        )

    # The by-value columns' own rules (those of each column alone: the rules across
    # columns need the other column present) leave the rows' scan for the values' scans.
    own = {name: checks_of([name]) for name in by_value}
    left_out = {(check.column, check.check) for checks in own.values() for check in checks}
    broken = _broken(
        [check for check in checks_of(ruled) if (check.column, check.check) not in left_out]
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

    def distinct(column: str, name: str) -> str:
        renamed = "" if column == name else f", {quoted(column)} AS {quoted(name)}"
        return (
            f"SELECT {quoted(column)}{renamed} "
            f"FROM (SELECT DISTINCT {quoted(column)} FROM ({raw}) AS _raw) AS _distinct"
        )

    values = tuple(
        ByValue(
            column,
            distinct(column, name),
            test,
            " OR ".join(check.broken for check in own[name] if check.broken != "false") or "false",
        )
        for name, (column, test) in by_value.items()
    )
    return FastReading(sql, stands, checked, tuple(keys), id_hash, values)


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


__all__ = [
    "GROUPED_AS_THEY_STAND",
    "ByValue",
    "FastReading",
    "fast_query",
    "stands_as_key",
]
