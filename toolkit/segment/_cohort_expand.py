"""The cohort cube's expansion: the engine's aggregate into cohorts, with NumPy.

:func:`expand` turns the aggregate of :func:`toolkit.segment.cohorts.cohort_expression`
(one row per block, membership mask and cell) into the tidy cube and the mortality table.
Part of :mod:`toolkit.segment.cohorts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSES_OF_DEATH,
    COHORT_CUBE_MEASURES,
    ESP2013_BANDS,
)
from toolkit.errors import DataContractError
from toolkit.segment.cube import (
    TEXT_DTYPE,
    WHOLE_SYSTEM_PLACE,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
from toolkit.segment._cohort_catalogue import Cohort, ethnic_cohorts, segment_cohorts
from toolkit.segment._cohort_expression import (
    ALIVE,
    BAND,
    BLOCK,
    CAUSE,
    ETHNIC,
    FLAG_BITS,
    FLAGS,
    FLAGS_PER_WORD,
    LIFE_TABLE_BANDS,
    MASK,
    OTHER_CAUSE,
    PREMATURE_BANDS,
    SEGMENT,
    Plan,
)

# --------------------------------------------------------------------------------------
# Expanding the aggregates into cohorts (NumPy)
# --------------------------------------------------------------------------------------
#: Largest integer up to which float64 sums are exact.
_EXACT_FLOAT = 2.0**53


def _codes(values: Any) -> tuple[np.ndarray, Any]:
    """Sorted codes of values, missing values last (code ``len(uniques)``)."""
    codes, uniques = pd.factorize(values, sort=True)
    codes = codes.astype("int64")
    codes[codes < 0] = len(uniques)
    return codes, uniques


def _integers(raw: pa.Table, name: str, missing: int) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.fill_null(raw[name], missing).to_numpy(zero_copy_only=False).astype("int64")


def text_array(values: Any) -> Any:
    """Return text values as the toolkit's text dtype (pandas' ``str``, or object)."""
    return pd.array(np.asarray(values, dtype=object), dtype=TEXT_DTYPE)


def text_from_codes(labels: Sequence[Any], codes: np.ndarray) -> Any:
    """Return ``labels[codes]`` as :func:`text_array` does (``None`` labels are blank).

    Under pandas 3 the labels are taken in pyarrow (the ``str`` dtype's storage), which
    is several times quicker than building the array from Python strings.
    """
    if TEXT_DTYPE is object:
        return text_array(np.asarray(labels, dtype=object)[codes])
    import pyarrow as pa

    texts = [None if label is None else str(label) for label in labels]
    taken = pa.array(texts, type=pa.large_string()).take(pa.array(codes, type=pa.int64()))
    return pd.array(taken, dtype=TEXT_DTYPE)


class _Aggregate:
    """The engine's aggregate as NumPy codes: each row's cell, and its cohort memberships.

    Codes of ``sex``, ``imd_decile`` and ``place`` are positions among their sorted
    values (missing last), so that sorting cells sorts the cube as :func:`build_cube`
    sorts its cube.
    """

    def __init__(self, raw: pa.Table, plan: Plan, catalogue: Sequence[Cohort]) -> None:
        self.block = _integers(raw, BLOCK, 0)
        self.first = np.flatnonzero(self.block == 0)
        band = _integers(raw, BAND, len(LIFE_TABLE_BANDS))
        self.negative_age = band < 0
        band[band < 0] = len(LIFE_TABLE_BANDS)  # negative ages: kept, with no band
        self.band = band
        sex, self.sexes = _codes(raw["sex"].to_pandas())
        decile, self.deciles = _codes(raw["imd_decile"].to_pandas())
        if "place" in raw.column_names:
            place, self.places = _codes(raw["place"].to_pandas())
        else:
            place, self.places = np.zeros(raw.num_rows, dtype="int64"), [WHOLE_SYSTEM_PLACE]
        self.shape = (len(self.sexes) + 1, len(self.deciles) + 1, len(self.places) + 1)
        self.rest = (sex * self.shape[1] + decile) * self.shape[2] + place

        # Memberships: (row of the aggregate, cohort by position in the cube's order).
        self.ethnic_groups: list[Any] = []
        if plan.ethnic:
            ethnic, uniques = _codes(raw[ETHNIC].take(self.first).to_pandas())
            self.ethnic_groups = list(uniques)
            self.no_ethnic = ethnic >= len(uniques)
        self.cohorts = [*catalogue, *ethnic_cohorts(self.ethnic_groups)]
        if plan.model is not None:
            self.cohorts.extend(segment_cohorts(plan.model))
        position = {cohort.id: index for index, cohort in enumerate(self.cohorts)}
        mask = _integers(raw, MASK, 0)
        rows: list[np.ndarray] = []
        cohorts: list[np.ndarray] = []
        for number, members in enumerate(plan.blocks):
            candidates = self.first if number == 0 else np.flatnonzero(self.block == number)
            bits = mask[candidates]
            for bit, cohort in enumerate(members):
                chosen = candidates[(bits >> bit) & 1 == 1]
                rows.append(chosen)
                cohorts.append(np.full(len(chosen), position[cohort.id], dtype="int64"))
        if plan.ethnic:
            known = ~self.no_ethnic
            rows.append(self.first[known])
            cohorts.append(len(catalogue) + ethnic[known])
        if plan.model is not None:
            segment = _integers(raw, SEGMENT, 0)
            rows.append(self.first)
            cohorts.append(len(catalogue) + len(self.ethnic_groups) + segment[self.first])
        self.member_rows = np.concatenate(rows) if rows else np.empty(0, dtype="int64")
        self.member_cohorts = np.concatenate(cohorts) if cohorts else np.empty(0, dtype="int64")

    def cells(self, bands: np.ndarray, n_bands: int) -> tuple[np.ndarray, int]:
        """Cell code of each row (band, sex, decile, place), and how many cells there are."""
        per_band = self.shape[0] * self.shape[1] * self.shape[2]
        return bands * per_band + self.rest, n_bands * per_band

    def decode(self, cells: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
        """Return the dimensions of cell codes as the cube's columns."""
        n_sex, n_decile, n_place = self.shape
        bands, rest = np.divmod(cells, n_sex * n_decile * n_place)
        rest, place = np.divmod(rest, n_place)
        sex, decile = np.divmod(rest, n_decile)
        return {
            "age_band": text_from_codes([*labels, None], bands),
            "sex": text_from_codes([*self.sexes, None], sex),
            "imd_decile": pd.array(
                np.asarray([*self.deciles, None], dtype=object)[decile], dtype="Int64"
            ),
            "place": text_from_codes([*self.places, None], place),
        }


def _sums(
    keys: np.ndarray, n_keys: int, rows: np.ndarray, values: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sum each of ``values`` (one value per row) over ``rows`` by ``keys``.

    ``keys`` and ``rows`` pair each key (in ``range(n_keys)``) with a row. Returns the keys
    that occur, sorted, and for each of ``values`` the float64 sums (whole numbers are
    exact below 2**53).
    """
    if n_keys <= 4 * len(keys) + 1_000_000:  # dense enough to number keys without a sort
        present = np.flatnonzero(np.bincount(keys, minlength=n_keys))
        number = np.zeros(n_keys, dtype="int64")
        number[present] = np.arange(len(present))
        inverse = number[keys]
    else:
        present, inverse = np.unique(keys, return_inverse=True)
    return present, {
        name: np.bincount(inverse, weights=array[rows], minlength=len(present))
        for name, array in values.items()
    }


def _exact(values: np.ndarray, name: str, label: str) -> np.ndarray:
    """Float64 sums of whole numbers as int64, refusing any beyond the exact range."""
    if len(values) and np.abs(values).max() >= _EXACT_FLOAT:
        raise DataContractError(
            f"A sum of {name!r} in the cohort cube of the {label} is too large to count "
            "exactly (2**53 or more); check the counts for corrupt values.",
            source=label,
        )
    return np.rint(values).astype("int64")


def expand(
    raw: pa.Table, plan: Plan, catalogue: Sequence[Cohort], label: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[Cohort], dict[str, int]]:
    """Turn the engine's aggregate into the tidy cube and the mortality table."""
    import pyarrow.compute as pc

    aggregate = _Aggregate(raw, plan, catalogue)
    cohorts = aggregate.cohorts
    band = aggregate.band

    # Per-row measures. Deaths come from the cause key (everyone in a row with a cause
    # code died), deaths under 75 from the age band too; they are summed over the rows
    # of deaths only.
    persons = _integers(raw, "persons", 0)
    if len(persons) and persons.max() >= 1 << FLAG_BITS:  # pragma: no cover - 67M alike
        raise DataContractError(
            f"The {label} has 2**{FLAG_BITS} or more persons alike in one cell of the "
            "cohort cube, more than it can count exactly.",
            source=label,
        )
    values: dict[str, np.ndarray] = {"persons": persons}
    for name in (*ACTIVITY_COLUMNS, "cost_gbp", *plan.optional_sums):
        values[name] = pc.fill_null(raw[name], 0.0).to_numpy(zero_copy_only=False)
    flags = [  # in the order cohort_expression packs them
        *(f"persons_with_{activity}" for activity in ACTIVITY_COLUMNS),
        *(f"persons_{flag}" for flag in plan.optional_flags),
        *plan.recorded_measures,
    ]
    for index, name in enumerate(flags):
        packed = raw[f"{FLAGS}_{index // FLAGS_PER_WORD}"]
        word = _exact(pc.fill_null(packed, 0.0).to_numpy(zero_copy_only=False), name, label)
        values[name] = (word >> (FLAG_BITS * (index % FLAGS_PER_WORD))) & ((1 << FLAG_BITS) - 1)
    cause = _integers(raw, CAUSE, ALIVE)
    dead = cause != ALIVE
    premature = dead & ((band < PREMATURE_BANDS) | aggregate.negative_age)
    deaths: dict[str, np.ndarray] = {
        "deaths": np.where(dead, persons, 0),
        "deaths_under_75": np.where(premature, persons, 0),
    }
    for code, name in enumerate(CAUSES_OF_DEATH):
        deaths[f"deaths_{name}"] = np.where(cause == code, persons, 0)

    def summed(
        keys: np.ndarray, n_keys: int, rows: np.ndarray, measures: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        present, sums = _sums(keys, n_keys, rows, measures)
        of_deaths = dead[rows]
        died, death_sums = _sums(keys[of_deaths], n_keys, rows[of_deaths], deaths)
        where = np.searchsorted(present, died)  # cells with deaths have persons
        for name, column in death_sums.items():
            sums[name] = np.zeros(len(present))
            sums[name][where] = column
        return present, sums

    # The cube: each membership adds its row to its cohort's cell.
    esp = np.where(band <= 1, 0, band - 1)  # life-table bands 0 and 1-4 make ESP 0-4
    esp[band >= len(LIFE_TABLE_BANDS)] = len(ESP2013_BANDS)
    cells, n_cells = aggregate.cells(esp, len(ESP2013_BANDS) + 1)
    rows = aggregate.member_rows
    keys, sums = summed(
        aggregate.member_cohorts * n_cells + cells[rows], len(cohorts) * n_cells, rows, values
    )
    which, cell = np.divmod(keys, n_cells)
    table = pd.DataFrame(
        {
            "cohort": text_from_codes([c.id for c in cohorts], which),
            **aggregate.decode(cell, ESP2013_BANDS),
            **{
                name: sums[name].astype("float64")
                if name == "cost_gbp"
                else _exact(sums[name], name, label)
                for name in (
                    *COHORT_CUBE_MEASURES,
                    *plan.optional_measures,
                    *plan.recorded_measures,
                )
            },
        },
        copy=False,  # the arrays are new: no copy, and no stacking into one block
    )

    # Mortality: the whole population (block-0 rows) by life-table band.
    first = aggregate.first
    cells, n_cells = aggregate.cells(band, len(LIFE_TABLE_BANDS) + 1)
    wanted = ["persons", "deaths", *(f"deaths_{name}" for name in CAUSES_OF_DEATH)]
    keys, sums = summed(cells[first], n_cells, first, {"persons": persons})
    mortality = pd.DataFrame(
        {
            **aggregate.decode(keys, LIFE_TABLE_BANDS),
            **{name: _exact(sums[name], name, label) for name in wanted},
        },
        copy=False,
    )

    facts = {
        "deaths": int(mortality["deaths"].sum()),
        "other_cause_deaths": int(persons[first][cause[first] == OTHER_CAUSE].sum()),
        "no_ethnic_group": int(persons[first][aggregate.no_ethnic].sum()) if plan.ethnic else 0,
    }
    return table, mortality, cohorts, facts
