"""Choropleth maps of neighbourhood indicators: static for reports, interactive for notebooks.

Static maps are drawn by geopandas on matplotlib with classes from mapclassify; the legend
names the classification scheme and the number of areas in each class, place boundaries are
drawn over the neighbourhoods, and a scale bar and north arrow are added. Colours are the
NHS sequential blues of :mod:`toolkit.style` (monotone in lightness, colour-blind safe).
Whole-number measures get whole-number class labels. IMD deciles (the ``imd_decile`` column,
or ``scheme="deciles"``) are drawn one colour each, decile 1 (most deprived) darkest; excess
events and standardised ratios (or any column given a ``centre``) on a blue-orange diverging
ramp, symmetric in lightness around a neutral centre (0 or 100) named in the legend.

Maps of counts respect disclosure control: counts below the threshold are not shown, not
used to set class breaks, and appear hatched as "suppressed" in the legend and tooltips. The
rule is :func:`toolkit.disclosure.suppress_small_counts`, the one the board report's tables
apply before their secondary suppression: counts from 1 to the threshold less one are
suppressed and zeros are shown, on a map as in a table.

The interactive maps go further: every column they show is treated as a count when it holds
whole numbers, whatever it is called, unless the caller declares it is not one
(``not_counts``; IMD deciles, ranks and scores and years are declared by default).

The interactive map is a ``folium.Map`` with no base layer by default, so it needs no tile
server. Leaflet's own script and style sheet are still loaded by the browser from a public
CDN (folium does not bundle them); on a machine with no internet at all, use the static map.
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral, Real
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    NON_NEGATIVE,
    POSITIVE,
    InstanceOf,
    Interval,
    SequenceOf,
    StrOptions,
    check_columns_exist,
    invalid_parameter,
    validate_params,
)
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.disclosure import suppress_small_counts
from toolkit.style import (
    DIVERGING_CENTRE_COLOUR,
    MISSING_COLOUR,
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    NHS_RED,
    NHS_WARM_YELLOW,
    NHS_WHITE,
    deprivation_colours,
    diverging_colours,
    sequential_colours,
)

Scheme = Literal[
    "auto",
    "quantiles",
    "equal_interval",
    "natural_breaks",
    "fisher_jenks",
    "fisher_jenks_sampled",
    "pretty_breaks",
    "headtail_breaks",
    "categories",
    "deciles",
]
Measure = Literal["rate", "count"]

#: Classification schemes: name -> (mapclassify class, words for the legend).
SCHEMES: Final[dict[str, tuple[str, str]]] = {
    "quantiles": ("Quantiles", "quantiles"),
    "equal_interval": ("EqualInterval", "equal intervals"),
    "natural_breaks": ("NaturalBreaks", "natural breaks (k-means)"),
    "fisher_jenks": ("FisherJenks", "Fisher-Jenks natural breaks"),
    "fisher_jenks_sampled": ("FisherJenksSampled", "Fisher-Jenks natural breaks (sampled)"),
    "pretty_breaks": ("PrettyBreaks", "pretty breaks"),
    "headtail_breaks": ("HeadTailBreaks", "head/tail breaks"),
}


@dataclass(frozen=True)
class Categories:
    """A fixed, ordered set of whole-number categories mapped one colour each.

    Attributes
    ----------
    name : str
        What the categories are, for the legend ("IMD deciles").
    values : tuple of int
        The categories, first (darkest) to last (lightest).
    words : dict of int to str
        Words after a category's number in the legend, e.g. ``{1: "most deprived"}``.
    """

    name: str
    values: tuple[int, ...]
    words: dict[int, str] = field(default_factory=dict)


#: Indices of Deprivation deciles: 1 is the most deprived tenth of areas in England.
IMD_DECILES: Final[Categories] = Categories(
    "IMD deciles", tuple(range(1, 11)), {1: "most deprived", 10: "least deprived"}
)
#: Indices of Deprivation quintiles: 1 is the most deprived fifth of areas in England.
IMD_QUINTILES: Final[Categories] = Categories(
    "IMD quintiles", tuple(range(1, 6)), {1: "most deprived", 5: "least deprived"}
)
#: Columns mapped in categories by ``scheme="auto"`` (the default of :func:`choropleth`).
CATEGORY_COLUMNS: Final[dict[str, Categories]] = {
    "imd_decile": IMD_DECILES,
    "imd_quintile": IMD_QUINTILES,
}
#: Schemes drawing one colour per whole-number category rather than classes of values.
CATEGORY_SCHEMES: Final[dict[str, str]] = {
    "categories": "one colour per category",
    "deciles": "one colour per decile",
}
#: Most categories ``scheme="categories"`` draws for a column of no known categories.
MAX_CATEGORIES: Final[int] = 10
_ALL_SCHEMES: Final[tuple[str, ...]] = ("auto", *SCHEMES, *CATEGORY_SCHEMES)

#: Columns mapped on a diverging ramp by ``centre="auto"`` (the default of
#: :func:`choropleth`): name -> (centre, what the centre means).
DIVERGING_CENTRES: Final[dict[str, tuple[float, str]]] = {
    "excess_events": (0.0, "as expected"),
    "excess": (0.0, "as expected"),
    "standardised_ratio": (100.0, "as expected"),
}
#: Classes on each side of the centre of a diverging map, unless ``classes`` says otherwise.
DIVERGING_CLASSES: Final[int] = 3

#: What a measure's missing values mean, for the legend.
_MEASURES: Final[dict[str, str]] = {
    "rate": "not published",
    "count": "suppressed",
}

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
#: Colour of the single class when every shown value is the same.
_SINGLE_CLASS_COLOUR: Final[str] = NHS_BLUE
#: Above this many polygons, outlines are not drawn and the layer is rasterised in vector files.
_MANY_POLYGONS: Final[int] = 5_000


@dataclass(frozen=True)
class _Classes:
    """Classes of a mapped variable: colour and legend label per class, class per area."""

    class_of: np.ndarray  # class index per area, -1 where the value is missing
    colours: list[str]
    labels: list[str]
    counts: list[int]
    missing: np.ndarray  # bool per area: value missing (not published) or suppressed
    missing_label: str
    missing_count: int
    description: str  # scheme and number of classes, for the legend


def _check_areas(areas, column: str | None, function: str) -> None:
    if column is not None:
        check_columns_exist(areas, {"column": column}, function, where="the areas")
        if not pd.api.types.is_numeric_dtype(areas[column]):
            raise ValueError(f"{function}: column '{column}' must be numeric to map in classes.")


def _suppressed_label(threshold: int) -> str:
    """Words for a suppressed count, in the legend and the tooltips alike."""
    return f"suppressed (fewer than {threshold})"


def _decimals(values: np.ndarray, measure: str) -> int:
    if measure == "count" or len(values) == 0:
        return 0
    spread = float(np.nanmax(values) - np.nanmin(values))
    return 0 if spread >= 100 else 1 if spread >= 10 else 2


def _whole_numbers(values: np.ndarray) -> bool:
    """Return whether every value (none missing) is a whole number."""
    return bool(np.all(values == np.round(values)))


def _range_label(low: float, high: float, decimals: int, *, collapse: bool = True) -> str:
    """Return "low to high", or the one value when a class holds a single value."""
    first, last = f"{low:,.{decimals}f}", f"{high:,.{decimals}f}"
    return first if collapse and first == last else f"{first} to {last}"


def _resolve_scheme(scheme: str, column: str, function: str) -> str:
    """Turn ``scheme="auto"`` into categories or quantiles by the column's name."""
    if scheme == "auto":
        return "categories" if column in CATEGORY_COLUMNS else "quantiles"
    return scheme


