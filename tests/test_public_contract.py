"""One contract for every public function of indicators, places, prioritise, monitor, segment.

The functions are enumerated from each subpackage's ``__all__``, so a new public function
is picked up here and fails until it declares its arguments' constraints
(:func:`toolkit._params.validate_params`). For every function:

- every parameter is declared, and the declared constraints accept the defaults;
- a bad option (an unknown choice, a number out of range) is a ``ValueError`` and a wrong
  type a ``TypeError``, both in the one template that names the parameter and the
  function, raised before the function does any work;
- a function that takes a DataFrame first leaves it unchanged, keeps its ``by`` columns
  and refuses negative counts where it takes counts;
- every column such a function adds (and the indicator functions of values and the
  places' statistics add), in every table its result gives, is named in
  ``docs/glossary.md``: exactly, or by a placeholder such as ``deaths_<cause>``.

Where a rule does not apply, the lists below say so with a reason; nothing is skipped
silently. The indicator functions' data rules (input unchanged, ``by`` kept, negative
counts, missing populations, age bands, confidence) are the specs of
``tests/indicators/test_indicator_contract.py``, run again here for the shared rules.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any
from unittest import mock

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from toolkit import monitor, prioritise
from toolkit._params import (
    Constraint,
    InstanceOf,
    Interval,
    Options,
    SequenceOf,
    check_param,
    make_constraint,
)
from toolkit.data import make_demo_system
from toolkit.errors import DataContractError
from toolkit.segment import (
    assign_segments,
    build_cohort_cube,
    build_cube,
    load_rules,
    segment_summary,
)

sys.path.insert(0, str(Path(__file__).parent / "indicators"))
from test_indicator_contract import SPECS as INDICATOR_SPECS  # noqa: E402
from test_indicator_contract import VALUE_FUNCTIONS  # noqa: E402
from test_indicator_contract import _values as _indicator_values  # noqa: E402

SUBPACKAGES = ("indicators", "places", "prioritise", "monitor", "segment")


def _public_functions() -> dict[str, Any]:
    found = {}
    for package in SUBPACKAGES:
        module = importlib.import_module(f"toolkit.{package}")
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):
                found[f"{package}.{name}"] = value
    return found


FUNCTIONS = _public_functions()

#: Public functions whose arguments are not declared here, and why (none: every public
#: function declares them, places.suppress_small_counts in toolkit.disclosure).
UNDECLARED: dict[str, str] = {}

#: Public functions without an option that has a choice or a range, and why.
NO_OPTIONS = {
    "places.read_lsoa_lookup": "takes only a path",
    "places.join_boundaries": "takes two tables and a name for the message",
    "places.match_lsoa_codes": "takes two tables, a column and words for the report",
    "places.cluster_map": "its options are titles, booleans and a figure size",
    "prioritise.cube_criteria": "takes only the candidates",
    "prioritise.known_cohort_ids": "takes only a path",
    "prioritise.load_theme": "takes a path and the known cohorts",
    "prioritise.load_themes": "takes folders and the known cohorts",
    "prioritise.themes_frame": "takes only themes",
    "prioritise.themes_markdown": "takes only themes",
    "prioritise.write_themes_doc": "takes a path and themes",
    "prioritise.theme_criteria": "takes only the candidates",
    "prioritise.kendalls_w": "takes only the ranks",
    "prioritise.aggregate_weights": "takes weights and criterion names",
    "prioritise.compare_rounds": "takes two rooms and a pair of round numbers of any value",
    "prioritise.write_criteria_template": "its options are a path, criteria and a bool",
    "prioritise.read_criteria_scores": "takes a path, the candidates and criteria",
    "prioritise.definitional_outcomes": "takes a model, outcome names and flags",
    "monitor.agreed_priorities": "takes a result and names",
    "indicators.core20_share": "its options are column names and groups",
    "indicators.life_expectancy_gap_by_cause": "its options are column names, groups and a bool",
    "monitor.what_moved": "takes two results",
    "monitor.format_value": "takes only a number",
    "monitor.icon_labels": "takes only a summary row",
    "segment.assign_segments": "takes persons and a model (a name, a path or a model)",
    "segment.segment_summary": "takes a table, a model and a bool",
    "segment.load_rules": "takes a model's name, a path or a model",
    "segment.load_cohorts": "takes only a path",
    "segment.check_persons_file": "takes a path and a reference date",
    "segment.parse_condition": "takes a condition and names for the message",
    "segment.cube_expression": "takes an Ibis table, a model and counts",
    "segment.cohort_expression": "takes a table, blocks of at most 63 cohorts, a model, a bool "
    "and names (a block too long is a ValueError in the template, tests/segment)",
}

#: Public functions with no argument whose type is declared, and why (none today).
NO_TYPED_ARGUMENT: dict[str, str] = {}

DECLARED = sorted(set(FUNCTIONS) - set(UNDECLARED))


def test_the_lists_name_public_functions_only():
    for listing in (UNDECLARED, NO_OPTIONS, NO_TYPED_ARGUMENT):
        assert set(listing) <= set(FUNCTIONS), set(listing) - set(FUNCTIONS)
    assert len(FUNCTIONS) >= 80  # the five subpackages' public functions


@pytest.mark.parametrize("name", DECLARED)
def test_every_parameter_is_declared_and_the_defaults_meet_it(name):
    function = FUNCTIONS[name]
    constraints = getattr(function, "parameter_constraints", None)
    assert constraints is not None, f"{name} declares no constraints (validate_params)"
    signature = inspect.signature(function)
    assert list(constraints) == list(signature.parameters)
    for parameter in signature.parameters.values():
        if parameter.default is not inspect.Parameter.empty:
            check_param(parameter.default, parameter.name, constraints[parameter.name], name)


# --------------------------------------------------------------------------------------
# Bad options and wrong types, answered in the one template before any work is done
# --------------------------------------------------------------------------------------
def _meets(constraint: Constraint) -> Any:
    """A value that meets ``constraint`` (a stand-in: the function never runs)."""
    if isinstance(constraint, InstanceOf):
        cls = constraint.cls
        cls = cls[0] if isinstance(cls, tuple) else cls
        if cls is pd.DataFrame:
            return pd.DataFrame({"a": [1]})
        if cls is pd.Series:
            return pd.Series([1.0])
        if cls is np.ndarray:
            return np.ones((2, 2))
        if cls in (set, frozenset, list, tuple):
            return cls()
        return mock.create_autospec(cls, instance=True)
    if isinstance(constraint, Interval):
        for value in (1, 0.95, 100, 5, 0.5, 1000, 12, 99):
            if constraint.is_satisfied_by(value):
                return value
    if isinstance(constraint, Options):
        return sorted(constraint.options)[0]
    if isinstance(constraint, SequenceOf):
        return [_meets(constraint.item)] * max(constraint.min_length, 1)
    for value in ("a", ["a"], {"a": 1.0}, True, None, Path("a.csv"), print):
        if constraint.is_satisfied_by(value):
            return value
    raise AssertionError(f"no stand-in for {constraint}")


def _required(function: Any) -> dict[str, Any]:
    """Stand-ins meeting the constraints of every parameter that has no default."""
    values = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.default is inspect.Parameter.empty:
            first = function.parameter_constraints[parameter.name][0]
            values[parameter.name] = _meets(first)
    return values


def _bad_value(constraint: Constraint) -> Any:
    """A value of the right type that the constraint refuses, or ``None`` if none."""
    if isinstance(constraint, Options) and constraint.kind is str:
        return "no_such_option"
    if isinstance(constraint, Options):
        return max(constraint.options) + 1_000
    if isinstance(constraint, Interval):
        bound = constraint.left - 1 if constraint.left is not None else None
        if bound is None and constraint.right is not None:
            bound = constraint.right + 1
        return float(bound) if constraint.kind is float and bound is not None else bound
    return None


def _option_cases() -> list[tuple[str, str, Any]]:
    cases = []
    for name in DECLARED:
        function = FUNCTIONS[name]
        for parameter, constraints in function.parameter_constraints.items():
            for constraint in constraints:
                bad = _bad_value(constraint)
                if bad is not None and not any(c.is_satisfied_by(bad) for c in constraints):
                    cases.append((name, parameter, bad))
                    break
    return cases


OPTION_CASES = _option_cases()


def _call(name: str, **changed: Any) -> None:
    function = FUNCTIONS[name]
    arguments = {**_required(function), **changed}
    positional = [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.POSITIONAL_ONLY
    ]
    function(*[arguments.pop(p) for p in positional], **arguments)


def _template(parameter: str, name: str) -> str:
    function = name.split(".")[1]
    return rf"^The '{parameter}' parameter of {function} must be .+\. Got .+ instead\.$"


def test_every_function_with_options_has_a_case():
    with_cases = {name for name, _, _ in OPTION_CASES}
    assert with_cases | set(NO_OPTIONS) == set(DECLARED)
    assert not with_cases & set(NO_OPTIONS), "listed as without options, but it has some"


@pytest.mark.parametrize(
    ("name", "parameter", "bad"), OPTION_CASES, ids=[f"{n}-{p}" for n, p, _ in OPTION_CASES]
)
def test_a_bad_option_is_a_value_error_in_the_template(name, parameter, bad):
    with pytest.raises(ValueError, match=_template(parameter, name)):
        _call(name, **{parameter: bad})


def _typed_parameter(name: str) -> str | None:
    for parameter, constraints in FUNCTIONS[name].parameter_constraints.items():
        if not any(c.is_satisfied_by(object()) for c in constraints):
            return parameter
    return None


TYPED = [name for name in DECLARED if name not in NO_TYPED_ARGUMENT]


@pytest.mark.parametrize("name", TYPED)
def test_a_wrong_type_is_a_type_error_in_the_template(name):
    parameter = _typed_parameter(name)
    assert parameter is not None, f"{name}: no argument with a declared type"
    with pytest.raises(TypeError, match=_template(parameter, name)):
        _call(name, **{parameter: object()})


def test_functions_listed_without_a_typed_argument_have_none():
    for name in NO_TYPED_ARGUMENT:
        assert _typed_parameter(name) is None, name


# --------------------------------------------------------------------------------------
# Data rules of the functions that take a DataFrame first
# --------------------------------------------------------------------------------------
def _frame_of(result: Any) -> pd.DataFrame:
    return result.to_frame() if hasattr(result, "to_frame") else result


def _series(n: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "place": np.repeat(["North", "South"], n),
            "period": np.tile(pd.period_range("2022-01", periods=n, freq="M"), 2),
            "value": rng.normal(50, 5, 2 * n),
        }
    )


def _weights() -> pd.DataFrame:
    return pd.DataFrame(
        {"table": ["A", "B", "C"], "weight_burden": [1.0, 2.0, 3.0], "weight_cost": [3.0, 1, 1]}
    )


@functools.cache
def _system() -> Any:
    """A small demo system (2,000 persons in 8 neighbourhoods), made once."""
    return make_demo_system(persons=2_000, seed=11)


@functools.cache
def _persons() -> pd.DataFrame:
    """The small demo system's persons."""
    return _system().persons


