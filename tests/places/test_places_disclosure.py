from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import toolkit.disclosure
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.errors import DataContractError
from toolkit.places import choropleth, interactive_map, suppress_small_counts
from toolkit.report import TableColumn, board_table, suppress_counts


def test_counts_from_one_to_nine_are_suppressed_and_zero_is_shown():
    counts = pd.Series([0, 1, 9, 10, 11, None], index=list("abcdef"), name="events", dtype="Int64")
    shown = suppress_small_counts(counts)
    assert DISCLOSURE_THRESHOLD == 10
    assert shown.isna().tolist() == [False, True, True, False, False, True]
    assert shown.dropna().tolist() == [0, 10, 11]
    assert shown.dtype == "Int64"
    assert list(shown.index) == list("abcdef") and shown.name == "events"
    assert counts.tolist()[:3] == [0, 1, 9]  # input untouched


def test_zero_is_suppressed_when_asked():
    counts = pd.Series([0, 1, 9, 10], name="events")
    shown = suppress_small_counts(counts, zero="suppress")
    assert shown.isna().tolist() == [True, True, True, False]
    with pytest.raises(ValueError, match="'zero' parameter of suppress_small_counts"):
        suppress_small_counts(counts, zero="hide")


def test_places_re_exports_the_shared_primitive():
    assert suppress_small_counts is toolkit.disclosure.suppress_small_counts


def test_threshold_is_configurable_and_floats_stay_floats():
    shown = suppress_small_counts(pd.Series([2.5, 5.0, 7.25]), threshold=5)
    assert shown.isna().tolist() == [True, False, False]
    assert shown.dtype == "Float64"


def test_bad_inputs_are_refused():
    # A data error as every reader words it: the second value is row 3 of a spreadsheet.
    with pytest.raises(
        DataContractError, match=r"column 'n': 1 row is below 0 \(row 3: -1\)"
    ) as error:
        suppress_small_counts(pd.Series([3, -1], name="n", index=[10, 11]))
    assert error.value.failures["example_rows"].tolist() == [[3]]
    with pytest.raises(TypeError, match="'threshold' parameter of suppress_small_counts"):
        suppress_small_counts(pd.Series([3]), threshold=2.5)
    with pytest.raises(ValueError, match="at least 1"):
        suppress_small_counts(pd.Series([3]), threshold=0)
    with pytest.raises(TypeError, match="numeric pandas Series"):
        suppress_small_counts(pd.Series(["a"]))


#: Counts per neighbourhood: zeros, small counts (1, 3, 9) and counts that may be shown.
COUNTS = [0, 1, 9, 10, 250, 12, 40, 0, 3, 75]
HIDDEN = [False, True, True, False, False, False, False, False, True, False]


@pytest.fixture
def count_areas():
    squares = [box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(len(COUNTS))]
    codes = [f"E0100000{i}" for i in range(len(COUNTS))]
    return gpd.GeoDataFrame({"lsoa": codes, "persons": COUNTS}, geometry=squares, crs=27700)


def _tooltips(web_map: folium.Map, column: str) -> list[str]:
    layers = [child for child in web_map._children.values() if isinstance(child, folium.GeoJson)]
    return [feature["properties"][column] for feature in layers[0].data["features"]]


def test_a_map_and_a_report_table_hide_the_same_counts_and_show_zeros(count_areas):
    tooltips = _tooltips(
        interactive_map(count_areas, "persons", title="People, 2024/25", measure="count"),
        "persons",
    )
    figure = choropleth(count_areas, "persons", title="People, 2024/25", measure="count")
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    table = board_table(
        pd.DataFrame(count_areas[["lsoa", "persons"]]),
        columns=[TableColumn("lsoa", "Neighbourhood"), TableColumn("persons", "People", "count")],
        caption="People by neighbourhood, 2024/25",
    )
    cells = table.cells["People"].tolist()

    assert [text.startswith("suppressed") for text in tooltips] == HIDDEN
    assert [cell == "[c]" for cell in cells] == HIDDEN
    assert f"suppressed (fewer than 10) ({sum(HIDDEN)})" in legend
    # Zero is shown in both, as a count of its own.
    assert tooltips[0] == tooltips[7] == "0"
    assert cells[0] == cells[7] == "0"
    assert any(label.startswith("0 (") for label in legend)  # a class of zeros only
    # No class of the map starts or ends at a count that is hidden in the table.
    bounds = [
        int(bound.replace(",", ""))
        for label in legend
        if " to " in label
        for bound in label.rsplit(" (", 1)[0].split(" to ")
    ]
    assert not any(1 <= bound < 10 for bound in bounds)
    assert count_areas["persons"].tolist() == COUNTS  # input unchanged


@pytest.mark.parametrize("zero", ["show", "suppress"])
def test_the_primitive_and_the_report_agree_on_primary_suppression(zero):
    counts = pd.Series([0, 1, 4, 5, 9, 10, 11, 0, 300], name="n")
    expected = toolkit.disclosure.small_counts(counts, threshold=5, zero=zero)
    by_places = suppress_small_counts(counts, threshold=5, zero=zero).isna().to_numpy()
    by_report = suppress_counts(counts.to_frame(), count_columns=["n"], threshold=5, zero=zero)
    np.testing.assert_array_equal(by_places, expected)
    np.testing.assert_array_equal(by_report["n"].isna().to_numpy(), expected)
    assert expected[0] == (zero == "suppress")