def _check_classes(classes: int, low: int, high: int, function: str, what: str) -> int:
    """Refuse a number of classes outside ``low`` to ``high`` (its type is declared)."""
    if not low <= classes <= high:
        raise invalid_parameter(
            "classes", function, f"an int in the range [{low}, {high}]{what}", classes
        )
    return int(classes)


def _categorical(
    present: np.ndarray, column: str, scheme: str, function: str
) -> tuple[np.ndarray, list[str], list[str], list[int], str]:
    """Return class per value, colours, labels, counts and description of a category map.

    Known categories (:data:`CATEGORY_COLUMNS`, or IMD deciles for ``scheme="deciles"``)
    are all listed, in order, each in its own colour whether or not any area has it, so that
    maps of different systems share one key; other whole numbers are listed as they occur.
    The first category is the darkest.
    """
    known = IMD_DECILES if scheme == "deciles" else CATEGORY_COLUMNS.get(column)
    if not _whole_numbers(present):
        raise ValueError(
            f"{function}: scheme={scheme!r} draws whole-number categories, but column "
            f"'{column}' holds fractions; use a classed scheme such as 'quantiles'."
        )
    found = np.unique(present).astype(int)
    if known is not None:
        values = np.asarray(known.values)
        unknown = sorted(set(found.tolist()) - set(known.values))
        if unknown:
            raise ValueError(
                f"{function}: column '{column}' is mapped as {known.name} "
                f"({known.values[0]} to {known.values[-1]}) but holds "
                f"{', '.join(map(str, unknown[:5]))}."
            )
        words, description = known.words, f"{known.name}, one colour each"
    else:
        if len(found) > MAX_CATEGORIES:
            raise ValueError(
                f"{function}: column '{column}' holds {len(found)} different whole numbers; "
                f"scheme='categories' draws at most {MAX_CATEGORIES}. Use a classed scheme "
                "such as 'quantiles'."
            )
        values, words, description = found, {}, "categories, one colour each"
    class_of = np.searchsorted(values, present.astype(int))
    counts = np.bincount(class_of, minlength=len(values)).tolist()
    labels = [
        f"{value}{f' ({words[value]})' if value in words else ''} ({count:,})"
        for value, count in zip(values.tolist(), counts, strict=True)
    ]
    n = len(values)
    colours = deprivation_colours(n) if n >= 2 else [_SINGLE_CLASS_COLOUR] * n
    return class_of, colours, labels, counts, description


