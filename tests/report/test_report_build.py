from __future__ import annotations

import stat
from pathlib import Path

import nbformat
import numpy as np
import pytest
from bs4 import BeautifulSoup

from toolkit.prioritise.theme_measures import theme_criteria
from toolkit.report import build_report, demo_config, print_pdf
from toolkit.report.build import FIGURES_PARAMETER, choose_kernel, find_chromium
from toolkit.workshop import SubmissionStore

from ._html_scan import page_fill, small_count_problems

ROOT = Path(__file__).resolve().parents[2]


def test_build_report_refuses_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="'config' parameter of build_report"):
        build_report(42, tmp_path)
    with pytest.raises(FileNotFoundError, match="no such report configuration file"):
        build_report(tmp_path / "missing.toml", tmp_path)
    with pytest.raises(FileNotFoundError, match="report template does not exist"):
        build_report(demo_config(), tmp_path, template=tmp_path / "none.ipynb")
    with pytest.raises(ValueError, match="'timeout' parameter of build_report"):
        build_report(demo_config(), tmp_path, timeout=0)
    with pytest.raises(TypeError, match="'progress' parameter of build_report"):
        build_report(demo_config(), tmp_path, progress="yes")


def test_kernel_falls_back_to_python3_when_pophealth_is_not_registered():
    assert choose_kernel("no-such-kernel-here") == "python3"


def test_no_chromium_is_reported_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "not-installed"))
    assert find_chromium() is None
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>", encoding="utf-8")
    pdf, note = print_pdf(page, tmp_path / "page.pdf")
    assert pdf is None and note.startswith("Chromium is not installed")


def test_a_chromium_that_hangs_is_killed_after_the_timeout(tmp_path, monkeypatch):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CHROMIUM", str(fake))
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>", encoding="utf-8")
    pdf, note = print_pdf(page, tmp_path / "page.pdf", timeout=1)
    assert pdf is None and "did not finish printing the PDF within 1 s" in note


def _decision_log(folder: Path) -> Path:
    # The criteria the report's themes are scored on (a log of other criteria is refused).
    names = [criterion.name for criterion in theme_criteria()]
    store = SubmissionStore(folder / "submissions.sqlite", criteria=names)
    rng = np.random.default_rng(11)
    for table, role in (
        ("Table 1", "Clinicians"),
        ("Table 2", "Residents"),
        ("Table 3", "Council"),
    ):
        weights = {name: float(rng.integers(0, 11)) for name in names}
        store.submit("Spring workshop", table, role, weights, ["falls_and_frailty"])
    return store.export("Spring workshop", folder / "decision-log.json")


@pytest.mark.slow
def test_build_a_small_report_with_a_workshop(tmp_path):
    log = _decision_log(tmp_path)
    config = demo_config(persons=20_000, period="2024/25", decision_log=log)
    result = build_report(config, tmp_path / "out", progress=False, timeout=300)

    assert result.notebook.is_file() and result.html.is_file()
    notebook = nbformat.read(result.notebook, as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "demo_persons = 20000" in injected[0].source
    assert not [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert "start_time" not in notebook.metadata["papermill"]

    html = result.html.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text(" ", strip=True)
    assert "What the workshop decided" in text and "Kendall's W" in text
    assert "3 tables at the 'Spring workshop' submitted" in text  # not "workshop' workshop"
    assert "2024/25" in text and soup.find(class_="jp-InputArea-editor") is None
    # A system this small has segments with fewer than 10 deaths: suppression is exercised.
    assert "[c]" in text
    assert small_count_problems(html) == []

    if find_chromium() is None:
        assert result.pdf is None and "Chromium is not installed" in result.pdf_note
    else:
        assert result.pdf is not None and result.pdf.read_bytes()[:5] == b"%PDF-"
    assert str(result.html) in str(result)


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="prints with Chromium")
def test_the_demo_report_s_pages_are_not_left_half_empty(tmp_path):
    # JupyterLab's print style keeps each output whole on a page, which pushed the demo's
    # shortlist table to a new page and left pages 44% and 53% full (issue 14).
    result = build_report(demo_config(), tmp_path, progress=False, timeout=300)
    fills = page_fill(result.pdf)
    assert len(fills) >= 8
    assert min(fills[:-1]) >= 0.55, [round(fill, 2) for fill in fills]


def test_the_template_is_paired_with_its_percent_script():
    import jupytext

    notebook = nbformat.read(ROOT / "reports" / "board_report.ipynb", as_version=4)
    script = jupytext.read(ROOT / "reports" / "board_report.py")
    assert [c.source for c in notebook.cells] == [c.source for c in script.cells]
    parameters = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    # Every configuration key, and the file of figures build_report computed (None here).
    names = {*demo_config().to_parameters(), FIGURES_PARAMETER}
    assigned = {line.split("=")[0].strip() for line in parameters[0].source.splitlines()}
    assert assigned == names
