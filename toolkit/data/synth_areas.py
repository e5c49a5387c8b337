"""The synthetic demo system's areas: the fictional geography, or the caller's own areas.

:func:`make_areas` builds the fictional system's LSOAs (Voronoi cells clipped to the system
boundary, grown into places, with a smooth deprivation field); :func:`given_areas` takes
the caller's own areas instead, for :func:`toolkit.data.synth.make_demo_system`.
"""

from __future__ import annotations

import difflib
import heapq
import warnings
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from toolkit._words import listed
from toolkit.data.synth_assumptions import (
    AREAS_STREAM,
    BOUNDARY_HARMONICS,
    BOUNDARY_VERTICES,
    DEMO_CRS,
    FIRST_LSOA_NUMBER,
    IMD_DECILE_SHARES,
    IMD_SCORE_CUTS,
    LSOA_CODE_PREFIX,
    MIN_AREAS,
    PERSONS_PER_AREA,
    PLACE_NAMES,
    SYSTEM_CENTRE,
    SYSTEM_RADIUS_M,
)

#: Columns a given areas table must have; ``population`` is optional (equal shares).
GIVEN_AREA_COLUMNS: Final[tuple[str, ...]] = ("lsoa", "place", "imd_decile")


def _rows(mask: np.ndarray) -> str:
    """Name up to five rows of a table by position (from 0), and how many more there are."""
    rows = np.flatnonzero(mask)
    shown = listed(rows[:5].tolist(), total=len(rows), final_and=False)
    plural = "s" if len(rows) > 1 else ""
    return f"the row{plural} at position{plural} {shown} (counting the table's rows from 0)"


def _whole_column(
    areas: pd.DataFrame, column: str, where: str, low: int, high: int | None
) -> np.ndarray:
    """Return a given areas column as int64, or say plainly which rows are not usable."""
    values = pd.to_numeric(areas[column], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    blank = np.isnan(values)
    if blank.any():
        raise ValueError(f"{where} has a blank or non-numeric {column} in {_rows(blank)}.")
    bad = (values != np.round(values)) | (values < low)
    if high is not None:
        bad |= values > high
    if bad.any():
        bounds = f"{low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(
            f"{where} has a value of {column} that is not a whole number {bounds} in {_rows(bad)}."
        )
    return values.astype(np.int64)


