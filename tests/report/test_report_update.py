"""The quarterly update: configuration, the planted special cause reported, the command line."""

from __future__ import annotations

import tomllib
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.report.update import (
    QUARTERLY_UPDATE,
    UpdateConfig,
    at_a_glance,
    build_update,
    load_update_config,
    prepare_update,
    priorities_table,
    update_config_keys,
    update_config_template,
)

START = pd.Timestamp("2023-04-01")


def planted_series(path, *, fall: float = 0.3, start_month: int = 27) -> None:
    """Two priorities' monthly series; the first falls by ``fall`` from ``start_month``."""
    rng = np.random.default_rng(7)
    rows = []
    for theme, expected in (("falls_and_frailty", 240.0), ("high_blood_pressure", 180.0)):
        for month in range(36):
            mean = expected * (
                1 - fall if theme == "falls_and_frailty" and month >= start_month else 1
            )
            rows.append(
                {
                    "series": f"{theme}.admissions",
                    "theme": theme,
                    "period": (START + pd.DateOffset(months=month)).strftime("%Y-%m"),
                    "numerator": int(rng.poisson(mean)),
                    "denominator": 60_000,
                    "improvement": "decrease",
                    "unit": "per 1,000 people a month",
                    "label": "Emergency admissions",
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)


def write_config(folder, **keys) -> str:
    lines = [
        'system_name = "Test ICS"',
        'period = "January to March 2026"',
        'series = "series.csv"',
    ]
    for key, value in keys.items():
        lines.append(f"{key} = {value}")
    path = folder / "update.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_the_template_lists_every_key_and_reads_back(tmp_path):
    keys = {spec.name for spec in fields(UpdateConfig)} - {"source"}
    assert set(update_config_keys()) == keys
    text = update_config_template()
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") and " = " in line else line for line in text.splitlines()
    )
    parsed = tomllib.loads(uncommented)
    assert set(parsed) == keys
    # the example values are valid once the files they name exist
    for name in ("series", "persons", "previous_persons"):
        parsed[name] = "demo"
    del parsed["decision_log"], parsed["workshop"]  # the alternative to priorities
    assert UpdateConfig(**parsed).fix_after == 24


