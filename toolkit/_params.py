"""Arguments checked against constraints declared once per public function, in one wording.

Every public function of :mod:`toolkit.indicators`, :mod:`toolkit.places`,
:mod:`toolkit.prioritise` and :mod:`toolkit.monitor` declares what each of its arguments
may be in a :func:`validate_params` decorator::

    @validate_params(
        {
            "data": ["data-frame"],
            "events": ["column"],
            "by": ["columns", None],
            "confidence": [CONFIDENCE, None],
            "multiplier": [Interval(Real, 0, None, closed="neither")],
            "missing": [StrOptions({"na", "zero"})],
        }
    )
    def crude_rate(data, *, events, by=None, confidence=0.95, multiplier=100_000, missing="na"):
        ...

and a wrong argument is answered before the function runs, always in one template::

    The 'confidence' parameter of crude_rate must be a float in the range [0.9, 1), a
    non-empty sequence of distinct floats, each in the range [0.9, 1), or None. Got 95
    instead.

``TypeError`` when no constraint accepts the argument's type (a str where a float is
wanted), ``ValueError`` when one accepts its type but not its value (95 where a level from
0.9 to below 1 is wanted), as the functions raised before the checks were declared.

This is our own small module in the manner of scikit-learn's ``validate_params`` (its
``Interval``, ``StrOptions`` and the one message template), not a copy of it: the toolkit
does not depend on scikit-learn and must not depend on it for checking its own arguments.
Unlike scikit-learn's, the errors are plain ``TypeError`` and ``ValueError`` and every
parameter of a decorated function must be declared (``"no_validation"`` says, on purpose,
that the function checks an argument itself).

Checks of a DataFrame's contents (a required column missing, negative counts) are data
checks, not argument checks; the one for a missing column, :func:`check_columns_exist`,
lives here too so that every subpackage words it the same way.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import numbers
import os
import sys
import warnings
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "CONFIDENCE",
    "NON_NEGATIVE",
    "POSITIVE",
    "SEED",
    "Constraint",
    "InstanceOf",
    "Interval",
    "Options",
    "SequenceOf",
    "StrOptions",
    "check_columns_exist",
    "check_param",
    "check_new_columns",
    "invalid_parameter",
    "make_constraint",
    "rows_text",
    "validate_params",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])

#: How many offending row labels an error message lists before summarising the rest.
_ROWS_SHOWN = 5

#: A shown argument longer than this is named by its type instead ("Got DataFrame instead.").
_LONGEST_SHOWN = 80


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
    """

    def __init__(
        self,
        kind: type,
        left: float | None,
        right: float | None,
        *,
        closed: str,
    ) -> None:
        if kind not in (numbers.Integral, numbers.Real, float):
            raise ValueError("kind must be numbers.Integral, numbers.Real or float")
        if closed not in {"left", "right", "both", "neither"}:
            raise ValueError("closed must be 'left', 'right', 'both' or 'neither'")
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

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
    """

    def __init__(self, kind: type, options: Collection[Any]) -> None:
        self.kind, self.options = kind, frozenset(options)

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, self.kind) and not isinstance(value, bool | np.bool_)

    def is_satisfied_by(self, value: Any) -> bool:
        return self.accepts_type(value) and value in self.options

    def __str__(self) -> str:
        return f"one of {sorted(self.options)}"


class StrOptions(Options):
    """One of a few names (a ``Literal`` option).

    Parameters
    ----------
    options : collection of str
        The names allowed.
    """

    def __init__(self, options: Collection[str]) -> None:
        super().__init__(str, options)


class _Boolean(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, bool | np.bool_)

    def __str__(self) -> str:
        return "a bool"


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


class _PathLike(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, str | os.PathLike)

    def __str__(self) -> str:
        return "a path (str or os.PathLike)"


class _ArrayLike(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return _is_sequence(value)

    def __str__(self) -> str:
        return "an array-like (list, tuple, numpy array or pandas Series)"


class _Callable(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return callable(value)

    def __str__(self) -> str:
        return "a callable"


#: Named constraints, as scikit-learn's strings ("array-like", "boolean" ...).
_NAMED: dict[str, Constraint] = {
    "data-frame": InstanceOf(pd.DataFrame, "a pandas DataFrame"),
    "geo-data-frame": InstanceOf("geopandas.GeoDataFrame", "a GeoDataFrame"),
    "series": InstanceOf(pd.Series, "a pandas Series"),
    "mapping": InstanceOf(Mapping, "a mapping (dict)"),
    "boolean": _Boolean(),
    "str": _String("a str"),
    "text": _String("a non-empty str", empty=False),
    "column": _String("a column name (str)"),
    "columns": _Columns(),
    "path": _PathLike(),
    "array-like": _ArrayLike(),
    "callable": _Callable(),
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


def _shown(value: Any) -> str:
    """Return the argument as the message shows it: its repr, or its type's name if long."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken repr must not hide the real error
        text = ""
    if not text or len(text) > _LONGEST_SHOWN or "\n" in text:
        return type(value).__name__
    return text


