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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    SEXES,
)
from toolkit.data.readers import BLANK_TEXT, contract_column_names
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
    show for an example row, or ``None`` to show the row number only.
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


def standardise(
    raw: str,
    columns: Sequence[tuple[str, str]],
    *,
    csv: bool,
    extra: Sequence[str] = (),
    check_causes: bool = True,
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
        # Trimming with a set of characters is slow in DuckDB: only done for values that
        # start or end with one of them (or are empty).
        trimmed = (
            f"CASE WHEN contains({whitespace}, left({text}, 1)) "
            f"OR contains({whitespace}, right({text}, 1)) "
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
            value = f"CASE WHEN isnan({raw_column}) THEN NULL ELSE {raw_column} END"
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
                fast = " ".join(
                    f"WHEN {literal(spelling)} THEN {str(flag).lower()}"
                    for code, flag in FLAG_CODINGS.items()
                    for spelling in {code, code.upper(), code.capitalize()}
                )
                parsed = (
                    f"CASE {c} {fast} ELSE CASE WHEN lower({clean}) IN {yes} THEN true "
                    f"WHEN lower({clean}) IN {no} THEN false END END"
                )
                level2.append(f"{parsed} AS {p}")
                bad = f"({p} IS NULL AND {not_blank})"
                value = p
            else:
                parsed = f"TRY_CAST({c} AS DOUBLE)"
                if name == "cost_gbp":
                    parsed = (
                        f"COALESCE({parsed}, "
                        f"TRY_CAST(replace(replace({clean}, '£', ''), ',', '') AS DOUBLE))"
                    )
                parsed = f"CASE WHEN contains({c}, '_') THEN NULL ELSE {parsed} END"
                level2.append(f"{parsed} AS {p}")
                if rule.kind == "whole":
                    good = (
                        f"({p} IS NOT NULL AND isfinite({p}) AND {p} = trunc({p}) "
                        f"AND abs({p}) <= {_WHOLE_LIMIT})"
                    )
                    value = f"CASE WHEN {good} THEN CAST({p} AS BIGINT) END"
                else:
                    good = f"({p} IS NOT NULL AND NOT isnan({p}))"
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
        level3.append(f"{as_text} AS _shown_{position}")
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
    return Standardisation(full=full, columns=output, checks=tuple(checks))


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
        shown_value = f"CAST({value} AS VARCHAR)"
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
            if name == "cost_gbp":
                add(name, "finite", f"isinf({value})", shown_value)
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
                add(name, check, f"{quoted(name)} IS NOT NULL AND NOT died", None)
    if "date_of_death" in here and "date_of_birth" in here:
        add("date_of_death", "date_of_death_after_birth", "date_of_death < date_of_birth", None)
    if "bp_controlled" in here and "hypertension" in here:
        add(
            "bp_controlled",
            "bp_controlled_only_with_hypertension",
            "bp_controlled AND NOT hypertension",
            None,
        )
    if "emergency_admissions" in here:
        for name in CAUSE_ADMISSION_COLUMNS:
            if name in here:
                add(
                    name,
                    f"{name}_at_most_emergency_admissions",
                    f"{quoted(name)} > emergency_admissions",
                    f"CAST({quoted(name)} AS VARCHAR)",
                )
    return checks


__all__ = ["SqlCheck", "Standardisation", "literal", "quoted", "standardise", "type_class"]
