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
"""

from __future__ import annotations

import difflib
import html
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit._params import InstanceOf, SequenceOf, validate_params
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    COHORT_CUBE_DIMENSIONS,
    COHORT_CUBE_MEASURES,
    COHORT_CUBE_OPTIONAL_MEASURES,
    CONDITIONS,
    ESP2013_BANDS,
    OPTIONAL_PERSON_FLAGS,
    PREMATURE_DEATH_AGE,
)
from toolkit.defaults import DEFAULT_MODEL
from toolkit.errors import DataContractError
from toolkit.segment._duckdb_files import duckdb_table
from toolkit.segment._expression import without_nan
from toolkit.segment._fast import fast_aggregate
from toolkit.segment._sources import Engine, Source, check_required_columns
from toolkit.segment._spark import spark_source
from toolkit.segment.cube import (
    DUCKDB_CONFIG,
    ENGINE_PARAMETERS,
    IBIS_TABLE,
    TEXT_DTYPE,
    WHOLE_SYSTEM_PLACE,
    check_engine,
    check_source,
)
from toolkit.segment.model import (
    MODEL,
    SEGMENTATION_MODEL,
    BuiltinModel,
    SegmentationModel,
    load_rules,
)
from toolkit.segment.rules import (
    AllOf,
    AnyOf,
    Column,
    Comparison,
    Condition,
    Constant,
    Negation,
    RuleError,
    parse_condition,
    to_ibis,
)

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

CohortKind = Literal["condition", "condition_group", "population_group", "segment", "ethnic_group"]

#: Kinds a catalogue file may give; ``segment`` and ``ethnic_group`` cohorts are added by
#: :func:`build_cohort_cube` from the segmentation model and the data.
CATALOGUE_KINDS: tuple[str, ...] = ("condition", "condition_group", "population_group")

#: The 20 life-table age bands of :mod:`toolkit.indicators.life_expectancy` (Chiang II):
#: ``0``, ``1-4``, ``5-9``, ..., ``85-89``, ``90+``.
LIFE_TABLE_BANDS: tuple[str, ...] = ("0", "1-4", *ESP2013_BANDS[1:])

#: Most cohorts in one block of the engine's aggregate (see the module notes). Larger
#: blocks mean fewer rows per person but more distinct masks: at ten million persons
#: blocks of 4 to 16 took the same time, and 6 the least memory of those within it.
BLOCK_BITS = 6

_COHORT_KEYS = ("id", "kind", "label", "when")
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED_PREFIXES = ("segment_", "ethnic_group_")
_BUILTIN = "built-in cohorts catalogue"

# Columns of the engine's aggregate (stage 1).
_BLOCK = "_block"
_MASK = "_mask"
_SEGMENT = "_segment_code"
_ETHNIC = "_ethnic_group"
_BAND = "_life_band"
_CAUSE = "_cause"
_FLAGS = "_flags"
#: Yes/no measures packed into each 64-bit word of the aggregate, and bits per field.
_FLAGS_PER_WORD = 2
_FLAG_BITS = 26
#: ``_cause`` for a person who did not die, and for a death whose cause is none of
#: :data:`CAUSES_OF_DEATH` (or not recorded).
_ALIVE = -1
_OTHER_CAUSE = len(CAUSES_OF_DEATH)
#: Life-table bands (by position) whose ages are all below PREMATURE_DEATH_AGE.
_PREMATURE_BANDS = sum(
    1 for band in LIFE_TABLE_BANDS if int(band.rstrip("+").split("-")[0]) < PREMATURE_DEATH_AGE
)
if _PREMATURE_BANDS >= len(LIFE_TABLE_BANDS) or LIFE_TABLE_BANDS[_PREMATURE_BANDS] != (
    f"{PREMATURE_DEATH_AGE}-{PREMATURE_DEATH_AGE + 4}"
):  # pragma: no cover - guards the contract's constants
    raise ImportError("PREMATURE_DEATH_AGE must start a five-year life-table band.")

_COUNT_MEASURES = (
    "persons",
    *ACTIVITY_COLUMNS,
    *(f"persons_with_{activity}" for activity in ACTIVITY_COLUMNS),
)


# --------------------------------------------------------------------------------------
# Cohorts and the catalogue
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cohort:
    """One cohort of the cohort cube: who is in it, and what a board calls it.

    Attributes
    ----------
    id : str
        Short snake_case name, the ``cohort`` value in the cube (``"hypertension"``).
    kind : {"condition", "condition_group", "population_group", "segment", "ethnic_group"}
        What sort of cohort it is.
    label : str
        Board language, reading on its own: ``"People with high blood pressure"``.
    when : str
        The rule, in the grammar of :mod:`toolkit.segment.rules`.
    condition : Condition
        The parsed rule.
    """

    id: str
    kind: CohortKind
    label: str
    when: str
    condition: Condition


class _Catalogue:
    """Reads a cohorts file, raising one RuleError naming the file, cohort and field."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, message: str, cohort: str | None = None, key: str | None = None) -> RuleError:
        where = []
        if cohort is not None:
            where.append(f"cohort {cohort!r}")
        if key is not None:
            where.append(f"field {key!r}")
        prefix = ", ".join(where)
        return RuleError(f"{prefix}: {message}" if prefix else message, source=self.origin)

    def read(self, content: Any) -> tuple[Cohort, ...]:
        if not isinstance(content, Mapping):
            raise self.fail("the file must hold a [[cohorts]] list.")
        unknown = [key for key in content if key != "cohorts"]
        if unknown:
            raise self.fail(_unknown_key(unknown[0], ("cohorts",)) + ".")
        entries = content.get("cohorts")
        if not isinstance(entries, list) or not entries:
            raise self.fail(
                "the file has no cohorts: write each as a [[cohorts]] table with id, kind, "
                "label and when."
            )
        cohorts: list[Cohort] = []
        seen: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            cohort = self.entry(entry, number)
            if cohort.id in seen:
                raise self.fail(
                    "the id is used by an earlier cohort; ids must be unique.", cohort.id
                )
            seen.add(cohort.id)
            cohorts.append(cohort)
        return tuple(cohorts)

    def entry(self, entry: Any, number: int) -> Cohort:
        if not isinstance(entry, Mapping):
            raise self.fail(f"cohort number {number} must be a table (id, kind, label, when).")
        name = entry.get("id")
        if not isinstance(name, str) or not _ID_PATTERN.match(name):
            raise self.fail(
                f"cohort number {number} needs an id in snake_case (lower-case letters, digits "
                f"and underscores, starting with a letter). Got {name!r} instead.",
                key="id",
            )
        if name.startswith(_RESERVED_PREFIXES):
            raise self.fail(
                "ids starting with 'segment_' or 'ethnic_group_' are reserved for the cohorts "
                "build_cohort_cube adds from the segmentation model and the data.",
                name,
                "id",
            )
        for key in entry:
            if key not in _COHORT_KEYS:
                raise self.fail(_unknown_key(key, _COHORT_KEYS) + ".", name)
        kind = entry.get("kind")
        if kind not in CATALOGUE_KINDS:
            raise self.fail(
                f"must be one of {', '.join(map(repr, CATALOGUE_KINDS))}. Got {kind!r} instead.",
                name,
                "kind",
            )
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise self.fail(f"must be non-empty text. Got {label!r} instead.", name, "label")
        if "when" not in entry:
            raise self.fail('is missing: add when = "..." (the rule).', name, "when")
        when = entry["when"]
        if isinstance(when, bool):  # when = true in TOML
            when = "true" if when else "false"
        try:
            condition = parse_condition(when)
        except RuleError as error:
            raise self.fail(str(error), name, "when") from None
        return Cohort(name, kind, label.strip(), condition.text, condition)


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


