"""Age-band schemes: the European Standard Population 2013 and the life-table bands.

Labels are matched after a light normalisation (spaces removed, en and em dashes read as
hyphens, ``"<1"`` read as ``"0"``), and a whole number is read as the start age of a
band, so ``"45-49"``, ``"45 – 49"`` and ``45`` all name the same band.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit.data.contract import ESP2013_BANDS, ESP2013_WEIGHTS

#: The 20 life-table bands of Chiang's method: 0, 1-4, 5-9, ..., 85-89, 90+.
LIFE_TABLE_BANDS: tuple[str, ...] = ("0", "1-4") + ESP2013_BANDS[1:]
#: Start age of each life-table band.
LIFE_TABLE_START_AGES: tuple[int, ...] = (0, 1) + tuple(range(5, 95, 5))
#: Width in years of each life-table band (the open last band has no width).
LIFE_TABLE_WIDTHS: tuple[float, ...] = (1.0, 4.0) + (5.0,) * 17 + (np.nan,)

#: Labels of the infant split of the first ESP2013 band, summed into ``"0-4"``.
_INFANT_SPLIT = ("0", "1-4")

_DASHES = re.compile(r"\s*(?:[\u2010-\u2015\u2212-]|to)\s*")
_LEADING_AGE = re.compile(r"^(\d+)")


def normalise_label(label: Any) -> str:
    """Normalise an age-band label for matching.

    Parameters
    ----------
    label : Any
        A band label such as ``"45-49"``, ``"90 +"`` or a start age such as ``45``.

    Returns
    -------
    str
        Lower-case label without spaces, with hyphens for dashes and ``"0"`` for ``"<1"``.
    """
    if isinstance(label, numbers.Real) and not isinstance(label, bool):
        if float(label).is_integer():
            return str(int(label))
    text = _DASHES.sub("-", str(label).strip().lower())
    text = text.replace(" ", "")
    if text in {"<1", "under1", "0-0"}:
        return "0"
    return text


def _lookup_for(labels: tuple[str, ...]) -> dict[str, int]:
    """Label and start-age keys for each band of a scheme."""
    lookup: dict[str, int] = {}
    starts: dict[str, list[int]] = {}
    for position, label in enumerate(labels):
        key = normalise_label(label)
        lookup[key] = position
        match = _LEADING_AGE.match(key)
        if match:
            starts.setdefault(match.group(1), []).append(position)
    for start, positions in starts.items():
        if len(positions) == 1:
            lookup.setdefault(start, positions[0])
    return lookup


def resolve_standard(
    standard: Mapping[str, float] | pd.Series | None, func: str
) -> tuple[tuple[str, ...], np.ndarray, dict[str, int]]:
    """Resolve the ``standard_population`` option.

    Parameters
    ----------
    standard : mapping of str to float, pandas.Series or None
        Band label to standard population; ``None`` for ESP2013.
    func : str
        Calling function, for error messages.

    Returns
    -------
    labels : tuple of str
        Band labels of the standard, in order.
    weights : numpy.ndarray
        Standard population of each band.
    lookup : dict
        Normalised label (or start age) to band position. When the standard has a
        ``"0-4"`` band but no ``"0"`` or ``"1-4"`` band, those two labels map onto
        ``"0-4"`` so that data with the infant split is summed into it.
    """
    if standard is None:
        labels, weights = ESP2013_BANDS, np.asarray(ESP2013_WEIGHTS, dtype="float64")
    else:
        items = list(standard.items())  # a mapping or a Series, as its callers declare
        if not items:
            raise ValueError(f"The 'standard_population' parameter of {func} is empty.")
        labels = tuple(str(label) for label, _ in items)
        try:
            weights = np.asarray([float(weight) for _, weight in items], dtype="float64")
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'standard_population' parameter of {func} must map band labels to numbers."
            ) from None
        if not (np.isfinite(weights).all() and (weights > 0).all()):
            raise ValueError(
                f"The 'standard_population' parameter of {func} must have a positive, finite "
                f"population for every band. Got {dict(zip(labels, weights, strict=True))}."
            )
        if len({normalise_label(label) for label in labels}) != len(labels):
            raise ValueError(f"The 'standard_population' parameter of {func} repeats a band label.")
    lookup = _lookup_for(labels)
    if "0-4" in lookup:
        for label in _INFANT_SPLIT:
            lookup.setdefault(label, lookup["0-4"])
        lookup.setdefault("1", lookup["0-4"])
    return tuple(labels), weights, lookup


def life_table_lookup() -> dict[str, int]:
    """Normalised label (or start age) to position among the 20 life-table bands."""
    return _lookup_for(LIFE_TABLE_BANDS)


def band_positions(
    data: pd.DataFrame,
    column: str,
    lookup: Mapping[str, int],
    *,
    func: str,
    expected: str,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Position of each row's age band in a scheme; refuse unknown or missing labels.

    Refused rows are named as a spreadsheet numbers them; ``rows`` gives each row's
    position in the user's table when ``data`` was made from it by leaving rows out.

    Parameters
    ----------
    data : pandas.DataFrame
        Input rows.
    column : str
        The age-band column.
    lookup : mapping
        From :func:`resolve_standard` or :func:`life_table_lookup`.
    func : str
        Calling function, for error messages.
    expected : str
        Description of the accepted labels, for error messages.

    Returns
    -------
    numpy.ndarray
        Band position of each row.
    """
    codes, uniques = pd.factorize(data[column], use_na_sentinel=True)
    mapped = np.array([lookup.get(normalise_label(u), -1) for u in uniques], dtype=np.intp)
    positions = np.where(codes >= 0, mapped[np.maximum(codes, 0)] if len(mapped) else -1, -1)
    bad = positions < 0
    if bad.any():
        from toolkit.indicators._frames import refuse_rows

        labels = sorted({str(v) for v in data.loc[bad, column].tolist()})
        refuse_rows(
            bad,
            f"The 'age_band' column {column!r} of {func} has age bands it does not recognise "
            f"({', '.join(repr(x) for x in labels[:8])}) in {{rows}}. Expected {expected}.",
            column=column,
            check="age_band",
            positions=rows,
        )
    return positions.astype(np.intp)
