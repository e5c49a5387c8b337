"""Segmentation models: ordered rules read from TOML or YAML, and assigning persons to segments.

A model is an ordered list of rules. Each rule has a ``name``, the ``segment`` it assigns
and a condition (``when``) in the restricted grammar of :mod:`toolkit.segment.rules`.
Persons are tried against the rules in order and land in the segment of the first rule
that holds. The last rule must be the catch-all ``when = "true"``, so that every person
lands in exactly one segment; a file without one is refused (nothing is added silently).

The built-in models (``"bridges_to_health"`` and ``"age_ltc"``) are packaged rule files in
``toolkit/segment/models/``, read by the same code as a user's file.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import Constraint, InstanceOf, validate_params
from toolkit._toml import TomlFileError, read_toml
from toolkit._words import capitalised
from toolkit.data.contract import CONDITIONS
from toolkit.defaults import DEFAULT_MODEL
from toolkit.errors import DataContractError
from toolkit.segment.rules import Condition, RuleError, parse_condition, to_mask

#: Names of the built-in models and the packaged rule files that define them.
BuiltinModel = Literal["bridges_to_health", "age_ltc"]
BUILTIN_MODELS: Mapping[str, str] = {
    "bridges_to_health": "bridges_to_health.toml",
    "age_ltc": "age_ltc.toml",
}

#: Columns that :func:`assign_segments` adds.
SEGMENT_COLUMNS: tuple[str, str] = ("segment", "segment_rule")

_RULE_FILE_SUFFIXES = (".toml", ".yaml", ".yml")
_MODEL_KEYS = ("name", "title", "source", "segments", "labels")
_RULE_KEYS = ("name", "segment", "when", "why")


@dataclass(frozen=True)
class Rule:
    """One ordered rule of a segmentation model.

    Attributes
    ----------
    name : str
        Unique name of the rule; :func:`assign_segments` reports it in ``segment_rule``.
    segment : str
        The segment a person lands in when this is the first rule that holds.
    condition : Condition
        The parsed condition (``when`` in the file).
    why : str or None
        Optional explanation, shown in :meth:`SegmentationModel.to_frame`.
    """

    name: str
    segment: str
    condition: Condition
    why: str | None = None


@dataclass(frozen=True)
class SegmentationModel:
    """An ordered list of segmentation rules ending in a catch-all.

    Build one with :func:`load_rules`.

    Attributes
    ----------
    name : str
        Short name of the model, for example ``"bridges_to_health"``.
    rules : tuple of Rule
        Rules in priority order; the last is the catch-all.
    segments : tuple of str
        Every segment, in display order (the order of the file's ``segments`` list, or of
        first appearance among the rules).
    origin : str
        Where the rules come from: a file path or ``"built-in model 'name'"``.
    title : str or None
        Readable title (a rules file without one: its name in words, "my_rules" reading
        "My rules").
    reference : str or None
        Citation of the published model the rules operationalise.
    labels : mapping of str to str
        Optional readable labels of the segments.
    """

    name: str
    rules: tuple[Rule, ...]
    segments: tuple[str, ...]
    origin: str
    title: str | None = None
    reference: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> frozenset[str]:
        """Contract columns that one or more rules read."""
        return frozenset().union(*(rule.condition.columns for rule in self.rules))

    @property
    def segment_of_rule(self) -> tuple[int, ...]:
        """Position in :attr:`segments` of each rule's segment, in rule order."""
        position = {segment: index for index, segment in enumerate(self.segments)}
        return tuple(position[rule.segment] for rule in self.rules)

    def to_frame(self) -> pd.DataFrame:
        """Return the rules as a table: priority, rule, segment, condition and why.

        Returns
        -------
        pandas.DataFrame
            One row per rule in priority order (1 is tried first).
        """
        return pd.DataFrame(
            {
                "priority": np.arange(1, len(self.rules) + 1, dtype="int64"),
                "rule": [rule.name for rule in self.rules],
                "segment": [rule.segment for rule in self.rules],
                "condition": [rule.condition.text for rule in self.rules],
                "why": [rule.why or "" for rule in self.rules],
            }
        )

    def check_columns(self, available: Iterable[str], *, table: str = "persons table") -> None:
        """Raise if the data lacks a column that a rule needs.

        Parameters
        ----------
        available : iterable of str
            Column names of the data.
        table : str, default "persons table"
            How to name the data in the message (a file name, say).

        Raises
        ------
        DataContractError
            Naming every rule and each column it needs that the data lacks.
        """
        names = set(available)
        problems = []
        for rule in self.rules:
            missing = sorted(rule.condition.columns - names)
            if missing:
                listed = ", ".join(repr(column) for column in missing)
                problems.append(f"rule {rule.name!r} needs {listed}")
            elif rule.condition.counts_all_conditions and not names.intersection(CONDITIONS):
                problems.append(
                    f"rule {rule.name!r} counts long-term conditions (n_conditions()), but there "
                    "is none of the condition flags (" + ", ".join(CONDITIONS[:4]) + ", ...)"
                )
        if problems:
            raise DataContractError(
                f"The {table} lacks columns that the segmentation model {self.name!r} "
                f"({self.origin}) needs: " + "; ".join(problems) + ".",
                source=table,
            )


