"""The cube's one expression: persons segmented and aggregated, for every engine.

:func:`cube_expression` is the one entry point (re-exported by :mod:`toolkit.segment.cube`,
which runs it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from toolkit.data.contract import ACTIVITY_COLUMNS, ESP2013_BANDS
from toolkit.data.value_rules import without_nan
from toolkit.segment.model import SegmentationModel
from toolkit.segment.rules import to_ibis

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

#: Columns the cube reads besides those the model's rules read.
CUBE_INPUT_COLUMNS: tuple[str, ...] = (
    "age",
    "sex",
    "imd_decile",
    "died",
    *ACTIVITY_COLUMNS,
    "cost_gbp",
)

#: Names of the expression's integer codes of segment and age band.
SEGMENT_CODE = "_segment_code"
BAND_CODE = "_age_band_code"


def cube_expression(
    table: ir.Table,
    model: SegmentationModel,
    counts: Mapping[str, ir.BooleanValue] | None = None,
) -> ir.Table:
    """Return the Ibis expression that segments ``table`` and aggregates it into the cube.

    This is the single definition of segmentation and aggregation that every engine runs.
    Segments and age bands come out as integer codes (``_segment_code``, position in
    ``model.segments``; ``_age_band_code``, position in ``ESP2013_BANDS``), which
    :func:`toolkit.segment.build_cube` turns into labels on the small aggregated table.

    Parameters
    ----------
    table : ibis.expr.types.Table
        The persons table, with the columns of :data:`CUBE_INPUT_COLUMNS` and those the
        model's rules read; ``place`` is optional.
    model : SegmentationModel
        The segmentation model.
    counts : mapping of str to ibis.expr.types.BooleanValue, optional
        More measures to compute in the same group-by, after the cube's own: for each name,
        the number of rows where the flag is true (such as the rows that break a rule).

    Returns
    -------
    ibis.expr.types.Table
        One row per non-empty cell: the codes, ``sex``, ``imd_decile``, ``place`` (when
        present) and every measure of :data:`toolkit.data.contract.CUBE_MEASURES`, counts
        as 64-bit integers and ``cost_gbp`` as float64, then the ``counts``.
    """
    import ibis

    branches = [
        (to_ibis(rule.condition, table), ibis.literal(code, type="int16"))
        for rule, code in zip(model.rules[:-1], model.segment_of_rule[:-1], strict=True)
    ]
    catch_all = ibis.literal(model.segment_of_rule[-1], type="int16")
    segment = ibis.cases(*branches, else_=catch_all) if branches else catch_all

    age = without_nan(table["age"])
    band = (age // 5).clip(upper=len(ESP2013_BANDS) - 1).cast("int16")
    decile = without_nan(table["imd_decile"]).cast("int16")
    keys = {SEGMENT_CODE: segment, BAND_CODE: band, "sex": table["sex"], "imd_decile": decile}
    if "place" in table.columns:
        keys["place"] = table["place"]

    died = table["died"]
    if not died.type().is_boolean():
        died = died.cast("boolean")
    # Counts of persons as filtered counts: quicker than sums of 0/1 (a missing value is
    # counted in neither).
    measures: dict[str, ir.Value] = {
        "persons": table.count().cast("int64"),
        "deaths": table.count(where=died).cast("int64"),
    }
    for activity in ACTIVITY_COLUMNS:
        measures[activity] = table[activity].cast("int64").sum()
    for activity in ACTIVITY_COLUMNS:
        measures[f"persons_with_{activity}"] = table.count(where=table[activity] > 0).cast("int64")
    measures["cost_gbp"] = table["cost_gbp"].cast("float64").sum()
    for name, flag in (counts or {}).items():
        measures[name] = table.count(where=flag).cast("int64")
    return table.group_by(**keys).aggregate(**measures)


__all__ = ["CUBE_INPUT_COLUMNS", "cube_expression"]
