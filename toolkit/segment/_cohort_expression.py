"""The engine side of the cohort cube: cohorts in blocks, and the one Ibis expression.

:func:`cohort_expression` is the single definition of cohort membership and aggregation
that DuckDB and Spark run (see :mod:`toolkit.segment.cohorts` for how it scales);
:func:`block_cohorts` packs the cohorts into the blocks it aggregates by, and
:class:`Plan` records them. Part of :mod:`toolkit.segment.cohorts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit._params import InstanceOf, SequenceOf, validate_params
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSES_OF_DEATH,
    CONDITIONS,
    ESP2013_BANDS,
    PREMATURE_DEATH_AGE,
    RECORDED_SUFFIX,
)
from toolkit.data.value_rules import without_nan
from toolkit.segment.cube import (
    IBIS_TABLE,
)
from toolkit.segment.model import (
    SEGMENTATION_MODEL,
    SegmentationModel,
)
from toolkit.segment.rules import (
    Condition,
    to_ibis,
)

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
from toolkit.segment._cohort_catalogue import Cohort

#: The 20 life-table age bands of :mod:`toolkit.indicators.life_expectancy` (Chiang II):
#: ``0``, ``1-4``, ``5-9``, ..., ``85-89``, ``90+``.
LIFE_TABLE_BANDS: tuple[str, ...] = ("0", "1-4", *ESP2013_BANDS[1:])

#: Most cohorts in one block of the engine's aggregate (see the module notes). Larger
#: blocks mean fewer rows per person but more distinct masks: at ten million persons
#: blocks of 4 to 16 took the same time, and 6 the least memory of those within it.
BLOCK_BITS = 6

# Columns of the engine's aggregate (stage 1).
BLOCK = "_block"
MASK = "_mask"
SEGMENT = "_segment_code"
ETHNIC = "_ethnic_group"
BAND = "_life_band"
CAUSE = "_cause"
FLAGS = "_flags"
#: Yes/no measures packed into each 64-bit word of the aggregate, and bits per field.
FLAGS_PER_WORD = 2
FLAG_BITS = 26
#: ``_cause`` for a person who did not die, and for a death whose cause is none of
#: :data:`CAUSES_OF_DEATH` (or not recorded).
ALIVE = -1
OTHER_CAUSE = len(CAUSES_OF_DEATH)
#: Life-table bands (by position) whose ages are all below PREMATURE_DEATH_AGE.
PREMATURE_BANDS = sum(
    1 for band in LIFE_TABLE_BANDS if int(band.rstrip("+").split("-")[0]) < PREMATURE_DEATH_AGE
)
if PREMATURE_BANDS >= len(LIFE_TABLE_BANDS) or LIFE_TABLE_BANDS[PREMATURE_BANDS] != (
    f"{PREMATURE_DEATH_AGE}-{PREMATURE_DEATH_AGE + 4}"
):  # pragma: no cover - guards the contract's constants
    raise ImportError("PREMATURE_DEATH_AGE must start a five-year life-table band.")


# --------------------------------------------------------------------------------------
# The plan: which cohorts, in which blocks
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """The cohorts computed in the engine as mask bits, and the blocks they fall in."""

    blocks: tuple[tuple[Cohort, ...], ...]
    model: SegmentationModel | None
    ethnic: bool
    optional_sums: tuple[str, ...]
    optional_flags: tuple[str, ...]

    @property
    def optional_measures(self) -> tuple[str, ...]:
        return (*self.optional_sums, *(f"persons_{flag}" for flag in self.optional_flags))

    @property
    def recorded_measures(self) -> tuple[str, ...]:
        """``persons_<flag>_recorded`` for each optional flag (see :func:`recorded_measure`)."""
        return tuple(recorded_measure(flag) for flag in self.optional_flags)


def recorded_measure(flag: str) -> str:
    """Name the measure counting the persons with a recorded value of ``flag``."""
    return f"persons_{flag}{RECORDED_SUFFIX}"


def missing_reason(condition: Condition, columns: Sequence[str]) -> str | None:
    absent = sorted(condition.columns - set(columns))
    if absent:
        listed = " or ".join(repr(name) for name in absent)
        noun = "column" if len(absent) == 1 else "columns"
        return f"the persons table has no {listed} {noun}"
    if condition.counts_all_conditions and not set(columns).intersection(CONDITIONS):
        return (
            "the persons table has none of the long-term condition flags that n_conditions() counts"
        )
    return None


def block_cohorts(cohorts: Sequence[Cohort]) -> tuple[tuple[Cohort, ...], ...]:
    """Split cohorts into the blocks of the engine's aggregate.

    Block 0 holds the population groups (with the segment and ethnic group it always
    carries). The other cohorts are grouped so that cohorts reading the same columns share
    a block ("people with COPD", "people with asthma" and "people with COPD or asthma"):
    a person then gives one row for all of them, and the block's masks vary no more than
    its columns do. Groups are packed into blocks of at most :data:`BLOCK_BITS` cohorts,
    largest first.
    """
    first = [cohort for cohort in cohorts if cohort.kind == "population_group"][:BLOCK_BITS]
    chosen = {id(cohort) for cohort in first}
    rest = [cohort for cohort in cohorts if id(cohort) not in chosen]

    # Group cohorts that share a column (age is shared too widely to tell anything).
    groups: list[list[Cohort]] = []
    columns: list[set[str]] = []
    for cohort in rest:
        own = set(cohort.condition.columns) - {"age"}
        if cohort.condition.counts_all_conditions:
            own.add("\0n_conditions")
        joined = [i for i, seen in enumerate(columns) if seen & own]
        merged = [cohort]
        for index in reversed(joined):
            merged = groups.pop(index) + merged
            own |= columns.pop(index)
        groups.append(merged)
        columns.append(own)
    pieces = [
        group[i : i + BLOCK_BITS] for group in groups for i in range(0, len(group), BLOCK_BITS)
    ]
    blocks: list[list[Cohort]] = []
    for piece in sorted(pieces, key=len, reverse=True):  # first fit, largest first
        room = next((b for b in blocks if len(b) + len(piece) <= BLOCK_BITS), None)
        if room is None:
            blocks.append(list(piece))
        else:
            room.extend(piece)
    order = {id(cohort): index for index, cohort in enumerate(rest)}
    blocks = [sorted(block, key=lambda cohort: order[id(cohort)]) for block in blocks]
    blocks.sort(key=lambda block: order[id(block[0])])
    return (tuple(first), *(tuple(block) for block in blocks))


# --------------------------------------------------------------------------------------
# The expression
# --------------------------------------------------------------------------------------
def _mask(bits: Sequence[ir.BooleanValue]) -> ir.IntegerValue:
    import ibis

    mask: ir.IntegerValue = ibis.literal(0, type="int64")
    for position, bit in enumerate(bits):
        mask = mask + ibis.ifelse(
            bit, ibis.literal(1 << position, type="int64"), ibis.literal(0, type="int64")
        )
    return mask


def _flag(value: ir.Value) -> ir.BooleanValue:
    if not value.type().is_boolean():
        value = value.cast("boolean")
    return value.fill_null(False)


def _recorded(value: ir.Value) -> ir.BooleanValue:
    """Whether a yes/no value is recorded: not blank (a float NaN is blank, as null)."""
    return without_nan(value).notnull()


@validate_params(
    {
        "table": [IBIS_TABLE],
        "blocks": [
            SequenceOf(
                SequenceOf(InstanceOf(Cohort, "a Cohort"), max_length=63),
                description="a sequence of blocks, each a sequence of at most 63 Cohort",
            )
        ],
        "model": [SEGMENTATION_MODEL, None],
        "ethnic": ["boolean"],
        "optional_sums": [SequenceOf("column")],
        "optional_flags": [SequenceOf("column")],
        "counts": ["mapping", None],
    }
)
def cohort_expression(
    table: ir.Table,
    blocks: Sequence[Sequence[Cohort]],
    model: SegmentationModel | None = None,
    *,
    ethnic: bool = True,
    optional_sums: Sequence[str] = (),
    optional_flags: Sequence[str] = (),
    counts: Mapping[str, ir.BooleanValue] | None = None,
) -> ir.Table:
    """Return the Ibis expression of the cohort cube's engine-side aggregate.

    This is the single definition of cohort membership and aggregation that every engine
    runs. Each person gives one row per block in which they belong to at least one cohort
    (block 0 always), with ``_mask`` the block's membership bits (bit ``i`` for the
    block's cohort ``i``); block-0 rows also carry the person's segment code and ethnic
    group. Rows are aggregated by those keys, life-table age band code, sex, IMD decile,
    place and cause of death (``_cause``: ``-1`` for persons who did not die, else the
    position of their ``cause_of_death`` in :data:`~toolkit.data.contract.CAUSES_OF_DEATH`,
    or its length for any other or no recorded cause).

    Parameters
    ----------
    table : ibis.expr.types.Table
        The persons table; it has every column the cohorts' rules read.
    blocks : sequence of sequences of Cohort
        The cohorts of each block, at most 63 each; block 0 may be empty.
    model : SegmentationModel, optional
        Segmentation model whose segment code block-0 rows carry.
    ethnic : bool, default True
        Whether block-0 rows carry the ``ethnic_group``.
    optional_sums : sequence of str
        Optional count columns to sum (cause-specific admissions).
    optional_flags : sequence of str
        Optional yes/no columns whose persons to count (``persons_<flag>``), and whose
        persons with a recorded value, true or false (``persons_<flag>_recorded``).
    counts : mapping of str to ibis.expr.types.BooleanValue, optional
        Flags over ``table`` whose persons to count too, each under its name (as float64,
        in block-0 rows only, so that each person counts once).

    Returns
    -------
    ibis.expr.types.Table
        The aggregate: the keys and ``persons`` (int64), then the sums of each activity,
        ``cost_gbp`` and the optional sums, as float64 (sums of whole numbers are exact
        below 2**53), the yes/no measures (``persons_with_<activity>``, ``persons_<flag>``
        and ``persons_<flag>_recorded``) packed :data:`FLAGS_PER_WORD` to a float64 word
        ``_flags_<n>`` of :data:`FLAG_BITS` bits each, then the ``counts``.
    """
    import ibis

    age = without_nan(table["age"])
    band = ibis.cases(
        (age < 0, -1),
        (age < 1, 0),
        (age < 5, 1),
        else_=((age // 5) + 1).clip(upper=len(LIFE_TABLE_BANDS) - 1),
    ).cast("int16")
    columns: dict[str, ir.Value] = {
        BAND: band,
        "sex": table["sex"],
        "imd_decile": without_nan(table["imd_decile"]).cast("int16"),
    }
    if "place" in table.columns:
        columns["place"] = table["place"]
    # The cause is looked at only for the persons who died (the first branch settles
    # everyone else), so its text comparisons cost little.
    died = _flag(table["died"])
    if "cause_of_death" in table.columns:
        cause = table["cause_of_death"]
        if not cause.type().is_string():
            cause = cause.cast("string")
        columns[CAUSE] = ibis.cases(
            (~died, ALIVE),
            *((cause == name, code) for code, name in enumerate(CAUSES_OF_DEATH)),
            else_=OTHER_CAUSE,
        ).cast("int16")
    else:
        columns[CAUSE] = ibis.ifelse(died, OTHER_CAUSE, ALIVE).cast("int16")
    if model is not None:
        branches = [
            (to_ibis(rule.condition, table), ibis.literal(code, type="int16"))
            for rule, code in zip(model.rules[:-1], model.segment_of_rule[:-1], strict=True)
        ]
        catch_all = ibis.literal(model.segment_of_rule[-1], type="int16")
        columns[SEGMENT] = ibis.cases(*branches, else_=catch_all) if branches else catch_all
    if ethnic:
        columns[ETHNIC] = table["ethnic_group"]
    keys = list(columns)
    masks = [f"{MASK}_{index}" for index in range(len(blocks))]
    for name, block in zip(masks, blocks, strict=True):
        columns[name] = _mask([to_ibis(cohort.condition, table) for cohort in block])
    # Counts are summed as float64: quicker than int64 (DuckDB sums int64 into 128-bit
    # integers) and exact while the sums stay below 2**53 (checked when expanding).
    for name in (*ACTIVITY_COLUMNS, "cost_gbp", *optional_sums):
        columns[name] = table[name].cast("float64")
    # Yes/no measures are packed two to a float64 word (26 bits each), which halves their
    # sums; a field cannot carry into the next while a group has fewer than 2**26
    # persons (checked when expanding), and the word's sum stays exact (below 2**52).
    # Each word is built in integers and cast: Ibis writes a float64 literal as ``1.0``,
    # which DuckDB reads as a DECIMAL, so the sums were 128-bit decimals. The order is
    # the activities, the optional flags, then whether each optional flag is recorded
    # (:func:`toolkit.segment._cohort_expand.expand` unpacks them in the same order).
    flags = [(table[activity] > 0).fill_null(False) for activity in ACTIVITY_COLUMNS]
    flags += [_flag(table[flag]) for flag in optional_flags]
    flags += [_recorded(table[flag]) for flag in optional_flags]
    zero = ibis.literal(0, type="int64")
    for index in range(0, len(flags), FLAGS_PER_WORD):
        word = zero
        for place, flag in enumerate(flags[index : index + FLAGS_PER_WORD]):
            word = word + ibis.ifelse(flag, ibis.literal(1 << (FLAG_BITS * place)), zero)
        columns[f"{FLAGS}_{index // FLAGS_PER_WORD}"] = word.cast("float64")
    for name, flag in (counts or {}).items():
        columns[name] = ibis.ifelse(flag, 1, 0).cast("float64")
    sums = [name for name in columns if name not in keys and name not in masks]
    persons = table.select(**columns)

    if len(blocks) == 1:
        rows = persons.mutate(**{BLOCK: ibis.literal(0, type="int16")}).rename({MASK: masks[0]})
    else:
        # The block number is cast once per block, in the table of block numbers (Spark
        # refuses a cast around the generator itself), not once per person and block in
        # every CASE that reads it: at a million persons the query took about 7% less.
        generated = ibis.range(len(blocks)).unnest().name(BLOCK).as_table()
        numbers = generated.select(generated[BLOCK].cast("int16").name(BLOCK))
        joined = persons.cross_join(numbers)
        block = joined[BLOCK]
        first = block == 0
        picked: dict[str, ir.Value] = {
            BLOCK: block,
            MASK: ibis.cases(*((block == i, joined[name]) for i, name in enumerate(masks))),
        }
        for name in (*keys, *sums):
            value = joined[name]
            picked[name] = (
                ibis.ifelse(first, value, ibis.null(value.type()))
                if name in (SEGMENT, ETHNIC, *(counts or {}))
                else value
            )
        rows = joined.select(**picked)
        rows = rows.filter((rows[BLOCK] == 0) | (rows[MASK] != 0))

    measures: dict[str, ir.Value] = {"persons": rows.count().cast("int64")}
    for name in sums:
        measures[name] = rows[name].sum()
    return rows.group_by([BLOCK, MASK, *keys]).aggregate(**measures)
