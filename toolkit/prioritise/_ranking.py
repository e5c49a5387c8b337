"""Ranking and the shortlist rule, on numpy arrays: what every shortlist and chance shares.

Scores that agree to :data:`TIE_DECIMALS` decimals count as equal and keep the model's
tie-break order (:func:`rank_order`, :func:`rank_scores`); :func:`cohort_codes` numbers the
candidates' cohorts and :func:`select_shortlist` applies the per-cohort shortlist rule to
one ranking or to many at once. :mod:`toolkit.prioritise.scoring` re-exports them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit._params import check_columns_exist, warn
from toolkit.prioritise.criteria import COHORT_COLUMNS, THEME_COHORT_COLUMN

#: Scores are rounded to this many decimals before ranking, so that floating-point noise
#: never decides a tie.
TIE_DECIMALS = 12


def cohort_codes(
    candidates: pd.DataFrame, cohort: Sequence[str] | None, *, caller: str
) -> tuple[tuple[str, ...], np.ndarray]:
    """Return the cohort columns and an integer cohort code for each row of ``candidates``.

    Parameters
    ----------
    candidates : pandas.DataFrame
        One row per candidate.
    cohort : sequence of str or None
        Columns that together identify a cohort. None: those of
        :data:`~toolkit.prioritise.criteria.COHORT_COLUMNS` that the table has. When
        there are none, every candidate is its own cohort.
    caller : str
        The public function's name, for error messages.

    Returns
    -------
    tuple of str, numpy.ndarray
        The cohort columns used, and codes 0, 1, ... (equal codes = same cohort; a
        missing value is a value of its own).
    """
    if cohort is None and THEME_COHORT_COLUMN in candidates.columns:
        columns: tuple[str, ...] = (THEME_COHORT_COLUMN,)
    elif cohort is None:
        columns = tuple(column for column in COHORT_COLUMNS if column in candidates.columns)
        if "quintile" in candidates.columns and "imd_quintile" not in candidates.columns:
            # The name before this release: still read, for one release, and said.
            warn(
                f"{caller}: the candidates' 'quintile' column is read as 'imd_quintile', its "
                "name since this release (candidate_priorities(within='quintile') writes it); "
                "'quintile' will stop counting as a cohort column in the next release.",
                FutureWarning,
                to_user=True,
            )
            columns = tuple(
                "quintile" if column == "imd_quintile" else column
                for column in COHORT_COLUMNS
                if column in candidates.columns or column == "imd_quintile"
            )
    else:
        columns = tuple(cohort)
        check_columns_exist(candidates, {"cohort": columns}, caller, where="the candidates table")
    if not columns:
        return columns, np.arange(len(candidates), dtype=np.int64)
    codes = candidates.groupby(list(columns), dropna=False, sort=False, observed=True).ngroup()
    return columns, codes.to_numpy(dtype=np.int64)


def rank_order(scores: np.ndarray) -> np.ndarray:
    """Return the candidate indices best first along the last axis, ties to the earlier one.

    The columns must already be in tie-break order, which
    :class:`~toolkit.prioritise.scoring.ScoringModel` guarantees.
    """
    return np.argsort(-np.round(scores, TIE_DECIMALS), axis=-1, kind="stable")


def ranks_of_order(order: np.ndarray) -> np.ndarray:
    """Return 1-based ranks in candidate order from the order of :func:`rank_order`."""
    ranks = np.empty_like(order)
    positions = np.arange(1, order.shape[-1] + 1)
    np.put_along_axis(ranks, order, np.broadcast_to(positions, order.shape), axis=-1)
    return ranks


def rank_scores(scores: np.ndarray) -> np.ndarray:
    """Return 1-based ranks along the last axis, ties to the earlier column.

    The columns must already be in tie-break order, which
    :class:`~toolkit.prioritise.scoring.ScoringModel` guarantees.
    """
    return ranks_of_order(rank_order(scores))


def select_shortlist(
    ranks: np.ndarray, codes: np.ndarray, size: int, per_cohort: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the shortlist rule to one ranking or to many at once.

    Walk each ranking best first and keep a candidate unless its cohort already has
    ``per_cohort`` kept candidates, until ``size`` are kept. Equivalently, and vectorised
    over rankings with no loop over them: a candidate is *eligible* when fewer than
    ``per_cohort`` of its cohort rank above it, and *chosen* when it is eligible and
    fewer than ``size`` eligible candidates rank above it.

    Parameters
    ----------
    ranks : numpy.ndarray
        Shape (rankings, n): 1-based ranks of each candidate (as from
        :func:`rank_scores`), one ranking per row.
    codes : numpy.ndarray
        Shape (n,): the cohort code of each candidate (see :func:`cohort_codes`).
    size : int
        Shortlist size.
    per_cohort : int or None
        Most candidates kept per cohort; None for no limit.

    Returns
    -------
    chosen, eligible : numpy.ndarray
        Boolean, shape (rankings, n), in candidate order: ``chosen`` where the candidate
        is shortlisted, ``eligible`` where its cohort was not yet full when the walk
        reached it.

    Notes
    -----
    Own code (no library offers a grouped top-k over many rankings). The candidates are
    laid out cohort by cohort once; in each ranking, sorting ``cohort * (n + 1) + rank``
    sorts the ranks within every cohort's block at once, which gives each cohort's
    ``per_cohort``-th best rank, the threshold for eligibility. The ``size``-th smallest
    eligible rank (a partition) is the threshold for the shortlist.
    """
    count = ranks.shape[-1]
    if per_cohort is None or np.unique(codes).size == codes.size:
        eligible = np.ones(ranks.shape, dtype=bool)
    else:
        _, compact = np.unique(codes, return_inverse=True)
        layout = np.argsort(compact, kind="stable")
        sizes = np.bincount(compact)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        block = compact[layout].astype(ranks.dtype) * (count + 1)
        ordered = np.sort(ranks[:, layout] + block, axis=1)
        pick = starts + np.minimum(per_cohort, sizes) - 1
        threshold = ordered[:, pick] - block[pick]  # each cohort's per_cohort-th best rank
        eligible = ranks <= threshold[:, compact]
    if size >= count:
        return eligible.copy(), eligible
    if eligible.all():
        return ranks <= size, eligible
    eligible_ranks = np.where(eligible, ranks, count + 1)
    cut = np.partition(eligible_ranks, size - 1, axis=1)[:, size - 1 : size]
    return eligible & (ranks <= cut), eligible


def related_rows(
    kept: np.ndarray, eligible: np.ndarray, first: int | None, codes: np.ndarray
) -> dict[int, list[int]]:
    """Return the rows the walk skipped because their cohort was full, by the cohort's lead.

    For one ranking in rank order: ``kept`` are the shortlisted rows (best first),
    ``eligible`` whether each row's cohort was not yet full (:func:`select_shortlist`),
    ``first`` the row of the first candidate left out (None when there is none). The rows
    skipped down to ``first`` are listed with their cohort's first shortlisted row, so that
    everything ranked above the first left out is either shortlisted or named as related.
    """
    lead: dict[int, int] = {}
    for row in kept:
        lead.setdefault(int(codes[row]), int(row))
    rows: dict[int, list[int]] = {row: [] for row in kept}
    skipped = ~eligible
    if first is not None:
        skipped[first:] = False
    for row in np.flatnonzero(skipped):
        rows[lead[int(codes[row])]].append(int(row))
    return rows
