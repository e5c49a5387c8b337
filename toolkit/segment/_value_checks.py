"""Value checks of the persons contract, in the engine (``build_cube(validate=True)``).

:func:`check_values` is the entry point for a DataFrame or Spark input: one aggregate
query counts the rows breaking each rule, and only when one fails are the example rows
looked up. Each failure is worded by :func:`to_problem` in the readers' words and raised
through :mod:`toolkit.data.problems`; :mod:`toolkit.segment._duckdb_files` words the
failures it finds in files the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit._words import listed
from toolkit.data.phrases import phrases_of
from toolkit.data.problems import MAX_EXAMPLES, Problem, raise_problems, show_value
from toolkit.data.value_rules import (
    CAUSE_LIST_CHECK,
    PERSONS_VALUE_RULES,
    value_rules_of,
    without_nan,
)
from toolkit.segment._hashing import duplicate_ids, surplus_hashes
from toolkit.segment._sources import FILE_COLUMN, ROW_COLUMN, Engine, file_names

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

_BLANK = ("is blank", "are blank")
#: Wording for inputs the engine reads unmapped (the readers map other codings of sex).
_PHRASES: dict[str, tuple[str, str]] = {
    "isin(F, M)": (
        "is not F or M; read the file with toolkit.data.read_persons to map other codings",
        "are not F or M; read the file with toolkit.data.read_persons to map other codings",
    )
}
#: Columns holding text, whose example values are shown quoted.
_QUOTED_COLUMNS = frozenset({"person_id", "sex"})


@dataclass(frozen=True, eq=False)
class _ValueCheck:
    """One value rule of the persons contract, as an engine-side expression.

    ``broken`` is true where a row breaks the rule (never null).
    """

    column: str
    check: str
    phrases: tuple[str, str]
    broken: ir.BooleanValue


def _value_checks(table: ir.Table) -> list[_ValueCheck]:
    """Return the value rules of the persons contract as Ibis expressions over ``table``.

    Generated from the contract's own declarations, as the pandera checks and the SQL of
    the file checks are: whether a column may be blank
    (:data:`toolkit.data.schemas.PERSONS_RULES`) and the value rules
    (:data:`toolkit.data.value_rules.PERSONS_VALUE_RULES`), so that the engine checks a
    DataFrame or a Spark table in one scan without loading it. Check names and wording are
    those of :mod:`toolkit.data.readers`. Float NaN counts as blank. Causes of death
    outside the contract's list are counted as "other", as in files; a rule whose columns'
    types cannot carry it is left to the type check.
    """
    from toolkit.data.schemas import PERSONS_RULES

    checks: list[_ValueCheck] = []

    def add(column: str, check: str, broken: ir.BooleanValue | None) -> None:
        if broken is None:
            return
        phrases = _BLANK if check == "not_blank" else _PHRASES.get(check) or phrases_of(check)
        checks.append(_ValueCheck(column, check, phrases, broken.fill_null(False)))

    present = list(table.columns)
    for name, rule in PERSONS_RULES.items():
        if name not in table.columns:
            continue
        value = table[name]
        if not rule.nullable:
            add(name, "not_blank", without_nan(value).isnull())
        for value_rule in value_rules_of(name, row_wise=False):
            if value_rule.check != CAUSE_LIST_CHECK:
                add(name, value_rule.check, value_rule.test.ibis_broken(value, table))
    for value_rule in PERSONS_VALUE_RULES:
        if value_rule.test.row_wise and value_rule.applies_to(present):
            column = table[value_rule.column]
            add(value_rule.column, value_rule.check, value_rule.test.ibis_broken(column, table))
    return checks


@dataclass(frozen=True)
class Failure:
    """A value check that failed: how many rows, and the first few (file, row, value)."""

    column: str
    check: str
    phrases: tuple[str, str]
    count: int
    examples: tuple[tuple[str | None, int, Any], ...] = ()
    #: Whether the examples' values are in their own type (shown as the readers show
    #: them), rather than text from the engine (see :func:`_shown`).
    typed: bool = False


def _count_failures(
    con: Any, table: ir.Table, checks: Sequence[_ValueCheck], engine: Engine
) -> tuple[list[int], int]:
    """Count the rows breaking each check, and the surplus ``person_id`` rows.

    One aggregate query counts every check (and, on Spark, the distinct ``person_id``
    values). The surplus is the number of ids minus the number of distinct ids: zero when
    every id is unique.
    """
    measures: dict[str, ir.Value] = {
        f"check_{index}": check.broken.cast("int64").sum() for index, check in enumerate(checks)
    }
    has_ids = "person_id" in table.columns
    if has_ids:
        measures["ids"] = table["person_id"].count()
        if engine != "duckdb":
            measures["distinct_ids"] = table["person_id"].nunique()
    row = con.to_pyarrow(table.aggregate(**measures)).to_pylist()[0]
    counts = [int(row[f"check_{index}"] or 0) for index in range(len(checks))]
    if not has_ids:
        return counts, 0
    ids = int(row["ids"] or 0)
    if engine == "duckdb":
        return counts, surplus_hashes(con, table, ids)
    return counts, ids - int(row["distinct_ids"] or 0)


def _example_rows(
    con: Any,
    located: ir.Table,
    wanted: Sequence[tuple[ir.BooleanValue, str]],
) -> list[list[tuple[str | None, int, str | None]]]:
    """Return the first few (file, row, value) breaking each rule, in one union query."""
    import ibis

    parts = [
        located.filter(broken)
        .select(
            _check=ibis.literal(index, type="int32"),
            _file=located[FILE_COLUMN].cast("string"),
            _row=located[ROW_COLUMN].cast("int64"),
            _value=located[column].cast("string"),
        )
        .order_by(["_file", "_row"])
        .limit(MAX_EXAMPLES)
        for index, (broken, column) in enumerate(wanted)
    ]
    found = con.to_pyarrow(ibis.union(*parts, distinct=False)).to_pylist()
    found.sort(key=lambda item: (item["_check"], item["_file"] or "", item["_row"]))
    examples: list[list[tuple[str | None, int, str | None]]] = [[] for _ in wanted]
    for item in found:
        examples[item["_check"]].append((item["_file"], int(item["_row"]), item["_value"]))
    return examples


def _shown(column: str, value: str | None) -> str | None:
    """Show a value as the readers do (:func:`toolkit.data.problems.show_value`): 130.0 as 130."""
    if value is None:
        return None
    if column in _QUOTED_COLUMNS:
        return show_value(value)
    try:
        return show_value(float(value))
    except ValueError:
        return show_value(value)


def to_problem(
    failure: Failure,
    *,
    several_files: bool,
    no_rows: str | None,
    names: Mapping[str, str] | None = None,
) -> Problem:
    """Word one failure as the readers word theirs (a :class:`~toolkit.data.problems.Problem`).

    With several files, each example row names its file: by ``names`` (a file's path below
    the files' common folder, which tells apart files of one name in different folders),
    else by its bare name.
    """
    singular, plural = failure.phrases
    count = failure.count
    show_values = failure.check != "not_blank"
    details = []
    for file, row, value in failure.examples:
        named = (names or {}).get(file) or Path(file).name if file else ""
        where = f"row {row}" + (f" of {named}" if several_files and file else "")
        shown = None
        if show_values and value is not None:
            shown = show_value(value) if failure.typed else _shown(failure.column, value)
        details.append(f"{where}: {shown}" if shown is not None else where)
    total = max(count, len(details))
    if details and not show_values and not several_files:
        detail = ("row " if len(details) == 1 else "rows ") + listed(
            (row for _, row, _ in failure.examples),
            most=MAX_EXAMPLES,
            total=total,
            final_and=False,
            last_sep="; and ",
        )
    elif details:
        detail = listed(details, most=MAX_EXAMPLES, total=total, final_and=False, sep="; ")
    else:
        detail = no_rows or ""
    noun = "1 row" if count == 1 else f"{count:,} rows"
    sentence = f"column '{failure.column}': {noun} {singular if count == 1 else plural}"
    return Problem(
        column=failure.column,
        check=failure.check,
        sentence=f"{sentence} ({detail})." if detail else f"{sentence}.",
        failing_rows=count,
        example_rows=tuple(row for _, row, _ in failure.examples[:MAX_EXAMPLES]),
    )


def in_contract_order(failures: Sequence[Failure]) -> list[Failure]:
    """Sort failures by their column's place in the contract, as the readers sort them."""
    from toolkit.data.schemas import PERSONS_RULES

    order = {name: position for position, name in enumerate(PERSONS_RULES)}
    return sorted(failures, key=lambda failure: order.get(failure.column, len(order)))


def typed(value: str | None, kind: str) -> Any:
    """Turn an example value the engine sent as text back into its own type (``kind``)."""
    if value is None:
        return None
    kind = kind.upper()
    if kind == "BOOLEAN":
        return value == "true"
    if "INT" in kind:
        return int(value)
    if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
        return float(value)
    if kind.startswith(("TIMESTAMP", "DATE")):
        return pd.Timestamp(value)
    return value


def check_values(
    con: Any,
    table: ir.Table,
    *,
    label: str,
    source: str | None,
    engine: Engine,
    locate: Callable[[], tuple[ir.Table, Callable[[str], str] | None] | None],
    several_files: bool,
) -> None:
    """Raise one DataContractError listing every value rule the persons break, or return.

    The common case (nothing wrong) costs one aggregate query in the engine (on DuckDB,
    plus the scan of ``person_id`` hashes of :func:`surplus_hashes`). Only when a rule
    fails are the example rows looked up, in a second scan of a table that carries the
    file and row number of each person (``locate``), which also says what messages call
    each file (a file's path below the files' common folder, as on DuckDB).
    """
    checks = _value_checks(table)
    counts, surplus = _count_failures(con, table, checks, engine)
    if not any(counts) and surplus <= 0:
        return
    duplicated: ir.Table | None = None
    duplicate_rows = 0
    if surplus > 0:
        duplicated, duplicate_rows = duplicate_ids(con, table)
    failing_at = [index for index, count in enumerate(counts) if count]
    failing = [(checks[index], counts[index]) for index in failing_at]
    if not failing and not duplicate_rows:
        return  # a hash collision, cleared by the exact look-up

    located = locate()
    examples: list[list[tuple[str | None, int, str | None]]] = [[] for _ in failing]
    duplicate_examples: list[tuple[str | None, int, str | None]] = []
    name_of: Callable[[str], str] | None = None
    if located is not None:
        located_table, name_of = located
        wanted = [(check.broken, check.column) for check in _value_checks(located_table)]
        wanted = [wanted[index] for index in failing_at]
        if duplicate_rows:
            repeated = located_table["person_id"].isin(duplicated["person_id"])  # type: ignore[index]
            wanted.append((repeated.fill_null(False), "person_id"))
        found = _example_rows(con, located_table, wanted)
        examples = found[: len(failing)]
        duplicate_examples = found[len(failing)] if duplicate_rows else []
    failures = [
        Failure(check.column, check.check, check.phrases, count, tuple(rows))
        for (check, count), rows in zip(failing, examples, strict=True)
    ]
    if duplicate_rows:
        failures.append(
            Failure(
                "person_id",
                "unique",
                ("shares a person_id with another row", "share a person_id with another row"),
                duplicate_rows,
                tuple(duplicate_examples),
            )
        )
    no_rows = (
        None
        if located is not None
        else f"{engine} does not give row numbers for this input: run build_cube with "
        "engine='duckdb' on the files, or toolkit.data.read_persons, to list them"
    )
    # Files of one name in different folders told apart, as the locator names them (else
    # by their paths below the common folder of the files shown).
    shown = sorted({file for f in failures for file, _, _ in f.examples if file})
    if name_of is not None:
        names: dict[str, str] | None = {file: name_of(file) for file in shown}
    else:
        names = file_names(shown) if len(shown) > 1 else None
    problems = [
        to_problem(failure, several_files=several_files, no_rows=no_rows, names=names)
        for failure in in_contract_order(failures)
    ]
    raise_problems(problems, label=label, source=source, first_row=2)


__all__ = ["Failure", "check_values", "in_contract_order", "to_problem", "typed"]
