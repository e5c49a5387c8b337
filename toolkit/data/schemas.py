"""The data contract: pandera models of the persons, areas and segment cube tables.

Decisions that fix the columns (every stage, and ``toolkit.data.synth``, relies on them)
----------------------------------------------------------------------------------------
``validate_persons``, ``validate_areas`` and ``validate_cube`` (in :mod:`toolkit.data.readers`)
first *standardise* a table (map common codings, turn text into numbers) and then check it
against the pandera schemas below. The table they return has exactly these dtypes:

Persons, one row per person
    - ``person_id``: text, required, never blank, unique. Numbers become text (``123`` ->
      ``"123"``) so that leading zeros in a file are kept.
    - ``age``: ``int64``, required, whole years 0 to 120. If ``age`` is absent but
      ``date_of_birth`` is present, the readers derive age at a ``reference_date`` you give.
    - ``sex``: text ``"F"`` or ``"M"``, required. Readers map ``1``/``2`` (NHS Data Dictionary
      person stated gender code: 1 = male, 2 = female), ``m``/``f``, ``male``/``female`` in any
      case. Anything else (9 "indeterminate", X "not known", blank) is an error: decide how to
      handle those people before loading.
    - ``lsoa``: text, optional, may be blank, LSOA 2011 or 2021 code ``E01`` + 6 digits. Welsh
      ``W01`` codes are accepted (border practices register Welsh residents) but the English
      indices of deprivation do not cover them: the join reports them as unmatched.
    - ``imd_decile``: nullable ``Int64`` 1 to 10 (1 = most deprived), optional, may be blank.
      At least one of ``lsoa`` and ``imd_decile`` must be present as a column.
    - ``place``, ``ethnic_group``: text, optional, may be blank.
    - condition flags (``toolkit.data.contract.CONDITIONS``), ``end_of_life``, ``pregnant``:
      ``bool``, each optional; when present never blank. Readers map Y/N, yes/no, 1/0, true/false.
    - ``efi``: ``float64`` 0 to 1, optional, may be blank (NaN).
    - activity counts (``ACTIVITY_COLUMNS``): ``int64`` >= 0, required, never blank.
    - emergency admissions by cause (``CAUSE_ADMISSION_COLUMNS``: ``emergency_admissions_``
      ``cardiovascular``, ``_respiratory``, ``_falls``, ``_acsc``, ``_alcohol``): ``int64`` >= 0,
      each optional; when present never blank, and never more than the same person's
      ``emergency_admissions`` (each is a subset of them; the causes may overlap, so they need
      not add up to the total).
    - ``smoker``, ``bp_controlled`` (``OPTIONAL_PERSON_FLAGS``): yes/no, each optional, *may* be
      blank (not recorded): ``bool``, or the nullable ``boolean`` when blanks remain. Readers map
      the same codings as for the other flags. ``bp_controlled`` is about people with
      hypertension: when the table has a ``hypertension`` column, ``bp_controlled`` true for a
      person without hypertension is an error (the extract has mixed up the register or the
      flag, and a count of people with controlled blood pressure would be inflated); false or
      blank for them is accepted and kept as it is, and means nothing outside the register.
    - ``cost_gbp``: ``float64`` >= 0, required, never blank ("£1,250.50" is read as 1250.5).
    - ``died``: ``bool``, required.
    - ``cause_of_death``: text from ``CAUSES_OF_DEATH``, optional, blank allowed, only where
      ``died``.
    - ``date_of_birth``, ``date_of_death``: dates (``datetime64``), optional, may be blank; text
      is read as dd/mm/yyyy or yyyy-mm-dd; ``date_of_death`` only where ``died``.
    - any other column is kept unchanged and not checked, except one whose name is a near miss of
      a contract column ("diabtes"), which is an error so that a flag is never lost by a typo.

Areas, one row per LSOA
    ``lsoa`` (text, unique), ``lsoa_name`` (text), ``imd_decile`` (``int64`` 1 to 10) and
    ``place`` (text), required; ``imd_score`` (``float64`` >= 0) and ``population`` (``int64``
    >= 0), optional (File 1 of the indices has neither: decile and rank are enough; the
    readers note what a table without them leaves out); all never blank when present.
    Optional ``imd_rank`` (nullable ``Int64`` >= 1, 1 = most deprived) and ``geometry`` (a
    GeoDataFrame in EPSG:27700).

Segment cube, tidy, one row per cell
    dimensions ``segment`` (text, never blank), ``age_band`` (``ESP2013_BANDS``), ``sex``
    (``"F"``/``"M"``), ``imd_decile`` (nullable ``Int64``: blank is the reported category
    "deprivation unknown"), ``place`` (text; blank is the category "place unknown"); measures
    ``int64`` >= 0 except ``cost_gbp`` (``float64`` >= 0); ``deaths`` and every
    ``persons_with_*`` at most ``persons``; each activity sum at least its ``persons_with_*``;
    unique on the dimensions.

The parts, each its own module (every public name is re-exported here):
:mod:`toolkit.data.column_rules` (the rules and codings), :mod:`toolkit.data.phrases` (the
checks' plain-English phrases), :mod:`toolkit.data.column_checks` (the pandera columns) and
:mod:`toolkit.data.standardise` (raw values to these dtypes); the cross-column checks and
the models themselves are here.

Text columns use pandas' default string dtype (``str`` under pandas 3, ``object`` under pandas
2) with NaN for blanks; leading and trailing spaces are removed and empty text counts as blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd
import pandera.pandas as pa

from toolkit.data import standardise as _standardise
from toolkit.data.column_checks import (
    count_column,
    date_check,
    decile_column,
    finite_check,
    flag_column,
    lsoa_column,
    nullable_flag_column,
    text_column,
)
from toolkit.data.column_rules import (
    AREAS_RULES,
    CUBE_RULES,
    DATE_FORMATS,
    FLAG_CODINGS,
    LSOA_PATTERN,
    PERSONS_RULES,
    SEX_CODINGS,
    ColumnRule,
    Kind,
)
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CONDITIONS,
    CUBE_DIMENSIONS,
    CUBE_MEASURES,
    OPTIONAL_PERSON_FLAGS,
)
from toolkit.data.phrases import (
    BELOW_ONE,
    BUILTIN_PHRASES,
    DUPLICATE_CELL,
    FRAME_CHECK_COLUMNS,
    NEGATIVE,
    NO_AREA_COLUMN,
    PHRASES,
    UNREADABLE_PHRASES,
    phrases_of,
)
from toolkit.data.standardise import *  # noqa: F403 (re-exported: raw values to the contract's dtypes)
from toolkit.data.value_rules import (
    CUBE_VALUE_RULES,
    PERSONS_VALUE_RULES,
    ValueRule,
    value_rules_of,
)

# ---------------------------------------------------------------------------------------------
# DataFrame-level checks (cross-column rules). Each returns True where a row is fine, and
# passes when a column it needs is absent (absence is reported on its own).
# ---------------------------------------------------------------------------------------------


def _value_checks(column: str, rules: Sequence[ValueRule] = PERSONS_VALUE_RULES) -> list[pa.Check]:
    """Return the pandera checks of a column's own value rules (persons by default)."""
    return [
        pa.Check(
            rule.test.pandas_fine,
            name=rule.check,
            error=phrases_of(rule.check)[1],
            statistics=rule.test.statistics(),
        )
        for rule in value_rules_of(column, row_wise=False, rules=rules)
    ]