def given_areas(areas: Any, persons: int, function: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Check a given areas table and share the persons out between its LSOAs.

    Returns a copy of the table (with ``population``, the persons placed in each LSOA, when
    it had none) and the number of persons to place in each row. Messages name the file
    the table was read from (``attrs["source"]``, which :func:`toolkit.data.read_areas`
    sets), or else the function it was given to. LSOAs that receive no one (fewer persons
    than LSOAs, or a small population) are counted in a ``UserWarning``.
    """
    if not isinstance(areas, pd.DataFrame):
        raise TypeError(
            f"The 'areas' parameter of {function} must be a pandas DataFrame (an areas table, "
            f"as toolkit.data.read_areas returns) or None. Got {type(areas).__name__} instead."
        )
    source = areas.attrs.get("source")
    where = (
        source if isinstance(source, str) and source else f"The 'areas' table given to {function}"
    )
    missing = [column for column in GIVEN_AREA_COLUMNS if column not in areas.columns]
    if missing:
        others = [str(name) for name in areas.columns if name not in GIVEN_AREA_COLUMNS]
        hints = [
            f"'{close[0]}' may be '{column}' misspelt"
            for column in missing
            if (close := difflib.get_close_matches(column, others, n=1, cutoff=0.6))
        ]
        hint = f" ({'; '.join(hints)})" if hints else ""
        raise ValueError(
            f"{where} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}"
            f"{hint}: it needs {', '.join(GIVEN_AREA_COLUMNS)} (and population, to share the "
            "persons out). Read your file with toolkit.data.read_areas."
        )
    if len(areas) == 0:
        raise ValueError(f"{where} has no rows: give at least one LSOA.")
    for column in ("lsoa", "place"):
        text = areas[column].astype("string").str.strip()
        blank = text.isna().to_numpy() | (text == "").fillna(False).to_numpy(bool)
        if blank.any():
            raise ValueError(f"{where} has a blank {column} in {_rows(blank)}.")
    duplicated = areas["lsoa"].astype("string").str.strip().duplicated(keep=False).to_numpy(bool)
    if duplicated.any():
        raise ValueError(
            f"{where} has the same lsoa more than once, in {_rows(duplicated)}: "
            "give one row per LSOA."
        )
    _whole_column(areas, "imd_decile", where, 1, 10)
    table = areas.copy()
    # A population column with no value at all is no population: equal shares, as without.
    if "population" in areas.columns and not areas["population"].isna().all():
        population = _whole_column(areas, "population", where, 0, None)
        if population.sum() == 0:
            raise ValueError(
                f"{where} has a population of 0 in every LSOA: persons cannot be shared "
                "out in proportion to it."
            )
        counts = _apportion(persons, population.astype(np.float64))
        _warn_unreached(where, persons, population > 0, counts)
        return table, counts
    warnings.warn(
        f"{where} has no population, so each of its {len(areas):,} LSOAs gets an "
        "equal share of the persons; its population is set to the persons placed in each.",
        UserWarning,
        stacklevel=3,
    )
    counts = _apportion(persons, np.ones(len(areas)))
    _warn_unreached(where, persons, np.ones(len(areas), dtype=bool), counts)
    table["population"] = counts
    return table, counts


def _warn_unreached(where: str, persons: int, peopled: np.ndarray, counts: np.ndarray) -> None:
    """Warn when LSOAs with a population receive no synthetic person, counting them."""
    reached = int((peopled & (counts > 0)).sum())
    total = int(peopled.sum())
    if reached == total:
        return
    noun = f"{total:,} LSOA{'s' if total != 1 else ''}"
    if total < len(peopled):
        noun += " with a population above 0"
    warnings.warn(
        f"{where} has {noun}, but {persons:,} persons shared out in proportion to population "
        f"reach only {reached:,} of them: the other {total - reached:,} receive no one. Give "
        "more persons to reach them all.",
        UserWarning,
        stacklevel=4,
    )


def areas_have_shapes(areas: pd.DataFrame) -> bool:
    """Whether an areas table is a GeoDataFrame with at least one shape."""
    if not isinstance(areas, gpd.GeoDataFrame) or areas.active_geometry_name is None:
        return False
    return bool((~areas.geometry.isna() & ~areas.geometry.is_empty).any())


def given_boundary(areas: pd.DataFrame) -> shapely.Geometry | None:
    """Return the union of the given areas' shapes, or None when they have none."""
    if not areas_have_shapes(areas):
        return None
    return areas.geometry.union_all()


def given_areas_name(areas: pd.DataFrame) -> str:
    """Describe a system synthesised on given areas: how many LSOAs and places."""
    places = areas["place"].astype("string").str.strip().nunique()
    return (
        f"Synthetic persons on {len(areas):,} given LSOA{'s' if len(areas) != 1 else ''} "
        f"in {places:,} place{'s' if places != 1 else ''}"
    )


def _boundary_radius(theta: np.ndarray) -> np.ndarray:
    wobble = np.ones_like(theta)
    for order, amplitude, phase in BOUNDARY_HARMONICS:
        wobble = wobble + amplitude * np.cos(order * theta + phase)
    return SYSTEM_RADIUS_M * wobble


def system_boundary() -> shapely.Polygon:
    """Return the boundary of the demo system in British National Grid coordinates.

    The boundary is the same for every seed: an irregular, star-shaped polygon of about
    800 km² centred on easting 400,000, northing 420,000 (the South Pennines would be
    about there; the system itself is fictional).

    Returns
    -------
    shapely.Polygon
        The boundary, coordinates in metres (EPSG:27700).
    """
    theta = np.linspace(0.0, 2.0 * np.pi, BOUNDARY_VERTICES, endpoint=False)
    radius = _boundary_radius(theta)
    x = SYSTEM_CENTRE[0] + radius * np.cos(theta)
    y = SYSTEM_CENTRE[1] + radius * np.sin(theta)
    return shapely.Polygon(np.column_stack([x, y]).round(1))


def _town_centres(rng: np.random.Generator, n_places: int) -> np.ndarray:
    """Return the centre of the central town and of each other town, shape (n, 2)."""
    core = np.array(SYSTEM_CENTRE) + np.array([-1_500.0, 1_000.0])
    angles = np.linspace(0.0, 2.0 * np.pi, n_places - 1, endpoint=False)
    angles = angles + rng.uniform(0.0, 2.0 * np.pi) + rng.uniform(-0.25, 0.25, n_places - 1)
    reach = rng.uniform(0.5, 0.68, n_places - 1) * _boundary_radius(angles)
    towns = np.array(SYSTEM_CENTRE) + reach[:, None] * np.column_stack(
        [np.cos(angles), np.sin(angles)]
    )
    return np.vstack([core, towns])


def _population_density(xy: np.ndarray, towns: np.ndarray) -> np.ndarray:
    """Relative population density: a dense core, smaller towns, a rural floor."""
    squared = ((xy[:, None, :] - towns[None, :, :]) ** 2).sum(axis=2)
    peaks = np.full(len(towns), 0.8)
    peaks[0] = 1.5
    spread = np.full(len(towns), 2_500.0)
    spread[0] = 4_500.0
    return 0.25 + (peaks * np.exp(-squared / (2.0 * spread**2))).sum(axis=1)


def _sample_seed_points(
    rng: np.random.Generator, n: int, boundary: shapely.Polygon, towns: np.ndarray
) -> np.ndarray:
    """Draw ``n`` points inside the boundary with density proportional to population."""
    shapely.prepare(boundary)
    xmin, ymin, xmax, ymax = boundary.bounds
    ceiling = 0.25 + 1.5 + 0.8 * (len(towns) - 1)
    found: list[np.ndarray] = []
    have = 0
    while have < n:
        m = max(8 * (n - have), 1_000)
        xy = np.column_stack([rng.uniform(xmin, xmax, m), rng.uniform(ymin, ymax, m)])
        keep = shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])
        keep &= rng.uniform(0.0, ceiling, m) < _population_density(xy, towns)
        found.append(xy[keep])
        have += int(keep.sum())
    return np.concatenate(found)[:n]


