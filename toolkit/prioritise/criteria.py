"""Criteria for scoring candidate priorities: how each is declared and normalised.

A :class:`Criterion` is declared once, with its direction (is more of it more of a
priority?), how its values are put on a common 0-1 scale, its default weight and words a
board can read. The normalisations are vectorised over a whole candidates-by-criteria
matrix, so that scoring never loops over candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import ndtr
from scipy.stats import rankdata

from toolkit._params import (
    NON_NEGATIVE,
    InstanceOf,
    SequenceOf,
    StrOptions,
    check_fields,
    check_param,
    invalid_parameter,
)
from toolkit._words import listed
from toolkit.errors import DataContractError

Direction = Literal["benefit", "cost"]
Normalisation = Literal["min_max", "rank", "z"]

#: Sign applied to a criterion's values before normalising: a "cost" criterion is
#: normalised as its negative, so that on the 0-1 scale higher always means more of a
#: priority.
DIRECTION_SIGNS: dict[str, float] = {"benefit": 1.0, "cost": -1.0}

#: Column that identifies a candidate, and its plain-English label.
CANDIDATE_COLUMN = "candidate"
LABEL_COLUMN = "label"

#: Columns that name a candidate concisely, "cohort: outcome", when both are present (as
#: :func:`toolkit.prioritise.candidate_priorities` gives them).
COHORT_LABEL_COLUMN = "cohort_label"
OUTCOME_LABEL_COLUMN = "outcome_label"

#: Columns that together say which cohort a candidate is about (the segment, and the
#: deprivation quintile or place when candidates are split within segments). Candidates
#: that share them are outcomes of one cohort: the shortlist keeps a limited number per
#: cohort (see :func:`toolkit.prioritise.shortlist`).
COHORT_COLUMNS: tuple[str, ...] = ("segment", "imd_quintile", "place")

#: Column naming a candidate's theme (:func:`toolkit.prioritise.theme_measures`). When a
#: candidates table has it, the theme alone is the cohort: a theme measured in several
#: places is one priority, whatever its place.
THEME_COHORT_COLUMN = "theme"


def _min_max(values: np.ndarray) -> np.ndarray:
    """Scale each column to [0, 1]: (x - min) / (max - min); a constant column scores 0."""
    low = values.min(axis=0)
    width = values.max(axis=0) - low
    safe = np.where(width > 0, width, 1.0)
    return np.where(width > 0, (values - low) / safe, 0.0)


def _rank(values: np.ndarray) -> np.ndarray:
    """Scale each column's ranks to [0, 1]: (rank - 1) / (n - 1), ties share their mean rank."""
    count = values.shape[0]
    if count < 2:
        return np.zeros_like(values)
    ranks = rankdata(values, method="average", axis=0)
    constant = values.max(axis=0) == values.min(axis=0)
    return np.where(constant, 0.0, (ranks - 1.0) / (count - 1.0))


def _z(values: np.ndarray) -> np.ndarray:
    """Standardise each column and map it to (0, 1) with the standard normal CDF, Phi(z).

    Phi keeps the order and the spacing near the mean, makes every score non-negative (which
    the weighted sum and TOPSIS need) and scores a candidate at the mean 0.5. A constant
    column scores 0, like the other normalisations.
    """
    mean = values.mean(axis=0)
    spread = values.std(axis=0)
    safe = np.where(spread > 0, spread, 1.0)
    return np.where(spread > 0, ndtr((values - mean) / safe), 0.0)


#: Normalisations by name. Each maps an (n candidates, k criteria) matrix whose columns
#: all point the "benefit" way to scores in [0, 1] (higher = more of a priority).
NORMALISATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "min_max": _min_max,
    "rank": _rank,
    "z": _z,
}


#: What the fields of a :class:`Criterion` may be.
_CRITERION_FIELDS = {
    "name": ["text"],
    "direction": [StrOptions(DIRECTION_SIGNS)],
    "normalisation": [StrOptions(NORMALISATIONS)],
    "default_weight": [NON_NEGATIVE],
}


@dataclass(frozen=True)
class Criterion:
    """One criterion on which candidate priorities are compared.

    Parameters
    ----------
    name : str
        The column of the candidates table that holds the criterion's values.
    direction : {"benefit", "cost"}
        ``"benefit"`` when a higher value makes a candidate more of a priority (burden,
        excess events, inequality); ``"cost"`` when a lower value does (for example the
        cost of acting, or a difficulty score).
    normalisation : {"min_max", "rank", "z"}
        How values are put on a 0-1 scale before weighting: ``"min_max"`` scales the
        range to [0, 1]; ``"rank"`` uses ranks, (rank - 1) / (n - 1), with ties sharing
        their mean rank, so that one extreme value cannot squash the rest; ``"z"``
        standardises to z = (x - mean) / sd and maps z to Phi(z), the standard normal
        CDF, so that every score is in (0, 1) and the mean scores 0.5. A criterion on
        which every candidate is equal scores 0 for all under each normalisation: it
        cannot separate them.
    default_weight : float
        The weight used when none is given; non-negative. Weights are relative: they are
        divided by their total before scoring.
    description : str
        What the criterion measures, in words a board can follow.
    label : str, optional
        A short phrase for reasons ("excess admissions in the most deprived areas");
        the name with spaces for underscores when not given.
    """

    name: str
    direction: Direction = "benefit"
    normalisation: Normalisation = "min_max"
    default_weight: float = 1.0
    description: str = ""
    label: str | None = None

    def __post_init__(self) -> None:
        check_fields(self, _CRITERION_FIELDS)

    @property
    def phrase(self) -> str:
        """The short phrase used in reasons: ``label``, or the name with spaces."""
        return self.label or self.name.replace("_", " ")


