"""An interactive neighbourhood map for notebooks that works with no internet: ipyleaflet.

:func:`~toolkit.places.interactive_map` draws with folium, whose page loads Leaflet's script
and style sheet from a public CDN, so on a machine with no internet the map does not appear.
ipyleaflet's front end (the ``jupyter-leaflet`` JupyterLab extension, installed from PyPI
with ipyleaflet) carries Leaflet inside the package, so :func:`leaflet_map` renders in
JupyterLab and in Voila with no network at all. By default the map loads nothing from
anywhere: there is no tile layer (pass ``basemap`` when a tile server is reachable), and
nothing in the widgets' state names an http(s) address.

The map shows the same classes, colours, legend words and disclosure control as the static
:func:`~toolkit.places.choropleth`: it calls the same classification (``classify`` in
:mod:`toolkit.places._classes`, mapclassify underneath) and formats values with the same
tooltip rule, so a count below the disclosure threshold never reaches the browser. As in
:func:`~toolkit.places.interactive_map`, every shown column of whole numbers is a count,
whatever its name, unless the caller declares it is not one (``not_counts``). Hovering
over a neighbourhood shows its values in an information box; that needs the notebook's
kernel (JupyterLab or Voila), as does every ipywidget. A page exported as static HTML keeps
the map but not the hover box, and its widget scripts come from a CDN.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from toolkit._params import InstanceOf, check_columns_exist, validate_params
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.places._classes import EMPTY_COLOUR, PERSONS_COLUMN
from toolkit.places._shown import classed_counts, mapped_decimals, shown_properties
from toolkit.places.maps import (
    _MANY_POLYGONS,
    MAP_OPTIONS,
    Measure,
    Scheme,
    _check_areas,
    _check_not_counts,
)
from toolkit.style import MISSING_COLOUR, NHS_BLACK, NHS_MID_GREY, NHS_WHITE

#: Coordinate reference system in which polygons are simplified (metres).
SIMPLIFY_CRS: Final[int] = 27700
#: Coordinates sent to the browser are rounded to this many degrees (about 10 cm).
COORDINATE_PRECISION: Final[float] = 1e-6
#: Height of the map in the notebook, and the width assumed when choosing the first zoom.
MAP_HEIGHT_PX: Final[int] = 480
ASSUMED_WIDTH_PX: Final[int] = 640
#: Feature property holding each neighbourhood's Leaflet style (read by jupyter-leaflet).
_STYLE: Final[str] = "style"
#: Text of the information box before the pointer is over a neighbourhood.
_INFO_PROMPT: Final[str] = "<em>Hover over a neighbourhood to see its values.</em>"
_BOX_STYLE: Final[str] = "padding:4px 8px;font:12px sans-serif;line-height:1.4"
#: Leaflet path styles of the areas (the fill colour is each area's class colour) and of
#: areas with no value shown (not published or suppressed): white with a dashed outline;
#: areas with no one registered are plain light grey, outlined as the classes.
_AREA_STYLE: Final[dict[str, object]] = {"fillOpacity": 0.85, "color": NHS_WHITE, "weight": 0.5}
_MISSING_STYLE: Final[dict[str, object]] = {
    "fillColor": MISSING_COLOUR,
    "fillOpacity": 0.85,
    "color": NHS_MID_GREY,
    "weight": 0.8,
    "dashArray": "3 3",
}
_EMPTY_STYLE: Final[dict[str, object]] = {**_AREA_STYLE, "fillColor": EMPTY_COLOUR}


def _check_columns(areas: pd.DataFrame, names: Sequence[str], parameter: str) -> list[str]:
    """Return ``names`` as a list after checking each is a column of ``areas``."""
    check_columns_exist(areas, {parameter: names}, "leaflet_map", where="the areas")
    return list(names)


def _check_basemap(basemap: object):
    """Return ``basemap`` as an ipyleaflet TileLayer (or None), refusing anything else."""
    import ipyleaflet
    import xyzservices

    if isinstance(basemap, xyzservices.TileProvider):  # the entries of ipyleaflet.basemaps
        return ipyleaflet.basemap_to_tiles(basemap)
    return basemap  # None or a TileLayer, as declared


def _web_geometry(geometry, *, tolerance: float | None, coverage: bool):
    """Simplify ``geometry`` in metres (British National Grid), then return it in WGS 84.

    Areas are a coverage (neighbourhoods that tile the system), simplified together so that
    shared edges stay shared; place outlines are simplified one by one. Coordinates are
    rounded to :data:`COORDINATE_PRECISION` degrees, which halves the data sent to the
    browser without any visible change.
    """
    if tolerance:
        if not geometry.crs.equals(SIMPLIFY_CRS):
            geometry = geometry.to_crs(SIMPLIFY_CRS)
        geometry = (
            geometry.simplify_coverage(tolerance) if coverage else geometry.simplify(tolerance)
        )
    geometry = geometry.to_crs(4326)
    return geometry.set_precision(COORDINATE_PRECISION, mode="pointwise")


def _feature_collection(frame) -> dict:
    """Return a GeoDataFrame as a plain GeoJSON dict (JSON types only, as the widget sends)."""
    return json.loads(frame.to_json(drop_id=True))


def _initial_view(bounds: np.ndarray) -> tuple[list[float], float]:
    """Return the centre (lat, lon) and zoom at which ``bounds`` fill the map.

    Written here because ipyleaflet's ``Map.fit_bounds`` waits for the browser to report the
    map's extent, so it cannot set the first view before the map is displayed (nor in a
    test). The arithmetic is the Web Mercator projection Leaflet draws in: 256 pixels span
    the world at zoom 0, doubling with each zoom level.
    """
    west, south, east, north = (float(value) for value in bounds)

    def mercator_y(latitude: float) -> float:
        return (1.0 - math.asinh(math.tan(math.radians(latitude))) / math.pi) / 2.0

    top, bottom = mercator_y(north), mercator_y(south)
    span_x = max((east - west) / 360.0, 1e-9)
    span_y = max(bottom - top, 1e-9)
    fit = 0.9  # leave a margin around the areas
    zoom = math.log2(
        min(fit * ASSUMED_WIDTH_PX / (256 * span_x), fit * MAP_HEIGHT_PX / (256 * span_y))
    )
    zoom = min(max(math.floor(zoom * 4) / 4, 0.0), 18.0)  # Leaflet snaps to quarter levels
    middle = (top + bottom) / 2.0
    latitude = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * middle))))
    return [latitude, (west + east) / 2.0], zoom


def _legend_html(found, heading: str) -> str:
    """Return the legend: heading, scheme and classes, and missing areas with their count."""
    swatch = (
        "display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:middle;"
        f"border:1px solid {NHS_MID_GREY};background:"
    )
    dashed = {"missing": ";border-style:dashed"}  # as the missing areas' outlines
    rows = [
        f'<div><span style="{swatch}{colour}{dashed.get(kind, "")}"></span>'
        f"{html.escape(label)}</div>"
        for colour, label, kind in found.legend_rows()
    ]
    return (
        f'<div class="pophealth-legend" style="{_BOX_STYLE}">'
        f"<strong>{html.escape(heading)}</strong><br>"
        f"<em>{html.escape(found.description)} (number of areas)</em>{''.join(rows)}</div>"
    )


def _info_html(properties: dict, fields: Sequence[str], labels: Sequence[str]) -> str:
    """Return the information box for one neighbourhood's feature properties."""
    rows = "".join(
        f"<div><strong>{html.escape(label)}</strong>: "
        f"{html.escape(str(properties.get(field, 'not available')))}</div>"
        for field, label in zip(fields, labels, strict=True)
    )
    return f'<div class="pophealth-info" style="{_BOX_STYLE}">{rows}</div>'