def _voronoi_cells(points: np.ndarray, boundary: shapely.Polygon) -> np.ndarray:
    """Voronoi cells of the points clipped to the boundary, one Polygon per point.

    Where clipping splits a cell, the pieces away from its seed point join the neighbouring
    cell they share most border with, so that every area is a single polygon (own code: the
    tiling rule is specific to this generator).
    """
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=boundary)
    )
    point_index, cell_index = shapely.STRtree(cells).query(
        shapely.points(points), predicate="within"
    )
    if len(point_index) != len(points) or len(np.unique(point_index)) != len(points):
        raise RuntimeError("Could not match Voronoi cells to their seed points.")
    ordered = np.empty(len(points), dtype=object)
    ordered[point_index] = cells[cell_index]
    clipped = shapely.intersection(ordered.astype(object), boundary)

    geoms = list(clipped)
    orphans: list[shapely.Geometry] = []
    for i in np.flatnonzero(shapely.get_type_id(clipped) != shapely.GeometryType.POLYGON):
        parts = shapely.get_parts(geoms[i])
        parts = parts[shapely.area(parts) > 0.0]
        home = shapely.contains_xy(parts, points[i, 0], points[i, 1])
        if not home.any():
            home = shapely.area(parts) == shapely.area(parts).max()
        geoms[i] = parts[np.flatnonzero(home)[0]]
        orphans.extend(parts[~home])
    for piece in orphans:
        current = np.array(geoms, dtype=object)
        shared = shapely.length(shapely.intersection(shapely.boundary(current), piece.boundary))
        j = int(np.argmax(shared))
        geoms[j] = shapely.union(geoms[j], piece)
    result = np.array(geoms, dtype=object)
    invalid = ~shapely.is_valid(result)
    result[invalid] = shapely.make_valid(result[invalid])
    return result


def _rook_neighbours(cells: np.ndarray) -> list[np.ndarray]:
    """Return, for each cell, the cells that share a border (not just a corner) with it."""
    left, right = shapely.STRtree(cells).query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(cells[left], cells[right]))
    keep = shared > 1e-3
    left, right = left[keep], right[keep]
    pairs = np.concatenate([np.column_stack([left, right]), np.column_stack([right, left])])
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    splits = np.searchsorted(pairs[:, 0], np.arange(1, len(cells)))
    return np.split(pairs[:, 1], splits)


def _grow_places(
    centroids: np.ndarray, neighbours: list[np.ndarray], towns: np.ndarray
) -> np.ndarray:
    """Assign every cell to a town's place by growing the places across shared borders.

    A multi-source best-first search from each town's nearest cell, ordered by distance to
    the town, so that places are compact and always contiguous (own code: a few lines on the
    adjacency lists; clustering libraries do not guarantee contiguity).
    """
    n = len(centroids)
    owner = np.full(n, -1)
    taken: set[int] = set()
    heap: list[tuple[float, int, int]] = []
    for place, town in enumerate(towns):
        distance = np.hypot(*(centroids - town).T)
        distance[list(taken)] = np.inf
        start = int(np.argmin(distance))
        taken.add(start)
        heap.append((0.0, start, place))
    heapq.heapify(heap)
    while heap:
        _, cell, place = heapq.heappop(heap)
        if owner[cell] >= 0:
            continue
        owner[cell] = place
        for other in neighbours[cell]:
            if owner[other] < 0:
                gap = float(np.hypot(*(centroids[other] - towns[place])))
                heapq.heappush(heap, (gap, int(other), place))
    if (owner < 0).any():
        raise RuntimeError("Some demo areas could not be reached from any town.")
    return owner


