"""With table names hidden, the decision log's download links carry no table's name.

The links are ``data:`` links: the files themselves are in the page, base64-encoded. With
the names hidden they name each table by its letter and leave the groups out.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re

from toolkit.workshop import FacilitatorApp

from .test_workshop_review_mends import FOUR
from .test_workshop_room_walk import submit_tables

GROUPS = ("Clinicians", "Residents", "Voluntary sector", "Local authority")


def downloads(facilitator) -> dict[str, tuple[str, str]]:
    """Each link's kind -> (file name, the file's text, decoded)."""
    found = re.findall(
        r'data-kind="(csv|json)" download="([^"]+)" href="data:[^,]+;base64,([^"]+)"',
        facilitator.downloads.value,
    )
    assert sorted(kind for kind, _, _ in found) == ["csv", "json"]
    return {kind: (name, base64.b64decode(data).decode("utf-8")) for kind, name, data in found}


def names_in(text: str, names) -> list[str]:
    """The real table names that appear in the text ("Table 1" not in "Table 12")."""
    return [name for name in names if re.search(rf"(?i){re.escape(name)}(?!\d)", text)]


def a_room_with_changes(quick) -> FacilitatorApp:
    """Two rounds: a table added, its round result recorded, one merged and one removed."""
    store, name = quick.store, quick.name
    store.add_table(name, "Pharmacy", "Clinicians")
    submit_tables(quick, {**FOUR, "Pharmacy": ("Clinicians", {"burden": 3, "cost": 8})})
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    facilitator.close_round()  # the room's result records the tables counted
    facilitator.open_round()
    submit_tables(quick, {"Table 1": FOUR["Table 4"], "Pharmacy": FOUR["Table 3"]})
    store.merge_tables(name, "Table 3", "Table 2")
    store.remove_table(name, "Table 12")
    facilitator.refresh(force=True)
    return facilitator


def test_hidden_names_leave_the_downloads_by_letter_with_no_name(quick):
    facilitator = a_room_with_changes(quick)
    store, name = quick.store, quick.name
    real = list(store.tables(name)["table"])
    assert "Pharmacy" in real and "Table 3" in real
    shown = downloads(facilitator)
    for kind, (file, text) in shown.items():
        assert {"Pharmacy", "Table 2", "Table 3"} <= set(names_in(text, real)), kind
        assert all(group in text for group in GROUPS), kind
        assert "letters" not in file
    assert "Table 12" in names_in(shown["json"][1], real)  # removed: in the list and events
    facilitator.hide_names.value = True
    hidden = downloads(facilitator)
    marks = store.table_marks(name)
    letter = {mark.name: f"Table {mark.letter}" for mark in marks.values()}
    for kind, (file, text) in hidden.items():
        assert names_in(text, real) == [], kind
        assert [group for group in GROUPS if group in text] == [], kind
        assert "Table ?" not in text and file.endswith(f"-letters.{kind}")
    assert names_in(facilitator.downloads.value, real) == []
    rows = list(csv.DictReader(io.StringIO(hidden["csv"][1])))
    assert {row["Table"] for row in rows} == {letter[t] for t in (*FOUR, "Pharmacy")}
    assert {row["Group"] for row in rows} == {""}
    merged = [row for row in rows if row["Table"] == letter["Table 3"]]
    assert {row["Table status"] for row in merged} == {f"merged into {letter['Table 2']}"}
    assert {row["Counts as table"] for row in merged} <= {letter["Table 2"], ""}
    # The same rows as the full log, in the same order: only the names and groups differ.
    full = list(csv.DictReader(io.StringIO(shown["csv"][1])))
    assert [row["Table"] for row in rows] == [letter[row["Table"]] for row in full]
    assert [row["Submission"] for row in rows] == [row["Submission"] for row in full]
    document = json.loads(hidden["json"][1])
    assert {entry["table"] for entry in document["tables"]} == set(
        letter[t] for t in real if t in letter
    )
    assert {entry["group"] for entry in document["tables"]} == {""}
    assert {entry["role"] for entry in document["submissions"]} == {""}
    first = document["room_results"][0]["tables"]
    assert sorted(first) == sorted(letter[t] for t in (*FOUR, "Pharmacy"))
    kinds = {event["kind"] for event in document["events"]}
    assert {"table_added", "tables_merged", "table_removed", "round_closed"} <= kinds
    # Shown again, the names come back.
    facilitator.hide_names.value = False
    assert "Pharmacy" in downloads(facilitator)["csv"][1]
    facilitator.close()


def test_the_store_s_full_log_lists_the_tables_as_its_table_list(quick):
    facilitator = a_room_with_changes(quick)
    store, name = quick.store, quick.name
    document = json.loads(store.decision_log_json(name))
    assert document["tables"] == store.tables(name).to_dict("records")
    assert "merged into Table 2" in {entry["status"] for entry in document["tables"]}
    facilitator.close()
