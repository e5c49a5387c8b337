"""Segmentation models: rule files, the built-in models, and assigning persons to segments."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from toolkit.data.contract import ACTIVITY_COLUMNS, CONDITIONS
from toolkit.errors import DataContractError
from toolkit.segment import RuleError, SegmentationModel, assign_segments, load_rules


def person(**overrides) -> dict:
    """A healthy 40-year-old woman with no activity; override any column."""
    row = {
        "person_id": "P",
        "age": 40,
        "sex": "F",
        "imd_decile": 5,
        "place": "North",
        **dict.fromkeys(CONDITIONS, False),
        "efi": np.nan,
        "end_of_life": False,
        "pregnant": False,
        "died": False,
        **dict.fromkeys(ACTIVITY_COLUMNS, 0),
        "cost_gbp": 0.0,
    }
    unknown = set(overrides) - set(row)
    assert not unknown, unknown
    row.update(overrides)
    return row


def persons_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["person_id"] = [f"P{i}" for i in range(len(frame))]
    for activity in ACTIVITY_COLUMNS:
        frame[activity] = frame[activity].astype("int64")
    frame["imd_decile"] = frame["imd_decile"].astype("Int64")
    frame["efi"] = frame["efi"].astype("float64")
    return frame


# Each case: the person, the rule that must decide, and why (the precedence it shows).
BRIDGES_CASES = [
    (
        dict(
            end_of_life=True,
            age=85,
            efi=0.5,
            dementia=True,
            heart_failure=True,
            emergency_admissions=3,
        ),
        "end_of_life",
        "end of life comes before everything",
    ),
    (dict(end_of_life=True, pregnant=True, age=30), "end_of_life", "end of life before maternity"),
    (dict(age=70, efi=0.30), "frailty_efi", "moderate frailty at 65+"),
    (dict(age=65, efi=0.25), "frailty_efi", "boundary: 65 and just above 0.24"),
    (dict(age=70, efi=0.24), "healthy", "eFI 0.24 is mild frailty, not moderate"),
    (dict(age=64, efi=0.40), "healthy", "eFI is used from 65 only"),
    (dict(age=70, efi=np.nan), "healthy", "missing eFI is not frailty"),
    (dict(age=52, dementia=True), "frailty_dementia", "dementia at any age"),
    (dict(age=70, efi=0.30, dementia=True), "frailty_efi", "the eFI rule is tried first"),
    (
        dict(age=80, dementia=True, heart_failure=True, emergency_admissions=2),
        "frailty_dementia",
        "frailty before organ failure",
    ),
    (dict(heart_failure=True, emergency_admissions=1), "organ_failure", "heart failure admitted"),
    (dict(ckd=True, emergency_admissions=1), "organ_failure", "CKD admitted"),
    (
        dict(copd=True, emergency_admissions=2, learning_disability=True),
        "organ_failure",
        "organ failure before disability",
    ),
    (dict(chronic_liver_disease=True, emergency_admissions=1), "organ_failure", "liver"),
    (dict(heart_failure=True), "long_term_conditions", "organ failure needs an admission"),
    (dict(copd=True, ae_attendances=4), "long_term_conditions", "A&E is not an admission"),
    (dict(learning_disability=True), "serious_disability", "learning disability"),
    (dict(multiple_sclerosis=True, asthma=True), "serious_disability", "MS before LTCs"),
    (dict(parkinsons=True), "serious_disability", "Parkinson's"),
    (
        dict(learning_disability=True, pregnant=True),
        "serious_disability",
        "disability before maternity",
    ),
    (dict(pregnant=True, age=30), "maternity", "pregnant"),
    (
        dict(pregnant=True, asthma=True, emergency_admissions=1),
        "maternity",
        "maternity before long-term conditions",
    ),
    (dict(age=0, sex="M"), "infant", "first year of life"),
    (dict(age=0, asthma=True), "infant", "infant before long-term conditions"),
    (dict(age=1), "healthy", "age 1 is no longer an infant"),
    (dict(asthma=True), "long_term_conditions", "one long-term condition"),
    (
        dict(hypertension=True, emergency_admissions=1),
        "long_term_conditions",
        "long-term conditions before acutely ill",
    ),
    (dict(emergency_admissions=1), "acute_episode", "admitted, no LTC"),
    (dict(ae_attendances=1, age=25, sex="M"), "acute_episode", "A&E, no LTC"),
    (dict(gp_appointments=5, outpatient_attendances=2), "healthy", "planned care only"),
    (dict(), "healthy", "nothing applies"),
]

SEGMENT_OF_RULE = {
    "end_of_life": "end_of_life",
    "frailty_efi": "frailty",
    "frailty_dementia": "frailty",
    "organ_failure": "limited_reserve",
    "serious_disability": "serious_disability",
    "maternity": "maternal_and_infant",
    "infant": "maternal_and_infant",
    "long_term_conditions": "stable_chronic",
    "acute_episode": "acutely_ill",
    "healthy": "healthy",
}


def test_bridges_to_health_every_rule_and_its_precedence():
    frame = persons_frame([person(**overrides) for overrides, _, _ in BRIDGES_CASES])
    result = assign_segments(frame)
    for index, (_, rule, why) in enumerate(BRIDGES_CASES):
        assert result["segment_rule"].iloc[index] == rule, why
        assert result["segment"].iloc[index] == SEGMENT_OF_RULE[rule], why
    # Every rule of the model is exercised by the cases above.
    assert {rule for _, rule, _ in BRIDGES_CASES} == {r.name for r in load_rules().rules}


def test_bridges_to_health_has_lynns_eight_segments_in_display_order():
    model = load_rules("bridges_to_health")
    assert model.segments == (
        "healthy",
        "maternal_and_infant",
        "acutely_ill",
        "stable_chronic",
        "serious_disability",
        "frailty",
        "limited_reserve",
        "end_of_life",
    )
    assert model.rules[0].name == "end_of_life"
    assert model.rules[-1].condition.always_true
    assert set(model.labels) == set(model.segments)
    assert "Lynn" in model.reference
    table = model.to_frame()
    assert table["priority"].tolist() == list(range(1, len(model.rules) + 1))
    assert table.loc[1, "condition"] == "age >= 65 and efi > 0.24"


@pytest.mark.parametrize(
    ("overrides", "segment"),
    [
        (dict(age=0), "0-17: 0 LTCs"),
        (dict(age=17, asthma=True, epilepsy=True), "0-17: 1-2 LTCs"),
        (dict(age=18, asthma=True), "18-44: 1-2 LTCs"),
        (dict(age=44, asthma=True, diabetes=True, depression=True), "18-44: 3+ LTCs"),
        (dict(age=45), "45-64: 0 LTCs"),
        (dict(age=64, **dict.fromkeys(CONDITIONS, True)), "45-64: 3+ LTCs"),
        (dict(age=65, hypertension=True, diabetes=True), "65-74: 1-2 LTCs"),
        (dict(age=84), "75-84: 0 LTCs"),
        (dict(age=85, end_of_life=True, copd=True, chd=True, ckd=True), "85+: 3+ LTCs"),
        (dict(age=120, dementia=True), "85+: 1-2 LTCs"),
    ],
)
def test_age_by_long_term_conditions(overrides, segment):
    result = assign_segments(persons_frame([person(**overrides)]), model="age_ltc")
    assert result["segment"].iloc[0] == segment


def test_age_ltc_catch_all_takes_persons_with_unknown_age():
    frame = persons_frame([person(age=30), person(age=50)])
    frame["age"] = pd.array([30, None], dtype="Int64")
    result = assign_segments(frame, model="age_ltc")
    assert result["segment"].tolist() == ["18-44: 0 LTCs", "age unknown"]
    assert result["segment_rule"].tolist() == ["age_18_44_ltc_0", "age_unknown"]


def test_long_term_conditions_count_only_the_flags_present():
    frame = persons_frame([person(age=50, asthma=True, copd=True, chd=True)])
    assert assign_segments(frame, model="age_ltc")["segment"].iloc[0] == "45-64: 3+ LTCs"
    fewer = frame.drop(columns=["chd", "hypertension"])
    assert assign_segments(fewer, model="age_ltc")["segment"].iloc[0] == "45-64: 1-2 LTCs"


def test_every_person_lands_in_exactly_one_segment(persons):
    result = assign_segments(persons)
    assert result["segment"].notna().all()
    assert result["segment_rule"].notna().all()
    model = load_rules()
    counts = result["segment"].value_counts()
    assert counts.sum() == len(persons)
    # The first matching rule decides: recompute by hand with the masks in order.
    from toolkit.segment.model import rule_masks

    masks = np.array(rule_masks(persons, model))
    first = masks.argmax(axis=0)
    assert (result["segment_rule"].cat.codes.to_numpy() == first).all()


def test_returns_a_new_frame_and_leaves_the_input_alone(persons):
    before = persons.copy(deep=True)
    result = assign_segments(persons)
    pd.testing.assert_frame_equal(persons, before)
    assert result is not persons
    assert list(result.columns) == [*persons.columns, "segment", "segment_rule"]
    pd.testing.assert_index_equal(result.index, persons.index)
    assert isinstance(result["segment"].dtype, pd.CategoricalDtype)
    assert list(result["segment"].cat.categories) == list(load_rules().segments)


def test_keeps_a_non_default_index():
    frame = persons_frame([person(age=0), person(dementia=True)]).set_index(
        pd.Index([10, 3], name="row")
    )
    result = assign_segments(frame)
    assert result.loc[3, "segment"] == "frailty"
    assert result.loc[10, "segment"] == "maternal_and_infant"


def test_refuses_to_overwrite_a_segment_column(persons):
    with pytest.raises(ValueError, match="already has a 'segment' column"):
        assign_segments(persons.assign(segment="x"))
    with pytest.raises(ValueError, match="already has a 'segment_rule' column"):
        assign_segments(persons.assign(segment_rule="x"))


def test_rejects_a_non_frame():
    with pytest.raises(
        TypeError, match=r"must be a pandas DataFrame. Got \{'age': \[1\]\} instead"
    ):
        assign_segments({"age": [1]})  # type: ignore[arg-type]


def test_a_missing_column_names_the_rule_and_the_column(persons):
    with pytest.raises(DataContractError) as caught:
        assign_segments(persons.drop(columns=["dementia", "efi"]))
    message = str(caught.value)
    assert "rule 'frailty_efi' needs 'efi'" in message
    assert "rule 'frailty_dementia' needs 'dementia'" in message
    assert "built-in model 'bridges_to_health'" in message


def test_no_condition_flags_at_all_is_an_error_for_n_conditions(persons):
    frame = persons[["age", "sex"]]
    with pytest.raises(DataContractError, match="rule 'age_0_17_ltc_0' counts long-term"):
        assign_segments(frame, model="age_ltc")


def test_unknown_model_name_is_a_value_error(persons):
    # Answered in the name of the function called, not of load_rules, which reads it.
    with pytest.raises(
        ValueError,
        match=r"'model' parameter of assign_segments must be a built-in model's name "
        r"\('bridges_to_health', 'age_ltc'\), the path of a rules file \(.toml, .yaml or .yml\)",
    ):
        assign_segments(persons, model="bridges")
    with pytest.raises(TypeError, match="Got 3 instead"):
        load_rules(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# User rule files
# --------------------------------------------------------------------------------------
def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


FRAIL_TOML = """
    [model]
    name = "frail_first"
    segments = ["other", "frail_elderly", "complex"]

    [[rules]]
    name = "frail_elderly"
    segment = "frail_elderly"
    when = "age >= 75 and (efi > 0.24 or dementia)"

    [[rules]]
    name = "complex"
    segment = "complex"
    when = "count(copd, chd, diabetes) >= 2 or (imd_decile <= 2 and n_conditions() >= 1)"

    [[rules]]
    name = "other"
    segment = "other"
    when = "true"