def _diverging(
    present: np.ndarray,
    *,
    centre: float,
    centre_words: str,
    scheme: str,
    classes: int,
    function: str,
) -> tuple[np.ndarray, list[str], list[str], list[int], str]:
    """Return class per value, colours, labels, counts and description of a diverging map.

    The scheme classes the distances from the centre (mapclassify), and the same bounds are
    used on both sides, so that values equally far from the centre share a colour intensity.
    Classes run from the furthest below the centre to the furthest above; the centre's own
    class (values equal to it) is always listed, so that the legend names the centre.
    """
    import mapclassify

    class_name, words = SCHEMES[scheme]
    offset = present - centre
    distance = np.abs(offset)
    away = distance[distance > 0]
    n_side = min(classes, len(np.unique(away)))
    if n_side == 0:
        bins = np.empty(0)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fewer distinct values than classes: k reduced
            if n_side < 2:
                classifier = mapclassify.UserDefined(away, bins=[float(away.max())])
            elif class_name == "HeadTailBreaks":
                classifier = mapclassify.HeadTailBreaks(away)
            else:
                classifier = getattr(mapclassify, class_name)(away, k=n_side)
        furthest = float(away.max())
        bins = np.unique(np.asarray(classifier.bins, dtype=float))
        # Keep at most ``classes`` (head/tail breaks choose their own number), the last
        # ending at the furthest value (pretty breaks may go beyond it).
        bins = np.append(bins[bins < furthest][: classes - 1], furthest)
    whole = _whole_numbers(present) and float(centre).is_integer()
    if whole:
        # Whole distances: a class (a, b] holds the same values as (floor(a), floor(b)], so
        # whole bounds leave no class without a whole number in it.
        bins = np.unique(np.floor(bins))
    m = len(bins)
    step = np.minimum(np.searchsorted(bins, distance, side="left"), max(m - 1, 0))
    class_of = np.where(offset > 0, m + 1 + step, np.where(offset < 0, m - 1 - step, m))
    counts = np.bincount(class_of, minlength=2 * m + 1).tolist()
    decimals = 0 if whole else _decimals(np.append(present, centre), "rate")
    inner = [0.0, *bins[:-1]]
    if whole:
        near = [int(bound) + 1 for bound in inner]
        far = [int(bound) for bound in bins]
    else:
        near, far = inner, list(bins)
    below = [_range_label(centre - far[j], centre - near[j], decimals) for j in reversed(range(m))]
    above = [_range_label(centre + near[j], centre + far[j], decimals) for j in range(m)]
    middle = f"{centre:,.{decimals}f} ({centre_words})"
    labels = [
        f"{label} ({count:,})"
        for label, count in zip([*below, middle, *above], counts, strict=True)
    ]
    colours = diverging_colours(m) if m else [DIVERGING_CENTRE_COLOUR]
    description = (
        f"diverging around {centre:g} ({centre_words})\n{words} of the distance "
        f"from {centre:g}, {m} class{'es' if m != 1 else ''} each side"
    )
    return class_of, colours, labels, counts, description


