"""``read_areas(..., places=...)`` keyed by district code only (docs/places.md, step 2)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from toolkit.data import read_areas

FIXTURES = Path(__file__).parent / "fixtures"
#: IoD2025 File 7: three LSOAs in Northgate (E06000901), three in Southfield (E07000902).
IMD_2025 = FIXTURES / "imd2025_file7_sample.csv"


def _places(areas) -> dict[str, str]:
    return dict(zip(areas["lad_code"], areas["place"], strict=True))


def test_one_district_mapped_sets_its_place_and_others_keep_their_district_name():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every key is used: nothing to warn about
        areas = read_areas(IMD_2025, places={"E06000901": "Northgate and Coast"})
    assert len(areas) == 6
    assert _places(areas) == {"E06000901": "Northgate and Coast", "E07000902": "Southfield"}
    assert (areas["place"] == "Northgate and Coast").sum() == 3


def test_every_district_mapped_in_any_case_and_spacing():
    areas = read_areas(IMD_2025, places={" e06000901 ": "North", "E07000902": "South"})
    assert _places(areas) == {"E06000901": "North", "E07000902": "South"}
    assert areas["lad_name"].tolist() == ["Northgate"] * 3 + ["Southfield"] * 3


def test_lsoa_key_comes_before_its_district_key():
    areas = read_areas(IMD_2025, places={"E01035001": "Harbour", "E06000901": "North"})
    place = dict(zip(areas["lsoa"], areas["place"], strict=True))
    assert place["E01035001"] == "Harbour"
    assert place["E01035002"] == "North"
    assert set(areas.loc[areas["lad_code"] == "E07000902", "place"]) == {"Southfield"}


def test_a_code_that_matches_nothing_is_named_not_ignored():
    with pytest.warns(UserWarning, match=r"1 code of 'places' matches no LSOA .*\(E08000099\)"):
        areas = read_areas(IMD_2025, places={"E06000901": "North", "E08000099": "Nowhere"})
    assert "Nowhere" not in set(areas["place"])
    assert any("E08000099" in note for note in areas.attrs["notes"])
