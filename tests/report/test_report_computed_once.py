"""``pophealth demo`` computes once and renders twice (issue 17).

The demo prints its headlines from :func:`toolkit.report.compute_board_figures` and hands the
same figures to the board report's notebook, which runs in a kernel of its own. A
``sitecustomize`` module on ``PYTHONPATH`` counts the calls of ``build_cube`` in every Python
process the command starts (the command itself and the notebooks' kernels).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from toolkit.report import board_figures, build_report, compute_board_figures, demo_config

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

COUNTER = """
import functools
import os


def _count_cube_builds():
    import toolkit.segment.cube as cube

    original = cube.build_cube

    @functools.wraps(original)
    def counted(*args, **kwargs):
        with open(os.environ["POPHEALTH_TEST_CALL_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\\n")
        return original(*args, **kwargs)

    cube.build_cube = counted


_count_cube_builds()
"""


def test_pophealth_demo_builds_the_cube_once(tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(COUNTER, encoding="utf-8")
    log = tmp_path / "calls.log"
    log.touch()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])),
        "POPHEALTH_TEST_CALL_LOG": str(log),
    }
    out = tmp_path / "demo"
    done = subprocess.run(  # a relative --out, as `make demo` gives it
        [sys.executable, "-m", "toolkit.cli", "demo", "--out", "demo", "--persons", "3000",
         "--quiet"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    calls = log.read_text(encoding="utf-8").split()
    assert len(calls) == 1, f"build_cube ran {len(calls)} times in processes {calls}"
    assert "Suggested priorities" in done.stdout
    # The committed notebook does not name the figures' file: run again, it computes them.
    notebook = nbformat.read(out / "board-report.ipynb", as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "figures_file" not in injected[0].source
    assert "figures_file" not in notebook.metadata["papermill"]["parameters"]
    assert not list(out.glob("**/*.pickle"))


def test_report_renders_the_figures_it_is_given(tmp_path: Path) -> None:
    config = demo_config(persons=2_000, shortlist_size=3)
    figures = compute_board_figures(config)
    result = build_report(config, tmp_path, progress=False, pdf=False, figures=figures)
    html = result.html.read_text(encoding="utf-8")
    for label in figures.priorities.shortlist["label"]:
        assert str(label) in html


def test_figures_for_another_configuration_are_refused(tmp_path: Path) -> None:
    figures = compute_board_figures(demo_config(persons=2_000, shortlist_size=3))
    other = demo_config(persons=2_000, shortlist_size=4)
    with pytest.raises(ValueError, match="same configuration"):
        build_report(other, tmp_path, progress=False, pdf=False, figures=figures)
    from toolkit.report.figures import save_board_figures

    saved = save_board_figures(figures, tmp_path / "figures.pickle")
    with pytest.raises(ValueError, match="another configuration"):
        board_figures(other, saved)
    assert board_figures(figures.config, saved).priorities.shortlist.equals(
        figures.priorities.shortlist
    )
