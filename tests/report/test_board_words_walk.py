"""Board words the walk-through found untrue or unplain (issue 14).

The map's attribution credits made-up boundaries as synthetic and never prints the run's
year as the boundaries' copyright year; the deprivation chart and the robustness heat map
speak plain words ("age-standardised", "% of weightings tried"); the Methods' disclosure
statement says what is checked, and that some figures are flagged as resting on few events.
"""

from __future__ import annotations

import json
import warnings
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit.data.synth import write_demo_system
from toolkit.report import ReportConfig
from toolkit.report import sections as report
from toolkit.report._asks import BOUNDARIES_YEAR, METHODS, SYNTHETIC_BOUNDARIES
from toolkit.report.charts import deprivation_chart, rank_acceptability_chart
from toolkit.report.config import ONS_ATTRIBUTION

ONS = "Office for National Statistics"


@pytest.fixture(scope="module")
def synth_files(tmp_path_factory):
    """What `pophealth synth` writes without areas of the analyst's own: made-up places."""
    folder = tmp_path_factory.mktemp("synth")
    return write_demo_system(folder, persons=200, seed=7, progress=False)


def _attribution(config: ReportConfig) -> tuple[str, list[str]]:
    """The attribution, with the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        words = report.map_attribution(config)
    return words, [str(warning.message) for warning in caught]


@pytest.mark.parametrize("synthetic_data", [True, False])
def test_boundaries_written_by_synth_are_credited_as_synthetic(synth_files, synthetic_data):
    config = ReportConfig(
        system_name="Test ICS",
        persons=str(synth_files["persons"]),
        areas=str(synth_files["areas"]),
        synthetic_data=synthetic_data,
    )
    words, warned = _attribution(config)
    assert words == SYNTHETIC_BOUNDARIES
    assert words == report.map_attribution(ReportConfig(system_name="Demo"))  # as the demo's
    assert ONS not in words and "Crown copyright" not in words
    assert not warned


def test_synthetic_data_on_made_up_areas_without_the_synth_record(synth_files, tmp_path):
    # The persons saved again as CSV lose the record; the areas' made-up codes still tell.
    persons = tmp_path / "persons.csv"
    pd.read_parquet(synth_files["persons"]).head(5).to_csv(persons, index=False)
    config = ReportConfig(
        system_name="Test ICS",
        persons=str(persons),
        areas=str(synth_files["areas"]),
        synthetic_data=True,
    )
    assert report.map_attribution(config) == SYNTHETIC_BOUNDARIES


def _areas_file(path, codes) -> str:
    import geopandas as gpd
    from shapely.geometry import box

    gpd.GeoDataFrame(
        {"lsoa": codes, "place": "P", "imd_decile": 1},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
        crs="EPSG:27700",
    ).to_file(path, layer="areas", driver="GPKG")
    return str(path)


def test_synthetic_persons_on_real_boundaries_credit_ons_without_a_made_up_year(tmp_path):
    # `pophealth synth --areas` places made-up people in the analyst's real areas: their
    # boundaries are ONS's, and the persons file records that areas were given.
    persons = tmp_path / "persons.parquet"
    table = pa.table({"person_id": ["1"]})
    record = {"system": "X", "persons": 1, "seed": 1, "areas": 2, "areas_with_persons": 2}
    pq.write_table(
        table.replace_schema_metadata({b"toolkit.synth": json.dumps(record).encode()}), persons
    )
    areas = _areas_file(tmp_path / "areas.gpkg", ["E01000001", "E01000002"])
    config = ReportConfig(system_name="X", persons=str(persons), areas=areas, synthetic_data=True)
    words, warned = _attribution(config)
    assert words == ONS_ATTRIBUTION.format(year=BOUNDARIES_YEAR)
    assert str(date.today().year) not in words  # not the year the report is run
    assert any("map_attribution" in message for message in warned)
    # Without the record, real LSOA codes say the same.
    plain = tmp_path / "persons.csv"
    plain.write_text("person_id\n1\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="map_attribution"):
        words = report.map_attribution(
            ReportConfig(system_name="X", persons=str(plain), areas=areas, synthetic_data=True)
        )
    assert ONS in words


def test_the_analysts_attribution_is_printed_as_given(synth_files):
    given = ONS_ATTRIBUTION.format(year=2023)
    config = ReportConfig(
        system_name="X",
        persons=str(synth_files["persons"]),
        areas=str(synth_files["areas"]),
        map_attribution=given,
    )
    words, warned = _attribution(config)
    assert words == given and not warned
    real = ReportConfig(system_name="X", persons="p.csv", areas="a.gpkg", map_attribution=given)
    assert _attribution(real) == (given, [])


def _texts(figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(lambda artist: hasattr(artist, "get_text"))]


def test_the_deprivation_chart_says_age_standardised_in_plain_words():
    deciles = np.arange(1, 11)
    rates = pd.DataFrame(
        {
            "imd_decile": deciles,
            "rate": 1000.0 + 50 * deciles,
            "lower_95": 900.0 + 50 * deciles,
            "upper_95": 1100.0 + 50 * deciles,
        }
    )
    figure = deprivation_chart(
        rates, label="emergency admissions", multiplier=100_000, period="2025/26"
    )
    label = figure.axes[0].get_ylabel()
    assert label == "Emergency admissions per 100,000\npeople a year, age-standardised"
    assert not any("ESP" in text for text in _texts(figure))


def test_the_robustness_heat_map_says_weightings_tried():
    probabilities = pd.DataFrame([[0.7, 0.3], [0.3, 0.7]], columns=[1, 2])
    figure = rank_acceptability_chart(
        probabilities, labels=["A", "B"], period="2025/26", draws=10_000, shortlist_size=1
    )
    colour_bar = figure.axes[-1]
    assert colour_bar.get_ylabel() == "% of weightings tried"
    assert not any("draws" in text for text in _texts(figure))
    assert rank_acceptability_chart.__doc__ and "weight draws" not in (
        rank_acceptability_chart.__doc__
    )


def test_the_methods_say_what_disclosure_control_checks(evidence):
    disclosure = next(method for method in METHODS if method.startswith("Disclosure control"))
    # The report flags figures resting on few events ("fewer than 10 events"): the Methods
    # cannot claim that no count is shown to be small.
    assert "shown to be small" not in disclosure
    assert "is flagged, not shown" in disclosure
    assert "fewer than 10 events" in disclosure
    assert "no suppressed count can be worked out exactly from any combination of the " in (
        disclosure
    )
    box = report.provenance(evidence.config, evidence.inputs)
    assert "is flagged, not shown" in box.text
    assert "shown to be small" not in box.text
