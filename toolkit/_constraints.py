"""The constraints an argument of a public function may be declared with.

:class:`Interval`, :class:`Options`/:class:`StrOptions`, :class:`SequenceOf`,
:class:`InstanceOf` and the named ones (``"data-frame"``, ``"column"``, ``"columns"``,
``"boolean"``, ``"path"``, ``None`` …: see :func:`make_constraint`), with the toolkit's
shared ones (:data:`CONFIDENCE`, :data:`SEED`, :data:`THRESHOLD` …). Each says whether a
value meets it and how the one message template words it; :mod:`toolkit._params` checks
arguments against them. Our own code, as :mod:`toolkit._params` explains.
"""

from __future__ import annotations

import importlib
import math
import numbers
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd


class Constraint:
    """What one argument may be: a type and, within that type, the values allowed.

    Subclasses say whether a value satisfies the constraint, whether the value is at least
    of the right type (which makes a failure a ``ValueError`` rather than a ``TypeError``)
    and describe themselves for the message ("a float in the range [0.9, 1)").
    """

    def is_satisfied_by(self, value: Any) -> bool:
        """Return whether ``value`` meets the constraint."""
        raise NotImplementedError

    def accepts_type(self, value: Any) -> bool:
        """Return whether ``value`` is of the type the constraint describes."""
        return self.is_satisfied_by(value)

    def __str__(self) -> str:
        raise NotImplementedError


class _NoneConstraint(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return value is None

    def __str__(self) -> str:
        return "None"


class _NoValidation(Constraint):
    """Declares that the function checks this argument itself."""

    def is_satisfied_by(self, value: Any) -> bool:
        return True

    def __str__(self) -> str:
        return "checked by the function itself"


class InstanceOf(Constraint):
    """An instance of a class, given as the class or a dotted name imported when first needed.

    Parameters
    ----------
    cls : type or str
        The class, or its dotted name (``"geopandas.GeoDataFrame"``) so that declaring the
        constraint does not import a heavy library.
    description : str, optional
        The words for the message; by default "an instance of <name>".
    """

    def __init__(self, cls: type | tuple[type, ...] | str, description: str | None = None):
        self._cls = cls
        name = cls if isinstance(cls, str) else getattr(cls, "__name__", str(cls))
        self.description = description or f"an instance of {name}"

    @property
    def cls(self) -> type | tuple[type, ...]:
        """The class, imported on first use when it was given by name."""
        if isinstance(self._cls, str):
            module, _, name = self._cls.rpartition(".")
            self._cls = getattr(importlib.import_module(module), name)
        return self._cls

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, self.cls)

    def __str__(self) -> str:
        return self.description


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _is_integral(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _bound_text(bound: float | None, infinite: str) -> str:
    return infinite if bound is None else f"{bound:g}"


class Interval(Constraint):
    """A number (int or float) in a range.

    Parameters
    ----------
    kind : {numbers.Integral, numbers.Real, float}
        ``Integral`` for a whole number (``2.0`` and ``True`` are refused), ``Real`` for any
        int or float (not a bool), ``float`` for a float only (``95`` is refused as a
        wrong type, where a level such as 0.95 is wanted).
    left, right : float or None
        The bounds; ``None`` for no bound. Infinite and NaN values are always refused.
    closed : {"left", "right", "both", "neither"}
        Which bounds belong to the range.
    description : str, optional
        The words for the message; by default "an int in the range [1, inf)".
    """

    def __init__(
        self,
        kind: type,
        left: float | None,
        right: float | None,
        *,
        closed: str,
        description: str | None = None,
    ) -> None:
        if kind not in (numbers.Integral, numbers.Real, float):
            raise ValueError("kind must be numbers.Integral, numbers.Real or float")
        if closed not in {"left", "right", "both", "neither"}:
            raise ValueError("closed must be 'left', 'right', 'both' or 'neither'")
        self.kind, self.left, self.right, self.closed = kind, left, right, closed
        self.description = description

    def accepts_type(self, value: Any) -> bool:
        if self.kind is numbers.Integral:
            return _is_integral(value)
        if self.kind is float:
            return isinstance(value, float | np.floating)
        return _is_real(value)

    def is_satisfied_by(self, value: Any) -> bool:
        if not self.accepts_type(value):
            return False
        number = float(value)
        if not math.isfinite(number):
            return False
        if self.left is not None:
            if number < self.left or (number == self.left and self.closed in {"right", "neither"}):
                return False
        if self.right is not None:
            if number > self.right or (number == self.right and self.closed in {"left", "neither"}):
                return False
        return True

    def __str__(self) -> str:
        if self.description is not None:
            return self.description
        kind = "an int" if self.kind is numbers.Integral else "a float"
        opening = "[" if self.closed in {"left", "both"} and self.left is not None else "("
        closing = "]" if self.closed in {"right", "both"} and self.right is not None else ")"
        left, right = _bound_text(self.left, "-inf"), _bound_text(self.right, "inf")
        return f"{kind} in the range {opening}{left}, {right}{closing}"


class Options(Constraint):
    """One of a few values of a type, such as the start ages of the life-table bands.

    Parameters
    ----------
    kind : type
        The type of the values (``numbers.Integral``, ``str``); a bool is never one.
    options : collection
        The values allowed.
    description : str, optional
        The words for the message; by default "one of [...]", listing them.
    """

    def __init__(
        self, kind: type, options: Collection[Any], *, description: str | None = None
    ) -> None:
        self.kind, self.options = kind, frozenset(options)
        self.description = description

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, self.kind) and not isinstance(value, bool | np.bool_)

    def is_satisfied_by(self, value: Any) -> bool:
        return self.accepts_type(value) and value in self.options

    def __str__(self) -> str:
        return self.description or f"one of {sorted(self.options)}"