def _row_check(rule: ValueRule) -> pa.Check:
    """Return the DataFrame-level pandera check of a rule across columns.

    It passes when a column the rule reads is absent (absence is reported on its own).
    """

    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if not rule.applies_to(list(frame.columns)):
            return True
        return rule.test.pandas_fine(frame[rule.column], frame)

    return pa.Check(check, name=rule.check, error=phrases_of(rule.check)[1])


def _has_area_column(frame: pd.DataFrame) -> bool:
    return "lsoa" in frame or "imd_decile" in frame


def _unique_cells(frame: pd.DataFrame) -> pd.Series | bool:
    dimensions = [name for name in CUBE_DIMENSIONS if name in frame]
    if len(dimensions) < len(CUBE_DIMENSIONS):
        return True
    return ~frame.duplicated(subset=dimensions, keep=False)


# ---------------------------------------------------------------------------------------------
# The schemas
# ---------------------------------------------------------------------------------------------


def _persons_schema() -> pa.DataFrameSchema:
    # Value rules come from toolkit.data.value_rules (declared once, translated for the
    # engines too); dtypes, blanks and uniqueness from the columns' own rules.
    columns: dict[str, pa.Column] = {
        "person_id": text_column(unique=True),
        "age": pa.Column("int64", _value_checks("age")),
        "sex": text_column(checks=_value_checks("sex")),
        "lsoa": text_column(required=False, nullable=True, checks=_value_checks("lsoa")),
        "imd_decile": pa.Column(
            "Int64", _value_checks("imd_decile"), required=False, nullable=True
        ),
        "place": text_column(required=False, nullable=True),
        "ethnic_group": text_column(required=False, nullable=True),
    }
    columns.update({name: flag_column(required=False) for name in CONDITIONS})
    columns["efi"] = pa.Column("float64", _value_checks("efi"), required=False, nullable=True)
    columns["end_of_life"] = flag_column(required=False)
    columns["pregnant"] = flag_column(required=False)
    columns.update(
        {name: pa.Column("int64", _value_checks(name), nullable=False) for name in ACTIVITY_COLUMNS}
    )
    columns["cost_gbp"] = pa.Column("float64", _value_checks("cost_gbp"))
    columns["died"] = flag_column(required=True)
    columns["cause_of_death"] = text_column(
        required=False, nullable=True, checks=_value_checks("cause_of_death")
    )
    columns.update(
        {
            name: pa.Column("int64", _value_checks(name), required=False, nullable=False)
            for name in CAUSE_ADMISSION_COLUMNS
        }
    )
    columns.update({name: nullable_flag_column() for name in OPTIONAL_PERSON_FLAGS})
    for name in ("date_of_birth", "date_of_death"):
        columns[name] = pa.Column(None, date_check(), required=False, nullable=True)
    checks = [
        pa.Check(_has_area_column, name="lsoa_or_imd_decile", error=NO_AREA_COLUMN),
        *(_row_check(rule) for rule in PERSONS_VALUE_RULES if rule.test.row_wise),
    ]
    return pa.DataFrameSchema(columns, checks=checks, name="persons", strict=False, coerce=False)


