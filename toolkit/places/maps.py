"""Choropleth maps of neighbourhood indicators: static for reports, interactive for notebooks.

Static maps are drawn by geopandas on matplotlib with classes from mapclassify; the legend
names the classification scheme and the number of areas in each class, place boundaries are
drawn over the neighbourhoods, labelled so that no label overlaps another, and a north arrow
and scale bar are added under the legend, with the caption below all (nothing overlaps).
Colours are the NHS sequential blues of :mod:`toolkit.style` (monotone in lightness,
colour-blind safe). Whole-number measures get whole-number class labels. IMD deciles (the
``imd_decile`` column, or ``scheme="deciles"``) are drawn one colour each, decile 1 (most
deprived) darkest; excess events and standardised ratios (or any column given a ``centre``)
on a blue-orange diverging ramp, symmetric in lightness around a neutral centre (0 or 100)
named in the legend.

Maps of counts respect disclosure control: counts below the threshold are not shown, not
used to set class breaks, and appear hatched as "suppressed" in the legend and tooltips.
Areas with no value because no one is registered in them (their ``persons`` column is 0)
are plain light grey, "no registered people", apart from values not published or suppressed. The
rule is :func:`toolkit.disclosure.suppress_small_counts`, the one the board report's tables
apply before their secondary suppression: counts from 1 to the threshold less one are
suppressed and zeros are shown, on a map as in a table.

The interactive maps go further: every column they show is treated as a count when it holds
whole numbers, whatever it is called, unless the caller declares it is not one
(``not_counts``; IMD deciles, ranks and scores and years are declared by default).

The interactive map is a ``folium.Map`` with no base layer by default, so it needs no tile
server. Leaflet's own script and style sheet are still loaded by the browser from a public
CDN (folium does not bundle them); on a machine with no internet at all, use the static map.

The jobs are split: :mod:`toolkit.places._classes` classes the values,
:mod:`toolkit.places._furniture` draws the scale bar, north arrow and places,
:mod:`toolkit.places._shown` decides what an interactive map shows and
:mod:`toolkit.places._folium_map` makes the folium map; all are public from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import POSITIVE, InstanceOf, Interval, SequenceOf, StrOptions, validate_params
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.places._classes import (
    CATEGORY_COLUMNS,
    CATEGORY_SCHEMES,
    DIVERGING_CENTRES,
    DIVERGING_CLASSES,
    EMPTY_COLOUR,
    IMD_DECILES,
    IMD_QUINTILES,
    MANY_POLYGONS,
    MAP_OPTIONS,
    MAX_CATEGORIES,
    NO_PERSONS_LABEL,
    PERSONS_COLUMN,
    SCHEMES,
    Categories,
    Measure,
    Scheme,
    check_areas,
    classify,
    no_persons,
    resolve_scheme,
)
from toolkit.places._folium_map import interactive_map
from toolkit.places._furniture import (
    add_caption,
    add_furniture,
    draw_places,
    keep_labels_apart,
    new_axes,
)
from toolkit.places._shown import NOT_COUNTS, check_not_counts
from toolkit.style import (
    MISSING_COLOUR,
    NHS_BLACK,
    NHS_DARK_BLUE,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    NHS_RED,
    NHS_WARM_YELLOW,
    NHS_WHITE,
)

#: The steps :mod:`toolkit.places.leaflet` (and the tests) take from here, under their old names.
_check_areas = check_areas
_check_not_counts = check_not_counts
_classify = classify

#: Colours of the local Moran's I clusters (colour-blind safe: red, yellow, blues, grey).
CLUSTER_COLOURS: Final[dict[str, str]] = {
    "high-high": NHS_RED,
    "high-low": NHS_WARM_YELLOW,
    "low-high": NHS_LIGHT_BLUE,
    "low-low": NHS_DARK_BLUE,
    "not significant": NHS_PALE_GREY,
    "not tested": MISSING_COLOUR,
}

_HATCH: Final[str] = "////"
#: Above this many polygons, outlines are not drawn and the layer is rasterised in vector files.
_MANY_POLYGONS: Final[int] = MANY_POLYGONS


def _draw_map(
    areas,
    *,
    palette: Sequence[str],
    classes: np.ndarray,
    hatch_mask: np.ndarray,
    handles: list,
    legend_title: str,
    legend_id: str | None,
    title: str,
    caption: str | None,
    scale_bar: bool,
    north_arrow: bool,
    places,
    place_labels: str | Mapping[str, str] | None,
    figsize: tuple[float, float],
    ax,
):
    """Draw a static map: areas coloured by class, legend, places, title and map furniture.

    ``classes`` holds each area's position in ``palette``; areas in ``hatch_mask`` are
    hatched. The legend is right of the map, the north arrow and scale bar under it, the
    caption under both and the map, and the place labels apart from one another
    (:mod:`toolkit.places._furniture`). Returns the figure.
    """
    figure, ax = new_axes(ax, figsize)
    _plot_layer(ax, areas, palette, classes, hatch_mask=hatch_mask)
    legend = ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=8,
        title_fontsize=9,
        alignment="left",
    )
    if legend_id is not None:
        legend.set_gid(legend_id)
    crs = areas.crs
    labels = []
    if places is not None:
        if places.crs is not None and crs is not None and not places.crs.equals(crs):
            places = places.to_crs(crs)
        labels = draw_places(ax, places, place_labels)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, color=NHS_BLACK, wrap=True)
    furniture = add_furniture(ax, crs, legend, scale_bar=scale_bar, north_arrow=north_arrow)
    column = [legend, *([furniture] if furniture is not None else [])]
    obstacles = [*column, *([add_caption(ax, caption, above=column)] if caption else [])]
    keep_labels_apart(ax, labels, obstacles)
    return figure


def _legend_patch(colour: str, label: str, *, hatched: bool = False):
    """Return a legend entry: a swatch of ``colour``, hatched as the map's missing areas."""
    from matplotlib.patches import Patch

    return Patch(
        facecolor=colour,
        edgecolor=NHS_MID_GREY,
        linewidth=0.3,
        hatch=_HATCH if hatched else None,
        label=label,
    )


