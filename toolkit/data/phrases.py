"""The plain-English phrases of the data contract's checks.

Every check's pandera ``error`` is a plural phrase; the readers turn "2 rows are outside 0
to 120" into "1 row is outside 0 to 120" with the singular form here (:data:`PHRASES`).
:mod:`toolkit.data.schemas` builds its checks with these phrases, and
:mod:`toolkit.data.validation` and the cube's engines word their problems with them;
:mod:`toolkit.data.schemas` re-exports the tables.
"""

from __future__ import annotations

from typing import Final

from toolkit.data.contract import ACTIVITY_COLUMNS, CAUSE_ADMISSION_COLUMNS, CAUSES_OF_DEATH

#: Plural phrase -> (short check name for ``DataContractError.failures``, singular phrase).
PHRASES: dict[str, tuple[str, str]] = {}


def phrase(check: str, plural: str, singular: str) -> str:
    """Record a check's phrases in :data:`PHRASES`; return the plural (its pandera ``error``)."""
    PHRASES[plural] = (check, singular)
    return plural


NOT_TEXT = phrase("text", "are not text", "is not text")
NOT_DATES = phrase("date", "are not dates", "is not a date")
AGE_RANGE = phrase("in_range(0, 120)", "are outside 0 to 120", "is outside 0 to 120")
DECILE_RANGE = phrase("in_range(1, 10)", "are outside 1 to 10", "is outside 1 to 10")
UNIT_RANGE = phrase("in_range(0, 1)", "are outside 0 to 1", "is outside 0 to 1")
NEGATIVE = phrase("greater_than_or_equal_to(0)", "are below 0", "is below 0")
BELOW_ONE = phrase("greater_than_or_equal_to(1)", "are below 1", "is below 1")
NOT_FINITE = phrase("finite", "are infinite", "is infinite")
NOT_SEX = phrase(
    "isin(F, M)",
    "are not F or M after mapping common codings (1/2, m/f, male/female)",
    "is not F or M after mapping common codings (1/2, m/f, male/female)",
)
NOT_LSOA = phrase(
    "lsoa_code",
    "are not LSOA codes (E01 or W01 followed by 6 digits)",
    "is not an LSOA code (E01 or W01 followed by 6 digits)",
)
NOT_CAUSE = phrase(
    "isin(CAUSES_OF_DEATH)",
    f"are not one of the causes of death {', '.join(CAUSES_OF_DEATH)}",
    f"is not one of the causes of death {', '.join(CAUSES_OF_DEATH)}",
)
NOT_BAND = phrase(
    "isin(ESP2013_BANDS)",
    "are not ESP2013 age bands (0-4, 5-9, ..., 85-89, 90+)",
    "is not an ESP2013 age band (0-4, 5-9, ..., 85-89, 90+)",
)
CAUSE_ALIVE = phrase(
    "cause_only_if_died",
    "give a cause of death for a person who did not die",
    "gives a cause of death for a person who did not die",
)
DATE_ALIVE = phrase(
    "date_of_death_only_if_died",
    "give a date of death for a person who did not die",
    "gives a date of death for a person who did not die",
)
DEATH_BEFORE_BIRTH = phrase(
    "date_of_death_after_birth",
    "have a date of death before the date of birth",
    "has a date of death before the date of birth",
)
NOT_FLAGS = phrase(
    "yes_or_no",
    "are not yes/no values (Y/N, yes/no, 1/0, true/false)",
    "is not a yes/no value (Y/N, yes/no, 1/0, true/false)",
)
BP_WITHOUT_HYPERTENSION = phrase(
    "bp_controlled_only_with_hypertension",
    "are true for a person without hypertension; bp_controlled is only for people on the "
    "hypertension register, so leave it blank for others",
    "is true for a person without hypertension; bp_controlled is only for people on the "
    "hypertension register, so leave it blank for others",
)
NO_AREA_COLUMN = phrase(
    "lsoa_or_imd_decile",
    "have neither an 'lsoa' nor an 'imd_decile' column: give at least one",
    "has neither an 'lsoa' nor an 'imd_decile' column: give at least one",
)
DEATHS_ABOVE = phrase(
    "deaths_at_most_persons",
    "have more deaths than persons",
    "has more deaths than persons",
)
DUPLICATE_CELL = phrase(
    "unique_cells",
    "repeat a combination of segment, age_band, sex, imd_decile and place",
    "repeats a combination of segment, age_band, sex, imd_decile and place",
)


def with_more_than_persons(column: str) -> str:
    """Return the phrase of a cube column with more people than ``persons`` in a cell."""
    return phrase(
        f"{column}_at_most_persons",
        f"have more {column} than persons",
        f"has more {column} than persons",
    )


def more_than_emergency_admissions(column: str) -> str:
    """Return the phrase of a cause-specific admission count above the person's total."""
    return phrase(
        f"{column}_at_most_emergency_admissions",
        f"have more {column} than emergency_admissions, of which they are a part",
        f"has more {column} than emergency_admissions, of which they are a part",
    )


