"""``check_persons_file`` (``pophealth validate``) checks files in DuckDB, with the readers' words.

Every file of the bad-input corpus (tests/data/bad_inputs/), files with the quirks that
once split ``validate`` and ``cube`` (issue 14) and good files go through both the new
check and today's pandas path (:func:`toolkit.data.read_persons`, pandera): both must
refuse with the same message, failures table and source, or both accept the same number
of persons. Memory is not measured here (benchmarks/bench_validate.py does): instead the
tests show that clean and bad Parquet and CSV files are checked without the readers.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.errors import DataContractError
from toolkit.segment import CheckReport, build_cube, check_persons_file

from ._persons import random_persons

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad_inputs"
FIXTURES = DATA / "fixtures"
CORPUS = [*sorted(BAD.iterdir()), BAD / "does_not_exist.csv"]


def outcome(check: Any, path: Path | str) -> tuple[Any, ...]:
    """Persons accepted, or the error's message, failures table and source."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = check(str(path))
        except DataContractError as error:
            failures = None if error.failures is None else error.failures.to_dict("list")
            return "refused", str(error), failures, error.source
    rows = result.rows if isinstance(result, CheckReport) else len(result)
    return "accepted", rows


def read_persons(path: str) -> pd.DataFrame:
    from toolkit.data import read_persons

    return read_persons(path)


def assert_same_as_the_readers(path: Path | str) -> tuple[Any, ...]:
    new, old = outcome(check_persons_file, path), outcome(read_persons, path)
    assert new == old
    return new


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_the_corpus_is_refused_and_accepted_as_the_readers_do(path):
    assert_same_as_the_readers(path)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("persons_*.csv")), ids=lambda p: p.name)
def test_the_fixtures_are_refused_and_accepted_as_the_readers_do(path):
    assert_same_as_the_readers(path)


def test_a_good_file_passes(tmp_path):
    report = check_persons_file(FIXTURES / "persons_good.csv")
    assert report.rows == 30
    assert report.checked_by == "duckdb"
    assert report.label == "persons_good.csv"
    assert report.files == (str(FIXTURES / "persons_good.csv"),)
    assert "person_id" in report.columns
    assert report.notes == ()


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return random_persons(500, seed=3)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_clean_file_is_checked_as_it_stands_without_the_readers(
    monkeypatch, tmp_path, clean, suffix
):
    path = tmp_path / f"persons{suffix}"
    clean.to_parquet(path, index=False) if suffix == ".parquet" else clean.to_csv(path, index=False)

    def refused(*args, **kwargs):
        raise AssertionError("the file was loaded into pandas")

    monkeypatch.setattr("toolkit.data.readers.read_persons", refused)
    monkeypatch.setattr("toolkit.segment.file_check.check_files", refused)
    report = check_persons_file(path)
    assert report.rows == len(clean)
    assert report.checked_by == "duckdb"
    assert not report.standardised


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_bad_file_is_refused_in_the_engine_without_the_readers(
    monkeypatch, tmp_path, clean, suffix
):
    frame = clean.copy()
    frame.loc[[4, 9], "age"] = [130, -2]
    frame.loc[7, "person_id"] = frame.loc[2, "person_id"]
    path = tmp_path / f"persons{suffix}"
    frame.to_parquet(path, index=False) if suffix == ".parquet" else frame.to_csv(path, index=False)
    expected = outcome(read_persons, path)

    def refused(*args, **kwargs):
        raise AssertionError("the file was loaded into pandas")

    monkeypatch.setattr("toolkit.data.readers.read_persons", refused)
    assert outcome(check_persons_file, path) == expected
    assert "column 'age': 2 rows are outside 0 to 120 (row 6: 130; row 11: -2)" in expected[1]
    assert "row 4: 'P00000002'; row 9: 'P00000002'" in expected[1]