def _class_paths(geometry: np.ndarray, classes: np.ndarray, n_classes: int) -> list:
    """Return one compound matplotlib Path per class holding all of its polygons.

    Written here because geopandas' plotting builds one matplotlib patch per polygon, about
    12 s for England's 35,000 LSOAs, and hatching thousands of separate patches is slower
    still. One path per class draws the same picture in about a second: rings are sub-paths
    (oriented by shapely so that holes stay empty under matplotlib's non-zero fill rule).
    """
    import shapely
    from matplotlib.path import Path

    parts, owner = shapely.get_parts(shapely.orient_polygons(geometry), return_index=True)
    _, coords, (ring_offsets, polygon_offsets) = shapely.to_ragged_array(parts)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[ring_offsets[:-1]] = Path.MOVETO
    codes[ring_offsets[1:] - 1] = Path.CLOSEPOLY
    vertices_per_part = np.diff(ring_offsets[polygon_offsets])
    coord_class = np.repeat(classes[owner], vertices_per_part)
    order = np.argsort(coord_class, kind="stable")  # keeps each ring's vertices together
    bounds = np.searchsorted(coord_class[order], np.arange(n_classes + 1))
    return [
        Path(coords[order[start:end]], codes[order[start:end]])
        for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]


def _plot_layer(
    ax, areas, palette: list[str], classes: np.ndarray, *, hatch_mask: np.ndarray | None = None
) -> None:
    """Draw the areas, class ``i`` in ``palette[i]``, hatching those in ``hatch_mask``.

    Up to ``_MANY_POLYGONS`` areas are drawn by geopandas with white outlines; beyond that
    (a region or all of England) as one compound path per class without outlines,
    rasterised in vector output so that a PDF stays small.
    """
    from matplotlib.collections import PathCollection

    hatched = hatch_mask is not None and bool(hatch_mask.any())
    if len(areas) <= _MANY_POLYGONS:
        facecolours = np.asarray(palette, dtype=object)[classes].tolist()
        areas.plot(ax=ax, color=facecolours, edgecolor=NHS_WHITE, linewidth=0.3)
        if hatched:
            areas.loc[hatch_mask].plot(
                ax=ax,
                facecolor=MISSING_COLOUR,
                edgecolor=NHS_MID_GREY,
                hatch=_HATCH,
                linewidth=0.2,
            )
        return
    geometry = areas.geometry.to_numpy()
    layers = [
        PathCollection(
            _class_paths(geometry, classes, len(palette)),
            facecolors=palette,
            edgecolors="none",
            linewidths=0.0,
        )
    ]
    if hatched:
        layers.append(
            PathCollection(
                _class_paths(geometry[hatch_mask], np.zeros(int(hatch_mask.sum()), int), 1),
                facecolors=[MISSING_COLOUR],
                edgecolors=[NHS_MID_GREY],
                linewidths=0.2,
                hatch=_HATCH,
            )
        )
    for layer in layers:
        layer.set_rasterized(True)
        ax.add_collection(layer, autolim=False)
    xmin, ymin, xmax, ymax = areas.total_bounds
    ax.update_datalim([(xmin, ymin), (xmax, ymax)])
    ax.autoscale_view()


