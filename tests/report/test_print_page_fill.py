"""Printed pages are not left half empty before a chart (issue 14).

Chromium moves a chart that does not fit under what comes before it whole to the next page.
Two charts did not fit where the reports print them:

- the board report's segment chart (shares of people, cost and admissions) was 6.6 in tall,
  so it never printed under the segments table: the section's page ended two thirds down;
- the quarterly update's charts were 4 in tall, two to a page, and the page holding the
  section's heading, introduction and first chart ended just over half way down;
- the guide to reading all the update's charts went to the next page with the first chart,
  and a short table split over two pages with one row left behind.

These tests print what those pages hold, with the report's own exporter and print style
sheet, and find on which page each chart lands (as ``test_pdf_keep_with_chart`` does).
"""

from __future__ import annotations

import shutil
import subprocess
import warnings

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from toolkit.report.build import export_html, find_chromium, print_pdf
from toolkit.report.charts import PAD_INCHES
from toolkit.report.update import charts_introduction

pytestmark = [
    pytest.mark.skipif(find_chromium() is None, reason="prints with Chromium"),
    pytest.mark.skipif(
        shutil.which("pdfimages") is None,
        reason="reads the PDF with poppler-utils (scripts/system-deps.sh installs them)",
    ),
]

#: The quarterly update's charts printed in the test: as many as the demo agrees.
CHARTS = 5


def _run(*command) -> str:
    return subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True
    ).stdout


def _image_output(figure) -> dict:
    """A chart as ``show_figure`` displays it: an HTML image carrying its alt text."""
    import base64
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight", pad_inches=PAD_INCHES)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return new_output(
        "display_data",
        data={"text/html": f'<img src="data:image/png;base64,{data}" alt="chart"/>'},
    )


def _html_output(html: str) -> dict:
    return new_output(
        "execute_result", data={"text/html": html, "text/plain": ""}, execution_count=1
    )


def _chart_pages(cells: list, folder) -> list[int]:
    """Print the cells as a report and return the page of each image, in document order."""
    return _image_pages(_print(cells, folder))


def _image_pages(pdf) -> list[int]:
    """The page of each image of a PDF, in document order (poppler's pdfimages)."""
    return [int(line.split()[0]) for line in _run("pdfimages", "-list", pdf).splitlines()[2:]]


