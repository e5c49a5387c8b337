"""The value rules of the persons contract as SQL, for the DuckDB engines.

:func:`contract_checks` writes one :class:`SqlCheck` per rule of
:data:`toolkit.data.schemas.PERSONS_RULES` (and per row-wise rule across columns), worded
with the readers' phrases, over the standardised rows of
:func:`toolkit.segment._engine_contract.standardise` or the rows read as they stand of
:func:`toolkit.segment._fast_reading.fast_query`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from toolkit.data.contract import ACTIVITY_COLUMNS, CAUSE_ADMISSION_COLUMNS, CAUSES_OF_DEATH, SEXES
from toolkit.data.schemas import PERSONS_RULES, PHRASES, UNREADABLE_PHRASES
from toolkit.segment._engine_sql import LSOA_GLOB, listed, quoted


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


def contract_checks(
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
            add(name, "isin(F, M)", f"{value} NOT IN {listed(SEXES)}", shown_value)
        elif name == "lsoa":
            add(name, "lsoa_code", f"NOT {value} GLOB {LSOA_GLOB}", shown_value)
        elif name == "cause_of_death" and check_causes:
            add(name, "isin(CAUSES_OF_DEATH)", f"{value} NOT IN {listed(CAUSES_OF_DEATH)}",
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
    "SqlCheck",
    "contract_checks",
]
