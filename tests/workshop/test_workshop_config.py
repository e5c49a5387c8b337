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
    with pytest.raises(ValueError, match="candidates table .* or a segment cube"):
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


# -- the table list, the limits and the persistent demo folder ---------------------------


def test_tables_default_to_twelve_and_the_store_takes_them_once(workshop_config, workshop):
    assert "tables = 12" in workshop_config.read_text(encoding="utf-8")
    assert workshop.tables == tuple((f"Table {n}", "Mixed table") for n in range(1, 13))
    listed = workshop.store.tables(workshop.name)
    assert listed["table"].tolist() == [f"Table {n}" for n in range(1, 13)]
    assert (listed["status"] == "active").all()
    # The facilitator's changes stay: another kernel loading the workshop does not undo them.
    workshop.store.remove_table(workshop.name, "Table 12")
    again = load_workshop(workshop_config)
    assert again.store.tables(workshop.name)["status"].tolist()[-1] == "removed"
    assert again.store.events(workshop.name)["kind"].tolist() == ["tables_set", "table_removed"]
    from toolkit.workshop.store import SubmissionRefused

    with pytest.raises(SubmissionRefused, match="'Tabel 7' is not one of"):
        again.store.submit(
            workshop.name, "Tabel 7", "Residents", dict.fromkeys(NAMES, 1.0), ["c00"]
        )


MIXED = "Mixed table"


@pytest.mark.parametrize(
    ("tables", "written", "loaded"),
    [
        (3, "tables = 3", (("Table 1", MIXED), ("Table 2", MIXED), ("Table 3", MIXED))),
        (
            ["Red", " Blue  table "],
            'tables = ["Red", "Blue table"]',
            (("Red", MIXED), ("Blue table", MIXED)),
        ),
        (
            {"Red": "Residents", "Blue": "Council"},
            'tables = [["Red", "Residents"], ["Blue", "Council"]]',
            (("Red", "Residents"), ("Blue", "Council")),
        ),
        (
            [("Red", "Residents"), "Blue"],
            'tables = [["Red", "Residents"], ["Blue", "Mixed table"]]',
            (("Red", "Residents"), ("Blue", MIXED)),
        ),
    ],
)
def test_tables_setting_round_trips(tmp_path, candidates, tables, written, loaded):
    config = prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, tables=tables)
    assert written in config.read_text(encoding="utf-8")
    workshop = load_workshop(config)
    assert workshop.tables == loaded
    listed = workshop.store.tables(workshop.name)
    assert sorted(map(tuple, listed[["table", "group"]].values.tolist())) == sorted(loaded)


@pytest.mark.parametrize(
    ("tables", "error", "words"),
    [
        (0, ValueError, "number of tables \\(1 to 100\\)"),
        (101, ValueError, "Got 101 instead"),
        ([], ValueError, "Got 0 tables"),
        (["Table 1", "table  1"], ValueError, "each name once"),
        (["Table 1", "   "], ValueError, "must not be blank"),
        ([["Table 1", "A", "B"]], TypeError, "\\[name, group\\] pairs"),
        ("Table 1", TypeError, "Got str instead"),
        (True, TypeError, "Got bool instead"),
    ],
)
def test_bad_tables_are_refused(tmp_path, candidates, tables, error, words):
    with pytest.raises(error, match=words):
        prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, tables=tables)
    assert not (tmp_path / "workshop.toml").exists()


def test_tables_setting_is_checked_when_loading(workshop_config):
    text = workshop_config.read_text(encoding="utf-8")
    workshop_config.write_text(text.replace("tables = 12", "tables = 0"), encoding="utf-8")
    with pytest.raises(ValueError, match="'tables' setting in .*workshop.toml"):
        load_workshop(workshop_config)
    # A configuration written before tables were listed gets the twelve default tables.
    workshop_config.write_text(text.replace("tables = 12\n", ""), encoding="utf-8")
    assert len(load_workshop(workshop_config).tables) == 12


def test_submission_limits_round_trip(tmp_path, candidates, workshop):
    assert (workshop.min_interval, workshop.max_per_round) == (2.0, 30)
    assert (workshop.store.min_interval, workshop.store.max_per_round) == (2.0, 30)
    config = prepare_workshop(
        candidates, out_dir=tmp_path, criteria=CRITERIA, min_interval=0, max_per_round=None
    )
    text = config.read_text(encoding="utf-8")
    assert "min_interval = 0.0" in text and "max_per_round = 0" in text
    loaded = load_workshop(config)
    assert (loaded.min_interval, loaded.max_per_round) == (0.0, None)
    assert (loaded.store.min_interval, loaded.store.max_per_round) == (0.0, None)
    with pytest.raises(ValueError, match="'min_interval'"):
        prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, min_interval=-1)
    with pytest.raises(ValueError, match="'max_per_round'"):
        prepare_workshop(candidates, out_dir=tmp_path, criteria=CRITERIA, max_per_round=0)


