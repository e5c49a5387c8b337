"""The restricted grammar of segmentation rule conditions.

A condition is a short expression over columns of the persons table, for example
``(age >= 65 and efi > 0.24) or dementia`` or ``count(copd, heart_failure, ckd) >= 2``.
It is read with Python's :mod:`ast` module in ``"eval"`` mode and only a whitelist of node
types is accepted; the text is never passed to ``eval``, ``exec`` or ``compile``. The
accepted tree is turned into a small tree of frozen dataclasses (:class:`Condition`),
which compiles to an Ibis boolean expression (for DuckDB and Spark) and to a NumPy mask
(for a pandas DataFrame held in memory). Both compilers follow the same rule for missing
values: a comparison involving a missing value is false.

The grammar
-----------
- ``and``, ``or``, ``not`` and parentheses;
- comparisons ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=`` (chains such as ``65 <= age < 75``
  are allowed); text columns take ``==``, ``!=`` and ``in`` only;
- ``column in ("a", "b")`` and ``column not in (...)`` with a literal list or tuple;
- column names from the data contract (flags such as ``copd`` stand alone as yes/no);
- constants: numbers, quoted text, ``True``/``False`` (also ``true``/``false``);
- functions: ``count(flag, ...)`` (how many of the flags are set), ``any_of(flag, ...)``,
  ``all_of(flag, ...)``, ``n_conditions()`` (how many of the contract's long-term
  condition flags present in the data are set) and ``missing(column)``.

The grammar is the toolkit's own (a whitelist walker over :mod:`ast`) because no
maintained library offers a safe, restricted expression language that compiles to both
Ibis and NumPy.
"""

from __future__ import annotations

import ast
import difflib
import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import validate_params
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CONDITIONS,
    OPTIONAL_PERSON_FLAGS,
    PERSON_FLAGS,
)
from toolkit.errors import DataContractError

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

Kind = Literal["flag", "number", "text"]

#: Columns a rule condition may name, and what kind of value each holds.
RULE_COLUMNS: Mapping[str, Kind] = {
    **dict.fromkeys(CONDITIONS, "flag"),
    **dict.fromkeys(PERSON_FLAGS, "flag"),
    **dict.fromkeys(OPTIONAL_PERSON_FLAGS, "flag"),
    **dict.fromkeys(("age", "efi", "imd_decile", "cost_gbp"), "number"),
    **dict.fromkeys(ACTIVITY_COLUMNS, "number"),
    **dict.fromkeys(CAUSE_ADMISSION_COLUMNS, "number"),
    **dict.fromkeys(("sex", "lsoa", "place", "ethnic_group", "cause_of_death"), "text"),
}

#: Functions a rule condition may call.
RULE_FUNCTIONS: tuple[str, ...] = ("count", "any_of", "all_of", "n_conditions", "missing")

#: Longest condition text accepted (a guard against pathological input).
MAX_CONDITION_LENGTH = 2_000

