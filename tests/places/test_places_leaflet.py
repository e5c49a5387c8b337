from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import shape

pytest.importorskip("ipyleaflet")

import ipyleaflet  # noqa: E402
from ipywidgets.embed import dependency_state, embed_data  # noqa: E402

from toolkit.data import make_demo_system  # noqa: E402
from toolkit.places import maps  # noqa: E402
from toolkit.places.leaflet import leaflet_map  # noqa: E402
from toolkit.style import MISSING_COLOUR, sequential_colours  # noqa: E402

TITLE = "Deprivation score, IMD 2019"
SUPPRESSED = "suppressed (fewer than 10)"


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    system = make_demo_system(persons=20_000, seed=3)
    areas = system.areas
    n = len(areas)
    # A rate with one unpublished value, and a count running 0, 1, ..., n - 1.
    rate = np.linspace(120.0, 480.0, n)[np.random.default_rng(3).permutation(n)]
    rate[2] = np.nan
    return areas.assign(rate=rate, small=np.arange(n, dtype="int64"))


@pytest.fixture(scope="module")
def places(areas) -> gpd.GeoDataFrame:
    return areas[["place", "geometry"]].dissolve(by="place").reset_index()


def widget_state(web_map) -> str:
    """Everything the notebook would send to the browser for this map, as JSON text."""
    return json.dumps(embed_data(views=[web_map], state=dependency_state([web_map])))


def area_layer(web_map) -> ipyleaflet.GeoJSON:
    (layer,) = [
        layer
        for layer in web_map.layers
        if isinstance(layer, ipyleaflet.GeoJSON) and layer.name != "places"
    ]
    return layer


def features(web_map) -> list[dict]:
    return area_layer(web_map).data["features"]


def html_of_controls(web_map) -> str:
    return "\n".join(
        control.widget.value
        for control in web_map.controls
        if isinstance(control, ipyleaflet.WidgetControl)
    )


@pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")
@pytest.mark.parametrize(
    ("scheme", "classes", "classifier"),
    [
        ("quantiles", 5, lambda values, k: mapclassify.Quantiles(values, k=k)),
        ("equal_interval", 4, lambda values, k: mapclassify.EqualInterval(values, k=k)),
        ("fisher_jenks", 3, lambda values, k: mapclassify.FisherJenks(values, k=k)),
    ],
)
def test_one_feature_per_area_coloured_as_the_static_choropleth(areas, scheme, classes, classifier):
    web_map = leaflet_map(areas, "rate", title=TITLE, scheme=scheme, classes=classes)
    found = features(web_map)
    assert [feature["properties"]["lsoa"] for feature in found] == areas["lsoa"].tolist()
    fills = [feature["properties"]["style"]["fillColor"] for feature in found]

    # The same classes as the static choropleth computes...
    static = maps._classify(
        areas,
        "rate",
        title=TITLE,
        scheme=scheme,
        classes=classes,
        measure="rate",
        threshold=10,
        function="choropleth",
    )
    palette = [*static.colours, MISSING_COLOUR]
    assert fills == [palette[index] for index in static.class_of]
    # ...and as mapclassify gives directly, in the NHS sequential blues.
    present = areas["rate"].notna().to_numpy()
    expected = classifier(areas.loc[present, "rate"].to_numpy(), classes)
    colours = sequential_colours(len(expected.bins))
    assert [fill for fill, shown in zip(fills, present, strict=True) if shown] == [
        colours[index] for index in expected.yb
    ]
    # The unpublished rate is shown as such, in the missing colour.
    missing = found[2]["properties"]
    assert missing["rate"] == "not published"
    assert missing["style"]["fillColor"] == MISSING_COLOUR

    legend = html_of_controls(web_map)
    assert f"{maps.SCHEMES[scheme][1]}, {len(expected.bins)} classes" in legend
    assert "not published (1)" in legend
    assert TITLE in legend


