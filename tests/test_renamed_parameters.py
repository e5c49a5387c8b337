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
    ("toolkit.prioritise", "aggregate_weights", "weights"),
    ("toolkit.prioritise", "kendalls_w", "ranks"),
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


#: The other renames to the glossary's names (issue 17): (module, function, old, new).
OTHER_RENAMES = [
    ("toolkit.places", "choropleth", "disclosure_threshold", "threshold"),
    ("toolkit.places", "interactive_map", "disclosure_threshold", "threshold"),
    ("toolkit.places", "leaflet_map", "disclosure_threshold", "threshold"),
    ("toolkit.prioritise", "theme_candidates", "disclosure_threshold", "threshold"),
    ("toolkit.prioritise", "prioritise_persons", "disclosure_threshold", "threshold"),
    ("toolkit.indicators", "proportion", "numerator", "events"),
    ("toolkit.indicators", "proportion", "denominator", "population"),
    ("toolkit.indicators", "funnel_limits", "numerator", "events"),
    ("toolkit.indicators", "funnel_limits", "denominator", "population"),
    ("toolkit.indicators", "assign_funnel_significance", "numerator", "events"),
    ("toolkit.indicators", "assign_funnel_significance", "denominator", "population"),
    ("toolkit.indicators", "funnel_points", "numerator", "events"),
    ("toolkit.indicators", "funnel_points", "denominator", "population"),
    ("toolkit.indicators", "funnel_points", "rate", "value"),
    ("toolkit.indicators", "slope_index_of_inequality", "numerator", "events"),
    ("toolkit.monitor", "period_label", "start", "period"),
    ("toolkit.monitor", "validate_series", "per", "multiplier"),
    ("toolkit.monitor", "read_series", "per", "multiplier"),
    ("toolkit.monitor.series", "series_from_snapshots", "per", "multiplier"),
    ("toolkit.prioritise", "prioritise", "per_theme", "per_cohort"),
    ("toolkit.places", "dissolve_places", "neighbourhoods", "areas"),
    ("toolkit.segment", "segment_summary", "by_quintile", "quintiles"),
]


@pytest.mark.parametrize(
    ("module", "name", "old", "new"),
    OTHER_RENAMES,
    ids=[f"{r[1]}-{r[2]}" for r in OTHER_RENAMES],
)
def test_the_glossarys_names_and_the_old_names_still_answer(module, name, old, new):
    function = getattr(importlib.import_module(module), name)
    parameters = inspect.signature(function).parameters
    assert new in parameters and old not in parameters
    with pytest.warns(FutureWarning, match=f"'{old}' parameter of {name} is now called '{new}'"):
        with pytest.raises((TypeError, ValueError)) as refused:
            function(**{old: "x"})
    assert "unexpected keyword argument" not in str(refused.value)
    with pytest.raises(TypeError, match=f"got both '{old}' and '{new}'"):
        function(**{old: "x", new: "x"})


def test_old_column_keywords_give_the_same_answer_under_the_new_names():
    import pandas as pd

    from toolkit.indicators import funnel_points, proportion
    from toolkit.monitor import period_label

    units = pd.DataFrame({"x": [3, 0, 12], "n": [10, 20, 40], "r": [3e4, 0.0, 3e4]})
    with pytest.warns(FutureWarning, match="is now called") as caught:
        old = proportion(units, numerator="x", denominator="n")
    assert [str(w.message).split("'")[1] for w in caught] == ["numerator", "denominator"]
    new = proportion(units, events="x", population="n")
    pd.testing.assert_frame_equal(old, new)
    assert new[["events", "population"]].iloc[0].tolist() == [15.0, 70.0]
    with pytest.warns(FutureWarning, match="is now called") as caught:
        old = funnel_points(units, numerator="x", rate="r", denominator="n")
    assert {str(w.message).split("'")[1] for w in caught} == {"numerator", "rate", "denominator"}
    new = funnel_points(units, events="x", value="r", population="n")
    pd.testing.assert_frame_equal(old, new)
    assert new["funnel_population"].tolist() == [10.0, 20.0, 40.0]
    with pytest.warns(FutureWarning, match="'start' parameter of period_label"):
        assert period_label(start=pd.Timestamp("2024-04-01"), frequency="quarter") == (
            "Apr-Jun 2024"
        )


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
