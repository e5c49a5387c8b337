"""The maps' shared options, and how a mapped column's values become classes and colours.

Every map (:func:`toolkit.places.choropleth`, :func:`toolkit.places.interactive_map`,
:func:`toolkit.places.leaflet_map`) classes its column with :func:`classify`: in
categories (IMD deciles and quintiles, one colour each), on a diverging ramp around a
centre, or in mapclassify's classes of the values, with whole-number labels for
whole-number measures and small counts suppressed before any class bound is set. Public
from :mod:`toolkit.places.maps`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from numbers import Integral
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    NON_NEGATIVE,
    Interval,
    SequenceOf,
    StrOptions,
    check_columns_exist,
    invalid_parameter,
)
from toolkit.disclosure import suppress_small_counts
from toolkit.style import (
    DIVERGING_CENTRE_COLOUR,
    MISSING_COLOUR,
    NHS_BLUE,
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
#: Columns mapped in categories by ``scheme="auto"`` (the default of
#: :func:`toolkit.places.choropleth`).
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
#: :func:`toolkit.places.choropleth`): name -> (centre, what the centre means).
DIVERGING_CENTRES: Final[dict[str, tuple[float, str]]] = {
    "excess": (0.0, "as expected"),
    "ratio": (100.0, "as expected"),
}
#: Classes on each side of the centre of a diverging map, unless ``classes`` says otherwise.
DIVERGING_CLASSES: Final[int] = 3

#: What a measure's missing values mean, for the legend.
_MEASURES: Final[dict[str, str]] = {
    "rate": "not published",
    "count": "suppressed",
}


#: Legend and tooltip words for an area with no value because no one is registered in it.
NO_PERSONS_LABEL: Final[str] = "no registered people"
#: Plain light grey of those areas: neutral, so told from the blues by colour as well as by
#: lightness (CIELAB L* 81, between the two lightest of five classes), and drawn without
#: the hatching of values not published or suppressed.
EMPTY_COLOUR: Final[str] = "#C8C8C8"
#: The column of persons registered in each area that the maps read unless told otherwise
#: (that of ``AreaIndicators.neighbourhoods``); used only when the areas have it.
PERSONS_COLUMN: Final[str] = "persons"

#: Colour of the single class when every shown value is the same.
_SINGLE_CLASS_COLOUR: Final[str] = NHS_BLUE
#: Above this many polygons, outlines are not drawn and the layer is rasterised in vector files.
MANY_POLYGONS: Final[int] = 5_000


@dataclass(frozen=True)
class Classes:
    """Classes of a mapped variable: colour and legend label per class, class per area."""

    class_of: np.ndarray  # class index per area, -1 where missing, -2 where empty
    colours: list[str]
    labels: list[str]
    counts: list[int]
    missing: np.ndarray  # bool per area: value not published or suppressed (people there)
    missing_label: str
    missing_count: int
    description: str  # scheme and number of classes, for the legend
    empty: np.ndarray  # bool per area: no value and no one registered
    empty_count: int

    @property
    def palette(self) -> list[str]:
        """The colours of the classes, then of the missing and of the empty areas."""
        return [*self.colours, MISSING_COLOUR, EMPTY_COLOUR]

    def positions(self) -> np.ndarray:
        """Return each area's position in :attr:`palette`."""
        n = len(self.colours)
        return np.where(self.class_of >= 0, self.class_of, n - 1 - self.class_of)

    def legend_rows(self) -> list[tuple[str, str, str]]:
        """Return the legend's rows as (colour, label, kind), areas with no value last.

        The classes (kind ``"class"``), then if any the areas whose value is not published
        or suppressed (``"missing"``) and those with no one registered (``"empty"``).
        """
        rows = [
            (colour, label, "class")
            for colour, label in zip(self.colours, self.labels, strict=True)
        ]
        if self.missing_count:
            rows.append(
                (MISSING_COLOUR, f"{self.missing_label} ({self.missing_count:,})", "missing")
            )
        if self.empty_count:
            rows.append((EMPTY_COLOUR, f"{NO_PERSONS_LABEL} ({self.empty_count:,})", "empty"))
        return rows


