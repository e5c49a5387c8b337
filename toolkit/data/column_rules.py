"""How each contract column is read: its kind, whether it is required, whether it may be blank.

The rules (:data:`PERSONS_RULES`, :data:`AREAS_RULES`, :data:`CUBE_RULES`) and the codings
the readers map (:data:`SEX_CODINGS`, :data:`FLAG_CODINGS`, :data:`DATE_FORMATS`,
:data:`LSOA_PATTERN`) that :mod:`toolkit.data.schemas` (the pandera models) and
:mod:`toolkit.data.standardise` (raw values to the contract's dtypes) both follow. The
contract's decisions are set out in :mod:`toolkit.data.schemas`, which re-exports every
name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CONDITIONS,
    CUBE_MEASURES,
    OPTIONAL_PERSON_FLAGS,
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

#: Standardisation rules of the segment cube (the cohort cube's columns of the same names
#: follow them too).
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
NULLABLE_WHOLE = {"imd_decile", "imd_rank"}


__all__ = [
    "AREAS_RULES",
    "CUBE_RULES",
    "DATE_FORMATS",
    "FLAG_CODINGS",
    "LSOA_PATTERN",
    "NULLABLE_WHOLE",
    "PERSONS_RULES",
    "SEX_CODINGS",
    "ColumnRule",
    "Kind",
]
