"""The quarterly update's `reference_date`, and its template's system name (issue 14).

The update read ``persons`` and ``previous_persons`` without a reference date, so an extract
with ``date_of_birth`` and no ``age`` was refused with advice that did not fit it; and
``pophealth monitor --print-config`` wrote the demo's system name, which an update configured
from it unread went out under.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.errors import DataContractError
from toolkit.report.config import SYSTEM_NAME_PLACEHOLDER
from toolkit.report.update import (
    load_update_config,
    prepare_update,
    update_config_keys,
    update_config_template,
)

from .test_report_config_template import BAD_REFERENCE_DATES
from .test_report_update import planted_series, write_config

REFERENCE = "2026-03-31"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Series, a persons file with ``age`` and the same persons with ``date_of_birth``."""
    from toolkit.data import make_demo_system

    folder = tmp_path_factory.mktemp("update_reference_date")
    planted_series(folder / "series.csv")
    persons = make_demo_system(persons=20_000, seed=8).persons
    persons.to_csv(folder / "with_age.csv", index=False)
    reference = pd.Timestamp(REFERENCE)
    # born 10 days before the age-th birthday that falls on the reference date: that age then
    births = [
        (reference - pd.DateOffset(years=int(age)) - pd.Timedelta(days=10)).date().isoformat()
        for age in persons["age"]
    ]
    dated = persons.drop(columns="age")
    dated.insert(1, "date_of_birth", births)
    dated.to_csv(folder / "with_birth.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def with_age(folder: Path):
    """The update on the persons with ``age``: what the dated extract must give."""
    return prepare_update(_update_of(folder, "with_age.csv"))


def _update_of(folder: Path, persons: str, **keys: str):
    """The update's config: shortlist of ``previous_persons``, what moved on ``persons``."""
    return load_update_config(
        write_config(folder, previous_persons=f'"{persons}"', persons=f'"{persons}"', **keys)
    )


def test_an_extract_with_dates_of_birth_gives_the_update_of_the_same_persons_with_ages(
    folder, with_age
):
    config = _update_of(folder, "with_birth.csv", reference_date=f'"{REFERENCE}"')
    assert config.reference_date == REFERENCE
    with pytest.raises(DataContractError, match="column 'age' is missing"):
        prepare_update(_update_of(folder, "with_birth.csv"))  # without the date
    with_birth = prepare_update(config)
    assert with_birth.agreed == with_age.agreed  # the shortlist of previous_persons
    assert with_age.moved is not None
    pd.testing.assert_frame_equal(with_birth.moved, with_age.moved)  # reran on persons


def test_a_date_of_birth_after_the_reference_date_is_refused_as_such(folder):
    config = _update_of(folder, "with_birth.csv", reference_date='"1990-01-01"')
    with pytest.raises(DataContractError, match="after the reference date 1990-01-01"):
        prepare_update(config)


@pytest.mark.parametrize(
    ("written", "read"), [(f'"{REFERENCE}"', REFERENCE), (REFERENCE, REFERENCE)]
)
def test_reference_date_is_read_as_text_or_a_toml_date(folder, written, read):
    config = load_update_config(
        write_config(folder, priorities='["falls_and_frailty"]', reference_date=written)
    )
    assert config.reference_date == read


@pytest.mark.parametrize(("written", "error", "words"), BAD_REFERENCE_DATES)
def test_a_reference_date_that_is_not_a_date_is_refused_naming_the_key(
    folder, written, error, words
):
    config = write_config(folder, priorities='["falls_and_frailty"]', reference_date=written)
    with pytest.raises(error, match=re.escape(words)) as refused:
        load_update_config(config)
    assert str(refused.value).startswith(f"{config}: ")


def test_monitor_s_reference_date_overrides_the_configuration_s(
    folder, with_age, monkeypatch, capsys
):
    import toolkit.report.update

    built = []
    monkeypatch.setattr(
        toolkit.report.update,
        "build_update",
        lambda config, out, **options: built.append(config) or "built",
    )
    config = write_config(
        folder,
        previous_persons='"with_birth.csv"',
        persons='"with_birth.csv"',
        reference_date='"1990-01-01"',  # before every birth: refused if it were used
    )
    argv = ["monitor", "--config", config, "--out", str(folder / "out")]
    assert main([*argv, "--reference-date", REFERENCE]) == 0
    assert capsys.readouterr().out == "built\n"
    (overridden,) = built
    assert overridden.reference_date == REFERENCE
    assert prepare_update(overridden).agreed == with_age.agreed
    assert main(argv) == 0  # without the option, the configuration's date stands
    assert built[-1].reference_date == "1990-01-01"
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--reference-date", "31/03/2026"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "argument --reference-date: must be a date written YYYY-MM-DD" in err
    assert "Traceback" not in err


def test_monitor_help_names_the_option_and_the_key(capsys):
    with pytest.raises(SystemExit):
        main(["monitor", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--reference-date YYYY-MM-DD" in out
    assert "(as reference_date in the configuration, which it overrides)" in out
    assert "persons, reference_date, shortlist_size" in out


def test_the_template_lists_reference_date_and_names_no_system(capsys):
    template = update_config_template()
    assert f'\nsystem_name = "{SYSTEM_NAME_PLACEHOLDER}"\n' in template
    assert "Kestermoor and Wyvendale" not in template
    assert f'\n# reference_date = "{REFERENCE}"\n' in template
    keys = update_config_keys()
    assert keys.index("reference_date") == keys.index("persons") + 1
    assert main(["monitor", "--print-config"]) == 0
    printed = capsys.readouterr().out
    assert printed == template
    guide = (Path(__file__).resolve().parents[2] / "docs" / "monitoring.md").read_text("utf-8")
    assert "`reference_date` (" in guide and "pophealth monitor --reference-date" in guide


def test_the_template_s_placeholder_is_refused_until_it_is_replaced(folder, capsys):
    template = update_config_template().replace('series = "series.csv"', 'series = "demo"')
    path = folder / "template.toml"
    path.write_text(template, encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_update_config(path)  # left as written: every other key commented
    message = str(refused.value)
    assert message == (
        f"{path}: 'system_name' is still the template's placeholder "
        f"({SYSTEM_NAME_PLACEHOLDER!r}): give the name of your integrated care system, as "
        "the board knows it."
    )
    assert main(["monitor", "--config", str(path), "--out", str(folder / "out")]) == 2
    assert "'system_name' is still the template's placeholder" in capsys.readouterr().err
    path.write_text(template.replace(SYSTEM_NAME_PLACEHOLDER, "North Mercia ICS"), "utf-8")
    assert load_update_config(path).system_name == "North Mercia ICS"


def test_every_uncommented_template_key_reads_back_once_the_name_is_filled(folder):
    text = update_config_template().replace(SYSTEM_NAME_PLACEHOLDER, "North Mercia ICS")
    text = text.replace('"series.csv"', '"demo"')
    lines = [
        line[2:] if re.match(r"^# \w+ = ", line) else line
        for line in text.splitlines()
        if not re.match(
            r"^# (persons|previous_persons|decision_log|criteria_scores|themes|workshop|weights"
            r"|weights_source) = ",
            line,
        )
    ]
    assert "reference_date" in tomllib.loads("\n".join(lines))
    path = folder / "filled.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert load_update_config(path).reference_date == REFERENCE


def test_monitor_refuses_a_persons_file_before_the_notebook_runs(folder, tmp_path, capsys):
    """The persons files' contract is checked before papermill: exit 2, no traceback.

    Before, the readers' error came from inside the notebook, with its trace, and the
    command had begun writing the update.
    """
    path = write_config(
        folder,
        previous_persons='"with_birth.csv"',
        persons='"with_birth.csv"',
        reference_date='"1990-01-01"',
    )
    out = tmp_path / "update"
    assert main(["monitor", "--config", str(path), "--out", str(out), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "column 'date_of_birth':" in err and "after the reference date 1990-01-01" in err
    assert "Traceback" not in err and "papermill" not in err.lower()
    assert not (out / "quarterly-update.html").exists()


def test_monitor_checks_a_persons_file_with_ages_in_duckdb_first(folder, tmp_path, capsys):
    """Without reference_date the file is checked as `pophealth validate` checks it."""
    broken = pd.read_csv(folder / "with_age.csv")
    broken.loc[4, "imd_decile"] = 11
    broken.to_csv(folder / "broken.csv", index=False)
    path = write_config(folder, previous_persons='"with_age.csv"', persons='"broken.csv"')
    out = tmp_path / "update"
    assert main(["monitor", "--config", str(path), "--out", str(out), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "broken.csv" in err and "column 'imd_decile': 1 row" in err and "(row 6: 11)" in err
    assert "Traceback" not in err
    assert not (out / "quarterly-update.html").exists()


# -- The dated persons are checked in DuckDB's bounded scan, as the persons with ages are --


def _dated_variants(folder: Path) -> dict[str, Path]:
    """Dated extracts, good and with each fault the readers find in dates of birth."""
    base = pd.read_csv(folder / "with_birth.csv", dtype={"date_of_birth": object}).head(2_000)

    def after(table):
        table.loc[[3, 7], "date_of_birth"] = "2027-01-01"

    def too_old(table):
        table.loc[[5], "date_of_birth"] = "1890-05-05"

    def blank(table):
        table.loc[[2, 9, 11], "date_of_birth"] = None

    def unreadable(table):
        table.loc[[4], "date_of_birth"] = "not a date"
        table.loc[[6], "date_of_birth"] = "2030-02-30"

    def everything(table):
        for fault in (after, too_old, blank, unreadable):
            fault(table)
        table.loc[8, "imd_decile"] = 11  # and a fault of another column

    files = {}
    for name, fault in {
        "good": None,
        "after": after,
        "too_old": too_old,
        "blank": blank,
        "unreadable": unreadable,
        "everything": everything,
    }.items():
        table = base.copy()
        if fault is not None:
            fault(table)
        for suffix in (".csv", ".parquet"):
            path = folder / f"dated_{name}{suffix}"
            if suffix == ".csv":
                table.to_csv(path, index=False)
            else:
                table.to_parquet(path, index=False)
            files[path.name] = path
    return files


@pytest.fixture(scope="module")
def dated(folder: Path) -> dict[str, Path]:
    return _dated_variants(folder)


class _Counted:
    """Counts the calls of the persons readers and of the DuckDB check, as the update makes them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import toolkit.data
        import toolkit.data.readers
        import toolkit.report.update
        import toolkit.segment

        self.reads: list[str] = []
        self.checks: list[tuple[str, object]] = []
        read, check = toolkit.data.readers.read_persons, toolkit.segment.check_persons_file

        def reading(path, *args, **options):
            self.reads.append(str(path))
            return read(path, *args, **options)

        def checking(path, *args, **options):
            self.checks.append((str(path), options.get("reference_date")))
            return check(path, *args, **options)

        for module in (toolkit.data, toolkit.data.readers):
            monkeypatch.setattr(module, "read_persons", reading)
        monkeypatch.setattr(toolkit.segment, "check_persons_file", checking)
        self.built: list[object] = []
        monkeypatch.setattr(
            toolkit.report.update,
            "build_in_folder",
            lambda *args, **options: self.built.append(args) or "built",
        )


def _refusal(run) -> tuple[str, object, object] | None:
    """The message, failures table and source of a DataContractError, or None."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run()
        except DataContractError as error:
            failures = None if error.failures is None else error.failures.to_dict("list")
            return str(error), failures, error.source
    return None


@pytest.mark.parametrize(
    "name",
    [
        f"dated_{fault}{suffix}"
        for fault in ("after", "too_old", "blank", "unreadable", "everything")
        for suffix in (".csv", ".parquet")
    ],
)
def test_dated_persons_are_refused_before_papermill_as_the_readers_refuse_them(
    folder, dated, name, monkeypatch
):
    """Before, the update read a dated file whole with the readers to check it, then again in
    the notebook; now DuckDB checks it in its bounded scan, with the readers' words."""
    from toolkit.data.readers import read_persons
    from toolkit.report.update import build_update

    path = dated[name]
    expected = _refusal(lambda: read_persons(str(path), reference_date=REFERENCE))
    assert expected is not None
    counted = _Counted(monkeypatch)
    config = _update_of(folder, name, reference_date=f'"{REFERENCE}"')
    refused = _refusal(lambda: build_update(config, folder / "out", pdf=False))
    assert refused == expected  # the same message, failures table and file
    assert counted.reads == []  # the readers never loaded it
    assert counted.checks == [(str(path), REFERENCE)]
    assert counted.built == []  # refused before papermill


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_good_dated_file_is_scanned_once_before_papermill_and_not_read(
    folder, dated, suffix, monkeypatch
):
    from toolkit.report.update import build_update

    name = f"dated_good{suffix}"
    counted = _Counted(monkeypatch)
    config = _update_of(folder, name, reference_date=f'"{REFERENCE}"')  # both persons keys
    assert build_update(config, folder / "out", pdf=False) == "built"
    assert counted.checks == [(str(dated[name]), REFERENCE)]  # once, as without the date
    assert counted.reads == []  # the notebook's reading is the only one
    assert len(counted.built) == 1