def test_example_submissions_use_the_list_of_tables(tmp_path, candidates):
    config = prepare_workshop(
        candidates, out_dir=tmp_path, criteria=CRITERIA, tables=["Red", "Blue"], dots=0
    )
    workshop = load_workshop(config)
    add_example_submissions(workshop, tables=2)
    assert workshop.store.latest(workshop.name)["table"].tolist() == ["Blue", "Red"]
    with pytest.raises(ValueError, match="at most 2"):
        add_example_submissions(workshop, tables=3)


@pytest.fixture
def demo_cache(tmp_path, candidates):
    """A demo cache prepared from the small test candidates, so that no system is built."""
    from toolkit.workshop.config import DEMO_PERSONS, DEMO_SEED, _pipeline_fingerprint

    cache = tmp_path / "cache"
    prepare_workshop(
        candidates,
        out_dir=cache / f"workshop-demo-{DEMO_PERSONS}-{DEMO_SEED}-{_pipeline_fingerprint()}",
        criteria=CRITERIA,
        name="Demo workshop",
    )
    return cache


def test_demo_folder_is_named_and_persistent(tmp_path, monkeypatch):
    from toolkit.workshop.config import demo_folder

    monkeypatch.delenv("POPHEALTH_WORKSHOP_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert demo_folder() == tmp_path / "data" / "pophealth-toolkit" / "workshops" / "demo"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert demo_folder() == (
        tmp_path / "home" / ".local" / "share" / "pophealth-toolkit" / "workshops" / "demo"
    )
    monkeypatch.setenv("POPHEALTH_WORKSHOP_DIR", str(tmp_path / "room"))
    assert demo_folder() == tmp_path / "room"


def test_demo_workshop_keeps_its_store_between_calls(tmp_path, monkeypatch, demo_cache):
    monkeypatch.setenv("POPHEALTH_WORKSHOP_DIR", str(tmp_path / "room"))
    config = demo_workshop(cache_dir=demo_cache)
    assert config == tmp_path / "room" / "workshop.toml"
    workshop = load_workshop(config)
    assert workshop.tables[1] == ("Table 2", "Clinicians")  # the demo's groups, in turn
    weights = dict.fromkeys(NAMES, 1.0)
    first = workshop.store.submit(workshop.name, "Table 2", "Clinicians", weights, ["c00"])
    workshop.store.close_round(workshop.name)

    again = demo_workshop(cache_dir=demo_cache)  # a restart: the configuration is rewritten
    assert again == config
    reloaded = load_workshop(again)
    assert reloaded.store.submissions(reloaded.name)["submission_id"].tolist() == [first]
    assert not reloaded.store.current_round(reloaded.name).open
    assert not list((tmp_path / "room").glob(".workshop.toml.*"))  # no half-written files


def test_demo_example_tables_are_added_once_in_their_own_folder(tmp_path, monkeypatch, demo_cache):
    monkeypatch.setenv("POPHEALTH_WORKSHOP_DIR", str(tmp_path / "room"))
    config = demo_workshop(example_tables=3, cache_dir=demo_cache)
    assert config == tmp_path / "room" / "with-3-example-tables" / "workshop.toml"
    workshop = load_workshop(config)
    log = workshop.store.submissions(workshop.name)
    assert log["table"].tolist() == ["Table 1", "Table 2", "Table 3"]
    assert demo_workshop(example_tables=3, cache_dir=demo_cache) == config
    assert workshop.store.submissions(workshop.name).equals(log)  # nothing added
    # The room's own demo store is another one, and holds no example.
    plain = load_workshop(demo_workshop(cache_dir=demo_cache))
    assert plain.store.submissions(plain.name).empty
    with pytest.raises(ValueError, match="at most 12"):
        demo_workshop(example_tables=13, cache_dir=demo_cache)


def test_a_demo_whose_candidates_changed_starts_a_new_store(
    tmp_path, monkeypatch, candidates, demo_cache
):
    from toolkit.workshop.config import DEMO_PERSONS, DEMO_SEED, _pipeline_fingerprint

    monkeypatch.setenv("POPHEALTH_WORKSHOP_DIR", str(tmp_path / "room"))
    first = load_workshop(demo_workshop(cache_dir=demo_cache))
    assert first.store_path.parent == tmp_path / "room"
    assert first.store_path.name.startswith("submissions-")
    first.store.submit(first.name, "Table 1", "Mixed table", dict.fromkeys(NAMES, 1.0), ["c00"])
    # A later version of the demo with other candidates.
    changed = tmp_path / "changed-cache"
    prepare_workshop(
        candidates.assign(candidate=[f"x{i:02d}" for i in range(len(candidates))]),
        out_dir=changed / f"workshop-demo-{DEMO_PERSONS}-{DEMO_SEED}-{_pipeline_fingerprint()}",
        criteria=CRITERIA,
    )
    second = load_workshop(demo_workshop(cache_dir=changed))
    assert second.store_path != first.store_path
    assert second.store.submissions(second.name).empty
    assert len(first.store.submissions(first.name)) == 1  # the old store is kept
