"""The criteria weights a configuration gives: the ``weights`` and ``weights_source`` keys.

An analyst who agreed the criteria's weights with the executive before (or without) a
co-production workshop gives them in the board report's configuration, with who agreed them
and when::

    weights_source = "ICB executive, 3 November 2026"

    [weights]
    avoidable_mid = 2
    deprivation_gap = 3
    ...

The report then ranks the themes with them (:func:`toolkit.prioritise.prioritise_persons`,
as with equal weights) and page 1 and the methods name whose weights they are
(:func:`weights_words`). The quarterly update takes the same keys, so that it ranks the
earlier and the newer data as the report did. :func:`check_weights` refuses, in plain words
naming the file and the key, weights neither can rank with (:func:`check_report_weights` is
the report's); a workshop's decision log gives weights of its own, so the two are not given
together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any, Final

#: The example of ``weights_source`` the template and the messages give.
WEIGHTS_SOURCE_EXAMPLE: Final[str] = "ICB executive, 3 November 2026"


def weights_template_keys(ranked: str, said: str) -> tuple[tuple[str, str, str], ...]:
    """Return the ``weights`` and ``weights_source`` keys, with their comments, for a template.

    Shared by the board report's and the quarterly update's ``--print-config``. The example
    gives every criterion of the themes (the analysts' own need criteria_scores).

    Parameters
    ----------
    ranked : str
        What the weights rank, a sentence ("The shortlist is then ranked with them instead
        of at equal weights.").
    said : str
        Where the configuration's ``weights_source`` is named, a sentence.

    Returns
    -------
    tuple of (str, str, str)
        Each key, its example and its comment, as :func:`~toolkit.report.config.commented_template`
        takes them.
    """
    return (
        (
            "weights",
            "{ avoidable_mid = 2, avoidable_cost_mid = 1, deprivation_gap = 3, excess_share = 1, "
            "le_gap_share = 1, cause_deaths_a_year = 1, evidence_score = 2, core20plus5 = 1, "
            "time_to_impact_years = 1 }",
            "Weights of the criteria agreed before (or without) a workshop, one for every "
            "criterion: numbers of 0 or more, not all 0 (0 leaves a criterion out; only their "
            f"ratios matter). {ranked} "
            "With criteria_scores, give community_voice and feasibility too. Not with "
            "decision_log (the workshop's weights): give one or the other. May also be written "
            "as a [weights] table at the end of this file, one criterion a line.",
        ),
        (
            "weights_source",
            f'"{WEIGHTS_SOURCE_EXAMPLE}"',
            f"Who agreed the weights, and when: required with weights. {said}",
        ),
    )


#: The board report's ``weights`` and ``weights_source`` keys, for ``--print-config``.
WEIGHTS_TEMPLATE_KEYS: Final[tuple[tuple[str, str, str], ...]] = weights_template_keys(
    "The shortlist is then ranked with them instead of at equal weights.",
    f'Page 1 and the methods say "Ranked with the weights agreed by {WEIGHTS_SOURCE_EXAMPLE}".',
)


def weights_words(config: Any) -> str | None:
    """Say whose weights the shortlist is ranked with: the report's page 1, the update's words.

    Parameters
    ----------
    config : ReportConfig or UpdateConfig
        The configuration: its ``weights`` and ``weights_source``.

    Returns
    -------
    str or None
        "ranked with the weights agreed by ICB executive, 3 November 2026" (no capital, no
        full stop) when the configuration gives ``weights``; None otherwise.
    """
    if getattr(config, "weights", None) is None or not getattr(config, "weights_source", None):
        return None
    return f"ranked with the weights agreed by {config.weights_source.strip()}"


def check_report_weights(config: Any) -> None:
    """Refuse the board report's ``weights`` and ``weights_source`` it cannot use.

    Called as a :class:`~toolkit.report.ReportConfig` is made, after each key's type is
    checked: :func:`check_weights` with the report's keys and words.

    Parameters
    ----------
    config : ReportConfig
        The configuration being made.

    Raises
    ------
    ValueError
        Any problem :func:`check_weights` names; the message names the file and the key.
    """
    from toolkit.report.config import config_keys

    check_weights(
        config,
        keys=config_keys(),
        named="page 1 names it",
        workshop="report the workshop's weights",
    )


def check_weights(config: Any, *, keys: Sequence[str], named: str, workshop: str) -> None:
    """Refuse ``weights`` and ``weights_source`` a configuration cannot rank with, in plain words.

    Shared by the board report (:func:`check_report_weights`) and the quarterly update:
    ``weights`` must not come with ``decision_log``, must come with a ``weights_source`` (and
    that without ``weights`` is refused), and must give every criterion (the themes', and
    with ``criteria_scores`` the analysts') a number of 0 or more, not all 0; a name that is
    not a criterion is refused with the nearest one.

    Parameters
    ----------
    config : ReportConfig or UpdateConfig
        The configuration being made: its ``weights``, ``weights_source``, ``decision_log``,
        ``criteria_scores`` and ``source``.
    keys : sequence of str
        The configuration's keys: one among the weights was written after a ``[weights]``
        table, which takes every line after it.
    named : str
        Where the source is named, for the message when it is missing ("page 1 names it").
    workshop : str
        What leaving the weights out does with a decision log ("report the workshop's
        weights").

    Raises
    ------
    ValueError
        Any of those; the message names the file (``config.source``) and the key.
    """
    where = f"{config.source}: " if config.source else ""
    weights, said = config.weights, config.weights_source
    if weights is None:
        if said is not None:
            raise ValueError(
                f"{where}'weights_source' says who agreed the weights, but 'weights' is not "
                "given: give the weights too (a [weights] table), or leave weights_source out."
            )
        return
    if config.decision_log is not None:
        raise ValueError(
            f"{where}'weights' and 'decision_log' both give the criteria's weights: give one "
            "or the other. Remove 'decision_log' to rank with the weights agreed beforehand, "
            f"or remove 'weights' and 'weights_source' to {workshop}."
        )
    if said is None or not said.strip():
        raise ValueError(
            f"{where}'weights_source' is missing: with 'weights', say who agreed them and "
            f'when, such as weights_source = "{WEIGHTS_SOURCE_EXAMPLE}" ({named}).'
        )
    _check_names(weights, config.criteria_scores is not None, keys, where)
    for name, value in weights.items():
        if not isinstance(value, Real) or isinstance(value, bool):
            raise ValueError(f"{where}'weights': {name} must be a number. Got {value!r} instead.")
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{where}'weights': {name} must be 0 or more. Got {value!r} instead.")
    if not any(value > 0 for value in weights.values()):
        raise ValueError(
            f"{where}'weights' are all 0: give at least one criterion a weight above 0 (only "
            "the weights' ratios matter)."
        )


def _check_names(
    weights: dict[Any, Any], with_scores: bool, keys: Sequence[str], where: str
) -> None:
    """Refuse a name that is not a criterion, and criteria given no weight."""
    from toolkit._words import closest_names, listed, quoted_or
    from toolkit.prioritise import theme_criteria
    from toolkit.prioritise.templates import THEME_ANALYST_CRITERIA

    analysts = [spec.name for spec in THEME_ANALYST_CRITERIA]
    criteria = {c.name: c.phrase for c in theme_criteria()}
    if with_scores:
        criteria |= {spec.name: spec.criterion.phrase for spec in THEME_ANALYST_CRITERIA}
    missing = [name for name in criteria if name not in weights]
    for name in weights:
        if name in criteria:
            continue
        if name in analysts:
            raise ValueError(
                f"{where}'weights' gives {name}, which the analysts score in the criteria "
                f"template: give 'criteria_scores' (the filled template) too, or take {name} "
                "out of the weights."
            )
        if name in keys:  # a [weights] table takes every line after it
            raise ValueError(
                f"{where}'weights' names {name!r}, a key of the configuration: a [weights] "
                "table takes every line after it, so put the table at the end of the file."
            )
        close = closest_names(str(name), missing) or closest_names(str(name), list(criteria))
        raise ValueError(
            f"{where}'weights' names {name!r}, which is not a criterion"
            + (f" (did you mean {quoted_or(close)}?)" if close else "")
            + f". The criteria are: {_described(criteria)}."
        )
    if missing:
        raise ValueError(
            f"{where}'weights' gives no weight for "
            f"{listed(missing, most=len(missing), quote=True)}: give every criterion a weight "
            f"(0 leaves one out of the ranking). The criteria are: {_described(criteria)}."
        )


def _described(criteria: dict[str, str]) -> str:
    """Name each criterion with what it measures: 'evidence_score: strength of evidence; ...'."""
    return "; ".join(f"{name}: {phrase}" for name, phrase in criteria.items())


__all__ = [
    "WEIGHTS_SOURCE_EXAMPLE",
    "WEIGHTS_TEMPLATE_KEYS",
    "check_report_weights",
    "check_weights",
    "weights_template_keys",
    "weights_words",
]