def _areas_schema() -> pa.DataFrameSchema:
    columns = {
        "lsoa": lsoa_column(required=True, nullable=False, unique=True),
        "lsoa_name": text_column(),
        "imd_score": pa.Column(
            "float64", [pa.Check.ge(0, error=NEGATIVE), finite_check()], required=False
        ),
        "imd_decile": decile_column(required=True, nullable=False),
        "population": count_column(required=False),
        "place": text_column(),
        "imd_rank": pa.Column(
            "Int64", pa.Check.ge(1, error=BELOW_ONE), required=False, nullable=True
        ),
    }
    return pa.DataFrameSchema(columns, name="areas", strict=False, coerce=False)


def _cube_schema() -> pa.DataFrameSchema:
    rules = CUBE_VALUE_RULES
    columns: dict[str, pa.Column] = {
        "segment": text_column(),
        "age_band": text_column(checks=_value_checks("age_band", rules)),
        "sex": text_column(checks=_value_checks("sex", rules)),
        "imd_decile": pa.Column(
            "Int64", _value_checks("imd_decile", rules), required=True, nullable=True
        ),
        "place": text_column(nullable=True),
    }
    for name in CUBE_MEASURES:
        dtype = "float64" if name == "cost_gbp" else "int64"
        columns[name] = pa.Column(dtype, _value_checks(name, rules), nullable=False)
    checks = [
        pa.Check(_unique_cells, name="unique_cells", error=DUPLICATE_CELL),
        *(_row_check(rule) for rule in rules if rule.test.row_wise),
    ]
    return pa.DataFrameSchema(columns, checks=checks, name="cube", strict=False, coerce=False)


#: The persons contract (one row per person). Validate with
#: :func:`toolkit.data.readers.validate_persons`, which standardises codings first.
PERSONS_SCHEMA: Final[pa.DataFrameSchema] = _persons_schema()

#: The areas contract (one row per LSOA).
AREAS_SCHEMA: Final[pa.DataFrameSchema] = _areas_schema()

#: The tidy segment cube contract.
CUBE_SCHEMA: Final[pa.DataFrameSchema] = _cube_schema()


__all__ = [
    "AREAS_RULES",
    "AREAS_SCHEMA",
    "BUILTIN_PHRASES",
    "CUBE_RULES",
    "CUBE_SCHEMA",
    "DATE_FORMATS",
    "FLAG_CODINGS",
    "FRAME_CHECK_COLUMNS",
    "LSOA_PATTERN",
    "PERSONS_RULES",
    "PERSONS_SCHEMA",
    "PHRASES",
    "SEX_CODINGS",
    "UNREADABLE_PHRASES",
    "ColumnRule",
    "Kind",
    *_standardise.__all__,
]
