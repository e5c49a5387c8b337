"""Every chart the board report embeds prints its text at 8 pt or more (issue 14).

A chart is embedded as a PNG (``show_figure``: the figure's tight bounding box plus its
margin) and printed at the width the report's print style sheet gives images; a text of
``size`` points on a figure ``width`` inches wide prints at ``size * printed / width``.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from toolkit.report import sections as report
from toolkit.report.build import REPORT_CSS
from toolkit.report.charts import PAD_INCHES, rank_acceptability_chart, weights_chart
from toolkit.style import PRINT_WIDTH

SMALLEST = 8.0


def _printed_width() -> float:
    """The printed width of a chart, in inches, from the report's print style sheet."""
    found = re.search(r"\.jp-OutputArea-output img \{ width: ([\d.]+)in;", REPORT_CSS)
    assert found, "the print style sheet pins the charts' width"
    assert float(found.group(1)) == PRINT_WIDTH
    return float(found.group(1))


def _printed_sizes(figure) -> list[tuple[float, str]]:
    """Return each drawn text's printed size in points, with its text, smallest first."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=PAD_INCHES)
    svg = buffer.getvalue()
    width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1)) / 72
    scale = _printed_width() / width
    sizes = []
    for style, text in re.findall(r'<text[^>]*style="([^"]*)"[^>]*>(.*?)</text>', svg, re.S):
        size = float(re.search(r"font(?:-size)?:[^;]*?([\d.]+)px", style).group(1))
        plain = re.sub(r"<[^>]+>", "", text).strip()
        if plain:
            sizes.append((round(size * scale, 2), plain))
    assert sizes, "the chart has text"
    return sorted(sizes)


def _check(figure) -> None:
    sizes = _printed_sizes(figure)
    small = [(size, text) for size, text in sizes if size < SMALLEST]
    assert not small, f"text printed under {SMALLEST} pt: {small[:5]}"


def test_segment_and_deprivation_charts_print_at_8_pt_or_more(evidence):
    figures = report.segment_figures(evidence.cube, labels=evidence.model.labels)
    _check(report.segment_chart_figure(figures, period="2025/26", threshold=10))
    deprivation = report.deprivation_figures(evidence.profile, system_rate=evidence.system_rate)
    _check(
        report.deprivation_chart_figure(
            deprivation, evidence.profile, period="2025/26", threshold=10
        )
    )


def test_robustness_heat_map_prints_at_8_pt_or_more(evidence):
    _check(report.robustness_figure(evidence.priorities, period="2025/26"))


def test_workshop_weights_chart_prints_at_8_pt_or_more():
    shares = pd.DataFrame(
        [[0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]],
        index=["Table 1", "Table 2", "Table 3"],
    )
    labels = ["How many people it helps", "How much it narrows inequalities", "Cost", "Speed"]
    _check(
        weights_chart(
            shares,
            labels=labels,
            title="Weights given by each table, Spring",
            room=[0.25, 0.25, 0.25, 0.25],
            combined_by="median",
        )
    )


def test_neighbourhood_map_prints_at_8_pt_or_more(evidence):
    import warnings

    from toolkit.places import area_indicators
    from toolkit.segment import assign_segments

    segmented = assign_segments(evidence.inputs.persons, model=evidence.model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        places = area_indicators(segmented, evidence.inputs.areas, events="emergency_admissions")
    _check(report.neighbourhood_map(places, period="2025/26"))


def _acceptability(candidates: int, ranks: int) -> pd.DataFrame:
    values = [[1.0 if rank == row else 0.0 for rank in range(ranks)] for row in range(candidates)]
    return pd.DataFrame(values, columns=range(1, ranks + 1))


def test_heat_map_promises_the_shortlist_line_only_when_it_draws_it():
    """Five candidates, shortlist of five: no line, so the subtitle does not promise one."""
    every = rank_acceptability_chart(
        _acceptability(5, 5),
        labels=[f"Candidate {n}" for n in range(5)],
        period="2025/26",
        draws=1_000,
        shortlist_size=5,
    )
    ax = every.axes[0]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert not dashed
    assert "dashed line" not in ax.get_title(loc="left")
    assert "1,000 weightings drawn" in " ".join(ax.get_title(loc="left").split())
    some = rank_acceptability_chart(
        _acceptability(8, 8),
        labels=[f"Candidate {n}" for n in range(8)],
        period="2025/26",
        draws=1_000,
        shortlist_size=5,
    )
    ax = some.axes[0]
    assert [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert "dashed line = end of the shortlist of 5" in " ".join(ax.get_title(loc="left").split())


def test_heat_map_rows_are_tall_enough_for_labels_of_three_lines():
    """Long candidate names wrap to three lines or more; their labels must not overlap."""
    long = (
        "Support people whose drinking harms their health, in hospital and after "
        "(England's most deprived fifth, Kestermoor)"
    )
    figure = rank_acceptability_chart(
        _acceptability(6, 6),
        labels=[f"{long} {n}" for n in range(6)],
        period="2025/26",
        draws=1_000,
        shortlist_size=5,
    )
    renderer = figure._get_renderer()
    figure.draw(renderer)
    ticks = figure.axes[0].get_yticklabels()
    assert max(tick.get_text().count("\n") + 1 for tick in ticks) >= 3
    boxes = sorted((tick.get_window_extent(renderer) for tick in ticks), key=lambda box: box.y0)
    for lower, upper in zip(boxes, boxes[1:], strict=False):
        assert lower.y1 <= upper.y0, "two candidates' labels overlap"
