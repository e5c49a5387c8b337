"""Synthetic demo system: a fictional integrated care system to learn, teach and test with.

:func:`make_demo_system` builds the persons and areas tables of the *Kestermoor and Wyvendale
Integrated Care System*, an invented system in northern England. Its places, neighbourhoods
and people are fictional; any likeness to a real place name is accidental. The tables follow
the data contract (:mod:`toolkit.data.contract`) and carry the gradients an analyst expects
to find: long-term conditions rising with age and deprivation, multimorbidity arriving 10 to
15 years earlier in the most deprived areas, deaths and hospital use concentrated among the
old, the frail and the deprived. The persons also have the contract's optional columns:
emergency admissions by cause (cardiovascular, respiratory, falls, chronic ambulatory care
sensitive conditions, alcohol-specific), ``smoker`` (adults) and ``bp_controlled`` (people
with hypertension). :func:`write_demo_system` writes the same tables to Parquet and
GeoPackage in chunks, so that ten million persons never need much memory.

Both functions can also place the synthetic persons on a real geography instead
(``areas=``): the caller's own LSOAs, each given persons in proportion to its population and
the epidemiology of its real IMD decile, so that an analyst can rehearse the whole workflow on
their own system before data access arrives. The people are still invented.

Every assumption and its source is listed in ``docs/demo-system.md``.

No library synthesises a health population with these gradients, so the generator is the
toolkit's own: numpy draws every person-level quantity, vectorised over blocks of persons;
shapely builds the geography (Voronoi cells clipped to the system boundary); pyarrow writes
the Parquet file and pyogrio the GeoPackage.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import shapely

from toolkit.data import iod
from toolkit.data.contract import (  # re-exported, as before the split
    ACTIVITY_COLUMNS as ACTIVITY_COLUMNS,
)
from toolkit.data.contract import (
    CAUSE_ADMISSION_COLUMNS as CAUSE_ADMISSION_COLUMNS,
)
from toolkit.data.contract import (
    CAUSES_OF_DEATH as CAUSES_OF_DEATH,
)
from toolkit.data.contract import (
    CONDITIONS as CONDITIONS,
)
from toolkit.data.contract import (
    OPTIONAL_PERSON_FLAGS as OPTIONAL_PERSON_FLAGS,
)
from toolkit.data.synth_areas import (
    GIVEN_AREA_COLUMNS as GIVEN_AREA_COLUMNS,
)
from toolkit.data.synth_areas import (
    areas_have_shapes,
    given_areas,
    given_areas_name,
    given_boundary,
    make_areas,
)
from toolkit.data.synth_areas import (
    system_boundary as system_boundary,
)

# Re-exported: the public names this module had before it was split (issue 17).
from toolkit.data.synth_assumptions import (
    ACSC_BASE as ACSC_BASE,
)
from toolkit.data.synth_assumptions import (
    ACSC_CONDITION_LINKS as ACSC_CONDITION_LINKS,
)
from toolkit.data.synth_assumptions import (
    ACTIVITY_AGE_KNOTS as ACTIVITY_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    ACTIVITY_ASSUMPTIONS as ACTIVITY_ASSUMPTIONS,
)
from toolkit.data.synth_assumptions import (
    AGE_TILT_PER_DECADE as AGE_TILT_PER_DECADE,
)
from toolkit.data.synth_assumptions import (
    ALCOHOL_AGE_KNOTS as ALCOHOL_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    ALCOHOL_CONDITION_LOG_RATIOS as ALCOHOL_CONDITION_LOG_RATIOS,
)
from toolkit.data.synth_assumptions import (
    ALCOHOL_DEPRIVATION_RATIO as ALCOHOL_DEPRIVATION_RATIO,
)
from toolkit.data.synth_assumptions import (
    ALCOHOL_MALE_RATIO as ALCOHOL_MALE_RATIO,
)
from toolkit.data.synth_assumptions import (
    ALCOHOL_SHARE_BY_AGE as ALCOHOL_SHARE_BY_AGE,
)
from toolkit.data.synth_assumptions import (
    BLOCK_SIZE,
    DEMO_SYSTEM_NAME,
    MAX_PERSONS,
    MIN_PERSONS,
    persons_schema,
)
from toolkit.data.synth_assumptions import (
    BP_CONTROL_AGE_KNOTS as BP_CONTROL_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    BP_CONTROL_AGE_LOGIT as BP_CONTROL_AGE_LOGIT,
)
from toolkit.data.synth_assumptions import (
    BP_CONTROL_DEPRIVATION as BP_CONTROL_DEPRIVATION,
)
from toolkit.data.synth_assumptions import (
    BP_CONTROLLED_SHARE as BP_CONTROLLED_SHARE,
)
from toolkit.data.synth_assumptions import (
    CAUSE_AGE_KNOTS as CAUSE_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    CAUSE_CONDITION_LINKS as CAUSE_CONDITION_LINKS,
)
from toolkit.data.synth_assumptions import (
    CAUSE_DEPRIVATION as CAUSE_DEPRIVATION,
)
from toolkit.data.synth_assumptions import (
    CAUSE_GROUP_CONDITION_LINKS as CAUSE_GROUP_CONDITION_LINKS,
)
from toolkit.data.synth_assumptions import (
    CAUSE_GROUP_SHARES as CAUSE_GROUP_SHARES,
)
from toolkit.data.synth_assumptions import (
    CAUSE_GROUP_SMOKER as CAUSE_GROUP_SMOKER,
)
from toolkit.data.synth_assumptions import (
    CAUSE_SHARES_BY_AGE as CAUSE_SHARES_BY_AGE,
)
from toolkit.data.synth_assumptions import (
    CONDITION_AGE_KNOTS as CONDITION_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    CONDITION_ASSUMPTIONS as CONDITION_ASSUMPTIONS,
)
from toolkit.data.synth_assumptions import (
    CONDITION_LATENT_LOADING as CONDITION_LATENT_LOADING,
)
from toolkit.data.synth_assumptions import (
    DEATH_AGE_KNOTS as DEATH_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    DEATH_DEPRIVATION_AGE_KNOTS as DEATH_DEPRIVATION_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    DEATH_DEPRIVATION_FEMALE as DEATH_DEPRIVATION_FEMALE,
)
from toolkit.data.synth_assumptions import (
    DEATH_DEPRIVATION_MALE as DEATH_DEPRIVATION_MALE,
)
from toolkit.data.synth_assumptions import (
    DEATH_PROBABILITY_FEMALE as DEATH_PROBABILITY_FEMALE,
)
from toolkit.data.synth_assumptions import (
    DEATH_PROBABILITY_MALE as DEATH_PROBABILITY_MALE,
)
from toolkit.data.synth_assumptions import (
    DEATH_RISK_AT_END_OF_LIFE as DEATH_RISK_AT_END_OF_LIFE,
)
from toolkit.data.synth_assumptions import (
    DEMO_CRS as DEMO_CRS,
)
from toolkit.data.synth_assumptions import (
    EFI_DEFICITS as EFI_DEFICITS,
)
from toolkit.data.synth_assumptions import (
    EFI_MIN_AGE as EFI_MIN_AGE,
)
from toolkit.data.synth_assumptions import (
    ELECTIVE_STAY_DAYS as ELECTIVE_STAY_DAYS,
)
from toolkit.data.synth_assumptions import (
    EMERGENCY_STAY_AGE_KNOTS as EMERGENCY_STAY_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    EMERGENCY_STAY_DAYS as EMERGENCY_STAY_DAYS,
)
from toolkit.data.synth_assumptions import (
    END_OF_LIFE_PER_DEATH_RISK as END_OF_LIFE_PER_DEATH_RISK,
)
from toolkit.data.synth_assumptions import (
    ENGLAND_AGE_SHARES as ENGLAND_AGE_SHARES,
)
from toolkit.data.synth_assumptions import (
    ETHNIC_GROUPS as ETHNIC_GROUPS,
)
from toolkit.data.synth_assumptions import (
    FALLS_PER_FRAILTY_DEFICIT as FALLS_PER_FRAILTY_DEFICIT,
)
from toolkit.data.synth_assumptions import (
    FEMALE_SHARES as FEMALE_SHARES,
)
from toolkit.data.synth_assumptions import (
    FERTILITY_BY_AGE_BAND as FERTILITY_BY_AGE_BAND,
)
from toolkit.data.synth_assumptions import (
    FIRST_LSOA_NUMBER as FIRST_LSOA_NUMBER,
)
from toolkit.data.synth_assumptions import (
    IMD_DECILE_SHARES as IMD_DECILE_SHARES,
)
from toolkit.data.synth_assumptions import (
    IMD_SCORE_CUTS as IMD_SCORE_CUTS,
)
from toolkit.data.synth_assumptions import (
    LSOA_CODE_PREFIX as LSOA_CODE_PREFIX,
)
from toolkit.data.synth_assumptions import (
    MAX_AGE as MAX_AGE,
)
from toolkit.data.synth_assumptions import (
    MIN_AREAS as MIN_AREAS,
)
from toolkit.data.synth_assumptions import (
    MULTIMORBIDITY_AGE_SHIFT as MULTIMORBIDITY_AGE_SHIFT,
)
from toolkit.data.synth_assumptions import (
    PERSON_COLUMNS as PERSON_COLUMNS,
)
from toolkit.data.synth_assumptions import (
    PERSONS_PER_AREA as PERSONS_PER_AREA,
)
from toolkit.data.synth_assumptions import (
    PLACE_NAMES as PLACE_NAMES,
)
from toolkit.data.synth_assumptions import (
    SMOKING_AGE_KNOTS as SMOKING_AGE_KNOTS,
)
from toolkit.data.synth_assumptions import (
    SMOKING_BY_AGE as SMOKING_BY_AGE,
)
from toolkit.data.synth_assumptions import (
    SMOKING_CONDITION_LOG_RATIOS as SMOKING_CONDITION_LOG_RATIOS,
)
from toolkit.data.synth_assumptions import (
    SMOKING_DEPRIVATION_RATIO as SMOKING_DEPRIVATION_RATIO,
)
from toolkit.data.synth_assumptions import (
    SMOKING_MALE_RATIO as SMOKING_MALE_RATIO,
)
from toolkit.data.synth_assumptions import (
    SMOKING_MIN_AGE as SMOKING_MIN_AGE,
)
from toolkit.data.synth_assumptions import (
    SMOKING_PREVALENCE as SMOKING_PREVALENCE,
)
from toolkit.data.synth_assumptions import (
    SYSTEM_CENTRE as SYSTEM_CENTRE,
)
from toolkit.data.synth_assumptions import (
    SYSTEM_RADIUS_M as SYSTEM_RADIUS_M,
)
from toolkit.data.synth_assumptions import (
    UNIT_COSTS_GBP as UNIT_COSTS_GBP,
)
from toolkit.data.synth_assumptions import (
    ActivityAssumptions as ActivityAssumptions,
)
from toolkit.data.synth_assumptions import (
    ConditionAssumptions as ConditionAssumptions,
)
from toolkit.data.synth_persons import (
    AreaLayout,
    iter_person_tables,
)
from toolkit.defaults import DEMO_SEED

__all__ = [
    "DEMO_SYSTEM_NAME",
    "PLACE_NAMES",
    "DemoSystem",
    "make_demo_system",
    "system_boundary",
    "write_demo_system",
]


@dataclass(frozen=True, eq=False)
class DemoSystem:
    """A synthetic integrated care system: its persons, its areas and its boundary.

    Unpacks as ``persons, areas = make_demo_system(...)``.

    Attributes
    ----------
    persons : pandas.DataFrame
        One row per person, in the persons data contract.
    areas : geopandas.GeoDataFrame or pandas.DataFrame
        One row per LSOA-like neighbourhood, in the areas data contract, with polygons in
        British National Grid (EPSG:27700) that tile the system. For a system synthesised
        on given areas, those areas (a plain DataFrame when they had no geometry).
    boundary : shapely.Geometry or None
        The system boundary, the union of the areas (a Polygon for the fictional system;
        for given areas, the union of their shapes, or None when they have none).
    name : str
        Name of the fictional system, or a description of the given areas.
    seed : int
        Seed the system was generated from.
    """

    persons: pd.DataFrame
    areas: pd.DataFrame
    boundary: shapely.Geometry | None
    name: str
    seed: int

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """Yield the persons and the areas, so that the system unpacks into the two."""
        yield self.persons
        yield self.areas

    def __repr__(self) -> str:
        """Return a one-line summary."""
        return (
            f"DemoSystem(name={self.name!r}, persons={len(self.persons):,}, "
            f"areas={len(self.areas):,}, places={self.areas['place'].nunique()}, "
            f"seed={self.seed})"
        )


def make_demo_system(
    persons: int = 250_000,
    seed: int = DEMO_SEED,
    *,
    areas: pd.DataFrame | None = None,
    progress: bool = False,
) -> DemoSystem:
    """Generate the fictional Kestermoor and Wyvendale integrated care system in memory.

    About one neighbourhood (an LSOA-like area of ~1,500 people) is made per 1,500 persons,
    at least 8, grouped into 4 to 6 places; deprivation is clustered in space and skewed
    towards the most deprived national deciles, like a northern urban system's. Persons are
    assigned to areas in proportion to the area populations; the areas' ``population`` is
    the number of persons generated there. Assumptions and sources: ``docs/demo-system.md``.

    With ``areas``, no geography is invented: the persons are placed in the given LSOAs
    instead, to rehearse the workflow on a real system (see *Synthesising on your own
    geography* in ``docs/demo-system.md``).

    Parameters
    ----------
    persons : int, default 250_000
        Number of persons, from 100 to 99,999,999. The persons table takes about 240 MB
        per million persons, and about twice that at peak while it is built: use
        :func:`write_demo_system` to write large systems to disk in chunks.
    seed : int, default 20261122
        Seed of the random streams (a non-negative integer). The same seed and number of
        persons (and the same ``areas``) always give the same system.
    areas : pandas.DataFrame or geopandas.GeoDataFrame, optional
        Your own areas table, one row per LSOA, as :func:`toolkit.data.read_areas` returns
        it: at least ``lsoa``, ``place`` and ``imd_decile`` (1 to 10, no blanks), and
        ``population`` to share the persons out. Each LSOA gets persons in proportion to
        its ``population`` (largest remainders, so within one person of the exact share);
        without a ``population`` column every LSOA gets an equal share, with a
        ``UserWarning``. LSOAs with a population that receive no one (fewer persons than
        LSOAs) are counted in a ``UserWarning``. Each person's age structure, conditions,
        deaths, activity and cost follow their LSOA's real decile, and their ``lsoa``,
        ``imd_decile`` and ``place`` are its own. ``None`` (the default) makes the fictional system.
    progress : bool, default False
        Show a progress bar while persons are generated.

    Returns
    -------
    DemoSystem
        The persons (``pandas.DataFrame``), the areas (``geopandas.GeoDataFrame``), the
        system boundary, its name and the seed. With ``areas``, the areas returned are a
        copy of those given (a ``pandas.DataFrame`` when they have no boundaries, and then
        no system boundary), their real ``population`` kept (it is not replaced by the
        number of persons generated, which may be far smaller); only a table with no
        ``population`` column gains one, the persons generated in each LSOA.

    Raises
    ------
    TypeError
        If ``areas`` is not a DataFrame, or an option has the wrong type.
    ValueError
        If ``areas`` lacks a needed column or has a blank, duplicate or impossible value
        (the message names the column and up to five rows), or an option is out of range.

    Examples
    --------
    >>> from toolkit.data.synth import make_demo_system
    >>> persons, areas = make_demo_system(20_000, seed=1)
    >>> len(persons), areas.crs.to_epsg()
    (20000, 27700)
    """
    function = "make_demo_system"
    _check_integer(persons, "persons", function, MIN_PERSONS, MAX_PERSONS)
    _check_integer(seed, "seed", function, 0, None)
    _check_bool(progress, "progress", function)
    if areas is None:
        table, boundary = make_areas(int(persons), int(seed))
        layout = AreaLayout.from_areas(table)
        name = DEMO_SYSTEM_NAME
    else:
        table, counts = given_areas(areas, int(persons), function)
        layout = AreaLayout.from_areas(table, population=counts)
        boundary = given_boundary(table)
        name = given_areas_name(table)
    tables = list(iter_person_tables(layout, int(seed), BLOCK_SIZE, progress=progress))
    return DemoSystem(
        persons=pa.concat_tables(tables).to_pandas(),
        areas=table,
        boundary=boundary,
        name=name,
        seed=int(seed),
    )


def write_demo_system(
    out_dir: str | os.PathLike[str],
    *,
    persons: int = 250_000,
    seed: int = DEMO_SEED,
    areas: pd.DataFrame | None = None,
    progress: bool = True,
    chunk_size: int = 1_000_000,
) -> dict[str, Path]:
    """Generate the demo system chunk by chunk and write it to ``out_dir``.

    Writes ``persons.parquet`` (Parquet, zstd, one row group per chunk) and ``areas.gpkg``
    (GeoPackage, layer ``areas``, EPSG:27700). Persons are generated and written one chunk at
    a time, so memory stays well under 1 GB for ten million persons. The persons read back
    equal to ``make_demo_system(persons, seed).persons``: the result does not depend on the
    chunk size. Existing files of the same names are replaced.

    With ``areas`` (your own LSOAs, as in :func:`make_demo_system`), the persons are placed
    in them and the areas are written back as given: to ``areas.gpkg`` when they have
    shapes, otherwise to ``areas.parquet``; the persons file's metadata
    (``toolkit.synth``) records how many LSOAs received persons (``areas_with_persons``).
    The areas' edition of the Indices of Deprivation
    (``areas.attrs["imd_edition"]``, as :func:`toolkit.data.read_areas` sets it) is recorded
    in the file (a GeoPackage's layer metadata, a Parquet file's pandas metadata), so that
    ``read_areas`` gives it back.

    Parameters
    ----------
    out_dir : str or path-like
        Folder to write to; created if missing.
    persons : int, default 250_000
        Number of persons, from 100 to 99,999,999.
    seed : int, default 20261122
        Seed of the random streams (a non-negative integer).
    areas : pandas.DataFrame or geopandas.GeoDataFrame, optional
        Your own areas table (see :func:`make_demo_system`); ``None`` for the fictional
        system.
    progress : bool, default True
        Show a progress bar (tqdm) while persons are generated.
    chunk_size : int, default 1_000_000
        Persons generated and written at a time; rounded up to a whole number of blocks of
        100,000 persons.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"persons": path of persons.parquet, "areas": path of areas.gpkg}`` (or of
        ``areas.parquet`` for given areas without shapes).
    """
    function = "write_demo_system"
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(
            f"The 'out_dir' parameter of {function} must be a str or path-like. "
            f"Got {out_dir!r} instead."
        )
    _check_integer(persons, "persons", function, MIN_PERSONS, MAX_PERSONS)
    _check_integer(seed, "seed", function, 0, None)
    _check_bool(progress, "progress", function)
    _check_integer(chunk_size, "chunk_size", function, 1, None)
    if areas is None:
        table, _ = make_areas(int(persons), int(seed))
        layout = AreaLayout.from_areas(table)
        provenance: dict[str, Any] = {
            "system": DEMO_SYSTEM_NAME,
            "persons": int(persons),
            "seed": int(seed),
        }
    else:
        table, counts = given_areas(areas, int(persons), function)
        layout = AreaLayout.from_areas(table, population=counts)
        provenance = {
            "system": given_areas_name(table),
            "persons": int(persons),
            "seed": int(seed),
            "areas": len(table),
            "areas_with_persons": int((counts > 0).sum()),
        }
    has_shapes = areas_have_shapes(table)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    persons_path = folder / "persons.parquet"
    areas_path = folder / ("areas.gpkg" if has_shapes else "areas.parquet")

    chunk_blocks = -(-int(chunk_size) // BLOCK_SIZE)
    metadata = {b"toolkit.synth": json.dumps(provenance).encode()}
    partial = persons_path.with_name(persons_path.name + ".partial")
    schema = persons_schema()
    schema = schema.with_metadata({**schema.metadata, **metadata})
    try:
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            pending: list[pa.Table] = []
            for block in iter_person_tables(layout, int(seed), BLOCK_SIZE, progress=progress):
                pending.append(block)
                if len(pending) == chunk_blocks:
                    chunk = pa.concat_tables(pending)
                    writer.write_table(chunk, row_group_size=chunk.num_rows)
                    pending = []
            if pending:
                chunk = pa.concat_tables(pending)
                writer.write_table(chunk, row_group_size=chunk.num_rows)
        os.replace(partial, persons_path)
    finally:
        partial.unlink(missing_ok=True)

    partial_areas = areas_path.with_name(".partial." + areas_path.name)
    # The edition of the deciles travels with the file, so that read_areas (and the report's
    # caption) knows it: a GeoPackage's layer metadata, a Parquet file's pandas attrs.
    edition = iod.edition_of_value(table.attrs.get(iod.EDITION_KEY))
    recorded = {iod.EDITION_KEY: edition} if edition else {}
    try:
        partial_areas.unlink(missing_ok=True)
        if has_shapes:
            pyogrio.write_dataframe(
                table, partial_areas, layer="areas", driver="GPKG", layer_metadata=recorded or None
            )
        else:
            plain = pd.DataFrame(table)
            plain.attrs = dict(recorded)
            plain.to_parquet(partial_areas, index=False)
        os.replace(partial_areas, areas_path)
    finally:
        partial_areas.unlink(missing_ok=True)
    return {"persons": persons_path, "areas": areas_path}


def _check_integer(value: Any, name: str, function: str, minimum: int, maximum: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"The '{name}' parameter of {function} must be an int. Got {value!r} instead."
        )
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"in [{minimum:,}, {maximum:,}]" if maximum is not None else f">= {minimum}"
        raise ValueError(
            f"The '{name}' parameter of {function} must be an int {bounds}. Got {value!r} instead."
        )


def _check_bool(value: Any, name: str, function: str) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"The '{name}' parameter of {function} must be a bool. Got {value!r} instead."
        )
