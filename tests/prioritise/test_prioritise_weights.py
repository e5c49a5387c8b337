"""Weights for only some criteria, or for criteria that do not exist (issue 11).

Every public function taking ``weights`` treats a mapping the same way: criteria it leaves
out keep their default weight, with a warning naming them; a name that is not a criterion
is refused with one ``ValueError`` that suggests the nearest criterion and names those
given no weight.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.data import make_demo_system
from toolkit.prioritise import (
    THEME_ANALYST_CRITERIA,
    prioritise,
    prioritise_persons,
    rank_acceptability,
    score_priorities,
    theme_candidates,
    theme_criteria,
    weight_to_enter,
    write_criteria_template,
)
from toolkit.segment import build_cohort_cube


def test_criteria_left_out_keep_their_default_weight_with_a_warning(burden_table, burden_criteria):
    with pytest.warns(UserWarning) as caught:
        partial = score_priorities(burden_table, criteria=burden_criteria, weights={"excess": 1})
    messages = [str(item.message) for item in caught]
    assert messages == [
        "The 'weights' parameter of score_priorities gives no weight for ['burden', "
        "'difficulty']: they keep their default weights, burden 2 and difficulty 1. Give "
        "every criterion a weight to set them all."
    ]
    full = score_priorities(burden_table, criteria=burden_criteria, weights=[2, 1, 1])
    assert_allclose(partial["score"], full["score"], rtol=1e-12)


def test_a_complete_mapping_warns_nothing(burden_table, burden_criteria):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score_priorities(
            burden_table,
            criteria=burden_criteria,
            weights={"burden": 1, "excess": 1, "difficulty": 2},
        )


def test_a_misspelt_criterion_beside_a_complete_set_is_refused_with_a_suggestion(
    burden_table, burden_criteria
):
    weights = {"burden": 2, "excess": 1, "difficulty": 1, "excesss": 3}
    with pytest.raises(ValueError) as caught:
        score_priorities(burden_table, criteria=burden_criteria, weights=weights)
    assert str(caught.value) == (
        "The 'weights' parameter of score_priorities names criteria that are not declared: "
        "['excesss'] (did you mean 'excess'?). The criteria are ['burden', 'excess', "
        "'difficulty']."
    )


def test_unknown_and_missing_criteria_are_named_in_one_error(burden_table, burden_criteria):
    with pytest.raises(ValueError) as caught:
        score_priorities(burden_table, criteria=burden_criteria, weights={"burdn": 1, "exces": 2})
    message = str(caught.value)
    assert "declared: ['burdn', 'exces'] (did you mean 'burden' for 'burdn' and 'excess' for " in (
        message
    )
    assert message.endswith(
        "It gives no weight for ['burden', 'excess', 'difficulty']: they would keep their "
        "default weights, burden 2, excess 1 and difficulty 1."
    )
    with pytest.raises(ValueError, match=r"\['nonsense'\]\. The criteria are") as caught:
        score_priorities(burden_table, criteria=burden_criteria, weights={"nonsense": 1})
    assert "did you mean" not in str(caught.value)


def test_the_robustness_functions_check_weights_the_same_way(burden_table, burden_criteria):
    bad = {"burden": 2, "excess": 1, "dificulty": 1}
    with pytest.raises(ValueError, match=r"rank_acceptability .* \(did you mean 'difficulty'\?\)"):
        rank_acceptability(burden_table, criteria=burden_criteria, weights=bad, draws=50)
    with pytest.raises(ValueError, match=r"weight_to_enter .* \(did you mean 'difficulty'\?\)"):
        weight_to_enter(
            burden_table,
            candidate="a",
            criterion="burden",
            criteria=burden_criteria,
            weights=bad,
            size=1,
        )
    with pytest.warns(UserWarning, match="rank_acceptability gives no weight for"):
        rank_acceptability(
            burden_table, criteria=burden_criteria, weights={"excess": 1}, draws=50, seed=1
        )


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    return make_demo_system(persons=15_000, seed=11).persons


@pytest.fixture(scope="module")
def candidates(persons):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return theme_candidates(build_cohort_cube(persons))


def test_prioritise_with_weights_for_some_criteria_keeps_the_rest_at_their_default(candidates):
    names = [criterion.name for criterion in theme_criteria()]
    with pytest.warns(UserWarning, match="of prioritise gives no weight for") as caught:
        result = prioritise(
            candidates, weights={"evidence_score": 5, "avoidable_mid": 0.1}, draws=100, seed=1
        )
    message = str(caught[0].message)
    assert "they keep their default weight, 1." in message
    assert "'evidence_score'" not in message and "'deprivation_gap'" in message
    assert list(result.weights) == names
    assert result.weights["evidence_score"] == 5 and result.weights["avoidable_mid"] == 0.1
    assert all(result.weights[name] == 1.0 for name in names[1:] if name != "evidence_score")


def test_prioritise_refuses_a_misspelt_criterion_it_used_to_ignore(candidates):
    weights = {criterion.name: 1.0 for criterion in theme_criteria()} | {"evidense_score": 3}
    with pytest.raises(ValueError, match=re.escape("['evidense_score'] (did you mean")):
        prioritise(candidates, weights=weights, draws=100)


def test_prioritise_persons_checks_its_weights_before_reading_the_persons(tmp_path):
    weights = {"comunity_voice": 3, "feasibility": 5}
    missing = tmp_path / "no_such_persons.parquet"
    with pytest.raises(ValueError) as caught:
        prioritise_persons(missing, analyst_scores=tmp_path / "scores.csv", weights=weights)
    message = str(caught.value)
    assert message.startswith(
        "The 'weights' parameter of prioritise_persons names criteria that are not declared: "
        "['comunity_voice'] (did you mean 'community_voice'?)."
    )
    assert "It gives no weight for ['avoidable_mid', " in message
    assert "'community_voice']: they would keep their default weight, 1." in message
    # Without analysts' scores their criteria are not criteria at all.
    with pytest.raises(ValueError, match=r"not declared: \['community_voice', 'feasibility'\]"):
        prioritise_persons(missing, weights={"community_voice": 5, "feasibility": 5})


def test_prioritise_persons_with_weights_for_the_analysts_criteria_only(
    persons, candidates, tmp_path
):
    """The walk-through's call: it failed with a bare KeyError: 'avoidable_mid'."""
    template = write_criteria_template(
        candidates.table, tmp_path / "criteria.csv", criteria=THEME_ANALYST_CRITERIA
    )
    lines = []
    for line in template.read_text(encoding="utf-8-sig").splitlines():
        if not line.startswith(("#", "candidate,")):
            line = f"{line.rpartition(',,,')[0]},2,3,"
        lines.append(line)
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    weights = {"community_voice": 5, "feasibility": 5, "evidence_score": 0.1}
    with pytest.warns(UserWarning, match="of prioritise_persons gives no weight for") as caught:
        result = prioritise_persons(
            persons, analyst_scores=template, weights=weights, draws=100, seed=1
        )
    said = [str(item.message) for item in caught if "'weights' parameter" in str(item.message)]
    assert len(said) == 1  # said once, not again by prioritise
    assert result.weights["community_voice"] == 5 and result.weights["avoidable_mid"] == 1.0
    assert set(result.weights) == {
        *(criterion.name for criterion in theme_criteria()),
        *(spec.name for spec in THEME_ANALYST_CRITERIA),
    }
