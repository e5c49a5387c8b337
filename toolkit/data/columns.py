"""Column names: which contract column each of a table's columns is read as.

Names are matched ignoring case, surrounding spaces, and spaces or hyphens in place of
underscores ("GP Appointments" is ``gp_appointments``). :func:`contract_column_names` is
the matching every reader and the cube's file scan use; :func:`persons_column_problems`
checks a persons header on its own. The steps (:func:`column_problems`,
:func:`duplicate_name_problems`) word what is wrong with the names as problems of
:mod:`toolkit.data.problems`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from toolkit.data.problems import Problem
from toolkit.data.schemas import AREAS_RULES, CUBE_RULES, PERSONS_RULES, ColumnRule

Table = Literal["persons", "areas", "cube"]

#: How alike (difflib ratio) a column name must be to a contract name to be a near miss.
NEAR_MISS: Final[float] = 0.75

#: Stems shared by a family of contract names. An unknown column that starts with one is
#: compared with the family on what follows the stem, so that an extra column such as
#: "emergency_admissions_cancer" is not taken for a misspelt "emergency_admissions_acsc",
#: while "emergency_admissions_fals" still is a near miss of "emergency_admissions_falls".
NAME_STEMS: Final[tuple[str, ...]] = ("emergency_admissions_",)

RULES: Final[dict[str, dict[str, ColumnRule]]] = {
    "persons": PERSONS_RULES,
    "areas": AREAS_RULES,
    "cube": CUBE_RULES,
}


def normalise_name(name: Any) -> str:
    """Return a column name as matched: lower case, trimmed, spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def contract_names(columns: Sequence[Any], rules: Mapping[str, ColumnRule]) -> dict[Any, str]:
    """Map each column to its contract name where it is one (ignoring case and spacing)."""
    renamed: dict[Any, str] = {}
    for column in columns:
        normalised = normalise_name(column)
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
    return contract_names(columns, RULES[table])


def persons_column_problems(columns: Sequence[Any], *, derive_age: bool = False) -> list[str]:
    """Return what is wrong with a persons table's column names alone, as sentences.

    The checks of :func:`toolkit.data.validate_persons` that need only the header: two columns read
    as the same contract name, a required column missing (with a near miss suggested),
    an unknown column that looks like a misspelt contract name, and neither an ``lsoa``
    nor an ``imd_decile`` column. An empty list means the header is acceptable; the
    values may still be wrong.

    Parameters
    ----------
    columns : sequence
        Column names as found.
    derive_age : bool, default False
        Whether age is derived from ``date_of_birth`` (a reference date was given): then a
        table with ``date_of_birth`` and no ``age`` lacks nothing.

    Returns
    -------
    list of str
        One sentence per problem, worded as in the readers' messages.
    """
    renamed = contract_names(list(columns), PERSONS_RULES)
    problems = duplicate_name_problems(list(columns), renamed)
    names = [renamed[column] for column in columns]
    problems += column_problems(names, PERSONS_RULES, table="persons", derive_age=derive_age)
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


def column_problems(
    names: Sequence[str],
    rules: Mapping[str, ColumnRule],
    *,
    table: Table,
    derive_age: bool,
) -> list[Problem]:
    """Return the missing required columns and the near misses among unknown ones."""
    problems: list[Problem] = []
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
                "column 'age' is missing. The table has 'date_of_birth': give the date at "
                "which to count age to derive age from it: --reference-date YYYY-MM-DD on the "
                "command line (validate, cube, candidates, report, monitor), "
                'reference_date = "YYYY-MM-DD" in the configuration of a board report or a '
                "quarterly update, "
                'reference_date="YYYY-MM-DD" in Python.'
            )
        else:
            sentence = f"column '{name}' is missing."
            close = difflib.get_close_matches(name, unknown, n=1, cutoff=NEAR_MISS)
            if close:
                explained.add(close[0])
                sentence += f" The table has '{close[0]}': did you mean '{name}'?"
        problems.append(Problem(column=name, check="column_present", sentence=sentence))
    absent_optional = [name for name, rule in rules.items() if name not in present]
    for name in unknown:
        if name in explained:
            continue
        close = _near_miss(normalise_name(name), absent_optional)
        if close:
            problems.append(
                Problem(
                    column=name,
                    check="known_column",
                    sentence=(
                        f"column '{name}' is not in the {table} contract: did you mean "
                        f"'{close}'? Rename it so that it is checked and used."
                    ),
                )
            )
    return problems


def duplicate_name_problems(original: Sequence[Any], renamed: Mapping[Any, str]) -> list[Problem]:
    """Return a problem for each contract name that two columns are read as."""
    seen: dict[str, list[str]] = {}
    for column in original:
        seen.setdefault(renamed[column], []).append(str(column))
    problems = []
    for name, sources in seen.items():
        if len(sources) > 1:
            listed = " and ".join(f"'{source}'" for source in sources)
            problems.append(
                Problem(
                    column=name,
                    check="unique_column",
                    sentence=f"column '{name}' appears more than once ({listed}): keep one.",
                )
            )
    return problems


__all__ = ["contract_column_names", "persons_column_problems"]
