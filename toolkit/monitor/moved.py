"""What moved: the evidence rerun on newer data, compared with the answer the board agreed.

A living strategy reruns the prioritisation when the data change and shows which priorities
would now enter or leave the shortlist, and which could not be measured on the newer data.
:func:`what_moved` compares two :class:`toolkit.prioritise.Prioritisation` results
candidate by candidate; it computes no score of its own (both results were scored by
:mod:`toolkit.prioritise`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from toolkit._params import InstanceOf, SequenceOf, validate_params
from toolkit.prioritise.result import Prioritisation

#: The ``change`` of each candidate, in the order :func:`what_moved` lists them.
CHANGES: Final[tuple[str, ...]] = ("entered", "left", "unmeasured", "stayed", "outside")

#: What each change means, in words a resident reads.
CHANGE_WORDS: Final[dict[str, str]] = {
    "entered": "would now join the shortlist",
    "left": "would now leave the shortlist",
    "unmeasured": "could not be measured on the newer data",
    "stayed": "stays on the shortlist",
    "outside": "stays off the shortlist",
}


def _ranks(result: Prioritisation, suffix: str) -> pd.DataFrame:
    """One row per candidate: its label, rank, score and whether it is shortlisted."""
    candidates = result.candidates
    frame = pd.DataFrame(
        {
            "candidate": candidates["candidate"].astype(str).to_numpy(),
            "label": candidates["label"].astype(str).to_numpy(),
            f"rank_{suffix}": pd.array(candidates["rank"], dtype="Int64"),
            f"score_{suffix}": candidates["score"].astype(float).to_numpy(),
        }
    )
    shortlisted = set(result.shortlist["candidate"].astype(str))
    frame[f"shortlisted_{suffix}"] = frame["candidate"].isin(shortlisted)
    return frame


def _not_measured(after: Prioritisation) -> pd.DataFrame:
    """Return the themes the newer data could not measure, with their label and reason."""
    excluded = after.excluded
    if not len(excluded) or "theme" not in excluded.columns:
        return pd.DataFrame({"candidate": [], "label": [], "reason": []}, dtype=object)
    return pd.DataFrame(
        {
            "candidate": excluded["theme"].astype(str).to_numpy(),
            "label": excluded.get("label", excluded["theme"]).astype(str).to_numpy(),
            "reason": excluded.get("reason", pd.Series("", index=excluded.index))
            .fillna("")
            .astype(str)
            .to_numpy(),
        }
    ).drop_duplicates("candidate")


def _agreed_list(agreed: Sequence[str], after: Prioritisation) -> pd.DataFrame:
    """Return the agreed shortlist as ranks 1, 2, ... (no scores: agreed, not scored here)."""
    ids = [str(item) for item in agreed]
    missing = _not_measured(after)
    labels = dict(zip(missing["candidate"], missing["label"], strict=True))
    labels.update(
        zip(after.candidates["candidate"].astype(str), after.candidates["label"], strict=True)
    )
    return pd.DataFrame(
        {
            "candidate": ids,
            "label": [str(labels.get(item, item)) for item in ids],
            "rank_before": pd.array(range(1, len(ids) + 1), dtype="Int64"),
            "score_before": np.nan,
            "shortlisted_before": True,
        }
    )


@validate_params(
    {
        "before": [
            InstanceOf("toolkit.prioritise.result.Prioritisation", "a Prioritisation"),
            SequenceOf("str"),
        ],
        "after": [InstanceOf("toolkit.prioritise.result.Prioritisation", "a Prioritisation")],
    }
)
def what_moved(before: Prioritisation | Sequence[str], after: Prioritisation) -> pd.DataFrame:
    """Compare the agreed prioritisation with the same evidence rerun on newer data.

    Parameters
    ----------
    before : Prioritisation or sequence of str
        The result the board agreed (scored on the earlier data), or the agreed
        shortlist itself as candidate (theme) ids, best first, when the earlier data are
        not at hand; its ranks are then the list's order and it has no scores.
    after : Prioritisation
        The result on the newer data, with the same weights and settings.

    Returns
    -------
    pandas.DataFrame
        One row per candidate in either result: ``candidate``, ``label`` (the newer one
        when both have it), ``rank_before``, ``rank_after`` (missing where a candidate
        could not be measured on that data), ``score_before``, ``score_after`` (0 to
        100), ``shortlisted_before``, ``shortlisted_after``, ``rank_change`` (positive when
        it moved up), ``change``: ``"entered"`` (would now join the shortlist),
        ``"left"`` (measured on the newer data, it would now leave it), ``"unmeasured"``
        (on the agreed shortlist, but not measured on the newer data, so the rerun cannot
        say whether it would stay), ``"stayed"`` or ``"outside"``, and ``reason_after``:
        why a candidate was not measured on the newer data (the newer result's
        ``excluded`` reason, "" where it was measured or none is given). Rows are in that
        order of change, then by the newer rank.

    Raises
    ------
    TypeError
        Either argument is not a :class:`~toolkit.prioritise.Prioritisation`.
    ValueError
        The two were scored with different shortlist sizes, so their shortlists cannot be
        compared.
    """
    listed = not isinstance(before, Prioritisation)
    size_before = len(before) if listed else before.settings.get("size")
    size_after = after.settings.get("size")
    if size_before != size_after:
        raise ValueError(
            "what_moved compares two prioritisations with the same shortlist size; got "
            f"{size_before} before and {size_after} after. Rerun the newer data with "
            f"size={size_before}."
        )
    old = _agreed_list(before, after) if listed else _ranks(before, "before")
    new = _ranks(after, "after")
    merged = old.merge(new, on="candidate", how="outer", suffixes=("_before", ""))
    merged["label"] = merged["label"].fillna(merged.pop("label_before"))
    for column in ("shortlisted_before", "shortlisted_after"):
        merged[column] = merged[column].astype("boolean").fillna(False).astype(bool)
    was, now = merged["shortlisted_before"], merged["shortlisted_after"]
    measured = merged["rank_after"].notna().to_numpy(dtype=bool)
    missing = _not_measured(after)
    # Not measured on the newer data: the newer result says why (its ``excluded``); an id it
    # does not know at all (not a theme it measured or left out) still leaves the list.
    excluded = merged["candidate"].isin(missing["candidate"]).to_numpy(dtype=bool)
    merged["change"] = np.select(
        [~was & now, was & ~now & ~(excluded & ~measured), was & ~now, was & now],
        ["entered", "left", "unmeasured", "stayed"],
        default="outside",
    )
    reasons = dict(zip(missing["candidate"], missing["reason"], strict=True))
    merged["reason_after"] = [
        "" if known else reasons.get(item, "")
        for item, known in zip(merged["candidate"], measured, strict=True)
    ]
    merged["rank_change"] = merged["rank_before"] - merged["rank_after"]
    merged["_order"] = merged["change"].map({change: i for i, change in enumerate(CHANGES)})
    merged = merged.sort_values(["_order", "rank_after", "rank_before"], na_position="last")
    columns = [
        "candidate", "label", "rank_before", "rank_after", "score_before", "score_after",
        "shortlisted_before", "shortlisted_after", "rank_change", "change", "reason_after",
    ]  # fmt: skip
    return merged[columns].reset_index(drop=True)


__all__ = ["CHANGES", "CHANGE_WORDS", "what_moved"]
