"""The values the store takes and writes: names, weights, shortlists, dots, times, cells.

Every argument of :class:`~toolkit.workshop.SubmissionStore` is checked here before the
store touches its file, and answered in the toolkit's one template ("The 'weights'
parameter of submit must ..."; ``TypeError`` for a wrong type, ``ValueError`` for a wrong
value). The same module turns what the store writes into text: times in UTC, weights as
whole numbers and cells a spreadsheet will not run as formulas.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

#: Prefix of the weight columns in :meth:`SubmissionStore.submissions`.
WEIGHT_PREFIX = "weight_"  # the same as toolkit.prioritise.consensus.WEIGHT_PREFIX (tested)

#: Longest table name or role kept (longer text is refused, not cut).
MAX_NAME_LENGTH = 80

#: Characters that make a spreadsheet read a cell as a formula (formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def toolkit_version() -> str:
    """Return the toolkit's version, recorded with each submission and export."""
    from toolkit import __version__

    return __version__


def clean_name(value: object, parameter: str, caller: str) -> str:
    """Return a name with its whitespace collapsed, after checking it is usable text."""
    if not isinstance(value, str):
        raise TypeError(
            f"The '{parameter}' parameter of {caller} must be a str. "
            f"Got {type(value).__name__} instead."
        )
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must not be blank. Got {value!r} instead."
        )
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must be at most {MAX_NAME_LENGTH} "
            f"characters. Got {len(cleaned)} characters instead."
        )
    return cleaned


def clean_names(caller: str, **values: object) -> list[str]:
    """Return each name of ``values`` cleaned as :func:`clean_name` does, in order.

    The keyword is the parameter's name in an error: ``clean_names("add_table",
    workshop=workshop, name=name)``.
    """
    return [clean_name(value, parameter, caller) for parameter, value in values.items()]


def natural_key(text: str) -> tuple:
    """Sort key that puts 'Table 2' before 'Table 10'."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
    )


def utc(seconds: float, timespec: str = "microseconds") -> str:
    """Return a time (seconds since the epoch) as ISO 8601 text in UTC."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec=timespec)


def safe_cell(value: object) -> object:
    """Return a text cell that a spreadsheet will not run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
    with an apostrophe, which spreadsheets show as text (the OWASP advice on CSV
    injection); anything else, and any number, is returned unchanged.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    object
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def finite_or_none(value: object) -> float | None:
    """Return a value as a float when it is a finite number, else None.

    For what is written as JSON (which has no NaN) or shown as a figure: text that is
    not a number, None, NaN and infinities all give None.

    Parameters
    ----------
    value : object
        A number, or anything else.

    Returns
    -------
    float or None
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def whole(value: object) -> int | str:
    """Return a weight as a whole number for the decision log (empty when missing)."""
    if value is None or not math.isfinite(float(value)):
        return ""
    return int(round(float(value)))


def result_summary(result: Mapping) -> tuple[str, str]:
    """Return how a recorded room's result combined the weights, and its agreement score.

    Parameters
    ----------
    result : mapping
        A recorded room's result (``SubmissionStore.room_result``).

    Returns
    -------
    tuple of (str, str)
        The combination in words ("median"; "" when not recorded) and Kendall's W to two
        decimals ("0.74"; "" when there was none).
    """
    settings = result.get("settings") or {}
    how = str(settings.get("aggregation_label") or settings.get("aggregation") or "")
    w = (result.get("agreement") or {}).get("w")
    finite = isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w)
    return how, f"{w:.2f}" if finite else ""


def result_of(row: tuple) -> dict:
    """Return a recorded room's result from its row (round, recorded_at, result)."""
    document = json.loads(row[2])
    document["round"], document["recorded_at"] = int(row[0]), row[1]
    return document


def result_words(result: Mapping) -> str:
    """Return a recorded room's result in one sentence, for the events log."""
    tables = len(result.get("tables") or ())
    how, w = result_summary(result)
    how = how or "combination"
    names = "; ".join(str(item.get("label") or item.get("id")) for item in result["shortlist"])
    score = f" Agreement score (Kendall's W): {w}." if w else ""
    whose = f"{tables} tables'" if tables != 1 else "1 table's"
    return (
        f"Round {result['round']}'s result: the room's list of {len(result['shortlist'])} from "
        f"the {how} of {whose} weights: {names}.{score}"
    )


def check_round(round: object, caller: str) -> int | None:
    """Return a round number (or None: the current round), after checking it."""
    if round is None:
        return None
    if isinstance(round, bool) or not isinstance(round, numbers.Integral) or round < 1:
        raise ValueError(
            f"The 'round' parameter of {caller} must be an int >= 1 or None (the current "
            f"round). Got {round!r} instead."
        )
    return int(round)


def check_names(values: object, parameter: str, caller: str) -> tuple[str, ...]:
    """Return the criteria or candidates a store knows, after checking them."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(
            f"The '{parameter}' parameter of {caller} must be a sequence of str or None. "
            f"Got {type(values).__name__} instead."
        )
    names = tuple(values)
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must hold non-empty str names. "
            f"Got {list(names)!r} instead."
        )
    if len(set(names)) != len(names):
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must name each once. "
            f"Got {list(names)!r} instead."
        )
    return names


def check_options(
    timeout: object,
    retries: object,
    min_interval: object,
    max_per_round: object,
    clock: object,
    caller: str,
) -> None:
    """Refuse a store's limits and clock when they are of the wrong type or value."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(
            f"The 'timeout' parameter of {caller} must be a float > 0. Got {timeout!r} instead."
        )
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError(
            f"The 'retries' parameter of {caller} must be an int >= 0. Got {retries!r} instead."
        )
    if (
        isinstance(min_interval, bool)
        or not isinstance(min_interval, int | float)
        or not math.isfinite(min_interval)
        or min_interval < 0
    ):
        raise ValueError(
            f"The 'min_interval' parameter of {caller} must be a float >= 0 (seconds). "
            f"Got {min_interval!r} instead."
        )
    if max_per_round is not None and (
        isinstance(max_per_round, bool) or not isinstance(max_per_round, int) or max_per_round < 1
    ):
        raise ValueError(
            f"The 'max_per_round' parameter of {caller} must be an int >= 1 or None (no "
            f"limit). Got {max_per_round!r} instead."
        )
    if clock is not None and not callable(clock):
        raise TypeError(
            f"The 'clock' parameter of {caller} must be a function returning seconds or "
            f"None. Got {type(clock).__name__} instead."
        )


