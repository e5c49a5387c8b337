from __future__ import annotations

import re
import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure

from toolkit.report import find_small_counts
from toolkit.report import sections as report
from toolkit.report.tables import TOTAL_ROW
from toolkit.workshop import SubmissionStore


def test_segment_figures_add_up_to_the_cube(evidence):
    cube = evidence.cube
    before = cube.copy()
    figures = report.segment_figures(cube, labels=evidence.model.labels)
    pd.testing.assert_frame_equal(cube, before)
    body = figures.drop(index=TOTAL_ROW)
    assert body["segment"].tolist() == list(dict.fromkeys(cube["segment"]))
    total = figures.loc[TOTAL_ROW]
    for column in ("persons", "deaths", "emergency_admissions"):
        assert body[column].sum() == cube[column].sum() == total[column]
    assert total["cost_gbp"] == pytest.approx(cube["cost_gbp"].sum())
    assert body["share_of_population"].sum() == pytest.approx(1.0)
    assert total["label"] == "All segments"
    assert body["label"].iloc[0] == evidence.model.labels[body["segment"].iloc[0]]


def test_segment_table_shows_no_small_count(evidence):
    figures = report.segment_figures(evidence.cube, labels=evidence.model.labels)
    table = report.segment_table(figures, period="2025/26", threshold=10)
    assert find_small_counts(table.to_html()) == []
    deaths = figures["deaths"].to_numpy()
    shown = table.cells["Deaths"].tolist()
    for value, text in zip(deaths, shown, strict=True):
        if 1 <= value < 10:
            assert text == "[c]"
        elif text != "[c]":
            assert text == f"{value:,}"
    assert "2025/26" in table.caption


def test_deprivation_figures_and_inequality_text_match_the_profile(evidence):
    profile = evidence.profile
    figures = report.deprivation_figures(profile, system_rate=evidence.system_rate)
    frame = profile.to_frame()
    assert figures.drop(index=TOTAL_ROW)["events"].tolist() == frame["events"].tolist()
    total = figures.loc[TOTAL_ROW]
    assert total["events"] == frame["events"].sum()
    assert total["rate"] == pytest.approx(evidence.system_rate["value"].iloc[0])
    assert total["excess"] == pytest.approx(profile.excess_total["excess_positive"].iloc[0])
    text = report.inequality_summary(profile, config=evidence.config).text
    sii = profile.sii.iloc[0]
    # The true minus sign, as the tables write it (fix-report: "−6,499", not "-6,499").
    assert f"{sii['sii']:,.0f} per 100,000".replace("-", "\u2212") in text
    assert f"(RII): {sii['rii']:.2f}" in text
    assert "falls" in text if sii["sii"] < 0 else "rises" in text
    excess = round(profile.excess_total["excess_positive"].iloc[0], -1)
    assert f"about {excess:,.0f} fewer emergency admissions" in text
    table = report.deprivation_table(figures, period="2025/26", threshold=10)
    assert table.cells.iloc[-1, 0] == "All deciles"


def test_shortlist_sections(evidence):
    priorities = evidence.priorities
    shortlist = priorities.shortlist
    table = report.shortlist_table(priorities, period="2025/26", threshold=10)
    assert table.cells["Theme"].tolist() == shortlist["label"].tolist()
    assert table.cells["Score (0 to 100)"].tolist() == [f"{s:.0f}" for s in shortlist["score"]]
    assert table.cells["Priority"].tolist() == [str(i) for i in range(1, len(shortlist) + 1)]
    # People and events are counts, suppressed below the threshold.
    people = table.cells["People in the cohort"].tolist()
    for shown, persons in zip(people, shortlist["persons"], strict=True):
        assert shown == (f"{persons:,.0f}" if persons >= 10 else "[c]")
    assert all(re.fullmatch(r"\d+\.\d times", v) or v == "[x]" for v in table.cells.iloc[:, 5])
    assert all("a year" in estimate for estimate in table.cells["Could avoid a year (estimate)"])
    assert find_small_counts(table.to_html()) == []
    reasons = report.shortlist_reasons(priorities)
    soup = BeautifulSoup(reasons.html, "html.parser")
    items = soup.find_all("li")
    assert len(items) == len(shortlist)
    for item, row in zip(items, shortlist.itertuples(index=False), strict=True):
        text = item.get_text(" ")
        assert row.intervention_source[:40] in text
        assert re.search(r"(raising|lowering) the weight on .+ from \d+% to \d+%", text) or (
            "No change" in text
        )
    figure = report.robustness_figure(priorities, period="2025/26")
    assert isinstance(figure, Figure)
    assert "2025/26" in figure.axes[0].get_title(loc="left")
    assert "measured" in report.excluded_themes(priorities).text


