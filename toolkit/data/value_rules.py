"""The value rules of the contract's tables, declared once and translated for every checker.

Each rule (:class:`ValueRule`) names the column a failure is reported against, the check's
short name (its plain-English phrases are in :mod:`toolkit.data.phrases`) and a *test*: a
range, a set of allowed values, a pattern, or a relation to another column. Each kind of
test translates itself three ways, so that the three checkers cannot drift apart:

- :meth:`Test.pandas_fine`: a boolean Series, for the pandera checks of
  :data:`toolkit.data.schemas.PERSONS_SCHEMA` (in-memory frames: ``validate_persons``,
  the notebooks and the report);
- :meth:`Test.sql_broken`: DuckDB SQL, for the checks of files in the engine
  (``pophealth validate``, ``build_cube`` and ``build_cohort_cube`` on files);
- :meth:`Test.ibis_broken`: an Ibis expression, for DataFrames and Spark tables handed to
  ``build_cube``.

Blanks never break a value rule: whether a column may be blank is the column's own rule
(:data:`toolkit.data.column_rules.PERSONS_RULES`), checked on its own. A rule applies when
every column it reads is present.

Our own code: pandera checks in-memory frames only, and no library generates both pandera
checks and engine SQL from one declaration.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

import numpy as np
import pandas as pd

from toolkit.data.column_rules import LSOA_PATTERN
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    CUBE_MEASURES,
    ESP2013_BANDS,
    SEXES,
)

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from toolkit.data.problems import Problem


def sql_name(name: str) -> str:
    """Quote a name as a DuckDB identifier (the engines' SQL quotes names with this too)."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(text: str) -> str:
    """Quote text as a DuckDB string literal (the engines' SQL quotes text with this too)."""
    return "'" + text.replace("'", "''") + "'"


def without_nan(value: ir.Value) -> ir.Value:
    """Turn float NaN into null (NaN compares above every number in DuckDB and Spark)."""
    import ibis

    if value.type().is_floating():
        return ibis.ifelse(value.isnan(), ibis.null(value.type()), value)
    return value


class Test(ABC):
    """What a rule tests about a column's values, in each checker's language."""

    #: Whether the test compares the whole row (a pandera DataFrame-level check) rather
    #: than the column's values alone.
    row_wise: ClassVar[bool] = False

    @property
    def reads(self) -> tuple[str, ...]:
        """Other columns the test reads (besides the rule's own column)."""
        return ()

    def statistics(self) -> dict[str, Any]:
        """Return what the test allows, as pandera's own checks record it (or nothing)."""
        return {}

    @abstractmethod
    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """Return a Series, true where a value passes (blanks pass); ``frame``: the table."""

    @abstractmethod
    def sql_broken(self, value: str) -> str:
        """Return DuckDB SQL, true where a row breaks the test (null where a value is blank)."""

    @abstractmethod
    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """Return an Ibis expression, true where a row breaks the test.

        ``None`` if the columns' types cannot carry the test (their type is reported on
        its own).
        """


@dataclass(frozen=True)
class InRange(Test):
    """Values from ``low`` to ``high``, both included."""

    low: float
    high: float

    def statistics(self) -> dict[str, Any]:
        """See :meth:`Test.statistics`."""
        return {"min_value": self.low, "max_value": self.high, "include_min": True,
                "include_max": True}  # fmt: skip

    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """See :meth:`Test.pandas_fine`."""
        return (values >= self.low) & (values <= self.high)

    def sql_broken(self, value: str) -> str:
        """See :meth:`Test.sql_broken`."""
        return f"{value} < {self.low:g} OR {value} > {self.high:g}"

    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """See :meth:`Test.ibis_broken`."""
        if not value.type().is_numeric():
            return None
        value = without_nan(value)
        return (value < self.low) | (value > self.high)


@dataclass(frozen=True)
class AtLeast(Test):
    """Values of ``low`` or more."""

    low: float

    def statistics(self) -> dict[str, Any]:
        """See :meth:`Test.statistics`."""
        return {"min_value": self.low}

    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """See :meth:`Test.pandas_fine`."""
        return values >= self.low

    def sql_broken(self, value: str) -> str:
        """See :meth:`Test.sql_broken`."""
        return f"{value} < {self.low:g}"

    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """See :meth:`Test.ibis_broken`."""
        if not value.type().is_numeric():
            return None
        return without_nan(value) < self.low


@dataclass(frozen=True)
class Finite(Test):
    """No infinite values (written so that DuckDB can settle it from Parquet statistics)."""

    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """See :meth:`Test.pandas_fine`."""
        return ~np.isinf(values)

    def sql_broken(self, value: str) -> str:
        """See :meth:`Test.sql_broken`."""
        return f"{value} = 'inf'::DOUBLE OR {value} = '-inf'::DOUBLE"

    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """See :meth:`Test.ibis_broken`."""
        if not value.type().is_numeric():
            return None
        import ibis

        return value.isinf() if value.type().is_floating() else ibis.literal(False)


@dataclass(frozen=True)
class OneOf(Test):
    """Text from a fixed list."""

    values: tuple[str, ...]

    def statistics(self) -> dict[str, Any]:
        """See :meth:`Test.statistics`."""
        return {"allowed_values": list(self.values)}

    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """See :meth:`Test.pandas_fine`."""
        return values.isin(list(self.values))

    def sql_broken(self, value: str) -> str:
        """See :meth:`Test.sql_broken`."""
        return f"{value} NOT IN ({', '.join(sql_text(text) for text in self.values)})"

    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """See :meth:`Test.ibis_broken`."""
        if not value.type().is_string():
            value = value.cast("string")
        return value.notnull() & ~value.isin(list(self.values))


@dataclass(frozen=True)
class Matches(Test):
    """Text matching a regular expression, written as a glob too for DuckDB's speed.

    ``glob`` must accept exactly what ``pattern`` accepts (a test checks it on a corpus).
    """

    pattern: str
    glob: str

    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """See :meth:`Test.pandas_fine`."""
        return values.astype(str).str.match(self.pattern)

    def sql_broken(self, value: str) -> str:
        """See :meth:`Test.sql_broken`."""
        return f"NOT {value} GLOB {sql_text(self.glob)}"

    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """See :meth:`Test.ibis_broken`."""
        if not value.type().is_string():
            return None
        return ~value.re_search(self.pattern)


@dataclass(frozen=True)
class Across(Test):
    """A test of a value against the same row's ``other`` column (a blank in either passes).

    Subclasses say how the two compare in each language (``_fine``, ``_sql``, ``_ibis``)
    and which column types the Ibis translation needs (``_types_fit``).
    """

    other: str
    row_wise: ClassVar[bool] = True

    @property
    def reads(self) -> tuple[str, ...]:
        """See :attr:`Test.reads`."""
        return (self.other,)

    def pandas_fine(self, values: pd.Series, frame: pd.DataFrame | None = None) -> pd.Series:
        """See :meth:`Test.pandas_fine`."""
        if frame is None:
            raise ValueError(f"{type(self).__name__} compares columns: give the frame")
        return self._fine(values, frame[self.other])

    def sql_broken(self, value: str) -> str:
        """See :meth:`Test.sql_broken`."""
        return self._sql(value, sql_name(self.other))

    def ibis_broken(self, value: ir.Value, table: ir.Table) -> ir.BooleanValue | None:
        """See :meth:`Test.ibis_broken`."""
        other = table[self.other]
        return self._ibis(value, other) if self._types_fit(value, other) else None

    @abstractmethod
    def _fine(self, values: pd.Series, other: pd.Series) -> pd.Series: ...

    @abstractmethod
    def _sql(self, value: str, other: str) -> str: ...

    @abstractmethod
    def _ibis(self, value: ir.Value, other: ir.Value) -> ir.BooleanValue: ...

    @abstractmethod
    def _types_fit(self, value: ir.Value, other: ir.Value) -> bool: ...


class OnlyIf(Across):
    """A value given only where the yes/no column ``other`` is true."""

    def _fine(self, values: pd.Series, other: pd.Series) -> pd.Series:
        return values.isna() | other.fillna(True).astype(bool)

    def _sql(self, value: str, other: str) -> str:
        return f"{value} IS NOT NULL AND NOT {other}"

    def _ibis(self, value: ir.Value, other: ir.Value) -> ir.BooleanValue:
        return value.notnull() & ~other

    def _types_fit(self, value: ir.Value, other: ir.Value) -> bool:
        return other.type().is_boolean()


class TrueOnlyWith(Across):
    """A yes/no value true only where the yes/no column ``other`` is true."""

    def _fine(self, values: pd.Series, other: pd.Series) -> pd.Series:
        true = values.astype("boolean").fillna(False).astype(bool)
        return ~true | other.astype("boolean").fillna(True).astype(bool)

    def _sql(self, value: str, other: str) -> str:
        return f"{value} AND NOT {other}"

    def _ibis(self, value: ir.Value, other: ir.Value) -> ir.BooleanValue:
        return value & ~other

    def _types_fit(self, value: ir.Value, other: ir.Value) -> bool:
        return value.type().is_boolean() and other.type().is_boolean()


#: For each comparison a breaking value makes with the other column (``">"`` or ``"<"``):
#: the comparison a passing value makes, and the breaking one.
_COMPARISONS: Final[dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]]] = {
    ">": (operator.le, operator.gt),
    "<": (operator.ge, operator.lt),
}


