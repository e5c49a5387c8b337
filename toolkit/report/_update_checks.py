"""The quarterly update's configuration checked against its series table.

:func:`check_update_keys` refuses, before anything is computed (and before papermill runs
the update), the keys that do not fit the series: each named with its key and the
configuration file. :func:`outcomes_followed` says which outcome of each priority is
followed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit._words import listed

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.report.update_config import UpdateConfig


#: How many names a message quotes before "and N more".
_NAMES_SHOWN = 12


def _names(values: Any) -> str:
    """List names sorted and quoted, the first :data:`_NAMES_SHOWN`, with no final "and"."""
    return listed(sorted(values), most=_NAMES_SHOWN, quote=True, final_and=False)


def outcomes_followed(
    series: pd.DataFrame, configured: dict[str, str], prioritised_on: dict[str, str]
) -> dict[str, str]:
    """Return the outcome followed for each priority that has one.

    The configuration's, else the one it was prioritised on when the series table has
    series of it; else none (all its series are followed).
    """
    followed = dict(configured)
    for item, outcome in prioritised_on.items():
        if item not in followed and _has_outcome(series, item, outcome):
            followed[item] = outcome
    return followed


def _has_outcome(series: pd.DataFrame, item: str, outcome: str) -> bool:
    """Return whether the series table has series of ``outcome`` for theme or series ``item``."""
    if "outcome" not in series.columns:
        return False
    mine = series["series"].astype(str) == item
    if "theme" in series.columns:
        mine |= series["theme"].astype(str) == item
    return bool((series.loc[mine, "outcome"].astype(str) == outcome).any())


def check_update_keys(config: UpdateConfig, series: pd.DataFrame) -> None:
    """Refuse configuration keys that do not fit the series table, each named with its key.

    Checked before anything is computed (and before papermill runs the update): the
    ``priorities`` the series table has; ``outcomes``, ``ambitions`` and ``ambitions_by``
    naming only priorities (when they are given), each outcome one its priority's series
    have; each ``ambitions_by`` a date or month; each ``rebase`` period one of the series'.

    Raises
    ------
    ValueError
        Listing every problem, headed by the configuration file.
    """
    from difflib import get_close_matches

    ids = set(series["series"].dropna().astype(str))
    themes = set(series["theme"].dropna().astype(str)) if "theme" in series.columns else set()
    problems = []
    if config.priorities is not None:
        for item in config.priorities:
            if item in ids | themes:
                continue
            close = get_close_matches(item, sorted(themes | ids), n=1)
            problems.append(
                f"'priorities' names {item!r}, which the series table has neither as a theme "
                "nor as a series id"
                + (
                    f" (did you mean {close[0]!r}?)"
                    if close
                    else f" (its themes: {_names(themes) or 'none'}; its series ids: {_names(ids)})"
                )
            )
        wanted = list(config.priorities)
        for key in ("outcomes", "ambitions", "ambitions_by"):
            for item in getattr(config, key) or {}:
                if item not in wanted:
                    close = get_close_matches(item, wanted, n=1)
                    problems.append(
                        f"'{key}' names {item!r}, which is not one of the priorities"
                        + (f" (did you mean {close[0]!r}?)" if close else f" ({_names(wanted)})")
                    )
    outcome_of = series["outcome"].astype("string") if "outcome" in series.columns else None
    for item, outcome in (config.outcomes or {}).items():
        mine = (series["series"].astype(str) == item) | (
            series["theme"].astype(str) == item if "theme" in series.columns else False
        )
        if not mine.any():
            continue
        have = set(outcome_of[mine].dropna()) if outcome_of is not None else set()
        if outcome not in have:
            problems.append(
                f"'outcomes' gives {item!r} the outcome {outcome!r}, which its series do not "
                f"have ({'their outcomes: ' + _names(have) if have else 'they name no outcome'})"
            )
    for item, when in (config.ambitions_by or {}).items():
        # Text ("2027-03"), or a TOML date (2027-03-31, unquoted), which reads as a date.
        if not isinstance(when, str | date) or pd.isna(pd.to_datetime(when, errors="coerce")):
            problems.append(
                f"'ambitions_by' gives {item!r} {when!r}, which is not a date or month such as "
                '"2027-03"'
            )
    periods = pd.to_datetime(series["period"], errors="coerce").dropna()
    for when in config.rebase or []:
        moment = pd.to_datetime(when, errors="coerce") if isinstance(when, str | date) else pd.NaT
        if pd.isna(moment):
            problems.append(
                f"'rebase' has {when!r}, which is not a period such as \"2025-04\" (a month) or "
                "the first month of a quarter or year"
            )
        elif len(periods) and not (periods == moment).any():
            problems.append(
                f"'rebase' has {when!r}, which is none of the series' periods (they run from "
                f"{periods.min():%B %Y} to {periods.max():%B %Y})"
            )
    if problems:
        where = f"{config.source}: " if config.source else ""
        count = len(problems)
        raise ValueError(
            f"{where}the quarterly update configuration does not fit the series table "
            f"({count} problem{'s' if count != 1 else ''}):\n"
            + "\n".join(f" - {problem}." for problem in problems)
        )


def template_misses_themes(error: Exception) -> bool:
    """Return whether a criteria template was refused only for the themes it lacks or has.

    That is, it fits the earlier data but not the newer: a candidate without a row, or a
    row for a theme not measured on these data; any other problem is the template's own.
    """
    failures = getattr(error, "failures", None)
    if failures is None or not len(failures):
        return False
    checks = failures["check"].astype(str)
    return bool(checks.str.contains("candidate has no row|not measured", regex=True).all())


__all__ = ["check_update_keys", "outcomes_followed", "template_misses_themes"]
