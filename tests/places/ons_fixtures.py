"""Small fixture geographies with the real ONS column names (written to files by conftest).

The geography is a made-up patch of Leeds in British National Grid: twelve 500 m square LSOA
2021 cells in a 4 x 3 grid, and an LSOA 2011 geography derived from it with one split (S), one
merge (M) and one complex change (X), so that every branch of the ONS lookup is exercised.
Column names are exactly those ONS publishes; codes are invented (E01 + 6 digits).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

ORIGIN_E, ORIGIN_N, SIDE = 428_000.0, 432_000.0, 500.0

#: 2021 codes in a 4 x 3 grid, row by row from the south-west corner.
CODES_2021 = [f"E01{900001 + i:06d}" for i in range(12)]


def _cell(i: int):
    column, row = i % 4, i // 4
    x, y = ORIGIN_E + column * SIDE, ORIGIN_N + row * SIDE
    return box(x, y, x + SIDE, y + SIDE)


def geography_2021() -> gpd.GeoDataFrame:
    cells = [_cell(i) for i in range(12)]
    names = [f"Leeds {100 + i}A" for i in range(12)]
    centroids = gpd.GeoSeries(cells, crs=27700).centroid
    lonlat = centroids.to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "FID": np.arange(1, 13),
            "LSOA21CD": CODES_2021,
            "LSOA21NM": names,
            "LSOA21NMW": [""] * 12,
            "BNG_E": centroids.x.round().astype(int),
            "BNG_N": centroids.y.round().astype(int),
            "LAT": lonlat.y.round(5),
            "LONG": lonlat.x.round(5),
            "GlobalID": [f"{{00000000-0000-0000-0000-{i:012d}}}" for i in range(12)],
        },
        geometry=cells,
        crs=27700,
    )


def _half(i: int, side: str):
    cell = _cell(i)
    x0, y0, x1, y1 = cell.bounds
    mid = (x0 + x1) / 2
    return box(x0, y0, mid, y1) if side == "west" else box(mid, y0, x1, y1)


#: The 2011 geography: (code, geometry, [(2021 code, CHGIND)]).
def _geography_2011_spec():
    c = CODES_2021
    spec = []
    # Cells 0 and 1 were one 2011 LSOA, split in 2021 (S).
    spec.append(("E01800001", _cell(0).union(_cell(1)), [(c[0], "S"), (c[1], "S")]))
    # Cell 2 was two 2011 LSOAs (west and east halves), merged in 2021 (M).
    spec.append(("E01800002", _half(2, "west"), [(c[2], "M")]))
    spec.append(("E01800003", _half(2, "east"), [(c[2], "M")]))
    # Cells 3 and 4 were redrawn (X): 2011 A = cell 3 + west half of cell 4, B = east half.
    spec.append(("E01800004", _cell(3).union(_half(4, "west")), [(c[3], "X"), (c[4], "X")]))
    spec.append(("E01800005", _half(4, "east"), [(c[4], "X")]))
    # Cells 5 to 11 unchanged (U), with new codes as ONS kept 2011 codes for them: reuse.
    for i in range(5, 12):
        spec.append((c[i], _cell(i), [(c[i], "U")]))
    return spec


def geography_2011() -> gpd.GeoDataFrame:
    spec = _geography_2011_spec()
    geometries = [geometry for _, geometry, _ in spec]
    centroids = gpd.GeoSeries(geometries, crs=27700).centroid
    lonlat = centroids.to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "FID": np.arange(1, len(spec) + 1),
            "LSOA11CD": [code for code, _, _ in spec],
            "LSOA11NM": [f"Leeds {code[-3:]}" for code, _, _ in spec],
            "LSOA11NMW": [""] * len(spec),
            "BNG_E": centroids.x.round().astype(int),
            "BNG_N": centroids.y.round().astype(int),
            "LONG": lonlat.x.round(5),
            "LAT": lonlat.y.round(5),
            "Shape__Area": [geometry.area for geometry in geometries],
            "Shape__Length": [geometry.length for geometry in geometries],
            "GlobalID": [f"{{10000000-0000-0000-0000-{i:012d}}}" for i in range(len(spec))],
        },
        geometry=geometries,
        crs=27700,
    )


def lookup_2011_2021() -> pd.DataFrame:
    names_2021 = dict(zip(geography_2021()["LSOA21CD"], geography_2021()["LSOA21NM"], strict=True))
    rows = []
    for code, _, targets in _geography_2011_spec():
        for target, change in targets:
            rows.append(
                {
                    "LSOA11CD": code,
                    "LSOA11NM": f"Leeds {code[-3:]}",
                    "LSOA21CD": target,
                    "LSOA21NM": names_2021[target],
                    "CHGIND": change,
                    "LAD22CD": "E08000035",
                    "LAD22NM": "Leeds",
                    "LAD22NMW": "",
                    "ObjectId": len(rows) + 1,
                }
            )
    return pd.DataFrame(rows)


def imd_file7(codes: list[str], names: list[str], vintage: str) -> pd.DataFrame:
    """A cut-down English IoD File 7 with the published headers of IoD2019 or IoD2025."""
    lad_year, population = (
        ("2019", "mid 2015 (excluding prisoners)")
        if vintage == "2011"
        else (
            "2024",
            "mid 2022",
        )
    )
    n = len(codes)
    scores = np.linspace(55.0, 4.0, n)
    return pd.DataFrame(
        {
            f"LSOA code ({vintage})": codes,
            f"LSOA name ({vintage})": names,
            f"Local Authority District code ({lad_year})": ["E08000035"] * n,
            f"Local Authority District name ({lad_year})": ["Leeds"] * n,
            "Index of Multiple Deprivation (IMD) Score": scores,
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": np.arange(
                1, n + 1
            )
            * 2000,
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)": (
                np.minimum(np.arange(n) * 10 // n + 1, 10)
            ),
            f"Total population: {population}": np.full(n, 1_600),
        }
    )