class _Ordered(Across):
    """Values on one side of the same row's ``other`` value (numbers, or dates).

    Subclasses set ``_broken_sign``, how a breaking value compares with ``other`` (``">"``
    or ``"<"``), and ``_dates``, whether both columns are dates rather than numbers.
    """

    _broken_sign: ClassVar[Literal[">", "<"]]
    _dates: ClassVar[bool] = False

    def _fine(self, values: pd.Series, other: pd.Series) -> pd.Series:
        passes, _ = _COMPARISONS[self._broken_sign]
        return values.isna() | other.isna() | passes(values, other)

    def _sql(self, value: str, other: str) -> str:
        return f"{value} {self._broken_sign} {other}"

    def _ibis(self, value: ir.Value, other: ir.Value) -> ir.BooleanValue:
        _, breaks = _COMPARISONS[self._broken_sign]
        return breaks(without_nan(value), without_nan(other))

    def _types_fit(self, value: ir.Value, other: ir.Value) -> bool:
        if self._dates:
            return value.type().is_temporal() and other.type().is_temporal()
        return value.type().is_numeric() and other.type().is_numeric()


class NotAbove(_Ordered):
    """Values no greater than the same row's ``other`` number."""

    _broken_sign = ">"


class NotBelow(_Ordered):
    """Values no smaller than the same row's ``other`` number."""

    _broken_sign = "<"


