"""Interactive maps hide small counts in every column they show, whatever its name (issue 13).

Each map is rendered to the HTML a browser would receive (folium's page; the ipyleaflet
widget state embedded in a page), and the GeoJSON, tooltip fields and legend are parsed out
of that HTML, so that a value is checked as the value of its column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from toolkit.places import interactive_map

SUPPRESSED = "suppressed (fewer than 10)"
EVENTS = [0, 3, 9, 10, 250]
#: Count columns with names that say nothing of counts.
N_PEOPLE = [1, 12, 0, 5, 40]
X = [7, 0, 2, 11, 3]
#: Whole numbers that are not counts: declared by default (imd_decile) and by the caller.
IMD_DECILE = [1, 5, 10, 2, 9]
LOCAL_RANK = [3, 1, 5, 2, 4]
#: A rate (not whole numbers): shown as it is, including values below 10.
RATE = [1.25, 3.5, 4.75, 8.0, 2.5]
RATE_TEXT = ["1.25", "3.50", "4.75", "8.00", "2.50"]


def shown(counts: list[int]) -> list[str]:
    """What a map shows for counts: zeros and counts of 10 or more, others suppressed."""
    return [f"{n:,}" if n == 0 or n >= 10 else SUPPRESSED for n in counts]


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    squares = [box(400_000 + 1_000 * i, 300_000, 401_000 + 1_000 * i, 301_000) for i in range(5)]
    return gpd.GeoDataFrame(
        {
            "lsoa": [f"E0100000{i}" for i in range(5)],
            "events": EVENTS,
            "n_people": N_PEOPLE,
            "x": np.array(X, dtype="float64"),  # whole numbers stored as floats
            "imd_decile": IMD_DECILE,
            "local_rank": LOCAL_RANK,
            "rate": RATE,
            "secret": [1, 2, 3, 4, 5],  # never shown, so never sent
        },
        geometry=squares,
        crs=27700,
    )


class _Text(HTMLParser):
    """Collects the text inside the first element with a given class."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth, self.parts = css_class, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or self.css_class in (dict(attrs).get("class") or "").split():
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(page: str, css_class: str) -> str:
    parser = _Text(css_class)
    parser.feed(page)
    return " ".join(parser.parts)


def legend_bounds(legend: str) -> list[float]:
    """The class bounds of a legend's "low to high (areas)" lines."""
    return [
        float(bound.replace(",", ""))
        for low, high in re.findall(r"([\d,.]+) to ([\d,.]+) \(", legend)
        for bound in (low, high)
    ]


class Rendered:
    """What a browser receives: the areas' GeoJSON properties, tooltip fields and legend."""

    def __init__(self, properties: list[dict], fields: list[str], legend: str, page: str):
        self.properties, self.fields, self.legend, self.page = properties, fields, legend, page

    def column(self, name: str) -> list[str]:
        return [feature[name] for feature in self.properties]


def place_properties(web_map, tmp_path: Path) -> list[dict]:
    """The properties of each place outline in the page a folium map saves."""
    path = tmp_path / "places.html"
    web_map.save(str(path))
    page = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    layers = [
        decoder.raw_decode(page, match.end())[0]
        for match in re.finditer(r"geo_json_[0-9a-f]+_add\(", page)
    ]
    (outlines,) = [layer for layer in layers if "_fill" not in layer["features"][0]["properties"]]
    return [feature["properties"] for feature in outlines["features"]]


def render_folium(tmp_path: Path, areas, column: str, **options) -> Rendered:
    path = tmp_path / "map.html"
    interactive_map(areas, column, title="Test map", **options).save(str(path))
    page = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    layers = [
        decoder.raw_decode(page, match.end())[0]
        for match in re.finditer(r"geo_json_[0-9a-f]+_add\(", page)
    ]
    (collection,) = [layer for layer in layers if "_fill" in layer["features"][0]["properties"]]
    properties = [feature["properties"] for feature in collection["features"]]
    fields = json.loads(re.search(r"let fields = (\[.*?\]);", page).group(1))
    return Rendered(properties, fields, text_of(page, "pophealth-legend"), page)


def render_leaflet(tmp_path: Path, areas, column: str, **options) -> Rendered:
    pytest.importorskip("ipyleaflet")
    from ipywidgets.embed import dependency_state, embed_minimal_html

    from toolkit.places import leaflet_map

    web_map = leaflet_map(areas, column, title="Test map", **options)
    path = tmp_path / "map.html"
    # This map's widgets only (not every widget made so far in the test process).
    embed_minimal_html(
        str(path), views=[web_map], state=dependency_state([web_map]), title="Test map"
    )
    page = path.read_text(encoding="utf-8")
    state = json.loads(
        re.search(
            r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
            page,
            re.S,
        ).group(1)
    )["state"]
    (collection,) = [
        model["state"]["data"]
        for model in state.values()
        if model["model_name"] == "LeafletGeoJSONModel"
    ]
    properties = [feature["properties"] for feature in collection["features"]]
    html_values = [
        model["state"]["value"] for model in state.values() if model["model_name"] == "HTMLModel"
    ]
    legend = text_of("".join(html_values), "pophealth-legend")
    # The information box shows every property but the style, for the area under the pointer.
    fields = [name for name in properties[0] if name != "style"]
    return Rendered(properties, fields, legend, page)