def _classed(
    present: np.ndarray,
    *,
    scheme: str,
    classes: int,
    measure: str,
    threshold: int,
    collapse: bool,
) -> tuple[np.ndarray, list[str], list[str], list[int], str]:
    """Return class per value, colours, labels, counts and description of a classed map.

    Whole-number values get whole-number labels ("3 to 5"), a class holding one value is
    labelled by it alone when ``collapse`` ("1", not "1 to 1"), and a class that holds no
    whole number is left out.
    """
    import mapclassify

    class_name, words = SCHEMES[scheme]
    k = min(int(classes), len(np.unique(present)))
    with warnings.catch_warnings():
        # mapclassify warns when there are fewer distinct values than classes; k is reduced.
        warnings.simplefilter("ignore")
        if k < 2:
            classifier = mapclassify.UserDefined(present, bins=[float(present.max())])
        elif class_name == "HeadTailBreaks":
            classifier = mapclassify.HeadTailBreaks(present)
        else:
            classifier = getattr(mapclassify, class_name)(present, k=k)
    bins = np.asarray(classifier.bins, dtype=float)
    class_of = np.asarray(classifier.yb, dtype=int)
    whole = _whole_numbers(present)
    decimals = 0 if whole else _decimals(present, measure)
    upper = [min(float(bound), float(present.max())) for bound in bins]
    lower = [float(present.min()), *upper[:-1]]
    if whole:
        # Whole numbers: classes are (lower, upper], so the next class starts one above.
        lower = [lower[0], *(math.floor(bound) + 1 for bound in upper[:-1])]
        upper = [math.floor(bound) for bound in upper]
    if measure == "count":
        # Zeros are shown but counts from 1 to threshold - 1 are not, so no value lies between:
        # a class ending there holds only zeros, one starting there starts at the threshold.
        upper = [0 if 0 < bound < threshold else bound for bound in upper]
        lower = [threshold if 0 < bound < threshold else bound for bound in lower]
    counts = np.bincount(class_of, minlength=len(bins))
    # A class between two whole numbers (possible with ties) holds nothing: leave it out.
    kept = [i for i in range(len(bins)) if not (whole and lower[i] > upper[i] and not counts[i])]
    if len(kept) < len(bins):
        class_of = np.searchsorted(kept, class_of)
    labels = [
        f"{_range_label(lower[i], upper[i], decimals, collapse=collapse)} ({int(counts[i]):,})"
        for i in kept
    ]
    n_classes = len(kept)
    colours = sequential_colours(n_classes) if n_classes >= 2 else [_SINGLE_CLASS_COLOUR]
    description = f"{words}, {n_classes} class{'es' if n_classes != 1 else ''}"
    return class_of, colours, labels, [int(counts[i]) for i in kept], description


def _classify(
    areas,
    column: str,
    *,
    title: str,
    scheme: str,
    classes: int,
    measure: str,
    threshold: int,
    function: str,
    centre: float | None = None,
    centre_words: str = "centre",
    collapse: bool = False,
) -> _Classes:
    """Check a map's areas, column, title and options, then class the column's values.

    ``scheme="auto"`` draws a column of :data:`CATEGORY_COLUMNS` in categories and any
    other in quantiles. A ``centre`` gives a diverging map: ``classes`` is then the number
    of classes on each side of it. ``collapse`` labels a class of one value by that value
    alone (the static maps do; the interactive maps' legends keep "low to high").
    """
    _check_areas(areas, column, function)
    values = areas[column]
    scheme = _resolve_scheme(scheme, column, function)
    categorical = scheme in CATEGORY_SCHEMES
    if categorical:
        if measure == "count":
            raise ValueError(
                f"{function}: scheme={scheme!r} draws categories such as deciles, not counts; "
                "use a classed scheme such as 'quantiles' for a count."
            )
        if centre is not None:
            raise ValueError(
                f"{function}: a diverging map (centre={centre!r}) needs a classed scheme, "
                f"not scheme={scheme!r}."
            )
    elif centre is not None:
        if measure == "count":
            raise ValueError(
                f"{function}: a diverging map shows a difference from a centre, which is not "
                "a count; map counts with centre=None."
            )
        classes = _check_classes(classes, 2, 5, function, " on each side of the centre")
    else:
        classes = _check_classes(classes, 2, 9, function, "")
    if measure == "count":
        shown = suppress_small_counts(values, threshold=threshold)
        missing_label = _suppressed_label(threshold)
    else:
        shown = values
        missing_label = "not published"
    numbers = shown.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    missing = ~np.isfinite(numbers)
    present = numbers[~missing]
    class_of = np.full(len(numbers), -1, dtype=int)
    if len(present) == 0 and not categorical:
        words = (
            f"diverging around {centre:g} ({centre_words})"
            if centre is not None
            else SCHEMES[scheme][1]
        )
        return _Classes(class_of, [], [], [], missing, missing_label, int(missing.sum()), words)
    if categorical:
        found = _categorical(present, column, scheme, function)
    elif centre is not None:
        found = _diverging(
            present,
            centre=float(centre),
            centre_words=centre_words,
            scheme=scheme,
            classes=classes,
            function=function,
        )
    else:
        found = _classed(
            present,
            scheme=scheme,
            classes=classes,
            measure=measure,
            threshold=threshold,
            collapse=collapse,
        )
    present_class, colours, labels, counts, description = found
    class_of[~missing] = present_class
    return _Classes(
        class_of=class_of,
        colours=colours,
        labels=labels,
        counts=counts,
        missing=missing,
        missing_label=missing_label,
        missing_count=int(missing.sum()),
        description=description,
    )


def _nice_length(span: float, *, fraction: float) -> float:
    """Return a round length (1, 2 or 5 times a power of ten) at most ``fraction`` of ``span``."""
    target = span * fraction
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return step * power
    return power


