"""`pophealth validate` and `pophealth cube` accept and refuse the same persons files (issue 14).

Every persons file of the bad-input corpus, twelve files that used to split the two
commands (column names in capitals or with spaces, fractional counts, flags 2 and -1,
fractional ages and deciles, an infinite cost, a repeated column, ids differing by a
space, "45y", "£1,250", Latin-1 text, a type change after DuckDB's sample) and a good
file are run through both commands in-process. Both must refuse (exit 2, no traceback)
or both accept, and then the cube must reconcile with the file.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.data import make_demo_system

from .test_bad_inputs import BAD, CASES

pytestmark = pytest.mark.slow


def run(argv: list[str]) -> tuple[int, str]:
    """Run the command line in-process: its exit status and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                status = main(argv)
            except SystemExit as exit_:
                status = exit_.code
    return int(status or 0), out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return make_demo_system(persons=400, seed=1).persons


def agreement_files(base: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """The twelve files that split the commands before issue 14, plus a good one."""

    def write(name: str, frame: pd.DataFrame, **options) -> Path:
        path = folder / name
        frame.to_csv(path, index=False, **options)
        return path

    files = {"good": write("good.csv", base)}
    frame = base.rename(columns={"diabetes": "Diabetes", "hypertension": "Hypertension "})
    files["caps_space"] = write("caps.csv", frame)
    frame = base.astype({"emergency_admissions": float})
    frame.loc[3, "emergency_admissions"] = 2.5
    files["frac_adm"] = write("frac.csv", frame)
    frame = base.copy()
    frame["diabetes"] = frame["diabetes"].astype(int)
    frame.loc[4, "diabetes"] = 2
    frame.loc[5, "diabetes"] = -1
    files["flag2"] = write("flag2.csv", frame)
    frame = base.astype({"age": float})
    frame.loc[6, "age"] = 64.6
    files["age_frac"] = write("agefrac.csv", frame)
    frame = base.astype({"imd_decile": float})
    frame.loc[7, "imd_decile"] = 2.5
    files["dec_frac"] = write("decfrac.csv", frame)
    frame = base.copy()
    frame.loc[8, "cost_gbp"] = np.inf
    files["cost_inf"] = write("inf.csv", frame)
    frame = base.copy()
    frame.insert(3, "age ", frame["age"])
    files["two_age"] = write("twoage.csv", frame)
    frame = base.copy()
    frame.loc[9, "person_id"] = frame.loc[10, "person_id"] + " "
    files["id_space"] = write("idspace.csv", frame)
    frame = base.astype({"age": str})
    frame.loc[11, "age"] = "45y"
    files["age_45y"] = write("age45y.csv", frame)
    frame = base.astype({"cost_gbp": str})
    frame.loc[12, "cost_gbp"] = "£1,250"
    files["cost_pound"] = write("costpound.csv", frame)
    frame = base.copy()
    frame.loc[13, "ethnic_group"] = "Café"
    files["latin1"] = write("latin1.csv", frame, encoding="latin-1")
    big = pd.concat([base] * 60, ignore_index=True)  # 24,000 rows
    big["person_id"] = [f"P{i}" for i in range(len(big))]
    big = big.astype({"age": str})
    big.loc[22_000, "age"] = "unknown"  # past DuckDB's 20,480-row sample
    files["late_type"] = write("late.csv", big)
    return files


def persons_cases() -> list[Path]:
    return [BAD / case.file for case in CASES if case.kind == "persons"]


def check_agreement(path: Path, out: Path) -> pd.DataFrame | None:
    """Run both commands on ``path``; return the cube when both accept it."""
    validated, said = run(["validate", str(path)])
    built, told = run(["cube", str(path), "--out", str(out), "--quiet"])
    assert "Traceback" not in said and "Traceback" not in told, said + told
    assert (validated, built) in ((0, 0), (2, 2)), (
        f"{path.name}: validate exited {validated}, cube {built}\n{said}\n{told}"
    )
    if validated == 2:
        assert path.name in told or str(path) in told, told
        assert not out.exists()
        return None
    return pd.read_parquet(out)


@pytest.mark.parametrize("path", persons_cases(), ids=lambda path: path.name)
def test_the_commands_agree_on_the_bad_input_corpus(path, tmp_path):
    # ... and with the readers the notebooks and reports use: a file read_persons refuses
    # (a line ending in an extra comma, for one) is refused by both commands too.
    from toolkit.data import read_persons
    from toolkit.errors import DataContractError

    cube = check_agreement(path, tmp_path / "cube.parquet")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            persons = read_persons(path)
    except DataContractError:
        assert cube is None, f"{path.name}: the readers refuse it, the commands accept it"
    else:
        assert cube is not None, f"{path.name}: the readers accept it, the commands refuse it"
        assert cube["persons"].sum() == len(persons)


def test_the_commands_agree_on_the_files_that_split_them(base, tmp_path):
    from toolkit.data import read_persons

    files = agreement_files(base, tmp_path)
    accepted = {}
    for name, path in files.items():
        cube = check_agreement(path, tmp_path / f"{name}.cube.parquet")
        if cube is not None:
            accepted[name] = cube
            persons = read_persons(path)
            assert cube["persons"].sum() == len(persons), name
            assert cube["emergency_admissions"].sum() == persons["emergency_admissions"].sum()
    assert set(accepted) == {"good", "caps_space", "cost_pound"}
    # Columns named in capitals or with spaces are read as the readers read them.
    pd.testing.assert_frame_equal(accepted["caps_space"], accepted["good"])
    # "£1,250" is read as 1250, as the readers read it.
    extra = 1250.0 - float(base.loc[12, "cost_gbp"])
    assert accepted["cost_pound"]["cost_gbp"].sum() == pytest.approx(
        accepted["good"]["cost_gbp"].sum() + extra
    )


def test_the_commands_agree_on_every_kind_of_file(base, tmp_path):
    # Excel, a zip, a gzip and a tab-separated file: the readers read the first three and
    # refuse the last; the cube hands what it does not scan to them, so both agree.
    import gzip
    import shutil
    import zipfile

    plain = tmp_path / "persons.csv"
    base.to_csv(plain, index=False)
    base.to_excel(tmp_path / "persons.xlsx", index=False)
    with zipfile.ZipFile(tmp_path / "persons.zip", "w") as archive:
        archive.write(plain, "persons.csv")
    with plain.open("rb") as source, gzip.open(tmp_path / "persons.csv.gz", "wb") as target:
        shutil.copyfileobj(source, target)
    base.to_csv(tmp_path / "persons.tsv", index=False, sep="\t")
    expected = check_agreement(plain, tmp_path / "plain.cube.parquet")
    for name in ("persons.xlsx", "persons.zip", "persons.csv.gz"):
        cube = check_agreement(tmp_path / name, tmp_path / f"{name}.cube.parquet")
        assert cube is not None, name
        pd.testing.assert_frame_equal(cube, expected, check_dtype=False)
    assert check_agreement(tmp_path / "persons.tsv", tmp_path / "tsv.cube.parquet") is None
    for command in (["validate"], ["cube", "--out", str(tmp_path / "tsv.parquet")]):
        _, said = run([command[0], str(tmp_path / "persons.tsv"), *command[1:]])
        assert "persons.tsv: the persons table must be CSV (.csv)" in said, said


def test_the_commands_refuse_a_header_over_blank_rows_as_a_header_alone(base, tmp_path):
    # A header followed by blank lines, by a line of commas, or a Parquet file of rows with
    # no value: no data rows, refused as a header-only file is (not "0 rows meet").
    header = ",".join(base.columns)
    files = {
        "blank_lines.csv": header + "\n\n\n",
        "commas.csv": header + "\n" + "," * (len(base.columns) - 1) + "\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    nulls = pd.DataFrame({column: pd.Series([None] * 3, dtype="string") for column in base})
    nulls.to_parquet(tmp_path / "null_rows.parquet", index=False)
    for name in [*files, "null_rows.parquet"]:
        assert check_agreement(tmp_path / name, tmp_path / f"{name}.cube.parquet") is None, name
        for argv in (["validate"], ["cube", "--out", str(tmp_path / "x.parquet"), "--quiet"]):
            _, said = run([argv[0], str(tmp_path / name), *argv[1:]])
            assert "the table has a header row but no data rows" in said, said


def test_the_commands_agree_on_gzipped_csv_files_and_say_the_same(base, tmp_path):
    # A ".csv.gz" is a gzip to both commands: the readers unpack and check it, so a blank
    # line, Windows-1252 text, semicolons, a cut-short or a mislabelled file read the same
    # (the cube used to scan it with DuckDB: a state-machine error, or a bare "Not a
    # gzipped file" with no file named, where validate accepted or explained).
    import gzip

    text = base.to_csv(index=False)
    lines = text.splitlines(keepends=True)
    variants = {
        "blank.csv.gz": gzip.compress(("".join(lines[:5]) + "\n" + "".join(lines[5:])).encode()),
        "cp1252.csv.gz": gzip.compress(text.replace("White", "Whit£", 1).encode("cp1252")),
        "semicolon.csv.gz": gzip.compress(base.to_csv(index=False, sep=";").encode()),
        "cut.csv.gz": gzip.compress(text.encode())[:200],
        "not_gzip.csv.gz": text.encode(),
    }
    for name, content in variants.items():
        (tmp_path / name).write_bytes(content)
    expected = check_agreement(tmp_path / "blank.csv.gz", tmp_path / "blank.cube.parquet")
    assert expected is not None and expected["persons"].sum() == len(base)
    for name in list(variants)[1:]:
        path = tmp_path / name
        assert check_agreement(path, tmp_path / f"{name}.cube.parquet") is None, name
        _, said = run(["validate", str(path)])
        _, told = run(["cube", str(path), "--out", str(tmp_path / "x.parquet"), "--quiet"])
        message = said.strip().splitlines()[-1]
        # Both commands name the file by the path as given (not validate its bare name).
        assert message.startswith(f"{path}: ") and message in told.splitlines(), (said, told)
