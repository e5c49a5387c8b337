"""The folium map of a neighbourhood indicator, to display in a notebook or save as HTML.

:func:`interactive_map` classes the column as the static maps do, puts only the shown
columns (small counts suppressed) and each area's colour in the page's GeoJSON, and adds
the place outlines, a legend and a title. It needs no tile server, but the browser loads
Leaflet's scripts from a public CDN. Public from :mod:`toolkit.places.maps`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit._params import validate_params
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.places._classes import (
    MANY_POLYGONS,
    MAP_OPTIONS,
    PERSONS_COLUMN,
    Measure,
    Scheme,
    check_areas,
)
from toolkit.places._furniture import place_names
from toolkit.places._shown import (
    check_not_counts,
    classed_counts,
    mapped_decimals,
    shown_counts,
    shown_properties,
    shown_text,
)
from toolkit.style import NHS_BLACK, NHS_MID_GREY, NHS_WHITE


@validate_params(
    {**MAP_OPTIONS, "tiles": ["str", None]}, renamed={"disclosure_threshold": "threshold"}
)
def interactive_map(
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
    place_labels: str | Mapping[str, str] | None = "place",
    persons: str | None = PERSONS_COLUMN,
    tiles: str | None = None,
    simplify_tolerance: float | None = 5.0,
):
    """Make an interactive folium map of a neighbourhood indicator for a notebook.

    Disclosure control covers every value the page carries, whatever its column is called:
    each shown column (the mapped one, the tooltip columns, the places' labels) that holds
    whole numbers is a count unless declared otherwise (``not_counts``), and its values from
    1 to ``threshold - 1`` show as "suppressed (fewer than 10)" in the tooltip,
    by :func:`toolkit.disclosure.suppress_small_counts` (zeros are shown). A mapped count is
    classed as with ``measure="count"``, so that no colour or class bound reveals a small
    count. Columns that are not shown are not put in the page. Which columns are counts is
    decided by the toolkit's own code (no library holds the rule).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One polygon per area with a CRS; reprojected to WGS 84 for the web map.
    column : str
        The numeric indicator to colour the areas by; always in the tooltip.
    title : str
        Heading shown over the map (indicator, units, period).
    legend_title : str, optional
        Heading of the legend; defaults to ``column``.
    tooltip_columns : sequence of str
        Further columns shown when hovering over an area (those missing are skipped).
    count_columns : sequence of str
        Tooltip columns that are counts even if they hold fractions (estimated counts):
        values from 1 to ``threshold - 1`` show as "suppressed". Columns of whole
        numbers are counts without being named here. The mapped column is one when
        ``measure="count"``.
    not_counts : sequence of str
        Shown columns of whole numbers that are not counts of people or events (ranks,
        deciles, codes), shown unchanged. :data:`~toolkit.places.maps.NOT_COUNTS`
        (``imd_decile``, ``imd_rank``, ``imd_score``, ``year``) are declared by default;
        name one in ``count_columns`` to suppress it after all. Each must be a column of
        ``areas``.
    scheme, classes, measure, threshold
        As for :func:`toolkit.places.choropleth`. A mapped column of whole numbers not
        declared in ``not_counts`` is mapped as a count whatever ``measure`` says.
    places : geopandas.GeoDataFrame, optional
        Place polygons drawn as outlines on top, with their name as tooltip.
    place_labels : str, mapping of str to str, or None
        Column of ``places`` shown as their tooltip (its only property in the page), or
        short labels by place name, as for :func:`toolkit.places.choropleth`.
    persons : str or None
        Column of ``areas`` counting the people registered in each area; areas with no
        value and no one registered are drawn apart, as for
        :func:`toolkit.places.choropleth`.
    tiles : str, optional
        A folium base layer (``"OpenStreetMap"``, ``"CartoDB positron"``) when a tile server
        is reachable. ``None`` (default) draws no base layer, so the map works offline.
    simplify_tolerance : float or None
        Simplify the polygons to this many metres (shared edges kept together) to keep the
        page small; ``None`` keeps them exact.

    Returns
    -------
    folium.Map
        Display it in a notebook cell or save it with ``.save("map.html")``.

    Raises
    ------
    ValueError
        A column is missing or not numeric, ``not_counts`` names a column the areas do not
        have or one also named a count, or a shown column of whole numbers has negative
        values and is not declared in ``not_counts`` (it may be a difference of counts).
    """
    import folium

    function = "interactive_map"
    threshold = int(threshold)
    check_areas(areas, column, function)
    declared = check_not_counts(
        areas, not_counts, count_columns, column=column, measure=measure, function=function
    )
    fields = [column, *[c for c in tooltip_columns if c in areas.columns and c != column]]
    counts, mapped, found = classed_counts(
        areas,
        column,
        fields,
        count_columns=count_columns,
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
        raise ValueError(f"{function}: the areas have no coordinate reference system.")
    decimals = mapped_decimals(areas[column], mapped)
    geometry = areas.geometry
    if simplify_tolerance is not None:
        if not areas.crs.is_projected:
            raise ValueError(
                f"{function}: simplify_tolerance is in metres and needs projected areas; "
                "reproject with to_crs(27700) or pass simplify_tolerance=None."
            )
        geometry = geometry.simplify_coverage(float(simplify_tolerance))
    fills = np.array(found.palette, dtype=object)[found.positions()]
    # Only the shown fields (and each area's colour) go into the page's GeoJSON.
    found, properties = shown_properties(
        areas,
        column,
        fields,
        found,
        counts=counts,
        measure=measure,
        threshold=threshold,
        decimals=decimals,
    )
    import geopandas as gpd

    layer = gpd.GeoDataFrame(
        {**properties, "_fill": fills},
        geometry=geometry.to_numpy(),
        crs=areas.crs,
    ).to_crs(4326)
    west, south, east, north = layer.total_bounds
    web_map = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=tiles,
        control_scale=True,
        prefer_canvas=len(layer) > MANY_POLYGONS,
    )
    web_map.fit_bounds([[south, west], [north, east]])
    aliases = [legend_title or column] + [name for name in fields[1:]]
    folium.GeoJson(
        layer.to_json(drop_id=True),
        name=legend_title or column,
        style_function=lambda feature: {
            "fillColor": feature["properties"]["_fill"],
            "color": NHS_WHITE,
            "weight": 0.4,
            "fillOpacity": 0.85,
        },
        highlight_function=lambda feature: {"weight": 2, "color": NHS_BLACK},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
    ).add_to(web_map)
    if places is not None:
        outline = places.to_crs(4326)
        names = place_names(outline, place_labels)
        named = pd.DataFrame({} if names is None else {names.name: names.reset_index(drop=True)})
        place_fields = list(named.columns)
        # The place names, and nothing else, are the places' properties; a label column of
        # whole numbers is a count like any other.
        place_text = shown_text(
            named,
            place_fields,
            counts=shown_counts(
                named, place_fields, count_columns=(), declared=declared, function=function
            ),
            threshold=threshold,
            decimals=decimals,
        )
        outline = gpd.GeoDataFrame(place_text, geometry=outline.geometry.to_numpy(), crs=4326)
        folium.GeoJson(
            outline.to_json(drop_id=True),
            name="places",
            style_function=lambda feature: {
                "fillOpacity": 0,
                "color": NHS_BLACK,
                "weight": 2,
            },
            tooltip=folium.GeoJsonTooltip(fields=place_fields) if place_fields else None,
        ).add_to(web_map)
    rows = "".join(_legend_row(colour, label) for colour, label, _ in found.legend_rows())
    legend = (
        '<div class="pophealth-legend" style="position:absolute;bottom:24px;right:12px;'
        "z-index:1000;background:white;padding:6px 8px;font:12px sans-serif;"
        f'border:1px solid {NHS_MID_GREY}">'
        f"<strong>{html.escape(legend_title or column)}</strong><br>"
        f"<em>{html.escape(found.description)} (number of areas)</em>{rows}</div>"
    )
    heading = (
        '<div class="pophealth-title" style="position:absolute;top:8px;left:56px;z-index:1000;'
        f'background:white;padding:4px 8px;font:bold 14px sans-serif;color:{NHS_BLACK}">'
        f"{html.escape(title)}</div>"
    )
    web_map.get_root().html.add_child(folium.Element(heading + legend))
    return web_map


def _legend_row(colour: str, label: str) -> str:
    """Return one row of the legend: a swatch of ``colour`` and the label."""
    return (
        f'<div><span style="display:inline-block;width:14px;height:12px;background:{colour};'
        f'border:1px solid {NHS_MID_GREY};margin-right:6px"></span>{html.escape(label)}</div>'
    )
