"""Maps tell areas with no one registered from unpublished values, and lay out without overlaps.

Walk-through findings 4 and 7: a board map drew neighbourhoods with no registered person
hatched as "not published", its scale bar and north arrow sat over the legend, the
attribution ran under the legend, long place names overlapped, and the report's short
place labels were not used on the map. The static maps are drawn with matplotlib's Agg
renderer and checked from the drawn artists' window extents.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.offsetbox import AnnotationBbox
from matplotlib.text import Text
from shapely.geometry import box

import toolkit.places.maps as maps
from toolkit.places import choropleth, cluster_map, interactive_map, local_moran_hotspots
from toolkit.places._classes import EMPTY_COLOUR
from toolkit.style import MISSING_COLOUR, PRINT_WIDTH

from .test_interactive_map_disclosure import RENDERERS, SUPPRESSED, place_properties

LONG = [
    "NHS Greater Manchester ICB - 00T",
    "NHS Greater Manchester ICB - 00V",
    "NHS Greater Manchester ICB - 02H",
]
SHORT = dict(zip(LONG, ["Boltham", "Burystead", "Wiganby"], strict=True))
ATTRIBUTION = (
    "Rates with fewer than 10 admissions are not published.\nSource: Office for National "
    "Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown "
    "copyright and database right 2011."
)
#: Areas per place (6 across, 4 up); the third place has no one registered.
ACROSS, UP = 6, 4
PER_PLACE = ACROSS * UP
#: Areas of the first place with people but a rate not published (fewer than 10 events).
UNPUBLISHED = [2, 9, 17]


def system(arrangement: str = "wide") -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Three places of 24 square neighbourhoods, side by side ("wide") or stacked ("tall")."""
    rows, squares = [], []
    rng = np.random.default_rng(7)
    for p, name in enumerate(LONG):
        for k, (i, j) in enumerate(itertools.product(range(ACROSS), range(UP))):
            x = (p * ACROSS + i) if arrangement == "wide" else i
            y = j if arrangement == "wide" else (p * UP + j)
            squares.append(
                box(400_000 + 500 * x, 300_000 + 500 * y, 400_500 + 500 * x, 300_500 + 500 * y)
            )
            empty = p == 2
            unpublished = p == 0 and k in UNPUBLISHED
            rows.append(
                {
                    "lsoa": f"E01{p}{k:05d}",
                    "lsoa_name": f"{name} {k:03d}",
                    "place": name,
                    "imd_decile": 1 + (p * PER_PLACE + k) % 10,
                    "persons": 0 if empty else 1_500,
                    "events": np.nan if empty else (4 if unpublished else 10 + k),
                    "value": np.nan if empty or unpublished else rng.uniform(3_000, 20_000),
                }
            )
    areas = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=squares, crs=27700)
    places = areas[["place", "geometry"]].dissolve(by="place").reset_index()
    return areas, places


def legend_rows(figure) -> dict[str, object]:
    legend = figure.axes[0].get_legend()
    return {
        text.get_text(): handle
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }


