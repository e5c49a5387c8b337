from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread
from shapely.geometry import Polygon, box

import toolkit.places.maps as maps
from toolkit.places import (
    area_indicators,
    choropleth,
    cluster_map,
    interactive_map,
    local_moran_hotspots,
)
from toolkit.style import sequential_colours

TITLE = "Emergency admissions per 100,000, age-standardised, 2024/25"


@pytest.fixture(scope="module")
def indicators(demo_system):
    areas, persons = demo_system
    return area_indicators(persons, areas)


def legend_of(figure):
    legend = figure.axes[0].get_legend()
    return legend.get_title().get_text(), [text.get_text() for text in legend.get_texts()]


def share_of_pixels(image: np.ndarray, colour: str) -> float:
    rgb = np.asarray(to_rgb(colour))
    return float(np.all(np.abs(image[:, :, :3] - rgb) < 2 / 255, axis=2).mean())


def test_rate_map_renders_png_with_legend_title_and_places(indicators, tmp_path):
    figure = choropleth(
        indicators.neighbourhoods,
        "value",
        title=TITLE,
        legend_title="per 100,000 (ESP2013)",
        places=indicators.places,
        caption="Source: synthetic demo system.",
    )
    path = tmp_path / "rate.png"
    figure.savefig(path, dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = figure.axes[0]
    assert ax.get_title(loc="left") == TITLE
    title, labels = legend_of(figure)
    assert title.startswith("per 100,000 (ESP2013)\nquantiles, 5 classes")
    class_labels = [label for label in labels if re.match(r"^[\d,.]+ to [\d,.]+ \(\d+\)$", label)]
    assert len(class_labels) == 5
    counted = sum(int(label.rsplit("(", 1)[1].rstrip(")")) for label in class_labels)
    assert counted == indicators.neighbourhoods["value"].notna().sum()
    assert "place boundary" in labels
    place_names = {text.get_text() for text in ax.texts}
    assert set(indicators.places["place"]) <= place_names
    # Every class colour is really drawn.
    image = imread(path)
    for colour in sequential_colours(5):
        assert share_of_pixels(image, colour) > 0.001


def test_count_map_respects_the_disclosure_threshold(indicators, tmp_path):
    areas = indicators.neighbourhoods.assign(small=np.arange(len(indicators.neighbourhoods)) % 25)
    figure = choropleth(areas, "small", title="Count, 2024/25", measure="count")
    figure.savefig(tmp_path / "count.png", dpi=60)
    title, labels = legend_of(figure)
    hidden = int(((areas["small"] >= 1) & (areas["small"] < 10)).sum())  # zeros are shown
    assert f"suppressed (fewer than 10) ({hidden})" in labels
    lows = [int(label.split(" to ")[0].replace(",", "")) for label in labels if " to " in label]
    assert min(lows) == 0  # the zeros, in the first class
    assert all(low == 0 or low >= 10 for low in lows)  # no class boundary reveals a small count
    shown = 0
    for label in labels:
        if " to " in label:
            shown += int(label.rsplit("(", 1)[1].rstrip(")"))
    assert shown == len(areas) - hidden


def test_many_polygons_are_drawn_the_same_as_few(indicators, tmp_path, monkeypatch):
    areas = indicators.neighbourhoods
    few = choropleth(areas, "value", title=TITLE, scale_bar=False, north_arrow=False)
    few.savefig(tmp_path / "few.png", dpi=60)
    monkeypatch.setattr(maps, "_MANY_POLYGONS", 0)
    many = choropleth(areas, "value", title=TITLE, scale_bar=False, north_arrow=False)
    many.savefig(tmp_path / "many.png", dpi=60)
    assert legend_of(few) == legend_of(many)
    first, second = imread(tmp_path / "few.png"), imread(tmp_path / "many.png")
    assert first.shape == second.shape
    for colour in sequential_colours(5):
        # Same areas in the same colours (the small-map path adds thin white outlines).
        assert share_of_pixels(second, colour) == pytest.approx(
            share_of_pixels(first, colour), rel=0.25, abs=0.002
        )


@pytest.mark.parametrize("many", [False, True])
def test_holes_stay_empty_and_enclaves_keep_their_colour(many, monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    hole = box(3, 3, 7, 7).exterior.coords[::-1]
    ring = Polygon(box(0, 0, 10, 10).exterior.coords, [hole])
    areas = gpd.GeoDataFrame(geometry=[ring, box(4, 4, 6, 6), box(10, 0, 20, 10)], crs=27700)
    if many:
        monkeypatch.setattr(maps, "_MANY_POLYGONS", 0)
    figure = Figure(figsize=(4, 2), dpi=100)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    maps._plot_layer(ax, areas, ["#ff0000", "#0000ff"], np.array([0, 1, 0]))
    ax.set_xlim(0, 20)
    ax.set_ylim(0, 10)
    ax.set_axis_off()
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())[:, :, :3]

    def pixel(x, y):
        column, row = ax.transData.transform((x, y))
        return tuple(image[image.shape[0] - int(row), int(column)])

    assert pixel(1.5, 1.5) == (255, 0, 0)
    assert pixel(15, 5) == (255, 0, 0)
    assert pixel(5, 5) == (0, 0, 255)  # the enclave inside the hole
    assert pixel(3.5, 5) == (255, 255, 255)  # the hole itself is empty


def test_scale_bar_needs_metres(indicators):
    in_degrees = indicators.neighbourhoods.to_crs(4326)
    with pytest.raises(ValueError, match="projected coordinate reference system in metres"):
        choropleth(in_degrees, "value", title=TITLE)
    figure = choropleth(in_degrees, "value", title=TITLE, scale_bar=False)
    assert figure.axes[0].get_title(loc="left") == TITLE


def test_map_options_are_checked(indicators):
    areas = indicators.neighbourhoods
    with pytest.raises(ValueError, match="'scheme' parameter of choropleth must be one of"):
        choropleth(areas, "value", title=TITLE, scheme="jenks")
    with pytest.raises(
        ValueError, match=r"'classes' parameter of choropleth must be an int in the range \[2, 9\]"
    ):
        choropleth(areas, "value", title=TITLE, classes=12)
    with pytest.raises(TypeError, match="'title' parameter of choropleth"):
        choropleth(areas, "value", title="")
    with pytest.raises(ValueError, match="must be numeric"):
        choropleth(areas, "place", title=TITLE)


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_cluster_map_states_significance_permutations_and_seed(indicators, tmp_path):
    hotspots = local_moran_hotspots(indicators.neighbourhoods, "value", permutations=199, seed=3)
    figure = cluster_map(hotspots, title="Hot spots of emergency admissions, 2024/25")
    figure.savefig(tmp_path / "clusters.png", dpi=60)
    title, labels = legend_of(figure)
    assert "p < 0.05, 199 permutations, seed 3" in title
    counts = hotspots.to_frame().set_index("cluster")["neighbourhoods"]
    for cluster, count in counts.items():
        if count:
            assert f"{cluster} ({count})" in labels


def test_interactive_map_has_tooltips_and_no_tiles_offline(indicators):
    areas = indicators.neighbourhoods.assign(small=np.arange(len(indicators.neighbourhoods)))
    web_map = interactive_map(
        areas,
        "value",
        title=TITLE,
        tooltip_columns=["lsoa_name", "place", "events", "small"],
        count_columns=["small"],
        places=indicators.places,
    )
    page = web_map.get_root().render()
    for field in ["value", "lsoa_name", "place", "events", "small"]:
        assert f'"{field}"' in page
    assert "tile.openstreetmap" not in page and "{z}" not in page
    assert "suppressed (fewer than 10)" in page
    assert "quantiles, 5 classes" in page and TITLE in page
    first = areas.iloc[12]
    assert str(first["lsoa_name"]) in page

    with_tiles = interactive_map(areas, "value", title=TITLE, tiles="OpenStreetMap")
    assert "tile.openstreetmap" in with_tiles.get_root().render()


def test_interactive_count_map_suppresses_mapped_counts(indicators):
    areas = indicators.neighbourhoods.assign(small=np.arange(len(indicators.neighbourhoods)))
    page = interactive_map(areas, "small", title="Count", measure="count").get_root().render()
    assert page.count("suppressed (fewer than 10)") >= 10
    assert '"small": "7"' not in page and '"small": "12"' in page


def test_maps_do_not_change_their_input(indicators):
    areas = indicators.neighbourhoods
    before = pd.DataFrame(areas.drop(columns="geometry")).copy()
    geometry = areas.geometry.copy()
    choropleth(areas, "events", title="Events", measure="count", places=indicators.places)
    interactive_map(areas, "events", title="Events", measure="count")
    pd.testing.assert_frame_equal(pd.DataFrame(areas.drop(columns="geometry")), before)
    assert areas.geometry.geom_equals(geometry).all()
    assert isinstance(areas, gpd.GeoDataFrame)
