"""Fixture files in the real ONS formats, written once per test session (see ons_fixtures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from .ons_fixtures import CODES_2021, geography_2011, geography_2021, lookup_2011_2021


@pytest.fixture(scope="session")
def ons_files(tmp_path_factory) -> dict[str, object]:
    """Write the fixture boundaries and lookup in every published format."""
    folder = tmp_path_factory.mktemp("ons")
    g21, g11 = geography_2021(), geography_2011()
    paths = {
        "gpkg_2021": folder / "LSOA_2021_EW_BFC_V10.gpkg",
        "geojson_2021": folder / "LSOA_2021_EW_BGC_V5.geojson",
        "shp_2021": folder / "LSOA_2021_EW_BSC_V4.shp",
        "gpkg_2011": folder / "LSOA_2011_EW_BFC_V3.gpkg",
        "shp_2011": folder / "LSOA_2011_EW_BGC_V3.shp",
        "geojson_2011": folder / "LSOA_2011_EW_BGC_V3.geojson",
        "lookup": folder / "LSOA11_LSOA21_LAD22_EW_LU.csv",
    }
    g21.to_file(paths["gpkg_2021"], driver="GPKG", layer="LSOA_2021_EW_BFC_V10")
    # ONS publishes GeoJSON in WGS 84 longitude/latitude.
    g21.to_crs(4326).to_file(paths["geojson_2021"], driver="GeoJSON")
    g21.to_file(paths["shp_2021"], driver="ESRI Shapefile")
    g11.to_file(paths["gpkg_2011"], driver="GPKG", layer="LSOA_2011_EW_BFC_V3")
    # Shapefile field names stop at 10 characters, as in the ONS downloads.
    g11.rename(columns={"Shape__Area": "Shape__Are", "Shape__Length": "Shape__Len"}).to_file(
        paths["shp_2011"], driver="ESRI Shapefile"
    )
    g11.to_crs(4326).to_file(paths["geojson_2011"], driver="GeoJSON")
    # ONS CSVs carry a UTF-8 byte order mark.
    lookup_2011_2021().to_csv(paths["lookup"], index=False, encoding="utf-8-sig")
    return {"folder": folder, **paths}


@pytest.fixture(scope="session")
def imd_2025_areas() -> pd.DataFrame:
    """An areas table on 2021 codes as ``read_areas`` returns it, with one code of no boundary."""
    codes = [*CODES_2021[:11], "E01999999"]  # cell 11 lacks IMD; one IMD row lacks a boundary
    return pd.DataFrame(
        {
            "lsoa": codes,
            "lsoa_name": [f"Leeds {100 + i}A" for i in range(11)] + ["Nowhere 001A"],
            "imd_score": np.linspace(60.0, 5.0, 12),
            "imd_decile": np.repeat(np.arange(1, 7), 2).astype("int64"),
            "population": np.full(12, 1_500, dtype="int64"),
            "place": ["North"] * 6 + ["South"] * 6,
        }
    )


@pytest.fixture(scope="session")
def demo_system():
    """A small demo system (about 40 neighbourhoods in 4 to 6 places) with segments."""
    from toolkit.data import make_demo_system
    from toolkit.segment import assign_segments

    system = make_demo_system(persons=60_000, seed=20261122)
    return system.areas, assign_segments(system.persons)
