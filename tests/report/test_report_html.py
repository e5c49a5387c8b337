"""The committed demo report: self-contained, no code, and no count below the threshold."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from toolkit.report import find_small_counts

from ._html_scan import small_count_problems

ROOT = Path(__file__).resolve().parents[2]
DEMO_HTML = ROOT / "reports" / "demo" / "board-report.html"


@pytest.fixture(scope="module")
def html() -> str:
    return DEMO_HTML.read_text(encoding="utf-8")


def test_every_table_is_marked_and_no_small_count_is_shown(html):
    soup = BeautifulSoup(html, "html.parser")
    tables = soup.find_all("table", class_="board-table")
    assert len(tables) >= 4  # segments, deprivation, places, shortlist
    counts = [td for t in tables for td in t.find_all("td", attrs={"data-kind": "count"})]
    assert len(counts) > 40
    assert small_count_problems(html) == []
    assert find_small_counts(html) == []


def _plant(html: str, transform) -> str:
    soup = BeautifulSoup(html, "html.parser")
    transform(soup)
    return str(soup)


def test_the_scan_catches_a_planted_small_count(html):
    def small_cell(soup):
        cell = next(
            td
            for td in soup.find_all("td", attrs={"data-kind": "count"})
            if re.fullmatch(r"[\d,]+", td.get_text()) and int(td.get_text().replace(",", "")) >= 10
        )
        cell.string = "7"

    planted = _plant(html, small_cell)
    assert any("count '7' is below 10" in p for p in small_count_problems(planted))
    assert find_small_counts(planted) == ["7"]


def test_the_scan_catches_a_count_column_not_marked_as_one(html):
    def unmark(soup):
        header = next(th for th in soup.find_all("th") if th.get_text() == "People")
        header["data-kind"] = "text"

    problems = small_count_problems(_plant(html, unmark))
    assert any("header 'People' names a count but is 'text'" in p for p in problems)


def test_the_scan_catches_an_unmarked_table(html):
    raw = pd.DataFrame({"deaths": [3, 40]}).to_html()

    def add(soup):
        soup.body.append(BeautifulSoup(raw, "html.parser"))

    problems = small_count_problems(_plant(html, add))
    assert any("raw pandas table" in p for p in problems)
    assert any("has no data-kind" in p for p in problems)


def test_the_report_has_no_code_and_loads_nothing_from_the_internet(html):
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(class_="jp-InputArea-editor") is None  # no code cell's source
    assert soup.find(class_="jp-CodeMirrorEditor") is None
    assert soup.find(class_="jp-InputPrompt") is None
    assert "import " not in soup.get_text()
    assert soup.find("script", src=True) is None
    assert not [link for link in soup.find_all("link") if link.get("href", "").startswith("http")]
    images = soup.find_all("img")
    assert len(images) >= 4  # segments, deprivation, map, robustness
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert "Traceback" not in html and "Warning" not in soup.get_text()


def test_the_report_reads_as_a_board_paper(html):
    text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    for heading in (
        "At a glance",
        "1. The population and its segments",
        "2. Outcomes by deprivation",
        "Slope index of inequality (SII)",
        "3. Neighbourhoods and places",
        "4. Suggested priorities",
        "Why each is on the list",
        "What the workshop decided",
        "What the board is asked to agree",
        "Provenance",
    ):
        assert heading in text, heading
    assert re.search(r"SHA-256 of persons [0-9a-f]{64}", text)