@validate_params({"path": ["path", None]})
def load_cohorts(path: str | os.PathLike[str] | None = None) -> tuple[Cohort, ...]:
    """Read a catalogue of cohorts: the built-in one, or a TOML file of the same shape.

    Parameters
    ----------
    path : str or path, optional
        A TOML file of ``[[cohorts]]`` tables, each with ``id`` (snake_case, unique),
        ``kind`` (``"condition"``, ``"condition_group"`` or ``"population_group"``),
        ``label`` (board language) and ``when`` (a rule in the grammar of
        :mod:`toolkit.segment.rules`). By default the built-in catalogue
        (``toolkit/segment/models/cohorts.toml``).

    Returns
    -------
    tuple of Cohort
        The cohorts, in the file's order.

    Raises
    ------
    TypeError
        If ``path`` is not text or a path.
    FileNotFoundError
        If the file does not exist.
    RuleError
        If the file is malformed; the message names the file, the cohort and the field.

    Examples
    --------
    A catalogue file looks like this::

        [[cohorts]]
        id = "hypertension"
        kind = "condition"
        label = "People with high blood pressure"
        when = "hypertension"
    """
    if path is None:
        resource = resources.files("toolkit.segment").joinpath("models", "cohorts.toml")
        with resources.as_file(resource) as builtin:
            return _read_catalogue(builtin, _BUILTIN)
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"No cohorts file at {file}.")
    return _read_catalogue(file, file.name)