def test_at_a_glance_and_board_asks(evidence):
    figures = report.segment_figures(evidence.cube, labels=evidence.model.labels)
    glance = report.at_a_glance(
        figures,
        neighbourhoods=len(evidence.inputs.areas),
        places=evidence.inputs.areas["place"].nunique(),
        profile=evidence.profile,
        priorities=evidence.priorities,
        config=evidence.config,
    )
    assert f"People: {len(evidence.inputs.persons):,} registered" in glance.text
    assert find_small_counts(glance.html) == []
    assert "; ".join(evidence.priorities.labels) in glance.text
    asks = report.board_asks(
        evidence.priorities, evidence.profile, config=evidence.config, workshop_held=False
    )
    assert "Agree the 4 priorities" in asks.text and "co-production workshop" in asks.text
    # The Core20 shares are page 1's, hidden there where they would reveal a small count:
    # the asks do not repeat them.
    assert "England's most deprived fifth (Core20), as page 1 counts them." in asks.text
    assert "%" not in asks.text
    import dataclasses

    no_core20 = dataclasses.replace(
        evidence.profile, core20=evidence.profile.core20.assign(core20_population=0)
    )
    asks = report.board_asks(
        evidence.priorities, no_core20, config=evidence.config, workshop_held=False
    )
    assert "No one registered here lives in England's most deprived fifth" in asks.text


def test_provenance_records_version_fingerprints_seed_and_date(evidence):
    box = report.provenance(evidence.config, evidence.inputs, when=date(2026, 3, 31))
    text = box.text
    for digest in evidence.inputs.fingerprints.values():
        assert re.fullmatch(r"[0-9a-f]{64}", digest) and digest in text
    assert "Seed: 20261122" in text and "Run on: 2026-03-31" in text
    assert "pophealth-toolkit" in text
    assert BeautifulSoup(box.html, "html.parser").find("aside", class_="provenance")


def test_charts_have_titles_with_the_period_and_units(evidence):
    figures = report.segment_figures(evidence.cube, labels=evidence.model.labels)
    chart = report.segment_chart_figure(figures, period="2025/26", threshold=10)
    ax = chart.axes[0]
    assert "2025/26" in ax.get_title(loc="left") and "%" in ax.get_xlabel()
    deprivation = report.deprivation_figures(evidence.profile, system_rate=evidence.system_rate)
    chart = report.deprivation_chart_figure(
        deprivation, evidence.profile, period="2025/26", threshold=10
    )
    ax = chart.axes[0]
    assert "per 100,000" in ax.get_ylabel() and "IMD decile" in ax.get_xlabel()
    rates = evidence.profile.to_frame()
    shown = (rates["events"] >= 10) & rates["value"].notna()  # suppressed or unpublished: no bar
    assert len(ax.patches) == int(shown.sum()) == len(rates)


def test_workshop_section_uses_the_room_consensus(evidence, tmp_path):
    from toolkit.report import read_decision_log

    priorities = evidence.priorities
    candidates = priorities.candidates
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    rng = np.random.default_rng(7)
    first = candidates["candidate"].iloc[0]
    for table in ("Table 1", "Table 2", "Table 3"):
        weights = {name: float(rng.integers(1, 11)) for name in names}
        store.submit("March", table, "Mixed", weights, [first], dots={first: 2})
    log = read_decision_log(store.export("March", tmp_path / "log.json"))
    text, weights_table, consensus_table, figure = report.workshop_section(
        log, priorities, config=evidence.config
    )
    assert "3 tables at the 'March' workshop" in text.text
    assert "Each table's latest submission counts." in text.text  # no "0 earlier ... replaced"
    assert "earlier submission" not in text.text
    assert "Kendall's W" in text.text
    assert list(weights_table.cells.columns) == [
        "Criterion",
        "Table 1",
        "Table 2",
        "Table 3",
        "Room (average)",
    ]
    room = consensus_table.cells
    assert room["Room's rank"].iloc[0] == "1"
    assert (room["Dot votes"] == "6").sum() == 1  # the three tables' dots on one candidate
    assert isinstance(figure, Figure)


def test_workshop_section_shows_the_room_answer_it_is_given(evidence, tmp_path, monkeypatch):
    # The board report passes BoardFigures.room, so page 1 and section 4 show one result
    # and the room's answer is not worked out twice.
    import toolkit.report._priorities as priorities_module
    from toolkit.report import read_decision_log
    from toolkit.report.decision_log import room_answer

    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    rng = np.random.default_rng(11)
    first = priorities.candidates["candidate"].iloc[0]
    for table in ("Table 1", "Table 2"):
        weights = {name: float(rng.integers(1, 11)) for name in names}
        store.submit("March", table, "Mixed", weights, [first])
    log = read_decision_log(store.export("March", tmp_path / "log.json"))
    room = room_answer(log, priorities)
    found, _, found_table, _ = report.workshop_section(log, priorities, config=evidence.config)

    def not_again(*args, **kwargs):
        raise AssertionError("the room's answer was worked out again")

    monkeypatch.setattr(priorities_module, "room_answer", not_again)
    given, _, given_table, _ = report.workshop_section(
        log, priorities, config=evidence.config, room=room
    )
    assert given.text == found.text
    pd.testing.assert_frame_equal(given_table.cells, found_table.cells)


