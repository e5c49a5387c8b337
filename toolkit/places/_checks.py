"""Checks of arguments shared by the modules of :mod:`toolkit.places`, with one wording.

Each raises the toolkit's scikit-learn style errors ("The 'scheme' parameter of choropleth
must be one of [...]. Got 'jenks' instead."): TypeError for a wrong type, ValueError for a
wrong value.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pandas as pd


def check_choice(value: object, allowed: Collection[str], parameter: str, function: str) -> None:
    """Refuse an option that is not a str among the names ``allowed``."""
    if not isinstance(value, str):
        raise TypeError(
            f"The '{parameter}' parameter of {function} must be a str among "
            f"{sorted(allowed)}. Got {value!r} instead."
        )
    if value not in allowed:
        raise ValueError(
            f"The '{parameter}' parameter of {function} must be one of {sorted(allowed)}. "
            f"Got {value!r} instead."
        )


def check_frame(value: object, parameter: str, function: str, *, geographic: bool = False) -> None:
    """Refuse a ``value`` that is not a pandas DataFrame (a GeoDataFrame if ``geographic``)."""
    if geographic:
        import geopandas as gpd

        expected, wanted = gpd.GeoDataFrame, "a GeoDataFrame"
    else:
        expected, wanted = pd.DataFrame, "a pandas DataFrame"
    if not isinstance(value, expected):
        raise TypeError(
            f"The '{parameter}' parameter of {function} must be {wanted}. "
            f"Got {type(value).__name__} instead."
        )


def check_no_overwrite(areas: pd.DataFrame, added: Iterable[str], function: str) -> None:
    """Refuse to add columns the areas already have (they would be overwritten)."""
    clashes = [name for name in added if name in areas.columns]
    if clashes:
        raise ValueError(
            f"{function} would overwrite the areas' column(s) {', '.join(clashes)}. "
            "Rename or drop them first."
        )