def quirky_files(base: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """Files with the quirks that split `validate` and `cube` before issue 14, and more."""

    def write(name: str, frame: pd.DataFrame, **options: Any) -> Path:
        path = folder / name
        if path.suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False, **options)
        return path

    files: dict[str, Path] = {}
    frame = base.rename(columns={"diabetes": "Diabetes", "hypertension": "Hypertension "})
    files["caps_space"] = write("caps.csv", frame)
    for suffix in (".csv", ".parquet"):
        frame = base.astype({"emergency_admissions": float})
        frame.loc[3, "emergency_admissions"] = 2.5
        files[f"frac_adm{suffix}"] = write(f"frac{suffix}", frame)
        frame = base.astype({"diabetes": int})
        frame.loc[[4, 5], "diabetes"] = [2, -1]
        files[f"flag2{suffix}"] = write(f"flag2{suffix}", frame)
        frame = base.astype({"age": float, "imd_decile": float})
        frame.loc[6, "age"] = 64.6
        frame.loc[7, "imd_decile"] = 2.5
        files[f"fractions{suffix}"] = write(f"fractions{suffix}", frame)
        frame = base.copy()
        frame.loc[8, "cost_gbp"] = np.inf
        files[f"cost_inf{suffix}"] = write(f"inf{suffix}", frame)
        frame = base.copy()
        alive = frame.index[~frame["died"]][:2]
        frame.loc[alive, "cause_of_death"] = "cancer"
        files[f"cause_alive{suffix}"] = write(f"alive{suffix}", frame)
    frame = base.copy()
    frame.insert(3, "age ", frame["age"])
    files["two_age"] = write("twoage.csv", frame)
    frame = base.copy()
    frame.loc[9, "person_id"] = frame.loc[10, "person_id"] + " "
    files["id_space"] = write("idspace.csv", frame)
    frame = base.astype({"age": str, "cost_gbp": str})
    frame.loc[11, "age"] = "45y"
    files["age_45y"] = write("age45y.csv", frame)
    frame = base.astype({"cost_gbp": str})
    frame.loc[12, "cost_gbp"] = "£1,250"
    files["cost_pound"] = write("costpound.csv", frame)
    frame = base.copy()
    frame["sex"] = frame["sex"].map({"F": "female", "M": "m"})
    for name in ("hypertension", "died"):
        frame[name] = frame[name].map({True: "Y", False: "N"})
    files["codings"] = write("codings.csv", frame)
    frame = base.copy()
    frame.loc[13, "ethnic_group"] = "Café"
    files["latin1"] = write("latin1.csv", frame, encoding="latin-1")
    return files


@pytest.mark.slow
def test_quirky_files_are_refused_and_accepted_as_the_readers_do(tmp_path, clean):
    files = quirky_files(clean, tmp_path)
    accepted = {
        name for name, path in files.items() if assert_same_as_the_readers(path)[0] == "accepted"
    }
    assert accepted == {"caps_space", "cost_pound", "codings"}
    report = check_persons_file(files["codings"])
    assert report.standardised and report.checked_by == "duckdb"
    assert report.rows == len(clean)


def test_rows_with_every_cell_blank_are_left_out_and_counted(tmp_path, clean):
    path = tmp_path / "blank_rows.csv"
    text = clean.head(40).to_csv(index=False).splitlines()
    text.insert(5, "," * (len(clean.columns) - 1))
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert assert_same_as_the_readers(path) == ("accepted", 40)
    report = check_persons_file(path)
    assert report.skipped_rows == 1
    assert report.notes == (
        "1 row in which every cell is blank was left out, as read_persons leaves them out.",
    )


def test_other_kinds_of_file_are_read_by_the_readers(tmp_path, clean):
    path = tmp_path / "persons.xlsx"
    clean.head(50).to_excel(path, index=False)
    report = check_persons_file(path)
    assert (report.rows, report.checked_by) == (50, "read_persons")


def several_files(clean: pd.DataFrame, folder: Path, *, repeat_an_id: bool) -> Path:
    folder.mkdir()
    second = clean.iloc[250:].copy()
    if repeat_an_id:
        second.loc[second.index[3], "person_id"] = clean.loc[10, "person_id"]
        second.loc[second.index[5], "age"] = 140
    clean.iloc[:250].to_parquet(folder / "part_a.parquet", index=False)
    second.to_parquet(folder / "part_b.parquet", index=False)
    return folder


def test_a_folder_of_files_is_checked_together(tmp_path, clean):
    folder = several_files(clean, tmp_path / "good", repeat_an_id=False)
    report = check_persons_file(folder)
    assert report.rows == len(clean)
    assert len(report.files) == 2
    assert report.label == f"{folder} (2 files)"
    glob = check_persons_file(str(folder / "*.parquet"))
    assert glob.rows == len(clean)


