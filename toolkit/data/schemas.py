"""The data contract: pandera models of the persons, areas and cohort cube tables.

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

Cube, tidy, one row per cell
    dimensions ``segment`` (text, never blank), ``age_band`` (``ESP2013_BANDS``), ``sex``
    (``"F"``/``"M"``), ``imd_decile`` (nullable ``Int64``: blank is the reported category
    "deprivation unknown"), ``place`` (text; blank is the category "place unknown"); measures
    ``int64`` >= 0 except ``cost_gbp`` (``float64`` >= 0); ``deaths`` and every
    ``persons_with_*`` at most ``persons``; each activity sum at least its ``persons_with_*``;
    unique on the dimensions.

Text columns use pandas' default string dtype (``str`` under pandas 3, ``object`` under pandas
2) with NaN for blanks; leading and trailing spaces are removed and empty text counts as blank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    CONDITIONS,
    CUBE_DIMENSIONS,
    CUBE_MEASURES,
    ESP2013_BANDS,
    OPTIONAL_PERSON_FLAGS,
    SEXES,
)

#: LSOA codes the contract accepts: English (E01) or Welsh (W01), 2011 or 2021.
LSOA_PATTERN: Final[str] = r"^[EW]01\d{6}$"

#: Codings of sex that readers map to the contract's ``F``/``M`` (lower-cased, trimmed).
SEX_CODINGS: Final[dict[str, str]] = {
    "f": "F",
    "female": "F",
    "2": "F",
    "2.0": "F",
    "m": "M",
    "male": "M",
    "1": "M",
    "1.0": "M",
}

#: Codings of yes/no flags that readers map to ``True``/``False`` (lower-cased, trimmed).
FLAG_CODINGS: Final[dict[str, bool]] = {
    "y": True,
    "yes": True,
    "true": True,
    "t": True,
    "1": True,
    "1.0": True,
    "n": False,
    "no": False,
    "false": False,
    "f": False,
    "0": False,
    "0.0": False,
}

#: Date layouts read from text, tried in this order (UK day first, then ISO).
DATE_FORMATS: Final[tuple[str, ...]] = ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")

Kind = Literal["id", "text", "whole", "number", "flag", "sex", "lsoa", "cause", "band", "date"]

_PANDAS_3: Final[bool] = int(pd.__version__.split(".")[0]) >= 3


@dataclass(frozen=True)
class ColumnRule:
    """How one contract column is standardised and checked.

    Parameters
    ----------
    kind : str
        How raw values are read: ``"id"`` and ``"text"`` (text), ``"whole"`` (whole
        numbers), ``"number"``, ``"flag"`` (yes/no), ``"sex"``, ``"lsoa"``, ``"cause"``,
        ``"band"`` (an ESP2013 age band) or ``"date"``.
    required : bool
        Whether the column must be present.
    nullable : bool
        Whether a value may be blank.
    """

    kind: Kind
    required: bool
    nullable: bool


def _persons_rules() -> dict[str, ColumnRule]:
    rules: dict[str, ColumnRule] = {
        "person_id": ColumnRule("id", True, False),
        "age": ColumnRule("whole", True, False),
        "sex": ColumnRule("sex", True, False),
        "lsoa": ColumnRule("lsoa", False, True),
        "imd_decile": ColumnRule("whole", False, True),
        "place": ColumnRule("text", False, True),
        "ethnic_group": ColumnRule("text", False, True),
    }
    rules.update({name: ColumnRule("flag", False, False) for name in CONDITIONS})
    rules["efi"] = ColumnRule("number", False, True)
    rules["end_of_life"] = ColumnRule("flag", False, False)
    rules["pregnant"] = ColumnRule("flag", False, False)
    rules.update({name: ColumnRule("whole", True, False) for name in ACTIVITY_COLUMNS})
    rules["cost_gbp"] = ColumnRule("number", True, False)
    rules["died"] = ColumnRule("flag", True, False)
    rules["cause_of_death"] = ColumnRule("cause", False, True)
    rules.update({name: ColumnRule("whole", False, False) for name in CAUSE_ADMISSION_COLUMNS})
    rules.update({name: ColumnRule("flag", False, True) for name in OPTIONAL_PERSON_FLAGS})
    rules["date_of_birth"] = ColumnRule("date", False, True)
    rules["date_of_death"] = ColumnRule("date", False, True)
    return rules


#: Standardisation rules of the persons table, in the contract's column order.
PERSONS_RULES: Final[dict[str, ColumnRule]] = _persons_rules()

#: Standardisation rules of the areas table (``geometry`` is handled separately).
AREAS_RULES: Final[dict[str, ColumnRule]] = {
    "lsoa": ColumnRule("lsoa", True, False),
    "lsoa_name": ColumnRule("text", True, False),
    "imd_score": ColumnRule("number", False, False),
    "imd_decile": ColumnRule("whole", True, False),
    "population": ColumnRule("whole", False, False),
    "place": ColumnRule("text", True, False),
    "imd_rank": ColumnRule("whole", False, True),
}

#: Standardisation rules of the cohort cube.
CUBE_RULES: Final[dict[str, ColumnRule]] = {
    "segment": ColumnRule("text", True, False),
    "age_band": ColumnRule("band", True, False),
    "sex": ColumnRule("sex", True, False),
    "imd_decile": ColumnRule("whole", True, True),
    "place": ColumnRule("text", True, True),
    **{
        name: ColumnRule("number" if name == "cost_gbp" else "whole", True, False)
        for name in CUBE_MEASURES
    },
}

#: Columns whose standardised dtype is the nullable ``Int64`` (blank allowed) per table.
_NULLABLE_WHOLE = {"imd_decile", "imd_rank"}

# ---------------------------------------------------------------------------------------------
# Plain-English phrases. Every check's pandera ``error`` is a plural phrase; the readers turn
# "2 rows are outside 0 to 120" into "1 row is outside 0 to 120" with the singular form here.
# ---------------------------------------------------------------------------------------------

#: Plural phrase -> (short check name for ``DataContractError.failures``, singular phrase).
PHRASES: dict[str, tuple[str, str]] = {}


def _phrase(check: str, plural: str, singular: str) -> str:
    PHRASES[plural] = (check, singular)
    return plural


_NOT_TEXT = _phrase("text", "are not text", "is not text")
_NOT_DATES = _phrase("date", "are not dates", "is not a date")
_AGE_RANGE = _phrase("in_range(0, 120)", "are outside 0 to 120", "is outside 0 to 120")
_DECILE_RANGE = _phrase("in_range(1, 10)", "are outside 1 to 10", "is outside 1 to 10")
_UNIT_RANGE = _phrase("in_range(0, 1)", "are outside 0 to 1", "is outside 0 to 1")
_NEGATIVE = _phrase("greater_than_or_equal_to(0)", "are below 0", "is below 0")
_BELOW_ONE = _phrase("greater_than_or_equal_to(1)", "are below 1", "is below 1")
_NOT_FINITE = _phrase("finite", "are infinite", "is infinite")
_NOT_SEX = _phrase(
    "isin(F, M)",
    "are not F or M after mapping common codings (1/2, m/f, male/female)",
    "is not F or M after mapping common codings (1/2, m/f, male/female)",
)
_NOT_LSOA = _phrase(
    "lsoa_code",
    "are not LSOA codes (E01 or W01 followed by 6 digits)",
    "is not an LSOA code (E01 or W01 followed by 6 digits)",
)
_NOT_CAUSE = _phrase(
    "isin(CAUSES_OF_DEATH)",
    f"are not one of the causes of death {', '.join(CAUSES_OF_DEATH)}",
    f"is not one of the causes of death {', '.join(CAUSES_OF_DEATH)}",
)
_NOT_BAND = _phrase(
    "isin(ESP2013_BANDS)",
    "are not ESP2013 age bands (0-4, 5-9, ..., 85-89, 90+)",
    "is not an ESP2013 age band (0-4, 5-9, ..., 85-89, 90+)",
)
_CAUSE_ALIVE = _phrase(
    "cause_only_if_died",
    "give a cause of death for a person who did not die",
    "gives a cause of death for a person who did not die",
)
_DATE_ALIVE = _phrase(
    "date_of_death_only_if_died",
    "give a date of death for a person who did not die",
    "gives a date of death for a person who did not die",
)
_DEATH_BEFORE_BIRTH = _phrase(
    "date_of_death_after_birth",
    "have a date of death before the date of birth",
    "has a date of death before the date of birth",
)
_NOT_FLAGS = _phrase(
    "yes_or_no",
    "are not yes/no values (Y/N, yes/no, 1/0, true/false)",
    "is not a yes/no value (Y/N, yes/no, 1/0, true/false)",
)
_BP_WITHOUT_HYPERTENSION = _phrase(
    "bp_controlled_only_with_hypertension",
    "are true for a person without hypertension; bp_controlled is only for people on the "
    "hypertension register, so leave it blank for others",
    "is true for a person without hypertension; bp_controlled is only for people on the "
    "hypertension register, so leave it blank for others",
)
_NO_AREA_COLUMN = _phrase(
    "lsoa_or_imd_decile",
    "have neither an 'lsoa' nor an 'imd_decile' column: give at least one",
    "has neither an 'lsoa' nor an 'imd_decile' column: give at least one",
)
_DEATHS_ABOVE = _phrase(
    "deaths_at_most_persons",
    "have more deaths than persons",
    "has more deaths than persons",
)
_DUPLICATE_CELL = _phrase(
    "unique_cells",
    "repeat a combination of segment, age_band, sex, imd_decile and place",
    "repeats a combination of segment, age_band, sex, imd_decile and place",
)


def _with_more_than_persons(column: str) -> str:
    return _phrase(
        f"{column}_at_most_persons",
        f"have more {column} than persons",
        f"has more {column} than persons",
    )


def _more_than_emergency_admissions(column: str) -> str:
    return _phrase(
        f"{column}_at_most_emergency_admissions",
        f"have more {column} than emergency_admissions, of which they are a part",
        f"has more {column} than emergency_admissions, of which they are a part",
    )


def _sum_below_persons_with(activity: str) -> str:
    return _phrase(
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
    _CAUSE_ALIVE: "cause_of_death",
    _BP_WITHOUT_HYPERTENSION: "bp_controlled",
    _DATE_ALIVE: "date_of_death",
    _DEATH_BEFORE_BIRTH: "date_of_death",
    _NO_AREA_COLUMN: None,
    _DEATHS_ABOVE: "deaths",
    _DUPLICATE_CELL: None,
}

# ---------------------------------------------------------------------------------------------
# Column-level checks
# ---------------------------------------------------------------------------------------------


def _is_text_column(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series) or series.isna().all()


def _text_check() -> pa.Check:
    return pa.Check(_is_text_column, name="text", error=_NOT_TEXT)


def _date_check() -> pa.Check:
    return pa.Check(
        lambda series: pd.api.types.is_datetime64_any_dtype(series),
        name="date",
        error=_NOT_DATES,
    )


def _finite_check() -> pa.Check:
    return pa.Check(lambda series: ~np.isinf(series), name="finite", error=_NOT_FINITE)


def _text_column(
    *,
    required: bool = True,
    nullable: bool = False,
    unique: bool = False,
    checks: list[pa.Check] | None = None,
) -> pa.Column:
    return pa.Column(
        None,
        checks=[_text_check(), *(checks or [])],
        required=required,
        nullable=nullable,
        unique=unique,
    )


def _flag_column(*, required: bool) -> pa.Column:
    return pa.Column(bool, required=required, nullable=False)


def _is_flag_column(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series.dtype) or series.isna().all()


def _nullable_flag_column() -> pa.Column:
    # ``bool``, or the nullable ``boolean`` when some values are blank: either dtype passes.
    return pa.Column(
        None,
        pa.Check(_is_flag_column, name="yes_or_no", error=_NOT_FLAGS),
        required=False,
        nullable=True,
    )


def _count_column(*, required: bool = True) -> pa.Column:
    return pa.Column("int64", pa.Check.ge(0, error=_NEGATIVE), required=required, nullable=False)


def _cost_column() -> pa.Column:
    return pa.Column("float64", [pa.Check.ge(0, error=_NEGATIVE), _finite_check()])


def _sex_column() -> pa.Column:
    return _text_column(checks=[pa.Check.isin(list(SEXES), error=_NOT_SEX)])


def _lsoa_column(*, required: bool, nullable: bool, unique: bool = False) -> pa.Column:
    return _text_column(
        required=required,
        nullable=nullable,
        unique=unique,
        checks=[pa.Check.str_matches(LSOA_PATTERN, error=_NOT_LSOA)],
    )


def _decile_column(*, required: bool, nullable: bool) -> pa.Column:
    dtype = "Int64" if nullable else "int64"
    return pa.Column(
        dtype,
        pa.Check.in_range(1, 10, error=_DECILE_RANGE),
        required=required,
        nullable=nullable,
    )


# ---------------------------------------------------------------------------------------------
# DataFrame-level checks (cross-column rules). Each returns True where a row is fine, and
# passes when a column it needs is absent (absence is reported on its own).
# ---------------------------------------------------------------------------------------------


def _cause_only_if_died(frame: pd.DataFrame) -> pd.Series | bool:
    if "cause_of_death" not in frame or "died" not in frame:
        return True
    return frame["cause_of_death"].isna() | frame["died"].fillna(True).astype(bool)


def _date_of_death_only_if_died(frame: pd.DataFrame) -> pd.Series | bool:
    if "date_of_death" not in frame or "died" not in frame:
        return True
    return frame["date_of_death"].isna() | frame["died"].fillna(True).astype(bool)


def _death_not_before_birth(frame: pd.DataFrame) -> pd.Series | bool:
    if "date_of_death" not in frame or "date_of_birth" not in frame:
        return True
    death, birth = frame["date_of_death"], frame["date_of_birth"]
    return death.isna() | birth.isna() | (death >= birth)


def _bp_controlled_only_with_hypertension(frame: pd.DataFrame) -> pd.Series | bool:
    if "bp_controlled" not in frame or "hypertension" not in frame:
        return True
    controlled = frame["bp_controlled"].astype("boolean").fillna(False).astype(bool)
    hypertension = frame["hypertension"].astype("boolean").fillna(True).astype(bool)
    return ~controlled | hypertension


def _at_most_emergency_admissions(column: str) -> Callable[[pd.DataFrame], pd.Series | bool]:
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if column not in frame or "emergency_admissions" not in frame:
            return True
        value, total = frame[column], frame["emergency_admissions"]
        return value.isna() | total.isna() | (value <= total)

    return check


def _has_area_column(frame: pd.DataFrame) -> bool:
    return "lsoa" in frame or "imd_decile" in frame


def _at_most_persons(column: str) -> Callable[[pd.DataFrame], pd.Series | bool]:
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if column not in frame or "persons" not in frame:
            return True
        value, persons = frame[column], frame["persons"]
        return value.isna() | persons.isna() | (value <= persons)

    return check


def _sum_at_least_persons_with(activity: str) -> Callable[[pd.DataFrame], pd.Series | bool]:
    with_column = f"persons_with_{activity}"

    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if activity not in frame or with_column not in frame:
            return True
        total, people = frame[activity], frame[with_column]
        return total.isna() | people.isna() | (total >= people)

    return check


def _unique_cells(frame: pd.DataFrame) -> pd.Series | bool:
    dimensions = [name for name in CUBE_DIMENSIONS if name in frame]
    if len(dimensions) < len(CUBE_DIMENSIONS):
        return True
    return ~frame.duplicated(subset=dimensions, keep=False)


# ---------------------------------------------------------------------------------------------
# The schemas
# ---------------------------------------------------------------------------------------------


def _persons_schema() -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {
        "person_id": _text_column(unique=True),
        "age": pa.Column("int64", pa.Check.in_range(0, 120, error=_AGE_RANGE)),
        "sex": _sex_column(),
        "lsoa": _lsoa_column(required=False, nullable=True),
        "imd_decile": _decile_column(required=False, nullable=True),
        "place": _text_column(required=False, nullable=True),
        "ethnic_group": _text_column(required=False, nullable=True),
    }
    columns.update({name: _flag_column(required=False) for name in CONDITIONS})
    columns["efi"] = pa.Column(
        "float64", pa.Check.in_range(0, 1, error=_UNIT_RANGE), required=False, nullable=True
    )
    columns["end_of_life"] = _flag_column(required=False)
    columns["pregnant"] = _flag_column(required=False)
    columns.update({name: _count_column() for name in ACTIVITY_COLUMNS})
    columns["cost_gbp"] = _cost_column()
    columns["died"] = _flag_column(required=True)
    columns["cause_of_death"] = _text_column(
        required=False,
        nullable=True,
        checks=[pa.Check.isin(list(CAUSES_OF_DEATH), error=_NOT_CAUSE)],
    )
    columns.update({name: _count_column(required=False) for name in CAUSE_ADMISSION_COLUMNS})
    columns.update({name: _nullable_flag_column() for name in OPTIONAL_PERSON_FLAGS})
    for name in ("date_of_birth", "date_of_death"):
        columns[name] = pa.Column(None, _date_check(), required=False, nullable=True)
    checks = [
        pa.Check(_has_area_column, name="lsoa_or_imd_decile", error=_NO_AREA_COLUMN),
        pa.Check(_cause_only_if_died, name="cause_only_if_died", error=_CAUSE_ALIVE),
        pa.Check(_date_of_death_only_if_died, name="date_of_death_only_if_died", error=_DATE_ALIVE),
        pa.Check(_death_not_before_birth, name="death_after_birth", error=_DEATH_BEFORE_BIRTH),
        pa.Check(
            _bp_controlled_only_with_hypertension,
            name="bp_controlled_only_with_hypertension",
            error=_BP_WITHOUT_HYPERTENSION,
        ),
    ]
    for name in CAUSE_ADMISSION_COLUMNS:
        above = _more_than_emergency_admissions(name)
        FRAME_CHECK_COLUMNS[above] = name
        checks.append(
            pa.Check(
                _at_most_emergency_admissions(name),
                name=f"{name}_at_most_emergency_admissions",
                error=above,
            )
        )
    return pa.DataFrameSchema(columns, checks=checks, name="persons", strict=False, coerce=False)


def _areas_schema() -> pa.DataFrameSchema:
    columns = {
        "lsoa": _lsoa_column(required=True, nullable=False, unique=True),
        "lsoa_name": _text_column(),
        "imd_score": pa.Column(
            "float64", [pa.Check.ge(0, error=_NEGATIVE), _finite_check()], required=False
        ),
        "imd_decile": _decile_column(required=True, nullable=False),
        "population": _count_column(required=False),
        "place": _text_column(),
        "imd_rank": pa.Column(
            "Int64", pa.Check.ge(1, error=_BELOW_ONE), required=False, nullable=True
        ),
    }
    return pa.DataFrameSchema(columns, name="areas", strict=False, coerce=False)


def _cube_schema() -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {
        "segment": _text_column(),
        "age_band": _text_column(checks=[pa.Check.isin(list(ESP2013_BANDS), error=_NOT_BAND)]),
        "sex": _sex_column(),
        "imd_decile": _decile_column(required=True, nullable=True),
        "place": _text_column(nullable=True),
    }
    for name in CUBE_MEASURES:
        columns[name] = _cost_column() if name == "cost_gbp" else _count_column()
    checks = [
        pa.Check(_unique_cells, name="unique_cells", error=_DUPLICATE_CELL),
        pa.Check(_at_most_persons("deaths"), name="deaths_at_most_persons", error=_DEATHS_ABOVE),
    ]
    for activity in ACTIVITY_COLUMNS:
        with_column = f"persons_with_{activity}"
        above = _with_more_than_persons(with_column)
        FRAME_CHECK_COLUMNS[above] = with_column
        checks.append(
            pa.Check(_at_most_persons(with_column), name=f"{with_column}_max", error=above)
        )
        below = _sum_below_persons_with(activity)
        FRAME_CHECK_COLUMNS[below] = activity
        checks.append(
            pa.Check(_sum_at_least_persons_with(activity), name=f"{activity}_min", error=below)
        )
    return pa.DataFrameSchema(columns, checks=checks, name="cube", strict=False, coerce=False)


#: The persons contract (one row per person). Validate with
#: :func:`toolkit.data.readers.validate_persons`, which standardises codings first.
PERSONS_SCHEMA: Final[pa.DataFrameSchema] = _persons_schema()

#: The areas contract (one row per LSOA).
AREAS_SCHEMA: Final[pa.DataFrameSchema] = _areas_schema()

#: The tidy cohort cube contract.
CUBE_SCHEMA: Final[pa.DataFrameSchema] = _cube_schema()

# ---------------------------------------------------------------------------------------------
# Standardisation: raw values -> contract dtypes. Each function returns the standardised
# Series and a boolean mask of the rows whose non-blank value could not be read.
# All vectorised: no per-row Python.
# ---------------------------------------------------------------------------------------------


def default_text(values: pd.Series) -> pd.Series:
    """Return ``values`` in pandas' default string dtype, blanks as NaN.

    Parameters
    ----------
    values : pandas.Series
        A Series of the nullable ``string`` dtype.

    Returns
    -------
    pandas.Series
        ``str`` dtype under pandas 3, ``object`` under pandas 2.
    """
    if _PANDAS_3:
        return values.astype("str")
    return values.astype(object).where(values.notna(), np.nan)


def _as_string(values: pd.Series) -> pd.Series:
    """Trimmed nullable text of any Series; whole floats lose their ``.0``; blank -> NA."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if len(finite) and bool((finite % 1 == 0).all()) and bool(np.isfinite(finite).all()):
            values = values.astype("Int64")
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def blank_mask(values: pd.Series) -> pd.Series:
    """Return True where a raw value is blank (missing, or only spaces).

    Parameters
    ----------
    values : pandas.Series
        Raw values of any dtype.

    Returns
    -------
    pandas.Series
        Boolean mask aligned with ``values``.
    """
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        text = values.astype("string").str.strip()
        return (text.isna() | (text == "")).astype(bool)
    return values.isna().astype(bool)


