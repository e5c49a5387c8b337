"""The board text names where the unit cost of an admission comes from (issue 14).

The report values excess emergency admissions at the themes library's published figure
unless the configuration gives a local tariff. The text names the published source only
when the configuration gives no cost: a cost it gives is printed with the source it names
(``admission_cost_source``), or else called the configuration's own figure, even when it
is £1,590 (it used to be credited to NHS Reference Costs for being that figure).
"""

from __future__ import annotations

import dataclasses

import pytest

from toolkit.report import sections as report
from toolkit.report.config import (
    DEFAULT_ADMISSION_COST_GBP,
    DEFAULT_ADMISSION_COST_SOURCE,
    LOCAL_ADMISSION_COST_SOURCE,
    load_config,
)


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
    # It used to be printed bare ("at £2,150 an admission."); it now says whose it is.
    assert f"at £2,150 an admission ({LOCAL_ADMISSION_COST_SOURCE})." in text
    assert DEFAULT_ADMISSION_COST_SOURCE not in text


def _config_file(folder, lines: str):
    path = folder / "report.toml"
    path.write_text(f'system_name = "North ICS"\n{lines}', encoding="utf-8")
    return load_config(path)


def test_a_configured_cost_of_1590_is_the_configuration_s_not_nhs_reference_costs(
    evidence, tmp_path
):
    loaded = _config_file(tmp_path, "admission_unit_cost = 1590\n")
    assert loaded.admission_unit_cost == DEFAULT_ADMISSION_COST_GBP
    assert loaded.admission_cost_source == LOCAL_ADMISSION_COST_SOURCE
    config = dataclasses.replace(
        evidence.config, admission_cost_source=loaded.admission_cost_source
    )
    text = report.inequality_summary(evidence.profile, config=config).text
    assert f"at £1,590 an admission ({LOCAL_ADMISSION_COST_SOURCE})." in text
    assert DEFAULT_ADMISSION_COST_SOURCE not in text
    assert "Reference Costs" not in text


def test_without_a_cost_the_file_keeps_the_national_figure_and_its_source(evidence, tmp_path):
    loaded = _config_file(tmp_path, 'period = "2025/26"\n')
    assert loaded.admission_unit_cost == DEFAULT_ADMISSION_COST_GBP
    assert loaded.admission_cost_source is None
    text = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert f"at £1,590 an admission ({DEFAULT_ADMISSION_COST_SOURCE})." in text


@pytest.mark.parametrize("cost", [1590, 2150])
def test_the_source_the_configuration_names_is_printed_beside_the_cost(evidence, tmp_path, cost):
    source = "Kestermoor ICB local tariff, 2025/26"
    loaded = _config_file(
        tmp_path, f'admission_unit_cost = {cost}\nadmission_cost_source = "{source}"\n'
    )
    assert loaded.admission_cost_source == source
    config = dataclasses.replace(
        evidence.config, admission_unit_cost=float(cost), admission_cost_source=source
    )
    text = report.inequality_summary(evidence.profile, config=config).text
    assert f"at £{cost:,} an admission ({source})." in text
    assert DEFAULT_ADMISSION_COST_SOURCE not in text
    assert LOCAL_ADMISSION_COST_SOURCE not in text
