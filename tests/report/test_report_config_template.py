"""`pophealth report --print-config`: no fictional name or year to slip through (issue 14).

The template wrote ``system_name = "Kestermoor and Wyvendale Integrated Care System"``
uncommented, so a report configured from it unread went out under the demo's name; its
``map_attribution`` example left out the ONS source sentence. It also had no
``reference_date``, so an extract with ``date_of_birth`` and no ``age`` had no way in.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from toolkit.report.config import (
    MAP_YEAR_PLACEHOLDER,
    ONS_ATTRIBUTION,
    SYSTEM_NAME_PLACEHOLDER,
    ReportConfig,
    config_keys,
    config_template,
    load_config,
)

ROOT = Path(__file__).resolve().parents[2]


def _write(folder: Path, text: str) -> Path:
    path = folder / "report.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_template_names_no_system_and_its_placeholder_is_refused(tmp_path):
    template = config_template()
    assert f'\nsystem_name = "{SYSTEM_NAME_PLACEHOLDER}"\n' in template
    assert "Kestermoor and Wyvendale" not in template
    with pytest.raises(ValueError) as refused:
        load_config(_write(tmp_path, template))  # left as written: every other key commented
    message = str(refused.value)
    assert "report.toml: 'system_name' is still the template's placeholder" in message
    assert "give the name of your integrated care system" in message
    named = template.replace(SYSTEM_NAME_PLACEHOLDER, "North Mercia ICS")
    assert load_config(_write(tmp_path, named)).system_name == "North Mercia ICS"


def test_the_attribution_example_is_the_ons_wording_with_a_year_to_fill(tmp_path):
    template = config_template()
    line = next(line for line in template.splitlines() if line.startswith("# map_attribution"))
    wording = ONS_ATTRIBUTION.format(year=MAP_YEAR_PLACEHOLDER)
    assert line == f'# map_attribution = "{wording}"'
    assert "Source: Office for National Statistics licensed under the Open Government" in line
    comment = template.splitlines()[template.splitlines().index(line) - 1]
    assert f"{MAP_YEAR_PLACEHOLDER} replaced by the year of their edition" in comment
    assert "pophealth synth" in comment  # made-up boundaries are credited as synthetic
    start = 'system_name = "A"\n'
    with pytest.raises(ValueError, match="'map_attribution' still has the template's placeholder"):
        load_config(_write(tmp_path, f'{start}map_attribution = "{wording}"\n'))
    filled = ONS_ATTRIBUTION.format(year=2021)
    config = load_config(_write(tmp_path, f'{start}map_attribution = "{filled}"\n'))
    assert config.map_attribution == filled


def test_reference_date_is_a_key_everywhere_the_keys_are_listed():
    keys = config_keys()
    assert keys.index("reference_date") == keys.index("period") + 1
    assert '\n# reference_date = "2026-03-31"\n' in config_template()
    guide = (ROOT / "docs" / "report.md").read_text("utf-8")
    assert any(line.startswith("| `reference_date` |") for line in guide.splitlines())
    assert ReportConfig(system_name="A").to_parameters()["reference_date"] is None


@pytest.mark.parametrize(
    ("written", "read"),
    [('"2026-03-31"', "2026-03-31"), ("2026-03-31", "2026-03-31"), ('"2024-02-29"', "2024-02-29")],
)
def test_reference_date_is_read_as_text_or_a_toml_date(tmp_path, written, read):
    config = load_config(_write(tmp_path, f'system_name = "A"\nreference_date = {written}\n'))
    assert config.reference_date == read


#: ``reference_date`` values a configuration refuses, with the error and its words (the
#: quarterly update's configuration refuses them alike).
BAD_REFERENCE_DATES = [
    ('"31/03/2026"', ValueError, "'reference_date' must be a date written \"YYYY-MM-DD\""),
    ('"2026-02-30"', ValueError, "'reference_date' must be a date written"),
    ("2026-03-31T00:00:00", ValueError, "'reference_date' must be a date written"),
    ("20260331", TypeError, "'reference_date' must be text (in quotes), or left out"),
]


@pytest.mark.parametrize(("written", "error", "words"), BAD_REFERENCE_DATES)
def test_a_reference_date_that_is_not_a_date_is_refused_naming_the_key(
    tmp_path, written, error, words
):
    with pytest.raises(error, match=re.escape(words)):
        load_config(_write(tmp_path, f'system_name = "A"\nreference_date = {written}\n'))


def test_the_report_template_takes_reference_date_as_a_parameter():
    """The notebook's parameters and its ReportConfig carry the key (paired .py and .ipynb)."""
    script = (ROOT / "reports" / "board_report.py").read_text("utf-8")
    notebook = (ROOT / "reports" / "board_report.ipynb").read_text("utf-8")
    for text in (script, notebook):
        assert "reference_date = None" in text
        assert "reference_date=reference_date," in text


def test_every_uncommented_template_key_reads_back_once_the_placeholders_are_filled(tmp_path):
    text = config_template().replace(SYSTEM_NAME_PLACEHOLDER, "North Mercia ICS")
    text = text.replace(MAP_YEAR_PLACEHOLDER, "2021")
    lines = [
        line[2:] if re.match(r"^# \w+ = ", line) else line
        for line in text.splitlines()
        if not re.match(r"^# (persons|areas|decision_log|criteria_scores|themes|workshop) = ", line)
    ]
    assert "reference_date" in tomllib.loads("\n".join(lines))
    config = load_config(_write(tmp_path, "\n".join(lines)))
    assert config.reference_date == "2026-03-31"
    assert config.map_attribution == ONS_ATTRIBUTION.format(year=2021)