def test_bad_configurations_name_the_file_and_key(tmp_path):
    planted_series(tmp_path / "series.csv")
    with pytest.raises(ValueError, match=r"update\.toml: unknown key\(s\) 'priority'"):
        load_update_config(write_config(tmp_path, priority='["x"]'))
    with pytest.raises(ValueError, match="'priorities' is needed when previous_persons"):
        load_update_config(write_config(tmp_path))
    with pytest.raises(TypeError, match="'fix_after' must be a whole number"):
        load_update_config(write_config(tmp_path, priorities='["x"]', fix_after='"24"'))
    with pytest.raises(FileNotFoundError, match="'persons' names .*nope.parquet"):
        load_update_config(write_config(tmp_path, priorities='["x"]', persons='"nope.parquet"'))
    no_period = tmp_path / "no-period.toml"
    no_period.write_text('system_name = "A"\nseries = "series.csv"\npriorities = ["x"]\n')
    with pytest.raises(ValueError, match="no-period.toml: 'period' is missing"):
        load_update_config(no_period)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('system_name = "Ynys Môn"\nperiod = "Q1"\n'.encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.toml: is not UTF-8 text \(line "):
        load_update_config(latin1)  # named, as the report's configuration is
    typo = load_update_config(write_config(tmp_path, priorities='["falls_and_fraility"]'))
    with pytest.raises(ValueError, match=r"'priorities' names \['falls_and_fraility'\]"):
        prepare_update(typo)


def test_a_planted_fall_is_reported_as_special_cause_improvement(tmp_path):
    planted_series(tmp_path / "series.csv")
    config = load_update_config(
        write_config(
            tmp_path,
            priorities='["falls_and_frailty", "high_blood_pressure"]',
            fix_after=24,
            ambitions="{ falls_and_frailty = 2.0 }",
            ambitions_by='{ falls_and_frailty = "2026-03" }',
        )
    )
    update = prepare_update(config)
    glance = str(at_a_glance(update))
    headline, planted = glance.splitlines()[1:3]
    assert headline.startswith("Of 2 priorities, 2 are charted: 1 improving, 1 with no sign")
    assert planted.startswith("- Prevent falls and support people living with frailty — ")
    assert "Special cause improvement since" in planted
    # the trajectory reaches the ambition in the latest month; the fall is not that deep
    assert (
        "The trajectory to the ambition of 2.0 by March 2026 expects 2.0 now: behind it." in planted
    )
    run_start = update.followup.priorities.set_index("priority").at[
        "falls_and_frailty", "run_start"
    ]
    # the fall starts in July 2025 (month 27); the shift rule may take in a low month before
    assert pd.Timestamp("2025-05-01") <= run_start <= pd.Timestamp("2025-07-01")
    other = glance.splitlines()[3]
    assert "Special cause improvement" not in other
    table = str(priorities_table(update))
    assert "Improving" in table and "No ambition set" in table
    assert update.moved is None


def test_without_the_fall_nothing_is_reported(tmp_path):
    planted_series(tmp_path / "series.csv", fall=0.0)
    config = load_update_config(
        write_config(tmp_path, priorities='["falls_and_frailty"]', fix_after=24)
    )
    glance = str(at_a_glance(prepare_update(config)))
    assert "Special cause improvement" not in glance


def test_the_built_update_says_so_and_passes_the_disclosure_scan(tmp_path):
    planted_series(tmp_path / "series.csv")
    config = write_config(
        tmp_path, priorities='["falls_and_frailty", "high_blood_pressure"]', fix_after=24
    )
    result = build_update(config, tmp_path / "out", progress=False, pdf=False)
    assert result.html.name == QUARTERLY_UPDATE.html
    assert result.notebook.name == QUARTERLY_UPDATE.notebook
    html = result.html.read_text(encoding="utf-8")
    assert "Special cause improvement since" in html
    assert "Synthetic data" not in html  # not the demo, not said to be synthetic
    assert html.count('alt="Statistical process control chart of') == 2  # the charts, described
    assert "No description has been provided" not in html


def test_the_command_line_prints_the_config_and_refuses_bad_input_cleanly(tmp_path, capsys):
    assert main(["monitor", "--print-config"]) == 0
    assert "system_name =" in capsys.readouterr().out
    planted_series(tmp_path / "series.csv")
    bad = write_config(tmp_path, priorities='["x"]', fix_after=3)
    assert main(["monitor", "--config", bad, "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "'fix_after' must be 12 or more" in error and "Traceback" not in error


def test_values_without_counts_are_charted_only_when_said_to_be_published(tmp_path):
    planted_series(tmp_path / "counts.csv")
    frame = pd.read_csv(tmp_path / "counts.csv")
    frame.assign(value=frame["numerator"] / frame["denominator"] * 1000).drop(
        columns=["numerator", "denominator"]
    ).to_csv(tmp_path / "series.csv", index=False)
    config = write_config(tmp_path, priorities='["falls_and_frailty"]', fix_after=24)
    hidden = prepare_update(load_update_config(config)).followup.priorities.iloc[0]
    assert not hidden["shown"] and "values without counts" in hidden["note"]
    published = write_config(
        tmp_path, priorities='["falls_and_frailty"]', fix_after=24, published_values="true"
    )
    shown = prepare_update(load_update_config(published)).followup.priorities.iloc[0]
    assert shown["shown"] and shown["variation"] == "improvement_low"


def test_priorities_can_come_from_the_workshop_s_decision_log(tmp_path):
    from toolkit.data import make_demo_system
    from toolkit.prioritise import prioritise_persons
    from toolkit.report.decision_log import read_decision_log, room_answer
    from toolkit.workshop import SubmissionStore

    planted_series(tmp_path / "series.csv")
    persons = make_demo_system(persons=20_000, seed=20261122).persons
    persons.to_parquet(tmp_path / "persons.parquet")
    earlier = prioritise_persons(persons, seed=20261122)
    names = [criterion.name for criterion in earlier.criteria]
    store = SubmissionStore(tmp_path / "submissions.sqlite", criteria=names)
    for table, weight in (("Table 1", "evidence_score"), ("Table 2", "evidence_score")):
        weights = {name: 1.0 for name in names} | {weight: 10.0}
        store.submit("Spring", table, "Residents", weights, [earlier.shortlist["candidate"][0]])
    log = store.export("Spring", tmp_path / "decision-log.json")
    config = load_update_config(
        write_config(
            tmp_path,
            decision_log='"decision-log.json"',
            previous_persons='"persons.parquet"',
            persons='"persons.parquet"',
        )
    )
    update = prepare_update(config)
    room = room_answer(read_decision_log(log), earlier)
    assert update.agreed == list(room.shortlist_ids)
    assert update.agreed != list(earlier.shortlist["candidate"])  # the room's, not equal weights
    assert "the 'Spring' workshop agreed (2 tables" in update.agreed_from
    # the same data with the room's weights: nothing moves
    assert set(update.moved["change"]) <= {"stayed", "outside"}
    with pytest.raises(ValueError, match="'decision_log' goes without priorities"):
        load_update_config(
            write_config(
                tmp_path,
                priorities='["x"]',
                decision_log='"decision-log.json"',
                previous_persons='"persons.parquet"',
            )
        )
