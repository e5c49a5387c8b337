"""The furniture of the static maps: legend column, scale bar, north arrow, caption, places.

Drawn by :func:`toolkit.places.choropleth` and :func:`toolkit.places.cluster_map` around
their coloured areas, with matplotlib. Nothing overlaps, whatever the map's shape: the
legend sits right of the map, the north arrow and scale bar under the legend, and the
caption (source and attribution) under whichever of the map and that column ends lower;
each is anchored to the others' extents as measured when the figure is drawn. Place
labels are moved apart when the figure is drawn too (:func:`keep_labels_apart`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from toolkit.style import NHS_BLACK, NHS_MID_GREY, NHS_WHITE, wrap_to_width

#: Font sizes of the furniture, in points: nothing under 8 pt in print.
_SMALL: Final[float] = 8.0
_NORTH: Final[float] = 11.0
#: Gaps, in points, between the legend and the furniture under it, and above the caption.
_GAP: Final[float] = 8.0
#: Drawing order of the place labels (over the place outlines, at 3).
_LABEL_ZORDER: Final[float] = 4.0
#: Shifts tried for a label that overlaps another, in lines up (+) or down (-).
_SHIFTS: Final[tuple[int, ...]] = (0, 1, -1, 2, -2)


def _nice_length(span: float, *, fraction: float) -> float:
    """Return a round length (1, 2 or 5 times a power of ten) at most ``fraction`` of ``span``."""
    target = span * fraction
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return step * power
    return power


def _scale_bar(ax, crs):
    """Return a scale bar of a round length, the coordinates in metres, as an offset box."""
    from matplotlib.offsetbox import AuxTransformBox, TextArea, VPacker
    from matplotlib.patches import Rectangle

    if crs is None or not crs.is_projected:
        raise ValueError(
            "A scale bar needs a projected coordinate reference system in metres; "
            "reproject with areas.to_crs(27700) or pass scale_bar=False."
        )
    units = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    if units not in {"metre", "meter"}:
        raise ValueError(f"A scale bar needs coordinates in metres; these are in {units}.")
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0, fraction=0.2)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    bar = AuxTransformBox(ax.transData)  # drawn at the map's scale, wherever it sits
    bar.add_artist(
        Rectangle((0, 0), length, (y1 - y0) / 250, facecolor=NHS_BLACK, edgecolor=NHS_BLACK)
    )
    text = TextArea(label, textprops={"size": _SMALL, "color": NHS_BLACK})
    box = VPacker(children=[bar, text], align="center", pad=0, sep=4)
    box.set_gid("scale-bar")
    return box


def _north_arrow():
    """Return a north arrow over the letter N, as an offset box (sizes in points)."""
    from matplotlib.offsetbox import DrawingArea, TextArea, VPacker
    from matplotlib.patches import Polygon

    # British National Grid's grid north is within about 2 degrees of true north in England.
    area = DrawingArea(12, 22, 0, 0)
    outline = [(6, 22), (12, 10), (7.5, 12), (7.5, 0), (4.5, 0), (4.5, 12), (0, 10)]
    area.add_artist(Polygon(outline, closed=True, facecolor=NHS_BLACK, edgecolor=NHS_BLACK))
    letter = TextArea("N", textprops={"size": _NORTH, "weight": "bold", "color": NHS_BLACK})
    box = VPacker(children=[area, letter], align="center", pad=0, sep=2)
    box.set_gid("north-arrow")
    return box


def add_furniture(ax, crs, legend, *, scale_bar: bool, north_arrow: bool):
    """Draw the north arrow and the scale bar side by side under the legend.

    Returns the artist holding them (an ``AnnotationBbox`` whose boxes have the gids
    ``"north-arrow"`` and ``"scale-bar"``), or None when neither is drawn.
    """
    from matplotlib.offsetbox import AnnotationBbox, HPacker

    parts = [_north_arrow()] if north_arrow else []
    if scale_bar:
        parts.append(_scale_bar(ax, crs))
    if not parts:
        return None
    furniture = AnnotationBbox(
        HPacker(children=parts, align="bottom", pad=0, sep=14),
        xy=(0, 0),
        xycoords=legend,  # the legend's lower left corner, wherever the legend is
        xybox=(0, -_GAP),
        boxcoords="offset points",
        box_alignment=(0, 1),
        frameon=False,
        pad=0,
    )
    ax.add_artist(furniture)
    return furniture


def add_caption(ax, caption: str, *, above: Sequence):
    """Write the caption under the map and under every artist ``above`` it, in grey.

    Its lines are broken to the width from the map's left edge to the figure's right edge.
    """
    from matplotlib.transforms import Bbox

    def anchor(renderer):
        frame = ax.get_window_extent(renderer)
        bottoms = [frame.y0, *(a.get_window_extent(renderer).y0 for a in above)]
        return Bbox.from_extents(frame.x0, min(bottoms), frame.x0 + 1, min(bottoms) + 1)

    text = ax.annotate(
        caption,
        xy=(0, 0),
        xycoords=anchor,
        xytext=(0, -_GAP),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=_SMALL,
        color=NHS_MID_GREY,
        wrap=True,
    )
    text.set_gid("map-caption")
    figure = ax.get_figure(root=True)
    room = figure.bbox.width - ax.get_window_extent().x0 - figure.dpi * 0.1
    wrap_to_width(text, room)
    return text


def place_names(places, place_labels: str | Mapping[str, str] | None) -> pd.Series | None:
    """Return the label of each place, or None for no labels.

    ``place_labels`` is a column of ``places`` (None if the places lack it), or short labels
    by the name in their ``place`` column (a name not in it keeps its own).
    """
    if place_labels is None:
        return None
    if isinstance(place_labels, Mapping):
        if "place" not in places.columns:
            return None
        return places["place"].map(lambda name: str(place_labels.get(name, name)))
    if place_labels not in places.columns:
        return None
    return places[place_labels]


def _two_lines(name: str) -> str:
    """Return ``name`` broken between words into the two lines of most even length."""
    words = name.split()
    if len(words) < 2:
        return name
    cut = min(
        range(1, len(words)),
        key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))),
    )
    return f"{' '.join(words[:cut])}\n{' '.join(words[cut:])}"


def draw_places(ax, places, place_labels: str | Mapping[str, str] | None) -> list:
    """Draw the places' outlines over the areas, and their labels (:func:`place_names`).

    Returns the labels, largest place first, each with its place's least and greatest
    x: pass them to :func:`keep_labels_apart`.
    """
    import geopandas as gpd
    from matplotlib import patheffects

    if not isinstance(places, gpd.GeoDataFrame):
        raise TypeError(
            f"The 'places' parameter must be a GeoDataFrame. Got {type(places).__name__}."
        )
    width = 1.1 if len(places) <= 20 else 0.5  # many places: thinner outlines
    places.boundary.plot(ax=ax, color=NHS_BLACK, linewidth=width, zorder=3)
    names = place_names(places, place_labels)
    if names is None:
        return []
    points = places.geometry.representative_point()
    bounds = places.geometry.bounds.to_numpy()
    halo = [patheffects.withStroke(linewidth=3, foreground=NHS_WHITE)]
    labels = []
    for position in places.geometry.area.to_numpy().argsort(kind="stable")[::-1]:
        point = points.iloc[position]
        text = ax.annotate(
            str(names.iloc[position]),
            xy=(point.x, point.y),
            xytext=(0, 0),
            textcoords="offset pixels",
            ha="center",
            va="center",
            fontsize=_SMALL,
            color=NHS_BLACK,
            path_effects=halo,
            zorder=_LABEL_ZORDER,
        )
        text.set_in_layout(False)  # kept inside the map by keep_labels_apart
        labels.append((text, (bounds[position, 0], bounds[position, 2])))
    return labels


def _inside(box, frame):
    """Return ``box`` moved the least to lie inside ``frame``, or None if it is too big."""
    if box.width > frame.width or box.height > frame.height:
        return None
    dx = max(frame.x0 - box.x0, 0.0) + min(frame.x1 - box.x1, 0.0)
    dy = max(frame.y0 - box.y0, 0.0) + min(frame.y1 - box.y1, 0.0)
    return box.translated(dx, dy)


def _place_apart(ax, labels: Sequence, names: Sequence[str], obstacles: Sequence, renderer):
    """Put each label where it overlaps no label placed before it nor an obstacle.

    A label (its text one of ``names``) is tried at its place and then shifted up or down by
    a line or two, always inside the map; at each spot in one line and then in two, or in
    two lines first when one line is wider than its place. A label that fits nowhere is
    hidden.
    """
    frame = ax.get_window_extent(renderer)
    taken = [artist.get_window_extent(renderer) for artist in obstacles]
    pad = renderer.points_to_pixels(2.0)
    for (text, (xmin, xmax)), name in zip(labels, names, strict=True):
        left, right = ax.transData.transform([(xmin, 0.0), (xmax, 0.0)])[:, 0]
        room = abs(right - left)
        text.set_visible(True)
        text.xyann = (0.0, 0.0)
        boxes = {}
        for words in dict.fromkeys([name, _two_lines(name)]):
            text.set_text(words)
            boxes[words] = text.get_window_extent(renderer)
        order = sorted(boxes, key=lambda words: boxes[words].width > room)
        spot = None
        for shift in _SHIFTS:
            for words in order:
                box = boxes[words]
                line = box.height / (words.count("\n") + 1)
                moved = _inside(box.translated(0.0, shift * line), frame)
                if moved is not None and not any(
                    moved.padded(pad).overlaps(other) for other in taken
                ):
                    spot = moved
                    text.set_text(words)
                    text.xyann = (moved.x0 - box.x0, moved.y0 - box.y0)
                    break
            if spot is not None:
                break
        if spot is None:
            text.set_text(name)
            text.set_visible(False)
        else:
            taken.append(spot)


def keep_labels_apart(ax, labels: Sequence, obstacles: Sequence) -> None:
    """Move the place ``labels`` apart each time the figure is drawn (:func:`_place_apart`).

    ``labels`` are those :func:`draw_places` returns; ``obstacles`` are artists they must
    not overlap.

    Done when drawing, as the figure is laid out, because the labels' room depends on the
    map's size on the page, known only then.
    """
    from matplotlib.artist import Artist

    names = [text.get_text() for text, _ in labels]

    class _LabelPlacer(Artist):
        """Drawn just before the labels: places them, draws nothing itself."""

        def draw(self, renderer) -> None:
            shown = [artist for artist in obstacles if artist.get_visible()]
            _place_apart(ax, labels, names, shown, renderer)

    if not labels:
        return
    placer = _LabelPlacer()
    placer.set_zorder(_LABEL_ZORDER - 0.01)
    placer.set_in_layout(False)
    ax.add_artist(placer)


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
