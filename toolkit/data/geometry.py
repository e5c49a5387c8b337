"""The geometry of an areas table: present, valid, in British National Grid; or repaired.

:func:`check_geometry` is the one entry point, called by
:func:`toolkit.data.validate_areas` and :func:`toolkit.data.read_areas` before the other
columns are checked.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.data.problems import (
    MAX_EXAMPLES,
    Problem,
    detail_problem,
    fail,
    raise_problems,
    row_problem,
)

#: The coordinate reference system of the areas' geometry (British National Grid).
AREAS_CRS: Final[str] = "EPSG:27700"

#: Where the message about invalid geometry says how to repair it.
GEOMETRY_REPAIR_HINT: Final[str] = (
    "Repair the shapes in GIS software (QGIS: Vector > Geometry Tools > Fix Geometries), or "
    "let the toolkit repair them with make_valid: pass repair_geometry=True (read_areas, "
    "validate_areas), add --repair-geometry to the command (`pophealth "
    "synth --areas FILE --repair-geometry`, `pophealth validate --kind areas "
    "--repair-geometry` or `pophealth report --repair-geometry`), or set `repair_geometry = "
    "true` in the report configuration."
)

#: Geometry types kept by the repair (an area must stay a polygon).
_POLYGONAL: Final[tuple[str, ...]] = ("Polygon", "MultiPolygon")


def _geometry_rows_problem(
    check: str, phrases: tuple[str, str], rows: Sequence[int], details: Sequence[str], hint: str
) -> Problem:
    """Describe geometry failing one check, with each example row's reason.

    Like :func:`row_problem`, but the reasons (such as "Self-intersection[0.5 0.5]") are
    shown whole rather than quoted and shortened, and ``hint`` follows the rows.
    """
    shown = [f"row {row}: {detail}" for row, detail in zip(rows, details, strict=True)]
    return detail_problem("geometry", check, phrases, rows, shown, advice=hint)


def _polygonal_part(shape: Any) -> Any:
    """Return the polygonal part of a repaired shape (a Polygon or MultiPolygon; or None)."""
    import shapely

    if shape is None or shape.is_empty:
        return None
    if shape.geom_type in _POLYGONAL:
        return shape
    polygons = [
        polygon
        for part in shapely.get_parts(shape)
        if part.geom_type in _POLYGONAL
        for polygon in shapely.get_parts(part)
        if not polygon.is_empty
    ]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def check_geometry(
    frame: pd.DataFrame,
    *,
    label: str,
    source: str | None,
    first_row: int = 2,
    repair_geometry: bool = False,
) -> tuple[pd.DataFrame, list[int]]:
    """Check an areas GeoDataFrame's geometry; reproject to EPSG:27700 with a warning.

    Every row needs a geometry, and every geometry must be valid (shapely's ``is_valid``:
    no self-intersections, rings closed, ...), since an invalid polygon stops the map being
    drawn. Validity is checked in the file's own coordinates, so that the location in a
    reason such as "Self-intersection[0.5 0.5]" can be found in the file, and again after
    reprojection. With ``repair_geometry``, invalid geometries are repaired with
    ``make_valid`` keeping only their polygonal parts; a warning names the rows.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, list of int)
        The checked (and possibly repaired) frame in EPSG:27700, and the spreadsheet row
        numbers of the geometries repaired (empty when none was).
    """
    import geopandas
    import shapely

    if frame.crs is None:
        fail(
            label,
            "crs",
            "the geometry has no coordinate reference system. Set it (British National Grid "
            "is EPSG:27700), for example gdf.set_crs(27700).",
            source=source,
        )
    geometry = frame.geometry
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    reasons = pd.Series(None, index=frame.index, dtype=object)
    checked = ~missing
    invalid = np.zeros(len(frame), dtype=bool)
    invalid[checked] = ~shapely.is_valid(geometry.to_numpy()[checked])
    if invalid.any():
        reasons.iloc[np.flatnonzero(invalid)] = shapely.is_valid_reason(
            geometry.to_numpy()[invalid]
        )
    if frame.crs.to_epsg() != 27700:
        warnings.warn(
            f"{label}: the geometry was in {frame.crs.to_string()}; it has been reprojected to "
            "British National Grid (EPSG:27700).",
            UserWarning,
            stacklevel=3,
        )
        frame = frame.to_crs(AREAS_CRS)
        shapes = frame.geometry.to_numpy()
        now_invalid = checked & ~invalid & ~shapely.is_valid(shapes)
        if now_invalid.any():
            found = shapely.is_valid_reason(shapes[now_invalid])
            reasons.iloc[np.flatnonzero(now_invalid)] = [
                f"{reason} once reprojected to British National Grid" for reason in found
            ]
            invalid |= now_invalid

    problems = []
    if missing.any():
        problems.append(
            row_problem(
                "geometry",
                "geometry",
                ("has no geometry", "have no geometry"),
                np.flatnonzero(missing),
                None,
                first_row,
            )
        )
    positions = np.flatnonzero(invalid)
    repaired: list[int] = []
    if len(positions) and not repair_geometry:
        problems.append(
            _geometry_rows_problem(
                "valid_geometry",
                ("has invalid geometry", "have invalid geometry"),
                [int(position) + first_row for position in positions],
                list(reasons.iloc[positions]),
                GEOMETRY_REPAIR_HINT,
            )
        )
    elif len(positions):
        shapes = frame.geometry.to_numpy().copy()
        fixed = shapely.make_valid(shapes[positions], method="structure", keep_collapsed=False)
        fixed = [_polygonal_part(shape) for shape in fixed]
        lost = [position for position, shape in zip(positions, fixed, strict=True) if shape is None]
        if lost:
            problems.append(
                _geometry_rows_problem(
                    "valid_geometry",
                    (
                        "has invalid geometry that cannot be repaired into a polygon",
                        "have invalid geometry that cannot be repaired into a polygon",
                    ),
                    [int(position) + first_row for position in lost],
                    [f"{reasons.iloc[position]}; no area is left" for position in lost],
                    "Correct the shapes in GIS software.",
                )
            )
        else:
            shapes[positions] = fixed
            frame = frame.set_geometry(
                geopandas.GeoSeries(
                    shapes, index=frame.index, crs=frame.crs, name=frame.geometry.name
                )
            )
            repaired = [int(position) + first_row for position in positions]
            shown = listed(
                (
                    f"row {row}: {reason}"
                    for row, reason in zip(
                        repaired[:MAX_EXAMPLES],
                        reasons.iloc[positions[:MAX_EXAMPLES]],
                        strict=False,
                    )
                ),
                most=MAX_EXAMPLES,
                total=len(repaired),
                final_and=False,
                sep="; ",
            )
            noun = (
                "1 row's geometry was"
                if len(repaired) == 1
                else f"{len(repaired):,} rows' geometries were"
            )
            warnings.warn(
                f"{label}: {noun} invalid and repaired with make_valid, keeping the polygonal "
                f"parts ({shown}). Check the repaired shapes on the map.",
                UserWarning,
                stacklevel=3,
            )
    if problems:
        raise_problems(problems, label=label, source=source, first_row=first_row)
    return frame, repaired


__all__ = ["AREAS_CRS", "GEOMETRY_REPAIR_HINT", "check_geometry"]