_COMPARISONS: Mapping[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_BOOLEAN_WORDS = {"true": True, "false": False}


class RuleError(ValueError):
    """A segmentation rule, or the file that holds it, cannot be used.

    The message names the rule and the file, and the offending token or column.

    Parameters
    ----------
    message : str
        What is wrong, in words the rule's author can act on.
    rule : str, optional
        Name of the rule at fault.
    source : str, optional
        File (or built-in model) the rule comes from.
    """

    def __init__(self, message: str, *, rule: str | None = None, source: str | None = None):
        where = []
        if rule is not None:
            where.append(f"rule {rule!r}")
        if source is not None:
            where.append(f"in {source}")
        super().__init__(f"{' '.join(where)}: {message}" if where else message)
        self.rule = rule
        self.source = source


# --------------------------------------------------------------------------------------
# The condition tree
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """A column of the persons table."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class Constant:
    """A literal number, text or yes/no value."""

    value: bool | int | float | str
    kind: Kind


@dataclass(frozen=True)
class Comparison:
    """``left op right``; false when either side is missing."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Membership:
    """``column in (values)`` or, with ``negate``, ``column not in (values)``."""

    column: Column
    values: tuple[bool | int | float | str, ...]
    negate: bool


@dataclass(frozen=True)
class AllOf:
    """Every operand is true (``and``)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one operand is true (``or``)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Negation:
    """The operand is false (``not``)."""

    operand: Node


@dataclass(frozen=True)
class FlagCount:
    """How many of the flags are set; ``flags=None`` means every condition flag present."""

    flags: tuple[str, ...] | None


@dataclass(frozen=True)
class IsMissing:
    """The column's value is missing."""

    column: Column


Node = (
    Column | Constant | Comparison | Membership | AllOf | AnyOf | Negation | FlagCount | IsMissing
)


@dataclass(frozen=True)
class Condition:
    """A parsed, type-checked rule condition.

    Attributes
    ----------
    text : str
        The condition as written.
    tree : Node
        The accepted expression tree.
    columns : frozenset of str
        Contract columns the condition reads (``n_conditions()`` reads whichever condition
        flags are present, and adds none here).
    """

    text: str
    tree: Node
    columns: frozenset[str]

    @property
    def counts_all_conditions(self) -> bool:
        """Whether the condition calls ``n_conditions()``."""
        return _calls_n_conditions(self.tree)

    @property
    def always_true(self) -> bool:
        """Whether the condition is the literal ``true`` (a catch-all rule)."""
        return isinstance(self.tree, Constant) and self.tree.value is True


def _kind_of(node: Node) -> Kind:
    if isinstance(node, Column | Constant):
        return node.kind
    if isinstance(node, FlagCount):
        return "number"
    return "flag"


def _columns_of(node: Node) -> set[str]:
    if isinstance(node, Column):
        return {node.name}
    if isinstance(node, Membership | IsMissing):
        return {node.column.name}
    if isinstance(node, Comparison):
        return _columns_of(node.left) | _columns_of(node.right)
    if isinstance(node, AllOf | AnyOf):
        return set().union(*(_columns_of(operand) for operand in node.operands))
    if isinstance(node, Negation):
        return _columns_of(node.operand)
    if isinstance(node, FlagCount):
        return set(node.flags or ())
    return set()


def _calls_n_conditions(node: Node) -> bool:
    if isinstance(node, FlagCount):
        return node.flags is None
    if isinstance(node, Comparison):
        return _calls_n_conditions(node.left) or _calls_n_conditions(node.right)
    if isinstance(node, AllOf | AnyOf):
        return any(_calls_n_conditions(operand) for operand in node.operands)
    if isinstance(node, Negation):
        return _calls_n_conditions(node.operand)
    return False


# --------------------------------------------------------------------------------------
# Parsing: a whitelist walk over Python's ast
# --------------------------------------------------------------------------------------
class _Parser:
    """Walk an ``ast`` tree, accepting only the grammar's node types."""

    def __init__(self, text: str, rule: str | None, source: str | None) -> None:
        self.text = text
        self.rule = rule
        self.source = source

    def fail(self, message: str) -> RuleError:
        return RuleError(message, rule=self.rule, source=self.source)

    def token(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node)
        return segment if segment is not None else type(node).__name__

    def parse(self) -> Node:
        try:
            tree = ast.parse(self.text.strip(), mode="eval")
        except SyntaxError as error:
            where = f" at character {error.offset}" if error.offset else ""
            raise self.fail(
                f"cannot read the condition {self.text!r}{where}: {error.msg}. Write a "
                "comparison such as 'age >= 65', joined by and/or/not."
            ) from None
        self.text = self.text.strip()
        return self.flag(tree.body, whole=True)

    def visit(self, node: ast.AST) -> Node:
        if isinstance(node, ast.BoolOp):
            operands = tuple(self.flag(value) for value in node.values)
            return AllOf(operands) if isinstance(node.op, ast.And) else AnyOf(operands)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Negation(self.flag(node.operand))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.visit(node.operand)
            if isinstance(inner, Constant) and inner.kind == "number":
                sign = -1 if isinstance(node.op, ast.USub) else 1
                return Constant(sign * inner.value, "number")  # type: ignore[operator]
            raise self.fail(f"a sign is only allowed before a number; got {self.token(node)!r}.")
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(
            f"{self.token(node)!r} is not allowed in a condition. Use comparisons "
            "(<, <=, >, >=, ==, !=, in), and/or/not, column names, numbers, quoted text and "
            f"the functions {', '.join(f + '()' for f in RULE_FUNCTIONS)}."
        )

    def flag(self, node: ast.AST, *, whole: bool = False) -> Node:
        """Visit a node that must be a yes/no test; ``whole``: it is the whole condition."""
        result = self.visit(node)
        kind = _kind_of(result)
        if kind == "flag":
            return result
        if whole:
            raise self.fail(
                f"the condition {self.text!r} is a {kind}, not a yes/no test: "
                "compare it, for example 'age >= 65' or 'count(copd, chd) >= 2'."
            )
        raise self.fail(
            f"{self.token(node)!r} is a {kind}, not a yes/no test; "
            "compare it (for example 'age >= 65')."
        )

    def name(self, node: ast.Name) -> Node:
        if node.id.lower() in _BOOLEAN_WORDS:
            return Constant(_BOOLEAN_WORDS[node.id.lower()], "flag")
        if node.id in RULE_FUNCTIONS:
            raise self.fail(f"{node.id!r} is a function: call it, for example {node.id}(...).")
        if node.id not in RULE_COLUMNS:
            known = [*RULE_COLUMNS, *RULE_FUNCTIONS]
            close = difflib.get_close_matches(node.id, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.fail(f"unknown column {node.id!r}{hint}.")
        return Column(node.id, RULE_COLUMNS[node.id])

    def constant(self, node: ast.Constant) -> Constant:
        value = node.value
        if isinstance(value, bool):
            return Constant(value, "flag")
        if isinstance(value, int | float) and np.isfinite(value):
            return Constant(value, "number")
        if isinstance(value, str):
            return Constant(value, "text")
        raise self.fail(f"the constant {self.token(node)!r} is not a number, text or True/False.")

    def column_argument(self, node: ast.AST, function: str) -> Column:
        if not isinstance(node, ast.Name):
            raise self.fail(f"{function}() takes column names; got {self.token(node)!r}.")
        column = self.name(node)
        if not isinstance(column, Column):
            raise self.fail(f"{function}() takes column names; got {self.token(node)!r}.")
        return column

    def call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name) or node.func.id not in RULE_FUNCTIONS:
            close = (
                difflib.get_close_matches(node.func.id, RULE_FUNCTIONS, n=1)
                if isinstance(node.func, ast.Name)
                else []
            )
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.fail(
                f"unknown function {self.token(node.func)!r}{hint}; the functions are "
                f"{', '.join(RULE_FUNCTIONS)}."
            )
        function = node.func.id
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail(f"{function}() takes plain column names only.")
        if function == "n_conditions":
            if node.args:
                raise self.fail("n_conditions() takes no arguments; use count(...) for a list.")
            return FlagCount(None)
        if function == "missing":
            if len(node.args) != 1:
                raise self.fail("missing() takes exactly one column, for example missing(efi).")
            return IsMissing(self.column_argument(node.args[0], function))
        if not node.args:
            raise self.fail(f"{function}() needs at least one flag, for example {function}(copd).")
        columns = [self.column_argument(arg, function) for arg in node.args]
        for column in columns:
            if column.kind != "flag":
                raise self.fail(
                    f"{function}() counts yes/no flags; {column.name!r} is a {column.kind}."
                )
        names = tuple(column.name for column in columns)
        if len(set(names)) != len(names):
            raise self.fail(f"{function}() names a flag twice: {self.token(node)!r}.")
        if function == "count":
            return FlagCount(names)
        return AllOf(tuple(columns)) if function == "all_of" else AnyOf(tuple(columns))

    def literal_list(self, node: ast.AST) -> tuple[Constant, ...]:
        if not isinstance(node, ast.Tuple | ast.List) or not node.elts:
            raise self.fail(
                f"'in' needs a non-empty list of constants, for example sex in ('F',); "
                f"got {self.token(node)!r}."
            )
        values = tuple(self.visit(element) for element in node.elts)
        for value, element in zip(values, node.elts, strict=True):
            if not isinstance(value, Constant):
                raise self.fail(f"'in' lists take constants only; got {self.token(element)!r}.")
        return values  # type: ignore[return-value]

    def compare(self, node: ast.Compare) -> Node:
        parts: list[Node] = []
        left_ast: ast.AST = node.left
        left = self.visit(left_ast)
        for op, right_ast in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(left, Column):
                    raise self.fail(
                        f"the left of 'in' must be a column; got {self.token(left_ast)!r}."
                    )
                constants = self.literal_list(right_ast)
                for constant in constants:
                    self.check_types(left, constant, "==", node)
                parts.append(
                    Membership(left, tuple(c.value for c in constants), isinstance(op, ast.NotIn))
                )
                left_ast, left = right_ast, None  # type: ignore[assignment]
                continue
            symbol = _COMPARISONS.get(type(op))
            if symbol is None:
                raise self.fail(
                    f"the comparison in {self.token(node)!r} is not allowed; use "
                    "<, <=, >, >=, ==, !=, in or not in."
                )
            if left is None:
                raise self.fail(f"cannot chain a comparison after 'in': {self.token(node)!r}.")
            right = self.visit(right_ast)
            self.check_types(left, right, symbol, node)
            if isinstance(left, Constant) and not isinstance(right, Constant):
                parts.append(Comparison(_MIRRORED[symbol], right, left))
            else:
                parts.append(Comparison(symbol, left, right))
            left_ast, left = right_ast, right
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def check_types(self, left: Node, right: Node, symbol: str, node: ast.AST) -> None:
        left_kind, right_kind = _kind_of(left), _kind_of(right)
        if isinstance(left, Constant) and isinstance(right, Constant):
            raise self.fail(f"{self.token(node)!r} compares two constants; name a column.")
        if left_kind != right_kind:
            raise self.fail(
                f"{self.token(node)!r} compares a {left_kind} with a {right_kind}; "
                "compare like with like (numbers with numbers, text with quoted text)."
            )
        if left_kind in ("text", "flag") and symbol not in ("==", "!="):
            raise self.fail(
                f"{self.token(node)!r}: a {left_kind} can only be compared with == or != (or in)."
            )


@validate_params(
    {
        # A condition that is not text is a RuleError naming the rule and its file (the
        # rules and cohort files call this with what they hold), so the body checks it.
        "text": ["no_validation"],
        "rule": ["str", None],
        "source": ["str", None],
    }
)
def parse_condition(text: str, *, rule: str | None = None, source: str | None = None) -> Condition:
    """Parse and type-check a rule condition.

    Parameters
    ----------
    text : str
        The condition, for example ``"(age >= 65 and efi > 0.24) or dementia"``.
    rule : str, optional
        Name of the rule, quoted in any error.
    source : str, optional
        File or model the rule comes from, quoted in any error.

    Returns
    -------
    Condition
        The accepted expression tree and the columns it reads.

    Raises
    ------
    TypeError
        If ``rule`` or ``source`` is not a str or None.
    RuleError
        If the text is not in the grammar, names an unknown column or function, or mixes
        kinds of value (a number compared with text, say).
    """
    if not isinstance(text, str):
        raise RuleError(
            f"the condition must be text. Got {type(text).__name__} instead.",
            rule=rule,
            source=source,
        )
    if not text.strip():
        raise RuleError(
            "the condition is empty; write 'true' for a catch-all rule.", rule=rule, source=source
        )
    if len(text) > MAX_CONDITION_LENGTH:
        raise RuleError(
            f"the condition is {len(text):,} characters long; the limit is "
            f"{MAX_CONDITION_LENGTH:,}.",
            rule=rule,
            source=source,
        )
    parser = _Parser(text, rule, source)
    try:
        tree = parser.parse()
    except RecursionError:
        raise RuleError("the condition is nested too deeply.", rule=rule, source=source) from None
    return Condition(parser.text, tree, frozenset(_columns_of(tree)))


# --------------------------------------------------------------------------------------
# Compiling to Ibis (DuckDB, Spark)
# --------------------------------------------------------------------------------------
def _present_conditions(available: Sequence[str] | Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(name for name in CONDITIONS if name in available)


_ANY_SET = {(">=", 1), (">", 0), ("!=", 0)}
_NONE_SET = {("==", 0), ("<", 1), ("<=", 0)}


def _count_shortcut(node: Comparison, present: Sequence[str]) -> Node | None:
    """Rewrite ``count(...) >= 1`` as any-of and ``count(...) == 0`` as none-of.

    Equivalent (a missing flag counts as not set in both forms), and much cheaper in SQL:
    the engine can stop at the first set flag instead of adding up every one.
    """
    if not isinstance(node.left, FlagCount) or not isinstance(node.right, Constant):
        return None
    key = (node.op, node.right.value)
    if key not in _ANY_SET and key not in _NONE_SET:
        return None
    flags = present if node.left.flags is None else node.left.flags
    if not flags:
        return Constant(key in _NONE_SET, "flag")
    any_set = AnyOf(tuple(Column(name, "flag") for name in flags))
    return any_set if key in _ANY_SET else Negation(any_set)


def _connective(
    node: Node,
    build: Callable[[Node], Any],
    both: Callable[[Any, Any], Any],
    either: Callable[[Any, Any], Any],
) -> Any | None:
    """Compile an and/or/not node from its operands, as :func:`to_ibis` and :func:`to_mask` do.

    Parameters
    ----------
    node : Node
        A node of a condition's tree.
    build : callable
        Compiles an operand.
    both, either : callable
        Combine two compiled operands with "and" and with "or".

    Returns
    -------
    object or None
        The compiled node (``~`` of its operand for a negation); None when the node is not
        ``AllOf``, ``AnyOf`` or ``Negation``.
    """
    if isinstance(node, AllOf):
        return functools.reduce(both, (build(item) for item in node.operands))
    if isinstance(node, AnyOf):
        return functools.reduce(either, (build(item) for item in node.operands))
    if isinstance(node, Negation):
        return ~build(node.operand)
    return None


def to_ibis(condition: Condition, table: ir.Table) -> ir.BooleanValue:
    """Compile a condition to a non-null Ibis boolean expression over ``table``.

    Parameters
    ----------
    condition : Condition
        A parsed condition whose columns are all in ``table``.
    table : ibis.expr.types.Table
        The persons table.

    Returns
    -------
    ibis.expr.types.BooleanValue
        True where the condition holds; never null.
    """
    import ibis

    schema = table.schema()
    present = _present_conditions(list(schema.names))

    def column(node: Column) -> ir.Value:
        value = table[node.name]
        dtype = schema[node.name]
        if node.kind == "flag":
            if dtype.is_string():
                raise DataContractError(
                    f"column {node.name!r} must hold True/False; it holds text."
                )
            if not dtype.is_boolean():
                value = value.cast("boolean")
            return value.fill_null(False)
        if node.kind == "number":
            if not dtype.is_numeric():
                raise DataContractError(
                    f"column {node.name!r} must hold numbers; it holds {dtype}."
                )
            if dtype.is_floating():  # NaN sorts above every number in DuckDB and Spark
                value = ibis.ifelse(value.isnan(), ibis.null(dtype), value)
        return value

    def operand(node: Node) -> Any:
        if isinstance(node, Constant):
            return ibis.literal(node.value)
        return build(node)

    def count(flags: Sequence[str]) -> ir.IntegerValue:
        if not flags:
            return ibis.literal(0, type="int16")
        terms = [column(Column(name, "flag")).cast("int16") for name in flags]
        return functools.reduce(operator.add, terms)

    def build(node: Node) -> Any:
        if isinstance(node, Column):
            return column(node)
        if isinstance(node, Constant):
            return ibis.literal(node.value)
        if isinstance(node, Comparison):
            shortcut = _count_shortcut(node, present)
            if shortcut is not None:
                return build(shortcut)
            result = _OPERATORS[node.op](operand(node.left), operand(node.right))
            return result.fill_null(False)
        if isinstance(node, Membership):
            result = column(node.column).isin(list(node.values))
            return (~result if node.negate else result).fill_null(False)
        combined = _connective(node, build, operator.and_, operator.or_)
        if combined is not None:
            return combined
        if isinstance(node, FlagCount):
            return count(present if node.flags is None else node.flags)
        if isinstance(node, IsMissing):
            value = table[node.column.name]
            missing = value.isnull()
            if schema[node.column.name].is_floating():
                missing = missing | value.isnan().fill_null(False)
            return missing
        raise TypeError(f"unknown condition node {node!r}")  # pragma: no cover

    return build(condition.tree)


# --------------------------------------------------------------------------------------
# Compiling to NumPy (a pandas DataFrame in memory)
# --------------------------------------------------------------------------------------
def flag_values(series: pd.Series) -> np.ndarray:
    """Return a flag column as a NumPy boolean array (missing is false; 0/1 numbers read)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return np.nan_to_num(values, nan=0.0) != 0
    if pd.api.types.infer_dtype(series, skipna=True) in ("boolean", "empty"):
        return series.fillna(False).to_numpy(dtype=bool)
    raise DataContractError(f"column {series.name!r} must hold True/False; it holds text.")


def to_mask(condition: Condition, frame: pd.DataFrame) -> np.ndarray:
    """Compile a condition to a NumPy boolean mask over the rows of ``frame``.

    Parameters
    ----------
    condition : Condition
        A parsed condition whose columns are all in ``frame``.
    frame : pandas.DataFrame
        The persons table.

    Returns
    -------
    numpy.ndarray
        Boolean array, one value per row; a comparison with a missing value is false,
        exactly as in :func:`to_ibis`.
    """
    rows = len(frame)
    present = _present_conditions(list(frame.columns))

    def values(node: Node) -> tuple[np.ndarray | Any, np.ndarray | None]:
        """Return the values and a validity mask (``None`` when never missing)."""
        if isinstance(node, Constant):
            return node.value, None
        if isinstance(node, FlagCount):
            return count(present if node.flags is None else node.flags), None
        if isinstance(node, Column):
            series = frame[node.name]
            if node.kind == "flag":
                return flag_values(series), None
            if node.kind == "number":
                if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(
                    series.dtype
                ):
                    raise DataContractError(
                        f"column {node.name!r} must hold numbers; it holds {series.dtype}."
                    )
                number = series.to_numpy(dtype="float64", na_value=np.nan)
                return number, ~np.isnan(number)
            valid = series.notna().to_numpy(dtype=bool)
            return series.astype(object).to_numpy(), valid
        return build(node), None

    def count(flags: Sequence[str]) -> np.ndarray:
        total = np.zeros(rows, dtype=np.int16)
        for name in flags:
            total += flag_values(frame[name])
        return total

    def build(node: Node) -> np.ndarray:
        if isinstance(node, Comparison):
            left, left_valid = values(node.left)
            right, right_valid = values(node.right)
            with np.errstate(invalid="ignore"):
                result = np.asarray(_OPERATORS[node.op](left, right), dtype=bool)
            result = np.broadcast_to(result, (rows,)).copy()
            for valid in (left_valid, right_valid):
                if valid is not None:
                    result &= valid
            return result
        if isinstance(node, Membership):
            column, valid = values(node.column)
            result = pd.Series(column).isin(list(node.values)).to_numpy(dtype=bool)
            if node.negate:
                result = ~result
            return result & valid if valid is not None else result
        combined = _connective(node, build, np.logical_and, np.logical_or)
        if combined is not None:
            return combined
        if isinstance(node, Column):
            return flag_values(frame[node.name])
        if isinstance(node, Constant):
            return np.full(rows, bool(node.value))
        if isinstance(node, IsMissing):
            return frame[node.column.name].isna().to_numpy(dtype=bool)
        raise TypeError(f"unknown condition node {node!r}")  # pragma: no cover

    return np.asarray(build(condition.tree), dtype=bool)
