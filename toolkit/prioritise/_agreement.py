"""How far the tables' rankings agree: Kendall's W, and the W that random weights give.

:func:`kendalls_w` computes Kendall's coefficient of concordance with ties corrected
(:class:`KendallW`); :func:`concordance_terms` is its formula, shared with the vectorised W
of many simulated rooms in :mod:`toolkit.prioritise.consensus`. :class:`AgreementBaseline`
holds the W of rooms whose tables choose weights at random (uniform on the simplex), and
:func:`baseline_sentence` words the room's W beside it. :mod:`toolkit.prioritise.consensus`
re-exports the public names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from toolkit._params import InstanceOf, validate_params

#: Strength of agreement by Kendall's W: the nearest of Schmidt's (1997) anchor values
#: 0.1 very weak, 0.3 weak, 0.5 moderate, 0.7 strong, 0.9 unusually strong (R. C. Schmidt,
#: "Managing Delphi surveys using nonparametric statistical techniques", Decision Sciences
#: 28(3), 763-774), so the bands break half-way between them.
AGREEMENT_BANDS = (
    (0.2, "very weak"),
    (0.4, "weak"),
    (0.6, "moderate"),
    (0.8, "strong"),
    (np.inf, "very strong"),
)


@dataclass(frozen=True)
class KendallW:
    """Kendall's coefficient of concordance W and its chi-square test.

    Attributes
    ----------
    w : float
        Agreement among the raters' rankings, from 0 (none) to 1 (identical rankings);
        NaN when every rater ties every item.
    chi_square : float
        The test statistic m (n - 1) W.
    dof : int
        Degrees of freedom, n - 1.
    p_value : float
        Chance of agreement at least this strong if the rankings were unrelated, from the
        chi-square distribution (a large-sample approximation; Siegel and Castellan advise
        exact tables when there are seven items or fewer).
    raters, items : int
        m raters (tables) and n items (candidates).
    ties : float
        The tie correction, the sum over raters and tied groups of t^3 - t (0 when no
        rater tied two items).
    """

    w: float
    chi_square: float
    dof: int
    p_value: float
    raters: int
    items: int
    ties: float

    @property
    def strength(self) -> str:
        """Plain-English strength of agreement (Schmidt, 1997)."""
        if not np.isfinite(self.w):
            return "undefined"
        return next(words for limit, words in AGREEMENT_BANDS if self.w < limit)

    def __str__(self) -> str:
        if not np.isfinite(self.w):
            return "Kendall's W is undefined: every table ranked every candidate equal."
        p_text = "p < 0.001" if self.p_value < 0.001 else f"p = {self.p_value:.3f}"
        verdict = (
            "more than chance would give"
            if self.p_value < 0.05
            else "no more than chance might give"
        )
        return (
            f"Kendall's W = {self.w:.2f} across {self.raters} tables and {self.items} "
            f"candidates: {self.strength} agreement; the rankings agree {verdict} "
            f"(chi-square {self.chi_square:.1f} on {self.dof} degrees of freedom, {p_text})."
        )

    def to_frame(self, *, decimals: int | None = None) -> pd.DataFrame:
        """Return the result as a one-row table, optionally rounded.

        Parameters
        ----------
        decimals : int, optional
            Round W, chi-square and the p-value to this many decimals.

        Returns
        -------
        pandas.DataFrame
        """
        values = {
            "kendalls_w": self.w,
            "chi_square": self.chi_square,
            "dof": self.dof,
            "p_value": self.p_value,
            "tables": self.raters,
            "candidates": self.items,
            "agreement": self.strength,
        }
        frame = pd.DataFrame({key: [value] for key, value in values.items()})
        if decimals is not None:
            frame = frame.round(
                {"kendalls_w": decimals, "chi_square": decimals, "p_value": decimals}
            )
        return frame

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>"


#: The sentence for a room whose tables ranked every priority equal (W is undefined).
UNDEFINED_W_SENTENCE = (
    "The tables' agreement score (Kendall's W) cannot be worked out: every table "
    "ranked every priority equal."
)


def w_sentence(w: float) -> str:
    """Return "The tables' agreement score (Kendall's W, 0 to 1) is 0.42", without a stop."""
    return f"The tables' agreement score (Kendall's W, 0 to 1) is {w:.2f}"


def concordance_terms(
    totals: np.ndarray, ties: float | np.ndarray, raters: int, items: int
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Return the numerator and denominator of Kendall's W (Siegel and Castellan, 1988).

    ``totals`` holds each item's sum of ranks over the raters along its last axis; ``ties``
    the tie correction sum (t^3 - t) over the raters (one per room for many rooms).
    W = numerator / denominator when the denominator is positive.
    """
    numerator = 12.0 * (totals**2).sum(axis=-1) - 3.0 * raters**2 * items * (items + 1) ** 2
    denominator = raters**2 * items * (items**2 - 1) - raters * ties
    return numerator, denominator


