"""`pophealth report` on the bad-file corpus: the readers' plain message, exit 2, no traceback.

The inputs are checked before the report notebook runs, with the readers `pophealth
validate` uses, so a contract failure is answered as the other commands answer it and no
report file is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main

from .test_bad_inputs import CASES

DATA = Path(__file__).parent

BAD = DATA / "bad_inputs"
GOOD_PERSONS = DATA / "fixtures" / "persons_good.csv"
GOOD_AREAS = DATA / "fixtures" / "areas_good.csv"


def _config(folder: Path, persons: Path, areas: Path) -> Path:
    path = folder / "report.toml"
    path.write_text(
        f'system_name = "Test ICS"\npersons = "{persons.as_posix()}"\n'
        f'areas = "{areas.as_posix()}"\nperiod = "2025/26"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.file)
def test_bad_file_gives_the_readers_message_exit_two_and_no_report(case, tmp_path, capsys):
    bad = BAD / case.file
    persons, areas = (GOOD_PERSONS, bad) if case.kind == "areas" else (bad, GOOD_AREAS)
    out = tmp_path / "out"
    status = main(["report", "--config", str(_config(tmp_path, persons, areas)), "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 2, captured.err
    assert "Traceback" not in captured.err and "Papermill" not in captured.err
    assert case.file in captured.err
    # A missing file is caught by the configuration's own check, in its own words.
    says = ("does not exist",) if not bad.exists() else case.says
    for words in says:
        assert words in captured.err, f"{words!r} not in:\n{captured.err}"
    assert not out.exists() or not any(out.iterdir())  # nothing written


def test_the_corpus_reaches_every_kind_of_report_input():
    kinds = {case.kind for case in CASES}
    assert {"persons", "areas"} <= kinds
    assert len(CASES) >= 20