def test_counts_below_the_threshold_are_suppressed(areas):
    web_map = leaflet_map(
        areas,
        "small",
        title="Small counts",
        measure="count",
        tooltip_columns=["lsoa", "lsoa_name"],
        count_columns=["population"],
    )
    shown = {f["properties"]["lsoa"]: f["properties"] for f in features(web_map)}
    for lsoa, count, population in zip(
        areas["lsoa"], areas["small"], areas["population"], strict=True
    ):
        properties = shown[lsoa]
        if 1 <= count < 10:
            assert properties["small"] == SUPPRESSED
            assert properties["style"]["fillColor"] == MISSING_COLOUR
        else:
            assert properties["small"] == f"{count:,}"
            assert properties["style"]["fillColor"] != MISSING_COLOUR
        assert properties["population"] == (
            SUPPRESSED if 1 <= population < 10 else f"{population:,}"
        )
    state = widget_state(web_map)
    for small in range(1, 10):
        assert f'"small": "{small}"' not in state
    assert f"{SUPPRESSED} (9)" in html_of_controls(web_map)


def test_count_columns_are_suppressed_in_the_tooltips_of_a_rate_map(areas):
    web_map = leaflet_map(areas, "rate", title=TITLE, count_columns=["small"])
    values = [feature["properties"]["small"] for feature in features(web_map)]
    assert values == ["0", *[SUPPRESSED] * 9, *[str(n) for n in range(10, len(areas))]]


def test_no_tiles_and_no_web_address_by_default(areas, places):
    web_map = leaflet_map(areas, "rate", title=TITLE, places=places)
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in web_map.layers)
    state = widget_state(web_map)
    assert "jupyter-leaflet" in state  # the state really holds the map's widgets
    assert "LeafletGeoJSONModel" in state
    assert re.search(r"https?:", state) is None

    with_tiles = leaflet_map(
        areas, "rate", title=TITLE, basemap=ipyleaflet.basemaps.OpenStreetMap.Mapnik
    )
    tiles = [layer for layer in with_tiles.layers if isinstance(layer, ipyleaflet.TileLayer)]
    assert len(tiles) == 1
    assert re.search(r"https?://", widget_state(with_tiles)) is not None
    assert with_tiles.layers.index(tiles[0]) < with_tiles.layers.index(area_layer(with_tiles))


def test_coordinates_are_longitude_and_latitude_in_england(areas):
    web_map = leaflet_map(areas, "rate", title=TITLE)
    shapes = gpd.GeoSeries([shape(f["geometry"]) for f in features(web_map)], crs=4326)
    west, south, east, north = shapes.total_bounds
    assert -6.5 < west < east < 2.0
    assert 49.8 < south < north < 56.0
    # Simplified by 5 m only: each area keeps its size to within 1 %.
    original = areas.geometry.area.to_numpy()
    assert np.allclose(shapes.to_crs(27700).area.to_numpy(), original, rtol=0.01)
    # The first view is centred on the areas.
    latitude, longitude = web_map.center
    assert south < latitude < north and west < longitude < east
    assert 6 <= web_map.zoom <= 16


def test_areas_in_longitude_and_latitude_are_simplified_in_metres_alike(areas):
    in_metres = features(leaflet_map(areas, "rate", title=TITLE))
    in_degrees = features(leaflet_map(areas.to_crs(4326), "rate", title=TITLE))
    for a, b in zip(in_metres, in_degrees, strict=True):
        assert shape(a["geometry"]).hausdorff_distance(shape(b["geometry"])) < 1e-4
    exact = features(leaflet_map(areas, "rate", title=TITLE, simplify_tolerance=None))
    coarse = features(leaflet_map(areas, "rate", title=TITLE, simplify_tolerance=200.0))
    assert sum(len(json.dumps(f["geometry"])) for f in exact) > sum(
        len(json.dumps(f["geometry"])) for f in coarse
    )


