"""Arguments checked against constraints declared once per public function, in one wording.

Every public function of :mod:`toolkit.indicators`, :mod:`toolkit.places`, :mod:`toolkit.segment`,
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

The constraints themselves are in :mod:`toolkit._constraints` (re-exported here).

Checks of a DataFrame's contents (a required column missing, negative counts) are data
checks, not argument checks; the one for a missing column, :func:`check_columns_exist`,
lives here too so that every subpackage words it the same way.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from toolkit import _constraints
from toolkit._constraints import (  # noqa: F401  (re-exported: declared with validate_params)
    CONFIDENCE,
    CONFIDENCE_LEVEL,
    FINITE,
    NON_NEGATIVE,
    POSITIVE,
    SEED,
    THRESHOLD,
    ZERO_POLICY,
    Constraint,
    InstanceOf,
    Interval,
    Options,
    SequenceOf,
    StrOptions,
    _NoneConstraint,
    _NoValidation,
    make_constraint,
)
from toolkit._words import listed

__all__ = [  # the constraints are re-exported from toolkit._constraints
    *_constraints.__all__,
    "as_floats",
    "check_columns_exist",
    "check_fields",
    "check_param",
    "check_params",
    "renamed",
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


def as_floats(value: Any, name: str, func: str) -> np.ndarray:
    """Return an array-like argument as floats, or refuse it in the template.

    For the contents of an argument declared ``"array-like"``: the declaration checks that
    it is one, this that its items are numbers.

    Parameters
    ----------
    value : array-like
        The argument.
    name : str
        The parameter, for the message.
    func : str
        The public function that took it, for the message.

    Returns
    -------
    numpy.ndarray
        The values as float64.

    Raises
    ------
    TypeError
        An item is not a number.
    """
    try:
        return np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise invalid_parameter(name, func, "an array of numbers", value, kind=TypeError) from None


def check_params(
    values: Mapping[str, Any], constraints: Mapping[str, Sequence[Any]], func: str
) -> None:
    """Check several arguments, in order, against their declared constraints.

    What :func:`validate_params` does for a function, for code that cannot be decorated:
    a method's options, or the arguments a class takes.

    Parameters
    ----------
    values : mapping of str to Any
        Parameter name to the argument given.
    constraints : mapping of str to sequence
        Parameter name to what it may be (as for :func:`validate_params`); every name of
        ``values`` must be declared.
    func : str
        The public function, method or class that took them, for the message.

    Raises
    ------
    TypeError, ValueError
        As :func:`check_param`, for the first argument that meets none of its constraints.
    """
    for name, value in values.items():
        check_param(value, name, constraints[name], func)


def check_fields(instance: Any, constraints: Mapping[str, Sequence[Any]]) -> None:
    """Check the fields of an instance (a dataclass's, in ``__post_init__``) as arguments.

    The message names the field as a parameter of the class: "The 'direction' parameter of
    Criterion must be one of ['benefit', 'cost']. Got 'up' instead."

    Parameters
    ----------
    instance : object
        The instance whose attributes are checked.
    constraints : mapping of str to sequence
        Field name to what it may be (as for :func:`validate_params`).

    Raises
    ------
    TypeError, ValueError
        As :func:`check_param`, for the first field that meets none of its constraints.
    """
    values = {name: getattr(instance, name) for name in constraints}
    check_params(values, constraints, type(instance).__name__)


def validate_params(
    constraints: Mapping[str, Sequence[Any]], *, renamed: Mapping[str, str] | None = None
) -> Callable[[F], F]:
    """Declare what each argument of a public function may be; check it on every call.

    Parameters
    ----------
    constraints : mapping of str to sequence
        Every parameter of the function, each with the constraints it may meet (anything
        :func:`make_constraint` takes); meeting one is enough.
    renamed : mapping of str to str, optional
        Old name to new name of parameters renamed to the glossary's names
        (``docs/glossary.md``): for one release a call by the old keyword still works,
        with a ``FutureWarning`` naming the new one.

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
        old_names = dict(renamed or {})
        if not set(old_names.values()) <= names or set(old_names) & names:
            raise TypeError(
                f"validate_params of {func.__qualname__}: renamed {old_names} must map old "
                "names that are no longer parameters to parameters."
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
            if old_names and not old_names.keys().isdisjoint(kwargs):
                kwargs = _by_new_names(kwargs, old_names, func.__name__)
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


def renamed(names: Mapping[str, str]) -> Callable[[F], F]:
    """Accept for one release the old keyword names of renamed parameters.

    For public functions that do not declare their arguments with :func:`validate_params`
    (whose ``renamed`` does the same): a call by an old keyword works, with a
    ``FutureWarning`` naming the new one (``docs/glossary.md``).

    Parameters
    ----------
    names : mapping of str to str
        Old name to new name.

    Returns
    -------
    callable
        The decorator; the decorated function keeps its name, signature and docstring.
    """

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not names.keys().isdisjoint(kwargs):
                kwargs = _by_new_names(kwargs, names, func.__name__)
            return func(*args, **kwargs)

        _WRAPPER_CODES.add(wrapper.__code__)  # looked through by warn(), as the checkers are
        return wrapper  # type: ignore[return-value]

    return decorator


def _by_new_names(
    kwargs: dict[str, Any], renamed: Mapping[str, str], function: str
) -> dict[str, Any]:
    """Return keyword arguments under their new names, warning once for each old one."""
    moved = dict(kwargs)
    for old, new in renamed.items():
        if old not in moved:
            continue
        if new in moved:
            raise TypeError(
                f"{function}() got both '{old}' and '{new}': '{old}' is the old name of "
                f"'{new}'; give '{new}' only."
            )
        warnings.warn(
            f"The '{old}' parameter of {function} is now called '{new}' (the glossary's "
            f"name); '{old}' still works in this release and will stop working in the next.",
            FutureWarning,
            stacklevel=3,
        )
        moved[new] = moved.pop(old)
    return moved


#: The code of the wrappers :func:`validate_params` makes, which :func:`warn` looks through.
_WRAPPER_CODES: set = set()


def _in_toolkit(frame: Any) -> bool:
    """Whether a frame runs the toolkit's own code (its module is ``toolkit`` or below)."""
    name = str(frame.f_globals.get("__name__", ""))
    return name == "toolkit" or name.startswith("toolkit.")


def warn(
    message: str, category: type[Warning], stacklevel: int = 1, *, to_user: bool = False
) -> None:
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
    to_user : bool, default False
        Point at the first line outside the toolkit instead (the user's call, however
        deep inside the toolkit the warning is raised), as pandas' own warnings do;
        ``stacklevel`` is then ignored.
    """
    frame = sys._getframe(1)
    if to_user:
        while frame.f_back is not None and _in_toolkit(frame):
            frame = frame.f_back
    level = 1
    while not to_user and level < stacklevel and frame.f_back is not None:
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
        # Not module_globals: under ``python -c`` the caller's loader (BuiltinImporter)
        # cannot give ``__main__``'s source, and warn_explicit raises ImportError.
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
    shown = listed(
        (repr(label) if isinstance(label, str) else str(label) for label in labels[:_ROWS_SHOWN]),
        most=_ROWS_SHOWN,
        total=len(labels),
        final_and=False,
    )
    noun = "row" if len(labels) == 1 else "rows"
    return f"{len(labels)} {noun} ({shown})"


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
