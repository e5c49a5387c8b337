from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from toolkit.report import BoardTable, Count, TableColumn, add_total_row, board_table, sentence
from toolkit.report.tables import TOTAL_ROW, bullet_list, disclose

COLUMNS = (
    TableColumn("name", "Segment"),
    TableColumn("people", "People", "count"),
    TableColumn("share", "% of people", "share", depends_on="people"),
    TableColumn("cost", "Cost", "money"),
    TableColumn("rate", "Rate per 1,000", "rate"),
)


def _table() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "name": ["Healthy", "Frail", "End of life", "Other"],
            "people": [12_345, 4, 1_651, 0],
            "share": [0.88, 0.0003, 0.1197, 0.0],
            "cost": [1_234_567.4, 2_000.0, 987_654.0, 0.0],
            "rate": [1.25, np.nan, 2345.678, 0.0],
        }
    )
    return add_total_row(frame, columns=["people", "share", "cost"], label_column="name")


def test_add_total_row_sums_and_labels_without_changing_the_input():
    frame = pd.DataFrame({"name": ["a", "b"], "n": [3, 4], "cost": [10.0, 30.0]})
    totalled = add_total_row(
        frame, columns=["n", "cost"], label_column="name", ratios={"per": ("cost", "n", 1.0)}
    )
    assert totalled.index.tolist() == [0, 1, TOTAL_ROW]
    assert totalled.loc[TOTAL_ROW, "n"] == 7 and totalled.loc[TOTAL_ROW, "name"] == "All"
    assert totalled.loc[TOTAL_ROW, "per"] == pytest.approx(40 / 7)
    assert list(frame.columns) == ["name", "n", "cost"] and len(frame) == 2
    with pytest.raises(ValueError, match="already has a row labelled 'total'"):
        add_total_row(totalled, columns=["n"], label_column="name")


def test_board_table_formats_suppresses_and_marks_counts():
    table = board_table(_table(), columns=COLUMNS, caption="Segments, 2025/26", total_row=TOTAL_ROW)
    assert isinstance(table, BoardTable)
    cells = table.cells
    assert cells["People"].tolist() == ["12,345", "[c]", "[c]", "0", "14,000"]
    # 4 is primary; 1,651 is the secondary (the zero cannot hide it); its share goes too.
    assert cells["% of people"].tolist() == ["88.0%", "[c]", "[c]", "0.0%", "100.0%"]
    assert cells["Cost"].tolist() == ["£1,234,567", "£2,000", "£987,654", "£0", "£2,224,221"]
    # A rate of 100 or more is a whole number (fix-report): "2,346", not "2,345.7".
    assert cells["Rate per 1,000"].tolist() == ["1.2", "[x]", "2,346", "0.0", "[x]"]
    assert any("[c] not shown to protect confidentiality" in note for note in table.notes)
    assert table.suppressed["reason"].tolist() == ["primary", "secondary"]

    text = str(table)
    assert text.splitlines()[0] == "Segments, 2025/26"
    assert "12,345" in text and "1,651" not in text and " 4 " not in text

    soup = BeautifulSoup(table.to_html(), "html.parser")
    html_table = soup.find("table")
    assert html_table["data-disclosure-threshold"] == "10"
    kinds = [th["data-kind"] for th in html_table.find_all("th")]
    assert kinds == ["text", "count", "share", "money", "rate"]
    counts = [td.get_text() for td in html_table.find_all("td", attrs={"data-kind": "count"})]
    assert counts == cells["People"].tolist()
    assert html_table.find("tr", class_="total").find("td").get_text() == "All"
    bundle = table._repr_mimebundle_()
    assert bundle["text/plain"] == text and bundle["text/html"] == table.to_html()


def test_disclose_gives_the_numbers_behind_the_table():
    shown = disclose(_table(), columns=COLUMNS, total_row=TOTAL_ROW)
    assert shown["people"].isna().tolist() == [False, True, True, False, False]
    assert shown["share"].isna().tolist() == [False, True, True, False, False]
    assert shown["cost"].notna().all()


def test_board_table_refuses_bad_specifications():
    frame = _table()
    with pytest.raises(ValueError, match="no column"):
        board_table(frame, columns=[TableColumn("nope", "Nope")], caption="x")
    with pytest.raises(ValueError, match="depends on 'cost', which is not a count column"):
        board_table(
            frame, columns=[TableColumn("share", "S", "share", depends_on="cost")], caption="x"
        )
    with pytest.raises(ValueError, match="'total_row' parameter of board_table"):
        board_table(frame, columns=COLUMNS, caption="x", total_row="everyone")
    with pytest.raises(ValueError, match="'kind' parameter of TableColumn"):
        TableColumn("people", "People", "persons")


def test_sentence_suppresses_small_counts_and_marks_them():
    text = sentence("Of ", Count(12_000), " people, ", Count(3), " died & ", Count(0), " left.")
    assert text.text == "Of 12,000 people, [c] died & 0 left."
    soup = BeautifulSoup(text.html, "html.parser")
    assert [span.get_text() for span in soup.find_all("span", attrs={"data-kind": "count"})] == [
        "12,000",
        "[c]",
        "0",
    ]
    assert "&amp;" in text.html
    listed = bullet_list([sentence("a", tag="li"), sentence("b", tag="li")], ordered=True)
    assert listed.text == "1. a\n2. b" and listed.html == "<ol><li>a</li><li>b</li></ol>"