def _write_series(path) -> None:
    """Three years of one priority's monthly series, falling after an early spike."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    start = pd.Timestamp("2023-04-01")
    rows = [
        {
            "series": "falls_and_frailty.admissions",
            "theme": "falls_and_frailty",
            "period": (start + pd.DateOffset(months=month)).strftime("%Y-%m"),
            "numerator": int(rng.poisson(240 * (1.6 if 3 <= month <= 5 else 1.0))),
            "denominator": 60_000,
            "improvement": "decrease",
            "unit": "per 1,000 people a month",
            "label": "Emergency admissions",
        }
        for month in range(36)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)


def _update_chart(folder, **options):
    """A quarterly update of the one priority of :func:`_write_series`, and its printed chart."""
    from toolkit.report.update import UpdateConfig, prepare_update, priority_chart

    _write_series(folder / "series.csv")
    update = prepare_update(
        UpdateConfig(
            system_name="Test ICS",
            series=str(folder / "series.csv"),
            priorities=["falls_and_frailty"],
            **options,
        )
    )
    return update, priority_chart(update, "falls_and_frailty")


def test_the_segment_chart_prints_under_the_segments_table(tmp_path):
    """Section 1 of the board report (heading, introduction, table, chart) takes one page."""
    from toolkit.report import demo_config, load_inputs
    from toolkit.report import sections as report
    from toolkit.segment import build_cube, load_rules

    config = demo_config(persons=20_000, seed=20261122, shortlist_size=4)
    model = load_rules("bridges_to_health")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cube = build_cube(load_inputs(config).persons, model=model)
    figures = report.segment_figures(cube, labels=model.labels)
    assert len(figures) == 9  # eight segments and the total
    table = report.segment_table(
        figures, period="2025/26", threshold=10, model_title="Bridges to Health"
    )
    chart = report.segment_chart_figure(figures, period="2025/26", threshold=10)
    introduction = (
        "Everyone in the system is placed in one segment of the population segmentation model "
        "(by default Bridges to Health: eight segments from people who are healthy to people "
        "at the end of life). The table shows how many people are in each segment, what their "
        "care costs, and how often they are admitted to hospital in an emergency."
    )
    cells = [
        # Page 1 (the summary): the section starts a page, as in the report, where the page
        # break drops its heading's top margin.
        new_code_cell(outputs=[_html_output('<p style="break-after: page">Summary.</p>')]),
        new_markdown_cell(f"## 1. The population and its segments\n\n{introduction}"),
        new_code_cell(outputs=[_html_output(table.to_html())]),
        new_code_cell(outputs=[_image_output(chart)]),
    ]
    assert _chart_pages(cells, tmp_path) == [2]


def test_three_of_the_quarterly_update_s_charts_share_a_page(tmp_path):
    """The charts take two pages after the section's heading and introduction, not three.

    The section's heading and the guide to reading the charts come first: two charts fit
    under them, three on the next page.
    """
    update, figure = _update_chart(
        tmp_path,
        ambitions={"falls_and_frailty": 3.5},
        ambitions_by={"falls_and_frailty": "2027-03"},
        fix_after=24,  # a fixed baseline: the trajectory is drawn, the longest legend
    )
    cells = [
        new_code_cell(outputs=[_html_output('<p style="break-after: page">Summary.</p>')]),
        new_markdown_cell("## 1. Each priority, period by period"),
        new_code_cell(outputs=[_html_output(charts_introduction(update).html)]),
        new_code_cell(outputs=[_image_output(figure) for _ in range(CHARTS)]),
    ]
    assert _chart_pages(cells, tmp_path) == [2, 2, 3, 3, 3]


def _page_texts(pdf) -> list[str]:
    """The text of each page of a PDF, in order (poppler's pdftotext)."""
    return _run("pdftotext", "-layout", pdf, "-").split("\f")[:-1]


def _filler(inches: float) -> dict:
    """A code cell whose output is an empty block ``inches`` tall (what comes before)."""
    return new_code_cell(outputs=[_html_output(f'<div style="height: {inches}in"></div>')])


def _print(cells: list, folder):
    nbformat.write(new_notebook(cells=cells), folder / "pages.ipynb")
    html = export_html(folder / "pages.ipynb", folder / "pages.html", title="Pages")
    pdf, note = print_pdf(html, folder / "pages.pdf")
    assert pdf is not None, note
    return pdf


def test_the_guide_to_reading_the_charts_stays_with_its_heading(tmp_path):
    """Near a page's foot, the heading and the guide to reading all the charts stay there.

    A chart's own introduction goes to the next page with its chart; the guide that says
    how to read every chart after it does not, so the page is not left a third empty. About
    3.8 in are left under the filler: enough for the heading and guide, not for a chart too.
    """
    update, figure = _update_chart(tmp_path)
    cells = [
        _filler(6.6),
        new_markdown_cell("## 1. Each priority, period by period"),
        new_code_cell(outputs=[_html_output(charts_introduction(update).html)]),
        new_code_cell(outputs=[_image_output(figure)]),
    ]
    pdf = _print(cells, tmp_path)
    pages = _page_texts(pdf)
    assert "Each priority, period by period" in pages[0]
    assert "Each chart shows one measure" in pages[0]
    assert _image_pages(pdf) == [2]


def test_a_short_table_is_not_split_over_two_pages(tmp_path):
    """A table of eight rows or fewer goes whole to the next page; a longer one runs on."""
    import pandas as pd

    from toolkit.report.tables import TableColumn, board_table

    def table(rows: int, name: str) -> str:
        frame = pd.DataFrame(
            {"priority": [f"{name} priority {i}" for i in range(1, rows + 1)], "rank": range(rows)}
        )
        columns = [TableColumn("priority", "Priority", "text"), TableColumn("rank", "Rank", "rank")]
        return board_table(frame, columns=columns, caption=f"{name} table").to_html()

    short = [_filler(9.3), new_code_cell(outputs=[_html_output(table(5, "Short"))])]
    pages = _page_texts(_print(short, tmp_path))
    assert "Short priority" not in pages[0]
    assert all(f"Short priority {i}" in pages[1] for i in range(1, 6))

    long = [_filler(9.3), new_code_cell(outputs=[_html_output(table(30, "Long"))])]
    pages = _page_texts(_print(long, tmp_path))
    assert "Long priority 1" in pages[0]  # a long table still starts where there is room
