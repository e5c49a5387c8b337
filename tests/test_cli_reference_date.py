"""`--reference-date`: an extract with date_of_birth and no age, from the command line (issue 14).

`pophealth validate` refused such a file asking for ``reference_date``, an option only the
Python readers had: the commands that read a persons file now take ``--reference-date``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main

REFERENCE = "2026-03-31"


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A persons file with ``age`` and the same persons with ``date_of_birth`` instead."""
    from toolkit.data import make_demo_system

    folder = tmp_path_factory.mktemp("reference_date")
    persons = make_demo_system(persons=400, seed=7).persons
    with_age = folder / "with_age.csv"
    persons.to_csv(with_age, index=False)
    reference = pd.Timestamp(REFERENCE)
    # born 10 days before the age-th birthday that falls on the reference date: that age then
    births = [
        (reference - pd.DateOffset(years=int(age)) - pd.Timedelta(days=10)).date().isoformat()
        for age in persons["age"]
    ]
    dated = persons.drop(columns="age")
    dated.insert(1, "date_of_birth", births)
    with_birth = folder / "with_birth.csv"
    dated.to_csv(with_birth, index=False)
    return with_age, with_birth


def test_without_the_date_the_message_names_the_command_line_option(extracts, capsys):
    _, with_birth = extracts
    assert main(["validate", str(with_birth)]) == 2
    err = capsys.readouterr().err
    assert "column 'age' is missing. The table has 'date_of_birth'" in err
    assert "--reference-date YYYY-MM-DD on the command line" in err
    assert "(validate, cube, candidates, report, monitor)" in err
    assert (
        'reference_date = "YYYY-MM-DD" in the configuration of a board report or a quarterly update'
    ) in err


def test_validate_counts_ages_at_the_reference_date(extracts, capsys):
    _, with_birth = extracts
    assert main(["validate", str(with_birth), "--reference-date", REFERENCE]) == 0
    out = capsys.readouterr().out
    assert f"{with_birth}: 400 rows meet the persons data contract." in out
    assert f"age counted from date_of_birth in whole years at {REFERENCE}." in out


@pytest.mark.parametrize("bad", ["31/03/2026", "2026-02-30", "March 2026", "2026-3-31", ""])
def test_a_date_not_written_yyyy_mm_dd_is_refused_with_status_2(extracts, capsys, bad):
    _, with_birth = extracts
    with pytest.raises(SystemExit) as stopped:
        main(["validate", str(with_birth), "--reference-date", bad])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "argument --reference-date: must be a date written YYYY-MM-DD" in err
    assert f"(got {bad!r})" in err
    assert "Traceback" not in err


def test_a_reference_date_before_a_date_of_birth_is_refused(extracts, capsys):
    _, with_birth = extracts
    assert main(["validate", str(with_birth), "--reference-date", "1990-01-01"]) == 2
    err = capsys.readouterr().err
    # said of the dates of birth, not as ages below 0 of a column the file does not have
    assert "column 'date_of_birth':" in err
    assert "are after the reference date 1990-01-01, so age cannot be derived" in err
    assert "column 'age':" not in err and "outside 0 to 120" not in err
    assert "Traceback" not in err


def test_a_birth_over_120_years_before_the_reference_date_is_said_as_such(
    extracts, tmp_path, capsys
):
    _, with_birth = extracts
    dated = pd.read_csv(with_birth)
    dated.loc[0, "date_of_birth"] = "1890-06-01"
    old = tmp_path / "old.csv"
    dated.to_csv(old, index=False)
    assert main(["validate", str(old), "--reference-date", REFERENCE]) == 2
    err = capsys.readouterr().err
    assert (
        "column 'date_of_birth': 1 row is more than 120 years before the reference date "
        f"{REFERENCE} (row 2: '1890-06-01')"
    ) in err
    assert "column 'age'" not in err
    assert "Traceback" not in err


