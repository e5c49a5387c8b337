from __future__ import annotations

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal import weights
from numpy.testing import assert_allclose, assert_array_equal
from shapely.geometry import box

from toolkit.places import local_moran_hotspots
from toolkit.places.hotspots import CLUSTER_LABELS


def grid(n: int = 12, side: float = 400.0, seed: int = 0) -> gpd.GeoDataFrame:
    """An n x n grid of squares with noise and a planted 4 x 4 block of high values."""
    rng = np.random.default_rng(seed)
    cells, values, planted = [], [], []
    for row in range(n):
        for column in range(n):
            x, y = 430_000 + column * side, 430_000 + row * side
            cells.append(box(x, y, x + side, y + side))
            inside = row < 4 and column < 4
            planted.append(inside)
            values.append(rng.normal(100, 10) + (80 if inside else 0))
    return gpd.GeoDataFrame(
        {"lsoa": [f"E01{i:06d}" for i in range(n * n)], "rate": values, "planted": planted},
        geometry=cells,
        crs=27700,
    )


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_matches_esda_for_the_same_weights_and_seed(demo_system):
    areas, _ = demo_system
    rng = np.random.default_rng(5)
    areas = areas.assign(rate=areas["imd_score"] * 10 + rng.normal(0, 20, len(areas)))
    result = local_moran_hotspots(areas, "rate", permutations=199, seed=7, correction="none")

    w = weights.Queen.from_dataframe(areas, use_index=False)
    reference = esda.Moran_Local(
        areas["rate"].to_numpy(), w, transformation="r", permutations=199, seed=7
    )
    assert_allclose(result.areas["local_moran_i"], reference.Is, rtol=1e-12)
    assert_array_equal(result.areas["local_moran_p"], reference.p_sim)
    quadrants = pd.Series(reference.q).map(
        {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
    )
    assert result.areas["moran_quadrant"].tolist() == quadrants.tolist()
    flagged = (reference.q == 1) & (reference.p_sim < 0.05)
    assert_array_equal(result.areas["hot_spot"].to_numpy(), flagged)
    global_i = esda.Moran(areas["rate"].to_numpy(), w, permutations=199)
    assert result.global_moran_i == pytest.approx(global_i.I, rel=1e-12)
    assert result.tested == len(areas)


def test_planted_cluster_is_found_and_noise_is_not():
    areas = grid()
    result = local_moran_hotspots(areas, "rate", permutations=999, seed=1)
    flagged = result.areas["hot_spot"].to_numpy()
    planted = areas["planted"].to_numpy()
    # Most of the planted block is flagged; almost nothing outside it is.
    assert flagged[planted].mean() >= 0.75
    assert flagged[~planted].mean() <= 0.05
    assert result.global_p_value <= 0.01
    assert "999 permutations, seed 1" in str(result)

    noise = areas.assign(rate=np.random.default_rng(9).normal(100, 10, len(areas)))
    quiet = local_moran_hotspots(noise, "rate", permutations=999, seed=1)
    assert quiet.areas["hot_spot"].mean() <= 0.06


def test_same_seed_same_answer_and_global_state_untouched():
    areas = grid()
    np.random.seed(123)  # noqa: NPY002 - checking that the caller's global state survives
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    first = local_moran_hotspots(areas, "rate", permutations=199, seed=4)
    after = np.random.get_state()[1]  # noqa: NPY002
    assert_array_equal(before, after)
    second = local_moran_hotspots(areas, "rate", permutations=199, seed=4)
    assert_array_equal(first.areas["local_moran_p"], second.areas["local_moran_p"])
    other = local_moran_hotspots(areas, "rate", permutations=199, seed=5)
    assert not np.array_equal(first.areas["local_moran_p"], other.areas["local_moran_p"])


def test_missing_values_and_islands_are_not_tested_but_listed():
    areas = grid()
    areas.loc[5, "rate"] = np.nan
    island = gpd.GeoDataFrame(
        {"lsoa": ["E01999999"], "rate": [150.0], "planted": [False]},
        geometry=[box(500_000, 500_000, 500_400, 500_400)],
        crs=27700,
    )
    areas = pd.concat([areas, island], ignore_index=True)
    before = areas.copy()
    result = local_moran_hotspots(areas, "rate", permutations=99, seed=2)
    pd.testing.assert_frame_equal(areas, before)  # input untouched
    assert len(result.areas) == len(areas)
    assert result.not_tested_missing == ("E01000005",)
    assert result.not_tested_islands == ("E01999999",)
    assert result.tested == len(areas) - 2
    not_tested = result.areas["cluster"] == "not tested"
    assert result.areas.loc[not_tested, "lsoa"].tolist() == ["E01000005", "E01999999"]
    assert result.areas.loc[not_tested, "local_moran_i"].isna().all()
    table = result.to_frame()
    assert table["cluster"].tolist() == list(CLUSTER_LABELS)
    assert table["neighbourhoods"].sum() == len(areas)
    assert "no neighbour: 1 (E01999999)" in str(result)


def test_fdr_is_stricter():
    areas = grid()
    plain = local_moran_hotspots(areas, "rate", permutations=999, seed=1)
    fdr = local_moran_hotspots(areas, "rate", permutations=999, seed=1, correction="fdr")
    assert fdr.p_threshold <= plain.p_threshold
    assert fdr.areas["hot_spot"].sum() <= plain.areas["hot_spot"].sum()
    assert set(fdr.hot_spots["lsoa"]) <= set(plain.hot_spots["lsoa"])


def test_options_and_overwrites_are_refused():
    areas = grid()
    with pytest.raises(ValueError, match="'alpha' parameter of local_moran_hotspots"):
        local_moran_hotspots(areas, "rate", alpha=5)
    with pytest.raises(TypeError, match="'alpha' parameter"):
        local_moran_hotspots(areas, "rate", alpha="0.05")
    with pytest.raises(ValueError, match=r"in the range \[99, inf\)"):
        local_moran_hotspots(areas, "rate", permutations=10)
    with pytest.raises(ValueError, match="'contiguity' parameter"):
        local_moran_hotspots(areas, "rate", contiguity="bishop")
    with pytest.raises(ValueError, match="overwrite the areas' column\\(s\\) hot_spot"):
        local_moran_hotspots(areas.assign(hot_spot=False), "rate")
    with pytest.raises(ValueError, match="must be numeric"):
        local_moran_hotspots(areas.assign(rate="x"), "rate")