class NotBefore(_Ordered):
    """Dates no earlier than the same row's ``other`` date."""

    _broken_sign = "<"
    _dates = True


@dataclass(frozen=True)
class ValueRule:
    """One value rule of the persons contract.

    Parameters
    ----------
    column : str
        The column a failure is reported against (and whose value is shown).
    check : str
        The check's short name, as in ``DataContractError.failures``; its phrases are
        those :mod:`toolkit.data.phrases` records under this name.
    test : Test
        What the rule tests.
    """

    column: str
    check: str
    test: Test

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the rule reads: its own, then the test's others."""
        return (self.column, *self.test.reads)

    def applies_to(self, columns: Sequence[str]) -> bool:
        """Whether every column the rule reads is among ``columns``."""
        present = set(columns)
        return all(name in present for name in self.columns)


#: The check of causes of death against the contract's list: the readers and ``pophealth
#: validate`` make it; the cubes do not (they count any other cause as "other").
CAUSE_LIST_CHECK: Final[str] = "isin(CAUSES_OF_DEATH)"

#: LSOA codes as a DuckDB glob: what :data:`LSOA_PATTERN` accepts.
LSOA_GLOB: Final[str] = "[EW]01[0-9][0-9][0-9][0-9][0-9][0-9]"


#: Ages the contract accepts, in whole years (both included).
AGE_RANGE: Final[tuple[int, int]] = (0, 120)