def _joined(words: Sequence[str]) -> str:
    """Join ``["a", "b", "c"]`` as ``"a, b or c"``."""
    words = list(words)
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} or {words[-1]}"


def invalid_parameter(
    name: str, func: str, must: str | Iterable[str], value: Any, *, kind: type = ValueError
) -> Exception:
    """Return (not raise) the error for an argument, in the toolkit's one template.

    "The '<name>' parameter of <func> must be <must>. Got <value> instead."

    Parameters
    ----------
    name : str
        The parameter.
    func : str
        The public function that took it.
    must : str or iterable of str
        What it must be; several are joined with "or".
    value : Any
        The argument given.
    kind : type, default ValueError
        ``TypeError`` for a wrong type, ``ValueError`` for a wrong value.

    Returns
    -------
    Exception
        The error, for the caller to raise.
    """
    words = [must] if isinstance(must, str) else list(must)
    return kind(
        f"The '{name}' parameter of {func} must be {_joined(words)}. Got {_shown(value)} instead."
    )


def check_param(value: Any, name: str, constraints: Sequence[Any], func: str) -> None:
    """Raise unless ``value`` meets one of ``constraints``.

    Parameters
    ----------
    value : Any
        The argument.
    name : str
        The parameter, for the message.
    constraints : sequence
        What the argument may be (anything :func:`make_constraint` takes).
    func : str
        The public function that took it, for the message.

    Raises
    ------
    TypeError
        No constraint accepts the argument's type.
    ValueError
        A constraint accepts its type but not its value.
    """
    parsed = [make_constraint(c) for c in constraints]
    if any(c.is_satisfied_by(value) for c in parsed):
        return
    kind = ValueError if any(c.accepts_type(value) for c in parsed) else TypeError
    shown = [str(c) for c in parsed if not isinstance(c, _NoneConstraint)]
    if len(shown) < len(parsed):
        shown.append("None")
    raise invalid_parameter(name, func, shown, value, kind=kind)


def validate_params(constraints: Mapping[str, Sequence[Any]]) -> Callable[[F], F]:
    """Declare what each argument of a public function may be; check it on every call.

    Parameters
    ----------
    constraints : mapping of str to sequence
        Every parameter of the function, each with the constraints it may meet (anything
        :func:`make_constraint` takes); meeting one is enough.

    Returns
    -------
    callable
        The decorator. The decorated function keeps its name, signature and docstring;
        its constraints are at ``parameter_constraints`` and the function itself at
        ``__wrapped__``.

    Raises
    ------
    TypeError
        When decorating: a parameter is declared that the function does not have, or one
        it has is not declared.
    """

    def decorator(func: F) -> F:
        signature = inspect.signature(func)
        names = set(signature.parameters)
        missing, unknown = names - set(constraints), set(constraints) - names
        if missing or unknown:
            raise TypeError(
                f"validate_params of {func.__qualname__}: undeclared {sorted(missing)}, "
                f"not parameters {sorted(unknown)}."
            )
        parsed = {
            name: tuple(make_constraint(c) for c in constraints[name])
            for name in signature.parameters
        }
        checked = {
            name: parts
            for name, parts in parsed.items()
            if not any(isinstance(c, _NoValidation) for c in parts)
        }

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                return func(*args, **kwargs)  # Python's own message for a wrong call
            for name, value in bound.arguments.items():
                parts = checked.get(name)
                if parts is not None and not any(c.is_satisfied_by(value) for c in parts):
                    check_param(value, name, parts, func.__name__)
            return func(*args, **kwargs)

        wrapper.parameter_constraints = parsed  # type: ignore[attr-defined]
        _WRAPPER_CODES.add(wrapper.__code__)
        return wrapper  # type: ignore[return-value]

    return decorator