@functools.cache
def _segment_cube() -> pd.DataFrame:
    return build_cube(_persons(), model=load_rules("bridges_to_health"))


@functools.cache
def _cohort_cube() -> pd.DataFrame:
    return build_cohort_cube(_persons()).table


@functools.cache
def _candidates() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return prioritise.candidate_priorities(_segment_cube(), min_events=0)


@functools.cache
def _theme_candidates() -> Any:
    return prioritise.theme_candidates(_cohort_cube())


def _burden() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate": ["a", "b", "c", "d", "e", "f"],
            "label": ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"],
            "burden": [100.0, 80.0, 60.0, 40.0, 20.0, 0.0],
            "excess": [0.0, 2.0, 4.0, 1.0, 3.0, 0.0],
        }
    )


def _criteria() -> list[Any]:
    return [prioritise.Criterion("burden"), prioritise.Criterion("excess", default_weight=2.0)]


def _scored() -> pd.DataFrame:
    return prioritise.score_priorities(_burden(), criteria=_criteria())


def _submissions() -> pd.DataFrame:
    return pd.DataFrame(
        {"table": ["A", "B", "C"], "weight_burden": [1.0, 5, 2], "weight_excess": [3.0, 1, 2]}
    )


@functools.cache
def _demo_series() -> pd.DataFrame:
    return monitor.make_demo_series(months=24, persons=10_000)