def no_persons(areas, persons: str | None, function: str) -> np.ndarray:
    """Return per area whether no one is registered in it: its ``persons`` column is 0.

    ``persons=None``, or the default :data:`PERSONS_COLUMN` when the areas lack it, tells
    no area apart (all False); any other name must be a numeric column of the areas. A
    missing count of persons is not taken for none.
    """
    if persons is None or (persons == PERSONS_COLUMN and persons not in areas.columns):
        return np.zeros(len(areas), dtype=bool)
    check_columns_exist(areas, {"persons": persons}, function, where="the areas")
    if not pd.api.types.is_numeric_dtype(areas[persons]):
        raise ValueError(
            f"{function}: column '{persons}' (persons) must hold the number of people "
            "registered in each area."
        )
    return areas[persons].astype("Float64").to_numpy(dtype=float, na_value=np.nan) == 0


def check_areas(areas, column: str | None, function: str) -> None:
    """Refuse a mapped ``column`` the areas lack or that is not numeric."""
    if column is not None:
        check_columns_exist(areas, {"column": column}, function, where="the areas")
        if not pd.api.types.is_numeric_dtype(areas[column]):
            raise ValueError(f"{function}: column '{column}' must be numeric to map in classes.")


def suppressed_label(threshold: int) -> str:
    """Words for a suppressed count, in the legend and the tooltips alike."""
    return f"suppressed (fewer than {threshold})"


def decimal_places(values: np.ndarray, measure: str) -> int:
    """Return the decimals a label shows: none for counts, fewer the wider the spread."""
    if measure == "count" or len(values) == 0:
        return 0
    spread = float(np.nanmax(values) - np.nanmin(values))
    return 0 if spread >= 100 else 1 if spread >= 10 else 2


def whole_numbers(values: np.ndarray) -> bool:
    """Return whether every value (none missing) is a finite whole number."""
    return bool(np.all(np.isfinite(values) & (values == np.round(values))))


def _range_label(low: float, high: float, decimals: int, *, collapse: bool = True) -> str:
    """Return "low to high", or the one value when a class holds a single value."""
    first, last = f"{low:,.{decimals}f}", f"{high:,.{decimals}f}"
    return first if collapse and first == last else f"{first} to {last}"


def resolve_scheme(scheme: str, column: str, function: str) -> str:
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


def _classifier(values: np.ndarray, class_name: str, k: int):
    """Return the mapclassify classifier ``class_name`` of the values in ``k`` classes.

    Fewer than 2 classes give one class up to the largest value; head/tail breaks choose
    their own number of classes.
    """
    import mapclassify

    with warnings.catch_warnings():
        # mapclassify warns when there are fewer distinct values than classes; k is reduced.
        warnings.simplefilter("ignore")
        if k < 2:
            return mapclassify.UserDefined(values, bins=[float(values.max())])
        if class_name == "HeadTailBreaks":
            return mapclassify.HeadTailBreaks(values)
        return getattr(mapclassify, class_name)(values, k=k)


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
    if not whole_numbers(present):
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
    class_name, words = SCHEMES[scheme]
    offset = present - centre
    distance = np.abs(offset)
    away = distance[distance > 0]
    n_side = min(classes, len(np.unique(away)))
    if n_side == 0:
        bins = np.empty(0)
    else:
        classifier = _classifier(away, class_name, n_side)
        furthest = float(away.max())
        bins = np.unique(np.asarray(classifier.bins, dtype=float))
        # Keep at most ``classes`` (head/tail breaks choose their own number), the last
        # ending at the furthest value (pretty breaks may go beyond it).
        bins = np.append(bins[bins < furthest][: classes - 1], furthest)
    whole = whole_numbers(present) and float(centre).is_integer()
    if whole:
        # Whole distances: a class (a, b] holds the same values as (floor(a), floor(b)], so
        # whole bounds leave no class without a whole number in it.
        bins = np.unique(np.floor(bins))
    m = len(bins)
    step = np.minimum(np.searchsorted(bins, distance, side="left"), max(m - 1, 0))
    class_of = np.where(offset > 0, m + 1 + step, np.where(offset < 0, m - 1 - step, m))
    counts = np.bincount(class_of, minlength=2 * m + 1).tolist()
    decimals = 0 if whole else decimal_places(np.append(present, centre), "rate")
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
    class_name, words = SCHEMES[scheme]
    k = min(int(classes), len(np.unique(present)))
    classifier = _classifier(present, class_name, k)
    bins = np.asarray(classifier.bins, dtype=float)
    class_of = np.asarray(classifier.yb, dtype=int)
    whole = whole_numbers(present)
    decimals = 0 if whole else decimal_places(present, measure)
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