def _read_catalogue(path: Path, origin: str) -> tuple[Cohort, ...]:
    reader = _Catalogue(origin)
    try:
        with path.open("rb") as handle:
            content = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise reader.fail(f"the file is not valid TOML: {error}.") from None
    except UnicodeDecodeError:
        raise reader.fail("the file is not UTF-8 text.") from None
    return reader.read(content)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "blank"


def _ethnic_cohorts(values: Sequence[str]) -> list[Cohort]:
    """One cohort per recorded ethnic group, ids ``ethnic_group_<slug>``."""
    cohorts: list[Cohort] = []
    used: set[str] = set()
    for value in values:
        text = str(value)
        base = f"ethnic_group_{_slug(text)}"
        name, number = base, 2
        while name in used:
            name, number = f"{base}_{number}", number + 1
        used.add(name)
        tree = Comparison("==", Column("ethnic_group", "text"), Constant(value, "text"))
        when = f"ethnic_group == {text!r}"
        cohorts.append(
            Cohort(
                name,
                "ethnic_group",
                f"People recording their ethnic group as {text}",
                when,
                Condition(when, tree, frozenset({"ethnic_group"})),
            )
        )
    return cohorts


def _segment_cohorts(model: SegmentationModel) -> list[Cohort]:
    """One cohort per segment; its condition is the model's first-match rule spelt out.

    A person is in a segment when one of its rules holds and no earlier rule does, so the
    condition is ``not (earlier) and ... and (rule)`` for each of the segment's rules,
    joined by ``or``. The cube finds segments with the model itself (as
    :func:`build_cube` does); the condition says the same in the rules' grammar.
    """
    cohorts = []
    for segment in model.segments:
        branches: list[Any] = []
        texts: list[str] = []
        last = 0
        for index, rule in enumerate(model.rules):
            if rule.segment != segment:
                continue
            earlier = model.rules[:index]
            parts = [Negation(other.condition.tree) for other in earlier]
            words = [f"not ({other.condition.text})" for other in earlier]
            if not rule.condition.always_true or not parts:
                parts.append(rule.condition.tree)
                words.append(f"({rule.condition.text})" if earlier else rule.condition.text)
            branches.append(parts[0] if len(parts) == 1 else AllOf(tuple(parts)))
            texts.append(" and ".join(words))
            last = index
        tree = branches[0] if len(branches) == 1 else AnyOf(tuple(branches))
        when = texts[0] if len(texts) == 1 else " or ".join(f"({text})" for text in texts)
        columns = frozenset().union(*(rule.condition.columns for rule in model.rules[: last + 1]))
        cohorts.append(
            Cohort(
                f"segment_{segment}",
                "segment",
                model.labels.get(segment, segment.replace("_", " ").capitalize()),
                when,
                Condition(when, tree, columns),
            )
        )
    return cohorts


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CohortCube:
    """The cohort cube of overlapping cohorts, with what it holds and what was left out.

    Built by :func:`build_cohort_cube`.

    Attributes
    ----------
    table : pandas.DataFrame
        The tidy cube: ``cohort, age_band, sex, imd_decile, place`` then ``persons,
        deaths, deaths_under_75``, ``deaths_<cause>`` for each broad cause, the sum of each
        activity, ``persons_with_<activity>``, ``cost_gbp`` and any optional measures.
        One row per non-empty cell; a person is counted in every cohort they belong to.
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
    """

    table: pd.DataFrame
    cohorts: pd.DataFrame
    left_out: pd.DataFrame
    mortality: pd.DataFrame
    engine: str
    model: str | None
    optional_measures: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the cube's table."""
        return self.table.copy()

    def __len__(self) -> int:
        return len(self.table)

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
# The plan: which cohorts, in which blocks
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    """The cohorts computed in the engine as mask bits, and the blocks they fall in."""

    blocks: tuple[tuple[Cohort, ...], ...]
    model: SegmentationModel | None
    ethnic: bool
    optional_sums: tuple[str, ...]
    optional_flags: tuple[str, ...]

    @property
    def optional_measures(self) -> tuple[str, ...]:
        return (*self.optional_sums, *(f"persons_{flag}" for flag in self.optional_flags))


def _missing_reason(condition: Condition, columns: Sequence[str]) -> str | None:
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


