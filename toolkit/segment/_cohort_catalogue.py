"""The cohorts of the cohort cube: the catalogue file, and the cohorts added from the data.

:func:`load_cohorts` reads a catalogue (the built-in one is
``toolkit/segment/models/cohorts.toml``); :func:`ethnic_cohorts` and
:func:`segment_cohorts` make one cohort per ethnic group present in the data and per
segment of a segmentation model. Part of :mod:`toolkit.segment.cohorts`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit._params import InstanceOf, SequenceOf, validate_params
from toolkit._toml import TomlFileError, read_toml
from toolkit.segment.model import (
    SegmentationModel,
)
from toolkit.segment.rules import (
    AllOf,
    AnyOf,
    Column,
    Comparison,
    Condition,
    Constant,
    Negation,
    RuleError,
    parse_condition,
)

if TYPE_CHECKING:  # pragma: no cover
    pass

CohortKind = Literal["condition", "condition_group", "population_group", "segment", "ethnic_group"]

#: Kinds a catalogue file may give; ``segment`` and ``ethnic_group`` cohorts are added by
#: :func:`build_cohort_cube` from the segmentation model and the data.
CATALOGUE_KINDS: tuple[str, ...] = ("condition", "condition_group", "population_group")

_COHORT_KEYS = ("id", "kind", "label", "when")
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_PREFIXES = ("segment_", "ethnic_group_")
_BUILTIN = "built-in cohorts catalogue"


# --------------------------------------------------------------------------------------
# Cohorts and the catalogue
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cohort:
    """One cohort of the cohort cube: who is in it, and what a board calls it.

    Attributes
    ----------
    id : str
        Short snake_case name, the ``cohort`` value in the cube (``"hypertension"``).
    kind : {"condition", "condition_group", "population_group", "segment", "ethnic_group"}
        What sort of cohort it is.
    label : str
        Board language, reading on its own: ``"People with high blood pressure"``.
    when : str
        The rule, in the grammar of :mod:`toolkit.segment.rules`.
    condition : Condition
        The parsed rule.
    """

    id: str
    kind: CohortKind
    label: str
    when: str
    condition: Condition


class _Catalogue:
    """Reads a cohorts file, raising one RuleError naming the file, cohort and field."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, message: str, cohort: str | None = None, key: str | None = None) -> RuleError:
        where = []
        if cohort is not None:
            where.append(f"cohort {cohort!r}")
        if key is not None:
            where.append(f"field {key!r}")
        prefix = ", ".join(where)
        return RuleError(f"{prefix}: {message}" if prefix else message, source=self.origin)

    def read(self, content: Any) -> tuple[Cohort, ...]:
        if not isinstance(content, Mapping):
            raise self.fail("the file must hold a [[cohorts]] list.")
        unknown = [key for key in content if key != "cohorts"]
        if unknown:
            raise self.fail(_unknown_key(unknown[0], ("cohorts",)) + ".")
        entries = content.get("cohorts")
        if not isinstance(entries, list) or not entries:
            raise self.fail(
                "the file has no cohorts: write each as a [[cohorts]] table with id, kind, "
                "label and when."
            )
        cohorts: list[Cohort] = []
        seen: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            cohort = self.entry(entry, number)
            if cohort.id in seen:
                raise self.fail(
                    "the id is used by an earlier cohort; ids must be unique.", cohort.id
                )
            seen.add(cohort.id)
            cohorts.append(cohort)
        return tuple(cohorts)

    def entry(self, entry: Any, number: int) -> Cohort:
        if not isinstance(entry, Mapping):
            raise self.fail(f"cohort number {number} must be a table (id, kind, label, when).")
        name = entry.get("id")
        if not isinstance(name, str) or not _ID_PATTERN.match(name):
            raise self.fail(
                f"cohort number {number} needs an id in snake_case (lower-case letters, digits "
                f"and underscores, starting with a letter). Got {name!r} instead.",
                key="id",
            )
        if name.startswith(RESERVED_PREFIXES):
            raise self.fail(
                "ids starting with 'segment_' or 'ethnic_group_' are reserved for the cohorts "
                "build_cohort_cube adds from the segmentation model and the data.",
                name,
                "id",
            )
        for key in entry:
            if key not in _COHORT_KEYS:
                raise self.fail(_unknown_key(key, _COHORT_KEYS) + ".", name)
        kind = entry.get("kind")
        if kind not in CATALOGUE_KINDS:
            raise self.fail(
                f"must be one of {', '.join(map(repr, CATALOGUE_KINDS))}. Got {kind!r} instead.",
                name,
                "kind",
            )
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise self.fail(f"must be non-empty text. Got {label!r} instead.", name, "label")
        if "when" not in entry:
            raise self.fail('is missing: add when = "..." (the rule).', name, "when")
        when = entry["when"]
        if isinstance(when, bool):  # when = true in TOML
            when = "true" if when else "false"
        try:
            condition = parse_condition(when)
        except RuleError as error:
            raise self.fail(str(error), name, "when") from None
        return Cohort(name, kind, label.strip(), condition.text, condition)


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