def _persons_value_rules() -> tuple[ValueRule, ...]:
    rules = [
        ValueRule("age", "in_range(0, 120)", InRange(*AGE_RANGE)),
        ValueRule("sex", "isin(F, M)", OneOf(SEXES)),
        ValueRule("lsoa", "lsoa_code", Matches(LSOA_PATTERN, LSOA_GLOB)),
        ValueRule("imd_decile", "in_range(1, 10)", InRange(1, 10)),
        ValueRule("efi", "in_range(0, 1)", InRange(0, 1)),
    ]
    for name in ACTIVITY_COLUMNS:
        rules.append(ValueRule(name, "greater_than_or_equal_to(0)", AtLeast(0)))
    rules.append(ValueRule("cost_gbp", "greater_than_or_equal_to(0)", AtLeast(0)))
    rules.append(ValueRule("cost_gbp", "finite", Finite()))
    rules.append(ValueRule("cause_of_death", "isin(CAUSES_OF_DEATH)", OneOf(CAUSES_OF_DEATH)))
    for name in CAUSE_ADMISSION_COLUMNS:
        rules.append(ValueRule(name, "greater_than_or_equal_to(0)", AtLeast(0)))
    # Rules across columns, in the order the checkers report them.
    rules += [
        ValueRule("cause_of_death", "cause_only_if_died", OnlyIf("died")),
        ValueRule("date_of_death", "date_of_death_only_if_died", OnlyIf("died")),
        ValueRule("date_of_death", "date_of_death_after_birth", NotBefore("date_of_birth")),
        ValueRule(
            "bp_controlled", "bp_controlled_only_with_hypertension", TrueOnlyWith("hypertension")
        ),
    ]
    for name in CAUSE_ADMISSION_COLUMNS:
        rules.append(
            ValueRule(
                name, f"{name}_at_most_emergency_admissions", NotAbove("emergency_admissions")
            )
        )
    return tuple(rules)


#: The value rules of the persons contract, in the order their failures are reported
#: within a column; rules within one column before the rules across columns.
PERSONS_VALUE_RULES: Final[tuple[ValueRule, ...]] = _persons_value_rules()


def _cube_value_rules() -> tuple[ValueRule, ...]:
    rules = [
        ValueRule("age_band", "isin(ESP2013_BANDS)", OneOf(ESP2013_BANDS)),
        ValueRule("sex", "isin(F, M)", OneOf(SEXES)),
        ValueRule("imd_decile", "in_range(1, 10)", InRange(1, 10)),
    ]
    for name in CUBE_MEASURES:
        rules.append(ValueRule(name, "greater_than_or_equal_to(0)", AtLeast(0)))
        if name == "cost_gbp":
            rules.append(ValueRule(name, "finite", Finite()))
    rules.append(ValueRule("deaths", "deaths_at_most_persons", NotAbove("persons")))
    for activity in ACTIVITY_COLUMNS:
        with_column = f"persons_with_{activity}"
        rules.append(ValueRule(with_column, f"{with_column}_at_most_persons", NotAbove("persons")))
        rules.append(
            ValueRule(activity, f"{activity}_at_least_persons_with", NotBelow(with_column))
        )
    return tuple(rules)


#: The value rules of the cube (one row per cell), in the same order: each measure's own
#: rules, then the rules across measures.
CUBE_VALUE_RULES: Final[tuple[ValueRule, ...]] = _cube_value_rules()


def value_rules_of(
    column: str, *, row_wise: bool, rules: Sequence[ValueRule] = PERSONS_VALUE_RULES
) -> tuple[ValueRule, ...]:
    """Return the rules reported against ``column``, within the column or across columns.

    ``rules`` is the table's declaration: :data:`PERSONS_VALUE_RULES` (the default) or
    :data:`CUBE_VALUE_RULES`.
    """
    return tuple(rule for rule in rules if rule.column == column and rule.test.row_wise == row_wise)


