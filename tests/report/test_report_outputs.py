"""A report run that fails, is killed or meets another run leaves the last complete report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.report import build, demo_config
from toolkit.report.build import FAILED_NOTEBOOK_NAME, LOCK_NAME, UNFINISHED_PREFIX

NAMES = (build.NOTEBOOK_NAME, build.HTML_NAME, build.PDF_NAME)


def _previous_report(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    contents = {}
    for name in NAMES:
        (folder / name).write_bytes(f"complete report: {name}".encode())
        contents[name] = (folder / name).read_bytes()
    return contents


def test_a_failed_run_leaves_the_last_complete_report_and_marks_its_notebook(tmp_path, monkeypatch):
    before = _previous_report(tmp_path / "out")

    def failing_build(source, output, *args, **kwargs):
        work = Path(output).parent
        (work / build.NOTEBOOK_NAME).write_text("half-run notebook", encoding="utf-8")
        (work / build.HTML_NAME).write_text("half-written", encoding="utf-8")
        raise RuntimeError("a cell failed")

    monkeypatch.setattr("papermill.execute_notebook", failing_build)
    with pytest.raises(RuntimeError, match="a cell failed"):
        build.build_report(demo_config(persons=200), tmp_path / "out")
    out = tmp_path / "out"
    assert {name: (out / name).read_bytes() for name in NAMES} == before
    assert (out / FAILED_NOTEBOOK_NAME).read_text(encoding="utf-8") == "half-run notebook"
    assert not list(out.glob(f"{UNFINISHED_PREFIX}*")) and not (out / LOCK_NAME).exists()


def test_a_second_run_on_the_same_folder_is_refused(tmp_path):
    folder = tmp_path / "out"
    before = _previous_report(folder)
    with build._output_lock(folder):
        with pytest.raises(RuntimeError, match="another report is being written"):
            build.build_report(demo_config(persons=200), folder)
    assert {name: (folder / name).read_bytes() for name in NAMES} == before


@pytest.mark.slow
def test_a_run_killed_part_way_leaves_the_previous_report_and_no_partial_file(tmp_path):
    folder = tmp_path / "out"
    before = _previous_report(folder)
    script = (
        "from toolkit.report import build_report, demo_config\n"
        f"build_report(demo_config(persons=2000), {str(folder)!r}, progress=False, pdf=False)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # Kill it once the run has started writing (its unfinished folder exists).
        while not list(folder.glob(f"{UNFINISHED_PREFIX}*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(folder.glob(f"{UNFINISHED_PREFIX}*")), "the run never started writing"
        time.sleep(1.0)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert {name: (folder / name).read_bytes() for name in NAMES} == before
    assert not (folder / FAILED_NOTEBOOK_NAME).exists()
    # The next run clears what the killed one left and can take the folder.
    with build._output_lock(folder):
        build._clear_unfinished(folder)
    assert sorted(path.name for path in folder.iterdir()) == sorted(NAMES)