#: The code of the wrappers :func:`validate_params` makes, which :func:`warn` looks through.
_WRAPPER_CODES: set = set()


def warn(message: str, category: type[Warning], stacklevel: int = 1) -> None:
    """Issue a warning as :func:`warnings.warn`, not counting the checking wrappers.

    ``stacklevel`` counts frames as if no function were decorated by
    :func:`validate_params`, so that a warning meant for the line that called a public
    function points there, not at the wrapper that checked its arguments.

    Parameters
    ----------
    message : str
        The warning.
    category : type
        Its class, a subclass of :class:`Warning`.
    stacklevel : int, default 1
        1 for the line that calls :func:`warn`, 2 for its caller, and so on.
    """
    frame = sys._getframe(1)
    level = 1
    while level < stacklevel and frame.f_back is not None:
        frame = frame.f_back
        if frame.f_code not in _WRAPPER_CODES:
            level += 1
    while frame.f_code in _WRAPPER_CODES and frame.f_back is not None:
        frame = frame.f_back
    module_globals = frame.f_globals
    warnings.warn_explicit(
        message,
        category,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=module_globals.get("__name__", "<string>"),
        registry=module_globals.setdefault("__warningregistry__", {}),
        module_globals=module_globals,
    )


def rows_text(labels: Sequence[Hashable] | pd.Index) -> str:
    """Describe offending rows for an error message, e.g. ``"2 rows (3, 7)"``.

    Parameters
    ----------
    labels : sequence of hashable
        Index labels of the rows at fault.

    Returns
    -------
    str
        The count and the first few labels.
    """
    labels = list(labels)
    shown = ", ".join(
        repr(label) if isinstance(label, str) else str(label) for label in labels[:_ROWS_SHOWN]
    )
    more = f" and {len(labels) - _ROWS_SHOWN} more" if len(labels) > _ROWS_SHOWN else ""
    noun = "row" if len(labels) == 1 else "rows"
    return f"{len(labels)} {noun} ({shown}{more})"


def check_columns_exist(
    data: pd.DataFrame,
    columns: Mapping[str, str | Sequence[str] | None],
    func: str,
    *,
    where: str = "the data",
) -> None:
    """Refuse a parameter that names a column ``data`` does not have.

    "The 'events' parameter of crude_rate names the column 'deaths', which is not in the
    data. Columns: area, persons."

    Parameters
    ----------
    data : pandas.DataFrame
        The frame the columns should be in.
    columns : mapping of str to str, sequence of str or None
        Parameter name to the column (or columns) it names, checked in this order;
        ``None`` names none.
    func : str
        The public function, for the message.
    where : str, default "the data"
        What ``data`` is, for the message ("the areas").

    Raises
    ------
    ValueError
        A named column is not in ``data``.
    """
    for param, names in columns.items():
        if names is None:
            continue
        for name in [names] if isinstance(names, str) else names:
            if name not in data.columns:
                raise ValueError(
                    f"The '{param}' parameter of {func} names the column {name!r}, which is not "
                    f"in {where}. Columns: {', '.join(map(str, data.columns))}."
                )


def check_new_columns(
    data: pd.DataFrame, names: Iterable[str], func: str, *, owner: str = "the data's"
) -> None:
    """Refuse to overwrite existing columns when adding results to a copy of the input.

    Parameters
    ----------
    data : pandas.DataFrame
        The input the results are added to.
    names : iterable of str
        The columns the function adds.
    func : str
        The public function, for the message.
    owner : str, default "the data's"
        Whose columns they are, for the message ("the areas'").

    Raises
    ------
    ValueError
        ``data`` already has one of the columns.
    """
    clash = [str(name) for name in names if name in data.columns]
    if clash:
        raise ValueError(
            f"{func} would overwrite {owner} column(s) {', '.join(clash)}. Rename or drop "
            "them first; existing columns are never overwritten."
        )


#: A positive, finite number, such as a multiplier.
POSITIVE = Interval(numbers.Real, 0, None, closed="neither")

#: A number of zero or more.
NON_NEGATIVE = Interval(numbers.Real, 0, None, closed="left")
