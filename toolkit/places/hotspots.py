"""Hot spots of a neighbourhood indicator by local Moran's I (esda, libpysal).

Local Moran's I (Anselin 1995) compares each neighbourhood's value with the mean of its
neighbours'. A *high-high* cluster is a neighbourhood with a high value among neighbours with
high values, where the association is unlikely under random placement of the values
(conditional permutation p-value below the stated significance). The statistic and its
permutation test are esda's ``Moran_Local``; the neighbours are libpysal Queen (or Rook)
contiguity weights, row-standardised.

With one test per neighbourhood (1,673 tests for a system of 1,673 LSOAs), some would pass
p < 0.05 by chance alone, so by default the p-values are corrected for multiple testing by
the Benjamini-Hochberg false discovery rate (``correction="fdr_bh"``, statsmodels'
``multipletests``); ``correction="none"`` tests each neighbourhood on its own and says so.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Final, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    Interval,
    StrOptions,
    check_columns_exist,
    check_new_columns,
    validate_params,
)
from toolkit.places._reports import _examples

#: Columns added to the areas by :func:`local_moran_hotspots`.
HOTSPOT_COLUMNS: Final[tuple[str, ...]] = (
    "local_moran_i",
    "local_moran_p",
    "local_moran_p_adjusted",
    "moran_quadrant",
    "cluster",
    "hot_spot",
)

#: esda's quadrant codes (PySAL scheme) and their names.
QUADRANTS: Final[dict[int, str]] = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}

#: Cluster labels, in legend order.
CLUSTER_LABELS: Final[tuple[str, ...]] = (
    "high-high",
    "high-low",
    "low-high",
    "low-low",
    "not significant",
    "not tested",
)

Contiguity = Literal["queen", "rook"]
Correction = Literal["fdr_bh", "none", "fdr"]
_CONTIGUITY: Final[dict[str, bool]] = {"queen": False, "rook": True}  # value: rook?
#: Multiple-testing corrections: name -> words for maps and reports.
CORRECTIONS: Final[dict[str, str]] = {
    "fdr_bh": "Benjamini-Hochberg false discovery rate (corrected for multiple testing)",
    "none": "not corrected for multiple testing",
}
#: Former names of the corrections, still accepted.
_CORRECTION_ALIASES: Final[dict[str, str]] = {"fdr": "fdr_bh"}


@dataclass(frozen=True)
class HotSpots:
    """Result of :func:`local_moran_hotspots`.

    Attributes
    ----------
    areas : geopandas.GeoDataFrame
        The input areas, same rows and order, with ``local_moran_i``, ``local_moran_p``
        (pseudo p-value from the permutations), ``local_moran_p_adjusted`` (Benjamini-
        Hochberg adjusted p-value, or the p-value itself with no correction),
        ``moran_quadrant``, ``cluster`` (the quadrant where significant, else ``"not
        significant"``, or ``"not tested"``) and ``hot_spot`` (a significant high-high
        cluster).
    column : str
        The indicator tested.
    alpha : float
        The stated significance: the false discovery rate with ``"fdr_bh"``, the p-value
        cut-off of each neighbourhood with ``"none"``.
    p_threshold : float
        The p-value below which a neighbourhood is significant (``alpha``, or the false
        discovery rate cut-off: a neighbourhood's p-value is below it exactly when its
        adjusted p-value is below ``alpha``).
    correction : str
        Multiple-testing correction: ``"fdr_bh"`` (Benjamini-Hochberg false discovery
        rate) or ``"none"``.
    permutations : int
        Conditional permutations per neighbourhood.
    seed : int
        Seed of the permutations.
    contiguity : str
        ``"queen"`` (shared edge or corner) or ``"rook"`` (shared edge).
    global_moran_i, global_p_value : float
        Global Moran's I of the tested neighbourhoods and its permutation p-value.
    tested : int
        Neighbourhoods tested.
    not_tested_missing : tuple of str
        Neighbourhoods with no value, not tested.
    not_tested_islands : tuple of str
        Neighbourhoods with no neighbour (among those with a value), not tested.
    """

    areas: object
    column: str
    alpha: float
    p_threshold: float
    correction: str
    permutations: int
    seed: int
    contiguity: str
    global_moran_i: float
    global_p_value: float
    tested: int
    not_tested_missing: tuple[str, ...] = field(default=())
    not_tested_islands: tuple[str, ...] = field(default=())

    @property
    def correction_text(self) -> str:
        """The correction in words, as maps and reports state it."""
        return CORRECTIONS[_CORRECTION_ALIASES.get(self.correction, self.correction)]

    @property
    def significance_text(self) -> str:
        """The rule for significance in words: "adjusted p < 0.05" or "p < 0.05"."""
        if self.correction == "none":
            return f"p < {self.alpha:g}"
        return f"adjusted p < {self.alpha:g}"

    @property
    def hot_spots(self):
        """The neighbourhoods flagged as significant high-high clusters."""
        return self.areas.loc[self.areas["hot_spot"]]

    def to_frame(self) -> pd.DataFrame:
        """Return the count of neighbourhoods in each cluster, legend order."""
        counts = self.areas["cluster"].value_counts()
        return pd.DataFrame(
            {
                "cluster": list(CLUSTER_LABELS),
                "neighbourhoods": [int(counts.get(label, 0)) for label in CLUSTER_LABELS],
            }
        )

    def __str__(self) -> str:
        method = (
            f"p < {self.p_threshold:.4g}, {self.correction_text}"
            if self.correction == "none"
            else (
                f"Benjamini-Hochberg false discovery rate {self.alpha:g}, corrected for "
                f"multiple testing: adjusted p < {self.alpha:g}, p < {self.p_threshold:.4g}"
            )
        )
        text = (
            f"{int(self.areas['hot_spot'].sum()):,} of {self.tested:,} neighbourhoods are "
            f"high-high clusters of {self.column} by local Moran's I ({method}; "
            f"{self.permutations:,} permutations, seed {self.seed}; {self.contiguity} "
            f"contiguity, row-standardised). Global Moran's I {self.global_moran_i:.3f} "
            f"(p = {self.global_p_value:.3g})."
        )
        for reason, codes in (
            ("no value", self.not_tested_missing),
            ("no neighbour", self.not_tested_islands),
        ):
            if codes:
                text += f" Not tested, {reason}: {len(codes):,} ({_examples(codes)})."
        return text

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>" + self.to_frame().to_html(index=False, border=0)


def _benjamini_hochberg(p_values: np.ndarray, alpha: float) -> tuple[float, np.ndarray]:
    """Return the Benjamini-Hochberg p-value cut-off and adjusted p-values.

    The cut-off is ``k * alpha / m`` for the largest ``k`` whose ``k``-th smallest p-value
    is below it (``alpha / m`` when there is none), the rule of esda's ``fdr``: a p-value is
    below the cut-off exactly when its adjusted p-value (statsmodels' ``multipletests``,
    ``method="fdr_bh"``) is below ``alpha``.
    """
    from statsmodels.stats.multitest import multipletests

    m = len(p_values)
    adjusted = np.asarray(multipletests(p_values, alpha=alpha, method="fdr_bh")[1], dtype=float)
    steps = np.arange(1, m + 1) * alpha / m
    passed = np.flatnonzero(np.sort(p_values) < steps)
    threshold = float(steps[passed[-1]]) if len(passed) else alpha / m
    return threshold, adjusted


@validate_params(
    {
        "areas": ["geo-data-frame"],
        "column": ["column"],
        "alpha": [Interval(Real, 0, 1, closed="neither")],
        "permutations": [Interval(Integral, 99, None, closed="left")],
        "seed": [Interval(Integral, None, None, closed="neither")],
        "contiguity": [StrOptions(_CONTIGUITY)],
        "correction": [StrOptions({*CORRECTIONS, *_CORRECTION_ALIASES})],
        "id_column": ["column"],
    }
)
def local_moran_hotspots(
    areas,
    column: str,
    *,
    alpha: float = 0.05,
    permutations: int = 999,
    seed: int = 12345,
    contiguity: Contiguity = "queen",
    correction: Correction = "fdr_bh",
    id_column: str = "lsoa",
) -> HotSpots:
    """Flag high-high clusters of a neighbourhood indicator by local Moran's I.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One polygon per neighbourhood with the indicator in ``column`` (for example the
        ``neighbourhoods`` of :func:`~toolkit.places.area_indicators`).
    column : str
        The numeric indicator to test (a rate, a ratio, excess events per head).
    alpha : float
        Significance, in (0, 1): the false discovery rate with ``correction="fdr_bh"``.
    permutations : int
        Conditional permutations per neighbourhood (at least 99). The smallest possible
        p-value is ``1 / (permutations + 1)``.
    seed : int
        Seed of the permutations, so that the result is the same on every run.
    contiguity : {"queen", "rook"}
        Neighbours share an edge or a corner (queen) or an edge (rook).
    correction : {"fdr_bh", "none"}
        ``"fdr_bh"`` (default) controls the false discovery rate across neighbourhoods at
        ``alpha`` (Benjamini-Hochberg, statsmodels ``multipletests``; ``"fdr"``, its former
        name, is accepted). It may need more permutations to flag anything among thousands
        of neighbourhoods, as the smallest possible p-value is ``1 / (permutations + 1)``.
        ``"none"`` flags every neighbourhood with p < ``alpha``: with many neighbourhoods
        some are flagged by chance, and maps and reports say the p-values are uncorrected.
    id_column : str
        Column naming each neighbourhood in the report.

    Returns
    -------
    HotSpots
        The areas with the statistics added and the settings, global Moran's I and the
        neighbourhoods not tested.

    Raises
    ------
    ValueError
        A result column already exists, the column is not numeric, or fewer than three
        neighbourhoods can be tested.

    Notes
    -----
    Neighbourhoods with no value are left out before the neighbours are found, so their
    neighbours lose them; neighbourhoods left with no neighbour ("islands") are not tested
    either. Both are listed in the result. The p-value is esda's pseudo p-value from
    conditional permutations, folded ("directed", as esda 2.x computes it): the share of
    permutations at least as extreme in the direction observed. esda seeds NumPy's global
    generator; the caller's global state is restored afterwards.
    """
    import esda
    import geopandas as gpd
    from libpysal import weights

    function = "local_moran_hotspots"
    check_columns_exist(areas, {"column": column}, function, where="the areas")
    if not pd.api.types.is_numeric_dtype(areas[column]):
        raise ValueError(f"{function}: column '{column}' must be numeric to test for hot spots.")
    correction = _CORRECTION_ALIASES.get(correction, correction)
    check_new_columns(areas, HOTSPOT_COLUMNS, function, owner="the areas'")
    ids = (
        areas[id_column].astype(str).to_numpy()
        if id_column in areas.columns
        else areas.index.astype(str).to_numpy()
    )

    values = areas[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    has_value = np.isfinite(values) & ~(areas.geometry.isna() | areas.geometry.is_empty).to_numpy()
    positions = np.flatnonzero(has_value)

    def contiguity_weights(rows: np.ndarray):
        subset = gpd.GeoDataFrame(geometry=areas.geometry.iloc[rows].to_numpy(), crs=areas.crs)
        with warnings.catch_warnings():
            # Islands and disconnected components are reported in the result instead.
            warnings.simplefilter("ignore", UserWarning)
            if _CONTIGUITY[contiguity]:
                return weights.Rook.from_dataframe(subset, use_index=False)
            return weights.Queen.from_dataframe(subset, use_index=False)

    w = contiguity_weights(positions)
    islands = np.asarray(sorted(w.islands), dtype=int)
    if len(islands):
        positions = np.delete(positions, islands)
        w = contiguity_weights(positions)
    if len(positions) < 3:
        raise ValueError(
            f"{function}: only {len(positions)} neighbourhoods have a value and a neighbour; "
            "at least three are needed."
        )
    w.transform = "r"
    y = values[positions]

    # esda draws its permutations from NumPy's legacy global generator (Moran_Local seeds it
    # with `seed`; Moran takes no seed), so seed it here and put the caller's state back.
    state = np.random.get_state()  # noqa: NPY002
    try:
        with warnings.catch_warnings():
            # esda 2.x announces a future change of its default alternative hypothesis; the
            # p-values here are its current folded ("directed") ones, as documented above.
            warnings.filterwarnings(
                "ignore", message="The alternative hypothesis", category=DeprecationWarning
            )
            local = esda.Moran_Local(
                y,
                w,
                transformation="r",
                permutations=int(permutations),
                seed=int(seed),
                n_jobs=1,
            )
        np.random.seed(int(seed))  # noqa: NPY002
        overall = esda.Moran(y, w, transformation="r", permutations=int(permutations))
    finally:
        np.random.set_state(state)  # noqa: NPY002

    p_values = np.asarray(local.p_sim, dtype=float)
    if correction == "none":
        threshold, adjusted = float(alpha), p_values
    else:
        threshold, adjusted = _benjamini_hochberg(p_values, float(alpha))
    quadrant = pd.Series(local.q).map(QUADRANTS).to_numpy(dtype=object)
    significant = p_values < threshold

    n = len(areas)
    moran_i = np.full(n, np.nan)
    moran_p = np.full(n, np.nan)
    moran_p_adjusted = np.full(n, np.nan)
    quadrants = np.full(n, None, dtype=object)
    cluster = np.full(n, "not tested", dtype=object)
    moran_i[positions] = local.Is
    moran_p[positions] = p_values
    moran_p_adjusted[positions] = adjusted
    quadrants[positions] = quadrant
    cluster[positions] = np.where(significant, quadrant, "not significant")
    result = areas.assign(
        local_moran_i=moran_i,
        local_moran_p=moran_p,
        local_moran_p_adjusted=moran_p_adjusted,
        moran_quadrant=pd.Series(quadrants, index=areas.index),
        cluster=pd.Categorical(cluster, categories=list(CLUSTER_LABELS)),
        hot_spot=cluster == "high-high",
    )
    islands_ids = tuple(sorted(ids[np.flatnonzero(has_value)[islands]])) if len(islands) else ()
    return HotSpots(
        areas=result,
        column=column,
        alpha=float(alpha),
        p_threshold=threshold,
        correction=correction,
        permutations=int(permutations),
        seed=int(seed),
        contiguity=contiguity,
        global_moran_i=float(overall.I),
        global_p_value=float(overall.p_sim),
        tested=len(positions),
        not_tested_missing=tuple(sorted(ids[~has_value])),
        not_tested_islands=islands_ids,
    )
