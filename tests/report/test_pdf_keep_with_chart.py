"""A chart's introduction prints on the same page as the chart (issue 14).

The report's notebook writes a chart's introduction in the cell before the chart (a Markdown
cell: "How robust is the list? ...") or as the output before it in the same cell (the map's
sentence). When the chart did not fit under its introduction, Chromium moved the chart whole
to the next page and left the words behind at the foot of the page before. The print style
sheet keeps them together. These tests export a notebook of such blocks, with fillers of
different lengths so that some introductions fall near the foot of a page, with the report's
own exporter and style sheet.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from toolkit.report.build import export_html, find_chromium, print_pdf

#: Blocks of (filler, introduction, chart) in the test notebook.
BLOCKS = 12


def _chart_png(height: int) -> str:
    """A plain picture standing for a chart, 670 by ``height`` pixels, as base64 PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (670, height), (0, 94, 184)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _chart_output(number: int) -> dict:
    # As show_figure displays a chart: an HTML image carrying its alt text.
    image = _chart_png(340 + 20 * (number % 4))
    return new_output(
        "display_data",
        data={
            "text/html": f'<img src="data:image/png;base64,{image}" alt="Chart {number}"/>',
            "text/plain": f"Chart {number}",
        },
    )


def _html_output(html: str) -> dict:
    return new_output(
        "execute_result", data={"text/html": html, "text/plain": ""}, execution_count=1
    )


def _intro(number: int) -> str:
    return f"Introduction {number} of the chart below: what it shows and how to read it."


def _notebook() -> nbformat.NotebookNode:
    """Blocks of filler, an introduction and its chart, the two ways the report writes them.

    Odd blocks: the introduction is a Markdown cell and the chart the next cell's output (the
    robustness chart). Even blocks: introduction and chart are two outputs of one cell (the
    map). Before each, a filler paragraph, and every third block a table, of varied length.
    """
    cells = []
    for number in range(1, BLOCKS + 1):
        filler = " ".join(["Words the board reads before the next chart."] * (3 + 7 * number % 23))
        cells.append(new_code_cell(outputs=[_html_output(f"<p>{filler}</p>")]))
        if number % 3 == 0:
            rows = "".join(f"<tr><td>Row {row}</td><td>{row}</td></tr>" for row in range(number))
            table = f'<table class="board-table"><tbody>{rows}</tbody></table>'
            cells.append(new_code_cell(outputs=[_html_output(table)]))
        if number % 2:
            cells.append(new_markdown_cell(_intro(number)))
            cells.append(new_code_cell(outputs=[_chart_output(number)]))
        else:
            intro = _html_output(f"<p>{_intro(number)}</p>")
            cells.append(new_code_cell(outputs=[intro, _chart_output(number)]))
    return new_notebook(cells=cells)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keep-with-chart")
    nbformat.write(_notebook(), folder / "blocks.ipynb")
    return export_html(folder / "blocks.ipynb", folder / "blocks.html", title="Blocks")


@pytest.mark.skipif(find_chromium() is None, reason="prints with Chromium")
@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdfinfo", "pdftotext", "pdfimages")),
    reason="reads the PDF with poppler-utils (scripts/system-deps.sh installs them)",
)
def test_each_introduction_prints_on_its_chart_s_page(exported, tmp_path):
    pdf, note = print_pdf(exported, tmp_path / "blocks.pdf")
    assert pdf is not None, note
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
    intro_pages, image_pages = {}, []
    for page in range(1, pages + 1):
        text = " ".join(_run("pdftotext", "-f", page, "-l", page, "-layout", pdf, "-").split())
        for number in map(int, re.findall(r"Introduction (\d+) of", text)):
            intro_pages[number] = page
    for line in _run("pdfimages", "-list", pdf).splitlines()[2:]:
        image_pages.append(int(line.split()[0]))  # in document order, one per chart
    assert sorted(intro_pages) == list(range(1, BLOCKS + 1))
    assert len(image_pages) == BLOCKS
    apart = {n: (intro_pages[n], image_pages[n - 1]) for n in intro_pages}
    apart = {n: pages for n, pages in apart.items() if pages[0] != pages[1]}
    assert not apart, f"introduction and chart on different pages: {apart}"


def _run(*command) -> str:
    return subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True
    ).stdout
