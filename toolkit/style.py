"""NHS identity colours and colour maps shared by every chart and map in the toolkit.

The colours are those of the NHS identity guidelines (https://www.england.nhs.uk/nhsidentity/).
Sequential maps run from a pale grey to NHS Dark Blue and are monotone in lightness, so that
they read in greyscale and for people with any common form of colour blindness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

#: NHS identity blues.
NHS_DARK_BLUE: Final[str] = "#003087"
NHS_BLUE: Final[str] = "#005EB8"
NHS_BRIGHT_BLUE: Final[str] = "#0072CE"
NHS_LIGHT_BLUE: Final[str] = "#41B6E6"
NHS_AQUA_BLUE: Final[str] = "#00A9CE"

#: NHS identity neutrals.
NHS_BLACK: Final[str] = "#231F20"
NHS_DARK_GREY: Final[str] = "#425563"
NHS_MID_GREY: Final[str] = "#768692"
NHS_PALE_GREY: Final[str] = "#E8EDEE"
NHS_WHITE: Final[str] = "#FFFFFF"

#: NHS identity support colours.
NHS_WARM_YELLOW: Final[str] = "#FFB81C"
NHS_ORANGE: Final[str] = "#ED8B00"
NHS_RED: Final[str] = "#DA291C"
NHS_DARK_PINK: Final[str] = "#7C2855"
NHS_PURPLE: Final[str] = "#330072"
NHS_AQUA_GREEN: Final[str] = "#00A499"

#: Every named NHS colour, for lookup by name.
NHS_COLOURS: Final[dict[str, str]] = {
    "dark_blue": NHS_DARK_BLUE,
    "blue": NHS_BLUE,
    "bright_blue": NHS_BRIGHT_BLUE,
    "light_blue": NHS_LIGHT_BLUE,
    "aqua_blue": NHS_AQUA_BLUE,
    "black": NHS_BLACK,
    "dark_grey": NHS_DARK_GREY,
    "mid_grey": NHS_MID_GREY,
    "pale_grey": NHS_PALE_GREY,
    "white": NHS_WHITE,
    "warm_yellow": NHS_WARM_YELLOW,
    "orange": NHS_ORANGE,
    "red": NHS_RED,
    "dark_pink": NHS_DARK_PINK,
    "purple": NHS_PURPLE,
    "aqua_green": NHS_AQUA_GREEN,
}

#: Anchors of the sequential ramp, light to dark.
NHS_SEQUENTIAL_ANCHORS: Final[tuple[str, ...]] = (
    NHS_PALE_GREY,
    NHS_LIGHT_BLUE,
    NHS_BRIGHT_BLUE,
    NHS_DARK_BLUE,
)

#: Colour for areas with no published value (suppressed or not published).
MISSING_COLOUR: Final[str] = NHS_WHITE

#: Dark end of the warm side of the diverging ramp: a dark brown-orange (not an NHS identity
#: colour; the identity has no dark orange), a little darker than NHS Dark Blue (CIELAB L*
#: 22 against 23) so that the warm side reaches the cool side's darkest lightness.
DIVERGING_DARK_ORANGE: Final[str] = "#5A2600"

#: Centre of the diverging ramp: NHS Pale Grey, a near-neutral grey.
DIVERGING_CENTRE_COLOUR: Final[str] = NHS_PALE_GREY

#: Anchors of the diverging ramp's cool side (below the centre), centre to dark: NHS blues.
NHS_DIVERGING_COOL_ANCHORS: Final[tuple[str, ...]] = NHS_SEQUENTIAL_ANCHORS

#: Anchors of the diverging ramp's warm side (above the centre), centre to dark: NHS Warm
#: Yellow and NHS Orange, then :data:`DIVERGING_DARK_ORANGE`.
NHS_DIVERGING_WARM_ANCHORS: Final[tuple[str, ...]] = (
    NHS_PALE_GREY,
    NHS_WARM_YELLOW,
    NHS_ORANGE,
    DIVERGING_DARK_ORANGE,
)


def nhs_sequential_cmap(n: int | None = None, *, reverse: bool = False):
    """Return a sequential colour map from pale grey through NHS blues to NHS Dark Blue.

    Parameters
    ----------
    n : int, optional
        Number of discrete colours (for a classed choropleth). ``None`` gives a smooth map
        of 256 colours.
    reverse : bool
        Run from dark to light instead.

    Returns
    -------
    matplotlib.colors.LinearSegmentedColormap
        The colour map, named ``"nhs_blues"`` (``"nhs_blues_r"`` when reversed).

    Notes
    -----
    The ramp interpolates in RGB between :data:`NHS_SEQUENTIAL_ANCHORS`, whose CIELAB
    lightness falls from about 93 to 23; :func:`lightness` checks that it falls monotonically.
    """
    from matplotlib.colors import LinearSegmentedColormap

    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int | np.integer):
            raise TypeError(
                "The 'n' parameter of nhs_sequential_cmap must be an int or None. "
                f"Got {n!r} instead."
            )
        if n < 2:
            raise ValueError(
                f"The 'n' parameter of nhs_sequential_cmap must be at least 2. Got {n} instead."
            )
    anchors = NHS_SEQUENTIAL_ANCHORS[::-1] if reverse else NHS_SEQUENTIAL_ANCHORS
    name = "nhs_blues_r" if reverse else "nhs_blues"
    return LinearSegmentedColormap.from_list(name, list(anchors), N=256 if n is None else int(n))


def sequential_colours(n: int, *, reverse: bool = False) -> list[str]:
    """Return ``n`` hex colours spread evenly along :func:`nhs_sequential_cmap`.

    Parameters
    ----------
    n : int
        Number of colours, at least 2.
    reverse : bool
        Run from dark to light instead.

    Returns
    -------
    list of str
        Hex colours, lightest first (darkest first when reversed).
    """
    from matplotlib.colors import to_hex

    cmap = nhs_sequential_cmap(n, reverse=reverse)
    return [to_hex(cmap(i)) for i in range(n)]


def deprivation_colours(n: int = 10) -> list[str]:
    """Return one colour per deprivation category, the most deprived (darkest) first.

    The palette of IMD deciles (``n=10``) and quintiles (``n=5``): the NHS sequential blues
    of :func:`sequential_colours` run from NHS Dark Blue for decile 1 (most deprived) to NHS
    Pale Grey for decile 10 (least deprived), falling monotonically in lightness, so that the
    order reads in greyscale and with any common colour-vision deficiency.

    Parameters
    ----------
    n : int
        Number of categories, at least 2.

    Returns
    -------
    list of str
        Hex colours, darkest (category 1, most deprived) first.
    """
    return sequential_colours(n, reverse=True)


def _colour_at_lightness(anchors: tuple[str, ...], targets: np.ndarray) -> list[str]:
    """Return colours along the RGB ramp through ``anchors`` with the given CIELAB L*.

    The ramp must fall monotonically in lightness (it is sampled finely and interpolated).
    """
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    cmap = LinearSegmentedColormap.from_list("ramp", list(anchors), N=2048)
    positions = np.linspace(0.0, 1.0, 2048)
    along = lightness(cmap(positions))
    if np.any(np.diff(along) >= 0):
        raise ValueError("The anchors of a diverging side must fall in lightness.")
    # np.interp needs increasing x: lightness falls along the ramp, so reverse both.
    where = np.interp(targets, along[::-1], positions[::-1])
    return [to_hex(cmap(float(position))) for position in where]


def diverging_colours(n_per_side: int) -> list[str]:
    """Return a blue-orange diverging palette, symmetric in lightness around a neutral centre.

    For maps of a difference from a centre (excess events around 0, standardised ratios
    around 100): NHS blues below the centre, orange above it, NHS Pale Grey at the centre.
    Step ``i`` from the centre has the same CIELAB lightness on both sides, falling evenly
    from the centre's (about 93) to NHS Dark Blue's (about 23), so equal distances from the
    centre look equally strong. Blue against orange stays distinct with red-green colour
    blindness (deuteranopia, protanopia), the commonest forms; lightness carries the distance
    from the centre in greyscale too (though not its side).

    Parameters
    ----------
    n_per_side : int
        Colours on each side of the centre, from 1 to 5.

    Returns
    -------
    list of str
        ``2 * n_per_side + 1`` hex colours: the darkest blue (furthest below the centre)
        first, the centre colour in the middle, the darkest orange (furthest above) last.

    Notes
    -----
    Each side is the RGB ramp through its anchors (:data:`NHS_DIVERGING_COOL_ANCHORS`,
    :data:`NHS_DIVERGING_WARM_ANCHORS`), read at the point of the required lightness.
    """
    if isinstance(n_per_side, bool) or not isinstance(n_per_side, int | np.integer):
        raise TypeError(
            "The 'n_per_side' parameter of diverging_colours must be an int. "
            f"Got {n_per_side!r} instead."
        )
    if not 1 <= n_per_side <= 5:
        raise ValueError(
            "The 'n_per_side' parameter of diverging_colours must be from 1 to 5. "
            f"Got {n_per_side} instead."
        )
    centre, darkest = lightness([DIVERGING_CENTRE_COLOUR, NHS_DARK_BLUE])
    targets = centre - (centre - darkest) * np.arange(1, n_per_side + 1) / n_per_side
    cool = _colour_at_lightness(NHS_DIVERGING_COOL_ANCHORS, targets)
    warm = _colour_at_lightness(NHS_DIVERGING_WARM_ANCHORS, targets)
    return [*cool[::-1], DIVERGING_CENTRE_COLOUR, *warm]


def lightness(colours) -> np.ndarray:
    """Return the CIELAB lightness L* (0 black to 100 white) of colours.

    Written here (sRGB to CIE XYZ to L*, D65 white, the standard formulae of IEC 61966-2-1
    and CIE 15) because matplotlib does not expose a CIELAB conversion and the toolkit
    does not otherwise need a colour-science dependency.

    Parameters
    ----------
    colours : colour map, sequence of colours, or array of RGB(A)
        A matplotlib ``Colormap`` (sampled at 256 points), any sequence matplotlib
        understands as colours, or an ``(n, 3)`` or ``(n, 4)`` array of values in [0, 1].

    Returns
    -------
    numpy.ndarray
        L* for each colour.
    """
    from matplotlib.colors import Colormap, to_rgba_array

    if isinstance(colours, Colormap):
        rgb = colours(np.linspace(0.0, 1.0, 256))[:, :3]
    else:
        rgb = to_rgba_array(colours)[:, :3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    # Relative luminance Y of sRGB primaries (D65), then CIE L*.
    y = linear @ np.array([0.2126729, 0.7151522, 0.0721750])
    f = np.where(y > (6 / 29) ** 3, np.cbrt(y), y / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116.0 * f - 16.0


# ---------------------------------------------------------------------------------------------
# Figures: one look for every chart (the board report's, the monitoring charts')
# ---------------------------------------------------------------------------------------------

#: Font sizes used by every chart, in points.
TITLE_SIZE: Final[int] = 12
LABEL_SIZE: Final[int] = 10
TICK_SIZE: Final[int] = 9

#: Width, in inches, at which the board report prints a figure: its A4 column (the page less
#: its margins and the notebook's padding, rounded down), which the report's print style
#: sheet pins every chart to. A figure drawn this wide prints its text at the size it is set.
PRINT_WIDTH: Final[float] = 6.7

#: Resolution of the board report's figures (dots per inch): sharp on paper at that width.
PRINT_DPI: Final[int] = 150


def new_figure(width: float, height: float, *, dpi: float = 100) -> tuple[Figure, Axes]:
    """Return a figure (``matplotlib.figure.Figure``, not pyplot) and its one axes.

    Made without pyplot so that making a figure in a notebook never draws it twice.

    Parameters
    ----------
    width, height : float
        Size of the figure in inches.
    dpi : float
        Resolution in dots per inch (100 by default; the board report's charts use
        :data:`PRINT_DPI`).

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, with constrained layout.
    ax : matplotlib.axes.Axes
        Its one axes.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    return figure, figure.add_subplot()