def _blocks(cohorts: Sequence[Cohort]) -> tuple[tuple[Cohort, ...], ...]:
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


#: Cohorts given as objects (:class:`Cohort`), not a catalogue file.
_COHORTS = SequenceOf(InstanceOf(Cohort, "a Cohort"), description="a sequence of Cohort")


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
        Optional yes/no columns whose persons to count (``persons_<flag>``).
    counts : mapping of str to ibis.expr.types.BooleanValue, optional
        Flags over ``table`` whose persons to count too, each under its name (as float64,
        in block-0 rows only, so that each person counts once).

    Returns
    -------
    ibis.expr.types.Table
        The aggregate: the keys and ``persons`` (int64), then the sums of each activity,
        ``persons_with_<activity>``, ``cost_gbp`` and the optional measures, as float64
        (sums of whole numbers are exact below 2**53), then the ``counts``.
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
        _BAND: band,
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
        columns[_CAUSE] = ibis.cases(
            (~died, _ALIVE),
            *((cause == name, code) for code, name in enumerate(CAUSES_OF_DEATH)),
            else_=_OTHER_CAUSE,
        ).cast("int16")
    else:
        columns[_CAUSE] = ibis.ifelse(died, _OTHER_CAUSE, _ALIVE).cast("int16")
    if model is not None:
        branches = [
            (to_ibis(rule.condition, table), ibis.literal(code, type="int16"))
            for rule, code in zip(model.rules[:-1], model.segment_of_rule[:-1], strict=True)
        ]
        catch_all = ibis.literal(model.segment_of_rule[-1], type="int16")
        columns[_SEGMENT] = ibis.cases(*branches, else_=catch_all) if branches else catch_all
    if ethnic:
        columns[_ETHNIC] = table["ethnic_group"]
    keys = list(columns)
    masks = [f"{_MASK}_{index}" for index in range(len(blocks))]
    for name, block in zip(masks, blocks, strict=True):
        columns[name] = _mask([to_ibis(cohort.condition, table) for cohort in block])
    # Counts are summed as float64: quicker than int64 (DuckDB sums int64 into 128-bit
    # integers) and exact while the sums stay below 2**53 (checked when expanding).
    for name in (*ACTIVITY_COLUMNS, "cost_gbp", *optional_sums):
        columns[name] = table[name].cast("float64")
    # Yes/no measures are packed two to a float64 word (26 bits each), which halves their
    # sums; a field cannot carry into the next while a group has fewer than 2**26
    # persons (checked when expanding), and the word's sum stays exact (below 2**52).
    flags = [(table[activity] > 0).fill_null(False) for activity in ACTIVITY_COLUMNS]
    flags += [_flag(table[flag]) for flag in optional_flags]
    for index in range(0, len(flags), _FLAGS_PER_WORD):
        word = ibis.literal(0.0, type="float64")
        for place, flag in enumerate(flags[index : index + _FLAGS_PER_WORD]):
            one = ibis.literal(float(1 << (_FLAG_BITS * place)), type="float64")
            word = word + ibis.ifelse(flag, one, ibis.literal(0.0, type="float64"))
        columns[f"{_FLAGS}_{index // _FLAGS_PER_WORD}"] = word
    one, zero = ibis.literal(1.0, type="float64"), ibis.literal(0.0, type="float64")
    for name, flag in (counts or {}).items():
        columns[name] = ibis.ifelse(flag, one, zero)
    sums = [name for name in columns if name not in keys and name not in masks]
    persons = table.select(**columns)

    if len(blocks) == 1:
        rows = persons.mutate(**{_BLOCK: ibis.literal(0, type="int16")}).rename({_MASK: masks[0]})
    else:
        # (Spark refuses a cast around the generator, so the block number is cast after.)
        numbers = ibis.range(len(blocks)).unnest().name(_BLOCK).as_table()
        joined = persons.cross_join(numbers)
        block = joined[_BLOCK].cast("int16")
        first = block == 0
        picked: dict[str, ir.Value] = {
            _BLOCK: block,
            _MASK: ibis.cases(*((block == i, joined[name]) for i, name in enumerate(masks))),
        }
        for name in (*keys, *sums):
            value = joined[name]
            picked[name] = (
                ibis.ifelse(first, value, ibis.null(value.type()))
                if name in (_SEGMENT, _ETHNIC, *(counts or {}))
                else value
            )
        rows = joined.select(**picked)
        rows = rows.filter((rows[_BLOCK] == 0) | (rows[_MASK] != 0))

    measures: dict[str, ir.Value] = {"persons": rows.count().cast("int64")}
    for name in sums:
        measures[name] = rows[name].sum()
    return rows.group_by([_BLOCK, _MASK, *keys]).aggregate(**measures)


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


