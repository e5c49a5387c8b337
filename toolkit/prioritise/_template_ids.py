"""Why an id in a filled criteria template is not one of the candidates, in words.

:func:`unknown_id_checks` says, for each id :func:`toolkit.prioritise.read_criteria_scores`
does not find among the candidates, whether it is a theme of the library not measured on
these data (with the reason when the candidates give it), a candidate of a template written
for another split (``within``), or an id the toolkit does not know. Split from
:mod:`toolkit.prioritise.templates`, which keeps the reading and the checks of the scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.prioritise._theme_vocabulary import THEME_LIBRARY
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, THEME_COHORT_COLUMN

#: The check of an id the toolkit does not know (no theme of the library, no split).
UNKNOWN_ID = "unknown candidate id"


def _reasons_not_measured(candidates: object) -> tuple[dict[str, str], dict[str, str]]:
    """Why candidates or themes were not measured, when the candidates say: by id, by theme."""
    excluded = getattr(candidates, "excluded", None)
    if excluded is None and isinstance(candidates, pd.DataFrame):
        excluded = candidates.attrs.get("excluded")
    by_id: dict[str, str] = {}
    by_theme: dict[str, str] = {}
    if not isinstance(excluded, pd.DataFrame) or "reason" not in excluded.columns:
        return by_id, by_theme
    for key, found in ((CANDIDATE_COLUMN, by_id), (THEME_COHORT_COLUMN, by_theme)):
        if key in excluded.columns:
            for name, reason in zip(excluded[key], excluded["reason"], strict=True):
                found.setdefault(str(name), str(reason))
    return by_id, by_theme


def unknown_id_checks(
    ids: pd.Series, unknown: np.ndarray, candidates: object, table: pd.DataFrame
) -> tuple[dict[str, list[int]], bool]:
    """Say, for each id that is not a candidate, why: the positions under each reason.

    A theme of the library that was not measured on these data (with the reason when the
    candidates give it), a candidate of a template written for another split (``within``),
    or an id the toolkit does not know. Also whether the candidates are themes.

    Parameters
    ----------
    ids : pandas.Series
        The ids of the filled template, by position.
    unknown : numpy.ndarray
        The positions of the ids that are not candidates.
    candidates : object
        The candidates as given to ``read_criteria_scores`` (a ``ThemeCandidates`` or a
        table), for the themes not measured and why.
    table : pandas.DataFrame
        The candidates' table.

    Returns
    -------
    tuple of (dict of str to list of int, bool)
        The positions under each reason (:data:`UNKNOWN_ID` for an id the toolkit does not
        know), and whether the candidates are themes.
    """
    by_id, by_theme = _reasons_not_measured(candidates)
    themes_here: set[str] = set()
    if THEME_COHORT_COLUMN in table.columns:
        themes_here = set(table[THEME_COHORT_COLUMN].astype(str))
    is_theme_table = bool(themes_here) or bool(by_theme)
    library = {path.stem for path in THEME_LIBRARY.glob("*.toml")} if is_theme_table else set()
    split_here = bool(table[CANDIDATE_COLUMN].astype(str).str.contains("/", regex=False).any())
    checks: dict[str, list[int]] = {}
    for position in unknown:
        candidate = str(ids.iloc[position])
        theme, _, part = candidate.partition("/")
        split = bool(part)
        if candidate in by_id:
            check = f"not measured on these data ({by_id[candidate]})"
        elif theme in by_theme and split == split_here:
            check = f"a theme of the library not measured on these data ({by_theme[theme]})"
        elif (theme in themes_here or theme in library or theme in by_theme) and split:
            check = (
                "a candidate of a template written for places or for England's most deprived "
                "fifth of neighbourhoods (Core20) "
                "(`pophealth candidates --within`); these candidates are measured for the "
                "whole system: write the template without --within"
                if not split_here
                else "not a place (or split) these candidates are measured in"
            )
        elif (theme in themes_here or theme in library or theme in by_theme) and split_here:
            check = (
                "a whole-system candidate; these candidates are measured for places or for "
                "England's most deprived fifth of neighbourhoods (Core20): write the template "
                "with the same --within (within=)"
            )
        elif theme in library:
            check = (
                "a theme of the library not measured on these data (too few events, or the "
                "data lack its cohort or outcome: the candidates' list of themes not measured "
                "says why)"
            )
        else:
            check = UNKNOWN_ID
        checks.setdefault(check, []).append(int(position))
    return checks, is_theme_table
