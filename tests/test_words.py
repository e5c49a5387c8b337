"""Values are listed in words, and phrases given their capital, by one module (issue 17, "one
vocabulary"): :mod:`toolkit._words`. Before, four subpackages each had a near copy of the
listing ("2, 5, 8 and 11", "a, b and 3 more") and a dozen places wrote the capital by hand.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit._words import capitalised, listed

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