#: The criteria of the scoring functions: a non-empty sequence of :class:`Criterion` (see
#: :func:`~toolkit._params.validate_params`).
CRITERIA = [
    SequenceOf(
        InstanceOf(Criterion, "a Criterion"),
        min_length=1,
        description="a non-empty sequence of Criterion",
    )
]


def check_criteria(criteria: Iterable[Criterion], *, caller: str) -> tuple[Criterion, ...]:
    """Return the criteria as a tuple after checking them (:data:`CRITERIA`) and their names.

    For code that is not decorated with :func:`~toolkit._params.validate_params` (a
    class's arguments); a decorated function has checked the sequence already, and this
    adds only the rule that each criterion is named once.

    Parameters
    ----------
    criteria : iterable of Criterion
        The declared criteria (one Criterion is taken as a sequence of one).
    caller : str
        The public function's name, for error messages.

    Returns
    -------
    tuple of Criterion
    """
    if isinstance(criteria, Criterion):
        criteria = (criteria,)
    elif isinstance(criteria, Iterator):
        criteria = tuple(criteria)
    check_param(criteria, "criteria", CRITERIA, caller)
    found = tuple(criteria)
    names = [item.name for item in found]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise invalid_parameter(
            "criteria", caller, "criteria that name each criterion once", repeated
        )
    return found


def criteria_matrix(
    candidates: pd.DataFrame, criteria: Sequence[Criterion], *, caller: str
) -> np.ndarray:
    """Return the candidates-by-criteria values as a float matrix, checking the data.

    Every criterion column must exist, be numeric and hold a finite value for every
    candidate: a candidate is never scored on a missing value, nor dropped.

    Parameters
    ----------
    candidates : pandas.DataFrame
        One row per candidate.
    criteria : sequence of Criterion
        The criteria, whose names are columns of ``candidates``.
    caller : str
        The public function's name, for error messages.

    Returns
    -------
    numpy.ndarray
        Shape (n candidates, k criteria), float64.

    Raises
    ------
    DataContractError
        When a column is missing, not numeric or holds a missing or infinite value; the
        message names the column and the candidates.
    """
    names = [criterion.name for criterion in criteria]
    absent = [name for name in names if name not in candidates.columns]
    if absent:
        raise DataContractError(
            f"{caller}: the candidates table has no column for the criteria {absent}. "
            f"Its columns are {list(candidates.columns)}."
        )
    problems: list[str] = []
    for name in names:
        column = candidates[name]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
            problems.append(f"column '{name}' is not numeric (dtype {column.dtype})")
            continue
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            problems.append(
                f"column '{name}' has {int(bad.sum())} missing or infinite values, for "
                f"{_describe_rows(candidates, np.flatnonzero(bad))}"
            )
    if problems:
        raise DataContractError(
            f"{caller}: every criterion needs a finite number for every candidate; "
            + "; ".join(problems)
            + ". Fill them in (or leave the criterion out): no candidate is scored on a "
            "missing value or dropped."
        )
    return candidates[names].to_numpy(dtype="float64")


def _describe_rows(candidates: pd.DataFrame, positions: np.ndarray, limit: int = 5) -> str:
    """Name up to ``limit`` candidates by id (or row number) for an error message."""
    if CANDIDATE_COLUMN in candidates.columns:
        ids = candidates[CANDIDATE_COLUMN].iloc[positions[:limit]].astype(str).tolist()
        return "candidates " + listed(
            ids, most=limit, total=len(positions), quote=True, final_and=False
        )
    rows = [int(row) for row in positions[:limit]]
    return "rows " + listed(rows, most=limit, total=len(positions), final_and=False)


def normalise_matrix(values: np.ndarray, criteria: Sequence[Criterion]) -> np.ndarray:
    """Put each criterion's column on the 0-1 scale it declares (higher = more of a priority).

    Parameters
    ----------
    values : numpy.ndarray
        Shape (n candidates, k criteria).
    criteria : sequence of Criterion
        One per column, in the same order.

    Returns
    -------
    numpy.ndarray
        Same shape, values in [0, 1].
    """
    signs = np.array([DIRECTION_SIGNS[criterion.direction] for criterion in criteria])
    oriented = values * signs
    normalised = np.empty_like(oriented)
    for method, function in NORMALISATIONS.items():
        columns = [i for i, criterion in enumerate(criteria) if criterion.normalisation == method]
        if columns:
            normalised[:, columns] = function(oriented[:, columns])
    return normalised
