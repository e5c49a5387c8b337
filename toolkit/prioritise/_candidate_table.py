"""The candidates table of :func:`toolkit.prioritise.candidates.candidate_priorities`.

:func:`assemble_candidates` turns the merged statistics of each cohort and outcome into the
candidates table (ids, plain-English labels, figures a year, comparable criteria);
:func:`with_benchmark` adds the gap to a benchmark's rates; :func:`exclude_candidates`
splits off the candidates true by construction or that cannot be assessed, with the
reason. The outcomes a candidate can be about (:data:`OUTCOMES`) and the table's units are
defined here; :mod:`toolkit.prioritise.candidates` re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit._params import warn
from toolkit.errors import DataContractError
from toolkit.prioritise._cube_steps import MIN_DECILES, RII_NOTE_COLUMN
from toolkit.prioritise.criteria import (
    CANDIDATE_COLUMN,
    COHORT_LABEL_COLUMN,
    LABEL_COLUMN,
    OUTCOME_LABEL_COLUMN,
)

#: Outcomes a candidate can be about: the cube measure and how to say it.
OUTCOMES: dict[str, str] = {
    "emergency_admissions": "Emergency admissions",
    "ae_attendances": "A&E attendances",
    "bed_days": "Bed days",
    "deaths": "Deaths",
    "cost_gbp": "Cost of care",
    "gp_appointments": "GP appointments",
    "elective_admissions": "Elective admissions",
    "outpatient_attendances": "Outpatient attendances",
}


#: The reason given in ``.attrs["excluded"]`` for a candidate true by construction.
DEFINITIONAL_REASON = "the segment is defined by this outcome"

#: The cost measure of the cube.
COST = "cost_gbp"

#: Rates of events are per this many people a year; cost is per person.
RATE_MULTIPLIER = 1_000

#: The candidates' rate column, and its name before this release (the benchmark's column
#: may still carry the old name for one release, with a ``FutureWarning``).
RATE_COLUMN = "rate"
OLD_RATE_COLUMN = "standardised_rate"


def segment_phrase(segment: str, labels: Mapping[str, str]) -> str:
    """Return "people in the '<label>' segment" for a segment id."""
    label = labels.get(segment, segment.replace("_", " "))
    return f"people in the '{label}' segment"


def assemble_candidates(
    result: pd.DataFrame,
    cohort: list[str],
    within: str | None,
    years: float,
    labels: Mapping[str, str],
) -> pd.DataFrame:
    """Turn the merged statistics into the candidates table."""
    is_cost = (result["outcome"] == COST).to_numpy()
    scale = np.where(is_cost, 1.0, RATE_MULTIPLIER)
    events = result["_events"].to_numpy(dtype="float64")
    segment = result["segment"].astype(str)
    outcome = result["outcome"].astype(str)
    ids = segment + "/"
    phrase = [segment_phrase(s, labels) for s in segment]
    label = [f"{OUTCOMES[o]} among {p}" for o, p in zip(outcome, phrase, strict=True)]
    cohort_label = [labels.get(s, s.replace("_", " ")) for s in segment]
    if within == "quintile":
        quintile = result["imd_quintile"].astype("int64")
        ids = ids + "q" + quintile.astype(str) + "/"
        where = [
            " in the most deprived fifth" if q == 1 else f" in deprivation quintile {q}"
            for q in quintile
        ]
        label = [text + extra for text, extra in zip(label, where, strict=True)]
        cohort_label = [
            text + (", most deprived fifth" if q == 1 else f", deprivation quintile {q}")
            for text, q in zip(cohort_label, quintile, strict=True)
        ]
    elif within == "place":
        ids = ids + result["place"].astype(str) + "/"
        label = [f"{text} in {place}" for text, place in zip(label, result["place"], strict=True)]
        cohort_label = [
            f"{text} in {place}" for text, place in zip(cohort_label, result["place"], strict=True)
        ]
    ids = ids + outcome
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(
            {
                CANDIDATE_COLUMN: ids.to_numpy(dtype=object),
                LABEL_COLUMN: np.array(label, dtype=object),
                COHORT_LABEL_COLUMN: np.array(cohort_label, dtype=object),
                OUTCOME_LABEL_COLUMN: np.array([OUTCOMES[o] for o in outcome], dtype=object),
                **{column: result[column].to_numpy() for column in cohort},
                "outcome": outcome.to_numpy(dtype=object),
                "persons": result["population"].round().to_numpy(dtype="int64"),
                "events": events,
                "events_a_year": events / years,
                "burden_share": events / result["_system"].to_numpy(dtype="float64"),
                RATE_COLUMN: result["value"].to_numpy() * scale / years,
                "rate_lower_95": np.where(is_cost, np.nan, result["lower_95"] * scale / years),
                "rate_upper_95": np.where(is_cost, np.nan, result["upper_95"] * scale / years),
                "rate_unit": np.where(
                    is_cost, "£ per person a year", "per 1,000 people a year"
                ).astype(object),
                "system_rate": result["system_rate"].to_numpy() * scale / years,
                "rate_ratio": (result["value"] / result["system_rate"]).to_numpy(),
                "cost_a_year": result["_cost"].to_numpy(dtype="float64") / years,
                "cost_per_head": (result["_cost"] / result["population"]).to_numpy() / years,
                "sii": result["sii"].to_numpy(dtype="float64") * scale / years,
                "rii": result["rii"].to_numpy(dtype="float64"),
                "relative_gap": (-result["sii"] / result["segment_rate"]).to_numpy(dtype="float64"),
                "excess_events_a_year": result["_excess"].to_numpy(dtype="float64") / years,
                "excess_share": (result["_excess"] / result["_events"]).to_numpy(dtype="float64"),
                "excess_cost_a_year": result["_excess_cost"].to_numpy(dtype="float64") / years,
                "core20_share": result["_core20"].fillna(0.0).to_numpy(dtype="float64"),
                "deciles_used": result["deciles_used"].fillna(0).to_numpy(dtype="int64"),
                "note": _inequality_notes(result),
            }
        )
    return table.sort_values(CANDIDATE_COLUMN, kind="stable").reset_index(drop=True)


def _inequality_notes(result: pd.DataFrame) -> np.ndarray:
    """Say which deciles the inequality measures left out, and when the RII has no meaning."""
    from toolkit.indicators.inequality import RII_NOT_MEANINGFUL

    left_out = np.where(
        result["_left_out"].isna(),
        "",
        "deciles "
        + result["_left_out"].astype(object).fillna("").astype(str)
        + " left out of the inequality measures (fewer than 10 events)",
    )
    no_rii = (
        result[RII_NOTE_COLUMN].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if RII_NOTE_COLUMN in result.columns
        else np.zeros(len(result), dtype=bool)
    )
    return np.array(
        [
            "; ".join(part for part in (first, RII_NOT_MEANINGFUL if rii else "") if part)
            for first, rii in zip(left_out, no_rii, strict=True)
        ],
        dtype=object,
    )


def with_benchmark(table: pd.DataFrame, benchmark: pd.DataFrame, caller: str) -> pd.DataFrame:
    """Add ``benchmark_rate`` and ``benchmark_gap`` (rate / benchmark - 1), after checks.

    The benchmark's rates are in ``rate``; a benchmark with the column's old name,
    ``standardised_rate`` (an earlier release's output, or a table written for it), is
    read for one release with a ``FutureWarning``.
    """
    if OLD_RATE_COLUMN in benchmark.columns:
        if RATE_COLUMN in benchmark.columns:
            raise DataContractError(
                f"{caller}: the benchmark has both '{RATE_COLUMN}' and '{OLD_RATE_COLUMN}': "
                f"'{OLD_RATE_COLUMN}' is the old name of '{RATE_COLUMN}'; give "
                f"'{RATE_COLUMN}' only."
            )
        warn(
            f"{caller}: the benchmark's column '{OLD_RATE_COLUMN}' is now called "
            f"'{RATE_COLUMN}' (the glossary's name); '{OLD_RATE_COLUMN}' is still read in "
            "this release and will not be in the next.",
            FutureWarning,
            stacklevel=3,
        )
        benchmark = benchmark.rename(columns={OLD_RATE_COLUMN: RATE_COLUMN})
    on = ["segment", "outcome"] if "segment" in benchmark.columns else ["outcome"]
    absent = [c for c in [*on, RATE_COLUMN] if c not in benchmark.columns]
    if absent:
        raise DataContractError(
            f"{caller}: the benchmark lacks the columns {absent}; it needs 'outcome' and "
            f"'{RATE_COLUMN}' (and optionally 'segment')."
        )
    rates = benchmark.groupby(on, observed=True)[RATE_COLUMN].agg(["mean", "count"])
    repeated = rates[rates["count"] > 1]
    if len(repeated):
        raise DataContractError(
            f"{caller}: the benchmark gives more than one rate for {repeated.index.tolist()[:5]}."
        )
    joined = table.join(rates["mean"].rename("benchmark_rate"), on=on)
    bad = joined["benchmark_rate"].isna() | ~(joined["benchmark_rate"] > 0)
    if bad.any():
        raise DataContractError(
            f"{caller}: the benchmark has no positive rate for {int(bad.sum())} candidates, "
            f"e.g. {joined.loc[bad, CANDIDATE_COLUMN].tolist()[:5]}."
        )
    return joined.assign(benchmark_gap=joined[RATE_COLUMN] / joined["benchmark_rate"] - 1)


def exclude_candidates(
    table: pd.DataFrame, min_events: int, definitions: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off candidates true by construction or that cannot be assessed, with the reason."""
    if definitions is not None and len(definitions):
        first = definitions.drop_duplicates(["segment", "outcome"])
        detail = (
            "rule '" + first["rule"].astype(str) + "': " + first["condition"].astype(str)
        ).to_numpy(dtype=object)
        lookup = dict(
            zip(zip(first["segment"], first["outcome"], strict=True), detail, strict=True)
        )
        pairs = zip(table["segment"].astype(str), table["outcome"].astype(str), strict=True)
        rule_text = np.array([lookup.get(pair, "") for pair in pairs], dtype=object)
    else:
        rule_text = np.full(len(table), "", dtype=object)
    defined = rule_text != ""
    reasons = np.select(
        [
            defined,
            table["events"] < max(min_events, 1),
            table["deciles_used"] < MIN_DECILES,
            table["excess_events_a_year"].isna(),
        ],
        [
            DEFINITIONAL_REASON,
            f"fewer than {max(min_events, 1)} events",
            f"fewer than {MIN_DECILES} deciles with a published rate",
            "excess events could not be computed",
        ],
        default="",
    )
    out = reasons != ""
    excluded = table.loc[out, [CANDIDATE_COLUMN, LABEL_COLUMN, "events"]].assign(
        reason=pd.Series(reasons[out], index=table.index[out], dtype=object),
        detail=pd.Series(
            np.where(defined, rule_text, "")[out], index=table.index[out], dtype=object
        ),
    )
    return table.loc[~out].reset_index(drop=True), excluded.reset_index(drop=True)