def tidy_axes(ax: Axes, *, grid_axis: str = "x") -> None:
    """Give axes the toolkit's look: no top or right spine, grey ticks, a pale grid."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(NHS_MID_GREY)
    ax.tick_params(labelsize=TICK_SIZE, colors=NHS_DARK_GREY)
    ax.grid(axis=grid_axis, color=NHS_PALE_GREY, linewidth=0.8)
    ax.set_axisbelow(True)


def set_title(ax: Axes, title: str, subtitle: str | None = None) -> Text:
    """Title a chart on the left, with an optional second line (the period, the units).

    Returns
    -------
    matplotlib.text.Text
        The title.
    """
    return ax.set_title(
        title if subtitle is None else f"{title}\n{subtitle}",
        loc="left",
        fontsize=TITLE_SIZE,
        color=NHS_BLACK,
    )


def wrap_to_width(text: Text, room: float) -> None:
    """Break a drawn text's lines between words so that none is wider than ``room`` pixels.

    Measured as drawn (the figure laid out first, e.g. by ``draw_without_rendering``), so
    that the lines fill the room the text has, whatever its font. Our own: matplotlib wraps
    text only to the whole figure's width (``wrap=True``), not to a given room.

    Parameters
    ----------
    text : matplotlib.text.Text
        A text on a laid-out figure; its lines are rewrapped in place.
    room : float
        The widest a line may be, in display pixels.

    Returns
    -------
    None
    """
    lines = []
    for paragraph in text.get_text().split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            text.set_text(trial)
            if line and text.get_window_extent().width > room:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    text.set_text("\n".join(lines))


__all__ = [
    "DIVERGING_CENTRE_COLOUR",
    "LABEL_SIZE",
    "DIVERGING_DARK_ORANGE",
    "MISSING_COLOUR",
    "NHS_AQUA_BLUE",
    "NHS_AQUA_GREEN",
    "NHS_BLACK",
    "NHS_BLUE",
    "NHS_BRIGHT_BLUE",
    "NHS_COLOURS",
    "NHS_DARK_BLUE",
    "NHS_DARK_GREY",
    "NHS_DARK_PINK",
    "NHS_DIVERGING_COOL_ANCHORS",
    "NHS_DIVERGING_WARM_ANCHORS",
    "NHS_LIGHT_BLUE",
    "NHS_MID_GREY",
    "NHS_ORANGE",
    "NHS_PALE_GREY",
    "NHS_PURPLE",
    "NHS_RED",
    "NHS_SEQUENTIAL_ANCHORS",
    "NHS_WARM_YELLOW",
    "NHS_WHITE",
    "PRINT_DPI",
    "PRINT_WIDTH",
    "TICK_SIZE",
    "TITLE_SIZE",
    "deprivation_colours",
    "diverging_colours",
    "lightness",
    "nhs_sequential_cmap",
    "new_figure",
    "sequential_colours",
    "set_title",
    "tidy_axes",
    "wrap_to_width",
]
