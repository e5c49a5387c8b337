"""The board report says the RII is not given where the profile's fitted line crosses 0.

Review finding (2026-12-07): the deprivation profile now gives no relative index of
inequality where the straight line fitted across the deciles is at or below 0 at one end
(:func:`toolkit.indicators.inequality.rii_is_meaningful`); section 2's sentence and the
chart's subtitle printed "nan" for it.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from toolkit.indicators import deprivation_profile
from toolkit.indicators.inequality import RII_NOT_MEANINGFUL
from toolkit.report import sections as report

matplotlib.use("Agg")


def _cube(most_deprived_events: int) -> pd.DataFrame:
    """Deciles 1 and 2 with ``most_deprived_events`` per age band, the others with 10."""
    return pd.DataFrame(
        [
            {
                "imd_decile": decile,
                "age_band": band,
                "persons": 50_000,
                "emergency_admissions": most_deprived_events if decile <= 2 else 10,
            }
            for decile in range(1, 11)
            for band in ("40-44", "60-64")
        ]
    )


@pytest.fixture(scope="module")
def steep():
    return deprivation_profile(_cube(1_500), reps=1_000, seed=1)


def test_section_2_says_the_rii_is_not_given_and_why(steep, evidence):
    text = report.inequality_summary(steep, config=evidence.config).text
    assert "Slope index of inequality (SII)" in text
    assert RII_NOT_MEANINGFUL[:1].upper() + RII_NOT_MEANINGFUL[1:] + "." in text
    assert "nan" not in text.lower()
    assert "Relative index of inequality (RII):" not in text


def test_a_meaningful_rii_is_still_given(evidence):
    text = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert "Relative index of inequality (RII):" in text
    assert RII_NOT_MEANINGFUL not in text


def test_the_chart_subtitle_says_the_rii_is_not_given(steep, evidence):
    from toolkit.report._outcomes import deprivation_chart_figure, deprivation_figures

    figures = deprivation_figures(steep, system_rate=evidence.system_rate)
    chart = deprivation_chart_figure(figures, steep, period="2025/26", threshold=10)
    words = " ".join(text.get_text() for text in chart.findobj(matplotlib.text.Text))
    assert "RII not given" in words
    assert "nan" not in words.lower()
