"""The quarterly update shows compared figures so that they differ when they differ (issue 14).

A rate of 0.19 per 1,000 beside an ambition of 0.19 and a trajectory of 0.20 could not be
told apart: figures are now shown to three significant figures in the sentences, the table
and the alt text alike, and the chart's assurance icon calls the ambition what the page
calls it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from toolkit.monitor import describe_spc, spc, spc_chart
from toolkit.monitor.charts import format_value
from toolkit.report.update import (
    UpdateConfig,
    at_a_glance,
    prepare_update,
    priorities_table,
    priority_chart,
    priority_sentences,
)

START = pd.Timestamp("2023-04-01")


def write_series(path, *, denominator: int = 600_000) -> None:
    """Deaths from cancer, about 0.19 per 1,000 people a month, for 36 months."""
    rng = np.random.default_rng(14)
    rows = [
        {
            "series": "cancer_early_diagnosis.deaths",
            "theme": "cancer_early_diagnosis",
            "period": (START + pd.DateOffset(months=month)).strftime("%Y-%m"),
            "numerator": int(rng.poisson(0.19 * denominator / 1_000)),
            "denominator": denominator,
            "improvement": "decrease",
            "unit": "per 1,000 people a month",
            "label": "Deaths from cancer",
        }
        for month in range(36)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)


def make_update(tmp_path, ambition: float):
    write_series(tmp_path / "series.csv")
    return prepare_update(
        UpdateConfig(
            system_name="Test ICS",
            series=str(tmp_path / "series.csv"),
            priorities=["cancer_early_diagnosis"],
            ambitions={"cancer_early_diagnosis": ambition},
            ambitions_by={"cancer_early_diagnosis": "2027-03"},
            fix_after=24,
        )
    )


def three_figures(text: str) -> bool:
    """Whether a figure below 1 is written to three significant figures ("0.194").

    Trailing zeros are dropped ("0.19" for 0.190), so fewer digits are allowed only when
    the third figure would have been a zero.
    """
    return re.fullmatch(r"0\.0*[1-9](\d[1-9]|[1-9])?", text) is not None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.1949, "0.195"),
        (0.1851, "0.185"),
        (0.2012, "0.201"),
        (1.236, "1.24"),
        (12.34, "12.3"),
        (0.19, "0.19"),  # no trailing zero
        (7.0, "7"),
    ],
)
def test_values_that_differ_at_the_third_figure_read_differently(value, shown):
    assert format_value(value) == shown


def test_the_sentence_tells_a_latest_value_from_a_close_ambition():
    values = [0.21, 0.19, 0.2, 0.18, 0.22, 0.2, 0.19, 0.21, 0.2, 0.18, 0.2, 0.1949]
    frame = pd.DataFrame(
        {"period": pd.date_range("2025-04-01", periods=12, freq="MS"), "value": values}
    )
    result = spc(frame, improvement="decrease", target=0.1851)
    text = describe_spc(
        result.to_frame(),
        result.summary().iloc[0],
        value_label="Deaths from cancer, per 1,000 people a month",
        target_word="ambition",
    )
    assert "in March 2026: 0.195; ambition 0.185 – " in text


def test_the_update_gives_the_same_figures_in_its_sentence_and_table(tmp_path):
    update = make_update(tmp_path, ambition=0.185)
    row = update.followup.priorities.iloc[0]
    assert row["shown"]
    latest, ambition = format_value(row["last_value"]), format_value(row["ambition"])
    assert ambition == "0.185" and three_figures(latest)
    ((_, text),) = priority_sentences(update)
    assert f"per 1,000 people a month in March 2026: {latest}; ambition {ambition} – " in text
    said = re.search(
        r"The trajectory to the ambition of (\S+) by March 2027 expects (\S+) now", text
    )
    assert said is not None
    assert said.group(1) == ambition and three_figures(said.group(2))
    table = priorities_table(update).cells
    assert list(table["Latest value"]) == [latest]
    assert f": {latest}; ambition {ambition} " in str(at_a_glance(update))


def test_the_chart_s_icon_calls_the_ambition_what_the_page_calls_it(tmp_path):
    update = make_update(tmp_path, ambition=0.05)  # far below every month: will miss it
    row = update.followup.priorities.iloc[0]
    assert row["assurance"] == "consistently_fail"
    figure = priority_chart(update, "cancer_early_diagnosis")
    texts = [text.get_text().replace("\n", " ") for text in figure.findobj(Text)]
    assert "Will miss the ambition" in texts
    assert not [text for text in texts if "target" in text.lower()]
    assert list(priorities_table(update).cells["Will it meet the ambition?"]) == [
        "Will miss the ambition"
    ]
    # Without a label, as the notebooks draw it, the chart still says "target".
    points, summary = update.followup.chart_data("cancer_early_diagnosis")
    plain = spc_chart(points, summary=summary, title="Deaths", value_label="per 1,000")
    plain_texts = [text.get_text().replace("\n", " ") for text in plain.findobj(Text)]
    assert "Will miss the target" in plain_texts
    assert "Will miss the ambition" not in plain_texts
