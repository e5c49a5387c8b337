"""The cohort cube of overlapping cohorts: every person counted in every cohort they belong to.

A segmentation model puts each person in exactly one segment (:func:`build_cube`). Boards
and the themes library talk about *cohorts* that overlap instead: "people with high blood
pressure", "people with two or more long-term conditions", "people living in the most
deprived fifth of neighbourhoods". :func:`build_cohort_cube` counts a person in every
cohort whose rule they meet, by age band, sex, IMD decile and place, with deaths (all ages,
under 75 and by broad cause), activity and cost; and, from the same scan, the mortality
table by life-table age band that the life-expectancy gap decomposition reads.

Cohorts come from a catalogue (:func:`load_cohorts`; the built-in one is
``toolkit/segment/models/cohorts.toml``), plus one cohort per ethnic group present in the
data and one per segment of a segmentation model.

How it scales
-------------
Counting each person once per cohort (an ``unnest`` of 40-odd memberships, or one
conditional sum per cohort and measure) is several times slower than the segment cube,
and grouping persons by the full 64-bit membership mask gives hundreds of thousands of
groups at ten million persons (too slow and too much memory). So the cohorts are split
into *blocks* of at most :data:`BLOCK_BITS` cohorts, and in one scan the engine emits,
for each person, one row per block in which they belong to at least one cohort (block 0,
which carries the population groups, the segment and the ethnic group, always), keyed by
that block's membership mask. Rows are aggregated by (block, mask, segment, ethnic group,
life-table age band, sex, IMD decile, place, cause of death). That aggregate is small (a
few hundred thousand rows at ten million persons) and is expanded into cohorts with NumPy.
The engine part is one Ibis expression, :func:`cohort_expression`, run on DuckDB or Spark.

The parts, each its own module (the public names are re-exported here): the catalogue
(:mod:`toolkit.segment._cohort_catalogue`), the blocks and the expression
(:mod:`toolkit.segment._cohort_expression`) and the expansion with NumPy
(:mod:`toolkit.segment._cohort_expand`); :func:`build_cohort_cube` and the
:class:`CohortCube` it returns are here.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit._params import InstanceOf, validate_params
from toolkit._results import TableResult
from toolkit.data.contract import (
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    COHORT_CUBE_DIMENSIONS,
    COHORT_CUBE_OPTIONAL_MEASURES,
    CONDITIONS,
    OPTIONAL_PERSON_FLAGS,
)
from toolkit.defaults import DEFAULT_MODEL
from toolkit.errors import DataContractError

# Re-exported: the catalogue's kinds, the engine's block size and bands (and the blocks
# themselves, for the tests), where they were before the module was split by job.
from toolkit.segment._cohort_catalogue import (
    CATALOGUE_KINDS,
    COHORTS_ARGUMENT,
    RESERVED_PREFIXES,
    Cohort,
    CohortKind,  # noqa: F401
    load_cohorts,
    segment_cohorts,
)
from toolkit.segment._cohort_expand import expand, text_array
from toolkit.segment._cohort_expression import (  # noqa: F401
    BLOCK_BITS,
    LIFE_TABLE_BANDS,
    Plan,
    block_cohorts,
    cohort_expression,
    missing_reason,
)
from toolkit.segment._cohort_expression import block_cohorts as _blocks  # noqa: F401
from toolkit.segment._fast import fast_aggregate
from toolkit.segment._sources import Engine, Source, check_required_columns
from toolkit.segment.cube import (
    ENGINE_PARAMETERS,
    TEXT_DTYPE,
    check_engine,
    check_source,
    engine_source,
)
from toolkit.segment.model import (
    MODEL,
    BuiltinModel,
    SegmentationModel,
    load_rules,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CohortCube(TableResult):
    """The cohort cube of overlapping cohorts, with what it holds and what was left out.

    Built by :func:`build_cohort_cube`.

    Attributes
    ----------
    table : pandas.DataFrame
        The tidy cube: ``cohort, age_band, sex, imd_decile, place`` then ``persons,
        deaths, deaths_under_75``, ``deaths_<cause>`` for each broad cause, the sum of each
        activity, ``persons_with_<activity>``, ``cost_gbp``, any optional measures and
        their recorded counts. One row per non-empty cell; a person is counted in every
        cohort they belong to.
    cohorts : pandas.DataFrame
        One row per cohort built, in the cube's order: ``cohort, kind, label, when,
        persons``.
    left_out : pandas.DataFrame
        Cohorts that could not be built and why: ``cohort, label, reason``.
    mortality : pandas.DataFrame
        The whole population by the 20 life-table age bands, sex, IMD decile and place:
        ``persons``, ``deaths`` and ``deaths_<cause>`` (for
        :func:`toolkit.indicators.life_expectancy_gap_by_cause`).
    engine : str
        ``"duckdb"`` or ``"spark"``.
    model : str or None
        The segmentation model whose segments are cohorts, if any.
    optional_measures : tuple of str
        Measures of :data:`toolkit.data.contract.COHORT_CUBE_OPTIONAL_MEASURES` present.
    notes : tuple of str
        Plain-English notes on the data (no cause of death recorded, and so on).
    recorded_measures : tuple of str
        ``persons_<flag>_recorded`` for each optional yes/no flag present (``smoker``,
        ``bp_controlled``): the persons whose flag is recorded, true or false, so that a
        share of those with the status can leave out the persons with none recorded.
    """

    table: pd.DataFrame
    cohorts: pd.DataFrame
    left_out: pd.DataFrame
    mortality: pd.DataFrame
    engine: str
    model: str | None
    optional_measures: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    recorded_measures: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """Say what the cube holds in a few lines, not every row of its tables."""
        model = f", segments of {self.model}" if self.model else ""
        lines = [
            f"CohortCube: {len(self.cohorts)} cohorts, {len(self.table):,} cells "
            f"({self.engine}{model}); {len(self.left_out)} left out.",
            "  .table (the cube), .cohorts (persons per cohort), .left_out (with why), "
            ".mortality (life-table bands), .notes",
        ]
        lines.extend(f"  Note: {note}" for note in self.notes)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        shown = self.cohorts[["cohort", "label", "persons"]].rename(
            columns={"cohort": "Cohort", "label": "Who", "persons": "Persons"}
        )
        parts = [
            f"<p>Cohort cube: {len(self.cohorts)} cohorts, {len(self.table):,} cells "
            f"({html.escape(self.engine)}"
            + (f", segments of {html.escape(self.model)}" if self.model else "")
            + ").</p>",
            shown.to_html(index=False, escape=True),
        ]
        if len(self.left_out):
            items = "; ".join(
                f"{html.escape(str(label))} ({html.escape(str(reason))})"
                for label, reason in zip(
                    self.left_out["label"], self.left_out["reason"], strict=True
                )
            )
            parts.append(f"<p>{len(self.left_out)} cohort(s) left out: {items}.</p>")
        parts.extend(f"<p>{html.escape(note)}</p>" for note in self.notes)
        return "".join(parts)


# --------------------------------------------------------------------------------------
# build_cohort_cube
# --------------------------------------------------------------------------------------
def _plan(
    columns: Sequence[str], catalogue: Sequence[Cohort], model: SegmentationModel | None
) -> tuple[Plan, list[Cohort], list[tuple[str, str, str]]]:
    """Split the cohorts into those the table can build and those left out (with why)."""
    built: list[Cohort] = []
    left_out: list[tuple[str, str, str]] = []
    for cohort in catalogue:
        reason = missing_reason(cohort.condition, columns)
        if reason is None:
            built.append(cohort)
        else:
            left_out.append((cohort.id, cohort.label, reason))
    ethnic = "ethnic_group" in columns
    if not ethnic:
        left_out.append(
            (
                "ethnic_group",
                "People by recorded ethnic group",
                "the persons table has no 'ethnic_group' column",
            )
        )
    if model is not None:
        absent = sorted(model.columns - set(columns))
        counts = any(rule.condition.counts_all_conditions for rule in model.rules)
        reason = None
        if absent:
            listed = ", ".join(repr(name) for name in absent)
            reason = (
                f"the segmentation model {model.name!r} needs {listed}, which the persons "
                "table lacks"
            )
        elif counts and not set(columns).intersection(CONDITIONS):
            reason = (
                f"the segmentation model {model.name!r} counts long-term conditions, and the "
                "persons table has none of the condition flags"
            )
        if reason is not None:
            left_out.extend((cohort.id, cohort.label, reason) for cohort in segment_cohorts(model))
            model = None
    plan = Plan(
        blocks=block_cohorts(built),
        model=model,
        ethnic=ethnic,
        optional_sums=tuple(name for name in CAUSE_ADMISSION_COLUMNS if name in columns),
        optional_flags=tuple(name for name in OPTIONAL_PERSON_FLAGS if name in columns),
    )
    return plan, built, left_out


def _resolve_catalogue(cohorts: Any) -> tuple[Cohort, ...]:
    """Return the catalogue a ``cohorts`` argument (as declared for build_cohort_cube) names."""
    if cohorts is None or isinstance(cohorts, str | os.PathLike):
        return load_cohorts(cohorts)
    ids = [cohort.id for cohort in cohorts]
    repeated = sorted({name for name in ids if ids.count(name) > 1})
    if repeated:
        raise ValueError(
            "The 'cohorts' parameter of build_cohort_cube must have unique ids. "
            f"Got {', '.join(map(repr, repeated))} more than once."
        )
    reserved = [name for name in ids if name.startswith(RESERVED_PREFIXES)]
    if reserved:
        raise ValueError(
            "The 'cohorts' parameter of build_cohort_cube must not use ids starting with "
            "'segment_' or 'ethnic_group_' (build_cohort_cube adds those cohorts). "
            f"Got {reserved[0]!r} instead."
        )
    return tuple(cohorts)


@validate_params(
    {
        **ENGINE_PARAMETERS,
        "cohorts": [
            None,
            InstanceOf((str, os.PathLike), "the path of a cohorts file"),
            COHORTS_ARGUMENT,
        ],
        "model": [*MODEL, None],
    }
)
def build_cohort_cube(
    persons: pd.DataFrame | str | os.PathLike[str] | SparkDataFrame,
    *,
    cohorts: str | os.PathLike[str] | Sequence[Cohort] | None = None,
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel | None = DEFAULT_MODEL,
    engine: Engine = "duckdb",
    validate: bool = True,
    progress: bool = False,
    spark_session: SparkSession | None = None,
) -> CohortCube:
    """Count persons in every cohort they belong to, by age band, sex, IMD decile and place.

    Parameters
    ----------
    persons : pandas.DataFrame, path, folder, glob or Spark DataFrame
        The persons table of the data contract, as for :func:`build_cube`: a DataFrame, or
        Parquet or CSV files that the engine scans directly (a file, a folder or a glob);
        with ``engine="spark"`` also a Spark DataFrame.
    cohorts : path or sequence of Cohort, optional
        The catalogue of cohorts: by default the built-in one (:func:`load_cohorts`), or a
        TOML file of the same shape, or cohorts already loaded.
    model : str, path, SegmentationModel or None, default "bridges_to_health"
        Segmentation model whose segments become cohorts ``segment_<segment>`` (kind
        ``"segment"``, labelled with the model's labels): a built-in model
        (``"bridges_to_health"``, ``"age_ltc"``), a rules file or a model from
        :func:`load_rules`; None for no segment cohorts.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where to run the query.
    validate : bool, default True
        Check the values the cube depends on first, in the engine, exactly as
        :func:`build_cube` does.
    progress : bool, default False
        Show the steps as a progress bar.
    spark_session : pyspark.sql.SparkSession, optional
        Session for ``engine="spark"``; by default the active session, or a new local one.

    Returns
    -------
    CohortCube
        ``table`` (the tidy cube), ``cohorts``, ``left_out``, ``mortality``, ``engine``,
        ``model``, ``optional_measures``, ``notes`` and ``recorded_measures``. The
        table's columns are ``cohort, age_band, sex, imd_decile, place``, then ``persons,
        deaths, deaths_under_75``, ``deaths_<cause>`` for each of
        :data:`toolkit.data.contract.CAUSES_OF_DEATH`, the sum of each activity,
        ``persons_with_<activity>``, ``cost_gbp``, then any optional measures (the sum of
        each cause-specific admission column, ``persons_smoker``, ``persons_bp_controlled``)
        whose column the persons table has, then for each of those flags the persons with a
        recorded value, true or false (``persons_smoker_recorded``,
        ``persons_bp_controlled_recorded``; listed in ``recorded_measures``). Counts are
        int64, ``cost_gbp`` float64 and ``imd_decile`` nullable Int64. Rows are the
        non-empty cells, sorted by cohort (the catalogue's order, then ethnic groups
        alphabetically, then segments in the model's order), age band (ESP2013 order),
        sex, decile and place.

    Raises
    ------
    TypeError
        If an option has the wrong type.
    ValueError
        If ``engine`` is unknown, or cohort ids repeat.
    FileNotFoundError
        If the persons path, or a cohorts or rules file, does not exist.
    RuleError
        If a cohorts or rules file is malformed.
    DataContractError
        If a column every cohort cube needs is missing, a flag column holds text, or (with
        ``validate=True``) values break the checks of :func:`build_cube`.

    Notes
    -----
    A person is in a cohort when its rule holds (a comparison with a missing value is
    false, as in :func:`assign_segments`). Cohorts whose rule reads a column the persons
    table lacks are not built; they are listed in ``left_out`` with the reason (never
    dropped silently); so are the segment cohorts when the model needs a missing column.
    Ethnic-group cohorts (``ethnic_group_<name>``) are made for every value of
    ``ethnic_group`` present. ``deaths`` counts ``died``; ``deaths_under_75`` those who
    died aged under :data:`~toolkit.data.contract.PREMATURE_DEATH_AGE`;
    ``deaths_<cause>`` those who died with that ``cause_of_death`` (all 0, with a note,
    when the table has no ``cause_of_death`` column). ``persons_<flag>`` counts the
    persons whose flag is true (a blank counts as not); ``persons_<flag>_recorded`` those
    whose flag is true or false, so that the persons with no recorded value are
    ``persons - persons_<flag>_recorded``. ``mortality`` is the whole
    population by the 20 life-table bands; melt its ``deaths_<cause>`` columns into rows
    for :func:`toolkit.indicators.life_expectancy_gap_by_cause`.
    """
    check_engine(persons, engine, spark_session, "build_cohort_cube")
    catalogue = _resolve_catalogue(cohorts)
    resolved = None if model is None else load_rules(model)
    steps = tqdm(total=3 + validate, desc="cohort cube", unit="step", disable=not progress)
    try:
        # The connection closes before expanding, so that DuckDB's memory is freed first.
        with engine_source(engine, persons, spark_session, steps) as (con, source):
            queried = _query(
                con, source, catalogue, resolved, steps, validate=validate, engine=engine
            )
        return _assemble(queried, steps, engine)
    finally:
        steps.close()


@dataclass(frozen=True)
class _Queried:
    """What the engine returns: the aggregate, and what the plan left out."""

    raw: pa.Table
    plan: Plan
    built: list[Cohort]
    left_out: list[tuple[str, str, str]]
    label: str
    has_cause: bool


def _query(
    con: Any,
    source: Source,
    catalogue: Sequence[Cohort],
    model: SegmentationModel | None,
    steps: tqdm,
    *,
    validate: bool,
    engine: Engine,
) -> _Queried:
    table, label = source.table, source.label
    check_required_columns(table.columns, label)
    plan, built, left_out = _plan(table.columns, catalogue, model)
    steps.update()
    options = {
        "ethnic": plan.ethnic,
        "optional_sums": plan.optional_sums,
        "optional_flags": plan.optional_flags,
    }
    has_cause = "cause_of_death" in table.columns
    steps.set_postfix_str(
        "checking values and finding cohorts" if validate else "finding cohorts and aggregating"
    )
    fast = fast_aggregate(
        con,
        source,
        lambda persons, counts: cohort_expression(
            persons, plan.blocks, plan.model, counts=counts, **options
        ),
        validate=validate,
    )
    if fast is not None:
        steps.update(1 + validate)
        return _Queried(fast, plan, built, left_out, label, has_cause)
    if validate:
        check_source(con, source, steps, engine)
    try:
        expression = cohort_expression(table, plan.blocks, plan.model, **options)
    except DataContractError as error:
        raise DataContractError(f"The {label}: {error}", source=label) from None
    steps.set_postfix_str("finding cohorts and aggregating")
    raw = con.to_pyarrow(expression)
    steps.update()
    return _Queried(raw, plan, built, left_out, label, has_cause)


def _assemble(queried: _Queried, steps: tqdm, engine: Engine) -> CohortCube:
    steps.set_postfix_str("expanding into cohorts")
    plan = queried.plan
    cube, mortality, cohorts, facts = expand(queried.raw, plan, queried.built, queried.label)
    persons = np.bincount(
        pd.Categorical(cube["cohort"], categories=[c.id for c in cohorts]).codes,
        weights=cube["persons"].to_numpy(dtype="float64"),
        minlength=len(cohorts),
    )
    summary = pd.DataFrame(
        {
            "cohort": text_array([c.id for c in cohorts]),
            "kind": text_array([c.kind for c in cohorts]),
            "label": text_array([c.label for c in cohorts]),
            "when": text_array([c.when for c in cohorts]),
            "persons": persons.astype("int64"),
        }
    )
    left = pd.DataFrame(queried.left_out, columns=["cohort", "label", "reason"]).astype(TEXT_DTYPE)
    notes = []
    if not queried.has_cause:
        notes.append(
            "The persons table has no 'cause_of_death' column, so deaths by cause "
            f"({', '.join('deaths_' + c for c in CAUSES_OF_DEATH)}) are 0; 'deaths' and "
            "'deaths_under_75' count every death."
        )
    elif facts["other_cause_deaths"]:
        notes.append(
            f"{facts['other_cause_deaths']:,} of {facts['deaths']:,} deaths have no cause of "
            f"death among the broad groups ({', '.join(CAUSES_OF_DEATH)}): they count in "
            "'deaths' but in no 'deaths_<cause>'."
        )
    if facts["no_ethnic_group"]:
        notes.append(
            f"{facts['no_ethnic_group']:,} persons have no recorded ethnic group and are in no "
            "ethnic-group cohort."
        )
    steps.update()
    return CohortCube(
        table=cube,
        cohorts=summary,
        left_out=left,
        mortality=mortality,
        engine=engine,
        model=None if plan.model is None else plan.model.name,
        optional_measures=plan.optional_measures,
        notes=tuple(notes),
        recorded_measures=plan.recorded_measures,
    )


__all__ = [
    "CATALOGUE_KINDS",
    "COHORT_CUBE_DIMENSIONS",
    "COHORT_CUBE_OPTIONAL_MEASURES",
    "Cohort",
    "CohortCube",
    "build_cohort_cube",
    "cohort_expression",
    "load_cohorts",
]