class StrOptions(Options):
    """One of a few names (a ``Literal`` option).

    Parameters
    ----------
    options : collection of str
        The names allowed.
    description : str, optional
        The words for the message; by default "one of [...]", listing them.
    """

    def __init__(self, options: Collection[str], *, description: str | None = None) -> None:
        super().__init__(str, options, description=description)


class _String(Constraint):
    def __init__(self, description: str, *, empty: bool = True) -> None:
        self.description, self.empty = description, empty

    def accepts_type(self, value: Any) -> bool:
        # An empty str where text is required is a TypeError, as the functions raised it.
        return self.is_satisfied_by(value)

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, str) and (self.empty or bool(value.strip()))

    def __str__(self) -> str:
        return self.description


def _is_sequence(value: Any) -> bool:
    """Return whether ``value`` is a list, tuple, array or Series (not a str or bytes)."""
    if isinstance(value, str | bytes):
        return False
    return isinstance(value, Sequence | np.ndarray | pd.Series | pd.Index)


class SequenceOf(Constraint):
    """A sequence (list, tuple, array) whose every item meets another constraint.

    Parameters
    ----------
    item : Constraint or str or None
        What each item must be (anything :func:`make_constraint` takes).
    min_length : int, default 0
        The fewest items allowed.
    max_length : int, optional
        The most items allowed.
    distinct : bool, default False
        Whether the items must all differ.
    description : str, optional
        The words for the message; by default built from the item's.
    """

    def __init__(
        self,
        item: Any,
        *,
        min_length: int = 0,
        max_length: int | None = None,
        distinct: bool = False,
        description: str | None = None,
    ) -> None:
        self.item = make_constraint(item)
        self.min_length, self.max_length, self.distinct = min_length, max_length, distinct
        if description is None:
            size = "non-empty " if min_length == 1 else ""
            size = f"{size}sequence of " if min_length <= 1 else f"sequence of {min_length}+ "
            unique = "distinct values, " if distinct else "values, "
            description = f"a {size}{unique}each {self.item}"
        self.description = description

    def accepts_type(self, value: Any) -> bool:
        return _is_sequence(value) and all(self.item.accepts_type(x) for x in value)

    def is_satisfied_by(self, value: Any) -> bool:
        if not _is_sequence(value) or len(value) < self.min_length:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        items = list(value)
        if not all(self.item.is_satisfied_by(x) for x in items):
            return False
        if self.distinct:
            try:
                return len(set(items)) == len(items)
            except TypeError:  # unhashable items are compared one by one
                return all(items[i] != items[j] for i in range(len(items)) for j in range(i))
        return True

    def __str__(self) -> str:
        return self.description


class _Columns(Constraint):
    """A column name, or a sequence of distinct column names (the ``by=`` option)."""

    def accepts_type(self, value: Any) -> bool:
        if isinstance(value, str):
            return True
        return _is_sequence(value) and all(isinstance(x, str) for x in value)

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, str):
            return True
        return self.accepts_type(value) and len(set(value)) == len(value)

    def __str__(self) -> str:
        return "a column name (str) or a list of distinct column names"


