"""The board report's ``imd_edition`` key: the edition of areas files that do not say it.

Walk-through (real data) finding 8: areas saved as CSV or GeoPackage lose their IMD edition,
so the report's captions read "IMD deciles" with no year and the configuration had no key
to give it.
"""

from __future__ import annotations

import warnings

import pytest

from toolkit.data import make_demo_system
from toolkit.report import ReportConfig
from toolkit.report.config import config_template
from toolkit.report.inputs import load_inputs

from ._system_files import write_config

SEED = 20261122


@pytest.fixture(scope="module")
def system():
    return make_demo_system(persons=1_500, seed=SEED)


def _inputs(tmp_path, system, **options):
    people = system.persons.drop(columns="imd_decile")
    areas = system.areas.drop(columns="geometry")
    config = write_config(tmp_path, people, areas, seed=SEED, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_inputs(config)


def test_an_areas_csv_says_no_edition_without_the_key(tmp_path, system):
    assert _inputs(tmp_path, system).imd_edition == ""


@pytest.mark.parametrize("edition", [2019, 2025])
def test_the_key_gives_the_edition_the_captions_name(tmp_path, system, edition):
    assert _inputs(tmp_path, system, imd_edition=edition).imd_edition == str(edition)


@pytest.mark.parametrize("edition", [2020, 19])
def test_an_edition_the_toolkit_does_not_read_is_refused_naming_the_key(edition):
    with pytest.raises(ValueError, match=r"imd_edition.*2019 or 2025"):
        ReportConfig(system_name="Test", imd_edition=edition)


def test_print_config_writes_the_key_commented():
    assert "# imd_edition = 2019" in config_template()
