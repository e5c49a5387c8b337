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


#: An LSOA code with a count beside it ("E01034000 (1)"): a code and a count point at people.
CODE_WITH_COUNT = re.compile(r"\b[EW]0[12]\d{6}\b\s*[(:]\s*\d[\d,]*\s*\)?")
#: Words that make the number before them a count of people or events.
COUNT_NOUNS = (
    r"(?:people|persons?|patients|residents|deaths|died|admissions?|attendances|events|"
    r"have|has|had|were|was|are|is|live|lives|registered)"
)
#: A small whole number followed, within three words, by a count noun; not a percentage,
#: money, a decimal, a rank ("decile 3", "Table 3", "Round 2") or an estimate's range.
SMALL_COUNT_IN_TEXT = re.compile(
    r"(?<![\d.,£$%/\-])(?<!decile )(?<!table )(?<!round )(?<!priority )(?<!about )"
    r"(?<!up to )(?<!to )(?<!section )(?<!step )"
    r"\b(\d{1,3})\b(?![\d.,%])"
    r"(?:[ \t]+[a-z&'\-]+){0,2}?[ \t]+" + COUNT_NOUNS + r"\b",
    re.IGNORECASE,
)


def text_count_problems(text: str, *, threshold: int = 10) -> list[str]:
    """Return every small count, or LSOA code with a count, in free text (HTML text or PDF).

    Reads the text as a reader would, not the markup: a count of 1 to ``threshold - 1``
    of people or events said in words ("3 have an LSOA ...", "5 people"), and any LSOA
    code with a number beside it.
    """
    problems = [f"LSOA code with a count: {m.group(0)!r}" for m in CODE_WITH_COUNT.finditer(text)]
    for match in SMALL_COUNT_IN_TEXT.finditer(text):
        value = int(match.group(1))
        if 1 <= value < threshold:
            start = max(0, match.start() - 40)
            problems.append(f"small count in text: {text[start : match.end() + 20]!r}")
    return problems


def html_text(html: str) -> str:
    """Return every text node of the HTML, scripts and styles aside, one per line."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return "\n".join(node.strip() for node in soup.find_all(string=True) if node.strip())


def shown_figures(html: str) -> dict[str, float | None]:
    """Return each figure marked ``data-figure`` as shown: a number, or None for ``[c]``."""
    soup = BeautifulSoup(html, "html.parser")
    figures: dict[str, float | None] = {}
    for element in soup.find_all(attrs={"data-figure": True}):
        text = element.get_text(strip=True)
        key = element["data-figure"]
        if text == "[c]":
            value = None
        else:
            cleaned = text.replace(",", "").replace("%", "").replace("£", "").strip()
            if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
                continue  # "[x]": not available, says nothing
            value = float(cleaned)
        if key in figures and figures[key] != value:
            raise AssertionError(f"figure {key} is shown as both {figures[key]} and {value}")
        figures[key] = value
    return figures


def page_fill(pdf_path) -> list[float]:
    """How far down each page of a PDF its content reaches, as a share of the page height.

    Renders each page in grey at 30 dpi with poppler's ``pdftoppm`` and finds the lowest
    row with any dark pixel (the banner at the top counts as content too).
    """
    import subprocess
    import tempfile
    from pathlib import Path

    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", "30", "-gray", "-png", str(pdf_path), f"{folder}/page"],
            check=True,
        )
        fills = []
        for page in sorted(Path(folder).glob("page*.png")):
            pixels = np.asarray(Image.open(page).convert("L"))
            dark = np.flatnonzero((pixels < 200).any(axis=1))
            fills.append(float(dark.max() + 1) / pixels.shape[0] if len(dark) else 0.0)
    return fills
