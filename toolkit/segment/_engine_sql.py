"""The SQL words the DuckDB engines share: quoting, types, values read as the readers do.

:mod:`toolkit.segment._engine_contract` (the standardisation),
:mod:`toolkit.segment._engine_checks` (the contract's rules) and
:mod:`toolkit.segment._fast_reading` (the persons read as they stand) write their SQL with
these, so that a number, a flag or a blank reads the same in each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from toolkit.data.files import BLANK_TEXT
from toolkit.data.schemas import DATE_FORMATS, DATE_YEARS, FLAG_CODINGS, MONEY_PATTERN
from toolkit.data.value_rules import LSOA_GLOB as VALUE_RULES_LSOA_GLOB
from toolkit.data.value_rules import sql_name as quoted
from toolkit.data.value_rules import sql_text as literal

#: Characters Python's ``str.strip`` removes (the readers trim with it), for DuckDB's trim.
WHITESPACE: Final[str] = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


#: Bytes in the longest of the readers' blank texts (a longer cell is never one).
LONGEST_BLANK: Final[int] = max(len(text.encode()) for text in BLANK_TEXT)


#: The largest magnitude read as a whole number (int64).
WHOLE_LIMIT: Final[str] = "9.2e18"


TypeClass = Literal["text", "int", "float", "bool", "time"]


def listed(values: Sequence[str]) -> str:
    return "(" + ", ".join(literal(value) for value in values) + ")"


#: LSOA codes (:data:`toolkit.data.schemas.LSOA_PATTERN`) as a quoted DuckDB GLOB pattern,
#: the one the value rule of ``lsoa`` declares (:mod:`toolkit.data.value_rules`).
LSOA_GLOB: Final[str] = literal(VALUE_RULES_LSOA_GLOB)


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


def flag_spellings() -> str:
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


def parsed_number(text: str, clean: str, *, money: bool) -> str:
    """Return SQL reading text as a number as the readers do (not ``1_000``; ``£1,250``).

    Money is read only when written as :data:`toolkit.data.schemas.MONEY_PATTERN` allows
    (thousands separators between groups of three digits; not "12,50").
    """
    parsed = f"TRY_CAST({text} AS DOUBLE)"
    if money:
        stripped = f"TRY_CAST(replace(replace({clean}, '£', ''), ',', '') AS DOUBLE)"
        written = f"regexp_full_match({clean}, {literal(MONEY_PATTERN)})"
        parsed = f"COALESCE({parsed}, CASE WHEN {written} THEN {stripped} END)"
    return f"CASE WHEN contains({text}, '_') THEN NULL ELSE {parsed} END"


def parsed_date(text: str) -> str:
    """Return SQL reading text as a date in one of the readers' forms (``DATE_FORMATS``)."""
    attempts = ", ".join(f"try_strptime({text}, {literal(form)})" for form in DATE_FORMATS)
    return f"COALESCE({attempts})"


def readable_year(parsed: str) -> str:
    """Return SQL: whether a parsed date's year is one the readers hold (``DATE_YEARS``).

    A date outside them is not a readable date, to the engines as to
    :func:`toolkit.data.schemas.to_date`: one range, so both refuse the same dates.
    """
    return f"year({parsed}) BETWEEN {DATE_YEARS[0]} AND {DATE_YEARS[1]}"


def readable_number(parsed: str, *, whole: bool) -> str:
    """Return SQL: whether a parsed number is one the readers take (whole: in 64 bits)."""
    if whole:
        return (
            f"({parsed} IS NOT NULL AND isfinite({parsed}) AND {parsed} = trunc({parsed}) "
            f"AND abs({parsed}) <= {WHOLE_LIMIT})"
        )
    return f"({parsed} IS NOT NULL AND NOT isnan({parsed}))"


__all__ = [
    "LONGEST_BLANK",
    "LSOA_GLOB",
    "WHITESPACE",
    "WHOLE_LIMIT",
    "TypeClass",
    "flag_spellings",
    "listed",
    "literal",
    "parsed_date",
    "parsed_number",
    "quoted",
    "readable_number",
    "readable_year",
    "type_class",
]