def to_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise text: trim spaces; numbers become text; blank becomes NaN."""
    text = _as_string(values)
    return default_text(text), pd.Series(False, index=values.index)


def to_upper_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise a code such as an LSOA: trimmed, upper case."""
    text = _as_string(values).str.upper()
    return default_text(text), pd.Series(False, index=values.index)


def _parse_numbers(values: pd.Series, *, money: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse raw values to float64 (NaN where blank or unreadable) and the unreadable mask."""
    if pd.api.types.is_bool_dtype(values.dtype):
        text = values.astype("string")
        return pd.Series(np.nan, index=values.index), text.notna()
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64"), pd.Series(False, index=values.index)
    codes, distinct = _distinct(values)
    text = _as_string(distinct)
    if money:
        text = text.str.replace("£", "", regex=False).str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
    unreadable = (text.notna() & numbers.isna()).astype("boolean")
    spread = _spread(numbers, codes, values.index).astype("float64")
    bad = _spread(unreadable, codes, values.index).fillna(False).astype(bool)
    return spread, bad


def to_whole(values: pd.Series, *, nullable: bool) -> tuple[pd.Series, pd.Series]:
    """Standardise whole numbers to ``int64`` (``Int64`` when blanks remain or allowed)."""
    if pd.api.types.is_integer_dtype(values.dtype):
        whole = values.astype("Int64")
        bad = pd.Series(False, index=values.index)
    else:
        numbers, bad = _parse_numbers(values)
        fractional = numbers.notna() & ((numbers % 1 != 0) | ~np.isfinite(numbers))
        bad = bad | fractional
        whole = numbers.mask(bad).astype("Int64")
    if not nullable and not whole.isna().any():
        whole = whole.astype("int64")
    return whole, bad.astype(bool)


def to_number(values: pd.Series, *, money: bool = False) -> tuple[pd.Series, pd.Series]:
    """Standardise numbers to ``float64`` (NaN where blank)."""
    numbers, bad = _parse_numbers(values, money=money)
    return numbers, bad.astype(bool)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values of a column (``pandas.factorize``; blanks get code -1).

    Flags, sex and causes of death take a handful of distinct values: standardising those
    and spreading the result back with the codes replaces a million string operations by a
    few, with the per-row work done in C.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques)


def _spread(distinct: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Spread per-distinct-value results (an extension dtype) back to every row; -1 is NA."""
    return pd.Series(distinct.array.take(codes, allow_fill=True), index=index)


def to_flag(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise yes/no flags to ``bool`` (nullable ``boolean`` while blanks remain)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        flags = values.astype("boolean")
        bad = pd.Series(False, index=values.index)
    else:
        codes, distinct = _distinct(values)
        text = _as_string(distinct).str.lower()
        mapped = text.map(FLAG_CODINGS).astype("boolean")
        unreadable = (text.notna() & mapped.isna()).astype("boolean")
        flags = _spread(mapped, codes, values.index)
        bad = _spread(unreadable, codes, values.index).fillna(False).astype(bool)
    if not flags.isna().any():
        flags = flags.astype(bool)
    return flags, bad


def to_sex(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Map common codings of sex to ``F``/``M``; other values are kept for the report."""
    codes, distinct = _distinct(values)
    text = _as_string(distinct)
    mapped = text.str.lower().map(SEX_CODINGS)
    standard = mapped.where(mapped.notna(), text).astype("string")
    return default_text(_spread(standard, codes, values.index)), pd.Series(
        False, index=values.index
    )


def to_cause(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise causes of death: lower case, spaces and hyphens as underscores."""
    codes, distinct = _distinct(values)
    text = _as_string(distinct).str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return default_text(_spread(text, codes, values.index)), pd.Series(False, index=values.index)


def to_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Standardise dates: dd/mm/yyyy or yyyy-mm-dd text, or dates already parsed."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values, pd.Series(False, index=values.index)
    # Excel date cells arrive as datetime objects: as text they read "yyyy-mm-dd hh:mm:ss".
    text = _as_string(values)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for layout in DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=layout, errors="coerce")
        parsed = parsed.where(~todo, attempt.reindex(parsed.index).astype("datetime64[ns]"))
    bad = (text.notna() & parsed.isna()).astype(bool)
    return parsed, bad


def standardise_column(
    values: pd.Series, rule: ColumnRule, name: str
) -> tuple[pd.Series, pd.Series]:
    """Standardise one column by its rule.

    Parameters
    ----------
    values : pandas.Series
        Raw values.
    rule : ColumnRule
        The column's rule.
    name : str
        The contract column name (money columns allow "£" and thousands commas).

    Returns
    -------
    tuple of pandas.Series
        The standardised values and a mask of rows whose value could not be read.
    """
    kind = rule.kind
    if kind in ("id", "text", "band"):
        return to_text(values)
    if kind == "lsoa":
        return to_upper_text(values)
    if kind == "whole":
        return to_whole(values, nullable=rule.nullable and name in _NULLABLE_WHOLE)
    if kind == "number":
        return to_number(values, money=name == "cost_gbp")
    if kind == "flag":
        return to_flag(values)
    if kind == "sex":
        return to_sex(values)
    if kind == "cause":
        return to_cause(values)
    return to_date(values)


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

__all__ = [
    "AREAS_RULES",
    "AREAS_SCHEMA",
    "CUBE_RULES",
    "CUBE_SCHEMA",
    "DATE_FORMATS",
    "FLAG_CODINGS",
    "LSOA_PATTERN",
    "PERSONS_RULES",
    "PERSONS_SCHEMA",
    "SEX_CODINGS",
    "ColumnRule",
    "standardise_column",
]