#: Constraints of the options of the static maps' drawing.
_DRAWING = {
    "title": ["text"],
    "places": [None, "geo-data-frame"],
    "place_labels": ["column", "mapping", None],
    "persons": ["column", None],
    "caption": ["str", None],
    "scale_bar": ["boolean"],
    "north_arrow": ["boolean"],
    "figsize": [
        SequenceOf(
            POSITIVE, min_length=2, max_length=2, description="a (width, height) pair of floats"
        )
    ],
    "ax": [None, InstanceOf("matplotlib.axes.Axes", "a matplotlib Axes")],
}


@validate_params(
    {
        **{name: MAP_OPTIONS[name] for name in ("areas", "column", "legend_title", "scheme")},
        **{name: MAP_OPTIONS[name] for name in ("measure", "threshold")},
        **_DRAWING,
        "classes": [*MAP_OPTIONS["classes"], None],
        "centre": [Interval(Real, None, None, closed="neither"), StrOptions({"auto"}), None],
    },
    renamed={"disclosure_threshold": "threshold"},
)
def choropleth(
    areas,
    column: str,
    *,
    title: str,
    legend_title: str | None = None,
    scheme: Scheme = "auto",
    classes: int | None = None,
    measure: Measure = "rate",
    centre: float | Literal["auto"] | None = "auto",
    threshold: int = DISCLOSURE_THRESHOLD,
    persons: str | None = PERSONS_COLUMN,
    places=None,
    place_labels: str | Mapping[str, str] | None = "place",
    caption: str | None = None,
    scale_bar: bool = True,
    north_arrow: bool = True,
    figsize: tuple[float, float] = (10.0, 8.0),
    ax=None,
):
    """Draw a classed choropleth map of a neighbourhood indicator for a report.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One polygon per area, in a projected CRS in metres (British National Grid).
    column : str
        The numeric indicator to map.
    title : str
        The map's title: say what, the units and the period ("Emergency admissions per
        100,000, age-standardised, 2024/25").
    legend_title : str, optional
        Heading of the legend (the units); defaults to ``column``. The scheme and number of
        classes are added below it.
    scheme : {"auto", "quantiles", "equal_interval", "natural_breaks", "fisher_jenks", \
"fisher_jenks_sampled", "pretty_breaks", "headtail_breaks", "categories", "deciles"}
        How values become colours. The mapclassify schemes (``"quantiles"`` to
        ``"headtail_breaks"``) class the values; ``fisher_jenks`` is slow beyond a few
        thousand areas: use ``fisher_jenks_sampled`` there. ``"deciles"`` draws IMD deciles
        1 to 10 one colour each, decile 1 (most deprived) darkest, in NHS blues, all ten in
        the legend ("1 (most deprived)" ... "10 (least deprived)"); ``"categories"`` does
        the same for the known categories of :data:`CATEGORY_COLUMNS` (``imd_decile``,
        ``imd_quintile``) and otherwise for up to :data:`MAX_CATEGORIES` different whole
        numbers, the smallest darkest. ``"auto"`` (default) is ``"categories"`` for a
        column of :data:`CATEGORY_COLUMNS` and ``"quantiles"`` for any other; a column of
        deciles with another name needs ``scheme="deciles"``.
    classes : int, optional
        Number of classes: 2 to 9 (default 5) for a classed map, 2 to 5 on each side of
        the centre (default 3) for a diverging one; fewer if there are fewer distinct
        values. Not used by the category schemes.
    measure : {"rate", "count"}
        ``"count"`` suppresses counts from 1 to ``threshold - 1`` before
        classing (zeros are shown, as in the report's tables); missing rates are shown as
        "not published".
    centre : float, "auto" or None
        Draw a diverging map centred on this value: the scheme classes the distance from the
        centre and the same class bounds are used on both sides, blue below and orange above
        (:func:`toolkit.style.diverging_colours`: equal distance, equal lightness; the centre
        NHS Pale Grey, named in the legend). ``"auto"`` (default) centres the columns of
        :data:`DIVERGING_CENTRES` (``excess`` on 0 and ``ratio`` on 100, "as expected": the
        columns of :func:`toolkit.places.area_indicators`) and draws any other column, and
        every map of categories or counts, on the sequential blues; ``None`` never diverges.
    threshold : int
        Smallest count above zero shown on a map of counts.
    persons : str or None
        Column of ``areas`` counting the people registered in each area. An area with no
        value and no one registered (0 here) is drawn plain light grey, "no registered
        people (n)" in the legend, apart from the values not published or suppressed
        (hatched): its value is missing because there is no one to count, not to protect
        anyone. The default ``"persons"`` (a column of ``AreaIndicators.neighbourhoods``)
        is read only when the areas have it; another name must be a numeric column of
        ``areas``. ``None`` draws every area with no value as not published. Areas with a
        value (an IMD decile, say) are drawn by it, whoever lives there.
    places : geopandas.GeoDataFrame, optional
        Place polygons (for example ``AreaIndicators.places``) drawn as outlines on top.
    place_labels : str, mapping of str to str, or None
        Column of ``places`` used to label them, or short labels by place name (the
        names in the places' ``place`` column; the board report's ``place_labels``), a
        place not named keeping its own; ``None`` for no labels. Labels that would overlap
        one another are broken onto two lines or moved up or down within the map, and a
        label that fits nowhere is left off: short labels avoid that.
    caption : str, optional
        Small print under the map: source and attribution, e.g. "Source: Office for National
        Statistics licensed under the Open Government Licence v.3.0. Contains OS data ©
        Crown copyright and database right 2025."
    scale_bar, north_arrow : bool
        Draw a scale bar (needs metres) and a north arrow.
    figsize : tuple of float
        Size in inches of a new figure.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if not given.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; save it with ``figure.savefig("map.png", dpi=200)``.

    Raises
    ------
    ValueError
        An option is out of range; a category scheme is asked for fractions, counts, values
        outside the known categories or too many whole numbers; or a diverging map is asked
        for counts or categories.

    Notes
    -----
    Whole-number measures get whole-number legend labels ("3 to 5"), and a class holding a
    single value is labelled by it alone ("1", not "1 to 1"). The legend is right of the
    map, the north arrow and scale bar under the legend, and the caption under both and
    under the map, each placed from the others' extents when the figure is drawn, so that
    none overlaps another whatever the map's shape.
    """
    function = "choropleth"
    resolved = resolve_scheme(scheme, column, function)
    centre_words = "centre"
    if isinstance(centre, str):
        known = DIVERGING_CENTRES.get(column)
        diverging = known is not None and resolved not in CATEGORY_SCHEMES and measure != "count"
        centre, centre_words = known if diverging else (None, centre_words)
    elif centre is not None and column in DIVERGING_CENTRES:
        known_centre, known_words = DIVERGING_CENTRES[column]
        centre_words = known_words if centre == known_centre else centre_words
    if classes is None:
        classes = 5 if centre is None else DIVERGING_CLASSES
    found = _classify(
        areas,
        column,
        title=title,
        scheme=resolved,
        classes=classes,
        measure=measure,
        threshold=threshold,
        function=function,
        centre=centre,
        centre_words=centre_words,
        collapse=True,
        persons=persons,
    )
    handles = [
        _legend_patch(colour, label, hatched=kind == "missing")
        for colour, label, kind in found.legend_rows()
    ]
    if places is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=NHS_BLACK, linewidth=1.1, label="place boundary"))
    return _draw_map(
        areas,
        palette=found.palette,
        classes=found.positions(),
        hatch_mask=found.missing,
        handles=handles,
        legend_title=f"{legend_title or column}\n{found.description}\n(number of areas)",
        legend_id="choropleth-legend",
        title=title,
        caption=caption,
        scale_bar=scale_bar,
        north_arrow=north_arrow,
        places=places,
        place_labels=place_labels,
        figsize=figsize,
        ax=ax,
    )


