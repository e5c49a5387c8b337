"""The quarterly update: configuration, the planted special cause reported, the command line."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

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
    priority_chart,
    priority_sentences,
    update_config_keys,
    update_config_template,
    update_provenance,
    update_title,
    what_moved_section,
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
    parsed["weights"] |= {"community_voice": 1, "feasibility": 1}  # with criteria_scores
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
    with pytest.raises(ValueError, match="'criteria_scores' must name a file, or be left out"):
        load_update_config(write_config(tmp_path, priorities='["x"]', criteria_scores='" "'))
    no_period = tmp_path / "no-period.toml"
    no_period.write_text('system_name = "A"\nseries = "series.csv"\npriorities = ["x"]\n')
    with pytest.raises(ValueError, match="no-period.toml: 'period' is missing"):
        load_update_config(no_period)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('system_name = "Ynys Môn"\nperiod = "Q1"\n'.encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.toml: is not UTF-8 text \(line "):
        load_update_config(latin1)  # named, as the report's configuration is
    typo = load_update_config(write_config(tmp_path, priorities='["falls_and_fraility"]'))
    with pytest.raises(
        ValueError,
        match=r"'priorities' names 'falls_and_fraility', .* \(did you mean 'falls_and_frailty'\?\)",
    ):
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
    assert "The trajectory to the ambition of 2 by March 2026 expects 2 now: behind it." in planted
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
    assert "three years of quarterly ones" in error


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


def test_own_themes_and_model_are_followed_as_the_board_report_measured_them(tmp_path):
    """The update's ``themes`` and ``model`` keys: an own theme is labelled and measured."""
    from toolkit.data import make_demo_system
    from toolkit.prioritise import THEME_LIBRARY

    folder = tmp_path / "my_themes"
    folder.mkdir()
    text = (Path(THEME_LIBRARY) / "high_blood_pressure.toml").read_text(encoding="utf-8")
    text = text.replace('id = "high_blood_pressure"', 'id = "our_bp_drive"', 1)
    text = text.replace(
        'name = "Find and treat high blood pressure"', 'name = "Our pharmacy blood pressure drive"'
    )
    (folder / "our_bp_drive.toml").write_text(text, encoding="utf-8")
    planted_series(tmp_path / "series.csv")
    series = pd.read_csv(tmp_path / "series.csv")
    series["theme"] = series["theme"].replace({"high_blood_pressure": "our_bp_drive"})
    series.to_csv(tmp_path / "series.csv", index=False)
    make_demo_system(persons=20_000, seed=5).persons.to_parquet(tmp_path / "persons.parquet")
    config = load_update_config(
        write_config(
            tmp_path,
            priorities='["our_bp_drive", "falls_and_frailty"]',
            themes='["my_themes"]',
            model='"age_ltc"',
            persons='"persons.parquet"',
        )
    )
    assert config.themes == [str(folder.resolve())] and config.model == "age_ltc"
    update = prepare_update(config)
    followed = update.followup.priorities
    labels = dict(zip(followed["priority"], followed["label"], strict=True))
    assert labels["our_bp_drive"] == "Our pharmacy blood pressure drive"
    moved = update.moved.set_index("candidate")
    assert moved.at["our_bp_drive", "label"] == "Our pharmacy blood pressure drive"
    assert not pd.isna(moved.at["our_bp_drive", "rank_after"])  # measured on the newer data
    with pytest.raises(FileNotFoundError, match=r"'themes' names .*nowhere.*: no such folder"):
        load_update_config(write_config(tmp_path, priorities='["x"]', themes='["nowhere"]'))
    with pytest.raises(ValueError, match="'model' must be one of"):
        load_update_config(write_config(tmp_path, priorities='["x"]', model='"segments"'))
    assert {"model", "themes"} <= set(update_config_keys())
    # a priority given by its series id is compared, in what moved, as its theme
    by_series = prepare_update(
        load_update_config(
            write_config(
                tmp_path,
                priorities='["falls_and_frailty.admissions", "our_bp_drive"]',
                themes='["my_themes"]',
                persons='"persons.parquet"',
            )
        )
    )
    assert "falls_and_frailty" in set(by_series.moved["candidate"])
    assert "falls_and_frailty.admissions" not in set(by_series.moved["candidate"])
    assert by_series.moved.set_index("candidate").at["falls_and_frailty", "shortlisted_before"]


