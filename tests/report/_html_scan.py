"""An independent scan of a report's HTML for counts that escaped disclosure control.

Written with BeautifulSoup, apart from the library's own check (toolkit.report.disclosure),
so that a fault in one does not hide a fault in the other.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

#: Header words that name a count of people or events ...
COUNT_WORDS = re.compile(
    r"\b(people|persons|deaths|admissions|attendances|events|patients)\b", re.IGNORECASE
)
#: ... unless the header says it is a rate, share, money, estimate or comparison.
NOT_A_COUNT = re.compile(
    r"(\bper\b|rate|%|share|£|cost|score|rank|\bvs\b|interval|excess)", re.IGNORECASE
)
NUMBER = re.compile(r"^-?[\d,]*\.?\d+$")


def small_count_problems(html: str, *, default_threshold: int = 10) -> list[str]:
    """Return every way the HTML could show a count below the threshold."""
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []
    for number, table in enumerate(soup.find_all("table"), 1):
        threshold = int(table.get("data-disclosure-threshold", default_threshold))
        if "dataframe" in (table.get("class") or []):
            problems.append(f"table {number} is a raw pandas table with no marked columns")
        for header in table.find_all("th"):
            kind = header.get("data-kind")
            text = header.get_text(" ", strip=True)
            if not kind:
                problems.append(f"table {number}: header {text!r} has no data-kind")
            elif (
                header.get("scope") != "row"  # a row's label, not a column's heading
                and COUNT_WORDS.search(text)
                and not NOT_A_COUNT.search(text)
                and kind != "count"
            ):
                problems.append(f"table {number}: header {text!r} names a count but is {kind!r}")
        for cell in table.find_all("td"):
            kind = cell.get("data-kind")
            text = cell.get_text(strip=True)
            if not kind:
                problems.append(f"table {number}: cell {text!r} has no data-kind")
            elif kind == "count" and NUMBER.match(text):
                value = float(text.replace(",", ""))
                if 1 <= value < threshold:
                    problems.append(f"table {number}: count {text!r} is below {threshold}")
    for span in soup.find_all(attrs={"data-kind": "count"}):
        if span.find_parent("table") is not None:
            continue
        text = span.get_text(strip=True)
        if NUMBER.match(text) and 1 <= float(text.replace(",", "")) < default_threshold:
            problems.append(f"text count {text!r} is below {default_threshold}")
    return problems