def _add_scale_bar(ax, crs) -> None:
    from matplotlib import font_manager
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    if crs is None or not crs.is_projected:
        raise ValueError(
            "A scale bar needs a projected coordinate reference system in metres; "
            "reproject with areas.to_crs(27700) or pass scale_bar=False."
        )
    units = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    if units not in {"metre", "meter"}:
        raise ValueError(f"A scale bar needs coordinates in metres; these are in {units}.")
    x0, x1 = ax.get_xlim()
    length = _nice_length(x1 - x0, fraction=0.2)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        label,
        loc="lower left",
        bbox_to_anchor=(1.02, 0.0),
        bbox_transform=ax.transAxes,
        pad=0.2,
        borderpad=0.2,
        sep=4,
        color=NHS_BLACK,
        frameon=False,
        size_vertical=(ax.get_ylim()[1] - ax.get_ylim()[0]) / 250,
        fontproperties=font_manager.FontProperties(size=8),
    )
    ax.add_artist(bar)


def _add_north_arrow(ax) -> None:
    # British National Grid's grid north is within about 2 degrees of true north in England.
    ax.annotate(
        "N",
        xy=(1.06, 0.22),
        xytext=(1.06, 0.12),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        color=NHS_BLACK,
        arrowprops={"facecolor": NHS_BLACK, "edgecolor": NHS_BLACK, "width": 3, "headwidth": 9},
    )


def _draw_places(ax, places, label_column: str | None) -> None:
    import geopandas as gpd
    from matplotlib import patheffects

    if not isinstance(places, gpd.GeoDataFrame):
        raise TypeError(
            f"The 'places' parameter must be a GeoDataFrame. Got {type(places).__name__}."
        )
    width = 1.1 if len(places) <= 20 else 0.5  # many places: thinner outlines
    places.boundary.plot(ax=ax, color=NHS_BLACK, linewidth=width, zorder=3)
    if label_column is not None and label_column in places.columns:
        points = places.geometry.representative_point()
        halo = [patheffects.withStroke(linewidth=3, foreground=NHS_WHITE)]
        for point, name in zip(points, places[label_column], strict=True):
            ax.annotate(
                str(name),
                xy=(point.x, point.y),
                ha="center",
                va="center",
                fontsize=8,
                color=NHS_BLACK,
                path_effects=halo,
                zorder=4,
            )


def _new_axes(ax, figsize):
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax
    if not (isinstance(figsize, tuple | list) and len(figsize) == 2):
        raise TypeError(f"The 'figsize' parameter must be a (width, height) pair. Got {figsize!r}.")
    # A Figure not registered with pyplot: no global state, nothing kept alive behind the
    # caller; Jupyter still displays it.
    figure = Figure(figsize=tuple(figsize), layout="constrained")
    return figure, figure.add_subplot()


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
    place_labels: str | None,
    figsize: tuple[float, float],
    ax,
):
    """Draw a static map: areas coloured by class, legend, places, title and map furniture.

    ``classes`` holds each area's position in ``palette``; areas in ``hatch_mask`` are
    hatched. Returns the figure.
    """
    figure, ax = _new_axes(ax, figsize)
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
    if places is not None:
        if places.crs is not None and crs is not None and not places.crs.equals(crs):
            places = places.to_crs(crs)
        _draw_places(ax, places, place_labels)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, color=NHS_BLACK, wrap=True)
    if scale_bar:
        _add_scale_bar(ax, crs)
    if north_arrow:
        _add_north_arrow(ax)
    if caption:
        ax.annotate(
            caption,
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -12),
            textcoords="offset points",
            va="top",
            fontsize=7,
            color=NHS_MID_GREY,
            wrap=True,
        )
    return figure


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