def value_problems(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    table: Literal["persons", "cube"],
    first_row: int,
) -> list[Problem]:
    """Check some columns of an in-memory table against the contract, without pandera.

    For a function that takes part of a table (a cube with the measures it needs): each of
    ``columns`` that the contract knows must read as its kind (numbers, whole numbers), be
    given where it may not be blank, and keep its value rules; the rules across columns
    apply where all their columns are among ``columns``. Worded as the readers word the
    same failures (:mod:`toolkit.data.phrases`), rows numbered from ``first_row``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; never changed.
    columns : sequence of str
        The columns to check (present in ``frame``).
    table : {"persons", "cube"}
        Whose contract: the persons' or the segment cube's (a cohort cube's measures follow
        the segment cube's).
    first_row : int
        The spreadsheet row of the table's first row.

    Returns
    -------
    list of Problem
        One per column and check that fails, in the order of the columns, then the rules
        across columns.
    """
    from toolkit.data.column_rules import CUBE_RULES, PERSONS_RULES
    from toolkit.data.phrases import BUILTIN_PHRASES, UNREADABLE_PHRASES, phrases_of
    from toolkit.data.problems import row_problem

    rules = CUBE_VALUE_RULES if table == "cube" else PERSONS_VALUE_RULES
    column_rules = CUBE_RULES if table == "cube" else PERSONS_RULES
    problems: list[Problem] = []

    def add(column: str, check: str, phrases: tuple[str, str], bad: pd.Series, show: bool) -> None:
        positions = np.flatnonzero(bad.to_numpy(dtype=bool))
        if len(positions):
            shown = frame[column].iloc[positions].tolist() if show else None
            problems.append(row_problem(column, check, phrases, positions, shown, first_row))

    read: dict[str, pd.Series] = {}
    for column in columns:
        rule = column_rules.get(column)
        if rule is None:
            continue
        values = frame[column]
        blank = values.isna()
        if rule.kind in ("whole", "number"):
            values = pd.to_numeric(values, errors="coerce").astype("float64")
            unreadable = ~blank & values.isna()
            if rule.kind == "whole":
                unreadable |= values.notna() & (~np.isfinite(values) | (values % 1 != 0))
            check, plural, singular = UNREADABLE_PHRASES[rule.kind]
            add(column, check, (singular, plural), unreadable, show=True)
            values = values.where(~unreadable)
        if not rule.nullable:
            check, plural, singular = BUILTIN_PHRASES["not_nullable"]
            add(column, check, (singular, plural), blank, show=False)
        read[column] = values
        known = values.notna()
        for value_rule in value_rules_of(column, row_wise=False, rules=rules):
            fine = pd.Series(True, index=values.index)
            fine[known] = value_rule.test.pandas_fine(values[known]).to_numpy(dtype=bool)
            singular, plural = phrases_of(value_rule.check)
            add(column, value_rule.check, (singular, plural), ~fine, show=True)
    given = pd.DataFrame(read)
    for value_rule in rules:
        if value_rule.test.row_wise and value_rule.applies_to(list(read)):
            fine = value_rule.test.pandas_fine(given[value_rule.column], given)
            singular, plural = phrases_of(value_rule.check)
            broken = ~fine.fillna(True).astype(bool)
            add(value_rule.column, value_rule.check, (singular, plural), broken, show=True)
    return problems


__all__ = [
    "CAUSE_LIST_CHECK",
    "CUBE_VALUE_RULES",
    "LSOA_GLOB",
    "PERSONS_VALUE_RULES",
    "Across",
    "AtLeast",
    "Finite",
    "InRange",
    "Matches",
    "NotAbove",
    "NotBefore",
    "NotBelow",
    "OneOf",
    "OnlyIf",
    "Test",
    "TrueOnlyWith",
    "ValueRule",
    "sql_name",
    "sql_text",
    "value_problems",
    "without_nan",
    "value_rules_of",
]