def drawn(figure):
    """Draw ``figure`` with Agg and return its renderer."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def pixel_at(figure, renderer, x: float, y: float) -> tuple[float, float, float]:
    image = np.asarray(renderer.buffer_rgba())[:, :, :3] / 255
    column, row = figure.axes[0].transData.transform((x, y))
    return tuple(image[image.shape[0] - int(round(row)), int(round(column))])


# Areas with no one registered -------------------------------------------------------------


@pytest.mark.parametrize("many", [False, True])
def test_areas_with_no_one_registered_are_a_plain_class_of_their_own(many, monkeypatch):
    if many:
        monkeypatch.setattr(maps, "_MANY_POLYGONS", 0)
    areas, places = system()
    figure = choropleth(areas, "value", title="Rate", places=places, caption=ATTRIBUTION)
    rows = legend_rows(figure)
    empty, unpublished = rows["no registered people (24)"], rows["not published (3)"]
    assert not empty.get_hatch() and empty.get_facecolor() == to_rgba(EMPTY_COLOUR)
    assert unpublished.get_hatch() and unpublished.get_facecolor() == to_rgba(MISSING_COLOUR)
    counted = sum(int(label.rsplit("(", 1)[1].rstrip(")")) for label in rows if " to " in label)
    assert counted == 2 * PER_PLACE - len(UNPUBLISHED)
    # Drawn as the legend says: the empty place plain grey, the unpublished areas not.
    renderer = drawn(figure)
    for position in (2 * PER_PLACE + 5, 2 * PER_PLACE + 14):
        centre = areas.geometry.iloc[position].centroid
        assert pixel_at(figure, renderer, centre.x + 120, centre.y + 120) == pytest.approx(
            to_rgb(EMPTY_COLOUR), abs=2 / 255
        )
    for position in UNPUBLISHED:
        centre = areas.geometry.iloc[position].centroid
        assert pixel_at(figure, renderer, centre.x + 120, centre.y + 120) != pytest.approx(
            to_rgb(EMPTY_COLOUR), abs=10 / 255
        )


def test_without_a_persons_column_every_area_with_no_value_is_not_published():
    areas, places = system()
    for figure in (
        choropleth(areas, "value", title="Rate", persons=None),
        choropleth(areas.drop(columns="persons"), "value", title="Rate"),
    ):
        rows = legend_rows(figure)
        assert f"not published ({len(UNPUBLISHED) + PER_PLACE})" in rows
        assert not any(label.startswith("no registered people") for label in rows)


def test_an_area_with_a_value_is_drawn_by_it_whoever_lives_there():
    areas, _ = system()
    rows = legend_rows(choropleth(areas, "imd_decile", title="IMD decile"))
    assert not any(label.startswith(("no registered people", "not published")) for label in rows)
    assert sum(int(label.rsplit("(", 1)[1].rstrip(")")) for label in rows) == 3 * PER_PLACE


def test_a_persons_column_named_must_hold_numbers_of_people():
    areas, _ = system()
    with pytest.raises(ValueError, match="'persons' parameter of choropleth names the column"):
        choropleth(areas, "value", title="Rate", persons="no_such_column")
    with pytest.raises(ValueError, match="'place' \\(persons\\) must hold the number of people"):
        choropleth(areas, "value", title="Rate", persons="place")
    registered = areas.rename(columns={"persons": "registered"})
    rows = legend_rows(choropleth(registered, "value", title="Rate", persons="registered"))
    assert "no registered people (24)" in rows


@pytest.fixture(params=sorted(RENDERERS))
def render(request, tmp_path):
    renderer = RENDERERS[request.param]
    return lambda areas, column, **options: renderer(tmp_path, areas, column, **options)


def _fill(feature: dict) -> str:
    return feature["_fill"] if "_fill" in feature else feature["style"]["fillColor"]


def test_interactive_maps_name_and_colour_areas_with_no_one_registered(render):
    areas, _ = system()
    rendered = render(areas, "value", tooltip_columns=("lsoa",))
    assert "not published (3)" in rendered.legend
    assert "no registered people (24)" in rendered.legend
    text, fills = rendered.column("value"), [_fill(f) for f in rendered.properties]
    for position in UNPUBLISHED:
        assert (text[position], fills[position]) == ("not published", MISSING_COLOUR)
    for position in range(2 * PER_PLACE, 3 * PER_PLACE):
        assert (text[position], fills[position]) == ("no registered people", EMPTY_COLOUR)
    assert EMPTY_COLOUR not in fills[: 2 * PER_PLACE]


def test_interactive_count_maps_keep_suppressed_apart_from_no_one_registered(render):
    areas, _ = system()
    rendered = render(areas, "events", tooltip_columns=("lsoa",))
    assert f"{SUPPRESSED} ({len(UNPUBLISHED)})" in rendered.legend
    assert "no registered people (24)" in rendered.legend
    assert "not published" not in rendered.legend
    assert [rendered.column("events")[p] for p in UNPUBLISHED] == [SUPPRESSED] * 3


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_cluster_map_tells_areas_with_no_one_registered_from_those_not_tested():
    areas, places = system()
    hotspots = local_moran_hotspots(areas, "value", permutations=99, seed=1)
    rows = legend_rows(cluster_map(hotspots, title="Hot spots", places=places))
    assert not rows["no registered people (24)"].get_hatch()
    assert rows["not tested (3)"].get_hatch()


# Layout -----------------------------------------------------------------------------------


def _furniture(figure) -> dict[str, object]:
    ax = figure.axes[0]
    (holder,) = [artist for artist in ax.artists if isinstance(artist, AnnotationBbox)]
    boxes = {box.get_gid(): box for box in holder.offsetbox.get_children()}
    (caption,) = [text for text in ax.texts if text.get_gid() == "map-caption"]
    return {
        "map": ax,
        "legend": ax.get_legend(),
        "north arrow": boxes["north-arrow"],
        "scale bar": boxes["scale-bar"],
        "caption": caption,
    }


def _labels(figure) -> list[Text]:
    return [text for text in figure.axes[0].texts if text.get_gid() != "map-caption"]


@pytest.mark.parametrize("arrangement", ["wide", "tall"])
@pytest.mark.parametrize("column", ["value", "imd_decile"])
@pytest.mark.parametrize("short", [False, True])
def test_legend_arrow_scale_bar_caption_and_labels_never_overlap(arrangement, column, short):
    areas, places = system(arrangement)
    figure = choropleth(
        areas,
        column,
        title="Emergency admissions per 100,000 people, age-standardised, 2024/25",
        places=places,
        place_labels=SHORT if short else "place",
        caption=ATTRIBUTION,
        figsize=(PRINT_WIDTH - 0.2, 5.2),  # as the board report draws it
    )
    renderer = drawn(figure)
    extents = {
        name: artist.get_window_extent(renderer) for name, artist in _furniture(figure).items()
    }
    for (first, one), (second, other) in itertools.combinations(extents.items(), 2):
        assert not one.overlaps(other), f"{first} {one} overlaps {second} {other}"
    page = figure.bbox
    for name, extent in extents.items():
        assert page.x0 <= extent.x0 and extent.x1 <= page.x1, name
        assert page.y0 <= extent.y0 and extent.y1 <= page.y1, name
    labels = _labels(figure)
    assert len(labels) == 3 and all(label.get_visible() for label in labels)
    boxes = [label.get_window_extent(renderer) for label in labels]
    for one, other in itertools.combinations(boxes, 2):
        assert not one.overlaps(other)
    for label in boxes:
        assert extents["map"].x0 <= label.x0 and label.x1 <= extents["map"].x1
        assert extents["map"].y0 <= label.y0 and label.y1 <= extents["map"].y1
    words = {label.get_text().replace("\n", " ") for label in labels}
    assert words == (set(SHORT.values()) if short else set(LONG))
    # Nothing under 8 pt (the figure prints at its own width or wider).
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            assert text.get_fontsize() >= 8, text.get_text()


def test_labels_stay_apart_however_the_figure_is_resized():
    areas, places = system("wide")
    figure = choropleth(areas, "value", title="Rate", places=places, figsize=(4.0, 3.0))
    renderer = drawn(figure)
    for one, other in itertools.combinations(
        [label.get_window_extent(renderer) for label in _labels(figure) if label.get_visible()], 2
    ):
        assert not one.overlaps(other)
    figure.set_size_inches(9.0, 4.0)
    renderer = drawn(figure)
    shown = [label for label in _labels(figure) if label.get_visible()]
    assert len(shown) == 3
    for one, other in itertools.combinations([t.get_window_extent(renderer) for t in shown], 2):
        assert not one.overlaps(other)


def test_place_labels_name_places_by_short_label_and_keep_names_not_given():
    areas, places = system()
    only_one = {LONG[0]: "Boltham"}
    figure = choropleth(areas, "value", title="Rate", places=places, place_labels=only_one)
    drawn(figure)
    words = {label.get_text().replace("\n", " ") for label in _labels(figure)}
    assert words == {"Boltham", LONG[1], LONG[2]}
    hotspots_labels = {
        text.get_text()
        for text in cluster_map(
            local_moran_hotspots(areas, "value", permutations=99, seed=1),
            title="Hot spots",
            places=places,
            place_labels=SHORT,
        )
        .axes[0]
        .texts
    }
    assert set(SHORT.values()) <= hotspots_labels


def test_the_folium_map_shows_the_short_place_labels(tmp_path):
    areas, places = system()
    web_map = interactive_map(areas, "value", title="Rate", places=places, place_labels=SHORT)
    assert place_properties(web_map, tmp_path) == [
        {"place": SHORT[name]} for name in places["place"]
    ]