def _text_array(values: Any) -> Any:
    return pd.array(np.asarray(values, dtype=object), dtype=TEXT_DTYPE)


class _Aggregate:
    """The engine's aggregate as NumPy codes: each row's cell, and its cohort memberships.

    Codes of ``sex``, ``imd_decile`` and ``place`` are positions among their sorted
    values (missing last), so that sorting cells sorts the cube as :func:`build_cube`
    sorts its cube.
    """

    def __init__(self, raw: pa.Table, plan: _Plan, catalogue: Sequence[Cohort]) -> None:
        self.block = _integers(raw, _BLOCK, 0)
        self.first = np.flatnonzero(self.block == 0)
        band = _integers(raw, _BAND, len(LIFE_TABLE_BANDS))
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
            ethnic, uniques = _codes(raw[_ETHNIC].take(self.first).to_pandas())
            self.ethnic_groups = list(uniques)
            self.no_ethnic = ethnic >= len(uniques)
        self.cohorts = [*catalogue, *_ethnic_cohorts(self.ethnic_groups)]
        if plan.model is not None:
            self.cohorts.extend(_segment_cohorts(plan.model))
        position = {cohort.id: index for index, cohort in enumerate(self.cohorts)}
        mask = _integers(raw, _MASK, 0)
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
            segment = _integers(raw, _SEGMENT, 0)
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
            "age_band": _text_array(np.asarray([*labels, None], dtype=object)[bands]),
            "sex": _text_array(np.asarray([*self.sexes, None], dtype=object)[sex]),
            "imd_decile": pd.array(
                np.asarray([*self.deciles, None], dtype=object)[decile], dtype="Int64"
            ),
            "place": _text_array(np.asarray([*self.places, None], dtype=object)[place]),
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


def _expand(
    raw: pa.Table, plan: _Plan, catalogue: Sequence[Cohort], label: str
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
    if len(persons) and persons.max() >= 1 << _FLAG_BITS:  # pragma: no cover - 67M alike
        raise DataContractError(
            f"The {label} has 2**{_FLAG_BITS} or more persons alike in one cell of the "
            "cohort cube, more than it can count exactly.",
            source=label,
        )
    values: dict[str, np.ndarray] = {"persons": persons}
    for name in (*ACTIVITY_COLUMNS, "cost_gbp", *plan.optional_sums):
        values[name] = pc.fill_null(raw[name], 0.0).to_numpy(zero_copy_only=False)
    flags = [
        *(f"persons_with_{activity}" for activity in ACTIVITY_COLUMNS),
        *(f"persons_{flag}" for flag in plan.optional_flags),
    ]
    for index, name in enumerate(flags):
        packed = raw[f"{_FLAGS}_{index // _FLAGS_PER_WORD}"]
        word = _exact(pc.fill_null(packed, 0.0).to_numpy(zero_copy_only=False), name, label)
        values[name] = (word >> (_FLAG_BITS * (index % _FLAGS_PER_WORD))) & ((1 << _FLAG_BITS) - 1)
    cause = _integers(raw, _CAUSE, _ALIVE)
    dead = cause != _ALIVE
    premature = dead & ((band < _PREMATURE_BANDS) | aggregate.negative_age)
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
            "cohort": _text_array(np.asarray([c.id for c in cohorts], dtype=object)[which]),
            **aggregate.decode(cell, ESP2013_BANDS),
        }
    )
    for name in (*COHORT_CUBE_MEASURES, *plan.optional_measures):
        table[name] = (
            sums[name].astype("float64") if name == "cost_gbp" else _exact(sums[name], name, label)
        )

    # Mortality: the whole population (block-0 rows) by life-table band.
    first = aggregate.first
    cells, n_cells = aggregate.cells(band, len(LIFE_TABLE_BANDS) + 1)
    wanted = ["persons", "deaths", *(f"deaths_{name}" for name in CAUSES_OF_DEATH)]
    keys, sums = summed(cells[first], n_cells, first, {"persons": persons})
    mortality = pd.DataFrame(aggregate.decode(keys, LIFE_TABLE_BANDS))
    for name in wanted:
        mortality[name] = _exact(sums[name], name, label)

    facts = {
        "deaths": int(mortality["deaths"].sum()),
        "other_cause_deaths": int(persons[first][cause[first] == _OTHER_CAUSE].sum()),
        "no_ethnic_group": int(persons[first][aggregate.no_ethnic].sum()) if plan.ethnic else 0,
    }
    return table, mortality, cohorts, facts


