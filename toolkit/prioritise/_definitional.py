"""The outcomes that define a segment: candidates true by construction, and why.

:func:`definitional_outcomes` lists, for a segmentation model, the outcomes each segment's
rules read (directly, or through a column of :data:`DEFINITIONAL_FLAGS`): a candidate
about such an outcome in such a segment is true by construction, not a finding, and
:func:`toolkit.prioritise.candidates.candidate_priorities` leaves it out.
:func:`resolve_model` turns a model's name or rules file into the model.
:mod:`toolkit.prioritise.candidates` re-exports the public names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from toolkit._params import InstanceOf, SequenceOf, StrOptions, invalid_parameter, validate_params
from toolkit.prioritise._candidate_table import OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.segment import SegmentationModel

#: Person columns that imply an outcome although they are not the outcome's own column: a
#: segment whose rules read one of these is defined by the outcomes it maps to. Being on
#: an end-of-life register is about expected death; ``died`` and ``cause_of_death`` are
#: death itself. (A rule that reads an outcome's own column, such as
#: ``emergency_admissions >= 1``, defines that outcome without needing an entry here.)
DEFINITIONAL_FLAGS: dict[str, tuple[str, ...]] = {
    "end_of_life": ("deaths",),
    "died": ("deaths",),
    "cause_of_death": ("deaths",),
}

#: The ``model`` argument of the candidate functions (see :func:`validate_params`).
MODEL = [
    None,
    InstanceOf("toolkit.segment.model.SegmentationModel", "a SegmentationModel"),
    "path",
]


def resolve_model(model: object, caller: str) -> SegmentationModel | None:
    """Return the segmentation model named by ``model`` (None stays None)."""
    if model is None:
        return None
    from toolkit.segment import BUILTIN_MODELS, SegmentationModel, load_rules

    if isinstance(model, SegmentationModel):
        return model
    try:
        return load_rules(model)
    except ValueError:
        raise invalid_parameter(
            "model",
            caller,
            "a SegmentationModel, a built-in model's name "
            f"({', '.join(map(repr, BUILTIN_MODELS))}), a rules file's path or None",
            model,
        ) from None


@validate_params(
    {
        "model": MODEL[1:],
        "outcomes": [SequenceOf(StrOptions(OUTCOMES), description="a sequence of outcomes"), None],
        "flags": ["mapping"],
    }
)
def definitional_outcomes(
    model: SegmentationModel | str | os.PathLike[str],
    *,
    outcomes: Sequence[str] | None = None,
    flags: Mapping[str, Sequence[str]] = DEFINITIONAL_FLAGS,
) -> pd.DataFrame:
    """List the outcomes that define each segment of a segmentation model.

    An outcome defines a segment when a rule that assigns the segment reads the
    outcome's own column (``emergency_admissions >= 1`` defines emergency admissions),
    or a column that ``flags`` maps to the outcome (``end_of_life`` defines deaths).
    "Emergency admissions among people whose segment requires one" is then true by
    construction, not a finding, and
    :func:`~toolkit.prioritise.candidates.candidate_priorities` leaves it out. Any
    reference counts, negated or not: a rule that reads the column has selected on it.

    Parameters
    ----------
    model : SegmentationModel, str or path
        A :class:`toolkit.segment.SegmentationModel`, a built-in model's name or a
        rules file (as for :func:`toolkit.segment.load_rules`).
    outcomes : sequence of str, optional
        Outcomes to check, from :data:`OUTCOMES`; all of them by default.
    flags : mapping of str to sequence of str
        Columns that imply outcomes other than their own (:data:`DEFINITIONAL_FLAGS` by
        default).

    Returns
    -------
    pandas.DataFrame
        One row per segment, outcome and rule that reads it: ``segment``, ``outcome``,
        ``rule`` (its name), ``column`` (the column read) and ``condition`` (as written).
        Empty when no rule reads an outcome.

    Notes
    -----
    A segment reached only because earlier rules did not hold (the catch-all) is shaped
    by those rules too (no one in "healthy" has an emergency admission under
    Bridges to Health); such candidates have no events, and are left out for that.
    """
    segmentation = resolve_model(model, "definitional_outcomes")
    checked = tuple(OUTCOMES) if outcomes is None else tuple(outcomes)
    rows = []
    for rule in segmentation.rules:
        for column in sorted(rule.condition.columns):
            implied = [column, *flags.get(column, ())]
            for outcome in dict.fromkeys(implied):
                if outcome in checked:
                    rows.append((rule.segment, outcome, rule.name, column, rule.condition.text))
    return pd.DataFrame(rows, columns=["segment", "outcome", "rule", "column", "condition"]).astype(
        object
    )