def _smooth_noise(rng: np.random.Generator, xy: np.ndarray, wavelength_m: float) -> np.ndarray:
    """Return a smooth random field with unit variance (a sum of random plane waves)."""
    components = 40
    direction = rng.uniform(0.0, 2.0 * np.pi, components)
    frequency = 2.0 * np.pi / (wavelength_m * rng.uniform(0.7, 1.5, components))
    phase = rng.uniform(0.0, 2.0 * np.pi, components)
    waves = np.column_stack([np.cos(direction), np.sin(direction)]) * frequency[:, None]
    return np.sqrt(2.0 / components) * np.cos(xy @ waves.T + phase).sum(axis=1)


def _deprivation_field(rng: np.random.Generator, xy: np.ndarray, towns: np.ndarray) -> np.ndarray:
    """Higher means more deprived: inner core, some mill towns, correlated noise."""
    distance = np.hypot(*(xy[:, None, :] - towns[None, :, :]).transpose(2, 0, 1))
    town_intensity = rng.uniform(-0.2, 1.1, len(towns))
    town_intensity[0] = 1.6
    spread = np.full(len(towns), 3_000.0)
    spread[0] = 5_000.0
    centres = (town_intensity * np.exp(-(distance**2) / (2.0 * spread**2))).sum(axis=1)
    outward = -0.35 * distance[:, 0] / 10_000.0
    return (
        centres
        + outward
        + 0.45 * _smooth_noise(rng, xy, 12_000.0)
        + 0.15 * rng.normal(size=len(xy))
    )


def _imd_from_field(field: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """National IMD deciles (by rank, in IMD_DECILE_SHARES) and scores within their cuts."""
    n = len(field)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-field, kind="stable")] = np.arange(n)
    quantile = (rank + 0.5) / n
    bounds = np.cumsum(IMD_DECILE_SHARES)
    bounds[-1] = 1.0
    decile = np.searchsorted(bounds, quantile) + 1
    cuts = np.asarray(IMD_SCORE_CUTS)
    score = np.empty(n)
    for d in range(1, 11):
        members = np.flatnonzero(decile == d)
        if len(members) == 0:
            continue
        order = members[np.argsort(rank[members])]
        position = (np.arange(len(order)) + 0.5) / len(order)  # 0 = most deprived end
        if d == 1:
            position = 1.0 - (1.0 - position) ** 2  # a long tail of very deprived areas
        score[order] = cuts[d - 1] - position * (cuts[d - 1] - cuts[d])
    return decile, np.round(score, 3)


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def make_areas(persons: int, seed: int) -> tuple[gpd.GeoDataFrame, shapely.Polygon]:
    """Build the areas table and the system boundary for a given size and seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(AREAS_STREAM,)))
    n_areas = max(MIN_AREAS, round(persons / PERSONS_PER_AREA))
    n_places = int(rng.integers(4, 7))
    boundary = system_boundary()
    towns = _town_centres(rng, n_places)
    points = _sample_seed_points(rng, n_areas, boundary, towns)
    cells = _voronoi_cells(points, boundary)
    centroids = shapely.get_coordinates(shapely.point_on_surface(cells))
    place_index = _grow_places(centroids, _rook_neighbours(cells), towns)
    decile, score = _imd_from_field(_deprivation_field(rng, centroids, towns))
    weights = np.clip(rng.lognormal(0.0, 0.15, n_areas), 0.6, 1.6)
    population = _apportion(persons, weights)

    # Code the areas place by place, north to south, as ONS numbers its small areas.
    order = np.lexsort((centroids[:, 0], -centroids[:, 1], place_index))
    place_names = np.array(PLACE_NAMES[:n_places], dtype=object)[place_index[order]]
    within = np.zeros(n_areas, dtype=np.int64)
    sorted_places = place_index[order]
    for place in range(n_places):
        members = sorted_places == place
        within[members] = np.arange(int(members.sum()))
    letters = np.array(list("ABCDE"))[within % 5]
    names = [
        f"{place} {number:03d}{letter}"
        for place, number, letter in zip(place_names, within // 5 + 1, letters, strict=True)
    ]
    codes = [f"{LSOA_CODE_PREFIX}{FIRST_LSOA_NUMBER + i:06d}" for i in range(n_areas)]
    areas = gpd.GeoDataFrame(
        {
            "lsoa": codes,
            "lsoa_name": names,
            "imd_score": score[order].astype(np.float64),
            "imd_decile": decile[order].astype(np.int64),
            "population": population[order].astype(np.int64),
            "place": place_names.tolist(),
        },
        geometry=gpd.GeoSeries(cells[order], crs=DEMO_CRS),
        crs=DEMO_CRS,
    )
    areas.attrs["imd_edition"] = "2019"  # the demo's deciles follow the IoD2019 pattern
    return areas, boundary