class _Test(Constraint):
    """A constraint that one test of the value decides (``"boolean"``, ``"path"`` ...).

    Parameters
    ----------
    test : callable
        Takes the value and returns whether it meets the constraint.
    description : str
        The words for the message ("a bool").
    """

    def __init__(self, test: Callable[[Any], bool], description: str) -> None:
        self.test, self.description = test, description

    def is_satisfied_by(self, value: Any) -> bool:
        return self.test(value)

    def __str__(self) -> str:
        return self.description


#: Named constraints, as scikit-learn's strings ("array-like", "boolean" ...).
_NAMED: dict[str, Constraint] = {
    "data-frame": InstanceOf(pd.DataFrame, "a pandas DataFrame"),
    "geo-data-frame": InstanceOf("geopandas.GeoDataFrame", "a GeoDataFrame"),
    "series": InstanceOf(pd.Series, "a pandas Series"),
    "mapping": InstanceOf(Mapping, "a mapping (dict)"),
    "boolean": _Test(lambda value: isinstance(value, bool | np.bool_), "a bool"),
    "str": _String("a str"),
    "text": _String("a non-empty str", empty=False),
    "column": _String("a column name (str)"),
    "columns": _Columns(),
    "path": _Test(
        lambda value: isinstance(value, str | os.PathLike), "a path (str or os.PathLike)"
    ),
    "array-like": _Test(_is_sequence, "an array-like (list, tuple, numpy array or pandas Series)"),
    "callable": _Test(callable, "a callable"),
    "no_validation": _NoValidation(),
}


def make_constraint(constraint: Any) -> Constraint:
    """Return the :class:`Constraint` a declaration stands for.

    Parameters
    ----------
    constraint : Constraint, str, type or None
        A constraint; one of the names ``"data-frame"``, ``"geo-data-frame"``,
        ``"series"``, ``"mapping"``, ``"boolean"``, ``"str"``, ``"text"`` (a non-empty
        str), ``"column"``, ``"columns"`` (a name or a list of distinct names),
        ``"path"``, ``"array-like"``, ``"callable"``, ``"no_validation"``; a class
        (an instance of it); or ``None`` (the value None).

    Returns
    -------
    Constraint
        The constraint.
    """
    if isinstance(constraint, Constraint):
        return constraint
    if constraint is None:
        return _NoneConstraint()
    if isinstance(constraint, str):
        if constraint not in _NAMED:
            raise ValueError(f"Unknown constraint {constraint!r}; use one of {sorted(_NAMED)}.")
        return _NAMED[constraint]
    if isinstance(constraint, type):
        return InstanceOf(constraint, f"an instance of {constraint.__name__}")
    raise TypeError(f"Cannot make a constraint of {constraint!r}.")


#: A confidence level from 0.9 to below 1, as PHEindicatormethods (Fingertips publishes 95%
#: and 99.8% limits): 95 is refused so that 95 and 0.95 are never confused, and 1 because
#: its limits are infinite.
CONFIDENCE_LEVEL = Interval(numbers.Real, 0.9, 1, closed="left")

#: One confidence level or several distinct ones, e.g. ``(0.95, 0.998)``.
CONFIDENCE = [
    CONFIDENCE_LEVEL,
    SequenceOf(
        CONFIDENCE_LEVEL,
        min_length=1,
        distinct=True,
        description="a non-empty sequence of distinct such floats (for example (0.95, 0.998))",
    ),
]

#: A seed for a random number generator: a whole number of 0 or more (numpy's rule).
SEED = Interval(numbers.Integral, 0, None, closed="left")

#: Disclosure control's threshold: counts below it are suppressed (see
#: :mod:`toolkit.disclosure`), so the smallest count shown is at least 1.
THRESHOLD = Interval(
    numbers.Integral,
    1,
    None,
    closed="left",
    description="an int >= 1 (the smallest count shown, at least 1)",
)

#: Whether disclosure control shows zeros or suppresses them (see :mod:`toolkit.disclosure`).
ZERO_POLICY = StrOptions({"show", "suppress"})


#: A positive, finite number, such as a multiplier.
POSITIVE = Interval(numbers.Real, 0, None, closed="neither")

#: A number of zero or more.
NON_NEGATIVE = Interval(numbers.Real, 0, None, closed="left")

#: Any finite number.
FINITE = Interval(numbers.Real, None, None, closed="neither")


__all__ = [
    "CONFIDENCE",
    "CONFIDENCE_LEVEL",
    "FINITE",
    "NON_NEGATIVE",
    "POSITIVE",
    "SEED",
    "THRESHOLD",
    "ZERO_POLICY",
    "Constraint",
    "InstanceOf",
    "Interval",
    "Options",
    "SequenceOf",
    "StrOptions",
    "make_constraint",
]