def test_a_map_whose_counts_are_all_suppressed_shows_no_class(areas):
    tiny = areas.assign(tiny=np.arange(len(areas)) % 9 + 1)  # 1 to 9: every one suppressed
    web_map = leaflet_map(tiny, "tiny", title="Tiny counts", measure="count")
    found = features(web_map)
    assert len(found) == len(areas)
    assert {f["properties"]["tiny"] for f in found} == {SUPPRESSED}
    assert {f["properties"]["style"]["fillColor"] for f in found} == {MISSING_COLOUR}
    assert f"{SUPPRESSED} ({len(areas)})" in html_of_controls(web_map)


def test_place_outlines_are_drawn_when_places_are_given(areas, places):
    without = leaflet_map(areas, "rate", title=TITLE)
    assert [layer.name for layer in without.layers] == ["rate"]

    web_map = leaflet_map(areas, "rate", title=TITLE, legend_title="per 100,000", places=places)
    assert [layer.name for layer in web_map.layers] == ["per 100,000", "places"]
    outline = web_map.layers[1]
    assert len(outline.data["features"]) == len(places) == areas["place"].nunique()
    for feature in outline.data["features"]:
        style = feature["properties"]["style"]
        assert style["fill"] is False and style["weight"] > 0
    drawn = gpd.GeoSeries([shape(f["geometry"]) for f in outline.data["features"]], crs=4326)
    assert np.allclose(
        drawn.to_crs(27700).area.to_numpy(), places.geometry.area.to_numpy(), rtol=0.01
    )


def test_hovering_shows_the_area_values_in_the_information_box(areas):
    web_map = leaflet_map(
        areas,
        "small",
        title="Small counts",
        legend_title="People",
        measure="count",
        tooltip_columns=["lsoa_name", "place"],
    )
    info = next(
        control.widget
        for control in web_map.controls
        if isinstance(control, ipyleaflet.WidgetControl) and "Hover" in control.widget.value
    )
    layer = area_layer(web_map)
    for row in (3, 12):
        feature = layer.data["features"][row]
        # The message jupyter-leaflet sends to the kernel when the pointer enters an area.
        layer._handle_mouse_events(
            layer,
            {"event": "mouseover", "feature": feature, "properties": feature["properties"]},
            [],
        )
        assert areas["lsoa_name"].iloc[row] in info.value
        assert areas["place"].iloc[row] in info.value
        assert "<strong>People</strong>" in info.value
    assert "<strong>People</strong>: 12" in info.value
    layer._handle_mouse_events(
        layer,
        {
            "event": "mouseover",
            "feature": {},
            "properties": layer.data["features"][3]["properties"],
        },
        [],
    )
    assert f"<strong>People</strong>: {SUPPRESSED}" in info.value


