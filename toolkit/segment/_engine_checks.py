"""The value rules of the persons contract as SQL, for the DuckDB engines.

:func:`contract_checks` writes one :class:`SqlCheck` per rule of
:data:`toolkit.data.schemas.PERSONS_RULES` (whether a value reads, whether it may be blank)
and of :data:`toolkit.data.value_rules.PERSONS_VALUE_RULES` (translated by the rules
themselves, as they are for pandera), worded with the readers' phrases, over the
standardised rows of :func:`toolkit.segment._engine_contract.standardise` or the rows
read as they stand of :func:`toolkit.segment._fast_reading.fast_query`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from toolkit.data.phrases import phrases_of, unreadable_phrases
from toolkit.data.schemas import PERSONS_RULES, UNREADABLE_PHRASES
from toolkit.data.value_rules import CAUSE_LIST_CHECK, PERSONS_VALUE_RULES, value_rules_of
from toolkit.segment._engine_sql import quoted

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
        phrases = _BLANK if check == "not_blank" else phrases_of(check)
        checks.append(SqlCheck(column, check, phrases, f"COALESCE({broken}, false)", shown))

    here = set(present)
    for name in PERSONS_RULES:
        if name not in here:
            continue
        rule = PERSONS_RULES[name]
        value = quoted(name)  # shown in its own type: the caller shows it as the readers do
        bad = bad_of[name]
        if rule.kind in UNREADABLE_PHRASES:
            check, plural, singular = unreadable_phrases(name, rule.kind)
            checks.append(SqlCheck(name, check, (singular, plural), bad, shown_of[name]))
        if not rule.nullable:
            add(name, "not_blank", f"{value} IS NULL AND NOT {bad}", None)
        for value_rule in value_rules_of(name, row_wise=False):
            if value_rule.check == CAUSE_LIST_CHECK and not check_causes:
                continue
            add(name, value_rule.check, value_rule.test.sql_broken(value), value)
    # The rules across columns (pandera's DataFrame-level checks).
    for value_rule in PERSONS_VALUE_RULES:
        if value_rule.test.row_wise and value_rule.applies_to(present):
            value = quoted(value_rule.column)
            add(value_rule.column, value_rule.check, value_rule.test.sql_broken(value), value)
    return checks


__all__ = [
    "SqlCheck",
    "contract_checks",
]