#: Constraints of the options the maps share (see :func:`validate_params`).
MAP_OPTIONS = {
    "areas": ["geo-data-frame"],
    "column": ["column"],
    "title": ["text"],
    "legend_title": ["str", None],
    "scheme": [StrOptions(_ALL_SCHEMES)],
    "classes": [Interval(Integral, 2, 9, closed="both")],
    "measure": [StrOptions(_MEASURES)],
    "disclosure_threshold": [Interval(Integral, 1, None, closed="left")],
    "places": [None, "geo-data-frame"],
    "place_labels": ["column", None],
    "tooltip_columns": [SequenceOf("column")],
    "count_columns": [SequenceOf("column")],
    "not_counts": [SequenceOf("column")],
    "simplify_tolerance": [NON_NEGATIVE, None],
}
#: Constraints of the options of the static maps' drawing.
_DRAWING = {
    "title": ["text"],
    "places": [None, "geo-data-frame"],
    "place_labels": ["column", None],
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
        **{name: MAP_OPTIONS[name] for name in ("measure", "disclosure_threshold")},
        **_DRAWING,
        "classes": [*MAP_OPTIONS["classes"], None],
        "centre": [Interval(Real, None, None, closed="neither"), StrOptions({"auto"}), None],
    }
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
    disclosure_threshold: int = DISCLOSURE_THRESHOLD,
    places=None,
    place_labels: str | None = "place",
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
        ``"count"`` suppresses counts from 1 to ``disclosure_threshold - 1`` before
        classing (zeros are shown, as in the report's tables); missing rates are shown as
        "not published".
    centre : float, "auto" or None
        Draw a diverging map centred on this value: the scheme classes the distance from the
        centre and the same class bounds are used on both sides, blue below and orange above
        (:func:`toolkit.style.diverging_colours`: equal distance, equal lightness; the centre
        NHS Pale Grey, named in the legend). ``"auto"`` (default) centres the columns of
        :data:`DIVERGING_CENTRES` (``excess_events`` and ``excess`` on 0,
        ``standardised_ratio`` on 100, "as expected") and draws any other column, and every
        map of categories or counts, on the sequential blues; ``None`` never diverges.
    disclosure_threshold : int
        Smallest count above zero shown on a map of counts.
    places : geopandas.GeoDataFrame, optional
        Place polygons (for example ``AreaIndicators.places``) drawn as outlines on top.
    place_labels : str or None
        Column of ``places`` used to label them; ``None`` for no labels.
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
    single value is labelled by it alone ("1", not "1 to 1").
    """
    from matplotlib.patches import Patch

    function = "choropleth"
    resolved = _resolve_scheme(scheme, column, function)
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
        threshold=disclosure_threshold,
        function=function,
        centre=centre,
        centre_words=centre_words,
        collapse=True,
    )
    handles = [
        Patch(facecolor=colour, edgecolor=NHS_MID_GREY, linewidth=0.3, label=label)
        for colour, label in zip(found.colours, found.labels, strict=True)
    ]
    if found.missing_count:
        handles.append(
            Patch(
                facecolor=MISSING_COLOUR,
                edgecolor=NHS_MID_GREY,
                hatch=_HATCH,
                linewidth=0.3,
                label=f"{found.missing_label} ({found.missing_count:,})",
            )
        )
    if places is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=NHS_BLACK, linewidth=1.1, label="place boundary"))
    return _draw_map(
        areas,
        palette=[*found.colours, MISSING_COLOUR],  # class -1 (missing) is the last colour
        classes=np.where(found.class_of < 0, len(found.colours), found.class_of),
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
    places=None,
    place_labels: str | None = "place",
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
    places, place_labels, caption, scale_bar, north_arrow, figsize, ax
        As for :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure. The legend states the correction for multiple testing (Benjamini-
        Hochberg false discovery rate by default, or "not corrected for multiple testing"),
        the significance, permutations and seed.
    """
    from matplotlib.patches import Patch

    from toolkit.places.hotspots import CLUSTER_LABELS

    areas = hotspots.areas
    labels = areas["cluster"].astype(str).to_numpy()
    counts = pd.Series(labels).value_counts()
    handles = []
    for label in CLUSTER_LABELS:
        if label not in counts.index:
            continue
        handles.append(
            Patch(
                facecolor=CLUSTER_COLOURS[label],
                edgecolor=NHS_MID_GREY,
                linewidth=0.3,
                hatch=_HATCH if label == "not tested" else None,
                label=f"{label} ({counts[label]:,})",
            )
        )
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
        palette=[CLUSTER_COLOURS[label] for label in CLUSTER_LABELS],
        classes=pd.Index(CLUSTER_LABELS).get_indexer(labels),
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


def _tooltip_text(series: pd.Series, *, suppress: bool, threshold: int, decimals: int):
    """Format a column for tooltips (element-wise string formatting, no arithmetic)."""
    if suppress:
        shown = suppress_small_counts(series, threshold=threshold)
        text = shown.astype(object).map("{:,}".format, na_action="ignore")
        text = text.mask(shown.isna() & series.notna(), _suppressed_label(threshold))
    elif pd.api.types.is_bool_dtype(series):
        text = series.map({True: "yes", False: "no"})
    elif pd.api.types.is_integer_dtype(series):
        text = series.astype(object).map("{:,}".format, na_action="ignore")
    elif pd.api.types.is_numeric_dtype(series):
        text = series.astype(object).map(f"{{:,.{decimals}f}}".format, na_action="ignore")
    else:
        text = series.astype(object).map(str, na_action="ignore")
    return text.astype(object).where(text.notna(), "not available")


#: Whole-number columns of the toolkit's own areas contract (and a year) that are not counts:
#: interactive maps show them unchanged unless they are named in ``count_columns``. Only
#: names that cannot hold a count of people belong here (deciles, ranks, scores, years).
NOT_COUNTS: Final[tuple[str, ...]] = ("imd_decile", "imd_rank", "imd_score", "year")


def _as_numbers(series: pd.Series) -> pd.Series | None:
    """Return ``series`` as numbers, or None if it does not hold numbers.

    Numeric columns are returned as they are; text, object and categorical columns whose
    every non-missing value reads as a number (a count stored as text) are converted.
    Booleans are not numbers here: they are shown as "yes" and "no".
    """
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_numeric_dtype(series):
        return series
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None  # dates, intervals...: never counts
    present = series.dropna()
    if len(present) == 0 or any(isinstance(value, bool | np.bool_) for value in present):
        return None
    numbers = pd.to_numeric(series.astype(object), errors="coerce")
    if numbers.notna().sum() != len(present):
        return None  # some value is not a number: a name or a code
    return numbers.rename(series.name)


def _whole(numbers: pd.Series) -> bool:
    """Return whether every non-missing value of ``numbers`` is a finite whole number."""
    values = numbers.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    present = values[~np.isnan(values)]
    return bool(np.all(np.isfinite(present) & (present == np.round(present))))


def _check_not_counts(
    frame: pd.DataFrame,
    not_counts: Sequence[str],
    count_columns: Sequence[str],
    *,
    column: str,
    measure: str,
    function: str,
) -> set[str]:
    """Return the columns declared not to be counts: ``not_counts`` and :data:`NOT_COUNTS`.

    A name of :data:`NOT_COUNTS` given in ``count_columns`` is a count after all (the
    caller's word wins over the default); a name given in both ``not_counts`` and
    ``count_columns``, or the mapped ``column`` of a ``measure="count"`` map given in
    ``not_counts``, is refused.
    """
    declared = list(not_counts)
    unknown = [name for name in declared if name not in frame.columns]
    if unknown:
        raise ValueError(
            f"The 'not_counts' parameter of {function} names column(s) the areas do not "
            f"have: {', '.join(map(repr, unknown))}."
        )
    counted = set(count_columns) | ({column} if measure == "count" else set())
    both = [name for name in declared if name in counted]
    if both:
        raise ValueError(
            f"{function}: column(s) {', '.join(map(repr, both))} are declared both counts "
            "(count_columns, or the mapped column of measure='count') and not counts "
            "(not_counts); name each in one of them only."
        )
    return (set(NOT_COUNTS) | set(declared)) - counted


def _shown_counts(
    frame: pd.DataFrame,
    fields: Sequence[str],
    *,
    count_columns: Collection[str],
    declared: Collection[str],
    function: str,
) -> set[str]:
    """Return which of the ``fields`` an interactive map shows are counts, to suppress.

    A field is a count when it is named in ``count_columns``, or when it holds numbers that
    are all whole and it is not ``declared`` a non-count, whatever its name. Columns of
    fractions (rates, shares, scores) are shown as they are. The toolkit's own code: which
    columns are counts is a rule of this toolkit; the suppression itself is the shared
    :func:`toolkit.disclosure.suppress_small_counts`.

    Raises
    ------
    ValueError
        A field named in ``count_columns`` does not hold numbers, or an undeclared
        whole-number field has negative values: that is not a count, but it may be a
        difference of counts, so the caller must say (``not_counts``) that it is safe.
    """
    counts: set[str] = set()
    for name in fields:
        numbers = _as_numbers(frame[name])
        if name in count_columns:
            if numbers is None:
                raise ValueError(
                    f"The 'count_columns' parameter of {function} names column '{name}', "
                    "which does not hold numbers, so it cannot be a count."
                )
            counts.add(name)
        elif name not in declared and numbers is not None and _whole(numbers):
            if bool((numbers.astype("Float64") < 0).fillna(False).any()):
                raise ValueError(
                    f"{function}: column '{name}' holds whole numbers, some negative, so it "
                    "cannot be told apart from counts (or differences of counts) that must be "
                    f"hidden when small. Name it in not_counts=('{name}',) if none of its "
                    "values can reveal a small count (a change of rank, a code), or leave it "
                    "off the map."
                )
            counts.add(name)
    return counts


def _shown_text(
    frame: pd.DataFrame,
    fields: Sequence[str],
    *,
    counts: Collection[str],
    threshold: int,
    decimals: int,
) -> dict[str, np.ndarray]:
    """Return the text an interactive map shows for each field, small counts suppressed."""
    shown = {}
    for name in fields:
        series = frame[name]
        if name in counts:
            series = _as_numbers(series)
        shown[name] = _tooltip_text(
            series, suppress=name in counts, threshold=threshold, decimals=decimals
        ).to_numpy(dtype=object)
    return shown


def _unpublished(
    found: _Classes, series: pd.Series, text: np.ndarray, *, measure: str, threshold: int
) -> tuple[_Classes, np.ndarray]:
    """Return the classes and shown text of a mapped column with unpublished values named.

    A missing rate shows as "not published". A column of ``measure="rate"`` mapped as a count
    (whole numbers) keeps those words for its missing values, beside "suppressed" for its
    small counts, and the legend names both when both occur.
    """
    if measure != "rate":
        return found, text
    if found.missing_label == "not published":  # classed as a rate
        return found, np.where(found.missing, "not published", text)
    unpublished = series.isna().to_numpy()
    if not unpublished.any():
        return found, text
    label = (
        "not published"
        if int(unpublished.sum()) == found.missing_count
        else f"not published or {_suppressed_label(threshold)}"
    )
    return replace(found, missing_label=label), np.where(unpublished, "not published", text)


@validate_params({**MAP_OPTIONS, "tiles": ["str", None]})
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
    disclosure_threshold: int = DISCLOSURE_THRESHOLD,
    places=None,
    place_labels: str | None = "place",
    tiles: str | None = None,
    simplify_tolerance: float | None = 5.0,
):
    """Make an interactive folium map of a neighbourhood indicator for a notebook.

    Disclosure control covers every value the page carries, whatever its column is called:
    each shown column (the mapped one, the tooltip columns, the places' labels) that holds
    whole numbers is a count unless declared otherwise (``not_counts``), and its values from
    1 to ``disclosure_threshold - 1`` show as "suppressed (fewer than 10)" in the tooltip,
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
        values from 1 to ``disclosure_threshold - 1`` show as "suppressed". Columns of whole
        numbers are counts without being named here. The mapped column is one when
        ``measure="count"``.
    not_counts : sequence of str
        Shown columns of whole numbers that are not counts of people or events (ranks,
        deciles, codes), shown unchanged. :data:`NOT_COUNTS` (``imd_decile``, ``imd_rank``,
        ``imd_score``, ``year``) are declared by default; name one in ``count_columns`` to
        suppress it after all. Each must be a column of ``areas``.
    scheme, classes, measure, disclosure_threshold
        As for :func:`choropleth`. A mapped column of whole numbers not declared in
        ``not_counts`` is mapped as a count whatever ``measure`` says.
    places : geopandas.GeoDataFrame, optional
        Place polygons drawn as outlines on top, with their name as tooltip.
    place_labels : str or None
        Column of ``places`` shown as their tooltip (its only property in the page).
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
    threshold = int(disclosure_threshold)
    _check_areas(areas, column, function)
    declared = _check_not_counts(
        areas, not_counts, count_columns, column=column, measure=measure, function=function
    )
    fields = [column, *[c for c in tooltip_columns if c in areas.columns and c != column]]
    counts = _shown_counts(
        areas,
        fields,
        count_columns={*count_columns, *([column] if measure == "count" else [])},
        declared=declared,
        function=function,
    )
    # A mapped count is classed as one, so that neither its colour nor the legend's class
    # bounds show a small count (whatever ``measure`` says).
    mapped = "count" if column in counts else measure
    found = _classify(
        areas,
        column,
        title=title,
        scheme=scheme,
        classes=classes,
        measure=mapped,
        threshold=threshold,
        function=function,
    )
    if areas.crs is None:
        raise ValueError(f"{function}: the areas have no coordinate reference system.")
    decimals = _decimals(
        areas[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan), mapped
    )
    geometry = areas.geometry
    if simplify_tolerance is not None:
        if not areas.crs.is_projected:
            raise ValueError(
                f"{function}: simplify_tolerance is in metres and needs projected areas; "
                "reproject with to_crs(27700) or pass simplify_tolerance=None."
            )
        geometry = geometry.simplify_coverage(float(simplify_tolerance))
    palette = np.array([*found.colours, MISSING_COLOUR], dtype=object)
    # Only the shown fields (and each area's colour) go into the page's GeoJSON.
    properties = _shown_text(areas, fields, counts=counts, threshold=threshold, decimals=decimals)
    found, properties[column] = _unpublished(
        found, areas[column], properties[column], measure=measure, threshold=threshold
    )
    import geopandas as gpd

    layer = gpd.GeoDataFrame(
        {**properties, "_fill": palette[found.class_of]},
        geometry=geometry.to_numpy(),
        crs=areas.crs,
    ).to_crs(4326)
    west, south, east, north = layer.total_bounds
    web_map = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=tiles,
        control_scale=True,
        prefer_canvas=len(layer) > _MANY_POLYGONS,
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
        place_fields = [place_labels] if place_labels in outline.columns else []
        # The place names, and nothing else, are the places' properties; a label column of
        # whole numbers is a count like any other.
        place_text = _shown_text(
            outline,
            place_fields,
            counts=_shown_counts(
                outline, place_fields, count_columns=(), declared=declared, function=function
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
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:12px;background:{colour};'
        f'border:1px solid {NHS_MID_GREY};margin-right:6px"></span>{html.escape(label)}</div>'
        for colour, label in zip(found.colours, found.labels, strict=True)
    )
    if found.missing_count:
        rows += (
            f'<div><span style="display:inline-block;width:14px;height:12px;'
            f'background:{MISSING_COLOUR};border:1px solid {NHS_MID_GREY};margin-right:6px">'
            f"</span>{html.escape(found.missing_label)} ({found.missing_count:,})</div>"
        )
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