# --------------------------------------------------------------------------------------
# build_cohort_cube
# --------------------------------------------------------------------------------------
def _plan(
    columns: Sequence[str], catalogue: Sequence[Cohort], model: SegmentationModel | None
) -> tuple[_Plan, list[Cohort], list[tuple[str, str, str]]]:
    """Split the cohorts into those the table can build and those left out (with why)."""
    built: list[Cohort] = []
    left_out: list[tuple[str, str, str]] = []
    for cohort in catalogue:
        reason = _missing_reason(cohort.condition, columns)
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
            left_out.extend((cohort.id, cohort.label, reason) for cohort in _segment_cohorts(model))
            model = None
    plan = _Plan(
        blocks=_blocks(built),
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
    reserved = [name for name in ids if name.startswith(_RESERVED_PREFIXES)]
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
            _COHORTS,
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
        ``model``, ``optional_measures`` and ``notes``. The table's columns are
        ``cohort, age_band, sex, imd_decile, place``, then ``persons, deaths,
        deaths_under_75``, ``deaths_<cause>`` for each of
        :data:`toolkit.data.contract.CAUSES_OF_DEATH`, the sum of each activity,
        ``persons_with_<activity>``, ``cost_gbp``, then any optional measures (the sum of
        each cause-specific admission column, ``persons_smoker``, ``persons_bp_controlled``)
        whose column the persons table has. Counts are int64, ``cost_gbp`` float64 and
        ``imd_decile`` nullable Int64. Rows are the non-empty cells, sorted by cohort (the
        catalogue's order, then ethnic groups alphabetically, then segments in the model's
        order), age band (ESP2013 order), sex, decile and place.

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
    when the table has no ``cause_of_death`` column). ``mortality`` is the whole
    population by the 20 life-table bands; melt its ``deaths_<cause>`` columns into rows
    for :func:`toolkit.indicators.life_expectancy_gap_by_cause`.
    """
    builders = {"duckdb": _on_duckdb, "spark": _on_spark}
    check_engine(persons, engine, spark_session, "build_cohort_cube")
    catalogue = _resolve_catalogue(cohorts)
    resolved = None if model is None else load_rules(model)
    steps = tqdm(total=3 + validate, desc="cohort cube", unit="step", disable=not progress)
    try:
        return builders[engine](persons, catalogue, resolved, steps, spark_session, validate)
    finally:
        steps.close()


@dataclass(frozen=True)
class _Queried:
    """What the engine returns: the aggregate, and what the plan left out."""

    raw: pa.Table
    plan: _Plan
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
    cube, mortality, cohorts, facts = _expand(queried.raw, plan, queried.built, queried.label)
    persons = np.bincount(
        pd.Categorical(cube["cohort"], categories=[c.id for c in cohorts]).codes,
        weights=cube["persons"].to_numpy(dtype="float64"),
        minlength=len(cohorts),
    )
    summary = pd.DataFrame(
        {
            "cohort": _text_array([c.id for c in cohorts]),
            "kind": _text_array([c.kind for c in cohorts]),
            "label": _text_array([c.label for c in cohorts]),
            "when": _text_array([c.when for c in cohorts]),
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
    )


def _on_duckdb(
    persons: Any,
    catalogue: Sequence[Cohort],
    model: SegmentationModel | None,
    steps: tqdm,
    spark_session: Any,
    validate: bool,
) -> CohortCube:
    import ibis

    con = ibis.duckdb.connect(**DUCKDB_CONFIG)
    try:
        con.raw_sql("SET enable_progress_bar = false")
        steps.set_postfix_str("reading")
        source = duckdb_table(con, persons)
        queried = _query(con, source, catalogue, model, steps, validate=validate, engine="duckdb")
    finally:
        con.disconnect()  # before expanding: DuckDB's memory is freed first
    return _assemble(queried, steps, "duckdb")


def _on_spark(
    persons: Any,
    catalogue: Sequence[Cohort],
    model: SegmentationModel | None,
    steps: tqdm,
    spark_session: Any,
    validate: bool,
) -> CohortCube:
    with spark_source(persons, spark_session, steps) as (con, source):
        queried = _query(con, source, catalogue, model, steps, validate=validate, engine="spark")
    return _assemble(queried, steps, "spark")


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
