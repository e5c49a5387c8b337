"""Several persons files read together: the same columns in each, and each file told apart.

``pophealth validate`` (:func:`toolkit.segment.check_persons_file`),
:func:`toolkit.segment.build_cube` and :func:`toolkit.segment.build_cohort_cube` resolve a
folder or glob the same way: Parquet files whose columns differ are refused as CSV files
are (a column one file lacks was once read as blank in its rows), and a row of several
files is named by the file's path below their common folder, so that files of the same
name in different folders are told apart.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.errors import DataContractError
from toolkit.segment import build_cohort_cube, build_cube, check_persons_file
from toolkit.segment._sources import file_names

from ._persons import random_persons

LACKING = ["efi", "cause_of_death", "end_of_life"]


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return random_persons(400, seed=11)


def refused(check: Any, path: Path | str) -> str:
    """The message of the DataContractError ``check`` raises for ``path``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataContractError) as error:
            check(str(path))
    return str(error.value)


def validate(path: Path | str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            status = main(["validate", str(path)])
    return status, out.getvalue(), err.getvalue()


ALL_THREE = [check_persons_file, build_cube, build_cohort_cube]


# --------------------------------------------------------------------------------------
# Parquet files of one set must have the same columns
# --------------------------------------------------------------------------------------


def test_a_parquet_file_lacking_columns_is_refused_by_validate_cube_and_cohort_cube(
    tmp_path, clean
):
    folder = tmp_path / "mixed"
    folder.mkdir()
    clean.iloc[:200].to_parquet(folder / "part1.parquet", index=False)
    clean.iloc[200:].drop(columns=LACKING).to_parquet(folder / "part2.parquet", index=False)
    lacks = ", ".join(repr(name) for name in clean.columns if name in LACKING)
    expected = (
        f"{folder} (2 files): {folder / 'part2.parquet'} has different columns from "
        f"{folder / 'part1.parquet'} (it lacks {lacks}); files read together must have the "
        "same columns."
    )
    for check in ALL_THREE:
        assert refused(check, folder) == expected, check.__name__
    status, out, err = validate(folder)
    assert (status, out) == (2, "")
    assert expected in err
    assert "Traceback" not in err
    with pytest.raises(DataContractError) as error:
        check_persons_file(folder)
    assert error.value.failures["check"].tolist() == ["same_columns"]
    assert error.value.source == str(folder)


def test_the_file_with_more_columns_is_named_whichever_comes_first(tmp_path, clean):
    folder = tmp_path / "extra"
    folder.mkdir()
    clean.iloc[:200].drop(columns="efi").to_parquet(folder / "a.parquet", index=False)
    clean.iloc[200:].assign(note="x").to_parquet(folder / "b.parquet", index=False)
    message = refused(check_persons_file, folder)
    assert (
        f"{folder / 'a.parquet'} has different columns from {folder / 'b.parquet'} "
        "(it lacks 'efi', 'note')"
    ) in message


def test_a_file_with_a_column_besides_is_named(tmp_path, clean):
    folder = tmp_path / "besides"
    folder.mkdir()
    clean.iloc[:200].to_parquet(folder / "a.parquet", index=False)
    clean.iloc[200:].assign(note="x").to_parquet(folder / "b.parquet", index=False)
    message = refused(build_cube, str(folder / "*.parquet"))
    assert (
        f"{folder / 'b.parquet'} has different columns from {folder / 'a.parquet'} "
        "(it has 'note' besides); files read together must have the same columns."
    ) in message


def test_a_cube_beside_the_persons_is_refused_with_a_hint(tmp_path, clean):
    folder = tmp_path / "demo"
    folder.mkdir()
    clean.to_parquet(folder / "persons.parquet", index=False)
    build_cube(clean).to_parquet(folder / "cube.parquet", index=False)
    message = refused(check_persons_file, folder)
    assert message.startswith(
        f"{folder} (2 files): {folder / 'cube.parquet'} has different columns from "
        f"{folder / 'persons.parquet'} (it lacks 'person_id', 'age', "
    )
    assert "besides); files read together must have the same columns. Point at the " in message
    assert "blank" not in message
    assert len(message.splitlines()) == 1


def test_parquet_columns_in_another_order_are_read_together(tmp_path, clean):
    folder = tmp_path / "order"
    folder.mkdir()
    clean.iloc[:200].to_parquet(folder / "a.parquet", index=False)
    clean.iloc[200:][list(reversed(clean.columns))].to_parquet(folder / "b.parquet", index=False)
    assert check_persons_file(folder).rows == len(clean)
    cube = build_cube(folder)
    assert int(cube["persons"].sum()) == len(clean)


def test_csv_files_name_the_columns_each_lacks_in_the_same_words(tmp_path, clean):
    folder = tmp_path / "csv"
    folder.mkdir()
    clean.iloc[:200].to_csv(folder / "a.csv", index=False)
    clean.iloc[200:].drop(columns="efi").to_csv(folder / "b.csv", index=False)
    assert refused(build_cohort_cube, folder) == (
        f"{folder} (2 files): {folder / 'b.csv'} has different columns from "
        f"{folder / 'a.csv'} (it lacks 'efi'); files read together must have the same "
        "header."
    )
    clean.iloc[200:][list(reversed(clean.columns))].to_csv(folder / "b.csv", index=False)
    assert (
        f"{folder / 'b.csv'} has different columns from {folder / 'a.csv'} (the same columns "
        "in another order); files read together must have the same header."
    ) in refused(check_persons_file, folder)


# --------------------------------------------------------------------------------------
# Rows of several files: each file told apart
# --------------------------------------------------------------------------------------


def test_file_names_are_paths_below_the_common_folder():
    assert file_names(["x/a/persons.parquet", "x/b/persons.parquet"]) == {
        "x/a/persons.parquet": "a/persons.parquet",
        "x/b/persons.parquet": "b/persons.parquet",
    }
    assert file_names(["x/part_1.csv", "x/part_2.csv"]) == {
        "x/part_1.csv": "part_1.csv",
        "x/part_2.csv": "part_2.csv",
    }
    assert file_names(["x/persons.csv"]) == {"x/persons.csv": "x/persons.csv"}


def test_rows_of_files_with_the_same_name_are_told_apart(tmp_path, clean):
    for name in ("a", "b"):
        (tmp_path / "multi" / name).mkdir(parents=True)
    second = clean.iloc[200:].copy()
    second.loc[second.index[0], "person_id"] = clean.loc[0, "person_id"]
    second.loc[second.index[5], "age"] = 140
    clean.iloc[:200].to_parquet(tmp_path / "multi" / "a" / "persons.parquet", index=False)
    second.to_parquet(tmp_path / "multi" / "b" / "persons.parquet", index=False)
    glob = str(tmp_path / "multi" / "*" / "persons.parquet")
    for check in ALL_THREE:
        message = refused(check, glob)
        assert message.startswith(f"{glob} (2 files): 2 problems found."), check.__name__
        assert (
            "column 'age': 1 row is outside 0 to 120 (row 7 of b/persons.parquet: 140)."
        ) in message
        assert (
            "column 'person_id': 2 rows share a person_id with another row (row 2 of "
            "a/persons.parquet: 'P00000000'; row 2 of b/persons.parquet: 'P00000000')."
        ) in message
    status, _, err = validate(glob)
    assert status == 2
    assert "row 7 of b/persons.parquet: 140" in err


def test_blank_rows_of_files_with_the_same_name_are_told_apart(tmp_path, clean):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    clean.iloc[:200].to_csv(tmp_path / "a" / "persons.csv", index=False)
    second = clean.iloc[200:].copy()
    second.loc[second.index[[1, 3]], "age"] = None
    second.to_csv(tmp_path / "b" / "persons.csv", index=False)
    message = refused(check_persons_file, tmp_path / "*" / "persons.csv")
    assert "column 'age': 2 rows are blank (row 3 of b/persons.csv; row 5 of b/persons.csv)." in (
        message
    )


def test_written_blanks_of_files_with_the_same_name_are_told_apart(tmp_path, clean):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    clean.iloc[:200].to_csv(tmp_path / "a" / "persons.csv", index=False)
    clean.iloc[200:].assign(place="NULL").to_csv(tmp_path / "b" / "persons.csv", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_persons_file(tmp_path / "*" / "persons.csv")
    said = [str(warning.message) for warning in caught if "read as blank" in str(warning.message)]
    assert len(said) == 1
    assert (
        "b/persons.csv: column 'place': 200 values written as 'NULL' were read as blank"
        in (said[0])
    )


def test_at_most_five_differing_files_are_named(tmp_path, clean):
    folder = tmp_path / "many"
    folder.mkdir()
    clean.iloc[:50].to_parquet(folder / "part_0.parquet", index=False)
    for part in range(1, 8):
        rows = clean.iloc[50 * part : 50 * (part + 1)].drop(columns="efi")
        rows.to_parquet(folder / f"part_{part}.parquet", index=False)
    message = refused(check_persons_file, folder)
    assert message.count("has different columns from") == 5
    assert "; and 2 more files differ; files read together must have the same columns." in message
