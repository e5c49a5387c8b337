"""The quarterly update: unmeasured priorities, nothing charted, chart text, provenance."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

from toolkit.report.update import (
    PRINTED_WIDTH,
    QuarterlyUpdate,
    UpdateConfig,
    at_a_glance,
    charts_introduction,
    demo_update_config,
    moved_table,
    prepare_update,
    priorities_table,
    priority_chart,
    update_provenance,
    what_moved_section,
)

START = pd.Timestamp("2023-04-01")
#: CSS pixels per inch: an image shows at its pixel width / 96 inches, shrunk to fit a column.
CSS_DPI = 96


def write_series(path, *, level: float = 240.0, spike: bool = False) -> None:
    """One priority's monthly series (falls), with an early spike when asked."""
    rng = np.random.default_rng(11)
    rows = []
    for month in range(36):
        mean = level * (1.6 if spike and 3 <= month <= 5 else 1.0)
        rows.append(
            {
                "series": "falls_and_frailty.admissions",
                "theme": "falls_and_frailty",
                "period": (START + pd.DateOffset(months=month)).strftime("%Y-%m"),
                "numerator": int(rng.poisson(mean)),
                "denominator": 60_000,
                "improvement": "decrease",
                "unit": "per 1,000 people a month",
                "label": "Emergency admissions",
            }
        )
    pd.DataFrame(rows).to_csv(path, index=False)


def make_update(tmp_path, **keys) -> QuarterlyUpdate:
    series = tmp_path / "series.csv"
    if not series.exists():
        write_series(series)
    return prepare_update(
        UpdateConfig(
            system_name="Test ICS",
            series=str(series),
            priorities=["falls_and_frailty"],
            ambitions={"falls_and_frailty": 3.5},
            ambitions_by={"falls_and_frailty": "2027-03"},
            **keys,
        )
    )


def legend_texts(figure) -> list[str]:
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes)]
    return [text.get_text() for legend in legends if legend for text in legend.get_texts()]


@pytest.mark.parametrize("fix_after", [None, 24])
def test_every_text_of_the_embedded_chart_prints_at_8_points_or_more(tmp_path, fix_after):
    update = make_update(tmp_path, fix_after=fix_after)
    figure = priority_chart(update, "falls_and_frailty")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")  # as shown
    pixels = Image.open(buffer).size[0]
    drawn_inches = pixels / figure.dpi
    printed_inches = min(PRINTED_WIDTH, pixels / CSS_DPI)  # max-width: 100% of the column
    scale = printed_inches / drawn_inches
    texts = [text for text in figure.findobj(Text) if text.get_text().strip()]
    assert len(texts) > 15  # ticks, labels, title, legend, icons and their captions
    small = {
        text.get_text(): round(text.get_fontsize() * scale, 2)
        for text in texts
        if text.get_visible() and text.get_fontsize() * scale < 8
    }
    assert small == {}
    assert "At the latest point" in [text.get_text() for text in texts]


def test_the_trajectory_is_in_the_legend_only_when_it_is_drawn(tmp_path):
    loose = priority_chart(make_update(tmp_path), "falls_and_frailty")
    assert "Trajectory to the ambition" not in legend_texts(loose)
    assert not [line for line in loose.axes[0].get_lines() if line.get_gid() == "spc-trajectory"]
    fixed = priority_chart(make_update(tmp_path, fix_after=24), "falls_and_frailty")
    assert "Trajectory to the ambition" in legend_texts(fixed)
    (line,) = [line for line in fixed.axes[0].get_lines() if line.get_gid() == "spc-trajectory"]
    assert len(line.get_xdata()) >= 2


def test_page_one_says_the_summary_reads_the_latest_points(tmp_path):
    write_series(tmp_path / "series.csv", spike=True)
    update = make_update(tmp_path)
    points, _ = update.followup.chart_data("falls_and_frailty")
    assert points["point_type"].astype(str).str.startswith("special_cause").any()
    assert update.followup.priorities.at[0, "variation"] == "common_cause"
    glance = str(at_a_glance(update))
    assert "No sign of change" in glance
    assert "this line is about the latest points." in glance


def test_the_latest_value_is_marked_as_a_rate(tmp_path):
    table = priorities_table(make_update(tmp_path)).to_html()
    assert '<th scope="col" data-kind="rate">Latest value</th>' in table
    assert table.count('<td data-kind="rate"') == 1