"""


def test_user_toml_rules(tmp_path):
    path = write(tmp_path, "frail.toml", FRAIL_TOML)
    frame = persons_frame(
        [
            person(age=80, dementia=True, copd=True, chd=True),
            person(age=70, copd=True, chd=True),
            person(age=30, imd_decile=1, asthma=True),
            person(age=30, imd_decile=3, asthma=True),
        ]
    )
    result = assign_segments(frame, model=path)
    assert result["segment"].tolist() == ["frail_elderly", "complex", "complex", "other"]
    assert list(result["segment"].cat.categories) == ["other", "frail_elderly", "complex"]
    model = load_rules(str(path))
    assert model.name == "frail_first"
    assert model.origin == "frail.toml"
    # No title in the file: its name in words, which the report's captions print (a file
    # without a title crashed the board report).
    assert model.title == "Frail first"
    titled = write(
        tmp_path, "titled.toml", FRAIL_TOML.replace("[model]", '[model]\ntitle = "Frailty"')
    )
    assert load_rules(str(titled)).title == "Frailty"
    acronyms = write(tmp_path, "nhs.toml", FRAIL_TOML.replace("frail_first", "NHS_COPD_first"))
    assert load_rules(str(acronyms)).title == "NHS COPD first"


def test_user_yaml_rules_match_the_toml(tmp_path):
    yaml_path = write(
        tmp_path,
        "frail.yaml",
        """
        model:
          name: frail_first
          segments: [other, frail_elderly, complex]
        rules:
          - name: frail_elderly
            segment: frail_elderly
            when: age >= 75 and (efi > 0.24 or dementia)
          - name: complex
            segment: complex
            when: count(copd, chd, diabetes) >= 2 or (imd_decile <= 2 and n_conditions() >= 1)
          - name: other
            segment: other
            when: true
        """,
    )
    toml_model = load_rules(write(tmp_path, "frail.toml", FRAIL_TOML))
    yaml_model = load_rules(yaml_path)
    assert yaml_model.rules == toml_model.rules
    assert yaml_model.segments == toml_model.segments


def test_a_model_object_is_used_as_is():
    model = load_rules("age_ltc")
    assert isinstance(model, SegmentationModel)
    assert load_rules(model) is model


RULE_FILE_ERRORS = [
    (
        """
        [[rules]]
        name = "frail_elderly"
        segment = "frail"
        when = "age >= 75 and efl > 0.24"

        [[rules]]
        name = "other"
        segment = "other"
        when = "true"
        """,
        "rule 'frail_elderly' in my_rules.toml: unknown column 'efl' (did you mean 'efi'?)",
    ),
    (
        """
        [[rules]]
        name = "frail"
        segment = "frail"
        when = "efi > 0.24"
        """,
        "in my_rules.toml: there is no catch-all rule",
    ),
    (
        """
        [[rules]]
        name = "everyone"
        segment = "all"
        when = "true"

        [[rules]]
        name = "frail"
        segment = "frail"
        when = "efi > 0.24"
        """,
        "rule 'everyone' in my_rules.toml: it is a catch-all (when = \"true\") but not the "
        "last rule, so 'frail' could never match",
    ),
    (
        """
        [[rules]]
        name = "a"
        segment = "a"
        when = "copd"

        [[rules]]
        name = "a"
        segment = "b"
        when = "true"
        """,
        "rule 'a' in my_rules.toml: the name is used by an earlier rule",
    ),
    (
        """
        [[rules]]
        name = "a"
        segment = "a"
        condition = "copd"
        """,
        "rule 'a' in my_rules.toml: unknown key 'condition'",
    ),
    (
        """
        [[rules]]
        name = "a"
        segment = "a"
        """,
        "rule 'a' in my_rules.toml: no condition",
    ),
    (
        """
        [[rules]]
        segment = "a"
        when = "true"
        """,
        "the name of rule number 1 must be non-empty text",
    ),
    (
        """
        [[rules]]
        name = "a"
        when = "true"
        """,
        "rule 'a' in my_rules.toml: 'segment' must be non-empty text",
    ),
    (
        """
        [[rule]]
        name = "a"
        """,
        "unknown key 'rule' (did you mean 'rules'?)",
    ),
    ("[model]\nname = 'x'\n", "the file has no rules"),
    ("rules = [", "the file is not valid TOML"),
    (
        """
        [model]
        segments = ["a"]

        [[rules]]
        name = "a"
        segment = "a"
        when = "copd"

        [[rules]]
        name = "b"
        segment = "b"
        when = "true"
        """,
        "[model] segments does not list 'b'",
    ),
    (
        """
        [model]
        segments = ["a", "z"]

        [[rules]]
        name = "a"
        segment = "a"
        when = "true"
        """,
        "[model] segments lists 'z', which no rule assigns",
    ),
    (
        """
        [model]
        colour = "blue"

        [[rules]]
        name = "a"
        segment = "a"
        when = "true"
        """,
        "[model]: unknown key 'colour'",
    ),
    (
        """
        [[rules]]
        name = "a"
        segment = "a"
        when = 3
        """,
        "rule 'a' in my_rules.toml: the condition must be text. Got int instead.",
    ),
]


@pytest.mark.parametrize(("text", "message"), RULE_FILE_ERRORS)
def test_rule_file_errors_name_the_file_and_the_rule(tmp_path, text, message):
    path = write(tmp_path, "my_rules.toml", text)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert message in str(caught.value)
    assert caught.value.source == "my_rules.toml"


def test_bad_yaml_is_a_rule_error(tmp_path):
    path = write(tmp_path, "my_rules.yml", "rules: [name: a\n")
    with pytest.raises(RuleError, match="in my_rules.yml: the file is not valid YAML"):
        load_rules(path)


def test_missing_rules_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No rules file"):
        load_rules(tmp_path / "absent.toml")


def test_a_user_rule_needing_an_absent_column_names_rule_and_column(tmp_path, persons):
    path = write(
        tmp_path,
        "by_ethnicity.toml",
        """
        [[rules]]
        name = "group_a"
        segment = "a"
        when = "ethnic_group == 'A'"

        [[rules]]
        name = "rest"
        segment = "rest"
        when = "true"
        """,
    )
    with pytest.raises(DataContractError, match="rule 'group_a' needs 'ethnic_group'"):
        assign_segments(persons, model=path)