def sum_below_persons_with(activity: str) -> str:
    """Return the phrase of an activity total below the cell's ``persons_with_`` count."""
    return phrase(
        f"{activity}_at_least_persons_with",
        f"have fewer {activity} in total than persons_with_{activity}",
        f"has fewer {activity} in total than persons_with_{activity}",
    )


#: Phrases of pandera's own checks (no ``error`` of ours), keyed by pandera's check name.
BUILTIN_PHRASES: Final[dict[str, tuple[str, str, str]]] = {
    "not_nullable": ("not_blank", "are blank", "is blank"),
    "field_uniqueness": (
        "unique",
        "share a value with another row",
        "shares a value with another row",
    ),
}

#: The table name of each DataFrame-level check: the column its message names.
FRAME_CHECK_COLUMNS: dict[str, str | None] = {
    CAUSE_ALIVE: "cause_of_death",
    BP_WITHOUT_HYPERTENSION: "bp_controlled",
    DATE_ALIVE: "date_of_death",
    DEATH_BEFORE_BIRTH: "date_of_death",
    NO_AREA_COLUMN: None,
    DEATHS_ABOVE: "deaths",
    DUPLICATE_CELL: None,
}
for _column in CAUSE_ADMISSION_COLUMNS:
    FRAME_CHECK_COLUMNS[more_than_emergency_admissions(_column)] = _column
for _activity in ACTIVITY_COLUMNS:
    FRAME_CHECK_COLUMNS[with_more_than_persons(f"persons_with_{_activity}")] = (
        f"persons_with_{_activity}"
    )
    FRAME_CHECK_COLUMNS[sum_below_persons_with(_activity)] = _activity


def phrases_of(check: str) -> tuple[str, str]:
    """Return the (singular, plural) phrases of a check, by its short name."""
    for plural, (name, singular) in PHRASES.items():
        if name == check:
            return singular, plural
    raise KeyError(f"no phrases are recorded for the check {check!r}")


#: What the standardisation of each kind failed to read, as a plural/singular phrase.
UNREADABLE_PHRASES: Final[dict[str, tuple[str, str, str]]] = {
    "whole": ("whole_number", "are not whole numbers", "is not a whole number"),
    "number": ("number", "are not numbers", "is not a number"),
    "flag": (
        "yes_or_no",
        "are not yes/no values (Y/N, yes/no, 1/0, true/false)",
        "is not a yes/no value (Y/N, yes/no, 1/0, true/false)",
    ),
    "date": (
        "date",
        "are not dates in the form dd/mm/yyyy or yyyy-mm-dd",
        "is not a date in the form dd/mm/yyyy or yyyy-mm-dd",
    ),
}

#: What the standardisation failed to read in a money column (``cost_gbp``): numbers, with
#: an optional "£" and commas only between groups of three digits.
_UNREADABLE_MONEY: Final[tuple[str, str, str]] = (
    "number",
    "are not amounts in pounds such as 1250.50 or £1,250.50, with commas only between "
    "groups of three digits",
    "is not an amount in pounds such as 1250.50 or £1,250.50, with commas only between "
    "groups of three digits",
)


def unreadable_phrases(name: str, kind: str) -> tuple[str, str, str]:
    """Return the check, plural and singular phrase for a column's unreadable values.

    Parameters
    ----------
    name : str
        The contract column's name (``cost_gbp`` is money, with words of its own).
    kind : str
        Its kind (a key of :data:`UNREADABLE_PHRASES`).

    Returns
    -------
    tuple of str
        The check's short name and the phrases for several rows and for one.
    """
    return _UNREADABLE_MONEY if name == "cost_gbp" else UNREADABLE_PHRASES[kind]


__all__ = [
    "AGE_RANGE",
    "BELOW_ONE",
    "BP_WITHOUT_HYPERTENSION",
    "BUILTIN_PHRASES",
    "CAUSE_ALIVE",
    "DATE_ALIVE",
    "DEATHS_ABOVE",
    "DEATH_BEFORE_BIRTH",
    "DECILE_RANGE",
    "DUPLICATE_CELL",
    "FRAME_CHECK_COLUMNS",
    "NEGATIVE",
    "NOT_BAND",
    "NOT_CAUSE",
    "NOT_DATES",
    "NOT_FINITE",
    "NOT_FLAGS",
    "NOT_LSOA",
    "NOT_SEX",
    "NOT_TEXT",
    "NO_AREA_COLUMN",
    "PHRASES",
    "UNIT_RANGE",
    "UNREADABLE_PHRASES",
    "more_than_emergency_admissions",
    "phrase",
    "phrases_of",
    "sum_below_persons_with",
    "unreadable_phrases",
    "with_more_than_persons",
]