def test_cube_with_the_date_is_the_cube_of_the_same_persons_with_age(extracts, tmp_path, capsys):
    with_age, with_birth = extracts
    assert main(["cube", str(with_age), "--out", str(tmp_path / "age.parquet"), "--quiet"]) == 0
    argv = ["cube", str(with_birth), "--out", str(tmp_path / "birth.parquet"), "--quiet"]
    assert main([*argv, "--reference-date", REFERENCE]) == 0
    assert f"age counted from date_of_birth in whole years at {REFERENCE}" in (
        capsys.readouterr().out
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "birth.parquet"), pd.read_parquet(tmp_path / "age.parquet")
    )


def test_candidates_takes_the_date_and_says_to_give_it_to_the_report(extracts, tmp_path, capsys):
    _, with_birth = extracts
    template = tmp_path / "criteria.csv"
    argv = ["candidates", str(with_birth), "--template", str(template), "--quiet"]
    assert main([*argv, "--reference-date", REFERENCE]) == 0
    out = capsys.readouterr().out
    assert f'in the report configuration (with reference_date = "{REFERENCE}" there too).' in out
    assert template.is_file()


def test_a_folder_or_glob_is_refused_with_the_date(extracts, capsys):
    _, with_birth = extracts
    for path in (str(with_birth.parent), str(with_birth.parent / "*.csv")):
        assert main(["validate", path, "--reference-date", REFERENCE]) == 2
        err = capsys.readouterr().err
        assert "ages are counted from date_of_birth in one persons file read whole" in err


def test_a_file_with_age_keeps_its_ages_and_says_the_date_is_not_used(extracts, capsys):
    with_age, _ = extracts
    assert main(["validate", str(with_age), "--reference-date", REFERENCE]) == 0
    said = capsys.readouterr()
    assert "400 rows meet the persons data contract" in said.out
    assert "with_age.csv has an age column: its ages are used, and --reference-date is not." in (
        said.err
    )
    assert "age counted from date_of_birth" not in said.out


def test_an_areas_file_takes_no_reference_date(tmp_path, capsys):
    path = tmp_path / "areas.csv"
    path.write_text("lsoa,imd_decile\nE01000001,3\n", encoding="utf-8")
    assert main(["validate", "--kind", "areas", str(path), "--reference-date", REFERENCE]) == 2
    assert "--reference-date applies only to --kind persons" in capsys.readouterr().err


def test_report_takes_the_date_over_its_configuration(tmp_path, monkeypatch):
    import toolkit.report

    built = {}

    def build(config, out, **_):  # noqa: ANN001, ANN202
        built["config"] = config
        return "built"

    monkeypatch.setattr(toolkit.report, "build_report", build)
    path = tmp_path / "report.toml"
    path.write_text('system_name = "North ICS"\nreference_date = 2025-03-31\n', encoding="utf-8")
    assert main(["report", "--config", str(path), "--out", str(tmp_path / "out")]) == 0
    assert built["config"].reference_date == "2025-03-31"  # TOML's own date, as text
    argv = ["report", "--config", str(path), "--out", str(tmp_path / "out")]
    assert main([*argv, "--reference-date", REFERENCE]) == 0
    assert built["config"].reference_date == REFERENCE


def test_the_report_reads_a_dated_extract_at_its_configured_date(extracts, tmp_path):
    """The report's inputs count ages at the configuration's reference_date, as validate does."""
    from toolkit.data import make_demo_system
    from toolkit.report import ReportConfig, load_inputs

    with_age, with_birth = extracts
    areas = tmp_path / "areas.csv"
    make_demo_system(persons=400, seed=7).areas.to_csv(areas, index=False)
    config = ReportConfig(
        system_name="North ICS",
        persons=str(with_birth),
        areas=str(areas),
        reference_date=REFERENCE,
    )
    inputs = load_inputs(config)
    expected = pd.read_csv(with_age)["age"]
    assert inputs.persons["age"].tolist() == expected.tolist()