def classify(
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
    persons: str | None = None,
) -> Classes:
    """Check a map's areas, column, title and options, then class the column's values.

    ``scheme="auto"`` draws a column of :data:`CATEGORY_COLUMNS` in categories and any
    other in quantiles. A ``centre`` gives a diverging map: ``classes`` is then the number
    of classes on each side of it. ``collapse`` labels a class of one value by that value
    alone (the static maps do; the interactive maps' legends keep "low to high"). An area
    with no value shown is "empty" (class -2) when its ``persons`` column is 0
    (:func:`no_persons`), and missing (class -1: not published or suppressed) otherwise.
    """
    check_areas(areas, column, function)
    nobody = no_persons(areas, persons, function)
    values = areas[column]
    scheme = resolve_scheme(scheme, column, function)
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
        missing_label = suppressed_label(threshold)
    else:
        shown = values
        missing_label = "not published"
    numbers = shown.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    unshown = ~np.isfinite(numbers)
    present = numbers[~unshown]
    empty = unshown & nobody
    missing = unshown & ~nobody
    class_of = np.where(empty, -2, -1)
    found = Classes(
        class_of=class_of,
        colours=[],
        labels=[],
        counts=[],
        missing=missing,
        missing_label=missing_label,
        missing_count=int(missing.sum()),
        description="",
        empty=empty,
        empty_count=int(empty.sum()),
    )
    if len(present) == 0 and not categorical:
        words = (
            f"diverging around {centre:g} ({centre_words})"
            if centre is not None
            else SCHEMES[scheme][1]
        )
        return replace(found, description=words)
    if categorical:
        classed = _categorical(present, column, scheme, function)
    elif centre is not None:
        classed = _diverging(
            present,
            centre=float(centre),
            centre_words=centre_words,
            scheme=scheme,
            classes=classes,
            function=function,
        )
    else:
        classed = _classed(
            present,
            scheme=scheme,
            classes=classes,
            measure=measure,
            threshold=threshold,
            collapse=collapse,
        )
    present_class, colours, labels, counts, description = classed
    class_of[~unshown] = present_class
    return replace(found, colours=colours, labels=labels, counts=counts, description=description)


#: Constraints of the options the maps share (see :func:`validate_params`).
MAP_OPTIONS = {
    "areas": ["geo-data-frame"],
    "column": ["column"],
    "title": ["text"],
    "legend_title": ["str", None],
    "scheme": [StrOptions(_ALL_SCHEMES)],
    "classes": [Interval(Integral, 2, 9, closed="both")],
    "measure": [StrOptions(_MEASURES)],
    "threshold": [Interval(Integral, 1, None, closed="left")],
    "places": [None, "geo-data-frame"],
    "place_labels": ["column", "mapping", None],
    "persons": ["column", None],
    "tooltip_columns": [SequenceOf("column")],
    "count_columns": [SequenceOf("column")],
    "not_counts": [SequenceOf("column")],
    "simplify_tolerance": [NON_NEGATIVE, None],
}