def test_a_folder_is_refused_naming_the_file_of_each_row_as_build_cube_does(tmp_path, clean):
    folder = several_files(clean, tmp_path / "bad", repeat_an_id=True)
    refused = outcome(check_persons_file, folder)
    assert refused[0] == "refused"
    message = refused[1]
    assert message.startswith(f"{folder} (2 files): 2 problems found.")
    assert "column 'age': 1 row is outside 0 to 120 (row 7 of part_b.parquet: 140)" in message
    assert "(row 12 of part_a.parquet: 'P00000010'; row 5 of part_b.parquet" in message
    assert refused == outcome(build_cube, folder)


def test_the_command_line_prints_the_count_and_exits_two_on_bad_files(tmp_path, clean):
    folder = several_files(clean, tmp_path / "good", repeat_an_id=False)

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # Ibis' own, under pytest
                status = main(["validate", *argv])
        return status, out.getvalue(), err.getvalue()

    assert run(str(folder)) == (
        0,
        f"{folder}: {len(clean):,} rows in 2 files meet the persons data contract.\n",
        "",
    )
    status, out, err = run(str(BAD / "several_problems.csv"))
    assert (status, out) == (2, "")
    assert err.startswith("pophealth validate: the data does not meet the contract.\n")
    assert "Traceback" not in err
    status, out, err = run(str(tmp_path / "nothing_here" / "*.parquet"))
    assert (status, out) == (2, "")
    assert "No files match" in err


def test_the_path_must_be_a_str_or_a_path():
    with pytest.raises(TypeError, match="'path' parameter of check_persons_file"):
        check_persons_file(42)  # type: ignore[arg-type]


# --- text such as NA or NULL read as blank is said on DuckDB's path, as the readers say it --


def _said(call: Any, path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.suppress(DataContractError):
            call(path)
    return [str(w.message) for w in caught if "read as blank" in str(w.message)]


def test_text_read_as_blank_in_a_csv_is_said_by_validate_and_cube_as_by_the_readers(tmp_path):
    from toolkit.data import read_persons

    frame = random_persons(300, seed=4).astype({"place": object, "age": object})
    frame.loc[3, "place"], frame.loc[5, "place"], frame.loc[8, "age"] = "NULL", "NA", "N/A"
    frame.to_csv(tmp_path / "persons.csv", index=False)
    path = tmp_path / "persons.csv"
    readers = _said(read_persons, path)
    assert readers == [
        "persons.csv: column 'age': 1 value written as 'N/A' was read as blank (row 10); "
        "column 'place': 2 values written as 'NULL' or 'NA' were read as blank (rows 5, 7)."
    ]
    assert _said(check_persons_file, path) == readers
    # build_cube names the file as its own messages do (the path as given)
    (cube,) = _said(lambda p: build_cube(p, validate=True), path)
    assert cube == f"{path}{readers[0].removeprefix('persons.csv')}"
    # several files: each note names its file
    folder = tmp_path / "parts"
    folder.mkdir()
    frame.iloc[:150].to_csv(folder / "a.csv", index=False)
    frame.iloc[150:].assign(place="NULL").to_csv(folder / "b.csv", index=False)
    (said,) = _said(check_persons_file, folder)
    assert "a.csv: column 'age': 1 value written as 'N/A' was read as blank (row 10)" in said
    assert "b.csv: column 'place': 150 values written as 'NULL' were read as blank" in said
    assert "(rows 2, 3, 4, 5, 6; and 145 more)" in said


def test_text_read_as_blank_in_a_csv_with_a_blank_line_names_no_wrong_row(tmp_path):
    """DuckDB skips blank lines: the note then gives no row rather than a wrong one."""
    frame = random_persons(50, seed=4).astype({"place": object})
    frame.loc[5, "place"] = "NULL"
    lines = frame.to_csv(index=False).splitlines()
    lines.insert(3, "")  # a blank line after the second data row
    path = tmp_path / "persons.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # No rule fails, so DuckDB checks the file and names no row rather than a wrong one.
    assert _said(check_persons_file, path) == [
        "persons.csv: column 'place': 1 value written as 'NULL' was read as blank."
    ]