@validate_params(
    {
        "hotspots": [
            InstanceOf(
                "toolkit.places.hotspots.HotSpots",
                "the HotSpots result of local_moran_hotspots",
            )
        ],
        **_DRAWING,
    }
)
def cluster_map(
    hotspots,
    *,
    title: str,
    persons: str | None = PERSONS_COLUMN,
    places=None,
    place_labels: str | Mapping[str, str] | None = "place",
    caption: str | None = None,
    scale_bar: bool = True,
    north_arrow: bool = True,
    figsize: tuple[float, float] = (10.0, 8.0),
    ax=None,
):
    """Map the local Moran's I clusters of :func:`~toolkit.places.local_moran_hotspots`.

    Parameters
    ----------
    hotspots : HotSpots
        The result of :func:`~toolkit.places.local_moran_hotspots`.
    title : str
        The map's title (indicator, units, period).
    persons : str or None
        Column of the areas counting the people registered in each: a neighbourhood not
        tested for want of a value with no one registered is drawn plain light grey, "no
        registered people", apart from the others not tested (hatched). As for
        :func:`choropleth`.
    places, place_labels, caption, scale_bar, north_arrow, figsize, ax
        As for :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure. The legend states the correction for multiple testing (Benjamini-
        Hochberg false discovery rate by default, or "not corrected for multiple testing"),
        the significance, permutations and seed.
    """
    from toolkit.places.hotspots import CLUSTER_LABELS

    areas = hotspots.areas
    empty = no_persons(areas, persons, "cluster_map") & areas[hotspots.column].isna().to_numpy()
    labels = np.where(empty, NO_PERSONS_LABEL, areas["cluster"].astype(str).to_numpy())
    counts = pd.Series(labels).value_counts()
    colours = {**{label: CLUSTER_COLOURS[label] for label in CLUSTER_LABELS}}
    colours[NO_PERSONS_LABEL] = EMPTY_COLOUR
    handles = [
        _legend_patch(colours[label], f"{label} ({counts[label]:,})", hatched=label == "not tested")
        for label in colours
        if label in counts.index
    ]
    correction = (
        hotspots.correction_text
        if hotspots.correction == "none"
        else (
            "Benjamini-Hochberg false discovery rate\n"
            f"(corrected for multiple testing: p < {hotspots.p_threshold:.3g})"
        )
    )
    return _draw_map(
        areas,
        palette=list(colours.values()),
        classes=pd.Index(list(colours)).get_indexer(labels),
        hatch_mask=labels == "not tested",
        handles=handles,
        legend_title=(
            f"Local Moran's I of {hotspots.column}\n{correction}\n"
            f"{hotspots.significance_text}, {hotspots.permutations:,} permutations, "
            f"seed {hotspots.seed}"
        ),
        legend_id=None,
        title=title,
        caption=caption,
        scale_bar=scale_bar,
        north_arrow=north_arrow,
        places=places,
        place_labels=place_labels,
        figsize=figsize,
        ax=ax,
    )


__all__ = [
    "CATEGORY_COLUMNS",
    "CATEGORY_SCHEMES",
    "CLUSTER_COLOURS",
    "DIVERGING_CENTRES",
    "DIVERGING_CLASSES",
    "IMD_DECILES",
    "IMD_QUINTILES",
    "MAP_OPTIONS",
    "MAX_CATEGORIES",
    "NOT_COUNTS",
    "SCHEMES",
    "Categories",
    "Measure",
    "Scheme",
    "choropleth",
    "cluster_map",
    "interactive_map",
]