def test_the_input_is_not_changed(areas, places):
    before = pd.DataFrame(areas.drop(columns="geometry")).copy()
    geometry = areas.geometry.copy()
    leaflet_map(areas, "small", title="Counts", measure="count", places=places)
    pd.testing.assert_frame_equal(pd.DataFrame(areas.drop(columns="geometry")), before)
    assert areas.geometry.geom_equals(geometry).all()
    assert areas.crs.equals(27700)


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"column": "no_such_rate"}, ValueError, "'no_such_rate'"),
        ({"column": "lsoa_name"}, ValueError, "'lsoa_name' must be numeric"),
        ({"tooltip_columns": ["lsoa", "no_such_name"]}, ValueError, "'no_such_name'"),
        ({"count_columns": ["no_such_count"]}, ValueError, "'no_such_count'"),
        ({"count_columns": ["place"]}, ValueError, "'place'"),
        ({"tooltip_columns": "lsoa_name"}, TypeError, "tooltip_columns"),
        ({"scheme": "jenks"}, ValueError, "'scheme' parameter of leaflet_map"),
        ({"classes": 12}, ValueError, "'classes' parameter of leaflet_map"),
        ({"measure": "ratio"}, ValueError, "'measure' parameter of leaflet_map"),
        (
            {"threshold": 0},
            ValueError,
            "'threshold' parameter of leaflet_map",
        ),
        ({"basemap": "OpenStreetMap"}, TypeError, "'basemap' parameter of leaflet_map"),
        ({"simplify_tolerance": -1.0}, ValueError, "'simplify_tolerance'"),
        ({"title": ""}, TypeError, "'title' parameter of leaflet_map"),
        ({"places": "North"}, TypeError, "'places' parameter of leaflet_map"),
        ({"legend_title": 3}, TypeError, "'legend_title' parameter of leaflet_map"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_naming_them(areas, options, error, words):
    arguments = {"column": "rate", "title": TITLE, **options}
    column = arguments.pop("column")
    with pytest.raises(error, match=re.escape(words)):
        leaflet_map(areas, column, **arguments)


def test_areas_must_be_a_geodataframe_with_a_crs(areas):
    with pytest.raises(TypeError, match="GeoDataFrame"):
        leaflet_map(pd.DataFrame(areas.drop(columns="geometry")), "rate", title=TITLE)
    with pytest.raises(ValueError, match="coordinate reference system"):
        leaflet_map(areas.set_crs(None, allow_override=True), "rate", title=TITLE)


CHROMIUM = Path("/usr/bin/chromium")
#: A kernel starts for the page; generous for a shared 2-core machine (a hang guard only).
LOAD_MS = 120_000
MAP_CELL = """
import numpy as np
from toolkit.data import make_demo_system
from toolkit.places.leaflet import leaflet_map

areas = make_demo_system(persons=20_000, seed=3).areas
areas = areas.assign(small=np.arange(len(areas)))
places = areas[["place", "geometry"]].dissolve(by="place").reset_index()
leaflet_map(
    areas,
    "imd_score",
    title="IMD 2019 score (synthetic demo)",
    legend_title="IMD score",
    tooltip_columns=["lsoa", "lsoa_name", "place"],
    count_columns=["small"],
    places=places,
)
"""


@pytest.fixture(scope="module")
def voila_map(tmp_path_factory):
    """Serve a notebook holding the map with Voila on a free localhost port."""
    import nbformat

    folder = tmp_path_factory.mktemp("voila")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(MAP_CELL)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "map.ipynb")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "voila.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", "map.ipynb", "--no-browser", f"--port={port}"],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):  # until the server listens (a hang guard, not a time limit)
            if server.poll() is not None:
                pytest.fail(f"Voila stopped: {(folder / 'voila.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"Voila did not start: {(folder / 'voila.log').read_text()}")
        yield url, folder
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
def test_the_map_renders_in_voila_with_the_network_cut_off(voila_map, areas):
    from playwright.sync_api import sync_playwright

    url, folder = voila_map
    blocked: list[str] = []

    def local_only(route) -> None:
        if route.request.url.startswith(url.rstrip("/")) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.route("**/*", local_only)
            page.goto(url, timeout=LOAD_MS)
            page.wait_for_selector(".leaflet-container path.leaflet-interactive", timeout=LOAD_MS)
            fills = page.eval_on_selector_all(
                ".leaflet-container path", "paths => paths.map(p => p.getAttribute('fill'))"
            )
            legend = page.inner_text(".pophealth-legend")
            assert page.eval_on_selector_all("img.leaflet-tile", "tiles => tiles.length") == 0
            page.screenshot(path=str(folder / "map.png"))
            area = page.locator(".leaflet-container path.leaflet-interactive").nth(3)
            box = area.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_selector(".pophealth-info", timeout=LOAD_MS)
            info = page.inner_text(".pophealth-info")
        finally:
            browser.close()

    # One SVG path per area in the class colours, one unfilled outline per place.
    filled = [fill for fill in fills if fill != "none"]
    assert len(filled) == len(areas)
    assert fills.count("none") == areas["place"].nunique()
    assert {fill.lower() for fill in filled} == {colour.lower() for colour in sequential_colours(5)}
    assert "quantiles, 5 classes" in legend
    assert "IMD score" in info and "lsoa_name" in info
    # Nothing the map needs came from the network (Voila's page template asks for an icon
    # font, which is blocked and not needed).
    assert not [address for address in blocked if re.search("leaflet|tile|unpkg", address)]