def _one_series() -> pd.DataFrame:
    series = _demo_series()
    return series[series["series"] == series["series"].iloc[0]].reset_index(drop=True)


@functools.cache
def _spc_result() -> Any:
    return monitor.spc(_one_series(), by="place")


def _spc_points() -> pd.DataFrame:
    points = _spc_result().to_frame()
    return points[points["place"] == points["place"].iloc[0]].reset_index(drop=True)


def _spc_summary() -> pd.DataFrame:
    summary = _spc_result().summary()
    return summary[summary["place"] == summary["place"].iloc[0]].reset_index(drop=True)


def _write_template(data: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as folder:
        prioritise.write_criteria_template(data, Path(folder) / "scores.csv")


def _quiet(call: Any) -> Any:
    """Call without the warnings a small system gives (candidates left out, short series)."""

    def quietly(data: pd.DataFrame, **options: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call(data, **options)

    return quietly


#: The prioritise and monitor functions that need a system's data or a model, on small real
#: inputs: (make the frame, call it, None: none of them takes ``by``).
SYSTEM_SPECS = {
    "prioritise.prioritise_persons": (
        lambda: _persons().copy(),
        _quiet(lambda d: prioritise.prioritise_persons(d, draws=200)),
        None,
    ),
    "prioritise.score_priorities": (
        _burden,
        lambda d: prioritise.score_priorities(d, criteria=_criteria(), method="topsis"),
        None,
    ),
    "prioritise.shortlist": (_scored, lambda d: prioritise.shortlist(d, size=3), None),
    "prioritise.rank_acceptability": (
        _burden,
        lambda d: prioritise.rank_acceptability(d, criteria=_criteria(), draws=200, seed=0),
        None,
    ),
    "prioritise.weight_to_enter": (
        _burden,
        lambda d: prioritise.weight_to_enter(
            d, candidate="f", criterion="excess", criteria=_criteria(), size=2
        ),
        None,
    ),
    "prioritise.write_criteria_template": (_burden, _write_template, None),
    "prioritise.candidate_priorities": (
        lambda: _segment_cube().copy(),
        _quiet(lambda d: prioritise.candidate_priorities(d, min_events=0)),
        None,
    ),
    "prioritise.demo_shortlist": (
        lambda: _segment_cube().copy(),
        _quiet(lambda d: prioritise.demo_shortlist(d, draws=200, seed=0)),
        None,
    ),
    "prioritise.cube_criteria": (lambda: _candidates().copy(), prioritise.cube_criteria, None),
    "prioritise.theme_candidates": (
        lambda: _cohort_cube().copy(),
        _quiet(prioritise.theme_candidates),
        None,
    ),
    "prioritise.theme_criteria": (
        lambda: _theme_candidates().table.copy(),
        prioritise.theme_criteria,
        None,
    ),
    "prioritise.room_consensus": (
        _submissions,
        lambda d: prioritise.room_consensus(
            d,
            model=prioritise.ScoringModel(_burden(), criteria=_criteria()),
            size=2,
            baseline_draws=20,
        ),
        None,
    ),
    "monitor.validate_series": (lambda: _demo_series().copy(), monitor.validate_series, None),
    "monitor.follow_priorities": (
        lambda: _demo_series().copy(),
        _quiet(lambda d: monitor.follow_priorities(d, ["end_of_life_care"])),
        None,
    ),
    "monitor.demo_ambitions": (
        lambda: _demo_series().copy(),
        lambda d: monitor.demo_ambitions(d, {"end_of_life_care": "emergency_admissions"}),
        None,
    ),
    "monitor.describe_spc": (
        _spc_points,
        lambda d: monitor.describe_spc(d, _spc_summary(), value_label="Admissions"),
        None,
    ),
    "monitor.spc_chart": (
        _spc_points,
        lambda d: plt.close(monitor.spc_chart(d, title="Admissions", value_label="Rate")),
        None,
    ),
    "monitor.icon_labels": (_spc_summary, monitor.icon_labels, None),
}

#: The segment functions on the small system's persons (none takes ``by``).
SEGMENT_SPECS = {
    "segment.build_cube": (lambda: _persons().copy(), build_cube, None),
    "segment.build_cohort_cube": (lambda: _persons().copy(), build_cohort_cube, None),
    "segment.segment_summary": (lambda: _persons().copy(), segment_summary, None),
    "segment.assign_segments": (lambda: _persons().copy(), assign_segments, None),
}

#: How to call the other subpackages' DataFrame-first functions on a small input:
#: (make the frame, call it with optional ``by``, the group column or None).
OTHER_SPECS = {
    "monitor.spc": (_series, lambda d, **o: FUNCTIONS["monitor.spc"](d, **o), "place"),
    "prioritise.aggregate_weights": (
        _weights,
        lambda d, **o: FUNCTIONS["prioritise.aggregate_weights"](
            d, criteria=["burden", "cost"], **o
        ),
        None,
    ),
    "prioritise.kendalls_w": (
        lambda: pd.DataFrame({"x": [1, 2, 3], "y": [1, 3, 2], "z": [2, 1, 3]}),
        lambda d, **o: FUNCTIONS["prioritise.kendalls_w"](d, **o),
        None,
    ),
    **SYSTEM_SPECS,
    **SEGMENT_SPECS,
}

#: DataFrame-first functions whose input-unchanged rule is checked in their own tests (they
#: need boundaries or lookups to run), and where.
CHECKED_ELSEWHERE = {
    "places.area_indicators": "tests/places/test_places_indicators.py (demo system)",
    "places.match_lsoa_codes": "tests/places/test_places_boundaries.py (ONS fixtures)",
    "places.recode_lsoa": "tests/places/test_places_boundaries.py (ONS lookups)",
}

#: Functions that do not take a DataFrame (or GeoDataFrame) first. A first argument the
#: function checks itself ("no_validation": segment.parse_condition's text, where a rules
#: file's condition that is not text is a RuleError naming the file) is not a frame.
NOT_FRAME_FIRST = sorted(
    name
    for name in DECLARED
    if not any(
        c.is_satisfied_by(pd.DataFrame()) and c is not make_constraint("no_validation")
        for c in next(iter(FUNCTIONS[name].parameter_constraints.values()))
    )
)

INDICATOR_CALLS = {f"indicators.{spec.name}": spec for spec in INDICATOR_SPECS}


def test_every_frame_first_function_has_a_rule():
    frame_first = set(DECLARED) - set(NOT_FRAME_FIRST)
    covered = set(INDICATOR_CALLS) | {f"indicators.{n}" for n in VALUE_FUNCTIONS}
    covered |= set(OTHER_SPECS) | set(CHECKED_ELSEWHERE)
    assert frame_first <= covered, frame_first - covered
    geographic = {
        name
        for name in NOT_FRAME_FIRST
        if any(
            isinstance(c, InstanceOf) and c.description == "a GeoDataFrame"
            for c in next(iter(FUNCTIONS[name].parameter_constraints.values()))
        )
    }
    assert geographic == set(GEOGRAPHIC)


#: Functions that take a GeoDataFrame first: maps and hot spots draw or test it and add
#: columns only to copies; their own tests (tests/places) build the boundaries they need.
GEOGRAPHIC = {
    "places.choropleth": "draws the areas (tests/places/test_places_maps.py)",
    "places.interactive_map": "draws the areas (tests/places/test_interactive_map_disclosure.py)",
    "places.leaflet_map": "draws the areas (tests/places/test_places_leaflet.py)",
    "places.local_moran_hotspots": "adds columns to a copy (tests/places/test_places_hotspots.py)",
    "places.dissolve_places": "returns new places (tests/places/test_places_indicators.py)",
    "places.join_boundaries": "returns a new table (tests/places/test_places_boundaries.py)",
}


FRAME_CALLS = {
    **{name: (spec.data, spec.call, spec.by) for name, spec in INDICATOR_CALLS.items()},
    **OTHER_SPECS,
}


@pytest.mark.parametrize("name", sorted(FRAME_CALLS))
def test_the_input_frame_is_unchanged(name):
    make, call, by = FRAME_CALLS[name]
    data = make()
    before = data.copy(deep=True)
    call(data, **({"by": by} if by else {}))
    pd.testing.assert_frame_equal(data, before)


WITH_BY = sorted(name for name, (_, _, by) in FRAME_CALLS.items() if by)
#: Frame-first functions that take no ``by=`` (groups come from elsewhere or not at all).
WITHOUT_BY = {
    "indicators.deprivation_profile": "one profile of the whole cube",
    "prioritise.aggregate_weights": "one row per table; no groups",
    "prioritise.kendalls_w": "one coefficient for the room",
    **{name: "cohorts, candidates, series or tables come from the data" for name in SYSTEM_SPECS},
    **{
        name: "segments, cohorts and cells come from the model and the data"
        for name in SEGMENT_SPECS
    },
}


def test_functions_without_by_are_listed():
    assert {name for name, (_, _, by) in FRAME_CALLS.items() if not by} == set(WITHOUT_BY)
    for name in WITHOUT_BY:
        assert "by" not in inspect.signature(FUNCTIONS[name]).parameters


@pytest.mark.parametrize("name", WITH_BY)
def test_group_columns_are_kept(name):
    make, call, by = FRAME_CALLS[name]
    data = make()
    result = call(data, by=by)
    frame = _frame_of(result)
    assert by in frame.columns
    assert set(frame[by]) == set(data[by])
    assert frame[by].dtype == data[by].dtype


COUNTED = {f"indicators.{spec.name}": spec for spec in INDICATOR_SPECS if spec.count}
#: Frame-first functions that take no counts, so have no negative counts to refuse here
#: (those that read a cube or series of counts refuse negative ones in their own tests).
NO_COUNTS = {
    "monitor.spc": "charts values of any sign (changes, rates, differences)",
    "prioritise.aggregate_weights": "takes slider weights (checked as weights there)",
    "prioritise.kendalls_w": "takes ranks",
    **{name: "not a table of counts with a count column named here" for name in SYSTEM_SPECS},
    "segment.build_cube": "persons, not counts: negative activity counts are a data error "
    "(test_the_engines_refuse_negative_counts)",
    "segment.build_cohort_cube": "as build_cube (test_the_engines_refuse_negative_counts)",
    "segment.segment_summary": "refuses negative counts as the readers do "
    "(test_summary_refuses_counts_the_contract_refuses)",
    "segment.assign_segments": "adds each person's segment; sums nothing",
}


def test_functions_without_counts_are_listed():
    assert set(FRAME_CALLS) - set(COUNTED) == set(NO_COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTED))
def test_negative_counts_are_refused(name):
    spec = COUNTED[name]
    data = spec.data()
    data.loc[data.index[4], spec.count] = -1
    with pytest.raises(ValueError, match=re.escape(f"'{spec.count}'")):
        spec.call(data)


@pytest.mark.parametrize("name", ["segment.build_cube", "segment.build_cohort_cube"])
def test_the_engines_refuse_negative_counts(name):
    data = _persons().copy()
    data.loc[data.index[4], "emergency_admissions"] = -1
    with pytest.raises(DataContractError, match="'emergency_admissions'"):
        FUNCTIONS[name](data)


def test_the_template_reads_like_scikit_learn():
    with pytest.raises(ValueError) as error:
        FUNCTIONS["indicators.crude_rate"](
            pd.DataFrame({"events": [1], "population": [10]}),
            events="events",
            population="population",
            confidence=95,
        )
    assert str(error.value) == (
        "The 'confidence' parameter of crude_rate must be a float in the range [0.9, 1), "
        "a non-empty sequence of distinct such floats (for example (0.95, 0.998)) or None. "
        "Got 95 instead."
    )
    assert str(make_constraint(None)) == "None"


# --------------------------------------------------------------------------------------
# Every output column is named in the glossary (docs/glossary.md)
# --------------------------------------------------------------------------------------
GLOSSARY = Path(__file__).parents[1] / "docs" / "glossary.md"

#: A placeholder of a glossary name (``deaths_<cause>``) and what it stands for.
_PLACEHOLDER = re.compile(r"<[^<>`]+>")
_PLACEHOLDER_MATCHES = "[a-z0-9_]+"


def glossary_names(text: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Return the names in the first column of every table row of a glossary.

    A name cell holds one or more backticked names separated by commas. A name with a
    placeholder in angle brackets (``persons_with_<activity>``) becomes a regular
    expression in which each placeholder matches ``[a-z0-9_]+``; the others are exact.
    """
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for line in text.splitlines():
        cells = line.split("|")
        if not line.startswith("|") or len(cells) < 3:
            continue
        for name in re.findall(r"`([^`]+)`", cells[1]):
            if _PLACEHOLDER.search(name):
                literal = [re.escape(part) for part in _PLACEHOLDER.split(name)]
                patterns.append(re.compile(_PLACEHOLDER_MATCHES.join(literal)))
            else:
                exact.add(name)
    return frozenset(exact), tuple(patterns)


EXACT_NAMES, NAME_PATTERNS = glossary_names(GLOSSARY.read_text(encoding="utf-8"))


def _named_by(column: Any) -> str | None:
    """The glossary name that names ``column`` (itself or a placeholder's), or None."""
    if column in EXACT_NAMES:
        return column
    if not isinstance(column, str):
        return None
    return next((p.pattern for p in NAME_PATTERNS if p.fullmatch(column)), None)


def test_the_glossary_parser_reads_exact_names_and_placeholders():
    text = "\n".join(
        [
            "| Name | Meaning | Also called today |",
            "| --- | --- | --- |",
            "| `events` | Events. | `observed` |",
            "| `lower_95`, `upper_95` | Limits. | — |",
            "| `deaths_<cause>` | Deaths by cause. | `cause` |",
            "Not a table: `zz_prose`.",
        ]
    )
    exact, patterns = glossary_names(text)
    assert exact == {"events", "lower_95", "upper_95"}  # not the third column, not prose
    assert [p.pattern for p in patterns] == ["deaths_[a-z0-9_]+"]


def test_the_glossary_names_are_not_vacuous():
    assert len(EXACT_NAMES) >= 150 and len(NAME_PATTERNS) >= 8
    assert _named_by("zz_not_a_glossary_name") is None
    assert _named_by("value") == "value"
    # Only through its placeholder: deaths_<cause>, not an exact name.
    assert "deaths_circulatory" not in EXACT_NAMES
    assert _named_by("deaths_circulatory") == "deaths_[a-z0-9_]+"
    assert _named_by("deaths_") is None  # a placeholder stands for at least one character
    # Every placeholder name has a literal part, so none matches any column at all.
    for pattern in NAME_PATTERNS:
        assert pattern.pattern.replace(_PLACEHOLDER_MATCHES, "").strip("_"), pattern.pattern


def test_every_glossary_name_cell_is_a_list_of_names():
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) >= 3 and "`" in cells[1]:
            assert re.fullmatch(r"`[a-z0-9_<>]+`(, `[a-z0-9_<>]+`)*", cells[1].strip()), line


#: The places' statistics (their own tests check the rest of their contract).
PLACES_CALLS = {
    "places.area_indicators": (
        lambda: assign_segments(_persons()),
        _quiet(lambda d: FUNCTIONS["places.area_indicators"](d, _system().areas)),
        None,
    ),
    "places.local_moran_hotspots": (
        lambda: _system().areas.assign(rate=_system().areas["imd_score"] * 10.0),
        _quiet(
            lambda d: FUNCTIONS["places.local_moran_hotspots"](d, "rate", permutations=99, seed=1)
        ),
        None,
    ),
}

#: Every public function whose output columns are checked: the frame-first functions,
#: the indicator functions of values and the places' statistics.
OUTPUT_CALLS = {
    **FRAME_CALLS,
    **{
        f"indicators.{name}": (
            _indicator_values,
            call,
            None if name == "funnel_points" else "region",
        )
        for name, call in VALUE_FUNCTIONS.items()
    },
    **PLACES_CALLS,
}

#: Other tables passed in, whose columns a result keeps (the room's shortlist keeps the
#: scoring model's candidates' columns; the areas' columns go with every neighbourhood).
OTHER_INPUTS = {
    "prioritise.room_consensus": _burden,
    "places.area_indicators": lambda: _system().areas,
}

#: Results holding several tables, and the attributes whose tables are checked (besides
#: ``to_frame()``, ``table`` and ``summary()``). ``RoomConsensus.table_ranks``,
#: ``table_shortlists`` and ``table_weights`` are left out: their columns are the room's
#: tables, named by the room.
TABLE_ATTRIBUTES = {
    "indicators.deprivation_profile": ("rates", "gap", "sii", "excess", "excess_total", "core20"),
    "monitor.follow_priorities": ("priorities", "points", "places"),
    "prioritise.prioritise_persons": ("candidates", "excluded"),
    "prioritise.room_consensus": ("rankings", "weights", "shortlist"),
    "prioritise.theme_candidates": ("excluded",),
    "segment.build_cohort_cube": ("cohorts", "left_out", "mortality"),
    "places.area_indicators": ("neighbourhoods", "places", "segment_mix"),
    "places.local_moran_hotspots": ("areas",),
}

#: Public functions whose result holds no table, and what it is instead.
NO_TABLE = {
    "monitor.demo_ambitions": "a dict of theme id to ambition",
    "monitor.describe_spc": "a sentence about one chart",
    "monitor.icon_labels": "a dict of the words for one summary row's icons",
    "monitor.spc_chart": "a matplotlib figure (closed by its spec here)",
    "prioritise.cube_criteria": "a list of Criterion",
    "prioritise.theme_criteria": "a list of Criterion",
    "prioritise.write_criteria_template": "writes a CSV file and returns its path",
}


def _tables_of(name: str, result: Any) -> dict[str, pd.DataFrame]:
    """Every table a result gives: itself, ``to_frame()``, ``table``, ``summary()``, ..."""
    tables = {}
    if isinstance(result, pd.DataFrame):
        tables["the result"] = result
    if callable(getattr(result, "to_frame", None)):
        tables["to_frame()"] = result.to_frame()
    if isinstance(getattr(result, "table", None), pd.DataFrame):
        tables["table"] = result.table
    if callable(getattr(result, "summary", None)):
        summary = result.summary()
        if isinstance(summary, pd.DataFrame):
            tables["summary()"] = summary
    for attribute in TABLE_ATTRIBUTES.get(name, ()):
        tables[attribute] = getattr(result, attribute)
    return tables


def test_the_output_lists_name_checked_functions_only():
    for listing in (NO_TABLE, TABLE_ATTRIBUTES, OTHER_INPUTS):
        assert set(listing) <= set(OUTPUT_CALLS), set(listing) - set(OUTPUT_CALLS)
    assert set(OUTPUT_CALLS) <= set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(OUTPUT_CALLS))
def test_output_columns_are_named_in_the_glossary(name):
    make, call, by = OUTPUT_CALLS[name]
    data = make()
    given = set(data.columns)
    if name in OTHER_INPUTS:
        given |= set(OTHER_INPUTS[name]().columns)
    tables = _tables_of(name, call(data, **({"by": by} if by else {})))
    if name in NO_TABLE:
        assert not tables, f"{name} is listed as giving no table but gives {sorted(tables)}"
        return
    assert tables, f"{name} gives no table: list it in NO_TABLE with what it gives"
    for where, table in tables.items():
        assert isinstance(table, pd.DataFrame), f"{name}: {where} is not a table"
        unnamed = [c for c in table.columns if c not in given and _named_by(c) is None]
        assert not unnamed, (
            f"{name} ({where}) has output columns not named in docs/glossary.md: {unnamed}"
        )
