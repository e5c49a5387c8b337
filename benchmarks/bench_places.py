"""Benchmark of toolkit.places at England's scale: 35,000 neighbourhoods (LSOAs).

Generates 35,000 Voronoi polygons in British National Grid grouped into 300 places, a fake
areas table and fake counts by LSOA, age band and sex, then times (median of several runs):

- ``area_indicators`` on the aggregated counts (1.33 million rows), and on persons;
- a static choropleth with place outlines saved to PNG at 150 dpi.

Baselines run in the same process: the indicators module's own functions plus a geopandas
dissolve (what ``area_indicators`` wraps), and geopandas' own ``plot(scheme="quantiles")``
saved the same way. Targets (issue 8): indicators under 5 s, map under 30 s.

Usage: ``.venv/bin/python benchmarks/bench_places.py [--quick] [--repeats N] [--hotspots]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_ENGLAND = 35_000
N_PLACES = 300
BANDS = np.array(
    ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49"]
    + ["50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
)


def make_geography(n: int, seed: int = 1):
    """Voronoi cells of random points in an England-sized box, grouped into places."""
    import geopandas as gpd
    import shapely
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = 130_000, 10_000, 655_000, 657_000
    # Denser in a few "cities", as LSOAs are.
    cities = rng.uniform((xmin, ymin), (xmax, ymax), size=(20, 2))
    spread = rng.normal(0, 25_000, size=(n // 2, 2)) + cities[rng.integers(0, 20, n // 2)]
    uniform = rng.uniform((xmin, ymin), (xmax, ymax), size=(n - n // 2, 2))
    xy = np.clip(np.vstack([spread, uniform]), (xmin + 1, ymin + 1), (xmax - 1, ymax - 1))
    frame = shapely.box(xmin, ymin, xmax, ymax)
    points = shapely.points(xy)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame)
    cells = shapely.intersection(np.asarray(cells.geoms), frame)
    # Put each cell in the row of its seed point.
    which = shapely.STRtree(cells).query(points, predicate="within")
    ordered = np.empty(n, dtype=object)
    ordered[which[0]] = cells[which[1]]
    centres = xy[rng.choice(n, N_PLACES if n >= 10 * N_PLACES else max(n // 100, 4), replace=False)]
    _, place = cKDTree(centres).query(xy)
    codes = np.char.add("E01", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    score = rng.gamma(2.0, 10.0, n)
    decile = 10 - np.minimum((pd.Series(score).rank(pct=True).to_numpy() * 10).astype(int), 9)
    return gpd.GeoDataFrame(
        {
            "lsoa": codes,
            "lsoa_name": np.char.add("Neighbourhood ", codes),
            "imd_score": score,
            "imd_decile": decile.astype("int64"),
            "population": rng.integers(1_000, 3_000, n).astype("int64"),
            "place": np.char.add("Place ", place.astype(str)),
        },
        geometry=ordered,
        crs=27700,
    )


def make_counts(areas, seed: int = 2) -> pd.DataFrame:
    """Persons and emergency admissions by LSOA, ESP2013 age band and sex."""
    rng = np.random.default_rng(seed)
    n = len(areas)
    persons = rng.integers(5, 60, size=n * 38)
    age_effect = np.tile(np.repeat(np.linspace(0.03, 0.4, 19), 2), n)
    deprivation = np.repeat(1.6 - areas["imd_decile"].to_numpy() / 10, 38)
    return pd.DataFrame(
        {
            "lsoa": np.repeat(areas["lsoa"].to_numpy(), 38),
            "age_band": np.tile(np.repeat(BANDS, 2), n),
            "sex": np.tile(["F", "M"], n * 19),
            "persons": persons,
            "emergency_admissions": rng.poisson(persons * age_effect * deprivation),
        }
    )


def make_persons(areas, count: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "person_id": np.arange(count).astype(str),
            "age": rng.integers(0, 100, count),
            "lsoa": areas["lsoa"].to_numpy()[rng.integers(0, len(areas), count)],
            "emergency_admissions": rng.poisson(0.12, count),
        }
    )


def timed(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,500 neighbourhoods, 1 run")
    parser.add_argument("--repeats", type=int, default=None, help="runs per timing (default 3)")
    parser.add_argument(
        "--hotspots", action="store_true", help="also time local Moran's I once (slow)"
    )
    parser.add_argument("--out", type=Path, default=None, help="folder for the PNG maps")
    args = parser.parse_args(argv)
    n = N_ENGLAND // 10 if args.quick else N_ENGLAND
    repeats = args.repeats or (1 if args.quick else 3)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_places_"))
    out.mkdir(parents=True, exist_ok=True)

    from matplotlib.figure import Figure

    from toolkit.indicators.rates import (
        directly_standardised_rate,
        indirectly_standardised_ratio,
    )
    from toolkit.places import area_indicators, choropleth, local_moran_hotspots

    start = time.perf_counter()
    areas = make_geography(n)
    counts = make_counts(areas)
    persons = make_persons(areas, count=57 * n)
    print(
        f"Generated {n:,} neighbourhoods in {areas['place'].nunique()} places, "
        f"{len(counts):,} count rows and {len(persons):,} persons in "
        f"{time.perf_counter() - start:.1f} s; {repeats} run(s) per timing, medians."
    )
    # Warm up imports (mapclassify, scipy.stats, esda) outside the timings.
    area_indicators(counts.iloc[:38], areas.iloc[:1])
    choropleth(areas.iloc[:50], "imd_score", title="warm-up").savefig(out / "warmup.png")

    def baseline_indicators():
        rates = directly_standardised_rate(
            counts,
            events="emergency_admissions",
            population="persons",
            age_band="age_band",
            by="lsoa",
        )
        reference = counts.groupby("age_band")[["emergency_admissions", "persons"]].sum()
        ratio = indirectly_standardised_ratio(
            counts,
            events="emergency_admissions",
            population="persons",
            age_band="age_band",
            reference_rates=reference["emergency_admissions"] / reference["persons"],
            by="lsoa",
        )
        places = areas[["place", "population", "geometry"]].dissolve("place", aggfunc="sum")
        return rates, ratio, places

    rows = []
    base_time, _ = timed(baseline_indicators, repeats)
    rows.append(("indicators baseline: DSR + ISR by LSOA + geopandas dissolve", base_time, None))
    for method in ("unary", "coverage"):
        seconds, result = timed(
            lambda method=method: area_indicators(counts, areas, dissolve_method=method), repeats
        )
        rows.append((f"area_indicators, counts, dissolve '{method}'", seconds, base_time))
    persons_time, _ = timed(
        lambda: area_indicators(persons, areas, dissolve_method="coverage"), repeats
    )
    rows.append((f"area_indicators, {len(persons):,} persons, 'coverage'", persons_time, None))
    indicators_time = min(seconds for label, seconds, _ in rows if "counts" in label)

    hoods, places = result.neighbourhoods, result.places
    title = "Emergency admissions per 100,000, age-standardised (ESP2013), 2024/25"

    def baseline_map():
        figure = Figure(figsize=(10.0, 8.0), layout="constrained")
        ax = figure.add_subplot()
        hoods.plot(column="value", scheme="quantiles", k=5, cmap="Blues", legend=True, ax=ax)
        places.boundary.plot(ax=ax, color="black", linewidth=1.1)
        ax.set_title(title)
        ax.set_axis_off()
        figure.savefig(out / "baseline.png", dpi=150)

    def our_map():
        figure = choropleth(
            hoods,
            "value",
            title=title,
            legend_title="per 100,000",
            places=places,
            place_labels=None,
            caption="Synthetic geography: 35,000 Voronoi cells.",
        )
        figure.savefig(out / "choropleth.png", dpi=150)

    map_base, _ = timed(baseline_map, repeats)
    rows.append(("map baseline: geopandas plot(scheme='quantiles') + PNG", map_base, None))
    map_time, _ = timed(our_map, repeats)
    rows.append(("choropleth + place outlines + PNG (150 dpi)", map_time, map_base))

    if args.hotspots:
        seconds, spots = timed(
            lambda: local_moran_hotspots(hoods, "value", permutations=99, seed=1), 1
        )
        rows.append(("local_moran_hotspots, 99 permutations (1 run)", seconds, None))

    width = max(len(label) for label, _, _ in rows)
    print(f"\n{'step':<{width}}  median s  vs baseline")
    for label, seconds, baseline in rows:
        ratio = f"{seconds / baseline:6.2f}x" if baseline else ""
        print(f"{label:<{width}}  {seconds:8.2f}  {ratio}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of the process: {peak_mb:,.0f} MB. Maps in {out}.")
    if not args.quick:
        ok = indicators_time < 5 and map_time < 30
        print(
            f"Targets: indicators < 5 s ({indicators_time:.2f} s), map < 30 s "
            f"({map_time:.2f} s): {'met' if ok else 'NOT met'}."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
