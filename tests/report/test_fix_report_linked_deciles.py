"""The deprivation and place tables hide what the linked protection chose (fix-report).

A place that is exactly two deprivation deciles gives away a suppressed decile by
subtraction (place minus the shown decile) unless the linked protection hides a further
cell. The tables must hide the cells :meth:`LinkedTables.protect` chose: the deciles of the
figures are float beside the total row, and their keys once read ``deprivation/1.0/...``,
matched nothing and hid nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.report import sections
from toolkit.report.linked import JOIN_MATCHED, feasible_intervals, link_report
from toolkit.report.tables import TOTAL_ROW, add_total_row

from ._html_scan import shown_figures
from ._linked_atoms import atoms

THRESHOLD = 10

#: decile, place, persons, emergency admissions: Tarnholme is exactly deciles 4 and 5, so
#: decile 4 (6 admissions) = Tarnholme (19) - decile 5 (13) unless a further cell is hidden.
SYSTEM = [
    (1, "Ashbrigg", 169, 25),
    (2, "Brackley", 78, 5),
    (3, "Corbridge", 82, 4),
    (4, "Tarnholme", 117, 6),
    (5, "Tarnholme", 76, 13),
    (7, "Wyvendale", 101, 8),
    (9, "Wyvendale", 77, 6),
]


def _linked():
    rows = atoms(
        [("a", d, place, JOIN_MATCHED, persons, events, 0) for d, place, persons, events in SYSTEM]
    )
    return link_report(rows, segments=["a"], threshold=THRESHOLD)


def _deprivation_figures() -> pd.DataFrame:
    """The deprivation table's figures, as :func:`deprivation_figures` lays them out."""
    frame = pd.DataFrame(
        {
            "decile": [d for d, *_ in SYSTEM],
            "decile_label": [str(d) for d, *_ in SYSTEM],
            "population": [p for _, _, p, _ in SYSTEM],
            "events": [e for *_, e in SYSTEM],
        }
    )
    frame = frame.assign(
        rate=1e5 * frame["events"] / frame["population"],
        lower_95=50.0,
        upper_95=50_000.0,
        excess=1.0,
        excess_cost=1_600.0,
    )
    frame = add_total_row(
        frame, columns=["population", "events"], label_column="decile_label", label="All"
    )
    assert frame["decile"].dtype.kind == "f"  # the total row makes the deciles float
    frame.loc[TOTAL_ROW, ["rate", "lower_95", "upper_95", "excess", "excess_cost"]] = [
        1e4,
        9e3,
        1.1e4,
        10.0,
        16_000.0,
    ]
    return frame.assign(interval="50 to 50,000")


def _place_figures(linked) -> pd.DataFrame:
    places: dict[str, list[int]] = {}
    for _, place, persons, events in SYSTEM:
        people, admissions = places.get(place, [0, 0])
        places[place] = [people + persons, admissions + events]
    frame = pd.DataFrame(
        {
            "place": list(places),
            "neighbourhoods": 1,
            "persons": [p for p, _ in places.values()],
            "core20_population_share": np.nan,
            "events": [e for _, e in places.values()],
            "value": 1e4,
            "ratio": 100.0,
        }
    )
    frame = add_total_row(
        frame,
        columns=["neighbourhoods", "persons", "events"],
        label_column="place",
        label="All places",
    )
    rows = [*places, "total"]
    return frame.assign(
        core20_population_share=[
            linked.value(f"places/{row}/core20") / linked.value(f"places/{row}/persons")
            for row in rows
        ]
    )


def _tables():
    linked = _linked()
    deprivation = sections.deprivation_table(
        _deprivation_figures(), period="2025/26", threshold=THRESHOLD, linked=linked
    )
    places = sections.place_table(
        _place_figures(linked), period="2025/26", threshold=THRESHOLD, linked=linked
    )
    return linked, deprivation, places


def test_the_tables_hide_the_cells_the_linked_protection_chose():
    linked, deprivation, places = _tables()
    chosen = linked.protect()
    # The protection must hide a further cell: decile 4 is Tarnholme less decile 5.
    assert "deprivation/4/emergency_admissions" in chosen
    assert any(reason == "complementary" for reason in chosen.values())
    shown = {
        "deprivation": deprivation.cells.set_axis([*(d for d, *_ in SYSTEM), "total"]),
        "places": places.cells.set_axis(
            [*dict.fromkeys(place for _, place, *_ in SYSTEM), "total"]
        ),
    }
    for table, cells in shown.items():
        for row in cells.index:
            for column, part in (
                ("People", "persons"),
                ("Emergency admissions", "emergency_admissions"),
            ):
                key = f"{table}/{row}/{part}"
                assert (cells.at[row, column] == "[c]") == (key in chosen), (
                    key,
                    cells.at[row, column],
                )
    # Decile 5 (13 admissions) and Tarnholme (19) cannot both be shown.
    assert "[c]" in (
        shown["deprivation"].at[5, "Emergency admissions"],
        shown["places"].at["Tarnholme", "Emergency admissions"],
    )


def test_no_suppressed_count_can_be_worked_out_from_the_place_and_decile_tables():
    linked, deprivation, places = _tables()
    figures = {**shown_figures(deprivation.to_html()), **shown_figures(places.to_html())}
    counts = [key for key in figures if key.endswith(("/persons", "/emergency_admissions"))]
    assert sum(key.startswith("deprivation/") for key in counts) == 2 * (len(SYSTEM) + 1)
    assert sum(key.startswith("places/") for key in counts) == 2 * 6
    small = [k for k in figures if k in linked.cells and 1 <= linked.value(k) < THRESHOLD]
    assert "deprivation/4/emergency_admissions" in small
    intervals, leaks = feasible_intervals(linked, figures, small=small)
    assert leaks == [], [str(leak) for leak in leaks]
    low, high = intervals["deprivation/4/emergency_admissions"]
    assert high - low >= 1


def test_a_table_whose_rows_are_not_in_the_linked_tables_stops_the_report():
    linked = _linked()
    figures = _deprivation_figures()
    figures["decile"] = figures["decile"] + 20  # deciles the linked tables do not hold
    with pytest.raises(RuntimeError, match="deprivation table"):
        sections.deprivation_table(figures, period="2025/26", threshold=THRESHOLD, linked=linked)
    with pytest.raises(RuntimeError, match="deprivation table"):
        sections.deprivation_chart_figure(
            figures, _Profile(), period="2025/26", threshold=THRESHOLD, linked=linked
        )


def test_one_row_missing_from_the_linked_tables_stops_the_report():
    linked = _linked()
    figures = _deprivation_figures()
    figures.loc[figures.index[0], "decile"] = 10.0  # decile 1's admissions, under decile 10
    with pytest.raises(RuntimeError, match="no cell deprivation/10/"):
        sections.deprivation_table(figures, period="2025/26", threshold=THRESHOLD, linked=linked)


class _Profile:
    """Never reached: the chart stops at its rows."""