def test_nothing_charted_says_why_and_does_not_explain_the_chart(tmp_path):
    write_series(tmp_path / "series.csv", level=6.0)
    update = make_update(tmp_path)
    assert not update.followup.priorities["shown"].any()
    text = str(charts_introduction(update))
    assert text.startswith("No chart is shown: every priority has periods with fewer than 10")
    assert "dashed" not in text and "circles" not in text
    (tmp_path / "charted").mkdir()
    write_series(tmp_path / "charted" / "series.csv")
    explained = str(charts_introduction(make_update(tmp_path / "charted")))
    assert "the dashed lines are the process limits" in explained


def moved_update(moved: pd.DataFrame) -> QuarterlyUpdate:
    config = UpdateConfig(system_name="Test ICS", priorities=["a", "b", "c"])
    return QuarterlyUpdate(config, None, ["a", "b", "c"], "the configuration", moved, "")


def moved_frame(changes: dict[str, str], after_ranks: dict[str, float]) -> pd.DataFrame:
    ids = list(changes)
    return pd.DataFrame(
        {
            "candidate": ids,
            "label": [f"Priority {item.upper()}" for item in ids],
            "rank_before": pd.array([1, 2, 3, pd.NA][: len(ids)], dtype="Int64"),
            "rank_after": pd.array([after_ranks.get(item) for item in ids], dtype="Int64"),
            "shortlisted_before": [changes[item] != "entered" for item in ids],
            "shortlisted_after": [changes[item] in ("entered", "stayed") for item in ids],
            "change": [changes[item] for item in ids],
            "reason_after": [
                "fewer than 10 events over the period: too few to assess"
                if changes[item] == "unmeasured"
                else ""
                for item in ids
            ],
        }
    )


def test_a_priority_not_measured_on_the_newer_data_does_not_leave():
    moved = moved_frame({"a": "stayed", "b": "unmeasured", "c": "unmeasured"}, {"a": 1})
    text = str(what_moved_section(moved_update(moved)))
    assert "would now leave" not in text
    assert (
        "Priority B and Priority C could not be measured on the newer data (fewer than 10 "
        "events over the period: too few to assess)" in text
    )
    assert "The newer shortlist has 1 priority, fewer than the 3 agreed: only 1 theme was " in text
    table = str(moved_table(moved_update(moved)))
    assert "Not measured on the newer data" in table and "Would leave" not in table


def test_what_moved_marks_unmeasured_candidates_with_the_reason():
    from toolkit.data import make_demo_system
    from toolkit.monitor import what_moved
    from toolkit.prioritise import prioritise, theme_candidates
    from toolkit.segment import build_cohort_cube

    persons = make_demo_system(persons=20_000, seed=5).persons
    agreed = prioritise(theme_candidates(build_cohort_cube(persons)), draws=200, seed=1)
    gone = str(agreed.shortlist["candidate"].iloc[-1])
    label = str(agreed.shortlist["label"].iloc[-1])
    newer = dataclasses.replace(  # the same, with one theme no longer measured
        agreed,
        candidates=agreed.candidates[agreed.candidates["candidate"] != gone],
        shortlist=agreed.shortlist[agreed.shortlist["candidate"] != gone],
        excluded=pd.DataFrame({"theme": [gone], "label": [label], "reason": ["too few"]}),
    )
    for before in (agreed, list(agreed.shortlist["candidate"])):
        moved = what_moved(before, newer).set_index("candidate")
        assert moved.at[gone, "change"] == "unmeasured"
        assert moved.at[gone, "reason_after"] == "too few"
        assert moved.at[gone, "label"] == label
        assert "left" not in set(moved["change"])


def test_the_provenance_names_the_persons_files_and_dates_a_non_demo_build(tmp_path):
    earlier, newer = tmp_path / "earlier.parquet", tmp_path / "newer.parquet"
    earlier.write_bytes(b"earlier")
    newer.write_bytes(b"newer")
    config = UpdateConfig(system_name="Test ICS", previous_persons=str(earlier), persons=str(newer))
    assert not config.is_demo and demo_update_config(persons=1000).is_demo
    from toolkit.report._update_parts import input_fingerprints

    followup = SimpleNamespace(priorities=pd.DataFrame({"frequency": ["month"]}))
    update = QuarterlyUpdate(
        config, followup, [], "agreed", None, "", inputs=input_fingerprints(config, {})
    )
    text = str(update_provenance(update))
    assert "Earlier persons data: earlier.parquet (previous_persons" in text
    assert "Newer persons data: newer.parquet (persons" in text
    assert f"SHA-256 of the newer persons data: {hashlib.sha256(b'newer').hexdigest()}" in text
    assert "not recorded for the demo" not in text
