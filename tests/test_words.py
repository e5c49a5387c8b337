"""Values are listed in words, and phrases given their capital, by one module (issue 17, "one
vocabulary"): :mod:`toolkit._words`. Before, four subpackages each had a near copy of the
listing ("2, 5, 8 and 11", "a, b and 3 more") and a dozen places wrote the capital by hand.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit._words import capitalised, listed, lower_first

PACKAGE = Path(__file__).resolve().parents[1] / "toolkit"


# --- listed ---------------------------------------------------------------------------------


def test_none_one_and_two_values():
    assert listed([]) == ""
    assert listed([7]) == "7"
    assert listed([2, 5]) == "2 and 5"


def test_many_values_end_with_and_when_all_are_shown():
    assert listed([2, 5, 8, 11]) == "2, 5, 8 and 11"
    assert listed(range(1, 6)) == "1, 2, 3, 4 and 5"


def test_a_long_list_is_cut_short_with_how_many_more():
    assert listed(range(1, 9)) == "1, 2, 3, 4, 5 and 3 more"
    assert listed(range(1, 9), most=2) == "1, 2 and 6 more"
    assert listed(["a", "b", "c"], most=1) == "a and 2 more"


def test_the_more_are_counted_with_thousands_separators():
    assert listed(range(1_250), most=2) == "0, 1 and 1,248 more"


def test_without_the_final_and_a_short_list_is_joined_like_the_rest():
    assert listed([2, 5, 8], final_and=False) == "2, 5, 8"
    assert listed([2, 5], final_and=False) == "2, 5"
    # A list cut short still ends "and N more".
    assert listed(range(1, 8), final_and=False) == "1, 2, 3, 4, 5 and 2 more"


def test_the_more_count_from_a_total_the_caller_knows():
    # A report keeps the first 20 of 34 rows; the words count all 34.
    assert listed(range(2, 22), total=34, final_and=False) == "2, 3, 4, 5, 6 and 29 more"
    # Fewer values than shown, but more in all: the more are those not shown.
    assert listed([2, 3], total=4) == "2, 3 and 2 more"
    # A total equal to the values given changes nothing.
    assert listed([2, 3, 4], total=3) == "2, 3 and 4"


def test_a_total_below_the_values_given_or_a_most_below_one_is_refused():
    with pytest.raises(ValueError, match=r"total \(2\) is fewer than the 3 values given"):
        listed([1, 2, 3], total=2)
    with pytest.raises(ValueError, match="most must be at least 1, not 0"):
        listed([1, 2, 3], most=0)


def test_quoted_values_are_shown_as_python_writes_them():
    assert listed(["North", "South"], quote=True) == "'North' and 'South'"
    assert listed(["it's"], quote=True) == '"it\'s"'
    assert listed(["a", "b", "c"], quote=True, most=2) == "'a', 'b' and 1 more"


def test_values_that_hold_commas_are_separated_by_semicolons():
    details = [f"row {n}: 1,{n}00" for n in range(2, 9)]
    assert (
        listed(details, final_and=False, sep="; ")
        == "row 2: 1,200; row 3: 1,300; row 4: 1,400; row 5: 1,500; row 6: 1,600; and 2 more"
    )
    assert listed(details[:2], sep="; ") == "row 2: 1,200; and row 3: 1,300"


def test_any_iterable_is_listed_once_in_its_own_order():
    assert listed(value for value in (3, 1, 2)) == "3, 1 and 2"
    assert listed(sorted({"b", "a"})) == "a and b"


# --- capitalised ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("admissions for COPD", "Admissions for COPD"),
        ("eFI frailty", "EFI frailty"),
        ("NHS Health Check", "NHS Health Check"),
        ("a", "A"),
        ("", ""),
        ("1st contact", "1st contact"),
    ],
)
def test_capitalised_raises_the_first_letter_and_keeps_the_rest(text, expected):
    assert capitalised(text) == expected
    assert capitalised(text)[1:] == text[1:]


# --- the toolkit uses them ------------------------------------------------------------------


def test_no_module_writes_the_first_capital_by_hand():
    # text[:1].upper() + text[1:], or f"{text[:1].upper()}{text[1:]}"
    idiom = re.compile(r"([\w.]+)\[:1\]\.upper\(\)(?:\s*\+\s*|\}\{)\1\[1:\]")
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "_words.py" and idiom.search(path.read_text(encoding="utf-8"))
    )
    assert not found, f"use toolkit._words.capitalised in {found}"


def test_no_module_defines_a_listing_helper_of_its_own():
    """The four near copies are gone; what is left of them only configures :func:`listed`."""
    for name, helper in [
        ("report/_update_checks.py", "_names"),
        ("prioritise/templates.py", None),
        ("monitor/_series_checks.py", None),
        ("monitor/_series_table.py", None),
        ("places/_reports.py", "_examples"),
    ]:
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        functions = {
            node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
        }
        assert "_listed" not in functions, name
        if helper is not None:
            body = [node for node in functions[helper].body if not isinstance(node, ast.Expr)]
            assert len(body) == 1 and isinstance(body[0], ast.Return), (name, helper)
            assert "listed(" in ast.unparse(body[0]), (name, helper)


def test_the_update_check_lists_every_series_id_with_thousands_separators():
    """Harmonised: the update's "and N more" counts like every other message ("1,238")."""
    from toolkit.report._update_checks import check_update_keys
    from toolkit.report.update_config import UpdateConfig

    ids = [f"s{n:04d}" for n in range(1_250)]
    series = pd.DataFrame({"series": ids, "period": "2025-04"})
    config = UpdateConfig(system_name="Test ICS", priorities=["nothing_like_it"])
    with pytest.raises(ValueError) as caught:
        check_update_keys(config, series)
    message = str(caught.value)
    assert "its themes: none; its series ids: 's0000', 's0001'" in message
    assert "'s0010', 's0011' and 1,238 more)" in message


