"""Parameters renamed to the glossary's names still answer to their old names, for one release.

``docs/glossary.md``: the table a function takes is ``data`` everywhere. Each renamed
parameter is declared with ``validate_params(..., renamed=...)`` (or ``renamed`` for the
readers' ``validate_*``): a call by the old keyword works as before and warns with a
``FutureWarning`` naming the new one; giving both is an error.
"""

from __future__ import annotations

import importlib
import inspect
import warnings

import pytest

from toolkit._params import renamed, validate_params

#: (module, function, old name): the renames of this release, as CHANGELOG.md lists them.
RENAMES = [
    ("toolkit.data", "validate_persons", "df"),
    ("toolkit.data", "validate_areas", "df"),
    ("toolkit.data", "validate_cube", "df"),
    ("toolkit.indicators", "rate_by_deprivation", "cube"),
    ("toolkit.indicators", "deprivation_gap", "cube"),
    ("toolkit.indicators", "core20_share", "cube"),
    ("toolkit.indicators", "excess_events", "cube"),
    ("toolkit.indicators", "deprivation_profile", "cube"),
    ("toolkit.places", "area_indicators", "persons_or_cube"),
    ("toolkit.prioritise", "candidate_priorities", "cube"),
    ("toolkit.prioritise", "demo_shortlist", "cube"),
    ("toolkit.prioritise", "theme_candidates", "cohort_cube"),
    ("toolkit.prioritise", "score_priorities", "candidates"),
    ("toolkit.prioritise", "shortlist", "scored"),
    ("toolkit.prioritise", "rank_acceptability", "candidates"),
    ("toolkit.prioritise", "weight_to_enter", "candidates"),
    ("toolkit.prioritise", "room_consensus", "latest"),
    ("toolkit.monitor", "validate_series", "df"),
    ("toolkit.monitor", "describe_spc", "frame"),
    ("toolkit.monitor", "spc_chart", "frame"),
    ("toolkit.monitor", "follow_priorities", "series"),
    ("toolkit.monitor", "demo_ambitions", "series"),
]


@pytest.mark.parametrize(("module", "name", "old"), RENAMES, ids=[r[1] for r in RENAMES])
def test_the_table_a_function_takes_is_data_and_the_old_name_still_answers(module, name, old):
    function = getattr(importlib.import_module(module), name)
    parameters = list(inspect.signature(function).parameters)
    assert parameters[0] == "data"
    assert old not in parameters
    # A call by the old keyword warns that the name is going and reaches the new
    # parameter: Python does not refuse it as unexpected, and a wrong table is answered
    # under the new name (or another argument is missing).
    with pytest.warns(FutureWarning, match=f"'{old}' parameter of {name} is now called 'data'"):
        with pytest.raises((TypeError, ValueError)) as refused:
            function(**{old: "not a table"})
    message = str(refused.value)
    assert "unexpected keyword argument" not in message
    assert "'data' parameter" in message or "missing" in message
    with pytest.raises(TypeError, match=f"got both '{old}' and 'data'"):
        function(**{old: "one", "data": "other"})


#: Other renames to the glossary's names: (module, function, old, new).
OTHER_RENAMES = [
    ("toolkit.places", "choropleth", "disclosure_threshold", "threshold"),
    ("toolkit.places", "interactive_map", "disclosure_threshold", "threshold"),
    ("toolkit.places", "leaflet_map", "disclosure_threshold", "threshold"),
    ("toolkit.prioritise", "theme_candidates", "disclosure_threshold", "threshold"),
    ("toolkit.prioritise", "prioritise_persons", "disclosure_threshold", "threshold"),
]


@pytest.mark.parametrize(
    ("module", "name", "old", "new"), OTHER_RENAMES, ids=[r[1] for r in OTHER_RENAMES]
)
def test_the_disclosure_threshold_is_threshold_and_the_old_name_still_answers(
    module, name, old, new
):
    function = getattr(importlib.import_module(module), name)
    parameters = inspect.signature(function).parameters
    assert new in parameters and old not in parameters
    with pytest.warns(FutureWarning, match=f"'{old}' parameter of {name} is now called '{new}'"):
        with pytest.raises((TypeError, ValueError)) as refused:
            function(**{old: 0})
    assert "unexpected keyword argument" not in str(refused.value)
    with pytest.raises(TypeError, match=f"got both '{old}' and '{new}'"):
        function(**{old: 10, new: 10})


def test_a_renamed_keyword_warns_at_the_callers_line_and_gives_the_same_result():
    @validate_params({"data": ["data-frame"], "by": ["columns", None]}, renamed={"cube": "data"})
    def total(data, by=None):
        return data.sum(numeric_only=True) if by is None else data.groupby(by).sum()

    import pandas as pd

    frame = pd.DataFrame({"events": [1, 2, 3]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = total(cube=frame)
    assert old.equals(total(frame))
    (warning,) = caught
    assert warning.category is FutureWarning
    assert warning.filename == __file__


def test_renamed_refuses_a_rename_to_a_name_the_function_lacks():
    with pytest.raises(TypeError, match="renamed"):

        @validate_params({"data": ["data-frame"]}, renamed={"cube": "frame"})
        def f(data):
            return data

    @renamed({"df": "data"})
    def g(data):
        return data

    with pytest.warns(FutureWarning):
        assert g(df=1) == 1