@validate_params({"path": ["path", None]})
def load_cohorts(path: str | os.PathLike[str] | None = None) -> tuple[Cohort, ...]:
    """Read a catalogue of cohorts: the built-in one, or a TOML file of the same shape.

    Parameters
    ----------
    path : str or path, optional
        A TOML file of ``[[cohorts]]`` tables, each with ``id`` (snake_case, unique),
        ``kind`` (``"condition"``, ``"condition_group"`` or ``"population_group"``),
        ``label`` (board language) and ``when`` (a rule in the grammar of
        :mod:`toolkit.segment.rules`). By default the built-in catalogue
        (``toolkit/segment/models/cohorts.toml``).

    Returns
    -------
    tuple of Cohort
        The cohorts, in the file's order.

    Raises
    ------
    TypeError
        If ``path`` is not text or a path.
    FileNotFoundError
        If the file does not exist.
    RuleError
        If the file is malformed; the message names the file, the cohort and the field.

    Examples
    --------
    A catalogue file looks like this::

        [[cohorts]]
        id = "hypertension"
        kind = "condition"
        label = "People with high blood pressure"
        when = "hypertension"
    """
    if path is None:
        resource = resources.files("toolkit.segment").joinpath("models", "cohorts.toml")
        with resources.as_file(resource) as builtin:
            return _read_catalogue(builtin, _BUILTIN)
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"No cohorts file at {file}.")
    return _read_catalogue(file, file.name)


def _read_catalogue(path: Path, origin: str) -> tuple[Cohort, ...]:
    reader = _Catalogue(origin)
    try:
        content = read_toml(path)
    except TomlFileError as error:
        raise reader.fail(f"the file {error.problem}.") from None
    return reader.read(content)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "blank"


def ethnic_cohorts(values: Sequence[str]) -> list[Cohort]:
    """One cohort per recorded ethnic group, ids ``ethnic_group_<slug>``."""
    cohorts: list[Cohort] = []
    used: set[str] = set()
    for value in values:
        text = str(value)
        base = f"ethnic_group_{_slug(text)}"
        name, number = base, 2
        while name in used:
            name, number = f"{base}_{number}", number + 1
        used.add(name)
        tree = Comparison("==", Column("ethnic_group", "text"), Constant(value, "text"))
        when = f"ethnic_group == {text!r}"
        cohorts.append(
            Cohort(
                name,
                "ethnic_group",
                f"People recording their ethnic group as {text}",
                when,
                Condition(when, tree, frozenset({"ethnic_group"})),
            )
        )
    return cohorts


def segment_cohorts(model: SegmentationModel) -> list[Cohort]:
    """One cohort per segment; its condition is the model's first-match rule spelt out.

    A person is in a segment when one of its rules holds and no earlier rule does, so the
    condition is ``not (earlier) and ... and (rule)`` for each of the segment's rules,
    joined by ``or``. The cube finds segments with the model itself (as
    :func:`build_cube` does); the condition says the same in the rules' grammar.
    """
    cohorts = []
    for segment in model.segments:
        branches: list[Any] = []
        texts: list[str] = []
        last = 0
        for index, rule in enumerate(model.rules):
            if rule.segment != segment:
                continue
            earlier = model.rules[:index]
            parts = [Negation(other.condition.tree) for other in earlier]
            words = [f"not ({other.condition.text})" for other in earlier]
            if not rule.condition.always_true or not parts:
                parts.append(rule.condition.tree)
                words.append(f"({rule.condition.text})" if earlier else rule.condition.text)
            branches.append(parts[0] if len(parts) == 1 else AllOf(tuple(parts)))
            texts.append(" and ".join(words))
            last = index
        tree = branches[0] if len(branches) == 1 else AnyOf(tuple(branches))
        when = texts[0] if len(texts) == 1 else " or ".join(f"({text})" for text in texts)
        columns = frozenset().union(*(rule.condition.columns for rule in model.rules[: last + 1]))
        cohorts.append(
            Cohort(
                f"segment_{segment}",
                "segment",
                model.labels.get(segment, segment.replace("_", " ").capitalize()),
                when,
                Condition(when, tree, columns),
            )
        )
    return cohorts


#: Cohorts given as objects (:class:`Cohort`), not a catalogue file.
COHORTS_ARGUMENT = SequenceOf(InstanceOf(Cohort, "a Cohort"), description="a sequence of Cohort")
