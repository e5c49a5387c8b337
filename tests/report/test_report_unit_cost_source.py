"""The board text names where the unit cost of an admission comes from (issue 14).

The report values excess emergency admissions at the themes library's published figure
unless the configuration gives a local tariff; the text names the source only for the
published figure.
"""

from __future__ import annotations

import dataclasses

from toolkit.report import sections as report
from toolkit.report.config import DEFAULT_ADMISSION_COST_GBP, DEFAULT_ADMISSION_COST_SOURCE


def test_the_default_unit_cost_is_the_themes_library_s_and_is_named(evidence):
    from toolkit.prioritise.themes import load_themes

    library_costs = {
        intervention.unit_cost.value
        for theme in load_themes()
        for intervention in theme.interventions
        if intervention.unit_cost is not None and "admission" in intervention.unit_cost.unit
    }
    assert library_costs == {DEFAULT_ADMISSION_COST_GBP}
    text = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert f"at £1,590 an admission ({DEFAULT_ADMISSION_COST_SOURCE})" in text


def test_a_local_tariff_is_not_credited_to_the_national_source(evidence):
    config = dataclasses.replace(evidence.config, admission_unit_cost=2_150.0)
    text = report.inequality_summary(evidence.profile, config=config).text
    assert "at £2,150 an admission." in text
    assert DEFAULT_ADMISSION_COST_SOURCE not in text
