"""Preparing a workshop folder once and reading it back."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.workshop import (
    add_example_submissions,
    demo_workshop,
    load_workshop,
    prepare_workshop,
)

from .conftest import CRITERIA, NAMES


def test_prepare_and_load_round_trip(workshop_config, candidates):
    folder = workshop_config.parent
    assert sorted(path.name for path in folder.iterdir()) == [
        "candidates.parquet",
        "criteria.json",
        "excluded.csv",
        "workshop.toml",
    ]
    workshop = load_workshop(workshop_config)
    assert workshop.name == "Test workshop"
    assert workshop.criteria == tuple(CRITERIA)
    assert (workshop.shortlist_size, workshop.dots, workshop.method) == (3, 2, "weighted_sum")
    assert workshop.store_path == folder / "submissions.sqlite"
    pd.testing.assert_frame_equal(
        workshop.candidates[["candidate", *NAMES]],
        candidates[["candidate", *NAMES]],
        check_dtype=False,
    )
    assert len(workshop.model) == len(candidates)
    assert workshop.excluded is not None and workshop.excluded.empty
    # Equal default weights start every slider half-way.
    assert workshop.start_weights.tolist() == [5, 5, 5, 5]


def test_prepare_keeps_the_input_and_refuses_to_overwrite(tmp_path, candidates):
    before = candidates.copy()
    candidates.attrs["excluded"] = pd.DataFrame({"candidate": ["x"], "reason": ["too few"]})
    config = prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA)
    pd.testing.assert_frame_equal(candidates, before)
    assert load_workshop(config).excluded["candidate"].tolist() == ["x"]
    with pytest.raises(FileExistsError, match="overwrite=True"):
        prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA)
    prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, overwrite=True, dots=0)
    assert load_workshop(config).dots == 0


def test_start_weights_keep_the_default_ratios(tmp_path, candidates):
    from toolkit.prioritise import Criterion

    criteria = [
        Criterion(name, "benefit", "min_max", weight)
        for name, weight in zip(NAMES, [2.0, 1.0, 1.0, 0.0], strict=True)
    ]
    workshop = load_workshop(prepare_workshop(candidates, out_dir=tmp_path, criteria=criteria))
    assert workshop.start_weights.tolist() == [8, 4, 4, 0]


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"shortlist_size": 8}, ValueError, "shortlist_size"),
        ({"shortlist_size": 12}, ValueError, "shortlist_size"),
        ({"dots": -1}, ValueError, "'dots'"),
        ({"method": "vote"}, ValueError, "'method'"),
        ({"name": ""}, TypeError, "'name'"),
    ],
)
def test_prepare_rejects_bad_settings(tmp_path, candidates, options, error, words):
    with pytest.raises(error, match=words):
        prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, **options)
    assert not (tmp_path / "workshop.toml").exists()


def test_prepare_rejects_bad_data(tmp_path, candidates):
    with pytest.raises(ValueError, match="candidates table .* or a cohort cube"):
        prepare_workshop(candidates.drop(columns="candidate"), out_dir=tmp_path)
    broken = candidates.assign(burden=candidates["burden"].where(candidates.index != 4))
    with pytest.raises(DataContractError, match="'burden'.*'c04'"):
        prepare_workshop(broken, out_dir=tmp_path, criteria=CRITERIA)
    with pytest.raises(ValueError, match="more candidates than places"):
        prepare_workshop(candidates.head(3), out_dir=tmp_path, criteria=CRITERIA, shortlist_size=3)


def test_load_reports_problems(workshop_config):
    with pytest.raises(FileNotFoundError, match="no workshop configuration"):
        load_workshop(workshop_config.parent / "nothing.toml")
    text = workshop_config.read_text(encoding="utf-8")
    workshop_config.write_text(text.replace("dots = 2", 'dots = "two"'), encoding="utf-8")
    with pytest.raises(ValueError, match="'dots' must be int"):
        load_workshop(workshop_config)
    workshop_config.write_text(text.replace("criteria.json", "gone.json"), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="gone.json"):
        load_workshop(workshop_config)
    workshop_config.write_text("[workshop\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_workshop(workshop_config)


def test_example_submissions_are_reproducible(workshop):
    ids = add_example_submissions(workshop, tables=3, seed=7)
    assert len(ids) == 3
    latest = workshop.store.latest(workshop.name)
    assert latest["table"].tolist() == ["Table 1", "Table 2", "Table 3"]
    assert (latest["dots"] == workshop.dots).all()
    weights = latest[[f"weight_{name}" for name in NAMES]].to_numpy()
    again = load_workshop(workshop.config_path)
    add_example_submissions(again, tables=3, seed=7)
    repeated = again.store.latest(workshop.name)[[f"weight_{name}" for name in NAMES]]
    assert (repeated.to_numpy() == weights).all()


@pytest.mark.slow
def test_demo_workshop_from_a_synthetic_cube(tmp_path):
    config = demo_workshop(example_tables=2, folder=tmp_path / "demo", cache_dir=tmp_path / "cache")
    workshop = load_workshop(config)
    assert workshop.name == "Demo workshop"
    assert len(workshop.candidates) > workshop.shortlist_size
    # The room weighs the one prioritisation: the themes and their criteria.
    from toolkit.prioritise import theme_criteria

    names = [criterion.name for criterion in theme_criteria()]
    assert [criterion.name for criterion in workshop.criteria] == names
    assert workshop.candidates["theme"].is_unique
    assert "Find and treat high blood pressure" in set(workshop.candidates["label"])
    # The same candidates as the demo's board report: one result, rendered everywhere.
    from toolkit.data import make_demo_system
    from toolkit.prioritise import prioritise_persons
    from toolkit.workshop.config import DEMO_PERSONS, DEMO_SEED

    demo = prioritise_persons(
        make_demo_system(persons=DEMO_PERSONS, seed=DEMO_SEED).persons, seed=DEMO_SEED, draws=500
    )
    assert list(workshop.candidates["candidate"]) == list(demo.scoring.table["candidate"])
    scored = workshop.model.to_frame()
    assert list(scored["candidate"].head(5)) == list(demo.shortlist["candidate"])
    # Nothing is dropped silently: themes that could not be measured are listed.
    assert workshop.excluded is not None and "reason" in workshop.excluded.columns
    assert len(workshop.store.latest(workshop.name)) == 2
    (cached,) = (tmp_path / "cache").iterdir()
    assert json.loads((cached / "criteria.json").read_text())[0]["name"] == names[0]
    # A second demo reuses the cache and starts with an empty store.
    second = load_workshop(demo_workshop(folder=tmp_path / "again", cache_dir=tmp_path / "cache"))
    assert len(list((tmp_path / "cache").iterdir())) == 1
    assert second.store.submissions(second.name).empty
    assert os.fspath(second.store_path).startswith(os.fspath(tmp_path / "again"))


def test_per_cohort_setting_round_trips(tmp_path, candidates):
    config = prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, per_cohort=None)
    assert "per_cohort = 0" in config.read_text(encoding="utf-8")
    assert load_workshop(config).per_cohort is None
    prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, per_cohort=2, overwrite=True)
    assert load_workshop(config).per_cohort == 2
    with pytest.raises(ValueError, match="'per_cohort'"):
        prepare_workshop(
            candidates, out_dir=tmp_path, criteria=CRITERIA, per_cohort=0, overwrite=True
        )