def check_weights(
    weights: object,
    criteria: Sequence[str] | None,
    caller: str,
    *,
    allow_zero: bool = False,
) -> dict[str, float]:
    """Return the weights as floats in the criteria's order, after checking them.

    Every one of ``criteria`` and no other (any names when None); finite, non-negative
    and, unless ``allow_zero``, not all zero.
    """
    if not isinstance(weights, Mapping):
        raise TypeError(
            f"The 'weights' parameter of {caller} must be a mapping of criterion names to "
            f"floats. Got {type(weights).__name__} instead."
        )
    names = list(weights)
    if not names:
        raise ValueError(
            f"The 'weights' parameter of {caller} must not be empty. Got {{}} instead."
        )
    if not all(isinstance(name, str) for name in names):
        raise TypeError(
            f"The 'weights' parameter of {caller} must have str keys. Got {names!r} instead."
        )
    if criteria is not None:
        unknown = [name for name in names if name not in criteria]
        absent = [name for name in criteria if name not in weights]
        if unknown or absent:
            raise ValueError(
                f"The 'weights' parameter of {caller} must give a weight for each of the "
                f"criteria {list(criteria)} and no other. Got unknown {unknown} and "
                f"missing {absent} instead."
            )
    wrong = [
        name
        for name in names
        if isinstance(weights[name], bool) or not isinstance(weights[name], numbers.Real)
    ]
    if wrong:
        raise TypeError(
            f"The 'weights' parameter of {caller} must map criterion names to floats. "
            f"Got {weights[wrong[0]]!r} for {wrong[0]!r} instead."
        )
    values = {name: float(weights[name]) for name in names}
    bad = [name for name, value in values.items() if not math.isfinite(value) or value < 0]
    if bad or not (allow_zero or any(value > 0 for value in values.values())):
        raise ValueError(
            f"The 'weights' parameter of {caller} must be finite, non-negative"
            f"{'' if allow_zero else ' and not all zero'}. Got {values} instead."
        )
    order = criteria if criteria is not None else tuple(names)
    return {name: values[name] for name in order}


def check_candidates(
    ids: list[str], candidates: Sequence[str] | None, parameter: str, caller: str
) -> None:
    """Refuse candidate ids the store does not know (any are known when None)."""
    if candidates is None:
        return
    unknown = [value for value in ids if value not in candidates]
    if unknown:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must name known candidates. Got "
            f"unknown ids {unknown[:5]} instead."
        )


def check_shortlist(shortlist: object, candidates: Sequence[str] | None, caller: str) -> list[str]:
    """Return a shortlist as a list of candidate ids, after checking it."""
    if isinstance(shortlist, str | bytes) or not isinstance(shortlist, Sequence):
        raise TypeError(
            f"The 'shortlist' parameter of {caller} must be a sequence of candidate ids. "
            f"Got {type(shortlist).__name__} instead."
        )
    ids = list(shortlist)
    if not all(isinstance(value, str) for value in ids):
        raise TypeError(
            f"The 'shortlist' parameter of {caller} must hold str candidate ids. "
            f"Got {ids!r} instead."
        )
    if not ids or len(set(ids)) != len(ids):
        raise ValueError(
            f"The 'shortlist' parameter of {caller} must name at least one candidate and "
            f"none twice. Got {ids!r} instead."
        )
    check_candidates(ids, candidates, "shortlist", caller)
    return ids


def check_dots(dots: object, candidates: Sequence[str] | None, caller: str) -> dict[str, int]:
    """Return a dot vote as {candidate id: dots}, candidates without a dot left out."""
    if dots is None:
        return {}
    if not isinstance(dots, Mapping):
        raise TypeError(
            f"The 'dots' parameter of {caller} must be a mapping of candidate ids to ints "
            f"or None. Got {type(dots).__name__} instead."
        )
    counts: dict[str, int] = {}
    for key, value in dots.items():
        if not isinstance(key, str):
            raise TypeError(
                f"The 'dots' parameter of {caller} must have str candidate ids as keys. "
                f"Got {key!r} instead."
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"The 'dots' parameter of {caller} must map candidate ids to ints. "
                f"Got {value!r} for {key!r} instead."
            )
        if value < 0:
            raise ValueError(
                f"The 'dots' parameter of {caller} must hold whole numbers >= 0. "
                f"Got {value} for {key!r} instead."
            )
        if value:
            counts[key] = int(value)
    check_candidates(list(counts), candidates, "dots", caller)
    return counts


__all__ = [
    "FORMULA_STARTS",
    "MAX_NAME_LENGTH",
    "WEIGHT_PREFIX",
    "check_candidates",
    "check_dots",
    "check_names",
    "check_options",
    "check_round",
    "check_shortlist",
    "check_weights",
    "clean_name",
    "clean_names",
    "finite_or_none",
    "natural_key",
    "result_of",
    "result_summary",
    "result_words",
    "safe_cell",
    "toolkit_version",
    "utc",
    "whole",
]
