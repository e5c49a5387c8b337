"""The furniture of the static maps: scale bar, north arrow, place outlines and the figure.

Drawn by :func:`toolkit.places.choropleth` and :func:`toolkit.places.cluster_map` around
their coloured areas, with matplotlib.
"""

from __future__ import annotations

import math

from toolkit.style import NHS_BLACK, NHS_WHITE


def _nice_length(span: float, *, fraction: float) -> float:
    """Return a round length (1, 2 or 5 times a power of ten) at most ``fraction`` of ``span``."""
    target = span * fraction
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return step * power
    return power


def add_scale_bar(ax, crs) -> None:
    """Draw a scale bar of a round length right of the map (the coordinates in metres)."""
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


def add_north_arrow(ax) -> None:
    """Draw a north arrow right of the map, under the legend."""
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


def draw_places(ax, places, label_column: str | None) -> None:
    """Draw the places' outlines over the areas, labelled by ``label_column`` if given."""
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


def new_axes(ax, figsize):
    """Return the figure and axes to draw on: ``ax``'s, or a new figure of ``figsize``."""
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax
    if not (isinstance(figsize, tuple | list) and len(figsize) == 2):
        raise TypeError(f"The 'figsize' parameter must be a (width, height) pair. Got {figsize!r}.")
    # A Figure not registered with pyplot: no global state, nothing kept alive behind the
    # caller; Jupyter still displays it.
    figure = Figure(figsize=tuple(figsize), layout="constrained")
    return figure, figure.add_subplot()