def test_a_series_problem_with_details_lists_them_with_semicolons():
    from toolkit.monitor._series_checks import _detail_problem

    problem = _detail_problem(
        "value",
        "repeat",
        ("repeats an earlier one", "repeat earlier ones"),
        list(range(2, 9)),
        [f"row {n}, as row 1" for n in range(2, 9)],
    )
    assert problem.sentence == (
        "column 'value': 7 rows repeat earlier ones (row 2, as row 1; row 3, as row 1; "
        "row 4, as row 1; row 5, as row 1; row 6, as row 1; and 2 more)."
    )


def test_a_match_report_counts_the_left_out_rows_it_does_not_name():
    """The more are those not named, not those past five (a report built by hand)."""
    from toolkit.places import CodeMatchReport

    report = CodeMatchReport(
        left="persons",
        right="areas",
        rows=10,
        matched_rows=7,
        missing_code_rows=3,
        unmatched_rows=0,
        unmatched_row_numbers=(0,),
    )
    assert "First rows left out: 2 and 2 more." in str(report)


def test_none_shown_of_a_known_total_is_just_the_count():
    assert listed([], total=3) == "3 more"
    assert listed([]) == ""


def test_the_last_separator_can_be_chosen():
    # Series joined by semicolons, then " and 3 more" (the SPC messages).
    series = ["place='North'", "place='South'"]
    assert (
        listed(series, total=5, sep="; ", last_sep=" and ", final_and=False)
        == "place='North'; place='South' and 3 more"
    )
    # Row numbers joined by commas, then "; and 7 more" (the readers' problems).
    assert listed(range(2, 14), final_and=False, last_sep="; and ") == "2, 3, 4, 5, 6; and 7 more"
    # A short list ends with it too, unless final_and is False.
    assert listed(["a", "b", "c"], sep="; ", last_sep=" and ") == "a; b and c"
    assert listed(["a", "b", "c"], sep="; ", last_sep=" and ", final_and=False) == "a; b; c"


# --- lower_first ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A&E attendances", "A&E attendances"),
        ("Emergency admissions", "emergency admissions"),
        ("NHS money", "NHS money"),
        ("NHS Health Check with a plan", "NHS Health Check with a plan"),
        ("COPD admissions", "COPD admissions"),
        ("GPs review every patient", "GPs review every patient"),
        ("GP appointments", "GP appointments"),
        ("eFI frailty", "eFI frailty"),
        ("COVID-19 vaccinations", "COVID-19 vaccinations"),
        ("5A day", "5A day"),
        ("People with COPD", "people with COPD"),
        ("A seven-day team", "a seven-day team"),
        ("Treat blood pressure to target", "treat blood pressure to target"),
        ("A", "a"),
        ("", ""),
    ],
)
def test_lower_first_leaves_a_first_word_that_is_an_abbreviation(text, expected):
    assert lower_first(text) == expected
    assert lower_first(text)[1:] == text[1:]


def test_no_module_lowers_the_first_letter_with_a_helper_of_its_own():
    """The theme rows and the snapshot series disagreed ("a&E attendances"); both use one."""
    from toolkit.monitor import series
    from toolkit.prioritise import _theme_row

    assert _theme_row.lower_first is lower_first
    found = sorted(
        f"{path.relative_to(PACKAGE)}:{node.name}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "_words.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and "lower_first" in node.name
    )
    assert not found, f"use toolkit._words.lower_first, not {found}"
    assert not hasattr(series, "_lower_first")