# --------------------------------------------------------------------------------------
# Reading rule files
# --------------------------------------------------------------------------------------
def _read_mapping(path: Path, origin: str) -> Mapping[str, Any]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            content: Any = read_toml(path)
        else:
            import yaml

            with path.open("r", encoding="utf-8") as handle:
                content = yaml.safe_load(handle)
    except TomlFileError as error:
        raise RuleError(f"the file {error.problem}.", source=origin) from None
    except UnicodeDecodeError:
        raise RuleError("the file is not UTF-8 text; save it as UTF-8.", source=origin) from None
    except Exception as error:  # yaml.YAMLError without importing yaml at module import
        if type(error).__module__.startswith("yaml"):
            raise RuleError(f"the file is not valid YAML: {error}.", source=origin) from None
        raise
    if not isinstance(content, Mapping):
        raise RuleError("the file must hold a table with a 'rules' list.", source=origin)
    return content


def _unknown_key(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _in_words(name: str) -> str:
    """Return a model's name in words, its first letter upper case ("NHS COPD first")."""
    return capitalised(name.replace("_", " ").strip())


def _text(value: Any, what: str, origin: str, rule: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(
            f"{what} must be non-empty text. Got {value!r} instead.", rule=rule, source=origin
        )
    return value.strip()


def _model_from_mapping(
    content: Mapping[str, Any], *, default_name: str, origin: str
) -> SegmentationModel:
    unknown = [key for key in content if key not in ("model", "rules")]
    if unknown:
        raise RuleError(_unknown_key(unknown[0], ("model", "rules")) + ".", source=origin)
    header = content.get("model", {})
    if not isinstance(header, Mapping):
        raise RuleError("'model' must be a table (name, title, source, segments).", source=origin)
    for key in header:
        if key not in _MODEL_KEYS:
            raise RuleError(f"[model]: {_unknown_key(key, _MODEL_KEYS)}.", source=origin)
    raw_rules = content.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleError(
            "the file has no rules: write each as a [[rules]] table with name, segment and when.",
            source=origin,
        )

    rules: list[Rule] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_rules, start=1):
        if not isinstance(raw, Mapping):
            raise RuleError(f"rule number {number} must be a table.", source=origin)
        name = _text(raw.get("name"), f"the name of rule number {number}", origin)
        for key in raw:
            if key not in _RULE_KEYS:
                raise RuleError(_unknown_key(key, _RULE_KEYS) + ".", rule=name, source=origin)
        if name in seen:
            raise RuleError(
                "the name is used by an earlier rule; names must be unique.",
                rule=name,
                source=origin,
            )
        seen.add(name)
        segment = _text(raw.get("segment"), "'segment'", origin, name)
        if "when" not in raw:
            raise RuleError(
                'no condition: add when = "..." (when = "true" for the catch-all).',
                rule=name,
                source=origin,
            )
        when = raw["when"]
        if isinstance(when, bool):  # `when: true` in YAML, `when = true` in TOML
            when = "true" if when else "false"
        condition = parse_condition(when, rule=name, source=origin)
        why = raw.get("why")
        if why is not None and not isinstance(why, str):
            raise RuleError(f"'why' must be text. Got {why!r} instead.", rule=name, source=origin)
        rules.append(Rule(name, segment, condition, why))

    catch_alls = [index for index, rule in enumerate(rules) if rule.condition.always_true]
    if not catch_alls:
        raise RuleError(
            "there is no catch-all rule, so some persons could land in no segment. Add a last "
            'rule with when = "true" (for example name = "other", segment = "other").',
            source=origin,
        )
    if catch_alls[0] != len(rules) - 1:
        first = rules[catch_alls[0]].name
        later = ", ".join(repr(rule.name) for rule in rules[catch_alls[0] + 1 :])
        raise RuleError(
            f'it is a catch-all (when = "true") but not the last rule, so {later} could '
            "never match. Move the catch-all to the end.",
            rule=first,
            source=origin,
        )

    used = list(dict.fromkeys(rule.segment for rule in rules))
    listed = header.get("segments")
    if listed is None:
        segments = tuple(used)
    else:
        if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
            raise RuleError("[model] segments must be a list of text.", source=origin)
        if len(set(listed)) != len(listed):
            raise RuleError("[model] segments lists a segment twice.", source=origin)
        unlisted = [segment for segment in used if segment not in listed]
        if unlisted:
            raise RuleError(
                f"[model] segments does not list {unlisted[0]!r}, which a rule assigns.",
                source=origin,
            )
        unused = [segment for segment in listed if segment not in used]
        if unused:
            raise RuleError(
                f"[model] segments lists {unused[0]!r}, which no rule assigns.", source=origin
            )
        segments = tuple(listed)
    labels = header.get("labels", {})
    if not isinstance(labels, Mapping) or not all(isinstance(v, str) for v in labels.values()):
        raise RuleError("[model.labels] must map segments to text.", source=origin)
    name = _text(header.get("name", default_name), "[model] name", origin)
    title = header.get("title")
    if title is not None:
        title = _text(title, "[model] title", origin)
    return SegmentationModel(
        name=name,
        rules=tuple(rules),
        segments=segments,
        origin=origin,
        # Captions and the report's methods name the model: without a title, its name in
        # words ("my_rules" reads "My rules").
        title=title if title is not None else _in_words(name),
        reference=header.get("source"),
        labels=dict(labels),
    )


#: A model already loaded.
SEGMENTATION_MODEL = InstanceOf(SegmentationModel, "a SegmentationModel")


class _ModelName(Constraint):
    """A built-in model's name, or the path of a rules file (by its ending).

    Declared by every public function that takes a ``model``, so that a wrong name is
    answered in that function's name, not :func:`load_rules`'.
    """

    def accepts_type(self, value: object) -> bool:
        return isinstance(value, str | os.PathLike)

    def is_satisfied_by(self, value: object) -> bool:
        if isinstance(value, str) and value in BUILTIN_MODELS:
            return True
        return self.accepts_type(value) and Path(value).suffix.lower() in _RULE_FILE_SUFFIXES

    def __str__(self) -> str:
        return (
            f"a built-in model's name ({', '.join(map(repr, BUILTIN_MODELS))}), the path of a "
            "rules file (.toml, .yaml or .yml)"
        )


#: What a ``model`` argument may be: a built-in model's name or a rules file's path, or a
#: model already loaded.
MODEL = [_ModelName(), SEGMENTATION_MODEL]


@validate_params({"model": MODEL})
def load_rules(
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel = DEFAULT_MODEL,
) -> SegmentationModel:
    """Read a segmentation model: a built-in one by name, or ordered rules from a file.

    Parameters
    ----------
    model : {"bridges_to_health", "age_ltc"}, path or SegmentationModel
        A built-in model's name, or the path of a TOML (``.toml``) or YAML (``.yaml``,
        ``.yml``) rules file. A :class:`SegmentationModel` is returned unchanged.

    Returns
    -------
    SegmentationModel
        The parsed, checked rules.

    Raises
    ------
    TypeError
        If ``model`` is not text, a path or a model.
    ValueError
        If ``model`` is neither a built-in name nor a rules file's path.
    FileNotFoundError
        If the rules file does not exist.
    RuleError
        If the file is malformed: the message names the file, the rule and the offending
        token or column.

    Notes
    -----
    A rules file looks like this (TOML; YAML takes the same keys)::

        [model]
        name = "my_model"
        segments = ["frail_elderly", "other"]   # optional display order

        [[rules]]
        name = "frail_elderly"
        segment = "frail_elderly"
        when = "age >= 75 and (efi > 0.24 or dementia)"

        [[rules]]
        name = "other"
        segment = "other"
        when = "true"

    The last rule must be the catch-all ``when = "true"``; a file without one is refused.
    """
    if isinstance(model, SegmentationModel):
        return model
    if isinstance(model, str) and model in BUILTIN_MODELS:
        resource = resources.files("toolkit.segment").joinpath("models", BUILTIN_MODELS[model])
        with resources.as_file(resource) as path:
            content = _read_mapping(path, f"built-in model {model!r}")
        return _model_from_mapping(content, default_name=model, origin=f"built-in model {model!r}")
    path = Path(model)
    if path.suffix.lower() not in _RULE_FILE_SUFFIXES:
        raise ValueError(
            "The 'model' parameter of load_rules must be one of "
            f"{', '.join(map(repr, BUILTIN_MODELS))} or the path of a .toml, .yaml or .yml "
            f"rules file. Got {str(model)!r} instead."
        )
    if not path.is_file():
        raise FileNotFoundError(f"No rules file at {path}.")
    content = _read_mapping(path, path.name)
    return _model_from_mapping(content, default_name=path.stem, origin=path.name)


# --------------------------------------------------------------------------------------
# Assigning persons to segments
# --------------------------------------------------------------------------------------
def rule_masks(persons: pd.DataFrame, model: SegmentationModel) -> list[np.ndarray]:
    """Return, for each rule in order, the mask of persons its condition holds for.

    Parameters
    ----------
    persons : pandas.DataFrame
        The persons table.
    model : SegmentationModel
        The model whose rules to evaluate.

    Returns
    -------
    list of numpy.ndarray
        One boolean array per rule (not yet resolved by priority).

    Raises
    ------
    DataContractError
        If a column a rule needs is absent or holds the wrong kind of value.
    """
    model.check_columns(persons.columns)
    masks = []
    for rule in model.rules:
        try:
            masks.append(to_mask(rule.condition, persons))
        except DataContractError as error:
            raise DataContractError(f"rule {rule.name!r} ({model.origin}): {error}") from None
    return masks


@validate_params({"persons": ["data-frame"], "model": MODEL})
def assign_segments(
    persons: pd.DataFrame,
    model: BuiltinModel | str | os.PathLike[str] | SegmentationModel = DEFAULT_MODEL,
) -> pd.DataFrame:
    """Return the persons with the segment each lands in and the rule that decided it.

    Each person lands in exactly one segment: the segment of the first rule, in the
    model's order, whose condition holds. The last rule is always a catch-all.

    Parameters
    ----------
    persons : pandas.DataFrame
        The persons table of the data contract; it needs the columns the model's rules
        read (Bridges to Health reads ``end_of_life``, ``age``, ``efi``, ``dementia``,
        several other condition flags, ``pregnant``, ``emergency_admissions`` and
        ``ae_attendances``).
    model : {"bridges_to_health", "age_ltc"}, path or SegmentationModel, default "bridges_to_health"
        A built-in model, a TOML/YAML rules file or a model from :func:`load_rules`.

    Returns
    -------
    pandas.DataFrame
        A new frame: the persons' columns and index, plus ``segment`` (categorical, the
        model's segments in display order) and ``segment_rule`` (categorical, the rule
        names in priority order). The input is not changed.

    Raises
    ------
    TypeError
        If ``persons`` is not a DataFrame.
    ValueError
        If ``persons`` already has a ``segment`` or ``segment_rule`` column.
    DataContractError
        If a column a rule needs is missing or holds the wrong kind of value; the message
        names the rule and the column.

    Notes
    -----
    A comparison involving a missing value is false (``efi > 0.24`` is false where
    ``efi`` is missing), and a missing yes/no flag counts as not set. The masks are built
    with NumPy from the same parsed rules that :func:`build_cube` compiles to Ibis.
    """
    clash = [column for column in SEGMENT_COLUMNS if column in persons.columns]
    if clash:
        raise ValueError(
            f"persons already has a {clash[0]!r} column; assign_segments will not overwrite it. "
            "Drop or rename it first."
        )
    resolved = load_rules(model)
    masks = rule_masks(persons, resolved)
    rule_index = np.select(masks, np.arange(len(masks), dtype=np.int32), default=len(masks) - 1)
    segment_codes = np.asarray(resolved.segment_of_rule, dtype=np.int32)[rule_index]
    return persons.assign(
        segment=pd.Categorical.from_codes(segment_codes, categories=list(resolved.segments)),
        segment_rule=pd.Categorical.from_codes(
            rule_index, categories=[rule.name for rule in resolved.rules]
        ),
    )
