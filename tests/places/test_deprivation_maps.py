"""Maps for deprivation (issue 14, part 4): deciles, diverging ramps, labels, hot spots."""

from __future__ import annotations

import re

import esda
import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from matplotlib.image import imread
from numpy.testing import assert_allclose, assert_array_equal
from shapely.geometry import box
from statsmodels.stats.multitest import multipletests

from toolkit.places import choropleth, cluster_map, local_moran_hotspots
from toolkit.style import (
    DIVERGING_CENTRE_COLOUR,
    NHS_DARK_BLUE,
    deprivation_colours,
    diverging_colours,
    lightness,
)

from .test_places_hotspots import grid

TITLE = "Index of Multiple Deprivation 2025 decile of each neighbourhood, 2025"

pytestmark = pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")


def squares(values, *, name: str, side: float = 500.0, per_row: int = 10) -> gpd.GeoDataFrame:
    """A row-major grid of squares in British National Grid, one per value."""
    cells = [
        box(
            430_000 + (i % per_row) * side,
            430_000 + (i // per_row) * side,
            430_000 + (i % per_row + 1) * side,
            430_000 + (i // per_row + 1) * side,
        )
        for i in range(len(values))
    ]
    return gpd.GeoDataFrame(
        {"lsoa": [f"E01{i:06d}" for i in range(len(values))], name: values},
        geometry=cells,
        crs=27700,
    )


def planted_grid(n: int = 12, side: float = 400.0, seed: int = 1) -> gpd.GeoDataFrame:
    """An n x n grid of noise with a planted 4 x 4 block of high values (seed 1)."""
    return grid(n, side, seed)


def legend_entries(figure) -> tuple[str, list[str], list[str]]:
    """The legend's title, labels and the face colour of each entry."""
    legend = figure.axes[0].get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    colours = [to_hex(handle.get_facecolor()) for handle in legend.legend_handles]
    return legend.get_title().get_text(), labels, colours


def area_colours(figure) -> list[str]:
    """The fill of each area, in the areas' order (geopandas draws one patch per area)."""
    collection = figure.axes[0].collections[0]
    return [to_hex(colour) for colour in collection.get_facecolor()]


def share_of_pixels(image: np.ndarray, colour: str) -> float:
    rgb = np.asarray(to_rgb(colour))
    return float(np.all(np.abs(image[:, :, :3] - rgb) < 2 / 255, axis=2).mean())


# --- Ten deciles -------------------------------------------------------------------------------


def test_ten_deciles_draw_one_colour_each_most_deprived_darkest(tmp_path):
    deciles = np.repeat(np.arange(1, 11), 3)
    areas = squares(deciles, name="imd_decile")
    figure = choropleth(
        areas, "imd_decile", title=TITLE, legend_title="IMD 2025 decile", places=None
    )
    path = tmp_path / "deciles.png"
    figure.savefig(path, dpi=80)

    title, labels, colours = legend_entries(figure)
    assert title.startswith("IMD 2025 decile\nIMD deciles, one colour each")
    assert len(labels) == 10
    assert labels[0] == "1 (most deprived) (3)"
    assert labels[-1] == "10 (least deprived) (3)"
    assert labels[1:-1] == [f"{decile} (3)" for decile in range(2, 10)]
    # Decile 1 (most deprived) is the darkest, and every step is lighter than the one before,
    # so the order reads in greyscale and with any colour-vision deficiency.
    light = lightness(colours)
    assert light[0] < light[-1]
    assert np.all(np.diff(light) > 5)
    assert colours[0] == NHS_DARK_BLUE.lower()
    assert colours == deprivation_colours(10)
    # Each area is drawn in its decile's colour, and every colour really is on the image.
    assert area_colours(figure) == [colours[decile - 1] for decile in deciles]
    image = imread(path)
    for colour in colours:
        assert share_of_pixels(image, colour) > 0.001


def test_deciles_keep_their_colour_when_some_are_absent():
    areas = squares([3, 3, 4, 5, 5, 5, 7, 8], name="decile_2019")
    figure = choropleth(areas, "decile_2019", title=TITLE, scheme="deciles", scale_bar=False)
    _, labels, colours = legend_entries(figure)
    # All ten are listed (a shared key across systems); absent deciles count zero.
    assert len(labels) == 10
    assert labels[0] == "1 (most deprived) (0)"
    assert labels[2] == "3 (2)" and labels[4] == "5 (3)"
    assert area_colours(figure)[0] == deprivation_colours(10)[2]


def test_decile_maps_refuse_values_that_are_not_deciles():
    with pytest.raises(ValueError, match="IMD deciles \\(1 to 10\\) but holds 0, 11"):
        choropleth(squares([0, 1, 2, 11], name="imd_decile"), "imd_decile", title=TITLE)
    with pytest.raises(ValueError, match="holds fractions"):
        choropleth(squares([1.5, 2.0, 3.0], name="score"), "score", title=TITLE, scheme="deciles")
    with pytest.raises(ValueError, match="not counts"):
        choropleth(
            squares([1, 2, 3], name="imd_decile"), "imd_decile", title=TITLE, measure="count"
        )


def test_other_whole_number_categories_get_one_colour_each():
    areas = squares([1, 2, 2, 3, 3, 3], name="priority_group")
    figure = choropleth(areas, "priority_group", title=TITLE, scheme="categories")
    title, labels, colours = legend_entries(figure)
    assert "categories, one colour each" in title
    assert labels == ["1 (1)", "2 (2)", "3 (3)"]
    assert lightness(colours)[0] < lightness(colours)[-1]
    with pytest.raises(ValueError, match="at most 10"):
        choropleth(squares(list(range(12)), name="n"), "n", title=TITLE, scheme="categories")


# --- Diverging ramp ----------------------------------------------------------------------------


def test_excess_is_drawn_on_a_symmetric_diverging_ramp_centred_on_zero():
    distances = [2.5, 7.5, 15.0, 30.0, 45.0, 60.0]
    values = [*(-d for d in distances), 0.0, *distances, 12.0, -40.0, 1.0]
    areas = squares(values, name="excess")
    figure = choropleth(
        areas,
        "excess",
        title="Excess emergency admissions against the least deprived decile, 2024/25",
        legend_title="Excess admissions a year",
        scale_bar=False,
    )
    title, labels, colours = legend_entries(figure)
    assert "diverging around 0 (as expected)" in title
    # The centre is named in the legend, in a neutral grey, between the two sides.
    middle = len(colours) // 2
    assert labels[middle].startswith("0 (as expected)")
    assert colours[middle] == DIVERGING_CENTRE_COLOUR.lower()
    red, green, blue = to_rgb(colours[middle])
    assert max(red, green, blue) - min(red, green, blue) < 0.03
    # The legend is symmetric: equal steps from the centre are equally light on both sides,
    # blue below and orange above.
    light = lightness(colours)
    assert_allclose(light, light[::-1], atol=0.5)
    assert np.all(np.diff(light[: middle + 1]) > 0)
    for below, above in zip(colours[:middle], colours[middle + 1 :][::-1], strict=True):
        assert to_rgb(below)[2] > to_rgb(below)[0]  # blue
        assert to_rgb(above)[0] > to_rgb(above)[2]  # orange
    # Areas equally far from the centre are drawn equally light, on opposite sides.
    fills = area_colours(figure)
    n = len(distances)
    for i in range(n):
        below, above = fills[i], fills[n + 1 + i]
        assert below != above
        assert lightness([below])[0] == pytest.approx(lightness([above])[0], abs=0.5)
    assert fills[n] == DIVERGING_CENTRE_COLOUR.lower()
    # Further from the centre is darker.
    assert lightness([fills[n + 1]])[0] > lightness([fills[2 * n]])[0]


def test_standardised_ratios_diverge_around_100_and_the_centre_can_be_chosen():
    ratios = squares([60.0, 80.0, 95.0, 100.0, 105.0, 120.0, 140.0], name="ratio")
    _, labels, colours = legend_entries(
        choropleth(ratios, "ratio", title="Ratio, 2024/25", scale_bar=False)
    )
    assert "100 (as expected) (1)" in labels
    assert len(colours) == 7  # three classes each side of the centre
    assert_allclose(lightness(colours), lightness(colours)[::-1], atol=0.5)

    change = squares([-3.5, -1.0, 0.5, 2.0, 4.0], name="change")
    title, labels, _ = legend_entries(
        choropleth(change, "change", title="Change, 2024/25", centre=0, classes=2)
    )
    assert "diverging around 0 (centre)" in title and "2 classes each side" in title
    assert "0.00 (centre) (0)" in labels
    # centre=None keeps the sequential blues for a known column.
    title, _, _ = legend_entries(choropleth(ratios, "ratio", title="Ratio, 2024/25", centre=None))
    assert title.splitlines()[1] == "quantiles, 5 classes"
    with pytest.raises(ValueError, match="not a count"):
        choropleth(change, "change", title="Change", centre=0, measure="count")


def test_diverging_palette_is_symmetric_in_lightness_for_every_size():
    for n in range(1, 6):
        colours = diverging_colours(n)
        assert len(colours) == 2 * n + 1
        assert colours[n] == DIVERGING_CENTRE_COLOUR
        assert_allclose(lightness(colours), lightness(colours)[::-1], atol=0.5)


# --- Whole-number labels -----------------------------------------------------------------------


def test_whole_number_measures_get_whole_number_labels():
    values = [1] * 20 + list(range(2, 11))
    areas = squares(values, name="imd_rank_band")
    figure = choropleth(areas, "imd_rank_band", title="Rank band, 2025", scale_bar=False)
    _, labels, _ = legend_entries(figure)
    assert labels, labels
    for label in labels:
        assert re.fullmatch(r"\d+( to \d+)? \(\d+\)", label), label
        assert ".00" not in label
    # A class holding only ones is labelled "1", not "1 to 1" (nor "1.00 to 1.00").
    assert labels[0] == "1 (20)"
    assert sum(int(label.rsplit("(", 1)[1].rstrip(")")) for label in labels) == len(values)


def test_quantiles_of_deciles_have_whole_number_labels():
    areas = squares(np.repeat(np.arange(1, 11), 2), name="imd_decile")
    figure = choropleth(areas, "imd_decile", title=TITLE, scheme="quantiles", scale_bar=False)
    _, labels, _ = legend_entries(figure)
    assert labels == ["1 to 2 (4)", "3 to 4 (4)", "5 to 6 (4)", "7 to 8 (4)", "9 to 10 (4)"]


# --- Hot spots corrected for multiple testing --------------------------------------------------


def test_hot_spots_are_corrected_by_the_false_discovery_rate_by_default():
    areas = planted_grid()
    planted = areas["planted"].to_numpy()
    corrected = local_moran_hotspots(areas, "rate", permutations=999, seed=1)
    uncorrected = local_moran_hotspots(areas, "rate", permutations=999, seed=1, correction="none")
    assert corrected.correction == "fdr_bh"
    assert uncorrected.correction == "none"
    flagged = corrected.areas["hot_spot"].to_numpy()
    plain = uncorrected.areas["hot_spot"].to_numpy()
    # Uncorrected p < 0.05 flags neighbourhoods outside the planted block, by chance; the
    # false discovery rate does not, and still finds most of the block.
    assert plain[~planted].sum() >= 1
    assert flagged[~planted].sum() == 0
    assert flagged[planted].mean() >= 0.75
    assert set(corrected.hot_spots["lsoa"]) < set(uncorrected.hot_spots["lsoa"])
    # The rule is Benjamini-Hochberg: esda's cut-off, statsmodels' adjusted p-values.
    p_values = corrected.areas["local_moran_p"].to_numpy()
    assert corrected.p_threshold == pytest.approx(esda.fdr(p_values, 0.05))
    adjusted = multipletests(p_values, alpha=0.05, method="fdr_bh")[1]
    assert_allclose(corrected.areas["local_moran_p_adjusted"], adjusted)
    assert_array_equal(corrected.areas["cluster"].to_numpy() != "not significant", adjusted < 0.05)
    assert_array_equal(uncorrected.areas["local_moran_p_adjusted"], p_values)
    # The former name of the correction still works.
    former = local_moran_hotspots(areas, "rate", permutations=999, seed=1, correction="fdr")
    assert former.correction == "fdr_bh"
    assert_array_equal(former.areas["hot_spot"], flagged)
    with pytest.raises(ValueError, match="'correction' parameter"):
        local_moran_hotspots(areas, "rate", correction="bonferroni")


def test_the_correction_is_stated_in_the_result_and_on_the_map(tmp_path):
    areas = planted_grid()
    corrected = local_moran_hotspots(areas, "rate", permutations=199, seed=2)
    uncorrected = local_moran_hotspots(areas, "rate", permutations=199, seed=2, correction="none")
    assert "Benjamini-Hochberg false discovery rate" in corrected.correction_text
    assert uncorrected.correction_text == "not corrected for multiple testing"
    assert "Benjamini-Hochberg false discovery rate 0.05" in str(corrected)
    assert "not corrected for multiple testing" in str(uncorrected)

    title_of = {}
    for name, result in (("corrected", corrected), ("uncorrected", uncorrected)):
        figure = cluster_map(result, title="Hot spots of emergency admissions, 2024/25")
        figure.savefig(tmp_path / f"{name}.png", dpi=50)
        title_of[name] = figure.axes[0].get_legend().get_title().get_text()
    assert "Benjamini-Hochberg false discovery rate" in title_of["corrected"]
    assert "adjusted p < 0.05, 199 permutations, seed 2" in title_of["corrected"]
    assert "not corrected for multiple testing" in title_of["uncorrected"]
    assert "\np < 0.05, 199 permutations, seed 2" in title_of["uncorrected"]
