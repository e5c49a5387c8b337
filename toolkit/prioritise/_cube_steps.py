"""Steps both candidate builders share: checking the cube, inequality across deciles, criteria.

:func:`toolkit.prioritise.candidates.candidate_priorities` (segments of the cube) and
:func:`toolkit.prioritise.theme_measures.theme_candidates` (themes of the library) refuse a
cube that lacks a column in the same words (:func:`check_columns_present`), fit the slope
and relative index of inequality across deciles the same way
(:func:`inequality_by_decile`) and declare their criteria alike
(:func:`min_max_criteria`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from toolkit.data.problems import Problem, raise_problems
from toolkit.prioritise.criteria import Criterion

#: Deciles needed to fit the slope index of inequality.
MIN_DECILES = 5

#: The column of :func:`inequality_by_decile` that is True where the RII has no meaning.
RII_NOTE_COLUMN = "_rii_not_meaningful"

#: Monte Carlo draws for the SII (only its point estimate is used here) and their seed.
_SII_REPS = 1_000
_SII_SEED = 0


def check_columns_present(
    cube: pd.DataFrame, needed: Sequence[str], *, label: str, builder: str
) -> None:
    """Refuse a cube that lacks any of the ``needed`` columns, naming each one at once.

    Parameters
    ----------
    cube : pandas.DataFrame
        The cube given.
    needed : sequence of str
        The columns it must have.
    label : str
        How the message names the cube ("The cube given to candidate_priorities").
    builder : str
        The function whose cube has the columns ("toolkit.segment.build_cube").

    Raises
    ------
    DataContractError
        Listing every absent column (check ``column_present``).
    """
    absent = [column for column in needed if column not in cube.columns]
    if absent:
        raise_problems(
            [
                Problem(
                    column=column,
                    check="column_present",
                    sentence=f"column '{column}' is missing; a cube from {builder} has it.",
                )
                for column in absent
            ],
            label=label,
            source=None,
        )


def inequality_by_decile(
    decile_rates: pd.DataFrame, segment_keys: list[str], sii_of: Callable[..., pd.DataFrame]
) -> pd.DataFrame:
    """SII and RII per segment (and place) x outcome, from the deciles' standardised rates.

    The RII is missing where the line fitted across the deciles is at or below 0 at one end
    (:func:`toolkit.indicators.inequality.rii_is_meaningful`); ``_rii_not_meaningful``
    (:data:`RII_NOTE_COLUMN`) is True there, for the candidate's note to say why.
    """
    from toolkit.indicators.inequality import rii_is_meaningful

    published = decile_rates[decile_rates["value"].notna()]
    counts = published.groupby(segment_keys, observed=True)["imd_decile"].nunique()
    left_out = (
        decile_rates[decile_rates["value"].isna()]
        .groupby(segment_keys, observed=True)["imd_decile"]
        .agg(lambda d: ", ".join(str(int(x)) for x in sorted(d)))
        .rename("_left_out")
    )
    fit = published.join(counts.rename("_n"), on=segment_keys)
    fit = fit[fit["_n"] >= MIN_DECILES]
    if len(fit):
        sii = sii_of(
            fit, value="value", quantile="imd_decile", population="population",
            by=segment_keys, lower="lower_95", upper="upper_95", value_type="other",
            reps=_SII_REPS, seed=_SII_SEED, intercept=True,
            invalid_groups="note", incomplete_groups="calculate",
        )  # fmt: skip
        # A line that falls to 0 or below at one end gives a ratio with no meaning.
        meaningless = sii["rii"].notna().to_numpy() & ~rii_is_meaningful(
            sii["intercept"], sii["sii"]
        )
        sii = sii[[*segment_keys, "sii", "rii"]].assign(**{RII_NOTE_COLUMN: meaningless})
        sii.loc[meaningless, "rii"] = np.nan
    else:
        sii = pd.DataFrame(columns=[*segment_keys, "sii", "rii", RII_NOTE_COLUMN])
    base = counts.rename("deciles_used").reset_index()
    inequality = base.merge(sii, on=segment_keys, how="left").join(left_out, on=segment_keys)

    return inequality


def min_max_criteria(rows: Sequence[tuple[str, str, str, str]]) -> list[Criterion]:
    """Declare criteria min-max normalised with default weight 1.

    Parameters
    ----------
    rows : sequence of tuple of str
        One ``(name, direction, description, phrase)`` per criterion, in order.

    Returns
    -------
    list of Criterion
    """
    return [
        Criterion(name, direction, "min_max", 1.0, description, phrase)
        for name, direction, description, phrase in rows
    ]