RENDERERS: dict[str, Callable[..., Rendered]] = {
    "interactive_map": render_folium,
    "leaflet_map": render_leaflet,
}


@pytest.fixture(params=sorted(RENDERERS))
def render(request, tmp_path) -> Callable[..., Rendered]:
    renderer = RENDERERS[request.param]
    return lambda areas, column, **options: renderer(tmp_path, areas, column, **options)


def test_counts_of_any_name_are_suppressed_in_the_page(areas, render):
    tooltips = ("lsoa", "events", "n_people", "x", "imd_decile")
    rendered = render(areas, "rate", tooltip_columns=tooltips)
    assert rendered.fields == ["rate", *tooltips]
    assert rendered.column("events") == shown(EVENTS) == ["0", SUPPRESSED, SUPPRESSED, "10", "250"]
    assert rendered.column("n_people") == shown(N_PEOPLE)
    assert rendered.column("x") == shown(X)
    # A contract column declared by default and the rate are shown unchanged.
    assert rendered.column("imd_decile") == [str(n) for n in IMD_DECILE]
    assert rendered.column("rate") == RATE_TEXT
    assert rendered.column("lsoa") == areas["lsoa"].tolist()


def test_whole_numbers_declared_not_counts_are_shown(areas, render):
    from toolkit.places.maps import NOT_COUNTS

    assert "imd_decile" in NOT_COUNTS
    tooltips = ("lsoa", "events", "imd_decile", "local_rank")
    rendered = render(areas, "rate", tooltip_columns=tooltips, not_counts=("local_rank",))
    assert rendered.column("local_rank") == [str(n) for n in LOCAL_RANK]
    assert rendered.column("imd_decile") == [str(n) for n in IMD_DECILE]
    assert rendered.column("events") == shown(EVENTS)


def test_columns_not_shown_are_not_in_the_page(areas, render):
    rendered = render(areas, "rate", tooltip_columns=("lsoa", "events"))
    for feature in rendered.properties:
        assert set(feature) - {"style", "_fill"} == {"rate", "lsoa", "events"}
    assert '"secret"' not in rendered.page and '"n_people"' not in rendered.page


def test_a_mapped_count_is_classed_as_a_count_whatever_the_measure(areas, render):
    for options in ({}, {"measure": "count"}):
        rendered = render(areas, "events", tooltip_columns=("lsoa",), **options)
        assert rendered.column("events") == shown(EVENTS)
        bounds = legend_bounds(rendered.legend)
        assert bounds and 0 in bounds and 250 in bounds
        assert not any(0 < bound < 10 for bound in bounds), rendered.legend
        assert f"{SUPPRESSED} (2)" in rendered.legend


def test_unpublished_and_suppressed_values_of_a_mapped_count_are_named(areas, render):
    gappy = areas.assign(events=[0, 3, np.nan, 10, 250])
    rendered = render(gappy, "events", tooltip_columns=("lsoa",))
    assert rendered.column("events") == ["0", SUPPRESSED, "not published", "10", "250"]
    assert f"not published or {SUPPRESSED} (2)" in rendered.legend


def test_counts_stored_as_text_are_suppressed(areas, render):
    as_text = areas.assign(events=[str(n) for n in EVENTS])
    rendered = render(as_text, "rate", tooltip_columns=("lsoa", "events"))
    assert rendered.column("events") == shown(EVENTS)


def test_count_columns_still_suppress_estimated_counts_and_override_a_default(areas, render):
    estimated = areas.assign(estimated=[0.0, 2.4, 15.2, 9.9, 120.0])
    rendered = render(
        estimated,
        "rate",
        tooltip_columns=("lsoa", "imd_decile", "estimated"),
        count_columns=("estimated", "imd_decile"),
    )
    assert rendered.column("estimated") == ["0.0", SUPPRESSED, "15.2", SUPPRESSED, "120.0"]
    assert rendered.column("imd_decile") == shown(IMD_DECILE)


def test_whole_numbers_with_negatives_must_be_declared(areas, render):
    changed = areas.assign(change=[-3, 2, 0, 5, -12])
    with pytest.raises(ValueError, match=re.escape("not_counts=('change',)")):
        render(changed, "rate", tooltip_columns=("lsoa", "change"))
    rendered = render(changed, "rate", tooltip_columns=("lsoa", "change"), not_counts=("change",))
    assert rendered.column("change") == ["-3", "2", "0", "5", "-12"]


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"not_counts": "imd_decile"}, TypeError, "'not_counts'"),
        ({"not_counts": ("no_such_column",)}, ValueError, "'no_such_column'"),
        ({"not_counts": ("events",), "count_columns": ("events",)}, ValueError, "'events'"),
    ],
)
def test_bad_declarations_are_refused(areas, render, options, error, words):
    with pytest.raises(error, match=re.escape(words)):
        render(areas, "rate", tooltip_columns=("lsoa", "events"), **options)


def test_a_numeric_place_label_is_a_count_too(areas, tmp_path):
    places = gpd.GeoDataFrame(
        {"people": [3, 40]},
        geometry=[box(400_000, 300_000, 403_000, 301_000), box(403_000, 300_000, 405_000, 301_000)],
        crs=27700,
    )
    web_map = interactive_map(areas, "rate", title="Test map", places=places, place_labels="people")
    assert place_properties(web_map, tmp_path) == [{"people": SUPPRESSED}, {"people": "40"}]