def test_the_update_template_takes_every_configuration_key():
    """papermill passes every key; a key the template does not assign is silently unused."""
    import jupytext
    import nbformat

    root = Path(__file__).resolve().parents[2] / "reports"
    notebook = nbformat.read(root / "quarterly_update.ipynb", as_version=4)
    script = jupytext.read(root / "quarterly_update.py")
    assert [c.source for c in notebook.cells] == [c.source for c in script.cells]
    (parameters,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assigned = {line.split("=")[0].strip() for line in parameters.source.splitlines()}
    assert assigned == {field.name for field in fields(UpdateConfig)}
    body = "".join(c.source for c in notebook.cells if c is not parameters)
    assert all(f"{field.name}={field.name}," in body for field in fields(UpdateConfig))


def test_keys_that_do_not_fit_the_series_are_refused_before_papermill(tmp_path, capsys):
    """Each key named with the file, before the notebook runs (no notebook trace)."""
    planted_series(tmp_path / "series.csv")
    source = write_config(
        tmp_path,
        priorities='["falls_and_frailty", "high_blood_pressure"]',
        outcomes='{ high_blood_pressure = "deaths" }',
        ambitions="{ falls_and_fraility = 0.9 }",
        ambitions_by='{ falls_and_frailty = "2027-15" }',
        rebase='["2025-4x", "2030-01"]',
    )
    config = load_update_config(source)
    with pytest.raises(ValueError) as refused:
        prepare_update(config)
    message = str(refused.value)
    assert message.startswith(
        f"{source}: the quarterly update configuration does not fit the series table (5 problems):"
    )
    for said in (
        "'outcomes' gives 'high_blood_pressure' the outcome 'deaths', which its series do "
        "not have (they name no outcome)",
        "'ambitions' names 'falls_and_fraility', which is not one of the priorities (did you "
        "mean 'falls_and_frailty'?)",
        "'ambitions_by' gives 'falls_and_frailty' '2027-15', which is not a date or month",
        "'rebase' has '2025-4x', which is not a period",
        "'rebase' has '2030-01', which is none of the series' periods (they run from April "
        "2023 to March 2026)",
    ):
        assert said in message
    assert main(["monitor", "--config", source, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "'rebase' has '2030-01'" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "quarterly-update.ipynb").exists()
    # TOML dates, unquoted, are dates: accepted as text is
    dated = load_update_config(
        write_config(
            tmp_path,
            priorities='["falls_and_frailty"]',
            ambitions="{ falls_and_frailty = 0.2 }",
            ambitions_by="{ falls_and_frailty = 2027-03-31 }",
            rebase="[2025-04-01]",
        )
    )
    assert prepare_update(dated).followup.priorities.iloc[0]["shown"]
    # series is required: leaving it out does not chart the demo's invented series
    (tmp_path / "noseries.toml").write_text(
        'system_name = "X"\nperiod = "Q1"\npriorities = ["a"]\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="'series' is missing"):
        load_update_config(tmp_path / "noseries.toml")


def test_the_headline_counts_priorities_and_says_which_places_are_not_charted(tmp_path):
    planted_series(tmp_path / "series.csv")
    series = pd.read_csv(tmp_path / "series.csv")
    small = series[series["theme"] == "falls_and_frailty"].assign(
        place="Tarnholme", numerator=4, denominator=5_000
    )
    whole = series.assign(place="")  # the whole system written as a blank place
    pd.concat([whole, small]).to_csv(tmp_path / "series.csv", index=False)
    update = prepare_update(
        load_update_config(write_config(tmp_path, priorities='["falls_and_frailty"]'))
    )
    title, glance = update_title(update).text, at_a_glance(update).text
    assert "How the 1 priority the board agreed is moving" in title
    assert "Of 1 priority, 1 is charted: " in glance
    assert (
        "Not charted place by place, because of small or missing counts: Prevent falls and "
        "support people living with frailty (Tarnholme)." in glance
    )
    figure = priority_chart(update, "falls_and_frailty")
    assert "(Whole system)" in figure.axes[0].get_title(loc="left") + str(
        [text.get_text() for text in figure.texts]
    )


def test_quarterly_series_are_worded_in_quarters(tmp_path):
    rows = []
    for quarter in range(12):
        start = START + pd.DateOffset(months=3 * quarter)
        rows.append(
            {
                "series": "falls_and_frailty.admissions",
                "theme": "falls_and_frailty",
                "period": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
                "numerator": 700 + quarter,
                "denominator": 60_000,
                "improvement": "decrease",
                "unit": "per 1,000 people a quarter",
                "label": "Emergency admissions",
            }
        )
    pd.DataFrame(rows).to_csv(tmp_path / "series.csv", index=False)
    update = prepare_update(
        load_update_config(
            write_config(tmp_path, priorities='["falls_and_frailty"]', fix_after="12")
        )
    )
    provenance = update_provenance(update).text
    assert "fixed on the first 12 quarters" in provenance
    assert "Series with any quarter of 1 to 9 events" in provenance
    table = priorities_table(update).cells
    assert table["Latest"].tolist() == ["Jan-Mar 2026"]
    (line,) = [text for _, text in priority_sentences(update)]
    assert "in Jan-Mar 2026" in line and "January 2026" not in line
    row = update.followup.priorities.iloc[0]
    assert "limits from all its 12 points" in row["note"]


def test_the_inferred_shortlist_takes_the_report_s_criteria_scores(tmp_path):
    """Without priorities, the update follows the shortlist the report showed (same scores)."""
    from toolkit.data import make_demo_system
    from toolkit.prioritise import (
        THEME_ANALYST_CRITERIA,
        prioritise_persons,
        write_criteria_template,
    )

    planted_series(tmp_path / "series.csv")
    persons = make_demo_system(persons=20_000, seed=8).persons
    persons.to_parquet(tmp_path / "persons.parquet")
    plain = prioritise_persons(persons, seed=20261122)
    template = write_criteria_template(
        plain.candidates, tmp_path / "criteria.csv", criteria=THEME_ANALYST_CRITERIA
    )
    rows = pd.read_csv(template, comment="#")
    last = plain.candidates.sort_values("score")["candidate"].iloc[:3].tolist()
    rows["community_voice"] = [3 if c in last else 0 for c in rows["candidate"]]
    rows["feasibility"] = [5 if c in last else 1 for c in rows["candidate"]]
    rows.to_csv(template, index=False)
    scored = prioritise_persons(persons, seed=20261122, analyst_scores=template)
    assert scored.shortlist["candidate"].tolist() != plain.shortlist["candidate"].tolist()
    update = prepare_update(
        load_update_config(
            write_config(
                tmp_path,
                previous_persons='"persons.parquet"',
                criteria_scores='"criteria.csv"',
            )
        )
    )
    assert update.agreed == scored.shortlist["candidate"].tolist()


def test_a_template_for_the_earlier_themes_leaves_what_moved_out_with_a_reason(tmp_path):
    """The newer data measured a theme the analysts' template did not score: no crash."""
    from toolkit.data import make_demo_system
    from toolkit.prioritise import (
        THEME_ANALYST_CRITERIA,
        prioritise_persons,
        write_criteria_template,
    )

    planted_series(tmp_path / "series.csv")
    newer = make_demo_system(persons=20_000, seed=8).persons
    earlier = newer.assign(atrial_fibrillation=False)  # its theme not measurable then
    earlier.to_parquet(tmp_path / "earlier.parquet")
    newer.to_parquet(tmp_path / "newer.parquet")
    before = prioritise_persons(earlier, seed=20261122)
    template = write_criteria_template(
        before.candidates, tmp_path / "criteria.csv", criteria=THEME_ANALYST_CRITERIA
    )
    rows = pd.read_csv(template, comment="#")
    rows["community_voice"], rows["feasibility"] = 2, 3
    rows.to_csv(template, index=False)
    config = load_update_config(
        write_config(
            tmp_path,
            priorities='["falls_and_frailty"]',
            previous_persons='"earlier.parquet"',
            persons='"newer.parquet"',
            criteria_scores='"criteria.csv"',
        )
    )
    with pytest.warns(UserWarning, match="What would move on the newer data is not shown"):
        update = prepare_update(config)
    assert update.moved is None
    assert "Fill a template for the newer data" in what_moved_section(update).text