@validate_params(
    {
        **{name: MAP_OPTIONS[name] for name in MAP_OPTIONS if name != "place_labels"},
        "basemap": [
            None,
            InstanceOf("ipyleaflet.TileLayer", "an ipyleaflet.TileLayer"),
            InstanceOf("xyzservices.TileProvider", "an entry of ipyleaflet.basemaps"),
        ],
    },
    renamed={"disclosure_threshold": "threshold"},
)
def leaflet_map(
    areas,
    column: str,
    *,
    title: str,
    legend_title: str | None = None,
    tooltip_columns: Sequence[str] = ("lsoa", "lsoa_name"),
    count_columns: Sequence[str] = (),
    not_counts: Sequence[str] = (),
    scheme: Scheme = "quantiles",
    classes: int = 5,
    measure: Measure = "rate",
    threshold: int = DISCLOSURE_THRESHOLD,
    places=None,
    persons: str | None = PERSONS_COLUMN,
    basemap=None,
    simplify_tolerance: float | None = 5.0,
):
    """Make an interactive ipyleaflet map of a neighbourhood indicator that works offline.

    The counterpart of :func:`~toolkit.places.interactive_map` for machines with no
    internet: Leaflet comes with the ``jupyter-leaflet`` extension, so the map renders in
    JupyterLab and Voila with no network, and by default it loads no tiles. Classes, colours
    and legend are those of :func:`~toolkit.places.choropleth` for the same ``scheme`` and
    ``classes``.

    Disclosure control covers every value sent to the browser, whatever its column is
    called. The widget's GeoJSON holds only the shown fields (and each area's style); each
    of them that holds whole numbers is a count unless declared otherwise (``not_counts``),
    and its values from 1 to ``threshold - 1`` show as "suppressed (fewer than
    10)", by :func:`toolkit.disclosure.suppress_small_counts` (zeros are shown). A mapped
    count is classed as with ``measure="count"``, so that no colour or legend bound reveals
    a small count. Which columns are counts is decided by the toolkit's own code (in
    :mod:`toolkit.places.maps`, shared with :func:`~toolkit.places.interactive_map`).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One polygon per area with a coordinate reference system (British National Grid,
        or any CRS covering Great Britain); reprojected to WGS 84 for the web map. Not
        changed.
    column : str
        The numeric indicator to colour the areas by; always shown in the information box.
    title : str
        Heading shown on the map (indicator, units, period).
    legend_title : str, optional
        Heading of the legend and label of the value in the information box; defaults to
        ``column``. The scheme and number of classes are named below it.
    tooltip_columns : sequence of str
        Further columns shown in the information box when hovering over an area. Each must
        be a column of ``areas``.
    count_columns : sequence of str
        Columns that are counts even if they hold fractions (estimated counts): values from
        1 to ``threshold - 1`` show as "suppressed (fewer than 10)" (zeros are
        shown). They are shown in the information box even if not in ``tooltip_columns``.
        Shown columns of whole numbers are counts without being named here. The mapped
        column is one when ``measure="count"``.
    not_counts : sequence of str
        Shown columns of whole numbers that are not counts of people or events (ranks,
        deciles, codes), shown unchanged.
        :data:`~toolkit.places.maps.NOT_COUNTS` (``imd_decile``, ``imd_rank``,
        ``imd_score``, ``year``) are declared by default; name one in ``count_columns`` to
        suppress it after all. Each must be a column of ``areas``.
    scheme : {"quantiles", "equal_interval", "natural_breaks", "fisher_jenks", \
"fisher_jenks_sampled", "pretty_breaks", "headtail_breaks"}
        mapclassify classification scheme, as for :func:`~toolkit.places.choropleth`.
    classes : int
        Number of classes, 2 to 9 (fewer if there are fewer distinct values).
    measure : {"rate", "count"}
        ``"count"`` suppresses counts from 1 to ``threshold - 1`` before
        classing; missing rates are shown as "not published". A mapped column of whole
        numbers not declared in ``not_counts`` is mapped as a count whatever this says.
    threshold : int
        Smallest count above zero shown, in colour or in words.
    places : geopandas.GeoDataFrame, optional
        Place polygons (for example ``AreaIndicators.places``) drawn as black outlines on top.
    persons : str or None
        Column of ``areas`` counting the people registered in each area: an area with no
        value and no one registered is drawn plain light grey and named "no registered
        people" in the legend and the information box, apart from values not published or
        suppressed. As for :func:`~toolkit.places.choropleth`: the default ``"persons"``
        (a column of ``AreaIndicators.neighbourhoods``) is read when the areas have it.
    basemap : ipyleaflet.TileLayer or an entry of ipyleaflet.basemaps, optional
        A tile layer drawn under the areas, for when a tile server is reachable (for example
        ``ipyleaflet.basemaps.CartoDB.Positron``); its attribution is shown. ``None``
        (default) draws no tiles, so the map needs no network.
    simplify_tolerance : float or None
        Simplify the polygons to this many metres, in British National Grid, before
        reprojecting (areas together, so that shared edges stay shared) to keep the widget
        small; ``None`` or 0 keeps them exact.

    Returns
    -------
    ipyleaflet.Map
        Display it as the last expression of a notebook cell. Its layers are the areas
        (``GeoJSON`` named after the legend title, one feature per area, in the order of
        ``areas``, with the shown text of each field and a Leaflet ``style``) and, when
        given, the place outlines (named ``"places"``); its controls are zoom, title,
        information box and legend (and attribution with a basemap).

    Raises
    ------
    TypeError
        An argument has the wrong type (``areas`` not a GeoDataFrame, ``title`` empty,
        a single str for ``tooltip_columns``, an unknown kind of ``basemap``...).
    ValueError
        ``column`` or a tooltip, count or not-count column is not in ``areas`` (the message
        names it), a mapped or count column is not numeric, a column is named both a count
        and not a count, a shown column of whole numbers has negative values and is not
        declared in ``not_counts`` (it may be a difference of counts), an option is not one
        of its names, or the areas have no rows or no coordinate reference system.

    Examples
    --------
    >>> from toolkit.data import make_demo_system
    >>> areas = make_demo_system(persons=2_000, seed=1).areas
    >>> web_map = leaflet_map(areas, "imd_score", title="IMD 2019 score")
    >>> [layer.name for layer in web_map.layers]
    ['imd_score']
    """
    import geopandas as gpd
    import ipyleaflet
    import ipywidgets

    function = "leaflet_map"
    threshold = int(threshold)
    _check_areas(areas, column, function)
    tooltips = _check_columns(areas, tooltip_columns, "tooltip_columns")
    counts = _check_columns(areas, count_columns, "count_columns")
    not_numeric = [name for name in counts if not pd.api.types.is_numeric_dtype(areas[name])]
    if not_numeric:
        raise ValueError(
            f"The 'count_columns' parameter of {function} names column(s) that are not "
            f"numeric counts: {', '.join(map(repr, not_numeric))}."
        )
    declared = _check_not_counts(
        areas, not_counts, counts, column=column, measure=measure, function=function
    )
    fields = list(dict.fromkeys([column, *tooltips, *counts]))  # keeps order, no repeats
    suppressed, mapped, found = classed_counts(
        areas,
        column,
        fields,
        count_columns=counts,
        declared=declared,
        title=title,
        scheme=scheme,
        classes=classes,
        measure=measure,
        threshold=threshold,
        function=function,
        persons=persons,
    )
    if areas.crs is None:
        raise ValueError(
            f"{function}: the areas have no coordinate reference system; set it with "
            "areas.set_crs(27700) (British National Grid) first."
        )
    if len(areas) == 0:
        raise ValueError(f"{function}: the areas have no rows to map.")
    if places is not None:
        if places.crs is None:
            raise ValueError(f"{function}: the places have no coordinate reference system.")
    tile_layer = _check_basemap(basemap)
    tolerance = None if simplify_tolerance is None else float(simplify_tolerance)

    if _STYLE in fields:
        raise ValueError(
            f"{function} cannot show a column named '{_STYLE}': Leaflet reads each area's "
            "style from that property. Rename the column first."
        )
    # Only the shown fields (and each area's style) go into the widget's GeoJSON.
    found, properties = shown_properties(
        areas,
        column,
        fields,
        found,
        counts=suppressed,
        measure=measure,
        threshold=threshold,
        decimals=mapped_decimals(areas[column], mapped),
    )
    # One Leaflet style per class, then those of missing values and of empty areas.
    styles = np.array(
        [
            *({**_AREA_STYLE, "fillColor": colour} for colour in found.colours),
            _MISSING_STYLE,
            _EMPTY_STYLE,
        ],
        dtype=object,
    )
    geometry = _web_geometry(areas.geometry, tolerance=tolerance, coverage=True)
    layer_frame = gpd.GeoDataFrame(
        {**properties, _STYLE: styles[found.positions()]},
        geometry=geometry.to_numpy(),
        crs=4326,
    )
    heading = legend_title or column
    area_layer = ipyleaflet.GeoJSON(
        data=_feature_collection(layer_frame),
        name=heading,
        hover_style={"color": NHS_BLACK, "weight": 2.5},
    )
    center, zoom = _initial_view(layer_frame.total_bounds)
    web_map = ipyleaflet.Map(
        layers=(),  # an empty tuple stops ipyleaflet adding its default OpenStreetMap tiles
        center=center,
        zoom=zoom,
        zoom_snap=0.25,
        attribution_control=tile_layer is not None,
        prefer_canvas=len(layer_frame) > _MANY_POLYGONS,
        layout=ipywidgets.Layout(height=f"{MAP_HEIGHT_PX}px"),
    )
    if tile_layer is not None:
        web_map.add(tile_layer)
    web_map.add(area_layer)
    if places is not None:
        outline = gpd.GeoDataFrame(
            geometry=_web_geometry(places.geometry, tolerance=tolerance, coverage=False).to_numpy(),
            crs=4326,
        )
        web_map.add(
            ipyleaflet.GeoJSON(
                data=_feature_collection(outline),
                name="places",
                # No fill, so that the pointer reaches the neighbourhoods underneath.
                style={"fill": False, "color": NHS_BLACK, "weight": 2, "opacity": 1},
            )
        )

    labels = [heading, *fields[1:]]
    info = ipywidgets.HTML(value=_INFO_PROMPT)

    def show_area(*, properties: dict | None = None, **event) -> None:
        info.value = _info_html(properties or {}, fields, labels)

    area_layer.on_hover(show_area)
    web_map.add(
        ipyleaflet.WidgetControl(
            widget=ipywidgets.HTML(
                value=(
                    f'<div class="pophealth-title" style="padding:4px 8px;'
                    f'font:bold 14px sans-serif;color:{NHS_BLACK}">{html.escape(title)}</div>'
                )
            ),
            position="topright",
        )
    )
    web_map.add(ipyleaflet.WidgetControl(widget=info, position="topright"))
    # An HTML widget rather than ipyleaflet.LegendControl: that control cannot name the
    # scheme under its title and draws no border, so the white "missing" swatch would vanish.
    web_map.add(
        ipyleaflet.WidgetControl(
            widget=ipywidgets.HTML(value=_legend_html(found, heading)),
            position="bottomright",
        )
    )
    return web_map


__all__ = ["leaflet_map"]