def test_place_total_row_shows_system_figures_not_blanks(evidence):
    from toolkit.places import area_indicators
    from toolkit.segment import assign_segments

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        places = area_indicators(
            assign_segments(evidence.inputs.persons, model=evidence.model),
            evidence.inputs.areas,
            events="emergency_admissions",
        )
    figures = report.place_figures(places, system_rate=evidence.system_rate)
    total = figures.loc[TOTAL_ROW]
    rows = figures.drop(index=TOTAL_ROW)
    assert total["persons"] == rows["persons"].sum() == len(evidence.inputs.persons)
    assert total["value"] == pytest.approx(evidence.system_rate["value"].iloc[0], rel=1e-12)
    # The system's rate lies within the range of its places' rates.
    assert rows["value"].min() <= total["value"] <= rows["value"].max()
    population = places.places["population"].to_numpy(dtype=float)
    expected_share = (
        places.places["core20_population_share"].to_numpy() * population
    ).sum() / population.sum()
    assert total["core20_population_share"] == pytest.approx(expected_share, rel=1e-12)
    ratio = 100 * places.places["events"].sum() / places.places["expected"].sum()
    assert total["ratio"] == pytest.approx(ratio, rel=1e-12)
    assert np.isfinite(total[["value", "core20_population_share", "ratio"]].astype(float)).all()


def test_workshop_section_uses_the_settings_the_room_used(evidence, tmp_path):
    """A room that shortlisted three, by the median, is reported with three, by the median."""
    from toolkit.report import read_decision_log

    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    rng = np.random.default_rng(11)
    first = priorities.candidates["candidate"].iloc[0]
    for table in ("Table 1", "Table 2", "Table 3"):
        weights = {name: float(rng.integers(1, 11)) for name in names}
        store.submit("June", table, "Residents", weights, [first])
    settings = {
        "method": "weighted_sum",
        "shortlist_size": 3,
        "per_cohort": 1,
        "aggregation": "median",
    }
    log = read_decision_log(store.export("June", tmp_path / "log.json", settings=settings))
    assert log.settings == settings
    text, _, consensus_table, _ = report.workshop_section(log, priorities, config=evidence.config)
    shown = text.html.split("shortlist at the room")[1].split("</ol>")[0]
    assert shown.count("<li") == 3
    from toolkit.prioritise import room_consensus

    expected = room_consensus(
        log.latest(names), model=priorities.scoring, size=3, aggregation="median"
    )
    for label in expected.shortlist["label"]:
        assert label in shown


def test_workshop_section_shows_groups_and_what_changed_between_rounds(evidence, tmp_path):
    import json

    from toolkit.prioritise import compare_rounds, room_consensus
    from toolkit.report import read_decision_log

    priorities = evidence.priorities
    criteria = priorities.criteria
    names = [criterion.name for criterion in criteria]
    rng = np.random.default_rng(3)
    tables = {"Table 1": "Residents", "Table 2": "Residents", "Table 3": "Clinicians",
              "Table 4": "Council"}  # fmt: skip
    records = []
    for round in (1, 2):
        for table, group in tables.items():
            records.append(
                {
                    "submission_id": len(records) + 1,
                    "table": table,
                    "role": group,
                    "round": round,
                    "superseded": False,
                    "weights": {name: float(rng.integers(0, 11)) + 1 for name in names},
                    "shortlist": [],
                    "dots": {},
                }
            )
    path = tmp_path / "log.json"
    path.write_text(json.dumps({"workshop": "May", "submissions": records}), encoding="utf-8")
    log = read_decision_log(path)
    text, weights_table, _, _ = report.workshop_section(log, priorities, config=evidence.config)

    assert (
        "4 tables at the 'May' workshop submitted weights (Residents, Clinicians, Council) in "
        "round 2, the last of 2 rounds."
    ) in text.text
    assert list(weights_table.cells.columns)[1:5] == list(tables)
    size = priorities.settings["size"]
    per_cohort = priorities.settings["per_cohort"]
    rooms = [
        room_consensus(
            log.latest(names, round=number),
            model=priorities.scoring,
            size=size,
            per_cohort=per_cohort,
        )
        for number in (1, 2)
    ]
    groups = rooms[1].by_group()
    assert groups["group"].tolist() == ["Residents", "Clinicians", "Council"]
    for row in groups.itertuples(index=False):
        assert f"{row.group} ({row.tables} table" in text.text
        assert "; ".join(row.labels) in text.text
        assert rooms[1].group_effect(row.group).sentence in text.text
    assert rooms[1].overlap.sentence in text.text
    assert "What changed between rounds" in text.text
    assert compare_rounds(*rooms, rounds=(1, 2)).sentence in text.text
    assert "chi-square" not in text.text


def test_the_demo_records_no_run_date_so_rebuilding_it_changes_nothing(evidence):
    from dataclasses import replace

    demo = replace(evidence.config, persons="demo", areas="demo")
    text = report.provenance(demo, evidence.inputs).text
    assert "Run on: not recorded for the demo" in text
    real = replace(evidence.config, persons="persons.csv", areas="areas.csv")
    assert re.search(r"Run on: \d{4}-\d{2}-\d{2}", report.provenance(real, evidence.inputs).text)