def test_a_snapshot_series_label_keeps_a_cohort_that_starts_with_an_abbreviation(tmp_path):
    from toolkit.data import make_demo_system
    from toolkit.monitor.series import series_from_snapshots

    catalogue = tmp_path / "cohorts.toml"
    catalogue.write_text(
        '[[cohorts]]\nid = "attenders"\nkind = "population_group"\n'
        'label = "A&E attenders of every age"\nwhen = "age >= 0"\n\n'
        '[[cohorts]]\nid = "adults"\nkind = "population_group"\n'
        'label = "Adults"\nwhen = "age >= 18"\n',
        encoding="utf-8",
    )
    areas = make_demo_system(300, seed=0).areas
    snapshots = {
        year: make_demo_system(300, seed=seed, areas=areas).persons
        for seed, year in enumerate(["2023/24", "2024/25"])
    }
    got = series_from_snapshots(
        snapshots,
        measures=["emergency_admissions"],
        cohorts=["attenders", "adults"],
        by_place=False,
        catalogue=catalogue,
    )
    assert set(got["label"]) == {
        "Emergency admissions, A&E attenders of every age",  # not "a&E attenders"
        "Emergency admissions, adults",
    }


# --- no "and N more" written by hand --------------------------------------------------------

#: "and {...} more" in an f-string: a listing written by hand rather than with listed.
HAND_WRITTEN_MORE = re.compile(r"and \{[^{}\n]*\} more")

#: The sites left as they are, each with the text matched and why listed does not fit.
ALLOWED_MORE = {
    ("monitor/spc.py", "and {self.n_series - 20} more"): (
        "the notebook view of SPCResult counts the series past the 20 rows of its HTML table "
        "('… and 7 more series'); it names no values in words to list"
    ),
}


def _hand_written_more() -> set[tuple[str, str]]:
    return {
        (str(path.relative_to(PACKAGE)), match.group())
        for path in PACKAGE.rglob("*.py")
        if path.name != "_words.py"
        for match in HAND_WRITTEN_MORE.finditer(path.read_text(encoding="utf-8"))
    }


def test_no_module_writes_and_n_more_by_hand():
    found = _hand_written_more()
    assert not found - ALLOWED_MORE.keys(), (
        f"list the values with toolkit._words.listed: {sorted(found - ALLOWED_MORE.keys())}"
    )
    # An allowed site that is gone is taken off the list.
    assert not ALLOWED_MORE.keys() - found, sorted(ALLOWED_MORE.keys() - found)


def test_the_scan_finds_a_hand_written_listing():
    assert HAND_WRITTEN_MORE.search('text += f" and {len(rows) - 5} more"')
    assert HAND_WRITTEN_MORE.search('detail += f"; and {count - MAX_EXAMPLES:,} more"')
    assert not HAND_WRITTEN_MORE.search('"and 3 more"')


# --- the messages that now use listed -------------------------------------------------------


def test_rows_in_a_parameter_error_are_counted_with_thousands_separators():
    from toolkit._params import rows_text

    assert rows_text([3, 7]) == "2 rows (3, 7)"
    assert rows_text(["a"]) == "1 row ('a')"
    assert rows_text(range(8)) == "8 rows (0, 1, 2, 3, 4 and 3 more)"
    assert rows_text(range(1_250)) == "1250 rows (0, 1, 2, 3, 4 and 1,245 more)"


def test_candidates_missing_a_score_are_counted_from_all_of_them():
    from toolkit.prioritise.criteria import _describe_rows

    named = pd.DataFrame({"candidate": [f"c{n}" for n in range(1_300)]})
    assert _describe_rows(named, np.arange(2)) == "candidates 'c0', 'c1'"
    assert (
        _describe_rows(named, np.arange(1_300))
        == "candidates 'c0', 'c1', 'c2', 'c3', 'c4' and 1,295 more"
    )
    unnamed = pd.DataFrame({"other": range(9)})
    assert _describe_rows(unnamed, np.array([2, 4, 8]), limit=2) == "rows 2, 4 and 1 more"


def test_columns_a_file_lacks_are_named_as_before():
    from toolkit.segment._sources import _named

    assert _named(["a", "b"]) == "'a', 'b'"
    columns = [f"c{n}" for n in range(1_010)]
    assert _named(columns) == "'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7' and 1,002 more"


def test_a_readers_problem_lists_rows_then_how_many_more_after_a_semicolon():
    from toolkit.data.problems import row_problem

    phrases = ("is outside 0 to 120", "are outside 0 to 120")
    rows = row_problem("age", "in_range", phrases, np.arange(1_200), None, 2)
    assert rows.sentence == (
        "column 'age': 1,200 rows are outside 0 to 120 (rows 2, 3, 4, 5, 6; and 1,195 more)."
    )
    values = row_problem("age", "in_range", phrases, np.arange(7), [130 + n for n in range(7)], 2)
    assert values.sentence == (
        "column 'age': 7 rows are outside 0 to 120 "
        "(row 2: 130; row 3: 131; row 4: 132; row 5: 133; row 6: 134; and 2 more)."
    )