@validate_params(
    {"data": ["data-frame", InstanceOf(np.ndarray, "a numpy array")]}, renamed={"ranks": "data"}
)
def kendalls_w(data: pd.DataFrame | np.ndarray) -> KendallW:
    """Kendall's coefficient of concordance W among several rankings, with ties corrected.

    Written here because scipy and statsmodels have no Kendall's W. The formula is that of
    Siegel and Castellan (1988), *Nonparametric Statistics for the Behavioral Sciences*,
    2nd ed., chapter 9 (the Kendall coefficient of concordance W):

        W = (12 sum_j R_j^2 - 3 m^2 n (n + 1)^2) / (m^2 n (n^2 - 1) - m sum_i T_i)

    with R_j the sum of item j's ranks over the m raters, n items and T_i = sum (t^3 - t)
    over the groups of t tied ranks of rater i. The test statistic m (n - 1) W is
    referred to the chi-square distribution with n - 1 degrees of freedom
    (``scipy.stats.chi2``); it equals Friedman's tie-corrected statistic.

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        One row per rater (a table) and one column per item (a candidate): each rater's
        ranks, 1 = first. Each row is re-ranked with tied values sharing their mean rank,
        so any ordinal positions do (lower = better); every rater must rank every item.
        Was ``ranks`` before this release; the old keyword still works, with a
        ``FutureWarning``, for one release.

    Returns
    -------
    KendallW

    Raises
    ------
    TypeError
        When ``data`` is not a DataFrame or array of numbers.
    ValueError
        When there are fewer than two raters or items, or a value is missing.
    """
    caller = "kendalls_w"
    if isinstance(data, pd.DataFrame):
        if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in data.dtypes):
            raise TypeError(
                f"The 'data' parameter of {caller} must hold numbers only. "
                f"Got dtypes {sorted({str(d) for d in data.dtypes})} instead."
            )
        values = data.to_numpy(dtype="float64", na_value=np.nan)
    else:
        try:
            values = data.astype("float64")
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'data' parameter of {caller} must hold numbers. "
                f"Got dtype {data.dtype} instead."
            ) from None
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 2:
        raise ValueError(
            f"The 'data' parameter of {caller} must have at least two raters (rows) and two "
            f"items (columns). Got shape {values.shape} instead."
        )
    missing = np.argwhere(~np.isfinite(values))
    if missing.size:
        from toolkit.data.problems import FIRST_DATA_ROW, raise_problems, row_problem

        rows = np.unique(missing[:, 0])
        problem = row_problem(
            None,
            "ranks_every_item",
            (
                "has a missing rank (every rater ranks every item)",
                "have a missing rank (every rater ranks every item)",
            ),
            rows,
            None,
            FIRST_DATA_ROW,
        )
        raise_problems([problem], label=f"The ranks given to {caller}", source=None)
    raters, items = values.shape
    tied = stats.rankdata(values, method="average", axis=1)
    totals = tied.sum(axis=0)
    ties = 0.0
    for row in tied:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    numerator, denominator = concordance_terms(totals, ties, raters, items)
    if denominator <= 0:
        return KendallW(np.nan, np.nan, items - 1, np.nan, raters, items, ties)
    w = float(numerator / denominator)
    chi_square = raters * (items - 1) * w
    p_value = float(stats.chi2.sf(chi_square, items - 1))
    return KendallW(w, float(chi_square), items - 1, p_value, raters, items, ties)


@dataclass(frozen=True)
class AgreementBaseline:
    """The agreement score (Kendall's W) that tables choosing weights at random give.

    Attributes
    ----------
    median_w : float
        The median W over the simulated rooms.
    upper_w : float
        The 95th percentile of the simulated W.
    draws : int
        How many rooms were simulated.
    seed : int
        The seed of the random numbers (the same seed gives the same figures).
    tables : int
        Tables in each simulated room (as many as submitted).
    w : float or None
        The room's own W (None when the baseline was simulated on its own).
    beyond : bool
        Whether the room's W is above ``upper_w``: agreement beyond what random weights on
        these criteria give. False when there is no observed W.
    sentence : str
        The comparison in plain words.
    """

    median_w: float
    upper_w: float
    draws: int
    seed: int
    tables: int
    w: float | None
    beyond: bool
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def baseline_sentence(median_w: float, upper_w: float, w: float | None, beyond: bool) -> str:
    """Return the agreement score beside its baseline, in plain words."""
    if not np.isfinite(median_w):
        chance = "random weights on these criteria give no agreement score (every candidate ties)"
    else:
        chance = (
            f"random weights on these criteria would give about {median_w:.2f} "
            f"(95% of tries below {upper_w:.2f})"
        )
    if w is None:
        return f"Agreement score (Kendall's W, 0 to 1): {chance}."
    if not np.isfinite(w):
        return UNDEFINED_W_SENTENCE
    if not np.isfinite(median_w):
        return f"{w_sentence(w)}; {chance}."
    verdict = (
        "so the tables agree more than random weights would"
        if beyond
        else "so the tables agree no more than any weights would"
    )
    return f"{w_sentence(w)}; {chance}, {verdict}."
