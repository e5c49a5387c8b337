"""The committed notebooks: paired with their scripts, run top to bottom, headlines tagged."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
TEACHING = [
    ROOT / "notebooks" / "01_population_and_segments.ipynb",
    ROOT / "notebooks" / "02_outcomes_and_inequalities.ipynb",
    ROOT / "notebooks" / "03_candidate_priorities.ipynb",
]
#: Every committed notebook: the teaching ones, the workshop guide and the workshop's views.
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DEMO_REPORT = ROOT / "reports" / "demo" / "board-report.ipynb"
HEADLINE = "nbval-check-output"
VOLATILE = re.compile(r"/tmp/|/home/|/work/|/Users/|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def _headline_text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            texts.append(output["text"])
        elif "data" in output and "text/plain" in output["data"]:
            texts.append(output["data"]["text/plain"])
    return "\n".join(texts)


def test_every_teaching_notebook_is_committed():
    assert set(TEACHING) <= set(ALL_NOTEBOOKS)
    assert ROOT / "notebooks" / "04_workshop.ipynb" in ALL_NOTEBOOKS


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_paired_with_its_percent_script(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    script = jupytext.read(path.with_suffix(".py"))
    assert [(c.cell_type, c.source) for c in notebook.cells] == [
        (c.cell_type, c.source) for c in script.cells
    ]
    assert [c.metadata.get("tags", []) for c in notebook.cells] == [
        c.metadata.get("tags", []) for c in script.cells
    ]


@pytest.mark.parametrize("path", [*ALL_NOTEBOOKS, DEMO_REPORT], ids=lambda p: p.stem)
def test_notebook_was_run_top_to_bottom_with_stable_headlines(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert "widgets" not in notebook.metadata
    headlines = [cell for cell in code if HEADLINE in cell.metadata.get("tags", [])]
    assert len(headlines) >= (3 if path in [*TEACHING, DEMO_REPORT] else 1)
    for cell in headlines:
        text = _headline_text(cell)
        assert text.strip(), cell.source
        assert not VOLATILE.search(text), text
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.source


def test_the_report_headlines_are_the_shortlist_sii_and_totals():
    notebook = nbformat.read(DEMO_REPORT, as_version=4)
    compared = "\n".join(
        _headline_text(cell) for cell in notebook.cells if HEADLINE in cell.metadata.get("tags", [])
    )
    assert "Suggested priorities at equal weights" in compared  # the shortlist table
    assert "Slope index of inequality (SII)" in compared
    assert "Relative index of inequality (RII)" in compared
    assert re.search(r"People: [\d,]+ registered", compared)  # the totals
    assert "All segments" in compared and "All deciles" in compared


def test_nbval_compares_plain_text_and_skips_only_volatile_outputs():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "text/plain" not in module.VOLATILE_OUTPUTS
    assert "stdout" not in module.VOLATILE_OUTPUTS
