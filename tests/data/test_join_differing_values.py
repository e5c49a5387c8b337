"""join_persons_to_areas counts the persons' own values it keeps or replaces (walk-through).

With ``existing="fill"`` (as notebooks 01 and 02 join), a person's own IMD decile that
contradicts their LSOA's was kept without a word: an extract holding IoD2019 deciles
joined to IoD2025 areas would pass unnoticed.
"""

from __future__ import annotations

import pandas as pd

from toolkit.data import join_persons_to_areas


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    persons = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e"],
            "lsoa": ["E01000001", "E01000001", "E01000002", None, "E01000009"],
            "imd_decile": pd.array([1, 7, None, 3, 4], dtype="Int64"),
            "place": ["North", "north ", "South", "East", None],
        }
    )
    areas = pd.DataFrame(
        {
            "lsoa": ["E01000001", "E01000002"],
            "imd_decile": [7.0, 2.0],  # floats: 7.0 is the same decile as 7
            "place": ["North", "South"],
        }
    )
    return persons, areas


def test_fill_keeps_and_counts_values_that_differ_from_the_areas():
    persons, areas = _tables()
    joined, report = join_persons_to_areas(
        persons, areas, columns=("imd_decile", "place"), existing="fill"
    )
    assert joined["imd_decile"].tolist() == [1, 7, 2, 3, 4]
    assert report.differing == {"imd_decile": 1, "place": 1}  # 'north ' is not 'North'
    assert "1 person in 'imd_decile'" in report.summary()
    assert "were kept (existing='fill' fills only blanks)" in report.summary()
    assert "same IMD edition" in report.summary()


def test_replace_counts_values_replaced_and_values_made_blank():
    persons, areas = _tables()
    joined, report = join_persons_to_areas(
        persons, areas, columns=("imd_decile",), existing="replace"
    )
    assert joined["imd_decile"].isna().tolist() == [False, False, False, True, True]
    assert report.differing == {"imd_decile": 1}
    assert report.blanked == {"imd_decile": 2}  # d has no LSOA, e's LSOA is not in areas
    text = report.summary()
    assert "were replaced by the areas' (existing='replace')" in text
    assert "made blank because their LSOA is blank or not in the areas table" in text


def test_no_sentence_when_persons_had_none_of_the_columns():
    persons, areas = _tables()
    _, report = join_persons_to_areas(
        persons.drop(columns=["imd_decile", "place"]), areas, columns=("imd_decile",)
    )
    assert report.differing == {} and report.blanked == {}
    assert "differ" not in report.summary()
